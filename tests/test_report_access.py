"""Reading a report: one service in O(1), and exports built in bulk with the same output."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit._engine import _availability
from slakit._ratio import format_percent
from slakit._results import _render
from slakit._results._evidence import MeasureOutcome
from slakit._results._render import instants_text, seconds_text
from slakit._time._instant import MAX_INSTANT_US, MIN_INSTANT_US, format_us

EVENTS: list[sla.Event] = [
    sla.Outage("a", "2026-10-02T00:00:00Z", "2026-10-02T01:00:00Z"),
    sla.Outage("b", "2026-10-02T00:00:00Z", "2026-10-02T10:00:00Z"),
    sla.Outage("d", "2026-10-09T00:00:00Z", "2026-10-09T00:00:30Z"),
    sla.Outage("zzz", "2026-10-02T00:00:00Z", "2026-10-02T10:00:00Z"),
    sla.Maintenance("a", "2026-10-20T00:00Z", "2026-10-20T01:00Z", "2026-10-01T00:00Z"),
]


def _agreement(services: tuple[str, ...] = ("a", "b", "c", "d")) -> sla.Agreement:
    uptime = sla.uptime(
        min_outage=sla.minutes(1),
        granularity=sla.minutes(1),
        excluding=[sla.scheduled_maintenance(notice=sla.days(5))],
    )
    only_b = sla.uptime(service="b")
    tier = sla.Tier(
        "region",
        fee=sla.usd("10000.00"),
        objectives=[uptime >= "99.9%", uptime >= "99%", only_b >= "99.5%"],
        compensation=sla.cap(
            sla.credit_schedule(uptime, {"< 99.9%": "10%", "< 99%": "25%"})
            + sla.credit_schedule(only_b, {"< 99.5%": "5%"}),
            at_most="20%",
        ),
    )
    return sla.Agreement(
        provider="Acme",
        customer="Globex",
        services=list(services),
        tier=tier,
        fees={"b": sla.usd("2500.00")},
    )


def _report() -> sla.Report:
    return sla.evaluate(_agreement(), EVENTS, period="2026-10")


class Calls:
    """A wrapper that records the arguments each call of ``fn`` was given."""

    def __init__(self, fn: Callable[[int], Any]) -> None:
        self.fn = fn
        self.args: list[int] = []

    def __call__(self, i: int) -> Any:
        self.args.append(i)
        return self.fn(i)


def _counted(report: sla.Report) -> tuple[sla.Report, list[Calls], list[Calls]]:
    """Return ``report`` rebuilt with every ``lines_of`` and ``evidence_of`` counted."""
    lines = [Calls(c.lines_of) for c in report.credit_columns]
    evidence = [Calls(o.evidence_of) for o in report.outcomes]
    outcomes = tuple(
        attrs.evolve(o, evidence_of=calls)
        for o, calls in zip(report.outcomes, evidence, strict=True)
    )
    by_measure = {o.measure: o for o in outcomes}
    counted = sla.Report(
        agreement=report.agreement,
        period=report.period,
        start=report.start,
        end=report.end,
        outcomes=outcomes,
        objective_columns=tuple(
            attrs.evolve(c, outcome=by_measure[c.outcome.measure]) for c in report.objective_columns
        ),
        credit_columns=tuple(
            attrs.evolve(c, lines_of=calls)
            for c, calls in zip(report.credit_columns, lines, strict=True)
        ),
        reconciliation=report.reconciliation,
    )
    return counted, lines, evidence


# --- O(1) per service -----------------------------------------------------------------------


def test_service_builds_only_the_service_asked_for() -> None:
    """``service(name)`` builds the credit lines and evidence of ``name`` only."""
    report, lines, evidence = _counted(_report())
    sr = report.service("b")
    assert [calls.args for calls in lines] == [[1]]  # "b" is service 1 of the agreement
    # the agreement-wide measure holds "b" at 1; the measure of "b" alone at 0
    assert sorted(calls.args for calls in evidence) == [[0], [1]]
    assert [ev.service for ev in sr.evidence] == ["b", "b"]
    report.evidence("c")
    assert sorted(calls.args for calls in evidence) == [[0], [1, 2]]


def test_service_does_not_group_every_service() -> None:
    """Reading services never builds every result or line (no per-call grouping of all)."""
    report = _report()
    for name in report.services:
        report.service(name)
        report.evidence(name)
    assert "objectives" not in report.__dict__
    assert "compensation" not in report.__dict__


def test_positions_are_indexed_once() -> None:
    """Each outcome's positions are built once, on first use, and reused by every call."""
    report = _report()
    built = []
    for outcome in report.outcomes:
        assert outcome._positions == {}
    report.service("a")
    for outcome in report.outcomes:
        built.append(outcome.positions)
        assert dict(outcome.positions) == {n: i for i, n in enumerate(outcome.services)}
    for name in report.services:
        report.service(name)
    assert all(o.positions is b for o, b in zip(report.outcomes, built, strict=True))
    assert report._position is report._position


