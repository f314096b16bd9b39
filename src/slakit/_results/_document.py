"""Documents people read: blocks, and their Markdown, text and self-contained HTML forms.

The credit statement and the agreement schedule are built as a list of
blocks (headings, paragraphs, key facts, lists, tables, figures and sections)
and rendered by the functions here, so that both share one stylesheet and
one set of building blocks, and every format says the same thing.

Text in blocks may carry three inline marks, as in Markdown: ``**strong**``,
``*emphasis*`` and ```code```. HTML turns them into tags, Markdown keeps
them, text drops them.

The HTML is one file: the stylesheet is inline, charts are inline SVG, and
nothing is fetched from a network or run as a script. Print styles give a
clean A4 PDF from a browser's "print to PDF".
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable, Sequence

import attrs

__all__ = [
    "STYLESHEET",
    "Block",
    "Facts",
    "Figure",
    "Heading",
    "Items",
    "Para",
    "Section",
    "Table",
    "demote",
    "markdown",
    "md_cell",
    "page",
    "text",
]


@attrs.frozen
class Heading:
    """A heading of ``level`` 1 (the title) to 4."""

    level: int
    text: str


@attrs.frozen
class Para:
    """A paragraph; ``tone`` ``"note"`` or ``"warning"`` sets it apart in HTML."""

    text: str
    tone: str = ""


@attrs.frozen
class Items:
    """A bulleted list."""

    items: tuple[str, ...]


@attrs.frozen
class Facts:
    """Key facts as ``(label, value)`` pairs: a definition list."""

    rows: tuple[tuple[str, str], ...]


@attrs.frozen
class Table:
    """A table; ``numeric`` marks the columns aligned right (figures)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()
    #: In HTML, a class on each row (``"breached"``), or ``""``; empty: none.
    marks: tuple[str, ...] = ()


@attrs.frozen
class Figure:
    """A chart: inline SVG in HTML; in Markdown and text, its caption and ``alt`` text.

    ``svg`` may be a function that draws it, called only when HTML is rendered.
    """

    svg: str | Callable[[], str]
    caption: str
    alt: str

    def drawn(self) -> str:
        """Return the SVG, drawing it now if it is a function."""
        return self.svg if isinstance(self.svg, str) else self.svg()


@attrs.frozen
class Section:
    """A titled group of blocks; ``collapsible`` sections are ``<details>`` in HTML.

    Collapsible sections start open, so that printing the page prints all of
    them: nothing a statement says is hidden from its PDF.
    """

    level: int
    title: str
    blocks: tuple[Block, ...]
    collapsible: bool = False
    anchor: str = ""


Block = Heading | Para | Items | Facts | Table | Figure | Section


