"""Statements: an agreement evaluated over consecutive periods, carrying the credit history.

Some clauses look back: a cap per quarter or per rolling 12 months, an
escalation when the previous period was also breached, an earn-back over the
next periods, a chronic-breach flag. [`statement()`][slakit.statement] evaluates the periods
in order and hands each one the history of the ones before it, purely: the
same agreement, inputs and periods always give the same statement.

An amended agreement is evaluated under the version in force in each period;
a period an amendment splits, version by version over its parts (as
[`evaluate_versions()`][slakit.evaluate_versions] does), each part with the
history before the period, and the parts' states merged into one for the
periods after. Across an amendment the history is read by service name, and a
rule keeps its history only while its own terms are unchanged (see
``_credits._context``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from fractions import Fraction

import attrs

from slakit._dsl._agreement import Agreement
from slakit._dsl._compensation import CreditRule
from slakit._dsl._versions import Version
from slakit._engine._compare import (
    VersionedReport,
    credit_period,
    credited,
    part_report,
    version_parts,
    within_state,
)
from slakit._engine._credits._context import History, PeriodState, merged_period, rule_at
from slakit._engine._inputs import Inputs, as_inputs
from slakit._engine._plan import Plan, compile_agreement
from slakit._engine._uncovered import check_strict
from slakit._money import Money
from slakit._results._fingerprint import fingerprint
from slakit._results._report import Report
from slakit._results._schedule import rule_words
from slakit._results._values import CreditLine
from slakit._time._instant import format_us
from slakit._time._periods import Period
from slakit.exceptions import EvaluationError

__all__ = ["Statement", "statement"]


@attrs.frozen(eq=False)
class Statement:
    """The reports of consecutive periods, each evaluated with the history before it.

    Attributes:
        agreement: the agreement.
        reports: one result per period, in order: a [`Report`][slakit.Report], or for a
            period an amendment splits a [`VersionedReport`][slakit.VersionedReport]
            with a report per version in force.
        history: what the look-back clauses remember after the last period; pass it
            to a later [`statement()`][slakit.statement] to continue where this one stopped.
        notes: where an amendment restarted a clause's history (the clause changed)
            or added services that start with none, in order.
    """

    agreement: Agreement
    reports: tuple[Report | VersionedReport, ...]
    history: History
    notes: tuple[str, ...] = ()

    @property
    def periods(self) -> tuple[str, ...]:
        """The period labels, in order."""
        return tuple(r.period.label for r in self.reports)

    def __getitem__(self, label: str) -> Report | VersionedReport:
        for report in self.reports:
            if report.period.label == label:
                return report
        raise KeyError(f"{label!r} is not a period of this statement: {list(self.periods)}")

    @property
    def exact_total(self) -> Fraction:
        """The exact sum of every period's credit."""
        return sum((r.exact_total for r in self.reports), Fraction(0))

    @property
    def total(self) -> Money:
        """The sum of the periods' totals, each rounded once when its period was settled."""
        currency = self.agreement.tier.currency_code
        return sum((r.total for r in self.reports), Money(0, currency))

    @property
    def flags(self) -> tuple[CreditLine, ...]:
        """Every flag raised, period by period (chronic breaches, ...)."""
        return tuple(
            line
            for r in self.reports
            for line in (r.flags if isinstance(r, VersionedReport) else r.compensation.flags)
        )

    def explain(self) -> str:
        """Return one line per period and the total, then each period's credit lines."""
        out = [f"Statement: {self.agreement.title}, {len(self.reports)} periods"]
        for report in self.reports:
            if isinstance(report, VersionedReport):
                out.append(
                    f"{report.period.label}: {report.total} (versions {', '.join(report.versions)})"
                )
                for version, part in report.parts:
                    out.extend(
                        f"  {version.label}: {line.service}: {line.describe()}"
                        for line in part.compensation.lines
                    )
            else:
                out.append(f"{report.period.label}: {report.total}")
                out.extend(
                    f"  {line.service}: {line.describe()}" for line in report.compensation.lines
                )
        out.append(f"Total: {self.total} (each period rounded once)")
        out.extend(f"Note: {note}" for note in self.notes)
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

    An amended agreement is evaluated under the version in force. A period an
    amendment splits gives a [`VersionedReport`][slakit.VersionedReport]: each
    version over its part, fee pro-rated, as
    [`evaluate_versions()`][slakit.evaluate_versions] does, and each part's
    credits computed with the history before the period and what the parts
    before it in the period did: a cap (per period or over several) counts the
    credits the earlier parts paid, and a credit held from earlier that an
    earlier part released or forgave is not released again. The period then
    counts once for the periods after: per service, breached if breached in
    any part; credits paid and fees the sums over the parts; an earn-back
    credit held from earlier stays held only if no part released it, and the
    credits the parts held are held together.

    Across an amendment the history is read by service name: a service the
    new version adds starts with no history. A clause keeps its history only
    if the amendment left its own terms unchanged, at the same place in the
    compensation (a cap's limit and window, an escalation's condition; a
    change to the rules under it, such as the table a cap limits or the
    remedy an escalation pays, keeps it); otherwise its history restarts at
    the amendment, and the report of that period and ``Statement.notes`` say so.

    Args:
        agreement: the agreement, with its amendments if any.
        inputs: the events and other inputs (billing data, claims) for all periods.
        periods: labels or periods, consecutive and in order; or a range of labels
            written ``"2026-01..2026-12"`` (both ends included).
        history: the history left by an earlier statement, to continue from.
        strict: raise instead of reporting input that no measure counted (see
            [`evaluate()`][slakit.evaluate]).

    Examples:
        >>> import slakit as sla
        >>> up = sla.uptime()
        >>> capped = sla.cap(sla.credit_schedule(up, {"< 99%": "50%"}), at_most=sla.usd("2000"),
        ...                  per="quarter")
        >>> gold = sla.Tier("gold", fee=sla.usd("3100.00"), objectives=[up >= "99%"],
        ...                 compensation=capped)
        >>> a = sla.Agreement(provider="P", customer="C", services=["s"], tier=gold).amend(
        ...     "2026-11-11T00:00:00Z", title="price",
        ...     tier=gold.derive("gold", fee=sla.usd("6200.00")))
        >>> down = [sla.Outage("s", f"2026-{m}-20T00:00:00Z", f"2026-{m}-22T00:00:00Z")
        ...         for m in (10, 11)]
        >>> st = sla.statement(a, down, periods="2026-10..2026-11")
        >>> st["2026-11"].versions  # split on the 11th
        ('v1', 'v2 (price)')
        >>> [str(r.total) for r in st.reports]  # what October left of the quarter's 2,000.00
        ['1,550.00 USD', '450.00 USD']

    Raises:
        EvaluationError: the periods are not consecutive; a period ends before the
            agreement takes effect; a rule's state cannot be carried across an amendment.
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
    bundle = as_inputs(inputs)
    run = _Run(agreement, bundle, History() if history is None else history, strict)
    reports: list[Report | VersionedReport] = []
    previous: Period | None = run.history.periods[-1].period if run.history.periods else None
    for given in periods:
        period = agreement.period.resolve(given)
        if previous is not None and agreement.period.next(previous) != period:
            raise EvaluationError(
                f"statement periods must be consecutive: {period.label} does not follow "
                f"{previous.label}"
            )
        parts = version_parts(agreement, period)
        reports.append(run.period(period, parts) if len(parts) > 1 else run.whole(period, parts))
        previous = period
    return Statement(
        agreement=agreement, reports=tuple(reports), history=run.history, notes=tuple(run.notes)
    )


