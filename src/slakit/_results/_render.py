"""Renderings of a report: plain JSON-ready data, and text a customer can check."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from slakit._dsl._compensation import Band
from slakit._dsl._objectives import Objective
from slakit._ratio import format_percent, percent_of
from slakit._results._evidence import MeasureEvidence
from slakit._results._uncovered import UncoveredGroup, noun
from slakit._results._values import CreditLine, ObjectiveResult, fraction_text
from slakit._time._instant import MAX_INSTANT_US, MIN_INSTANT_US, describe_us, format_us
from slakit._time._timeline import Timeline

if TYPE_CHECKING:
    from slakit._results._report import ObjectiveColumn, Report

__all__ = ["explain", "report_to_dict", "uncovered_lines", "uncovered_to_dict"]


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


#: What an objective's row says about one exact value: value, percent, margin points, margin.
_ValueTexts = tuple[str | None, str | None, str | None, str | None]
_NO_VALUE: _ValueTexts = (None, None, None, None)


class _Texts:
    """The texts of one rendering, each worked out once per distinct value.

    A report over many services repeats a few values (a share, a band, a
    base fee, an uptime many services share): the texts are kept here, by
    value, for the length of one ``to_dict()`` call, and are the same strings
    the per-object renderings give.
    """

    def __init__(self) -> None:
        self.percents: dict[tuple[type, Fraction | Decimal], str] = {}
        self.bands: dict[int, tuple[Band, str]] = {}

    def objective_rows(self, column: ObjectiveColumn) -> list[dict[str, Any]]:
        """Return one objective's rows, one per service, from the outcome's integer columns."""
        from slakit._results._report import VERDICTS

        objective = column.objective
        outcome = column.outcome
        described = objective.describe()
        target = format_percent(objective.target)
        verdicts = [v.value for v in VERDICTS]
        resolved = column.resolved_by
        values: dict[tuple[int, int], _ValueTexts] = {}
        rows = []
        for service, good, total, code in zip(
            outcome.services,
            outcome.good.tolist(),
            outcome.total.tolist(),
            column.verdict.tolist(),
            strict=True,
        ):
            key = (good, total)
            texts = values.get(key)
            if texts is None:
                texts = values[key] = _value_texts(objective, good, total)
            value, percent, points, margin = texts
            rows.append(
                {
                    "service": service,
                    "objective": described,
                    "value": value,
                    "percent": percent,
                    "target": target,
                    "verdict": verdicts[code],
                    "margin_points": points,
                    "margin": margin,
                    "resolved_by": resolved if total == 0 else None,
                }
            )
        return rows

    def percent(self, value: Fraction | Decimal | None) -> str | None:
        """Return ``format_percent(value)``, once per distinct value."""
        if value is None:
            return None
        key = (type(value), value)
        text = self.percents.get(key)
        if text is None:
            text = self.percents[key] = format_percent(value)
        return text

    def band(self, band: Band | None) -> str | None:
        """Return ``band.interval()``, once per band."""
        if band is None:
            return None
        found = self.bands.get(id(band))
        if found is None or found[0] is not band:
            found = self.bands[id(band)] = (band, band.interval())
        return found[1]

    def credit(self, line: CreditLine) -> dict[str, Any]:
        """Return one credit line as plain data."""
        value = line.value
        return {
            "service": line.service,
            "rule": line.rule,
            "tier": line.tier,
            "value": _exact(value),
            "percent": self.percent(value),
            "band": self.band(line.band),
            "share": self.percent(line.share),
            "base": {"amount": str(line.base.amount), "currency": line.base.currency},
            "proration": str(line.proration),
            "amount_exact": str(line.amount),
            "note": line.note,
            "kind": line.kind,
            "formula": line.formula,
            "period": line.period,
        }


def _value_texts(objective: Objective, good: int, total: int) -> _ValueTexts:
    """Return the texts of an objective's exact value ``good / total`` (``None`` for no data).

    The same strings as ``ObjectiveResult``'s ``value``, ``percent``,
    ``margin_points`` and ``margin_shown`` give, without building the result.
    """
    if total == 0:
        return _NO_VALUE
    value = Fraction(good, total)
    margin = objective.margin(value)
    return (
        str(value),
        format_percent(value),
        str(percent_of(margin)),
        objective.measure.format_margin(margin),
    )


def instants_text(values: npt.NDArray[np.int64]) -> list[str]:
    """Return ``format_us()`` of every instant, formatted by numpy in one pass.

    Instants outside the supported range (which only a message about them can
    hold) are written by ``format_us()`` itself, so the texts are always the same.
    """
    if not values.size:
        return []
    inside = (values >= MIN_INSTANT_US) & (values <= MAX_INSTANT_US)
    stamps = np.where(inside, values, 0).astype("datetime64[us]")
    # "YYYY-MM-DDTHH:MM:SS.ffffff": the fraction is dropped when it is zero, as isoformat() does
    text: list[str] = [
        f"{t[:19]}Z" if whole else f"{t}Z"
        for t, whole in zip(
            np.datetime_as_string(stamps, unit="us").tolist(),
            (values % 1_000_000 == 0).tolist(),
            strict=True,
        )
    ]
    if not bool(inside.all()):
        for i in np.flatnonzero(~inside).tolist():
            text[i] = format_us(int(values[i]))
    return text


def _evidence_rows(evidence: list[MeasureEvidence]) -> list[dict[str, Any]]:
    """Return the evidence as plain data, every instant of it formatted in one pass.

    The rows are those ``to_dict()`` gives for each evidence object; instants
    are gathered first (spans, then events, evidence by evidence), formatted
    together, and read back in the same order.
    """
    flat: list[int] = []
    for ev in evidence:
        for timeline in (ev.down, ev.excluded, ev.outside_window):
            flat.extend(timeline.starts.tolist())
            flat.extend(timeline.ends.tolist())
        for note in ev.events:
            flat.append(note.start)
            flat.append(note.end)
    texts = iter(instants_text(np.asarray(flat, dtype=np.int64)))
    seconds: dict[int, str] = {}
    reprs: dict[int, tuple[object, str]] = {}

    def spans(timeline: Timeline) -> list[dict[str, Any]]:
        n = len(timeline)
        starts = [next(texts) for _ in range(n)]
        ends = [next(texts) for _ in range(n)]
        out = []
        for start, end, length in zip(
            starts, ends, (timeline.ends - timeline.starts).tolist(), strict=True
        ):
            words = seconds.get(length)
            if words is None:
                words = seconds[length] = str(Fraction(length, 1_000_000))
            out.append({"start": start, "end": end, "seconds": words})
        return out

    rows = []
    for ev in evidence:
        found = reprs.get(id(ev.measure))
        if found is None or found[0] is not ev.measure:
            found = reprs[id(ev.measure)] = (ev.measure, repr(ev.measure))
        down = spans(ev.down)
        excluded = spans(ev.excluded)
        outside = spans(ev.outside_window)
        rows.append(
            {
                "service": ev.service,
                "measure": found[1],
                "eligible_seconds": str(Fraction(ev.eligible_us, 1_000_000)),
                "down_seconds": str(Fraction(ev.down_us, 1_000_000)),
                "weighted_down_seconds": (
                    None if ev.weighted_down is None else str(ev.weighted_down / 1_000_000)
                ),
                "down": down,
                "excluded": excluded,
                "excluded_by": ev.excluded_by,
                "outside_window": outside,
                "events": [
                    {
                        "kind": n.kind,
                        "start": next(texts),
                        "end": next(texts),
                        "category": n.category,
                        "reason": n.reason,
                    }
                    for n in ev.events
                ],
            }
        )
    return rows


#: How many services' evidence objects ``to_dict()`` holds at once (rendered a batch at a time).
EVIDENCE_BATCH = 1024


def _all_evidence(report: Report) -> list[dict[str, Any]]:
    """Return every measure's evidence for every service, rendered a batch at a time."""
    rows: list[dict[str, Any]] = []
    batch: list[MeasureEvidence] = []
    for outcome in report.outcomes:
        for i in range(len(outcome.services)):
            batch.append(outcome.evidence_of(i))
            if len(batch) == EVIDENCE_BATCH:
                rows.extend(_evidence_rows(batch))
                batch = []
    rows.extend(_evidence_rows(batch))
    return rows


def report_to_dict(report: Report) -> dict[str, Any]:
    """Return the report as plain data: strings, lists and dicts only."""
    comp = report.compensation
    agreement = report.agreement
    texts = _Texts()
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
        "objectives": [
            row for column in report.objective_columns for row in texts.objective_rows(column)
        ],
        "compensation": {
            "lines": [texts.credit(line) for line in comp.lines],
            "total_exact": str(comp.exact_total),
            "total": {"amount": str(comp.total.amount), "currency": comp.total.currency},
            "rounding": comp.rounding.mode,
            "rounding_point": str(comp.rounding.to),
            "by_service": {
                service: {"amount": str(m.amount), "currency": m.currency}
                for service, m in comp.by_service().items()
            },
        },
        "evidence": _all_evidence(report),
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
    results_by_service: dict[str, list[ObjectiveResult]] = {}
    for result in report.objectives:
        results_by_service.setdefault(result.service, []).append(result)
    for service in report.services:
        out.append("")
        out.append(f"Service {service}")
        for result in results_by_service.get(service, ()):
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
        for outcome in report.outcomes:
            j = outcome.positions.get(service)
            if j is not None:
                out.extend(outcome.evidence_of(j).explain_lines())
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
