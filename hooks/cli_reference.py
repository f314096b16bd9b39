"""MkDocs hook: the CLI reference page is generated from slakit's argument parser."""

from __future__ import annotations

from typing import Any

from slakit._cli import reference_markdown

#: The line of ``docs/reference/cli.md`` that the generated reference replaces.
MARKER = "<!-- generated: the reference of every command, from the argument parser -->"


def on_page_markdown(markdown: str, page: Any, **_kwargs: Any) -> str:
    """Replace the marker of the CLI reference page with the generated reference."""
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, reference_markdown())
