"""The API reference is split by topic, and every public name is on exactly one of its pages.

A reference page lists the names it documents with mkdocstrings blocks, one ``::: slakit.Name``
line each (options indented below it). A block ``::: slakit`` documents the namespace's
``members:`` option, or every public name when it has none. The overview,
``docs/reference/index.md``, documents no name itself: it starts from ``evaluate`` and
``Agreement`` and links to every topic page.
"""

from __future__ import annotations

import pkgutil
import re
from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml

import slakit

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "reference"
PAGES = sorted(REFERENCE.glob("*.md"))

#: The public submodules (``slakit.io``, ``slakit.exceptions`` ...), found without importing them.
SUBMODULES = frozenset(
    module.name
    for module in pkgutil.iter_modules(slakit.__path__)
    if not module.name.startswith("_")
)

_BLOCK = re.compile(r"^::: *(?P<identifier>\S+) *$")
_AUTOREF = re.compile(r"\]\[slakit\.(?P<name>\w+)\]")


def documented(text: str, public: Iterable[str]) -> list[str]:
    """Return the public names a page's ``:::`` blocks document, in order, repeats kept.

    ``public`` is what a ``::: slakit`` block without a ``members:`` option documents.
    Blocks of public submodules and their members (``slakit.exceptions``,
    ``slakit.io.read_jsonl``) document no name of the top-level namespace.
    """
    lines = text.splitlines()
    names: list[str] = []
    for number, line in enumerate(lines):
        block = _BLOCK.match(line)
        if block is None:
            continue
        identifier = block["identifier"]
        if identifier == "slakit":
            options = []
            for option in lines[number + 1 :]:
                if option.strip() and not option.startswith((" ", "\t")):
                    break
                options.append(option)
            config = yaml.safe_load("\n".join(options)) or {}
            members = config.get("options", {}).get("members")
            names += list(public) if members is None else list(members)
        elif identifier.startswith("slakit."):
            name = identifier.removeprefix("slakit.").split(".", 1)[0]
            if name not in SUBMODULES:
                names.append(identifier.removeprefix("slakit."))
    return names


def where(pages: dict[str, str], public: list[str]) -> dict[str, list[str]]:
    """Return, for each public name and each name a page documents, the pages that do."""
    found: dict[str, list[str]] = {name: [] for name in public}
    for page, text in pages.items():
        for name in documented(text, public):
            found.setdefault(name, []).append(page)
    return found


def problems(pages: dict[str, str], public: list[str]) -> list[str]:
    """Return why the pages do not document each public name exactly once, if they do not."""
    out = []
    for name, on in where(pages, public).items():
        if name not in public:
            out.append(f"{name}: documented on {on}, but not in slakit.__all__")
        elif not on:
            out.append(f"{name}: on no reference page; add `::: slakit.{name}` to its topic's page")
        elif len(on) > 1:
            out.append(f"{name}: documented more than once, on {on}")
    return out


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        # each name once, in blocks with options, beside a submodule's block
        (
            {
                "a.md": "::: slakit.Tier\n    options:\n      heading_level: 3\n",
                "b.md": "::: slakit.evaluate\n\n::: slakit.io.read_jsonl\n::: slakit.exceptions\n",
            },
            [],
        ),
        # a name on no page, and one on two pages
        ({"a.md": "::: slakit.Tier\n", "b.md": "::: slakit.Tier\n"}, ["evaluate", "Tier"]),
        # the whole namespace documents every name again; a members list only those it names
        ({"a.md": "::: slakit.Tier\n", "b.md": "::: slakit\n"}, ["Tier"]),
        (
            {
                "a.md": "::: slakit.Tier\n",
                "b.md": "::: slakit\n    options:\n      members: [evaluate]\n",
            },
            [],
        ),
        # a block of a name that is not public (removed, or misspelt), or of a member
        ({"a.md": "::: slakit.Tier\n::: slakit.evaluate\n::: slakit.Teir\n"}, ["Teir"]),
        (
            {"a.md": "::: slakit.Tier\n::: slakit.evaluate\n::: slakit.Tier.derive\n"},
            ["Tier.derive"],
        ),
    ],
)
def test_the_rule_finds_missing_repeated_and_unknown_names(
    pages: dict[str, str], expected: list[str]
) -> None:
    """The check names each public name documented on no page or twice, and unknown names."""
    found = problems(pages, ["evaluate", "Tier"])
    assert [problem.split(":", 1)[0] for problem in found] == expected, found


def test_every_public_name_is_on_exactly_one_reference_page() -> None:
    """Each name in ``slakit.__all__`` is documented on one reference page, no more, no less."""
    pages = {page.name: page.read_text(encoding="utf-8") for page in PAGES}
    found = problems(pages, list(slakit.__all__))
    assert not found, "\n".join(found)


def test_the_reference_index_starts_from_evaluate_and_agreement() -> None:
    """The overview links ``evaluate`` and ``Agreement`` before any other name."""
    text = (REFERENCE / "index.md").read_text(encoding="utf-8")
    linked = [match["name"] for match in _AUTOREF.finditer(text)]
    assert linked[:2] == ["evaluate", "Agreement"], linked


def test_the_reference_index_links_every_topic_page_and_documents_no_name() -> None:
    """The overview links every other reference page, and leaves the names to those pages."""
    text = (REFERENCE / "index.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((?P<page>[\w-]+\.md)\)", text))
    assert linked == {page.name for page in PAGES} - {"index.md"}
    assert not [line for line in text.splitlines() if _BLOCK.match(line)]
