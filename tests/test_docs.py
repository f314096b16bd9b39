"""Every example in the README, the docs and the docstrings runs and does what it says.

Markdown: each fenced block whose info string starts with ``python`` is run;
the blocks of one file run in order in one shared namespace, so a later block
can use names an earlier one defined. A block opened with ```` ```python skip ````
is shown but not run; keep those rare. Each file is one test, named by its path.

Docstrings: the doctests of ``slakit`` and of every module below it run with
:func:`doctest.testmod`, and any failure fails the test.

Install commands: slakit is installed from a checkout of its repository, not from a package
index. Every ``pip install`` a page shows is one of the README's quick-start commands, or
``pip install -e '.[EXTRAS]'`` of the checkout, with extras that ``pyproject.toml`` declares.

Navigation: every page is in ``mkdocs.yml``'s nav once, every nav entry exists, and each
section's pages live in its folder (tutorial/, how-to/, explanation/, reference/).
"""

from __future__ import annotations

import contextlib
import doctest
import importlib
import io
import pkgutil
import re
import tomllib
from pathlib import Path
from types import ModuleType

import attrs
import pytest
import yaml

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


# --- install commands ------------------------------------------------------------------------

_INSTALL = re.compile(r'pip install[^`\n&;|"]*')  # a '"' ends a command quoted in source
_CHECKOUT_EXTRAS = re.compile(r"pip install -e '\.\[(?P<extras>[a-z0-9_-]+(?:,[a-z0-9_-]+)*)\]'")
EXTRAS = frozenset(
    tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
)


def install_commands(text: str) -> list[tuple[int, str]]:
    """Return each ``pip install ...`` command in a text, with its 1-based line number."""
    return [
        (number, match.group().strip())
        for number, line in enumerate(text.splitlines(), start=1)
        for match in _INSTALL.finditer(line)
    ]


def quick_start() -> list[str]:
    """Return the commands of the README's quick start (the bash block under its heading)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    (block,) = [b for b in fenced_blocks(section) if b.info[:1] == ("bash",)]
    return [line.strip() for line in block.source.splitlines() if line.strip()]


QUICK_START_INSTALLS = frozenset(
    part.strip()
    for command in quick_start()
    for part in command.split("&&")
    if part.strip().startswith("pip install")
)


def install_problem(command: str) -> str | None:
    """Return why ``command`` is not an install the docs may show, or ``None`` if it is."""
    if command in QUICK_START_INSTALLS:
        return None
    match = _CHECKOUT_EXTRAS.fullmatch(command)
    if match is None:
        return (
            f"{command!r} is neither a README quick-start command "
            f"({sorted(QUICK_START_INSTALLS)}) nor pip install -e '.[EXTRA]' of the checkout "
            "(slakit is not on a package index)"
        )
    unknown = sorted(set(match["extras"].split(",")) - EXTRAS)
    if unknown:
        return f"{command!r} names extras pyproject.toml does not declare: {unknown}"
    return None


def test_the_quick_start_is_two_commands_that_install_from_the_checkout() -> None:
    """The README's quick start is two commands, both installing the checkout itself."""
    commands = quick_start()
    assert len(commands) == 2, commands
    assert {"pip install -e .", "pip install -e '.[test]'"} == QUICK_START_INSTALLS


@pytest.mark.parametrize(
    ("command", "allowed"),
    [
        # the README's own commands, and extras of the checkout
        ("pip install -e .", True),
        ("pip install -e '.[test]'", True),
        ("pip install -e '.[yaml]'", True),
        ("pip install -e '.[docs,bench]'", True),
        # from a package index, where slakit is not published
        ("pip install slakit", False),
        ("pip install slakit[hypothesis]", False),
        ("pip install 'slakit[yaml]'", False),
        # an extra that does not exist, another quoting, not editable
        ("pip install -e '.[nope]'", False),
        ('pip install -e ".[bench]"', False),
        ("pip install '.[test]'", False),
    ],
)
def test_the_install_rule(command: str, *, allowed: bool) -> None:
    """The rule accepts the quick start and declared extras of the checkout, and nothing else."""
    assert (install_problem(command) is None) is allowed


