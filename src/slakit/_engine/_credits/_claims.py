"""Kernels of ``slakit._dsl._claims``: claims, chronic breaches, remedies reported only.

A claim clause pays its rule's credit only on a claim filed in its window.
What counts as that claim (see [`Claim`][slakit.Claim]): of a service's claims
for the period (or, with a window after each ticket closes, for the ticket),
the earliest that is not rejected; filed, accepted and disputed claims all
count, and the line's note names the state (``claimed at T (accepted)``,
``claimed at T (disputed: REASON)``; plain ``claimed at T`` for a filed claim
without a reason). A service whose only claims were rejected is not paid, and
its adjustment says ``not paid: the claim filed at T was rejected: REASON``,
naming the earliest rejected claim.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._claims import Chronic, ClaimRequired, ReportOnly
from slakit._dsl._measures import Measure
from slakit._dsl._remedies import PerBreach, PerIncident
from slakit._engine._credits import _context as kernel
from slakit._engine._credits._compensation import objective_breached
from slakit._engine._credits._remedies import Incidents, incidents_of
from slakit._engine._inputs import register_records
from slakit._events._claims import Claim, ClaimTable, state_words
from slakit._events._tickets import NO_TIME, TicketTable
from slakit._results._amounts import Amounts
from slakit._results._tickets import TicketEvidence
from slakit._results._values import CreditLine
from slakit._time._instant import describe_us, format_us

__all__ = ["CLAIM_STATE", "carried", "claim_deadline"]

#: The column of each service's claim state, which the ledger's ``claim`` column reads.
I64 = npt.NDArray[np.int64]
CLAIM_STATE: Final = "claim.state"

register_records((Claim,), ClaimTable, ClaimTable.from_records)


# --- history: chronic breaches, remedies reported only -------------------------------------------


@kernel.credit_kernel(Chronic)
def _chronic(rule: Chronic, ctx: kernel.CreditContext) -> kernel.Credits:
    breached = objective_breached(rule.objective, ctx)
    earlier = ctx.history.of(ctx.path)[-(rule.of_last - 1) :] if rule.of_last > 1 else []
    count = breached.astype(np.int64)
    for _period, state in earlier:
        count += state["breached"]
    flagged = count >= rule.breached
    labels = [p.label for p, _ in earlier] + [ctx.period.label]
    columns = [state["breached"] for _, state in earlier] + [breached]

    def lines(i: int) -> list[CreditLine]:
        which = [label for label, col in zip(labels, columns, strict=True) if col[i]]
        note = (
            f"{rule.flag}: {rule.objective.describe()} breached in {int(count[i])} of the last "
            f"{rule.of_last} periods ({', '.join(which)})"
        )
        return [ctx.line(i, "chronic breach", Fraction(0), kind="flag", note=note)]

    own = {"breached": breached}
    return kernel.Credits(Amounts.zeros(ctx.n), flagged, lines, {ctx.path: own})


@kernel.credit_kernel(ReportOnly)
def _report_only(rule: ReportOnly, ctx: kernel.CreditContext) -> kernel.Credits:
    breached = objective_breached(rule.objective, ctx)

    def lines(i: int) -> list[CreditLine]:
        value = ctx.value(rule.objective.measure, i)
        note = f"{rule.objective.describe()} breached: {rule.remedy} (no credit)"
        shown = None if value is None else rule.objective.measure.format_value(value)
        return [
            ctx.line(i, "remedy", Fraction(0), kind="remedy", note=note, value=value, shown=shown)
        ]

    return kernel.Credits(Amounts.zeros(ctx.n), breached, lines)


# --- claims --------------------------------------------------------------------------------------


#: The deadline of a window that never closes: after every instant.
NEVER: Final = np.iinfo(np.int64).max


def _by(deadline: int) -> str:
    """Return `` (by T)``, or nothing for a window that never closes."""
    return "" if deadline == NEVER else f" (by {format_us(deadline)})"


def claim_deadline(rule: ClaimRequired, ctx: kernel.CreditContext) -> int:
    """Return the instant the claim window of ``ctx.period`` closes (exclusive)."""
    window = rule.window
    if window.after == "request":  # never closes
        return NEVER
    if window.after == "period end":
        assert window.length is not None
        return ctx.period.end + window.length.us
    period = ctx.period
    for _ in range(window.cycles):
        period = ctx.agreement.period.next(period)
    return period.end


def _claimed_words(table: ClaimTable, row: int) -> str:
    """Return ``claimed at T`` for the claim of ``row``, with its state where it is not plain."""
    state, reason = table.state[row], table.reason[row]
    return f"claimed at {format_us(int(table.filed[row]))}{state_words(state, reason)}"


def _rejected_words(table: ClaimTable, row: int) -> str:
    """Return ``the claim filed at T was rejected: REASON`` for the rejected claim of ``row``."""
    return (
        f"the claim filed at {format_us(int(table.filed[row]))} was rejected: {table.reason[row]}"
    )


def _ticket_verdict(
    closed: int, claims: ClaimTable | None, row: int | None, rejected: int | None, length_us: int
) -> tuple[bool, str]:
    """Return whether one late ticket's credit is claimed in time, and why, in words.

    ``row`` is the ticket's claim that counts (its earliest not rejected), and
    ``rejected`` its earliest rejected claim, rows of ``claims`` (``None``: none).
    """
    deadline = None if closed == NO_TIME else closed + length_us
    if row is not None:
        assert claims is not None
        words = _claimed_words(claims, row)
        if deadline is None or int(claims.filed[row]) < deadline:
            return True, words
        return False, f"{words}, after the window closed at {format_us(deadline)}"
    if rejected is not None:
        assert claims is not None
        return False, _rejected_words(claims, rejected)
    still = "" if deadline is not None else " (the ticket is still open)"
    due = "" if deadline is None else f", due by {format_us(deadline)}"
    return False, f"not claimed{still}{due}"


def _ticket_claims(
    rule: ClaimRequired, ctx: kernel.CreditContext, part: kernel.Credits
) -> kernel.Credits:
    """Pay each late ticket's credit only if that ticket was claimed within its window."""
    per_breach = rule.rule
    assert isinstance(per_breach, PerBreach)
    measure = per_breach.target
    assert isinstance(measure, Measure)
    outcome = ctx.outcomes[measure]
    tickets = ctx.inputs.get(TicketTable)
    claims = ctx.inputs.get(ClaimTable)
    length = rule.window.length
    assert length is not None
    resolved: dict[tuple[str, str], int] = {}
    if tickets is not None:
        for k, ticket_id in enumerate(tickets.ids):
            service = tickets.services[int(tickets.service[k])]
            resolved[(service, ticket_id)] = int(tickets.resolved[k])
    owed = part.amount.nonzero()
    paid_units = np.zeros(ctx.n, dtype=np.int64)
    late_units = np.ones(ctx.n, dtype=np.int64)
    rejected = np.zeros(ctx.n, dtype=bool)
    verdicts: dict[int, list[tuple[str, str]]] = {}
    for i in np.flatnonzero(owed).tolist():
        service = ctx.services[i]
        evidence = outcome.evidence_of(outcome.index(service))
        assert isinstance(evidence, TicketEvidence)
        late = [note for note in evidence.tickets if note.late]
        counted = {} if claims is None else claims.first_by_ticket(service)
        refused = {} if claims is None else claims.first_by_ticket(service, rejected=True)
        notes = [
            _ticket_verdict(
                resolved.get((service, n.id), NO_TIME),
                claims,
                counted.get(n.id),
                refused.get(n.id),
                length.us,
            )
            for n in late
        ]
        # only rejected claims for the late tickets: the service's state is "rejected"
        rejected[i] = not any(n.id in counted for n in late) and any(n.id in refused for n in late)
        paid_units[i] = sum(paid for paid, _ in notes)
        verdicts[i] = [(n.id, words) for n, (_, words) in zip(late, notes, strict=True)]
        late_units[i] = max(len(late), 1)
    amount = part.amount.times(paid_units, late_units)
    lines = _item_lines(
        rule,
        ctx,
        part,
        amount,
        {i: [f"ticket {tid}: {words}" for tid, words in v] for i, v in verdicts.items()},
    )
    states = _claim_states(owed, paid_units == late_units, paid_units == 0, rejected=rejected)
    return _claimed(part, amount, lines, states)


