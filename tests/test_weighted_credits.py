"""Every credit shape that consumes down time, over weighted measures, against a per-second model.

Weighted measures (degraded states, affected shares) count their figures in a
finer internal unit; a rule must receive down time in real microseconds. Each
test draws an uptime measure (weighted or not), events around a ten-minute
period, and a shape's parameters, and compares each service's exact credit with
the same shape computed from the brute-force weights of every second.
"""

from __future__ import annotations

import math
from fractions import Fraction

import attrs
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit._time._periods import Period, PeriodRule
from tests.strategies import SECOND, SERVICES, T0, events, small_period, uptime_measures
from tests.test_uptime_oracle import PERIOD_SECONDS, second_weights

FEES = {"a": Fraction(1000), "b": Fraction(750), "c": Fraction(1)}
PERIOD = small_period(PERIOD_SECONDS)


@attrs.frozen
class Slices(PeriodRule):
    """A test period rule: periods of ``lengths`` seconds, repeating from T0 (so they differ)."""

    lengths: tuple[int, ...] = (150, 250, 200)

    def _bounds(self) -> list[int]:
        out = [0]
        while out[-1] < 10 * PERIOD_SECONDS:
            out.append(out[-1] + self.lengths[(len(out) - 1) % len(self.lengths)])
        return out

    def period(self, label: str) -> Period:
        """Return the slice labelled ``label`` (its index)."""
        bounds = self._bounds()
        i = int(label)
        return Period(T0 + bounds[i] * SECOND, T0 + bounds[i + 1] * SECOND, label, "UTC")

    def containing(self, instant: object) -> Period:
        """Return the slice holding ``instant`` (microseconds)."""
        assert isinstance(instant, int)
        second = (instant - T0) // SECOND
        bounds = self._bounds()
        i = max(k for k, b in enumerate(bounds) if b <= second)
        return self.period(str(i))


def evaluate(rule: sla.CreditRule, evts: list[sla.Event]) -> dict[str, Fraction]:
    """Return each service's exact credit under ``rule`` for the ten-minute period."""
    tier = sla.Tier("t", fee=sla.usd("1000.00"), compensation=rule)
    agreement = sla.Agreement(
        provider="p",
        customer="c",
        services=list(SERVICES),
        tier=tier,
        fees={"b": sla.usd("750.00"), "c": sla.usd("1.00")},
    )
    report = sla.evaluate(agreement, evts, period=PERIOD)
    (column,) = report.credit_columns
    return dict(zip(SERVICES, column.amount.tolist(), strict=True))


def weights(measure: sla.Uptime, evts: list[sla.Event], service: str) -> dict[int, Fraction]:
    """Return the counted down weight of each second of the window, by brute force."""
    return second_weights(measure, evts, service)[1]


def steps(value: Fraction, how: str) -> Fraction:
    """Return ``value`` in steps: pro rata, whole steps only, or a step or part thereof."""
    if how == "exact":
        return value
    return Fraction(math.floor(value) if how == "whole" else math.ceil(value))


measures = uptime_measures()


@given(measure=measures, evts=events(), multiple=st.sampled_from([1, 10, "2.5"]))
def test_prorated_over_the_period(measure: sla.Uptime, evts: list, multiple: object) -> None:
    """prorated(): multiple x fee x weighted down time / the period's length."""
    got = evaluate(sla.prorated(measure, multiple=multiple), evts)  # type: ignore[arg-type]
    for service in SERVICES:
        down = sum(weights(measure, evts, service).values(), Fraction(0))
        expected = Fraction(str(multiple)) * FEES[service] * down / PERIOD_SECONDS
        assert got[service] == expected, service


@given(measure=measures, evts=events())
def test_prorated_over_the_eligible_time(measure: sla.Uptime, evts: list) -> None:
    """prorated(basis="eligible"): fee x weighted down time / the eligible time."""
    got = evaluate(sla.prorated(measure, basis="eligible"), evts)
    for service in SERVICES:
        eligible, weight = second_weights(measure, evts, service)
        down = sum(weight.values(), Fraction(0))
        expected = FEES[service] * down / eligible if eligible else Fraction(0)
        assert got[service] == expected, service


@given(measure=measures, evts=events(), basis=st.integers(1, 2000))
def test_prorated_over_a_fixed_duration(measure: sla.Uptime, evts: list, basis: int) -> None:
    """prorated(basis=seconds(n)): fee x weighted down time / n seconds."""
    got = evaluate(sla.prorated(measure, basis=sla.seconds(basis)), evts)
    for service in SERVICES:
        down = sum(weights(measure, evts, service).values(), Fraction(0))
        assert got[service] == FEES[service] * down / basis, service


