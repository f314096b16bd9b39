"""Compensation: every shape and combinator against hand-computed amounts, to the cent."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs
import numpy as np
import pytest

import slakit as sla
from slakit._engine._inputs import Inputs
from slakit._engine._registry import Context, register
from slakit._results._evidence import MeasureEvidence, MeasureOutcome
from slakit.exceptions import CurrencyMismatchError, DefinitionError, EvaluationError

U = sla.uptime()
TARGET = U >= "99.9%"
OCTOBER_MIN = 31 * 24 * 60  # 44,640 minutes


@attrs.frozen(repr=False, order=False)
class Counted(sla.Measure):
    """A test measure of events with fixed good/total counts per service (in service order)."""

    good: tuple[int, ...]
    total: tuple[int, ...]

    @property
    def label(self) -> str:
        """The measure's name."""
        return "tickets answered in time"

    def describe(self) -> str:
        """Describe the measure."""
        return "fixed counts"

    def __repr__(self) -> str:
        return f"Counted({self.good}, {self.total})"


@register(Counted)
def _run_counted(measure: sla.Measure, _inputs: Inputs, ctx: Context) -> MeasureOutcome:
    assert isinstance(measure, Counted)

    def evidence_of(i: int) -> MeasureEvidence:
        raise NotImplementedError

    return MeasureOutcome(
        measure=measure,
        services=ctx.services,
        good=np.asarray(measure.good, dtype=np.int64),
        total=np.asarray(measure.total, dtype=np.int64),
        evidence_of=evidence_of,
        notes=list,
        counts={
            "rows": {"rows": 0},
            "categories": {"counted": 0, "excluded": 0, "ignored": 0},
            "reasons": {},
        },
    )


def agreement(
    rule: sla.CreditRule, services: tuple[str, ...] = ("a",), **tier: object
) -> sla.Agreement:
    """Return an agreement with a 1,000.00 USD fee per service and ``rule`` as compensation."""
    fields: dict[str, object] = {"fee": sla.usd("1000.00"), "objectives": [TARGET]}
    fields.update(tier)
    return sla.Agreement(
        provider="p",
        customer="c",
        services=list(services),
        tier=sla.Tier("gold", compensation=rule, **fields),  # type: ignore[arg-type]
    )


def down(service: str, minutes: Fraction | int, day: int = 2) -> sla.Outage:
    """Return an outage of ``service`` lasting ``minutes`` from midnight on October ``day``."""
    start = sla.monthly().period("2026-10").start + (day - 1) * 86_400_000_000
    return sla.Outage(service, start, start + int(Fraction(minutes) * 60_000_000))


def run(rule: sla.CreditRule, *inputs: object, services: tuple[str, ...] = ("a",)) -> sla.Report:
    """Evaluate ``rule`` for October 2026."""
    return sla.evaluate(agreement(rule, services), *inputs, period="2026-10")


def amounts(report: sla.Report) -> dict[str, Fraction]:
    """Return each service's exact credit."""
    return report.compensation.exact_by_service()


# --- money and rounding --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rounding", "exact", "expected"),
    [
        # the default: half-up to the minor unit
        (sla.Rounding(), Fraction(1, 8), "0.13"),
        (sla.Rounding("half_even"), Fraction(1, 8), "0.12"),
        (sla.Rounding("down"), Fraction(2999, 1000), "2.99"),
        # whole units
        (sla.Rounding(to="unit"), Fraction(99950, 100), "1000"),
        (sla.Rounding("floor", to="unit"), Fraction(99999, 100), "999"),
        # a step such as five cents
        (sla.Rounding(to=Decimal("0.05")), Fraction(1237, 100), "12.35"),
        (sla.Rounding("down", to="0.05"), Fraction(1239, 100), "12.35"),
    ],
)
def test_rounding_mode_and_point(rounding: sla.Rounding, exact: Fraction, expected: str) -> None:
    """The agreement declares the rounding mode and point; rounding is exact."""
    assert rounding.apply(exact, "USD") == sla.usd(expected)


def test_rounding_point_of_the_currency_and_bad_points() -> None:
    """The minor unit follows ISO 4217 (JPY has none, KWD three); a bad point is refused."""
    assert sla.Rounding().apply(Fraction(1, 3), "JPY") == sla.jpy("0")
    assert sla.Rounding().apply(Fraction(2, 3), "KWD") == sla.Money("0.667", "KWD")
    assert sla.Rounding().step("KWD") == Fraction(1, 1000)
    assert sla.Rounding(to="unit").step("USD") == 1
    assert sla.Rounding(to="0.05").step("USD") == Fraction(1, 20)
    assert repr(sla.Rounding("down", to="unit")) == "Rounding('down', to='unit')"
    assert sla.Rounding(to="0.05").describe() == "half-up to a multiple of 0.05"
    assert sla.Rounding(to="unit").describe() == "half-up to whole units"
    for bad in ("cents", "-1", 0, "x"):
        with pytest.raises(DefinitionError, match="must be 'minor unit'"):
            sla.Rounding(to=bad)  # type: ignore[arg-type]


def test_the_agreement_rounding_applies_once_to_the_total() -> None:
    """Whole-unit rounding of the agreement rounds the exact total once."""
    rule = sla.per_breach(TARGET, sla.usd("10.40"))
    ag = attrs.evolve(agreement(rule, ("a", "b")), rounding=sla.Rounding(to="unit"))
    report = sla.evaluate(ag, [down("a", 60), down("b", 60)], period="2026-10")
    assert report.compensation.exact_total == Fraction("20.80")
    assert report.total == sla.usd("21")  # not 10 + 10
    assert report.compensation.by_service() == {"a": sla.usd("10"), "b": sla.usd("10")}
    assert "rounded once, half-up to whole units" in report.explain()
    assert report.to_dict()["compensation"]["rounding_point"] == "unit"


# --- tiered share --------------------------------------------------------------------------------


def test_schedule_bounds_inclusive_and_exclusive() -> None:
    """On a bound: '<' excludes it, '<=' includes it, exactly."""
    # 44.64 minutes down in October is exactly 99.9%
    on_bound = [down("a", Fraction(4464, 100))]
    below = sla.credit_schedule(U, {"< 99.9%": "10%"})
    at_or_below = sla.credit_schedule(U, {"<= 99.9%": "10%"})
    assert amounts(run(below, on_bound)) == {}
    assert amounts(run(at_or_below, on_bound)) == {"a": Fraction(100)}


