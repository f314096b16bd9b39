"""Tiers and agreements: the objects a contract is written as."""

from __future__ import annotations

import collections
import functools
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from operator import itemgetter
from typing import Any, Literal, cast, overload

import attrs

from slakit._dsl._catalog import Party, Reporting, Service
from slakit._dsl._compensation import CreditRule
from slakit._dsl._measures import Measure
from slakit._dsl._objectives import Objective
from slakit._dsl._versions import Amendment, Version, check_amendments
from slakit._money import Money, Rounding, check_currency
from slakit._node import DSLRepr, node, shown
from slakit._time._instant import InstantLike, format_us, instant_text, to_us
from slakit._time._periods import PeriodRule, monthly
from slakit.exceptions import DefinitionError

__all__ = ["Agreement", "FeeColumn", "NoData", "Tier"]

#: What a measure with no eligible time means for its objective: left as
#: ``"no data"`` (the default: reported, never treated as met), or resolved by
#: the agreement as ``"met"``, ``"breached"`` or ``"excluded"``.
NoData = Literal["no data", "met", "breached", "excluded"]


def _name(name: str) -> str:
    value: object = name  # checked at run time, whatever a caller passes
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(f"name={value!r} must be a non-empty string")
    return value


def _objectives(objectives: Objective | Iterable[Objective]) -> tuple[Objective, ...]:
    value: object = objectives
    items = (value,) if isinstance(value, Objective) else tuple(cast("Iterable[object]", value))
    for item in items:
        if not isinstance(item, Objective):
            raise DefinitionError(
                f"objectives: {item!r} is not an objective; write one as a comparison "
                "such as uptime >= '99.9%'"
            )
    return cast("tuple[Objective, ...]", items)


def _optional_fee(fee: Money | None) -> Money | None:
    return None if fee is None else _fee(fee)


def _optional_currency(currency: str | None) -> str | None:
    return None if currency is None else check_currency(currency)


def fee_parts(rule: CreditRule | None) -> list[CreditRule]:
    """Return the parts of ``rule`` that read the tier's fee (a share of it, days of it).

    A base of ``fee()`` counts where the rule uses its base: a unit worth in
    money, or a cap in money, reads none.
    """
    from slakit._dsl._combinators import Cap, CyclesOfFees
    from slakit._dsl._compensation import Fee
    from slakit._dsl._remedies import DowntimeUnits, PerBreach, PerIncident

    if rule is None:
        return []
    out: list[CreditRule] = []
    if isinstance(rule, Cap):
        if isinstance(rule.at_most, CyclesOfFees) or (
            not isinstance(rule.at_most, Money) and isinstance(rule.of, Fee)
        ):
            out.append(rule)
    elif isinstance(rule, DowntimeUnits | PerIncident):
        if not isinstance(rule.worth, Money) and isinstance(rule.base, Fee):
            out.append(rule)
    elif isinstance(rule, PerBreach):
        if not isinstance(rule.amount, Money):  # time of service: of the fee
            out.append(rule)
    elif attrs.has(type(rule)) and any(
        isinstance(getattr(rule, f.name), Fee) for f in attrs.fields(cast("Any", type(rule)))
    ):
        out.append(rule)
    for child in rule.children():
        out.extend(fee_parts(child))
    return out


def _fee(fee: Money) -> Money:
    value: object = fee
    if not isinstance(value, Money):
        raise DefinitionError(f"fee={value!r} must be money, for example usd('12000.00')")
    if value.amount < 0:
        raise DefinitionError(f"fee={value!r} must not be negative")
    return value


def _billing(billing: PeriodRule | None) -> PeriodRule | None:
    value: object = billing
    if value is None or isinstance(value, PeriodRule):
        return value
    raise DefinitionError(
        f"billing={value!r} must be a period rule such as monthly() (the fee is per billing "
        "cycle), or None (the fee is per measurement period)"
    )


def _compensation(compensation: CreditRule | None) -> CreditRule | None:
    value: object = compensation
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


