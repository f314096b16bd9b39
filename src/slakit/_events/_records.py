"""Typed, validated event records: what happened to a service, and when."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TypeVar, cast

import attrs

from slakit._events._columns import problems_of
from slakit._node import DSLRepr
from slakit._ratio import format_percent
from slakit._time._instant import InstantLike, format_us, from_us, to_us
from slakit._validation import check_service_name
from slakit.exceptions import DefinitionError, Problem

__all__ = ["Deployment", "Event", "Maintenance", "Outage", "records_of"]

_R = TypeVar("_R")


def records_of(
    records: Iterable[object], kind: type[_R] | tuple[type[_R], ...], expected: str
) -> list[_R]:
    """Return ``records`` as a list, having checked that each one is a ``kind``.

    Raises:
        EventDataError: listing every item that is not, by its position, with
            ``expected`` naming the kind (``record 3: expected a Request, got dict``).
    """
    items = list(records)
    problems = [
        Problem(f"record {i}", "", f"expected {expected}, got {type(r).__name__}")
        for i, r in enumerate(items)
        if not isinstance(r, kind)
    ]
    if problems:
        raise problems_of(problems).error()
    return cast("list[_R]", items)


def _check_service(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    check_service_name(value, attribute.name)


def _start(value: InstantLike) -> datetime:
    """Normalise ``start`` to an aware UTC datetime (so equal instants compare equal)."""
    return from_us(to_us(value, name="start"))


def _end(value: InstantLike) -> datetime:
    """Normalise ``end`` to an aware UTC datetime."""
    return from_us(to_us(value, name="end"))


def _check_state(_instance: object, _attribute: object, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(f"state={value!r} must be a non-empty name such as 'degraded'")


def _share(value: object) -> Decimal:
    from slakit._ratio import ratio

    share = ratio(value, name="affected")
    if share == 0:
        raise DefinitionError(
            "affected='0%' affects nobody; leave the outage out, or give a share above 0%"
        )
    return share


def _announced(value: InstantLike) -> datetime:
    """Normalise ``announced`` to an aware UTC datetime."""
    return from_us(to_us(value, name="announced"))


@attrs.frozen(repr=False)
class _Spanned(DSLRepr):
    """An event that occupies a half-open span ``[start, end)`` of one service."""

    service: str = attrs.field(validator=_check_service)
    start: datetime = attrs.field(converter=_start)
    end: datetime = attrs.field(converter=_end)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise DefinitionError(
                f"{type(self).__name__} end={self.end.isoformat()!r} must lie after "
                f"start={self.start.isoformat()!r}; swap them or fix the record"
            )

    @property
    def start_us(self) -> int:
        """The start in microseconds since the epoch, UTC."""
        return to_us(self.start)

    @property
    def end_us(self) -> int:
        """The end in microseconds since the epoch, UTC."""
        return to_us(self.end)


@attrs.frozen(repr=False)
class Outage(_Spanned):
    """A span of time during which a service was down, as one monitor reported it.

    Outages of one service may overlap (several monitors); the measures merge
    them. ``state`` names how bad it was (``"down"`` by default; for example
    ``"degraded"``), and a measure says what each state weighs; ``affected`` is
    the share of customers or addresses affected, used by measures that weight
    downtime by it.

    Examples:
        >>> Outage("checkout", "2026-10-03T10:00:00Z", "2026-10-03T10:07:30Z")
        Outage('checkout', '2026-10-03T10:00:00Z', '2026-10-03T10:07:30Z')
        >>> degraded = Outage(
        ...     "api", "2026-10-03T10:00Z", "2026-10-03T11:00Z", state="degraded", affected="25%"
        ... )
        >>> degraded.state, degraded.affected
        ('degraded', Decimal('0.25'))
    """

    state: str = attrs.field(default="down", kw_only=True, validator=_check_state)
    affected: Decimal = attrs.field(default=Decimal(1), kw_only=True, converter=_share)

    def __repr__(self) -> str:
        extra = ""
        if self.state != "down":
            extra += f", state={self.state!r}"
        if self.affected != 1:
            extra += f", affected={format_percent(self.affected)!r}"
        return (
            f"Outage({self.service!r}, {format_us(self.start_us)!r}, "
            f"{format_us(self.end_us)!r}{extra})"
        )


@attrs.frozen(repr=False)
class Deployment(_Spanned):
    """A span of time during which a service (or resource) existed and was deployed.

    Measures with ``denominator="deployed"`` count only deployed time as eligible.
    """

    def __repr__(self) -> str:
        return (
            f"Deployment({self.service!r}, {format_us(self.start_us)!r}, "
            f"{format_us(self.end_us)!r})"
        )


@attrs.frozen(repr=False)
class Maintenance(_Spanned):
    """Planned maintenance of a service over ``[start, end)``, announced at ``announced``.

    Whether the maintenance is excluded from a measure, and how, is up to the
    agreement's exclusion clauses (see
    [`slakit.scheduled_maintenance()`][slakit.scheduled_maintenance]).
    """

    announced: datetime = attrs.field(converter=_announced)

    @property
    def announced_us(self) -> int:
        """The announcement instant in microseconds since the epoch, UTC."""
        return to_us(self.announced)

    def __repr__(self) -> str:
        return (
            f"Maintenance({self.service!r}, {format_us(self.start_us)!r}, "
            f"{format_us(self.end_us)!r}, announced={format_us(self.announced_us)!r})"
        )


Event = Outage | Maintenance | Deployment
