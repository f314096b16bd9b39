"""RFC 5545 recurrence rules, checked when defined and expanded only within the span asked for.

dateutil expands a rule from its DTSTART, so a naive expansion of an hourly
rule that started in year 1 walks two thousand years for every period. Here a
rule is read once into a ``Recurrence``,
which expands it over a span in two exact steps:

- *fast-forward*: the rule restarts at the first period of its frequency
  (year, month, week, day, hour or minute, counted in steps of ``INTERVAL``
  from DTSTART) at or before the span, with every ``BYxxx`` part that dateutil
  would default from DTSTART written out, so the occurrences from there on are
  the same;
- *cycle shift*: the Gregorian calendar repeats every 400 years (146,097 days,
  20,871 weeks), so a rule repeats every ``400 * INTERVAL / gcd(INTERVAL, P)``
  years, ``P`` being the length of 400 years in its frequency's unit. The span
  is moved forward by whole cycles to lie near year 9999, where dateutil stops
  on its own, so a rule that yields nothing for a long stretch (``BYMONTH=2;
  BYMONTHDAY=30``) costs at most one cycle of scanning, never eight thousand
  years of it.

Limits (refused when the rule is defined, each with its figure in the message):
no ``FREQ=SECONDLY`` and at most one ``BYSECOND`` value, so windows open at most
once a minute (527,040 in a leap year); ``INTERVAL`` from 1 to 1,000, and for
``HOURLY`` and ``MINUTELY`` a divisor of the day; ``COUNT`` from 1 to 10,000; no
``COUNT`` together with ``UNTIL``; the ``BYxxx`` combinations of the RFC 5545
table only; no ``BYEASTER`` (a dateutil extension); a rule that yields no
occurrence at all is an error. A single expansion holds at most
``MAX_WINDOWS`` windows.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from itertools import islice
from typing import Any

import numpy as np
from dateutil.rrule import (
    DAILY,
    HOURLY,
    MINUTELY,
    MONTHLY,
    WEEKLY,
    YEARLY,
    rrule,
    rrulestr,
    weekday,
)

from slakit._time._kernels import I64
from slakit.exceptions import DefinitionError, EvaluationError

__all__ = [
    "MAX_COUNT",
    "MAX_INTERVAL",
    "MAX_RULE_TEXT",
    "MAX_WINDOWS",
    "Recurrence",
    "read_rule",
]

#: The most windows one expansion (one ``timeline()`` of a recurring calendar) may hold.
MAX_WINDOWS = 1_000_000
#: The largest ``COUNT``.
MAX_COUNT = 10_000
#: The largest ``INTERVAL``.
MAX_INTERVAL = 1_000
#: The longest rule text, in characters.
MAX_RULE_TEXT = 1_000

_EPOCH = dt.datetime(1970, 1, 1)
_ONE_US = dt.timedelta(microseconds=1)
_US_PER_CYCLE = 146_097 * 86_400 * 1_000_000  # 400 Gregorian years
#: dateutil stops after year 9999; a shifted span ends no later than this year.
_TOP_YEAR = 9998
#: The length of 400 Gregorian years in each frequency's unit.
_UNITS_PER_CYCLE = {
    YEARLY: 400,
    MONTHLY: 4_800,
    WEEKLY: 20_871,
    DAILY: 146_097,
    HOURLY: 146_097 * 24,
    MINUTELY: 146_097 * 1_440,
}
_FREQ_NAMES = {
    "YEARLY": YEARLY,
    "MONTHLY": MONTHLY,
    "WEEKLY": WEEKLY,
    "DAILY": DAILY,
    "HOURLY": HOURLY,
    "MINUTELY": MINUTELY,
}
_KNOWN_PARTS = (
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "WKST",
    "BYSETPOS",
    "BYMONTH",
    "BYWEEKNO",
    "BYYEARDAY",
    "BYMONTHDAY",
    "BYDAY",
    "BYHOUR",
    "BYMINUTE",
    "BYSECOND",
)
_BY_PARTS = tuple(p for p in _KNOWN_PARTS if p.startswith("BY") and p != "BYSETPOS")
_RULE_TEXT = re.compile(r"[A-Z0-9=;,+\-]+", re.ASCII)
_ORDINAL_DAY = re.compile(r"[+\-]?[0-9]+[A-Z]{2}", re.ASCII)
_WHOLE = re.compile(r"[0-9]{1,9}", re.ASCII)


def _refuse(where: str, problem: str) -> DefinitionError:
    return DefinitionError(f"{where}: {problem}", name="rule", value=where)


def _check_text(text: str, where: str) -> dict[str, str]:
    """Check the rule's text part by part, and return its parts by name."""
    if len(text) > MAX_RULE_TEXT:
        raise _refuse(where, f"the rule is {len(text)} characters long; at most {MAX_RULE_TEXT}")
    if not _RULE_TEXT.fullmatch(text):
        raise _refuse(
            where,
            "an RRULE holds only ASCII letters, digits and '=;,+-', such as "
            "'FREQ=MONTHLY;BYDAY=2SU'",
        )
    parts: dict[str, str] = {}
    for item in text.split(";"):
        name, equals, value = item.partition("=")
        if not equals or not value or "=" in value:
            raise _refuse(
                where,
                f"{item!r} is not an RFC 5545 RRULE part; write NAME=VALUE, such as FREQ=WEEKLY",
            )
        if name == "BYEASTER":
            raise _refuse(where, "BYEASTER is a dateutil extension, not RFC 5545; list the dates")
        if name not in _KNOWN_PARTS:
            raise _refuse(
                where, f"{name!r} is not an RFC 5545 RRULE part; use {', '.join(_KNOWN_PARTS)}"
            )
        if name in parts:
            raise _refuse(where, f"{name} is given twice; give each rule part once")
        parts[name] = value
    return parts


