"""The parties to an agreement, services as catalogue entries, and reporting terms."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, cast

import attrs

from slakit._node import DSLRepr, node, shown
from slakit._time._calendar import Calendar
from slakit._time._instant import Duration, days
from slakit._validation import check_duration
from slakit.exceptions import DefinitionError

__all__ = [
    "Party",
    "Reporting",
    "Role",
    "Service",
    "party",
    "reporting",
    "service",
]

#: What a party does in the agreement. The provider and the customer are named on the
#: agreement itself; these are the supporting parties beside them.
Role = Literal["measurement authority", "subcontractor", "auditor", "reseller", "other"]
_ROLES = ("measurement authority", "subcontractor", "auditor", "reseller", "other")


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(f"{name}={value!r} must be a non-empty string")
    return value


def _party_name(value: object) -> str:
    return _text(value, "name")


def _check_role(_instance: object, _attribute: object, value: object) -> None:
    if value not in _ROLES:
        raise DefinitionError(f"role={value!r} must be one of {', '.join(map(repr, _ROLES))}")


def _components(value: object) -> tuple[str, ...]:
    items = (value,) if isinstance(value, str) else tuple(cast("Iterable[object]", value))
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise DefinitionError(f"components: {item!r} is not a component name")
    return cast("tuple[str, ...]", items)


def _tags(value: object) -> tuple[str, ...]:
    items = (value,) if isinstance(value, str) else tuple(cast("Iterable[object]", value))
    for item in items:
        if not isinstance(item, str) or not item.strip() or ":" in item:
            raise DefinitionError(f"tags: {item!r} is not a tag: a non-empty name without ':'")
    return cast("tuple[str, ...]", items)


@node("party")
@attrs.frozen
class Party(DSLRepr):
    """A supporting party: a measurement authority, a subcontractor, an auditor.

    Build it with [`party()`][slakit.party]. A subcontractor with ``passes_credits=True``
    owes the provider, under its ``underpinning`` agreement, the credits that
    its part of the service causes.
    """

    name: str = attrs.field(converter=_party_name, metadata=shown(positional=True))
    role: Role = attrs.field(kw_only=True, validator=_check_role)
    responsible_for: tuple[str, ...] = attrs.field(kw_only=True, default=(), converter=_components)
    underpinning: str | None = attrs.field(kw_only=True, default=None)
    passes_credits: bool = attrs.field(kw_only=True, default=False)

    def __attrs_post_init__(self) -> None:
        if self.passes_credits and self.role != "subcontractor":
            raise DefinitionError(
                f"party {self.name!r}: only a subcontractor passes credits back, not a {self.role}"
            )

    def describe(self) -> str:
        """Return the party's part in words."""
        text = f"{self.name}, {self.role}"
        if self.responsible_for:
            text += f", responsible for {', '.join(self.responsible_for)}"
        if self.underpinning:
            text += f", under {self.underpinning}"
        if self.passes_credits:
            text += "; passes the credits its part causes back to the provider"
        return text


def party(
    name: str,
    *,
    role: Role,
    responsible_for: Iterable[str] = (),
    underpinning: str | None = None,
    passes_credits: bool = False,
) -> Party:
    """Return a supporting party of an agreement.

    Args:
        name: who the party is.
        role: ``"measurement authority"`` (whose monitoring data is binding),
            ``"subcontractor"``, ``"auditor"``, ``"reseller"`` or ``"other"``.
        responsible_for: the services or components the party runs or measures.
        underpinning: the agreement between the provider and this party.
        passes_credits: a subcontractor pays back the credits its part causes.

    Examples:
        >>> party("Pingdom", role="measurement authority").describe()
        'Pingdom, measurement authority'
    """
    return Party(
        name,
        role=role,
        responsible_for=tuple(responsible_for),
        underpinning=underpinning,
        passes_credits=passes_credits,
    )


