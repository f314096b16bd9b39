"""Service reviews: every period of a range evaluated once, over inputs converted once.

[`review()`][slakit.review] is built on [`statement()`][slakit.statement]:
the periods in order, each with the credit history of the ones before it, as
its credit statements would be; a period an amendment splits version by
version over its parts, with the history before it. [`Review`][slakit.Review]
reads the trends from the reports.
"""

from __future__ import annotations

from collections.abc import Sequence

from slakit._dsl._agreement import Agreement
from slakit._dsl._versions import Version
from slakit._engine._compare import VersionedReport
from slakit._engine._inputs import Inputs, as_inputs
from slakit._engine._statement import statement, statement_periods
from slakit._engine._uptime import UptimeColumns
from slakit._results._report import Report
from slakit._results._review import DownSpans, Review, ReviewPart, ReviewPeriod
from slakit.exceptions import DefinitionError, PeriodError

__all__ = ["review"]


def _down_spans(report: Report) -> tuple[DownSpans, ...]:
    """Return the counted down spans of each measure of time (uptime) of ``report``."""
    out = []
    for outcome in report.outcomes:
        cols = outcome.time
        if isinstance(cols, UptimeColumns):
            down = cols.down
            out.append(DownSpans(outcome.measure, outcome.services, *down))
    return tuple(out)


def _part(version: Version, report: Report) -> ReviewPart:
    return ReviewPart(version=version, report=report, down=lambda: _down_spans(report))


def _labels(agreement: Agreement, start: str, end: str) -> Sequence[str]:
    """Return the labels from ``start`` to ``end``, both included, in the agreement's periods.

    Raises:
        PeriodError: a label is not one of the agreement's periods, or ``end`` comes
            before ``start``.
    """
    for name, value in (("start", start), ("end", end)):
        given: object = value
        if not isinstance(given, str):
            raise PeriodError(f"{name}={value!r} must be a period label such as '2026-01'")
    rule = agreement.period
    first, last = rule.period(start), rule.period(end)
    if last.start < first.start:
        raise PeriodError(
            f"end={end!r} comes before start={start!r}: a review runs from its first period "
            "to its last, both included"
        )
    return statement_periods(agreement, first.label, last.label)


def _count(value: object, name: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise DefinitionError(
            f"{name}={value!r} must be a whole number of at least {least}", name=name, value=value
        )
    return value


def _remembers(periods: Sequence[ReviewPeriod]) -> bool:
    """Return whether a credit rule of some part keeps a state for later periods."""
    return any(
        column.state
        for period in periods
        for part in period.parts
        for column in part.report.credit_columns
    )


def review(
    agreement: Agreement,
    *inputs: object,
    start: str,
    end: str,
    chronic: int = 2,
    top: int = 10,
    strict: bool = False,
) -> Review:
    """Evaluate ``agreement`` in every period from ``start`` to ``end`` and read the trends.

    The inputs are converted into tables once and every period is evaluated
    once over them, as its credit statement would be: in order, with the
    credit history of the periods before it (see [`statement()`][slakit.statement];
    the history starts at ``start``). A period an amendment splits is
    evaluated version by version over its parts (see
    [`evaluate_versions()`][slakit.evaluate_versions]), each part with the
    history before the period; across an amendment a clause keeps its history
    only if the amendment left it unchanged, and the review's notes say where
    it restarted. A pure function: the same agreement, inputs and range give
    the same review.

    Examples:
        >>> import slakit as sla
        >>> up = sla.uptime()
        >>> gold = sla.Tier("gold", fee=sla.usd("100.00"), objectives=[up >= "99.9%"],
        ...     compensation=sla.credit_schedule(up, {"< 99.9%": "10%"}))
        >>> a = sla.Agreement(provider="P", customer="C", services=["api"], tier=gold)
        >>> down = [sla.Outage("api", f"2026-0{m}-10T00:00:00Z", f"2026-0{m}-10T02:00:00Z")
        ...         for m in (2, 3)]
        >>> r = review(a, down, start="2026-01", end="2026-04")
        >>> [(b.service, b.periods) for b in r.chronic_breaches]
        [('api', ('2026-02', '2026-03'))]
        >>> r.total
        Money('20.00', 'USD')

    Args:
        agreement: the agreement, with its amendments if any.
        inputs: the events and other inputs for the whole range, as for
            [`evaluate()`][slakit.evaluate].
        start: the first period's label, such as ``"2026-01"``.
        end: the last period's label (included), such as ``"2026-12"``.
        chronic: the least number of consecutive periods in which one service
            missing one objective counts as a chronic breach (2 or more).
        top: how many of the longest outages, and of the services with the most
            outages, the review lists.
        strict: raise [`StrictInputError`][slakit.exceptions.StrictInputError] when some
            period does not count some input (see [`evaluate()`][slakit.evaluate]).

    Raises:
        PeriodError: ``start`` or ``end`` is not a period of the agreement, or ``end``
            comes before ``start``.
        DefinitionError: ``chronic`` or ``top`` is not a whole number large enough.
        EvaluationError: a period of the range ends before the agreement takes effect.
        StrictInputError: with ``strict``, some input was not counted.
    """
    chronic = _count(chronic, "chronic", 2)
    top = _count(top, "top", 1)
    labels = _labels(agreement, start, end)
    bundle: Inputs = as_inputs(inputs)
    evaluated = statement(agreement, bundle, periods=labels, strict=strict)
    periods: list[ReviewPeriod] = []
    for report in evaluated.reports:
        if isinstance(report, VersionedReport):
            parts = tuple(_part(version, part) for version, part in report.parts)
        else:
            parts = (_part(agreement.version_at(report.start), report),)
        periods.append(
            ReviewPeriod(
                period=report.period,
                parts=parts,
                exact_credit=report.exact_total,
                credit=report.total,
            )
        )
    notes: list[str] = []
    if _remembers(periods):
        notes.append(
            f"Clauses that look back at earlier periods see the periods from {labels[0]} "
            "on: the history starts with the review."
        )
        if any(len(period.parts) > 1 for period in periods):
            notes.append(
                "In a period an amendment splits, each version's part sees the history of the "
                "periods before it, and the period counts once for the periods after: breached "
                "if breached in any part, its credits and fees added up over the parts."
            )
        notes.extend(evaluated.notes)
    return Review(
        agreement=agreement, periods=tuple(periods), chronic=chronic, top=top, notes=tuple(notes)
    )
