"""Evaluate many customers' agreements in one pass: a portfolio, grouped by plan.

Customers on the same plan, in the same zone and currency, whose agreements
start together, share one compiled agreement: their services become the
services of one group agreement (each customer's service under a code of its
own, with the customer's fee), the input rows are routed to them by service
name, and the group is evaluated once, as one agreement of many services. A
plan whose rules look across a customer's services (a cap across services), that
names services of its own, or that is amended, cannot be shared: each of its
customers is evaluated on its own, still from the shared, routed tables.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, cast, overload

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._agreement import Agreement, FeeColumn, Tier, checked
from slakit._dsl._combinators import Cap
from slakit._dsl._compensation import CreditRule
from slakit._dsl._versions import Version
from slakit._engine._compare import VersionedReport, credit_period, credited, within_state
from slakit._engine._credits._context import PeriodState
from slakit._engine._inputs import as_inputs
from slakit._engine._plan import compile_agreement
from slakit._events._billing import ChargeTable
from slakit._events._claims import ClaimTable
from slakit._events._columns import NO_TIME
from slakit._events._corrections import ALL_SERVICES, CorrectionTable
from slakit._events._customers import CustomerTable
from slakit._events._probes import ProbeTable
from slakit._events._requests import RequestTable
from slakit._events._table import EventTable
from slakit._events._tickets import NO_TIME as TICKET_NO_TIME
from slakit._events._tickets import TicketTable
from slakit._money import Money
from slakit._results._fingerprint import combine, digest_texts, owner_digests
from slakit._results._portfolio import GroupResult, PortfolioResult
from slakit._results._report import Report
from slakit._time._instant import InstantLike, format_us
from slakit._time._kernels import stable_order
from slakit._time._periods import Period
from slakit.exceptions import (
    DefinitionError,
    EvaluationError,
    EventDataError,
    Problem,
    SlakitError,
)

if TYPE_CHECKING:
    from slakit._results._live import PortfolioStatus

__all__ = ["Portfolio", "evaluate_portfolio"]

Plan = Tier | Agreement
I64 = npt.NDArray[np.int64]


def _plans(plans: Mapping[str, Plan] | Iterable[tuple[str, Plan]]) -> tuple[tuple[str, Plan], ...]:
    items = list(plans.items() if isinstance(plans, Mapping) else plans)
    for name, plan in items:
        if not isinstance(name, str) or not name:
            raise DefinitionError(f"plan name {name!r} must be a non-empty string")
        if not isinstance(plan, Tier | Agreement):
            raise DefinitionError(
                f"plans[{name!r}] must be a Tier or an Agreement (a template whose customer, "
                f"services and fees each customer replaces); got {type(plan).__name__}"
            )
    names = [name for name, _ in items]
    if len(set(names)) != len(names):
        raise DefinitionError("plans: a plan name appears twice")
    if not items:
        raise DefinitionError("plans: give at least one plan")
    return tuple(sorted(items, key=lambda item: item[0]))


def _customers(customers: object) -> CustomerTable:
    if isinstance(customers, CustomerTable):
        return customers
    return CustomerTable.from_columns(customers)  # type: ignore[arg-type]


@attrs.frozen
class Portfolio:
    """Many customers' agreements, evaluated together: plans and a customers table.

    Each plan is a [`Tier`][slakit.Tier] (the agreement is then monthly, in
    the customer's zone or UTC) or an [`Agreement`][slakit.Agreement] used as a
    template: its period rule, rounding, parties and reporting are kept; its
    customer, services and fees are each customer's; its ``effective`` is the
    customer's ``start`` where one is given. A customer's ``zone`` replaces the
    plan's own zone (UTC for a tier; the zone of a template's billing periods)
    wherever the plan uses it: in the billing periods and in every calendar
    (service hours, holidays) written in that zone. Calendars in other zones
    keep theirs. A customer's ``start`` and ``end`` bound its agreement: within
    the period, it is measured from its start or to its end with the fee
    pro-rated (an end as [`evaluate_versions()`][slakit.evaluate_versions]
    measures a version's part of a period); outside it, the customer is listed
    in the result's ``skipped``.

    Attributes:
        plans: the plans by name, as the customers table's ``plan`` column names them.
        customers: a [`CustomerTable`][slakit.CustomerTable], or columns or a data
            frame it is built from.
        provider: who owes the credits, for plans given as tiers.
    """

    plans: tuple[tuple[str, Plan], ...] = attrs.field(converter=_plans)
    customers: CustomerTable = attrs.field(converter=_customers)
    provider: str = "provider"

    def status(
        self, *inputs: object, now: InstantLike, period: str | None = None, **options: Any
    ) -> PortfolioStatus:
        """Return every customer as of ``now``, to rank them by money at risk.

        Each group of customers is read as [`status()`][slakit.status] reads one
        agreement (its services' budgets, bands, burn rates and alerts), with the
        terms in force at ``now``; ``ranked()`` orders the customers by exposure
        (what reaching each service's next band would add), then by how few
        misses separate them from their nearest band. ``period`` is the label of
        the period to read (default: the one that holds ``now`` in UTC); a
        customer whose period, in its zone, does not hold ``now`` is listed in
        ``not_read``. ``options``: ``windows`` and ``alerts``, as for ``status()``.
        """
        from slakit._engine._live import portfolio_status  # the status reads portfolios

        return portfolio_status(self, *inputs, now=now, period=period, **options)

    def evaluate(self, *inputs: object, period: str) -> PortfolioResult:
        """Evaluate every customer's agreement for the period labelled ``period``.

        ``inputs`` are tables shared by all customers, one of each kind (an
        [`EventTable`][slakit.EventTable], a [`RequestTable`][slakit.RequestTable],
        a [`ProbeTable`][slakit.ProbeTable], a [`TicketTable`][slakit.TicketTable],
        a [`ClaimTable`][slakit.ClaimTable], a [`ChargeTable`][slakit.ChargeTable],
        a [`CorrectionTable`][slakit.CorrectionTable], or a list of records); each
        row goes to the customers that have its service. A correction names
        the customers' own services (one, several, or ``"*"`` for every
        service of every customer) and goes to each customer it names a
        service of. ``period`` is a label such as ``"2026-10"``, read in each
        customer's zone.

        Raises:
            EventDataError: the customers table names a plan that is not given,
                or gives one customer different plans, zones, currencies or dates;
                or a correction selects services by a catalogue tag (``"tag:eu"``),
                which a portfolio's customers do not have: list the services.
            DefinitionError: an input of a kind a portfolio does not read, or two
                inputs of one kind.
        """
        return evaluate_portfolio(self, *inputs, period=period)

    def agreement(self, customer: str) -> Agreement:
        """Return ``customer``'s own agreement, made from its plan and its rows.

        Evaluating it with [`evaluate()`][slakit.evaluate] over the input rows of
        its services gives what the portfolio gives for that customer, in periods
        its agreement covers whole or from its ``start``. An ``end`` is not part
        of the agreement: for the period it falls in, the portfolio measures the
        part before it as [`evaluate_versions()`][slakit.evaluate_versions]
        measures a version's part (see the how-to).

        Raises:
            KeyError: ``customer`` is not in the customers table.
            EventDataError: the customer's rows or plan are invalid.
        """
        return customer_agreement(self, customer)


# --- grouping ----------------------------------------------------------------------------------


@attrs.frozen
class _Key:
    """What customers must share to share one compiled agreement, besides their dates."""

    plan: str
    zone: str
    currency: str


@attrs.frozen
class _Group:
    """Customers evaluated together: one plan (in a zone and currency), one part of the period.

    ``lo`` and ``hi`` bound the part of the period their agreements are in force
    (the whole period for most); ``shared`` says whether they share one agreement.
    """

    key: _Key
    lo: int
    hi: int
    shared: bool

    @property
    def plan(self) -> str:
        """The plan's name."""
        return self.key.plan


def _check_customers(portfolio: Portfolio) -> None:
    """Refuse unknown plans, and customers whose rows disagree on plan, zone, currency or dates."""
    table = portfolio.customers
    known = {name for name, _ in portfolio.plans}
    problems: list[Problem] = []
    for code, name in enumerate(table.plans):
        if name not in known:
            rows = np.flatnonzero(table.plan == code)[:1000].tolist()
            problems.extend(
                Problem(
                    table.where(i),
                    "plan",
                    f"{name!r} is not a plan of the portfolio (plans: {', '.join(sorted(known))})"
                    + _did_you_mean(name, sorted(known)),
                )
                for i in rows
            )
    feeless = {name for name, plan in portfolio.plans if _template(plan, "-").tier.fee is None}
    for code, name in enumerate(table.plans):
        if name in feeless:
            rows = np.flatnonzero((table.plan == code) & (table.fee >= 0))[:1000].tolist()
            problems.extend(
                Problem(
                    table.where(i),
                    "fee",
                    f"plan {name!r} has no fee (its services are billed by usage), so its "
                    "customers' rows take none; leave the fee empty",
                )
                for i in rows
            )
    order, first = table.by_customer()
    owner = np.repeat(first, np.diff(np.r_[first, len(order)]))  # first sorted row of each row
    for field in ("plan", "zone", "currency", "start", "end"):
        column = getattr(table, field)
        differs = column[order] != column[order[owner]]
        problems.extend(
            Problem(
                table.where(i),
                field,
                f"customer {table.customers[table.customer[i]]!r} has another {field} than on "
                f"{table.where(j)}; give each customer one plan, zone, currency, start and end",
            )
            for i, j in zip(
                order[differs][:1000].tolist(), order[owner][differs][:1000].tolist(), strict=True
            )
        )
    if problems:
        raise EventDataError(problems)


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _template(plan: Plan, provider: str) -> Agreement:
    if isinstance(plan, Agreement):
        return plan
    return Agreement(provider=provider, customer="customer", services=["service"], tier=plan)


def _zone_of(agreement: Agreement) -> str | None:
    tz = getattr(agreement.period, "tz", None)
    return tz if isinstance(tz, str) else None


def _rezoned(agreement: Agreement, zone: str) -> Agreement:
    """Return ``agreement`` with its own zone replaced by ``zone`` wherever it is used."""
    own = _zone_of(agreement)
    if own is None:
        raise DefinitionError(
            f"the plan's billing periods ({agreement.period!r}) have no zone to replace with "
            f"the customer's zone {zone!r}"
        )
    if own == zone:
        return agreement
    rezoned = _swap_zone(agreement, own, zone)
    assert isinstance(rezoned, Agreement)
    return rezoned


def _swap_zone(node: Any, own: str, zone: str) -> Any:
    """Return ``node`` with every ``tz`` field equal to ``own`` set to ``zone`` (deeply)."""
    if attrs.has(type(node)):
        changes = {}
        for field in attrs.fields(type(node)):
            if not field.init:
                continue
            value = getattr(node, field.name)
            new = zone if field.name == "tz" and value == own else _swap_zone(value, own, zone)
            if new is not value:
                changes[field.alias] = new
        return attrs.evolve(node, **changes) if changes else node
    if isinstance(node, tuple | list):
        items = [_swap_zone(v, own, zone) for v in node]
        changed = any(a is not b for a, b in zip(items, node, strict=True))
        return type(node)(items) if changed else node
    if isinstance(node, dict):
        swapped = {k: _swap_zone(v, own, zone) for k, v in node.items()}
        return swapped if any(swapped[k] is not node[k] for k in node) else node
    return node


def _pooled(rule: CreditRule | None) -> bool:
    """Return whether a rule looks across a customer's services (so customers cannot share)."""
    if rule is None:
        return False
    if isinstance(rule, Cap) and rule.across == "services":
        return True
    return any(
        _pooled(value) if isinstance(value, CreditRule) else False for value in _children(rule)
    )


def _children(rule: CreditRule) -> list[object]:
    out: list[object] = []
    for field in attrs.fields(type(rule)):  # type: ignore[arg-type]
        value = getattr(rule, field.name)
        if isinstance(value, tuple):
            out.extend(value)
        else:
            out.append(value)
    return out


def shareable(agreement: Agreement) -> bool:
    """Return whether customers on ``agreement`` can share one group agreement."""
    if agreement.amendments:
        return False
    if any(getattr(m, "service", None) is not None for m in agreement.tier.measures()):
        return False
    return not _pooled(agreement.tier.compensation)


@attrs.frozen
class _Spec:
    """The template agreement of customers on one plan, in one zone and currency."""

    key: _Key
    template: Agreement
    fee: Money
    shared: bool


def _spec(portfolio: Portfolio, key: _Key) -> _Spec | Problem:
    """Return the template agreement for customers with ``key`` (in its zone and currency)."""
    plans = dict(portfolio.plans)
    try:
        template = _template(plans[key.plan], portfolio.provider)
        if key.zone:
            template = _rezoned(template, key.zone)
        tier = template.tier
        if key.currency and key.currency != tier.currency_code:
            if tier.fee is None:
                tier = attrs.evolve(tier, currency=key.currency)
            else:
                tier = attrs.evolve(tier, fee=Money(tier.fee.amount, key.currency))
            template = attrs.evolve(template, tier=tier)
        fee = template.tier_fee()  # nothing, in the currency, for a plan without a fee
        compile_agreement(template)
    except SlakitError as error:
        return Problem("", "plan", f"{key.plan!r} cannot serve this customer: {error}")
    return _Spec(key=key, template=template, fee=fee, shared=shareable(template))


# --- routing input rows to customers' services -------------------------------------------------


class _Taken(Sequence[str]):
    """The names of some rows of a table, as the table names them, computed when asked."""

    __slots__ = ("rows", "table")

    def __init__(self, table: object, rows: I64) -> None:
        self.table = table
        self.rows = rows

    def __len__(self) -> int:
        return int(self.rows.shape[0])

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        where = self.table.where  # type: ignore[attr-defined]
        if isinstance(index, slice):
            return [where(int(i)) for i in self.rows[index].tolist()]
        return str(where(int(self.rows[index])))


def _route(
    table: object,
    rows: I64,
    codes: npt.NDArray[np.int32],
    names: Sequence[str],
    *,
    where: Sequence[str] | None = None,
) -> object:
    """Return ``table``'s ``rows`` as a table of their own, services ``codes`` into ``names``.

    ``where`` names the rows (default: as ``table`` names them, asked of it when needed).
    """
    where = _Taken(table, rows) if where is None else where
    if isinstance(table, EventTable):
        return EventTable._adopt(  # every column taken by row numbers: a new array
            kind=table.kind[rows],
            service=codes,
            services=names,
            start=table.start[rows],
            end=table.end[rows],
            announced=table.announced[rows],
            # one state, one share: every row's code is 0, and no column is taken
            state=table.state[rows] if len(table.states) > 1 else np.zeros(len(rows), np.int32),
            states=table.states,
            affected=(
                table.affected[rows]
                if len(table.affected_levels) > 1
                else np.zeros(len(rows), np.int32)
            ),
            affected_levels=table.affected_levels,
            where=where,
        )
    if isinstance(table, RequestTable):
        return table.taken(rows, service=codes, services=names, where=where)
    if isinstance(table, TicketTable):
        return _route_tickets(table, rows, codes, names, where)
    if isinstance(table, ClaimTable):
        claims = [
            attrs.evolve(table.records[r], service=names[c])
            for r, c in zip(rows.tolist(), codes.tolist(), strict=True)
        ]
        return ClaimTable(claims, as_of=table.as_of)
    if isinstance(table, ChargeTable):
        return ChargeTable(
            [
                attrs.evolve(table.records[r], service=names[c])
                for r, c in zip(rows.tolist(), codes.tolist(), strict=True)
            ]
        )
    if isinstance(table, ProbeTable):
        return ProbeTable(
            service=codes,
            services=names,
            time=table.time[rows],
            metric=table.metric[rows],
            metrics=table.metrics,
            value=table.value[rows],
            where=where,
            copy=False,
        )
    if isinstance(table, CorrectionTable):
        return _route_corrections(table, rows, codes, names)
    raise DefinitionError(  # _tables() refuses other kinds first
        f"a portfolio reads {', '.join(_KIND_WORDS.values())}; "
        f"{type(table).__name__} is not an input table"
    )


def _route_corrections(
    table: CorrectionTable, rows: I64, codes: npt.NDArray[np.int32], names: Sequence[str]
) -> CorrectionTable:
    """Return the corrections ``rows`` (one per service ``codes`` it names) with names ``names``.

    A correction comes once per service of the group it applies to; it becomes
    one correction naming those services by ``names`` (the group's positions, or
    a customer's own names), in the order of the input table. One of every
    service (``"*"``) stays so. The work is one step per correction routed.
    """
    routed = np.unique(rows)  # each correction once, in table order
    records, where = [], []
    every = np.asarray([table.selector[r] == ALL_SERVICES for r in routed.tolist()], dtype=bool)
    named = ~every[np.searchsorted(routed, rows)]
    by = np.lexsort((codes[named], rows[named]))  # each correction's services, in their order
    named_rows, named_codes = rows[named][by], codes[named][by]
    lo = np.searchsorted(named_rows, routed, side="left").tolist()
    hi = np.searchsorted(named_rows, routed, side="right").tolist()
    for k, row in enumerate(routed.tolist()):
        record = table.records[row]
        if not every[k]:
            picked = tuple(names[c] for c in np.unique(named_codes[lo[k] : hi[k]]).tolist())
            record = attrs.evolve(record, services=picked[0] if len(picked) == 1 else picked)
        records.append(record)
        where.append(table.where[row])
    return CorrectionTable(records, where=where)


def _route_tickets(
    table: TicketTable,
    rows: I64,
    codes: npt.NDArray[np.int32],
    names: Sequence[str],
    where: Sequence[str],
) -> TicketTable:
    """Return tickets ``rows`` (a ticket may come twice, for two customers) with their history."""
    links = []
    for ticket in (table.change_ticket, table.pause_ticket):
        order = np.argsort(ticket, kind="stable")
        lo = np.searchsorted(ticket[order], rows, side="left")
        hi = np.searchsorted(ticket[order], rows, side="right")
        counts = hi - lo
        within = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
            np.cumsum(counts) - counts, counts
        )
        picked = order[np.repeat(lo, counts) + within]
        links.append((picked, np.repeat(np.arange(len(rows), dtype=np.int64), counts)))
    (changes, change_of), (pauses, pause_of) = links
    return TicketTable(
        ids=[table.ids[r] for r in rows.tolist()],
        service=codes,
        services=names,
        priority=table.priority[rows],
        priorities=table.priorities,
        opened=table.opened[rows],
        first_response=table.first_response[rows],
        resolved=table.resolved[rows],
        coverage=table.coverage[rows],
        coverages=table.coverages,
        change_ticket=change_of,
        change_at=table.change_at[changes],
        change_status=table.change_status[changes],
        statuses=table.statuses,
        pause_ticket=pause_of,
        pause_start=table.pause_start[pauses],
        pause_end=table.pause_end[pauses],
        where=where,
    )


class _RouteIndex:
    """Each input table's rows grouped by the customers table's service codes, found once.

    A row whose service no customer has gets no code; the rows of a service are
    contiguous in ``order``, between ``bounds[code]`` and ``bounds[code + 1]``.
    Corrections name any number of services: each name is an *entry* of its
    correction (``entries`` gives each entry's row), and those of every
    service (``"*"``) are in ``every``, routed to every service.
    """

    def __init__(self, customers: CustomerTable, tables: Sequence[object]) -> None:
        size = len(customers.services)
        self._service_names: npt.NDArray[np.str_] | None = None
        self.orders: list[I64] = []
        self.bounds: list[I64] = []
        self.unrouted: list[int] = []
        #: Per table, each entry's row (``None``: one entry per row, the row itself).
        self.entries: list[I64 | None] = []
        #: Per table, the rows of every service (corrections of ``"*"``).
        self.every: list[I64] = []
        for given in tables:
            table: Any = given
            entries = None
            every = np.zeros(0, dtype=np.int64)
            if isinstance(table, CorrectionTable):
                entries, every, codes = self._correction_codes(customers, table)
            elif hasattr(table, "services") and table.services == customers.services:
                codes = np.asarray(table.service, dtype=np.int64)  # the same names, same codes
            elif hasattr(table, "services"):  # coded: each distinct name looked up once
                own = np.asarray(table.services, dtype=np.str_)
                codes = _codes_in(self._names(customers), own)[
                    np.asarray(table.service, dtype=np.int64)
                ]
            else:  # a table of records (claims, charges): one name per row
                codes = _codes_in(self._names(customers), np.asarray(table.service, dtype=np.str_))
            order = stable_order(codes)
            unrouted = int(np.count_nonzero(codes < 0))
            # where each code's rows start in ``order``: the rows of every lower code before
            counts = np.bincount(codes[codes >= 0] if unrouted else codes, minlength=size)
            edges = np.concatenate(([0], np.cumsum(counts[:size], dtype=np.int64)))
            self.orders.append(order)
            self.bounds.append(edges + unrouted)
            self.entries.append(entries)
            self.every.append(every)
            if entries is not None:  # rows none of whose names a customer has
                routed = np.zeros(len(table), dtype=bool)
                routed[entries[codes >= 0]] = True
                routed[every] = True
                unrouted = int(np.count_nonzero(~routed))
            self.unrouted.append(unrouted)
        self._hashes: dict[int, npt.NDArray[np.uint64]] = {}
        self._customers = customers
        self._service_hashes: npt.NDArray[np.uint64] | None = None
        self._customer_hashes: npt.NDArray[np.uint64] | None = None
        self._fee_hashes: npt.NDArray[np.uint64] | None = None

    def _correction_codes(
        self, customers: CustomerTable, table: CorrectionTable
    ) -> tuple[I64, I64, I64]:
        """Return a correction table's entries: each one's row and service code, and ``every``.

        One step per correction (corrections are few); the names are looked up at once.
        """
        selectors = table.selector
        every = np.asarray(
            [i for i, s in enumerate(selectors) if s == ALL_SERVICES], dtype=np.int64
        )
        named = [(i, (s,) if isinstance(s, str) else s) for i, s in enumerate(selectors)]
        named = [(i, s) for i, s in named if s != (ALL_SERVICES,)]  # tags: refused before
        sizes = np.asarray([len(s) for _, s in named], dtype=np.int64)
        entries = np.repeat(np.asarray([i for i, _ in named], dtype=np.int64), sizes)
        given = np.asarray([name for _, s in named for name in s], dtype=np.str_)
        return entries, every, _codes_in(self._names(customers), given)

    def _names(self, customers: CustomerTable) -> npt.NDArray[np.str_]:
        """Return the customers table's service names as a numpy array (made once)."""
        if self._service_names is None:
            self._service_names = np.asarray(customers.services, dtype=str)
        return self._service_names

    def service_hashes(self) -> npt.NDArray[np.uint64]:
        """Return a hash of each service name of the customers table (computed once)."""
        if self._service_hashes is None:
            self._service_hashes = _text_hashes(self._customers.services)
        return self._service_hashes

    def customer_hashes(self) -> npt.NDArray[np.uint64]:
        """Return a hash of each customer name of the customers table (computed once)."""
        if self._customer_hashes is None:
            self._customer_hashes = _text_hashes(self._customers.customers)
        return self._customer_hashes

    def fee_hashes(self) -> npt.NDArray[np.uint64]:
        """Return a hash of each customers-table row's fee (computed once per distinct fee)."""
        if self._fee_hashes is None:
            table = self._customers
            # the exact amount, so that 2400 and 2400.00 are one fee; the last: the plan's
            hashed = _text_hashes([*(str(Fraction(f)) for f in table.fees), ""])
            self._fee_hashes = hashed[table.fee]
        return self._fee_hashes

    def hashes(self, table: object) -> npt.NDArray[np.uint64]:
        """Return the content hash of each row of ``table`` (computed once per table)."""
        found = self._hashes.get(id(table))
        if found is None:
            found = self._hashes[id(table)] = _row_hashes(table)
        return found

    def rows_for(
        self, pairs: I64, services: npt.NDArray[np.int32]
    ) -> list[tuple[I64, npt.NDArray[np.int32]]]:
        """Return, per table, the rows of ``pairs``' services and each row's pair position."""
        out = []
        code = services[pairs].astype(np.int64)
        tables = zip(self.orders, self.bounds, self.entries, self.every, strict=True)
        for order, bounds, entries, every in tables:
            lo, hi = bounds[code], bounds[code + 1]
            counts = hi - lo
            within = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
                np.cumsum(counts) - counts, counts
            )
            rows = order[np.repeat(lo, counts) + within]
            of = np.repeat(np.arange(len(pairs), dtype=np.int32), counts)
            if entries is not None:  # corrections: entries are names; "*" is every pair's
                rows = np.concatenate((entries[rows], np.tile(every, len(pairs))))
                each = np.repeat(np.arange(len(pairs), dtype=np.int32), len(every))
                of = np.concatenate((of, each))
                by = np.argsort(of, kind="stable")  # pair by pair, each pair's rows in a run
                rows, of = rows[by], of[by]
            out.append((rows, of))
        return out

    def rows_only_of(self, tables: Sequence[object], served: npt.NDArray[np.bool_]) -> list[int]:
        """Return, per table, how many rows have a service of a customer, but none ``served``.

        ``served`` says which of the customers table's services are served.
        """
        out = []
        for table, bounds, entries, every, order in zip(
            tables, self.bounds, self.entries, self.every, self.orders, strict=True
        ):
            per_code = np.diff(bounds)
            if entries is None:
                out.append(int(per_code[~served].sum()))
                continue
            first = int(bounds[0])  # entries of no customer's service come first in ``order``
            code = np.repeat(np.arange(len(per_code), dtype=np.int64), per_code)
            mine = entries[order[first:]]  # each entry of a customer's service: its row
            rows = len(table)  # type: ignore[arg-type]
            reached = np.zeros(rows, dtype=np.bool_)
            known = np.zeros(rows, dtype=np.bool_)
            known[mine] = True
            known[every] = True
            reached[mine[served[code]]] = True
            if served.any():
                reached[every] = True
            out.append(int(np.count_nonzero(known & ~reached)))
        return out


