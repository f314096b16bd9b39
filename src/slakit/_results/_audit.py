"""A clause audit's result: what each clause of an agreement did to its credits over a history."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import attrs

from slakit._results._document import (
    Block,
    Heading,
    Items,
    Para,
    Section,
    Table,
    markdown,
    page,
    text,
)
from slakit._results._values import fraction_text, money_text

__all__ = ["Clause", "ClauseAudit", "ClauseEffect", "Flag"]


@attrs.frozen
class Clause:
    """One clause of an agreement that can be taken out to see what it does.

    ``key`` names it where it is (``"uptime: excluding[0]"``), ``kind`` says what
    sort of clause it is (an exclusion, an exclusion's condition, a minimum
    duration, a bucket rule, a service window, a cap, a floor, a claim clause,
    no-data handling, rounding), ``description`` says it in words.
    """

    key: str
    kind: str
    description: str


@attrs.frozen
class ClauseEffect:
    """What one clause did over the history: the credits it removed, and where.

    Attributes:
        clause: the clause.
        removed: the credits the clause removed (the exact total without it less
            the exact total with it); negative where it added credits.
        by_period: ``removed`` period by period.
        decided: the periods where it changed the outcome: a credit or a verdict.
        units: the misses it took out of the measure (seconds of down time for
            measures of time, else the measure's units), over every service and
            period; ``None`` where it acts on money only.
        events: input rows counted without the clause and not with it.
    """

    clause: Clause
    removed: Fraction
    by_period: tuple[tuple[str, Fraction], ...]
    decided: tuple[str, ...]
    units: Fraction | None
    events: int


@attrs.frozen
class Flag:
    """A term that favours one side structurally, with the evidence."""

    kind: str
    text: str
    favours: str = "provider"


@attrs.frozen(eq=False)
class ClauseAudit:
    """An agreement's clauses against a history of inputs. See [`audit()`][slakit.audit].

    The figures add up exactly: the credits paid, plus what each clause removed,
    plus the interaction remainder, equal what would have been paid without
    any of the clauses (``without_all``).

    Attributes:
        title: the agreement's title.
        currency: the currency of every amount.
        periods: the periods of the history.
        paid: the credits paid per period (rounded, as the agreement says).
        without_all: the exact credits per period with every clause taken out.
        effects: each clause's effect, rounding included (its effect is the
            exact total less the rounded one).
        interaction: what the clauses do together beyond the sum of each alone
            (``total_difference`` less the effects).
        flags: terms that favour one side structurally.
        method: how attribution was done, in words.
    """

    title: str
    currency: str
    periods: tuple[str, ...]
    paid: tuple[Fraction, ...]
    without_all: tuple[Fraction, ...]
    effects: tuple[ClauseEffect, ...]
    interaction: Fraction
    flags: tuple[Flag, ...]
    method: str

    @property
    def total_paid(self) -> Fraction:
        """The credits paid over the history."""
        return sum(self.paid, Fraction(0))

    @property
    def total_difference(self) -> Fraction:
        """What would have been paid without any clause, less what was paid."""
        return sum(self.without_all, Fraction(0)) - self.total_paid

    def effect(self, key: str) -> ClauseEffect:
        """Return the effect of the clause ``key``."""
        for effect in self.effects:
            if effect.clause.key == key:
                return effect
        raise KeyError(f"no clause {key!r}: {', '.join(e.clause.key for e in self.effects)}")

    def _money(self, value: Fraction) -> str:
        return money_text(value, self.currency)

    def blocks(self) -> tuple[Block, ...]:
        """Return the audit as document blocks (see ``to_markdown()``, ``to_html()``)."""
        rows = []
        for effect in sorted(self.effects, key=lambda e: (-e.removed, e.clause.key)):
            units = "-" if effect.units is None else fraction_text(effect.units)
            rows.append(
                (
                    effect.clause.key,
                    effect.clause.description,
                    effect.clause.kind,
                    self._money(effect.removed),
                    str(len(effect.decided)),
                    units,
                    str(effect.events),
                )
            )
        rows.append(
            (
                "interaction",
                "the clauses together, beyond each alone",
                "",
                self._money(self.interaction),
                "",
                "",
                "",
            )
        )
        rows.append(("total", "", "", self._money(self.total_difference), "", "", ""))
        out: list[Block] = [
            Heading(1, f"Clause audit: {self.title}"),
            Para(
                f"Periods {self.periods[0]} to {self.periods[-1]} ({len(self.periods)}): "
                f"paid **{self._money(self.total_paid)}**; without any of the clauses below "
                f"**{self._money(sum(self.without_all, Fraction(0)))}**. A clause's figure is "
                "the credits it removed (negative: it added credits); misses in the measure's "
                "units (seconds for time); rows that count without it and not with it."
            ),
            Table(
                (
                    "clause",
                    "what it says",
                    "kind",
                    "credits removed",
                    "periods decided",
                    "misses removed",
                    "rows",
                ),
                tuple(rows),
                numeric=(3, 4, 5, 6),
            ),
            Para(f"How: {self.method}.", tone="note"),
        ]
        if self.flags:
            out.append(
                Section(
                    2,
                    "Terms that favour one side",
                    (
                        Items(
                            tuple(
                                f"**{f.kind}** (favours the {f.favours}): {f.text}"
                                for f in self.flags
                            )
                        ),
                    ),
                )
            )
        return tuple(out)

    def to_markdown(self) -> str:
        """Return the audit as Markdown: clauses by the credits they removed, then the flags."""
        return markdown(self.blocks())

    def explain(self) -> str:
        """Return the audit as plain text."""
        return text(self.blocks())

    def to_html(self) -> str:
        """Return the audit as one self-contained HTML page (as the statements are)."""
        return page(self.blocks(), f"Clause audit: {self.title}")

    def to_dict(self) -> dict[str, Any]:
        """Return the audit as plain data (exact amounts as fractions in text)."""

        def pairs(values: Sequence[Fraction]) -> dict[str, str]:
            return {p: str(v) for p, v in zip(self.periods, values, strict=True)}

        return {
            "title": self.title,
            "currency": self.currency,
            "periods": list(self.periods),
            "paid": pairs(self.paid),
            "without_all": pairs(self.without_all),
            "total_paid": str(self.total_paid),
            "total_difference": str(self.total_difference),
            "interaction": str(self.interaction),
            "method": self.method,
            "clauses": [
                {
                    "key": e.clause.key,
                    "kind": e.clause.kind,
                    "description": e.clause.description,
                    "removed": str(e.removed),
                    "by_period": {p: str(v) for p, v in e.by_period},
                    "decided": list(e.decided),
                    "units": None if e.units is None else str(e.units),
                    "events": e.events,
                }
                for e in self.effects
            ],
            "flags": [{"kind": f.kind, "text": f.text, "favours": f.favours} for f in self.flags],
        }