def test_unordered_thresholds_are_refused() -> None:
    """A threshold table where a worse value pays less is an error naming the rows."""
    with pytest.raises(DefinitionError, match="unordered: '< 99%' pays 5%, less than the milder"):
        sla.credit_schedule(U, {"< 99.9%": "10%", "< 99%": "5%"})
    # explicit intervals may say it on purpose
    odd = sla.credit_schedule(U, {"[99%, 99.9%)": "10%", "[95%, 99%)": "30%", "(-inf, 95%)": "5%"})
    assert not odd.monotone()
    assert sla.credit_schedule(U, {"< 99.9%": "10%"}).monotone()


def test_schedule_on_charges_from_billing_data() -> None:
    """A share of the charges billed, with named kinds excluded."""
    rule = sla.credit_schedule(U, {"< 99.9%": "10%"}, base=sla.charges(excluding="upfront"))
    assert repr(rule) == (
        "credit_schedule(uptime(), {'(-inf, 99.9%)': '10%'}, base=charges(excluding=['upfront']))"
    )
    bill = [
        sla.Charge("a", "2026-10", "usage", sla.usd("812.34")),
        sla.Charge("a", "2026-10", "support", sla.usd("100.00")),
        sla.Charge("a", "2026-10", "upfront", sla.usd("5000.00")),
        sla.Charge("a", "2026-09", "usage", sla.usd("999.00")),  # another period
    ]
    report = run(rule, [down("a", 60)], bill)
    assert amounts(report) == {"a": Fraction("91.234")}
    assert report.total == sla.usd("91.23")
    (line,) = report.compensation.lines
    assert line.formula is not None
    assert "10% of 912.34 USD (the charges billed (all) excluding upfront)" in line.formula
    # the line's base is the bill it is a share of, in the object and in the JSON
    assert line.base == sla.usd("912.34")
    lines = report.to_dict()["compensation"]["lines"]
    assert (lines["base"], lines["currency"]) == (["912.34"], ["USD"])


@pytest.mark.parametrize(
    "rule",
    [
        # every shape whose base can be the bill
        sla.credit_schedule(U, {"< 99.9%": "10%"}, base=sla.charges("usage")),
        sla.linear(U >= "99.9%", share="10%", per="0.1%", base=sla.charges("usage")),
        sla.prorated(U, multiple=10, base=sla.charges("usage")),
        sla.per_downtime(U, every=sla.hours(1), worth=sla.days(1), base=sla.charges("usage")),
        sla.in_order(
            sla.credit_schedule(U, {"< 99.9%": "10%"}, base=sla.charges("usage")),
            sla.credit_schedule(U, {"< 99.9%": "10%"}, base=sla.charges("usage")),
        ),
    ],
    ids=repr,
)
def test_a_line_on_the_bill_shows_the_bill_as_its_base(rule: sla.CreditRule) -> None:
    """Every credit line whose base is charges(...) carries the charged amount as its base."""
    bill = [sla.Charge("a", "2026-10", "usage", sla.usd("179.00"))]
    report = run(rule, [down("a", 600)], bill)
    lines = [line for line in report.compensation.lines if line.kind == "credit"]
    assert lines
    assert all(line.base == sla.usd("179.00") for line in lines)
    data = report.to_dict()["compensation"]["lines"]
    rows = [dict(zip(data, row, strict=True)) for row in zip(*data.values(), strict=True)]
    bases = [(row["base"], row["currency"]) for row in rows if row["kind"] == "credit"]
    assert bases == [("179.00", "USD")] * len(lines)


def test_missing_billing_data_is_an_error_never_zero() -> None:
    """A credited service without charges in the period stops the evaluation, naming it."""
    rule = sla.credit_schedule(U, {"< 99.9%": "10%"}, base=sla.charges("usage"))
    bill = [sla.Charge("b", "2026-10", "usage", sla.usd("10"))]
    with pytest.raises(EvaluationError, match="no charge for 'a' in period 2026-10"):
        run(rule, [down("a", 60)], bill, services=("a", "b"))
    with pytest.raises(EvaluationError, match="no charge for 'a'"):
        run(rule, [down("a", 60)])
    # a service with no credit needs no bill
    assert amounts(run(rule, [down("b", 60)], bill, services=("a", "b"))) == {"b": Fraction(1)}


def test_billing_data_in_another_currency() -> None:
    """Billing data must be in the agreement's currency, and in one currency."""
    rule = sla.credit_schedule(U, {"< 99.9%": "10%"}, base=sla.charges())
    with pytest.raises(CurrencyMismatchError, match="billing data is in EUR"):
        run(rule, [down("a", 60)], [sla.Charge("a", "2026-10", "usage", sla.eur("10"))])
    with pytest.raises(CurrencyMismatchError, match="mixes currencies EUR, USD"):
        sla.ChargeTable.from_records(
            [
                sla.Charge("a", "2026-10", "usage", sla.eur("10")),
                sla.Charge("a", "2026-10", "usage", sla.usd("10")),
            ]
        )


# --- fixed amounts -------------------------------------------------------------------------------


def test_per_breach_of_an_objective() -> None:
    """A fixed amount once per breached period; met exactly on the target pays nothing."""
    rule = sla.per_breach(TARGET, sla.usd("50"))
    assert amounts(run(rule, [down("a", 45)])) == {"a": Fraction(50)}
    assert amounts(run(rule, [down("a", Fraction(4464, 100))])) == {}
    (line,) = run(rule, [down("a", 45)]).compensation.lines
    assert line.describe() == "per breach of uptime >= 99.9%: 1 breach x 50 USD = 50.00 USD"


def test_per_breach_of_each_missed_unit_of_any_measure() -> None:
    """With a measure of events, every unit it counts as missed (total - good) pays."""
    tickets = Counted(good=(7, 10), total=(10, 10))  # a: 3 late tickets, b: none
    rule = sla.per_breach(tickets, sla.usd("25.50"))
    report = run(rule, services=("a", "b"))
    assert amounts(report) == {"a": Fraction("76.5")}
    assert "3 missed x 25.50 USD = 76.50 USD" in report.compensation.lines[0].describe()
    with pytest.raises(DefinitionError, match="pass an objective"):
        sla.per_breach(U, sla.usd("1"))


# --- linear --------------------------------------------------------------------------------------

