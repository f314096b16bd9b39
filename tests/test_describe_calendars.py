"""Calendars, billing-period rules and periods in words, and the holidays inside a calendar.

The descriptions are contract text: the agreement document and the credit
statement print them, so each wording here is pinned exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit import strategies as sst
from slakit._time._calendar import Union, _country_words, holidays_in
from slakit._time._instant import US_PER_DAY
from slakit._time._periods import Period, PeriodRule
from slakit.exceptions import DefinitionError
from tests.strategies import T0, SpansCalendar

BERLIN = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin")
BERLIN_HOLIDAYS = sla.holidays("DE", subdiv="BE")
SATURDAY = sla.weekly("Sat 10:00-14:00", tz="Europe/Berlin")
EVE = sla.dates("12-24", "12-31")
SLOT = sla.recurring(
    "FREQ=MONTHLY;BYDAY=2SU", start="2026-01-01", at="02:00", duration=sla.hours(2), tz="UTC"
)
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

OFFICE = "Monday to Friday, 08:00 to 18:00 (Europe/Berlin time)"
PUBLIC = "public holidays in Germany (Berlin)"
SAT = "Saturday, 10:00 to 14:00 (Europe/Berlin time)"


def recurring(rule: str, *, start: str = "2026-01-01", at: str = "00:00") -> sla.Calendar:
    """Return a one-hour recurring calendar in UTC."""
    return sla.recurring(rule, start=start, at=at, duration=sla.hours(1), tz="UTC")


# --- each calendar in words --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calendar", "words"),
    [
        # every instant, and none
        (sla.always(), "at all times"),
        (sla.never(), "never"),
        # weekly hours: day runs, day lists, several ranges and groups, whole days, midnight
        (BERLIN, OFFICE),
        (
            sla.weekly("Mon-Fri 08:00-18:00; Sat 09:00-13:00", tz="America/New_York"),
            "Monday to Friday, 08:00 to 18:00; Saturday, 09:00 to 13:00 (America/New_York time)",
        ),
        (
            sla.weekly("Mon,Wed,Fri 09:00-17:00", tz="UTC"),
            "Monday, Wednesday and Friday, 09:00 to 17:00 (UTC)",
        ),
        (sla.weekly("Sat-Sun 00:00-24:00", tz="UTC"), "Saturday and Sunday, all day (UTC)"),
        (sla.weekly("daily 00:00-24:00", tz="UTC"), "every day, all day (UTC)"),
        (
            sla.weekly("Mon-Wed,Fri 08:00-12:00,13:00-17:00", tz="UTC"),
            "Monday to Wednesday and Friday, 08:00 to 12:00 and 13:00 to 17:00 (UTC)",
        ),
        (
            sla.weekly("Sun-Thu 22:00-06:00", tz="Asia/Jerusalem"),
            "Sunday to Thursday, 22:00 to 06:00 the next day (Asia/Jerusalem time)",
        ),
        (sla.weekly("Fri-Mon 18:00-24:00", tz="UTC"), "Friday to Monday, 18:00 to 24:00 (UTC)"),
        # holidays: country and subdivision by name, "the", categories, an own zone
        (BERLIN_HOLIDAYS, PUBLIC),
        (sla.holidays("US", subdiv="CA"), "public holidays in the United States (California)"),
        (sla.holidays("GB", subdiv="SCT"), "public holidays in the United Kingdom (Scotland)"),
        (sla.holidays("NL"), "public holidays in the Netherlands"),
        (
            sla.holidays("BA", nationwide=True),
            "nationwide public holidays in Bosnia and Herzegovina",
        ),
        (sla.holidays("FR", subdiv="971"), "public holidays in France (Guadeloupe)"),
        (sla.holidays("DE", subdiv="Augsburg"), "public holidays in Germany (Augsburg)"),
        (
            sla.holidays("US", nationwide=True, categories=["public", "half_day"]),
            "nationwide public and half-day holidays in the United States",
        ),
        (
            sla.holidays("AU", nationwide=True, categories="bank"),
            "nationwide bank holidays in Australia",
        ),
        (
            sla.holidays("CH", subdiv="BE", tz="Europe/Zurich"),
            "public holidays in Switzerland (Bern), as whole days in Europe/Zurich time",
        ),
        # dates: one, two, a run of three or more, every year, hours of them, a zone
        (sla.dates("2026-12-24"), "the day 24 Dec 2026"),
        (sla.dates("2026-12-24", "2026-12-31"), "the days 24 Dec 2026 and 31 Dec 2026"),
        (sla.dates("2026-12-24", "2026-12-25"), "the days 24 Dec 2026 and 25 Dec 2026"),
        (
            sla.dates("2026-12-24", "2026-12-25", "2026-12-26", "2027-01-01"),
            "the days 24 Dec 2026 to 26 Dec 2026 and 1 Jan 2027",
        ),
        (sla.dates("12-24"), "the day 24 Dec every year"),
        (EVE, "the days 24 Dec and 31 Dec every year"),
        (
            sla.dates("12-31", "2026-12-24"),
            "the days 24 Dec 2026 and 31 Dec every year",
        ),
        (
            sla.dates(dt.date(2026, 12, 24), hours="12:00-24:00", tz="Europe/Berlin"),
            "12:00 to 24:00 on the day 24 Dec 2026 (Europe/Berlin time)",
        ),
        (sla.dates("2026-12-24", hours="00:00-24:00"), "the day 24 Dec 2026"),
        # recurring windows: frequency, interval, days, times, duration, start, limits
        (
            sla.recurring(
                "FREQ=MONTHLY;BYDAY=2SU",
                start="2026-01-01",
                at="02:00",
                duration=sla.hours(2),
                tz="Europe/Berlin",
            ),
            (
                "every month on the second Sunday, for 2 hours from 02:00, "
                "starting 1 Jan 2026 (Europe/Berlin time)"
            ),
        ),
        (
            sla.recurring(
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU",
                start="2026-01-03",
                at="22:00",
                duration=sla.minutes(90),
                tz="UTC",
            ),
            (
                "every 2 weeks on Saturday and Sunday, for 1 hour 30 minutes from 22:00, "
                "starting 3 Jan 2026 (UTC)"
            ),
        ),
        (
            recurring("FREQ=WEEKLY", at="22:00"),  # 1 Jan 2026 is a Thursday
            "every week on Thursday, for 1 hour from 22:00, starting 1 Jan 2026 (UTC)",
        ),
        (
            recurring("FREQ=YEARLY", start="2026-12-24"),
            "every year on 24 Dec, for 1 hour from 00:00, starting 24 Dec 2026 (UTC)",
        ),
        (
            recurring("FREQ=YEARLY;BYMONTH=9;BYDAY=1MO"),
            (
                "every year on the first Monday in September, for 1 hour from 00:00, "
                "starting 1 Jan 2026 (UTC)"
            ),
        ),
        (
            recurring("FREQ=MONTHLY;BYDAY=-1FR,-2FR"),
            (
                "every month on the last Friday and the second-to-last Friday, for 1 hour from "
                "00:00, starting 1 Jan 2026 (UTC)"
            ),
        ),
        (
            recurring("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", at="18:00"),
            (
                "every month on Monday to Friday, taking only the last of these in each month, "
                "for 1 hour from 18:00, starting 1 Jan 2026 (UTC)"
            ),
        ),
        (
            recurring("FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR"),
            (
                "every month on the 13th, when that day is a Friday, for 1 hour from 00:00, "
                "starting 1 Jan 2026 (UTC)"
            ),
        ),
        (
            recurring("FREQ=MONTHLY;BYMONTHDAY=-1;BYMONTH=3,6,9,12"),
            (
                "every month on the last day, only in March, June, September and December, "
                "for 1 hour from 00:00, starting 1 Jan 2026 (UTC)"
            ),
        ),
        (
            recurring("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9,17;COUNT=10"),
            (
                "every day, only on Monday to Friday, for 1 hour from each of 09:00 and 17:00, "
                "starting 1 Jan 2026, 10 windows in all (UTC)"
            ),
        ),
        (
            recurring("FREQ=DAILY;COUNT=1;BYMINUTE=15;BYSECOND=30", at="06:00"),
            "every day, for 1 hour from 06:15:30, starting 1 Jan 2026, 1 window in all (UTC)",
        ),
        (
            recurring("FREQ=MONTHLY", start="2026-01-15"),
            "every month on the 15th, for 1 hour from 00:00, starting 15 Jan 2026 (UTC)",
        ),
        (
            recurring("FREQ=HOURLY;BYSECOND=30"),
            "every hour, at second 30, for 1 hour each time, starting at 00:00 on 1 Jan 2026 (UTC)",
        ),
        (
            recurring("FREQ=DAILY;BYMONTHDAY=1,-1", at="23:00"),
            (
                "every day, only on the 1st and the last day of the month, for 1 hour from 23:00, "
                "starting 1 Jan 2026 (UTC)"
            ),
        ),
        (
            recurring("FREQ=HOURLY;INTERVAL=6", at="02:00"),
            "every 6 hours, for 1 hour each time, starting at 02:00 on 1 Jan 2026 (UTC)",
        ),
        (
            recurring("FREQ=HOURLY;BYHOUR=9,10;BYMINUTE=0,30"),
            (
                "every hour, only in the hours starting 09:00 and 10:00, at 0 and 30 minutes past "
                "the hour, for 1 hour each time, starting at 00:00 on 1 Jan 2026 (UTC)"
            ),
        ),
        (
            recurring("FREQ=YEARLY;BYYEARDAY=1,-1;UNTIL=20301231"),
            (
                "every year on day 1 of the year and the last day of the year, for 1 hour from "
                "00:00, starting 1 Jan 2026, with no window opening after 31 Dec 2030 00:00 (UTC)"
            ),
        ),
        (
            recurring("FREQ=YEARLY;BYWEEKNO=1,-1;BYDAY=MO;WKST=SU"),
            (
                "every year on Monday in week 1 and the last week of the year, with weeks "
                "starting on Sunday, for 1 hour from 00:00, starting 1 Jan 2026 (UTC)"
            ),
        ),
        (
            recurring("FREQ=YEARLY;BYMONTHDAY=1,-2"),
            (
                "every year on the 1st and the second-to-last day of each month, for 1 hour from "
                "00:00, starting 1 Jan 2026 (UTC)"
            ),
        ),
        (
            recurring("FREQ=YEARLY;BYDAY=20MO"),
            (
                "every year on the 20th Monday of the year, for 1 hour from 00:00, "
                "starting 1 Jan 2026 (UTC)"
            ),
        ),
        (
            recurring("FREQ=MINUTELY;INTERVAL=15;BYMINUTE=0,15;UNTIL=20260102T120000"),
            (
                "every 15 minutes, at 0 and 15 minutes past the hour, for 1 hour each time, "
                "starting at 00:00 on 1 Jan 2026, with no window opening after "
                "2 Jan 2026 12:00 (UTC)"
            ),
        ),
    ],
)
def test_each_calendar_in_words(calendar: sla.Calendar, words: str) -> None:
    """Each calendar describes itself in exact contract prose."""
    assert calendar.describe() == words


@pytest.mark.parametrize(
    ("calendar", "words"),
    [
        # one operator
        (BERLIN - BERLIN_HOLIDAYS, f"{OFFICE}, except {PUBLIC}"),
        (BERLIN | SATURDAY, f"{OFFICE}, or {SAT}"),
        (BERLIN & EVE, f"{OFFICE}, and only during the days 24 Dec and 31 Dec every year"),
        (~BERLIN, f"outside {OFFICE}"),
        # a union removed reads as one "except" per calendar
        (
            BERLIN - BERLIN_HOLIDAYS - EVE,
            f"{OFFICE}, except {PUBLIC}, and except the days 24 Dec and 31 Dec every year",
        ),
        # two deep: a combination inside another is bracketed
        (
            (BERLIN - BERLIN_HOLIDAYS) | SATURDAY,
            f"({OFFICE}, except {PUBLIC}), or {SAT}",
        ),
        (
            (BERLIN | SATURDAY) - BERLIN_HOLIDAYS,
            f"({OFFICE}, or {SAT}), except {PUBLIC}",
        ),
        (~(BERLIN - BERLIN_HOLIDAYS), f"outside ({OFFICE}, except {PUBLIC})"),
        (~BERLIN | BERLIN_HOLIDAYS, f"(outside {OFFICE}), or {PUBLIC}"),
        (BERLIN & ~BERLIN_HOLIDAYS, f"{OFFICE}, and only outside {PUBLIC}"),
        (BERLIN - ~EVE, f"{OFFICE}, except outside the days 24 Dec and 31 Dec every year"),
        # weekly hours of several groups are bracketed as an operand
        (
            sla.weekly("Mon-Fri 08:00-18:00; Sat 09:00-13:00", tz="UTC")
            - sla.holidays("US", nationwide=True),
            (
                "(Monday to Friday, 08:00 to 18:00; Saturday, 09:00 to 13:00 (UTC)), "
                "except nationwide public holidays in the United States"
            ),
        ),
        # three deep
        (
            ((BERLIN - BERLIN_HOLIDAYS) | SATURDAY) & ~EVE,
            (
                f"(({OFFICE}, except {PUBLIC}), or {SAT}), "
                "and only outside the days 24 Dec and 31 Dec every year"
            ),
        ),
        (
            (BERLIN - (BERLIN_HOLIDAYS & SATURDAY)) | (SLOT - EVE),
            (
                f"({OFFICE}, except ({PUBLIC}, and only during {SAT})), or (every month on the "
                "second Sunday, for 2 hours from 02:00, starting 1 Jan 2026 (UTC), except the "
                "days 24 Dec and 31 Dec every year)"
            ),
        ),
    ],
)
def test_combinations_in_words(calendar: sla.Calendar, words: str) -> None:
    """Combinations join their parts in words, bracketing every nested combination."""
    assert calendar.describe() == words


def test_a_country_the_registry_does_not_name_keeps_its_code() -> None:
    """A code missing from the holidays package's registry is written as the code."""
    assert _country_words("ZZ") == "ZZ"
    assert _country_words("DEU") == "Germany"  # alpha-3 codes are named too


