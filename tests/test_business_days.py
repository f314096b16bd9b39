"""Notices counted in business days (issue 16): the rule, a brute-force model, the clause."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
from slakit._time._clock import BusinessDays, business_days
from slakit._time._instant import format_us, to_us
from slakit.exceptions import DefinitionError

ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC")


def _calendar(zone: str, hours: str, holidays: bool) -> sla.Calendar:
    calendar = sla.weekly(hours, tz=zone)
    if holidays:
        country = {"Europe/Berlin": ("DE", "BE"), "America/New_York": ("US", "NY")}.get(zone)
        if country is not None:
            calendar = calendar - sla.holidays(country[0], subdiv=country[1])
    return calendar


def _model(calendar: sla.Calendar, zone: str, n: int, instant: int) -> int:
    """Walk day by day in local dates: the n-th open day after the instant's, same wall time."""
    tz = ZoneInfo(zone)
    local = dt.datetime.fromtimestamp(instant / 1e6, tz)
    day, found = local.date(), 0
    while found < n:
        day += dt.timedelta(days=1)
        start = dt.datetime.combine(day, dt.time(), tz)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tz)
        if calendar.timeline(to_us(start), to_us(end)).measure() > 0:
            found += 1
    wall = dt.datetime.combine(day, local.time().replace(tzinfo=None))
    # the compatible rule: a wall time a change of clocks skips is read at the earlier offset
    aware = wall.replace(tzinfo=tz, fold=0)
    if aware.utcoffset() != wall.replace(tzinfo=tz, fold=1).utcoffset():
        aware = wall.replace(tzinfo=tz, fold=1) if _skipped(wall, tz) else aware
    return to_us(aware)


def _skipped(wall: dt.datetime, tz: ZoneInfo) -> bool:
    round_trip = wall.replace(tzinfo=tz).astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
    return round_trip != wall


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    hours=st.sampled_from(["Mon-Fri 09:00-17:00", "Tue,Thu 22:00-02:00", "Sat 00:00-24:00"]),
    holidays=st.booleans(),
    n=st.integers(1, 12),
    minutes=st.lists(st.integers(0, 3 * 366 * 24 * 60), min_size=1, max_size=4),
)
def test_n_business_days_after_matches_a_day_by_day_model(
    zone: str, hours: str, holidays: bool, n: int, minutes: list[int]
) -> None:
    """The vectorised rule equals walking the local days one by one, DST and holidays included."""
    calendar = _calendar(zone, hours, holidays)
    instants = [to_us("2025-01-01T00:00:00Z") + m * 60_000_000 for m in minutes]
    due = business_days(n, calendar).after(instants).tolist()
    assert due == [_model(calendar, zone, n, t) for t in instants]


def test_a_notice_in_business_days_skips_weekends_and_holidays() -> None:
    """Announced Wednesday 23 December: five Berlin business days end on Thursday 31."""
    office = _calendar("Europe/Berlin", "Mon-Fri 09:00-17:00", holidays=True)
    five = business_days(5, office)
    assert format_us(int(five.after([to_us("2026-12-23T08:00:00Z")])[0])) == (
        "2026-12-31T08:00:00Z"
    )
    assert five.words() == (
        "5 business days (Monday to Friday, 09:00 to 17:00 (Europe/Berlin time), except public "
        "holidays in Germany (Berlin))"
    )


def test_maintenance_needs_its_business_days_of_notice() -> None:
    """Two windows announced on a Friday: Thursday's starts too soon, the next Monday's not."""
    office = sla.weekly("Mon-Fri 09:00-17:00", tz="Europe/Berlin")
    clause = sla.scheduled_maintenance(notice=business_days(3, office))
    uptime = sla.uptime(excluding=[clause])
    tier = sla.Tier("t", fee=sla.usd("100.00"), objectives=[uptime >= "99%"])
    agreement = sla.Agreement(provider="P", customer="C", services=["db"], tier=tier)
    friday = "2026-10-02T08:00:00Z"  # 10:00 in Berlin; 3 business days: Wednesday 10:00
    events = [
        sla.Maintenance("db", "2026-10-07T07:00:00Z", "2026-10-07T09:00:00Z", announced=friday),
        sla.Maintenance("db", "2026-10-08T07:00:00Z", "2026-10-08T09:00:00Z", announced=friday),
        sla.Outage("db", "2026-10-07T07:00:00Z", "2026-10-07T09:00:00Z"),
        sla.Outage("db", "2026-10-08T07:00:00Z", "2026-10-08T09:00:00Z"),
    ]
    report = sla.evaluate(agreement, events, period="2026-10")
    evidence = report.evidence("db")
    # Wednesday 09:00 Berlin is before Wednesday 10:00: not excluded; Thursday's is
    assert evidence.down.measure() == 2 * 3600 * 1_000_000
    reasons = [note.reason for note in evidence.events if note.kind == "maintenance"]
    assert any(
        r.startswith(
            "not excluded: announced 4 days 23 hours before it started, but the clause "
            "requires notice of at least 3 business days (Monday to Friday"
        )
        for r in reasons
    ), reasons
    assert any(
        r.startswith("excluded (announced 5 days 23 hours before it started)") for r in reasons
    )


