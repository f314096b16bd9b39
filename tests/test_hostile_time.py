"""Hostile input to the time layer: no crash, no hang, no silent acceptance (issue 12).

Each known counterexample of the campaign is probed directly; each parser then
gets a Hypothesis fuzz test that asserts two things of every input: only a
``SlakitError`` escapes, and the call returns within its bound. What is accepted
must also be valid: labels are ASCII and exact, instants convert both ways,
durations fit the supported range, zones are IANA names.
"""

# Look-alike digits and letters (full-width, Arabic-Indic) are the point of these tests.
# ruff: noqa: RUF001

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import slakit as sla
from slakit._time._instant import (
    MAX_DURATION_US,
    MAX_INSTANT_US,
    MIN_INSTANT_US,
    format_us,
    from_us,
    iana_zones,
    parse_duration,
    to_us,
    zone,
)
from slakit._time._recurrence import MAX_WINDOWS, read_rule
from slakit.exceptions import (
    DefinitionError,
    EvaluationError,
    PeriodError,
    SlakitError,
    UnknownZoneError,
)
from tests.fuzzing import CHEAP, COSTLY, check_time, clock, target

T = TypeVar("T")

#: Every parser answers within this many seconds (asserted in the fuzz campaign only, see
#: tests/fuzzing.py: a unit test asserts no time).
PARSER_BOUND_S = 2.0
#: A recurring calendar is checked when built (one 400-year cycle at most) and expanded
#: over a month within this many seconds.
RECURRING_BOUND_S = 8.0

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
EPOCH = dt.datetime(1970, 1, 1)
ZONES = ("UTC", "Europe/Berlin", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata")


def bounded(call: Callable[[], T], bound_s: float = PARSER_BOUND_S) -> T | SlakitError:
    """Run ``call``; return its result or the ``SlakitError`` it raised, checking the time."""
    began = clock()
    try:
        result: T | SlakitError = call()
    except SlakitError as error:
        result = error
    check_time(began, bound_s)
    return result


def assert_refused(
    call: Callable[[], object],
    error: type[Exception],
    message: str,
    bound_s: float = PARSER_BOUND_S,
) -> None:
    """Check that ``call`` raises ``error`` with ``message`` (a regex) within ``bound_s``."""
    result = bounded(call, bound_s)
    assert isinstance(result, error), f"expected {error.__name__}, got {result!r}"
    assert re.search(message, str(result)), f"{message!r} not in {str(result)!r}"


# --- the campaign's counterexamples, probed directly ------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        # labels whose period lies outside the supported instants
        (lambda: sla.parse_period("0000"), PeriodError, "1970 to 9998"),
        (lambda: sla.parse_period("9999"), PeriodError, "1970 to 9998"),
        (lambda: sla.parse_period("9999-12-31"), PeriodError, "1970 to 9998"),
        (lambda: sla.monthly().period("9999-12"), PeriodError, "'9999-12'.*1970 to 9998"),
        (lambda: sla.quarterly().period("0001-Q1"), PeriodError, "1970 to 9998"),
        (lambda: sla.yearly(start_month=7).period("9998"), PeriodError, "1970 to 9998"),
        (lambda: sla.weekly_periods().period("9999-12-27"), PeriodError, "'9999-12-27'"),
        (lambda: sla.weekly_periods().period("9999-W52"), PeriodError, "1970 to 9998"),
        (lambda: sla.monthly(tz="Europe/Berlin").period("1970-01"), PeriodError, "1970-01"),
        # durations: a division by zero, and lengths past the supported range
        (lambda: sla.duration("0/0s"), DefinitionError, "divides by zero"),
        (lambda: sla.duration("P9999999999999D"), DefinitionError, "8,029 years"),
        (lambda: sla.duration("PT999999999999999999S"), DefinitionError, "8,029 years"),
        (lambda: sla.duration("9" * 30 + " days"), DefinitionError, "8,029 years"),
        (lambda: sla.duration("1" * 201), DefinitionError, "at most 200"),
        (lambda: sla.days(10**15), DefinitionError, r"days\(1000000000000000\).*2932532 days"),
        (lambda: sla.milliseconds("1e9999999"), DefinitionError, "8,029 years"),
        (lambda: sla.hours(1) * 10**20, DefinitionError, "longest supported duration"),
        # a granularity too long to evaluate is refused where it is built
        (
            lambda: sla.uptime(service="checkout", granularity=sla.minutes(2**62)),
            DefinitionError,
            "8,029 years",
        ),
        # a zone name the zone database cannot even open
        (lambda: sla.monthly(tz="A" * 300), UnknownZoneError, "longer than any zone name"),
        # RRULE parts that used to be accepted and fail at evaluation
        (
            lambda: sla.recurring(
                "FREQ=WEEKLY;INTERVAL=0", start="2026-01-01", duration=sla.hours(1), tz="UTC"
            ),
            DefinitionError,
            "INTERVAL=0 must be from 1 to 1000",
        ),
    ],
)
def test_known_counterexamples_raise_a_slakit_error(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    """Each calendar or duration edge of the campaign is refused, naming the value and range."""
    assert_refused(call, error, message)


def test_the_longest_granularity_evaluates_without_overflow() -> None:
    """The longest accepted granularity evaluates at either end of the supported range."""
    uptime = sla.uptime(service="checkout", granularity=sla.microseconds(MAX_DURATION_US))
    tier = sla.Tier("gold", fee=sla.usd("100.00"), objectives=[uptime >= "99.9%"])
    agreement = sla.Agreement(
        provider="A",
        customer="B",
        services=["checkout"],
        tier=tier,
        period=sla.monthly(tz="UTC"),
        effective="1970-01-01T00:00:00Z",
    )
    for label in ("1970-01", "9998-12"):
        period = sla.parse_period(label)
        outage = sla.Outage(
            service="checkout", start=period.start + 10**9, end=period.start + 2 * 10**9
        )
        report = sla.evaluate(agreement, [outage], period=label)
        assert report.explain()
        assert report.to_dict()


# --- instants ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        # the campaign's outage start: year 1 at +14:00 is year 0 in UTC
        "0001-01-01T00:00:00+14:00",
        dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=14))),
        "9999-12-31T23:59:59.999999-14:00",
        # one microsecond outside either end
        MIN_INSTANT_US - 1,
        MAX_INSTANT_US + 1,
        "1969-12-31T23:59:59.999999Z",
        "9999-01-01T00:00:00.000001Z",
        2**62,
        -(2**63),
    ],
)
def test_instants_outside_the_range_are_refused_with_the_range(value: object) -> None:
    """An instant that does not convert both ways is refused where it enters, with the range."""
    with pytest.raises(DefinitionError, match="1970-01-01T00:00:00Z to 9999-01-01T00:00:00Z"):
        to_us(value)  # type: ignore[arg-type]
    with pytest.raises(DefinitionError, match="outside the supported instants"):
        sla.Span(value, MAX_INSTANT_US)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        # more digits than microseconds hold
        ("2026-10-01T00:00:00.1234567Z", "finer than a microsecond"),
        # full-width digits and surrounding space are not ISO 8601
        ("２０２６-10-01T00:00:00Z", "not an ISO 8601 instant"),
        ("2026-10-01T00:00:00Z\n", "not an ISO 8601 instant"),
        (True, "is not an instant"),
    ],
)
def test_malformed_instants_are_refused(value: object, message: str) -> None:
    """Sub-microsecond text, non-ASCII digits and booleans are not instants."""
    with pytest.raises(DefinitionError, match=message):
        to_us(value)  # type: ignore[arg-type]


