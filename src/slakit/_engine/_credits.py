"""Credits: each compensation rule turned into exact amounts over all services at once.

Every rule type has a kernel, registered with :func:`credit_kernel`, that
returns a :class:`Credits`: one exact amount per service (an
:class:`~slakit._results._amounts.Amounts` column), the services worth a line
in the report, and a lazy builder of each service's lines. Combinators call
their children's kernels and combine the columns; the lines of a service
always add up to its amount. Rules that need earlier periods (caps over a
quarter, escalation, earn-back, chronic flags) read a :class:`History` and
return their own state for the next period.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._agreement import Agreement
from slakit._dsl._claims import Chronic, ClaimRequired, ReportOnly
from slakit._dsl._combinators import (
    Bonus,
    Cap,
    EarnBack,
    Escalate,
    First,
    InOrder,
    Largest,
    Minimum,
    Scaled,
    Total,
    rolling_length,
)
from slakit._dsl._compensation import Base, Bound, Charges, CreditRule, CreditSchedule, Fee
from slakit._dsl._measures import Measure
from slakit._dsl._money import Money, exact_decimal, minor_unit
from slakit._dsl._objectives import Objective
from slakit._dsl._remedies import DowntimeUnits, Linear, PerBreach, Prorated, UnitRefund
from slakit._engine._inputs import Inputs, register_records
from slakit._engine._verdicts import sign_vs
from slakit._events._billing import Charge, ChargeTable, UnitPrice
from slakit._events._claims import Claim, ClaimTable
from slakit._events._tickets import NO_TIME, TicketTable
from slakit._ratio import format_percent
from slakit._results._amounts import Amounts, as_objects
from slakit._results._evidence import DownTime, MeasureOutcome
from slakit._results._report import CreditColumn
from slakit._results._tickets import TicketEvidence
from slakit._results._values import CreditLine, fraction_text, money_text
from slakit._time._instant import Duration, describe_us, format_us
from slakit._time._periods import Period, PeriodRule, quarterly, yearly
from slakit.exceptions import CurrencyMismatchError, DefinitionError, EvaluationError

__all__ = [
    "CreditContext",
    "Credits",
    "History",
    "PeriodState",
    "compensation_column",
    "credit_kernel",
]

register_records((Charge, UnitPrice), ChargeTable, ChargeTable.from_records)
register_records((Claim,), ClaimTable, ClaimTable.from_records)

Bools = npt.NDArray[np.bool_]
I64 = npt.NDArray[np.int64]
LinesOf = Callable[[int], list[CreditLine]]


# --- history -------------------------------------------------------------------------------------


@attrs.frozen
class PeriodState:
    """What the stateful rules remembered of one period: ``{rule path: {name: column}}``."""

    period: Period
    nodes: Mapping[str, Mapping[str, Any]]


@attrs.frozen
class History:
    """The earlier periods' states, oldest first (empty for a period evaluated alone)."""

    periods: tuple[PeriodState, ...] = ()

    def of(self, path: str) -> list[tuple[Period, Mapping[str, Any]]]:
        """Return the states one rule left in earlier periods, oldest first."""
        return [(p.period, p.nodes[path]) for p in self.periods if path in p.nodes]

    def then(self, period: Period, nodes: Mapping[str, Mapping[str, Any]]) -> History:
        """Return this history with one more period."""
        return History((*self.periods, PeriodState(period, dict(nodes))))


# --- context and results -------------------------------------------------------------------------


def _fee_table(ctx: CreditContext) -> dict[str, Money]:
    return dict(ctx.agreement.fees)


def _positions(ctx: CreditContext) -> dict[str, int]:
    return {name: i for i, name in enumerate(ctx.services)}