# 99.75% measured: 0.15% short of 99.9%, 1.5 steps of 0.1%
LINEAR_DOWN = Fraction(25, 10000) * OCTOBER_MIN


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ("exact", Fraction(75)),  # 1.5 steps x 5% x 1,000
        ("whole", Fraction(50)),  # 1 complete step
        ("started", Fraction(100)),  # 2 steps, the second begun
    ],
)
def test_linear_in_the_shortfall(steps: str, expected: Fraction) -> None:
    """x% of the fee per 0.1% below target, counting part of a step as declared."""
    rule = sla.linear(TARGET, share="5%", per="0.1%", steps=steps)  # type: ignore[arg-type]
    assert amounts(run(rule, [down("a", LINEAR_DOWN)])) == {"a": expected}


def test_linear_has_its_own_cap_and_pays_nothing_when_met() -> None:
    """The cap binds at 99% (9 steps = 45% > 40%) and not at 99.75%."""
    rule = sla.linear(TARGET, share="5%", per="0.1%", at_most="40%")
    assert amounts(run(rule, [down("a", Fraction(1, 100) * OCTOBER_MIN)])) == {"a": Fraction(400)}
    assert amounts(run(rule, [down("a", LINEAR_DOWN)])) == {"a": Fraction(75)}
    assert amounts(run(rule, [down("a", 10)])) == {}
    line = run(rule, [down("a", Fraction(1, 100) * OCTOBER_MIN)]).compensation.lines[0]
    assert line.formula is not None
    assert line.formula.endswith("capped at 40%")
    with pytest.raises(DefinitionError, match="at_most='140%' must be between"):
        sla.linear(TARGET, share="5%", per="0.1%", at_most="140%")
    with pytest.raises(DefinitionError, match="per='0%' must be above zero"):
        sla.linear(TARGET, share="5%", per="0%")


def test_linear_on_an_upper_objective() -> None:
    """For a '<=' objective the shortfall is how far the value lies above the target."""
    error_ratio = Counted(good=(3,), total=(100,))  # 3% against at most 1%
    rule = sla.linear(error_ratio <= "1%", share="10%", per="1%")
    assert amounts(run(rule)) == {"a": Fraction(200)}  # 2 steps x 10% x 1,000


# --- prorated and per unit of down time ----------------------------------------------------------


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        ("period", Fraction(10 * 1000 * 90, OCTOBER_MIN)),  # 625/31
        (sla.days(30), Fraction(10 * 1000 * 90, 30 * 24 * 60)),  # 125/6
        ("eligible", Fraction(10 * 1000 * 90, OCTOBER_MIN)),
        (sla.quarterly(), Fraction(10 * 1000 * 90, 92 * 24 * 60)),  # Oct-Dec: 92 days
    ],
)
def test_a_multiple_of_the_fee_prorated_over_downtime(basis: object, expected: Fraction) -> None:
    """10 times what was paid for the down minutes, on the declared basis."""
    rule = sla.prorated(U, multiple=10, basis=basis)  # type: ignore[arg-type]
    assert amounts(run(rule, [down("a", 90)])) == {"a": expected}


@pytest.mark.parametrize(
    ("minutes", "steps", "units"),
    [
        (60, "started", 1),  # exactly an hour
        (61, "started", 2),  # an hour or fraction thereof
        (90, "started", 2),
        (90, "whole", 1),
        (90, "exact", Fraction(3, 2)),
        (0, "started", 0),
    ],
)
def test_units_per_hour_of_downtime_each_a_days_fee(
    minutes: int, steps: str, units: Fraction
) -> None:
    """Each started hour of downtime is worth a day's prorated fee (1,000 / 31)."""
    rule = sla.per_downtime(U, every=sla.hours(1), worth=sla.days(1), steps=steps)  # type: ignore[arg-type]
    events = [down("a", minutes)] if minutes else []
    got = amounts(run(rule, events)).get("a", Fraction(0))
    assert got == units * Fraction(1000, 31)


def test_units_worth_a_fixed_amount() -> None:
    """A unit may be worth a fixed amount instead of a day's fee."""
    rule = sla.per_downtime(U, every=sla.minutes(30), worth=sla.usd("25"))
    assert amounts(run(rule, [down("a", 61)])) == {"a": Fraction(75)}


def test_refund_per_clock_hour_with_more_than_six_down_minutes() -> None:
    """Only whole hours of the period with more than 6 down minutes are refunded."""
    start = sla.monthly().period("2026-10").start
    minute = 60_000_000
    hour = 60 * minute
    events = [
        sla.Outage("a", start + 10 * hour, start + 10 * hour + 7 * minute),  # hour 10: 7 min
        sla.Outage("a", start + 11 * hour + 55 * minute, start + 12 * hour + 5 * minute),  # 5 + 5
        sla.Outage("a", start + 13 * hour, start + 13 * hour + 6 * minute),  # exactly 6: no
        sla.Outage("a", start + 20 * hour + 30 * minute, start + 23 * hour),  # 30, 60, 60
    ]
    fixed = sla.refund_per(U, every=sla.hours(1), down_over=sla.minutes(6), price=sla.usd("0.50"))
    assert amounts(run(fixed, events)) == {"a": Fraction(4 * 50, 100)}
    hourly = sla.refund_per(U, every=sla.hours(1), down_over=sla.minutes(6), price="hour")
    prices = [sla.UnitPrice("a", "hour", sla.usd("2.40"))]
    report = run(hourly, events, prices)
    assert amounts(report) == {"a": Fraction("9.60")}
    assert "4 x 1 hour with more than 6 minutes down x 2.40 USD" in report.explain()
    with pytest.raises(EvaluationError, match=r"no UnitPrice\('hour'\) for 'a'"):
        run(hourly, events, [sla.UnitPrice("b", "hour", sla.usd("1"))])
    with pytest.raises(DefinitionError, match=r"down_over=.* must be a duration from zero"):
        sla.refund_per(U, every=sla.hours(1), down_over=sla.hours(1), price="hour")


def test_a_unit_price_for_the_period_wins_over_the_standing_price() -> None:
    """A UnitPrice for the period replaces the standing one."""
    rule = sla.refund_per(U, every=sla.hours(1), down_over=sla.minutes(0), price="hour")
    prices = [
        sla.UnitPrice("a", "hour", sla.usd("3.00"), period="2026-10"),
        sla.UnitPrice("a", "hour", sla.usd("2.00")),
    ]
    assert amounts(run(rule, [down("a", 30)], prices)) == {"a": Fraction(3)}