def test_the_ends_of_the_range_convert_both_ways_in_every_zone() -> None:
    """Both ends convert to datetimes, to text and to local time in every IANA zone."""
    for us in (MIN_INSTANT_US, MAX_INSTANT_US):
        assert to_us(from_us(us)) == us == to_us(format_us(us))
        for name in iana_zones():
            assert to_us(from_us(us).astimezone(zone(name))) == us


def test_an_instant_outside_the_range_lies_in_nothing() -> None:
    """Membership of an out-of-range instant is False, never an error."""
    october = sla.parse_period("2026-10")
    timeline = sla.Timeline([october.span])
    assert -1 not in timeline
    assert -1 not in october.span
    assert "0001-01-01T00:00:00+14:00" not in october
    assert 2**62 not in sla.always()
    with pytest.raises(DefinitionError, match="outside the supported instants"):
        sla.Timeline.from_arrays([-1], [5])


def test_formatting_never_fails() -> None:
    """An integer no instant can be (held by a message about it) still formats."""
    assert format_us(-(2**63)) == f"{-(2**63)} microseconds since 1970-01-01T00:00:00Z"


@given(st.integers(MIN_INSTANT_US, MAX_INSTANT_US), st.sampled_from(ZONES))
def test_every_supported_instant_converts_both_ways(us: int, tz: str) -> None:
    """Every instant in range survives datetime, ISO text and local time in any zone."""
    assert to_us(from_us(us)) == us
    assert to_us(format_us(us)) == us
    assert to_us(from_us(us).astimezone(zone(tz))) == us


