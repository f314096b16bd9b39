"""Support tickets: a validated record, a columnar table, and a JSON Lines reader.

A ticket is opened at an instant, gets a first response and is resolved (both
optional: a ticket may still be open). Its clock may stop while it waits on the
customer: either as explicit pause spans, or derived from its *status
transitions* (each transition starts a status that lasts until the next one).
Its *coverage* names which calendar applies to it (``"24x7"`` or
``"business"``); the measure maps coverage names to calendars.

[`TicketTable`][slakit.TicketTable] holds every ticket as numpy columns and validates all of
them at once: a ticket resolved before it opened, an unknown priority or an
unknown status is listed with its record and field, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Final, cast

import attrs
import numpy as np
import numpy.typing as npt

from slakit._events._columns import (
    Problems,
    check_where,
    echo,
    instants,
    is_blank,
    kept_where,
    names,
    read_columns,
    restore_slots,
    row_names,
)
from slakit._events._lines import file_lines, instant_field, json_objects, text_field
from slakit._events._records import records_of
from slakit._node import DSLRepr
from slakit._time._instant import InstantLike, format_us, from_us, to_us
from slakit._time._timeline import Span
from slakit.exceptions import DefinitionError, Problem

__all__ = [
    "DEFAULT_PRIORITIES",
    "DEFAULT_STATUSES",
    "Ticket",
    "TicketTable",
    "parse_tickets_jsonl",
    "read_tickets_jsonl",
]

#: The priorities a table accepts unless told otherwise.
DEFAULT_PRIORITIES: Final = ("P1", "P2", "P3", "P4", "P5")
#: The statuses a table accepts unless told otherwise.
DEFAULT_STATUSES: Final = (
    "new",
    "open",
    "in_progress",
    "waiting_on_customer",
    "waiting_on_third_party",
    "on_hold",
    "resolved",
    "closed",
)
#: The missing-instant marker in the time columns.
NO_TIME: Final = int(np.iinfo(np.int64).min)

I64 = npt.NDArray[np.int64]


# --- the record --------------------------------------------------------------------------------


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(f"Ticket {name}={value!r} must be a non-empty string")
    return value


def _id(value: object) -> str:
    return _text(value, "id")


def _service(value: object) -> str:
    return _text(value, "service")


def _priority(value: object) -> str:
    return _text(value, "priority")


def _opened(value: InstantLike) -> datetime:
    return from_us(to_us(value, name="opened"))


def _first_response(value: InstantLike | None) -> datetime | None:
    return None if value is None else from_us(to_us(value, name="first_response"))


def _resolved(value: InstantLike | None) -> datetime | None:
    return None if value is None else from_us(to_us(value, name="resolved"))


def _coverage(value: object) -> str | None:
    return None if value is None else _text(value, "coverage")


def _transitions(value: Iterable[object]) -> tuple[tuple[datetime, str], ...]:
    out = []
    for i, item in enumerate(value):
        if not (isinstance(item, tuple | list) and len(item) == 2):
            raise DefinitionError(
                f"Ticket transitions[{i}]={item!r} must be a pair (instant, status), such as "
                "('2026-10-05T10:00:00Z', 'waiting_on_customer')"
            )
        at, status = item
        out.append((from_us(to_us(at, name=f"transitions[{i}] at")), _text(status, "status")))
    return tuple(out)


def _pauses(value: Iterable[Span | tuple[InstantLike, InstantLike]]) -> tuple[Span, ...]:
    return tuple(p if isinstance(p, Span) else Span(*p) for p in value)


@attrs.frozen(repr=False)
class Ticket(DSLRepr):
    """One support ticket: when it was opened, first answered and resolved.

    Attributes:
        id: the ticket's identifier, unique within a table.
        service: the service the ticket is about.
        priority: its priority, such as ``"P1"``.
        opened: when the customer opened it.
        first_response: when the provider first responded (``None``: not yet).
        resolved: when it was resolved (``None``: still open).
        coverage: which support hours the ticket is entitled to, by a name the
            measure maps to a calendar (``"24x7"``, ``"business"``); ``None``
            uses the measure's default clock.
        transitions: ``(instant, status)`` pairs; each status lasts until the
            next transition. Statuses such as ``"waiting_on_customer"`` stop the
            clock of measures that pause on them.
        pauses: explicit spans during which the clock stops.

    Examples:
        >>> Ticket("T-1", "desk", "P1", "2026-10-05T09:00Z", first_response="2026-10-05T09:40Z")
        Ticket('T-1', 'desk', 'P1', '2026-10-05T09:00:00Z', first_response='2026-10-05T09:40:00Z')
    """

    id: str = attrs.field(converter=_id)
    service: str = attrs.field(converter=_service)
    priority: str = attrs.field(converter=_priority)
    opened: datetime = attrs.field(converter=_opened)
    first_response: datetime | None = attrs.field(
        default=None, kw_only=True, converter=_first_response
    )
    resolved: datetime | None = attrs.field(default=None, kw_only=True, converter=_resolved)
    coverage: str | None = attrs.field(default=None, kw_only=True, converter=_coverage)
    transitions: tuple[tuple[datetime, str], ...] = attrs.field(
        default=(), kw_only=True, converter=_transitions
    )
    pauses: tuple[Span, ...] = attrs.field(default=(), kw_only=True, converter=_pauses)

    def __attrs_post_init__(self) -> None:
        for name in ("first_response", "resolved"):
            value = getattr(self, name)
            if value is not None and value < self.opened:
                raise DefinitionError(
                    f"Ticket {self.id!r} {name}={value.isoformat()!r} lies before "
                    f"opened={self.opened.isoformat()!r}; fix the record"
                )

    def __repr__(self) -> str:
        args = [repr(self.id), repr(self.service), repr(self.priority), repr(_iso(self.opened))]
        for name in ("first_response", "resolved"):
            value = getattr(self, name)
            if value is not None:
                args.append(f"{name}={_iso(value)!r}")
        if self.coverage is not None:
            args.append(f"coverage={self.coverage!r}")
        if self.transitions:
            pairs = ", ".join(f"({_iso(at)!r}, {status!r})" for at, status in self.transitions)
            args.append(f"transitions=[{pairs}]")
        if self.pauses:
            args.append(f"pauses=[{', '.join(map(repr, self.pauses))}]")
        return f"Ticket({', '.join(args)})"


def _iso(value: datetime) -> str:
    return format_us(to_us(value))


# --- the table ---------------------------------------------------------------------------------


def _readonly(array: npt.ArrayLike, dtype: type) -> Any:
    out: Any = np.array(array, dtype=dtype, copy=True)
    out.flags.writeable = False
    return out


class TicketTable:
    """Tickets as columns, validated at once.

    Build a table with ``from_columns()`` or ``from_records()``.

    Ticket columns (one row per ticket): ``ids``; ``service`` (codes into
    [`services`][slakit.Report.services]); ``priority`` (codes into ``priorities``, the accepted
    vocabulary); ``opened``, ``first_response`` and ``resolved`` (``int64``
    microseconds UTC, ``NO_TIME`` where missing); ``coverage`` (codes into
    ``coverages``, ``-1`` for none). Status changes: ``change_ticket`` (row
    of the ticket), ``change_at``, ``change_status`` (codes into
    ``statuses``). Pauses: ``pause_ticket``, ``pause_start``, ``pause_end``.
    The table is immutable.
    """

    __slots__ = (
        "_where",
        "change_at",
        "change_status",
        "change_ticket",
        "coverage",
        "coverages",
        "first_response",
        "ids",
        "opened",
        "pause_end",
        "pause_start",
        "pause_ticket",
        "priorities",
        "priority",
        "resolved",
        "service",
        "services",
        "statuses",
    )

    ids: tuple[str, ...]
    service: npt.NDArray[np.int32]
    services: tuple[str, ...]
    priority: npt.NDArray[np.int16]
    priorities: tuple[str, ...]
    opened: I64
    first_response: I64
    resolved: I64
    coverage: npt.NDArray[np.int16]
    coverages: tuple[str, ...]
    change_ticket: I64
    change_at: I64
    change_status: npt.NDArray[np.int16]
    statuses: tuple[str, ...]
    pause_ticket: I64
    pause_start: I64
    pause_end: I64
    _where: Sequence[str] | None

    def __init__(
        self,
        *,
        ids: Sequence[str],
        service: npt.ArrayLike,
        services: Sequence[str],
        priority: npt.ArrayLike,
        priorities: Sequence[str],
        opened: npt.ArrayLike,
        first_response: npt.ArrayLike,
        resolved: npt.ArrayLike,
        coverage: npt.ArrayLike,
        coverages: Sequence[str],
        change_ticket: npt.ArrayLike = (),
        change_at: npt.ArrayLike = (),
        change_status: npt.ArrayLike = (),
        statuses: Sequence[str] = DEFAULT_STATUSES,
        pause_ticket: npt.ArrayLike = (),
        pause_start: npt.ArrayLike = (),
        pause_end: npt.ArrayLike = (),
        where: Sequence[str] | None = None,
    ) -> None:
        put = object.__setattr__
        put(self, "ids", tuple(ids))
        put(self, "service", _readonly(service, np.int32))
        put(self, "services", tuple(services))
        put(self, "priority", _readonly(priority, np.int16))
        put(self, "priorities", tuple(priorities))
        put(self, "opened", _readonly(opened, np.int64))
        put(self, "first_response", _readonly(first_response, np.int64))
        put(self, "resolved", _readonly(resolved, np.int64))
        put(self, "coverage", _readonly(coverage, np.int16))
        put(self, "coverages", tuple(coverages))
        put(self, "change_ticket", _readonly(change_ticket, np.int64))
        put(self, "change_at", _readonly(change_at, np.int64))
        put(self, "change_status", _readonly(change_status, np.int16))
        put(self, "statuses", tuple(statuses))
        put(self, "pause_ticket", _readonly(pause_ticket, np.int64))
        put(self, "pause_start", _readonly(pause_start, np.int64))
        put(self, "pause_end", _readonly(pause_end, np.int64))
        put(self, "_where", kept_where(where))
        n = len(self.ids)
        for name in ("service", "priority", "opened", "first_response", "resolved", "coverage"):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"TicketTable column {name!r} must have {n} rows")
        if not self.change_ticket.shape == self.change_at.shape == self.change_status.shape:
            raise ValueError("TicketTable change columns must have equal lengths")
        if not self.pause_ticket.shape == self.pause_start.shape == self.pause_end.shape:
            raise ValueError("TicketTable pause columns must have equal lengths")
        if self._where is not None and len(self._where) != n:
            raise ValueError(f"TicketTable 'where' must have {n} entries")

    __setstate__ = restore_slots  # pickled (to a Dask worker and back) despite __setattr__

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"TicketTable is immutable; cannot set {name!r}")

    # --- construction ----------------------------------------------------------------------

    @classmethod
    def from_columns(
        cls,
        columns: Mapping[str, Any],
        *,
        transitions: Mapping[str, Any] | None = None,
        pauses: Mapping[str, Any] | None = None,
        priorities: Sequence[str] = DEFAULT_PRIORITIES,
        statuses: Sequence[str] = DEFAULT_STATUSES,
        where: Sequence[str] | None = None,
    ) -> TicketTable:
        """Build a table from columns, validating every row at once (vectorised).

        Args:
            columns: ``id``, ``service``, ``priority``, ``opened``, and optionally
                ``first_response``, ``resolved`` (missing as ``None`` or ``NaT``) and
                ``coverage`` (``None`` or ``""`` for the default clock). Instants are
                integer microseconds UTC, ``datetime64`` values (UTC), pandas or
                polars datetimes with a time zone, aware datetimes or ISO 8601
                strings with an offset (datetimes without a zone are refused).
                Ids may be strings or integers. A pandas or polars data frame
                works as it is, here and for ``transitions`` and ``pauses``.
            transitions: status changes as columns ``ticket`` (the ticket's id),
                ``at`` and ``status``.
            pauses: explicit pauses as columns ``ticket`` (id), ``start``, ``end``.
            priorities: the priorities the data may use.
            statuses: the statuses the data may use.
            where: where each ticket row came from, for errors and evidence.

        Raises:
            EventDataError: listing every invalid row, by row and field.
        """
        read = _read_columns(columns, transitions=transitions, pauses=pauses, where=where)
        return _validate(read, priorities=priorities, statuses=statuses, where=where)

    @classmethod
    def from_records(
        cls,
        records: Iterable[Ticket],
        *,
        priorities: Sequence[str] = DEFAULT_PRIORITIES,
        statuses: Sequence[str] = DEFAULT_STATUSES,
        where: Sequence[str] | None = None,
    ) -> TicketTable:
        """Build a table from [`Ticket`][slakit.Ticket] records, validated at once.

        Raises:
            EventDataError: listing every invalid record (``record 3: priority: ...``).
        """
        read = _read_records(records_of(records, Ticket, "a Ticket"), where)
        return _validate(read, priorities=priorities, statuses=statuses, where=where)

    # --- access ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.ids)

    def where(self, row: int) -> str:
        """Return where ticket row ``row`` came from (``tickets.jsonl:12`` or ``record 12``)."""
        return self._where[row] if self._where is not None else f"record {row}"

    def record(self, row: int) -> Ticket:
        """Return row ``row`` as a [`Ticket`][slakit.Ticket] (for inspection; slow on many rows)."""

        def opt(value: int) -> datetime | None:
            return None if value == NO_TIME else from_us(value)

        c = np.flatnonzero(self.change_ticket == row)
        p = np.flatnonzero(self.pause_ticket == row)
        code = int(self.coverage[row])
        return Ticket(
            self.ids[row],
            self.services[int(self.service[row])],
            self.priorities[int(self.priority[row])],
            from_us(int(self.opened[row])),
            first_response=opt(int(self.first_response[row])),
            resolved=opt(int(self.resolved[row])),
            coverage=None if code < 0 else self.coverages[code],
            transitions=[
                (from_us(int(self.change_at[i])), self.statuses[int(self.change_status[i])])
                for i in c.tolist()
            ],
            pauses=[Span(int(self.pause_start[i]), int(self.pause_end[i])) for i in p.tolist()],
        )

    def __repr__(self) -> str:
        return (
            f"<TicketTable {len(self)} tickets over {len(self.services)} services, "
            f"{len(self.change_at)} status changes, {len(self.pause_start)} pauses>"
        )


# --- validation (vectorised) -------------------------------------------------------------------


@attrs.frozen(eq=False)
class _Raw:
    ids: npt.NDArray[np.str_]
    service: npt.NDArray[np.str_]
    priority: npt.NDArray[np.str_]
    opened: I64
    first_response: I64
    resolved: I64
    coverage: npt.NDArray[np.str_]


@attrs.frozen(eq=False)
class _Links:
    """Rows attached to tickets: status changes (a=at, b=status) or pauses (a=start, b=end)."""

    ticket: I64  # ticket row, -1 when the id is unknown
    a: I64
    b: npt.NDArray[Any]
    where: Callable[[int], tuple[str, str]]

    @classmethod
    def empty(cls) -> _Links:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, lambda i: ("", ""))


@attrs.frozen(eq=False)
class _Read:
    """What a reader took from its input, before validation.

    The tickets, their status changes and pauses, how to name a ticket row, and
    the problems found so far.
    """

    tickets: _Raw
    changes: _Links
    pauses: _Links
    where_of: Callable[[int], str]
    problems: Problems
    check_blank: bool = True


_TICKET_COLUMNS: Final = ("id", "service", "priority", "opened")
_TICKET_OPTIONAL_COLUMNS: Final = ("first_response", "resolved", "coverage")


def _read_columns(
    columns: Mapping[str, Any],
    *,
    transitions: Mapping[str, Any] | None,
    pauses: Mapping[str, Any] | None,
    where: Sequence[str] | None,
) -> _Read:
    """Read tickets given as columns (see ``TicketTable.from_columns()``)."""
    got = read_columns(
        columns, required=_TICKET_COLUMNS, optional=_TICKET_OPTIONAL_COLUMNS, what="ticket"
    )
    n = len(got["id"])
    check_where(where, n)
    where_of = row_names(where)
    problems = Problems()
    times = {
        name: instants(
            got.get(name),
            n,
            where_of=where_of,
            problems=problems,
            required=name == "opened",
        )
        for name in ("opened", "first_response", "resolved")
    }
    found = {
        "ids": names(
            got["id"],
            n,
            where_of=where_of,
            problems=problems,
            integers=True,
            what="id",
            blank="must be a non-empty ticket id",
        ),
        "service": names(
            got["service"],
            n,
            where_of=where_of,
            problems=problems,
            what="service",
            blank="must be a non-empty service name",
        ),
        "priority": names(
            got["priority"],
            n,
            where_of=where_of,
            problems=problems,
            what="priority",
            blank="must be a non-empty priority",
        ),
        "coverage": names(
            got.get("coverage"),
            n,
            where_of=where_of,
            problems=problems,
            default="",
            what="coverage",
        ),
    }
    changes: _Links | None = _Links.empty()
    spans: _Links | None = _Links.empty()
    ids = found["ids"]
    if transitions is not None:
        changes = _linked(transitions, ("ticket", "at", "status"), "transition", ids, problems)
    if pauses is not None:
        spans = _linked(pauses, ("ticket", "start", "end"), "pause", ids, problems)
    if any(v is None for v in (*found.values(), *times.values())) or None in (changes, spans):
        raise problems.error()
    assert ids is not None
    assert changes is not None
    assert spans is not None
    raw = _Raw(
        ids=ids,
        service=_some(found["service"]),
        priority=_some(found["priority"]),
        opened=_some(times["opened"]),
        first_response=_some(times["first_response"]),
        resolved=_some(times["resolved"]),
        coverage=_some(found["coverage"]),
    )
    return _Read(raw, changes, spans, where_of, problems, check_blank=False)


def _some(value: Any) -> Any:
    assert value is not None
    return value


def _linked(
    columns: Mapping[str, Any],
    keys: tuple[str, str, str],
    word: str,
    ids: npt.NDArray[np.str_] | None,
    problems: Problems,
) -> _Links | None:
    """Read status changes (ticket, at, status) or pauses (ticket, start, end) as columns."""
    got = read_columns(columns, required=keys, optional=(), what=f"{word}s")
    m = len(got["ticket"])
    where_of = row_names(None, f"{word} row")
    tickets = names(
        got["ticket"], m, where_of=where_of, problems=problems, integers=True, what="ticket id"
    )
    first = instants(got[keys[1]], m, where_of=where_of, problems=problems, required=True)
    if keys[2] == "status":
        second: Any = names(got["status"], m, where_of=where_of, problems=problems, what="status")
    else:
        second = instants(got[keys[2]], m, where_of=where_of, problems=problems, required=True)
    if tickets is None or first is None or second is None or ids is None:
        return None
    return _Links(
        ticket=_link(ids, tickets, where_of, problems),
        a=first,
        b=second,
        where=lambda i: (f"{word} row {i}", ""),
    )


def _read_records(tickets: Sequence[Ticket], where: Sequence[str] | None) -> _Read:
    """Read [`Ticket`][slakit.Ticket] records (already checked to be tickets)."""
    where_of = row_names(where, "record")

    def opt(value: datetime | None) -> int:
        return NO_TIME if value is None else to_us(value)

    raw = _Raw(
        ids=np.asarray([t.id for t in tickets], dtype=str),
        service=np.asarray([t.service for t in tickets], dtype=str),
        priority=np.asarray([t.priority for t in tickets], dtype=str),
        opened=np.asarray([to_us(t.opened) for t in tickets], dtype=np.int64),
        first_response=np.asarray([opt(t.first_response) for t in tickets], dtype=np.int64),
        resolved=np.asarray([opt(t.resolved) for t in tickets], dtype=np.int64),
        coverage=np.asarray([t.coverage or "" for t in tickets], dtype=str),
    )
    c_ticket = [i for i, t in enumerate(tickets) for _ in t.transitions]
    c_pos = [j for t in tickets for j in range(len(t.transitions))]
    changes = _Links(
        ticket=np.asarray(c_ticket, dtype=np.int64),
        a=np.asarray([to_us(at) for t in tickets for at, _ in t.transitions], dtype=np.int64),
        b=np.asarray([s for t in tickets for _, s in t.transitions], dtype=str),
        where=lambda i: (where_of(c_ticket[i]), f"transitions[{c_pos[i]}]"),
    )
    p_ticket = [i for i, t in enumerate(tickets) for _ in t.pauses]
    p_pos = [j for t in tickets for j in range(len(t.pauses))]
    spans = _Links(
        ticket=np.asarray(p_ticket, dtype=np.int64),
        a=np.asarray([p.start for t in tickets for p in t.pauses], dtype=np.int64),
        b=np.asarray([p.end for t in tickets for p in t.pauses], dtype=np.int64),
        where=lambda i: (where_of(p_ticket[i]), f"pauses[{p_pos[i]}]"),
    )
    return _Read(raw, changes, spans, where_of, Problems())


def _link(
    ids: npt.NDArray[np.str_],
    keys: npt.NDArray[np.str_],
    where_of: Callable[[int], str],
    problems: Problems,
) -> I64:
    """Return the ticket row of each linked id (``-1`` and a problem where unknown)."""
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    pos = np.searchsorted(sorted_ids, keys)
    safe = np.minimum(pos, max(len(ids) - 1, 0))
    found = (pos < len(ids)) & (sorted_ids[safe] == keys) if len(ids) else np.zeros(len(keys), bool)
    problems.extend(
        Problem(where_of(i), "ticket", f"{echo(str(keys[i]))} is not the id of any ticket")
        for i in problems.rows(~found)
    )
    return np.asarray(np.where(found, order[safe] if len(ids) else -1, -1), dtype=np.int64)


def _codes(values: npt.NDArray[np.str_], vocabulary: Sequence[str]) -> npt.NDArray[np.int16]:
    """Return each value's index in ``vocabulary``, ``-1`` where it is not in it."""
    codes = np.full(values.shape[0], -1, dtype=np.int16)
    for code, name in enumerate(vocabulary):
        codes[values == name] = code
    return codes


def _check_vocabulary(values: Sequence[object], what: str) -> tuple[str, ...]:
    out = tuple(str(v) if isinstance(v, str) else "" for v in values)
    if not out or any(not v.strip() for v in out):
        raise DefinitionError(f"{what}={values!r} must be a non-empty list of names")
    if len(set(out)) != len(out):
        raise DefinitionError(f"{what}={values!r} names a value twice")
    return out


def _validate(
    read: _Read, *, priorities: Sequence[str], statuses: Sequence[str], where: Sequence[str] | None
) -> TicketTable:
    raw, changes, spans = read.tickets, read.changes, read.pauses
    where_of, problems = read.where_of, read.problems
    priorities = _check_vocabulary(priorities, "priorities")
    statuses = _check_vocabulary(statuses, "statuses")
    n = raw.ids.shape[0]
    if read.check_blank:
        problems.extend(
            Problem(where_of(i), "id", "must be a non-empty ticket id")
            for i in problems.rows(is_blank(raw.ids))
        )
    if n:
        _, first, inverse = np.unique(raw.ids, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        dup = first[inverse] != np.arange(n)
        problems.extend(
            Problem(
                where_of(i),
                "id",
                f"{str(raw.ids[i])!r} is also the id of {where_of(int(first[inverse[i]]))}",
            )
            for i in problems.rows(dup & (raw.ids != ""))
        )
    if read.check_blank:
        problems.extend(
            Problem(where_of(i), "service", "must be a non-empty service name")
            for i in problems.rows(is_blank(raw.service))
        )
    priority = _codes(raw.priority, priorities)
    problems.extend(
        Problem(
            where_of(i),
            "priority",
            f"{str(raw.priority[i])!r} is not one of {', '.join(priorities)}; pass "
            "priorities=[...] to accept other names",
        )
        for i in problems.rows((priority < 0) & (raw.priority != ""))  # "" is reported
    )
    has_open = raw.opened != NO_TIME
    for name in ("first_response", "resolved"):
        column = getattr(raw, name)
        bad = has_open & (column != NO_TIME) & (column < raw.opened)
        problems.extend(
            Problem(
                where_of(i),
                name,
                f"{format_us(int(column[i]))} lies before the ticket was opened at "
                f"{format_us(int(raw.opened[i]))}",
            )
            for i in problems.rows(bad)
        )
    status = _codes(changes.b.astype(str), statuses)
    for i in problems.rows(status < 0):
        here, field = changes.where(i)
        problems.append(
            Problem(
                here,
                f"{field}.status" if field else "status",
                f"{str(changes.b[i])!r} is not one of {', '.join(statuses)}; pass "
                "statuses=[...] to accept other names",
            )
        )
    linked = changes.ticket >= 0
    opened_of = np.where(linked, raw.opened[np.maximum(changes.ticket, 0)], NO_TIME)
    for i in problems.rows(linked & (changes.a != NO_TIME) & (changes.a < opened_of)):
        here, field = changes.where(i)
        problems.append(
            Problem(
                here,
                f"{field}.at" if field else "at",
                f"{format_us(int(changes.a[i]))} lies before the ticket was opened at "
                f"{format_us(int(opened_of[i]))}",
            )
        )
    pause_end = spans.b.astype(np.int64)
    for i in problems.rows((spans.a != NO_TIME) & (pause_end != NO_TIME) & (pause_end <= spans.a)):
        here, field = spans.where(i)
        problems.append(
            Problem(
                here,
                f"{field}.end" if field else "end",
                f"{format_us(int(pause_end[i]))} is not after the pause's start "
                f"{format_us(int(spans.a[i]))}",
            )
        )
    if problems or problems.omitted:
        raise problems.error()
    service_names, service = np.unique(raw.service, return_inverse=True)
    has_coverage = raw.coverage != ""
    coverage_names = np.unique(raw.coverage[has_coverage])
    coverage = np.full(n, -1, dtype=np.int16)
    coverage[has_coverage] = np.searchsorted(coverage_names, raw.coverage[has_coverage])
    return TicketTable(
        ids=[str(x) for x in raw.ids.tolist()],
        service=service.astype(np.int32).ravel(),
        services=[str(s) for s in service_names.tolist()],
        priority=priority,
        priorities=priorities,
        opened=raw.opened,
        first_response=raw.first_response,
        resolved=raw.resolved,
        coverage=coverage,
        coverages=[str(c) for c in coverage_names.tolist()],
        change_ticket=changes.ticket,
        change_at=changes.a,
        change_status=status,
        statuses=statuses,
        pause_ticket=spans.ticket,
        pause_start=spans.a,
        pause_end=pause_end,
        where=where,
    )


# --- JSON Lines --------------------------------------------------------------------------------

_TICKET_FIELDS: Final = ("id", "service", "priority", "opened")
_TICKET_OPTIONAL: Final = (
    "first_response",
    "resolved",
    "coverage",
    "transitions",
    "pauses",
    "note",
)


def read_tickets_jsonl(
    path: str | Path,
    *,
    priorities: Sequence[str] = DEFAULT_PRIORITIES,
    statuses: Sequence[str] = DEFAULT_STATUSES,
) -> TicketTable:
    """Read a tickets file in JSON Lines form into a [`TicketTable`][slakit.TicketTable].

    Each non-blank line is one ticket, for example::

        {"id": "T-1", "service": "desk", "priority": "P1", "opened": "2026-10-05T09:00:00Z",
         "first_response": "2026-10-05T09:40:00Z", "resolved": "2026-10-06T12:00:00Z",
         "coverage": "24x7",
         "transitions": [{"at": "2026-10-05T10:00:00Z", "status": "waiting_on_customer"},
                         {"at": "2026-10-05T15:00:00Z", "status": "open"}],
         "pauses": [{"start": "2026-10-06T08:00:00Z", "end": "2026-10-06T09:00:00Z"}]}

    Required: ``id``, ``service``, ``priority``, ``opened``. Optional:
    ``first_response``, ``resolved``, ``coverage``, ``transitions``, ``pauses``
    and ``note``; any other field is an error (most likely a typo).

    Lines are checked as [`read_jsonl()`][slakit.io.read_jsonl] checks them:
    UTF-8, nesting, keys given twice and the length of numbers.

    Raises:
        EventDataError: listing the bad lines, as ``read_jsonl()`` lists them.
        FileNotFoundError: the file does not exist.
    """
    return parse_tickets_jsonl(
        file_lines(path), source=str(path), priorities=priorities, statuses=statuses
    )


def parse_tickets_jsonl(
    lines: Iterable[str | bytes],
    *,
    source: str = "<tickets>",
    priorities: Sequence[str] = DEFAULT_PRIORITIES,
    statuses: Sequence[str] = DEFAULT_STATUSES,
) -> TicketTable:
    """Parse JSON Lines text into a ``TicketTable`` (see ``read_tickets_jsonl()``)."""
    problems = Problems()
    rows: list[tuple[str, str, str, int, int, int, str]] = []
    where: list[str] = []
    changes: list[tuple[int, int, str, int]] = []
    pauses: list[tuple[int, int, int, int]] = []
    for here, obj in json_objects(lines, source=source, problems=problems):
        parsed = _parse_ticket(obj, here, problems)
        if parsed is None:
            continue
        row, line_changes, line_pauses = parsed
        index = len(rows)
        rows.append(row)
        where.append(here)
        changes.extend((index, at, status, k) for k, (at, status) in enumerate(line_changes))
        pauses.extend((index, s, e, k) for k, (s, e) in enumerate(line_pauses))
    raw = _Raw(
        ids=np.asarray([r[0] for r in rows], dtype=str),
        service=np.asarray([r[1] for r in rows], dtype=str),
        priority=np.asarray([r[2] for r in rows], dtype=str),
        opened=np.asarray([r[3] for r in rows], dtype=np.int64),
        first_response=np.asarray([r[4] for r in rows], dtype=np.int64),
        resolved=np.asarray([r[5] for r in rows], dtype=np.int64),
        coverage=np.asarray([r[6] for r in rows], dtype=str),
    )
    links = _Links(
        ticket=np.asarray([c[0] for c in changes], dtype=np.int64),
        a=np.asarray([c[1] for c in changes], dtype=np.int64),
        b=np.asarray([c[2] for c in changes], dtype=str),
        where=lambda i: (where[changes[i][0]], f"transitions[{changes[i][3]}]"),
    )
    spans = _Links(
        ticket=np.asarray([p[0] for p in pauses], dtype=np.int64),
        a=np.asarray([p[1] for p in pauses], dtype=np.int64),
        b=np.asarray([p[2] for p in pauses], dtype=np.int64),
        where=lambda i: (where[pauses[i][0]], f"pauses[{pauses[i][3]}]"),
    )
    read = _Read(raw, links, spans, lambda i: where[i], problems)
    return _validate(read, priorities=priorities, statuses=statuses, where=where)


def _parse_ticket(
    obj: dict[str, Any], here: str, problems: list[Problem]
) -> (
    tuple[
        tuple[str, str, str, int, int, int, str],
        list[tuple[int, str]],
        list[tuple[int, int]],
    ]
    | None
):
    before = len(problems)
    problems.extend(
        Problem(here, name, f"missing; a ticket needs {', '.join(_TICKET_FIELDS)}")
        for name in _TICKET_FIELDS
        if name not in obj
    )
    problems.extend(
        Problem(
            here,
            name,
            f"unknown field for a ticket; expected {', '.join(_TICKET_FIELDS + _TICKET_OPTIONAL)}",
        )
        for name in obj
        if name not in _TICKET_FIELDS and name not in _TICKET_OPTIONAL
    )
    text: dict[str, str] = {}
    for name in ("id", "service", "priority", "coverage"):
        if name in obj and not (name == "coverage" and obj[name] is None):
            found = text_field(obj[name], here, name, problems)
            if found is not None:
                text[name] = found
    if "note" in obj and not isinstance(obj["note"], str):
        problems.append(Problem(here, "note", f"{echo(obj['note'])} must be a string"))
    times: dict[str, int] = {}
    for name in ("opened", "first_response", "resolved"):
        # opened is required: null is a problem; a null response or resolution is missing
        if name in obj and (name == "opened" or obj[name] is not None):
            value = instant_field(obj[name], here, name, problems)
            if value is not None:
                times[name] = value
    changes = _parse_list(obj.get("transitions"), here, "transitions", ("at", "status"), problems)
    spans = _parse_list(obj.get("pauses"), here, "pauses", ("start", "end"), problems)
    if len(problems) > before:
        return None
    row = (
        text["id"],
        text["service"],
        text["priority"],
        times["opened"],
        times.get("first_response", NO_TIME),
        times.get("resolved", NO_TIME),
        text.get("coverage", ""),
    )
    return (
        row,
        [(cast("int", a), cast("str", b)) for a, b in changes],
        [(cast("int", a), cast("int", b)) for a, b in spans],
    )


def _parse_list(
    value: object, here: str, name: str, keys: tuple[str, str], problems: list[Problem]
) -> list[tuple[int | str, int | str]]:
    """Parse a list of objects with two keys: instants, and a status for ``transitions``."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(here, name, f"must be a list of objects with {', '.join(keys)}"))
        return []
    out: list[tuple[int | str, int | str]] = []
    for k, item in enumerate(value):
        field = f"{name}[{k}]"
        if not isinstance(item, dict) or set(item) != set(keys) or len(item) != 2:
            problems.append(
                Problem(here, field, f"must be an object with exactly {', '.join(keys)}")
            )
            continue
        first = instant_field(item[keys[0]], here, f"{field}.{keys[0]}", problems)
        if keys[1] == "status":
            status = item["status"]
            if not isinstance(status, str):
                problems.append(
                    Problem(here, f"{field}.status", f"{echo(status)} must be a string")
                )
                continue
            if first is not None:
                out.append((first, status))
        else:
            second = instant_field(item[keys[1]], here, f"{field}.{keys[1]}", problems)
            if first is not None and second is not None:
                out.append((first, second))
    return out
