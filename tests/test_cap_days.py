"""Caps in the contract's words: "N days of paid service" (issue 16)."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

import slakit as sla
from slakit.exceptions import DefinitionError
from slakit.testing import check_caps

UP = sla.uptime()
ALL = sla.credit_schedule(UP, {"< 99.9%": "100%"})  # the whole fee, to hit the cap


def _agreement(rule: sla.CreditRule, services: tuple[str, ...] = ("s",)) -> sla.Agreement:
    tier = sla.Tier("g", fee=sla.usd("3100.00"), objectives=[UP >= "99.9%"], compensation=rule)
    return sla.Agreement(provider="P", customer="C", services=list(services), tier=tier)


def _down(service: str, month: int) -> sla.Outage:
    return sla.Outage(service, f"2026-{month:02d}-05T00:00:00Z", f"2026-{month:02d}-05T02:00:00Z")


def test_ten_days_of_service_per_quarter_at_each_months_daily_fee() -> None:
    """October: 3,100 x 10/31 = 1,000. November: 3,100 x 10/30 = 1,033.33, less 1,000 used."""
    rule = sla.cap(ALL, at_most=sla.days(10), per="quarter")
    st = sla.statement(
        _agreement(rule), [_down("s", 10), _down("s", 11)], periods="2026-10..2026-11"
    )
    assert [str(r.total) for r in st.reports] == ["1,000.00 USD", "33.33 USD"]
    assert st.exact_total == Fraction(3100, 3)
    assert "exceed the cap of 10 days of paid service per quarter" in st.explain()


def test_a_pooled_cap_in_days_counts_every_services_days() -> None:
    """Two services, one customer-level cap of 5 days: 2 x 3,100 x 5/31 = 1,000 in all."""
    rule = sla.cap(ALL, at_most=sla.days(5), across="services")
    report = sla.evaluate(
        _agreement(rule, ("a", "b")), [_down("a", 10), _down("b", 10)], period="2026-10"
    )
    assert report.total == sla.usd("1000.00")
    assert (
        rule.describe() == "customer-level cap of 5 days of every service's paid service per period"
    )


def test_days_of_service_round_trip_and_are_checked() -> None:
    rule = sla.cap(ALL, at_most=sla.days(10), per="quarter")
    agreement = _agreement(rule)
    data = json.loads(json.dumps(sla.to_data(agreement)))
    assert data["tier"]["compensation"]["at_most"] == "10 days"
    assert sla.from_data(data) == agreement
    assert "cap of 10 days of the paid service per quarter" in sla.render_schedule(agreement)
    assert repr(rule) == (
        "cap(credit_schedule(uptime(), {'(-inf, 99.9%)': '100%'}), at_most=days(10), per='quarter')"
    )
    with pytest.raises(DefinitionError, match="positive duration"):
        sla.cap(ALL, at_most=sla.minutes(0))
    per_period = _agreement(sla.cap(ALL, at_most=sla.days(10)))
    assert check_caps(per_period, max_examples=10).status == "passed"
