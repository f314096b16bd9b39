"""Calls the public API must refuse at type-checking time (never executed).

Each line below is wrong, and mypy must say so: the ``# type: ignore[code]`` on it
is *used*. If a signature widens so that mypy accepts the call, the ignore becomes
unused and ``mypy --strict`` (``warn_unused_ignores``) fails, so these expectations
cannot pass silently. ``assert_type`` lines pin what the constructors accept.
"""

from __future__ import annotations

from decimal import Decimal
from typing import assert_type

import slakit as sla

fee = sla.usd("500.00")
gold = sla.Tier("gold", fee=fee)
assert_type(gold.fee, sla.Money | None)  # a tier may have no fee (currency= instead)
assert_type(sla.Money("1.00", "USD").amount, Decimal)

# --- a tier's fee is money, not a number --------------------------------------------------
sla.Tier("t", fee=500)  # type: ignore[arg-type]
sla.Tier("t", fee="500.00")  # type: ignore[arg-type]
sla.Tier(7, fee=fee)  # type: ignore[arg-type]
sla.Tier("t", fee=fee, objectives=["uptime >= 99.9%"])  # type: ignore[list-item]
sla.Tier("t", fee=fee, compensation="10%")  # type: ignore[arg-type]
sla.Tier("t", fee=fee, no_data="unknown")  # type: ignore[arg-type]

# --- money is exact: no floats ------------------------------------------------------------
sla.Money(12.5, "USD")  # type: ignore[arg-type]
sla.Money("12.50", 840)  # type: ignore[arg-type]

# --- an agreement's parts -----------------------------------------------------------------
sla.Agreement(provider="p", customer="c", services=[1, 2], tier=gold)  # type: ignore[list-item]
sla.Agreement(provider="p", customer="c", services=["a"], tier="gold")  # type: ignore[arg-type]
sla.Agreement(provider=None, customer="c", services=["a"], tier=gold)  # type: ignore[arg-type]
sla.Agreement(
    provider="p",
    customer="c",
    services=["a"],
    tier=gold,
    period="monthly",  # type: ignore[arg-type]
)
sla.Agreement(
    provider="p",
    customer="c",
    services=["a"],
    tier=gold,
    effective=1.5,  # type: ignore[arg-type]
)
sla.Agreement(
    provider="p",
    customer="c",
    services=["a"],
    tier=gold,
    fees={"a": "500.00"},  # type: ignore[arg-type]
)
