"""The uptime kernel: availability from outage reports for every service in one pass.

Pipeline, all columnar (no Python loop over events or services):

1. Map each row's service to a group (a service of the agreement) or mark it
   not covered; mark rows that do not overlap the period; drop outages whose
   state the measure does not count.
2. Minimum outage: merge each service's outage reports into episodes of
   consecutive downtime (one sort) and drop episodes (or single reports)
   shorter than the minimum.
3. Weights: outages weigh their state's weight (times their affected share,
   if the measure says so). The distinct weights form levels; at each instant
   the heaviest outage counts, so the weighted down time is the sum over
   levels of (weight step) x (time down at that level or heavier).
4. Buckets: widen outages to whole buckets aligned to the period start, or
   keep the buckets whose down time meets the bucket rule, clipped to the
   period.
5. Maintenance: keep the windows that meet the clause's notice condition, cut
   each service's total to the clause's allowance, in start order.
6. Window: the service window, intersected with deployed time when the
   denominator is deployed time.
7. One sweep per weight level over the boundaries of outages, maintenance and
   the window gives, per service, the counted down time, the eligible time,
   the excluded time and the down time outside the window.
8. Each row's contribution is read back with prefix sums (``searchsorted``) to
   classify it for evidence and reconciliation.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._exclusions import Corrections, ScheduledMaintenance, rolling_periods
from slakit._dsl._uptime import Uptime
from slakit._engine._status import RowStatus
from slakit._events._corrections import ALL_SERVICES, CorrectionTable
from slakit._events._table import DEPLOYMENT, MAINTENANCE, OUTAGE, EventTable
from slakit._time import _kernels as k
from slakit._time._clock import BusinessDays
from slakit._time._periods import Period, PeriodRule, quarterly, yearly
from slakit._time._timeline import Span, Timeline
from slakit.exceptions import EvaluationError

__all__ = ["UptimeColumns", "run_uptime"]

I64 = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class UptimeColumns:
    """The result of the uptime kernel, as columns over the agreement's services.

    ``eligible_us`` and ``down_us`` are per service (in ``services`` order);
    ``bad`` is the weighted down time in units of ``1 / scale`` microseconds
    (equal to ``down_us`` when nothing is weighted, with ``scale == 1``); it is
    the sum over ``layers`` of ``step x`` the layer's measure, which is how
    ``down_within()`` measures weighted down time inside any span. The span
    sets (grouped by service index) and the per-row ``row_status``,
    ``row_down_us`` and ``row_detail`` are worked out when first read: only
    evidence and reconciliation need them, not the figures.
    """

    def __init__(
        self,
        *,
        measure: Uptime,
        period: Period,
        services: tuple[str, ...],
        window: Timeline,
        eligible_us: I64,
        down_us: I64,
        bad: I64,
        scale: int,
        spans: _LazySpans,
        layers: _Layers,
        clause: ScheduledMaintenance | None,
        classify: Callable[[], _Rows],
        amounts: Callable[[], None] | None = None,
        measured: tuple[int, int] | None = None,
        budget: Budget | None = None,
        corrections: CorrectionUse | None = None,
    ) -> None:
        self.measure = measure
        #: What the measure's corrections clauses did with each correction (``None``: none).
        self.corrections = corrections
        #: A maintenance budget longer than a period: what the window used before the period.
        self.budget = budget
        self.period = period
        #: The span measured: the period, or the part of it after the agreement took effect.
        self.measured = (period.start, period.end) if measured is None else measured
        self.services = services
        self.window = window
        self.eligible_us = eligible_us
        self.down_us = down_us
        self.bad = bad
        self.scale = scale
        self._spans = spans
        self._layers = layers
        self.clause = clause
        self._classify = classify
        self._amounts = amounts

    @functools.cached_property
    def _rows(self) -> _Rows:
        return self._classify()

    @property
    def row_status(self) -> npt.NDArray[np.int8]:
        """Each input row's ``RowStatus``."""
        return self._rows.status

    @property
    def row_down_us(self) -> I64:
        """Each row's counted down time (outages) or excluded time (maintenance)."""
        return self._amounted.amount

    @functools.cached_property
    def _amounted(self) -> _Rows:
        rows = self._rows  # classified first: components' rows are measured there
        if self._amounts is not None:
            self._amounts()
        return rows

    @property
    def row_detail(self) -> I64:
        """Each maintenance row's notice (start minus announcement), in microseconds."""
        return self._rows.detail

    @property
    def down(self) -> k.Grouped:
        """The counted down time of every service."""
        return self._spans.down

    @property
    def runs(self) -> k.Grouped:
        """Each run of down time the outages make (an incident), in the period.

        Outages that touch or overlap make one run; outages under the measure's
        minimum are not in any; exclusions and service windows do not cut runs
        (the counted down time within a run is ``down_within()`` of it).
        """
        return self._spans.runs

    @property
    def eligible(self) -> k.Grouped:
        """The eligible time of every service."""
        return self._spans.eligible

    @property
    def excluded(self) -> k.Grouped:
        """The time an exclusion clause took out or accounted for."""
        return self._spans.excluded

    @property
    def outside_window(self) -> k.Grouped:
        """The down time outside the service window."""
        return self._spans.outside_window

    @property
    def layers(self) -> tuple[tuple[int, k.Grouped], ...]:
        """The counted down time as ``(step, spans)`` layers: ``bad = sum(step x measure)``.

        Unweighted, one layer: ``(1, down)``. Weighted, one layer per weight
        level: the spans down at that level or heavier, with the weight step
        to the next lighter level, in units of ``1 / scale``.
        """
        return self._layers.get()

    def down_within(self, group: I64, start: I64, end: I64) -> Any:
        """Return the counted, weighted down time of each ``(group, [start, end))`` query.

        In units of ``1 / scale`` microseconds, exact: ``int64`` when it fits,
        Python integers otherwise. ``start`` and ``end`` must lie within the period.
        """
        lo, stride = self._layers.origin, self._layers.stride
        start = np.clip(start, lo, lo + stride - 1)
        end = np.clip(end, lo, lo + stride - 1)
        out: Any = np.zeros(group.shape[0], dtype=object if self._layers.wide else np.int64)
        for step, spans in self.layers:
            measured = k.Packed(spans, lo, stride).measure_within(group, start, end)
            out = out + (measured.astype(object) * step if self._layers.wide else measured * step)
        return out


