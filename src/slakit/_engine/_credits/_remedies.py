"""Kernels of ``slakit._dsl._remedies``: fixed amounts, linear, prorated, downtime units."""

from __future__ import annotations

import decimal
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._compensation import FEE, Charges
from slakit._dsl._measures import Measure
from slakit._dsl._objectives import Objective
from slakit._dsl._remedies import (
    DowntimeUnits,
    Linear,
    PerBreach,
    PerIncident,
    Prorated,
    UnitRefund,
)
from slakit._engine._credits._compensation import (
    base_words,
    charged,
    credit_base,
    objective_breached,
)
from slakit._engine._credits._context import I64, CreditContext, Credits, credit_kernel
from slakit._events._billing import ChargeTable
from slakit._money import Money, exact_decimal, minor_unit
from slakit._ratio import decimal_of, format_percent
from slakit._results._amounts import Amounts, as_objects
from slakit._results._evidence import Coded, DownTime, MeasureOutcome, distinct, object_array
from slakit._results._lines import LineColumns
from slakit._results._values import CreditLine, fraction_text
from slakit._time._instant import Duration, describe_us, format_us
from slakit._time._periods import Period, PeriodRule
from slakit.exceptions import EvaluationError

__all__ = ["qualifying_units"]


def _measured_line(
    ctx: CreditContext, measure: Measure, i: int, rule: str, amount: Fraction, **fields: Any
) -> CreditLine:
    """Return service ``i``'s credit line showing the value of ``measure`` it was paid on."""
    value = ctx.value(measure, i)
    shown = None if value is None else measure.format_value(value)
    return ctx.line(i, rule, amount, value=value, shown=shown, **fields)


# --- fixed amounts -------------------------------------------------------------------------------


def _share_decimal(share: Fraction) -> Decimal:
    """Return a share as a ``Decimal``: exact when it has a finite decimal, else to 34 digits.

    The line's ``formula`` and its exact amount carry the exact share; this
    field only shows it, and does so whatever the thread's decimal context.
    """
    exact = decimal_of(share)
    if exact is not None:
        return exact
    return _SHOWN.divide(Decimal(share.numerator), Decimal(share.denominator))


#: The context of shares shown with no finite decimal form (1/3): 34 significant digits.
_SHOWN = decimal.Context(prec=34, Emin=decimal.MIN_EMIN, Emax=decimal.MAX_EMAX)


@credit_kernel(PerBreach)
def _per_breach(rule: PerBreach, ctx: CreditContext) -> Credits:
    if isinstance(rule.target, Objective):
        count: I64 = objective_breached(rule.target, ctx).astype(np.int64)
        measure = rule.target.measure
    else:
        good, total = ctx.aligned(rule.target)
        count = np.asarray(rule.target.bad_units(good, total), dtype=np.int64)
        measure = rule.target
    name = (
        f"per breach of {rule.target.describe()}"
        if isinstance(rule.target, Objective)
        else f"per {measure.label} miss"
    )
    if isinstance(rule.amount, Duration):  # time of service: each service's own worth
        worth = _unit_worth(rule, ctx, Amounts(count.astype(object), 1), name)
        amount = worth.unit.times(count)
        shown = count != 0

        def each(i: int) -> str:
            k = int(count[i])
            what = ("breach" if k == 1 else "breaches") if rule.target is not measure else "missed"
            return f"{k} {what} x {worth.each(i)}"

        def time_lines(i: int) -> list[CreditLine]:
            return [
                _measured_line(
                    ctx, measure, i, name, amount[i], base=worth.nominal(i), formula=each(i)
                )
            ]

        return Credits(amount, shown, time_lines)
    amount = Amounts.constant(rule.amount.exact(), ctx.n).times(count)
    shown = count != 0

    def formula(k: int) -> str:
        if isinstance(rule.target, Objective):
            what = "breach" if k == 1 else "breaches"
        else:
            what = "missed"
        return f"{k} {what} x {rule.amount}"

    def lines(i: int) -> list[CreditLine]:
        k = int(count[i])
        return [_measured_line(ctx, measure, i, name, amount[i], formula=formula(k))]

    def line_columns() -> LineColumns:
        rows = np.flatnonzero(shown)
        counts, which = distinct(count[rows])
        good, total = ctx.aligned(measure)
        return ctx.lines_at(
            rows,
            name,
            amount.take(rows),
            value=(good[rows], total[rows]),
            formula=Coded(which, object_array([formula(k) for k in counts.tolist()])),
        )

    return Credits(amount, shown, lines, line_columns=line_columns)


