"""Targets and values of measures that are counts or lengths of time, not percentages.

``coerce_count("3")`` and ``coerce_duration("4 hours")`` turn what a contract
writes into the exact ``Decimal`` that objectives compare with (a count, or
microseconds); ``format_count`` and ``format_duration`` write exact values back
as text that the coercions read again.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

from slakit._time._instant import (
    US_PER_SECOND,
    Duration,
    describe_us,
    duration_text_us,
)
from slakit.exceptions import DefinitionError

__all__ = ["coerce_count", "coerce_duration", "format_count", "format_duration"]


def _exact(value: Fraction, name: str, given: object) -> Decimal:
    result = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(result) != value:
        raise DefinitionError(f"{name}={given!r} has no exact decimal form")
    return result.normalize() if result else Decimal(0)


def coerce_count(value: object, *, name: str = "target") -> Decimal:
    """Return a count written as an ``int``, an integral ``Decimal`` or digits (``"3"``).

    Raises:
        DefinitionError: the value is negative, fractional, a float or not a number.
    """
    if isinstance(value, bool):
        raise DefinitionError(f"{name}={value!r} is not a count; write a whole number such as 3")
    if isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        result = Decimal(value.strip())
    else:
        raise DefinitionError(f"{name}={value!r} is not a count; write a whole number such as 3")
    if not result.is_finite() or result < 0 or result != result.to_integral_value():
        raise DefinitionError(f"{name}={value!r} must be a whole number, zero or more")
    return Decimal(int(result))


def format_count(value: Fraction | Decimal) -> str:
    """Return a count (or a mean of counts) exactly: ``'3'``, ``'2.5'`` or ``'7/3'``."""
    exact = Fraction(value)
    if exact.denominator == 1:
        return str(exact.numerator)
    d = Decimal(exact.numerator) / Decimal(exact.denominator)
    return f"{d.normalize():f}" if Fraction(d) == exact else str(exact)


def coerce_duration(value: object, *, name: str = "target") -> Decimal:
    """Return a length of time as exact microseconds.

    Accepts a [`Duration`][slakit.Duration] (``hours(4)``), text such as
    ``"4 hours"``, ``"1h 30m"`` or ``"2 hours 5 minutes"`` (units: days, hours,
    minutes, seconds, microseconds, and ``d``, ``h``, ``m``/``min``, ``s``,
    ``us``), a microsecond ``Decimal``, or ``0``.

    Raises:
        DefinitionError: the text is not a length of time, or the value is negative.
    """
    if isinstance(value, Duration):
        return Decimal(value.us)
    if isinstance(value, int) and not isinstance(value, bool) and value == 0:
        return Decimal(0)
    if isinstance(value, Decimal):
        if not value.is_finite() or value < 0:
            raise DefinitionError(f"{name}={value!r} must be a length of time, zero or more")
        return value
    if isinstance(value, str):
        total = duration_text_us(value)
        if total is not None:
            return _exact(total, name, value)
    raise DefinitionError(
        f"{name}={value!r} is not a length of time; write hours(4), or text such as "
        "'4 hours' or '1h 30m'"
    )


def format_duration(value: Fraction | Decimal) -> str:
    """Return a length of time in microseconds as words (``'2 hours 5 minutes'``), exactly.

    A fractional number of microseconds (a mean) ends with ``'N/D microseconds'``.
    """
    exact = Fraction(value)
    if exact.denominator == 1:
        return describe_us(exact.numerator)
    whole_seconds = (exact.numerator // exact.denominator) // US_PER_SECOND * US_PER_SECOND
    rest = exact - whole_seconds
    head = describe_us(whole_seconds) + " " if whole_seconds else ""
    return f"{head}{rest.numerator}/{rest.denominator} microseconds"
