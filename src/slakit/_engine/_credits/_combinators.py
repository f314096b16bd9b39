"""Kernels of ``slakit._dsl._combinators``: totals, choices, caps, escalation, earn-back.

Combinators call their children's kernels and combine the columns; the lines
of a service always add up to its amount. Each carries its children's claim
states up (``carried``), so the ledger finds a claim clause wherever it sits.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import attrs
import numpy as np

from slakit._dsl._combinators import (
    Bonus,
    Cap,
    CyclesOfFees,
    EarnBack,
    Escalate,
    First,
    InOrder,
    Largest,
    Minimum,
    OnlyIfBreached,
    Scaled,
    Total,
    rolling_length,
)
from slakit._dsl._compensation import Charges, CreditRule, Fee
from slakit._dsl._measures import Measure
from slakit._engine._credits._claims import carried
from slakit._engine._credits._compensation import charged, cycles_charged, objective_breached
from slakit._engine._credits._context import (
    Bools,
    CreditContext,
    Credits,
    adjustment,
    credit_kernel,
    merge_state,
    run,
)
from slakit._money import Money
from slakit._ratio import format_percent
from slakit._results._amounts import Amounts
from slakit._results._evidence import Coded
from slakit._results._lines import LineColumns
from slakit._results._values import CreditLine
from slakit._time._instant import Duration
from slakit._time._periods import Period, quarterly, yearly

__all__: list[str] = []

# --- combinators ---------------------------------------------------------------------------------


def _children(rule: CreditRule, ctx: CreditContext) -> list[Credits]:
    return [run(child, ctx.child(k)) for k, child in enumerate(rule.children())]


def _sum(parts: list[Credits]) -> Credits:
    """Return the parts added up: every part's amount, and the lines of every part shown."""
    amount = parts[0].amount
    shown = parts[0].shown.copy()
    for part in parts[1:]:
        amount = amount + part.amount
        shown |= part.shown

    def lines(i: int) -> list[CreditLine]:
        return [line for part in parts if part.shown[i] for line in part.lines(i)]

    def line_columns() -> LineColumns:
        return LineColumns.merged(part.all_lines() for part in parts)

    return Credits(
        amount, shown, lines, merge_state(*parts), carried(*parts), line_columns=line_columns
    )


@credit_kernel(Total)
def _total(rule: Total, ctx: CreditContext) -> Credits:
    return _sum(_children(rule, ctx))


@credit_kernel(InOrder)
def _in_order(rule: InOrder, ctx: CreditContext) -> Credits:
    parts: list[Credits] = []
    so_far: Amounts | None = ctx.deduct
    for k, child in enumerate(rule.rules):
        part = run(child, ctx.child(k, deduct=so_far))
        parts.append(part)
        so_far = part.amount if so_far is None else so_far + part.amount
    return _sum(parts)


@credit_kernel(Largest)
def _largest(rule: Largest, ctx: CreditContext) -> Credits:
    parts = _children(rule, ctx)
    best = parts[0].amount
    chosen = np.zeros(ctx.n, dtype=np.int64)
    for k, part in enumerate(parts[1:], start=1):
        better = best.less(part.amount)
        chosen[better] = k
        best = part.amount.where(better, best)
    shown = np.zeros(ctx.n, dtype=bool)
    for part in parts:
        shown |= part.shown

    def lines(i: int) -> list[CreditLine]:
        out: list[CreditLine] = []
        winner = int(chosen[i])
        for k, part in enumerate(parts):
            if not part.shown[i]:
                continue
            out.extend(part.lines(i))
            value = part.amount[i]
            if k != winner and value != 0:
                out.append(
                    adjustment(
                        ctx,
                        i,
                        "largest of the remedies",
                        -value,
                        f"not paid: only the largest remedy pays, "
                        f"{rule.rules[winner]!r} ({ctx.money(best[i])})",
                    )
                )
        return out

    return Credits(best, shown, lines, merge_state(*parts), carried(*parts))


