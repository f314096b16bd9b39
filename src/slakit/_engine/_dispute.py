"""Disputes: one agreement over two evidence sources, compared span, bucket and ticket.

[`dispute()`][slakit.dispute] evaluates the agreement over *ours* and over
*theirs* for one period (over each version's part of it, when an amendment
splits the period, as [`evaluate_versions()`][slakit.evaluate_versions] does)
and compares them: each service's counted down time, exclusions and eligible
time in every measure of time; its requests by reason and its buckets in
every request measure; its tickets, matched by id, in every support measure.
It prices the disagreement: each service's credit difference (exact), and
each disputed item's *worth*, the change in ours' credit when ours' evidence
of the item (events over a span, requests in a bucket, a ticket) is replaced
by theirs'. The semantics are in ``slakit._results._dispute``.

The comparisons are columnar: a side's requests are classified and counted
per bucket by the request runners' own kernels (``classify()`` and
``bucket_counts()``, whose results the evaluation has already cached on the
table), the two sides' buckets are matched by one ``union1d`` and
``searchsorted`` per service, and their tickets are judged by
``judge_tickets()`` and matched by id with one ``intersect1d`` per service;
only the disputed items become objects.

The cost of the worths. The two evaluations cost what two ``evaluate()`` calls
cost (per version, over a split period). Each disputed item then costs one
more evaluation, and only of what it can change: when the agreement's services
are independent (no cap across services, no composite measure, no service made
of other services of the agreement), the agreement is restricted to the item's
service and evaluated over that service's rows alone (event rows, requests and
tickets), found through an index of each table's rows by service built once
per side, so an item costs ``O(r log r)`` for the ``r`` rows of its service,
whatever the number of services. A baseline evaluation per disputed service
(and part) checks that the restricted agreement gives the service the credit
the whole agreement gives it; where it does not, or where the services are
coupled, each item of that service costs one evaluation of the whole agreement,
and the dispute's notes say so. ``max_worth`` bounds the number of these
evaluations over all parts; items past it have no worth (``None``) and a note
says how many.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import Any, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._agreement import Agreement
from slakit._dsl._compensation import CreditRule
from slakit._dsl._composites import Composite
from slakit._dsl._requests import (
    BucketAvailability,
    ErrorRateUptime,
    LatencyPercentile,
    RequestMeasure,
)
from slakit._dsl._tickets import OnTimeRatio, TicketTime
from slakit._engine._compare import evaluate_versions
from slakit._engine._inputs import RECORDS, Inputs, as_inputs
from slakit._engine._plan import compile_agreement, evaluate
from slakit._engine._registry import Context
from slakit._engine._requests import REASONS, Buckets, _over, bucket_counts, classify
from slakit._engine._tickets import (
    TicketColumns,
    TicketFate,
    _due,
    _empty_table,
    judge_tickets,
)
from slakit._events._columns import NO_TIME
from slakit._events._requests import RequestTable
from slakit._events._table import EventTable
from slakit._events._tickets import TicketTable
from slakit._results._dispute import (
    BUCKET_VERDICTS,
    STATES,
    Dispute,
    DisputedBucket,
    DisputedSpan,
    DisputedTicket,
    DisputePart,
    MeasureDispute,
    RequestDispute,
    RequestTally,
    ServiceDispute,
    SideView,
    TicketDispute,
    TicketTally,
    TicketView,
)
from slakit._results._evidence import MeasureEvidence, MeasureOutcome
from slakit._results._report import Report
from slakit._results._requests import RequestEvidence
from slakit._results._tickets import TicketEvidence
from slakit._time._periods import Period
from slakit._time._timeline import Timeline
from slakit.exceptions import DefinitionError, EvaluationError, SlakitError

__all__ = ["dispute"]

I64 = npt.NDArray[np.int64]
#: A table of requests or of tickets, as a worth evaluation rebuilds it.
_Table = TypeVar("_Table", RequestTable, TicketTable)

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
    side only, and every disputed span (where the sides' states differ); for
    every request measure each side's requests by reason and, for bucketed
    measures, every bucket the sides judge differently; for every support
    measure each side's tickets by fate and every ticket whose fate differs.
    Each disputed item has its worth: the change in ours' credit when ours'
    evidence of it is replaced by theirs' (see the module
    ``slakit._results._dispute``).

    Args:
        agreement: the agreement. An amended agreement is evaluated under the
            version in force; over a period an amendment splits, each version
            over its part of the period, its fee pro-rated (as
            [`evaluate_versions()`][slakit.evaluate_versions] does), and the
            parts are compared one by one (``Dispute.parts``).
        ours: the first side's inputs (its worths are computed from it).
        theirs: the second side's inputs.
        period: a label in the agreement's periods (``"2026-10"``) or a `Period`.
        shared: inputs given to both sides.
        worth: compute each disputed item's worth (one more evaluation per item).
        max_worth: the most worth evaluations; items past it get no worth.
        strict: raise when either side has input that no measure counted.
        ours_source: what ours' data is, in words, for the reader (file names).
        theirs_source: what theirs' data is.

    Raises:
        EvaluationError: an input of no known kind, two inputs of one kind that
            cannot be concatenated, or no version of the agreement in force.
        StrictInputError: with ``strict``, some input of one side was not counted.
    """
    given: object = agreement
    if not isinstance(given, Agreement):
        raise DefinitionError(f"agreement={agreement!r:.80} must be an Agreement")
    limit: object = max_worth
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise DefinitionError(f"max_worth={max_worth!r} must be a whole number, 0 or more")
    resolved = agreement.period.resolve(period)
    ours_tables = _side(ours, shared, "ours")
    theirs_tables = _side(theirs, shared, "theirs")
    mine = _evaluated(agreement, ours_tables, resolved, strict=strict)
    other = _evaluated(agreement, theirs_tables, resolved, strict=strict)
    ours_data, theirs_data = _Data(ours_tables), _Data(theirs_tables)
    ledger = _Ledger(limit=max_worth if worth else 0)
    parts = tuple(
        _part(
            label,
            a,
            b,
            ours=ours_data,
            theirs=theirs_data,
            ledger=ledger,
            worth=worth,
            replayed=mine.replayed,
        )
        for (label, a), (_, b) in zip(mine.parts, other.parts, strict=True)
    )
    split = len(parts) > 1
    notes = ledger.notes()
    if split:
        notes.insert(
            0,
            f"An amendment splits the period {resolved.label}: each of the versions "
            f"{', '.join(p.version for p in parts)} is evaluated over its part of the period, "
            "its fee pro-rated to the part, on both sides (as slakit.evaluate_versions() does); "
            "each worth is computed within its part, under that part's terms.",
        )
    return Dispute(
        agreement=agreement,
        period=resolved,
        start=parts[0].start,
        end=parts[-1].end,
        services=_merged(parts) if split else parts[0].services,
        ours_total=sum((p.ours_total for p in parts), Fraction(0)),
        theirs_total=sum((p.theirs_total for p in parts), Fraction(0)),
        version="" if split else parts[0].version,
        ours_source=ours_source,
        theirs_source=theirs_source,
        uncounted=(mine.uncounted, other.uncounted),
        notes=tuple(notes),
        parts=parts,
        fingerprints=_Fingerprints(mine.fingerprint, other.fingerprint),
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


def _in_force(agreement: Agreement, period: Period) -> list[Any]:
    """Return the versions of ``agreement`` in force during some of ``period``."""
    return [
        v
        for v in agreement.versions()
        if (v.start is None or v.start < period.end) and (v.end is None or v.end > period.start)
    ]


@attrs.frozen
class _Evaluated:
    """One side's evaluation: a report per version's part, its fingerprint, its uncounted rows."""

    parts: tuple[tuple[str, Report], ...]
    fingerprint: Callable[[], str | None]
    uncounted: int
    #: Whether each part's report is what ``evaluate()`` of its terms over its window gives
    #: (a part of a split period is ``evaluate_versions()``'s, which may credit it otherwise).
    replayed: bool = True


def _evaluated(
    agreement: Agreement, tables: Sequence[object], period: Period, *, strict: bool
) -> _Evaluated:
    """Evaluate one side: under the version in force, or version by version over a split period.

    A period split by an amendment is evaluated by ``evaluate_versions()`` itself,
    so each part's credits and the fingerprint are exactly those of that side's
    own versioned statement.
    """
    if not agreement.amendments:
        report = evaluate(agreement, *tables, period=period, strict=strict)
        return _Evaluated((("", report),), lambda: report.fingerprint, _uncounted(report))
    versions = _in_force(agreement, period)
    if len(versions) == 1:
        (version,) = versions
        single = evaluate(version.agreement, *tables, period=period, strict=strict)
        return _Evaluated(
            ((version.label, single),), lambda: single.fingerprint, _uncounted(single)
        )
    versioned = evaluate_versions(agreement, *tables, period=period, strict=strict)
    return _Evaluated(
        tuple((v.label, r) for v, r in versioned.parts),
        lambda: versioned.fingerprint,
        sum(group.count for group in versioned.uncovered),
        replayed=False,
    )


class _Fingerprints:
    """Both sides' fingerprints, each worked out (by its report) when first asked for."""

    def __init__(self, *sides: Callable[[], str | None] | str | None) -> None:
        self._sides = sides

    def __call__(self) -> tuple[str | None, str | None]:
        ours, theirs = (side() if callable(side) else side for side in self._sides)
        return ours, theirs


def credits_by_service(report: Report) -> dict[str, Fraction]:
    """Return each service's exact credit, read from the credit columns (no lines built)."""
    out = dict.fromkeys(report.services, Fraction(0))
    for column in report.credit_columns:
        for service, amount in zip(column.services, column.amount.tolist(), strict=True):
            out[service] = out.get(service, Fraction(0)) + amount
    return out


def _uncounted(report: Report) -> int:
    return sum(group.count for group in report.reconciliation.uncovered)


class _Rows:
    """A table's rows, indexed by service once: the rows of any services in ``O(k)``."""

    def __init__(self, codes: npt.NDArray[Any], names: Sequence[str]) -> None:
        self.size = int(codes.shape[0])
        self.order = np.argsort(codes, kind="stable").astype(np.int64)
        self.bounds = np.searchsorted(
            codes[self.order], np.arange(len(names) + 1, dtype=np.int64)
        ).astype(np.int64)
        self.code = {name: i for i, name in enumerate(names)}

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
        keep = np.ones(self.size, dtype=bool)
        keep[self.of(services)] = False
        return np.flatnonzero(keep).astype(np.int64)


class _Data:
    """One side's tables by kind, and each table's rows by service, indexed when first read."""

    def __init__(self, tables: Sequence[object]) -> None:
        events = [t for t in tables if isinstance(t, EventTable)]
        self.events = events[0] if events else EventTable.from_records([])
        self.requests = next((t for t in tables if isinstance(t, RequestTable)), None)
        self.tickets = next((t for t in tables if isinstance(t, TicketTable)), None)
        self.others = [
            t for t in tables if not isinstance(t, EventTable | RequestTable | TicketTable)
        ]

    @functools.cached_property
    def request_table(self) -> RequestTable:
        """The side's requests (an empty table when it has none)."""
        return self.requests if self.requests is not None else RequestTable.from_records([])

    @functools.cached_property
    def ticket_table(self) -> TicketTable:
        """The side's tickets (an empty table when it has none)."""
        return self.tickets if self.tickets is not None else _empty_table()

    @functools.cached_property
    def event_rows(self) -> _Rows:
        return _Rows(self.events.service, self.events.services)

    @functools.cached_property
    def request_rows(self) -> _Rows:
        return _Rows(self.request_table.service, self.request_table.services)

    @functools.cached_property
    def ticket_rows(self) -> _Rows:
        return _Rows(self.ticket_table.service, self.ticket_table.services)

    @functools.cached_property
    def ticket_ids(self) -> npt.NDArray[np.str_]:
        """The tickets' ids as one array, for matching them by id."""
        return np.asarray(self.ticket_table.ids, dtype=str)


# --- one part ---------------------------------------------------------------------------------


@attrs.frozen
class _Change:
    """What one worth evaluation replaces: ``events`` or ``requests`` over a span, a ``ticket``."""

    kind: str
    start: int = 0
    end: int = 0
    ticket: str = ""


def _part(
    version: str,
    mine: Report,
    other: Report,
    *,
    ours: _Data,
    theirs: _Data,
    ledger: _Ledger,
    worth: bool,
    replayed: bool = True,
) -> DisputePart:
    """Compare the two sides' reports of one version's part, and price its disputed items."""
    ours_credit = credits_by_service(mine)
    theirs_credit = credits_by_service(other)
    times = _compare(mine, other, version)
    requests = _compare_requests(mine, other, ours.request_table, theirs.request_table, version)
    tickets = _compare_tickets(mine, other, ours, theirs, version)
    pricing = _Pricing(
        report=mine,
        credits=ours_credit,
        ours=ours,
        theirs=theirs,
        ledger=ledger,
        version=version,
        replayed=replayed,
    )
    services = []
    for service in mine.agreement.services:
        measures = times.get(service, [])
        asked = requests.get(service, [])
        judged = tickets.get(service, [])
        changes = [
            *(_Change("events", s.start, s.end) for m in measures for s in m.spans),
            *(_Change("requests", b.start, b.end) for r in asked for b in r.buckets),
            *(_Change("ticket", ticket=t.id) for d in judged for t in d.tickets),
        ]
        worth_by = ""
        if worth and changes:
            worths, worth_by = pricing.worths(service, changes)
            priced = iter(worths)
            measures = [
                attrs.evolve(m, spans=tuple(attrs.evolve(s, worth=next(priced)) for s in m.spans))
                for m in measures
            ]
            asked = [
                attrs.evolve(
                    r, buckets=tuple(attrs.evolve(b, worth=next(priced)) for b in r.buckets)
                )
                for r in asked
            ]
            judged = [
                attrs.evolve(
                    d, tickets=tuple(attrs.evolve(t, worth=next(priced)) for t in d.tickets)
                )
                for d in judged
            ]
        services.append(
            ServiceDispute(
                service=service,
                ours_credit=ours_credit.get(service, Fraction(0)),
                theirs_credit=theirs_credit.get(service, Fraction(0)),
                measures=tuple(measures),
                worth_by=worth_by,
                requests=tuple(asked),
                tickets=tuple(judged),
            )
        )
    return DisputePart(
        version=version,
        agreement=mine.agreement,
        start=mine.start,
        end=mine.end,
        share=mine.partial,
        services=tuple(services),
        ours_total=mine.exact_total,
        theirs_total=other.exact_total,
    )


def _merged(parts: Sequence[DisputePart]) -> tuple[ServiceDispute, ...]:
    """Return each service over every part: credits summed exactly, comparisons part by part."""
    by_name: dict[str, list[ServiceDispute]] = {}  # one pass: each service's entries, in order
    for part in parts:
        for entry in part.services:
            by_name.setdefault(entry.service, []).append(entry)
    out = []
    for name, entries in by_name.items():
        ways = {e.worth_by for e in entries}
        out.append(
            ServiceDispute(
                service=name,
                ours_credit=sum((e.ours_credit for e in entries), Fraction(0)),
                theirs_credit=sum((e.theirs_credit for e in entries), Fraction(0)),
                measures=tuple(m for e in entries for m in e.measures),
                worth_by=next((w for w in ("agreement", "service") if w in ways), ""),
                requests=tuple(r for e in entries for r in e.requests),
                tickets=tuple(t for e in entries for t in e.tickets),
            )
        )
    return tuple(out)


# --- comparing the evidence of time -----------------------------------------------------------


def _view(outcome: MeasureOutcome, j: int) -> tuple[SideView, MeasureEvidence] | None:
    """Return one side's view of service ``j`` of a measure of time, or ``None``."""
    evidence: object = outcome.evidence_of(j)
    if not isinstance(evidence, MeasureEvidence) or isinstance(
        evidence, RequestEvidence | TicketEvidence
    ):
        return None  # requests and tickets are compared by their own kind
    view = SideView(
        down=evidence.down,
        excluded=evidence.excluded,
        eligible=evidence.eligible,
        value=_value(outcome, j),
    )
    return view, evidence


def _value(outcome: MeasureOutcome, j: int) -> Fraction | None:
    """Return service ``j``'s exact value in ``outcome`` (``None``: no data)."""
    total = int(outcome.total[j])
    return None if total == 0 else Fraction(int(outcome.good[j]), total)


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


def _compare(ours: Report, theirs: Report, version: str = "") -> dict[str, list[MeasureDispute]]:
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
                    version=version,
                )
            )
    return out


