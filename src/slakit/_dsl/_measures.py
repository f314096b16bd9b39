"""Measures (SLIs): how a contract measures service, written as small immutable values."""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Literal, cast

import attrs

from slakit._dsl._exclusions import Exclusion
from slakit._dsl._objectives import Objective
from slakit._dsl._ratio import format_percent, ratio
from slakit._repr import DSLRepr
from slakit._time._calendar import Calendar
from slakit._time._instant import Duration
from slakit.exceptions import DefinitionError

__all__ = ["Measure", "Uptime", "uptime"]


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
        """Return a value of this measure as text that :meth:`coerce` reads back."""
        return format_percent(value)

    def __ge__(self, target: object) -> Objective:
        return Objective(self, ">=", self.coerce(target))

    def __gt__(self, target: object) -> Objective:
        return Objective(self, ">", self.coerce(target))

    def __le__(self, target: object) -> Objective:
        return Objective(self, "<=", self.coerce(target))

    def __lt__(self, target: object) -> Objective:
        return Objective(self, "<", self.coerce(target))


def _duration(value: object, name: str, *, positive: bool) -> Duration:
    if not isinstance(value, Duration):
        raise DefinitionError(f"{name}={value!r} must be a duration such as minutes(1)")
    if positive and value.us <= 0:
        raise DefinitionError(f"{name}={value!r} must be longer than zero")
    return value


def _min_outage(value: Duration) -> Duration:
    return _duration(value, "min_outage", positive=False)


def _granularity(value: Duration | None) -> Duration | None:
    return None if value is None else _duration(value, "granularity", positive=True)


def _exclusions(value: Exclusion | Iterable[Exclusion]) -> tuple[Exclusion, ...]:
    items: tuple[object, ...] = (
        (value,) if isinstance(value, Exclusion) else tuple(cast("Iterable[object]", value))
    )
    for item in items:
        if not isinstance(item, Exclusion):
            raise DefinitionError(
                f"excluding={value!r}: {item!r} is not an exclusion clause such as "
                "scheduled_maintenance(notice=days(5))"
            )
    kinds = [type(item) for item in items]
    if len(set(kinds)) != len(kinds):
        raise DefinitionError(
            f"excluding={value!r} names the same kind of clause twice; merge them into one"
        )
    return cast("tuple[Exclusion, ...]", items)


def _calendar(value: Calendar | None) -> Calendar | None:
    if value is None or isinstance(value, Calendar):
        return value
    raise DefinitionError(
        f"during={value!r} must be a calendar such as weekly('Mon-Fri 08:00-18:00', tz=...)"
    )


MinOutageOf = Literal["episode", "report"]


def _check_min_outage_of(_instance: object, _attribute: object, value: object) -> None:
    if value not in ("episode", "report"):
        raise DefinitionError(
            f"min_outage_of={value!r} must be 'episode' (consecutive downtime after merging "
            "overlapping reports) or 'report' (each outage record on its own)"
        )


@attrs.frozen(repr=False, kw_only=True, order=False)
class Uptime(Measure):
    """Availability from outage reports: ``1 - down time / eligible time`` over a period.

    Build it with :func:`uptime`; the fields are described there.
    """

    service: str | None = None
    min_outage: Duration = attrs.field(default=Duration(0), converter=_min_outage)
    min_outage_of: MinOutageOf = attrs.field(default="episode", validator=_check_min_outage_of)
    granularity: Duration | None = attrs.field(default=None, converter=_granularity)
    excluding: tuple[Exclusion, ...] = attrs.field(default=(), converter=_exclusions)
    during: Calendar | None = attrs.field(default=None, converter=_calendar)

    @property
    def label(self) -> str:
        """The measure's name in reports."""
        return "uptime" if self.service is None else f"uptime of {self.service}"

    def describe(self) -> str:
        """Return how uptime is computed, in words."""
        parts = []
        if self.min_outage.us:
            scope = (
                "consecutive downtime" if self.min_outage_of == "episode" else "an outage report"
            )
            parts.append(f"{scope} shorter than {self.min_outage.words()} is ignored")
        if self.granularity is not None:
            parts.append(
                f"time is counted in buckets of {self.granularity.words()} aligned to the start "
                "of the period, and a bucket is down if any counted outage touches it"
            )
        parts.extend(clause.describe() for clause in self.excluding)
        if self.during is not None:
            parts.append(f"only time within {self.during!r} is eligible")
        head = "Uptime is 1 - (down time / eligible time) over the period"
        return head + ("; " + "; ".join(parts) if parts else "") + "."

    def __repr__(self) -> str:
        args = []
        if self.service is not None:
            args.append(f"service={self.service!r}")
        if self.min_outage.us:
            args.append(f"min_outage={self.min_outage!r}")
        if self.min_outage_of != "episode":
            args.append(f"min_outage_of={self.min_outage_of!r}")
        if self.granularity is not None:
            args.append(f"granularity={self.granularity!r}")
        if self.excluding:
            args.append(f"excluding=[{', '.join(map(repr, self.excluding))}]")
        if self.during is not None:
            args.append(f"during={self.during!r}")
        return f"uptime({', '.join(args)})"


_NO_MINIMUM = Duration(0)


def uptime(
    *,
    service: str | None = None,
    min_outage: Duration = _NO_MINIMUM,
    min_outage_of: MinOutageOf = "episode",
    granularity: Duration | None = None,
    excluding: Exclusion | Sequence[Exclusion] = (),
    during: Calendar | None = None,
) -> Uptime:
    """Return the availability measure ``1 - down / eligible`` from outage reports.

    Args:
        service: the one service to measure; ``None`` (default) measures each
            service of the agreement separately.
        min_outage: downtime shorter than this is ignored, for example
            ``minutes(1)``.
        min_outage_of: what must last ``min_outage``: an ``"episode"`` of
            consecutive downtime after overlapping outage reports are merged
            (default), or each outage ``"report"`` on its own.
        granularity: count time in buckets of this size, aligned to the start of
            the period; a bucket is down if a counted outage touches it. ``None``
            counts exact microseconds.
        excluding: exclusion clauses, such as
            ``scheduled_maintenance(notice=days(5))``.
        during: the service window (a calendar); only its time is eligible.
            ``None`` means every instant of the period.
    """
    return Uptime(
        service=service,
        min_outage=min_outage,
        min_outage_of=min_outage_of,
        granularity=granularity,
        excluding=excluding,
        during=during,
    )
