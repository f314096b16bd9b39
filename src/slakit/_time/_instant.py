"""Instants as integer microseconds since the Unix epoch (UTC), and exact durations.

Every instant crosses into slakit through ``to_us()``, which accepts aware
datetimes and ISO 8601 strings with an explicit offset, and nothing else: a
naive datetime is an error, never a guess, and the machine's zone never enters.

Supported range: instants from ``1970-01-01T00:00:00Z`` to ``9999-01-01T00:00:00Z``
(both included, ``MIN_INSTANT_US`` to ``MAX_INSTANT_US``), and durations up to the
length of that range. Every instant in range converts both ways (to and from
``datetime``, to ISO 8601, and to local time in any zone), so nothing that was
accepted can overflow later; anything outside is refused where it enters.
"""

from __future__ import annotations

import difflib
import functools
import math
import operator
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, DecimalException, Inexact, localcontext
from fractions import Fraction
from typing import SupportsIndex, TypeAlias, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import attrs

from slakit._node import DSLRepr
from slakit.exceptions import DefinitionError, NaiveDatetimeError, UnknownZoneError

__all__ = [
    "MAX_DURATION_TEXT",
    "MAX_DURATION_US",
    "MAX_INSTANT_US",
    "MIN_INSTANT_US",
    "Duration",
    "InstantLike",
    "days",
    "duration",
    "format_us",
    "from_us",
    "hours",
    "iana_zones",
    "local_to_us",
    "membership_us",
    "microseconds",
    "milliseconds",
    "minutes",
    "parse_duration",
    "seconds",
    "to_us",
    "weeks",
    "zone",
]

US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE
US_PER_DAY = 24 * US_PER_HOUR
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)

#: The first supported instant, ``1970-01-01T00:00:00Z``, in microseconds since the epoch.
MIN_INSTANT_US = 0
#: The last supported instant, ``9999-01-01T00:00:00Z`` (included, so a period may end there).
MAX_INSTANT_US = (datetime(9999, 1, 1) - _NAIVE_EPOCH) // timedelta(microseconds=1)
#: The longest supported duration: the length of the instant range (8,029 years).
MAX_DURATION_US = MAX_INSTANT_US - MIN_INSTANT_US
#: The longest text a duration parser reads, in characters.
MAX_DURATION_TEXT = 200
_RANGE_TEXT = "1970-01-01T00:00:00Z to 9999-01-01T00:00:00Z"
_FRACTION = re.compile(r"[.,]([0-9]+)", re.ASCII)

InstantLike: TypeAlias = datetime | str | int


def _check_range(us: int, name: str, value: object) -> int:
    if not MIN_INSTANT_US <= us <= MAX_INSTANT_US:
        raise DefinitionError(
            f"{name}={value!r} lies outside the supported instants, {_RANGE_TEXT}; "
            "give an instant in that range",
            name=name,
            value=value,
        )
    return us


def _integer(value: object) -> int | None:
    """Return ``value`` as an int if it is an integer (``int``, ``numpy.int64``), else None."""
    if isinstance(value, bool) or not hasattr(type(value), "__index__"):
        return None
    return operator.index(cast("SupportsIndex", value))


def to_us(value: InstantLike, *, name: str = "instant") -> int:
    """Return an instant as integer microseconds since the epoch, UTC.

    Args:
        value: an aware ``datetime``, an ISO 8601 string with an
            offset (``"2026-10-01T00:00:00Z"``, ``"2026-10-01T02:00:00+02:00"``),
            or an integer count of microseconds since the epoch.
        name: the argument's name, echoed in error messages.

    Raises:
        NaiveDatetimeError: the datetime or string carries no offset.
        DefinitionError: the value is of another type, not valid ISO 8601, finer
            than a microsecond, or outside the supported instants
            (1970-01-01T00:00:00Z to 9999-01-01T00:00:00Z).
    """
    return _to_us(value, name, checked=True)


def membership_us(value: InstantLike) -> int:
    """Return an instant for a membership test (``x in span``), which needs no range check.

    An instant outside the supported range lies in no span, period or timeline,
    so ``in`` answers ``False`` for it rather than raising.
    """
    return _to_us(value, "instant", checked=False)


