"""The report of one agreement over one period: compliance, credits, evidence."""

from __future__ import annotations

import functools
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._agreement import Agreement
from slakit._dsl._compensation import CreditSchedule
from slakit._dsl._money import Money
from slakit._dsl._objectives import Objective
from slakit._results._evidence import EventNote, MeasureEvidence, MeasureOutcome, Reconciliation
from slakit._results._values import Compensation, CreditLine, ObjectiveResult, Verdict
from slakit._time._periods import Period

__all__ = ["CreditColumn", "ObjectiveColumn", "Report", "ServiceReport"]

#: Verdict codes in :attr:`ObjectiveColumn.verdict`.
VERDICTS: tuple[Verdict, ...] = (Verdict.MET, Verdict.BREACHED, Verdict.NO_DATA, Verdict.EXCLUDED)
#: Band codes in :attr:`CreditColumn.band` below zero.
NO_BAND, GAP, NO_DATA = -1, -2, -3


@attrs.frozen(eq=False)
class ObjectiveColumn:
    """One objective's verdicts over the services its measure covers (codes into VERDICTS)."""

    objective: Objective
    outcome: MeasureOutcome
    verdict: npt.NDArray[np.int8]
    resolved_by: str | None


@attrs.frozen(eq=False)
class CreditColumn:
    """One credit schedule's band per service (an index, or NO_BAND / GAP / NO_DATA)."""

    rule: CreditSchedule
    outcome: MeasureOutcome
    band: npt.NDArray[np.int64]
    base: Money
    exact_total: Fraction
    proration: Fraction = Fraction(1)


@attrs.frozen
class ServiceReport:
    """Everything a report says about one service."""

    service: str
    objectives: tuple[ObjectiveResult, ...]
    credits: tuple[CreditLine, ...]
    evidence: tuple[MeasureEvidence, ...]


def _value(outcome: MeasureOutcome, i: int) -> Fraction | None:
    total = int(outcome.total[i])
    return None if total == 0 else Fraction(int(outcome.good[i]), total)


