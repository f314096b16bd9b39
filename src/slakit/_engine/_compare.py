"""What-if: several agreements (or tiers) over the same history, period by period; and versions.

[`evaluate_versions()`][slakit.evaluate_versions] evaluates an amended agreement over one period:
each
version over the part of the period it was in force, with the fee pro-rated to
that part, and the parts added up. [`compare()`][slakit.compare] runs several agreements
over the same inputs for a range of periods and tabulates, per period, the
credits each would have paid, the breaches, and the margin to each target.
Both are built on [`evaluate()`][slakit.evaluate] and are as pure as it is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs

from slakit._dsl._agreement import Agreement, Tier
from slakit._dsl._versions import Version
from slakit._engine._credits._context import (
    CreditContext,
    History,
    PeriodState,
    compensation_column,
    merged_period,
)
from slakit._engine._inputs import Inputs, as_inputs
from slakit._engine._plan import evaluate
from slakit._engine._uncovered import check_strict, common_groups
from slakit._money import Money
from slakit._results._fingerprint import fingerprint
from slakit._results._render import uncovered_lines, uncovered_to_dict
from slakit._results._report import CreditColumn, Report
from slakit._results._uncovered import UncoveredGroup
from slakit._results._values import CreditLine
from slakit._time._instant import format_us
from slakit._time._periods import Period
from slakit.exceptions import DefinitionError, EvaluationError

__all__ = [
    "Comparison",
    "ComparisonRow",
    "VersionedReport",
    "compare",
    "credit_period",
    "credited",
    "evaluate_versions",
    "part_report",
    "version_parts",
    "within_state",
]


@attrs.frozen
class VersionedReport:
    """An amended agreement's result for one period: one report per version in force.

    Attributes:
        agreement: the agreement, with its amendments.
        period: the period evaluated.
        parts: each version in force during the period, with its report over
            the part of the period it covered (its fee pro-rated to that part).
    """

    agreement: Agreement
    period: Period
    parts: tuple[tuple[Version, Report], ...]
    _fingerprint: Callable[[], str] | None = attrs.field(
        default=None, eq=False, repr=False, alias="fingerprint"
    )

    @functools.cached_property
    def fingerprint(self) -> str | None:
        """The fingerprint of the evaluation, as `slakit verify` recomputes it.

        A SHA-256 over the agreement with its amendments, the period and every
        input row read (see [`Report.fingerprint`][slakit.Report.fingerprint]).
        ``None`` when the result was put together by hand.
        """
        return None if self._fingerprint is None else self._fingerprint()

    @property
    def versions(self) -> tuple[str, ...]:
        """The labels of the versions used, in order, such as ``('v1', 'v2 (price review)')``."""
        return tuple(version.label for version, _ in self.parts)

    @property
    def exact_total(self) -> Fraction:
        """The exact sum of every part's credits, before rounding."""
        return sum((r.compensation.exact_total for _, r in self.parts), Fraction(0))

    @property
    def total(self) -> Money:
        """The credits of every part, added exactly and rounded once with the latest rounding."""
        version, report = self.parts[-1]
        return version.agreement.rounding.apply(
            self.exact_total, report.agreement.tier.currency_code
        )

    @property
    def flags(self) -> tuple[CreditLine, ...]:
        """Every flag raised in the period (chronic breaches, ...), once each.

        Each part judges the period's history itself, so two parts may raise the
        same flag (same service, rule and words): it is the period's, listed once.
        """
        seen: dict[tuple[str, str, str | None], CreditLine] = {}
        for _, report in self.parts:
            for line in report.compensation.flags:
                seen.setdefault((line.service, line.rule, line.note), line)
        return tuple(seen.values())

    @property
    def notes(self) -> tuple[str, ...]:
        """Every part's notes, in order (a partial first period, a history restarted, ...)."""
        return tuple(note for _, r in self.parts for note in r.notes)

    @property
    def breaches(self) -> tuple[Any, ...]:
        """Every breached objective of every part."""
        return tuple(b for _, r in self.parts for b in r.breaches)

    @property
    def compliant(self) -> bool:
        """Whether every part met every objective."""
        return all(r.compliant for _, r in self.parts)

    @property
    def uncovered(self) -> tuple[UncoveredGroup, ...]:
        """The input no version in force counted (rows one version covers are counted)."""
        return common_groups(r.reconciliation.uncovered for _, r in self.parts)

    def explain(self) -> str:
        """Return each version's statement in turn, then the total."""
        chunks = []
        for version, report in self.parts:
            span = f"{format_us(report.start)} to {format_us(report.end)}"
            chunks.append(f"=== {version.label}: {span} ===\n{report.explain()}")
        chunks.append(
            f"Total for {self.period.label} over versions {', '.join(self.versions)}: {self.total}"
        )
        common = uncovered_lines(self.uncovered)
        if common:
            common[0] = common[0].replace("Input not counted", "Input no version counted", 1)
            chunks.append("\n".join(common))
        return "\n\n".join(chunks)

    def to_html(self) -> str:
        """Return the credit statement as one self-contained HTML page, version by version."""
        from slakit._results._credit_statement import versioned_blocks, versioned_title
        from slakit._results._document import page

        return page(versioned_blocks(self), versioned_title(self))

    def to_markdown(self) -> str:
        """Return the credit statement as Markdown, version by version."""
        from slakit._results._credit_statement import versioned_blocks
        from slakit._results._document import markdown

        return markdown(versioned_blocks(self))

    def to_text(self) -> str:
        """Return the credit statement as plain text, version by version."""
        from slakit._results._credit_statement import versioned_blocks
        from slakit._results._document import text

        return text(versioned_blocks(self))

    def to_dict(self) -> dict[str, Any]:
        """Return the parts' reports as plain data, with the versions used and the total."""
        return {
            "period": self.period.label,
            "versions": list(self.versions),
            "parts": [{"version": v.label, "report": r.to_dict()} for v, r in self.parts],
            "total": {"amount": str(self.total.amount), "currency": self.total.currency},
            "uncovered": [uncovered_to_dict(group) for group in self.uncovered],
        }


