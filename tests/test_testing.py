"""The ready-made checks: they pass on correct agreements and catch deliberately buggy ones."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction

import hypothesis.core
import pytest
from hypothesis import settings

import slakit as sla
import slakit.testing as sltest
from slakit.testing import CounterexampleError
from tests.strategies import schedule_agreement
from tests.test_region_sla import region_sla

UPTIME = sla.uptime()
FAST = 30


def agreement_with(rule: sla.CreditRule, **tier: object) -> sla.Agreement:
    """Return a one-service agreement whose tier pays ``rule`` on a 1,000.00 USD fee."""
    t = sla.Tier("t", fee=sla.usd("1000.00"), compensation=rule, **tier)  # type: ignore[arg-type]
    return sla.Agreement(provider="P", customer="C", services=["api"], tier=t)


GAP = schedule_agreement(UPTIME, {"(99%, 99.9%)": "10%", "(-inf, 99%)": "25%"}, services=["api"])
SCHEDULE = sla.credit_schedule(UPTIME, {"< 99.9%": "10%", "< 99%": "30%"})
CAP_BEFORE_SUM = agreement_with(
    sla.cap(SCHEDULE, at_most="50%")
    + sla.cap(sla.per_breach(UPTIME >= "99.9%", sla.usd("400")), at_most="50%")
)
CAP_AFTER_SUM = agreement_with(
    sla.cap(SCHEDULE + sla.per_breach(UPTIME >= "99.9%", sla.usd("400")), at_most="50%")
)


def test_the_region_sla_passes_every_check() -> None:
    """The README's region SLA passes every check (caps against 100% of the fee)."""
    results = sltest.check_agreement(region_sla(), at_most="100%", max_examples=FAST)
    assert [r.name for r in results] == list(sltest.CHECKS)
    assert all(r.status == "passed" for r in results), results


def test_a_cap_after_the_sum_passes() -> None:
    """Capping the sum keeps the contract's 50% limit."""
    result = sltest.check_caps(CAP_AFTER_SUM, at_most="50%", max_examples=FAST)
    assert result.status == "passed"
    assert "2 cap(s)" in result.note


def test_a_cap_before_the_sum_is_caught() -> None:
    """Capping each rule before the sum pays above the contract's limit; the example is minimal."""
    with pytest.raises(CounterexampleError) as caught:
        sltest.check_caps(CAP_BEFORE_SUM, at_most="50%", max_examples=200)
    error = caught.value
    assert error.check == "check_caps"
    assert error.agreement == CAP_BEFORE_SUM
    assert len(error.events) == 1
    assert "above 50% of the fee (500.00 USD)" in str(error)
    assert "total(cap(credit_schedule(uptime()" in str(error)
    assert error.period == sla.monthly().period("2026-10")


def test_a_gap_at_a_bound_is_caught_by_two_checks() -> None:
    """An exclusive bound on both sides of 99% leaves a gap: structurally, and by monotony."""
    with pytest.raises(CounterexampleError, match=r"a value of 99% is in no band") as caught:
        sltest.check_no_gaps(GAP)
    (outage,) = caught.value.events
    report = sla.evaluate(GAP, [outage], period="2026-10")
    assert report.objectives[0].value == Fraction(99, 100)
    assert report.compensation.exact_total == 0
    with pytest.raises(CounterexampleError, match=r"lowers the credit of 'api' from 100.00 USD"):
        sltest.check_monotone(GAP, max_examples=200)


def test_overlapping_bands_built_by_hand_are_caught() -> None:
    """Bands that overlap (built directly, bypassing credit_schedule's checks) are reported."""
    good = sla.credit_schedule(UPTIME, {"[99%, 99.9%)": "10%", "(-inf, 99%)": "25%"})
    low, high = good.bands
    wide = sla.Band(low.lower, sla.Bound(high.lower.value, inclusive=True), low.credit)
    bad = sla.CreditSchedule(UPTIME, (wide, high))
    with pytest.raises(CounterexampleError, match="overlap"):
        sltest.check_no_gaps(agreement_with(bad))


