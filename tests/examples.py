"""The examples the docs show, loaded from the docs themselves so tests cannot drift from them."""

from __future__ import annotations

import contextlib
import functools
import io
from pathlib import Path

import slakit as sla
from tests.test_docs import fenced_blocks

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def readme_agreement() -> sla.Agreement:
    """Return the ``agreement`` that the README's Python example defines, by running it."""
    blocks = [b for b in fenced_blocks((ROOT / "README.md").read_text(encoding="utf-8")) if b.runs]
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(blocks[0].source, "README.md", "exec"), namespace)
    agreement = namespace["agreement"]
    assert isinstance(agreement, sla.Agreement)
    return agreement
