"""The credit statement: one customer, one period, as a document the two parties exchange.

A statement says, in this order: who and when (parties, the agreement version
in force, the period in its own zone); the summary (breaches first, then every
service and objective with its measured value, target, verdict, margin and
credit); the credit breakdown with the derivation of each line and the
rounding applied once; the exclusions applied and refused; the service hours
and holidays that shaped the eligible time; charts; the input reconciliation;
and an appendix with every counted and excluded span, never truncated, with
times in the agreement's zone and in UTC.

[`statement_blocks()`][slakit._results._credit_statement.statement_blocks]
builds the blocks; `_document` renders them as HTML, Markdown or text.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

import numpy as np

from slakit._dsl._compensation import CreditRule, CreditSchedule
from slakit._ratio import format_percent
from slakit._results import _charts as charts
from slakit._results._document import (
    Block,
    Facts,
    Figure,
    Heading,
    Items,
    Para,
    Section,
    Table,
    demote,
)
from slakit._results._evidence import MeasureEvidence, MeasureOutcome
from slakit._results._probes import ProbeEvidence
from slakit._results._render import fees_text
from slakit._results._requests import BucketCounts, RequestEvidence
from slakit._results._schedule import version_changes
from slakit._results._tickets import TicketEvidence
from slakit._results._uncovered import noun
from slakit._results._values import CreditLine, ObjectiveResult, Verdict, fraction_text, money_text
from slakit._time._instant import describe_us
from slakit._time._timeline import Timeline

if TYPE_CHECKING:
    from slakit._dsl._agreement import Agreement
    from slakit._dsl._versions import Version
    from slakit._money import Money
    from slakit._results._report import Report
    from slakit._time._periods import Period


class VersionedReport(Protocol):
    """What the statement reads of an amended agreement's result (``slakit.VersionedReport``)."""

    @property
    def agreement(self) -> Agreement: ...

    @property
    def period(self) -> Period: ...

    @property
    def parts(self) -> tuple[tuple[Version, Report], ...]: ...

    @property
    def versions(self) -> tuple[str, ...]: ...

    @property
    def exact_total(self) -> Fraction: ...

    @property
    def total(self) -> Money: ...

    @property
    def fingerprint(self) -> str | None: ...


