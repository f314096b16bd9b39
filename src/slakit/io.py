"""Reading inputs from files and data frames: every kind of input from every format.

Where rows come from (a *format*) is kept apart from what a row means (a
*kind*). [`read_columns()`][slakit.io.read_columns] reads a source in any format
into [`Columns`][slakit.io.Columns]; [`read_table()`][slakit.io.read_table] then
builds the table of a kind from them, validated as the tables' ``from_columns``
validate (every problem at once, each named ``file:line: field: problem``).

| format | files | read by |
| --- | --- | --- |
| ``"csv"`` | ``.csv`` | the standard library; ``pyarrow.csv`` when installed (same result) |
| ``"jsonl"`` | ``.jsonl``, ``.ndjson`` | the standard library ``json``, a chunk at a time |
| ``"parquet"`` | ``.parquet``, ``.pq`` | pyarrow (the extra ``slakit[arrow]``) |
| ``"arrow"`` | ``.arrow``, ``.feather``, ``.ipc`` | pyarrow (the extra ``slakit[arrow]``) |
| (in memory) | pandas, polars ``DataFrame``, ``pyarrow.Table`` | the frame's own columns |

Kinds: ``"events"`` (a ``kind`` or ``type`` column says outage, maintenance or
deployment), ``"outages"``, ``"maintenance"``, ``"deployments"`` (every row of
one kind), ``"requests"``, ``"probes"`` (probe samples: ``service``, ``time``,
``metric``, ``value``), ``"tickets"``, ``"claims"``, ``"charges"``, ``"corrections"``
(``services``: a name, ``*``, ``tag:NAME`` or names separated by ``;``; ``start``,
``end``, ``category``, and optionally ``reason``, ``by``, ``recorded``) and
``"customers"`` (a portfolio's customers table).

Monitoring exports become outages by the documented rules of
[`from_prometheus()`][slakit.io.from_prometheus] (``up`` or ``probe_success``
range queries), [`from_uptime_csv()`][slakit.io.from_uptime_csv] (an uptime
monitor's checks) and [`from_statuspage()`][slakit.io.from_statuspage]
(a status page's incidents).

A new format is one new module in ``slakit._io`` (a function from a path to
``Columns``) and one entry in ``_READERS`` below: every kind reads it at once.
A new kind is one entry in ``slakit._io._schemas.KINDS``: every format gives it.

The JSON Lines readers of each kind (``read_jsonl``, ``read_requests_jsonl``,
``read_tickets_jsonl`` and their ``parse_*`` twins) stay, for lines in memory.

Examples:
    >>> import slakit.io
    >>> table = slakit.io.parse_jsonl(['{"type": "outage", "service": "api", '
    ...     '"start": "2026-10-01T00:00:00Z", "end": "2026-10-01T00:05:00Z"}'])
    >>> len(table), table.services
    (1, ('api',))
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Literal, overload

import attrs

from slakit._events._billing import ChargeTable
from slakit._events._claims import ClaimTable
from slakit._events._corrections import CorrectionTable
from slakit._events._customers import CustomerTable
from slakit._events._jsonl import parse_jsonl, read_jsonl
from slakit._events._monitoring import from_prometheus, from_statuspage, from_uptime_csv
from slakit._events._probes import ProbeTable
from slakit._events._requests import RequestTable, parse_requests_jsonl, read_requests_jsonl
from slakit._events._table import EventTable
from slakit._events._tickets import TicketTable, parse_tickets_jsonl, read_tickets_jsonl
from slakit._io._csv import read_csv
from slakit._io._frames import frame_columns, is_frame
from slakit._io._jsonl import read_jsonl as _read_jsonl_columns
from slakit._io._parquet import parquet_batches, read_arrow, read_parquet
from slakit._io._schemas import EPOCH_UNITS, KINDS, build
from slakit._io._sources import EXTENSIONS, FORMATS, Columns, Numbered, Slice, renamed
from slakit.exceptions import EventDataError

__all__ = [
    "EPOCH_UNITS",
    "FORMATS",
    "KINDS",
    "ChargeTable",
    "ClaimTable",
    "Columns",
    "CorrectionTable",
    "CustomerTable",
    "EventTable",
    "ProbeTable",
    "RequestTable",
    "TicketTable",
    "format_of",
    "from_prometheus",
    "from_statuspage",
    "from_uptime_csv",
    "parse_jsonl",
    "parse_requests_jsonl",
    "parse_tickets_jsonl",
    "read_batches",
    "read_columns",
    "read_jsonl",
    "read_requests_jsonl",
    "read_table",
    "read_tickets_jsonl",
]

#: The reader of each format: a path and its name in messages, to columns.
_READERS: Final[dict[str, Callable[..., Columns]]] = {
    "csv": read_csv,
    "jsonl": _read_jsonl_columns,
    "parquet": read_parquet,
    "arrow": read_arrow,
}

#: Any table ``read_table`` returns.
Table = (
    EventTable
    | RequestTable
    | ProbeTable
    | TicketTable
    | ClaimTable
    | ChargeTable
    | CorrectionTable
    | CustomerTable
)


def format_of(path: str | Path) -> str:
    """Return the format a file's extension names (``"csv"``, ``"jsonl"``, ...).

    Raises:
        ValueError: the extension names no format; give ``format=`` then.
    """
    suffix = Path(path).suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    known = ", ".join(sorted(EXTENSIONS))
    raise ValueError(
        f"cannot tell the format of {str(path)!r} from its extension {suffix or '(none)'!r} "
        f"(known: {known}); give format= (--format) as one of {', '.join(FORMATS)}"
    )


def read_columns(
    source: str | Path | Any,
    *,
    format: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> Columns:
    """Read a file or a data frame into named columns, each row named for errors.

    Args:
        source: a path (``str`` or ``Path``), or a pandas or polars ``DataFrame``
            or a ``pyarrow.Table`` in memory.
        format: ``"csv"``, ``"jsonl"``, ``"parquet"`` or ``"arrow"``; ``None``
            tells it from the extension (``.csv``; ``.jsonl``, ``.ndjson``;
            ``.parquet``, ``.pq``; ``.arrow``, ``.feather``, ``.ipc``). A data
            frame needs none.
        columns: renames, as ``{name the kind reads: name in the source}``:
            ``{"start": "started_at"}`` reads the column ``started_at`` as
            ``start``.

    Returns:
        The columns, and ``where``: ``outages.csv:3`` (line 3 of the file,
        the header being line 1), ``outages.parquet:row 17`` (counted from 0),
        or ``None`` for a data frame (the tables say ``row 17``).

    Raises:
        InputFormatError: the file is not in the format it is read as, or
            pyarrow is needed and missing (the message names the extra).
        EventDataError: lines that cannot be read (``file:line: problem``), or
            a column ``columns=`` names that the source does not have.
        ValueError: the format is unknown or cannot be told from the extension.
        FileNotFoundError: the file does not exist.
    """
    read = _read(source, format, columns)
    if read.pending is not None:
        raise read.pending
    return read


def _read(
    source: str | Path | Any, format: str | None, columns: Mapping[str, str] | None
) -> Columns:
    """Return the columns of ``source``, with the lines that were no rows still pending."""
    if is_frame(source):
        read = frame_columns(source)
    else:
        if not isinstance(source, str | Path):
            raise TypeError(
                f"source must be a path or a pandas, polars or pyarrow table; got "
                f"{type(source).__name__}"
            )
        path = Path(source)
        chosen = format_of(path) if format is None else format
        if chosen not in _READERS:
            raise ValueError(f"format={chosen!r} is not one of {', '.join(FORMATS)}")
        if not path.is_file():
            raise FileNotFoundError(f"no such file: {str(source)!r}")
        read = _READERS[chosen](path, source=str(source))
        try:
            return renamed(read, columns)
        except EventDataError as error:  # a mapped column the file lacks: name the file
            raise _in_file(error, str(source)) from None
    return renamed(read, columns)


@overload
def read_table(
    source: str | Path | Any,
    kind: Literal["events", "outages", "maintenance", "deployments"],
    *,
    format: str | None = ...,
    columns: Mapping[str, str] | None = ...,
    epoch_unit: str | None = ...,
    services: Sequence[str] | None = ...,
) -> EventTable: ...


@overload
def read_table(
    source: str | Path | Any,
    kind: Literal["requests"],
    *,
    format: str | None = ...,
    columns: Mapping[str, str] | None = ...,
    epoch_unit: str | None = ...,
    services: Sequence[str] | None = ...,
) -> RequestTable: ...


@overload
def read_table(
    source: str | Path | Any,
    kind: Literal["probes"],
    *,
    format: str | None = ...,
    columns: Mapping[str, str] | None = ...,
    epoch_unit: str | None = ...,
    services: Sequence[str] | None = ...,
) -> ProbeTable: ...


@overload
def read_table(
    source: str | Path | Any,
    kind: Literal["tickets"],
    *,
    format: str | None = ...,
    columns: Mapping[str, str] | None = ...,
    epoch_unit: str | None = ...,
    services: Sequence[str] | None = ...,
) -> TicketTable: ...


@overload
def read_table(
    source: str | Path | Any,
    kind: Literal["claims"],
    *,
    format: str | None = ...,
    columns: Mapping[str, str] | None = ...,
    epoch_unit: str | None = ...,
    services: Sequence[str] | None = ...,
) -> ClaimTable: ...


@overload
def read_table(
    source: str | Path | Any,
    kind: Literal["charges"],
    *,
    format: str | None = ...,
    columns: Mapping[str, str] | None = ...,
    epoch_unit: str | None = ...,
    services: Sequence[str] | None = ...,
) -> ChargeTable: ...


@overload
def read_table(
    source: str | Path | Any,
    kind: Literal["corrections"],
    *,
    format: str | None = ...,
    columns: Mapping[str, str] | None = ...,
    epoch_unit: str | None = ...,
    services: Sequence[str] | None = ...,
) -> CorrectionTable: ...


@overload
def read_table(
    source: str | Path | Any,
    kind: Literal["customers"],
    *,
    format: str | None = ...,
    columns: Mapping[str, str] | None = ...,
    epoch_unit: str | None = ...,
    services: Sequence[str] | None = ...,
) -> CustomerTable: ...


@overload
def read_table(
    source: str | Path | Any,
    kind: str,
    *,
    format: str | None = ...,
    columns: Mapping[str, str] | None = ...,
    epoch_unit: str | None = ...,
    services: Sequence[str] | None = ...,
) -> Table: ...


def read_table(
    source: str | Path | Any,
    kind: str,
    *,
    format: str | None = None,
    columns: Mapping[str, str] | None = None,
    epoch_unit: str | None = None,
    services: Sequence[str] | None = None,
) -> Table:
    """Read a file or a data frame into the table of one kind of input.

    Args:
        source: a path or a data frame, as for [`read_columns()`][slakit.io.read_columns].
        kind: ``"events"`` (a ``kind`` or ``type`` column: outage, maintenance,
            deployment), ``"outages"``, ``"maintenance"``, ``"deployments"``
            (every row of that kind; no kind column), ``"requests"``,
            ``"probes"``, ``"tickets"``, ``"claims"``, ``"charges"``, ``"corrections"`` or
            ``"customers"``.
        format: the file's format, as for ``read_columns()``.
        columns: renames, as for ``read_columns()``.
        epoch_unit: ``"s"``, ``"ms"``, ``"us"`` or ``"ns"``: integer time
            columns (and CSV text of digits) are epochs in that unit. Without it
            integers are microseconds since the epoch.
        services: the name of each integer code of a ``service`` column
            (events, requests and probes), as ``from_columns`` reads them.

    Returns:
        An [`EventTable`][slakit.EventTable], [`RequestTable`][slakit.RequestTable],
        [`ProbeTable`][slakit.ProbeTable], [`TicketTable`][slakit.TicketTable],
        [`ClaimTable`][slakit.ClaimTable], [`ChargeTable`][slakit.ChargeTable],
        [`CorrectionTable`][slakit.CorrectionTable] or [`CustomerTable`][slakit.CustomerTable].

    Raises:
        EventDataError: every invalid row, as ``file:line: field: problem`` (the
            first 1,000; ``omitted`` counts the rest), or a missing or unknown
            column. ``InputFormatError`` (a subclass) for a file of another format.
        ValueError: the kind, format or epoch unit is unknown.

    Examples:
        >>> import pandas as pd
        >>> import slakit.io
        >>> frame = pd.DataFrame({
        ...     "host": ["db-1", "db-2"],
        ...     "down_at": pd.to_datetime(["2026-10-01T00:00Z", "2026-10-02T00:00Z"], utc=True),
        ...     "up_at": pd.to_datetime(["2026-10-01T00:10Z", "2026-10-02T00:01Z"], utc=True),
        ... })
        >>> table = slakit.io.read_table(
        ...     frame, "outages", columns={"service": "host", "start": "down_at", "end": "up_at"}
        ... )
        >>> table.services, table.counts()["outage"]
        (('db-1', 'db-2'), 2)
    """
    if kind not in KINDS:
        build(kind, Columns(data={}, where=None, source=""))  # raises, naming the kinds
    read = _read(source, format, columns)  # bad lines are reported with the rows' problems
    try:
        table: Table = build(kind, read, epoch_unit=epoch_unit, services=services)
    except EventDataError as error:
        if not isinstance(source, str | Path):
            raise
        raise _in_file(error, str(source)) from None
    return table


#: Kinds ``read_batches()`` reads: those an incremental state takes in batches.
BATCHED_KINDS: Final = ("events", "outages", "maintenance", "deployments", "requests", "probes")


def read_batches(
    source: str | Path | Any,
    kind: str,
    *,
    rows: int = 1_000_000,
    format: str | None = None,
    columns: Mapping[str, str] | None = None,
    epoch_unit: str | None = None,
    services: Sequence[str] | None = None,
) -> Iterator[EventTable | RequestTable | ProbeTable]:
    """Read a file or a data frame as tables of at most ``rows`` rows each, one at a time.

    What an [`EvaluationState`][slakit.EvaluationState] is fed with: a Parquet
    file is read a batch at a time (pyarrow's ``iter_batches``), so only one
    batch's columns are in memory; other formats and data frames are read
    whole and handed on in slices. Each batch is validated as
    [`read_table()`][slakit.io.read_table] validates a file, and its rows keep
    their names in the file (``requests.parquet:row 1000017``), so an error
    names the row wherever it is.

    Args:
        source: a path or a data frame, as for ``read_table()``.
        kind: ``"requests"``, ``"probes"``, ``"events"``, ``"outages"``,
            ``"maintenance"`` or ``"deployments"``.
        rows: the most rows per batch.
        format: the file's format, as for ``read_table()``.
        columns: renames, as for ``read_table()``.
        epoch_unit: the unit of integer time columns, as for ``read_table()``.
        services: the names of integer service codes, as for ``read_table()``.

    Raises:
        EventDataError: the invalid rows of a batch, when that batch is read
            (the batches before it have been handed on).
        ValueError: the kind is not one read in batches, or ``rows`` is not positive.
    """
    if kind not in BATCHED_KINDS:
        raise ValueError(
            f"kind={kind!r} is not read in batches; read_batches() reads "
            f"{', '.join(BATCHED_KINDS)} (give other kinds whole, with read_table())"
        )
    given: object = rows  # checked at run time, whatever a caller passes
    if isinstance(given, bool) or not isinstance(given, int) or given < 1:
        raise ValueError(f"rows={rows!r} must be a positive number of rows")
    chosen = format
    if not is_frame(source) and isinstance(source, str | Path) and chosen is None:
        chosen = format_of(source)
    if chosen == "parquet" and isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"no such file: {str(source)!r}")
        parts: Iterator[Columns] = parquet_batches(path, source=str(source), rows=rows)
    else:
        parts = _slices(_read(source, format, columns), rows)
        columns = None  # renamed when read
    for part in parts:
        read = renamed(part, columns)
        try:
            table = build(kind, read, epoch_unit=epoch_unit, services=services)
        except EventDataError as error:
            if not isinstance(source, str | Path):
                raise
            raise _in_file(error, str(source)) from None
        yield table


def _slices(read: Columns, rows: int) -> Iterator[Columns]:
    """Return ``read`` in slices of at most ``rows`` rows (its unread lines with the first)."""
    n = len(read)
    for lo in range(0, max(n, 1), rows):
        hi = min(lo + rows, n)
        yield Columns(
            data={name: _sliced(column, lo, hi) for name, column in read.data.items()},
            # a data frame's rows are numbered as in the whole frame: row 17 is row 17
            where=Numbered(lo, hi - lo) if read.where is None else Slice(read.where, lo, hi - lo),
            source=read.source,
            pending=read.pending if lo == 0 else None,
        )


def _sliced(column: Any, lo: int, hi: int) -> Any:
    iloc = getattr(column, "iloc", None)  # a pandas Series slices by position with iloc
    if iloc is not None:
        return iloc[lo:hi]
    if hasattr(column, "slice") and not isinstance(column, list):  # pyarrow and polars
        return column.slice(lo, hi - lo)
    return column[lo:hi]


def _in_file(error: EventDataError, source: str) -> EventDataError:
    """Return ``error`` with its column problems (``columns: ...``) naming the file too."""
    if type(error) is not EventDataError or not any(p.where == "columns" for p in error.problems):
        return error
    named = [
        attrs.evolve(p, where=f"{source}: columns") if p.where == "columns" else p
        for p in error.problems
    ]
    return type(error)(named, omitted=error.omitted)
