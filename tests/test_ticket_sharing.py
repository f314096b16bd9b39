"""Support measures over one ticket table share their preparation within one evaluation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import slakit as sla
from slakit._engine import _tickets
from slakit._engine._tickets import judge_tickets

OFFICE = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin") - sla.holidays("DE", subdiv="BE")
ALWAYS = {"24x7": sla.always()}
TARGETS = (("P1", 1), ("P2", 4), ("P3", 8))


def _table(n: int = 600) -> sla.TicketTable:
    """Tickets over October 2026: three priorities, pauses, some unanswered, some 24x7."""
    rng = np.random.default_rng(14)
    opened = 1_790_812_800_000_000 + rng.integers(0, 30 * 86_400, n) * 1_000_000  # 2026-10
    delay = rng.integers(60, 3 * 86_400, n) * 1_000_000
    answered = rng.random(n) < 0.9
    ids = [f"T{i}" for i in range(n)]
    waiting = np.flatnonzero(rng.random(n) < 0.2)
    return sla.TicketTable.from_columns(
        {
            "id": ids,
            "service": rng.choice(["desk", "web", "other"], n).tolist(),
            "priority": rng.choice(["P1", "P2", "P3"], n).tolist(),
            "opened": opened,
            "first_response": [
                int(o + d) if a else None
                for o, d, a in zip(opened.tolist(), delay.tolist(), answered.tolist(), strict=True)
            ],
            "coverage": [("24x7" if i % 5 == 0 else None) for i in range(n)],
        },
        transitions={
            "ticket": [ids[i] for i in waiting.tolist()] * 2,
            "at": np.concatenate((opened[waiting] + 60_000_000, opened[waiting] + 3_600_000_000)),
            "status": ["waiting_on_customer"] * waiting.size + ["open"] * waiting.size,
        },
    )


def _measures() -> list[sla.TicketTime]:
    return [
        sla.response_time(priority=p, within=sla.hours(h), clock=OFFICE, coverage=ALWAYS)
        for p, h in TARGETS
    ]


def _agreement(measures: list[sla.TicketTime]) -> sla.Agreement:
    objectives = [m.on_time_ratio() >= "90%" for m in measures]
    objectives += [m <= 2 for m in measures]
    tier = sla.Tier("desk", fee=sla.usd("100.00"), objectives=objectives)
    return sla.Agreement(provider="p", customer="c", services=["desk", "web"], tier=tier)


class Counter:
    """Wraps a function of ``_tickets`` and counts its calls."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        self.calls = 0
        self.fn = getattr(_tickets, name)
        monkeypatch.setattr(_tickets, name, self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.fn(*args, **kwargs)


def test_shared_preparation_gives_the_same_judgement() -> None:
    """Every ticket's fate, time and pauses equal those of judging each measure on its own."""
    table = _table()
    measures = _measures()
    report = sla.evaluate(_agreement(measures), table, period="2026-10")
    p0, p1 = report.period.start, report.period.end
    services = report.services
    shared: dict[Any, Any] = {}
    for measure in measures:
        alone = judge_tickets(measure, table, services, p0, p1)
        together = judge_tickets(measure, table, services, p0, p1, shared=shared, measures=measures)
        for field in ("group", "fate", "target", "elapsed", "stop", "calendar"):
            assert np.array_equal(getattr(alone, field), getattr(together, field)), field
        for field in ("pause_ticket", "pause_start", "pause_end"):
            assert np.array_equal(getattr(alone, field), getattr(together, field)), field
    # the report reads the same: values, verdicts and every ticket's evidence
    for outcome in report.outcomes:
        measure = outcome.measure
        of = measure.of if isinstance(measure, sla.OnTimeRatio) else measure
        assert isinstance(of, sla.TicketTime)
        alone = judge_tickets(of, table, services, p0, p1)
        counted = alone.per_service([_tickets.TicketFate.ON_TIME])
        if isinstance(measure, sla.OnTimeRatio):
            assert outcome.good.tolist() == counted.tolist()
        for i, service in enumerate(services):
            ev = outcome.evidence_of(i)
            assert isinstance(ev, sla.TicketEvidence)
            rows = np.flatnonzero(table.service == list(table.services).index(service))
            assert ev.tickets == tuple(_tickets._ticket_notes(alone, rows))


def test_the_preparation_runs_once_per_table_per_evaluation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three measures over one table: one scope, one clock stop, one pause pass, one clock call."""
    scope = Counter(monkeypatch, "_scope")
    stops = Counter(monkeypatch, "_stops")
    pauses = Counter(monkeypatch, "_all_pauses")
    clock = Counter(monkeypatch, "_elapsed")
    agreement = _agreement(_measures())
    table = _table()
    sla.evaluate(agreement, table, period="2026-10")
    # one per calendar: the office clock and the 24x7 coverage
    assert (scope.calls, stops.calls, pauses.calls, clock.calls) == (1, 1, 1, 2)
    sla.evaluate(agreement, table, period="2026-10")  # nothing is kept between evaluations
    assert (scope.calls, stops.calls, pauses.calls, clock.calls) == (2, 2, 2, 4)


def test_a_lone_measure_times_only_its_own_tickets(monkeypatch: pytest.MonkeyPatch) -> None:
    """A measure with no sibling on its clock judges its own tickets only (nothing shared)."""
    clock = Counter(monkeypatch, "_elapsed")
    table = _table()
    (p1, *_) = _measures()
    resolution = sla.resolution_time(within=sla.hours(8), clock=OFFICE)
    report = sla.evaluate(_agreement([p1, resolution]), table, period="2026-10")
    assert clock.calls == 3  # P1: office and 24x7; resolution: office only
    assert report.objectives[0].value is not None


def test_measures_of_other_tables_or_periods_do_not_share() -> None:
    """The store is keyed by the table and the span: another table or period is judged anew."""
    measures = _measures()
    shared: dict[Any, Any] = {}
    a, b = _table(300), _table(300)
    services = ("desk", "web")
    period = sla.monthly(tz="UTC").resolve("2026-10")
    first = judge_tickets(measures[0], a, services, period.start, period.end, shared=shared)
    other = judge_tickets(measures[0], b, services, period.start, period.end, shared=shared)
    later = judge_tickets(measures[0], a, services, period.end, period.end + 1, shared=shared)
    assert other.table is b
    assert first.table is a
    assert int((later.fate == _tickets.TicketFate.OUTSIDE_PERIOD).sum()) > 0
    assert not np.array_equal(first.fate, later.fate)
