"""Incident measures: count, MTTR, MTBF and longest outage from outage reports."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit._engine._incidents import find_incidents
from slakit.exceptions import DefinitionError
from tests.strategies import SECOND, SERVICES, T0, incident_measures, small_period

MIN = 60 * SECOND
DAY = 24 * 60 * MIN
OCTOBER_US = 31 * DAY


def at(minutes: float) -> int:
    """Return the instant ``minutes`` after 2026-10-01T00:00:00Z (the period's start)."""
    return T0 + int(minutes * MIN)


def outage(start: float, end: float, service: str = "api") -> sla.Outage:
    return sla.Outage(service, at(start), at(end))


def values(measure: sla.IncidentMeasure, events: list[sla.Event]) -> Fraction | None:
    tier = sla.Tier("t", fee=sla.usd("1"), objectives=[measure >= 0])
    agreement = sla.Agreement(provider="p", customer="c", services=["api"], tier=tier)
    (result,) = sla.evaluate(agreement, events, period="2026-10").objectives
    return result.value


# --- what an incident is ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "count", "total"),
    [
        # overlapping reports from two monitors are one incident, 10:00-10:20
        ([outage(600, 615), outage(605, 620)], 1, 20),
        # reports that touch are one incident
        ([outage(600, 610), outage(610, 620)], 1, 20),
        # a one-minute gap separates two incidents
        ([outage(600, 610), outage(611, 620)], 2, 19),
        # a report inside another adds nothing
        ([outage(600, 620), outage(605, 606)], 1, 20),
        # another service's outages are not this service's
        ([outage(600, 610), outage(600, 700, "web")], 1, 10),
    ],
)
def test_overlapping_reports_merge_into_one_incident(
    events: list[sla.Event], count: int, total: int
) -> None:
    """An incident is an episode of consecutive downtime, however many monitors reported it."""
    assert values(sla.incident_count(), events) == count
    assert values(sla.mttr(), events) == Fraction(total * MIN, count)


@pytest.mark.parametrize(
    ("gap_minutes", "count"),
    [
        (4, 2),  # a gap of 5 minutes is more than 4: two incidents
        (5, 1),  # exactly the merge gap: one incident
        (6, 1),
    ],
)
def test_merge_gap_joins_reports_on_both_sides_of_its_boundary(
    gap_minutes: int, count: int
) -> None:
    """Reports at most ``merge_gap`` apart are one incident, from first start to last end."""
    events = [outage(600, 610), outage(615, 620)]
    measure = sla.incident_count(merge_gap=sla.minutes(gap_minutes))
    assert values(measure, events) == count
    longest = values(sla.longest_outage(merge_gap=sla.minutes(gap_minutes)), events)
    assert longest == (20 * MIN if count == 1 else 10 * MIN)


@pytest.mark.parametrize(
    ("minimum", "count"),
    [
        (sla.minutes(10), 1),  # the incident lasts exactly 10 minutes: counted
        (sla.minutes(10) + sla.microseconds(1), 0),  # one microsecond more: ignored
    ],
)
def test_min_duration_on_both_sides_of_its_boundary(minimum: sla.Duration, count: int) -> None:
    """Incidents shorter than ``min_duration`` are ignored; exactly as long is counted."""
    # two reports that merge into one 10-minute incident, each shorter than the minimum
    events = [outage(600, 606), outage(604, 610)]
    assert values(sla.incident_count(min_duration=minimum), events) == count


# --- the four statistics, by hand ---------------------------------------------------------------


def test_the_four_statistics_by_hand() -> None:
    """Two incidents of 10 and 50 minutes in October (31 days)."""
    events = [outage(600, 610), outage(2000, 2030), outage(2020, 2050)]
    assert values(sla.incident_count(), events) == 2
    assert values(sla.mttr(), events) == 30 * MIN
    assert values(sla.longest_outage(), events) == 50 * MIN
    # MTBF = (31 days - 60 minutes) / 2
    assert values(sla.mtbf(), events) == Fraction(OCTOBER_US - 60 * MIN, 2)


def test_an_incident_belongs_to_the_period_it_starts_in() -> None:
    """An incident across the month's start is September's; its October time is still down."""
    events = [outage(-30, 30), outage(600, 620)]
    assert values(sla.incident_count(), events) == 1
    assert values(sla.mttr(), events) == 20 * MIN
    # the 30 minutes of September's incident inside October are not up time
    assert values(sla.mtbf(), events) == OCTOBER_US - 50 * MIN
    # an incident that starts at the period's last minute counts with its whole length
    late = [outage(OCTOBER_US / MIN - 1, OCTOBER_US / MIN + 59)]
    assert values(sla.longest_outage(), late) == 60 * MIN