def evaluate_versions(
    agreement: Agreement, *inputs: object, period: Period | str, strict: bool = False
) -> VersionedReport:
    """Evaluate an agreement with amendments over one period, each version over its part.

    The period is split at each amendment's effective instant; each part is
    measured on its own, with the terms of the version in force, and its fee
    is pro-rated to the part's share of the period (as for a partial first
    period). Buckets of a measure with a granularity are aligned to the end of
    each part's period-length window, so an amendment at a bucket boundary
    keeps every bucket whole; credit rules that read the calendar (a cap per
    quarter, units counted from the period's start) read the period itself, up
    to the part's end, and each part's caps count what the parts before it paid
    (a cap of 1,000 per period pays 1,000 in all, not per part); a held credit
    one part released is not released again. Evaluated alone, the period has
    no history: clauses that
    look back at earlier periods see them in [`statement()`][slakit.statement],
    which evaluates a split period this way, with the history before it.

    Examples:
        >>> import slakit as sla
        >>> gold = sla.Tier("gold", fee=sla.usd("3100.00"), objectives=[sla.uptime() >= "99%"],
        ...     compensation=sla.credit_schedule(sla.uptime(), {"< 99%": "10%"}))
        >>> a = sla.Agreement(provider="P", customer="C", services=["s"], tier=gold).amend(
        ...     "2026-10-11T00:00:00Z", title="price review",
        ...     tier=gold.derive("gold", fee=sla.usd("6200.00")))
        >>> down = [sla.Outage("s", "2026-10-20T00:00:00Z", "2026-10-21T00:00:00Z")]
        >>> result = evaluate_versions(a, down, period="2026-10")
        >>> result.versions, result.total
        (('v1', 'v2 (price review)'), Money('420.00', 'USD'))

    Raises:
        StrictInputError: with ``strict``, some input was counted by no version in
            force (see [`VersionedReport.uncovered`][slakit.VersionedReport.uncovered]).
    """
    resolved = agreement.period.resolve(period)
    bundle = as_inputs(inputs)
    parts = []
    states: list[PeriodState] = []
    in_force = version_parts(agreement, resolved)
    for k, (version, lo, hi) in enumerate(in_force):
        report = part_report(version, lo, hi, resolved, bundle)
        if report.period.start != resolved.start or len(in_force) > 1:  # cut at the part
            report, column = credited(
                report,
                period=credit_period(report, resolved),
                inputs=bundle,
                within=within_state(states, version.agreement),
                last_part=k == len(in_force) - 1,
            )
        else:
            column = report.credit_columns[0] if report.credit_columns else None
        terms = version.agreement
        state = {} if column is None else column.state
        states.append(PeriodState(resolved, state, terms.services, terms.tier.compensation))
        parts.append((version, report))
    if not parts:
        raise EvaluationError(f"no version of the agreement is in force in period {resolved.label}")
    result = VersionedReport(
        agreement=agreement,
        period=resolved,
        parts=tuple(parts),
        fingerprint=lambda: fingerprint(agreement, resolved, bundle.tables),
    )
    if strict:
        check_strict(result.uncovered)
    return result


