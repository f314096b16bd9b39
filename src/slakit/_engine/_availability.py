"""Availability measures from outage reports: the runner of [`Uptime`][slakit.Uptime]."""

from __future__ import annotations

import bisect
import weakref
from fractions import Fraction
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from slakit._dsl._agreement import Agreement
from slakit._dsl._exclusions import Corrections
from slakit._dsl._measures import Measure
from slakit._dsl._uptime import Uptime
from slakit._engine._inputs import Inputs, register_records
from slakit._engine._order import canonical
from slakit._engine._registry import Context, register
from slakit._engine._status import RowStatus
from slakit._engine._uptime import (
    APPLIED,
    CORRECTION_FATES,
    CorrectionUse,
    UptimeColumns,
    run_uptime,
    service_timeline,
    window_for,
)
from slakit._events._corrections import Correction, CorrectionTable
from slakit._events._table import KINDS, EventTable
from slakit._results._evidence import (
    Coded,
    EventColumns,
    EventNote,
    EvidenceColumns,
    LazyCounts,
    MeasureEvidence,
    MeasureOutcome,
    SpanColumns,
    distinct,
    object_array,
)
from slakit._time._instant import describe_us, format_us

__all__ = ["row_note", "run_uptime_measure", "service_rows", "status_counts"]

I64 = npt.NDArray[np.int64]


register_records((Correction,), CorrectionTable, CorrectionTable.from_records)


@register(Uptime)
def run_uptime_measure(measure: Measure, inputs: Inputs, ctx: Context) -> MeasureOutcome:
    """Evaluate an uptime measure over the outage and maintenance events."""
    assert isinstance(measure, Uptime)
    table = inputs.events()
    period = ctx.period
    window = window_for(measure, period).clip((ctx.start, period.end))
    corrected = any(isinstance(c, Corrections) for c in measure.excluding)
    cols = run_uptime(
        measure,
        table,
        ctx.services,
        period,
        window,
        start_at=ctx.start,
        rule=ctx.agreement.period,
        since=ctx.agreement.effective,
        corrections=inputs.get(CorrectionTable) if corrected else None,
        tags=_tags(ctx.agreement) if corrected else None,
    )

    by_service: list[tuple[I64, I64]] = []  # built on the first evidence read

    def grouped() -> tuple[I64, I64]:
        if not by_service:
            by_service.append(_rows_by_service(cols, table))
        return by_service[0]

    def evidence_of(i: int) -> MeasureEvidence:
        return _evidence(cols, table, i, grouped())

    def evidence_columns() -> EvidenceColumns:
        return _evidence_columns(cols, table, grouped())

    def notes() -> list[EventNote]:
        return _notes(cols, table, np.arange(len(table)))

    return MeasureOutcome(
        measure=measure,
        services=ctx.services,
        good=_scaled(cols.eligible_us, cols.scale) - cols.bad,
        total=_scaled(cols.eligible_us, cols.scale),
        evidence_of=evidence_of,
        notes=notes,
        counts=LazyCounts(lambda: _counts(cols)),
        scale=cols.scale,
        time=cols,
        evidence_columns=evidence_columns,
    )


def _scaled(values: I64, scale: int) -> Any:
    """Return ``values * scale`` exactly: int64 when it fits, Python integers otherwise."""
    if scale == 1:
        return values
    if int(values.max(initial=0)) * scale < 2**62:
        return values * scale
    return values.astype(object) * scale


def _tags(agreement: Agreement) -> dict[str, tuple[str, ...]]:
    """Return the services each catalogue tag selects."""
    out: dict[str, list[str]] = {}
    for entry in agreement.catalogue:
        for tag in entry.tags:
            out.setdefault(tag, []).append(entry.name)
    return {tag: tuple(names) for tag, names in out.items()}


