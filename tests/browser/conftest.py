"""The browser tests: headless Chromium opens HTML documents (see ``chromium.py``).

Every test in this folder is marked ``browser``; ``pytest -m "not browser"`` leaves them out and
``nox -s browser`` runs only them. Without a browser they are skipped with the reason, unless
``SLAKIT_REQUIRE_BROWSER=1`` (set by ``.ci/run`` and ``nox -s browser``) makes that a failure,
so CI cannot pass by skipping them. ``SLAKIT_CHROMIUM`` names the executable to use
(``SLAKIT_CHROMIUM=none`` pretends there is none); ``SLAKIT_ARTIFACTS`` the folder for
screenshots and PDFs, ``build/browser-artifacts/`` by default.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.chromium import find_chromium

HERE = Path(__file__).resolve().parent

MISSING = (
    "no Chromium found: install the Debian package `chromium` (apt-get install chromium) or set "
    "SLAKIT_CHROMIUM; `.ci/run` and `nox -s browser` install it"
)


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``browser`` marker (``--strict-markers`` rejects unknown ones)."""
    config.addinivalue_line(
        "markers", "browser: opens documents in headless Chromium (tests/browser; nox -s browser)"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder ``browser``."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable; skips the test without one (fails with SLAKIT_REQUIRE_BROWSER=1)."""
    executable = find_chromium()
    if executable is None:
        reason = MISSING
        if "SLAKIT_CHROMIUM" in os.environ:
            reason = f"SLAKIT_CHROMIUM={os.environ['SLAKIT_CHROMIUM']!r} is no executable; {reason}"
        if os.environ.get("SLAKIT_REQUIRE_BROWSER") == "1":
            pytest.fail(
                f"{reason} (SLAKIT_REQUIRE_BROWSER=1: a browser is required)", pytrace=False
            )
        pytest.skip(reason)
    return executable


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Path:
    """This test's folder for screenshots and PDFs, kept after the run to be looked at.

    ``$SLAKIT_ARTIFACTS/<test>/``, or ``build/browser-artifacts/<test>/`` under the repository
    (``build/`` is git-ignored); files of an earlier run are overwritten, not removed.
    """
    root = (
        os.environ.get("SLAKIT_ARTIFACTS")
        or request.config.rootpath / "build" / "browser-artifacts"
    )
    folder = Path(root) / re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