@FUZZ
@given(
    st.one_of(
        st.text(max_size=40),
        st.from_regex(
            r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?"
            r"(Z|[+-][0-9]{2}:[0-9]{2})?",
            fullmatch=True,
        ),
        st.datetimes(timezones=st.timezones()),
        st.integers(-(2**64), 2**64),
    )
)
@target("instants", CHEAP)
def test_fuzz_instants(value: Any) -> None:
    """Any text, datetime or integer gives an instant in range or a SlakitError, promptly."""
    result = bounded(lambda: to_us(value))
    if not isinstance(result, SlakitError):
        assert MIN_INSTANT_US <= result <= MAX_INSTANT_US
        assert to_us(format_us(result)) == result


# --- durations ---------------------------------------------------------------------------------

_NUMBERS = st.one_of(
    st.integers(0, 10**40).map(str),
    st.from_regex(r"[0-9]{1,35}\.[0-9]{1,35}", fullmatch=True),
    st.from_regex(r"[0-9]{1,5}/[0-9]{1,5}", fullmatch=True),
    st.sampled_from(["١", "٣", "１", "0/0", "1e999", "-1", ".5", "NaN"]),
)
_UNITS = st.sampled_from(
    [
        "s",
        "ms",
        "us",
        "µs",
        "m",
        "min",
        "h",
        "hours",
        "d",
        "days",
        "w",
        "weeks",
        "months",
        "\u017f",
        "K",
    ]
)


@FUZZ
@given(
    st.one_of(
        st.text(max_size=60),
        st.lists(st.tuples(_NUMBERS, st.sampled_from(["", " ", "  "]), _UNITS), max_size=5).map(
            lambda parts: " ".join(f"{n}{gap}{u}" for n, gap, u in parts)
        ),
        st.from_regex(
            r"[Pp]([0-9]{1,20}[YMWD])*(T([0-9]{1,20}[HM])*([0-9]{1,20}(\.[0-9]{1,12})?S)?)?",
            fullmatch=True,
        ),
    )
)
@target("duration text", CHEAP)
def test_fuzz_durations(text: str) -> None:
    """Any text parses to an exact duration in range or raises a SlakitError, promptly."""
    for parse in (sla.duration, sla.Duration.parse, parse_duration):
        result = bounded(lambda parse=parse: parse(text))  # type: ignore[misc]
        if not isinstance(result, SlakitError):
            assert isinstance(result, sla.Duration)
            assert 0 <= result.us <= MAX_DURATION_US


@FUZZ
@given(st.one_of(st.integers(-(2**70), 2**70), st.text(max_size=30), st.decimals()))
@target("duration factories", CHEAP)
def test_fuzz_duration_factories(value: Any) -> None:
    """Each factory gives a duration in range or a SlakitError for any number or text."""
    factories = (sla.microseconds, sla.milliseconds, sla.seconds, sla.minutes, sla.hours, sla.days)
    for factory in factories:
        result = bounded(lambda factory=factory: factory(value))  # type: ignore[misc]
        if not isinstance(result, SlakitError):
            assert 0 <= result.us <= MAX_DURATION_US


# --- period labels -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        # non-ASCII digits
        "２０２６-10",
        "٢٠٢٦-10",
        # a trailing newline or space, a leading space
        "2026-10\n",
        "2026-10 ",
        " 2026-10",
        "2026-Q3\n",
        "2026\n",
        "2026-10-25\n",
        "2026-W43\n",
    ],
)
def test_period_labels_are_ascii_and_exact(label: str) -> None:
    """A label with foreign digits or any surrounding whitespace names no period."""
    with pytest.raises(PeriodError):
        sla.parse_period(label)
    for rule in (sla.monthly(), sla.quarterly(), sla.yearly(), sla.weekly_periods()):
        with pytest.raises(PeriodError):
            rule.period(label)