class _Run:
    """One statement's evaluation: the history so far, the plans and the notes."""

    def __init__(self, agreement: Agreement, inputs: Inputs, history: History, strict: bool):
        self.agreement = agreement
        self.inputs = inputs
        self.history = history
        self.strict = strict
        self.notes: list[str] = []
        self.plans: dict[int, Plan] = {}
        self.said: set[tuple[int, str]] = set()

    def whole(self, period: Period, parts: list[tuple[Version, int, int]]) -> Report:
        """Return the report of a period one version covers, with the history before it."""
        # no version in force: the first one's plan says why (it takes effect later)
        version = parts[0][0] if parts else self.agreement.versions()[0]
        plan = self.plans.get(version.number)
        if plan is None:
            plan = self.plans[version.number] = compile_agreement(version.agreement)
        report = plan.evaluate(self.inputs, period=period, strict=self.strict)
        history, said = self._carried(self.history, version)
        report, column = credited(report, period=report.period, inputs=self.inputs, history=history)
        if column is not None:
            terms = version.agreement
            history = history.then(
                period, column.state, services=terms.services, rule=terms.tier.compensation
            )
        self.history = history
        return _noted(report, said)

    def period(self, period: Period, parts: list[tuple[Version, int, int]]) -> VersionedReport:
        """Return the result of a period amendments split: each part with the history before."""
        before = self.history
        evaluated: list[tuple[Version, Report]] = []
        states: list[PeriodState] = []
        for k, (version, lo, hi) in enumerate(parts):
            report = part_report(version, lo, hi, period, self.inputs)
            before, said = self._carried(before, version)
            report, column = credited(
                report,
                period=credit_period(report, period),
                inputs=self.inputs,
                history=before,
                within=within_state(states, version.agreement),
                last_part=k == len(parts) - 1,
            )
            terms = version.agreement
            state = {} if column is None else column.state
            states.append(PeriodState(period, state, terms.services, terms.tier.compensation))
            evaluated.append((version, _noted(report, said)))
        merged, restarted = merged_period(states)
        for k, path in restarted:  # a rule changed within the period: its earlier parts drop
            version, report = evaluated[k]
            note = self._restart(version, path, states[k - 1].rule, states[k].rule)
            if note is not None:
                evaluated[k] = (version, _noted(report, [note]))
        self.history = History((*before.periods, merged))
        result = VersionedReport(
            agreement=self.agreement,
            period=period,
            parts=tuple(evaluated),
            fingerprint=functools.partial(fingerprint, self.agreement, period, self.inputs.tables),
        )
        if self.strict:
            check_strict(result.uncovered)
        return result

    def _carried(self, history: History, version: Version) -> tuple[History, list[str]]:
        """Return ``history`` as ``version`` reads it, and notes on what it dropped."""
        terms = version.agreement
        carried = history.realigned(terms.services, terms.tier.compensation)
        said = []
        for path in carried.restarted:
            was = next((p.rule for p in reversed(history.periods) if path in p.nodes), None)
            note = self._restart(version, path, was, terms.tier.compensation)
            if note is not None:
                said.append(note)
        if carried.new:
            names = ", ".join(repr(name) for name in carried.new)
            note = (
                f"{_when(version)} adds {names}: the clauses that look back at earlier periods "
                "start with no history for the services it adds."
            )
            if (version.number, note) not in self.said:
                self.said.add((version.number, note))
                self.notes.append(note)
                said.append(note)
        return carried.value, said

    def _restart(
        self, version: Version, path: str, was: CreditRule | None, now: CreditRule | None
    ) -> str | None:
        """Return the note that a clause's history restarts at ``version`` (once per clause)."""
        if (version.number, path) in self.said:
            return None
        self.said.add((version.number, path))
        clause = rule_at(was, path)
        words = "a clause" if clause is None else rule_words(clause)
        where = f"{words!r} (rule {path} of the compensation)"
        if rule_at(now, path) is None:
            note = f"{_when(version)} removes the clause {where}: its history ends there."
        else:
            note = (
                f"{_when(version)} changes the clause {where}: its history restarts at the "
                "amendment, and the periods before no longer count for it."
            )
        self.notes.append(note)
        return note


def _when(version: Version) -> str:
    """Return ``'v2 (price), in force from T'``."""
    start = "" if version.start is None else f", in force from {format_us(version.start)},"
    return f"{version.label}{start}"


def _noted(report: Report, notes: Sequence[str]) -> Report:
    """Return ``report`` with ``notes`` added."""
    return report.with_notes(notes) if notes else report


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