def _counts(cols: UptimeColumns) -> dict[str, dict[str, int]]:
    """Return the reconciliation of the event rows and, if the measure reads them, corrections."""
    counts = status_counts(cols.row_status)
    if cols.corrections is None:
        return counts
    more = cols.corrections.counts()
    counts["rows"]["rows"] += more["rows"]["rows"]
    for key, value in more["categories"].items():
        counts["categories"][key] += value
    for key, value in more["reasons"].items():
        counts["reasons"][f"correction {key}"] = value
    return counts


def status_counts(status: npt.NDArray[np.int8]) -> dict[str, dict[str, int]]:
    """Return how many rows fall in each category and reason (and how many rows in all)."""
    bins = np.bincount(status, minlength=len(RowStatus))
    by_category: dict[str, int] = {"counted": 0, "excluded": 0, "ignored": 0}
    by_reason: dict[str, int] = {}
    for code in RowStatus:
        count = int(bins[code])
        if count:
            by_category[code.category] += count
            by_reason[code.name.lower().replace("_", " ")] = count
    return {"rows": {"rows": int(status.shape[0])}, "categories": by_category, "reasons": by_reason}


def service_rows(table: EventTable, service: str) -> I64:
    """Return the rows of ``table`` that report on ``service``, in table order."""
    at = bisect.bisect_left(table.services, service)  # the table's names are sorted
    code = at if at < len(table.services) and table.services[at] == service else -1
    rows: I64 = np.flatnonzero(table.service == code) if code >= 0 else np.zeros(0, np.int64)
    return rows


def row_note(
    table: EventTable, row: int, status: RowStatus, reason: str, amount_us: int
) -> EventNote:
    """Return what event ``row`` did in a measure: its fate, why, and the time it counted."""
    return EventNote(
        where=table.where(row),
        kind=KINDS[int(table.kind[row])],
        service=table.services[int(table.service[row])],
        start=int(table.start[row]),
        end=int(table.end[row]),
        category=status.category,
        reason=reason,
        amount_us=amount_us,
    )


def _rows_by_service(cols: UptimeColumns, table: EventTable) -> tuple[I64, I64]:
    """Return every row in canonical order, grouped by service code, and where each code starts.

    One sort for all the evidence of a measure: a service's rows in canonical
    order are a slice of it (the order of a subset is the order of the whole,
    restricted), so reading one service's evidence costs what its rows cost.
    """
    order = canonical(
        table, None, then=(cols.row_status, cols.row_down_us, cols.row_detail), by=table.service
    )
    codes = np.asarray(table.service, dtype=np.int64)[order]
    bounds = np.searchsorted(codes, np.arange(len(table.services) + 1))
    return order, np.asarray(bounds, dtype=np.int64)


def _rows_of(services: tuple[str, ...], table: EventTable, by_service: tuple[I64, I64]) -> I64:
    """Return the rows of each of ``services`` in turn, each service's in canonical order."""
    grouped, bounds = by_service
    position = {name: code for code, name in enumerate(table.services)}
    codes = np.asarray([position.get(name, -1) for name in services], dtype=np.int64)
    codes = codes[codes >= 0]
    first = bounds[codes]
    count = bounds[codes + 1] - first
    # row j of the result is row (j - where its service starts in the result) of its slice
    offset = np.repeat(first - (np.cumsum(count) - count), count)
    return grouped[offset + np.arange(int(count.sum()), dtype=np.int64)]


#: The categories rows reconcile to, in the order of their codes.
_CATEGORIES: Final = ("counted", "excluded", "ignored")
#: Each ``RowStatus``'s category, as a code into ``_CATEGORIES``.
_CATEGORY_OF: Final = np.asarray([_CATEGORIES.index(s.category) for s in RowStatus], np.int64)
#: Whether a ``RowStatus``'s reason names the time counted or excluded, or the notice given.
_BY_AMOUNT: Final = np.isin(
    np.arange(len(RowStatus)), (RowStatus.COUNTED, RowStatus.MAINTENANCE_PARTLY_EXCLUDED)
)
_BY_NOTICE: Final = np.isin(
    np.arange(len(RowStatus)),
    (RowStatus.MAINTENANCE_EXCLUDED, RowStatus.MAINTENANCE_NOTICE_TOO_SHORT),
)


