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
import functools
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar, cast

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._measures import Measure
from slakit._dsl._tickets import OnTimeRatio, TicketTime
from slakit._engine._inputs import Inputs, register_records
from slakit._engine._order import canonical
from slakit._engine._registry import Context, register
from slakit._events._tickets import DEFAULT_PRIORITIES, NO_TIME, Ticket, TicketTable
from slakit._results._evidence import EventNote, MeasureEvidence, MeasureOutcome
from slakit._results._tickets import TicketEvidence, TicketNote
from slakit._time._calendar import Calendar, always
from slakit._time._clock import BusinessClock
from slakit._time._instant import describe_us, format_us
from slakit._time._timeline import Timeline
from slakit.exceptions import EvaluationError

__all__ = ["TicketColumns", "TicketFate", "judge_tickets"]

I64 = npt.NDArray[np.int64]
T = TypeVar("T")

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


@attrs.frozen(eq=False, slots=False)
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
        by_fate = self._by_service_and_fate
        return np.asarray(by_fate[:, list(fates)].sum(axis=1), dtype=np.int64)

    def rows_of(self, service: str) -> I64:
        """Return the rows of the tickets for ``service``, in table order (found by one sort)."""
        code = self._codes.get(service)
        if code is None:
            return np.zeros(0, np.int64)
        order, bounds = self._by_code
        return order[bounds[code] : bounds[code + 1]]

    @functools.cached_property
    def _codes(self) -> dict[str, int]:
        """Each service name's code in the table."""
        return {name: code for code, name in enumerate(self.table.services)}

    @functools.cached_property
    def _by_code(self) -> tuple[I64, I64]:
        """Return the rows by service code (in table order within a code), and where each starts."""
        codes = self.table.service.astype(np.int64)
        order = np.argsort(codes, kind="stable").astype(np.int64)
        bounds = np.searchsorted(codes[order], np.arange(len(self.table.services) + 1))
        return order, np.asarray(bounds, dtype=np.int64)

    @functools.cached_property
    def _by_service_and_fate(self) -> I64:
        """Return how many tickets of each service have each fate (one ``bincount``)."""
        m = len(TicketFate)
        covered = self.group >= 0
        keys = self.group[covered] * m + self.fate[covered]
        counts = np.bincount(keys, minlength=len(self.services) * m)
        return np.asarray(counts, dtype=np.int64).reshape(len(self.services), m)


_COUNTED = (TicketFate.ON_TIME, TicketFate.LATE, TicketFate.LATE_UNANSWERED)


def _empty_table(measure: TicketTime | None = None) -> TicketTable:
    """Return a table of no tickets that accepts the priorities ``measure`` names.

    With no tickets given at all, a measure on priorities of its own (``"urgent"``)
    has no data, as one on the default priorities has; it is not misspelt.
    """
    named = [] if measure is None else [p for p in measure.targets() if p is not None]
    return TicketTable.from_columns(
        {"id": [], "service": [], "priority": [], "opened": np.zeros(0, np.int64)},
        priorities=list(dict.fromkeys([*DEFAULT_PRIORITIES, *named])),
    )


def _calendars(measure: TicketTime, table: TicketTable) -> tuple[tuple[Calendar, ...], I64]:
    """Return the measure's calendars and each ticket's calendar index (``-1``: none)."""
    named = dict(measure.coverage)
    calendars = [measure.clock if measure.clock is not None else always(), *named.values()]
    index = {name: i + 1 for i, name in enumerate(named)}
    of_code = np.array([index.get(name, -1) for name in table.coverages] + [0], dtype=np.int64)
    # coverage code -1 (no coverage) picks the last entry: the default clock.
    return tuple(calendars), of_code[table.coverage]


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
    return about, by_code[table.priority]


@attrs.frozen(eq=False)
class _Scope:
    """What every measure of one evaluation reading the same tickets shares.

    Which service of the agreement each ticket is for, and whether it was
    opened in the evaluated span: worked out once per table, services and span.
    """

    table: TicketTable
    group: I64
    candidate: npt.NDArray[np.bool_]
    fate: npt.NDArray[np.int8]


@attrs.frozen(eq=False)
class _Stops:
    """When each ticket's clock stops for one kind of measure (response or resolution)."""

    given: I64
    answered: npt.NDArray[np.bool_]
    stop: I64
    #: The instant that stopped the clock, as the evidence shows it (NO_TIME: none).
    stopped: I64


@attrs.frozen(eq=False)
class _Elapsed:
    """Business time per ticket on one calendar, filled in for the tickets asked for so far."""

    elapsed: I64
    done: npt.NDArray[np.bool_]


Shared = dict[Hashable, Any]