# --- linear in the shortfall ---------------------------------------------------------------------


def _steps(num: npt.NDArray[np.object_], den: npt.NDArray[np.object_], steps: str) -> Amounts:
    if steps == "exact":
        return Amounts(num, den)._reduced()
    if steps == "whole":
        return Amounts(num // den, 1)
    return Amounts(-((-num) // den), 1)


@credit_kernel(Linear)
def _linear(rule: Linear, ctx: CreditContext) -> Credits:
    objective = rule.objective
    good, total = ctx.aligned(objective.measure)
    g, t = as_objects(good), as_objects(total)
    target, per = Fraction(objective.target), Fraction(rule.per)
    a, b = target.numerator, target.denominator
    # the shortfall on the missed side is gap / (b * total)
    gap = a * t - b * g if objective.comparator in (">=", ">") else b * g - a * t
    missed = np.asarray(gap > 0, dtype=bool) & (total > 0)
    gap = np.where(missed, gap, 0)
    den = np.where(total > 0, b * t, 1)
    # the steps are the shortfall divided by per
    steps = _steps(gap * per.denominator, den * per.numerator, rule.steps)
    share = steps.scale(Fraction(rule.share))
    capped = np.zeros(ctx.n, dtype=bool)
    if rule.at_most is not None:
        limit = Amounts.constant(Fraction(rule.at_most), ctx.n)
        capped = limit.less(share)
        share = share.minimum(limit)
    name = f"linear credit on {objective.describe()}"
    base, nominal = credit_base(rule.base, ctx, share.positive(), name)
    amount = base.times(share.num, share.den)
    shown = amount.nonzero()

    def lines(i: int) -> list[CreditLine]:
        value = ctx.value(objective.measure, i)
        assert value is not None
        shortfall = abs(target - value)
        k = steps[i]
        fmt = objective.measure.format_value
        formula = (
            f"{format_percent(rule.share)} of {base_words(rule.base, ctx, base[i], i)} x "
            f"{fraction_text(k)} steps of {fmt(rule.per)} "
            f"(shortfall {format_percent(shortfall)} from {fmt(objective.target)})"
        )
        if capped[i]:
            formula += f", capped at {format_percent(rule.at_most or Decimal(0))}"
        return [
            ctx.line(
                i,
                name,
                amount[i],
                value=value,
                shown=fmt(value),
                share=_share_decimal(share[i]),
                base=nominal(i),
                formula=formula,
            )
        ]

    return Credits(amount, shown, lines)


# --- down time -----------------------------------------------------------------------------------


def _basis(
    rule: Prorated, ctx: CreditContext, down: Amounts
) -> tuple[Amounts, Callable[[int], str]]:
    """Return each service's down time over the basis (a share of time), and it in words.

    ``"period"`` and a fixed duration divide the down time by one length;
    ``"eligible"`` by each service's eligible time; a period rule divides the
    down time in each of its periods by that period's length, so every down
    minute is prorated over the period it fell in.
    """
    basis = rule.basis
    if basis == "period" or isinstance(basis, Duration):
        length = ctx.period.end - ctx.start if isinstance(basis, str) else basis.us
        per = describe_us(length)
        if isinstance(basis, str):
            per += f" ({rule.basis_words()})"
        return down.scale(Fraction(1, length)), lambda i: f"{describe_us(down[i])} down / {per}"
    if basis == "eligible":
        eligible = ctx.eligible_time(rule.measure)
        has = eligible.positive()
        share = down.times(np.where(has, eligible.den, 0), np.where(has, eligible.num, 1))
        return (
            share,
            lambda i: (
                f"{describe_us(down[i])} down / {describe_us(eligible[i])} ({rule.basis_words()})"
            ),
        )
    assert isinstance(basis, PeriodRule)
    parts: list[tuple[Period, Amounts]] = []
    t = ctx.start
    while t < ctx.period.end:
        part = basis.containing(t)
        parts.append((part, ctx.down_between(rule.measure, t, min(part.end, ctx.period.end))))
        t = part.end
    share = Amounts.zeros(ctx.n)
    for part, inside in parts:
        share = share + inside.scale(Fraction(1, part.length_us))

    def words(i: int) -> str:
        terms = [
            f"{describe_us(inside[i])} down in {part.label} / {describe_us(part.length_us)}"
            for part, inside in parts
            if inside[i] != 0
        ] or [f"0 seconds down / {describe_us(parts[0][0].length_us)}"]
        text = " + ".join(terms)
        return (f"({text})" if len(terms) > 1 else text) + f" ({rule.basis_words()})"

    return share, words


def _prorated_by_cycle(rule: Prorated, ctx: CreditContext) -> Credits:
    """Pay each down minute at the fee (or charges) of the billing cycle it fell in.

    ``multiple x sum over cycles of (base of the cycle x down time in it / its length)``;
    the base of a cycle is the fee per cycle, whole, or the charges billed in it.
    """
    if ctx.agreement.tier.billing is None:
        raise EvaluationError(
            f"{rule!r}: basis='cycle' needs a billing cycle; give the tier one "
            "(Tier(..., billing=monthly())) or use basis='period'"
        )
    name = f"prorated credit on {rule.measure.label}"
    parts: list[tuple[Period, Amounts, Amounts]] = []  # cycle, down time, base
    for cycle, share in ctx.cycles:
        if share == 0:
            continue
        inside = ctx.down_between(
            rule.measure, max(cycle.start, ctx.start), min(cycle.end, ctx.period.end)
        )
        if isinstance(rule.base, Charges):
            base = charged(rule.base, ctx, cycle, inside.positive(), name)
        else:
            base = ctx.fee_column
        if ctx.deduct is not None:
            base = (base - ctx.deduct).clip_low()
        parts.append((cycle, inside, base))
    amount = Amounts.zeros(ctx.n)
    for cycle, inside, base in parts:
        amount = amount + base.times(inside.num, inside.den * cycle.length_us)
    amount = amount.scale(Fraction(rule.multiple))
    shown = amount.nonzero()
    charges = isinstance(rule.base, Charges)

    def lines(i: int) -> list[CreditLine]:
        terms = [
            f"{ctx.money(base[i])} x {describe_us(inside[i])} down in {cycle.label} / "
            f"{describe_us(cycle.length_us)}"
            for cycle, inside, base in parts
            if inside[i] != 0
        ]
        what = rule.base.describe() if charges else "the fee per billing cycle"
        formula = f"{rule.multiple:f} x ({' + '.join(terms) or '0'}) ({what})"
        total = sum((base[i] for _c, _d, base in parts), Fraction(0))
        nominal = Money(exact_decimal(total, places=minor_unit(ctx.currency)), ctx.currency)
        return [
            _measured_line(
                ctx,
                rule.measure,
                i,
                name,
                amount[i],
                base=nominal if charges else ctx.fee(i),
                formula=formula,
            )
        ]

    return Credits(amount, shown, lines)


@credit_kernel(Prorated)
def _prorated(rule: Prorated, ctx: CreditContext) -> Credits:
    billing = ctx.agreement.tier.billing
    if rule.basis == "cycle" or (billing is not None and rule.basis == billing):
        return _prorated_by_cycle(rule, ctx)
    down = ctx.down_time(rule.measure)
    share, words = _basis(rule, ctx, down)
    factor = share.scale(Fraction(rule.multiple))
    name = f"prorated credit on {rule.measure.label}"
    # The basis "period" is the part of the period in effect, so the fee is that part's; any
    # other basis says itself what the fee pays for (a month, 30 days), so the fee is whole.
    whole = rule.basis != "period"
    base, nominal = credit_base(rule.base, ctx, down.positive(), name, prorated=not whole)
    amount = base.times(factor.num, factor.den)
    shown = amount.nonzero()

    def lines(i: int) -> list[CreditLine]:
        paid = base_words(rule.base, ctx, base[i], i, prorated=not whole)
        formula = f"{rule.multiple:f} x {paid} x {words(i)}"
        return [
            _measured_line(ctx, rule.measure, i, name, amount[i], base=nominal(i), formula=formula)
        ]

    return Credits(amount, shown, lines)


@attrs.frozen
class _UnitWorth:
    """What one unit of a rule is worth per service: money, or time of the base, prorated."""

    unit: Amounts
    base: Amounts
    nominal: Callable[[int], Money]
    each: Callable[[int], str]


def _unit_worth(
    rule: DowntimeUnits | PerIncident | PerBreach,
    ctx: CreditContext,
    units: Amounts,
    name: str,
) -> _UnitWorth:
    """Return each service's unit worth: the rule's worth as money, or as time of the base.

    Time is that much of the base over the period's length; the base is read
    only where ``units`` pay. A credit per breach is of the fee.
    """
    worth, rule_base = (
        (rule.amount, FEE) if isinstance(rule, PerBreach) else (rule.worth, rule.base)
    )
    if isinstance(worth, Money):
        unit = Amounts.constant(worth.exact(), ctx.n)
        return _UnitWorth(unit, unit, lambda _i: worth, lambda _i: str(worth))
    base, nominal = credit_base(rule_base, ctx, units.positive(), name)
    length = ctx.period.end - ctx.start
    unit = base.scale(Fraction(worth.us, length))

    def each(i: int) -> str:
        return (
            f"{ctx.money(unit[i])} ({worth.words()} of "
            f"{base_words(rule_base, ctx, base[i], i)} over {describe_us(length)})"
        )

    return _UnitWorth(unit, base, nominal, each)


@credit_kernel(DowntimeUnits)
def _downtime_units(rule: DowntimeUnits, ctx: CreditContext) -> Credits:
    down = ctx.down_time(rule.measure)
    units = _steps(down.num, down.den * rule.every.us, rule.steps)
    name = f"downtime units on {rule.measure.label}"
    worth = _unit_worth(rule, ctx, units, name)
    amount = worth.unit.times(units.num, units.den)
    shown = amount.nonzero()

    def lines(i: int) -> list[CreditLine]:
        formula = (
            f"{fraction_text(units[i])} units ({describe_us(down[i])} down, one unit per "
            f"{rule.every.words()}{' or part thereof' if rule.steps == 'started' else ''}) x "
            f"{worth.each(i)}"
        )
        return [
            _measured_line(
                ctx, rule.measure, i, name, amount[i], base=worth.nominal(i), formula=formula
            )
        ]

    return Credits(amount, shown, lines)


def _incident_units(rule: PerIncident, weighted: npt.NDArray[Any], scale: int) -> Amounts:
    """Return each incident's units: one, or its (weighted) length in units of ``every``.

    All share one denominator (1, or ``scale x every`` pro rata), so a service's
    units add up by their numerators.
    """
    n = weighted.shape[0]
    if rule.every is None:
        return Amounts(np.ones(n, dtype=object), np.ones(n, dtype=object))
    den = scale * rule.every.us
    if rule.steps == "exact":
        return Amounts(weighted.astype(object), np.full(n, den, dtype=object))
    whole = weighted // den if rule.steps == "whole" else -((-weighted) // den)
    return Amounts(whole.astype(object), np.ones(n, dtype=object))


def _count_words(value: Fraction, noun: str) -> str:
    """Return ``"1 unit"``, ``"3 units"``, ``"5/4 units"``."""
    return f"{fraction_text(value)} {noun}{'' if value == 1 else 's'}"


@attrs.frozen(eq=False)
class Incidents:
    """The incidents a credit per incident pays for, and each one's units.

    ``group`` indexes the measure outcome's services; the incidents are sorted
    by service and start; ``weighted`` is the down time counted in each, in
    ``1 / scale`` microseconds.
    """

    outcome: MeasureOutcome
    group: I64
    start: I64
    end: I64
    weighted: npt.NDArray[Any]
    scale: int
    units: Amounts


def incidents_of(rule: PerIncident, ctx: CreditContext) -> Incidents:
    """Return the incidents ``rule`` pays for in this period, with their units.

    Raises:
        EvaluationError: the measure gives no runs of down time (not an uptime measure).
    """
    outcome = ctx.outcomes[rule.measure]
    time = outcome.time
    runs = getattr(time, "runs", None)
    if time is None or runs is None:
        raise EvaluationError(
            f"{rule!r}: {rule.measure.label} gives no runs of down time to tell incidents "
            "apart; per_incident needs an uptime measure"
        )
    # an incident is a run the outages make; what it counts is the down time the measure
    # counts in it (exclusions and service windows take time out, they do not split it)
    g, start, end = runs.group, runs.start, runs.end
    weighted = as_objects(time.down_within(g, start, end))  # 1 / scale µs, per incident
    scale = outcome.scale
    keep = np.asarray(weighted > 0, dtype=bool)
    if rule.longer_than is not None:  # "an outage lasting longer than": its clock time
        keep &= (end - start) > rule.longer_than.us
    g, start, end, weighted = g[keep], start[keep], end[keep], weighted[keep]
    units = _incident_units(rule, weighted, scale)
    return Incidents(outcome, g, start, end, weighted, scale, units)


@credit_kernel(PerIncident)
def _per_incident(rule: PerIncident, ctx: CreditContext) -> Credits:
    found = incidents_of(rule, ctx)
    outcome, g, start, end = found.outcome, found.group, found.start, found.end
    weighted, scale, units = found.weighted, found.scale, found.units
    m = len(outcome.services)
    num = np.zeros(m, dtype=object)
    np.add.at(num, g, units.num)  # every unit of an incident shares one denominator
    den = np.full(m, 1 if rule.every is None or rule.steps != "exact" else scale * rule.every.us)
    count = np.bincount(g, minlength=m).astype(np.int64)
    per_service = Amounts(ctx.spread(outcome, num), ctx.spread(outcome, den.astype(object), 1))
    per_service = per_service._reduced()
    incidents = ctx.spread(outcome, count)
    name = f"incident credits on {rule.measure.label}"
    worth = _unit_worth(rule, ctx, per_service, name)
    amount = worth.unit.times(per_service.num, per_service.den)
    shown = amount.nonzero()
    first = np.searchsorted(g, np.arange(m + 1))  # the incidents of outcome service k
    at = {service: k for k, service in enumerate(outcome.services)}

    def lines(i: int) -> list[CreditLine]:
        k = at[ctx.services[i]]
        listed = []
        for j in range(int(first[k]), int(first[k + 1])):
            counted = Fraction(int(weighted[j]), scale)
            text = f"[{format_us(int(start[j]))}, {format_us(int(end[j]))})"
            if counted != end[j] - start[j]:
                text += f" {describe_us(int(end[j] - start[j]))}, {describe_us(counted)} counted"
            else:
                text += f" {describe_us(counted)}"
            if rule.every is not None:
                text += f", {_count_words(units[j], 'unit')}"
            listed.append(text)
        formula = (
            f"{int(incidents[i])} incident{'s' * (int(incidents[i]) != 1)} "
            f"({'; '.join(listed)}): "
            f"{_count_words(per_service[i], 'incident' if rule.every is None else 'unit')} x "
            f"{worth.each(i)}"
        )
        return [
            _measured_line(
                ctx, rule.measure, i, name, amount[i], base=worth.nominal(i), formula=formula
            )
        ]

    return Credits(amount, shown, lines)


def qualifying_units(
    time: DownTime, scale: int, n: int, *, origin: int, end: int, every: int, over: int
) -> I64:
    """Return, per service, how many units ``[origin + k*every, ...)`` have over ``over`` down.

    Down time is weighted (``time.layers``, in ``1 / scale`` µs). The cost grows
    with the number of span boundaries, never with the number of units: between
    two consecutive boundaries of the layers the down rate is constant, so the
    units wholly inside such a segment all qualify or none does and are counted
    by arithmetic; only the units that hold a boundary (one per boundary at most)
    are measured.
    """
    layers = time.layers
    group = np.concatenate([spans.group for _, spans in layers] * 2)
    at = np.concatenate([spans.start for _, spans in layers] + [spans.end for _, spans in layers])
    # Steps are small integers unless weights are very fine; then exact Python integers.
    kind = np.int64 if sum(step for step, _ in layers) * len(at) < 2**62 else object
    rate_step = np.concatenate(
        [np.full(len(spans), step, dtype=kind) for step, spans in layers]
        + [np.full(len(spans), -step, dtype=kind) for step, spans in layers]
    )
    count = np.zeros(n, dtype=np.int64)
    if at.shape[0] == 0:
        return count
    order = np.lexsort((at, group))
    group, at, rate_step = group[order], at[order], rate_step[order]
    # The down rate (in 1/scale per µs) after each boundary: a service's steps add up to 0.
    rate = np.cumsum(rate_step)
    seg = np.flatnonzero((group[:-1] == group[1:]) & (at[1:] > at[:-1]) & (rate[:-1] > 0))
    lo, hi, g, r = at[seg], at[1:][seg], group[seg], rate[seg]
    # Units wholly inside a segment: from the first unit starting at or after lo to the last
    # ending at or before hi (a unit cut short by the period's end is never wholly inside).
    first_full = -((origin - lo) // every)
    last_full = np.minimum((hi - origin) // every, (end - origin) // every)
    full = np.maximum(last_full - first_full, 0)
    qualifies = as_objects(r) * every > over * scale
    qualifies = np.asarray(qualifies, dtype=bool)
    np.add.at(count, g[qualifies], full[qualifies])
    # Each unit that holds a boundary (other than at its own start) is measured exactly.
    off = (at - origin) % every != 0
    cand = np.unique(np.stack((group[off], (at[off] - origin) // every)), axis=1)
    cg, cu = cand[0], cand[1]
    u0 = origin + cu * every
    measured = as_objects(time.down_within(cg, u0, np.minimum(u0 + every, end)))
    hit = np.asarray(measured > over * scale, dtype=bool)
    np.add.at(count, cg[hit], 1)
    return count


@credit_kernel(UnitRefund)
def _unit_refund(rule: UnitRefund, ctx: CreditContext) -> Credits:
    outcome = ctx.outcomes[rule.measure]
    assert outcome.time is not None, f"{rule.measure!r} is not a measure of time"
    units = qualifying_units(
        outcome.time,
        outcome.scale,
        len(outcome.services),
        origin=ctx.period.start,
        end=ctx.period.end,
        every=rule.every.us,
        over=rule.down_over.us,
    )
    count = ctx._spread(outcome, units)
    name = f"refund per {rule.every.words()} on {rule.measure.label}"
    if isinstance(rule.price, Money):
        price = Amounts.constant(rule.price.exact(), ctx.n)
    else:
        table = ctx.inputs.get(ChargeTable)
        present = np.zeros(ctx.n, dtype=bool)
        price = Amounts.zeros(ctx.n)
        if table is not None:
            num, scale, present = table.unit_price(ctx.services, ctx.period.label, rule.price)
            price = Amounts(num, scale)
        missing = (count > 0) & ~present
        if missing.any():
            names = [ctx.services[i] for i in np.flatnonzero(missing)[:10].tolist()]
            raise EvaluationError(
                f"{rule!r} needs the {rule.price!r} price, but the billing data has no "
                f"UnitPrice({rule.price!r}) for {', '.join(map(repr, names))} in period "
                f"{ctx.period.label}"
            )
    amount = price.times(count)
    shown = amount.nonzero()

    def lines(i: int) -> list[CreditLine]:
        formula = (
            f"{int(count[i])} x {rule.every.words()} with more than "
            f"{rule.down_over.words()} down x {ctx.money(price[i])}"
        )
        return [ctx.line(i, name, amount[i], formula=formula)]

    return Credits(amount, shown, lines)