def test_index_is_a_lookup() -> None:
    """``MeasureOutcome.index`` reads the position index (an unknown name is a KeyError)."""
    (outcome, *_) = _report().outcomes
    assert isinstance(outcome, MeasureOutcome)
    assert [outcome.index(n) for n in ("d", "a")] == [3, 0]
    with pytest.raises(KeyError):
        outcome.index("zzz")


# --- the same answers -----------------------------------------------------------------------


def test_service_equals_the_whole_report_grouped_by_service() -> None:
    """Each service's report holds exactly its results, lines and evidence from the whole."""
    report = _report()
    for name in report.services:
        sr = report.service(name)
        assert sr.objectives == tuple(r for r in report.objectives if r.service == name)
        assert sr.credits == tuple(
            line for line in report.compensation.lines if line.service == name
        )
        assert sr.evidence == tuple(
            o.evidence_of(list(o.services).index(name))
            for o in report.outcomes
            if name in o.services
        )
    with pytest.raises(KeyError, match="'zzz' is not a service"):
        report.service("zzz")
    with pytest.raises(KeyError, match="no measure"):
        report.evidence("zzz")


def _objective_dict(result: sla.ObjectiveResult) -> dict[str, Any]:
    """The rendering of one result from the object, as ``to_dict()`` gave it before."""
    return {
        "service": result.service,
        "objective": result.objective.describe(),
        "value": None if result.value is None else str(result.value),
        "percent": None if result.value is None else format_percent(result.value),
        "target": format_percent(result.target),
        "verdict": result.verdict.value,
        "margin_points": None if result.margin_points is None else str(result.margin_points),
        "margin": result.margin_shown,
        "resolved_by": result.resolved_by,
    }


def _credit_dict(line: sla.CreditLine) -> dict[str, Any]:
    """The rendering of one credit line from the object: one row of ``to_dict()``'s columns."""
    return {
        "service": line.service,
        "rule": line.rule,
        "tier": line.tier,
        "value": None if line.value is None else str(line.value),
        "percent": None if line.value is None else format_percent(line.value),
        "band": None if line.band is None else line.band.interval(),
        "share": format_percent(line.share),
        "base": str(line.base.amount),
        "currency": line.base.currency,
        "proration": str(line.proration),
        "amount_exact": str(line.amount),
        "note": line.note,
        "kind": line.kind,
        "formula": line.formula,
        "period": line.period,
    }


def _credit_columns(lines: tuple[sla.CreditLine, ...]) -> dict[str, list[Any]]:
    """The credit lines rendered object by object, as the columns of ``to_dict()``."""
    rows = [_credit_dict(line) for line in lines]
    return {key: [row[key] for row in rows] for key in _credit_dict(_ANY_LINE)}


_ANY_LINE = sla.CreditLine(
    service="a",
    rule="r",
    tier="t",
    value=None,
    band=None,
    share=Decimal(0),
    base=sla.usd("1"),
    amount=Fraction(0),
)


