"""Compensation rules: how a measured value turns into a service credit."""

from __future__ import annotations

import abc
import itertools
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Final, Literal, cast

import attrs

from slakit._dsl._measures import Measure
from slakit._dsl._uptime import Uptime
from slakit._node import DSLRepr, node, shown
from slakit._ratio import format_percent, ratio
from slakit.exceptions import DefinitionError

__all__ = [
    "Band",
    "Base",
    "Bound",
    "Charges",
    "CreditRule",
    "CreditSchedule",
    "Fee",
    "charges",
    "credit_schedule",
    "down_time_effect",
    "fee",
    "first_non_monotone",
    "split_interval",
]

DownTimeEffect = Literal["none", "lowers", "unknown"]


def down_time_effect(measure: Measure) -> DownTimeEffect:
    """Return how more down time moves the value of ``measure``.

    Uptime falls (``"lowers"``); an incident statistic may move either way
    (``"unknown"``: a longer outage can join two incidents into one); any other
    measure reads no outages (``"none"``).
    """
    from slakit._dsl._incidents import IncidentMeasure

    if isinstance(measure, IncidentMeasure):
        return "unknown"
    return "lowers" if isinstance(measure, Uptime) else "none"


def first_non_monotone(rules: Iterable[CreditRule]) -> CreditRule | None:
    """Return the first part of ``rules`` that may pay less for more down time, or ``None``."""
    for rule in rules:
        part = rule.non_monotone_part()
        if part is not None:
            return part
    return None


@attrs.frozen
class Bound:
    """One end of a band: a ``Decimal`` ratio and whether the band includes it."""

    value: Decimal
    inclusive: bool


@attrs.frozen(repr=False)
class Band(DSLRepr):
    """A range of measured values and the credit, as a share of the fee, that it earns.

    ``lower`` or ``upper`` is ``None`` for an open end (minus or plus infinity).
    """

    lower: Bound | None
    upper: Bound | None
    credit: Decimal

    def __attrs_post_init__(self) -> None:
        lo, hi = self.lower, self.upper
        if (
            lo is not None
            and hi is not None
            and (
                lo.value > hi.value
                or (lo.value == hi.value and not (lo.inclusive and hi.inclusive))
            )
        ):
            raise DefinitionError(
                f"band {self.interval()} is empty: its lower bound is not below its upper"
            )

    def contains(self, value: Fraction) -> bool:
        """Return whether the exact ``value`` lies in the band."""
        if self.lower is not None:
            lo = Fraction(self.lower.value)
            if value < lo or (value == lo and not self.lower.inclusive):
                return False
        if self.upper is not None:
            hi = Fraction(self.upper.value)
            if value > hi or (value == hi and not self.upper.inclusive):
                return False
        return True

    def interval(self, fmt: Callable[[Decimal], str] = format_percent) -> str:
        """Return the band in interval notation, such as ``'[99%, 99.99%)'``."""
        lo = (
            "(-inf"
            if self.lower is None
            else (("[" if self.lower.inclusive else "(") + fmt(self.lower.value))
        )
        hi = (
            "+inf)"
            if self.upper is None
            else (fmt(self.upper.value) + ("]" if self.upper.inclusive else ")"))
        )
        return f"{lo}, {hi}"

    def describe(self, fmt: Callable[[Decimal], str] = format_percent) -> str:
        """Return the band's condition in words, such as ``'at least 99% and below 99.99%'``."""
        parts = []
        if self.lower is not None:
            word = "at least" if self.lower.inclusive else "above"
            parts.append(f"{word} {fmt(self.lower.value)}")
        if self.upper is not None:
            word = "at most" if self.upper.inclusive else "below"
            parts.append(f"{word} {fmt(self.upper.value)}")
        return " and ".join(parts) if parts else "any value"

    def __repr__(self) -> str:
        return f"Band({self.interval()!r} -> {format_percent(self.credit)!r})"


