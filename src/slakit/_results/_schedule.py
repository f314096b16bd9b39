"""The agreement as a schedule a person reads: Markdown or HTML, generated from the object itself.

The schedule has the parties, the services (with their catalogue entries and
service hours), how each measure is computed in words, the objectives and
their targets, the credit tables and other credit rules, the exclusions and
their conditions, the claims process, the reporting terms and the versions.
Nothing in it is written by hand, so it cannot drift from what is evaluated.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from slakit._dsl._agreement import Agreement, Tier
from slakit._dsl._compensation import CreditRule, CreditSchedule, Fee
from slakit._dsl._measures import Measure
from slakit._ratio import format_percent
from slakit._results._document import Block, Heading, Items, Para, Table, markdown, md_cell, page
from slakit._time._calendar import holidays_in
from slakit._time._instant import format_us
from slakit._time._periods import PeriodRule

__all__ = ["compare_tiers", "render_schedule", "rule_words", "version_changes"]

Style = Literal["md", "html"]


_Block = Block


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


#: How the combinators without a ``describe()`` of their own combine their rules.
_COMBINED = {
    "Total": "the sum of",
    "Largest": "the largest of",
    "First": "the first that pays, in order, of",
    "InOrder": "in order, each on the base the credits before it leave, of",
}


def rule_words(rule: CreditRule) -> str:
    """Return a credit rule in words, combinators and all (never its DSL call)."""
    describe = getattr(rule, "describe", None)
    if callable(describe):
        text = describe()
        if isinstance(text, str):
            return text
    name = type(rule).__name__
    if isinstance(rule, CreditSchedule):
        return f"the credit table on {rule.measure.label}, as a share of {rule.base.describe()}"
    if name in _COMBINED:
        parts = "; ".join(f"({rule_words(child)})" for child in rule.children())
        return f"{_COMBINED[name]}: {parts}"
    if name == "Bonus":
        (inner,) = rule.children()
        return f"a bonus the customer owes the provider: {rule_words(inner)}"
    if name == "ClaimRequired":
        (inner,) = rule.children()
        window = rule.window.describe()  # type: ignore[attr-defined]
        return f"{rule_words(inner)}, paid only on a claim filed {window}"
    if name == "ReportOnly":
        objective = rule.objective.describe()  # type: ignore[attr-defined]
        return f"when {objective} is missed: {rule.remedy} (a remedy, not money)"  # type: ignore[attr-defined]
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()
    children = "; ".join(f"({rule_words(child)})" for child in rule.children())
    return f"{words}: {children}" if children else words


def _describe_rule(rule: CreditRule) -> str:
    return rule_words(rule)


def _service_hours(agreement: Agreement, name: str, entries: dict[str, Any]) -> str:
    """A service's hours in words: its catalogue entry's, else each measure's window."""
    entry = entries.get(name)
    if entry is not None and entry.hours is not None:
        return str(entry.hours.describe())
    windows = dict.fromkeys(
        f"{m.label}: {m.during.describe()}"  # type: ignore[attr-defined]
        for m in _measures(agreement.tier)
        if getattr(m, "during", None) is not None and getattr(m, "service", None) in (None, name)
    )
    return "; ".join(windows) or "at all times"


def _holiday_blocks(agreement: Agreement) -> list[_Block]:
    """The public holidays of the service hours in the agreement's first year, by name."""
    if agreement.effective is None:
        return []
    start = agreement.effective
    end = start + 366 * 24 * 3600 * 1_000_000
    calendars = [e.hours for e in agreement.catalogue if e.hours is not None]
    calendars += [
        m.during  # type: ignore[attr-defined]
        for m in _measures(agreement.tier)
        if getattr(m, "during", None) is not None
    ]
    rows = dict.fromkeys(
        (day.isoformat(), holiday, effect)
        for calendar in dict.fromkeys(calendars)
        for day, holiday, effect in holidays_in(calendar, start, end, agreement.period.tz)
    )
    if not rows:
        return []
    return [
        Para("Public holidays in the service hours' calendars, in the first year:"),
        Table(("date", "holiday", "effect"), tuple(sorted(rows))),
    ]