# --- comparing requests -----------------------------------------------------------------------

#: Which reason codes of ``REASONS`` are counted in a request measure's value (good or bad).
_COUNTED_CODES = np.asarray([r.split(":")[0] in ("good", "bad") for r in REASONS], dtype=bool)
_VERDICT = {name: np.int8(i) for i, name in enumerate(BUCKET_VERDICTS)}


def _reasons(counts: Sequence[int]) -> dict[str, int]:
    """Return a service's counts per reason code as ``{reason: count}``, zeros left out."""
    return {REASONS[c]: int(n) for c, n in enumerate(counts) if n}


def _at(cells: I64, occupied: I64, requests: I64, errors: I64) -> tuple[I64, I64]:
    """Return the requests and errors of ``cells`` (buckets) from one side's occupied buckets."""
    n = np.zeros(cells.shape[0], dtype=np.int64)
    e = np.zeros(cells.shape[0], dtype=np.int64)
    if occupied.shape[0]:
        pos = np.searchsorted(occupied, cells)
        hit = pos < occupied.shape[0]
        hit[hit] = occupied[pos[hit]] == cells[hit]
        n[hit] = requests[pos[hit]]
        e[hit] = errors[pos[hit]]
    return n, e


def _availability_verdicts(measure: BucketAvailability, n: I64, e: I64) -> npt.NDArray[np.int8]:
    """Return each bucket's verdict code in a bucket availability, as the runner judges it."""
    codes = np.full(n.shape[0], _VERDICT["good"], dtype=np.int8)
    down = (n > 0) & (n >= measure.min_requests) & _over(measure, n, e)
    codes[down] = _VERDICT["down"]
    if measure.empty != "good":
        codes[n == 0] = _VERDICT["bad" if measure.empty == "bad" else "excluded"]
    return codes


