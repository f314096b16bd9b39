"""Combining credit rules: sum, largest, first match, caps, floors, order, bonus, history.

Operators build flat, canonical trees: ``a + (b + c)`` equals ``(a + b) + c``
structurally, and ``a | b`` is [`largest()`][slakit.largest]. Each operator has a named
twin ([`total()`][slakit.total], [`largest()`][slakit.largest]); [`first()`][slakit.first] has no
operator.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal, cast

import attrs

from slakit._dsl._compensation import (
    FEE,
    Base,
    Charges,
    CreditRule,
    Fee,
    check_base,
    first_non_monotone,
)
from slakit._dsl._measures import Measure
from slakit._dsl._objectives import Objective
from slakit._money import Money
from slakit._node import DSLRepr, node, shown
from slakit._ratio import echo, format_percent, ratio
from slakit._time._instant import Duration
from slakit.exceptions import CurrencyMismatchError, DefinitionError

__all__ = [
    "Bonus",
    "Cap",
    "CyclesOfFees",
    "EarnBack",
    "Escalate",
    "First",
    "InOrder",
    "Largest",
    "Minimum",
    "OnlyIfBreached",
    "Scaled",
    "Total",
    "bonus",
    "cap",
    "cycles_of_fees",
    "earn_back",
    "escalate",
    "first",
    "in_order",
    "largest",
    "minimum",
    "only_if_breached",
    "scaled",
    "total",
]


def _rules(name: str, rules: tuple[object, ...]) -> tuple[CreditRule, ...]:
    if len(rules) < 2:
        raise DefinitionError(f"{name}() combines at least two rules; got {len(rules)}")
    for rule in rules:
        if not isinstance(rule, CreditRule):
            raise DefinitionError(f"{name}(): {rule!r} is not a credit rule")
    return cast("tuple[CreditRule, ...]", rules)


def _rule(name: str, rule: object) -> CreditRule:
    if not isinstance(rule, CreditRule):
        raise DefinitionError(f"{name}(): {rule!r} is not a credit rule")
    return rule


def _one_currency(clause: str, rules: tuple[CreditRule, ...], *amounts: Money | None) -> None:
    currencies: set[str] = set()
    for rule in rules:
        currencies |= rule.currencies()
    currencies |= {a.currency for a in amounts if a is not None}
    if len(currencies) > 1:
        raise CurrencyMismatchError(
            f"{clause} mixes currencies {', '.join(sorted(currencies))}; write every amount "
            "in the agreement's currency"
        )


def _measures_of(rules: tuple[CreditRule, ...], *objectives: Objective) -> tuple[Measure, ...]:
    seen: dict[Measure, None] = {}
    for rule in rules:
        for measure in rule.measures():
            seen.setdefault(measure)
    for objective in objectives:
        seen.setdefault(objective.measure)
    return tuple(seen)


class _Combination(CreditRule):
    """Rules combined alike: a flat tuple, flattened on construction."""

    __slots__ = ()
    rules: tuple[CreditRule, ...]

    def measures(self) -> tuple[Measure, ...]:
        """Return the measures of every combined rule."""
        return _measures_of(self.rules)

    def children(self) -> tuple[CreditRule, ...]:
        """Return the combined rules, in order."""
        return self.rules


def _flat(kind: type, rules: tuple[CreditRule, ...]) -> tuple[CreditRule, ...]:
    out: list[CreditRule] = []
    for rule in rules:
        if type(rule) is kind:
            out.extend(cast("_Combination", rule).rules)
        else:
            out.append(rule)
    return tuple(out)


@node("total")
@attrs.frozen
class Total(_Combination):
    """Every rule pays: the credits add up. Build it with ``a + b`` or [`total()`][slakit.total]."""

    rules: tuple[CreditRule, ...] = attrs.field(metadata=shown(spread=True))

    def non_monotone_part(self) -> CreditRule | None:
        """Return the first rule's part that may pay less for more down time, or ``None``."""
        return first_non_monotone(self.rules)


@node("largest")
@attrs.frozen
class Largest(_Combination):
    """Only the largest credit is paid. Build it with ``a | b`` or [`largest()`][slakit.largest]."""

    rules: tuple[CreditRule, ...] = attrs.field(metadata=shown(spread=True))

    def non_monotone_part(self) -> CreditRule | None:
        """Return the first rule's part that may pay less for more down time, or ``None``."""
        return first_non_monotone(self.rules)


