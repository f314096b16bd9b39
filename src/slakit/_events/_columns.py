"""Reading columns for the tables: lists, numpy arrays, pandas and polars columns, all checked.

Every reader of columns (``EventTable``, ``RequestTable``, ``TicketTable``)
goes through here, so each refuses the same things the same way: a missing
column, columns of different lengths, a missing name (``None``, ``NaN``,
``null``), a boolean or float where an instant belongs, an instant outside the
supported range, a datetime without a time zone. The checks are vectorised:
numeric and datetime columns cost no Python step per row; text columns cost one
cheap pass. Problems are collected in a ``Problems`` list, which keeps the
first ``MAX_PROBLEMS`` and counts the rest, so a million bad rows make a small error.
"""

from __future__ import annotations

import importlib
import itertools
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, cast, overload

import attrs
import numpy as np
import numpy.typing as npt

from slakit._time._instant import MAX_INSTANT_US, MIN_INSTANT_US, to_us
from slakit.exceptions import DefinitionError, EventDataError, Problem

__all__ = [
    "ECHO",
    "MAX_PROBLEMS",
    "NO_TIME",
    "Column",
    "Derived",
    "Problems",
    "RowNames",
    "categorical",
    "coded_names",
    "column_of",
    "distinct_names",
    "echo",
    "frozen",
    "instants",
    "is_blank",
    "is_missing",
    "kept_where",
    "names",
    "one_array",
    "read_columns",
    "row_key",
    "services_column",
]

#: How many problems one error keeps; the rest are counted (``EventDataError.omitted``).
MAX_PROBLEMS: Final = 1000
#: How many characters of a wrong value a message echoes.
ECHO: Final = 80
#: The missing-instant marker of the time columns.
NO_TIME: Final = int(np.iinfo(np.int64).min)
_RANGE_TEXT: Final = "1970-01-01T00:00:00Z to 9999-01-01T00:00:00Z"

I64 = npt.NDArray[np.int64]


def frozen(array: Any, dtype: type, *, copy: bool) -> Any:
    """Return ``array`` as a read-only column of ``dtype`` (copied when ``copy``).

    A read-only view: the caller's own array keeps its flags.
    """
    out: Any = np.array(array, dtype=dtype, copy=True) if copy else np.asarray(array, dtype=dtype)
    out = out.view()
    out.flags.writeable = False
    return out


class Derived:
    """What an immutable columnar table derives from its columns, computed once per key.

    A table sets ``_cache`` (a dict) when it is built; measures of one
    evaluation that need the same lookup (service positions, a sort) share it.
    """

    __slots__ = ()
    _cache: dict[object, object]

    def derived(self, key: object, build: Callable[[], Any]) -> Any:
        """Return a value derived from the (immutable) columns, computed once per ``key``."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]


Obj = npt.NDArray[np.object_]
Mask = npt.NDArray[np.bool_]
WhereOf = Callable[[int], str]


def echo(value: object) -> str:
    """Return ``repr(value)``, cut to ``ECHO`` characters, so a message stays short."""
    text = repr(value)
    if len(text) <= ECHO:
        return text
    return f"{text[:ECHO]}... ({len(text) - ECHO:,} more characters)"


def row_key(where: str) -> tuple[str, int]:
    """Return a sort key for a location: ``file:12``, ``row 12``, ``file:row 12`` by number."""
    head, _, tail = where.rpartition(":" if ":" in where else " ")
    tail = tail.removeprefix("row ") if head else tail
    return (head, int(tail)) if tail.isdigit() else (where, 0)


class Problems(list[Problem]):
    """The problems found in one input, bounded: a list that also counts what it left out.

    Checks over many rows ask ``rows()`` for the rows to report, which keeps the
    first ``MAX_PROBLEMS`` of them and counts the rest in ``omitted``; line
    readers call ``trim()`` between lines. ``error()`` sorts by record and keeps
    the first ``MAX_PROBLEMS``: those are the first problems of the input.
    """

    omitted: int

    def __init__(self) -> None:
        super().__init__()
        self.omitted = 0

    def rows(self, selected: npt.NDArray[Any]) -> list[int]:
        """Return the rows of a boolean mask (or of an index array) to report, at most N."""
        index = np.flatnonzero(selected) if selected.dtype == np.bool_ else selected
        if index.shape[0] > MAX_PROBLEMS:
            self.omitted += int(index.shape[0]) - MAX_PROBLEMS
            index = index[:MAX_PROBLEMS]
        return [int(i) for i in index.tolist()]

    def trim(self) -> None:
        """Keep the first ``MAX_PROBLEMS`` problems and count the rest."""
        if len(self) > MAX_PROBLEMS:
            self.omitted += len(self) - MAX_PROBLEMS
            del self[MAX_PROBLEMS:]

    def error(self) -> EventDataError:
        """Return the error that lists the first problems, in record order, and counts the rest."""
        ordered = sorted(self, key=lambda p: row_key(p.where))
        kept = ordered[:MAX_PROBLEMS]
        return EventDataError(kept, omitted=self.omitted + len(ordered) - len(kept))


def problems_of(problems: list[Problem]) -> Problems:
    """Return ``problems`` as a bounded list (the same list when it already is one)."""
    if isinstance(problems, Problems):
        return problems
    out = Problems()
    out.extend(problems)
    return out


# --- missing values ----------------------------------------------------------------------------

_MISSING_TYPES: Final = frozenset({"NAType", "NaTType"})  # pandas' NA and NaT


def is_missing(value: object) -> bool:
    """Return whether a cell holds a missing value: None, NaN, NaT or pandas' NA."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(math.isnan(value))
    if isinstance(value, np.datetime64 | np.timedelta64):
        return bool(np.isnat(value))
    if isinstance(value, Decimal):
        return value.is_nan()  # quiet or signalling, never compared
    return type(value).__name__ in _MISSING_TYPES


# --- columns -----------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class Column:
    """One column, as a 1-D numpy array, with what the data frame said about it.

    ``missing`` marks the cells a data frame holds as null (``None`` when it
    said nothing); ``naive`` says a data frame's datetimes carry no time zone;
    ``categories`` is what ``categorical()`` read of a categorical column read
    by its codes (then ``values`` are those codes). ``borrowed`` says ``values``
    may be (a view of) the caller's memory, which a table must copy before it
    keeps it; columns converted from lists and Arrow arrays are not (Arrow's
    memory is immutable).
    """

    name: str
    values: npt.NDArray[Any]
    missing: npt.NDArray[np.bool_] | None = None
    naive: bool = False
    categories: tuple[I64, npt.NDArray[np.bool_], list[object]] | None = None
    borrowed: bool = True

    def __len__(self) -> int:
        return int(self.values.shape[0])

    def missing_mask(self) -> npt.NDArray[np.bool_]:
        """Return a writable mask of the missing cells (all ``False`` when none are known)."""
        if self.missing is None:
            return np.zeros(len(self), dtype=bool)
        return self.missing.astype(bool, copy=True)