def _error_rate_verdicts(n: I64, e: I64) -> npt.NDArray[np.int8]:
    """Return each bucket's verdict code in an error-rate uptime: down, partial or good."""
    codes = np.full(n.shape[0], _VERDICT["good"], dtype=np.int8)
    codes[(e > 0) & (e < n)] = _VERDICT["partial"]
    codes[(e > 0) & (e == n)] = _VERDICT["down"]
    return codes


def _rates_differ(na: I64, ea: I64, nb: I64, eb: I64) -> npt.NDArray[np.bool_]:
    """Return where the error rates ``ea / na`` and ``eb / nb`` differ (an empty bucket: 0)."""
    left: Any = ea
    right: Any = eb
    wide = max(int(na.max(initial=0)), int(nb.max(initial=0))) >= 2**31
    if wide:  # pragma: no cover - 2**31 requests in one bucket
        left, right = ea.astype(object), eb.astype(object)
    differ: npt.NDArray[np.bool_] = np.asarray(
        left * np.maximum(nb, 1) != right * np.maximum(na, 1), dtype=bool
    )
    return differ


def _occupied(buckets: Buckets) -> tuple[I64, I64, I64]:
    """Return every occupied bucket's cell ``service * count + bucket``, requests and errors.

    In ascending cell order, for every service at once (dense or sparse counts alike).
    """
    if buckets.service is None or buckets.bucket is None:
        svc, at = np.nonzero(buckets.requests)
        cells = svc.astype(np.int64) * buckets.count + at
        return cells, buckets.requests[svc, at], buckets.errors[svc, at]
    cells = buckets.service.astype(np.int64) * buckets.count + buckets.bucket
    return cells, buckets.requests, buckets.errors


