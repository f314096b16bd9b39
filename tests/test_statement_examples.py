"""The example statement in docs/how-to/examples/ is current; the host zone changes no byte."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

from tests.statement_examples import EXAMPLES, FILES, ROOT, render, stale

SCRIPT = """
import hashlib, sys
sys.path.insert(0, {root!r})
from tests.statement_examples import render
for name, content in sorted(render().items()):
    print(name, hashlib.sha256(content.encode()).hexdigest())
"""


def test_the_checked_in_examples_are_current() -> None:
    """Each file equals what slakit renders now; `nox -s examples` rewrites them."""
    assert sorted(p.name for p in EXAMPLES.iterdir() if p.suffix != ".png") == sorted(FILES)
    assert stale() == [], "the example statement is stale: run `nox -s examples`"


def test_the_statement_is_byte_identical_under_any_host_zone() -> None:
    """Markdown, text, HTML and JSON come out the same whatever TZ the process runs under."""
    expected = "".join(
        f"{name} {hashlib.sha256(content.encode()).hexdigest()}\n"
        for name, content in sorted(render().items())
    )
    for tz in ("UTC", "Pacific/Kiritimati", "America/St_Johns", "Asia/Kathmandu"):
        env = {**os.environ, "TZ": tz}
        env.pop("COVERAGE_PROCESS_START", None)
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT.format(root=str(ROOT))],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout == expected, tz
