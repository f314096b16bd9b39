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
  ``latency`` (microseconds; ``NULL`` where not recorded), and ``count``
  (the requests a row stands for) only for a table that has a ``count``
  column: a table without one fingerprints as before ``count`` existed, and a
  counted row is hashed once, whatever its count.
- ``probes`` (a ``ProbeTable``): section ``probes``: ``time``, ``service``
  (text), ``metric`` (text), ``value`` (the sample's value in whole
  millionths of its metric's unit: ``12.5`` is ``12500000``).
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

- ``corrections`` (a ``CorrectionTable``): section ``corrections``:
  ``start``, ``services`` (text: ``*``, ``tag:NAME``, or the names sorted and
  joined by ``;``), ``end``, ``category``, ``reason``, ``by`` (text; ``NULL``
  where empty), ``recorded`` (``NULL`` where not given).

The ``probes`` and ``corrections`` kinds joined this form after its first
release: an evaluation without probe samples or corrections writes no such
kind, so every fingerprint made before them is unchanged, and the form is
still ``slakit-fingerprint/1``.

Left out, on purpose: where each row came from, the order of rows and of
tables, how a table numbered its names, and names a table's vocabulary holds
that no row uses.

A fingerprint of some services (``services=``, what a portfolio's statement
of one customer carries) is the same form over fewer rows: the rows of every
section that names a service (``events``, ``requests``, ``probes``,
``tickets``, ``claims``, ``charges``, ``unit_prices``) are kept only where their service
is one of the given names, and the rows of ``transitions`` and ``pauses``
only where their ticket is kept; ``as_of`` is kept; a correction is kept when
it names every service, a tag, or one of the given names. The filter comes first:
the rows counted, the vocabularies (the values the kept rows hold) and the
kinds written (those with a kept row) are those of the kept rows, so the
fingerprint is that of the tables holding only those rows. A customer whose
copy of the data holds only the rows of its services computes it from that
copy, or from a copy holding everyone's rows with the same filter.

The work is columnar: a text column is ranked once per distinct value and
every column is sorted and hashed as an array, with no Python step per row
(ticket ids, being one per row, are the exception: each is encoded once).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import operator
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, Literal, cast

import numpy as np
import numpy.typing as npt

from slakit._dsl._agreement import Agreement
from slakit._events._billing import Charge, ChargeTable, UnitPrice
from slakit._events._claims import ClaimTable
from slakit._events._corrections import ALL_SERVICES, CorrectionTable
from slakit._events._probes import ProbeTable
from slakit._events._requests import NO_LATENCY, NO_STATUS, OUTCOMES, RequestTable
from slakit._events._table import EventTable
from slakit._events._tickets import TicketTable
from slakit._time._periods import Period
from slakit.exceptions import EvaluationError

__all__ = [
    "FORMAT",
    "NULL",
    "PREFIX",
    "combine",
    "digest_texts",
    "fingerprint",
    "input_digests",
    "owner_digests",
]

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
    *,
    services: Collection[str] | None = None,
) -> str:
    """Return the fingerprint of an evaluation: ``"sha256:"`` and 64 hexadecimal digits.

    The canonical form hashed is ``slakit-fingerprint/1``, described at the top
    of this module: the agreement's data, the period, and every row of every
    table in ``tables`` (or of ``services``), independent of the rows' order and
    format.

    Args:
        agreement: the agreement evaluated. With amendments, the version in force
            over the whole period is hashed (as ``evaluate()`` evaluates it), or
            the whole agreement when amendments split the period.
        period: the period, or its label in the agreement's periods.
        tables: the input tables (``EventTable``, ``RequestTable``, ``ProbeTable``,
            ``TicketTable``, ``ClaimTable``, ``ChargeTable``), or a mapping
            whose values they are (the ``tables`` of an evaluation's inputs).
        services: hash only the rows of these services (and the history of
            their tickets), as if the tables held no other; ``None``: every row.

    Raises:
        EvaluationError: a table of an unknown kind, or two tables of one kind.
    """
    return combine(agreement, period, _kind_digests(tables, services))


def combine(agreement: Agreement, period: Period | str, digests: Mapping[str, bytes]) -> str:
    """Return the fingerprint of ``agreement``, ``period`` and the kinds' digests ``H(kind)``.

    The last step of ``fingerprint()``; the digests are those of the kinds that
    hold a row, by kind name (as ``owner_digests()`` gives them).
    """
    resolved = agreement.period.resolve(period) if isinstance(period, str) else period
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


