"""Exact money: ``Decimal`` amounts in ISO 4217 currencies, rounded once with a declared mode."""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction
from typing import Final, Literal

import attrs

from slakit._node import DSLRepr, node
from slakit._ratio import MAX_INTEGER_DIGITS, NUMBER_CONTEXT, check_number, parse_number, shift
from slakit.exceptions import CurrencyMismatchError, DefinitionError

__all__ = [
    "MINOR_UNITS",
    "Money",
    "Rounding",
    "RoundingMode",
    "eur",
    "exact_decimal",
    "gbp",
    "jpy",
    "money",
    "round_fraction",
    "round_to_step",
    "usd",
]

#: ISO 4217 minor units (digits after the decimal point) of active currencies.
#: Currencies not listed here have two.
MINOR_UNITS: Final[dict[str, int]] = {
    # no minor unit
    **dict.fromkeys(
        [
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ],
        0,
    ),
    # three digits
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    # four digits
    "CLF": 4,
    "UYW": 4,
}
#: ISO 4217 alphabetic codes of active currencies (funds and precious metals excluded).
CURRENCIES: Final[frozenset[str]] = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHF",
        "CLF",
        "CLP",
        "CNY",
        "COP",
        "CRC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "UYI",
        "UYU",
        "UYW",
        "UZS",
        "VES",
        "VED",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XCD",
        "XCG",
        "XOF",
        "XPF",
        "YER",
        "ZAR",
        "ZMW",
        "ZWG",
    ]
)

RoundingMode = Literal["half_up", "half_even", "half_down", "down", "up", "floor", "ceiling"]
_MODES: Final[dict[str, str]] = {
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
    "half_down": decimal.ROUND_HALF_DOWN,
    "down": decimal.ROUND_DOWN,
    "up": decimal.ROUND_UP,
    "floor": decimal.ROUND_FLOOR,
    "ceiling": decimal.ROUND_CEILING,
}


def minor_unit(currency: str) -> int:
    """Return how many digits follow the decimal point in ``currency`` (ISO 4217)."""
    return MINOR_UNITS.get(currency, 2)


def exact_decimal(value: Fraction, *, places: int = 0) -> Decimal:
    """Return ``value`` as a ``Decimal`` exactly, whatever its length (no context rounding).

    ``places`` is the least number of digits after the point (``179`` with
    ``places=2`` is ``179.00``).

    Raises:
        ValueError: ``value`` has no finite decimal expansion (such as 1/3).

    >>> exact_decimal(Fraction(179, 1)), exact_decimal(Fraction(1, 8))
    (Decimal('179'), Decimal('0.125'))
    """
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        raise ValueError(f"{value} has no finite decimal expansion")
    digits = max(twos, fives, places)
    units = value.numerator * 10**digits // value.denominator
    return Decimal(f"{units}E-{digits}")  # built from text: exact, never rounded by a context


def round_fraction(value: Fraction, digits: int, mode: RoundingMode) -> Decimal:
    """Round an exact rational to ``digits`` decimal places with ``mode``, exactly.

    The rounding is done in integers, so no intermediate ``Decimal`` context
    precision can alter the result.

    Examples:
        >>> round_fraction(Fraction(1, 8), 2, "half_up")
        Decimal('0.13')
        >>> round_fraction(Fraction(1, 8), 2, "half_even")
        Decimal('0.12')
    """
    scaled = value * 10**digits
    floor = scaled.numerator // scaled.denominator
    rest = scaled - floor  # 0 <= rest < 1
    half = Fraction(1, 2)
    if rest == 0 or mode == "floor":
        units = floor
    elif mode == "ceiling":
        units = floor + 1
    elif mode == "down":
        units = floor if scaled >= 0 else floor + 1
    elif mode == "up":
        units = floor + 1 if scaled >= 0 else floor
    elif rest != half:
        units = floor + 1 if rest > half else floor
    elif mode == "half_even":
        units = floor if floor % 2 == 0 else floor + 1
    elif mode == "half_up":  # away from zero
        units = floor + 1 if scaled >= 0 else floor
    else:  # half_down: towards zero
        units = floor if scaled >= 0 else floor + 1
    return shift(units, -digits)


