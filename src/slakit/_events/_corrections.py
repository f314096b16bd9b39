"""Corrections: time on some services that an agreement's exclusions may take out, and why.

A [`Correction`][slakit.Correction] records a span of time on one service, a
list of services, every service (``"*"``) or the catalogue entries with a tag
(``"tag:eu"``), with a *category* (``"customer-caused"``, ``"force majeure"``,
``"third-party"``, ``"emergency maintenance"``, ``"suspension"``, ``"beta"``
or any name the contract uses), the reason, who recorded it and when. It
excludes nothing by itself: a measure's [`corrections()`][slakit.corrections]
clause names the categories it excludes and how (remove the time, count it as
available, or count it as unavailable). The report lists every correction a
measure read: applied (with the time it took out), or not, and why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from slakit._events._columns import (
    NO_TIME,
    Column,
    Problems,
    check_where,
    instants,
    read_columns,
    row_names,
)
from slakit._events._records import records_of
from slakit._node import DSLRepr, node
from slakit._time._instant import InstantLike, format_us, from_us, to_us
from slakit._validation import check_service_name
from slakit.exceptions import DefinitionError, Problem, SlakitError

__all__ = ["ALL_SERVICES", "Correction", "CorrectionTable", "selector_words"]

#: The selector of every service the measure evaluates.
ALL_SERVICES = "*"
#: The most corrections one table holds: each is matched against the services by name.
MAX_CORRECTIONS = 1_000_000


def _selector(value: object) -> str | tuple[str, ...]:
    if isinstance(value, str):
        if value == ALL_SERVICES:
            return value
        if value.startswith("tag:"):
            if not value[4:].strip():
                raise DefinitionError(
                    f"services={value!r} names no tag; write 'tag:' and the catalogue tag, "
                    "such as 'tag:eu'"
                )
            return value
        check_service_name(value, "services")
        return value
    if isinstance(value, Iterable):
        names = tuple(value)
        if not names:
            raise DefinitionError(
                "services=[] names no service; give a name, a list of names, '*' for every "
                "service or 'tag:NAME'"
            )
        for name in names:
            check_service_name(name, "services")
        if len(set(names)) != len(names):
            raise DefinitionError(f"services={list(names)!r} names a service twice")
        return names
    raise DefinitionError(
        f"services={value!r} must be a service name, a list of names, '*' for every service or "
        "'tag:NAME' for the catalogue entries with a tag"
    )


def _text(name: str, *, required: bool) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if not isinstance(value, str) or (required and not value.strip()):
            what = "a non-empty string" if required else "a string"
            raise DefinitionError(f"{name}={value!r} must be {what}")

    return check


def _start(value: InstantLike) -> datetime:
    return from_us(to_us(value, name="start"))


def _end(value: InstantLike) -> datetime:
    return from_us(to_us(value, name="end"))


def _optional_instant(value: InstantLike | None) -> datetime | None:
    return None if value is None else from_us(to_us(value, name="recorded"))


def selector_words(selector: str | tuple[str, ...]) -> str:
    """Return a correction's services in words: ``"every service"``, ``"db, api"``."""
    if selector == ALL_SERVICES:
        return "every service"
    if isinstance(selector, str):
        return f"the services tagged {selector[4:]!r}" if selector.startswith("tag:") else selector
    return ", ".join(selector)


@node("correction", call="Correction")
@attrs.frozen
class Correction(DSLRepr):
    """A span of time on some services, with a category, why, who recorded it and when.

    ``services`` is one service's name, a list of names, ``"*"`` for every
    service the measure evaluates, or ``"tag:NAME"`` for the services whose
    catalogue entries carry the tag. The span is half-open, ``[start, end)``.

    >>> c = Correction("db", "2026-10-03T01:00Z", "2026-10-03T03:00Z",
    ...                category="customer-caused", reason="customer's firewall change CHG-1182",
    ...                by="noc@acme.example")
    >>> c.category, c.span_us()[1] - c.span_us()[0]
    ('customer-caused', 7200000000)
    """

    services: str | tuple[str, ...] = attrs.field(converter=_selector)
    start: datetime = attrs.field(converter=_start)
    end: datetime = attrs.field(converter=_end)
    category: str = attrs.field(kw_only=True, validator=_text("category", required=True))
    reason: str = attrs.field(default="", kw_only=True, validator=_text("reason", required=False))
    by: str = attrs.field(default="", kw_only=True, validator=_text("by", required=False))
    recorded: datetime | None = attrs.field(default=None, kw_only=True, converter=_optional_instant)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise DefinitionError(
                f"Correction end={self.end.isoformat()!r} must lie after "
                f"start={self.start.isoformat()!r}; swap them or fix the record"
            )

    def span_us(self) -> tuple[int, int]:
        """Return ``(start, end)`` in microseconds since the epoch, UTC."""
        return to_us(self.start), to_us(self.end)

    def describe(self) -> str:
        """Return the correction in words: what, where, why, who."""
        start, end = self.span_us()
        text = (
            f"{self.category} on {selector_words(self.services)} "
            f"[{format_us(start)}, {format_us(end)})"
        )
        if self.reason:
            text += f": {self.reason}"
        if self.by or self.recorded is not None:
            text += " (recorded"
            if self.by:
                text += f" by {self.by}"
            if self.recorded is not None:
                text += f" at {format_us(to_us(self.recorded))}"
            text += ")"
        return text


