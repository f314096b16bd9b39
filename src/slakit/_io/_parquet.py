"""Parquet and Arrow IPC (Feather) files, read by pyarrow (the extra ``slakit[arrow]``).

Both formats are columnar and typed: timestamps keep their unit and zone,
dictionary columns (categoricals) keep their codes, decimals stay exact. Each
column is handed on as a pyarrow array; the kind of input reads it without a
Python step per row where the type allows. Rows are named
``outages.parquet:row 17``, counted from 0.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from slakit._io._sources import Columns, Rows, binary_kind, head_of, wrong_format
from slakit.exceptions import InputFormatError

__all__ = ["EXTRA", "arrow", "parquet_batches", "read_arrow", "read_parquet"]

#: How to install what these formats need.
EXTRA = "the extra slakit[arrow]; from a checkout of slakit: pip install -e '.[arrow]'"


_NAMES = {"parquet": "Parquet", "arrow": "Arrow"}


def arrow(source: str, format: str) -> Any:
    """Return the ``pyarrow`` module, or raise the error that names the extra to install."""
    try:
        pyarrow = importlib.import_module("pyarrow")
    except ImportError:
        raise InputFormatError(
            source,
            format,
            f"reading {_NAMES[format]} files needs pyarrow: install {EXTRA}",
        ) from None
    return pyarrow


def _columns(table: Any, source: str) -> Columns:
    data = {name: table.column(name) for name in table.column_names}
    return Columns(data=data, where=Rows(source, table.num_rows), source=source)


def _looks(path: Path) -> str | None:
    head = head_of(path, 4096)
    kind = binary_kind(head)
    if kind is not None:
        return kind
    stripped = head.lstrip()
    if stripped.startswith(b"{"):
        return "jsonl"
    return "csv" if b"," in head else None


def _parquet(path: Path, source: str, open_with: Callable[[Any], Any]) -> Any:
    """Return what ``open_with(pyarrow.parquet)`` gives for a file checked to be Parquet.

    Raises:
        InputFormatError: pyarrow is missing, or the file is not Parquet.
    """
    pa = arrow(source, "parquet")
    pq = importlib.import_module("pyarrow.parquet")
    looks = _looks(path)
    if looks != "parquet":
        raise wrong_format(source, "parquet", "it does not start with PAR1", looks=looks)
    try:
        return open_with(pq)
    except (pa.ArrowException, OSError) as exc:
        raise wrong_format(source, "parquet", f"pyarrow cannot read it: {exc}") from None


def read_parquet(path: Path, *, source: str) -> Columns:
    """Read a Parquet file into pyarrow columns.

    Raises:
        InputFormatError: pyarrow is missing, or the file is not Parquet.
    """
    return _columns(_parquet(path, source, lambda pq: pq.read_table(path)), source)


def parquet_batches(path: Path, *, source: str, rows: int) -> Iterator[Columns]:
    """Read a Parquet file ``rows`` rows at a time (the last batch may hold fewer).

    Only one batch's columns are in memory at a time; rows keep their numbers in
    the file (``outages.parquet:row 1000017``).

    Raises:
        InputFormatError: pyarrow is missing, or the file is not Parquet.
    """
    pa = arrow(source, "parquet")
    # without pre-buffering: pre-buffered column chunks pile up batch after batch
    handle = _parquet(path, source, lambda pq: pq.ParquetFile(path, pre_buffer=False))
    first = 0
    with handle:
        batches = handle.iter_batches(batch_size=rows)
        while True:
            try:
                batch = next(batches, None)
            except (pa.ArrowException, OSError) as exc:  # a damaged row group, found late
                raise wrong_format(source, "parquet", f"pyarrow cannot read it: {exc}") from None
            if batch is None:
                return
            data = {name: batch.column(name) for name in batch.schema.names}
            yield Columns(data=data, where=Rows(source, batch.num_rows, first=first), source=source)
            first += batch.num_rows


def read_arrow(path: Path, *, source: str) -> Columns:
    """Read an Arrow IPC file or stream (Feather v1 or v2) into pyarrow columns.

    Raises:
        InputFormatError: pyarrow is missing, or the file is not Arrow IPC.
    """
    pa = arrow(source, "arrow")
    feather = importlib.import_module("pyarrow.feather")
    ipc = importlib.import_module("pyarrow.ipc")

    looks = _looks(path)
    if looks != "arrow":
        raise wrong_format(source, "arrow", "it does not start with ARROW1", looks=looks)
    try:
        if head_of(path, 4).startswith(b"\xff\xff\xff\xff"):
            with pa.OSFile(str(path)) as handle, ipc.open_stream(handle) as reader:
                table = reader.read_all()
        else:
            table = feather.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise wrong_format(source, "arrow", f"pyarrow cannot read it: {exc}") from None
    return _columns(table, source)
