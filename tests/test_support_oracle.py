"""The ticket kernel against a slow minute-by-minute model of the same rules."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit._engine._tickets import TicketFate, judge_tickets
from tests.strategies import MINUTE, SERVICES, T0, SpansCalendar, ticket_measures, tickets

P0 = T0
P1 = T0 + 2 * 24 * 60 * MINUTE
#: The agreement covers two of the three services the tickets use.
COVERED = SERVICES[:2]


def _minutes(calendar: sla.Calendar | None) -> set[int] | None:
    """Return the calendar's minutes (as minute numbers since the epoch), or None for always."""
    if calendar is None or isinstance(calendar, type(sla.always())):
        return None
    assert isinstance(calendar, SpansCalendar)
    return {m for s, e in calendar.spans for m in range(s // MINUTE, e // MINUTE)}


def model(measure: sla.TicketTime, ticket: sla.Ticket) -> tuple[TicketFate, int]:
    """Judge one ticket by walking its clock minute by minute."""
    opened = int(ticket.opened.timestamp()) * 1_000_000
    if ticket.service not in COVERED:
        return TicketFate.NOT_COVERED, 0
    if not P0 <= opened < P1:
        return TicketFate.OUTSIDE_PERIOD, 0
    targets = measure.targets()
    if measure.priority is not None and ticket.priority != measure.priority:
        return TicketFate.OTHER_PRIORITY, 0
    target = targets.get(ticket.priority, targets.get(None))
    if target is None:
        return TicketFate.NO_TARGET, 0
    coverage = dict(measure.coverage)
    if ticket.coverage is None:
        minutes = _minutes(measure.clock)
    elif ticket.coverage in coverage:
        minutes = _minutes(coverage[ticket.coverage])
    else:
        return TicketFate.NO_CLOCK, 0
    given_at = ticket.first_response if measure.kind == "response" else ticket.resolved
    stop = P1 if given_at is None else int(given_at.timestamp()) * 1_000_000
    # Status spans: each transition lasts until the next one (by time, then by listing order).
    changes = sorted(
        ((int(at.timestamp()) * 1_000_000, i, s) for i, (at, s) in enumerate(ticket.transitions))
    )
    paused: set[int] = set()
    for j, (at, _, status) in enumerate(changes):
        if status in measure.paused_by:
            end = changes[j + 1][0] if j + 1 < len(changes) else stop
            paused.update(range(at // MINUTE, max(at, end) // MINUTE))
    for span in ticket.pauses:
        paused.update(range(span.start // MINUTE, span.end // MINUTE))
    elapsed = sum(
        1
        for m in range(opened // MINUTE, stop // MINUTE)
        if (minutes is None or m in minutes) and m not in paused
    )
    elapsed_us = elapsed * MINUTE
    late = elapsed_us > target.us
    if given_at is not None:
        return (TicketFate.LATE if late else TicketFate.ON_TIME), elapsed_us
    return (TicketFate.LATE_UNANSWERED if late else TicketFate.PENDING), elapsed_us


@given(measure=ticket_measures(), drawn=tickets())
def test_kernel_matches_minute_model(measure: sla.TicketTime, drawn: list[sla.Ticket]) -> None:
    """Every ticket's fate and business time equal the minute-by-minute model's."""
    table = sla.TicketTable.from_records(drawn)
    cols = judge_tickets(measure, table, COVERED, P0, P1)
    expected = [model(measure, t) for t in drawn]
    assert [TicketFate(int(f)) for f in cols.fate] == [f for f, _ in expected]
    judged = [
        f in (TicketFate.ON_TIME, TicketFate.LATE, TicketFate.LATE_UNANSWERED, TicketFate.PENDING)
        for f, _ in expected
    ]
    got = [int(e) if j else 0 for e, j in zip(cols.elapsed.tolist(), judged, strict=True)]
    assert got == [e if j else 0 for (_, e), j in zip(expected, judged, strict=True)]


@given(measure=ticket_measures(), drawn=tickets(), seed=st.integers(0, 2**32 - 1))
def test_evaluate_matches_the_model_and_reconciles(
    measure: sla.TicketTime, drawn: list[sla.Ticket], seed: int
) -> None:
    """Through ``evaluate``, the on-time share and the late count per service are the model's.

    The tickets are shuffled first: order never changes a figure.
    """
    order = np.random.default_rng(seed).permutation(len(drawn))
    shuffled = [drawn[i] for i in order]
    tier = sla.Tier(
        "t", fee=sla.usd("1"), objectives=[measure.on_time_ratio() >= "50%", measure <= 1]
    )
    period = sla.Period(P0, P1, "test", "UTC")
    agreement = sla.Agreement(provider="p", customer="c", services=COVERED, tier=tier)
    report = sla.evaluate(agreement, shuffled, period=period)
    by_service: dict[str, list[TicketFate]] = {s: [] for s in COVERED}
    for t in drawn:
        fate, _ = model(measure, t)
        if t.service in by_service:
            by_service[t.service].append(fate)
    ratio, late = report.objectives[: len(COVERED)], report.objectives[len(COVERED) :]
    for r_ratio, r_late in zip(ratio, late, strict=True):
        fates = by_service[r_ratio.service]
        on_time = fates.count(TicketFate.ON_TIME)
        n_late = fates.count(TicketFate.LATE) + fates.count(TicketFate.LATE_UNANSWERED)
        if on_time + n_late == 0:
            assert r_ratio.verdict is r_late.verdict is sla.Verdict.NO_DATA
        else:
            assert r_ratio.value == Fraction(on_time, on_time + n_late)
            assert r_late.value == n_late
    assert report.reconciliation.balanced()
    label = repr(measure)
    counts = report.reconciliation.by_measure[label]
    assert sum(counts.values()) == len(drawn)