__all__ = ["statement_blocks", "statement_title", "versioned_blocks", "versioned_title"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class _Clock:
    """Formats instants in the agreement's zone and in UTC."""

    def __init__(self, tz: str) -> None:
        self.tz = tz
        self.utc = tz == "UTC"
        self._zone = ZoneInfo(tz)

    def _text(self, when: dt.datetime) -> str:
        text = when.strftime("%Y-%m-%d %H:%M:%S")
        if when.microsecond:
            text += f".{when.microsecond:06d}".rstrip("0")
        return text

    def local(self, us: int) -> str:
        """Return ``us`` in the agreement's zone, with its offset when not UTC."""
        when = (_EPOCH + dt.timedelta(microseconds=us)).astimezone(self._zone)
        if self.utc:
            return self._text(when) + "Z"
        return f"{self._text(when)} {when.strftime('%Z')}"

    def in_utc(self, us: int) -> str:
        """Return ``us`` in UTC."""
        return self._text(_EPOCH + dt.timedelta(microseconds=us)) + "Z"

    def span_header(self) -> tuple[str, ...]:
        """The columns of a span: in the zone, then in UTC unless the zone is UTC."""
        if self.utc:
            return ("start (UTC)", "end (UTC)", "length")
        return (f"start ({self.tz})", f"end ({self.tz})", "start (UTC)", "end (UTC)", "length")

    def span_cells(self, start: int, end: int) -> tuple[str, ...]:
        """Return one span's cells, as ``span_header()`` names them."""
        length = describe_us(end - start)
        if self.utc:
            return (self.local(start), self.local(end), length)
        return (
            self.local(start),
            self.local(end),
            self.in_utc(start),
            self.in_utc(end),
            length,
        )

    @property
    def span_numeric(self) -> tuple[int, ...]:
        """The span columns aligned right."""
        return (2,) if self.utc else (4,)


def statement_title(report: Report) -> str:
    """Return the statement's title: ``'Credit statement: Acme Cloud / Globex, 2026-10'``."""
    return f"Credit statement: {report.agreement.title}, {report.period.label}"


# --- the header -------------------------------------------------------------------------------


def _versions_text(report: Report) -> str:
    agreement = report.agreement
    versions = [
        v
        for v in agreement.versions()
        if (v.start is None or v.start < report.end) and (v.end is None or v.end > report.start)
    ]
    if not versions:
        return "none in force during the period"
    return "; ".join(v.describe() for v in versions)


def _header(report: Report, clock: _Clock) -> list[Block]:
    agreement = report.agreement
    period = report.period
    comp = report.compensation
    facts = [
        ("Provider", agreement.provider),
        ("Customer", agreement.customer),
        ("Tier", agreement.tier.name),
        ("Agreement", _versions_text(report)),
        ("Fees", fees_text(agreement).removeprefix("fees ").removeprefix("fee ")),
        (
            "Period",
            (
                f"{period.label}: {clock.local(period.start)} to {clock.local(period.end)} "
                f"({describe_us(period.length_us)}, {period.tz} time)"
            ),
        ),
    ]
    if report.start != period.start or report.end != period.end:
        facts.append(
            (
                "Measured",
                (
                    f"{clock.local(report.start)} to {clock.local(report.end)} "
                    f"({describe_us(report.end - report.start)}): the agreement was in force "
                    "for this part of the period"
                ),
            )
        )
    facts.append(("Total credit", f"**{comp.total}**"))
    if report.fingerprint is not None:
        facts.append(("Fingerprint", f"`{report.fingerprint}`"))
    blocks: list[Block] = [
        Heading(1, f"Credit statement: {agreement.title}"),
        Para(f"Service credits for the period {period.label}, in {period.tz} time."),
        Facts(tuple(facts)),
    ]
    blocks.extend(Para(note, tone="note") for note in report.notes)
    return blocks


# --- the summary ------------------------------------------------------------------------------


def _credit_of(report: Report) -> dict[str, Fraction]:
    return report.compensation.exact_by_service()


def _objective_cells(result: ObjectiveResult) -> tuple[str, str, str, str]:
    objective = result.objective
    target = f"{objective.comparator} {objective.measure.format_value(objective.target)}"
    if result.value is None:
        resolved = f", counted as {result.resolved_by}" if result.resolved_by else ""
        return (f"no data{resolved}", target, result.verdict.value, "")
    return (result.shown, target, result.verdict.value, result.margin_shown or "")


def _count(n: int, thing: str) -> str:
    return f"{n:,} {thing}{'s' if n != 1 else ''}"


def _summary(report: Report) -> list[Block]:
    results = report.objectives
    currency = report.compensation.total.currency
    credits = _credit_of(report)
    verdicts = {v: sum(1 for r in results if r.verdict is v) for v in Verdict}
    counts = ", ".join(f"{n} {v.value}" for v, n in verdicts.items() if n)
    blocks: list[Block] = [
        Heading(2, "Summary"),
        Para(
            f"{_count(len(report.services), 'service')}, "
            f"{_count(len(results), 'objective result')}"
            f"{': ' + counts if counts else ''}. Credit: **{report.compensation.total}**."
        ),
    ]
    header = ("service", "objective", "measured", "target", "verdict", "margin", "credit")
    numeric = (2, 5, 6)

    credit_texts = {service: money_text(amount, currency) for service, amount in credits.items()}
    cells = [
        (result.service, result.objective.measure.label, *_objective_cells(result))
        for result in results
    ]
    breached = [i for i, r in enumerate(results) if r.verdict is Verdict.BREACHED]
    if breached:
        blocks.append(Heading(3, "Breaches"))
        blocks.append(
            Table(
                header,
                tuple((*cells[i], credit_texts.get(results[i].service, "")) for i in breached),
                numeric=numeric,
                marks=("breached",) * len(breached),
            )
        )
    blocks.append(Heading(3, "Every service and objective"))
    rows: list[tuple[str, ...]] = []
    marks: list[str] = []
    seen: set[str] = set()
    for result, cell in zip(results, cells, strict=True):
        first = result.service not in seen
        rows.append((*cell, credit_texts.get(result.service, "") if first else ""))
        seen.add(result.service)
        marks.append("breached" if result.verdict is Verdict.BREACHED else "")
    if rows:
        blocks.append(Table(header, tuple(rows), numeric=numeric, marks=tuple(marks)))
    else:
        blocks.append(Para("The agreement has no objectives."))
    return blocks


# --- the credits ------------------------------------------------------------------------------


def _band_text(line: CreditLine) -> str:
    if line.band is None:
        return ""
    shown = line.shown or ""
    if "%" in shown or line.shown is None:
        return line.band.interval(format_percent)
    return line.band.interval(lambda d: f"{d.normalize():f}")


def _line_cells(line: CreditLine) -> tuple[str, ...]:
    currency = line.base.currency
    value = "" if line.value is None else (line.shown or format_percent(line.value))
    exact = "" if line.value is None else str(line.value)
    if exact and value and "(exact" not in value and exact != value:
        value = f"{value} (exact {exact})"
    how = line.formula or ""
    if not how and line.kind == "credit" and line.band is not None:
        how = f"{format_percent(line.share)} of {line.base}"
        if line.proration != 1:
            how += f" x {line.proration} of the period"
    if line.note and line.kind not in ("diagnostic",):
        how = f"{how}; {line.note}" if how else line.note
    if line.kind == "diagnostic":
        how = f"no credit: {line.note}"
    return (
        line.service,
        line.rule,
        line.kind,
        value,
        _band_text(line),
        how,
        money_text(line.amount, currency),
    )


def _credits(report: Report) -> list[Block]:
    comp = report.compensation
    blocks: list[Block] = [Heading(2, "Credits")]
    if not comp.lines:
        blocks.append(Para("No rule paid a credit or made a note in this period."))
    else:
        header = ("service", "rule", "kind", "value", "band", "derivation", "amount")
        blocks.append(Table(header, tuple(_line_cells(line) for line in comp.lines), numeric=(6,)))
    exact = fraction_text(comp.exact_total).removesuffix(" (exact)")
    blocks.append(
        Para(
            f"Total: the lines' exact amounts add up to {exact} {comp.total.currency}; rounded "
            f"once, {comp.rounding.describe()}: **{comp.total}**."
        )
    )
    rules = _schedules(report.agreement.tier.compensation)
    for rule in rules:
        fmt = rule.measure.format_value
        blocks.append(
            Para(f"Credit table on {rule.measure.label}, as a share of {rule.base.describe()}:")
        )
        blocks.append(
            Table(
                (rule.measure.label, "interval", "credit"),
                tuple(
                    (b.describe(fmt), b.interval(fmt), format_percent(b.credit))
                    for b in sorted(rule.bands, key=lambda b: -b.credit)
                ),
                numeric=(2,),
            )
        )
    return blocks


def _rules(rule: CreditRule | None) -> Iterable[CreditRule]:
    if rule is None:
        return
    yield rule
    for child in rule.children():
        yield from _rules(child)


def _schedules(rule: CreditRule | None) -> list[CreditSchedule]:
    return [r for r in _rules(rule) if isinstance(r, CreditSchedule)]


# --- exclusions, service hours --------------------------------------------------------------


def _evidence(report: Report) -> list[tuple[MeasureOutcome, int, MeasureEvidence]]:
    """Every service's evidence in every measure, service by service."""
    out = []
    for service in report.services:
        for outcome in report.outcomes:
            j = outcome.positions.get(service)
            if j is not None:
                out.append((outcome, j, outcome.evidence_of(j)))
    return out


def _exclusions(evidence: Sequence[tuple[Any, int, MeasureEvidence]], clock: _Clock) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Exclusions")]
    applied: list[tuple[str, ...]] = []
    refused: list[tuple[str, ...]] = []
    for _, _, ev in evidence:
        applied.extend(
            (ev.service, ev.excluded_by, *clock.span_cells(s.start, s.end)) for s in ev.excluded
        )
        refused.extend(
            (ev.service, n.kind, clock.local(n.start), clock.local(n.end), n.reason)
            for n in ev.events
            if n.kind == "maintenance" and n.category != "excluded"
        )
    corrections = list(
        dict.fromkeys((ev.service, line) for _, _, ev in evidence for line in ev.corrections)
    )
    if not applied and not refused and not corrections:
        blocks.append(Para("No time was excluded and no exclusion was refused in this period."))
        return blocks
    if applied:
        blocks.append(Heading(3, "Applied"))
        blocks.append(
            Table(
                ("service", "clause", *clock.span_header()),
                tuple(applied),
                numeric=tuple(2 + i for i in clock.span_numeric),
            )
        )
    if refused:
        blocks.append(Heading(3, "Refused"))
        blocks.append(
            Para("Notices that did not meet a clause's conditions; their time was not excluded.")
        )
        blocks.append(Table(("service", "notice", "start", "end", "why"), tuple(refused)))
    if corrections:
        blocks.append(Heading(3, "Corrections"))
        blocks.append(
            Para(
                "Each correction recorded on a service: its category, the reason, who "
                "recorded it, and whether the agreement applied it."
            )
        )
        blocks.append(Table(("service", "correction"), tuple(corrections)))
    return blocks


def _windows(report: Report) -> list[tuple[str, Any]]:
    """Each measure's service window (its calendar), by measure label."""
    out: list[tuple[str, Any]] = []
    for outcome in report.outcomes:
        during = getattr(outcome.measure, "during", None)
        if during is not None:
            out.append((outcome.measure.label, during))
    return out


def _service_hours(report: Report, clock: _Clock) -> list[Block]:
    from slakit._time._calendar import holidays_in

    windows = _windows(report)
    blocks: list[Block] = [Heading(2, "Service hours")]
    if not windows:
        blocks.append(Para("Every measure counts every hour of the period: service is 24x7."))
        return blocks
    for label, calendar in windows:
        eligible = calendar.timeline(report.start, report.end)
        gaps = eligible.complement((report.start, report.end))
        blocks.append(
            Para(
                f"**{label}** counts only service hours: {calendar.describe()}. In this period "
                f"that is {describe_us(eligible.measure())} of service hours, and "
                f"{describe_us(gaps.measure())} outside them."
            )
        )
        days = holidays_in(calendar, report.start, report.end, report.period.tz)
        if days:
            blocks.append(
                Table(
                    ("date", "holiday", "effect"),
                    tuple((day.isoformat(), name, effect) for day, name, effect in days),
                )
            )
    return blocks


# --- charts -------------------------------------------------------------------------------------


def _spans(timeline: Timeline) -> tuple[list[int], list[int]]:
    return timeline.starts.tolist(), timeline.ends.tolist()


def _limits(report: Report, ev: MeasureEvidence) -> list[tuple[str, int]]:
    """The down time each objective and credit band allows, for a measure of up time."""
    eligible = ev.eligible_us
    measure = ev.measure
    out: list[tuple[str, int]] = []
    for objective in report.agreement.tier.objectives:
        if objective.measure == measure and objective.comparator in (">=", ">"):
            allowed = Fraction(eligible) * (1 - Fraction(objective.target))
            out.append((f"objective {objective.describe()}", int(allowed)))
    for rule in _schedules(report.agreement.tier.compensation):
        if rule.measure != measure:
            continue
        for band in rule.bands:
            if band.upper is None:
                continue
            allowed = Fraction(eligible) * (1 - Fraction(band.upper.value))
            out.append((f"{format_percent(band.credit)} credit band", int(allowed)))
    merged: dict[int, list[str]] = {}
    for label, us in sorted(out, key=lambda item: item[1]):
        merged.setdefault(us, []).append(label)
    return [(" and ".join(dict.fromkeys(labels)), us) for us, labels in merged.items()]


def _about(us: int) -> str:
    """Return a length of time to the second, for captions (the exact figures are in tables)."""
    return describe_us(us - us % 1_000_000) if us >= 1_000_000 else describe_us(us)


def _burn_points(down: Timeline, start: int) -> tuple[list[int], list[int]]:
    times, spent = [start], [0]
    total = 0
    for span in down:
        times.append(span.start)
        spent.append(total)
        total += span.end - span.start
        times.append(span.end)
        spent.append(total)
    return times, spent


#: The most service measures a statement draws charts for; the appendix lists every span.
MAX_CHARTS = 24


def _drawable(ev: MeasureEvidence) -> bool:
    """Whether a service measure's evidence has anything to draw."""
    if isinstance(ev, TicketEvidence):
        return False
    if isinstance(ev, RequestEvidence):
        held = len(ev.counts) if ev.counts is not None else sum(1 for b in ev.buckets if b.requests)
        return getattr(ev.measure, "max_error_rate", None) is not None and held > 0
    return bool(ev.down or ev.excluded or ev.outside_window) or any(
        n.category == "ignored" and n.kind == "outage" for n in ev.events
    )


#: The most bars a chart of bucket error rates draws: past it, neighbouring buckets share a
#: bar (about one per pixel column of the plot at A4 width).
MAX_BARS = 720


def _binned(counts: BucketCounts, start: int, end: int) -> tuple[Any, Any, Any, Any]:
    """Return the buckets as at most ``MAX_BARS`` bars: span, highest rate, any down.

    A bar covers the buckets whose start falls in one ``1/MAX_BARS`` of
    ``[start, end)``: it spans them, is as tall as the highest of their rates,
    and is drawn as down when any of them is.
    """
    rates = counts.errors / counts.requests
    if len(counts) <= MAX_BARS:
        return counts.start, counts.end, rates, counts.down
    key = (counts.start - start) * MAX_BARS // max(end - start, 1)
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])  # buckets are in time order
    last = np.r_[first[1:], len(counts)] - 1
    return (
        counts.start[first],
        counts.end[last],
        np.maximum.reduceat(rates, first),
        np.logical_or.reduceat(counts.down, first),
    )