def test_no_incident_is_zero_count_and_no_mttr() -> None:
    """Without incidents the count and longest outage are 0; MTTR and MTBF are "no data"."""
    tier = sla.Tier(
        "t",
        fee=sla.usd("1"),
        objectives=[
            sla.incident_count() <= 0,
            sla.longest_outage() <= sla.minutes(5),
            sla.mttr() <= "1 hour",
            sla.mtbf() >= sla.days(7),
        ],
    )
    agreement = sla.Agreement(provider="p", customer="c", services=["api"], tier=tier)
    report = sla.evaluate(agreement, [], period="2026-10")
    assert [r.verdict.value for r in report.objectives] == ["met", "met", "no data", "no data"]
    assert [r.shown for r in report.objectives] == ["0", "0 seconds", "no data", "no data"]


def test_every_report_is_accounted_for() -> None:
    """Each outage report is counted or ignored with its reason; the counts reconcile."""
    events: list[sla.Event] = [
        outage(600, 610),
        outage(605, 612),
        outage(-30, 30),
        outage(700, 700.5),
        outage(600, 610, "web"),
        sla.Maintenance("api", at(100), at(200), announced=at(-9000)),
    ]
    measure = sla.mttr(min_duration=sla.minutes(1))
    tier = sla.Tier("t", fee=sla.usd("1"), objectives=[measure <= "1 hour"])
    agreement = sla.Agreement(provider="p", customer="c", services=["api"], tier=tier)
    report = sla.evaluate(agreement, events, period="2026-10")
    # notes come in the order of the events' facts; ``where`` still finds each input row
    notes = sorted(report.events(), key=lambda n: int(n.where.removeprefix("record ")))
    assert [n.category for n in notes] == ["counted"] * 2 + ["ignored"] * 4
    assert "part of the incident [2026-10-01T10:00:00Z, 2026-10-01T10:12:00Z)" in notes[0].reason
    assert "starts outside the evaluated span" in notes[2].reason
    assert "shorter than the minimum of 1 minute" in notes[3].reason
    assert "not covered" in notes[4].reason
    assert "maintenance is not an outage report" in notes[5].reason
    assert report.reconciliation.reasons[repr(measure)] == {
        "counted": 2,
        "outside period": 1,
        "below minimum": 1,
        "not covered": 1,
        "not used": 1,
    }
    assert report.reconciliation.balanced()
    ev = report.evidence("api")
    assert [str(s) for s in ev.down] == ["[2026-10-01T10:00:00Z, 2026-10-01T10:12:00Z)"]
    assert len(ev.events) == 5
    assert "MTTR <= 12 minutes" not in report.explain()
    assert "MTTR <= 1 hour: MET, measured 12 minutes" in report.explain()


def test_a_measure_on_one_service_and_a_mid_period_start() -> None:
    """``service=`` picks one service; a mid-period agreement counts from its start."""
    events = [outage(600, 610, "web"), outage(20 * 60, 20 * 60 + 5, "web")]
    measure = sla.incident_count(service="web")
    tier = sla.Tier("t", fee=sla.usd("1"), objectives=[measure <= 5])
    agreement = sla.Agreement(
        provider="p",
        customer="c",
        services=["api", "web"],
        tier=tier,
        effective="2026-10-01T12:00:00Z",
    )
    (result,) = sla.evaluate(agreement, events, period="2026-10").objectives
    assert (result.service, result.value) == ("web", 1)


def test_incidents_are_found_for_all_services_in_one_pass() -> None:
    """The kernel returns the incidents of every service, sorted by service and start."""
    table = sla.EventTable.from_records(
        [outage(5, 6, "b"), outage(0, 2, "a"), outage(1, 3, "a"), outage(0, 1, "b")]
    )
    cols = find_incidents(sla.incident_count(), table, ("a", "b"), T0, T0 + DAY)
    assert cols.group.tolist() == [0, 1, 1]
    assert (cols.end - cols.start).tolist() == [3 * MIN, MIN, MIN]
    assert cols.count.tolist() == [1, 2]
    assert cols.row_incident.tolist() == [2, 0, 0, 1]


# --- the DSL ------------------------------------------------------------------------------------


def test_reprs_labels_and_descriptions() -> None:
    """Incident measures print as their DSL call and state their formula."""
    measure = sla.mtbf(service="api", min_duration=sla.minutes(1), merge_gap=sla.minutes(5))
    assert repr(measure) == "mtbf(service='api', min_duration=minutes(1), merge_gap=minutes(5))"
    assert measure.label == "MTBF of api"
    text = measure.describe()
    assert "up time of the period" in text
    assert "at most 5 minutes apart" in text
    assert "shorter than 1 minute are ignored" in text
    assert repr(sla.longest_outage()) == "longest_outage()"
    assert "overlap or touch" in sla.incident_count().describe()
    assert repr(sla.mttr() <= "1h 30m") == "mttr() <= '1 hour 30 minutes'"