def test_the_edge_years_are_periods() -> None:
    """The first and last supported years have periods, each within the instant range."""
    for label in ("1970", "1970-01", "1970-Q1", "1970-01-01", "9998", "9998-12", "9998-Q4"):
        period = sla.parse_period(label)
        assert MIN_INSTANT_US <= period.start < period.end <= MAX_INSTANT_US
        assert str(period)


_LABELS = st.one_of(
    st.text(max_size=14),
    st.from_regex(
        r"[0-9０-９٠-٩]{1,5}(-(Q[0-9]|W[0-9]{1,2}|[0-9]{1,2}(-[0-9]{1,2})?))?\s?", fullmatch=True
    ),
    st.builds("{:04d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 13)),
    st.builds("{:04d}-Q{}".format, st.integers(0, 9999), st.integers(0, 5)),
    st.builds("{:04d}-W{:02d}".format, st.integers(0, 9999), st.integers(0, 54)),
    st.dates().map(dt.date.isoformat),
)
_RULES = st.one_of(
    st.builds(sla.monthly, tz=st.sampled_from(ZONES), day=st.integers(1, 31)),
    st.builds(sla.quarterly, tz=st.sampled_from(ZONES), start_month=st.integers(1, 12)),
    st.builds(sla.yearly, tz=st.sampled_from(ZONES), start_month=st.integers(1, 12)),
    st.builds(
        sla.weekly_periods, tz=st.sampled_from(ZONES), starting=st.sampled_from(["Mon", "Sun"])
    ),
)


@FUZZ
@given(_LABELS, st.sampled_from(ZONES))
@target("parse_period", CHEAP)
def test_fuzz_parse_period(label: str, tz: str) -> None:
    """Any label gives a period in range, named exactly as asked, or a SlakitError."""
    result = bounded(lambda: sla.parse_period(label, tz=tz))
    if not isinstance(result, SlakitError):
        assert label.isascii()
        assert label == label.strip()
        assert result.label == label
        assert MIN_INSTANT_US <= result.start < result.end <= MAX_INSTANT_US
        assert str(result)


@FUZZ
@given(_RULES, _LABELS)
@target("period rules: period()", CHEAP)
def test_fuzz_rule_periods(rule: sla.PeriodRule, label: str) -> None:
    """Any label under any period rule gives a period in range, or a SlakitError."""
    result = bounded(lambda: rule.period(label))
    if not isinstance(result, SlakitError):
        assert label.isascii()
        assert label == label.strip()
        assert MIN_INSTANT_US <= result.start < result.end <= MAX_INSTANT_US
        assert rule.period(result.label) == result
        assert rule.containing(result.start) == result


@FUZZ
@given(
    st.integers(-(2**40), 2**40) | st.text(max_size=5),
    st.dates().map(dt.date.isoformat) | st.text(max_size=12),
    st.sampled_from(ZONES),
)
@target("rolling periods", CHEAP)
def test_fuzz_rolling(days: Any, start: Any, tz: str) -> None:
    """Rolling periods of any length and anchor are refused, or hold their instants."""
    result = bounded(lambda: sla.rolling(days=days, start=start, tz=tz))
    if not isinstance(result, SlakitError):
        period = bounded(lambda: result.containing("2026-10-01T00:00:00Z"))
        if not isinstance(period, SlakitError):
            assert "2026-10-01T00:00:00Z" in period


# --- zone names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        # the host's zone, and the database's non-IANA copies and placeholders
        ("localtime", "host's zone"),
        ("posixrules", "host's zone"),
        ("Factory", "host's zone"),
        ("right/UTC", "did you mean 'UTC'"),
        ("posix/Europe/Berlin", "did you mean 'Europe/Berlin'"),
        # near misses
        ("europe/berlin", "did you mean 'Europe/Berlin'"),
        ("Europe/Berln", "did you mean 'Europe/Berlin'"),
        ("Europe/Berlin ", "did you mean 'Europe/Berlin'"),
        ("", "not a zone name"),
    ],
)
def test_only_iana_zone_names_are_accepted(name: str, hint: str) -> None:
    """A name that would let the host's zone in, or is not IANA, is refused with a hint."""
    for build in (
        lambda: sla.monthly(tz=name),
        lambda: sla.weekly("Mon-Fri 08:00-18:00", tz=name),
        lambda: sla.parse_period("2026-10", tz=name),
    ):
        with pytest.raises(UnknownZoneError, match=hint):
            build()


