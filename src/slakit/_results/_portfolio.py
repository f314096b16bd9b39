"""A portfolio's results as columns: objectives, credit lines, and the ledger for billing.

Three tables, each a mapping of column names to equal-length columns:

- ``objectives``: one row per customer, service and objective (and version
  of the plan): the measured value as exact ``good`` and ``total`` integers
  and as a ``percent`` rounded for display, the ``target``, the ``verdict`` and
  the ``margin_points`` (percentage points above the target; below it,
  negative), rounded as ``Report.to_dict()`` rounds them;
- ``credits``: one row per customer and service that is owed a credit: the
  ``rule``, the ``share`` of a credit table's band (empty for other rules), the
  ``base`` (the service's fee per period), ``in_force`` (the share of the period
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

import csv
import functools
import hashlib
import importlib
import math
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._agreement import Agreement
from slakit._money import RoundingMode, minor_unit
from slakit._results._figures import percent_texts
from slakit._results._report import VERDICTS, Report
from slakit.exceptions import SlakitError

__all__ = ["GroupResult", "PortfolioResult", "round_units"]

Obj = npt.NDArray[np.object_]
I64 = npt.NDArray[np.int64]
Columns = dict[str, list[Any]]

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


def _decimal_text(units: Obj | Sequence[int], places: int) -> Obj:
    """Return integers scaled by ``10**-places`` as decimal text (``1250, 2 -> '12.50'``)."""
    cells: Obj = np.empty(len(units), dtype=object)
    cells[:] = list(units) if not isinstance(units, np.ndarray) else units
    try:
        whole = cells.astype(np.int64)
    except OverflowError:  # beyond int64: one number at a time
        out: Obj = np.empty(len(cells), dtype=object)
        out[:] = [_one_decimal(int(u), places) for u in cells.tolist()]
        return out
    if places == 0:
        return whole.astype(str).astype(object)
    step = 10**places
    sign = np.where(whole < 0, "-", "")
    magnitude = np.abs(whole)
    text = np.char.add(
        np.char.add(sign, (magnitude // step).astype(str)),
        np.char.add(".", np.char.zfill((magnitude % step).astype(str), places)),
    )
    return text.astype(object)


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
    ) -> None:
        self.period = period
        self._customers = customers
        self._groups = tuple(groups)
        self._skipped = dict(skipped)
        self._report_of = report_of
        self._statement_digests = statement_digests
        self.unrouted = dict(unrouted)
        #: Rows of services whose every customer is not evaluated in the period (``skipped``).
        self.not_in_force = dict(not_in_force)
        self._reports: dict[str, Any] = {}

    # --- per customer ------------------------------------------------------------------------

    @functools.cached_property
    def _positions(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self._customers.customers)}

    def report(self, customer: str) -> Any:
        """Return ``customer``'s report: its agreement evaluated alone, built on first use.

        A [`Report`][slakit.Report]; a [`VersionedReport`][slakit.VersionedReport]
        for a customer whose plan is amended within the period (one report per version).

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

    def _names(self, group: GroupResult) -> tuple[Obj, Obj]:
        """Return the customer and the service of each of the group's services, as objects."""
        table = self._customers
        customers, services = self._vocabularies
        return customers[table.customer[group.pairs]], services[table.service[group.pairs]]

    def _codes(self, group: GroupResult, rows: I64 | slice = slice(None)) -> list[I64]:
        """Return the customer and service codes of the group's services ``rows``: sort keys.

        The customers table's names are sorted, so their codes sort as the names do.
        """
        table = self._customers
        pairs = group.pairs[rows]
        return [table.customer[pairs].astype(np.int64), table.service[pairs].astype(np.int64)]

    @functools.cached_property
    def objectives(self) -> Columns:
        """One row per customer, service and objective (see the module's description)."""
        keys = ("customer", "service", "plan", "version", "period", "objective", "good", "total")
        parts: dict[str, list[Obj]] = {
            k: [] for k in (*keys, "percent", "target", "verdict", "margin_points")
        }
        verdict_names: Obj = np.empty(len(VERDICTS), dtype=object)
        verdict_names[:] = [v.value for v in VERDICTS]
        order: list[list[I64]] = [[], [], []]  # customer, service, objective: codes
        described: dict[str, int] = {}
        for group in self._groups:
            customer, service = self._names(group)
            report = group.report
            position = {name: i for i, name in enumerate(report.services)}
            for column in report._objective_columns:
                outcome, objective = column.outcome, column.objective
                if outcome.services == report.services:
                    rows = np.arange(len(report.services), dtype=np.int64)
                else:
                    rows = np.asarray([position[s] for s in outcome.services], dtype=np.int64)
                good, total = _exact_columns(outcome.good, outcome.total, objective.target)
                data = total != 0
                safe_total = np.where(data, total, 1)
                target = Fraction(objective.target)
                gap = good * target.denominator - safe_total * target.numerator
                if objective.comparator in ("<=", "<"):
                    gap = -gap
                blank = ~np.asarray(data, dtype=bool)
                value = _objects(percent_texts(good, safe_total))
                margin = _objects(percent_texts(gap, safe_total * target.denominator))
                value[blank] = ""
                margin[blank] = ""
                n = len(rows)
                text = objective.describe()
                for slot, codes in zip(order, self._codes(group, rows), strict=False):
                    slot.append(codes)
                order[2].append(np.full(n, described.setdefault(text, len(described))))
                parts["customer"].append(customer[rows])
                parts["service"].append(service[rows])
                parts["plan"].append(_repeat(group.key.plan, n))
                parts["version"].append(_repeat(group.version, n))
                parts["period"].append(_repeat(report.period.label, n))
                parts["objective"].append(_repeat(text, n))
                parts["good"].append(_counts(outcome.good, outcome.scale))
                parts["total"].append(_counts(outcome.total, outcome.scale))
                parts["percent"].append(value)
                parts["target"].append(_repeat(str(objective.target), n))
                parts["verdict"].append(verdict_names[column.verdict])
                parts["margin_points"].append(margin)
        rank = np.argsort(np.argsort(np.asarray(list(described), dtype=str), kind="stable"))
        by = [np.concatenate(k) if k else np.zeros(0, np.int64) for k in order]
        by[2] = rank[by[2]] if described else by[2]
        return _sorted(_joined(parts), by)

    @functools.cached_property
    def credits(self) -> Columns:
        """One row per customer and service owed a credit (see the module's description)."""
        keys = ("customer", "service", "plan", "version", "period", "rule", "share", "base")
        more = ("in_force", "amount", "exact", "currency")
        out: Columns = {k: [] for k in (*keys, *more)}
        order: list[list[I64]] = [[], []]  # customer, service: codes
        table = self._customers
        for group in self._groups:
            customer, service = self._names(group)
            report = group.report
            in_force = str(report.partial)  # the share of the period the fee is pro-rated to
            currency = group.agreement.tier.fee.currency
            places = minor_unit(currency)
            # each service's fee (its base) as text, once per distinct fee; -1: the plan's
            fee_codes = table.fee[group.pairs]
            used, which = np.unique(fee_codes, return_inverse=True)
            fee_text = _objects(
                [
                    _money_text(
                        group.agreement.tier.fee.amount if code < 0 else table.fees[code], places
                    )
                    for code in used.tolist()
                ]
            )[which.reshape(-1)]
            for column in report.credit_columns:
                amount = column.amount
                rows = np.flatnonzero(amount.nonzero()).astype(np.int64)
                if not rows.size:
                    continue
                num, den = amount.num[rows], amount.den[rows]
                shown = _decimal_text(round_units(num * 10**places, den, "half_even"), places)
                share = column.columns.get("credit.share")
                picked = rows.tolist()
                n = len(picked)
                for slot, codes in zip(order, self._codes(group, rows), strict=True):
                    slot.append(codes)
                out["customer"] += customer[rows].tolist()
                out["service"] += service[rows].tolist()
                out["plan"] += [group.key.plan] * n
                out["version"] += [group.version] * n
                out["period"] += [report.period.label] * n
                out["rule"] += [repr(column.rule)] * n
                out["share"] += (
                    ["" if share[i] is None else str(share[i]) for i in picked]
                    if share is not None
                    else [""] * n
                )
                out["base"] += fee_text[rows].tolist()
                out["in_force"] += [in_force] * n
                out["amount"] += shown.tolist()
                out["exact"] += _fraction_text(num, den)
                out["currency"] += [currency] * n
        return _sorted(out, [np.concatenate(k) if k else np.zeros(0, np.int64) for k in order])

    @functools.cached_property
    def ledger(self) -> Columns:
        """One row per customer evaluated: the credit total, rounded once, and its statement id.

        Columns: ``customer``, ``plan``, ``period``, ``currency``, ``credit`` (rounded
        once, as the agreement's rounding says), ``exact`` (the exact total),
        ``services``, ``breaches``, ``claim`` (the claim state where the tier has a
        claim clause: ``"claimed"``, ``"pending"``, ``"late"``, ``"not claimed"``,
        ``"partly claimed"``, ``"mixed"`` or ``"nothing owed"``; ``"n/a"`` without
        one) and ``statement`` (a hash of the agreement as evaluated,
        the period and the input rows of its services that overlap the period).
        """
        keys = ("customer", "plan", "period", "currency", "credit", "exact", "services")
        out: Columns = {k: [] for k in (*keys, "breaches", "claim", "statement", "_group")}
        table = self._customers
        order: list[I64] = []
        for group in self._groups:
            report = group.report
            agreement = group.agreement
            currency = agreement.tier.fee.currency
            owners = table.customer[group.pairs]
            starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
            counts = np.diff(np.r_[starts, len(owners)])
            nums, common = _common(report)
            sums = np.add.reduceat(nums, starts) if len(nums) else nums
            rounding = agreement.rounding
            if rounding.to in ("minor unit", "unit"):
                places = minor_unit(currency) if rounding.to == "minor unit" else 0
                units = round_units(
                    sums * 10**places, _objects([common] * len(sums)), rounding.mode
                )
                credit = _decimal_text(units, places).tolist()
            else:  # a rounding step of its own: rounded one customer at a time
                credit = [
                    str(rounding.apply(Fraction(int(s), common), currency).amount) for s in sums
                ]
            breached = _breaches(report, starts, len(owners))
            digests = self._statement_digests(group)
            order.append(owners[starts].astype(np.int64))
            names = [table.customers[c] for c in owners[starts].tolist()]
            n = len(names)
            out["customer"] += names
            out["plan"] += [group.key.plan] * n
            out["period"] += [report.period.label] * n
            out["currency"] += [currency] * n
            out["credit"] += credit
            out["exact"] += _fraction_text(sums, _objects([common] * len(sums)))
            out["services"] += counts.tolist()
            out["breaches"] += breached
            out["claim"] += _claims(report, starts, len(owners))
            out["statement"] += digests
            out["_group"] += [group] * n
        ledger = _sorted(out, [np.concatenate(order) if order else np.zeros(0, np.int64)])
        return _merged_versions(ledger, ledger.pop("_group"))

    # --- exports -----------------------------------------------------------------------------

    def tables(self) -> dict[str, Columns]:
        """Return the three tables by name: ``ledger``, ``objectives``, ``credits``."""
        return {"ledger": self.ledger, "objectives": self.objectives, "credits": self.credits}

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
        columns = self._table(table)
        return pa.table(
            {
                k: pa.array(v, type=pa.int64() if k in COUNT_COLUMNS else pa.string())
                for k, v in columns.items()
            }
        )

    def write(self, directory: str | Path, *, formats: Sequence[str] = ("csv",)) -> list[Path]:
        """Write every table (``ledger``, ``objectives``, ``credits``) in each of ``formats``.

        ``formats``: ``"csv"`` and/or ``"parquet"`` (which needs the ``arrow`` extra).
        Returns the paths written.
        """
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name in self.tables():
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

        ``rows`` counts, per measure, the input rows each agreement read, by how they
        reconciled: a row of a service two customers share, or of a period an amendment
        splits into versions, is read (and counted) once by each.
        """
        ledger = self.ledger
        by: dict[tuple[str, str], Decimal] = {}
        rows_of = zip(ledger["plan"], ledger["currency"], ledger["credit"], strict=True)
        for plan, currency, credit in rows_of:  # the sum of what the ledger bills
            by[(plan, currency)] = by.get((plan, currency), Decimal(0)) + Decimal(credit)
        credited = sum(1 for c in ledger["exact"] if c != "0")
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
            "customers": len(ledger["customer"]),
            "customers_credited": credited,
            "customers_not_evaluated": self.skipped,
            "services": sum(int(s) for s in ledger["services"]),
            "credits": [
                {"plan": plan, "currency": currency, "total": str(total)}
                for (plan, currency), total in sorted(by.items())
            ],
            "rows": rows,
            "rows_not_counted": uncounted,
            "rows_for_no_customer": self.unrouted,
            "rows_for_customers_not_evaluated": self.not_in_force,
        }

    def _table(self, name: str) -> Columns:
        tables = self.tables()
        if name not in tables:
            raise KeyError(f"{name!r} is not a table: {', '.join(tables)}")
        return tables[name]

    def __repr__(self) -> str:
        return (
            f"<PortfolioResult {self.period}: {len(self.ledger['customer']):,} customers, "
            f"{len(self.credits['customer']):,} credit lines>"
        )


def _fraction_text(num: Obj, den: Obj) -> list[str]:
    """Return exact fractions as ``Fraction`` writes them (``"1300/9"``, ``"20"``), in bulk."""
    if not len(num):
        return []
    g = np.gcd(num, den)
    g[g == 0] = 1
    top, bottom = num // g, den // g
    text = top.astype(str).astype(object)
    whole = np.asarray(bottom == 1, dtype=bool)
    text[~whole] = text[~whole] + "/" + bottom[~whole].astype(str).astype(object)
    out: list[str] = text.tolist()
    return out


def _money_text(amount: Decimal, places: int) -> str:
    """Return an amount with at least the currency's decimal places (``2400`` -> ``2400.00``)."""
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent < places:
        return str(amount.quantize(Decimal(1).scaleb(-places)))
    return str(amount)


