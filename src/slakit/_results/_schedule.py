"""The agreement as a schedule a person reads: Markdown or HTML, generated from the object itself.

The schedule has the parties, the services (with their catalogue entries and
service hours), how each measure is computed in words, the objectives and
their targets, the credit tables and other credit rules, the exclusions and
their conditions, the claims process, the reporting terms and the versions.
Nothing in it is written by hand, so it cannot drift from what is evaluated.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Sequence
from typing import Literal

import attrs

from slakit._dsl._agreement import Agreement, Tier
from slakit._dsl._compensation import CreditRule, CreditSchedule, Fee
from slakit._dsl._measures import Measure
from slakit._ratio import format_percent
from slakit._time._instant import format_us

__all__ = ["compare_tiers", "render_schedule"]

Style = Literal["md", "html"]


@attrs.frozen
class _Heading:
    level: int
    text: str


@attrs.frozen
class _Para:
    text: str


@attrs.frozen
class _List:
    items: tuple[str, ...]


@attrs.frozen
class _Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


_Block = _Heading | _Para | _List | _Table


def _rules(rule: CreditRule) -> Iterable[CreditRule]:
    yield rule
    for child in rule.children():
        yield from _rules(child)


def _measures(tier: Tier) -> list[Measure]:
    found = list(tier.measures())
    for rule in [] if tier.compensation is None else list(_rules(tier.compensation)):
        for measure in rule.measures():
            if measure not in found:
                found.append(measure)
    return found


def _describe_rule(rule: CreditRule) -> str:
    describe = getattr(rule, "describe", None)
    text = describe() if callable(describe) else None
    return f"{text} (`{rule!r}`)" if isinstance(text, str) else f"`{rule!r}`"


def _tier_blocks(tier: Tier, level: int, note: str = "") -> list[_Block]:
    blocks: list[_Block] = [_Heading(level, f"Tier {tier.name}{note}")]
    blocks.append(_Para(f"Fee per service and period: **{tier.fee}**."))
    measures = _measures(tier)
    if measures:
        blocks.append(_Heading(level + 1, "Definitions: how each measure is computed"))
        blocks.append(_List(tuple(f"**{m.label}**: {m.describe()}" for m in measures)))
    if tier.objectives:
        blocks.append(_Heading(level + 1, "Service level objectives"))
        blocks.append(
            _Table(
                ("measure", "objective", "target"),
                tuple(
                    (
                        o.measure.label,
                        o.describe(),
                        f"{o.comparator} {o.measure.format_value(o.target)}",
                    )
                    for o in tier.objectives
                ),
            )
        )
        if tier.no_data != "no data":
            blocks.append(
                _Para(f"A measure with no eligible time or no events counts as **{tier.no_data}**.")
            )
        else:
            blocks.append(
                _Para("A measure with no eligible time or no events is reported as *no data*.")
            )
    exclusions = [c for m in measures for c in getattr(m, "excluding", ())]
    if exclusions:
        blocks.append(_Heading(level + 1, "Exclusions"))
        blocks.append(_List(tuple(dict.fromkeys(c.describe() for c in exclusions))))
    if tier.compensation is not None:
        blocks.append(_Heading(level + 1, "Service credits"))
        rules = list(_rules(tier.compensation))
        for rule in rules:
            if isinstance(rule, CreditSchedule):
                fmt = rule.measure.format_value
                base = "the fee" if isinstance(rule.base, Fee) else rule.base.describe()
                blocks.append(_Para(f"Credit table on {rule.measure.label}, as a share of {base}:"))
                blocks.append(
                    _Table(
                        (rule.measure.label, "interval", "credit"),
                        tuple(
                            (b.describe(fmt), b.interval(fmt), format_percent(b.credit))
                            for b in sorted(rule.bands, key=lambda b: -b.credit)
                        ),
                    )
                )
        others = [r for r in rules if not isinstance(r, CreditSchedule)]
        if others:
            blocks.append(_Para("Credit rules, outermost first:"))
            blocks.append(_List(tuple(_describe_rule(r) for r in others)))
        claims = [r for r in rules if type(r).__name__ == "ClaimRequired"]
        if claims:
            blocks.append(_Heading(level + 1, "Claims process"))
            blocks.append(
                _List(
                    tuple(
                        f"Credits are paid only on a claim filed {r.window.describe()}."  # type: ignore[attr-defined]
                        for r in claims
                    )
                )
            )
    return blocks


def _blocks(agreement: Agreement) -> list[_Block]:
    blocks: list[_Block] = [_Heading(1, f"Service level agreement: {agreement.title}")]
    parties = [f"**Provider**: {agreement.provider}", f"**Customer**: {agreement.customer}"]
    parties.extend(p.describe() for p in agreement.parties)
    blocks.append(_Heading(2, "Parties"))
    blocks.append(_List(tuple(parties)))
    terms = [
        f"**Billing periods**: `{agreement.period!r}`",
        f"**Rounding**: {agreement.rounding.describe()}, once, on final amounts",
    ]
    if agreement.effective is not None:
        terms.insert(0, f"**Effective**: {format_us(agreement.effective)}")
    blocks.append(_Heading(2, "Terms"))
    blocks.append(_List(tuple(terms)))
    blocks.append(_Heading(2, "Services and service hours"))
    entries = {e.name: e for e in agreement.catalogue}
    blocks.append(
        _Table(
            ("service", "description", "components", "service hours", "run by"),
            tuple(
                (
                    name,
                    entries[name].description if name in entries else "",
                    ", ".join(entries[name].components) if name in entries else "",
                    "always"
                    if name not in entries or entries[name].hours is None
                    else f"`{entries[name].hours!r}`",
                    (entries[name].group or "") if name in entries else "",
                )
                for name in agreement.services
            ),
        )
    )
    if agreement.fees:
        blocks.append(_Heading(2, "Fees per service"))
        blocks.append(
            _Table(
                ("service", "fee per period"),
                (
                    *((name, str(agreement.fee_of(name))) for name in agreement.services),
                    ("total", str(agreement.total_fee())),
                ),
            )
        )
    blocks.extend(_tier_blocks(agreement.tier, 2))
    if agreement.reporting is not None:
        blocks.append(_Heading(2, "Reporting"))
        blocks.append(_Para(agreement.reporting.describe().capitalize() + "."))
    if agreement.amendments:
        from slakit._data._diff import diff

        blocks.append(_Heading(2, "Versions"))
        versions = agreement.versions()
        items = [versions[0].describe()]
        for before, after in itertools.pairwise(versions):
            changes = "; ".join(str(c) for c in diff(before, after) if c.path != "$.effective")
            items.append(f"{after.describe()}. Changes: {changes or 'none'}")
        blocks.append(_List(tuple(items)))
        for before, after in itertools.pairwise(versions):
            if after.agreement.tier != before.agreement.tier:
                blocks.extend(_tier_blocks(after.agreement.tier, 3, f", from {after.label} on"))
    return blocks


# --- output -------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(blocks: Sequence[_Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, _Heading):
            out.append(f"{'#' * block.level} {block.text}")
        elif isinstance(block, _Para):
            out.append(block.text)
        elif isinstance(block, _List):
            out.append("\n".join(f"- {item}" for item in block.items))
        else:
            lines = [
                "| " + " | ".join(map(_md_cell, block.header)) + " |",
                "| " + " | ".join("---" for _ in block.header) + " |",
            ]
            lines.extend("| " + " | ".join(map(_md_cell, row)) + " |" for row in block.rows)
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def _inline_html(text: str) -> str:
    """Escape ``text`` and turn the schedule's ``**bold**``, ``*em*`` and ```code``` into tags."""
    import re

    escaped = html.escape(text, quote=False)
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    escaped = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)
    return re.sub(r"(?<![*\w])\*([^*]+)\*(?![*\w])", r"<em>\1</em>", escaped)