def _check_parts(parts: dict[str, str], where: str) -> tuple[int, int, int | None]:
    """Check the limits and the RFC 5545 table; return ``(freq, interval, count)``."""
    freq_name = parts.get("FREQ")
    if freq_name == "SECONDLY":
        raise _refuse(
            where,
            "FREQ=SECONDLY opens windows more than once a minute; the finest frequency is "
            "MINUTELY (at most one window a minute, 527,040 a year)",
        )
    if freq_name not in _FREQ_NAMES:
        raise _refuse(
            where,
            f"FREQ={freq_name or ''} is not an RFC 5545 RRULE frequency slakit expands; "
            f"give one of {', '.join(_FREQ_NAMES)}",
        )
    freq = _FREQ_NAMES[freq_name]
    if "BYSECOND" in parts and len(parts["BYSECOND"].split(",")) > 1:
        raise _refuse(
            where,
            f"BYSECOND={parts['BYSECOND']} opens windows more than once a minute; give at "
            "most one second (at most one window a minute, 527,040 a year)",
        )
    interval = _number(parts.get("INTERVAL", "1"), "INTERVAL", where)
    if not 1 <= interval <= MAX_INTERVAL:
        raise _refuse(where, f"INTERVAL={interval} must be from 1 to {MAX_INTERVAL}")
    per_day = {HOURLY: 24, MINUTELY: 1_440}.get(freq)
    if per_day is not None and per_day % interval:
        raise _refuse(
            where,
            f"INTERVAL={interval} does not divide the day ({per_day} {freq_name[:-2].lower()}s "
            "a day), so the windows would drift from day to day; give a divisor of "
            f"{per_day}, or FREQ=DAILY with BYHOUR/BYMINUTE",
        )
    count = None
    if "COUNT" in parts:
        count = _number(parts["COUNT"], "COUNT", where)
        if not 1 <= count <= MAX_COUNT:
            raise _refuse(where, f"COUNT={count} must be from 1 to {MAX_COUNT:,}")
        if "UNTIL" in parts:
            raise _refuse(where, "give COUNT or UNTIL, not both (RFC 5545)")
    _check_table(parts, freq_name, where)
    return freq, interval, count


def _number(text: str, name: str, where: str) -> int:
    if not _WHOLE.fullmatch(text):
        raise _refuse(where, f"{name}={text} must be a whole number")
    return int(text)


