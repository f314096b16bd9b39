"""Service windows: calendars that say which instants are committed time.

A calendar is an immutable description ("24x7", "Mon-Fri 08:00-18:00 in
Berlin, without Berlin's public holidays") that materialises over any span
into a [`Timeline`][slakit.Timeline]. Calendars compose with ``|`` (union), ``&``
(intersection), ``-`` (difference) and ``~`` (complement within the span that
is materialised); each operator has a named twin ([`union()`][slakit.union],
[`intersection()`][slakit.intersection], [`difference()`][slakit.difference],
[`complement()`][slakit.complement]), and nested
operations flatten so that ``a | (b | c) == (a | b) | c``.

Materialisation is vectorised: wall-clock window bounds for every day of the
span are computed at once with numpy and converted to UTC through the zone's
transition table, so the cost grows with the number of windows, never with the
minutes in the span.

Wall-clock times that a DST transition skips or repeats follow the
"compatible" rule: each bound of a window is resolved on its own, a skipped
time is read with the offset before the gap (it lands after the gap by the
gap's length) and a repeated time is its first occurrence. A window whose end
then falls at or before its start (possible only when a bound lies in a
skipped hour) is empty that day.
"""

from __future__ import annotations

import abc
import datetime as dt
import difflib
import functools
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from slakit._node import DSLRepr, node, shown
from slakit._time import _kernels as k
from slakit._time._instant import (
    MAX_INSTANT_US,
    MIN_INSTANT_US,
    US_PER_DAY,
    US_PER_MINUTE,
    Duration,
    InstantLike,
    membership_us,
    to_us,
    zone,
)
from slakit._time._periods import (
    _MONTH_NAMES,
    _WEEKDAY_NAMES,
    _date_words,
    _join,
    _ordinal,
    _zone_words,
)
from slakit._time._timeline import Span, Timeline
from slakit._time._zones import local_to_utc, utc_to_local
from slakit.exceptions import DefinitionError

if TYPE_CHECKING:
    from slakit._time._periods import Period
    from slakit._time._recurrence import Recurrence

__all__ = [
    "Always",
    "Calendar",
    "Complement",
    "Dates",
    "Difference",
    "Holidays",
    "Intersection",
    "Never",
    "Recurring",
    "Union",
    "Weekly",
    "always",
    "complement",
    "dates",
    "difference",
    "holidays",
    "holidays_in",
    "intersection",
    "never",
    "recurring",
    "union",
    "weekly",
]

_MINUTES_PER_DAY = 1440
_EPOCH_DATE = dt.date(1970, 1, 1)
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_LOOKUP = {
    **{name.lower(): i for i, name in enumerate(_DAY_NAMES)},
    **{
        full: i
        for i, full in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}

# A window array pair: sorted, disjoint, non-touching starts and ends (microseconds UTC).
_Windows = tuple[k.I64, k.I64]


def _empty() -> _Windows:
    z = np.zeros(0, dtype=np.int64)
    return z, z.copy()


def _normalized(start: k.I64, end: k.I64, lo: int, hi: int) -> _Windows:
    """Clip windows to ``[lo, hi)``, drop empty ones, and merge them into canonical form."""
    s = np.maximum(start, lo)
    e = np.minimum(end, hi)
    keep = e > s
    s, e = s[keep], e[keep]
    if s.shape[0] > 1 and not (np.all(s[1:] > e[:-1])):
        grouped = k.normalize(k.Grouped(np.zeros_like(s), s, e))
        return grouped.start, grouped.end
    return s, e


def _grouped(windows: _Windows) -> k.Grouped:
    return k.Grouped(np.zeros_like(windows[0]), windows[0], windows[1])


# --- the base ---------------------------------------------------------------------------------


@attrs.frozen
class Calendar(DSLRepr, abc.ABC):
    """The base of every calendar: a rule for which instants are in service.

    Build calendars with [`weekly()`][slakit.weekly], [`holidays()`][slakit.holidays],
    [`dates()`][slakit.dates],
    [`recurring()`][slakit.recurring], [`always()`][slakit.always] and [`never()`][slakit.never],
    and combine them with
    ``|``, ``&``, ``-`` and ``~``.
    """

    def timeline(self, start: InstantLike, end: InstantLike) -> Timeline:
        """Return the calendar's time inside ``[start, end)`` as a timeline.

        Args:
            start: the first instant (integer microseconds UTC, an aware datetime or
                an ISO 8601 string with an offset).
            end: the instant just after the span.

        Raises:
            DefinitionError: ``end`` lies before ``start``, or a holiday calendar
                without a zone is materialised on its own.
        """
        lo = to_us(start, name="start")
        hi = to_us(end, name="end")
        if hi < lo:
            raise DefinitionError(
                f"end={end!r} lies before start={start!r}; a span needs end >= start"
            )
        if hi == lo:
            return Timeline()
        s, e = self._windows(lo, hi, self._zone_hint())
        return Timeline._from_normalized(s, e)

    def materialize(self, span: Span | Period) -> Timeline:
        """Return the calendar's time inside ``span`` (a [`Span`][slakit.Span] or a period)."""
        return self.timeline(span.start, span.end)

    def __contains__(self, instant: InstantLike) -> bool:
        t = membership_us(instant)
        if not MIN_INSTANT_US <= t < MAX_INSTANT_US:
            return False  # no calendar holds an instant outside the supported range
        return bool(self.timeline(t, t + 1))

    @abc.abstractmethod
    def _windows(self, lo: int, hi: int, tz: str | None) -> _Windows:
        """Return the canonical windows inside ``[lo, hi)``; ``tz`` is the zone from context."""

    def _zone_hint(self) -> str | None:
        """Return the zone this calendar lends to zone-less calendars combined with it."""
        return None

    def describe(self) -> str:
        """Return the calendar in words, for agreement documents and credit statements.

        The text is contract prose: days and times in the calendar's zone, holidays
        by country and region, and combinations joined with "or", "and only
        during", "except" and "outside", bracketed where they nest.

        Every calendar of slakit describes itself; a calendar class of your own
        should override this method, or documents show it by the call that
        builds it (its ``repr``).

        Examples:
            >>> office = weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin")
            >>> print((office - holidays("DE", subdiv="BE")).describe())
            ... # doctest: +NORMALIZE_WHITESPACE
            Monday to Friday, 08:00 to 18:00 (Europe/Berlin time),
            except public holidays in Germany (Berlin)
        """
        return f"the calendar {self!r}"

    def _operand_words(self) -> str:
        """Return the description as an operand of a combination, bracketed if it has parts."""
        text = self.describe()
        return f"({text})" if "; " in text else text

    # --- composition -----------------------------------------------------------------------

    def __or__(self, other: object) -> Calendar:
        return union(self, other) if isinstance(other, Calendar) else NotImplemented

    def __and__(self, other: object) -> Calendar:
        return intersection(self, other) if isinstance(other, Calendar) else NotImplemented

    def __sub__(self, other: object) -> Calendar:
        return difference(self, other) if isinstance(other, Calendar) else NotImplemented

    def __invert__(self) -> Calendar:
        return complement(self)


@node("always")
@attrs.frozen
class Always(Calendar):
    """Every instant: service is committed 24x7."""

    def describe(self) -> str:
        """Return ``"at all times"``."""
        return "at all times"

    def _windows(self, lo: int, hi: int, tz: str | None) -> _Windows:
        return np.array([lo], dtype=np.int64), np.array([hi], dtype=np.int64)


@node("never")
@attrs.frozen
class Never(Calendar):
    """No instant at all."""

    def describe(self) -> str:
        """Return ``"never"``."""
        return "never"

    def _windows(self, lo: int, hi: int, tz: str | None) -> _Windows:
        return _empty()


def always() -> Always:
    """Return the calendar of every instant (24x7 service).

    Examples:
        >>> always()
        always()
    """
    return Always()


def never() -> Never:
    """Return the calendar of no instant.

    Examples:
        >>> never() | always()
        always()
    """
    return Never()


# --- wall-clock parsing -------------------------------------------------------------------------

_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})", re.ASCII)