def disputed_buckets(
    measure: BucketAvailability | ErrorRateUptime,
    services: Sequence[str],
    ours: Buckets,
    theirs: Buckets,
    compared: npt.NDArray[np.bool_],
    *,
    start: int,
    end: int,
) -> dict[str, list[DisputedBucket]]:
    """Return, per service, the buckets whose verdicts (or shares down) differ, in time order.

    Only buckets holding counted requests on some side can differ (a bucket
    empty on both sides has one verdict). Every service's occupied buckets
    are matched at once, by one merge and ``searchsorted`` of their cells,
    and judged on both sides at once; only the services ``compared`` marks
    (both sides have data) are kept. ``start`` and ``end`` bound the
    measured time, which cuts the first and last buckets.
    """
    cells_a, n_a, e_a = _occupied(ours)
    cells_b, n_b, e_b = _occupied(theirs)
    cells = np.concatenate([cells_a, cells_b]).astype(np.int64)
    cells.sort(kind="stable")  # two ascending runs: merged in linear time
    if cells.shape[0]:
        cells = cells[np.append(True, cells[1:] != cells[:-1])]
    na, ea = _at(cells, cells_a, n_a, e_a)
    nb, eb = _at(cells, cells_b, n_b, e_b)
    if isinstance(measure, BucketAvailability):
        va, vb = _availability_verdicts(measure, na, ea), _availability_verdicts(measure, nb, eb)
        differ = va != vb
    else:
        va, vb = _error_rate_verdicts(na, ea), _error_rate_verdicts(nb, eb)
        differ = _rates_differ(na, ea, nb, eb)
    service_of, bucket_of = np.divmod(cells, ours.count)
    differ &= compared[service_of]
    out: dict[str, list[DisputedBucket]] = {}
    for k in np.flatnonzero(differ).tolist():
        lo, hi = ours.span(int(bucket_of[k]), start, end)
        service = services[int(service_of[k])]
        out.setdefault(service, []).append(
            DisputedBucket(
                service=service,
                measure=measure.label,
                start=lo,
                end=hi,
                ours=BUCKET_VERDICTS[int(va[k])],
                theirs=BUCKET_VERDICTS[int(vb[k])],
                ours_requests=int(na[k]),
                ours_errors=int(ea[k]),
                theirs_requests=int(nb[k]),
                theirs_errors=int(eb[k]),
            )
        )
    return out