def test_equal_calendars_read_the_same() -> None:
    """Composition is canonical, so its grouping never changes the words."""
    a, b, c = BERLIN, SATURDAY, EVE
    assert (a | (b | c)).describe() == ((a | b) | c).describe() == sla.union(a, b, c).describe()
    assert ((a - b) - c).describe() == (a - (b | c)).describe()


def _brackets_balance(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


_LEAVES = st.sampled_from(
    [BERLIN, BERLIN_HOLIDAYS, SATURDAY, EVE, SLOT, sla.weekly("Mon 22:00-06:00", tz="UTC")]
)
_TREES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda p: p[0] | p[1]),
        st.tuples(inner, inner).map(lambda p: p[0] & p[1]),
        st.tuples(inner, inner).map(lambda p: p[0] - p[1]),
        inner.map(lambda c: ~c),
    ),
    max_leaves=6,
)


@given(st.one_of(sst.calendars(), _TREES))
def test_words_are_prose_not_code(calendar: sla.Calendar) -> None:
    """No description holds code (quotes, ``=``, operators), and its brackets balance."""
    words = calendar.describe()
    assert words
    assert not re.search(r"['=|&~]|\w\(", words), words
    assert _brackets_balance(words), words


_WEEK_GROUPS = st.lists(
    st.tuples(
        st.sets(st.integers(0, 6), min_size=1),
        st.integers(0, 47),
        st.integers(1, 48),
    ).filter(lambda g: g[1] != g[2]),
    min_size=1,
    max_size=3,
)


