"""The uptime kernel: availability from outage reports for every service in one pass.

Pipeline, all columnar (no Python loop over events or services):

1. Map each row's service to a group (a service of the agreement) or mark it
   not covered; mark rows that do not overlap the period.
2. Minimum outage: merge each service's outage reports into episodes of
   consecutive downtime (one sort) and drop episodes (or single reports)
   shorter than the minimum.
3. Granularity: widen the kept reports to whole buckets aligned to the period
   start, and clip them to the period.
4. Maintenance: keep the windows that meet the clause's notice condition, cut
   each service's total to the clause's allowance, in start order.
5. One sweep over the boundaries of outages, maintenance and the service
   window gives, per service, the counted down time, the eligible time, the
   excluded time and the down time outside the window.
6. Each row's contribution is read back with prefix sums (``searchsorted``) to
   classify it for evidence and reconciliation.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._exclusions import ScheduledMaintenance
from slakit._dsl._measures import Uptime
from slakit._engine._status import RowStatus
from slakit._events._table import MAINTENANCE, OUTAGE, EventTable
from slakit._time import _kernels as k
from slakit._time._periods import Period
from slakit._time._timeline import Span, Timeline
from slakit.exceptions import EvaluationError

__all__ = ["UptimeColumns", "run_uptime"]

I64 = npt.NDArray[np.int64]


@attrs.frozen(eq=False)
class UptimeColumns:
    """The result of the uptime kernel, as columns over the agreement's services.

    ``eligible_us`` and ``down_us`` are per service (in ``services`` order);
    ``row_status``, ``row_down_us`` and ``row_detail`` are per input row of the
    event table; the span sets are grouped by service index.
    """

    measure: Uptime
    period: Period
    services: tuple[str, ...]
    window: Timeline
    eligible_us: I64
    down_us: I64
    down: k.Grouped
    eligible: k.Grouped
    excluded: k.Grouped
    outside_window: k.Grouped
    row_status: npt.NDArray[np.int8]
    row_down_us: I64
    row_detail: I64
    clause: ScheduledMaintenance | None


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
        raise EvaluationError(
            f"{n} outage reports over {n_groups} services span too long a time to merge in one "
            "pass; evaluate fewer services at a time or trim the events to the period"
        )
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


def _allowance(spans: k.Grouped, at_most: int) -> k.Grouped:
    """Keep, per group, only the first ``at_most`` microseconds of normalised ``spans``."""
    if len(spans) == 0:
        return spans
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
    in_period: npt.NDArray[np.bool_]
    status: npt.NDArray[np.int8]
    amount: I64
    detail: I64


def _counted_outages(
    measure: Uptime, table: EventTable, rows: _Rows, *, origin: int, p0: int, p1: int
) -> tuple[npt.NDArray[np.intp], k.Grouped]:
    """Return the outage rows that count, and their spans widened to buckets and clipped."""
    group, start, end = rows.group, table.start, table.end
    orow = np.flatnonzero((group >= 0) & (table.kind == OUTAGE))
    minimum = measure.min_outage.us
    if minimum > 0:
        spans = k.Grouped(group[orow], start[orow], end[orow])
        if measure.min_outage_of == "episode":
            long_enough = _episode_lengths(spans) >= minimum
        else:
            long_enough = (spans.end - spans.start) >= minimum
        short = orow[~long_enough]
        rows.status[short[rows.in_period[short]]] = RowStatus.BELOW_MINIMUM
        orow = orow[long_enough]
    orow = orow[rows.in_period[orow]]
    d_spans = k.Grouped(group[orow], start[orow], end[orow])
    if measure.granularity is not None:
        d_spans = k.bucketize(d_spans, origin, measure.granularity.us)
    clipped = k.Grouped(d_spans.group, np.maximum(d_spans.start, p0), np.minimum(d_spans.end, p1))
    return orow, clipped


def _excluded_maintenance(
    clause: ScheduledMaintenance | None,
    table: EventTable,
    rows: _Rows,
    *,
    p0: int,
    p1: int,
    stride: int,
) -> k.Grouped:
    """Return the maintenance time the clause excludes, and classify the maintenance rows."""
    if clause is None:
        return k.empty()
    group, start, end = rows.group, table.start, table.end
    mrow = np.flatnonzero((group >= 0) & rows.in_period & (table.kind == MAINTENANCE))
    lead = start[mrow] - table.announced[mrow]
    rows.detail[mrow] = lead
    if clause.notice is not None:
        ok = lead >= clause.notice.us
        rows.status[mrow[~ok]] = RowStatus.MAINTENANCE_NOTICE_TOO_SHORT
        mrow = mrow[ok]
    m_clipped = k.Grouped(group[mrow], np.maximum(start[mrow], p0), np.minimum(end[mrow], p1))
    x_spans = k.normalize(m_clipped)
    if clause.at_most is not None:
        x_spans = _allowance(x_spans, clause.at_most.us)
    excluded_part = k.Packed(x_spans, p0, stride).measure_within(*m_clipped)
    full = m_clipped.end - m_clipped.start
    rows.status[mrow] = np.select(
        [excluded_part == full, excluded_part > 0],
        [RowStatus.MAINTENANCE_EXCLUDED, RowStatus.MAINTENANCE_PARTLY_EXCLUDED],
        RowStatus.MAINTENANCE_ALLOWANCE_USED,
    )
    rows.amount[mrow] = excluded_part
    return x_spans


def _sweep(
    d_spans: k.Grouped, x_spans: k.Grouped, window: Timeline, n: int, accounting: str
) -> list[k.Grouped]:
    """Return (down, eligible, excluded, outside window) span sets from one shared sweep.

    Sets: 0 outages (bucketed), 1 excluded maintenance, 2 the window of each service.
    """
    w_count = len(window)
    w_spans = k.Grouped(
        np.repeat(np.arange(n, dtype=np.int64), w_count),
        np.tile(window.starts, n),
        np.tile(window.ends, n),
    )

    def down_remove(c: list[I64]) -> npt.NDArray[np.bool_]:
        mask: npt.NDArray[np.bool_] = (c[0] > 0) & (c[1] == 0) & (c[2] > 0)
        return mask

    def down_bad(c: list[I64]) -> npt.NDArray[np.bool_]:
        mask: npt.NDArray[np.bool_] = ((c[0] > 0) | (c[1] > 0)) & (c[2] > 0)
        return mask

    def eligible_remove(c: list[I64]) -> npt.NDArray[np.bool_]:
        mask: npt.NDArray[np.bool_] = (c[2] > 0) & (c[1] == 0)
        return mask

    def eligible_all(c: list[I64]) -> npt.NDArray[np.bool_]:
        mask: npt.NDArray[np.bool_] = c[2] > 0
        return mask

    def excluded(c: list[I64]) -> npt.NDArray[np.bool_]:
        mask: npt.NDArray[np.bool_] = (c[1] > 0) & (c[2] > 0)
        return mask

    def outside(c: list[I64]) -> npt.NDArray[np.bool_]:
        mask: npt.NDArray[np.bool_] = (c[0] > 0) & (c[2] == 0)
        return mask

    return k.coverage_many(
        [d_spans, x_spans, w_spans],
        [
            down_bad if accounting == "bad" else down_remove,
            eligible_remove if accounting == "remove" else eligible_all,
            excluded,
            outside,
        ],
    )


def run_uptime(
    measure: Uptime,
    table: EventTable,
    services: tuple[str, ...],
    period: Period,
    window: Timeline,
    *,
    start_at: int | None = None,
) -> UptimeColumns:
    """Evaluate ``measure`` for each of ``services`` over ``period``, restricted to ``window``.

    ``start_at`` starts the evaluation later than the period (an agreement that
    takes effect mid-period); buckets stay aligned to the period's start.
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
    n_rows = len(table)
    index = {name: i for i, name in enumerate(services)}
    if measure.service is not None:
        index = {measure.service: index[measure.service]} if measure.service in index else {}
    group_of_code = np.array([index.get(name, -1) for name in table.services] or [-1], np.int64)
    group = group_of_code[table.service] if n_rows else np.zeros(0, np.int64)
    rows = _Rows(
        group=group,
        in_period=(table.end > p0) & (table.start < p1),
        status=np.full(n_rows, RowStatus.NOT_USED, dtype=np.int8),
        amount=np.zeros(n_rows, dtype=np.int64),
        detail=np.zeros(n_rows, dtype=np.int64),
    )
    covered = group >= 0
    rows.status[~covered] = RowStatus.NOT_COVERED
    rows.status[covered & ~rows.in_period] = RowStatus.OUTSIDE_PERIOD

    orow, d_spans = _counted_outages(measure, table, rows, origin=origin, p0=p0, p1=p1)
    clause = _maintenance_clause(measure)
    x_spans = _excluded_maintenance(clause, table, rows, p0=p0, p1=p1, stride=stride)
    accounting = clause.accounting if clause is not None else "remove"
    down, eligible, excl, outside_w = _sweep(d_spans, x_spans, window, n, accounting)

    # Read each kept outage's contribution back, to classify it.
    contribution = k.Packed(down, p0, stride).measure_within(*d_spans)
    excluded_touch = k.Packed(excl, p0, stride).measure_within(*d_spans)
    rows.status[orow] = np.select(
        [contribution > 0, excluded_touch > 0],
        [RowStatus.COUNTED, RowStatus.EXCLUDED],
        RowStatus.OUTSIDE_WINDOW,
    )
    rows.amount[orow] = contribution

    return UptimeColumns(
        measure=measure,
        period=period,
        services=services,
        window=window,
        eligible_us=k.sum_by_group(eligible.group, eligible.end - eligible.start, n),
        down_us=k.sum_by_group(down.group, down.end - down.start, n),
        down=down,
        eligible=eligible,
        excluded=excl,
        outside_window=outside_w,
        row_status=rows.status,
        row_down_us=rows.amount,
        row_detail=rows.detail,
        clause=clause,
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