@given(
    measure=measures,
    evts=events(),
    lengths=st.lists(st.integers(30, 400), min_size=1, max_size=3).map(tuple),
)
def test_prorated_over_the_basis_periods(measure: sla.Uptime, evts: list, lengths: tuple) -> None:
    """prorated(basis=rule): each down second is prorated over the basis period it fell in."""
    rule = Slices(lengths=lengths)
    got = evaluate(sla.prorated(measure, basis=rule), evts)
    for service in SERVICES:
        expected = Fraction(0)
        for second, weight in weights(measure, evts, service).items():
            part = rule.containing(T0 + second * SECOND)
            expected += FEES[service] * weight * SECOND / part.length_us
        assert got[service] == expected, service


@given(
    measure=measures,
    evts=events(),
    every=st.integers(1, 120),
    worth=st.integers(1, 600),
    how=st.sampled_from(["started", "whole", "exact"]),
    money=st.booleans(),
)
def test_per_downtime_units(
    measure: sla.Uptime, evts: list, *, every: int, worth: int, how: str, money: bool
) -> None:
    """per_downtime(): units of weighted down time (rounded as asked) x the worth of a unit."""
    value: sla.Duration | sla.Money = sla.usd(str(worth)) if money else sla.seconds(worth)
    rule = sla.per_downtime(measure, every=sla.seconds(every), worth=value, steps=how)  # type: ignore[arg-type]
    got = evaluate(rule, evts)
    for service in SERVICES:
        down = sum(weights(measure, evts, service).values(), Fraction(0))
        units = steps(down / every, how)
        each = Fraction(worth) if money else FEES[service] * worth / PERIOD_SECONDS
        assert got[service] == units * each, service


@given(
    measure=measures,
    evts=events(),
    every=st.integers(2, 150),
    data=st.data(),
)
def test_refund_per_unit_of_time(
    measure: sla.Uptime, evts: list, every: int, data: st.DataObject
) -> None:
    """refund_per(): the units of the period with more than ``down_over`` weighted down time."""
    over = data.draw(st.integers(0, every - 1))
    rule = sla.refund_per(
        measure, every=sla.seconds(every), down_over=sla.seconds(over), price=sla.usd("3")
    )
    got = evaluate(rule, evts)
    for service in SERVICES:
        weight = weights(measure, evts, service)
        units = 0
        for lo in range(0, PERIOD_SECONDS, every):
            inside = sum((weight.get(s, Fraction(0)) for s in range(lo, lo + every)), Fraction(0))
            units += inside > over
        assert got[service] == 3 * units, service


@given(measure=measures, evts=events())
def test_schedules_see_the_weighted_value(measure: sla.Uptime, evts: list) -> None:
    """A credit table reads 1 - weighted down / eligible, so its band is the model's."""
    rule = sla.credit_schedule(measure, {"< 99%": "10%", "< 90%": "25%", "< 50%": "100%"})
    got = evaluate(rule, evts)
    for service in SERVICES:
        eligible, weight = second_weights(measure, evts, service)
        if not eligible:
            assert got[service] == 0
            continue
        value = 1 - sum(weight.values(), Fraction(0)) / eligible
        share = next(
            (
                s
                for bound, s in ((Fraction(1, 2), 1), (Fraction(9, 10), Fraction(1, 4)))
                if value < bound
            ),
            Fraction(1, 10) if value < Fraction(99, 100) else Fraction(0),
        )
        assert got[service] == FEES[service] * share, service


def test_the_reported_case_pays_in_real_time_units() -> None:
    """The issue's outage (an hour at 21%) pays 7/24 USD, and the formula says 12 min 36 s."""
    u = sla.uptime(affected_share=True)
    outage = sla.Outage("a", "2026-06-01T00:00Z", "2026-06-01T01:00Z", affected="21%")

    def run(rule: sla.CreditRule) -> sla.Report:
        tier = sla.Tier("t", fee=sla.usd("1000.00"), compensation=rule)
        agreement = sla.Agreement(provider="p", customer="c", services=["a"], tier=tier)
        return sla.evaluate(agreement, [outage], period="2026-06")

    prorated = run(sla.prorated(u))
    assert prorated.exact_total == Fraction(7, 24)
    (line,) = prorated.compensation.lines
    assert line.formula is not None
    assert "12 minutes 36 seconds down / 30 days" in line.formula
    eligible = run(sla.prorated(u, basis="eligible"))
    (line,) = eligible.compensation.lines
    assert line.formula is not None
    assert "12 minutes 36 seconds down / 30 days (the eligible time)" in line.formula
    units = run(sla.per_downtime(u, every=sla.hours(1), worth=sla.days(1)))
    assert units.exact_total == Fraction(100, 3)  # one started hour: a day of the fee
    degraded = sla.uptime(states={"down": "100%", "degraded": "50%"})
    half = sla.Outage("a", "2026-06-01T00:00Z", "2026-06-01T01:00Z", state="degraded")
    tier = sla.Tier("t", fee=sla.usd("1000.00"), compensation=sla.prorated(degraded))
    agreement = sla.Agreement(provider="p", customer="c", services=["a"], tier=tier)
    report = sla.evaluate(agreement, [half], period="2026-06")
    assert report.exact_total == Fraction(1000) * Fraction(1, 2) / (30 * 24)
