"""Find the input no measure counted: rows of uncovered services, unread tables, rejected rows.

Counting is columnar: each table's service codes are counted with one
``bincount``, the distinct names are classified with ``isin``, and only the
groups found (one per reason and service) become Python objects. The rows of
a group are sorted out when first asked for: one ``lexsort`` per table puts its
rows in the canonical order of their facts (``slakit._engine._order``) and one
stable ``argsort`` groups them, so the rows of a group, and the first ten that
``explain()`` prints, never depend on the order of the input. See
``slakit._results._uncovered`` for what the groups mean.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._agreement import Agreement
from slakit._dsl._measures import Measure
from slakit._engine._inputs import Inputs, size_of
from slakit._engine._order import canonical, row_facts
from slakit._events._requests import RequestTable
from slakit._results._evidence import MeasureOutcome
from slakit._results._uncovered import (
    CATEGORIES,
    REJECTED,
    UNCOVERED,
    UNREAD,
    UncoveredGroup,
    UncoveredRow,
    problems_of,
)
from slakit.exceptions import StrictInputError

__all__ = [
    "Reader",
    "check_strict",
    "common_groups",
    "component_names",
    "did_you_mean",
    "input_counts",
    "name_set",
    "names_read",
    "table_noun",
    "uncovered_groups",
]

I64 = npt.NDArray[np.int64]

#: Each kind of table, as people call its rows.
_NOUNS: Final = {
    "EventTable": "events",
    "RequestTable": "requests",
    "ProbeTable": "probes",
    "TicketTable": "tickets",
    "ClaimTable": "claims",
    "ChargeTable": "billing records",
    "CorrectionTable": "corrections",
}


def table_noun(table_type: type) -> str:
    """Return what the rows of ``table_type`` are called (``'events'``, ``'tickets'`` ...)."""
    return _NOUNS.get(table_type.__name__, f"{table_type.__name__} rows")


@attrs.frozen(eq=False)
class Reader:
    """What one measure (or the compensation rules) read: its view of the inputs, its services.

    Attributes:
        inputs: the view the reader was given; its ``read`` set says which tables it asked for.
        names: the service and component names whose rows it reads.
        outcome: the measure's outcome (``None`` for the compensation rules).
    """

    inputs: Inputs
    names: frozenset[str]
    outcome: MeasureOutcome | None = None


def component_names(measure: Measure) -> set[str]:
    """Return the component names a measure reads rows of (through composites too)."""
    out: set[str] = set()
    node: object = measure
    while isinstance(node, Measure):
        for _service, rule in getattr(node, "components", ()):
            out.update(rule.names)
        node = getattr(node, "measure", None)
    return out


def names_read(measure: Measure, services: Iterable[str]) -> frozenset[str]:
    """Return every name whose rows ``measure`` reads when it covers ``services``."""
    names = name_set(services if isinstance(services, tuple) else tuple(services))
    components = component_names(measure)
    return names | components if components else names


@functools.lru_cache(maxsize=64)
def name_set(services: tuple[str, ...]) -> frozenset[str]:
    """Return ``services`` as a set (cached: one agreement is evaluated many times)."""
    return frozenset(services)


def input_counts(inputs: Inputs, readers: Sequence[Reader]) -> dict[str, int]:
    """Return the rows read per kind of input; a kind asked for but not given reads 0.

    Kinds come in one fixed order (events, requests, probes, tickets, claims,
    billing records, then any other by name), never in the order the inputs were given.
    """
    found = {table_noun(t): size_of(table) for t, table in inputs.tables.items()}
    asked = {t for reader in readers for t in reader.inputs.read}
    for table_type in asked:
        found.setdefault(table_noun(table_type), 0)
    known = list(_NOUNS.values())
    order = sorted(found, key=lambda k: (known.index(k) if k in known else len(known), k))
    return {kind: found[kind] for kind in order} or {"events": 0}


def _service_column(table: Any) -> tuple[I64, tuple[str, ...]] | None:
    """Return each row's service code and the names the codes index, if the table has them.

    A table has them as integer codes into a ``services`` tuple, or as a column
    of names (claims, billing records), coded here with one ``unique``; only the
    distinct names are looked at in Python.
    """
    n = len(table)
    services = getattr(table, "services", None)
    service = getattr(table, "service", None)
    if not isinstance(service, np.ndarray) or service.shape != (n,):
        return None
    if isinstance(services, tuple) and service.dtype.kind in "iu":
        return service.astype(np.int64, copy=False), services
    if service.dtype != object:
        return None
    try:
        names, codes = np.unique(service, return_inverse=True)
    except TypeError:  # names that do not compare: not all text
        return None
    found = names.tolist()
    if not all(isinstance(name, str) for name in found):
        return None
    return codes.astype(np.int64).reshape(n), tuple(found)


def did_you_mean(name: str, candidates: Sequence[str]) -> tuple[str, ...]:
    """Return the closest of ``candidates`` to ``name``: the best match and any as close.

    Matching is ``difflib``'s ratio with its usual cutoff (0.6); of the
    matches, only those within 0.05 of the best are kept, so ``initech-vsp``
    suggests ``initech-vps`` and not every service that shares a prefix.
    """
    scored = []
    for candidate in candidates:
        matcher = difflib.SequenceMatcher(None, name, candidate)
        if matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6:
            continue  # upper bounds of the ratio: it cannot reach the cutoff
        ratio = matcher.ratio()
        if ratio >= 0.6:
            scored.append((ratio, candidate))
    if not scored:
        return ()
    best = max(ratio for ratio, _ in scored)
    close = sorted((-ratio, c) for ratio, c in scored if ratio >= best - 0.05)
    return tuple(c for _, c in close[:3])


#: At most this many unknown names get suggestions in one reconciliation (the most rows first).
SUGGESTED_NAMES: Final = 50
#: Each is compared with at most this many known names: those sharing most three-letter runs.
SUGGESTION_CANDIDATES: Final = 32


class Suggestions:
    """Did-you-mean for unknown names, with bounded work whatever the number of names.

    Comparing every unknown name with every known one costs their product
    (minutes at 10,000 of each). Instead the known names are indexed by their
    three-letter runs once; an unknown name is compared, by ``did_you_mean()``,
    with the ``SUGGESTION_CANDIDATES`` known names that share the most runs
    with it, and only the ``SUGGESTED_NAMES`` unknown names with the most rows
    get suggestions at all.
    """

    def __init__(self, candidates: Iterable[str]) -> None:
        self._given_candidates = candidates
        self._index: dict[str, list[int]] | None = None
        self.given = 0

    @functools.cached_property
    def candidates(self) -> tuple[str, ...]:
        """The known names, in order (sorted when first asked for: most runs suggest nothing)."""
        return tuple(self._given_candidates)

    def _runs(self) -> dict[str, list[int]]:
        if self._index is None:
            index: dict[str, list[int]] = {}
            for i, candidate in enumerate(self.candidates):
                for run in _runs_of(candidate):
                    index.setdefault(run, []).append(i)
            self._index = index
        return self._index

    def of(self, name: str) -> tuple[str, ...]:
        """Return the suggestions for ``name`` (none once the budget is spent)."""
        if self.given >= SUGGESTED_NAMES:
            return ()
        self.given += 1
        if len(self.candidates) <= SUGGESTION_CANDIDATES:
            return did_you_mean(name, self.candidates)
        shared: dict[int, int] = {}
        index = self._runs()
        for run in _runs_of(name):
            for i in index.get(run, ()):
                shared[i] = shared.get(i, 0) + 1
        closest = sorted(shared, key=lambda i: (-shared[i], i))[:SUGGESTION_CANDIDATES]
        return did_you_mean(name, [self.candidates[i] for i in closest])


class _Sorted(Iterable[str]):
    """Names iterated in sorted order, sorted only when iterated."""

    def __init__(self, names: Iterable[str]) -> None:
        self._names = names

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._names))


def _runs_of(text: str) -> set[str]:
    folded = f" {text.casefold()} "
    return {folded[i : i + 3] for i in range(len(folded) - 2)}


def _members(names: Sequence[str], known: frozenset[str]) -> npt.NDArray[np.bool_]:
    """Return which of ``names`` are in ``known``."""
    if known.issuperset(names):
        return np.ones(len(names), dtype=bool)
    return np.fromiter((name in known for name in names), bool, len(names))


def _where(table: Any, row: int) -> str:
    where = getattr(table, "where", None)
    return str(where(row)) if callable(where) else f"record {row}"


class _Grouped:
    """The rows of one table in its groups, sorted out once when first asked for."""

    def __init__(self, table: Any, group_of_row: I64 | None, groups: int) -> None:
        self.table = table
        self.group_of_row = group_of_row
        self.groups = groups

    @functools.cached_property
    def _every(self) -> I64:
        return canonical(self.table)

    @functools.cached_property
    def _order(self) -> tuple[I64, I64, I64]:
        gid = self.group_of_row
        assert gid is not None
        member = canonical(self.table, np.flatnonzero(gid >= 0))
        order = member[np.argsort(gid[member], kind="stable")]
        sorted_gid = gid[order]
        ids = np.arange(self.groups)
        lo = np.searchsorted(sorted_gid, ids, side="left").astype(np.int64)
        hi = np.searchsorted(sorted_gid, ids, side="right").astype(np.int64)
        return order.astype(np.int64), lo, hi

    def rows(self, g: int, limit: int | None) -> list[int]:
        if self.group_of_row is None:  # one group: every row of the table
            every: list[int] = self._every[:limit].tolist()
            return every
        order, lo, hi = self._order
        start, stop = int(lo[g]), int(hi[g])
        if limit is not None:
            stop = min(stop, start + limit)
        found: list[int] = order[start:stop].tolist()
        return found


def _table_groups(
    table_type: type,
    table: Any,
    readers: Sequence[Reader],
    known: frozenset[str],
    suggest: Suggestions,
) -> list[UncoveredGroup]:
    noun = table_noun(table_type)
    n = len(table)
    if n == 0:
        return []
    readers_of = [r for r in readers if table_type in r.inputs.read]
    column = _service_column(table)
    if not readers_of:
        reason = f"no measure or rule of this agreement reads {noun}"
        if column is None:
            grouped = _Grouped(table, None, 1)
            first = _where(table, 0)
            return [
                _group(
                    grouped,
                    0,
                    category=UNREAD,
                    noun=noun,
                    service=None,
                    reason=reason,
                    count=size_of(table),
                    first=first,
                )
            ]
    if column is None:
        return []
    codes, names = column
    weights = table.weights() if isinstance(table, RequestTable) else None
    counts = np.bincount(codes, weights, minlength=len(names)).astype(np.int64)
    present = counts > 0
    category = np.full(len(names), -1, dtype=np.int64)  # index into CATEGORIES, -1: counted
    if not readers_of:
        category[present] = CATEGORIES.index(UNREAD)
    else:
        covered = frozenset().union(*(r.names for r in readers_of))
        # one hash lookup per distinct name (sorting the names to compare them costs more);
        # where every name is known (a table routed to the agreement's services), one test
        in_known = _members(names, known)
        in_covered = _members(names, covered)
        category[present & ~in_known] = CATEGORIES.index(UNCOVERED)
        category[present & in_known & ~in_covered] = CATEGORIES.index(UNREAD)
    flagged = np.flatnonzero(category >= 0)
    if flagged.size == 0:
        return []
    group_of_code = np.full(len(names), -1, dtype=np.int64)
    group_of_code[flagged] = np.arange(flagged.size)
    first_row = np.full(len(names), n, dtype=np.int64)
    np.minimum.at(first_row, codes, np.arange(n, dtype=np.int64))
    grouped = _Grouped(table, group_of_code[codes], int(flagged.size))
    out = []
    uncovered = flagged[category[flagged] == CATEGORIES.index(UNCOVERED)]
    by_rows = uncovered[np.argsort(-counts[uncovered], kind="stable")]  # the most rows first
    hints = {int(code): suggest.of(names[code]) for code in by_rows[:SUGGESTED_NAMES].tolist()}
    for g, code in enumerate(flagged.tolist()):
        name = names[code]
        kind = CATEGORIES[int(category[code])]
        suggestions: tuple[str, ...] = ()
        if kind == UNCOVERED:
            reason = "the agreement does not cover this service"
            suggestions = hints.get(code, ())
        elif readers_of:
            reason = f"no measure of this agreement reads the {noun} of this service"
        else:
            reason = f"no measure or rule of this agreement reads {noun}"
        first = _where(table, int(first_row[code]))
        out.append(
            _group(
                grouped,
                g,
                category=kind,
                noun=noun,
                service=name,
                reason=reason,
                count=int(counts[code]),
                suggestions=suggestions,
                first=first,
            )
        )
    return out


def _group(
    grouped: _Grouped,
    g: int,
    *,
    category: str,
    noun: str,
    service: str | None,
    reason: str,
    count: int,
    suggestions: tuple[str, ...] = (),
    first: str,
) -> UncoveredGroup:
    def rows(limit: int | None) -> list[UncoveredRow]:
        return [
            UncoveredRow(
                where=_where(grouped.table, row),
                table=noun,
                service=service,
                category=category,
                reason=reason,
                suggestions=suggestions,
                facts=row_facts(grouped.table, row),
            )
            for row in grouped.rows(g, limit)
        ]

    return UncoveredGroup(
        category=category,
        table=noun,
        service=service,
        reason=reason,
        count=count,
        suggestions=suggestions,
        first=first,
        rows=rows,
    )


def _rejected_groups(readers: Sequence[Reader]) -> list[UncoveredGroup]:
    """Return one group per measure and reason of rows a measure rejected as invalid."""
    out = []
    seen: set[int] = set()
    for reader in readers:
        outcome = reader.outcome
        if outcome is None or id(outcome.counts) in seen:
            continue
        seen.add(id(outcome.counts))  # a composite shares its inner measure's counts
        read = sorted(reader.inputs.read, key=lambda t: t.__name__)
        noun = table_noun(read[0]) if len(read) == 1 else "rows"
        for key, count in outcome.counts["reasons"].items():
            if not key.startswith("rejected") or not count:
                continue
            reason = f"rejected by {outcome.measure.label}: {key.removeprefix('rejected: ')}"
            out.append(_rejected(outcome, noun, reason, int(count)))
    return out


def _rejected(outcome: MeasureOutcome, noun: str, reason: str, count: int) -> UncoveredGroup:
    def rows(limit: int | None) -> list[UncoveredRow]:
        found = [
            UncoveredRow(
                where=note.where,
                table=noun,
                service=note.service,
                category=REJECTED,
                reason=note.reason,
                facts=note.what(),
            )
            for note in outcome.notes()
            if "rejected" in note.reason
        ]
        return found if limit is None else found[:limit]

    return UncoveredGroup(
        category=REJECTED,
        table=noun,
        service=None,
        reason=reason,
        count=count,
        suggestions=(),
        first="",
        rows=rows,
    )


def uncovered_groups(
    agreement: Agreement, inputs: Inputs, readers: Sequence[Reader]
) -> tuple[UncoveredGroup, ...]:
    """Return the input no measure counted, grouped, ordered by category, reason and service."""
    components: set[str] = set()
    for reader in readers:
        if reader.outcome is not None:
            components |= component_names(reader.outcome.measure)
    known = frozenset(agreement.services) | components
    suggest = Suggestions(_Sorted(known))
    groups = _rejected_groups(readers)
    for table_type, table in inputs.tables.items():
        groups.extend(_table_groups(table_type, table, readers, known, suggest))
    groups.sort(key=lambda g: (CATEGORIES.index(g.category), g.reason, g.table, g.service or ""))
    return tuple(groups)


def common_groups(parts: Iterable[Sequence[UncoveredGroup]]) -> tuple[UncoveredGroup, ...]:
    """Return the groups of the first part that every part has (rejected rows: from any part).

    The parts of an amended period each judge the input by their version's terms:
    a row is uncovered or unread only if no version in force counted it.
    """
    parts = list(parts)
    if not parts:
        return ()
    keys = [{g.key for g in part} for part in parts]
    out: dict[tuple[str, str, str, str], UncoveredGroup] = {}
    for part in parts:
        for group in part:
            if group.category == REJECTED or all(group.key in k for k in keys):
                out.setdefault(group.key, group)
    return tuple(
        sorted(
            out.values(),
            key=lambda g: (CATEGORIES.index(g.category), g.reason, g.table, g.service or ""),
        )
    )


def check_strict(groups: Sequence[UncoveredGroup]) -> None:
    """Raise ``StrictInputError`` if any input was not counted."""
    if groups:
        raise StrictInputError(problems_of(groups), groups)