def _compare_requests(
    mine: Report, other: Report, ours: RequestTable, theirs: RequestTable, version: str
) -> dict[str, list[RequestDispute]]:
    """Return, per service, each request measure's counts on both sides and disputed buckets.

    The counts and buckets are the runners' own (``classify()``, ``bucket_counts()``,
    cached on each table by the evaluation), read for every service at once.
    """
    out: dict[str, list[RequestDispute]] = {}
    for a, b in zip(mine.outcomes, other.outcomes, strict=True):
        measure = a.measure
        if not isinstance(measure, RequestMeasure | LatencyPercentile):
            continue
        ctx = Context(
            agreement=mine.agreement, period=mine.period, start=mine.start, services=a.services
        )
        cls_a, cls_b = classify(measure, ours, ctx), classify(measure, theirs, ctx)
        s = len(a.services)
        counted_a = cls_a.per_code[:s, _COUNTED_CODES].sum(axis=1)
        counted_b = cls_b.per_code[:s, _COUNTED_CODES].sum(axis=1)
        has_a, has_b = counted_a > 0, counted_b > 0
        found: dict[str, list[DisputedBucket]] = {}
        bucketed = isinstance(measure, BucketAvailability | ErrorRateUptime)
        if isinstance(measure, BucketAvailability | ErrorRateUptime):  # bucketed, for mypy
            size = measure.bucket.us
            found = disputed_buckets(
                measure,
                a.services,
                bucket_counts(cls_a, ours, ctx, size),
                bucket_counts(cls_b, theirs, ctx, size),
                has_a & has_b,
                start=mine.start,
                end=mine.period.end,
            )
        per_code_a, per_code_b = cls_a.per_code[:s].tolist(), cls_b.per_code[:s].tolist()
        for j, service in enumerate(a.services):
            note = ""
            if bucketed and has_a[j] != has_b[j]:
                lacking = "theirs" if has_a[j] else "ours"
                note = (
                    f"{lacking} has no counted requests of {service} (no data): its buckets "
                    "are not compared"
                )
            out.setdefault(service, []).append(
                RequestDispute(
                    service=service,
                    measure=measure,
                    ours=RequestTally(requests=_reasons(per_code_a[j]), value=_value(a, j)),
                    theirs=RequestTally(requests=_reasons(per_code_b[j]), value=_value(b, j)),
                    buckets=tuple(found.get(service, ())),
                    note=note,
                    version=version,
                )
            )
    return out


# --- comparing tickets ------------------------------------------------------------------------

_JUDGED_FATES = np.asarray(
    [TicketFate.ON_TIME, TicketFate.LATE, TicketFate.LATE_UNANSWERED], dtype=np.int8
)
_DUE_FATES = np.asarray(
    [TicketFate.LATE, TicketFate.LATE_UNANSWERED, TicketFate.PENDING], dtype=np.int8
)


def _tallies(cols: TicketColumns, s: int) -> list[dict[str, int]]:
    """Return, per service, how many of its tickets had each fate (one ``bincount`` in all)."""
    counts = np.stack([cols.per_service([fate]) for fate in TicketFate], axis=1)
    return [
        {TicketFate(f).words: int(n) for f, n in enumerate(row) if n} for row in counts.tolist()
    ]


def _ticket_view(cols: TicketColumns, row: int, due: int) -> TicketView:
    """Return one side's judgement of ticket ``row``, as its evidence would show it."""
    table = cols.table
    fate = TicketFate(int(cols.fate[row]))
    counted = fate in (TicketFate.ON_TIME, TicketFate.LATE, TicketFate.LATE_UNANSWERED)
    target = int(cols.target[row])
    elapsed = int(cols.elapsed[row])
    stop = int(cols.stop[row])
    return TicketView(
        status=fate.words,
        priority=table.priorities[int(table.priority[row])],
        opened=int(table.opened[row]),
        stopped=None if stop == NO_TIME else stop,
        elapsed_us=elapsed if counted or fate is TicketFate.PENDING else None,
        target_us=target if target >= 0 else None,
        due=None if due == NO_TIME else due,
        late_by_us=max(elapsed - target, 0) if counted else 0,
    )


def _dues(cols: TicketColumns, rows: I64) -> dict[int, int]:
    """Return the due instant of each of ``rows`` that is late or pending (one call per clock)."""
    wanted = rows[np.isin(cols.fate[rows], _DUE_FATES)]
    return dict(zip(wanted.tolist(), _due(cols, wanted).tolist(), strict=True))


def _numbers(ours: npt.NDArray[np.str_], theirs: npt.NDArray[np.str_]) -> tuple[I64, I64, int]:
    """Return each side's ticket ids as numbers (one ``unique`` of both), and how many there are."""
    names, number = np.unique(np.concatenate([ours, theirs]), return_inverse=True)
    number = np.ravel(number).astype(np.int64)
    return number[: ours.shape[0]], number[ours.shape[0] :], max(names.shape[0], 1)


