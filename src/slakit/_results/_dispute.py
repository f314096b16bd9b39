"""A dispute: one agreement over two evidence sources, and where they disagree.

[`dispute()`][slakit.dispute] evaluates an agreement twice for one period, over
*ours* (say, the provider's monitoring) and over *theirs* (the customer's), and
returns a [`Dispute`][slakit.Dispute]: for each service, the credit each side's
data implies and their difference, and for each measure the items the two
sides' evidence disagrees on, with what each item is worth: spans of time
(measures of time), buckets (bucketed request measures) and tickets (support
measures).

Every instant of the measured part of the period is in one state on each side,
read from that side's evidence: ``down`` (counted down time), ``excluded``
(taken out or accounted for by an exclusion clause), ``up`` (eligible and not
down) or ``not eligible`` (outside the service hours, or while the service was
not deployed). A *disputed span* is a longest span over which both sides keep
one state each and the two states differ. Spans are half-open, ``[start, end)``,
in integer microseconds UTC.

Requests. For each request measure the dispute holds each side's requests of
the service by reason (good, bad, excluded and ignored, as the reconciliation
counts them) and its exact value. For a bucketed measure (bucket availability,
error-rate uptime) a bucket is in one *verdict* on each side, read from that
side's requests in it: ``down`` (over the error-rate bound, with enough
requests), ``bad`` or ``excluded`` (empty, by the measure's rule), ``partial``
(error-rate uptime: some requests bad, that share of the bucket down) or
``good``; a *disputed bucket* is one whose verdicts differ, or whose shares of
down time differ (two ``partial`` buckets of different error rates). Buckets
are compared only when both sides have counted requests of the service; a side
without any has no data, which the measure's values say.

Tickets. For each support measure the dispute holds each side's tickets of
the service by fate (on time, late, pending, not counted and why) and its
value. A *disputed ticket* is one, matched by its id, whose fate differs
between the sides (a ticket a side lacks is ``"absent"`` there), where at least
one side judged it (on time or late); each side's times are kept: opened, the
first response or resolution that stopped its clock, the business time, the
target, the due instant and how late.

Money:

- **The difference** of a service is ``theirs' credit - ours' credit``, exact (a
  ``Fraction``), and rounded once with the agreement's rounding for display.
  The **total at stake** is ``theirs' exact total - ours' exact total``, rounded
  once; it may differ from the difference of the two rounded totals by the
  rounding step.
- **The worth** of a disputed item is the change in ours' total credit when
  ours' evidence of that item is replaced by theirs' and the agreement is
  evaluated again. For a span: ours' outages, maintenance notices and
  deployments of the service (and of the services its measures combine) are
  cut at the span's bounds and theirs' inside the span put in their place (a
  notice keeps its lead time). For a bucket: ours' requests of the service in
  the bucket are replaced by theirs' (a bucket's verdict depends on its own
  requests only, so the replacement changes that bucket and nothing else of a
  bucketed measure). For a ticket: ours' copy of the ticket is replaced by
  theirs' (removed when theirs has none, added when ours has none). A positive
  worth means theirs' view pays more. Credit tables pay by bands, so worths do
  not add up: two spans that each leave the uptime in its band may cross the
  band together, and a span alone may be worth nothing while the difference of
  the credits is not.

Amendments. A period that an amendment splits is compared in *parts*, one per
version in force, as [`evaluate_versions()`][slakit.evaluate_versions] splits
it: each version's terms over its part of the period, the fee pro-rated to
the part, on both sides. Each `DisputePart` holds its own
comparison; the worth of an item of a part is computed under that part's terms
and over that part alone. The dispute's services add the parts' exact credits
per service, and its totals add the parts' exact totals, rounded once with the
latest version's rounding, as ``VersionedReport.total`` does.

This module holds the result and its renderings (HTML with a two-lane chart
per disputed measure of time, Markdown, text and JSON); the evaluation is in
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

import functools
from collections.abc import Callable, Mapping, Sequence
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
from slakit._results._document import (
    Block,
    Facts,
    Figure,
    Heading,
    Items,
    Para,
    Section,
    Table,
)
from slakit._results._document import markdown as markdown_of
from slakit._results._document import page as page_of
from slakit._results._document import text as text_of
from slakit._results._values import fraction_text, money_text
from slakit._time._instant import US_PER_DAY, US_PER_HOUR, US_PER_MINUTE, format_us, zone
from slakit._time._timeline import Timeline

if TYPE_CHECKING:
    from slakit._dsl._agreement import Agreement
    from slakit._dsl._measures import Measure
    from slakit._money import Money, Rounding
    from slakit._time._periods import Period

__all__ = [
    "BUCKET_VERDICTS",
    "DISPUTE_FORM",
    "STATES",
    "Dispute",
    "DisputePart",
    "DisputedBucket",
    "DisputedSpan",
    "DisputedTicket",
    "MeasureDispute",
    "RequestDispute",
    "RequestTally",
    "ServiceDispute",
    "SideView",
    "TicketDispute",
    "TicketTally",
    "TicketView",
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

#: The verdicts a bucket of a bucketed request measure has on one side.
BUCKET_VERDICTS = ("down", "bad", "partial", "excluded", "good")

#: The categories of a request, as its reasons start (``"bad: server error"``).
REQUEST_CATEGORIES = ("good", "bad", "excluded", "ignored")

#: The fates of a ticket that a support measure judges (counts in its value).
JUDGED = ("on time", "late", "late, unanswered")


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
        return _kind_by_exclusion(self.ours, self.theirs)


def _kind_by_exclusion(ours: str, theirs: str) -> str:
    """The kind of an item both sides count alike as down: by exclusion, else eligibility.

    ``"excluded by ours only"``, ``"excluded by theirs only"`` or ``"eligibility"``,
    from each side's state or verdict.
    """
    if ours == "excluded":
        return "excluded by ours only"
    if theirs == "excluded":
        return "excluded by theirs only"
    return "eligibility"


@attrs.frozen(kw_only=True)
class MeasureDispute:
    """The two sides' evidence of one service in one measure of time, and the disputed spans.

    ``version`` is the label of the version whose part of the period this is
    (``""`` for an agreement without amendments).
    """

    service: str
    measure: Measure
    ours: SideView
    theirs: SideView
    outside: Timeline
    spans: tuple[DisputedSpan, ...]
    version: str = ""

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


# --- requests ---------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RequestTally:
    """What one side's requests of one service did in one request measure.

    Attributes:
        requests: how many requests fell under each reason, as the
            reconciliation counts them (``"good"``, ``"bad: server error"``,
            ``"excluded: client error"``, ``"ignored: outside the period"`` ...);
            reasons without a request are left out.
        value: the measured value, exact (``None``: no data).
    """

    requests: Mapping[str, int]
    value: Fraction | None

    def count(self, category: str) -> int:
        """Return how many requests are in ``category``: one of `REQUEST_CATEGORIES`."""
        return sum(n for reason, n in self.requests.items() if reason.split(":")[0] == category)

    @property
    def good(self) -> int:
        """The good requests."""
        return self.count("good")

    @property
    def bad(self) -> int:
        """The bad requests (server errors, and client errors or slow ones when bad)."""
        return self.count("bad")

    @property
    def excluded(self) -> int:
        """The requests an exclusion rule of the measure took out."""
        return self.count("excluded")

    @property
    def ignored(self) -> int:
        """The requests the measure did not count (outside the period, not covered, ...)."""
        return self.count("ignored")

    @property
    def counted(self) -> int:
        """The requests in the value: good and bad."""
        return self.good + self.bad


@attrs.frozen(kw_only=True)
class DisputedBucket:
    """A bucket of a bucketed request measure that the two sides count differently.

    Attributes:
        service: the service.
        measure: the label of the request measure.
        start: the bucket's first instant, microseconds since the epoch (UTC),
            cut to the measured time.
        end: its end (excluded).
        ours: ours' verdict of the bucket, one of `BUCKET_VERDICTS`.
        theirs: theirs' verdict.
        ours_requests: ours' counted requests in the bucket.
        ours_errors: the bad ones among them.
        theirs_requests: theirs' counted requests in the bucket.
        theirs_errors: the bad ones among them.
        worth: the change in ours' exact total credit when ours' requests of
            the service in the bucket are replaced by theirs'; ``None`` when it
            was not computed.
    """

    service: str
    measure: str
    start: int
    end: int
    ours: str
    theirs: str
    ours_requests: int
    ours_errors: int
    theirs_requests: int
    theirs_errors: int
    worth: Fraction | None = None

    @property
    def length_us(self) -> int:
        """The bucket's length in microseconds."""
        return self.end - self.start

    def share(self, side: str) -> Fraction:
        """Return the share of the bucket ``side`` (``"ours"`` or ``"theirs"``) counts as down.

        1 for a ``down`` or ``bad`` bucket, its error rate for a ``partial`` one, else 0.
        """
        verdict = self.ours if side == "ours" else self.theirs
        if verdict in ("down", "bad"):
            return Fraction(1)
        if verdict == "partial":
            if side == "ours":
                return Fraction(self.ours_errors, self.ours_requests)
            return Fraction(self.theirs_errors, self.theirs_requests)
        return Fraction(0)

    @property
    def kind(self) -> str:
        """``"ours only"``, ``"theirs only"``, ``"more in ours"``, ``"more in theirs"``, ...

        Down time decides first, as for spans: the side that counts more of the
        bucket down (``"... only"`` when the other counts none of it); then
        ``"excluded by ours only"`` or ``"excluded by theirs only"``; else
        ``"eligibility"``.
        """
        mine, other = self.share("ours"), self.share("theirs")
        if mine > other:
            return "ours only" if other == 0 else "more in ours"
        if other > mine:
            return "theirs only" if mine == 0 else "more in theirs"
        return _kind_by_exclusion(self.ours, self.theirs)


