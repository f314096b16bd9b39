"""Amendments with effective dates and the versions they make.

An [`Agreement`][slakit.Agreement] holds its amendments in order. Version 1 is the
agreement as first signed; each amendment makes the next version from its
effective instant on, replacing the terms it names (the tier, the services, the
rounding) and keeping the rest. ``agreement.versions()`` lists them;
``agreement.version_at(instant)`` is the one in force. What changed between two
versions is [`diff()`][slakit.diff] (in ``_data._diff``: it compares their data form).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

import attrs

from slakit._node import DSLRepr, node, shown
from slakit._time._instant import InstantLike, format_us, instant_text, to_us
from slakit.exceptions import DefinitionError

if TYPE_CHECKING:
    from slakit._dsl._agreement import Agreement, Tier
    from slakit._money import Money, Rounding

__all__ = ["Amendment", "Version", "check_amendments"]


def _instant(effective: InstantLike) -> int:
    value: object = effective  # checked at run time, whatever a caller passes
    if isinstance(value, str) and len(value) == 10:
        raise DefinitionError(
            f"effective={value!r} is a date without a time or zone; write an instant such as "
            f"'{value}T00:00:00Z'"
        )
    return to_us(effective, name="effective")


def _tier(tier: Tier | None) -> Tier | None:
    from slakit._dsl._agreement import Tier

    value: object = tier
    if value is None or isinstance(value, Tier):
        return value
    raise DefinitionError(f"tier={value!r} must be a Tier")


def _services(services: str | Iterable[str] | None) -> tuple[str, ...] | None:
    if services is None:
        return None
    from slakit._dsl._agreement import _services as check

    return check(services)


def _fees(
    fees: Mapping[str, Money] | Iterable[tuple[str, Money]] | None,
) -> tuple[tuple[str, Money], ...] | None:
    if fees is None:
        return None
    from slakit._dsl._agreement import _fees as check

    return check(fees)


def _rounding(rounding: Rounding | None) -> Rounding | None:
    from slakit._money import Rounding

    value: object = rounding
    if value is None or isinstance(value, Rounding):
        return value
    raise DefinitionError(f"rounding={value!r} must be a Rounding")


@node("amendment", call="Amendment")
@attrs.frozen(kw_only=True)
class Amendment(DSLRepr):
    """A change to an agreement from an instant on: the terms it replaces, and a title.

    Make one with [`Agreement.amend()`][slakit.Agreement.amend]. Fields left ``None`` keep the terms
    of the version before.
    """

    effective: int = attrs.field(converter=_instant, metadata=shown(text=instant_text))
    title: str = ""
    tier: Tier | None = attrs.field(default=None, converter=_tier)
    services: tuple[str, ...] | None = attrs.field(default=None, converter=_services)
    rounding: Rounding | None = attrs.field(default=None, converter=_rounding)
    fees: tuple[tuple[str, Money], ...] | None = attrs.field(
        default=None, converter=_fees, metadata=shown(pairs=True)
    )

    def __attrs_post_init__(self) -> None:
        if not self.changes():
            raise DefinitionError(
                f"the amendment effective {format_us(self.effective)} changes nothing; give a "
                "tier, services, fees or rounding"
            )

    def changes(self) -> dict[str, Any]:
        """Return the terms the amendment replaces, by field name."""
        fields = {
            "tier": self.tier,
            "services": self.services,
            "rounding": self.rounding,
            "fees": self.fees,
        }
        return {k: v for k, v in fields.items() if v is not None}


def check_amendments(amendments: Iterable[Amendment]) -> tuple[Amendment, ...]:
    """Return amendments in effective order, refusing anything else or two at one instant."""
    value: object = amendments  # checked at run time, whatever a caller passes
    items = tuple(cast("Iterable[object]", value))
    for item in items:
        if not isinstance(item, Amendment):
            raise DefinitionError(
                f"amendments: {item!r} is not an Amendment; use agreement.amend(...)"
            )
    amendments = cast("tuple[Amendment, ...]", items)
    instants = [a.effective for a in amendments]
    if instants != sorted(instants) or len(set(instants)) != len(instants):
        raise DefinitionError(
            "amendments must take effect in order, each at a later instant than the one before: "
            f"{[format_us(t) for t in instants]}"
        )
    return amendments


@attrs.frozen
class Version:
    """One version of an agreement: its number, title, when it is in force, and its terms.

    Attributes:
        number: 1 for the agreement as signed, 2 after the first amendment, ...
        title: the amendment's title (``"as signed"`` for version 1).
        start: the instant it takes effect (``None``: since the agreement began).
        end: the instant the next version takes effect (``None``: still in force).
        agreement: the terms in force, as an agreement without amendments.
    """

    number: int
    title: str
    start: int | None
    end: int | None
    agreement: Agreement

    @property
    def label(self) -> str:
        """The version as named in reports: ``'v2 (price review)'``."""
        return f"v{self.number}" + (f" ({self.title})" if self.title else "")

    def covers(self, instant: int) -> bool:
        """Return whether the version is in force at ``instant`` (microseconds)."""
        return (self.start is None or self.start <= instant) and (
            self.end is None or instant < self.end
        )

    def describe(self) -> str:
        """Return when the version is in force, in words."""
        start = "the start" if self.start is None else format_us(self.start)
        end = "" if self.end is None else f" until {format_us(self.end)}"
        return f"{self.label}: in force from {start}{end}"