def test_a_negative_credit_without_a_bonus_is_caught() -> None:
    """A credit below zero without bonus(...) fails, even from a hand-made band."""
    band = sla.Band(None, None, Decimal("0.1"))
    rule = sla.scaled(sla.CreditSchedule(UPTIME, (band,)), by="100%")
    object.__setattr__(rule, "by", Decimal("-1"))  # a buggy factor, as a plug-in might make
    with pytest.raises(CounterexampleError, match="below zero"):
        sltest.check_non_negative(agreement_with(rule), max_examples=FAST)


def test_skips_say_why() -> None:
    """Checks that do not apply are skipped with a note, never passed silently."""
    bonus = agreement_with(sla.bonus(sla.credit_schedule(UPTIME, {">= 99.99%": "5%"})))
    assert sltest.check_non_negative(bonus).status == "skipped"
    first = agreement_with(sla.first(SCHEDULE, sla.per_breach(UPTIME >= "99%", sla.usd("1"))))
    result = sltest.check_monotone(first)
    assert result.status == "skipped"
    assert "first(" in result.note
    assert sltest.check_caps(agreement_with(SCHEDULE)).status == "skipped"
    reports = schedule_agreement(
        sla.uptime(min_outage=sla.minutes(1), min_outage_of="report"), {"< 99%": "10%"}
    )
    assert sltest.check_period_split(reports).status == "skipped"
    no_rule = sla.Agreement(
        provider="P", customer="C", services=["a"], tier=sla.Tier("t", fee=sla.usd(1))
    )
    assert sltest.check_no_gaps(no_rule).status == "skipped"
    assert sltest.check_monotone(no_rule, max_examples=5).status == "passed"


FIRST = sla.first(SCHEDULE, sla.per_breach(UPTIME >= "99%", sla.usd("1")))
POOLED = sla.cap(SCHEDULE, at_most="20%", across="services")
HELD = sla.earn_back(SCHEDULE, when=UPTIME >= "99.9%", periods=2)


@pytest.mark.parametrize(
    ("rule", "culprit"),
    [
        # the part named is the one that breaks the promise, under sums and caps
        (SCHEDULE + FIRST, FIRST),
        (sla.cap(sla.bonus(SCHEDULE) | SCHEDULE, at_most="50%"), sla.bonus(SCHEDULE)),
        # a pooled cap gives one service less when another's credit grows
        (POOLED, POOLED),
        # history: the credit depends on earlier periods
        (SCHEDULE + HELD, HELD),
    ],
)
def test_check_monotone_names_the_part_that_breaks_the_promise(
    rule: sla.CreditRule, culprit: sla.CreditRule
) -> None:
    """A rule that does not promise monotony is skipped, and the note names its culprit."""
    result = sltest.check_monotone(agreement_with(rule))
    assert result.status == "skipped"
    assert result.note == f"not monotone in down time by design: {culprit!r}"


