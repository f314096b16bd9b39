"""Tiers and agreements: the objects a contract is written as."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal, cast

import attrs

from slakit._dsl._compensation import CreditRule
from slakit._dsl._measures import Measure
from slakit._dsl._money import Money, Rounding
from slakit._dsl._objectives import Objective
from slakit._repr import DSLRepr
from slakit._time._instant import format_us, to_us
from slakit._time._periods import PeriodRule, monthly
from slakit.exceptions import DefinitionError

__all__ = ["Agreement", "NoData", "Tier"]

#: What a measure with no eligible time means for its objective: left as
#: ``"no data"`` (the default: reported, never treated as met), or resolved by
#: the agreement as ``"met"``, ``"breached"`` or ``"excluded"``.
NoData = Literal["no data", "met", "breached", "excluded"]


def _name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(f"name={value!r} must be a non-empty string")
    return value


def _objectives(value: object) -> tuple[Objective, ...]:
    items = (value,) if isinstance(value, Objective) else tuple(cast("Iterable[object]", value))
    for item in items:
        if not isinstance(item, Objective):
            raise DefinitionError(
                f"objectives: {item!r} is not an objective; write one as a comparison "
                "such as uptime >= '99.9%'"
            )
    return cast("tuple[Objective, ...]", items)


def _fee(value: object) -> Money:
    if not isinstance(value, Money):
        raise DefinitionError(f"fee={value!r} must be money, for example usd('12000.00')")
    if value.amount < 0:
        raise DefinitionError(f"fee={value!r} must not be negative")
    return value


def _compensation(value: object) -> CreditRule | None:
    if value is None or isinstance(value, CreditRule):
        return value
    raise DefinitionError(
        f"compensation={value!r} must be a credit rule such as credit_schedule(...)"
    )


def _check_no_data(_instance: object, _attribute: object, value: object) -> None:
    if value not in ("no data", "met", "breached", "excluded"):
        raise DefinitionError(
            f"no_data={value!r} must be 'no data', 'met', 'breached' or 'excluded'"
        )


@attrs.frozen(repr=False)
class Tier(DSLRepr):
    """A service tier: a fee per period, objectives, and the compensation owed on a miss.

    Examples:
        >>> import slakit as sla
        >>> gold = sla.Tier("gold", fee=sla.usd("12000.00"), objectives=[sla.uptime() >= "99.95%"])
        >>> gold.derive("silver", fee=sla.usd("6000.00")).fee
        Money('6000.00', 'USD')
    """

    name: str = attrs.field(converter=_name)
    fee: Money = attrs.field(kw_only=True, converter=_fee)
    objectives: tuple[Objective, ...] = attrs.field(kw_only=True, default=(), converter=_objectives)
    compensation: CreditRule | None = attrs.field(
        kw_only=True, default=None, converter=_compensation
    )
    no_data: NoData = attrs.field(kw_only=True, default="no data", validator=_check_no_data)

    def derive(self, name: str, **changes: Any) -> Tier:
        """Return a new tier named ``name`` with ``changes`` applied to this one's fields."""
        return attrs.evolve(self, name=name, **changes)

    def measures(self) -> tuple[Measure, ...]:
        """Return every distinct measure the tier reads, in first-use order."""
        seen: dict[Measure, None] = {}
        for objective in self.objectives:
            seen.setdefault(objective.measure)
        if self.compensation is not None:
            for measure in self.compensation.measures():
                seen.setdefault(measure)
        return tuple(seen)

    def __repr__(self) -> str:
        args = [repr(self.name), f"fee={self.fee!r}"]
        if self.objectives:
            args.append(f"objectives=[{', '.join(map(repr, self.objectives))}]")
        if self.compensation is not None:
            args.append(f"compensation={self.compensation!r}")
        if self.no_data != "no data":
            args.append(f"no_data={self.no_data!r}")
        return f"Tier({', '.join(args)})"


def _services(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    items = tuple(cast("Iterable[object]", value))
    if not items:
        raise DefinitionError("services=() must name at least one service")
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise DefinitionError(f"services: {item!r} is not a service name")
    names = cast("tuple[str, ...]", items)
    if len(set(items)) != len(items):
        dupes = sorted({s for s in names if names.count(s) > 1})
        raise DefinitionError(f"services names {', '.join(map(repr, dupes))} more than once")
    return names


def _effective(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 10:
        raise DefinitionError(
            f"effective={value!r} is a date without a time or zone; write an instant such as "
            f"'{value}T00:00:00Z' or '{value}T00:00:00+01:00'"
        )
    return to_us(value, name="effective")  # type: ignore[arg-type]


def _period_rule(value: object) -> PeriodRule:
    if not isinstance(value, PeriodRule):
        raise DefinitionError(f"period={value!r} must be a period rule such as monthly(tz='UTC')")
    return value


def _check_tier(_instance: object, _attribute: object, value: Any) -> None:
    if not isinstance(value, Tier):
        raise DefinitionError(f"tier={value!r} must be a Tier")


@attrs.frozen(repr=False, kw_only=True)
class Agreement(DSLRepr):
    """A service-level agreement between a provider and a customer.

    Each service in ``services`` is measured on its own against the tier's
    objectives, and the tier's ``fee`` is each service's charge per period.

    Attributes:
        provider: who gives the service and owes the credits.
        customer: who receives the service.
        services: the services covered, by the names used in the events.
        tier: the tier in force.
        period: how time is cut into billing periods (default: UTC calendar months).
        effective: the instant the agreement takes effect, or ``None``.
        rounding: how final amounts are rounded (default half-up to the minor unit).
        name: a title for reports; defaults to "provider / customer".
    """

    provider: str = attrs.field(converter=_name)
    customer: str = attrs.field(converter=_name)
    services: tuple[str, ...] = attrs.field(converter=_services)
    tier: Tier = attrs.field(validator=_check_tier)
    period: PeriodRule = attrs.field(factory=monthly, converter=_period_rule)
    effective: int | None = attrs.field(default=None, converter=_effective)
    rounding: Rounding = attrs.field(factory=Rounding)
    name: str | None = None

    @property
    def title(self) -> str:
        """The agreement's title for reports."""
        return self.name or f"{self.provider} / {self.customer}"

    def effective_datetime(self) -> datetime | None:
        """The effective instant as an aware UTC datetime, if set."""
        from slakit._time._instant import from_us

        return None if self.effective is None else from_us(self.effective)

    def __repr__(self) -> str:
        args = [
            f"provider={self.provider!r}",
            f"customer={self.customer!r}",
            f"services={list(self.services)!r}",
            f"tier={self.tier!r}",
            f"period={self.period!r}",
        ]
        if self.effective is not None:
            args.append(f"effective={format_us(self.effective)!r}")
        if self.rounding != Rounding():
            args.append(f"rounding={self.rounding!r}")
        if self.name is not None:
            args.append(f"name={self.name!r}")
        return f"Agreement({', '.join(args)})"
