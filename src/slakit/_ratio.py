"""Exact numbers from text: bounded decimals, percentages and ratios (used by every layer).

Every number that an agreement writes (an amount, a percentage, a count, a
weight) is read here, by one grammar and within one set of bounds, whether it
comes from the DSL or from agreement data:

- ASCII digits, an optional sign, a point ``.`` as the decimal separator and an
  optional exponent; an underscore may group digits as in Python (``1_000``);
  no other separator, so ``"12,50"`` and ``"1 000"`` are refused rather than
  guessed;
- below ``10**MAX_INTEGER_DIGITS`` in size and at most ``MAX_DECIMAL_PLACES``
  digits after the point, as written (``1e-31`` has 31), in text of at most
  ``MAX_NUMBER_TEXT`` characters.

Within the bounds, any two numbers add and multiply exactly in the digits of
``NUMBER_CONTEXT``; arithmetic on them uses that context (or exact fractions),
never the thread's, whose 28 digits would round ``99.99999999999999999999999999999%``
to 100%.
"""

from __future__ import annotations

import decimal
import functools
import math
import re
from decimal import Decimal
from fractions import Fraction
from typing import Final

from slakit.exceptions import DefinitionError

__all__ = [
    "MAX_DECIMAL_PLACES",
    "MAX_INTEGER_DIGITS",
    "MAX_NUMBER_TEXT",
    "NUMBER_CONTEXT",
    "PERCENT_PLACES",
    "bounds_problem",
    "check_number",
    "decimal_of",
    "echo",
    "format_percent",
    "format_points",
    "number_text_problem",
    "parse_number",
    "percent_of",
    "points_texts",
    "ratio",
    "ratio_texts",
    "shift",
    "shift_decimal",
]

# --- the bounds of every number an agreement writes (docs/explanation/limits.md) -------------

#: A number is below ``10**MAX_INTEGER_DIGITS`` in size (at most 30 digits before the point) ...
MAX_INTEGER_DIGITS: Final = 30
#: ... and has at most this many digits after the point, as written (``1e-31`` has 31).
MAX_DECIMAL_PLACES: Final = 30
#: A number written as text is at most this many characters long (sign, point, exponent and
#: underscores included), so reading it takes bounded time.
MAX_NUMBER_TEXT: Final = 100

#: The context of arithmetic on numbers within the bounds: enough digits for any two of them
#: to add or multiply exactly (2 x (30 + 30) digits), the widest exponents, and every
#: rounding trapped, so a result that would need more digits is an error, never a rounded
#: figure. Use its methods (``NUMBER_CONTEXT.add(a, b)``) or ``decimal.localcontext()``.
NUMBER_CONTEXT: Final = decimal.Context(
    prec=2 * (MAX_INTEGER_DIGITS + MAX_DECIMAL_PLACES) + 8,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=decimal.MIN_EMIN,
    Emax=decimal.MAX_EMAX,
    traps=[
        decimal.InvalidOperation,
        decimal.DivisionByZero,
        decimal.Overflow,
        decimal.Inexact,
        decimal.Rounded,
    ],
)

#: A number as text: Python's grammar for decimals, ASCII only. Each repetition starts with
#: a character its neighbour cannot match, so matching never backtracks.
_NUMBER_TEXT: Final = re.compile(
    r"[+-]?(?:[0-9]+(?:_[0-9]+)*(?:\.(?:[0-9]+(?:_[0-9]+)*)?)?|\.[0-9]+(?:_[0-9]+)*)"
    r"(?:[eE][+-]?[0-9]+)?",
    re.ASCII,
)


_NOT_FINITE: Final = frozenset({"nan", "snan", "inf", "infinity"})