def disputed_tickets(
    label: str,
    services: Sequence[str],
    sides: tuple[TicketColumns, TicketColumns],
    numbers: tuple[I64, I64, int],
) -> dict[str, list[DisputedTicket]]:
    """Return, per service, the tickets whose fates differ, one side judging them, by opening.

    Every service's tickets are matched at once, by (service, id): ``numbers``
    numbers the ids of both sides' rows alike (``_numbers()``), and the
    (service, number) keys are matched by one ``intersect1d``. A ticket one
    side lacks (for that service) is ``"absent"`` there; only the disputed
    tickets become objects.
    """
    ca, cb = sides
    number_a, number_b, width = numbers
    ra, rb = np.flatnonzero(ca.group >= 0), np.flatnonzero(cb.group >= 0)
    key_a = ca.group[ra] * width + number_a[ra]
    key_b = cb.group[rb] * width + number_b[rb]
    _, ia, ib = np.intersect1d(key_a, key_b, assume_unique=True, return_indices=True)
    fa, fb = ca.fate[ra], cb.fate[rb]
    judged_a, judged_b = np.isin(fa, _JUDGED_FATES), np.isin(fb, _JUDGED_FATES)
    both = (fa[ia] != fb[ib]) & (judged_a[ia] | judged_b[ib])
    only_a = judged_a.copy()
    only_a[ia] = False
    only_b = judged_b.copy()
    only_b[ib] = False
    pairs: list[tuple[int | None, int | None]] = [
        *zip(ra[ia[both]].tolist(), rb[ib[both]].tolist(), strict=True),
        *((row, None) for row in ra[only_a].tolist()),
        *((None, row) for row in rb[only_b].tolist()),
    ]
    if not pairs:
        return {}
    due_a = _dues(ca, np.asarray([p for p, _ in pairs if p is not None], dtype=np.int64))
    due_b = _dues(cb, np.asarray([q for _, q in pairs if q is not None], dtype=np.int64))
    absent = TicketView(status="absent")
    out: dict[str, list[DisputedTicket]] = {}
    for p, q in pairs:
        side, row = (ca, p) if p is not None else (cb, q or 0)
        service = services[int(side.group[row])]
        out.setdefault(service, []).append(
            DisputedTicket(
                service=service,
                measure=label,
                id=side.table.ids[row],
                ours=absent if p is None else _ticket_view(ca, p, due_a.get(p, NO_TIME)),
                theirs=absent if q is None else _ticket_view(cb, q, due_b.get(q, NO_TIME)),
            )
        )
    for found in out.values():
        found.sort(key=lambda t: (t.opened, t.id))
    return out


def _compare_tickets(
    mine: Report, other: Report, ours: _Data, theirs: _Data, version: str
) -> dict[str, list[TicketDispute]]:
    """Return, per service, each support measure's tickets by fate and disputed tickets.

    Each side's tickets are judged by ``judge_tickets()``, the runners' own
    kernel, over the part's span, for every service at once.
    """
    out: dict[str, list[TicketDispute]] = {}
    numbers: tuple[I64, I64, int] | None = None
    judged: dict[TicketTime, tuple[TicketColumns, TicketColumns]] = {}
    span = (mine.start, mine.period.end)
    for a, b in zip(mine.outcomes, other.outcomes, strict=True):
        measure = a.measure
        if not isinstance(measure, TicketTime | OnTimeRatio):
            continue
        if numbers is None:
            numbers = _numbers(ours.ticket_ids, theirs.ticket_ids)
        timed = measure.of if isinstance(measure, OnTimeRatio) else measure
        if timed not in judged:  # an on-time ratio and a late count of one clock: judged once
            judged[timed] = (
                judge_tickets(timed, ours.ticket_table, a.services, *span),
                judge_tickets(timed, theirs.ticket_table, a.services, *span),
            )
        ca, cb = judged[timed]
        s = len(a.services)
        tally_a, tally_b = _tallies(ca, s), _tallies(cb, s)
        found = disputed_tickets(measure.label, a.services, (ca, cb), numbers)
        for j, service in enumerate(a.services):
            out.setdefault(service, []).append(
                TicketDispute(
                    service=service,
                    measure=measure,
                    ours=TicketTally(tickets=tally_a[j], value=_value(a, j)),
                    theirs=TicketTally(tickets=tally_b[j], value=_value(b, j)),
                    tickets=tuple(found.get(service, ())),
                    version=version,
                )
            )
    return out


# --- pricing the disputed items ---------------------------------------------------------------


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


def _codes(names: Sequence[str], into: dict[str, int]) -> npt.NDArray[np.int64]:
    """Return the code in ``into`` of each of ``names``, adding the names it lacks."""
    for name in names:
        into.setdefault(name, len(into))
    return np.asarray([into[name] for name in names], dtype=np.int64)


def requests_of(parts: Sequence[tuple[RequestTable, I64]]) -> RequestTable:
    """Return one request table of the given rows of each table (their services merged)."""
    names: dict[str, int] = {}
    service = [_codes(table.services, names)[table.service[rows]] for table, rows in parts]
    return RequestTable(
        service=np.concatenate(service).astype(np.int32),
        services=tuple(names),
        time=np.concatenate([table.time[rows] for table, rows in parts]),
        status=np.concatenate([table.status[rows] for table, rows in parts]),
        outcome=np.concatenate([table.outcome[rows] for table, rows in parts]),
        latency=np.concatenate([table.latency[rows] for table, rows in parts]),
        count=(
            np.concatenate(
                [
                    np.ones(len(rows), np.int64) if t.count is None else t.count[rows]
                    for t, rows in parts
                ]
            )
            if any(table.count is not None for table, _ in parts)
            else None
        ),
        copy=False,
    )


_TICKET_COLUMNS = (
    "service",
    "priority",
    "opened",
    "first_response",
    "resolved",
    "coverage",
    "change_ticket",
    "change_at",
    "change_status",
    "pause_ticket",
    "pause_start",
    "pause_end",
)


