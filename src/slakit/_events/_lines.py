"""What every JSON Lines reader shares: one object per line, every problem collected.

Each line is checked before it is decoded, so no line can exhaust the stack or
the decoder: its brackets nest at most ``MAX_DEPTH`` deep, and each number in it
has at most ``MAX_NUMBER`` characters. A key given twice in one object is
refused (a reader would have to pick one of the values). A file is read as
bytes and each line decoded on its own, so a line that is not UTF-8 is one
problem of that line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import numpy as np

from slakit._events._columns import Problems, echo, problems_of
from slakit._time._instant import MAX_INSTANT_US, MIN_INSTANT_US, to_us
from slakit.exceptions import DefinitionError, NaiveDatetimeError, Problem

__all__ = [
    "MAX_DEPTH",
    "MAX_NUMBER",
    "Huge",
    "file_lines",
    "instant_field",
    "json_decoder",
    "json_objects",
    "text_field",
]

#: How deep the brackets of one line may nest; an event line nests at most 3 deep.
MAX_DEPTH: Final = 32
#: The most characters a number in a line may have.
MAX_NUMBER: Final = 40
#: The longest text read as an instant (an ISO 8601 instant has at most 32 characters).
_LONGEST_INSTANT: Final = 64
#: The strings of a JSON line, cut out before its brackets are counted.
_STRING: Final = re.compile(r'"(?:[^"\\]|\\.)*"')
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)


class Huge:
    """A number too long to read (more than ``MAX_NUMBER`` characters); no field accepts it."""

    __slots__ = ("length",)

    def __init__(self, length: int) -> None:
        self.length = length

    def __repr__(self) -> str:
        return f"a number of {self.length:,} characters"


def _whole(text: str) -> int | Huge:
    return Huge(len(text)) if len(text) > MAX_NUMBER else int(text)


def _depth_exceeds(line: str, limit: int) -> bool:
    """Return whether the brackets of ``line``, outside its strings, nest deeper than ``limit``.

    A line with at most ``limit`` opening brackets cannot, and costs two counts;
    others are scanned without a Python step per character: the strings are cut
    out with one regular expression and the depth is a cumulative sum.
    """
    if line.count("[") + line.count("{") <= limit:
        return False
    text = _STRING.sub("", line).encode("utf-8", "surrogatepass")
    codes = np.frombuffer(text, dtype=np.uint8)
    steps = ((codes == ord("[")) | (codes == ord("{"))).astype(np.int64)
    steps -= (codes == ord("]")) | (codes == ord("}"))
    return bool(np.cumsum(steps).max() > limit)


def file_lines(path: str | Path) -> Iterator[bytes]:
    """Yield the lines of a file as bytes (``json_objects`` decodes each on its own)."""
    with Path(path).open("rb") as handle:
        yield from handle


def json_decoder(
    parse_float: Callable[[str], Any] | None = None,
    object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
) -> json.JSONDecoder:
    """Return the decoder every reader uses: numbers longer than ``MAX_NUMBER`` become ``Huge``.

    Whole numbers are ``int``; others go to ``parse_float`` (``float`` when None).
    Without ``object_pairs_hook`` a key given twice keeps its last value: a
    caller that decodes that way checks for keys given twice itself.
    """

    def number(text: str) -> Any:
        if len(text) > MAX_NUMBER:
            return Huge(len(text))
        return parse_float(text) if parse_float is not None else float(text)

    return json.JSONDecoder(
        object_pairs_hook=object_pairs_hook, parse_int=_whole, parse_float=number
    )


def json_objects(
    lines: Iterable[str | bytes],
    *,
    source: str,
    problems: list[Problem],
    parse_float: Callable[[str], Any] | None = None,
    first: int = 1,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(where, object)`` for each non-blank line that holds a JSON object.

    ``where`` is ``source:line``, the lines counted from ``first`` (a reader
    that gives a file's lines in parts says where each part starts; a byte
    order mark is read only on line 1). A line that is not UTF-8, not JSON,
    nests too deep, repeats a key, or is not an object adds a problem and is
    skipped; the caller raises once, with every problem. ``problems`` is trimmed between
    lines when it is a ``Problems`` list, so it stays small.
    """
    bounded = problems if isinstance(problems, Problems) else problems_of([])
    twice: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)
        if len(out) != len(items):
            seen: set[str] = set()
            twice.extend(k for k, _ in items if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        return out

    decode = json_decoder(parse_float, pairs).decode
    for index, raw in enumerate(lines, start=first):
        here = f"{source}:{index}"
        if bounded is problems:
            bounded.trim()
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8-sig" if index == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                problems.append(
                    Problem(
                        here,
                        "",
                        f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at byte {exc.start + 1} "
                        "of the line); save the file as UTF-8",
                    )
                )
                continue
        else:
            line = raw
        if not line.strip():
            continue
        if _depth_exceeds(line, MAX_DEPTH):
            problems.append(
                Problem(
                    here,
                    "",
                    f"nests deeper than {MAX_DEPTH} levels of [] and {{}}; an event line nests "
                    "at most 3 deep",
                )
            )
            continue
        twice.clear()
        try:
            obj = decode(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(here, "", f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        except (RecursionError, ValueError) as exc:  # pragma: no cover - checked before
            problems.append(Problem(here, "", f"cannot be read as JSON ({type(exc).__name__})"))
            continue
        if twice:
            problems.extend(
                Problem(here, key, "given twice in one object; keep one of the values")
                for key in dict.fromkeys(twice)
            )
            continue
        if not isinstance(obj, dict):
            problems.append(Problem(here, "", f"expected a JSON object, got {type(obj).__name__}"))
            continue
        yield here, obj
    if bounded is problems:
        bounded.trim()


def text_field(value: object, here: str, name: str, problems: list[Problem]) -> str | None:
    """Return a non-empty string field, or add a problem (null, another type, blank)."""
    if isinstance(value, str) and value.strip():
        if value.isascii() or _encodable(value):
            return value
        problems.append(
            Problem(here, name, f"{echo(value)} holds a lone surrogate (\\ud800 to \\udfff)")
        )
        return None
    if value is None:
        problems.append(Problem(here, name, "is null; give a non-empty string"))
    else:
        problems.append(Problem(here, name, f"{echo(value)} must be a non-empty string"))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def instant_field(value: object, here: str, name: str, problems: list[Problem]) -> int | None:
    """Return an ISO 8601 instant with an offset as microseconds, or add a problem."""
    if value is None:
        problems.append(
            Problem(here, name, "is null; give an ISO 8601 instant like '2026-10-01T00:00:00Z'")
        )
        return None
    if not isinstance(value, str):
        problems.append(
            Problem(
                here, name, f"{echo(value)} must be an ISO 8601 string like '2026-10-01T00:00:00Z'"
            )
        )
        return None
    if len(value) > _LONGEST_INSTANT:
        problems.append(
            Problem(
                here, name, f"{echo(value)} is not ISO 8601; write it like '2026-10-01T00:00:00Z'"
            )
        )
        return None
    try:
        parsed: datetime | None = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is not None and parsed.tzinfo is not None and "." not in value and "," not in value:
        us = (parsed - _EPOCH) // _MICROSECOND  # the common case, without a second parse
        if MIN_INSTANT_US <= us <= MAX_INSTANT_US:
            return us
    try:
        return to_us(value, name=name)
    except NaiveDatetimeError:
        problems.append(
            Problem(
                here, name, f"{value!r} has no UTC offset; append 'Z' or an offset like '+02:00'"
            )
        )
    except DefinitionError as exc:
        if "is not an ISO 8601" in str(exc):
            message = f"{value!r} is not ISO 8601; write it like '2026-10-01T00:00:00Z'"
        else:
            message = str(exc)
        problems.append(Problem(here, name, message))
    return None