class CorrectionTable:
    """Corrections as columns (start, end, category), with each one's services and words.

    Build it with ``from_records()`` or ``from_columns()``; ``where`` names each
    row in reports and errors (``corrections.csv:3``, or ``correction 2``).
    """

    __slots__ = ("_columns", "category", "end", "records", "selector", "start", "where")

    def __init__(self, records: Sequence[Correction], where: Sequence[str] | None = None) -> None:
        items = records_of(records, Correction, "Correction")
        if len(items) > MAX_CORRECTIONS:
            raise SlakitError(
                f"{len(items):,} corrections exceed the {MAX_CORRECTIONS:,} one table holds"
            )
        check_where(where, len(items))
        self.records = tuple(items)
        self.where = (
            tuple(where)
            if where is not None
            else tuple(f"correction {i}" for i in range(len(items)))
        )
        spans = [c.span_us() for c in items]
        self.start: npt.NDArray[np.int64] = np.asarray([s for s, _ in spans] or [], dtype=np.int64)
        self.end: npt.NDArray[np.int64] = np.asarray([e for _, e in spans] or [], dtype=np.int64)
        self.category = tuple(c.category for c in items)
        self.selector = tuple(c.services for c in items)
        self._columns: dict[str, npt.NDArray[Any]] | None = None

    def columns(self) -> dict[str, npt.NDArray[Any]]:
        """Return the text and instant columns as arrays, built once (``None``: empty text).

        ``services`` is each selector as one text: ``*``, ``tag:NAME``, or the
        names sorted and joined by ``;``; ``recorded`` is ``NO_TIME`` where not given.
        """
        if self._columns is None:

            def texts(values: Iterable[object]) -> npt.NDArray[np.object_]:
                out: npt.NDArray[np.object_] = np.empty(len(self.records), dtype=object)
                out[:] = list(values)
                return out

            self._columns = {
                "services": texts(
                    s if isinstance(s, str) else ";".join(sorted(s)) for s in self.selector
                ),
                "category": texts(self.category),
                "reason": texts(c.reason or None for c in self.records),
                "by": texts(c.by or None for c in self.records),
                "recorded": np.asarray(
                    [NO_TIME if c.recorded is None else to_us(c.recorded) for c in self.records],
                    dtype=np.int64,
                ),
            }
        return self._columns

    def __len__(self) -> int:
        return len(self.records)

    def __repr__(self) -> str:
        return f"<CorrectionTable {len(self)} corrections>"

    @classmethod
    def from_records(cls, records: Iterable[Correction]) -> CorrectionTable:
        """Build a table from ``Correction`` records."""
        return cls(list(records))

    @classmethod
    def from_columns(
        cls, columns: Mapping[str, Any], *, where: Sequence[str] | None = None
    ) -> CorrectionTable:
        """Build a table from columns, every row checked at once.

        ``columns`` maps ``services`` (a name, ``*``, ``tag:NAME``, or names
        separated by ``;``), ``start``, ``end`` (aware ISO 8601 text or
        datetimes) and ``category`` to equal-length columns, and optionally
        ``reason``, ``by`` and ``recorded``. A data frame works as it is.

        Raises:
            EventDataError: listing every invalid row by row and field.
        """
        got = read_columns(
            columns,
            required=("services", "start", "end", "category"),
            optional=("reason", "by", "recorded"),
            what="correction",
        )
        n = len(got["services"])
        check_where(where, n)
        where_of = row_names(where)
        problems = Problems()
        # instants read as every table reads them: datetime64 with a zone, aware text, epochs
        start = instants(got["start"], n, where_of=where_of, problems=problems, required=True)
        end = instants(got["end"], n, where_of=where_of, problems=problems, required=True)
        recorded = instants(
            got.get("recorded"), n, where_of=where_of, problems=problems, required=False
        )
        cells: dict[str, list[Any]] = {
            name: _cells(got[name])
            for name in ("services", "category", "reason", "by")
            if name in got
        }
        records: list[Correction] = []
        for i in range(n):

            def cell(name: str, i: int = i) -> Any:
                column = cells.get(name)
                return None if column is None else column[i]

            def refuse(field: str, message: str, i: int = i) -> None:
                problems.append(Problem(where_of(i), field, message))

            services = cell("services")
            if isinstance(services, str) and ";" in services:
                services = tuple(part.strip() for part in services.split(";") if part.strip())
            fine = True
            try:
                services = _selector(services)
            except DefinitionError as error:
                refuse("services", str(error))
                fine = False
            category, reason, by = cell("category"), cell("reason") or "", cell("by") or ""
            if not isinstance(category, str) or not category.strip():
                refuse(
                    "category", f"{category!r} is not a category; name one, such as 'force majeure'"
                )
                fine = False
            for field, text in (("reason", reason), ("by", by)):
                if not isinstance(text, str):
                    refuse(field, f"{text!r} must be text")
                    fine = False
            if start is None or end is None or recorded is None:
                fine = False  # a column problem, reported once
            elif NO_TIME in (int(start[i]), int(end[i])):
                fine = False  # the missing instant is reported by instants()
            elif end[i] <= start[i]:
                refuse("end", f"end must lie after start ({format_us(int(start[i]))}); swap them")
                fine = False
            problems.trim()
            if fine and not problems:
                assert start is not None
                assert end is not None
                assert recorded is not None
                records.append(
                    Correction(
                        services,
                        int(start[i]),
                        int(end[i]),
                        category=category,
                        reason=reason,
                        by=by,
                        recorded=None if recorded[i] == NO_TIME else int(recorded[i]),
                    )
                )
        if problems:
            raise problems.error()
        return cls(records, where=[where_of(i) for i in range(n)])


def _cells(column: Column) -> list[Any]:
    """Return a column's cells as Python values, ``None`` where the frame held none."""
    values = column.values.tolist()
    if column.missing is not None:
        values = [
            None if gone else v for v, gone in zip(values, column.missing.tolist(), strict=True)
        ]
    return [None if isinstance(v, float) and math.isnan(v) else v for v in values]
