"""Calendars (service windows): weekly hours, holidays, dates, RRULE windows, composition."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit._time._instant import US_PER_HOUR, US_PER_MINUTE, local_to_us, to_us
from slakit._time._zones import local_to_utc, utc_to_local
from slakit.exceptions import DefinitionError, NaiveDatetimeError, UnknownZoneError

H = US_PER_HOUR
M = US_PER_MINUTE
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "UTC",
)
#: Local dates of the 2026 DST transitions in the zones above.
TRANSITION_DAYS = (
    dt.date(2026, 3, 29),
    dt.date(2026, 10, 25),  # Berlin
    dt.date(2026, 3, 8),
    dt.date(2026, 11, 1),  # New York
    dt.date(2026, 4, 5),
    dt.date(2026, 10, 4),  # Sydney and Lord Howe
)
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def utc(text: str) -> int:
    """Return microseconds of a UTC wall time written without the Z."""
    return to_us(text + "Z")


def spans(line: sla.Timeline) -> list[tuple[str, str]]:
    """Return a timeline's spans as pairs of UTC ISO strings, for readable assertions."""
    return [(str(s.start_datetime)[:16], str(s.end_datetime)[:16]) for s in line]


# --- the slow model --------------------------------------------------------------------------


def model_minutes(
    rows: Sequence[tuple[int, int, int]],
    tz: str,
    lo: int,
    hi: int,
    removed_days: Sequence[dt.date] = (),
) -> np.ndarray:
    """Return, minute by minute over ``[lo, hi)``, whether the weekly rows hold it.

    Each window's bounds come from zoneinfo one at a time (the compatible rule of
    :func:`local_to_us`); a minute is in service when some window of its local
    day or of the day before holds it, and its local day is not removed.
    """

    @functools.cache
    def bounds(day: dt.date, a: int, b: int) -> tuple[int, int]:
        base = dt.datetime(day.year, day.month, day.day)
        return (
            local_to_us(base + dt.timedelta(minutes=a), tz),
            local_to_us(base + dt.timedelta(minutes=b), tz),
        )

    @functools.cache
    def removed(day: dt.date) -> tuple[int, int]:
        return bounds(day, 0, 1440)

    zone = sla.weekly("Mon 00:00-01:00", tz=tz)  # validates the zone name
    assert zone.tz == tz
    from zoneinfo import ZoneInfo

    info = ZoneInfo(tz)
    out = np.zeros((hi - lo) // M, dtype=bool)
    for i in range(out.shape[0]):
        t = lo + i * M
        local_day = (
            (dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=t))
            .astimezone(info)
            .date()
        )
        held = False
        for day in (local_day - dt.timedelta(days=1), local_day):
            for wd, a, b in rows:
                if day.weekday() == wd:
                    s, e = bounds(day, a, b)
                    held = held or s <= t < e
        for day in removed_days:
            s, e = removed(day)
            held = held and not s <= t < e
        out[i] = held
    return out


def minutes_to_timeline(held: np.ndarray, lo: int) -> sla.Timeline:
    starts = lo + np.flatnonzero(held) * M
    return sla.Timeline.from_arrays(starts, starts + M)


@st.composite
def weekly_rows(draw: st.DrawFn) -> list[tuple[int, int, int]]:
    """Draw weekly rows ``(weekday, start minute, end minute)`` on a 15-minute grid."""
    rows: list[tuple[int, int, int]] = []
    for _ in range(draw(st.integers(1, 4))):
        day = draw(st.integers(0, 6))
        a = draw(st.integers(0, 95)) * 15
        b = draw(st.integers(1, 96)) * 15
        if a == b:
            continue
        rows.append((day, a, b if b > a else b + 1440))
    return rows or [(6, 120, 180)]


def spec_of(rows: Sequence[tuple[int, int, int]]) -> str:
    def hhmm(m: int) -> str:
        m = m - 1440 if m > 1440 else m
        return f"{m // 60:02d}:{m % 60:02d}"

    return "; ".join(f"{DAY_NAMES[d]} {hhmm(a)}-{hhmm(b)}" for d, a, b in rows)


