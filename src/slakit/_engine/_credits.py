"""Credits: each compensation rule turned into exact amounts over all services at once."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import numpy.typing as npt

from slakit._dsl._agreement import Agreement
from slakit._dsl._compensation import Bound, CreditSchedule
from slakit._engine._verdicts import sign_vs
from slakit._results._evidence import MeasureOutcome
from slakit._results._report import GAP, NO_BAND, NO_DATA, CreditColumn

__all__ = ["credit_column"]


def _within(sign: npt.NDArray[np.int64], bound: Bound, *, lower: bool) -> npt.NDArray[np.bool_]:
    if lower:
        return sign > 0 if not bound.inclusive else sign >= 0
    return sign < 0 if not bound.inclusive else sign <= 0


def credit_column(
    rule: CreditSchedule, outcome: MeasureOutcome, agreement: Agreement, proration: Fraction
) -> CreditColumn:
    """Return each service's band in ``rule`` and the exact total credit."""
    good, total = outcome.good, outcome.total
    n = good.shape[0]
    band = np.full(n, NO_BAND, dtype=np.int64)
    signs: dict[tuple[Fraction, bool], npt.NDArray[np.bool_]] = {}

    def test(bound: Bound | None, *, lower: bool) -> npt.NDArray[np.bool_]:
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
    base = agreement.tier.fee
    counts = np.bincount(band[band >= 0], minlength=len(rule.bands))
    exact = sum(
        (
            int(counts[j]) * base.exact() * proration * Fraction(b.credit)
            for j, b in enumerate(rule.bands)
        ),
        Fraction(0),
    )
    return CreditColumn(
        rule=rule, outcome=outcome, band=band, base=base, exact_total=exact, proration=proration
    )