def _rates_figure(report: Report, ev: RequestEvidence, ident: str) -> Figure:
    threshold = getattr(ev.measure, "max_error_rate", Decimal(0))
    counts = ev.counts
    if counts is None:  # evidence built without columns: the buckets its notes list
        notes = [b for b in ev.buckets if b.requests]
        counts = BucketCounts(
            start=np.asarray([b.start for b in notes], dtype=np.int64),
            end=np.asarray([b.end for b in notes], dtype=np.int64),
            requests=np.asarray([b.requests for b in notes], dtype=np.int64),
            errors=np.asarray([b.errors for b in notes], dtype=np.int64),
            down=np.asarray([b.verdict == "down" for b in notes], dtype=np.bool_),
        )
    starts, ends, rates, down = _binned(counts, report.start, report.end)
    svg = functools.partial(
        charts.rates_svg,
        title=f"{ev.service}: error rate per bucket",
        start=report.start,
        end=report.end,
        tz=report.period.tz,
        bucket_starts=starts,
        bucket_ends=ends,
        rates=rates,
        threshold=float(threshold),
        over=down,
        ident=ident,
    )
    held = _count(len(counts), "bucket")
    drawn = (
        f"each of its {len(starts)} bars the highest rate of the buckets in it, drawn as "
        "down when one of them was"
        if len(starts) < len(counts)
        else "one bar each"
    )
    return Figure(
        svg,
        f"{ev.service}: error rate of each bucket that held requests, against the threshold "
        f"of {format_percent(threshold)}",
        f"{held} held requests, {int(counts.down.sum())} of them down; {drawn}.",
    )


