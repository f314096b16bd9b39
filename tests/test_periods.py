"""Billing periods: months, anchored months, quarters, years, weeks, rolling days, pro-rating."""

from __future__ import annotations

import datetime as dt
import itertools
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit._time._instant import US_PER_HOUR, to_us
from slakit.exceptions import DefinitionError, NaiveDatetimeError, PeriodError, UnknownZoneError

H = US_PER_HOUR
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "America/Santiago",  # DST changes at local midnight
    "UTC",
)


def local_dates(period: sla.Period) -> tuple[str, str]:
    return period.local_start().isoformat(), period.local_end().isoformat()


# --- calendar months -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "label", "hours"),
    [
        # a month is never 30 days: it is a calendar month, an hour shorter or longer for DST
        ("UTC", "2026-10", 744),
        ("Europe/Berlin", "2026-10", 745),
        ("Europe/Berlin", "2026-03", 743),
        ("America/New_York", "2026-11", 721),
        ("Australia/Sydney", "2026-04", 721),
        ("Australia/Lord_Howe", "2026-10", 743.5),
        ("Asia/Kolkata", "2026-02", 672),
    ],
)
def test_a_month_is_a_calendar_month_in_its_zone(tz: str, label: str, hours: float) -> None:
    """Months run from local midnight on the 1st; their length follows DST."""
    period = sla.monthly(tz=tz).period(label)
    assert period.length_us == int(hours * H)
    assert period.local_start().day == 1
    assert period.local_start().hour == 0


def test_containing_finds_the_month_on_both_sides_of_a_boundary() -> None:
    """The last microsecond of October in Berlin is in October, the next in November."""
    rule = sla.monthly(tz="Europe/Berlin")
    boundary = to_us("2026-11-01T00:00:00+01:00")
    assert rule.containing(boundary - 1).label == "2026-10"
    assert rule.containing(boundary).label == "2026-11"
    assert rule.next(rule.period("2026-12")).label == "2027-01"


# --- anchored months -------------------------------------------------------------------------


def test_months_anchored_on_the_fifteenth() -> None:
    """With day=15 the period '2026-10' runs from 15 October to 15 November, local time."""
    period = sla.monthly(tz="America/New_York", day=15).period("2026-10")
    assert local_dates(period) == ("2026-10-15T00:00:00-04:00", "2026-11-15T00:00:00-05:00")
    assert sla.monthly(day=15).containing("2026-10-14T23:59:59Z").label == "2026-09"


