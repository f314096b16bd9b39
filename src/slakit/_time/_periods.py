"""Billing periods: concrete periods and the rules that cut time into them.

Every rule draws its boundaries at local midnight in its zone, so a period is
a whole number of local days and never a fixed number of hours: a calendar
month is never 30 days, and a Berlin October is 745 hours long. The rules:

- [`monthly()`][slakit.monthly]: calendar months, or months anchored on a contract day
  (``day=15``: the 15th to the 15th);
- [`quarterly()`][slakit.quarterly]: calendar quarters, or fiscal quarters from any start month;
- [`yearly()`][slakit.yearly]: calendar or fiscal years;
- [`weekly_periods()`][slakit.weekly_periods]: weeks starting on any weekday;
- [`rolling()`][slakit.rolling]: back-to-back periods of N local days from an anchor date.

[`parse_period()`][slakit.parse_period] reads a label on its own (``"2026-10"``, ``"2026-Q3"``,
``"2026"``), and [`Period.fraction()`][slakit.Period.fraction] gives the exact share of a period
that
a span (such as an agreement's effective range) covers, for pro-rating.
"""

from __future__ import annotations

import abc
import calendar as _stdlib_calendar
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import Any

import attrs

from slakit._node import DSLRepr, node, shown
from slakit._time._instant import (
    MAX_INSTANT_US,
    MIN_INSTANT_US,
    InstantLike,
    format_us,
    from_us,
    local_to_us,
    membership_us,
    to_us,
    zone,
)
from slakit._time._timeline import Span
from slakit.exceptions import DefinitionError, PeriodError

__all__ = [
    "Monthly",
    "Period",
    "PeriodRule",
    "Quarterly",
    "Rolling",
    "Weeks",
    "Yearly",
    "monthly",
    "parse_period",
    "quarterly",
    "rolling",
    "weekly_periods",
    "yearly",
]

_DATE_ONLY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: The years a period may lie in: every instant of a period must be a supported instant.
FIRST_YEAR, LAST_YEAR = 1970, 9998
_RANGE_HELP = (
    f"a period must lie within the supported instants, 1970-01-01T00:00:00Z to "
    f"9999-01-01T00:00:00Z; name one from the years {FIRST_YEAR} to {LAST_YEAR}"
)
#: The longest rolling period, in days (ten years).
MAX_ROLLING_DAYS = 3660

#: A bound of a span: an instant, or a calendar date read as local midnight in the zone.
BoundLike = InstantLike | dt.date