@credit_kernel(First)
def _first(rule: First, ctx: CreditContext) -> Credits:
    parts = _children(rule, ctx)
    chosen = np.full(ctx.n, -1, dtype=np.int64)
    amount = Amounts.zeros(ctx.n)
    for k in range(len(parts) - 1, -1, -1):
        fires = parts[k].amount.nonzero()
        chosen[fires] = k
        amount = parts[k].amount.where(fires, amount)
    shown = np.zeros(ctx.n, dtype=bool)
    for part in parts:
        shown |= part.shown

    def lines(i: int) -> list[CreditLine]:
        k = int(chosen[i])
        if k >= 0:
            return parts[k].lines(i)
        return [line for part in parts if part.shown[i] for line in part.lines(i)]

    return Credits(amount, shown, lines, merge_state(*parts), carried(*parts))


def _window_key(window: str, period: Period, ctx: CreditContext) -> object:
    if window == "quarter":
        return quarterly(tz=ctx.agreement.period.tz).containing(period.start).label
    if window == "year":
        return yearly(tz=ctx.agreement.period.tz).containing(period.start).label
    return None


def _cap_base(rule: Cap, ctx: CreditContext, part: Credits) -> Amounts:
    """Return what a cap's share is of in this period: the fee in effect, or the charges billed.

    Charges are read where the capped rule pays (a service without a credit
    needs no billing data); under a billing cycle, each cycle's, summed.
    """
    if isinstance(rule.of, Fee):
        return ctx.fees()
    assert isinstance(rule.of, Charges)
    need = part.amount.positive()
    clause = f"cap(..., of={rule.of!r})"
    total = Amounts.zeros(ctx.n)
    for cycle in cycles_charged(ctx):
        total = total + charged(rule.of, ctx, cycle, need, clause)
    return total


def _nominal(rule: Cap, ctx: CreditContext, base_now: Amounts) -> Amounts:
    """Return the base days of service are counted at: the whole period's fee, or the charges."""
    return ctx.fees(prorated=False) if isinstance(rule.of, Fee) else base_now


@credit_kernel(Cap)
def _cap(rule: Cap, ctx: CreditContext) -> Credits:
    part = run(rule.rule, ctx.child(0))
    fee_now = _cap_base(rule, ctx, part)
    # the earlier periods of this cap's window: (paid, fee) per service
    earlier = ctx.history.of(ctx.path)
    if rule.per == "period":
        earlier = []
    elif rule.per in ("quarter", "year"):
        key = _window_key(rule.per, ctx.period, ctx)
        earlier = [(p, s) for p, s in earlier if _window_key(rule.per, p, ctx) == key]
    else:
        length = rolling_length(rule.per)
        if length is not None:
            earlier = earlier[len(earlier) - (length - 1) :] if length > 1 else []
    used = Amounts.zeros(ctx.n)
    fees = fee_now
    for _period, state in earlier:
        used = used + state["paid"]
        fees = fees + state["fee"]
    parts = None if ctx.within is None else ctx.within.nodes.get(ctx.path)
    if parts is not None:  # the earlier parts of this period (an amendment split it) count too
        used = used + parts["paid"]
        fees = fees + parts["fee"]
    if rule.across == "services":
        return _pool_cap(rule, ctx, part, fee_now=fee_now, used=used, fees=fees, within=parts)
    of = "the fee" if isinstance(rule.of, Fee) else rule.of.describe()
    if isinstance(rule.at_most, Money):
        limit = Amounts.constant(rule.at_most.exact(), ctx.n)
        limit_words = str(rule.at_most)
    elif isinstance(rule.at_most, CyclesOfFees):  # the fee per billing cycle, whole
        limit = ctx.fee_column.scale(Fraction(rule.at_most.count))
        limit_words = rule.at_most.words()
    elif isinstance(rule.at_most, Duration):  # days of paid service, at this period's fee
        limit = _nominal(rule, ctx, fee_now).scale(
            Fraction(rule.at_most.us, ctx.whole_period.length_us)
        )
        limit_words = f"{rule.at_most.words()} of paid service"
    else:
        limit = fees.scale(Fraction(rule.at_most))
        limit_words = f"{format_percent(rule.at_most)} of {of}"
    available = (limit - used).clip_low()
    binds = available.less(part.amount)
    amount = available.where(binds, part.amount)
    state = {"paid": amount, "fee": fee_now}
    window = "" if rule.per == "period" else f" per {rule.per}"

    def note(i: int) -> str:
        history = (
            f", of which {ctx.money(used[i])} was used {_before(rule, parts)}"
            if used[i] != 0
            else ""
        )
        return (
            f"capped: the credits of {ctx.money(part.amount[i])} exceed the cap of "
            f"{limit_words}{window} ({ctx.money(limit[i])}{history})"
        )

    return _capped(rule, ctx, part, amount=amount, state=state, where=binds, note=note)