@attrs.frozen(eq=False)
class CreditContext:
    """What a credit kernel reads: the period, the measured columns, the inputs, the history."""

    agreement: Agreement
    period: Period
    start: int
    proration: Fraction
    services: tuple[str, ...]
    outcomes: Mapping[Measure, MeasureOutcome]
    inputs: Inputs
    history: History = History()
    path: str = "0"
    deduct: Amounts | None = None
    # Each service's own fee, looked up in O(1) (a fee per service is the common case).
    fee_table: Mapping[str, Money] = attrs.field(
        default=attrs.Factory(_fee_table, takes_self=True), repr=False
    )
    #: Each service's position in :attr:`services`.
    positions: Mapping[str, int] = attrs.field(
        default=attrs.Factory(_positions, takes_self=True), repr=False
    )

    @property
    def n(self) -> int:
        """The number of services."""
        return len(self.services)

    @property
    def currency(self) -> str:
        """The agreement's currency (the tier fee's)."""
        return self.agreement.tier.fee.currency

    @property
    def tier(self) -> str:
        """The tier's name."""
        return self.agreement.tier.name

    def fee(self, i: int) -> Money:
        """Return service ``i``'s fee per period (its own, or the tier's)."""
        return self.fee_table.get(self.services[i], self.agreement.tier.fee)

    def fees(self, *, prorated: bool = True) -> Amounts:
        """Return every service's fee for this period as an exact column.

        ``prorated`` (default) scales it to the part of the period the agreement
        was in effect; ``False`` gives the nominal fee per period.
        """
        factor = self.proration if prorated else Fraction(1)
        if not self.fee_table:
            return Amounts.constant(self.agreement.tier.fee.exact() * factor, self.n)
        tier_fee = self.agreement.tier.fee
        table = self.fee_table
        exact: dict[Money, Fraction] = {}
        fees = [table.get(name, tier_fee) for name in self.services]
        values = [exact.get(f) or exact.setdefault(f, f.exact() * factor) for f in fees]
        return Amounts.of(values)

    def child(self, k: int, *, deduct: Amounts | None = None) -> CreditContext:
        """Return the context of child ``k`` of the rule at this path."""
        return attrs.evolve(
            self, path=f"{self.path}.{k}", deduct=self.deduct if deduct is None else deduct
        )

    def _spread(self, outcome: MeasureOutcome, column: Any, fill: int = 0) -> Any:
        """Return ``column`` (one value per outcome service) per agreement service."""
        if outcome.services == self.services:
            return column
        out = np.full(self.n, fill, dtype=column.dtype)
        position = self.positions
        where = np.fromiter(
            (position[name] for name in outcome.services), np.int64, len(outcome.services)
        )
        out[where] = column
        return out

    def aligned(self, measure: Measure) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Return ``good`` and ``total`` of ``measure`` per agreement service (0/0 if uncovered).

        Both count units of ``1 / scale`` of the measure's unit: they give the
        exact value ``good / total``; use :meth:`down_time` for time itself.
        """
        outcome = self.outcomes[measure]
        return self._spread(outcome, outcome.good), self._spread(outcome, outcome.total)

    def down_time(self, measure: Measure) -> Amounts:
        """Return each service's counted down time in microseconds, exact (weighted if so)."""
        outcome = self.outcomes[measure]
        num, den = outcome.down_us()
        return Amounts(self._spread(outcome, num), den)

    def eligible_time(self, measure: Measure) -> Amounts:
        """Return each service's eligible time in microseconds, exact (0 where uncovered)."""
        outcome = self.outcomes[measure]
        num, den = outcome.eligible_us()
        return Amounts(self._spread(outcome, num), den)

    def down_between(self, measure: Measure, start: int, end: int) -> Amounts:
        """Return each service's counted (weighted) down time inside ``[start, end)``, in µs."""
        outcome = self.outcomes[measure]
        time = outcome.time
        assert time is not None, f"{measure!r} is not a measure of time"
        m = len(outcome.services)
        inside = time.down_within(
            np.arange(m, dtype=np.int64),
            np.full(m, start, dtype=np.int64),
            np.full(m, end, dtype=np.int64),
        )
        return Amounts(self._spread(outcome, as_objects(inside)), outcome.scale)

    def covered(self, measure: Measure) -> Bools:
        """Return which agreement services ``measure`` covers."""
        outcome = self.outcomes[measure]
        return np.asarray(self._spread(outcome, np.ones(len(outcome.services), dtype=bool)))

    def value(self, measure: Measure, i: int) -> Fraction | None:
        """Return the exact value of ``measure`` for service ``i``, or ``None`` (no data)."""
        outcome = self.outcomes[measure]
        if outcome.services is self.services or outcome.services == self.services:
            j = i
        else:
            found = outcome.positions.get(self.services[i])
            if found is None:
                return None
            j = found
        total = int(outcome.total[j])
        return None if total == 0 else Fraction(int(outcome.good[j]), total)

    def money(self, value: Fraction) -> str:
        """Return an exact amount as text with the currency (cents shown for exact decimals)."""
        return money_text(value, self.currency)

    def line(self, i: int, rule: str, amount: Fraction, **fields: Any) -> CreditLine:
        """Return a credit line for service ``i`` with this context's defaults."""
        fields.setdefault("value", None)
        fields.setdefault("band", None)
        fields.setdefault("share", Decimal(0))
        fields.setdefault("base", self.fee(i))
        fields.setdefault("proration", self.proration)
        return CreditLine(
            service=self.services[i],
            rule=rule,
            tier=self.tier,
            amount=amount,
            period=self.period.label,
            **fields,
        )


