"""Claims and remedies without money: claim windows, report-only remedies, chronic breach flags."""

from __future__ import annotations

from typing import Literal

import attrs

from slakit._dsl._combinators import _count, _objective, _rule
from slakit._dsl._compensation import CreditRule
from slakit._dsl._measures import Measure
from slakit._dsl._objectives import Objective
from slakit._node import DSLRepr, node, shown
from slakit._time._instant import Duration
from slakit._validation import check_duration
from slakit.exceptions import DefinitionError

__all__ = [
    "Chronic",
    "ClaimRequired",
    "ClaimWindow",
    "ReportOnly",
    "after_ticket_closes",
    "chronic",
    "claim_required",
    "incident_claims",
    "on_request",
    "report_only",
    "within_cycles",
    "within_days",
]

WindowFrom = Literal["period end", "cycles", "ticket closed", "request", "incident ticket"]


@node("claim_window")
@attrs.frozen(repr=False)
class ClaimWindow(DSLRepr):
    """When a claim must be filed: after the period ends, by the end of a cycle, or after a ticket.

    Build it with [`within_days()`][slakit.within_days], [`within_cycles()`][slakit.within_cycles]
    or [`after_ticket_closes()`][slakit.after_ticket_closes].
    """

    after: WindowFrom
    length: Duration | None = None
    cycles: int = 0
    #: For claims per incident: how soon after the fault its trouble ticket must be opened.
    ticket_within: Duration | None = None

    def describe(self) -> str:
        """Return the window in words."""
        if self.after == "period end":
            assert self.length is not None
            return f"within {self.length.words()} after the period ends"
        if self.after == "ticket closed":
            assert self.length is not None
            return f"within {self.length.words()} after the ticket closes"
        if self.after == "request":
            return "on request, at any time (no deadline)"
        if self.after == "incident ticket":
            assert self.length is not None
            ticket = (
                ""
                if self.ticket_within is None
                else f"a trouble ticket opened within {self.ticket_within.words()} of the fault, "
                "and "
            )
            return (
                f"per incident: {ticket}a claim naming the incident's ticket within "
                f"{self.length.words()} after the ticket closes"
            )
        ordinal = {1: "first", 2: "second", 3: "third"}.get(self.cycles, f"{self.cycles}th")
        return f"by the end of the {ordinal} billing cycle after the period"

    def __repr__(self) -> str:
        if self.after == "period end":
            return f"within_days({self.length!r})"
        if self.after == "ticket closed":
            return f"after_ticket_closes({self.length!r})"
        if self.after == "request":
            return "on_request()"
        if self.after == "incident ticket":
            ticket = "" if self.ticket_within is None else f", ticket_within={self.ticket_within!r}"
            return f"incident_claims(claim_within={self.length!r}{ticket})"
        return f"within_cycles({self.cycles})"


def within_days(length: Duration) -> ClaimWindow:
    """Return a claim window that closes ``length`` after the period ends (``days(30)``)."""
    check_duration(length, "within_days(length)", positive=True, example="days(30)")
    return ClaimWindow("period end", length=length)


def after_ticket_closes(length: Duration) -> ClaimWindow:
    """Return a claim window that closes ``length`` after each late ticket closes.

    For a credit per late ticket (``per_breach(response_time(...), amount)``):
    each late ticket's credit is paid only on a [`Claim`][slakit.Claim] naming
    that ticket (``ticket=``), filed before the ticket was resolved plus
    ``length``. While a ticket is still open its window is open too.
    """
    check_duration(length, "after_ticket_closes(length)", positive=True, example="days(14)")
    return ClaimWindow("ticket closed", length=length)


def incident_claims(
    *, claim_within: Duration, ticket_within: Duration | None = None
) -> ClaimWindow:
    """Return claims judged per incident: its trouble ticket, and a claim naming the ticket.

    For a credit per incident (``per_incident(...)``): each incident's credit is
    paid only if its trouble ticket (a [`Ticket`][slakit.Ticket] of the service)
    was opened within ``ticket_within`` of the fault (when given), and a
    [`Claim`][slakit.Claim] naming that ticket (``ticket=``) was filed within
    ``claim_within`` after the ticket was resolved (while the ticket is open,
    its window is open too). One claim can be in time for one incident and late
    for another; the credit counts the incidents claimed in time, and each
    refusal is explained.

    An incident's ticket is the first ticket of its service opened at or after
    the incident began and before the service's next incident began.
    """
    check_duration(claim_within, "incident_claims(claim_within)", positive=True, example="days(30)")
    if ticket_within is not None:
        check_duration(
            ticket_within, "incident_claims(ticket_within)", positive=True, example="hours(4)"
        )
    return ClaimWindow("incident ticket", length=claim_within, ticket_within=ticket_within)


def on_request() -> ClaimWindow:
    """Return a claim window that never closes: the credit is paid once it is claimed.

    "Credits are issued upon the customer's request" with no deadline: a
    credit without a claim is not paid (pending, when the claims table was
    read ``as_of`` an instant), and a claim filed at any time counts.
    """
    return ClaimWindow("request")


def within_cycles(cycles: int) -> ClaimWindow:
    """Return a claim window that closes at the end of the ``cycles``-th period after this one.

    "By the end of the second billing cycle after the incident" is ``within_cycles(2)``.
    """
    return ClaimWindow("cycles", cycles=_count("within_cycles: cycles", cycles))


