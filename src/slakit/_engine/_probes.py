"""Probe measures: the runners of the mean, percentile and maximum of probe samples.

Every runner works on the columns of a [`ProbeTable`][slakit.ProbeTable] for all
services at once:

1. *classify*: one ``int8`` code per sample (counted, or ignored and why: outside
   the service hours, outside the period, another metric, a service the measure
   does not cover), from a lookup of the service codes, one comparison of the
   metric codes and of the instants, and, with service hours, one
   ``searchsorted`` of the instants in the hours' spans; one ``bincount`` of
   ``service * codes + code`` gives every count per service and reason. The
   classification is derived once per table and reused by the measures of one
   evaluation that read the same metric in the same hours;
2. *statistics*: ``np.add.at`` and ``np.maximum.at`` give each service's exact
   sum (``int64``, or Python integers past its range) and maximum; for a
   percentile, one sort of packed ``service * span + value`` keys orders every
   service's values, and each percentile is read at its rank.

Values are whole millionths of their unit, so a mean is ``sum / (count *
VALUE_SCALE)``, exact. Evidence is built only when asked for: one canonical
ordering of the rows, grouped by service, serves every service's evidence.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._measures import Measure
from slakit._dsl._probes import (
    DEFAULT_UNITS,
    ProbeMax,
    ProbeMean,
    ProbeMeasure,
    ProbePercentile,
)
from slakit._engine._inputs import Inputs, register_records
from slakit._engine._order import canonical
from slakit._engine._registry import Context, register
from slakit._events._probes import VALUE_SCALE, Probe, ProbeTable, value_text
from slakit._ratio import format_percent
from slakit._results._evidence import EventNote, MeasureOutcome
from slakit._results._probes import ProbeEvidence, ProbeNote
from slakit._time._timeline import Span, Timeline

__all__ = [
    "CATEGORIES",
    "REASONS",
    "ProbeColumns",
    "percentile_ranks",
    "probe_columns",
    "run_probe_measure",
]

register_records((Probe,), ProbeTable, ProbeTable.from_records)

I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]

# Row codes: what one sample did in one measure (a later rule overrides an earlier one).
COUNTED: Final = 0
OUTSIDE_HOURS: Final = 1
OUTSIDE_PERIOD: Final = 2
OTHER_METRIC: Final = 3
NOT_COVERED: Final = 4
NCODES: Final = 5
#: The reason of each row code, as counted in the reconciliation.
REASONS: Final = (
    "counted",
    "ignored: outside the service hours",
    "ignored: outside the period",
    "ignored: another metric",
    "ignored: service not covered",
)
CATEGORIES: Final = ("counted", "ignored", "ignored", "ignored", "ignored")
#: No time: the down, excluded and outside-window time of every probe measure's evidence.
_NONE: Final = Timeline()


# --- classification ----------------------------------------------------------------------


def _service_index(table: ProbeTable, services: tuple[str, ...]) -> I64:
    """Return each row's position in ``services`` (``len(services)`` when not covered)."""

    def build() -> I64:
        s = len(services)
        position = {name: i for i, name in enumerate(services)}
        lut = np.asarray([position.get(x, s) for x in table.services] or [s], dtype=np.int64)
        return lut[table.service] if len(table) else np.zeros(0, dtype=np.int64)

    found: I64 = table.derived(("service index", services), build)
    return found


def service_hours(measure: ProbeMeasure, ctx: Context) -> Timeline:
    """Return the evaluated time whose samples count: the span, within the service hours."""
    if measure.during is None:
        return Timeline([Span(ctx.start, ctx.period.end)])
    return measure.during.timeline(ctx.start, ctx.period.end)


def _within(hours: Timeline, time: I64) -> npt.NDArray[np.bool_]:
    """Return which instants lie in one of the (sorted, disjoint) spans of ``hours``."""
    starts, ends = hours.starts, hours.ends
    if not starts.shape[0]:
        return np.zeros(time.shape[0], dtype=bool)
    at = np.searchsorted(starts, time, side="right") - 1
    inside: npt.NDArray[np.bool_] = (at >= 0) & (time < ends[np.maximum(at, 0)])
    return inside