@node("first")
@attrs.frozen
class First(_Combination):
    """The first rule, in order, that gives a credit pays; the rest do not. See ``first()``."""

    rules: tuple[CreditRule, ...] = attrs.field(metadata=shown(spread=True))


@node("in_order")
@attrs.frozen
class InOrder(_Combination):
    """Rules applied in order, each later base reduced by earlier credits. See ``in_order()``."""

    rules: tuple[CreditRule, ...] = attrs.field(metadata=shown(spread=True))


def total(*rules: CreditRule) -> Total:
    """Return a rule that pays the sum of ``rules`` (the twin of ``+``).

    >>> import slakit as sla
    >>> u = sla.uptime()
    >>> a, b, c = (sla.per_breach(u >= t, sla.usd("1")) for t in ("99%", "98%", "97%"))
    >>> total(a, total(b, c)) == (a + b) + c
    True
    """
    rules = _rules("total", rules)
    _one_currency("total(...)", rules)
    return Total(_flat(Total, rules))


def largest(*rules: CreditRule) -> Largest:
    """Return a rule that pays only the largest credit of ``rules`` (the twin of ``|``)."""
    rules = _rules("largest", rules)
    _one_currency("largest(...)", rules)
    return Largest(_flat(Largest, rules))


def first(*rules: CreditRule) -> First:
    """Return a rule that pays the credit of the first of ``rules`` that gives one.

    For each service, the rules are tried in order and the first with a credit
    other than zero pays; later rules are not applied, and the report says so.
    """
    rules = _rules("first", rules)
    _one_currency("first(...)", rules)
    return First(_flat(First, rules))


def in_order(*rules: CreditRule) -> InOrder:
    """Return rules applied in the stated order, each one's base reduced by the earlier credits.

    For "an hourly adjustment, then a monthly credit on the amount actually
    charged": ``in_order(refund_per(uptime, ...), credit_schedule(uptime, {...},
    base=charges()))``. Every rule pays; a later rule's base is its own base
    minus the credits of the rules before it (never below zero).
    """
    rules = _rules("in_order", rules)
    _one_currency("in_order(...)", rules)
    return InOrder(rules)


# --- caps and floors -------------------------------------------------------------------------

CapWindow = Literal["period", "quarter", "year", "agreement"] | str
_ROLLING = re.compile(r"rolling ([0-9]{1,9})(?: periods| months)?", re.ASCII)


def _window(value: object) -> str:
    if isinstance(value, str) and (
        value in ("period", "quarter", "year", "agreement") or _ROLLING.fullmatch(value)
    ):
        match = _ROLLING.fullmatch(value)
        if match is not None and int(match[1]) < 1:
            raise DefinitionError(f"per={value!r} must roll over at least one period")
        return value
    raise DefinitionError(
        f"per={echo(value)} must be 'period', 'quarter', 'year', 'agreement' or 'rolling N' "
        "(this and the N-1 periods before it), such as 'rolling 12'"
    )


def rolling_length(window: str) -> int | None:
    """Return ``N`` for a ``'rolling N'`` window, else ``None``."""
    match = _ROLLING.fullmatch(window)
    return None if match is None else int(match[1])


def _across(value: object) -> str:
    if isinstance(value, str) and value in ("service", "services"):
        return value
    raise DefinitionError(
        f"across={value!r} must be 'service' (each service capped on its own, the default) or "
        "'services' (one customer-level cap over the total of every service)"
    )


@node("cycles_of_fees")
@attrs.frozen
class CyclesOfFees(DSLRepr):
    """A cap's limit of ``count`` billing cycles' fees. See ``cycles_of_fees()``."""

    count: int = attrs.field(metadata=shown(positional=True))

    def __attrs_post_init__(self) -> None:
        value: object = self.count
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10**6:
            raise DefinitionError(
                f"cycles_of_fees({value!r}): the count must be a whole number of billing "
                "cycles from 1 to 1,000,000, such as cycles_of_fees(3)"
            )

    def words(self) -> str:
        """Return the limit in words (``"3 billing cycles' fees"``)."""
        return f"{self.count} billing cycle{'s' if self.count != 1 else ''}' fees"


