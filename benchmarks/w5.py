"""W5 — a streamed request log: W2's measures over a Parquet file read in batches.

The data (``../shared/bench/WORKLOADS.md``): W2's request log scaled up (100
services, October 2026, uniform timestamps, 0.2% failures with rare bad
5-minute buckets at 30%, log-normal latency with a median of 80 ms) with the
latency recorded in whole milliseconds, stored as Parquet in row groups of
1,000,000 rows: ``service`` (the names ``svc000`` ... ``svc099``, as text),
``time`` (``timestamp[us, UTC]``), ``ok`` and ``latency_ms`` (``int32``).

Both runs go through slakit's public API, each in a fresh process, so their
peak resident memory (``VmHWM``) is theirs alone:

- batch: ``slakit.io.read_table(path, "requests")`` then ``slakit.evaluate()``;
- streamed: ``slakit.start()``, then ``state.add(batch)`` for every batch of
  ``slakit.io.read_batches(path, "requests", rows=1_000_000)``, then
  ``state.report()``.

The agreement holds W2's three measures (success ratio, share of good
5-minute buckets with at most 5% errors, nearest-rank p99 latency). The goal:
the streamed run's peak RSS under 1 GB at 100 million rows, in at most 1.5x
the batch run's time, with the same report (its ``to_dict()`` JSON, compared
byte for byte).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import w2
from benchmarks._harness import PeerTiming, Row, run_script, temporary_folder

NAME = "W5"
UNIT = "requests"
SIZES = {"quick": (10_000_000,), "full": (100_000_000,)}
TARGET = "streamed: peak RSS < 1 GB, <= 1.5x the batch run's time, the same report"
PUBLISHED_REFERENCE_S: dict[int, float] = {}
PUBLISHED_PEER_RATIO: dict[int, float] = {}
ROW_GROUP = 1_000_000
BATCH_ROWS = 1_000_000

AGREEMENT = """
import slakit as sla

names = [f"svc{i:03d}" for i in range(100)]
ratio = sla.success_ratio()
buckets = sla.bucket_availability(bucket=sla.minutes(5), max_error_rate="5%")
p99 = sla.latency_percentile(99)
tier = sla.Tier(
    "w5",
    fee=sla.usd("100.00"),
    objectives=[ratio >= "99.9%", buckets >= "99%", p99 <= "300ms"],
    compensation=sla.credit_schedule(ratio, {"< 99.9%": "10%", "< 99%": "25%"}),
)
agreement = sla.Agreement(
    provider="bench", customer="w5", services=names, tier=tier, period=sla.monthly(tz="UTC")
)
"""

RUN = """
import hashlib, json, sys, time
import slakit as sla
import slakit.io as sio

mode, path = sys.argv[1], sys.argv[2]
namespace = {}
exec(AGREEMENT, namespace)
agreement = namespace["agreement"]
t0 = time.perf_counter()
if mode == "batch":
    report = sla.evaluate(agreement, sio.read_table(path, "requests"), period="2026-10")
else:
    state = sla.start(agreement, period="2026-10")
    for batch in sio.read_batches(path, "requests", rows=BATCH_ROWS):
        state = state.add(batch)
    report = state.report()
data = json.dumps(report.to_dict())
seconds = time.perf_counter() - t0
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
print(json.dumps({
    "seconds": seconds,
    "peak_kib": peak,
    "digest": hashlib.sha256(data.encode()).hexdigest(),
    "values": [str(o.value) for o in report.objectives],
}))
"""


@dataclass(eq=False)
class Data:
    """The Parquet file of W5 at one size (deleted with this object)."""

    n_requests: int
    seed: int
    folder: Path = Path()

    @property
    def path(self) -> Path:
        return self.folder / "requests.parquet"

    def __len__(self) -> int:
        return self.n_requests


def generate(size: int, seed: int) -> Data:
    """Write W5 with ``size`` requests, a row group at a time (bounded memory)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = Data(size, seed)
    data.folder = temporary_folder(data, "slakit-w5-")
    names = np.asarray([f"svc{i:03d}" for i in range(w2.N_SERVICES)])
    rng = np.random.default_rng([seed, 5, size])
    bad_bucket = rng.random(w2.N_SERVICES * w2.N_BUCKETS) < 0.001
    schema = pa.schema(
        [
            ("service", pa.string()),
            ("time", pa.timestamp("us", tz="UTC")),
            ("ok", pa.bool_()),
            ("latency_ms", pa.int32()),
        ]
    )
    with pq.ParquetWriter(data.path, schema) as writer:
        for lo in range(0, size, ROW_GROUP):
            n = min(ROW_GROUP, size - lo)
            service = rng.integers(0, w2.N_SERVICES, n, dtype=np.int16)
            time = rng.integers(w2.P0, w2.P1, n, dtype=np.int64)
            cell = service.astype(np.int64) * w2.N_BUCKETS + (time - w2.P0) // w2.BUCKET
            ok = rng.random(n) >= np.where(bad_bucket[cell], 0.30, 0.002)
            latency = np.rint(np.exp(np.log(80.0) + 0.5 * rng.standard_normal(n)))
            writer.write_table(
                pa.table(
                    {
                        "service": names[service],
                        "time": pa.array(time, pa.timestamp("us", tz="UTC")),
                        "ok": ok,
                        "latency_ms": latency.astype(np.int32),
                    },
                    schema=schema,
                ),
                row_group_size=ROW_GROUP,
            )
    return data


def _run(mode: str, data: Data) -> dict[str, Any]:
    """Run one mode in a fresh process; return its time, peak RSS and report digest."""
    script = f"AGREEMENT = {AGREEMENT!r}\nBATCH_ROWS = {BATCH_ROWS}\n{RUN}"
    return run_script(script, mode, str(data.path))


def bench(size: int, *, seed: int, repeat: int, quick: bool) -> Row:
    """Time the batch and the streamed run of W5 at ``size`` requests, each in its own process."""
    del quick
    data = generate(size, seed)
    row = Row(key=f"{NAME}-{size}", workload=NAME, size=size, unit=UNIT, target=TARGET)
    batch = [_run("batch", data) for _ in range(max(1, repeat))]
    stream = [_run("stream", data) for _ in range(max(1, repeat))]
    row.reference_s = float(np.median([float(r["seconds"]) for r in batch]))  # type: ignore[arg-type]
    row.slakit_s = float(np.median([float(r["seconds"]) for r in stream]))  # type: ignore[arg-type]
    row.reference_peak_mb = max(int(r["peak_kib"]) for r in batch) / 1024  # type: ignore[call-overload]
    row.peak_mb = max(int(r["peak_kib"]) for r in stream) / 1024  # type: ignore[call-overload]
    digests = {r["digest"] for r in batch + stream}
    row.agree = len(digests) == 1
    row.peer = PeerTiming("none", None, "the reference is slakit's own batch run")
    row.extra["file_mb"] = round(data.path.stat().st_size / 2**20, 1)
    row.notes.append(
        f"reference = the batch run (read_table + evaluate); slakit = streamed "
        f"(read_batches of {BATCH_ROWS:,} rows + state.add + report); peak RSS of each "
        f"process: streamed {row.peak_mb:.0f} MiB, batch {row.reference_peak_mb:.0f} MiB; "
        f"report digest {'identical' if row.agree else 'DIFFERENT'} "
        f"({hashlib.sha256(repr(sorted(map(str, digests))).encode()).hexdigest()[:12]})"
    )
    return row
