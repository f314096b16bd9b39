"""The credit context, a rule's result over all services, the history, and the kernel registry.

Every rule type has a kernel, registered with ``credit_kernel()``, that
returns a ``Credits``: one exact amount per service (an
``Amounts`` column), the services worth a line
in the report, and a lazy builder of each service's lines. Rules that need
earlier periods read a ``History`` and return their own state for the
next period. The kernels live in the sibling modules, one per DSL module of
rules; the package imports them all, so they are registered before
``run()`` or ``check_rule()`` is called.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Generic, TypeVar, cast

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._agreement import Agreement, FeeColumn
from slakit._dsl._compensation import CreditRule
from slakit._dsl._measures import Measure
from slakit._engine._inputs import Inputs
from slakit._money import Money
from slakit._registry import Registry
from slakit._results._amounts import Amounts, as_objects
from slakit._results._evidence import Coded, MeasureOutcome, object_array
from slakit._results._lines import LineColumns
from slakit._results._report import CreditColumn
from slakit._results._values import CreditLine, money_text
from slakit._time._periods import Period, billing_cycles
from slakit.exceptions import CurrencyMismatchError, DefinitionError, EvaluationError

__all__ = [
    "I64",
    "Bools",
    "CreditContext",
    "Credits",
    "History",
    "PeriodState",
    "Realigned",
    "adjustment",
    "check_rule",
    "compensation_column",
    "credit_kernel",
    "merge_state",
    "merged_period",
    "rule_at",
    "run",
    "same_clause",
    "service_positions",
]

Bools = npt.NDArray[np.bool_]
I64 = npt.NDArray[np.int64]
LinesOf = Callable[[int], list[CreditLine]]
S = TypeVar("S")


# --- history -------------------------------------------------------------------------------------
#
# A rule's state is found by its path in the compensation tree: ``"0"`` is the
# root, ``"0.k"`` its child ``k`` (``CreditRule.children()`` order, as
# ``CreditContext.child(k)`` names it), and so on. Its columns are aligned to the
# services of the version in force when it was recorded. Across an amendment a
# state is read by service name under the new version (a service the state did
# not cover reads as no history), and only while the rule at its path is the
# same clause by its own terms in both versions (``same_clause``). Within a
# period an amendment splits, each part's state is merged into one state for
# the period, by the kind of each column (see ``merged_period``).


@attrs.frozen
class PeriodState:
    """What the stateful rules remembered of one period: ``{rule path: {name: column}}``.

    ``services`` and ``rule`` are what the columns belong to: the services and
    the compensation of the version in force (for a period an amendment split,
    the last part's). ``services=None`` (a state made by hand) is read as
    belonging to whichever version reads it first.
    """

    period: Period
    nodes: Mapping[str, Mapping[str, Any]]
    services: tuple[str, ...] | None = None
    rule: CreditRule | None = None

    def realigned(
        self, services: tuple[str, ...], rule: CreditRule | None
    ) -> Realigned[PeriodState]:
        """Return this state as the version of ``services`` and compensation ``rule`` reads it.

        Each column is realigned by service name (a service new to the columns
        starts with no history: not breached, nothing paid, no fee, nothing
        held); a rule's state is kept only if the rule at its path is equal in
        both compensations, otherwise its history restarts here.

        Raises:
            EvaluationError: a column of a kind that cannot be realigned.
        """
        if self.services is None:  # made by hand: taken as the reading version's
            return Realigned(PeriodState(self.period, self.nodes, services, rule))
        if self.services is services and self.rule is rule:
            return Realigned(self)
        same_rule = self.rule is rule or self.rule == rule
        take = None if self.services == services else service_positions(self.services, services)
        nodes: dict[str, Mapping[str, Any]] = {}
        restarted: list[str] = []
        for path, state in self.nodes.items():
            if not same_rule and not same_clause(rule_at(self.rule, path), rule_at(rule, path)):
                restarted.append(path)
                continue
            nodes[path] = (
                state
                if take is None
                else {name: _realign(value, take, path, name) for name, value in state.items()}
            )
        new: tuple[str, ...] = ()
        if take is not None and nodes:
            new = tuple(np.asarray(services, dtype=object)[take < 0].tolist())
        return Realigned(PeriodState(self.period, nodes, services, rule), tuple(restarted), new)


@attrs.frozen
class Realigned(Generic[S]):
    """A state (or history) read under another version, and what that reading dropped.

    Attributes:
        value: the state or history, aligned to the version that reads it.
        restarted: the rule paths whose history was dropped (the rule changed there).
        new: the services that had no history under the earlier version.
    """

    value: S
    restarted: tuple[str, ...] = ()
    new: tuple[str, ...] = ()


@attrs.frozen
class History:
    """The earlier periods' states, oldest first (empty for a period evaluated alone)."""

    periods: tuple[PeriodState, ...] = ()

    def of(self, path: str) -> list[tuple[Period, Mapping[str, Any]]]:
        """Return the states one rule left in earlier periods, oldest first."""
        return [(p.period, p.nodes[path]) for p in self.periods if path in p.nodes]

    def then(
        self,
        period: Period,
        nodes: Mapping[str, Mapping[str, Any]],
        *,
        services: tuple[str, ...] | None = None,
        rule: CreditRule | None = None,
    ) -> History:
        """Return this history with one more period (its columns those of ``services``)."""
        return History((*self.periods, PeriodState(period, dict(nodes), services, rule)))

    def realigned(self, services: tuple[str, ...], rule: CreditRule | None) -> Realigned[History]:
        """Return this history as a version of ``services`` and compensation ``rule`` reads it.

        Every period's state is realigned (see ``PeriodState.realigned``);
        ``restarted`` and ``new`` gather what the periods dropped, each once.
        """
        if all(p.services is services and p.rule is rule for p in self.periods):
            return Realigned(self)
        periods: list[PeriodState] = []
        restarted: dict[str, None] = {}
        new: dict[str, None] = {}
        for entry in self.periods:
            carried = entry.realigned(services, rule)
            periods.append(carried.value)
            restarted.update(dict.fromkeys(carried.restarted))
            new.update(dict.fromkeys(carried.new))
        return Realigned(History(tuple(periods)), tuple(restarted), tuple(new))


def rule_at(rule: CreditRule | None, path: str) -> CreditRule | None:
    """Return the rule at ``path`` (``"0"``, ``"0.1"``, ...) of the compensation ``rule``.

    ``None`` when the compensation has no rule there.
    """
    head, *rest = path.split(".")
    if rule is None or head != "0":
        return None
    node = rule
    for step in rest:
        children = node.children()
        k = int(step)
        if k >= len(children):
            return None
        node = children[k]
    return node


def same_clause(a: CreditRule | None, b: CreditRule | None) -> bool:
    """Return whether two rules are the same clause by their own terms.

    The class and every field that is not a rule of its own (a cap's limit and
    window, an escalation's objective): an amendment that changes a credit
    table under an unchanged cap leaves the cap the same clause, so what it
    counted carries on.
    """
    if a is None or b is None or type(a) is not type(b):
        return a is b
    return _own_terms(a) == _own_terms(b)


def _own_terms(rule: CreditRule) -> list[tuple[str, object]]:
    """Return a rule's fields other than the rules it holds, by name."""
    out = []
    for field in attrs.fields(cast("type[attrs.AttrsInstance]", type(rule))):
        value = getattr(rule, field.name)
        if isinstance(value, CreditRule) or (
            isinstance(value, tuple) and value and all(isinstance(v, CreditRule) for v in value)
        ):
            continue
        out.append((field.name, value))
    return out


def service_positions(old: tuple[str, ...], new: tuple[str, ...]) -> I64:
    """Return the position in ``old`` of each service of ``new`` (``-1``: not in ``old``)."""
    if not new:
        return np.zeros(0, dtype=np.int64)
    if not old:
        return np.full(len(new), -1, dtype=np.int64)
    keys = np.asarray(old, dtype=str)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    wanted = np.asarray(new, dtype=str)
    at = np.minimum(np.searchsorted(ordered, wanted), len(old) - 1)
    found = ordered[at] == wanted
    return np.where(found, order[at], -1).astype(np.int64)


def _is_held(value: object) -> bool:
    """Return whether ``value`` is a list of held credits: ``(label, Amounts, periods left)``."""
    return isinstance(value, tuple) and all(
        isinstance(item, tuple)
        and len(item) == 3
        and isinstance(item[0], str)
        and isinstance(item[1], Amounts)
        and isinstance(item[2], int)
        for item in value
    )


def _kind_error(path: str, name: str, value: object, doing: str) -> EvaluationError:
    return EvaluationError(
        f"the state {name!r} of the rule at path {path} is a {type(value).__name__}, which "
        f"slakit cannot {doing}; a rule's state columns must be boolean arrays, Amounts, or "
        "held credits (label, Amounts, periods left)"
    )


def _realign(value: Any, take: I64, path: str, name: str) -> Any:
    """Return one state column with ``take``'s services (``-1``: a service with no history)."""
    present = take >= 0
    source = np.where(present, take, 0)
    if isinstance(value, np.ndarray) and value.dtype == np.bool_:
        if value.shape[0] == 0:
            return np.zeros(take.shape[0], dtype=bool)
        return np.where(present, value[source], False)
    if isinstance(value, Amounts):
        if len(value) == 0:
            return Amounts.zeros(take.shape[0])
        return Amounts(
            np.where(present, value.num[source], 0), np.where(present, value.den[source], 1)
        )
    if _is_held(value):
        return tuple((label, _realign(held, take, path, name), left) for label, held, left in value)
    raise _kind_error(path, name, value, "realign by service name across an amendment")


def merged_period(parts: Sequence[PeriodState]) -> tuple[PeriodState, tuple[tuple[int, str], ...]]:
    """Return the one state of a period an amendment split, from its parts' states in order.

    Each part's state is realigned to the next part's version (see
    ``PeriodState.realigned``) and merged with it, column by column, by kind,
    service by service:

    - a boolean column (``breached``): true if it is true in any part;
    - an amount column (``paid``, ``fee``): the sum over the parts, so a cap
      over several periods counts the whole period's credits and fees;
    - held credits (earn-back): a credit held from an earlier period stays held
      only where no part released it (a breach in any part of the period pays
      it); the credits held in the period itself are added up over the parts,
      and held for the next periods as one credit of the period.

    The result belongs to the last part's version. Also returns, for each part
    after the first, the rule paths whose state of the earlier parts was
    dropped because the rule changed there.

    Raises:
        EvaluationError: a column of a kind that cannot be merged.
    """
    merged = parts[0]
    restarted: list[tuple[int, str]] = []
    for k, part in enumerate(parts[1:], start=1):
        assert part.services is not None
        carried = merged.realigned(part.services, part.rule)
        restarted.extend((k, path) for path in carried.restarted)
        before = carried.value.nodes
        nodes: dict[str, Mapping[str, Any]] = {}
        for path in {**before, **part.nodes}:
            a, b = before.get(path), part.nodes.get(path)
            if a is None or b is None:  # a rule with state in some parts only
                only = b if a is None else a
                assert only is not None
                nodes[path] = dict(only)
                continue
            nodes[path] = {
                name: _merge(a[name], b[name], part.period.label, path, name)
                if name in a and name in b
                else (a[name] if name in a else b[name])
                for name in {**a, **b}
            }
        merged = PeriodState(part.period, nodes, part.services, part.rule)
    return merged, tuple(restarted)


def _mergeable(value: object) -> bool:
    return (
        (isinstance(value, np.ndarray) and value.dtype == np.bool_)
        or isinstance(value, Amounts)
        or _is_held(value)
    )


def _merge(a: Any, b: Any, label: str, path: str, name: str) -> Any:
    """Return two parts' values of one state column merged (see ``merged_period``)."""
    doing = f"merge over the parts of period {label}, which an amendment splits"
    for value in (a, b):
        if not _mergeable(value):
            raise _kind_error(path, name, value, doing)
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return a | b
    if isinstance(a, Amounts) and isinstance(b, Amounts):
        return a + b
    if _is_held(a) and _is_held(b):
        return _merge_held(a, b, label)
    raise EvaluationError(
        f"the state {name!r} of the rule at path {path} is a {type(a).__name__} in one part "
        f"of period {label} and a {type(b).__name__} in the next: slakit cannot {doing}"
    )


def _merge_held(
    a: tuple[tuple[str, Amounts, int], ...], b: tuple[tuple[str, Amounts, int], ...], label: str
) -> tuple[tuple[str, Amounts, int], ...]:
    """Return two parts' held credits merged: earlier ones held where both hold them, own added."""
    first = {item[0]: item for item in a}
    second = {item[0]: item for item in b}
    out = []
    for key in {**first, **second}:
        x, y = first.get(key), second.get(key)
        if x is None or y is None:
            only = x if y is None else y
            assert only is not None
            # held in one part only: the period's own credits add up; an earlier credit the
            # other part no longer holds was released there
            if key == label:
                out.append(only)
            continue
        if key == label:  # held in this period: each part's own credit, added up
            out.append((key, x[1] + y[1], max(x[2], y[2])))
        else:  # held from earlier: still held only where no part released it
            out.append((key, x[1].minimum(y[1]), min(x[2], y[2])))
    return tuple(out)


# --- context and results -------------------------------------------------------------------------


def cycle_fee(fee: Money, count: int) -> Money:
    """Return the fee of ``count`` billing cycles at ``fee`` each (``fee`` itself for one)."""
    return fee if count == 1 else Money(fee.amount * count, fee.currency)


def _fee_column(ctx: CreditContext) -> Amounts:
    """Return every service's nominal fee per period as one exact column, once per run.

    The agreement keeps its services' exact fees (computed on first use), so a
    fee per service costs no look-up per service here; other services (a
    context over a subset) are looked up once each.
    """
    agreement = ctx.agreement
    if not agreement.fees:
        return Amounts.constant(agreement.tier_fee().exact(), ctx.n)
    same = ctx.services is agreement.services or ctx.services == agreement.services
    column: object = agreement.fees
    if same and isinstance(column, FeeColumn):  # a portfolio's group: each distinct fee once
        exact = [fee.exact() for fee in column.values]
        num = np.empty(len(exact), dtype=object)
        den = np.empty(len(exact), dtype=object)
        num[:] = [fee.numerator for fee in exact]
        den[:] = [fee.denominator for fee in exact]
        which = np.asarray(column.codes, dtype=np.int64)
        return Amounts(num[which], den[which])
    if same:
        fees = agreement.exact_fees()
    else:
        fees = tuple(fee.exact() for fee in agreement.fees_of(ctx.services))
    # each distinct fee object (few prices, many services) read once: found by identity
    distinct = dict(zip(map(id, fees), fees, strict=True))
    position = {key: i for i, key in enumerate(distinct)}
    which = np.fromiter(map(position.__getitem__, map(id, fees)), dtype=np.int64, count=len(fees))
    num = np.empty(len(distinct), dtype=object)
    den = np.empty(len(distinct), dtype=object)
    num[:] = [fee.numerator for fee in distinct.values()]
    den[:] = [fee.denominator for fee in distinct.values()]
    return Amounts(num[which], den[which])


@attrs.frozen(eq=False)
class CreditContext:
    """What a credit kernel reads: the period, the measured columns, the inputs, the history."""

    agreement: Agreement
    period: Period
    start: int
    proration: Fraction
    services: tuple[str, ...]
    outcomes: Mapping[Measure, MeasureOutcome]
    inputs: Inputs
    history: History = History()
    #: For a part of a period an amendment splits, after the first: the merged state of the
    #: parts before it (aligned to this part's version), so that a cap counts what they paid.
    within: PeriodState | None = None
    #: Whether this is the last (or only) part of its period: a part before the last
    #: settles nothing that depends on the whole period (an earn-back's forgiveness).
    last_part: bool = True
    path: str = "0"
    deduct: Amounts | None = None
    #: Each service's own fee per period, as one exact column: built once per evaluation
    #: (a fee per service is the common case) and shared by every rule's context.
    fee_column: Amounts = attrs.field(
        default=attrs.Factory(_fee_column, takes_self=True), repr=False
    )

    @functools.cached_property
    def positions(self) -> dict[str, int]:
        """Each service's position in [`services`][slakit.Report.services] (built when read)."""
        return {name: i for i, name in enumerate(self.services)}

    @property
    def n(self) -> int:
        """The number of services."""
        return len(self.services)

    @property
    def currency(self) -> str:
        """The agreement's currency (the tier fee's)."""
        return self.agreement.tier.currency_code

    @property
    def tier(self) -> str:
        """The tier's name."""
        return self.agreement.tier.name

    @functools.cached_property
    def whole_period(self) -> Period:
        """The whole period under the agreement's rule (``period`` may end at a part's end)."""
        rule = self.agreement.period
        whole = rule.containing(self.period.start)
        # a window of a part (see part_report) starts before the part: the period is the one
        # the part starts in
        return whole if whole.start == self.period.start else rule.containing(self.start)

    @functools.cached_property
    def cycles(self) -> tuple[tuple[Period, Fraction], ...]:
        """The billing cycles of this period, each with the share of it in effect.

        Without a billing cycle (``Tier.billing``) the period is its own one
        cycle, in effect for ``proration`` of it.
        """
        rule = self.agreement.tier.billing
        if rule is None:
            return ((self.period, self.proration),)
        return billing_cycles(rule, self.whole_period, self.start, self.period.end)

    @functools.cached_property
    def cycles_in_effect(self) -> Fraction:
        """How many billing cycles' fees this period is worth in effect (``proration`` if none)."""
        return sum((share for _cycle, share in self.cycles), Fraction(0))

    @functools.cached_property
    def fee_share(self) -> Fraction:
        """The share of the period's fee in effect: ``proration``, or cycles in effect / cycles."""
        if self.agreement.tier.billing is None:
            return self.proration
        return self.cycles_in_effect / len(self.cycles)

    def fee(self, i: int) -> Money:
        """Return service ``i``'s nominal fee per period (its own, or the tier's).

        With a billing cycle it is the fee per cycle times the period's cycles.
        """
        return cycle_fee(self.agreement.fee_of(self.services[i]), len(self.cycles))

    def fees(self, *, prorated: bool = True) -> Amounts:
        """Return every service's fee for this period as an exact column.

        ``prorated`` (default) scales it to the part of the period the agreement
        was in effect (with a billing cycle: each cycle's fee to its part in
        effect); ``False`` gives the nominal fee per period.
        """
        factor = self.cycles_in_effect if prorated else Fraction(len(self.cycles))
        return self.fee_column if factor == 1 else self.fee_column.scale(factor)

    def child(self, k: int, *, deduct: Amounts | None = None) -> CreditContext:
        """Return the context of child ``k`` of the rule at this path."""
        return attrs.evolve(
            self, path=f"{self.path}.{k}", deduct=self.deduct if deduct is None else deduct
        )

    def _spread(self, outcome: MeasureOutcome, column: Any, fill: int = 0) -> Any:
        """Return ``column`` (one value per outcome service) per agreement service."""
        if outcome.services == self.services:
            return column
        out = np.full(self.n, fill, dtype=column.dtype)
        position = self.positions
        where = np.fromiter(
            (position[name] for name in outcome.services), np.int64, len(outcome.services)
        )
        out[where] = column
        return out

    def spread(self, outcome: MeasureOutcome, column: Any, fill: int = 0) -> Any:
        """Return ``column`` (one value per service of ``outcome``) per agreement service.

        Services the outcome does not cover take ``fill``.
        """
        return self._spread(outcome, column, fill)

    def aligned(self, measure: Measure) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Return ``good`` and ``total`` of ``measure`` per agreement service (0/0 if uncovered).

        Both count units of ``1 / scale`` of the measure's unit: they give the
        exact value ``good / total``; use ``down_time()`` for time itself.
        """
        outcome = self.outcomes[measure]
        return self._spread(outcome, outcome.good), self._spread(outcome, outcome.total)

    def down_time(self, measure: Measure) -> Amounts:
        """Return each service's counted down time in microseconds, exact (weighted if so)."""
        outcome = self.outcomes[measure]
        num, den = outcome.down_us()
        return Amounts(self._spread(outcome, num), den)

    def eligible_time(self, measure: Measure) -> Amounts:
        """Return each service's eligible time in microseconds, exact (0 where uncovered)."""
        outcome = self.outcomes[measure]
        num, den = outcome.eligible_us()
        return Amounts(self._spread(outcome, num), den)

    def down_between(self, measure: Measure, start: int, end: int) -> Amounts:
        """Return each service's counted (weighted) down time inside ``[start, end)``, in µs."""
        outcome = self.outcomes[measure]
        time = outcome.time
        assert time is not None, f"{measure!r} is not a measure of time"
        m = len(outcome.services)
        inside = time.down_within(
            np.arange(m, dtype=np.int64),
            np.full(m, start, dtype=np.int64),
            np.full(m, end, dtype=np.int64),
        )
        return Amounts(self._spread(outcome, as_objects(inside)), outcome.scale)

    def covered(self, measure: Measure) -> Bools:
        """Return which agreement services ``measure`` covers."""
        outcome = self.outcomes[measure]
        return np.asarray(self._spread(outcome, np.ones(len(outcome.services), dtype=bool)))

    @functools.cached_property
    def _outcome_of(self) -> dict[int, MeasureOutcome]:
        """Each measure's outcome by the measure object's identity (the keys stay alive)."""
        return {id(measure): outcome for measure, outcome in self.outcomes.items()}

    def value(self, measure: Measure, i: int) -> Fraction | None:
        """Return the exact value of ``measure`` for service ``i``, or ``None`` (no data).

        Called once per service by the rules' lines: the outcome is found by the
        measure's identity, without hashing the measure each time.
        """
        outcome = self._outcome_of.get(id(measure)) or self.outcomes[measure]
        if outcome.services is self.services or outcome.services == self.services:
            j = i
        else:
            found = outcome.positions.get(self.services[i])
            if found is None:
                return None
            j = found
        total = int(outcome.total[j])
        return None if total == 0 else Fraction(int(outcome.good[j]), total)

    def money(self, value: Fraction) -> str:
        """Return an exact amount as text with the currency (cents shown for exact decimals)."""
        return money_text(value, self.currency)

    def line(self, i: int, rule: str, amount: Fraction, **fields: Any) -> CreditLine:
        """Return a credit line for service ``i`` with this context's defaults."""
        fields.setdefault("value", None)
        fields.setdefault("band", None)
        fields.setdefault("share", Decimal(0))
        fields.setdefault("base", self.fee(i))
        fields.setdefault("proration", self.fee_share)
        return CreditLine(
            service=self.services[i],
            rule=rule,
            tier=self.tier,
            amount=amount,
            period=self.period.label,
            **fields,
        )

    def fees_at(self, rows: I64) -> Coded:
        """Return the fee per period of each service of ``rows`` (``fee(i)``), coded by value.

        An agreement's fees are in one currency, so their amounts (``Decimal``,
        as written) tell them apart; each label is the first fee of its amount.
        """
        agreement = self.agreement
        count = len(self.cycles)
        if not agreement.fees:
            return Coded.constant(cycle_fee(agreement.tier_fee(), count), rows.shape[0])
        fees = object_array(
            [
                cycle_fee(fee, count)
                for fee in agreement.fees_of(object_array(self.services)[rows].tolist())
            ]
        )
        amounts = Coded.of([fee.amount for fee in fees])
        first = np.zeros(amounts.labels.shape[0], dtype=np.int64)
        first[amounts.codes[::-1]] = np.arange(rows.shape[0] - 1, -1, -1, dtype=np.int64)
        return Coded(amounts.codes, fees[first])

    def lines_at(
        self,
        rows: I64,
        rule: str,
        amount: Amounts,
        *,
        kind: str | Coded = "credit",
        note: str | Coded | None = None,
        value: tuple[npt.NDArray[Any], npt.NDArray[Any]] | None = None,
        band: Coded | None = None,
        share: Coded | None = None,
        base: Coded | None = None,
        formula: str | Coded | None = None,
    ) -> LineColumns:
        """Return one line for each service of ``rows``, as columns, with ``line()``'s defaults.

        ``amount`` holds each row's amount; ``value`` each row's measured
        value as ``(numerators, denominators)`` (denominator 0: none); the
        other fields are one value for every row or a coded column.
        """
        n = rows.shape[0]

        def coded(given: object) -> Coded:
            return given if isinstance(given, Coded) else Coded.constant(given, n)

        zero = np.zeros(n, dtype=np.int64)
        return LineColumns(
            service=rows.astype(np.int64),
            rule=coded(rule),
            tier=coded(self.tier),
            value_num=zero if value is None else value[0],
            value_den=zero if value is None else value[1],
            band=coded(band),
            share=coded(Decimal(0)) if share is None else share,
            base=self.fees_at(rows) if base is None else base,
            amount=amount,
            proration=coded(self.fee_share),
            note=coded(note),
            kind=coded(kind),
            formula=coded(formula),
            period=coded(self.period.label),
        )


@attrs.frozen(eq=False)
class Credits:
    """A rule's result over all services: exact amounts, which services to show, their lines.

    ``lines(i)`` builds service ``i``'s lines; ``line_columns``, where the rule
    has a columnar form, builds every shown service's lines at once (the rows
    of ``lines(i)`` for each shown ``i`` in turn), and ``all_lines()`` gives
    them either way.
    """

    amount: Amounts
    shown: Bools
    lines: LinesOf
    state: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    columns: Mapping[str, Any] = attrs.field(factory=dict)
    line_columns: Callable[[], LineColumns] | None = None

    def all_lines(self) -> LineColumns:
        """Return the lines of every shown service as columns, service by service."""
        if self.line_columns is not None:
            return self.line_columns()
        return LineColumns.of_lines(self.lines, np.flatnonzero(self.shown))


R = TypeVar("R", bound=CreditRule)
Kernel = Callable[[Any, CreditContext], Credits]
#: The credit kernel of each rule type (and of each credit base), filled by ``credit_kernel``.
KERNELS: Registry[Kernel] = Registry("credit kernel")


def credit_kernel(rule_type: type[R]) -> Callable[[Callable[[R, CreditContext], Credits]], Kernel]:
    """Register the decorated function as the kernel of ``rule_type``."""
    return KERNELS.register(rule_type)


def run(rule: CreditRule, ctx: CreditContext) -> Credits:
    """Evaluate ``rule`` over every service of the context.

    Raises:
        DefinitionError: no kernel evaluates this kind of rule.
    """
    kernel = KERNELS.get(type(rule))
    if kernel is not None:
        return kernel(rule, ctx)
    raise DefinitionError(f"no kernel evaluates {type(rule).__name__} rules like {rule!r}")


def check_rule(rule: CreditRule, agreement: Agreement) -> None:
    """Check, before any evaluation, that every kind of rule has a kernel and one currency.

    Raises:
        DefinitionError: a rule of a kind the engine cannot evaluate.
        CurrencyMismatchError: an amount in a rule is not in the fee's currency.
    """
    stack = [rule]
    while stack:
        node = stack.pop()
        if type(node) not in KERNELS:
            raise DefinitionError(f"no kernel evaluates {type(node).__name__} rules like {node!r}")
        stack.extend(node.children())
    other = rule.currencies() - {agreement.tier.currency_code}
    if other:
        raise CurrencyMismatchError(
            f"compensation {rule!r} of tier {agreement.tier.name!r} has amounts in "
            f"{', '.join(sorted(other))}, but the fee is in {agreement.tier.currency_code}"
        )


def compensation_column(rule: CreditRule, ctx: CreditContext) -> CreditColumn:
    """Return the compensation rule's column over every service of the context."""
    check_rule(rule, ctx.agreement)
    credits = run(rule, ctx)
    return CreditColumn(
        rule=rule,
        services=ctx.services,
        amount=credits.amount,
        shown=credits.shown,
        lines_of=credits.lines,
        exact_total=credits.amount.total(),
        state=credits.state,
        columns={**credits.columns, "credit.amount": credits.amount},
        line_columns=credits.all_lines,
    )


def merge_state(
    *parts: Credits, own: Mapping[str, Any] | None = None, path: str = ""
) -> dict[str, Mapping[str, Any]]:
    """Return the children's states for the next period, with this rule's ``own`` at ``path``."""
    state: dict[str, Mapping[str, Any]] = {}
    for part in parts:
        state.update(part.state)
    if own is not None:
        state[path] = own
    return state


def adjustment(ctx: CreditContext, i: int, rule: str, amount: Fraction, note: str) -> CreditLine:
    """Return an adjustment line (a cap, a choice, a claim) of ``amount`` for service ``i``."""
    return ctx.line(i, rule, amount, kind="adjustment", note=note)