@node("tier", call="Tier")
@attrs.frozen
class Tier(DSLRepr):
    """A service tier: a fee per period, objectives, and the compensation owed on a miss.

    A tier without a fee (usage-billed services, credits of the charges
    billed) gives its ``currency`` instead: ``Tier("usage", currency="USD",
    compensation=credit_schedule(..., base=charges()))``; a rule that reads the
    fee (a share of it, days or cycles of it) is then refused.

    The fee is per measurement period (the agreement's ``period``), or per
    billing cycle when ``billing`` names one: a quarter measured and billed
    monthly is ``Tier(..., fee=usd("100.00"), billing=monthly())`` with
    ``Agreement(period=quarterly())``. Each period must then be whole billing
    cycles; a fee-based credit's base is the sum of the fees of the cycles in
    the period (each pro-rated to the part in effect), charges from billing
    data are read per cycle and summed, and ``prorated(..., basis="cycle")``
    pays each down minute at the fee of the cycle it fell in.

    Examples:
        >>> import slakit as sla
        >>> gold = sla.Tier("gold", fee=sla.usd("12000.00"), objectives=[sla.uptime() >= "99.95%"])
        >>> gold.derive("silver", fee=sla.usd("6000.00")).fee
        Money('6000.00', 'USD')
    """

    name: str = attrs.field(converter=_name, metadata=shown(positional=True))
    fee: Money | None = attrs.field(kw_only=True, default=None, converter=_optional_fee)
    objectives: tuple[Objective, ...] = attrs.field(kw_only=True, default=(), converter=_objectives)
    compensation: CreditRule | None = attrs.field(
        kw_only=True, default=None, converter=_compensation
    )
    no_data: NoData = attrs.field(kw_only=True, default="no data", validator=_check_no_data)
    billing: PeriodRule | None = attrs.field(kw_only=True, default=None, converter=_billing)
    #: The currency of a tier without a fee; with a fee, leave it out (or give the fee's).
    currency: str | None = attrs.field(kw_only=True, default=None, converter=_optional_currency)

    def __attrs_post_init__(self) -> None:
        if self.fee is not None:
            if self.currency is not None and self.currency != self.fee.currency:
                raise DefinitionError(
                    f"tier {self.name!r}: currency={self.currency!r} differs from the fee's "
                    f"currency ({self.fee}); leave currency out when the tier has a fee"
                )
            return
        if self.currency is None:
            raise DefinitionError(
                f"tier {self.name!r} has no fee: give its fee (fee=usd('100.00')), or, for "
                "usage-billed services whose credits are of the charges billed, its currency "
                "(currency='USD')"
            )
        parts = fee_parts(self.compensation)
        if parts:
            raise DefinitionError(
                f"tier {self.name!r} has no fee, but {parts[0]!r} reads the fee (a share, "
                "days or cycles of it); give the tier its fee, or make the rule's base the "
                "charges billed: base=charges() (of=charges() for a cap)"
            )

    @property
    def currency_code(self) -> str:
        """The tier's currency: its fee's, or ``currency`` for a tier without a fee."""
        if self.fee is not None:
            return self.fee.currency
        assert self.currency is not None  # checked when the tier was made
        return self.currency

    def derive(self, name: str, **changes: Any) -> Tier:
        """Return a new tier named ``name`` with ``changes`` applied to this one's fields."""
        return attrs.evolve(self, name=name, **changes)

    def compare(self, *others: Tier) -> str:
        """Return this tier and ``others`` side by side, as a Markdown table.

        Examples:
            >>> import slakit as sla
            >>> gold = sla.Tier("gold", fee=sla.usd("100.00"))
            >>> print(gold.compare(gold.derive("silver", fee=sla.usd("60.00"))))
            | | gold | silver |
            | --- | --- | --- |
            | fee | 100.00 USD | 60.00 USD |
            | no data | no data | no data |
        """
        from slakit._results._schedule import compare_tiers

        return compare_tiers((self, *others))

    def measures(self) -> tuple[Measure, ...]:
        """Return every distinct measure the tier reads, in first-use order."""
        seen: dict[Measure, None] = {}
        for objective in self.objectives:
            seen.setdefault(objective.measure)
        if self.compensation is not None:
            for measure in self.compensation.measures():
                seen.setdefault(measure)
        return tuple(seen)


class _Checked(tuple):  # type: ignore[type-arg]
    """A tuple a converter of ``Agreement`` built and checked: ``attrs.evolve`` passes it back.

    Checking is O(services), and a group of customers is one agreement with many
    services, evolved a few times (its effective instant, its version); what was
    checked once is not checked again. Equal to, and hashing as, the plain tuple.
    """

    __slots__ = ()


def checked(items: tuple[Any, ...]) -> tuple[Any, ...]:
    """Return ``items`` (services, or ``(service, fee)`` pairs) marked as checked.

    For code that builds an agreement's services and fees from what it has
    checked itself (a portfolio's group of customers: names it made, fees of a
    validated customers table): ``Agreement`` takes them without checking them
    again, which costs O(services) per agreement. Never for a user's values.
    """
    return _Checked(items) if items else items


