"""The columnar event table: every event as a row of numpy columns, built once."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar, Final

import numpy as np
import numpy.typing as npt

from slakit._events._columns import (
    NO_TIME,
    Column,
    Problems,
    RowNames,
    check_where,
    echo,
    instants,
    is_missing,
    kept_where,
    names,
    problems_of,
    read_columns,
    restore_slots,
    row_key,
    row_names,
    services_column,
)
from slakit._events._records import Deployment, Event, Maintenance, Outage, _share
from slakit._time._instant import format_us, from_us
from slakit.exceptions import DefinitionError, Problem

__all__ = ["DEPLOYMENT", "KINDS", "MAINTENANCE", "NO_TIME", "OUTAGE", "EventTable"]

OUTAGE: Final = 0
MAINTENANCE: Final = 1
DEPLOYMENT: Final = 2
KINDS: Final = ("outage", "maintenance", "deployment")
_REQUIRED: Final = ("kind", "service", "start", "end")
_OPTIONAL_COLUMNS: Final = ("announced", "state", "affected")
_RECORDS: Final = (Outage, Maintenance, Deployment)

I64 = npt.NDArray[np.int64]


def _readonly(array: npt.ArrayLike, dtype: type, *, copy: bool = True) -> Any:
    """Return ``array`` as a read-only array of ``dtype``: a copy, unless made for the table."""
    out: Any = np.array(array, dtype=dtype, copy=True) if copy else np.asarray(array, dtype=dtype)
    out.flags.writeable = False
    return out


def _increasing(values: Sequence[Any]) -> bool:
    """Return whether ``values`` are sorted and unique: each less than the next (one pass)."""
    return all(map(operator.lt, values[:-1], values[1:])) if len(values) > 1 else True


def _services_of(table: EventTable) -> tuple[str, ...]:
    return table.services


def _merged_names(
    vocabularies: Sequence[Sequence[str]], codes: Sequence[npt.NDArray[np.int32]]
) -> tuple[list[str], npt.NDArray[np.int32]] | None:
    """Return the sorted union of names and each table's codes renumbered into it, in C.

    ``None`` where a name holds a NUL character (numpy's strings drop them at the end).
    """
    covering = _covering(vocabularies)
    if covering is not None:  # one vocabulary holds every name: it is the union
        widest, position = covering
        parts = [
            own.astype(np.int32, copy=False)
            if k == widest or not len(own)
            else np.fromiter(map(position.__getitem__, vocabulary), np.int32, len(vocabulary))[own]
            for k, (vocabulary, own) in enumerate(zip(vocabularies, codes, strict=True))
        ]
        joined = np.concatenate(parts) if parts else np.zeros(0, np.int32)
        return list(vocabularies[widest]), joined
    texts = [name for vocabulary in vocabularies for name in vocabulary]
    if "\x00" in "".join(texts):
        return None
    arrays = [np.asarray(vocabulary, dtype=np.str_) for vocabulary in vocabularies]
    union = np.unique(np.concatenate(arrays)) if texts else np.zeros(0, dtype=np.str_)
    parts = [
        np.searchsorted(union, array).astype(np.int32)[own] if len(own) else own[:0]
        for array, own in zip(arrays, codes, strict=True)
    ]
    joined = np.concatenate(parts) if parts else np.zeros(0, np.int32)
    return union.tolist(), joined.astype(np.int32, copy=False)


def _covering(vocabularies: Sequence[Sequence[str]]) -> tuple[int, dict[str, int]] | None:
    """Return which vocabulary, sorted and unique, holds the names of every other, if one does.

    With it, the position of each of its names. Outages and maintenance of one
    fleet: the maintenance names are most often among the outages' names, which
    are then the union, as they are.
    """
    if not vocabularies:
        return None
    widest = max(range(len(vocabularies)), key=lambda k: len(vocabularies[k]))
    names = vocabularies[widest]
    if not _increasing(names):
        return None
    position = dict(zip(names, range(len(names)), strict=True))
    if all(position.keys() >= set(v) for k, v in enumerate(vocabularies) if k != widest):
        return widest, position
    return None


def _codes(values: Sequence[Any]) -> tuple[list[Any], list[int]]:
    """Return the sorted distinct values and each value's code into them."""
    names = sorted(set(values))
    code = {name: i for i, name in enumerate(names)}
    return names, [code[v] for v in values]


def _kind_codes(kind_raw: npt.NDArray[np.str_]) -> npt.NDArray[np.int8]:
    """Return each row's kind as its position in ``KINDS``; -1 for a name that is no kind."""
    n = kind_raw.shape[0]
    if n and kind_raw.strides == (0,):  # one kind for every row (a file of outages): one cell
        one = str(kind_raw[0])
        return np.full(n, KINDS.index(one) if one in KINDS else -1, dtype=np.int8)
    kind = np.full(n, -1, dtype=np.int8)
    for code, name in enumerate(KINDS):
        kind[kind_raw == name] = code
    return kind


class EventTable:
    """Events as columns: kind, service, start, end, announced, state and affected share.

    Times are ``int64`` microseconds since the epoch (UTC); ``service`` holds
    codes into [`services`][slakit.Report.services], ``state`` codes into ``states`` and
    ``affected`` codes into ``affected_levels`` (exact shares);
    ``announced`` is ``NO_TIME`` where a kind has no announcement. Each row
    keeps where it came from (``events.jsonl:12`` or ``record 12``), so evidence
    and errors can name it. Build one with ``from_records()`` or
    ``from_columns()``, or read one with ``slakit.io.read_jsonl()``; the
    table is immutable.
    """

    __slots__ = (
        "_where",
        "affected",
        "affected_levels",
        "announced",
        "end",
        "kind",
        "service",
        "services",
        "start",
        "state",
        "states",
    )

    KIND_NAMES: ClassVar[tuple[str, ...]] = KINDS

    kind: npt.NDArray[np.int8]
    service: npt.NDArray[np.int32]
    services: tuple[str, ...]
    start: I64
    end: I64
    announced: I64
    state: npt.NDArray[np.int32]
    states: tuple[str, ...]
    affected: npt.NDArray[np.int32]
    affected_levels: tuple[Decimal, ...]
    _where: Sequence[str] | None

    def __init__(
        self,
        *,
        kind: npt.ArrayLike,
        service: npt.ArrayLike,
        services: Sequence[str],
        start: npt.ArrayLike,
        end: npt.ArrayLike,
        announced: npt.ArrayLike,
        state: npt.ArrayLike | None = None,
        states: Sequence[str] = ("down",),
        affected: npt.ArrayLike | None = None,
        affected_levels: Sequence[Decimal] = (Decimal(1),),
        where: Sequence[str] | None = None,
    ) -> None:
        self._fill(
            copy=True,
            kind=kind,
            service=service,
            services=services,
            start=start,
            end=end,
            announced=announced,
            state=state,
            states=states,
            affected=affected,
            affected_levels=affected_levels,
            where=where,
        )

    @classmethod
    def _adopt(cls, **columns: Any) -> EventTable:
        """Return a table of arrays made for it (by ``from_columns``, ``concat``): not copied."""
        table = cls.__new__(cls)
        table._fill(copy=False, **columns)
        return table

    def _fill(
        self,
        *,
        copy: bool,
        kind: npt.ArrayLike,
        service: npt.ArrayLike,
        services: Sequence[str],
        start: npt.ArrayLike,
        end: npt.ArrayLike,
        announced: npt.ArrayLike,
        state: npt.ArrayLike | None = None,
        states: Sequence[str] = ("down",),
        affected: npt.ArrayLike | None = None,
        affected_levels: Sequence[Decimal] = (Decimal(1),),
        where: Sequence[str] | None = None,
    ) -> None:
        n = np.shape(kind)[0]
        object.__setattr__(self, "kind", _readonly(kind, np.int8, copy=copy))
        object.__setattr__(self, "service", _readonly(service, np.int32, copy=copy))
        object.__setattr__(self, "services", tuple(services))
        object.__setattr__(self, "start", _readonly(start, np.int64, copy=copy))
        object.__setattr__(self, "end", _readonly(end, np.int64, copy=copy))
        object.__setattr__(self, "announced", _readonly(announced, np.int64, copy=copy))
        object.__setattr__(
            self,
            "state",
            _readonly(np.zeros(n, np.int32) if state is None else state, np.int32, copy=copy),
        )
        object.__setattr__(self, "states", tuple(states))
        object.__setattr__(
            self,
            "affected",
            _readonly(np.zeros(n, np.int32) if affected is None else affected, np.int32, copy=copy),
        )
        object.__setattr__(self, "affected_levels", tuple(affected_levels))
        object.__setattr__(self, "_where", kept_where(where))
        for name in ("service", "start", "end", "announced", "state", "affected"):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"EventTable column {name!r} must have {n} rows")
        checks: tuple[tuple[npt.NDArray[Any], Sequence[Any], str], ...] = (
            (self.service, self.services, "services"),
            (self.state, self.states, "states"),
            (self.affected, self.affected_levels, "affected_levels"),
        )
        for codes, vocabulary, what in checks:
            if not _increasing(vocabulary):
                raise ValueError(
                    f"EventTable {what} must be sorted and unique (the codes index them); "
                    "build tables with from_records() or from_columns()"
                )
            if n and (int(codes.min()) < 0 or int(codes.max()) >= len(vocabulary)):
                raise ValueError(f"EventTable codes must index {what} (0 to {len(vocabulary) - 1})")
        if self._where is not None and len(self._where) != n:
            raise ValueError(f"EventTable 'where' must have {n} entries")

    __setstate__ = restore_slots  # pickled (to a Dask worker and back) despite __setattr__

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"EventTable is immutable; cannot set {name!r}")

    # --- construction ----------------------------------------------------------------------

    @classmethod
    def from_records(
        cls, records: Iterable[Event], *, where: Sequence[str] | None = None
    ) -> EventTable:
        """Build a table from outage, maintenance and deployment records, in one pass."""
        items: list[object] = list(records)
        problems = [
            Problem(
                f"record {i}",
                "",
                f"expected Outage, Maintenance or Deployment, got {type(r).__name__}",
            )
            for i, r in enumerate(items)
            if not isinstance(r, _RECORDS)
        ]
        if problems:
            raise problems_of(problems).error()
        events = [r for r in items if isinstance(r, _RECORDS)]
        names, service = _codes([r.service for r in events])
        states, state = _codes(
            ["down", *(r.state if isinstance(r, Outage) else "down" for r in events)]
        )
        levels, affected = _codes(
            [Decimal(1), *(r.affected if isinstance(r, Outage) else Decimal(1) for r in events)]
        )
        kind = [
            MAINTENANCE
            if isinstance(r, Maintenance)
            else DEPLOYMENT
            if isinstance(r, Deployment)
            else OUTAGE
            for r in events
        ]
        announced = [r.announced_us if isinstance(r, Maintenance) else NO_TIME for r in events]
        return cls(
            kind=kind,
            service=service,
            services=names,
            start=[r.start_us for r in events],
            end=[r.end_us for r in events],
            announced=announced,
            state=state[1:],
            states=states,
            affected=affected[1:],
            affected_levels=levels,
            where=where,
        )

    @classmethod
    def from_columns(
        cls,
        columns: Mapping[str, Any],
        *,
        services: Sequence[str] | None = None,
        where: Sequence[str] | None = None,
    ) -> EventTable:
        """Build a table from columns, validating every row at once (vectorised).

        ``columns`` maps ``kind`` (``"outage"``, ``"maintenance"`` or
        ``"deployment"``), ``service``, ``start``, ``end`` and optionally
        ``announced``, ``state`` (names, default ``"down"``) and ``affected``
        (shares such as ``"25%"`` or ``Decimal("0.25")``, read as [`Outage`][slakit.Outage]
        reads them; missing means 100%) to equal-length sequences or arrays.
        Shares are numbers, so ``"50%"`` and ``"50.0%"`` are one level. Times
        (here and in every table's ``from_columns``) are integer microseconds
        since the epoch, ``datetime64`` values (which numpy defines as UTC),
        pandas, polars or pyarrow datetimes with a time zone (any unit), aware
        datetimes, or ISO 8601 strings with an offset; datetimes without a zone,
        floats and booleans are refused (for epochs in other units, see
        [`slakit.io.read_table()`][slakit.io.read_table]). A missing ``state``
        (``None``, ``NaN``) is ``"down"``, a missing ``affected`` 100%; a
        missing ``kind``, ``service``, ``start`` or ``end`` is an error. A pandas
        or polars data frame works as ``columns`` as it is.

        ``service`` holds names (strings), or integer codes with the names they
        stand for, which is the fast way for large tables (no string is compared
        per row): either integers with ``services``, the name of each code
        (``services[code]``; in any order, each name once), or a pandas
        categorical, a polars ``Categorical`` or ``Enum`` or a pyarrow
        dictionary column, which carries its own names. Either way the table
        equals the one built from the names.

        Examples:
            >>> import numpy as np
            >>> import slakit as sla
            >>> table = sla.EventTable.from_columns(
            ...     {
            ...         "kind": ["outage", "outage", "maintenance"],
            ...         "service": np.array([1, 0, 1]),
            ...         "start": ["2026-10-05T10:00:00Z"] * 3,
            ...         "end": ["2026-10-05T10:30:00Z"] * 3,
            ...         "announced": [None, None, "2026-09-28T09:00:00Z"],
            ...     },
            ...     services=["eu-west-1/vm-8f3a2c", "eu-central-1/db-01b7e4"],
            ... )
            >>> table.services
            ('eu-central-1/db-01b7e4', 'eu-west-1/vm-8f3a2c')
            >>> [table.services[code] for code in table.service]
            ['eu-central-1/db-01b7e4', 'eu-west-1/vm-8f3a2c', 'eu-central-1/db-01b7e4']

        Raises:
            EventDataError: listing the invalid rows by row number and field, or
                the columns that are missing or of another length (the first
                1,000 problems; ``omitted`` counts the rest).
        """
        got = read_columns(
            columns,
            required=_REQUIRED,
            optional=_OPTIONAL_COLUMNS,
            what="EventTable",
            coded=("service",),
        )
        n = len(got["kind"])
        check_where(where, n)
        where_of = row_names(where)
        problems = Problems()
        kind_raw = names(got["kind"], n, where_of=where_of, problems=problems, what="kind")
        service_read = services_column(
            columns["service"], got["service"], services, where_of=where_of, problems=problems
        )
        start = instants(
            got["start"],
            n,
            where_of=where_of,
            problems=problems,
            required=True,
            needed="every event needs a start and an end",
        )
        end = instants(
            got["end"],
            n,
            where_of=where_of,
            problems=problems,
            required=True,
            needed="every event needs a start and an end",
        )
        announced = instants(
            got.get("announced"), n, where_of=where_of, problems=problems, required=False
        )
        state_raw = (
            names(
                got["state"],
                n,
                where_of=where_of,
                problems=problems,
                default="down",
                what="state",
                blank="must be a non-empty state name such as 'degraded'",
            )
            if "state" in got
            else np.broadcast_to(np.asarray("down"), (n,))  # every row down: one cell
        )
        if (
            kind_raw is None
            or service_read is None
            or start is None
            or end is None
            or announced is None
            or state_raw is None
        ):
            raise problems.error()
        kind = _kind_codes(kind_raw)
        service_names, service = service_read
        reported = {p.where for p in problems if p.field == "kind"}  # missing or not text
        problems.extend(
            Problem(
                where_of(i), "kind", f"{echo(str(kind_raw[i]))} is not one of {', '.join(KINDS)}"
            )
            for i in problems.rows(kind < 0)
            if where_of(i) not in reported
        )
        present = (start != NO_TIME) & (end != NO_TIME)
        problems.extend(
            Problem(
                where_of(i),
                "end",
                f"{format_us(int(end[i]))} is not after start {format_us(int(start[i]))}",
            )
            for i in problems.rows(present & (end <= start))
        )
        told = {p.where for p in problems if p.field == "announced"}  # a bad instant
        problems.extend(
            Problem(where_of(i), "announced", "maintenance needs the instant it was announced")
            for i in problems.rows((kind == MAINTENANCE) & (announced == NO_TIME))
            if where_of(i) not in told
        )
        state_names: list[str] = ["down"]
        state = np.zeros(n, dtype=np.int32)
        if "state" in got:
            uniq, inverse = np.unique(state_raw, return_inverse=True)
            state_names = sorted({"down", *(str(s) for s in uniq.tolist())})
            lut = np.asarray([state_names.index(str(s)) for s in uniq.tolist()], np.int32)
            state = lut[inverse.reshape(-1)] if n else np.zeros(0, np.int32)
        levels: list[Decimal] = [Decimal(1)]
        affected = np.zeros(n, dtype=np.int32)
        if "affected" in got:
            levels, affected = _share_levels(got["affected"], where_of, problems)
        if problems or problems.omitted:
            raise problems.error()
        announced = np.where(kind == MAINTENANCE, announced, NO_TIME)
        given = [c.values for c in got.values() if c.borrowed]  # the caller's arrays

        def own(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
            """Return ``array``, copied if it is (a view of) one of the caller's arrays."""
            shared = any(np.may_share_memory(array, g) for g in given)
            return array.copy() if shared else array

        return cls._adopt(
            kind=kind,
            service=own(service),
            services=service_names,
            start=own(start),
            end=own(end),
            announced=announced,
            state=state,
            states=state_names,
            affected=affected,
            affected_levels=levels,
            where=where,
        )

    @classmethod
    def concat(cls, tables: Sequence[EventTable]) -> EventTable:
        """Return one table holding the rows of all ``tables``, in order."""

        def remap(values: Sequence[Any], pick: Any) -> tuple[list[Any], npt.NDArray[np.int32]]:
            if pick is _services_of:
                found = _merged_names([t.services for t in tables], values)
                if found is not None:
                    return found
            names = sorted({v for t in tables for v in pick(t)})
            code = {name: i for i, name in enumerate(names)}
            parts = [
                np.asarray([code[v] for v in pick(t)], dtype=np.int32)[values_of]
                if len(t)
                else np.zeros(0, np.int32)
                for t, values_of in zip(tables, values, strict=True)
            ]
            return names, np.concatenate(parts) if parts else np.zeros(0, np.int32)

        services, service = remap([t.service for t in tables], _services_of)
        states, state = remap([t.state for t in tables], lambda t: t.states)
        levels, affected = remap([t.affected for t in tables], lambda t: t.affected_levels)
        where = _Chained(tables)  # each row named as its table names it, when asked
        return cls._adopt(  # every column a new array
            kind=np.concatenate([t.kind for t in tables]) if tables else [],
            service=service,
            services=services,
            start=np.concatenate([t.start for t in tables]) if tables else [],
            end=np.concatenate([t.end for t in tables]) if tables else [],
            announced=np.concatenate([t.announced for t in tables]) if tables else [],
            state=state,
            states=states or ["down"],
            affected=affected,
            affected_levels=levels or [Decimal(1)],
            where=where,
        )

    # --- access ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self.kind.shape[0])

    def where(self, row: int) -> str:
        """Return where row ``row`` came from, for evidence and errors."""
        return self._where[row] if self._where is not None else f"record {row}"

    def where_all(self) -> list[str]:
        """Return the origin of every row, in row order."""
        if self._where is not None:
            return list(self._where)
        return [f"record {i}" for i in range(len(self))]

    def record(self, row: int) -> Event:
        """Return row ``row`` as a record object."""
        service = self.services[int(self.service[row])]
        start = from_us(int(self.start[row]))
        end = from_us(int(self.end[row]))
        kind = int(self.kind[row])
        if kind == MAINTENANCE:
            return Maintenance(service, start, end, announced=from_us(int(self.announced[row])))
        if kind == DEPLOYMENT:
            return Deployment(service, start, end)
        return Outage(
            service,
            start,
            end,
            state=self.states[int(self.state[row])],
            affected=self.affected_levels[int(self.affected[row])],
        )

    def records(self) -> list[Event]:
        """Return every row as a record object (slow on large tables; for inspection)."""
        return [self.record(i) for i in range(len(self))]

    def counts(self) -> dict[str, int]:
        """Return how many rows the table holds of each kind."""
        bins = np.bincount(self.kind, minlength=len(KINDS))
        return {name: int(bins[i]) for i, name in enumerate(KINDS)}

    def __repr__(self) -> str:
        counts = ", ".join(f"{v} {k}" for k, v in self.counts().items() if v)
        return (
            f"<EventTable {len(self)} rows ({counts or 'empty'}) "
            f"over {len(self.services)} services>"
        )


#: How a missing share is written in a column: it means the whole service (100%).
_MISSING_SHARE: Final = ("", "None", "nan", "NaN", "<NA>")


def _share_of(value: object) -> Decimal:
    """Return one ``affected`` cell as an exact share, by the rule of [`Outage`][slakit.Outage]."""
    if is_missing(value):  # None, NaN, NaT, pandas' NA
        return Decimal(1)
    if isinstance(value, str) and value.strip() in _MISSING_SHARE:
        return Decimal(1)
    if isinstance(value, np.generic):
        value = value.item()  # numpy scalars: their Python value, refused or read as usual
    return _share(value)


def _share_levels(
    column: Column, where_of: Any, problems: Problems
) -> tuple[list[Decimal], npt.NDArray[np.int32]]:
    """Return the sorted distinct shares of an ``affected`` column and each row's code.

    Shares are numbers: ``"50%"``, ``"50.0%"`` and ``Decimal("0.5")`` are one
    level, and levels sort by value (``"5%"`` before ``"25%"``). Each distinct
    cell (by type and text) is read once; an invalid one adds a problem per row.
    """
    values = column.values
    text_column = values.dtype.kind in "US"
    raw: Any = values.astype(str) if text_column else np.asarray(values, dtype=object)
    if column.missing is not None:
        raw = np.where(column.missing, None, raw.astype(object))
        text_column = False
    if text_column or set(map(type, raw.tolist())) <= {str, type(None)}:
        keys = raw.astype(str)  # text alone tells these cells apart (None reads as missing)
    else:
        keys = np.frompyfunc(_key, 1, 1)(raw).astype(str)  # "0.5" the string vs the Decimal
    uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    parsed: list[Decimal] = []
    for k, row in enumerate(first.tolist()):
        try:
            parsed.append(_share_of(raw[row]))
        except DefinitionError as exc:
            problems.extend(
                Problem(where_of(i), "affected", str(exc)) for i in problems.rows(keys == uniq[k])
            )
            parsed.append(Decimal(1))
    levels = sorted({Decimal(1), *parsed})  # 100% is always a level, as from_records makes it
    position = {level: i for i, level in enumerate(levels)}
    lut = np.asarray([position[level] for level in parsed], dtype=np.int32)
    return levels, lut[inverse.reshape(-1)] if parsed else np.zeros(0, np.int32)


def _key(value: object) -> str:
    """Return a cell's identity for grouping: its type and its text (cut, for long text)."""
    return f"{type(value).__name__}:{value!r}"


_row_key = row_key


class _Chained(RowNames):
    """The row names of tables laid end to end, computed when asked (no string per row)."""

    __slots__ = ("_bounds", "_tables")

    def __init__(self, tables: Sequence[EventTable]) -> None:
        self._tables = tuple(tables)
        self._bounds = np.cumsum([0, *(len(t) for t in self._tables)])

    def __len__(self) -> int:
        return int(self._bounds[-1])

    def name(self, i: int) -> str:
        part = int(np.searchsorted(self._bounds, i, side="right")) - 1
        return self._tables[part].where(i - int(self._bounds[part]))
