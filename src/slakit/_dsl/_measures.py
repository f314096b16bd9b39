"""Measures (SLIs): the base class of every way a contract measures service.

Each family of measures has its own module: uptime from outage reports
(``_uptime``), requests (``_requests``), tickets (``_tickets``), incidents
(``_incidents``) and composites (``_composites``).
"""

from __future__ import annotations

import abc
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from slakit._dsl._objectives import Objective
from slakit._node import DSLRepr
from slakit._ratio import format_percent, format_points, ratio

__all__ = ["Measure"]


@attrs.frozen(order=False)
class Measure(DSLRepr, abc.ABC):
    """The base of measures. Compare a measure with a target to state an objective."""

    @property
    @abc.abstractmethod
    def label(self) -> str:
        """A short name for reports, such as ``'uptime'``."""

    @abc.abstractmethod
    def describe(self) -> str:
        """Return how the measure is computed, in words a customer can read."""

    def coerce(self, value: object, *, name: str = "target") -> Decimal:
        """Return a target or bound written for this measure as an exact ``Decimal``.

        Ratio measures (the default) take percentages such as ``"99.9%"``;
        measures of time or counts override this.
        """
        return ratio(value, name=name)

    def format_value(self, value: Fraction | Decimal) -> str:
        """Return a value of this measure as text for people (see ``format_percent()``).

        A target (a ``Decimal``) prints exactly, as ``coerce()`` reads it back;
        an inexact measured value is rounded and followed by its exact fraction.
        """
        return format_percent(value)

    def counts_misses(self) -> bool:
        """Return whether ``bad_units()`` counts missed units (requests, tickets, incidents).

        A measure whose value is a latency, a mean or a length of time has no
        misses of its own: a credit per miss on it is refused (pay per breach
        of an objective on it instead).
        """
        return True

    def bad_units(self, good: Any, total: Any) -> Any:
        """Return, per service, how many units the measure counts as missed (numpy columns).

        A ratio counts ``total - good`` (down microseconds, bad requests); a
        measure whose value is itself a count of misses (late tickets,
        incidents) returns that count.
        """
        return total - good

    def format_margin(self, margin: Fraction) -> str:
        """Return a margin to a target, signed: ``'+0.04 points'``, ``'-5 minutes'``.

        Percentages give percentage points; other measures their own unit.
        """
        sign = "-" if margin < 0 else "+"
        text = self.format_value(abs(margin))
        return format_points(margin) if "%" in text else f"{sign}{text}"

    def __ge__(self, target: object) -> Objective:
        return Objective(self, ">=", self.coerce(target))

    def __gt__(self, target: object) -> Objective:
        return Objective(self, ">", self.coerce(target))

    def __le__(self, target: object) -> Objective:
        return Objective(self, "<=", self.coerce(target))

    def __lt__(self, target: object) -> Objective:
        return Objective(self, "<", self.coerce(target))
