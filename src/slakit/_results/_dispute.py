"""A dispute: one agreement over two evidence sources, and where they disagree.

[`dispute()`][slakit.dispute] evaluates an agreement twice for one period, over
*ours* (say, the provider's monitoring) and over *theirs* (the customer's), and
returns a [`Dispute`][slakit.Dispute]: for each service, the credit each side's
data implies and their difference, and for each measure of time the spans where
the two sides' evidence disagrees, with what each span is worth.

Every instant of the measured part of the period is in one state on each side,
read from that side's evidence: ``down`` (counted down time), ``excluded``
(taken out or accounted for by an exclusion clause), ``up`` (eligible and not
down) or ``not eligible`` (outside the service hours, or while the service was
not deployed). A *disputed span* is a longest span over which both sides keep
one state each and the two states differ. Spans are half-open, ``[start, end)``,
in integer microseconds UTC.

Money:

- **The difference** of a service is ``theirs' credit - ours' credit``, exact (a
  ``Fraction``), and rounded once with the agreement's rounding for display.
  The **total at stake** is ``theirs' exact total - ours' exact total``, rounded
  once; it may differ from the difference of the two rounded totals by the
  rounding step.
- **The worth** of a disputed span is the change in ours' total credit when
  ours' events of that service over that span are replaced by theirs': ours'
  outages, maintenance notices and deployments of the service (and of the
  services its measures combine) are cut at the span's bounds, theirs' inside
  the span are put in their place (a notice keeps its lead time), and the
  agreement is evaluated again. A positive worth means theirs' view of the span
  pays more. Credit tables pay by bands, so worths do not add up: two spans that
  each leave the uptime in its band may cross the band together, and a span
  alone may be worth nothing while the difference of the credits is not.

This module holds the result and its renderings (HTML with a two-lane chart
per disputed measure, Markdown, text and JSON); the evaluation is in
``slakit._engine._dispute``.

Each disputed measure of each service has one chart of both sides (`dispute_svg()`),
over the time around its disputed spans (their hull, widened by a quarter of its
length and at least an hour on each side) or over all the measured time when the
spans are spread over more than half of it (`chart_range()`). The chart follows
the conventions of ``_charts``: every mark is exactly one SVG element with one of
these classes, so a test can count them (``.mark.excluded`` matches both sides'):

| class | element | one per |
| --- | --- | --- |
| `mark outside` | `rect` | span outside service hours (light grey, across both lanes) |
| `mark excluded ours` | `rect` | span ours excludes (white, dashed outline, in ours' lane) |
| `mark excluded theirs` | `rect` | span theirs excludes (white, dashed outline, theirs' lane) |
| `mark both` | `rect` | span both count as down (near black, across both lanes) |
| `mark ours-only` | `rect` | span only ours counts as down (mid grey, in ours' lane) |
| `mark theirs-only` | `rect` | span only theirs counts as down (mid grey, in theirs' lane) |

Ours' lane lies above theirs', each labelled at its left (class ``lane-label``).
Layers differ by lightness, outline and lane, never by hue, and need no pattern
(so no ``url()`` reference); every ``id`` is prefixed with the chart's ``ident``.
Other classes follow ``_charts``: ``chart dispute`` (the root), ``heading``,
``band``, ``band-outline``, ``layer <name>``, ``axis``, ``tick``,
``tick-label``, ``caption``, ``legend``, ``swatch <layer>``, ``legend-label``.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from slakit._results._charts import (
    _AXIS,
    _DOWN,
    _LEFT,
    _OUTLINE,
    _OUTSIDE,
    _PLOT_W,
    _SMALL,
    Spans,
    _check_ident,
    _clipped,
    _Entry,
    _legend,
    _num,
    _open,
    _range,
    _rects,
    _spans,
    _text,
    _time_axis,
    _TimeAxis,
)
from slakit._results._credit_statement import _Clock
from slakit._results._document import Block, Facts, Figure, Heading, Items, Para, Section, Table
from slakit._results._document import markdown as markdown_of
from slakit._results._document import page as page_of
from slakit._results._document import text as text_of
from slakit._results._values import money_text
from slakit._time._instant import US_PER_DAY, US_PER_HOUR, US_PER_MINUTE, format_us, zone
from slakit._time._timeline import Timeline

if TYPE_CHECKING:
    from slakit._dsl._agreement import Agreement
    from slakit._dsl._measures import Measure
    from slakit._money import Money, Rounding
    from slakit._time._periods import Period

__all__ = [
    "DISPUTE_FORM",
    "STATES",
    "Dispute",
    "DisputedSpan",
    "MeasureDispute",
    "ServiceDispute",
    "SideView",
    "chart_range",
    "dispute_blocks",
    "dispute_svg",
    "dispute_title",
    "length_text",
]

#: The version of ``Dispute.to_dict()``'s form.
DISPUTE_FORM = "slakit-dispute/1"

#: The states an instant is in on one side, in the order they take precedence.
STATES = ("down", "excluded", "up", "not eligible")


# --- the values -------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class SideView:
    """What one side's evidence says of one service in one measure of time.

    Attributes:
        down: the counted down time.
        excluded: the time an exclusion clause took out or accounted for.
        eligible: the eligible time (the denominator).
        value: the measured value, exact (``None``: no data).
    """

    down: Timeline
    excluded: Timeline
    eligible: Timeline
    value: Fraction | None

    def states(self, within: Timeline) -> dict[str, Timeline]:
        """Return the time ``within`` in each of `STATES`: a partition of ``within``."""
        down = self.down & within
        excluded = (self.excluded & within) - down
        up = ((self.eligible & within) - down) - excluded
        rest = ((within - down) - excluded) - up
        return {"down": down, "excluded": excluded, "up": up, "not eligible": rest}


@attrs.frozen(kw_only=True)
class DisputedSpan:
    """A longest span over which the two sides' states are constant and differ.

    Attributes:
        service: the service.
        measure: the label of the measure of time whose evidence disagrees.
        start: the first instant, microseconds since the epoch (UTC).
        end: the end (excluded).
        ours: ours' state over the span, one of `STATES`.
        theirs: theirs' state over the span.
        worth: the change in ours' exact total credit when ours' events of the
            service over the span are replaced by theirs' (see the module's
            notes); ``None`` when it was not computed.
    """

    service: str
    measure: str
    start: int
    end: int
    ours: str
    theirs: str
    worth: Fraction | None = None

    @property
    def length_us(self) -> int:
        """The span's length in microseconds."""
        return self.end - self.start

    @property
    def kind(self) -> str:
        """``"ours only"``, ``"theirs only"`` (down time), ``"excluded by ours only"``, ...

        Down time decides first: a span ours counts as down and theirs excludes is
        ``"ours only"``; then exclusions; else ``"eligibility"`` (one side counts the
        time as eligible, the other not).
        """
        if self.ours == "down":
            return "ours only"
        if self.theirs == "down":
            return "theirs only"
        if self.ours == "excluded":
            return "excluded by ours only"
        if self.theirs == "excluded":
            return "excluded by theirs only"
        return "eligibility"


