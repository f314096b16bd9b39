"""Read events from JSON Lines: one JSON object per line, every problem reported at once."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from slakit._events._columns import Problems, echo
from slakit._events._lines import file_lines, instant_field, json_objects, text_field
from slakit._events._table import DEPLOYMENT, KINDS, MAINTENANCE, NO_TIME, OUTAGE, EventTable
from slakit._ratio import ratio
from slakit.exceptions import DefinitionError, Problem

__all__ = ["parse_jsonl", "read_jsonl"]

_FIELDS = {
    "outage": ("type", "service", "start", "end"),
    "maintenance": ("type", "service", "start", "end", "announced"),
    "deployment": ("type", "service", "start", "end"),
}
_KINDS_TEXT = ", ".join(map(repr, KINDS))
_OPTIONAL = {
    "outage": ("id", "note", "state", "affected"),
    "maintenance": ("id", "note"),
    "deployment": ("id", "note"),
}


def read_jsonl(path: str | Path) -> EventTable:
    """Read an events file in JSON Lines form into an [`EventTable`][slakit.EventTable].

    Each non-blank line is one object, for example::

        {"type": "outage", "service": "eu-west", "start": "2026-10-03T10:00:00Z",
         "end": "2026-10-03T10:07:00Z"}
        {"type": "maintenance", "service": "eu-west", "start": "2026-10-10T02:00:00Z",
         "end": "2026-10-10T04:00:00Z", "announced": "2026-10-01T09:00:00Z"}

    A ``deployment`` line (service, start, end) says when a service existed, for
    measures whose denominator is deployed time. Instants are ISO 8601 with an
    offset (``Z`` or ``+02:00``). Optional fields: ``id`` and ``note``; on an
    outage also ``state`` (``"down"`` by default, or ``"degraded"`` ...) and
    ``affected`` (the share of customers affected, ``"25%"``). Any other field
    is an error (it is most likely a typo).

    The file must be UTF-8; a line that is not, that nests deeper than 32
    levels, that gives a key twice or that holds a number of more than 40
    characters is refused.

    Raises:
        EventDataError: listing the bad lines as ``file:line: field: what is wrong``
            (the first 1,000 problems; ``omitted`` counts the rest).
        FileNotFoundError: the file does not exist.
    """
    return parse_jsonl(file_lines(path), source=str(path))


def parse_jsonl(lines: Iterable[str | bytes], *, source: str = "<events>") -> EventTable:
    """Parse JSON Lines text (an iterable of lines) into an [`EventTable`][slakit.EventTable].

    See ``read_jsonl()`` for the format; ``source`` names the input in errors.
    Lines given as bytes are decoded as UTF-8, each on its own.
    """
    problems = Problems()
    kind: list[int] = []
    state: list[str] = []
    affected: list[Decimal] = []
    service: list[str] = []
    start: list[int] = []
    end: list[int] = []
    announced: list[int] = []
    where: list[str] = []
    for here, obj in json_objects(lines, source=source, problems=problems):
        row = _parse_object(obj, here, problems)
        if row is None:
            continue
        kind.append(row[0])
        service.append(row[1])
        start.append(row[2])
        end.append(row[3])
        announced.append(row[4])
        state.append(row[5])
        affected.append(row[6])
        where.append(here)
    if problems or problems.omitted:
        raise problems.error()
    names = sorted(set(service))
    code = {name: i for i, name in enumerate(names)}
    state_names = sorted({"down", *state})
    state_code = {name: i for i, name in enumerate(state_names)}
    levels = sorted({Decimal(1), *affected})
    level_code = {level: i for i, level in enumerate(levels)}
    return EventTable(
        kind=kind,
        service=[code[s] for s in service],
        services=names,
        start=start,
        end=end,
        announced=announced,
        state=[state_code[s] for s in state],
        states=state_names,
        affected=[level_code[a] for a in affected],
        affected_levels=levels,
        where=where,
    )


def _parse_object(
    obj: dict[str, Any], here: str, problems: list[Problem]
) -> tuple[int, str, int, int, int, str, Decimal] | None:
    before = len(problems)
    kind_name = obj.get("type")
    if not isinstance(kind_name, str) or kind_name not in _FIELDS:
        told = "missing" if "type" not in obj else f"{echo(kind_name)} is not"
        problems.append(Problem(here, "type", f"{told} one of {_KINDS_TEXT}"))
        return None
    expected = _FIELDS[kind_name]
    problems.extend(
        Problem(here, name, f"missing; a {kind_name} needs {', '.join(expected[1:])}")
        for name in expected
        if name not in obj
    )
    optional = _OPTIONAL[kind_name]
    problems.extend(
        Problem(
            here,
            name,
            f"unknown field for a {kind_name}; expected {', '.join(expected + optional)}",
        )
        for name in obj
        if name not in expected and name not in optional
    )
    _check_id_note(obj, here, problems)
    state = obj.get("state", "down")
    if not isinstance(state, str) or not state.strip():
        problems.append(
            Problem(here, "state", f"{echo(state)} must be a state name such as 'degraded'")
        )
    share = Decimal(1)
    if "affected" in obj:
        try:
            share = ratio(obj["affected"], name="affected")
        except DefinitionError as exc:
            problems.append(Problem(here, "affected", str(exc)))
        else:
            if share == 0:
                problems.append(Problem(here, "affected", "'0%' affects nobody; above 0% please"))
    svc = obj.get("service")
    if "service" in obj:
        text_field(svc, here, "service", problems)
    times: dict[str, int] = {}
    for name in expected[2:]:
        if name in obj:
            value = instant_field(obj[name], here, name, problems)
            if value is not None:
                times[name] = value
    if "start" in times and "end" in times and times["end"] <= times["start"]:
        problems.append(Problem(here, "end", f"{obj['end']!r} is not after start {obj['start']!r}"))
    if len(problems) > before:
        return None
    kind = {"outage": OUTAGE, "maintenance": MAINTENANCE, "deployment": DEPLOYMENT}[kind_name]
    return (
        kind,
        str(svc),
        times["start"],
        times["end"],
        times.get("announced", NO_TIME),
        str(state),
        share,
    )


def _check_id_note(obj: dict[str, Any], here: str, problems: list[Problem]) -> None:
    """Check the optional ``id`` (a string or a whole number) and ``note`` (a string)."""
    if "id" in obj:
        value = obj["id"]
        if not (
            (isinstance(value, str) and value.strip())
            or (isinstance(value, int) and not isinstance(value, bool))
        ):
            problems.append(
                Problem(here, "id", f"{echo(value)} must be a non-empty string or a whole number")
            )
    if "note" in obj and not isinstance(obj["note"], str):
        problems.append(Problem(here, "note", f"{echo(obj['note'])} must be a string"))