def _time_figures(report: Report, ev: MeasureEvidence, ident: str) -> list[Figure]:
    period = report.period
    ignored = [n for n in ev.events if n.category == "ignored" and n.kind == "outage"]
    window = getattr(ev.measure, "during", None)
    outside = Timeline()
    if window is not None:
        outside = window.timeline(report.start, report.end).complement((report.start, report.end))
    timeline = functools.partial(
        charts.timeline_svg,
        title=f"{ev.service}: {ev.measure.label} over {period.label}",
        start=report.start,
        end=report.end,
        tz=period.tz,
        outside=_spans(outside),
        excluded=_spans(ev.excluded),
        down=_spans(ev.down),
        ignored=([n.start for n in ignored], [n.end for n in ignored]),
        ident=f"{ident}t",
    )
    figures = [
        Figure(
            timeline,
            f"{ev.service}: the period, with time outside service hours shaded, excluded time "
            "hatched, counted down time solid and ignored outages outlined",
            f"{_count(len(ev.down), 'span')} of counted down time ({describe_us(ev.down_us)}), "
            f"{_count(len(ev.excluded), 'excluded span')}, "
            f"{_count(len(ignored), 'ignored outage')}.",
        )
    ]
    limits = _limits(report, ev) if ev.weighted_down is None and ev.down else []
    if limits:
        # Draw up to the first limit not yet reached: the rest are in the caption.
        above = [i for i, (_, allowed) in enumerate(limits) if allowed > ev.down_us]
        drawn = limits[: above[0] + 1] if above else limits
        times, spent = _burn_points(ev.down, report.start)
        burn = functools.partial(
            charts.burn_svg,
            title=f"{ev.service}: down time against the allowance",
            start=report.start,
            end=report.end,
            tz=period.tz,
            times=times,
            spent=spent,
            limits=drawn,
            unit=_about,
            steps=charts.DURATION_STEPS,
            ident=f"{ident}b",
        )
        figures.append(
            Figure(
                burn,
                f"{ev.service}: counted down time over the period against the down time each "
                "objective and credit band allows",
                "; ".join(f"{label}: {_about(us)} allowed" for label, us in limits)
                + f"; {describe_us(ev.down_us)} spent.",
            )
        )
    return figures