def _item_lines(
    rule: ClaimRequired,
    ctx: kernel.CreditContext,
    part: kernel.Credits,
    amount: Amounts,
    verdicts: dict[int, list[str]],
) -> Callable[[int], list[CreditLine]]:
    """Return the lines of a claim clause judged item by item (tickets, incidents).

    Each owed service's lines are its part's, then a claim line when every item
    was paid, else an adjustment of what was not; both list each item's verdict.
    """
    window = rule.window.describe()

    def lines(i: int) -> list[CreditLine]:
        out = part.lines(i)
        if i not in verdicts:
            return out
        note = f"{window}: {'; '.join(verdicts[i])}"
        unpaid = part.amount[i] - amount[i]
        if unpaid == 0:
            out.append(ctx.line(i, "claim", Fraction(0), kind="claim", note=note))
        else:
            out.append(kernel.adjustment(ctx, i, "claim required", -unpaid, note))
        return out

    return lines


def _claimed(
    part: kernel.Credits,
    amount: Amounts,
    lines: Callable[[int], list[CreditLine]],
    states: npt.NDArray[np.object_],
) -> kernel.Credits:
    """Return the claim clause's credits: what was claimed of ``part``, and each claim state."""
    return kernel.Credits(
        amount,
        part.shown,
        lines,
        kernel.merge_state(part),
        columns={**part.columns, CLAIM_STATE: states},
    )