def cycles_of_fees(count: int) -> CyclesOfFees:
    """Return a cap limit of ``count`` billing cycles' fees: "three months of fees".

    The limit is the service's fee per billing cycle times ``count`` (the
    tier's ``billing`` cycle, or the measurement period when it has none),
    not pro-rated, per the cap's ``per`` window: "credits in any year shall not
    exceed three months of fees" under a monthly fee is
    ``cap(rule, at_most=cycles_of_fees(3), per="year")``.

    >>> cycles_of_fees(3)
    cycles_of_fees(3)
    """
    return CyclesOfFees(count)


CapLimit = Money | Decimal | Duration | CyclesOfFees


def _limit(value: object, clause: str) -> CapLimit:
    if isinstance(value, CyclesOfFees):
        return value
    if isinstance(value, Money):
        if value.amount < 0:
            raise DefinitionError(f"{clause}: at_most={value!r} must not be negative")
        return value
    if isinstance(value, Duration):  # "N days of paid service"
        if value.us <= 0:
            raise DefinitionError(f"{clause}: at_most={value!r} must be a positive duration")
        return value
    return ratio(value, name=f"{clause}: at_most")


@node("cap")
@attrs.frozen
class Cap(CreditRule):
    """A limit on what ``rule`` pays, per period or over a longer window. See ``cap()``."""

    rule: CreditRule = attrs.field(metadata=shown(positional=True))
    at_most: Money | Decimal | Duration | CyclesOfFees = attrs.field(metadata=shown(percent=True))
    per: str = attrs.field(default="period", converter=_window)
    across: str = attrs.field(default="service", converter=_across)
    of: Base = attrs.field(default=FEE, converter=check_base)

    def __attrs_post_init__(self) -> None:
        if isinstance(self.of, Fee):
            return
        if isinstance(self.at_most, Money | CyclesOfFees):
            raise DefinitionError(
                f"cap(..., at_most={self.at_most!r}, of={self.of!r}): of= is what a share or "
                "days of service are of; a cap in money or in cycles of fees takes no of="
            )

    def measures(self) -> tuple[Measure, ...]:
        """Return the measures of the capped rule."""
        return self.rule.measures()

    def children(self) -> tuple[CreditRule, ...]:
        """Return the capped rule."""
        return (self.rule,)

    def currencies(self) -> frozenset[str]:
        """Return the currencies of the rule and of a money cap."""
        extra = {self.at_most.currency} if isinstance(self.at_most, Money) else set()
        return self.rule.currencies() | extra

    def describe(self) -> str:
        """Return the cap in words."""
        pooled = self.across == "services"
        charges = isinstance(self.of, Charges)
        if charges:
            fee = f"{self.of.describe()} of every service" if pooled else self.of.describe()
        else:
            fee = "the total fee of every service" if pooled else "the fee"
        if isinstance(self.at_most, Money):
            limit = str(self.at_most)
        elif isinstance(self.at_most, CyclesOfFees):
            limit = self.at_most.words() + (" of every service" if pooled else "")
        elif isinstance(self.at_most, Duration):
            every = "every service's" if pooled else "the"
            limit = f"{self.at_most.words()} of {every} paid service"
            if charges:
                limit += f", at {self.of.describe()}"
        else:
            limit = f"{format_percent(self.at_most)} of {fee}"
        kind = "customer-level cap" if pooled else "cap"
        return f"{kind} of {limit} per {self.per}"

    def non_monotone_part(self) -> CreditRule | None:
        """Return the part that may pay less for more down time, or ``None``.

        A cap per period on each service keeps its rule's promise. A longer
        window depends on earlier periods, and a cap across services gives a
        service less when another's credit grows.
        """
        if self.per != "period" or self.across != "service":
            return self
        return self.rule.non_monotone_part()


