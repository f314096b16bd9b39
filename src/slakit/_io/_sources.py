"""What every format gives: named columns, and where each row came from, named lazily.

A format module reads a file or a data frame into [`Columns`][slakit.io.Columns]:
one array-like per column (numpy arrays, pyarrow arrays, pandas or polars
series; whatever ``from_columns`` of the tables accepts) and ``where``, a small
sequence that names row ``i`` (``outages.csv:3``) only when asked, so naming
five million rows costs nothing until one of them is in an error or in evidence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from slakit._events._columns import RowNames
from slakit.exceptions import EventDataError, InputFormatError, Problem

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "Columns",
    "Lines",
    "NumberedLines",
    "Rows",
    "binary_kind",
    "head_of",
    "renamed",
    "wrong_format",
]

#: The formats, each read by one module of this package.
FORMATS: Final = ("csv", "jsonl", "parquet", "arrow")
#: The file extensions of each format (lower case), for ``format=None``.
EXTENSIONS: Final = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".arrow": "arrow",
    ".feather": "arrow",
    ".ipc": "arrow",
}


class Lines(RowNames):
    """Rows that are consecutive lines of a file: row ``i`` is ``source:(first + i)``."""

    __slots__ = ("first", "rows", "source")

    def __init__(self, source: str, rows: int, *, first: int) -> None:
        self.source = source
        self.rows = rows
        self.first = first

    def __len__(self) -> int:
        return self.rows

    def name(self, i: int) -> str:
        return f"{self.source}:{self.first + i}"


class NumberedLines(RowNames):
    """Rows on given lines of a file (blank lines skipped, records over several lines)."""

    __slots__ = ("lines", "source")

    def __init__(self, source: str, lines: npt.ArrayLike) -> None:
        self.source = source
        numbers = np.asarray(lines, dtype=np.int64)
        dtype = np.int32 if numbers.size == 0 or int(numbers.max()) < 2**31 else np.int64
        self.lines = numbers.astype(dtype)
        self.lines.flags.writeable = False

    def __len__(self) -> int:
        return int(self.lines.shape[0])

    def name(self, i: int) -> str:
        return f"{self.source}:{int(self.lines[i])}"


class Rows(RowNames):
    """Rows of a columnar file, counted from 0: ``outages.parquet:row 17``.

    ``first`` is the file's row number of the first of these rows (a batch read
    from the middle of a file).
    """

    __slots__ = ("first", "rows", "source")

    def __init__(self, source: str, rows: int, *, first: int = 0) -> None:
        self.source = source
        self.rows = rows
        self.first = first

    def __len__(self) -> int:
        return self.rows

    def name(self, i: int) -> str:
        return f"{self.source}:row {self.first + i}"


class Numbered(RowNames):
    """Rows of a data frame from row ``first`` on: ``row 17``, as the whole frame counts them."""

    __slots__ = ("first", "rows")

    def __init__(self, first: int, rows: int) -> None:
        self.first = first
        self.rows = rows

    def __len__(self) -> int:
        return self.rows

    def name(self, i: int) -> str:
        return f"row {self.first + i}"


class Slice(RowNames):
    """The names of rows ``first`` to ``first + rows`` of other names."""

    __slots__ = ("first", "names", "rows")

    def __init__(self, names: Sequence[str], first: int, rows: int) -> None:
        self.names = names
        self.first = first
        self.rows = rows

    def __len__(self) -> int:
        return self.rows

    def name(self, i: int) -> str:
        return self.names[self.first + i]


def _length(column: Any) -> int:
    shape = getattr(column, "shape", None)
    return int(shape[0]) if shape else len(column)


@attrs.frozen(eq=False)
class Columns:
    """Named columns read from one source, and where each row came from.

    Attributes:
        data: column name to column (a numpy array, a pyarrow array, a pandas or
            polars series), what the tables' ``from_columns`` read.
        where: names row ``i`` for errors and evidence (``customers.csv:3``, line 3
            of the file counting the header as line 1; ``outages.parquet:row 17``),
            computed when asked; ``None`` for a data frame, whose rows the tables
            name ``row 17``.
        source: the file (as given) or the kind of data frame (``"pandas.DataFrame"``).
        pending: the lines that could not be read as rows at all (a line of bad
            JSON, a CSV line with too many cells), left out of ``data``; a table
            built from the rest reports them with its own problems, all at once.
    """

    data: Mapping[str, Any]
    where: Sequence[str] | None
    source: str
    pending: EventDataError | None = attrs.field(default=None, repr=False)

    def __len__(self) -> int:
        if self.where is not None:
            return len(self.where)
        return next((_length(c) for c in self.data.values()), 0)


def renamed(read: Columns, columns: Mapping[str, str] | None) -> Columns:
    """Return ``read`` with columns renamed: ``{"start": "started_at"}`` reads started_at as start.

    Raises:
        EventDataError: a mapped column is not in the source, or two names map to one column.
    """
    if not columns:
        return read
    problems: list[Problem] = []
    given = ", ".join(map(repr, list(read.data)[:20])) or "none"
    problems.extend(
        Problem(
            "columns",
            str(source),
            f"missing; columns= reads it as {name!r} (given: {given})",
        )
        for name, source in columns.items()
        if source not in read.data
    )
    targets = list(columns.values())
    problems.extend(
        Problem("columns", str(source), "is mapped twice in columns=; map each column once")
        for source in dict.fromkeys(t for t in targets if targets.count(t) > 1)
    )
    if problems:
        raise EventDataError(problems)
    moved = set(columns.values())
    data = {name: column for name, column in read.data.items() if name not in moved}
    data.update({name: read.data[source] for name, source in columns.items()})
    return attrs.evolve(read, data=data)


_MAGIC: Final = ((b"PAR1", "parquet"), (b"ARROW1", "arrow"), (b"FEA1", "arrow"))


def binary_kind(head: bytes) -> str | None:
    """Return what the first bytes of a file say it is: "parquet", "arrow", "binary" or None."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(b"\xff\xff\xff\xff"):  # an Arrow IPC stream
        return "arrow"
    if b"\x00" in head:
        return "binary"
    return None


_NAMES: Final = {
    "csv": "CSV",
    "jsonl": "JSON Lines",
    "parquet": "Parquet",
    "arrow": "Arrow IPC (Feather)",
}


def wrong_format(
    source: str, format: str, why: str, *, looks: str | None = None
) -> InputFormatError:
    """Return the error for a file that is not in ``format``: what it looks like and the fix."""
    if looks in _NAMES:
        fix = f"it looks like {_NAMES[looks]}: read it with format={looks!r} (--format {looks})"
    else:
        fix = (
            "give the file in that format, or name its format with format= (--format): "
            + ", ".join(FORMATS)
        )
    return InputFormatError(source, format, f"is not a {_NAMES[format]} file ({why}); {fix}")


def head_of(path: Path, size: int = 65536) -> bytes:
    """Return the first ``size`` bytes of a file."""
    with path.open("rb") as handle:
        return handle.read(size)