class Report:
    """The result of evaluating an agreement over one period.

    Figures are computed as columns when the report is made; the per-service
    objects (:attr:`objectives`, :attr:`compensation` lines, evidence) are
    built when first asked for, so a report over 10,000 services is cheap
    until you read all of it.
    """

    def __init__(
        self,
        *,
        agreement: Agreement,
        period: Period,
        start: int,
        end: int,
        outcomes: tuple[MeasureOutcome, ...],
        objective_columns: tuple[ObjectiveColumn, ...],
        credit_columns: tuple[CreditColumn, ...],
        reconciliation: Reconciliation,
        notes: tuple[str, ...] = (),
    ) -> None:
        self.agreement = agreement
        self.period = period
        self.start = start
        self.end = end
        self.outcomes = outcomes
        self._objective_columns = objective_columns
        self._credit_columns = credit_columns
        self.reconciliation = reconciliation
        self.notes = notes

    # --- summary ---------------------------------------------------------------------------

    @property
    def services(self) -> tuple[str, ...]:
        """The services the report covers, in the agreement's order."""
        return self.agreement.services

    @property
    def tier(self) -> str:
        """The name of the tier in force."""
        return self.agreement.tier.name

    @property
    def partial(self) -> Fraction:
        """The share of the period the agreement was in force (1 for a whole period)."""
        return Fraction(self.end - self.start, self.period.end - self.period.start)

    @functools.cached_property
    def compensation(self) -> Compensation:
        """The credit lines, their exact total, and the total rounded once."""
        lines: list[CreditLine] = []
        exact = Fraction(0)
        for column in self._credit_columns:
            exact += column.exact_total
            lines.extend(_credit_lines(column, self.tier))
        rounding = self.agreement.rounding
        currency = self.agreement.tier.fee.currency
        return Compensation(
            lines=tuple(lines),
            exact_total=exact,
            total=rounding.apply(exact, currency),
            rounding=rounding,
        )

    @property
    def total(self) -> Money:
        """The total credit owed for the period, rounded once to the currency's minor unit."""
        return self.compensation.total

    @functools.cached_property
    def objectives(self) -> tuple[ObjectiveResult, ...]:
        """Every objective's result for every service it applies to."""
        out: list[ObjectiveResult] = []
        for column in self._objective_columns:
            outcome = column.outcome
            codes = column.verdict.tolist()
            for i, service in enumerate(outcome.services):
                value = _value(outcome, i)
                out.append(
                    ObjectiveResult(
                        service=service,
                        objective=column.objective,
                        value=value,
                        verdict=VERDICTS[codes[i]],
                        resolved_by=column.resolved_by if value is None else None,
                    )
                )
        return tuple(out)

    @property
    def breaches(self) -> tuple[ObjectiveResult, ...]:
        """The objectives that were breached."""
        return tuple(r for r in self.objectives if r.verdict is Verdict.BREACHED)

    @property
    def compliant(self) -> bool:
        """Whether every objective was met or excluded (a "no data" verdict is not met)."""
        ok = (VERDICTS.index(Verdict.MET), VERDICTS.index(Verdict.EXCLUDED))
        return all(bool(np.isin(c.verdict, ok).all()) for c in self._objective_columns)

    # --- per service -----------------------------------------------------------------------

    def service(self, name: str) -> ServiceReport:
        """Return everything the report says about service ``name``.

        Raises:
            KeyError: the agreement does not cover ``name``.
        """
        if name not in self.services:
            raise KeyError(f"{name!r} is not a service of this agreement: {list(self.services)}")
        return ServiceReport(
            service=name,
            objectives=tuple(r for r in self.objectives if r.service == name),
            credits=tuple(line for line in self.compensation.lines if line.service == name),
            evidence=tuple(
                outcome.evidence_of(outcome.index(name))
                for outcome in self.outcomes
                if name in outcome.services
            ),
        )

    def evidence(self, service: str) -> MeasureEvidence:
        """Return the evidence of the first measure that covers ``service``."""
        for outcome in self.outcomes:
            if service in outcome.services:
                return outcome.evidence_of(outcome.index(service))
        raise KeyError(f"no measure of this agreement covers {service!r}")

    def events(self) -> list[EventNote]:
        """Return what every input event did, in every measure."""
        return [note for outcome in self.outcomes for note in outcome.notes()]

    def columns(self) -> dict[str, Any]:
        """Return the per-service figures as numpy columns, for bulk use.

        Keys: ``service``; then per measure ``<label>.good`` and ``<label>.total``
        (the exact value is good / total); per objective ``<objective>.verdict``
        (strings); per credit rule ``credit.share`` (Decimal objects).
        """
        cols: dict[str, Any] = {"service": np.asarray(self.services)}
        for outcome in self.outcomes:
            cols[f"{outcome.measure.label}.good"] = outcome.good
            cols[f"{outcome.measure.label}.total"] = outcome.total
        for column in self._objective_columns:
            names = np.asarray([v.value for v in VERDICTS])
            cols[f"{column.objective.describe()}.verdict"] = names[column.verdict]
        for credit in self._credit_columns:
            shares = [b.credit for b in credit.rule.bands]
            cols["credit.share"] = np.asarray(
                [shares[b] if b >= 0 else Decimal(0) for b in credit.band.tolist()], dtype=object
            )
        return cols

    # --- renderings ------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-ready data (strings for exact numbers)."""
        from slakit._results._render import report_to_dict

        return report_to_dict(self)

    def explain(self) -> str:
        """Return the report as text a customer can read and check by hand."""
        from slakit._results._render import explain

        return explain(self)

    def __repr__(self) -> str:
        return (
            f"<Report {self.agreement.title!r} {self.period.label}: "
            f"{len(self.services)} services, {len(self.breaches)} breaches, credit {self.total}>"
        )


def _credit_lines(column: CreditColumn, tier: str) -> list[CreditLine]:
    outcome = column.outcome
    rule = f"credit schedule on {column.rule.measure.label}"
    bands = column.band
    interesting = np.flatnonzero((bands >= 0) | (bands == GAP) | (bands == NO_DATA))
    lines = []
    for i in interesting.tolist():
        code = int(bands[i])
        value = _value(outcome, i)
        if code >= 0:
            band = column.rule.bands[code]
            shown = None if value is None else column.rule.measure.format_value(value)
            lines.append(
                CreditLine(
                    service=outcome.services[i],
                    rule=rule,
                    tier=tier,
                    value=value,
                    band=band,
                    share=band.credit,
                    base=column.base,
                    amount=column.base.exact() * column.proration * Fraction(band.credit),
                    proration=column.proration,
                    shown=shown,
                )
            )
        else:
            note = (
                "schedule gap: the value falls between the schedule's bands"
                if code == GAP
                else "no data: no eligible time, the schedule cannot be applied"
            )
            lines.append(
                CreditLine(
                    service=outcome.services[i],
                    rule=rule,
                    tier=tier,
                    value=value,
                    band=None,
                    share=Decimal(0),
                    base=column.base,
                    amount=Fraction(0),
                    proration=column.proration,
                    note=note,
                )
            )
    return lines
