"""Data frames in memory: pandas and polars ``DataFrame`` and ``pyarrow.Table``, as they are.

No copy is made here: each column is handed on as the frame's own series (or
pyarrow array), and the kind of input reads it as ``from_columns`` reads any
column: zones checked, nulls marked, categoricals by their codes. Rows are
named ``row 17``, counted from 0, as the frame counts them.
"""

from __future__ import annotations

from typing import Any

from slakit._io._sources import Columns

__all__ = ["frame_columns", "is_frame"]


def _library(frame: object) -> str:
    return type(frame).__module__.partition(".")[0]


def is_frame(source: object) -> bool:
    """Return whether ``source`` is a pandas or polars ``DataFrame`` or a ``pyarrow.Table``."""
    name = type(source).__name__
    return (_library(source), name) in {
        ("pandas", "DataFrame"),
        ("polars", "DataFrame"),
        ("pyarrow", "Table"),
    }


def frame_columns(frame: Any) -> Columns:
    """Return the columns of a data frame (no copy), its rows named ``row i``."""
    library = _library(frame)
    if library == "pyarrow":
        data = {name: frame.column(name) for name in frame.column_names}
    else:
        data = {str(name): frame[name] for name in frame.columns}
    return Columns(data=data, where=None, source=f"{library}.{type(frame).__name__}")