def test_a_formula_times_an_affected_share() -> None:
    """Outage minutes x affected share / scheduled minutes, as a constant or a measured share."""
    formula = sla.prorated(U, multiple=1, basis="eligible")
    half = sla.scaled(formula, by="40%")
    assert amounts(run(half, [down("a", 90)])) == {"a": Fraction(1000 * 90, OCTOBER_MIN) * 2 / 5}
    affected = Counted(good=(250,), total=(1000,))  # a quarter of the customers
    measured = sla.scaled(formula, by=affected)
    assert amounts(run(measured, [down("a", 90)])) == {"a": Fraction(1000 * 90, OCTOBER_MIN) / 4}
    unaffected = sla.scaled(formula, by=affected, bad=True)
    assert amounts(run(unaffected, [down("a", 90)])) == {
        "a": Fraction(1000 * 90, OCTOBER_MIN) * 3 / 4
    }


# --- combining -----------------------------------------------------------------------------------

SCHEDULE = sla.credit_schedule(U, {"< 99.9%": "10%", "< 99%": "30%"})  # 100 or 300
FIXED = sla.per_breach(TARGET, sla.usd("50"))  # 50


def test_sum_largest_and_first_match() -> None:
    """Sum pays both, largest the larger, first the first that gives a credit."""
    events = [down("a", 60)]
    assert amounts(run(SCHEDULE + FIXED, events)) == {"a": Fraction(150)}
    assert amounts(run(SCHEDULE | FIXED, events)) == {"a": Fraction(100)}
    assert amounts(run(sla.first(FIXED, SCHEDULE), events)) == {"a": Fraction(50)}
    nothing = sla.credit_schedule(U, {"< 50%": "100%"})
    assert amounts(run(sla.first(nothing, SCHEDULE), events)) == {"a": Fraction(100)}
    assert amounts(run(sla.first(nothing, nothing + nothing), [])) == {}


def test_largest_explains_the_remedy_not_paid() -> None:
    """The smaller remedy's line is offset by an adjustment; the lines add up to the credit."""
    report = run(SCHEDULE | FIXED, [down("a", 60)])
    kinds = [(line.kind, line.amount) for line in report.compensation.lines]
    assert kinds == [("credit", 100), ("credit", 50), ("adjustment", -50)]
    assert "only the largest remedy pays" in report.compensation.lines[2].describe()


def test_operators_build_flat_canonical_trees() -> None:
    """``a + (b + c) == (a + b) + c``; named twins equal operators; foreign operands fail."""
    a, b, c = SCHEDULE, FIXED, sla.per_breach(U >= "99%", sla.usd("1"))
    assert a + (b + c) == (a + b) + c == sla.total(a, b, c)
    assert a | (b | c) == (a | b) | c == sla.largest(a, b, c)
    assert sla.first(a, sla.first(b, c)) == sla.first(a, b, c)
    assert repr(a + b) == f"total({a!r}, {b!r})"
    with pytest.raises(TypeError):
        _ = a + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = a | "x"  # type: ignore[operator]
    with pytest.raises(TypeError, match="ambiguous"):
        bool(a)
    with pytest.raises(DefinitionError, match="at least two rules"):
        sla.total(a)
    with pytest.raises(DefinitionError, match="is not a credit rule"):
        sla.largest(a, "10%")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("limit", "expected", "binds"),
    [
        (sla.usd("120"), Fraction(120), True),
        (sla.usd("150"), Fraction(150), False),  # exactly on the cap: does not bind
        ("10%", Fraction(100), True),
        ("20%", Fraction(150), False),
    ],
)
def test_cap_per_period(limit: object, expected: Fraction, binds: bool) -> None:
    """A cap as an amount or a share of the fee, binding or not."""
    report = run(sla.cap(SCHEDULE + FIXED, at_most=limit), [down("a", 60)])  # type: ignore[arg-type]
    assert amounts(report) == {"a": expected}
    adjustments = [line for line in report.compensation.lines if line.kind == "adjustment"]
    assert len(adjustments) == binds
    if binds:
        assert adjustments[0].amount == expected - 150
        assert "capped: the credits of 150.00 USD exceed the cap" in adjustments[0].describe()


def test_minimum_issuance_strict_or_inclusive() -> None:
    """'Only if greater than $50' drops exactly $50; inclusive keeps it."""
    strict = run(sla.minimum(FIXED, sla.usd("50")), [down("a", 60)])
    assert amounts(strict) == {"a": Fraction(0)}
    assert "not issued: 50.00 USD is not greater than 50 USD" in strict.explain()
    inclusive = run(sla.minimum(FIXED, sla.usd("50"), inclusive=True), [down("a", 60)])
    assert amounts(inclusive) == {"a": Fraction(50)}
    assert amounts(run(sla.minimum(FIXED, sla.usd("49.99")), [down("a", 60)])) == {"a": 50}


def test_bonus_is_the_only_negative_credit() -> None:
    """A bonus clause owes the provider; without one no credit is negative."""
    exceptional = sla.bonus(sla.credit_schedule(U, {">= 99.99%": "5%"}))
    report = run(exceptional + SCHEDULE, [], services=("a",))
    assert amounts(report) == {"a": Fraction(-50)}
    assert report.total == sla.usd("-50.00")
    (line,) = report.compensation.lines
    assert (line.kind, line.rule) == ("bonus", "bonus: credit schedule on uptime")
    assert amounts(run(exceptional + SCHEDULE, [down("a", 60)])) == {"a": Fraction(100)}


def test_remedies_in_order_change_the_base() -> None:
    """A monthly credit on what was charged after the automatic hourly refund."""
    hourly = sla.refund_per(U, every=sla.hours(1), down_over=sla.minutes(6), price="hour")
    monthly = sla.credit_schedule(U, {"< 99.9%": "10%"}, base=sla.charges("usage"))
    bill = [
        sla.Charge("a", "2026-10", "usage", sla.usd("900.00")),
        sla.Charge("a", "2026-10", "upfront", sla.usd("300.00")),
        sla.UnitPrice("a", "hour", sla.usd("2.40")),
    ]
    report = run(sla.in_order(hourly, monthly), [down("a", 60)], bill)
    # 2.40 refunded; then 10% of (900.00 - 2.40) = 89.76
    assert amounts(report) == {"a": Fraction("2.40") + Fraction("89.76")}
    assert report.total == sla.usd("92.16")
    assert "after the earlier remedies" in report.compensation.lines[1].describe()