def _tickets_report() -> sla.Report:
    office = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin")
    p1 = sla.response_time(priority="P1", within=sla.hours(1), clock=office)
    tier = sla.Tier(
        "desk",
        fee=sla.usd("100.00"),
        objectives=[p1.on_time_ratio() >= "50%", p1 <= 0],
        no_data="met",
        compensation=sla.per_breach(p1, sla.usd("5")),
    )
    agreement = sla.Agreement(provider="p", customer="c", services=["desk", "web"], tier=tier)
    tickets = [
        sla.Ticket("T1", "desk", "P1", "2026-10-05T08:00:00Z", first_response="2026-10-05T12:00Z"),
        sla.Ticket("T2", "desk", "P1", "2026-10-06T08:00:00Z", first_response="2026-10-06T08:10Z"),
    ]
    return sla.evaluate(agreement, tickets, period="2026-10")


@pytest.mark.parametrize(
    "make",
    [
        # schedules, a cap, a fee per service, a measure of one service, uncovered rows
        _report,
        # an agreement effective mid-period: pro-rated fees, an inexact total
        lambda: sla.evaluate(
            attrs.evolve(_agreement(("b",)), effective="2026-10-16T00:00:00Z"),
            EVENTS,
            period="2026-10",
        ),
        # tickets: counts and ratios, no data resolved by the tier, per-breach credits
        _tickets_report,
    ],
)
def test_to_dict_renders_what_the_objects_say(make: Callable[[], sla.Report]) -> None:
    """The bulk rendering gives the same rows, in the same order, as rendering each object."""
    report = make()
    data = report.to_dict()
    assert data["objectives"] == [_objective_dict(r) for r in report.objectives]
    assert data["compensation"]["lines"] == _credit_columns(report.compensation.lines)
    assert list(data["compensation"]["by_service"].items()) == [
        (service, {"amount": str(m.amount), "currency": m.currency})
        for service, m in report.compensation.by_service().items()
    ]
    assert json.loads(json.dumps(data)) == data
    assert list(data) == [
        "agreement",
        "period",
        "compliant",
        "objectives",
        "compensation",
        "evidence",
        "reconciliation",
        "uncovered",
        "notes",
    ]
    assert report.explain() == make().explain()


@given(
    st.lists(
        st.one_of(
            st.integers(MIN_INSTANT_US, MAX_INSTANT_US),
            st.integers(0, 10**9).map(lambda s: s * 1_000_000),
            st.sampled_from([MIN_INSTANT_US, MAX_INSTANT_US, -1, MAX_INSTANT_US + 1, -(2**62)]),
        ),
        max_size=20,
    )
)
def test_instants_are_formatted_as_format_us_does(values: list[int]) -> None:
    """Formatting instants in bulk gives ``format_us()`` of each, in range or not."""
    got = instants_text(np.asarray(values, dtype=np.int64))
    assert got == [format_us(v) for v in values]


