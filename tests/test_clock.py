"""Business-time clocks: elapsed business time and due instants for ticket queues."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit._time._instant import US_PER_HOUR, US_PER_MINUTE, to_us
from slakit.exceptions import DefinitionError, EvaluationError, NaiveDatetimeError
from tests.test_calendar import (
    ZONES,
    local_start,
    minutes_to_timeline,
    model_minutes,
    spec_of,
    weekly_rows,
)

H = US_PER_HOUR
M = US_PER_MINUTE
BERLIN = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin")
BERLIN_OFFICE = BERLIN - sla.holidays("DE", subdiv="BE")


def iso(us: int) -> str:
    return sla.Span(int(us), int(us) + 1).start_datetime.isoformat()


# --- the Friday before a DST change ----------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "opened", "due"),
    [
        # Berlin falls back on Sun 25 Oct: Fri 17:30 CEST + 1h -> Mon 08:30 CET
        ("Europe/Berlin", "2026-10-23T17:30:00+02:00", "2026-10-26T07:30:00+00:00"),
        # Berlin springs forward on Sun 29 Mar: Fri 17:30 CET + 1h -> Mon 08:30 CEST
        ("Europe/Berlin", "2026-03-27T17:30:00+01:00", "2026-03-30T06:30:00+00:00"),
        # New York falls back on Sun 1 Nov: Fri 17:30 EDT + 1h -> Mon 08:30 EST
        ("America/New_York", "2026-10-30T17:30:00-04:00", "2026-11-02T13:30:00+00:00"),
        # Sydney springs forward on Sun 4 Oct: Fri 17:30 AEST + 1h -> Mon 08:30 AEDT
        ("Australia/Sydney", "2026-10-02T17:30:00+10:00", "2026-10-04T21:30:00+00:00"),
        # Lord Howe moves by half an hour on Sun 5 Apr: Fri 17:30 +11 + 1h -> Mon 08:30 +10:30
        ("Australia/Lord_Howe", "2026-04-03T17:30:00+11:00", "2026-04-05T22:00:00+00:00"),
    ],
)
def test_a_ticket_opened_before_close_on_the_friday_before_a_dst_change(
    tz: str, opened: str, due: str
) -> None:
    """Half an hour before Friday's close plus one business hour is 08:30 local on Monday."""
    clock = sla.BusinessClock(sla.weekly("Mon-Fri 08:00-18:00", tz=tz))
    assert clock.due(opened, sla.hours(1)).isoformat() == due
    assert clock.elapsed(opened, due) == sla.hours(1)


def test_holidays_push_the_due_instant_past_them() -> None:
    """A P2 ticket opened on Maundy Thursday afternoon is due on the Tuesday after Easter."""
    clock = sla.BusinessClock(BERLIN_OFFICE)
    # Thu 2 Apr 2026 16:00 CEST: 2 hours left that day, Good Friday and Easter Monday closed.
    assert clock.due("2026-04-02T14:00:00Z", sla.hours(4)).isoformat() == (
        "2026-04-07T08:00:00+00:00"
    )


def test_a_target_reached_at_closing_time_is_due_at_closing_time() -> None:
    """The due instant is the earliest one: Friday 18:00, not Monday 08:00."""
    clock = sla.BusinessClock(BERLIN)
    assert clock.due("2026-10-23T14:00:00Z", sla.hours(2)).isoformat() == (
        "2026-10-23T16:00:00+00:00"
    )


def test_a_zero_target_is_due_when_the_ticket_opens() -> None:
    """A zero duration is due at once, even outside business hours."""
    clock = sla.BusinessClock(BERLIN)
    assert clock.due("2026-10-24T12:00:00Z", sla.hours(0)).isoformat() == (
        "2026-10-24T12:00:00+00:00"
    )


def test_a_ticket_opened_out_of_hours_starts_at_the_next_opening() -> None:
    """A ticket from Saturday is due one business hour after Monday 08:00."""
    clock = sla.BusinessClock(BERLIN)
    assert clock.due("2026-10-24T12:00:00Z", sla.hours(1)).isoformat() == (
        "2026-10-26T08:00:00+00:00"
    )