def _amount(amount: Decimal | str | int) -> Decimal:
    value: object = amount  # checked at run time, whatever a caller passes
    if isinstance(value, Decimal):
        return check_number(value, name="amount")
    if isinstance(value, str):
        return parse_number(value, name="amount")
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) >= 10**MAX_INTEGER_DIGITS:
            digits = int(value.bit_length() * 0.30103) + 1
            raise DefinitionError(
                f"amount=(an int of about {digits:,} digits) is 10**{MAX_INTEGER_DIGITS} or more "
                f"in size; numbers have at most {MAX_INTEGER_DIGITS} digits before the decimal "
                "point",
                name="amount",
                value=value,
            )
        return Decimal(value)
    if isinstance(value, float):
        raise DefinitionError(
            f"amount={value!r} is a float, which cannot hold cents exactly; "
            f"pass a string such as '{value:.2f}' or a Decimal",
            name="amount",
            value=value,
        )
    raise DefinitionError(
        f"amount={value!r} must be a Decimal, a numeric string or an int",
        name="amount",
        value=value,
    )


def check_currency(currency: str) -> str:
    """Return an ISO 4217 code in capitals, or raise a ``DefinitionError``."""
    return _currency(currency)


def _currency(currency: str) -> str:
    value: object = currency
    if not isinstance(value, str) or value.upper() not in CURRENCIES:
        raise DefinitionError(
            f"currency={value!r} is not an ISO 4217 code such as 'USD', 'EUR' or 'JPY'"
        )
    return value.upper()