@st.composite
def local_start(draw: st.DrawFn) -> int:
    """Draw a UTC instant on a whole minute near a DST transition or anywhere in 2026."""
    near = draw(st.sampled_from(TRANSITION_DAYS)) - dt.timedelta(days=draw(st.integers(0, 2)))
    anywhere = dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 364)))
    day = draw(st.sampled_from((near, anywhere)))
    base = to_us(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC))
    return base + draw(st.integers(-14 * 60, 24 * 60)) * M


@given(
    rows=weekly_rows(),
    tz=st.sampled_from(ZONES),
    lo=local_start(),
    minutes=st.integers(1, 3 * 1440),
    drop=st.booleans(),
)
def test_weekly_materialisation_matches_a_minute_by_minute_model(
    rows: list[tuple[int, int, int]], tz: str, lo: int, minutes: int, drop: bool
) -> None:
    """Vectorised weekly hours (minus a removed day) equal the slow zoneinfo model."""
    hi = lo + minutes * M
    calendar: sla.Calendar = sla.weekly(spec_of(rows), tz=tz)
    removed: list[dt.date] = []
    if drop:
        local = utc_to_local(np.array([lo]), tz)[0] // (1440 * M)
        removed = [dt.date(1970, 1, 1) + dt.timedelta(days=int(local) + 1)]
        calendar = calendar - sla.dates(removed[0])
    expected = minutes_to_timeline(model_minutes(rows, tz, lo, hi, removed), lo)
    assert calendar.timeline(lo, hi) == expected


# --- zone conversion -------------------------------------------------------------------------


@given(
    tz=st.sampled_from((*ZONES, "America/Santiago", "Pacific/Chatham", "Asia/Tehran")),
    wall=st.datetimes(dt.datetime(1975, 1, 1), dt.datetime(2045, 12, 31)),
)
def test_vectorised_zone_conversion_agrees_with_zoneinfo(tz: str, wall: dt.datetime) -> None:
    """local_to_utc and utc_to_local agree with zoneinfo, folds and gaps included."""
    wall_us = (wall - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)
    instant = local_to_us(wall, tz)
    assert int(local_to_utc(np.array([wall_us]), tz)[0]) == instant
    back = sla.Span(instant, instant + 1).start_datetime.astimezone(
        __import__("zoneinfo").ZoneInfo(tz)
    )
    back_us = (back.replace(tzinfo=None) - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)
    assert int(utc_to_local(np.array([instant]), tz)[0]) == back_us


@pytest.mark.parametrize("tz", ZONES)
def test_zone_conversion_on_every_minute_of_the_transition_days(tz: str) -> None:
    """Every wall-clock minute of each 2026 transition day converts as zoneinfo does."""
    for day in TRANSITION_DAYS:
        base = dt.datetime(day.year, day.month, day.day)
        walls = [base + dt.timedelta(minutes=m) for m in range(0, 1440, 5)]
        wall_us = np.array(
            [(w - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1) for w in walls]
        )
        expected = np.array([local_to_us(w, tz) for w in walls])
        assert np.array_equal(local_to_utc(wall_us, tz), expected)


