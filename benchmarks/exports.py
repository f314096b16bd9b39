"""Reading a report: ``to_dict()`` against the evaluation; ``service()``, ``evidence()`` per call.

The data is W1's fleet (see ``benchmarks/w1.py``: about 20 outage reports and
0-2 maintenance windows per service, each service with its own fee), evaluated
as one agreement: every service around the clock, one uptime measure, one
objective and a credit schedule on each service's own fee. The evaluation is
the reference ("how long the figures take"); the exports are timed against it:

- ``to_dict()`` on a fresh report (evaluated again, untimed, before each run:
  a report keeps what it has built), as a ratio to the evaluation;
- ``service(name)`` and ``evidence(name)``: the first call on a fresh report
  (which builds the position index and any lazy evidence state), then the mean
  of many calls over other services (the amortised cost per service).

Run it alone with ``python -m benchmarks.exports [--sizes 10000,100000]``, or
through the harness with ``python -m benchmarks --only EXPORTS``.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from benchmarks import w1
from benchmarks._harness import Row

NAME = "EXPORTS"
SIZES = {"quick": (10_000,), "full": (10_000, 100_000)}
TARGET = "to_dict() <= 3x the evaluation; service() and evidence() O(1) per call"
#: Calls of ``service()`` and ``evidence()`` averaged for the per-call figure.
CALLS = 200
#: ``to_dict()`` is timed only when the per-service estimate stays under this (seconds);
#: beyond it the estimate from ``evidence()`` per call is reported instead.
TO_DICT_BUDGET_S = 120.0


def agreement(data: w1.Data) -> Any:
    """Return W1's fleet as one agreement: 24x7, one uptime measure, a schedule, own fees."""
    return w1.fleet_agreement(data, np.arange(data.n_services))


def _seconds(fn: Callable[[], object]) -> float:
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _per_call(report: Any, method: str, names: Sequence[str]) -> tuple[float, float]:
    """Return the first call's time and the mean of the next ``len(names) - 1`` calls."""
    call = getattr(report, method)
    first = _seconds(lambda: call(names[0]))
    t0 = time.perf_counter()
    for name in names[1:]:
        call(name)
    return first, (time.perf_counter() - t0) / max(1, len(names) - 1)


def measure(size: int, *, seed: int, repeat: int) -> Row:
    """Time the evaluation, ``to_dict()``, ``service()`` and ``evidence()`` at ``size`` services."""
    import slakit as sla

    data = w1.generate(size, seed)
    terms = agreement(data)
    table = data.table

    def evaluate() -> Any:
        return sla.evaluate(terms, table, period="2026-10")

    evaluate()  # warm caches (calendars, the agreement's fee column), as a long process would
    evaluation = statistics.median(_seconds(evaluate) for _ in range(max(1, repeat)))
    step = max(1, size // CALLS)
    names = list(data.names[::step][:CALLS])
    s_first, s_call = _per_call(evaluate(), "service", names)
    e_first, e_call = _per_call(evaluate(), "evidence", names)
    row = Row(
        key=f"{NAME}-{size}",
        workload=NAME,
        size=size,
        unit="services",
        reference_s=evaluation,
        target=TARGET,
    )
    estimate = e_call * size
    if estimate <= TO_DICT_BUDGET_S:
        runs = []
        for _ in range(max(1, min(repeat, 3))):
            report = evaluate()
            runs.append(_seconds(report.to_dict))
        row.slakit_s = statistics.median(runs)
        row.notes.append(
            f"to_dict(): {row.slakit_s:.3f} s = {row.slakit_s / evaluation:.1f}x the evaluation "
            f"({evaluation * 1000:.1f} ms)"
        )
    else:
        row.notes.append(
            f"to_dict() not timed: about {estimate:.0f} s estimated from evidence() per call "
            f"x {size:,} services (= {estimate / evaluation:.0f}x the evaluation)"
        )
    row.extra.update(
        {
            "evaluation_s": round(evaluation, 5),
            "service_first_ms": round(s_first * 1000, 3),
            "service_per_call_ms": round(s_call * 1000, 4),
            "evidence_first_ms": round(e_first * 1000, 3),
            "evidence_per_call_ms": round(e_call * 1000, 4),
        }
    )
    row.notes.append(
        f"service(): first call {s_first * 1000:.1f} ms, then {s_call * 1000:.3f} ms per call; "
        f"evidence(): first call {e_first * 1000:.1f} ms, then {e_call * 1000:.3f} ms per call "
        f"(mean of {len(names) - 1} calls)"
    )
    return row


def rows(*, seed: int, repeat: int, quick: bool, progress: bool = False) -> list[Row]:
    """Return one row per size (the harness's ``--only EXPORTS``)."""
    out = []
    for size in SIZES["quick" if quick else "full"]:
        if progress:
            print(f"  {NAME} at {size:,} services ...", file=sys.stderr, flush=True)
        out.append(measure(size, seed=seed, repeat=repeat))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures for the sizes asked for."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.exports", description=__doc__)
    parser.add_argument("--sizes", default="10000", help="comma-separated numbers of services")
    parser.add_argument("--repeat", type=int, default=5, help="timed evaluations per size")
    parser.add_argument("--seed", type=int, default=20261001, help="data seed")
    args = parser.parse_args(argv)
    for size in (int(s) for s in args.sizes.split(",") if s.strip()):
        row = measure(size, seed=args.seed, repeat=args.repeat)
        print(f"{size:,} services: evaluation {(row.reference_s or 0.0) * 1000:.1f} ms")
        for note in row.notes:
            print(f"  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