def _html(blocks: Sequence[_Block], title: str) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        f'<head><meta charset="utf-8"><title>{html.escape(title)}</title></head>',
        "<body>",
    ]
    for block in blocks:
        if isinstance(block, _Heading):
            out.append(f"<h{block.level}>{_inline_html(block.text)}</h{block.level}>")
        elif isinstance(block, _Para):
            out.append(f"<p>{_inline_html(block.text)}</p>")
        elif isinstance(block, _List):
            out.append("<ul>")
            out.extend(f"<li>{_inline_html(item)}</li>" for item in block.items)
            out.append("</ul>")
        else:
            out.append("<table>")
            out.append(
                "<thead><tr>"
                + "".join(f"<th>{_inline_html(h)}</th>" for h in block.header)
                + "</tr></thead>"
            )
            out.append("<tbody>")
            out.extend(
                "<tr>" + "".join(f"<td>{_inline_html(c)}</td>" for c in row) + "</tr>"
                for row in block.rows
            )
            out.append("</tbody></table>")
    out.extend(("</body>", "</html>"))
    return "\n".join(out) + "\n"


def render_schedule(agreement: Agreement, format: Style = "md") -> str:
    """Return the agreement as a schedule a person can read, in Markdown or HTML.

    Args:
        agreement: the agreement to render.
        format: ``"md"`` (Markdown, default) or ``"html"`` (a standalone page).
    """
    blocks = _blocks(agreement)
    if format == "md":
        return _markdown(blocks)
    given: str = format
    if given != "html":
        from slakit.exceptions import DefinitionError

        raise DefinitionError(f"format={format!r} must be 'md' or 'html'")
    return _html(blocks, agreement.title)


def compare_tiers(tiers: Sequence[Tier]) -> str:
    """Return tiers side by side as a Markdown table: fee, each objective, each credit rule."""
    rows: list[tuple[str, list[str]]] = [("fee", [str(t.fee) for t in tiers])]
    labels: list[str] = []
    for tier in tiers:
        for objective in tier.objectives:
            if objective.measure.label not in labels:
                labels.append(objective.measure.label)
    for label in labels:
        cells = []
        for tier in tiers:
            found = [
                f"{o.comparator} {o.measure.format_value(o.target)}"
                for o in tier.objectives
                if o.measure.label == label
            ]
            cells.append(", ".join(found) or "-")
        rows.append((label, cells))
    if any(t.compensation is not None for t in tiers):
        cells = []
        for tier in tiers:
            if tier.compensation is None:
                cells.append("-")
                continue
            parts: list[str] = []
            for rule in _rules(tier.compensation):
                if isinstance(rule, CreditSchedule):
                    fmt = rule.measure.format_value
                    parts.extend(
                        f"{b.describe(fmt)}: {format_percent(b.credit)}"
                        for b in sorted(rule.bands, key=lambda b: -b.credit)
                    )
            cells.append("; ".join(parts) or f"`{tier.compensation!r}`")
        rows.append(("credits", cells))
    rows.append(("no data", [t.no_data for t in tiers]))
    header = "| | " + " | ".join(t.name for t in tiers) + " |"
    lines = [header, "| --- | " + " | ".join("---" for _ in tiers) + " |"]
    lines.extend(
        f"| {_md_cell(name)} | " + " | ".join(_md_cell(c) for c in cells) + " |"
        for name, cells in rows
    )
    return "\n".join(lines)