class FeeColumn(Sequence[tuple[str, Money]]):
    """Many services' fees as codes into a few distinct fees, checked by the code that made them.

    A portfolio's group of customers is one agreement of many services, each
    with the fee of its customers-table row, from a short price list: the
    fees are kept as each service's position in that list rather than one
    ``(service, fee)`` pair per service, and the engine reads them as a column.
    It is a sequence of those pairs all the same, equal to (and hashing as)
    the tuple of them. Never for a user's values: see ``checked()``.
    """

    __slots__ = ("_pairs", "codes", "names", "values")

    def __init__(self, names: tuple[str, ...], codes: Sequence[int], values: tuple[Money, ...]):
        if len(names) != len(codes):
            raise ValueError(f"{len(names)} services for {len(codes)} fee codes")
        self.names = names
        self.codes = codes  # each service's position in values
        self.values = values
        self._pairs: tuple[tuple[str, Money], ...] | None = None

    def pairs(self) -> tuple[tuple[str, Money], ...]:
        """Return the ``(service, fee)`` pairs, made on first use."""
        if self._pairs is None:
            fees = map(self.values.__getitem__, map(int, self.codes))
            self._pairs = tuple(zip(self.names, fees, strict=True))
        return self._pairs

    def __len__(self) -> int:
        return len(self.names)

    @overload
    def __getitem__(self, index: int) -> tuple[str, Money]: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[tuple[str, Money], ...]: ...
    def __getitem__(self, index: int | slice) -> tuple[str, Money] | tuple[tuple[str, Money], ...]:
        return self.pairs()[index]

    def __iter__(self) -> Iterator[tuple[str, Money]]:
        return iter(self.pairs())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FeeColumn | tuple):
            return self.pairs() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pairs())

    def __repr__(self) -> str:
        return f"<FeeColumn {len(self):,} services, {len(self.values):,} distinct fees>"


def _services(services: str | Iterable[str]) -> tuple[str, ...]:
    value: object = services
    if isinstance(value, _Checked):
        return cast("tuple[str, ...]", value)
    if isinstance(value, str):
        value = (value,)
    items = tuple(cast("Iterable[object]", value))
    if not items:
        raise DefinitionError("services=() must name at least one service")
    # checked in bulk (a group of customers may have many services): by type, then by the
    # stripped texts; one by one only to name the first that is no name
    if not set(map(type, items)) <= {str} or "" in set(map(str.strip, cast("Any", items))):
        for item in items:
            if not isinstance(item, str) or not item.strip():
                raise DefinitionError(f"services: {item!r} is not a service name")
    names = cast("tuple[str, ...]", items)
    if len(set(items)) != len(items):
        dupes = sorted({s for s in names if names.count(s) > 1})
        raise DefinitionError(f"services names {', '.join(map(repr, dupes))} more than once")
    return _Checked(names)


def _parties(parties: Iterable[Party]) -> tuple[Party, ...]:
    value: object = parties
    items = tuple(cast("Iterable[object]", value))
    for item in items:
        if not isinstance(item, Party):
            raise DefinitionError(f"parties: {item!r} is not a party; use party(...)")
    return cast("tuple[Party, ...]", items)


def _catalogue(catalogue: Iterable[Service]) -> tuple[Service, ...]:
    value: object = catalogue
    items = tuple(cast("Iterable[object]", value))
    for item in items:
        if not isinstance(item, Service):
            raise DefinitionError(f"catalogue: {item!r} is not a service entry; use service(...)")
    entries = cast("tuple[Service, ...]", items)
    names = [e.name for e in entries]
    if len(set(names)) != len(names):
        raise DefinitionError(f"catalogue lists a service twice: {names}")
    return entries


def _reporting(reporting: Reporting | None) -> Reporting | None:
    value: object = reporting
    if value is None or isinstance(value, Reporting):
        return value
    raise DefinitionError(f"reporting={value!r} must be reporting terms such as reporting(...)")


def _effective(effective: InstantLike | None) -> int | None:
    if effective is None:
        return None
    value: object = effective
    if isinstance(value, str) and len(value) == 10:
        raise DefinitionError(
            f"effective={value!r} is a date without a time or zone; write an instant such as "
            f"'{value}T00:00:00Z' or '{value}T00:00:00+01:00'"
        )
    return to_us(effective, name="effective")


