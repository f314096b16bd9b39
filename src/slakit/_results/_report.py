"""The report of one agreement over one period: compliance, credits, evidence."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._agreement import Agreement
from slakit._dsl._compensation import CreditRule
from slakit._dsl._objectives import Objective
from slakit._money import Money
from slakit._results._amounts import Amounts
from slakit._results._evidence import EventNote, MeasureEvidence, MeasureOutcome, Reconciliation
from slakit._results._lines import LineColumns
from slakit._results._uncovered import UncoveredRow
from slakit._results._values import Compensation, CreditLine, ObjectiveResult, Verdict
from slakit._time._periods import Period

__all__ = ["CreditColumn", "ObjectiveColumn", "Report", "ServiceReport"]

#: Verdict codes in ``ObjectiveColumn.verdict``.
VERDICTS: tuple[Verdict, ...] = (Verdict.MET, Verdict.BREACHED, Verdict.NO_DATA, Verdict.EXCLUDED)


@attrs.frozen(eq=False)
class ObjectiveColumn:
    """One objective's verdicts over the services its measure covers (codes into VERDICTS)."""

    objective: Objective
    outcome: MeasureOutcome
    verdict: npt.NDArray[np.int8]
    resolved_by: str | None


@attrs.frozen(eq=False)
class CreditColumn:
    """The compensation rule's result over every service of the agreement.

    Attributes:
        rule: the tier's compensation rule.
        services: the agreement's services, in order.
        amount: each service's exact credit (negative only under a bonus clause).
        shown: which services have lines to report (credits, diagnostics, flags).
        lines_of: builds service ``i``'s lines; they add up to ``amount[i]``.
        exact_total: the exact sum of ``amount``.
        state: what the rules that look at earlier periods remember of this one.
        columns: bulk columns for [`Report.columns()`][slakit.Report.columns].
        line_columns: builds every shown service's lines as columns, the rows
            of ``lines_of(i)`` for each shown ``i`` in turn (``None``: read them
            from ``lines_of``); see ``all_lines()``.
    """

    rule: CreditRule
    services: tuple[str, ...]
    amount: Amounts
    shown: npt.NDArray[np.bool_]
    lines_of: Callable[[int], list[CreditLine]]
    exact_total: Fraction
    state: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    columns: Mapping[str, Any] = attrs.field(factory=dict)
    line_columns: Callable[[], LineColumns] | None = None

    def all_lines(self) -> LineColumns:
        """Return the lines of every shown service as columns, service by service.

        The rows of ``lines_of(i)`` for each shown ``i`` in turn, as
        ``Report.compensation`` lists them; built from the rule's columns where
        it has them, without a ``CreditLine`` per row.
        """
        if self.line_columns is not None:
            return self.line_columns()
        return LineColumns.of_lines(self.lines_of, np.flatnonzero(self.shown))


@attrs.frozen
class ServiceReport:
    """Everything a report says about one service."""

    service: str
    objectives: tuple[ObjectiveResult, ...]
    credits: tuple[CreditLine, ...]
    evidence: tuple[MeasureEvidence, ...]


def _result(
    column: ObjectiveColumn, service: str, good: int, total: int, code: int
) -> ObjectiveResult:
    """Return one service's result of one objective, from its exact figures and verdict code."""
    value = None if total == 0 else Fraction(good, total)
    return ObjectiveResult(
        service=service,
        objective=column.objective,
        value=value,
        verdict=VERDICTS[code],
        resolved_by=column.resolved_by if value is None else None,
    )