def _module(value: object) -> str:
    return type(value).__module__.partition(".")[0]


def _from_polars(raw: Any) -> Column:
    dtype = raw.dtype
    missing = raw.is_null().to_numpy() if raw.null_count() else None
    temporal = bool(dtype.is_temporal()) and "Duration" not in str(dtype)
    naive = temporal and getattr(dtype, "time_zone", None) is None
    if missing is not None and dtype.is_integer():
        raw = raw.fill_null(0)
    elif missing is not None and str(dtype) == "Boolean":
        raw = raw.fill_null(False)
    return Column("", np.asarray(raw.to_numpy()), missing, naive)


def _zone_of(dtype: Any) -> object:
    """Return the time zone of a pandas datetime dtype (numpy-backed or Arrow-backed), or None."""
    zone = getattr(dtype, "tz", None)
    if zone is None:  # pd.ArrowDtype(pa.timestamp("us", tz="UTC")) names it on its Arrow type
        zone = getattr(getattr(dtype, "pyarrow_dtype", None), "tz", None)
    return zone


def _from_pandas(raw: Any) -> Column:
    dtype = raw.dtype
    naive = False
    if getattr(dtype, "kind", "") == "M":
        if _zone_of(dtype) is not None:
            raw = (
                raw.dt.tz_convert("UTC").dt.tz_localize(None)
                if hasattr(raw, "dt")
                else raw.tz_convert("UTC").tz_localize(None)
            )
        else:
            naive = True
    try:
        nulls = np.asarray(raw.isna(), dtype=bool)
    except ArithmeticError:  # Decimal('sNaN') signals in pandas' isna; cells are checked one by one
        nulls = np.zeros(len(raw), dtype=bool)
    missing = nulls if nulls.any() else None
    numpy_dtype = getattr(dtype, "numpy_dtype", None)
    if missing is not None and numpy_dtype is not None and np.dtype(numpy_dtype).kind in "iub":
        fill = False if np.dtype(numpy_dtype).kind == "b" else 0
        return Column("", raw.to_numpy(dtype=numpy_dtype, na_value=fill), missing, naive)
    return Column("", np.asarray(raw.to_numpy()), missing, naive)


def one_array(raw: Any) -> Any:
    """Return a pyarrow ``Array`` or ``ChunkedArray`` as one ``Array``.

    A dictionary column's chunks often share a few dictionaries (a Parquet file
    has one per row group, each read in several chunks): each distinct
    dictionary is hashed once into one, and the codes renumbered, instead of
    hashing every chunk's (which ``unify_dictionaries`` does).
    """
    pa: Any = importlib.import_module("pyarrow")

    if not isinstance(raw, pa.ChunkedArray):
        return raw
    if raw.num_chunks == 1:
        return raw.chunk(0)
    if not (pa.types.is_dictionary(raw.type) and raw.num_chunks):
        return raw.combine_chunks()
    pc: Any = importlib.import_module("pyarrow.compute")
    shared: dict[tuple[int, ...], int] = {}  # a dictionary, by its memory: its number
    dictionaries: list[Any] = []
    which: list[int] = []
    for chunk in raw.chunks:
        d = chunk.dictionary
        key = (len(d), d.offset, *(0 if b is None else b.address for b in d.buffers()))
        if key not in shared:
            shared[key] = len(dictionaries)
            dictionaries.append(d)
        which.append(shared[key])
    indices = pa.concat_arrays([c.indices for c in raw.chunks])
    if len(dictionaries) == 1:
        return pa.DictionaryArray.from_arrays(indices, dictionaries[0])
    merged = pc.dictionary_encode(pa.concat_arrays(dictionaries))  # each name hashed once
    if merged.null_count:  # a dictionary that holds a null: as pyarrow unifies them
        return raw.unify_dictionaries().combine_chunks()
    remap = np.asarray(merged.indices.to_numpy(zero_copy_only=False), dtype=np.int32)
    base = np.cumsum([0, *map(len, dictionaries)])[:-1]  # each dictionary's place in remap
    offsets = np.repeat(base[which], [len(c) for c in raw.chunks])
    missing = indices.is_null() if indices.null_count else None
    codes = np.asarray(indices.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)
    renumbered = pa.array(
        remap[codes + offsets] if len(remap) else codes.astype(np.int32),
        type=pa.int32(),
        mask=None if missing is None else missing.to_numpy(zero_copy_only=False),
    )
    return pa.DictionaryArray.from_arrays(renumbered, merged.dictionary)


def _from_arrow(raw: Any) -> Column:
    """Return a pyarrow ``Array`` or ``ChunkedArray`` as a column: nulls marked, zones checked.

    Timestamps with a zone become UTC ``datetime64`` values of their unit; without
    one (or dates) they are marked naive; strings become a numpy string array
    (nulls as ``""``, marked missing); dictionary arrays are decoded (``categorical()``
    reads their codes where codes are wanted).
    """
    pa: Any = importlib.import_module("pyarrow")
    pc: Any = importlib.import_module("pyarrow.compute")

    array = one_array(raw)
    if pa.types.is_dictionary(array.type):
        names = array.dictionary
        if pa.types.is_string(names.type) or pa.types.is_large_string(names.type):
            # each distinct name converted once, then picked by code (no string per row)
            missing = np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
            codes = pc.fill_null(array.indices, 0).to_numpy(zero_copy_only=False)
            text = np.asarray(names.to_numpy(zero_copy_only=False).astype(str))
            values = text[codes] if len(text) else np.full(len(codes), "", dtype=str)
            if missing.any():
                values = np.where(missing, "", values)
            return Column("", values, missing if missing.any() else None, borrowed=False)
        array = array.dictionary_decode()
    kind = array.type
    missing = np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    has_missing = bool(missing.any())
    naive = (pa.types.is_timestamp(kind) and kind.tz is None) or pa.types.is_date(kind)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        text = pc.fill_null(array, "") if has_missing else array
        values = np.asarray(text.to_numpy(zero_copy_only=False).astype(str))
        return Column("", values, missing if has_missing else None, borrowed=False)
    if has_missing and (pa.types.is_integer(kind) or pa.types.is_boolean(kind)):
        array = pc.fill_null(array, pa.scalar(False if pa.types.is_boolean(kind) else 0, kind))
    values = np.asarray(array.to_numpy(zero_copy_only=False))
    return Column("", values, missing if has_missing else None, naive, borrowed=False)