# --- weekly hours on transition days ---------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "day", "hours"),
    [
        # spring forward: the local day is short
        ("Europe/Berlin", "2026-03-29", 23),
        ("America/New_York", "2026-03-08", 23),
        ("Australia/Sydney", "2026-10-04", 23),
        ("Australia/Lord_Howe", "2026-10-04", 23.5),
        # fall back: the local day is long
        ("Europe/Berlin", "2026-10-25", 25),
        ("America/New_York", "2026-11-01", 25),
        ("Australia/Sydney", "2026-04-05", 25),
        ("Australia/Lord_Howe", "2026-04-05", 24.5),
        # no DST at all, a half-hour offset
        ("Asia/Kolkata", "2026-03-29", 24),
    ],
)
def test_a_whole_day_lasts_as_long_as_the_local_day(tz: str, day: str, hours: float) -> None:
    """'00:00-24:00' on a transition day is 23, 23.5, 24.5 or 25 hours of real time."""
    weekday = DAY_NAMES[dt.date.fromisoformat(day).weekday()]
    calendar = sla.weekly(f"{weekday} 00:00-24:00", tz=tz)
    period = sla.parse_period(day, tz=tz)
    assert calendar.materialize(period).measure() == int(hours * H)
    assert calendar.materialize(period) == sla.Timeline([period.span])


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        # a range clear of the gap is unaffected (CEST is UTC+2)
        ("Sun 08:00-18:00", [("2026-03-29 06:00", "2026-03-29 16:00")]),
        # a start in the skipped hour moves forward by the gap: 02:30 reads as 03:30 CEST
        ("Sun 02:30-04:00", [("2026-03-29 01:30", "2026-03-29 02:00")]),
        # an end in the skipped hour moves forward too: 01:00 CET to 03:30 CEST
        ("Sun 01:00-02:30", [("2026-03-29 00:00", "2026-03-29 01:30")]),
        # both bounds in the gap: 03:15 to 03:45 CEST
        ("Sun 02:15-02:45", [("2026-03-29 01:15", "2026-03-29 01:45")]),
        # a start in the gap that resolves after the end leaves the window empty that day
        ("Sun 02:30-03:15", []),
        # across midnight into the short night: 22:00 CET to 06:00 CEST is 7 hours
        ("Sat 22:00-06:00", [("2026-03-28 21:00", "2026-03-29 04:00")]),
    ],
)
def test_weekly_ranges_on_the_spring_forward_day_in_berlin(
    hours: str, expected: list[tuple[str, str]]
) -> None:
    """Each bound is resolved by the compatible rule on 29 March 2026 in Berlin."""
    calendar = sla.weekly(hours, tz="Europe/Berlin")
    line = calendar.timeline(utc("2026-03-28T12:00"), utc("2026-03-29T20:00"))
    assert spans(line) == expected


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        # a repeated bound is its first occurrence: 02:30 CEST is 00:30Z; 03:00 CET is 02:00Z
        ("Sun 02:30-03:00", [("2026-10-25 00:30", "2026-10-25 02:00")]),
        # a range ending in the repeated hour ends at its first pass
        ("Sun 00:00-02:30", [("2026-10-24 22:00", "2026-10-25 00:30")]),
        # across midnight into the long night: 22:00 CEST to 06:00 CET is 9 hours
        ("Sat 22:00-06:00", [("2026-10-24 20:00", "2026-10-25 05:00")]),
    ],
)
def test_weekly_ranges_on_the_fall_back_day_in_berlin(
    hours: str, expected: list[tuple[str, str]]
) -> None:
    """Repeated wall times take their first occurrence on 25 October 2026 in Berlin."""
    line = sla.weekly(hours, tz="Europe/Berlin").timeline(
        utc("2026-10-24T12:00"), utc("2026-10-25T20:00")
    )
    assert spans(line) == expected


def test_lord_howe_half_hour_shift() -> None:
    """In Lord Howe 02:00-02:30 is skipped on 4 October 2026; 02:00-03:00 lasts 30 minutes."""
    line = sla.weekly("Sun 02:00-03:00", tz="Australia/Lord_Howe").timeline(
        utc("2026-10-03T12:00"), utc("2026-10-04T12:00")
    )
    assert spans(line) == [("2026-10-03 15:30", "2026-10-03 16:00")]


def test_kolkata_half_hour_offset() -> None:
    """Business hours in Kolkata start at 02:30 UTC (UTC+05:30, no DST)."""
    line = sla.weekly("Mon-Fri 08:00-17:00", tz="Asia/Kolkata").timeline(
        utc("2026-10-05T00:00"), utc("2026-10-06T00:00")
    )
    assert spans(line) == [("2026-10-05 02:30", "2026-10-05 11:30")]