def _repeat(text: str, n: int) -> Obj:
    out: Obj = np.empty(n, dtype=object)
    out[:] = text
    return out


def _counts(values: npt.NDArray[np.int64], scale: int) -> Obj:
    """Return integer figures as text, ``good/scale`` where a measure counts in fractions."""
    text = values.astype(str).astype(object)
    if scale != 1:
        text = text + f"/{scale}"
    out: Obj = text
    return out


def _joined(parts: Mapping[str, list[Obj]]) -> dict[str, Obj]:
    return {
        name: np.concatenate(arrays) if arrays else np.empty(0, dtype=object)
        for name, arrays in parts.items()
    }


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


def _merged_versions(ledger: Columns, groups: list[GroupResult]) -> Columns:
    """Return the ledger with the rows of one customer's versions merged into one row.

    A customer whose plan is amended within the period has a row per version
    (``groups`` gives each row's group, rows of one customer in version order):
    they become one, with the credits added exactly and rounded once with the
    latest version's rounding (as [`VersionedReport.total`][slakit.VersionedReport.total]),
    breaches added, claim states merged and the parts' statement ids hashed into one.
    """
    names = ledger["customer"]
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
            rounding = groups[j - 1].agreement.rounding
            exact = sum((Fraction(ledger["exact"][k]) for k in range(i, j)), Fraction(0))
            currency = ledger["currency"][i]
            amount = rounding.apply(exact, currency).amount
            if rounding.to in ("minor unit", "unit"):  # as many places as the rows of others
                places = minor_unit(currency) if rounding.to == "minor unit" else 0
                amount = amount.quantize(Decimal(1).scaleb(-places))
            ledger["credit"][i] = str(amount)
            ledger["exact"][i] = str(exact)
            ledger["breaches"][i] = sum(ledger["breaches"][i:j])
            states = {c for c in ledger["claim"][i:j] if c != "nothing owed"}
            ledger["claim"][i] = (
                "nothing owed" if not states else states.pop() if len(states) == 1 else "mixed"
            )
            joined = "|".join(ledger["statement"][i:j]).encode()
            ledger["statement"][i] = hashlib.blake2b(joined, digest_size=16).hexdigest()
            keep[i + 1 : j] = [False] * (j - i - 1)
        i = j
    return {
        name: [v for v, k in zip(values, keep, strict=True) if k] for name, values in ledger.items()
    }