def demote(blocks: Sequence[Block], by: int) -> tuple[Block, ...]:
    """Return ``blocks`` with every heading ``by`` levels lower (a document inside another)."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(Heading(min(block.level + by, 6), block.text))
        elif isinstance(block, Section):
            out.append(
                attrs.evolve(block, level=min(block.level + by, 6), blocks=demote(block.blocks, by))
            )
        else:
            out.append(block)
    return tuple(out)


# --- Markdown ------------------------------------------------------------------------------


def md_cell(value: str) -> str:
    """Return ``value`` as one Markdown table cell."""
    return value.replace("|", "\\|").replace("\n", " ")


def _md_table(block: Table) -> str:
    align = ["---:" if i in block.numeric else "---" for i in range(len(block.header))]
    lines = [
        "| " + " | ".join(map(md_cell, block.header)) + " |",
        "| " + " | ".join(align) + " |",
    ]
    lines.extend("| " + " | ".join(map(md_cell, row)) + " |" for row in block.rows)
    return "\n".join(lines)


def _md_blocks(blocks: Sequence[Block]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"{'#' * block.level} {block.text}")
        elif isinstance(block, Para):
            out.append(f"> {block.text}" if block.tone else block.text)
        elif isinstance(block, Items):
            out.append("\n".join(f"- {item}" for item in block.items))
        elif isinstance(block, Facts):
            out.append("\n".join(f"- **{label}**: {value}" for label, value in block.rows))
        elif isinstance(block, Table):
            out.append(_md_table(block))
        elif isinstance(block, Figure):
            out.append(f"*{block.caption}*: {block.alt}")
        else:
            out.append(f"{'#' * block.level} {block.title}")
            out.extend(_md_blocks(block.blocks))
    return out


def markdown(blocks: Sequence[Block]) -> str:
    """Return ``blocks`` as Markdown (GitHub flavour: pipe tables)."""
    return "\n\n".join(_md_blocks(blocks)) + "\n"


# --- text ----------------------------------------------------------------------------------

_MARKS = re.compile(r"\*\*([^*]+)\*\*|`([^`]+)`|(?<![*\w])\*([^*]+)\*(?![*\w])")
_WIDTH = 100


def plain(value: str) -> str:
    """Return ``value`` without its inline marks."""
    return _MARKS.sub(lambda m: next(g for g in m.groups() if g is not None), value)


def _wrap(value: str, first: str = "", rest: str = "") -> str:
    return textwrap.fill(
        plain(value),
        width=_WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _text_table(block: Table) -> str:
    rows = [tuple(plain(c) for c in block.header), *(tuple(map(plain, r)) for r in block.rows)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(block.header))]

    def line(row: tuple[str, ...]) -> str:
        cells = (
            cell.rjust(w) if i in block.numeric else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(rows[0]), rule, *(line(r) for r in rows[1:])])


def _text_blocks(blocks: Sequence[Block]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading | Section):
            title = plain(block.text if isinstance(block, Heading) else block.title)
            underline = {1: "=", 2: "="}.get(block.level, "-")
            out.append(f"{title}\n{underline * len(title)}")
            if isinstance(block, Section):
                out.extend(_text_blocks(block.blocks))
        elif isinstance(block, Para):
            prefix = {"note": "Note: ", "warning": "Warning: "}.get(block.tone, "")
            out.append(_wrap(prefix + block.text))
        elif isinstance(block, Items):
            out.append("\n".join(_wrap(item, "- ", "  ") for item in block.items))
        elif isinstance(block, Facts):
            width = max((len(plain(label)) for label, _ in block.rows), default=0)
            out.append(
                "\n".join(
                    _wrap(value, f"{plain(label) + ':':<{width + 1}} ", " " * (width + 2))
                    for label, value in block.rows
                )
            )
        elif isinstance(block, Table):
            out.append(_text_table(block))
        else:
            out.append(_wrap(f"[{block.caption}] {block.alt}"))
    return out


def text(blocks: Sequence[Block]) -> str:
    """Return ``blocks`` as plain text: underlined headings, aligned tables, wrapped prose."""
    return "\n\n".join(_text_blocks(blocks)) + "\n"


# --- HTML ----------------------------------------------------------------------------------

#: The stylesheet of every document: screen and A4 print, greyscale-safe.
STYLESHEET = """\
:root { --ink: #1a1a1a; --muted: #555; --rule: #bbb; --shade: #f0f0f0; --bad: #8b0000; }
* { box-sizing: border-box; }
html { font: 10.5pt/1.45 -apple-system, "Segoe UI", "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: #fff; }
body { max-width: 190mm; margin: 0 auto; padding: 12mm 8mm; }
h1 { font-size: 1.7em; margin: 0 0 .2em; }
h2 { font-size: 1.3em; margin: 1.6em 0 .5em; border-bottom: 1.5px solid var(--ink);
     padding-bottom: .15em; }
h3 { font-size: 1.1em; margin: 1.2em 0 .4em; }
h4 { font-size: 1em; margin: 1em 0 .3em; }
p { margin: .4em 0 .7em; }
p.note, p.warning { border-left: 3px solid var(--muted); padding: .2em .7em;
                    background: var(--shade); }
p.warning { border-left-color: var(--bad); }
code { font: .92em ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
dd code { overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15em 1.2em; margin: .6em 0; }
dt { font-weight: 600; }
dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; font-size: .95em; }
th, td { border-bottom: 1px solid var(--rule); padding: .25em .5em; text-align: left;
         vertical-align: top; }
th { border-bottom: 1.5px solid var(--ink); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.breached td { font-weight: 600; }
tr.breached td:first-child { border-left: 3px solid var(--bad); }
tr.total td { border-top: 1.5px solid var(--ink); font-weight: 600; }
figure { margin: .8em 0 1.2em; break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .9em; margin-top: .2em; }
details { margin: .4em 0; }
details > summary { cursor: pointer; font-weight: 600; padding: .2em 0; }
details > summary > h2, details > summary > h3, details > summary > h4 { display: inline; }
.subtitle { color: var(--muted); margin: 0 0 1em; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  html { font-size: 9.5pt; }
  body { max-width: none; padding: 0; }
  h2, h3, h4 { break-after: avoid; }
  tr, dl, figure { break-inside: avoid; }
  thead { display: table-header-group; }
  details > summary { list-style: none; }
}
"""


def inline(value: str) -> str:
    """Escape ``value`` for HTML and turn its inline marks into tags."""
    escaped = html.escape(value, quote=False)
    if "*" not in escaped and "`" not in escaped:
        return escaped
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    escaped = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)
    return re.sub(r"(?<![*\w])\*([^*]+)\*(?![*\w])", r"<em>\1</em>", escaped)


def _html_table(block: Table) -> list[str]:
    def cell(tag: str, i: int, value: str) -> str:
        attr = ' class="num"' if i in block.numeric else ""
        return f"<{tag}{attr}>{inline(value)}</{tag}>"

    out = ["<table>", "<thead><tr>"]
    out.append("".join(cell("th", i, h) for i, h in enumerate(block.header)))
    out.append("</tr></thead>")
    out.append("<tbody>")
    marks = block.marks or ("",) * len(block.rows)
    for row, mark in zip(block.rows, marks, strict=True):
        opening = f'<tr class="{mark}">' if mark else "<tr>"
        out.append(opening + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    return out


def _html_blocks(blocks: Sequence[Block]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{inline(block.text)}</h{block.level}>")
        elif isinstance(block, Para):
            attr = f' class="{block.tone}"' if block.tone else ""
            out.append(f"<p{attr}>{inline(block.text)}</p>")
        elif isinstance(block, Items):
            out.append("<ul>")
            out.extend(f"<li>{inline(item)}</li>" for item in block.items)
            out.append("</ul>")
        elif isinstance(block, Facts):
            out.append("<dl>")
            out.extend(
                f"<dt>{inline(label)}</dt><dd>{inline(value)}</dd>" for label, value in block.rows
            )
            out.append("</dl>")
        elif isinstance(block, Table):
            out.extend(_html_table(block))
        elif isinstance(block, Figure):
            out.append("<figure>")
            out.append(block.drawn())
            out.append(f"<figcaption>{inline(block.caption)}</figcaption>")
            out.append("</figure>")
        else:
            anchor = f' id="{html.escape(block.anchor)}"' if block.anchor else ""
            heading = f"h{block.level}"
            if block.collapsible:
                out.append(f"<details open{anchor}>")
                out.append(f"<summary><{heading}>{inline(block.title)}</{heading}></summary>")
                out.extend(_html_blocks(block.blocks))
                out.append("</details>")
            else:
                out.append(f"<section{anchor}>")
                out.append(f"<{heading}>{inline(block.title)}</{heading}>")
                out.extend(_html_blocks(block.blocks))
                out.append("</section>")
    return out


def page(blocks: Sequence[Block], title: str) -> str:
    """Return ``blocks`` as one self-contained HTML page: inline styles, no scripts, no links."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>\n{STYLESHEET}</style>",
        "</head>",
        "<body>",
        *_html_blocks(blocks),
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"