def test_business_day_notices_round_trip_and_read_in_the_agreement() -> None:
    office = sla.weekly("Mon-Fri 09:00-17:00", tz="Europe/Berlin") - sla.holidays("DE", subdiv="BE")
    clause = sla.scheduled_maintenance(notice=sla.business_days(5, office))
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[sla.uptime(excluding=[clause]) >= "99%"])
    agreement = sla.Agreement(provider="P", customer="C", services=["db"], tier=tier)
    data = json.loads(json.dumps(sla.to_data(agreement)))
    assert sla.from_data(data) == agreement
    notice = data["tier"]["objectives"][0]["measure"]["excluding"][0]["notice"]
    assert notice["n"] == 5
    assert notice["calendar"]["type"] == "difference"
    assert "announced at least 5 business days (Monday to Friday" in sla.render_schedule(agreement)
    assert repr(sla.business_days(5, office)).startswith("business_days(5, weekly(")


def test_bad_business_days_are_named() -> None:
    office = sla.weekly("Mon-Fri 09:00-17:00", tz="UTC")
    with pytest.raises(DefinitionError, match="whole number from 1 to 366"):
        sla.business_days(0, office)
    with pytest.raises(DefinitionError, match="no zone"):
        sla.business_days(5, sla.holidays("NL"))
    with pytest.raises(DefinitionError, match="give the calendar"):
        sla.business_days(5, "Mon-Fri")  # type: ignore[arg-type]
    never = sla.weekly("Mon 09:00-10:00", tz="UTC") - sla.weekly("Mon 00:00-24:00", tz="UTC")
    with pytest.raises(sla.exceptions.EvaluationError, match="fewer than 2 business days"):
        BusinessDays(2, never).after([to_us("2026-10-01T00:00:00Z")])


# --- backwards: subtracting business time, the previous business instant, days before --------

MINUTE = 60_000_000


def _open_minutes(calendar: sla.Calendar, lo: int, hi: int) -> set[int]:
    """Return the minutes (as instants) in ``[lo, hi)`` during which the calendar is open."""
    out: set[int] = set()
    for span in calendar.timeline(lo, hi):
        out.update(range(span.start, span.end, MINUTE))
    return out


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    hours=st.sampled_from(["Mon-Fri 09:00-17:00", "Tue,Thu 22:00-02:00", "Sat 00:00-24:00"]),
    holidays=st.booleans(),
    end_minute=st.integers(0, 40 * 24 * 60),
    minutes=st.integers(0, 3000),
)
def test_subtracting_business_time_matches_a_minute_by_minute_model(
    zone: str, hours: str, holidays: bool, end_minute: int, minutes: int
) -> None:
    """before() walks back over open minutes; previous_business_instant() finds the last one."""
    calendar = _calendar(zone, hours, holidays)
    clock = sla.BusinessClock(calendar)
    end = to_us("2026-02-20T00:00:00Z") + end_minute * MINUTE  # DST changes in the range
    lo = end - 120 * 24 * 60 * MINUTE
    open_minutes = _open_minutes(calendar, lo, end + MINUTE)
    expected, accrued, t = end, 0, end
    while accrued < minutes:
        t -= MINUTE
        accrued += t in open_minutes
    if minutes:
        expected = t
    assert int(clock.before(np.asarray([end]), np.asarray([minutes * MINUTE]))[0]) == expected
    assert clock.elapsed(expected, end) == sla.minutes(minutes)
    last = end
    if end not in open_minutes:
        last = max(m for m in open_minutes if m < end) + MINUTE
    assert int(clock.previous_business_instant([end])[0]) == last


@settings(max_examples=40, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    hours=st.sampled_from(["Mon-Fri 09:00-17:00", "Sat 00:00-24:00"]),
    n=st.integers(1, 12),
    minute=st.integers(0, 2 * 366 * 24 * 60),
)
def test_n_business_days_before_undoes_after_on_business_days(
    zone: str, hours: str, n: int, minute: int
) -> None:
    """Walking back n open days by the model; after(before(t)) is t on a business day."""
    calendar = _calendar(zone, hours, holidays=False)
    days = business_days(n, calendar)
    t = to_us("2025-06-01T00:00:00Z") + minute * 60_000_000
    tz = ZoneInfo(zone)
    local = dt.datetime.fromtimestamp(t / 1e6, tz)
    day, found = local.date(), 0
    while found < n:
        day -= dt.timedelta(days=1)
        start = dt.datetime.combine(day, dt.time(), tz)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tz)
        found += calendar.timeline(to_us(start), to_us(end)).measure() > 0
    back = int(days.before([t])[0])
    assert dt.datetime.fromtimestamp(back / 1e6, tz).date() == day
    business_day = calendar.timeline(
        to_us(dt.datetime.combine(local.date(), dt.time(), tz)),
        to_us(dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tz)),
    ).measure()
    if business_day and not _skipped(local.replace(tzinfo=None), tz):
        assert int(days.after([back])[0]) == t


def test_an_hour_before_monday_morning_is_monday_at_opening() -> None:
    """Subtraction is due() backwards: the latest instant, so no weekend is crossed needlessly."""
    clock = sla.BusinessClock(sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin"))
    monday_nine = "2026-10-26T08:00:00Z"  # 09:00 CET, the day after the change of clocks
    assert clock.before(monday_nine, sla.hours(1)).isoformat() == "2026-10-26T07:00:00+00:00"
    assert clock.before(monday_nine, sla.hours(2)).isoformat() == "2026-10-23T15:00:00+00:00"
    saturday = "2026-10-24T12:00:00Z"
    assert clock.previous_business_instant(saturday).isoformat() == "2026-10-23T16:00:00+00:00"
    with pytest.raises(sla.exceptions.EvaluationError, match="holds less than"):
        sla.BusinessClock(sla.never()).before(saturday, sla.hours(1))
