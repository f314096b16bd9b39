"""Buckets and granularities: the cost grows with the events, never with the buckets.

Each measure that cuts a period into buckets (of requests, of outages, of refund
units) looks only at the buckets its events fall in, and counts the others by
arithmetic. A measure that must list every bucket refuses, at compile time, a
period of more buckets than ``MAX_LISTED_BUCKETS``. The inputs below would need
gigabytes to terabytes per array if any per-bucket array were sized by the period.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from fractions import Fraction
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit._engine import _requests
from slakit._engine._requests import MAX_LISTED_BUCKETS
from slakit._results._requests import BucketNote, RequestEvidence
from slakit.exceptions import DefinitionError, EvaluationError
from tests.strategies import SECOND, SERVICES, T0, request_lists, request_measures
from tests.test_requests_oracle import PERIOD_SECONDS, model_buckets, run

OCTOBER = sla.monthly().period("2026-10")
MONTH_US = OCTOBER.end - OCTOBER.start  # 2,678,400,000,000 µs
MANY = tuple(f"s{i:03d}" for i in range(200))


def agreement(
    *objectives: sla.Objective,
    compensation: sla.CreditRule | None = None,
    services: tuple[str, ...] = MANY,
    period: sla.PeriodRule | None = None,
) -> sla.Agreement:
    tier = sla.Tier(
        "t", fee=sla.usd("100.00"), objectives=list(objectives), compensation=compensation
    )
    return sla.Agreement(
        provider="p",
        customer="c",
        services=list(services),
        tier=tier,
        period=sla.monthly() if period is None else period,
    )


def one_request_each(*, status: int = 200, ms: int = 10) -> list[sla.Request]:
    """Return one request per service of ``MANY``, spread over October 2026."""
    step = MONTH_US // len(MANY)
    return [
        sla.Request(name, OCTOBER.start + i * step + 7, status, latency=ms * 1000 + i)
        for i, name in enumerate(MANY)
    ]


def values(report: sla.Report) -> dict[str, Fraction | None]:
    """Return each service's value of the report's one objective."""
    return {r.service: r.value for r in report.objectives}


# --- the reproductions: each once needed an array per bucket of the period ----------------


def test_bucket_availability_of_10ms_buckets_looks_only_at_occupied_buckets() -> None:
    """200 services x 267,840,000 buckets (428 GB as per-cell counts): one bad bucket each."""
    measure = sla.bucket_availability(bucket=sla.milliseconds(10), max_error_rate="1%")
    report = sla.evaluate(
        agreement(measure >= "99%"), one_request_each(status=503), period="2026-10"
    )
    nb = MONTH_US // 10_000
    assert set(values(report).values()) == {Fraction(nb - 1, nb)}
    evidence = report.evidence("s007")
    assert isinstance(evidence, RequestEvidence)
    assert [b.verdict for b in evidence.buckets] == ["down"]
    assert f"({nb} buckets in the period)" in evidence.detail


def test_error_rate_uptime_of_1us_buckets_averages_without_a_bucket_array() -> None:
    """2,678,400,000,000 buckets per service (19.5 TiB of counts), one bad request each."""
    measure = sla.error_rate_uptime(bucket=sla.microseconds(1))
    report = sla.evaluate(
        agreement(measure >= "99%"), one_request_each(status=503), period="2026-10"
    )
    assert set(values(report).values()) == {1 - Fraction(1, MONTH_US)}
    evidence = report.evidence("s199")
    assert isinstance(evidence, RequestEvidence)
    assert [(b.end - b.start, b.verdict) for b in evidence.buckets] == [(1, "down")]


def test_latency_percentile_per_1us_bucket_sorts_only_the_requests() -> None:
    """The worst 1 µs bucket of each service: its one request's latency."""
    measure = sla.latency_percentile(99, per=sla.microseconds(1))
    report = sla.evaluate(agreement(measure <= "300ms"), one_request_each(ms=10), period="2026-10")
    assert values(report) == {name: Fraction(10_000 + i) for i, name in enumerate(MANY)}
    evidence = report.evidence("s003")
    assert isinstance(evidence, RequestEvidence)
    assert "in the worst of 1 buckets with requests" in evidence.detail


