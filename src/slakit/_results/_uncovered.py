"""Input that no measure counted, in groups: uncovered services, unread tables, rejected rows.

Every input row is counted, excluded by a clause, or ignored by each measure
with a reason, and the measures' evidence lists those of the agreement's
services. What no measure's evidence can list is gathered here, grouped by
reason and then by service:

- ``"uncovered"``: rows for a service the agreement does not cover (a typo such
  as ``initech-vsp`` for ``initech-vps`` gets a did-you-mean);
- ``"rejected"``: rows a measure rejected as invalid (a ticket whose coverage
  has no clock);
- ``"unread"``: rows of a table that no measure or rule of the agreement reads,
  or of a service that no measure reading that table covers.

A group holds its count; its rows are built only when asked for
(``UncoveredGroup.rows()``), so a report over ten million rows stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

import attrs

from slakit.exceptions import Problem

__all__ = [
    "CATEGORIES",
    "REJECTED",
    "UNCOVERED",
    "UNREAD",
    "UncoveredGroup",
    "UncoveredRow",
    "noun",
    "problems_of",
]

UNCOVERED: Final = "uncovered"
REJECTED: Final = "rejected"
UNREAD: Final = "unread"
#: The categories in the order reports list them.
CATEGORIES: Final = (UNCOVERED, REJECTED, UNREAD)

#: Input kinds as people say them: plural name -> singular.
_SINGULAR: Final = {
    "events": "event",
    "requests": "request",
    "probes": "probe",
    "tickets": "ticket",
    "claims": "claim",
    "billing records": "billing record",
    "corrections": "correction",
    "rows": "row",
}


def noun(table: str, count: int) -> str:
    """Return ``count`` and the kind of input, in the number it takes (``'1 event'``)."""
    if count == 1:
        return f"1 {_SINGULAR.get(table, table)}"
    return f"{count:,} {table}"


@attrs.frozen
class UncoveredRow:
    """One input row that no measure counted.

    Attributes:
        where: where this copy of the row came from (``events.jsonl:12`` or
            ``record 12``): for finding it in your own input; renderings of the
            report do not print it, as another party's copy sits elsewhere.
        table: the kind of input (``"events"``, ``"tickets"`` ...).
        service: the row's service (``None`` when the group does not name one).
        category: ``"uncovered"``, ``"rejected"`` or ``"unread"``.
        reason: why it was not counted, in words.
        suggestions: for a service the agreement does not cover, the names it
            may have meant (the agreement's services and the measures' components).
        facts: what the row says, which identifies it in every party's copy of the
            input: the DSL call of its record (``Outage('initech-vsp', ...)``), or
            for a rejected row its kind, service and span.
    """

    where: str
    table: str
    service: str | None
    category: str
    reason: str
    suggestions: tuple[str, ...] = ()
    facts: str = ""

    def describe(self) -> str:
        """Return the row on one line."""
        service = "" if self.service is None else f" for service {self.service!r}"
        return f"{self.where}: {_SINGULAR.get(self.table, self.table)}{service}: {self.reason}"


@attrs.frozen(eq=False)
class UncoveredGroup:
    """The rows of one kind of input not counted for one reason and one service.

    Attributes:
        category: ``"uncovered"``, ``"rejected"`` or ``"unread"``.
        table: the kind of input (``"events"``, ``"tickets"`` ...).
        service: the service the rows name (``None`` for rows of every service).
        reason: why they were not counted, in words.
        count: how many rows.
        suggestions: the names a service the agreement does not cover may have meant.
        first: where the group's first row in input order came from (for
            errors and warnings that point into a file; ``rows()`` are in the
            canonical order of their facts instead).
    """

    category: str
    table: str
    service: str | None
    reason: str
    count: int
    suggestions: tuple[str, ...]
    first: str
    _rows: Callable[[int | None], list[UncoveredRow]] = attrs.field(repr=False, alias="rows")

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What identifies the group across reports over the same input."""
        return (self.category, self.table, self.service or "", self.reason)

    def rows(self, limit: int | None = None) -> list[UncoveredRow]:
        """Return the group's rows (the first ``limit`` of them, or all), ordered by their facts.

        The order is a total key of what the rows say (time, service, id, then
        every field), never their position in the input, so two parties with the
        same rows in any order get the same rows here, and the same first ``limit``.
        """
        return self._rows(limit)

    def did_you_mean(self) -> str:
        """Return ``"did you mean 'x'?"`` (or ``""`` without suggestions)."""
        if not self.suggestions:
            return ""
        return "did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"

    def describe(self) -> str:
        """Return the group on one line: how many rows, of which service, and why."""
        service = "" if self.service is None else f" for service {self.service!r}"
        hint = self.did_you_mean()
        text = f"{noun(self.table, self.count)}{service}: {self.reason}"
        return f"{text}; {hint}" if hint else text

    def problem(self) -> Problem:
        """Return the group as a [`Problem`][slakit.exceptions.Problem] (at its first row)."""
        more = "" if self.count == 1 else f" (first of {self.count:,} rows)"
        return Problem(
            f"{self.first}{more}", "service" if self.service is not None else "", self.describe()
        )


def problems_of(groups: Iterable[UncoveredGroup]) -> tuple[Problem, ...]:
    """Return one problem per group, in order."""
    return tuple(group.problem() for group in groups)