def _memo(
    shared: Shared, key: tuple[Hashable, ...], table: TicketTable, build: Callable[[], T]
) -> T:
    """Return what ``build()`` gives for ``key`` over ``table``, built once per store.

    The table itself is kept with the value, so a key can never be answered
    for another table that happens to reuse the first one's identity.
    """
    found = shared.get(key)
    if found is not None and found[0] is table:
        return cast("T", found[1])
    value = build()
    shared[key] = (table, value)
    return value


def _scope(
    table: TicketTable, services: tuple[str, ...], only: str | None, p0: int, p1: int
) -> _Scope:
    """Return each ticket's service group (``-1``: not covered) and whether it is a candidate."""
    index = {name: i for i, name in enumerate(services)}
    if only is not None:
        index = {only: index[only]} if only in index else {}
    group_of_code = np.array([index.get(name, -1) for name in table.services] + [-1], np.int64)
    group = group_of_code[table.service.astype(np.int64)]
    fate = np.full(len(table), TicketFate.NOT_COVERED, dtype=np.int8)
    covered = group >= 0
    in_period = (table.opened >= p0) & (table.opened < p1)
    fate[covered & ~in_period] = TicketFate.OUTSIDE_PERIOD
    return _Scope(table=table, group=group, candidate=covered & in_period, fate=fate)


def _stops(table: TicketTable, kind: str, p1: int) -> _Stops:
    """Return when each ticket's clock stops: its response (or resolution), else the period end."""
    given = table.first_response if kind == "response" else table.resolved
    answered = given != NO_TIME
    stop = np.where(answered, given, np.maximum(p1, table.opened))
    return _Stops(
        given=given, answered=answered, stop=stop, stopped=np.where(answered, given, NO_TIME)
    )


def _check_statuses(measure: TicketTime, table: TicketTable) -> None:
    unknown = [s for s in measure.paused_by if s not in table.statuses]
    if unknown:
        raise EvaluationError(
            f"{measure!r} pauses on status {', '.join(map(repr, unknown))}, which the tickets do "
            f"not use (their statuses: {', '.join(table.statuses)}); check the spelling"
        )


def _all_pauses(table: TicketTable, paused_by: tuple[str, ...]) -> tuple[I64, I64, I64]:
    """Return every pause ``(ticket, start, end)`` of every ticket (``end``: NO_TIME if open)."""
    pausing = np.zeros(len(table.statuses), dtype=bool)
    pausing[[table.statuses.index(s) for s in paused_by]] = True
    ticket, at, status = table.change_ticket, table.change_at, table.change_status
    order = np.lexsort((at, ticket))
    ticket, at, status = ticket[order], at[order], status[order]
    same = np.zeros(ticket.shape[0], dtype=bool)
    same[:-1] = ticket[1:] == ticket[:-1]
    following = np.concatenate((at[1:], [NO_TIME]))
    end = np.where(same, following, NO_TIME)
    keep = pausing[status.astype(np.int64)] if ticket.size else np.zeros(0, dtype=bool)
    return (
        np.concatenate((ticket[keep], table.pause_ticket)),
        np.concatenate((at[keep], table.pause_start)),
        np.concatenate((end[keep], table.pause_end)),
    )


def _cut_pauses(
    table: TicketTable,
    pauses: tuple[I64, I64, I64],
    judged: npt.NDArray[np.bool_],
    stop: I64,
) -> tuple[I64, I64, I64]:
    """Return the pauses of ``judged`` tickets, cut to each ticket's clock (opening to stop)."""
    p_ticket, p_start, p_end = pauses
    keep = judged[p_ticket] if p_ticket.size else np.zeros(0, dtype=bool)
    p_ticket, p_start, p_end = p_ticket[keep], p_start[keep], p_end[keep]
    clock_end = stop[p_ticket]
    p_start = np.minimum(np.maximum(p_start, table.opened[p_ticket]), clock_end)
    p_end = np.where(p_end == NO_TIME, clock_end, np.minimum(p_end, clock_end))
    keep = p_end > p_start
    return p_ticket[keep], p_start[keep], p_end[keep]


def _elapsed(
    table: TicketTable,
    calendar: Calendar,
    rows: npt.NDArray[np.bool_],
    stop: I64,
    pauses: tuple[I64, I64, I64],
) -> I64:
    """Return the business time of every ticket (0 outside ``rows``), one clock call in all."""
    elapsed = np.zeros(len(table), dtype=np.int64)
    picked = np.flatnonzero(rows)
    if not picked.size:
        return elapsed
    p_ticket, p_start, p_end = _cut_pauses(table, pauses, rows, stop)
    position = np.full(len(table), -1, dtype=np.int64)
    position[picked] = np.arange(picked.size)
    elapsed[picked] = BusinessClock(calendar).elapsed(
        table.opened[picked], stop[picked], pauses=(position[p_ticket], p_start, p_end)
    )
    return elapsed