def _period_rule(period: PeriodRule) -> PeriodRule:
    value: object = period
    if not isinstance(value, PeriodRule):
        raise DefinitionError(f"period={value!r} must be a period rule such as monthly(tz='UTC')")
    return value


def _fees(fees: Mapping[str, Money] | Iterable[tuple[str, Money]]) -> tuple[tuple[str, Money], ...]:
    value: object = fees
    if isinstance(value, _Checked | FeeColumn):
        return cast("tuple[tuple[str, Money], ...]", value)
    if isinstance(value, Mapping):
        services, amounts = list(value.keys()), list(value.values())
    else:
        items = tuple(cast("Iterable[object]", value))
        pairs = cast("tuple[tuple[object, object], ...]", items)
        # checked in bulk: every item a tuple (then each has a length), each of two
        if not set(map(type, items)) <= {tuple} or not set(map(len, pairs)) <= {2}:
            for item in items:
                if not (isinstance(item, tuple) and len(item) == 2):
                    raise DefinitionError(f"fees: {item!r} is not a (service, fee) pair")
        services, amounts = list(map(itemgetter(0), pairs)), list(map(itemgetter(1), pairs))
    # checked in bulk (a customer's price list may name many services): names by type and
    # by their stripped texts, each distinct fee object once
    if not set(map(type, services)) <= {str} or "" in set(map(str.strip, services)):
        for service in services:
            if not isinstance(service, str) or not service.strip():
                raise DefinitionError(f"fees: {service!r} is not a service name")
    for fee in dict(zip(map(id, amounts), amounts, strict=True)).values():
        _fee(fee)
    if len(set(services)) != len(services):
        twice = sorted(name for name, n in collections.Counter(services).items() if n > 1)
        raise DefinitionError(f"fees names a service twice: {', '.join(map(repr, twice))}")
    pairs = cast("tuple[tuple[str, Money], ...]", tuple(zip(services, amounts, strict=True)))
    return _Checked(pairs) if pairs else pairs  # no fees: the default itself


def _check_tier(_instance: object, _attribute: object, value: Any) -> None:
    if not isinstance(value, Tier):
        raise DefinitionError(f"tier={value!r} must be a Tier")


