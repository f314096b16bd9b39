"""Compile an agreement into a plan of kernels, and run it over events for a period."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._agreement import Agreement
from slakit._dsl._compensation import Bound, CreditSchedule
from slakit._dsl._measures import Measure, Uptime
from slakit._dsl._objectives import Objective
from slakit._engine._status import RowStatus
from slakit._engine._uptime import UptimeColumns, run_uptime, service_timeline, window_for
from slakit._events._records import Event
from slakit._events._table import KINDS, EventTable
from slakit._results._evidence import EventNote, MeasureEvidence, MeasureOutcome, Reconciliation
from slakit._results._report import GAP, NO_BAND, NO_DATA, CreditColumn, ObjectiveColumn, Report
from slakit._time._instant import describe_us, format_us
from slakit._time._periods import Period
from slakit.exceptions import DefinitionError, EvaluationError

__all__ = ["Plan", "compile_agreement", "evaluate"]

I64 = npt.NDArray[np.int64]
_NO_DATA_CODE: Final = {"no data": 2, "met": 0, "breached": 1, "excluded": 3}


@attrs.frozen
class Plan:
    """An agreement compiled for evaluation: its distinct measures, checked once.

    Build it with :func:`compile_agreement`; run it with :meth:`evaluate` as
    often as needed (it holds no state between runs).
    """

    agreement: Agreement
    measures: tuple[Measure, ...]

    def evaluate(self, events: EventTable | Iterable[Event], *, period: Period | str) -> Report:
        """Evaluate the agreement over ``events`` for one ``period`` and return the report."""
        table = events if isinstance(events, EventTable) else EventTable.from_records(events)
        agreement = self.agreement
        resolved = agreement.period.resolve(period)
        start = resolved.start
        if agreement.effective is not None:
            if agreement.effective >= resolved.end:
                raise EvaluationError(
                    f"the agreement takes effect at {format_us(agreement.effective)}, after "
                    f"period {resolved.label} ends; evaluate a later period"
                )
            start = max(start, agreement.effective)
        outcomes: dict[Measure, MeasureOutcome] = {}
        for measure in self.measures:
            outcomes[measure] = _run_measure(measure, table, agreement, resolved, start)
        tier = agreement.tier
        objective_columns = tuple(
            _objective_column(objective, outcomes[objective.measure], tier.no_data)
            for objective in tier.objectives
        )
        proration = Fraction(resolved.end - start, resolved.end - resolved.start)
        credit_columns: tuple[CreditColumn, ...] = ()
        if isinstance(tier.compensation, CreditSchedule):
            credit_columns = (
                _credit_column(
                    tier.compensation, outcomes[tier.compensation.measure], agreement, proration
                ),
            )
        notes = []
        if start > resolved.start:
            notes.append(
                f"The agreement took effect at {format_us(start)}, within the period: only time "
                f"from then on is measured, and the fee is pro-rated to {proration} of the period."
            )
        reconciliation = _reconcile(len(table), outcomes.values())
        return Report(
            agreement=agreement,
            period=resolved,
            start=start,
            end=resolved.end,
            outcomes=tuple(outcomes.values()),
            objective_columns=objective_columns,
            credit_columns=credit_columns,
            reconciliation=reconciliation,
            notes=tuple(notes),
        )


def compile_agreement(agreement: Agreement) -> Plan:
    """Check an agreement for evaluation and return its plan.

    Raises:
        DefinitionError: a measure names a service the agreement does not cover,
            or is of a kind the engine cannot evaluate.
    """
    if not isinstance(agreement, Agreement):
        raise DefinitionError(f"agreement={agreement!r} must be an Agreement")
    measures = agreement.tier.measures()
    for measure in measures:
        if not isinstance(measure, Uptime):
            raise DefinitionError(
                f"measure {measure!r} in tier {agreement.tier.name!r} cannot be evaluated by "
                "this version of slakit"
            )
        if measure.service is not None and measure.service not in agreement.services:
            raise DefinitionError(
                f"{measure!r} in tier {agreement.tier.name!r} names service "
                f"{measure.service!r}, which the agreement does not cover "
                f"(services={list(agreement.services)!r})"
            )
    return Plan(agreement=agreement, measures=measures)


def evaluate(
    agreement: Agreement, events: EventTable | Iterable[Event], *, period: Period | str
) -> Report:
    """Evaluate ``agreement`` over ``events`` for one billing ``period``.

    A pure function: the same agreement, events and period always give the same
    report, whatever the order of the events or the machine's time zone.

    Args:
        agreement: the agreement to evaluate.
        events: an :class:`~slakit.io.EventTable`, or an iterable of
            :class:`Outage` and :class:`Maintenance` records.
        period: a label in the agreement's periods (``"2026-10"``) or a :class:`Period`.
    """
    return compile_agreement(agreement).evaluate(events, period=period)


# --- measures --------------------------------------------------------------------------------


def _run_measure(
    measure: Measure, table: EventTable, agreement: Agreement, period: Period, start: int
) -> MeasureOutcome:
    assert isinstance(measure, Uptime)
    services = agreement.services if measure.service is None else (measure.service,)
    window = window_for(measure, period).clip((start, period.end))
    cols = run_uptime(measure, table, services, period, window, start_at=start)
    good = cols.eligible_us - cols.down_us

    def evidence_of(i: int) -> MeasureEvidence:
        return _evidence(cols, table, i)

    def notes() -> list[EventNote]:
        return _notes(cols, table, np.arange(len(table)))

    return MeasureOutcome(
        measure=measure,
        services=services,
        good=good,
        total=cols.eligible_us,
        evidence_of=evidence_of,
        notes=notes,
        counts=_status_counts(cols.row_status),
    )


def _status_counts(status: npt.NDArray[np.int8]) -> dict[str, dict[str, int]]:
    bins = np.bincount(status, minlength=len(RowStatus))
    by_category: dict[str, int] = {"counted": 0, "excluded": 0, "ignored": 0}
    by_reason: dict[str, int] = {}
    for code in RowStatus:
        count = int(bins[code])
        if count:
            by_category[code.category] += count
            by_reason[code.name.lower().replace("_", " ")] = count
    return {"categories": by_category, "reasons": by_reason}


def _reconcile(total: int, outcomes: Iterable[MeasureOutcome]) -> Reconciliation:
    by_measure = {}
    reasons = {}
    for outcome in outcomes:
        by_measure[repr(outcome.measure)] = dict(outcome.counts["categories"])
        reasons[repr(outcome.measure)] = dict(outcome.counts["reasons"])
    return Reconciliation(total=total, by_measure=by_measure, reasons=reasons)


def _evidence(cols: UptimeColumns, table: EventTable, i: int) -> MeasureEvidence:
    service = cols.services[i]
    code = table.services.index(service) if service in table.services else -1
    rows = np.flatnonzero(table.service == code) if code >= 0 else np.zeros(0, np.int64)
    clause = cols.clause
    return MeasureEvidence(
        service=service,
        measure=cols.measure,
        eligible=service_timeline(cols.eligible, i),
        down=service_timeline(cols.down, i),
        excluded=service_timeline(cols.excluded, i),
        excluded_by=clause.describe() if clause is not None else "",
        outside_window=service_timeline(cols.outside_window, i),
        events=tuple(_notes(cols, table, rows)),
    )


def _notes(cols: UptimeColumns, table: EventTable, rows: I64) -> list[EventNote]:
    out = []
    status = cols.row_status
    for row in rows.tolist():
        code = RowStatus(int(status[row]))
        out.append(
            EventNote(
                where=table.where(row),
                kind=KINDS[int(table.kind[row])],
                service=table.services[int(table.service[row])],
                start=int(table.start[row]),
                end=int(table.end[row]),
                category=code.category,
                reason=_reason(cols, code, int(cols.row_down_us[row]), int(cols.row_detail[row])),
                amount_us=int(cols.row_down_us[row]),
            )
        )
    return out


def _lead(lead_us: int) -> str:
    if lead_us >= 0:
        return f"announced {describe_us(lead_us)} before it started"
    return f"announced {describe_us(-lead_us)} after it started"


def _reason(cols: UptimeColumns, code: RowStatus, amount: int, detail: int) -> str:
    measure = cols.measure
    clause = cols.clause
    if code is RowStatus.COUNTED:
        return f"{describe_us(amount)} of down time counted"
    if code is RowStatus.EXCLUDED:
        assert clause is not None
        return f"all of its time was excluded by the clause: {clause.describe()}"
    if code is RowStatus.OUTSIDE_WINDOW:
        return f"outside the service window {measure.during!r}"
    if code is RowStatus.BELOW_MINIMUM:
        scope = (
            "its episode of consecutive downtime" if measure.min_outage_of == "episode" else "it"
        )
        return (
            f"ignored: {scope} lasted less than the minimum outage of {measure.min_outage.words()}"
        )
    if code is RowStatus.OUTSIDE_PERIOD:
        return f"ignored: outside period {cols.period.label}"
    if code is RowStatus.NOT_COVERED:
        return "ignored: the service is not covered by this measure"
    if code is RowStatus.NOT_USED:
        return "ignored: this measure has no clause that uses maintenance notices"
    assert clause is not None
    if code is RowStatus.MAINTENANCE_EXCLUDED:
        return f"excluded ({_lead(detail)}): {clause.describe()}"
    if code is RowStatus.MAINTENANCE_PARTLY_EXCLUDED:
        assert clause.at_most is not None
        return (
            f"partly excluded: {describe_us(amount)} before the allowance of "
            f"{clause.at_most.words()} per period ran out"
        )
    if code is RowStatus.MAINTENANCE_NOTICE_TOO_SHORT:
        assert clause.notice is not None
        return (
            f"not excluded: {_lead(detail)}, but the clause requires notice of at least "
            f"{clause.notice.words()}"
        )
    assert clause.at_most is not None
    return f"not excluded: the allowance of {clause.at_most.words()} per period was already used"


# --- verdicts and credits, vectorised and exact ------------------------------------------------


def _sign_vs(good: I64, total: I64, value: Fraction) -> npt.NDArray[np.int64]:
    """Return the sign of ``good/total - value`` per element (``total > 0``), exactly."""
    a, b = value.numerator, value.denominator
    top = int(max(int(good.max(initial=0)), int(total.max(initial=0))))
    if top * max(abs(a), b, 1) < 2**62:
        diff = good * b - total * a
    else:  # exact Python integers for very large figures
        diff = good.astype(object) * b - total.astype(object) * a
    signs: npt.NDArray[np.int64] = np.sign(diff).astype(np.int64)
    return signs


def _objective_column(
    objective: Objective, outcome: MeasureOutcome, no_data: str
) -> ObjectiveColumn:
    sign = _sign_vs(outcome.good, outcome.total, Fraction(objective.target))
    met = {
        ">=": sign >= 0,
        ">": sign > 0,
        "<=": sign <= 0,
        "<": sign < 0,
    }[objective.comparator]
    verdict = np.where(met, 0, 1).astype(np.int8)
    verdict[outcome.total == 0] = _NO_DATA_CODE[no_data]
    return ObjectiveColumn(
        objective=objective,
        outcome=outcome,
        verdict=verdict,
        resolved_by=None if no_data == "no data" else f"no_data={no_data!r}",
    )


def _within(sign: npt.NDArray[np.int64], bound: Bound, *, lower: bool) -> npt.NDArray[np.bool_]:
    if lower:
        return sign > 0 if not bound.inclusive else sign >= 0
    return sign < 0 if not bound.inclusive else sign <= 0


def _credit_column(
    rule: CreditSchedule, outcome: MeasureOutcome, agreement: Agreement, proration: Fraction
) -> CreditColumn:
    good, total = outcome.good, outcome.total
    n = good.shape[0]
    band = np.full(n, NO_BAND, dtype=np.int64)
    signs: dict[tuple[Fraction, bool], npt.NDArray[np.bool_]] = {}

    def test(bound: Bound | None, *, lower: bool) -> npt.NDArray[np.bool_]:
        if bound is None:
            return np.ones(n, dtype=bool)
        key = (Fraction(bound.value), lower)
        if key not in signs:
            signs[key] = _within(_sign_vs(good, total, key[0]), bound, lower=lower)
        return signs[key]

    for j in range(len(rule.bands) - 1, -1, -1):
        b = rule.bands[j]
        band[test(b.lower, lower=True) & test(b.upper, lower=False)] = j
    in_hull = test(rule.bands[0].lower, lower=True) & test(rule.bands[-1].upper, lower=False)
    band[(band == NO_BAND) & in_hull] = GAP
    band[total == 0] = NO_DATA
    base = agreement.tier.fee
    counts = np.bincount(band[band >= 0], minlength=len(rule.bands))
    exact = sum(
        (
            int(counts[j]) * base.exact() * proration * Fraction(b.credit)
            for j, b in enumerate(rule.bands)
        ),
        Fraction(0),
    )
    return CreditColumn(
        rule=rule, outcome=outcome, band=band, base=base, exact_total=exact, proration=proration
    )