_SIMPLE: Final = frozenset({int, float, bool, str, np.int64, np.int32, np.str_, np.datetime64})


def _from_sequence(raw: Sequence[Any]) -> npt.NDArray[Any]:
    """Return a list as an array without numpy's guesses: mixed cells stay Python objects.

    ``np.asarray([1, "a"])`` makes strings of both and ``[True, 5]`` makes
    integers of both; a list of one simple type converts as numpy would.
    """
    types = set(map(type, raw))
    if len(types) == 1 and types <= _SIMPLE:
        array = np.asarray(raw)
        if array.dtype.kind != "O" or types != {int}:
            return array
    return np.fromiter(raw, dtype=object, count=len(raw))


def _array(raw: Any, name: str, what: str) -> Column | Problem:
    """Return one column as a 1-D array, or the problem that makes it no column."""
    try:
        if _module(raw) == "polars" and hasattr(raw, "is_null"):
            column = _from_polars(raw)
        elif _module(raw) == "pandas" and hasattr(raw, "isna"):
            column = _from_pandas(raw)
        elif _module(raw) == "pyarrow" and hasattr(raw, "is_null"):
            column = _from_arrow(raw)
        elif isinstance(raw, np.ndarray):
            column = Column("", raw)
        elif hasattr(raw, "to_numpy"):
            column = Column("", np.asarray(raw.to_numpy()))
        elif isinstance(raw, list | tuple | range):
            column = Column("", _from_sequence(raw), borrowed=False)
        else:
            column = Column("", np.asarray(raw))
    except Exception as error:  # a data frame library refused to convert it
        return Problem(
            "columns",
            name,
            f"cannot be read as a numpy column ({type(error).__name__}: {echo(str(error))[1:-1]}); "
            "give integers, datetimes or strings",
        )
    if column.values.ndim != 1:
        return Problem(
            "columns",
            name,
            f"must be a column (a list, a 1-D numpy array or a data frame's column); "
            f"got {type(raw).__name__}",
        )
    return attrs.evolve(column, name=name)


def column_of(raw: object, name: str) -> Column:
    """Return one column as a ``Column`` (see ``read_columns``).

    Raises:
        EventDataError: it cannot be read as a 1-D column.
    """
    read = _array(raw, name, "")
    if isinstance(read, Problem):
        raise EventDataError([read])
    return read


def column_names(columns: object) -> list[str]:
    """Return the names of the columns given (for messages)."""
    found = getattr(columns, "columns", None)
    if found is None and isinstance(columns, Mapping):
        found = list(columns)
    return [str(c) for c in (found if found is not None else [])]


def read_columns(
    columns: object,
    *,
    required: Sequence[str],
    optional: Sequence[str],
    what: str,
    kinds: Mapping[str, str] | None = None,
    coded: Sequence[str] = (),
) -> dict[str, Column]:
    """Return the required and the optional columns given, all of one length.

    A ``coded`` column that is categorical (see ``categorical()``) is not decoded:
    its ``values`` are the integer codes, and its reader takes the names from
    ``categorical()`` of the column as given (5 million names cost half a GB).

    Raises:
        EventDataError: ``columns`` is no mapping or data frame, a required
            column is missing, or the columns have different lengths.
    """
    if (
        not hasattr(columns, "__contains__")
        or not hasattr(columns, "__getitem__")
        or isinstance(columns, str | bytes | Sequence | np.ndarray)
    ):
        raise EventDataError(
            [
                Problem(
                    "columns",
                    "",
                    f"{what} columns must be a mapping of column names to columns, or a data "
                    f"frame; got {type(columns).__name__}",
                )
            ]
        )
    accepted = f"{', '.join(required)}" + (
        f", and optionally {', '.join(optional)}" * bool(optional)
    )
    given = column_names(columns)
    shown = ", ".join(map(repr, given[:20])) + (" ..." if len(given) > 20 else "")
    problems: list[Problem] = [
        Problem(
            "columns",
            name,
            f"missing; {what} columns are {accepted} (given: {shown or 'none'})",
        )
        for name in required
        if name not in columns
    ]
    out: dict[str, Column] = {}
    for name in (*required, *optional):
        if name in columns:
            raw = columns[name]
            codes = categorical(raw) if name in coded else None
            read = (
                Column(name, codes[0], categories=codes)
                if codes is not None
                else _array(raw, name, what)
            )
            if isinstance(read, Problem):
                problems.append(read)
            else:
                out[name] = read
    if out:
        # the length most columns have (the first column's on a tie) is the table's
        lengths = [len(c) for c in out.values()]
        n = max(lengths, key=lengths.count)
        first = next(name for name, c in out.items() if len(c) == n)
        kinds = kinds or {}
        problems.extend(
            Problem(
                "columns",
                name,
                (
                    f"must be {n:,} {kinds[name]}"
                    if name in kinds
                    else f"must have {n:,} row{'s' * (n != 1)}"
                )
                + f" like {first!r}, one per row; it has {len(column):,}",
            )
            for name, column in out.items()
            if len(column) != n
        )
    if problems:
        raise EventDataError(problems)
    return out


def restore_slots(self: object, state: object) -> None:
    """Restore an immutable table from its pickled state (``__setstate__`` of the tables).

    Pickling a class with ``__slots__`` gives ``(None, {slot: value})``; the tables
    refuse ``setattr``, so the slots are set as their constructors set them.
    """
    assert isinstance(state, tuple)
    for part in state:
        for name, value in (part or {}).items():
            object.__setattr__(self, name, value)


class RowNames(Sequence[str]):
    """Names of rows computed when asked: a table keeps one of these, not a string per row.

    A subclass says how many rows there are (``__len__``) and how row ``i`` is
    named (``name(i)``); indexing (negative too) and slicing (a list) follow.
    """

    __slots__ = ()

    def name(self, i: int) -> str:  # pragma: no cover - each subclass names its rows
        """Return the name of row ``i`` (``0 <= i < len(self)``)."""
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        n = len(self)
        if isinstance(index, slice):
            return [self.name(i) for i in range(*index.indices(n))]
        i = int(index)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"row {index} of {n:,}")
        return self.name(i)

    def __repr__(self) -> str:
        shown = ", ".join(map(repr, self[:2]))
        return f"<{type(self).__name__} {len(self):,} rows: {shown}{', ...' * (len(self) > 2)}>"