class CreditRule(DSLRepr, abc.ABC):
    """The base of compensation rules.

    Rules compose: ``a + b`` (or [`total()`][slakit.total]) pays both, ``a | b``
    (or [`largest()`][slakit.largest]) pays the larger, [`first()`][slakit.first] pays
    the first that gives a credit. Operators build flat trees, so
    ``a + (b + c) == (a + b) + c``.
    """

    __slots__ = ()

    @abc.abstractmethod
    def measures(self) -> tuple[Measure, ...]:
        """Return the measures whose values the rule needs."""

    def children(self) -> tuple[CreditRule, ...]:
        """Return the rules this rule combines (none for a leaf)."""
        return ()

    def monotone(self) -> bool:
        """Return whether more down time never lowers the rule's credit, by its construction.

        This is the promise [`check_monotone()`][slakit.testing.check_monotone]
        tests; [`non_monotone_part()`][slakit.CreditRule.non_monotone_part] names
        the part that breaks it.
        """
        return self.non_monotone_part() is None

    def non_monotone_part(self) -> CreditRule | None:
        """Return the part of the rule that may pay less for more down time, or ``None``.

        A rule promises nothing unless its class says so: by default the part is
        the rule itself (first-match, order, bonus, history, claims, remedies
        without money). Sums, largest-of, floors, caps per period and constant
        scales promise what their rules promise.
        """
        return self

    def currencies(self) -> frozenset[str]:
        """Return the currencies of the amounts written in this rule and its children."""
        out: frozenset[str] = frozenset()
        for child in self.children():
            out |= child.currencies()
        return out

    def __add__(self, other: object) -> CreditRule:
        if not isinstance(other, CreditRule):
            return NotImplemented
        from slakit._dsl._combinators import total

        return total(self, other)

    def __or__(self, other: object) -> CreditRule:
        if not isinstance(other, CreditRule):
            return NotImplemented
        from slakit._dsl._combinators import largest

        return largest(self, other)

    def __bool__(self) -> bool:
        raise TypeError(
            f"the truth of {self!r} is ambiguous: a credit rule is a rule, not an amount; "
            "evaluate the agreement to learn what it pays"
        )


class Base(DSLRepr, abc.ABC):
    """What a share-of-fee credit is a share of: the tier's fee, or charges from billing data."""

    __slots__ = ()

    @abc.abstractmethod
    def describe(self) -> str:
        """Return the base in words."""


@node("fee")
@attrs.frozen
class Fee(Base):
    """The tier's fee for the affected service and period, pro-rated for a partial period."""

    def describe(self) -> str:
        """Return the base in words."""
        return "the tier's fee"


def _kinds(value: object) -> tuple[str, ...]:
    items: tuple[object, ...] = (
        (value,) if isinstance(value, str) else tuple(cast("Iterable[object]", value))
    )
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise DefinitionError(
                f"charge kind {item!r} must be a name such as 'usage', 'upfront' or 'support'"
            )
    return cast("tuple[str, ...]", items)


@node("charges")
@attrs.frozen
class Charges(Base):
    """The charges billed for the affected service and period, from billing data.

    ``kinds`` names the kinds counted (all kinds when empty); ``excluding``
    names kinds left out, such as upfront payments.
    """

    kinds: tuple[str, ...] = attrs.field(default=(), converter=_kinds, metadata=shown(spread=True))
    excluding: tuple[str, ...] = attrs.field(default=(), converter=_kinds)

    def __attrs_post_init__(self) -> None:
        both = set(self.kinds) & set(self.excluding)
        if both:
            raise DefinitionError(
                f"charges(...) both counts and excludes {sorted(both)!r}; name each kind once"
            )

    def counts(self, kind: str) -> bool:
        """Return whether charges of ``kind`` are part of the base."""
        if kind in self.excluding:
            return False
        return not self.kinds or kind in self.kinds

    def describe(self) -> str:
        """Return the base in words."""
        kinds = ", ".join(self.kinds) if self.kinds else "all"
        text = f"the charges billed ({kinds})"
        if self.excluding:
            text += f" excluding {', '.join(self.excluding)}"
        return text


#: The default base: the tier's fee.
FEE = Fee()


def fee() -> Fee:
    """Return the tier's fee as the base of a credit (the default base)."""
    return Fee()


def charges(*kinds: str, excluding: str | tuple[str, ...] | list[str] = ()) -> Charges:
    """Return the charges billed for the service and period as the base of a credit.

    The charges come from billing data given beside the events (a
    [`ChargeTable`][slakit.ChargeTable], or [`Charge`][slakit.Charge] records). A
    credited service without billing data for the period is an error, never
    a zero base.

    >>> charges("usage", "support")
    charges('usage', 'support')
    >>> charges(excluding="upfront")
    charges(excluding=['upfront'])
    """
    return Charges(kinds=kinds, excluding=tuple(_kinds(excluding)))


def check_base(value: object) -> Base:
    """Return ``value`` if it is a base, else raise a ``DefinitionError``."""
    if not isinstance(value, Base):
        raise DefinitionError(f"base={value!r} must be fee() or charges(...)")
    return value


#: The longest band text (a key of a credit table), in characters: parsing takes bounded time.
MAX_BAND_TEXT: Final = 200
_INF = {"-inf", "-∞", "+inf", "inf", "∞", "+∞"}
_OPERATORS = ("<=", ">=", "<", ">")


@attrs.frozen
class _Key:
    """A credit table key split into its parts: a threshold or an interval, as written."""

    form: Literal["threshold", "interval"]
    opening: str  # the operator of a threshold, or "[" / "("
    lower: str  # the threshold's value, or the interval's lower bound
    upper: str = ""
    closing: str = ""