def cap(
    rule: CreditRule,
    *,
    at_most: Money | str | Decimal | Duration | CyclesOfFees,
    per: CapWindow = "period",
    across: Literal["service", "services"] = "service",
    of: Base = FEE,
) -> Cap:
    """Return ``rule`` limited to ``at_most``: an amount, a share of the fee, or days of service.

    A duration is paid service in the contract's words: ``at_most=days(10)``,
    "ten days of service", is the service's fee per period times 10 days over
    the period's length, from the fee of the period evaluated (not pro-rated
    to a partial period), per ``per`` window like any other limit.
    [`cycles_of_fees(3)`][slakit.cycles_of_fees] is "three months of fees": the
    fee per billing cycle times three.

    ``of`` is what a share or days of service are of: the fee (default), or
    the charges billed, ``of=charges()`` ("100% of the fees paid for the
    affected service in the month"), read from billing data for each period
    of the window (each billing cycle, under a tier with ``billing``).

    ``per`` is the window the cap applies to: each ``"period"`` (default), each
    ``"quarter"`` or ``"year"`` (in the agreement's zone), a ``"rolling 12"``
    window of this and the 11 periods before it, or the whole ``"agreement"``.
    A share is of the fee of the periods in the window. Windows longer than a
    period need the history of earlier periods: evaluate them with
    [`statement()`][slakit.statement].

    ``across`` says what is capped: each ``"service"`` on its own (default),
    or the customer's total over all of the agreement's ``"services"`` (a
    customer-level credit pool). A pooled share is of the total fee of every
    service (see ``Agreement.fees``). When the pooled cap binds, the cut is
    allocated back to the services with a credit in proportion to their
    credits, exactly, and each such service's lines end with an adjustment
    line that says so.

    >>> import slakit as sla
    >>> cap(sla.per_breach(sla.uptime() >= "99%", sla.usd("100")), at_most="50%")
    cap(per_breach(uptime() >= '99%', Money('100', 'USD')), at_most='50%')
    """
    rule = _rule("cap", rule)
    clause = f"cap({rule!r}, ...)"
    limit = _limit(at_most, clause)
    _one_currency(clause, (rule,), limit if isinstance(limit, Money) else None)
    return Cap(rule, limit, per, across, check_base(of))


@node("minimum")
@attrs.frozen
class Minimum(CreditRule):
    """A minimum issuance: ``rule`` pays only above a floor. See [`minimum()`][slakit.minimum]."""

    rule: CreditRule = attrs.field(metadata=shown(positional=True))
    amount: Money = attrs.field(metadata=shown(positional=True))
    inclusive: bool = False

    def measures(self) -> tuple[Measure, ...]:
        """Return the measures of the rule."""
        return self.rule.measures()

    def children(self) -> tuple[CreditRule, ...]:
        """Return the rule."""
        return (self.rule,)

    def currencies(self) -> frozenset[str]:
        """Return the currencies of the rule and the floor."""
        return self.rule.currencies() | {self.amount.currency}

    def describe(self) -> str:
        """Return the floor in words."""
        word = "at least" if self.inclusive else "greater than"
        return f"issued only if {word} {self.amount}"

    def non_monotone_part(self) -> CreditRule | None:
        """Return the rule's part that may pay less for more down time, or ``None``."""
        return self.rule.non_monotone_part()


def _money_caps(rule: CreditRule) -> list[Cap]:
    found: list[Cap] = [rule] if isinstance(rule, Cap) and isinstance(rule.at_most, Money) else []
    for child in rule.children():
        if not isinstance(child, Minimum):
            found.extend(_money_caps(child))
    return found


def minimum(rule: CreditRule, amount: Money, *, inclusive: bool = False) -> Minimum:
    """Return ``rule`` issued only when its credit is greater than ``amount``.

    "Credits are issued only if greater than $1" is
    ``minimum(rule, usd("1"))``; ``inclusive=True`` issues a credit of exactly
    the floor as well. A smaller credit is not issued, and the report says so.

    Raises:
        DefinitionError: the floor is negative, or above a money cap inside
            ``rule`` (no credit could ever be issued).
    """
    rule = _rule("minimum", rule)
    clause = f"minimum({rule!r}, ...)"
    given: object = amount
    if not isinstance(given, Money) or given.amount < 0:
        raise DefinitionError(f"{clause}: amount={amount!r} must be money of zero or more")
    _one_currency(clause, (rule,), amount)
    for inner in _money_caps(rule):
        assert isinstance(inner.at_most, Money)
        if inner.at_most < amount or (inner.at_most == amount and not inclusive):
            raise DefinitionError(
                f"{clause}: the cap of {inner.at_most} is below the minimum issuance of "
                f"{amount}; no credit could ever be issued; lower the floor or raise the cap"
            )
    return Minimum(rule, amount, bool(inclusive))