def tickets_of(parts: Sequence[tuple[TicketTable, I64]]) -> TicketTable:
    """Return one ticket table of the given rows of each table, status changes and pauses too.

    The vocabularies (services, priorities, coverages, statuses) are merged, the
    first table's codes kept; the rows were validated when their tables were made.
    """
    vocab: dict[str, dict[str, int]] = {k: {} for k in ("s", "p", "c", "t")}
    columns: dict[str, list[Any]] = {k: [] for k in _TICKET_COLUMNS}
    ids: list[str] = []
    offset = 0
    for table, rows in parts:
        ids.extend(table.ids[r] for r in rows.tolist())
        columns["service"].append(_codes(table.services, vocab["s"])[table.service[rows]])
        columns["priority"].append(_codes(table.priorities, vocab["p"])[table.priority[rows]])
        coverage = np.append(_codes(table.coverages, vocab["c"]), -1)  # code -1: none
        columns["coverage"].append(coverage[table.coverage[rows]])
        for name in ("opened", "first_response", "resolved"):
            columns[name].append(getattr(table, name)[rows])
        new = np.full(len(table), -1, dtype=np.int64)
        new[rows] = offset + np.arange(rows.shape[0], dtype=np.int64)
        changed = new[table.change_ticket]
        kept = changed >= 0
        statuses = _codes(table.statuses, vocab["t"])
        columns["change_ticket"].append(changed[kept])
        columns["change_at"].append(table.change_at[kept])
        columns["change_status"].append(statuses[table.change_status[kept]])
        paused = new[table.pause_ticket]
        kept = paused >= 0
        columns["pause_ticket"].append(paused[kept])
        columns["pause_start"].append(table.pause_start[kept])
        columns["pause_end"].append(table.pause_end[kept])
        offset += rows.shape[0]
    joined = {name: np.concatenate(values) for name, values in columns.items()}
    return TicketTable(
        ids=ids,
        service=joined["service"],
        services=tuple(vocab["s"]),
        priority=joined["priority"],
        priorities=tuple(vocab["p"]),
        opened=joined["opened"],
        first_response=joined["first_response"],
        resolved=joined["resolved"],
        coverage=joined["coverage"],
        coverages=tuple(vocab["c"]),
        change_ticket=joined["change_ticket"],
        change_at=joined["change_at"],
        change_status=joined["change_status"],
        statuses=tuple(vocab["t"]),
        pause_ticket=joined["pause_ticket"],
        pause_start=joined["pause_start"],
        pause_end=joined["pause_end"],
    )


@attrs.define
class _Ledger:
    """The worth evaluations of every part: the budget, and how each service was priced."""

    limit: int
    spent: int = 0
    skipped: int = 0
    by_service: list[str] = attrs.field(factory=list)
    by_agreement: list[tuple[str, str]] = attrs.field(factory=list)
    #: The kinds of change priced or skipped (``events``, ``requests``, ``ticket``), for the notes.
    kinds: set[str] = attrs.field(factory=set)
    #: The versions whose parts evaluated over their windows are credited otherwise.
    windowed: list[str] = attrs.field(factory=list)

    def notes(self) -> list[str]:
        """Return what the dispute's readers should know of how the worths were computed."""
        items, item = _items(self.kinds)
        out = []
        if self.by_service:
            names = list(dict.fromkeys(self.by_service))
            out.append(
                f"Worths of the {items} of {_names(names)}: each one evaluation of the "
                f"agreement restricted to the {item}'s service, over that "
                "service's input alone."
            )
        for service, reason in dict.fromkeys(self.by_agreement):
            out.append(
                f"Worths of the {items} of {service}: each one evaluation of the whole "
                f"agreement, because {reason}."
            )
        if self.windowed:
            out.append(
                f"Worths in the parts of {', '.join(self.windowed)} are changes of ours' credit "
                "as the part's terms give it over the part's measuring window; the part's "
                "statement credits it over the period itself, which credit rules that read "
                "the calendar (caps per quarter, counts from the period's start) see otherwise."
            )
        if self.skipped:
            out.append(
                f"{self.skipped} {item if self.skipped == 1 else items} "
                f"{'has' if self.skipped == 1 else 'have'} no worth: max_worth={self.limit} "
                "evaluations were spent; raise it to price them all."
            )
        return out


