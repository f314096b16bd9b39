"""Request measures: success ratios, bucketed availability, error-rate uptime, latency.

Every runner works on the columns of a [`RequestTable`][slakit.RequestTable] for all
services at once:

1. *classify*: one ``int8`` code per request (good, bad and why, excluded and
   why, ignored and why) from a lookup on the outcome column and, when asked,
   one comparison of the latency column; one ``bincount`` of
   ``service * codes + code`` gives every count per service and per reason;
2. *buckets*: one ``bincount`` of ``(service * buckets + bucket) * 2 + bad``
   gives every bucket's requests and errors;
3. *percentiles*: one sort of packed ``(group, latency)`` ``int64`` keys
   orders every group's latencies, and each percentile is read at its rank.

Classifications and bucket indexes are derived once per table and reused by
the measures of one evaluation. Evidence is built only when asked for.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._measures import Measure
from slakit._dsl._requests import (
    BucketAvailability,
    ErrorRateUptime,
    LatencyPercentile,
    RequestMeasure,
    RequestRatio,
    format_latency,
)
from slakit._engine._inputs import Inputs, register_records
from slakit._engine._order import canonical
from slakit._engine._registry import Context, register
from slakit._events._requests import (
    NO_LATENCY,
    NO_STATUS,
    OUTCOMES,
    SERVER_ERROR,
    Request,
    RequestTable,
)
from slakit._ratio import format_percent
from slakit._results._evidence import EventNote, MeasureEvidence, MeasureOutcome
from slakit._results._requests import BucketCounts, BucketNote, RequestEvidence
from slakit._time._instant import describe_us
from slakit._time._timeline import Span, Timeline
from slakit.exceptions import EvaluationError

__all__ = [
    "MAX_LISTED_BUCKETS",
    "REASONS",
    "listed_buckets_error",
    "run_bucket_availability",
    "run_error_rate_uptime",
    "run_latency_percentile",
    "run_request_ratio",
]

register_records((Request,), RequestTable, RequestTable.from_records)

I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]

# Row codes: what one request did in one measure.
GOOD: Final = 0
BAD_SERVER: Final = 1
BAD_CLIENT: Final = 2
BAD_SLOW: Final = 3
EXCLUDED_CLIENT: Final = 4
EXCLUDED_SERVER: Final = 5
NO_LATENCY_ROW: Final = 6
OUTSIDE: Final = 7
NOT_COVERED: Final = 8
NCODES: Final = 9
#: The reason of each row code, as counted in the reconciliation.
REASONS: Final = (
    "good",
    "bad: server error",
    "bad: client error",
    "bad: too slow",
    "excluded: client error",
    "excluded: server error",
    "ignored: no latency recorded",
    "ignored: outside the period",
    "ignored: service not covered",
)
CATEGORIES: Final = ("counted",) * 4 + ("excluded",) * 2 + ("ignored",) * 3
_COUNTED: Final = 4  # codes below this are counted


# --- classification ----------------------------------------------------------------------


@attrs.frozen(eq=False)
class Classified:
    """Each request's code in one measure, and the counts per service and code.

    ``code`` is ``None`` when every request is good (no lookup was needed);
    ``sidx`` maps each row to the measure's service index (``S`` when not covered);
    ``per_code`` has shape ``(S + 1, NCODES)``.
    """

    code: I8 | None
    sidx: npt.NDArray[np.integer[Any]]
    per_code: I64
    all_counted: bool

    def codes(self, n: int) -> I8:
        """Return the code column (materialised)."""
        return self.code if self.code is not None else np.zeros(n, dtype=np.int8)


def _treat(treatment: str, bad: int, excluded: int) -> int:
    return {"good": GOOD, "bad": bad, "excluded": excluded}[treatment]


def _rules(measure: Measure) -> tuple[int, int, tuple[int, bool] | None, bool]:
    """Return (client code, server code, latency bound, needs latency) of a measure."""
    if isinstance(measure, LatencyPercentile):
        client = "good" if measure.client_errors == "counted" else "excluded"
        server = "good" if measure.server_errors == "counted" else "excluded"
        return (
            _treat(client, BAD_CLIENT, EXCLUDED_CLIENT),
            _treat(server, BAD_SERVER, EXCLUDED_SERVER),
            None,
            True,
        )
    assert isinstance(measure, RequestMeasure)
    bound = measure.latency_bound
    return (
        _treat(measure.client_errors, BAD_CLIENT, EXCLUDED_CLIENT),
        _treat(measure.server_errors, BAD_SERVER, EXCLUDED_SERVER),
        bound,
        bound is not None,
    )


def _service_index(table: RequestTable, services: tuple[str, ...]) -> tuple[Any, bool, I64]:
    """Return each row's service index, whether all are covered, and rows per index.

    A row of a service the measure does not cover gets index ``S``; the counts
    have ``S + 1`` entries. Derived once per table.
    """

    def build() -> tuple[Any, bool, I64]:
        s = len(services)
        if table.services == services:
            sidx = table.service
            covered = True
        else:
            position = {name: i for i, name in enumerate(services)}
            lut = np.asarray([position.get(x, s) for x in table.services], dtype=np.int32)
            sidx = lut[table.service] if len(table) else np.zeros(0, np.int32)
            covered = bool((lut < s).all())
        per = np.bincount(sidx, weights=table.weights(), minlength=s + 1)
        return sidx, covered, per.astype(np.int64)

    result: tuple[Any, bool, I64] = table.derived(("sidx", services), build)
    return result


def _time_range(table: RequestTable) -> tuple[int, int]:
    def build() -> tuple[int, int]:
        if not len(table):
            return (0, -1)
        return int(table.time.min()), int(table.time.max())

    result: tuple[int, int] = table.derived("time range", build)
    return result


def classify(measure: Measure, table: RequestTable, ctx: Context) -> Classified:
    """Return the code of every request in ``measure`` (cached per table and rules)."""
    rules = _rules(measure)
    key = ("classify", rules, ctx.services, ctx.start, ctx.period.end)
    result: Classified = table.derived(key, lambda: _classify(rules, table, ctx))
    return result


def _classify(
    rules: tuple[int, int, tuple[int, bool] | None, bool], table: RequestTable, ctx: Context
) -> Classified:
    client, server, bound, needs_latency = rules
    n = len(table)
    s = len(ctx.services)
    sidx, covered, per_service = _service_index(table, ctx.services)
    code: I8 | None = None
    if client == GOOD and server != GOOD:
        code = (table.outcome == SERVER_ERROR).view(np.int8)
        if server != 1:
            code *= np.int8(server)
    elif (client, server) != (GOOD, GOOD):
        code = np.asarray([GOOD, client, server], dtype=np.int8)[table.outcome]
    if bound is not None:
        limit, inclusive = bound
        slow = table.latency > limit if inclusive else table.latency >= limit
        code = _mark(code, n, slow if code is None else slow & (code == GOOD), BAD_SLOW)
    if needs_latency and table.missing_latency:
        missing = table.latency == NO_LATENCY
        code = _mark(
            code, n, missing if code is None else missing & (code < _COUNTED), NO_LATENCY_ROW
        )
    lo, hi = _time_range(table)
    if n and (lo < ctx.start or hi >= ctx.period.end):
        outside = (table.time < ctx.start) | (table.time >= ctx.period.end)
        code = _mark(code, n, outside, OUTSIDE)
    if not covered:
        code = _mark(code, n, sidx == s, NOT_COVERED)
    per_code = np.zeros((s + 1, NCODES), dtype=np.int64)
    if code is not None:
        rows = np.flatnonzero(code)  # the few rows that are not plainly good
        flat = sidx[rows].astype(np.int64) * NCODES + code[rows]
        weights = table.weights(rows)
        per_code = np.bincount(flat, weights, minlength=(s + 1) * NCODES)
        per_code = per_code.astype(np.int64).reshape(s + 1, NCODES)
    per_code[:, GOOD] = per_service - per_code[:, 1:].sum(axis=1)
    all_counted = int(per_code[:, _COUNTED:].sum()) == 0
    return Classified(code=code, sidx=sidx, per_code=per_code, all_counted=all_counted)


def _mark(code: I8 | None, n: int, where: npt.NDArray[np.bool_], value: int) -> I8:
    if code is None:
        code = np.zeros(n, dtype=np.int8)
    code[where] = value
    return code


def counts_of(cls: Classified, n: int) -> dict[str, dict[str, int]]:
    """Return the reconciliation counts: rows, categories and reasons."""
    totals = cls.per_code.sum(axis=0)
    categories = {"counted": 0, "excluded": 0, "ignored": 0}
    reasons: dict[str, int] = {}
    for code, count in enumerate(totals.tolist()):
        if count:
            categories[CATEGORIES[code]] += count
            reasons[REASONS[code]] = count
    return {"rows": {"rows": n}, "categories": categories, "reasons": reasons}


# --- buckets -----------------------------------------------------------------------------

#: Per-(service, bucket) arrays are built only while they have at most this many cells
#: per input row (plus ``DENSE_CELLS_FLOOR``): then one ``bincount`` is the fastest way
#: to count, and its cost is bounded by the rows. Beyond that, only the occupied buckets
#: are found, by one sort of the rows' cells, so the cost grows with the requests, never
#: with the number of buckets in the period.
DENSE_CELLS_PER_ROW: Final = 4
DENSE_CELLS_FLOOR: Final = 1 << 16
#: The most buckets per service per period of a measure whose evidence lists every bucket,
#: empty ones too (bucket availability whose empty buckets are bad or excluded). Each
#: listed bucket is a note of about 260 bytes: a service's evidence stays near 500 MB.
MAX_LISTED_BUCKETS: Final = 2_000_000


def _dense(cells: int, rows: int) -> bool:
    """Return whether per-cell arrays of ``cells`` cost no more than ``rows`` rows do."""
    return cells <= DENSE_CELLS_PER_ROW * rows + DENSE_CELLS_FLOOR


@attrs.frozen(eq=False)
class Buckets:
    """Counted requests and bad requests per (service, bucket) of the evaluated range.

    Dense: ``requests`` and ``errors`` have shape ``(services, count)``, one
    entry per bucket. Sparse (``service`` and ``bucket`` given): one entry per
    occupied bucket (at least one counted request), in (service, bucket)
    order; every other bucket is empty. Measures read either through the
    methods, so both give the same figures.
    """

    origin: int
    size: int
    first: int
    count: int
    services: int
    requests: I64
    errors: I64
    service: I64 | None = None
    bucket: I64 | None = None

    def per_service(self, where: npt.NDArray[np.bool_]) -> I64:
        """Return how many buckets ``where`` holds (a mask like ``requests``) per service."""
        if self.service is None:
            dense: I64 = where.sum(axis=1).astype(np.int64)
            return dense
        sparse: I64 = np.bincount(self.service[where], minlength=self.services).astype(np.int64)
        return sparse

    def occupied(self) -> I64:
        """Return how many buckets with counted requests each service has."""
        if self.service is None:
            return self.per_service(self.requests > 0)
        counts: I64 = np.bincount(self.service, minlength=self.services).astype(np.int64)
        return counts

    def of(self, i: int) -> tuple[I64, I64, I64]:
        """Return service ``i``'s occupied buckets: (bucket, requests, errors), in bucket order."""
        if self.service is None or self.bucket is None:
            at: I64 = np.flatnonzero(self.requests[i]).astype(np.int64)
            return at, self.requests[i][at], self.errors[i][at]
        lo, hi = np.searchsorted(self.service, [i, i + 1]).tolist()
        return self.bucket[lo:hi], self.requests[lo:hi], self.errors[lo:hi]

    def with_errors(self) -> tuple[I64, I64, I64]:
        """Return (service, requests, errors) of every bucket with bad requests."""
        if self.service is None:
            svc, b = np.nonzero(self.errors)
            return svc.astype(np.int64), self.requests[svc, b], self.errors[svc, b]
        has = self.errors > 0
        return self.service[has], self.requests[has], self.errors[has]

    def span(self, b: int, lo: int, hi: int) -> tuple[int, int]:
        """Return bucket ``b``'s span, clipped to ``[lo, hi)``."""
        start = self.origin + (self.first + b) * self.size
        return max(start, lo), min(start + self.size, hi)