def _spec(groups: list[tuple[set[int], int, int]]) -> str:
    def clock(half_hours: int) -> str:
        return f"{half_hours // 2:02d}:{half_hours % 2 * 30:02d}"

    return "; ".join(
        f"{','.join(DAY_NAMES[d] for d in sorted(days))} {clock(a)}-{clock(b)}"
        for days, a, b in groups
    )


@given(_WEEK_GROUPS, _WEEK_GROUPS)
def test_different_weekly_hours_read_differently(
    first: list[tuple[set[int], int, int]], second: list[tuple[set[int], int, int]]
) -> None:
    """Two weekly calendars read the same exactly when they are the same calendar."""
    a = sla.weekly(_spec(first), tz="UTC")
    b = sla.weekly(_spec(second), tz="UTC")
    assert (a.describe() == b.describe()) == (a == b)


def test_a_calendar_of_your_own_is_shown_by_its_call() -> None:
    """A calendar class without ``describe()`` is named by its repr, so documents still render."""
    own = SpansCalendar(spans=((T0, T0 + 1),))
    assert own.describe() == f"the calendar {own!r}"
    assert (BERLIN - own).describe().endswith(f", except the calendar {own!r}")


# --- the holidays inside a calendar ------------------------------------------------------------

OCTOBER = ("2026-10-01T00:00:00+02:00", "2026-11-01T00:00:00+01:00")
DECEMBER = ("2026-12-01T00:00:00+01:00", "2027-01-01T00:00:00+01:00")
REMOVED = "not service hours"
ADDED = "service hours"