def _evidence_columns(
    cols: UptimeColumns, table: EventTable, by_service: tuple[I64, I64]
) -> EvidenceColumns:
    """Return every service's evidence as columns, read from the measure's arrays.

    The rows of ``_evidence()`` for each service in turn, without an object per
    event: the events are one take of the canonical order, and each distinct
    reason is worked out once (see ``_reasons()``).
    """
    rows = _rows_of(cols.services, table, by_service)
    status = cols.row_status[rows].astype(np.int64)
    kind = table.kind[rows].astype(np.int64)
    return EvidenceColumns(
        measure=cols.measure,
        services=cols.services,
        eligible_us=cols.eligible_us,  # the measure of each service's eligible spans
        excluded_by=_excluded_by(cols),
        corrections=(
            ()
            if cols.corrections is None
            else tuple(
                zip(
                    (cols.services[g] for g in cols.corrections.pieces.group.tolist()),
                    _correction_lines(cols.corrections),
                    strict=True,
                )
            )
        ),
        weighted_down=(
            tuple(Fraction(int(b), cols.scale) for b in cols.bad.tolist())
            if cols.measure.weighted
            else None
        ),
        down=SpanColumns(cols.down.group, cols.down.start, cols.down.end),
        excluded=SpanColumns(cols.excluded.group, cols.excluded.start, cols.excluded.end),
        outside_window=SpanColumns(
            cols.outside_window.group, cols.outside_window.start, cols.outside_window.end
        ),
        events=EventColumns(
            service=Coded(table.service[rows].astype(np.int64), object_array(table.services)),
            kind=Coded(kind, object_array(KINDS)),
            start=table.start[rows],
            end=table.end[rows],
            category=Coded(_CATEGORY_OF[status], object_array(_CATEGORIES)),
            reason=_reasons(cols, status, cols.row_down_us[rows], cols.row_detail[rows], kind),
        ),
    )


def _reasons(cols: UptimeColumns, status: I64, amount: I64, notice: I64, kind: I64) -> Coded:
    """Return each row's reason, as a code into the distinct reasons, each worked out once.

    A reason is fixed by the row's status and, for a few statuses, the time
    it counted or excluded, the notice it was given, or its kind: those make
    the key, and one ``_reason()`` call per distinct key writes the words.
    """
    value = np.where(_BY_AMOUNT[status], amount, np.where(_BY_NOTICE[status], notice, 0))
    head = status * len(KINDS) + np.where(status == RowStatus.NOT_USED, kind, 0)
    # the values by their rank among themselves (whole minutes: no sort), then the key
    _, value_code = distinct(value)
    keys, code = distinct(value_code * (len(RowStatus) * len(KINDS)) + head)
    first = np.zeros(keys.shape[0], dtype=np.int64)
    first[code] = np.arange(code.shape[0], dtype=np.int64)  # a row of each key: any one
    labels = object_array(
        _reason(
            cols, RowStatus(int(status[r])), int(amount[r]), int(notice[r]), KINDS[int(kind[r])]
        )
        for r in first.tolist()
    )
    return Coded(code, labels)


_EXCLUDED_BY: weakref.WeakKeyDictionary[UptimeColumns, Coded] = weakref.WeakKeyDictionary()


def _excluded_by(cols: UptimeColumns) -> Coded:
    """Each service's exclusion clause in words, with what a budget had left for the period.

    Worked out once per evaluation (the evidence of each service reads it).
    """
    found = _EXCLUDED_BY.get(cols)
    if found is None:
        found = _EXCLUDED_BY[cols] = _excluded_by_words(cols)
    return found


