"""Incident measures from outage reports: incident count, MTTR, MTBF, longest outage, repairs.

An *incident* is an episode of consecutive downtime of one service: outage
reports that overlap or touch (or lie at most ``merge_gap`` apart) are one
incident, from the first report's start to the last one's end. Incidents
shorter than ``min_duration`` are ignored. An incident belongs to the period in
which it starts, and counts with its whole length.

An incident's length is its time to repair (to restore service): ``late_repairs``
counts the incidents repaired later than a target, ``on_time_repairs`` gives the
share repaired within it.
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

__all__ = [
    "IncidentMeasure",
    "incident_count",
    "late_repairs",
    "longest_outage",
    "mtbf",
    "mttr",
    "on_time_repairs",
]

Statistic = Literal["count", "mttr", "mtbf", "longest", "late", "on_time"]
_NAMES = {
    "count": "incident count",
    "mttr": "MTTR",
    "mtbf": "MTBF",
    "longest": "longest outage",
    "late": "late repairs",
    "on_time": "repairs on time",
}
_FACTORIES = {
    "count": "incident_count",
    "mttr": "mttr",
    "mtbf": "mtbf",
    "longest": "longest_outage",
    "late": "late_repairs",
    "on_time": "on_time_repairs",
}
#: The statistics judged against a repair target (``within``).
_REPAIRS = frozenset({"late", "on_time"})
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
    "late": (
        "The late repairs are the number of incidents that start in the period and last longer "
        "than {within} (an incident of exactly {within} is repaired on time)"
    ),
    "on_time": (
        "The repairs on time are the share of the incidents that start in the period which "
        "last at most {within} (an incident of exactly {within} is on time); with no incident "
        "it is no data"
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


def _within(value: object) -> Duration | None:
    return None if value is None else check_duration(value, "within", positive=True)


@node("incidents", call=lambda m: _FACTORIES[m.statistic])
@attrs.frozen(kw_only=True, order=False)
class IncidentMeasure(Measure):
    """A statistic of a service's incidents in the period.

    Build it with [`incident_count()`][slakit.incident_count], [`mttr()`][slakit.mttr],
    [`mtbf()`][slakit.mtbf], [`longest_outage()`][slakit.longest_outage],
    [`late_repairs()`][slakit.late_repairs] or
    [`on_time_repairs()`][slakit.on_time_repairs]; the options are described there. One class
    holds every statistic (they share their options and their kernel), so no factory bears its
    name; its tag in agreement data is ``incidents``. ``within`` is the repair target of the
    late and on-time repairs, and of no other statistic.
    """

    statistic: Statistic = attrs.field(validator=_check_statistic, repr=False)
    service: str | None = None
    min_duration: Duration = attrs.field(default=Duration(0), converter=_min_duration)
    merge_gap: Duration = attrs.field(default=Duration(0), converter=_merge_gap)
    within: Duration | None = attrs.field(default=None, converter=_within)

    def __attrs_post_init__(self) -> None:
        if (self.within is not None) != (self.statistic in _REPAIRS):
            factory = _FACTORIES[self.statistic]
            raise DefinitionError(
                f"{factory}() needs a repair target within=, such as hours(4)"
                if self.within is None
                else f"{factory}() takes no repair target within={self.within!r}; judge repairs "
                "with late_repairs(within=...) or on_time_repairs(within=...)",
                name="within",
                value=self.within,
            )

    @property
    def label(self) -> str:
        """The measure's name in reports."""
        name = _NAMES[self.statistic]
        if self.within is not None:
            word = "later than" if self.statistic == "late" else "within"
            name = f"repairs {word} {self.within.words()}"
        return name if self.service is None else f"{name} of {self.service}"

    def describe(self) -> str:
        """Return how the statistic is computed, in words."""
        gap = (
            f" or lie at most {self.merge_gap.words()} apart" if self.merge_gap.us else " or touch"
        )
        within = "" if self.within is None else self.within.words()
        parts = [
            _FORMULAS[self.statistic].format(within=within),
            (
                f"an incident is an episode of downtime: outage reports that overlap{gap} are "
                "one incident, from the first start to the last end, counted with its whole length"
            ),
        ]
        if self.min_duration.us:
            parts.append(f"incidents shorter than {self.min_duration.words()} are ignored")
        return "; ".join(parts) + "."

    def coerce(self, value: object, *, name: str = "target") -> Decimal:
        """Read a target: a count, a share (the repairs on time) or a length of time.

        The incident count and the late repairs are counts.
        """
        if self.statistic in ("count", "late"):
            return coerce_count(value, name=name)
        if self.statistic == "on_time":
            return super().coerce(value, name=name)
        return coerce_duration(value, name=name)

    def counts_misses(self) -> bool:
        """Return whether the statistic counts incidents (a count, late or on-time repairs)."""
        return self.statistic in ("count", "late", "on_time")

    def bad_units(self, good: Any, total: Any) -> Any:
        """For the incident count and late repairs, the incidents counted; else as a ratio.

        The repairs on time miss ``total - good``: the incidents repaired late.
        """
        if self.statistic in ("count", "late"):
            return good * (total > 0)
        return total - good

    def format_value(self, value: Fraction | Decimal) -> str:
        """Write a value: a count, a share, or a length of time in words."""
        if self.statistic in ("count", "late"):
            return format_count(value)
        if self.statistic == "on_time":
            return super().format_value(value)
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


def late_repairs(
    *,
    within: Duration,
    service: str | None = None,
    min_duration: Duration = _ZERO,
    merge_gap: Duration = _ZERO,
) -> IncidentMeasure:
    """Return the number of incidents that start in the period and are repaired late.

    An incident's time to repair is its whole length, from the first outage
    report's start to the last one's end; it is late when longer than
    ``within`` (an incident of exactly ``within`` is on time). "Each incident
    repaired within 4 hours" is ``late_repairs(within=hours(4)) <= 0``;
    ``per_breach(late_repairs(within=hours(4)), usd("100"))`` pays for each
    late incident. The other options are those of
    [`incident_count()`][slakit.incident_count].

    Examples:
        >>> from slakit import hours
        >>> late_repairs(within=hours(4)) <= 0
        late_repairs(within=hours(4)) <= '0'
    """
    return IncidentMeasure(
        statistic="late",
        service=service,
        min_duration=min_duration,
        merge_gap=merge_gap,
        within=within,
    )


def on_time_repairs(
    *,
    within: Duration,
    service: str | None = None,
    min_duration: Duration = _ZERO,
    merge_gap: Duration = _ZERO,
) -> IncidentMeasure:
    """Return the share of the incidents starting in the period that are repaired in time.

    An incident is repaired in time when its whole length is at most
    ``within``: "95% of faults restored within 4 hours" is
    ``on_time_repairs(within=hours(4)) >= "95%"``. A period without incidents
    has no share: the verdict is "no data". The other options are those of
    [`incident_count()`][slakit.incident_count].

    Examples:
        >>> from slakit import hours
        >>> on_time_repairs(within=hours(4)) >= "95%"
        on_time_repairs(within=hours(4)) >= '95%'
    """
    return IncidentMeasure(
        statistic="on_time",
        service=service,
        min_duration=min_duration,
        merge_gap=merge_gap,
        within=within,
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
