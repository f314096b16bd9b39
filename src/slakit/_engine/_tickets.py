"""Support measures: the runners of ``TicketTime`` and ``OnTimeRatio``.

The kernel judges every ticket at once, in columns:

1. Each ticket is mapped to a service of the agreement, kept if it was opened
   in the evaluated span, matched to its priority's target, and to the calendar
   of its coverage (a ticket whose coverage the measure does not name is
   rejected, and listed).
2. Pauses come from status transitions: a transition starts a status that
   lasts until the ticket's next transition (ordered by one sort of all
   transitions); the spans of pausing statuses, with the ticket's explicit
   pauses, are cut to the ticket's clock.
3. For each distinct calendar (a handful, never one per ticket),
   [`BusinessClock.elapsed()`][slakit.BusinessClock.elapsed] gives the
   business time of all its tickets in one call: prefix sums over the
   calendar's windows and ``searchsorted``.
4. A ticket is on time when that time is at most its target; ``bincount``
   gives the counts per service. Due instants for the evidence are computed
   only when evidence is read.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._measures import Measure
from slakit._dsl._tickets import OnTimeRatio, TicketTime
from slakit._engine._inputs import Inputs, register_records
from slakit._engine._order import canonical
from slakit._engine._registry import Context, register
from slakit._events._tickets import NO_TIME, Ticket, TicketTable
from slakit._results._evidence import EventNote, MeasureEvidence, MeasureOutcome
from slakit._results._tickets import TicketEvidence, TicketNote
from slakit._time._calendar import Calendar, always
from slakit._time._clock import BusinessClock
from slakit._time._instant import describe_us, format_us
from slakit._time._timeline import Timeline
from slakit.exceptions import EvaluationError

__all__ = ["TicketColumns", "TicketFate", "judge_tickets"]

I64 = npt.NDArray[np.int64]

register_records((Ticket,), TicketTable, TicketTable.from_records)


class TicketFate(enum.IntEnum):
    """What happened to one ticket in one support measure."""

    ON_TIME = 0
    LATE = 1
    LATE_UNANSWERED = 2
    PENDING = 3
    OUTSIDE_PERIOD = 4
    NOT_COVERED = 5
    OTHER_PRIORITY = 6
    NO_TARGET = 7
    NO_CLOCK = 8

    @property
    def category(self) -> str:
        """``"counted"`` for judged tickets, ``"ignored"`` for the rest (each with its reason)."""
        if self in (TicketFate.ON_TIME, TicketFate.LATE, TicketFate.LATE_UNANSWERED):
            return "counted"
        return "ignored"

    @property
    def words(self) -> str:
        """The fate in words, as counted in the reconciliation's reasons."""
        return _WORDS[self]


_WORDS = {
    TicketFate.ON_TIME: "on time",
    TicketFate.LATE: "late",
    TicketFate.LATE_UNANSWERED: "late, unanswered",
    TicketFate.PENDING: "pending at period end",
    TicketFate.OUTSIDE_PERIOD: "opened outside the period",
    TicketFate.NOT_COVERED: "not covered",
    TicketFate.OTHER_PRIORITY: "other priority",
    TicketFate.NO_TARGET: "no target for its priority",
    TicketFate.NO_CLOCK: "rejected: unknown coverage",
}


@attrs.frozen(eq=False)
class TicketColumns:
    """The judgement of every ticket (rows of the table), and the calendars used."""

    measure: TicketTime
    table: TicketTable
    services: tuple[str, ...]
    p0: int
    p1: int
    group: I64
    fate: npt.NDArray[np.int8]
    target: I64
    elapsed: I64
    stop: I64
    calendar: I64
    calendars: tuple[Calendar, ...]
    pause_ticket: I64
    pause_start: I64
    pause_end: I64

    def per_service(self, fates: Sequence[TicketFate]) -> I64:
        """Return, per service, how many tickets have one of ``fates``."""
        mask = np.isin(self.fate, np.asarray(fates, dtype=np.int8)) & (self.group >= 0)
        return np.bincount(self.group[mask], minlength=len(self.services)).astype(np.int64)


_COUNTED = (TicketFate.ON_TIME, TicketFate.LATE, TicketFate.LATE_UNANSWERED)


def _empty_table() -> TicketTable:
    return TicketTable.from_columns(
        {"id": [], "service": [], "priority": [], "opened": np.zeros(0, np.int64)}
    )


def _calendars(measure: TicketTime, table: TicketTable) -> tuple[tuple[Calendar, ...], I64]:
    """Return the measure's calendars and each ticket's calendar index (``-1``: none)."""
    named = dict(measure.coverage)
    calendars = [measure.clock if measure.clock is not None else always(), *named.values()]
    index = {name: i + 1 for i, name in enumerate(named)}
    of_code = np.array([index.get(name, -1) for name in table.coverages] + [0], dtype=np.int64)
    # coverage code -1 (no coverage) picks the last entry: the default clock.
    return tuple(calendars), of_code[table.coverage.astype(np.int64)]