class _LazySpans:
    """The span sets of one sweep, built when evidence or classification first asks.

    ``pair`` is the evaluation's sweep of the outages and the maintenance alone,
    given when every service has one window: down and excluded time are read
    from it, then cut to ``window`` (the shared window's starts and ends; ``None``
    when it holds all of the period), without sweeping a copy of the window per
    service.
    """

    def __init__(
        self,
        sweep: k.Sweep | None,
        accounting: str,
        sets: tuple[k.Grouped, k.Grouped, k.Grouped],
        *,
        pair: k.Sweep | None = None,
        window: tuple[I64, I64] | None = None,
        removed: k.Grouped | None = None,
    ) -> None:
        self._removed = removed  # with mixed accountings: the excluded time that is removed
        self._given = sweep
        self._sets = sets
        self._accounting = accounting
        self._pair = pair
        self._window = window

    @functools.cached_property
    def runs(self) -> k.Grouped:
        """The runs of down time as the outages make them, before exclusions and windows."""
        return k.normalize(self._sets[0])  # outages that touch or overlap make one run

    @functools.cached_property
    def _sweep(self) -> k.Sweep:
        return self._given if self._given is not None else k.Sweep(list(self._sets))

    def _spans(self, keep: Callable[[list[I64]], BoolArray]) -> k.Grouped:
        if self._pair is None:
            return self._sweep.spans(keep)
        spans = self._pair.spans(lambda c: keep([c[0], c[1], np.ones_like(c[0])]))
        return spans if self._window is None else k.within_timeline(spans, self._window)

    @functools.cached_property
    def down(self) -> k.Grouped:
        return self._spans(_down_keep(self._accounting))

    @functools.cached_property
    def eligible(self) -> k.Grouped:
        if self._removed is not None:
            d, _x, w = self._sets
            return k.Sweep([d, self._removed, w]).spans(_eligible_keep("remove"))
        return self._sweep.spans(_eligible_keep(self._accounting))

    @functools.cached_property
    def excluded(self) -> k.Grouped:
        return self._spans(_excluded)

    @functools.cached_property
    def outside_window(self) -> k.Grouped:
        return self._sweep.spans(_outside)


class _Layers:
    """The weighted down time as ``(step, spans)`` layers, built when a credit rule asks.

    Each layer's spans come from a sweep of its own; only rules that measure
    down time inside parts of the period (a proration basis of its own
    periods, refunds per unit of time) need them.
    """

    def __init__(
        self,
        build: Callable[[], tuple[tuple[int, k.Grouped], ...]],
        *,
        origin: int,
        stride: int,
        wide: bool,
    ) -> None:
        self._build = build
        self.origin = origin
        self.stride = stride
        self.wide = wide
        self._value: tuple[tuple[int, k.Grouped], ...] | None = None

    def get(self) -> tuple[tuple[int, k.Grouped], ...]:
        if self._value is None:
            self._value = self._build()
        return self._value


def _maintenance_clause(measure: Uptime) -> ScheduledMaintenance | None:
    for clause in measure.excluding:
        if isinstance(clause, ScheduledMaintenance):
            return clause
    return None


def _episode_lengths(spans: k.Grouped) -> I64:
    """Return, for each span, the length of the episode of consecutive downtime it belongs to."""
    n = len(spans)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    t0 = int(spans.start.min())
    stride = int(spans.end.max()) - t0 + 1
    n_groups = int(spans.group.max()) + 1
    if not k.fits_packed(n_groups, stride):
        return _episode_lengths_per_group(spans)
    ps = spans.group * stride + (spans.start - t0)
    pe = spans.group * stride + (spans.end - t0)
    order = np.argsort(ps, kind="stable")
    ps_sorted = ps[order]
    pe_sorted = pe[order]
    reach = np.maximum.accumulate(pe_sorted)
    new_episode = np.empty(n, dtype=bool)
    new_episode[0] = True
    new_episode[1:] = ps_sorted[1:] > reach[:-1]
    episode = np.cumsum(new_episode) - 1
    first = np.flatnonzero(new_episode)
    ep_start = ps_sorted[first]
    ep_end = np.maximum.reduceat(pe_sorted, first)
    lengths_sorted = (ep_end - ep_start)[episode]
    lengths = np.empty(n, dtype=np.int64)
    lengths[order] = lengths_sorted
    return lengths


def _episode_lengths_per_group(spans: k.Grouped) -> I64:
    """Like ``_episode_lengths()``, one service at a time (for histories too long to pack)."""
    order = np.lexsort((spans.start, spans.group))
    group, start, end = spans.group[order], spans.start[order], spans.end[order]
    lengths_sorted = np.empty(group.shape[0], dtype=np.int64)
    edges = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1], [True])))
    for lo, hi in zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True):
        reach = np.maximum.accumulate(end[lo:hi])
        new = np.concatenate(([True], start[lo + 1 : hi] > reach[:-1]))
        episode = np.cumsum(new) - 1
        first = np.flatnonzero(new)
        ep_len = np.maximum.reduceat(end[lo:hi], first) - start[lo:hi][first]
        lengths_sorted[lo:hi] = ep_len[episode]
    lengths = np.empty_like(lengths_sorted)
    lengths[order] = lengths_sorted
    return lengths


def _allowance(spans: k.Grouped, at_most: int | I64) -> k.Grouped:
    """Keep, per group, only the first ``at_most`` microseconds of normalised ``spans``.

    ``at_most`` is one budget for every group, or one per group.
    """
    if len(spans) == 0:
        return spans
    if not isinstance(at_most, int):
        at_most = at_most[spans.group]
    lengths = spans.end - spans.start
    cum = np.cumsum(lengths)
    first_of_group = np.concatenate(([True], spans.group[1:] != spans.group[:-1]))
    group_base = np.maximum.accumulate(np.where(first_of_group, cum - lengths, 0))
    before = cum - lengths - group_base
    allowed = np.clip(at_most - before, 0, lengths)
    keep = allowed > 0
    return k.Grouped(spans.group[keep], spans.start[keep], spans.start[keep] + allowed[keep])


@attrs.frozen(eq=False)
class _Rows:
    """Per-row bookkeeping shared by the steps of one kernel run."""

    group: I64
    in_period: BoolArray
    status: npt.NDArray[np.int8]
    amount: I64
    detail: I64
    direct: BoolArray  # the row's service is one of the measured services (not a component)
    parents: dict[str, int]  # measured service name -> group (read only with components)


@attrs.frozen(eq=False)
class _Outages:
    """The outage rows that count, their weight levels, and the spans to sweep."""

    rows: npt.NDArray[np.intp]  # per kept span: its input row, or -1 for combined components
    level: I64  # per kept span: index into ``weights`` (0 is the heaviest)
    weights: tuple[Fraction, ...]  # distinct weights, heaviest first
    clipped: k.Grouped  # per kept span: clipped to the evaluated span
    widened: k.Grouped  # per kept span: widened to buckets (for classification)
    member_rows: npt.NDArray[np.intp] = attrs.field(factory=lambda: np.zeros(0, np.intp))
    members: k.Grouped = attrs.field(factory=k.empty)  # component rows, under their service
    # Every counted span, in the period or not (a run of down buckets may cross its bounds).
    everywhere: k.Grouped = attrs.field(factory=k.empty)
    # With a minimum on runs of down buckets: the runs long enough, and those too short.
    runs: k.Grouped | None = None
    short_runs: k.Grouped = attrs.field(factory=k.empty)


def _row_levels(
    measure: Uptime, table: EventTable, orow: npt.NDArray[np.intp]
) -> tuple[I64, tuple[Fraction, ...]]:
    """Return each row's weight level (-1 where its state is not counted) and the weights.

    Weights are worked out once per (state, affected share) pair the table can
    hold, never per row; ``weights`` lists the distinct ones, heaviest first.
    """
    state_weight = dict(measure.states)
    by_state = [state_weight.get(name) for name in table.states]
    shares = table.affected_levels if measure.affected_share else (Decimal(1),)
    pairs = {
        (i, j): Fraction(w) * Fraction(share)
        for i, w in enumerate(by_state)
        if w is not None
        for j, share in enumerate(shares)
    }
    weights = tuple(sorted(set(pairs.values()), reverse=True)) or (Fraction(1),)
    position = {w: i for i, w in enumerate(weights)}
    lookup = np.full((max(len(by_state), 1), len(shares)), -1, dtype=np.int64)
    for (i, j), w in pairs.items():
        lookup[i, j] = position[w]
    affected = table.affected[orow] if measure.affected_share else np.zeros(orow.size, np.int64)
    return lookup[table.state[orow], affected], weights


