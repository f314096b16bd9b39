"""The architecture page names every module of the tree, in the row of its package, and no other."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "slakit"
PAGE = ROOT / "docs" / "explanation" / "architecture.md"


def _rows() -> dict[str, set[str]]:
    """Return, per private package of the layer table, the module names its row mentions."""
    rows: dict[str, set[str]] = {}
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3:
            continue
        package = re.fullmatch(r"`slakit\.(_\w+)`", cells[1])
        if package is not None:
            rows[package.group(1)] = set(re.findall(r"`(_\w+)`", cells[2]))
    return rows


def _modules(package: Path) -> set[str]:
    """Return the modules and subpackages of ``package``, with the modules of its subpackages."""
    found: set[str] = set()
    for path in package.iterdir():
        if path.name == "__pycache__":
            continue
        if path.is_dir():
            found.add(path.name)
            found |= _modules(path)
        elif path.suffix == ".py" and path.name != "__init__.py":
            found.add(path.stem)
    return found


def test_every_layer_row_names_exactly_the_modules_of_its_package() -> None:
    """Each row of the layer table lists the modules in its package: none missing, none extra."""
    rows = _rows()
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and p.name.startswith("_")}
    packages.discard("__pycache__")
    assert set(rows) == packages
    for package, named in rows.items():
        actual = _modules(SRC / package)
        assert named == actual, (
            f"slakit.{package}: the page lacks {sorted(actual - named)} and names "
            f"{sorted(named - actual)}, which are not in the tree"
        )


def test_every_top_level_module_is_on_the_page() -> None:
    """The layer-free modules and the front ends at the top of the package are all described."""
    text = PAGE.read_text(encoding="utf-8")
    for path in SRC.glob("*.py"):
        if path.stem in ("__init__",):
            continue
        name = "__main__" if path.stem == "__main__" else path.stem
        assert f"`{name}`" in text or f"`slakit.{name}`" in text, f"{path.name} is not described"


def test_the_page_has_the_three_recipes() -> None:
    """The page says how to add a measure, a credit shape and an input format."""
    text = PAGE.read_text(encoding="utf-8")
    for heading in ("### A new measure", "### A new credit shape", "### A new input format"):
        assert heading in text


def test_each_recipe_touches_at_most_three_source_files() -> None:
    """Each recipe is a numbered list of the source files to edit, three at the most."""
    text = PAGE.read_text(encoding="utf-8")
    for heading in ("### A new measure", "### A new credit shape", "### A new input format"):
        section = text.split(heading, 1)[1].split("\n#", 1)[0]
        steps = re.findall(r"^\d+\. \*\*", section, flags=re.MULTILINE)
        assert 1 <= len(steps) <= 3, f"{heading[4:]}: {len(steps)} files to edit"
        assert "three source files" in section