def _targets(measure: TicketTime, table: TicketTable) -> tuple[npt.NDArray[np.bool_], I64]:
    """Return which tickets the measure is about, and each one's target (``-1``: none)."""
    codes = {name: i for i, name in enumerate(table.priorities)}
    unknown = [p for p in measure.targets() if p is not None and p not in codes]
    if unknown:
        raise EvaluationError(
            f"{measure!r} names priority {', '.join(map(repr, unknown))}, which the tickets do "
            f"not use (their priorities: {', '.join(table.priorities)}); check the spelling"
        )
    by_code = np.full(len(table.priorities), -1, dtype=np.int64)
    about = np.ones(len(table), dtype=bool)
    if isinstance(measure.within, tuple):
        for name, target in measure.within:
            by_code[codes[name]] = target.us
    elif measure.priority is None:
        by_code[:] = measure.within.us
    else:
        by_code[codes[measure.priority]] = measure.within.us
        about = table.priority == codes[measure.priority]
    return about, by_code[table.priority.astype(np.int64)]


def _pauses(
    measure: TicketTime, table: TicketTable, judged: npt.NDArray[np.bool_], stop: I64
) -> tuple[I64, I64, I64]:
    """Return the pause spans ``(ticket, start, end)`` of judged tickets, cut to their clocks."""
    unknown = [s for s in measure.paused_by if s not in table.statuses]
    if unknown:
        raise EvaluationError(
            f"{measure!r} pauses on status {', '.join(map(repr, unknown))}, which the tickets do "
            f"not use (their statuses: {', '.join(table.statuses)}); check the spelling"
        )
    pausing = np.zeros(len(table.statuses), dtype=bool)
    pausing[[table.statuses.index(s) for s in measure.paused_by]] = True
    ticket, at, status = table.change_ticket, table.change_at, table.change_status
    order = np.lexsort((at, ticket))
    ticket, at, status = ticket[order], at[order], status[order]
    same = np.zeros(ticket.shape[0], dtype=bool)
    same[:-1] = ticket[1:] == ticket[:-1]
    following = np.concatenate((at[1:], [NO_TIME]))
    end = np.where(same, following, NO_TIME)
    keep = pausing[status.astype(np.int64)] if ticket.size else np.zeros(0, dtype=bool)
    p_ticket = np.concatenate((ticket[keep], table.pause_ticket))
    p_start = np.concatenate((at[keep], table.pause_start))
    p_end = np.concatenate((end[keep], table.pause_end))
    keep = judged[p_ticket] if p_ticket.size else np.zeros(0, dtype=bool)
    p_ticket, p_start, p_end = p_ticket[keep], p_start[keep], p_end[keep]
    clock_end = stop[p_ticket]
    p_start = np.minimum(np.maximum(p_start, table.opened[p_ticket]), clock_end)
    p_end = np.where(p_end == NO_TIME, clock_end, np.minimum(p_end, clock_end))
    keep = p_end > p_start
    return p_ticket[keep], p_start[keep], p_end[keep]


