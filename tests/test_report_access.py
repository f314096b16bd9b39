"""Reading a report: one service in O(1), and exports built in bulk with the same output."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit._ratio import format_percent
from slakit._results import _render
from slakit._results._evidence import MeasureOutcome
from slakit._results._render import instants_text
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
    """The rendering of one credit line from the object, as ``to_dict()`` gave it before."""
    return {
        "service": line.service,
        "rule": line.rule,
        "tier": line.tier,
        "value": None if line.value is None else str(line.value),
        "percent": None if line.value is None else format_percent(line.value),
        "band": None if line.band is None else line.band.interval(),
        "share": format_percent(line.share),
        "base": {"amount": str(line.base.amount), "currency": line.base.currency},
        "proration": str(line.proration),
        "amount_exact": str(line.amount),
        "note": line.note,
        "kind": line.kind,
        "formula": line.formula,
        "period": line.period,
    }


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
    assert data["compensation"]["lines"] == [_credit_dict(x) for x in report.compensation.lines]
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


@pytest.mark.parametrize("batch", [1, 2, 3])
def test_evidence_rendered_in_batches_is_the_same(
    monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """Evidence rendered a few services at a time gives the same rows as all at once."""
    whole = _report().to_dict()["evidence"]
    monkeypatch.setattr(_render, "EVIDENCE_BATCH", batch)
    assert _report().to_dict()["evidence"] == whole
    assert len(whole) == 5  # four services, and the measure of "b" alone