def _hours(value: object) -> Calendar | None:
    if value is None or isinstance(value, Calendar):
        return value
    raise DefinitionError(
        f"hours={value!r} must be a calendar such as weekly('Mon-Fri 08:00-18:00')"
    )


@node("service")
@attrs.frozen
class Service(DSLRepr):
    """A service as a catalogue entry: what it is, what it is made of, when it is offered.

    Build it with [`service()`][slakit.service].
    """

    name: str = attrs.field(converter=_party_name, metadata=shown(positional=True))
    description: str = attrs.field(kw_only=True, default="")
    components: tuple[str, ...] = attrs.field(kw_only=True, default=(), converter=_components)
    hours: Calendar | None = attrs.field(kw_only=True, default=None, converter=_hours)
    group: str | None = attrs.field(kw_only=True, default=None)
    #: Labels a selector can name (``Correction(services="tag:eu", ...)``).
    tags: tuple[str, ...] = attrs.field(kw_only=True, default=(), converter=_tags)

    def describe(self) -> str:
        """Return the entry in words."""
        parts = [self.name]
        if self.description:
            parts.append(self.description)
        if self.components:
            parts.append(f"made of {', '.join(self.components)}")
        parts.append(
            "available at all times" if self.hours is None else f"available {self.hours.describe()}"
        )
        if self.group:
            parts.append(f"run by {self.group}")
        if self.tags:
            parts.append(f"tagged {', '.join(self.tags)}")
        return "; ".join(parts)


def service(
    name: str,
    *,
    description: str = "",
    components: Iterable[str] = (),
    hours: Calendar | None = None,
    group: str | None = None,
    tags: Iterable[str] = (),
) -> Service:
    """Return a catalogue entry for a service.

    Args:
        name: the service's name, as the events name it.
        description: what the service is, for the schedule.
        components: what it is made of (hosts, zones, sub-services).
        hours: when the service is offered (its service hours); ``None`` for always.
        group: the support group that runs it.
        tags: labels that selectors name (``"tag:eu"``), such as a region or a product line.
    """
    return Service(
        name,
        description=description,
        components=tuple(components),
        hours=hours,
        group=group,
        tags=tuple(tags),
    )


Every = Literal["period", "month", "quarter", "year"]


def _check_every(_instance: object, _attribute: object, value: object) -> None:
    if value not in ("period", "month", "quarter", "year"):
        raise DefinitionError(f"every={value!r} must be 'period', 'month', 'quarter' or 'year'")


def _due(value: object) -> Duration:
    return check_duration(value, "due", example="days(10)")


def _contents(value: object) -> tuple[str, ...]:
    items = (value,) if isinstance(value, str) else tuple(cast("Iterable[object]", value))
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise DefinitionError(f"contents: {item!r} is not a description of a report item")
    return cast("tuple[str, ...]", items)


@node("reporting")
@attrs.frozen
class Reporting(DSLRepr):
    """When the provider's service reports are due, and what they contain.

    Build it with [`reporting()`][slakit.reporting].
    """

    every: Every = attrs.field(default="period", validator=_check_every)
    due: Duration = attrs.field(factory=lambda: days(10), converter=_due)
    contents: tuple[str, ...] = attrs.field(
        default=("compliance with each objective", "credits owed"), converter=_contents
    )

    def describe(self) -> str:
        """Return the reporting terms in words."""
        what = "; ".join(self.contents)
        return f"a report every {self.every}, due {self.due.words()} after it ends, with: {what}"


def reporting(
    *,
    every: Every = "period",
    due: Duration | None = None,
    contents: Iterable[str] = ("compliance with each objective", "credits owed"),
) -> Reporting:
    """Return the agreement's reporting terms.

    Args:
        every: how often a report is due: each billing ``"period"`` (default),
            ``"month"``, ``"quarter"`` or ``"year"``.
        due: how long after the end of what it covers the report is due
            (default ``days(10)``).
        contents: what each report contains, in words.
    """
    return Reporting(every=every, due=days(10) if due is None else due, contents=tuple(contents))
