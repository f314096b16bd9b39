"""The fuzz campaign's bookkeeping: which tests are fuzz targets, how many inputs each ran.

A fuzz target is a Hypothesis test of one entry point (a loader, a reader, a
parser, a table constructor, the command line) that asserts, for every input,
that only a ``SlakitError`` escapes, that what is accepted is valid, and that
the call returns within its bound. Decorate it with :func:`target` *below*
``@given``, so that each generated input passes through the counter::

    @FUZZ
    @given(st.text())
    @target("parse_period")
    def test_fuzz_parse_period(label: str) -> None: ...

In the default test run the targets run as ordinary property tests (the
``dev`` or ``ci`` profile's number of examples). ``nox -s fuzz`` runs only the
targets (``-m fuzz``) under the ``fuzz`` profile, with tens of thousands of
inputs each, and the summary at the end of that run prints the inputs per
entry point and writes them as JSON (``SLAKIT_FUZZ_REPORT``); that is where the
figures on the reliability page come from.

A watchdog (``SIGALRM``) turns an input that runs longer than ``HANG_S``
seconds into a ``Hang`` failure, so a hang is reported with its input instead
of stalling the campaign.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import pytest

P = ParamSpec("P")
R = TypeVar("R")

#: An input that runs longer than this is a hang (every entry point's own bound is lower).
HANG_S = float(os.environ.get("SLAKIT_FUZZ_HANG_S", "30"))

#: Inputs run per entry point in this process, and the seconds they took.
INPUTS: Counter[str] = Counter()
SECONDS: Counter[str] = Counter()


#: Whether the time bounds of the entry points are asserted: in the campaign only, on a
#: machine that runs nothing else. A unit test never asserts a time (a busy CI machine would
#: make it flaky); a hang there still shows, as a run that does not end.
TIMED = os.environ.get("SLAKIT_FUZZ_TIMED") == "1"


def check_time(began: float, bound_s: float) -> None:
    """In the campaign, assert that what started at ``began`` took less than ``bound_s``."""
    elapsed = time.perf_counter() - began
    if TIMED:
        assert elapsed < bound_s, f"took {elapsed:.2f} s, bound {bound_s} s"


class Hang(Exception):  # noqa: N818 (it is the name of what happened)
    """An input ran past ``HANG_S`` seconds."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang(f"an input ran longer than {HANG_S:g} s")


def target(entry: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Mark a test as the fuzz target of ``entry``: count its inputs, stop it if it hangs.

    ``entry`` may name the test's parameters, as in ``"JSON Lines: {kind}"``, for a
    test parametrised over several entry points.
    """

    def decorate(test: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(test)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            INPUTS[entry.format(**kwargs)] += 1
            watched = threading.current_thread() is threading.main_thread()
            if watched:
                previous = signal.signal(signal.SIGALRM, _alarm)
                signal.setitimer(signal.ITIMER_REAL, HANG_S)
            began = time.perf_counter()
            try:
                return test(*args, **kwargs)
            finally:
                SECONDS[entry.format(**kwargs)] += time.perf_counter() - began
                if watched:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    signal.signal(signal.SIGALRM, previous)

        marked: Any = pytest.mark.fuzz(run)
        return marked  # type: ignore[no-any-return]

    return decorate


# --- the campaign: ``python -m tests.fuzzing`` (what ``nox -s fuzz`` runs) ------------------


def _collect(pytest_args: list[str]) -> list[str]:
    """Return the node ids of the fuzz targets."""
    listing = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "fuzz", "--no-cov",
         "-p", "no:cacheprovider", *pytest_args],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [line for line in listing.splitlines() if "::" in line]


def main(argv: list[str] | None = None) -> int:
    """Run every fuzz target until the campaign has run ``--inputs`` inputs in all."""
    parser = argparse.ArgumentParser(prog="python -m tests.fuzzing", description=__doc__)
    parser.add_argument("--inputs", type=int, default=1_000_000, help="inputs in all")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument("--report", type=Path, default=Path("fuzz-report.json"))
    parser.add_argument("pytest_args", nargs="*", help="files or options for pytest")
    args = parser.parse_args(argv)
    targets = _collect(args.pytest_args)
    if not targets:
        print("no fuzz targets collected", file=sys.stderr)
        return 1
    per_target = -(-args.inputs // len(targets))
    print(f"{len(targets)} fuzz targets, {per_target:,} inputs each, {args.jobs} processes")
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        shards = [targets[j :: args.jobs] for j in range(args.jobs)]
        runs = []
        for j, shard in enumerate(s for s in shards if s):
            env = dict(os.environ, HYPOTHESIS_PROFILE="fuzz", SLAKIT_FUZZ_TIMED="1")
            env.update(SLAKIT_FUZZ_EXAMPLES=str(per_target))
            env.update(SLAKIT_FUZZ_REPORT=str(Path(work) / f"{j}.json"))
            command = [sys.executable, "-m", "pytest", "-q", "--no-cov", "-p", "no:cacheprovider",
                       "-m", "fuzz", *shard]  # fmt: skip
            runs.append((subprocess.Popen(command, env=env), env["SLAKIT_FUZZ_REPORT"]))
        status = 0
        merged: dict[str, dict[str, float]] = {}
        for process, report in runs:
            status = process.wait() or status
            if Path(report).exists():
                merged.update(json.loads(Path(report).read_text())["entry_points"])
    total = int(sum(e["inputs"] for e in merged.values()))
    figures = {
        "command": "nox -s fuzz  (python -m tests.fuzzing --inputs "
        f"{args.inputs} --jobs {args.jobs})",
        "inputs": total,
        "entry_points": merged,
        "failed_targets": status != 0,
        "wall_seconds": round(time.perf_counter() - began, 1),
    }
    args.report.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"fuzz campaign: {total:,} inputs over {len(merged)} entry points, "
          f"{'FAILED' if status else 'no failure'}; figures in {args.report}")  # fmt: skip
    if total < args.inputs and not status:
        print(f"only {total:,} of {args.inputs:,} inputs ran (small input spaces end early)")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