def _claims(report: Report, starts: npt.NDArray[np.intp], n: int) -> list[str]:
    """Return each customer's claim state (services in customer order).

    ``"n/a"`` where the tier has no claim clause; ``"nothing owed"`` where no
    service is owed a credit; the one state of every service owed one
    (``"claimed"``, ``"pending"``, ``"late"``, ``"not claimed"``, ``"partly
    claimed"``), or ``"mixed"``.
    """
    states = next(
        (c.columns["claim.state"] for c in report.credit_columns if "claim.state" in c.columns),
        None,
    )
    if states is None:
        return ["n/a"] * len(starts)
    out = []
    for lo, hi in zip(starts.tolist(), [*starts[1:].tolist(), n], strict=True):
        seen = {state for state in states[lo:hi].tolist() if state}
        out.append("nothing owed" if not seen else seen.pop() if len(seen) == 1 else "mixed")
    return out


def _breaches(report: Report, starts: npt.NDArray[np.intp], n: int) -> list[int]:
    """Return each customer's count of breached objectives (services are in customer order)."""
    breached = np.zeros(n, dtype=np.int64)
    code = VERDICTS.index(next(v for v in VERDICTS if v.value == "breached"))
    position = {name: i for i, name in enumerate(report.services)}
    for column in report._objective_columns:
        rows = np.asarray([position[s] for s in column.outcome.services], dtype=np.int64)
        np.add.at(breached, rows, (column.verdict == code).astype(np.int64))
    return np.add.reduceat(breached, starts).tolist() if n else []


def _sorted(columns: Mapping[str, Sequence[Any] | Obj], keys: Sequence[I64]) -> Columns:
    """Return the columns with rows sorted by integer ``keys``, first key first (stable).

    The keys are codes into sorted vocabularies, so that rows sort as their names do.
    """
    out: Columns = {}
    if not len(keys[0]):
        return {name: list(values) for name, values in columns.items()}
    order = np.lexsort(tuple(reversed(keys)))
    for name, values in columns.items():
        if isinstance(values, np.ndarray):
            out[name] = values[order].tolist()
        else:
            out[name] = [values[i] for i in order.tolist()]
    return out


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
