"""Read events from JSON Lines: one JSON object per line, every problem reported at once."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from slakit._events._lines import instant_field, json_objects
from slakit._events._table import DEPLOYMENT, KINDS, MAINTENANCE, NO_TIME, OUTAGE, EventTable
from slakit._ratio import ratio
from slakit.exceptions import DefinitionError, EventDataError, Problem

__all__ = ["parse_jsonl", "read_jsonl"]

_FIELDS = {
    "outage": ("type", "service", "start", "end"),
    "maintenance": ("type", "service", "start", "end", "announced"),
    "deployment": ("type", "service", "start", "end"),
}
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

    Raises:
        EventDataError: listing every bad line as ``file:line: field: what is wrong``.
        FileNotFoundError: the file does not exist.
    """
    p = Path(path)
    with p.open(encoding="utf-8") as handle:
        return parse_jsonl(handle, source=str(path))


def parse_jsonl(lines: Iterable[str], *, source: str = "<events>") -> EventTable:
    """Parse JSON Lines text (an iterable of lines) into an [`EventTable`][slakit.EventTable].

    See ``read_jsonl()`` for the format; ``source`` names the input in errors.
    """
    problems: list[Problem] = []
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
    if problems:
        raise EventDataError(problems)
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
    if kind_name not in _FIELDS:
        problems.append(
            Problem(here, "type", f"{kind_name!r} is not one of {', '.join(map(repr, KINDS))}")
        )
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
    state = obj.get("state", "down")
    if not isinstance(state, str) or not state.strip():
        problems.append(
            Problem(here, "state", f"{state!r} must be a state name such as 'degraded'")
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
    if "service" in obj and (not isinstance(svc, str) or not svc.strip()):
        problems.append(Problem(here, "service", f"{svc!r} must be a non-empty string"))
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
