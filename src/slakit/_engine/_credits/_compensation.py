"""Kernels of ``slakit._dsl._compensation``: bases (fee, charges) and credit schedules.

Also the helpers the other rule kernels share: the base of a credit after
earlier remedies, it in words, and which services breach an objective.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import numpy as np

from slakit._dsl._compensation import Base, Bound, Charges, CreditSchedule, Fee
from slakit._dsl._objectives import Objective
from slakit._engine._credits._context import I64, Bools, CreditContext, Credits, credit_kernel
from slakit._engine._inputs import register_records
from slakit._engine._verdicts import sign_vs
from slakit._events._billing import Charge, ChargeTable, UnitPrice
from slakit._money import Money, exact_decimal, minor_unit
from slakit._ratio import format_percent
from slakit._results._amounts import Amounts, as_objects
from slakit._results._evidence import Coded, object_array
from slakit._results._lines import LineColumns
from slakit._results._values import CreditLine
from slakit._time._periods import Period
from slakit.exceptions import CurrencyMismatchError, EvaluationError

__all__ = [
    "GAP",
    "NO_BAND",
    "NO_DATA",
    "base_words",
    "credit_base",
    "objective_breached",
    "schedule_bands",
]

register_records((Charge, UnitPrice), ChargeTable, ChargeTable.from_records)

# --- bases ---------------------------------------------------------------------------------------


def credit_base(
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
        amounts = Amounts.zeros(ctx.n)
        for cycle in cycles_charged(ctx):
            amounts = amounts + charged(base, ctx, cycle, need, clause)
        nominal = _charged(amounts, ctx.currency)
    if ctx.deduct is not None:
        amounts = (amounts - ctx.deduct).clip_low()
    return amounts, nominal


def cycles_charged(ctx: CreditContext) -> list[Period]:
    """Return the billing cycles whose charges count: those in effect (the period if none)."""
    if ctx.agreement.tier.billing is None:
        return [ctx.period]
    return [cycle for cycle, share in ctx.cycles if share > 0]


def charged(base: Charges, ctx: CreditContext, cycle: Period, need: Bools, clause: str) -> Amounts:
    """Return each service's charges billed in ``cycle`` (a period, or a billing cycle of one).

    Raises:
        EvaluationError: a service of ``need`` has no charge in the cycle.
        CurrencyMismatchError: the billing data is in another currency.
    """
    table = ctx.inputs.get(ChargeTable)
    present = np.zeros(ctx.n, dtype=bool)
    amounts = Amounts.zeros(ctx.n)
    if table is not None:
        sums, scale, present = table.charged(ctx.services, cycle.label, base.counts)
        if table.currency is not None and table.currency != ctx.currency:
            raise CurrencyMismatchError(
                f"billing data is in {table.currency}, but the agreement's fee is in {ctx.currency}"
            )
        amounts = Amounts(sums, scale)
    missing = need & ~present
    if missing.any():
        names = [ctx.services[i] for i in np.flatnonzero(missing)[:10].tolist()]
        where = (
            f"period {ctx.period.label}"
            if cycle.label == ctx.period.label
            else f"billing cycle {cycle.label} of period {ctx.period.label}"
        )
        raise EvaluationError(
            f"{clause} is a share of {base.describe()}, but the billing data has no "
            f"charge for {', '.join(map(repr, names))}"
            f"{' and others' if int(missing.sum()) > 10 else ''} in {where}; give Charge "
            "records (or a ChargeTable) for every credited service"
        )
    return amounts


def _charged(amounts: Amounts, currency: str) -> Callable[[int], Money]:
    """Return each service's billed charges as money (sums of decimals: exact decimals)."""

    def nominal(i: int) -> Money:
        return Money(exact_decimal(amounts[i], places=minor_unit(currency)), currency)

    return nominal


def base_words(
    base: Base, ctx: CreditContext, amount: Fraction, i: int, *, prorated: bool = True
) -> str:
    """Return service ``i``'s base ``amount`` in words, saying what it is a share of."""
    words = ctx.money(amount)
    if isinstance(base, Fee) and ctx.agreement.tier.billing is not None:
        per_cycle = ctx.agreement.fee_of(ctx.services[i])
        count = ctx.cycles_in_effect if prorated else Fraction(len(ctx.cycles))
        words += f" (the fee {per_cycle} per billing cycle x {count} cycles)"
    elif isinstance(base, Fee) and prorated and ctx.proration != 1:
        words += f" (the fee {ctx.fee(i)} x {ctx.proration} of the period)"
    elif isinstance(base, Charges):
        words += f" ({base.describe()})"
    if ctx.deduct is not None:
        words += ", after the earlier remedies"
    return words


def objective_breached(objective: Objective, ctx: CreditContext) -> Bools:
    """Return which services breach ``objective`` (no data is a breach if the tier says so)."""
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
#: The notes of a schedule's diagnostic lines.
_GAP_NOTE = "schedule gap: the value falls between the schedule's bands"
_NO_DATA_NOTE = "no data: no eligible time, the schedule cannot be applied"


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
    base, nominal = credit_base(rule.base, ctx, (band >= 0) & (num != 0), name)
    amount = base.times(num, den)
    shown = ((band >= 0) | (band == GAP) | (band == NO_DATA)) & ctx.covered(rule.measure)

    def lines(i: int) -> list[CreditLine]:
        code = int(band[i])
        value = ctx.value(rule.measure, i)
        if code < 0:
            note = _GAP_NOTE if code == GAP else _NO_DATA_NOTE
            return [ctx.line(i, name, Fraction(0), value=value, note=note, kind="diagnostic")]
        b = rule.bands[code]
        assert value is not None
        shown_value = rule.measure.format_value(value)
        formula = None
        if not isinstance(rule.base, Fee) or ctx.deduct is not None:
            formula = (
                f"{format_percent(b.credit)} of {base_words(rule.base, ctx, base[i], i)} "
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

    credit_of_band = np.empty(len(rule.bands) + 1, dtype=object)  # the last: no band, 0%
    credit_of_band[:] = [*(b.credit for b in rule.bands), Decimal(0)]
    share_col = credit_of_band[np.where(band >= 0, band, len(rule.bands))]

    def line_columns() -> LineColumns:
        """Every shown service's line, as ``lines(i)`` writes it, from the band of each."""
        rows = np.flatnonzero(shown)
        code = band[rows]
        slot = np.where(code >= 0, code, len(rule.bands))  # the last: a diagnostic's
        diagnostic = (code < 0).astype(np.int64)
        return ctx.lines_at(
            rows,
            name,
            amount.take(rows),
            kind=Coded(diagnostic, object_array(["credit", "diagnostic"])),
            note=Coded(
                np.where(code == GAP, 1, 0) + np.where(code == NO_DATA, 2, 0),
                object_array([None, _GAP_NOTE, _NO_DATA_NOTE]),
            ),
            value=(good[rows], total[rows]),
            band=Coded(slot, object_array([*rule.bands, None])),
            share=Coded(slot, credit_of_band),
        )

    # the formula of a line on another base, or after earlier remedies, is written per line
    by_columns = isinstance(rule.base, Fee) and ctx.deduct is None
    return Credits(
        amount,
        shown,
        lines,
        # a base other than the fee is each service's own: the portfolio's credits table shows it
        columns={"credit.share": share_col}
        if isinstance(rule.base, Fee)
        else {"credit.share": share_col, "credit.base": base},
        line_columns=line_columns if by_columns else None,
    )