def _excluded_by_words(cols: UptimeColumns) -> Coded:
    n = len(cols.services)
    clause = cols.clause
    words = "; ".join(c.describe() for c in cols.measure.excluding)
    budget = cols.budget
    if budget is None or clause is None or clause.at_most is None:
        return Coded(np.zeros(n, dtype=np.int64), object_array([words]))
    used, codes = np.unique(budget.used_before, return_inverse=True)
    total = clause.at_most.us
    labels = [
        f"{words}; of the {clause.at_most.words()} per {clause.window_words()} from "
        f"{format_us(budget.start)}, {describe_us(int(u))} was used before this period and "
        f"{describe_us(total - int(u))} was left for it"
        for u in used.tolist()
    ]
    return Coded(codes.reshape(-1).astype(np.int64), object_array(labels))


def _evidence(
    cols: UptimeColumns, table: EventTable, i: int, by_service: tuple[I64, I64]
) -> MeasureEvidence:
    service = cols.services[i]
    grouped, bounds = by_service

    def rows_of(name: str) -> I64:
        at = bisect.bisect_left(table.services, name)  # the table's names are sorted
        if at < len(table.services) and table.services[at] == name:
            return grouped[bounds[at] : bounds[at + 1]]
        return np.zeros(0, np.int64)

    rows = rows_of(service)
    # the records of the service's components are its evidence too
    parts = [
        rows_of(name) for s, rule in cols.measure.components if s == service for name in rule.names
    ]
    if any(part.size for part in parts):
        rows = canonical(
            table,
            np.unique(np.concatenate([rows, *parts])),
            then=(cols.row_status, cols.row_down_us, cols.row_detail),
        )
    excluded_by = _excluded_by(cols)
    corrections = () if cols.corrections is None else _correction_lines(cols.corrections, i)
    return MeasureEvidence(
        service=service,
        measure=cols.measure,
        eligible=service_timeline(cols.eligible, i),
        down=service_timeline(cols.down, i),
        excluded=service_timeline(cols.excluded, i),
        excluded_by=excluded_by.labels[int(excluded_by.codes[i])],
        outside_window=service_timeline(cols.outside_window, i),
        weighted_down=Fraction(int(cols.bad[i]), cols.scale) if cols.measure.weighted else None,
        events=tuple(_notes(cols, table, rows, ordered=True)),
        corrections=corrections,
    )


def _correction_lines(used: CorrectionUse, i: int | None = None) -> tuple[str, ...]:
    """Return what each correction on service ``i`` did, in words, in time order.

    The pieces are sorted by service: one service's are found by two searches;
    ``None`` gives every service's, in order.
    """
    pieces = used.pieces
    lo, hi = (0, len(pieces)) if i is None else np.searchsorted(pieces.group, [i, i + 1])
    out = []
    for j in range(int(lo), int(hi)):
        row = int(used.piece_row[j])
        record = used.table.records[row]
        length = describe_us(int(pieces.end[j] - pieces.start[j]))
        if int(used.fate[row]) == APPLIED:
            clause = used.clauses[int(used.clause_of[row])]
            effect = _CORRECTION_EFFECTS[clause.accounting]
            fate = f"applied: {length} in the measured span {effect}"
        else:
            fate = CORRECTION_FATES[int(used.fate[row])][1]
        out.append(f"{used.table.where[row]}: {record.describe()}: {fate}")
    return tuple(out)


_CORRECTION_EFFECTS = {
    "remove": "removed from down time and eligible time",
    "good": "counted as available",
    "bad": "counted as unavailable",
}


def _notes(
    cols: UptimeColumns, table: EventTable, rows: I64, *, ordered: bool = False
) -> list[EventNote]:
    out = []
    status = cols.row_status
    if not ordered:
        rows = canonical(table, rows, then=(status, cols.row_down_us, cols.row_detail))
    for row in rows.tolist():
        code = RowStatus(int(status[row]))
        down = int(cols.row_down_us[row])
        kind = KINDS[int(table.kind[row])]
        reason = _reason(cols, code, down, int(cols.row_detail[row]), kind)
        out.append(row_note(table, row, code, reason, down))
    return out