def check_where(where: Sequence[str] | None, n: int) -> None:
    """Refuse a ``where`` that does not name each row once."""
    if where is not None and len(where) != n:
        raise EventDataError(
            [Problem("columns", "where", f"has {len(where):,} entries for {n:,} rows")]
        )


# --- names -------------------------------------------------------------------------------------


def names(
    column: Column | None,
    n: int,
    *,
    where_of: WhereOf,
    problems: Problems,
    default: str | None = None,
    integers: bool = False,
    what: str = "name",
    blank: str | None = None,
) -> npt.NDArray[np.str_] | None:
    """Return a column of names as a numpy string array, or ``None`` after a column problem.

    A missing cell (``None``, ``NaN``, ``null``, pandas' ``NA``) takes ``default``,
    or is a problem of its row when there is none; a cell that is not a string
    (an integer id is one, where ``integers``) is a problem of its row. With
    ``blank`` (a message), a blank string is a problem of its row too.
    """
    if column is None:
        return np.full(n, default or "", dtype=f"<U{max(len(default or ''), 1)}")
    values = column.values
    kind = values.dtype.kind
    missing = column.missing_mask()
    wrong = np.zeros(n, dtype=bool)
    if kind == "U":
        out = values
    elif kind in "iu" and integers:
        out = values.astype(str)
    elif kind == "f" and np.isnan(values).all():
        missing |= True
        out = np.full(n, "", dtype=str)
    elif kind == "O":
        cells = values.tolist()
        is_text = np.fromiter((isinstance(v, str) for v in cells), dtype=bool, count=n)
        if not is_text.all():
            rest = np.flatnonzero(~is_text & ~missing).tolist()
            for i in rest:
                cell = cells[i]
                if is_missing(cell):
                    missing[i] = True
                elif (
                    integers
                    and isinstance(cell, int | np.integer)
                    and not isinstance(cell, bool | np.bool_)
                ):
                    cells[i] = str(int(cell))
                else:
                    wrong[i] = True
            cells = [c if isinstance(c, str) else "" for c in cells]
        out = np.asarray(cells, dtype=str) if n else np.zeros(0, dtype=str)
    else:
        kinds = "strings or integers" if integers else "strings"
        problems.append(
            Problem(
                "columns",
                column.name,
                f"holds {values.dtype} values; give {what}s as {kinds}",
            )
        )
        return None
    for i in problems.rows(wrong):
        cell = values[i]
        problems.append(
            Problem(
                where_of(i),
                column.name,
                f"{echo(cell)} is a {type(cell).__name__}; give the {what} as a string",
            )
        )
    if missing.any():
        if default is not None:
            out = np.where(missing, default, out)
        else:
            problems.extend(
                Problem(
                    where_of(i),
                    column.name,
                    f"missing ({_missing_text(values[i])}); give {_article(what)} {what}",
                )
                for i in problems.rows(missing)
            )
    out = np.asarray(out, dtype=str)
    if blank is not None:
        empty = is_blank(out)
        problems.extend(
            Problem(where_of(i), column.name, blank)
            for i in problems.rows(empty & ~missing & ~wrong)
        )
    return out


# --- integer codes into a list of names ---------------------------------------------------------


def categorical(raw: object) -> tuple[I64, npt.NDArray[np.bool_], list[object]] | None:
    """Return a categorical column as ``(codes, missing, categories)``; ``None`` for any other.

    A pandas categorical (a ``Series`` or a ``Categorical``) and a polars
    ``Categorical`` or ``Enum`` column carry integer codes and the names they
    stand for: reading those costs no string comparison per row. pandas marks a
    missing cell with code -1; polars with null. A polars ``Categorical``'s codes
    index a process-wide string cache, so they are renumbered by the categories
    present (one integer sort of the distinct codes).
    """
    module = _module(raw)
    if module == "pyarrow" and hasattr(raw, "is_null"):
        return _arrow_categorical(raw)
    dtype = type(getattr(raw, "dtype", None)).__name__
    pandas = module == "pandas" and dtype == "CategoricalDtype"
    polars = module == "polars" and dtype in {"Categorical", "Enum"} and hasattr(raw, "to_physical")
    if not (pandas or polars):
        return None
    values: Any = raw
    if pandas:
        cat = getattr(values, "cat", values)  # a Series' accessor, or the Categorical itself
        codes = np.asarray(cat.codes, dtype=np.int64)
        return codes, codes < 0, list(cat.categories)
    missing = np.asarray(values.is_null().to_numpy(), dtype=bool)
    physical = np.asarray(values.to_physical().fill_null(0).to_numpy(), dtype=np.int64)
    if dtype == "Enum":
        return physical, missing, list(values.dtype.categories.to_list())
    present = values.drop_nulls().unique()
    ids = np.asarray(present.to_physical().to_numpy(), dtype=np.int64)
    order = np.argsort(ids)
    labels = present.cast(str).to_list()
    codes = np.searchsorted(ids[order], physical)
    codes[missing] = 0
    return codes, missing, [labels[i] for i in order.tolist()]


def _arrow_categorical(raw: Any) -> tuple[I64, npt.NDArray[np.bool_], list[object]] | None:
    """Return a pyarrow dictionary array as ``(codes, missing, categories)``; None for others."""
    pa: Any = importlib.import_module("pyarrow")

    if not pa.types.is_dictionary(raw.type):
        return None
    array = one_array(raw)
    indices = array.indices
    if array.null_count:
        missing = np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        indices = indices.fill_null(0)
    else:
        missing = np.zeros(len(array), dtype=bool)
    codes = np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    return codes, missing, array.dictionary.to_pylist()