def _charts(
    report: Report, evidence: Sequence[tuple[MeasureOutcome, int, MeasureEvidence]], prefix: str
) -> list[Block]:
    """Charts of the service measures with the largest credits and most down time.

    At most ``MAX_CHARTS`` of them, so that a statement over thousands of
    services stays a document; the SVG is drawn only when the HTML is.
    """
    credits = _credit_of(report)
    drawable = [(i, ev) for i, (_, _, ev) in enumerate(evidence) if _drawable(ev)]
    quiet = sum(1 for _, _, ev in evidence if not isinstance(ev, TicketEvidence)) - len(drawable)
    ranked = sorted(
        drawable, key=lambda item: (-credits.get(item[1].service, 0), -item[1].down_us, item[0])
    )
    chosen = sorted(ranked[:MAX_CHARTS], key=lambda item: item[0])
    figures: list[Block] = []
    for index, ev in chosen:
        ident = f"{prefix}{index}"
        if isinstance(ev, RequestEvidence):
            figures.append(_rates_figure(report, ev, ident))
        else:
            figures.extend(_time_figures(report, ev, ident))
    blocks: list[Block] = [Heading(2, "Charts"), *figures]
    if len(drawable) > len(chosen):
        blocks.append(
            Para(
                f"Charts of the {len(chosen)} service measures with the largest credits and the "
                f"most down time; {len(drawable) - len(chosen):,} more have down time, "
                "exclusions or ignored outages, and the appendix lists every span of them."
            )
        )
    if quiet:
        blocks.append(
            Para(
                f"{quiet:,} service measure{'s have' if quiet != 1 else ' has'} nothing to draw "
                "(no down time, exclusion or ignored outage) and no chart."
            )
        )
    return blocks if len(blocks) > 1 else []


