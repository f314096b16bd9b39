"""The request kernels against a slow pure-Python model of the same rules."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit._engine._inputs import Inputs
from slakit._engine._registry import Context, runner_for
from slakit._results._evidence import MeasureOutcome
from tests.strategies import SECOND, SERVICES, T0, request_lists, request_measures, small_period

PERIOD_SECONDS = 600
GOOD, BAD_SERVER, BAD_CLIENT, BAD_SLOW = 0, 1, 2, 3
EXCLUDED_CLIENT, EXCLUDED_SERVER, NO_LATENCY, OUTSIDE, NOT_COVERED = 4, 5, 6, 7, 8


def run(
    measure: sla.Measure, reqs: list[sla.Request], start: int = T0, services=SERVICES
) -> MeasureOutcome:
    """Run ``measure``'s runner over ``reqs`` in the small period from ``start``."""
    period = small_period(PERIOD_SECONDS)
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[sla.success_ratio() >= "0%"])
    agreement = sla.Agreement(
        provider="p", customer="c", services=list(services), tier=tier, period=sla.monthly()
    )
    ctx = Context(agreement=agreement, period=period, start=start, services=tuple(services))
    table = sla.RequestTable.from_records(reqs)
    return runner_for(measure)(measure, Inputs({sla.RequestTable: table}), ctx)


def model_code(measure: sla.Measure, r: sla.Request, start: int, services: tuple[str, ...]) -> int:
    """Return what ``r`` does in ``measure``, by the documented rules, one request at a time."""
    if r.service not in services:
        return NOT_COVERED
    if not start <= r.time_us < T0 + PERIOD_SECONDS * SECOND:
        return OUTSIDE
    if isinstance(measure, sla.LatencyPercentile):
        client = "good" if measure.client_errors == "counted" else "excluded"
        server = "good" if measure.server_errors == "counted" else "excluded"
        bound = None
        needs_latency = True
    else:
        assert isinstance(measure, sla.RequestMeasure)
        client, server = measure.client_errors, measure.server_errors
        bound = measure.latency_bound
        needs_latency = bound is not None
    outcome = r.outcome
    if outcome == "success":
        treat, bad, excluded = "good", -1, -1
    elif outcome == "client error":
        treat, bad, excluded = client, BAD_CLIENT, EXCLUDED_CLIENT
    else:
        treat, bad, excluded = server, BAD_SERVER, EXCLUDED_SERVER
    if treat == "excluded":
        return excluded
    if needs_latency and r.latency is None:
        return NO_LATENCY
    if treat == "bad":
        return bad
    if bound is not None:
        assert r.latency is not None
        limit, inclusive = bound
        if r.latency.us > limit or (r.latency.us == limit and not inclusive):
            return BAD_SLOW
    return GOOD


def model_buckets(
    measure: sla.Measure, reqs: list[sla.Request], service: str, start: int, size: int
) -> list[tuple[int, int]]:
    """Return (counted, bad) for every bucket of the evaluated range, by brute force."""
    end = T0 + PERIOD_SECONDS * SECOND
    buckets = []
    b = (start - T0) // size
    while T0 + b * size < end:
        lo, hi = T0 + b * size, T0 + (b + 1) * size
        codes = [
            model_code(measure, r, start, SERVICES)
            for r in reqs
            if r.service == service and lo <= r.time_us < hi
        ]
        counted = [c for c in codes if c < EXCLUDED_CLIENT]
        buckets.append((len(counted), sum(1 for c in counted if c != GOOD)))
        b += 1
    return buckets


