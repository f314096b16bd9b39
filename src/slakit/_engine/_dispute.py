"""Disputes: one agreement over two evidence sources, compared span by span.

[`dispute()`][slakit.dispute] evaluates the agreement over *ours* and over
*theirs* for one period, compares each service's counted down time, exclusions
and eligible time in every measure of time, and prices the disagreement: each
service's credit difference (exact), and each disputed span's *worth*, the
change in ours' credit when ours' events of the service over that span are
replaced by theirs'. The semantics are in ``slakit._results._dispute``.

The cost of the worths. The two evaluations cost what two ``evaluate()`` calls
cost. Each disputed span then costs one more evaluation, and only of what it
can change: when the agreement's services are independent (no cap across
services, no composite measure, no service made of other services of the
agreement), the agreement is restricted to the span's service and evaluated
over that service's event rows alone, found through an index of the rows by
service built once per side, so a span costs ``O(r log r)`` for the ``r`` event
rows of its service, whatever the number of services (the other kinds of
input, requests or tickets, are passed as they are). A baseline evaluation per
disputed service checks that the restricted agreement gives the service the
credit the whole agreement gives it; where it does not, or where the services
are coupled, each span of that service costs one evaluation of the whole
agreement, and the dispute's notes say so. ``max_worth`` bounds the number of
these evaluations; spans past it have no worth (``None``) and a note says how
many.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._agreement import Agreement
from slakit._dsl._compensation import CreditRule
from slakit._dsl._composites import Composite
from slakit._engine._inputs import RECORDS, Inputs, as_inputs
from slakit._engine._plan import compile_agreement, evaluate
from slakit._events._columns import NO_TIME
from slakit._events._table import EventTable
from slakit._results._dispute import (
    STATES,
    Dispute,
    DisputedSpan,
    MeasureDispute,
    ServiceDispute,
    SideView,
)
from slakit._results._evidence import MeasureEvidence, MeasureOutcome
from slakit._results._report import Report
from slakit._results._requests import RequestEvidence
from slakit._results._tickets import TicketEvidence
from slakit._time._periods import Period
from slakit._time._timeline import Timeline
from slakit.exceptions import DefinitionError, EvaluationError

__all__ = ["dispute"]

I64 = npt.NDArray[np.int64]

#: The most worth evaluations by default: enough for every span of a normal month.
MAX_WORTH = 2000


def dispute(
    agreement: Agreement,
    ours: object,
    theirs: object,
    *,
    period: Period | str,
    shared: object = (),
    worth: bool = True,
    max_worth: int = MAX_WORTH,
    strict: bool = False,
    ours_source: str = "",
    theirs_source: str = "",
) -> Dispute:
    """Evaluate ``agreement`` over two evidence sources for one period and compare them.

    Each side is what [`evaluate()`][slakit.evaluate] takes as its inputs: a
    table, a list of records, or a list (or tuple) of tables and lists of
    records. ``shared`` inputs (maintenance notices both parties accept, a
    request log, tickets) are given to both sides; tables of one kind on a side
    and in ``shared`` are concatenated (event tables), so ``ours=[outages]``,
    ``shared=[maintenance]`` evaluates ours over both.

    For every service the result holds the exact credit each side's data
    implies and their difference; for every measure of time (uptime) the down
    time counted by ours only, theirs only and both, the time excluded by one
    side only, and every disputed span (where the sides' states differ), with its
    worth: the change in ours' credit when ours' events of the service over the
    span are replaced by theirs' (see the module ``slakit._results._dispute``).

    Args:
        agreement: the agreement. An amended agreement is evaluated under the
            version in force over the whole period; a period split by an
            amendment is refused.
        ours: the first side's inputs (its worths are computed from it).
        theirs: the second side's inputs.
        period: a label in the agreement's periods (``"2026-10"``) or a `Period`.
        shared: inputs given to both sides.
        worth: compute each span's worth (one more evaluation per span).
        max_worth: the most worth evaluations; spans past it get no worth.
        strict: raise when either side has input that no measure counted.
        ours_source: what ours' data is, in words, for the reader (file names).
        theirs_source: what theirs' data is.

    Raises:
        EvaluationError: an input of no known kind, two inputs of one kind that
            cannot be concatenated, or a period split by an amendment.
        StrictInputError: with ``strict``, some input of one side was not counted.
    """
    given: object = agreement
    if not isinstance(given, Agreement):
        raise DefinitionError(f"agreement={agreement!r:.80} must be an Agreement")
    limit: object = max_worth
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise DefinitionError(f"max_worth={max_worth!r} must be a whole number, 0 or more")
    resolved = agreement.period.resolve(period)
    terms, version = _terms(agreement, resolved)
    ours_tables = _side(ours, shared, "ours")
    theirs_tables = _side(theirs, shared, "theirs")
    ours_report = evaluate(terms, *ours_tables, period=resolved, strict=strict)
    theirs_report = evaluate(terms, *theirs_tables, period=resolved, strict=strict)

    ours_credit = credits_by_service(ours_report)
    theirs_credit = credits_by_service(theirs_report)
    compared = _compare(ours_report, theirs_report)
    pricing = _Pricing(
        terms=terms,
        ours=ours_tables,
        theirs=theirs_tables,
        report=ours_report,
        credits=ours_credit,
        budget=max_worth if worth else 0,
    )
    services = []
    for service in terms.services:
        measures = compared.get(service, [])
        worth_by = ""
        spans = [span for m in measures for span in m.spans]
        if worth and spans:
            worths, worth_by = pricing.worths(service, spans)
            priced = iter(worths)
            measures = [
                attrs.evolve(m, spans=tuple(attrs.evolve(s, worth=next(priced)) for s in m.spans))
                for m in measures
            ]
        services.append(
            ServiceDispute(
                service=service,
                ours_credit=ours_credit.get(service, Fraction(0)),
                theirs_credit=theirs_credit.get(service, Fraction(0)),
                measures=tuple(measures),
                worth_by=worth_by,
            )
        )
    return Dispute(
        agreement=agreement,
        period=resolved,
        start=ours_report.start,
        end=ours_report.end,
        services=tuple(services),
        ours_total=ours_report.exact_total,
        theirs_total=theirs_report.exact_total,
        version=version,
        ours_source=ours_source,
        theirs_source=theirs_source,
        uncounted=(_uncounted(ours_report), _uncounted(theirs_report)),
        notes=tuple(pricing.notes()),
    )


# --- inputs -----------------------------------------------------------------------------------


def _sources(value: object, name: str) -> list[object]:
    """Return one side's inputs as a list of sources for ``as_inputs()``."""
    if isinstance(value, str | bytes):
        raise EvaluationError(
            f"{name}={value!r:.60} is text; pass tables or lists of records (read files with "
            "slakit.io.read_table)"
        )
    if isinstance(value, Inputs) or any(
        isinstance(value, table_type) for table_type, _ in RECORDS.values()
    ):
        return [value]
    if not isinstance(value, Iterable):
        raise EvaluationError(
            f"{name}={value!r:.60} is no input; pass a table, a list of records, or a list of "
            "tables and lists of records"
        )
    items = list(value)
    if items and all(RECORDS.get(type(item)) is not None for item in items):
        return [items]  # one list of records
    return items


def _side(value: object, shared: object, name: str) -> list[object]:
    """Return one side's tables, one per kind, with the shared inputs joined in."""
    tables: dict[type, object] = {}
    for source in [*_sources(value, name), *_sources(shared, "shared")]:
        for table_type, table in as_inputs([source]).tables.items():
            if table_type not in tables:
                tables[table_type] = table
                continue
            concat = getattr(table_type, "concat", None)
            if concat is None:
                raise EvaluationError(
                    f"{name} is given two {table_type.__name__} inputs (with shared ones); "
                    "give each kind of input once"
                )
            tables[table_type] = concat([tables[table_type], table])
    return list(tables.values())


def _terms(agreement: Agreement, period: Period) -> tuple[Agreement, str]:
    """Return the terms in force over ``period`` and the version's label (``""``: not amended).

    Raises:
        EvaluationError: an amendment takes effect within the period.
    """
    if not agreement.amendments:
        return agreement, ""
    versions = [
        v
        for v in agreement.versions()
        if (v.start is None or v.start < period.end) and (v.end is None or v.end > period.start)
    ]
    if len(versions) != 1:
        labels = ", ".join(v.label for v in versions)
        raise EvaluationError(
            f"period {period.label} is split by an amendment (versions {labels}); a dispute "
            "compares the credits of one version's terms, so dispute a period under one version, "
            "or compare each side's slakit.evaluate_versions(agreement, *inputs, period=...)"
        )
    return versions[0].agreement, versions[0].label


def credits_by_service(report: Report) -> dict[str, Fraction]:
    """Return each service's exact credit, read from the credit columns (no lines built)."""
    out = dict.fromkeys(report.services, Fraction(0))
    for column in report.credit_columns:
        for service, amount in zip(column.services, column.amount.tolist(), strict=True):
            out[service] = out.get(service, Fraction(0)) + amount
    return out


def _uncounted(report: Report) -> int:
    return sum(group.count for group in report.reconciliation.uncovered)


# --- comparing the evidence -------------------------------------------------------------------


def _view(outcome: MeasureOutcome, j: int) -> tuple[SideView, MeasureEvidence] | None:
    """Return one side's view of service ``j`` of a measure of time, or ``None``."""
    evidence: object = outcome.evidence_of(j)
    if not isinstance(evidence, MeasureEvidence) or isinstance(
        evidence, RequestEvidence | TicketEvidence
    ):
        return None  # requests and tickets: their credits are compared, not spans
    total = int(outcome.total[j])
    value = None if total == 0 else Fraction(int(outcome.good[j]), total)
    view = SideView(
        down=evidence.down, excluded=evidence.excluded, eligible=evidence.eligible, value=value
    )
    return view, evidence


def _inside(timeline: Timeline, points: I64) -> npt.NDArray[np.bool_]:
    """Return which of ``points`` the timeline covers (one ``searchsorted``)."""
    starts, ends = timeline.starts, timeline.ends
    if not starts.shape[0]:
        return np.zeros(points.shape[0], dtype=bool)
    i = np.searchsorted(starts, points, side="right") - 1
    found: npt.NDArray[np.bool_] = (i >= 0) & (points < ends[np.maximum(i, 0)])
    return found


def _states(view: SideView, points: I64) -> npt.NDArray[np.int8]:
    """Return the state of each of ``points`` on one side: codes into `STATES`."""
    codes = np.full(points.shape[0], STATES.index("not eligible"), dtype=np.int8)
    for name, timeline in (("up", view.eligible), ("excluded", view.excluded), ("down", view.down)):
        codes[_inside(timeline, points)] = STATES.index(name)  # later ones take precedence
    return codes


def disputed_spans(
    service: str, label: str, ours: SideView, theirs: SideView, *, start: int, end: int
) -> tuple[DisputedSpan, ...]:
    """Return the spans of ``[start, end)`` where the two views' states differ, in time order.

    One sweep: the bounds of every span of both views cut ``[start, end)`` into
    pieces over which each side keeps one state; each piece's states are read
    at its start, and touching pieces with the same two states are merged.
    """
    if (ours.down, ours.excluded, ours.eligible) == (theirs.down, theirs.excluded, theirs.eligible):
        return ()
    views = (ours.down, ours.excluded, ours.eligible, theirs.down, theirs.excluded, theirs.eligible)
    bounds = np.unique(
        np.concatenate(
            [np.asarray([start, end], dtype=np.int64)]
            + [t.starts for t in views]
            + [t.ends for t in views]
        )
    )
    bounds = bounds[(bounds >= start) & (bounds <= end)]
    lo, hi = bounds[:-1], bounds[1:]
    mine, other = _states(ours, lo), _states(theirs, lo)
    differ = np.flatnonzero(mine != other)
    if not differ.size:
        return ()
    # a new span starts where the previous piece is not disputed, or has other states
    first = np.ones(differ.size, dtype=bool)
    first[1:] = (
        (differ[1:] != differ[:-1] + 1)
        | (mine[differ[1:]] != mine[differ[:-1]])
        | (other[differ[1:]] != other[differ[:-1]])
    )
    heads = differ[first]
    tails = differ[np.append(np.flatnonzero(first)[1:] - 1, differ.size - 1)]
    return tuple(
        DisputedSpan(
            service=service,
            measure=label,
            start=s,
            end=e,
            ours=STATES[a],
            theirs=STATES[b],
        )
        for s, e, a, b in zip(
            lo[heads].tolist(),
            hi[tails].tolist(),
            mine[heads].tolist(),
            other[heads].tolist(),
            strict=True,
        )
    )


def _compare(ours: Report, theirs: Report) -> dict[str, list[MeasureDispute]]:
    """Return, per service, each measure of time's two views and disputed spans."""
    out: dict[str, list[MeasureDispute]] = {}
    for mine, other in zip(ours.outcomes, theirs.outcomes, strict=True):
        if mine.time is None:
            continue
        measure = mine.measure
        during = getattr(measure, "during", None)
        outside = Timeline()
        if during is not None:
            outside = during.timeline(ours.start, ours.end).complement((ours.start, ours.end))
        for j, service in enumerate(mine.services):
            k = other.positions.get(service)
            a = _view(mine, j)
            b = None if k is None else _view(other, k)
            if a is None or b is None:
                continue
            spans = disputed_spans(
                service, measure.label, a[0], b[0], start=ours.start, end=ours.end
            )
            out.setdefault(service, []).append(
                MeasureDispute(
                    service=service,
                    measure=measure,
                    ours=a[0],
                    theirs=b[0],
                    outside=outside,
                    spans=spans,
                )
            )
    return out


# --- pricing the spans ------------------------------------------------------------------------


def _rules(rule: CreditRule | None) -> Iterable[CreditRule]:
    stack = [] if rule is None else [rule]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children())


