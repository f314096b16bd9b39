"""Incremental evaluation: an immutable state fed batches of rows, reporting at any time.

A state belongs to one agreement and one billing period. ``add()`` takes
batches of input rows in any order and size and returns a new state;
``report()`` evaluates what the state holds with the batch engine, and the
report equals ``evaluate()`` over the same rows (in the order they were added)
value for value and byte for byte in every rendering; ``status()`` is the
period in progress; ``to_bytes()`` and ``from_bytes()`` persist a state.

What a state holds
------------------

Requests, the input that comes by the hundred million, are compacted per
request measure to what that measure reads, so memory is bounded by the
services, the buckets and the distinct latencies, not by the requests:

- a request that every request measure counts is added to one row per
  measure keyed by its service, its outcome, its time to the measure's
  grain (the measure's bucket, or none for a measure over the whole period)
  and its latency to what the measure reads (exact for a percentile; slow or
  not for a latency bound; nothing otherwise), with a ``count``;
- a request that some measure does not count (outside the period, of a
  service a measure does not cover, without a latency a measure needs, an
  error a measure excludes) is kept as it is, with where it came from,
  because the report lists each such row.

A grain is chosen so that every decision of the engine is the same for the
compacted row as for the rows it stands for: buckets start at the period's
start, a multiple of the grain, and a compacted row's time is the start of
its cell (or the agreement's effective instant when that is later). With
``resolution=`` every measure's grain also divides the resolution, which is
what ``status()`` needs to clip requests at ``now`` and at the start of each
burn window.

Outages, maintenance, deployments and probe samples are kept as rows
(outages are few; an outage's records may come in different batches and
only the whole set decides its spans). Tickets, claims, charges and
corrections are given whole to ``report()`` and ``status()``.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Final, cast

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._agreement import Agreement
from slakit._dsl._composites import Composite
from slakit._dsl._measures import Measure
from slakit._dsl._requests import (
    BucketAvailability,
    ErrorRateUptime,
    LatencyPercentile,
    RequestMeasure,
)
from slakit._engine._inputs import Inputs, Tables, as_inputs
from slakit._engine._registry import Context
from slakit._engine._requests import _COUNTED, MeasuredRequests, classify
from slakit._events._billing import ChargeTable
from slakit._events._claims import ClaimTable
from slakit._events._columns import RowNames
from slakit._events._corrections import CorrectionTable
from slakit._events._probes import ProbeTable
from slakit._events._requests import MAX_REQUESTS, NO_STATUS, RequestTable
from slakit._events._table import EventTable
from slakit._events._tickets import TicketTable
from slakit._time._instant import Duration, InstantLike, describe_us, format_us, to_us
from slakit._time._periods import Period
from slakit.exceptions import EvaluationError

__all__ = ["FORMAT", "EvaluationState", "start"]

I64 = npt.NDArray[np.int64]

#: The name and version of the bytes ``to_bytes()`` writes.
FORMAT: Final = "slakit-state/1"
#: Kinds given whole to ``report()`` and ``status()``, never to ``add()``.
WHOLE: Final = (TicketTable, ClaimTable, ChargeTable, CorrectionTable)
#: Compacting through one dense ``bincount`` while its cells are at most this many.
_DENSE_CELLS: Final = 1 << 22


# --- what a request measure reads -------------------------------------------------------------


@attrs.frozen
class _Shape:
    """What one request measure reads of a counted request, besides its service and outcome.

    ``grain``: the length of a time cell, from the period's start (``None``:
    time does not matter); ``latency``: ``"exact"``, ``"bound"`` (``limit`` and
    ``inclusive``: slow when above, or at or above, the limit) or ``"none"``.
    """

    grain: int | None
    latency: str
    limit: int = 0
    inclusive: bool = True


def _request_measures(measures: Iterable[Measure]) -> list[Measure]:
    """Return the distinct request measures among ``measures`` and inside their composites."""
    found: dict[Measure, None] = {}

    def walk(measure: Measure) -> None:
        if isinstance(measure, RequestMeasure | LatencyPercentile):
            found.setdefault(measure)
        elif isinstance(measure, Composite):
            walk(measure.measure)

    for measure in measures:
        walk(measure)
    return list(found)


def _covered(measure: Measure, agreement: Agreement) -> tuple[str, ...]:
    """Return the services ``measure`` covers, as the engine's plan gives them."""
    service: str | None = getattr(measure, "service", None)
    return agreement.services if service is None else (service,)