#: How the summary names the rows of each input table.
_KIND_WORDS: dict[type, str] = {
    EventTable: "events",
    RequestTable: "requests",
    ProbeTable: "probes",
    TicketTable: "tickets",
    ClaimTable: "claims",
    ChargeTable: "charges",
    CorrectionTable: "corrections",
}


def _codes_in(names: npt.NDArray[np.str_], given: npt.NDArray[np.str_]) -> I64:
    """Return the position of each of ``given`` in the sorted ``names`` (-1 where absent)."""
    if not names.size:
        return np.full(given.size, -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(names, given), names.size - 1)
    return np.where(names[at] == given, at, -1).astype(np.int64)


def _tables(inputs: Sequence[object]) -> list[object]:
    """Return the input tables: lists of records made tables, one table of each known kind.

    Raises:
        DefinitionError: an input of no kind a portfolio reads, or two of one kind.
        EventDataError: a correction selects services by a catalogue tag.
    """
    out: list[object] = []
    for given in inputs:
        if isinstance(given, list | tuple):
            # records of one kind or of several (outages with corrections ...): a table each
            made = as_inputs([given]).tables.values() if given else ()
            out.extend(made or [EventTable.from_records([])])
        elif isinstance(given, tuple(_KIND_WORDS)):
            out.append(given)
        else:
            known = ", ".join(_KIND_WORDS.values())
            raise DefinitionError(
                f"a portfolio reads {known}; {type(given).__name__} is not an input table"
            )
    kinds = [type(t) for t in out]
    if len(set(kinds)) != len(kinds):
        raise DefinitionError("give one table of each kind (concatenate tables of one kind first)")
    for table in out:
        if isinstance(table, CorrectionTable):
            _check_selectors(table)
    return out


