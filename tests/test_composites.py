"""Composite measures: worst-of, weighted mean and pooled values across an agreement's services."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

import slakit as sla
from slakit.exceptions import DefinitionError

HOUR = 3_600_000_000
OCTOBER = 31 * 24 * HOUR  # UTC

EVENTS = [
    sla.Outage("a", "2026-10-01T00:00Z", "2026-10-01T01:00Z"),  # a: 1 hour down
    sla.Outage("b", "2026-10-01T00:00Z", "2026-10-01T03:00Z"),  # b: 3 hours down
]
A = 1 - Fraction(HOUR, OCTOBER)
B = 1 - Fraction(3 * HOUR, OCTOBER)


def evaluate(measure: sla.Measure, events: list[sla.Event] = EVENTS) -> sla.Report:
    tier = sla.Tier(
        "t",
        fee=sla.usd("100.00"),
        objectives=[measure >= "99.9%"],
        compensation=sla.credit_schedule(measure, {"< 99.9%": "10%", "< 99.5%": "50%"}),
    )
    agreement = sla.Agreement(provider="p", customer="c", services=["a", "b", "c"], tier=tier)
    return sla.evaluate(agreement, events, period="2026-10")


@pytest.mark.parametrize(
    ("measure", "value"),
    [
        # the least available service
        (sla.worst_of(sla.uptime()), B),
        # the plain mean of a, b and a perfect c
        (sla.mean_of(sla.uptime()), (A + B + 1) / 3),
        # weighted: a counts twice, b once, c not at all
        (sla.mean_of(sla.uptime(), weights={"a": 2, "b": 1}), (2 * A + B) / 3),
        # pooled: four hours down over three services' months
        (sla.pooled(sla.uptime()), 1 - Fraction(4 * HOUR, 3 * OCTOBER)),
    ],
)
def test_composite_values(measure: sla.Composite, value: Fraction) -> None:
    """Each composite gives one exact value, shared by every service of the agreement."""
    report = evaluate(measure)
    assert {r.value for r in report.objectives} == {value}
    assert len(report.objectives) == 3


def test_a_composite_credit_is_a_share_of_the_total_fee() -> None:
    """Worst-of 99.5968%: 10% of each service's fee, so 10% of the 300.00 total."""
    report = evaluate(sla.worst_of(sla.uptime()))
    assert Fraction(995, 1000) < B
    assert report.total == sla.usd("30.00")
    assert [line.service for line in report.compensation.lines] == ["a", "b", "c"]


def test_services_without_data_are_left_out() -> None:
    """A service with no eligible time does not drag the composite; none at all is no data."""
    only_a = [
        *EVENTS[:1],
        sla.Maintenance("b", "2026-09-01T00:00Z", "2026-12-01T00:00Z", "2026-08-01T00:00Z"),
    ]
    measure = sla.worst_of(sla.uptime(excluding=[sla.scheduled_maintenance()]))
    assert {r.value for r in evaluate(measure, only_a).objectives} == {A}
    everything_excluded = [
        sla.Maintenance(s, "2026-09-01T00:00Z", "2026-12-01T00:00Z", "2026-08-01T00:00Z")
        for s in "abc"
    ]
    results = evaluate(measure, everything_excluded).objectives
    assert {r.verdict for r in results} == {sla.Verdict.NO_DATA}


def test_composites_describe_and_round_trip_their_repr() -> None:
    """Reprs are the DSL calls; descriptions say how the value combines."""
    namespace = {name: getattr(sla, name) for name in sla.__all__}
    for measure in [
        sla.worst_of(sla.uptime()),
        sla.pooled(sla.uptime(granularity=sla.minutes(1))),
        sla.mean_of(sla.uptime(), weights={"a": 2, "b": "0.5", "c": "25%"}),
        sla.mean_of(sla.uptime()),
    ]:
        assert eval(repr(measure), namespace) == measure
    assert sla.mean_of(sla.uptime(), weights={"b": "25%"}).weights == (("b", Decimal("0.25")),)
    assert "lowest value" in sla.worst_of(sla.uptime()).describe()
    assert "weighted a 2" in sla.mean_of(sla.uptime(), weights={"a": 2}).describe()
    assert "all of the agreement's services together" in sla.pooled(sla.uptime()).describe()
    assert sla.worst_of(sla.uptime()).label == "worst uptime"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: sla.worst_of("uptime"), "must be a measure"),  # type: ignore[arg-type]
        (lambda: sla.worst_of(sla.worst_of(sla.uptime())), "already a composite"),
        (lambda: sla.pooled(sla.uptime(service="a")), "leave service= out"),
        (lambda: sla.mean_of(sla.uptime(), weights={"a": -1}), "must not be negative"),
        (lambda: sla.mean_of(sla.uptime(), weights={"a": 0}), "all zero"),
        (lambda: sla.mean_of(sla.uptime(), weights={"a": 1.5}), "whole number"),
        (lambda: sla.mean_of(sla.uptime(), weights={"a": "lots"}), "must be a number"),
    ],
)
def test_bad_composites(build: object, message: str) -> None:
    """Malformed composites fail at definition, naming the problem."""
    with pytest.raises(DefinitionError, match=message):
        build()  # type: ignore[operator]