def _check_zone(_instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    zone(value, argument=attribute.name)


def _midnight(day: dt.date, tz: str) -> int:
    """Return the instant of local midnight starting ``day`` in ``tz`` (compatible rule)."""
    return local_to_us(dt.datetime(day.year, day.month, day.day), tz)


def _bound(value: BoundLike, tz: str, name: str) -> int:
    """Return an instant; a date (or ``"YYYY-MM-DD"``) means local midnight in ``tz``."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return _midnight(value, tz)
    if isinstance(value, str) and _DATE_ONLY.fullmatch(value):
        try:
            return _midnight(dt.date.fromisoformat(value), tz)
        except ValueError:
            raise DefinitionError(f"{name}={value!r} is not a calendar date") from None
    return to_us(value, name=name)


def _local_date(instant: int, tz: str) -> dt.date:
    return from_us(instant).astimezone(zone(tz)).date()


# --- in words -----------------------------------------------------------------------------------

_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _zone_words(tz: str) -> str:
    """Return how prose names a zone: ``"UTC"``, or ``"Europe/Berlin time"``."""
    return "UTC" if tz == "UTC" else f"{tz} time"


def _date_words(day: dt.date, *, year: bool = True) -> str:
    """Return a date as ``"24 Dec 2026"`` (or ``"24 Dec"``), which no reader can misread."""
    text = f"{day.day} {_MONTH_NAMES[day.month - 1][:3]}"
    return f"{text} {day.year}" if year else text


def _moment_words(moment: dt.datetime) -> str:
    """Return a wall-clock moment as ``"1 Oct 2026 00:00"`` (seconds only when not zero)."""
    clock = f"{moment:%H:%M:%S}" if moment.second or moment.microsecond else f"{moment:%H:%M}"
    if moment.microsecond:
        clock += f".{moment.microsecond:06d}"
    return f"{_date_words(moment.date())} {clock}"


def _ordinal(number: int) -> str:
    """Return ``"1st"``, ``"2nd"``, ``"3rd"``, ``"11th"``, ``"22nd"`` and so on."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _join(items: Sequence[str], word: str = "and") -> str:
    """Return ``"a"``, ``"a and b"`` or ``"a, b and c"``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _period_name(label: str, start: dt.datetime, end: dt.datetime) -> str:
    """Return "October 2026" or "Q3 2026" for a calendar month or quarter, else the label."""
    first, after = start.date(), end.date()
    months = (after.year - first.year) * 12 + after.month - first.month
    if first.day != 1 or after.day != 1:
        return label
    month = _MONTH.fullmatch(label)
    if months == 1 and month and (int(month[1]), int(month[2])) == (first.year, first.month):
        return f"{_MONTH_NAMES[first.month - 1]} {first.year}"
    quarter = _QUARTER.fullmatch(label)
    if (
        months == 3
        and quarter
        and int(quarter[1]) == first.year
        and first.month == 3 * int(quarter[2]) - 2
    ):
        return f"Q{quarter[2]} {first.year}"
    return label  # a calendar year's label, "2026", is already its name


@attrs.frozen(repr=False)
class Period(DSLRepr):
    """One concrete billing period: a half-open span of instants with a label and a zone.

    Attributes:
        start: the first instant, in microseconds since the epoch (UTC).
        end: the instant just after the period, in microseconds since the epoch (UTC).
        label: how the period is named, for example ``"2026-10"``.
        tz: the IANA zone the period's boundaries were drawn in.
    """

    start: int
    end: int
    label: str
    tz: str = attrs.field(validator=_check_zone)

    def __attrs_post_init__(self) -> None:
        for name in ("start", "end"):
            value: object = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise PeriodError(
                    f"period {self.label!r}: {name}={value!r} must be integer microseconds UTC"
                )
            if not MIN_INSTANT_US <= value <= MAX_INSTANT_US:
                raise PeriodError(
                    f"period {self.label!r}: {name}={format_us(value)!r} is outside the "
                    f"supported instants; {_RANGE_HELP}"
                )
        if self.end <= self.start:
            raise PeriodError(f"period {self.label!r} must end after it starts")

    @property
    def span(self) -> Span:
        """The period as a [`Span`][slakit.Span]."""
        return Span(self.start, self.end)

    @property
    def length_us(self) -> int:
        """The period's length in microseconds (a DST month is an hour shorter or longer)."""
        return self.end - self.start

    def local_start(self) -> dt.datetime:
        """The first instant as an aware datetime in the period's zone."""
        return from_us(self.start).astimezone(zone(self.tz))

    def local_end(self) -> dt.datetime:
        """The end instant as an aware datetime in the period's zone."""
        return from_us(self.end).astimezone(zone(self.tz))

    def __contains__(self, instant: InstantLike) -> bool:
        return self.start <= membership_us(instant) < self.end

    def overlap(self, start: BoundLike | Span | None = None, end: BoundLike | None = None) -> int:
        """Return how many microseconds of the period lie in ``[start, end)``.

        Args:
            start: the first instant, a date (local midnight in the period's zone),
                or a [`Span`][slakit.Span] (then leave ``end`` out); ``None`` for no lower bound.
            end: the instant just after the span, a date, or ``None`` for no upper bound.
        """
        if isinstance(start, Span):
            if end is not None:
                raise DefinitionError("give either a Span or start= and end=, not both")
            lo, hi = start.start, start.end
        else:
            lo = self.start if start is None else _bound(start, self.tz, "start")
            hi = self.end if end is None else _bound(end, self.tz, "end")
        return max(0, min(hi, self.end) - max(lo, self.start))

    def fraction(
        self, start: BoundLike | Span | None = None, end: BoundLike | None = None
    ) -> Fraction:
        """Return the exact share of the period that ``[start, end)`` covers, for pro-rating.

        A partial first or last period of an agreement pays its fee in this
        proportion of elapsed time (so a DST hour counts like any other).

        Examples:
            >>> october = monthly(tz="UTC").period("2026-10")
            >>> october.fraction(start="2026-10-25")  # effective from the 25th
            Fraction(7, 31)
            >>> october.fraction(end="2026-10-02T12:00:00Z")
            Fraction(3, 62)
        """
        return Fraction(self.overlap(start, end), self.length_us)

    def describe(self) -> str:
        """Return the period in words: its name, its local bounds and its zone.

        A calendar month, quarter or year is named in words; any other period by
        its label. The end is the first instant after the period.

        Examples:
            >>> monthly(tz="America/New_York").period("2026-10").describe()
            'October 2026 (1 Oct 2026 00:00 to 1 Nov 2026 00:00, America/New_York time)'
            >>> monthly(day=15).period("2026-10").describe()
            '2026-10 (15 Oct 2026 00:00 to 15 Nov 2026 00:00, UTC)'
        """
        start, end = self.local_start(), self.local_end()
        return (
            f"{_period_name(self.label, start, end)} ({_moment_words(start)} to "
            f"{_moment_words(end)}, {_zone_words(self.tz)})"
        )

    def __repr__(self) -> str:
        return f"Period({self.label!r}, tz={self.tz!r})"

    def __str__(self) -> str:
        return (
            f"{self.label} ({self.tz}: {self.local_start().isoformat()} to "
            f"{self.local_end().isoformat()}; UTC {format_us(self.start)} to {format_us(self.end)})"
        )


@attrs.frozen
class PeriodRule(DSLRepr, abc.ABC):
    """How an agreement cuts time into billing periods, in a zone."""

    tz: str = attrs.field(
        default="UTC", validator=_check_zone, kw_only=True, metadata=shown(always=True)
    )

    @abc.abstractmethod
    def period(self, label: str) -> Period:
        """Return the period named ``label`` (for example ``"2026-10"``)."""

    @abc.abstractmethod
    def containing(self, instant: InstantLike) -> Period:
        """Return the period that holds ``instant``."""

    def next(self, period: Period) -> Period:
        """Return the period that follows ``period``."""
        return self.containing(period.end)

    def between(self, start: BoundLike, end: BoundLike) -> Iterator[Period]:
        """Yield every period that overlaps ``[start, end)``, in order.

        ``start`` and ``end`` are instants, or dates (``"2026-01-01"`` or a
        ``datetime.date``) read as local midnight in the rule's zone.
        """
        lo = _bound(start, self.tz, "start")
        hi = _bound(end, self.tz, "end")
        if hi <= lo:
            return
        current = self.containing(lo)
        while current.start < hi:
            yield current
            current = self.next(current)

    def prorate(self, start: BoundLike, end: BoundLike) -> list[tuple[Period, Fraction]]:
        """Return each period overlapping ``[start, end)`` with the exact share it covers.

        The first and last periods of an agreement that starts or ends mid-period
        come with a fraction below one; the rest with ``Fraction(1)``.

        Examples:
            >>> [(p.label, str(f)) for p, f in monthly().prorate("2026-01-15", "2026-03-01")]
            [('2026-01', '17/31'), ('2026-02', '1')]
        """
        lo = _bound(start, self.tz, "start")
        hi = _bound(end, self.tz, "end")
        return [(p, p.fraction(lo, hi)) for p in self.between(lo, hi)]

    def describe(self) -> str:
        """Return the rule in words, for agreement documents and statements.

        Every rule of slakit describes itself; a rule class of your own should
        override this method, or documents show it by the call that builds it
        (its ``repr``).
        """
        return f"the billing periods {self!r}"

    def resolve(self, period: Period | str) -> Period:
        """Return ``period`` itself, or the period its label names under this rule."""
        if isinstance(period, Period):
            return period
        if isinstance(period, str):
            return self.period(period)
        raise PeriodError(f"period={period!r} must be a label such as '2026-10' or a Period object")


def billing_cycles(
    rule: PeriodRule, period: Period, start: int, end: int
) -> tuple[tuple[Period, Fraction], ...]:
    """Return the billing cycles of ``period`` under ``rule``, each with its share in effect.

    The share is the part of the cycle inside ``[start, end)``.

    Raises:
        PeriodError: the period is not a whole number of cycles.
    """
    cycles = tuple(rule.between(period.start, period.end))
    if not cycles or cycles[0].start != period.start or cycles[-1].end != period.end:
        raise PeriodError(
            f"period {period.label} ({period.describe()}) is not a whole number of billing "
            f"cycles ({rule.describe()}); give the tier a billing cycle that divides the "
            "agreement's period, such as billing=monthly() with period=quarterly()"
        )
    return tuple((cycle, Fraction(cycle.overlap(start, end), cycle.length_us)) for cycle in cycles)


def cycle_count(rule: PeriodRule | None, period: Period) -> int:
    """Return how many billing cycles of ``rule`` the whole ``period`` holds (1 for no rule)."""
    if rule is None:
        return 1
    return len(billing_cycles(rule, period, period.start, period.end))


@attrs.frozen
class _GridRule(PeriodRule):
    """A rule whose periods run from local midnight to local midnight, indexed by integers."""

    @abc.abstractmethod
    def _start_date(self, index: int) -> dt.date:
        """Return the first local day of period ``index``."""

    @abc.abstractmethod
    def _index(self, day: dt.date) -> int:
        """Return the index of the period that holds the local day ``day``."""

    @abc.abstractmethod
    def _label(self, index: int) -> str:
        """Return the label of period ``index``."""

    @abc.abstractmethod
    def _parse(self, label: str) -> int | None:
        """Return the index a label names, or ``None`` if it is not one of this rule's."""

    @property
    @abc.abstractmethod
    def _label_help(self) -> str:
        """How this rule's labels are written, for error messages."""

    def _period(self, index: int, asked: str | None = None) -> Period:
        """Return period ``index``; ``asked`` is the label the user gave, for the error."""
        try:
            label = self._label(index)
            start = _midnight(self._start_date(index), self.tz)
            end = _midnight(self._start_date(index + 1), self.tz)
        except (ValueError, OverflowError):  # a date past year 9999, or an instant out of range
            named = asked if asked is not None else f"number {index}"
            raise PeriodError(f"period {named!r} of {self!r} does not fit: {_RANGE_HELP}") from None
        return Period(start, end, label, self.tz)

    def period(self, label: str) -> Period:
        """Return the period named ``label``.

        Raises:
            PeriodError: the label is not one of this rule's.
        """
        text: object = label
        index = self._parse(text) if isinstance(text, str) else None
        if index is None:
            raise PeriodError(f"period={label!r} is not a period of {self!r}; {self._label_help}")
        return self._period(index, label)

    def containing(self, instant: InstantLike) -> Period:
        """Return the period (in this rule's zone) that holds ``instant``."""
        t = to_us(instant, name="instant")
        index = self._index(_local_date(t, self.tz))
        candidate = self._period(index)
        # A boundary at a skipped or repeated local midnight can make the
        # instant's wall-clock day disagree with the period; step to the neighbour.
        if t < candidate.start:
            candidate = self._period(index - 1)
        elif t >= candidate.end:
            candidate = self._period(index + 1)
        return candidate

    def next(self, period: Period) -> Period:
        """Return the period that follows ``period``."""
        index = self._parse(period.label)
        if index is None or period.tz != self.tz:
            return self.containing(period.end)
        return self._period(index + 1)


# --- months -------------------------------------------------------------------------------------

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)