def judge_tickets(
    measure: TicketTime, table: TicketTable, services: tuple[str, ...], p0: int, p1: int
) -> TicketColumns:
    """Judge every ticket of ``table`` opened in ``[p0, p1)`` against ``measure``'s targets."""
    n = len(table)
    index = {name: i for i, name in enumerate(services)}
    if measure.service is not None:
        index = {measure.service: index[measure.service]} if measure.service in index else {}
    group_of_code = np.array([index.get(name, -1) for name in table.services] + [-1], np.int64)
    group = group_of_code[table.service.astype(np.int64)]
    about, target = _targets(measure, table)
    calendars, calendar = _calendars(measure, table)
    fate = np.full(n, TicketFate.NOT_COVERED, dtype=np.int8)
    covered = group >= 0
    in_period = (table.opened >= p0) & (table.opened < p1)
    fate[covered & ~in_period] = TicketFate.OUTSIDE_PERIOD
    candidate = covered & in_period
    fate[candidate & ~about] = TicketFate.OTHER_PRIORITY
    candidate &= about
    fate[candidate & (target < 0)] = TicketFate.NO_TARGET
    candidate &= target >= 0
    fate[candidate & (calendar < 0)] = TicketFate.NO_CLOCK
    judged = candidate & (calendar >= 0)

    given = table.first_response if measure.kind == "response" else table.resolved
    answered = given != NO_TIME
    stop = np.where(answered, given, np.maximum(p1, table.opened))
    p_ticket, p_start, p_end = _pauses(measure, table, judged, stop)
    elapsed = np.zeros(n, dtype=np.int64)
    position = np.full(n, -1, dtype=np.int64)
    for c, cal in enumerate(calendars):
        rows = np.flatnonzero(judged & (calendar == c))
        if not rows.size:
            continue
        position[rows] = np.arange(rows.size)
        mine = position[p_ticket] >= 0 if p_ticket.size else np.zeros(0, dtype=bool)
        elapsed[rows] = BusinessClock(cal).elapsed(
            table.opened[rows],
            stop[rows],
            pauses=(position[p_ticket[mine]], p_start[mine], p_end[mine]),
        )
        position[rows] = -1
    late = elapsed > target
    fate[judged & answered & ~late] = TicketFate.ON_TIME
    fate[judged & answered & late] = TicketFate.LATE
    fate[judged & ~answered & late] = TicketFate.LATE_UNANSWERED
    fate[judged & ~answered & ~late] = TicketFate.PENDING
    return TicketColumns(
        measure=measure,
        table=table,
        services=services,
        p0=p0,
        p1=p1,
        group=group,
        fate=fate,
        target=target,
        elapsed=np.where(judged, elapsed, 0),
        stop=np.where(answered, given, NO_TIME),
        calendar=calendar,
        calendars=calendars,
        pause_ticket=p_ticket,
        pause_start=p_start,
        pause_end=p_end,
    )


def _counts(fate: npt.NDArray[np.int8]) -> dict[str, dict[str, int]]:
    bins = np.bincount(fate, minlength=len(TicketFate))
    categories = {"counted": 0, "excluded": 0, "ignored": 0}
    reasons: dict[str, int] = {}
    for code in TicketFate:
        count = int(bins[code])
        if count:
            categories[code.category] += count
            reasons[code.words] = count
    return {"rows": {"rows": int(fate.shape[0])}, "categories": categories, "reasons": reasons}


def _outcome(
    measure: Measure, cols: TicketColumns, good: I64, total: I64, ctx: Context
) -> MeasureOutcome:
    def evidence_of(i: int) -> MeasureEvidence:
        return ticket_evidence(measure, cols, i)

    def notes() -> list[EventNote]:
        return [_event_note(note) for note in _ticket_notes(cols, np.arange(len(cols.table)))]

    return MeasureOutcome(
        measure=measure,
        services=ctx.services,
        good=good,
        total=total,
        evidence_of=evidence_of,
        notes=notes,
        counts=_counts(cols.fate),
    )


def _judge(measure: TicketTime, inputs: Inputs, ctx: Context) -> TicketColumns:
    table = inputs.get(TicketTable)
    return judge_tickets(
        measure,
        table if table is not None else _empty_table(),
        ctx.services,
        ctx.start,
        ctx.period.end,
    )


@register(TicketTime)
def run_late_tickets(measure: Measure, inputs: Inputs, ctx: Context) -> MeasureOutcome:
    """Count the late tickets of each service (no data when no ticket was judged)."""
    assert isinstance(measure, TicketTime)
    cols = _judge(measure, inputs, ctx)
    late = cols.per_service([TicketFate.LATE, TicketFate.LATE_UNANSWERED])
    judged = cols.per_service(_COUNTED)
    return _outcome(measure, cols, late, (judged > 0).astype(np.int64), ctx)


@register(OnTimeRatio)
def run_on_time_ratio(measure: Measure, inputs: Inputs, ctx: Context) -> MeasureOutcome:
    """Return each service's on-time tickets over its judged tickets."""
    assert isinstance(measure, OnTimeRatio)
    cols = _judge(measure.of, inputs, ctx)
    on_time = cols.per_service([TicketFate.ON_TIME])
    return _outcome(measure, cols, on_time, cols.per_service(_COUNTED), ctx)


# --- evidence ------------------------------------------------------------------------------------


def _due(cols: TicketColumns, rows: I64) -> I64:
    """Return the due instant of each of ``rows`` (judged tickets), one call per calendar."""
    due = np.full(rows.shape[0], NO_TIME, dtype=np.int64)
    n = len(cols.table)
    position = np.full(n, -1, dtype=np.int64)
    for c, cal in enumerate(cols.calendars):
        pick = np.flatnonzero(cols.calendar[rows] == c)
        if not pick.size:
            continue
        sub = rows[pick]
        position[sub] = np.arange(sub.size)
        mine = position[cols.pause_ticket] >= 0 if cols.pause_ticket.size else np.zeros(0, bool)
        due[pick] = BusinessClock(cal).due(
            cols.table.opened[sub],
            cols.target[sub],
            pauses=(
                position[cols.pause_ticket[mine]],
                cols.pause_start[mine],
                cols.pause_end[mine],
            ),
        )
        position[sub] = -1
    return due