def _grid(ctx: Context, size: int) -> tuple[int, int, int]:
    """Return (origin, first bucket, number of buckets) of the evaluated range."""
    origin = ctx.period.start
    first = (ctx.start - origin) // size
    last = -((origin - ctx.period.end) // size)
    return origin, first, last - first


def _cells(cls: Classified, table: RequestTable, ctx: Context, size: int) -> I64:
    """Return each row's (service, bucket) cell ``service * buckets + bucket`` (cached).

    Raises:
        EvaluationError: the cells of every service do not fit one ``int64``.
    """
    origin, first, nb = _grid(ctx, size)
    if nb * (len(ctx.services) + 1) >= 2**62:
        raise EvaluationError(
            f"{len(ctx.services)} services x {nb:,} buckets of {describe_us(size)} in period "
            f"{ctx.period.label} exceed one pass; evaluate fewer services at a time, or a "
            "shorter period"
        )

    def build() -> I64:
        cell: I64 = np.subtract(table.time, origin + first * size)
        cell //= size
        cell += cls.sidx * np.int64(nb) if nb * (len(ctx.services) + 1) >= 2**31 else cls.sidx * nb
        return cell

    key = ("cells", ctx.services, origin, size, first, nb)
    result: I64 = table.derived(key, build)
    return result


def bucket_counts(cls: Classified, table: RequestTable, ctx: Context, size: int) -> Buckets:
    """Return the counted requests and bad requests of every (service, bucket).

    Dense per-cell ``bincount`` arrays while they are small next to the table
    (``_dense()``), else the occupied buckets only, by one sort of the counted
    rows' cells.
    """
    origin, first, nb = _grid(ctx, size)
    s = len(ctx.services)
    cell = _cells(cls, table, ctx, size)
    cells = s * nb
    code = cls.code
    weights = table.weights()
    grid = functools.partial(Buckets, origin=origin, size=size, first=first, count=nb, services=s)
    if _dense(cells, len(table)):
        if code is None:
            requests = np.bincount(cell, weights, minlength=cells)
            errors = np.zeros(cells, dtype=np.int64)
        else:
            if not cls.all_counted:
                cell = np.where(code < _COUNTED, cell, cells)
            requests = np.bincount(cell, weights, minlength=cells + 1)[:cells]
            rows = np.flatnonzero(code)
            rows = rows[code[rows] < _COUNTED]  # the bad requests
            errors = np.bincount(cell[rows], table.weights(rows), minlength=cells)
        return grid(
            requests=requests.astype(np.int64).reshape(s, nb),
            errors=errors.astype(np.int64).reshape(s, nb),
        )
    bad: npt.NDArray[np.bool_] | None = None
    if code is not None:
        if not cls.all_counted:
            keep = code < _COUNTED
            cell, code = cell[keep], code[keep]
            weights = None if weights is None else weights[keep]
        bad = code != GOOD
    key, inverse, requests = np.unique(cell, return_inverse=True, return_counts=True)
    inverse = np.ravel(inverse)
    if weights is not None:
        requests = np.bincount(inverse, weights, minlength=key.shape[0])
    if bad is None:
        errors = np.zeros(key.shape[0], dtype=np.int64)
    else:
        errors = np.bincount(
            inverse[bad], None if weights is None else weights[bad], minlength=key.shape[0]
        )
    return grid(
        requests=requests.astype(np.int64),
        errors=errors.astype(np.int64),
        service=key // nb,
        bucket=key % nb,
    )


# --- shared helpers ----------------------------------------------------------------------


def _column(values: list[int]) -> Any:
    """Return Python integers as an int64 column, or an object column if any is too big."""
    if all(-(2**63) <= v < 2**63 for v in values):
        return np.asarray(values, dtype=np.int64)
    return np.asarray(values, dtype=object)


def _counted(cls: Classified, s: int) -> I64:
    counted: I64 = cls.per_code[:s, :_COUNTED].sum(axis=1)
    return counted


def _service_requests(cls: Classified, i: int) -> dict[str, int]:
    return {REASONS[c]: int(v) for c, v in enumerate(cls.per_code[i].tolist()) if v}


def _uncounted_rows(cls: Classified, table: RequestTable, i: int) -> npt.NDArray[np.intp]:
    if cls.all_counted or cls.code is None:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero((cls.sidx == i) & (cls.code >= _COUNTED))


def _evaluated(ctx: Context) -> Timeline:
    return Timeline([Span(ctx.start, ctx.period.end)])


def _shown(measure: Measure, good: int, total: int) -> str:
    return "no data" if total == 0 else measure.format_value(Fraction(good, total))


@attrs.frozen(eq=False)
class _Run:
    """One request measure over one table: what every runner reads and builds alike.

    A runner starts one with ``_start()``, computes its ``good`` and ``total``
    columns, and builds each service's evidence with ``evidence()`` and the
    outcome with ``outcome()``.
    """

    measure: Measure
    ctx: Context
    table: RequestTable
    cls: Classified

    def notes(self, rows: npt.NDArray[np.intp] | None = None) -> list[EventNote]:
        """Return what each of ``rows`` did in the measure (``None``: every row)."""
        table = self.table
        code = self.cls.codes(len(table))
        chosen = canonical(table, rows, then=(code,))  # by facts, never by position
        out = []
        for row in chosen.tolist():
            c = int(code[row])
            latency = int(table.latency[row])
            time = int(table.time[row])
            status = int(table.status[row])
            what = OUTCOMES[int(table.outcome[row])]
            shown = f"status {status}, {what}" if status != NO_STATUS else what
            out.append(
                EventNote(
                    where=table.where(row),
                    kind="request",
                    service=table.services[int(table.service[row])],
                    start=time,
                    end=time + max(latency, 0),
                    category=CATEGORIES[c],
                    reason=f"{REASONS[c]} ({shown})",
                    amount_us=max(latency, 0),
                )
            )
        return out

    def evidence(
        self,
        i: int,
        *,
        detail: str,
        value: str,
        eligible: Timeline | None = None,
        down: Timeline | None = None,
        excluded: Timeline | None = None,
        excluded_by: str = "",
        buckets: tuple[BucketNote, ...] = (),
        counts: BucketCounts | None = None,
    ) -> RequestEvidence:
        """Return service ``i``'s evidence: its uncounted requests, its counts, and the rest.

        ``eligible`` defaults to the evaluated span, ``down`` and ``excluded`` to nothing.
        """
        return RequestEvidence(
            service=self.ctx.services[i],
            measure=self.measure,
            eligible=_evaluated(self.ctx) if eligible is None else eligible,
            down=Timeline() if down is None else down,
            excluded=Timeline() if excluded is None else excluded,
            excluded_by=excluded_by,
            outside_window=Timeline(),
            events=tuple(self.notes(_uncounted_rows(self.cls, self.table, i))),
            requests=_service_requests(self.cls, i),
            buckets=buckets,
            detail=detail,
            value=value,
            counts=counts,
        )

    def outcome(
        self, good: Any, total: Any, evidence_of: Callable[[int], MeasureEvidence]
    ) -> MeasureOutcome:
        """Return the measure's outcome: the columns, lazy evidence, notes and counts."""
        return MeasureOutcome(
            measure=self.measure,
            services=self.ctx.services,
            good=good,
            total=total,
            evidence_of=evidence_of,
            notes=self.notes,
            counts=counts_of(self.cls, self.table.requests),
        )


class MeasuredRequests(RequestTable):
    """Requests held once per measure, each table compacted to what its measure reads.

    What an incremental state (``_engine/_incremental``) gives the engine: the
    table itself holds every request once (for the reconciliation), and
    ``by_measure`` holds, per request measure, a table that the measure
    evaluates exactly as it would the rows they stand for.
    """

    __slots__ = ("by_measure",)

    by_measure: Mapping[Measure, RequestTable]

    def __init__(self, base: RequestTable, by_measure: Mapping[Measure, RequestTable]) -> None:
        """Wrap ``base`` (every request once) and the per-measure tables."""
        super().__init__(
            service=base.service,
            services=base.services,
            time=base.time,
            status=base.status,
            outcome=base.outcome,
            latency=base.latency,
            count=base.count,
            where=base.where_names(),
            copy=False,
        )
        object.__setattr__(self, "by_measure", dict(by_measure))

    def of(self, measure: Measure) -> RequestTable:
        """Return the table ``measure`` reads.

        Raises:
            EvaluationError: the state kept no table for this measure.
        """
        table = self.by_measure.get(measure)
        if table is None:
            raise EvaluationError(
                f"an incremental state kept no requests for {measure!r}; evaluate this "
                "agreement over the request rows with slakit.evaluate()"
            )
        return table

    def before(self, now: int) -> MeasuredRequests:
        """Return the requests recorded before ``now``, in every table."""
        base = self.taken(np.flatnonzero(self.time < now))
        kept = {m: t.taken(np.flatnonzero(t.time < now)) for m, t in self.by_measure.items()}
        return MeasuredRequests(base, kept)


def _start(measure: Measure, inputs: Inputs, ctx: Context) -> _Run:
    """Return the run of ``measure`` over the request table of ``inputs`` (empty if none)."""
    table = inputs.get(RequestTable)
    if isinstance(table, MeasuredRequests):
        table = table.of(measure)
    if table is None:
        table = RequestTable.from_records([])
    return _Run(measure=measure, ctx=ctx, table=table, cls=classify(measure, table, ctx))


# --- success ratio and latency share -----------------------------------------------------


@register(RequestRatio)
def run_request_ratio(measure: Measure, inputs: Inputs, ctx: Context) -> MeasureOutcome:
    """Evaluate a success ratio or latency share: good / counted requests per service."""
    assert isinstance(measure, RequestRatio)
    run = _start(measure, inputs, ctx)
    s = len(ctx.services)
    good = np.ascontiguousarray(run.cls.per_code[:s, GOOD])
    counted = _counted(run.cls, s)
    few = counted < measure.min_requests  # too few to read a ratio from: no data
    good = np.where(few, 0, good)
    total = np.where(few, 0, counted)

    def evidence_of(i: int) -> RequestEvidence:
        g, t = int(run.cls.per_code[i, GOOD]), int(counted[i])
        detail = f"{g} good of {t} counted requests"
        if few[i] and t:  # some requests, too few to read a ratio from (none: plainly no data)
            detail += (
                f": fewer than the {measure.min_requests} the measure reads a ratio from, so "
                "there is no data"
            )
        return run.evidence(i, detail=detail, value=_shown(measure, int(good[i]), int(total[i])))

    return run.outcome(good, total, evidence_of)


# --- bucketed availability ---------------------------------------------------------------


def _over(measure: BucketAvailability, n: I64, e: I64) -> npt.NDArray[np.bool_]:
    """Return where buckets of ``n`` requests and ``e`` errors are over the error-rate bound.

    Such a bucket is down unless it has too few requests; an empty one is never over.
    """
    rate = Fraction(measure.max_error_rate)
    a, b = rate.numerator, rate.denominator
    if int(n.max(initial=0)) * max(a, b) >= 2**62:  # pragma: no cover - 2**62 requests
        n, e = n.astype(object), e.astype(object)
    over: npt.NDArray[np.bool_] = (
        np.asarray(e * b > n * a) if measure.down_when == ">" else np.asarray(e * b >= n * a)
    )
    return over


def _bucket_counts(
    measure: BucketAvailability, buckets: Buckets, i: int, ctx: Context
) -> BucketCounts:
    """Return service ``i``'s occupied buckets as columns, each judged as the value judges it."""
    at, requests, errors = buckets.of(i)
    start = buckets.origin + (buckets.first + at) * buckets.size
    down = _over(measure, requests, errors) & (requests >= measure.min_requests)
    return BucketCounts(
        start=np.maximum(start, ctx.start),
        end=np.minimum(start + buckets.size, ctx.period.end),
        requests=requests.astype(np.int64, copy=True),
        errors=errors.astype(np.int64, copy=True),
        down=down,
    )


def listed_buckets_error(
    measure: BucketAvailability, *, buckets: int, length_us: int, where: str
) -> str | None:
    """Return why ``measure`` cannot list ``buckets`` buckets of a period, or ``None``.

    A measure whose empty buckets are bad or excluded lists every empty bucket in
    its evidence, so its cost grows with the number of buckets: at most
    ``MAX_LISTED_BUCKETS`` per service per period. ``length_us`` is the length
    of the period the buckets cut, for the smallest bucket that would do.
    """
    if measure.empty == "good" or buckets <= MAX_LISTED_BUCKETS:
        return None
    least = -(-length_us // MAX_LISTED_BUCKETS)
    unit = 1_000_000 if least > 1_000_000 else 1000 if least > 1000 else 1
    least = -(-least // unit) * unit  # a round figure: whole seconds or milliseconds
    return (
        f"{measure!r}: bucket={measure.bucket!r} cuts {where} into {buckets:,} buckets per "
        f"service, more than the {MAX_LISTED_BUCKETS:,} a bucket availability with "
        f"empty={measure.empty!r} may have (its evidence lists every empty bucket); use a "
        f"bucket of at least {describe_us(least)}, or empty='good' (empty buckets are then "
        "good, and not listed)"
    )


def _availability_notes(
    measure: BucketAvailability, buckets: Buckets, i: int, ctx: Context
) -> list[BucketNote]:
    """Return service ``i``'s buckets that are not plainly good, in bucket order.

    Its occupied buckets are judged by the same ``_over()`` as the value: a
    bucket is ``"down"`` when over the bound with at least ``min_requests``
    requests, ``"good"`` when over the bound with fewer (never down); an empty
    bucket is ``"bad"`` or ``"excluded"`` by the measure's ``empty`` rule
    (empty good buckets are not listed).
    """
    occupied, requests, errors = buckets.of(i)
    over = _over(measure, requests, errors)
    is_down = over & (requests >= measure.min_requests)
    listed = np.flatnonzero(over)  # occupied buckets, in bucket order
    at = occupied[listed]
    if measure.empty != "good":  # every empty bucket (at most MAX_LISTED_BUCKETS)
        empty = np.setdiff1d(np.arange(buckets.count, dtype=np.int64), occupied)
        at = np.concatenate((at, empty))
        listed = np.concatenate((listed, np.full(empty.shape[0], -1, dtype=listed.dtype)))
        order = np.argsort(at, kind="stable")
        at, listed = at[order], listed[order]
    op = ">" if measure.down_when == ">" else ">="
    bound = format_percent(measure.max_error_rate)
    out: list[BucketNote] = []
    for b, k in zip(at.tolist(), listed.tolist(), strict=True):
        start, end = buckets.span(b, ctx.start, ctx.period.end)
        if k < 0:
            verdict = "bad" if measure.empty == "bad" else "excluded"
            rule = "count as bad" if verdict == "bad" else "are excluded"
            reason = f"no counted requests; empty buckets {rule}"
            out.append(BucketNote(start, end, 0, 0, verdict, reason))
            continue
        req, err = int(requests[k]), int(errors[k])
        if is_down[k]:
            verdict = "down"
            reason = f"error rate {format_percent(Fraction(err, req))} {op} {bound}"
        else:
            verdict = "good"
            reason = (
                f"error rate {format_percent(Fraction(err, req))} {op} {bound}, but fewer "
                f"than {measure.min_requests} requests: never down"
            )
        out.append(BucketNote(start, end, req, err, verdict, reason))
    return out


@register(BucketAvailability)
def run_bucket_availability(measure: Measure, inputs: Inputs, ctx: Context) -> MeasureOutcome:
    """Evaluate bucketed availability: good buckets / eligible buckets per service.

    Only occupied buckets are looked at; the empty ones are counted by
    arithmetic (every bucket of the period minus the occupied ones).

    Raises:
        EvaluationError: the measure lists every bucket (its empty buckets are
            bad or excluded) and the period holds more than ``MAX_LISTED_BUCKETS``.
    """
    assert isinstance(measure, BucketAvailability)
    nb = _grid(ctx, measure.bucket.us)[2]
    problem = listed_buckets_error(
        measure,
        buckets=nb,
        length_us=ctx.period.end - ctx.period.start,
        where=f"period {ctx.period.label}",
    )
    if problem is not None:
        raise EvaluationError(problem)
    run = _start(measure, inputs, ctx)
    s = len(ctx.services)
    buckets = bucket_counts(run.cls, run.table, ctx, measure.bucket.us)
    down = _over(measure, buckets.requests, buckets.errors)
    down &= buckets.requests >= measure.min_requests
    n_down = buckets.per_service(down)
    n_empty = nb - buckets.occupied()
    if measure.empty == "good":
        good, total = nb - n_down, np.full(s, nb, dtype=np.int64)
    elif measure.empty == "bad":
        good, total = nb - n_down - n_empty, np.full(s, nb, dtype=np.int64)
    else:
        good, total = nb - n_down - n_empty, nb - n_empty
    has_data = _counted(run.cls, s) > 0
    good = np.where(has_data, good, 0).astype(np.int64)
    total = np.where(has_data, total, 0).astype(np.int64)

    def evidence_of(i: int) -> RequestEvidence:
        out: list[BucketNote] = []
        if has_data[i]:
            out = _availability_notes(measure, buckets, i, ctx)
        down_spans = [(n.start, n.end) for n in out if n.verdict in ("down", "bad")]
        excluded = Timeline([(n.start, n.end) for n in out if n.verdict == "excluded"])
        g, t = int(good[i]), int(total[i])
        return run.evidence(
            i,
            eligible=_evaluated(ctx) - excluded,
            down=Timeline(down_spans),
            excluded=excluded,
            excluded_by="empty buckets are excluded" if excluded else "",
            buckets=tuple(out),
            detail=f"{g} good of {t} eligible buckets ({nb} buckets in the period)",
            value=_shown(measure, g, t),
            counts=_bucket_counts(measure, buckets, i, ctx) if has_data[i] else None,
        )

    return run.outcome(good, total, evidence_of)


# --- error-rate uptime -------------------------------------------------------------------


def _rate_sums(buckets: Buckets, s: int) -> list[Fraction]:
    """Return, per service, the exact sum of its buckets' error rates.

    Buckets are grouped by their number of requests, so the Python arithmetic
    runs once per distinct (service, request count), never per bucket.
    """
    svc, n, e = buckets.with_errors()
    sums = [Fraction(0)] * s
    if not svc.shape[0]:
        return sums
    top = int(n.max()) + 1
    keys, inverse = np.unique(svc.astype(np.int64) * top + n, return_inverse=True)
    err_sum = np.zeros(keys.shape[0], dtype=np.int64)
    np.add.at(err_sum, inverse, e)
    by_service: dict[int, list[tuple[int, int]]] = {}
    for key, total in zip(keys.tolist(), err_sum.tolist(), strict=True):
        by_service.setdefault(key // top, []).append((key % top, total))
    for i, terms in by_service.items():
        common = math.lcm(*(count for count, _ in terms))
        numerator = sum(total * (common // count) for count, total in terms)
        sums[i] = Fraction(numerator, common)
    return sums


def _error_rate_notes(buckets: Buckets, i: int, ctx: Context) -> list[BucketNote]:
    """Return service ``i``'s buckets with errors: the terms of the value's sum of rates.

    The rows are the non-zero entries of the same ``errors`` array that
    ``_rate_sums()`` adds up, so their rates sum to the value's. A bucket whose
    every counted request was bad is ``"down"`` (a whole bucket of down time);
    one with some bad requests is ``"partial"`` (that share of a bucket).
    """
    at, requests, errors = buckets.of(i)
    out: list[BucketNote] = []
    for k in np.flatnonzero(errors).tolist():
        start, end = buckets.span(int(at[k]), ctx.start, ctx.period.end)
        req, err = int(requests[k]), int(errors[k])
        rate = Fraction(err, req)
        if rate == 1:
            verdict, reason = "down", "error rate 100%: counts as a whole bucket down"
        else:
            verdict = "partial"
            reason = f"error rate {format_percent(rate)}: counts as {rate} of a bucket down"
        out.append(BucketNote(start, end, req, err, verdict, reason))
    return out


@register(ErrorRateUptime)
def run_error_rate_uptime(measure: Measure, inputs: Inputs, ctx: Context) -> MeasureOutcome:
    """Evaluate error-rate uptime: 1 - the average of per-bucket error rates."""
    assert isinstance(measure, ErrorRateUptime)
    run = _start(measure, inputs, ctx)
    s = len(ctx.services)
    buckets = bucket_counts(run.cls, run.table, ctx, measure.bucket.us)
    nb = buckets.count
    sums = _rate_sums(buckets, s)
    has_data = (_counted(run.cls, s) > 0).tolist()
    values = [1 - rate / nb if ok else None for rate, ok in zip(sums, has_data, strict=True)]
    good = _column([0 if v is None else v.numerator for v in values])
    total = _column([0 if v is None else v.denominator for v in values])

    def evidence_of(i: int) -> RequestEvidence:
        out = _error_rate_notes(buckets, i, ctx)
        value = values[i]
        return run.evidence(
            i,
            down=Timeline([(n.start, n.end) for n in out if n.verdict == "down"]),
            buckets=tuple(out),
            detail=(
                f"sum of bucket error rates {sums[i]} over {nb} buckets; "
                f"uptime = 1 - {sums[i]} / {nb}"
            ),
            value="no data" if value is None else measure.format_value(value),
        )

    return run.outcome(good, total, evidence_of)


# --- latency percentiles -----------------------------------------------------------------


def _sorted_keys(group: Any, latency: I64, n_groups: int) -> tuple[Any, int]:
    """Return packed ``group << bits | latency`` keys in ascending order, and ``bits``.

    One sort orders every group's latencies; the key is ``uint32`` when it fits
    (half the memory traffic of ``int64``), else ``int64``; a ``lexsort``
    stands in when even that is too narrow.
    """
    if not latency.shape[0]:
        return latency, 0
    bits = max(int(latency.max()).bit_length(), 1)
    width = max(n_groups - 1, 1).bit_length() + bits
    if width <= 32:
        key32 = group.astype(np.uint32)
        key32 <<= np.uint32(bits)
        key32 |= latency.astype(np.uint32)
        key32.sort()
        return key32, bits
    if width <= 63:
        key = group.astype(np.int64)
        key <<= bits
        key |= latency
        key.sort()
        return key, bits
    order = np.lexsort((latency, group))  # latencies of years: too wide to pack
    return latency[order], 64


def percentile_at(
    values: Any,
    bits: int,
    starts: I64,
    counts: I64,
    *,
    q: Fraction,
    method: str,
    ends: I64 | None = None,
) -> tuple[I64, int]:
    """Return each group's percentile as numerators over one denominator.

    ``values`` holds every group's latencies in ascending order, group after
    group, in the low ``bits`` of each key (``bits == 64``: plain latencies);
    group ``k`` occupies ``values[starts[k] : starts[k] + counts[k]]``
    (``counts[k] > 0``). Returns ``(numerators, denominator)``: the exact
    percentile of group ``k`` is ``numerators[k] / denominator``.

    Rows that stand for several requests: ``ends[j]`` is the running count of
    requests up to and including ``values[j]``; ``starts`` and ``counts`` are
    then in requests, and the request at rank ``r`` is the first row whose end
    exceeds ``r``.
    """
    a, b = q.numerator, q.denominator

    def at(index: I64) -> I64:
        if ends is not None:
            index = np.searchsorted(ends, index, side="right")
        picked = values[index]
        if bits < 64:
            picked = picked & ((1 << bits) - 1)
        out: I64 = picked.astype(np.int64)
        return out

    if method == "nearest_rank":
        return at(starts + (a * counts + b - 1) // b - 1), 1
    if method == "lower":
        return at(starts + a * (counts - 1) // b), 1
    if method == "higher":
        return at(starts + -((-a * (counts - 1)) // b)), 1
    lo = a * (counts - 1) // b
    frac = a * (counts - 1) - lo * b
    x_lo = at(starts + lo)
    x_hi = at(starts + np.minimum(lo + 1, counts - 1))
    return x_lo * b + frac * (x_hi - x_lo), b


def _weighted_groups(
    group: Any, latency: I64, weights: I64, n_groups: int
) -> tuple[Any, int, I64, I64, I64]:
    """Return ``_latency_groups()``'s values for rows that stand for ``weights`` requests each.

    One stable sort of the packed keys orders the rows; the fifth value is the
    running count of requests along that order (``percentile_at()``'s ``ends``).
    """
    cells, inverse, _ = np.unique(group, return_inverse=True, return_counts=True)
    inverse = np.ravel(inverse)
    bits = max(int(latency.max()).bit_length(), 1) if latency.shape[0] else 1
    if max(cells.shape[0] - 1, 1).bit_length() + bits <= 63:
        key = inverse.astype(np.int64) << bits | latency
        order = np.argsort(key, kind="stable")
        ordered: Any = key[order]
    else:
        order = np.lexsort((latency, inverse))
        ordered, bits = latency[order], 64
    counts = np.bincount(inverse, weights, minlength=cells.shape[0]).astype(np.int64)
    ends = np.cumsum(weights[order], dtype=np.int64)
    return ordered, bits, cells.astype(np.int64), counts, ends


def _latency_groups(
    group: Any, latency: I64, n_groups: int, *, per_service: I64 | None
) -> tuple[Any, int, I64, I64]:
    """Return ``_sorted_keys()``'s keys and bits, the groups with latencies, and their sizes.

    The groups with latencies are in ascending order. ``per_service`` gives the
    counts when groups are services. Buckets are counted by ``bincount`` while
    per-group arrays are small next to the rows, else numbered by one sort of
    the rows' groups, so the buckets without requests cost nothing.
    """
    if per_service is None and not _dense(n_groups, group.shape[0]):
        cells, inverse, counts = np.unique(group, return_inverse=True, return_counts=True)
        ordered, bits = _sorted_keys(np.ravel(inverse), latency, cells.shape[0])
        return ordered, bits, cells.astype(np.int64), counts.astype(np.int64)
    ordered, bits = _sorted_keys(group, latency, n_groups)
    if per_service is None:
        per_service = np.bincount(group, minlength=n_groups)[:n_groups].astype(np.int64)
    filled: I64 = np.flatnonzero(per_service).astype(np.int64)
    return ordered, bits, filled, per_service[filled]


@register(LatencyPercentile)
def run_latency_percentile(measure: Measure, inputs: Inputs, ctx: Context) -> MeasureOutcome:
    """Evaluate a latency percentile per service, over the period or the worst bucket.

    Per bucket, only the buckets with requests are found (by ``bincount`` while
    per-cell arrays are small next to the table, else by one sort).
    """
    assert isinstance(measure, LatencyPercentile)
    run = _start(measure, inputs, ctx)
    table, cls = run.table, run.cls
    s = len(ctx.services)
    q = Fraction(measure.q)
    if measure.per is None:
        n_groups, nb, origin, first = s, 1, 0, 0
        group: Any = cls.sidx
    else:
        origin, first, nb = _grid(ctx, measure.per.us)
        n_groups = s * nb
        group = _cells(cls, table, ctx, measure.per.us)
    latency = table.latency
    weights = table.weights()
    if not cls.all_counted:
        keep = cls.codes(len(table)) < _COUNTED
        group, latency = group[keep], latency[keep]
        weights = None if weights is None else weights[keep]
    ends: I64 | None = None
    if weights is None:
        ordered, bits, filled, counts = _latency_groups(
            group, latency, n_groups, per_service=_counted(cls, s) if measure.per is None else None
        )
    else:
        ordered, bits, filled, counts, ends = _weighted_groups(group, latency, weights, n_groups)
    starts = (np.cumsum(counts) - counts).astype(np.int64)
    numer, denom = percentile_at(
        ordered, bits, starts, counts, q=q, method=measure.method, ends=ends
    )
    best = np.full(s, -1, dtype=np.int64)
    np.maximum.at(best, filled // nb, numer)
    has = best >= 0
    good = np.where(has, best, 0).astype(np.int64)
    total = np.where(has, denom, 0).astype(np.int64)

    def evidence_of(i: int) -> RequestEvidence:
        in_service = (filled >= i * nb) & (filled < (i + 1) * nb)
        detail = "no requests with a latency"
        bucket_notes: tuple[BucketNote, ...] = ()
        if has[i]:
            k = int(np.flatnonzero(in_service & (numer == best[i]))[0])
            group_k = int(filled[k])
            n_k = int(counts[k])
            value = format_latency(Fraction(int(best[i]), denom))
            detail = (
                f"{measure.method.replace('_', ' ')} percentile {format_percent(q)} of "
                f"{n_k} latencies = {value}"
            )
            if measure.per is not None:
                lo = origin + (first + group_k % nb) * measure.per.us
                span = (max(lo, ctx.start), min(lo + measure.per.us, ctx.period.end))
                detail += f", in the worst of {int(in_service.sum())} buckets with requests"
                bucket_notes = (
                    BucketNote(span[0], span[1], n_k, 0, "worst", f"percentile {value}"),
                )
        return run.evidence(
            i,
            buckets=bucket_notes,
            detail=detail,
            value=_shown(measure, int(good[i]), int(total[i])),
        )

    return run.outcome(good, total, evidence_of)
