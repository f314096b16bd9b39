"""The display rule of percentages: one rule, the same in text, JSON and rendered output."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit._ratio import PERCENT_PLACES, format_percent, format_points, percent_of, ratio

UNIT = Fraction(1, 100 * 10**PERCENT_PLACES)  # one shown digit: a millionth of a point


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        # exact within six places: shown as is, without padding
        (Fraction(999, 1000), "99.9%"),
        (Fraction(1999999, 2000000), "99.99995%"),
        (Fraction(1), "100%"),
        (Fraction(0), "0%"),
        (Fraction(1, 10**8), "0.000001%"),
        # inexact: half-even to six places, the exact fraction beside it
        (Fraction(575, 576), "99.826389% (exact 575/576)"),  # truncation said 99.826388
        (Fraction(1, 3), "33.333333% (exact 1/3)"),
        (Fraction(2, 3), "66.666667% (exact 2/3)"),
        # ties go to the even digit
        (Fraction(1, 8_000_000), "0.000012% (exact 1/8000000)"),  # 0.0000125
        (Fraction(3, 8_000_000), "0.000038% (exact 3/8000000)"),  # 0.0000375
        (1 - Fraction(15, 10**9), "99.999998% (exact 199999997/200000000)"),  # 99.9999985
        (1 - Fraction(25, 10**9), "99.999998% (exact 39999999/40000000)"),  # 99.9999975
        # just below a target: rounds onto it, but the padding and the fraction say so
        (
            Fraction(9999, 10000) - Fraction(1, 10**12),
            "99.990000% (exact 999899999999/1000000000000)",
        ),
        # never onto 100% or 0% unless exactly so: the nearest figure on the value's side
        (1 - Fraction(5, 10**9), "99.999999% (exact 199999999/200000000)"),  # a tie at 100
        (1 - Fraction(1, 10**12), "99.999999% (exact 999999999999/1000000000000)"),
        (Fraction(5, 10**9), "0.000001% (exact 1/200000000)"),  # a tie at 0
        (Fraction(1, 10**12), "0.000001% (exact 1/1000000000000)"),
        (Fraction(-1, 10**12), "-0.000001% (exact -1/1000000000000)"),
        # declared decimals (targets, shares, weights): every digit, however many
        (Decimal("0.9995"), "99.95%"),
        (Decimal("0.999999995"), "99.9999995%"),
        (Decimal("0.123456789"), "12.3456789%"),
        (Decimal("0.33333333333333333333333333333333333"), "33.333333333333333333333333333333333%"),
        (Decimal("1"), "100%"),
        (Decimal("0"), "0%"),
    ],
)
def test_format_percent(value: Fraction | Decimal, shown: str) -> None:
    """Exact values print exactly; inexact ones round half-even, with their fraction."""
    assert format_percent(value) == shown


@pytest.mark.parametrize(
    ("margin", "shown"),
    [
        # exact margins: signed points
        (Fraction(1, 2500), "+0.04 points"),
        (Fraction(0), "+0 points"),
        (Fraction(-1, 1000), "-0.1 points"),
        # inexact: rounded half-even, the exact points beside them
        (Fraction(-257, 743000), "-0.034590 points (exact -257/7430 points)"),
        (Fraction(1, 3 * 10**9), "+0.000001 points (exact 1/30000000 points)"),
        (Fraction(-1, 3 * 10**9), "-0.000001 points (exact -1/30000000 points)"),
    ],
)
def test_format_points(margin: Fraction, shown: str) -> None:
    """A margin never shows as zero unless it is, and keeps its sign."""
    assert format_points(margin) == shown
    assert sla.uptime().format_margin(margin) == shown


@given(
    value=st.fractions(min_value=0, max_value=1, max_denominator=10**12)
    | st.integers(0, 10**9).map(lambda k: Fraction(k, 10**9))
    | st.integers(0, 10**9).map(lambda k: Fraction(2 * k + 1, 2 * 10**8 * 100))
)
def test_the_rule_holds_for_every_ratio(value: Fraction) -> None:
    """Rounded half-even within half a digit; 0% and 100% only when exact; text agrees."""
    shown = percent_of(value)
    error = Fraction(shown) / 100 - value
    at_bound = shown in (0, 100)
    assert at_bound == (value in (0, 1))
    if not at_bound and abs(error) > UNIT / 2:
        # only the bound rule moves a figure further, and only off 0% or 100%
        assert abs(error) < UNIT
        assert Fraction(shown) / 100 in (UNIT, 1 - UNIT)
    if abs(error) == UNIT / 2:
        assert (Fraction(shown) / 100 / UNIT).numerator % 2 == 0 or shown in (
            Decimal("0.000001"),
            Decimal("99.999999"),
        )
    text = format_percent(value)
    head, _, tail = text.partition("% (exact ")
    if tail:
        assert Decimal(head) == shown
        assert Fraction(tail.removesuffix(")")) == value
        assert (value / UNIT).denominator != 1
    else:
        assert Fraction(ratio(text)) == value


@given(
    # a ratio of 32 places is a percentage of 30, the most a number may have (limits page)
    st.decimals(min_value=0, max_value=1, allow_nan=False, allow_infinity=False, places=32)
    | st.sampled_from(["99.95%", "99.999999%", "12.3456789%", "99.9999995%"]).map(ratio)
)
def test_declared_percentages_read_back(value: Decimal) -> None:
    """A target, share or weight prints so that ratio() reads back the same number."""
    assert ratio(format_percent(value)) == value


# --- one rule in every output --------------------------------------------------------------


def _report() -> sla.Report:
    """Return a report whose value is inexact: an hour down in October, 743/744 up."""
    up = sla.uptime()
    tier = sla.Tier(
        "gold",
        fee=sla.usd("100.00"),
        objectives=[up >= "99.9%"],
        compensation=sla.credit_schedule(up, {"< 99.9%": "10%"}),
    )
    agreement = sla.Agreement(
        provider="p", customer="c", services=["api"], tier=tier, period=sla.monthly(tz="UTC")
    )
    outage = sla.Outage("api", "2026-10-12T09:00:00Z", "2026-10-12T10:00:00Z")
    return sla.evaluate(agreement, [outage], period="2026-10")


def test_text_json_and_lines_show_the_same_figure() -> None:
    """explain(), to_dict(), describe() and the credit line all print the one rounded text."""
    report = _report()
    result = report.objectives[0]
    shown = "99.865591% (exact 743/744)"
    margin = "-0.034409 points (exact -16/465 points)"
    assert result.shown == shown
    assert result.percent == Decimal("99.865591")
    assert result.margin_shown == margin
    assert result.margin_points == Decimal("-0.034409")
    data = report.to_dict()
    assert data["objectives"][0]["percent"] == shown
    assert data["objectives"][0]["margin"] == margin
    assert data["objectives"][0]["margin_points"] == "-0.034409"
    assert data["compensation"]["lines"]["percent"][0] == shown
    text = report.explain()
    assert f"measured {shown}, margin {margin}" in text
    assert f"(value {shown} is below 99.9%)" in text
    assert "(exact 743/744) (exact" not in text  # the fraction is given once
    assert result.describe() == f"uptime >= 99.9%: breached ({shown})"


def test_rendered_schedules_show_declared_bounds_exactly() -> None:
    """Targets and bounds with many digits render as written, never cut to six places."""
    up = sla.uptime()
    tier = sla.Tier(
        "gold",
        fee=sla.usd("100.00"),
        objectives=[up >= "99.9999995%"],
        compensation=sla.credit_schedule(up, {"< 99.9999995%": "12.3456789%"}),
    )
    agreement = sla.Agreement(
        provider="p", customer="c", services=["api"], tier=tier, period=sla.monthly(tz="UTC")
    )
    rendered = sla.render_schedule(agreement)
    assert "99.9999995%" in rendered
    assert "12.3456789%" in rendered
    assert "99.999999%" not in rendered.replace("99.9999995%", "")
    assert eval(repr(tier.objectives[0]), vars(sla)) == tier.objectives[0]
