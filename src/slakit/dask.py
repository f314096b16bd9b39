"""Run slakit on a Dask cluster: each partition evaluated where it is, the states merged exactly.

The adapter (the extra ``slakit[dask]``, on ``dask.distributed``) evaluates
one agreement over partitioned inputs: a Parquet dataset (a directory, a glob
or a list of files, one partition per file) or any Dask DataFrame (one
partition per partition). Each partition becomes an incremental state (see
[`slakit.start()`][slakit.start]) on the worker that holds or reads it; the
states are merged in a tree, in the order of the partitions, and the merged
state gives the report or the status. Merging is exact (counts are integers,
rows are kept as rows), so the result equals the run of the same function
without a cluster, and ``slakit.evaluate()`` over one table of every row,
byte for byte in every rendering but the fingerprint (which a state does not
keep; see [`EvaluationState`][slakit.EvaluationState]).

No partitioning is needed for correctness: an outage recorded in two
partitions, a service whose requests are split across files, maintenance
notices stored apart from outages are all merged like any other rows, with no
shuffle. For speed, partitions of similar sizes, each at most a few million
rows, keep every worker busy; the merge costs the size of the states
(services x buckets x distinct latencies for requests), not of the rows.

Examples:
    >>> import slakit.dask  # doctest: +SKIP
    >>> from distributed import Client  # doctest: +SKIP
    >>> client = Client("tcp://scheduler:8786")  # doctest: +SKIP
    >>> requests = slakit.dask.partitions("s3://logs/2026-10/", "requests")  # doctest: +SKIP
    >>> report = slakit.dask.evaluate(agreement, requests, period="2026-10", client=client)
    ... # doctest: +SKIP
"""

from __future__ import annotations

import concurrent.futures
import glob
import importlib
import json
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np

from slakit._dsl._agreement import Agreement
from slakit._engine._incremental import EvaluationState, start
from slakit._io._frames import frame_columns, is_frame
from slakit._io._schemas import build
from slakit._io._sources import EXTENSIONS, Columns, Rows, renamed
from slakit._time._instant import Duration, InstantLike, to_us
from slakit._time._periods import Period
from slakit.exceptions import EvaluationError
from slakit.io import BATCHED_KINDS, read_table

__all__ = [
    "EXTRA",
    "Partitions",
    "PortfolioRun",
    "evaluate",
    "partitions",
    "run",
    "state",
    "status",
]

#: How to install what this module needs.
EXTRA: Final = "the extra slakit[dask]; from a checkout of slakit: pip install -e '.[dask]'"
#: The resolution of a status's states unless told: a minute.
MINUTE: Final = Duration(60_000_000)
#: States merged per task of the merge tree.
FAN_IN: Final = 8


def _distributed() -> Any:
    """Return ``dask.distributed``, or raise the error that names the extra to install."""
    try:
        return importlib.import_module("distributed")
    except ImportError:
        raise EvaluationError(
            f"running on a Dask cluster needs dask.distributed: install {EXTRA}"
        ) from None


@attrs.frozen(eq=False)
class Partitions:
    """One input of one kind, in partitions: files of a dataset, or a Dask DataFrame's partitions.

    Make one with [`partitions()`][slakit.dask.partitions].

    Attributes:
        kind: the kind of input (``"requests"``, ``"events"``, ``"outages"``, ...).
        name: names the partitions in row names and task keys (``requests[3]:row 17``).
        files: the files, one partition each (empty for a data frame).
        frame: the Dask DataFrame, or ``None``.
    """

    kind: str
    name: str
    files: tuple[str, ...] = ()
    frame: Any = None
    columns: dict[str, str] | None = None
    epoch_unit: str | None = None
    services: tuple[str, ...] | None = None
    format: str | None = None

    @property
    def count(self) -> int:
        """The number of partitions."""
        return len(self.files) if self.frame is None else int(self.frame.npartitions)