def test_berlin_october_has_unity_day_but_not_reformation_day() -> None:
    """Berlin keeps 3 Oct; 31 Oct (Reformation Day) is a holiday in Brandenburg, not Berlin."""
    assert holidays_in(BERLIN - BERLIN_HOLIDAYS, *OCTOBER) == [
        (dt.date(2026, 10, 3), "German Unity Day", REMOVED)
    ]
    brandenburg = BERLIN - sla.holidays("DE", subdiv="BB")
    assert holidays_in(brandenburg, *OCTOBER) == [
        (dt.date(2026, 10, 3), "German Unity Day", REMOVED),
        (dt.date(2026, 10, 31), "Reformation Day", REMOVED),
    ]


def test_december_in_the_weekly_zone() -> None:
    """Zone-less holidays draw their days in the weekly part's zone, not in UTC nor ``tz``."""
    expected = [
        (dt.date(2026, 12, 25), "Christmas Day", REMOVED),
        (dt.date(2026, 12, 26), "Second Day of Christmas", REMOVED),
    ]
    calendar = BERLIN - BERLIN_HOLIDAYS
    assert holidays_in(calendar, *DECEMBER) == expected
    assert holidays_in(calendar, *DECEMBER, tz="Pacific/Auckland") == expected
    # 24 Dec 23:30 UTC is already Christmas Day in Berlin, but not in UTC.
    night = ("2026-12-24T23:00:00Z", "2026-12-24T23:30:00Z")
    assert holidays_in(calendar, *night) == expected[:1]
    assert holidays_in(sla.weekly("daily 00:00-24:00", tz="UTC") - BERLIN_HOLIDAYS, *night) == []


