"""W2 through ``slakit.dask``: a request log in Parquet partitions, on 1 and 2 workers.

The data: W2's request log (``benchmarks.w2``: 100 services, October 2026) at the
given size, written as a Parquet dataset of equal files (``part-00.parquet`` ...)
with the latency in whole milliseconds, as W5 writes it. The agreement: W2's
three measures. Timed, each in a fresh process:

- local: ``slakit.dask.evaluate(..., client=None)``, every partition here, one
  after another (the yardstick);
- 1 and 2 workers: the same call with the ``Client`` of a ``LocalCluster`` of
  that many worker processes (one thread each), the cluster started and its
  workers warmed (slakit imported, one partition evaluated) before the timing,
  as a long-running cluster is.

Every run's report must be identical (its ``to_dict()`` JSON). The per-partition
costs the cost model on the benchmarks page is made from are measured in the
local run: the state of one partition (read, checked, compacted), the bytes of a
state, and the merge of two states.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks import w5
from benchmarks._harness import by_mode, run_script, split_parquet, temporary_folder

NAME = "W2-DASK"

RUN = """
import hashlib, json, sys, time
import slakit as sla
import slakit.dask as sd

mode, folder = sys.argv[1], sys.argv[2]
namespace = {}
exec(AGREEMENT, namespace)
agreement = namespace["agreement"]
source = sd.partitions(folder, "requests")
figures = {}
if mode == "local":
    from slakit._engine._incremental import EvaluationState
    from slakit.dask import _partition_state
    period = agreement.period.resolve("2026-10")
    t0 = time.perf_counter()
    blob = _partition_state(source.files[0], source, 0, agreement, period, None)
    figures["partition_s"] = time.perf_counter() - t0
    figures["state_bytes"] = len(blob)
    one = EvaluationState.from_bytes(blob)
    t0 = time.perf_counter()
    one.merge(one).to_bytes(compress=False)
    figures["merge_s"] = time.perf_counter() - t0
    client = None
else:
    from distributed import Client, LocalCluster
    cluster = LocalCluster(
        n_workers=int(mode), threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    client = Client(cluster)
    # a long-running cluster has slakit imported: warm each worker with one partition, untimed
    warm = sd.partitions(source.files[:1], "requests")
    client.run(lambda: __import__("slakit.dask"))
    sd.evaluate(agreement, warm, period="2026-10", client=client)
t0 = time.perf_counter()
report = sd.evaluate(agreement, source, period="2026-10", client=client)
data = json.dumps(report.to_dict())
figures["seconds"] = time.perf_counter() - t0
figures["digest"] = hashlib.sha256(data.encode()).hexdigest()
print(json.dumps(figures))
if client is not None:
    client.close()
    cluster.close()
"""


@dataclass(eq=False)
class Data:
    """W2 as a Parquet dataset (deleted with this object)."""

    n_requests: int
    files: int
    folder: Path = Path()


def generate(size: int, seed: int, files: int) -> Data:
    """Write W2 with ``size`` requests as ``files`` Parquet files of equal size."""
    import pyarrow.parquet as pq

    single = w5.generate(size, seed)
    data = Data(size, files)
    data.folder = temporary_folder(data, "slakit-w2-dask-")
    split_parquet(pq.read_table(single.path), data.folder, files)
    return data


def main() -> None:
    """``python -m benchmarks.dask_w2 [SIZE] [FILES] [REPEAT]``: print the figures as JSON."""
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    data = generate(size, 20261001, files)
    script = f"AGREEMENT = {w5.AGREEMENT!r}\n{RUN}"
    figures = by_mode(
        lambda mode: run_script(script, mode, str(data.folder)), ("local", "1", "2"), repeat
    )
    print(json.dumps({"requests": size, "files": files, **figures}, indent=2))


if __name__ == "__main__":
    main()