def test_definition_errors_name_the_clause() -> None:
    """Overlapping tiers, percentages out of range, caps below floors, mixed currencies."""
    with pytest.raises(DefinitionError, match="overlap"):
        sla.credit_schedule(U, {"[99%, 99.9%)": "10%", "[95%, 99.5%)": "30%"})
    with pytest.raises(DefinitionError, match="must be between 0% and 100%"):
        sla.credit_schedule(U, {"< 99%": "110%"})
    with pytest.raises(DefinitionError, match="cap of 1 USD is below the minimum issuance"):
        sla.minimum(sla.cap(FIXED, at_most=sla.usd("1")), sla.usd("5"))
    with pytest.raises(CurrencyMismatchError, match="mixes currencies EUR, USD"):
        _ = FIXED + sla.per_breach(TARGET, sla.eur("1"))
    with pytest.raises(CurrencyMismatchError, match=r"cap\(per_breach"):
        sla.cap(FIXED, at_most=sla.eur("10"))
    with pytest.raises(CurrencyMismatchError, match="but the fee is in USD"):
        run(sla.per_breach(TARGET, sla.eur("1")), [down("a", 60)])
    with pytest.raises(DefinitionError, match="per='month' must be"):
        sla.cap(FIXED, at_most="10%", per="month")
    with pytest.raises(DefinitionError, match="must not be negative"):
        sla.per_breach(TARGET, sla.usd("-1"))
    with pytest.raises(DefinitionError, match="does not count time"):
        sla.prorated(Counted(good=(1,), total=(1,)))
    with pytest.raises(DefinitionError, match="multiple=0 must be a positive number"):
        sla.prorated(U, multiple=0)


# --- claims and remedies -------------------------------------------------------------------------

CLAIMED = sla.claim_required(SCHEDULE, sla.within_days(sla.days(30)))


@pytest.mark.parametrize(
    ("claims", "expected", "says"),
    [
        ([sla.Claim("a", "2026-10", "2026-11-20T00:00:00Z")], 100, "claimed at 2026-11-20"),
        ([], 0, "not paid: no claim was filed for 2026-10"),
        ([sla.Claim("a", "2026-10", "2026-12-01T00:00:00Z")], 0, "after the window closed"),
        ([sla.Claim("a", "2026-09", "2026-10-02T00:00:00Z")], 0, "no claim was filed"),
    ],
)
def test_claim_windows(claims: list[sla.Claim], expected: int, says: str) -> None:
    """A late or missing claim yields no credit, and the report says why."""
    report = run(CLAIMED, [down("a", 60)], sla.ClaimTable.from_records(claims))
    assert amounts(report) == {"a": Fraction(expected)}
    assert says in report.explain()


def test_a_claim_window_still_open_is_pending() -> None:
    """Claims read before the window closes report the credit as pending."""
    table = sla.ClaimTable.from_records([], as_of="2026-11-05T00:00:00Z")
    report = run(CLAIMED, [down("a", 60)], table)
    assert amounts(report) == {"a": Fraction(0)}
    assert "pending: no claim as of 2026-11-05" in report.explain()


def test_claim_by_the_end_of_the_second_billing_cycle() -> None:
    """The window of October closes when December ends."""
    rule = sla.claim_required(SCHEDULE, sla.within_cycles(2))
    on_time = [sla.Claim("a", "2026-10", "2026-12-31T23:59:59Z")]
    assert amounts(run(rule, [down("a", 60)], on_time)) == {"a": Fraction(100)}
    late = [sla.Claim("a", "2026-10", "2027-01-01T00:00:00Z")]
    assert amounts(run(rule, [down("a", 60)], late)) == {"a": Fraction(0)}
    assert repr(rule.window) == "within_cycles(2)"


def claim_states(report: sla.Report) -> list[str]:
    """Return each service's claim state, as the ledger's ``claim`` column reads it."""
    states: list[str] = report.columns()["claim.state"].tolist()
    return states


@pytest.mark.parametrize(
    "rule",
    [
        CLAIMED,
        # every combinator carries its children's claim states up
        sla.cap(CLAIMED, at_most="5%"),
        sla.cap(CLAIMED, at_most="50%", across="services"),
        CLAIMED + FIXED,
        sla.in_order(FIXED, CLAIMED),
        CLAIMED | FIXED,
        sla.first(CLAIMED, FIXED),
        sla.minimum(CLAIMED, sla.usd("1.00")),
        sla.scaled(CLAIMED, by="50%"),
        sla.bonus(CLAIMED),
        sla.earn_back(CLAIMED, when=TARGET, periods=2),
        sla.cap(sla.minimum(CLAIMED + FIXED, sla.usd("1.00")), at_most="50%"),
    ],
    ids=repr,
)
def test_the_claim_state_reaches_the_top_through_every_combinator(rule: sla.CreditRule) -> None:
    """A claim clause anywhere in the compensation gives each service its claim state."""
    claims = [sla.Claim("a", "2026-10", "2026-11-20T00:00:00Z")]
    events = [down("a", 60), down("b", 60), down("c", 1)]  # c: 99.998%, nothing owed
    report = run(rule, events, claims, services=("a", "b", "c"))
    assert claim_states(report) == ["claimed", "not claimed", ""]


def test_two_claim_clauses_of_one_service_merge_their_states() -> None:
    """Claimed and late read partly claimed; two unpaid states read the one to act on first."""
    late = sla.claim_required(FIXED, sla.within_days(sla.days(1)))  # filed after November 1
    pending = sla.claim_required(FIXED, sla.within_cycles(2))  # still open on November 20
    claims = sla.ClaimTable.from_records(
        [sla.Claim("a", "2026-10", "2026-11-20T00:00:00Z")], as_of="2026-11-20T00:00:00Z"
    )
    assert claim_states(run(CLAIMED + late, [down("a", 60)], claims)) == ["partly claimed"]
    unpaid = sla.ClaimTable.from_records([], as_of="2026-11-20T00:00:00Z")
    assert claim_states(run(CLAIMED + pending, [down("a", 60)], unpaid)) == ["pending"]
    assert claim_states(run(CLAIMED + CLAIMED, [down("a", 60)], claims)) == ["claimed"]
    # a rule without a claim clause leaves no claim state
    assert "claim.state" not in run(SCHEDULE + FIXED, [down("a", 60)]).columns()