@attrs.frozen(eq=False)
class Credits:
    """A rule's result over all services: exact amounts, which services to show, their lines."""

    amount: Amounts
    shown: Bools
    lines: LinesOf
    state: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    columns: Mapping[str, Any] = attrs.field(factory=dict)


R = TypeVar("R", bound=CreditRule)
Kernel = Callable[[Any, CreditContext], Credits]
_KERNELS: dict[type, Kernel] = {}


def credit_kernel(rule_type: type[R]) -> Callable[[Callable[[R, CreditContext], Credits]], Kernel]:
    """Register the decorated function as the kernel of ``rule_type``."""

    def decorate(kernel: Callable[[R, CreditContext], Credits]) -> Kernel:
        _KERNELS[rule_type] = kernel
        return kernel

    return decorate


def run(rule: CreditRule, ctx: CreditContext) -> Credits:
    """Evaluate ``rule`` over every service of the context.

    Raises:
        DefinitionError: no kernel evaluates this kind of rule.
    """
    for cls in type(rule).__mro__:
        kernel = _KERNELS.get(cls)
        if kernel is not None:
            return kernel(rule, ctx)
    raise DefinitionError(f"no kernel evaluates {type(rule).__name__} rules like {rule!r}")


def check_rule(rule: CreditRule, agreement: Agreement) -> None:
    """Check, before any evaluation, that every kind of rule has a kernel and one currency.

    Raises:
        DefinitionError: a rule of a kind the engine cannot evaluate.
        CurrencyMismatchError: an amount in a rule is not in the fee's currency.
    """
    stack = [rule]
    while stack:
        node = stack.pop()
        if not any(cls in _KERNELS for cls in type(node).__mro__):
            raise DefinitionError(f"no kernel evaluates {type(node).__name__} rules like {node!r}")
        stack.extend(node.children())
    other = rule.currencies() - {agreement.tier.fee.currency}
    if other:
        raise CurrencyMismatchError(
            f"compensation {rule!r} of tier {agreement.tier.name!r} has amounts in "
            f"{', '.join(sorted(other))}, but the fee is in {agreement.tier.fee.currency}"
        )


def compensation_column(rule: CreditRule, ctx: CreditContext) -> CreditColumn:
    """Return the compensation rule's column over every service of the context."""
    check_rule(rule, ctx.agreement)
    credits = run(rule, ctx)
    return CreditColumn(
        rule=rule,
        services=ctx.services,
        amount=credits.amount,
        shown=credits.shown,
        lines_of=credits.lines,
        exact_total=credits.amount.total(),
        state=credits.state,
        columns={**credits.columns, "credit.amount": credits.amount},
    )


def _merge(
    *parts: Credits, own: Mapping[str, Any] | None = None, path: str = ""
) -> dict[str, Mapping[str, Any]]:
    state: dict[str, Mapping[str, Any]] = {}
    for part in parts:
        state.update(part.state)
    if own is not None:
        state[path] = own
    return state


# --- bases ---------------------------------------------------------------------------------------


def _base(
    base: Base, ctx: CreditContext, need: Bools, clause: str, *, prorated: bool = True
) -> tuple[Amounts, Callable[[int], Money]]:
    """Return the base per service (after earlier remedies in order) and each nominal base.

    The nominal base is what a credit line shows as its base: the service's fee
    per period, or the charges billed. ``prorated=False`` takes the fee per
    period whole, for shapes whose own basis already says what the fee pays for.
    """
    nominal: Callable[[int], Money]
    if isinstance(base, Fee):
        amounts = ctx.fees(prorated=prorated)
        nominal = ctx.fee
    else:
        assert isinstance(base, Charges)
        table = ctx.inputs.get(ChargeTable)
        present = np.zeros(ctx.n, dtype=bool)
        if table is not None:
            sums, scale, present = table.charged(ctx.services, ctx.period.label, base.counts)
            if table.currency is not None and table.currency != ctx.currency:
                raise CurrencyMismatchError(
                    f"billing data is in {table.currency}, but the agreement's fee is in "
                    f"{ctx.currency}"
                )
            amounts = Amounts(sums, scale)
        else:
            amounts = Amounts.zeros(ctx.n)
        missing = need & ~present
        if missing.any():
            names = [ctx.services[i] for i in np.flatnonzero(missing)[:10].tolist()]
            raise EvaluationError(
                f"{clause} is a share of {base.describe()}, but the billing data has no "
                f"charge for {', '.join(map(repr, names))}"
                f"{' and others' if int(missing.sum()) > 10 else ''} in period "
                f"{ctx.period.label}; give Charge records (or a ChargeTable) for every "
                "credited service"
            )
        nominal = _charged(amounts, ctx.currency)
    if ctx.deduct is not None:
        amounts = (amounts - ctx.deduct).clip_low()
    return amounts, nominal


