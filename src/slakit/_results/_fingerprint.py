"""The fingerprint of an evaluation: SHA-256 over the agreement, the period and every input row.

Two parties who hold the same agreement, period and input rows get the same
fingerprint, whatever order the rows came in, whatever format they were read
from (CSV, JSON Lines, Parquet, a data frame) and however a table stored its
strings (names, integer codes, categoricals). Where a row came from
(``file:line``) does not enter it. ``Report.fingerprint`` is this module's
``fingerprint()`` of the report's agreement, its period and the tables given to
the evaluation.

The canonical form, ``slakit-fingerprint/1``
--------------------------------------------

A contract: any change to what is written below is a new version (``/2``),
never an edit of this one. Notation:

- ``u64(n)``: ``n`` as 8 bytes, unsigned, little-endian; ``i64(n)`` the same,
  two's complement.
- ``str(s)``: ``u64(len(b)) b``, where ``b`` is ``s`` in UTF-8 (a lone
  surrogate, which JSON text can hold, as its three-byte form).
- ``H(x)``: the 32-byte SHA-256 digest of the bytes ``x``.
- ``NULL``: ``-2**63``, the value written for a missing cell; no valid value
  of any column takes it (instants lie in 1970..9999, ranks, latencies and
  statuses are not negative).

The fingerprint is ``"sha256:"`` and the lower-case hexadecimal of::

    H( str("slakit-fingerprint/1")
       str(agreement)
       str(period.label) str(period.tz) i64(period.start) i64(period.end)
       u64(k)  then, per input kind in ascending order of its name:  str(name) H(kind) )

where ``agreement`` is the data form (``slakit.to_data()``, which carries its
own format number under ``"slakit"``) of the terms evaluated over the period: the
agreement itself; for an agreement with amendments, the one version in force
over the whole period (``version.agreement``, an agreement without amendments,
which is what ``evaluate()`` reads and ``Report.agreement`` holds), or, when
amendments split the period, the agreement with all its amendments (what
``evaluate_versions()`` reads). It is written as JSON by
``json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``
(keys sorted by code point, no whitespace; the data holds only objects,
arrays, strings, integers, booleans and null); ``period.start`` and
``period.end`` are microseconds since the epoch, UTC; ``k`` is the number of
kinds written. A kind is written when any of its sections holds a row: an
empty table and no table evaluate alike, so they fingerprint alike.

Each kind (one per table given to the evaluation) is a fixed list of
sections; ``H(kind)`` is::

    H( u64(sections)  then, per section in the order below:
         str(section) u64(rows) u64(columns)
         then, per column in the order below:
           str(column) str(type)
           [text only: u64(m) u64(len(b_1)) ... u64(len(b_m)) b_1 ... b_m]
           v_1 ... v_rows   (each value an i64) )

A column's ``type`` is ``"integer"`` (instants in microseconds since the
epoch, UTC; counts; codes) or ``"text"``. A text column's vocabulary is the
distinct values its rows hold (missing cells aside), sorted by code point
(the order of their UTF-8 bytes); ``b_j`` is the UTF-8 of the ``j``-th, and
each row's value is its text's position in the vocabulary, from 0. Decimals
(shares, amounts) are text: the value normalised, in plain notation, without
trailing zeros (``"0.5"``, ``"1250.4"``, ``"100"``, ``"0"``). Enumerations
(an event's kind, a request's outcome) are text: their names.

The rows of a section are sorted ascending by their values, compared column
by column in the order below (``NULL`` first); so the order the rows came in
never matters, and rows equal in every column are interchangeable. The
sections, in order, and their columns, in order:

- ``events`` (an ``EventTable``): section ``events``: ``start``, ``service``
  (text), ``end``, ``kind`` (text: ``outage``, ``maintenance``,
  ``deployment``), ``announced`` (``NULL`` but for maintenance), ``state``
  (text), ``affected`` (text: the share, ``"1"`` for the whole service).
- ``requests`` (a ``RequestTable``): section ``requests``: ``time``,
  ``service`` (text), ``status`` (``NULL`` where only a success flag was
  given), ``outcome`` (text: ``success``, ``client error``, ``server error``),
  ``latency`` (microseconds; ``NULL`` where not recorded).
- ``tickets`` (a ``TicketTable``): section ``tickets``: ``id`` (text),
  ``service`` (text), ``priority`` (text), ``opened``, ``first_response``,
  ``resolved`` (``NULL`` where missing), ``coverage`` (text; ``NULL`` for
  the default clock); section ``transitions``: ``ticket`` (text: the
  ticket's id), ``at``, ``status`` (text); section ``pauses``: ``ticket``
  (text: the id), ``start``, ``end``.
- ``claims`` (a ``ClaimTable``): section ``claims``: ``filed``, ``service``
  (text), ``period`` (text), ``ticket`` (text; ``NULL`` for none), ``state``
  (text: ``filed``, ``accepted``, ``disputed``, ``rejected``), ``reason``
  (text; ``NULL`` for none); section ``as_of``: one row, ``as_of`` (the
  instant the table was read at), or no row for a final table.
- ``billing`` (a ``ChargeTable``): section ``charges``: ``service``,
  ``period``, ``kind``, ``currency``, ``amount`` (all text); section
  ``unit_prices``: ``service``, ``unit``, ``period`` (``NULL`` for every
  period), ``currency``, ``price`` (all text).

Left out, on purpose: where each row came from, the order of rows and of
tables, how a table numbered its names, and names a table's vocabulary holds
that no row uses.

The work is columnar: a text column is ranked once per distinct value and
every column is sorted and hashed as an array, with no Python step per row
(ticket ids, being one per row, are the exception: each is encoded once).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from slakit._dsl._agreement import Agreement
from slakit._events._billing import Charge, ChargeTable, UnitPrice
from slakit._events._claims import ClaimTable
from slakit._events._requests import NO_LATENCY, NO_STATUS, OUTCOMES, RequestTable
from slakit._events._table import EventTable
from slakit._events._tickets import TicketTable
from slakit._time._periods import Period
from slakit.exceptions import EvaluationError

__all__ = ["FORMAT", "NULL", "PREFIX", "fingerprint", "input_digests"]

#: The name and version of the canonical form; hashed first, so versions never collide.
FORMAT: Final = "slakit-fingerprint/1"
#: What every fingerprint starts with: the hash function.
PREFIX: Final = "sha256:"
#: The value of a missing cell.
NULL: Final = int(np.iinfo(np.int64).min)
#: ``None`` as a numpy value, to find the missing cells of an object column in C.
_NONE: Final = np.array(None, dtype=object)

I64 = npt.NDArray[np.int64]
Rows = npt.NDArray[np.intp]


def fingerprint(
    agreement: Agreement,
    period: Period | str,
    tables: Iterable[object] | Mapping[Any, object],
) -> str:
    """Return the fingerprint of an evaluation: ``"sha256:"`` and 64 hexadecimal digits.

    The canonical form hashed is ``slakit-fingerprint/1``, described at the top
    of this module: the agreement's data, the period, and every row of every
    table in ``tables``, independent of the rows' order and format.

    Args:
        agreement: the agreement evaluated. With amendments, the version in force
            over the whole period is hashed (as ``evaluate()`` evaluates it), or
            the whole agreement when amendments split the period.
        period: the period, or its label in the agreement's periods.
        tables: the input tables (``EventTable``, ``RequestTable``,
            ``TicketTable``, ``ClaimTable``, ``ChargeTable``), or a mapping
            whose values they are (the ``tables`` of an evaluation's inputs).

    Raises:
        EvaluationError: a table of an unknown kind, or two tables of one kind.
    """
    resolved = agreement.period.resolve(period) if isinstance(period, str) else period
    digests = _kind_digests(tables)
    h = hashlib.sha256()
    h.update(_text(FORMAT))
    h.update(_text(_agreement_json(_terms(agreement, resolved))))
    h.update(_text(resolved.label))
    h.update(_text(resolved.tz))
    h.update(np.asarray([resolved.start, resolved.end], dtype="<i8").tobytes())
    h.update(_u64(len(digests)))
    for name in sorted(digests):
        h.update(_text(name))
        h.update(digests[name])
    return PREFIX + h.hexdigest()


def input_digests(tables: Iterable[object] | Mapping[Any, object]) -> dict[str, str]:
    """Return, by kind (``"events"``, ``"requests"`` ...), the digest ``H(kind)`` of its rows.

    What ``fingerprint()`` combines: two parties whose fingerprints differ can
    compare these to see which input differs. Kinds without rows are left out,
    as the fingerprint leaves them out.

    Raises:
        EvaluationError: a table of an unknown kind, or two tables of one kind.
    """
    return {name: PREFIX + digest.hex() for name, digest in sorted(_kind_digests(tables).items())}


# --- the parts --------------------------------------------------------------------------------


def _terms(agreement: Agreement, period: Period) -> Agreement:
    """Return the terms evaluated over ``period``: the one version in force, or all of them."""
    if not agreement.amendments:
        return agreement
    overlapping = [
        v
        for v in agreement.versions()
        if (v.start is None or v.start < period.end) and (v.end is None or v.end > period.start)
    ]
    return overlapping[0].agreement if len(overlapping) == 1 else agreement


def _agreement_json(agreement: Agreement) -> str:
    """Return the agreement's data form as canonical JSON text."""
    from slakit._data._codec import to_data

    return json.dumps(to_data(agreement), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _kind_digests(tables: Iterable[object] | Mapping[Any, object]) -> dict[str, bytes]:
    """Return ``H(kind)`` of every kind that holds a row, by kind name."""
    given = tables.values() if isinstance(tables, Mapping) else tables
    out: dict[str, bytes] = {}
    seen: set[str] = set()
    for table in given:
        found = next((_KINDS[t] for t in type(table).__mro__ if t in _KINDS), None)
        if found is None:
            raise EvaluationError(
                f"cannot fingerprint {type(table).__name__} {table!r:.60}; the kinds of input "
                f"are {', '.join(sorted(t.__name__ for t in _KINDS))}"
            )
        name, sections_of = found
        if name in seen:
            raise EvaluationError(
                f"two {type(table).__name__} inputs were given; concatenate them into one first"
            )
        seen.add(name)
        sections = sections_of(table)
        if any(rows for _, rows, _ in sections):
            out[name] = _digest(sections)
    return out


def _digest(sections: list[Section]) -> bytes:
    """Return ``H(kind)`` of a kind's sections (see the module's docstring)."""
    h = hashlib.sha256()
    h.update(_u64(len(sections)))
    for name, rows, columns in sections:
        h.update(_text(name))
        h.update(np.asarray([rows, len(columns)], dtype="<u8").tobytes())
        order, leading = _sorted(columns) if rows > 1 else (None, [])
        for k, column in enumerate(columns):
            h.update(_text(column.name))
            h.update(_text("integer" if column.vocabulary is None else "text"))
            if column.vocabulary is not None:
                h.update(_vocabulary(column.vocabulary))
            values = leading[k] if k < len(leading) else column.at(order)
            h.update(np.ascontiguousarray(values, dtype="<i8").data)
    return h.digest()


def _u64(n: int) -> bytes:
    return n.to_bytes(8, "little")


def _text(text: str) -> bytes:
    data = text.encode("utf-8", "surrogatepass")
    return _u64(len(data)) + data


def _vocabulary(names: list[str]) -> bytes:
    """Return ``u64(m)``, each name's UTF-8 length, and the names' UTF-8, one after another."""
    encoded = [name.encode("utf-8", "surrogatepass") for name in names]
    lengths = np.fromiter(map(len, encoded), dtype="<u8", count=len(encoded))
    return _u64(len(encoded)) + lengths.tobytes() + b"".join(encoded)


# --- columns ----------------------------------------------------------------------------------


class Column:
    """One column of a section as the table holds it, and how to read it in the canonical form.

    ``raw`` is the table's own array (codes of any integer width, or values);
    ``lut`` maps a code to its rank (its last slot, which code ``-1`` reads, is
    ``NULL``); ``marker`` is the table's value for a missing cell, written
    ``NULL``. Rows are picked from ``raw`` before either applies, so a sort
    gathers the narrow codes, not ``int64`` ranks.
    """

    __slots__ = ("lut", "marker", "name", "raw", "vocabulary")

    def __init__(
        self,
        name: str,
        raw: npt.NDArray[Any],
        *,
        vocabulary: list[str] | None = None,
        lut: I64 | None = None,
        marker: int | None = None,
    ) -> None:
        self.name = name
        self.raw = raw
        self.vocabulary = vocabulary
        self.lut = lut
        self.marker = marker

    def at(self, rows: Rows | None) -> I64:
        """Return the canonical values of ``rows`` (every row when ``None``), in their order."""
        raw = self.raw if rows is None else self.raw[rows]
        if self.lut is not None:
            ranks: I64 = self.lut[raw]
            return ranks
        out = np.asarray(raw, dtype=np.int64)
        if self.marker is not None and self.marker != NULL:
            out = np.where(out == self.marker, NULL, out)
        return out


#: A section: its name, its number of rows and its columns, in order.
Section = tuple[str, int, list[Column]]


def _coded(name: str, codes: npt.NDArray[Any], names: Sequence[object]) -> Column:
    """Return a column of codes into ``names`` (``-1``: missing), ranked by the names' texts.

    The vocabulary is the texts of the names some row uses, sorted; the work is
    per name, and one lookup per row when the rows are read.
    """
    missing = codes < 0
    any_missing = bool(missing.any())
    present = codes[~missing] if any_missing else codes
    m = len(names)
    used = np.flatnonzero(np.bincount(present, minlength=m)) if present.size else present[:0]
    texts = [_name_text(names[i]) for i in used.tolist()]
    in_order = all(map(operator.lt, texts, itertools.islice(texts, 1, None)))
    vocabulary = texts if in_order else sorted(set(texts))
    if in_order and len(used) == m and not any_missing:
        return Column(name, codes, vocabulary=vocabulary)  # every name used, in order: ranks
    position = {text: i for i, text in enumerate(vocabulary)}
    lut = np.full(m + 1, NULL, dtype=np.int64)  # code -1 reads the last slot
    lut[used] = [position[text] for text in texts]
    return Column(name, codes, vocabulary=vocabulary, lut=lut)


def _name_text(name: object) -> str:
    """Return a vocabulary entry as text: names as they are, decimals normalised."""
    return _decimal_text(name) if isinstance(name, Decimal) else str(name)


def _decimal_text(value: Decimal) -> str:
    """Return a decimal normalised, in plain notation: ``0.5``, ``1250.4``, ``100``, ``0``."""
    if value.is_zero():
        return "0"
    return f"{value.normalize():f}"


def _texts(name: str, values: Sequence[object] | npt.NDArray[Any]) -> Column:
    """Return a column of texts (``None``: missing) as ranks in its sorted vocabulary."""
    cells = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    cells = cells.astype(object, copy=False)
    missing = np.equal(cells, _NONE)
    any_missing = bool(missing.any())
    present = cells[~missing] if any_missing else cells
    ranks, vocabulary = _ranked_texts(present)
    if not any_missing:
        return Column(name, ranks, vocabulary=vocabulary)
    out = np.full(cells.shape[0], NULL, dtype=np.int64)
    out[~missing] = ranks
    return Column(name, out, vocabulary=vocabulary)


def _ranked_texts(cells: npt.NDArray[Any]) -> tuple[I64, list[str]]:
    """Return each text's rank among the distinct texts, and those texts sorted by code point.

    Sorted as numpy strings (by code point, in C) unless a text ends in a NUL
    character, which numpy's strings drop; then as Python strings.
    """
    if not cells.shape[0]:
        return np.zeros(0, dtype=np.int64), []
    text = cells.astype(str)
    lengths = np.fromiter(map(len, cells.tolist()), dtype=np.int64, count=cells.shape[0])
    if np.array_equal(np.strings.str_len(text), lengths):
        unique, inverse = np.unique(text, return_inverse=True)
    else:
        unique, inverse = np.unique(cells, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), [str(t) for t in unique.tolist()]


def _linked(name: str, rows: npt.NDArray[Any], ids: Column) -> Column:
    """Return a column of ticket rows (``-1``: none) as their ids, ranked among those it holds."""
    id_rank = ids.raw
    assert ids.vocabulary is not None
    valid = rows[rows >= 0]
    used = np.unique(id_rank[valid])
    lut = np.full(id_rank.shape[0] + 1, NULL, dtype=np.int64)  # row -1 reads the last slot
    lut[:-1] = np.searchsorted(used, id_rank)  # right for the tickets some row links
    return Column(name, rows, vocabulary=[ids.vocabulary[i] for i in used.tolist()], lut=lut)


# --- the order of rows ------------------------------------------------------------------------

#: The widest span of values a packed sort key may hold (one bit short of int64).
_ROOM: Final = 2**62


def _sorted(columns: Sequence[Column]) -> tuple[Rows, list[I64]]:
    """Return the order that sorts rows by ``columns``, and the leading columns in that order.

    The order ``np.lexsort`` gives (most significant column first), at about
    one sort: the leading columns are packed into one ``int64`` key while
    their spans fit, and only runs of rows that tie on that key are sorted by
    the other columns. Rows that tie on every column are equal, so their order
    among themselves does not matter. The packed columns come back sorted,
    read from the sorted key (no gather of their rows).
    """
    first = columns[0].at(None)
    low, span = int(first.min()), int(first.max()) - int(first.min()) + 1
    if span > _ROOM:
        order = np.argsort(first)
        key = first[order]
        return _break_ties(columns, 1, order, key), [key]
    lows, spans = [low], [span]
    key = first - low
    width = span
    for column in columns[1 : len(columns)]:
        values = column.at(None)
        low = int(values.min())
        span = int(values.max()) - low + 1
        if width * span > _ROOM:
            break
        key = key * span + (values - low)
        width *= span
        lows.append(low)
        spans.append(span)
    order = np.argsort(key)
    ordered = key[order]
    order = _break_ties(columns, len(spans), order, ordered)
    leading: list[I64] = []
    rest = ordered
    for low, span in zip(reversed(lows[1:]), reversed(spans[1:]), strict=True):
        rest, offset = np.divmod(rest, span)
        leading.append(offset + low)
    leading.append(rest + lows[0])
    return order, leading[::-1]


def _break_ties(columns: Sequence[Column], used: int, order: Rows, key: I64) -> Rows:
    """Return ``order`` with each run of rows equal in ``key`` sorted by the columns after it."""
    if used == len(columns):
        return order
    tie = key[1:] == key[:-1]
    if not bool(tie.any()):
        return order
    in_run = np.zeros(key.shape[0], dtype=bool)
    in_run[1:] = tie
    in_run[:-1] |= tie
    at = np.flatnonzero(in_run)
    run = np.cumsum(np.concatenate(([True], ~tie)))[at]  # which run of ties each row is in
    tied = order[at]
    inner = np.lexsort((*(c.at(tied) for c in reversed(columns[used:])), run))
    order[at] = tied[inner]
    return order


# --- the columns of each kind -----------------------------------------------------------------


def _events(table: EventTable) -> list[Section]:
    return [
        (
            "events",
            len(table),
            [
                Column("start", table.start),
                _coded("service", table.service, table.services),
                Column("end", table.end),
                _coded("kind", table.kind, table.KIND_NAMES),
                Column("announced", table.announced),  # NO_TIME is NULL
                _coded("state", table.state, table.states),
                _coded("affected", table.affected, table.affected_levels),
            ],
        )
    ]


def _requests(table: RequestTable) -> list[Section]:
    return [
        (
            "requests",
            len(table),
            [
                Column("time", table.time),
                _coded("service", table.service, table.services),
                Column("status", table.status, marker=NO_STATUS),
                _coded("outcome", table.outcome, OUTCOMES),
                Column("latency", table.latency, marker=NO_LATENCY),
            ],
        )
    ]


def _tickets(table: TicketTable) -> list[Section]:
    ids = _texts("id", table.ids)  # a ticket's id stands for it in its transitions and pauses
    return [
        (
            "tickets",
            len(table),
            [
                ids,
                _coded("service", table.service, table.services),
                _coded("priority", table.priority, table.priorities),
                Column("opened", table.opened),
                Column("first_response", table.first_response),  # NO_TIME is NULL
                Column("resolved", table.resolved),
                _coded("coverage", table.coverage, table.coverages),  # -1: the default clock
            ],
        ),
        (
            "transitions",
            int(table.change_at.shape[0]),
            [
                _linked("ticket", table.change_ticket, ids),
                Column("at", table.change_at),
                _coded("status", table.change_status, table.statuses),
            ],
        ),
        (
            "pauses",
            int(table.pause_start.shape[0]),
            [
                _linked("ticket", table.pause_ticket, ids),
                Column("start", table.pause_start),
                Column("end", table.pause_end),
            ],
        ),
    ]


def _claims(table: ClaimTable) -> list[Section]:
    as_of = [] if table.as_of is None else [table.as_of]
    return [
        (
            "claims",
            len(table),
            [
                Column("filed", table.filed),
                _texts("service", table.service),
                _texts("period", table.period),
                _texts("ticket", table.ticket),
                _texts("state", table.state),
                _texts("reason", table.reason),
            ],
        ),
        ("as_of", len(as_of), [Column("as_of", np.asarray(as_of, dtype=np.int64))]),
    ]


def _billing(table: ChargeTable) -> list[Section]:
    # a table of records (a bill holds few rows): its columns are read from them
    charges = [r for r in table.records if isinstance(r, Charge)]
    prices = [r for r in table.records if isinstance(r, UnitPrice)]
    return [
        (
            "charges",
            len(charges),
            [
                _texts("service", [c.service for c in charges]),
                _texts("period", [c.period for c in charges]),
                _texts("kind", [c.kind for c in charges]),
                _texts("currency", [c.amount.currency for c in charges]),
                _texts("amount", [_decimal_text(c.amount.amount) for c in charges]),
            ],
        ),
        (
            "unit_prices",
            len(prices),
            [
                _texts("service", [p.service for p in prices]),
                _texts("unit", [p.unit for p in prices]),
                _texts("period", [p.period for p in prices]),
                _texts("currency", [p.price.currency for p in prices]),
                _texts("price", [_decimal_text(p.price.amount) for p in prices]),
            ],
        ),
    ]


#: Each kind of table: its name in the fingerprint and its sections.
_KINDS: Final[dict[type, tuple[str, Callable[[Any], list[Section]]]]] = {
    EventTable: ("events", _events),
    RequestTable: ("requests", _requests),
    TicketTable: ("tickets", _tickets),
    ClaimTable: ("claims", _claims),
    ChargeTable: ("billing", _billing),
}