def carried(
    *parts: kernel.Credits, applies: Sequence[kernel.Bools] | None = None
) -> dict[str, Any]:
    """Return the columns a combinator carries up from its parts: their claim states, merged.

    A claim clause anywhere in the compensation tree (inside a cap, a total, a
    choice) so reaches the top, where the ledger reads it. ``applies``, one mask
    per part, keeps a part's states only where that part is the one paid (an
    escalation pays one of its two rules). The states of several clauses merge
    per service as ``_claim_states`` names them: ``""`` where no clause owed the
    service anything, the one state where all agree, ``"partly claimed"`` where
    some were claimed and some not, else the first of ``"pending"``,
    ``"rejected"``, ``"late"`` and ``"not claimed"`` that one of them is.
    """
    found = [(k, p.columns[CLAIM_STATE]) for k, p in enumerate(parts) if CLAIM_STATE in p.columns]
    if not found:
        return {}
    if applies is None and len(found) == 1:
        return {CLAIM_STATE: found[0][1]}
    kept = [
        states if applies is None else np.where(applies[k], states, "").astype(object)
        for k, states in found
    ]
    stack = np.stack(kept)
    given = stack != ""
    paid = (stack == "claimed") | (stack == "partly claimed")
    return {
        CLAIM_STATE: _claim_states(
            given.any(axis=0),
            ~(given & (stack != "claimed")).any(axis=0),
            ~paid.any(axis=0),
            pending=(stack == "pending").any(axis=0),
            late=(stack == "late").any(axis=0),
            rejected=(stack == "rejected").any(axis=0),
        )
    }


def _claim_states(
    owed: npt.NDArray[np.bool_],
    claimed: npt.NDArray[np.bool_],
    unclaimed: npt.NDArray[np.bool_],
    *,
    pending: npt.NDArray[np.bool_] | None = None,
    late: npt.NDArray[np.bool_] | None = None,
    rejected: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.object_]:
    """Return each service's claim state, for the ledger.

    ``""`` where nothing is owed; else ``"claimed"``, ``"partly claimed"`` (some of
    a service's incidents), ``"pending"`` (no claim yet, the window still open),
    ``"rejected"`` (nothing paid, and every claim for the credit was rejected),
    ``"late"`` or ``"not claimed"``. Where several of ``pending``, ``rejected``
    and ``late`` hold for an unpaid service, the first of them names it.
    """
    out: npt.NDArray[np.object_] = np.full(owed.shape[0], "", dtype=object)
    out[owed] = "partly claimed"
    out[owed & unclaimed] = "not claimed"
    if late is not None:
        out[owed & unclaimed & late] = "late"
    if rejected is not None:
        out[owed & unclaimed & rejected] = "rejected"
    if pending is not None:
        out[owed & unclaimed & pending] = "pending"
    out[owed & claimed] = "claimed"
    return out


