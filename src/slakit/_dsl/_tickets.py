"""Support measures: first-response and resolution times of tickets on business-time clocks.

``response_time(priority="P1", within=hours(1), clock=office)`` judges each P1
ticket opened in the period: its business time from opening to first response,
less the time it waited on the customer, is on time when it is at most one
hour. The measure's own value is the number of late tickets (breaches);
``.on_time_ratio()`` is the share of tickets on time.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, ParamSpec, cast

import attrs

from slakit._dsl._measures import Measure
from slakit._dsl._quantities import coerce_count, format_count
from slakit._node import node, shown
from slakit._time._calendar import Calendar
from slakit._time._instant import Duration
from slakit.exceptions import DefinitionError

__all__ = ["OnTimeRatio", "TicketTime", "resolution_time", "response_time"]

TicketClock = Literal["response", "resolution"]
#: ``((priority, target), ...)``: a per-priority target table, in canonical (sorted) order.
Targets = tuple[tuple[str, Duration], ...]


def _within(value: object) -> Duration | Targets:
    if isinstance(value, Duration):
        return value
    if isinstance(value, Mapping):
        items = sorted(cast("Mapping[object, object]", value).items(), key=lambda kv: str(kv[0]))
    elif isinstance(value, tuple):
        items = sorted(cast("Iterable[tuple[object, object]]", value), key=lambda kv: str(kv[0]))
    else:
        raise DefinitionError(
            f"within={value!r} must be a duration such as hours(4), or a table of targets per "
            "priority such as {'P1': hours(1), 'P2': hours(4)}"
        )
    if not items:
        raise DefinitionError("within={} names no priority; give at least one target")
    for priority, target in items:
        if not isinstance(priority, str) or not priority.strip():
            raise DefinitionError(f"within: {priority!r} is not a priority name such as 'P1'")
        if not isinstance(target, Duration):
            raise DefinitionError(
                f"within[{priority!r}]={target!r} must be a duration such as hours(4)"
            )
    return cast("Targets", tuple(items))


def _clock(value: object) -> Calendar | None:
    if value is None or isinstance(value, Calendar):
        return value
    raise DefinitionError(
        f"clock={value!r} must be a calendar such as "
        "weekly('Mon-Fri 08:00-18:00', tz='Europe/Berlin') - holidays('DE', subdiv='BE')"
    )


def _coverage(value: object) -> tuple[tuple[str, Calendar], ...]:
    if value is None:
        return ()
    if isinstance(value, Mapping):
        items = list(cast("Mapping[object, object]", value).items())
    elif isinstance(value, tuple):
        items = list(cast("tuple[tuple[object, object], ...]", value))
    else:
        raise DefinitionError(
            f"coverage={value!r} must map a ticket's coverage to a calendar, such as "
            "{'24x7': always(), 'business': office}"
        )
    for name, calendar in items:
        if not isinstance(name, str) or not name.strip():
            raise DefinitionError(f"coverage: {name!r} is not a coverage name such as '24x7'")
        if not isinstance(calendar, Calendar):
            raise DefinitionError(f"coverage[{name!r}]={calendar!r} must be a calendar")
    return cast("tuple[tuple[str, Calendar], ...]", tuple(sorted(items, key=lambda kv: kv[0])))


def _paused_by(value: object) -> tuple[str, ...]:
    items = (value,) if isinstance(value, str) else tuple(cast("Iterable[object]", value))
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise DefinitionError(f"paused_by: {item!r} is not a status such as 'on_hold'")
    return tuple(sorted(set(cast("tuple[str, ...]", items))))


def _check_kind(_instance: object, _attribute: object, value: object) -> None:
    if value not in ("response", "resolution"):
        raise DefinitionError(f"clock kind {value!r} must be 'response' or 'resolution'")


_WAITING = ("waiting_on_customer",)


@node("ticket_time", call=lambda t: f"{t.kind}_time")
@attrs.frozen(kw_only=True, order=False)
class TicketTime(Measure):
    """Tickets judged against a business-time target; its value is the number of late ones.

    Build it with [`response_time()`][slakit.response_time] or
    [`resolution_time()`][slakit.resolution_time] (the fields
    are described there); use [`on_time_ratio()`][slakit.TicketTime.on_time_ratio] for the share on
    time.
    """

    kind: TicketClock = attrs.field(validator=_check_kind, repr=False)
    within: Duration | Targets = attrs.field(converter=_within, metadata=shown(pairs=True))
    priority: str | None = None
    clock: Calendar | None = attrs.field(default=None, converter=_clock)
    coverage: tuple[tuple[str, Calendar], ...] = attrs.field(
        default=(), converter=_coverage, metadata=shown(pairs=True)
    )
    paused_by: tuple[str, ...] = attrs.field(default=_WAITING, converter=_paused_by)
    service: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.priority is not None and not isinstance(self.within, Duration):
            raise DefinitionError(
                f"priority={self.priority!r} with a table of targets: give either "
                "priority='P1', within=hours(1), or within={'P1': hours(1), ...} alone"
            )
        given: object = self.priority
        if given is not None and (not isinstance(given, str) or not given.strip()):
            raise DefinitionError(f"priority={self.priority!r} must be a priority such as 'P1'")

    @property
    def what(self) -> str:
        """The tickets and the clock, such as ``'P1 first responses'``."""
        noun = "first responses" if self.kind == "response" else "resolutions"
        head = f"{self.priority} {noun}" if self.priority is not None else noun
        return head if self.service is None else f"{head} of {self.service}"

    @property
    def label(self) -> str:
        """The measure's name in reports."""
        return f"late {self.what}"

    def targets(self) -> dict[str | None, Duration]:
        """Return the target per priority (``None`` keys the target of every priority)."""
        if isinstance(self.within, Duration):
            return {self.priority: self.within}
        return dict(self.within)

    def describe(self) -> str:
        """Return how tickets are judged, in words."""
        return self.rules() + " The value is the number of late tickets."

    def rules(self) -> str:
        """Return the rules by which each ticket is judged, in words."""
        event = "first response" if self.kind == "response" else "resolution"
        if isinstance(self.within, Duration):
            which = f"{self.priority} tickets" if self.priority is not None else "tickets"
            target = f"within {self.within.words()}"
        else:
            which = "tickets"
            target = "within " + ", ".join(f"{d.words()} ({p})" for p, d in self.within)
        clock = repr(self.clock) if self.clock is not None else "always()"
        parts = [
            (
                f"{which} opened in the period must get their {event} {target} of business "
                f"time on the clock {clock}"
            )
        ]
        if self.coverage:
            parts.append(
                "tickets entitled to other coverage use "
                + ", ".join(f"{c!r} for {name!r}" for name, c in self.coverage)
            )
        if self.paused_by:
            parts.append(f"the clock stops while a ticket is {' or '.join(self.paused_by)}")
        parts.append(
            "a ticket with no " + event + " is late once its target passes before the period ends"
        )
        return "; ".join(parts) + "."

    def coerce(self, value: object, *, name: str = "target") -> Decimal:
        """Read a target number of late tickets, such as ``2``."""
        return coerce_count(value, name=name)

    def format_value(self, value: Fraction | Decimal) -> str:
        """Write a number of late tickets."""
        return format_count(value)

    def bad_units(self, good: Any, total: Any) -> Any:
        """The misses are the late tickets: the measure's value itself."""
        return good * (total > 0)

    def on_time_ratio(self) -> OnTimeRatio:
        """Return the share of judged tickets that were on time (a percentage)."""
        return OnTimeRatio(of=self)


