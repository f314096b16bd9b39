"""W4 through ``slakit run --dask``: the month-end credit run on 1 and 2 workers.

The data: W4 (``benchmarks.w4``) at the given number of customers, its outages
split into equal Parquet files (8 by default: the partitions routed in
parallel). Timed, each in a fresh process: ``slakit run`` on one machine (the
yardstick), and ``slakit run --dask ADDRESS`` on a ``LocalCluster`` of 1 and of
2 worker processes (one thread each, started and warmed before the timing), all
three writing the ledger and the tables as Parquet, without statements. The
files written must be identical. The local run with ``--dask`` on one worker
also gives the stages: routing (per partition) and evaluating (per chunk).
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import w4
from benchmarks._harness import by_mode, run_script, split_parquet, temporary_folder

RUN = """
import hashlib, json, sys, time
from pathlib import Path
from benchmarks.w4 import command
from slakit._cli import main

mode, folder, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
quiet = ["--quiet", "--statements", "none", "--tables", "parquet"]
argv = [*command(folder, out, outages="outages"), *quiet]  # the dataset of outage files
client = None
if mode != "local":
    from distributed import Client, LocalCluster
    cluster = LocalCluster(
        n_workers=int(mode), threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    client = Client(cluster)
    client.run(lambda: __import__("slakit.dask"))
    argv += ["--dask", cluster.scheduler_address]
    warm = command(folder, Path(str(out) + "-warm"), outages="outages")
    main([*warm, *quiet, "--dask", cluster.scheduler_address])
else:
    argv = [*command(folder, out), *quiet]  # the outages as one file
t0 = time.perf_counter()
status = main(argv)
seconds = time.perf_counter() - t0
digest = hashlib.sha256()
for name in ("ledger.parquet", "objectives.parquet", "credits.parquet"):
    digest.update((out / name).read_bytes())
print(json.dumps({"seconds": seconds, "status": status, "digest": digest.hexdigest()}))
if client is not None:
    client.close()
    cluster.close()
"""


@dataclass(eq=False)
class Data:
    """W4's files, the outages also as a dataset of files (deleted with this object)."""

    customers: int
    keep: Any
    folder: Path = Path()


def generate(size: int, seed: int, files: int) -> Data:
    """Write W4 for ``size`` customers, its outages as ``files`` Parquet files too."""
    import pyarrow.parquet as pq

    made = w4.generate(size, seed)
    data = Data(size, made)
    data.folder = folder = temporary_folder(data, "slakit-w4-dask-")
    for name in ("plans.py", "customers.parquet", "maintenance.parquet", "outages.parquet"):
        shutil.copy(made.folder / name, folder / name)  # outages.parquet: the local run's
    split_parquet(pq.read_table(made.folder / "outages.parquet"), folder / "outages", files)
    return data


def main() -> None:
    """``python -m benchmarks.dask_w4 [CUSTOMERS] [FILES] [REPEAT]``: print the figures as JSON."""
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    repeat = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    data = generate(size, 20261001, files)

    def one(mode: str) -> dict[str, Any]:
        return run_script(RUN, mode, str(data.folder), str(data.folder / f"out-{mode}"))

    figures = by_mode(one, ("local", "1", "2"), repeat)
    print(json.dumps({"customers": size, "files": files, **figures}, indent=2))


if __name__ == "__main__":
    main()