def version_parts(agreement: Agreement, period: Period) -> list[tuple[Version, int, int]]:
    """Return each version in force during ``period``, with the part ``[lo, hi)`` it covers."""
    parts = []
    for version in agreement.versions():
        lo = period.start if version.start is None else max(period.start, version.start)
        hi = period.end if version.end is None else min(period.end, version.end)
        if hi > lo:
            parts.append((version, lo, hi))
    return parts


def part_report(version: Version, lo: int, hi: int, period: Period, inputs: Inputs) -> Report:
    """Return ``version`` evaluated over its part ``[lo, hi)`` of ``period``, fee pro-rated.

    The part is measured in the period-length window that ends where the part
    ends, so buckets of a measure with a granularity stay whole at an
    amendment on a bucket boundary.
    """
    length = period.end - period.start
    window = Period(hi - length, hi, period.label, period.tz)
    return evaluate(attrs.evolve(version.agreement, effective=lo), inputs, period=window)


def within_state(parts: Sequence[PeriodState], terms: Agreement) -> PeriodState | None:
    """Return the parts' merged state as ``terms`` read it (``None`` before the first part).

    What the earlier parts of a period an amendment splits paid, for the next
    part's caps (see ``merged_period``); a rule the amendment changed keeps
    none of it.
    """
    if not parts:
        return None
    merged, _ = merged_period(parts)
    return merged.realigned(terms.services, terms.tier.compensation).value


def credit_period(report: Report, period: Period) -> Period:
    """Return the period as the credit rules of a part read it: from its start to the part's end.

    A rule that looks at the calendar (a cap per quarter, units counted from
    the period's start) sees the period itself, not the part's measuring window.
    """
    return Period(period.start, report.end, period.label, period.tz)


def credited(
    report: Report,
    *,
    period: Period,
    inputs: Inputs,
    history: History | None = None,
    within: PeriodState | None = None,
    last_part: bool = True,
) -> tuple[Report, CreditColumn | None]:
    """Return ``report`` with its compensation computed over ``period`` with ``history``.

    ``within`` is, for a part of a split period after the first, the merged
    state of the parts before it (see ``within_state()``): a cap counts what
    they paid. Also returns the compensation's column (its ``state`` is what
    the period leaves for the next ones), or ``None`` when the terms have no
    compensation.
    """
    terms = report.agreement
    rule = terms.tier.compensation
    if rule is None:
        return report, None
    ctx = CreditContext(
        agreement=terms,
        period=period,
        start=report.start,
        proration=report.partial,
        services=terms.services,
        outcomes={o.measure: o for o in report.outcomes},
        inputs=inputs,
        history=History() if history is None else history,
        within=within,
        last_part=last_part,
    )
    column = compensation_column(rule, ctx)
    return report.with_credits((column,)), column