def test_install_commands_are_found_in_text() -> None:
    """Commands are cut at a backtick, ``&&`` or the end of the line; every one is found."""
    text = "Run `pip install -e '.[yaml]'` first.\npip install -e . && slakit demo\nno install"
    assert install_commands(text) == [(1, "pip install -e '.[yaml]'"), (2, "pip install -e .")]


#: The sources, whose docstrings and error messages tell users what to install.
SOURCE_FILES = sorted((ROOT / "src").rglob("*.py"), key=lambda p: p.as_posix())


@pytest.mark.parametrize(
    "path",
    MARKDOWN_FILES + SOURCE_FILES,
    ids=[p.relative_to(ROOT).as_posix() for p in MARKDOWN_FILES + SOURCE_FILES],
)
def test_install_commands_in_the_docs_are_the_readmes(path: Path) -> None:
    """Every ``pip install`` on a page or in a message is the README's or a checkout's extra."""
    problems = [
        f"{path.relative_to(ROOT).as_posix()}:{number}: {problem}"
        for number, command in install_commands(path.read_text(encoding="utf-8"))
        if (problem := install_problem(command)) is not None
    ]
    assert not problems, "\n".join(problems)


# --- navigation ------------------------------------------------------------------------------

#: The nav sections whose pages live in a folder of their own.
SECTION_FOLDERS = {
    "Tutorial": "tutorial",
    "How-to guides": "how-to",
    "Explanation": "explanation",
    "Reference": "reference",
    "Cookbook": "cookbook",
}


def _nav() -> list[object]:
    """Return mkdocs.yml's nav (the file uses only plain YAML)."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    nav: list[object] = config["nav"]
    return nav


def _pages(entries: list[object], section: str | None = None) -> list[tuple[str | None, str]]:
    """Return each nav page as (its top-level section, or None, and its path)."""
    out: list[tuple[str | None, str]] = []
    for entry in entries:
        assert isinstance(entry, dict)
        ((title, value),) = entry.items()
        if isinstance(value, list):
            out += _pages(value, section if section is not None else title)
        else:
            out.append((section, value))
    return out


def test_the_nav_lists_every_page_once_in_its_folder() -> None:
    """Every page is in the nav once, every nav entry exists, each section holds its folder."""
    pages = _pages(_nav())
    paths = [path for _, path in pages]
    docs = ROOT / "docs"
    on_disk = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    assert sorted(paths) == on_disk, "pages and nav differ; add the page to mkdocs.yml's nav"
    assert len(set(paths)) == len(paths), "a page is in the nav twice"
    for section, path in pages:
        folder = SECTION_FOLDERS.get(section or "")
        if folder:
            assert path.startswith(f"{folder}/"), f"{path} is in {section} but not in {folder}/"
        else:
            assert "/" not in path, f"{path} is at the top of the nav but in a folder"


# --- cross-references ------------------------------------------------------------------------

#: A Sphinx role (``:class:`Tier```), which mkdocstrings does not render: it would show as text.
_ROLE = re.compile(r":(?:func|class|meth|attr|mod|data|exc|obj|ref|py:\w+):`")


@pytest.mark.parametrize(
    "path",
    MARKDOWN_FILES + SOURCE_FILES,
    ids=[p.relative_to(ROOT).as_posix() for p in MARKDOWN_FILES + SOURCE_FILES],
)
def test_no_sphinx_role_reaches_the_docs(path: Path) -> None:
    """Docstrings and pages link with ``[`Name`][slakit.Name]``; a role would print literally."""
    found = [
        f"{path.relative_to(ROOT).as_posix()}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _ROLE.search(line) and "_ROLE" not in line
    ]
    assert not found, "\n".join(found)


def test_the_role_rule_finds_a_role() -> None:
    """The rule sees the roles it is meant to catch, and not the references that replace them."""
    assert _ROLE.search("see :class:`~slakit.Tier` and :func:`evaluate`")
    assert not _ROLE.search("see [`Tier`][slakit.Tier]")