def test_elapsed_counts_only_business_time() -> None:
    """Friday 17:00 to Monday 09:00 in Berlin is two business hours."""
    clock = sla.BusinessClock(BERLIN)
    assert clock.elapsed("2026-10-23T15:00:00Z", "2026-10-26T08:00:00Z") == sla.hours(2)
    assert clock.elapsed("2026-10-24T15:00:00Z", "2026-10-24T18:00:00Z") == sla.hours(0)


# --- queues ----------------------------------------------------------------------------------


def test_queues_accept_integer_and_datetime64_arrays() -> None:
    """Arrays of microseconds and of datetime64 give the same int64 answers."""
    clock = sla.BusinessClock(BERLIN)
    opened = np.array(["2026-10-23T15:00", "2026-10-26T07:00"], dtype="datetime64[us]")
    closed = np.array(["2026-10-26T08:00", "2026-10-26T09:30"], dtype="datetime64[us]")
    as_int = clock.elapsed(opened.astype(np.int64), closed.astype(np.int64))
    assert as_int.dtype == np.int64
    assert as_int.tolist() == [2 * H, int(2.5 * H)]
    assert np.array_equal(clock.elapsed(opened, closed), as_int)
    due = clock.due(opened, np.array([1, 2], dtype="timedelta64[h]"))
    assert [iso(t) for t in due] == ["2026-10-23T16:00:00+00:00", "2026-10-26T09:00:00+00:00"]


def test_queues_accept_sequences_of_instants_and_durations() -> None:
    """Lists of aware datetimes and Durations work as well as arrays."""
    clock = sla.BusinessClock(BERLIN)
    opened = [dt.datetime(2026, 10, 26, 8, tzinfo=dt.UTC), "2026-10-27T08:00:00Z"]
    due = clock.due(opened, [sla.hours(1), sla.minutes(30)])
    assert [iso(t) for t in due] == ["2026-10-26T09:00:00+00:00", "2026-10-27T08:30:00+00:00"]
    assert clock.elapsed([], []).shape == (0,)
    assert clock.due(np.array([], dtype=np.int64), sla.hours(1)).shape == (0,)


def test_pauses_stop_the_clock() -> None:
    """Waiting on the customer for an hour of business time delays the due instant by it."""
    clock = sla.BusinessClock(BERLIN)
    opened = "2026-10-26T08:00:00Z"  # Monday 09:00 CET
    waiting = [("2026-10-26T09:00:00Z", "2026-10-26T10:00:00Z")]
    assert clock.due(opened, sla.hours(2), pauses=waiting).isoformat() == (
        "2026-10-26T11:00:00+00:00"
    )
    assert clock.elapsed(opened, "2026-10-26T11:00:00Z", pauses=waiting) == sla.hours(2)


def test_overlapping_pauses_count_once_and_pauses_before_the_start_do_not_count() -> None:
    """Pauses are merged per ticket and clipped to the ticket's own span."""
    clock = sla.BusinessClock(sla.always())
    start = np.array([0, 0], dtype=np.int64)
    end = np.array([10 * H, 10 * H], dtype=np.int64)
    ticket = np.array([0, 0, 1])
    pause_start = np.array([1 * H, 2 * H, -5 * H])
    pause_end = np.array([3 * H, 4 * H, 1 * H])
    elapsed = clock.elapsed(start, end, pauses=(ticket, pause_start, pause_end))
    assert elapsed.tolist() == [7 * H, 9 * H]
    due = clock.due(start, sla.hours(2), pauses=(ticket, pause_start, pause_end))
    assert due.tolist() == [5 * H, 3 * H]


def test_a_clock_that_never_runs_never_comes_due() -> None:
    """On never() nothing elapses and a positive target is an evaluation error."""
    clock = sla.BusinessClock(sla.never())
    assert clock.elapsed("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z") == sla.hours(0)
    with pytest.raises(EvaluationError, match="the due instant never comes"):
        clock.due("2026-01-01T00:00:00Z", sla.hours(1))


