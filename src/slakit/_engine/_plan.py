"""Compile an agreement into a plan of kernels, and run it over the inputs for a period."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

import attrs

from slakit._dsl._agreement import Agreement
from slakit._dsl._measures import Measure
from slakit._engine import (
    _availability,  # noqa: F401  (registers the uptime runner)
    _composites,  # noqa: F401  (registers the composite runner)
    _incidents,  # noqa: F401  (registers incident runners)
    _requests,  # noqa: F401  (registers the request runners)
    _support,  # noqa: F401  (registers ticket runners)
)
from slakit._engine._credits import CreditContext, compensation_column
from slakit._engine._inputs import Inputs, as_inputs
from slakit._engine._registry import Context, runner_for
from slakit._engine._verdicts import objective_column
from slakit._results._evidence import MeasureOutcome, Reconciliation
from slakit._results._report import CreditColumn, Report
from slakit._time._instant import format_us
from slakit._time._periods import Period
from slakit.exceptions import DefinitionError, EvaluationError

__all__ = ["Plan", "compile_agreement", "evaluate"]


@attrs.frozen
class Plan:
    """An agreement compiled for evaluation: its distinct measures, checked once.

    Build it with :func:`compile_agreement`; run it with :meth:`evaluate` as
    often as needed (it holds no state between runs).
    """

    agreement: Agreement
    measures: tuple[Measure, ...]

    def evaluate(self, *inputs: object, period: Period | str) -> Report:
        """Evaluate the agreement over ``inputs`` for one ``period`` and return the report.

        Args:
            inputs: tables (an :class:`~slakit.EventTable`, ...) or lists of records
                (:class:`~slakit.Outage`, :class:`~slakit.Maintenance`, ...), one of each kind.
            period: a label in the agreement's periods (``"2026-10"``) or a :class:`Period`.
        """
        bundle = as_inputs(inputs)
        agreement = self.agreement
        resolved = agreement.period.resolve(period)
        if agreement.amendments:
            return _single_version(agreement, resolved).evaluate(bundle, period=resolved)
        start = resolved.start
        if agreement.effective is not None:
            if agreement.effective >= resolved.end:
                raise EvaluationError(
                    f"the agreement takes effect at {format_us(agreement.effective)}, after "
                    f"period {resolved.label} ends; evaluate a later period"
                )
            start = max(start, agreement.effective)
        outcomes = {
            measure: _run(measure, bundle, agreement, resolved, start) for measure in self.measures
        }
        tier = agreement.tier
        objective_columns = tuple(
            objective_column(objective, outcomes[objective.measure], tier.no_data)
            for objective in tier.objectives
        )
        proration = Fraction(resolved.end - start, resolved.end - resolved.start)
        credit_columns: tuple[CreditColumn, ...] = ()
        if tier.compensation is not None:  # one kernel per rule type, dispatched in _credits
            credit_context = CreditContext(
                agreement=agreement,
                period=resolved,
                start=start,
                proration=proration,
                services=agreement.services,
                outcomes=outcomes,
                inputs=bundle,
            )
            credit_columns = (compensation_column(tier.compensation, credit_context),)
        notes = []
        if start > resolved.start:
            notes.append(
                f"The agreement took effect at {format_us(start)}, within the period: only time "
                f"from then on is measured, and the fee is pro-rated to {proration} of the period."
            )
        return Report(
            agreement=agreement,
            period=resolved,
            start=start,
            end=resolved.end,
            outcomes=tuple(outcomes.values()),
            objective_columns=objective_columns,
            credit_columns=credit_columns,
            reconciliation=lambda: _reconcile(bundle, outcomes.values()),
            notes=tuple(notes),
        )


def _single_version(agreement: Agreement, period: Period) -> Plan:
    """Return the plan of the one version in force over all of ``period``.

    Raises:
        EvaluationError: an amendment takes effect within the period; such a
            period is evaluated by :func:`slakit.evaluate_versions`, which splits it.
    """
    overlapping = [
        v
        for v in agreement.versions()
        if (v.start is None or v.start < period.end) and (v.end is None or v.end > period.start)
    ]
    if len(overlapping) != 1:
        labels = ", ".join(v.label for v in overlapping)
        raise EvaluationError(
            f"period {period.label} is split by an amendment (versions {labels}); evaluate it "
            "with slakit.evaluate_versions(agreement, *inputs, period=...), which measures each "
            "version over its part and pro-rates the fee"
        )
    return compile_agreement(overlapping[0].agreement)


def _run(
    measure: Measure, inputs: Inputs, agreement: Agreement, period: Period, start: int
) -> MeasureOutcome:
    service = getattr(measure, "service", None)
    services = agreement.services if service is None else (service,)
    context = Context(agreement=agreement, period=period, start=start, services=services)
    return runner_for(measure)(measure, inputs, context)


def _reconcile(inputs: Inputs, outcomes: Iterable[MeasureOutcome]) -> Reconciliation:
    by_measure = {}
    reasons = {}
    rows = {}
    for outcome in outcomes:
        label = repr(outcome.measure)
        by_measure[label] = dict(outcome.counts["categories"])
        reasons[label] = dict(outcome.counts["reasons"])
        rows[label] = int(outcome.counts["rows"]["rows"])
    for table, count in inputs.unread().items():
        label = f"no measure reads {table}"
        by_measure[label] = {"counted": 0, "excluded": 0, "ignored": count}
        reasons[label] = {f"ignored: no measure or rule of this agreement reads {table}": count}
        rows[label] = count
    return Reconciliation(total=inputs.rows(), by_measure=by_measure, reasons=reasons, rows=rows)


def compile_agreement(agreement: Agreement) -> Plan:
    """Check an agreement for evaluation and return its plan.

    Raises:
        DefinitionError: a measure names a service the agreement does not cover,
            or is of a kind the engine cannot evaluate.
    """
    given: object = agreement
    if not isinstance(given, Agreement):
        raise DefinitionError(f"agreement={agreement!r} must be an Agreement")
    measures = agreement.tier.measures()
    for measure in measures:
        runner_for(measure)
        service = getattr(measure, "service", None)
        if service is not None and service not in agreement.services:
            raise DefinitionError(
                f"{measure!r} in tier {agreement.tier.name!r} names service "
                f"{service!r}, which the agreement does not cover "
                f"(services={list(agreement.services)!r})"
            )
    return Plan(agreement=agreement, measures=measures)


def evaluate(agreement: Agreement, *inputs: object, period: Period | str) -> Report:
    """Evaluate ``agreement`` over ``inputs`` for one billing ``period``.

    A pure function: the same agreement, inputs and period always give the same
    report, whatever the order of the events or the machine's time zone.

    Args:
        agreement: the agreement to evaluate.
        inputs: an :class:`~slakit.EventTable`, or a list of :class:`~slakit.Outage`
            and :class:`~slakit.Maintenance` records (and tables of other kinds
            of input, one of each kind).
        period: a label in the agreement's periods (``"2026-10"``) or a :class:`Period`.
    """
    return compile_agreement(agreement).evaluate(*inputs, period=period)