@node("claim_required")
@attrs.frozen
class ClaimRequired(CreditRule):
    """``rule``'s credit, paid only on a claim filed in ``window``. See ``claim_required()``."""

    rule: CreditRule = attrs.field(metadata=shown(positional=True))
    window: ClaimWindow = attrs.field(metadata=shown(positional=True))

    def __attrs_post_init__(self) -> None:
        window: object = self.window
        if not isinstance(window, ClaimWindow):
            raise DefinitionError(
                f"claim_required: window={window!r} must be within_days(...), within_cycles(...), "
                "after_ticket_closes(...), on_request() or incident_claims(...)"
            )
        rule = _rule("claim_required", self.rule)
        if window.after == "incident ticket":
            from slakit._dsl._remedies import PerIncident

            if not isinstance(rule, PerIncident):
                raise DefinitionError(
                    f"claim_required({rule!r}, {window!r}): claims per incident need a credit "
                    "per incident, such as per_incident(uptime(), worth=usd('100'))"
                )
        if window.after == "ticket closed":
            from slakit._dsl._remedies import PerBreach
            from slakit._dsl._tickets import TicketTime

            if not (isinstance(rule, PerBreach) and isinstance(rule.target, TicketTime)):
                raise DefinitionError(
                    f"claim_required({rule!r}, {window!r}): a window after each ticket closes "
                    "needs a credit per late ticket, such as per_breach(response_time(...), "
                    "usd('100'))"
                )

    def measures(self) -> tuple[Measure, ...]:
        """Return the measures of the rule."""
        return self.rule.measures()

    def children(self) -> tuple[CreditRule, ...]:
        """Return the rule."""
        return (self.rule,)


def claim_required(rule: CreditRule, window: ClaimWindow) -> ClaimRequired:
    """Return ``rule`` whose credits are paid only when the customer claims them in ``window``.

    Claims are input records ([`Claim`][slakit.Claim], or a
    [`ClaimTable`][slakit.ClaimTable]) given beside the events. A credit without a
    claim, or with a claim filed after the window closed, is not paid, and the
    report says why. A claims table read ``as_of`` an instant before the window
    closes reports a missing claim as pending.

    A claim counts unless it was rejected: of a service's claims for the period
    (or, with [`after_ticket_closes()`][slakit.after_ticket_closes], for the
    ticket), the earliest that is not rejected decides, and the line names its
    state (``claimed at T (accepted)``, ``claimed at T (disputed: REASON)``). A
    service whose only claims were rejected is not paid (``not paid: the claim
    filed at T was rejected: REASON``), and the ledger's claim state reads
    ``rejected``.
    """
    return ClaimRequired(rule, window)  # the class checks the window and the rule


@node("report_only")
@attrs.frozen
class ReportOnly(CreditRule):
    """A remedy without money: a breach is reported with the remedy it triggers."""

    objective: Objective = attrs.field(metadata=shown(positional=True))
    remedy: str = attrs.field(metadata=shown(positional=True))

    def measures(self) -> tuple[Measure, ...]:
        """Return the objective's measure."""
        return (self.objective.measure,)


def report_only(objective: Objective, remedy: str) -> ReportOnly:
    """Return a remedy without money: a breach of ``objective`` is reported with ``remedy``.

    >>> import slakit as sla
    >>> report_only(sla.uptime() >= "99.9%", "root-cause analysis within 5 business days")
    report_only(uptime() >= '99.9%', 'root-cause analysis within 5 business days')
    """
    given: object = remedy
    if not isinstance(given, str) or not given.strip():
        raise DefinitionError(f"report_only: remedy={remedy!r} must say what the provider owes")
    return ReportOnly(_objective("report_only", objective), remedy)


@node("chronic")
@attrs.frozen
class Chronic(CreditRule):
    """A flag raised when breaches repeat, as in "breached 3 of the last 6 months"."""

    objective: Objective = attrs.field(metadata=shown(positional=True))
    breached: int
    of_last: int
    flag: str

    def measures(self) -> tuple[Measure, ...]:
        """Return the objective's measure."""
        return (self.objective.measure,)

    def describe(self) -> str:
        """Return the condition in words."""
        return (
            f"{self.flag}: {self.objective.describe()} breached in {self.breached} of the "
            f"last {self.of_last} periods"
        )


def chronic(
    objective: Objective, *, breached: int, of_last: int, flag: str = "chronic breach"
) -> Chronic:
    """Return a flag raised when ``objective`` is breached in ``breached`` of the last ``of_last``.

    The last ``of_last`` periods include this one; earlier periods come from
    the history [`statement()`][slakit.statement] carries. A flag pays nothing: it is
    reported (for example a termination right).
    """
    clause = f"chronic({objective!r}, ...)"
    breached = _count(f"{clause}: breached", breached)
    of_last = _count(f"{clause}: of_last", of_last)
    if breached > of_last:
        raise DefinitionError(f"{clause}: breached={breached} cannot exceed of_last={of_last}")
    given: object = flag
    if not isinstance(given, str) or not given.strip():
        raise DefinitionError(f"{clause}: flag={flag!r} must name the consequence")
    return Chronic(_objective(clause, objective), breached, of_last, flag)