@attrs.frozen(kw_only=True)
class MeasureDispute:
    """The two sides' evidence of one service in one measure of time, and the disputed spans."""

    service: str
    measure: Measure
    ours: SideView
    theirs: SideView
    outside: Timeline
    spans: tuple[DisputedSpan, ...]

    @property
    def ours_only(self) -> Timeline:
        """Down time ours counts and theirs does not."""
        return self.ours.down - self.theirs.down

    @property
    def theirs_only(self) -> Timeline:
        """Down time theirs counts and ours does not."""
        return self.theirs.down - self.ours.down

    @property
    def both(self) -> Timeline:
        """Down time both sides count."""
        return self.ours.down & self.theirs.down

    @property
    def excluded_ours_only(self) -> Timeline:
        """Time ours excludes and theirs does not."""
        return self.ours.excluded - self.theirs.excluded

    @property
    def excluded_theirs_only(self) -> Timeline:
        """Time theirs excludes and ours does not."""
        return self.theirs.excluded - self.ours.excluded

    def lengths(self) -> dict[str, int]:
        """Return the length of each kind of time, in microseconds.

        Keys: ``ours_only``, ``theirs_only``, ``both`` (down time) and
        ``excluded_ours_only``, ``excluded_theirs_only``.
        """
        return {
            "ours_only": self.ours_only.measure(),
            "theirs_only": self.theirs_only.measure(),
            "both": self.both.measure(),
            "excluded_ours_only": self.excluded_ours_only.measure(),
            "excluded_theirs_only": self.excluded_theirs_only.measure(),
        }


@attrs.frozen(kw_only=True)
class ServiceDispute:
    """One service: the credit each side's data implies, and its measures of time compared.

    Attributes:
        service: the service.
        ours_credit: the exact credit ours' data implies for the service.
        theirs_credit: the exact credit theirs' data implies.
        measures: each measure of time that covers the service, compared.
        worth_by: how the worths of its spans were computed: ``"service"`` (the
            agreement restricted to this service), ``"agreement"`` (the whole
            agreement, whose services are coupled), or ``""`` (not computed).
    """

    service: str
    ours_credit: Fraction
    theirs_credit: Fraction
    measures: tuple[MeasureDispute, ...] = ()
    worth_by: str = ""

    @property
    def difference(self) -> Fraction:
        """``theirs_credit - ours_credit``, exact."""
        return self.theirs_credit - self.ours_credit

    @property
    def agrees(self) -> bool:
        """Whether both sides' data imply the same credit."""
        return self.ours_credit == self.theirs_credit

    @property
    def spans(self) -> tuple[DisputedSpan, ...]:
        """Every disputed span of every measure, measure by measure."""
        return tuple(span for m in self.measures for span in m.spans)

    @property
    def disputed(self) -> bool:
        """Whether the credits differ or some span is disputed."""
        return not self.agrees or bool(self.spans)