def _counted_outages(
    measure: Uptime, table: EventTable, rows: _Rows, *, origin: int, p0: int, p1: int
) -> _Outages:
    """Return the outage rows that count, with their weight levels and spans."""
    if measure.components:
        return _component_outages(measure, table, rows, origin=origin, p0=p0, p1=p1)
    group, start, end = rows.group, table.start, table.end
    orow = np.flatnonzero((group >= 0) & (table.kind == OUTAGE))
    level, weights = _row_levels(measure, table, orow)
    counted = level >= 0
    skipped = orow[~counted]
    rows.status[skipped[rows.in_period[skipped]]] = RowStatus.STATE_NOT_COUNTED
    orow = orow[counted]
    level = level[counted]
    # Each row's columns are gathered once; the filters below are one mask, compressed once.
    everywhere = k.Grouped(group[orow], start[orow], end[orow])
    keep = rows.in_period[orow]
    minimum = measure.min_outage.us if measure.minimum_of != "buckets" else 0
    if minimum > 0:
        if measure.minimum_of == "episode":
            long_enough = _episode_lengths(everywhere) >= minimum
        else:
            long_enough = (everywhere.end - everywhere.start) >= minimum
        short = orow[~long_enough]
        rows.status[short[rows.in_period[short]]] = RowStatus.BELOW_MINIMUM
        keep &= long_enough
    orow = orow[keep]
    level = level[keep]
    if len(weights) > 1:
        # Keep only the levels some counted outage has: each level costs a sweep.
        present, level = np.unique(level, return_inverse=True)
        level = np.asarray(level, dtype=np.int64).ravel()
        weights = tuple(weights[i] for i in present.tolist()) or (Fraction(1),)
    raw = _compress(everywhere, keep)
    if minimum > 0:  # only a minimum on runs of buckets reads the spans outside the period
        everywhere = k.empty()
    clipped = k.Grouped(raw.group, np.maximum(raw.start, p0), np.minimum(raw.end, p1))
    widened = clipped
    if measure.granularity is not None:
        b = k.bucketize(raw, origin, measure.granularity.us)
        widened = k.Grouped(b.group, np.maximum(b.start, p0), np.minimum(b.end, p1))
    return _Outages(orow, level, weights, clipped, widened, everywhere=everywhere)


def _compress(spans: k.Grouped, keep: BoolArray) -> k.Grouped:
    """Return the spans where ``keep`` holds (a compress: cheaper than gathering rows again)."""
    return k.Grouped(spans.group[keep], spans.start[keep], spans.end[keep])