@attrs.frozen(eq=False)
class _TicketsByService:
    """A ticket table's rows grouped by service, each service's by opening: one sort."""

    tickets: TicketTable | None
    order: I64
    bounds: I64
    code: dict[str, int]

    @classmethod
    def of(cls, tickets: TicketTable | None) -> _TicketsByService:
        if tickets is None:
            return cls(None, np.zeros(0, np.int64), np.zeros(1, np.int64), {})
        order = np.lexsort((tickets.opened, tickets.service)).astype(np.int64)
        bounds = np.searchsorted(
            tickets.service[order], np.arange(len(tickets.services) + 1), side="left"
        ).astype(np.int64)
        return cls(tickets, order, bounds, {name: i for i, name in enumerate(tickets.services)})

    def of_service(self, service: str) -> tuple[I64, I64, list[str]]:
        """Return a service's tickets as (opened, resolved, ids), ordered by opening."""
        code = self.code.get(service)
        if self.tickets is None or code is None:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), []
        rows = self.order[self.bounds[code] : self.bounds[code + 1]]
        table = self.tickets
        return table.opened[rows], table.resolved[rows], [table.ids[r] for r in rows.tolist()]


def _incident_verdicts(
    rule: ClaimRequired,
    found: Incidents,
    k: int,
    service: str,
    *,
    tickets: _TicketsByService,
    claims: ClaimTable | None,
) -> tuple[npt.NDArray[np.bool_], list[str], bool]:
    """Judge each incident of outcome service ``k``: paid or not, and why, in words.

    Returns which of the service's incidents are paid, a sentence per incident,
    and whether its only claims were rejected.
    """
    window = rule.window
    assert window.length is not None
    lo, hi = np.searchsorted(found.group, [k, k + 1])
    starts, ends = found.start[lo:hi], found.end[lo:hi]
    opened, resolved, ids = tickets.of_service(service)
    # an incident's ticket: the first opened at or after it began and before the next began
    first = np.searchsorted(opened, starts, side="left")
    limit = np.append(starts[1:], np.iinfo(np.int64).max)
    counted = {} if claims is None else claims.first_by_ticket(service)
    refused = {} if claims is None else claims.first_by_ticket(service, rejected=True)
    paid = np.zeros(starts.shape[0], dtype=bool)
    words: list[str] = []
    any_counted = any_refused = False
    for j in range(starts.shape[0]):
        span = f"incident [{format_us(int(starts[j]))}, {format_us(int(ends[j]))})"
        t = int(first[j])
        if t >= opened.shape[0] or opened[t] >= limit[j]:
            words.append(f"{span}: not paid: no trouble ticket was opened for it")
            continue
        ticket, lead = ids[t], int(opened[t] - starts[j])
        if window.ticket_within is not None and lead > window.ticket_within.us:
            words.append(
                f"{span}: not paid: its ticket {ticket} was opened {describe_us(lead)} after "
                f"the fault, later than {window.ticket_within.words()}"
            )
            continue
        row, rejected = counted.get(ticket), refused.get(ticket)
        any_counted |= row is not None
        any_refused |= rejected is not None
        ok, verdict = _ticket_verdict(int(resolved[t]), claims, row, rejected, window.length.us)
        paid[j] = ok
        words.append(f"{span}, ticket {ticket}: {'paid: ' if ok else 'not paid: '}{verdict}")
    return paid, words, any_refused and not any_counted


