"""Service reviews: an agreement over a range of periods, as trends a person can read.

A [`Review`][slakit.Review] holds the report of every period in a range (of
every version's part of a period, for an amended agreement) and reads these
trends from them:

- per objective, the value per period against its target: the worst service's
  value (the one that decides whether every service met it), all services
  pooled, and how many services met, missed or had no data;
- per period, the breaches and the credits, exact and rounded once;
- the longest outages and the services with the most outages over the range.
  An *outage* is a stretch of counted down time of one service in one measure
  of time (uptime): a span the evidence lists as down time that counted, after
  the measure's own rules (minimum outage, granularity, exclusions, service
  hours). Stretches that meet or overlap across periods (an outage over the
  midnight that ends a month) are one outage;
- chronic breaches: one service missing one objective in ``chronic`` or more
  consecutive periods (two by default; in any part of a period an amendment
  splits), with the periods of the run; any period in which it was not missed
  (met, no data, excluded) ends a run;
- for each amendment effective in the range, the objectives' pooled values,
  targets and the credits per period under the version before it against the
  version it makes.

[`review_blocks()`][slakit._results._review.review_blocks] builds the document
(`_document` renders it as HTML with charts, Markdown or text);
[`Review.to_dict()`][slakit.Review.to_dict] gives the same as JSON-ready data.
The review's own charts are drawn by `trend_svg()` and `credits_svg()` here, on
the conventions of `_charts` (see its module docstring):

| class | element | chart | one per |
| --- | --- | --- | --- |
| `mark value` | `circle` | trend | period (or part) whose worst value met the target |
| `mark value breached` | `rect` | trend | period (or part) in which some service missed it |
| `mark value nodata` | `circle` | trend | period (or part) with no value (hollow, on the axis) |
| `mark trend` | `path` | trend | chart with at least one value: the line through them |
| `mark target` | `path` | trend | chart: the target, a step line over the range |
| `mark credit` | `rect` | credits | period: its credit (no height for none) |

So ``.mark.value`` matches one point per period and objective, and
``.mark.breached`` the periods with a breach.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._agreement import Agreement
from slakit._dsl._measures import Measure
from slakit._dsl._objectives import Objective
from slakit._dsl._versions import Version
from slakit._money import Money, minor_unit, round_fraction
from slakit._results import _charts as ch
from slakit._results._document import (
    Block,
    Facts,
    Figure,
    Heading,
    Para,
    Section,
    Table,
    markdown,
    page,
    text,
)
from slakit._results._figures import value_texts
from slakit._results._report import VERDICTS, ObjectiveColumn, Report
from slakit._results._values import ObjectiveResult, Verdict, fraction_text
from slakit._time._instant import describe_us, format_us, zone
from slakit._time._periods import Period

__all__ = [
    "AmendmentChange",
    "ChronicBreach",
    "DownSpans",
    "ObjectiveChange",
    "ObjectiveTrend",
    "OutageCount",
    "Review",
    "ReviewOutage",
    "ReviewPart",
    "ReviewPeriod",
    "TrendPoint",
    "credits_svg",
    "review_blocks",
    "review_title",
    "trend_svg",
]

I64 = npt.NDArray[np.int64]
#: The form of ``Review.to_dict()``.
REVIEW_FORM = "slakit-review/1"
#: Up to this many services, the document lists every service's value in every period;
#: beyond it, only the services that missed an objective (or had no data) in some period.
SERVICES_LISTED = 25
#: The periods in one table of values by service, so that a table fits an A4 page.
COLUMNS_PER_TABLE = 6

_BREACHED = VERDICTS.index(Verdict.BREACHED)
_CODE = {v: i for i, v in enumerate(VERDICTS)}


# --- what the engine hands over -----------------------------------------------------------------


@attrs.frozen(eq=False)
class DownSpans:
    """The counted down spans of one measure of time in one part of a period, as columns.

    ``group[i]`` is the position in ``services`` of the service span ``i``
    ``[start[i], end[i])`` belongs to.
    """

    measure: Measure
    services: tuple[str, ...]
    group: I64
    start: I64
    end: I64


@attrs.frozen(eq=False)
class ReviewPart:
    """One version's part of one period: its report and, when asked, its counted down spans.

    Attributes:
        version: the version in force over the part.
        report: its report, with the credit history of the periods before the
            period (the other parts of its own period are not in it).
        down: returns the counted down spans of each measure of time (worked out when
            the outages are first read).
    """

    version: Version
    report: Report
    down: Callable[[], tuple[DownSpans, ...]] = attrs.field(default=tuple, repr=False)

    @property
    def start(self) -> int:
        """The first instant measured."""
        return self.report.start

    @property
    def end(self) -> int:
        """The end of the part (excluded)."""
        return self.report.end


@attrs.frozen(eq=False)
class ReviewPeriod:
    """One period of the review: its parts (one per version in force) and its credit.

    Attributes:
        period: the period.
        parts: each version's part, in order (one for a period no amendment splits).
        exact_credit: the exact credit of the period, every part's lines added.
        credit: ``exact_credit`` rounded once, as the period's statement settles it.
    """

    period: Period
    parts: tuple[ReviewPart, ...]
    exact_credit: Fraction
    credit: Money

    @property
    def label(self) -> str:
        """The period's label, such as ``'2026-03'``."""
        return self.period.label

    @property
    def versions(self) -> tuple[str, ...]:
        """The labels of the versions in force, in order."""
        return tuple(part.version.label for part in self.parts)

    def part_label(self, part: ReviewPart) -> str:
        """Return how tables name ``part``: the period, with the version when it is split."""
        if len(self.parts) == 1:
            return self.label
        return f"{self.label} v{part.version.number}"


# --- the trends ---------------------------------------------------------------------------------


@attrs.frozen
class TrendPoint:
    """One objective over the services in one period (or one version's part of it).

    Attributes:
        period: the period's label.
        version: the label of the version in force.
        start: the first instant measured.
        end: the end of the part measured (excluded).
        objective: the objective as that version writes it.
        services: how many services it was measured for.
        met: how many services met it (``excluded`` and the rest likewise).
        breached: how many services missed it.
        no_data: how many had no data (and no clause resolved it).
        excluded: how many were excluded.
        worst: the worst service's exact value (the lowest for ``>=``, the highest
            for ``<=``), or ``None`` when no service had a value.
        worst_service: the service with that value (the first in the agreement's order
            on a tie).
        pooled: every service's value pooled: the sum of the measured numerators over
            the sum of the denominators (for uptime, the up time of all services over
            their eligible time), exact; ``None`` with no data.
    """

    period: str
    version: str
    start: int
    end: int
    objective: Objective
    services: int
    met: int
    breached: int
    no_data: int
    excluded: int
    worst: Fraction | None
    worst_service: str | None
    pooled: Fraction | None
    #: The pooled numerator and denominator, for adding parts together.
    good: int = attrs.field(default=0, repr=False)
    total: int = attrs.field(default=0, repr=False)

    @property
    def target(self) -> Decimal:
        """The objective's target in this period."""
        return self.objective.target


@attrs.frozen
class ObjectiveTrend:
    """One objective of the agreement over the range: a point per period (or part).

    The objective is followed by its measure's label and comparator, so an
    amendment that changes its target (or its measure's options) continues the
    same trend.

    Attributes:
        name: how the review names it (``'uptime'``).
        comparator: ``>=``, ``>``, ``<=`` or ``<``.
        measure: the measure, as the first period in the range writes it.
        points: one point per period, or per version's part of a split period, in order.
    """

    name: str
    comparator: str
    measure: Measure
    points: tuple[TrendPoint, ...]

    @property
    def breaches(self) -> int:
        """How many (service, period or part) results missed the objective."""
        return sum(p.breached for p in self.points)