def test_round_trip_skips_without_a_codec(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without slakit.to_data the round trip is skipped with a note naming the codec."""
    monkeypatch.setattr(sla, "to_data", None, raising=False)  # as if slakit had no codec
    result = sltest.check_round_trip(region_sla())
    assert result.status == "skipped"
    assert "to_data" in result.note


def test_round_trip_failure_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """A codec that loses a field is reported with the data it produced."""
    if not hasattr(sla, "to_data"):
        pytest.skip("this slakit has no data codec")
    original = region_sla()
    monkeypatch.setattr(sla, "from_data", lambda data: agreement_with(SCHEDULE))
    with pytest.raises(CounterexampleError, match="from_data"):
        sltest.check_round_trip(original)
    monkeypatch.undo()
    monkeypatch.setattr(sla, "loads", lambda text: agreement_with(SCHEDULE))
    with pytest.raises(CounterexampleError, match="loads"):
        sltest.check_round_trip(original)


def test_event_order_and_period_split_catch_order_dependent_engines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A (deliberately) order-dependent or cut-dependent evaluation is caught."""
    real = sla.evaluate

    def first_event_only(
        agreement: sla.Agreement, events: list, *inputs: object, period: object
    ) -> sla.Report:
        return real(agreement, events[:1], *inputs, period=period)

    monkeypatch.setattr(sla, "evaluate", first_event_only)
    agreement = agreement_with(SCHEDULE)
    with pytest.raises(CounterexampleError, match="another order"):
        sltest.check_event_order(agreement, max_examples=200)
    with pytest.raises(CounterexampleError, match="cut"):
        sltest.check_period_split(agreement, max_examples=200)


def test_periods_and_names() -> None:
    """A period by label or object; the first whole period after the effective date; bad names."""
    agreement = sla.Agreement(
        provider="P",
        customer="C",
        services=["a"],
        tier=sla.Tier("t", fee=sla.usd(1), compensation=SCHEDULE),
        effective="2026-03-15T00:00:00Z",
    )
    assert sltest.check_no_gaps(agreement).status == "passed"
    assert sltest.check_monotone(agreement, period="2026-05", max_examples=5).status == "passed"
    p = sla.monthly().period("2026-06")
    assert sltest.check_event_order(agreement, period=p, max_examples=5).status == "passed"
    with pytest.raises(ValueError, match="unknown"):
        sltest.check_agreement(agreement, checks=["check_everything"])
    assert str(sltest.CheckResult("x", "passed")) == "x: passed"


# --- bounds are probed deterministically, before any search ------------------------------------


@pytest.fixture
def random_profile() -> Iterator[None]:
    """Load a profile that is not derandomized (as outside CI); restore the previous one after."""
    previous = settings.get_current_profile_name()
    settings.register_profile(
        "random-seeds", parent=settings.get_profile(previous), derandomize=False
    )
    settings.load_profile("random-seeds")
    yield
    settings.load_profile(previous)


@pytest.mark.usefixtures("random_profile")
def test_a_bug_at_a_bound_is_found_with_every_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    """With any seed and one example, the gap and the cap before the sum are found every time."""
    for seed in range(51):
        monkeypatch.setattr(hypothesis.core, "global_force_seed", seed)  # --hypothesis-seed=N
        with pytest.raises(CounterexampleError, match=r"from 100.00 USD to 0.00 USD"):
            sltest.check_monotone(GAP, max_examples=1)
        with pytest.raises(CounterexampleError, match=r"above 50% of the fee"):
            sltest.check_caps(CAP_BEFORE_SUM, at_most="50%", max_examples=1)


def test_the_probe_puts_uptime_on_and_beside_every_bound() -> None:
    """Each rung's outage gives exactly ``1 - down / eligible``; each bound is hit and straddled."""
    office = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin")
    for measure in (UPTIME, sla.uptime(during=office)):
        agreement = schedule_agreement(measure, {"< 99.9%": "10%", "< 99%": "25%"}, services=["a"])
        period = sla.monthly().period("2026-11")
        eligible = sla.evaluate(agreement, [], period=period).evidence("a").eligible.measure()
        values = set()
        for ladder in sltest._ladders(agreement, period, ()):
            for events in ladder.outages():
                value = sla.evaluate(agreement, events, period=period).objectives[0].value
                assert value is not None
                down = sla.evaluate(agreement, events, period=period).evidence("a").down.measure()
                assert value == 1 - Fraction(down, eligible)
                values.add(value)
        for bound in (Fraction(999, 1000), Fraction(99, 100)):
            step = Fraction(1, eligible)
            assert {bound - step, bound, bound + step} <= values, (measure, bound)


# Each group: the schedule, and the credit on each side of the bound where more down time
# lowers it. October 2026 has 44,640 minutes, November 43,200: each bound below is a whole
# number of microseconds (and of minutes in November) of down time.
BOUND_BUGS = [
    # gaps: the band above the gap ends at an exclusive bound, or at an inclusive one
    ({"(99%, 99.9%)": "10%", "(-inf, 99%)": "25%"}, "100.00", "0.00"),  # point gap at 99%
    ({"[99.5%, 99.9%)": "10%", "(-inf, 99%)": "25%"}, "100.00", "0.00"),  # just below 99.5%
    ({"(99.5%, 99.9%)": "10%", "(-inf, 99%]": "25%"}, "100.00", "0.00"),  # at 99.5% exactly
    ({"[99%, 99.9%)": "10%", "(98%, 99%)": "25%", "(-inf, 98%)": "50%"}, "250.00", "0.00"),  # 98%
    # inversions: bands built by hand, listed so that their credits look ordered, but a worse
    # value earns less; the lower band's upper bound exclusive, or inclusive
    ((("[", "99%", "99.9%", ")", "25%"), ("(", None, "99%", ")", "10%")), "250.00", "100.00"),
    ((("(", "99%", "99.9%", ")", "25%"), ("(", None, "99%", "]", "10%")), "250.00", "100.00"),
]
MEASURES = [
    # exact microseconds; buckets of a minute; a minimum outage; a service window
    (UPTIME, "2026-10"),
    (sla.uptime(granularity=sla.minutes(1)), "2026-11"),
    (sla.uptime(min_outage=sla.minutes(1)), "2026-10"),
    (sla.uptime(during=sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin")), "2026-11"),
]


def _schedule(measure: sla.Measure, table: object) -> sla.CreditSchedule:
    """Build the schedule from a credit table, or by hand from (open, low, high, close, credit)."""
    if isinstance(table, dict):
        return sla.credit_schedule(measure, table)
    assert isinstance(table, tuple)
    bands = []
    for opening, low, high, closing, credit in table:
        lower = None if low is None else sla.Bound(Decimal(low[:-1]) / 100, opening == "[")
        upper = sla.Bound(Decimal(high[:-1]) / 100, closing == "]")
        bands.append(sla.Band(lower, upper, Decimal(credit[:-1]) / 100))
    return sla.CreditSchedule(measure, tuple(bands))


@pytest.mark.parametrize(("measure", "month"), MEASURES)
@pytest.mark.parametrize(("table", "was", "now"), BOUND_BUGS)
def test_every_kind_of_bound_bug_is_found_deterministically(
    measure: sla.Uptime, month: str, table: object, was: str, now: str
) -> None:
    """A gap or an inversion at any kind of bound is found without search, and reproduces."""
    agreement = agreement_with(_schedule(measure, table))
    with pytest.raises(CounterexampleError, match=rf"from {was} USD to {now} USD") as caught:
        sltest.check_monotone(agreement, period=month, max_examples=1)
    error = caught.value
    (outage,) = error.events
    assert sla.evaluate(agreement, [outage], period=month).total == sla.usd(now)
    if isinstance(table, dict):  # a gap is also found from the bands alone
        with pytest.raises(CounterexampleError, match="gap"):
            sltest.check_no_gaps(agreement, period=month)


@pytest.mark.parametrize(("measure", "month"), MEASURES)
@pytest.mark.parametrize(
    "table",
    [
        # the same bounds, each shared by one inclusive and one exclusive side: no gap
        {"[99%, 99.9%)": "10%", "(-inf, 99%)": "25%"},
        {"(99%, 99.9%)": "10%", "(-inf, 99%]": "25%"},
        {"(99%, 99.9%]": "10%", "(98%, 99%]": "25%", "(-inf, 98%]": "50%"},
    ],
)
def test_schedules_without_bound_bugs_pass_the_probe(
    measure: sla.Uptime, month: str, table: dict[str, str]
) -> None:
    """Where every bound is shared by one inclusive and one exclusive side, nothing is found."""
    agreement = agreement_with(sla.credit_schedule(measure, table))
    assert sltest.check_monotone(agreement, period=month, max_examples=1).status == "passed"
    assert sltest.check_no_gaps(agreement, period=month).status == "passed"