def test_every_iana_zone_is_accepted_and_none_other() -> None:
    """The accepted names are the IANA names of the database, without posix/, right/ or extras."""
    names = iana_zones()
    assert "Europe/Berlin" in names
    assert "UTC" in names
    assert not {"localtime", "posixrules", "Factory"} & names
    assert not [n for n in names if n.startswith(("posix/", "right/"))]
    for name in names:
        assert sla.monthly(tz=name).period("2026-10").tz == name


def test_refusing_zone_names_is_fast() -> None:
    """Checking a name is a set lookup: a thousand refusals take well under a second."""
    began = clock()
    for i in range(1000):
        with pytest.raises(UnknownZoneError):
            zone(f"Nowhere/{i}" * (i % 9))
    check_time(began, PARSER_BOUND_S)


@FUZZ
@given(
    st.one_of(
        st.text(max_size=80),
        st.sampled_from(sorted(iana_zones())).flatmap(
            lambda name: st.sampled_from(
                [name, name.lower(), name.upper(), f"posix/{name}", f"right/{name}", f"{name}\n"]
            )
        ),
        st.integers(1, 400).map(lambda n: "A" * n),
    )
)
@target("zone names", CHEAP)
def test_fuzz_zone_names(name: str) -> None:
    """Any text is an IANA zone slakit accepts, or an UnknownZoneError, promptly."""
    result = bounded(lambda: sla.monthly(tz=name))
    if isinstance(result, SlakitError):
        assert isinstance(result, UnknownZoneError)
    else:
        assert name in iana_zones()


# --- weekly hours ------------------------------------------------------------------------------

_DAY_WORDS = st.sampled_from(["Mon", "Fri", "Mon-Fri", "Sun-Thu", "daily", "sat", "Xyz", "", "-"])
_TIMES = st.sampled_from(["08:00", "18:00", "24:00", "25:00", "0８:00", "8:0", "23:59", "00:00"])


@FUZZ
@given(
    st.one_of(
        st.text(max_size=60),
        st.lists(
            st.tuples(_DAY_WORDS, _TIMES, _TIMES, st.sampled_from(["", " ", "\n", ","])),
            max_size=4,
        ).map(lambda parts: ";".join(f"{d} {a}-{b}{tail}" for d, a, b, tail in parts)),
        st.integers(990, 1100).map(lambda n: "Mon " + " " * n + "x"),
    ),
    st.sampled_from((*ZONES, "localtime", "Mars/Olympus")),
)
@target("weekly hours", CHEAP)
def test_fuzz_weekly(hours: str, tz: str) -> None:
    """Any weekly hours text gives a calendar that materialises, or a SlakitError, promptly."""
    result = bounded(lambda: sla.weekly(hours, tz=tz))
    if not isinstance(result, SlakitError):
        october = sla.parse_period("2026-10", tz=tz)
        assert bounded(lambda: result.materialize(october)) is not None


# --- recurring windows -------------------------------------------------------------------------


def _recurring(rule: str, *, start: str = "2026-01-01", tz: str = "UTC") -> sla.Calendar:
    return sla.recurring(rule, start=start, at="02:00", duration=sla.minutes(30), tz=tz)