def input_digests(
    tables: Iterable[object] | Mapping[Any, object], *, services: Collection[str] | None = None
) -> dict[str, str]:
    """Return, by kind (``"events"``, ``"requests"`` ...), the digest ``H(kind)`` of its rows.

    What ``fingerprint()`` combines: two parties whose fingerprints differ can
    compare these to see which input differs. Kinds without rows are left out,
    as the fingerprint leaves them out. ``services``: only the rows of these
    services, as ``fingerprint()`` takes them.

    Raises:
        EvaluationError: a table of an unknown kind, or two tables of one kind.
    """
    return digest_texts(_kind_digests(tables, services))


def digest_texts(digests: Mapping[str, bytes]) -> dict[str, str]:
    """Return the kinds' digests as ``input_digests()`` writes them, in order of kind."""
    return {name: PREFIX + digest.hex() for name, digest in sorted(digests.items())}


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


def _kind_digests(
    tables: Iterable[object] | Mapping[Any, object], services: Collection[str] | None = None
) -> dict[str, bytes]:
    """Return ``H(kind)`` of every kind that holds a row (of ``services``), by kind name."""
    given = tables.values() if isinstance(tables, Mapping) else tables
    if isinstance(services, str):  # a name is a collection of its characters: never meant
        raise EvaluationError(f"services={services!r} must be names, such as [{services!r}]")
    kept = None if services is None else frozenset(services)
    out: dict[str, bytes] = {}
    seen: set[str] = set()
    for table in given:
        name, sections_of = _kind_of(table, seen)
        sections = sections_of(table, None if kept is None else _service_rows(table, kept))
        if any(rows for _, rows, _, _ in sections):
            out[name] = _digest(sections)
    return out


def _kind_of(
    table: object, seen: set[str]
) -> tuple[str, Callable[[Any, Rows | None], list[Section]]]:
    """Return the kind of ``table`` (its name and sections), and note it in ``seen``.

    Raises:
        EvaluationError: a table of an unknown kind, or a second table of a kind in ``seen``.
    """
    found = next((_KINDS[t] for t in type(table).__mro__ if t in _KINDS), None)
    if found is None:
        raise EvaluationError(
            f"cannot fingerprint {type(table).__name__} {table!r:.60}; the kinds of input "
            f"are {', '.join(sorted(t.__name__ for t in _KINDS))}"
        )
    if found[0] in seen:
        raise EvaluationError(
            f"two {type(table).__name__} inputs were given; concatenate them into one first"
        )
    seen.add(found[0])
    return found


def _service_rows(table: Any, services: frozenset[str]) -> Rows:
    """Return the rows of ``table`` whose service is one of ``services``, in order."""
    if isinstance(
        table, EventTable | RequestTable | ProbeTable | TicketTable
    ):  # codes: each name looked at once
        wanted = [code for code, name in enumerate(table.services) if name in services]
        return np.flatnonzero(np.isin(table.service, wanted))
    if isinstance(table, CorrectionTable):  # every service, a tag (kept), or some names
        return np.flatnonzero(
            np.fromiter(
                (
                    (
                        isinstance(s, str)
                        and (s == ALL_SERVICES or s.startswith("tag:") or s in services)
                    )
                    or (isinstance(s, tuple) and not services.isdisjoint(s))
                    for s in table.selector
                ),
                bool,
                len(table),
            )
        )
    names = table.service.tolist()  # claims and charges: a name per row
    return np.flatnonzero(np.fromiter(map(services.__contains__, names), bool, len(names)))


def _digest(sections: list[Section]) -> bytes:
    """Return ``H(kind)`` of a kind's sections (see the module's docstring)."""
    h = hashlib.sha256()
    h.update(_u64(len(sections)))
    for name, rows, columns, _ in sections:
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


#: Which rows of those a kind was built over each row of a section belongs to.
Of = npt.NDArray[np.intp] | Literal["own", "shared"]
#: Each row of the section is a row of those (the kind's main section).
OWN: Final = "own"
#: Each row of the section belongs to all of them (``as_of``: no service).
SHARED: Final = "shared"
#: A section: its name, its number of rows, its columns in order, and whose its rows are.
Section = tuple[str, int, list[Column], Of]


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