def _check_day(_instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 31:
        raise DefinitionError(
            f"monthly({attribute.name}={value!r}): give the contract day as a whole number "
            "from 1 to 31 (29-31 fall on the last day of shorter months)"
        )


def _month_start(year: int, month: int, day: int) -> dt.date:
    last = _stdlib_calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day, last))


@node("monthly")
@attrs.frozen
class Monthly(_GridRule):
    """Months in a zone, from local midnight on the anchor day to the same day a month later.

    With the default ``day=1`` these are calendar months. A month is never 30
    days: October 2026 in ``Europe/Berlin`` is 745 hours long (the clocks go
    back on the 25th), in ``UTC`` 744 hours. With ``day=15`` the period
    labelled ``"2026-10"`` runs from 15 October to 15 November. An anchor of
    29, 30 or 31 falls on the last day of a month that is shorter: with
    ``day=31`` the periods start on 31 January, 28 February, 31 March, 30 April.
    """

    day: int = attrs.field(default=1, kw_only=True, validator=_check_day)

    def _start_date(self, index: int) -> dt.date:
        year, month0 = divmod(index, 12)
        return _month_start(year, month0 + 1, self.day)

    def _index(self, day: dt.date) -> int:
        index = day.year * 12 + day.month - 1
        return index if day >= self._start_date(index) else index - 1

    def _label(self, index: int) -> str:
        year, month0 = divmod(index, 12)
        return f"{year:04d}-{month0 + 1:02d}"

    def _parse(self, label: str) -> int | None:
        match = _MONTH.fullmatch(label)
        if match is None or not 1 <= int(match[2]) <= 12:
            return None
        return int(match[1]) * 12 + int(match[2]) - 1

    @property
    def _label_help(self) -> str:
        start = "on the 1st" if self.day == 1 else f"on day {self.day}"
        return f"write a month as 'YYYY-MM', for example '2026-10' (the period starting {start})"

    def describe(self) -> str:
        """Return the rule in words.

        Examples:
            >>> monthly(tz="UTC").describe()
            'calendar months in UTC'
            >>> monthly(tz="America/New_York", day=15).describe()
            'months starting on the 15th, in America/New_York time'
        """
        where = _zone_words(self.tz)
        if self.day == 1:
            return f"calendar months in {where}"
        shorter = " (or on the last day of a shorter month)" if self.day > 28 else ""
        return f"months starting on the {_ordinal(self.day)}{shorter}, in {where}"