def _charged(amounts: Amounts, currency: str) -> Callable[[int], Money]:
    """Return each service's billed charges as money (sums of decimals: exact decimals)."""

    def nominal(i: int) -> Money:
        return Money(exact_decimal(amounts[i], places=minor_unit(currency)), currency)

    return nominal


def _base_words(
    base: Base, ctx: CreditContext, amount: Fraction, i: int, *, prorated: bool = True
) -> str:
    words = ctx.money(amount)
    if isinstance(base, Fee) and prorated and ctx.proration != 1:
        words += f" (the fee {ctx.fee(i)} x {ctx.proration} of the period)"
    elif isinstance(base, Charges):
        words += f" ({base.describe()})"
    if ctx.deduct is not None:
        words += ", after the earlier remedies"
    return words


def _breached(objective: Objective, ctx: CreditContext) -> Bools:
    good, total = ctx.aligned(objective.measure)
    sign = sign_vs(good, total, Fraction(objective.target))
    met = {">=": sign >= 0, ">": sign > 0, "<=": sign <= 0, "<": sign < 0}[objective.comparator]
    breached = np.asarray(~met, dtype=bool)
    breached[total == 0] = False
    # no data counts as a breach only where the measure covers the service at all
    breached[(total == 0) & ctx.covered(objective.measure)] = (
        ctx.agreement.tier.no_data == "breached"
    )
    return breached


# --- credit schedules ----------------------------------------------------------------------------

NO_BAND, GAP, NO_DATA = -1, -2, -3


def _within(sign: I64, bound: Bound, *, lower: bool) -> Bools:
    if lower:
        return sign > 0 if not bound.inclusive else sign >= 0
    return sign < 0 if not bound.inclusive else sign <= 0


def schedule_bands(rule: CreditSchedule, good: I64, total: I64) -> I64:
    """Return each service's band index in ``rule`` (or NO_BAND, GAP, NO_DATA), exactly."""
    n = good.shape[0]
    band = np.full(n, NO_BAND, dtype=np.int64)
    signs: dict[tuple[Fraction, bool], Bools] = {}

    def test(bound: Bound | None, *, lower: bool) -> Bools:
        if bound is None:
            return np.ones(n, dtype=bool)
        key = (Fraction(bound.value), lower)
        if key not in signs:
            signs[key] = _within(sign_vs(good, total, key[0]), bound, lower=lower)
        return signs[key]

    for j in range(len(rule.bands) - 1, -1, -1):
        b = rule.bands[j]
        band[test(b.lower, lower=True) & test(b.upper, lower=False)] = j
    in_hull = test(rule.bands[0].lower, lower=True) & test(rule.bands[-1].upper, lower=False)
    band[(band == NO_BAND) & in_hull] = GAP
    band[total == 0] = NO_DATA
    return band


@credit_kernel(CreditSchedule)
def _schedule(rule: CreditSchedule, ctx: CreditContext) -> Credits:
    good, total = ctx.aligned(rule.measure)
    band = schedule_bands(rule, good, total)
    shares = [Fraction(b.credit) for b in rule.bands]
    index = np.where(band >= 0, band, 0)
    num = as_objects(np.asarray([s.numerator for s in shares] or [0], dtype=object))[index]
    den = as_objects(np.asarray([s.denominator for s in shares] or [1], dtype=object))[index]
    num = np.where(band >= 0, num, 0)
    name = f"credit schedule on {rule.measure.label}"
    base, nominal = _base(rule.base, ctx, (band >= 0) & (num != 0), name)
    amount = base.times(num, den)
    shown = ((band >= 0) | (band == GAP) | (band == NO_DATA)) & ctx.covered(rule.measure)

    def lines(i: int) -> list[CreditLine]:
        code = int(band[i])
        value = ctx.value(rule.measure, i)
        if code < 0:
            note = (
                "schedule gap: the value falls between the schedule's bands"
                if code == GAP
                else "no data: no eligible time, the schedule cannot be applied"
            )
            return [ctx.line(i, name, Fraction(0), value=value, note=note, kind="diagnostic")]
        b = rule.bands[code]
        assert value is not None
        shown_value = rule.measure.format_value(value)
        formula = None
        if not isinstance(rule.base, Fee) or ctx.deduct is not None:
            formula = (
                f"{format_percent(b.credit)} of {_base_words(rule.base, ctx, base[i], i)} "
                f"(value {shown_value} is {b.describe(rule.measure.format_value)})"
            )
        return [
            ctx.line(
                i,
                name,
                amount[i],
                value=value,
                band=b,
                share=b.credit,
                base=nominal(i),
                shown=shown_value,
                formula=formula,
            )
        ]

    share_col = np.asarray(
        [rule.bands[b].credit if b >= 0 else Decimal(0) for b in band.tolist()], dtype=object
    )
    return Credits(amount, shown, lines, columns={"credit.share": share_col})