def test_refund_per_microsecond_over_ten_years_counts_units_by_arithmetic() -> None:
    """316 million million units of 1 µs per service: only the units at a boundary are measured."""
    uptime = sla.uptime()
    rule = sla.refund_per(
        uptime, every=sla.microseconds(1), down_over=sla.microseconds(0), price=sla.usd("0.01")
    )
    ten_years = sla.rolling(days=3660, start="2026-01-01")
    period = ten_years.period("2026-01-01")
    services = MANY[:50]
    outages = [
        sla.Outage(name, period.start + i, period.end - 2 * i) for i, name in enumerate(services)
    ]
    report = sla.evaluate(
        agreement(uptime >= "99%", compensation=rule, services=services, period=ten_years),
        outages,
        period=period,
    )
    length = period.end - period.start
    units = sum(length - 3 * i for i in range(len(services)))
    assert report.compensation.exact_total == Fraction(units, 100)


# --- uptime granularity: buckets widen outages, never enumerate the period ----------------


@pytest.mark.parametrize(
    "options",
    [
        # a bucket is down when any outage touches it
        {},
        # only wholly down buckets, and runs of them, count
        {"bucket_down": "all", "min_outage": sla.seconds(1)},
        # more than 0 µs of a bucket down (any part of it)
        {"bucket_down": "> 0 microseconds"},
    ],
)
def test_uptime_at_1us_granularity_equals_exact_microseconds(options: dict[str, Any]) -> None:
    """1 µs buckets are wholly down or wholly up: the value is the exact one, in hours."""
    hours = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin")
    fine = sla.uptime(granularity=sla.microseconds(1), during=hours, **options)
    exact = sla.uptime(
        during=hours, **({"min_outage": options["min_outage"]} if "min_outage" in options else {})
    )
    outages = [
        sla.Outage(
            name,
            OCTOBER.start + i * 3_600_000_001,
            OCTOBER.start + i * 3_600_000_001 + 5 * SECOND + i,
        )
        for i, name in enumerate(MANY)
    ]
    got = values(sla.evaluate(agreement(fine >= "99%"), outages, period="2026-10"))
    want = values(sla.evaluate(agreement(exact >= "99%"), outages, period="2026-10"))
    assert got == want


# --- measures that list every bucket: bounded, at compile time ----------------------------


@pytest.mark.parametrize("empty", ["bad", "excluded"])
def test_listing_every_empty_bucket_is_refused_above_the_bound_at_compile_time(empty: str) -> None:
    """100 ms buckets make 26,784,000 in October: the message names the figure and the fix."""
    measure = sla.bucket_availability(
        bucket=sla.milliseconds(100), max_error_rate="1%", empty=empty
    )
    with pytest.raises(DefinitionError) as caught:
        sla.compile_agreement(agreement(measure >= "99%"))
    message = str(caught.value)
    assert "26,784,000 buckets per service" in message
    assert f"more than the {MAX_LISTED_BUCKETS:,}" in message
    assert f"empty={empty!r}" in message
    assert "use a bucket of at least 2 seconds" in message
    assert "or empty='good'" in message
    assert caught.value.name == "bucket"
    assert caught.value.value == sla.milliseconds(100)


def test_the_bound_allows_five_minute_buckets_over_the_longest_rolling_period() -> None:
    """1,054,080 five-minute buckets in 3,660 days, and one-minute buckets in any month, pass."""
    longest = sla.rolling(days=3660, start="2026-01-01", tz="Europe/Berlin")
    for bucket, rule in ((sla.minutes(5), longest), (sla.minutes(1), sla.monthly(tz="Asia/Tokyo"))):
        measure = sla.bucket_availability(bucket=bucket, max_error_rate="1%", empty="bad")
        sla.compile_agreement(agreement(measure >= "99%", period=rule))


def test_listing_every_bucket_of_a_long_period_object_is_refused_at_evaluation() -> None:
    """A Period given directly is checked when it is evaluated, with its own figure."""
    measure = sla.bucket_availability(bucket=sla.seconds(1), max_error_rate="1%", empty="bad")
    plan = sla.compile_agreement(agreement(measure >= "99%", period=sla.weekly_periods()))
    year = sla.Period(OCTOBER.start, OCTOBER.start + 366 * 86_400 * SECOND, "a year", "UTC")
    refused = r"into 31,622,400 buckets per service.*at least 16 seconds"
    with pytest.raises(EvaluationError, match=refused):
        plan.evaluate(one_request_each(), period=year)


