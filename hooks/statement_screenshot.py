"""MkDocs hook: a screenshot of the example credit statement, taken by headless Chromium.

The how-to "Send a credit statement" shows ``how-to/examples/statement.png``: the
checked-in example statement (``docs/how-to/examples/statement.html``, which
``nox -s examples`` regenerates and a test keeps current) as a browser draws
it, taken at every build so the picture never drifts from the page. Chromium
comes from the Debian package ``chromium`` (``.ci/run`` installs it) or
``SLAKIT_CHROMIUM``; without one the build warns, which ``--strict`` makes an
error.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.statement_screenshot")

SOURCE = "how-to/examples/statement.html"
TARGET = "how-to/examples/statement.png"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _chromium() -> str | None:
    named = os.environ.get("SLAKIT_CHROMIUM")
    if named is not None:
        return shutil.which(named) or (named if Path(named).is_file() else None)
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def on_files(files: Files, config: Any, **_kwargs: Any) -> Files:
    """Add the screenshot of the example statement to the site."""
    browser = _chromium()
    if browser is None:
        log.warning(
            "no Chromium for the screenshot of %s: install the Debian package `chromium` or set "
            "SLAKIT_CHROMIUM",
            SOURCE,
        )
        return files
    page = Path(config["docs_dir"]) / SOURCE
    with tempfile.TemporaryDirectory() as work:
        png = Path(work) / "statement.png"
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                f"--user-data-dir={work}/profile",
                "--window-size=1000,1400",
                f"--screenshot={png}",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        files.append(File.generated(config, TARGET, content=png.read_bytes()))
    return files