def _tier_blocks(tier: Tier, level: int, note: str = "") -> list[_Block]:
    blocks: list[_Block] = [Heading(level, f"Tier {tier.name}{note}")]
    if tier.fee is None:
        blocks.append(
            Para(
                f"No fee: the services are billed by usage, in {tier.currency_code}; credits "
                "are of the charges billed."
            )
        )
    elif tier.billing is None:
        blocks.append(Para(f"Fee per service and period: **{tier.fee}**."))
    else:
        blocks.append(
            Para(
                f"Fee per service and billing cycle: **{tier.fee}**, billed in "
                f"{tier.billing.describe()}; a period's fee is the fees of its cycles."
            )
        )
    measures = _measures(tier)
    if measures:
        blocks.append(Heading(level + 1, "Definitions: how each measure is computed"))
        blocks.append(Items(tuple(f"**{m.label}**: {m.describe()}" for m in measures)))
    if tier.objectives:
        blocks.append(Heading(level + 1, "Service level objectives"))
        blocks.append(
            Table(
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
                Para(f"A measure with no eligible time or no events counts as **{tier.no_data}**.")
            )
        else:
            blocks.append(
                Para("A measure with no eligible time or no events is reported as *no data*.")
            )
    exclusions = [c for m in measures for c in getattr(m, "excluding", ())]
    if exclusions:
        blocks.append(Heading(level + 1, "Exclusions"))
        blocks.append(Items(tuple(dict.fromkeys(c.describe() for c in exclusions))))
    if tier.compensation is not None:
        blocks.append(Heading(level + 1, "Service credits"))
        rules = list(_rules(tier.compensation))
        for rule in rules:
            if isinstance(rule, CreditSchedule):
                fmt = rule.measure.format_value
                base = "the fee" if isinstance(rule.base, Fee) else rule.base.describe()
                blocks.append(Para(f"Credit table on {rule.measure.label}, as a share of {base}:"))
                blocks.append(
                    Table(
                        (rule.measure.label, "interval", "credit"),
                        tuple(
                            (b.describe(fmt), b.interval(fmt), format_percent(b.credit))
                            for b in sorted(rule.bands, key=lambda b: -b.credit)
                        ),
                    )
                )
        others = [r for r in rules if not isinstance(r, CreditSchedule)]
        if others:
            blocks.append(Para("Credit rules, outermost first:"))
            blocks.append(Items(tuple(_describe_rule(r) for r in others)))
        claims = [r for r in rules if type(r).__name__ == "ClaimRequired"]
        if claims:
            blocks.append(Heading(level + 1, "Claims process"))
            blocks.append(
                Items(
                    tuple(
                        f"Credits are paid only on a claim filed {r.window.describe()}."  # type: ignore[attr-defined]
                        for r in claims
                    )
                )
            )
    return blocks


# --- amendments in words ------------------------------------------------------------------


def _changed(what: str, before: str, after: str) -> str:
    return f"{what}: was {before.rstrip('.')}; now {after.rstrip('.')}."


def _credit_words(rule: CreditRule | None) -> str:
    """A credit rule and every rule in it, in words, with the bands of each credit table.

    What two versions' credit rules read as, so a change anywhere in them (an
    amount inside a cap, a rule added to a sum) shows as words.
    """
    if rule is None:
        return "none"
    if isinstance(rule, CreditSchedule):
        fmt = rule.measure.format_value
        bands = ", ".join(
            f"{format_percent(b.credit)} {b.describe(fmt)}"
            for b in sorted(rule.bands, key=lambda b: -b.credit)
        )
        return f"{rule_words(rule)}: {bands}"
    children = rule.children()
    if not children:
        return rule_words(rule)
    inner = "; ".join(f"({_credit_words(child)})" for child in children)
    describe = getattr(rule, "describe", None)
    text = describe() if callable(describe) else None
    if isinstance(text, str):
        return f"{text}, over {inner}"
    name = type(rule).__name__
    head = _COMBINED.get(name) or "".join(f" {c.lower()}" if c.isupper() else c for c in name)
    return f"{head.strip()}: {inner}"


def _listed(what: str, names: Iterable[str]) -> str | None:
    names = list(names)
    return f"{what}: {', '.join(names)}." if names else None


def _objective_changes(before: Tier, after: Tier) -> list[str]:
    old = [o.describe() for o in before.objectives]
    new = [o.describe() for o in after.objectives]
    if old == new:
        return []
    by_measure = {o.measure: o.describe() for o in before.objectives}
    out: list[str] = []
    for o in after.objectives:
        text = o.describe()
        if text in old:
            continue
        was = by_measure.get(o.measure)
        if was is not None and was not in new:
            out.append(_changed(f"Objective on {o.measure.label}", was, text))
        else:
            out.append(f"Objective added: {text}.")
    changed = {o.measure for o in after.objectives}
    out.extend(
        f"Objective removed: {text}."
        for o, text in zip(before.objectives, old, strict=True)
        if text not in new and o.measure not in changed
    )
    return out


def _fee_words(tier: Tier) -> str:
    return str(tier.fee) if tier.fee is not None else f"none (billed by usage, in {tier.currency})"


def _cycle_words(rule: PeriodRule | None) -> str:
    return "the measurement period" if rule is None else rule.describe()


def _fee_changes(before: Agreement, after: Agreement) -> list[str]:
    out = []
    if before.tier.fee != after.tier.fee:
        out.append(
            _changed("Fee per service and period", _fee_words(before.tier), _fee_words(after.tier))
        )
    if before.tier.billing != after.tier.billing:
        out.append(
            _changed(
                "Billing cycle",
                _cycle_words(before.tier.billing),
                _cycle_words(after.tier.billing),
            )
        )
    kept = [name for name in after.services if name in before.services]
    old_fees, new_fees = dict(before.fees), dict(after.fees)
    out.extend(
        _changed(f"Fee of {name}", str(before.fee_of(name)), str(after.fee_of(name)))
        for name in kept
        if (name in old_fees or name in new_fees) and before.fee_of(name) != after.fee_of(name)
    )
    new_fees_of = dict(after.fees)
    out.extend(
        f"Fee of {name}, a service added: {new_fees_of[name]}."
        for name in after.services
        if name not in before.services and name in new_fees_of
    )
    return out


def version_changes(before: Agreement, after: Agreement) -> list[str]:
    """Return what an amendment changed, in words: one sentence per change, in schedule order.

    Parties, services, fees, objectives, how each measure is computed (its
    exclusions too), credit rules, periods, rounding and reporting are compared
    as the schedule describes them. A change that none of these sentences
    covers (two terms that read alike but differ) is named by the fields it
    changed, so no change is left out.
    """
    from slakit._data._diff import diff

    said: dict[str, list[str]] = {}

    def say(section: str, text: str | None) -> None:
        if text is not None:
            said.setdefault(section, []).append(text)

    for what in ("provider", "customer", "name"):
        old, new = getattr(before, what), getattr(after, what)
        if old != new:
            say(what, _changed(what.capitalize(), str(old or "none"), str(new or "none")))
    if before.parties != after.parties:
        say("parties", _changed("Parties", _parties_words(before), _parties_words(after)))
    say(
        "services",
        _listed("Services added", (n for n in after.services if n not in before.services)),
    )
    say(
        "services",
        _listed("Services removed", (n for n in before.services if n not in after.services)),
    )
    old_entries = {e.name: e for e in before.catalogue}
    for entry in after.catalogue:
        if old_entries.get(entry.name) != entry:
            say("catalogue", f"Service description of {entry.name}: {entry.describe()}.")
    for text in _fee_changes(before, after):
        field = "tier.billing" if text.startswith("Billing cycle") else "fees"
        say("tier.fee" if text.startswith("Fee per service") else field, text)
    old_tier, new_tier = before.tier, after.tier
    if old_tier.name != new_tier.name:
        say("tier.name", _changed("Tier", old_tier.name, new_tier.name))
    by_label = {m.label: m for m in _measures(old_tier)}
    for m in _measures(new_tier):
        was = by_label.get(m.label)
        if was is not None and was.describe() != m.describe():
            text = _changed(f"How {m.label} is measured", was.describe(), m.describe())
            say("tier.objectives", text)
            said.setdefault("tier.compensation", [])  # the rules read the same measures
    for text in _objective_changes(old_tier, new_tier):
        say("tier.objectives", text)
    if old_tier.no_data != new_tier.no_data:
        say(
            "tier.no_data",
            _changed("A measure with no data counts as", old_tier.no_data, new_tier.no_data),
        )
    old_rule, new_rule = old_tier.compensation, new_tier.compensation
    if old_rule != new_rule:
        old_words, new_words = _credit_words(old_rule), _credit_words(new_rule)
        if old_words != new_words:
            say("tier.compensation", _changed("Service credits", old_words, new_words))
    if before.period != after.period:
        say(
            "period", _changed("Billing periods", before.period.describe(), after.period.describe())
        )
    if before.rounding != after.rounding:
        say("rounding", _changed("Rounding", before.rounding.describe(), after.rounding.describe()))
    if before.reporting != after.reporting:
        old_terms = "none" if before.reporting is None else before.reporting.describe()
        new_terms = "none" if after.reporting is None else after.reporting.describe()
        say("reporting", _changed("Reporting", old_terms, new_terms))
    for change in diff(before, after):  # what the sentences above did not say
        section = _section(change.path)
        if section != "effective" and section not in said:
            said.setdefault("", []).append(f"Changed: {_field_words(change.path)}.")
    return [text for texts in said.values() for text in dict.fromkeys(texts)]


def _parties_words(agreement: Agreement) -> str:
    return "; ".join(p.describe() for p in agreement.parties) or "none"


def _section(path: str) -> str:
    """The part of the agreement a data path is in: ``"tier.objectives"``, ``"services"`` ..."""
    parts = path.removeprefix("$.").replace("[", ".").split(".")
    top = parts[0]
    if top in ("fees", "services"):
        return top
    return f"tier.{parts[1]}" if top == "tier" and len(parts) > 1 else top


def _field_words(path: str) -> str:
    """``$.tier.objectives[0].target`` as ``tier, objective 1, target``."""
    words: list[str] = []
    for part in path.removeprefix("$").replace("[", ".[").split("."):
        if not part:
            continue
        if part.startswith("["):
            words[-1] = f"{words[-1].rstrip('s')} {int(part.strip('[]')) + 1}"
        else:
            words.append(part.replace("_", " "))
    return ", ".join(words)


def _blocks(agreement: Agreement) -> list[_Block]:
    blocks: list[_Block] = [Heading(1, f"Service level agreement: {agreement.title}")]
    parties = [f"**Provider**: {agreement.provider}", f"**Customer**: {agreement.customer}"]
    parties.extend(p.describe() for p in agreement.parties)
    blocks.append(Heading(2, "Parties"))
    blocks.append(Items(tuple(parties)))
    terms = [
        f"**Billing periods**: {agreement.period.describe()}",
        f"**Rounding**: {agreement.rounding.describe()}, once, on final amounts",
    ]
    if agreement.effective is not None:
        terms.insert(0, f"**Effective**: {format_us(agreement.effective)}")
    blocks.append(Heading(2, "Terms"))
    blocks.append(Items(tuple(terms)))
    blocks.append(Heading(2, "Services and service hours"))
    entries = {e.name: e for e in agreement.catalogue}
    blocks.append(
        Table(
            ("service", "description", "components", "service hours", "run by"),
            tuple(
                (
                    name,
                    entries[name].description if name in entries else "",
                    ", ".join(entries[name].components) if name in entries else "",
                    _service_hours(agreement, name, entries),
                    (entries[name].group or "") if name in entries else "",
                )
                for name in agreement.services
            ),
        )
    )
    blocks.extend(_holiday_blocks(agreement))
    if agreement.fees:
        blocks.append(Heading(2, "Fees per service"))
        blocks.append(
            Table(
                ("service", "fee per period"),
                (
                    *((name, str(agreement.fee_of(name))) for name in agreement.services),
                    ("total", str(agreement.total_fee())),
                ),
            )
        )
    blocks.extend(_tier_blocks(agreement.tier, 2))
    if agreement.reporting is not None:
        blocks.append(Heading(2, "Reporting"))
        blocks.append(Para(agreement.reporting.describe().capitalize() + "."))
    if agreement.amendments:
        blocks.append(Heading(2, "Versions"))
        versions = agreement.versions()
        blocks.append(Items((versions[0].describe() + ".",)))
        for before, after in itertools.pairwise(versions):
            changes = version_changes(before.agreement, after.agreement)
            blocks.append(Para(f"{after.describe()}:"))
            blocks.append(Items(tuple(changes) or ("No change to the terms.",)))
        for before, after in itertools.pairwise(versions):
            if after.agreement.tier != before.agreement.tier:
                blocks.extend(_tier_blocks(after.agreement.tier, 3, f", from {after.label} on"))
    return blocks


# --- output -------------------------------------------------------------------------------


def render_schedule(agreement: Agreement, format: Style = "md") -> str:
    """Return the agreement as a schedule a person can read, in Markdown or HTML.

    Args:
        agreement: the agreement to render.
        format: ``"md"`` (Markdown, default) or ``"html"`` (a standalone page).
    """
    blocks = _blocks(agreement)
    if format == "md":
        return markdown(blocks)
    given: str = format
    if given != "html":
        from slakit.exceptions import DefinitionError

        raise DefinitionError(f"format={format!r} must be 'md' or 'html'")
    return page(blocks, agreement.title)


def compare_tiers(tiers: Sequence[Tier]) -> str:
    """Return tiers side by side as a Markdown table: fee, each objective, each credit rule."""
    rows: list[tuple[str, list[str]]] = [("fee", [_fee_words(t) for t in tiers])]
    if any(t.billing is not None for t in tiers):
        rows.append(("billed", [_cycle_words(t.billing) for t in tiers]))
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
            cells.append("; ".join(parts) or rule_words(tier.compensation))
        rows.append(("credits", cells))
    rows.append(("no data", [t.no_data for t in tiers]))
    header = "| | " + " | ".join(t.name for t in tiers) + " |"
    lines = [header, "| --- | " + " | ".join("---" for _ in tiers) + " |"]
    lines.extend(
        f"| {md_cell(name)} | " + " | ".join(md_cell(c) for c in cells) + " |"
        for name, cells in rows
    )
    return "\n".join(lines)
