"""Timing, memory and result rows shared by the workload modules."""

from __future__ import annotations

import gc
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

MB = 1024 * 1024


def median_time(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Return the median wall time of ``repeat`` calls of ``fn`` (seconds) and the last result."""
    times = []
    result: Any = None
    for _ in range(max(1, repeat)):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def peak_mb(fn: Callable[[], object]) -> float:
    """Return the peak memory allocated while ``fn`` runs, in MiB, measured with tracemalloc.

    numpy reports its array buffers to tracemalloc, so this counts arrays and
    Python objects alike; it runs ``fn`` once more, untimed.
    """
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / MB


@dataclass
class PeerTiming:
    """The time of the tool a user would otherwise pick, and how it was obtained."""

    tool: str
    seconds: float | None
    note: str = ""
    agree: bool | None = None
    estimated: bool = False


@dataclass
class Row:
    """One workload at one size: times, ratios, agreement, memory and notes."""

    key: str
    workload: str
    size: int
    unit: str
    slakit_s: float | None = None
    reference_s: float | None = None
    peer: PeerTiming | None = None
    agree: bool | None = None
    peak_mb: float | None = None
    reference_peak_mb: float | None = None
    target: str = ""
    published_reference_s: float | None = None
    published_peer_ratio: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def ratio_to_reference(self) -> float | None:
        """Slakit's time over the numpy reference's."""
        if self.slakit_s is None or not self.reference_s:
            return None
        return self.slakit_s / self.reference_s

    @property
    def peer_over_slakit(self) -> float | None:
        """How many times faster slakit is than the peer tool."""
        if self.peer is None or self.peer.seconds is None or not self.slakit_s:
            return None
        return self.peer.seconds / self.slakit_s

    def to_json(self) -> dict[str, Any]:
        """Return the row as JSON-ready data."""
        out: dict[str, Any] = {
            "slakit_s": _round(self.slakit_s),
            "reference_s": _round(self.reference_s),
            "peer_s": _round(self.peer.seconds if self.peer else None),
            "ratio_to_reference": _round(self.ratio_to_reference, 2),
            "peer_over_slakit": _round(self.peer_over_slakit, 1),
            "agree": self.agree,
            "peak_mb": _round(self.peak_mb, 1),
            "reference_peak_mb": _round(self.reference_peak_mb, 1),
        }
        if self.peer is not None:
            out["peer_tool"] = self.peer.tool
            out["peer_estimated"] = self.peer.estimated
            out["peer_agree"] = self.peer.agree
            if self.peer.note:
                out["peer_note"] = self.peer.note
        if self.target:
            out["target"] = self.target
        out.update(self.extra)
        if self.notes:
            out["notes"] = self.notes
        return out


def _round(value: float | None, digits: int = 5) -> float | None:
    return None if value is None else round(value, digits)


# --- workloads run in processes of their own -------------------------------------------------


def temporary_folder(owner: object, prefix: str) -> Path:
    """Return a new temporary folder, removed when ``owner`` is collected."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    weakref.finalize(owner, shutil.rmtree, folder, True)
    return folder


def run_script(script: str, *args: str) -> dict[str, Any]:
    """Run ``script`` in a fresh interpreter with ``args``; return the JSON of its last line."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args], check=True, capture_output=True, text=True
    )
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def split_parquet(table: Any, folder: Path, files: int) -> None:
    """Write a pyarrow table as ``files`` Parquet files of equal rows into ``folder``."""
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    step = -(-table.num_rows // files)
    for k in range(files):
        pq.write_table(table.slice(k * step, step), folder / f"part-{k:02}.parquet")


def by_mode(
    run: Callable[[str], dict[str, Any]], modes: Sequence[str], repeat: int
) -> dict[str, Any]:
    """Run each mode ``repeat`` times; return the figures of each, and ``identical``.

    A mode's figures: the median seconds, the first run's other figures, and its
    digests; ``identical`` says whether every run of every mode gave one digest.
    """
    out: dict[str, Any] = {}
    for mode in modes:
        runs = [run(mode) for _ in range(repeat)]
        out[mode] = {
            "seconds": statistics.median(float(r["seconds"]) for r in runs),
            **{k: v for k, v in runs[0].items() if k not in ("seconds", "digest")},
            "digests": sorted({r["digest"] for r in runs}),
        }
    out["identical"] = len({d for m in modes for d in out[m]["digests"]}) == 1
    return out