def _component_outages(
    measure: Uptime, table: EventTable, rows: _Rows, *, origin: int, p0: int, p1: int
) -> _Outages:
    """Combine component outages into each service's downtime under its component rule.

    A service's own outage reports count as the whole service down; its
    components' reports count when its rule holds. The combined spans are
    unweighted; component rows are classified later by what they contributed.
    """
    start, end = table.start, table.end
    n = len(rows.parents)
    services_of_table = {name: i for i, name in enumerate(table.services)}
    orow = np.flatnonzero((rows.group >= 0) & (table.kind == OUTAGE))
    counted = _row_levels(measure, table, orow)[0] >= 0
    skipped = orow[~counted]
    rows.status[skipped[rows.in_period[skipped]]] = RowStatus.STATE_NOT_COUNTED
    orow = orow[counted]
    # Each component report, once per service that lists the component.
    width = 1 + max(len(rule.names) for _, rule in measure.components)
    need = np.ones(max(n, 1), dtype=np.int64)
    keys, m_rows = [], []
    for service, rule in measure.components:
        g = rows.parents.get(service)
        if g is None:
            continue
        need[g] = rule.need
        for j, name in enumerate(rule.names, start=1):
            code = services_of_table.get(name)
            if code is None:
                continue
            sel = orow[table.service[orow] == code]
            keys.append(np.full(sel.shape[0], g * width + j, dtype=np.int64))
            m_rows.append(sel)
    member_rows = np.concatenate(m_rows) if m_rows else np.zeros(0, np.intp)
    member_keys = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    per_component = k.normalize(k.Grouped(member_keys, start[member_rows], end[member_rows]))
    combined = k.covered_by_at_least(
        k.Grouped(per_component.group // width, per_component.start, per_component.end), need
    )
    # The service's own reports, and the combined spans, as one list of spans.
    own = orow[rows.direct[orow]]
    span_rows = np.concatenate((own, np.full(len(combined), -1, dtype=np.intp)))
    spans = k.Grouped(
        np.concatenate((rows.group[own], combined.group)),
        np.concatenate((start[own], combined.start)),
        np.concatenate((end[own], combined.end)),
    )
    minimum = measure.min_outage.us if measure.minimum_of != "buckets" else 0
    if minimum > 0:
        long_enough = _episode_lengths(spans) >= minimum
        short = span_rows[~long_enough]
        short = short[short >= 0]
        rows.status[short[rows.in_period[short]]] = RowStatus.BELOW_MINIMUM
        spans = _select(spans, long_enough)
        span_rows = span_rows[long_enough]
    everywhere = spans
    inside = (spans.end > p0) & (spans.start < p1)
    spans = _select(spans, inside)
    span_rows = span_rows[inside]
    members = k.Grouped(member_keys // width, start[member_rows], end[member_rows])
    return _Outages(
        span_rows,
        np.zeros(len(spans), dtype=np.int64),
        (Fraction(1),),
        _clip(spans, p0, p1),
        _widen(measure, spans, origin, p0, p1),
        member_rows,
        _widen(measure, members, origin, p0, p1),
        everywhere=everywhere,
    )


def _clip(spans: k.Grouped, p0: int, p1: int) -> k.Grouped:
    return k.Grouped(spans.group, np.maximum(spans.start, p0), np.minimum(spans.end, p1))


def _widen(measure: Uptime, spans: k.Grouped, origin: int, p0: int, p1: int) -> k.Grouped:
    if measure.granularity is None:
        return _clip(spans, p0, p1)
    return _clip(k.bucketize(spans, origin, measure.granularity.us), p0, p1)


def _select(spans: k.Grouped, mask: BoolArray | npt.NDArray[np.intp]) -> k.Grouped:
    return k.Grouped(spans.group[mask], spans.start[mask], spans.end[mask])


def _down_buckets(
    measure: Uptime, outages: _Outages, level: int, *, origin: int, p0: int, p1: int, stride: int
) -> k.Grouped:
    """Return the down spans at ``level`` (outages of that weight or heavier) after buckets.

    With a minimum on runs of down buckets, only the time in runs long enough is kept.
    """
    heavy = outages.level <= level
    if measure.granularity is None or measure.bucket_down.kind == "any":
        down = _select(outages.widened, heavy)
    else:
        down = _bucket_rule(measure, _select(outages.clipped, heavy), origin=origin, lo=p0, hi=p1)
    if outages.runs is None:
        return down

    def both(c: list[I64]) -> BoolArray:
        mask: BoolArray = (c[0] > 0) & (c[1] > 0)
        return mask

    return k.coverage([down, outages.runs], both)


def _bucket_rule(measure: Uptime, spans: k.Grouped, *, origin: int, lo: int, hi: int) -> k.Grouped:
    """Return the buckets within ``[lo, hi)`` whose down time meets the measure's bucket rule."""
    assert measure.granularity is not None
    size = measure.granularity.us
    down = k.normalize(_clip(spans, lo, hi))
    g, s, e = down
    first = (s - origin) // size
    last = (e - 1 - origin) // size
    # Buckets strictly inside a span are wholly down: they meet every rule.
    inner = last > first + 1
    interior = k.Grouped(g[inner], origin + (first[inner] + 1) * size, origin + last[inner] * size)
    # Edge buckets may be partly down, possibly by several spans: measure them.
    cand_g = np.concatenate((g, g))
    cand_b = np.concatenate((first, last))
    key = np.unique(np.stack((cand_g, cand_b)), axis=1)
    cg, cb = key[0], key[1]
    b_start = np.maximum(origin + cb * size, lo)
    b_end = np.minimum(origin + (cb + 1) * size, hi)
    inside = k.Packed(down, lo, hi - lo + 1).measure_within(cg, b_start, b_end)
    rule = measure.bucket_down
    if rule.kind == "all":
        ok = inside == b_end - b_start
    elif rule.kind == ">":
        ok = inside > rule.threshold.us
    else:
        ok = inside >= rule.threshold.us
    edges = k.Grouped(cg[ok], b_start[ok], b_end[ok])
    return k.normalize(
        k.Grouped(
            np.concatenate((interior.group, edges.group)),
            np.concatenate((interior.start, edges.start)),
            np.concatenate((interior.end, edges.end)),
        )
    )


def _bucket_runs(measure: Uptime, outages: _Outages, *, origin: int, p0: int, p1: int) -> _Outages:
    """Apply the minimum to runs of consecutive down buckets, and remember the short runs.

    A run is measured whole, even where it crosses the period's bounds: the
    buckets outside the period are judged from the outages there, as far as
    the minimum could reach (one ``min_outage`` beyond each bound).
    """
    assert measure.granularity is not None
    size = measure.granularity.us
    minimum = measure.min_outage.us
    bounds = {"origin": origin, "p0": p0, "p1": p1, "stride": p1 - p0 + 1}
    inside = _down_buckets(measure, outages, len(outages.weights) - 1, **bounds)
    lo = origin + ((p0 - minimum - origin) // size) * size
    hi = origin - ((origin - p1 - minimum) // size) * size
    near = outages.everywhere
    near = _select(near, (near.end > lo) & (near.start < hi))
    if measure.bucket_down.kind == "any":
        beyond = _clip(k.bucketize(near, origin, size), lo, hi)
    else:
        beyond = _bucket_rule(measure, near, origin=origin, lo=lo, hi=hi)
    before, after = _clip(beyond, lo, p0), _clip(beyond, p1, hi)
    parts = [inside, *(_select(x, x.end > x.start) for x in (before, after))]
    runs = k.normalize(
        k.Grouped(
            np.concatenate([x.group for x in parts]),
            np.concatenate([x.start for x in parts]),
            np.concatenate([x.end for x in parts]),
        )
    )
    long_enough = (runs.end - runs.start) >= minimum

    def within(spans: k.Grouped) -> k.Grouped:
        clipped = _clip(spans, p0, p1)
        return _select(clipped, clipped.end > clipped.start)

    return attrs.evolve(
        outages,
        runs=within(_select(runs, long_enough)),
        short_runs=within(_select(runs, ~long_enough)),
    )


def _qualifying(clause: ScheduledMaintenance, table: EventTable, mrow: I64) -> BoolArray:
    """Return which maintenance rows ``mrow`` were announced early enough for ``clause``."""
    if clause.notice is None:
        return np.ones(mrow.shape[0], dtype=bool)
    if isinstance(clause.notice, BusinessDays):  # no earlier than n business days after
        ok: BoolArray = table.start[mrow] >= clause.notice.after(table.announced[mrow])
        return ok
    lead = table.start[mrow] - table.announced[mrow]
    return np.asarray(lead >= clause.notice.us, dtype=bool)


@attrs.frozen
class Budget:
    """A maintenance budget longer than a period: its window, and what was used before it."""

    start: int  # where the budget's window starts (or the agreement, if later)
    used_before: I64  # per service: qualifying maintenance time in [start, p0), at most the budget


def _budget_start(
    clause: ScheduledMaintenance, period: Period, rule: PeriodRule | None, since: int | None
) -> int:
    """Return where ``clause``'s budget window starts, for the period starting ``period.start``."""
    if clause.per == "period":
        start = period.start
    elif clause.per == "quarter":
        start = quarterly(tz=period.tz).containing(period.start).start
    elif clause.per == "year":
        start = yearly(tz=period.tz).containing(period.start).start
    else:
        length = rolling_periods(clause.per)
        assert length is not None
        if rule is None:
            raise EvaluationError(
                f"{clause!r}: a rolling budget needs the agreement's periods; evaluate the "
                "measure within an agreement"
            )
        start = period.start
        for _ in range(length - 1):
            start = rule.containing(start - 1).start
    return start if since is None else max(start, since)


def _maintenance_before(
    clause: ScheduledMaintenance, table: EventTable, rows: _Rows, *, lo: int, p0: int
) -> k.Grouped:
    """Return the qualifying maintenance of the measured services in ``[lo, p0)``, normalised."""
    earlier = (table.end > lo) & (table.start < p0)
    mrow = np.flatnonzero(rows.direct & (rows.group >= 0) & earlier & (table.kind == MAINTENANCE))
    mrow = mrow[_qualifying(clause, table, mrow)]
    return k.normalize(
        k.Grouped(
            rows.group[mrow],
            np.maximum(table.start[mrow], lo),
            np.minimum(table.end[mrow], p0),
        )
    )


def _budget_before(
    clause: ScheduledMaintenance, table: EventTable, rows: _Rows, n: int, *, w0: int, p0: int
) -> I64:
    """Return each service's maintenance excluded in ``[w0, p0)`` under a budget from ``w0``.

    In a window that starts at ``w0`` (a quarter, a year) the first ``at_most``
    of qualifying maintenance is excluded, so what the earlier part used is its
    qualifying time, at most the budget.
    """
    assert clause.at_most is not None
    if w0 >= p0:
        return np.zeros(n, dtype=np.int64)
    spans = _maintenance_before(clause, table, rows, lo=w0, p0=p0)
    used = k.sum_by_group(spans.group, spans.end - spans.start, n)
    return np.minimum(used, clause.at_most.us)


def _rolling_before(
    clause: ScheduledMaintenance,
    table: EventTable,
    rows: _Rows,
    n: int,
    *,
    rule: PeriodRule,
    p0: int,
    since: int | None,
) -> I64:
    """Return each service's maintenance excluded in the N-1 periods before a rolling window's last.

    Each earlier period excluded what its own window had left: ``min(budget -
    the exclusions of the N-1 periods before it, its qualifying time)``, worked
    forward from the first period with qualifying maintenance (or the
    agreement's start), one period at a time over every service at once.
    """
    assert clause.at_most is not None
    length = rolling_periods(clause.per)
    assert length is not None
    kinds = (table.kind == MAINTENANCE) & rows.direct & (rows.group >= 0) & (table.start < p0)
    if length == 1 or not kinds.any():
        return np.zeros(n, dtype=np.int64)
    lo = int(table.start[kinds].min())
    if since is not None:
        lo = max(lo, since)
    if lo >= p0:
        return np.zeros(n, dtype=np.int64)
    spans = _maintenance_before(clause, table, rows, lo=lo, p0=p0)
    recent: list[I64] = []  # the exclusions of the last N-1 periods, oldest first
    for period in rule.between(lo, p0):
        hi = min(period.end, p0)
        inside = k.within_timeline(spans, (np.asarray([period.start]), np.asarray([hi])))
        qualifying = k.sum_by_group(inside.group, inside.end - inside.start, n)
        left = clause.at_most.us - sum(recent, np.zeros(n, dtype=np.int64))
        recent.append(np.minimum(np.maximum(left, 0), qualifying))
        recent = recent[-(length - 1) :]
    return sum(recent, np.zeros(n, dtype=np.int64))


#: What a measure did with a correction: applied, or why not.
APPLIED, NOT_EXCLUDED, NO_SERVICE, NOT_IN_SPAN = 0, 1, 2, 3
CORRECTION_FATES: Final = (
    ("excluded", "applied"),
    ("ignored", "not applied: its category is not one this measure excludes"),
    ("ignored", "not applied: it names no service this measure evaluates"),
    ("ignored", "not applied: outside the measured span"),
)


@attrs.frozen(eq=False)
class CorrectionUse:
    """What a measure did with each correction of the inputs, over the span it measured.

    ``fate`` is each correction's fate (``APPLIED`` ...), ``clause_of`` the
    index of the clause that applies its category (``-1``: none). Each
    *piece* is one correction on one service, cut to the measured span.
    """

    table: CorrectionTable
    clauses: tuple[Corrections, ...]
    clause_of: I64
    fate: I64
    piece_row: I64
    pieces: k.Grouped

    def spans(self, accounting: str) -> k.Grouped:
        """Return the time of the applied corrections of one accounting, normalised."""
        accountings = np.asarray([c.accounting == accounting for c in self.clauses] + [False])
        keep = accountings[self.clause_of[self.piece_row]] & (self.fate[self.piece_row] == APPLIED)
        return k.normalize(_select(self.pieces, keep))

    def counts(self) -> dict[str, dict[str, int]]:
        """Return the corrections' reconciliation: rows, categories and reasons."""
        bins = np.bincount(self.fate, minlength=len(CORRECTION_FATES))
        by_category = {"counted": 0, "excluded": 0, "ignored": 0}
        by_reason: dict[str, int] = {}
        for (category, reason), count in zip(CORRECTION_FATES, bins.tolist(), strict=True):
            if count:
                by_category[category] += count
                by_reason[f"{category}: {reason}"] = count
        return {
            "rows": {"rows": len(self.table)},
            "categories": by_category,
            "reasons": by_reason,
        }


def _correction_groups(
    selector: str | tuple[str, ...],
    index: dict[str, int],
    tags: Mapping[str, tuple[str, ...]],
    n: int,
) -> I64:
    """Return the groups (measured services) a correction's selector names."""
    if selector == ALL_SERVICES:
        return np.arange(n, dtype=np.int64)
    if isinstance(selector, str) and selector.startswith("tag:"):
        names: tuple[str, ...] = tags.get(selector[4:], ())
    else:
        names = (selector,) if isinstance(selector, str) else selector
    found = [index[name] for name in names if name in index]
    return np.asarray(sorted(set(found)), dtype=np.int64)


def correction_use(
    measure: Uptime,
    table: CorrectionTable,
    services: tuple[str, ...],
    tags: Mapping[str, tuple[str, ...]],
    *,
    p0: int,
    p1: int,
) -> CorrectionUse:
    """Apply ``measure``'s corrections clauses to ``table`` over ``[p0, p1)``."""
    clauses = tuple(c for c in measure.excluding if isinstance(c, Corrections))
    n = len(services)
    index = _index_of(services)
    if measure.service is not None:
        index = {measure.service: index[measure.service]} if measure.service in index else {}
    # each distinct category and selector is looked at once (corrections repeat them)
    by_category = {
        category: next((i for i, c in enumerate(clauses) if c.covers(category)), -1)
        for category in dict.fromkeys(table.category)
    }
    clause_of = np.fromiter(
        (by_category[c] for c in table.category), dtype=np.int64, count=len(table)
    )
    groups_of = {
        selector: _correction_groups(selector, index, tags, n)
        for selector in dict.fromkeys(table.selector)
    }
    groups = [groups_of[selector] for selector in table.selector]
    sizes = np.fromiter((g.shape[0] for g in groups), dtype=np.int64, count=len(table))
    row = np.repeat(np.arange(len(table), dtype=np.int64), sizes)
    group = np.concatenate(groups) if groups else np.zeros(0, np.int64)
    start = np.maximum(table.start[row], p0)
    end = np.minimum(table.end[row], p1)
    inside = end > start
    in_span = np.zeros(len(table), dtype=bool)
    in_span[row[inside]] = True
    fate = np.select(
        [sizes == 0, ~in_span, clause_of < 0],
        [NO_SERVICE, NOT_IN_SPAN, NOT_EXCLUDED],
        APPLIED,
    ).astype(np.int64)
    order = np.lexsort((start[inside], group[inside]))
    pieces = k.Grouped(group[inside][order], start[inside][order], end[inside][order])
    return CorrectionUse(table, clauses, clause_of, fate, row[inside][order], pieces)


def _used_corrections(
    measure: Uptime,
    table: CorrectionTable | None,
    services: tuple[str, ...],
    tags: Mapping[str, tuple[str, ...]] | None,
    *,
    p0: int,
    p1: int,
) -> CorrectionUse | None:
    """Return what the measure's corrections clauses do (``None`` for a measure without any)."""
    if not any(isinstance(c, Corrections) for c in measure.excluding):
        return None
    given = table if table is not None else CorrectionTable([])
    return correction_use(measure, given, services, tags or {}, p0=p0, p1=p1)


@attrs.frozen(eq=False)
class _Excluded:
    """How a measure's exclusions combine: one accounting, the excluded time, and more down.

    ``removed`` is the part of ``spans`` that also leaves the eligible time;
    ``down`` is time counted as unavailable beside other accountings, added to
    the down time as it is (no bucket rule, no minimum applies to it).
    """

    accounting: str
    spans: k.Grouped
    removed: k.Grouped
    down: k.Grouped


def _combine_exclusions(
    clause: ScheduledMaintenance | None, maintenance: k.Grouped, used: CorrectionUse | None
) -> _Excluded:
    """Return how the maintenance clause and the corrections clauses combine.

    Without corrections this is the maintenance clause's own accounting and
    time. Corrections add time of their clauses' accountings: time removed and
    time counted as available together are one excluded set (neither is down)
    whose removed part also leaves the eligible time (``"mixed"``). Time counted
    as unavailable alone keeps the ``"bad"`` accounting; beside the others it
    is added to the down time (a weighted measure refuses that when made), and
    the others, removing time or counting it as available, win where they meet.
    """
    empty = k.empty()
    if used is None:
        own: str = clause.accounting if clause is not None else "remove"
        return _Excluded(own, maintenance, maintenance, empty)
    sets: dict[str, list[k.Grouped]] = {"remove": [], "good": [], "bad": []}
    if clause is not None:
        sets[clause.accounting].append(maintenance)
    for accounting, parts in sets.items():
        parts.append(used.spans(accounting))
    union = {a: k.normalize(_concat(parts)) for a, parts in sets.items()}
    removed, good, bad = union["remove"], union["good"], union["bad"]
    if not len(removed) and not len(good):
        return (
            _Excluded("bad", bad, bad, empty)
            if len(bad)
            else _Excluded("remove", empty, empty, empty)
        )
    if len(removed) and len(good):
        return _Excluded("mixed", k.normalize(_concat([removed, good])), removed, bad)
    if len(good):
        return _Excluded("good", good, good, bad)
    return _Excluded("remove", removed, removed, bad)


def _with_down(down: k.Grouped, more: k.Grouped) -> k.Grouped:
    """Return ``down`` with ``more`` down time added (``down`` itself when there is none)."""
    return k.normalize(_concat([down, more])) if len(more) else down


def _concat(parts: list[k.Grouped]) -> k.Grouped:
    parts = [p for p in parts if len(p)]
    if not parts:
        return k.empty()
    return k.Grouped(
        np.concatenate([p.group for p in parts]),
        np.concatenate([p.start for p in parts]),
        np.concatenate([p.end for p in parts]),
    )


def _budget(
    clause: ScheduledMaintenance | None,
    table: EventTable,
    rows: _Rows,
    n: int,
    *,
    period: Period,
    rule: PeriodRule | None,
    since: int | None,
    p0: int,
) -> Budget | None:
    """Return a maintenance budget longer than a period, with what it used before ``p0``."""
    if clause is None or clause.at_most is None or clause.per == "period":
        return None
    w0 = _budget_start(clause, period, rule, since)
    if rolling_periods(clause.per) is None:
        used = _budget_before(clause, table, rows, n, w0=w0, p0=p0)
    else:
        assert rule is not None  # _budget_start refused a rolling budget without one
        used = _rolling_before(clause, table, rows, n, rule=rule, p0=p0, since=since)
    return Budget(w0, used)


def _excluded_maintenance(
    clause: ScheduledMaintenance | None,
    table: EventTable,
    rows: _Rows,
    *,
    p0: int,
    p1: int,
    stride: int,
    budget: Budget | None = None,
) -> k.Grouped:
    """Return the maintenance time the clause excludes, and classify the maintenance rows."""
    if clause is None:
        return k.empty()
    group, start, end = rows.group, table.start, table.end
    mrow = np.flatnonzero(rows.direct & rows.in_period & (table.kind == MAINTENANCE))
    lead = start[mrow] - table.announced[mrow]
    rows.detail[mrow] = lead
    if clause.notice is not None:
        ok = _qualifying(clause, table, mrow)
        rows.status[mrow[~ok]] = RowStatus.MAINTENANCE_NOTICE_TOO_SHORT
        mrow = mrow[ok]
    m_clipped = k.Grouped(group[mrow], np.maximum(start[mrow], p0), np.minimum(end[mrow], p1))
    x_spans = k.normalize(m_clipped)
    if clause.at_most is not None:
        left = clause.at_most.us if budget is None else clause.at_most.us - budget.used_before
        x_spans = _allowance(x_spans, left)
    excluded_part = k.Packed(x_spans, p0, stride).measure_within(*m_clipped)
    full = m_clipped.end - m_clipped.start
    rows.status[mrow] = np.select(
        [excluded_part == full, excluded_part > 0],
        [RowStatus.MAINTENANCE_EXCLUDED, RowStatus.MAINTENANCE_PARTLY_EXCLUDED],
        RowStatus.MAINTENANCE_ALLOWANCE_USED,
    )
    rows.amount[mrow] = excluded_part
    return x_spans


def _window(
    measure: Uptime, table: EventTable, rows: _Rows, window: Timeline, n: int, *, p0: int, p1: int
) -> k.Grouped:
    """Return each service's window: the calendar's, within deployed time if so measured."""
    w_count = len(window)
    broadcast = k.Grouped(
        np.repeat(np.arange(n, dtype=np.int64), w_count),
        np.tile(window.starts, n),
        np.tile(window.ends, n),
    )
    if measure.denominator != "deployed":
        return broadcast
    deployment = rows.in_period & (table.kind == DEPLOYMENT)
    drow = np.flatnonzero(rows.direct & deployment)
    groups, used = [rows.group[drow]], [drow]
    # A service made of components exists while any of its components is deployed: their
    # deployments count for every service that lists them (and its own, if it has any).
    services_of_table = {name: i for i, name in enumerate(table.services)}
    for service, rule in measure.components:
        g = rows.parents.get(service)
        codes = [services_of_table[name] for name in rule.names if name in services_of_table]
        if g is None or not codes:
            continue
        sel = np.flatnonzero(deployment & np.isin(table.service, codes))
        groups.append(np.full(sel.shape[0], g, dtype=np.int64))
        used.append(sel)
    drow = np.concatenate(used)
    rows.status[drow] = RowStatus.DEPLOYMENT_USED
    deployed = k.normalize(
        k.Grouped(
            np.concatenate(groups),
            np.maximum(table.start[drow], p0),
            np.minimum(table.end[drow], p1),
        )
    )

    def both(c: list[I64]) -> BoolArray:
        mask: BoolArray = (c[0] > 0) & (c[1] > 0)
        return mask

    return k.coverage([broadcast, deployed], both)


def _down_keep(accounting: str) -> Callable[[list[I64]], BoolArray]:
    """Return the predicate of counted down time (sets: outages, maintenance, window)."""

    def down_remove(c: list[I64]) -> BoolArray:
        mask: BoolArray = (c[0] > 0) & (c[1] == 0) & (c[2] > 0)
        return mask

    def down_bad(c: list[I64]) -> BoolArray:
        mask: BoolArray = ((c[0] > 0) | (c[1] > 0)) & (c[2] > 0)
        return mask

    return down_bad if accounting == "bad" else down_remove


def _down_keep_shared(accounting: str) -> Callable[[list[I64]], BoolArray]:
    """Return the predicate of down time over (outages, maintenance), before the window."""

    def down_remove(c: list[I64]) -> BoolArray:
        mask: BoolArray = (c[0] > 0) & (c[1] == 0)
        return mask

    def down_bad(c: list[I64]) -> BoolArray:
        mask: BoolArray = (c[0] > 0) | (c[1] > 0)
        return mask

    return down_bad if accounting == "bad" else down_remove


def _eligible_keep(accounting: str) -> Callable[[list[I64]], BoolArray]:
    """Return the predicate of eligible time."""

    def eligible_remove(c: list[I64]) -> BoolArray:
        mask: BoolArray = (c[2] > 0) & (c[1] == 0)
        return mask

    def eligible_all(c: list[I64]) -> BoolArray:
        mask: BoolArray = c[2] > 0
        return mask

    return eligible_remove if accounting == "remove" else eligible_all


def _excluded(c: list[I64]) -> BoolArray:
    mask: BoolArray = (c[1] > 0) & (c[2] > 0)
    return mask


def _outside(c: list[I64]) -> BoolArray:
    mask: BoolArray = (c[0] > 0) & (c[2] == 0)
    return mask


@functools.lru_cache(maxsize=32)
def _index_of(services: tuple[str, ...]) -> dict[str, int]:
    """Return each service's position (cached: one agreement is evaluated many times)."""
    return {name: i for i, name in enumerate(services)}


def _rows(
    measure: Uptime, table: EventTable, services: tuple[str, ...], *, p0: int, p1: int
) -> _Rows:
    """Map each input row to its service's group (or -1), and mark what is not covered."""
    plain = measure.service is None and not measure.components
    if plain and (table.services is services or table.services == services):
        # a table routed to these services (a portfolio's group): the codes are the groups
        return _rows_of(table, np.arange(len(services), dtype=np.int64), {}, p0=p0, p1=p1)
    index = _index_of(services)
    if measure.service is not None:
        index = {measure.service: index[measure.service]} if measure.service in index else {}
    # One dict look-up per service of the table (their hashes are cached in the strings):
    # cheaper than comparing strings in a searchsorted, and no array of names is built.
    group_of_code = np.full(max(len(table.services), 1), -1, dtype=np.int64)
    if table.services and index:
        m = len(table.services)
        found = map(index.get, table.services, itertools.repeat(-1, m))
        group_of_code[:m] = np.fromiter(found, np.int64, m)
    direct_code = group_of_code >= 0
    if measure.components:
        code_of = _index_of(table.services)
        for service, rule in measure.components:  # a component's reports: the first service
            if service in index:  # listing the component
                for name in rule.names:
                    code = code_of.get(name)
                    if code is not None and group_of_code[code] < 0:
                        group_of_code[code] = index[service]
    direct = direct_code if measure.components else None
    return _rows_of(table, group_of_code, index, p0=p0, p1=p1, direct_code=direct)


def _rows_of(
    table: EventTable,
    group_of_code: I64,
    parents: dict[str, int],
    *,
    p0: int,
    p1: int,
    direct_code: BoolArray | None = None,
) -> _Rows:
    """Return the rows of ``table``, each in the group of its service code (-1: none)."""
    n_rows = len(table)
    group = group_of_code[table.service] if n_rows else np.zeros(0, np.int64)
    covered = group >= 0
    rows = _Rows(
        group=group,
        in_period=(table.end > p0) & (table.start < p1),
        status=np.full(n_rows, RowStatus.NOT_USED, dtype=np.int8),
        amount=np.zeros(n_rows, dtype=np.int64),
        detail=np.zeros(n_rows, dtype=np.int64),
        # without components, the rows a service reports itself are the covered ones
        direct=direct_code[table.service] if direct_code is not None and n_rows else covered,
        parents=parents,
    )
    rows.status[~covered] = RowStatus.NOT_COVERED
    rows.status[covered & ~rows.in_period] = RowStatus.OUTSIDE_PERIOD
    return rows


def _weighted_down(
    measure: Uptime,
    outages: _Outages,
    x_spans: k.Grouped,
    w_spans: k.Grouped,
    *,
    accounting: str,
    down_us: I64,
    down_spans: Callable[[], k.Grouped],
    n: int,
    bounds: dict[str, int],
) -> tuple[I64, int, _Layers]:
    """Return the weighted down time per service, in units of ``1 / scale`` µs, ``scale``, layers.

    The sum over levels of (weight step) x (time down at that level or heavier);
    maintenance counted as bad weighs 100%, so it gets a level of its own on top.
    """
    levels = len(outages.weights)
    weights = list(outages.weights)
    top_only_maintenance = accounting == "bad" and weights[0] < 1
    if top_only_maintenance:
        weights.insert(0, Fraction(1))
    scale = math.lcm(*(w.denominator for w in weights))
    # Weighted figures are scale x microseconds: fine-grained shares can make that exceed
    # int64, and then the sums are kept as exact Python integers instead.
    span = bounds["p1"] - bounds["p0"] + 1
    wide = scale * span * (len(weights) + 1) >= 2**62
    bad: npt.NDArray[np.int64] | npt.NDArray[np.object_] = (
        np.zeros(n, dtype=object) if wide else np.zeros(n, dtype=np.int64)
    )
    plan: list[tuple[int, int]] = []  # (step, level) per layer; level -1: maintenance only
    for position, (weight, lighter) in enumerate(
        zip(weights, [*weights[1:], Fraction(0)], strict=True)
    ):
        level = position - 1 if top_only_maintenance else position
        step = int((weight - lighter) * scale)
        plan.append((step, level))
        if level == levels - 1:
            level_down = down_us
        else:
            level_down = k.Sweep(
                _level_sets(
                    measure, outages, level, x_spans=x_spans, w_spans=w_spans, bounds=bounds
                )
            ).sums(_down_keep(accounting), n)
        bad += (level_down.astype(object) * step) if wide else step * level_down

    def build() -> tuple[tuple[int, k.Grouped], ...]:
        return tuple(
            (
                step,
                down_spans()
                if level == levels - 1
                else k.Sweep(
                    _level_sets(
                        measure, outages, level, x_spans=x_spans, w_spans=w_spans, bounds=bounds
                    )
                ).spans(_down_keep(accounting)),
            )
            for step, level in plan
        )

    layers = _Layers(build, origin=bounds["p0"], stride=bounds["stride"], wide=wide)
    return bad, scale, layers  # type: ignore[return-value]  # int64, or Python ints when wide


def _level_sets(
    measure: Uptime,
    outages: _Outages,
    level: int,
    *,
    x_spans: k.Grouped,
    w_spans: k.Grouped,
    bounds: dict[str, int],
) -> list[k.Grouped]:
    """Return the span sets to sweep for the down time at ``level`` or heavier."""
    d_level = k.empty() if level < 0 else _down_buckets(measure, outages, level, **bounds)
    return [d_level, x_spans, w_spans]


def _classify(
    outages: _Outages,
    rows: _Rows,
    down: k.Grouped,
    excl: k.Grouped,
    w_spans: k.Grouped,
    *,
    p0: int,
    stride: int,
) -> None:
    """Classify each kept outage's row by whether it met the counted down time, and why not.

    Whether a row counts is one search a row (``Packed.touches``); how much it
    counted for is left to ``_row_amounts()``, which only evidence reads.
    """
    real = outages.rows >= 0
    orow = outages.rows[real]
    widened = _select(outages.widened, real)
    counted = k.Packed(down, p0, stride).touches(*widened)
    status = np.full(orow.shape[0], RowStatus.COUNTED, dtype=np.int8)
    # Most rows count: only the others are asked why not (three probes over fewer rows).
    rest = np.flatnonzero(~counted)
    if rest.size:
        other = _select(widened, rest)
        short_touch = k.Packed(outages.short_runs, p0, stride).touches(*other)
        excluded_touch = k.Packed(excl, p0, stride).touches(*other)
        in_window = k.Packed(w_spans, p0, stride).touches(*other)
        status[rest] = np.select(
            [short_touch, excluded_touch, in_window],
            [RowStatus.BELOW_MINIMUM, RowStatus.EXCLUDED, RowStatus.BELOW_BUCKET_RULE],
            RowStatus.OUTSIDE_WINDOW,
        )
    rows.status[orow] = status
    if outages.member_rows.size:
        # A component's report counts for what it adds to its service's counted down time;
        # its own service's reading (if it is measured itself) is never downgraded. The rows'
        # own amounts come first here, for the components' to replace where they count.
        _row_amounts(outages, rows, down, p0=p0, stride=stride)
        down_packed = k.Packed(down, p0, stride)
        packed_excl = k.Packed(excl, p0, stride)
        packed_window = k.Packed(w_spans, p0, stride)
        best = np.zeros(rows.status.shape[0], dtype=np.int64)
        touched = np.zeros(rows.status.shape[0], dtype=np.int64)
        inside = np.zeros(rows.status.shape[0], dtype=np.int64)
        np.maximum.at(best, outages.member_rows, down_packed.measure_within(*outages.members))
        np.maximum.at(touched, outages.member_rows, packed_excl.measure_within(*outages.members))
        np.maximum.at(inside, outages.member_rows, packed_window.measure_within(*outages.members))
        members = np.unique(outages.member_rows)
        members = members[rows.in_period[members] & (rows.status[members] != RowStatus.COUNTED)]
        members = members[rows.status[members] != RowStatus.STATE_NOT_COUNTED]
        rows.status[members] = np.select(
            [best[members] > 0, touched[members] > 0, inside[members] > 0],
            [RowStatus.COUNTED, RowStatus.EXCLUDED, RowStatus.COMPONENTS_NOT_DOWN],
            RowStatus.OUTSIDE_WINDOW,
        )
        rows.amount[members] = best[members]


def _row_amounts(outages: _Outages, rows: _Rows, down: k.Grouped, *, p0: int, stride: int) -> None:
    """Fill in each kept outage row's counted down time (what its span adds to ``down``)."""
    real = outages.rows >= 0
    widened = _select(outages.widened, real)
    rows.amount[outages.rows[real]] = k.Packed(down, p0, stride).measure_within(*widened)


def _deferred_amounts(
    outages: _Outages, rows: _Rows, spans: _LazySpans, *, p0: int, stride: int
) -> None:
    """Fill in the outage rows' amounts after ``_classify()``, unless it did (components)."""
    if not outages.member_rows.size:
        _row_amounts(outages, rows, spans.down, p0=p0, stride=stride)


def run_uptime(
    measure: Uptime,
    table: EventTable,
    services: tuple[str, ...],
    period: Period,
    window: Timeline,
    *,
    start_at: int | None = None,
    rule: PeriodRule | None = None,
    since: int | None = None,
    corrections: CorrectionTable | None = None,
    tags: Mapping[str, tuple[str, ...]] | None = None,
) -> UptimeColumns:
    """Evaluate ``measure`` for each of ``services`` over ``period``, restricted to ``window``.

    ``start_at`` starts the evaluation later than the period (an agreement that
    takes effect mid-period); buckets stay aligned to the period's start.
    ``rule`` (the agreement's periods) and ``since`` (when the agreement took
    effect) place a maintenance budget longer than a period. ``corrections``
    are applied by the measure's ``corrections()`` clauses; ``tags`` names the
    services each catalogue tag selects.
    """
    origin = period.start
    p0 = period.start if start_at is None else max(period.start, start_at)
    p1 = period.end
    n = len(services)
    stride = p1 - p0 + 1
    if not k.fits_packed(n, stride):
        raise EvaluationError(
            f"{n} services over a {period.label} period exceed one pass; evaluate fewer services "
            "at a time"
        )
    rows = _rows(measure, table, services, p0=p0, p1=p1)

    outages = _counted_outages(measure, table, rows, origin=origin, p0=p0, p1=p1)
    if measure.minimum_of == "buckets" and measure.min_outage.us > 0:
        outages = _bucket_runs(measure, outages, origin=origin, p0=p0, p1=p1)
    clause = _maintenance_clause(measure)
    budget = _budget(clause, table, rows, n, period=period, rule=rule, since=since, p0=p0)
    x_spans = _excluded_maintenance(clause, table, rows, p0=p0, p1=p1, stride=stride, budget=budget)
    w_spans = _window(measure, table, rows, window, n, p0=p0, p1=p1)
    used = _used_corrections(measure, corrections, services, tags, p0=p0, p1=p1)
    combined = _combine_exclusions(clause, x_spans, used)
    accounting, x_spans, r_spans = combined.accounting, combined.spans, combined.removed

    # The lightest level holds every counted outage: its sweep gives all four span sets.
    levels = len(outages.weights)
    bounds = {"origin": origin, "p0": p0, "p1": p1, "stride": stride}
    # with time counted as unavailable beside other exclusions, that time is down too
    d_all = _with_down(_down_buckets(measure, outages, levels - 1, **bounds), combined.down)
    sweep_pair: k.Sweep | None = None
    cut_to: tuple[I64, I64] | None = None
    if measure.denominator == "deployed":
        # Each service has a window of its own: sweep it with the outages and maintenance.
        sweep = k.Sweep([d_all, x_spans, w_spans])
        down_us = sweep.sums(_down_keep(accounting), n)
        if accounting == "mixed":  # only the removed part leaves the eligible time
            eligible_us = k.Sweep([d_all, r_spans, w_spans]).sums(_eligible_keep("remove"), n)
        else:
            eligible_us = sweep.sums(_eligible_keep(accounting), n)
    else:
        # One window for every service: measure against its prefix sums instead of sweeping
        # a copy of it per service.
        shared = (window.starts, window.ends)
        # Every boundary swept lies in [p0, p1]: a window over all of it (24x7) cuts nothing.
        whole = len(window.starts) == 1 and window.starts[0] <= p0 and window.ends[0] >= p1
        pair = k.Sweep([d_all, x_spans])
        down_us = pair.sums(_down_keep_shared(accounting), n, within=None if whole else shared)
        # down and excluded time: read from this sweep, cut to the window where it cuts
        sweep_pair, cut_to = pair, None if whole else shared
        eligible_us = np.full(n, window.measure(), dtype=np.int64)
        if accounting in ("remove", "mixed"):
            if whole:
                removed = r_spans.end - r_spans.start
            else:
                removed = k.measure_before(shared, r_spans.end) - k.measure_before(
                    shared, r_spans.start
                )
            eligible_us -= k.sum_by_group(r_spans.group, removed, n)
        sweep = None
    spans = _LazySpans(
        sweep,
        accounting,
        (d_all, x_spans, w_spans),
        pair=sweep_pair,
        window=cut_to,
        removed=r_spans if accounting == "mixed" else None,
    )
    bad, scale, layers = _weighted_down(
        measure,
        outages,
        x_spans,
        w_spans,
        accounting=accounting,
        down_us=down_us,
        down_spans=lambda: spans.down,
        n=n,
        bounds=bounds,
    )

    def classify() -> _Rows:
        _classify(outages, rows, spans.down, spans.excluded, w_spans, p0=p0, stride=stride)
        return rows

    return UptimeColumns(
        measure=measure,
        period=period,
        services=services,
        window=window,
        eligible_us=eligible_us,
        down_us=down_us,
        bad=bad,
        scale=scale,
        spans=spans,
        layers=layers,
        clause=clause,
        classify=classify,
        amounts=functools.partial(_deferred_amounts, outages, rows, spans, p0=p0, stride=stride),
        measured=(p0, p1),
        budget=budget,
        corrections=used,
    )


def service_timeline(spans: k.Grouped, service_index: int) -> Timeline:
    """Return one service's spans from a grouped span set as a timeline."""
    edges = np.searchsorted(spans.group, [service_index, service_index + 1])
    lo, hi = int(edges[0]), int(edges[1])
    return Timeline._from_normalized(spans.start[lo:hi], spans.end[lo:hi])


def window_for(measure: Uptime, period: Period) -> Timeline:
    """Return the measure's service window inside the period."""
    if measure.during is None:
        return Timeline([Span(period.start, period.end)])
    return measure.during.timeline(period.start, period.end)
