"""Imports follow the design's layers: time → events → dsl → results → engine → front ends.

Each private package may import only the layers it depends on (and the
layer-free modules: ``exceptions``, ``_node``, ``_registry``, ``_ratio``, ``_money``,
``_validation``).
The few deliberate exceptions are listed below with their reason; an import
that breaks the table and is not listed fails this test, and so does a listed
exception that no longer exists (so the list stays true).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

#: Modules any layer may import: they import nothing of slakit but each other and the time layer.
BASE = frozenset({"exceptions", "_node", "_registry", "_ratio", "_money", "_validation"})

#: Each layer and the layers it may import (itself included), after the design's table.
ALLOWED: dict[str, frozenset[str]] = {
    "_time": frozenset({"_time"}),
    "_events": frozenset({"_time", "_events"}),
    # the readers of every format fill the tables of the events layer, and nothing above it
    "_io": frozenset({"_time", "_events", "_io"}),
    "_dsl": frozenset({"_time", "_dsl"}),
    "_results": frozenset({"_time", "_events", "_dsl", "_results"}),
    "_engine": frozenset({"_time", "_events", "_dsl", "_results", "_engine"}),
}
#: The layer-free modules may use the time primitives (durations, instants).
BASE_ALLOWED = frozenset({"_time"})

#: (importer, imported): why the table allows it. Deferred (inside a function) unless noted.
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("slakit._dsl._agreement", "slakit._results._schedule"): (
        "Agreement.render() is a convenience for render_schedule(); deferred"
    ),
    ("slakit._results._schedule", "slakit._data._diff"): (
        "the rendered schedule lists each amendment's changes, which diff() finds in data form"
    ),
    ("slakit._results._fingerprint", "slakit._data._codec"): (
        "a statement's fingerprint hashes the agreement's data form, which the codec defines; "
        "deferred"
    ),
    ("slakit._engine._incremental", "slakit._data._codec"): (
        "a state's bytes carry its agreement in data form, which the codec defines; deferred"
    ),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Return every ``slakit`` module ``path`` imports, at any depth (deferred ones too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "slakit":
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "slakit")
    return found


def _package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _breaks() -> set[tuple[str, str]]:
    """Return every (importer, imported) pair of the source that the table does not allow."""
    out = set()
    for path in sorted((SRC / "slakit").rglob("*.py")):
        importer = _module_name(path)
        layer = _package(importer)
        if layer in ALLOWED:
            allowed = ALLOWED[layer]
        elif layer in BASE:
            allowed = BASE_ALLOWED
        else:
            continue  # a front end (the CLI, _data, strategies, testing, io): it may import all
        for imported in _imports(path):
            target = _package(imported)
            if target is None or target in BASE or target in allowed:
                continue
            out.add((importer, imported))
    return out


def test_imports_follow_the_layer_table() -> None:
    """No module imports a layer above its own, except the listed, explained exceptions."""
    unexpected = sorted(_breaks() - EXCEPTIONS.keys())
    assert not unexpected, "\n".join(f"{a} imports {b}" for a, b in unexpected)


def test_every_listed_exception_still_exists() -> None:
    """An exception that was fixed is removed from the list, so the list stays true."""
    gone = sorted(EXCEPTIONS.keys() - _breaks())
    assert not gone, gone


def test_the_scan_finds_a_break() -> None:
    """The scanner sees imports inside functions: the deferred render import is found."""
    agreement = SRC / "slakit" / "_dsl" / "_agreement.py"
    assert "slakit._results._schedule" in _imports(agreement)