def model_percentile(values: list[int], q: Fraction, method: str) -> Fraction:
    """Return a percentile of ``values`` with exact arithmetic, straight from the definitions."""
    xs = sorted(values)
    n = len(xs)
    if method == "nearest_rank":
        return Fraction(xs[math.ceil(q * n) - 1])
    h = q * (n - 1)
    if method == "lower":
        return Fraction(xs[math.floor(h)])
    if method == "higher":
        return Fraction(xs[math.ceil(h)])
    lo = math.floor(h)
    hi = min(lo + 1, n - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def model_value(
    measure: sla.Measure, reqs: list[sla.Request], service: str, start: int
) -> Fraction | None:
    """Return the measure's exact value for ``service`` by brute force (``None``: no data)."""
    mine = [r for r in reqs if r.service == service]
    codes = [model_code(measure, r, start, SERVICES) for r in mine]
    counted = [r for r, c in zip(mine, codes, strict=True) if c < EXCLUDED_CLIENT]
    if not counted:
        return None
    if isinstance(measure, sla.RequestRatio):
        return Fraction(codes.count(GOOD), len(counted))
    if isinstance(measure, sla.LatencyPercentile):
        q = Fraction(measure.q)
        if measure.per is None:
            return model_percentile([r.latency.us for r in counted], q, measure.method)
        size = measure.per.us
        groups: dict[int, list[int]] = {}
        for r in counted:
            groups.setdefault((r.time_us - T0) // size, []).append(r.latency.us)
        return max(model_percentile(v, q, measure.method) for v in groups.values())
    assert isinstance(measure, sla.BucketAvailability | sla.ErrorRateUptime)
    buckets = model_buckets(measure, reqs, service, start, measure.bucket.us)
    if isinstance(measure, sla.ErrorRateUptime):
        rates = [Fraction(bad, n) if n else Fraction(0) for n, bad in buckets]
        return 1 - sum(rates, Fraction(0)) / len(buckets)
    good = eligible = 0
    rate = Fraction(measure.max_error_rate)
    for n, bad in buckets:
        if n == 0:
            if measure.empty == "excluded":
                continue
            eligible += 1
            good += measure.empty == "good"
            continue
        eligible += 1
        over = Fraction(bad, n) > rate if measure.down_when == ">" else Fraction(bad, n) >= rate
        good += not (over and n >= measure.min_requests)
    return Fraction(good, eligible) if eligible else None


@given(
    measure=request_measures(),
    reqs=request_lists(),
    start_s=st.sampled_from([0, 0, 7, 130]),
)
def test_kernels_match_the_model(
    measure: sla.Measure, reqs: list[sla.Request], start_s: int
) -> None:
    """Every service's exact value and every request's fate equal the brute-force model."""
    start = T0 + start_s * SECOND
    outcome = run(measure, reqs, start)
    for i, service in enumerate(SERVICES):
        expected = model_value(measure, reqs, service, start)
        total = int(outcome.total[i])
        got = None if total == 0 else Fraction(int(outcome.good[i]), total)
        assert got == expected, service
    codes = [model_code(measure, r, start, SERVICES) for r in reqs]
    cats = outcome.counts["categories"]
    assert cats["counted"] == sum(c < EXCLUDED_CLIENT for c in codes)
    assert cats["excluded"] == sum(c in (EXCLUDED_CLIENT, EXCLUDED_SERVER) for c in codes)
    assert cats["ignored"] == sum(c >= NO_LATENCY for c in codes)
    assert sum(cats.values()) == outcome.counts["rows"]["rows"] == len(reqs)
    notes = outcome.notes()  # in the canonical order of the facts: match them by row
    assert len(notes) == len(reqs)
    assert {int(n.where.split()[-1]): n.category for n in notes} == {
        i: "counted" if c < 4 else "excluded" if c < 6 else "ignored" for i, c in enumerate(codes)
    }


@given(measure=request_measures(), reqs=request_lists(), seed=st.integers(0, 2**32 - 1))
def test_order_of_requests_does_not_matter(
    measure: sla.Measure, reqs: list[sla.Request], seed: int
) -> None:
    """Shuffling the requests changes no value (evaluation is independent of event order)."""
    shuffled = list(reqs)
    random.Random(seed).shuffle(shuffled)
    a, b = run(measure, reqs), run(measure, shuffled)
    assert np.array_equal(a.good, b.good)
    assert np.array_equal(a.total, b.total)
    assert a.counts == b.counts


@given(reqs=request_lists(), q=st.sampled_from([1, 10, 50, 90, 99, 100]))
def test_percentile_methods_match_numpy(reqs: list[sla.Request], q: int) -> None:
    """The named methods agree with numpy's inverted_cdf, lower, higher and linear."""
    numpy_name = {
        "nearest_rank": "inverted_cdf",
        "lower": "lower",
        "higher": "higher",
        "linear": "linear",
    }
    for method, name in numpy_name.items():
        outcome = run(sla.latency_percentile(q, method=method), reqs)
        for i, service in enumerate(SERVICES):
            lat = [
                r.latency.us
                for r in reqs
                if r.service == service
                and r.latency is not None
                and T0 <= r.time_us < T0 + PERIOD_SECONDS * SECOND
            ]
            if not lat:
                assert int(outcome.total[i]) == 0
                continue
            expected = float(np.percentile(np.asarray(lat), q, method=name))
            got = int(outcome.good[i]) / int(outcome.total[i])
            assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-6), (method, service)
