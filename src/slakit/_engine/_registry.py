"""Which kernel evaluates which measure: a registry keyed by measure type.

Each measure family lives in its own engine module (``_availability.py``,
...) and registers a runner for its measure types. A runner turns one
measure, the inputs and the evaluation context into a
[`MeasureEvidence`][slakit.MeasureEvidence]-backed ``MeasureOutcome``, with every
figure computed as columns over the measured services.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from slakit._dsl._agreement import Agreement
from slakit._dsl._measures import Measure
from slakit._engine._inputs import Inputs
from slakit._registry import Registry
from slakit._results._evidence import MeasureOutcome
from slakit._time._periods import Period
from slakit.exceptions import DefinitionError

__all__ = ["RUNNERS", "Context", "Runner", "register", "runner_for"]


@attrs.frozen
class Context:
    """What a runner needs besides the measure and the inputs.

    Attributes:
        agreement: the agreement being evaluated.
        period: the billing period.
        start: the first instant evaluated (later than the period's start when the
            agreement takes effect mid-period).
        services: the services this measure covers, in report order.
    """

    agreement: Agreement
    period: Period
    start: int
    services: tuple[str, ...]


Runner = Callable[[Measure, Inputs, Context], MeasureOutcome]
#: The runner of each measure type, filled by ``register``.
RUNNERS: Registry[Runner] = Registry("runner")


def register(measure_type: type[Measure]) -> Callable[[Runner], Runner]:
    """Register the decorated function as the runner of ``measure_type``."""
    return RUNNERS.register(measure_type)


def runner_for(measure: Measure) -> Runner:
    """Return the runner of ``measure``'s type.

    Raises:
        DefinitionError: no kernel evaluates this kind of measure.
    """
    runner = RUNNERS.get(type(measure))
    if runner is None:  # the families register on import: load them, then look again
        from slakit._engine import _families  # noqa: F401

        runner = RUNNERS.get(type(measure))
    if runner is not None:
        return runner
    raise DefinitionError(f"no kernel evaluates {type(measure).__name__} measures like {measure!r}")