def _with_adjustments(
    ctx: CreditContext,
    name: str,
    part: Credits,
    *,
    where: Bools,
    amount: Amounts,
    note: Callable[[int], str],
) -> Callable[[], LineColumns]:
    """Return the columnar lines of a rule ``name`` that adds an adjustment to its part's lines.

    Each shown service's lines are its part's, then, ``where`` the rule changed
    the amount to ``amount``, an adjustment of the difference (``note(i)``
    says why); the notes are written for those services only.
    """

    def line_columns() -> LineColumns:
        rows = np.flatnonzero(where & part.shown)
        changed = ctx.lines_at(
            rows,
            name,
            (amount - part.amount).take(rows),
            kind="adjustment",
            note=Coded.of(note(i) for i in rows.tolist()),
        )
        return LineColumns.merged([part.all_lines(), changed])

    return line_columns


def _before(rule: Cap, parts: object) -> str:
    """Where a cap's used credits were paid: earlier periods, earlier parts of the period."""
    if parts is None:
        return "in earlier periods"
    if rule.per == "period":
        return "in the earlier part of this period, which an amendment splits"
    return "in earlier periods and the earlier part of this period"


def _pool_cap(
    rule: Cap,
    ctx: CreditContext,
    part: Credits,
    *,
    fee_now: Amounts,
    used: Amounts,
    fees: Amounts,
    within: object = None,
) -> Credits:
    """One customer-level cap over the total of every service, its cut shared out pro rata."""
    before = part.amount.total()
    spent = used.total()
    if isinstance(rule.at_most, Money):
        limit = rule.at_most.exact()
        limit_words = str(rule.at_most)
    elif isinstance(rule.at_most, CyclesOfFees):  # every service's fee per cycle, whole
        limit = ctx.fee_column.total() * rule.at_most.count
        limit_words = f"{rule.at_most.words()} of every service"
    elif isinstance(rule.at_most, Duration):  # every service's days of paid service
        limit = _nominal(rule, ctx, fee_now).total() * Fraction(
            rule.at_most.us, ctx.whole_period.length_us
        )
        limit_words = f"{rule.at_most.words()} of every service's paid service"
    else:
        limit = fees.total() * Fraction(rule.at_most)
        total = (
            "the total fee" if isinstance(rule.of, Fee) else f"the total of {rule.of.describe()}"
        )
        limit_words = f"{format_percent(rule.at_most)} of {total} {ctx.money(fees.total())}"
    available = max(limit - spent, Fraction(0))
    positive = part.amount.positive()
    credited = part.amount.masked(positive).total()
    cut = before - available if before > available else Fraction(0)
    # each credited service gives up the same share of its credit: cut / credited
    amount = (
        part.amount.scale(1 - cut / credited).where(positive, part.amount) if cut else part.amount
    )
    state = {"paid": amount, "fee": fee_now}
    window = "" if rule.per == "period" else f" per {rule.per}"
    history = f", of which {ctx.money(spent)} was used {_before(rule, within)}" if spent else ""

    def note(i: int) -> str:
        share = part.amount[i] / credited
        return (
            f"capped across services: the customer's credits of {ctx.money(before)} over "
            f"{ctx.n} services exceed the cap of {limit_words}{window} "
            f"({ctx.money(limit)}{history}); the cut of {ctx.money(cut)} is allocated pro "
            f"rata to the credits: this service's {ctx.money(part.amount[i])} is "
            f"{share.numerator}/{share.denominator} of {ctx.money(credited)}"
        )

    where = positive & bool(cut)
    return _capped(rule, ctx, part, amount=amount, state=state, where=where, note=note)