def test_instants_written_a_few_at_a_time_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Long arrays of instants, written in pieces, give the same texts in the same order."""
    values = [MAX_INSTANT_US + 1, *(1_790_812_800_000_000 + k * 86_399_999_999 for k in range(9))]
    monkeypatch.setattr(_render, "INSTANTS_AT_ONCE", 3)
    assert instants_text(np.asarray(values, dtype=np.int64)) == [format_us(v) for v in values]


@given(st.lists(st.integers(-(10**13), 10**13), max_size=20))
def test_lengths_are_written_as_exact_seconds(values: list[int]) -> None:
    """Lengths in bulk give the exact seconds ``str(Fraction(us, 10**6))`` of each."""
    got = seconds_text(np.asarray(values, dtype=np.int64))
    assert got == [str(Fraction(v, 1_000_000)) for v in values]


def _seconds(us: int | Fraction) -> str:
    return str(Fraction(us) / 1_000_000)


def _spans(evidence: list[sla.MeasureEvidence], part: str) -> dict[str, list[str]]:
    """One span set of every service, rendered span by span from the timelines."""
    rows = [(ev.service, span) for ev in evidence for span in getattr(ev, part)]
    return {
        "service": [service for service, _ in rows],
        "start": [format_us(span.start) for _, span in rows],
        "end": [format_us(span.end) for _, span in rows],
        "seconds": [_seconds(span.end - span.start) for _, span in rows],
    }


def _evidence_dict(outcome: MeasureOutcome) -> dict[str, Any]:
    """One measure's evidence as ``to_dict()`` gives it, rendered object by object."""
    evidence = [outcome.evidence_of(i) for i in range(len(outcome.services))]
    notes = [note for ev in evidence for note in ev.events]
    return {
        "measure": repr(evidence[0].measure),
        "services": {
            "service": [ev.service for ev in evidence],
            "eligible_seconds": [_seconds(ev.eligible_us) for ev in evidence],
            "down_seconds": [_seconds(ev.down_us) for ev in evidence],
            "weighted_down_seconds": [
                None if ev.weighted_down is None else _seconds(ev.weighted_down) for ev in evidence
            ],
            "excluded_by": [ev.excluded_by for ev in evidence],
        },
        "down": _spans(evidence, "down"),
        "excluded": _spans(evidence, "excluded"),
        "outside_window": _spans(evidence, "outside_window"),
        "events": {
            "service": [n.service for n in notes],
            "kind": [n.kind for n in notes],
            "start": [format_us(n.start) for n in notes],
            "end": [format_us(n.end) for n in notes],
            "category": [n.category for n in notes],
            "reason": [n.reason for n in notes],
        },
    }