def _evaluate(
    agreement: Agreement, inputs: Sequence[object], period: str, *, strict: bool = False
) -> Report | VersionedReport:
    if agreement.amendments:
        return evaluate_versions(agreement, *inputs, period=period, strict=strict)
    return evaluate(agreement, *inputs, period=period, strict=strict)


def uncovered_of(report: Report | VersionedReport) -> tuple[UncoveredGroup, ...]:
    """Return the input no measure counted in ``report`` (of every version, if amended)."""
    if isinstance(report, VersionedReport):
        return report.uncovered
    return report.reconciliation.uncovered


@attrs.frozen
class ComparisonRow:
    """One agreement's result in one period.

    Attributes:
        name: the agreement's name in the comparison.
        period: the period's label.
        credits: the credits it would have paid.
        breaches: how many (objective, service) pairs were breached.
        margins: for each objective, the smallest margin to its target over the
            services (negative when missed; ``None`` with no data), in the
            measure's units (ratios for percentages).
        versions: the versions used (one for an agreement without amendments).
    """

    name: str
    period: str
    credits: Money
    breaches: int
    margins: tuple[tuple[str, Fraction | None], ...]
    versions: tuple[str, ...] = ("v1",)


def _margins(report: Report | VersionedReport) -> tuple[tuple[str, Fraction | None], ...]:
    reports = [r for _, r in report.parts] if isinstance(report, VersionedReport) else [report]
    worst: dict[str, Fraction | None] = {}
    for part in reports:
        for result in part.objectives:
            key = result.objective.describe()
            margin = None if result.value is None else result.objective.margin(result.value)
            if key not in worst:
                worst[key] = margin
            elif margin is not None:
                current = worst[key]
                worst[key] = margin if current is None else min(current, margin)
    return tuple(worst.items())


