"""``python -m benchmarks [--quick] [--json] [--only W1,W2,...] [--repeat N] [--seed S]``."""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import numpy as np

from benchmarks import exports, overhead, w1, w2, w3, w4, w5
from benchmarks._harness import Row, median_time, peak_mb

WORKLOADS: dict[str, ModuleType] = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5}
OVERHEAD = "OVERHEAD"
#: Reading reports (``to_dict()``, ``service()``, ``evidence()``): only when asked for.
EXPORTS = exports.NAME


def bench_workload(module: ModuleType, size: int, *, seed: int, repeat: int, quick: bool) -> Row:
    """Generate one workload at one size; time slakit, the reference and the peer."""
    data = module.generate(size, seed)
    row = Row(
        key=f"{module.NAME}-{size}",
        workload=module.NAME,
        size=size,
        unit=module.UNIT,
        target=module.TARGET,
        published_reference_s=module.PUBLISHED_REFERENCE_S.get(size),
        published_peer_ratio=module.PUBLISHED_PEER_RATIO.get(size),
    )
    row.reference_s, expected = median_time(lambda: module.reference(data), repeat)
    row.reference_peak_mb = peak_mb(lambda: module.reference(data))
    run_slakit = getattr(module, "run_slakit", None)
    if run_slakit is None:
        row.notes.append(getattr(module, "SLAKIT_MISSING", "no slakit implementation"))
    else:
        run_slakit(data)  # warm caches (calendars, zone tables) once, as a long process would
        row.slakit_s, got = median_time(lambda: run_slakit(data), repeat)
        row.agree = bool(module.same(got, expected))
        row.peak_mb = peak_mb(lambda: run_slakit(data))
        for name, extra in getattr(module, "EXTRA_TIMINGS", {}).items():
            seconds, _ = median_time(functools.partial(extra, data), repeat)
            row.extra[name] = round(seconds, 5)
            row.notes.append(
                f"{name.removesuffix('_s').replace('_', ' ')}: {seconds * 1000:.1f} ms"
            )
    row.peer = module.peer(data, 1 if quick else 3)
    if row.peer.note:
        row.notes.append(f"{row.peer.tool}: {row.peer.note}")
    return row


def run(only: Sequence[str], *, quick: bool, repeat: int, seed: int, progress: bool) -> list[Row]:
    """Run the selected workloads and the overhead measures; return their rows."""
    rows: list[Row] = []
    for name in only:
        if name == OVERHEAD:
            steps: list[Callable[[], Row]] = [
                overhead.import_time,
                lambda: overhead.small_agreement(seed, repeat),
                lambda: overhead.subscribers(seed, repeat),
            ]
            for step in steps:
                rows.append(step())
                if progress:
                    print(f"  {rows[-1].key} done", file=sys.stderr, flush=True)
            continue
        if name == EXPORTS:
            rows.extend(exports.rows(seed=seed, repeat=repeat, quick=quick, progress=progress))
            continue
        module = WORKLOADS[name]
        for size in module.SIZES["quick" if quick else "full"]:
            if progress:
                print(f"  {name} at {size:,} {module.UNIT} ...", file=sys.stderr, flush=True)
            own = getattr(module, "bench", None)  # a workload that runs in processes of its own
            if own is not None:
                rows.append(own(size, seed=seed, repeat=repeat, quick=quick))
                continue
            rows.append(bench_workload(module, size, seed=seed, repeat=repeat, quick=quick))
    return rows


def machine() -> dict[str, Any]:
    """Return what the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import slakit

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "slakit": getattr(slakit, "__version__", "dev"),
        "platform": platform.platform(),
    }


def _s(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _x(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}x"


def table(rows: Sequence[Row], info: dict[str, Any]) -> str:
    """Return the rows as a Markdown table, with the notes below it."""
    head = (
        "| workload | slakit | numpy reference | slakit / reference | peer | peer / slakit "
        "| agree | slakit peak | reference / WORKLOADS.md | target |"
    )
    lines = [
        (
            f"Machine: {info['cpu']}, {info['cores']} cores; Python {info['python']}, "
            f"numpy {info['numpy']}."
        ),
        "",
        head,
        "| " + " | ".join(["---"] * 10) + " |",
    ]
    notes: list[str] = []
    for row in rows:
        peer = "n/a"
        if row.peer is not None and row.peer.seconds is not None:
            peer = f"{row.peer.tool} {_s(row.peer.seconds)}" + ("*" if row.peer.estimated else "")
        published = (
            _x(row.reference_s / row.published_reference_s)
            if row.reference_s and row.published_reference_s
            else "n/a"
        )
        agree = "n/a" if row.agree is None else ("yes" if row.agree else "**NO**")
        if row.peer is not None and row.peer.agree is False:
            agree += f" (peer disagrees: {row.peer.tool})"
        label = f"{row.workload} {row.size:,} {row.unit}".strip() if row.unit else row.workload
        lines.append(
            f"| {label} | {_s(row.slakit_s)} | {_s(row.reference_s)} | "
            f"{_x(row.ratio_to_reference)} | {peer} | {_x(row.peer_over_slakit, 0)} | {agree} | "
            f"{'n/a' if row.peak_mb is None else f'{row.peak_mb:.0f} MB'} | {published} | "
            f"{row.target} |"
        )
        notes.extend(f"- {label}: {note}" for note in row.notes)
    lines.append("")
    lines.append(
        "\\* estimated from a smaller run (see notes). Peak memory: tracemalloc peak of one "
        "extra untimed run (numpy buffers included). 'reference / WORKLOADS.md': this "
        "machine's reference time over the published figure."
    )
    if notes:
        lines.extend(["", *notes])
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks from the command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a few minutes)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--only",
        default="W1,W2,W3,OVERHEAD",
        help=(
            "comma-separated workloads: W1, W2, W3, OVERHEAD (default: these), and, only when "
            "named, W4 (the portfolio run), W5 (a streamed request log; its runs each take a "
            "process of their own) and EXPORTS (reading reports: to_dict(), service(), evidence())"
        ),
    )
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per measure")
    parser.add_argument("--seed", type=int, default=20261001, help="data seed")
    args = parser.parse_args(argv)
    only = [name.strip().upper() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in only if name not in (*WORKLOADS, OVERHEAD, EXPORTS)]
    if unknown:
        parser.error(f"--only: unknown workload(s) {', '.join(unknown)}")
    repeat = args.repeat if args.repeat is not None else (5 if args.quick else 7)
    rows = run(only, quick=args.quick, repeat=repeat, seed=args.seed, progress=not args.json)
    info = machine()
    if args.json:
        blob: dict[str, Any] = {row.key: row.to_json() for row in rows}
        blob["machine"] = {**info, "repeat": repeat, "seed": args.seed, "quick": args.quick}
        print(json.dumps(blob, indent=2))
    else:
        print(table(rows, info))
    return 0 if all(row.agree is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