def partitions(
    source: str | Path | Sequence[str | Path] | Any,
    kind: str,
    *,
    name: str | None = None,
    columns: dict[str, str] | None = None,
    epoch_unit: str | None = None,
    services: Sequence[str] | None = None,
    format: str | None = None,
) -> Partitions:
    """Return ``source`` as partitions of one kind of input.

    Args:
        source: a Dask DataFrame; a directory (its files of one format, at any
            depth, in sorted order; files of no input format, such as a
            ``_SUCCESS`` marker, are not partitions); a glob (``"logs/2026-10/*.parquet"``); a
            list of files; or one file. A file is read by the worker that
            evaluates it, so the workers must see the paths (a shared disk, or
            object storage that pyarrow reads).
        kind: ``"requests"``, ``"probes"``, ``"events"``, ``"outages"``,
            ``"maintenance"`` or ``"deployments"`` (the kinds a state takes in
            batches; give tickets, claims, charges and corrections whole to
            ``evaluate(..., whole=[...])``).
        name: names a data frame's partitions in row names (``requests[3]:row
            17``); default: the kind. Files name their rows themselves
            (``part-3.parquet:row 17``).
        columns: renames, as for [`slakit.io.read_table()`][slakit.io.read_table].
        epoch_unit: the unit of integer time columns, as for ``read_table()``.
        services: the names of integer service codes, as for ``read_table()``.
        format: the files' format, as for ``read_table()`` (default: each file's extension).

    Raises:
        ValueError: the kind is not taken in batches, or the source holds no file.
    """
    if kind not in BATCHED_KINDS:
        raise ValueError(
            f"kind={kind!r} is not taken in partitions; the kinds are {', '.join(BATCHED_KINDS)} "
            "(give tickets, claims, charges and corrections whole, with whole=[...])"
        )
    given: dict[str, Any] = {
        "kind": kind,
        "name": name or kind,
        "columns": dict(columns) if columns else None,
        "epoch_unit": epoch_unit,
        "services": None if services is None else tuple(services),
        "format": format,
    }
    if hasattr(source, "to_delayed") and hasattr(source, "npartitions"):
        return Partitions(frame=source, **given)
    if isinstance(source, str | Path):
        files = _files(str(source))
    else:
        files = [str(path) for path in source]
    if not files:
        raise ValueError(f"{source!r} holds no file to read")
    return Partitions(files=tuple(files), **given)


def _files(source: str) -> list[str]:
    """Return the files a path, a directory or a glob names, in sorted order."""
    if any(c in source for c in "*?["):
        return sorted(glob.glob(source, recursive=True))
    path = Path(source)
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS)
        suffixes = {EXTENSIONS[p.suffix.lower()] for p in found}
        if len(suffixes) > 1:
            raise ValueError(
                f"{source!r} holds files of several formats ({', '.join(sorted(suffixes))}); "
                "give a glob or a list of the files to read"
            )
        return [str(p) for p in found]
    return [source]


# --- what runs on a worker --------------------------------------------------------------------


def _table(part: Any, spec: Partitions, index: int) -> Any:
    """Return one partition as the table of its kind, its rows named."""
    if isinstance(part, str):
        return read_table(
            part,
            spec.kind,
            format=spec.format,
            columns=spec.columns,
            epoch_unit=spec.epoch_unit,
            services=spec.services,
        )
    if not is_frame(part):
        raise EvaluationError(
            f"partition {index} of {spec.name} is a {type(part).__name__}, not a data frame"
        )
    read = renamed(frame_columns(part), spec.columns)
    label = f"{spec.name}[{index}]"
    named = Columns(data=read.data, where=Rows(label, len(part)), source=label)
    return build(spec.kind, named, epoch_unit=spec.epoch_unit, services=spec.services)


def _partition_state(  # noqa: PLR0917 - a task's arguments, passed by Dask in order
    part: Any,
    spec: Partitions,
    index: int,
    agreement: Agreement,
    period: Period,
    resolution: Duration | None,
) -> bytes:
    """Return the state of one partition, as bytes."""
    table = _table(part, spec, index)
    state = start(agreement, period=period, resolution=resolution).add(table)
    return state.to_bytes(compress=False)


def _merged(*blobs: bytes) -> bytes:
    """Return the states ``blobs`` merged in order, as bytes."""
    first, *rest = (EvaluationState.from_bytes(blob) for blob in blobs)
    return first.merge(*rest).to_bytes(compress=False)


# --- what runs on the client ------------------------------------------------------------------