def _split_key(key: object) -> _Key | None:
    """Return the parts of a band key (``"< 99.9%"``, ``"[99%, 99.9%)"``), or ``None``.

    A hand tokenizer, linear in the length of the text (which is bounded
    first): no regular expression can backtrack on a hostile key.

    Raises:
        DefinitionError: the key is longer than ``MAX_BAND_TEXT`` characters.
    """
    if not isinstance(key, str):
        return None
    if len(key) > MAX_BAND_TEXT:
        raise DefinitionError(
            f"credit table key {key[:40]!r}... is {len(key):,} characters long; a band is at "
            f"most {MAX_BAND_TEXT} characters, such as '< 99.9%' or '[99%, 99.9%)'",
            name="credit table key",
            value=key,
        )
    text = key.strip()
    for op in _OPERATORS:
        if text.startswith(op):
            value = text[len(op) :].strip()
            return _Key("threshold", op, value) if value else None
    if len(text) < 2 or text[0] not in "[(" or text[-1] not in "])":
        return None
    parts = text[1:-1].split(",")
    if len(parts) != 2:
        return None
    lower, upper = parts[0].strip(), parts[1].strip()
    if not lower or not upper:
        return None
    return _Key("interval", text[0], lower, upper, text[-1])


def split_interval(text: object) -> tuple[str, str, str, str] | None:
    """Return ``(opening, lower, upper, closing)`` of an interval such as ``'[99%, 99.9%)'``.

    ``None`` when ``text`` is not an interval. Linear in the length of the
    text, which is bounded first.

    Raises:
        DefinitionError: ``text`` is longer than ``MAX_BAND_TEXT`` characters.
    """
    parts = _split_key(text)
    if parts is None or parts.form != "interval":
        return None
    return parts.opening, parts.lower, parts.upper, parts.closing


def _parse_interval(key: str, measure: Measure) -> tuple[Bound | None, Bound | None]:
    parts = _split_key(key)
    assert parts is not None
    opening, lo_text, hi_text, closing = parts.opening, parts.lower, parts.upper, parts.closing
    lower = (
        None if lo_text in _INF else Bound(measure.coerce(lo_text, name="bound"), opening == "[")
    )
    upper = (
        None if hi_text in _INF else Bound(measure.coerce(hi_text, name="bound"), closing == "]")
    )
    if lower is None and opening == "[":
        raise DefinitionError(f"band {key!r}: an infinite bound is always open; write '(-inf'")
    if upper is None and closing == "]":
        raise DefinitionError(f"band {key!r}: an infinite bound is always open; write '+inf)'")
    return lower, upper


def _bands_from_thresholds(table: Mapping[str, object], measure: Measure) -> list[Band]:
    """Turn ``{"< 99.99%": "10%", "< 99%": "30%"}`` into adjoining bands."""
    parsed = []
    for key, credit in table.items():
        parts = _split_key(key)
        assert parts is not None
        parsed.append(
            (
                parts.opening,
                measure.coerce(parts.lower, name="bound"),
                ratio(credit, name="credit"),
                key,
            )
        )
    directions = {op[0] for op, *_ in parsed}
    if len(directions) != 1:
        raise DefinitionError(
            f"credit table {dict(table)!r} mixes '<' and '>' thresholds; use one direction, "
            "or write explicit intervals such as '[99%, 99.9%)'"
        )
    below = directions == {"<"}
    # Order from the mildest threshold to the most severe.
    parsed.sort(key=lambda item: item[1], reverse=below)
    values = [item[1] for item in parsed]
    if len(set(values)) != len(values):
        raise DefinitionError(f"credit table {dict(table)!r} names the same threshold twice")
    for (_, _, mild, mild_key), (_, _, severe, severe_key) in itertools.pairwise(parsed):
        if severe < mild:
            raise DefinitionError(
                f"credit table {dict(table)!r} is unordered: {severe_key!r} pays "
                f"{format_percent(severe)}, less than the milder {mild_key!r} "
                f"({format_percent(mild)}); fix the table, or write explicit intervals "
                "if a worse value really earns less"
            )
    bands = []
    for i, (op, value, credit, _key) in enumerate(parsed):
        this = Bound(value, inclusive=op in ("<=", ">="))
        nxt = None
        if i + 1 < len(parsed):
            nop, nvalue = parsed[i + 1][0], parsed[i + 1][1]
            nxt = Bound(nvalue, inclusive=nop in ("<", ">"))  # the complement of the next bound
        bands.append(Band(nxt, this, credit) if below else Band(this, nxt, credit))
    return bands