def test_a_long_target_searches_far_enough_ahead() -> None:
    """A target of 500 business hours on a sparse calendar still lands exactly."""
    clock = sla.BusinessClock(sla.weekly("Sat 10:00-11:00", tz="UTC"))
    due = clock.due("2026-01-01T00:00:00Z", sla.hours(500))
    assert clock.elapsed("2026-01-01T00:00:00Z", due) == sla.hours(500)
    assert due.weekday() == 5
    assert due.hour == 11


def test_repr_reads_as_the_call() -> None:
    """The clock prints as the call that builds it."""
    assert repr(sla.business_clock(BERLIN)) == (
        "BusinessClock(weekly('Mon-Fri 08:00-18:00', tz='Europe/Berlin'))"
    )


# --- the oracle ------------------------------------------------------------------------------


@st.composite
def queues(draw: st.DrawFn, lo: int, span_minutes: int) -> tuple[np.ndarray, ...]:
    """Draw tickets (start, end, target) and pauses on whole minutes within a span."""
    n = draw(st.integers(1, 6))
    starts = np.array([draw(st.integers(0, span_minutes // 2)) for _ in range(n)])
    ends = np.array([s + draw(st.integers(0, span_minutes // 2)) for s in starts])
    targets = np.array([draw(st.integers(0, 600)) for _ in range(n)])
    k = draw(st.integers(0, 5))
    ticket = np.array([draw(st.integers(0, n - 1)) for _ in range(k)], dtype=np.int64)
    p_start = np.array([draw(st.integers(-60, span_minutes // 2)) for _ in range(k)])
    p_end = p_start + np.array([draw(st.integers(0, 300)) for _ in range(k)], dtype=np.int64)
    return (
        lo + starts * M,
        lo + ends * M,
        targets * M,
        ticket,
        lo + p_start.astype(np.int64) * M,
        lo + p_end.astype(np.int64) * M,
    )


@given(rows=weekly_rows(), tz=st.sampled_from(ZONES), lo=local_start(), data=st.data())
def test_the_vectorised_clock_matches_a_minute_by_minute_model(
    rows: list[tuple[int, int, int]], tz: str, lo: int, data: st.DataObject
) -> None:
    """Elapsed and due agree with counting open, unpaused minutes one at a time."""
    span = 5 * 1440
    calendar = sla.weekly(spec_of(rows), tz=tz)
    start, end, target, ticket, p_start, p_end = data.draw(queues(lo, span))
    held = model_minutes(rows, tz, lo - 60 * M, lo + span * M)
    assert calendar.timeline(lo - 60 * M, lo + span * M) == minutes_to_timeline(held, lo - 60 * M)
    minutes = lo - 60 * M + np.arange(held.shape[0]) * M
    clock = sla.BusinessClock(calendar)
    elapsed = clock.elapsed(start, end, pauses=(ticket, p_start, p_end))
    due = clock.due(start, target, pauses=(ticket, p_start, p_end))
    for i in range(start.shape[0]):
        paused = np.zeros_like(held)
        for j in np.flatnonzero(ticket == i):
            paused |= (minutes >= p_start[j]) & (minutes < p_end[j])
        running = held & ~paused
        assert elapsed[i] == running[(minutes >= start[i]) & (minutes < end[i])].sum() * M
        accrued = np.cumsum(running & (minutes >= start[i]))
        if target[i] == 0:
            assert due[i] == start[i]
        elif accrued[-1] >= target[i] // M:
            first = int(np.searchsorted(accrued, target[i] // M))
            assert due[i] == minutes[first] + M
        else:  # beyond the modelled span: at least check the clock's own consistency
            assert clock.elapsed(int(start[i]), int(due[i])).us >= 0


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda c: c.elapsed("2026-10-02T00:00:00Z", "2026-10-01T00:00:00Z"),
            DefinitionError,
            "before it starts",
        ),
        (
            lambda c: c.elapsed(np.array([0, 1]), np.array([5])),
            DefinitionError,
            "give one end per start",
        ),
        (
            lambda c: c.elapsed("2026-10-01T00:00", "2026-10-02T00:00:00Z"),
            NaiveDatetimeError,
            "start=",
        ),
        (
            lambda c: c.elapsed(np.array([0.5]), np.array([1.5])),
            DefinitionError,
            "array of float64",
        ),
        (lambda c: c.elapsed(object(), 5), DefinitionError, "not an instant"),
        (
            lambda c: c.due(np.array([0, 1]), np.array([1, 2, 3])),
            DefinitionError,
            "3 durations for 2 tickets",
        ),
        (lambda c: c.due(np.array([0]), np.array([-1])), DefinitionError, "negative duration"),
        (lambda c: c.due(0, 5.0), DefinitionError, "give a Duration"),
        (
            lambda c: c.elapsed(np.array([0]), np.array([9]), pauses=([0], [5])),
            DefinitionError,
            "tuple \\(ticket, start, end\\)",
        ),
        (
            lambda c: c.elapsed(np.array([0]), np.array([9]), pauses=([1], [5], [6])),
            DefinitionError,
            "ticket index outside",
        ),
        (
            lambda c: c.elapsed(np.array([0]), np.array([9]), pauses=([0, 0], [5], [6])),
            DefinitionError,
            "differ in length",
        ),
        (
            lambda c: c.elapsed(np.array([0]), np.array([9]), pauses=([0], [5], [4])),
            DefinitionError,
            "pause 0 ends before it starts",
        ),
        (lambda c: c.elapsed(0, 9, pauses=5), DefinitionError, "for one ticket give spans"),
        (lambda c: sla.BusinessClock("Mon-Fri"), DefinitionError, "give a calendar"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_error(
    call: object, error: type[Exception], message: str
) -> None:
    """Malformed clock inputs raise errors that say what to pass instead."""
    with pytest.raises(error, match=message):
        call(sla.BusinessClock(BERLIN))  # type: ignore[operator]


def test_the_w3_workload_shape_runs_in_one_call() -> None:
    """Ten thousand tickets over 2026 are answered in one vectorised call per question."""
    rng = np.random.default_rng(3)
    n = 10_000
    lo, hi = to_us("2026-01-01T00:00:00Z"), to_us("2027-01-01T00:00:00Z")
    opened = rng.integers(lo, hi, n, dtype=np.int64)
    answered = opened + (rng.lognormal(np.log(3), 1.0, n) * H).astype(np.int64)
    clock = sla.BusinessClock(BERLIN_OFFICE)
    elapsed = clock.elapsed(opened, answered)
    targets = np.array([1, 4, 8])[rng.integers(0, 3, n)] * H
    due = clock.due(opened, targets)
    assert np.all(elapsed <= answered - opened)
    assert np.array_equal(clock.elapsed(opened, due), targets)
    on_time = elapsed <= targets
    assert 0 < on_time.mean() < 1


def test_one_instant_comes_back_as_it_was_given_and_matches_a_ticket_note() -> None:
    """Results hold instants as integer microseconds; a clock asked with an int answers with one."""
    office = sla.weekly("Mon-Fri 09:00-17:00", tz="UTC")
    clock = sla.BusinessClock(office)
    opened = to_us("2026-10-02T16:00:00Z")  # a Friday
    due = clock.due(opened, sla.hours(2))
    assert isinstance(due, int)
    assert due == to_us("2026-10-05T10:00:00Z")
    assert (
        clock.due("2026-10-02T16:00:00Z", sla.hours(2)).isoformat() == "2026-10-05T10:00:00+00:00"
    )
    assert clock.before(due, sla.hours(2)) == opened
    saturday = to_us("2026-10-03T12:00:00Z")
    assert clock.previous_business_instant(saturday) == opened + H
    # a ticket answered on time carries its due instant too, the same as the clock's
    response = sla.response_time(within=sla.hours(2), clock=office)
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[response <= 0])
    agreement = sla.Agreement(provider="P", customer="C", services=["x"], tier=tier)
    ticket = sla.Ticket(
        "t1", "x", "P1", "2026-10-02T16:00:00Z", first_response="2026-10-05T09:30:00Z"
    )
    report = sla.evaluate(agreement, sla.TicketTable.from_records([ticket]), period="2026-10")
    evidence = report.evidence("x")
    assert isinstance(evidence, sla.TicketEvidence)
    (note,) = evidence.tickets
    assert note.status == "on time"
    assert note.due == due
