"""Billing periods: concrete periods and the rules that cut time into them."""

from __future__ import annotations

import abc
import re
from collections.abc import Iterator
from datetime import datetime

import attrs

from slakit._time._instant import InstantLike, format_us, from_us, local_to_us, to_us, zone
from slakit._time._timeline import Span
from slakit.exceptions import PeriodError

__all__ = ["Monthly", "Period", "PeriodRule", "monthly"]


def _check_zone(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    zone(value, argument=attribute.name)


@attrs.frozen(repr=False)
class Period:
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
        if self.end <= self.start:
            raise PeriodError(f"period {self.label!r} must end after it starts")

    @property
    def span(self) -> Span:
        """The period as a :class:`Span`."""
        return Span(self.start, self.end)

    @property
    def length_us(self) -> int:
        """The period's length in microseconds (a DST month is an hour shorter or longer)."""
        return self.end - self.start

    def local_start(self) -> datetime:
        """The first instant as an aware datetime in the period's zone."""
        return from_us(self.start).astimezone(zone(self.tz))

    def local_end(self) -> datetime:
        """The end instant as an aware datetime in the period's zone."""
        return from_us(self.end).astimezone(zone(self.tz))

    def __repr__(self) -> str:
        return f"Period({self.label!r}, tz={self.tz!r})"

    def __str__(self) -> str:
        return (
            f"{self.label} ({self.tz}: {self.local_start().isoformat()} to "
            f"{self.local_end().isoformat()}; UTC {format_us(self.start)} to {format_us(self.end)})"
        )


@attrs.frozen
class PeriodRule(abc.ABC):
    """How an agreement cuts time into billing periods, in a zone."""

    tz: str = attrs.field(default="UTC", validator=_check_zone, kw_only=True)

    @abc.abstractmethod
    def period(self, label: str) -> Period:
        """Return the period named ``label`` (for example ``"2026-10"``)."""

    @abc.abstractmethod
    def containing(self, instant: InstantLike) -> Period:
        """Return the period that holds ``instant``."""

    def next(self, period: Period) -> Period:
        """Return the period that follows ``period``."""
        return self.containing(period.end)

    def between(self, start: InstantLike, end: InstantLike) -> Iterator[Period]:
        """Yield every period that overlaps ``[start, end)``, in order."""
        lo = to_us(start, name="start")
        hi = to_us(end, name="end")
        if hi <= lo:
            return
        current = self.containing(lo)
        while current.start < hi:
            yield current
            current = self.next(current)

    def resolve(self, period: Period | str) -> Period:
        """Return ``period`` itself, or the period its label names under this rule."""
        if isinstance(period, Period):
            return period
        if isinstance(period, str):
            return self.period(period)
        raise PeriodError(
            f"period={period!r} must be a label such as '2026-10' or a Period object"
        )


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@attrs.frozen(repr=False)
class Monthly(PeriodRule):
    """Calendar months in a zone: from local midnight on the 1st to local midnight on the next 1st.

    A month is never 30 days: October 2026 in ``Europe/Berlin`` is 745 hours
    long (the clocks go back on the 25th), in ``UTC`` 744 hours.
    """

    def _month(self, year: int, month: int) -> Period:
        nyear, nmonth = (year + 1, 1) if month == 12 else (year, month + 1)
        start = local_to_us(datetime(year, month, 1), self.tz)
        end = local_to_us(datetime(nyear, nmonth, 1), self.tz)
        return Period(start, end, f"{year:04d}-{month:02d}", self.tz)

    def period(self, label: str) -> Period:
        """Return the month named ``"YYYY-MM"``.

        Raises:
            PeriodError: the label is not a month like ``"2026-10"``.
        """
        match = _MONTH.match(label) if isinstance(label, str) else None
        if match is None or not 1 <= int(match[2]) <= 12:
            raise PeriodError(
                f"period={label!r} is not a calendar month; write it as 'YYYY-MM', "
                "for example '2026-10'"
            )
        return self._month(int(match[1]), int(match[2]))

    def containing(self, instant: InstantLike) -> Period:
        """Return the month (in this rule's zone) that holds ``instant``."""
        local = from_us(to_us(instant)).astimezone(zone(self.tz))
        candidate = self._month(local.year, local.month)
        t = to_us(instant)
        # A month starting at a skipped local midnight can begin a little after the
        # wall-clock 1st; step back when the instant precedes it.
        if t < candidate.start:
            year, month = (local.year - 1, 12) if local.month == 1 else (local.year, local.month - 1)
            candidate = self._month(year, month)
        return candidate

    def __repr__(self) -> str:
        return f"monthly(tz={self.tz!r})"


def monthly(*, tz: str = "UTC") -> Monthly:
    """Return the rule "calendar months in zone ``tz``".

    >>> monthly(tz="Europe/Berlin").period("2026-10").length_us // 3_600_000_000
    745
    """
    return Monthly(tz=tz)
