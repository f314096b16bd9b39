"""Probe samples: one measured value of one metric of a route or site at an instant, as columns.

A [`Probe`][slakit.Probe] is one sample of a network probe: the round-trip time,
jitter or packet loss that a monitor measured on a route, a site or a circuit
(its *service*) at an instant. A [`ProbeTable`][slakit.ProbeTable] holds many of
them as numpy columns, validated once, for the probe measures
([`slakit.probe_mean()`][slakit.probe_mean], [`slakit.probe_percentile()`][slakit.probe_percentile],
[`slakit.probe_max()`][slakit.probe_max]).

Values are exact decimals in the metric's own unit, as the monitor wrote them
(``"12.5"`` milliseconds, ``"0.2"`` percent): a table holds each value as whole
millionths of its unit (``VALUE_SCALE``), so sums, means and comparisons are
exact integer arithmetic. A value has at most six decimals, is zero or more and
at most ``MAX_VALUE``; anything else is refused by row and field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow, Rounded
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from slakit._events._columns import (
    Column,
    Derived,
    Problems,
    check_where,
    distinct_names,
    echo,
    frozen,
    instants,
    is_missing,
    kept_where,
    names,
    read_columns,
    restore_slots,
    row_names,
    services_column,
)
from slakit._events._records import records_of
from slakit._node import DSLRepr
from slakit._time._instant import InstantLike, format_us, from_us, to_us
from slakit._validation import check_service_name
from slakit.exceptions import DefinitionError, Problem

__all__ = [
    "MAX_VALUE",
    "VALUE_PLACES",
    "VALUE_SCALE",
    "Probe",
    "ProbeTable",
    "units_of",
    "value_text",
]

#: A value is exact to this many decimals of its unit.
VALUE_PLACES: Final = 6
#: A table holds each value as whole ``1 / VALUE_SCALE`` of its unit (millionths).
VALUE_SCALE: Final = 10**VALUE_PLACES
#: The largest value a sample may have, in its unit (a billion milliseconds is 11.6 days).
MAX_VALUE: Final = 10**9
#: The largest value, in millionths: a column of them and its sums stay within ``int64``.
_MAX_UNITS: Final = MAX_VALUE * VALUE_SCALE
#: Below this size a float names one six-decimal number only (its spacing is under 5e-7).
_FLOAT_EXACT: Final = float(MAX_VALUE)
#: The arithmetic of reading values: exact, or an error.
_EXACT: Final = Context(prec=60, Emin=-999_999, Emax=999_999, traps=[Inexact, Overflow, Rounded])
_MAX_TEXT: Final = 100

I64 = npt.NDArray[np.int64]


def _value_message(value: object) -> str:
    return (
        f"{echo(value)} must be a number from 0 to {MAX_VALUE:,} in the metric's unit, exact to "
        f"the millionth (at most {VALUE_PLACES} decimals), such as 12.5"
    )


def units_of(value: object) -> int | None:
    """Return a sample's value as whole millionths of its unit, or ``None`` if it is no value.

    Accepted: integers, ``Decimal`` values, decimal text (``"12.5"``) and
    floats, read as the shortest decimal that names them (``0.1`` is 0.1);
    each must be zero or more, at most ``MAX_VALUE`` and have at most six
    decimals. Booleans, ``NaN``, infinities and anything else are refused.

    Examples:
        >>> units_of("12.5"), units_of(0.1), units_of(3), units_of("0.0000001")
        (12500000, 100000, 3000000, None)
    """
    number: Decimal
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | np.integer):
        whole = int(value)
        return whole * VALUE_SCALE if 0 <= whole <= MAX_VALUE else None
    if isinstance(value, float | np.floating):
        number = Decimal(repr(float(value)))
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not text or len(text) > _MAX_TEXT:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    else:
        return None
    if not number.is_finite() or (number.is_signed() and not number.is_zero()):
        return None
    if number > MAX_VALUE:
        return None
    try:
        units = _EXACT.scaleb(number, VALUE_PLACES)
        whole_units = _EXACT.to_integral_exact(units)
    except ArithmeticError:  # finer than a millionth, or an exponent beyond any value
        return None
    if whole_units != units:  # pragma: no cover - to_integral_exact traps first
        return None
    return int(whole_units)


def value_text(units: int) -> str:
    """Return a value held as millionths as its shortest decimal text: ``'12.5'``, ``'0'``.

    Examples:
        >>> value_text(12_500_000), value_text(0), value_text(7)
        ('12.5', '0', '0.000007')
    """
    whole, part = divmod(units, VALUE_SCALE)
    if not part:
        return str(whole)
    return f"{whole}.{part:0{VALUE_PLACES}d}".rstrip("0")


def _check_service(_instance: object, _attribute: attrs.Attribute[str], value: object) -> None:
    check_service_name(value, example="'lon-fra'")


def _check_metric(_instance: object, _attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(
            f"metric={value!r} must be a non-empty metric name such as 'rtt', 'jitter' or 'loss'",
            name="metric",
            value=value,
        )


def _time(value: InstantLike) -> datetime:
    return from_us(to_us(value, name="time"))


def _value(value: object) -> Decimal:
    units = units_of(value)
    if units is None:
        raise DefinitionError(f"value={_value_message(value)}", name="value", value=value)
    return Decimal(value_text(units))


@attrs.frozen(repr=False)
class Probe(DSLRepr):
    """One sample of a network probe: a metric's value on a route or site at an instant.

    ``service`` is the route, site or circuit the sample measures (one
    service per route: ``"lon-fra"``); ``time`` the instant it was taken
    (aware, or an ISO 8601 string with an offset); ``metric`` what was
    measured (``"rtt"``, ``"jitter"``, ``"loss"`` or any other name);
    ``value`` the measured value in the metric's unit: a decimal string
    (``"12.5"``), a ``Decimal``, an integer, or a float read as the shortest
    decimal that names it. Values are zero or more, at most ``MAX_VALUE``
    and exact to the millionth of their unit.

    Examples:
        >>> Probe("lon-fra", "2026-10-01T00:05:00Z", "rtt", "12.50")
        Probe('lon-fra', '2026-10-01T00:05:00Z', 'rtt', '12.5')
    """

    service: str = attrs.field(validator=_check_service)
    time: datetime = attrs.field(converter=_time)
    metric: str = attrs.field(validator=_check_metric)
    value: Decimal = attrs.field(converter=_value)

    @property
    def time_us(self) -> int:
        """The instant of the sample in microseconds since the epoch, UTC."""
        return to_us(self.time)

    @property
    def units(self) -> int:
        """The value as whole millionths of its unit (what a table holds)."""
        found = units_of(self.value)
        assert found is not None
        return found

    def __repr__(self) -> str:
        args = (self.service, format_us(self.time_us), self.metric, value_text(self.units))
        return f"Probe({', '.join(map(repr, args))})"


class ProbeTable(Derived):
    """Probe samples as columns: ``service``, ``time``, ``metric``, ``value``.

    ``service`` holds codes into ``services`` and ``metric`` codes into
    ``metrics`` (both ``int32``, the names sorted); ``time`` is ``int64``
    microseconds since the epoch (UTC); ``value`` is ``int64``, each sample's
    value in whole millionths of its metric's unit (``VALUE_SCALE``):
    ``"12.5"`` is ``12_500_000``.

    Build one with ``from_columns()`` (vectorised), ``from_records()``, or
    [`slakit.io.read_table(path, "probes")`][slakit.io.read_table] from CSV,
    JSON Lines, Parquet, Arrow or a data frame. The table is immutable.
    """

    __slots__ = ("_cache", "_where", "metric", "metrics", "service", "services", "time", "value")

    service: npt.NDArray[np.int32]
    services: tuple[str, ...]
    time: I64
    metric: npt.NDArray[np.int32]
    metrics: tuple[str, ...]
    value: I64
    _where: Sequence[str] | None
    _cache: dict[object, object]

    def __init__(
        self,
        *,
        service: npt.ArrayLike,
        services: Sequence[str],
        time: npt.ArrayLike,
        metric: npt.ArrayLike,
        metrics: Sequence[str],
        value: npt.ArrayLike,
        where: Sequence[str] | None = None,
        copy: bool = True,
    ) -> None:
        """Build a table from checked columns (use ``from_columns()`` for unchecked data)."""
        setter = object.__setattr__
        setter(self, "service", frozen(service, np.int32, copy=copy))
        setter(self, "services", tuple(services))
        setter(self, "time", frozen(time, np.int64, copy=copy))
        setter(self, "metric", frozen(metric, np.int32, copy=copy))
        setter(self, "metrics", tuple(metrics))
        setter(self, "value", frozen(value, np.int64, copy=copy))
        setter(self, "_where", kept_where(where))
        setter(self, "_cache", {})
        n = self.time.shape[0]
        for name in ("service", "metric", "value"):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"ProbeTable column {name!r} must have {n} rows")
        if self._where is not None and len(self._where) != n:
            raise ValueError(f"ProbeTable 'where' must have {n} entries")

    __setstate__ = restore_slots  # pickled (to a Dask worker and back) despite __setattr__

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"ProbeTable is immutable; cannot set {name!r}")

    # --- construction ----------------------------------------------------------------------

    @classmethod
    def from_records(
        cls, records: Iterable[Probe], *, where: Sequence[str] | None = None
    ) -> ProbeTable:
        """Build a table from [`Probe`][slakit.Probe] records."""
        probes = records_of(records, Probe, "a Probe")
        services = sorted({p.service for p in probes})
        metrics = sorted({p.metric for p in probes})
        service_code = {name: i for i, name in enumerate(services)}
        metric_code = {name: i for i, name in enumerate(metrics)}
        return cls(
            service=np.asarray([service_code[p.service] for p in probes], dtype=np.int32),
            services=services,
            time=np.asarray([p.time_us for p in probes], dtype=np.int64),
            metric=np.asarray([metric_code[p.metric] for p in probes], dtype=np.int32),
            metrics=metrics,
            value=np.asarray([p.units for p in probes], dtype=np.int64),
            where=where,
            copy=False,
        )

    @classmethod
    def from_columns(
        cls,
        columns: Mapping[str, Any],
        *,
        copy: bool = False,
        services: Sequence[str] | None = None,
        where: Sequence[str] | None = None,
    ) -> ProbeTable:
        """Build a probe table from columns, every row checked at once (vectorised).

        ``columns`` maps ``service``, ``time``, ``metric`` and ``value`` to
        equal-length arrays or sequences (a pandas or polars data frame works as
        it is):

        - ``service``: the route, site or circuit: names, or integer codes into
          ``services`` when that is given;
        - ``time``: an instant in any form that
          [`EventTable.from_columns()`][slakit.EventTable.from_columns] reads;
        - ``metric``: names such as ``"rtt"``, ``"jitter"``, ``"loss"``;
        - ``value``: the value in the metric's unit, zero or more, exact to the
          millionth: integers, decimals, decimal text, or floats read as the
          shortest decimal that names them (``12.5`` is 12.5; ``0.1234567``, with
          seven decimals, is refused).

        Columns that already have the table's dtype may be used without a copy
        (pass ``copy=True`` if you will modify them later).

        Raises:
            EventDataError: every invalid row, by row and field, or the columns
                missing or of another length (at most 1,000; ``omitted`` counts
                the others).
        """
        got = read_columns(
            columns,
            required=("service", "time", "metric", "value"),
            optional=(),
            what="ProbeTable",
            coded=("service",),
        )
        n = len(got["time"])
        check_where(where, n)
        where_of = row_names(where)
        problems = Problems()
        time = instants(
            got["time"],
            n,
            where_of=where_of,
            problems=problems,
            required=True,
            needed="every probe sample needs a time",
        )
        read = services_column(
            columns["service"], got["service"], services, where_of=where_of, problems=problems
        )
        metric_text = names(got["metric"], n, where_of=where_of, problems=problems, what="metric")
        metric = (
            None
            if metric_text is None
            else distinct_names(metric_text, field="metric", where_of=where_of, problems=problems)
        )
        value = _value_column(got["value"], where_of, problems)
        if problems or problems.omitted or time is None or read is None or metric is None:
            raise problems.error()
        assert value is not None
        (service_names, service), (metric_names, metric_codes) = read, metric
        return cls(
            service=service,
            services=service_names,
            time=time,
            metric=metric_codes,
            metrics=metric_names,
            value=value,
            where=where,
            copy=copy,
        )

    # --- access ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self.time.shape[0])

    def where(self, row: int) -> str:
        """Return where row ``row`` came from (``probes.csv:12`` or ``row 12``)."""
        return self._where[row] if self._where is not None else f"row {row}"

    def record(self, row: int) -> Probe:
        """Return row ``row`` as a [`Probe`][slakit.Probe]."""
        return Probe(
            self.services[int(self.service[row])],
            int(self.time[row]),
            self.metrics[int(self.metric[row])],
            value_text(int(self.value[row])),
        )

    def records(self) -> list[Probe]:
        """Return every row as a ``Probe`` (slow on large tables; for inspection)."""
        return [self.record(i) for i in range(len(self))]

    def counts(self) -> dict[str, int]:
        """Return how many samples the table holds of each metric."""
        bins = np.bincount(self.metric, minlength=len(self.metrics))
        return {name: int(bins[i]) for i, name in enumerate(self.metrics)}

    def __repr__(self) -> str:
        counts = ", ".join(f"{v} {k}" for k, v in self.counts().items())
        n = len(self.services)
        return (
            f"<ProbeTable {len(self)} samples ({counts or 'none'}) over {n} "
            f"service{'s' * (n != 1)}>"
        )


def _value_column(column: Column, where_of: Callable[[int], str], problems: Problems) -> I64 | None:
    """Read ``value``: exact decimals in millionths of their unit, every bad row reported.

    Integers and floats are checked as arrays; floats name a six-decimal number
    when scaling them by a million lands on a whole number that scales back to
    the same float (below ``MAX_VALUE`` a float names at most one such number).
    Text, decimals and other objects are read once per distinct cell.
    """
    values = column.values
    kind = values.dtype.kind
    n = len(column)
    missing = column.missing_mask()
    if kind in "iu":
        whole = values.astype(np.int64) if kind == "u" else np.asarray(values, dtype=np.int64)
        if kind == "u":
            bad = ~missing & (values > MAX_VALUE)
        else:
            bad = ~missing & ((whole < 0) | (whole > MAX_VALUE))
        units = np.where(bad | missing, 0, whole) * VALUE_SCALE
    elif kind == "f":
        missing |= np.isnan(values)
        safe = np.where(missing, 0.0, values).astype(np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            in_range = np.isfinite(safe) & (safe >= 0) & (safe <= _FLOAT_EXACT)
            scaled = np.rint(np.where(in_range, safe, 0.0) * VALUE_SCALE)
            exact = scaled / VALUE_SCALE == safe
        bad = ~missing & ~(in_range & exact)
        units = np.where(bad | missing, 0, scaled).astype(np.int64)
    elif kind in "UO":
        cells: Any = np.asarray(values, dtype=object) if kind == "U" else values
        keys = np.asarray([_key(c) for c in cells.tolist()], dtype=str) if n else np.zeros(0, str)
        uniq, inverse = np.unique(keys, return_inverse=True)
        inverse = inverse.reshape(-1)
        first = np.zeros(len(uniq), dtype=np.int64)
        first[inverse[::-1]] = np.arange(n, dtype=np.int64)[::-1]
        read = np.zeros(len(uniq), dtype=np.int64)
        gone = np.zeros(len(uniq), dtype=bool)
        wrong = np.zeros(len(uniq), dtype=bool)
        for k, row in enumerate(first.tolist()):
            cell = cells[row]
            if is_missing(cell) or (isinstance(cell, str) and not cell.strip()):
                gone[k] = True
                continue
            found = units_of(cell)
            if found is None:
                wrong[k] = True
            else:
                read[k] = found
        missing |= gone[inverse]
        bad = wrong[inverse] & ~missing
        units = np.where(bad | missing, 0, read[inverse]).astype(np.int64)
    elif kind == "b":
        problems.append(
            Problem("columns", "value", "holds booleans; give each sample's value as a number")
        )
        return None
    else:
        problems.append(
            Problem(
                "columns",
                "value",
                f"holds {values.dtype} values; give each sample's value as a number "
                "(integers, decimals, decimal text or floats)",
            )
        )
        return None
    problems.extend(
        Problem(where_of(i), "value", _value_message(values[i])) for i in problems.rows(bad)
    )
    problems.extend(
        Problem(where_of(i), "value", "missing; every probe sample needs a value")
        for i in problems.rows(missing)
    )
    return np.asarray(units, dtype=np.int64)


def _key(cell: object) -> str:
    """Return the text a distinct cell is grouped by: its type and its value's text."""
    return f"{type(cell).__name__}:{cell!s}"