@attrs.define
class _Pricing:
    """Prices one part's disputed items: each one evaluation, of one service where it can."""

    report: Report
    credits: dict[str, Fraction]
    ours: _Data
    theirs: _Data
    ledger: _Ledger
    version: str = ""
    #: Whether ``evaluate()`` of the terms over ours' inputs gives ``report``, as is.
    replayed: bool = True
    _kept: dict[tuple[str, str], object] = attrs.field(factory=dict)
    _base: Fraction | None = None

    @property
    def terms(self) -> Agreement:
        """The part's terms (the version's, over its part of the period)."""
        return self.report.agreement

    def _once(self, key: tuple[str, str], build: Callable[[], Any]) -> Any:
        if key not in self._kept:
            self._kept[key] = build()
        return self._kept[key]

    def _whole(self) -> Fraction:
        """Return ours' total as the worth evaluations of the whole agreement compute it.

        The part's own total when its report is ``evaluate()``'s; else (a part of a
        split period) one evaluation of the part's terms over its window, so each
        worth is a difference of two evaluations made alike; a note says when the
        two totals differ (the part's statement credits it over the period itself).
        """
        if self.replayed:
            return self.report.exact_total
        if self._base is None:
            inputs = self._inputs("", [""], None, alone=False)
            self._base = evaluate(self.terms, *inputs, period=self.report.period).exact_total
            if self._base != self.report.exact_total:
                self.ledger.windowed.append(self.version)
        return self._base

    def _baseline(self, service: str, related: list[str]) -> tuple[Agreement | None, str]:
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
        try:
            inputs = self._inputs(service, related, None, alone=True)
            report = evaluate(alone, *inputs, period=self.report.period)
        except SlakitError as exc:
            return None, f"the terms of {service} alone cannot be evaluated ({exc})"
        if report.exact_total != self.credits.get(service, Fraction(0)):
            return None, (
                f"the terms of {service} alone give it {report.exact_total}, the whole agreement "
                f"{self.credits.get(service, Fraction(0))}"
            )
        return alone, ""

    def worths(self, service: str, changes: Sequence[_Change]) -> tuple[list[Fraction | None], str]:
        """Return each change's worth (``None`` past the budget) and how they were computed."""
        ledger = self.ledger
        ledger.kinds.update(change.kind for change in changes)
        if ledger.spent >= ledger.limit:
            ledger.skipped += len(changes)
            return [None] * len(changes), ""
        related = _related(self.terms, service)
        alone, reason = self._baseline(service, related)
        if alone is None:
            ledger.by_agreement.append((service, reason))
        else:
            ledger.by_service.append(service)
        base = self.credits.get(service, Fraction(0)) if alone else self._whole()
        terms = self.terms if alone is None else alone
        found: dict[_Change, Fraction | None] = {}  # an item two measures dispute
        for change in changes:
            if change in found:
                continue
            if ledger.spent >= ledger.limit:
                found[change] = None
                ledger.skipped += 1
                continue
            ledger.spent += 1
            inputs = self._inputs(service, related, change, alone=alone is not None)
            report = evaluate(terms, *inputs, period=self.report.period)
            found[change] = report.exact_total - base
        return [found[c] for c in changes], "service" if alone is not None else "agreement"

    def _inputs(
        self, service: str, related: list[str], change: _Change | None, *, alone: bool
    ) -> list[object]:
        """Return ours' inputs with ``change`` made: of ``service`` alone, or of every service."""
        out: list[object] = [self._events(related, change, alone=alone)]
        if self.ours.requests is not None or self.theirs.requests is not None:
            out.append(self._requests(service, change, alone=alone))
        if self.ours.tickets is not None or self.theirs.tickets is not None:
            out.append(self._tickets(service, change, alone=alone))
        out.extend(self.ours.others)
        return out

    def _events(self, related: list[str], change: _Change | None, *, alone: bool) -> EventTable:
        """Ours' events (of ``related`` alone), with theirs' put in over a disputed span."""
        o, t = self.ours, self.theirs
        mine = o.event_rows.of(related)
        if change is None or change.kind != "events":
            if not alone:
                return o.events
            kept: EventTable = self._once(("events", related[0]), lambda: _take(o.events, mine))
            return kept
        moved = transplant(
            o.events, mine, t.events, t.event_rows.of(related), start=change.start, end=change.end
        )
        if alone:
            return moved
        rest: EventTable = self._once(
            ("rest", related[0]), lambda: _take(o.events, o.event_rows.others(related))
        )
        return EventTable.concat([rest, moved])

    def _unchanged(
        self,
        kind: str,
        service: str,
        table: _Table,
        rows: _Rows,
        join: Callable[[Sequence[tuple[_Table, I64]]], _Table],
        *,
        alone: bool,
    ) -> _Table:
        """Ours' ``table`` as is, or (``alone``) its rows of ``service``, joined once and kept."""
        if not alone:
            return table
        kept: _Table = self._once((kind, service), lambda: join([(table, rows.of([service]))]))
        return kept

    def _requests(self, service: str, change: _Change | None, *, alone: bool) -> RequestTable:
        """Ours' requests (of ``service`` alone), with theirs' put in over a disputed bucket."""
        o, t = self.ours, self.theirs
        table = o.request_table
        if change is None or change.kind != "requests":
            return self._unchanged(
                "requests", service, table, o.request_rows, requests_of, alone=alone
            )
        own = o.request_rows.of([service])
        keep = own[(table.time[own] < change.start) | (table.time[own] >= change.end)]
        keep = _with_others(o.request_rows, service, keep, alone=alone)
        other = t.request_table
        rows = t.request_rows.of([service])
        moved = rows[(other.time[rows] >= change.start) & (other.time[rows] < change.end)]
        return requests_of([(table, keep), (other, moved)])

    def _tickets(self, service: str, change: _Change | None, *, alone: bool) -> TicketTable:
        """Ours' tickets (of ``service`` alone), with ours' copy of a disputed one swapped."""
        o, t = self.ours, self.theirs
        table = o.ticket_table
        if change is None or change.kind != "ticket":
            return self._unchanged(
                "tickets", service, table, o.ticket_rows, tickets_of, alone=alone
            )
        own = o.ticket_rows.of([service])
        keep = own[o.ticket_ids[own] != change.ticket]
        keep = _with_others(o.ticket_rows, service, keep, alone=alone)
        rows = t.ticket_rows.of([service])
        moved = rows[t.ticket_ids[rows] == change.ticket]
        return tickets_of([(table, keep), (t.ticket_table, moved)])


def _with_others(rows: _Rows, service: str, keep: I64, *, alone: bool) -> I64:
    """Return ``keep``, after the rows of every service but ``service`` unless ``alone``."""
    if alone:
        return keep
    return np.concatenate([rows.others([service]), keep])


def _items(kinds: set[str]) -> tuple[str, str]:
    """Return what was priced, in words, plural and singular: ``('spans', 'span')`` ..."""
    if kinds <= {"events"}:
        return "spans", "span"
    if kinds == {"requests"}:
        return "buckets", "bucket"
    if kinds == {"ticket"}:
        return "tickets", "ticket"
    return "disputed items", "disputed item"


def _names(services: Sequence[str]) -> str:
    if len(services) <= 5:
        return ", ".join(services)
    return f"{', '.join(services[:5])} and {len(services) - 5} more services"
