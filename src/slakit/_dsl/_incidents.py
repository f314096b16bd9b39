"""Incident measures from outage reports: incident count, MTTR, MTBF, longest outage.

An *incident* is an episode of consecutive downtime of one service: outage
reports that overlap or touch (or lie at most ``merge_gap`` apart) are one
incident, from the first report's start to the last one's end. Incidents
shorter than ``min_duration`` are ignored. An incident belongs to the period in
which it starts, and counts with its whole length.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs

from slakit._dsl._measures import Measure
from slakit._dsl._quantities import coerce_count, coerce_duration, format_count, format_duration
from slakit._node import node
from slakit._time._instant import Duration
from slakit._validation import check_duration
from slakit.exceptions import DefinitionError

__all__ = ["IncidentMeasure", "incident_count", "longest_outage", "mtbf", "mttr"]

Statistic = Literal["count", "mttr", "mtbf", "longest"]
_NAMES = {
    "count": "incident count",
    "mttr": "MTTR",
    "mtbf": "MTBF",
    "longest": "longest outage",
}
_FACTORIES = {
    "count": "incident_count",
    "mttr": "mttr",
    "mtbf": "mtbf",
    "longest": "longest_outage",
}
_FORMULAS = {
    "count": "The incident count is the number of incidents that start in the period",
    "mttr": (
        "MTTR (mean time to restore) is the total length of the incidents that start in the "
        "period divided by their number; with no incident it is no data"
    ),
    "mtbf": (
        "MTBF (mean time between failures) is the up time of the period (its length less the "
        "time inside incidents) divided by the number of incidents that start in the period; "
        "with no incident it is no data"
    ),
    "longest": (
        "The longest outage is the length of the longest incident that starts in the period "
        "(0 when there is none)"
    ),
}


def _check_statistic(_instance: object, _attribute: object, value: object) -> None:
    if value not in _NAMES:
        raise DefinitionError(f"statistic={value!r} must be one of {', '.join(_NAMES)}")


def _duration(value: object, name: str) -> Duration:
    return check_duration(value, name)


def _min_duration(value: object) -> Duration:
    return _duration(value, "min_duration")


def _merge_gap(value: object) -> Duration:
    return _duration(value, "merge_gap")


@node("incidents", call=lambda m: _FACTORIES[m.statistic])
@attrs.frozen(kw_only=True, order=False)
class IncidentMeasure(Measure):
    """A statistic of a service's incidents in the period.

    Build it with [`incident_count()`][slakit.incident_count], [`mttr()`][slakit.mttr],
    [`mtbf()`][slakit.mtbf] or
    [`longest_outage()`][slakit.longest_outage]; the options are described there. One class
    holds every statistic (they share their options and their kernel), so no factory bears its
    name; its tag in agreement data is ``incidents``.
    """

    statistic: Statistic = attrs.field(validator=_check_statistic, repr=False)
    service: str | None = None
    min_duration: Duration = attrs.field(default=Duration(0), converter=_min_duration)
    merge_gap: Duration = attrs.field(default=Duration(0), converter=_merge_gap)

    @property
    def label(self) -> str:
        """The measure's name in reports."""
        name = _NAMES[self.statistic]
        return name if self.service is None else f"{name} of {self.service}"

    def describe(self) -> str:
        """Return how the statistic is computed, in words."""
        gap = (
            f" or lie at most {self.merge_gap.words()} apart" if self.merge_gap.us else " or touch"
        )
        parts = [
            _FORMULAS[self.statistic],
            (
                f"an incident is an episode of downtime: outage reports that overlap{gap} are "
                "one incident, from the first start to the last end, counted with its whole length"
            ),
        ]
        if self.min_duration.us:
            parts.append(f"incidents shorter than {self.min_duration.words()} are ignored")
        return "; ".join(parts) + "."

    def coerce(self, value: object, *, name: str = "target") -> Decimal:
        """Read a target: a count for the incident count, a length of time otherwise."""
        if self.statistic == "count":
            return coerce_count(value, name=name)
        return coerce_duration(value, name=name)

    def bad_units(self, good: Any, total: Any) -> Any:
        """For the incident count, the incidents themselves; otherwise as a ratio."""
        if self.statistic == "count":
            return good * (total > 0)
        return total - good

    def format_value(self, value: Fraction | Decimal) -> str:
        """Write a value: a count, or a length of time in words."""
        if self.statistic == "count":
            return format_count(value)
        return format_duration(value)


_ZERO = Duration(0)


def incident_count(
    *, service: str | None = None, min_duration: Duration = _ZERO, merge_gap: Duration = _ZERO
) -> IncidentMeasure:
    """Return the number of incidents that start in the period.

    Args:
        service: the one service to measure; ``None`` measures each service of
            the agreement.
        min_duration: incidents shorter than this are ignored.
        merge_gap: outage reports at most this far apart are one incident
            (``minutes(0)``, the default, merges reports that overlap or touch).
    """
    return IncidentMeasure(
        statistic="count", service=service, min_duration=min_duration, merge_gap=merge_gap
    )


def mttr(
    *, service: str | None = None, min_duration: Duration = _ZERO, merge_gap: Duration = _ZERO
) -> IncidentMeasure:
    """Return the mean time to restore: total incident length / number of incidents.

    Only incidents that start in the period count, each with its whole length.
    A period without incidents has no MTTR: the verdict is "no data". The
    options are those of [`incident_count()`][slakit.incident_count].
    """
    return IncidentMeasure(
        statistic="mttr", service=service, min_duration=min_duration, merge_gap=merge_gap
    )


def mtbf(
    *, service: str | None = None, min_duration: Duration = _ZERO, merge_gap: Duration = _ZERO
) -> IncidentMeasure:
    """Return the mean time between failures: up time / number of incidents.

    ``MTBF = (evaluated length of the period - time inside counted incidents,
    clipped to the period) / (number of incidents that start in the period)``.
    A period without incidents has no MTBF: the verdict is "no data". The
    options are those of [`incident_count()`][slakit.incident_count].
    """
    return IncidentMeasure(
        statistic="mtbf", service=service, min_duration=min_duration, merge_gap=merge_gap
    )


def longest_outage(
    *, service: str | None = None, min_duration: Duration = _ZERO, merge_gap: Duration = _ZERO
) -> IncidentMeasure:
    """Return the length of the longest incident that starts in the period (0 if none).

    The options are those of [`incident_count()`][slakit.incident_count].
    """
    return IncidentMeasure(
        statistic="longest", service=service, min_duration=min_duration, merge_gap=merge_gap
    )
