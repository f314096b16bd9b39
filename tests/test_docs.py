"""Every example in the README, the docs and the docstrings runs and does what it says.

Markdown: each fenced block whose info string starts with ``python`` is run;
the blocks of one file run in order in one shared namespace, so a later block
can use names an earlier one defined. A block opened with ```` ```python skip ````
is shown but not run; keep those rare. Each file is one test, named by its path.

Docstrings: the doctests of ``slakit`` and of every module below it run with
:func:`doctest.testmod`, and any failure fails the test.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib
import io
import pkgutil
import re
from pathlib import Path
from types import ModuleType

import attrs
import pytest

ROOT = Path(__file__).resolve().parent.parent
MARKDOWN_FILES = sorted(
    [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")],
    key=lambda path: path.relative_to(ROOT).as_posix(),
)

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


@attrs.frozen
class Block:
    """One fenced code block: where it starts, its info string and its source."""

    line: int  # 1-based line number of the block's first source line
    info: tuple[str, ...]
    source: str

    @property
    def runs(self) -> bool:
        """Whether this is a Python block that is not marked ``skip``."""
        return bool(self.info) and self.info[0] == "python" and "skip" not in self.info[1:]


def fenced_blocks(text: str) -> list[Block]:
    """Return the fenced code blocks of a Markdown text, in order.

    Fences of backticks or tildes, three or more, may be indented (as inside an
    admonition); the indentation of the opening fence is removed from the body.
    """
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        info = tuple(re.sub(r"[{}.]", " ", opening["info"]).split())
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            body.append(lines[j].removeprefix(indent))
            j += 1
        if j == len(lines):
            raise AssertionError(f"line {i + 1}: code fence {fence!r} is never closed")
        blocks.append(Block(line=i + 2, info=info, source="\n".join(body) + "\n"))
        i = j + 1
    return blocks


def test_fenced_blocks_parser() -> None:
    """The block parser finds python blocks, keeps their line numbers and honours ``skip``."""
    text = (
        "# Title\n"
        "```python\n"
        "x = 1\n"
        "```\n"
        "```bash\n"
        "echo hi\n"
        "```\n"
        '!!! note\n    ```python title="t.py"\n    y = x + 1\n    ```\n'
        "~~~~python skip\n"
        "```\n"
        "~~~~\n"
    )
    blocks = fenced_blocks(text)
    assert [(b.line, b.info[:1], b.runs) for b in blocks] == [
        (3, ("python",), True),
        (6, ("bash",), False),
        (10, ("python",), True),
        (13, ("python",), False),
    ]
    assert blocks[2].source == "y = x + 1\n"
    assert blocks[3].source == "```\n"
    with pytest.raises(AssertionError, match="never closed"):
        fenced_blocks("```python\nx = 1\n")


@pytest.mark.parametrize(
    "path", MARKDOWN_FILES, ids=[p.relative_to(ROOT).as_posix() for p in MARKDOWN_FILES]
)
def test_markdown_examples(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every python block of a Markdown file runs, in order, in one namespace."""
    name = path.relative_to(ROOT).as_posix()
    blocks = [block for block in fenced_blocks(path.read_text(encoding="utf-8")) if block.runs]
    if not blocks:
        pytest.skip(f"{name} has no python blocks")
    monkeypatch.chdir(tmp_path)  # an example that writes files writes them here
    namespace: dict[str, object] = {"__name__": f"docs:{name}"}
    for block in blocks:
        # Pad with blank lines so that tracebacks give the line number in the Markdown file.
        code = compile("\n" * (block.line - 1) + block.source, str(path), "exec")
        try:
            exec(code, namespace)
        except Exception as error:
            error.add_note(f"in the python block of {name} starting at line {block.line}")
            raise


def slakit_modules() -> list[ModuleType]:
    """Return ``slakit`` and every module below it (except ``__main__``), imported."""
    import slakit

    broken: list[str] = []
    names = [
        info.name
        for info in pkgutil.walk_packages(slakit.__path__, "slakit.", onerror=broken.append)
        if not info.name.endswith(".__main__")
    ]
    assert not broken, f"these packages failed to import: {broken}"
    # The public names load on first use; load them all, so that doctest finds the
    # docstrings of the objects that say they live in ``slakit``.
    for name in slakit.__all__:
        getattr(slakit, name)
    return [slakit, *(importlib.import_module(name) for name in names)]


def test_module_doctests() -> None:
    """The doctests in slakit's docstrings pass, and there are some."""
    attempted = 0
    failures: list[str] = []
    for module in slakit_modules():
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            result = doctest.testmod(module, report=False, optionflags=doctest.ELLIPSIS)
        attempted += result.attempted
        if result.failed:
            failures.append(f"{module.__name__}: {result.failed} failed\n{out.getvalue()}")
    assert not failures, "\n".join(failures)
    assert attempted > 0, "no doctests were found in slakit; the module walk is broken"