def test_sydney_business_week_across_the_october_change() -> None:
    """Sydney business hours move from 22:00Z to 21:00Z after the 4 October change."""
    line = sla.weekly("Fri,Mon 09:00-17:00", tz="Australia/Sydney").timeline(
        utc("2026-10-01T00:00"), utc("2026-10-06T00:00")
    )
    assert spans(line) == [
        ("2026-10-01 23:00", "2026-10-02 07:00"),  # Fri, AEST UTC+10
        ("2026-10-04 22:00", "2026-10-05 06:00"),  # Mon, AEDT UTC+11
    ]


# --- the weekly spec -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("mon-fri 8:00-18:00", "Mon-Fri 08:00-18:00"),
        ("Monday-Friday 08:00-18:00", "Mon-Fri 08:00-18:00"),
        ("Mon,Tue,Wed,Thu,Fri 08:00-18:00", "Mon-Fri 08:00-18:00"),
        ("Mon-Fri 13:00-17:00,08:00-12:00", "Mon-Fri 08:00-12:00,13:00-17:00"),
        ("Sun-Thu 08:00-17:00", "Sun-Thu 08:00-17:00"),
        ("daily 22:00-06:00", "Mon-Sun 22:00-06:00"),
        ("Mon-Fri 08:00-18:00; Sat 09:00-13:00", "Mon-Fri 08:00-18:00; Sat 09:00-13:00"),
        ("Sat 09:00-13:00; Mon-Fri 08:00-18:00", "Mon-Fri 08:00-18:00; Sat 09:00-13:00"),
        ("Mon,Wed 00:00-24:00", "Mon,Wed 00:00-24:00"),
    ],
)
def test_weekly_hours_have_one_canonical_form(written: str, canonical: str) -> None:
    """Equivalent specs are equal and print in one canonical form."""
    calendar = sla.weekly(written, tz="UTC")
    assert calendar == sla.weekly(canonical, tz="UTC")
    assert repr(calendar) == f"weekly({canonical!r}, tz='UTC')"


def test_several_ranges_per_day() -> None:
    """A lunch break splits each day into two windows."""
    line = sla.weekly("Mon 08:00-12:00,13:00-17:00", tz="UTC").timeline(
        utc("2026-10-05T00:00"), utc("2026-10-06T00:00")
    )
    assert spans(line) == [
        ("2026-10-05 08:00", "2026-10-05 12:00"),
        ("2026-10-05 13:00", "2026-10-05 17:00"),
    ]


def test_adjacent_days_merge_into_one_window() -> None:
    """24x7 written as weekly hours is one window, equal to always()."""
    lo, hi = utc("2026-10-01T00:00"), utc("2026-11-01T00:00")
    weekly = sla.weekly("daily 00:00-24:00", tz="Europe/Berlin")
    assert weekly.timeline(lo, hi) == sla.always().timeline(lo, hi)


def test_ten_years_of_business_hours_materialise_window_by_window() -> None:
    """Ten years of Berlin business hours minus holidays is 2,525 windows of 10 hours."""
    calendar = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin") - sla.holidays(
        "DE", subdiv="BE"
    )
    line = calendar.timeline(utc("2026-01-01T00:00"), utc("2036-01-01T00:00"))
    assert len(line) == 2525
    assert np.all(line.ends - line.starts == 10 * H)


# --- holidays, dates, half days --------------------------------------------------------------


def test_berlin_holidays_are_removed_from_business_hours() -> None:
    """Good Friday and Easter Monday 2026 are not business days in Berlin."""
    calendar = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin") - sla.holidays(
        "DE", subdiv="BE"
    )
    line = calendar.timeline(utc("2026-03-30T00:00"), utc("2026-04-11T00:00"))
    days = [start[:10] for start, _ in spans(line)]
    assert days == [
        "2026-03-30", "2026-03-31", "2026-04-01", "2026-04-02",
        "2026-04-07", "2026-04-08", "2026-04-09", "2026-04-10",
    ]  # fmt: skip


