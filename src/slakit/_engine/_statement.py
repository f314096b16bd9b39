"""Statements: an agreement evaluated over consecutive periods, carrying the credit history.

Some clauses look back: a cap per quarter or per rolling 12 months, an
escalation when the previous period was also breached, an earn-back over the
next periods, a chronic-breach flag. [`statement()`][slakit.statement] evaluates the periods
in order and hands each one the history of the ones before it, purely: the
same agreement, inputs and periods always give the same statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

import attrs

from slakit._dsl._agreement import Agreement
from slakit._engine._credits._context import CreditContext, History, compensation_column
from slakit._engine._inputs import as_inputs
from slakit._engine._plan import compile_agreement
from slakit._money import Money
from slakit._results._report import Report
from slakit._results._values import CreditLine
from slakit._time._periods import Period
from slakit.exceptions import EvaluationError

__all__ = ["Statement", "statement"]


@attrs.frozen(eq=False)
class Statement:
    """The reports of consecutive periods, each evaluated with the history before it.

    Attributes:
        agreement: the agreement.
        reports: one report per period, in order.
        history: what the look-back clauses remember after the last period; pass it
            to a later [`statement()`][slakit.statement] to continue where this one stopped.
    """

    agreement: Agreement
    reports: tuple[Report, ...]
    history: History

    @property
    def periods(self) -> tuple[str, ...]:
        """The period labels, in order."""
        return tuple(r.period.label for r in self.reports)

    def __getitem__(self, label: str) -> Report:
        for report in self.reports:
            if report.period.label == label:
                return report
        raise KeyError(f"{label!r} is not a period of this statement: {list(self.periods)}")

    @property
    def exact_total(self) -> Fraction:
        """The exact sum of every period's credit."""
        return sum((r.compensation.exact_total for r in self.reports), Fraction(0))

    @property
    def total(self) -> Money:
        """The sum of the periods' totals, each rounded once when its period was settled."""
        currency = self.agreement.tier.fee.currency
        return sum((r.total for r in self.reports), Money(0, currency))

    @property
    def flags(self) -> tuple[CreditLine, ...]:
        """Every flag raised, period by period (chronic breaches, ...)."""
        return tuple(line for r in self.reports for line in r.compensation.flags)

    def explain(self) -> str:
        """Return one line per period and the total, then each period's credit lines."""
        out = [f"Statement: {self.agreement.title}, {len(self.reports)} periods"]
        for report in self.reports:
            out.append(f"{report.period.label}: {report.total}")
            out.extend(f"  {line.service}: {line.describe()}" for line in report.compensation.lines)
        out.append(f"Total: {self.total} (each period rounded once)")
        return "\n".join(out)

    def __repr__(self) -> str:
        span = f"{self.periods[0]}..{self.periods[-1]}" if self.reports else "no periods"
        return f"<Statement {self.agreement.title!r} {span}: credit {self.total}>"


def statement(
    agreement: Agreement,
    *inputs: object,
    periods: Iterable[Period | str] | str,
    history: History | None = None,
    strict: bool = False,
) -> Statement:
    """Evaluate ``agreement`` over consecutive ``periods``, carrying the credit history.

    Each period is evaluated as [`evaluate()`][slakit.evaluate] would, then its
    compensation is computed with the history of the periods before it (caps
    used, breaches, held credits), and its own state is added for the next.

    Args:
        agreement: the agreement.
        inputs: the events and other inputs (billing data, claims) for all periods.
        periods: labels or periods, consecutive and in order; or a range of labels
            written ``"2026-01..2026-12"`` (both ends included).
        history: the history left by an earlier statement, to continue from.
        strict: raise instead of reporting input that no measure counted (see
            [`evaluate()`][slakit.evaluate]).

    Raises:
        EvaluationError: the periods are not consecutive.
        StrictInputError: with ``strict``, some input was not counted in a period.
    """
    if isinstance(periods, str):
        first, sep, last = periods.partition("..")
        if not sep:
            raise EvaluationError(
                f"periods={periods!r} must be a list of periods or a range such as "
                "'2026-01..2026-12'"
            )
        periods = statement_periods(agreement, first.strip(), last.strip())
    plan = compile_agreement(agreement)
    bundle = as_inputs(inputs)
    state = History() if history is None else history
    reports: list[Report] = []
    previous: Period | None = state.periods[-1].period if state.periods else None
    for given in periods:
        period = agreement.period.resolve(given)
        if previous is not None and agreement.period.next(previous) != period:
            raise EvaluationError(
                f"statement periods must be consecutive: {period.label} does not follow "
                f"{previous.label}"
            )
        report = plan.evaluate(bundle, period=period, strict=strict)
        terms = report.agreement  # the version in force over the period, amendments applied
        rule = terms.tier.compensation
        if rule is not None:
            ctx = CreditContext(
                agreement=terms,
                period=report.period,
                start=report.start,
                proration=report.partial,
                services=terms.services,
                outcomes={o.measure: o for o in report.outcomes},
                inputs=bundle,
                history=state,
            )
            column = compensation_column(rule, ctx)
            report = report.with_credits((column,))
            state = state.then(report.period, column.state)
        reports.append(report)
        previous = period
    return Statement(agreement=agreement, reports=tuple(reports), history=state)


def statement_periods(agreement: Agreement, first: str, last: str) -> Sequence[str]:
    """Return the labels from ``first`` to ``last`` inclusive, in the agreement's periods."""
    start = agreement.period.resolve(first)
    end = agreement.period.resolve(last)
    labels = []
    current = start
    while current.start <= end.start:
        labels.append(current.label)
        current = agreement.period.next(current)
    return labels
