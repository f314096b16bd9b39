"""The inputs of an evaluation: columnar tables, one per kind of input, found by type."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sized
from typing import Any, TypeVar, cast

import attrs

from slakit._events._records import Deployment, Maintenance, Outage
from slakit._events._requests import RequestTable
from slakit._events._table import EventTable
from slakit._registry import Registry
from slakit.exceptions import EvaluationError

__all__ = ["RECORDS", "Inputs", "Tables", "as_inputs", "register_records", "size_of"]

T = TypeVar("T")

Builder = tuple[type, Callable[[list[Any]], object]]
#: How a list of records becomes a table: record type -> (table type, builder).
RECORDS: Registry[Builder] = Registry("table of records")


def register_records(
    record_types: tuple[type, ...], table_type: type, build: Callable[[list[Any]], object]
) -> None:
    """Teach ``as_inputs()`` to turn lists of ``record_types`` into ``table_type``."""
    RECORDS.add(record_types, (table_type, build))


register_records((Outage, Maintenance, Deployment), EventTable, EventTable.from_records)


class Tables(dict[type, object]):
    """An evaluation's tables by type, with a store for the work its measures share.

    ``as_inputs()`` makes one per evaluation and every measure's view of the
    inputs holds the same one, so what one measure prepares from a table (the
    tickets' services and clocks, say) the next one reuses; it lives only as
    long as the evaluation's inputs, never across evaluations.
    """

    __slots__ = ("shared",)

    def __init__(self) -> None:
        super().__init__()
        self.shared: dict[Hashable, Any] = {}


@attrs.frozen
class Inputs:
    """The tables an evaluation reads, keyed by table type (``EventTable``, ...)."""

    tables: dict[type, object] = attrs.field(factory=dict)
    #: The table types some measure or rule asked for: the others are reported as unread.
    read: set[type] = attrs.field(factory=set, eq=False)

    def get(self, table_type: type[T]) -> T | None:
        """Return the table of ``table_type``, or ``None`` if none was given."""
        self.read.add(table_type)
        return cast("T | None", self.tables.get(table_type))

    def unread(self) -> dict[str, int]:
        """Return, by table type, the rows of tables that nothing asked for."""
        return {
            t.__name__: size_of(table) for t, table in self.tables.items() if t not in self.read
        }

    def events(self) -> EventTable:
        """Return the outage and maintenance events (an empty table if none were given)."""
        table = self.get(EventTable)
        return table if table is not None else EventTable.from_records([])

    def rows(self) -> int:
        """Return the number of input rows over every table."""
        return sum(size_of(t) for t in self.tables.values())

    def shared(self) -> dict[Hashable, Any]:
        """Return the store of work shared by the measures of this evaluation.

        Empty and private to the caller when the tables were not gathered by
        ``as_inputs()`` (nothing is shared then).
        """
        tables = self.tables
        return tables.shared if isinstance(tables, Tables) else {}


def size_of(table: object) -> int:
    """Return a table's rows; a request table's requests (a row may stand for several)."""
    if isinstance(table, RequestTable):
        return table.requests
    return len(cast("Sized", table))


def as_inputs(sources: Iterable[object]) -> Inputs:
    """Sort tables and record lists into ``Inputs``, one table per type.

    Raises:
        EvaluationError: an input is of no known kind, or two inputs are of one kind.
    """
    tables = Tables()

    def put(table_type: type, table: object) -> None:
        if table_type in tables:
            raise EvaluationError(
                f"two {table_type.__name__} inputs were given; concatenate them into one first"
            )
        tables[table_type] = table

    for source in sources:
        if isinstance(source, Inputs):
            for table_type, table in source.tables.items():
                put(table_type, table)
            continue
        kind = next((t for t, _ in RECORDS.values() if isinstance(source, t)), None)
        if kind is not None:  # keyed by its kind: a subclass is read as its kind
            put(kind, source)
            continue
        if isinstance(source, str | bytes) or not isinstance(source, Iterable):
            raise EvaluationError(
                f"cannot evaluate over {type(source).__name__} {source!r:.60}; pass an EventTable "
                "(or another table) or a list of records such as Outage(...)"
            )
        groups: dict[Builder, list[Any]] = {}
        for record in source:
            entry = RECORDS.get(type(record))
            if entry is None:
                raise EvaluationError(
                    f"{record!r:.80} is not an input record; known records: "
                    f"{', '.join(sorted(t.__name__ for t in RECORDS))}"
                )
            groups.setdefault(entry, []).append(record)
        for (table_type, build), records in groups.items():
            put(table_type, build(records))
    return Inputs(tables)