def _check_selectors(table: CorrectionTable) -> None:
    """Refuse corrections that select services by a catalogue tag, each by where it is.

    A portfolio's customers have services but no catalogue, so a tag selects
    nothing a customer can be told about; the fix is to list the services.
    """
    problems = [
        Problem(
            table.where[i],
            "services",
            f"{selector!r} selects the services whose catalogue entries carry the tag "
            f"{selector[4:]!r}, and a portfolio's customers have no catalogue: list the "
            "services instead (a name, names separated by ';' in a file, or a list of names "
            "in a Correction), or '*' for every service",
        )
        for i, selector in enumerate(table.selector)
        if isinstance(selector, str) and selector.startswith("tag:")
    ]
    if problems:
        raise EventDataError(problems[:1000], omitted=max(len(problems) - 1000, 0))


# --- evaluation ---------------------------------------------------------------------------------


def evaluate_portfolio(portfolio: Portfolio, *inputs: object, period: str) -> PortfolioResult:
    """Evaluate every customer of ``portfolio`` for ``period``; see [`Portfolio.evaluate()`][slakit.Portfolio.evaluate]."""  # noqa: E501
    if not isinstance(period, str):
        raise DefinitionError(
            f"period={period!r} must be a label such as '2026-10' (each customer's period is "
            "drawn in its own zone)"
        )
    _check_customers(portfolio)
    table = portfolio.customers
    tables = _tables(inputs)
    order, first = table.by_customer()
    lead = order[first]  # one row per customer: its attributes
    # customers grouped by plan, zone and currency in one pass over codes, not one per customer
    zones, currencies = max(len(table.zones), 1), max(len(table.currencies), 1)
    code = (table.plan[lead].astype(np.int64) * zones + table.zone[lead]) * currencies
    distinct, which = np.unique(code + table.currency[lead], return_inverse=True)
    which = which.reshape(-1)
    cache: dict[_Key, _Spec] = {}
    by_key: dict[_Key, I64] = {}
    problems: list[Problem] = []
    for k in range(len(distinct)):  # one step per distinct plan, zone and currency
        positions = np.flatnonzero(which == k).astype(np.int64)
        key = _key(table, int(lead[positions[0]]))
        made = _spec(portfolio, key)
        if isinstance(made, Problem):
            problems.extend(
                attrs.evolve(made, where=table.where(int(row)))
                for row in lead[positions][:1000].tolist()
            )
            continue
        cache[key] = made
        by_key[key] = positions
    if problems:
        raise EventDataError(problems)
    skipped: dict[int, str] = {}
    groups: dict[_Group, I64] = {}
    member: dict[int, _Group] = {}
    for key, positions in by_key.items():
        spec = cache[key]
        resolved = spec.template.period.resolve(period)
        for group, members in _parts(
            table, lead[positions], positions, spec, period=resolved, skipped=skipped
        ):
            groups[group] = members
            member.update(dict.fromkeys(members.tolist(), group))
    index = _RouteIndex(table, tables)
    run = functools.partial(
        _evaluate_group,
        table,
        sorted_rows=(order, first),
        index=index,
        tables=tables,
        label=period,
    )
    results: list[GroupResult] = []
    for group, members in groups.items():
        spec = cache[group.key]
        if group.shared:
            results.extend(run(spec, group, members))
        else:  # rules that look across a customer's services: one agreement each
            for i in range(len(members)):
                results.extend(run(spec, group, members[i : i + 1]))
    digests: dict[_Key, bytes] = {}
    inputs_of = _InputDigests(table, groups, member, (order, first), index, tables)

    def report_of(position: int) -> Report | VersionedReport:
        group = member[position]
        one = np.asarray([position], dtype=np.int64)
        return inputs_of.fingerprinted(position, run(cache[group.key], group, one), cache)

    def statements(result: GroupResult) -> list[str]:
        key = result.key.key
        if key not in digests:
            digests[key] = agreement_digest(cache[key].template)
        return _statements(table, result, digests[key], index, tables)

    return PortfolioResult(
        period=period,
        customers=table,
        groups=results,
        skipped=skipped,
        report_of=report_of,
        statement_digests=statements,
        input_digests=lambda position: digest_texts(inputs_of(position)),
        unrouted={_KIND_WORDS[type(t)]: n for t, n in zip(tables, index.unrouted, strict=True)},
        not_in_force=_rows_not_in_force(table, tables, index, evaluated=list(member)),
    )