def _reason(cols: TicketColumns, fate: TicketFate, row: int, due: int) -> str:
    table = cols.table
    measure = cols.measure
    event = "first response" if measure.kind == "response" else "resolution"
    target = int(cols.target[row])
    elapsed = int(cols.elapsed[row])
    if fate is TicketFate.ON_TIME:
        return (
            f"on time: {event} after {describe_us(elapsed)} of business time, "
            f"within the target of {describe_us(target)}"
        )
    if fate is TicketFate.LATE:
        return (
            f"late by {describe_us(elapsed - target)}: {event} after {describe_us(elapsed)} of "
            f"business time, target {describe_us(target)}, due {format_us(due)}"
        )
    if fate is TicketFate.LATE_UNANSWERED:
        return (
            f"late by at least {describe_us(elapsed - target)}: no {event} by the end of the "
            f"period, target {describe_us(target)}, due {format_us(due)}"
        )
    if fate is TicketFate.PENDING:
        return (
            f"ignored: no {event} yet and not due before the period ended (due "
            f"{format_us(due)}); it is judged once it has one"
        )
    if fate is TicketFate.OUTSIDE_PERIOD:
        return "ignored: opened outside the evaluated period"
    if fate is TicketFate.NOT_COVERED:
        return "ignored: the service is not covered by this measure"
    if fate is TicketFate.OTHER_PRIORITY:
        return f"ignored: the measure is about {measure.priority} tickets only"
    if fate is TicketFate.NO_TARGET:
        priority = table.priorities[int(table.priority[row])]
        return f"ignored: the measure has no target for {priority} tickets"
    code = int(table.coverage[row])
    names = ", ".join(repr(name) for name, _ in measure.coverage) or "none"
    return (
        f"rejected: coverage {table.coverages[code]!r} has no clock in this measure (its "
        f"coverages: {names}); add it to coverage={{...}} or fix the ticket"
    )


def _ticket_notes(cols: TicketColumns, rows: I64) -> list[TicketNote]:
    table = cols.table
    rows = canonical(table, rows, then=(cols.fate,))
    fates = cols.fate[rows]
    needs_due = np.isin(fates, [TicketFate.LATE, TicketFate.LATE_UNANSWERED, TicketFate.PENDING])
    due = np.full(rows.shape[0], NO_TIME, dtype=np.int64)
    due[needs_due] = _due(cols, rows[needs_due])
    out = []
    for j, row in enumerate(rows.tolist()):
        fate = TicketFate(int(fates[j]))
        judged = fate in _COUNTED or fate is TicketFate.PENDING
        target = int(cols.target[row])
        elapsed = int(cols.elapsed[row])
        stop = int(cols.stop[row])
        code = int(table.coverage[row])
        out.append(
            TicketNote(
                where=table.where(row),
                id=table.ids[row],
                service=table.services[int(table.service[row])],
                priority=table.priorities[int(table.priority[row])],
                coverage=None if code < 0 else table.coverages[code],
                opened=int(table.opened[row]),
                stopped=None if stop == NO_TIME else stop,
                target_us=target if target >= 0 else None,
                elapsed_us=elapsed if judged else None,
                due=None if due[j] == NO_TIME else int(due[j]),
                late_by_us=max(elapsed - target, 0) if fate in _COUNTED else 0,
                category=fate.category,
                status=fate.words,
                reason=_reason(cols, fate, row, int(due[j])),
            )
        )
    return out


def _event_note(note: TicketNote) -> EventNote:
    return EventNote(
        where=note.where,
        kind="ticket",
        service=note.service,
        start=note.opened,
        end=note.stopped if note.stopped is not None else note.opened,
        category=note.category,
        reason=f"ticket {note.id} ({note.priority}): {note.reason}",
        amount_us=note.late_by_us,
    )


def ticket_evidence(measure: Measure, cols: TicketColumns, i: int) -> TicketEvidence:
    """Return the evidence of service ``i``: each of its tickets and what it did."""
    service = cols.services[i]
    table = cols.table
    code = table.services.index(service) if service in table.services else -1
    rows = np.flatnonzero(table.service == code) if code >= 0 else np.zeros(0, np.int64)
    notes = _ticket_notes(cols, rows)
    return TicketEvidence(
        service=service,
        measure=measure,
        eligible=Timeline(),
        down=Timeline(),
        excluded=Timeline(),
        excluded_by="",
        outside_window=Timeline(),
        events=tuple(_event_note(note) for note in notes),
        tickets=tuple(notes),
    )