def coded_names(
    column: Column,
    vocabulary: Sequence[object] | None,
    *,
    categories: tuple[I64, npt.NDArray[np.bool_], list[object]] | None,
    where_of: WhereOf,
    problems: Problems,
    what: str = "service",
    vocabulary_name: str = "services",
) -> tuple[list[str], npt.NDArray[np.int32]] | None:
    """Return integer codes into a list of names as sorted distinct names and codes into them.

    The codes come from ``categories`` (a data frame's categorical column, see
    ``categorical()``) or from ``column`` (integers, each a position in
    ``vocabulary``). Every problem is reported: a column that is not integers,
    a missing code, a negative code, a code past the end of the names, a name
    that is not a non-empty string, a name given twice. The names returned are
    those some row uses, sorted, as a table built from names would hold them;
    the result equals that table's, with no string compared per row.
    Returns ``None`` after a column problem.
    """
    field = column.name
    n = len(column)
    if categories is not None:
        codes, missing, names = categories
        missing = missing.copy()
        label = field

        def entry(k: int) -> str:
            return f"category {k:,}"

    else:
        assert vocabulary is not None
        names = list(vocabulary)
        label = vocabulary_name

        def entry(k: int) -> str:
            return f"{vocabulary_name}[{k}]"

        kind = column.values.dtype.kind
        if kind in "USb":
            problems.append(
                Problem(
                    "columns",
                    field,
                    f"holds {column.values.dtype} values; with {vocabulary_name}=[...] each "
                    f"{what} is an integer code, its position in {vocabulary_name} (0 to "
                    f"{len(names) - 1:,}); give codes, or leave {vocabulary_name} out to give "
                    "names",
                )
            )
            return None
        missing = (
            np.zeros(n, dtype=bool)
            if column.missing is None
            else column.missing.astype(bool, copy=True)
        )
        read = whole_numbers(
            column,
            missing,
            what=f"integer codes into {vocabulary_name}",
            where_of=where_of,
            problems=problems,
        )
        if read is None:
            return None
        codes = read
    m = len(names)
    span = f"0 to {m - 1:,}" if m else f"{vocabulary_name} is empty"
    problems.extend(
        Problem(where_of(i), field, f"missing (no code); give {_article(what)} {what}")
        for i in problems.rows(missing)
    )
    negative = ~missing & (codes < 0)
    past = ~missing & (codes >= m)
    problems.extend(
        Problem(
            where_of(i),
            field,
            f"{int(codes[i])} is negative; a {what} code is a position in {vocabulary_name} "
            f"({span})",
        )
        for i in problems.rows(negative)
    )
    problems.extend(
        Problem(
            where_of(i),
            field,
            f"{int(codes[i])} is past the end of {vocabulary_name}, which holds {m:,} "
            f"name{'s' * (m != 1)} ({span})",
        )
        for i in problems.rows(past)
    )
    not_name, first, order = _vocabulary_order(names)
    slow = not set(map(type, names)) <= {str}  # numpy strings, or entries that are no names
    problems.extend(
        Problem(
            "columns",
            label,
            f"{entry(k)} is {echo(names[k])}, not {_article(what)} {what} name; give "
            "non-empty strings",
        )
        for k in problems.rows(not_name)
    )
    twice = (first != np.arange(m)) & ~not_name
    problems.extend(
        Problem(
            "columns",
            label,
            f"{entry(k)} is {echo(names[k])}, as {entry(int(first[k]))} is; "
            f"each {what} must have one code",
        )
        for k in problems.rows(twice)
    )
    valid = ~(missing | negative | past)
    safe = codes if bool(valid.all()) else np.where(valid, codes, 0)
    used = np.zeros(m, dtype=bool)
    used[safe[valid]] = True
    order = order[used[order]]  # the names some row uses, in name order
    position = np.zeros(max(m, 1), dtype=np.int32)
    position[order] = np.arange(len(order), dtype=np.int32)
    texts: Obj = np.empty(m, dtype=object)  # entries that are no names show as ""
    texts[:] = [n if isinstance(n, str) else "" for n in names] if slow else list(names)
    sorted_names = [str(n) for n in texts[order].tolist()] if slow else texts[order].tolist()
    if len(order) == m and bool((position[:m] == np.arange(m)).all()) and safe is codes:
        # every name used and already sorted: the codes are the table's, used without a copy
        given = column.values
        if categories is None and given.dtype == np.int32:
            return sorted_names, given
        return sorted_names, codes.astype(np.int32, copy=False)
    return sorted_names, position[safe]


def strictly_ascending(names: Sequence[object]) -> bool:
    """Return whether ``names`` are strings in strictly ascending order (so distinct).

    One comparison per neighbour, in Python's order of text (by code point),
    stopping at the first that is not; entries of other types are never so.
    """
    if not set(map(type, names)) <= {str}:
        return False
    texts = cast("list[str]", names)
    return all(map(operator.lt, texts, itertools.islice(texts, 1, None)))


def _blank(text: str) -> bool:
    return not text.strip()


def _vocabulary_order(names: Sequence[object]) -> tuple[npt.NDArray[np.bool_], I64, I64]:
    """Return which entries are no name, each entry's first equal entry, and the name order.

    The order sorts the entries by name as numpy orders strings (by code point,
    as Python does), equal names in entry order, entries that are no name as
    ``""``. Names without a NUL character are checked in bulk (one sort);
    others one by one.
    """
    m = len(names)
    if not m:
        return np.zeros(0, dtype=bool), np.zeros(0, np.int64), np.zeros(0, np.int64)
    if strictly_ascending(names):  # an Arrow dictionary slakit sorted: no string sorted again
        if "\x00" in "".join(cast("list[str]", names)):  # numpy drops a trailing NUL
            not_name = np.fromiter(map(_blank, cast("list[str]", names)), dtype=bool, count=m)
        else:
            not_name = is_blank(np.asarray(names, dtype=np.str_))
        every = np.arange(m, dtype=np.int64)
        return not_name, every, every
    if set(map(type, names)) <= {str} and "\x00" not in "".join(cast("list[str]", names)):
        text = np.asarray(names, dtype=np.str_)
        not_name = np.strings.strip(text) == ""
        order = np.argsort(text, kind="stable").astype(np.int64)
        ranked = text[order]
        starts = np.r_[True, ranked[1:] != ranked[:-1]]
        first = np.empty(m, dtype=np.int64)
        first[order] = order[np.flatnonzero(starts)][np.cumsum(starts) - 1]  # a run's first
        return not_name, first, order
    # NUL characters (which numpy's strings drop at the end) or entries that are no strings
    texts = [str(name) if isinstance(name, str) else "" for name in names]
    not_name = np.fromiter((not t.strip() for t in texts), dtype=bool, count=m)
    seen: dict[str, int] = {}
    first = np.fromiter((seen.setdefault(t, k) for k, t in enumerate(texts)), np.int64, m)
    order = np.asarray(sorted(range(m), key=texts.__getitem__), dtype=np.int64)
    return not_name, first, order