def _versioned(
    spec: _Spec, parts: list[GroupResult], fingerprint: Callable[[], str] | None = None
) -> VersionedReport:
    """Return one customer's parts, one per version of its amended plan, as one report."""
    versions = {v.label: v for v in spec.template.versions()}
    return VersionedReport(
        agreement=attrs.evolve(parts[0].agreement, amendments=spec.template.amendments),
        period=parts[0].report.period,
        parts=tuple((versions[part.version], part.report) for part in parts),
        fingerprint=fingerprint,
    )


class _InputDigests:
    """Each customer's ``H(kind)`` of the input rows of its services, by group, when asked."""

    def __init__(  # noqa: PLR0917 - made in one place, from evaluate_portfolio's own names
        self,
        table: CustomerTable,
        groups: Mapping[_Group, I64],
        member: Mapping[int, _Group],
        sorted_rows: tuple[I64, I64],
        index: _RouteIndex,
        tables: Sequence[object],
    ) -> None:
        self._args = (table, sorted_rows, index, tables)
        self._groups = groups
        self._member = member
        self._done: dict[_Group, dict[int, dict[str, bytes]]] = {}

    def __call__(self, position: int) -> dict[str, bytes]:
        """Return the digests of the customer at ``position`` (its whole group's, at once)."""
        group = self._member[position]
        found = self._done.get(group)
        if found is None:
            members = self._groups[group]
            digests = _customer_digests(self._args[0], members, *self._args[1:])
            found = self._done[group] = dict(zip(members.tolist(), digests, strict=True))
        return found[position]

    def fingerprinted(
        self, position: int, parts: list[GroupResult], specs: Mapping[_Key, _Spec]
    ) -> Report | VersionedReport:
        """Return the customer's report of ``parts`` (one per version), with its fingerprint.

        The fingerprint of the agreement as evaluated, the window it was
        measured over, and the input rows of its services.
        """
        if len(parts) == 1:
            report = parts[0].report
            return report.with_fingerprint(
                lambda: combine(report.agreement, _window(report), self(position))
            )
        spec = specs[self._member[position].key]
        versioned = _versioned(
            spec,
            parts,
            lambda: combine(versioned.agreement, versioned.period, self(position)),
        )
        return versioned


