"""W2 — request log: success ratio, good 5-minute buckets and p99 latency per service.

The data (see ``docs/benchmarks.md``): requests over October 2026 (UTC) for
100 services, uniform timestamps; a request fails with probability 0.2%,
except in rare bad (service, 5-minute bucket) pairs (one in a thousand) where
it fails with probability 30%; latency is log-normal with a median of 80 ms,
stored as ``float32`` milliseconds.

Per service: the success ratio; the share of good 5-minute buckets (error rate
at most 5%, compared exactly in integers; a bucket without traffic is good);
the p99 latency over the month by nearest rank (the value at 1-based rank
``ceil(0.99 * n)`` of the service's sorted latencies).

:func:`run_slakit` evaluates W2 through slakit's public API: one agreement
whose tier holds ``success_ratio()``, ``bucket_availability(...)`` and
``latency_percentile(99)``, over a ``RequestTable`` built from the columns.
slakit holds latencies as integer microseconds, so the float32 milliseconds
are rounded to microseconds on the way in (as a user loading them would), and
:func:`same` compares p99 latencies at microsecond resolution.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from benchmarks._harness import PeerTiming, median_time

NAME = "W2"
UNIT = "requests"
SIZES = {"quick": (2_000_000,), "full": (10_000_000,)}
TARGET = "<= 1.5x reference and faster than polars; peak memory < 3 GB at 10M"
PUBLISHED_REFERENCE_S = {10_000_000: 0.51}
PUBLISHED_PEER_RATIO = {10_000_000: 5.8}

I64 = npt.NDArray[np.int64]
US = 1_000_000
BUCKET = 5 * 60 * US
N_SERVICES = 100
P0 = int(dt.datetime(2026, 10, 1, tzinfo=dt.UTC).timestamp()) * US
P1 = int(dt.datetime(2026, 11, 1, tzinfo=dt.UTC).timestamp()) * US
N_BUCKETS = (P1 - P0) // BUCKET
#: A bucket is good when errors / requests <= 5%, that is errors * 20 <= requests.
ERRORS_PER_GOOD = 20


@dataclass(eq=False)
class Data:
    """The request log: service code, timestamp (µs UTC), success flag, latency (ms)."""

    n_requests: int
    seed: int
    service: npt.NDArray[np.int16]
    time: I64
    ok: npt.NDArray[np.bool_]
    latency_ms: npt.NDArray[np.float32]

    def __len__(self) -> int:
        return self.n_requests


def generate(size: int, seed: int) -> Data:
    """Return W2 with ``size`` requests, deterministically from ``seed``."""
    rng = np.random.default_rng([seed, 2, size])
    service = rng.integers(0, N_SERVICES, size, dtype=np.int16)
    time = rng.integers(P0, P1, size, dtype=np.int64)
    bad_bucket = rng.random(N_SERVICES * N_BUCKETS) < 0.001
    in_bad = bad_bucket[service.astype(np.int64) * N_BUCKETS + (time - P0) // BUCKET]
    fail = np.where(in_bad, 0.30, 0.002)
    ok = rng.random(size) >= fail
    latency = np.exp(np.log(80.0) + 0.5 * rng.standard_normal(size)).astype(np.float32)
    return Data(size, seed, service, time, ok, latency)


@dataclass(eq=False)
class Result:
    """Per service: successes and requests, good buckets (of N_BUCKETS), p99 latency."""

    successes: I64
    requests: I64
    good_buckets: I64
    p99_ms: npt.NDArray[np.float32]

    def success_ratio(self, i: int) -> Fraction:
        """Return service ``i``'s exact success ratio."""
        return Fraction(int(self.successes[i]), int(self.requests[i]))

    def good_bucket_share(self, i: int) -> Fraction:
        """Return service ``i``'s exact share of good 5-minute buckets."""
        return Fraction(int(self.good_buckets[i]), N_BUCKETS)


def same(a: Result, b: Result) -> bool:
    """Whether two results agree exactly on every figure."""
    return (
        np.array_equal(a.successes, b.successes)
        and np.array_equal(a.requests, b.requests)
        and np.array_equal(a.good_buckets, b.good_buckets)
        and np.array_equal(_p99_us(a), _p99_us(b), equal_nan=True)
    )


def _p99_us(result: Result) -> npt.NDArray[np.float64]:
    """Return the p99 latencies in whole microseconds (NaN where a service has no requests)."""
    return np.asarray(np.rint(result.p99_ms.astype(np.float64) * 1000))


def nearest_rank(n: I64, q_percent: int = 99) -> I64:
    """Return the 1-based nearest rank ``ceil(q / 100 * n)`` in integers."""
    return (q_percent * n + 99) // 100


# --- the numpy reference: bincounts and one packed-key sort -------------------------------