def _check_table(parts: dict[str, str], freq: str, where: str) -> None:
    """Refuse the combinations that RFC 5545 forbids (section 3.3.10)."""
    if "BYWEEKNO" in parts and freq != "YEARLY":
        raise _refuse(where, "BYWEEKNO may only be used with FREQ=YEARLY")
    if "BYYEARDAY" in parts and freq in ("DAILY", "WEEKLY", "MONTHLY"):
        raise _refuse(where, f"BYYEARDAY may not be used with FREQ={freq}")
    if "BYMONTHDAY" in parts and freq == "WEEKLY":
        raise _refuse(where, "BYMONTHDAY may not be used with FREQ=WEEKLY")
    ordinal = any(_ORDINAL_DAY.fullmatch(d) for d in parts.get("BYDAY", "").split(","))
    if ordinal and (freq not in ("MONTHLY", "YEARLY") or "BYWEEKNO" in parts):
        raise _refuse(
            where,
            f"BYDAY={parts['BYDAY']}: a numbered weekday (such as 2SU) needs FREQ=MONTHLY or "
            "FREQ=YEARLY without BYWEEKNO",
        )
    if ordinal:  # RFC 5545: 1 to 53 in a year, and a month holds at most 5 of a weekday
        within_month = freq == "MONTHLY" or "BYMONTH" in parts
        most = 5 if within_month else 53
        for day in parts["BYDAY"].split(","):
            if _ORDINAL_DAY.fullmatch(day) and not 1 <= abs(int(day[:-2])) <= most:
                raise _refuse(
                    where,
                    f"BYDAY={day}: the number of a weekday must be from 1 to {most} "
                    f"(or -1 to -{most}) {'in a month' if within_month else 'in a year'}",
                )
    if "BYSETPOS" in parts and freq in ("HOURLY", "MINUTELY"):
        # each set holds one window, so BYSETPOS picks nothing but costs a scan of every
        # minute of the rule's cycle (found by the fuzz campaign: minutes of CPU)
        raise _refuse(where, f"BYSETPOS needs FREQ=DAILY or longer, not FREQ={freq}")
    if "BYSETPOS" in parts and not any(p in parts for p in _BY_PARTS):
        raise _refuse(where, "BYSETPOS needs another BYxxx part to choose from")


def _shift(moment: dt.datetime, years: int) -> dt.datetime:
    """Move a wall time by whole 400-year cycles (weekdays and leap days stay put)."""
    return moment.replace(year=moment.year + years)