def monthly(*, tz: str = "UTC", day: int = 1) -> Monthly:
    """Return the rule "months in zone ``tz``, starting on ``day`` of the month".

    Args:
        tz: the IANA zone whose local midnights bound the periods.
        day: the contract day each period starts on (1 for calendar months,
            15 for "the 15th to the 15th"); 29-31 fall on the last day of a
            shorter month.

    Examples:
        >>> monthly(tz="Europe/Berlin").period("2026-10").length_us // 3_600_000_000
        745
        >>> str(monthly(day=31).period("2026-02").local_start().date())
        '2026-02-28'
    """
    return Monthly(tz=tz, day=day)


# --- quarters and years -------------------------------------------------------------------------

_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])", re.ASCII)
_YEAR = re.compile(r"([0-9]{4})", re.ASCII)


def _check_month(_instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
        raise DefinitionError(
            f"{attribute.name}={value!r}: give the month the (fiscal) year starts in, "
            "1 (January) to 12 (December)"
        )


@node("quarterly")
@attrs.frozen
class Quarterly(_GridRule):
    """Quarters of three months; fiscal quarters when ``start_month`` is not January.

    A fiscal year is named by the calendar year it starts in: with
    ``start_month=4``, ``"2026-Q1"`` is April to June 2026 and ``"2026-Q4"`` is
    January to March 2027.
    """

    start_month: int = attrs.field(default=1, kw_only=True, validator=_check_month)

    def _start_date(self, index: int) -> dt.date:
        year, month0 = divmod(3 * index + self.start_month - 1, 12)
        return dt.date(year, month0 + 1, 1)

    def _index(self, day: dt.date) -> int:
        return (day.year * 12 + day.month - 1 - (self.start_month - 1)) // 3

    def _label(self, index: int) -> str:
        return f"{index // 4:04d}-Q{index % 4 + 1}"

    def _parse(self, label: str) -> int | None:
        match = _QUARTER.fullmatch(label)
        return None if match is None else int(match[1]) * 4 + int(match[2]) - 1

    @property
    def _label_help(self) -> str:
        return "write a quarter as 'YYYY-Qn', for example '2026-Q3'"

    def describe(self) -> str:
        """Return the rule in words, naming the four months a quarter starts in.

        Examples:
            >>> quarterly(tz="Europe/Berlin", start_month=4).describe()
            'quarters starting in April, July, October and January, in Europe/Berlin time'
        """
        where = _zone_words(self.tz)
        if self.start_month == 1:
            return f"calendar quarters in {where}"
        months = [_MONTH_NAMES[(self.start_month - 1 + 3 * i) % 12] for i in range(4)]
        return f"quarters starting in {_join(months)}, in {where}"


def quarterly(*, tz: str = "UTC", start_month: int = 1) -> Quarterly:
    """Return the rule "quarters in zone ``tz``", fiscal when ``start_month`` is not 1.

    Examples:
        >>> str(quarterly(start_month=4).period("2026-Q4").local_start().date())
        '2027-01-01'
    """
    return Quarterly(tz=tz, start_month=start_month)


@node("yearly")
@attrs.frozen
class Yearly(_GridRule):
    """Years from local midnight on the 1st of ``start_month``, named by their first year."""

    start_month: int = attrs.field(default=1, kw_only=True, validator=_check_month)

    def _start_date(self, index: int) -> dt.date:
        return dt.date(index, self.start_month, 1)

    def _index(self, day: dt.date) -> int:
        return day.year if day.month >= self.start_month else day.year - 1

    def _label(self, index: int) -> str:
        return f"{index:04d}"

    def _parse(self, label: str) -> int | None:
        match = _YEAR.fullmatch(label)
        return None if match is None else int(match[1])

    @property
    def _label_help(self) -> str:
        return "write a year as 'YYYY', for example '2026'"

    def describe(self) -> str:
        """Return the rule in words.

        Examples:
            >>> yearly(start_month=7).describe()
            'years starting on 1 July, in UTC'
        """
        where = _zone_words(self.tz)
        if self.start_month == 1:
            return f"calendar years in {where}"
        return f"years starting on 1 {_MONTH_NAMES[self.start_month - 1]}, in {where}"


def yearly(*, tz: str = "UTC", start_month: int = 1) -> Yearly:
    """Return the rule "years in zone ``tz``", fiscal when ``start_month`` is not 1."""
    return Yearly(tz=tz, start_month=start_month)


# --- weeks and rolling days ---------------------------------------------------------------------

_ISO_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})", re.ASCII)
_EPOCH_DATE = dt.date(1970, 1, 1)


