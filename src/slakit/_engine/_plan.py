"""Compile an agreement into a plan of kernels, and run it over the inputs for a period."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from slakit._dsl._agreement import Agreement
from slakit._dsl._measures import Measure
from slakit._engine._checks import check_agreement
from slakit._engine._credits._context import CreditContext, compensation_column
from slakit._engine._inputs import Inputs, as_inputs
from slakit._engine._registry import Context, runner_for
from slakit._engine._uncovered import (
    Reader,
    check_strict,
    input_counts,
    name_set,
    names_read,
    uncovered_groups,
)
from slakit._engine._verdicts import objective_column
from slakit._results._evidence import MeasureOutcome, Reconciliation
from slakit._results._fingerprint import fingerprint
from slakit._results._report import CreditColumn, Report
from slakit._time._instant import Duration, InstantLike, format_us
from slakit._time._periods import Period, billing_cycles
from slakit.exceptions import DefinitionError, EvaluationError

if TYPE_CHECKING:
    from slakit._engine._incremental import EvaluationState
    from slakit._results._live import Status

__all__ = ["Plan", "compile_agreement", "evaluate"]


@attrs.frozen
class Plan:
    """An agreement compiled for evaluation: its distinct measures, checked once.

    Build it with [`compile_agreement()`][slakit.compile_agreement]; run it with
    [`evaluate()`][slakit.evaluate] as
    often as needed (it holds no state between runs).
    """

    agreement: Agreement
    measures: tuple[Measure, ...]

    def status(self, *inputs: object, now: InstantLike, **options: Any) -> Status:
        """Return the period in progress as of ``now`` (see [`status()`][slakit.status]).

        ``options`` are those of ``status()``: ``period``, ``windows``, ``alerts``,
        ``rolling``.
        """
        from slakit._engine._live import status  # the live status reads plans itself

        return status(self.agreement, *inputs, now=now, **options)

    def start(self, *, period: Period | str, resolution: Duration | None = None) -> EvaluationState:
        """Start an incremental evaluation of one period (see [`start()`][slakit.start])."""
        from slakit._engine._incremental import start  # the state compiles its plan itself

        return start(self.agreement, period=period, resolution=resolution)

    def evaluate(self, *inputs: object, period: Period | str, strict: bool = False) -> Report:
        """Evaluate the agreement over ``inputs`` for one ``period`` and return the report.

        Args:
            inputs: tables (an [`EventTable`][slakit.EventTable], ...) or lists of records
                ([`Outage`][slakit.Outage], [`Maintenance`][slakit.Maintenance], ...), one of each
                kind.
            period: a label in the agreement's periods (``"2026-10"``) or a
                [`Period`][slakit.Period].
            strict: raise instead of reporting input that no measure counted (see
                [`evaluate()`][slakit.evaluate]).

        Raises:
            StrictInputError: with ``strict``, some input was not counted.
        """
        bundle = as_inputs(inputs)
        agreement = self.agreement
        resolved = agreement.period.resolve(period)
        if agreement.amendments:
            plan = _single_version(agreement, resolved)
            return plan.evaluate(bundle, period=resolved, strict=strict)
        start = evaluated_from(agreement, resolved)
        readers: list[Reader] = []
        outcomes = {}
        for measure in self.measures:  # each reads its own view, so the report knows who read what
            view = Inputs(bundle.tables)
            outcome, services = _run(measure, view, agreement, resolved, start)
            outcomes[measure] = outcome
            readers.append(Reader(view, names_read(measure, services), outcome))
        tier = agreement.tier
        objective_columns = tuple(
            objective_column(objective, outcomes[objective.measure], tier.no_data)
            for objective in tier.objectives
        )
        proration = Fraction(resolved.end - start, resolved.end - resolved.start)
        credit_columns: tuple[CreditColumn, ...] = ()
        if tier.compensation is not None:  # one kernel per rule type, dispatched in _credits
            rule_view = Inputs(bundle.tables)
            readers.append(Reader(rule_view, name_set(agreement.services)))
            credit_context = CreditContext(
                agreement=agreement,
                period=resolved,
                start=start,
                proration=proration,
                services=agreement.services,
                outcomes=outcomes,
                inputs=rule_view,
            )
            credit_columns = (compensation_column(tier.compensation, credit_context),)
        notes = []
        if start > resolved.start:
            notes.append(
                f"The agreement took effect at {format_us(start)}, within the period: only time "
                f"from then on is measured, and {_prorated_fee(agreement, resolved, start)}."
            )
        report = Report(
            agreement=agreement,
            period=resolved,
            start=start,
            end=resolved.end,
            outcomes=tuple(outcomes.values()),
            objective_columns=objective_columns,
            credit_columns=credit_columns,
            reconciliation=lambda: _reconcile(agreement, bundle, readers),
            notes=tuple(notes),
            fingerprint=lambda: fingerprint(agreement, resolved, bundle.tables),  # when asked
        )
        if strict:
            check_strict(report.reconciliation.uncovered)
        return report


def _prorated_fee(agreement: Agreement, period: Period, start: int) -> str:
    """Return how the fee of a period the agreement took effect in is pro-rated, in words."""
    rule = agreement.tier.billing
    if rule is None:
        share = Fraction(period.end - start, period.end - period.start)
        return f"the fee is pro-rated to {share} of the period"
    whole = agreement.period.containing(start)  # a part's window is no period of the rule
    cycles = billing_cycles(rule, whole, start, min(period.end, whole.end))
    in_effect = sum((share for _cycle, share in cycles), Fraction(0))
    return (
        f"the fee is that of the billing cycles in effect, each pro-rated: {in_effect} of "
        f"{len(cycles)} cycles"
    )


def evaluated_from(agreement: Agreement, period: Period) -> int:
    """Return the first instant of ``period`` evaluated: its start, or the agreement's effect.

    Raises:
        EvaluationError: the agreement takes effect after the period ends.
    """
    if agreement.effective is None:
        return period.start
    if agreement.effective >= period.end:
        raise EvaluationError(
            f"the agreement takes effect at {format_us(agreement.effective)}, after "
            f"period {period.label} ends; evaluate a later period"
        )
    return max(period.start, agreement.effective)


def _single_version(agreement: Agreement, period: Period) -> Plan:
    """Return the plan of the one version in force over all of ``period``.

    Raises:
        EvaluationError: an amendment takes effect within the period; such a
            period is evaluated by [`slakit.evaluate_versions()`][slakit.evaluate_versions], which
            splits it.
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
) -> tuple[MeasureOutcome, tuple[str, ...]]:
    """Run one measure; return its outcome and the services it covers."""
    service = getattr(measure, "service", None)
    services = agreement.services if service is None else (service,)
    context = Context(agreement=agreement, period=period, start=start, services=services)
    return runner_for(measure)(measure, inputs, context), services


