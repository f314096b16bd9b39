"""Composite measures: one value for a whole agreement from a measure of each service."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import attrs

from slakit._dsl._measures import Measure
from slakit._node import node, shown
from slakit._ratio import (
    MAX_INTEGER_DIGITS,
    check_number,
    echo,
    number_text_problem,
    parse_number,
    ratio,
)
from slakit.exceptions import DefinitionError

__all__ = ["Composite", "mean_of", "pooled", "worst_of"]

How = Literal["worst", "mean", "pooled"]


def _inner(value: object) -> Measure:
    if not isinstance(value, Measure):
        raise DefinitionError(f"measure={value!r} must be a measure such as uptime(...)")
    if isinstance(value, Composite):
        raise DefinitionError(f"measure={value!r} is already a composite; compose once")
    if getattr(value, "service", None) is not None:
        raise DefinitionError(
            f"measure={value!r} measures one service; a composite combines the measure over "
            "every service of the agreement, so leave service= out"
        )
    return value


def _weight(weight: object, service: str) -> Decimal:
    if isinstance(weight, str) and weight.strip().endswith("%"):
        return ratio(weight, name=f"weights[{service!r}]", hi=10**9)
    name = f"weights[{service!r}]"
    if isinstance(weight, str):
        syntax = number_text_problem(weight)
        if syntax is not None:
            raise DefinitionError(
                f"{name}={echo(weight)} must be a number such as 2 or '0.5', or '25%': {syntax}",
                name=name,
                value=weight,
            )
        return parse_number(weight, name=name)
    if isinstance(weight, Decimal):
        return check_number(weight, name=name)
    if isinstance(weight, int) and not isinstance(weight, bool):
        if abs(weight) < 10**MAX_INTEGER_DIGITS:
            return Decimal(weight)
        raise DefinitionError(
            f"{name}={echo(weight)} is 10**{MAX_INTEGER_DIGITS} or more in size",
            name=name,
            value=weight,
        )
    raise DefinitionError(
        f"{name}={echo(weight)} must be a number such as 2 or '0.5', or '25%'",
        name=name,
        value=weight,
    )


def _weights(
    value: Mapping[str, object] | tuple[tuple[str, object], ...] | None,
) -> tuple[tuple[str, Decimal], ...]:
    if value is None:
        return ()
    out = []
    items = value.items() if isinstance(value, Mapping) else value
    for service, weight in items:
        if isinstance(weight, bool) or not isinstance(weight, int | Decimal | str):
            raise DefinitionError(
                f"weights[{service!r}]={weight!r} must be a whole number, a Decimal or a "
                "percentage such as '25%'"
            )
        w = _weight(weight, service)
        if w < 0:
            raise DefinitionError(f"weights[{service!r}]={weight!r} must not be negative")
        out.append((service, w))
    if out and sum(w for _, w in out) == 0:
        raise DefinitionError("weights are all zero; give at least one service a weight")
    return tuple(sorted(out))


@node("composite", call=lambda c: f"{c.how}_of" if c.how != "pooled" else "pooled")
@attrs.frozen(order=False)
class Composite(Measure):
    """One value for the whole agreement, combined from ``measure`` on each of its services.

    ``how`` is ``"worst"`` (the lowest value of any service), ``"mean"`` (the
    weighted mean of the services' values) or ``"pooled"`` (the measure over
    all services together: total good over total eligible). Services with no
    data are left out; with none left, the composite has no data. The value
    applies to every service of the agreement, so a credit computed on each
    service's fee adds up to the share of the total fee.
    """

    measure: Measure = attrs.field(converter=_inner, metadata=shown(positional=True))
    how: How = attrs.field(repr=False)
    weights: tuple[tuple[str, Decimal], ...] = attrs.field(
        default=(), converter=_weights, metadata=shown(pairs=True)
    )

    @property
    def label(self) -> str:
        """The measure's name in reports."""
        word = {"worst": "worst", "mean": "mean", "pooled": "pooled"}[self.how]
        return f"{word} {self.measure.label}"

    def describe(self) -> str:
        """Return how the composite is computed, in words."""
        if self.how == "worst":
            head = "The lowest value over the agreement's services of: "
        elif self.how == "pooled":
            head = "The measure over all of the agreement's services together: "
        elif self.weights:
            ws = ", ".join(f"{s} {w}" for s, w in self.weights)
            head = f"The mean over the agreement's services, weighted {ws}, of: "
        else:
            head = "The mean over the agreement's services of: "
        return head + self.measure.describe() + " Services with no data are left out."

    def coerce(self, value: object, *, name: str = "target") -> Decimal:
        """Targets are written as for the composed measure."""
        return self.measure.coerce(value, name=name)

    def format_value(self, value: Fraction | Decimal) -> str:
        """Values are shown as for the composed measure."""
        return self.measure.format_value(value)

    def format_margin(self, margin: Fraction) -> str:
        """Margins are shown as for the composed measure."""
        return self.measure.format_margin(margin)

    def weight_of(self, service: str) -> Fraction:
        """Return ``service``'s weight in a mean (1 without weights; 0 if not listed)."""
        if not self.weights:
            return Fraction(1)
        return Fraction(dict(self.weights).get(service, Decimal(0)))


def worst_of(measure: Measure) -> Composite:
    """Return the lowest value of ``measure`` over the agreement's services.

    For "the customer's availability is that of its least available service".
    """
    return Composite(measure, "worst")


def mean_of(measure: Measure, *, weights: Mapping[str, object] | None = None) -> Composite:
    """Return the (weighted) mean of ``measure`` over the agreement's services.

    ``weights`` maps services to weights (whole numbers, Decimals or strings);
    services not listed then weigh nothing. Without weights every service
    weighs the same.
    """
    return Composite(measure, "mean", weights)


def pooled(measure: Measure) -> Composite:
    """Return ``measure`` over all of the agreement's services together.

    For ratio measures this is total good over total eligible: a service with
    more eligible time (or more requests) weighs more.
    """
    return Composite(measure, "pooled")
