"""Percentages and ratios: ``"99.99%"`` in, exact ``Decimal`` ratios out (used by every layer)."""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction

from slakit.exceptions import DefinitionError

__all__ = ["format_percent", "percent_of", "ratio"]


def ratio(value: object, *, name: str = "value", lo: int = 0, hi: int = 1) -> Decimal:
    """Return a percentage or ratio as an exact ``Decimal`` ratio (``"99.9%"`` -> ``0.999``).

    Accepts strings with a percent sign (``"99.99%"``), ``Decimal`` or
    ``Fraction`` ratios and the integers 0 and 1. Floats are refused: they
    cannot hold ``99.99%`` exactly.
    """
    if isinstance(value, str):
        text = value.strip()
        if not text.endswith("%"):
            raise DefinitionError(
                f"{name}={value!r} needs a percent sign, for example '99.9%'; "
                "or pass a Decimal ratio such as Decimal('0.999')"
            )
        try:
            result = Decimal(text[:-1].strip()) / 100
        except decimal.InvalidOperation:
            raise DefinitionError(f"{name}={value!r} is not a percentage such as '99.9%'") from None
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, Fraction):
        result = Decimal(value.numerator) / Decimal(value.denominator)
        if Fraction(result) != value:
            raise DefinitionError(f"{name}={value!r} has no exact decimal form; write a percentage")
    elif isinstance(value, int) and not isinstance(value, bool):
        result = Decimal(value)
    elif isinstance(value, float):
        raise DefinitionError(
            f"{name}={value!r} is a float, which cannot hold percentages exactly; "
            f"write it as a string such as '{value * 100:g}%'"
        )
    else:
        raise DefinitionError(f"{name}={value!r} must be a percentage string such as '99.9%'")
    if not result.is_finite() or not lo <= result <= hi:
        raise DefinitionError(f"{name}={value!r} must be between {lo * 100}% and {hi * 100}%")
    return result.normalize() if result != 0 else Decimal(0)


def percent_of(value: Fraction | Decimal, places: int = 6) -> Decimal:
    """Return a ratio as a percentage ``Decimal``, truncated towards zero to ``places`` digits.

    Truncation never shows a value as meeting a bound it misses:
    99.98999...% shows as ``99.989999``, not ``99.99``.
    """
    exact = Fraction(value) * 100
    scaled = exact * 10**places
    units = (
        scaled.numerator // scaled.denominator
        if scaled >= 0
        else -((-scaled.numerator) // scaled.denominator)
    )
    return Decimal(units).scaleb(-places)


def format_percent(value: Fraction | Decimal, places: int = 6) -> str:
    """Return a ratio as text such as ``'99.95%'`` (exact values print without padding)."""
    exact = Fraction(value) * 100
    shown = percent_of(value, places)
    text = f"{shown.normalize():f}" if Fraction(shown) == exact else f"{shown:f}"
    return f"{text}%"
