"""A tier without a fee: usage-billed services whose credits are of the charges billed (issue 16).

"A fee is optional when every rule's base is the bill": the tier gives its
currency instead, a rule that reads the fee is refused when the tier is made,
and every document says the services are billed by usage.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

import slakit as sla
from slakit.exceptions import DefinitionError, EventDataError

UP = sla.uptime()
TARGET = UP >= "99.9%"
BILL = [sla.Charge("api", "2026-10", "usage", sla.usd("1234.56"))]
DOWN = [sla.Outage("api", "2026-10-05T00:00:00Z", "2026-10-05T02:00:00Z")]  # 99.73%


def _usage(rule: sla.CreditRule | None) -> sla.Tier:
    return sla.Tier("usage", currency="USD", objectives=[TARGET], compensation=rule)


def _agreement(tier: sla.Tier) -> sla.Agreement:
    return sla.Agreement(provider="P", customer="C", services=["api"], tier=tier)


def test_credits_of_the_charges_billed_need_no_fee() -> None:
    rule = sla.cap(
        sla.credit_schedule(UP, {"< 99.9%": "10%"}, base=sla.charges())
        + sla.per_breach(TARGET, sla.usd("5.00")),
        at_most="100%",
        of=sla.charges(),
    )
    agreement = _agreement(_usage(rule))
    report = sla.evaluate(agreement, DOWN, BILL, period="2026-10")
    assert report.exact_total == Fraction(123456, 1000) + 5
    assert report.total == sla.usd("128.46")  # 123.456 + 5, rounded once
    assert agreement.currency == "USD"
    assert "no fee: billed by usage, in USD" in report.explain()
    assert "No fee: the services are billed by usage, in USD" in sla.render_schedule(agreement)
    data = json.loads(json.dumps(sla.to_data(agreement)))
    assert "fee" not in data["tier"]
    assert data["tier"]["currency"] == "USD"
    assert sla.from_data(data) == agreement


@pytest.mark.parametrize(
    "rule",
    [
        sla.credit_schedule(UP, {"< 99.9%": "10%"}),  # a share of the fee, the default base
        sla.prorated(UP, multiple=10),
        sla.per_downtime(UP, every=sla.hours(1), worth=sla.days(1)),
        sla.per_incident(UP, worth=sla.days(1)),
        sla.cap(sla.per_breach(TARGET, sla.usd("5")), at_most="10%"),
        sla.cap(sla.per_breach(TARGET, sla.usd("5")), at_most=sla.days(3)),
        sla.cap(sla.per_breach(TARGET, sla.usd("5")), at_most=sla.cycles_of_fees(1)),
        sla.only_if_breached(sla.prorated(UP, multiple=10), when=TARGET),
    ],
    ids=repr,
)
def test_a_rule_that_reads_the_fee_is_refused_without_one(rule: sla.CreditRule) -> None:
    with pytest.raises(DefinitionError, match=r"has no fee, but .* reads the fee"):
        _usage(rule)


@pytest.mark.parametrize(
    "rule",
    [
        sla.per_downtime(UP, every=sla.hours(1), worth=sla.usd("2.00")),
        sla.per_incident(UP, worth=sla.usd("10.00")),
        sla.cap(sla.per_breach(TARGET, sla.usd("5")), at_most=sla.usd("4")),
        sla.cap(sla.per_breach(TARGET, sla.usd("5")), at_most=sla.days(3), of=sla.charges()),
        sla.prorated(UP, multiple=10, base=sla.charges()),
    ],
    ids=repr,
)
def test_rules_of_money_or_of_the_charges_need_no_fee(rule: sla.CreditRule) -> None:
    report = sla.evaluate(_agreement(_usage(rule)), DOWN, BILL, period="2026-10")
    assert report.exact_total > 0


def test_a_tier_needs_a_fee_or_a_currency_and_takes_no_fees_without_one() -> None:
    with pytest.raises(DefinitionError, match="has no fee: give its fee"):
        sla.Tier("t")
    with pytest.raises(DefinitionError, match="differs from the fee's currency"):
        sla.Tier("t", fee=sla.usd("1.00"), currency="EUR")
    with pytest.raises(DefinitionError, match="ISO 4217"):
        sla.Tier("t", currency="dollars")
    assert sla.Tier("t", fee=sla.eur("1.00"), currency="eur").currency_code == "EUR"
    with pytest.raises(DefinitionError, match="take no fees"):
        sla.Agreement(
            provider="P",
            customer="C",
            services=["api"],
            tier=_usage(None),
            fees={"api": sla.usd("10.00")},
        )
    # an amendment to a tier with a fee says the fee went
    with_fee = _agreement(sla.Tier("usage", fee=sla.usd("100.00"), objectives=[TARGET]))
    amended = with_fee.amend("2026-11-01T00:00:00Z", tier=_usage(None))
    v1, v2 = (version.agreement for version in amended.versions())
    assert sla.Tier.compare(v1.tier, v2.tier).splitlines()[2] == (
        "| fee | 100.00 USD | none (billed by usage, in USD) |"
    )


def test_a_portfolio_plan_without_a_fee_refuses_a_fee_by_row() -> None:
    rule = sla.credit_schedule(UP, {"< 99.9%": "10%"}, base=sla.charges())
    plans = {"usage": _usage(rule)}
    customers = {
        "customer": ["acme", "globex"],
        "plan": ["usage", "usage"],
        "service": ["api", "web"],
    }
    bill = sla.ChargeTable.from_records(
        [*BILL, sla.Charge("web", "2026-10", "usage", sla.usd("10.00"))]
    )
    result = sla.Portfolio(plans=plans, customers=customers).evaluate(DOWN, bill, period="2026-10")
    assert result.ledger["credit"] == ["123.46", "0.00"]  # 10% of 1,234.56
    assert result.credits["base"] == ["1234.56"]  # the charges billed: no fee to show
    with pytest.raises(EventDataError, match="plan 'usage' has no fee") as caught:
        sla.Portfolio(plans=plans, customers={**customers, "fee": ["", "10.00"]}).evaluate(
            DOWN, bill, period="2026-10"
        )
    assert "row 1: fee:" in str(caught.value)


def test_a_day_of_service_per_late_response() -> None:
    """One day of service per breach: the 3,100.00 monthly fee over 31 days is 100.00 a day."""
    late = sla.response_time(priority="P1", within=sla.minutes(30))
    rule = sla.per_breach(late, sla.days(1))
    tier = sla.Tier("t", fee=sla.usd("3100.00"), objectives=[late <= 0], compensation=rule)
    agreement = sla.Agreement(provider="P", customer="C", services=["api"], tier=tier)
    tickets = sla.TicketTable.from_records(
        [
            sla.Ticket(
                "t1", "api", "P1", "2026-10-02T09:00:00Z", first_response="2026-10-02T10:00:00Z"
            ),
            sla.Ticket(
                "t2", "api", "P1", "2026-10-03T09:00:00Z", first_response="2026-10-03T09:45:00Z"
            ),
            sla.Ticket(
                "t3", "api", "P1", "2026-10-04T09:00:00Z", first_response="2026-10-04T09:10:00Z"
            ),
        ]
    )
    report = sla.evaluate(agreement, tickets, period="2026-10")
    assert report.total == sla.usd("200.00")
    assert "2 missed x 100.00 USD (1 day of" in report.explain()
    assert rule.describe() == "1 day of the fee, prorated per late P1 first responses miss"
    assert sla.from_data(json.loads(json.dumps(sla.to_data(agreement)))) == agreement
    with pytest.raises(DefinitionError, match="reads the fee"):
        _usage(sla.per_breach(TARGET, sla.days(1)))
    with pytest.raises(DefinitionError, match="positive"):
        sla.per_breach(TARGET, sla.days(0))