def distinct_names(
    text: npt.NDArray[np.str_], *, field: str, where_of: WhereOf, problems: Problems
) -> tuple[list[str], npt.NDArray[np.int32]]:
    """Return the sorted distinct names of a column of names, and each row's code into them.

    A blank name is a problem of each row that has it (checked once per name,
    not once per row), unless the row's ``field`` was reported already (missing,
    or not text).
    """
    uniq, codes = np.unique(text, return_inverse=True)
    codes = codes.reshape(-1)
    empty = np.flatnonzero(is_blank(uniq))
    if empty.size:
        told = {p.where for p in problems if p.field == field}
        problems.extend(
            Problem(where_of(i), field, f"must be a non-empty {field} name")
            for i in problems.rows(np.isin(codes, empty))
            if where_of(i) not in told
        )
    return [str(s) for s in uniq.tolist()], codes.astype(np.int32)


def services_column(
    raw: object,
    column: Column,
    services: Sequence[str] | None,
    *,
    where_of: WhereOf,
    problems: Problems,
) -> tuple[list[str], npt.NDArray[np.int32]] | None:
    """Return a ``service`` column as sorted service names and each row's code into them.

    The column holds names (strings), or integer codes with the names they stand
    for: integers with ``services`` (the name of each code), or a categorical
    column (pandas, polars, a pyarrow dictionary), which carries its own names.
    Either way the result equals what the names give. ``None`` follows a column
    problem.
    """
    codes_of = column.categories if column.categories is not None else categorical(raw)
    if codes_of is not None and services is not None:
        problems.append(
            Problem(
                "columns",
                "service",
                "is a categorical column, which names its own categories; leave services "
                "out (services=[...] names integer codes)",
            )
        )
        return None
    if codes_of is not None or services is not None:
        return coded_names(
            column, services, categories=codes_of, where_of=where_of, problems=problems
        )
    if column.values.dtype.kind in "iu":
        problems.append(
            Problem(
                "columns",
                "service",
                f"holds {column.values.dtype} values; give services as strings, "
                "or integer codes with services=[...], the name of each code",
            )
        )
        return None
    text = names(column, len(column), where_of=where_of, problems=problems, what="service")
    if text is None:
        return None
    return distinct_names(text, field="service", where_of=where_of, problems=problems)


def kept_where(where: Sequence[str] | None) -> Sequence[str] | None:
    """Return the ``where`` a table keeps: a list becomes a tuple; a lazy sequence stays lazy.

    A reader names millions of rows with a small sequence that computes each
    name when asked (``slakit.io.Columns.where``); turning it into a tuple
    would cost a string per row.
    """
    if where is None or isinstance(where, tuple):
        return where
    if isinstance(where, list | np.ndarray) or not isinstance(where, Sequence):
        return tuple(where)
    return where


def is_blank(text: npt.NDArray[np.str_]) -> npt.NDArray[np.bool_]:
    """Return which strings are empty or only whitespace (one C loop each, no copies)."""
    return np.asarray(np.strings.isspace(text) | (np.strings.str_len(text) == 0), dtype=bool)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _missing_text(cell: object) -> str:
    if isinstance(cell, float | np.floating):
        return "NaN"
    if cell is None:
        return "None"
    return str(cell) if type(cell).__name__ in _MISSING_TYPES else "null"


# --- instants ----------------------------------------------------------------------------------

#: Microseconds in one tick of each numpy datetime unit (months and years are calendar units).
_TICK_US: Final = {
    "W": Fraction(7 * 86_400_000_000),
    "D": Fraction(86_400_000_000),
    "h": Fraction(3_600_000_000),
    "m": Fraction(60_000_000),
    "s": Fraction(1_000_000),
    "ms": Fraction(1000),
    "us": Fraction(1),
    "ns": Fraction(1, 1000),
    "ps": Fraction(1, 10**6),
    "fs": Fraction(1, 10**9),
    "as": Fraction(1, 10**12),
}
_INT64: Final = np.iinfo(np.int64)


def _outside(shown: str) -> str:
    return (
        f"{shown} lies outside the supported instants, {_RANGE_TEXT}; give an instant in that range"
    )


