"""The canonical order of evidence rows: a total key of each row's facts, never its position.

Two parties who hold the same rows in a different order must get the same
report, byte for byte, so every list of rows that evidence prints (the events
of a measure, the tickets of a service, the requests not counted, the input no
measure counted) is ordered here by what the rows say: time first, then
service, then the id where a kind has one, then every other field, and last
what the measure made of the row (its status, the time it counted), so rows
equal in every fact that a report prints sort as one.

Each kind of table has its key columns, read as arrays; one ``lexsort()``
orders any subset of rows (as ``np.lexsort`` would, sorting the leading keys
as one and the rest only where rows tie on them). Coded columns (service, state, priority ...) are
ranked by the names their codes index, so the key never depends on how a
table happened to number its names.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Sequence
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt

from slakit._events._claims import ClaimTable
from slakit._events._probes import ProbeTable
from slakit._events._requests import RequestTable
from slakit._events._table import EventTable
from slakit._events._tickets import TicketTable

__all__ = ["canonical", "lexsort", "row_facts"]

I64 = npt.NDArray[np.int64]
Keys = Callable[[Any, I64], list[npt.NDArray[Any]]]


def _ranked(codes: npt.NDArray[Any], names: Sequence[object], rows: I64) -> I64:
    """Return each of ``rows``' code as the rank of the name it indexes (``-1``: none).

    Names already in order (a table's sorted vocabulary) are their own ranks.
    """
    if not len(names) or _in_order(names):
        return np.asarray(codes[rows], dtype=np.int64)
    by_name = np.argsort(np.asarray([repr(n) if not isinstance(n, str) else n for n in names]))
    rank = np.empty(len(names) + 1, dtype=np.int64)
    rank[by_name] = np.arange(len(names))
    rank[-1] = -1  # code -1 (no coverage, ...) indexes the last slot: sorts first
    return rank[np.asarray(codes[rows], dtype=np.int64)]


def _in_order(names: Sequence[object]) -> bool:
    """Return whether ``names`` are strings in strictly ascending order (one pass, no sort)."""
    if set(map(type, names)) != {str}:
        return False
    strings = cast("Sequence[str]", names)
    return all(map(operator.lt, strings, itertools.islice(strings, 1, None)))


def _text_rank(values: Any, rows: I64 | None) -> I64:
    """Return the rank of each of ``rows``' value among those rows' values (``None``: all)."""
    picked = list(values) if rows is None else [values[r] for r in rows.tolist()]
    chosen = np.asarray([str(v) for v in picked], dtype=str)
    if not chosen.size:
        return np.zeros(0, dtype=np.int64)
    inverse: I64 = np.unique(chosen, return_inverse=True)[1].reshape(-1).astype(np.int64)
    return inverse


def _event_keys(table: EventTable, rows: I64) -> list[npt.NDArray[Any]]:
    return [
        table.start[rows],
        _ranked(table.service, table.services, rows),
        table.end[rows],
        table.kind[rows],
        table.announced[rows],
        _ranked(table.state, table.states, rows),
        # shares are exact decimals: rank them by value, not by text
        _ranked_levels(table, rows),
    ]


def _ranked_levels(table: EventTable, rows: I64) -> I64:
    levels = table.affected_levels
    order = sorted(range(len(levels)), key=lambda i: levels[i])  # a handful of levels
    rank = np.empty(len(levels), dtype=np.int64)
    rank[order] = np.arange(len(levels))
    return rank[table.affected[rows].astype(np.int64)]


def _request_keys(table: RequestTable, rows: I64) -> list[npt.NDArray[Any]]:
    return [
        table.time[rows],
        _ranked(table.service, table.services, rows),
        table.latency[rows],
        table.status[rows],
        table.outcome[rows],
    ]


def _probe_keys(table: ProbeTable, rows: I64) -> list[npt.NDArray[Any]]:
    return [
        table.time[rows],
        _ranked(table.service, table.services, rows),
        _ranked(table.metric, table.metrics, rows),
        table.value[rows],
    ]


def _ticket_keys(table: TicketTable, rows: I64) -> list[npt.NDArray[Any]]:
    # ids are unique within a table, so the key is total at ``id``; the rest
    # keeps it total for tables built by hand.
    return [
        table.opened[rows],
        _ranked(table.service, table.services, rows),
        _text_rank(table.ids, rows),
        _ranked(table.priority, table.priorities, rows),
        table.first_response[rows],
        table.resolved[rows],
        _ranked(table.coverage, table.coverages, rows),
    ]


def _claim_keys(table: ClaimTable, rows: I64) -> list[npt.NDArray[Any]]:
    return [
        table.filed[rows],
        _text_rank(table.service, rows),
        _text_rank(table.period, rows),
        _text_rank(["" if t is None else f"#{t}" for t in table.ticket[rows].tolist()], None),
        _text_rank(table.state, rows),
        _text_rank(["" if r is None else f"#{r}" for r in table.reason[rows].tolist()], None),
    ]


#: Key columns of each kind of table, most significant first.
_KEYS: Final[dict[type, Keys]] = {
    ClaimTable: _claim_keys,
    EventTable: _event_keys,
    ProbeTable: _probe_keys,
    RequestTable: _request_keys,
    TicketTable: _ticket_keys,
}


def _records_keys(table: Any, rows: I64) -> list[npt.NDArray[Any]]:
    """Key tables of records (claims, billing records) by each record's DSL call."""
    records = getattr(table, "records", None)
    if records is None:
        return []
    return [_text_rank(_Reprs(records), rows)]


class _Reprs:
    """The DSL calls of a sequence of records, made only for the rows asked for."""

    def __init__(self, records: Sequence[object]) -> None:
        self.records = records

    def __getitem__(self, row: int) -> str:
        return repr(self.records[row])


def _span(values: npt.NDArray[Any]) -> int:
    """Return how many values lie from the least of ``values`` to the greatest."""
    return int(values.max()) - int(values.min()) + 1


def _leading(keys: Sequence[npt.NDArray[Any]]) -> tuple[I64, list[npt.NDArray[Any]]]:
    """Return one ``int64`` key ordered as the leading keys are, and the keys after those.

    The first two keys are packed into one when they fit (the second by its
    rank among its values when its own values would not), else the first is alone.
    """
    first = np.asarray(keys[0], dtype=np.int64)
    if len(keys) < 2:
        return first, []
    second = np.asarray(keys[1], dtype=np.int64)
    room = 2**62 // _span(first)
    if _span(second) > room:
        if second.shape[0] > room:
            return first, list(keys[1:])
        second = np.unique(second, return_inverse=True)[1].reshape(-1).astype(np.int64)
    low = int(second.min())
    return (first - int(first.min())) * _span(second) + (second - low), list(keys[2:])


def lexsort(keys: Sequence[npt.NDArray[Any]]) -> I64:
    """Return the order ``np.lexsort`` gives integer ``keys`` (most significant first).

    The leading keys are sorted as one (see ``_leading``), and only the runs
    of rows that tie on them are sorted by the rest, then by position: the
    order ``np.lexsort`` gives, ties in input order, at the cost of about one
    sort where the leading keys tell rows apart (an event's start and service do).
    """
    n = keys[0].shape[0]
    if n < 2:
        return np.arange(n, dtype=np.int64)
    lead, rest = _leading(keys)
    order = np.argsort(lead).astype(np.int64)
    ordered = lead[order]
    tie = ordered[1:] == ordered[:-1]
    if not bool(tie.any()):
        return order
    in_run = np.zeros(n, dtype=bool)
    in_run[1:] = tie
    in_run[:-1] |= tie
    at = np.flatnonzero(in_run)
    run = np.cumsum(np.concatenate(([True], ~tie)))[at]  # which run of ties each row is in
    tied = order[at]
    inner = np.lexsort((tied, *(np.asarray(k)[tied] for k in reversed(rest)), run))
    order[at] = tied[inner]
    return order


def canonical(
    table: Any,
    rows: I64 | None = None,
    *,
    then: Sequence[npt.NDArray[Any]] = (),
    by: npt.NDArray[Any] | None = None,
) -> I64:
    """Return ``rows`` of ``table`` (default: every row) in the canonical order of their facts.

    ``then`` are per-row columns of the whole table (a status code, the time a
    row counted) that break ties between rows equal in every fact, so rows a
    measure treated differently still come out in one order. ``by``, a per-row
    column of the whole table (a service code), leads the key: the rows come
    grouped by it, ascending, each group in canonical order.
    """
    chosen = np.arange(len(table), dtype=np.int64) if rows is None else np.asarray(rows, np.int64)
    if chosen.size < 2:
        return chosen
    kind = next((_KEYS[t] for t in type(table).__mro__ if t in _KEYS), _records_keys)
    keys = kind(table, chosen)
    keys = [*keys, *(np.asarray(column)[chosen] for column in then)]
    if by is not None:
        keys = [np.asarray(by)[chosen], *keys]
    if not keys:
        return chosen
    return chosen[lexsort(keys)]


def row_facts(table: Any, row: int) -> str:
    """Return what row ``row`` of ``table`` says, as the DSL call of its record."""
    record = getattr(table, "record", None)
    if callable(record):
        return repr(record(row))
    records = getattr(table, "records", None)
    if records is not None:
        return repr(records[row])
    return ""