@pytest.mark.parametrize(
    ("day", "starts"),
    [
        # the 31st falls on the last day of shorter months
        (31, ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"]),
        # the 30th and 29th only move in February
        (30, ["2026-01-30", "2026-02-28", "2026-03-30", "2026-04-30", "2026-05-30"]),
        (29, ["2028-01-29", "2028-02-29", "2028-03-29", "2028-04-29", "2028-05-29"]),
    ],
)
def test_anchors_late_in_the_month_fall_on_the_last_day_of_short_months(
    day: int, starts: list[str]
) -> None:
    """Periods anchored on the 29th-31st start on the last day of a shorter month."""
    rule = sla.monthly(tz="Europe/Berlin", day=day)
    year = starts[0][:4]
    periods = list(rule.between(f"{year}-01-{day}", f"{year}-06-01"))
    assert [str(p.local_start().date()) for p in periods] == starts
    assert all(a.end == b.start for a, b in itertools.pairwise(periods))


# --- quarters, years, weeks, rolling days ----------------------------------------------------


def test_calendar_and_fiscal_quarters() -> None:
    """'2026-Q3' is July to September; with start_month=4 '2026-Q1' is April to June."""
    assert local_dates(sla.quarterly(tz="Asia/Kolkata").period("2026-Q3")) == (
        "2026-07-01T00:00:00+05:30",
        "2026-10-01T00:00:00+05:30",
    )
    fiscal = sla.quarterly(tz="Australia/Sydney", start_month=7)
    assert [p.label for p in fiscal.between("2026-01-01", "2027-01-01")] == [
        "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2",
    ]  # fmt: skip
    assert local_dates(fiscal.period("2026-Q1"))[0] == "2026-07-01T00:00:00+10:00"


def test_calendar_and_fiscal_years() -> None:
    """A fiscal year from April is named by the year it starts in."""
    assert sla.yearly(tz="Europe/Berlin").period("2026").length_us == 365 * 24 * H
    fiscal = sla.yearly(tz="UTC", start_month=4)
    assert fiscal.containing("2027-03-31T23:59:59Z").label == "2026"
    assert fiscal.containing("2027-04-01T00:00:00Z").label == "2027"


@pytest.mark.parametrize(
    ("starting", "label"),
    [("Mon", "2026-10-19"), ("Sun", "2026-10-18"), ("Sat", "2026-10-17"), ("Thu", "2026-10-15")],
)
def test_weeks_start_on_any_weekday(starting: str, label: str) -> None:
    """The week holding Wednesday 21 October 2026 starts on the chosen weekday."""
    period = sla.weekly_periods(tz="UTC", starting=starting).containing("2026-10-21T12:00:00Z")
    assert period.label == label
    assert period.length_us == 7 * 24 * H


def test_a_week_across_a_dst_change_is_an_hour_longer() -> None:
    """The Berlin week of 19-26 October 2026 lasts 169 hours; ISO labels name it too."""
    rule = sla.weekly_periods(tz="Europe/Berlin")
    assert rule.period("2026-10-19") == rule.period("2026-W43")
    assert rule.period("2026-W43").length_us == 169 * H


def test_a_week_starting_at_a_skipped_midnight() -> None:
    """In Santiago midnight of Sunday 6 September 2026 is skipped; the week starts at 01:00."""
    rule = sla.weekly_periods(tz="America/Santiago", starting="Sun")
    period = rule.period("2026-09-06")
    assert period.local_start().isoformat() == "2026-09-06T01:00:00-03:00"
    assert rule.containing(period.start - 1).label == "2026-08-30"
    assert rule.containing(period.start).label == "2026-09-06"


def test_rolling_periods_of_n_local_days() -> None:
    """Periods of 28 local days from an anchor extend both ways and stay DST-safe."""
    rule = sla.rolling(days=28, start="2026-03-02", tz="Europe/Berlin")
    period = rule.containing("2026-03-29T12:00:00Z")
    assert period.label == "2026-03-02"
    assert period.length_us == 28 * 24 * H - H  # holds the spring-forward day
    assert rule.containing("2026-02-27T12:00:00Z").label == "2026-02-02"
    assert rule.period("2026-03-30") == rule.next(period)


# --- labels ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2026", "2026-01-01T00:00:00+01:00", "2027-01-01T00:00:00+01:00"),
        ("2026-Q3", "2026-07-01T00:00:00+02:00", "2026-10-01T00:00:00+02:00"),
        ("2026-10", "2026-10-01T00:00:00+02:00", "2026-11-01T00:00:00+01:00"),
        ("2026-W43", "2026-10-19T00:00:00+02:00", "2026-10-26T00:00:00+01:00"),
        ("2026-10-25", "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00"),
    ],
)
def test_parse_period_reads_years_quarters_months_weeks_and_days(
    label: str, start: str, end: str
) -> None:
    """Each label form names a period from local midnight to local midnight."""
    period = sla.parse_period(label, tz="Europe/Berlin")
    assert local_dates(period) == (start, end)
    assert period.label == label


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sla.parse_period("Q3-2026"), "is not a period label"),
        (lambda: sla.parse_period("2026-13"), "is not a period label"),
        (lambda: sla.parse_period("2026-02-30"), "is not a period label"),
        (lambda: sla.monthly().period("2026-Q3"), "write a month as 'YYYY-MM'"),
        (lambda: sla.quarterly().period("2026-Q5"), "write a quarter as 'YYYY-Qn'"),
        (lambda: sla.yearly().period("26"), "write a year as 'YYYY'"),
        (lambda: sla.weekly_periods(starting="Sun").period("2026-10-19"), "a Sun, as 'YYYY-MM-DD'"),
        (lambda: sla.weekly_periods().period("2026-W60"), "ISO week"),
        (lambda: sla.rolling(days=7, start="2026-01-01").period("2026-01-02"), "every 7 days"),
        (lambda: sla.monthly().resolve(202610), "must be a label"),  # type: ignore[arg-type]
    ],
)
def test_unreadable_labels_are_period_errors(call: object, message: str) -> None:
    """A label that names no period says how labels are written."""
    with pytest.raises(PeriodError, match=message):
        call()  # type: ignore[operator]


# --- iteration and pro-rating ----------------------------------------------------------------


def test_between_accepts_dates_and_instants() -> None:
    """Dates are local midnights in the rule's zone; instants are exact."""
    rule = sla.monthly(tz="Australia/Sydney")
    by_date = [p.label for p in rule.between("2026-01-01", dt.date(2026, 4, 1))]
    by_instant = [p.label for p in rule.between("2025-12-31T13:00:00Z", "2026-03-31T13:00:00Z")]
    assert by_date == by_instant == ["2026-01", "2026-02", "2026-03"]
    assert list(rule.between("2026-02-01", "2026-01-01")) == []


def test_prorate_gives_exact_fractions_for_partial_first_and_last_periods() -> None:
    """An agreement from 15 Oct to 10 Jan pays 17/31 of October, whole months, 9/31 of January."""
    shares = sla.monthly(tz="UTC").prorate("2026-10-15", "2027-01-10")
    assert [(p.label, f) for p, f in shares] == [
        ("2026-10", Fraction(17, 31)),
        ("2026-11", Fraction(1)),
        ("2026-12", Fraction(1)),
        ("2027-01", Fraction(9, 31)),
    ]