# --- reconciliation -----------------------------------------------------------------------------


def _measure_names(report: Report) -> dict[str, str]:
    """The reconciliation's measure keys (DSL calls), as the statement names the measures."""
    labels = [outcome.measure.label for outcome in report.outcomes]
    names = {}
    for outcome, label in zip(report.outcomes, labels, strict=True):
        same = labels.count(label) > 1
        names[repr(outcome.measure)] = f"{label} ({outcome.measure.describe()})" if same else label
    return names


def _reconciliation(report: Report) -> list[Block]:
    rec = report.reconciliation
    names = _measure_names(report)
    blocks: list[Block] = [Heading(2, "Input reconciliation")]
    read = "; ".join(f"{noun(kind, n)} read" for kind, n in rec.read.items())
    blocks.append(Para(f"Input: {read or 'none'}."))
    if report.fingerprint is not None:
        blocks.append(
            Para(
                f"Fingerprint `{report.fingerprint}`: a SHA-256 over the agreement's terms, the "
                "period and every input row read, whatever their order or file format. "
                "`slakit verify` recomputes it from another copy of the inputs."
            )
        )
    if rec.by_measure:
        blocks.append(
            Table(
                ("measure", "rows read", "counted", "excluded", "ignored"),
                tuple(
                    (
                        names.get(label, label),
                        f"{rec.rows.get(label, rec.total):,}",
                        f"{cats.get('counted', 0):,}",
                        f"{cats.get('excluded', 0):,}",
                        f"{cats.get('ignored', 0):,}",
                    )
                    for label, cats in rec.by_measure.items()
                ),
                numeric=(1, 2, 3, 4),
            )
        )
    reasons = [
        (names.get(label, label), reason, f"{n:,}")
        for label, counts in rec.reasons.items()
        for reason, n in counts.items()
    ]
    if reasons:
        blocks.append(Heading(3, "Rows by reason"))
        blocks.append(Table(("measure", "reason", "rows"), tuple(reasons), numeric=(2,)))
    if rec.uncovered:
        blocks.append(Heading(3, "Input no measure counted"))
        blocks.append(
            Table(
                ("category", "reason", "input", "service", "rows", "did you mean"),
                tuple(
                    (
                        g.category,
                        g.reason,
                        g.table,
                        g.service or "",
                        f"{g.count:,}",
                        g.did_you_mean() or "",
                    )
                    for g in rec.uncovered
                ),
                numeric=(4,),
            )
        )
    return blocks