def _codes(measure: ProbeMeasure, table: ProbeTable, ctx: Context) -> tuple[I8, I64]:
    """Return each row's code in ``measure``, and its service index (cached per table)."""
    key = ("codes", measure.metric, measure.during, ctx.services, ctx.start, ctx.period.end)

    def build() -> tuple[I8, I64]:
        sidx = _service_index(table, ctx.services)
        n = len(table)
        code = np.zeros(n, dtype=np.int8)
        if not n:
            return code, sidx
        time = table.time
        if measure.during is not None:
            code[~_within(service_hours(measure, ctx), time)] = OUTSIDE_HOURS
        code[(time < ctx.start) | (time >= ctx.period.end)] = OUTSIDE_PERIOD
        metric = table.metrics.index(measure.metric) if measure.metric in table.metrics else -1
        code[table.metric != metric] = OTHER_METRIC
        code[sidx == len(ctx.services)] = NOT_COVERED
        return code, sidx

    found: tuple[I8, I64] = table.derived(key, build)
    return found


# --- the statistics ----------------------------------------------------------------------


def _sums(group: I64, values: I64, s: int) -> Any:
    """Return the exact sum of ``values`` per group: ``int64``, or Python integers past it."""
    if not values.shape[0] or int(values.max()) * values.shape[0] < 2**63:
        sums: Any = np.zeros(s, dtype=np.int64)
        np.add.at(sums, group, values)
        return sums
    sums = np.zeros(s, dtype=object)
    sums[:] = 0
    np.add.at(sums, group, values.astype(object))
    return sums


def _sorted_values(group: I64, values: I64, s: int) -> I64:
    """Return ``values`` sorted by group, then by value: one sort of packed keys when they fit."""
    if not values.shape[0]:
        return values
    span = int(values.max()) + 1
    if s * span < 2**63:
        key = group * span + values
        key.sort()
        out: I64 = key % span
        return out
    return values[np.lexsort((values, group))]  # thousands of services of values near 10**15