def test_holidays_of_their_own_zone_keep_it() -> None:
    """Holidays with ``tz=`` draw their days in it, whatever they are combined with."""
    tokyo = sla.holidays("DE", subdiv="BE", tz="Asia/Tokyo")
    # 25 Dec 00:30 in Tokyo is 24 Dec 15:30 UTC, still 24 Dec in Berlin.
    span = ("2026-12-24T15:00:00Z", "2026-12-24T16:00:00Z")
    assert holidays_in(BERLIN - tokyo, *span) == [(dt.date(2026, 12, 25), "Christmas Day", REMOVED)]
    assert holidays_in(BERLIN - BERLIN_HOLIDAYS, *span) == []


def test_tz_serves_holidays_that_find_no_zone() -> None:
    """A calendar with no zone anywhere takes ``tz``, and without it is refused."""
    assert holidays_in(~BERLIN_HOLIDAYS, *OCTOBER, tz="Europe/Berlin") == [
        (dt.date(2026, 10, 3), "German Unity Day", REMOVED)
    ]
    with pytest.raises(DefinitionError, match=r"holidays_in\(\).*has no zone") as caught:
        holidays_in(BERLIN_HOLIDAYS, *OCTOBER)
    assert caught.value.name == "tz"


@pytest.mark.parametrize(
    ("calendar", "roles"),
    [
        # subtracted or complemented: the holidays remove service hours
        (BERLIN - BERLIN_HOLIDAYS, [REMOVED]),
        (~BERLIN_HOLIDAYS | BERLIN, [REMOVED]),
        (BERLIN & ~BERLIN_HOLIDAYS, [REMOVED]),
        (SATURDAY - (BERLIN - BERLIN_HOLIDAYS), [ADDED]),  # removed from what is removed
        # in a union or an intersection: the holidays add service hours
        (BERLIN | BERLIN_HOLIDAYS, [ADDED]),
        (BERLIN_HOLIDAYS & SATURDAY, [ADDED]),
        (BERLIN - ~BERLIN_HOLIDAYS, [ADDED]),
        # both at once: each role listed
        ((BERLIN - BERLIN_HOLIDAYS) | (BERLIN_HOLIDAYS & SATURDAY), [REMOVED, ADDED]),
    ],
)
def test_how_holidays_act(calendar: sla.Calendar, roles: list[str]) -> None:
    """Each holiday says whether it removes service hours or adds them."""
    found = holidays_in(calendar, *OCTOBER)
    assert found == sorted((dt.date(2026, 10, 3), "German Unity Day", r) for r in roles)