@attrs.frozen(kw_only=True)
class RequestDispute:
    """The two sides' requests of one service in one request measure, compared.

    Attributes:
        service: the service.
        measure: the request measure.
        ours: ours' requests of the service by reason, and ours' value.
        theirs: theirs'.
        buckets: the disputed buckets, in time order (bucketed measures only).
        note: why the buckets were not compared, when they were not (a side
            without counted requests of the service).
        version: the label of the version whose part of the period this is.
    """

    service: str
    measure: Measure
    ours: RequestTally
    theirs: RequestTally
    buckets: tuple[DisputedBucket, ...] = ()
    note: str = ""
    version: str = ""

    def differences(self) -> dict[str, int]:
        """Return, per category of `REQUEST_CATEGORIES`, theirs' count less ours'."""
        return {c: self.theirs.count(c) - self.ours.count(c) for c in REQUEST_CATEGORIES}

    @property
    def agrees(self) -> bool:
        """Whether both sides count the same requests for the same reasons, bucket by bucket."""
        return dict(self.ours.requests) == dict(self.theirs.requests) and not self.buckets


# --- tickets ----------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class TicketView:
    """One side's judgement of one ticket in one support measure.

    Attributes:
        status: the ticket's fate in words (``"on time"``, ``"late"``, ``"late,
            unanswered"``, ``"pending at period end"``, ``"opened outside the
            period"``, ``"other priority"`` ...), or ``"absent"`` when the side
            has no such ticket of the service.
        priority: its priority (``""`` when absent).
        opened: when it was opened, microseconds UTC (``None`` when absent).
        stopped: the first response or resolution that stopped its clock
            (``None``: none, or absent).
        elapsed_us: the business time from opening to ``stopped`` (or to the end
            of the period), pauses removed; ``None`` when not judged.
        target_us: the target it was judged against (``None``: none).
        due: when the target was reached, for late and pending tickets.
        late_by_us: how much business time it exceeded its target by (0 when
            not late).
    """

    status: str
    priority: str = ""
    opened: int | None = None
    stopped: int | None = None
    elapsed_us: int | None = None
    target_us: int | None = None
    due: int | None = None
    late_by_us: int = 0

    @property
    def judged(self) -> bool:
        """Whether the measure judged the ticket (on time or late)."""
        return self.status in JUDGED

    @property
    def late(self) -> bool:
        """Whether the ticket missed its target."""
        return self.status in ("late", "late, unanswered")


@attrs.frozen(kw_only=True)
class DisputedTicket:
    """A ticket whose fate in a support measure differs between the sides.

    Attributes:
        service: the service.
        measure: the label of the support measure.
        id: the ticket's id, as both sides name it.
        ours: ours' judgement of the ticket.
        theirs: theirs' judgement.
        worth: the change in ours' exact total credit when ours' copy of the
            ticket is replaced by theirs' (removed when theirs has none);
            ``None`` when it was not computed.
    """

    service: str
    measure: str
    id: str
    ours: TicketView
    theirs: TicketView
    worth: Fraction | None = None

    @property
    def opened(self) -> int:
        """When the ticket was opened: the earlier of the sides' instants."""
        times = [t for t in (self.ours.opened, self.theirs.opened) if t is not None]
        return min(times)

    @property
    def kind(self) -> str:
        """``"late in ours only"``, ``"late in theirs only"``, ``"late in both"``, ...

        Lateness decides first (``"late in both"``: late on both sides, answered
        on one only); then ``"judged by ours only"`` or ``"judged by theirs only"``.
        """
        if self.ours.late != self.theirs.late:
            return "late in ours only" if self.ours.late else "late in theirs only"
        if self.ours.late:
            return "late in both"
        return "judged by ours only" if self.ours.judged else "judged by theirs only"