# --- fixed amounts -------------------------------------------------------------------------------


@credit_kernel(PerBreach)
def _per_breach(rule: PerBreach, ctx: CreditContext) -> Credits:
    unit = rule.amount.exact()
    if isinstance(rule.target, Objective):
        count: I64 = _breached(rule.target, ctx).astype(np.int64)
        measure = rule.target.measure
    else:
        good, total = ctx.aligned(rule.target)
        count = np.asarray(rule.target.bad_units(good, total), dtype=np.int64)
        measure = rule.target
    amount = Amounts.constant(unit, ctx.n).times(count)
    shown = count != 0
    name = (
        f"per breach of {rule.target.describe()}"
        if isinstance(rule.target, Objective)
        else f"per {measure.label} miss"
    )

    def lines(i: int) -> list[CreditLine]:
        value = ctx.value(measure, i)
        shown_value = None if value is None else measure.format_value(value)
        k = int(count[i])
        if isinstance(rule.target, Objective):
            what = "breach" if k == 1 else "breaches"
        else:
            what = "missed"
        formula = f"{k} {what} x {rule.amount}"
        return [ctx.line(i, name, amount[i], value=value, shown=shown_value, formula=formula)]

    return Credits(amount, shown, lines)


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
    base, nominal = _base(rule.base, ctx, share.positive(), name)
    amount = base.times(share.num, share.den)
    shown = amount.nonzero()

    def lines(i: int) -> list[CreditLine]:
        value = ctx.value(objective.measure, i)
        assert value is not None
        shortfall = abs(target - value)
        k = steps[i]
        fmt = objective.measure.format_value
        formula = (
            f"{format_percent(rule.share)} of {_base_words(rule.base, ctx, base[i], i)} x "
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
                share=Decimal(share[i].numerator) / Decimal(share[i].denominator),
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


@credit_kernel(Prorated)
def _prorated(rule: Prorated, ctx: CreditContext) -> Credits:
    down = ctx.down_time(rule.measure)
    share, words = _basis(rule, ctx, down)
    factor = share.scale(Fraction(rule.multiple))
    name = f"prorated credit on {rule.measure.label}"
    # The basis "period" is the part of the period in effect, so the fee is that part's; any
    # other basis says itself what the fee pays for (a month, 30 days), so the fee is whole.
    whole = rule.basis != "period"
    base, nominal = _base(rule.base, ctx, down.positive(), name, prorated=not whole)
    amount = base.times(factor.num, factor.den)
    shown = amount.nonzero()

    def lines(i: int) -> list[CreditLine]:
        value = ctx.value(rule.measure, i)
        paid = _base_words(rule.base, ctx, base[i], i, prorated=not whole)
        return [
            ctx.line(
                i,
                name,
                amount[i],
                value=value,
                shown=None if value is None else rule.measure.format_value(value),
                base=nominal(i),
                formula=f"{rule.multiple:f} x {paid} x {words(i)}",
            )
        ]

    return Credits(amount, shown, lines)


@credit_kernel(DowntimeUnits)
def _downtime_units(rule: DowntimeUnits, ctx: CreditContext) -> Credits:
    down = ctx.down_time(rule.measure)
    units = _steps(down.num, down.den * rule.every.us, rule.steps)
    name = f"downtime units on {rule.measure.label}"
    if isinstance(rule.worth, Money):
        unit = Amounts.constant(rule.worth.exact(), ctx.n)
        worth = rule.worth
        nominal: Callable[[int], Money] = lambda _i: worth  # noqa: E731
        base = unit
    else:
        base, nominal = _base(rule.base, ctx, units.positive(), name)
        unit = base.scale(Fraction(rule.worth.us, ctx.period.end - ctx.start))
    amount = unit.times(units.num, units.den)
    shown = amount.nonzero()

    def lines(i: int) -> list[CreditLine]:
        value = ctx.value(rule.measure, i)
        if isinstance(rule.worth, Money):
            each = str(rule.worth)
        else:
            each = (
                f"{ctx.money(unit[i])} ({rule.worth.words()} of "
                f"{_base_words(rule.base, ctx, base[i], i)} over "
                f"{describe_us(ctx.period.end - ctx.start)})"
            )
        formula = (
            f"{fraction_text(units[i])} units ({describe_us(down[i])} down, one unit per "
            f"{rule.every.words()}{' or part thereof' if rule.steps == 'started' else ''}) x {each}"
        )
        return [
            ctx.line(
                i,
                name,
                amount[i],
                value=value,
                shown=None if value is None else rule.measure.format_value(value),
                base=nominal(i),
                formula=formula,
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


# --- combinators ---------------------------------------------------------------------------------


def _children(rule: CreditRule, ctx: CreditContext) -> list[Credits]:
    return [run(child, ctx.child(k)) for k, child in enumerate(rule.children())]


@credit_kernel(Total)
def _total(rule: Total, ctx: CreditContext) -> Credits:
    parts = _children(rule, ctx)
    amount = parts[0].amount
    shown = parts[0].shown.copy()
    for part in parts[1:]:
        amount = amount + part.amount
        shown |= part.shown

    def lines(i: int) -> list[CreditLine]:
        return [line for part in parts if part.shown[i] for line in part.lines(i)]

    return Credits(amount, shown, lines, _merge(*parts))


@credit_kernel(InOrder)
def _in_order(rule: InOrder, ctx: CreditContext) -> Credits:
    parts: list[Credits] = []
    so_far: Amounts | None = ctx.deduct
    for k, child in enumerate(rule.rules):
        part = run(child, ctx.child(k, deduct=so_far))
        parts.append(part)
        so_far = part.amount if so_far is None else so_far + part.amount
    amount = parts[0].amount
    shown = parts[0].shown.copy()
    for part in parts[1:]:
        amount = amount + part.amount
        shown |= part.shown

    def lines(i: int) -> list[CreditLine]:
        return [line for part in parts if part.shown[i] for line in part.lines(i)]

    return Credits(amount, shown, lines, _merge(*parts))


def _adjust(ctx: CreditContext, i: int, rule: str, amount: Fraction, note: str) -> CreditLine:
    return ctx.line(i, rule, amount, kind="adjustment", note=note)


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
                    _adjust(
                        ctx,
                        i,
                        "largest of the remedies",
                        -value,
                        f"not paid: only the largest remedy pays, "
                        f"{rule.rules[winner]!r} ({ctx.money(best[i])})",
                    )
                )
        return out

    return Credits(best, shown, lines, _merge(*parts))


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

    return Credits(amount, shown, lines, _merge(*parts))


def _window_key(window: str, period: Period, ctx: CreditContext) -> object:
    if window == "quarter":
        return quarterly(tz=ctx.agreement.period.tz).containing(period.start).label
    if window == "year":
        return yearly(tz=ctx.agreement.period.tz).containing(period.start).label
    return None


@credit_kernel(Cap)
def _cap(rule: Cap, ctx: CreditContext) -> Credits:
    part = run(rule.rule, ctx.child(0))
    fee_now = ctx.fees()
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
    if rule.across == "services":
        return _pool_cap(rule, ctx, part, fee_now=fee_now, used=used, fees=fees)
    if isinstance(rule.at_most, Money):
        limit = Amounts.constant(rule.at_most.exact(), ctx.n)
        limit_words = str(rule.at_most)
    else:
        limit = fees.scale(Fraction(rule.at_most))
        limit_words = f"{format_percent(rule.at_most)} of the fee"
    available = (limit - used).clip_low()
    binds = available.less(part.amount)
    amount = available.where(binds, part.amount)
    state = {"paid": amount, "fee": fee_now}

    def lines(i: int) -> list[CreditLine]:
        out = part.lines(i)
        if binds[i]:
            window = "" if rule.per == "period" else f" per {rule.per}"
            history = (
                f", of which {ctx.money(used[i])} was used in earlier periods"
                if rule.per != "period" and used[i] != 0
                else ""
            )
            note = (
                f"capped: the credits of {ctx.money(part.amount[i])} exceed the cap of "
                f"{limit_words}{window} ({ctx.money(limit[i])}{history})"
            )
            out.append(_adjust(ctx, i, rule.describe(), amount[i] - part.amount[i], note))
        return out

    return Credits(amount, part.shown, lines, _merge(part, own=state, path=ctx.path))


def _pool_cap(
    rule: Cap, ctx: CreditContext, part: Credits, *, fee_now: Amounts, used: Amounts, fees: Amounts
) -> Credits:
    """One customer-level cap over the total of every service, its cut shared out pro rata."""
    before = part.amount.total()
    spent = used.total()
    if isinstance(rule.at_most, Money):
        limit = rule.at_most.exact()
        limit_words = str(rule.at_most)
    else:
        limit = fees.total() * Fraction(rule.at_most)
        limit_words = f"{format_percent(rule.at_most)} of the total fee {ctx.money(fees.total())}"
    available = max(limit - spent, Fraction(0))
    positive = part.amount.positive()
    credited = part.amount.masked(positive).total()
    cut = before - available if before > available else Fraction(0)
    # each credited service gives up the same share of its credit: cut / credited
    amount = (
        part.amount.scale(1 - cut / credited).where(positive, part.amount) if cut else part.amount
    )
    state = {"paid": amount, "fee": fee_now}

    def lines(i: int) -> list[CreditLine]:
        out = part.lines(i)
        if cut and positive[i]:
            window = "" if rule.per == "period" else f" per {rule.per}"
            history = (
                f", of which {ctx.money(spent)} was used in earlier periods"
                if rule.per != "period" and spent != 0
                else ""
            )
            share = part.amount[i] / credited
            note = (
                f"capped across services: the customer's credits of {ctx.money(before)} over "
                f"{ctx.n} services exceed the cap of {limit_words}{window} "
                f"({ctx.money(limit)}{history}); the cut of {ctx.money(cut)} is allocated pro "
                f"rata to the credits: this service's {ctx.money(part.amount[i])} is "
                f"{share.numerator}/{share.denominator} of {ctx.money(credited)}"
            )
            out.append(_adjust(ctx, i, rule.describe(), amount[i] - part.amount[i], note))
        return out

    return Credits(amount, part.shown, lines, _merge(part, own=state, path=ctx.path))


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
            out.append(_adjust(ctx, i, rule.describe(), -part.amount[i], note))
        return out

    return Credits(amount, part.shown, lines, _merge(part))


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

    return Credits(-part.amount, part.shown, lines, _merge(part))


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
            out.append(_adjust(ctx, i, "affected share", amount[i] - part.amount[i], note))
        return out

    return Credits(amount, part.shown, lines, _merge(part))


# --- history: escalation, earn-back, chronic breaches --------------------------------------------


@credit_kernel(Escalate)
def _escalate(rule: Escalate, ctx: CreditContext) -> Credits:
    normal = run(rule.rule, ctx.child(0))
    higher = run(rule.to, ctx.child(1))
    breached = _breached(rule.when, ctx)
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
    return Credits(amount, shown, lines, _merge(normal, higher, own=own, path=ctx.path))


@credit_kernel(EarnBack)
def _earn_back(rule: EarnBack, ctx: CreditContext) -> Credits:
    part = run(rule.rule, ctx.child(0))
    breached = _breached(rule.when, ctx)
    earlier = ctx.history.of(ctx.path)
    pending: list[tuple[str, Amounts, int]] = list(earlier[-1][1]["pending"]) if earlier else []
    released = Amounts.zeros(ctx.n)
    events: list[tuple[str, Amounts, Bools, Bools]] = []
    still: list[tuple[str, Amounts, int]] = []
    for label, held, remaining in pending:
        release = breached & held.nonzero()
        forgiven = ~breached & held.nonzero() & (remaining == 1)
        released = released + held.masked(release)
        events.append((label, held, release, forgiven))
        if remaining > 1:
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
            out.append(_adjust(ctx, i, "earn-back", -held_now[i], note))
        for label, held, release, forgiven in events:
            if release[i]:
                note = (
                    f"released: the credit held from {label} is paid, as "
                    f"{rule.when.describe()} was breached in {ctx.period.label}"
                )
                out.append(_adjust(ctx, i, "earn-back", held[i], note))
            elif forgiven[i]:
                note = (
                    f"forgiven: the credit of {ctx.money(held[i])} held from {label} is earned back"
                )
                out.append(ctx.line(i, "earn-back", Fraction(0), kind="claim", note=note))
        return out

    own = {"pending": tuple(still)}
    return Credits(amount, shown, lines, _merge(part, own=own, path=ctx.path))


@credit_kernel(Chronic)
def _chronic(rule: Chronic, ctx: CreditContext) -> Credits:
    breached = _breached(rule.objective, ctx)
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
    return Credits(Amounts.zeros(ctx.n), flagged, lines, {ctx.path: own})


@credit_kernel(ReportOnly)
def _report_only(rule: ReportOnly, ctx: CreditContext) -> Credits:
    breached = _breached(rule.objective, ctx)

    def lines(i: int) -> list[CreditLine]:
        value = ctx.value(rule.objective.measure, i)
        note = f"{rule.objective.describe()} breached: {rule.remedy} (no credit)"
        shown = None if value is None else rule.objective.measure.format_value(value)
        return [
            ctx.line(i, "remedy", Fraction(0), kind="remedy", note=note, value=value, shown=shown)
        ]

    return Credits(Amounts.zeros(ctx.n), breached, lines)


# --- claims --------------------------------------------------------------------------------------


def claim_deadline(rule: ClaimRequired, ctx: CreditContext) -> int:
    """Return the instant the claim window of ``ctx.period`` closes (exclusive)."""
    window = rule.window
    if window.after == "period end":
        assert window.length is not None
        return ctx.period.end + window.length.us
    period = ctx.period
    for _ in range(window.cycles):
        period = ctx.agreement.period.next(period)
    return period.end


def _ticket_verdict(closed: int, filed: int | None, length_us: int) -> tuple[bool, str]:
    """Return whether one late ticket's credit is claimed in time, and why, in words."""
    deadline = None if closed == NO_TIME else closed + length_us
    if filed is not None and (deadline is None or filed < deadline):
        return True, f"claimed at {format_us(filed)}"
    if filed is None:
        still = "" if deadline is not None else " (the ticket is still open)"
        due = "" if deadline is None else f", due by {format_us(deadline)}"
        return False, f"not claimed{still}{due}"
    assert deadline is not None
    return False, f"claimed at {format_us(filed)}, after the window closed at {format_us(deadline)}"


def _ticket_claims(rule: ClaimRequired, ctx: CreditContext, part: Credits) -> Credits:
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
    verdicts: dict[int, list[tuple[str, str]]] = {}
    for i in np.flatnonzero(owed).tolist():
        service = ctx.services[i]
        evidence = outcome.evidence_of(outcome.index(service))
        assert isinstance(evidence, TicketEvidence)
        late = [note for note in evidence.tickets if note.late]
        filed = {} if claims is None else claims.by_ticket(service)
        notes = [
            _ticket_verdict(resolved.get((service, n.id), NO_TIME), filed.get(n.id), length.us)
            for n in late
        ]
        paid_units[i] = sum(paid for paid, _ in notes)
        verdicts[i] = [(n.id, words) for n, (_, words) in zip(late, notes, strict=True)]
        late_units[i] = max(len(late), 1)
    amount = part.amount.times(paid_units, late_units)
    window = rule.window.describe()

    def lines(i: int) -> list[CreditLine]:
        out = part.lines(i)
        if not owed[i]:
            return out
        detail = "; ".join(f"ticket {tid}: {words}" for tid, words in verdicts[i])
        unpaid = part.amount[i] - amount[i]
        if unpaid == 0:
            out.append(ctx.line(i, "claim", Fraction(0), kind="claim", note=f"{window}: {detail}"))
        else:
            out.append(_adjust(ctx, i, "claim required", -unpaid, f"{window}: {detail}"))
        return out

    return Credits(amount, part.shown, lines, _merge(part))


@credit_kernel(ClaimRequired)
def _claim_required(rule: ClaimRequired, ctx: CreditContext) -> Credits:
    part = run(rule.rule, ctx.child(0))
    if rule.window.after == "ticket closed":
        return _ticket_claims(rule, ctx, part)
    deadline = claim_deadline(rule, ctx)
    table = ctx.inputs.get(ClaimTable)
    none = np.iinfo(np.int64).max
    filed = (
        table.earliest(ctx.services, ctx.period.label)
        if table is not None
        else np.full(ctx.n, none, dtype=np.int64)
    )
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
            note = f"claimed at {format_us(when)}, {window} (by {format_us(deadline)})"
            out.append(ctx.line(i, "claim", Fraction(0), kind="claim", note=note))
            return out
        if when == none and as_of is not None and as_of < deadline:
            note = (
                f"pending: no claim as of {format_us(as_of)}; claims are due {window} "
                f"(by {format_us(deadline)})"
            )
        elif when == none:
            note = (
                f"not paid: no claim was filed for {ctx.period.label}; claims are due "
                f"{window} (by {format_us(deadline)})"
            )
        else:
            note = (
                f"not paid: the claim was filed at {format_us(when)}, after the window "
                f"closed at {format_us(deadline)} ({window})"
            )
        out.append(_adjust(ctx, i, "claim required", -part.amount[i], note))
        return out

    return Credits(amount, part.shown, lines, _merge(part))