def _canonical_weekday(value: object) -> str:
    if isinstance(value, str):
        for name in _WEEKDAYS:
            if value.strip().lower()[:3] == name.lower() and len(value.strip()) >= 3:
                return name
    raise DefinitionError(
        f"weekly_periods(starting={value!r}): give a weekday such as 'Mon' or 'Sunday'"
    )


def _date_label(value: str) -> dt.date | None:
    if not _DATE_ONLY.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@node("weeks", call="weekly_periods")
@attrs.frozen
class Weeks(_GridRule):
    """Weeks of seven local days starting on ``starting``, labelled by their first date.

    Weeks starting on Monday also accept ISO week labels such as ``"2026-W43"``.
    """

    starting: str = attrs.field(default="Mon", kw_only=True, converter=_canonical_weekday)

    @property
    def _offset(self) -> int:
        # Day number D (since 1970-01-01, a Thursday) has weekday (D + 3) % 7.
        return (_WEEKDAYS.index(self.starting) - 3) % 7

    def _start_date(self, index: int) -> dt.date:
        return _EPOCH_DATE + dt.timedelta(days=7 * index + self._offset)

    def _index(self, day: dt.date) -> int:
        return ((day - _EPOCH_DATE).days - self._offset) // 7

    def _label(self, index: int) -> str:
        return self._start_date(index).isoformat()

    def _parse(self, label: str) -> int | None:
        match = _ISO_WEEK.fullmatch(label)
        if match is not None and self.starting == "Mon":
            try:
                return self._index(dt.date.fromisocalendar(int(match[1]), int(match[2]), 1))
            except (ValueError, OverflowError):
                return None
        day = _date_label(label)
        if day is None or day.weekday() != _WEEKDAYS.index(self.starting):
            return None
        return self._index(day)

    @property
    def _label_help(self) -> str:
        iso = " or an ISO week such as '2026-W43'" if self.starting == "Mon" else ""
        return f"name a week by its first day, a {self.starting}, as 'YYYY-MM-DD'{iso}"

    def describe(self) -> str:
        """Return the rule in words.

        Examples:
            >>> weekly_periods(starting="Sun").describe()
            'weeks starting on Sunday, in UTC'
        """
        day = _WEEKDAY_NAMES[_WEEKDAYS.index(self.starting)]
        return f"weeks starting on {day}, in {_zone_words(self.tz)}"