def _window(report: Report) -> Period:
    """Return the period-long window ``report``'s agreement was measured over.

    The period itself, unless the agreement ends within it: then the window
    ending at its end (as [`evaluate_versions()`][slakit.evaluate_versions]
    measures a version's part of a period).
    """
    period = report.period
    if report.end >= period.end:
        return period
    return Period(report.end - (period.end - period.start), report.end, period.label, period.tz)


def _customer_digests(
    table: CustomerTable,
    customers: I64,
    sorted_rows: tuple[I64, I64],
    index: _RouteIndex,
    tables: Sequence[object],
) -> list[dict[str, bytes]]:
    """Return, per customer of ``customers``, ``H(kind)`` of the input rows of its services.

    What ``fingerprint(..., services=)`` of each customer's services gives, for
    every customer at once: the rows of their services, found by the route index,
    each owned by its customer, hashed in one sort per table and section.
    """
    order, first = sorted_rows
    bounds = np.r_[first, len(order)]
    counts = bounds[customers + 1] - bounds[customers]
    starts = np.repeat(bounds[customers], counts)
    within = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    pairs = order[starts + within]  # customers-table rows, customer by customer
    owner = np.repeat(np.arange(len(customers), dtype=np.int64), counts)  # each pair's customer
    found = index.rows_for(pairs, table.service)
    parts = []
    for t, (rows, codes), entries in zip(tables, found, index.entries, strict=True):
        if entries is None:
            parts.append((t, rows, owner[codes]))
            continue
        # a correction of two services of one customer is one row of the customer's
        size = max(len(t), 1)  # type: ignore[arg-type]
        owners, picked = np.divmod(np.unique(owner[codes] * size + rows), size)
        parts.append((t, picked, owners))
    return owner_digests(parts, len(customers))


