"""Verdicts of objectives, computed exactly over all services at once."""

from __future__ import annotations

from fractions import Fraction
from typing import Final

import numpy as np
import numpy.typing as npt

from slakit._dsl._objectives import Objective
from slakit._results._evidence import MeasureOutcome
from slakit._results._report import ObjectiveColumn

__all__ = ["objective_column", "sign_vs"]

I64 = npt.NDArray[np.int64]
_NO_DATA_CODE: Final = {"no data": 2, "met": 0, "breached": 1, "excluded": 3}


def sign_vs(good: I64, total: I64, value: Fraction) -> npt.NDArray[np.int64]:
    """Return the sign of ``good/total - value`` per element (``total > 0``), exactly."""
    a, b = value.numerator, value.denominator
    top = int(max(int(good.max(initial=0)), int(total.max(initial=0))))
    if top * max(abs(a), b, 1) < 2**62:
        diff = good * b - total * a
    else:  # exact Python integers for very large figures
        diff = good.astype(object) * b - total.astype(object) * a
    signs: npt.NDArray[np.int64] = np.sign(diff).astype(np.int64)
    return signs


def objective_column(
    objective: Objective, outcome: MeasureOutcome, no_data: str
) -> ObjectiveColumn:
    """Return the objective's verdict code for every service its measure covers."""
    sign = sign_vs(outcome.good, outcome.total, Fraction(objective.target))
    met = {
        ">=": sign >= 0,
        ">": sign > 0,
        "<=": sign <= 0,
        "<": sign < 0,
    }[objective.comparator]
    verdict = np.where(met, 0, 1).astype(np.int8)
    verdict[outcome.total == 0] = _NO_DATA_CODE[no_data]
    return ObjectiveColumn(
        objective=objective,
        outcome=outcome,
        verdict=verdict,
        resolved_by=None if no_data == "no data" else f"no_data={no_data!r}",
    )