@attrs.frozen(kw_only=True)
class TicketTally:
    """What one side's tickets of one service did in one support measure.

    Attributes:
        tickets: how many tickets had each fate (``"on time"``, ``"late"``,
            ``"late, unanswered"``, ``"pending at period end"`` ...); fates
            without a ticket are left out.
        value: the measured value, exact (``None``: no data).
    """

    tickets: Mapping[str, int]
    value: Fraction | None

    @property
    def judged(self) -> int:
        """The tickets the measure judged: on time or late."""
        return sum(self.tickets.get(fate, 0) for fate in JUDGED)

    @property
    def on_time(self) -> int:
        """The tickets that met their target."""
        return self.tickets.get("on time", 0)

    @property
    def late(self) -> int:
        """The tickets that missed their target (answered late or not at all)."""
        return self.tickets.get("late", 0) + self.tickets.get("late, unanswered", 0)

    @property
    def not_counted(self) -> int:
        """The tickets of the service that were not judged (pending, outside, ...)."""
        return sum(self.tickets.values()) - self.judged


@attrs.frozen(kw_only=True)
class TicketDispute:
    """The two sides' tickets of one service in one support measure, compared.

    Attributes:
        service: the service.
        measure: the support measure.
        ours: ours' tickets of the service by fate, and ours' value.
        theirs: theirs'.
        tickets: the disputed tickets, by opening, then id.
        version: the label of the version whose part of the period this is.
    """

    service: str
    measure: Measure
    ours: TicketTally
    theirs: TicketTally
    tickets: tuple[DisputedTicket, ...] = ()
    version: str = ""

    @property
    def agrees(self) -> bool:
        """Whether both sides judge every ticket alike."""
        return dict(self.ours.tickets) == dict(self.theirs.tickets) and not self.tickets


# --- a service, a part, the dispute -----------------------------------------------------------


@attrs.frozen(kw_only=True)
class ServiceDispute:
    """One service: the credit each side's data implies, and its measures compared.

    Attributes:
        service: the service.
        ours_credit: the exact credit ours' data implies for the service.
        theirs_credit: the exact credit theirs' data implies.
        measures: each measure of time that covers the service, compared.
        worth_by: how the worths of its disputed items were computed:
            ``"service"`` (the agreement restricted to this service),
            ``"agreement"`` (the whole agreement, whose services are coupled),
            or ``""`` (not computed).
        requests: each request measure that covers the service, compared.
        tickets: each support measure that covers the service, compared.
    """

    service: str
    ours_credit: Fraction
    theirs_credit: Fraction
    measures: tuple[MeasureDispute, ...] = ()
    worth_by: str = ""
    requests: tuple[RequestDispute, ...] = ()
    tickets: tuple[TicketDispute, ...] = ()

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
        """Every disputed span of every measure of time, measure by measure."""
        return tuple(span for m in self.measures for span in m.spans)

    @property
    def buckets(self) -> tuple[DisputedBucket, ...]:
        """Every disputed bucket of every request measure, measure by measure."""
        return tuple(bucket for r in self.requests for bucket in r.buckets)

    @property
    def disputed_tickets(self) -> tuple[DisputedTicket, ...]:
        """Every disputed ticket of every support measure, measure by measure."""
        return tuple(ticket for t in self.tickets for ticket in t.tickets)

    @property
    def disputed(self) -> bool:
        """Whether the credits differ, or some span, bucket, ticket or request count does."""
        return (
            not self.agrees
            or bool(self.spans)
            or not all(r.agrees for r in self.requests)
            or not all(t.agrees for t in self.tickets)
        )

    @property
    def explained(self) -> bool:
        """Whether some compared item differs: a span, a request count, a bucket, a ticket."""
        return (
            bool(self.spans)
            or not all(r.agrees for r in self.requests)
            or not all(t.agrees for t in self.tickets)
        )


def _service_of(services: Sequence[ServiceDispute], name: str, owner: str) -> ServiceDispute:
    """Return the comparison of service ``name`` among ``services``, those of ``owner``.

    Raises:
        KeyError: ``owner`` (``"this agreement"``, ``"version v2"``) does not cover ``name``.
    """
    for entry in services:
        if entry.service == name:
            return entry
    raise KeyError(f"{name!r} is not a service of {owner}")