# --- sign and scale --------------------------------------------------------------------------


@node("bonus")
@attrs.frozen
class Bonus(CreditRule):
    """A bonus the customer pays the provider: ``rule``'s amount as a negative credit."""

    rule: CreditRule = attrs.field(metadata=shown(positional=True))

    def measures(self) -> tuple[Measure, ...]:
        """Return the measures of the rule."""
        return self.rule.measures()

    def children(self) -> tuple[CreditRule, ...]:
        """Return the rule."""
        return (self.rule,)


def bonus(rule: CreditRule) -> Bonus:
    """Return ``rule`` as a bonus: what it computes is owed *to* the provider (a negative credit).

    Only a bonus clause makes a credit negative; every other rule pays zero or
    more. ``credit_schedule(uptime, {">= 99.999%": "5%"})`` wrapped in
    ``bonus(...)`` earns the provider 5% of the fee for exceptional uptime.
    """
    return Bonus(_rule("bonus", rule))


@node("scaled")
@attrs.frozen
class Scaled(CreditRule):
    """``rule`` times a share: a constant, or a measure's value per service. See ``scaled()``."""

    rule: CreditRule = attrs.field(metadata=shown(positional=True))
    by: Measure | Decimal = attrs.field(metadata=shown(percent=True))
    bad: bool = False

    def measures(self) -> tuple[Measure, ...]:
        """Return the measures of the rule and of a measured share."""
        extra = (self.by,) if isinstance(self.by, Measure) else ()
        return _measures_of((self.rule,)) + tuple(m for m in extra if m not in self.rule.measures())

    def children(self) -> tuple[CreditRule, ...]:
        """Return the rule."""
        return (self.rule,)

    def describe(self) -> str:
        """Return the factor in words."""
        if isinstance(self.by, Measure):
            what = f"1 - {self.by.label}" if self.bad else self.by.label
            return f"times the affected share ({what})"
        return f"times {format_percent(self.by)}"

    def non_monotone_part(self) -> CreditRule | None:
        """Return the part that may pay less for more down time, or ``None``.

        A constant share keeps the rule's promise; a measured share may fall.
        """
        return self if isinstance(self.by, Measure) else self.rule.non_monotone_part()


def scaled(rule: CreditRule, *, by: Measure | str | Decimal, bad: bool = False) -> Scaled:
    """Return ``rule``'s credit times a share: a formula times an affected share.

    ``by`` is a constant share (``"40%"``) or a measure whose exact value, per
    service, is the share (for example the share of customers affected);
    ``bad=True`` takes ``1 - value`` instead. "Outage minutes x affected
    customers / scheduled minutes" is
    ``scaled(prorated(uptime, basis="eligible"), by=affected)``.
    """
    rule = _rule("scaled", rule)
    factor: Measure | Decimal = (
        by if isinstance(by, Measure) else ratio(by, name=f"scaled({rule!r}, ...): by")
    )
    return Scaled(rule, factor, bool(bad))


# --- history: escalation and earn-back -----------------------------------------------------


def _objective(name: str, value: object) -> Objective:
    if not isinstance(value, Objective):
        raise DefinitionError(f"{name}: {value!r} must be an objective such as uptime >= '99.9%'")
    return value


def _count(name: str, value: object, low: int = 1) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise DefinitionError(f"{name}={value!r} must be a whole number of at least {low}")
    return value


@node("escalate")
@attrs.frozen
class Escalate(CreditRule):
    """A higher remedy when breaches repeat. See [`escalate()`][slakit.escalate]."""

    rule: CreditRule = attrs.field(metadata=shown(positional=True))
    to: CreditRule
    when: Objective
    after: int = 1

    def measures(self) -> tuple[Measure, ...]:
        """Return the measures of both rules and the objective."""
        return _measures_of((self.rule, self.to), self.when)

    def children(self) -> tuple[CreditRule, ...]:
        """Return the normal and the escalated rule."""
        return (self.rule, self.to)

    def describe(self) -> str:
        """Return the escalation in words."""
        times = "period" if self.after == 1 else f"{self.after} periods"
        return f"escalated when {self.when.describe()} was also breached in the previous {times}"