# --- the appendix -------------------------------------------------------------------------------


def _span_table(timeline: Timeline, clock: _Clock) -> Table:
    return Table(
        clock.span_header(),
        tuple(clock.span_cells(s.start, s.end) for s in timeline),
        numeric=clock.span_numeric,
    )


def _service_evidence(ev: MeasureEvidence, clock: _Clock) -> list[Block]:
    blocks: list[Block] = [Heading(4, ev.measure.label), Para(ev.measure.describe())]
    if isinstance(ev, TicketEvidence):
        blocks.append(Para(ev.summary()))
        if ev.tickets:
            blocks.append(
                Table(
                    ("ticket", "priority", "opened", "stopped", "status", "why"),
                    tuple(
                        (
                            t.id,
                            t.priority,
                            clock.local(t.opened),
                            "" if t.stopped is None else clock.local(t.stopped),
                            t.status,
                            t.reason,
                        )
                        for t in ev.tickets
                    ),
                )
            )
        return blocks
    if isinstance(ev, RequestEvidence):
        blocks.append(Items(tuple(ev.lines()[1:]) or ("no requests",)))
        return blocks
    if isinstance(ev, ProbeEvidence):
        blocks.append(Items((f"value: {ev.value}", *(line.strip() for line in ev.lines()[1:]))))
        return blocks
    facts = [
        ("Eligible time", describe_us(ev.eligible_us)),
        ("Down time counted", describe_us(ev.down_us)),
    ]
    if ev.weighted_down is not None:
        facts.append(("Weighted down time", describe_us(int(ev.weighted_down))))
    blocks.append(Facts(tuple(facts)))
    if ev.down:
        blocks.append(Para(f"Down time counted ({_count(len(ev.down), 'span')}):"))
        blocks.append(_span_table(ev.down, clock))
    if ev.excluded:
        blocks.append(Para(f"Time excluded by the clause: {ev.excluded_by}"))
        blocks.append(_span_table(ev.excluded, clock))
    if ev.outside_window:
        blocks.append(Para("Down time outside the service hours (not counted):"))
        blocks.append(_span_table(ev.outside_window, clock))
    notes = [n for n in ev.events if n.category != "counted"]
    if notes:
        blocks.append(Para(f"Events not counted ({len(notes)}):"))
        blocks.append(
            Table(
                ("event", "start", "end", "outcome", "why"),
                tuple(
                    (n.kind, clock.local(n.start), clock.local(n.end), n.category, n.reason)
                    for n in notes
                ),
            )
        )
    return blocks