@attrs.frozen(kw_only=True)
class DisputePart:
    """The dispute over the part of the period one version of the agreement was in force.

    A period no amendment splits has one part, the whole measured time.

    Attributes:
        version: the version's label (``""`` for an agreement without amendments).
        agreement: the terms evaluated over the part (the version's, taking
            effect at the part's start when an amendment splits the period).
        start: the part's first instant measured.
        end: its end (excluded).
        share: the share of the period's fee the part pays, ``(end - start) /
            the period's length``.
        services: every service of the version, compared over the part.
        ours_total: ours' exact total credit for the part.
        theirs_total: theirs' exact total credit for the part.
    """

    version: str
    agreement: Agreement
    start: int
    end: int
    share: Fraction
    services: tuple[ServiceDispute, ...]
    ours_total: Fraction
    theirs_total: Fraction

    @property
    def stake(self) -> Fraction:
        """``theirs_total - ours_total``, exact."""
        return self.theirs_total - self.ours_total

    @property
    def agrees(self) -> bool:
        """Whether both sides' data imply the same credit for every service of the part."""
        return all(s.agrees for s in self.services) and self.stake == 0

    def service(self, name: str) -> ServiceDispute:
        """Return the comparison of service ``name`` over the part.

        Raises:
            KeyError: the version does not cover ``name``.
        """
        return _service_of(self.services, name, f"version {self.version or 'v1'}")

    @property
    def spans(self) -> tuple[DisputedSpan, ...]:
        """Every disputed span of the part, service by service."""
        return tuple(span for s in self.services for span in s.spans)


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
        services: every service of the agreement, in order; over a period an
            amendment splits, each service's credits are the exact sums of its
            parts' and its comparisons those of every part, part by part.
        ours_total: ours' exact total credit (over every part).
        theirs_total: theirs' exact total credit.
        version: the label of the version in force, for an amended agreement
            over a period no amendment splits (``""`` otherwise: see ``parts``).
        ours_source: what ours' data is, in words (file names), for the reader.
        theirs_source: what theirs' data is.
        uncounted: how many input rows no measure counted, ours' and theirs'
            (over a split period: rows no version in force counted).
        notes: how the figures were made, where it matters.
        parts: the comparison over each version's part of the period, in time
            order: one part when no amendment splits the period.
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
    parts: tuple[DisputePart, ...] = ()
    _fingerprints: Callable[[], tuple[str | None, str | None]] | None = attrs.field(
        default=None, eq=False, alias="fingerprints"
    )

    @property
    def terms(self) -> Agreement:
        """The terms of the last part: its currency and rounding settle the totals."""
        return self.parts[-1].agreement if self.parts else self.agreement

    @property
    def currency(self) -> str:
        """The agreement's currency."""
        return self.terms.tier.currency_code

    @property
    def rounding(self) -> Rounding:
        """The rounding applied once to each amount shown (the latest version's)."""
        return self.terms.rounding

    def rounded(self, value: Fraction) -> Money:
        """Return ``value`` rounded once with the agreement's rounding, as money."""
        return self.rounding.apply(value, self.currency)

    @property
    def versions(self) -> tuple[str, ...]:
        """The labels of the versions compared, one per part (``("",)``: not amended)."""
        return tuple(part.version for part in self.parts) or (self.version,)

    @property
    def split(self) -> bool:
        """Whether an amendment splits the period into parts."""
        return len(self.parts) > 1

    @functools.cached_property
    def _fingerprint_pair(self) -> tuple[str | None, str | None]:
        return (None, None) if self._fingerprints is None else self._fingerprints()

    @property
    def ours_fingerprint(self) -> str | None:
        """The fingerprint of ours' evaluation, as ``slakit verify`` recomputes it.

        The same as ours' own statement's: [`Report.fingerprint`][slakit.Report.fingerprint],
        or [`VersionedReport.fingerprint`][slakit.VersionedReport.fingerprint] over a
        period an amendment splits; ``None`` for a dispute put together by hand.
        """
        return self._fingerprint_pair[0]

    @property
    def theirs_fingerprint(self) -> str | None:
        """The fingerprint of theirs' evaluation (see ``ours_fingerprint``)."""
        return self._fingerprint_pair[1]

    @property
    def stake(self) -> Fraction:
        """The total at stake: ``theirs_total - ours_total``, exact."""
        return self.theirs_total - self.ours_total

    @property
    def agrees(self) -> bool:
        """Whether both sides' data imply the same credit for every service (in every part)."""
        return (
            all(s.agrees for s in self.services)
            and self.stake == 0
            and all(p.agrees for p in self.parts)
        )

    @property
    def disputed(self) -> tuple[ServiceDispute, ...]:
        """The services whose credits differ or that have disputed items."""
        return tuple(s for s in self.services if s.disputed)

    def service(self, name: str) -> ServiceDispute:
        """Return the comparison of service ``name``.

        Raises:
            KeyError: the agreement does not cover ``name``.
        """
        return _service_of(self.services, name, "this agreement")

    @property
    def spans(self) -> tuple[DisputedSpan, ...]:
        """Every disputed span, service by service."""
        return tuple(span for s in self.services for span in s.spans)

    @property
    def buckets(self) -> tuple[DisputedBucket, ...]:
        """Every disputed bucket, service by service."""
        return tuple(bucket for s in self.services for bucket in s.buckets)

    @property
    def tickets(self) -> tuple[DisputedTicket, ...]:
        """Every disputed ticket, service by service."""
        return tuple(ticket for s in self.services for ticket in s.disputed_tickets)

    # --- renderings ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Return the dispute as JSON-ready data.

        Exact amounts are strings (``"125/3"`` or ``"41.5"``), rounded ones
        decimal strings (``"41.67"``); lengths of time are integer microseconds
        (exact in JSON) under keys ending ``_us``; instants are ISO 8601 in UTC.
        ``parts`` holds one entry per version when an amendment splits the
        period (and is empty otherwise).
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


def _parts(dispute: Dispute) -> tuple[DisputePart, ...]:
    """Return the dispute's parts: those it holds, or one made of its own figures."""
    if dispute.parts:
        return dispute.parts
    share = Fraction(dispute.end - dispute.start, dispute.period.end - dispute.period.start)
    return (
        DisputePart(
            version=dispute.version,
            agreement=dispute.agreement,
            start=dispute.start,
            end=dispute.end,
            share=share,
            services=dispute.services,
            ours_total=dispute.ours_total,
            theirs_total=dispute.theirs_total,
        ),
    )


# --- JSON -------------------------------------------------------------------------------------


def _exact(value: Fraction) -> str:
    return str(value)


def _optional_exact(value: Fraction | None) -> str | None:
    return None if value is None else _exact(value)


def _optional_us(value: int | None) -> str | None:
    return None if value is None else format_us(value)


def _side_dict(view: SideView) -> dict[str, Any]:
    return {
        "value": _optional_exact(view.value),
        "down_us": view.down.measure(),
        "excluded_us": view.excluded.measure(),
        "eligible_us": view.eligible.measure(),
    }


def _worth_dict(worth: Fraction | None, dispute: Dispute) -> dict[str, Any]:
    return {
        "worth_exact": _optional_exact(worth),
        "worth": None if worth is None else str(dispute.rounded(worth).amount),
    }


def _timed_dict(item: DisputedSpan | DisputedBucket) -> dict[str, Any]:
    """A disputed span's or bucket's bounds, length, each side's state or verdict, and kind."""
    return {
        "start": format_us(item.start),
        "end": format_us(item.end),
        "length_us": item.length_us,
        "ours": item.ours,
        "theirs": item.theirs,
        "kind": item.kind,
    }


def _span_dict(span: DisputedSpan, dispute: Dispute) -> dict[str, Any]:
    return {**_timed_dict(span), **_worth_dict(span.worth, dispute)}


def _tally_dict(tally: RequestTally) -> dict[str, Any]:
    return {
        "value": _optional_exact(tally.value),
        **{category: tally.count(category) for category in REQUEST_CATEGORIES},
        "reasons": dict(tally.requests),
    }


def _bucket_dict(bucket: DisputedBucket, dispute: Dispute) -> dict[str, Any]:
    return {
        **_timed_dict(bucket),
        "ours_requests": bucket.ours_requests,
        "ours_errors": bucket.ours_errors,
        "theirs_requests": bucket.theirs_requests,
        "theirs_errors": bucket.theirs_errors,
        **_worth_dict(bucket.worth, dispute),
    }


def _ticket_view_dict(view: TicketView) -> dict[str, Any]:
    return {
        "status": view.status,
        "priority": view.priority or None,
        "opened": _optional_us(view.opened),
        "stopped": _optional_us(view.stopped),
        "elapsed_us": view.elapsed_us,
        "target_us": view.target_us,
        "due": _optional_us(view.due),
        "late_by_us": view.late_by_us,
    }


def _ticket_dict(ticket: DisputedTicket, dispute: Dispute) -> dict[str, Any]:
    return {
        "id": ticket.id,
        "kind": ticket.kind,
        "ours": _ticket_view_dict(ticket.ours),
        "theirs": _ticket_view_dict(ticket.theirs),
        **_worth_dict(ticket.worth, dispute),
    }


def _ticket_tally_dict(tally: TicketTally) -> dict[str, Any]:
    return {
        "value": _optional_exact(tally.value),
        "judged": tally.judged,
        "on_time": tally.on_time,
        "late": tally.late,
        "not_counted": tally.not_counted,
        "fates": dict(tally.tickets),
    }


