"""Shared test configuration: the Hypothesis profiles.

``dev`` is fast for local runs; ``ci`` runs more examples, derandomized and
without deadlines, so a CI run is reproducible and never flaky on a busy
machine; ``fuzz`` is the long campaign of ``nox -s fuzz``. ``HYPOTHESIS_PROFILE``
names the profile; without it, ``ci`` is loaded whenever ``CI`` is set (to a
non-empty value), and ``dev`` otherwise.

Both profiles start from Hypothesis' ``default`` profile, not from whatever
profile Hypothesis chose on its own, so ``CI=true`` and
``HYPOTHESIS_PROFILE=ci`` give exactly the same settings.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

_base = settings.get_profile("default")
settings.register_profile("dev", parent=_base, max_examples=50)
settings.register_profile(
    "ci", parent=_base, max_examples=200, derandomize=True, deadline=None, print_blob=True
)

#: The long fuzz campaign (``nox -s fuzz``): many inputs per target, fresh randomness every run,
#: no example database, no deadline (each target checks its own bound, and a watchdog in
#: ``tests/fuzzing.py`` catches hangs).
settings.register_profile(
    "fuzz",
    parent=_base,
    max_examples=int(os.environ.get("SLAKIT_FUZZ_EXAMPLES", "40000")),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
    # no explain phase: it traces every line of a failing input, which makes a slow input
    # look like a hang; the shrunk input and its traceback say what failed
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)

settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker of the fuzz targets (``tests/fuzzing.py``)."""
    config.addinivalue_line(
        "markers", "fuzz: a fuzz target of one entry point; `nox -s fuzz` runs them at length"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """In the fuzz campaign, give each target its share of the inputs; list the shares."""
    from tests.fuzzing import budget, share_of

    listing = os.environ.get("SLAKIT_FUZZ_LIST") == "1"
    for item in items:
        share = share_of(item)
        if share is None:
            continue
        if listing:
            print(f"fuzz-share {item.nodeid} {share}")
        if settings.default.max_examples >= 1000:  # the campaign's profile
            budget(item, settings.default.max_examples)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """After a fuzz campaign, print the inputs run per entry point and write them as JSON."""
    from tests.fuzzing import INPUTS, SECONDS

    if settings.default.max_examples < 1000 or not INPUTS:
        return  # an ordinary test run: the targets ran as property tests
    write = terminalreporter.write_line
    write("")
    write(f"fuzz campaign: {sum(INPUTS.values()):,} inputs over {len(INPUTS)} entry points")
    for entry, count in sorted(INPUTS.items()):
        write(f"  {entry:<40} {count:>10,} inputs {SECONDS[entry]:>9.1f} s")
    report = os.environ.get("SLAKIT_FUZZ_REPORT")
    if report:
        figures = {
            "examples_per_target": settings.default.max_examples,
            "entry_points": {
                entry: {"inputs": count, "seconds": round(SECONDS[entry], 1)}
                for entry, count in sorted(INPUTS.items())
            },
            "inputs": sum(INPUTS.values()),
            "failed": terminalreporter.stats.get("failed", []) != [],
        }
        Path(report).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