def test_an_hourly_rule_from_year_one_expands_only_the_period() -> None:
    """FREQ=HOURLY from year 1 (33 s per evaluation before) takes well under a second."""
    rule = bounded(lambda: _recurring("FREQ=HOURLY", start="0001-01-01", tz="Europe/Berlin"))
    october = sla.monthly(tz="Europe/Berlin").period("2026-10")
    timeline = bounded(lambda: rule.materialize(october), 1.0)
    assert isinstance(timeline, sla.Timeline)
    # one window per wall-clock hour: the repeated hour of the 25th is one wall time
    assert len(timeline) == 31 * 24


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        # sub-minute frequencies: SECONDLY ran past 60 s, and took 910 MB over a quarter
        ("FREQ=SECONDLY;BYHOUR=3", "more than once a minute.*527,040"),
        ("FREQ=SECONDLY", "more than once a minute"),
        ("FREQ=MINUTELY;BYSECOND=0,30", "more than once a minute"),
        # intervals: zero, too large, or drifting against the day
        ("FREQ=DAILY;INTERVAL=0", "from 1 to 1000"),
        ("FREQ=DAILY;INTERVAL=1001", "from 1 to 1000"),
        ("FREQ=HOURLY;INTERVAL=5", "does not divide the day"),
        ("FREQ=MINUTELY;INTERVAL=7", "does not divide the day"),
        # counts
        ("FREQ=DAILY;COUNT=0", "COUNT=0 must be from 1 to 10,000"),
        ("FREQ=DAILY;COUNT=10001", "from 1 to 10,000"),
        ("FREQ=DAILY;COUNT=99999999999999999999", "must be a whole number"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20270101T000000", "COUNT or UNTIL, not both"),
        # rules that never yield a window (each scanned to year 9999 before)
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "no occurrence at all"),
        ("FREQ=MINUTELY;BYMONTH=4;BYMONTHDAY=31", "no occurrence at all"),
        ("FREQ=DAILY;INTERVAL=7;BYDAY=MO", "no occurrence at all"),
        ("FREQ=DAILY;UNTIL=20250101T000000", "no occurrence at all"),
        # the RFC 5545 table, and text that is not a rule
        ("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY may not be used with FREQ=WEEKLY"),
        ("FREQ=MONTHLY;BYWEEKNO=3", "BYWEEKNO may only be used with FREQ=YEARLY"),
        ("FREQ=WEEKLY;BYDAY=2SU", "numbered weekday"),
        # numbered weekdays beyond the year or the month (dateutil failed with IndexError;
        # found by the fuzz campaign)
        ("FREQ=YEARLY;BYDAY=60MO", "from 1 to 53 .or -1 to -53. in a year"),
        ("FREQ=YEARLY;BYDAY=0MO", "from 1 to 53"),
        ("FREQ=MONTHLY;BYDAY=6MO", "from 1 to 5 .or -1 to -5. in a month"),
        ("FREQ=YEARLY;BYMONTH=3;BYDAY=-6SU", "from 1 to 5"),
        # BYSETPOS within sets of one window: minutes of CPU for nothing (the fuzz campaign)
        ("FREQ=MINUTELY;BYMONTHDAY=1;BYSETPOS=2", "BYSETPOS needs FREQ=DAILY or longer"),
        ("FREQ=HOURLY;BYSETPOS=-1;BYMONTH=2", "BYSETPOS needs FREQ=DAILY or longer"),
        ("FREQ=DAILY;BYSETPOS=1", "BYSETPOS needs another"),
        ("FREQ=YEARLY;BYEASTER=0", "BYEASTER"),
        ("FREQ=DAILY;FREQ=WEEKLY", "given twice"),
        ("FREQ=DAILY;INTERVAL=１", "ASCII"),
        ("FREQ=DAILY;WKST=XX", "not an RFC 5545 RRULE"),
        ("FREQ=DAILY;" + "BYHOUR=1;" * 200, "characters long"),
        ("FREQ=DAILY;DTSTART=20260101T000000", "leave DTSTART out"),
    ],
)
def test_unbounded_or_invalid_rules_are_refused_when_built(rule: str, message: str) -> None:
    """Rules that would run unbounded, or break RFC 5545, are refused at once, with the figure."""
    assert_refused(lambda: _recurring(rule), DefinitionError, message, RECURRING_BOUND_S)


def test_a_long_window_is_refused() -> None:
    """A recurring window lasts at most 366 days."""
    with pytest.raises(DefinitionError, match="at most days\\(366\\)"):
        sla.recurring("FREQ=YEARLY", start="2026-01-01", duration=sla.days(367), tz="UTC")


def test_a_minutely_rule_over_a_quarter_stays_bounded() -> None:
    """FREQ=MINUTELY over a quarter (the finest rule allowed) expands in bounded time."""
    rule = sla.recurring(
        "FREQ=MINUTELY;INTERVAL=2", start="2026-01-01", duration=sla.minutes(1), tz="UTC"
    )
    quarter = sla.quarterly().period("2026-Q4")
    timeline = bounded(lambda: rule.materialize(quarter), RECURRING_BOUND_S)
    assert isinstance(timeline, sla.Timeline)
    assert timeline.measure() == quarter.length_us // 2