def _appendix(
    report: Report,
    evidence: Sequence[tuple[MeasureOutcome, int, MeasureEvidence]],
    clock: _Clock,
    prefix: str,
) -> list[Block]:
    blocks: list[Block] = [
        Heading(2, "Appendix: evidence"),
        Para(
            "Every span of down time counted and of time excluded, and every event that did not "
            f"count, service by service. Times are in {clock.tz}"
            + ("" if clock.utc else ", with UTC beside them")
            + "; spans are half-open, [start, end)."
        ),
    ]
    by_service: dict[str, list[Block]] = {}
    for _, _, ev in evidence:
        by_service.setdefault(ev.service, []).extend(_service_evidence(ev, clock))
    for service, parts in by_service.items():
        blocks.append(
            Section(
                3,
                f"Service {service}",
                tuple(parts),
                collapsible=True,
                anchor=f"{prefix}-{service}",
            )
        )
    rows = report.reconciliation.uncovered_rows()
    if rows:
        blocks.append(
            Section(
                3,
                "Input no measure counted, row by row",
                (
                    Table(
                        ("input", "row", "service", "category", "why"),
                        tuple(
                            (r.table, r.facts, r.service or "", r.category, r.reason) for r in rows
                        ),
                    ),
                ),
                collapsible=True,
                anchor=f"{prefix}-uncovered",
            )
        )
    return blocks


def statement_blocks(report: Report, *, ident: str = "c") -> list[Block]:
    """Return the credit statement of ``report`` as document blocks.

    ``ident`` prefixes the ids of the charts, so that several statements can
    share one page.
    """
    clock = _Clock(report.period.tz)
    evidence = _evidence(report)
    return [
        *_header(report, clock),
        *_summary(report),
        *_credits(report),
        *_exclusions(evidence, clock),
        *_service_hours(report, clock),
        *_charts(report, evidence, ident),
        *_reconciliation(report),
        *_appendix(report, evidence, clock, ident),
    ]


def versioned_title(report: VersionedReport) -> str:
    """Return the title of an amended agreement's statement."""
    return f"Credit statement: {report.agreement.title}, {report.period.label}"


def versioned_blocks(report: VersionedReport) -> list[Block]:
    """Return the statement of an amended agreement: the total, then each version's part.

    Each version in force during the period has its own statement over the
    part of the period it covered; the total adds the parts' exact credits
    and rounds once, with the latest version's rounding.
    """
    period = report.period
    clock = _Clock(period.tz)
    rows = tuple(
        (
            version.label,
            f"{clock.local(part.start)} to {clock.local(part.end)}",
            money_text(part.compensation.exact_total, part.compensation.total.currency),
        )
        for version, part in report.parts
    )
    exact = fraction_text(report.exact_total).removesuffix(" (exact)")
    blocks: list[Block] = [
        Heading(1, f"Credit statement: {report.agreement.title}"),
        Para(
            f"Service credits for the period {period.label}, in {period.tz} time, under "
            f"{len(report.parts)} versions of the agreement."
        ),
        Facts(
            (
                ("Provider", report.agreement.provider),
                ("Customer", report.agreement.customer),
                ("Versions", ", ".join(report.versions)),
                ("Total credit", f"**{report.total}**"),
                *(
                    [("Fingerprint", f"`{report.fingerprint}`")]
                    if report.fingerprint is not None
                    else []
                ),
            )
        ),
        Table(("version", "in force", "exact credit"), rows, numeric=(2,)),
        Para(
            f"The parts' exact credits add up to {exact} {report.total.currency}, rounded once "
            f"with the latest version's rounding: **{report.total}**."
        ),
    ]
    for (before, _), (after, _) in itertools.pairwise(report.parts):
        changes = version_changes(before.agreement, after.agreement)
        blocks.append(Para(f"What {after.label} changed:"))
        blocks.append(Items(tuple(changes) or ("No change to the terms.",)))
    for index, (version, part) in enumerate(report.parts):
        inner = statement_blocks(part, ident=f"v{index}c")
        blocks.append(Section(2, f"Version {version.label}", demote(inner[1:], 1)))
    return blocks