def _incident_claims(
    rule: ClaimRequired, ctx: kernel.CreditContext, part: kernel.Credits
) -> kernel.Credits:
    """Pay each incident's credit only if its ticket and its claim were in time."""
    per_incident = rule.rule
    assert isinstance(per_incident, PerIncident)
    found = incidents_of(per_incident, ctx)
    tickets = _TicketsByService.of(ctx.inputs.get(TicketTable))
    claims = ctx.inputs.get(ClaimTable)
    owed = part.amount.nonzero()
    num = found.units.num
    paid_units = np.zeros(ctx.n, dtype=object)
    all_units = np.ones(ctx.n, dtype=object)
    rejected = np.zeros(ctx.n, dtype=bool)
    verdicts: dict[int, list[str]] = {}
    position = found.outcome.positions
    for i in np.flatnonzero(owed).tolist():
        service = ctx.services[i]
        k = position[service]
        lo, hi = np.searchsorted(found.group, [k, k + 1])
        paid, words, only_rejected = _incident_verdicts(
            rule, found, k, service, tickets=tickets, claims=claims
        )
        units = num[lo:hi]  # every unit of an incident shares one denominator
        paid_units[i] = sum(units[paid].tolist(), 0)
        all_units[i] = max(sum(units.tolist(), 0), 1)
        rejected[i] = only_rejected
        verdicts[i] = words
    amount = part.amount.times(paid_units, all_units)
    lines = _item_lines(rule, ctx, part, amount, verdicts)

    none_paid = owed & np.asarray(paid_units == 0, dtype=bool)
    all_paid = owed & np.asarray(paid_units == all_units, dtype=bool)
    states = _claim_states(owed, all_paid, none_paid, rejected=rejected)
    return _claimed(part, amount, lines, states)


@kernel.credit_kernel(ClaimRequired)
def _claim_required(rule: ClaimRequired, ctx: kernel.CreditContext) -> kernel.Credits:
    part = kernel.run(rule.rule, ctx.child(0))
    if rule.window.after == "ticket closed":
        return _ticket_claims(rule, ctx, part)
    if rule.window.after == "incident ticket":
        return _incident_claims(rule, ctx, part)
    deadline = claim_deadline(rule, ctx)
    table = ctx.inputs.get(ClaimTable)
    none = np.iinfo(np.int64).max
    # each service's claim that counts (its earliest not rejected) and earliest rejected claim
    counted = refused = np.full(ctx.n, -1, dtype=np.int64)
    filed = np.full(ctx.n, none, dtype=np.int64)
    if table is not None and len(table):
        counted = table.first(ctx.services, ctx.period.label)
        refused = table.first(ctx.services, ctx.period.label, rejected=True)
        filed = np.where(counted >= 0, table.filed[np.maximum(counted, 0)], none).astype(np.int64)
    as_of = None if table is None else table.as_of
    on_time = filed < deadline
    owed = part.amount.nonzero()
    amount = part.amount.masked(on_time)
    window = rule.window.describe()

    def lines(i: int) -> list[CreditLine]:
        out = part.lines(i)
        if not owed[i]:
            return out
        when = int(filed[i])
        if on_time[i]:
            assert table is not None
            claimed = _claimed_words(table, int(counted[i]))
            note = f"{claimed}, {window}{_by(deadline)}"
            out.append(ctx.line(i, "claim", Fraction(0), kind="claim", note=note))
            return out
        if when == none and refused[i] >= 0:
            assert table is not None
            note = f"not paid: {_rejected_words(table, int(refused[i]))}"
        elif when == none and as_of is not None and as_of < deadline:
            note = (
                f"pending: no claim as of {format_us(as_of)}; claims are due {window}"
                f"{_by(deadline)}"
            )
        elif when == none:
            note = (
                f"not paid: no claim was filed for {ctx.period.label}; claims are due "
                f"{window}{_by(deadline)}"
            )
        else:
            assert table is not None
            row = int(counted[i])
            note = (
                f"not paid: the claim was filed at {format_us(when)}"
                f"{state_words(table.state[row], table.reason[row])}, after the window "
                f"closed at {format_us(deadline)} ({window})"
            )
        out.append(kernel.adjustment(ctx, i, "claim required", -part.amount[i], note))
        return out

    missing = filed == none
    rejected = missing & (refused >= 0)
    states = _claim_states(
        owed,
        on_time,
        ~on_time,
        pending=missing & ~rejected & (as_of is not None and as_of < deadline),
        late=~missing,
        rejected=rejected,
    )
    return _claimed(part, amount, lines, states)