def _reconcile(agreement: Agreement, inputs: Inputs, readers: list[Reader]) -> Reconciliation:
    """Count how every input row reconciles, and group the rows that no measure counted."""
    by_measure = {}
    reasons = {}
    rows = {}
    for reader in readers:
        inputs.read.update(reader.inputs.read)
        outcome = reader.outcome
        if outcome is None:
            continue
        label = repr(outcome.measure)
        by_measure[label] = dict(outcome.counts["categories"])
        reasons[label] = dict(outcome.counts["reasons"])
        rows[label] = int(outcome.counts["rows"]["rows"])
    for table, count in inputs.unread().items():
        label = f"no measure reads {table}"
        by_measure[label] = {"counted": 0, "excluded": 0, "ignored": count}
        reasons[label] = {f"ignored: no measure or rule of this agreement reads {table}": count}
        rows[label] = count
    return Reconciliation(
        total=inputs.rows(),
        by_measure=by_measure,
        reasons=reasons,
        rows=rows,
        read=input_counts(inputs, readers),
        uncovered=uncovered_groups(agreement, inputs, readers),
    )


def compile_agreement(agreement: Agreement) -> Plan:
    """Check an agreement for evaluation and return its plan.

    Every version of an amended agreement is checked: its measures (each of a
    kind the engine evaluates, naming services the version covers) and every
    compensation rule (kernels, currencies, bases, the measures it reads, claim
    clauses). An agreement that compiles does not fail at evaluation for a
    reason its definition alone could show.

    Raises:
        DefinitionError: a measure or rule is invalid for this agreement; the
            message names the clause (and the version).
        CurrencyMismatchError: a rule has amounts in another currency than the fee.
    """
    given: object = agreement
    if not isinstance(given, Agreement):
        raise DefinitionError(f"agreement={agreement!r} must be an Agreement")
    check_agreement(agreement)
    return Plan(agreement=agreement, measures=agreement.tier.measures())


def evaluate(
    agreement: Agreement, *inputs: object, period: Period | str, strict: bool = False
) -> Report:
    """Evaluate ``agreement`` over ``inputs`` for one billing ``period``.

    A pure function: the same agreement, inputs and period always give the same
    report, whatever the order of the events or the machine's time zone.

    Input that no measure counted is never silent: rows for services the
    agreement does not cover (with a did-you-mean for near-miss names), rows of
    tables no measure or rule reads, and rows a measure rejected are listed in
    ``report.explain()``, ``report.to_dict()["uncovered"]`` and
    ``report.uncovered()``.

    Args:
        agreement: the agreement to evaluate.
        inputs: an [`EventTable`][slakit.EventTable], or a list of [`Outage`][slakit.Outage]
            and [`Maintenance`][slakit.Maintenance] records (and tables of other kinds
            of input, one of each kind).
        period: a label in the agreement's periods (``"2026-10"``) or a [`Period`][slakit.Period].
        strict: raise [`StrictInputError`][slakit.exceptions.StrictInputError] instead of
            reporting input that no measure counted.

    Raises:
        StrictInputError: with ``strict``, some input was not counted; its
            ``problems`` list every group of rows, with the reason.
    """
    return compile_agreement(agreement).evaluate(*inputs, period=period, strict=strict)