def _money_dict(dispute: Dispute, value: Fraction) -> dict[str, str]:
    return {"exact": _exact(value), "amount": str(dispute.rounded(value).amount)}


def _compared_dict(
    measure: Measure, version: str, ours: dict[str, Any], theirs: dict[str, Any]
) -> dict[str, Any]:
    """The head of a measure's comparison: the measure, its version and each side's figures."""
    return {
        "measure": repr(measure),
        "label": measure.label,
        "version": version or None,
        "ours": ours,
        "theirs": theirs,
    }


def _services_dicts(dispute: Dispute, services: Sequence[ServiceDispute]) -> list[dict[str, Any]]:
    def money(value: Fraction) -> dict[str, str]:
        return _money_dict(dispute, value)

    return [
        {
            "service": entry.service,
            "agrees": entry.agrees,
            "ours_credit": money(entry.ours_credit),
            "theirs_credit": money(entry.theirs_credit),
            "difference": money(entry.difference),
            "worth_by": entry.worth_by,
            "measures": [
                {
                    **_compared_dict(
                        m.measure, m.version, _side_dict(m.ours), _side_dict(m.theirs)
                    ),
                    **{f"{key}_us": us for key, us in m.lengths().items()},
                    "spans": [_span_dict(span, dispute) for span in m.spans],
                }
                for m in entry.measures
            ],
            "requests": [
                {
                    **_compared_dict(
                        r.measure, r.version, _tally_dict(r.ours), _tally_dict(r.theirs)
                    ),
                    "differences": r.differences(),
                    "buckets": [_bucket_dict(b, dispute) for b in r.buckets],
                    "note": r.note or None,
                }
                for r in entry.requests
            ],
            "tickets": [
                {
                    **_compared_dict(
                        t.measure,
                        t.version,
                        _ticket_tally_dict(t.ours),
                        _ticket_tally_dict(t.theirs),
                    ),
                    "tickets": [_ticket_dict(ticket, dispute) for ticket in t.tickets],
                }
                for t in entry.tickets
            ],
        }
        for entry in services
    ]


def _to_dict(dispute: Dispute) -> dict[str, Any]:
    agreement = dispute.agreement
    period = dispute.period

    def money(value: Fraction) -> dict[str, str]:
        return _money_dict(dispute, value)

    parts = [
        {
            "version": part.version,
            "measured": {"start": format_us(part.start), "end": format_us(part.end)},
            "share": _exact(part.share),
            "agrees": part.agrees,
            "ours": money(part.ours_total),
            "theirs": money(part.theirs_total),
            "at_stake": money(part.stake),
            "services": _services_dicts(dispute, part.services),
        }
        for part in dispute.parts
    ]
    return {
        "form": DISPUTE_FORM,
        "agreement": agreement.title,
        "provider": agreement.provider,
        "customer": agreement.customer,
        "tier": dispute.terms.tier.name,
        "version": dispute.version or None,
        "versions": [label for label in dispute.versions if label],
        "period": {
            "label": period.label,
            "tz": period.tz,
            "start": format_us(period.start),
            "end": format_us(period.end),
        },
        "measured": {"start": format_us(dispute.start), "end": format_us(dispute.end)},
        "sources": {"ours": dispute.ours_source, "theirs": dispute.theirs_source},
        "fingerprints": {"ours": dispute.ours_fingerprint, "theirs": dispute.theirs_fingerprint},
        "currency": dispute.currency,
        "rounding": dispute.rounding.describe(),
        "agrees": dispute.agrees,
        "ours": money(dispute.ours_total),
        "theirs": money(dispute.theirs_total),
        "at_stake": money(dispute.stake),
        "uncounted_rows": {"ours": dispute.uncounted[0], "theirs": dispute.uncounted[1]},
        "services": _services_dicts(dispute, dispute.services),
        "parts": parts if dispute.split else [],
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


def _worth_text(worth: Fraction | None, currency: str) -> str:
    return "not computed" if worth is None else _signed(worth, currency)


def _count_text(ours: int, theirs: int) -> str:
    """``'990 / 1,000 (+10)'``: ours, theirs and theirs' difference."""
    diff = theirs - ours
    shown = f"+{diff:,}" if diff > 0 else f"{diff:,}"
    return f"{ours:,} / {theirs:,} ({shown})"


def _side_name(dispute: Dispute, side: str) -> str:
    source = dispute.ours_source if side == "ours" else dispute.theirs_source
    return f"**{side}** (`{source}`)" if source else f"**{side}**"


def _header(dispute: Dispute, clock: _Clock) -> list[Block]:
    agreement = dispute.agreement
    period = dispute.period
    currency = dispute.currency
    stake = dispute.stake
    parts = _parts(dispute)
    disputed = [s for s in dispute.services if not s.agrees or _disagree_in_a_part(dispute, s)]
    if dispute.agrees:
        verdict = "the two sides' data imply the same credit for every service"
    else:
        verdict = (
            f"the two sides' data imply different credits for {len(disputed)} of "
            f"{len(dispute.services)} service{'s' if len(dispute.services) != 1 else ''}"
        )
    tiers = dict.fromkeys(part.agreement.tier.name for part in parts)
    facts = [
        ("Provider", agreement.provider),
        ("Customer", agreement.customer),
        ("Tier", ", ".join(tiers)),
    ]
    if dispute.split:
        facts.append(
            (
                "Agreement",
                f"{len(parts)} versions in force: " + ", ".join(p.version for p in parts),
            )
        )
    elif dispute.version:
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
    for side, fingerprint in (
        ("Ours' fingerprint", dispute.ours_fingerprint),
        ("Theirs' fingerprint", dispute.theirs_fingerprint),
    ):
        if fingerprint is not None:
            facts.append((side, f"`{fingerprint}`"))
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
            f"{_side_name(dispute, 'theirs')}, and every span, bucket and ticket where they "
            f"disagree. Times are in {period.tz}"
            + ("" if clock.utc else ", with UTC beside them")
            + "."
        ),
        Facts(tuple(facts)),
    ]


def _disagree_in_a_part(dispute: Dispute, entry: ServiceDispute) -> bool:
    """Whether some part's credits of ``entry``'s service differ (only when split)."""
    return dispute.split and any(
        not s.agrees for p in dispute.parts for s in p.services if s.service == entry.service
    )


def _signed_money(dispute: Dispute, value: Fraction) -> str:
    money = dispute.rounded(value)
    return f"+{money}" if money.amount > 0 else str(money)


def _shown_value(measure: Measure, value: Fraction | None) -> str:
    return "no data" if value is None else measure.format_value(value)


