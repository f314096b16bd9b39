"""The uptime kernel against a slow per-second model of the same rules."""

from __future__ import annotations

import random
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit._engine._uptime import run_uptime, window_for
from tests.strategies import SECOND, SERVICES, T0, events, small_period, uptime_measures

PERIOD_SECONDS = 600


def _seconds(start: int, end: int) -> set[int]:
    return set(range((start - T0) // SECOND, (end - T0) // SECOND))


def oracle(measure: sla.Uptime, evts: list[sla.Event], service: str) -> tuple[int, int, Fraction]:
    """Return (eligible seconds, down seconds, weighted down seconds) by brute force."""
    period = set(range(PERIOD_SECONDS))
    weights = dict(measure.states)
    outs = [
        e for e in evts if isinstance(e, sla.Outage) and e.service == service and e.state in weights
    ]
    minimum = measure.min_outage.us // SECOND
    if measure.min_outage_of == "report":
        kept = [o for o in outs if (o.end_us - o.start_us) // SECOND >= minimum]
    else:
        covered = set().union(*(_seconds(o.start_us, o.end_us) for o in outs))
        kept = []
        for o in outs:
            first = (o.start_us - T0) // SECOND
            lo = first
            while lo - 1 in covered:
                lo -= 1
            hi = first
            while hi in covered:
                hi += 1
            if hi - lo >= minimum:
                kept.append(o)
    # Only outages that overlap the period count: a partial last bucket is not
    # marked down by an outage that starts after the period ends.
    kept = [o for o in kept if _seconds(o.start_us, o.end_us) & period]

    def weight_of(o: sla.Outage) -> Fraction:
        w = Fraction(weights[o.state])
        return w * Fraction(o.affected) if measure.affected_share else w

    levels = sorted({weight_of(o) for o in kept}, reverse=True)
    weight = dict.fromkeys(period, Fraction(0))  # per second: the heaviest level down there
    for level in reversed(levels):  # lightest first, so heavier levels overwrite
        secs = set().union(*(_seconds(o.start_us, o.end_us) for o in kept if weight_of(o) >= level))
        secs &= period
        if measure.granularity is not None:
            g = measure.granularity.us // SECOND
            rule = measure.bucket_down
            down_secs = set()
            for b in {s // g for s in secs}:
                bucket = set(range(b * g, b * g + g)) & period
                inside = len(secs & bucket)
                if rule.kind == "any":
                    ok = inside > 0
                elif rule.kind == "all":
                    ok = inside == len(bucket)
                elif rule.kind == ">":
                    ok = inside > rule.threshold.us // SECOND
                else:
                    ok = inside >= rule.threshold.us // SECOND
                if ok:
                    down_secs |= bucket
            secs = down_secs
        for sec in secs:
            weight[sec] = level
    clause = measure.excluding[0] if measure.excluding else None
    maint: set[int] = set()
    if clause is not None:
        for m in evts:
            if isinstance(m, sla.Maintenance) and m.service == service:
                lead = m.start_us - m.announced_us
                if clause.notice is None or lead >= clause.notice.us:
                    maint |= _seconds(m.start_us, m.end_us)
        maint &= period
        if clause.at_most is not None:
            maint = set(sorted(maint)[: clause.at_most.us // SECOND])
    window = period
    if measure.during is not None:
        window = set().union(*(_seconds(s, e) for s, e in measure.during.spans)) & period
    if measure.denominator == "deployed":
        deployed = set().union(
            *(
                _seconds(d.start_us, d.end_us)
                for d in evts
                if isinstance(d, sla.Deployment) and d.service == service
            )
        )
        window &= deployed
    accounting = clause.accounting if clause is not None else "remove"
    for sec in maint:
        weight[sec] = Fraction(1) if accounting == "bad" else Fraction(0)
    eligible = window - maint if accounting == "remove" else window
    down = {sec for sec in window if weight[sec] > 0}
    return len(eligible), len(down), sum((weight[sec] for sec in window), Fraction(0))


@given(measure=uptime_measures(), evts=events())
def test_kernel_matches_per_second_model(measure: sla.Uptime, evts: list[sla.Event]) -> None:
    """Eligible and down time equal the brute-force model for every service."""
    period = small_period(PERIOD_SECONDS)
    table = sla.EventTable.from_records(evts)
    cols = run_uptime(measure, table, SERVICES, period, window_for(measure, period))
    for i, service in enumerate(SERVICES):
        eligible, down, weighted = oracle(measure, evts, service)
        assert int(cols.eligible_us[i]) == eligible * SECOND, service
        assert int(cols.down_us[i]) == down * SECOND, service
        assert Fraction(int(cols.bad[i]), cols.scale) == weighted * SECOND, service


@given(measure=uptime_measures(), evts=events(), seed=st.integers(0, 2**32 - 1))
def test_kernel_ignores_event_order(measure: sla.Uptime, evts: list[sla.Event], seed: int) -> None:
    """Shuffling the input rows changes no figure and no row's fate."""
    period = small_period(PERIOD_SECONDS)
    shuffled = list(range(len(evts)))
    random.Random(seed).shuffle(shuffled)
    a = run_uptime(
        measure, sla.EventTable.from_records(evts), SERVICES, period, window_for(measure, period)
    )
    b = run_uptime(
        measure,
        sla.EventTable.from_records([evts[i] for i in shuffled]),
        SERVICES,
        period,
        window_for(measure, period),
    )
    assert a.eligible_us.tolist() == b.eligible_us.tolist()
    assert a.down_us.tolist() == b.down_us.tolist()
    assert [int(a.row_status[i]) for i in shuffled] == b.row_status.tolist()
    assert [int(a.row_down_us[i]) for i in shuffled] == b.row_down_us.tolist()


@given(measure=uptime_measures(), evts=events())
def test_every_event_reconciles(measure: sla.Uptime, evts: list[sla.Event]) -> None:
    """Each input row is counted, excluded or ignored exactly once, and counted rows add time."""
    period = small_period(PERIOD_SECONDS)
    table = sla.EventTable.from_records(evts)
    cols = run_uptime(measure, table, SERVICES[:2], period, window_for(measure, period))
    from slakit._engine._status import RowStatus

    statuses = [RowStatus(int(s)) for s in cols.row_status]
    assert len(statuses) == len(evts)
    for event, status, amount in zip(evts, statuses, cols.row_down_us.tolist(), strict=True):
        if event.service == "c":
            assert status is RowStatus.NOT_COVERED
        if status is RowStatus.COUNTED:
            assert amount > 0
        assert status.category in {"counted", "excluded", "ignored"}
    assert period.start == T0