class Report:
    """The result of evaluating an agreement over one period.

    Figures are computed as columns when the report is made; the per-service
    objects ([`objectives`][slakit.Report.objectives], [`compensation`][slakit.Report.compensation]
    lines, evidence) are
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
        reconciliation: Reconciliation | Callable[[], Reconciliation],
        notes: tuple[str, ...] = (),
        fingerprint: str | Callable[[], str] | None = None,
    ) -> None:
        self.agreement = agreement
        self.period = period
        self.start = start
        self.end = end
        self.outcomes = outcomes
        self._objective_columns = objective_columns
        self._credit_columns = credit_columns
        self._reconciliation = reconciliation
        self.notes = notes
        self._fingerprint = fingerprint

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
            for i in np.flatnonzero(column.shown).tolist():
                lines.extend(column.lines_of(i))
        rounding = self.agreement.rounding
        currency = self.agreement.tier.currency_code
        return Compensation(
            lines=tuple(lines),
            exact_total=exact,
            total=rounding.apply(exact, currency),
            rounding=rounding,
        )

    @property
    def total(self) -> Money:
        """The total credit owed for the period, rounded once (without building every line)."""
        return self.agreement.rounding.apply(self.exact_total, self.agreement.tier.currency_code)

    @property
    def exact_total(self) -> Fraction:
        """The exact total credit before the final rounding (without building every line)."""
        return sum((c.exact_total for c in self._credit_columns), Fraction(0))

    @functools.cached_property
    def objectives(self) -> tuple[ObjectiveResult, ...]:
        """Every objective's result for every service it applies to."""
        out: list[ObjectiveResult] = []
        for column in self._objective_columns:
            codes = column.verdict.tolist()
            out.extend(
                _result(column, service, good, total, codes[i])
                for i, (service, good, total) in enumerate(
                    zip(
                        column.outcome.services,
                        column.outcome.good.tolist(),
                        column.outcome.total.tolist(),
                        strict=True,
                    )
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

        Only ``name``'s objective results, credit lines and evidence are
        built, found through each measure's position index (built once), so
        a call costs what that service's own figures and evidence cost.

        Raises:
            KeyError: the agreement does not cover ``name``.
        """
        if name not in self._position:
            raise KeyError(f"{name!r} is not a service of this agreement: {list(self.services)}")
        objectives = []
        for column in self._objective_columns:
            j = column.outcome.positions.get(name)
            if j is not None:
                outcome = column.outcome
                objectives.append(
                    _result(
                        column,
                        name,
                        int(outcome.good[j]),
                        int(outcome.total[j]),
                        int(column.verdict[j]),
                    )
                )
        credits: list[CreditLine] = []
        for credit in self._credit_columns:
            k = self._positions_in(credit.services).get(name)
            if k is not None and bool(credit.shown[k]):
                credits.extend(credit.lines_of(k))
        return ServiceReport(
            service=name,
            objectives=tuple(objectives),
            credits=tuple(credits),
            evidence=tuple(
                outcome.evidence_of(j)
                for outcome in self.outcomes
                if (j := outcome.positions.get(name)) is not None
            ),
        )

    def _positions_in(self, services: tuple[str, ...]) -> Mapping[str, int]:
        """Return each service's position in ``services``, indexed once per tuple of services.

        A credit column's services are the report's own (the same tuple) but
        for reports put together by hand; those are indexed on first use.
        """
        if services is self.services:
            return self._position
        found = self._other_positions.get(id(services))
        if found is None or found[0] is not services:
            found = (services, {name: i for i, name in enumerate(services)})
            self._other_positions[id(services)] = found
        return found[1]

    @functools.cached_property
    def _other_positions(self) -> dict[int, tuple[tuple[str, ...], dict[str, int]]]:
        return {}

    def evidence(self, service: str) -> MeasureEvidence:
        """Return the evidence of the first measure that covers ``service``."""
        for outcome in self.outcomes:
            j = outcome.positions.get(service)
            if j is not None:
                return outcome.evidence_of(j)
        raise KeyError(f"no measure of this agreement covers {service!r}")

    def events(self) -> list[EventNote]:
        """Return what every input event did, in every measure."""
        return [note for outcome in self.outcomes for note in outcome.notes()]

    def columns(self) -> dict[str, Any]:
        """Return the per-service figures as numpy columns, for bulk use.

        Keys: ``service``; then per measure ``<label>.good`` and ``<label>.total``
        (the exact value is good / total; 0 / 0 for a service the measure does
        not cover); per objective ``<objective>.verdict`` (strings, ``""`` where it
        does not apply); ``credit.amount``, each service's exact credit
        (``Fraction`` objects); and for a credit schedule ``credit.share``
        (``Decimal`` objects) and, when its base is the charges billed,
        ``credit.base`` (``Fraction`` objects). Where two measures (or objectives) would share a
        label, their keys use the DSL call instead, so no column is lost.
        """
        cols: dict[str, Any] = {"service": np.asarray(self.services)}
        labels = [o.measure.label for o in self.outcomes]
        for outcome in self.outcomes:
            key = outcome.measure.label
            if labels.count(key) > 1:
                key = repr(outcome.measure)
            cols[f"{key}.good"], cols[f"{key}.total"] = self._aligned(outcome)
        described = [c.objective.describe() for c in self._objective_columns]
        names = np.asarray(["", *(v.value for v in VERDICTS)])
        for column in self._objective_columns:
            key = column.objective.describe()
            if described.count(key) > 1:
                key = repr(column.objective)
            if column.outcome.services == self.services:
                codes = column.verdict.astype(np.int64)
            else:
                codes = np.full(len(self.services), -1, dtype=np.int64)
                for j, service in enumerate(column.outcome.services):
                    codes[self._position[service]] = int(column.verdict[j])
            cols[f"{key}.verdict"] = names[codes + 1]
        for credit in self._credit_columns:
            for name, column in credit.columns.items():
                values: Any = column
                if isinstance(column, Amounts):
                    values = np.empty(len(column), dtype=object)
                    values[:] = column.tolist()
                cols[name] = values
        return cols

    @functools.cached_property
    def _position(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.services)}

    def _aligned(self, outcome: MeasureOutcome) -> tuple[Any, Any]:
        """Return ``good`` and ``total`` of ``outcome`` per agreement service (0/0 if uncovered)."""
        if outcome.services == self.services:
            return outcome.good, outcome.total
        good = np.zeros(len(self.services), dtype=outcome.good.dtype)
        total = np.zeros(len(self.services), dtype=outcome.total.dtype)
        for j, service in enumerate(outcome.services):
            good[self._position[service]] = outcome.good[j]
            total[self._position[service]] = outcome.total[j]
        return good, total

    def with_credits(self, credit_columns: tuple[CreditColumn, ...]) -> Report:
        """Return this report with other credit columns (a period evaluated with history)."""
        fingerprint = self.__dict__.get("fingerprint", self._fingerprint)  # once computed, kept
        return self._with(credit_columns, fingerprint)

    def with_fingerprint(self, fingerprint: str | Callable[[], str]) -> Report:
        """Return this report with another fingerprint (a portfolio customer's own rows)."""
        return self._with(self._credit_columns, fingerprint)

    def with_notes(self, notes: Sequence[str]) -> Report:
        """Return this report with ``notes`` after its own (a history restarted, ...)."""
        fingerprint = self.__dict__.get("fingerprint", self._fingerprint)
        return self._with(self._credit_columns, fingerprint, (*self.notes, *notes))

    def _with(
        self,
        credit_columns: tuple[CreditColumn, ...],
        fingerprint: str | Callable[[], str] | None,
        notes: tuple[str, ...] | None = None,
    ) -> Report:
        return Report(
            agreement=self.agreement,
            period=self.period,
            start=self.start,
            end=self.end,
            outcomes=self.outcomes,
            objective_columns=self._objective_columns,
            credit_columns=credit_columns,
            reconciliation=self.__dict__.get("reconciliation", self._reconciliation),
            notes=self.notes if notes is None else notes,
            fingerprint=fingerprint,
        )

    @functools.cached_property
    def reconciliation(self) -> Reconciliation:
        """How every input row reconciles in each measure (worked out when first read)."""
        given = self._reconciliation
        return given if isinstance(given, Reconciliation) else given()

    @functools.cached_property
    def fingerprint(self) -> str | None:
        """A SHA-256 over the agreement's data, the period and every input row read.

        ``"sha256:"`` and 64 hexadecimal digits. The other party computes it from
        their own copy of the inputs to check that both ran the same ones: it
        does not depend on the order of the rows, the format they were read
        from (CSV, JSON Lines, Parquet, a data frame) or where they sit, and
        every row of every table given counts, whether a measure counted,
        excluded or ignored it (a customer's report in a portfolio hashes the rows
        of the customer's services only). The canonical form hashed is versioned,
        ``slakit-fingerprint/1``. Worked out when first read (an evaluation
        does not pay for it), then kept. ``None`` for a report put together by
        hand, without its inputs.
        """
        given = self._fingerprint
        return given() if callable(given) else given

    def uncovered(self) -> list[UncoveredRow]:
        """Return every input row that no measure counted, with its reason (all of them).

        The rows come group by group, as ``explain()`` lists them: rows for
        services the agreement does not cover (with ``suggestions``, the names
        they may have meant), rows a measure rejected, and rows of tables (or of
        services) that no measure or rule reads. The groups, with their counts,
        are ``report.reconciliation.uncovered``. Building every row costs time on
        large inputs; the counts do not.
        """
        return self.reconciliation.uncovered_rows()

    @property
    def objective_columns(self) -> tuple[ObjectiveColumn, ...]:
        """The objective columns (one per objective of the tier), for bulk renderings."""
        return self._objective_columns

    @property
    def credit_columns(self) -> tuple[CreditColumn, ...]:
        """The credit columns (one per compensation rule of the tier)."""
        return self._credit_columns

    # --- renderings ------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-ready data (strings for exact numbers).

        Keys: ``agreement``, ``period``, ``compliant``, ``objectives`` (one row
        per objective and service), ``compensation`` (credit lines and totals),
        ``evidence``, ``reconciliation``, ``uncovered`` and ``notes``.

        Rows that can number in the millions are columns: a table is a dict of
        equal-length lists, one list per field, row ``i`` being the ``i``-th
        item of each. ``compensation["lines"]`` is the table of credit lines,
        the rows of ``compensation.lines`` in their order: ``service``,
        ``rule``, ``tier``, ``value`` (exact, ``"575/576"``) and ``percent``,
        ``band``, ``share``, ``base`` (the amount, ``"1000.00"``) and
        ``currency``, ``proration``, ``amount_exact``, ``note``, ``kind``,
        ``formula`` and ``period``; ``by_service`` gives each service's credit,
        rounded once. ``evidence`` holds one entry per measure: ``measure`` (its
        DSL call) and five tables, ``services`` (``service``,
        ``eligible_seconds``, ``down_seconds``, ``weighted_down_seconds``,
        ``excluded_by``: one row per service the measure covers, in the
        agreement's order), ``down``, ``excluded`` and ``outside_window``
        (``service``, ``start``, ``end``, ``seconds``: one row per span, service
        by service) and ``events`` (``service``, ``kind``, ``start``, ``end``,
        ``category``, ``reason``: the rows of each service's
        ``evidence(service).events``, service by service). Each group of
        ``uncovered`` lists its ``rows`` the same way (``row``, the row's
        facts; ``service``; ``reason``). Lengths of time are exact seconds
        (``"3/2"`` for a fraction) and instants ISO 8601 in UTC.
        """
        from slakit._results._render import report_to_dict

        return report_to_dict(self)

    def explain(self) -> str:
        """Return the report as text a customer can read and check by hand."""
        from slakit._results._render import explain

        return explain(self)

    def to_html(self) -> str:
        """Return the credit statement as one self-contained HTML page.

        The page holds everything: the summary (breaches first), the credit
        breakdown with each line's derivation and the rounding applied once,
        the exclusions applied and refused, the service hours and holidays,
        charts as inline SVG, the input reconciliation and an appendix with
        every counted and excluded span, in the agreement's zone and in UTC.
        The stylesheet is inline, nothing is fetched and no script runs;
        printing it from a browser gives a paginated A4 PDF.
        """
        from slakit._results._credit_statement import statement_blocks, statement_title
        from slakit._results._document import page

        return page(statement_blocks(self), statement_title(self))

    def to_markdown(self) -> str:
        """Return the credit statement as Markdown: what ``to_html()`` says, charts as text."""
        from slakit._results._credit_statement import statement_blocks
        from slakit._results._document import markdown

        return markdown(statement_blocks(self))

    def to_text(self) -> str:
        """Return the credit statement as plain text, with aligned tables and wrapped prose."""
        from slakit._results._credit_statement import statement_blocks
        from slakit._results._document import text

        return text(statement_blocks(self))

    def _breach_count(self) -> int:
        breached = VERDICTS.index(Verdict.BREACHED)
        return sum(int(np.count_nonzero(c.verdict == breached)) for c in self._objective_columns)

    def __repr__(self) -> str:
        return (
            f"<Report {self.agreement.title!r} {self.period.label}: "
            f"{len(self.services)} services, {self._breach_count()} breaches, credit {self.total}>"
        )