def test_holidays_follow_the_subdivision() -> None:
    """Women's Day (8 March 2027) is a holiday in Berlin but not in Bavaria."""
    day = sla.parse_period("2027-03-08", tz="Europe/Berlin")
    assert sla.holidays("DE", subdiv="BE", tz="Europe/Berlin").materialize(day)
    assert not sla.holidays("DE", subdiv="BY", tz="Europe/Berlin").materialize(day)


def test_holidays_resolve_every_year_a_span_needs() -> None:
    """A span across New Year holds holidays of both years."""
    names = sla.holidays("DE", subdiv="BE").names(
        "2026-12-20T00:00:00Z", "2027-01-10T00:00:00Z", tz="Europe/Berlin"
    )
    assert list(names) == [dt.date(2026, 12, 25), dt.date(2026, 12, 26), dt.date(2027, 1, 1)]
    assert names[dt.date(2027, 1, 1)] == "New Year's Day"


def test_observed_days_come_from_the_holidays_package() -> None:
    """Independence Day 2026 falls on a Saturday and is observed on Friday 3 July."""
    us = sla.holidays("US", nationwide=True, tz="America/New_York")
    assert "2026-07-03T16:00:00Z" in us
    assert us.timeline(utc("2026-07-03T00:00"), utc("2026-07-06T00:00")).measure() == 48 * H


def test_holidays_without_a_zone_take_the_zone_they_are_combined_with() -> None:
    """holidays('DE') drawn inside a Berlin calendar uses Berlin's midnights."""
    day = sla.Span("2026-10-02T00:00:00Z", "2026-10-04T00:00:00Z")
    removed = sla.always() & sla.weekly("daily 00:00-24:00", tz="Europe/Berlin")
    line = (removed - sla.holidays("DE", nationwide=True)).materialize(day)
    assert spans(line) == [  # German Unity Day is 3 October, midnight to midnight in Berlin
        ("2026-10-02 00:00", "2026-10-02 22:00"),
        ("2026-10-03 22:00", "2026-10-04 00:00"),
    ]


def test_a_holiday_calendar_alone_needs_a_zone() -> None:
    """Materialising holidays without any zone says how to give one."""
    with pytest.raises(DefinitionError, match="needs a zone"):
        sla.holidays("DE", nationwide=True).timeline("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")


def test_half_days_remove_the_afternoon() -> None:
    """Christmas Eve and New Year's Eve are half days: service ends at noon."""
    calendar = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin") - sla.dates(
        "12-24", "12-31", hours="12:00-24:00"
    )
    line = calendar.timeline(utc("2026-12-24T00:00"), utc("2026-12-25T00:00"))
    assert spans(line) == [("2026-12-24 07:00", "2026-12-24 11:00")]
    line = calendar.timeline(utc("2027-12-24T00:00"), utc("2027-12-25T00:00"))
    assert spans(line) == [("2027-12-24 07:00", "2027-12-24 11:00")]


def test_explicit_dates_are_whole_local_days() -> None:
    """A dated closure removes one local day, a date object works as well."""
    closure = sla.dates("2026-10-05", dt.date(2026, 10, 7), tz="Asia/Kolkata")
    line = closure.timeline(utc("2026-10-01T00:00"), utc("2026-10-10T00:00"))
    assert spans(line) == [
        ("2026-10-04 18:30", "2026-10-05 18:30"),
        ("2026-10-06 18:30", "2026-10-07 18:30"),
    ]
    assert repr(closure) == "dates('2026-10-05', '2026-10-07', tz='Asia/Kolkata')"


def test_february_29_recurs_only_in_leap_years() -> None:
    """'02-29' holds a day in 2028 and none in 2027."""
    leap = sla.dates("02-29", tz="UTC")
    assert leap.timeline(utc("2027-01-01T00:00"), utc("2028-01-01T00:00")).measure() == 0
    assert leap.timeline(utc("2028-01-01T00:00"), utc("2029-01-01T00:00")).measure() == 24 * H


# --- recurring windows -----------------------------------------------------------------------