def coupling(terms: Agreement) -> str | None:
    """Return why a service's credit may depend on other services' events, or ``None``."""
    for rule in _rules(terms.tier.compensation):
        if getattr(rule, "across", None) == "services":
            return "a cap across services (a customer-level cap)"
    services = set(terms.services)
    for measure in terms.tier.measures():
        if isinstance(measure, Composite):
            return f"a composite measure ({measure.label}) combines every service"
        for name, rule in getattr(measure, "components", ()):
            others = (set(rule.names) & services) - {name}
            if others:
                return f"{name} is made of other services of the agreement ({', '.join(others)})"
    return None


def _related(terms: Agreement, service: str) -> list[str]:
    """Return ``service`` and the services whose events make up its down time."""
    names = [service]
    for measure in terms.tier.measures():
        for name, rule in getattr(measure, "components", ()):
            if name == service:
                names.extend(n for n in rule.names if n not in names)
    return names


def _restricted(terms: Agreement, service: str) -> Agreement:
    """Return the terms for ``service`` alone (its fee and catalogue entry kept)."""
    return attrs.evolve(
        terms,
        services=(service,),
        fees=tuple((name, fee) for name, fee in terms.fees if name == service),
        catalogue=tuple(entry for entry in terms.catalogue if entry.name == service),
    )