def _shape(measure: Measure, resolution: int | None) -> _Shape:
    bucket: int | None = None
    if isinstance(measure, BucketAvailability | ErrorRateUptime):
        bucket = measure.bucket.us
    elif isinstance(measure, LatencyPercentile) and measure.per is not None:
        bucket = measure.per.us
    grain = bucket
    if resolution is not None:
        grain = resolution if bucket is None else math.gcd(bucket, resolution)
    if isinstance(measure, LatencyPercentile):
        return _Shape(grain, "exact")
    assert isinstance(measure, RequestMeasure)
    bound = measure.latency_bound
    if bound is None:
        return _Shape(grain, "none")
    return _Shape(grain, "bound", bound[0], bound[1])


# --- one measure's compacted requests ---------------------------------------------------------


@attrs.frozen(eq=False)
class _Counts:
    """Counted requests of one measure: unique (service, cell, outcome, latency) keys, counted."""

    service: npt.NDArray[np.int32]
    cell: I64
    outcome: npt.NDArray[np.int8]
    latency: I64
    count: I64

    @classmethod
    def empty(cls) -> _Counts:
        z = np.zeros(0, np.int64)
        return cls(np.zeros(0, np.int32), z, np.zeros(0, np.int8), z, z)

    def __len__(self) -> int:
        return int(self.count.shape[0])

    @property
    def nbytes(self) -> int:
        return sum(int(a.nbytes) for a in attrs.astuple(self, recurse=False))


