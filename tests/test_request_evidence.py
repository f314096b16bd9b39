"""Evidence of request measures agrees with the value beside it, against the brute-force model."""

from __future__ import annotations

from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
import slakit._engine._requests  # registers the request runners
from tests.strategies import SECOND, SERVICES, T0, request_measures, requests, small_period
from tests.test_requests_oracle import (
    EXCLUDED_CLIENT,
    PERIOD_SECONDS,
    model_buckets,
    model_code,
    model_percentile,
    model_value,
    run,
)

MINUTE = sla.minutes(1)
END = T0 + PERIOD_SECONDS * SECOND


def req(t: int, status: int = 200, *, ms: int = 10) -> sla.Request:
    """Return a request of service ``a``, ``t`` seconds after T0."""
    return sla.Request("a", T0 + t * SECOND, status, latency=ms * 1000)


def bucket_of(bad: int, total: int, t0: int = 0) -> list[sla.Request]:
    """Return ``total`` requests of one minute from ``t0`` seconds, ``bad`` of them 503s."""
    return [req(t0 + i, 503 if i < bad else 200) for i in range(total)]


@st.composite
def request_logs(draw: st.DrawFn) -> list[sla.Request]:
    """Draw requests in a few bursts, so buckets often hold several, good and bad together."""
    bursts = draw(st.lists(st.integers(-30, 625), min_size=1, max_size=4))
    out = []
    for _ in range(draw(st.integers(1, 60))):
        one = draw(requests(services=("a", "b", "zz")))
        t = draw(st.sampled_from(bursts)) + draw(st.integers(0, 4))
        out.append(attrs.evolve(one, time=T0 + t * SECOND))
    return out


def _expected_availability_rows(
    measure: sla.BucketAvailability, buckets: list[tuple[int, int]]
) -> dict[int, str]:
    """Return, by the documented rules, the verdict of every bucket the evidence must list."""
    rate = Fraction(measure.max_error_rate)
    rows: dict[int, str] = {}
    for b, (n, bad) in enumerate(buckets):
        if n == 0:
            if measure.empty != "good":
                rows[b] = measure.empty
            continue
        over = Fraction(bad, n) > rate if measure.down_when == ">" else Fraction(bad, n) >= rate
        if over:
            rows[b] = "down" if n >= measure.min_requests else "good"
    return rows


