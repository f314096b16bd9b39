"""What a tier's credits cost: exact statistics over a history, and tiers side by side."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import attrs

from slakit._results._document import Block, Heading, Para, Table, markdown, text
from slakit._results._values import money_text

__all__ = ["CreditCost", "TierPrices"]


def _nearest_rank(values: Sequence[Fraction], q: Fraction) -> Fraction:
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def _percent(value: Fraction) -> str:
    return f"{float(value * 100):.2f}%"


@attrs.frozen(eq=False)
class CreditCost:
    """The credits an agreement paid (or would pay) period by period, and their statistics.

    Attributes:
        title: the agreement's title.
        currency: the currency of the amounts.
        periods: the periods of the history.
        totals: each period's exact credit total.
        fee: the fee per period (the revenue a period brings).
        totals_at_twice: each period's total at twice the fee (for the break-even fee).
        share: the share of revenue the break-even fee is sought at.
    """

    title: str
    currency: str
    periods: tuple[str, ...]
    totals: tuple[Fraction, ...]
    fee: Fraction
    totals_at_twice: tuple[Fraction, ...]
    share: Fraction

    @property
    def mean(self) -> Fraction:
        """The expected credits per period: the mean of the totals, exact."""
        return sum(self.totals, Fraction(0)) / len(self.totals)

    def percentile(self, q: int | Fraction) -> Fraction:
        """Return the ``q``-th percentile of the period totals (nearest rank; ``q`` in 0-100)."""
        return _nearest_rank(self.totals, Fraction(q) / 100)

    @property
    def worst(self) -> tuple[str, Fraction]:
        """The period that cost most, and its total (the first such period)."""
        best = max(self.totals)
        return self.periods[self.totals.index(best)], best

    @property
    def paying(self) -> Fraction:
        """The share of periods that pay any credit."""
        return Fraction(sum(1 for t in self.totals if t), len(self.totals))

    @property
    def revenue_share(self) -> Fraction:
        """Expected credits as a share of the fee (revenue per period)."""
        return self.mean / self.fee if self.fee else Fraction(0)

    def years(self) -> dict[str, Fraction]:
        """Return the credits per year (periods grouped by the year their label starts with)."""
        out: dict[str, Fraction] = {}
        for label, total in zip(self.periods, self.totals, strict=True):
            out[label[:4]] = out.get(label[:4], Fraction(0)) + total
        return out

    def per_year(self) -> CreditCost:
        """Return the same statistics over years: each year's credits and its revenue.

        A year's revenue is the fee times its periods in the history; a year with
        fewer periods than the others (a history that starts mid-year) counts as
        it is.
        """
        twice: dict[str, Fraction] = {}
        counts: dict[str, int] = {}
        for label, total in zip(self.periods, self.totals_at_twice, strict=True):
            twice[label[:4]] = twice.get(label[:4], Fraction(0)) + total
            counts[label[:4]] = counts.get(label[:4], 0) + 1
        years = self.years()
        most = max(counts.values())
        return CreditCost(
            title=self.title,
            currency=self.currency,
            periods=tuple(years),
            totals=tuple(years.values()),
            fee=self.fee * most,
            totals_at_twice=tuple(twice[y] for y in years),
            share=self.share,
        )

    @property
    def proportional(self) -> bool:
        """Whether every period's credits doubled with the fee: shares of the fee only."""
        return all(t2 == 2 * t for t, t2 in zip(self.totals, self.totals_at_twice, strict=True))

    def break_even_fee(self) -> Fraction | None:
        """Return the fee at which expected credits are ``share`` of revenue, or ``None``.

        Credits taken as ``slope * fee + fixed`` (measured at the fee and at twice
        it); ``None`` when no fee reaches the share: the shares of the fee alone
        already exceed it, or the credits are shares of the fee only (the share
        of revenue is then the same at any fee).
        """
        if not self.fee:
            return None
        mean_twice = sum(self.totals_at_twice, Fraction(0)) / len(self.totals)
        slope = (mean_twice - self.mean) / self.fee
        fixed = self.mean - slope * self.fee
        if fixed <= 0 or slope >= self.share:
            return None
        return fixed / (self.share - slope)

    def _money(self, value: Fraction) -> str:
        return money_text(value, self.currency)

    def row(self, name: str) -> tuple[str, ...]:
        """Return the figures as one row of a tier comparison."""
        fee = self.break_even_fee()
        period, worst = self.worst
        return (
            name,
            self._money(self.fee),
            self._money(self.mean),
            _percent(self.revenue_share),
            self._money(self.percentile(90)),
            f"{self._money(worst)} ({period})",
            _percent(self.paying),
            "-" if fee is None else self._money(fee),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as plain data (exact amounts as fractions in text)."""
        fee = self.break_even_fee()
        return {
            "title": self.title,
            "currency": self.currency,
            "periods": dict(zip(self.periods, map(str, self.totals), strict=True)),
            "fee": str(self.fee),
            "mean": str(self.mean),
            "p50": str(self.percentile(50)),
            "p90": str(self.percentile(90)),
            "p99": str(self.percentile(99)),
            "worst": {"period": self.worst[0], "amount": str(self.worst[1])},
            "paying": str(self.paying),
            "revenue_share": str(self.revenue_share),
            "years": {y: str(v) for y, v in self.years().items()},
            "break_even_share": str(self.share),
            "break_even_fee": None if fee is None else str(fee),
        }


_HEADER = (
    "tier",
    "fee per period",
    "expected credits",
    "of revenue",
    "90th percentile",
    "worst period",
    "periods paying",
    "break-even fee",
)


@attrs.frozen(eq=False)
class TierPrices:
    """Tiers priced over one history, side by side. See ``price_tiers()``."""

    tiers: tuple[tuple[str, CreditCost], ...]

    def __getitem__(self, name: str) -> CreditCost:
        for key, cost in self.tiers:
            if key == name:
                return cost
        raise KeyError(f"no tier {name!r}")

    def blocks(self) -> tuple[Block, ...]:
        """Return the comparison as document blocks."""
        first = self.tiers[0][1]
        shares = ", ".join(f"{n} {_percent(c.revenue_share)}" for n, c in self.tiers)
        return (
            Heading(1, "What each tier's credits cost"),
            Para(
                f"{len(first.periods)} periods, {first.periods[0]} to {first.periods[-1]}. "
                f"Expected credits as a share of revenue: {shares}. The break-even fee is the "
                f"fee at which expected credits are {_percent(first.share)} of revenue."
            ),
            Table(_HEADER, tuple(c.row(n) for n, c in self.tiers), numeric=(1, 2, 3, 4, 6, 7)),
        )

    def to_markdown(self) -> str:
        """Return the comparison as Markdown."""
        return markdown(self.blocks())

    def explain(self) -> str:
        """Return the comparison as text."""
        return text(self.blocks())