def test_every_second_sunday_at_two_in_berlin() -> None:
    """A monthly RRULE window opens at 02:00 local on each second Sunday, for two hours."""
    maintenance = sla.recurring(
        "FREQ=MONTHLY;BYDAY=2SU", start="2026-01-01", at="02:00", duration=sla.hours(2),
        tz="Europe/Berlin",
    )  # fmt: skip
    line = maintenance.timeline(utc("2026-02-01T00:00"), utc("2026-08-01T00:00"))
    assert [start for start, _ in spans(line)] == [
        "2026-02-08 01:00", "2026-03-08 01:00", "2026-04-12 00:00",
        "2026-05-10 00:00", "2026-06-14 00:00", "2026-07-12 00:00",
    ]  # fmt: skip
    assert line.measure() == 6 * 2 * H


def test_a_recurring_window_opening_in_the_gap_moves_forward() -> None:
    """A weekly window at 02:30 on the spring-forward Sunday opens at 03:30 CEST."""
    weekly = sla.recurring(
        "FREQ=WEEKLY;BYDAY=SU", start="2026-03-01", at="02:30", duration=sla.minutes(90),
        tz="Europe/Berlin",
    )  # fmt: skip
    line = weekly.timeline(utc("2026-03-28T00:00"), utc("2026-03-30T00:00"))
    assert spans(line) == [("2026-03-29 01:30", "2026-03-29 03:00")]


def test_recurring_windows_respect_count_and_overlap() -> None:
    """COUNT limits the windows; windows longer than the interval merge."""
    daily = sla.recurring("RRULE:FREQ=DAILY;COUNT=3", start="2026-10-01", at="12:00",
                          duration=sla.hours(30), tz="UTC")  # fmt: skip
    line = daily.timeline(utc("2026-09-01T00:00"), utc("2026-11-01T00:00"))
    assert spans(line) == [("2026-10-01 12:00", "2026-10-04 18:00")]


# --- composition -----------------------------------------------------------------------------

A = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin")
B = sla.holidays("DE", subdiv="BE")
C = sla.dates("12-24", "12-31", hours="12:00-24:00")
D = sla.weekly("Sat 10:00-14:00", tz="Europe/Berlin")


def test_composition_is_flat_and_canonical() -> None:
    """Nested operations flatten, so grouping does not change the structure."""
    assert A | (B | C) == (A | B) | C == sla.union(A, B, C)
    assert A & (B & C) == (A & B) & C == sla.intersection(A, B, C)
    assert (A - B) - C == A - (B | C) == sla.difference(A, B, C)
    assert ~~A == A
    assert sla.complement(A) == ~A


def test_identities_simplify() -> None:
    """never() and always() are the identities and absorbing elements."""
    assert A | sla.never() == A
    assert A | sla.always() == sla.always()
    assert A & sla.always() == A
    assert A & sla.never() == sla.never()
    assert A - sla.never() == A
    assert A - sla.always() == sla.never()
    assert sla.difference(A, A) == sla.never()
    assert A | A == A
    assert sla.complement(sla.always()) == sla.never()
    assert sla.complement(sla.never()) == sla.always()
    assert sla.union() == sla.never()
    assert sla.intersection() == sla.always()


@pytest.mark.parametrize(
    "calendar",
    [
        A - B,
        (A | D) - (B | C),
        (A | D) & ~B,
        ~(A - B),
        A & (D | B) - C,
        sla.recurring(
            "FREQ=MONTHLY;BYDAY=2SU",
            start="2026-01-01",
            at="02:00",
            duration=sla.hours(2),
            tz="Europe/Berlin",
        ),
        sla.holidays("US", subdiv="CA", categories="public", tz="America/Los_Angeles"),
    ],
)
def test_reprs_read_as_the_calls_that_build_them(calendar: sla.Calendar) -> None:
    """Evaluating the repr with slakit's names rebuilds an equal calendar."""
    rebuilt = eval(repr(calendar), {name: getattr(sla, name) for name in sla.__all__})
    assert rebuilt == calendar
    assert repr(rebuilt) == repr(calendar)