def weekly_periods(*, tz: str = "UTC", starting: str = "Mon") -> Weeks:
    """Return the rule "weeks starting on ``starting`` in zone ``tz``".

    Examples:
        >>> weekly_periods(starting="Sun").containing("2026-10-21T12:00:00Z").label
        '2026-10-18'
    """
    return Weeks(tz=tz, starting=starting)


def _check_days(_instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ROLLING_DAYS:
        raise DefinitionError(
            f"rolling({attribute.name}={value!r}): give the period length as a whole number "
            f"of days, from 1 to {MAX_ROLLING_DAYS} (ten years)",
            name=attribute.name,
            value=value,
        )


def _canonical_anchor(value: object) -> str:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    day = _date_label(value) if isinstance(value, str) else None
    if day is None:
        raise DefinitionError(
            f"rolling(start={value!r}): give the first day of a period as 'YYYY-MM-DD' "
            "or a datetime.date"
        )
    return day.isoformat()


@node("rolling")
@attrs.frozen
class Rolling(_GridRule):
    """Back-to-back periods of ``days`` local days, counted from the date ``start``.

    Each period is labelled by its first date; the grid extends both ways from
    ``start``.
    """

    days: int = attrs.field(kw_only=True, validator=_check_days)
    start: str = attrs.field(kw_only=True, converter=_canonical_anchor)

    @property
    def _anchor(self) -> int:
        return (dt.date.fromisoformat(self.start) - _EPOCH_DATE).days

    def _start_date(self, index: int) -> dt.date:
        return _EPOCH_DATE + dt.timedelta(days=self._anchor + self.days * index)

    def _index(self, day: dt.date) -> int:
        return ((day - _EPOCH_DATE).days - self._anchor) // self.days

    def _label(self, index: int) -> str:
        return self._start_date(index).isoformat()

    def _parse(self, label: str) -> int | None:
        day = _date_label(label)
        if day is None:
            return None
        index = self._index(day)
        return index if self._start_date(index) == day else None

    @property
    def _label_help(self) -> str:
        return (
            f"name a period by its first day as 'YYYY-MM-DD'; periods start every "
            f"{self.days} days from {self.start}"
        )

    def describe(self) -> str:
        """Return the rule in words; the periods run back to back both ways from ``start``.

        Examples:
            >>> rolling(days=30, start="2026-01-01").describe()
            'consecutive 30-day periods counted from 1 Jan 2026, in UTC'
        """
        start = _date_words(dt.date.fromisoformat(self.start))
        where = _zone_words(self.tz)
        return f"consecutive {self.days}-day periods counted from {start}, in {where}"


def rolling(*, days: int, start: str | dt.date, tz: str = "UTC") -> Rolling:
    """Return the rule "periods of ``days`` local days, one after another from ``start``".

    Examples:
        >>> rule = rolling(days=28, start="2026-01-05")
        >>> rule.containing("2026-02-10T00:00:00Z").label
        '2026-02-02'
    """
    return Rolling(days=days, start=start, tz=tz)


# --- labels on their own ------------------------------------------------------------------------


def parse_period(label: str, *, tz: str = "UTC") -> Period:
    """Return the calendar period a label names, in zone ``tz``.

    ``"2026"`` is a year, ``"2026-Q3"`` a calendar quarter, ``"2026-10"`` a
    month, ``"2026-W43"`` an ISO week and ``"2026-10-25"`` a single day, each
    from local midnight to local midnight.

    Labels are ASCII digits in exactly these forms (no surrounding spaces), for
    periods that lie within the supported instants (years 1970 to 9998).

    Raises:
        PeriodError: the label is none of these, or its period lies outside the
            supported instants.

    >>> parse_period("2026-Q3", tz="Europe/Berlin").local_start().isoformat()
    '2026-07-01T00:00:00+02:00'
    """
    rules: tuple[_GridRule, ...] = (
        Yearly(tz=tz),
        Quarterly(tz=tz),
        Monthly(tz=tz),
        Weeks(tz=tz),
    )
    text: object = label
    if isinstance(text, str):
        for rule in rules:
            index = rule._parse(label)
            if index is not None and not (
                isinstance(rule, Weeks) and not _ISO_WEEK.fullmatch(label)
            ):
                return attrs.evolve(rule._period(index, label), label=label)
        day = _date_label(label)
        if day is not None:
            return Rolling(days=1, start=day, tz=tz).period(label)
    raise PeriodError(
        f"period={label!r} is not a period label; write a year '2026', a quarter '2026-Q3', "
        "a month '2026-10', an ISO week '2026-W43' or a day '2026-10-25'"
    )