@attrs.frozen
class Comparison:
    """Several agreements over the same inputs, period by period. See ``compare()``."""

    names: tuple[str, ...]
    periods: tuple[str, ...]
    rows: tuple[ComparisonRow, ...]
    #: The input some agreement did not count, per agreement name (each group once).
    uncovered: tuple[tuple[str, tuple[UncoveredGroup, ...]], ...] = attrs.field(
        default=(), eq=False
    )

    def row(self, name: str, period: str) -> ComparisonRow:
        """Return the row of agreement ``name`` in ``period``."""
        for row in self.rows:
            if row.name == name and row.period == period:
                return row
        raise KeyError(f"no row for {name!r} in {period!r}")

    def total(self, name: str) -> Money:
        """Return the credits agreement ``name`` would have paid over every period."""
        rows = [r.credits for r in self.rows if r.name == name]
        if not rows:
            raise KeyError(f"{name!r} is not one of {list(self.names)}")
        out = rows[0]
        for amount in rows[1:]:
            out = out + amount
        return out

    def to_markdown(self) -> str:
        """Return the credits and breaches per period as a Markdown table, with totals."""
        header = "| period | " + " | ".join(f"{n} credits | {n} breaches" for n in self.names)
        lines = [header + " |", "| --- |" + " --- | --- |" * len(self.names)]
        for period in self.periods:
            cells: list[str] = []
            for name in self.names:
                row = self.row(name, period)
                cells.extend((str(row.credits), str(row.breaches)))
            lines.append(f"| {period} | " + " | ".join(cells) + " |")
        totals: list[str] = []
        for name in self.names:
            breaches = sum(r.breaches for r in self.rows if r.name == name)
            totals.extend((f"**{self.total(name)}**", f"**{breaches}**"))
        lines.append("| total | " + " | ".join(totals) + " |")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as plain data (exact numbers as strings)."""
        return {
            "names": list(self.names),
            "periods": list(self.periods),
            "rows": [
                {
                    "name": r.name,
                    "period": r.period,
                    "credits": {"amount": str(r.credits.amount), "currency": r.credits.currency},
                    "breaches": r.breaches,
                    "margins": {k: None if m is None else str(m) for k, m in r.margins},
                    "versions": list(r.versions),
                }
                for r in self.rows
            ],
            "totals": {
                n: {"amount": str(self.total(n).amount), "currency": self.total(n).currency}
                for n in self.names
            },
            "uncovered": {n: [uncovered_to_dict(g) for g in gs] for n, gs in self.uncovered},
        }


def _named(
    agreements: Mapping[str, Agreement | Tier] | Sequence[Agreement | Tier],
    base: Agreement | None,
) -> dict[str, Agreement]:
    items = (
        list(agreements.items())
        if isinstance(agreements, Mapping)
        else [(None, a) for a in agreements]
    )
    out: dict[str, Agreement] = {}
    for name, item in items:
        if isinstance(item, Tier):
            if base is None:
                raise DefinitionError(
                    f"compare: tier {item.name!r} needs an agreement to apply it to; pass "
                    "agreement=..."
                )
            terms = attrs.evolve(base, tier=item, amendments=())
            label = name or item.name
        elif isinstance(item, Agreement):
            terms = item
            label = name or item.name or item.tier.name
        else:
            raise DefinitionError(f"compare: {item!r} is neither an agreement nor a tier")
        if label in out:
            raise DefinitionError(f"compare: two agreements are named {label!r}; pass a mapping")
        out[label] = terms
    if not out:
        raise DefinitionError("compare: give at least one agreement or tier")
    return out


def _labels(agreement: Agreement, start: str, end: str) -> list[str]:
    rule = agreement.period
    first, last = rule.period(start), rule.period(end)
    if last.start < first.start:
        raise DefinitionError(f"compare: the last period {end!r} comes before the first {start!r}")
    labels = []
    current = first
    while current.start <= last.start:
        labels.append(current.label)
        current = rule.next(current)
    return labels


def compare(
    agreements: Mapping[str, Agreement | Tier] | Sequence[Agreement | Tier],
    *inputs: object,
    start: str,
    end: str,
    agreement: Agreement | None = None,
    strict: bool = False,
) -> Comparison:
    """Evaluate several agreements (or tiers) over the same inputs, period by period.

    Args:
        agreements: the agreements to compare, by name (a mapping) or named by
            their ``name`` or tier name (a sequence). A [`Tier`][slakit.Tier]
            is applied to ``agreement`` in place of its tier.
        inputs: the events and other inputs, as for [`evaluate()`][slakit.evaluate].
        start: the first period's label, such as ``"2026-01"``.
        end: the last period's label (included), such as ``"2026-12"``.
        agreement: the agreement that tiers are applied to.
        strict: raise [`StrictInputError`][slakit.exceptions.StrictInputError] when some
            agreement does not count some input (see [`evaluate()`][slakit.evaluate]);
            otherwise ``Comparison.uncovered`` lists it.

    Periods are those of the first agreement; every agreement must name them
    the same way (the same kind of period). An agreement with amendments is
    evaluated version by version ([`evaluate_versions()`][slakit.evaluate_versions]).
    """
    named = _named(agreements, agreement)
    labels = _labels(next(iter(named.values())), start, end)
    rows = []
    uncovered: dict[str, dict[tuple[str, str, str, str], UncoveredGroup]] = {n: {} for n in named}
    for label in labels:
        for name, item in named.items():
            report = _evaluate(item, inputs, label, strict=strict)
            for group in uncovered_of(report):
                uncovered[name].setdefault(group.key, group)
            versions = report.versions if isinstance(report, VersionedReport) else ("v1",)
            rows.append(
                ComparisonRow(
                    name=name,
                    period=label,
                    credits=report.total,
                    breaches=len(report.breaches),
                    margins=_margins(report),
                    versions=versions,
                )
            )
    return Comparison(
        names=tuple(named),
        periods=tuple(labels),
        rows=tuple(rows),
        uncovered=tuple((n, tuple(g.values())) for n, g in uncovered.items() if g),
    )


def periods_between(agreement: Agreement, start: str, end: str) -> list[str]:
    """Return the labels of the agreement's periods from ``start`` to ``end``, both included."""
    return _labels(agreement, start, end)