def test_an_escalation_counts_the_claim_clause_of_the_rule_it_pays() -> None:
    """The claim state comes from the escalated rule only in the periods it is paid."""
    higher = sla.claim_required(sla.credit_schedule(U, {"< 99.9%": "25%"}), sla.within_cycles(1))
    rule = sla.escalate(SCHEDULE, to=higher, when=TARGET)
    st = sla.statement(agreement(rule), monthly_downs(1, 2), periods="2026-01..2026-02")
    assert [claim_states(r) for r in st.reports] == [[""], ["not claimed"]]


def test_report_only_remedies() -> None:
    """A breach with no money is reported with the remedy it triggers."""
    rule = sla.report_only(TARGET, "root-cause analysis within 5 business days")
    report = run(rule, [down("a", 60)], services=("a", "b"))
    (line,) = report.compensation.remedies
    assert line.service == "a"
    assert line.describe() == (
        "remedy: uptime >= 99.9% breached: root-cause analysis within 5 business days (no credit)"
    )
    assert report.total == sla.usd("0.00")


# --- history: statements over periods ------------------------------------------------------------


def monthly_downs(*months: int) -> list[sla.Outage]:
    """Return an hour's outage of 'a' on the 2nd of each month of 2026 given."""
    return [
        sla.Outage("a", f"2026-{m:02d}-02T00:00:00Z", f"2026-{m:02d}-02T01:00:00Z") for m in months
    ]


def test_cap_per_quarter_carries_what_was_used() -> None:
    """300 a month under a 500 cap per quarter: 300, 200, 0, then a new quarter."""
    rule = sla.cap(sla.per_breach(TARGET, sla.usd("300")), at_most=sla.usd("500"), per="quarter")
    st = sla.statement(agreement(rule), monthly_downs(1, 2, 3, 4), periods="2026-01..2026-04")
    assert [r.total for r in st.reports] == [
        sla.usd("300.00"),
        sla.usd("200.00"),
        sla.usd("0.00"),
        sla.usd("300.00"),
    ]
    assert st.total == sla.usd("800.00")
    assert "of which 300.00 USD was used in earlier periods" in st["2026-02"].explain()
    # evaluated alone, a period knows no history: the cap applies per period
    alone = sla.evaluate(agreement(rule), monthly_downs(3), period="2026-03")
    assert alone.total == sla.usd("300.00")


@pytest.mark.parametrize(
    ("per", "totals"),
    [
        ("rolling 2", ["300.00", "200.00", "300.00", "200.00"]),
        ("agreement", ["300.00", "200.00", "0.00", "0.00"]),
        ("year", ["300.00", "200.00", "0.00", "0.00"]),
    ],
)
def test_cap_over_rolling_and_agreement_windows(per: str, totals: list[str]) -> None:
    """Rolling windows forget old periods; an agreement-wide cap never resets."""
    rule = sla.cap(sla.per_breach(TARGET, sla.usd("300")), at_most=sla.usd("500"), per=per)
    st = sla.statement(agreement(rule), monthly_downs(1, 2, 3, 4), periods="2026-01..2026-04")
    assert [str(r.total.amount) for r in st.reports] == totals


def test_cap_as_a_share_of_the_fees_in_the_window() -> None:
    """25% of the quarter's fees (3 x 1,000): 750 over the quarter."""
    rule = sla.cap(sla.per_breach(TARGET, sla.usd("400")), at_most="25%", per="quarter")
    st = sla.statement(
        agreement(rule), monthly_downs(1, 2, 3), periods=["2026-01", "2026-02", "2026-03"]
    )
    # January: 25% of 1,000 = 250; February: 500 - 250 = 250; March: 750 - 500 = 250
    assert [r.total for r in st.reports] == [sla.usd("250.00")] * 3


def test_escalation_when_the_previous_period_was_breached() -> None:
    """The 25% tier applies when the previous month was also breached."""
    higher = sla.credit_schedule(U, {"< 99.9%": "25%"})
    rule = sla.escalate(SCHEDULE, to=higher, when=TARGET)
    st = sla.statement(agreement(rule), monthly_downs(1, 2, 4), periods="2026-01..2026-04")
    assert [r.total for r in st.reports] == [
        sla.usd("100.00"),
        sla.usd("250.00"),
        sla.usd("0.00"),
        sla.usd("100.00"),
    ]
    assert (
        "escalated: uptime >= 99.9% was breached in 2026-01 and 2026-02" in st["2026-02"].explain()
    )


def test_earn_back_forgives_or_releases_held_credits() -> None:
    """A credit is held; forgiven after two good months, released by a breach within them."""
    rule = sla.earn_back(SCHEDULE, when=TARGET, periods=2)
    forgiven = sla.statement(agreement(rule), monthly_downs(1), periods="2026-01..2026-03")
    assert [r.total for r in forgiven.reports] == [sla.usd("0.00")] * 3
    assert "held: forgiven if uptime >= 99.9% is met" in forgiven["2026-01"].explain()
    assert "forgiven: the credit of 100.00 USD held from 2026-01" in forgiven["2026-03"].explain()
    released = sla.statement(agreement(rule), monthly_downs(1, 2), periods="2026-01..2026-03")
    # February pays January's held credit; its own is held until April
    assert [r.total for r in released.reports] == [
        sla.usd("0.00"),
        sla.usd("100.00"),
        sla.usd("0.00"),
    ]
    assert "released: the credit held from 2026-01 is paid" in released["2026-02"].explain()


def test_chronic_breach_flags() -> None:
    """'Termination right: breached 2 of the last 3 months' is flagged, and pays nothing."""
    rule = SCHEDULE + sla.chronic(TARGET, breached=2, of_last=3, flag="termination right")
    st = sla.statement(agreement(rule), monthly_downs(1, 3, 6), periods="2026-01..2026-06")
    flagged = [line.period for line in st.flags]
    assert flagged == ["2026-03"]
    assert st.flags[0].describe() == (
        "chronic breach: termination right: uptime >= 99.9% breached in 2 of the last 3 "
        "periods (2026-01, 2026-03)"
    )
    assert st.total == sla.usd("300.00")
    assert "2026-03: 100.00 USD" in st.explain()
    with pytest.raises(DefinitionError, match="cannot exceed of_last"):
        sla.chronic(TARGET, breached=4, of_last=3)


