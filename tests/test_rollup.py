"""Operational level agreements rolled up under the customer agreement they underpin."""

from __future__ import annotations

import attrs
import pytest

import slakit as sla
from slakit.exceptions import DefinitionError


def down(service: str, minutes: int) -> sla.Outage:
    """Return an outage of ``service`` lasting ``minutes`` from midnight on October 2."""
    start = sla.monthly().period("2026-10").start + 86_400_000_000
    return sla.Outage(service, start, start + minutes * 60_000_000)


def agreement(customer: str, services: list[str], target: str) -> sla.Agreement:
    """Return an agreement holding ``services`` to an uptime ``target``."""
    uptime = sla.uptime()
    t = sla.Tier("t", fee=sla.usd("0.00"), objectives=[uptime >= target])
    return sla.Agreement(provider="Acme", customer=customer, services=services, tier=t)


CUSTOMER = agreement("Globex", ["db", "api", "web"], "99.9%")  # 44.64 minutes a month
OLAS = {
    "server operations": agreement("server operations", ["db"], "99.95%"),
    "network operations": agreement("network operations", ["network"], "99.99%"),
    "application support": agreement("application support", ["api", "web"], "99.95%"),
}
UNDERPINS = {"network": ["db", "api", "web"]}


def test_rollup_names_the_groups_behind_each_breach() -> None:
    """Breaches of db and api name the groups that also missed, in the order given."""
    events = [down("db", 60), down("api", 50), down("network", 10), down("web", 30)]
    rollup = sla.rollup(CUSTOMER, OLAS, events, period="2026-10", underpins=UNDERPINS)
    assert [(row.service, row.groups) for row in rollup.rows] == [
        ("db", ("server operations", "network operations")),
        ("api", ("network operations", "application support")),
    ]
    # web: 30 minutes met the customer's 99.9% but missed application support's 99.95%
    assert [(m.group, m.result.service) for m in rollup.unlinked] == [
        ("application support", "web")
    ]
    table = rollup.to_markdown()
    assert "| db | uptime >= 99.9% |" in table
    assert "server operations: uptime >= 99.95%" in table


def test_a_breach_no_group_missed() -> None:
    """A customer breach with no operational miss says so."""
    lenient = {"server operations": agreement("server operations", ["db"], "99%")}
    rollup = sla.rollup(CUSTOMER, lenient, [down("db", 60)], period="2026-10")
    assert [(row.service, row.misses) for row in rollup.rows] == [("db", ())]
    assert "none (no group missed)" in rollup.to_markdown()


def test_no_breach_no_rows() -> None:
    """Without a customer-facing breach the roll-up has no rows."""
    rollup = sla.rollup(CUSTOMER, OLAS, [], period="2026-10", underpins=UNDERPINS)
    assert rollup.rows == ()
    assert rollup.customer.compliant
    assert set(rollup.olas) == set(OLAS)


def test_rollup_checks_its_inputs() -> None:
    """No OLA, an OLA sharing no service, or a link to an unknown service is refused."""
    with pytest.raises(DefinitionError, match="at least one"):
        sla.rollup(CUSTOMER, {}, [], period="2026-10")
    with pytest.raises(DefinitionError, match="none of the customer agreement's services"):
        sla.rollup(CUSTOMER, OLAS, [], period="2026-10")
    with pytest.raises(DefinitionError, match="'mail', which is not a service"):
        sla.rollup(CUSTOMER, OLAS, [], period="2026-10", underpins={"network": ["mail"]})


def _credited(provider: str, customer: str, services: list[str], fee: str) -> sla.Agreement:
    u = sla.uptime()
    tier = sla.Tier(
        "t",
        fee=sla.usd(fee),
        objectives=[u >= "99.9%"],
        compensation=sla.credit_schedule(u, {"< 99.9%": "10%", "< 99%": "25%"}),
    )
    return sla.Agreement(provider=provider, customer=customer, services=services, tier=tier)


def test_a_subcontractor_passes_its_credits_back() -> None:
    """The provider owes 10% of 1,000; its database subcontractor passes back 10% of 400."""
    customer = attrs.evolve(
        _credited("Acme", "Globex", ["db", "api"], "1000.00"),
        parties=(
            sla.party(
                "DBCo",
                role="subcontractor",
                responsible_for=["db"],
                underpinning="DBCo hosting",
                passes_credits=True,
            ),
        ),
    )
    underpinning = {"DBCo hosting": _credited("DBCo", "Acme", ["db"], "400.00")}
    result = sla.pass_back(customer, underpinning, [down("db", 60)], period="2026-10")
    assert result.customer.total == sla.usd("100.00")
    (row,) = result.rows
    assert (row.party, row.underpinning, row.credit) == ("DBCo", "DBCo hosting", sla.usd("40.00"))
    assert result.net == 60
    assert "DBCo passes back 40.00 USD under DBCo hosting (responsible for db)" in result.explain()
    assert "Net cost to Acme: 60.00 USD" in result.explain()
    with pytest.raises(DefinitionError, match="no such agreement was given"):
        sla.pass_back(customer, {}, [down("db", 60)], period="2026-10")