def _to_us(value: InstantLike, name: str, *, checked: bool) -> int:
    if isinstance(value, bool):
        raise DefinitionError(f"{name}={value!r} is not an instant", name=name, value=value)
    original: object = value
    whole = _integer(value)
    if whole is not None:
        return _check_range(whole, name, value) if checked else whole
    if isinstance(value, str):
        text = value
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise DefinitionError(
                f"{name}={value!r} is not an ISO 8601 instant; write it like "
                "'2026-10-01T00:00:00Z' or '2026-10-01T02:00:00+02:00'",
                name=name,
                value=value,
            ) from None
        fraction = _FRACTION.search(text)
        if fraction is not None and len(fraction[1].rstrip("0")) > 6:
            raise DefinitionError(
                f"{name}={value!r} is finer than a microsecond; give at most six digits "
                "after the seconds",
                name=name,
                value=value,
            )
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            raise NaiveDatetimeError(
                f"{name}={value!r} has no UTC offset; append 'Z' or an offset such as '+02:00'",
                name=name,
                value=value,
            )
        value = parsed
    if isinstance(value, datetime):
        offset = value.utcoffset()
        if value.tzinfo is None or offset is None:
            raise NaiveDatetimeError(
                f"{name}={value!r} is naive; pass an aware datetime, for example "
                "datetime(..., tzinfo=ZoneInfo('Europe/Berlin')) or one with tzinfo=UTC",
                name=name,
                value=value,
            )
        # Naive arithmetic on timedeltas cannot overflow, unlike converting to UTC.
        delta = value.replace(tzinfo=None) - _NAIVE_EPOCH - offset
        us = delta // timedelta(microseconds=1)
        return _check_range(us, name, original) if checked else us
    raise DefinitionError(
        f"{name}={value!r} is a {type(value).__name__}; expected an aware datetime, "
        "an ISO 8601 string with an offset, or integer microseconds since the epoch"
    )


def from_us(us: int) -> datetime:
    """Return the aware UTC datetime of ``us`` microseconds since the epoch.

    Raises:
        DefinitionError: ``us`` lies outside the supported instants.
    """
    return _EPOCH + timedelta(microseconds=_check_range(int(us), "instant", int(us)))


def format_us(us: int) -> str:
    """Format an instant as ISO 8601 in UTC with a ``Z`` suffix (microseconds only if any).

    An integer outside the supported instants (which only a message about it can
    hold) is written as a count of microseconds, so formatting never fails.
    """
    value = int(us)
    if not MIN_INSTANT_US <= value <= MAX_INSTANT_US:
        return f"{value} microseconds since 1970-01-01T00:00:00Z"
    return from_us(value).isoformat().replace("+00:00", "Z")


def instant_text(us: int) -> str:
    """Return the instant ``us`` as source text: a quoted ISO 8601 string (for reprs)."""
    return repr(format_us(us))


#: Names the zone database holds that are not IANA zones of their own: the host's
#: zone (``localtime``), the POSIX default rules, and the placeholder ``Factory``.
_NOT_IANA = frozenset({"localtime", "posixrules", "Factory"})
#: Copies of the database under other rules (``posix/Europe/Berlin``, ``right/UTC``).
_NOT_IANA_TREES = ("posix/", "right/")
_LONGEST_ZONE_NAME = 64


@functools.cache
def iana_zones() -> frozenset[str]:
    """Return the zone names slakit accepts: the IANA names the zone database holds.

    These are the names of ``zoneinfo.available_timezones()`` less the ``posix/``
    and ``right/`` trees, ``localtime``, ``posixrules`` and ``Factory``, so the
    host's own zone can never enter a computation. Read once, then cached.
    """
    return frozenset(
        name
        for name in available_timezones()
        if name not in _NOT_IANA and not name.startswith(_NOT_IANA_TREES)
    )


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@functools.cache
def _folded_zones() -> dict[str, str]:
    return {name.casefold(): name for name in iana_zones()}