def _check_bands(bands: list[Band]) -> list[Band]:
    def low_key(band: Band) -> tuple[int, Decimal, int]:
        if band.lower is None:
            return (0, Decimal(0), 0)
        return (1, band.lower.value, 0 if band.lower.inclusive else 1)

    ordered = sorted(bands, key=low_key)
    for a, b in itertools.pairwise(ordered):
        if a.upper is None or b.lower is None:
            raise DefinitionError(f"bands {a.interval()} and {b.interval()} overlap")
        if a.upper.value > b.lower.value or (
            a.upper.value == b.lower.value and a.upper.inclusive and b.lower.inclusive
        ):
            raise DefinitionError(
                f"bands {a.interval()} and {b.interval()} overlap; make one bound exclusive"
            )
    return ordered


@node("credit_schedule")
@attrs.frozen(repr=False)
class CreditSchedule(CreditRule):
    """A tiered credit table: the band the measured value falls in gives a share of the fee.

    Build it with [`credit_schedule()`][slakit.credit_schedule]. A value in no band, but between the
    lowest and highest bound, falls in a *gap* in the schedule: no credit is
    invented for it, and the report carries a "schedule gap" diagnostic.
    """

    measure: Measure
    bands: tuple[Band, ...]
    base: Base = attrs.field(default=FEE, kw_only=True, converter=check_base)

    def measures(self) -> tuple[Measure, ...]:
        """Return the one measure the schedule reads."""
        return (self.measure,)

    def non_monotone_part(self) -> CreditRule | None:
        """Return the schedule if more down time may earn less: a lower uptime, a smaller credit.

        Incident statistics move either way with down time; measures that read
        no outages never move.
        """
        effect = down_time_effect(self.measure)
        if effect == "lowers":
            credits = [b.credit for b in self.bands]  # ordered by lower bound, low values first
            return None if credits == sorted(credits, reverse=True) else self
        return None if effect == "none" else self

    def band_for(self, value: Fraction) -> Band | None:
        """Return the band that holds ``value``, or ``None``."""
        for band in self.bands:
            if band.contains(value):
                return band
        return None

    def is_gap(self, value: Fraction) -> bool:
        """Return whether ``value`` lies in no band but inside the schedule's overall range."""
        if self.band_for(value) is not None:
            return False
        # The bands are sorted and disjoint: the schedule spans from the first band's lower
        # bound to the last band's upper bound, each inclusive or exclusive as written.
        hull = Band(self.bands[0].lower, self.bands[-1].upper, Decimal(0))
        return hull.contains(value)

    def __repr__(self) -> str:
        fmt = self.measure.format_value
        table = ", ".join(f"{b.interval(fmt)!r}: {format_percent(b.credit)!r}" for b in self.bands)
        base = "" if isinstance(self.base, Fee) else f", base={self.base!r}"
        return f"credit_schedule({self.measure!r}, {{{table}}}{base})"


def credit_schedule(
    measure: Measure, table: Mapping[str, object], *, base: Base = FEE
) -> CreditSchedule:
    """Return a tiered credit table for ``measure``, each credit a share of the fee.

    Write the table with thresholds, where each band runs to the next
    threshold (every bound then says itself whether it is inclusive)::

        credit_schedule(uptime, {"< 99.99%": "10%", "< 99.0%": "30%", "< 95.0%": "100%"})

    or with explicit intervals, ``[`` and ``]`` inclusive, ``(`` and ``)`` exclusive::

        credit_schedule(
            uptime, {"[99%, 99.99%)": "10%", "[95%, 99%)": "30%", "(-inf, 95%)": "100%"}
        )

    ``base`` is what the shares are of: the tier's fee (default), or
    ``charges(...)`` from billing data.

    Raises:
        DefinitionError: a key is neither form, bands overlap, a threshold
            table is unordered (a worse value earns less), or a credit is
            outside 0%-100%.
    """
    given: object = measure
    if not isinstance(given, Measure):
        raise DefinitionError(f"measure={measure!r} must be a measure such as uptime(...)")
    rows: object = table
    if not isinstance(rows, Mapping) or not rows:
        raise DefinitionError(f"table={table!r} must be a non-empty mapping of bands to credits")
    forms = set()
    for key in table:
        parts = _split_key(key)
        if parts is None:
            raise DefinitionError(
                f"credit table key {key!r} is neither a threshold such as '< 99.9%' nor an "
                "interval such as '[99%, 99.9%)'",
                name="credit table key",
                value=key,
            )
        forms.add(parts.form)
    if forms == {"threshold"}:
        bands = _bands_from_thresholds(table, measure)
    elif forms == {"interval"}:
        bands = []
        for key, credit in table.items():
            lower, upper = _parse_interval(key, measure)
            bands.append(Band(lower, upper, ratio(credit, name=f"credit for {key!r}")))
    else:
        raise DefinitionError(
            f"credit table {dict(table)!r} mixes thresholds and intervals; use one form"
        )
    return CreditSchedule(measure, tuple(_check_bands(bands)), base=base)