class Recurrence:
    """A checked rule with every defaulted part written out, and its exact expansion.

    Attributes:
        dtstart: the first wall-clock instant the rule counts from.
        until: the last wall-clock instant it may yield (``COUNT`` is turned into
            this), or ``None``.
        cycle_years: the rule repeats after this many years.
    """

    def __init__(self, parsed: Any, *, where: str) -> None:
        self.where = where
        self.freq: Any = parsed._freq  # one of dateutil's frequency constants
        self.interval: int = parsed._interval
        self.wkst: int = parsed._wkst
        self.dtstart: dt.datetime = parsed._dtstart
        self.until: dt.datetime | None = parsed._until
        days = [weekday(d) for d in parsed._byweekday or ()]
        days += [weekday(d, n) for d, n in parsed._bynweekday or ()]
        monthdays = (*parsed._bymonthday, *parsed._bynmonthday)
        self.parts: dict[str, Any] = {
            "bysetpos": parsed._bysetpos,
            "bymonth": parsed._bymonth,
            "bymonthday": monthdays or None,
            "byyearday": parsed._byyearday,
            "byweekno": parsed._byweekno,
            "byweekday": days or None,
            "byhour": parsed._byhour,
            "byminute": parsed._byminute,
            "bysecond": parsed._bysecond,
        }
        unit = _UNITS_PER_CYCLE[self.freq]
        self.cycle_years: int = 400 * self.interval // math.gcd(unit, self.interval)

    def rule(self, dtstart: dt.datetime, until: dt.datetime | None = None) -> Any:
        """Return the rule restarted at ``dtstart`` (a period start, or the original DTSTART)."""
        return rrule(
            self.freq,
            dtstart=dtstart,
            interval=self.interval,
            wkst=self.wkst,
            until=until,
            **self.parts,
        )

    def _restart(self, target: dt.datetime) -> dt.datetime:
        """Return the start of the rule's last period that begins at or before ``target``."""
        start, n = self.dtstart, self.interval
        if self.freq == YEARLY:
            k = (target.year - start.year) // n
            return start if k <= 0 else dt.datetime(start.year + k * n, 1, 1)
        if self.freq == MONTHLY:
            first = start.year * 12 + start.month - 1
            k = (target.year * 12 + target.month - 1 - first) // n
            year, month0 = divmod(first + k * n, 12)
            return start if k <= 0 else dt.datetime(year, month0 + 1, 1)
        if self.freq == WEEKLY:
            week = start.date() - dt.timedelta(days=(start.weekday() - self.wkst) % 7)
            k = (target.date() - week).days // (7 * n)
            moved = week + dt.timedelta(days=7 * n * k)
            return start if k <= 0 else dt.datetime(moved.year, moved.month, moved.day)
        if self.freq == DAILY:
            k = (target.date() - start.date()).days // n
            moved = start.date() + dt.timedelta(days=n * k)
            return start if k <= 0 else dt.datetime(moved.year, moved.month, moved.day)
        step = dt.timedelta(hours=n) if self.freq == HOURLY else dt.timedelta(minutes=n)
        k = (target - start) // step
        return start if k <= 0 else start + k * step

    def _cycles_to_top(self, last_year: int) -> int:
        """Return how many whole cycles move a span ending in ``last_year`` near year 9999."""
        return max(0, (_TOP_YEAR - last_year) // self.cycle_years) * self.cycle_years

    def wall_between(self, first: dt.datetime, last: dt.datetime) -> I64:
        """Return the wall-clock occurrences in ``[first, last]`` as microseconds, sorted.

        Raises:
            EvaluationError: the span holds more than ``MAX_WINDOWS`` occurrences.
        """
        if (self.until is not None and self.until < first) or self.dtstart > last:
            return np.zeros(0, dtype=np.int64)
        end = last if self.until is None else min(last, self.until)
        years = self._cycles_to_top(end.year)
        rule = self.rule(_shift(self._restart(first), years), _shift(end, years))
        found: list[dt.datetime] = list(
            islice(rule.xafter(_shift(first, years), inc=True), MAX_WINDOWS + 1)
        )
        if len(found) > MAX_WINDOWS:
            raise EvaluationError(
                f"{self.where} opens more than {MAX_WINDOWS:,} windows between {first} and "
                f"{last}; materialise a shorter span, or use a coarser rule"
            )
        shift_us = years // 400 * _US_PER_CYCLE
        return np.array([(o - _EPOCH) // _ONE_US - shift_us for o in found], dtype=np.int64)

    def first(self) -> dt.datetime | None:
        """Return the first occurrence, or ``None`` if the rule never yields one."""
        years = self._cycles_to_top(self.dtstart.year + self.cycle_years)
        found = self.rule(_shift(self.dtstart, years)).after(_shift(self.dtstart, years), inc=True)
        if found is None:
            return None
        found = _shift(found, -years)
        return found if self.until is None or found <= self.until else None

    def nth(self, count: int) -> dt.datetime | None:
        """Return the ``count``-th occurrence, ``None`` if it falls after year 9999."""
        if self.freq in (YEARLY, MONTHLY, WEEKLY):
            # One step is a week or longer: scanning to year 9999 is cheap.
            found = list(islice(self.rule(self.dtstart), count))
            return found[-1] if len(found) == count else None
        # A day or shorter: read one cycle (moved near year 9999), then repeat it.
        cycle = self.cycle_years
        years = self._cycles_to_top(self.dtstart.year + cycle)
        start = _shift(self.dtstart, years)
        if start.year + cycle > _TOP_YEAR + 1:
            found = list(islice(self.rule(self.dtstart), count))
            return found[-1] if len(found) == count else None
        stop = _shift(start, cycle)
        one: list[dt.datetime] = []
        for occurrence in self.rule(start):
            if occurrence >= stop or len(one) == count:
                break
            one.append(occurrence)
        if not one:
            return None
        laps, index = divmod(count - 1, len(one))
        target = one[index].year - years + laps * cycle
        return None if target > 9999 else one[index].replace(year=target)


def read_rule(rule: str, dtstart: dt.datetime, *, where: str) -> Recurrence:
    """Check ``rule`` (upper-case, without ``RRULE:``) and return it ready to expand.

    Raises:
        DefinitionError: the text is malformed, breaks a limit or the RFC 5545
            table, or yields no occurrence at all.
    """
    if "DTSTART" in rule:
        raise _refuse(
            where, "leave DTSTART out of the rule; pass start='YYYY-MM-DD' and at='HH:MM'"
        )
    parts = _check_text(rule, where)
    _freq, _interval, count = _check_parts(parts, where)
    try:
        parsed = rrulestr(rule, dtstart=dtstart)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError) as error:
        raise _refuse(
            where,
            f"not an RFC 5545 RRULE ({error}); write it like 'FREQ=MONTHLY;BYDAY=2SU' or "
            "'FREQ=WEEKLY;BYDAY=SA'",
        ) from None
    until = getattr(parsed, "_until", None)
    if not isinstance(parsed, rrule) or (until is not None and until.tzinfo is not None):
        raise _refuse(where, "give one RRULE with a floating (zone-less) UNTIL; the zone is tz=")
    recurrence = Recurrence(parsed, where=where)
    try:
        if count is not None:
            recurrence.until = recurrence.nth(count)
            empty = recurrence.until is None and recurrence.first() is None
        else:
            empty = recurrence.first() is None
    except ValueError as error:  # dateutil finds some empty combinations only while expanding
        raise _refuse(where, f"the rule yields no occurrence ({error})") from None
    if empty:
        raise _refuse(
            where,
            f"the rule yields no occurrence at all from {dtstart.isoformat()}; check its "
            "BYxxx parts (such as BYMONTH=2;BYMONTHDAY=30) and UNTIL",
        )
    return recurrence
