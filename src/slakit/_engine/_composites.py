"""The runner of composite measures: combine a measure's columns over the agreement."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import numpy.typing as npt

from slakit._dsl._composites import Composite
from slakit._dsl._measures import Measure
from slakit._engine._inputs import Inputs
from slakit._engine._registry import Context, register, runner_for
from slakit._results._evidence import MeasureOutcome

__all__ = ["run_composite"]


def _combined(measure: Composite, outcome: MeasureOutcome) -> Fraction | None:
    """Return the composite's exact value from the per-service columns, or ``None``."""
    has = outcome.total != 0
    if not has.any():
        return None
    good = outcome.good[has]
    total = outcome.total[has]
    if measure.how == "pooled":
        return Fraction(int(np.sum(good.astype(object))), int(np.sum(total.astype(object))))
    values = [Fraction(int(g), int(t)) for g, t in zip(good.tolist(), total.tolist(), strict=True)]
    if measure.how == "worst":
        return min(values)
    names = [s for s, ok in zip(outcome.services, has.tolist(), strict=True) if ok]
    weights = [measure.weight_of(s) for s in names]
    weight = sum(weights, Fraction(0))
    if weight == 0:
        return None
    return sum((w * v for w, v in zip(weights, values, strict=True)), Fraction(0)) / weight


def _column(value: int, n: int) -> npt.NDArray[np.int64] | npt.NDArray[np.object_]:
    """Return ``value`` repeated ``n`` times, as int64 when it fits, else as Python ints."""
    if -(2**62) < value < 2**62:
        return np.full(n, value, dtype=np.int64)
    out = np.empty(n, dtype=object)
    out[:] = value
    return out


@register(Composite)
def run_composite(measure: Measure, inputs: Inputs, ctx: Context) -> MeasureOutcome:
    """Evaluate the composed measure for every service, then combine it into one value."""
    assert isinstance(measure, Composite)
    inner = measure.measure
    outcome = runner_for(inner)(inner, inputs, ctx)
    value = _combined(measure, outcome)
    n = len(ctx.services)
    good = _column(0 if value is None else value.numerator, n)
    total = _column(0 if value is None else value.denominator, n)
    return MeasureOutcome(
        measure=measure,
        services=ctx.services,
        good=good,  # type: ignore[arg-type]
        total=total,  # type: ignore[arg-type]
        evidence_of=outcome.evidence_of,
        notes=outcome.notes,
        counts=outcome.counts,
        evidence_columns=outcome.evidence_columns,
    )
