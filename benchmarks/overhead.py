"""Fixed costs: ``import slakit``, one small agreement, one template over many subscribers."""

from __future__ import annotations

import statistics
import subprocess
import sys
from typing import Any

import numpy as np

from benchmarks._harness import Row, median_time, peak_mb

US = 1_000_000
MINUTE = 60 * US
P0 = 1_790_812_800 * US  # 2026-10-01T00:00:00Z
P1 = 1_793_491_200 * US  # 2026-11-01T00:00:00Z

_IMPORT = "import time; t = time.perf_counter(); import slakit; print(time.perf_counter() - t)"


def import_time(repeat: int = 7) -> Row:
    """Time ``import slakit`` in fresh interpreters (the import alone, not the start-up)."""
    times = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT],
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(out.stdout.strip()))
    return Row(
        key="import",
        workload="import slakit",
        size=1,
        unit="",
        slakit_s=statistics.median(times),
        target="< 0.300 s",
        notes=[f"median of {repeat} fresh subprocesses, import statement only"],
    )


def _agreement(services: list[str]) -> Any:
    import slakit as sla

    uptime = sla.uptime(
        min_outage=sla.minutes(1),
        granularity=sla.minutes(1),
        excluding=[sla.scheduled_maintenance(notice=sla.days(5))],
    )
    tier = sla.Tier(
        "region",
        fee=sla.usd("10000.00"),
        objectives=[uptime >= "99.99%"],
        compensation=sla.credit_schedule(
            uptime, {"< 99.99%": "10%", "< 99.0%": "30%", "< 95.0%": "100%"}
        ),
    )
    return sla.Agreement(provider="Acme Cloud", customer="Globex", services=services, tier=tier)


def _table(n_services: int, per_service: int, seed: int) -> Any:
    import slakit as sla

    rng = np.random.default_rng([seed, 9, n_services, per_service])
    n = n_services * per_service
    start = rng.integers(P0 - 3600 * US, P1, n, dtype=np.int64)
    end = start + rng.integers(1, 30 * MINUTE, n, dtype=np.int64)
    names = np.array([f"sub-{i:05d}" for i in range(n_services)])
    return sla.EventTable.from_columns(
        {
            "kind": np.full(n, "outage"),
            "service": names[np.repeat(np.arange(n_services), per_service)],
            "start": start,
            "end": end,
        }
    ), names.tolist()


def small_agreement(seed: int, repeat: int) -> Row:
    """Time one evaluation of a one-service agreement over 1,000 outage reports."""
    import slakit as sla

    table, names = _table(1, 1_000, seed)
    agreement = _agreement(names)

    def run() -> object:
        return sla.evaluate(agreement, table, period="2026-10").total

    run()
    seconds, _ = median_time(run, max(repeat, 25))
    return Row(
        key="small-1000-events",
        workload="one small agreement, 1,000 events",
        size=1_000,
        unit="",
        slakit_s=seconds,
        target="< 0.005 s",
        notes=["evaluate() and the rounded total; table built beforehand"],
    )


def subscribers(seed: int, repeat: int, n: int = 10_000) -> Row:
    """Time one template evaluated for ``n`` subscribers in one call, and one call each."""
    import slakit as sla

    table, names = _table(n, 2, seed)
    agreement = _agreement(names)

    def one_pass() -> object:
        report = sla.evaluate(agreement, table, period="2026-10")
        return report.columns(), report.compensation.exact_total

    seconds, _ = median_time(one_pass, repeat)
    # One call per subscriber, timed on 100 subscribers' own agreements and scaled.
    sample = [_agreement([name]) for name in names[:100]]

    def per_subscriber() -> object:
        return [sla.evaluate(a, table, period="2026-10").total for a in sample]

    each, _ = median_time(per_subscriber, 1)
    return Row(
        key=f"subscribers-{n}",
        workload=f"one template, {n:,} subscribers, one call",
        size=n,
        unit="",
        slakit_s=seconds,
        peak_mb=peak_mb(one_pass),
        extra={"per_subscriber_calls_s": round(each * n / len(sample), 3)},
        notes=[
            (
                f"{2 * n:,} outage reports; per-subscriber calls for comparison: "
                f"{each * n / len(sample):.2f} s (timed on 100 calls over the same table, scaled)"
            )
        ],
    )
