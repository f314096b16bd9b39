"""Pricing a tier: the distribution of what its credits cost, over a history or a generated one.

The method: each period of the history (or of a generated history) is
evaluated as the agreement would be, and its exact credit total kept. The
statistics are exact: the mean as a fraction, percentiles by nearest rank over
the sorted totals, the worst period, the share of periods that pay anything,
and the same over years of consecutive periods. A generated history draws, per
period and service, a number of outages from a Poisson distribution with the
model's mean, each starting at a uniform microsecond of the period and lasting
a duration drawn from the model's table, from one seeded generator: the same
seed gives the same history and the same figures.

The break-even fee is the fee at which expected credits are a given share of
revenue. Credits are taken to grow linearly with the fee (shares of the fee,
plus fixed amounts); the agreement is priced at its fee and at twice it, which
gives the slope and the fixed part exactly, and the fee follows. A cap in
money makes credits non-linear in the fee; the figures then say so.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs

from slakit._dsl._agreement import Agreement, Tier
from slakit._engine._compare import _evaluate, periods_between
from slakit._engine._inputs import as_inputs
from slakit._events._records import Outage
from slakit._money import Money
from slakit._ratio import ratio
from slakit._results._pricing import CreditCost, TierPrices
from slakit._time._instant import Duration
from slakit.exceptions import SlakitError

__all__ = ["OutageModel", "price", "price_tiers"]


def _check_durations(value: object) -> tuple[tuple[Duration, int], ...]:
    items: Any = value
    try:
        pairs = tuple((d, int(w)) for d, w in items)
    except (TypeError, ValueError):
        raise SlakitError(
            "durations= must be (Duration, weight) pairs, such as [(minutes(5), 3), (hours(2), 1)]"
        ) from None
    if not pairs or any(not isinstance(d, Duration) or d.us <= 0 or w < 1 for d, w in pairs):
        raise SlakitError("durations= needs positive durations with whole weights of at least 1")
    return pairs


@attrs.frozen
class OutageModel:
    """Outages to generate a history from: how many per period, and how long.

    ``per_period`` is the mean number of outages per service and period (a
    Poisson distribution); ``durations`` are ``(Duration, weight)`` pairs, each
    outage's length drawn with those weights.
    """

    per_period: Fraction = attrs.field(converter=Fraction)
    durations: tuple[tuple[Duration, int], ...] = attrs.field(converter=_check_durations)

    def __attrs_post_init__(self) -> None:
        if self.per_period < 0:
            raise SlakitError(f"per_period={self.per_period} must not be negative")

    def draw(self, rng: random.Random, service: str, start: int, end: int) -> list[Outage]:
        """Return one period's outages of ``service`` in ``[start, end)``."""
        count = _poisson(rng, float(self.per_period))
        lengths = [d.us for d, _ in self.durations]
        weights = [w for _, w in self.durations]
        out = []
        for _ in range(count):
            length = rng.choices(lengths, weights)[0]
            begin = rng.randrange(start, end)
            out.append(Outage(service, begin, begin + length))
        return out


def _poisson(rng: random.Random, mean: float) -> int:
    """Return a Poisson draw by Knuth's method (means of a few dozen at most)."""
    if mean <= 0:
        return 0
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _totals(
    agreement: Agreement,
    labels: Sequence[str],
    inputs: Sequence[object] | None,
    model: OutageModel | None,
    seed: int,
) -> list[Fraction]:
    if inputs is not None:
        tables = list(as_inputs(inputs).tables.values())
        return [_evaluate(agreement, tables, label).exact_total for label in labels]
    assert model is not None
    rng = random.Random(seed)
    totals = []
    for label in labels:
        period = agreement.period.resolve(label)
        drawn = [
            outage
            for service in agreement.services
            for outage in model.draw(rng, service, period.start, period.end)
        ]
        totals.append(_evaluate(agreement, [drawn], label).exact_total)
    return totals


def price(
    agreement: Agreement,
    *inputs: object,
    start: str,
    end: str,
    model: OutageModel | None = None,
    seed: int = 0,
    share: Fraction | str = "1%",
) -> CreditCost:
    """Return the distribution of what ``agreement``'s credits cost, period by period.

    Over the inputs given (a history), or over a history generated from
    ``model`` with ``seed`` (give one or the other), for the periods from
    ``start`` to ``end``. ``share`` is the share of revenue the break-even fee
    is sought at (``"1%"``). See the module's description for the method.

    Raises:
        SlakitError: both or neither of a history and a model are given.
    """
    if bool(inputs) == (model is not None):
        raise SlakitError("give a history (inputs) or model=, one of them")
    target = Fraction(ratio(share, name="share"))  # "1%", as every percentage is read
    labels = periods_between(agreement, start, end)
    history = list(inputs) if inputs else None
    totals = _totals(agreement, labels, history, model, seed)
    fee = agreement.total_fee()
    tier_fee = agreement.tier.fee
    doubled = attrs.evolve(  # every fee twice: the tier's and each service's own
        agreement,
        tier=agreement.tier
        if tier_fee is None
        else attrs.evolve(agreement.tier, fee=Money(tier_fee.amount * 2, tier_fee.currency)),
        fees=tuple((s, Money(m.amount * 2, m.currency)) for s, m in agreement.fees),
    )
    twice = _totals(doubled, labels, history, model, seed)
    return CreditCost(
        title=agreement.title,
        currency=agreement.tier.currency_code,
        periods=tuple(labels),
        totals=tuple(totals),
        fee=Fraction(fee.amount),
        totals_at_twice=tuple(twice),
        share=target,
    )


def price_tiers(
    tiers: Mapping[str, Tier],
    agreement: Agreement,
    *inputs: object,
    start: str,
    end: str,
    model: OutageModel | None = None,
    seed: int = 0,
    share: Fraction | str = "1%",
) -> TierPrices:
    """Return each tier's credit cost over one history, side by side.

    Each tier replaces ``agreement``'s tier; every tier sees the same history
    (the same generated one, for one ``seed``).
    """
    return TierPrices(
        tuple(
            (
                name,
                price(
                    attrs.evolve(agreement, tier=tier),
                    *inputs,
                    start=start,
                    end=end,
                    model=model,
                    seed=seed,
                    share=share,
                ),
            )
            for name, tier in tiers.items()
        )
    )
