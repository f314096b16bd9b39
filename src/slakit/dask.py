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

import glob
import importlib
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from slakit._dsl._agreement import Agreement
from slakit._engine._incremental import EvaluationState, start
from slakit._io._frames import frame_columns, is_frame
from slakit._io._schemas import build
from slakit._io._sources import EXTENSIONS, Columns, Rows, renamed
from slakit._time._instant import Duration, InstantLike, to_us
from slakit._time._periods import Period
from slakit.exceptions import EvaluationError
from slakit.io import BATCHED_KINDS, read_table

__all__ = ["EXTRA", "Partitions", "evaluate", "partitions", "state", "status"]

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
            depth, in sorted order); a glob (``"logs/2026-10/*.parquet"``); a
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
    for spec in sources:
        parts: list[Any] = (
            list(spec.files) if spec.frame is None else client.compute(spec.frame.to_delayed())
        )
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
    except distributed.KilledWorker as lost:
        raise EvaluationError(
            f"a worker was lost while running {lost.task!r} more often than the cluster "
            "retries; nothing was returned (no partial result). Rerun, or raise "
            "distributed.scheduler.allowed-failures"
        ) from None
    return EvaluationState.from_bytes(blob)


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