def _parse_time(text: str, *, where: str, end: bool) -> int:
    """Return minutes after midnight of ``"HH:MM"``; ``"24:00"`` only as an end."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise DefinitionError(
            f"{where}: {text.strip()!r} is not a time of day; write it as HH:MM, "
            "for example '08:00' or '17:30'"
        )
    hour, minute = int(match[1]), int(match[2])
    value = hour * 60 + minute
    if minute >= 60 or value > _MINUTES_PER_DAY or (value == _MINUTES_PER_DAY and not end):
        limit = "'00:00' to '24:00'" if end else "'00:00' to '23:59'"
        raise DefinitionError(
            f"{where}: {text.strip()!r} is not a time of day; use {limit} "
            "('24:00' may only end a range)"
        )
    return value


def _parse_ranges(text: str, *, where: str) -> tuple[tuple[int, int], ...]:
    """Parse ``"08:00-12:00,13:00-18:00"`` into sorted ``(start, end)`` minute pairs.

    A range whose end is at or before its start runs across midnight
    (``"22:00-06:00"`` ends at 06:00 the next day); its end is stored past 1440.
    """
    pairs: set[tuple[int, int]] = set()
    for chunk in text.split(","):
        if chunk.count("-") != 1:
            raise DefinitionError(
                f"{where}: {chunk.strip()!r} is not a time range; write it as 'HH:MM-HH:MM', "
                "for example '08:00-18:00'"
            )
        a_text, b_text = chunk.split("-")
        a = _parse_time(a_text, where=where, end=False)
        b = _parse_time(b_text, where=where, end=True)
        if a == b:
            raise DefinitionError(
                f"{where}: the range {chunk.strip()!r} is empty; give a start and a later end, "
                "such as '08:00-18:00', or '00:00-24:00' for the whole day"
            )
        if b < a:
            b += _MINUTES_PER_DAY  # across midnight
        pairs.add((a, b))
    return tuple(sorted(pairs))


def _format_minutes(value: int) -> str:
    if value > _MINUTES_PER_DAY:
        value -= _MINUTES_PER_DAY
    return f"{value // 60:02d}:{value % 60:02d}"


def _format_ranges(ranges: Iterable[tuple[int, int]]) -> str:
    return ",".join(f"{_format_minutes(a)}-{_format_minutes(b)}" for a, b in ranges)


_SEGMENT = re.compile(r"\s*(?P<days>[A-Za-z][A-Za-z\s,\-]*?)\s+(?P<times>[0-9].*?)\s*", re.ASCII)


def _parse_days(text: str, *, where: str) -> set[int]:
    text = text.strip().lower()
    if text in {"daily", "every day"}:
        return set(range(7))
    found: set[int] = set()
    for item in text.split(","):
        names = [n.strip() for n in item.split("-")]
        unknown = [n for n in names if n not in _DAY_LOOKUP]
        if unknown or len(names) > 2:
            raise DefinitionError(
                f"{where}: {item.strip()!r} is not a day or a range of days; use "
                "Mon, Tue, Wed, Thu, Fri, Sat, Sun, a range such as 'Mon-Fri' "
                "(wrapping ranges like 'Sun-Thu' are allowed) or 'daily'"
            )
        first = _DAY_LOOKUP[names[0]]
        last = _DAY_LOOKUP[names[-1]]
        span = (last - first) % 7
        found.update((first + i) % 7 for i in range(span + 1))
    return found


#: The longest text of weekly hours, in characters.
MAX_WEEKLY_TEXT = 1_000


@functools.lru_cache(maxsize=256)
def _parse_weekly(spec: str) -> tuple[tuple[int, int, int], ...]:
    """Return the sorted ``(weekday, start_minute, end_minute)`` rows of a weekly spec."""
    where = f"weekly(hours={spec!r})"
    if len(spec) > MAX_WEEKLY_TEXT:
        raise DefinitionError(
            f"weekly(hours={spec[:40]!r}...): the hours are {len(spec)} characters long; "
            f"write them in at most {MAX_WEEKLY_TEXT}",
            name="hours",
            value=spec,
        )
    rows: set[tuple[int, int, int]] = set()
    for segment in spec.split(";"):
        if not segment.strip():
            continue
        match = _SEGMENT.fullmatch(segment)
        if match is None:
            raise DefinitionError(
                f"{where}: {segment.strip()!r} should be days then times, "
                "for example 'Mon-Fri 08:00-18:00' or 'Sat 09:00-13:00,14:00-16:00'"
            )
        days = _parse_days(match["days"], where=where)
        ranges = _parse_ranges(match["times"], where=where)
        rows.update((d, a, b) for d in days for a, b in ranges)
    return tuple(sorted(rows))


def _runs(chosen: set[int]) -> list[tuple[int, int]]:
    """Return the runs of consecutive weekdays in ``chosen`` (fewer than seven), wrapping."""
    runs: list[tuple[int, int]] = []
    for first in sorted(d for d in chosen if (d - 1) % 7 not in chosen):
        last = first
        while (last + 1) % 7 in chosen:
            last = (last + 1) % 7
        runs.append((first, last))
    return runs


def _day_runs(days: Iterable[int]) -> str:
    """Write a set of weekdays as runs: ``Mon-Fri``, ``Sun-Thu``, ``Mon,Wed``."""
    chosen = set(days)
    if len(chosen) == 7:
        return "Mon-Sun"
    return ",".join(
        _DAY_NAMES[first] if last == first else f"{_DAY_NAMES[first]}-{_DAY_NAMES[last]}"
        for first, last in _runs(chosen)
    )


def _days_words(days: Iterable[int]) -> str:
    """Write a set of weekdays in words: ``Monday to Friday``, ``Monday and Wednesday``."""
    chosen = set(days)
    if len(chosen) == 7:
        return "every day"
    items: list[str] = []
    for first, last in _runs(chosen):
        length = (last - first) % 7 + 1
        if length >= 3:
            items.append(f"{_WEEKDAY_NAMES[first]} to {_WEEKDAY_NAMES[last]}")
        else:
            items.extend(_WEEKDAY_NAMES[(first + i) % 7] for i in range(length))
    return _join(items)


def _ranges_words(ranges: Iterable[tuple[int, int]]) -> str:
    """Write minute ranges in words: "08:00 to 18:00", "all day", "22:00 to 06:00 the next day"."""
    items: list[str] = []
    for a, b in ranges:
        if (a, b) == (0, _MINUTES_PER_DAY):
            items.append("all day")
            continue
        after = " the next day" if b > _MINUTES_PER_DAY else ""
        items.append(f"{_format_minutes(a)} to {_format_minutes(b)}{after}")
    return _join(items)


def _weekly_groups(
    rows: Iterable[tuple[int, int, int]],
) -> dict[tuple[tuple[int, int], ...], list[int]]:
    """Group weekly rows by their ranges: each distinct set of ranges with its weekdays."""
    by_day: dict[int, list[tuple[int, int]]] = {}
    for d, a, b in rows:
        by_day.setdefault(d, []).append((a, b))
    groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for d in sorted(by_day):
        groups.setdefault(tuple(by_day[d]), []).append(d)
    return groups


def _canonical_weekly(spec: object) -> str:
    if not isinstance(spec, str) or not spec.strip():
        raise DefinitionError(
            f"weekly(hours={spec!r}): give the hours as text such as 'Mon-Fri 08:00-18:00'"
        )
    groups = _weekly_groups(_parse_weekly(spec))
    return "; ".join(f"{_day_runs(ds)} {_format_ranges(r)}" for r, ds in groups.items())


def _check_zone(_instance: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None:
        zone(value, argument=attribute.name)


def _day_windows(days: k.I64, ranges: Iterable[tuple[int, int]], tz: str) -> tuple[k.I64, k.I64]:
    """Return the UTC bounds of wall-clock ``ranges`` on each local day in ``days``."""
    wall_days = days * US_PER_DAY
    starts = [wall_days + a * US_PER_MINUTE for a, _ in ranges]
    ends = [wall_days + b * US_PER_MINUTE for _, b in ranges]
    if not starts:
        return _empty()
    s = local_to_utc(np.concatenate(starts), tz)
    e = local_to_utc(np.concatenate(ends), tz)
    return s, e


def _local_day_range(lo: int, hi: int) -> k.I64:
    """Return every local day number that a window touching ``[lo, hi)`` may start on."""
    # Offsets lie within a day and windows last under two days, so two days of
    # margin before and one after cover every zone.
    return np.arange(lo // US_PER_DAY - 2, hi // US_PER_DAY + 2, dtype=np.int64)


# --- weekly hours -------------------------------------------------------------------------------


@node("weekly")
@attrs.frozen
class Weekly(Calendar):
    """Weekly wall-clock hours in a zone, such as ``Mon-Fri 08:00-18:00`` in Berlin.

    Build one with [`weekly()`][slakit.weekly]. ``hours`` is kept in a canonical form, so
    two specs that describe the same week are equal.
    """

    hours: str = attrs.field(converter=_canonical_weekly, metadata=shown(positional=True))
    tz: str = attrs.field(kw_only=True, validator=_check_zone)

    def _windows(self, lo: int, hi: int, tz: str | None) -> _Windows:
        rows = _parse_weekly(self.hours)
        days = _local_day_range(lo, hi)
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday
        starts: list[k.I64] = []
        ends: list[k.I64] = []
        for d in range(7):
            ranges = [(a, b) for w, a, b in rows if w == d]
            if ranges:
                s, e = _day_windows(days[weekday == d], ranges, self.tz)
                starts.append(s)
                ends.append(e)
        if not starts:
            return _empty()
        return _normalized(np.concatenate(starts), np.concatenate(ends), lo, hi)

    def _zone_hint(self) -> str | None:
        return self.tz

    def describe(self) -> str:
        """Return the weekly hours in words, with the zone.

        Groups of days with different hours are separated by semicolons; a range
        across midnight ends "the next day".

        Examples:
            >>> weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin").describe()
            'Monday to Friday, 08:00 to 18:00 (Europe/Berlin time)'
            >>> weekly("Mon,Wed 00:00-24:00; Sat 09:00-13:00", tz="UTC").describe()
            'Monday and Wednesday, all day; Saturday, 09:00 to 13:00 (UTC)'
        """
        groups = _weekly_groups(_parse_weekly(self.hours))
        text = "; ".join(f"{_days_words(ds)}, {_ranges_words(r)}" for r, ds in groups.items())
        return f"{text} ({_zone_words(self.tz)})"


def weekly(hours: str, *, tz: str) -> Weekly:
    """Return weekly service hours in the IANA zone ``tz``.

    ``hours`` lists days and wall-clock ranges: ``"Mon-Fri 08:00-18:00"``,
    several ranges per day (``"Mon-Fri 08:00-12:00,13:00-17:00"``), several
    groups separated by ``;`` (``"Mon-Fri 08:00-18:00; Sat 09:00-13:00"``),
    wrapping day ranges (``"Sun-Thu"``), ``"daily"``, ``"24:00"`` as an end, and
    ranges across midnight (``"Mon-Fri 22:00-06:00"`` runs from Monday 22:00 to
    Tuesday 06:00).

    On a DST transition day each bound is resolved by the compatible rule
    (a skipped time moves forward by the gap, a repeated time is its first
    occurrence); ranges that avoid the transition hour are unaffected, and
    ``"00:00-24:00"`` is 23 or 25 hours long on those days.

    Raises:
        DefinitionError: the text cannot be read, a time is impossible
            (``"25:00"``), or a range is empty (``"08:00-08:00"``).
        UnknownZoneError: ``tz`` is not an IANA zone.

    >>> weekly("mon-fri 8:00-18:00", tz="Europe/Berlin")
    weekly('Mon-Fri 08:00-18:00', tz='Europe/Berlin')
    """
    return Weekly(hours, tz=tz)


# --- holidays -----------------------------------------------------------------------------------


def _holidays_module() -> Any:
    import holidays as holidays_package

    return holidays_package


@functools.lru_cache(maxsize=4096)
def _holiday_days(
    country: str, subdiv: str | None, categories: tuple[str, ...], year: int
) -> tuple[tuple[int, str], ...]:
    """Return ``(day number, name)`` of each holiday of ``year``, cached."""
    package = _holidays_module()
    options: dict[str, Any] = {"subdiv": subdiv, "years": year}
    if categories:
        options["categories"] = categories
    found = package.country_holidays(country, **options)
    return tuple(sorted(((day - _EPOCH_DATE).days, str(name)) for day, name in found.items()))


def _check_country(instance: Holidays, _attribute: object, _value: object) -> None:
    package = _holidays_module()
    supported: dict[str, list[str]] = package.list_supported_countries()
    country: object = instance.country
    if not isinstance(country, str) or country not in supported:
        close = difflib.get_close_matches(str(country).upper(), sorted(supported), n=3)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise DefinitionError(
            f"holidays(country={country!r}): not a country the holidays package knows; "
            f"use an ISO 3166-1 code such as 'DE', 'US' or 'AU'{hint}"
        )
    subdiv = instance.subdiv
    if subdiv is not None and subdiv not in supported[country]:
        known = ", ".join(repr(s) for s in supported[country][:30]) or "none"
        raise DefinitionError(
            f"holidays({country!r}, subdiv={subdiv!r}): {country} has no such subdivision; "
            f"known subdivisions: {known}"
        )
    try:
        with warnings.catch_warnings():  # a probe: the package's range warnings are not news
            warnings.simplefilter("ignore")
            _holiday_days(country, subdiv, instance.categories, 2000)
    except (NotImplementedError, ValueError) as error:
        raise DefinitionError(
            f"holidays({country!r}, categories={instance.categories!r}): {error}"
        ) from None
    nationwide: object = instance.nationwide
    if not isinstance(nationwide, bool):
        raise DefinitionError(
            f"holidays({country!r}, nationwide={nationwide!r}): give True or False"
        )
    if nationwide and subdiv is not None:
        raise DefinitionError(
            f"holidays({country!r}, subdiv={subdiv!r}, nationwide=True): give a subdivision "
            "or nationwide=True, not both"
        )
    if subdiv is None and not nationwide:
        differ = _subdivisions_that_differ(country, instance.categories)
        if differ:
            raise DefinitionError(_subdivision_problem(country, instance.categories, differ))


#: The years in which a country's subdivisions are compared with its nationwide holidays.
_CHECK_YEARS = (2025, 2026, 2027)


@functools.lru_cache(maxsize=256)
def _subdivisions_that_differ(
    country: str, categories: tuple[str, ...]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Return each subdivision whose holidays differ from the nationwide ones, with some names.

    Compared over ``_CHECK_YEARS`` (fixed years: the check never reads the clock);
    the names are those of the subdivision's own holidays, at most three.
    """
    subdivisions: list[str] = _holidays_module().list_supported_countries()[country]
    if not subdivisions:
        return ()
    with warnings.catch_warnings():  # the package warns of its own gaps for some regions
        warnings.simplefilter("ignore")
        return _differing(country, categories, subdivisions)


