"""Maintenance budgets longer than a period: "at most 10 hours of maintenance a year" (issue 16).

A budget per quarter, year or rolling window counts the qualifying maintenance
of the events given for the window's earlier part; each period's report says
what was used before it and what was left. Checked against an hour-by-hour
oracle over a year of monthly periods.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
from slakit.exceptions import DefinitionError

HOUR = 3_600_000_000
YEAR = sla.yearly().period("2026")


def _agreement(clause: sla.ScheduledMaintenance, **more: object) -> sla.Agreement:
    measure = sla.uptime(excluding=[clause])
    tier = sla.Tier("t", fee=sla.usd("100.00"), objectives=[measure >= "99.9%"])
    return sla.Agreement(provider="P", customer="C", services=["s"], tier=tier, **more)  # type: ignore[arg-type]


def _window(start_hour: int, hours: int) -> list[sla.Outage | sla.Maintenance]:
    """A maintenance window with an outage over it: its excluded hours are not down."""
    start = YEAR.start + start_hour * HOUR
    end = start + hours * HOUR
    announced = start - 30 * 24 * HOUR
    return [sla.Maintenance("s", start, end, announced=announced), sla.Outage("s", start, end)]


def _down_hours(report: sla.Report) -> int:
    return report.evidence("s").down_us // HOUR


@settings(max_examples=25, deadline=None)
@given(
    windows=st.lists(
        st.tuples(st.integers(0, 365 * 24 - 48), st.integers(1, 40)), min_size=1, max_size=6
    ),
    budget=st.integers(1, 60),
)
def test_a_yearly_budget_equals_an_hour_by_hour_count(
    windows: list[tuple[int, int]], budget: int
) -> None:
    """The first ``budget`` maintenance hours of the year are excluded, the rest are down."""
    events = [e for start, hours in windows for e in _window(start, hours)]
    agreement = _agreement(sla.scheduled_maintenance(at_most=sla.hours(budget), per="year"))
    statement = sla.statement(agreement, events, periods="2026-01..2026-12")
    hours = sorted({h + k for h, n in windows for k in range(n)})  # overlaps once
    excluded = set(hours[:budget])
    months = sla.monthly()
    for report in statement.reports:
        month = months.period(report.period.label)
        down = [h for h in hours if month.start <= YEAR.start + h * HOUR < month.end]
        assert _down_hours(report) == len([h for h in down if h not in excluded])


def test_each_period_states_what_the_budget_had_left() -> None:
    agreement = _agreement(sla.scheduled_maintenance(at_most=sla.hours(10), per="year"))
    march = 31 * 24 + 28 * 24 + 9 * 24  # 10 March, 00:00
    october = (31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 9) * 24
    events = [*_window(march, 6), *_window(october, 6)]
    report = sla.evaluate(agreement, events, period="2026-10")
    assert _down_hours(report) == 2  # 4 of October's 6 hours were left in the budget
    text = report.explain()
    assert (
        "of the 10 hours per year from 2026-01-01T00:00:00Z, 6 hours was used before this "
        "period and 4 hours was left for it" in text
    )
    assert "partly excluded: 4 hours before the allowance of 10 hours per year ran out" in text
    # a budget per period would have excluded all six hours
    per_period = _agreement(sla.scheduled_maintenance(at_most=sla.hours(10)))
    assert _down_hours(sla.evaluate(per_period, events, period="2026-10")) == 0
    # the budget starts when the agreement does
    later = _agreement(
        sla.scheduled_maintenance(at_most=sla.hours(10), per="year"), effective="2026-06-01T00:00Z"
    )
    assert _down_hours(sla.evaluate(later, events, period="2026-10")) == 0


def test_rolling_and_quarterly_budgets() -> None:
    """Two hours per rolling three months, and per quarter, over maintenance of 2 h a month."""
    events = [
        e
        for month in range(12)
        for e in _window(sum([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][:month]) * 24, 2)
    ]
    rolling = _agreement(sla.scheduled_maintenance(at_most=sla.hours(2), per="rolling 3"))
    downs = [
        _down_hours(r) for r in sla.statement(rolling, events, periods="2026-01..2026-06").reports
    ]
    assert downs == [0, 2, 2, 0, 2, 2]  # a window holds this month and the two before
    quarter = _agreement(sla.scheduled_maintenance(at_most=sla.hours(2), per="quarter"))
    downs = [
        _down_hours(r) for r in sla.statement(quarter, events, periods="2026-01..2026-06").reports
    ]
    assert downs == [0, 2, 2, 0, 2, 2]


def test_budget_windows_are_checked_and_round_trip() -> None:
    clause = sla.scheduled_maintenance(notice=sla.days(5), at_most=sla.hours(10), per="year")
    agreement = _agreement(clause)
    data = json.loads(json.dumps(sla.to_data(agreement)))
    assert sla.from_data(data) == agreement
    assert "up to 10 hours per year" in sla.render_schedule(agreement)
    with pytest.raises(DefinitionError, match="give the budget as at_most="):
        sla.scheduled_maintenance(per="year")
    with pytest.raises(DefinitionError, match="'rolling N'"):
        sla.scheduled_maintenance(at_most=sla.hours(1), per="decade")
    with pytest.raises(DefinitionError, match="'rolling N'"):
        sla.scheduled_maintenance(at_most=sla.hours(1), per="rolling 0")


@settings(max_examples=25, deadline=None)
@given(
    windows=st.lists(
        st.tuples(st.integers(0, 365 * 24 - 48), st.integers(1, 40)), min_size=1, max_size=6
    ),
    budget=st.integers(1, 30),
    length=st.integers(1, 4),
)
def test_a_rolling_budget_equals_a_month_by_month_recurrence(
    windows: list[tuple[int, int]], budget: int, length: int
) -> None:
    """Each month excludes what its window left: the budget less the N-1 months before it."""
    events = [e for start, hours in windows for e in _window(start, hours)]
    clause = sla.scheduled_maintenance(at_most=sla.hours(budget), per=f"rolling {length}")
    statement = sla.statement(_agreement(clause), events, periods="2026-01..2026-12")
    hours = {h + k for h, n in windows for k in range(n)}
    months = sla.monthly()
    excluded: list[int] = []
    for report in statement.reports:
        month = months.period(report.period.label)
        qualifying = len([h for h in hours if month.start <= YEAR.start + h * HOUR < month.end])
        before = sum(excluded[len(excluded) - (length - 1) :]) if length > 1 else 0
        excluded.append(min(budget - before, qualifying))
        assert _down_hours(report) == qualifying - excluded[-1]