# --- many owners at once ---------------------------------------------------------------------


def owner_digests(
    parts: Iterable[tuple[object, npt.ArrayLike, npt.ArrayLike]], owners: int
) -> list[dict[str, bytes]]:
    """Return, for each of ``owners`` owners, ``H(kind)`` of its rows, by kind name.

    ``parts`` gives, per input table, some of its rows and the owner (``0`` to
    ``owners - 1``) of each; a row may come twice, for two owners. An owner's
    digests are those of the tables holding only its rows (``fingerprint(...,
    services=)`` of an owner's services gives them), for every owner at once:
    each section is sorted once by owner and by its canonical columns, and each
    owner's rows are a slice of it. A text column's values, ranks among every
    owner's texts, become ranks among the owner's own: ranks keep the order of
    the texts, so the rows' order is the owner's order too. The work is one sort
    per section, then a few hash updates per owner and column.

    Raises:
        EvaluationError: a table of an unknown kind, or two tables of one kind.
    """
    out: list[dict[str, bytes]] = [{} for _ in range(owners)]
    seen: set[str] = set()
    for table, rows, owner in parts:
        name, sections_of = _kind_of(table, seen)
        picked = np.asarray(rows, dtype=np.intp)
        sections = sections_of(table, picked)
        owned = np.asarray(owner, dtype=np.int64)
        for o, digest in enumerate(_owner_digests(sections, owned, owners)):
            if digest is not None:
                out[o][name] = digest
    return out


#: One column of a section, ready for each owner: its header, its values in order, and for
#: text its vocabularies (each owner's slice of ``ids``, the UTF-8 lengths and texts).
_Ready = tuple[bytes, I64, tuple[I64, I64, npt.NDArray[np.uint64], list[bytes]] | None]


def _owner_digests(sections: list[Section], owner: I64, owners: int) -> list[bytes | None]:
    """Return ``H(kind)`` of each owner's rows of a kind's ``sections`` (``None``: no row)."""
    ready: list[tuple[bytes, I64, bytes, list[_Ready]]] = []
    has_rows = np.zeros(owners, dtype=bool)
    everyone = np.arange(owners, dtype=np.int64)
    for name, n, given, of in sections:
        columns = given
        if isinstance(of, str) and of == SHARED:  # every owner's: the rows once per owner
            own = np.repeat(everyone, n)
            columns = [
                Column(c.name, np.tile(c.at(None), owners), vocabulary=c.vocabulary) for c in given
            ]
        else:
            own = owner if isinstance(of, str) else owner[of]
        keyed = [Column("owner", own), *columns]
        if own.shape[0] > 1:
            order, leading = _sorted(keyed)
            values = [leading[k] if k < len(leading) else c.at(order) for k, c in enumerate(keyed)]
        else:
            values = [c.at(None) for c in keyed]
        edges = np.searchsorted(values[0], np.arange(owners + 1)).astype(np.int64)
        has_rows |= edges[1:] > edges[:-1]
        cols: list[_Ready] = []
        for column, value in zip(columns, values[1:], strict=True):
            head = _text(column.name) + _text("integer" if column.vocabulary is None else "text")
            if column.vocabulary is None:
                cols.append((head, np.ascontiguousarray(value, dtype="<i8"), None))
                continue
            local, (bounds, ids) = _owner_ranks(values[0], value, len(column.vocabulary), owners)
            encoded = [t.encode("utf-8", "surrogatepass") for t in column.vocabulary]
            lengths = np.fromiter(map(len, encoded), dtype="<u8", count=len(encoded))
            cols.append((head, local, (bounds, ids, lengths, encoded)))
        ready.append((_text(name), edges, _u64(len(columns)), cols))
    out: list[bytes | None] = []
    count = _u64(len(sections))
    for o in range(owners):
        if not has_rows[o]:
            out.append(None)
            continue
        h = hashlib.sha256(count)
        for name_text, edges, width, cols in ready:
            lo, hi = int(edges[o]), int(edges[o + 1])
            h.update(name_text)
            h.update(_u64(hi - lo))
            h.update(width)
            for head, value, vocabulary in cols:
                h.update(head)
                if vocabulary is not None:
                    bounds, ids, lengths, encoded = vocabulary
                    mine = ids[int(bounds[o]) : int(bounds[o + 1])]
                    h.update(_u64(mine.shape[0]))
                    h.update(lengths[mine].tobytes())
                    h.update(b"".join([encoded[i] for i in mine.tolist()]))
                h.update(value[lo:hi].data)
        out.append(h.digest())
    return out


