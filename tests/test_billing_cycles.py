"""Fees per billing cycle inside a longer measurement period, and caps of cycles or charges.

Issue 16: "many SaaS contracts measure uptime per calendar quarter but bill
monthly". A tier's ``billing`` cycle makes the fee per cycle; a period's fee
is its cycles' fees, charges are read per cycle, ``prorated(basis="cycle")``
pays each down minute at the fee of its month, and caps speak in cycles of
fees (``cycles_of_fees``) or in shares of the charges billed (``of=charges()``).
Every figure here is checked against a by-hand or brute-force computation.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
from slakit._results._schedule import version_changes
from slakit.exceptions import DefinitionError, EvaluationError, PeriodError
from slakit.testing import check_caps

UP = sla.uptime()
HOUR = 3_600_000_000
Q1 = sla.quarterly().period("2026-Q1")
MONTHS = [sla.monthly().period(f"2026-{m:02d}") for m in (1, 2, 3)]


def _quarterly(rule: sla.CreditRule, **agreement: object) -> sla.Agreement:
    tier = sla.Tier(
        "saas",
        fee=sla.usd("100.00"),
        billing=sla.monthly(),
        objectives=[UP >= "99.9%"],
        compensation=rule,
    )
    return sla.Agreement(
        provider="P",
        customer="C",
        services=["app"],
        tier=tier,
        period=sla.quarterly(),
        **agreement,  # type: ignore[arg-type]
    )


def _down(day: str, hours: int) -> sla.Outage:
    return sla.Outage("app", f"{day}T00:00:00Z", f"{day}T{hours:02d}:00:00Z")


DOWN = [_down("2026-01-10", 1), _down("2026-02-10", 2), _down("2026-03-10", 2)]


def test_a_quarters_fee_is_the_fees_of_its_three_monthly_cycles() -> None:
    rule = sla.credit_schedule(UP, {"< 99.9%": "10%"})
    report = sla.evaluate(_quarterly(rule), DOWN, period="2026-Q1")
    assert report.total == sla.usd("30.00")  # 10% of 3 x 100.00
    assert report.compensation.lines[0].base == sla.usd("300.00")
    assert "fee 100.00 USD per billing cycle" in report.explain()


def test_the_fees_for_the_period_of_downtime_use_each_months_own_length() -> None:
    """10 x (1 h / 744 h + 2 h / 672 h + 2 h / 744 h) x 100.00: February's hours cost more."""
    rule = sla.prorated(UP, multiple=10, basis="cycle")
    report = sla.evaluate(_quarterly(rule), DOWN, period="2026-Q1")
    expected = 10 * 100 * (Fraction(1, 744) + Fraction(2, 672) + Fraction(2, 744))
    assert report.exact_total == expected == Fraction(9125, 1302)
    assert "2 hours down in 2026-02 / 28 days" in report.explain()
    # the same contract over the quarter's length would pay a different amount
    flat = sla.evaluate(
        _quarterly(sla.prorated(UP, multiple=10)), DOWN, period="2026-Q1"
    ).exact_total
    assert flat == 10 * 300 * Fraction(5, 90 * 24) != expected
    # basis=monthly() under a monthly billing cycle is the same reading
    same = sla.evaluate(
        _quarterly(sla.prorated(UP, multiple=10, basis=sla.monthly())), DOWN, period="2026-Q1"
    )
    assert same.exact_total == expected


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 90 * 24 - 1), st.integers(1, 72)),
        min_size=0,
        max_size=5,
    )
)
def test_cycle_proration_equals_an_hour_by_hour_sum(outages: list[tuple[int, int]]) -> None:
    """Each down hour is worth the fee over its month's hours; overlaps count once."""
    events = [
        sla.Outage("app", Q1.start + h * HOUR, min(Q1.start + (h + n) * HOUR, Q1.end))
        for h, n in outages
    ]
    down_hours = {h + k for h, n in outages for k in range(n) if h + k < 90 * 24}
    expected = Fraction(0)
    for hour in down_hours:
        instant = Q1.start + hour * HOUR
        month = next(m for m in MONTHS if m.start <= instant < m.end)
        expected += Fraction(100 * HOUR, month.length_us)
    report = sla.evaluate(_quarterly(sla.prorated(UP, basis="cycle")), events, period="2026-Q1")
    assert report.exact_total == expected