def _weighted_report() -> sla.Report:
    up = sla.uptime(affected_share=True, states={"down": "100%", "degraded": "50%"})
    tier = sla.Tier("t", fee=sla.usd("100.00"), objectives=[up >= "99.9%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["api", "db"], tier=tier)
    events = [
        sla.Outage("api", "2026-10-02T00:00:00.5Z", "2026-10-02T00:07:00Z", affected="30%"),
        sla.Outage("api", "2026-10-03T00:00Z", "2026-10-03T01:00Z", state="degraded"),
        sla.Outage("db", "2026-10-04T00:00Z", "2026-10-04T00:00:00.000001Z"),
    ]
    return sla.evaluate(agreement, events, period="2026-10")


def _requests_report() -> sla.Report:
    ratio = sla.success_ratio()
    tier = sla.Tier("t", fee=sla.usd("100.00"), objectives=[ratio >= "99%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["a", "b"], tier=tier)
    requests = [
        sla.Request("a", "2026-10-02T00:00:01.25Z", status=200, latency=sla.milliseconds(10)),
        sla.Request("a", "2026-10-02T00:00:02Z", status=503, latency=sla.milliseconds(10)),
        sla.Request("b", "2026-10-09T00:00:00Z", status=404, latency=sla.milliseconds(3)),
    ]
    return sla.evaluate(agreement, requests, period="2026-10")


def _composite_report() -> sla.Report:
    worst = sla.worst_of(sla.uptime())
    tier = sla.Tier("t", fee=sla.usd("100.00"), objectives=[worst >= "99.9%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["a", "b"], tier=tier)
    return sla.evaluate(
        agreement,
        [*EVENTS, sla.Outage("a", "2026-10-05T00:00Z", "2026-10-05T00:00:01Z")],
        period="2026-10",
    )


#: Reports whose evidence takes every path: uptime's columns, and objects read one by one.
REPORTS: list[Callable[[], sla.Report]] = [
    # uptime: maintenance excluded, a service not covered, a measure of one service
    _report,
    # an agreement effective mid-period: events outside the evaluated span
    lambda: sla.evaluate(
        attrs.evolve(_agreement(("b",)), effective="2026-10-16T00:00:00Z"), EVENTS, period="2026-10"
    ),
    # weighted down time: affected shares and degraded states, fractions of a second
    _weighted_report,
    # a composite of an uptime measure (its evidence is the inner measure's)
    _composite_report,
    # tickets and requests: no columnar source, objects converted to columns
    _tickets_report,
    _requests_report,
]


@pytest.mark.parametrize("make", REPORTS)
def test_evidence_columns_agree_with_the_evidence_objects(make: Callable[[], sla.Report]) -> None:
    """Each measure's columns hold the rows of every service's evidence, in order."""
    report = make()
    data = report.to_dict()
    assert data["evidence"] == [_evidence_dict(outcome) for outcome in report.outcomes]
    for name in report.services:
        covering = [b for b in data["evidence"] if name in b["services"]["service"]]
        if not covering:
            continue
        events = covering[0]["events"]  # the first measure's, as evidence() gives it
        mine = [i for i, service in enumerate(events["service"]) if service == name]
        assert [tuple(events[key][i] for key in events) for i in mine] == [
            (n.service, n.kind, format_us(n.start), format_us(n.end), n.category, n.reason)
            for n in report.evidence(name).events
        ]


@pytest.mark.parametrize("make", REPORTS)
def test_evidence_tables_are_columns_of_equal_length(make: Callable[[], sla.Report]) -> None:
    """Every table of the evidence is a dict of lists of one length; JSON keeps it as it is."""
    report = make()
    data = report.to_dict()
    assert json.loads(json.dumps(data)) == data
    for block, outcome in zip(data["evidence"], report.outcomes, strict=True):
        assert list(block) == [
            "measure",
            "services",
            "down",
            "excluded",
            "outside_window",
            "events",
        ]
        assert len(block["services"]["service"]) == len(outcome.services)
        for table in list(block.values())[1:]:
            assert len({len(column) for column in table.values()}) == 1, table


@pytest.mark.parametrize("make", REPORTS[:4])
def test_uptime_events_are_report_events_of_covered_services(
    make: Callable[[], sla.Report],
) -> None:
    """An uptime measure lists ``report.events()`` of its services, service by service."""
    report = make()
    data = report.to_dict()
    every = report.events()  # each measure's notes in turn, each in canonical order
    start = 0
    for block, outcome in zip(data["evidence"], report.outcomes, strict=True):
        own = every[start : start + len(outcome.notes())]
        start += len(own)
        position = {name: i for i, name in enumerate(outcome.services)}
        notes = sorted((n for n in own if n.service in position), key=lambda n: position[n.service])
        events = block["events"]
        assert list(zip(*events.values(), strict=True)) == [
            (n.service, n.kind, format_us(n.start), format_us(n.end), n.category, n.reason)
            for n in notes
        ]


def test_uptime_evidence_builds_no_note_per_event(monkeypatch: pytest.MonkeyPatch) -> None:
    """``to_dict()`` reads uptime evidence from columns: no ``EventNote`` is made."""
    expected = _report().to_dict()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an EventNote was built")

    monkeypatch.setattr(_availability, "row_note", refuse)
    report = _report()
    assert report.to_dict() == expected
    with pytest.raises(AssertionError, match="EventNote"):
        report.evidence("a")


def test_to_dict_json_is_the_same_for_shuffled_input() -> None:
    """The JSON of a report is byte for byte the same whatever the order of the events."""
    events = [
        *EVENTS,
        sla.Outage("a", "2026-10-05T00:00:00.123456Z", "2026-10-05T00:03:00Z"),
        sla.Outage("a", "2026-10-05T00:00:00.123456Z", "2026-10-05T00:02:00Z"),
        sla.Maintenance("b", "2026-10-20T00:00Z", "2026-10-20T01:00Z", "2026-10-19T00:00Z"),
    ]
    texts = {
        json.dumps(
            sla.evaluate(_agreement(), events[k:] + events[:k], period="2026-10").to_dict(),
            sort_keys=True,
        )
        for k in range(len(events))
    }
    assert len(texts) == 1