@attrs.frozen(kw_only=True, repr=False)
class Dispute:
    """One agreement over one period, evaluated over two evidence sources, compared.

    Build it with [`dispute()`][slakit.dispute]. The money is explained in the
    module's notes: each service's ``difference`` is exact, the ``stake`` is
    ``theirs_total - ours_total``, exact, and both are rounded once for display.

    Attributes:
        agreement: the agreement (with its amendments, if any).
        period: the period.
        start: the first instant measured (later than the period's start when
            the agreement took effect within it).
        end: the end of the measured time.
        services: every service of the agreement, in order.
        ours_total: ours' exact total credit.
        theirs_total: theirs' exact total credit.
        version: the label of the version in force, for an amended agreement.
        ours_source: what ours' data is, in words (file names), for the reader.
        theirs_source: what theirs' data is.
        uncounted: how many input rows no measure counted, ours' and theirs'.
        notes: how the figures were made, where it matters.
    """

    agreement: Agreement
    period: Period
    start: int
    end: int
    services: tuple[ServiceDispute, ...]
    ours_total: Fraction
    theirs_total: Fraction
    version: str = ""
    ours_source: str = ""
    theirs_source: str = ""
    uncounted: tuple[int, int] = (0, 0)
    notes: tuple[str, ...] = ()

    @property
    def currency(self) -> str:
        """The agreement's currency."""
        return self.agreement.tier.fee.currency

    @property
    def rounding(self) -> Rounding:
        """The agreement's rounding, applied once to each amount shown."""
        return self.agreement.rounding

    def rounded(self, value: Fraction) -> Money:
        """Return ``value`` rounded once with the agreement's rounding, as money."""
        return self.rounding.apply(value, self.currency)

    @property
    def stake(self) -> Fraction:
        """The total at stake: ``theirs_total - ours_total``, exact."""
        return self.theirs_total - self.ours_total

    @property
    def agrees(self) -> bool:
        """Whether both sides' data imply the same credit for every service."""
        return all(s.agrees for s in self.services) and self.stake == 0

    @property
    def disputed(self) -> tuple[ServiceDispute, ...]:
        """The services whose credits differ or that have disputed spans."""
        return tuple(s for s in self.services if s.disputed)

    def service(self, name: str) -> ServiceDispute:
        """Return the comparison of service ``name``.

        Raises:
            KeyError: the agreement does not cover ``name``.
        """
        for entry in self.services:
            if entry.service == name:
                return entry
        raise KeyError(f"{name!r} is not a service of this agreement")

    @property
    def spans(self) -> tuple[DisputedSpan, ...]:
        """Every disputed span, service by service."""
        return tuple(span for s in self.services for span in s.spans)

    # --- renderings ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Return the dispute as JSON-ready data.

        Exact amounts are strings (``"125/3"`` or ``"41.5"``), rounded ones
        decimal strings (``"41.67"``); lengths of time are integer microseconds
        (exact in JSON) under keys ending ``_us``; instants are ISO 8601 in UTC.
        """
        return _to_dict(self)

    def blocks(self, *, ident: str = "d") -> list[Block]:
        """Return the dispute as document blocks (``ident`` prefixes the charts' ids)."""
        return dispute_blocks(self, ident=ident)

    def to_markdown(self) -> str:
        """Return the dispute as Markdown: what ``to_html()`` says, charts as text."""
        return markdown_of(self.blocks())

    def to_text(self) -> str:
        """Return the dispute as plain text, with aligned tables and wrapped prose."""
        return text_of(self.blocks())

    def to_html(self) -> str:
        """Return the dispute as one self-contained HTML page with inline SVG charts."""
        return page_of(self.blocks(), dispute_title(self))

    def __repr__(self) -> str:
        return (
            f"<Dispute {self.agreement.title!r} {self.period.label}: "
            f"{len(self.disputed)} of {len(self.services)} services disputed, "
            f"ours {self.rounded(self.ours_total)}, theirs {self.rounded(self.theirs_total)}>"
        )


# --- JSON -------------------------------------------------------------------------------------


def _exact(value: Fraction) -> str:
    return str(value)


def _side_dict(view: SideView) -> dict[str, Any]:
    return {
        "value": None if view.value is None else _exact(view.value),
        "down_us": view.down.measure(),
        "excluded_us": view.excluded.measure(),
        "eligible_us": view.eligible.measure(),
    }


def _span_dict(span: DisputedSpan, dispute: Dispute) -> dict[str, Any]:
    return {
        "start": format_us(span.start),
        "end": format_us(span.end),
        "length_us": span.length_us,
        "ours": span.ours,
        "theirs": span.theirs,
        "kind": span.kind,
        "worth_exact": None if span.worth is None else _exact(span.worth),
        "worth": None if span.worth is None else str(dispute.rounded(span.worth).amount),
    }


def _to_dict(dispute: Dispute) -> dict[str, Any]:
    agreement = dispute.agreement
    period = dispute.period

    def money(value: Fraction) -> dict[str, str]:
        return {"exact": _exact(value), "amount": str(dispute.rounded(value).amount)}

    services = [
        {
            "service": entry.service,
            "agrees": entry.agrees,
            "ours_credit": money(entry.ours_credit),
            "theirs_credit": money(entry.theirs_credit),
            "difference": money(entry.difference),
            "worth_by": entry.worth_by,
            "measures": [
                {
                    "measure": repr(m.measure),
                    "label": m.measure.label,
                    "ours": _side_dict(m.ours),
                    "theirs": _side_dict(m.theirs),
                    **{f"{key}_us": us for key, us in m.lengths().items()},
                    "spans": [_span_dict(span, dispute) for span in m.spans],
                }
                for m in entry.measures
            ],
        }
        for entry in dispute.services
    ]
    return {
        "form": DISPUTE_FORM,
        "agreement": agreement.title,
        "provider": agreement.provider,
        "customer": agreement.customer,
        "tier": agreement.tier.name,
        "version": dispute.version or None,
        "period": {
            "label": period.label,
            "tz": period.tz,
            "start": format_us(period.start),
            "end": format_us(period.end),
        },
        "measured": {"start": format_us(dispute.start), "end": format_us(dispute.end)},
        "sources": {"ours": dispute.ours_source, "theirs": dispute.theirs_source},
        "currency": dispute.currency,
        "rounding": dispute.rounding.describe(),
        "agrees": dispute.agrees,
        "ours": money(dispute.ours_total),
        "theirs": money(dispute.theirs_total),
        "at_stake": money(dispute.stake),
        "uncounted_rows": {"ours": dispute.uncounted[0], "theirs": dispute.uncounted[1]},
        "services": services,
        "notes": list(dispute.notes),
    }


# --- documents --------------------------------------------------------------------------------


def dispute_title(dispute: Dispute) -> str:
    """Return the title: ``'Dispute: Acme Cloud / Globex, 2026-10'``."""
    return f"Dispute: {dispute.agreement.title}, {dispute.period.label}"


def length_text(us: int) -> str:
    """Return a length of time, exact and short: ``'1 h 5 min'``, ``'30 s'``, ``'0'``.

    >>> length_text(3_900_000_000), length_text(1_500_000), length_text(0)
    ('1 h 5 min', '1.5 s', '0')
    """
    if us == 0:
        return "0"
    parts = []
    rest = us
    for unit, name in ((US_PER_DAY, "d"), (US_PER_HOUR, "h"), (US_PER_MINUTE, "min")):
        count, rest = divmod(rest, unit)
        if count:
            parts.append(f"{count} {name}")
    seconds, micro = divmod(rest, 1_000_000)
    if micro:
        parts.append(f"{seconds}.{micro:06d}".rstrip("0") + " s")
    elif seconds:
        parts.append(f"{seconds} s")
    return " ".join(parts)


def _amount(value: Fraction, currency: str) -> str:
    """An exact amount without its currency (the column names it)."""
    return money_text(value, currency).removesuffix(f" {currency}")


def _signed(value: Fraction, currency: str) -> str:
    text = money_text(value, currency)
    return f"+{text}" if value > 0 else text


def _worth_text(span: DisputedSpan, currency: str) -> str:
    return "not computed" if span.worth is None else _signed(span.worth, currency)


def _side_name(dispute: Dispute, side: str) -> str:
    source = dispute.ours_source if side == "ours" else dispute.theirs_source
    return f"**{side}** (`{source}`)" if source else f"**{side}**"


def _header(dispute: Dispute, clock: _Clock) -> list[Block]:
    agreement = dispute.agreement
    period = dispute.period
    currency = dispute.currency
    stake = dispute.stake
    disputed = [s for s in dispute.services if not s.agrees]
    if dispute.agrees:
        verdict = "the two sides' data imply the same credit for every service"
    else:
        verdict = (
            f"the two sides' data imply different credits for {len(disputed)} of "
            f"{len(dispute.services)} service{'s' if len(dispute.services) != 1 else ''}"
        )
    facts = [
        ("Provider", agreement.provider),
        ("Customer", agreement.customer),
        ("Tier", agreement.tier.name),
    ]
    if dispute.version:
        facts.append(("Agreement", f"version {dispute.version}"))
    facts += [
        (
            "Period",
            (
                f"{period.label}: {clock.local(period.start)} to {clock.local(period.end)} "
                f"({period.tz} time)"
            ),
        ),
        ("Ours", dispute.ours_source or "the first evidence source"),
        ("Theirs", dispute.theirs_source or "the second evidence source"),
        ("Ours' credit", f"**{dispute.rounded(dispute.ours_total)}**"),
        ("Theirs' credit", f"**{dispute.rounded(dispute.theirs_total)}**"),
        (
            "At stake",
            (
                f"**{_signed_money(dispute, stake)}** (theirs - ours; exact "
                f"{money_text(stake, currency)}, rounded once)"
            ),
        ),
        ("Verdict", verdict),
    ]
    if dispute.start != period.start or dispute.end != period.end:
        facts.insert(
            5,
            (
                "Measured",
                (
                    f"{clock.local(dispute.start)} to {clock.local(dispute.end)}: the agreement "
                    "was in force for this part of the period"
                ),
            ),
        )
    return [
        Heading(1, f"Dispute: {agreement.title}"),
        Para(
            f"The credits of the period {period.label} under one agreement, computed from "
            f"two evidence sources, {_side_name(dispute, 'ours')} and "
            f"{_side_name(dispute, 'theirs')}, and every span where they disagree. Times are in "
            f"{period.tz}" + ("" if clock.utc else ", with UTC beside them") + "."
        ),
        Facts(tuple(facts)),
    ]


def _signed_money(dispute: Dispute, value: Fraction) -> str:
    money = dispute.rounded(value)
    return f"+{money}" if money.amount > 0 else str(money)


def _measured(m: MeasureDispute, view: SideView) -> str:
    return "no data" if view.value is None else m.measure.format_value(view.value)


def _credit_table(dispute: Dispute) -> Table:
    """One row per service: each side's measured values and credit, and the difference."""
    currency = dispute.currency
    header = (
        "service",
        "measured by ours",
        "measured by theirs",
        "ours' credit",
        "theirs' credit",
        "difference",
    )
    rows: list[tuple[str, ...]] = []
    marks: list[str] = []
    for entry in dispute.services:
        labelled = len(entry.measures) > 1
        ours = "; ".join(
            (f"{m.measure.label} " if labelled else "") + _measured(m, m.ours)
            for m in entry.measures
        )
        theirs = "; ".join(
            (f"{m.measure.label} " if labelled else "") + _measured(m, m.theirs)
            for m in entry.measures
        )
        rows.append(
            (
                entry.service,
                ours,
                theirs,
                _amount(entry.ours_credit, currency),
                _amount(entry.theirs_credit, currency),
                _amount(entry.difference, currency),
            )
        )
        marks.append("" if entry.agrees else "breached")
    rows.append(
        (
            "total",
            "",
            "",
            _amount(dispute.ours_total, currency),
            _amount(dispute.theirs_total, currency),
            _amount(dispute.stake, currency),
        )
    )
    marks.append("total")
    return Table(header, tuple(rows), numeric=(1, 2, 3, 4, 5), marks=tuple(marks))


_LENGTHS = ("ours_only", "theirs_only", "both", "excluded_ours_only", "excluded_theirs_only")


def _time_table(dispute: Dispute) -> Table | None:
    """One row per service and measure of time: the time in dispute, and the time agreed."""
    several = any(len(s.measures) > 1 for s in dispute.services)
    header = (
        "service",
        *(("measure",) if several else ()),
        "down, ours only",
        "down, theirs only",
        "down, both",
        "excluded, ours only",
        "excluded, theirs only",
    )
    rows: list[tuple[str, ...]] = []
    marks: list[str] = []
    totals = dict.fromkeys(_LENGTHS, 0)
    for entry in dispute.services:
        for m in entry.measures:
            lengths = m.lengths()
            for key in _LENGTHS:
                totals[key] += lengths[key]
            rows.append(
                (
                    entry.service,
                    *((m.measure.label,) if several else ()),
                    *(length_text(lengths[key]) for key in _LENGTHS),
                )
            )
            marks.append("breached" if m.spans else "")
    if not rows:
        return None
    rows.append(
        ("total", *(("",) if several else ()), *(length_text(totals[key]) for key in _LENGTHS))
    )
    marks.append("total")
    first = 2 if several else 1
    return Table(header, tuple(rows), numeric=tuple(range(first, len(header))), marks=tuple(marks))


def _summary(dispute: Dispute) -> list[Block]:
    currency = dispute.currency
    n_disputed = sum(1 for s in dispute.services if not s.agrees)
    blocks: list[Block] = [
        Heading(2, "Summary"),
        Para(
            f"Ours' data implies **{dispute.rounded(dispute.ours_total)}**, theirs' "
            f"**{dispute.rounded(dispute.theirs_total)}**: at stake "
            f"**{_signed_money(dispute, dispute.stake)}**. "
            + (
                "Both sides agree on every service's credit."
                if dispute.agrees
                else f"The credits differ for {n_disputed} service{'s' if n_disputed != 1 else ''}."
            )
        ),
        Heading(3, f"Credits ({currency})"),
        _credit_table(dispute),
        Para(
            "Credits are exact; each difference is theirs' credit less ours'. The total at "
            f"stake is theirs' exact total less ours', {money_text(dispute.stake, currency)}, "
            f"rounded once ({dispute.rounding.describe()}): "
            f"{_signed_money(dispute, dispute.stake)}."
        ),
    ]
    table = _time_table(dispute)
    if table is not None:
        blocks += [
            Heading(3, "Time in dispute"),
            Para(
                "Counted down time of one side only and of both, and time one side's exclusion "
                "clauses took out and the other's did not."
            ),
            table,
        ]
    return blocks


def chart_range(dispute: Dispute, m: MeasureDispute) -> tuple[int, int]:
    """Return the time a measure's chart shows: around its disputed spans, or all of it.

    The disputed spans' hull, widened on each side by a quarter of its length
    (an hour at least), within the measured time; the whole measured time when
    that is more than half of it (spans spread over the period).
    """
    if not m.spans:
        return dispute.start, dispute.end
    first, last = m.spans[0].start, max(span.end for span in m.spans)
    pad = max((last - first) // 4, US_PER_HOUR)
    start, end = max(dispute.start, first - pad), min(dispute.end, last + pad)
    if 2 * (end - start) > dispute.end - dispute.start:
        return dispute.start, dispute.end
    return start, end


def _measure_chart(dispute: Dispute, m: MeasureDispute, ident: str, clock: _Clock) -> Figure:
    ours_only, theirs_only, both = m.ours_only, m.theirs_only, m.both
    start, end = chart_range(dispute, m)
    whole = (start, end) == (dispute.start, dispute.end)
    shown = (
        f"the period {dispute.period.label}"
        if whole
        else f"{clock.local(start)} to {clock.local(end)}, around the disputed spans"
    )
    svg = dispute_svg(
        title=f"{m.service}: {m.measure.label}, ours and theirs",
        start=start,
        end=end,
        tz=dispute.period.tz,
        outside=_columns(m.outside),
        ours_excluded=_columns(m.ours.excluded),
        theirs_excluded=_columns(m.theirs.excluded),
        both=_columns(both),
        ours_only=_columns(ours_only),
        theirs_only=_columns(theirs_only),
        ident=ident,
    )

    def count(timeline: Timeline, what: str) -> str:
        n = len(timeline)
        return f"{n} span{'s' if n != 1 else ''} {what} ({length_text(timeline.measure())})"

    said = [
        count(ours_only, "down in ours only"),
        count(theirs_only, "down in theirs only"),
        count(both, "down in both"),
    ]
    for timeline, what in (
        (m.excluded_ours_only, "excluded by ours only"),
        (m.excluded_theirs_only, "excluded by theirs only"),
    ):
        if timeline:
            said.append(count(timeline, what))
    return Figure(
        svg,
        f"{m.service}: {shown}; ours' lane above theirs', down time both count across both",
        "; ".join(said) + ".",
    )


def _columns(timeline: Timeline) -> Spans:
    return (timeline.starts, timeline.ends)


def _spans_table(dispute: Dispute, spans: Sequence[DisputedSpan], clock: _Clock) -> Table:
    """One row per span: in the agreement's zone, in UTC beside it, its length, states, worth."""
    currency = dispute.currency
    zoned = (f"span ({clock.tz})",) if not clock.utc else ()
    header = (*zoned, "span (UTC)", "length", "ours / theirs", "worth")

    def cells(span: DisputedSpan) -> tuple[str, ...]:
        local = (f"{clock.local(span.start)} to {clock.local(span.end)}",) if zoned else ()
        return (
            *local,
            f"{clock.in_utc(span.start)} to {clock.in_utc(span.end)}",
            length_text(span.length_us),
            f"{span.ours} / {span.theirs}",
            _worth_text(span, currency),
        )

    return Table(
        header,
        tuple(cells(span) for span in spans),
        numeric=(len(header) - 3, len(header) - 1),
    )


def _disputed(dispute: Dispute, clock: _Clock, ident: str) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Disputed spans")]
    shown = [s for s in dispute.services if s.spans]
    unexplained = [s.service for s in dispute.services if not s.agrees and not s.spans]
    if unexplained:
        blocks.append(
            Para(
                f"The credits of {', '.join(unexplained)} differ with no disputed span: the "
                "difference lies in what is not compared span by span (request and ticket "
                "measures, the weights of degraded states and affected shares).",
                tone="note",
            )
        )
    if not shown:
        blocks.append(Para("The two sides' evidence agrees on every span of every service."))
        return blocks
    blocks.append(
        Para(
            "Every span where the two sides' evidence puts the service in different states "
            "(down, excluded, up, not eligible), never truncated. The worth of a span is the "
            "change in ours' credit when ours' events over that span are replaced by theirs'; "
            "worths do not add up (credits are paid in bands)."
        )
    )
    chart = 0
    for entry in shown:
        parts: list[Block] = [
            Para(
                f"Ours' credit {money_text(entry.ours_credit, dispute.currency)}, theirs' "
                f"{money_text(entry.theirs_credit, dispute.currency)}: difference "
                f"**{_signed(entry.difference, dispute.currency)}**."
            )
        ]
        for m in entry.measures:
            if not m.spans:
                continue
            parts.append(_measure_chart(dispute, m, f"{ident}{chart}", clock))
            chart += 1
            n = len(m.spans)
            parts.append(Para(f"{m.measure.label}: {n} disputed span{'s' if n != 1 else ''}."))
            parts.append(_spans_table(dispute, m.spans, clock))
        blocks.append(
            Section(
                3,
                f"Service {entry.service}",
                tuple(parts),
                collapsible=True,
                anchor=f"{ident}-{entry.service}",
            )
        )
    return blocks


def _method(dispute: Dispute) -> list[Block]:
    items = [
        (
            "**States.** On each side, every instant of the measured time is *down* (counted "
            "down time), *excluded* (by an exclusion clause), *up* (eligible, not down) or *not "
            "eligible* (outside service hours, or not deployed), as that side's evidence says. "
            "A disputed span is a longest span where both sides keep one state each and differ."
        ),
        (
            "**Down, ours only / theirs only / both**: counted down time of one side only, or of "
            "both; down time ours only plus down time both is ours' counted down time."
        ),
        (
            "**Difference**: theirs' exact credit less ours', per service; the total at stake is "
            "theirs' exact total less ours', rounded once with the agreement's rounding."
        ),
        (
            "**Worth**: the change in ours' total credit when ours' outages, maintenance and "
            "deployments of the service (and of the services its measures combine) over the span "
            "are replaced by theirs', everything else kept (a maintenance notice cut at the span "
            "keeps its lead time). Positive: theirs' view of the span pays more. Rules that look "
            "beyond the span (a minimum outage, buckets, an allowance) judge the combined events."
        ),
        (
            "**Not compared span by span**: request and ticket measures, and the weights of "
            "down time (degraded states, affected shares); they differ in the credits only."
        ),
    ]
    blocks: list[Block] = [Heading(2, "How the figures are made"), Items(tuple(items))]
    ours, theirs = dispute.uncounted
    if ours or theirs:
        blocks.append(
            Para(
                f"Input not counted by any measure: {ours:,} row{'s' if ours != 1 else ''} of "
                f"ours, {theirs:,} row{'s' if theirs != 1 else ''} of theirs; each side's "
                "statement (`slakit report`) lists them with the reasons.",
                tone="warning",
            )
        )
    blocks.extend(Para(note, tone="note") for note in dispute.notes)
    return blocks


def dispute_blocks(dispute: Dispute, *, ident: str = "d") -> list[Block]:
    """Return the dispute as document blocks: header, summary, disputed spans, method."""
    clock = _Clock(dispute.period.tz)
    return [
        *_header(dispute, clock),
        *_summary(dispute),
        *_disputed(dispute, clock, ident),
        *_method(dispute),
    ]


# --- the chart --------------------------------------------------------------------------------

_OURS_TOP = 40.0
_LANE = 30.0
_GAP = 8.0
_THEIRS_TOP = _OURS_TOP + _LANE + _GAP
_BOTTOM = _THEIRS_TOP + _LANE
_AXIS_Y = _BOTTOM + 4
_ONE_SIDE = "#737373"
_EXCLUDED_PAINT = f'fill="#ffffff" stroke="{_AXIS}" stroke-width="1" stroke-dasharray="3 2"'

#: The layers in drawing order: name, classes, lane (``"ours"``, ``"theirs"``, ``"both"``),
#: paint, legend label. Lightness tells them apart (no pattern, so no ``url()`` reference).
_LAYERS = (
    ("outside", "mark outside", "both", f'fill="{_OUTSIDE}"', "Outside service hours"),
    ("excluded-ours", "mark excluded ours", "ours", _EXCLUDED_PAINT, "Excluded by that side"),
    (
        "excluded-theirs",
        "mark excluded theirs",
        "theirs",
        _EXCLUDED_PAINT,
        "Excluded by that side",
    ),
    ("both", "mark both", "both", f'fill="{_DOWN}"', "Down in both"),
    ("ours-only", "mark ours-only", "ours", f'fill="{_ONE_SIDE}"', "Down in that side only"),
    (
        "theirs-only",
        "mark theirs-only",
        "theirs",
        f'fill="{_ONE_SIDE}"',
        "Down in that side only",
    ),
)


def dispute_svg(
    *,
    title: str,
    start: int,
    end: int,
    tz: str,
    outside: Spans,
    ours_excluded: Spans,
    theirs_excluded: Spans,
    both: Spans,
    ours_only: Spans,
    theirs_only: Spans,
    ident: str,
    names: tuple[str, str] = ("Ours", "Theirs"),
) -> str:
    """Return one service's two sides over ``[start, end)`` as a two-lane inline SVG chart.

    Ours' lane lies above theirs'. Down time both sides count is one near-black
    ``rect`` of class ``mark both`` across both lanes; down time of one side only
    is mid grey in that side's lane (``mark ours-only``, ``mark theirs-only``);
    each side's excluded time is a white box with a dashed outline in its lane
    (``mark excluded ours``, ``mark excluded theirs``) and time outside service
    hours is light grey across both lanes (``mark outside``). Each non-empty
    clipped span is exactly one element, at least ``MIN_WIDTH`` wide; the legend
    names only the layers drawn.

    Args:
        title: the chart's title (escaped).
        start: the first instant of the chart, microseconds since the epoch.
        end: the end of the chart (excluded), after ``start``.
        tz: the IANA zone of the axis ticks.
        outside: spans outside service hours, as ``(starts, ends)``.
        ours_excluded: spans ours excludes.
        theirs_excluded: spans theirs excludes.
        both: down time both sides count.
        ours_only: down time only ours counts.
        theirs_only: down time only theirs counts.
        ident: the prefix of every ``id`` in the chart.
        names: the lanes' labels.

    Raises:
        ValueError: the range is empty or out of bounds, a layer's columns differ
            in length, a span ends before it starts, or ``ident`` is not an id prefix.
        TypeError: a column holds other than integers.
        UnknownZoneError: ``tz`` is not an IANA zone.
    """
    ident = _check_ident(ident)
    first, last = _range(start, end)
    zi = zone(tz)
    axis = _TimeAxis(first, last)
    given = {
        "outside": _spans(outside, "outside"),
        "excluded-ours": _spans(ours_excluded, "ours_excluded"),
        "excluded-theirs": _spans(theirs_excluded, "theirs_excluded"),
        "both": _spans(both, "both"),
        "ours-only": _spans(ours_only, "ours_only"),
        "theirs-only": _spans(theirs_only, "theirs_only"),
    }
    lanes = {
        "ours": (_OURS_TOP, _LANE),
        "theirs": (_THEIRS_TOP, _LANE),
        "both": (_OURS_TOP, _BOTTOM - _OURS_TOP),
    }
    marks: list[str] = []
    legend: list[_Entry] = [
        _Entry("band", "rect", f'fill="#ffffff" stroke="{_OUTLINE}" stroke-width="1"', "Up")
    ]
    for name, css, lane, paint, label in _LAYERS:
        lo, hi, _ = _clipped(*given[name], first, last)
        if not lo.size:
            continue
        left, width = axis.bars(lo, hi)
        top, height = lanes[lane]
        if name.startswith("excluded"):  # inset, so the dashed outline shows against the band
            top, height = top + 3, height - 6
        marks.append(f'<g class="layer {name}">')
        marks += _rects(css=css, left=left, width=width, top=top, height=height, paint=paint)
        marks.append("</g>")
        if all(entry.label != label for entry in legend):  # one entry for both lanes
            legend.append(_Entry(name, "rect", paint, label))
    legend_parts, bottom = _legend(legend, _AXIS_Y + 48)
    parts = _open("dispute", title, bottom + 10, ident)
    for lane_name, top in zip(names, (_OURS_TOP, _THEIRS_TOP), strict=True):
        parts += [
            (
                f'<rect class="band" x="{_LEFT}" y="{_num(top)}" width="{_PLOT_W}" '
                f'height="{_num(_LANE)}" fill="#ffffff"/>'
            ),
            (
                f'<text class="lane-label" x="{_LEFT - 6}" y="{_num(top + _LANE / 2 + 4)}" '
                f'text-anchor="end" font-size="{_SMALL}">{_text(lane_name)}</text>'
            ),
        ]
    parts += marks
    parts += [
        (
            f'<rect class="band-outline" x="{_LEFT}" y="{_num(top)}" width="{_PLOT_W}" '
            f'height="{_num(_LANE)}" fill="none" stroke="{_OUTLINE}" stroke-width="1"/>'
        )
        for top in (_OURS_TOP, _THEIRS_TOP)
    ]
    parts += _time_axis(axis, zi, tz, _AXIS_Y)
    parts += legend_parts
    parts.append("</svg>")
    return "\n".join(parts)