def _capped(
    rule: Cap,
    ctx: CreditContext,
    part: Credits,
    *,
    amount: Amounts,
    state: dict[str, Amounts],
    where: Bools,
    note: Callable[[int], str],
) -> Credits:
    """Return a cap's credits: ``part`` cut to ``amount``, with a line where the cap cut it."""

    def lines(i: int) -> list[CreditLine]:
        out = part.lines(i)
        if where[i]:
            out.append(adjustment(ctx, i, rule.describe(), amount[i] - part.amount[i], note(i)))
        return out

    return Credits(
        amount,
        part.shown,
        lines,
        merge_state(part, own=state, path=ctx.path),
        carried(part),
        line_columns=_with_adjustments(
            ctx, rule.describe(), part, where=where, amount=amount, note=note
        ),
    )


@credit_kernel(Minimum)
def _minimum(rule: Minimum, ctx: CreditContext) -> Credits:
    part = run(rule.rule, ctx.child(0))
    floor = Amounts.constant(rule.amount.exact(), ctx.n)
    issued = floor.less_equal(part.amount) if rule.inclusive else floor.less(part.amount)
    dropped = ~issued & part.amount.nonzero()
    amount = part.amount.masked(issued)

    def lines(i: int) -> list[CreditLine]:
        out = part.lines(i)
        if dropped[i]:
            word = "at least" if rule.inclusive else "greater than"
            note = f"not issued: {ctx.money(part.amount[i])} is not {word} {rule.amount}"
            out.append(adjustment(ctx, i, rule.describe(), -part.amount[i], note))
        return out

    return Credits(amount, part.shown, lines, merge_state(part), carried(part))


@credit_kernel(OnlyIfBreached)
def _only_if_breached(rule: OnlyIfBreached, ctx: CreditContext) -> Credits:
    part = run(rule.rule, ctx.child(0))
    breached = objective_breached(rule.when, ctx)
    taken = ~breached & part.amount.nonzero()
    amount = part.amount.masked(breached)
    measure = rule.when.measure
    covered = ctx.covered(measure)

    def note(i: int) -> str:
        if not covered[i]:
            return f"not paid: {rule.when.describe()} does not apply to this service"
        value = ctx.value(measure, i)
        if value is None:
            return (
                f"not paid: {rule.when.describe()} has no data, which the tier does not "
                "count as a breach"
            )
        shown = measure.format_value(value)
        return f"not paid: {rule.when.describe()} was met: {measure.label} {shown}"

    def lines(i: int) -> list[CreditLine]:
        out = part.lines(i)
        if taken[i]:
            out.append(adjustment(ctx, i, rule.describe(), -part.amount[i], note(i)))
        return out

    claims = carried(part, applies=(breached,))  # a claim is owed only where the rule pays
    return Credits(amount, part.shown, lines, merge_state(part), claims)


@credit_kernel(Bonus)
def _bonus(rule: Bonus, ctx: CreditContext) -> Credits:
    part = run(rule.rule, ctx.child(0))

    def lines(i: int) -> list[CreditLine]:
        return [
            attrs.evolve(
                line,
                rule=f"bonus: {line.rule}",
                amount=-line.amount,
                kind="bonus" if line.kind == "credit" else line.kind,
            )
            for line in part.lines(i)
        ]

    return Credits(-part.amount, part.shown, lines, merge_state(part), carried(part))


@credit_kernel(Scaled)
def _scaled(rule: Scaled, ctx: CreditContext) -> Credits:
    part = run(rule.rule, ctx.child(0))
    if isinstance(rule.by, Measure):
        good, total = ctx.aligned(rule.by)
        top = total - good if rule.bad else good
        num = np.where(total > 0, top, 0)
        den = np.where(total > 0, total, 1)
        amount = part.amount.times(num, den)
    else:
        amount = part.amount.scale(Fraction(rule.by))
    by = rule.by

    def lines(i: int) -> list[CreditLine]:
        out = part.lines(i)
        if isinstance(by, Measure):
            value = ctx.value(by, i)
            share = Fraction(0) if value is None else (1 - value if rule.bad else value)
        else:
            share = Fraction(by)
        note = f"{rule.describe()}: {format_percent(share)} of {ctx.money(part.amount[i])}"
        if amount[i] != part.amount[i]:
            out.append(adjustment(ctx, i, "affected share", amount[i] - part.amount[i], note))
        return out

    return Credits(amount, part.shown, lines, merge_state(part), carried(part))


