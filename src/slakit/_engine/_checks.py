"""Compile-time checks: everything about an agreement that its definition alone can show wrong.

[`check_agreement()`][slakit.testing.check_agreement] runs when an agreement is compiled (and so in
``slakit validate``), over every version of an amended agreement. It checks
the measures (a kernel for each kind, services the version covers, component
rules of covered services) and every node of the compensation rule: a kernel
for its kind, amounts in the fee's currency, and measures the tier evaluates.
The kind of measure a shape needs and the claim window that fits a rule are
checked by the rule classes themselves, when they are built. What only the
input can show
(billing data in another currency, a priority the tickets do not use) is
checked at evaluation.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import attrs

from slakit._dsl._agreement import Agreement
from slakit._dsl._compensation import CreditRule
from slakit._dsl._measures import Measure
from slakit._dsl._objectives import Objective
from slakit._engine._credits._context import KERNELS, check_rule
from slakit._engine._families import CREDITS, MEASURES
from slakit._engine._registry import RUNNERS
from slakit.exceptions import CurrencyMismatchError, DefinitionError

__all__ = ["check_agreement", "check_terms"]


def check_agreement(agreement: Agreement) -> None:
    """Check every version of ``agreement``; an error names the version and the clause.

    Raises:
        DefinitionError: a measure or rule cannot be evaluated under these terms.
        CurrencyMismatchError: a rule has amounts in another currency than the fee.
    """
    versions = agreement.versions()
    for version in versions:
        try:
            check_terms(version.agreement)
        except (DefinitionError, CurrencyMismatchError) as exc:
            if len(versions) == 1:
                raise
            raise type(exc)(f"version {version.label}: {exc}") from None


def check_terms(agreement: Agreement) -> None:
    """Check the terms of one version (an agreement without amendments).

    Raises:
        DefinitionError: a measure or rule cannot be evaluated under these terms.
        CurrencyMismatchError: a rule has amounts in another currency than the fee.
    """
    tier = agreement.tier
    measures = tier.measures()
    for measure in measures:
        _check_measure(measure, agreement)
    if tier.compensation is not None:
        known = frozenset(measures)
        for node in _nodes(tier.compensation):
            _check_node(node, agreement, known)
        check_rule(tier.compensation, agreement)  # every kind of rule has a kernel


def _unregistered(what: str, node: object, modules: tuple[ModuleType, ...]) -> DefinitionError:
    listed = ", ".join(m.__name__.rsplit(".", 1)[-1] for m in modules)
    return DefinitionError(
        f"no kernel evaluates {type(node).__name__} {what} like {node!r}; the engine's modules "
        f"of {what} are {listed} (listed in slakit._engine._families)"
    )


def _check_measure(measure: Measure, agreement: Agreement) -> None:
    if type(measure) not in RUNNERS:
        raise _unregistered("measures", measure, MEASURES)
    tier = agreement.tier.name
    service = getattr(measure, "service", None)
    if service is not None and service not in agreement.services:
        raise DefinitionError(
            f"{measure!r} in tier {tier!r} names service {service!r}, which the agreement "
            f"does not cover (services={list(agreement.services)!r})"
        )
    covered = agreement.services if service is None else (service,)
    node: object = measure
    while isinstance(node, Measure):
        for parent, rule in getattr(node, "components", ()):
            if parent not in covered:
                raise DefinitionError(
                    f"{measure!r} in tier {tier!r}: components[{parent!r}]={rule!r} is for "
                    f"{parent!r}, which the measure does not cover (it covers "
                    f"{list(covered)!r}); key the rule by a service of the agreement"
                )
        node = getattr(node, "measure", None)


def _nodes(rule: CreditRule) -> Iterator[CreditRule]:
    """Yield every node of a rule tree, parents before children."""
    stack = [rule]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children()))


def _references(node: CreditRule) -> Iterator[Measure]:
    """Yield every measure a rule node refers to in its own fields (objectives' too)."""
    cls = type(node)
    if not attrs.has(cls):
        return
    for field in attrs.fields(cls):
        value = getattr(node, field.name)
        items = value if isinstance(value, tuple | list) else (value,)
        for item in items:
            if isinstance(item, Objective):
                yield item.measure
            elif isinstance(item, Measure):
                yield item


def _check_node(node: CreditRule, agreement: Agreement, known: frozenset[Measure]) -> None:
    if type(node) not in KERNELS:
        raise _unregistered("rules", node, CREDITS)
    tier = agreement.tier
    clause = f"{node!r} in tier {tier.name!r}"
    own = set(node.currencies())
    for child in node.children():
        own -= child.currencies()
    other = own - {tier.fee.currency}
    if other:
        raise CurrencyMismatchError(
            f"{clause} has amounts in {', '.join(sorted(other))}, but the fee is in "
            f"{tier.fee.currency} (fee={tier.fee}); write every amount in {tier.fee.currency}"
        )
    for measure in _references(node):
        if measure not in known:
            raise DefinitionError(
                f"{clause} reads {measure!r}, which is not among the tier's measures "
                f"({type(node).__name__}.measures() does not list it); the engine would not "
                "evaluate it"
            )