@node("agreement", call="Agreement")
@attrs.frozen(kw_only=True)
class Agreement(DSLRepr):
    """A service-level agreement between a provider and a customer.

    Each service in ``services`` is measured on its own against the tier's
    objectives, and the tier's ``fee`` is each service's charge per period,
    unless ``fees`` gives that service a fee of its own (a customer-based
    agreement: every service of one customer, each at its own price).

    Attributes:
        provider: who gives the service and owes the credits.
        customer: who receives the service.
        services: the services covered, by the names used in the events.
        tier: the tier in force.
        period: how time is cut into billing periods (default: UTC calendar months).
        effective: the instant the agreement takes effect, or ``None``.
        rounding: how final amounts are rounded (default half-up to the minor unit).
        name: a title for reports; defaults to "provider / customer".
        parties: supporting parties (a measurement authority, subcontractors).
        catalogue: catalogue entries describing the services (each names one of
            ``services``).
        reporting: when reports are due and what they contain.
        amendments: changes from later instants on, in order; see
            [`amend()`][slakit.Agreement.amend].
        fees: a fee per period for some services, ``{"db": usd("2000.00")}``,
            in the tier fee's currency; a service not named pays the tier's fee.
            Each service's fee is the base of its fee-based credits, and the
            sum of the fees is the base of a customer-level cap
            (``cap(..., across="services")``).
    """

    provider: str = attrs.field(converter=_name)
    customer: str = attrs.field(converter=_name)
    services: tuple[str, ...] = attrs.field(converter=_services)
    tier: Tier = attrs.field(validator=_check_tier)
    period: PeriodRule = attrs.field(factory=monthly, converter=_period_rule)
    effective: int | None = attrs.field(
        default=None, converter=_effective, metadata=shown(text=instant_text)
    )
    rounding: Rounding = attrs.field(factory=Rounding)
    name: str | None = None
    parties: tuple[Party, ...] = attrs.field(default=(), converter=_parties)
    catalogue: tuple[Service, ...] = attrs.field(default=(), converter=_catalogue)
    reporting: Reporting | None = attrs.field(default=None, converter=_reporting)
    amendments: tuple[Amendment, ...] = attrs.field(default=(), converter=check_amendments)
    fees: tuple[tuple[str, Money], ...] = attrs.field(
        default=(), converter=_fees, metadata=shown(pairs=True)
    )

    def __attrs_post_init__(self) -> None:
        covered = set(self.services)
        for amendment in self.amendments:
            covered |= set(amendment.services or ())
        tiers = [self.tier, *(a.tier for a in self.amendments if a.tier is not None)]
        currencies = {tier.currency_code for tier in tiers}
        if self.fees and self.tier.fee is None:
            raise DefinitionError(
                f"fees: the tier {self.tier.name!r} has no fee (its services are billed by "
                "usage), so its services take no fees; give the tier a fee, or leave fees out"
            )
        # checked in bulk (a group of customers may have many fees), each distinct fee once;
        # one by one only to name the first fee that fails
        column: object = self.fees
        if isinstance(column, FeeColumn):  # a portfolio's: each distinct fee checked once
            distinct = dict(enumerate(column.values))
            fine = column.names is self.services or covered.issuperset(column.names)
        else:
            amounts = list(map(itemgetter(1), self.fees))
            distinct = dict(zip(map(id, amounts), amounts, strict=True))
            fine = covered.issuperset(map(itemgetter(0), self.fees))
        fine = fine and (
            not distinct
            or (len(currencies) == 1 and all(f.currency in currencies for f in distinct.values()))
        )
        for service, fee in () if fine else self.fees:
            if service not in covered:
                raise DefinitionError(
                    f"fees[{service!r}]: {service!r} is not a service of the agreement "
                    f"(services={list(self.services)!r})"
                )
            if fee.currency not in currencies or len(currencies) > 1:
                tier = next(t for t in tiers if t.currency_code != fee.currency)
                raise DefinitionError(
                    f"fees[{service!r}]={fee!r} is in {fee.currency}, but the fee of tier "
                    f"{tier.name!r} is in {tier.currency_code}; write every fee in one currency"
                )
        for entry in self.catalogue:
            if entry.name not in covered:
                raise DefinitionError(
                    f"catalogue entry {entry.name!r} is not a service of the agreement "
                    f"(services={list(self.services)!r})"
                )
        if self.amendments and self.effective is not None:
            first = self.amendments[0].effective
            if first <= self.effective:
                raise DefinitionError(
                    f"the amendment effective {format_us(first)} does not come after the "
                    f"agreement takes effect ({format_us(self.effective)})"
                )

    def amend(
        self,
        effective: str | datetime | int,
        *,
        title: str = "",
        tier: Tier | None = None,
        services: Iterable[str] | None = None,
        rounding: Rounding | None = None,
        fees: Mapping[str, Money] | None = None,
    ) -> Agreement:
        """Return the agreement with an amendment that replaces terms from ``effective`` on.

        ``fees`` replaces the per-service fees (a new price list); the other
        terms left out keep the version before.

        Examples:
            >>> import slakit as sla
            >>> gold = sla.Tier("gold", fee=sla.usd("100.00"))
            >>> a = sla.Agreement(provider="P", customer="C", services=["s"], tier=gold)
            >>> b = a.amend("2026-07-01T00:00:00Z", title="price review",
            ...             tier=gold.derive("gold", fee=sla.usd("90.00")))
            >>> [v.label for v in b.versions()]
            ['v1', 'v2 (price review)']
        """
        amendment = Amendment(
            effective=effective,
            title=title,
            tier=tier,
            services=None if services is None else tuple(services),
            rounding=rounding,
            fees=fees,
        )
        return attrs.evolve(self, amendments=(*self.amendments, amendment))

    def versions(self) -> tuple[Version, ...]:
        """Return every version of the agreement, in order, each with the terms in force."""
        return self._versions

    # Built once per agreement (on first use) and kept on the instance: an agreement is
    # immutable, and the engine asks for its versions and fees at every evaluation. The
    # cached values are no attrs fields, so they take no part in eq, hash, repr or the codec.
    @functools.cached_property
    def _versions(self) -> tuple[Version, ...]:
        if not self.amendments:  # the terms as signed: this agreement itself, checked already
            return (Version(1, "", self.effective, None, self),)

        def entries(services: tuple[str, ...]) -> tuple[Service, ...]:
            return tuple(e for e in self.catalogue if e.name in services)

        base = attrs.evolve(self, amendments=(), catalogue=entries(self.services))
        out = [Version(1, "", self.effective, None, base)]
        for number, amendment in enumerate(self.amendments, start=2):
            previous = out[-1]
            services = amendment.services or previous.agreement.services
            terms = attrs.evolve(
                previous.agreement,
                effective=amendment.effective,
                catalogue=entries(services),
                **amendment.changes(),
            )
            out[-1] = attrs.evolve(previous, end=amendment.effective)
            out.append(Version(number, amendment.title, amendment.effective, None, terms))
        return tuple(out)

    def version_at(self, instant: str | datetime | int) -> Version:
        """Return the version in force at ``instant`` (the first one before it takes effect)."""
        t = to_us(instant, name="instant")
        versions = self.versions()
        for version in reversed(versions):
            if version.start is None or version.start <= t:
                return version
        return versions[0]

    def fee_of(self, service: str) -> Money:
        """Return ``service``'s fee per period: its own from ``fees``, else the tier's.

        Examples:
            >>> import slakit as sla
            >>> a = sla.Agreement(provider="P", customer="C", services=["db", "api"],
            ...                   tier=sla.Tier("t", fee=sla.usd("100.00")),
            ...                   fees={"db": sla.usd("2000.00")})
            >>> a.fee_of("db"), a.fee_of("api")
            (Money('2000.00', 'USD'), Money('100.00', 'USD'))
        """
        return self._fee_table.get(service, self._tier_fee)

    def tier_fee(self) -> Money:
        """Return the tier's fee, or nothing in its currency for a tier without a fee.

        A tier without a fee has no rule that reads the fee (checked when it is
        made); the zero is what a credit line of a fixed amount shows as its base.
        """
        return self._tier_fee

    @functools.cached_property
    def _tier_fee(self) -> Money:
        fee = self.tier.fee
        return fee if fee is not None else Money("0", self.tier.currency_code)

    @property
    def currency(self) -> str:
        """The agreement's currency: its tier's (the fee's, or ``Tier.currency``)."""
        return self.tier.currency_code

    def fees_of(self, services: Iterable[str]) -> list[Money]:
        """Return the fee per period of each of ``services``, in order (one look-up each).

        Examples:
            >>> import slakit as sla
            >>> a = sla.Agreement(provider="P", customer="C", services=["db", "api"],
            ...                   tier=sla.Tier("t", fee=sla.usd("100.00")),
            ...                   fees={"db": sla.usd("2000.00")})
            >>> a.fees_of(["api", "db"])
            [Money('100.00', 'USD'), Money('2000.00', 'USD')]
        """
        table = self._fee_table
        return list(map(table.get, services, itertools.repeat(self._tier_fee)))

    def exact_fees(self) -> tuple[Fraction, ...]:
        """Return every service's fee per period as an exact rational, in the order of ``services``.

        Computed once per agreement and kept (the agreement is immutable), so an
        engine that evaluates the agreement many times reads every fee at once.

        Examples:
            >>> import slakit as sla
            >>> a = sla.Agreement(provider="P", customer="C", services=["db", "api"],
            ...                   tier=sla.Tier("t", fee=sla.usd("100.00")),
            ...                   fees={"db": sla.usd("2000.50")})
            >>> [str(fee) for fee in a.exact_fees()]
            ['4001/2', '100']
        """
        return self._exact_fees

    @functools.cached_property
    def _fee_table(self) -> dict[str, Money]:
        return dict(self.fees)

    @functools.cached_property
    def _exact_fees(self) -> tuple[Fraction, ...]:
        # One conversion per distinct amount (a fleet has few prices and many services): the
        # distinct fee objects found by identity, in bulk, each amount converted once
        column: object = self.fees
        if isinstance(column, FeeColumn) and column.names == self.services:
            values = tuple(fee.exact() for fee in column.values)
            return tuple(map(values.__getitem__, map(int, column.codes)))
        fees = self.fees_of(self.services)
        exact: dict[Decimal, Fraction] = {}
        value_of: dict[int, Fraction] = {}
        for key, fee in dict(zip(map(id, fees), fees, strict=True)).items():
            value = exact.get(fee.amount)
            if value is None:
                value = exact[fee.amount] = fee.exact()
            value_of[key] = value
        return tuple(map(value_of.__getitem__, map(id, fees)))

    def total_fee(self) -> Money:
        """Return the sum of every service's fee per period (the customer's total)."""
        fees = self.fees_of(self.services)
        total = fees[0]
        for fee in fees[1:]:
            total = total + fee
        return total

    @property
    def title(self) -> str:
        """The agreement's title for reports."""
        return self.name or f"{self.provider} / {self.customer}"

    def effective_datetime(self) -> datetime | None:
        """The effective instant as an aware UTC datetime, if set."""
        from slakit._time._instant import from_us

        return None if self.effective is None else from_us(self.effective)