def _zone_hint(name: str) -> str:
    """Return ``"; did you mean ..."`` for a near-miss zone name, or a reason it is refused."""
    if name in _NOT_IANA or name.startswith(_NOT_IANA_TREES):
        rest = name.split("/", 1)[1] if name.startswith(_NOT_IANA_TREES) else ""
        own = f"; did you mean {rest!r}?" if rest in iana_zones() else ""
        return (
            f" (it names the host's zone or a non-IANA copy of the database, so results "
            f"would depend on the machine){own}"
        )
    if len(name) > _LONGEST_ZONE_NAME:
        return f" (longer than any zone name, {_LONGEST_ZONE_NAME} characters at most)"
    folded = _folded_zones().get(name.casefold())
    close = [folded] if folded else []
    for candidate in difflib.get_close_matches(name, sorted(iana_zones()), n=3):
        if candidate not in close:
            close.append(candidate)
    return f"; did you mean {', '.join(repr(c) for c in close[:3])}?" if close else ""


def zone(name: str, *, argument: str = "tz") -> ZoneInfo:
    """Return the IANA zone ``name``, or raise ``UnknownZoneError`` with suggestions.

    Only IANA names are accepted (see ``iana_zones()``):
    ``"localtime"``, ``"posixrules"``, ``"Factory"`` and the ``posix/`` and
    ``right/`` trees are refused, since they would let the host's configuration
    into a result.
    """
    given: object = name
    if not isinstance(given, str) or not name:
        raise UnknownZoneError(
            f"{argument}={name!r} is not a zone name; use an IANA name such as 'Europe/Berlin'",
            name=argument,
            value=given,
        )
    if name in iana_zones():
        try:
            return _zone(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # pragma: no cover - unreadable
            pass
    raise UnknownZoneError(
        f"{argument}={name!r} is not an IANA time zone such as 'Europe/Berlin' or "
        f"'UTC'{_zone_hint(name)}",
        name=argument,
        value=name,
    )


def local_to_us(naive: datetime, tz: str) -> int:
    """Return the instant of a wall-clock time in zone ``tz``.

    The rule for wall times that a DST transition skips or repeats is the
    "compatible" one: a skipped time (02:30 on a spring-forward day) is read with
    the offset in force before the gap, so it lands after the gap by the gap's
    length (03:30); a repeated time (02:30 on a fall-back day) is its first
    occurrence.
    """
    aware = naive.replace(tzinfo=zone(tz), fold=0)
    return to_us(aware)


@attrs.frozen(order=True, repr=False)
class Duration(DSLRepr):
    """An exact length of time in integer microseconds.

    Build one with [`seconds()`][slakit.seconds], [`minutes()`][slakit.minutes],
    [`hours()`][slakit.hours] or [`days()`][slakit.days]
    (a day here is 24 hours; calendar days and months belong to periods).
    """

    us: int = attrs.field()

    @us.validator
    def _check(self, _attribute: attrs.Attribute[int], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise DefinitionError(f"Duration us={value!r} must be an integer of microseconds")
        if value < 0:
            raise DefinitionError(f"Duration us={value!r} must not be negative")
        if value > MAX_DURATION_US:
            raise DefinitionError(
                f"Duration us={value!r} is longer than the longest supported duration, "
                f"{MAX_DURATION_US} microseconds (8,029 years, the span of supported instants "
                f"{_RANGE_TEXT})",
                name="us",
                value=value,
            )

    def __add__(self, other: object) -> Duration:
        if not isinstance(other, Duration):
            return NotImplemented
        return Duration(self.us + other.us)

    def __sub__(self, other: object) -> Duration:
        """Return the difference; a negative one is refused, as a negative duration is.

        ``minutes(10) - microseconds(1)`` is "at least 10 minutes" for an option
        that keeps what is longer than it.
        """
        if not isinstance(other, Duration):
            return NotImplemented
        return Duration(self.us - other.us)

    def __mul__(self, factor: object) -> Duration:
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented
        return Duration(self.us * factor)

    __rmul__ = __mul__

    def total_seconds(self) -> float:
        """Return the length in seconds, as a float (for display only)."""
        return self.us / US_PER_SECOND

    def __repr__(self) -> str:
        for unit, size in (
            ("days", US_PER_DAY),
            ("hours", US_PER_HOUR),
            ("minutes", US_PER_MINUTE),
            ("seconds", US_PER_SECOND),
            ("milliseconds", 1_000),
        ):
            if self.us and self.us % size == 0:
                return f"{unit}({self.us // size})"
        return f"microseconds({self.us})"

    def words(self) -> str:
        """Return the duration in words, such as ``"2 hours 5 minutes"``."""
        return describe_us(self.us)

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Return the exact duration written as ISO 8601 or in words.

        ISO 8601 (``"PT1H30M"``, ``"P1DT2H"``, ``"PT0.25S"``, ``"P2W"``) and
        words and abbreviations (``"1 hour 30 minutes"``, ``"90s"``,
        ``"300ms"``, ``"1h 30m"``, ``"2 days"``) are read exactly. A day is 24 hours.
        Months and years are refused: they are not exact lengths of time, and
        belong to billing periods. Numbers are ASCII digits; the text is at most
        200 characters, and the duration at most 8,029 years (the span of
        supported instants).

        Examples:
            >>> Duration.parse("PT1H30M"), Duration.parse("1 hour 30 minutes")
            (minutes(90), minutes(90))
            >>> Duration.parse("250ms").us
            250000

        Raises:
            DefinitionError: the text is neither form, names months or years, or
                is too long.
        """
        return parse_duration(text)


_WORD_UNITS: dict[str, int] = {
    **dict.fromkeys(("us", "µs", "microsecond", "microseconds"), 1),
    **dict.fromkeys(("ms", "millisecond", "milliseconds"), 1_000),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), US_PER_SECOND),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), US_PER_MINUTE),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), US_PER_HOUR),
    **dict.fromkeys(("d", "day", "days"), US_PER_DAY),
    **dict.fromkeys(("w", "week", "weeks"), 7 * US_PER_DAY),
}
#: A number of at most 30 ASCII digits (and a decimal or a ``/`` fraction) and a unit word.
_WORD_PART = re.compile(
    r"[ \t]*([0-9]{1,30}(?:\.[0-9]{1,30})?(?:/[0-9]{1,30})?)[ \t]*([a-zA-Zµ]{1,20})[ \t]*,?"
)


def duration_text_us(text: str) -> Fraction | None:
    """Return the exact microseconds of a duration written as text, or ``None`` if it is not one.

    ISO 8601 (``"PT1H30M"``, a fraction only on its last component) and words and abbreviations
    (``"1 hour 30 minutes"``, ``"90s"``, ``"300ms"``, ``"1h 30m"``, ``"1/3 hours"``)
    are read here. Months and years are refused with an error (they are not
    exact lengths); the result may be a fraction of a microsecond. Numbers are
    ASCII digits, at most 30 of them each.

    Raises:
        DefinitionError: the text is longer than ``MAX_DURATION_TEXT`` characters,
            names months or years, divides by zero, or is longer than the longest
            supported duration.
    """
    if len(text) > MAX_DURATION_TEXT:
        raise DefinitionError(
            f"duration={text[:40]!r}... is {len(text)} characters long; a duration is written "
            f"in at most {MAX_DURATION_TEXT}, such as '1 hour 30 minutes' or 'PT1H30M'",
            name="duration",
            value=text,
        )
    stripped = text.strip()
    if not stripped:
        return None
    if stripped[:1] in ("P", "p"):
        return _iso_duration(stripped, "duration")
    total = Fraction(0)
    at = 0
    while at < len(stripped):
        match = _WORD_PART.match(stripped, at)
        if match is None or match[2].lower() not in _WORD_UNITS:
            return None
        number = match[1]
        if "/" in number:
            top, bottom = number.split("/")
            if int(bottom) == 0:
                raise DefinitionError(
                    f"duration={text!r} divides by zero ({number}); write a fraction such "
                    "as '1/3 hours'",
                    name="duration",
                    value=text,
                )
            amount = Fraction(top) / int(bottom)
        else:
            amount = Fraction(number)
        total += amount * _WORD_UNITS[match[2].lower()]
        at = match.end()
    return _check_length(total, text)


def _check_length(us: Fraction, text: object) -> Fraction:
    if us > MAX_DURATION_US:
        raise DefinitionError(
            f"duration={text!r} is longer than the longest supported duration, 8,029 years "
            f"({MAX_DURATION_US} microseconds, the span of supported instants {_RANGE_TEXT})",
            name="duration",
            value=text,
        )
    return us


def parse_duration(text: str, *, name: str = "duration") -> Duration:
    """Return the exact duration written as ISO 8601 or in words."""
    given: object = text
    total = duration_text_us(text) if isinstance(given, str) else None
    if total is None:
        raise DefinitionError(
            f"{name}={text!r} is not a duration; write it like '1 hour 30 minutes', "
            "'90s', '300ms' or ISO 8601 'PT1H30M'"
        )
    if total.denominator != 1:
        raise DefinitionError(f"{name}={text!r} is not a whole number of microseconds")
    return Duration(int(total))


_ISO_NUMBER = r"[0-9]{1,30}(?:[.,][0-9]{1,30})?"
_ISO_DURATION = re.compile(
    rf"P(?:(?P<Y>{_ISO_NUMBER})Y)?(?:(?P<MO>{_ISO_NUMBER})M)?(?:(?P<W>{_ISO_NUMBER})W)?"
    rf"(?:(?P<D>{_ISO_NUMBER})D)?(?:T(?:(?P<H>{_ISO_NUMBER})H)?(?:(?P<MI>{_ISO_NUMBER})M)?"
    rf"(?:(?P<S>{_ISO_NUMBER})S)?)?",
    re.ASCII,
)
_ISO_UNITS = (
    ("W", 7 * US_PER_DAY),
    ("D", US_PER_DAY),
    ("H", US_PER_HOUR),
    ("MI", US_PER_MINUTE),
    ("S", US_PER_SECOND),
)


def _iso_duration(text: str, name: str) -> Fraction:
    """Return the exact microseconds of an ISO 8601 duration (``PnW``, ``PnDTnHnMnS``).

    A decimal fraction (``.`` or ``,``) may only end the text, on its last
    component, as ISO 8601 says; the result may be a fraction of a microsecond.
    """
    match = _ISO_DURATION.fullmatch(text)
    given = [key for key in ("Y", "MO", "W", "D", "H", "MI", "S") if match and match[key]]
    if (
        match is None
        or not given
        or text.endswith("T")
        or any(re.search("[.,]", match[key]) for key in given[:-1])
    ):
        raise DefinitionError(
            f"{name}={text!r} is not an ISO 8601 duration such as 'PT1H30M', 'P1DT2H' or 'PT0.25S'",
            name=name,
            value=text,
        )
    if any(Fraction(match[key].replace(",", ".")) for key in ("Y", "MO") if match[key]):
        raise DefinitionError(
            f"{name}={text!r} names months or years, which are not exact lengths of time; "
            "use days (P30D), or a billing period for calendar months",
            name=name,
            value=text,
        )
    us = sum(
        (Fraction(match[key].replace(",", ".")) * size for key, size in _ISO_UNITS if match[key]),
        Fraction(0),
    )
    return _check_length(us, text)


def duration(text: str) -> Duration:
    """Return the exact duration written as ISO 8601 (``"PT1H30M"``) or in words (``"90 minutes"``).

    See [`Duration.parse()`][slakit.Duration.parse].
    """
    return parse_duration(text)


def describe_us(us: int | Fraction) -> str:
    """Return a length of time in words, exact to the second (and microseconds if any).

    A fraction of a microsecond (weighted down time) is never dropped: the
    whole part is written in words and the exact value beside it.

    >>> describe_us(Fraction(7_560_000_001, 10))
    '12 minutes 36 seconds (exactly 7560000001/10 microseconds)'
    """
    if isinstance(us, Fraction) and us.denominator != 1:
        whole = math.floor(us)
        words = describe_us(whole) if whole else "less than a microsecond"
        return f"{words} (exactly {us} microseconds)"
    if us == 0:
        return "0 seconds"
    parts: list[str] = []
    rest = int(us)
    for unit, size in (
        ("day", US_PER_DAY),
        ("hour", US_PER_HOUR),
        ("minute", US_PER_MINUTE),
        ("second", US_PER_SECOND),
    ):
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count} {unit}{'' if count == 1 else 's'}")
    if rest:
        parts.append(f"{rest} microsecond{'' if rest == 1 else 's'}")
    return " ".join(parts)


def _whole(value: int, name: str, size: int = 1) -> int:
    """Return ``value * size`` microseconds, checked against the longest supported duration."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DefinitionError(f"{name}({value!r}): expected a whole number")
    if value * size > MAX_DURATION_US:
        raise DefinitionError(
            f"{name}({value!r}) is longer than the longest supported duration, 8,029 years "
            f"({MAX_DURATION_US // size} {name} at most: the span of supported instants "
            f"{_RANGE_TEXT})",
            name=name,
            value=value,
        )
    return value * size


def microseconds(n: int) -> Duration:
    """Return a duration of ``n`` microseconds."""
    return Duration(_whole(n, "microseconds"))


def milliseconds(value: int | str | Decimal) -> Duration:
    """Return a duration of ``value`` milliseconds, exact to the microsecond.

    Examples:
        >>> milliseconds(300).us, milliseconds("0.25").us
        (300000, 250)
    """
    try:
        if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
            raise DecimalException
        if isinstance(value, str) and len(value) > MAX_DURATION_TEXT:
            raise DecimalException
        given = Decimal(value)
        if not given.is_finite() or given < 0:
            raise DecimalException
        if given > MAX_DURATION_US // 1000:  # an exact comparison; never builds a huge int
            raise DefinitionError(
                f"milliseconds({value!r}) is longer than the longest supported duration, "
                f"8,029 years ({MAX_DURATION_US // 1000} milliseconds at most)",
                name="milliseconds",
                value=value,
            )
        with localcontext() as context:
            context.prec = 60  # every duration in range has fewer digits, so this is exact
            context.traps[Inexact] = True
            us = given.scaleb(3)
            if us != us.to_integral_value():
                raise DecimalException
    except DecimalException:
        raise DefinitionError(
            f"milliseconds({value!r}): give a non-negative whole number of milliseconds, "
            "or a decimal string exact to the microsecond such as '0.25'"
        ) from None
    return Duration(int(us))


def seconds(n: int) -> Duration:
    """Return a duration of ``n`` seconds."""
    return Duration(_whole(n, "seconds", US_PER_SECOND))


def minutes(n: int) -> Duration:
    """Return a duration of ``n`` minutes."""
    return Duration(_whole(n, "minutes", US_PER_MINUTE))


def hours(n: int) -> Duration:
    """Return a duration of ``n`` hours."""
    return Duration(_whole(n, "hours", US_PER_HOUR))


def days(n: int) -> Duration:
    """Return a duration of ``n`` days of 24 hours (not calendar days)."""
    return Duration(_whole(n, "days", US_PER_DAY))


def weeks(n: int | None = None, **period: object) -> Duration:
    """Return a duration of ``n`` weeks of 7 days of 24 hours.

    Like [`days()`][slakit.days], this is a length of time. The billing period
    of a week is [`weekly_periods()`][slakit.weekly_periods].

    Raises:
        DefinitionError: ``n`` is not a whole number, or period options (``tz=``,
            ``starting=``) were given, which belong to ``weekly_periods()``.
    """
    if period:
        raise DefinitionError(
            f"weeks({', '.join(f'{k}={v!r}' for k, v in period.items())}): weeks(n) is a "
            f"duration like days(n); for billing periods of a week use "
            f"weekly_periods({', '.join(f'{k}=...' for k in period)})"
        )
    if n is None:
        raise DefinitionError("weeks(n) needs a whole number of weeks, such as weeks(2)")
    return Duration(_whole(n, "weeks", 7 * US_PER_DAY))