def echo(value: object) -> str:
    """Return ``repr(value)`` cut to a readable length, for a message (a huge int unprinted)."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**80 else "a huge int"
    return text if len(text) <= 80 else f"{text[:80]}... ({len(text)} characters)"


def bounds_problem(value: Decimal) -> str | None:
    """Return why a finite ``value`` is out of the bounds of numbers, or ``None``.

    >>> bounds_problem(Decimal("1e30")), bounds_problem(Decimal("1e-31"))
    ('is 10**30 or more in size', 'has 31 decimal places')
    """
    if not value.is_finite():
        return "is not a finite number"
    if value and value.adjusted() >= MAX_INTEGER_DIGITS:
        return f"is 10**{MAX_INTEGER_DIGITS} or more in size"
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if not value and exponent >= MAX_INTEGER_DIGITS:  # 0E+897416: zero, but written huge
        return f"is a zero written with the exponent {exponent}; write 0"
    if exponent < -MAX_DECIMAL_PLACES:
        return f"has {-exponent} decimal places"
    return None


def _bounds_message(name: str, given: object, why: str) -> str:
    return (
        f"{name}={echo(given)} {why}; numbers have at most {MAX_INTEGER_DIGITS} digits "
        f"before the decimal point and {MAX_DECIMAL_PLACES} after it"
    )


def check_number(value: Decimal, *, name: str = "value", given: object = None) -> Decimal:
    """Return ``value`` if it is finite and within the bounds of numbers.

    Raises:
        DefinitionError: ``value`` is infinite, NaN, ``10**30`` or more in size, or has more
            than 30 decimal places; the message echoes ``given`` (``value`` by default).
    """
    shown = value if given is None else given
    why = bounds_problem(value)
    if why is not None:
        raise DefinitionError(_bounds_message(name, shown, why), name=name, value=shown)
    return value


def _separator_advice(text: str, suffix: str) -> str:
    """Return what to write instead of a number with commas, spaces or other digits."""
    if "," in text:
        plain = "".join(text.split())
        head, *rest = plain.split(",")
        options = []
        if len(rest) == 1 and "." not in plain:
            options.append(f"{head}.{rest[0]}{suffix}' if the comma is the decimal point")
        groups = [*rest[:-1], rest[-1].split(".")[0]]
        if all(len(g) == 3 and g.isdigit() for g in groups):
            options.append(f"{plain.replace(',', '')}{suffix}' if it separates thousands")
        written = " or ".join(f"'{o}" for o in options) or "the number with a point"
        return (
            "a comma is ambiguous (it is the decimal point in some countries, a thousands "
            "separator in others), and slakit reads only a point as the decimal separator and "
            f"no thousands separators: write {written}"
        )
    if any(c.isspace() for c in text):
        return f"write it without spaces, such as {''.join(text.split()) + suffix!r}"
    if not text.isascii():
        return "write it with the ASCII digits 0-9 and a point"
    return "write it like '12.50' (a point for decimals, no thousands separators)"


def number_text_problem(text: str, suffix: str = "") -> str | None:
    """Return why ``text`` is not a number as ``parse_number()`` reads it (and what to write).

    Only the grammar is checked (not the bounds): ``None`` for ``"12.50"``,
    advice for ``"12,50"``, ``"1 000"`` or digits of other scripts.
    """
    if len(text) > MAX_NUMBER_TEXT:
        return f"it is longer than {MAX_NUMBER_TEXT} characters"
    body = text.strip()
    if _NUMBER_TEXT.fullmatch(body) is None:
        return _separator_advice(body, suffix)
    return None


def parse_number(
    text: str,
    *,
    name: str = "value",
    given: object = None,
    suffix: str = "",
    what: str = "a number",
) -> Decimal:
    """Return the number written in ``text`` exactly, within the bounds of numbers.

    The grammar is Python's for decimals in ASCII (``"12.50"``, ``"-3"``,
    ``"1_000"``, ``"2.5e3"``), surrounding whitespace allowed; commas, inner
    spaces and non-ASCII digits are refused, never guessed.

    >>> parse_number("12.50"), parse_number(" 1_000 ")
    (Decimal('12.50'), Decimal('1000'))

    Raises:
        DefinitionError: ``text`` is not such a number, is longer than
            ``MAX_NUMBER_TEXT`` characters or out of bounds; the message echoes
            ``given`` (``text`` by default) and says what to write (followed by
            ``suffix``, such as ``"%"``); ``what`` names what was expected.
    """
    shown = text if given is None else given
    if len(text) > MAX_NUMBER_TEXT:
        raise DefinitionError(
            f"{name}={echo(shown)} is longer than {MAX_NUMBER_TEXT} characters; numbers have "
            f"at most {MAX_INTEGER_DIGITS} digits before the decimal point and "
            f"{MAX_DECIMAL_PLACES} after it",
            name=name,
            value=shown,
        )
    body = text.strip()
    if body.lower().lstrip("+-") in _NOT_FINITE:
        raise DefinitionError(
            f"{name}={echo(shown)} must be a finite number, such as '12.50{suffix}'",
            name=name,
            value=shown,
        )
    if _NUMBER_TEXT.fullmatch(body) is None:
        raise DefinitionError(
            f"{name}={echo(shown)} is not {what}; {_separator_advice(body, suffix)}",
            name=name,
            value=shown,
        )
    return check_number(Decimal(body), name=name, given=shown)


def decimal_of(value: Fraction) -> Decimal | None:
    """Return ``value`` as an exact ``Decimal``, or ``None`` when it has no finite decimal.

    Computed in integers, so no context rounds it, whatever its length.

    >>> decimal_of(Fraction(1, 8)), decimal_of(Fraction(1, 3))
    (Decimal('0.125'), None)
    """
    den, fives = value.denominator, 0
    twos = (den & -den).bit_length() - 1  # the factors of 2, at once
    den >>= twos
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    if den != 1:
        return None
    places = max(twos, fives)
    return shift(value.numerator * 10**places // value.denominator, -places)


def shift(units: int, exponent: int) -> Decimal:
    """Return ``units * 10**exponent`` as a ``Decimal``, exactly, with no context involved.

    >>> shift(1250, -2), shift(-5, -3)
    (Decimal('12.50'), Decimal('-0.005'))
    """
    sign, digits, _ = Decimal(units).as_tuple()  # Decimal(int) is exact whatever the context
    return Decimal((sign, digits, exponent))


def ratio(value: object, *, name: str = "value", lo: int = 0, hi: int = 1) -> Decimal:
    """Return a percentage or ratio as an exact ``Decimal`` ratio (``"99.9%"`` -> ``0.999``).

    Accepts strings with a percent sign (``"99.99%"``), ``Decimal`` or
    ``Fraction`` ratios and the integers 0 and 1. Floats are refused: they
    cannot hold ``99.99%`` exactly. A percentage has at most
    ``MAX_DECIMAL_PLACES`` digits after the point (a ratio two more), and its
    number is written as ``parse_number()`` reads it: ``"99,9%"`` is refused.
    The result is exact whatever the thread's decimal context.

    Raises:
        DefinitionError: not a percentage or ratio, out of bounds, or outside ``lo``-``hi``.
    """
    if isinstance(value, str):
        text = value.strip()
        if not text.endswith("%"):
            raise DefinitionError(
                f"{name}={echo(value)} needs a percent sign, for example '99.9%'; "
                "or pass a Decimal ratio such as Decimal('0.999')",
                name=name,
                value=value,
            )
        written = parse_number(
            text[:-1], name=name, given=value, suffix="%", what="a percentage such as '99.9%'"
        )
        result = shift_decimal(written, -2)
    elif isinstance(value, Decimal):
        result = value
        if result.is_finite():
            check_number(shift_decimal(result, 2), name=name, given=value)
    elif isinstance(value, Fraction):
        if value.denominator > 10 ** (MAX_DECIMAL_PLACES + 2):
            raise DefinitionError(
                _bounds_message(name, value, f"has more than {MAX_DECIMAL_PLACES} decimal places")
                + " as a percentage",
                name=name,
                value=value,
            )
        decimal_form = decimal_of(value)
        if decimal_form is None:
            raise DefinitionError(
                f"{name}={value!r} has no exact decimal form; write a percentage",
                name=name,
                value=value,
            )
        result = decimal_form
    elif isinstance(value, int) and not isinstance(value, bool):
        if not lo <= value <= hi:
            raise DefinitionError(
                f"{name}={echo(value)} must be between {lo * 100}% and {hi * 100}%",
                name=name,
                value=value,
            )
        result = Decimal(value)
    elif isinstance(value, float):
        raise DefinitionError(
            f"{name}={value!r} is a float, which cannot hold percentages exactly; "
            f"write it as a string such as '{value * 100:g}%'",
            name=name,
            value=value,
        )
    else:
        raise DefinitionError(
            f"{name}={echo(value)} must be a percentage string such as '99.9%'",
            name=name,
            value=value,
        )
    if not result.is_finite() or not lo <= result <= hi:
        raise DefinitionError(
            f"{name}={echo(value)} must be between {lo * 100}% and {hi * 100}%",
            name=name,
            value=value,
        )
    return result.normalize(_exact(result)) if result != 0 else Decimal(0)


def shift_decimal(value: Decimal, places: int) -> Decimal:
    """Return ``value * 10**places`` exactly (a finite ``value``), with no context involved.

    >>> shift_decimal(Decimal("99.95"), -2)
    Decimal('0.9995')
    """
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    return Decimal((sign, digits, exponent + places))


def _exact(value: Decimal) -> decimal.Context:
    """Return a context in which shifting or normalising ``value`` rounds nothing.

    The default context keeps 28 digits; a target written with more must
    still be compared, and printed, digit for digit.
    """
    digits = max(len(value.as_tuple().digits), 1)
    return decimal.Context(prec=digits, Emin=decimal.MIN_EMIN, Emax=decimal.MAX_EMAX)


#: The decimal places a measured percentage shows: ``99.826389%``, a millionth of a point.
PERCENT_PLACES: Final = 6
#: How many distinct measured values the percentage texts remember (a report over many
#: services repeats a few values, in objectives, credit lines and their renderings).
PERCENTS_REMEMBERED: Final = 8192


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
    exact = value if type(value) is Fraction else Fraction(value)
    return _percent_of(exact.numerator, exact.denominator, places)


@functools.lru_cache(maxsize=PERCENTS_REMEMBERED)
def _percent_of(numerator: int, denominator: int, places: int) -> Decimal:
    """Return ``percent_of()`` of ``numerator / denominator``, once per distinct value."""
    scaled = Fraction(numerator, denominator) * 100 * 10**places
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
    exact = value if type(value) is Fraction else Fraction(value)
    return _fraction_percent(exact.numerator, exact.denominator, places)


@functools.lru_cache(maxsize=PERCENTS_REMEMBERED)
def _fraction_percent(numerator: int, denominator: int, places: int) -> str:
    """Return ``format_percent()`` of a measured ``numerator / denominator``, once per value."""
    exact = Fraction(numerator, denominator)
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


# --- the same texts in integers, for renderings that write many values ------------------------


def _units(numerator: int, denominator: int, places: int) -> tuple[int, bool]:
    """Return ``percent_of(numerator / denominator)`` in units of ``10**-places``, and if exact.

    The display rule in integers (``denominator > 0``): half-even rounding,
    never onto 0% or 100% unless the value is exactly that.
    """
    scaled = numerator * 100 * 10**places
    units, rest = divmod(scaled, denominator)
    twice = 2 * rest
    if twice > denominator or (twice == denominator and units % 2):
        units += 1
    if rest:
        for bound in (0, 100 * 10**places):
            if units == bound:
                units += 1 if scaled > bound * denominator else -1
    return units, rest == 0


def _fixed(units: int, places: int) -> str:
    """Return ``units * 10**-places`` with every place (``str`` of ``percent_of()``'s result)."""
    whole, part = divmod(abs(units), 10**places)
    sign = "-" if units < 0 else ""
    return f"{sign}{whole}.{part:0{places}d}" if places else f"{sign}{whole}"


def _normal(units: int, places: int) -> str:
    """Return ``units * 10**-places`` without trailing zeros (an exact percentage)."""
    whole, part = divmod(abs(units), 10**places)
    sign = "-" if units < 0 else ""
    digits = f"{part:0{places}d}".rstrip("0") if places else ""
    return f"{sign}{whole}.{digits}" if digits else f"{sign}{whole}"


def ratio_texts(numerator: int, denominator: int, places: int = PERCENT_PLACES) -> tuple[str, str]:
    """Return ``str(value)`` and ``format_percent(value)`` of ``value = numerator / denominator``.

    The same texts, worked out in integers (no ``Fraction``, no ``Decimal``), for
    renderings that write many measured values; ``denominator > 0``.

    Examples:
        >>> ratio_texts(1150, 1152), ratio_texts(999, 1000)
        (('575/576', '99.826389% (exact 575/576)'), ('999/1000', '99.9%'))
    """
    common = math.gcd(numerator, denominator)
    n, d = numerator // common, denominator // common
    exact = str(n) if d == 1 else f"{n}/{d}"
    units, whole = _units(n, d, places)
    if whole:
        return exact, f"{_normal(units, places)}%"
    return exact, f"{_fixed(units, places)}% (exact {exact})"


def points_texts(numerator: int, denominator: int, places: int = PERCENT_PLACES) -> tuple[str, str]:
    """Return ``str(percent_of(margin))`` and ``format_points(margin)`` of a margin.

    ``margin = numerator / denominator`` (``denominator > 0``), in integers, as
    ``ratio_texts()`` does for values.

    Examples:
        >>> points_texts(1, 2500), points_texts(-257, 743000)
        (('0.040000', '+0.04 points'), ('-0.034590', '-0.034590 points (exact -257/7430 points)'))
    """
    units, _ = _units(numerator, denominator, places)
    size, whole = _units(abs(numerator), denominator, places)
    sign = "-" if numerator < 0 else "+"
    if whole:
        return _fixed(units, places), f"{sign}{_normal(size, places)} points"
    hundred = Fraction(numerator * 100, denominator)
    return _fixed(units, places), f"{sign}{_fixed(size, places)} points (exact {hundred} points)"
