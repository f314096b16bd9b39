"""Compile-time checks: everything about an agreement that its definition alone can show wrong.

[`check_agreement()`][slakit.testing.check_agreement] runs when an agreement is compiled (and so in
``slakit validate``), over every version of an amended agreement. It checks
the measures (a kernel for each kind, services the version covers, component
rules of covered services, and no more buckets in a period than a measure that
lists every bucket may have) and every node of the compensation rule: a kernel
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

from slakit._dsl._agreement import Agreement, Tier
from slakit._dsl._compensation import CreditRule
from slakit._dsl._measures import Measure
from slakit._dsl._objectives import Objective
from slakit._dsl._requests import BucketAvailability
from slakit._engine._credits._context import KERNELS, check_rule
from slakit._engine._families import CREDITS, MEASURES
from slakit._engine._registry import RUNNERS
from slakit._engine._requests import listed_buckets_error
from slakit._time._instant import US_PER_DAY, US_PER_HOUR, describe_us
from slakit._time._periods import Monthly, PeriodRule, Quarterly, Rolling, Weeks, Yearly
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
    _check_buckets(measure, agreement)


#: The most local days in one period of each kind of rule (a rolling rule says its own).
_LONGEST_DAYS: dict[type[PeriodRule], int] = {Weeks: 7, Monthly: 31, Quarterly: 92, Yearly: 366}
#: UTC offsets run from -12:00 to +14:00: a period in a zone can outlast its days by 26 hours.
_OFFSET_SLACK_US = 26 * US_PER_HOUR


def longest_period_us(rule: PeriodRule) -> int | None:
    """Return an upper bound of the length of any period of ``rule`` (``None``: unknown)."""
    days = rule.days if isinstance(rule, Rolling) else _LONGEST_DAYS.get(type(rule))
    if days is None:
        return None
    return days * US_PER_DAY + (0 if rule.tz == "UTC" else _OFFSET_SLACK_US)


def _check_buckets(measure: Measure, agreement: Agreement) -> None:
    """Refuse a bucketed measure whose cost grows with the buckets of a period, if too many.

    Only bucket availability with empty buckets bad or excluded lists every
    bucket; the other bucketed measures cost what their requests cost.
    """
    if not isinstance(measure, BucketAvailability):
        return
    longest = longest_period_us(agreement.period)
    if longest is None:
        return  # a rule of another kind: evaluation checks each period
    problem = listed_buckets_error(
        measure,
        buckets=-(-longest // measure.bucket.us),
        length_us=longest,
        where=f"a period of {agreement.period!r} (up to {describe_us(longest)})",
    )
    if problem is not None:
        raise DefinitionError(
            f"{problem} (tier {agreement.tier.name!r})", name="bucket", value=measure.bucket
        )


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
    other = own - {tier.currency_code}
    if other:
        raise CurrencyMismatchError(
            f"{clause} has amounts in {', '.join(sorted(other))}, but the "
            f"{'fee' if tier.fee is not None else 'tier'} is in {tier.currency_code} "
            f"({_money_words(tier)}); write every amount in {tier.currency_code}"
        )
    for measure in _references(node):
        if measure not in known:
            raise DefinitionError(
                f"{clause} reads {measure!r}, which is not among the tier's measures "
                f"({type(node).__name__}.measures() does not list it); the engine would not "
                "evaluate it"
            )


def _money_words(tier: Tier) -> str:
    return f"fee={tier.fee}" if tier.fee is not None else f"currency={tier.currency!r}, no fee"