def percentile_ranks(counts: I64, q: Fraction, method: str) -> tuple[Any, Any, Any]:
    """Return the 0-based ranks of each group's percentile, and the interpolation weight.

    Returns ``(lo, hi, frac)``: the value is ``x[lo] + frac * (x[hi] - x[lo])``
    where ``frac`` is a numerator over ``q.denominator`` (0 unless ``method``
    is ``"linear"``). ``counts`` must be at least 1. Ranks are computed in
    ``int64``, or Python integers when ``q``'s terms are too large for it (the
    ranks, below the counts, are ``int64`` either way; ``frac`` may stay Python
    integers).
    """
    a, b = q.numerator, q.denominator
    n: Any = counts if int(counts.max(initial=0)) * b < 2**62 else counts.astype(object)
    zero = n * 0

    def rank(values: Any) -> I64:
        return np.asarray(values, dtype=np.int64)

    if method == "nearest_rank":
        nearest = rank((a * n + b - 1) // b - 1)
        return nearest, nearest, zero
    lo = a * (n - 1) // b
    if method == "lower":
        return rank(lo), rank(lo), zero
    hi = -((-a * (n - 1)) // b)
    if method == "higher":
        return rank(hi), rank(hi), zero
    frac = a * (n - 1) - lo * b
    return rank(lo), rank(np.minimum(lo + 1, n - 1)), frac


@attrs.frozen(eq=False)
class ProbeColumns:
    """One probe measure over one table: each row's code and each service's figures.

    ``code`` and ``sidx`` are per row; ``per_code`` has shape ``(S + 1, NCODES)``
    (the last row: services not covered); ``count`` is the counted samples per
    service, ``has`` whether a service has at least ``min_samples``; ``good``
    and ``total`` its exact value ``good / total`` (``0 / 0``: no data).
    ``sums`` (a mean) and ``lo``, ``hi``, ``frac`` (a percentile's ranks, one
    entry per service with data) say how the value was found.
    """

    code: I8
    sidx: I64
    per_code: I64
    count: I64
    has: npt.NDArray[np.bool_]
    good: Any
    total: Any
    sums: Any = None
    lo: Any = None
    hi: Any = None
    frac: Any = None


def probe_columns(measure: ProbeMeasure, table: ProbeTable, ctx: Context) -> ProbeColumns:
    """Return the figures of ``measure`` for every service of ``ctx`` at once."""
    s = len(ctx.services)
    code, sidx = _codes(measure, table, ctx)
    per_code = np.bincount(sidx * NCODES + code, minlength=(s + 1) * NCODES)
    per_code = per_code.astype(np.int64).reshape(s + 1, NCODES)
    rows = np.flatnonzero(code == COUNTED)
    group = sidx[rows]
    values = table.value[rows]
    count = per_code[:s, COUNTED].copy()
    has = count >= measure.min_samples
    zeros = np.zeros(s, dtype=np.int64)
    good: Any
    # a value is good / total in the samples' unit; a percentage is that over 100, a ratio
    scale = VALUE_SCALE * (100 if measure.percent else 1)
    if isinstance(measure, ProbeMean):
        sums = _sums(group, values, s)
        good = np.where(has, sums, zeros)
        total = np.where(has, count * scale, zeros)
        return ProbeColumns(code, sidx, per_code, count, has, good, total, sums=sums)
    if isinstance(measure, ProbeMax):
        best = np.zeros(s, dtype=np.int64)  # values are never negative
        np.maximum.at(best, group, values)
        good = np.where(has, best, zeros)
        total = np.where(has, scale, 0).astype(np.int64)
        return ProbeColumns(code, sidx, per_code, count, has, good, total)
    assert isinstance(measure, ProbePercentile)
    ordered = _sorted_values(group, values, s)
    starts = np.cumsum(count) - count
    lo, hi, frac = percentile_ranks(count[has], measure.ratio, measure.method)
    x_lo = ordered[starts[has] + lo]
    x_hi = ordered[starts[has] + hi]
    b = measure.ratio.denominator if measure.method == "linear" else 1
    wide = int(ordered.max(initial=0)) * b >= 2**62 or frac.dtype == object
    if wide:
        x_lo, x_hi = x_lo.astype(object), x_hi.astype(object)
    picked = x_lo * b + frac * (x_hi - x_lo)
    good = np.zeros(s, dtype=object if wide else np.int64)
    good[has] = picked
    total = np.zeros(s, dtype=object if b * scale >= 2**63 else np.int64)
    total[has] = b * scale
    return ProbeColumns(code, sidx, per_code, count, has, good, total, lo=lo, hi=hi, frac=frac)


def counts_of(cols: ProbeColumns, n: int) -> dict[str, dict[str, int]]:
    """Return the reconciliation counts: rows, categories and reasons."""
    totals = cols.per_code.sum(axis=0)
    categories = {"counted": 0, "excluded": 0, "ignored": 0}
    reasons: dict[str, int] = {}
    for code, count in enumerate(totals.tolist()):
        if count:
            categories[CATEGORIES[code]] += count
            reasons[REASONS[code]] = count
    return {"rows": {"rows": n}, "categories": categories, "reasons": reasons}


# --- the runner --------------------------------------------------------------------------


@register(ProbeMean)
@register(ProbePercentile)
@register(ProbeMax)
def run_probe_measure(measure: Measure, inputs: Inputs, ctx: Context) -> MeasureOutcome:
    """Evaluate a probe statistic per service over the probe samples."""
    assert isinstance(measure, ProbeMeasure)
    table = inputs.get(ProbeTable)
    if table is None:
        table = ProbeTable.from_records([])
    cols = probe_columns(measure, table, ctx)
    run = _Run(measure, ctx, table, cols)
    return MeasureOutcome(
        measure=measure,
        services=ctx.services,
        good=cols.good,
        total=cols.total,
        evidence_of=run.evidence,
        notes=run.notes,
        counts=counts_of(cols, len(table)),
    )


@attrs.frozen(eq=False)
class _Run:
    """One probe measure over one table: its evidence and notes, built when asked for."""

    measure: ProbeMeasure
    ctx: Context
    table: ProbeTable
    cols: ProbeColumns

    @functools.cached_property
    def _grouped(self) -> tuple[I64, I64]:
        """The rows of the measure's metric in canonical order, grouped by service index.

        Returns the rows and where each service index starts among them. Shared by
        the measures that classify the table alike (one sort for all of them).
        """
        cols, ctx, measure = self.cols, self.ctx, self.measure
        key = ("evidence order", measure.metric, measure.during, ctx.services, ctx.start)

        def build() -> tuple[I64, I64]:
            mine = np.flatnonzero(cols.code != OTHER_METRIC)
            order = canonical(self.table, mine, then=(cols.code,), by=cols.sidx)
            edges = np.searchsorted(cols.sidx[order], np.arange(len(ctx.services) + 2), side="left")
            return order, edges.astype(np.int64)

        found: tuple[I64, I64] = self.table.derived((*key, ctx.period.end), build)
        return found

    @functools.cached_property
    def hours(self) -> Timeline:
        """The evaluated time whose samples count."""
        return service_hours(self.measure, self.ctx)

    def rows_of(self, i: int) -> I64:
        """Return service ``i``'s rows of the measure's metric in canonical order."""
        order, edges = self._grouped
        rows: I64 = order[int(edges[i]) : int(edges[i + 1])]
        return rows

    @functools.cached_property
    def _texts(self) -> dict[tuple[int, int], str]:
        """The text of each (metric code, value) written so far."""
        return {}

    def _text(self, metric: int, units: int) -> str:
        """Return a sample's value in its metric's unit (the measure's for its own metric).

        ``0.2`` percent is ``'0.2%'``, as the measure writes it. Each distinct
        (metric, value) is written once per measure.
        """
        key = (metric, units)
        found = self._texts.get(key)
        if found is None:
            name = self.table.metrics[metric]
            measure = self.measure
            unit = measure.unit_text if name == measure.metric else DEFAULT_UNITS.get(name, "")
            found = self._texts[key] = value_text(units) + unit
        return found

    def notes_of(self, rows: I64, reason: str | None = None) -> list[ProbeNote]:
        """Return what each of ``rows`` did, in their order (``reason`` replaces the code's).

        The columns are read once for all of them, not element by element.
        """
        table = self.table
        where, services, metrics = table.where, table.services, table.metrics
        text = self._text
        return [
            ProbeNote(
                where=where(row),
                kind="probe",
                service=services[service],
                start=time,
                end=time,
                category=CATEGORIES[code],
                reason=REASONS[code] if reason is None else reason,
                metric=metrics[metric],
                value=text(metric, units),
            )
            for row, service, time, metric, units, code in zip(
                rows.tolist(),
                table.service[rows].tolist(),
                table.time[rows].tolist(),
                table.metric[rows].tolist(),
                table.value[rows].tolist(),
                self.cols.code[rows].tolist(),
                strict=True,
            )
        ]

    def notes(self) -> list[EventNote]:
        """Return what every sample did, in the canonical order of their facts."""
        return list(self.notes_of(canonical(self.table, None, then=(self.cols.code,))))

    def value_of(self, i: int) -> str:
        """Return service ``i``'s value as text, or ``"no data"``."""
        total = int(self.cols.total[i])
        if not total:
            return "no data"
        return self.measure.format_value(Fraction(int(self.cols.good[i]), total))

    def evidence(self, i: int) -> ProbeEvidence:
        """Return service ``i``'s evidence: its samples by reason, the value and its derivation."""
        rows = self.rows_of(i)
        code = self.cols.code[rows]
        counted = rows[code == COUNTED]
        decided, detail = self._derivation(i, counted)
        per_code = self.cols.per_code[i].tolist()
        return ProbeEvidence(
            service=self.ctx.services[i],
            measure=self.measure,
            eligible=self.hours,
            down=_NONE,
            excluded=_NONE,
            excluded_by="",
            outside_window=_NONE,
            events=(*self.notes_of(rows[code != COUNTED]), *decided),
            samples={REASONS[c]: v for c, v in enumerate(per_code) if v},
            counted=int(self.cols.count[i]),
            value=self.value_of(i),
            detail=detail,
            decided=decided,
        )

    def _derivation(self, i: int, counted: I64) -> tuple[tuple[ProbeNote, ...], str]:
        """Return the samples that decided service ``i``'s value, and its derivation in words."""
        measure, cols = self.measure, self.cols
        n = int(cols.count[i])
        if not n:
            return (), "no samples counted: no data"
        if not cols.has[i]:
            return (), (
                f"{n} sample{'s' * (n != 1)} counted, fewer than the minimum of "
                f"{measure.min_samples}: no data"
            )
        value = self.value_of(i)
        if isinstance(measure, ProbeMean):
            total = measure.sample_value(Decimal(value_text(int(cols.sums[i]))))
            return (), f"{n} samples counted; mean = {total} / {n} = {value}"
        # the samples by value, ties in the canonical order of their facts (``counted`` is)
        order = np.argsort(self.table.value[counted], kind="stable")
        by_value, values = counted[order], self.table.value[counted][order]
        if isinstance(measure, ProbeMax):
            top = by_value[values == values[-1]]
            (note,) = self.notes_of(top[:1], "counted; decided the value: the largest sample")
            shared = f"; {top.shape[0]} samples share it" if top.shape[0] > 1 else ""
            return (note,), f"the largest of {n} samples counted: {value}{shared}"
        assert isinstance(measure, ProbePercentile)
        k = int(np.count_nonzero(cols.has[:i]))  # this service's entry among those with data
        lo, hi = int(cols.lo[k]), int(cols.hi[k])
        ranks = sorted({lo, hi})
        picked = tuple(
            note
            for r in ranks
            for note in self.notes_of(
                by_value[r : r + 1],
                f"counted; decided the value: rank {r + 1} of {n} samples sorted by value",
            )
        )
        method = measure.method.replace("_", " ")
        where = " and ".join(str(r + 1) for r in ranks)
        detail = (
            f"{method} percentile {format_percent(measure.ratio)} of {n} samples counted: "
            f"rank{'s' * (len(ranks) > 1)} {where} of the samples sorted by value = {value}"
        )
        return picked, detail