# --- history: escalation, earn-back ---------------------------------------------------------------


@credit_kernel(Escalate)
def _escalate(rule: Escalate, ctx: CreditContext) -> Credits:
    normal = run(rule.rule, ctx.child(0))
    higher = run(rule.to, ctx.child(1))
    breached = objective_breached(rule.when, ctx)
    earlier = ctx.history.of(ctx.path)[-rule.after :]
    escalated = breached.copy()
    if len(earlier) < rule.after:
        escalated[:] = False
    for _period, state in earlier:
        escalated &= state["breached"]
    amount = higher.amount.where(escalated, normal.amount)
    shown = np.where(escalated, higher.shown, normal.shown)
    labels = [p.label for p, _ in earlier]

    def lines(i: int) -> list[CreditLine]:
        if not escalated[i]:
            return normal.lines(i)
        note = (
            f"escalated: {rule.when.describe()} was breached in {', '.join(labels)} and "
            f"{ctx.period.label}"
        )
        return [*higher.lines(i), ctx.line(i, "escalation", Fraction(0), kind="claim", note=note)]

    own = {"breached": breached}
    remembered = merge_state(normal, higher, own=own, path=ctx.path)
    claims = carried(normal, higher, applies=(~escalated, escalated))  # the rule paid
    return Credits(amount, shown, lines, remembered, claims)


@credit_kernel(EarnBack)
def _earn_back(rule: EarnBack, ctx: CreditContext) -> Credits:
    part = run(rule.rule, ctx.child(0))
    breached = objective_breached(rule.when, ctx)
    earlier = ctx.history.of(ctx.path)
    pending: list[tuple[str, Amounts, int]] = list(earlier[-1][1]["pending"]) if earlier else []
    parts = None if ctx.within is None else ctx.within.nodes.get(ctx.path)
    if parts is not None:  # an earlier part of this period released or forgave some: not again
        left = {label: held for label, held, _ in parts["pending"] if label != ctx.period.label}
        none = Amounts.zeros(ctx.n)
        pending = [
            (label, held.minimum(left.get(label, none)), remaining)
            for label, held, remaining in pending
        ]
    released = Amounts.zeros(ctx.n)
    events: list[tuple[str, Amounts, Bools, Bools]] = []
    still: list[tuple[str, Amounts, int]] = []
    for label, held, remaining in pending:
        release = breached & held.nonzero()
        # forgiven only when the whole period has met the target: in its last part
        forgiven = ~breached & held.nonzero() & (remaining == 1) & ctx.last_part
        released = released + held.masked(release)
        events.append((label, held, release, forgiven))
        if not ctx.last_part:  # the period's last part counts it down
            still.append((label, held.masked(~release), remaining))
        elif remaining > 1:
            still.append((label, held.masked(~release), remaining - 1))
    held_now = part.amount.clip_low()
    still.append((ctx.period.label, held_now, rule.periods))
    amount = part.amount - held_now + released
    shown = part.shown | released.nonzero()
    for _label, held, _release, forgiven in events:
        shown |= forgiven & held.nonzero()

    def lines(i: int) -> list[CreditLine]:
        out = part.lines(i) if part.shown[i] else []
        if held_now[i] != 0:
            note = (
                f"held: forgiven if {rule.when.describe()} is met in each of the next "
                f"{rule.periods} periods, paid if it is breached in any of them"
            )
            out.append(adjustment(ctx, i, "earn-back", -held_now[i], note))
        for label, held, release, forgiven in events:
            if release[i]:
                note = (
                    f"released: the credit held from {label} is paid, as "
                    f"{rule.when.describe()} was breached in {ctx.period.label}"
                )
                out.append(adjustment(ctx, i, "earn-back", held[i], note))
            elif forgiven[i]:
                note = (
                    f"forgiven: the credit of {ctx.money(held[i])} held from {label} is earned back"
                )
                out.append(ctx.line(i, "earn-back", Fraction(0), kind="claim", note=note))
        return out

    own = {"pending": tuple(still)}
    remembered = merge_state(part, own=own, path=ctx.path)
    return Credits(amount, shown, lines, remembered, carried(part))