def _rows_not_in_force(
    table: CustomerTable, tables: Sequence[object], index: _RouteIndex, *, evaluated: list[int]
) -> dict[str, int]:
    """Count each table's rows whose service belongs only to customers not evaluated."""
    order, first = table.by_customer()
    in_force = np.zeros(len(table.customers), dtype=bool)
    in_force[np.asarray(evaluated, dtype=np.int64)] = True
    rows_in_force = order[np.repeat(in_force, np.diff(np.r_[first, len(order)]))]
    served = np.zeros(len(table.services), dtype=bool)
    served[table.service[rows_in_force]] = True
    counts = index.rows_only_of(tables, served)
    return {_KIND_WORDS[type(t)]: n for t, n in zip(tables, counts, strict=True)}


def _parts(
    table: CustomerTable,
    rows: I64,
    customers: I64,
    spec: _Spec,
    *,
    period: Period,
    skipped: dict[int, str],
) -> Iterator[tuple[_Group, I64]]:
    """Yield the customers of one plan by the part of ``period`` their agreements cover.

    A customer's agreement is in force from its ``start`` (the template's
    ``effective`` where none is given) to its ``end``; customers whose part is
    the same share a group. Those not in force at all are noted in ``skipped``.
    """
    default = spec.template.effective
    start = table.start[rows].copy()
    if default is not None:
        start[start == NO_TIME] = default
    end = table.end[rows]
    lo = np.maximum(np.where(start == NO_TIME, period.start, start), period.start)
    hi = np.minimum(np.where(end == NO_TIME, period.end, end), period.end)
    after = lo >= period.end
    ended = ~after & (hi <= period.start)
    for i in customers[after].tolist():
        skipped[i] = f"its agreement starts after period {period.label}"
    for i in customers[ended].tolist():
        skipped[i] = f"its agreement ended before period {period.label}"
    keep = ~(after | ended)
    parts = np.stack([lo[keep], hi[keep]], axis=1)
    kept = customers[keep]
    if not kept.size:
        return
    unique, which = np.unique(parts, axis=0, return_inverse=True)
    which = which.reshape(-1)
    for k, (part_lo, part_hi) in enumerate(unique.tolist()):
        group = _Group(key=spec.key, lo=int(part_lo), hi=int(part_hi), shared=spec.shared)
        yield group, kept[which == k]


def _evaluate_group(
    table: CustomerTable,
    spec: _Spec,
    group: _Group,
    customers: I64,
    *,
    sorted_rows: tuple[I64, I64],
    index: _RouteIndex,
    tables: Sequence[object],
    label: str,
) -> list[GroupResult]:
    """Evaluate customers of one group as one agreement of all their services.

    Returns one result per version of the plan in force during the group's part
    of the period: one, unless an amendment takes effect within it (such plans
    are evaluated customer by customer). A part that does not span the whole
    period is measured as [`evaluate_versions()`][slakit.evaluate_versions]
    measures the part of a period a version is in force: from the part's start,
    over a period-long window that ends where the part does, with the fee
    pro-rated.
    """
    order, first = sorted_rows
    bounds = np.r_[first, len(order)]
    counts = bounds[customers + 1] - bounds[customers]
    starts = np.repeat(bounds[customers], counts)
    within = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    pairs = order[starts + within]  # customers-table rows of the group, customer by customer
    resolved = spec.template.period.resolve(label)
    results = []
    states: list[PeriodState] = []
    in_force = _version_parts(spec.template, group.lo, group.hi)
    for k, (version, lo, hi) in enumerate(in_force):
        window = resolved
        effective = lo if lo > resolved.start else None
        if hi < resolved.end:
            length = resolved.end - resolved.start
            window = Period(hi - length, hi, resolved.label, resolved.tz)
            effective = lo
        agreement, ordered = _agreement_of(
            table,
            spec,
            pairs,
            single=len(customers) == 1,
            effective=effective,
            template=_terms(spec, version),
        )
        routed = [
            _route(t, rows, codes, agreement.services)
            for t, (rows, codes) in zip(tables, index.rows_for(ordered, table.service), strict=True)
        ]
        report = compile_agreement(agreement).evaluate(*routed, period=window)
        if window is not resolved or len(in_force) > 1:  # credits read the period, up to
            # the part's end, and see what the parts before paid (as evaluate_versions() does)
            report, column = credited(
                report,
                period=credit_period(report, resolved),
                inputs=as_inputs(routed),
                within=within_state(states, agreement),
                last_part=k == len(in_force) - 1,
            )
        else:
            column = report.credit_columns[0] if report.credit_columns else None
        state = {} if column is None else column.state
        terms = agreement
        states.append(PeriodState(resolved, state, terms.services, terms.tier.compensation))
        if window is not resolved or version.number > 1:
            report = _in_period(report, resolved, lo, hi, version)
        results.append(
            GroupResult(
                key=group,
                pairs=ordered,
                report=report,
                agreement=agreement,
                version=version.label,
                inputs=tuple(routed),  # kept by the report already (its reconciliation reads them)
            )
        )
    return results


def _version_parts(template: Agreement, lo: int, hi: int) -> list[tuple[Version, int, int]]:
    """Return each version of ``template`` in force within ``[lo, hi)``, with its part of it."""
    out = []
    for version in template.versions():
        part_lo = lo if version.start is None else max(lo, version.start)
        part_hi = hi if version.end is None else min(hi, version.end)
        if part_lo < part_hi:
            out.append((version, part_lo, part_hi))
    return out


