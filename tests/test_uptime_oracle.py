"""The uptime kernel against a slow per-second model of the same rules."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import attrs
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit._engine._uptime import run_uptime, window_for
from tests.strategies import (
    SECOND,
    SERVICES,
    T0,
    events,
    maintenances,
    outages,
    small_period,
    uptime_measures,
)

PERIOD_SECONDS = 600


def _seconds(start: int, end: int) -> set[int]:
    return set(range((start - T0) // SECOND, (end - T0) // SECOND))


def oracle(measure: sla.Uptime, evts: list[sla.Event], service: str) -> tuple[int, int, Fraction]:
    """Return (eligible seconds, down seconds, weighted down seconds) by brute force."""
    eligible, weight = second_weights(measure, evts, service)
    down = {sec for sec, w in weight.items() if w > 0}
    return eligible, len(down), sum(weight.values(), Fraction(0))


def second_weights(
    measure: sla.Uptime, evts: list[sla.Event], service: str
) -> tuple[int, dict[int, Fraction]]:
    """Return the eligible seconds and, per second of the window, its counted down weight."""
    period = set(range(PERIOD_SECONDS))
    weights = dict(measure.states)
    outs = [
        e for e in evts if isinstance(e, sla.Outage) and e.service == service and e.state in weights
    ]
    minimum = measure.min_outage.us // SECOND
    if measure.minimum_of == "buckets":
        kept = outs  # the minimum applies to runs of down buckets, below
    elif measure.minimum_of == "report":
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
    runs_kept: set[int] | None = None
    if measure.minimum_of == "buckets" and minimum > 0:
        # Runs of consecutive down buckets, judged on every outage (a run may cross the
        # period's bounds), and measured whole.
        every = set(range(-PERIOD_SECONDS, 2 * PERIOD_SECONDS))
        union = set().union(*(_seconds(o.start_us, o.end_us) for o in outs))
        down_all = _bucketed(measure, union, every) & every
        down_all = (down_all - period) | _bucketed(measure, union & period, period)
        runs_kept = set()
        for lo, hi in _runs(down_all):
            if hi - lo >= minimum:
                runs_kept |= set(range(lo, hi))
    for level in reversed(levels):  # lightest first, so heavier levels overwrite
        secs = set().union(*(_seconds(o.start_us, o.end_us) for o in kept if weight_of(o) >= level))
        secs = _bucketed(measure, secs & period, period)
        if runs_kept is not None:
            secs &= runs_kept
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
    return len(eligible), {sec: weight[sec] for sec in window}


def _bucketed(measure: sla.Uptime, secs: set[int], within: set[int]) -> set[int]:
    """Return the seconds of the buckets (clipped to ``within``) that the bucket rule marks down."""
    if measure.granularity is None:
        return secs
    g = measure.granularity.us // SECOND
    rule = measure.bucket_down
    down_secs: set[int] = set()
    for b in {s // g for s in secs}:
        bucket = set(range(b * g, b * g + g)) & within
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
    return down_secs


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


COMPONENT_SERVICES = ("a", "a1", "a2", "a3", "b", "b1", "b2", "c")


def _runs(seconds: set[int]) -> list[tuple[int, int]]:
    """Return the maximal runs of consecutive seconds as (start, end) pairs."""
    out: list[tuple[int, int]] = []
    for sec in sorted(seconds):
        if out and out[-1][1] == sec:
            out[-1] = (out[-1][0], sec + 1)
        else:
            out.append((sec, sec + 1))
    return out


@given(
    measure=uptime_measures(),
    evts=st.lists(
        st.one_of(outages(services=COMPONENT_SERVICES), maintenances(services=("a", "b"))),
        max_size=14,
    ),
    need=st.integers(1, 3),
)
def test_components_match_per_second_model(
    measure: sla.Uptime, evts: list[sla.Event], need: int
) -> None:
    """Services made of components: the kernel equals combining per second, then the model."""
    rules = {"a": sla.at_least(need, "a1", "a2", "a3"), "b": sla.any_of("b1", "b2")}
    measure = attrs.evolve(
        measure,
        states=(("down", Decimal(1)),),
        affected_share=False,
        min_outage_of="episode",
        components=rules,
    )
    period = small_period(PERIOD_SECONDS)
    table = sla.EventTable.from_records(evts)
    cols = run_uptime(measure, table, ("a", "b"), period, window_for(measure, period))
    for i, service in enumerate(("a", "b")):
        rule = rules[service]
        counts: dict[int, int] = {}
        for name in rule.names:
            secs = set().union(
                *(
                    _seconds(o.start_us, o.end_us)
                    for o in evts
                    if isinstance(o, sla.Outage) and o.service == name and o.state == "down"
                )
            )
            for sec in secs:
                counts[sec] = counts.get(sec, 0) + 1
        combined = {sec for sec, c in counts.items() if c >= rule.need}
        synthetic: list[sla.Event] = [
            sla.Outage(service, T0 + s * SECOND, T0 + e * SECOND) for s, e in _runs(combined)
        ]
        direct = [e for e in evts if e.service == service]
        plain = attrs.evolve(measure, components={})
        eligible, down, _ = oracle(plain, synthetic + direct, service)
        assert int(cols.eligible_us[i]) == eligible * SECOND, service
        assert int(cols.down_us[i]) == down * SECOND, service


@given(measure=uptime_measures(), evts=events())
def test_evidence_columns_are_the_evidence_of_each_service(
    measure: sla.Uptime, evts: list[sla.Event]
) -> None:
    """The columnar evidence holds, service by service, what each evidence object holds."""
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[measure >= "50%"])
    agreement = sla.Agreement(provider="p", customer="c", services=list(SERVICES[:2]), tier=tier)
    [outcome] = sla.evaluate(agreement, evts, period=small_period(PERIOD_SECONDS)).outcomes
    columns = outcome.all_evidence()
    evidence = [outcome.evidence_of(i) for i in range(len(outcome.services))]
    assert columns.eligible_us.tolist() == [ev.eligible_us for ev in evidence]
    assert columns.down_us().tolist() == [ev.down_us for ev in evidence]
    assert columns.excluded_by.tolist() == [ev.excluded_by for ev in evidence]
    assert columns.weighted_down == (
        None if not measure.weighted else tuple(ev.weighted_down for ev in evidence)
    )
    for name in ("down", "excluded", "outside_window"):
        spans = getattr(columns, name)
        rows = zip(spans.service.tolist(), spans.start.tolist(), spans.end.tolist(), strict=True)
        assert list(rows) == [
            (i, span.start, span.end) for i, ev in enumerate(evidence) for span in getattr(ev, name)
        ]
    events = columns.events
    assert list(
        zip(
            events.service.tolist(),
            events.kind.tolist(),
            events.start.tolist(),
            events.end.tolist(),
            events.category.tolist(),
            events.reason.tolist(),
            strict=True,
        )
    ) == [
        (n.service, n.kind, n.start, n.end, n.category, n.reason)
        for ev in evidence
        for n in ev.events
    ]