def _of(value: object) -> TicketTime:
    if not isinstance(value, TicketTime):
        raise DefinitionError(f"of={value!r} must be response_time(...) or resolution_time(...)")
    return value


@node("on_time_ratio")
@attrs.frozen(repr=False, kw_only=True, order=False)
class OnTimeRatio(Measure):
    """The share of judged tickets that met their target: ``on time / (on time + late)``."""

    of: TicketTime = attrs.field(converter=_of)

    @property
    def service(self) -> str | None:
        """The one service measured, or ``None`` for each service of the agreement."""
        return self.of.service

    @property
    def label(self) -> str:
        """The measure's name in reports."""
        return f"on-time {self.of.what}"

    def describe(self) -> str:
        """Return how the share is computed, in words."""
        return (
            "The on-time share is the number of tickets on time divided by the number of tickets "
            "judged (on time or late): " + self.of.rules()
        )

    def __repr__(self) -> str:
        return f"{self.of!r}.on_time_ratio()"


_P = ParamSpec("_P")


def _arguments_of(
    model: Callable[_P, TicketTime],
) -> Callable[[Callable[..., TicketTime]], Callable[_P, TicketTime]]:
    """Give a factory ``model``'s arguments: one signature for type checkers and ``help()``."""

    def adopt(factory: Callable[..., TicketTime]) -> Callable[_P, TicketTime]:
        factory.__signature__ = inspect.signature(model)  # type: ignore[attr-defined]
        return factory

    return adopt


def response_time(
    *,
    within: Duration | Mapping[str, Duration],
    priority: str | None = None,
    clock: Calendar | None = None,
    coverage: Mapping[str, Calendar] | None = None,
    paused_by: str | Iterable[str] = _WAITING,
    service: str | None = None,
) -> TicketTime:
    """Return the first-response measure: tickets answered within a business-time target.

    Each ticket opened in the period is judged: the business time from opening
    to first response, less the time its status was one of ``paused_by``, is on
    time when it is at most the target (a response at exactly the target is on
    time). A ticket without a response is late once the target passed before
    the period ended, and pending (not judged, listed) otherwise.

    Args:
        within: the target for every ticket (``hours(1)``), or a table of targets
            per priority (``{"P1": hours(1), "P2": hours(4)}``); tickets of a
            priority without a target are listed as not judged.
        priority: judge only tickets of this priority (with a single target).
        clock: the calendar the clock runs on, for tickets without a coverage;
            ``None`` runs it all the time (``always()``).
        coverage: calendars for tickets by their coverage, such as
            ``{"24x7": always(), "business": office}``. A ticket whose coverage is
            not named here is rejected, and listed.
        paused_by: statuses during which the clock stops (default
            ``"waiting_on_customer"``); explicit pauses on the tickets always stop it.
        service: the one service to measure; ``None`` measures each service of
            the agreement.

    The measure's value is the number of late tickets; use
    [`TicketTime.on_time_ratio()`][slakit.TicketTime.on_time_ratio] for the share on time.
    """
    return TicketTime(
        kind="response",
        within=within,
        priority=priority,
        clock=clock,
        coverage=coverage,
        paused_by=paused_by,
        service=service,
    )


@_arguments_of(response_time)
def resolution_time(**arguments: Any) -> TicketTime:
    """Return the resolution measure: tickets resolved within a business-time target.

    The same as [`response_time()`][slakit.response_time], with the same arguments, timed
    from opening to resolution.
    """
    inspect.signature(resolution_time).bind(**arguments)  # the TypeError names a wrong argument
    return TicketTime(kind="resolution", **arguments)