@attrs.frozen
class ChronicBreach:
    """One service missing one objective in consecutive periods.

    Attributes:
        service: the service.
        objective: the trend's name (``'uptime'``).
        periods: the labels of the periods of the run, in order (at least ``chronic``).
        ongoing: whether the run reaches the last period of the range (it may go on).
    """

    service: str
    objective: str
    periods: tuple[str, ...]
    ongoing: bool

    @property
    def length(self) -> int:
        """How many consecutive periods the objective was missed."""
        return len(self.periods)


@attrs.frozen
class ReviewOutage:
    """One outage: a stretch of counted down time of one service in one measure of time.

    Attributes:
        service: the service.
        measure: the measure's label (``'uptime'``).
        start: its first instant, microseconds since the epoch.
        end: its end (excluded).
        periods: the labels of the periods it falls in.
    """

    service: str
    measure: str
    start: int
    end: int
    periods: tuple[str, ...]

    @property
    def length_us(self) -> int:
        """Its length in microseconds."""
        return self.end - self.start


@attrs.frozen
class OutageCount:
    """One service's outages in one measure of time over the range.

    Attributes:
        service: the service.
        measure: the measure's label.
        outages: how many outages.
        down_us: their total length, microseconds.
        longest_us: the longest one's length.
    """

    service: str
    measure: str
    outages: int
    down_us: int
    longest_us: int


@attrs.frozen
class ObjectiveChange:
    """One objective before and after an amendment: pooled values and targets.

    Attributes:
        objective: the trend's name.
        target_before: the target under the version before (``None``: not in force then).
        target_after: the target under the version the amendment makes.
        before: the pooled value over every part of the range under the version before.
        after: the pooled value under the new version.
        measure: the measure, to write values and the change.
    """

    objective: str
    target_before: Decimal | None
    target_after: Decimal | None
    before: Fraction | None
    after: Fraction | None
    measure: Measure = attrs.field(repr=False)

    @property
    def change(self) -> Fraction | None:
        """``after - before``, when both are known."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@attrs.frozen
class AmendmentChange:
    """What changed after one amendment effective in the range.

    Averages are taken over the parts of the range each version was in force:
    values pooled over every service and part, and credits per period (a part
    of a period counting as its share of the period).

    Attributes:
        version: the label of the version the amendment makes (``'v2 (price review)'``).
        before: the label of the version before it.
        effective: the amendment's effective instant.
        changes: the terms it replaces (``'tier'``, ``'services'``, ``'fees'``, ``'rounding'``).
        objectives: each objective before and after.
        periods_before: the periods under the version before (exact: parts count as shares).
        periods_after: the periods under the new version.
        credit_before: the exact credit per period under the version before (``None``: none).
        credit_after: the exact credit per period under the new version.
        currency: the currency of the credits.
    """

    version: str
    before: str
    effective: int
    changes: tuple[str, ...]
    objectives: tuple[ObjectiveChange, ...]
    periods_before: Fraction
    periods_after: Fraction
    credit_before: Fraction | None
    credit_after: Fraction | None
    currency: str


# --- columns ------------------------------------------------------------------------------------


def _int_sum(values: npt.NDArray[Any]) -> int:
    """Return the exact sum of an integer column (int64 or Python integers)."""
    if values.dtype == object or not values.shape[0]:
        return int(sum(values.tolist()))
    if int(np.abs(values).max()) * values.shape[0] >= 2**62:
        return int(sum(values.tolist()))
    return int(values.sum())


def _worst(good: npt.NDArray[Any], total: npt.NDArray[Any], comparator: str) -> int | None:
    """Return the position of the worst value ``good / total`` (``None``: no value).

    The lowest for ``>=`` and ``>``, the highest for ``<=`` and ``<``; exact: the
    floats only find the candidates, which are compared as fractions, the
    first in order winning a tie.
    """
    valued = np.flatnonzero(total != 0)
    if not valued.shape[0]:
        return None
    approx = good[valued].astype(np.float64) / total[valued].astype(np.float64)
    if comparator in ("<=", "<"):
        approx = -approx
    least = float(approx.min())
    near = valued[approx <= least + abs(least) * 1e-9 + 1e-300]
    sign = -1 if comparator in ("<=", "<") else 1
    best: int = min(near.tolist(), key=lambda i: (sign * Fraction(int(good[i]), int(total[i])), i))
    return best


def _point(period: str, part: ReviewPart, column: ObjectiveColumn) -> TrendPoint:
    outcome = column.outcome
    counts = np.bincount(column.verdict.astype(np.int64), minlength=len(VERDICTS)).tolist()
    objective = column.objective
    worst = _worst(outcome.good, outcome.total, objective.comparator)
    good, total = _int_sum(outcome.good), _int_sum(outcome.total)
    return TrendPoint(
        period=period,
        version=part.version.label,
        start=part.start,
        end=part.end,
        objective=objective,
        services=len(outcome.services),
        met=counts[_CODE[Verdict.MET]],
        breached=counts[_CODE[Verdict.BREACHED]],
        no_data=counts[_CODE[Verdict.NO_DATA]],
        excluded=counts[_CODE[Verdict.EXCLUDED]],
        worst=(
            None if worst is None else Fraction(int(outcome.good[worst]), int(outcome.total[worst]))
        ),
        worst_service=None if worst is None else outcome.services[worst],
        pooled=None if total == 0 else Fraction(good, total),
        good=good,
        total=total,
    )


def _keys(columns: Sequence[ObjectiveColumn]) -> list[tuple[str, str]]:
    """Return each objective's trend key: its measure's label and comparator.

    Two objectives of one version on measures of one label (and comparator) are
    told apart by the descriptions of their measures.
    """
    plain = [(c.objective.measure.label, c.objective.comparator) for c in columns]
    return [
        key if plain.count(key) == 1 else (f"{key[0]} ({c.objective.measure.describe()})", key[1])
        for key, c in zip(plain, columns, strict=True)
    ]


class _Services:
    """Codes for the services of a review: their order of first appearance."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._index: dict[str, int] = {}
        self._codes: dict[tuple[str, ...], I64] = {}

    def codes(self, services: tuple[str, ...]) -> I64:
        """Return the codes of ``services``, adding those not seen yet."""
        found = self._codes.get(services)
        if found is None:
            index = self._index
            for name in services:
                if name not in index:
                    index[name] = len(self.names)
                    self.names.append(name)
            found = np.fromiter((index[s] for s in services), np.int64, len(services))
            self._codes[services] = found
        return found


def _runs(breached: npt.NDArray[np.bool_], least: int) -> Iterator[tuple[int, int, int]]:
    """Yield ``(service, first, end)`` of each run of ``least`` or more consecutive breaches.

    ``breached`` is a periods x services matrix; runs come service by service, in order.
    """
    periods, services = breached.shape
    padded = np.zeros((services, periods + 2), dtype=np.int8)
    padded[:, 1:-1] = breached.T
    step = np.diff(padded, axis=1)
    starts = np.argwhere(step == 1)  # (service, first period), by service then period
    ends = np.argwhere(step == -1)  # (service, period after the run)
    lengths = ends[:, 1] - starts[:, 1]
    for i in np.flatnonzero(lengths >= least).tolist():
        yield int(starts[i, 0]), int(starts[i, 1]), int(ends[i, 1])


