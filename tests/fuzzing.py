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

A watchdog (``SIGVTALRM``, on the process's CPU time) turns an input that runs
longer than ``HANG_S`` seconds into a ``Hang`` failure, so a hang is reported with its input instead
of stalling the campaign.
"""

from __future__ import annotations

import argparse
import functools
import gc
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

#: An input that runs longer than this, in CPU seconds of the process, is a hang (every entry
#: point's own bound is lower).
HANG_S = float(os.environ.get("SLAKIT_FUZZ_HANG_S", "30"))

#: Inputs run per entry point in this process, and the seconds they took.
INPUTS: Counter[str] = Counter()
SECONDS: Counter[str] = Counter()


#: Whether the time bounds of the entry points are asserted: in the campaign only, on a
#: machine that runs nothing else. A unit test never asserts a time (a busy CI machine would
#: make it flaky); a hang there still shows, as a run that does not end.
TIMED = os.environ.get("SLAKIT_FUZZ_TIMED") == "1"


_gc = {"seconds": 0.0, "began": 0.0}


def _gc_phase(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _gc["began"] = time.thread_time()
    else:
        _gc["seconds"] += time.thread_time() - _gc["began"]


gc.callbacks.append(_gc_phase)


def clock() -> float:
    """Return this thread's CPU seconds less the garbage collector's: what an input cost.

    Neither the load of the machine (other processes) nor a collection of the
    campaign's own large heap counts, so a bound on it fails only for an input
    that really costs that much.
    """
    return time.thread_time() - _gc["seconds"]


def check_time(began: float, bound_s: float) -> None:
    """In the campaign, assert that what started at ``clock() == began`` cost under ``bound_s``."""
    elapsed = clock() - began
    if TIMED:
        assert elapsed < bound_s, f"took {elapsed:.2f} s, bound {bound_s} s"


class Hang(Exception):  # noqa: N818 (it is the name of what happened)
    """An input ran past ``HANG_S`` seconds."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang(f"an input ran longer than {HANG_S:g} s")


#: The shares of the campaign's inputs: a target whose inputs cost little (a parser of one
#: string) runs more of them than one that builds and evaluates an agreement per input.
CHEAP, USUAL, COSTLY = 4.0, 1.0, 0.25


def target(entry: str, share: float = USUAL) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Mark a test as the fuzz target of ``entry``: count its inputs, stop it if it hangs.

    ``entry`` may name the test's parameters, as in ``"JSON Lines: {kind}"``, for a
    test parametrised over several entry points. In the campaign the target runs
    ``share`` times the base number of inputs (``CHEAP``, ``USUAL`` or ``COSTLY``).
    """

    def decorate(test: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(test)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            INPUTS[entry.format(**kwargs)] += 1
            watched = threading.current_thread() is threading.main_thread()
            if watched:
                previous = signal.signal(signal.SIGVTALRM, _alarm)
                signal.setitimer(signal.ITIMER_VIRTUAL, HANG_S)
            began = time.perf_counter()
            try:
                return test(*args, **kwargs)
            finally:
                SECONDS[entry.format(**kwargs)] += time.perf_counter() - began
                if watched:
                    signal.setitimer(signal.ITIMER_VIRTUAL, 0)
                    signal.signal(signal.SIGVTALRM, previous)

        run.fuzz_share = share  # type: ignore[attr-defined]
        marked: Any = pytest.mark.fuzz(run)
        return marked  # type: ignore[no-any-return]

    return decorate


def share_of(item: pytest.Item) -> float | None:
    """Return the campaign share of a collected fuzz target (``None``: not a target)."""
    inner = getattr(getattr(getattr(item, "obj", None), "hypothesis", None), "inner_test", None)
    share = getattr(inner, "fuzz_share", None)
    return float(share) if share is not None else None


def budget(item: pytest.Item, base: int) -> None:
    """Give a collected fuzz target ``share x base`` inputs (its Hypothesis max_examples)."""
    from hypothesis import settings

    share = share_of(item)
    test: Any = getattr(item, "obj", None)
    if share is None or test is None:
        return
    own = getattr(test, "_hypothesis_internal_use_settings", settings.default)
    test._hypothesis_internal_use_settings = settings(own, max_examples=max(1, round(share * base)))


# --- the campaign: ``python -m tests.fuzzing`` (what ``nox -s fuzz`` runs) ------------------


def _collect(pytest_args: list[str]) -> dict[str, float]:
    """Return the node id and the share of every fuzz target."""
    listing = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", "fuzz", "--no-cov",
         "-p", "no:cacheprovider", *pytest_args],
        capture_output=True, text=True, check=True, env=dict(os.environ, SLAKIT_FUZZ_LIST="1"),
    ).stdout  # fmt: skip
    shares = {}
    for line in listing.splitlines():
        if line.startswith("fuzz-share "):
            _, node, share = line.split(" ")
            shares[node] = float(share)
    return shares


def main(argv: list[str] | None = None) -> int:
    """Run every fuzz target until the campaign has run ``--inputs`` inputs in all."""
    parser = argparse.ArgumentParser(prog="python -m tests.fuzzing", description=__doc__)
    parser.add_argument("--inputs", type=int, default=1_000_000, help="inputs in all")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument("--report", type=Path, default=Path("fuzz-report.json"))
    parser.add_argument("pytest_args", nargs="*", help="files or options for pytest")
    args = parser.parse_args(argv)
    shares = _collect(args.pytest_args)
    if not shares:
        print("no fuzz targets collected", file=sys.stderr)
        return 1
    base = -(-args.inputs // int(sum(shares.values())))
    print(f"{len(shares)} fuzz targets, {base:,} inputs times each one's share, {args.jobs} jobs")
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        # deal the targets out by cost (share), so that the jobs end at about the same time
        shards: list[list[str]] = [[] for _ in range(args.jobs)]
        for i, node in enumerate(sorted(shares, key=lambda n: (shares[n], n))):
            shards[i % args.jobs].append(node)
        runs = []
        for j, shard in enumerate(s for s in shards if s):
            env = dict(os.environ, HYPOTHESIS_PROFILE="fuzz", SLAKIT_FUZZ_TIMED="1")
            env.update(SLAKIT_FUZZ_EXAMPLES=str(base))
            env.update(SLAKIT_FUZZ_REPORT=str(Path(work) / f"{j}.json"))
            command = [sys.executable, "-m", "pytest", "-v", "--no-cov", "-p", "no:cacheprovider",
                       "-m", "fuzz", "--tb=short", "-rf", *shard]  # fmt: skip
            log = args.report.with_suffix(f".{j}.log").open("w", encoding="utf-8")
            print(f"job {j}: {len(shard)} targets, log in {log.name}")
            process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
            runs.append((process, log, env["SLAKIT_FUZZ_REPORT"]))
        status = 0
        merged: dict[str, dict[str, float]] = {}
        for process, log, report in runs:
            status = process.wait() or status
            log.close()
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