def _terms(spec: _Spec, version: Version) -> Agreement:
    """Return the plan's terms in ``version``, as a template for the customers' agreements.

    Raises:
        EvaluationError: the version names services of its own (an amendment that
            adds or removes services), which a customers table's rows cannot follow.
    """
    template = spec.template
    if not template.amendments:
        return template
    terms = version.agreement
    if terms.services != template.services:
        raise EvaluationError(
            f"plan {spec.key.plan!r}: version {version.label} names services of its own "
            f"({', '.join(terms.services)}); in a portfolio the customers table gives each "
            "customer its services: give the amended terms as a plan of their own, with the "
            "customers' start and end dates at the amendment"
        )
    return terms


def _in_period(report: Report, period: Period, lo: int, hi: int, version: Version) -> Report:
    """Return a part's report as speaking of the period itself, with a note on its part."""
    share = Fraction(hi - lo, period.end - period.start)
    terms = "The agreement" if version.number == 1 and version.end is None else version.label
    note = (
        f"{terms} was in force from {format_us(lo)} to {format_us(hi)}, within the period: "
        f"only that time is measured, and the fee is pro-rated to {share} of the period."
    )
    return Report(
        agreement=report.agreement,
        period=period,
        start=lo,
        end=hi,
        outcomes=report.outcomes,
        objective_columns=report.objective_columns,
        credit_columns=report.credit_columns,
        reconciliation=lambda: report.reconciliation,
        notes=(note,),
    )


class _Own:
    """The marker of "the customer's own start" (``None`` means no date: it is a value)."""


_OWN: Final = _Own()


def _agreement_of(
    table: CustomerTable,
    spec: _Spec,
    pairs: I64,
    *,
    single: bool,
    effective: int | _Own | None = _OWN,
    template: Agreement | None = None,
) -> tuple[Agreement, I64]:
    """Return the agreement of the customers-table rows ``pairs``, and the rows in its order.

    A customer of its own gets its own name and service names (so its report is
    what [`evaluate()`][slakit.evaluate] gives for its agreement); a group gets
    the services' positions as names. ``effective`` is, unless given, the
    customer's start, or the template's. ``template`` replaces the plan's
    (one version of an amended plan).
    """
    if single:
        named = np.asarray([table.services[c] for c in table.service[pairs].tolist()], dtype=str)
        pairs = pairs[np.argsort(named, kind="stable")]
        names = tuple(table.services[c] for c in table.service[pairs].tolist())
        customer = table.customers[int(table.customer[pairs[0]])]
    else:
        width = len(str(len(pairs)))
        names = tuple(np.strings.zfill(np.arange(len(pairs)).astype(np.str_), width).tolist())
        customers = len(np.unique(table.customer[pairs]))
        customer = f"{spec.key.plan} ({customers:,} customers)"
    template = spec.template if template is None else template
    currency = spec.fee.currency
    used, which = np.unique(table.fee[pairs], return_inverse=True)
    money = [  # one object per distinct fee; -1: the plan's
        spec.fee if code < 0 else Money(table.fees[code], currency) for code in used.tolist()
    ]
    # names made here (distinct and non-empty) and fees of the checked customers table, in
    # the template's currency (_check_customers): the agreement need not check them again
    codes = cast("Sequence[int]", which.reshape(-1))  # read by position, as a sequence is
    fees: tuple[tuple[str, Money], ...] = (
        cast("tuple[tuple[str, Money], ...]", FeeColumn(names, codes, tuple(money)))
        if template.tier.fee is not None
        else ()  # a plan without a fee: its rows give none (_check_customers)
    )
    if isinstance(effective, _Own):
        start = int(table.start[pairs[0]])
        effective = start if start != NO_TIME else template.effective
    agreement = attrs.evolve(
        template, customer=customer, services=checked(names), fees=fees, effective=effective
    )
    return agreement, pairs


def customer_agreement(portfolio: Portfolio, customer: str) -> Agreement:
    """Return ``customer``'s own agreement, as the portfolio makes it from its plan and rows."""
    table = portfolio.customers
    position = bisect.bisect_left(table.customers, customer)
    if position == len(table.customers) or table.customers[position] != customer:
        raise KeyError(f"{customer!r} is not a customer of the portfolio")
    _check_customers(portfolio)
    order, first = table.by_customer()
    lo = int(first[position])
    hi = int(first[position + 1]) if position + 1 < len(first) else len(order)
    pairs = order[lo:hi]
    row = int(pairs[0])
    spec = _spec(portfolio, _key(table, row))
    if isinstance(spec, Problem):
        raise EventDataError([attrs.evolve(spec, where=table.where(row))])
    return _agreement_of(table, spec, pairs, single=True)[0]


def _key(table: CustomerTable, row: int) -> _Key:
    return _Key(
        plan=table.plans[table.plan[row]],
        zone=table.zones[table.zone[row]],
        currency=table.currencies[table.currency[row]],
    )


# --- statement ids ------------------------------------------------------------------------------

_MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))
#: One odd constant per column of a row's hash (odd: multiplying by it loses no bit).
_WEIGHTS = tuple(np.uint64((0x9E3779B97F4A7C15 * (2 * k + 1)) % 2**64 | 1) for k in range(8))


