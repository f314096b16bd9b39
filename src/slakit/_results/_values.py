"""Result values: objective verdicts, credit lines and the compensation total."""

from __future__ import annotations

import enum
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import attrs

from slakit._dsl._compensation import Band
from slakit._dsl._objectives import Objective
from slakit._money import Money, Rounding, minor_unit, round_fraction
from slakit._ratio import (
    MAX_DECIMAL_PLACES,
    bounds_problem,
    decimal_of,
    format_percent,
    percent_of,
    shift,
)

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
        """Whether the verdict is ``Verdict.MET``."""
        return self.verdict is Verdict.MET

    @property
    def percent(self) -> Decimal | None:
        """The value as a percentage, rounded by the display rule (half-even, six places).

        It is the figure that [`shown`][slakit.ObjectiveResult.shown] and the reports print; it
        never
        rounds onto 0% or 100% unless the value is exactly that (the rule is
        on the Exactness page of the documentation).
        """
        return None if self.value is None else percent_of(self.value)

    @property
    def margin_shown(self) -> str | None:
        """The margin as the measure writes it (``'-0.003422 points'``, ``'+2 tickets'``)."""
        margin = self.margin
        return None if margin is None else self.objective.measure.format_margin(margin)

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
        """The margin in percentage points, rounded by the same rule as ``percent``."""
        return None if self.margin is None else percent_of(self.margin)

    def describe(self) -> str:
        """Return a one-line summary, such as ``'uptime >= 99.99%: breached (99.9865%)'``."""
        return f"{self.objective.describe()}: {self.verdict} ({self.shown})"


#: What a credit line is: a ``"credit"`` a rule computed, an ``"adjustment"`` a
#: combinator made (a cap, a floor, a missing claim...), a ``"bonus"`` owed to the
#: provider, a ``"diagnostic"`` (schedule gap, no data), a report-only ``"remedy"``,
#: a ``"claim"`` note, or a ``"flag"`` such as a chronic breach.
LINE_KINDS = ("credit", "adjustment", "bonus", "diagnostic", "remedy", "claim", "flag")


@attrs.frozen
class CreditLine:
    """One line of a service's credit, with everything needed to check it by hand.

    A service's credit for the period is the sum of its lines' ``amount``:
    rules add ``"credit"`` lines, and combinators that change the sum (a cap
    that binds, a floor not reached, the smaller of two remedies, a missing
    claim) add ``"adjustment"`` lines that say why.

    Attributes:
        service: the service the credit is for.
        rule: the rule or clause, in words (``"credit schedule on uptime"``).
        tier: the tier whose fee is the base.
        value: the exact measured value the rule read, or ``None``.
        band: the band the value fell in (credit schedules), or ``None``.
        share: the share of the base paid as credit (0 when not a share).
        base: the fee or charges the share applies to.
        amount: the exact amount of the line, before the final rounding.
        proration: the share of the period the agreement was in force (1 for a whole period).
        note: a diagnostic or explanation, if any.
        shown: the value as the measure writes it (``'99.95%'``), for people.
        kind: one of ``LINE_KINDS``.
        formula: the arithmetic with its numbers, such as ``"10 x 10,000.00 USD x 45m / 31d"``.
        period: the label of the period the line belongs to.
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
    kind: str = "credit"
    formula: str | None = None
    period: str | None = None

    @property
    def exact_amount(self) -> Money:
        """The exact amount as money (not rounded; a longer fraction is cut at 30 decimal places).

        Computed in integers, so the thread's decimal context changes nothing.
        """
        exact = decimal_of(self.amount)
        if exact is None or bounds_problem(exact) is not None:
            exact = round_fraction(self.amount, MAX_DECIMAL_PLACES, "down")
        return Money(exact, self.base.currency)

    def describe(self) -> str:
        """Return the line as a sentence a customer can check."""
        amount = money_text(self.amount, self.base.currency)
        if self.kind == "diagnostic":
            return f"{self.rule}: no credit ({self.note})"
        if self.kind in ("remedy", "flag", "claim"):
            return f"{self.rule}: {self.note}"
        if self.band is not None and self.value is not None and self.formula is None:
            prorated = "" if self.proration == 1 else f" x {self.proration} of the period"
            shown = self.shown if self.shown is not None else format_percent(self.value)
            return (
                f"{self.rule}: {format_percent(self.share)} of {self.base}{prorated} "
                f"(value {shown} is {self.band.describe(_reader(shown))}) = {amount}"
            )
        text = f"{self.rule}: "
        if self.formula is not None:
            text += f"{self.formula} = "
        text += amount
        if self.note is not None:
            text += f" ({self.note})"
        return text


def _reader(shown: str) -> Callable[[Decimal], str]:
    """Return the formatter matching how ``shown`` was written (percent or not)."""
    if "%" in shown:
        return format_percent
    return lambda d: f"{d.normalize():f}"


def money_text(value: Fraction, currency: str) -> str:
    """Return an exact amount with its currency, in minor units when it has that many digits.

    >>> money_text(Fraction(153, 2), "USD"), money_text(Fraction(1, 3), "USD")
    ('76.50 USD', '1/3 (exact) USD')
    """
    digits = minor_unit(currency)
    scaled = value * 10**digits
    if scaled.denominator == 1:
        return f"{shift(scaled.numerator, -digits):,} {currency}"
    return f"{fraction_text(value)} {currency}"


def fraction_text(value: Fraction) -> str:
    """Return an exact amount as a decimal, or as a fraction when it has no finite decimal."""
    d = decimal_of(value)
    return f"{d:,}" if d is not None else f"{value} (exact)"


@attrs.frozen
class Compensation:
    """The credits of a period: the lines, the exact total, and the total rounded once.

    Attributes:
        lines: every credit line, adjustment, diagnostic, remedy and flag.
        exact_total: the sum of the lines' exact amounts.
        total: ``exact_total`` rounded once, with the agreement's rounding.
        rounding: the rounding that was applied.
    """

    lines: tuple[CreditLine, ...]
    exact_total: Fraction
    total: Money
    rounding: Rounding

    def exact_by_service(self) -> dict[str, Fraction]:
        """Return each service's exact credit (the sum of its lines), for services with lines."""
        out: dict[str, Fraction] = {}
        for line in self.lines:
            out[line.service] = out.get(line.service, Fraction(0)) + line.amount
        return out

    def by_service(self) -> dict[str, Money]:
        """Return each service's credit rounded once, as it would be issued per service.

        Rounding each service's credit is a second rounding of the same money:
        the sum of these may differ from [`total`][slakit.total] by the rounding step.
        """
        currency = self.total.currency
        return {s: self.rounding.apply(v, currency) for s, v in self.exact_by_service().items()}

    @property
    def flags(self) -> tuple[CreditLine, ...]:
        """The flags raised, such as chronic breaches."""
        return tuple(line for line in self.lines if line.kind == "flag")

    @property
    def remedies(self) -> tuple[CreditLine, ...]:
        """The report-only remedies owed."""
        return tuple(line for line in self.lines if line.kind == "remedy")
