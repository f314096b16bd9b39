"""Requests and probes: one row per request with its status and latency, as columns.

A [`Request`][slakit.Request] is one request (or one probe) of a service: when it
happened, its HTTP-like status and/or a success flag, and how long it took.
A [`RequestTable`][slakit.RequestTable] holds many of them as numpy columns, validated once,
for the request measures ([`slakit.success_ratio()`][slakit.success_ratio],
[`slakit.bucket_availability()`][slakit.bucket_availability],
[`slakit.latency_percentile()`][slakit.latency_percentile], ...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from slakit._events._columns import (
    Column,
    Derived,
    Problems,
    check_where,
    echo,
    frozen,
    instants,
    is_missing,
    kept_where,
    read_columns,
    restore_slots,
    row_names,
    services_column,
    ticks_to_us,
    whole_numbers,
)
from slakit._events._lines import file_lines, instant_field, json_objects, text_field
from slakit._events._records import records_of
from slakit._node import DSLRepr
from slakit._time._instant import (
    MAX_DURATION_US,
    Duration,
    InstantLike,
    format_us,
    from_us,
    to_us,
)
from slakit._validation import check_service_name
from slakit.exceptions import DefinitionError, EventDataError, Problem

__all__ = [
    "CLIENT_ERROR",
    "NO_LATENCY",
    "NO_STATUS",
    "OUTCOMES",
    "SERVER_ERROR",
    "SUCCESS",
    "Request",
    "RequestTable",
    "parse_requests_jsonl",
    "read_requests_jsonl",
]

#: ``status`` of a request that carries only a success flag.
NO_STATUS: Final = 0
#: ``latency`` of a request whose latency was not recorded.
NO_LATENCY: Final = -1
#: A request table holds fewer requests than this (``count`` sums stay exact in ``float64``).
MAX_REQUESTS: Final = 2**53
#: Outcome classes, the codes of ``RequestTable.outcome``.
SUCCESS: Final = 0
CLIENT_ERROR: Final = 1
SERVER_ERROR: Final = 2
OUTCOMES: Final = ("success", "client error", "server error")

I64 = npt.NDArray[np.int64]


def outcome_of(status: int | None, ok: bool | None) -> int:
    """Return the outcome class of one request (see [`Request`][slakit.Request])."""
    if ok is False or (status is not None and status >= 500):
        return SERVER_ERROR
    if status is not None and status >= 400:
        return CLIENT_ERROR
    return SUCCESS


def _check_service(_instance: object, _attribute: attrs.Attribute[str], value: object) -> None:
    check_service_name(value, example="'api'")


def _time(value: InstantLike) -> datetime:
    return from_us(to_us(value, name="time"))


def _status(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 599:
        raise DefinitionError(
            f"status={value!r} is not an HTTP-like status code from 100 to 599; "
            "pass ok=True or ok=False for requests without one"
        )
    return value


def _ok(value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise DefinitionError(f"ok={value!r} must be True, False or None")


def _latency(value: object) -> Duration | None:
    if value is None or isinstance(value, Duration):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise DefinitionError(f"latency={value!r} must not be negative")
        return Duration(value)
    raise DefinitionError(
        f"latency={value!r} must be a duration such as milliseconds(120) or integer microseconds"
    )


@attrs.frozen(repr=False)
class Request(DSLRepr):
    """One request or probe of a service.

    A request carries a ``status`` (an HTTP-like code, 100 to 599), an ``ok``
    flag, or both. Its *outcome* is a server error when ``ok`` is ``False`` or
    the status is 5xx, a client error when the status is 4xx, and a success
    otherwise; an ``ok=True`` request with a 5xx status is contradictory and
    refused. ``latency`` is a [`Duration`][slakit.Duration] or integer microseconds,
    or ``None`` when it was not recorded.

    Examples:
        >>> Request("api", "2026-10-01T00:00:01Z", 503, latency=milliseconds(120))
        Request('api', '2026-10-01T00:00:01Z', 503, latency=milliseconds(120))
    """

    service: str = attrs.field(validator=_check_service)
    time: datetime = attrs.field(converter=_time)
    status: int | None = attrs.field(default=None, converter=_status)
    ok: bool | None = attrs.field(default=None, kw_only=True, converter=_ok)
    latency: Duration | None = attrs.field(default=None, kw_only=True, converter=_latency)

    def __attrs_post_init__(self) -> None:
        if self.status is None and self.ok is None:
            raise DefinitionError(
                f"Request of {self.service!r} at {format_us(self.time_us)} has neither a status "
                "nor an ok flag; give status=200 (or another code) or ok=True/False"
            )
        if self.ok is True and self.status is not None and self.status >= 500:
            raise DefinitionError(
                f"Request of {self.service!r} at {format_us(self.time_us)}: ok=True "
                f"contradicts status={self.status}, a server error"
            )

    @property
    def time_us(self) -> int:
        """The instant of the request in microseconds since the epoch, UTC."""
        return to_us(self.time)

    @property
    def latency_us(self) -> int:
        """The latency in microseconds, or ``NO_LATENCY`` (-1) when not recorded."""
        return NO_LATENCY if self.latency is None else self.latency.us

    @property
    def outcome(self) -> str:
        """``"success"``, ``"client error"`` or ``"server error"``."""
        return OUTCOMES[outcome_of(self.status, self.ok)]

    def __repr__(self) -> str:
        args = [repr(self.service), repr(format_us(self.time_us))]
        if self.status is not None:
            args.append(repr(self.status))
        if self.ok is not None:
            args.append(f"ok={self.ok!r}")
        if self.latency is not None:
            args.append(f"latency={_duration_repr(self.latency.us)}")
        return f"Request({', '.join(args)})"


def _duration_repr(us: int) -> str:
    if us and us % 1000 == 0 and us % 1_000_000:
        return f"milliseconds({us // 1000})"
    return repr(Duration(us))


class RequestTable(Derived):
    """Requests as columns: ``service``, ``time``, ``status``, ``outcome``, ``latency``.

    ``service`` holds codes into [`services`][slakit.Report.services]; ``time`` is ``int64``
    microseconds since the epoch (UTC); ``status`` is ``int16``, an HTTP-like
    code or ``NO_STATUS`` (0) for requests that carry only a success flag;
    ``outcome`` is ``int8``, 0 success, 1 client error (4xx), 2 server error
    (5xx, or ``ok`` false); ``latency`` is ``int64`` microseconds, or
    ``NO_LATENCY`` (-1) when not recorded.

    Build one with ``from_columns()`` (vectorised, near zero-copy),
    ``from_records()``, or ``slakit.io.read_requests_jsonl()``. The table
    is immutable.
    """

    __slots__ = (
        "_cache",
        "_where",
        "count",
        "latency",
        "missing_latency",
        "outcome",
        "service",
        "services",
        "status",
        "time",
    )

    service: npt.NDArray[np.int32]
    services: tuple[str, ...]
    time: I64
    status: npt.NDArray[np.int16]
    outcome: npt.NDArray[np.int8]
    latency: I64
    missing_latency: int
    count: I64 | None
    _where: Sequence[str] | None
    _cache: dict[object, object]

    def __init__(
        self,
        *,
        service: npt.ArrayLike,
        services: Sequence[str],
        time: npt.ArrayLike,
        status: npt.ArrayLike,
        outcome: npt.ArrayLike,
        latency: npt.ArrayLike,
        count: npt.ArrayLike | None = None,
        where: Sequence[str] | None = None,
        copy: bool = True,
    ) -> None:
        """Build a table from checked columns (use ``from_columns()`` for unchecked data).

        ``count`` (optional) is how many requests each row stands for, each at
        least 1; ``None`` means one request per row.
        """
        setter = object.__setattr__
        setter(self, "service", frozen(service, np.int32, copy=copy))
        setter(self, "services", tuple(services))
        setter(self, "time", frozen(time, np.int64, copy=copy))
        setter(self, "status", frozen(status, np.int16, copy=copy))
        setter(self, "outcome", frozen(outcome, np.int8, copy=copy))
        setter(self, "latency", frozen(latency, np.int64, copy=copy))
        setter(self, "_where", kept_where(where))
        setter(self, "_cache", {})
        n = self.time.shape[0]
        for name in ("service", "status", "outcome", "latency"):
            if getattr(self, name).shape != (n,):
                raise ValueError(f"RequestTable column {name!r} must have {n} rows")
        if self._where is not None and len(self._where) != n:
            raise ValueError(f"RequestTable 'where' must have {n} entries")
        weights = None if count is None else frozen(count, np.int64, copy=copy)
        if weights is not None:
            if weights.shape != (n,):
                raise ValueError(f"RequestTable column 'count' must have {n} rows")
            if n and int(weights.min()) < 1:
                raise ValueError("RequestTable 'count' must be at least 1 in every row")
            if n and int(weights.sum(dtype=np.float64)) >= MAX_REQUESTS:
                raise ValueError(f"RequestTable holds {MAX_REQUESTS:,} requests or more")
        setter(self, "count", weights)
        missing = int(np.count_nonzero(self.latency == NO_LATENCY)) if n else 0
        setter(self, "missing_latency", missing)

    __setstate__ = restore_slots  # pickled (to a Dask worker and back) despite __setattr__

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"RequestTable is immutable; cannot set {name!r}")

    # --- construction ----------------------------------------------------------------------

    @classmethod
    def from_records(
        cls, records: Iterable[Request], *, where: Sequence[str] | None = None
    ) -> RequestTable:
        """Build a table from [`Request`][slakit.Request] records."""
        reqs = records_of(records, Request, "a Request")
        names = sorted({r.service for r in reqs})
        code = {name: i for i, name in enumerate(names)}
        return cls(
            service=np.asarray([code[r.service] for r in reqs], dtype=np.int32),
            services=names,
            time=np.asarray([r.time_us for r in reqs], dtype=np.int64),
            status=np.asarray([r.status or NO_STATUS for r in reqs], dtype=np.int16),
            outcome=np.asarray([outcome_of(r.status, r.ok) for r in reqs], dtype=np.int8),
            latency=np.asarray([r.latency_us for r in reqs], dtype=np.int64),
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
    ) -> RequestTable:
        """Build a request table from columns, every row checked at once (vectorised).

        ``columns`` maps ``service``, ``time``, and ``status`` and/or ``ok``, and
        optionally ``latency`` or ``latency_ms``, to equal-length arrays or
        sequences (a pandas or polars data frame works as it is):

        - ``service``: names, or integer codes into ``services`` when that is given
          (the fast way for large tables: no strings are compared);
        - ``time``: an instant in any form that
          [`EventTable.from_columns()`][slakit.EventTable.from_columns] reads;
        - ``status``: HTTP-like integer codes, 100 to 599 (0 or missing where only
          ``ok`` is known);
        - ``ok``: booleans (a false one is a server error whatever the status);
        - ``latency``: integer microseconds or ``timedelta64``; -1 (or ``None``)
          where it was not recorded;
        - ``latency_ms``: milliseconds instead (integers, decimals, decimal text
          or floats, read as their shortest decimal), exact to the microsecond:
          ``81.5`` is 81,500 µs, ``0.0005`` is refused.
        - ``count``: how many requests each row stands for (whole numbers, 1 or
          more), for logs already counted per minute and outcome; every measure
          counts a row ``count`` times (a latency percentile ranks its latency
          ``count`` times). Without it, each row is one request.

        Columns that already have the table's dtype are used without a copy
        (pass ``copy=True`` if you will modify them later).

        Missing values (``None``, ``NaN``, ``NaT``, null) are refused in ``service``
        and ``time``; in ``status``, ``ok`` and ``latency`` they mean "not known".

        Raises:
            EventDataError: every invalid row, by row and field, or the columns
                missing or of another length (at most 1,000; ``omitted`` counts
                the others).
        """
        got = read_columns(
            columns,
            required=("service", "time"),
            optional=("status", "ok", "latency", "latency_ms", "count"),
            what="RequestTable",
            kinds={"ok": "booleans"},
            coded=("service",),
        )
        if "status" not in got and "ok" not in got:
            raise EventDataError(
                [Problem("columns", "status", "give a 'status' column, an 'ok' column or both")]
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
            needed="every request needs a time",
        )
        read = services_column(
            columns["service"], got["service"], services, where_of=where_of, problems=problems
        )
        status = _status_column(got.get("status"), n, where_of, problems)
        ok = _ok_column(got.get("ok"), n, where_of, problems)
        if "latency_ms" in got and "latency" in got:
            problems.append(
                Problem("columns", "latency_ms", "give latency or latency_ms, not both")
            )
        latency = (
            _latency_ms_column(got["latency_ms"], where_of, problems)
            if "latency_ms" in got
            else _latency_column(got.get("latency"), n, where_of, problems)
        )
        count = _count_column(got.get("count"), n, where_of, problems)
        if (
            time is None
            or read is None
            or latency is None
            or ("count" in got and count is None)
            or ("status" in got and status is None)
            or ("ok" in got and ok is None)
        ):
            raise problems.error()
        names, service = read
        if ok is None:
            assert status is not None
            outcome = (status >= 400).view(np.int8) + (status >= 500).view(np.int8)
        else:
            if status is not None:
                problems.extend(
                    Problem(where_of(i), "status", "missing; give a status or an ok flag")
                    for i in problems.rows((status == NO_STATUS) & (ok < 0))
                )
                problems.extend(
                    Problem(
                        where_of(i),
                        "ok",
                        f"ok=True contradicts status {int(status[i])}, a server error",
                    )
                    for i in problems.rows((ok == 1) & (status >= 500))
                )
            else:
                problems.extend(
                    Problem(where_of(i), "ok", "missing; give an ok flag or a status")
                    for i in problems.rows(ok < 0)
                )
            failed = (ok == 0).view(np.int8)
            if status is None:
                outcome = failed * np.int8(SERVER_ERROR)
            else:
                by_status = (status >= 400).view(np.int8) + (status >= 500).view(np.int8)
                outcome = np.maximum(by_status, failed * np.int8(SERVER_ERROR))
        if problems or problems.omitted:
            raise problems.error()
        return cls(
            service=service,
            services=names,
            time=time,
            status=status if status is not None else np.zeros(n, dtype=np.int16),
            outcome=outcome,
            latency=latency,
            count=count,
            where=where,
            copy=copy,
        )

    # --- access ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self.time.shape[0])

    @property
    def requests(self) -> int:
        """How many requests the rows stand for: the rows, or the sum of ``count``."""
        if self.count is None:
            return len(self)
        return int(self.count.sum())

    def weights(self, rows: npt.NDArray[np.integer[Any]] | None = None) -> npt.NDArray[Any] | None:
        """Return ``count`` as ``bincount`` weights (of ``rows``), or ``None`` if one each."""
        if self.count is None:
            return None
        return self.count if rows is None else self.count[rows]

    def taken(
        self,
        rows: npt.NDArray[np.integer[Any]],
        *,
        service: npt.ArrayLike | None = None,
        services: Sequence[str] | None = None,
        where: Sequence[str] | None = None,
    ) -> RequestTable:
        """Return the table of ``rows`` (their ``count`` kept), optionally recoded services.

        ``where`` names the rows; ``None`` keeps the names this table gives them
        when it has any.
        """
        if where is None and self._where is not None:
            where = [self._where[i] for i in np.asarray(rows).tolist()]
        return RequestTable(
            service=self.service[rows] if service is None else service,
            services=self.services if services is None else services,
            time=self.time[rows],
            status=self.status[rows],
            outcome=self.outcome[rows],
            latency=self.latency[rows],
            count=None if self.count is None else self.count[rows],
            where=where,
            copy=False,
        )

    def where_names(self) -> Sequence[str] | None:
        """Return the names of the rows, or ``None`` when they are ``row 0``, ``row 1``, ..."""
        return self._where

    def where(self, row: int) -> str:
        """Return where row ``row`` came from (``requests.jsonl:12`` or ``row 12``)."""
        return self._where[row] if self._where is not None else f"row {row}"

    def record(self, row: int) -> Request:
        """Return row ``row`` as a [`Request`][slakit.Request]."""
        status = int(self.status[row])
        outcome = int(self.outcome[row])
        latency = int(self.latency[row])
        return Request(
            self.services[int(self.service[row])],
            int(self.time[row]),
            None if status == NO_STATUS else status,
            ok=None if status != NO_STATUS else outcome != SERVER_ERROR,
            latency=None if latency == NO_LATENCY else latency,
        )

    def records(self) -> list[Request]:
        """Return every row as a ``Request`` (slow on large tables; for inspection)."""
        return [self.record(i) for i in range(len(self))]

    def counts(self) -> dict[str, int]:
        """Return how many requests the table holds of each outcome."""
        bins = np.bincount(self.outcome, weights=self.weights(), minlength=len(OUTCOMES))
        return {name: int(bins[i]) for i, name in enumerate(OUTCOMES)}

    def __repr__(self) -> str:
        counts = ", ".join(f"{v} {k}" for k, v in self.counts().items())
        rows = "" if self.count is None else f" in {len(self)} rows"
        return (
            f"<RequestTable {self.requests} requests{rows} ({counts}) "
            f"over {len(self.services)} services>"
        )


def _count_column(
    column: Column | None, n: int, where_of: Callable[[int], str], problems: Problems
) -> I64 | None:
    """Return ``count`` (requests per row, each at least 1) as int64, or ``None``."""
    if column is None:
        return None
    missing = np.zeros(n, bool) if column.missing is None else column.missing.copy()
    raw = whole_numbers(
        column, missing, what="whole numbers of requests", where_of=where_of, problems=problems
    )
    if raw is None:
        return None
    problems.extend(
        Problem(where_of(i), "count", "missing; give how many requests the row stands for")
        for i in problems.rows(missing)
    )
    low = (raw < 1) & ~missing
    problems.extend(
        Problem(where_of(i), "count", f"{int(raw[i])} is not a number of requests (1 or more)")
        for i in problems.rows(low)
    )
    if n and float(raw.sum(dtype=np.float64)) >= MAX_REQUESTS:
        problems.append(Problem("columns", "count", f"sums to {MAX_REQUESTS:,} requests or more"))
    return raw


def _status_column(
    column: Column | None, n: int, where_of: Callable[[int], str], problems: Problems
) -> npt.NDArray[np.int16] | None:
    if column is None:
        return None
    values = column.values
    if values.dtype.kind in "iu" and column.missing is None:
        fine = ((values >= 100) & (values <= 599)) | (values == NO_STATUS)
        if fine.all():
            return values.astype(np.int16, copy=False)  # the common case: no copy
    missing = np.zeros(n, bool) if column.missing is None else column.missing.copy()
    raw = whole_numbers(
        column,
        missing,
        what="integer status codes such as 200 or 503",
        where_of=where_of,
        problems=problems,
    )
    if raw is None:
        return None
    bad = ((raw < 100) | (raw > 599)) & (raw != NO_STATUS) & ~missing
    problems.extend(
        Problem(where_of(i), "status", f"{int(raw[i])} is not an HTTP-like status code (100-599)")
        for i in problems.rows(bad)
    )
    if bad.any():
        raw = np.clip(raw, -1, 600)  # reported; clipped so that it fits the column
    if missing.any():
        raw = np.where(missing, NO_STATUS, raw)
    return np.asarray(raw, dtype=np.int16)


def _ok_column(
    column: Column | None, n: int, where_of: Callable[[int], str], problems: Problems
) -> npt.NDArray[np.int8] | None:
    """Return ``ok`` as int8: 1 true, 0 false, -1 missing."""
    if column is None:
        return None
    values = column.values
    if values.dtype == np.bool_:
        out = values.view(np.int8)
        if column.missing is not None:
            out = np.where(column.missing, np.int8(-1), out).astype(np.int8)
        return out
    if values.dtype.kind == "O":
        out = np.full(n, -1, dtype=np.int8)
        bad = np.zeros(n, dtype=bool)
        for i, cell in enumerate(values.tolist()):
            if isinstance(cell, bool | np.bool_):
                out[i] = int(cell)
            elif not is_missing(cell):
                bad[i] = True
        problems.extend(
            Problem(
                where_of(i),
                "ok",
                f"{echo(values[i])} is not a boolean; ok must be {n} booleans (None where missing)",
            )
            for i in problems.rows(bad)
        )
        out[bad] = 1  # reported: not missing as well
        if column.missing is not None:
            out[column.missing] = -1
        return out
    if values.dtype.kind == "f" and bool(np.isnan(values).all()):
        return np.full(n, -1, dtype=np.int8)
    problems.append(
        Problem(
            "columns",
            "ok",
            f"must be {n} booleans (None where missing); got {values.dtype} values",
        )
    )
    return None


def _latency_column(
    column: Column | None, n: int, where_of: Callable[[int], str], problems: Problems
) -> I64 | None:
    if column is None:
        return np.full(n, NO_LATENCY, dtype=np.int64)
    missing = np.zeros(n, bool) if column.missing is None else column.missing.copy()
    if column.values.dtype.kind == "m":
        latency = ticks_to_us(
            column,
            missing,
            lo=0,
            hi=MAX_DURATION_US,
            where_of=where_of,
            problems=problems,
            outside=lambda shown: f"{shown} is not a latency from 0 to {MAX_DURATION_US:,} µs",
        )
    elif column.values.dtype.kind == "O":
        latency = _latency_objects(column, missing, where_of, problems)
    else:
        read = whole_numbers(
            column,
            missing,
            what="integer microseconds or timedelta64 values",
            where_of=where_of,
            problems=problems,
        )
        if read is None:
            return None
        latency = read
        if n and (int(latency.min()) < NO_LATENCY or int(latency.max()) > MAX_DURATION_US):
            problems.extend(
                Problem(where_of(i), "latency", f"{int(latency[i])} µs is negative")
                for i in problems.rows(latency < NO_LATENCY)
            )
            problems.extend(
                Problem(
                    where_of(i),
                    "latency",
                    f"{int(latency[i]):,} µs is longer than the longest duration, "
                    f"{MAX_DURATION_US:,} µs",
                )
                for i in problems.rows(latency > MAX_DURATION_US)
            )
    if missing.any():
        latency = np.where(missing, NO_LATENCY, latency).astype(np.int64)
    return latency


def _latency_objects(
    column: Column,
    missing: npt.NDArray[np.bool_],
    where_of: Callable[[int], str],
    problems: Problems,
) -> I64:
    """Read latencies given as Python objects: integers, durations, timedeltas, None."""
    n = len(column)
    out = np.zeros(n, dtype=np.int64)
    bad = np.zeros(n, dtype=bool)
    for i, cell in enumerate(column.values.tolist()):
        if missing[i] or is_missing(cell):
            missing[i] = True
            continue
        try:
            value = (
                Duration(cell // timedelta(microseconds=1)) if isinstance(cell, timedelta) else cell
            )
            if isinstance(value, int | np.integer) and int(value) == NO_LATENCY:
                missing[i] = True
                continue
            duration = _latency(int(value) if isinstance(value, np.integer) else value)
            assert duration is not None
            out[i] = duration.us
        except (DefinitionError, AssertionError):
            bad[i] = True
    problems.extend(
        Problem(
            where_of(i),
            "latency",
            f"{echo(column.values[i])} must be a duration, a timedelta or non-negative "
            "integer microseconds (None or -1 where not recorded)",
        )
        for i in problems.rows(bad)
    )
    return out


# --- JSON Lines --------------------------------------------------------------------------

_FIELDS = ("service", "time", "status", "ok", "latency_ms", "id", "note")


def read_requests_jsonl(path: str | Path) -> RequestTable:
    """Read a requests file in JSON Lines form into a [`RequestTable`][slakit.RequestTable].

    Each non-blank line is one object, for example::

        {"service": "api", "time": "2026-10-01T00:00:01Z", "status": 200, "latency_ms": 81.5}
        {"service": "api", "time": "2026-10-01T00:00:02Z", "ok": false}

    ``service`` and ``time`` (ISO 8601 with an offset) are required, and at
    least one of ``status`` (100 to 599) and ``ok`` (true or false);
    ``latency_ms`` (a number of milliseconds, exact to the microsecond), ``id``
    and ``note`` are optional. Any other field is an error.

    Lines are checked as [`read_jsonl()`][slakit.io.read_jsonl] checks them:
    UTF-8, nesting, keys given twice and the length of numbers.

    Raises:
        EventDataError: listing the bad lines, as ``read_jsonl()`` lists them.
        FileNotFoundError: the file does not exist.
    """
    return parse_requests_jsonl(file_lines(path), source=str(path))


def parse_requests_jsonl(
    lines: Iterable[str | bytes], *, source: str = "<requests>"
) -> RequestTable:
    """Parse JSON Lines text into a ``RequestTable``; see ``read_requests_jsonl()``.

    Examples:
        >>> table = parse_requests_jsonl(['{"service": "api", "time": "2026-10-01T00:00:00Z", '
        ...     '"status": 503, "latency_ms": 12.5}'])
        >>> table.record(0)
        Request('api', '2026-10-01T00:00:00Z', 503, latency=microseconds(12500))
    """
    problems = Problems()
    rows: list[tuple[str, int, int, int, int]] = []
    where: list[str] = []
    for here, obj in json_objects(lines, source=source, problems=problems, parse_float=Decimal):
        row = _parse_object(obj, here, problems)
        if row is not None:
            rows.append(row)
            where.append(here)
    if problems or problems.omitted:
        raise problems.error()
    names = sorted({r[0] for r in rows})
    code = {name: i for i, name in enumerate(names)}
    return RequestTable(
        service=np.asarray([code[r[0]] for r in rows], dtype=np.int32),
        services=names,
        time=np.asarray([r[1] for r in rows], dtype=np.int64),
        status=np.asarray([r[2] for r in rows], dtype=np.int16),
        outcome=np.asarray([r[3] for r in rows], dtype=np.int8),
        latency=np.asarray([r[4] for r in rows], dtype=np.int64),
        where=where,
        copy=False,
    )


def _parse_object(
    obj: dict[str, Any], here: str, problems: list[Problem]
) -> tuple[str, int, int, int, int] | None:
    before = len(problems)
    problems.extend(
        Problem(here, name, f"unknown field for a request; expected {', '.join(_FIELDS)}")
        for name in obj
        if name not in _FIELDS
    )
    problems.extend(
        Problem(here, name, "missing; a request needs a service and a time")
        for name in ("service", "time")
        if name not in obj
    )
    if "status" not in obj and "ok" not in obj:
        problems.append(Problem(here, "status", "missing; give a status, an ok flag or both"))
    svc = text_field(obj["service"], here, "service", problems) if "service" in obj else None
    time = instant_field(obj["time"], here, "time", problems) if "time" in obj else None
    status = obj.get("status")
    if status is not None and (
        isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599
    ):
        problems.append(
            Problem(here, "status", f"{echo(status)} is not a status code from 100 to 599")
        )
    ok = obj.get("ok")
    if ok is not None and not isinstance(ok, bool):
        problems.append(Problem(here, "ok", f"{echo(ok)} must be true or false"))
    elif ok is True and isinstance(status, int) and status >= 500:
        problems.append(Problem(here, "ok", f"true contradicts status {status}, a server error"))
    if status is None and ok is None and ("status" in obj or "ok" in obj):
        problems.append(Problem(here, "status", "is null; give a status, an ok flag or both"))
    latency = _latency_ms(obj.get("latency_ms"), here, problems)
    for name in ("id", "note"):
        value = obj.get(name)
        if name in obj and not (
            isinstance(value, str)
            or (name == "id" and isinstance(value, int) and not isinstance(value, bool))
        ):
            kind = "a string or a whole number" if name == "id" else "a string"
            problems.append(Problem(here, name, f"{echo(value)} must be {kind}"))
    if len(problems) > before:
        return None
    assert time is not None
    assert svc is not None
    return (svc, time, status or NO_STATUS, outcome_of(status, ok), latency)


#: The largest latency, in milliseconds: the longest supported duration.
_MAX_LATENCY_MS: Final = MAX_DURATION_US // 1000
_EXACT: Final = Context(prec=80, traps=[Inexact, Overflow, InvalidOperation])


def _latency_ms_column(column: Column, where_of: Callable[[int], str], problems: Problems) -> I64:
    """Read ``latency_ms``: milliseconds as integers, decimals or decimal text, exactly.

    Each value becomes integer microseconds; a fraction finer than a microsecond,
    a negative value or one past the longest duration is a problem of its row. A
    float is read as the shortest decimal that names it (``12.345`` is 12,345 µs).
    """
    values = column.values
    kind = values.dtype.kind
    missing = column.missing_mask()
    if kind in "iu":
        whole = np.asarray(values, dtype=np.int64) if kind == "i" else values.astype(np.int64)
        bad = ~missing & ((whole < 0) | (whole > _MAX_LATENCY_MS))
        us = np.where(bad | missing, NO_LATENCY, whole * 1000)
    elif kind == "f":
        missing |= np.isnan(values)
        safe = np.where(missing, 0.0, values)
        scaled = np.rint(safe * 1000)
        bad = ~missing & ((safe < 0) | (safe > _MAX_LATENCY_MS) | (scaled / 1000 != safe))
        us = np.where(bad | missing, NO_LATENCY, scaled).astype(np.int64)
    else:
        cells: Any = values if kind == "U" else np.asarray(values, dtype=object)
        uniq, inverse = np.unique(cells.astype(str), return_inverse=True)
        first = np.zeros(len(uniq), dtype=np.int64)
        first[inverse.reshape(-1)[::-1]] = np.arange(len(cells))[::-1]
        read = np.full(len(uniq), NO_LATENCY, dtype=np.int64)
        wrong = np.zeros(len(uniq), dtype=bool)
        gone = np.zeros(len(uniq), dtype=bool)
        for k, row in enumerate(first.tolist()):
            cell = cells[row]
            if missing[row] or is_missing(cell) or (isinstance(cell, str) and not cell.strip()):
                gone[k] = True
                continue
            told: list[Problem] = []
            read[k] = _latency_ms(_decimal_of(cell), "", told)
            wrong[k] = bool(told)
        inverse = inverse.reshape(-1)
        missing |= gone[inverse]
        bad = wrong[inverse] & ~missing
        us = read[inverse]
    problems.extend(
        Problem(where_of(i), "latency_ms", _latency_ms_message(values[i]))
        for i in problems.rows(bad)
    )
    return np.asarray(np.where(missing, NO_LATENCY, us), dtype=np.int64)


def _decimal_of(cell: object) -> object:
    """Return a cell of ``latency_ms`` as a number ``_latency_ms`` reads (text and floats exact)."""
    if isinstance(cell, str):
        try:
            return Decimal(cell.strip())
        except InvalidOperation:
            return cell
    if isinstance(cell, float | np.floating):
        return Decimal(repr(float(cell)))
    if isinstance(cell, np.integer):
        return int(cell)
    return cell


def _latency_ms_message(value: object) -> str:
    return (
        f"{echo(value)} must be a number of milliseconds from 0 to "
        f"{_MAX_LATENCY_MS:,}, exact to the microsecond (at most 3 decimals)"
    )


def _latency_ms(value: object, here: str, problems: list[Problem]) -> int:
    if value is None:
        return NO_LATENCY
    us: Decimal | None = None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        number = Decimal(value)
        if number.is_finite() and 0 <= number <= _MAX_LATENCY_MS:
            try:
                us = _EXACT.multiply(number, 1000)
            except ArithmeticError:  # an exponent beyond the context: far below a microsecond
                us = None
            if us is not None and us != us.to_integral_value():
                us = None
    if us is None:
        problems.append(Problem(here, "latency_ms", _latency_ms_message(value)))
        return NO_LATENCY
    return int(us)
