"""Incident measures: the runner of ``IncidentMeasure``, over outage reports.

One pass for every service at once: the outage reports are ordered by
(service, start) with one sort of packed keys, merged into incidents by a
running maximum of their ends, filtered by length, and assigned to the period
in which they start; ``bincount`` and ``maximum.at`` give the count, the total
and the longest length per service, and the count of those longer than a
repair target. Each report's fate (counted, below the minimum, in an incident
of another period) is read back from its incident.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._incidents import IncidentMeasure
from slakit._dsl._measures import Measure
from slakit._engine._availability import row_note, service_rows, status_counts
from slakit._engine._inputs import Inputs
from slakit._engine._order import canonical
from slakit._engine._registry import Context, register
from slakit._engine._status import RowStatus
from slakit._events._table import KINDS, OUTAGE, EventTable
from slakit._results._evidence import EventNote, MeasureEvidence, MeasureOutcome
from slakit._time import _kernels as k
from slakit._time._instant import describe_us, format_us
from slakit._time._timeline import Span, Timeline
from slakit.exceptions import EvaluationError

__all__ = ["IncidentColumns", "find_incidents", "run_incident_measure"]

I64 = npt.NDArray[np.int64]


@attrs.frozen(eq=False)
class IncidentColumns:
    """Incidents of every service, and each input row's fate.

    ``group``, ``start`` and ``end`` describe every incident (sorted by service
    and start); ``counted`` marks those that are long enough and start in the
    evaluated span. ``row_incident`` gives each outage row's incident (``-1``
    for other rows); ``row_status`` each row's ``RowStatus``.
    """

    group: I64
    start: I64
    end: I64
    counted: npt.NDArray[np.bool_]
    long_enough: npt.NDArray[np.bool_]
    row_incident: I64
    row_status: npt.NDArray[np.int8]
    count: I64
    total_us: I64
    longest_us: I64
    down_in_period_us: I64
    late: npt.NDArray[np.bool_]
    late_count: I64


def find_incidents(
    measure: IncidentMeasure, table: EventTable, services: tuple[str, ...], p0: int, p1: int
) -> IncidentColumns:
    """Merge the outage reports of ``services`` into incidents and summarise ``[p0, p1)``."""
    n = len(services)
    n_rows = len(table)
    index = {name: i for i, name in enumerate(services)}
    if measure.service is not None:
        index = {measure.service: index[measure.service]} if measure.service in index else {}
    group_of_code = np.array([index.get(name, -1) for name in table.services] or [-1], np.int64)
    group = group_of_code[table.service] if n_rows else np.zeros(0, np.int64)
    status = np.full(n_rows, RowStatus.NOT_COVERED, dtype=np.int8)
    status[(group >= 0) & (table.kind != OUTAGE)] = RowStatus.NOT_USED
    rows = np.flatnonzero((group >= 0) & (table.kind == OUTAGE))
    row_incident = np.full(n_rows, -1, dtype=np.int64)
    if rows.size == 0:
        z = np.zeros(0, dtype=np.int64)
        zeros = np.zeros(n, dtype=np.int64)
        return IncidentColumns(
            z,
            z,
            z,
            z.astype(bool),
            z.astype(bool),
            row_incident,
            status,
            zeros,
            zeros,
            zeros,
            zeros,
            z.astype(bool),
            zeros,
        )
    g, s, e = group[rows], table.start[rows], table.end[rows]
    gap = measure.merge_gap.us
    t0 = int(s.min())
    stride = int(e.max()) - t0 + gap + 1
    if not k.fits_packed(int(g.max()) + 1, stride):
        raise EvaluationError(
            f"{rows.size} outage reports over {n} services span too long a time to merge in one "
            "pass; evaluate fewer services at a time or trim the events"
        )
    ps = g * stride + (s - t0)
    pe = g * stride + (e - t0)
    order = np.argsort(ps, kind="stable")
    ps, pe = ps[order], pe[order]
    reach = np.maximum.accumulate(pe)
    new = np.empty(rows.size, dtype=bool)
    new[0] = True
    new[1:] = ps[1:] > reach[:-1] + gap
    first = np.flatnonzero(new)
    inc_group = g[order][first]
    inc_start = s[order][first]
    inc_end = np.maximum.reduceat(pe, first) - inc_group * stride + t0
    incident_sorted = np.cumsum(new) - 1
    row_incident[rows[order]] = incident_sorted

    length = inc_end - inc_start
    long_enough = length >= measure.min_duration.us
    in_span = (inc_start >= p0) & (inc_start < p1)
    counted = long_enough & in_span
    inc_of_row = row_incident[rows]
    status[rows] = np.select(
        [~long_enough[inc_of_row], counted[inc_of_row]],
        [RowStatus.BELOW_MINIMUM, RowStatus.COUNTED],
        RowStatus.OUTSIDE_PERIOD,
    )
    cg = inc_group[counted]
    count = np.bincount(cg, minlength=n).astype(np.int64)
    total = k.sum_by_group(cg, length[counted], n)
    longest = np.zeros(n, dtype=np.int64)
    np.maximum.at(longest, cg, length[counted])
    # Down time inside [p0, p1) of every incident that is long enough, wherever it starts.
    clipped = k.clip(
        k.Grouped(inc_group[long_enough], inc_start[long_enough], inc_end[long_enough]), p0, p1
    )
    down = k.sum_by_group(clipped.group, clipped.end - clipped.start, n)
    # repaired late: a counted incident longer than the target (exactly the target is on time)
    late = counted & (length > measure.within.us) if measure.within is not None else counted & False
    late_count = np.bincount(inc_group[late], minlength=n).astype(np.int64)
    return IncidentColumns(
        group=inc_group,
        start=inc_start,
        end=inc_end,
        counted=counted,
        long_enough=long_enough,
        row_incident=row_incident,
        row_status=status,
        count=count,
        total_us=total,
        longest_us=longest,
        down_in_period_us=down,
        late=late,
        late_count=late_count,
    )


@register(IncidentMeasure)
def run_incident_measure(measure: Measure, inputs: Inputs, ctx: Context) -> MeasureOutcome:
    """Evaluate an incident statistic over the outage reports."""
    assert isinstance(measure, IncidentMeasure)
    table = inputs.events()
    p0, p1 = ctx.start, ctx.period.end
    cols = find_incidents(measure, table, ctx.services, p0, p1)
    n = len(ctx.services)
    ones = np.ones(n, dtype=np.int64)
    if measure.statistic == "count":
        good, total = cols.count, ones
    elif measure.statistic == "mttr":
        good, total = cols.total_us, cols.count
    elif measure.statistic == "mtbf":
        good, total = (p1 - p0) - cols.down_in_period_us, cols.count
    elif measure.statistic == "late":
        good, total = cols.late_count, ones
    elif measure.statistic == "on_time":
        good, total = cols.count - cols.late_count, cols.count
    else:
        good, total = cols.longest_us, ones

    def evidence_of(i: int) -> MeasureEvidence:
        return _evidence(measure, cols, table, ctx, i)

    def notes() -> list[EventNote]:
        return _notes(measure, cols, table, np.arange(len(table)), ctx)

    return MeasureOutcome(
        measure=measure,
        services=ctx.services,
        good=np.asarray(good, dtype=np.int64),
        total=np.asarray(total, dtype=np.int64),
        evidence_of=evidence_of,
        notes=notes,
        counts=status_counts(cols.row_status),
    )


def _evidence(
    measure: IncidentMeasure, cols: IncidentColumns, table: EventTable, ctx: Context, i: int
) -> MeasureEvidence:
    service = ctx.services[i]
    mine = cols.group == i
    # the incidents the value counts: every incident, or those repaired late
    counted = mine & (cols.late if measure.within is not None else cols.counted)
    rows = service_rows(table, service)
    return MeasureEvidence(
        service=service,
        measure=measure,
        eligible=Timeline([Span(ctx.start, ctx.period.end)]),
        down=Timeline.from_arrays(cols.start[counted], cols.end[counted]),
        excluded=Timeline(),
        excluded_by="",
        outside_window=Timeline(),
        events=tuple(_notes(measure, cols, table, rows, ctx)),
    )


def _notes(
    measure: IncidentMeasure, cols: IncidentColumns, table: EventTable, rows: I64, ctx: Context
) -> list[EventNote]:
    out = []
    rows = canonical(table, rows, then=(cols.row_status, cols.row_incident))
    for row in rows.tolist():
        code = RowStatus(int(cols.row_status[row]))
        incident = int(cols.row_incident[row])
        amount = 0
        if incident >= 0:
            s, e = int(cols.start[incident]), int(cols.end[incident])
            span = f"incident [{format_us(s)}, {format_us(e)}) of {describe_us(e - s)}"
            if code is RowStatus.COUNTED:
                amount = e - s
                reason = f"part of the {span}"
                if measure.within is not None:
                    target = measure.within.words()
                    reason += (
                        f": repaired late, longer than {target}"
                        if cols.late[incident]
                        else f": repaired on time, within {target}"
                    )
            elif code is RowStatus.BELOW_MINIMUM:
                reason = (
                    f"ignored: part of the {span}, shorter than the minimum of "
                    f"{measure.min_duration.words()}"
                )
            else:
                reason = (
                    f"ignored: part of the {span}, which starts outside the evaluated span "
                    f"{ctx.period.label} (an incident belongs to the period it starts in)"
                )
        elif code is RowStatus.NOT_USED:
            reason = f"ignored: {KINDS[int(table.kind[row])]} is not an outage report"
        else:
            reason = "ignored: the service is not covered by this measure"
        out.append(row_note(table, row, code, reason, amount))
    return out