def test_an_agreement_starting_mid_quarter_pays_the_fees_of_the_cycles_in_effect() -> None:
    """From 8 February: 21/28 of February's fee and all of March's, 175.00; 10% is 17.50.

    Pro-rating the quarter's 300.00 by time in force (52 of 90 days) would give 17.33.
    """
    rule = sla.credit_schedule(UP, {"< 99.9%": "10%"})
    agreement = _quarterly(rule, effective="2026-02-08T00:00:00Z")
    report = sla.evaluate(agreement, DOWN[1:], period="2026-Q1")
    assert report.exact_total == Fraction(35, 2)
    text = report.explain()
    assert "10% of 300.00 USD x 7/12 of the period" in text
    assert (
        "the fee is that of the billing cycles in effect, each pro-rated: 7/4 of 3 cycles" in text
    )
    # an amendment that splits the quarter: each version's part at its cycles' fees
    amended = _quarterly(rule).amend(
        "2026-02-08T00:00:00Z", tier=agreement.tier.derive("saas", fee=sla.usd("200.00"))
    )
    split = sla.evaluate_versions(amended, DOWN, period="2026-Q1")
    # v1: January and 7/28 of February at 100.00 = 125.00; v2: 21/28 + 1 at 200.00 = 350.00
    assert [part.exact_total for _version, part in split.parts] == [Fraction(25, 2), 35]


def test_charges_are_read_per_billing_cycle_and_summed() -> None:
    charges = [
        sla.Charge("app", "2026-01", "usage", sla.usd("80.00")),
        sla.Charge("app", "2026-02", "usage", sla.usd("120.00")),
        sla.Charge("app", "2026-03", "usage", sla.usd("100.00")),
    ]
    rule = sla.credit_schedule(UP, {"< 99.9%": "10%"}, base=sla.charges())
    assert sla.evaluate(_quarterly(rule), DOWN, charges, period="2026-Q1").total == sla.usd("30.00")
    # pro rata at each month's own charges
    by_cycle = sla.prorated(UP, basis="cycle", base=sla.charges())
    report = sla.evaluate(_quarterly(by_cycle), DOWN, charges, period="2026-Q1")
    assert report.exact_total == 80 * Fraction(1, 744) + 120 * Fraction(2, 672) + 100 * Fraction(
        2, 744
    )
    with pytest.raises(EvaluationError, match="billing cycle 2026-02 of period 2026-Q1"):
        sla.evaluate(_quarterly(rule), DOWN, charges[::2], period="2026-Q1")


def test_a_period_that_is_not_whole_cycles_is_refused_and_cycle_needs_a_cycle() -> None:
    tier = sla.Tier(
        "t",
        fee=sla.usd("100.00"),
        billing=sla.quarterly(),
        compensation=sla.credit_schedule(UP, {"< 99.9%": "10%"}),
    )
    monthly = sla.Agreement(provider="P", customer="C", services=["app"], tier=tier)
    with pytest.raises(PeriodError, match="not a whole number of billing cycles"):
        sla.evaluate(monthly, DOWN, period="2026-01")
    plain = sla.Tier("t", fee=sla.usd("1.00"), compensation=sla.prorated(UP, basis="cycle"))
    agreement = sla.Agreement(provider="P", customer="C", services=["app"], tier=plain)
    with pytest.raises(EvaluationError, match="basis='cycle' needs a billing cycle"):
        sla.evaluate(agreement, DOWN, period="2026-01")
    with pytest.raises(DefinitionError, match="billing="):
        sla.Tier("t", fee=sla.usd("1.00"), billing="monthly")  # type: ignore[arg-type]


def test_billing_cycles_round_trip_and_are_said_in_words() -> None:
    agreement = _quarterly(sla.prorated(UP, multiple=10, basis="cycle"))
    data = json.loads(json.dumps(sla.to_data(agreement)))
    assert data["tier"]["billing"] == {"type": "monthly"}
    assert sla.from_data(data) == agreement
    schedule = sla.render_schedule(agreement)
    assert "Fee per service and billing cycle: **100.00 USD**, billed in calendar months" in (
        schedule
    )
    assert "the length of the billing cycle it fell in" in schedule
    amended = agreement.amend(
        "2026-04-01T00:00:00Z", tier=agreement.tier.derive("saas", billing=None)
    )
    v1, v2 = (version.agreement for version in amended.versions())
    assert (
        "Billing cycle: was calendar months in UTC; now the measurement period."
        in version_changes(v1, v2)
    )


# --- caps in the contract's words -----------------------------------------------------------------

ALL = sla.credit_schedule(UP, {"< 99.9%": "100%"})  # the whole fee, to hit the caps


def _monthly(rule: sla.CreditRule, services: tuple[str, ...] = ("app",)) -> sla.Agreement:
    tier = sla.Tier("t", fee=sla.usd("100.00"), objectives=[UP >= "99.9%"], compensation=rule)
    return sla.Agreement(provider="P", customer="C", services=list(services), tier=tier)