def reference(data: Data) -> Result:
    """Compute W2 with bincounts and one sort of packed (service, latency bits) keys.

    Positive ``float32`` values order like their bit patterns, so the key
    ``service << 32 | bits(latency)`` sorts by service, then latency.
    """
    svc = data.service.astype(np.intp)
    fail = ~data.ok
    requests = np.bincount(svc, minlength=N_SERVICES)
    failures = np.bincount(svc[fail], minlength=N_SERVICES)

    cell = svc * N_BUCKETS + (data.time - P0) // BUCKET
    per_cell = np.bincount(cell, minlength=N_SERVICES * N_BUCKETS)
    failed_cell = np.bincount(cell[fail], minlength=N_SERVICES * N_BUCKETS)
    good = (failed_cell * ERRORS_PER_GOOD <= per_cell).reshape(N_SERVICES, N_BUCKETS)

    key = (svc.astype(np.uint64) << np.uint64(32)) | data.latency_ms.view(np.uint32)
    key.sort()
    first = np.concatenate(([0], np.cumsum(requests)[:-1]))
    idx = first + np.maximum(nearest_rank(requests) - 1, 0)
    p99 = (key[np.minimum(idx, key.shape[0] - 1)] & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    p99_ms = np.where(requests > 0, p99.view(np.float32), np.float32(np.nan))
    return Result(
        (requests - failures).astype(np.int64),
        requests.astype(np.int64),
        good.sum(axis=1).astype(np.int64),
        p99_ms.astype(np.float32),
    )


# --- polars group-by: what a data user writes ---------------------------------------------


def polars_group_by(data: Data) -> Result:
    """Compute W2 with polars group-bys (the frame is built inside, as a user would load it)."""
    import polars as pl

    df = pl.DataFrame(
        {
            "service": data.service,
            "time": data.time,
            "ok": data.ok,
            "latency_ms": data.latency_ms,
        }
    )
    per_service = (
        df.group_by("service")
        .agg(
            requests=pl.len(),
            successes=pl.col("ok").sum(),
            p99=pl.col("latency_ms").sort().get((pl.len() * 99 + 99) // 100 - 1),
        )
        .sort("service")
    )
    bad = (
        df.with_columns(bucket=(pl.col("time") - P0) // BUCKET)
        .group_by("service", "bucket")
        .agg(requests=pl.len(), failures=(~pl.col("ok")).sum())
        .filter(pl.col("failures") * ERRORS_PER_GOOD > pl.col("requests"))
        .group_by("service")
        .agg(bad=pl.len())
    )
    frame = (
        pl.DataFrame({"service": np.arange(N_SERVICES, dtype=np.int16)})
        .join(per_service, on="service", how="left")
        .join(bad, on="service", how="left")
        .fill_null(0)
        .sort("service")
    )
    return Result(
        frame["successes"].to_numpy().astype(np.int64),
        frame["requests"].to_numpy().astype(np.int64),
        N_BUCKETS - frame["bad"].to_numpy().astype(np.int64),
        frame["p99"].to_numpy().astype(np.float32),
    )


def peer(data: Data, repeat: int) -> PeerTiming:
    """Time polars on the whole workload."""
    try:
        import polars  # noqa: F401
    except ImportError:
        return PeerTiming("polars", None, "polars is not installed")
    seconds, result = median_time(lambda: polars_group_by(data), repeat)
    return PeerTiming("polars", seconds, agree=same(result, reference(data)))


# --- slakit: one agreement, three request measures, through the public API ----------------


def run_slakit(data: Data) -> Result:
    """Compute W2 with ``sla.evaluate`` over a ``RequestTable`` built from the columns."""
    import slakit as sla

    names = [f"svc{i:03d}" for i in range(N_SERVICES)]
    table = sla.RequestTable.from_columns(
        {
            "service": data.service.astype(np.int32),
            "time": data.time,
            "ok": data.ok,
            "latency": np.rint(data.latency_ms.astype(np.float64) * 1000).astype(np.int64),
        },
        services=names,
    )
    ratio = sla.success_ratio()
    buckets = sla.bucket_availability(bucket=sla.minutes(5), max_error_rate="5%")
    p99 = sla.latency_percentile(99)
    tier = sla.Tier(
        "w2",
        fee=sla.usd("100.00"),
        objectives=[ratio >= "99.9%", buckets >= "99%", p99 <= "300ms"],
    )
    agreement = sla.Agreement(
        provider="bench", customer="w2", services=names, tier=tier, period=sla.monthly(tz="UTC")
    )
    report = sla.evaluate(agreement, table, period="2026-10")
    by_measure = {outcome.measure: outcome for outcome in report.outcomes}
    has = by_measure[p99].total > 0
    p99_ms = np.where(has, by_measure[p99].good / 1000, np.nan).astype(np.float32)
    return Result(
        by_measure[ratio].good.astype(np.int64),
        by_measure[ratio].total.astype(np.int64),
        by_measure[buckets].good.astype(np.int64),
        p99_ms,
    )