def test_each_holiday_once() -> None:
    """A holiday calendar used twice lists each holiday once; two holidays on a day, apart."""
    twice = (BERLIN - BERLIN_HOLIDAYS) | (SATURDAY - BERLIN_HOLIDAYS)
    assert isinstance(twice, Union)
    assert holidays_in(twice, *DECEMBER) == holidays_in(BERLIN - BERLIN_HOLIDAYS, *DECEMBER)
    assert len(holidays_in(twice, *DECEMBER)) == 2
    # In 2008 Ascension Day fell on 1 May, Labour Day.
    may_day = ("2008-05-01T00:00:00+02:00", "2008-05-02T00:00:00+02:00")
    assert holidays_in(BERLIN - sla.holidays("DE", nationwide=True), *may_day) == [
        (dt.date(2008, 5, 1), "Ascension Day", REMOVED),
        (dt.date(2008, 5, 1), "Labor Day", REMOVED),
    ]


@pytest.mark.parametrize(
    "calendar",
    [BERLIN, sla.always(), sla.never(), EVE, SLOT, BERLIN - EVE, ~(BERLIN | SATURDAY)],
)
def test_no_holidays_no_rows(calendar: sla.Calendar) -> None:
    """A calendar without holiday calendars lists none."""
    assert holidays_in(calendar, *DECEMBER) == []


def test_span_bounds() -> None:
    """An empty span lists nothing; a span that ends before it starts is refused."""
    assert holidays_in(BERLIN - BERLIN_HOLIDAYS, T0, T0) == []
    with pytest.raises(DefinitionError, match=r"end_us=.* lies before start_us="):
        holidays_in(BERLIN - BERLIN_HOLIDAYS, T0, T0 - 1)


def _local_days(line: sla.Timeline) -> set[dt.date]:
    berlin = ZoneInfo("Europe/Berlin")
    return {span.start_datetime.astimezone(berlin).date() for span in line}


def test_listed_holidays_are_the_weekdays_the_calendar_loses() -> None:
    """Over 2026, the weekdays that lose their hours are exactly the listed holidays."""
    calendar = BERLIN - BERLIN_HOLIDAYS
    start, end = "2026-01-01T00:00:00+01:00", "2027-01-01T00:00:00+01:00"
    listed = {day for day, _name, _role in holidays_in(calendar, start, end)}
    lost = _local_days(BERLIN.timeline(start, end)) - _local_days(calendar.timeline(start, end))
    assert lost == {day for day in listed if day.weekday() < 5}
    assert len(lost) == 7  # ten Berlin holidays in 2026; 8 Mar, 3 Oct and 26 Dec are weekends


