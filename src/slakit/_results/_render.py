"""Renderings of a report: plain JSON-ready data, and text a customer can check."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from slakit._ratio import format_percent
from slakit._results._evidence import MeasureEvidence
from slakit._results._uncovered import UncoveredGroup, noun
from slakit._results._values import CreditLine, ObjectiveResult, fraction_text
from slakit._time._instant import describe_us, format_us
from slakit._time._timeline import Timeline

if TYPE_CHECKING:
    from slakit._results._report import Report

__all__ = ["explain", "report_to_dict", "uncovered_lines", "uncovered_to_dict"]


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


def _percent(value: Fraction | Decimal | None) -> str | None:
    return None if value is None else format_percent(value)


def _spans(timeline: Timeline) -> list[dict[str, Any]]:
    return [
        {
            "start": format_us(s.start),
            "end": format_us(s.end),
            "seconds": str(Fraction(s.end - s.start, 1_000_000)),
        }
        for s in timeline
    ]


def _objective(result: ObjectiveResult) -> dict[str, Any]:
    return {
        "service": result.service,
        "objective": result.objective.describe(),
        "value": _exact(result.value),
        "percent": _percent(result.value),
        "target": format_percent(result.target),
        "verdict": result.verdict.value,
        "margin_points": None if result.margin_points is None else str(result.margin_points),
        "margin": result.margin_shown,
        "resolved_by": result.resolved_by,
    }


def _credit(line: CreditLine) -> dict[str, Any]:
    return {
        "service": line.service,
        "rule": line.rule,
        "tier": line.tier,
        "value": _exact(line.value),
        "percent": _percent(line.value),
        "band": None if line.band is None else line.band.interval(),
        "share": format_percent(line.share),
        "base": {"amount": str(line.base.amount), "currency": line.base.currency},
        "proration": str(line.proration),
        "amount_exact": str(line.amount),
        "note": line.note,
        "kind": line.kind,
        "formula": line.formula,
        "period": line.period,
    }


def _evidence(ev: MeasureEvidence) -> dict[str, Any]:
    return {
        "service": ev.service,
        "measure": repr(ev.measure),
        "eligible_seconds": str(Fraction(ev.eligible_us, 1_000_000)),
        "down_seconds": str(Fraction(ev.down_us, 1_000_000)),
        "weighted_down_seconds": (
            None if ev.weighted_down is None else str(ev.weighted_down / 1_000_000)
        ),
        "down": _spans(ev.down),
        "excluded": _spans(ev.excluded),
        "excluded_by": ev.excluded_by,
        "outside_window": _spans(ev.outside_window),
        "events": [
            {
                "kind": n.kind,
                "start": format_us(n.start),
                "end": format_us(n.end),
                "category": n.category,
                "reason": n.reason,
            }
            for n in ev.events
        ],
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    """Return the report as plain data: strings, lists and dicts only."""
    comp = report.compensation
    agreement = report.agreement
    return {
        "agreement": {
            "title": agreement.title,
            "provider": agreement.provider,
            "customer": agreement.customer,
            "tier": agreement.tier.name,
            "services": list(agreement.services),
        },
        "period": {
            "label": report.period.label,
            "tz": report.period.tz,
            "start": format_us(report.period.start),
            "end": format_us(report.period.end),
            "evaluated_from": format_us(report.start),
        },
        "compliant": report.compliant,
        "objectives": [_objective(r) for r in report.objectives],
        "compensation": {
            "lines": [_credit(line) for line in comp.lines],
            "total_exact": str(comp.exact_total),
            "total": {"amount": str(comp.total.amount), "currency": comp.total.currency},
            "rounding": comp.rounding.mode,
            "rounding_point": str(comp.rounding.to),
            "by_service": {
                service: {"amount": str(m.amount), "currency": m.currency}
                for service, m in comp.by_service().items()
            },
        },
        "evidence": [
            _evidence(outcome.evidence_of(i))
            for outcome in report.outcomes
            for i in range(len(outcome.services))
        ],
        "reconciliation": {
            "events": report.reconciliation.total,
            "rows": dict(report.reconciliation.rows),
            "by_measure": {k: dict(v) for k, v in report.reconciliation.by_measure.items()},
            "reasons": {k: dict(v) for k, v in report.reconciliation.reasons.items()},
            "read": dict(report.reconciliation.read),
        },
        "uncovered": [uncovered_to_dict(group) for group in report.reconciliation.uncovered],
        "notes": list(report.notes),
    }


def uncovered_to_dict(group: UncoveredGroup) -> dict[str, Any]:
    """Return one group of input that no measure counted, with every one of its rows."""
    rows = group.rows()
    return {
        "category": group.category,
        "reason": group.reason,
        "input": group.table,
        "service": group.service,
        "suggestions": list(group.suggestions),
        "count": group.count,
        "rows": [{"row": row.facts, "service": row.service, "reason": row.reason} for row in rows],
    }


#: How many rows of each group of uncounted input the text lists (the rest are counted).
ROWS_SHOWN = 10


def uncovered_lines(groups: tuple[UncoveredGroup, ...]) -> list[str]:
    """Return the input no measure counted as text: by reason, then service, rows under each."""
    if not groups:
        return []
    count = sum(g.count for g in groups)
    rows = f"{count:,} row{'s' if count != 1 else ''}"
    many = f"{len(groups)} group{'s' if len(groups) != 1 else ''}"
    where = "every row is in report.uncovered() and in to_dict()['uncovered']"
    out = [f"Input not counted: {rows} in {many} ({where}):"]
    reason = None
    for group in groups:
        if group.reason != reason:
            reason = group.reason
            out.append(f"  {reason}:")
        hint = group.did_you_mean()
        head = noun(group.table, group.count)
        if group.service is not None:
            head = f"service {group.service!r}: {head}"
        out.append(f"    {head}" + (f"; {hint}" if hint else ""))
        for row in group.rows(ROWS_SHOWN):
            if group.service is None and row.service is not None:
                out.append(f"      {row.facts} (service {row.service!r}): {row.reason}")
            else:
                out.append(f"      {row.facts}")
        if group.count > ROWS_SHOWN:
            out.append(
                f"      ... and {group.count - ROWS_SHOWN:,} more; report.uncovered() lists "
                "every row"
            )
    return out


def explain(report: Report) -> str:
    """Return the report as plain text, every number traced to its clause and events."""
    agreement = report.agreement
    tier = agreement.tier
    period = report.period
    out = [
        f"Service level report: {agreement.title}",
        (
            f"Provider {agreement.provider}; customer {agreement.customer}; tier {tier.name}, "
            f"fee {tier.fee} per service per period"
            + (
                ""
                if not agreement.fees
                else " (own fees: " + ", ".join(f"{s} {f}" for s, f in agreement.fees) + ")"
            )
        ),
        (
            f"Period {period.label} in {period.tz}: {period.local_start().isoformat()} to "
            f"{period.local_end().isoformat()} ({describe_us(period.length_us)})"
        ),
    ]
    out.extend(f"Note: {note}" for note in report.notes)
    lines_by_service: dict[str, list[CreditLine]] = {}
    for line in report.compensation.lines:
        lines_by_service.setdefault(line.service, []).append(line)
    for service in report.services:
        sr = report.service(service)
        out.append("")
        out.append(f"Service {service}")
        for result in sr.objectives:
            verdict = result.verdict.value.upper()
            if result.value is None:
                resolved = f", resolved as {result.resolved_by}" if result.resolved_by else ""
                out.append(
                    f"  {result.objective.describe()}: {verdict} (no eligible time{resolved})"
                )
            else:
                shown = result.shown
                if "(exact " not in shown:
                    shown += f" (exact {result.value})"
                out.append(
                    f"  {result.objective.describe()}: {verdict}, measured "
                    f"{shown}, margin {result.margin_shown}"
                )
        for ev in sr.evidence:
            out.extend(ev.explain_lines())
        out.extend(f"  credit: {line.describe()}" for line in lines_by_service.get(service, []))
        if service not in lines_by_service:
            out.append("  credit: none")
    comp = report.compensation
    out.append("")
    exact = fraction_text(comp.exact_total).removesuffix(" (exact)")
    out.append(
        f"Total credit: {comp.total} (exact {exact}, rounded once, {comp.rounding.describe()})"
    )
    rec = report.reconciliation
    out.append("Input: " + "; ".join(f"{noun(kind, n)} read" for kind, n in rec.read.items()))
    for measure, cats in rec.by_measure.items():
        out.append(
            f"Events in {measure}: {rec.rows.get(measure, rec.total)} read; "
            f"{cats['counted']} counted, "
            f"{cats['excluded']} excluded by a clause, {cats['ignored']} ignored"
        )
    out.extend(uncovered_lines(rec.uncovered))
    return "\n".join(out)
