"""JSON Lines: one JSON object per line; its keys are the columns.

Each line is checked as every JSON Lines reader of slakit checks it (UTF-8,
nesting, keys given twice, the length of numbers: ``slakit._events._lines``);
decimals are read as exact ``Decimal`` values, never floats. A key a line
leaves out is a missing cell of that row. Nested values (a ticket's
``transitions``) stay Python lists and objects, for the kind to read.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from slakit._events._columns import Problems
from slakit._events._lines import file_lines, json_objects
from slakit._io._sources import Columns, NumberedLines, binary_kind, head_of, wrong_format

__all__ = ["read_jsonl"]


def _first_line(path: Path) -> tuple[int, bytes] | None:
    """Return the number and the start of the first non-blank line (None: no such line)."""
    for number, line in enumerate(file_lines(path), start=1):
        if line.strip():
            return number, line.lstrip()[:200]
    return None


def read_jsonl(path: Path, *, source: str) -> Columns:
    """Read a JSON Lines file into columns, one per key.

    Raises:
        InputFormatError: the file is binary, or its first line is no JSON object.
        EventDataError: listing every bad line (``file:line: problem``).
    """
    looks = binary_kind(head_of(path))
    if looks is not None:
        raise wrong_format(source, "jsonl", f"it holds {looks} data", looks=looks)
    first = _first_line(path)
    if first is not None and not first[1].startswith((b"{", b"\xef\xbb\xbf{")):
        number, text = first
        csv_like = b"," in text and b"{" not in text
        raise wrong_format(
            source,
            "jsonl",
            f"line {number} is not a JSON object",
            looks="csv" if csv_like else None,
        )
    problems = Problems()
    data: dict[str, list[Any]] = {}  # filled as the lines are read: no object kept per line
    lines: list[int] = []
    for here, obj in json_objects(
        file_lines(path), source=source, problems=problems, parse_float=Decimal
    ):
        count = len(lines)
        for key, value in obj.items():
            column = data.get(key)
            if column is None:
                column = data[key] = [None] * count  # a key first seen here: missing above
            column.append(value)
        lines.append(int(here.rpartition(":")[2]))
        if len(obj) != len(data):
            for column in data.values():
                if len(column) == count:
                    column.append(None)  # a key this line leaves out
    pending = problems.error() if problems or problems.omitted else None
    return Columns(data=data, where=NumberedLines(source, lines), source=source, pending=pending)