def test_one_timeline_holds_at_most_the_window_limit() -> None:
    """More than MAX_WINDOWS windows in one timeline is an EvaluationError naming the figure."""
    rule = _recurring("FREQ=MINUTELY")
    assert_refused(
        lambda: rule.timeline("2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z"),
        EvaluationError,
        "1,000,000 windows",
        RECURRING_BOUND_S,
    )
    assert MAX_WINDOWS == 1_000_000


def test_counted_rules_repeat_their_cycle_exactly() -> None:
    """COUNT on a sparse rule is resolved from one 400-year cycle, as dateutil counts it."""
    rule = "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO;COUNT=40"
    start = dt.datetime(2021, 3, 5, 2, 0)
    naive = list(rrulestr(rule, dtstart=start))
    recurrence = bounded(lambda: read_rule(rule, start, where="test"))
    assert not isinstance(recurrence, SlakitError)
    assert recurrence.until == naive[-1]
    far = recurrence.wall_between(dt.datetime(2300, 1, 1), dt.datetime(2800, 1, 1)).tolist()
    assert far == [_us(o) for o in naive if 2300 <= o.year < 2800]


def _us(moment: dt.datetime) -> int:
    return (moment - EPOCH) // dt.timedelta(microseconds=1)


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_INTERVALS = {
    "YEARLY": (1, 2, 3, 4, 7),
    "MONTHLY": (1, 2, 3, 5, 7),
    "WEEKLY": (1, 2, 3),
    "DAILY": (1, 2, 3, 5, 10),
    "HOURLY": (1, 2, 3, 4, 6, 8, 12),
    "MINUTELY": (1, 5, 15, 30, 90, 720),
}
#: How many days a naive expansion from DTSTART may cover cheaply, per frequency.
_HORIZON_DAYS = {
    "YEARLY": 3000,
    "MONTHLY": 1500,
    "WEEKLY": 900,
    "DAILY": 400,
    "HOURLY": 40,
    "MINUTELY": 4,
}


def _numbers(draw: st.DrawFn, values: Any, most: int) -> str:
    return ",".join(map(str, draw(st.lists(st.sampled_from(values), min_size=1, max_size=most))))