@node("money")
@attrs.frozen(repr=False, order=False)
class Money(DSLRepr):
    """An exact amount of one currency.

    Arithmetic between two currencies raises
    [`CurrencyMismatchError`][slakit.exceptions.CurrencyMismatchError];
    nothing is rounded until [`rounded()`][slakit.Money.rounded] is called.

    Examples:
        >>> usd("10.00") + usd("0.005")
        Money('10.005', 'USD')
        >>> (usd("10.00") + usd("0.005")).rounded()
        Money('10.01', 'USD')
    """

    amount: Decimal = attrs.field(converter=_amount)
    currency: str = attrs.field(converter=_currency)

    def _same(self, other: Money, operation: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(
                f"cannot {operation} {self!r} and {other!r}: currencies differ; "
                "convert one amount first"
            )

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "add")
        return Money(NUMBER_CONTEXT.add(self.amount, other.amount), self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "subtract")
        return Money(NUMBER_CONTEXT.subtract(self.amount, other.amount), self.currency)

    def __mul__(self, factor: object) -> Money:
        """Return the amount times a whole number (``fee * 3``: three months' fees), exactly.

        Only integers: a share of an amount is a ``Fraction`` of ``exact()``, rounded
        once where the agreement says.
        """
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented
        return Money(NUMBER_CONTEXT.multiply(self.amount, Decimal(factor)), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(self.amount.copy_negate(), self.currency)

    def _compare(self, other: object) -> int | None:
        if not isinstance(other, Money):
            return None
        self._same(other, "compare")
        return (self.amount > other.amount) - (self.amount < other.amount)

    def __lt__(self, other: object) -> bool:
        c = self._compare(other)
        return NotImplemented if c is None else c < 0

    def __le__(self, other: object) -> bool:
        c = self._compare(other)
        return NotImplemented if c is None else c <= 0

    def __gt__(self, other: object) -> bool:
        c = self._compare(other)
        return NotImplemented if c is None else c > 0

    def __ge__(self, other: object) -> bool:
        c = self._compare(other)
        return NotImplemented if c is None else c >= 0

    def exact(self) -> Fraction:
        """Return the amount as an exact rational."""
        return Fraction(self.amount)

    def rounded(self, mode: RoundingMode = "half_up") -> Money:
        """Return the amount rounded to the currency's minor unit with ``mode``."""
        digits = minor_unit(self.currency)
        return Money(round_fraction(Fraction(self.amount), digits, mode), self.currency)

    def __repr__(self) -> str:
        return f"Money({str(self.amount)!r}, {self.currency!r})"

    def __str__(self) -> str:
        return f"{self.amount:,} {self.currency}"


def money(amount: Decimal | str | int, currency: str) -> Money:
    """Return an exact amount of ``currency`` (an ISO 4217 code)."""
    return Money(amount, currency)


def usd(amount: Decimal | str | int) -> Money:
    """Return an amount in US dollars: ``usd("12000.00")``."""
    return Money(amount, "USD")


def eur(amount: Decimal | str | int) -> Money:
    """Return an amount in euros: ``eur("500.00")``."""
    return Money(amount, "EUR")


def gbp(amount: Decimal | str | int) -> Money:
    """Return an amount in pounds sterling: ``gbp("500.00")``."""
    return Money(amount, "GBP")


def jpy(amount: Decimal | str | int) -> Money:
    """Return an amount in yen (no minor unit): ``jpy("50000")``."""
    return Money(amount, "JPY")


def _check_mode(_instance: object, _attribute: object, value: str) -> None:
    if value not in _MODES:
        raise DefinitionError(f"mode={value!r} is not one of {', '.join(map(repr, _MODES))}")


RoundingPoint = Literal["minor unit", "unit"]


def _point(value: object) -> RoundingPoint | Decimal:
    if value in ("minor unit", "unit"):
        return value
    step: object = value
    if isinstance(value, str):
        try:
            step = parse_number(value, name="to")
        except DefinitionError:
            step = None
    if isinstance(step, Decimal) and step.is_finite() and step > 0:
        return check_number(step, name="to", given=value)
    raise DefinitionError(
        f"to={value!r} must be 'minor unit' (cents), 'unit' (whole dollars) or a positive "
        "step such as Decimal('0.05')",
        name="to",
        value=value,
    )


def round_to_step(value: Fraction, step: Fraction, mode: RoundingMode) -> Fraction:
    """Round ``value`` to a whole multiple of ``step`` with ``mode``, exactly.

    >>> from fractions import Fraction
    >>> round_to_step(Fraction(1234, 100), Fraction(5, 100), "half_up")
    Fraction(247, 20)
    """
    units = round_fraction(value / step, 0, mode)
    return Fraction(units) * step


@node("rounding")
@attrs.frozen(repr=False)
class Rounding(DSLRepr):
    """How an agreement rounds final amounts: ``mode`` to the rounding point ``to``.

    ``to`` is ``"minor unit"`` (the currency's ISO 4217 minor unit, cents for
    USD; the default), ``"unit"`` (whole units) or a ``Decimal`` step such as
    ``Decimal("0.05")``. Rounding happens once, on final amounts; every
    intermediate amount is exact.

    >>> from decimal import Decimal
    >>> from fractions import Fraction
    >>> Rounding().apply(Fraction(1, 8), "USD")
    Money('0.13', 'USD')
    >>> Rounding("down", to="unit").apply(Fraction(99999, 100), "USD")
    Money('999', 'USD')
    >>> Rounding(to=Decimal("0.05")).apply(Fraction(1237, 100), "CHF")
    Money('12.35', 'CHF')
    """

    mode: RoundingMode = attrs.field(default="half_up", validator=_check_mode)
    to: RoundingPoint | Decimal = attrs.field(default="minor unit", converter=_point)

    def step(self, currency: str) -> Fraction:
        """Return the rounding step for ``currency`` as an exact fraction."""
        if self.to == "minor unit":
            return Fraction(1, 10 ** minor_unit(currency))
        if self.to == "unit":
            return Fraction(1)
        return Fraction(self.to)

    def apply(self, value: Fraction, currency: str) -> Money:
        """Return the exact ``value`` of ``currency`` rounded once, to the rounding point."""
        if self.to == "minor unit":
            return Money(round_fraction(value, minor_unit(currency), self.mode), currency)
        if self.to == "unit":
            return Money(round_fraction(value, 0, self.mode), currency)
        step = Fraction(self.to)
        rounded = round_to_step(value, step, self.mode)
        places = max(0, -int(self.to.as_tuple().exponent))
        return Money(round_fraction(rounded, places, self.mode), currency)

    def describe(self) -> str:
        """Return the rounding in words, such as ``'half-up to the minor unit'``."""
        mode = self.mode.replace("_", "-")
        if self.to == "minor unit":
            return f"{mode} to the currency's minor unit"
        if self.to == "unit":
            return f"{mode} to whole units"
        return f"{mode} to a multiple of {self.to}"

    def __repr__(self) -> str:
        args = [] if self.mode == "half_up" else [repr(self.mode)]
        if self.to != "minor unit":
            args.append(f"to={self.to!r}")
        return f"Rounding({', '.join(args)})"
