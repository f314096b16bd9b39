"""What-if: agreements and tiers over the same history, period by period."""

from __future__ import annotations

from fractions import Fraction

import pytest

import slakit as sla
from slakit._engine._compare import compare, periods_between
from slakit.exceptions import DefinitionError

UPTIME = sla.uptime()
GOLD = sla.Tier(
    "gold",
    fee=sla.usd("1000.00"),
    objectives=[UPTIME >= "99.9%"],
    compensation=sla.credit_schedule(UPTIME, {"< 99.9%": "10%", "< 99%": "50%"}),
)
SILVER = GOLD.derive(
    "silver",
    fee=sla.usd("500.00"),
    objectives=[UPTIME >= "99%"],
    compensation=sla.credit_schedule(UPTIME, {"< 99%": "10%"}),
)
BASE = sla.Agreement(provider="Acme", customer="Globex", services=["api", "web"], tier=GOLD)
EVENTS = [
    # January: api down 2 hours (99.73%); web fine
    sla.Outage("api", "2026-01-10T00:00:00Z", "2026-01-10T02:00:00Z"),
    # February: web down 12 hours (98.2%)
    sla.Outage("web", "2026-02-03T00:00:00Z", "2026-02-03T12:00:00Z"),
]


def test_tiers_period_by_period() -> None:
    """Credits, breaches and margins per tier and period, and totals."""
    result = compare([GOLD, SILVER], EVENTS, start="2026-01", end="2026-03", agreement=BASE)
    assert result.names == ("gold", "silver")
    assert result.periods == ("2026-01", "2026-02", "2026-03")
    assert result.row("gold", "2026-01").credits == sla.usd("100.00")
    assert result.row("silver", "2026-01").credits == sla.usd("0.00")
    assert result.row("gold", "2026-02").credits == sla.usd("500.00")
    assert result.row("silver", "2026-02").credits == sla.usd("50.00")
    assert result.row("gold", "2026-01").breaches == 1
    assert result.row("silver", "2026-01").breaches == 0
    assert result.total("gold") == sla.usd("600.00")
    assert result.total("silver") == sla.usd("50.00")
    ((name, margin),) = result.row("gold", "2026-01").margins
    assert name == "uptime >= 99.9%"
    assert margin == (1 - Fraction(2, 31 * 24)) - Fraction(999, 1000)
    table = result.to_markdown()
    assert "| 2026-02 | 500.00 USD | 1 | 50.00 USD | 1 |" in table
    assert table.endswith("| total | **600.00 USD** | **2** | **50.00 USD** | **1** |")
    data = result.to_dict()
    assert data["totals"]["gold"] == {"amount": "600.00", "currency": "USD"}
    assert data["rows"][0]["versions"] == ["v1"]


def test_named_agreements_with_amendments() -> None:
    """A mapping names the agreements; an amended one is evaluated version by version."""
    amended = BASE.amend("2026-02-01T00:00:00Z", title="downgrade", tier=SILVER)
    result = compare({"as is": BASE, "amended": amended}, EVENTS, start="2026-01", end="2026-02")
    assert result.row("amended", "2026-02").credits == sla.usd("50.00")
    assert result.row("amended", "2026-02").versions == ("v2 (downgrade)",)
    assert result.row("as is", "2026-02").credits == sla.usd("500.00")


def test_no_data_margin_and_bad_arguments() -> None:
    """A measure with no eligible time has no margin; bad arguments are refused."""
    only_api = sla.uptime(during=sla.never())
    tier = GOLD.derive("never", objectives=[only_api >= "99%"], compensation=None)
    result = compare([tier], [], start="2026-01", end="2026-01", agreement=BASE)
    assert result.row("never", "2026-01").margins == (("uptime >= 99%", None),)
    with pytest.raises(DefinitionError, match="needs an agreement"):
        compare([GOLD], [], start="2026-01", end="2026-01")
    with pytest.raises(DefinitionError, match="neither an agreement nor a tier"):
        compare(["gold"], [], start="2026-01", end="2026-01")  # type: ignore[list-item]
    with pytest.raises(DefinitionError, match="two agreements are named"):
        compare([GOLD, GOLD], [], start="2026-01", end="2026-01", agreement=BASE)
    with pytest.raises(DefinitionError, match="at least one"):
        compare([], [], start="2026-01", end="2026-01")
    with pytest.raises(DefinitionError, match="comes before"):
        compare([BASE], [], start="2026-03", end="2026-01")
    with pytest.raises(KeyError):
        result.row("gold", "2026-01")
    with pytest.raises(KeyError):
        result.total("gold")
    assert periods_between(BASE, "2025-12", "2026-02") == ["2025-12", "2026-01", "2026-02"]