def _measured(entry: ServiceDispute, side: str) -> str:
    """Each measure's value on ``side``, labelled when the service has several."""
    values = [
        *((m.measure, (m.ours if side == "ours" else m.theirs).value) for m in entry.measures),
        *((r.measure, (r.ours if side == "ours" else r.theirs).value) for r in entry.requests),
        *((t.measure, (t.ours if side == "ours" else t.theirs).value) for t in entry.tickets),
    ]
    labelled = len(values) > 1
    return "; ".join(
        (f"{measure.label} " if labelled else "") + _shown_value(measure, value)
        for measure, value in values
    )


def _credit_cells(ours: Fraction, theirs: Fraction, currency: str) -> tuple[str, str, str]:
    """Ours' and theirs' exact amounts and theirs' less ours', without the currency."""
    return _amount(ours, currency), _amount(theirs, currency), _amount(theirs - ours, currency)


@attrs.define
class _TableRows:
    """A table's rows as they are added, each marked ``""``, ``"breached"`` or ``"total"``."""

    rows: list[tuple[str, ...]] = attrs.Factory(list)
    marks: list[str] = attrs.Factory(list)

    def add(self, row: tuple[str, ...], *, agrees: bool) -> None:
        """Add ``row``, marked ``"breached"`` unless the two sides agree on it."""
        self.rows.append(row)
        self.marks.append("" if agrees else "breached")

    def total(self, row: tuple[str, ...]) -> None:
        """Add the total ``row``, marked ``"total"``."""
        self.rows.append(row)
        self.marks.append("total")

    def table(self, header: tuple[str, ...], numeric: tuple[int, ...]) -> Table:
        """Return the rows added, in order, under ``header``."""
        return Table(header, tuple(self.rows), numeric=numeric, marks=tuple(self.marks))


def _credit_table(dispute: Dispute, part: DisputePart) -> Table:
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
    body = _TableRows()
    for entry in part.services:
        body.add(
            (
                entry.service,
                _measured(entry, "ours"),
                _measured(entry, "theirs"),
                *_credit_cells(entry.ours_credit, entry.theirs_credit, currency),
            ),
            agrees=entry.agrees,
        )
    body.total(("total", "", "", *_credit_cells(part.ours_total, part.theirs_total, currency)))
    return body.table(header, numeric=(1, 2, 3, 4, 5))


_LENGTHS = ("ours_only", "theirs_only", "both", "excluded_ours_only", "excluded_theirs_only")


def _time_table(part: DisputePart) -> Table | None:
    """One row per service and measure of time: the time in dispute, and the time agreed."""
    several = any(len(s.measures) > 1 for s in part.services)
    header = (
        "service",
        *(("measure",) if several else ()),
        "down, ours only",
        "down, theirs only",
        "down, both",
        "excluded, ours only",
        "excluded, theirs only",
    )
    body = _TableRows()
    totals = dict.fromkeys(_LENGTHS, 0)
    for entry in part.services:
        for m in entry.measures:
            lengths = m.lengths()
            for key in _LENGTHS:
                totals[key] += lengths[key]
            body.add(
                (
                    entry.service,
                    *((m.measure.label,) if several else ()),
                    *(length_text(lengths[key]) for key in _LENGTHS),
                ),
                agrees=not m.spans,
            )
    if not body.rows:
        return None
    body.total(
        ("total", *(("",) if several else ()), *(length_text(totals[key]) for key in _LENGTHS))
    )
    first = 2 if several else 1
    return body.table(header, numeric=tuple(range(first, len(header))))


def _requests_table(part: DisputePart) -> Table | None:
    """One row per service and request measure: each category's counts on each side."""
    header = (
        "service",
        "measure",
        "good, ours / theirs (difference)",
        "bad",
        "excluded",
        "ignored",
        "disputed buckets",
    )
    body = _TableRows()
    for entry in part.services:
        for r in entry.requests:
            counts = tuple(
                _count_text(r.ours.count(c), r.theirs.count(c)) for c in REQUEST_CATEGORIES
            )
            body.add(
                (entry.service, r.measure.label, *counts, f"{len(r.buckets):,}"), agrees=r.agrees
            )
    if not body.rows:
        return None
    return body.table(header, numeric=(2, 3, 4, 5, 6))


def _tickets_table(part: DisputePart) -> Table | None:
    """One row per service and support measure: judged, on time, late, not counted per side."""
    header = (
        "service",
        "measure",
        "judged, ours / theirs (difference)",
        "on time",
        "late",
        "not counted",
        "disputed tickets",
    )
    body = _TableRows()
    for entry in part.services:
        for t in entry.tickets:
            a, b = t.ours, t.theirs
            body.add(
                (
                    entry.service,
                    t.measure.label,
                    _count_text(a.judged, b.judged),
                    _count_text(a.on_time, b.on_time),
                    _count_text(a.late, b.late),
                    _count_text(a.not_counted, b.not_counted),
                    f"{len(t.tickets):,}",
                ),
                agrees=t.agrees,
            )
    if not body.rows:
        return None
    return body.table(header, numeric=(2, 3, 4, 5, 6))


def _part_tables(dispute: Dispute, part: DisputePart, level: int) -> list[Block]:
    """The part's credits, and its time, requests and tickets in dispute, at heading ``level``."""
    currency = dispute.currency
    return [
        Heading(level, f"Credits ({currency})"),
        _credit_table(dispute, part),
        *_headed_table(
            level,
            "Time in dispute",
            "Counted down time of one side only and of both, and time one side's exclusion "
            "clauses took out and the other's did not.",
            _time_table(part),
        ),
        *_headed_table(
            level,
            "Requests in dispute",
            "Each side's requests of the service in each request measure, by what the "
            "measure made of them: ours, theirs, and theirs' count less ours' in brackets; "
            "and how many buckets the two sides judge differently.",
            _requests_table(part),
        ),
        *_headed_table(
            level,
            "Tickets in dispute",
            "Each side's tickets of the service in each support measure: judged (on time "
            "or late) and not counted (pending, outside the period, another priority ...), "
            "ours, theirs, and theirs' count less ours' in brackets; and how many tickets "
            "the two sides judge differently.",
            _tickets_table(part),
        ),
    ]


def _headed_table(level: int, heading: str, intro: str, table: Table | None) -> list[Block]:
    """``table`` under a heading of ``level`` and a paragraph ``intro``; nothing without it."""
    if table is None:
        return []
    return [Heading(level, heading), Para(intro), table]


def _summary(dispute: Dispute) -> list[Block]:
    currency = dispute.currency
    n_disputed = sum(1 for s in dispute.services if not s.agrees or _disagree_in_a_part(dispute, s))
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
    ]
    if dispute.split:
        blocks += _versions_summary(dispute)
        return blocks
    (part,) = _parts(dispute)
    blocks += _part_tables(dispute, part, 3)
    blocks.insert(
        4,
        Para(
            "Credits are exact; each difference is theirs' credit less ours'. The total at "
            f"stake is theirs' exact total less ours', {money_text(dispute.stake, currency)}, "
            f"rounded once ({dispute.rounding.describe()}): "
            f"{_signed_money(dispute, dispute.stake)}."
        ),
    )
    return blocks