def _differing(
    country: str, categories: tuple[str, ...], subdivisions: list[str]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    whole = {row for year in _CHECK_YEARS for row in _holiday_days(country, None, categories, year)}
    out = []
    for code in subdivisions:
        rows = {
            row for year in _CHECK_YEARS for row in _holiday_days(country, code, categories, year)
        }
        if rows != whole:
            own = sorted({name for _, name in rows - whole})
            out.append((code, tuple(own[:3])))
    return tuple(out)


def _subdivision_problem(
    country: str, categories: tuple[str, ...], differ: Sequence[tuple[str, tuple[str, ...]]]
) -> str:
    """Return why ``holidays(country)`` without a subdivision is refused, and the fixes."""
    codes = [code for code, _ in differ]
    shown = ", ".join(repr(c) for c in codes[:12]) + (
        f" and {len(codes) - 12} more" * (len(codes) > 12)
    )
    example_code, example_names = next(((c, n) for c, n in differ if n), differ[0])
    example = (
        f" ({_subdivision_words(country, example_code)} adds {', '.join(example_names)})"
        if example_names
        else ""
    )
    kinds = f", categories={categories!r}" if categories else ""
    return (
        f"holidays({country!r}{kinds}): the holidays of {_country_words(country)} differ by "
        f"subdivision{example}, and without one only the holidays the whole country shares "
        f"would count; give subdiv= one of {shown}, or nationwide=True to mean only the "
        "nationwide holidays"
    )


#: Country names the holidays package's registry spells other than by its module name.
_COUNTRY_NAMES = {
    "dr_congo": "Democratic Republic of the Congo",
    "guinea_bissau": "Guinea-Bissau",
    "heard_island_and_mcdonald_islands": "Heard Island and McDonald Islands",
    "timor_leste": "Timor-Leste",
}
_LOWER_WORDS = frozenset({"and", "da", "of", "the"})
#: Country names read with "the": "public holidays in the United States".
_WITH_THE = frozenset(
    {"Bahamas", "Comoros", "Gambia", "Maldives", "Netherlands", "Philippines", "Seychelles"}
)
_WITH_THE_ENDINGS = ("Islands", "Republic", "States", "Emirates", "Kingdom", "Territories", "Congo")


@functools.lru_cache(maxsize=256)
def _country_words(country: str) -> str:
    """Return a country code in words, from the holidays package's registry ("Germany")."""
    import holidays.registry

    for module, names in holidays.registry.COUNTRIES.items():
        if country in names[1:3]:
            name = _COUNTRY_NAMES.get(module) or " ".join(
                word if word in _LOWER_WORDS else word.capitalize() for word in module.split("_")
            )
            the = name in _WITH_THE or name.endswith(_WITH_THE_ENDINGS)
            return f"the {name}" if the else name
    return country  # not in this version's registry: the code is still exact


@functools.lru_cache(maxsize=1024)
def _subdivision_words(country: str, subdiv: str) -> str:
    """Return a subdivision code in words ("Berlin"), or the code if the package names none."""
    aliases: dict[str, str] = getattr(
        _holidays_module().country_holidays(country), "subdivisions_aliases", {}
    )
    names = [name for name, code in aliases.items() if code == subdiv and name != name.upper()]
    return names[0] if names else subdiv


def _category_words(category: str) -> str:
    """Return a holiday category in words: ``half_day`` is "half-day"."""
    return category.lower().replace("half_day", "half-day").replace("_", " ")


def _tuple_of_str(value: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@node("holidays")
@attrs.frozen
class Holidays(Calendar):
    """The public holidays of a country (and subdivision), as whole local days.

    Build one with [`holidays()`][slakit.holidays]. Without ``tz`` the days are drawn in the
    zone of the calendar it is combined with (``weekly(..., tz=...) -
    holidays("DE")`` uses the weekly zone).
    """

    country: str = attrs.field(metadata=shown(positional=True))
    subdiv: str | None = attrs.field(default=None, kw_only=True)
    nationwide: bool = attrs.field(default=False, kw_only=True)
    categories: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=_tuple_of_str, validator=_check_country
    )
    tz: str | None = attrs.field(default=None, kw_only=True, validator=_check_zone)

    def names(
        self, start: InstantLike, end: InstantLike, *, tz: str | None = None
    ) -> dict[dt.date, str]:
        """Return the holidays whose local day overlaps ``[start, end)``, with their names.

        Args:
            start: the first instant.
            end: the instant just after the span.
            tz: the zone to draw days in when the calendar has none of its own.
        """
        zone_name = _need_zone(self, self.tz or tz, "names()")
        lo, hi = to_us(start, name="start"), to_us(end, name="end")
        s, e = self._windows(lo, hi, zone_name)
        if not s.size:
            return {}
        first = (utc_to_local(s, zone_name) // US_PER_DAY).tolist()
        last = (utc_to_local(e - 1, zone_name) // US_PER_DAY).tolist()
        table = dict(self._days(int(first[0]), int(last[-1])))
        days = [d for a, b in zip(first, last, strict=True) for d in range(a, b + 1)]
        return {_EPOCH_DATE + dt.timedelta(days=d): table[d] for d in days if d in table}

    def _days(self, first_day: int, last_day: int) -> list[tuple[int, str]]:
        first_year = (_EPOCH_DATE + dt.timedelta(days=first_day)).year
        last_year = (_EPOCH_DATE + dt.timedelta(days=last_day)).year
        return [
            row
            for year in range(first_year, last_year + 1)
            for row in _holiday_days(self.country, self.subdiv, self.categories, year)
        ]

    def _windows(self, lo: int, hi: int, tz: str | None) -> _Windows:
        zone_name = _need_zone(self, self.tz or tz, "timeline()")
        days = _local_day_range(lo, hi)
        rows = self._days(int(days[0]), int(days[-1]))
        chosen = np.array(sorted({d for d, _ in rows}), dtype=np.int64)
        chosen = chosen[(chosen >= days[0]) & (chosen <= days[-1])]
        s, e = _day_windows(chosen, [(0, _MINUTES_PER_DAY)], zone_name)
        return _normalized(s, e, lo, hi)

    def _zone_hint(self) -> str | None:
        return self.tz

    def describe(self) -> str:
        """Return the holidays in words: their kind, country and subdivision, and zone.

        Names come from the holidays package; a code it does not name is kept as
        written. Without a zone of their own the days are those of the calendar
        the holidays are combined with, so no zone is stated.

        Examples:
            >>> holidays("DE", subdiv="BE").describe()
            'public holidays in Germany (Berlin)'
            >>> us = holidays("US", subdiv="NY", categories=["public", "half_day"],
            ...               tz="America/New_York")
            >>> print(us.describe())  # doctest: +NORMALIZE_WHITESPACE
            public and half-day holidays in the United States (New York),
            as whole days in America/New_York time
        """
        kinds = [_category_words(c) for c in self.categories] or ["public"]
        if self.nationwide:
            kinds[0] = f"nationwide {kinds[0]}"
        where = _country_words(self.country)
        if self.subdiv is not None:
            where += f" ({_subdivision_words(self.country, self.subdiv)})"
        text = f"{_join(kinds)} holidays in {where}"
        if self.tz is not None:
            text += f", as whole days in {_zone_words(self.tz)}"
        return text


def _need_zone(calendar: Calendar, tz: str | None, what: str) -> str:
    if tz is None:
        raise DefinitionError(
            f"{calendar!r}.{what} needs a zone to draw its days in: pass tz='Europe/Berlin' "
            "(or another IANA zone), or combine it with a zoned calendar such as "
            "weekly(..., tz=...)"
        )
    return tz


def holidays(
    country: str,
    *,
    subdiv: str | None = None,
    nationwide: bool = False,
    categories: str | Iterable[str] = (),
    tz: str | None = None,
) -> Holidays:
    """Return the public holidays of ``country`` (and ``subdiv``) as whole local days.

    The days come from the `holidays <https://pypi.org/project/holidays/>`_
    package, observed-day rules included, for whatever years a span needs.

    Where a country's subdivisions have holidays of their own (Germany's
    states, England's Easter Monday in Great Britain, California's César Chávez
    Day), the country alone holds only the holidays they all share: asked for
    without ``subdiv``, such a country is refused, with its subdivisions listed,
    unless ``nationwide=True`` says that only the shared holidays are meant.
    Subdivisions are compared in 2025 to 2027.

    Args:
        country: an ISO 3166-1 code the holidays package knows, such as ``"DE"``.
        subdiv: a subdivision such as ``"BE"`` (Berlin) or ``"CA"`` (California).
        nationwide: only the holidays the whole country shares (for a country
            whose subdivisions differ; not with ``subdiv``).
        categories: holiday categories of that package (default: public holidays),
            such as ``"bank"`` or ``"half_day"``; some regional holidays are filed
            under categories of their own (``"catholic"`` in Germany's Bavaria).
        tz: the zone the days are drawn in; without one the holidays take the zone
            of the calendar they are combined with.

    Raises:
        DefinitionError: the country or subdivision is unknown to the package; the
            subdivisions of ``country`` differ and neither ``subdiv`` nor
            ``nationwide=True`` is given; both are given.

    >>> weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin") - holidays("DE", subdiv="BE")
    weekly('Mon-Fri 08:00-18:00', tz='Europe/Berlin') - holidays('DE', subdiv='BE')
    """
    return Holidays(country, subdiv=subdiv, nationwide=nationwide, categories=categories, tz=tz)


# --- explicit dates (and half days) -------------------------------------------------------------

_DATE = re.compile(r"(?:([0-9]{4})-)?([0-9]{2})-([0-9]{2})", re.ASCII)


def _canonical_dates(values: Iterable[object]) -> tuple[str, ...]:
    found: set[str] = set()
    for value in values:
        if isinstance(value, dt.datetime):
            raise DefinitionError(
                f"dates({value!r}): give calendar dates, not datetimes: dt.date(2026, 12, 24), "
                "'2026-12-24', or '12-24' for every year"
            )
        if isinstance(value, dt.date):
            found.add(value.isoformat())
            continue
        match = _DATE.fullmatch(value) if isinstance(value, str) else None
        ok = False
        if match is not None:
            year = int(match[1]) if match[1] else 2000  # a leap year admits 02-29
            try:
                dt.date(year, int(match[2]), int(match[3]))
                ok = True
            except ValueError:
                ok = False
        if not ok:
            raise DefinitionError(
                f"dates({value!r}): not a date; write 'YYYY-MM-DD' for one day or 'MM-DD' "
                "for that day every year, such as '2026-12-24' or '12-24'"
            )
        found.add(str(value))
    if not found:
        raise DefinitionError("dates(): give at least one date, such as '2026-12-24'")
    return tuple(sorted(found))


def _canonical_hours(value: str | None) -> str | None:
    if value is None:
        return None
    return _format_ranges(_parse_ranges(value, where=f"dates(hours={value!r})"))


@node("dates")
@attrs.frozen
class Dates(Calendar):
    """Explicit dates, whole days or stated hours of them; ``MM-DD`` repeats every year.

    Build one with [`dates()`][slakit.dates].
    """

    days: tuple[str, ...] = attrs.field(converter=_canonical_dates, metadata=shown(spread=True))
    hours: str | None = attrs.field(default=None, kw_only=True, converter=_canonical_hours)
    tz: str | None = attrs.field(default=None, kw_only=True, validator=_check_zone)

    def _windows(self, lo: int, hi: int, tz: str | None) -> _Windows:
        zone_name = _need_zone(self, self.tz or tz, "timeline()")
        span = _local_day_range(lo, hi)
        first, last = int(span[0]), int(span[-1])
        years = range(
            (_EPOCH_DATE + dt.timedelta(days=first)).year,
            (_EPOCH_DATE + dt.timedelta(days=last)).year + 1,
        )
        chosen: set[int] = set()
        for text in self.days:
            parts = [int(p) for p in text.split("-")]
            if len(parts) == 3:
                chosen.add((dt.date(*parts) - _EPOCH_DATE).days)
                continue
            for year in years:
                try:
                    chosen.add((dt.date(year, *parts) - _EPOCH_DATE).days)
                except ValueError:  # 02-29 outside leap years
                    continue
        day_array = np.array(sorted(d for d in chosen if first <= d <= last), dtype=np.int64)
        ranges = (
            _parse_ranges(self.hours, where="dates")
            if self.hours is not None
            else ((0, _MINUTES_PER_DAY),)
        )
        s, e = _day_windows(day_array, ranges, zone_name)
        return _normalized(s, e, lo, hi)

    def _zone_hint(self) -> str | None:
        return self.tz

    def describe(self) -> str:
        """Return the dates in words: single days, runs of three or more, and yearly days.

        Examples:
            >>> dates("2026-12-24", "2026-12-31").describe()
            'the days 24 Dec 2026 and 31 Dec 2026'
            >>> dates("12-24", "12-31", hours="12:00-24:00", tz="Europe/Berlin").describe()
            '12:00 to 24:00 on the days 24 Dec and 31 Dec every year (Europe/Berlin time)'
        """
        fixed = sorted(dt.date.fromisoformat(d) for d in self.days if len(d) == 10)
        yearly = sorted(dt.date(2000, int(d[:2]), int(d[3:])) for d in self.days if len(d) == 5)
        items: list[str] = []
        for first, last in _date_runs(fixed):
            if (last - first).days >= 2:
                items.append(f"{_date_words(first)} to {_date_words(last)}")
            else:  # one day, or two: name each
                items.extend(_date_words(d) for d in sorted({first, last}))
        every = [_date_words(d, year=False) for d in yearly]
        if items:
            items.extend(f"{day} every year" for day in every)
        else:  # only yearly days: "24 Dec and 31 Dec every year"
            items = [f"{_join(every)} every year"]
        one = len(self.days) == 1
        text = f"the {'day' if one else 'days'} {_join(items)}"
        if self.hours is not None and self.hours != "00:00-24:00":
            text = f"{_ranges_words(_parse_ranges(self.hours, where='dates'))} on {text}"
        if self.tz is not None:
            text += f" ({_zone_words(self.tz)})"
        return text


def _date_runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Return the runs of consecutive days in the sorted ``days``, as ``(first, last)``."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def dates(*days: str | dt.date, hours: str | None = None, tz: str | None = None) -> Dates:
    """Return explicit dates as a calendar: whole local days, or ``hours`` of each.

    Args:
        *days: ``"2026-12-24"`` or ``datetime.date`` for one day, ``"12-24"`` for
            that day every year.
        hours: wall-clock ranges of those days (``"12:00-24:00"`` for an
            afternoon, which makes a half day when subtracted); whole days if omitted.
        tz: the zone; without one the dates take the zone of the calendar they are
            combined with.

    Raises:
        DefinitionError: a date or a range cannot be read.

    >>> dates("12-24", "12-31", hours="12:00-24:00")
    dates('12-24', '12-31', hours='12:00-24:00')
    """
    return Dates(days, hours=hours, tz=tz)


# --- recurring windows (RFC 5545 RRULE) ---------------------------------------------------------


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def _canonical_start(value: str | dt.date) -> str:
    if isinstance(value, dt.datetime):
        raise DefinitionError(
            f"recurring(start={value!r}): give the first date, not a datetime; put the "
            "wall-clock time in at='02:00'"
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    given: object = value
    try:
        if not isinstance(given, str) or not _ISO_DATE.fullmatch(given):
            raise ValueError
        return dt.date.fromisoformat(given).isoformat()
    except ValueError:
        raise DefinitionError(
            f"recurring(start={value!r}): not a date; write it as 'YYYY-MM-DD', "
            "for example '2026-01-01'"
        ) from None


def _canonical_at(value: str) -> str:
    if not isinstance(value, str):
        raise DefinitionError(f"recurring(at={value!r}): give the opening time as 'HH:MM'")
    minutes = _parse_time(value, where=f"recurring(at={value!r})", end=False)
    return _format_minutes(minutes)


#: The longest window of a recurring calendar.
MAX_RECURRING_WINDOW_US = 366 * US_PER_DAY


def _check_duration(_instance: object, _attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, Duration) or value.us <= 0:
        raise DefinitionError(
            f"recurring(duration={value!r}): give a positive duration, such as hours(2)"
        )
    if value.us > MAX_RECURRING_WINDOW_US:
        raise DefinitionError(
            f"recurring(duration={value!r}): a window lasts at most days(366); for longer "
            "service, combine calendars or use dates()",
            name="duration",
            value=value,
        )


@functools.lru_cache(maxsize=256)
def _rrule(rule: str, start: str, at: str) -> Recurrence:
    from slakit._time._recurrence import read_rule

    first = dt.datetime.combine(dt.date.fromisoformat(start), dt.time.fromisoformat(at))
    return read_rule(rule, first, where=f"recurring({rule!r})")


def _canonical_rule(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(
            f"recurring(rule={value!r}): give an RFC 5545 RRULE such as 'FREQ=MONTHLY;BYDAY=2SU'"
        )
    text = value.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text.isascii():
        raise DefinitionError(
            f"recurring(rule={value!r}): an RRULE is ASCII text such as 'FREQ=MONTHLY;BYDAY=2SU'"
        )
    return text.upper()


@node("recurring")
@attrs.frozen
class Recurring(Calendar):
    """Windows that recur by an RFC 5545 RRULE, each lasting ``duration``, in a zone.

    Build one with [`recurring()`][slakit.recurring].
    """

    rule: str = attrs.field(converter=_canonical_rule, metadata=shown(positional=True))
    start: str = attrs.field(kw_only=True, converter=_canonical_start)
    at: str = attrs.field(default="00:00", kw_only=True, converter=_canonical_at)
    duration: Duration = attrs.field(kw_only=True, validator=_check_duration)
    tz: str = attrs.field(kw_only=True, validator=_check_zone)

    def __attrs_post_init__(self) -> None:
        _rrule(self.rule, self.start, self.at)  # validate now, not at first use

    def _windows(self, lo: int, hi: int, tz: str | None) -> _Windows:
        recurrence = _rrule(self.rule, self.start, self.at)
        span = _local_day_range(lo - self.duration.us, hi)
        first = dt.datetime(1970, 1, 1) + dt.timedelta(days=int(span[0]))
        last = dt.datetime(1970, 1, 1) + dt.timedelta(days=int(span[-1]) + 1)
        wall = recurrence.wall_between(first, last)
        s = local_to_utc(wall, self.tz)
        return _normalized(s, s + self.duration.us, lo, hi)

    def _zone_hint(self) -> str | None:
        return self.tz

    def describe(self) -> str:
        """Return the recurring windows in words: when they open, for how long, from when.

        Every part of the rule is written out, including the parts that the
        start date supplies (a monthly rule without a day opens on the start
        date's day of the month).

        Examples:
            >>> from slakit import hours
            >>> slot = recurring("FREQ=MONTHLY;BYDAY=2SU", start="2026-01-01", at="02:00",
            ...                  duration=hours(2), tz="Europe/Berlin")
            >>> print(slot.describe())  # doctest: +NORMALIZE_WHITESPACE
            every month on the second Sunday, for 2 hours from 02:00,
            starting 1 Jan 2026 (Europe/Berlin time)
        """
        return _rule_words(self)


_FREQ_UNITS = {
    "YEARLY": "year",
    "MONTHLY": "month",
    "WEEKLY": "week",
    "DAILY": "day",
    "HOURLY": "hour",
    "MINUTELY": "minute",
}
_RRULE_DAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_NTH_WORDS = ("first", "second", "third", "fourth", "fifth")


def _nth(number: int) -> str:
    """Return a position in words: 2 is "second", -1 "last", -2 "second-to-last"."""
    if number == -1:
        return "last"
    size = abs(number)
    word = _NTH_WORDS[size - 1] if size <= len(_NTH_WORDS) else _ordinal(size)
    return word if number > 0 else f"{word}-to-last"


def _numbers(parts: dict[str, str], name: str) -> list[int]:
    return [int(v) for v in parts[name].split(",")] if name in parts else []


def _clock(hour: int, minute: int, second: int = 0) -> str:
    return f"{hour:02d}:{minute:02d}" + (f":{second:02d}" if second else "")


def _until_words(text: str) -> str:
    """Return an RRULE ``UNTIL`` (``20261231`` or ``20261231T235900``) in words."""
    day = dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    clock = text[9:15] if "T" in text else "000000"
    return f"{_date_words(day)} {_clock(int(clock[:2]), int(clock[2:4]), int(clock[4:6]))}"


def _rule_days(parts: dict[str, str], start: dt.date) -> tuple[str, list[str]]:
    """Return the days a rule opens on (after ``every <unit>``) and its filters, in words.

    Parts the rule leaves out are taken from ``start``, as dateutil does: a yearly
    rule opens on the start's day and month, a monthly one on its day of the
    month, a weekly one on its weekday.
    """
    freq = parts["FREQ"]
    weekdays = [
        (int(d[:-2]) if d[:-2] else None, _RRULE_DAYS[d[-2:]])
        for d in parts.get("BYDAY", "").split(",")
        if d
    ]
    monthdays = _numbers(parts, "BYMONTHDAY")
    months = _numbers(parts, "BYMONTH")
    yeardays = _numbers(parts, "BYYEARDAY")
    weeks = _numbers(parts, "BYWEEKNO")
    if not (weekdays or monthdays or yeardays or weeks):
        if freq == "YEARLY":
            months = months or [start.month]
            monthdays = [start.day]
        elif freq == "MONTHLY":
            monthdays = [start.day]
        elif freq == "WEEKLY":
            weekdays = [(None, start.weekday())]
    filters: list[str] = []
    simple = not (weekdays or yeardays or weeks) and all(d > 0 for d in monthdays)
    if freq == "YEARLY" and len(months) == 1 and simple:  # "on 24 Dec"
        days = [_date_words(dt.date(2000, months[0], d), year=False) for d in monthdays]
        return f" on {_join(days)}", filters
    month_days = [f"the {_ordinal(d)}" if d > 0 else f"the {_nth(d)} day" for d in monthdays]
    if month_days and freq == "YEARLY" and not months:
        month_days = [f"{_join(month_days)} of each month"]
    elif month_days and freq not in ("MONTHLY", "YEARLY"):  # a filter of days
        month_days = [f"{_join(month_days)} of the month"]
    day_items = month_days + [
        f"day {d} of the year" if d > 0 else f"the {_nth(d)} day of the year" for d in yeardays
    ]
    scope = " of the year" if freq == "YEARLY" and not months else ""
    numbered = [f"the {_nth(n)} {_WEEKDAY_NAMES[d]}{scope}" for n, d in weekdays if n is not None]
    plain = [d for n, d in weekdays if n is None]
    if day_items and weekdays:  # RFC 5545: both must hold ("Friday the 13th")
        either = [f"a {_WEEKDAY_NAMES[d]}" for d in plain] + numbered
        day_items = [f"{_join(day_items)}, when that day is {_join(either, 'or')}"]
    elif weekdays:
        day_items = ([_days_words(plain)] if plain else []) + numbered
    text = ""
    if day_items and freq in ("YEARLY", "MONTHLY", "WEEKLY"):
        text += f" on {_join(day_items)}"
    elif day_items:
        filters.append(f"only on {_join(day_items)}")
    month_names = _join([_MONTH_NAMES[m - 1] for m in months])
    if months and freq == "YEARLY":
        text += f" in {month_names}"
    elif months:
        filters.append(f"only in {month_names}")
    if weeks:
        week_names = [f"week {w}" if w > 0 else f"the {_nth(w)} week" for w in weeks]
        text += f" in {_join(week_names)} of the year"
    return text, filters


def _rule_words(calendar: Recurring) -> str:
    """Write a recurring calendar's rule, times, duration, start and zone in words."""
    parts = dict(item.split("=", 1) for item in calendar.rule.split(";"))
    unit = _FREQ_UNITS[parts["FREQ"]]
    interval = int(parts.get("INTERVAL", "1"))
    start = _date_words(dt.date.fromisoformat(calendar.start))
    days, filters = _rule_days(parts, dt.date.fromisoformat(calendar.start))
    text = f"every {unit}" if interval == 1 else f"every {interval} {unit}s"
    text += days + "".join(f", {f}" for f in filters)
    if "BYSETPOS" in parts:
        chosen = _join([_nth(p) for p in _numbers(parts, "BYSETPOS")])
        text += f", taking only the {chosen} of these in each {unit}"
    if "WKST" in parts:
        text += f", with weeks starting on {_WEEKDAY_NAMES[_RRULE_DAYS[parts['WKST']]]}"
    second = (_numbers(parts, "BYSECOND") or [0])[0]
    hours, minutes = _numbers(parts, "BYHOUR"), _numbers(parts, "BYMINUTE")
    duration = calendar.duration.words()
    if unit in ("hour", "minute"):  # BYHOUR and BYMINUTE filter; the start fixes the phase
        if hours:
            text += f", only in the hours starting {_join([_clock(h, 0) for h in hours])}"
        if minutes:
            text += f", at {_join([str(m) for m in minutes])} minutes past the hour"
        if second:
            text += f", at second {second}"
        text += f", for {duration} each time, starting at {calendar.at} on {start}"
    else:  # BYHOUR and BYMINUTE set the opening times; the rest come from at=
        at_hour, at_minute = (int(x) for x in calendar.at.split(":"))
        times = sorted(
            _clock(h, m, second) for h in hours or [at_hour] for m in minutes or [at_minute]
        )
        opening = times[0] if len(times) == 1 else f"each of {_join(times)}"
        text += f", for {duration} from {opening}, starting {start}"
    if "COUNT" in parts:
        count = int(parts["COUNT"])
        text += f", {count} {'window' if count == 1 else 'windows'} in all"
    if "UNTIL" in parts:
        text += f", with no window opening after {_until_words(parts['UNTIL'])}"
    return f"{text} ({_zone_words(calendar.tz)})"


def recurring(
    rule: str,
    *,
    start: str | dt.date,
    at: str = "00:00",
    duration: Duration,
    tz: str,
) -> Recurring:
    """Return windows that recur by an RFC 5545 RRULE, such as a monthly maintenance slot.

    Args:
        rule: the RRULE, without DTSTART: ``"FREQ=MONTHLY;BYDAY=2SU"``,
            ``"FREQ=WEEKLY;INTERVAL=2;BYDAY=SA"``; COUNT and a floating UNTIL work.
        start: the first date the rule counts from (its DTSTART date).
        at: the wall-clock time each window opens, ``"HH:MM"``.
        duration: how long each window lasts (elapsed time, so a window across a
            DST change still lasts exactly ``duration``).
        tz: the IANA zone of ``start`` and ``at``; an opening time that a DST gap
            skips moves forward by the gap (the compatible rule).

    The rule is expanded only within the span a timeline covers, never from
    ``start`` onwards, so a rule that started long ago costs no more than a new one.
    Limits, each refused when the calendar is built: windows open at most once a
    minute (no ``FREQ=SECONDLY``, at most one ``BYSECOND``), ``INTERVAL`` is 1 to
    1,000 (and divides the day for ``HOURLY`` and ``MINUTELY``), ``COUNT`` is 1 to
    10,000 and not combined with ``UNTIL``, the ``BYxxx`` parts follow the RFC 5545
    table, ``duration`` is at most 366 days, and the rule must yield at least one
    window. One timeline holds at most 1,000,000 windows of one rule.

    Raises:
        DefinitionError: the rule, the date, the time or the duration is invalid,
            or the rule breaks one of the limits above.

    >>> from slakit import hours
    >>> r = recurring("FREQ=MONTHLY;BYDAY=2SU", start="2026-01-01", at="02:00",
    ...               duration=hours(2), tz="Europe/Berlin")

    Examples:
        >>> r.timeline("2026-03-01T00:00Z", "2026-04-01T00:00Z")
        Timeline([('2026-03-08T01:00:00Z', '2026-03-08T03:00:00Z')])
    """
    return Recurring(rule, start=start, at=at, duration=duration, tz=tz)


# --- composition --------------------------------------------------------------------------------


def _first_zone(parts: Iterable[Calendar]) -> str | None:
    for part in parts:
        hint = part._zone_hint()
        if hint is not None:
            return hint
    return None


def _operand_repr(calendar: Calendar, *, looser_than: tuple[type, ...]) -> str:
    text = repr(calendar)
    return f"({text})" if isinstance(calendar, looser_than) else text


@node("union")
@attrs.frozen(repr=False)
class Union(Calendar):
    """The instants of any of ``parts``; build it with ``|`` or [`union()`][slakit.union]."""

    parts: tuple[Calendar, ...]

    def _windows(self, lo: int, hi: int, tz: str | None) -> _Windows:
        own = _first_zone(self.parts) or tz
        pieces = [p._windows(lo, hi, own) for p in self.parts]
        s = np.concatenate([p[0] for p in pieces])
        e = np.concatenate([p[1] for p in pieces])
        grouped = k.normalize(k.Grouped(np.zeros_like(s), s, e))
        return grouped.start, grouped.end

    def _zone_hint(self) -> str | None:
        return _first_zone(self.parts)

    def describe(self) -> str:
        """Return the parts in words joined by "or", each part with parts of its own bracketed.

        Examples:
            >>> office = weekly("Mon-Fri 08:00-18:00", tz="UTC")
            >>> (office | dates("2026-12-24")).describe()
            'Monday to Friday, 08:00 to 18:00 (UTC), or the day 24 Dec 2026'
        """
        return ", or ".join(p._operand_words() for p in self.parts)

    def _operand_words(self) -> str:
        return f"({self.describe()})"

    def __repr__(self) -> str:
        return " | ".join(_operand_repr(p, looser_than=()) for p in self.parts)


@node("intersection")
@attrs.frozen(repr=False)
class Intersection(Calendar):
    """The instants of all of ``parts``; build it with ``&`` or ``intersection()``."""

    parts: tuple[Calendar, ...]

    def _windows(self, lo: int, hi: int, tz: str | None) -> _Windows:
        own = _first_zone(self.parts) or tz
        pieces = [_grouped(p._windows(lo, hi, own)) for p in self.parts]
        n = len(pieces)
        result = k.coverage(pieces, lambda c: np.sum([x > 0 for x in c], axis=0) == n)
        return result.start, result.end

    def _zone_hint(self) -> str | None:
        return _first_zone(self.parts)

    def describe(self) -> str:
        """Return the first part in words, then "and only during" each other part.

        Examples:
            >>> office = weekly("Mon-Fri 08:00-18:00", tz="UTC")
            >>> print((office & dates("12-24", "12-31")).describe())
            ... # doctest: +NORMALIZE_WHITESPACE
            Monday to Friday, 08:00 to 18:00 (UTC),
            and only during the days 24 Dec and 31 Dec every year
        """
        first, *rest = self.parts
        words = [first._operand_words()]
        for part in rest:
            if isinstance(part, Complement):
                words.append(f", and only outside {part.inner._operand_words()}")
            else:
                words.append(f", and only during {part._operand_words()}")
        return "".join(words)

    def _operand_words(self) -> str:
        return f"({self.describe()})"

    def __repr__(self) -> str:
        return " & ".join(_operand_repr(p, looser_than=(Union,)) for p in self.parts)


@node("difference")
@attrs.frozen(repr=False)
class Difference(Calendar):
    """The instants of ``base`` that ``removed`` does not hold; build it with ``-``."""

    base: Calendar
    removed: Calendar

    def _windows(self, lo: int, hi: int, tz: str | None) -> _Windows:
        own = _first_zone((self.base, self.removed)) or tz
        a = _grouped(self.base._windows(lo, hi, own))
        if not len(a):
            return _empty()
        b = _grouped(self.removed._windows(lo, hi, own))
        result = k.coverage([a, b], lambda c: (c[0] > 0) & (c[1] == 0))
        return result.start, result.end

    def _zone_hint(self) -> str | None:
        return _first_zone((self.base, self.removed))

    def describe(self) -> str:
        """Return the base in words, then "except" each calendar removed from it.

        Examples:
            >>> office = weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin")
            >>> print((office - holidays("DE", subdiv="BE") - dates("12-24")).describe())
            ... # doctest: +NORMALIZE_WHITESPACE
            Monday to Friday, 08:00 to 18:00 (Europe/Berlin time),
            except public holidays in Germany (Berlin), and except the day 24 Dec every year
        """
        removed = self.removed.parts if isinstance(self.removed, Union) else (self.removed,)
        excepted = ", and ".join(
            # "except" opens each item, so "outside ..." needs no brackets here
            f"except {r.describe() if isinstance(r, Complement) else r._operand_words()}"
            for r in removed
        )
        return f"{self.base._operand_words()}, {excepted}"

    def _operand_words(self) -> str:
        return f"({self.describe()})"

    def __repr__(self) -> str:
        base = _operand_repr(self.base, looser_than=(Union, Intersection))
        removed = _operand_repr(self.removed, looser_than=(Union, Intersection, Difference))
        return f"{base} - {removed}"


@node("complement")
@attrs.frozen(repr=False)
class Complement(Calendar):
    """The instants that ``inner`` does not hold, within the span materialised; ``~inner``."""

    inner: Calendar

    def _windows(self, lo: int, hi: int, tz: str | None) -> _Windows:
        own = self.inner._zone_hint() or tz
        s, e = self.inner._windows(lo, hi, own)
        starts = np.concatenate(([lo], e))
        ends = np.concatenate((s, [hi]))
        keep = ends > starts
        return starts[keep], ends[keep]

    def _zone_hint(self) -> str | None:
        return self.inner._zone_hint()

    def describe(self) -> str:
        """Return "outside" the inner calendar in words.

        Examples:
            >>> (~weekly("Mon-Fri 08:00-18:00", tz="UTC")).describe()
            'outside Monday to Friday, 08:00 to 18:00 (UTC)'
        """
        return f"outside {self.inner._operand_words()}"

    def _operand_words(self) -> str:
        return f"({self.describe()})"

    def __repr__(self) -> str:
        return "~" + _operand_repr(self.inner, looser_than=(Union, Intersection, Difference))


def _check_calendars(name: str, calendars: Iterable[object]) -> list[Calendar]:
    checked: list[Calendar] = []
    for i, calendar in enumerate(calendars):
        if not isinstance(calendar, Calendar):
            raise DefinitionError(
                f"{name}(): argument {i} is {calendar!r}, not a calendar; build one with "
                "weekly(), holidays(), dates(), recurring(), always() or never()"
            )
        checked.append(calendar)
    return checked


def _dedupe(parts: Iterable[Calendar]) -> list[Calendar]:
    seen: list[Calendar] = []
    for part in parts:
        if part not in seen:
            seen.append(part)
    return seen


def union(*calendars: Calendar) -> Calendar:
    """Return the calendar of instants in any of ``calendars`` (the twin of ``|``).

    Nested unions flatten, ``never()`` drops out, ``always()`` absorbs, and a
    repeated operand counts once; the order of the rest is kept.

    Examples:
        >>> a, b, c = (weekly(f"{d} 09:00-17:00", tz="UTC") for d in ("Mon", "Tue", "Wed"))
        >>> a | (b | c) == (a | b) | c == union(a, b, c)
        True
    """
    flat: list[Calendar] = []
    for calendar in _check_calendars("union", calendars):
        flat.extend(calendar.parts if isinstance(calendar, Union) else (calendar,))
    if any(isinstance(c, Always) for c in flat):
        return Always()
    parts = _dedupe(c for c in flat if not isinstance(c, Never))
    if not parts:
        return Never()
    return parts[0] if len(parts) == 1 else Union(tuple(parts))


def intersection(*calendars: Calendar) -> Calendar:
    """Return the calendar of instants in every one of ``calendars`` (the twin of ``&``).

    Nested intersections flatten, ``always()`` drops out and ``never()`` absorbs.
    """
    flat: list[Calendar] = []
    for calendar in _check_calendars("intersection", calendars):
        flat.extend(calendar.parts if isinstance(calendar, Intersection) else (calendar,))
    if any(isinstance(c, Never) for c in flat):
        return Never()
    parts = _dedupe(c for c in flat if not isinstance(c, Always))
    if not parts:
        return Always()
    return parts[0] if len(parts) == 1 else Intersection(tuple(parts))


def difference(base: Calendar, *removed: Calendar) -> Calendar:
    """Return the instants of ``base`` outside every one of ``removed`` (the twin of ``-``).

    ``(a - b) - c`` and ``a - (b | c)`` build the same calendar.
    """
    checked = _check_calendars("difference", (base, *removed))
    base, rest = checked[0], checked[1:]
    if isinstance(base, Difference):
        rest = [base.removed, *rest]
        base = base.base
    gone = union(*rest) if rest else Never()
    if isinstance(gone, Never) or isinstance(base, Never):
        return base
    if isinstance(gone, Always) or gone == base:
        return Never()
    return Difference(base, gone)


def complement(calendar: Calendar) -> Calendar:
    """Return the instants ``calendar`` does not hold, within the span materialised (``~``).

    Examples:
        >>> ~~weekly("Sat-Sun 00:00-24:00", tz="UTC")
        weekly('Sat-Sun 00:00-24:00', tz='UTC')
    """
    (checked,) = _check_calendars("complement", (calendar,))
    if isinstance(checked, Complement):
        return checked.inner
    if isinstance(checked, Always):
        return Never()
    if isinstance(checked, Never):
        return Always()
    return Complement(checked)


# --- the holidays inside a calendar -------------------------------------------------------------


def _holiday_parts(
    calendar: Calendar, tz: str | None, adds: bool
) -> Iterator[tuple[Holidays, str | None, bool]]:
    """Yield each holiday calendar in the tree, the zone its days are drawn in, and its sign.

    The zone follows ``_windows``: a combination lends its first zoned part's
    zone to its parts, else the zone it was given. The sign flips under ``-``
    (for what is removed) and ``~``: ``True`` means the holidays add time.
    """
    if isinstance(calendar, Holidays):
        yield calendar, calendar.tz or tz, adds
    elif isinstance(calendar, Union | Intersection):
        own = _first_zone(calendar.parts) or tz
        for part in calendar.parts:
            yield from _holiday_parts(part, own, adds)
    elif isinstance(calendar, Difference):
        own = _first_zone((calendar.base, calendar.removed)) or tz
        yield from _holiday_parts(calendar.base, own, adds)
        yield from _holiday_parts(calendar.removed, own, not adds)
    elif isinstance(calendar, Complement):
        yield from _holiday_parts(calendar.inner, calendar.inner._zone_hint() or tz, not adds)


def holidays_in(
    calendar: Calendar, start_us: InstantLike, end_us: InstantLike, tz: str | None = None
) -> list[tuple[dt.date, str, str]]:
    """Return the holidays that shape ``calendar`` within ``[start_us, end_us)``, for statements.

    Every [`holidays()`][slakit.holidays] calendar anywhere in ``calendar`` is
    read, and each of its holidays whose local day overlaps the span is listed
    with what it does: ``"not service hours"`` when it removes time (it is
    subtracted, or under a complement), ``"service hours"`` when it adds time
    (in a union or an intersection). Holidays without a zone of their own draw
    their days in the zone of the calendar they are combined with, as
    [`Calendar.timeline()`][slakit.Calendar.timeline] does, else in ``tz``.
    Two holidays on one day are listed apart.

    Args:
        calendar: any calendar; one without holidays gives an empty list.
        start_us: the first instant (integer microseconds UTC, an aware datetime or
            an ISO 8601 string with an offset).
        end_us: the instant just after the span.
        tz: the zone for holidays that find none in the calendar.

    Returns:
        ``(date, holiday name, role)`` rows, sorted by date, then name, then role,
        each once.

    Raises:
        DefinitionError: ``end_us`` lies before ``start_us``, or a holiday calendar
            has no zone to draw its days in and ``tz`` is not given.

    Examples:
        >>> office = weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin") - holidays("DE", subdiv="BE")
        >>> holidays_in(office, "2026-10-01T00:00+02:00", "2026-11-01T00:00+01:00")
        [(datetime.date(2026, 10, 3), 'German Unity Day', 'not service hours')]
    """
    lo, hi = to_us(start_us, name="start_us"), to_us(end_us, name="end_us")
    if hi < lo:
        raise DefinitionError(
            f"end_us={end_us!r} lies before start_us={start_us!r}; a span needs end >= start",
            name="end_us",
            value=end_us,
        )
    delimiter: str = getattr(_holidays_module(), "HOLIDAY_NAME_DELIMITER", "; ")
    found: set[tuple[dt.date, str, str]] = set()
    for part, zone_name, adds in _holiday_parts(calendar, calendar._zone_hint() or tz, True):
        if zone_name is None:
            raise DefinitionError(
                f"holidays_in(): {part!r} has no zone to draw its days in; pass "
                "tz='Europe/Berlin' (or another IANA zone), or combine it with a zoned "
                "calendar such as weekly(..., tz=...)",
                name="tz",
                value=tz,
            )
        role = "service hours" if adds else "not service hours"
        for day, names in part.names(lo, hi, tz=zone_name).items():
            found.update((day, name, role) for name in names.split(delimiter))
    return sorted(found)