def ticks_to_us(
    column: Column,
    missing: npt.NDArray[np.bool_],
    *,
    lo: int,
    hi: int,
    where_of: WhereOf,
    problems: Problems,
    outside: Callable[[str], str],
    invalid: npt.NDArray[np.bool_] | None = None,
) -> I64:
    """Return a ``datetime64`` or ``timedelta64`` column as microseconds (``NaT`` missing).

    Values outside ``[lo, hi]`` microseconds and values finer than a microsecond
    are problems of their rows (and marked in ``invalid``); the check runs in the
    column's own unit, so no value overflows on the way.
    """
    values = column.values
    unit, count = np.datetime_data(values.dtype)
    ticks = values.view(np.int64)
    missing |= ticks == _INT64.min  # NaT
    fine: npt.NDArray[np.bool_] | None = None
    if unit in ("Y", "M"):
        # calendar units: checked as years or months from 1970, then converted by numpy
        per_year = 12 if unit == "M" else 1
        first, last = (1970, 9999) if values.dtype.kind == "M" else (0, 0)
        bad = ~missing & ((ticks < 0) | (ticks > (last - first) * per_year // count))
        safe = np.where(bad | missing, 0, ticks).view(values.dtype)
        target = "datetime64[us]" if values.dtype.kind == "M" else "timedelta64[us]"
        us = safe.astype(target).view(np.int64)
    elif unit in _TICK_US:
        tick = _TICK_US[unit] * count
        low = max(math.ceil(lo / tick), _INT64.min + 1)
        high = min(math.floor(hi / tick), _INT64.max)
        bad = ~missing & ((ticks < low) | (ticks > high))
        if tick == 1 and not (bad.any() or missing.any()):
            return ticks  # microseconds already: no copy
        safe = np.where(bad | missing, 0, ticks)
        scaled = safe * np.int64(tick.numerator)
        us = scaled // np.int64(tick.denominator)
        if tick.denominator != 1:
            fine = (scaled % np.int64(tick.denominator)) != 0
    else:  # a generic datetime64 or timedelta64: only NaT has no unit
        bad = ~missing
        us = np.zeros(len(column), dtype=np.int64)
    problems.extend(
        Problem(where_of(i), column.name, outside(str(values[i]))) for i in problems.rows(bad)
    )
    if invalid is not None:
        invalid |= bad if fine is None else bad | (fine & ~missing)
    if fine is not None:
        problems.extend(
            Problem(
                where_of(i),
                column.name,
                f"{values[i]} is finer than a microsecond; round it to microseconds "
                "(for pandas: .dt.floor('us'))",
            )
            for i in problems.rows(fine & ~bad & ~missing)
        )
    return np.asarray(us, dtype=np.int64)


def _integers(
    column: Column,
    missing: npt.NDArray[np.bool_],
    invalid: npt.NDArray[np.bool_],
    where_of: WhereOf,
    problems: Problems,
) -> I64:
    values = column.values
    if len(column) and column.missing is None:
        low, high = int(values.min()), int(values.max())
        if low >= MIN_INSTANT_US and high <= MAX_INSTANT_US:
            return values.astype(np.int64, copy=False)  # the common case: two passes
    if values.dtype == np.int64:
        missing |= values == NO_TIME  # the tables' own marker reads back as missing
    bad = ~missing & ((values < MIN_INSTANT_US) | (values > MAX_INSTANT_US))
    problems.extend(
        Problem(
            where_of(i), column.name, _outside(f"{int(values[i])} microseconds since the epoch")
        )
        for i in problems.rows(bad)
    )
    if not (bad.any() or missing.any()):
        return values.astype(np.int64, copy=False)
    invalid |= bad
    return np.where(bad | missing, 0, values).astype(np.int64)


def whole_numbers(
    column: Column,
    missing: npt.NDArray[np.bool_],
    *,
    what: str,
    where_of: WhereOf,
    problems: Problems,
) -> I64 | None:
    """Return a column of whole numbers as ``int64``; ``missing`` marks the missing cells.

    Integers as they are; floats where they are whole (``NaN`` is missing: a data
    frame's integer column with missing values holds floats); Python objects
    where they are integers (``None``, ``NaN``, ``NA`` missing). Anything else
    is a problem of its row; a column of another kind adds one column problem
    and returns ``None``.
    """
    values = column.values
    kind = values.dtype.kind
    n = len(column)
    if kind in "iu":
        if kind == "u" and values.dtype.itemsize == 8 and n and int(values.max()) > _INT64.max:
            big = values > _INT64.max
            if big.any():
                problems.extend(
                    Problem(where_of(i), column.name, f"{int(values[i])} is too large")
                    for i in problems.rows(big)
                )
                return np.where(big, 0, values).astype(np.int64)
        return values.astype(np.int64, copy=False)
    if kind == "f":
        missing |= np.isnan(values)
        safe = np.where(missing, 0.0, values)
        bad = (safe != np.floor(safe)) | (np.abs(safe) > 2.0**53)
        problems.extend(
            Problem(
                where_of(i),
                column.name,
                f"{float(values[i])!r} is not a whole number; give {what}",
            )
            for i in problems.rows(bad)
        )
        return np.where(bad, 0, safe).astype(np.int64)
    if kind == "O":
        out = np.zeros(n, dtype=np.int64)
        bad = np.zeros(n, dtype=bool)
        for i, cell in enumerate(values.tolist()):
            if missing[i] or is_missing(cell):
                missing[i] = True
            elif isinstance(cell, int | np.integer) and not isinstance(cell, bool | np.bool_):
                if _INT64.min < int(cell) <= _INT64.max:
                    out[i] = int(cell)
                else:
                    bad[i] = True
            else:
                bad[i] = True
        problems.extend(
            Problem(
                where_of(i), column.name, f"{echo(values[i])} is not a whole number; give {what}"
            )
            for i in problems.rows(bad)
        )
        return out
    problems.append(Problem("columns", column.name, f"holds {values.dtype} values; give {what}"))
    return None


_ZULU: Final = 20  # len("2026-10-01T00:00:00Z")
_OFFSET: Final = 25  # len("2026-10-01T00:00:00+02:00")
_MONTH_DAYS: Final = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _offsets(
    char: Callable[[int], I64], sign: I64, zulu: npt.NDArray[np.bool_], length: I64, width: int
) -> tuple[I64, npt.NDArray[np.bool_]]:
    """Return the UTC offset of each ``...Z`` or ``...+hh:mm`` text in seconds, and which are."""
    n = int(sign.shape[0])
    if width < _OFFSET:
        return np.zeros(n, dtype=np.int64), zulu
    form = (length == _OFFSET) & ((sign == ord("+")) | (sign == ord("-"))) & (char(22) == ord(":"))
    parts = []
    fine = np.ones(n, dtype=bool)
    for first in (20, 23):
        tens, ones = char(first) - 48, char(first + 1) - 48
        fine &= (tens >= 0) & (tens <= 9) & (ones >= 0) & (ones <= 9)
        parts.append(tens * 10 + ones)
    hours, minutes = parts
    ok = zulu | (form & fine & (hours <= 23) & (minutes <= 59))
    offset = np.where(zulu, 0, np.where(sign == ord("-"), -1, 1) * (hours * 3600 + minutes * 60))
    return offset, ok


def iso_instants(values: npt.NDArray[np.str_]) -> tuple[I64, npt.NDArray[np.bool_]]:
    """Return the instants of a text column in the common ISO 8601 forms, and which cells were.

    ``2026-10-01T00:00:00Z`` and ``2026-10-01T02:00:00+02:00`` (ASCII digits, a
    valid date and time, an offset under 24 hours, inside the supported range)
    are read with a few integer operations per column, no Python step per row;
    each gives what ``to_us`` gives. Any other cell (fractions of a second, other
    separators, errors, blanks) is left to ``to_us``, which names its problem.
    """
    n = int(values.shape[0])
    us = np.zeros(n, dtype=np.int64)
    width = values.dtype.itemsize // 4
    if n == 0 or width < _ZULU:
        return us, np.zeros(n, dtype=bool)
    codes = np.ascontiguousarray(values).view(np.uint32).reshape(n, width)
    length = np.asarray(np.strings.str_len(values), dtype=np.int64)

    def char(k: int) -> npt.NDArray[np.int64]:
        return codes[:, k].astype(np.int64)

    ok = (length == _ZULU) | (length == _OFFSET)

    def number(*positions: int) -> I64:
        nonlocal ok
        out = np.zeros(n, dtype=np.int64)
        for k in positions:
            digit = char(k) - 48
            ok &= (digit >= 0) & (digit <= 9)
            out = out * 10 + digit
        return out

    for k, separator in ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":")):
        ok &= char(k) == ord(separator)
    year, month, day = number(0, 1, 2, 3), number(5, 6), number(8, 9)
    hour, minute, second = number(11, 12), number(14, 15), number(17, 18)
    sign = char(19)
    zulu = (length == _ZULU) & (sign == ord("Z"))
    offset, offset_ok = _offsets(char, sign, zulu, length, width)
    ok &= offset_ok
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    days_in = _MONTH_DAYS[np.clip(month, 1, 12) - 1] + (leap & (month == 2))
    ok &= month_ok & (day >= 1) & (day <= days_in)
    ok &= (hour <= 23) & (minute <= 59) & (second <= 59)
    y = year - (month <= 2)  # days since 1970-01-01, after H. Hinnant's days_from_civil
    era = y // 400
    yoe = y - era * 400
    doy = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    days = era * 146_097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719_468
    seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
    safe = np.where(ok, seconds, 0)
    us = safe * 1_000_000
    ok &= (us >= MIN_INSTANT_US) & (us <= MAX_INSTANT_US)
    return np.where(ok, us, 0), ok