class _Rows:
    """An event table's rows, indexed by service once: the rows of any services in ``O(k)``."""

    def __init__(self, table: EventTable) -> None:
        self.table = table
        self.order = np.argsort(table.service, kind="stable").astype(np.int64)
        self.bounds = np.searchsorted(
            table.service[self.order], np.arange(len(table.services) + 1, dtype=np.int64)
        ).astype(np.int64)
        self.code = {name: i for i, name in enumerate(table.services)}

    def of(self, services: Sequence[str]) -> I64:
        """Return the rows of ``services``, ascending."""
        parts = [
            self.order[self.bounds[c] : self.bounds[c + 1]]
            for c in (self.code.get(name) for name in services)
            if c is not None
        ]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.sort(np.concatenate(parts))

    def others(self, services: Sequence[str]) -> I64:
        """Return the rows of every service but ``services``."""
        keep = np.ones(len(self.table), dtype=bool)
        keep[self.of(services)] = False
        return np.flatnonzero(keep).astype(np.int64)


def _take(
    table: EventTable, rows: I64, start: I64 | None = None, end: I64 | None = None
) -> EventTable:
    """Return ``rows`` of ``table`` as a new table, with new bounds if given.

    A notice whose start moves keeps its lead time: its announcement moves with it.
    """
    first = table.start[rows]
    start = first if start is None else start
    announced = table.announced[rows]
    announced = np.where(announced == NO_TIME, announced, announced + (start - first))
    return EventTable(
        kind=table.kind[rows],
        service=table.service[rows],
        services=table.services,
        start=start,
        end=table.end[rows] if end is None else end,
        announced=announced,
        state=table.state[rows],
        states=table.states,
        affected=table.affected[rows],
        affected_levels=table.affected_levels,
    )