def state(
    agreement: Agreement,
    *sources: Partitions,
    period: Period | str,
    client: Any = None,
    resolution: Duration | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> EvaluationState:
    """Return the incremental state of ``agreement`` over every partition of ``sources``.

    Args:
        agreement: the agreement.
        sources: the inputs, from [`partitions()`][slakit.dask.partitions].
        period: the billing period (a label or a ``Period``).
        client: a ``distributed.Client`` (of a ``LocalCluster`` or an existing
            cluster); ``None`` runs every partition here, one after another.
        resolution: as for [`slakit.start()`][slakit.start].
        progress: called with (partitions done, partitions) as partitions finish.

    Raises:
        EvaluationError: a worker was lost more often than the cluster retries
            (``distributed.scheduler.allowed-failures``); nothing is returned.
        EventDataError: invalid rows in a partition, named by their file and row.
    """
    resolved = agreement.period.resolve(period)
    empty = start(agreement, period=resolved, resolution=resolution)  # checks the terms here
    work = [(spec, i) for spec in sources for i in range(spec.count)]
    if not work:
        return empty
    if client is None:
        states = []
        local = {id(s): _local_parts(s) for s in sources}
        for done, (spec, i) in enumerate(work, 1):
            blob = _partition_state(local[id(spec)][i], spec, i, agreement, resolved, resolution)
            states.append(EvaluationState.from_bytes(blob))
            if progress is not None:
                progress(done, len(work))
        return empty.merge(*states)
    distributed = _distributed()
    run = uuid.uuid4().hex[:8]
    futures: list[Any] = []
    held: list[Any] = []  # held until the end, so that a lost worker's results can be redone
    for spec in sources:
        parts: list[Any] = (
            list(spec.files) if spec.frame is None else client.compute(spec.frame.to_delayed())
        )
        held.extend(parts)
        futures.extend(
            client.submit(
                _partition_state,
                part,
                spec,
                i,
                agreement,
                resolved,
                resolution,
                key=f"slakit-state-{spec.name}-{i}-{run}",
                pure=False,
            )
            for i, part in enumerate(parts)
        )
    if progress is not None:
        _watch(distributed, futures, progress)
    level = 0
    while len(futures) > 1:
        level += 1
        futures = [
            client.submit(_merged, *futures[j : j + FAN_IN], key=f"slakit-merge-{level}-{j}-{run}")
            for j in range(0, len(futures), FAN_IN)
        ]
    try:
        blob = futures[0].result()
    except (distributed.KilledWorker, concurrent.futures.CancelledError) as lost:
        raise _lost(lost) from None
    return EvaluationState.from_bytes(blob)


def _lost(error: BaseException) -> EvaluationError:
    """Return the error of a run that lost a worker past the retries (or a task to it)."""
    task = getattr(error, "task", None) or getattr(error, "key", None) or str(error)
    return EvaluationError(
        f"a worker was lost while running {task!r} more often than the cluster retries "
        "(or a task was cancelled with it); nothing was returned (no partial result). "
        "Rerun, or raise distributed.scheduler.allowed-failures"
    )


def _local_parts(spec: Partitions) -> list[Any]:
    if spec.frame is None:
        return list(spec.files)
    return [part.compute() for part in spec.frame.to_delayed()]


def _watch(distributed: Any, futures: list[Any], progress: Callable[[int, int], None]) -> None:
    """Call ``progress`` as the partitions' states finish (in the client's event loop)."""
    total = len(futures)
    done = [0]

    def finished(_future: Any) -> None:
        done[0] += 1
        progress(done[0], total)

    for future in futures:
        future.add_done_callback(finished)


def evaluate(
    agreement: Agreement,
    *sources: Partitions,
    period: Period | str,
    client: Any = None,
    whole: Sequence[object] = (),
    strict: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Any:
    """Return the report of ``agreement`` over every partition of ``sources``.

    The same report as ``slakit.evaluate()`` over one table of every row (the
    fingerprint aside), whatever the partitions and however many workers.

    Args:
        agreement: the agreement.
        sources: the inputs, from [`partitions()`][slakit.dask.partitions].
        period: the billing period.
        client: a ``distributed.Client``, or ``None`` to run here.
        whole: tickets, claims, charges and corrections, each one whole table.
        strict: as for [`slakit.evaluate()`][slakit.evaluate].
        progress: called with (partitions done, partitions).
    """
    found = state(agreement, *sources, period=period, client=client, progress=progress)
    return found.report(*whole, strict=strict)


def status(
    agreement: Agreement,
    *sources: Partitions,
    now: InstantLike,
    period: Period | str | None = None,
    client: Any = None,
    resolution: Duration = MINUTE,
    whole: Sequence[object] = (),
    **options: Any,
) -> Any:
    """Return the period in progress as of ``now`` over every partition of ``sources``.

    The states keep request times to ``resolution`` (a minute unless told);
    ``now`` and the burn windows fall on that grid. ``period`` is the one that
    holds ``now`` unless given (give it with ``now`` at its end to read a period
    that has just closed). ``options`` are those of
    [`EvaluationState.status()`][slakit.EvaluationState.status]
    (``windows``, ``alerts``).
    """
    at = to_us(now, name="now")
    chosen = agreement.period.containing(at) if period is None else period
    found = state(agreement, *sources, period=chosen, client=client, resolution=resolution)
    return found.status(*whole, now=at, **options)


# --- a portfolio on the cluster ---------------------------------------------------------------

#: The tables a portfolio run writes, in the order ``slakit run`` writes them.
TABLES: Final = ("ledger", "objectives", "credits")


@attrs.frozen(eq=False)
class PortfolioRun:
    """A portfolio's credit run on a cluster: the tables, the summary, the statements written.

    The tables equal those of [`Portfolio.evaluate()`][slakit.Portfolio.evaluate] on one
    machine, row for row; ``write()`` writes the same files as ``slakit run``.

    Attributes:
        period: the period's label.
        tables: ``ledger``, ``objectives`` and ``credits``, each a dict of columns
            (equal-length lists), rows in the order one machine writes them.
        chunks: how many groups of customers the run was split into.
    """

    period: str
    tables: dict[str, dict[str, list[Any]]]
    chunks: int
    _summary: dict[str, Any]

    @property
    def ledger(self) -> dict[str, list[Any]]:
        """The ledger: one row per customer (see ``PortfolioResult.ledger``)."""
        return self.tables["ledger"]

    @property
    def objectives(self) -> dict[str, list[Any]]:
        """One row per customer, service and objective."""
        return self.tables["objectives"]

    @property
    def credits(self) -> dict[str, list[Any]]:
        """One row per customer and service owed a credit."""
        return self.tables["credits"]

    def summary(self) -> dict[str, Any]:
        """Return the run's figures, as ``PortfolioResult.summary()`` gives them."""
        copied: dict[str, Any] = json.loads(json.dumps(self._summary))  # the caller's own copy
        return copied

    def write(self, directory: str | Path, *, formats: Sequence[str] = ("csv",)) -> list[Path]:
        """Write every table in each of ``formats`` (``"csv"``, ``"parquet"``), as one machine."""
        from slakit._results._portfolio import COUNT_COLUMNS, write_csv

        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name in TABLES:
            columns = self.tables[name]
            for fmt in formats:
                path = folder / f"{name}.{fmt}"
                if fmt == "csv":
                    write_csv(columns, path)
                elif fmt == "parquet":
                    pa = importlib.import_module("pyarrow")
                    pq = importlib.import_module("pyarrow.parquet")
                    table = pa.table(
                        {
                            k: pa.array(v, type=pa.int64() if k in COUNT_COLUMNS else pa.string())
                            for k, v in columns.items()
                        }
                    )
                    pq.write_table(table, path)
                else:
                    raise EvaluationError(f"format {fmt!r} is not 'csv' or 'parquet'")
                written.append(path)
        return written


def _customer_rows(table: Any, rows: Any) -> Any:
    """Return the customers table of ``rows``, its vocabularies the names those rows use."""
    from slakit._events._customers import CustomerTable

    def recoded(codes: Any, names: Sequence[Any]) -> tuple[Any, tuple[Any, ...]]:
        picked = codes[rows]
        used = np.unique(picked[picked >= 0])
        lut = np.full(len(names) + 1, -1, dtype=np.int32)
        lut[used] = np.arange(len(used), dtype=np.int32)
        return lut[picked], tuple(names[int(i)] for i in used)

    customer, customers = recoded(table.customer, table.customers)
    plan, plans = recoded(table.plan, table.plans)
    service, services = recoded(table.service, table.services)
    fee, fees = recoded(table.fee, table.fees)
    currency, currencies = recoded(table.currency, table.currencies)
    zone, zones = recoded(table.zone, table.zones)
    where = table._where
    return CustomerTable(
        customer=customer,
        customers=customers,
        plan=plan,
        plans=plans,
        service=service,
        services=services,
        fee=fee,
        fees=fees,
        currency=currency,
        currencies=currencies,
        zone=zone,
        zones=zones,
        start=table.start[rows],
        end=table.end[rows],
        where=None if where is None else [where[int(i)] for i in rows],
    )


def _chunks_of(table: Any, chunks: int) -> Any:
    """Return each customer's chunk: customers sharing a service are in one chunk.

    Components of the customer-service graph by label propagation (a few passes
    of ``minimum.at``), then whole components dealt to ``chunks`` chunks, the
    largest first, each to the chunk with the fewest rows so far.
    """
    n = len(table.customers)
    label = np.arange(n, dtype=np.int64)
    customer = table.customer.astype(np.int64)
    service = table.service.astype(np.int64)
    while True:
        low = np.full(len(table.services), n, dtype=np.int64)
        np.minimum.at(low, service, label[customer])
        new = label.copy()
        np.minimum.at(new, customer, low[service])
        if np.array_equal(new, label):
            break
        label = new
    roots, component = np.unique(label, return_inverse=True)
    size = np.bincount(component[customer], minlength=len(roots))
    chunk_of_component = np.zeros(len(roots), dtype=np.int64)
    load = np.zeros(max(chunks, 1), dtype=np.int64)
    for c in np.argsort(-size, kind="stable").tolist():
        k = int(np.argmin(load))
        chunk_of_component[c] = k
        load[k] += size[c]
    return chunk_of_component[component]


def _subset(table: Any, rows: Any, service: Any, services: Sequence[str]) -> Any:
    """Return the rows ``rows`` of a table, services ``service`` codes into ``services``.

    The portfolio's routing (``_route``), with the rows' names kept as the row
    numbers of the table's own names, so that a piece sent to another worker
    does not carry the whole partition with it.
    """
    from slakit._engine._incremental import _Numbered, _Picked
    from slakit._engine._portfolio import _route
    from slakit._events._requests import RequestTable

    own = table.where_names() if isinstance(table, RequestTable) else table._where
    names = _Picked(own if own is not None else _Numbered("row", 0, len(table)), rows)
    return _route(table, rows, service, services, where=names)


def _routed(part: Any, spec: Partitions, index: int, routing: _Routing) -> Any:
    """Return one partition's rows split by chunk (by their service), and the rows of none."""
    table = _table(part, spec, index)
    found = [routing.owner.get(name, (-1, 0)) for name in table.services]
    chunk_of = np.asarray([c for c, _ in found], dtype=np.int64)
    code_of = np.asarray([code for _, code in found], dtype=np.int32)
    chunk = chunk_of[table.service] if len(table) else np.zeros(0, np.int64)
    pieces = {}
    for j, names in enumerate(routing.names):
        rows = np.flatnonzero(chunk == j)
        pieces[j] = _subset(table, rows, code_of[table.service[rows]], names)
    return pieces, int(np.count_nonzero(chunk < 0)), len(table)


@attrs.frozen(eq=False)
class _Routing:
    """Where each service's rows go: its chunk and its code among the chunk's names."""

    owner: dict[str, tuple[int, int]]
    names: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, customers: Any, chunk_of: Any, chunks: int) -> _Routing:
        chunk_of_service = np.full(len(customers.services), -1, dtype=np.int64)
        chunk_of_service[customers.service] = chunk_of[customers.customer]
        names: list[list[str]] = [[] for _ in range(chunks)]
        owner: dict[str, tuple[int, int]] = {}
        for name, j in zip(customers.services, chunk_of_service.tolist(), strict=True):
            if j >= 0:  # the names are sorted: each chunk's come out sorted
                owner[name] = (j, len(names[j]))
                names[j].append(name)
        return cls(owner, tuple(tuple(n) for n in names))


def _joined_tables(tables: Sequence[Any]) -> Any:
    """Return one chunk's pieces of one kind as one table, rows in order, named as they were.

    Every piece of a chunk is coded in the chunk's service names (``_routed``).
    """
    from slakit._engine._incremental import _concat_probes, _concat_requests
    from slakit._events._requests import RequestTable
    from slakit._events._table import EventTable

    if len(tables) == 1:
        return tables[0]
    if isinstance(tables[0], EventTable):
        return EventTable.concat(list(tables))
    if isinstance(tables[0], RequestTable):
        return _concat_requests(tables, tables[0].services)
    return _concat_probes(tables)


def _chunk_run(  # noqa: PLR0917 - one task's arguments, in order
    plans: Any,
    provider: str,
    customers: Any,
    period: str,
    kinds: Sequence[int],
    formats: Sequence[str],
    *pieces: Any,
) -> dict[str, Any]:
    """Evaluate one chunk's customers over their rows: its tables, summary and statements."""
    import tempfile

    from slakit._cli_run import _statements
    from slakit._engine._portfolio import Portfolio

    by_kind: dict[int, list[Any]] = {}
    for kind, piece in zip(kinds, pieces, strict=True):
        by_kind.setdefault(kind, []).append(piece)
    tables = [_joined_tables(by_kind[k]) for k in sorted(by_kind)]
    result = Portfolio(plans=plans, customers=customers, provider=provider).evaluate(
        *tables, period=period
    )
    out: dict[str, Any] = {
        "tables": {name: getattr(result, name) for name in TABLES},
        "summary": result.summary(),
        "statements": {},
    }
    if formats:
        with tempfile.TemporaryDirectory(prefix="slakit-statements-") as folder:
            _statements(result, Path(folder), formats, lambda *_: None)
            out["statements"] = {p.name: p.read_bytes() for p in sorted(Path(folder).iterdir())}
    return out


def run(
    plans: Any,
    customers: Any,
    *sources: Partitions,
    period: str,
    client: Any = None,
    provider: str = "provider",
    chunks: int | None = None,
    statements: Sequence[str] = (),
    statements_to: str | Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> PortfolioRun:
    """Run a portfolio's credit run over partitioned inputs, split by customers.

    The customers are dealt into ``chunks`` groups (customers that share a
    service always together); every partition's rows are routed to the chunk of
    their service where the partition is (a shuffle by service: each row moves
    once, to one chunk); each chunk's customers are evaluated as
    [`Portfolio.evaluate()`][slakit.Portfolio.evaluate] evaluates them; the client joins
    the chunks' tables in the order one machine writes them and adds up their
    summaries. The tables, the summary and the statements equal those of the run on
    one machine, byte for byte once written.

    Args:
        plans: the plans, as for [`Portfolio`][slakit.Portfolio].
        customers: the customers table (a ``CustomerTable``).
        sources: the inputs, from [`partitions()`][slakit.dask.partitions]
            (events, requests and probe samples).
        period: the period's label.
        client: a ``distributed.Client``, or ``None`` to run here.
        provider: the provider's name, as for ``Portfolio``.
        chunks: how many groups of customers (default: four per worker, one here).
        statements: the statement formats to write (``"text"``, ``"json"``,
            ``"md"``, ``"html"``), into ``statements_to``.
        statements_to: the folder of the statements, written as chunks finish.
        progress: called with (stage, done, total): ``"routing"`` per partition,
            ``"evaluating"`` per chunk.

    Raises:
        EvaluationError: a worker was lost more often than the cluster retries;
            nothing is returned.
    """
    if statements and statements_to is None:
        raise EvaluationError("give statements_to= (a folder) to write statements into")
    n_workers = 1 if client is None else max(len(client.scheduler_info()["workers"]), 1)
    k = max(1, chunks if chunks is not None else (1 if client is None else 4 * n_workers))
    k = min(k, max(len(customers.customers), 1))
    chunk_of = _chunks_of(customers, k)
    job = _Job(
        plans=plans,
        provider=provider,
        period=period,
        parts=[
            _customer_rows(customers, np.flatnonzero(chunk_of[customers.customer] == j))
            for j in range(k)
        ],
        routing=_Routing.of(customers, chunk_of, k),
        sources=sources,
        statements=tuple(statements),
        statements_to=statements_to,
        progress=progress,
    )
    results, routed = _here(job) if client is None else _there(job, client)
    unrouted = dict.fromkeys(job.kind_order, 0)
    rows_read: dict[str, int] = {}
    for (spec, i), (none, n) in zip(job.work, routed, strict=True):
        unrouted[_KIND_WORD[spec.kind]] += none
        rows_read[spec.files[i] if spec.frame is None else f"{spec.name}[{i}]"] = n
    summary = _summary_of(period, [r["summary"] for r in results], unrouted)
    summary["rows_read"] = rows_read
    tables = {name: _joined_columns([r["tables"][name] for r in results]) for name in TABLES}
    return PortfolioRun(period=period, tables=tables, chunks=k, summary=summary)


@attrs.frozen(eq=False)
class _Job:
    """A portfolio run's work: the chunks' customers, the owner of each service, the inputs."""

    plans: Any
    provider: str
    period: str
    parts: list[Any]
    routing: _Routing
    sources: tuple[Partitions, ...]
    statements: tuple[str, ...]
    statements_to: str | Path | None
    progress: Callable[[str, int, int], None] | None

    @property
    def kind_order(self) -> dict[str, int]:
        """Each kind's place among the tables, by first appearance (as one machine orders them)."""
        order: dict[str, int] = {}
        for spec in self.sources:
            order.setdefault(_KIND_WORD[spec.kind], len(order))
        return order

    @property
    def work(self) -> list[tuple[Partitions, int]]:
        return [(spec, i) for spec in self.sources for i in range(spec.count)]

    @property
    def kinds(self) -> list[int]:
        order = self.kind_order
        return [order[_KIND_WORD[spec.kind]] for spec, _ in self.work]

    def chunk(self, j: int, pieces: Sequence[Any]) -> dict[str, Any]:
        """Evaluate chunk ``j`` here (what a worker runs)."""
        return _chunk_run(
            self.plans,
            self.provider,
            self.parts[j],
            self.period,
            self.kinds,
            self.statements,
            *pieces,
        )

    def tell(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)


def _here(job: _Job) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """Run every step here, one after another."""
    local = {id(s): _local_parts(s) for s in job.sources}
    routed = []
    for done, (spec, i) in enumerate(job.work, 1):
        routed.append(_routed(local[id(spec)][i], spec, i, job.routing))
        job.tell("routing", done, len(job.work))
    results = []
    for j in range(len(job.parts)):
        results.append(job.chunk(j, [found[0][j] for found in routed]))
        _written(results[-1], job.statements_to)
        job.tell("evaluating", j + 1, len(job.parts))
    return results, [(none, n) for _, none, n in routed]


def _there(job: _Job, client: Any) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """Run the routing where each partition is, and each chunk on a worker; gather."""
    distributed = _distributed()
    tag = uuid.uuid4().hex[:8]
    k = len(job.parts)
    # sent once, as tasks (not scattered): the scheduler can compute them again when the
    # worker holding them is lost, which it cannot do for scattered data
    routing = client.submit(_kept, job.routing, key=f"slakit-routing-{tag}")
    shipped = client.submit(  # what a chunk needs (the progress callback stays here)
        _kept, attrs.evolve(job, progress=None, statements_to=None), key=f"slakit-job-{tag}"
    )
    futures: list[Any] = []
    held: list[Any] = []  # the partitions' futures, held until the end: a lost worker's
    # results are computed again from them, which the scheduler can only do while they are held
    for spec in job.sources:
        parts: list[Any] = (
            list(spec.files) if spec.frame is None else client.compute(spec.frame.to_delayed())
        )
        held.extend(parts)
        futures.extend(
            client.submit(
                _routed, part, spec, i, routing, key=f"slakit-route-{spec.name}-{i}-{tag}"
            )
            for i, part in enumerate(parts)
        )
    counts = [
        client.submit(_counts_of, f, key=f"slakit-count-{n}-{tag}") for n, f in enumerate(futures)
    ]
    chunks = [
        client.submit(
            _chunk_task,
            shipped,
            j,
            *(
                client.submit(_piece, f, j, key=f"slakit-piece-{n}-{j}-{tag}")
                for n, f in enumerate(futures)
            ),
            key=f"slakit-chunk-{j}-{tag}",
        )
        for j in range(k)
    ]
    try:
        routed = []
        for done, future in enumerate(counts, 1):
            routed.append(future.result())
            job.tell("routing", done, len(counts))
        found: dict[int, dict[str, Any]] = {}
        position = {f.key: j for j, f in enumerate(chunks)}
        for done, future in enumerate(distributed.as_completed(chunks), 1):
            result = future.result()
            _written(result, job.statements_to)
            result["statements"] = {}  # written: not kept
            found[position[future.key]] = result
            job.tell("evaluating", done, k)
    except (distributed.KilledWorker, concurrent.futures.CancelledError) as lost:
        raise _lost(lost) from None
    return [found[j] for j in range(k)], routed


def _kept(value: Any) -> Any:
    return value


def _counts_of(routed: Any) -> tuple[int, int]:
    return routed[1], routed[2]


def _piece(routed: Any, j: int) -> Any:
    return routed[0][j]


def _chunk_task(job: _Job, j: int, *pieces: Any) -> dict[str, Any]:
    return job.chunk(j, pieces)


#: The word of each kind of input in a run's summary.
_KIND_WORD: Final = {
    "events": "events",
    "outages": "events",
    "maintenance": "events",
    "deployments": "events",
    "requests": "requests",
    "probes": "probes",
}


def _written(result: dict[str, Any], folder: str | Path | None) -> None:
    """Write a chunk's statements into ``folder``, as they arrive."""
    if folder is None or not result["statements"]:
        return
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    for name, data in result["statements"].items():
        (target / name).write_bytes(data)


def _joined_columns(parts: Sequence[dict[str, list[Any]]]) -> dict[str, list[Any]]:
    """Return the chunks' tables as one, rows in customer order (each chunk's order kept)."""
    columns = list(parts[0])
    joined = {name: [v for p in parts for v in p[name]] for name in columns}
    customers = np.empty(len(joined["customer"]), dtype=object)
    customers[:] = joined["customer"]
    order = np.argsort(customers, kind="stable").tolist()
    return {name: [values[i] for i in order] for name, values in joined.items()}


def _summary_of(
    period: str, parts: Sequence[dict[str, Any]], unrouted: dict[str, int]
) -> dict[str, Any]:
    """Return the summary of the chunks' summaries added up, as one machine gives it."""
    from decimal import Decimal

    credits: dict[tuple[str, str], Decimal] = {}
    rows: dict[str, dict[str, int]] = {}
    skipped: dict[str, str] = {}
    not_in_force: dict[str, int] = {}
    for part in parts:
        for entry in part["credits"]:
            key = (entry["plan"], entry["currency"])
            credits[key] = credits.get(key, Decimal(0)) + Decimal(entry["total"])
        for label, counts in part["rows"].items():
            slot = rows.setdefault(label, {})
            for category, n in counts.items():
                slot[category] = slot.get(category, 0) + n
        skipped.update(part["customers_not_evaluated"])
        for kind, n in part["rows_for_customers_not_evaluated"].items():
            not_in_force[kind] = not_in_force.get(kind, 0) + n
    return {
        "period": period,
        "customers": sum(p["customers"] for p in parts),
        "customers_credited": sum(p["customers_credited"] for p in parts),
        "customers_not_evaluated": dict(sorted(skipped.items())),
        "services": sum(p["services"] for p in parts),
        "credits": [
            {"plan": plan, "currency": currency, "total": str(total)}
            for (plan, currency), total in sorted(credits.items())
        ],
        "rows": dict(sorted(rows.items())),
        "rows_not_counted": sum(p["rows_not_counted"] for p in parts),
        "rows_for_no_customer": unrouted,
        "rows_for_customers_not_evaluated": not_in_force,
    }
