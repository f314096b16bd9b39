"""Result values: objective verdicts, credit lines and the compensation total."""

from __future__ import annotations

import enum
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import attrs

from slakit._dsl._compensation import Band
from slakit._dsl._money import Money, Rounding
from slakit._dsl._objectives import Objective
from slakit._dsl._ratio import format_percent, percent_of

__all__ = ["Compensation", "CreditLine", "ObjectiveResult", "Verdict"]


class Verdict(enum.Enum):
    """Whether an objective was met in a period."""

    MET = "met"
    BREACHED = "breached"
    NO_DATA = "no data"
    EXCLUDED = "excluded"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class ObjectiveResult:
    """One objective for one service in one period: the exact value and the verdict.

    Attributes:
        service: the service measured.
        objective: the objective, as written in the tier.
        value: the exact measured ratio, or ``None`` when there was no eligible time.
        verdict: met, breached, no data, or excluded.
        resolved_by: how a "no data" value was resolved (the tier's ``no_data``), if it was.
    """

    service: str
    objective: Objective
    value: Fraction | None
    verdict: Verdict
    resolved_by: str | None = None

    @property
    def met(self) -> bool:
        """Whether the verdict is :attr:`Verdict.MET`."""
        return self.verdict is Verdict.MET

    @property
    def percent(self) -> Decimal | None:
        """The value as a percentage, truncated to six decimal places."""
        return None if self.value is None else percent_of(self.value)

    @property
    def shown(self) -> str:
        """The value as the measure writes it (``'99.95%'``, ``'250ms'``), or ``'no data'``."""
        return "no data" if self.value is None else self.objective.measure.format_value(self.value)

    @property
    def target(self) -> Decimal:
        """The target ratio."""
        return self.objective.target

    @property
    def margin(self) -> Fraction | None:
        """How far the value is on the good side of the target (negative when missed)."""
        return None if self.value is None else self.objective.margin(self.value)

    @property
    def margin_points(self) -> Decimal | None:
        """The margin in percentage points, truncated to six decimal places."""
        return None if self.margin is None else percent_of(self.margin)

    def describe(self) -> str:
        """Return a one-line summary, such as ``'uptime >= 99.99%: breached (99.9865%)'``."""
        return f"{self.objective.describe()}: {self.verdict} ({self.shown})"


@attrs.frozen
class CreditLine:
    """One credit owed to one service, with everything needed to check it by hand.

    Attributes:
        service: the service the credit is for.
        rule: the rule that fired, in words (``"credit schedule on uptime"``).
        tier: the tier whose fee is the base.
        value: the exact measured value the rule read, or ``None`` (no data).
        band: the band the value fell in, or ``None``.
        share: the share of the base paid as credit.
        base: the fee the share applies to.
        amount: the exact credit, before the final rounding: base x proration x share.
        proration: the share of the period the agreement was in force (1 for a whole period).
        note: a diagnostic such as ``"schedule gap"`` or ``"no data"``, if any.
        shown: the value as the measure writes it (``'99.95%'``), for people.
    """

    service: str
    rule: str
    tier: str
    value: Fraction | None
    band: Band | None
    share: Decimal
    base: Money
    amount: Fraction
    proration: Fraction = Fraction(1)
    note: str | None = None
    shown: str | None = None

    @property
    def exact_amount(self) -> Money:
        """The exact credit as money (not rounded)."""
        return Money(
            Decimal(self.amount.numerator) / Decimal(self.amount.denominator), self.base.currency
        )

    def describe(self) -> str:
        """Return the line as a sentence a customer can check."""
        if self.note is not None:
            return f"{self.rule}: no credit ({self.note})"
        assert self.band is not None
        assert self.value is not None
        prorated = "" if self.proration == 1 else f" x {self.proration} of the period"
        shown = self.shown if self.shown is not None else format_percent(self.value)
        return (
            f"{self.rule}: {format_percent(self.share)} of {self.base}{prorated} "
            f"(value {shown} is {self.band.describe(_reader(shown))}) = "
            f"{_fraction_text(self.amount)} {self.base.currency}"
        )


def _reader(shown: str) -> Callable[[Decimal], str]:
    """Return the formatter matching how ``shown`` was written (percent or not)."""
    if shown.endswith("%"):
        return format_percent
    return lambda d: f"{d.normalize():f}"


def _fraction_text(value: Fraction) -> str:
    d = Decimal(value.numerator) / Decimal(value.denominator)
    return f"{d:,}" if Fraction(d) == value else f"{value} (exact)"


@attrs.frozen
class Compensation:
    """The credits of a period: the lines, the exact total, and the total rounded once.

    Attributes:
        lines: every credit line, and every line with a diagnostic.
        exact_total: the sum of the lines' exact amounts.
        total: ``exact_total`` rounded once, with the agreement's rounding.
        rounding: the rounding that was applied.
    """

    lines: tuple[CreditLine, ...]
    exact_total: Fraction
    total: Money
    rounding: Rounding