def escalate(rule: CreditRule, *, to: CreditRule, when: Objective, after: int = 1) -> Escalate:
    """Return ``rule``, replaced by ``to`` when ``when`` is breached in repeated periods.

    The escalated rule pays for a service that breaches ``when`` in this
    period and in each of the ``after`` periods before it (default: "if the
    previous period was also breached"). Earlier periods come from the history
    that [`statement()`][slakit.statement] carries; evaluated alone, a period has no
    history and never escalates.
    """
    rule = _rule("escalate", rule)
    to = _rule("escalate", to)
    clause = f"escalate({rule!r}, ...)"
    _one_currency(clause, (rule, to))
    return Escalate(rule, to, _objective(clause, when), _count(f"{clause}: after", after))


@node("earn_back")
@attrs.frozen
class EarnBack(CreditRule):
    """A credit held, and forgiven if the next periods meet the target. See ``earn_back()``."""

    rule: CreditRule = attrs.field(metadata=shown(positional=True))
    when: Objective
    periods: int

    def measures(self) -> tuple[Measure, ...]:
        """Return the measures of the rule and the objective."""
        return _measures_of((self.rule,), self.when)

    def children(self) -> tuple[CreditRule, ...]:
        """Return the rule."""
        return (self.rule,)

    def describe(self) -> str:
        """Return the earn-back in words."""
        return f"forgiven if {self.when.describe()} is met in each of the next {self.periods}"


def earn_back(rule: CreditRule, *, when: Objective, periods: int) -> EarnBack:
    """Return ``rule`` with earn-back: a credit is forgiven if the next ``periods`` meet ``when``.

    A credit is *held* in the period it arises (the line says so, and pays
    nothing). If the service breaches ``when`` in any of the next ``periods``
    periods, the held credit is released and paid in that period; if it meets
    ``when`` in all of them, the credit is forgiven. History comes from
    [`statement()`][slakit.statement].
    """
    rule = _rule("earn_back", rule)
    clause = f"earn_back({rule!r}, ...)"
    return EarnBack(rule, _objective(clause, when), _count(f"{clause}: periods", periods))


# --- a verdict that gates ------------------------------------------------------------------


@node("only_if_breached")
@attrs.frozen
class OnlyIfBreached(CreditRule):
    """A rule that pays only where an objective is breached. See ``only_if_breached()``."""

    rule: CreditRule = attrs.field(metadata=shown(positional=True))
    when: Objective

    def measures(self) -> tuple[Measure, ...]:
        """Return the measures of the rule and the objective."""
        return _measures_of((self.rule,), self.when)

    def children(self) -> tuple[CreditRule, ...]:
        """Return the rule."""
        return (self.rule,)

    def describe(self) -> str:
        """Return the condition in words."""
        return f"paid only when {self.when.describe()} is breached"

    def non_monotone_part(self) -> CreditRule | None:
        """Return the part that may pay less for more down time, or ``None``.

        A floor on a measure (``>=``, ``>``: uptime, a success ratio) is breached
        by more down time, never met by it, so the gate keeps the rule's promise;
        a ceiling (``<=``, ``<``) promises nothing.
        """
        return self.rule.non_monotone_part() if self.when.comparator in (">=", ">") else self


def only_if_breached(rule: CreditRule, *, when: Objective) -> OnlyIfBreached:
    """Return ``rule``, paid only for a service that breaches ``when`` in the period.

    A proportional credit ("the fees for the period of downtime", a multiple
    of them) pays for any down time; many contracts owe it only when the
    service level was missed. In a period that meets ``when`` the rule's
    credit is computed and shown, and a line takes it back with the reason.
    No data counts as a breach only where the tier says so (``no_data=``).

    >>> import slakit as sla
    >>> up = sla.uptime()
    >>> only_if_breached(sla.prorated(up, multiple=10), when=up >= "99.9%")
    only_if_breached(prorated(uptime(), multiple=10), when=uptime() >= '99.9%')
    """
    rule = _rule("only_if_breached", rule)
    clause = f"only_if_breached({rule!r}, ...)"
    return OnlyIfBreached(rule, _objective(f"{clause}: when", when))
