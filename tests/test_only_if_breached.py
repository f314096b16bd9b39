"""A credit paid only when its objective is breached (issue 16): figures, words, data, CLI."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

import slakit as sla
from slakit.exceptions import DefinitionError

UP = sla.uptime()
TARGET = UP >= "99.9%"
#: "10 times the fees for the period of downtime", owed only below the target.
GATED = sla.only_if_breached(sla.prorated(UP, multiple=10), when=TARGET)


def _agreement(rule: sla.CreditRule, **tier: object) -> sla.Agreement:
    gold = sla.Tier("gold", fee=sla.usd("3100.00"), objectives=[TARGET], compensation=rule, **tier)
    return sla.Agreement(provider="P", customer="C", services=["a", "b"], tier=gold)


def _down(service: str, minutes: int) -> sla.Outage:
    return sla.Outage(service, "2026-10-05T00:00:00Z", 1_791_158_400_000_000 + minutes * 60_000_000)


def test_a_period_that_meets_the_target_pays_nothing_and_says_why() -> None:
    """a: 30 minutes down (99.93%, met): nothing. b: 60 minutes (99.87%, breached): 10x."""
    report = sla.evaluate(_agreement(GATED), [_down("a", 30), _down("b", 60)], period="2026-10")
    (column,) = report.credit_columns
    # b: 10 x 3,100.00 x 60 min / 44,640 min = 31,000 / 744 = 41.666... (exact 125/3)
    assert column.amount.tolist() == [Fraction(0), Fraction(125, 3)]
    assert report.total == sla.usd("41.67")
    a_lines = [line for line in report.compensation.lines if line.service == "a"]
    # a's prorated credit (10 x 3,100 x 30 / 44,640 = 125/6) is shown, then taken back
    assert [line.amount for line in a_lines] == [Fraction(125, 6), Fraction(-125, 6)]
    assert a_lines[1].note == (
        "not paid: uptime >= 99.9% was met: uptime 99.932796% (exact 1487/1488)"
    )
    assert "paid only when uptime >= 99.9% is breached" in report.explain()


def test_without_the_gate_the_same_rule_pays_for_any_down_time() -> None:
    """The gate is what takes a's credit away: the bare rule pays both."""
    report = sla.evaluate(
        _agreement(sla.prorated(UP, multiple=10)),
        [_down("a", 30), _down("b", 60)],
        period="2026-10",
    )
    (column,) = report.credit_columns
    assert column.amount.tolist() == [Fraction(125, 6), Fraction(125, 3)]


def test_no_data_counts_as_a_breach_only_where_the_tier_says_so() -> None:
    """A gate on a measure with no data passes under no_data='breached', and only then."""
    ratio = sla.success_ratio()
    inner = sla.per_breach(UP >= "100%", sla.usd("5"))  # a's 30 minutes breach it: 5.00
    rule = sla.only_if_breached(inner, when=ratio >= "99.9%")  # no request: no data
    for no_data, expected in (("no data", Fraction(0)), ("breached", Fraction(5))):
        gold = sla.Tier(
            "gold",
            fee=sla.usd("1.00"),
            objectives=[ratio >= "99.9%"],
            compensation=rule,
            no_data=no_data,
        )
        agreement = sla.Agreement(provider="P", customer="C", services=["a"], tier=gold)
        report = sla.evaluate(agreement, [_down("a", 30)], period="2026-10")
        assert report.credit_columns[0].amount.tolist() == [expected], no_data


def test_the_gate_round_trips_as_data_and_reads_in_the_agreement() -> None:
    """to_data / from_data give the same rule; the schedule says when it pays."""
    agreement = _agreement(sla.cap(GATED, at_most="50%"))
    data = json.loads(json.dumps(sla.to_data(agreement)))
    assert sla.from_data(data) == agreement
    gate = data["tier"]["compensation"]["rule"]
    assert gate["type"] == "only_if_breached"
    assert gate["when"]["target"] == "99.9%"
    schedule = sla.render_schedule(agreement)
    assert "- paid only when uptime >= 99.9% is breached\n" in schedule
    assert repr(GATED) == (
        "only_if_breached(prorated(uptime(), multiple=10), when=uptime() >= '99.9%')"
    )


def test_a_claim_is_owed_only_where_the_gated_rule_pays() -> None:
    """Around a claim clause, a met period owes no claim: the ledger says so, not "not claimed"."""
    claimed = sla.claim_required(sla.prorated(UP, multiple=10), sla.within_days(sla.days(30)))
    gold = sla.Tier(
        "gold",
        fee=sla.usd("3100.00"),
        objectives=[TARGET],
        compensation=sla.only_if_breached(claimed, when=TARGET),
    )
    customers = {"customer": ["met", "missed"], "plan": ["gold", "gold"], "service": ["a", "b"]}
    portfolio = sla.Portfolio(plans={"gold": gold}, customers=customers)
    ledger = portfolio.evaluate([_down("a", 30), _down("b", 60)], period="2026-10").ledger
    # a met 99.9%: the gate takes its credit, and with it the claim it would have needed;
    # b breached it and filed no claim: its credit waits on one
    assert ledger["claim"] == ["nothing owed", "not claimed"]
    assert ledger["credit"] == ["0.00", "0.00"]


def test_bad_arguments_are_named() -> None:
    with pytest.raises(DefinitionError, match="only_if_breached"):
        sla.only_if_breached("10%", when=TARGET)  # type: ignore[arg-type]
    with pytest.raises(DefinitionError, match="when"):
        sla.only_if_breached(sla.prorated(UP), when="99.9%")  # type: ignore[arg-type]


def test_a_service_the_objective_does_not_cover_is_told_so() -> None:
    """The gate's objective measures service a only: b's credit is taken back, and why."""
    only_a = sla.uptime(service="a")
    rule = sla.only_if_breached(sla.prorated(UP, multiple=10), when=only_a >= "99.9%")
    report = sla.evaluate(_agreement(rule), [_down("b", 60)], period="2026-10")
    assert report.total == sla.usd("0.00")
    notes = [line.note for line in report.compensation.lines if line.service == "b"]
    assert "not paid: uptime of a >= 99.9% does not apply to this service" in notes