def _lead(lead_us: int) -> str:
    if lead_us >= 0:
        return f"announced {describe_us(lead_us)} before it started"
    return f"announced {describe_us(-lead_us)} after it started"


def _reason(cols: UptimeColumns, code: RowStatus, amount: int, detail: int, kind: str) -> str:
    measure = cols.measure
    clause = cols.clause
    if code is RowStatus.COUNTED:
        return f"{describe_us(amount)} of down time counted"
    if code is RowStatus.EXCLUDED:  # by maintenance, a correction, or both
        clauses = "; ".join(c.describe() for c in measure.excluding)
        return f"all of its time was excluded by the clause: {clauses}"
    if code is RowStatus.OUTSIDE_WINDOW:
        if measure.during is None:
            return "ignored: outside the service's deployed time (the measure's denominator)"
        if measure.denominator == "deployed":
            return f"ignored: outside the service window {measure.during!r} or deployed time"
        return f"ignored: outside the service window {measure.during!r}"
    if code is RowStatus.BELOW_BUCKET_RULE:
        return (
            f"ignored: no bucket it touched met the rule {measure.bucket_down.text()!r} "
            f"(buckets of {measure.granularity.words() if measure.granularity else ''})"
        )
    if code is RowStatus.STATE_NOT_COUNTED:
        counted = ", ".join(name for name, _ in measure.states)
        return f"ignored: this measure counts only the states {counted}"
    if code is RowStatus.COMPONENTS_NOT_DOWN:
        rules = "; ".join(f"{s} is {r.describe()}" for s, r in measure.components)
        return (
            "ignored: the service it is a component of was not counted down then: its rule "
            "did not hold, or the combined downtime was shorter than the minimum outage or "
            f"missed the bucket rule ({rules})"
        )
    if code is RowStatus.DEPLOYMENT_USED:
        return "counted: deployed time, the measure's denominator"
    if code is RowStatus.BELOW_MINIMUM:
        scope = {
            "episode": "its episode of consecutive downtime",
            "report": "it",
            "buckets": "the run of consecutive down buckets it fell in",
        }[measure.minimum_of]
        return (
            f"ignored: {scope} lasted less than the minimum outage of {measure.min_outage.words()}"
        )
    if code is RowStatus.OUTSIDE_PERIOD:
        lo, hi = cols.measured
        if (lo, hi) == (cols.period.start, cols.period.end):
            return f"ignored: outside period {cols.period.label}"
        return (
            f"ignored: outside {format_us(lo)} to {format_us(hi)}, the part of period "
            f"{cols.period.label} measured"
        )
    if code is RowStatus.NOT_COVERED:
        return "ignored: the service is not covered by this measure"
    if code is RowStatus.NOT_USED:
        if kind == "deployment":
            return "ignored: this measure's denominator is the whole period, not deployed time"
        return "ignored: this measure has no clause that uses maintenance notices"
    assert clause is not None
    if code is RowStatus.MAINTENANCE_EXCLUDED:
        return f"excluded ({_lead(detail)}): {clause.describe()}"
    if code is RowStatus.MAINTENANCE_PARTLY_EXCLUDED:
        assert clause.at_most is not None
        return (
            f"partly excluded: {describe_us(amount)} before the allowance of "
            f"{clause.at_most.words()} per {clause.window_words()} ran out"
        )
    if code is RowStatus.MAINTENANCE_NOTICE_TOO_SHORT:
        assert clause.notice is not None
        return (
            f"not excluded: {_lead(detail)}, but the clause requires notice of at least "
            f"{clause.notice.words()}"
        )
    assert clause.at_most is not None
    return (
        f"not excluded: the allowance of {clause.at_most.words()} per "
        f"{clause.window_words()} was already used"
    )