def test_statements_continue_and_must_be_consecutive() -> None:
    """A statement continues from an earlier one's history; gaps between periods are refused."""
    rule = sla.cap(sla.per_breach(TARGET, sla.usd("300")), at_most=sla.usd("500"), per="agreement")
    first = sla.statement(agreement(rule), monthly_downs(1, 2), periods=["2026-01"])
    rest = sla.statement(
        agreement(rule), monthly_downs(1, 2), periods=["2026-02"], history=first.history
    )
    assert rest.total == sla.usd("200.00")
    with pytest.raises(
        EvaluationError, match="must be consecutive: 2026-03 does not follow 2026-01"
    ):
        sla.statement(agreement(rule), [], periods=["2026-01", "2026-03"])
    with pytest.raises(EvaluationError, match="or a range such as"):
        sla.statement(agreement(rule), [], periods="2026-01")
    with pytest.raises(KeyError, match="not a period of this statement"):
        _ = first["2026-05"]
    assert repr(first).startswith("<Statement 'p / c' 2026-01..2026-01: credit 300.00 USD")


# --- traces --------------------------------------------------------------------------------------


def test_to_dict_carries_kind_formula_and_period() -> None:
    """Every line in the dict form says its kind, its formula and its period."""
    data = run(sla.cap(SCHEDULE + FIXED, at_most=sla.usd("120")), [down("a", 60)]).to_dict()
    lines = data["compensation"]["lines"]
    assert lines["kind"] == ["credit", "credit", "adjustment"]
    assert lines["formula"][1] == "1 breach x 50 USD"
    assert lines["period"] == ["2026-10"] * 3
    assert data["compensation"]["by_service"] == {"a": {"amount": "120.00", "currency": "USD"}}


def test_columns_give_each_services_exact_credit() -> None:
    """``columns()`` holds the exact credit per service for bulk use."""
    cols = run(SCHEDULE + FIXED, [down("a", 60)], services=("a", "b")).columns()
    assert cols["credit.amount"].tolist() == [Fraction(150), Fraction(0)]


# --- reprs, words and bad arguments --------------------------------------------------------------

REPRS = [
    sla.linear(TARGET, share="5%", per="0.1%", at_most="50%", steps="whole", base=sla.charges()),
    sla.prorated(U, multiple=10, basis="eligible"),
    sla.prorated(U, multiple="2.5", basis=sla.days(30), base=sla.charges("usage")),
    sla.per_downtime(U, every=sla.hours(1), worth=sla.usd("5"), steps="exact"),
    sla.refund_per(U, every=sla.hours(1), down_over=sla.minutes(6), price=sla.usd("0.10")),
    sla.scaled(SCHEDULE, by=Counted(good=(1,), total=(2,)), bad=True),
    sla.scaled(SCHEDULE, by="40%"),
    sla.cap(SCHEDULE, at_most=sla.usd("10"), per="rolling 12"),
    sla.minimum(SCHEDULE, sla.usd("1"), inclusive=True),
    sla.in_order(SCHEDULE, FIXED),
    sla.escalate(SCHEDULE, to=FIXED, when=TARGET, after=2),
    sla.earn_back(SCHEDULE, when=TARGET, periods=3),
    sla.claim_required(SCHEDULE, sla.within_days(sla.days(30))),
    sla.chronic(TARGET, breached=3, of_last=6),
]


@pytest.mark.parametrize("rule", REPRS, ids=lambda r: repr(r).split("(")[0])
def test_reprs_rebuild_the_rule_and_words_describe_it(rule: sla.CreditRule) -> None:
    """Every rule's repr is the DSL call that builds it; described rules say what they pay."""
    namespace = {name: getattr(sla, name) for name in sla.__all__}
    namespace.update(Decimal=Decimal, Money=sla.Money, Counted=Counted)
    assert eval(repr(rule), namespace) == rule
    describe = getattr(rule, "describe", None)
    if describe is not None:
        assert describe()


def test_words_of_shapes() -> None:
    """Descriptions name the numbers a customer checks."""
    assert REPRS[0].describe() == (  # type: ignore[attr-defined]
        "5% of the charges billed (all) per 0.1% short of uptime >= 99.9% (whole steps), "
        "at most 50%"
    )
    assert REPRS[1].basis_words() == "the eligible time"  # type: ignore[attr-defined]
    assert "30 days" in REPRS[2].describe()  # type: ignore[attr-defined]
    assert sla.prorated(U, basis=sla.quarterly()).basis_words().startswith("the length of the")
    assert REPRS[3].describe() == (  # type: ignore[attr-defined]
        "one unit per 1 hour (pro rata) of down time, each 5 USD"
    )
    assert (
        "the 'hour' rate"
        in sla.refund_per(U, every=sla.hours(1), down_over=sla.minutes(6), price="hour").describe()
    )
    assert REPRS[5].describe() == "times the affected share (1 - tickets answered in time)"  # type: ignore[attr-defined]
    assert REPRS[6].describe() == "times 40%"  # type: ignore[attr-defined]
    assert REPRS[7].describe() == "cap of 10 USD per rolling 12"  # type: ignore[attr-defined]
    assert REPRS[8].describe() == "issued only if at least 1 USD"  # type: ignore[attr-defined]
    assert "previous 2 periods" in REPRS[10].describe()  # type: ignore[attr-defined]
    assert "next 3" in REPRS[11].describe()  # type: ignore[attr-defined]
    assert REPRS[12].window.describe() == "within 30 days after the period ends"  # type: ignore[attr-defined]
    assert "third billing cycle" in sla.within_cycles(3).describe()
    assert "5th billing cycle" in sla.within_cycles(5).describe()
    assert sla.fee().describe() == "the tier's fee"
    assert repr(sla.fee()) == "fee()"
    assert sla.charges("usage").counts("usage")
    assert not sla.charges("usage").counts("support")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: sla.charges("usage", excluding="usage"), "both counts and excludes"),
        (lambda: sla.charges(""), "charge kind ''"),
        (lambda: sla.credit_schedule(U, {"< 99%": "1%"}, base="fee"), "must be fee"),
        (lambda: sla.per_breach("uptime", sla.usd("1")), "must be an objective"),
        (lambda: sla.per_breach(TARGET, 5), "must be money"),
        (lambda: sla.linear(U, share="1%", per="1%"), "must be an objective"),
        (lambda: sla.linear(TARGET, share="1%", per="1%", steps="some"), "steps='some'"),
        (lambda: sla.prorated(U, basis="month"), "basis='month'"),
        (lambda: sla.prorated(U, multiple="x"), "multiple='x'"),
        (lambda: sla.prorated("u"), "must be a measure"),
        (lambda: sla.per_downtime(U, every=sla.hours(0), worth=sla.days(1)), "every="),
        (lambda: sla.per_downtime(U, every=sla.hours(1), worth=3), "worth=3"),
        (
            lambda: sla.refund_per(U, every=sla.hours(1), down_over=sla.minutes(6), price=""),
            "price=''",
        ),
        (lambda: sla.cap(SCHEDULE, at_most=sla.usd("-1")), "must not be negative"),
        (lambda: sla.cap("x", at_most="1%"), "is not a credit rule"),
        (lambda: sla.minimum(SCHEDULE, "1"), "must be money of zero or more"),
        (lambda: sla.escalate(SCHEDULE, to=FIXED, when=U), "must be an objective"),
        (lambda: sla.earn_back(SCHEDULE, when=TARGET, periods=0), "at least 1"),
        (lambda: sla.claim_required(SCHEDULE, sla.days(30)), "within_days"),
        (lambda: sla.within_days(3), r"within_days\(length\)=3 must be a duration"),
        (lambda: sla.within_days(sla.days(0)), "must be a positive duration such as days"),
        (lambda: sla.report_only(TARGET, " "), "must say what"),
        (lambda: sla.chronic(TARGET, breached=1, of_last=2, flag=""), "must name"),
        (lambda: sla.cap(SCHEDULE, at_most="1%", per="rolling 0"), "at least one period"),
    ],
)
def test_bad_arguments_are_refused_when_written(build: object, message: str) -> None:
    """Each factory rejects a bad argument with a message naming it."""
    with pytest.raises(DefinitionError, match=message):
        build()  # type: ignore[operator]


