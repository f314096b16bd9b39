"""CSV: a header line, then one row per line; every cell is read as text.

Cells stay strings (``"0012"`` stays a name, ``"12.50"`` an exact decimal); the
kind of input decides what they mean. With pyarrow installed the file is parsed
by ``pyarrow.csv`` (vectorised, in C++); without it, or when a row spans several
lines or blank lines move the rows off their line numbers, by the standard
library's ``csv``. Both give the same columns, named by the same lines.
"""

from __future__ import annotations

import csv
import importlib
import io
from pathlib import Path
from typing import Any

import numpy as np

from slakit._events._columns import MAX_PROBLEMS, echo
from slakit._io._sources import Columns, Lines, NumberedLines, binary_kind, wrong_format
from slakit.exceptions import EventDataError, Problem

__all__ = ["read_csv"]


def read_csv(path: Path, *, source: str, fast: bool = True) -> Columns:
    """Read a CSV file into columns of text; ``fast=False`` uses the standard library alone.

    Raises:
        InputFormatError: the file is binary (Parquet, Arrow, or other bytes).
        EventDataError: a line is not UTF-8, has more or fewer cells than the
            header, or the header names a column twice or not at all.
    """
    data = path.read_bytes()
    looks = binary_kind(data[:65536])
    if looks is not None:
        shown = "a Parquet file" if looks == "parquet" else f"{looks} data"
        raise wrong_format(source, "csv", f"it holds {shown}", looks=looks)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        raise wrong_format(source, "csv", "its first line is a JSON object", looks="jsonl")
    if fast:
        read = _with_arrow(data, source)
        if read is not None:
            return read
    return _with_stdlib(data, source)


def _text(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise EventDataError(
            [
                Problem(
                    f"{source}:{line}",
                    "",
                    f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                )
            ]
        ) from None


def _header(row: list[str], source: str, line: int) -> list[Problem]:
    problems = [
        Problem(f"{source}:{line}", f"column {k + 1}", "has no name; name every column")
        for k, name in enumerate(row)
        if not name.strip()
    ]
    seen: set[str] = set()
    for name in row:
        if name in seen and name.strip():
            problems.append(
                Problem(f"{source}:{line}", name, "names two columns; name each column once")
            )
        seen.add(name)
    return problems


def _with_stdlib(data: bytes, source: str) -> Columns:
    text = _text(data, source)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    short: list[Problem] = []  # lines with another number of cells: left out, reported
    header: list[str] | None = None
    cells: list[list[str]] = []
    lines: list[int] = []
    omitted = 0
    last = header_line = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(f"{source}:{last + 1}", "", f"is not valid CSV ({exc})"))
            break
        line, last = last + 1, reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # a blank line
        if header is None:
            header, header_line = row, line
            problems.extend(_header(row, source, line))
            cells = [[] for _ in row]
            continue
        if len(row) != len(header):
            if len(short) < MAX_PROBLEMS:
                short.append(
                    Problem(
                        f"{source}:{line}",
                        "",
                        f"has {len(row)} cells; the header on line {header_line} "
                        f"has {len(header)} ({echo(','.join(row))})",
                    )
                )
            else:
                omitted += 1
            continue
        for column, cell in zip(cells, row, strict=True):
            column.append(cell)
        lines.append(line)
    if problems:
        raise EventDataError([*problems, *short], omitted=omitted)
    if header is None:
        raise EventDataError([Problem(source, "", "is empty; a CSV file starts with a header")])
    n = len(lines)
    columns = {
        name: np.asarray(column, dtype=str) if n else np.zeros(0, dtype=str)
        for name, column in zip(header, cells, strict=True)
    }
    first = lines[0] if lines else 2
    where = (
        Lines(source, n, first=first)
        if not lines or lines[-1] - first == n - 1
        else NumberedLines(source, lines)
    )
    pending = EventDataError(short, omitted=omitted) if short or omitted else None
    return Columns(data=columns, where=where, source=source, pending=pending)


def _with_arrow(data: bytes, source: str) -> Columns | None:
    """Read with pyarrow.csv when it names rows by lines as the stdlib reader does; else None."""
    try:
        pa: Any = importlib.import_module("pyarrow")
        pacsv: Any = importlib.import_module("pyarrow.csv")
    except ImportError:
        return None
    first_line, _, _ = data.partition(b"\n")
    try:
        header = next(csv.reader([first_line.decode("utf-8-sig").rstrip("\r")]))
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return None
    if not header or any(not h.strip() for h in header) or len(set(header)) != len(header):
        return None  # the stdlib reader names the problem
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(use_threads=True),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowKeyError, UnicodeDecodeError):
        return None  # a bad line: the stdlib reader names it
    if table.column_names != header:
        return None
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if lines != table.num_rows + 1:
        return None  # blank lines, or cells over several lines: counted line by line
    columns: dict[str, Any] = {name: table.column(name) for name in header}
    return Columns(data=columns, where=Lines(source, table.num_rows, first=2), source=source)
