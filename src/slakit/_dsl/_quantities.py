"""Targets and values of measures that are counts or lengths of time, not percentages.

``coerce_count("3")`` and ``coerce_duration("4 hours")`` turn what a contract
writes into the exact ``Decimal`` that objectives compare with (a count, or
microseconds); ``format_count`` and ``format_duration`` write exact values back
as text that the coercions read again.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction

from slakit._ratio import MAX_INTEGER_DIGITS, check_number, decimal_of, parse_number
from slakit._time._instant import (
    US_PER_SECOND,
    Duration,
    describe_us,
    duration_text_us,
)
from slakit.exceptions import DefinitionError

__all__ = ["coerce_count", "coerce_duration", "format_count", "format_duration"]


def _exact(value: Fraction, name: str, given: object) -> Decimal:
    result = decimal_of(value)
    if result is None:
        raise DefinitionError(f"{name}={given!r} has no exact decimal form", name=name, value=given)
    check_number(result, name=name, given=given)
    return result.normalize(_context(result)) if result else Decimal(0)


def coerce_count(value: object, *, name: str = "target") -> Decimal:
    """Return a count written as an ``int``, an integral ``Decimal`` or digits (``"3"``).

    Text is read as ``parse_number()`` reads it, within the same bounds (below
    ``10**30``), so ``"3e999999"`` is refused at once rather than expanded.

    Raises:
        DefinitionError: the value is negative, fractional, a float, out of bounds or not a
            number.
    """
    if isinstance(value, bool):
        raise DefinitionError(
            f"{name}={value!r} is not a count; write a whole number such as 3",
            name=name,
            value=value,
        )
    if isinstance(value, int):
        if abs(value) >= 10**MAX_INTEGER_DIGITS:
            raise DefinitionError(
                f"{name}=(an int of about {int(value.bit_length() * 0.30103) + 1:,} digits) "
                f"is 10**{MAX_INTEGER_DIGITS} or more in size; a count has at most "
                f"{MAX_INTEGER_DIGITS} digits",
                name=name,
                value=value,
            )
        result = Decimal(value)
    elif isinstance(value, Decimal):
        result = check_number(value, name=name) if value.is_finite() else value
    elif isinstance(value, str):
        result = parse_number(value, name=name)
    else:
        raise DefinitionError(
            f"{name}={value!r} is not a count; write a whole number such as 3",
            name=name,
            value=value,
        )
    if not result.is_finite() or result < 0 or Fraction(result).denominator != 1:
        raise DefinitionError(
            f"{name}={value!r} is not a count; write a whole number, zero or more, such as 3",
            name=name,
            value=value,
        )
    return Decimal(int(result))


def format_count(value: Fraction | Decimal) -> str:
    """Return a count (or a mean of counts) exactly: ``'3'``, ``'2.5'`` or ``'7/3'``."""
    exact = Fraction(value)
    if exact.denominator == 1:
        return str(exact.numerator)
    d = decimal_of(exact)
    return f"{d.normalize(_context(d)):f}" if d is not None else str(exact)


def _context(value: Decimal) -> decimal.Context:
    """Return a context in which normalising ``value`` rounds nothing."""
    digits = max(len(value.as_tuple().digits), 1)
    return decimal.Context(prec=digits, Emin=decimal.MIN_EMIN, Emax=decimal.MAX_EMAX)


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
            raise DefinitionError(
                f"{name}={value!r} must be a length of time, zero or more", name=name, value=value
            )
        return check_number(value, name=name)
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