def _all_text(values: npt.NDArray[Any], missing: npt.NDArray[np.bool_]) -> Any:
    """Return an object column of strings (missing cells aside) as a numpy string array."""
    cells = values.tolist()
    if not all(isinstance(c, str) or missing[i] or c is None for i, c in enumerate(cells)):
        return None
    missing |= np.fromiter((c is None for c in cells), dtype=bool, count=len(cells))
    return np.asarray([c if isinstance(c, str) else "" for c in cells], dtype=str)


def _parsed(
    cells: Sequence[Any],
    name: str,
    missing: npt.NDArray[np.bool_],
    errors: dict[int, str],
) -> I64:
    """Return each cell as microseconds (``to_us``), marking missing cells and errors by row."""
    out = np.zeros(len(cells), dtype=np.int64)
    for i, cell in enumerate(cells):
        if missing[i] or is_missing(cell) or (isinstance(cell, str) and not cell.strip()):
            missing[i] = True
            continue
        try:
            out[i] = to_us(cell, name=name)
        except DefinitionError as error:  # the field is named already: no "start=" again
            errors[i] = str(error).removeprefix(f"{name}=")
    return out


def _text_instants(
    column: Column, missing: Mask, invalid: Mask, *, where_of: WhereOf, problems: Problems
) -> I64:
    """Return a numpy text column as microseconds: common forms at once, the rest one by one."""
    values = column.values
    out, fast = iso_instants(values)
    rest = np.flatnonzero(~fast)  # other forms, blanks and errors: each distinct text once
    uniq, inverse = np.unique(values[rest], return_inverse=True)
    seen = np.zeros(len(uniq), dtype=bool)
    errors: dict[int, str] = {}
    parsed = _parsed(uniq.tolist(), column.name, seen, errors)
    inverse = inverse.reshape(-1)
    out[rest] = parsed[inverse]
    missing[rest] |= seen[inverse]
    bad_unique = np.zeros(len(uniq), dtype=bool)
    bad_unique[list(errors)] = True
    invalid[rest] |= bad_unique[inverse]
    text_of = np.full(len(column), -1, dtype=np.int64)
    text_of[rest] = inverse
    problems.extend(
        Problem(where_of(i), column.name, errors[int(text_of[i])]) for i in problems.rows(invalid)
    )
    return out


def instants(
    column: Column | None,
    n: int,
    *,
    where_of: WhereOf,
    problems: Problems,
    required: bool,
    needed: str = "every row needs it",
) -> I64 | None:
    """Return a column of instants as ``int64`` microseconds, ``NO_TIME`` where missing.

    Accepted: integer microseconds since the epoch; ``datetime64`` values
    (numpy's are UTC), pandas and polars datetimes with a time zone; aware
    datetimes and ISO 8601 strings with an offset. Missing: ``None``, ``NaN``,
    ``NaT``, null, ``""``. A column of another kind (floats, booleans, durations,
    a data frame's datetimes without a zone) adds one column problem and
    returns ``None``; each bad cell adds a problem of its row.
    """
    if column is None:
        return np.full(n, NO_TIME, dtype=np.int64)
    name = column.name
    values = column.values
    kind = values.dtype.kind
    missing = column.missing_mask()

    invalid = np.zeros(n, dtype=bool)

    def refuse(message: str) -> None:
        problems.append(Problem("columns", name, message))

    if column.naive:
        refuse(
            "holds datetimes without a time zone, which could be any zone's; say which they "
            "are: for pandas .dt.tz_localize('UTC'), for polars .dt.replace_time_zone('UTC') "
            "(or the zone they were recorded in)"
        )
        return None
    if kind == "M":
        out = ticks_to_us(
            column,
            missing,
            lo=MIN_INSTANT_US,
            hi=MAX_INSTANT_US,
            where_of=where_of,
            problems=problems,
            outside=_outside,
            invalid=invalid,
        )
    elif kind in "iu":
        out = _integers(column, missing, invalid, where_of, problems)
    elif kind == "f" and bool(np.isnan(values).all()):
        missing |= True
        out = np.zeros(n, dtype=np.int64)
    elif kind in "UO":
        errors: dict[int, str] = {}
        text = _all_text(values, missing) if kind == "O" else None
        if text is not None:  # a data frame's text column: parsed as text is, in bulk
            column = attrs.evolve(column, values=text)
            kind = "U"
        if kind == "U":
            out = _text_instants(column, missing, invalid, where_of=where_of, problems=problems)
        else:
            out = _parsed(values.tolist(), name, missing, errors)
            invalid[list(errors)] = True
            problems.extend(Problem(where_of(i), name, errors[i]) for i in problems.rows(invalid))
    elif kind == "f":
        refuse(
            "floats cannot hold instants exactly; give int64 microseconds since "
            "the epoch or datetime64 values (a data frame's integer column with missing values "
            "becomes floats: use a nullable integer type such as pandas' Int64, or datetimes)"
        )
        return None
    elif kind == "b":
        refuse("holds booleans, which are not instants; give instants")
        return None
    else:
        refuse(
            f"holds {values.dtype} values, which are not instants; give int64 microseconds "
            "since the epoch, datetime64 values, aware datetimes or ISO 8601 strings with an "
            "offset"
        )
        return None
    if invalid.any():  # so no check of the row's other fields compares it
        out = np.where(invalid, NO_TIME, out).astype(np.int64)
    if missing.any():
        out = np.where(missing, NO_TIME, out).astype(np.int64)
        if required:
            problems.extend(
                Problem(where_of(i), name, f"missing; {needed}") for i in problems.rows(missing)
            )
    return out


def row_names(where: Sequence[str] | None, word: str = "row") -> WhereOf:
    """Return how to name row ``i``: ``where[i]`` when given, else ``row i``."""
    if where is None:
        return lambda i: f"{word} {i}"
    return lambda i: str(where[i])