@st.composite
def rrule_texts(draw: st.DrawFn) -> str:
    """Draw a valid-looking RRULE of any frequency, with any mix of BYxxx parts."""
    freq = draw(st.sampled_from(sorted(_INTERVALS)))
    parts = [f"FREQ={freq}"]
    interval = draw(st.sampled_from(_INTERVALS[freq]))
    if interval != 1:
        parts.append(f"INTERVAL={interval}")
    if draw(st.booleans()):
        parts.append("BYMONTH=" + _numbers(draw, range(1, 13), 3))
    if freq != "WEEKLY" and draw(st.booleans()):
        parts.append("BYMONTHDAY=" + _numbers(draw, (1, 2, 15, 28, 29, 30, 31, -1, -2), 2))
    if draw(st.booleans()):
        if freq in ("MONTHLY", "YEARLY") and draw(st.booleans()):
            days = draw(st.lists(st.sampled_from(_WEEKDAYS), min_size=1, max_size=2))
            parts.append(
                "BYDAY=" + ",".join(f"{draw(st.sampled_from((1, 2, -1)))}{d}" for d in days)
            )
        else:
            parts.append("BYDAY=" + _numbers(draw, _WEEKDAYS, 3))
    if freq == "YEARLY" and draw(st.booleans()):
        parts.append("BYWEEKNO=" + _numbers(draw, (1, 2, 20, 52, 53, -1), 2))
    if freq in ("YEARLY", "HOURLY", "MINUTELY") and draw(st.booleans()):
        parts.append("BYYEARDAY=" + _numbers(draw, (1, 60, 100, 365, 366, -1), 2))
    if freq != "MINUTELY" and draw(st.booleans()):
        parts.append("BYHOUR=" + _numbers(draw, range(24), 3))
    if freq != "MINUTELY" and draw(st.booleans()):
        parts.append("BYMINUTE=" + _numbers(draw, range(60), 2))
    if len(parts) > 1 and draw(st.booleans()):
        parts.append("BYSETPOS=" + _numbers(draw, (1, 2, -1, 3), 2))
    if draw(st.booleans()):
        parts.append("WKST=" + draw(st.sampled_from(_WEEKDAYS)))
    ending = draw(st.sampled_from(("none", "count", "until")))
    if ending == "count":
        parts.append(f"COUNT={draw(st.integers(1, 40))}")
    elif ending == "until":
        parts.append(f"UNTIL={draw(st.integers(2019, 2030))}0601T000000")
    return ";".join(draw(st.permutations(parts)))


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rrule_texts(),
    st.datetimes(dt.datetime(2018, 1, 1), dt.datetime(2026, 12, 31)).map(
        lambda d: d.replace(second=0, microsecond=0)
    ),
    st.data(),
)
def test_expansion_within_a_span_is_the_rule_expanded_from_its_start(
    rule: str, start: dt.datetime, data: st.DataObject
) -> None:
    """Fast-forwarded, cycle-shifted expansion yields exactly dateutil's occurrences."""
    recurrence = read_rule_or_none(rule, start)
    if recurrence is None:
        return
    horizon = _HORIZON_DAYS[rule.split("FREQ=")[1].split(";", maxsplit=1)[0]]
    first = start + dt.timedelta(days=data.draw(st.integers(-30, horizon)))
    last = first + dt.timedelta(days=data.draw(st.integers(0, horizon // 3 + 1)), hours=7)
    expected = [_us(o) for o in rrulestr(rule, dtstart=start).between(first, last, inc=True)]
    assert recurrence.wall_between(first, last).tolist() == expected


def read_rule_or_none(rule: str, start: dt.datetime) -> Any:
    """Return the checked rule, or None if slakit refuses it (then it must be a SlakitError)."""
    try:
        return read_rule(rule, start, where=rule)
    except DefinitionError:
        return None


_RULE_PARTS = st.one_of(
    st.sampled_from(
        [
            "FREQ=YEARLY",
            "FREQ=MONTHLY",
            "FREQ=WEEKLY",
            "FREQ=DAILY",
            "FREQ=HOURLY",
            "FREQ=MINUTELY",
            "FREQ=SECONDLY",
            "FREQ=SOMETIMES",
            "BYEASTER=1",
            "DTSTART=20260101",
            "UNTIL=20261231T000000",
            "UNTIL=20261231T000000Z",
            "UNTIL=99999999",
            "WKST=SU",
            "WKST=XX",
        ]
    ),
    st.builds(
        "{}={}".format,
        st.sampled_from(["INTERVAL", "COUNT", "BYSETPOS", "BYMONTH", "BYMONTHDAY", "BYYEARDAY"]),
        st.integers(-400, 10**12),
    ),
    st.builds(
        "{}={}".format,
        st.sampled_from(["BYHOUR", "BYMINUTE", "BYSECOND", "BYWEEKNO"]),
        st.lists(st.integers(-60, 70), min_size=1, max_size=4).map(
            lambda xs: ",".join(map(str, xs))
        ),
    ),
    st.builds(
        "BYDAY={}{}".format,
        st.sampled_from(["", "1", "-1", "+2", "5", "60"]),
        st.sampled_from([*_WEEKDAYS, "XX"]),
    ),
    st.text(max_size=12),
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.lists(_RULE_PARTS, min_size=1, max_size=5).map(";".join),
        st.text(max_size=40),
        rrule_texts(),
    ),
    st.dates(),
    st.sampled_from(["00:00", "02:30", "23:59", "24:00", "2:5", "٠٢:00"]),
    st.sampled_from(["UTC", "Europe/Berlin", "posixrules"]),
    st.dates(dt.date(1970, 2, 1), dt.date(9998, 11, 1)),
)
@target("recurring rules", COSTLY)
def test_fuzz_recurring(rule: str, start: dt.date, at: str, tz: str, day: dt.date) -> None:
    """Any rule text and start gives a calendar whose month expands, or a SlakitError, promptly."""
    result = bounded(
        lambda: sla.recurring(rule, start=start, at=at, duration=sla.hours(3), tz=tz),
        RECURRING_BOUND_S,
    )
    event("refused" if isinstance(result, SlakitError) else "accepted")
    if not isinstance(result, SlakitError):
        month = sla.monthly(tz=tz).period(f"{day.year:04d}-{day.month:02d}")
        assert isinstance(
            bounded(lambda: result.materialize(month), RECURRING_BOUND_S), sla.Timeline
        )