def test_the_eligible_fraction_counts_elapsed_time_across_dst() -> None:
    """From 25 October in Berlin is 169 of October's 745 hours."""
    october = sla.monthly(tz="Europe/Berlin").period("2026-10")
    assert october.fraction(start="2026-10-25") == Fraction(169, 745)
    assert october.fraction(sla.Span("2026-10-25T00:00:00+02:00", "2026-11-05T00:00:00Z")) == (
        Fraction(169, 745)
    )
    assert october.fraction() == 1
    assert october.fraction(end="2026-09-01") == 0
    assert "2026-10-31T22:59:59+00:00" in october
    with pytest.raises(DefinitionError, match="either a Span or start= and end="):
        october.fraction(sla.Span(0, 1), end=5)
    with pytest.raises(DefinitionError, match="is not a calendar date"):
        october.fraction(start="2026-02-30")


@given(
    tz=st.sampled_from(ZONES),
    instant=st.integers(to_us("2020-01-01T00:00:00Z"), to_us("2032-01-01T00:00:00Z")),
    rule=st.sampled_from(
        [
            lambda tz: sla.monthly(tz=tz),
            lambda tz: sla.monthly(tz=tz, day=31),
            lambda tz: sla.monthly(tz=tz, day=15),
            lambda tz: sla.quarterly(tz=tz, start_month=2),
            lambda tz: sla.yearly(tz=tz, start_month=7),
            lambda tz: sla.weekly_periods(tz=tz, starting="Wed"),
            lambda tz: sla.rolling(days=30, start="2026-01-01", tz=tz),
        ]
    ),
)
def test_periods_tile_time(tz: str, instant: int, rule: object) -> None:
    """The containing period holds the instant, and its neighbours touch it exactly."""
    r: sla.PeriodRule = rule(tz)  # type: ignore[operator]
    period = r.containing(instant)
    assert period.start <= instant < period.end
    following = r.next(period)
    assert following.start == period.end
    assert r.containing(period.start - 1).end == period.start
    assert r.period(period.label) == period
    assert r.resolve(period.label) == r.resolve(period) == period
    assert local_dates(period)[0][11:19] in {"00:00:00", "01:00:00"}


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: sla.monthly(day=32), DefinitionError, "monthly\\(day=32\\)"),
        (lambda: sla.monthly(day=0), DefinitionError, "from 1 to 31"),
        (lambda: sla.quarterly(start_month=13), DefinitionError, "start_month=13"),
        (lambda: sla.yearly(start_month=0), DefinitionError, "start_month=0"),
        (lambda: sla.weekly_periods(starting="Fun"), DefinitionError, "starting='Fun'"),
        (lambda: sla.rolling(days=0, start="2026-01-01"), DefinitionError, "days=0"),
        (lambda: sla.rolling(days=7, start="2026-02-30"), DefinitionError, "start='2026-02-30'"),
        (lambda: sla.monthly(tz="Europe/Berln"), UnknownZoneError, "did you mean 'Europe/Berlin'"),
        (
            lambda: list(sla.monthly().between("2026-01-01T00:00", "2026-03-01")),
            NaiveDatetimeError,
            "start=",
        ),
        (lambda: sla.monthly().containing("2026-10-01T00:00"), NaiveDatetimeError, "no UTC offset"),
    ],
)
def test_bad_rules_are_rejected_with_a_clear_error(
    call: object, error: type[Exception], message: str
) -> None:
    """Malformed period rules raise errors naming the argument and the fix."""
    with pytest.raises(error, match=message):
        call()  # type: ignore[operator]


def test_reprs_read_as_the_calls_that_build_them() -> None:
    """Every rule prints as its factory call and evaluates back to an equal rule."""
    rules = [
        sla.monthly(tz="Europe/Berlin"),
        sla.monthly(tz="UTC", day=15),
        sla.quarterly(start_month=4),
        sla.yearly(tz="Asia/Kolkata", start_month=7),
        sla.weekly_periods(starting="sunday"),
        sla.rolling(days=28, start=dt.date(2026, 1, 5)),
    ]
    names = {name: getattr(sla, name) for name in sla.__all__}
    for rule in rules:
        assert eval(repr(rule), names) == rule
    assert repr(sla.weekly_periods(starting="sunday")) == "weekly_periods(tz='UTC', starting='Sun')"


def test_weeks_is_a_duration_and_weekly_periods_the_period_rule() -> None:
    """``weeks(n)`` is a length of time like ``days(n)``; week periods are ``weekly_periods()``."""
    assert sla.weeks(2) == sla.days(14)
    assert isinstance(sla.weekly_periods(starting="Sun"), sla.PeriodRule)
    with pytest.raises(DefinitionError, match=r"weekly_periods\(tz=\.\.\.\)"):
        sla.weeks(tz="UTC")  # type: ignore[arg-type]