@pytest.mark.parametrize(
    ("text", "us"),
    [
        ("4 hours", 4 * 60 * MIN),
        ("1h 30m", 90 * MIN),
        ("2 days 1 second", 2 * DAY + SECOND),
        ("90 s", 90 * SECOND),
        ("1.5 hours", 90 * MIN),
        ("1/3 minutes", 20 * SECOND),
        ("7 us", 7),
    ],
)
def test_duration_targets_read_as_written(text: str, us: int) -> None:
    """Targets of time statistics read as lengths of time; values print back as words."""
    objective = sla.mttr() <= text
    assert objective.target == Decimal(us)
    assert sla.mttr().format_value(objective.target) == sla.Duration(us).words()


def test_values_print_exactly() -> None:
    """A mean that is not a whole number of microseconds prints exactly."""
    assert sla.mttr().format_value(Fraction(10, 3)) == "10/3 microseconds"
    assert sla.mttr().format_value(Fraction(3 * SECOND + 1, 3)) == "1 second 1/3 microseconds"
    assert sla.incident_count().format_value(Fraction(3)) == "3"
    assert (sla.mttr() <= sla.hours(2)).target == Decimal(2 * 60 * MIN)
    assert (sla.mttr() <= Decimal(5)).target == Decimal(5)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: sla.mttr() <= "soon", "is not a length of time"),
        (lambda: sla.mttr() <= "4 fortnights", "is not a length of time"),
        (lambda: sla.mttr() <= 5, "is not a length of time"),
        (lambda: sla.mttr() <= Decimal(-1), "zero or more"),
        (lambda: sla.mttr() <= "1/7 us", "no exact decimal form"),
        (lambda: sla.incident_count() <= "3.5", "is not a count"),
        (lambda: sla.mttr(min_duration=60), "min_duration=60 must be a duration"),
        (lambda: sla.mttr(merge_gap="1m"), "merge_gap='1m' must be a duration"),
        (lambda: sla.IncidentMeasure(statistic="median"), "statistic='median'"),
    ],
)
def test_bad_targets_and_options_are_refused(make: object, message: str) -> None:
    """Malformed targets and options are refused with a message naming them."""
    with pytest.raises(DefinitionError, match=message):
        make()  # type: ignore[operator]


# --- against a per-second model -------------------------------------------------------------


def _model(
    measure: sla.IncidentMeasure, events: list[sla.Event], service: str, p0: int, p1: int
) -> tuple[int, int, int, int]:
    """Return (count, total length, longest, down seconds in the period) from whole seconds."""
    spans = sorted(
        (e.start_us // SECOND, e.end_us // SECOND)
        for e in events
        if isinstance(e, sla.Outage) and e.service == service
    )
    incidents: list[list[int]] = []
    gap = measure.merge_gap.us // SECOND
    for s, e in spans:
        if incidents and s - incidents[-1][1] <= gap:
            incidents[-1][1] = max(incidents[-1][1], e)
        else:
            incidents.append([s, e])
    long_enough = [(s, e) for s, e in incidents if (e - s) * SECOND >= measure.min_duration.us]
    counted = [(s, e) for s, e in long_enough if p0 <= s * SECOND < p1]
    down = {t for s, e in long_enough for t in range(s, e) if p0 <= t * SECOND < p1}
    lengths = [e - s for s, e in counted]
    return len(counted), sum(lengths), max(lengths, default=0), len(down)


@given(measure=incident_measures(), seed=st.integers(0, 2**32 - 1), data=st.data())
def test_kernel_matches_per_second_model(
    measure: sla.IncidentMeasure, seed: int, data: st.DataObject
) -> None:
    """Count, total, longest and in-period down time equal a per-second model, in any order."""
    from tests.strategies import second_spans

    spans = data.draw(st.lists(second_spans(-60, 660), max_size=12))
    names = data.draw(st.lists(st.sampled_from(SERVICES), min_size=len(spans), max_size=len(spans)))
    events: list[sla.Event] = [sla.Outage(n, s, e) for n, (s, e) in zip(names, spans, strict=True)]
    order = np.random.default_rng(seed).permutation(len(events))
    table = sla.EventTable.from_records([events[i] for i in order])
    period = small_period(600)
    cols = find_incidents(measure, table, SERVICES, period.start, period.end)
    for i, service in enumerate(SERVICES):
        count, total, longest, down = _model(measure, events, service, period.start, period.end)
        assert int(cols.count[i]) == count
        assert int(cols.total_us[i]) == total * SECOND
        assert int(cols.longest_us[i]) == longest * SECOND
        assert int(cols.down_in_period_us[i]) == down * SECOND