def _owner_ranks(owner: I64, ranks: I64, size: int, owners: int) -> tuple[I64, tuple[I64, I64]]:
    """Return each row's rank among its owner's texts, and each owner's texts (ranks).

    ``owner`` and ``ranks`` are a section's rows, sorted by owner; ``size`` the
    number of texts. The owners' texts are ``ids[bounds[o]:bounds[o + 1]]``,
    ranks into the vocabulary, ascending.
    """
    present = ranks != NULL
    key = owner[present] * max(size, 1) + ranks[present]
    pairs, inverse = np.unique(key, return_inverse=True)  # each owner's texts, in order
    whose = pairs // max(size, 1)
    first = np.searchsorted(whose, whose, side="left")  # where each owner's texts begin
    local = ranks.astype("<i8", copy=True)
    local[present] = (np.arange(pairs.shape[0], dtype=np.int64) - first)[inverse.reshape(-1)]
    bounds = np.searchsorted(whose, np.arange(owners + 1)).astype(np.int64)
    return local, (bounds, pairs % max(size, 1))


# --- the columns of each kind -----------------------------------------------------------------
#
# Each kind's sections are built over every row of its table, or over the rows ``rows`` (a row
# may come twice: a service two customers share); each section says which of those rows each of
# its rows belongs to (``OWN``: the row itself; ``SHARED``: every one; else an array).


def _pick(values: npt.NDArray[Any], rows: Rows | None) -> npt.NDArray[Any]:
    return values if rows is None else values[rows]


def _count(table: Any, rows: Rows | None) -> int:
    return len(table) if rows is None else int(rows.shape[0])


def _events(table: EventTable, rows: Rows | None) -> list[Section]:
    return [
        (
            "events",
            _count(table, rows),
            [
                Column("start", _pick(table.start, rows)),
                _coded("service", _pick(table.service, rows), table.services),
                Column("end", _pick(table.end, rows)),
                _coded("kind", _pick(table.kind, rows), table.KIND_NAMES),
                Column("announced", _pick(table.announced, rows)),  # NO_TIME is NULL
                _coded("state", _pick(table.state, rows), table.states),
                _coded("affected", _pick(table.affected, rows), table.affected_levels),
            ],
            OWN,
        )
    ]


def _requests(table: RequestTable, rows: Rows | None) -> list[Section]:
    counted = [] if table.count is None else [Column("count", _pick(table.count, rows))]
    return [
        (
            "requests",
            _count(table, rows),
            [
                Column("time", _pick(table.time, rows)),
                _coded("service", _pick(table.service, rows), table.services),
                Column("status", _pick(table.status, rows), marker=NO_STATUS),
                _coded("outcome", _pick(table.outcome, rows), OUTCOMES),
                Column("latency", _pick(table.latency, rows), marker=NO_LATENCY),
                *counted,
            ],
            OWN,
        )
    ]


def _probes(table: ProbeTable, rows: Rows | None) -> list[Section]:
    return [
        (
            "probes",
            _count(table, rows),
            [
                Column("time", _pick(table.time, rows)),
                _coded("service", _pick(table.service, rows), table.services),
                _coded("metric", _pick(table.metric, rows), table.metrics),
                Column("value", _pick(table.value, rows)),
            ],
            OWN,
        )
    ]


def _links(ticket: npt.NDArray[Any], rows: Rows | None) -> tuple[Rows | None, Rows]:
    """Return the links (transitions, pauses) of the tickets ``rows``, and whose each one is.

    ``ticket`` is each link's ticket row; the second array is each picked
    link's position in ``rows`` (a ticket that comes twice has its links twice).
    """
    if rows is None:
        return None, np.asarray(ticket, dtype=np.intp)
    order = np.argsort(ticket, kind="stable")
    lo = np.searchsorted(ticket[order], rows, side="left")
    counts = np.searchsorted(ticket[order], rows, side="right") - lo
    within = np.arange(int(counts.sum()), dtype=np.intp) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    return order[np.repeat(lo, counts) + within], np.repeat(
        np.arange(rows.shape[0], dtype=np.intp), counts
    )