def _mix(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Return splitmix64 of each value: a cheap, well-spread 64-bit hash (wrapping arithmetic)."""
    x = (x ^ (x >> np.uint64(30))) * _MIX[0]
    x = (x ^ (x >> np.uint64(27))) * _MIX[1]
    return x ^ (x >> np.uint64(31))


def _text_hashes(values: Sequence[object]) -> npt.NDArray[np.uint64]:
    """Return a stable 64-bit hash of each vocabulary entry (names, shares), in bulk.

    The texts' code points, as numpy holds them (one ``uint32`` column per
    character), are folded one column at a time over every text at once, each
    step mixed, then the length is mixed in: no Python step per text. A text's
    hash is its own: only its characters are folded, not the padding up to the
    longest text beside it, so a longer text elsewhere changes no hash.
    """
    texts = [str(v) for v in values]
    n = len(texts)
    # the length as Python counts it: numpy's strings drop NUL characters at the end
    length = np.fromiter(map(len, texts), dtype=np.uint64, count=n)
    h = np.full(n, _WEIGHTS[1], dtype=np.uint64)
    text = np.asarray(texts, dtype=np.str_)
    with np.errstate(over="ignore"):
        if n and text.dtype.itemsize:
            for k, column in enumerate(text.view(np.uint32).reshape(n, -1).T):
                h = np.where(length > k, _mix(h ^ column.astype(np.uint64)), h)
        return _mix(h + length * _WEIGHTS[0])


def _row_hashes(table: object) -> npt.NDArray[np.uint64]:
    """Return a 64-bit hash of each row's content (its service aside), stable across runs."""

    def u(a: npt.ArrayLike) -> npt.NDArray[np.uint64]:
        return np.asarray(a).astype(np.int64, copy=False).view(np.uint64)

    if isinstance(table, EventTable):
        states, levels = table.states, table.affected_levels
        # kind, state and share together: one hash per combination the vocabularies allow
        labels = [f"{k}|{s}|{v}" for k in range(3) for s in states for v in levels]
        if len(labels) <= 1 << 16:
            combined = (table.kind.astype(np.int64) * len(states) + table.state) * len(levels)
            facts = _text_hashes(labels)[combined + table.affected]
        else:
            facts = _text_hashes(states)[table.state] ^ _mix(
                _text_hashes(levels)[table.affected] + u(table.kind)
            )
        parts = [facts, u(table.start), u(table.end), u(table.announced)]
    elif isinstance(table, RequestTable):
        parts = [u(table.time), u(table.status), u(table.outcome), u(table.latency)]
    elif isinstance(table, ProbeTable):
        parts = [u(table.time), _text_hashes(table.metrics)[table.metric], u(table.value)]
    elif isinstance(table, CorrectionTable):  # few: each record but the services it names
        # a correction counts once per service of the customer's it applies to, by name
        # or as one of every service: the services are hashed on their own
        parts = [
            _text_hashes([repr(attrs.evolve(c, services=ALL_SERVICES)) for c in table.records])
        ]
    elif isinstance(table, TicketTable):
        history = np.zeros(len(table), dtype=np.uint64)
        with np.errstate(over="ignore"):
            changes = _mix(u(table.change_at) ^ _mix(u(table.change_status)))
            np.add.at(history, table.change_ticket, changes)
            pauses = _mix(u(table.pause_start) ^ _mix(u(table.pause_end) + np.uint64(1)))
            np.add.at(history, table.pause_ticket, pauses)
        parts = [
            _text_hashes(table.ids),
            _text_hashes(["", *table.priorities])[table.priority + 1],  # -1: none given
            u(table.opened),
            u(table.first_response),
            u(table.resolved),
            _text_hashes(["", *table.coverages])[table.coverage + 1],
            history,
        ]
    else:  # claims and charges: records, few per customer
        records = table.records  # type: ignore[attr-defined]
        # each record but its service: the customer's service names are hashed on their own
        parts = [_text_hashes([repr(attrs.evolve(r, service="-")) for r in records])]
    h = np.zeros(len(parts[0]), dtype=np.uint64)
    with np.errstate(over="ignore"):
        # the columns weighted by odd constants of their own (a change of any one column
        # changes the sum), then the sum mixed twice: two mixes a row, whatever its width
        for k, part in enumerate(parts):
            h += part * _WEIGHTS[k]
        return _mix(_mix(h))


def _overlaps(table: object, rows: I64 | slice, report: Report) -> npt.NDArray[np.bool_]:
    """Return which ``rows`` bear on ``report``'s part of its period."""
    start, end, label = report.start, report.end, report.period.label
    if isinstance(table, EventTable | CorrectionTable):
        return (table.start[rows] < end) & (table.end[rows] > start)
    if isinstance(table, RequestTable | ProbeTable):
        times = table.time[rows]
        return (times >= start) & (times < end)
    if isinstance(table, TicketTable):
        resolved = table.resolved[rows]
        live: npt.NDArray[np.bool_] = (table.opened[rows] < end) & (
            (resolved == TICKET_NO_TIME) | (resolved >= start)
        )
        return live
    records = table.records  # type: ignore[attr-defined]
    assert not isinstance(rows, slice)  # records are looked up by row numbers
    kept: npt.NDArray[np.bool_] = np.fromiter(
        (getattr(records[r], "period", None) in (None, label) for r in rows.tolist()),
        dtype=bool,
        count=len(rows),
    )
    return kept


def _statements(
    table: CustomerTable,
    group: GroupResult,
    agreement: bytes,
    index: _RouteIndex,
    tables: Sequence[object],
) -> list[str]:
    """Return each customer's statement id: its agreement, period and counted input rows."""
    report = group.report
    pairs = group.pairs
    per_pair = np.zeros(len(pairs), dtype=np.uint64)
    for source, rows, codes, content in _group_rows(group, index, tables, table.service):
        hashes = np.where(_overlaps(source, rows, report), content, np.uint64(0))
        if len(codes):  # the rows come pair by pair: one sum per run of a pair's rows
            firsts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
            with np.errstate(over="ignore"):
                per_pair[codes[firsts]] += np.add.reduceat(hashes, firsts)
    with np.errstate(over="ignore"):
        # each service: its name, its fee and its rows; a customer: the sum over its services,
        # which no order of the customers table changes
        per_pair = _mix(_mix(index.service_hashes()[table.service[pairs]]) ^ per_pair)
        per_pair = _mix(per_pair ^ index.fee_hashes()[pairs])
        owners = table.customer[pairs]
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        per_customer = np.add.reduceat(per_pair, starts) if len(pairs) else per_pair
        # the agreement and the period: one digest, two 64-bit seeds; then per customer its
        # name's hash and its rows' sum, mixed into two 64-bit words (32 hex digits)
        period = f"{report.period.label}|{report.start}|{report.end}".encode()
        seed = hashlib.blake2b(agreement + period, digest_size=16).digest()
        low, high = (np.uint64(int.from_bytes(seed[k : k + 8], "little")) for k in (0, 8))
        name = index.customer_hashes()[owners[starts]]
        first = _mix(_mix(per_customer ^ low) + name)
        second = _mix(_mix(per_customer + high) ^ _mix(name ^ low))
    return _hex(first, second)


def _group_rows(
    group: GroupResult,
    index: _RouteIndex,
    tables: Sequence[object],
    services: npt.NDArray[np.int32],
) -> Iterator[tuple[object, I64 | slice, npt.NDArray[np.int32], npt.NDArray[np.uint64]]]:
    """Yield, per input table, the group's rows: where to read them, each one's pair and hash.

    Events, requests and probe samples are read from the tables the group was
    evaluated over (its rows, pair by pair, gathered once already), and hashed
    there, in order; other tables by the route index, in the input table.
    """
    routed = group.inputs or (None,) * len(tables)
    found = None
    for k, (t, mine) in enumerate(zip(tables, routed, strict=True)):
        if isinstance(mine, EventTable | RequestTable | ProbeTable):
            codes = np.asarray(mine.service, dtype=np.int32)
            yield mine, slice(None), codes, _row_hashes(mine)
            continue
        if found is None:
            found = index.rows_for(group.pairs, services)
        rows, codes = found[k]
        yield t, rows, codes, index.hashes(t)[rows]


def _hex(*words: npt.NDArray[np.uint64]) -> list[str]:
    """Return each row of 64-bit ``words`` as hexadecimal text, 16 digits a word, in bulk."""
    n = words[0].shape[0]
    digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    out = np.empty((n, 16 * len(words)), dtype=np.uint8)
    for k, word in enumerate(words):
        octets = word.astype(">u8").view(np.uint8).reshape(n, 8)  # most significant first
        out[:, 16 * k : 16 * k + 16 : 2] = digits[octets >> 4]
        out[:, 16 * k + 1 : 16 * k + 16 : 2] = digits[octets & 15]
    width = out.shape[1]
    text = str(out.tobytes(), "ascii")
    return [text[i : i + width] for i in range(0, n * width, width)]


def agreement_digest(agreement: Agreement) -> bytes:
    """Return a digest of an agreement: its DSL call, which names every term that differs."""
    return hashlib.blake2b(repr(agreement).encode(), digest_size=16).digest()