def test_operations_materialise_as_timeline_algebra() -> None:
    """Each operator materialises to the same operation on the operands' timelines."""
    lo, hi = utc("2026-12-01T00:00"), utc("2027-01-15T00:00")
    window = sla.Span(lo, hi)
    a, b, d = (
        x.timeline(lo, hi) for x in (A, B.__class__("DE", subdiv="BE", tz="Europe/Berlin"), D)
    )
    assert (A | D).timeline(lo, hi) == a | d
    assert (A - B).timeline(lo, hi) == a - b
    assert (A & D).timeline(lo, hi) == a & d
    assert (~A).timeline(lo, hi) == a.complement(window)
    assert (A | ~A).timeline(lo, hi) == sla.Timeline([window])


def test_foreign_operands_are_refused() -> None:
    """Combining a calendar with something else raises TypeError; the named twins explain."""
    with pytest.raises(TypeError):
        _ = A | 3  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = sla.Timeline() - A  # type: ignore[operator]
    with pytest.raises(DefinitionError, match="argument 1 is 'x', not a calendar"):
        sla.union(A, "x")  # type: ignore[arg-type]


def test_membership_and_empty_spans() -> None:
    """An instant is in a calendar when its window holds it; an empty span is empty."""
    assert "2026-10-05T07:00:00Z" in A
    assert "2026-10-05T16:00:00Z" not in A
    assert A.timeline(5, 5) == sla.Timeline()
    with pytest.raises(DefinitionError, match="lies before start"):
        A.timeline(10, 5)


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        # impossible or unreadable times
        (
            lambda: sla.weekly("Mon-Fri 25:00-18:00", tz="UTC"),
            DefinitionError,
            "'25:00' is not a time",
        ),
        (
            lambda: sla.weekly("Mon-Fri 08:60-18:00", tz="UTC"),
            DefinitionError,
            "'08:60' is not a time",
        ),
        (
            lambda: sla.weekly("Mon-Fri 24:00-06:00", tz="UTC"),
            DefinitionError,
            "may only end a range",
        ),
        (lambda: sla.weekly("Mon-Fri 8-18", tz="UTC"), DefinitionError, "write it as HH:MM"),
        (lambda: sla.weekly("Mon-Fri 08:00", tz="UTC"), DefinitionError, "is not a time range"),
        # empty ranges and unknown days
        (lambda: sla.weekly("Mon 08:00-08:00", tz="UTC"), DefinitionError, "is empty"),
        (lambda: sla.weekly("", tz="UTC"), DefinitionError, "give the hours as text"),
        (lambda: sla.weekly("Mox 08:00-09:00", tz="UTC"), DefinitionError, "not a day"),
        (lambda: sla.weekly("08:00-09:00", tz="UTC"), DefinitionError, "days then times"),
        # zones
        (
            lambda: sla.weekly("Mon 08:00-09:00", tz="Europe/Berln"),
            UnknownZoneError,
            "did you mean 'Europe/Berlin'",
        ),
        (
            lambda: sla.holidays("DE", subdiv="BE", tz="Mars/Olympus"),
            UnknownZoneError,
            "tz='Mars/Olympus'",
        ),
        # countries and subdivisions
        (lambda: sla.holidays("XX"), DefinitionError, "country='XX'"),
        (lambda: sla.holidays("de"), DefinitionError, "did you mean 'DE'"),
        (
            lambda: sla.holidays("DE", subdiv="ZZ"),
            DefinitionError,
            "known subdivisions: 'BB', 'BE'",
        ),
        (lambda: sla.holidays("DE", categories="nonsense"), DefinitionError, "categories="),
        # dates and half days
        (lambda: sla.dates("2026-02-30"), DefinitionError, "not a date"),
        (sla.dates, DefinitionError, "at least one date"),
        (lambda: sla.dates(dt.datetime(2026, 12, 24)), DefinitionError, "not datetimes"),
        (lambda: sla.dates("12-24", hours="18:00-18:00"), DefinitionError, "is empty"),
        # recurring windows
        (
            lambda: sla.recurring(
                "FREQ=SOMETIMES", start="2026-01-01", duration=sla.hours(1), tz="UTC"
            ),
            DefinitionError,
            "not an RFC 5545 RRULE",
        ),
        (
            lambda: sla.recurring("", start="2026-01-01", duration=sla.hours(1), tz="UTC"),
            DefinitionError,
            "give an RFC 5545",
        ),
        (
            lambda: sla.recurring(
                "DTSTART:20260101T000000\nRRULE:FREQ=DAILY",
                start="2026-01-01",
                duration=sla.hours(1),
                tz="UTC",
            ),
            DefinitionError,
            "leave DTSTART out",
        ),
        (
            lambda: sla.recurring(
                "FREQ=DAILY", start="2026-13-01", duration=sla.hours(1), tz="UTC"
            ),
            DefinitionError,
            "start='2026-13-01'",
        ),
        (
            lambda: sla.recurring(
                "FREQ=DAILY", start=dt.datetime(2026, 1, 1), duration=sla.hours(1), tz="UTC"
            ),
            DefinitionError,
            "not a datetime",
        ),
        (
            lambda: sla.recurring(
                "FREQ=DAILY", start="2026-01-01", at="25:00", duration=sla.hours(1), tz="UTC"
            ),
            DefinitionError,
            "'25:00'",
        ),
        (
            lambda: sla.recurring(
                "FREQ=DAILY", start="2026-01-01", duration=sla.hours(0), tz="UTC"
            ),
            DefinitionError,
            "positive duration",
        ),
        # naive instants
        (lambda: A.timeline("2026-01-01T00:00", "2026-02-01T00:00Z"), NaiveDatetimeError, "start="),
        (lambda: A.timeline(dt.datetime(2026, 1, 1), 0), NaiveDatetimeError, "is naive"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_error(
    build: object, error: type[Exception], message: str
) -> None:
    """Each malformed calendar raises an error that names the argument and the fix."""
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        build()  # type: ignore[operator]


# --- holidays of a country whose subdivisions differ ----------------------------------------


def test_a_country_whose_subdivisions_differ_is_refused_without_one() -> None:
    """Great Britain alone lacks England's Easter Monday: refused, with the subdivisions named."""
    with pytest.raises(DefinitionError) as caught:
        sla.holidays("GB")
    said = str(caught.value)
    assert "England adds Easter Monday" in said
    assert "give subdiv= one of 'ENG', 'NIR', 'SCT', 'WLS', or nationwide=True" in said
    easter_monday = "2026-04-06T12:00:00Z"
    assert easter_monday in sla.holidays("GB", subdiv="ENG", tz="Europe/London")
    assert easter_monday not in sla.holidays("GB", nationwide=True, tz="Europe/London")
    # a long list is cut: 57 US subdivisions
    with pytest.raises(DefinitionError, match=r"'GA' and 45 more, or nationwide=True"):
        sla.holidays("US")


def test_nationwide_holidays_are_said_and_kept_as_data() -> None:
    """nationwide=True reads in words and round-trips; it cannot name a subdivision too."""
    federal = sla.holidays("US", nationwide=True)
    assert federal.describe() == "nationwide public holidays in the United States"
    assert repr(federal) == "holidays('US', nationwide=True)"
    calendar = sla.weekly("Mon-Fri 09:00-17:00", tz="America/New_York") - federal
    assert sla.from_data(sla.to_data(calendar), sla.Calendar) == calendar
    with pytest.raises(DefinitionError, match="not both"):
        sla.holidays("US", subdiv="CA", nationwide=True)
    with pytest.raises(DefinitionError, match="give True or False"):
        sla.holidays("US", nationwide="yes")  # type: ignore[arg-type]
    # a country without subdivisions, or whose subdivisions agree, needs neither
    assert sla.holidays("NL").describe() == "public holidays in the Netherlands"
