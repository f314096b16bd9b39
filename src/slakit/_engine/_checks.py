"""Compile-time checks: everything about an agreement that its definition alone can show wrong.

[`check_agreement()`][slakit.testing.check_agreement] runs when an agreement is compiled (and so in
``slakit validate``), over every version of an amended agreement. It checks
the measures (a kernel for each kind, services the version covers, component
rules of covered services) and every node of the compensation rule: a kernel
for its kind, amounts in the fee's currency, a base that is ``fee()`` or
``charges(...)``, measures the tier evaluates, a measure of the right kind
(time for prorated and per-downtime credits, events for a credit per breach),
and claim clauses that fit the rule they wrap. What only the input can show
(billing data in another currency, a priority the tickets do not use) is
checked at evaluation.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from slakit._dsl._agreement import Agreement
from slakit._dsl._claims import ClaimRequired, ClaimWindow
from slakit._dsl._compensation import Base, CreditRule
from slakit._dsl._measures import Measure
from slakit._dsl._objectives import Objective
from slakit._dsl._remedies import DowntimeUnits, PerBreach, Prorated, UnitRefund, counts_time
from slakit._dsl._tickets import TicketTime
from slakit._engine._credits._context import check_rule
from slakit._engine._registry import runner_for
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


def _check_measure(measure: Measure, agreement: Agreement) -> None:
    runner_for(measure)
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
    cls = type(node)
    if attrs.has(cls) and "base" in attrs.fields_dict(cls):
        base: object = getattr(node, "base")  # noqa: B009  (the field of several rule types)
        if not isinstance(base, Base):
            raise DefinitionError(f"{clause}: base={base!r} must be fee() or charges(...)")
    if (
        isinstance(node, PerBreach)
        and isinstance(node.target, Measure)
        and counts_time(node.target)
    ):
        raise DefinitionError(
            f"{clause}: a measure of time counts microseconds, not breaches; pass an "
            f"objective such as {node.target!r} >= '99.9%'"
        )
    if isinstance(node, Prorated | DowntimeUnits | UnitRefund) and not counts_time(node.measure):
        raise DefinitionError(
            f"{clause}: {node.measure!r} does not count time; this shape needs a measure of "
            "down time such as uptime(...)"
        )
    if isinstance(node, ClaimRequired):
        _check_claim(node, clause)


def _check_claim(node: ClaimRequired, clause: str) -> None:
    window: object = node.window
    if not isinstance(window, ClaimWindow):
        raise DefinitionError(
            f"{clause}: window={window!r} must be within_days(...), within_cycles(...) or "
            "after_ticket_closes(...)"
        )
    if window.after in ("period end", "ticket closed") and (
        window.length is None or window.length.us <= 0
    ):
        raise DefinitionError(f"{clause}: the claim window needs a positive length")
    if window.after == "cycles" and window.cycles < 1:
        raise DefinitionError(f"{clause}: the claim window needs at least one billing cycle")
    if window.after == "ticket closed":
        rule = node.rule
        if not (isinstance(rule, PerBreach) and isinstance(rule.target, TicketTime)):
            raise DefinitionError(
                f"{clause}: a claim window after each ticket closes needs a credit per late "
                f"ticket, such as per_breach(response_time(...), usd('100')); {rule!r} is not "
                "one"
            )