# --- billing periods in words ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        # months: calendar, anchored, anchored late in the month
        (sla.monthly(tz="UTC"), "calendar months in UTC"),
        (sla.monthly(tz="America/New_York"), "calendar months in America/New_York time"),
        (
            sla.monthly(tz="America/New_York", day=15),
            "months starting on the 15th, in America/New_York time",
        ),
        (sla.monthly(day=2), "months starting on the 2nd, in UTC"),
        (sla.monthly(day=23), "months starting on the 23rd, in UTC"),
        (sla.monthly(day=28), "months starting on the 28th, in UTC"),
        (
            sla.monthly(day=29),
            "months starting on the 29th (or on the last day of a shorter month), in UTC",
        ),
        (
            sla.monthly(day=31),
            "months starting on the 31st (or on the last day of a shorter month), in UTC",
        ),
        # quarters and years, calendar and fiscal
        (sla.quarterly(), "calendar quarters in UTC"),
        (
            sla.quarterly(start_month=2),
            "quarters starting in February, May, August and November, in UTC",
        ),
        (
            sla.quarterly(tz="Europe/Berlin", start_month=4),
            "quarters starting in April, July, October and January, in Europe/Berlin time",
        ),
        (sla.yearly(tz="Europe/Berlin"), "calendar years in Europe/Berlin time"),
        (sla.yearly(start_month=7), "years starting on 1 July, in UTC"),
        # weeks and rolling days
        (sla.weekly_periods(), "weeks starting on Monday, in UTC"),
        (
            sla.weekly_periods(starting="Sun", tz="Asia/Tokyo"),
            "weeks starting on Sunday, in Asia/Tokyo time",
        ),
        (
            sla.rolling(days=30, start="2026-01-01"),
            "consecutive 30-day periods counted from 1 Jan 2026, in UTC",
        ),
        (
            sla.rolling(days=7, start=dt.date(2026, 3, 2), tz="Europe/London"),
            "consecutive 7-day periods counted from 2 Mar 2026, in Europe/London time",
        ),
    ],
)
def test_each_period_rule_in_words(rule: sla.PeriodRule, words: str) -> None:
    """Each billing-period rule describes itself in exact contract prose."""
    assert rule.describe() == words


def test_a_period_rule_of_your_own_is_shown_by_its_call() -> None:
    """A rule class without ``describe()`` is named by its repr."""

    class Fixed(PeriodRule):
        def period(self, label: str) -> Period:
            return Period(0, 1, label, self.tz)

        def containing(self, instant: object) -> Period:
            return self.period("x")

    assert Fixed().describe() == f"the billing periods {Fixed()!r}"


@given(sst.period_rules())
def test_period_rules_read_as_prose(rule: sla.PeriodRule) -> None:
    """No rule's description holds code, and it names the rule's zone."""
    words = rule.describe()
    assert not re.search(r"['=]|\w\(", words), words
    assert rule.tz in words


@pytest.mark.parametrize(
    ("period", "words"),
    [
        # calendar months, quarters and years by name
        (
            sla.monthly(tz="America/New_York").period("2026-10"),
            "October 2026 (1 Oct 2026 00:00 to 1 Nov 2026 00:00, America/New_York time)",
        ),
        (
            sla.quarterly().period("2026-Q3"),
            "Q3 2026 (1 Jul 2026 00:00 to 1 Oct 2026 00:00, UTC)",
        ),
        (sla.yearly().period("2026"), "2026 (1 Jan 2026 00:00 to 1 Jan 2027 00:00, UTC)"),
        # anything else by its label
        (
            sla.monthly(day=15).period("2026-10"),
            "2026-10 (15 Oct 2026 00:00 to 15 Nov 2026 00:00, UTC)",
        ),
        (
            sla.quarterly(start_month=4).period("2026-Q1"),
            "2026-Q1 (1 Apr 2026 00:00 to 1 Jul 2026 00:00, UTC)",
        ),
        (
            sla.weekly_periods(tz="Europe/Berlin").period("2026-W43"),
            "2026-10-19 (19 Oct 2026 00:00 to 26 Oct 2026 00:00, Europe/Berlin time)",
        ),
        (
            Period(T0, T0 + 1_500_000, "test", "UTC"),
            "test (1 Oct 2026 00:00 to 1 Oct 2026 00:00:01.500000, UTC)",
        ),
        # a label that looks calendar but spans otherwise keeps the label
        (
            Period(T0, T0 + 2 * 31 * US_PER_DAY, "2026-10", "UTC"),
            "2026-10 (1 Oct 2026 00:00 to 2 Dec 2026 00:00, UTC)",
        ),
    ],
)
def test_each_period_in_words(period: Period, words: str) -> None:
    """A period reads as its name, its local bounds and its zone."""
    assert period.describe() == words
