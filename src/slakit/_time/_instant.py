"""Instants as integer microseconds since the Unix epoch (UTC), and exact durations.

Every instant crosses into slakit through ``to_us()``, which accepts aware
datetimes and ISO 8601 strings with an explicit offset, and nothing else: a
naive datetime is an error, never a guess, and the machine's zone never enters.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import attrs

from slakit._node import DSLRepr
from slakit.exceptions import DefinitionError, NaiveDatetimeError, UnknownZoneError

__all__ = [
    "Duration",
    "InstantLike",
    "days",
    "duration",
    "format_us",
    "from_us",
    "hours",
    "local_to_us",
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

InstantLike: TypeAlias = datetime | str | int


def to_us(value: InstantLike, *, name: str = "instant") -> int:
    """Return an instant as integer microseconds since the epoch, UTC.

    Args:
        value: an aware ``datetime``, an ISO 8601 string with an
            offset (``"2026-10-01T00:00:00Z"``, ``"2026-10-01T02:00:00+02:00"``),
            or an integer count of microseconds since the epoch.
        name: the argument's name, echoed in error messages.

    Raises:
        NaiveDatetimeError: the datetime or string carries no offset.
        DefinitionError: the value is of another type or not valid ISO 8601.
    """
    if isinstance(value, bool):
        raise DefinitionError(f"{name}={value!r} is not an instant")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise DefinitionError(
                f"{name}={value!r} is not an ISO 8601 instant; write it like "
                "'2026-10-01T00:00:00Z' or '2026-10-01T02:00:00+02:00'"
            ) from None
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            raise NaiveDatetimeError(
                f"{name}={value!r} has no UTC offset; append 'Z' or an offset such as '+02:00'"
            )
        value = parsed
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(
                f"{name}={value!r} is naive; pass an aware datetime, for example "
                "datetime(..., tzinfo=ZoneInfo('Europe/Berlin')) or one with tzinfo=UTC"
            )
        delta = value - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * US_PER_SECOND + delta.microseconds
    raise DefinitionError(
        f"{name}={value!r} is a {type(value).__name__}; expected an aware datetime, "
        "an ISO 8601 string with an offset, or integer microseconds since the epoch"
    )


def from_us(us: int) -> datetime:
    """Return the aware UTC datetime of ``us`` microseconds since the epoch."""
    return _EPOCH + timedelta(microseconds=int(us))


def format_us(us: int) -> str:
    """Format an instant as ISO 8601 in UTC with a ``Z`` suffix (microseconds only if any)."""
    text = from_us(us).isoformat()
    return text.replace("+00:00", "Z")


def instant_text(us: int) -> str:
    """Return the instant ``us`` as source text: a quoted ISO 8601 string (for reprs)."""
    return repr(format_us(us))


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone(name: str, *, argument: str = "tz") -> ZoneInfo:
    """Return the IANA zone ``name``, or raise ``UnknownZoneError`` with suggestions."""
    given: object = name
    if not isinstance(given, str) or not name:
        raise UnknownZoneError(f"{argument}={name!r} is not a zone name; use an IANA name")
    try:
        return _zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        close = difflib.get_close_matches(name, sorted(available_timezones()), n=3)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise UnknownZoneError(
            f"{argument}={name!r} is not an IANA time zone such as 'Europe/Berlin' or 'UTC'{hint}"
        ) from None


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

    def __add__(self, other: object) -> Duration:
        if not isinstance(other, Duration):
            return NotImplemented
        return Duration(self.us + other.us)

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

        ISO 8601 (``"PT1H30M"``, ``"P1DT2H"``, ``"PT0.25S"``) is read by
        pendulum; words and abbreviations (``"1 hour 30 minutes"``, ``"90s"``,
        ``"300ms"``, ``"1h 30m"``, ``"2 days"``) by slakit. A day is 24 hours.
        Months and years are refused: they are not exact lengths of time, and
        belong to billing periods.

        Examples:
            >>> Duration.parse("PT1H30M"), Duration.parse("1 hour 30 minutes")
            (minutes(90), minutes(90))
            >>> Duration.parse("250ms").us
            250000

        Raises:
            DefinitionError: the text is neither form, or names months or years.
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
_WORD_PART = re.compile(r"\s*(\d+(?:\.\d+)?(?:/\d+)?)\s*([a-zµ]+)\s*,?", re.IGNORECASE)


def duration_text_us(text: str) -> Fraction | None:
    """Return the exact microseconds of a duration written as text, or ``None`` if it is not one.

    ISO 8601 (``"PT1H30M"``) goes through pendulum; words and abbreviations
    (``"1 hour 30 minutes"``, ``"90s"``, ``"300ms"``, ``"1h 30m"``, ``"1/3 hours"``)
    are read here. Months and years are refused with an error (they are not
    exact lengths); the result may be a fraction of a microsecond.
    """
    stripped = text.strip()
    if not stripped:
        return None
    if stripped[:1] in ("P", "p"):
        return Fraction(_iso_duration(stripped, "duration").us)
    total = Fraction(0)
    at = 0
    while at < len(stripped):
        match = _WORD_PART.match(stripped, at)
        if match is None or match[2].lower() not in _WORD_UNITS:
            return None
        number = match[1]
        if "/" in number:
            top, bottom = number.split("/")
            amount = Fraction(top) / int(bottom)
        else:
            amount = Fraction(number)
        total += amount * _WORD_UNITS[match[2].lower()]
        at = match.end()
    return total


def parse_duration(text: str, *, name: str = "duration") -> Duration:
    """Return the exact duration written as ISO 8601 (via pendulum) or in words."""
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


def _iso_duration(text: str, name: str) -> Duration:
    import pendulum

    try:
        parsed = pendulum.parse(text)
    except (ValueError, pendulum.parsing.exceptions.ParserError):
        raise DefinitionError(
            f"{name}={text!r} is not an ISO 8601 duration such as 'PT1H30M'"
        ) from None
    if not isinstance(parsed, pendulum.Duration):
        raise DefinitionError(f"{name}={text!r} is an instant, not an ISO 8601 duration")
    if parsed.years or parsed.months:
        raise DefinitionError(
            f"{name}={text!r} names months or years, which are not exact lengths of time; "
            "use days (P30D), or a billing period for calendar months"
        )
    return Duration((parsed.days * 86_400 + parsed.seconds) * US_PER_SECOND + parsed.microseconds)


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


def _whole(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DefinitionError(f"{name}({value!r}): expected a whole number")
    return value


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
            raise InvalidOperation
        us = Decimal(value) * 1000
        if not us.is_finite() or us != us.to_integral_value() or us < 0:
            raise InvalidOperation
    except InvalidOperation:
        raise DefinitionError(
            f"milliseconds({value!r}): give a non-negative whole number of milliseconds, "
            "or a decimal string exact to the microsecond such as '0.25'"
        ) from None
    return Duration(int(us))


def seconds(n: int) -> Duration:
    """Return a duration of ``n`` seconds."""
    return Duration(_whole(n, "seconds") * US_PER_SECOND)


def minutes(n: int) -> Duration:
    """Return a duration of ``n`` minutes."""
    return Duration(_whole(n, "minutes") * US_PER_MINUTE)


def hours(n: int) -> Duration:
    """Return a duration of ``n`` hours."""
    return Duration(_whole(n, "hours") * US_PER_HOUR)


def days(n: int) -> Duration:
    """Return a duration of ``n`` days of 24 hours (not calendar days)."""
    return Duration(_whole(n, "days") * US_PER_DAY)


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
    return Duration(_whole(n, "weeks") * 7 * US_PER_DAY)