def test_bad_input_records() -> None:
    """Billing and claim records are validated; tables refuse foreign rows."""
    with pytest.raises(DefinitionError, match="must be money"):
        sla.Charge("a", "2026-10", "usage", "10")  # type: ignore[arg-type]
    with pytest.raises(DefinitionError, match="service='' must be"):
        sla.Charge("", "2026-10", "usage", sla.usd("1"))
    with pytest.raises(sla.exceptions.EventDataError, match="expected Charge or UnitPrice"):
        sla.ChargeTable([sla.Claim("a", "2026-10", "2026-11-01T00:00Z")])  # type: ignore[list-item]
    with pytest.raises(sla.exceptions.EventDataError, match="expected Claim"):
        sla.ClaimTable([sla.Charge("a", "2026-10", "usage", sla.usd("1"))])  # type: ignore[list-item]
    with pytest.raises(DefinitionError, match="period=''"):
        sla.Claim("a", "", "2026-11-01T00:00Z")
    table = sla.ChargeTable.from_records([sla.UnitPrice("a", "hour", sla.usd("1"))])
    assert (len(table), repr(table)) == (1, "<ChargeTable 0 charges, 1 prices>")
    claims = sla.ClaimTable.from_records([])
    assert (len(claims), repr(claims)) == (0, "<ClaimTable 0 claims>")
    assert repr(sla.UnitPrice("a", "hour", sla.usd("1"), period="2026-10")) == (
        "UnitPrice('a', 'hour', Money('1', 'USD'), period='2026-10')"
    )
    assert sla.Claim("a", "2026-10", "2026-11-01T00:00Z").filed_us > 0


def test_a_measure_of_one_service_credits_only_that_service() -> None:
    """A rule on ``uptime(service=...)`` leaves the other services without credit lines."""
    one = sla.uptime(service="b")
    rule = sla.credit_schedule(one, {"< 99.9%": "10%"}) + sla.per_breach(
        one >= "99.9%", sla.usd("5")
    )
    report = run(rule, [down("a", 600), down("b", 60)], services=("a", "b"))
    assert amounts(report) == {"b": Fraction(105)}


def test_claims_within_days_after_each_ticket_closes() -> None:
    """Each late ticket's credit needs its own claim, filed before the ticket closed + 14 days."""
    late_p1 = sla.response_time(within=sla.hours(1))
    rule = sla.claim_required(
        sla.per_breach(late_p1, sla.usd("100.00")), sla.after_ticket_closes(sla.days(14))
    )
    tier = sla.Tier("desk", fee=sla.usd("1000.00"), compensation=rule)
    agreement = sla.Agreement(provider="p", customer="c", services=["desk"], tier=tier)

    def ticket(tid: str, day: int, *, resolved: str | None) -> sla.Ticket:
        opened = f"2026-10-{day:02d}T09:00:00Z"
        return sla.Ticket(
            tid,
            "desk",
            "P1",
            opened,
            first_response=f"2026-10-{day:02d}T12:00:00Z",  # three hours: late
            resolved=resolved,
        )

    tickets = [
        ticket("T1", 5, resolved="2026-10-06T09:00:00Z"),  # claimed within 14 days: paid
        ticket("T2", 6, resolved="2026-10-07T09:00:00Z"),  # claimed 15 days after: not paid
        ticket("T3", 7, resolved="2026-10-08T09:00:00Z"),  # never claimed: not paid
        ticket("T4", 8, resolved=None),  # still open: its window is open, claimed: paid
        sla.Ticket("T5", "desk", "P1", "2026-10-09T09:00:00Z", first_response="2026-10-09T09:30Z"),
    ]
    claims = sla.ClaimTable.from_records(
        [
            sla.Claim("desk", "2026-10", "2026-10-19T09:00:00Z", ticket="T1"),
            sla.Claim("desk", "2026-10", "2026-10-22T09:00:01Z", ticket="T2"),
            sla.Claim("desk", "2026-10", "2026-11-30T00:00:00Z", ticket="T4"),
        ]
    )
    report = sla.evaluate(agreement, tickets, claims, period="2026-10")
    assert report.total == sla.usd("200.00")
    text = report.explain()
    assert "within 14 days after the ticket closes" in text
    assert "ticket T1: claimed at 2026-10-19T09:00:00Z" in text
    assert "ticket T2: claimed at 2026-10-22T09:00:01Z, after the window closed at" in text
    assert "ticket T3: not claimed, due by 2026-10-22T09:00:00Z" in text
    assert "ticket T4: claimed at 2026-11-30T00:00:00Z" in text
    assert repr(rule.window) == "after_ticket_closes(days(14))"


def test_a_ticket_window_needs_a_credit_per_late_ticket() -> None:
    """A window that runs from each ticket's close only fits a per-late-ticket credit."""
    with pytest.raises(DefinitionError, match="needs a credit per late ticket"):
        sla.claim_required(SCHEDULE, sla.after_ticket_closes(sla.days(14)))
    with pytest.raises(DefinitionError, match="positive duration"):
        sla.after_ticket_closes(sla.days(0))