def transplant(
    ours: EventTable, ours_rows: I64, theirs: EventTable, theirs_rows: I64, *, start: int, end: int
) -> EventTable:
    """Return ours' rows with ``[start, end)`` cut out and theirs' rows inside it put in."""
    a, b = ours.start[ours_rows], ours.end[ours_rows]
    left = a < start
    right = b > end
    rows = np.concatenate([ours_rows[left], ours_rows[right]])
    starts = np.concatenate([a[left], np.maximum(a[right], end)])
    ends = np.concatenate([np.minimum(b[left], start), b[right]])
    c = np.maximum(theirs.start[theirs_rows], start)
    d = np.minimum(theirs.end[theirs_rows], end)
    inside = d > c
    return EventTable.concat(
        [
            _take(ours, rows, starts, ends),
            _take(theirs, theirs_rows[inside], c[inside], d[inside]),
        ]
    )


def _events(tables: Sequence[object]) -> tuple[EventTable, list[object]]:
    """Return a side's event table (empty if none) and its other tables."""
    events = [t for t in tables if isinstance(t, EventTable)]
    others = [t for t in tables if not isinstance(t, EventTable)]
    return (events[0] if events else EventTable.from_records([])), others


@attrs.define
class _Pricing:
    """Prices disputed spans: each one evaluation, of one service where the terms allow."""

    terms: Agreement
    ours: Sequence[object]
    theirs: Sequence[object]
    report: Report
    credits: dict[str, Fraction]
    budget: int
    spent: int = 0
    skipped: int = 0
    by_service: list[str] = attrs.field(factory=list)
    by_agreement: list[tuple[str, str]] = attrs.field(factory=list)
    _rows: tuple[_Rows, _Rows] | None = None

    def _indexes(self) -> tuple[_Rows, _Rows]:
        if self._rows is None:
            self._rows = (_Rows(_events(self.ours)[0]), _Rows(_events(self.theirs)[0]))
        return self._rows

    def _baseline(self, service: str, others: list[object]) -> tuple[Agreement | None, str]:
        """Return the terms of ``service`` alone if they price it as the whole does, else why not.

        Returns ``(terms, "")``, or ``(None, reason)``.
        """
        reason = coupling(self.terms)
        if reason is not None:
            return None, reason
        try:
            alone = _restricted(self.terms, service)
            compile_agreement(alone)
        except DefinitionError as exc:
            return None, f"the terms of {service} alone do not compile ({exc})"
        mine, _ = self._indexes()
        rows = mine.of(_related(self.terms, service))
        report = evaluate(alone, _take(mine.table, rows), *others, period=self.report.period)
        if report.exact_total != self.credits.get(service, Fraction(0)):
            return None, (
                f"the terms of {service} alone give it {report.exact_total}, the whole agreement "
                f"{self.credits.get(service, Fraction(0))}"
            )
        return alone, ""

    def worths(
        self, service: str, spans: Sequence[DisputedSpan]
    ) -> tuple[list[Fraction | None], str]:
        """Return each span's worth (``None`` past the budget) and how they were computed."""
        if self.spent >= self.budget:
            self.skipped += len(spans)
            return [None] * len(spans), ""
        _, others = _events(self.ours)
        mine, other = self._indexes()
        related = _related(self.terms, service)
        ours_rows, theirs_rows = mine.of(related), other.of(related)
        alone, reason = self._baseline(service, others)
        rest: EventTable | None = None
        if alone is None:
            rest = _take(mine.table, mine.others(related))
            self.by_agreement.append((service, reason))
        else:
            self.by_service.append(service)
        base = self.credits.get(service, Fraction(0)) if alone else self.report.exact_total
        found: dict[tuple[int, int], Fraction | None] = {}  # a span two measures dispute
        for span in spans:
            key = (span.start, span.end)
            if key in found:
                continue
            if self.spent >= self.budget:
                found[key] = None
                self.skipped += 1
                continue
            self.spent += 1
            events = transplant(
                mine.table, ours_rows, other.table, theirs_rows, start=span.start, end=span.end
            )
            if alone is not None:
                report = evaluate(alone, events, *others, period=self.report.period)
            else:
                assert rest is not None
                whole = EventTable.concat([rest, events])
                report = evaluate(self.terms, whole, *others, period=self.report.period)
            found[key] = report.exact_total - base
        out = [found[span.start, span.end] for span in spans]
        return out, "service" if alone is not None else "agreement"

    def notes(self) -> list[str]:
        """Return what the dispute's readers should know of how the worths were computed."""
        out = []
        if self.by_service:
            out.append(
                f"Worths of the spans of {_names(self.by_service)}: each one evaluation of the "
                "agreement restricted to the span's service, over that service's events."
            )
        for service, reason in self.by_agreement:
            out.append(
                f"Worths of the spans of {service}: each one evaluation of the whole agreement, "
                f"because {reason}."
            )
        if self.skipped:
            out.append(
                f"{self.skipped} span{'s have' if self.skipped != 1 else ' has'} no worth: "
                f"max_worth={self.budget} evaluations were spent; raise it to price them all."
            )
        return out


def _names(services: Sequence[str]) -> str:
    if len(services) <= 5:
        return ", ".join(services)
    return f"{', '.join(services[:5])} and {len(services) - 5} more services"