def _versions_summary(dispute: Dispute) -> list[Block]:
    """The credits of each version's part on each side, and the totals rounded once."""
    currency = dispute.currency
    clock = _Clock(dispute.period.tz)
    body = _TableRows()
    for part in dispute.parts:
        body.add(
            (
                part.version,
                f"{clock.local(part.start)} to {clock.local(part.end)}",
                fraction_text(part.share).removesuffix(" (exact)"),
                *_credit_cells(part.ours_total, part.theirs_total, currency),
            ),
            agrees=part.agrees,
        )
    body.total(
        ("total", "", "", *_credit_cells(dispute.ours_total, dispute.theirs_total, currency))
    )
    return [
        Heading(3, f"Credits by version ({currency})"),
        body.table(
            ("version", "in force", "share of the fee", "ours", "theirs", "difference"),
            numeric=(2, 3, 4, 5),
        ),
        Para(
            "An amendment splits the period: each version's terms are evaluated over its part "
            "of the period, the fee pro-rated to the part, on both sides, as "
            "`slakit.evaluate_versions()` does. Each side's total adds its parts' exact "
            f"credits, ours' {money_text(dispute.ours_total, currency)} and theirs' "
            f"{money_text(dispute.theirs_total, currency)}, and is rounded once with the "
            f"latest version's rounding ({dispute.rounding.describe()}); at stake "
            f"{money_text(dispute.stake, currency)}, rounded once: "
            f"{_signed_money(dispute, dispute.stake)}."
        ),
    ]