def _check_availability(
    measure: sla.BucketAvailability,
    ev: sla.RequestEvidence,
    buckets: list[tuple[int, int]],
    expected: Fraction | None,
    start: int,
) -> None:
    size = measure.bucket.us
    first = (start - T0) // size
    got = {(note.start - T0) // size - first: note for note in ev.buckets}
    assert len(got) == len(ev.buckets)  # one row per bucket
    if expected is None:
        assert ev.buckets == ()
        return
    want = _expected_availability_rows(measure, buckets)
    assert {b: note.verdict for b, note in got.items()} == want
    for b, note in got.items():
        assert (note.requests, note.errors) == buckets[b]
    verdicts = [note.verdict for note in ev.buckets]
    eligible = len(buckets) - verdicts.count("excluded")
    good = eligible - verdicts.count("down") - verdicts.count("bad")
    assert Fraction(good, eligible) == expected
    assert ev.detail.startswith(f"{good} good of {eligible} eligible buckets")
    down = sum(n.end - n.start for n in ev.buckets if n.verdict in ("down", "bad"))
    assert ev.down.measure() == down
    assert ev.excluded.measure() == sum(
        n.end - n.start for n in ev.buckets if n.verdict == "excluded"
    )


def _check_error_rate(
    measure: sla.ErrorRateUptime,
    ev: sla.RequestEvidence,
    buckets: list[tuple[int, int]],
    expected: Fraction | None,
    start: int,
) -> None:
    size = measure.bucket.us
    first = (start - T0) // size
    got = {(note.start - T0) // size - first: note for note in ev.buckets}
    assert len(got) == len(ev.buckets)
    assert set(got) == {b for b, (_, bad) in enumerate(buckets) if bad}
    rates = Fraction(0)
    for b, note in got.items():
        n, bad = buckets[b]
        assert (note.requests, note.errors) == (n, bad)
        assert note.verdict == ("down" if bad == n else "partial")
        assert note.verdict != "good"
        rates += Fraction(note.errors, note.requests)
    assert f"sum of bucket error rates {rates} over {len(buckets)} buckets" in ev.detail
    if expected is not None:
        assert 1 - rates / len(buckets) == expected
    down = sum(n.end - n.start for n in ev.buckets if n.verdict == "down")
    assert ev.down.measure() == down


def _check_percentile(
    measure: sla.LatencyPercentile,
    ev: sla.RequestEvidence,
    *,
    reqs: list[sla.Request],
    service: str,
    expected: Fraction | None,
    start: int,
) -> None:
    if expected is None or measure.per is None:
        assert ev.buckets == ()
        return
    (note,) = ev.buckets
    assert note.verdict == "worst"
    size = measure.per.us
    latencies = [
        r.latency.us
        for r in reqs
        if r.service == service
        and model_code(measure, r, start, SERVICES) < EXCLUDED_CLIENT
        and r.latency is not None
        and (r.time_us - T0) // size == (note.start - T0) // size
    ]
    assert note.requests == len(latencies)
    assert model_percentile(latencies, Fraction(measure.q), measure.method) == expected
    assert f"percentile {measure.format_value(expected)}" in note.reason


def _check_ratio(ev: sla.RequestEvidence, expected: Fraction | None) -> None:
    counted = {k: v for k, v in ev.requests.items() if k == "good" or k.startswith("bad")}
    good, total = counted.get("good", 0), sum(counted.values())
    assert (None if total == 0 else Fraction(good, total)) == expected
    assert ev.detail == f"{good} good of {total} counted requests"


def _check_evidence(measure: sla.Measure, reqs: list[sla.Request], start: int) -> None:
    """Check every service's evidence rows against the brute-force model of the value."""
    outcome = run(measure, reqs, start)
    for i, service in enumerate(SERVICES):
        ev = outcome.evidence_of(i)
        assert isinstance(ev, sla.RequestEvidence)
        expected = model_value(measure, reqs, service, start)
        assert ev.value == ("no data" if expected is None else measure.format_value(expected))
        if isinstance(measure, sla.BucketAvailability):
            buckets = model_buckets(measure, reqs, service, start, measure.bucket.us)
            _check_availability(measure, ev, buckets, expected, start)
        elif isinstance(measure, sla.ErrorRateUptime):
            buckets = model_buckets(measure, reqs, service, start, measure.bucket.us)
            _check_error_rate(measure, ev, buckets, expected, start)
        elif isinstance(measure, sla.LatencyPercentile):
            _check_percentile(
                measure, ev, reqs=reqs, service=service, expected=expected, start=start
            )
        else:
            _check_ratio(ev, expected)


STARTS = st.sampled_from([0, 0, 7, 130])


@given(measure=request_measures(), reqs=request_logs(), start_s=STARTS)
def test_evidence_rows_agree_with_the_value(
    measure: sla.Measure, reqs: list[sla.Request], start_s: int
) -> None:
    """Every row's counts and label come from the value's own columns, and add up to it."""
    _check_evidence(measure, reqs, T0 + start_s * SECOND)


BUCKETED = request_measures().filter(
    lambda m: isinstance(m, sla.BucketAvailability | sla.ErrorRateUptime)
)


@given(measure=BUCKETED, reqs=request_logs(), start_s=STARTS)
def test_bucket_rows_agree_with_the_value(
    measure: sla.Measure, reqs: list[sla.Request], start_s: int
) -> None:
    """The same law over bucketed measures only, where rows carry verdicts."""
    _check_evidence(measure, reqs, T0 + start_s * SECOND)


@pytest.mark.parametrize(
    ("reqs", "rows"),
    [
        # every request of the bucket failed: a whole bucket down, never "good"
        (bucket_of(1, 1), [("down", "error rate 100%: counts as a whole bucket down")]),
        (bucket_of(3, 3), [("down", "error rate 100%: counts as a whole bucket down")]),
        # some failed: that share of a bucket
        (bucket_of(1, 2), [("partial", "error rate 50%: counts as 1/2 of a bucket down")]),
        (
            bucket_of(1, 3),
            [("partial", "error rate 33.333333% (exact 1/3): counts as 1/3 of a bucket down")],
        ),
        # buckets without errors are not listed
        (bucket_of(0, 5), []),
    ],
)
def test_error_rate_rows_say_what_each_bucket_counted_as(
    reqs: list[sla.Request], rows: list[tuple[str, str]]
) -> None:
    """A bucket with errors is down (all bad) or partial (some bad), with its share."""
    ev = run(sla.error_rate_uptime(bucket=MINUTE), reqs).evidence_of(0)
    assert isinstance(ev, sla.RequestEvidence)
    assert [(n.verdict, n.reason) for n in ev.buckets] == rows
    assert ev.down.measure() == sum(60 * SECOND for verdict, _ in rows if verdict == "down")


def test_a_service_without_data_lists_no_buckets() -> None:
    """With no counted request the value is "no data", and no bucket is listed as bad."""
    m = sla.bucket_availability(bucket=MINUTE, max_error_rate="5%", empty="bad")
    ev = run(m, bucket_of(1, 2)).evidence_of(1)
    assert isinstance(ev, sla.RequestEvidence)
    assert ev.value == "no data"
    assert ev.buckets == ()
    assert ev.down.measure() == 0


def test_the_report_of_a_failed_bucket_shows_it_down() -> None:
    """The reported case: a bucket where every request failed reads "down" in explain()."""
    m = sla.error_rate_uptime(bucket=MINUTE)
    tier = sla.Tier("t", fee=sla.usd("100.00"), objectives=[m >= "99%"])
    agreement = sla.Agreement(
        provider="p", customer="c", services=["a"], tier=tier, period=sla.monthly()
    )
    report = sla.evaluate(agreement, bucket_of(1, 1), period=small_period())
    text = report.explain()
    assert "1 of 1 requests bad: down, error rate 100%: counts as a whole bucket down" in text
    assert ": good, error rate" not in text