def _merged(parts: Sequence[_Counts], services: int) -> _Counts:
    """Return the counts of ``parts`` together, one row per distinct key."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return _Counts.empty()
    service = np.concatenate([p.service for p in parts])
    cell = np.concatenate([p.cell for p in parts])
    outcome = np.concatenate([p.outcome for p in parts])
    latency = np.concatenate([p.latency for p in parts])
    count = np.concatenate([p.count for p in parts])
    cells = int(cell.max()) + 1
    levels = int(latency.max()) + 1
    radix = (max(services, 1), cells, 3, levels)
    if math.prod(radix) < 2**62:
        key = service.astype(np.int64)  # the one copy: the rest is added in place
        key *= cells
        key += cell
        key *= 3
        key += outcome
        key *= levels
        key += latency
        if math.prod(radix) <= max(_DENSE_CELLS, 2 * key.shape[0]):
            summed = np.bincount(key, count, minlength=math.prod(radix))
            unique = np.flatnonzero(summed)
            total = summed[unique]
        else:
            unique, inverse = np.unique(key, return_inverse=True)
            total = np.bincount(np.ravel(inverse), count, minlength=unique.shape[0])
        unique = unique.astype(np.int64)
        rest, lat = np.divmod(unique, levels)
        rest, out = np.divmod(rest, 3)
        svc, cel = np.divmod(rest, cells)
    else:  # too wide to pack: sort the columns
        order = np.lexsort((latency, outcome.astype(np.int64), cell, service.astype(np.int64)))
        columns = [c[order] for c in (service, cell, outcome, latency)]
        change = np.ones(order.shape[0], dtype=bool)
        change[1:] = np.any([c[1:] != c[:-1] for c in columns], axis=0)
        starts = np.flatnonzero(change)
        svc, cel, out, lat = (c[starts] for c in columns)
        total = np.add.reduceat(count[order], starts)
    return _Counts(
        svc.astype(np.int32),
        cel.astype(np.int64),
        out.astype(np.int8),
        lat.astype(np.int64),
        np.asarray(total).astype(np.int64),
    )


# --- the state --------------------------------------------------------------------------------


@attrs.frozen(eq=False)
class _Terms:
    """What a state evaluates: the agreement, the period and how requests are compacted."""

    agreement: Agreement
    period: Period
    start: int
    resolution: int | None
    measures: tuple[Measure, ...]
    shapes: tuple[_Shape, ...]
    contexts: tuple[Context, ...]

    @classmethod
    def of(cls, agreement: Agreement, period: Period | str, resolution: Duration | None) -> _Terms:
        from slakit._engine._plan import _single_version, compile_agreement, evaluated_from

        resolved = agreement.period.resolve(period)
        plan = (
            _single_version(agreement, resolved)
            if agreement.amendments
            else compile_agreement(agreement)
        )
        terms = plan.agreement
        start = evaluated_from(terms, resolved)
        r: int | None = None
        if resolution is not None:
            given: object = resolution
            if not isinstance(given, Duration) or given.us <= 0:
                raise EvaluationError(
                    f"resolution={resolution!r} must be a positive duration such as minutes(1)"
                )
            r = resolution.us
        measures = tuple(_request_measures(plan.measures))
        contexts = tuple(
            Context(agreement=terms, period=resolved, start=start, services=_covered(m, terms))
            for m in measures
        )
        return cls(
            agreement=agreement,
            period=resolved,
            start=start,
            resolution=r,
            measures=measures,
            shapes=tuple(_shape(m, r) for m in measures),
            contexts=contexts,
        )


@attrs.frozen(eq=False, repr=False)
class EvaluationState:
    """The state of an incremental evaluation of one agreement over one period.

    Start one with [`slakit.start()`][slakit.start] (or ``Plan.start()``), feed
    it batches with ``add()``, and read it with ``report()`` or ``status()``.
    A state is immutable: ``add()`` and ``merge()`` return a new state. Memory
    is bounded by the services, buckets and distinct latencies for requests
    (see the module notes on what is kept as rows); ``nbytes`` says what a
    state holds.

    The report equals [`slakit.evaluate()`][slakit.evaluate] over the same rows,
    in the order they were added, in every value and rendering (rows without
    names of their own are named as in one table of all the rows:
    ``row 12`` for requests, ``record 3`` for events). The fingerprint differs:
    a state keeps counts, not the rows the fingerprint hashes, so
    ``report().fingerprint`` is ``None``; and ``report().events()``, which lists
    what every input row did, lists the rows the state holds: the requests some
    measure did not count, one by one, and the counted ones as compacted rows
    (each for ``count`` requests, with no name).
    """

    _terms: _Terms
    _services: tuple[str, ...]
    _counts: tuple[_Counts, ...]
    _exact: tuple[RequestTable, ...]  # the kept rows, batch by batch (joined when read)
    _events: EventTable | None
    _probes: ProbeTable | None
    _request_rows: int
    _event_rows: int
    _probe_rows: int

    # --- construction ---------------------------------------------------------------------

    @classmethod
    def _new(cls, terms: _Terms) -> EvaluationState:
        return cls(
            terms,
            (),
            tuple(_Counts.empty() for _ in terms.measures),
            (),
            None,
            None,
            0,
            0,
            0,
        )

    @property
    def agreement(self) -> Agreement:
        """The agreement the state evaluates."""
        return self._terms.agreement

    @property
    def period(self) -> Period:
        """The billing period."""
        return self._terms.period

    @property
    def resolution(self) -> int | None:
        """The grain of request times that ``status()`` reads at, in microseconds (or ``None``)."""
        return self._terms.resolution

    @property
    def rows(self) -> dict[str, int]:
        """The input rows added so far, by kind (requests count the rows given, not ``count``)."""
        return {
            "events": self._event_rows,
            "requests": self._request_rows,
            "probes": self._probe_rows,
        }

    @property
    def requests(self) -> int:
        """The requests added so far (a row with a ``count`` stands for that many)."""
        first = self._counts[0] if self._counts else None
        compacted = int(first.count.sum()) if first is not None else 0
        return compacted + sum(part.requests for part in self._exact)

    @property
    def services(self) -> tuple[str, ...]:
        """Every service name the added requests named, in the order first seen."""
        return self._services

    @property
    def held(self) -> dict[str, int]:
        """The compacted rows each request measure keeps, by the measure's DSL call.

        Each is at most services x buckets x outcomes x latencies (a percentile's
        distinct latencies; two sides of a latency bound; one otherwise), where
        buckets are the measure's buckets, or the resolution's cells when given.
        """
        return {repr(m): len(c) for m, c in zip(self._terms.measures, self._counts, strict=True)}

    @property
    def kept_rows(self) -> int:
        """The request rows kept as they are (rows some measure does not count)."""
        return sum(len(part) for part in self._exact)

    @property
    def nbytes(self) -> int:
        """The bytes of the arrays the state holds (row names aside)."""
        held = sum(c.nbytes for c in self._counts)
        for table in (*self._exact, self._events, self._probes):
            if table is not None:
                held += sum(
                    int(getattr(table, name).nbytes)
                    for name in dir(table)
                    if isinstance(getattr(table, name, None), np.ndarray)
                )
        return held

    def __repr__(self) -> str:
        return (
            f"<EvaluationState {self.agreement.title!r} {self.period.label}: "
            f"{self.requests} requests ({self.kept_rows} rows kept), "
            f"{self._event_rows} events, {self._probe_rows} probe samples>"
        )

    # --- feeding ------------------------------------------------------------------------------

    def add(self, *tables: object) -> EvaluationState:
        """Return the state with the rows of ``tables`` added.

        ``tables`` are request tables, event tables and probe tables (or lists
        of records), of any size, in any order, several of a kind too; an
        outage's records may come in different batches, and rows for earlier
        buckets may come late.

        Raises:
            EvaluationError: a ticket, claim, charge or correction table (give
                those whole to ``report()`` and ``status()``), or an input of no
                known kind.
        """
        state = self
        found = [table for given in tables for table in as_inputs([given]).tables.values()]
        for table in found:  # several tables of one kind are batches one after the other
            if isinstance(table, WHOLE):
                raise EvaluationError(
                    f"{type(table).__name__} is given whole to report() and status(), not "
                    "added in batches; only requests, events and probe samples are"
                )
            if isinstance(table, RequestTable):
                state = state._with_requests(table)
            elif isinstance(table, EventTable):
                state = attrs.evolve(
                    state,
                    events=_joined(state._events, table, state._event_rows, "record"),
                    event_rows=state._event_rows + len(table),
                )
            elif isinstance(table, ProbeTable):
                state = attrs.evolve(
                    state,
                    probes=_joined_probes(state._probes, table, state._probe_rows),
                    probe_rows=state._probe_rows + len(table),
                )
            else:  # pragma: no cover - as_inputs() knows no other kind
                raise EvaluationError(f"cannot add {type(table).__name__} to a state")
        return state

    def _with_requests(self, table: RequestTable) -> EvaluationState:
        n = len(table)
        if not n:
            return attrs.evolve(self)
        if self.requests + table.requests >= MAX_REQUESTS:
            raise EvaluationError(f"a state holds fewer than {MAX_REQUESTS:,} requests")
        terms = self._terms
        names = list(self._services)
        position = {name: i for i, name in enumerate(names)}
        for name in table.services:
            if name not in position:
                position[name] = len(names)
                names.append(name)
        lut = np.asarray([position[name] for name in table.services], dtype=np.int32)
        service = lut[table.service] if table.services else np.zeros(0, np.int32)
        keep = np.zeros(n, dtype=bool) if terms.measures else np.ones(n, dtype=bool)
        for measure, ctx in zip(terms.measures, terms.contexts, strict=True):
            cls = classify(measure, table, ctx)
            if not cls.all_counted and cls.code is not None:
                keep |= cls.code >= _COUNTED
        kept = np.flatnonzero(keep)
        exact = self._exact
        if kept.size:  # a part of its own: the rows kept before are not copied again
            rows = table.taken(
                kept,
                service=service[kept],
                services=names,
                where=_names(table, kept, self._request_rows, "row"),
            )
            exact = (*exact, rows)
        counted = np.flatnonzero(~keep) if kept.size else None
        weights = table.count if table.count is not None else np.ones(n, np.int64)
        counts = []
        for shape, old in zip(terms.shapes, self._counts, strict=True):
            new = _batch_counts(
                shape, terms.period.start, table, service, weights=weights, rows=counted
            )
            counts.append(_merged([old, new], len(names)))
        return attrs.evolve(
            self,
            services=tuple(names),
            counts=tuple(counts),
            exact=exact,
            request_rows=self._request_rows + n,
        )

    def merge(self, *others: EvaluationState) -> EvaluationState:
        """Return the state holding the rows of this state and ``others``, in that order.

        The counts of every state are merged at once (one pass per measure, however
        many states). Rows keep their names: rows without names of their own are
        numbered as each state numbered them, so states built apart are best fed
        named rows (``file:row``, as the readers name them).

        Raises:
            EvaluationError: the states are of different agreements, periods or resolutions.
        """
        a = self._terms
        for other in others:
            b = other._terms
            if (a.agreement, a.period, a.resolution) != (b.agreement, b.period, b.resolution):
                raise EvaluationError(
                    "only states of one agreement, period and resolution merge; these differ"
                )
        if not others:
            return self
        names = list(self._services)
        position = {name: i for i, name in enumerate(names)}
        recoded: list[list[_Counts]] = [list(self._counts)]
        exact = list(self._exact)
        for other in others:
            for name in other._services:
                if name not in position:
                    position[name] = len(names)
                    names.append(name)
            lut = np.asarray([position[name] for name in other._services], dtype=np.int32)
            recoded.append(
                [attrs.evolve(c, service=lut[c.service]) if len(c) else c for c in other._counts]
            )
            exact.extend(  # the other's kept rows too are coded in its own names
                part.taken(
                    np.arange(len(part)),
                    service=lut[part.service],
                    services=names,
                    where=part.where_names(),
                )
                for part in other._exact
            )
        counts = tuple(
            _merged([parts[m] for parts in recoded], len(names)) for m in range(len(self._counts))
        )
        state = attrs.evolve(
            self,
            services=tuple(names),
            counts=counts,
            exact=tuple(exact),
            request_rows=self._request_rows + sum(o._request_rows for o in others),
        )
        for other in others:
            if other._events is not None:
                state = attrs.evolve(
                    state,
                    events=_joined(state._events, other._events, state._event_rows, "record"),
                    event_rows=state._event_rows + other._event_rows,
                )
            if other._probes is not None:
                state = attrs.evolve(
                    state,
                    probes=_joined_probes(state._probes, other._probes, state._probe_rows),
                    probe_rows=state._probe_rows + other._probe_rows,
                )
        return state

    # --- reading ------------------------------------------------------------------------------

    def inputs(self, *whole: object) -> Inputs:
        """Return what the engine reads: the state's tables and ``whole`` ones."""
        tables = Tables()
        given = as_inputs(whole)
        for table_type, table in given.tables.items():
            if not isinstance(table, WHOLE):
                raise EvaluationError(
                    f"{type(table).__name__} rows are added to the state with add(); give "
                    "report() and status() only tickets, claims, charges and corrections"
                )
            tables[table_type] = table
        requests = self._requests()
        if requests is not None:
            tables[RequestTable] = requests
        if self._events is not None:
            tables[EventTable] = self._events
        if self._probes is not None:
            tables[ProbeTable] = self._probes
        return Inputs(tables)

    def _requests(self) -> RequestTable | None:
        if not self._request_rows:
            return None
        terms = self._terms
        names = self._services
        exact = _concat_requests(self._exact, names) if self._exact else _no_requests(names)
        if not terms.measures:
            return exact
        by_measure = {}
        for measure, shape, counts in zip(terms.measures, terms.shapes, self._counts, strict=True):
            table = _counts_table(shape, counts, terms, names)
            by_measure[measure] = (
                table if not len(exact) else _concat_requests([exact, table], names)
            )
        base = by_measure[terms.measures[0]]
        return MeasuredRequests(base, by_measure)

    def report(self, *whole: object, strict: bool = False) -> Any:
        """Return the report of the period over what the state holds.

        Args:
            whole: the tickets, claims, charges and corrections, each one whole table.
            strict: as for [`evaluate()`][slakit.evaluate].
        """
        from slakit._engine._plan import compile_agreement

        report = compile_agreement(self.agreement).evaluate(
            self.inputs(*whole), period=self.period, strict=strict
        )
        return report.with_fingerprint(lambda: None)  # type: ignore[arg-type, return-value]

    def status(self, *whole: object, now: InstantLike, **options: Any) -> Any:
        """Return the period in progress as of ``now`` (see [`slakit.status()`][slakit.status]).

        A state reads requests at its ``resolution``: ``now`` and every burn
        window must fall on that grid (``now`` a whole number of resolutions
        after the period's start).

        Raises:
            EvaluationError: the state has no resolution, ``now`` or a window is
                off its grid, or ``rolling=`` is given (a state holds one period).
        """
        from slakit._engine._live import DEFAULT_WINDOWS, status
        from slakit._results._live import SRE_WORKBOOK_ALERTS

        at = to_us(now, name="now")
        if "rolling" in options or "period" in options:
            raise EvaluationError(
                "a state holds one billing period: status() reads that period, without "
                "rolling= or period="
            )
        r = self.resolution
        if self._request_rows and r is None:
            raise EvaluationError(
                "this state keeps no request times; start it with resolution=minutes(1) (or "
                "another grain) to read its status"
            )
        if r is not None:
            windows = options.get("windows", DEFAULT_WINDOWS)
            alerts = options.get("alerts", SRE_WORKBOOK_ALERTS)
            lengths = {*windows, *(w for a in alerts for w in (a.long, a.short))}
            off = sorted(w for w in lengths if w % r)
            if (at - self.period.start) % r or off:
                what = (
                    f"now={format_us(at)}"
                    if (at - self.period.start) % r
                    else f"the windows of {', '.join(describe_us(w) for w in off)}"
                )
                raise EvaluationError(
                    f"{what} fall off the state's grid of {describe_us(r)} from the period's "
                    "start; give instants and windows on it"
                )
        return status(self.agreement, self.inputs(*whole), now=at, period=self.period, **options)

    # --- bytes --------------------------------------------------------------------------------

    def to_bytes(self, *, compress: bool = True) -> bytes:
        """Return the state as bytes (``slakit-state/1``: a zip of arrays and one JSON header).

        ``compress=False`` skips the zip's compression (for states handed between
        processes, where the time matters more than the bytes).
        """
        from slakit._data._codec import to_data

        arrays: dict[str, npt.NDArray[Any]] = {}
        for i, counts in enumerate(self._counts):
            for name, column in zip(
                ("service", "cell", "outcome", "latency", "count"),
                attrs.astuple(counts, recurse=False),
                strict=True,
            ):
                arrays[f"m{i}.{name}"] = column
        header: dict[str, Any] = {
            "format": FORMAT,
            "agreement": to_data(self.agreement),
            "period": [self.period.label, self.period.tz, self.period.start, self.period.end],
            "resolution": self.resolution,
            "services": list(self._services),
            "measures": [repr(m) for m in self._terms.measures],
            "rows": [self._request_rows, self._event_rows, self._probe_rows],
        }
        if self._exact:
            header["exact"] = _request_header(_concat_requests(self._exact, self._services), arrays)
        if self._events is not None:
            header["events"] = _event_header(self._events, arrays)
        if self._probes is not None:
            header["probes"] = _probe_header(self._probes, arrays)
        arrays["header"] = np.frombuffer(
            json.dumps(header, ensure_ascii=False, sort_keys=True).encode(), dtype=np.uint8
        )
        out = io.BytesIO()
        save = np.savez_compressed if compress else np.savez
        save(out, **cast("dict[str, Any]", arrays))
        return out.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> EvaluationState:
        """Return the state ``to_bytes()`` wrote.

        Raises:
            EvaluationError: the bytes are not a state, or of another format version.
        """
        from slakit._data._codec import from_data

        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as found:
                arrays = {name: found[name] for name in found.files}
            header = json.loads(arrays.pop("header").tobytes().decode())
        except (OSError, ValueError, KeyError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
            raise EvaluationError(f"these bytes are not an evaluation state: {exc}") from None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise EvaluationError(
                f"these bytes are not an evaluation state of format {FORMAT} "
                f"(found {header.get('format') if isinstance(header, dict) else None!r})"
            )
        agreement = from_data(header["agreement"])
        label, tz, p0, p1 = header["period"]
        resolution = header["resolution"]
        terms = _Terms.of(
            agreement,
            Period(p0, p1, label, tz),
            None if resolution is None else Duration(resolution),
        )
        if [repr(m) for m in terms.measures] != header["measures"]:
            raise EvaluationError("the state's measures are not those of its agreement")
        counts = tuple(
            _Counts(
                arrays[f"m{i}.service"],
                arrays[f"m{i}.cell"],
                arrays[f"m{i}.outcome"],
                arrays[f"m{i}.latency"],
                arrays[f"m{i}.count"],
            )
            for i in range(len(terms.measures))
        )
        request_rows, event_rows, probe_rows = header["rows"]
        return cls(
            terms,
            tuple(header["services"]),
            counts,
            (_request_table(header["exact"], arrays),) if "exact" in header else (),
            _event_table(header["events"], arrays) if "events" in header else None,
            _probe_table(header["probes"], arrays) if "probes" in header else None,
            request_rows,
            event_rows,
            probe_rows,
        )


def start(
    agreement: Agreement, *, period: Period | str, resolution: Duration | None = None
) -> EvaluationState:
    """Start an incremental evaluation of ``agreement`` over one billing ``period``.

    Args:
        agreement: the agreement (with amendments, the version in force over
            the whole period).
        period: a label in the agreement's periods (``"2026-10"``) or a ``Period``.
        resolution: the grain at which the state keeps request times, for
            ``status()`` (``minutes(1)``: status at any whole minute). ``None``
            keeps only what the final report needs (the measures' buckets), the
            least memory.

    Returns:
        An empty [`EvaluationState`][slakit.EvaluationState].

    Raises:
        EvaluationError: the period is split by an amendment, or the agreement
            takes effect after it.

    Examples:
        >>> import slakit as sla
        >>> tier = sla.Tier("api", fee=sla.usd("100.00"), objectives=[sla.success_ratio() >= "99%"])
        >>> a = sla.Agreement(provider="P", customer="C", services=["api"], tier=tier)
        >>> state = sla.start(a, period="2026-10")
        >>> batch = [sla.Request("api", "2026-10-01T00:00:01Z", 200),
        ...          sla.Request("api", "2026-10-01T00:00:02Z", 503)]
        >>> state = state.add(batch).add([sla.Request("api", "2026-10-02T00:00:00Z", 200)])
        >>> state.report().objectives[0].value
        Fraction(2, 3)
    """
    return EvaluationState._new(_Terms.of(agreement, period, resolution))


# --- helpers ----------------------------------------------------------------------------------


class _Numbered(RowNames):
    """Rows without names of their own, numbered as in one table of every row added."""

    __slots__ = ("first", "rows", "word")

    def __init__(self, word: str, first: int, rows: int) -> None:
        self.word = word
        self.first = first
        self.rows = rows

    def __len__(self) -> int:
        return self.rows

    def name(self, i: int) -> str:
        return f"{self.word} {self.first + i}" if self.word else ""


class _Picked(RowNames):
    """The names of some rows of other names (kept rows of a batch)."""

    __slots__ = ("names", "picked")

    def __init__(self, names: Sequence[str], picked: npt.NDArray[np.intp]) -> None:
        self.names = names
        self.picked = picked

    def __len__(self) -> int:
        return int(self.picked.shape[0])

    def name(self, i: int) -> str:
        return self.names[int(self.picked[i])]


class _Chain(RowNames):
    """Names of parts one after the other (flattened: a chain of chains is one chain)."""

    __slots__ = ("bounds", "parts")

    parts: tuple[Sequence[str], ...]

    def __init__(self, parts: Sequence[Sequence[str]]) -> None:
        flat: list[Sequence[str]] = []
        for part in parts:
            flat.extend(part.parts if isinstance(part, _Chain) else [part])
        self.parts = tuple(flat)
        self.bounds = np.cumsum([0, *(len(p) for p in self.parts)])

    def __len__(self) -> int:
        return int(self.bounds[-1])

    def name(self, i: int) -> str:
        part = int(np.searchsorted(self.bounds, i, side="right")) - 1
        return self.parts[part][i - int(self.bounds[part])]


def _names(table: Any, rows: npt.NDArray[np.intp], offset: int, word: str) -> Sequence[str]:
    """Return the names of ``rows``: the table's own, else as rows of all the rows added.

    A list of names is copied for the rows kept (the rest of it can go); names made
    when asked (a file's rows) are kept as they are, with the rows picked.
    """
    own = table.where_names() if isinstance(table, RequestTable) else table._where
    if own is None:
        own = _Numbered(word, offset, len(table))
    elif not isinstance(own, RowNames):
        return [own[i] for i in rows.tolist()]
    return _Picked(own, rows)


def _no_requests(names: Sequence[str]) -> RequestTable:
    z = np.zeros(0, np.int64)
    return RequestTable(
        service=np.zeros(0, np.int32),
        services=names,
        time=z,
        status=np.zeros(0, np.int16),
        outcome=np.zeros(0, np.int8),
        latency=z,
        count=z,
        where=(),
        copy=False,
    )


def _concat_requests(tables: Sequence[RequestTable], names: Sequence[str]) -> RequestTable:
    """Return the rows of ``tables`` (coded in ``names``, or a prefix of them) as one table.

    ``count`` is kept where some table has one (the others' rows count once each).
    """
    where = _Chain([t.where_names() or _Numbered("row", 0, len(t)) for t in tables])
    counted = any(t.count is not None for t in tables)
    return RequestTable(
        service=np.concatenate([t.service for t in tables]),
        services=names,
        time=np.concatenate([t.time for t in tables]),
        status=np.concatenate([t.status for t in tables]),
        outcome=np.concatenate([t.outcome for t in tables]),
        latency=np.concatenate([t.latency for t in tables]),
        count=np.concatenate(
            [t.count if t.count is not None else np.ones(len(t), np.int64) for t in tables]
        )
        if counted
        else None,
        where=where,
        copy=False,
    )


def _batch_counts(
    shape: _Shape,
    origin: int,
    table: RequestTable,
    service: npt.NDArray[np.int32],
    *,
    weights: I64,
    rows: npt.NDArray[np.intp] | None,
) -> _Counts:
    """Return one measure's counts of the counted ``rows`` of a batch (``None``: every row)."""

    def pick(column: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return column if rows is None else column[rows]

    n = table.time.shape[0] if rows is None else rows.shape[0]
    if shape.grain is None:
        cell = np.zeros(n, np.int64)
    else:
        cell = (pick(table.time) - origin) // shape.grain
    if shape.latency == "exact":
        latency = pick(table.latency)
    elif shape.latency == "bound":
        raw = pick(table.latency)
        slow = raw > shape.limit if shape.inclusive else raw >= shape.limit
        latency = slow.astype(np.int64)
    else:
        latency = np.zeros(n, np.int64)
    return _Counts(
        pick(service).astype(np.int32),
        cell.astype(np.int64),
        pick(table.outcome).astype(np.int8),
        latency.astype(np.int64),
        pick(weights).astype(np.int64),
    )


def _counts_table(
    shape: _Shape, counts: _Counts, terms: _Terms, names: Sequence[str]
) -> RequestTable:
    """Return a measure's counts as a request table the measure evaluates as the rows."""
    if shape.grain is None:
        time = np.full(len(counts), terms.start, np.int64)
    else:
        time = np.maximum(terms.period.start + counts.cell * shape.grain, terms.start)
    if shape.latency == "bound":  # a latency on the right side of the bound
        slow_value = shape.limit + 1 if shape.inclusive else shape.limit
        latency = np.where(counts.latency > 0, slow_value, 0).astype(np.int64)
    else:
        latency = counts.latency
    return RequestTable(
        service=counts.service,
        services=names,
        time=time,
        status=np.full(len(counts), NO_STATUS, np.int16),
        outcome=counts.outcome,
        latency=latency,
        count=counts.count,
        where=_Numbered("", 0, len(counts)),  # never named: a counted request is never listed
        copy=False,
    )


def _joined(old: EventTable | None, new: EventTable, offset: int, word: str) -> EventTable:
    own = new._where
    if own is None:
        new = EventTable._adopt(
            kind=new.kind,
            service=new.service,
            services=new.services,
            start=new.start,
            end=new.end,
            announced=new.announced,
            state=new.state,
            states=new.states,
            affected=new.affected,
            affected_levels=new.affected_levels,
            where=_Numbered(word, offset, len(new)),
        )
    return new if old is None else EventTable.concat([old, new])


def _joined_probes(old: ProbeTable | None, new: ProbeTable, offset: int) -> ProbeTable:
    own = new._where
    if own is None:  # numbered as rows of every sample added
        new = _concat_probes([new], where=_Numbered("row", offset, len(new)))
    return new if old is None else _concat_probes([old, new])


def _concat_probes(tables: Sequence[ProbeTable], where: Sequence[str] | None = None) -> ProbeTable:
    """Return the samples of ``tables`` as one table, their names merged (first seen first)."""

    def merged(vocabularies: list[tuple[str, ...]]) -> tuple[list[str], list[Any]]:
        position: dict[str, int] = {}
        for vocabulary in vocabularies:
            for name in vocabulary:
                position.setdefault(name, len(position))
        luts = [np.asarray([position[n] for n in v], np.int32) for v in vocabularies]
        return list(position), luts

    services, s_luts = merged([t.services for t in tables])
    metrics, m_luts = merged([t.metrics for t in tables])
    return ProbeTable(
        service=np.concatenate(
            [lut[t.service] if len(t) else t.service for t, lut in zip(tables, s_luts, strict=True)]
        ),
        services=services,
        time=np.concatenate([t.time for t in tables]),
        metric=np.concatenate(
            [lut[t.metric] if len(t) else t.metric for t, lut in zip(tables, m_luts, strict=True)]
        ),
        metrics=metrics,
        value=np.concatenate([t.value for t in tables]),
        where=where
        if where is not None
        else _Chain([t._where or _Numbered("row", 0, len(t)) for t in tables]),
        copy=False,
    )


# --- bytes of the kept tables -----------------------------------------------------------------


def _request_header(table: RequestTable, arrays: dict[str, npt.NDArray[Any]]) -> dict[str, Any]:
    for name in ("service", "time", "status", "outcome", "latency"):
        arrays[f"exact.{name}"] = getattr(table, name)
    if table.count is not None:
        arrays["exact.count"] = table.count
    return {"services": list(table.services), "where": [table.where(i) for i in range(len(table))]}


def _request_table(header: Mapping[str, Any], arrays: Mapping[str, Any]) -> RequestTable:
    return RequestTable(
        service=arrays["exact.service"],
        services=header["services"],
        time=arrays["exact.time"],
        status=arrays["exact.status"],
        outcome=arrays["exact.outcome"],
        latency=arrays["exact.latency"],
        count=arrays.get("exact.count"),
        where=header["where"],
        copy=False,
    )


def _event_header(table: EventTable, arrays: dict[str, npt.NDArray[Any]]) -> dict[str, Any]:
    for name in ("kind", "service", "start", "end", "announced", "state", "affected"):
        arrays[f"events.{name}"] = np.asarray(getattr(table, name))
    return {
        "services": list(table.services),
        "states": list(table.states),
        "affected_levels": [str(level) for level in table.affected_levels],
        "where": table.where_all(),
    }


def _event_table(header: Mapping[str, Any], arrays: Mapping[str, Any]) -> EventTable:
    return EventTable._adopt(
        kind=arrays["events.kind"],
        service=arrays["events.service"],
        services=header["services"],
        start=arrays["events.start"],
        end=arrays["events.end"],
        announced=arrays["events.announced"],
        state=arrays["events.state"],
        states=header["states"],
        affected=arrays["events.affected"],
        affected_levels=[Decimal(level) for level in header["affected_levels"]],
        where=header["where"],
    )


def _probe_header(table: ProbeTable, arrays: dict[str, npt.NDArray[Any]]) -> dict[str, Any]:
    for name in ("service", "time", "metric", "value"):
        arrays[f"probes.{name}"] = getattr(table, name)
    return {
        "services": list(table.services),
        "metrics": list(table.metrics),
        "where": [table.where(i) for i in range(len(table))],
    }


def _probe_table(header: Mapping[str, Any], arrays: Mapping[str, Any]) -> ProbeTable:
    return ProbeTable(
        service=arrays["probes.service"],
        services=header["services"],
        time=arrays["probes.time"],
        metric=arrays["probes.metric"],
        metrics=header["metrics"],
        value=arrays["probes.value"],
        where=header["where"],
        copy=False,
    )