def test_empty_good_buckets_are_never_listed_so_they_are_never_bounded() -> None:
    """With empty='good' (the default) a 10 ms bucket over a year compiles and evaluates."""
    measure = sla.bucket_availability(bucket=sla.milliseconds(10), max_error_rate="1%")
    report = sla.evaluate(
        agreement(measure >= "99%", period=sla.yearly()), one_request_each(), period="2026"
    )
    assert set(values(report).values()) == {Fraction(1)}


# --- occupied buckets give exactly what per-bucket arrays gave ------------------------------


@contextlib.contextmanager
def occupied_only() -> Iterator[None]:
    """Make every bucketed kernel take its sparse path, even for a small period."""
    with (
        mock.patch.object(_requests, "DENSE_CELLS_PER_ROW", 0),
        mock.patch.object(_requests, "DENSE_CELLS_FLOOR", 0),
    ):
        yield


def dense_notes(
    measure: sla.Measure, reqs: list[sla.Request], service: str, start: int
) -> list[BucketNote]:
    """Return a service's bucket notes as the per-bucket implementation listed them."""
    assert isinstance(measure, sla.BucketAvailability | sla.ErrorRateUptime)
    size = measure.bucket.us
    end = T0 + PERIOD_SECONDS * SECOND
    first = (start - T0) // size
    counts = model_buckets(measure, reqs, service, start, size)
    if not any(n for n, _ in counts):
        return []
    out = []
    for b, (n, e) in enumerate(counts):
        lo = T0 + (first + b) * size
        span = (max(lo, start), min(lo + size, end))
        if isinstance(measure, sla.ErrorRateUptime):
            if e:
                out.append(BucketNote(*span, n, e, "down" if e == n else "partial", ""))
            continue
        rate = Fraction(measure.max_error_rate)
        over = n > 0 and (
            Fraction(e, n) > rate if measure.down_when == ">" else Fraction(e, n) >= rate
        )
        if over:
            verdict = "down" if n >= measure.min_requests else "good"
            out.append(BucketNote(*span, n, e, verdict, ""))
        elif n == 0 and measure.empty != "good":
            out.append(BucketNote(*span, 0, 0, measure.empty, ""))
    return out


def _shape(note: BucketNote) -> tuple[int, int, int, int, str]:
    return (note.start, note.end, note.requests, note.errors, note.verdict)


@given(
    measure=request_measures(),
    reqs=request_lists(),
    start_s=st.sampled_from([0, 0, 7, 130]),
)
def test_occupied_buckets_match_per_bucket_arrays(
    measure: sla.Measure, reqs: list[sla.Request], start_s: int
) -> None:
    """Sparse and dense paths agree on every figure and every note, and both on the old listing."""
    start = T0 + start_s * SECOND
    dense = run(measure, reqs, start)
    with occupied_only():
        sparse = run(measure, reqs, start)
    assert np.array_equal(np.asarray(dense.good), np.asarray(sparse.good))
    assert np.array_equal(np.asarray(dense.total), np.asarray(sparse.total))
    assert dense.counts == sparse.counts
    for i, service in enumerate(SERVICES):
        a, b = dense.evidence_of(i), sparse.evidence_of(i)
        assert isinstance(a, RequestEvidence)
        assert isinstance(b, RequestEvidence)
        assert (a.value, a.detail, a.buckets) == (b.value, b.detail, b.buckets)
        assert (a.down, a.excluded, a.eligible) == (b.down, b.excluded, b.eligible)
        if isinstance(measure, sla.BucketAvailability | sla.ErrorRateUptime):
            expected = [_shape(n) for n in dense_notes(measure, reqs, service, start)]
            assert [_shape(n) for n in a.buckets] == expected


def test_services_times_buckets_beyond_one_int64_are_refused_with_the_figures() -> None:
    """20 services x 1 µs buckets over eight thousand years do not fit one pass: say so."""
    measure = sla.error_rate_uptime(bucket=sla.microseconds(1))
    plan = sla.compile_agreement(agreement(measure >= "99%", services=MANY[:20]))
    ages = sla.Period(0, 250_000_000_000_000_000, "ages", "UTC")
    with pytest.raises(EvaluationError, match=r"20 services x 250,000,000,000,000,000 buckets"):
        plan.evaluate(one_request_each(), period=ages)
