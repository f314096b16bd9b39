"""Multi-level agreements: corporate, customer and service levels resolved by precedence.

A higher level (corporate) sets terms for every service; a lower level
(customer, then each service) may replace or add to them, but only by saying
so: a lower level that defines an objective on a measure a higher level
already has, or a compensation rule where a higher level has one, must state
``precedence="override"`` (its definitions replace the higher level's) or
``precedence="add"`` (both apply). Otherwise [`levels()`][slakit.levels] raises
[`DefinitionError`][slakit.exceptions.DefinitionError]: never silently both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, cast

import attrs

from slakit._dsl._agreement import NoData, Tier, _objectives
from slakit._dsl._combinators import total
from slakit._dsl._compensation import CreditRule
from slakit._dsl._composites import Composite
from slakit._dsl._measures import Measure
from slakit._dsl._objectives import Objective
from slakit._money import Money
from slakit._node import DSLRepr, node, shown
from slakit.exceptions import DefinitionError

__all__ = ["Level", "Precedence", "level", "levels"]

#: How a lower level combines with the levels above it where both define terms.
Precedence = Literal["override", "add"]


def _precedence(value: object) -> Precedence | None:
    if value is None or value in ("override", "add"):
        return value
    raise DefinitionError(
        f"precedence={value!r} must be 'override' (replace the higher level's terms for the "
        "same measure) or 'add' (keep both)"
    )


def _rule(value: object) -> CreditRule | None:
    if value is None or isinstance(value, CreditRule):
        return value
    raise DefinitionError(f"compensation={value!r} must be a credit rule")


@node("level")
@attrs.frozen(kw_only=True)
class Level(DSLRepr):
    """The terms one level of a multi-level agreement sets. Build it with ``level()``."""

    objectives: tuple[Objective, ...] = attrs.field(
        default=(), converter=_objectives, metadata=shown(spread=True)
    )
    compensation: CreditRule | None = attrs.field(default=None, converter=_rule)
    precedence: Precedence | None = attrs.field(default=None, converter=_precedence)


def level(
    *objectives: Objective,
    compensation: CreditRule | None = None,
    precedence: Precedence | None = None,
) -> Level:
    """Return the terms of one level: objectives, a compensation rule, and its precedence.

    ``precedence`` says how this level combines with the levels above it where
    both define terms: ``"override"`` replaces the higher levels' objectives on
    the same measure (and their compensation rule); ``"add"`` keeps both (the
    objectives all apply; the compensation rules are added up). Leave it out on
    the corporate level, and on any level that defines nothing a higher one does.

    >>> import slakit as sla
    >>> level(sla.uptime() >= "99.9%", precedence="override")
    level(uptime() >= '99.9%', precedence='override')
    """
    return Level(objectives=objectives, compensation=compensation, precedence=precedence)


def _as_level(name: str, value: object) -> Level:
    if isinstance(value, Level):
        return value
    if isinstance(value, Tier):
        return Level(objectives=value.objectives, compensation=value.compensation)
    if isinstance(value, Objective | list | tuple):
        return Level(objectives=value)
    raise DefinitionError(f"{name}={value!r} must be a level(...), a Tier, or a list of objectives")


def _unbound(measure: Measure) -> Measure:
    """Return the measure as written for every service (its ``service`` left out)."""
    if getattr(measure, "service", None) is None:
        return measure
    return cast("Measure", _bind(measure, None))


def _bind(value: Any, service: str | None) -> Any:
    """Return ``value`` with every measure inside it limited to ``service``."""
    if isinstance(value, tuple):
        items = tuple(_bind(item, service) for item in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if not attrs.has(type(value)) or isinstance(value, Money):
        return value
    if isinstance(value, Composite):
        raise DefinitionError(
            f"{value!r} combines every service of the agreement; it cannot be limited to "
            "some services, so it belongs on the corporate or customer level"
        )
    changes: dict[str, Any] = {}
    for field in attrs.fields(type(value)):
        if not field.init:
            continue
        current = getattr(value, field.name)
        if field.name == "service" and isinstance(value, Measure):
            if current != service:
                changes[field.alias] = service
            continue
        new = _bind(current, service)
        if new is not current:
            changes[field.alias] = new
    return attrs.evolve(value, **changes) if changes else value


def _bind_rule(rule: CreditRule, service: str) -> CreditRule:
    bound = cast("CreditRule", _bind(rule, service))
    measures = bound.measures()
    if not measures or any(getattr(m, "service", None) != service for m in measures):
        raise DefinitionError(
            f"compensation {rule!r} applies to some services only, but it does not read a "
            "measure of each service (it reads none, or a composite); give it on the "
            "corporate or customer level, or to every service"
        )
    return bound


@attrs.frozen
class _Resolved:
    objectives: list[tuple[Objective, str]]
    compensation: tuple[CreditRule, str] | None


def _resolve(chain: list[tuple[str, Level]]) -> _Resolved:
    out = _Resolved([], None)
    for name, lvl in chain:
        keys = {_unbound(o.measure) for o in lvl.objectives}
        clash = [(o, origin) for o, origin in out.objectives if _unbound(o.measure) in keys]
        if clash and lvl.precedence is None:
            objective, origin = clash[0]
            raise DefinitionError(
                f"the {name} level and the {origin} level both define an objective on "
                f"{_unbound(objective.measure).label} ({objective!r}); say which applies: "
                "level(..., precedence='override') replaces the higher level's objectives on "
                "that measure, precedence='add' keeps both"
            )
        if lvl.precedence == "override":
            out.objectives[:] = [(o, n) for o, n in out.objectives if (o, n) not in clash]
        out.objectives.extend((o, name) for o in lvl.objectives)
        if lvl.compensation is None:
            continue
        if out.compensation is None:
            out = _Resolved(out.objectives, (lvl.compensation, name))
            continue
        higher, origin = out.compensation
        if lvl.precedence is None:
            raise DefinitionError(
                f"the {name} level and the {origin} level both define compensation "
                f"({higher!r} and {lvl.compensation!r}); say which applies: "
                "level(..., precedence='override') replaces the higher level's rule, "
                "precedence='add' pays both"
            )
        if lvl.precedence == "override":
            out = _Resolved(out.objectives, (lvl.compensation, name))
        else:
            out = _Resolved(out.objectives, (total(higher, lvl.compensation), f"{origin}+{name}"))
    return out


def levels(
    name: str,
    *,
    fee: Money,
    services: Iterable[str],
    corporate: Level | Tier | Iterable[Objective] | None = None,
    customer: Level | Tier | Iterable[Objective] | None = None,
    service: Mapping[str, Level | Tier | Iterable[Objective]] | None = None,
    no_data: NoData = "no data",
) -> Tier:
    """Return the tier a multi-level agreement resolves to, service by service.

    The levels, highest first, are ``corporate`` (terms for every customer),
    ``customer`` (this customer's terms) and ``service`` (terms of single
    services, ``{"db": level(...)}``). For each service the levels are applied
    from the top down: a lower level's objectives on a measure a higher level
    also has replace them (``precedence="override"``) or join them
    (``precedence="add"``); its compensation rule likewise replaces the higher
    one or is added to it. A lower level that defines the same measure, or a
    second compensation rule, without a precedence is an error.

    The result is an ordinary [`Tier`][slakit.Tier]: terms that hold for every service
    are written as given; terms that hold for some services only are written
    once per service with the measure limited to it (``uptime(service="db")``).

    Args:
        name: the tier's name.
        fee: the fee per service and period (see ``Agreement.fees`` for fees per service).
        services: every service of the agreement, as in ``Agreement(services=...)``.
        corporate: the highest level: a [`level()`][slakit.level], a [`Tier`][slakit.Tier] (its
            objectives and compensation) or a list of objectives.
        customer: the customer's level, in the same forms.
        service: a level per service name.
        no_data: how a measure with no data is treated, as for [`Tier`][slakit.Tier].

    Raises:
        DefinitionError: two levels define the same measure or both a compensation
            rule without a precedence; a service level names a service not in
            ``services``; a rule for some services only cannot be limited to them.
    """
    names = tuple(services)
    if not names:
        raise DefinitionError("services=() must name at least one service")
    chain: list[tuple[str, Level]] = []
    for label, value in (("corporate", corporate), ("customer", customer)):
        if value is not None:
            chain.append((label, _as_level(label, value)))
    per_service = {s: _as_level(f"service[{s!r}]", v) for s, v in (service or {}).items()}
    for s in per_service:
        if s not in names:
            raise DefinitionError(f"service[{s!r}]: {s!r} is not one of services={list(names)!r}")
    resolved = {
        s: _resolve(chain + ([(f"service {s!r}", per_service[s])] if s in per_service else []))
        for s in names
    }
    # objectives: as written where they hold for every service, else one per service
    order: dict[Objective, list[str]] = {}
    for s in names:
        for objective, _origin in resolved[s].objectives:
            order.setdefault(objective, []).append(s)
    objectives: list[Objective] = []
    for objective, where in order.items():
        if len(where) == len(names):
            objectives.append(objective)
        else:
            objectives.extend(cast("Objective", _bind(objective, s)) for s in where)
    # compensation: one rule if every service has the same, else one bound rule per service
    rules: list[CreditRule | None] = []
    for s in names:
        found = resolved[s].compensation
        rules.append(None if found is None else found[0])
    compensation: CreditRule | None
    if all(r == rules[0] for r in rules):
        compensation = rules[0]
    else:
        bound = [_bind_rule(r, s) for r, s in zip(rules, names, strict=True) if r is not None]
        compensation = bound[0] if len(bound) == 1 else total(*bound)
    return Tier(name, fee=fee, objectives=objectives, compensation=compensation, no_data=no_data)
