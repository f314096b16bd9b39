"""The customers of a portfolio: who is on which plan, for which services, at what fee.

One row per customer and service, as a billing system exports it: ``customer``,
``plan`` and ``service``, and optionally ``fee`` (the service's fee per period;
the plan's fee where missing), ``currency`` (the fee's; the plan's where
missing), ``zone`` (the customer's IANA zone: its billing periods and the
plan's service hours are drawn in it; the plan's zone where missing), and
``start`` and ``end`` (when the customer's agreement takes effect and ends).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from slakit._events._columns import (
    NO_TIME,
    Column,
    Problems,
    WhereOf,
    check_where,
    echo,
    instants,
    names,
    read_columns,
    restore_slots,
    row_names,
    strictly_ascending,
)
from slakit._money import Money
from slakit._ratio import parse_number
from slakit._time._instant import zone
from slakit._time._kernels import stable_order
from slakit.exceptions import DefinitionError, Problem, SlakitError

__all__ = ["CUSTOMER_COLUMNS", "CustomerTable"]

_REQUIRED = ("customer", "plan", "service")
_OPTIONAL = ("fee", "currency", "zone", "start", "end")
#: The columns a customers table reads: required, then optional.
CUSTOMER_COLUMNS: tuple[str, ...] = (*_REQUIRED, *_OPTIONAL)

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]


def _coded(text: npt.NDArray[np.str_]) -> tuple[tuple[str, ...], I32, npt.NDArray[np.bool_]]:
    """Return a string column's sorted distinct names, each row's code, the padded names.

    The last marks the names with spaces around them.
    """
    unique, codes = np.unique(text, return_inverse=True)
    padded = np.strings.strip(unique) != unique
    return tuple(unique.tolist()), codes.reshape(-1).astype(np.int32), padded


#: The columns of names; a categorical one (pandas, polars, an Arrow dictionary) is read by
#: its codes, each distinct name looked at once.
_NAMES = ("customer", "plan", "service", "currency", "zone")


def _coded_categories(
    column: Column, *, optional: bool
) -> tuple[tuple[str, ...], I32, npt.NDArray[np.bool_]] | None:
    """Return what ``_coded()`` returns, from a categorical column's codes and names.

    ``None`` where the rows need looking at one by one (a missing name in a
    required column, a category that is no string or blank, a name given two
    codes): the caller then reads the names as text, which reports each row.
    """
    assert column.categories is not None
    codes, missing, categories = column.categories
    has_missing = bool(missing.any())
    if (has_missing and not optional) or not set(map(type, categories)) <= {str}:
        return None
    used = np.zeros(len(categories), dtype=bool)
    used[codes[~missing] if has_missing else codes] = True
    picked = np.flatnonzero(used)
    if strictly_ascending(categories):  # an Arrow dictionary slakit sorted: no sort again
        kept = cast(
            "list[str]",
            categories
            if len(picked) == len(categories)
            else [categories[k] for k in picked.tolist()],
        )
        stripped = list(map(str.strip, kept))
        if not optional and "" in stripped:
            return None
        blank_first = has_missing and (not kept or kept[0] != "")
        vocabulary = ([""] if blank_first else []) + kept
        padded = np.fromiter(map(operator.ne, kept, stripped), dtype=bool, count=len(kept))
        position = np.zeros(max(len(categories), 1), dtype=np.int64)
        position[picked] = np.arange(len(kept), dtype=np.int64) + blank_first
        rows = position[np.where(missing, 0, codes) if has_missing else codes]
        if has_missing:
            rows[missing] = 0  # "" sorts first
        if blank_first:
            padded = np.r_[False, padded]
        return tuple(vocabulary), rows.astype(np.int32), padded
    if any("\x00" in cast("str", name) for name in categories):
        return None  # numpy's strings drop a trailing NUL: the rows are read as text
    text = np.asarray([categories[k] for k in picked.tolist()] + [""] * has_missing, dtype=str)
    if not optional and bool((np.strings.strip(text) == "").any()):
        return None
    unique, inverse = np.unique(text, return_inverse=True)  # the distinct names only
    position = np.zeros(max(len(categories), 1), dtype=np.int64)
    position[picked] = inverse[: len(picked)]
    rows = position[np.where(missing, 0, codes) if has_missing else codes]
    if has_missing:
        rows[missing] = inverse[-1]
    padded = np.strings.strip(unique) != unique
    return tuple(unique.tolist()), rows.astype(np.int32), padded


def _as_text(column: Column) -> Column:
    """Return a categorical column as a column of its names (``None`` where missing)."""
    assert column.categories is not None
    codes, missing, categories = column.categories
    values = np.empty(max(len(categories), 1), dtype=object)
    values[: len(categories)] = categories
    cells = values[np.where(missing, 0, codes)] if len(categories) else values[:0].repeat(0)
    if missing.any():
        cells[missing] = None
    return Column(column.name, cells, missing if missing.any() else None, borrowed=False)


class CustomerTable:
    """A portfolio's customers as columns: one row per customer and service.

    Names are codes into sorted vocabularies (``customer`` into ``customers``,
    ``plan`` into ``plans``, ``service`` into ``services``, ``currency`` and
    ``zone`` into ``currencies`` and ``zones``, where ``""`` means "the plan's");
    ``fee`` is each row's code into ``fees``, the distinct exact ``Decimal``
    amounts (``-1`` where the plan's fee applies; see [`fee_of()`][slakit.CustomerTable.fee_of]);
    ``start`` and ``end`` are microseconds, ``NO_TIME`` where not given. Build it
    with [`from_columns()`][slakit.CustomerTable.from_columns]; the table is immutable.
    """

    __slots__ = (
        "_by_customer",
        "_where",
        "currencies",
        "currency",
        "customer",
        "customers",
        "end",
        "fee",
        "fees",
        "plan",
        "plans",
        "service",
        "services",
        "start",
        "zone",
        "zones",
    )

    customer: I32
    customers: tuple[str, ...]
    plan: I32
    plans: tuple[str, ...]
    service: I32
    services: tuple[str, ...]
    fee: I32
    fees: tuple[Decimal, ...]
    currency: I32
    currencies: tuple[str, ...]
    zone: I32
    zones: tuple[str, ...]
    start: I64
    end: I64
    _where: Sequence[str] | None
    _by_customer: tuple[I64, I64] | None

    def __init__(self, **columns: Any) -> None:
        for name in self.__slots__:
            if name != "_by_customer":
                object.__setattr__(self, name, columns[name.lstrip("_")])
        object.__setattr__(self, "_by_customer", None)

    __setstate__ = restore_slots  # pickled (to a Dask worker and back) despite __setattr__

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"CustomerTable is immutable; cannot set {name!r}")

    @classmethod
    def from_columns(
        cls, columns: Mapping[str, Any], *, where: Sequence[str] | None = None
    ) -> CustomerTable:
        """Build the table from columns, validating every row at once.

        ``columns`` maps ``customer``, ``plan`` and ``service`` (names), and
        optionally ``fee`` (decimal strings such as ``"12.50"``, ``Decimal`` or
        integers; never floats, which cannot hold cents exactly), ``currency``
        (ISO 4217 codes such as ``"EUR"``), ``zone`` (IANA zones such as
        ``"Europe/Berlin"``), ``start`` and ``end`` (instants, read as
        [`EventTable.from_columns()`][slakit.EventTable.from_columns] reads
        them) to equal-length columns; a pandas or polars data frame works as it
        is. A missing optional cell means "the plan's" (fee, currency, zone) or
        "not given" (start, end). A customer lists each service once; a service
        may belong to several customers (a shared region, say), whose
        agreements then all read its rows.

        Raises:
            EventDataError: listing every invalid row as ``where: field: problem``
                (the first 1,000 problems; ``omitted`` counts the rest).
        """
        got = read_columns(
            columns,
            required=_REQUIRED,
            optional=_OPTIONAL,
            what="customers",
            coded=(*_NAMES, "fee"),
        )
        n = len(got["customer"])
        check_where(where, n)
        where_of = row_names(where)
        problems = Problems()
        text = {}
        categorical = {}
        for name in _NAMES:
            column = got.get(name)
            if column is not None and column.categories is not None:
                fast = _coded_categories(column, optional=name in _OPTIONAL)
                if fast is not None:
                    categorical[name] = fast
                    continue
                column = _as_text(column)
            text[name] = names(
                column,
                n,
                where_of=where_of,
                problems=problems,
                default="" if name in _OPTIONAL else None,
                integers=name in ("customer", "service"),
                what=name,
                blank=None if name in _OPTIONAL else f"must be a non-empty {name} name",
            )
        times = {
            name: instants(got.get(name), n, where_of=where_of, problems=problems, required=False)
            for name in ("start", "end")
        }
        fees = _fees(got.get("fee"), n, where_of, problems)
        if any(v is None for v in (*text.values(), *times.values(), fees)):
            raise problems.error()
        coded = {name: _coded(values) for name, values in text.items() if values is not None}
        coded.update(categorical)
        coded = {name: coded[name] for name in _NAMES}  # in column order, for the problems
        for field, (vocabulary, codes, padded) in coded.items():  # each name checked once
            problems.extend(
                Problem(
                    where_of(i),
                    field,
                    f"{echo(vocabulary[codes[i]])} has spaces around it; write "
                    f"{echo(vocabulary[codes[i]].strip())}",
                )
                for i in problems.rows(padded[codes])
            )
        currencies, currency, _ = coded["currency"]
        zones, zone_code, _ = coded["zone"]
        checks = (("currency", _currency_problem), ("zone", _zone_problem))
        for field, problem_of in checks:
            _check_vocabulary(
                coded[field][:2], field, problem_of, where_of=where_of, problems=problems
            )
        start, end = times["start"], times["end"]
        assert start is not None
        assert end is not None
        assert fees is not None
        backwards = (start != NO_TIME) & (end != NO_TIME) & (end <= start)
        problems.extend(
            Problem(where_of(i), "end", "must come after start") for i in problems.rows(backwards)
        )
        customers, customer, _ = coded["customer"]
        services, service, _ = coded["service"]
        pair = customer.astype(np.int64) * max(len(services), 1) + service
        order = stable_order(pair)
        twice = order[1:][pair[order][1:] == pair[order][:-1]]
        problems.extend(
            Problem(
                where_of(i),
                "service",
                f"customer {echo(customers[customer[i]])} lists service "
                f"{echo(services[service[i]])} twice; give each service of a customer one row",
            )
            for i in problems.rows(np.sort(twice))
        )
        if problems or problems.omitted:
            raise problems.error()
        plans, plan, _ = coded["plan"]
        return cls(
            customer=customer,
            customers=customers,
            plan=plan,
            plans=plans,
            service=service,
            services=services,
            fee=fees[0],
            fees=fees[1],
            currency=currency,
            currencies=currencies,
            zone=zone_code,
            zones=zones,
            start=start,
            end=end,
            where=where,
        )

    def __len__(self) -> int:
        return int(self.customer.shape[0])

    def by_customer(self) -> tuple[I64, I64]:
        """Return the rows sorted by customer, and where each customer's rows begin (cached).

        Customer ``c``'s rows are ``order[first[c]:first[c + 1]]``, in table order.
        """
        found = self._by_customer
        if found is None:
            order = stable_order(self.customer)
            codes = self.customer[order]
            first = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]).astype(np.int64)
            found = (order, first if len(order) else np.zeros(0, np.int64))
            object.__setattr__(self, "_by_customer", found)
        return found

    def fee_of(self, row: int) -> Decimal | None:
        """Return row ``row``'s fee, or ``None`` where the plan's fee applies."""
        code = int(self.fee[row])
        return None if code < 0 else self.fees[code]

    def where(self, row: int) -> str:
        """Return where row ``row`` came from (``customers.csv:12`` or ``row 12``)."""
        return self._where[row] if self._where is not None else f"row {row}"

    def __repr__(self) -> str:
        return (
            f"<CustomerTable: {len(self.customers):,} customers, {len(self):,} rows, "
            f"plans {', '.join(self.plans)}>"
        )


def _fees(
    column: Column | None, n: int, where_of: WhereOf, problems: Problems
) -> tuple[I32, tuple[Decimal, ...]] | None:
    """Return each row's code into the distinct fees, and those fees as exact ``Decimal`` values.

    A missing fee has code ``-1``. Each distinct cell is parsed once: cells of
    one type (strings, or ``Decimal`` values as Parquet gives them) are told
    apart by their text in one sort; cells of mixed types by type and value.
    """
    if column is None:
        return np.full(n, -1, dtype=np.int32), ()
    if column.categories is not None:
        return _categorical_fees(column, n, where_of, problems)
    values = column.values
    if values.dtype.kind == "f":
        problems.append(
            Problem(
                "columns",
                "fee",
                "holds floats, which cannot hold cents exactly; give decimal strings such as "
                "'12.50' (for pandas: read the column with dtype=str)",
            )
        )
        return None
    missing = column.missing_mask()
    if values.dtype.kind == "U":
        text = values
    elif values.dtype.kind == "O" and set(map(type, values.tolist())) <= {Decimal, str, type(None)}:
        missing |= values == None  # noqa: E711 - elementwise
        text = values.astype(str)  # one text per cell, in C; a Decimal's keeps its exponent
    else:
        text = None
    if text is not None:
        text = np.where(missing, "", text) if missing.any() else text
        _, firsts, inverse = np.unique(text, return_index=True, return_inverse=True)
        cells: list[object] = values[firsts].tolist()  # Python strs and Decimals
        code = inverse.reshape(-1).astype(np.int64)
    else:
        keys: dict[tuple[type, object], int] = {}
        cells = []
        code = np.empty(n, dtype=np.int64)
        for i, cell in enumerate(values.tolist()):
            key = (type(cell), cell)
            found = keys.get(key)
            if found is None:
                found = keys[key] = len(cells)
                cells.append(cell)
            code[i] = found
    out: list[Decimal] = []
    renumber = np.full(len(cells) + 1, -1, dtype=np.int64)  # the last slot: missing
    bad: dict[int, str] = {}
    for k, cell in enumerate(cells):
        if cell is None or (isinstance(cell, str) and not cell):
            continue
        parsed = _fee(cell)
        if isinstance(parsed, str):
            bad[k] = parsed
        else:
            renumber[k] = len(out)
            out.append(parsed)
    code[missing] = len(cells)
    if bad:
        wrong = np.isin(code, np.fromiter(bad, dtype=np.int64, count=len(bad)))
        problems.extend(
            Problem(where_of(i), "fee", bad[int(code[i])]) for i in problems.rows(wrong)
        )
    return renumber[code].astype(np.int32), tuple(out)


def _categorical_fees(
    column: Column, n: int, where_of: WhereOf, problems: Problems
) -> tuple[I32, tuple[Decimal, ...]] | None:
    """Return what ``_fees()`` returns for a categorical column: each distinct fee parsed once.

    A category that is no fee sends the column the long way, so that each row
    holding it is named.
    """
    assert column.categories is not None
    codes, missing, categories = column.categories
    values = np.empty(len(categories), dtype=object)
    values[:] = categories
    told = Problems()
    read = _fees(Column("fee", values), len(categories), row_names(None), told)
    if read is None or told:
        return _fees(_as_text(column), n, where_of, problems)
    renumber, amounts = read
    picked = renumber[np.where(missing, 0, codes)] if len(categories) else codes
    return np.where(missing, -1, picked).astype(np.int32), amounts


def _fee(cell: object) -> Decimal | str:
    """Return a fee cell as a ``Decimal``, or what is wrong with it."""
    if isinstance(cell, bool | np.bool_ | float | np.floating):
        return f"{echo(cell)} is not an amount; give a decimal string such as '12.50'"
    try:
        if isinstance(cell, int | np.integer):
            value = Decimal(int(cell))
        elif isinstance(cell, Decimal):
            value = cell
        elif isinstance(cell, str):
            if "e" in cell.lower():
                return f"{echo(cell)} has an exponent; write the amount out, such as '100.00'"
            value = parse_number(cell.strip(), name="fee")
        else:
            return f"{echo(cell)} is not an amount; give a decimal string such as '12.50'"
        if value < 0:
            return f"{echo(cell)} is negative; a fee is zero or more"
        return value
    except (DefinitionError, ArithmeticError) as error:
        return str(error)


def _currency_problem(code: str) -> str | None:
    try:
        Money(Decimal(0), code)
    except SlakitError as error:
        return str(error)
    return None


def _zone_problem(name: str) -> str | None:
    try:
        zone(name, argument="zone")
    except SlakitError as error:
        return str(error)
    return None


def _check_vocabulary(
    coded: tuple[tuple[str, ...], I32],
    field: str,
    problem_of: Callable[[str], str | None],
    *,
    where_of: WhereOf,
    problems: Problems,
) -> None:
    """Check each distinct name once, and report it on every row that gives it."""
    vocabulary, codes = coded
    for code, name in enumerate(vocabulary):
        problem = problem_of(name) if name else None
        if problem is not None:
            rows = problems.rows(codes == code)
            problems.extend(Problem(where_of(i), field, problem) for i in rows)