def _siblings(measure: TicketTime, measures: Sequence[Measure]) -> list[TicketTime]:
    """Return the support measures of the agreement whose clocks run like ``measure``'s."""
    out = []
    for other in measures:
        of = other.of if isinstance(other, OnTimeRatio) else other
        if (
            isinstance(of, TicketTime)
            and of.kind == measure.kind
            and of.paused_by == measure.paused_by
            and of.service == measure.service
        ):
            out.append(of)
    return out


def judge_tickets(
    measure: TicketTime,
    table: TicketTable,
    services: tuple[str, ...],
    p0: int,
    p1: int,
    *,
    shared: Shared | None = None,
    measures: Sequence[Measure] = (),
) -> TicketColumns:
    """Judge every ticket of ``table`` opened in ``[p0, p1)`` against ``measure``'s targets.

    ``shared`` is the evaluation's store of shared work: measures judging the
    same tickets over the same span share one pass over the table (services,
    span, clock stops, pauses) and, where they run on the same calendar, one
    business-time computation for all the tickets any of ``measures`` (the
    agreement's measures) judges on it. Without it, nothing is shared.
    """
    store: Shared = {} if shared is None else shared
    n = len(table)
    tid = id(table)
    scope = _memo(
        store,
        ("tickets.scope", tid, services, measure.service, p0, p1),
        table,
        lambda: _scope(table, services, measure.service, p0, p1),
    )
    stops = _memo(
        store,
        ("tickets.stops", tid, measure.kind, p1),
        table,
        lambda: _stops(table, measure.kind, p1),
    )
    group = scope.group
    about, target = _targets(measure, table)
    calendars, calendar = _memo(
        store,
        ("tickets.calendars", tid, measure.clock, measure.coverage),
        table,
        lambda: _calendars(measure, table),
    )
    fate = scope.fate.copy()
    candidate = scope.candidate
    fate[candidate & ~about] = TicketFate.OTHER_PRIORITY
    candidate = candidate & about
    fate[candidate & (target < 0)] = TicketFate.NO_TARGET
    candidate &= target >= 0
    fate[candidate & (calendar < 0)] = TicketFate.NO_CLOCK
    judged = candidate & (calendar >= 0)

    answered, stop = stops.answered, stops.stop
    _check_statuses(measure, table)
    pauses = _memo(
        store,
        ("tickets.pauses", tid, measure.paused_by),
        table,
        lambda: _all_pauses(table, measure.paused_by),
    )
    p_ticket, p_start, p_end = _cut_pauses(table, pauses, judged, stop)
    sharing = len(_siblings(measure, measures)) > 1
    judged_rows = np.flatnonzero(judged)
    judged_calendar = calendar[judged_rows]
    elapsed = np.zeros(n, dtype=np.int64)  # 0 for every ticket not judged
    for c, cal in enumerate(calendars):
        rows = judged_rows[judged_calendar == c]
        if not rows.size:
            continue
        if not sharing:
            mask = np.zeros(n, dtype=bool)
            mask[rows] = True
            elapsed[rows] = _elapsed(table, cal, mask, stop, pauses)[rows]
            continue
        # Every sibling measure on this calendar judges some of the scope's tickets: their
        # business time is computed once, for all of them, and each measure reads its own.
        key = (
            "tickets.elapsed",
            tid,
            services,
            measure.service,
            p0,
            p1,
            measure.kind,
            measure.paused_by,
            cal,
        )
        found = _memo(store, key, table, lambda: _Elapsed(np.zeros(n, np.int64), np.zeros(n, bool)))
        if not bool(found.done[rows].all()):
            wanted = scope.candidate & (calendar == c) & ~found.done
            found.elapsed[wanted] = _elapsed(table, cal, wanted, stop, pauses)[wanted]
            found.done[wanted] = True
        elapsed[rows] = found.elapsed[rows]
    late = elapsed[judged_rows] > target[judged_rows]
    fate[judged_rows] = np.where(
        answered[judged_rows],
        np.where(late, TicketFate.LATE, TicketFate.ON_TIME),
        np.where(late, TicketFate.LATE_UNANSWERED, TicketFate.PENDING),
    )
    return TicketColumns(
        measure=measure,
        table=table,
        services=services,
        p0=p0,
        p1=p1,
        group=group,
        fate=fate,
        target=target,
        elapsed=elapsed,
        stop=stops.stopped,
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
        table if table is not None else _empty_table(measure),
        ctx.services,
        ctx.start,
        ctx.period.end,
        shared=inputs.shared(),
        measures=ctx.agreement.tier.measures(),
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
    needs_due = np.isin(
        fates, [TicketFate.ON_TIME, TicketFate.LATE, TicketFate.LATE_UNANSWERED, TicketFate.PENDING]
    )
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
    notes = _ticket_notes(cols, cols.rows_of(service))
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
