"""A portfolio's results as columns: objectives, credit lines, and the ledger for billing.

Three tables, each a mapping of column names to equal-length columns:

- ``objectives``: one row per customer, service and objective (and version
  of the plan): the measured value as exact ``good`` and ``total`` integers
  and as a ``percent`` rounded for display, the ``target``, the ``verdict`` and
  the ``margin_points`` (percentage points above the target; below it,
  negative), rounded as ``Report.to_dict()`` rounds them;
- ``credits``: one row per customer and service that is owed a credit: the
  ``rule``, the ``share`` of a credit table's band (empty for other rules), the
  ``base`` (the service's fee per period: its billing cycles' fees under a tier
  with a billing cycle; the charges billed for a credit table on them; empty for other rules
  of a plan without a fee), ``in_force`` (the share of the period
  the agreement was in force, which pro-rates the fee), the ``amount`` rounded to
  the currency's minor unit for display, the ``exact`` amount and the
  ``currency``;
- ``ledger``: one row per customer: the credit total rounded once as the
  agreement says, with its exact value, the currency and a ``statement``
  id that changes exactly when the figure's inputs change.

Exact numbers are written as text (``"1300/9"``, ``"12.50"``), so a ledger
read from CSV, Parquet or a data frame is byte-identical.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import importlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._agreement import Agreement
from slakit._money import RoundingMode, minor_unit
from slakit._results._figures import distinct_pairs, percent_array
from slakit._results._report import VERDICTS, Report
from slakit._time._periods import cycle_count
from slakit.exceptions import SlakitError

__all__ = ["GroupResult", "PortfolioResult", "round_units"]

Obj = npt.NDArray[np.object_]
I64 = npt.NDArray[np.int64]
#: Text built column-wise: numpy's variable-width strings (or objects, where a part was).
Texts = npt.NDArray[Any]
Columns = dict[str, list[Any]]

_TEXT = np.dtypes.StringDType()
_NONE: I64 = np.zeros(0, dtype=np.int64)

#: The tables of a portfolio's result, in the order they are written.
_TABLES = ("ledger", "objectives", "credits")
#: The columns that hold counts (integers); every other column holds text, exact numbers too.
COUNT_COLUMNS = frozenset({"services", "breaches"})


def round_units(num: Obj, den: Obj, mode: RoundingMode) -> Obj:
    """Return each ``num / den`` rounded to an integer with ``mode``, exactly (``den > 0``).

    The same rule as ``Rounding``: ``half_up`` rounds halves away from zero,
    ``half_down`` towards zero, ``up`` away from zero, ``down`` towards zero.
    """
    floor: Obj = num // den
    rest2 = (num - floor * den) * 2  # twice the remainder: 0 <= rest2 < 2 * den
    above = np.asarray(rest2 > 0, dtype=bool)
    negative = np.asarray(num < 0, dtype=bool)
    if mode == "floor":
        bump = np.zeros(num.shape, dtype=bool)
    elif mode == "ceiling":
        bump = above
    elif mode == "down":
        bump = above & negative
    elif mode == "up":
        bump = above & ~negative
    else:
        more = np.asarray(rest2 > den, dtype=bool)
        half = np.asarray(rest2 == den, dtype=bool)
        if mode == "half_even":
            odd = np.asarray(floor % 2 == 1, dtype=bool)
            bump = more | (half & odd)
        elif mode == "half_up":
            bump = more | (half & ~negative)
        else:  # half_down
            bump = more | (half & negative)
    out: Obj = floor + bump.astype(np.int64).astype(object)
    return out


def _decimal_text(units: Obj | Sequence[int], places: int) -> Texts:
    """Return integers scaled by ``10**-places`` as decimal text (``1250, 2 -> '12.50'``)."""
    cells: Obj = np.empty(len(units), dtype=object)
    cells[:] = list(units) if not isinstance(units, np.ndarray) else units
    try:
        whole = cells.astype(np.int64)
    except OverflowError:  # beyond int64: one number at a time
        return _texts(_one_decimal(int(u), places) for u in cells.tolist())
    if places == 0:
        return whole.astype(_TEXT)
    step = 10**places
    sign = np.where(whole < 0, "-", "")
    magnitude = np.abs(whole)
    head = np.strings.add(sign, (magnitude // step).astype(_TEXT))
    tail = np.strings.zfill((magnitude % step).astype(_TEXT), places)
    text: Texts = np.strings.add(np.strings.add(head, "."), tail)
    return text


def _one_decimal(units: int, places: int) -> str:
    sign = "-" if units < 0 else ""
    digits = str(abs(units)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}" if places else f"{sign}{digits}"


def _exact_columns(good: Any, total: Any, target: Any) -> tuple[Any, Any]:
    """Return an objective's ``good`` and ``total`` columns for exact arithmetic with its target.

    ``int64`` where the products with the target's terms cannot overflow, else
    Python integers.
    """
    terms = Fraction(target)
    bound = max(terms.numerator, terms.denominator, 1)
    good, total = np.asarray(good), np.asarray(total)
    if good.dtype.kind in "iu" and total.dtype.kind in "iu" and len(total):
        largest = max(int(np.abs(good).max()), int(np.abs(total).max()), 1)
        if largest * bound < 2**61:  # a gap, the difference of two products, fits
            return good.astype(np.int64), total.astype(np.int64)
    return _objects(good), _objects(total)


def _objects(values: npt.ArrayLike) -> Obj:
    out: Obj = np.empty(np.shape(values)[0], dtype=object)
    out[:] = np.asarray(values).tolist()
    return out


@attrs.frozen(eq=False)
class GroupResult:
    """One evaluated group: customers sharing a compiled agreement, and its report.

    ``pairs`` are the customers-table rows of the group's services, in the order
    of the group agreement's services (customer by customer).
    """

    key: Any
    pairs: I64
    report: Report
    agreement: Agreement
    #: The version of the plan these results are of (``"v1"`` unless amended).
    version: str = "v1"
    #: The input tables the group was evaluated over (the rows of its services, pair by
    #: pair), in the order of the portfolio's inputs; empty where not kept.
    inputs: tuple[object, ...] = ()


class PortfolioResult:
    """The result of a portfolio for one period: columns, a ledger, reports on demand.

    Tables are built when first asked for. ``report(customer)`` evaluates that
    customer's agreement alone over the rows of its services (the portfolio's
    routing), and keeps it.
    """

    def __init__(
        self,
        *,
        period: str,
        customers: Any,
        groups: Sequence[GroupResult],
        skipped: Mapping[int, str],
        report_of: Callable[[int], Any],
        statement_digests: Callable[[GroupResult], list[str]],
        unrouted: Mapping[str, int],
        not_in_force: Mapping[str, int],
        input_digests: Callable[[int], dict[str, str]] | None = None,
    ) -> None:
        self.period = period
        self._customers = customers
        self._groups = tuple(groups)
        self._skipped = dict(skipped)
        self._report_of = report_of
        self._statement_digests = statement_digests
        self._input_digests = input_digests
        self.unrouted = dict(unrouted)
        #: Rows of services whose every customer is not evaluated in the period (``skipped``).
        self.not_in_force = dict(not_in_force)
        self._reports: dict[str, Any] = {}
        self._arrow_names: dict[int, Any] = {}

    # --- per customer ------------------------------------------------------------------------

    @functools.cached_property
    def _positions(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self._customers.customers)}

    def report(self, customer: str) -> Any:
        """Return ``customer``'s report: its agreement evaluated alone, built on first use.

        A [`Report`][slakit.Report]; a [`VersionedReport`][slakit.VersionedReport]
        for a customer whose plan is amended within the period (one report per version).
        Its ``fingerprint`` is that of its agreement as evaluated, the period (for an
        agreement ending within it, the period-long window ending at its end) and the
        input rows of its services only: what the customer's own copy of the rows gives.

        Raises:
            KeyError: no such customer, or its agreement is not in force in the period.
        """
        found = self._reports.get(customer)
        if found is not None:
            return found
        position = self._positions.get(customer)
        if position is None:
            raise KeyError(f"{customer!r} is not a customer of the portfolio")
        if position in self._skipped:
            raise KeyError(f"{customer!r} is not evaluated: {self._skipped[position]}")
        report = self._reports[customer] = self._report_of(position)
        return report

    def input_digests(self, customer: str) -> dict[str, str]:
        """Return, by kind of input, the digest of the input rows of ``customer``'s services.

        What its report's ``fingerprint`` combines: ``"sha256:"`` and the hexadecimal
        SHA-256 of each kind's rows, in the canonical form ``slakit-fingerprint/1``
        (the ``inputs`` of a JSON statement's ``verify`` block). Worked out for every
        customer of its group at once, when first asked for.

        Raises:
            KeyError: no such customer, or its agreement is not in force in the period.
        """
        position = self._positions.get(customer)
        if position is None:
            raise KeyError(f"{customer!r} is not a customer of the portfolio")
        if position in self._skipped:
            raise KeyError(f"{customer!r} is not evaluated: {self._skipped[position]}")
        if self._input_digests is None:
            raise KeyError(f"the result holds no inputs to digest for {customer!r}")
        return self._input_digests(position)

    @property
    def customers(self) -> tuple[str, ...]:
        """The customers evaluated, in name order."""
        names = self._customers.customers
        return tuple(n for i, n in enumerate(names) if i not in self._skipped)

    @property
    def skipped(self) -> dict[str, str]:
        """The customers not evaluated in this period, with the reason."""
        names = self._customers.customers
        return {names[i]: why for i, why in sorted(self._skipped.items())}

    # --- tables ------------------------------------------------------------------------------

    @functools.cached_property
    def _vocabularies(self) -> tuple[Obj, Obj]:
        """The customers table's customer and service names, as object arrays (built once)."""
        table = self._customers
        customers: Obj = np.empty(len(table.customers), dtype=object)
        customers[:] = table.customers
        services: Obj = np.empty(len(table.services), dtype=object)
        services[:] = table.services
        return customers, services

    def _codes(self, group: GroupResult, rows: I64 | slice = slice(None)) -> list[I64]:
        """Return the customer and service codes of the group's services ``rows``: sort keys.

        The customers table's names are sorted, so their codes sort as the names do.
        """
        table = self._customers
        pairs = group.pairs[rows]
        return [table.customer[pairs].astype(np.int64), table.service[pairs].astype(np.int64)]

    @functools.cached_property
    def _objectives(self) -> _Table:
        """The objectives table as columns of arrays (see ``objectives``)."""
        verdict_names: Obj = np.empty(len(VERDICTS), dtype=object)
        verdict_names[:] = [v.value for v in VERDICTS]
        customers, services = self._vocabularies
        build = _Builder()
        order: list[list[I64]] = [[], [], []]  # customer, service, objective: codes
        described: dict[str, int] = {}
        for group in self._groups:
            report = group.report
            for column in report._objective_columns:
                outcome, objective = column.outcome, column.objective
                if outcome.services == report.services:
                    rows = np.arange(len(report.services), dtype=np.int64)
                else:
                    position = {name: i for i, name in enumerate(report.services)}
                    rows = np.asarray([position[s] for s in outcome.services], dtype=np.int64)
                good, total = _exact_columns(outcome.good, outcome.total, objective.target)
                data = total != 0
                safe_total = np.where(data, total, 1)
                target = Fraction(objective.target)
                gap = good * target.denominator - safe_total * target.numerator
                if objective.comparator in ("<=", "<"):
                    gap = -gap
                blank = ~np.asarray(data, dtype=bool)
                n = len(rows)
                text = objective.describe()
                codes = self._codes(group, rows)
                for slot, code in zip(order, codes, strict=False):
                    slot.append(code)
                order[2].append(np.full(n, described.setdefault(text, len(described))))
                build.coded("customer", codes[0], customers)
                build.coded("service", codes[1], services)
                build.constant("plan", group.key.plan, n)
                build.constant("version", group.version, n)
                build.constant("period", report.period.label, n)
                build.constant("objective", text, n)
                build.distinct("good", *_count_texts(outcome.good, outcome.scale))
                build.distinct("total", *_count_texts(outcome.total, outcome.scale))
                build.distinct("percent", *_percent_texts(good, safe_total, blank))
                build.constant("target", str(objective.target), n)
                build.coded("verdict", column.verdict.astype(np.int64), verdict_names)
                margin = _percent_texts(gap, safe_total * target.denominator, blank)
                build.distinct("margin_points", *margin)
        rank = np.argsort(np.argsort(np.asarray(list(described), dtype=str), kind="stable"))
        by = [np.concatenate(k) if k else np.zeros(0, np.int64) for k in order]
        by[2] = rank[by[2]] if described else by[2]
        keys = ("customer", "service", "plan", "version", "period", "objective", "good", "total")
        return _sorted(build.frame((*keys, "percent", "target", "verdict", "margin_points")), by)

    @functools.cached_property
    def objectives(self) -> Columns:
        """One row per customer, service and objective (see the module's description)."""
        return _lists(self._objectives)

    @functools.cached_property
    def _credits(self) -> _Table:
        """The credits table as columns of arrays (see ``credits``)."""
        customers, services = self._vocabularies
        build = _Builder()
        order: list[list[I64]] = [[], []]  # customer, service: codes
        table = self._customers
        for group in self._groups:
            report = group.report
            in_force = str(report.partial)  # the share of the period the fee is pro-rated to
            currency = group.agreement.tier.currency_code
            places = minor_unit(currency)
            # each service's fee (its base) as text, once per distinct fee; -1: the plan's
            fee_codes = table.fee[group.pairs]
            used, which = np.unique(fee_codes, return_inverse=True)
            # with a billing cycle, a period's fee is the fees of its cycles
            cycles = cycle_count(
                group.agreement.tier.billing,
                group.agreement.period.containing(report.period.start),
            )
            fee_text = [
                _money_text(
                    (group.agreement.tier_fee().amount if code < 0 else table.fees[code]) * cycles,
                    places,
                )
                if group.agreement.tier.fee is not None
                else ""  # a plan without a fee
                for code in used.tolist()
            ]
            fee_of = which.reshape(-1)
            for column in report.credit_columns:
                amount = column.amount
                rows = np.flatnonzero(amount.nonzero()).astype(np.int64)
                if not rows.size:
                    continue
                # each distinct amount written once
                num, den, which = _distinct_pairs(amount.num[rows], amount.den[rows])
                num, den = _objects(num), _objects(den)
                shown = _decimal_text(round_units(num * 10**places, den, "half_even"), places)
                share = column.columns.get("credit.share")
                n = len(rows)
                codes = self._codes(group, rows)
                for slot, code in zip(order, codes, strict=True):
                    slot.append(code)
                build.coded("customer", codes[0], customers)
                build.coded("service", codes[1], services)
                build.constant("plan", group.key.plan, n)
                build.constant("version", group.version, n)
                build.constant("period", report.period.label, n)
                build.constant("rule", repr(column.rule), n)
                if share is None:
                    build.constant("share", "", n)
                else:
                    build.distinct("share", *_object_codes(np.asarray(share)[rows]))
                charged = column.columns.get("credit.base")  # a table's base of charges
                if charged is not None:
                    bnum, bden, bwhich = _distinct_pairs(charged.num[rows], charged.den[rows])
                    bnum, bden = _objects(bnum), _objects(bden)
                    texts = _decimal_text(round_units(bnum * 10**places, bden, "half_even"), places)
                    build.distinct("base", bwhich, texts.tolist())
                else:
                    build.distinct("base", fee_of[rows], fee_text)
                build.constant("in_force", in_force, n)
                build.distinct("amount", which, shown.tolist())
                build.distinct("exact", which, _fraction_text(num, den).tolist())
                build.constant("currency", currency, n)
        keys = ("customer", "service", "plan", "version", "period", "rule", "share", "base")
        more = ("in_force", "amount", "exact", "currency")
        by = [np.concatenate(k) if k else np.zeros(0, np.int64) for k in order]
        return _sorted(build.frame((*keys, *more)), by)

    @functools.cached_property
    def credits(self) -> Columns:
        """One row per customer and service owed a credit (see the module's description)."""
        return _lists(self._credits)

    @functools.cached_property
    def _ledger(self) -> _Table:
        """The ledger as columns of arrays (see ``ledger``)."""
        customers, _ = self._vocabularies
        build = _Builder()
        table = self._customers
        order: list[I64] = []
        for number, group in enumerate(self._groups):
            report = group.report
            agreement = group.agreement
            currency = agreement.tier.currency_code
            owners = table.customer[group.pairs]
            starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
            counts = np.diff(np.r_[starts, len(owners)])
            nums, common = _common(report)
            totals = np.add.reduceat(nums, starts) if len(nums) else nums
            sums, which = _distinct_values(totals)  # each distinct total written once
            rounding = agreement.rounding
            if rounding.to in ("minor unit", "unit"):
                places = minor_unit(currency) if rounding.to == "minor unit" else 0
                units = round_units(
                    sums * 10**places, _objects([common] * len(sums)), rounding.mode
                )
                credit = _decimal_text(units, places)
            else:  # a rounding step of its own: rounded one customer at a time
                credit = _texts(
                    str(rounding.apply(Fraction(int(s), common), currency).amount) for s in sums
                )
            n = len(starts)
            order.append(owners[starts].astype(np.int64))
            build.coded("customer", order[-1], customers)
            build.constant("plan", group.key.plan, n)
            build.constant("period", report.period.label, n)
            build.constant("currency", currency, n)
            build.distinct("credit", which, credit.tolist())
            build.distinct(
                "exact", which, _fraction_text(sums, _objects([common] * len(sums))).tolist()
            )
            build.values("services", counts.astype(np.int64))
            build.values("breaches", _breaches(report, starts, len(owners)))
            claims = _claims(report, starts, len(owners))
            if isinstance(claims, str):
                build.constant("claim", claims, n)
            else:
                build.values("claim", claims)
            build.values("statement", _texts(self._statement_digests(group)))
            build.values("_group", np.full(n, number, dtype=np.int64))
        keys = ("customer", "plan", "period", "currency", "credit", "exact", "services")
        names = (*keys, "breaches", "claim", "statement", "_group")
        ledger = _sorted(build.frame(names), [np.concatenate(order) if order else _NONE])
        return _merged_versions(ledger, self._groups)

    @functools.cached_property
    def ledger(self) -> Columns:
        """One row per customer evaluated: the credit total, rounded once, and its statement id.

        Columns: ``customer``, ``plan``, ``period``, ``currency``, ``credit`` (rounded
        once, as the agreement's rounding says), ``exact`` (the exact total),
        ``services``, ``breaches``, ``claim`` (the claim state where the tier has a
        claim clause: ``"claimed"``, ``"pending"``, ``"late"``, ``"rejected"``, ``"not claimed"``,
        ``"partly claimed"``, ``"mixed"`` or ``"nothing owed"``; ``"n/a"`` without
        one) and ``statement`` (a hash of the agreement as evaluated,
        the period and the input rows of its services that overlap the period).
        """
        return _lists(self._ledger)

    # --- exports -----------------------------------------------------------------------------

    def tables(self) -> dict[str, Columns]:
        """Return the three tables by name: ``ledger``, ``objectives``, ``credits``."""
        return {"ledger": self.ledger, "objectives": self.objectives, "credits": self.credits}

    def _frame(self, name: str) -> _Table:
        if name not in _TABLES:
            raise KeyError(f"{name!r} is not a table: {', '.join(_TABLES)}")
        table: _Table = getattr(self, f"_{name}")
        return table

    def _arrow_vocabulary(self, pa: Any, names: Obj) -> Any:
        """Return a column's vocabulary as an Arrow array; the customers table's made once."""
        for k, own in enumerate(self._vocabularies):
            if names is own:
                if k not in self._arrow_names:
                    self._arrow_names[k] = pa.array(own, type=pa.string())
                return self._arrow_names[k]
        return pa.array(names, type=pa.string())

    def to_pandas(self, table: str = "ledger") -> Any:
        """Return one table as a pandas ``DataFrame`` (exact numbers as text)."""
        import pandas as pd

        return pd.DataFrame(self._table(table))

    def to_polars(self, table: str = "ledger") -> Any:
        """Return one table as a polars ``DataFrame`` (exact numbers as text)."""
        try:
            import polars as pl
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise SlakitError("polars is not installed; install the polars package") from error
        columns = self._table(table)
        schema = {k: pl.Int64 if k in COUNT_COLUMNS else pl.String for k in columns}
        return pl.DataFrame(columns, schema=schema)

    def to_arrow(self, table: str = "ledger") -> Any:
        """Return one table as a ``pyarrow.Table`` (exact numbers as text)."""
        pa = _pyarrow()
        frame = self._frame(table)
        order = None if frame.order is None else pa.array(frame.order, type=pa.int64())
        return pa.table(
            {k: self._arrow(pa, k, v, frame.order, order) for k, v in frame.columns.items()}
        )

    def _arrow(self, pa: Any, name: str, column: Column, order: I64 | None, taken: Any) -> Any:
        """Return a column as an Arrow array, its rows in ``order`` (``taken``: the same, in Arrow).

        Counts as ``int64``, text as ``string``; a vocabulary of names (the
        customers table's) is made an Arrow array once, for every table.
        """
        if name in COUNT_COLUMNS:
            counts = np.asarray(column, dtype=np.int64)
            return pa.array(counts if order is None else counts[order], type=pa.int64())
        if isinstance(column, _Coded):
            names = self._arrow_vocabulary(pa, column.names)
            codes = column.codes if order is None else column.codes[order]
            return names.take(pa.array(codes, type=pa.int64()))
        if column.dtype == _TEXT:
            try:  # pyarrow reads numpy's variable-width strings itself in newer releases
                text = pa.array(column, type=pa.string())
            except (pa.ArrowNotImplementedError, pa.ArrowInvalid, TypeError):  # pragma: no cover
                text = pa.array(column.astype(object), type=pa.string())
        else:
            text = pa.array(column, type=pa.string())
        return text if taken is None else text.take(taken)

    def write(self, directory: str | Path, *, formats: Sequence[str] = ("csv",)) -> list[Path]:
        """Write every table (``ledger``, ``objectives``, ``credits``) in each of ``formats``.

        ``formats``: ``"csv"`` and/or ``"parquet"`` (which needs the ``arrow`` extra).
        Returns the paths written.
        """
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name in _TABLES:
            for fmt in formats:
                path = folder / f"{name}.{fmt}"
                if fmt == "csv":
                    write_csv(self._table(name), path)
                elif fmt == "parquet":
                    _pyarrow_parquet().write_table(self.to_arrow(name), path)
                else:
                    raise SlakitError(f"format {fmt!r} is not 'csv' or 'parquet'")
                written.append(path)
        return written

    def summary(self) -> dict[str, Any]:
        """Return the run's figures: customers, services, credits by plan and currency, rows.

        ``rows`` counts, per measure (in the order of their labels), the input rows each
        agreement read, by how they reconciled: a row of a service two customers share, or
        of a period an amendment splits into versions, is read (and counted) once by each,
        and so is a correction by each group of customers it names a service of (every
        group, for ``"*"``).
        ``rows_for_no_customer`` and ``rows_for_customers_not_evaluated`` count each input
        row once, by kind (``events``, ``requests``, ``probes``, ``tickets``, ``claims``,
        ``charges``, ``corrections``, those given): rows whose services no customer has
        (a correction: none of the services it names), and rows whose services only
        customers not evaluated in the period have.
        """
        ledger = self._ledger.columns  # read as columns: each distinct text once
        by: dict[tuple[str, str], Decimal] = {}
        keys = [_codes_of(ledger[name]) for name in ("plan", "currency", "credit")]
        sizes = [max(len(names), 1) for _, names in keys]
        # one integer per (plan, currency, credit): a 1-D count, no sort of rows as records
        combined = (keys[0][0] * sizes[1] + keys[1][0]) * sizes[2] + keys[2][0]
        distinct, count = np.unique(combined, return_counts=True)
        plan_currency, credit_code = np.divmod(distinct, sizes[2])
        plan_code, currency_code = np.divmod(plan_currency, sizes[1])
        triples = zip(plan_code.tolist(), currency_code.tolist(), credit_code.tolist(), strict=True)
        for (p, c, k), n in zip(triples, count.tolist(), strict=True):
            # the sum of what the ledger bills: each distinct credit times its customers
            key = (str(keys[0][1][p]), str(keys[1][1][c]))
            by[key] = by.get(key, Decimal(0)) + Decimal(str(keys[2][1][k])) * n
        exact_codes, exact_names = _codes_of(ledger["exact"])
        credited = int(np.count_nonzero(np.asarray(exact_names != "0")[exact_codes]))
        rows: dict[str, Any] = {}
        uncounted = 0
        for group in self._groups:
            reconciliation = group.report.reconciliation
            uncounted += sum(g.count for g in reconciliation.uncovered)
            for label, counts in reconciliation.by_measure.items():
                slot = rows.setdefault(label, {})
                for category, n in counts.items():
                    slot[category] = slot.get(category, 0) + int(n)
        return {
            "period": self.period,
            "customers": len(exact_codes),
            "customers_credited": credited,
            "customers_not_evaluated": self.skipped,
            "services": int(np.sum(np.asarray(ledger["services"], dtype=np.int64))),
            "credits": [
                {"plan": plan, "currency": currency, "total": str(total)}
                for (plan, currency), total in sorted(by.items())
            ],
            "rows": dict(sorted(rows.items())),  # by label: the same however it was split
            "rows_not_counted": uncounted,
            "rows_for_no_customer": self.unrouted,
            "rows_for_customers_not_evaluated": self.not_in_force,
        }

    def _table(self, name: str) -> Columns:
        if name not in _TABLES:
            raise KeyError(f"{name!r} is not a table: {', '.join(_TABLES)}")
        columns: Columns = getattr(self, name)  # only the table asked for is built
        return columns

    def __repr__(self) -> str:
        return (
            f"<PortfolioResult {self.period}: {len(self.ledger['customer']):,} customers, "
            f"{len(self.credits['customer']):,} credit lines>"
        )


def _fraction_text(num: Obj, den: Obj) -> Texts:
    """Return exact fractions as ``Fraction`` writes them (``"1300/9"``, ``"20"``), in bulk."""
    if not len(num):
        return np.empty(0, dtype=_TEXT)
    with contextlib.suppress(OverflowError):  # int64 where both fit: no Python call per value
        num, den = np.asarray(num).astype(np.int64), np.asarray(den).astype(np.int64)
    g = np.gcd(num, den)
    g[g == 0] = 1
    top, bottom = num // g, den // g
    text: Texts = top.astype(_TEXT)
    whole = np.asarray(bottom == 1, dtype=bool)
    if not whole.all():
        over = np.strings.add(np.strings.add(text[~whole], "/"), bottom[~whole].astype(_TEXT))
        text[~whole] = over
    return text


def _money_text(amount: Decimal, places: int) -> str:
    """Return an amount with at least the currency's decimal places (``2400`` -> ``2400.00``)."""
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent < places:
        return str(amount.quantize(Decimal(1).scaleb(-places)))
    return str(amount)


def _counts(values: npt.NDArray[Any], scale: int) -> Texts:
    """Return integer figures as text, ``good/scale`` where a measure counts in fractions."""
    text: Texts = np.asarray(values).astype(_TEXT)
    if scale != 1:
        text = np.strings.add(text, f"/{scale}")
    return text


def _common(report: Report) -> tuple[Obj, int]:
    """Return each service's exact credit over one common denominator, and that denominator."""
    total_num: Obj = _objects(np.zeros(len(report.services), dtype=np.int64))
    common = 1
    columns = report.credit_columns
    for column in columns:
        den = column.amount.den
        common = (
            math.lcm(common, *{int(d) for d in np.unique(den).tolist()}) if len(den) else common
        )
    for column in columns:
        amount = column.amount
        if len(amount):
            total_num = total_num + amount.num * (common // amount.den)
    return total_num, common


def _merged_versions(ledger: _Table, groups: Sequence[GroupResult]) -> _Table:
    """Return the ledger with the rows of one customer's versions merged into one row.

    A customer whose plan is amended within the period has a row per version
    (the ``_group`` column gives each row's group, rows of one customer in version
    order): they become one, with the credits added exactly and rounded once with the
    latest version's rounding (as [`VersionedReport.total`][slakit.VersionedReport.total]),
    breaches added, claim states merged and the parts' statement ids hashed into one.
    """
    number = ledger.columns.pop("_group")
    assert isinstance(number, np.ndarray)
    customer = ledger.columns["customer"]
    if isinstance(customer, _Coded):
        codes = customer.codes if ledger.order is None else customer.codes[ledger.order]
        if not np.any(codes[1:] == codes[:-1]):
            return ledger  # one row per customer: nothing to merge
    lists = _lists(ledger)
    number = np.asarray(number if ledger.order is None else number[ledger.order])
    names = lists["customer"]
    n = len(names)
    if n < 2 or len(set(names)) == n:
        return ledger
    keep = [True] * n
    i = 0
    while i < n:
        j = i + 1
        while j < n and names[j] == names[i]:
            j += 1
        if j - i > 1:
            rounding = groups[int(number[j - 1])].agreement.rounding
            exact = sum((Fraction(lists["exact"][k]) for k in range(i, j)), Fraction(0))
            currency = lists["currency"][i]
            amount = rounding.apply(exact, currency).amount
            if rounding.to in ("minor unit", "unit"):  # as many places as the rows of others
                places = minor_unit(currency) if rounding.to == "minor unit" else 0
                amount = amount.quantize(Decimal(1).scaleb(-places))
            lists["credit"][i] = str(amount)
            lists["exact"][i] = str(exact)
            lists["breaches"][i] = sum(lists["breaches"][i:j])
            states = {c for c in lists["claim"][i:j] if c != "nothing owed"}
            lists["claim"][i] = (
                "nothing owed" if not states else states.pop() if len(states) == 1 else "mixed"
            )
            joined = "|".join(lists["statement"][i:j]).encode()
            lists["statement"][i] = hashlib.blake2b(joined, digest_size=16).hexdigest()
            keep[i + 1 : j] = [False] * (j - i - 1)
        i = j
    kept = np.asarray(keep, dtype=bool)
    out: Frame = {}
    for name, values in lists.items():
        if name in COUNT_COLUMNS:
            out[name] = np.asarray(values, dtype=np.int64)[kept]
        else:
            out[name] = _texts(values)[kept]
    return _Table(out, None)


def _claims(report: Report, starts: npt.NDArray[np.intp], n: int) -> str | Texts:
    """Return each customer's claim state (services in customer order).

    ``"n/a"`` where the tier has no claim clause (one text for every customer);
    ``"nothing owed"`` where no service is owed a credit; the one state of every
    service owed one (``"claimed"``, ``"pending"``, ``"late"``, ``"rejected"``, ``"not claimed"``,
    ``"partly claimed"``), or ``"mixed"``.
    """
    states = next(
        (c.columns["claim.state"] for c in report.credit_columns if "claim.state" in c.columns),
        None,
    )
    if states is None:
        return "n/a"
    out = []
    for lo, hi in zip(starts.tolist(), [*starts[1:].tolist(), n], strict=True):
        seen = {state for state in states[lo:hi].tolist() if state}
        out.append("nothing owed" if not seen else seen.pop() if len(seen) == 1 else "mixed")
    return _texts(out)


def _breaches(report: Report, starts: npt.NDArray[np.intp], n: int) -> I64:
    """Return each customer's count of breached objectives (services are in customer order)."""
    breached = np.zeros(n, dtype=np.int64)
    code = VERDICTS.index(next(v for v in VERDICTS if v.value == "breached"))
    position = {name: i for i, name in enumerate(report.services)}
    for column in report._objective_columns:
        hits = (column.verdict == code).astype(np.int64)
        if column.outcome.services == report.services:
            breached += hits
            continue
        rows = np.asarray([position[s] for s in column.outcome.services], dtype=np.int64)
        np.add.at(breached, rows, hits)
    out: I64 = np.add.reduceat(breached, starts) if n else np.zeros(0, dtype=np.int64)
    return out


# --- columns of arrays --------------------------------------------------------------------------


class _Coded:
    """A text column as codes into a vocabulary of texts: each distinct text made once.

    Rows are taken by their codes (an integer array), and the texts written out
    only by an export: as objects for lists, as one Arrow ``take`` for Arrow and
    Parquet.
    """

    __slots__ = ("codes", "names")

    def __init__(self, codes: I64, names: Obj) -> None:
        self.codes = codes
        self.names = names

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    def take(self, order: I64) -> _Coded:
        """Return the rows ``order``."""
        return _Coded(self.codes[order], self.names)

    def texts(self) -> Obj:
        """Return every row's text, as an object array."""
        out: Obj = self.names[self.codes]
        return out


#: A column of a table: text (numpy strings or objects), counts (int64), or coded text.
Column = Texts | I64 | _Coded
Frame = dict[str, Column]


@attrs.frozen(eq=False)
class _Table:
    """A table's columns, and the order its rows are written in (``None``: as they are).

    Rows are taken in order only when the table is exported, where taking them
    is cheapest: Arrow's ``take`` for Arrow and Parquet, objects for lists.
    """

    columns: Frame
    order: I64 | None


class _Builder:
    """A table's columns, built part by part (group by group, rule by rule), then joined.

    ``constant`` (one text on every row of a part) and ``distinct`` (codes into
    a part's own texts) add codes into a vocabulary of the column's distinct
    texts; ``coded`` adds codes into a vocabulary every part of the column
    shares; ``values`` adds the cells themselves (text or counts). A column
    of codes only stays coded; one that mixes codes and cells is made of texts.
    """

    def __init__(self) -> None:
        self._parts: dict[str, list[tuple[npt.NDArray[Any], bool]]] = {}  # (part, coded)
        self._vocabularies: dict[str, dict[str, int]] = {}
        self._names: dict[str, Obj] = {}

    def constant(self, column: str, text: str, n: int) -> None:
        """Add ``n`` rows of ``text``."""
        vocabulary = self._vocabularies.setdefault(column, {})
        code = vocabulary.setdefault(text, len(vocabulary))
        self._parts.setdefault(column, []).append((np.full(n, code, dtype=np.int64), True))

    def distinct(self, column: str, codes: I64, texts: Sequence[str]) -> None:
        """Add rows given as codes into ``texts`` (the part's own distinct texts)."""
        vocabulary = self._vocabularies.setdefault(column, {})
        mapped = np.asarray([vocabulary.setdefault(t, len(vocabulary)) for t in texts], np.int64)
        part = mapped[codes] if len(texts) else np.zeros(0, np.int64)
        self._parts.setdefault(column, []).append((part, True))

    def coded(self, column: str, codes: npt.ArrayLike, names: Obj) -> None:
        """Add rows given as codes into ``names``, the vocabulary of every part of the column."""
        assert self._names.setdefault(column, names) is names
        self._parts.setdefault(column, []).append((np.asarray(codes, dtype=np.int64), True))

    def values(self, column: str, values: npt.NDArray[Any]) -> None:
        """Add rows given as cells: text or counts."""
        self._parts.setdefault(column, []).append((values, False))

    def frame(self, columns: Sequence[str]) -> Frame:
        """Return the columns, every part joined (empty columns where no part was added)."""
        out: Frame = {}
        for column in columns:
            parts = self._parts.get(column, [])
            names = self._names.get(column)
            if names is None and column in self._vocabularies:
                names = np.empty(len(self._vocabularies[column]), dtype=object)
                names[:] = list(self._vocabularies[column])
            if not parts:
                out[column] = (
                    np.zeros(0, np.int64) if column in COUNT_COLUMNS else np.empty(0, _TEXT)
                )
            elif all(coded for _, coded in parts):
                assert names is not None
                out[column] = _Coded(np.concatenate([p for p, _ in parts]), names)
            else:
                cells = [names[p] if coded else p for p, coded in parts]  # type: ignore[index]
                if all(c.dtype == cells[0].dtype for c in cells):
                    out[column] = np.concatenate(cells)
                else:  # text of two kinds: as objects
                    out[column] = np.concatenate([c.astype(object) for c in cells])
        return out


def _distinct_pairs(num: npt.NDArray[Any], den: npt.NDArray[Any]) -> tuple[Obj, Obj, I64]:
    """Return the distinct pairs ``(num, den)`` as Python integers, and each pair's index."""
    with contextlib.suppress(OverflowError):  # int64 where both fit: one sort of the pairs
        num, den = np.asarray(num).astype(np.int64), np.asarray(den).astype(np.int64)
    if num.dtype == np.int64 and den.dtype == np.int64 and len(den) and (den == den[0]).all():
        # one denominator (every service measured over the same time): a sort of the numerators
        distinct, which = np.unique(num, return_inverse=True)
        return _objects(distinct), _objects(np.full(len(distinct), den[0])), which.reshape(-1)
    a, b, which = distinct_pairs(num, den)
    return _objects(a), _objects(b), which


def _distinct_values(values: npt.NDArray[Any]) -> tuple[Obj, I64]:
    """Return the distinct integers of ``values`` as Python integers, and each value's index."""
    distinct, _, which = _distinct_pairs(values, np.ones(values.shape[0], dtype=np.int64))
    return distinct, which


def _count_texts(values: npt.NDArray[Any], scale: int) -> tuple[I64, list[str]]:
    """Return codes into the texts of distinct integer figures (see ``_counts``), and the texts."""
    distinct, which = _distinct_values(np.asarray(values))
    texts: list[str] = _counts(distinct, scale).tolist()
    return which, texts


def _percent_texts(
    num: npt.NDArray[Any], den: npt.NDArray[Any], blank: npt.NDArray[np.bool_]
) -> tuple[I64, list[str]]:
    """Return codes into the percentages of distinct ratios (``""`` where ``blank``), the texts."""
    a, b, which = _distinct_pairs(num, den)
    texts: list[str] = percent_array(_small_ints(a), _small_ints(b)).tolist()
    return np.where(blank, len(texts), which), [*texts, ""]


def _small_ints(values: Obj) -> npt.NDArray[Any]:
    """Return Python integers as ``int64`` where every one fits, else as they are."""
    try:
        return values.astype(np.int64)
    except OverflowError:
        return values


def _texts(values: Iterable[str]) -> Texts:
    """Return texts as a numpy string array."""
    return np.asarray(list(values), dtype=_TEXT)


def _object_codes(values: Obj) -> tuple[I64, list[str]]:
    """Return codes into the distinct objects of ``values`` (by identity), and their texts.

    Columns of a rule's results hold few distinct objects (a band's share), each
    many times: found by identity in one ``unique`` of addresses, written once.
    """
    cells = values.tolist()
    ids = np.fromiter(map(id, cells), dtype=np.uint64, count=len(cells))
    unique, first, codes = np.unique(ids, return_index=True, return_inverse=True)
    del unique
    return codes.reshape(-1).astype(np.int64), [_share_text(cells[i]) for i in first.tolist()]


def _share_text(share: object) -> str:
    return "" if share is None else str(share)


def _codes_of(column: Column) -> tuple[I64, Obj]:
    """Return a text column as codes into its distinct texts (in any order), and those texts."""
    if isinstance(column, _Coded):
        return column.codes, column.names
    names, codes = np.unique(np.asarray(column), return_inverse=True)
    return codes.reshape(-1).astype(np.int64), names.astype(object)


def _lists(table: _Table) -> Columns:
    """Return a table's columns as lists of Python values, its rows in order."""
    out: Columns = {}
    order = table.order
    for name, column in table.columns.items():
        values: npt.NDArray[Any]
        if isinstance(column, _Coded):
            values = column.texts() if order is None else column.take(order).texts()
        elif order is None:
            values = column
        else:  # objects are taken faster than numpy's strings
            values = (column.astype(object) if column.dtype == _TEXT else column)[order]
        out[name] = values.tolist()
    return out


def _sorted(columns: Frame, keys: Sequence[I64]) -> _Table:
    """Return the columns with rows to be sorted by integer ``keys``, first key first (stable).

    The keys are codes into sorted vocabularies, so that rows sort as their names do.
    The rows are taken in order when the table is written out.
    """
    if not len(keys[0]):
        return _Table(dict(columns), None)
    sizes = [int(k.max()) + 1 for k in keys]
    if min(int(k.min()) for k in keys) < 0 or math.prod(sizes) >= 2**62:
        return _Table(dict(columns), np.lexsort(tuple(reversed(keys))).astype(np.int64))
    packed = np.zeros(len(keys[0]), dtype=np.int64)  # the keys as one: one stable sort
    for key, size in zip(keys, sizes, strict=True):
        packed *= size
        packed += key
    return _Table(dict(columns), np.argsort(packed, kind="stable").astype(np.int64))


def write_csv(columns: Mapping[str, Sequence[str]], path: Path) -> None:
    """Write columns of text as a CSV file (UTF-8, one line end per row, a header row)."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(zip(*columns.values(), strict=True))


def _pyarrow() -> Any:
    try:
        pa = importlib.import_module("pyarrow")  # an optional dependency: the arrow extra
    except ImportError as error:
        raise SlakitError(
            "Arrow and Parquet need pyarrow: install the extra slakit[arrow]; from a checkout "
            "of slakit: pip install -e '.[arrow]'"
        ) from error
    return pa


def _pyarrow_parquet() -> Any:
    _pyarrow()
    return importlib.import_module("pyarrow.parquet")
