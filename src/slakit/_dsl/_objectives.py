"""Objectives: a measure compared with a target, such as ``uptime >= "99.95%"``."""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Final, Literal

import attrs

from slakit._node import DSLRepr, node
from slakit.exceptions import DefinitionError

if TYPE_CHECKING:
    from slakit._dsl._measures import Measure

__all__ = ["Comparator", "Objective"]

Comparator = Literal[">=", ">", "<=", "<"]
_OPS: Final[dict[str, Callable[[Fraction, Fraction], bool]]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


def _check_op(_instance: object, _attribute: object, value: str) -> None:
    if value not in _OPS:
        raise DefinitionError(f"comparator={value!r} must be one of >=, >, <=, <")


@node("objective")
@attrs.frozen(repr=False)
class Objective(DSLRepr):
    """A service-level objective: ``measure <comparator> target``.

    Write it as a comparison on a measure (``uptime >= "99.95%"``); the value is
    compared exactly with the ``Decimal`` target.
    """

    measure: Measure
    comparator: Comparator = attrs.field(validator=_check_op)
    target: Decimal

    def is_met(self, value: Fraction) -> bool:
        """Return whether the exact measured ``value`` meets the objective."""
        return _OPS[self.comparator](value, Fraction(self.target))

    def margin(self, value: Fraction) -> Fraction:
        """Return how far ``value`` is on the good side of the target (negative when missed)."""
        gap = value - Fraction(self.target)
        return gap if self.comparator in (">=", ">") else -gap

    def describe(self) -> str:
        """Return the objective in words, such as ``'uptime >= 99.95%'``."""
        return f"{self.measure.label} {self.comparator} {self.measure.format_value(self.target)}"

    def __bool__(self) -> bool:
        raise TypeError(
            f"the truth of {self!r} is ambiguous: an objective is a rule, not a result; "
            "evaluate the agreement to learn whether it is met"
        )

    def __repr__(self) -> str:
        return f"{self.measure!r} {self.comparator} {self.measure.format_value(self.target)!r}"