# --- the review ---------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class Review:
    """An agreement evaluated over a range of periods, read as trends.

    Made by [`review()`][slakit.review]. Every period is the report a credit
    statement of that period gives (an amended agreement's period has one part
    per version in force); the trends below are read from those reports'
    columns, so a review of thousands of services stays quick until a
    document lists them.

    Attributes:
        agreement: the agreement, with its amendments.
        periods: every period of the range, in order.
        chronic: the least number of consecutive periods in which one service
            missing one objective is a chronic breach.
        top: how many outages (and services with the most outages) the review lists.
        notes: what the reader should know about how the periods were evaluated.
    """

    agreement: Agreement
    periods: tuple[ReviewPeriod, ...]
    chronic: int = 2
    top: int = 10
    notes: tuple[str, ...] = ()

    # --- the range ---------------------------------------------------------------------------

    @property
    def labels(self) -> tuple[str, ...]:
        """The periods' labels, in order."""
        return tuple(p.label for p in self.periods)

    @property
    def start(self) -> int:
        """The first instant of the range (the first period's start)."""
        return self.periods[0].period.start

    @property
    def end(self) -> int:
        """The end of the range (the last period's end, excluded)."""
        return self.periods[-1].period.end

    @property
    def tz(self) -> str:
        """The zone the periods are drawn in."""
        return self.periods[0].period.tz

    @property
    def currency(self) -> str:
        """The currency of the credits."""
        return self.periods[-1].credit.currency

    @property
    def exact_total(self) -> Fraction:
        """The exact sum of every period's credit."""
        return sum((p.exact_credit for p in self.periods), Fraction(0))

    @property
    def total(self) -> Money:
        """The sum of the periods' credits, each rounded once when its period was settled."""
        return sum((p.credit for p in self.periods), Money(0, self.currency))

    def __getitem__(self, label: str) -> ReviewPeriod:
        for period in self.periods:
            if period.label == label:
                return period
        raise KeyError(f"{label!r} is not a period of this review: {list(self.labels)}")

    def reports(self, period: str) -> tuple[Report, ...]:
        """Return the reports of ``period``: one per version in force during it."""
        return tuple(part.report for part in self[period].parts)

    def results(self, period: str) -> tuple[ObjectiveResult, ...]:
        """Return every objective's result for every service in ``period`` (every part's).

        Each result holds the exact value, the objective with its target, and the verdict,
        as [`Report.objectives`][slakit.Report.objectives] gives them.
        """
        return tuple(r for report in self.reports(period) for r in report.objectives)

    # --- trends ------------------------------------------------------------------------------

    @functools.cached_property
    def _keyed(self) -> list[tuple[tuple[str, str], int, ReviewPart, ObjectiveColumn]]:
        """Every (trend key, period index, part, objective column), in order."""
        out: list[tuple[tuple[str, str], int, ReviewPart, ObjectiveColumn]] = []
        for index, period in enumerate(self.periods):
            for part in period.parts:
                columns = part.report.objective_columns
                out.extend(
                    (key, index, part, column)
                    for key, column in zip(_keys(columns), columns, strict=True)
                )
        return out

    @functools.cached_property
    def _names(self) -> dict[tuple[str, str], str]:
        """Each trend key's name: the measure's label, with more where two would share it."""
        keys = list(dict.fromkeys(key for key, *_ in self._keyed))
        labels: dict[tuple[str, str], str] = {}
        for key, _, _, column in self._keyed:
            labels.setdefault(key, column.objective.measure.label)
        names = {}
        for key in keys:
            name = labels[key]
            if [labels[k] for k in keys].count(name) > 1:
                name = f"{name} {key[1]}"
                if [f"{labels[k]} {k[1]}" for k in keys].count(name) > 1:
                    name = f"{key[0]} {key[1]}"
            names[key] = name
        return names

    @functools.cached_property
    def trends(self) -> tuple[ObjectiveTrend, ...]:
        """Every objective's trend over the range, in the order the agreement lists them."""
        points: dict[tuple[str, str], list[TrendPoint]] = {}
        measures: dict[tuple[str, str], Measure] = {}
        for key, index, part, column in self._keyed:
            points.setdefault(key, []).append(_point(self.periods[index].label, part, column))
            measures.setdefault(key, column.objective.measure)
        return tuple(
            ObjectiveTrend(
                name=self._names[key],
                comparator=key[1],
                measure=measures[key],
                points=tuple(found),
            )
            for key, found in points.items()
        )

    def trend(self, name: str) -> ObjectiveTrend:
        """Return the trend named ``name`` (``'uptime'``)."""
        for trend in self.trends:
            if trend.name == name:
                return trend
        raise KeyError(
            f"{name!r} is not an objective of this review: {[t.name for t in self.trends]}"
        )

    @functools.cached_property
    def _breach_matrix(self) -> tuple[_Services, dict[tuple[str, str], npt.NDArray[np.bool_]]]:
        """Per trend key, a periods x services matrix: whether the service missed it.

        A service missed an objective in a period when it missed it in any part of
        the period (an amendment splits a period into parts).
        """
        services = _Services()
        for period in self.periods:  # every service of every version, before the matrices
            for part in period.parts:
                services.codes(part.report.services)
        shape = (len(self.periods), len(services.names))
        matrices: dict[tuple[str, str], npt.NDArray[np.bool_]] = {}
        for key, index, _, column in self._keyed:
            matrix = matrices.setdefault(key, np.zeros(shape, dtype=bool))
            codes = services.codes(column.outcome.services)
            matrix[index, codes[column.verdict == _BREACHED]] = True
        return services, matrices

    def breaches(self, period: str) -> int:
        """Return how many (service, objective) pairs missed their target in ``period``."""
        index = self.periods.index(self[period])
        _, matrices = self._breach_matrix
        return sum(int(m[index].sum()) for m in matrices.values())

    @functools.cached_property
    def chronic_breaches(self) -> tuple[ChronicBreach, ...]:
        """Every run of ``chronic`` or more periods in a row of one service missing one objective.

        Objective by objective, then service by service (in the agreement's order).
        """
        services, matrices = self._breach_matrix
        labels = self.labels
        last = len(labels)
        out = []
        for key, matrix in matrices.items():
            for service, first, end in _runs(matrix, self.chronic):
                out.append(
                    ChronicBreach(
                        service=services.names[service],
                        objective=self._names[key],
                        periods=labels[first:end],
                        ongoing=end == last,
                    )
                )
        return tuple(out)

    # --- outages -----------------------------------------------------------------------------

    @functools.cached_property
    def _outages(self) -> tuple[list[str], list[str], I64, I64, I64, I64]:
        """Every outage of the range as columns: measure and service codes, start, end.

        Returns the measure labels, the service names, then one row per outage:
        its measure's code, its service's code, its start and its end; ordered by
        measure, service and start.
        """
        services = _Services()
        measures: dict[str, int] = {}
        parts: list[tuple[int, I64, I64, I64]] = []
        for period in self.periods:
            for part in period.parts:
                for spans in part.down():
                    code = measures.setdefault(spans.measure.label, len(measures))
                    codes = services.codes(spans.services)
                    parts.append((code, codes[spans.group], spans.start, spans.end))
        if not sum(s.shape[0] for _, s, _, _ in parts):
            empty = np.zeros(0, dtype=np.int64)
            return list(measures), services.names, empty, empty, empty, empty
        measure = np.concatenate([np.full(s.shape[0], m, dtype=np.int64) for m, s, _, _ in parts])
        service = np.concatenate([s for _, s, _, _ in parts])
        start = np.concatenate([a for _, _, a, _ in parts]).astype(np.int64)
        end = np.concatenate([b for _, _, _, b in parts]).astype(np.int64)
        order = np.lexsort((end, start, service, measure))
        measure, service, start, end = measure[order], service[order], start[order], end[order]
        # Merge spans that meet or overlap within one (measure, service): the instants as
        # ranks, so that one running maximum over "group x ranks + end" stays in its group.
        _, ranks = np.unique(np.concatenate([start, end]), return_inverse=True)
        ranks = ranks.reshape(-1).astype(np.int64)
        n = start.shape[0]
        width = 2 * n + 1
        group = measure * (len(services.names) + 1) + service
        new_group = np.ones(n, dtype=bool)
        new_group[1:] = group[1:] != group[:-1]
        keyed_end = np.maximum.accumulate(group * width + ranks[n:])
        reach = np.empty(n, dtype=np.int64)
        reach[0] = -1
        reach[1:] = keyed_end[:-1] - group[1:] * width
        first = np.flatnonzero(new_group | (ranks[:n] > reach))
        merged_end = np.maximum.reduceat(end, first)
        return (
            list(measures),
            services.names,
            measure[first],
            service[first],
            start[first],
            merged_end,
        )

    @property
    def outages(self) -> int:
        """How many outages there were over the range (see the module's definition)."""
        return int(self._outages[4].shape[0])

    @property
    def down_us(self) -> int:
        """The outages' total length, microseconds."""
        _, _, _, _, start, end = self._outages
        return int((end - start).sum())

    def _periods_of(self, start: int, end: int) -> tuple[str, ...]:
        return tuple(p.label for p in self.periods if p.period.start < end and start < p.period.end)

    @functools.cached_property
    def longest_outages(self) -> tuple[ReviewOutage, ...]:
        """The ``top`` longest outages, longest first (then the earliest, then by service)."""
        measures, names, measure, service, start, end = self._outages
        order = np.lexsort((measure, service, start, -(end - start)))[: self.top]
        return tuple(
            ReviewOutage(
                service=names[int(service[i])],
                measure=measures[int(measure[i])],
                start=int(start[i]),
                end=int(end[i]),
                periods=self._periods_of(int(start[i]), int(end[i])),
            )
            for i in order.tolist()
        )

    @functools.cached_property
    def most_outages(self) -> tuple[OutageCount, ...]:
        """The ``top`` services with the most outages (then the most down time), per measure."""
        measures, names, measure, service, start, end = self._outages
        if not measure.shape[0]:
            return ()
        group = measure * len(names) + service  # sorted: the outages are by measure and service
        keys, first, count = np.unique(group, return_index=True, return_counts=True)
        length = end - start
        down = np.add.reduceat(length, first)
        longest = np.maximum.reduceat(length, first)
        order = np.lexsort((keys, -down, -count))[: self.top]
        return tuple(
            OutageCount(
                service=names[int(keys[i]) % len(names)],
                measure=measures[int(keys[i]) // len(names)],
                outages=int(count[i]),
                down_us=int(down[i]),
                longest_us=int(longest[i]),
            )
            for i in order.tolist()
        )

    # --- amendments --------------------------------------------------------------------------

    @functools.cached_property
    def amendment_changes(self) -> tuple[AmendmentChange, ...]:
        """For each amendment effective in the range, the version before against the new one."""
        versions = self.agreement.versions()
        out = []
        for amendment, before, after in zip(
            self.agreement.amendments, versions, versions[1:], strict=False
        ):
            if not self.start <= amendment.effective < self.end:
                continue
            out.append(
                AmendmentChange(
                    version=after.label,
                    before=before.label,
                    effective=amendment.effective,
                    changes=tuple(amendment.changes()),
                    objectives=self._objective_changes(before.number, after.number),
                    periods_before=self._share(before.number),
                    periods_after=self._share(after.number),
                    credit_before=self._credit_per_period(before.number),
                    credit_after=self._credit_per_period(after.number),
                    currency=self.currency,
                )
            )
        return tuple(out)

    def _parts_of(self, number: int) -> list[tuple[ReviewPeriod, ReviewPart]]:
        return [
            (p, part) for p in self.periods for part in p.parts if part.version.number == number
        ]

    def _share(self, number: int) -> Fraction:
        return sum(
            (
                Fraction(part.end - part.start, p.period.length_us)
                for p, part in self._parts_of(number)
            ),
            Fraction(0),
        )

    def _credit_per_period(self, number: int) -> Fraction | None:
        share = self._share(number)
        if share == 0:
            return None
        credit = sum((part.report.exact_total for _, part in self._parts_of(number)), Fraction(0))
        return credit / share

    def _objective_changes(self, before: int, after: int) -> tuple[ObjectiveChange, ...]:
        out = []
        for trend in self.trends:
            sides = []
            for number in (before, after):
                label = next((v.label for v in self.agreement.versions() if v.number == number), "")
                points = [p for p in trend.points if p.version == label]
                good = sum(p.good for p in points)
                total = sum(p.total for p in points)
                target = points[-1].target if points else None
                sides.append((target, None if total == 0 else Fraction(good, total)))
            (target_before, value_before), (target_after, value_after) = sides
            if target_before is None and target_after is None:
                continue
            out.append(
                ObjectiveChange(
                    objective=trend.name,
                    target_before=target_before,
                    target_after=target_after,
                    before=value_before,
                    after=value_after,
                    measure=trend.measure,
                )
            )
        return tuple(out)

    # --- renderings --------------------------------------------------------------------------

    def to_html(self) -> str:
        """Return the review as one self-contained HTML page, with its charts as inline SVG."""
        return page(review_blocks(self), review_title(self))

    def to_markdown(self) -> str:
        """Return the review as Markdown: what ``to_html()`` says, charts as text."""
        return markdown(review_blocks(self))

    def to_text(self) -> str:
        """Return the review as plain text, with aligned tables and wrapped prose."""
        return text(review_blocks(self))

    def to_dict(self) -> dict[str, Any]:
        """Return the review as plain JSON-ready data; exact numbers are strings.

        Keys: ``form`` (``'slakit-review/1'``), ``agreement``, ``provider``,
        ``customer``, ``tz``, ``start`` and ``end`` (labels), ``chronic``, ``notes``;
        ``periods`` (one entry per period: its bounds, versions, breaches and
        credit, ``exact`` and rounded ``amount``); ``credits`` (the totals);
        ``trends`` (per objective, one point per period or part: target, worst
        value and service, pooled value, counts); ``values``, the table of every
        period x service x objective result as columns (``period``,
        ``version``, ``service``, ``objective``, ``value`` exact such as
        ``'575/576'`` or ``None``, ``target``, ``verdict``); ``outages``
        (count, down seconds, ``longest`` and ``most``); ``chronic_breaches``;
        ``amendments``. Instants are ISO 8601 in UTC; lengths of time exact
        seconds.
        """
        return _to_dict(self)

    def __repr__(self) -> str:
        span = f"{self.labels[0]}..{self.labels[-1]}" if self.periods else "no periods"
        return (
            f"<Review {self.agreement.title!r} {span}: {len(self.chronic_breaches)} chronic "
            f"breaches, credit {self.total}>"
        )


# --- JSON ---------------------------------------------------------------------------------------


def _seconds(us: int) -> str:
    return str(Fraction(us, 1_000_000))


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


def _money(exact: Fraction, rounded: Money) -> dict[str, str]:
    return {"exact": str(exact), "amount": str(rounded.amount), "currency": rounded.currency}


def _values_table(review: Review) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {
        k: [] for k in ("period", "version", "service", "objective", "value", "target", "verdict")
    }
    names = np.asarray([v.value for v in VERDICTS], dtype=object)
    for key, index, part, column in review._keyed:
        outcome = column.outcome
        n = len(outcome.services)
        values: list[str | None] = [None] * n
        valued = np.flatnonzero(outcome.total != 0)
        if valued.shape[0]:
            exact, _ = value_texts(outcome.good[valued], outcome.total[valued])
            for i, value in zip(valued.tolist(), exact, strict=True):
                values[i] = value
        columns["period"].extend([review.periods[index].label] * n)
        columns["version"].extend([part.version.label] * n)
        columns["service"].extend(outcome.services)
        columns["objective"].extend([review._names[key]] * n)
        columns["value"].extend(values)
        columns["target"].extend([str(column.objective.target)] * n)
        columns["verdict"].extend(names[column.verdict.astype(np.int64)].tolist())
    return columns


def _to_dict(review: Review) -> dict[str, Any]:
    agreement = review.agreement
    return {
        "form": REVIEW_FORM,
        "agreement": agreement.title,
        "provider": agreement.provider,
        "customer": agreement.customer,
        "tz": review.tz,
        "start": review.labels[0],
        "end": review.labels[-1],
        "chronic": review.chronic,
        "notes": list(review.notes),
        "periods": [
            {
                "period": p.label,
                "start": format_us(p.period.start),
                "end": format_us(p.period.end),
                "versions": list(p.versions),
                "breaches": review.breaches(p.label),
                "credit": _money(p.exact_credit, p.credit),
            }
            for p in review.periods
        ],
        "credits": {
            "exact_total": str(review.exact_total),
            "total": {"amount": str(review.total.amount), "currency": review.currency},
        },
        "trends": [
            {
                "objective": t.name,
                "comparator": t.comparator,
                "measure": repr(t.measure),
                "points": [
                    {
                        "period": p.period,
                        "version": p.version,
                        "start": format_us(p.start),
                        "end": format_us(p.end),
                        "target": str(p.target),
                        "worst": _exact(p.worst),
                        "worst_service": p.worst_service,
                        "pooled": _exact(p.pooled),
                        "services": p.services,
                        "met": p.met,
                        "breached": p.breached,
                        "no_data": p.no_data,
                        "excluded": p.excluded,
                    }
                    for p in t.points
                ],
            }
            for t in review.trends
        ],
        "values": _values_table(review),
        "outages": {
            "count": review.outages,
            "down_seconds": _seconds(review.down_us),
            "longest": [
                {
                    "service": o.service,
                    "measure": o.measure,
                    "start": format_us(o.start),
                    "end": format_us(o.end),
                    "seconds": _seconds(o.length_us),
                    "periods": list(o.periods),
                }
                for o in review.longest_outages
            ],
            "most": [
                {
                    "service": c.service,
                    "measure": c.measure,
                    "outages": c.outages,
                    "down_seconds": _seconds(c.down_us),
                    "longest_seconds": _seconds(c.longest_us),
                }
                for c in review.most_outages
            ],
        },
        "chronic_breaches": [
            {
                "service": b.service,
                "objective": b.objective,
                "periods": list(b.periods),
                "length": b.length,
                "ongoing": b.ongoing,
            }
            for b in review.chronic_breaches
        ],
        "amendments": [
            {
                "version": a.version,
                "before": a.before,
                "effective": format_us(a.effective),
                "changes": list(a.changes),
                "periods_before": str(a.periods_before),
                "periods_after": str(a.periods_after),
                "credit_per_period_before": _exact(a.credit_before),
                "credit_per_period_after": _exact(a.credit_after),
                "currency": a.currency,
                "objectives": [
                    {
                        "objective": o.objective,
                        "target_before": None if o.target_before is None else str(o.target_before),
                        "target_after": None if o.target_after is None else str(o.target_after),
                        "before": _exact(o.before),
                        "after": _exact(o.after),
                        "change": _exact(o.change),
                    }
                    for o in a.objectives
                ],
            }
            for a in review.amendment_changes
        ],
    }


# --- charts -------------------------------------------------------------------------------------

_POINT_R = 4.0
_SQUARE = 9.0
_MET = "#737373"
_MISSED = "#1a1a1a"


def _nice_step(span: float, lines: int = 5) -> Decimal:
    """Return 1, 2 or 5 times a power of ten: the least step splitting ``span`` in ``lines``."""
    power = math.floor(math.log10(span / lines)) if span > 0 else 0
    for p in (power, power + 1):
        for m in (1, 2, 5):
            step = Decimal(m).scaleb(p)
            if span / float(step) <= lines:
                return step
    return Decimal(1).scaleb(power + 2)  # pragma: no cover - the loop always finds one


def _scale(low: float, high: float, *, zero: bool = False) -> tuple[list[Decimal], float, float]:
    """Return round grid values from at or under ``low`` to at or over ``high``, and the ends."""
    if zero:
        low = min(low, 0.0)
    if high <= low:
        pad = abs(high) * 0.001 or 1.0
        low, high = (low, high + pad) if zero and low == 0 else (low - pad, high + pad)
    step = _nice_step(high - low)
    first = math.floor(low / float(step) + 1e-9)
    last = math.ceil(high / float(step) - 1e-9)
    grid = [step * k for k in range(first, last + 1)]
    return grid, float(grid[0]), float(grid[-1])


def _checked_spans(spans: ch.Spans, count: int, name: str) -> tuple[I64, I64]:
    starts = np.asarray(spans[0], dtype=np.int64)
    ends = np.asarray(spans[1], dtype=np.int64)
    if starts.shape != (count,) or ends.shape != (count,):
        raise ValueError(f"{name}: give one span per value ({count}), as (starts, ends)")
    if bool(np.any(ends <= starts)):
        raise ValueError(f"{name}: each span must end after it starts")
    return starts, ends


def _value_marks(
    xs: Sequence[float], values: Sequence[float | None], breached: Sequence[bool], y_of: Any
) -> tuple[list[str], list[str]]:
    """Return one mark per value (met, missed or no data) and the path through the values."""
    marks: list[str] = []
    line: list[str] = []
    for x, value, missed in zip(xs, values, breached, strict=True):
        if value is None:
            marks.append(
                f'<circle class="mark value nodata" cx="{ch._num(x)}" '
                f'cy="{ch._num(ch._PLOT_BOTTOM)}" r="{ch._num(_POINT_R)}" fill="#ffffff" '
                f'stroke="{ch._INK}" stroke-width="1.5"/>'
            )
            continue
        y = y_of(value)
        line.append(f"{'L' if line else 'M'}{ch._num(x)} {ch._num(y)}")
        if missed:
            half = _SQUARE / 2
            marks.append(
                f'<rect class="mark value breached" x="{ch._num(x - half)}" '
                f'y="{ch._num(y - half)}" width="{ch._num(_SQUARE)}" height="{ch._num(_SQUARE)}" '
                f'fill="{_MISSED}" stroke="#ffffff" stroke-width="1"/>'
            )
        else:
            marks.append(
                f'<circle class="mark value" cx="{ch._num(x)}" cy="{ch._num(y)}" '
                f'r="{ch._num(_POINT_R)}" fill="{_MET}" stroke="#ffffff" stroke-width="1"/>'
            )
    return marks, line


def _step_path(axis: Any, starts: list[int], ends: list[int], ys: list[float]) -> str:
    """Return a step line at ``ys[i]`` over each span, joined where spans meet."""
    path: list[str] = []
    previous: int | None = None
    for a, b, y in zip(starts, ends, ys, strict=True):
        if previous is None or a != previous:
            path.append(f"M{ch._num(axis.x(a))} {ch._num(y)}")
        else:
            path.append(f"V{ch._num(y)}")
        path.append(f"H{ch._num(axis.x(b))}")
        previous = b
    return "".join(path)


_DASH = f'stroke="{ch._LIMIT}" stroke-width="1.5" stroke-dasharray="6 3"'
_LINE = f'stroke="{ch._AXIS}" stroke-width="1.5"'


def _trend_legend(values: Sequence[float | None], breached: Sequence[bool]) -> list[ch._Entry]:
    """Return the legend entries of the layers a trend chart has (the target always)."""
    pairs = list(zip(values, breached, strict=True))
    legend: list[ch._Entry] = []
    if any(v is not None for v in values):
        legend.append(ch._Entry("trend", "line", _LINE, "Value"))
    if any(v is not None and not b for v, b in pairs):
        legend.append(ch._Entry("value", "rect", f'fill="{_MET}"', "Target met"))
    if any(v is not None and b for v, b in pairs):
        legend.append(ch._Entry("breached", "rect", f'fill="{_MISSED}"', "Target missed"))
    if any(v is None for v in values):
        legend.append(ch._Entry("nodata", "rect", f'fill="#ffffff" stroke="{ch._INK}"', "No data"))
    legend.append(ch._Entry("target", "line", _DASH, "Target"))
    return legend


def trend_svg(
    *,
    title: str,
    start: int,
    end: int,
    tz: str,
    spans: ch.Spans,
    values: Sequence[float | None],
    breached: Sequence[bool],
    targets: Sequence[Decimal],
    unit: Callable[[Decimal], str],
    ident: str,
) -> str:
    """Return a value per period against its target over ``[start, end)``, as inline SVG.

    Each period (or part of one) ``[spans[0][i], spans[1][i])`` is one point at
    its middle: a grey ``circle`` of class ``mark value`` when its value met the
    target, a black square (``rect``) of class ``mark value breached`` when
    ``breached[i]``, and a hollow ``circle`` on the time axis of class ``mark
    value nodata`` when ``values[i]`` is ``None``. One ``path`` of class ``mark
    trend`` joins the values in order (none without values); one dashed
    ``path`` of class ``mark target`` steps through ``targets[i]`` over each
    span, labelled with the last target. The y axis runs over round values
    (labelled by ``unit``) that hold every value and target. The values are
    for drawing only: the exact figures are in the review's tables.

    Raises:
        ValueError: the range is empty or out of bounds, there are no values, the
            columns differ in length, a span is empty, or ``ident`` is not an id prefix.
        UnknownZoneError: ``tz`` is not an IANA zone.
    """
    ident = ch._check_ident(ident)
    first, last = ch._range(start, end)
    zi = zone(tz)
    axis = ch._TimeAxis(first, last)
    n = len(values)
    if not n:
        raise ValueError("values is empty: give one value (or None) per period")
    lo, hi = _checked_spans(spans, n, "spans")
    if len(breached) != n or len(targets) != n:
        raise ValueError(f"give one breach flag and one target per value ({n})")
    levels = [float(t) for t in targets]
    drawn = [v for v in values if v is not None] + levels
    grid, bottom, top = _scale(min(drawn), max(drawn))

    def y_of(value: float) -> float:
        return ch._PLOT_BOTTOM - (value - bottom) / (top - bottom) * ch._PLOT_H

    middles = axis.xs((lo + (hi - lo) // 2).clip(first, last)).tolist()
    marks, line = _value_marks(middles, values, breached, y_of)
    target = _step_path(
        axis,
        np.maximum(lo, first).tolist(),
        np.minimum(hi, last).tolist(),
        [y_of(t) for t in levels],
    )
    legend_parts, legend_bottom = ch._legend(_trend_legend(values, breached), ch._PLOT_BOTTOM + 48)
    parts = ch._open("trend", title, legend_bottom + 10, ident)
    parts += ch._grid([unit(v) for v in grid], [y_of(float(v)) for v in grid])
    parts += [
        '<g class="layer target">',
        f'<path class="mark target" d="{target}" fill="none" {_DASH}/>',
        ch._line_label("target-label", y_of(levels[-1]) - 4, f"target {unit(targets[-1])}"),
        "</g>",
    ]
    if line:
        parts.append(f'<path class="mark trend" d="{"".join(line)}" fill="none" {_LINE}/>')
    parts += ['<g class="layer value">', *marks, "</g>"]
    parts += ch._time_axis(axis, zi, tz, ch._PLOT_BOTTOM)
    parts += legend_parts
    parts.append("</svg>")
    return "\n".join(parts)


def credits_svg(
    *,
    title: str,
    start: int,
    end: int,
    tz: str,
    spans: ch.Spans,
    amounts: Sequence[float],
    unit: Callable[[Decimal], str],
    ident: str,
) -> str:
    """Return the credit of each period over ``[start, end)`` as bars, as inline SVG.

    Each period ``[spans[0][i], spans[1][i])`` is one ``rect`` of class ``mark
    credit``, as tall as ``amounts[i]`` (no height for no credit), inset a little
    from the period's bounds. The y axis runs from 0 over round amounts
    labelled by ``unit``.

    Raises:
        ValueError: the range is empty or out of bounds, the columns differ in
            length, a span is empty, an amount is negative, or ``ident`` is not an id
            prefix.
        UnknownZoneError: ``tz`` is not an IANA zone.
    """
    ident = ch._check_ident(ident)
    first, last = ch._range(start, end)
    zi = zone(tz)
    axis = ch._TimeAxis(first, last)
    lo, hi = _checked_spans(spans, len(amounts), "spans")
    if any(a < 0 for a in amounts):
        raise ValueError("amounts: a credit drawn is not negative")
    grid, _, top = _scale(0.0, max(amounts, default=0.0), zero=True)
    lo, hi = np.maximum(lo, first), np.minimum(hi, last)
    left, width = axis.bars(lo, hi)
    inset = width * 0.1
    bars = []
    for x, w, amount in zip(
        (left + inset).tolist(), (width - 2 * inset).tolist(), amounts, strict=True
    ):
        h = amount / top * ch._PLOT_H if top else 0.0
        bars.append(
            f'<rect class="mark credit" x="{ch._num(x)}" y="{ch._num(ch._PLOT_BOTTOM - h)}" '
            f'width="{ch._num(max(w, ch.MIN_WIDTH))}" height="{ch._num(h)}" fill="{ch._BUCKET}" '
            f'stroke="{ch._INK}" stroke-width="{1 if h else 0}"/>'
        )
    legend_parts, legend_bottom = ch._legend(
        [
            ch._Entry(
                "credit", "rect", f'fill="{ch._BUCKET}" stroke="{ch._INK}"', "Credit of the period"
            )
        ],
        ch._PLOT_BOTTOM + 48,
    )
    parts = ch._open("credits", title, legend_bottom + 10, ident)
    parts += ch._grid(
        [unit(v) for v in grid], [ch._PLOT_BOTTOM - float(v) / top * ch._PLOT_H for v in grid]
    )
    parts += ['<g class="layer credit">', *bars, "</g>"]
    parts += ch._time_axis(axis, zi, tz, ch._PLOT_BOTTOM)
    parts += legend_parts
    parts.append("</svg>")
    return "\n".join(parts)


# --- the document -------------------------------------------------------------------------------


def review_title(review: Review) -> str:
    """Return the review's title: ``'Service review: Acme / Globex, 2026-01 to 2026-12'``."""
    return f"Service review: {review.agreement.title}, {_range_text(review)}"


def _range_text(review: Review) -> str:
    labels = review.labels
    return labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"


def _every(review: Review) -> str:
    labels = review.labels
    if len(labels) == 1:
        return f"The period {labels[0]}"
    return f"Every period from {labels[0]} to {labels[-1]}"


def _count(n: int, thing: str, things: str | None = None) -> str:
    return f"{n:,} {thing if n == 1 else (things or thing + 's')}"


def _short(measure: Measure, value: Fraction | Decimal | None) -> str:
    """Return a value as the measure writes it, without the exact fraction that may follow."""
    if value is None:
        return "no data"
    return measure.format_value(value).split(" (exact ", 1)[0]


def _money_short(value: Fraction, currency: str, *, sign: bool = False) -> str:
    """Return an exact amount in minor units, with the exact fraction when it has more digits.

    ``'100.00 USD'``; ``'40.26 USD (exact 3100/77)'`` (rounded half-even, for reading only).
    """
    digits = minor_unit(currency)
    rounded = round_fraction(value, digits, "half_even")
    prefix = "+" if sign and value >= 0 else ""
    if Fraction(rounded) == value:
        return f"{prefix}{rounded:,} {currency}"
    return f"{prefix}{rounded:,} {currency} (exact {value})"


def _header(review: Review, clock: Any) -> list[Block]:
    agreement = review.agreement
    first, last = review.periods[0].period, review.periods[-1].period
    tiers = list(
        dict.fromkeys(part.report.agreement.tier.name for p in review.periods for part in p.parts)
    )
    facts = [
        ("Provider", agreement.provider),
        ("Customer", agreement.customer),
        ("Tier", ", ".join(tiers)),
        (
            "Periods",
            (
                f"{_range_text(review)} ({_count(len(review.periods), 'period')}): "
                f"{clock.local(first.start)} to {clock.local(last.end)}, {review.tz} time"
            ),
        ),
    ]
    versions = list(dict.fromkeys(v for p in review.periods for v in p.versions))
    if len(versions) > 1 or agreement.amendments:
        facts.append(("Versions", ", ".join(versions)))
    breaches = sum(review.breaches(label) for label in review.labels)
    facts += [
        ("Breaches", f"{breaches:,} (service, objective and period)"),
        ("Chronic breaches", f"{len(review.chronic_breaches):,}"),
        ("Outages", f"{review.outages:,}, {describe_us(review.down_us)} of down time"),
        ("Total credit", f"**{review.total}**"),
    ]
    blocks: list[Block] = [
        Heading(1, f"Service review: {agreement.title}"),
        Para(
            f"{_every(review)} evaluated over the same inputs, as each period's credit "
            "statement would be, and read as trends: the "
            "value of each objective against its target, breaches, credits, outages, chronic "
            "breaches and the change after each amendment."
        ),
        Facts(tuple(facts)),
    ]
    blocks.extend(Para(note, tone="note") for note in review.notes)
    return blocks


def _periods(review: Review) -> list[Block]:
    currency = review.currency
    rows: list[tuple[str, ...]] = []
    marks: list[str] = []
    for p in review.periods:
        counts = dict.fromkeys(VERDICTS, 0)
        for part in p.parts:
            for column in part.report.objective_columns:
                found = np.bincount(column.verdict.astype(np.int64), minlength=len(VERDICTS))
                for v, n in zip(VERDICTS, found.tolist(), strict=True):
                    counts[v] += n
        breaches = review.breaches(p.label)
        rows.append(
            (
                p.label,
                ", ".join(p.versions),
                f"{counts[Verdict.MET]:,}",
                f"{breaches:,}",
                f"{counts[Verdict.NO_DATA]:,}",
                _money_short(p.exact_credit, currency),
                str(p.credit),
            )
        )
        marks.append("breached" if breaches else "")
    rows.append(
        (
            "total",
            "",
            "",
            f"{sum(review.breaches(label) for label in review.labels):,}",
            "",
            _money_short(review.exact_total, currency),
            f"**{review.total}**",
        )
    )
    marks.append("total")
    return [
        Heading(2, "Periods"),
        Para(
            "Per period: the objective results met, the (service, objective) pairs that missed "
            "their target, those with no data, and the credit: exact, then rounded once as the "
            "period's statement settles it. The total adds the rounded credits."
        ),
        Table(
            ("period", "versions", "met", "breaches", "no data", "credit (exact)", "credit"),
            tuple(rows),
            numeric=(2, 3, 4, 5, 6),
            marks=tuple(marks),
        ),
    ]


def _point_spans(review: Review, trend: ObjectiveTrend) -> tuple[list[int], list[int]]:
    return [p.start for p in trend.points], [p.end for p in trend.points]


def _trend_blocks(review: Review, prefix: str) -> list[Block]:
    blocks: list[Block] = [
        Heading(2, "Trends"),
        Para(
            "For each objective, its value per period against its target. With more than one "
            "service, the chart draws the worst service's value (the one that decides whether "
            "every service met the target); the table adds every service's value pooled (the "
            "sum of the measured numerators over the sum of the denominators: for uptime, the up "
            "time of every service over their eligible time) and how many services met or "
            "missed it."
        ),
    ]
    for index, trend in enumerate(review.trends):
        measure = trend.measure
        several = any(p.services > 1 for p in trend.points)
        what = "the worst service's value" if several else "the value"
        missed = sum(1 for p in trend.points if p.breached)
        svg = trend_svg(
            title=f"{trend.name}: {'worst service' if several else 'value'} per period",
            start=review.start,
            end=review.end,
            tz=review.tz,
            spans=_point_spans(review, trend),
            values=[None if p.worst is None else float(p.worst) for p in trend.points],
            breached=[p.breached > 0 for p in trend.points],
            targets=[p.target for p in trend.points],
            unit=measure.format_value,
            ident=f"{prefix}t{index}",
        )
        rows = tuple(
            (
                _part_label(review, p),
                _short(p.objective.measure, p.target),
                _short(p.objective.measure, p.worst),
                p.worst_service or "",
                _short(p.objective.measure, p.pooled),
                f"{p.met:,}",
                f"{p.breached:,}",
                f"{p.no_data:,}",
            )
            for p in trend.points
        )
        blocks.append(
            Section(
                3,
                trend.name,
                (
                    Figure(
                        svg,
                        f"{trend.name}: {what} in each period against the target",
                        f"{_count(len(trend.points), 'period')}; the target was missed in "
                        f"{missed or 'none'} of them.",
                    ),
                    Table(
                        (
                            "period",
                            f"target ({trend.comparator})",
                            "worst",
                            "service",
                            "pooled",
                            "met",
                            "missed",
                            "no data",
                        ),
                        rows,
                        numeric=(2, 4, 5, 6, 7),
                        marks=tuple("breached" if p.breached else "" for p in trend.points),
                    ),
                ),
            )
        )
    if not review.trends:
        blocks.append(Para("The agreement has no objectives."))
    return blocks


def _part_label(review: Review, point: TrendPoint) -> str:
    period = review[point.period]
    for part in period.parts:
        if part.version.label == point.version:
            return period.part_label(part)
    return point.period  # pragma: no cover - every point comes from a part


def _credit_blocks(review: Review, prefix: str) -> list[Block]:
    currency = review.currency
    paid = [p for p in review.periods if p.exact_credit]
    svg = credits_svg(
        title="Credits per period",
        start=review.start,
        end=review.end,
        tz=review.tz,
        spans=(
            [p.period.start for p in review.periods],
            [p.period.end for p in review.periods],
        ),
        amounts=[max(float(p.credit.amount), 0.0) for p in review.periods],
        unit=lambda v: f"{v:,f} {currency}",
        ident=f"{prefix}c",
    )
    return [
        Heading(2, "Credits"),
        Figure(
            svg,
            "The credit of each period, rounded once",
            f"Credits were paid in {_count(len(paid), 'period')} of {len(review.periods)}; "
            f"{review.total} in all.",
        ),
        Para(
            f"The periods' exact credits add up to "
            f"{fraction_text(review.exact_total).removesuffix(' (exact)')} {currency}; each "
            f"period is rounded once, and the rounded credits add up to **{review.total}**."
        ),
    ]


def _chronic_blocks(review: Review) -> list[Block]:
    found = review.chronic_breaches
    blocks: list[Block] = [
        Heading(2, "Chronic breaches"),
        Para(
            f"A chronic breach is one service missing one objective in {review.chronic} or more "
            "consecutive periods; a period in which it was met, had no data or was excluded "
            "ends the run. A run that reaches the last period of the review may go on."
        ),
    ]
    if not found:
        blocks.append(Para(f"No objective was missed in {review.chronic} consecutive periods."))
        return blocks
    blocks.append(
        Table(
            ("service", "objective", "periods", "from", "to", "ongoing"),
            tuple(
                (
                    b.service,
                    b.objective,
                    f"{b.length:,}",
                    b.periods[0],
                    b.periods[-1],
                    "yes" if b.ongoing else "no",
                )
                for b in found
            ),
            numeric=(2,),
            marks=("breached",) * len(found),
        )
    )
    return blocks


def _outage_blocks(review: Review, clock: Any) -> list[Block]:
    blocks: list[Block] = [
        Heading(2, "Outages"),
        Para(
            "An outage is a stretch of counted down time of one service in one measure of time "
            "(uptime): a span the evidence lists as down time that counted, after the measure's "
            "rules (minimum outage, granularity, exclusions, service hours). Stretches that meet "
            "across periods are one outage. Times are in "
            + clock.tz
            + ("" if clock.utc else ", with UTC beside them")
            + "."
        ),
        Para(
            f"{_count(review.outages, 'outage')} over the range, "
            f"{describe_us(review.down_us)} of down time in all."
        ),
    ]
    if not review.outages:
        return blocks
    longest = review.longest_outages
    blocks.append(Heading(3, f"The longest outages ({len(longest)})"))
    header = clock.span_header()
    blocks.append(
        Table(
            ("service", "measure", *header, "periods"),
            tuple(
                (o.service, o.measure, *clock.span_cells(o.start, o.end), ", ".join(o.periods))
                for o in longest
            ),
            numeric=tuple(2 + i for i in clock.span_numeric),
        )
    )
    most = review.most_outages
    blocks.append(Heading(3, f"The services with the most outages ({len(most)})"))
    blocks.append(
        Table(
            ("service", "measure", "outages", "down time", "longest"),
            tuple(
                (
                    c.service,
                    c.measure,
                    f"{c.outages:,}",
                    describe_us(c.down_us),
                    describe_us(c.longest_us),
                )
                for c in most
            ),
            numeric=(2, 3, 4),
        )
    )
    return blocks


def _amendment_blocks(review: Review, clock: Any) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Amendments")]
    changes = review.amendment_changes
    if not changes:
        blocks.append(Para("No amendment took effect within the range."))
        return blocks
    blocks.append(
        Para(
            "For each amendment that took effect within the range: each objective's value with "
            "all services pooled over every period (or part) of the range under the version "
            "before it, against the version it made; and the credit per period under each (a "
            "part of a period counts as its share of the period)."
        )
    )
    for change in changes:
        currency = change.currency

        def credit(value: Fraction | None, currency: str = currency) -> str:
            return "" if value is None else _money_short(value, currency)

        rows: list[tuple[str, ...]] = [
            (
                o.objective,
                "" if o.target_before is None else _short(o.measure, o.target_before),
                "" if o.target_after is None else _short(o.measure, o.target_after),
                _short(o.measure, o.before),
                _short(o.measure, o.after),
                ""
                if o.change is None
                else o.measure.format_margin(o.change).split(" (exact", 1)[0],
            )
            for o in change.objectives
        ]
        rows.append(
            (
                "credit per period",
                "",
                "",
                credit(change.credit_before),
                credit(change.credit_after),
                ""
                if change.credit_before is None or change.credit_after is None
                else _money_short(change.credit_after - change.credit_before, currency, sign=True),
            )
        )
        blocks.append(
            Section(
                3,
                f"{change.version}, from {clock.local(change.effective)}",
                (
                    Para(
                        f"It replaced the {', '.join(change.changes)} of {change.before}. In the "
                        f"range, {change.before} was in force for "
                        f"{fraction_text(change.periods_before).removesuffix(' (exact)')} "
                        f"periods and {change.version} for "
                        f"{fraction_text(change.periods_after).removesuffix(' (exact)')}."
                    ),
                    Table(
                        (
                            "objective",
                            "target before",
                            "target after",
                            "before",
                            "after",
                            "change",
                        ),
                        tuple(rows),
                        numeric=(3, 4, 5),
                    ),
                ),
            )
        )
    return blocks


def _value_blocks(review: Review) -> list[Block]:
    services, _ = review._breach_matrix
    many = len(services.names) > SERVICES_LISTED
    blocks: list[Block] = [
        Heading(2, "Values by service"),
        Para(
            "Each service's value in each period as the measure writes it, rounded (the exact "
            "fractions are in the JSON form). A value that missed its target is in bold and ends "
            "in `!`."
            + (
                f" With {len(services.names):,} services, only those with a chronic breach of "
                "the objective are listed; every service's values are in the JSON form."
                if many
                else ""
            )
        ),
    ]
    order = {name: i for i, name in enumerate(services.names)}
    for trend in review.trends:
        entries = [
            (review.periods[index].part_label(part), column)
            for key, index, part, column in review._keyed
            if review._names[key] == trend.name
        ]
        listed: set[str] | None = None
        if many:
            listed = {b.service for b in review.chronic_breaches if b.objective == trend.name}
        cells: dict[str, dict[str, str]] = {}
        for label, column in entries:
            outcome = column.outcome
            if listed is None:
                positions: Sequence[int] = range(len(outcome.services))
            else:
                where = outcome.positions
                positions = [where[s] for s in listed if s in where]
            for i in positions:
                total = int(outcome.total[i])
                value = None if total == 0 else Fraction(int(outcome.good[i]), total)
                shown = _short(column.objective.measure, value)
                if int(column.verdict[i]) == _BREACHED:
                    shown = f"**{shown}!**"
                cells.setdefault(outcome.services[i], {})[label] = shown
        columns = [label for label, _ in entries]
        services_shown = sorted(cells, key=order.__getitem__)
        blocks.append(Heading(3, trend.name))
        if not services_shown:
            blocks.append(
                Para("No service had a chronic breach of it." if many else "No service measured.")
            )
        for at in range(0, len(columns) if services_shown else 0, COLUMNS_PER_TABLE):
            chunk = columns[at : at + COLUMNS_PER_TABLE]
            blocks.append(
                Table(
                    ("service", *chunk),
                    tuple(
                        (service, *(cells[service].get(c, "") for c in chunk))
                        for service in services_shown
                    ),
                    numeric=tuple(range(1, len(chunk) + 1)),
                )
            )
    return blocks


def review_blocks(review: Review, *, ident: str = "r") -> list[Block]:
    """Return the review as document blocks; ``ident`` prefixes the ids of its charts."""
    from slakit._results._credit_statement import _Clock

    clock = _Clock(review.tz)
    return [
        *_header(review, clock),
        *_periods(review),
        *_trend_blocks(review, ident),
        *_credit_blocks(review, ident),
        *_chronic_blocks(review),
        *_outage_blocks(review, clock),
        *_amendment_blocks(review, clock),
        *_value_blocks(review),
    ]
