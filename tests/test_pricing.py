"""Pricing a tier: exact statistics over a history or a seeded generated one."""

from __future__ import annotations

from fractions import Fraction

import pytest

import slakit as sla
from slakit.exceptions import SlakitError

UP = sla.uptime(min_outage=sla.minutes(1))
GOLD = sla.Tier(
    "gold",
    fee=sla.usd("1000.00"),
    objectives=[UP >= "99.9%"],
    compensation=sla.credit_schedule(UP, {"< 99.9%": "10%", "< 99%": "30%"}),
)
TERMS = sla.Agreement(provider="P", customer="C", services=["api"], tier=GOLD)
MODEL = sla.OutageModel(Fraction(2), [(sla.minutes(2), 3), (sla.minutes(50), 1), (sla.hours(9), 1)])


def test_statistics_over_a_history_are_exact() -> None:
    """Three months: 0, 100 and 300; mean 400/3, nearest-rank percentiles, worst, paying."""
    history = [
        sla.Outage("api", "2026-02-10T00:00Z", "2026-02-10T01:00Z"),  # 60 of 40,320 min: 10%
        sla.Outage("api", "2026-03-10T00:00Z", "2026-03-10T08:00Z"),  # 8 hours: below 99%, 30%
    ]
    cost = sla.price(TERMS, history, start="2026-01", end="2026-03")
    assert cost.totals == (0, 100, 300)
    assert cost.mean == Fraction(400, 3)
    assert (cost.percentile(50), cost.percentile(90), cost.percentile(1)) == (100, 300, 0)
    assert cost.worst == ("2026-03", 300)
    assert cost.paying == Fraction(2, 3)
    assert cost.revenue_share == Fraction(400, 3000)
    assert cost.years() == {"2026": 400}
    assert cost.proportional  # shares of the fee only: the same share of revenue at any fee
    assert cost.break_even_fee() is None
    assert cost.to_dict()["mean"] == "400/3"


def test_a_generated_history_is_the_same_for_the_same_seed() -> None:
    """The model and the seed decide the history: equal figures, another seed differs."""
    one = sla.price(TERMS, start="2026-01", end="2026-12", model=MODEL, seed=3)
    again = sla.price(TERMS, start="2026-01", end="2026-12", model=MODEL, seed=3)
    other = sla.price(TERMS, start="2026-01", end="2026-12", model=MODEL, seed=4)
    assert one.totals == again.totals
    assert one.totals != other.totals
    assert all(t in (0, 100, 300) for t in one.totals)
    years = sla.price(TERMS, start="2025-01", end="2026-12", model=MODEL, seed=3).per_year()
    assert years.periods == ("2025", "2026")
    assert years.fee == 12_000  # a year's revenue: twelve monthly fees
    assert years.mean == sum(years.totals, Fraction(0)) / 2
    assert years.worst[1] == max(years.totals)


def test_the_break_even_fee_with_a_fixed_amount_per_breach() -> None:
    """10% of the fee plus 50.00 per breach: the fee at which credits are 15% of revenue."""
    tier = sla.Tier(
        "silver",
        fee=sla.usd("200.00"),
        objectives=[UP >= "99.9%"],
        compensation=sla.credit_schedule(UP, {"< 99.9%": "10%"})
        + sla.per_breach(UP >= "99.9%", sla.usd("50.00")),
    )
    terms = sla.Agreement(provider="P", customer="C", services=["api"], tier=tier)
    down = [sla.Outage("api", "2026-01-10T00:00Z", "2026-01-10T01:00Z")]
    cost = sla.price(terms, down, start="2026-01", end="2026-02", share="15%")
    # January pays 20 + 50, February nothing: expected 35 = 5% of 200 + 25 fixed per period
    assert cost.mean == 35
    assert not cost.proportional
    # 0.05 * fee + 25 = 0.15 * fee  =>  fee = 250
    assert cost.break_even_fee() == 250


def test_tiers_side_by_side_on_one_history() -> None:
    """Every tier sees the same generated history; the table says each one's share."""
    silver = GOLD.derive("silver", fee=sla.usd("500.00"), objectives=[UP >= "99.5%"])
    table = sla.price_tiers(
        {"gold": GOLD, "silver": silver}, TERMS, start="2026-01", end="2026-06", model=MODEL
    )
    assert table["gold"].periods == table["silver"].periods
    assert "gold" in table.explain()
    assert "| silver |" in table.to_markdown()
    with pytest.raises(KeyError):
        table["bronze"]


def test_a_history_or_a_model_one_of_them() -> None:
    """Both, or neither, is refused; a bad model is refused by name."""
    with pytest.raises(SlakitError, match="one of them"):
        sla.price(TERMS, start="2026-01", end="2026-02")
    with pytest.raises(SlakitError, match="one of them"):
        sla.price(TERMS, [], start="2026-01", end="2026-02", model=MODEL)
    with pytest.raises(SlakitError, match="durations="):
        sla.OutageModel(1, [(sla.minutes(1), 0)])
    with pytest.raises(SlakitError, match="negative"):
        sla.OutageModel(-1, [(sla.minutes(1), 1)])