def _tickets(table: TicketTable, rows: Rows | None) -> list[Section]:
    # a ticket's id stands for it in its transitions and pauses
    ids = _texts("id", table.ids if rows is None else [table.ids[r] for r in rows.tolist()])
    changes, change_of = _links(table.change_ticket, rows)
    pauses, pause_of = _links(table.pause_ticket, rows)
    return [
        (
            "tickets",
            _count(table, rows),
            [
                ids,
                _coded("service", _pick(table.service, rows), table.services),
                _coded("priority", _pick(table.priority, rows), table.priorities),
                Column("opened", _pick(table.opened, rows)),
                Column("first_response", _pick(table.first_response, rows)),  # NO_TIME is NULL
                Column("resolved", _pick(table.resolved, rows)),
                # -1: the default clock
                _coded("coverage", _pick(table.coverage, rows), table.coverages),
            ],
            OWN,
        ),
        (
            "transitions",
            int(change_of.shape[0]),
            [
                _linked("ticket", change_of, ids),
                Column("at", _pick(table.change_at, changes)),
                _coded("status", _pick(table.change_status, changes), table.statuses),
            ],
            change_of,
        ),
        (
            "pauses",
            int(pause_of.shape[0]),
            [
                _linked("ticket", pause_of, ids),
                Column("start", _pick(table.pause_start, pauses)),
                Column("end", _pick(table.pause_end, pauses)),
            ],
            pause_of,
        ),
    ]


def _claims(table: ClaimTable, rows: Rows | None) -> list[Section]:
    as_of = [] if table.as_of is None else [table.as_of]
    return [
        (
            "claims",
            _count(table, rows),
            [
                Column("filed", _pick(table.filed, rows)),
                _texts("service", _pick(table.service, rows)),
                _texts("period", _pick(table.period, rows)),
                _texts("ticket", _pick(table.ticket, rows)),
                _texts("state", _pick(table.state, rows)),
                _texts("reason", _pick(table.reason, rows)),
            ],
            OWN,
        ),
        # the instant the table was read at: no service, so every service's
        ("as_of", len(as_of), [Column("as_of", np.asarray(as_of, dtype=np.int64))], SHARED),
    ]


def _billing(table: ChargeTable, rows: Rows | None) -> list[Section]:
    # a table of records (a bill holds few rows): its columns are read from them
    records = table.records if rows is None else [table.records[r] for r in rows.tolist()]
    charge_of = [i for i, r in enumerate(records) if isinstance(r, Charge)]
    price_of = [i for i, r in enumerate(records) if isinstance(r, UnitPrice)]
    charges = [cast("Charge", records[i]) for i in charge_of]
    prices = [cast("UnitPrice", records[i]) for i in price_of]
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
            np.asarray(charge_of, dtype=np.intp),
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
            np.asarray(price_of, dtype=np.intp),
        ),
    ]


def _corrections(table: CorrectionTable, rows: Rows | None) -> list[Section]:
    # the table's columns, built once, taken by row numbers (a row may repeat: a portfolio's
    # correction of every service counts once per customer)
    columns = table.columns()
    picked = np.arange(len(table)) if rows is None else rows
    return [
        (
            "corrections",
            int(picked.shape[0]),
            [
                Column("start", table.start[picked]),
                _texts("services", columns["services"][picked]),
                Column("end", table.end[picked]),
                _texts("category", columns["category"][picked]),
                _texts("reason", columns["reason"][picked]),
                _texts("by", columns["by"][picked]),
                Column("recorded", columns["recorded"][picked]),
            ],
            OWN,
        )
    ]


#: Each kind of table: its name in the fingerprint and its sections.
_KINDS: Final[dict[type, tuple[str, Callable[[Any, Rows | None], list[Section]]]]] = {
    EventTable: ("events", _events),
    RequestTable: ("requests", _requests),
    ProbeTable: ("probes", _probes),
    TicketTable: ("tickets", _tickets),
    ClaimTable: ("claims", _claims),
    ChargeTable: ("billing", _billing),
    CorrectionTable: ("corrections", _corrections),
}
