"""Percentages and ratios: ``"99.99%"`` in, exact ``Decimal`` ratios out (used by every layer)."""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction
from typing import Final

from slakit.exceptions import DefinitionError

__all__ = ["PERCENT_PLACES", "format_percent", "format_points", "percent_of", "ratio"]


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
            written = Decimal(text[:-1].strip())
            result = written.scaleb(-2, _exact(written))
        except decimal.InvalidOperation:
            raise DefinitionError(f"{name}={value!r} is not a percentage such as '99.9%'") from None
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, Fraction):
        decimal_form = _decimal_of(value)
        if decimal_form is None:
            raise DefinitionError(f"{name}={value!r} has no exact decimal form; write a percentage")
        result = decimal_form
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
    return result.normalize(_exact(result)) if result != 0 else Decimal(0)


def _exact(value: Decimal) -> decimal.Context:
    """Return a context in which shifting or normalising ``value`` rounds nothing.

    The default context keeps 28 digits; a target written with more must
    still be compared, and printed, digit for digit.
    """
    digits = max(len(value.as_tuple().digits), 1)
    return decimal.Context(prec=digits, Emin=decimal.MIN_EMIN, Emax=decimal.MAX_EMAX)


def _decimal_of(value: Fraction) -> Decimal | None:
    """Return ``value`` as an exact ``Decimal``, or ``None`` when it has no finite decimal."""
    den, twos, fives = value.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    if den != 1:
        return None
    places = max(twos, fives)
    units = Decimal(value.numerator * 10**places // value.denominator)
    return units.scaleb(-places, _exact(units))


#: The decimal places a measured percentage shows: ``99.826389%``, a millionth of a point.
PERCENT_PLACES: Final = 6


def percent_of(value: Fraction | Decimal, places: int = PERCENT_PLACES) -> Decimal:
    """Return a ratio as a percentage ``Decimal`` rounded by the display rule.

    The rule: round half-even to ``places`` decimal places, except that a value
    that is not exactly 0% or 100% never rounds onto them; it shows as the
    nearest figure on its own side instead. So ``575/576`` gives ``99.826389``,
    ``1 - 10**-9`` gives ``99.999999`` (not ``100.000000``) and ``10**-9``
    gives ``0.000001`` (not ``0.000000``).

    Examples:
        >>> percent_of(Fraction(575, 576)), percent_of(Fraction(1, 8 * 10**6))
        (Decimal('99.826389'), Decimal('0.000012'))
        >>> percent_of(1 - Fraction(1, 10**9))
        Decimal('99.999999')
    """
    scaled = Fraction(value) * 100 * 10**places
    units = round(scaled)  # Fraction rounds half to even
    for bound in (0, 100 * 10**places):
        if units == bound != scaled:
            units += 1 if scaled > bound else -1
    shown = Decimal(units)
    return shown.scaleb(-places, _exact(shown))


def format_percent(value: Fraction | Decimal, places: int = PERCENT_PLACES) -> str:
    """Return a ratio as a percentage, exactly when it can be, else rounded with its fraction.

    This is the one function that writes a percentage for people, in text,
    JSON and rendered documents alike:

    - a ``Decimal`` (a target, threshold, share or weight as written) prints
      exactly, every digit, so a DSL repr reads back: ``'99.95%'``;
    - a measured ``Fraction`` whose percentage has at most ``places`` decimal
      places prints exactly too: ``'99.9%'``;
    - any other value is rounded by ``percent_of()`` (half-even, never onto
      0% or 100%) and its exact fraction follows: ``'99.826389% (exact 575/576)'``.

    Examples:
        >>> format_percent(Decimal("0.9995")), format_percent(Fraction(999, 1000))
        ('99.95%', '99.9%')
        >>> format_percent(Fraction(575, 576))
        '99.826389% (exact 575/576)'
    """
    if isinstance(value, Decimal):
        return f"{value.scaleb(2, _exact(value)).normalize(_exact(value)):f}%"
    exact = Fraction(value)
    scaled = exact * 100 * 10**places
    if scaled.denominator == 1:
        units = Decimal(scaled.numerator)
        return f"{units.scaleb(-places, _exact(units)).normalize(_exact(units)):f}%"
    return f"{percent_of(exact, places):f}% (exact {exact})"


def format_points(margin: Fraction | Decimal, places: int = PERCENT_PLACES) -> str:
    """Return a difference of two ratios in signed percentage points, by the same rule.

    Examples:
        >>> format_points(Fraction(1, 2500)), format_points(Fraction(-257, 743000))
        ('+0.04 points', '-0.034590 points (exact -257/7430 points)')
    """
    sign = "-" if margin < 0 else "+"
    size: Fraction | Decimal = -margin if margin < 0 else margin
    text = format_percent(size, places)
    if "(exact" not in text:
        return f"{sign}{text[:-1]} points"
    exact = Fraction(margin) * 100
    return f"{sign}{percent_of(abs(Fraction(margin)), places):f} points (exact {exact} points)"
