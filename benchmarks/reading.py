"""Reading a large outage file: ``slakit.io.read_table`` against ``polars.read_ndjson``.

The data is W1's fleet (see ``benchmarks/w1.py``): 100,000 services named as an
inventory names them (``eu-central-1/vm-8f3a2c``), each with its own fee, half
of them on office hours; ``--lines`` rows spread over them at random, about one
in 21 a maintenance window (on whole hours, announced 1-9 days ahead, with
``announced``), the rest outage reports (start anywhere in October 2026 or up
to an hour before, log-normal durations, median 3 minutes), every instant an
ISO 8601 UTC text with whole seconds. The file is JSON Lines as a monitoring
export writes it::

    {"type": "outage", "service": "eu-central-1/vm-8f3a2c", "start": "2026-10-05T10:00:00Z", ...}

Two runs, each in a fresh process (so each peak RSS is its own), one after the
other:

- (a) the reference: ``polars.read_ndjson(path)`` (every column text), the
  instants parsed and the services made categorical by polars (as a polars user
  prepares a frame: slakit parses polars text cell by cell), then
  ``sla.EventTable.from_columns(frame)`` (``type`` renamed ``kind``) and W1's
  evaluation (both agreements, their columns and exact totals);
- (b) slakit: ``slakit.io.read_table(path, "events")`` and the same evaluation.

The times are wall times of reading plus evaluating (imports and the agreements,
built once as a billing job builds them, excluded); the peak RSS is the
process's (``os.wait4``), everything included. Both results are checked, exactly,
against W1's numpy reference on the same rows. The goal (issue 14): (b) takes
less than twice (a), with a peak RSS under 1.5 GB, at 5 million lines.

Run: ``python -m benchmarks.reading [--lines 5000000] [--json]``. The file goes
to a temporary directory and is deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks import w1

NAME = "READING"
SERVICES = 100_000
TARGET = "read_table + evaluation < 2x polars.read_ndjson + evaluation; peak RSS < 1.5 GB"
#: One row in this many is a maintenance window (W1: 1 per 20 outage reports).
MAINTENANCE_EVERY = 21
MB = 1024 * 1024
SECOND = 1_000_000


def fleet(seed: int, services: int = SERVICES, *, rows: int = 0) -> w1.Data:
    """Return W1's fleet for ``services`` services and ``rows`` rows (0: only the services).

    The services (names, fees, office hours) depend on ``seed`` alone, so a
    process that only evaluates rebuilds the same agreements without the rows.
    """
    rng = np.random.default_rng([seed, 14, services])
    names = w1.service_names(rng, services)
    fee = rng.integers(1, w1.FEE_STEPS + 1, services).astype(np.int64) * w1.FEE_STEP
    business = np.zeros(services, dtype=bool)
    business[rng.permutation(services)[: services // 2]] = True
    rng = np.random.default_rng([seed, 15, services, rows])
    service = rng.integers(0, services, rows).astype(np.int32)
    maintenance = rng.random(rows) < 1 / MAINTENANCE_EVERY
    sigma = np.log(3.0) / 0.8416212335729143  # median 3 minutes, a fifth under a minute
    seconds = np.exp(np.log(180.0) + sigma * rng.standard_normal(rows))
    duration = np.maximum(np.rint(seconds), 1).astype(np.int64) * SECOND
    start = rng.integers((w1.P0 - w1.HOUR) // SECOND, w1.P1 // SECOND, rows) * SECOND
    hours = (w1.P1 - w1.P0) // w1.HOUR
    m_start = w1.P0 + rng.integers(0, hours, rows) * w1.HOUR
    m_end = m_start + rng.integers(1, 5, rows) * w1.HOUR
    m_announced = m_start - rng.integers(1, 10, rows) * w1.DAY
    return w1.Data(
        n_services=services,
        seed=seed,
        names=names,
        fee=fee,
        business=business,
        service=service,
        maintenance=maintenance,
        start=np.where(maintenance, m_start, start),
        end=np.where(maintenance, m_end, start + duration),
        announced=np.where(maintenance, m_announced, start),
    )


def _iso(us: npt.NDArray[np.int64]) -> list[str]:
    text = np.datetime_as_string((us // SECOND).astype("datetime64[s]"), unit="s")
    return [f"{t}Z" for t in text.tolist()]


def write_jsonl(data: w1.Data, path: Path, *, block: int = 200_000) -> int:
    """Write the rows of ``data`` as an events JSON Lines file; return its size in bytes."""
    names = data.names
    with path.open("w", encoding="utf-8") as out:
        for lo in range(0, len(data), block):
            part = slice(lo, lo + block)
            lines = []
            for svc, mnt, s, e, a in zip(
                data.service[part].tolist(),
                data.maintenance[part].tolist(),
                _iso(data.start[part]),
                _iso(data.end[part]),
                _iso(data.announced[part]),
                strict=True,
            ):
                if mnt:
                    lines.append(
                        f'{{"type": "maintenance", "service": "{names[svc]}", "start": "{s}", '
                        f'"end": "{e}", "announced": "{a}"}}\n'
                    )
                else:
                    lines.append(
                        f'{{"type": "outage", "service": "{names[svc]}", "start": "{s}", '
                        f'"end": "{e}"}}\n'
                    )
            out.write("".join(lines))
    return path.stat().st_size


# --- the two runs, each in its own process ------------------------------------------------------


def _polars_table(path: Path) -> Any:
    import polars as pl

    import slakit as sla

    times = ("start", "end", "announced")
    frame: Any = pl.read_ndjson(path, schema=dict.fromkeys(("type", "service", *times), pl.String))
    # as a polars user prepares a frame: instants parsed and names made categorical by polars
    # (slakit would parse polars text cell by cell, and compare the names as strings)
    frame = frame.rename({"type": "kind"}).with_columns(
        pl.col(*times).str.to_datetime(time_unit="us", time_zone="UTC"),
        pl.col("service").cast(pl.Categorical),
    )
    return sla.EventTable.from_columns(frame)


def _slakit_table(path: Path) -> Any:
    import slakit.io

    return slakit.io.read_table(path, "events")


RUNS = {"polars": _polars_table, "slakit": _slakit_table}


def child(run: str, path: Path, seed: int, out: Path) -> None:
    """Read ``path`` as ``run`` does, evaluate W1 over it; write times and results to ``out``."""
    data = fleet(seed)
    templates = data.templates  # built once, as a billing job defines its agreements
    t0 = time.perf_counter()
    table = RUNS[run](path)
    t1 = time.perf_counter()
    data.__dict__["table"] = table  # the cached table W1's run evaluates
    result = w1.run_slakit(data, templates)
    t2 = time.perf_counter()
    rows = len(table)
    del table, data
    unknown = np.full(result.good.shape[0], -1, dtype=np.int64)  # a credit not in whole cents
    pct, cents = result.percent(), result.cents()
    np.savez(
        out,
        good=result.good,
        total=result.total,
        pct=unknown if pct is None else pct,
        cents=unknown if cents is None else cents,
        exact=np.array([result.exact_total.numerator, result.exact_total.denominator]),
        times=np.array([t1 - t0, t2 - t1]),
        rows=np.array([rows]),
    )


def _spawn(run: str, path: Path, seed: int, out: Path) -> tuple[float, float, float]:
    """Run ``child`` in a fresh interpreter; return its read and evaluation times and peak RSS."""
    args = [sys.executable, "-m", "benchmarks.reading", "--child", run, str(path), str(seed)]
    proc = subprocess.Popen([*args, str(out)], cwd=Path(__file__).resolve().parent.parent)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"the {run} run failed with status {proc.returncode}")
    with np.load(out) as saved:
        read_s, evaluate_s = saved["times"].tolist()
    return read_s, evaluate_s, usage.ru_maxrss * 1024 / MB  # ru_maxrss is in KiB on Linux


def _agrees(out: Path, expected: w1.Result) -> bool:
    with np.load(out) as saved:
        numerator, denominator = saved["exact"].tolist()
        got = w1.Result(
            saved["good"],
            saved["total"],
            Fraction(numerator, denominator),
            credit_pct=saved["pct"],
            credit_cents=saved["cents"],
        )
    return w1.same(got, expected)


def measure(lines: int, seed: int, *, progress: bool = True) -> dict[str, Any]:
    """Write the file, run (a) then (b), check both against W1's reference; return the figures."""
    data = fleet(seed, rows=lines)
    expected = w1.reference(data)
    with tempfile.TemporaryDirectory(prefix="slakit-reading-") as tmp:
        path = Path(tmp) / "events.jsonl"
        size = write_jsonl(data, path)
        del data
        if progress:
            print(f"  wrote {lines:,} lines ({size / MB:,.0f} MiB)", file=sys.stderr, flush=True)
        figures: dict[str, Any] = {"lines": lines, "file_mb": round(size / MB, 1)}
        for run in RUNS:  # one after the other: a big file is measured alone
            out = Path(tmp) / f"{run}.npz"
            read_s, evaluate_s, rss = _spawn(run, path, seed, out)
            figures[run] = {
                "read_s": round(read_s, 3),
                "evaluate_s": round(evaluate_s, 3),
                "total_s": round(read_s + evaluate_s, 3),
                "peak_rss_mb": round(rss, 1),
                "agree": _agrees(out, expected),
            }
            if progress:
                print(f"  {run}: {figures[run]}", file=sys.stderr, flush=True)
    ratio = figures["slakit"]["total_s"] / figures["polars"]["total_s"]
    figures["ratio"] = round(ratio, 2)
    figures["target"] = TARGET
    figures["met"] = ratio < 2 and figures["slakit"]["peak_rss_mb"] < 1.5 * 1024
    return figures


def render(figures: dict[str, Any]) -> str:
    """Return the figures as a few lines of text."""
    lines = [f"reading {figures['lines']:,} lines ({figures['file_mb']:,} MiB) + W1 evaluation"]
    for run, label in (("polars", "(a) polars.read_ndjson"), ("slakit", "(b) slakit.io")):
        f = figures[run]
        lines.append(
            f"  {label:<24} read {f['read_s']:7.2f} s  evaluate {f['evaluate_s']:6.2f} s  "
            f"total {f['total_s']:7.2f} s  peak RSS {f['peak_rss_mb']:7.0f} MiB  "
            f"agree {f['agree']}"
        )
    lines.append(f"  ratio (b)/(a) {figures['ratio']:.2f}; goal met: {figures['met']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.reading [--lines N] [--seed S] [--json]``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        _, run, path, seed, out = argv
        child(run, Path(path), int(seed), Path(out))
        return 0
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reading", description=__doc__)
    parser.add_argument("--lines", type=int, default=200_000, help="lines of the file")
    parser.add_argument("--seed", type=int, default=20261001, help="data seed")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = measure(args.lines, args.seed)
    print(json.dumps(figures, indent=2) if args.json else render(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