def chart_range(dispute: Dispute | DisputePart, m: MeasureDispute) -> tuple[int, int]:
    """Return the time a measure's chart shows: around its disputed spans, or all of it.

    The disputed spans' hull, widened on each side by a quarter of its length
    (an hour at least), within the measured time (of the dispute, or of one of
    its parts); the whole measured time when that is more than half of it
    (spans spread over the period).
    """
    if not m.spans:
        return dispute.start, dispute.end
    first, last = m.spans[0].start, max(span.end for span in m.spans)
    pad = max((last - first) // 4, US_PER_HOUR)
    start, end = max(dispute.start, first - pad), min(dispute.end, last + pad)
    if 2 * (end - start) > dispute.end - dispute.start:
        return dispute.start, dispute.end
    return start, end


def _measure_chart(
    dispute: Dispute, part: DisputePart, m: MeasureDispute, ident: str, clock: _Clock
) -> Figure:
    ours_only, theirs_only, both = m.ours_only, m.theirs_only, m.both
    start, end = chart_range(part, m)
    whole = (start, end) == (part.start, part.end)
    if whole and not dispute.split:
        shown = f"the period {dispute.period.label}"
    elif whole:
        shown = f"the part of {dispute.period.label} under version {part.version}"
    else:
        shown = f"{clock.local(start)} to {clock.local(end)}, around the disputed spans"
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


def _span_cells(clock: _Clock, start: int, end: int) -> tuple[str, ...]:
    """A span in the agreement's zone (unless UTC) and in UTC."""
    local = (f"{clock.local(start)} to {clock.local(end)}",) if not clock.utc else ()
    return (*local, f"{clock.in_utc(start)} to {clock.in_utc(end)}")


def _span_header(clock: _Clock, what: str) -> tuple[str, ...]:
    return ((f"{what} ({clock.tz})",) if not clock.utc else ()) + (f"{what} (UTC)",)


def _spans_table(dispute: Dispute, spans: Sequence[DisputedSpan], clock: _Clock) -> Table:
    """One row per span: in the agreement's zone, in UTC beside it, its length, states, worth."""
    currency = dispute.currency
    header = (*_span_header(clock, "span"), "length", "ours / theirs", "worth")

    def cells(span: DisputedSpan) -> tuple[str, ...]:
        return (
            *_span_cells(clock, span.start, span.end),
            length_text(span.length_us),
            f"{span.ours} / {span.theirs}",
            _worth_text(span.worth, currency),
        )

    return Table(
        header,
        tuple(cells(span) for span in spans),
        numeric=(len(header) - 3, len(header) - 1),
    )


def _bucket_side(verdict: str, requests: int, errors: int) -> str:
    """``'down: 12 of 100 bad'``, ``'bad: empty'``."""
    if requests == 0:
        return f"{verdict}: empty"
    return f"{verdict}: {errors:,} of {requests:,} bad"


def _buckets_table(dispute: Dispute, buckets: Sequence[DisputedBucket], clock: _Clock) -> Table:
    """One row per disputed bucket: its span, each side's verdict and counts, its worth."""
    currency = dispute.currency
    header = (*_span_header(clock, "bucket"), "ours", "theirs", "worth")
    rows = tuple(
        (
            *_span_cells(clock, b.start, b.end),
            _bucket_side(b.ours, b.ours_requests, b.ours_errors),
            _bucket_side(b.theirs, b.theirs_requests, b.theirs_errors),
            _worth_text(b.worth, currency),
        )
        for b in buckets
    )
    return Table(header, rows, numeric=(len(header) - 1,))


def _count_para(measure: Measure, n: int, item: str) -> Para:
    """``'Uptime: 2 disputed spans.'``: how many ``item``s of ``measure`` are disputed."""
    return Para(f"{measure.label}: {n} disputed {item}{'s' if n != 1 else ''}.")


def _disputed(
    dispute: Dispute, part: DisputePart, clock: _Clock, ident: str, level: int
) -> list[Block]:
    """The disputed spans and buckets of each service of ``part``, under a heading of ``level``."""
    shown = [s for s in part.services if s.spans or s.buckets]
    unexplained = [s.service for s in part.services if not s.agrees and not s.explained]
    spanned = any(
        s.measures or any(hasattr(r.measure, "bucket") for r in s.requests) for s in part.services
    )
    if not spanned and not unexplained:
        return []  # no measure of time and no bucketed measure: nothing is compared span by span
    blocks: list[Block] = [Heading(level, "Disputed spans")]
    if unexplained:
        blocks.append(
            Para(
                f"The credits of {', '.join(unexplained)} differ with no disputed span: the "
                "difference lies in what is not compared item by item (the weights of degraded "
                "states and affected shares, latency percentiles, credit rules that read other "
                "input).",
                tone="note",
            )
        )
    if not shown:
        blocks.append(Para("The two sides' evidence agrees on every span of every service."))
        return blocks
    blocks.append(
        Para(
            "Every span where the two sides' evidence puts the service in different states "
            "(down, excluded, up, not eligible), and every bucket of a request measure the two "
            "sides judge differently, never truncated. The worth of a span is the change in "
            "ours' credit when ours' events over that span are replaced by theirs', of a bucket "
            "when ours' requests in it are; worths do not add up (credits are paid in bands)."
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
            parts.append(_measure_chart(dispute, part, m, f"{ident}{chart}", clock))
            chart += 1
            parts.append(_count_para(m.measure, len(m.spans), "span"))
            parts.append(_spans_table(dispute, m.spans, clock))
        for r in entry.requests:
            if not r.buckets:
                continue
            parts.append(_count_para(r.measure, len(r.buckets), "bucket"))
            parts.append(_buckets_table(dispute, r.buckets, clock))
        blocks.append(
            Section(
                level + 1,
                f"Service {entry.service}",
                tuple(parts),
                collapsible=True,
                anchor=f"{ident}-{entry.service}",
            )
        )
    return blocks


def _ticket_side(view: TicketView) -> str:
    """``'late by 30 min'``, ``'unanswered, late by at least 2 h'``, ``'on time'``, ``'absent'``."""
    if view.status == "late":
        return f"late by {length_text(view.late_by_us)}"
    if view.status == "late, unanswered":
        return f"unanswered, late by at least {length_text(view.late_by_us)}"
    return view.status


def _optional_local(clock: _Clock, us: int | None) -> str:
    return "none" if us is None else clock.local(us)


def _business(view: TicketView) -> str:
    return "-" if view.elapsed_us is None else length_text(view.elapsed_us)


def _tickets_of_measure(dispute: Dispute, t: TicketDispute, clock: _Clock) -> Table:
    """One row per disputed ticket: each side's fate and times, and the worth."""
    currency = dispute.currency
    timed = getattr(t.measure, "of", t.measure)
    event = "first response" if getattr(timed, "kind", "") == "response" else "resolution"
    header = (
        "ticket",
        "ours",
        "theirs",
        "opened",
        f"{event}, ours",
        f"{event}, theirs",
        "business time, ours / theirs",
        "target",
        "worth",
    )
    rows = []
    for ticket in t.tickets:
        a, b = ticket.ours, ticket.theirs
        opened = {x for x in (a.opened, b.opened) if x is not None}
        target = next((v.target_us for v in (a, b) if v.target_us is not None), None)
        rows.append(
            (
                ticket.id + (f" ({a.priority or b.priority})" if a.priority or b.priority else ""),
                _ticket_side(a),
                _ticket_side(b),
                " / ".join(clock.local(x) for x in sorted(opened)),
                _optional_local(clock, a.stopped) if a.status != "absent" else "-",
                _optional_local(clock, b.stopped) if b.status != "absent" else "-",
                f"{_business(a)} / {_business(b)}",
                "-" if target is None else length_text(target),
                _worth_text(ticket.worth, currency),
            )
        )
    return Table(header, tuple(rows), numeric=(6, 7, 8))


def _disputed_tickets(
    dispute: Dispute, part: DisputePart, clock: _Clock, ident: str, level: int
) -> list[Block]:
    """The disputed tickets of each service of ``part`` (only when it has support measures)."""
    if not any(entry.tickets for entry in part.services):
        return []
    blocks: list[Block] = [Heading(level, "Disputed tickets")]
    shown = [s for s in part.services if s.disputed_tickets]
    if not shown:
        blocks.append(Para("The two sides judge every ticket of every service alike."))
        return blocks
    blocks.append(
        Para(
            "Every ticket, matched by its id, whose fate differs between the sides where at "
            "least one side judged it (on time or late); *absent*: the side has no such "
            "ticket of the service. Times are each side's own; the business time runs from "
            "opening to the response or resolution (or the period's end), pauses removed. The "
            "worth of a ticket is the change in ours' credit when ours' copy of it is replaced "
            "by theirs'."
        )
    )
    for entry in shown:
        parts: list[Block] = []
        for t in entry.tickets:
            if not t.tickets:
                continue
            parts.append(_count_para(t.measure, len(t.tickets), "ticket"))
            parts.append(_tickets_of_measure(dispute, t, clock))
        blocks.append(
            Section(
                level + 1,
                f"Tickets of {entry.service}",
                tuple(parts),
                collapsible=True,
                anchor=f"{ident}-tickets-{entry.service}",
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
            "**Requests**: each side's requests of the service by what the measure made of "
            "them (good, bad, excluded, ignored). A bucket of a bucketed measure is *down*, "
            "*bad* or *excluded* (empty), *partial* (error-rate uptime) or *good* on each side; "
            "a disputed bucket is one judged differently, compared when both sides have "
            "counted requests of the service. Its worth: ours' requests of the service in the "
            "bucket replaced by theirs'."
        ),
        (
            "**Tickets**: matched by id; a disputed ticket's fate (on time, late, pending, ...) "
            "differs between the sides and at least one side judged it. Its worth: ours' copy "
            "of the ticket replaced by theirs' (removed when theirs has none)."
        ),
        (
            "**Not compared item by item**: the weights of down time (degraded states, affected "
            "shares) and latency percentiles; they differ in the values and credits only."
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


def _part_blocks(
    dispute: Dispute, part: DisputePart, clock: _Clock, ident: str, level: int
) -> list[Block]:
    """The disputed spans, buckets and tickets of ``part``, with headings of ``level``."""
    return [
        *_disputed(dispute, part, clock, ident, level),
        *_disputed_tickets(dispute, part, clock, ident, level),
    ]


def dispute_blocks(dispute: Dispute, *, ident: str = "d") -> list[Block]:
    """Return the dispute as document blocks: header, summary, disputed items, method.

    Over a period an amendment splits, the summary gives each version's credits
    and the totals, and each version's part follows in a section of its own
    (``Version v2 (price review)``) with its credits, time, requests and tickets
    in dispute, and its disputed spans, buckets and tickets.
    """
    clock = _Clock(dispute.period.tz)
    blocks = [*_header(dispute, clock), *_summary(dispute)]
    if not dispute.split:
        (part,) = _parts(dispute)
        blocks += _part_blocks(dispute, part, clock, ident, 2)
    else:
        for k, part in enumerate(dispute.parts):
            inner: list[Block] = [
                Para(
                    f"In force {clock.local(part.start)} to {clock.local(part.end)}: "
                    f"{fraction_text(part.share).removesuffix(' (exact)')} of the period's fee. "
                    f"Ours' credit **{money_text(part.ours_total, dispute.currency)}**, theirs' "
                    f"**{money_text(part.theirs_total, dispute.currency)}**: difference "
                    f"**{_signed(part.stake, dispute.currency)}**."
                ),
                *_part_tables(dispute, part, 3),
                *_part_blocks(dispute, part, clock, f"{ident}{k}v", 3),
            ]
            blocks.append(Section(2, f"Version {part.version}", tuple(inner)))
    blocks += _method(dispute)
    return blocks


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
