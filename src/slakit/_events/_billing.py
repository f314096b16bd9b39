"""Billing data: what was charged per service, period and kind, and unit prices, as columns.

Usage-based bills do not charge a fixed fee: a credit that is a share of
"what you paid" needs the bill. Give it beside the events as [`Charge`][slakit.Charge]
and [`UnitPrice`][slakit.UnitPrice] records, or as a [`ChargeTable`][slakit.ChargeTable].
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from slakit._events._columns import (
    MAX_PROBLEMS,
    Problems,
    check_where,
    echo,
    names,
    read_columns,
    row_names,
)
from slakit._events._records import records_of
from slakit._money import Money
from slakit._node import DSLRepr, node, shown
from slakit.exceptions import CurrencyMismatchError, DefinitionError, Problem

__all__ = ["Charge", "ChargeTable", "UnitPrice"]


def _text(name: str) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if not isinstance(value, str) or not value.strip():
            raise DefinitionError(f"{name}={value!r} must be a non-empty string")

    return check


def _money(_instance: object, attribute: attrs.Attribute[Money], value: object) -> None:
    if not isinstance(value, Money):
        raise DefinitionError(f"{attribute.name}={value!r} must be money, such as usd('120.00')")


@node("charge", call="Charge")
@attrs.frozen
class Charge(DSLRepr):
    """An amount charged for a service in a billing period, of a kind.

    ``kind`` is a name such as ``"usage"``, ``"upfront"`` or ``"support"``;
    ``period`` is the period's label in the agreement's periods (``"2026-10"``).

    >>> Charge("db", "2026-10", "usage", Money("1250.40", "USD"))
    Charge('db', '2026-10', 'usage', Money('1250.40', 'USD'))
    """

    service: str = attrs.field(validator=_text("service"), metadata=shown(positional=True))
    period: str = attrs.field(validator=_text("period"), metadata=shown(positional=True))
    kind: str = attrs.field(validator=_text("kind"), metadata=shown(positional=True))
    amount: Money = attrs.field(validator=_money, metadata=shown(positional=True))


@node("unit_price", call="UnitPrice")
@attrs.frozen
class UnitPrice(DSLRepr):
    """The price of one ``unit`` (such as ``"hour"``) of a service, in one period or in all.

    >>> UnitPrice("vm-1", "hour", Money("0.096", "USD"))
    UnitPrice('vm-1', 'hour', Money('0.096', 'USD'))
    """

    service: str = attrs.field(validator=_text("service"), metadata=shown(positional=True))
    unit: str = attrs.field(validator=_text("unit"), metadata=shown(positional=True))
    price: Money = attrs.field(validator=_money, metadata=shown(positional=True))
    period: str | None = None


def _scaled(amounts: Sequence[Decimal]) -> tuple[npt.NDArray[np.object_], int]:
    """Return amounts as integers over one power of ten, exactly."""
    places = max((max(0, -int(a.as_tuple().exponent)) for a in amounts), default=0)
    out: npt.NDArray[np.object_] = np.empty(len(amounts), dtype=object)
    for i, amount in enumerate(amounts):
        value = Fraction(amount) * 10**places
        assert value.denominator == 1
        out[i] = value.numerator
    return out, 10**places


class ChargeTable:
    """Charges and unit prices as columns, one currency; built once and immutable.

    Build it with ``from_records()``. An evaluation reads the charges of its
    period for the services it credits; a credited service without a charge is
    an error, never a zero. ``service`` holds every record's service, in the
    order of ``records``.
    """

    __slots__ = (
        "_charge_den",
        "_charge_num",
        "_price_den",
        "_price_num",
        "charge_kind",
        "charge_period",
        "charge_service",
        "currency",
        "price_period",
        "price_service",
        "price_unit",
        "records",
        "service",
    )

    def __init__(self, records: Sequence[Charge | UnitPrice]) -> None:
        records_of(records, (Charge, UnitPrice), "Charge or UnitPrice")
        currencies = {(r.amount if isinstance(r, Charge) else r.price).currency for r in records}
        if len(currencies) > 1:
            raise CurrencyMismatchError(
                f"billing data mixes currencies {', '.join(sorted(currencies))}; give one "
                "table per currency"
            )
        charges = [r for r in records if isinstance(r, Charge)]
        prices = [r for r in records if isinstance(r, UnitPrice)]
        self.records = tuple(records)
        self.service = np.asarray([r.service for r in records], dtype=object)
        self.currency = currencies.pop() if currencies else None
        self.charge_service = np.asarray([c.service for c in charges], dtype=object)
        self.charge_period = np.asarray([c.period for c in charges], dtype=object)
        self.charge_kind = np.asarray([c.kind for c in charges], dtype=object)
        self._charge_num, self._charge_den = _scaled([c.amount.amount for c in charges])
        self.price_service = np.asarray([p.service for p in prices], dtype=object)
        self.price_unit = np.asarray([p.unit for p in prices], dtype=object)
        self.price_period = np.asarray([p.period for p in prices], dtype=object)
        self._price_num, self._price_den = _scaled([p.price.amount for p in prices])

    @classmethod
    def from_records(cls, records: Iterable[Charge | UnitPrice]) -> ChargeTable:
        """Build a table from ``Charge`` and ``UnitPrice`` records."""
        return cls(list(records))

    @classmethod
    def from_columns(
        cls, columns: Mapping[str, Any], *, where: Sequence[str] | None = None
    ) -> ChargeTable:
        """Build a table of charges and unit prices from columns, every row checked at once.

        ``columns`` maps ``service``, ``amount`` (exact: decimal text such as
        ``"1250.40"``, ``Decimal`` values or integers; floats are refused, they
        cannot hold cents exactly), ``currency`` (an ISO code) and optionally
        ``period``, ``kind`` and ``unit`` to equal-length columns. A row with a
        ``unit`` is a [`UnitPrice`][slakit.UnitPrice] of that unit (its ``period`` optional,
        no ``kind``); any other row is a [`Charge`][slakit.Charge], which needs a
        ``period`` and a ``kind``. A pandas or polars data frame works as it is;
        ``where`` names each row in errors (``charges.csv:3``).

        Raises:
            EventDataError: listing every invalid row by row and field.
            CurrencyMismatchError: the rows are in more than one currency.
        """
        got = read_columns(
            columns,
            required=("service", "amount", "currency"),
            optional=("period", "kind", "unit"),
            what="charge",
        )
        n = len(got["service"])
        check_where(where, n)
        where_of = row_names(where)
        problems = Problems()
        text: dict[str, Any] = {
            name: names(
                got.get(name),
                n,
                where_of=where_of,
                problems=problems,
                what=name,
                default=None if name in ("service", "currency") else "",
                blank=f"must be a non-empty {name}" if name == "service" else None,
            )
            for name in ("service", "currency", "period", "kind", "unit")
        }
        if problems or any(v is None for v in text.values()):
            raise problems.error()
        unit = np.strings.strip(text["unit"])
        priced = unit != ""
        for name in ("period", "kind"):
            blank = np.strings.strip(text[name]) == ""
            problems.extend(
                Problem(
                    where_of(i), name, f"missing; a charge (a row without a unit) needs a {name}"
                )
                for i in problems.rows(blank & ~priced)
            )
        problems.extend(
            Problem(
                where_of(i), "kind", "a unit price (a row with a unit) has no kind; leave it out"
            )
            for i in problems.rows(priced & (np.strings.strip(text["kind"]) != ""))
        )
        currencies, currency_of = np.unique(text["currency"], return_inverse=True)
        unknown = np.zeros(len(currencies), dtype=bool)
        for k, code in enumerate(currencies.tolist()):
            try:
                Money(0, code)  # each currency checked once, not once per row
            except DefinitionError as exc:
                unknown[k] = True
                problems.extend(
                    Problem(where_of(i), "currency", str(exc))
                    for i in problems.rows(currency_of.reshape(-1) == k)
                )
        bad_currency = unknown[currency_of.reshape(-1)].tolist() if n else []
        records: list[Charge | UnitPrice] = []
        amounts = got["amount"].values.tolist()
        for i in range(n):
            if bad_currency[i]:
                continue
            cell = amounts[i]
            cell = cell.item() if isinstance(cell, np.generic) else cell
            try:
                money = Money(cell.strip() if isinstance(cell, str) else cell, text["currency"][i])
            except DefinitionError as exc:
                if len(problems) < MAX_PROBLEMS:
                    problems.append(Problem(where_of(i), "amount", str(exc) or echo(cell)))
                else:
                    problems.omitted += 1
                continue
            if priced[i]:
                period = str(text["period"][i]).strip() or None
                records.append(UnitPrice(str(text["service"][i]), str(unit[i]), money, period))
            elif not problems:
                records.append(
                    Charge(
                        str(text["service"][i]), str(text["period"][i]), str(text["kind"][i]), money
                    )
                )
        if problems or problems.omitted:
            raise problems.error()
        return cls(records)

    def __len__(self) -> int:
        return len(self.records)

    def __repr__(self) -> str:
        return f"<ChargeTable {len(self.charge_kind)} charges, {len(self.price_unit)} prices>"

    def charged(
        self, services: Sequence[str], period: str, counts: Any
    ) -> tuple[npt.NDArray[np.object_], int, npt.NDArray[np.bool_]]:
        """Return, per service, the sum of counted charges in ``period`` (numerators over a scale).

        ``counts(kind) -> bool`` picks the kinds. The third column says which
        services have any charge at all in the period (billing data present).
        """
        index = {name: i for i, name in enumerate(services)}
        rows = np.flatnonzero(self.charge_period == period)
        code = np.asarray([index.get(s, -1) for s in self.charge_service[rows]], dtype=np.int64)
        known = code >= 0
        rows, code = rows[known], code[known]
        present = np.zeros(len(services), dtype=bool)
        present[code] = True
        kinds = self.charge_kind[rows]
        kind_ok = np.asarray([bool(counts(k)) for k in kinds], dtype=bool)
        sums: npt.NDArray[np.object_] = np.zeros(len(services), dtype=object)
        np.add.at(sums, code[kind_ok], self._charge_num[rows][kind_ok])
        return sums, self._charge_den, present

    def unit_price(
        self, services: Sequence[str], period: str, unit: str
    ) -> tuple[npt.NDArray[np.object_], int, npt.NDArray[np.bool_]]:
        """Return, per service, the price of one ``unit`` in ``period`` (a period's own price wins).

        The third column says which services have a price.
        """
        index = {name: i for i, name in enumerate(services)}
        num: npt.NDArray[np.object_] = np.zeros(len(services), dtype=object)
        present = np.zeros(len(services), dtype=bool)
        specific = np.zeros(len(services), dtype=bool)
        for row in np.flatnonzero(self.price_unit == unit).tolist():
            i = index.get(self.price_service[row], -1)
            applies = self.price_period[row] in (None, period)
            if i < 0 or not applies:
                continue
            own = self.price_period[row] == period
            if present[i] and specific[i] and not own:
                continue
            num[i] = self._price_num[row]
            present[i] = True
            specific[i] = own
        return num, self._price_den, present
