"""What every JSON Lines reader shares: one object per line, every problem collected."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from slakit._time._instant import to_us
from slakit.exceptions import Problem

__all__ = ["instant_field", "json_objects"]


def json_objects(
    lines: Iterable[str],
    *,
    source: str,
    problems: list[Problem],
    parse_float: Callable[[str], Any] | None = None,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(where, object)`` for each non-blank line that holds a JSON object.

    ``where`` is ``source:line``. A line that is not JSON, or not an object, adds
    a problem and is skipped; the caller raises once, with every problem.
    """
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        here = f"{source}:{number}"
        try:
            obj = json.loads(line, parse_float=parse_float)
        except json.JSONDecodeError as exc:
            problems.append(Problem(here, "", f"not valid JSON ({exc.msg} at column {exc.colno})"))
            continue
        if not isinstance(obj, dict):
            problems.append(Problem(here, "", f"expected a JSON object, got {type(obj).__name__}"))
            continue
        yield here, obj


def instant_field(value: object, here: str, name: str, problems: list[Problem]) -> int | None:
    """Return an ISO 8601 instant with an offset as microseconds, or add a problem."""
    if not isinstance(value, str):
        problems.append(
            Problem(here, name, f"{value!r} must be an ISO 8601 string like '2026-10-01T00:00:00Z'")
        )
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        problems.append(
            Problem(here, name, f"{value!r} is not ISO 8601; write it like '2026-10-01T00:00:00Z'")
        )
        return None
    if parsed.utcoffset() is None:
        problems.append(
            Problem(
                here, name, f"{value!r} has no UTC offset; append 'Z' or an offset like '+02:00'"
            )
        )
        return None
    return to_us(parsed)