def test_three_months_of_fees_per_year() -> None:
    """100% each month, at most three months' fees a year: 100, 100, 100, then nothing."""
    rule = sla.cap(ALL, at_most=sla.cycles_of_fees(3), per="year")
    events = [_down(f"2026-{m:02d}-10", 2) for m in range(1, 6)]
    st = sla.statement(_monthly(rule), events, periods="2026-01..2026-05")
    assert [str(r.total) for r in st.reports] == ["100.00 USD"] * 3 + ["0.00 USD"] * 2
    assert "exceed the cap of 3 billing cycles' fees per year" in st.explain()
    assert rule.describe() == "cap of 3 billing cycles' fees per year"
    # under a monthly billing cycle in a quarter, three cycles' fees are 300.00 a quarter
    quarter = _quarterly(sla.cap(ALL, at_most=sla.cycles_of_fees(2)))
    assert sla.evaluate(quarter, DOWN, period="2026-Q1").total == sla.usd("200.00")
    assert check_caps(_monthly(sla.cap(ALL, at_most=sla.cycles_of_fees(1))), max_examples=5)
    with pytest.raises(DefinitionError, match="whole number of billing cycles"):
        sla.cycles_of_fees(0)


def test_a_cap_of_the_charges_billed() -> None:
    """At most 50% of what the affected service was billed that month, read from billing data."""
    rule = sla.cap(ALL, at_most="50%", of=sla.charges())
    charges = [
        sla.Charge("a", "2026-10", "usage", sla.usd("30.00")),
        sla.Charge("b", "2026-10", "usage", sla.usd("500.00")),
    ]
    events = [
        sla.Outage("a", "2026-10-05T00:00:00Z", "2026-10-05T02:00:00Z"),
        sla.Outage("b", "2026-10-05T00:00:00Z", "2026-10-05T02:00:00Z"),
    ]
    report = sla.evaluate(_monthly(rule, ("a", "b")), events, charges, period="2026-10")
    lines = report.compensation.lines
    assert {line.service: line.amount for line in lines if line.kind == "credit"} == {
        "a": Fraction(100),
        "b": Fraction(100),
    }
    assert report.exact_total == 15 + 100  # a: capped at 15.00; b: 100.00 is below 250.00
    assert "cap of 50% of the charges billed (all)" in report.explain()
    pooled = sla.cap(ALL, at_most="50%", of=sla.charges(), across="services")
    report = sla.evaluate(_monthly(pooled, ("a", "b")), events, charges, period="2026-10")
    assert report.exact_total == 200  # below 50% of 530.00
    with pytest.raises(EvaluationError, match="no charge for 'a'"):
        sla.evaluate(_monthly(rule, ("a", "b")), events, charges[1:], period="2026-10")
    with pytest.raises(DefinitionError, match="takes no of="):
        sla.cap(ALL, at_most=sla.usd("10"), of=sla.charges())
    agreement = _monthly(rule)
    assert sla.from_data(json.loads(json.dumps(sla.to_data(agreement)))) == agreement
    result = check_caps(agreement, max_examples=5)
    assert result.status == "skipped"
    assert "of billing data" in result.note


def test_a_portfolio_plan_billed_monthly_equals_each_customer_alone() -> None:
    """The credits table's base is the quarter's fee: three monthly fees of each customer."""
    plan = _quarterly(sla.credit_schedule(UP, {"< 99.9%": "10%"}))
    customers = {
        "customer": ["acme", "globex"],
        "plan": ["saas", "saas"],
        "service": ["app", "web"],
        "fee": ["40.00", "250.00"],
    }
    portfolio = sla.Portfolio(plans={"saas": plan}, customers=customers)
    events = [*DOWN, sla.Outage("web", "2026-03-01T00:00:00Z", "2026-03-01T06:00:00Z")]
    result = portfolio.evaluate(events, period="2026-Q1")
    assert result.credits["base"] == ["120.00", "750.00"]
    assert result.credits["amount"] == ["12.00", "75.00"]
    for customer in ("acme", "globex"):
        alone = sla.evaluate(portfolio.agreement(customer), events, period="2026-Q1")
        assert result.report(customer).exact_total == alone.exact_total


def test_days_of_service_in_a_split_period_are_counted_over_the_whole_period() -> None:
    """A cap of 10 days at 3,100.00 a month is 1,000.00 in October, in one part or in two.

    Each part of a period an amendment splits once counted the days over the part's own
    length (10 of 15 days: 2,066.67 for the first part).
    """
    tier = sla.Tier(
        "t",
        fee=sla.usd("3100.00"),
        objectives=[UP >= "99.9%"],
        compensation=sla.cap(ALL, at_most=sla.days(10)),
    )
    agreement = sla.Agreement(provider="P", customer="C", services=["app"], tier=tier)
    amended = agreement.amend("2026-10-16T00:00:00Z", title="renamed", tier=tier.derive("t2"))
    down = [_down("2026-10-05", 2)]
    split = sla.evaluate_versions(amended, down, period="2026-10")
    assert split.exact_total == Fraction(1000)
    assert sla.evaluate(agreement, down, period="2026-10").exact_total == Fraction(1000)
