"""Every kind of input reads every format the same: CSV, JSON Lines, Parquet, Arrow, frames."""

from __future__ import annotations

import csv
import itertools
import json
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyarrow import feather

import slakit.io
from slakit._io import _csv, _jsonl
from slakit._io._schemas import KINDS
from slakit._io._sources import Lines
from slakit.exceptions import EventDataError, InputFormatError

T = "2026-10-05T10:00:00Z"
T_LATER = "2026-10-05T12:30:00+02:00"  # 10:30 UTC
T_END = "2026-10-05T11:00:00Z"

# Each kind: rows as a CSV holds them (text, "" for missing), and the Arrow type of each column.
TS = pa.timestamp("us", tz="UTC")
SAMPLES: dict[str, tuple[dict[str, list[str]], dict[str, pa.DataType]]] = {
    "events": (
        {
            "kind": ["outage", "maintenance", "deployment"],
            "service": ["0012", "db", "db"],
            "start": [T, T, T],
            "end": [T_END, T_LATER, T_END],
            "announced": ["", "2026-09-28T09:00:00Z", ""],
        },
        {"start": TS, "end": TS, "announced": TS},
    ),
    "outages": (
        {
            "service": ["api", "0012", "api"],
            "start": [T, T, T_LATER],
            "end": [T_END, T_LATER, T_END],
            "state": ["down", "degraded", ""],
            "affected": ["25%", "", "50.0%"],
        },
        {"start": TS, "end": TS},
    ),
    "maintenance": (
        {
            "service": ["db", "api"],
            "start": [T, T],
            "end": [T_END, T_LATER],
            "announced": ["2026-09-28T09:00:00Z", "2026-09-29T09:00:00+01:00"],
        },
        {"start": TS, "end": TS, "announced": TS},
    ),
    "deployments": (
        {"service": ["api", "db"], "start": [T, T], "end": [T_END, T_LATER]},
        {"start": TS, "end": TS},
    ),
    "requests": (
        {
            "service": ["api", "api", "db"],
            "time": [T, T_LATER, T_END],
            "status": ["200", "503", ""],
            "ok": ["", "false", "true"],
            "latency_ms": ["81.5", "12", ""],
        },
        {"time": TS, "status": pa.int16(), "ok": pa.bool_(), "latency_ms": pa.decimal128(9, 3)},
    ),
    "probes": (
        {
            "service": ["lon-fra", "lon-fra", "0012"],
            "time": [T, T_LATER, T_END],
            "metric": ["rtt", "loss", "rtt"],
            "value": ["12.5", "0.25", "40"],
        },
        {"time": TS, "value": pa.decimal128(12, 6)},
    ),
    "tickets": (
        {
            "id": ["T-1", "T-2"],
            "service": ["desk", "desk"],
            "priority": ["P1", "P3"],
            "opened": [T, T],
            "first_response": [T_LATER, ""],
            "resolved": [T_END, ""],
            "coverage": ["24x7", ""],
        },
        {"opened": TS, "first_response": TS, "resolved": TS},
    ),
    "claims": (
        {
            "service": ["db", "api"],
            "period": ["2026-10", "2026-10"],
            "filed": [T, T_LATER],
            "ticket": ["T-1", ""],
        },
        {"filed": TS},
    ),
    "charges": (
        {
            "service": ["db", "db", "vm-1"],
            "period": ["2026-10", "2026-10", ""],
            "kind": ["usage", "support", ""],
            "amount": ["1250.40", "12.50", "0.096"],
            "currency": ["USD", "USD", "USD"],
            "unit": ["", "", "hour"],
        },
        {"amount": pa.decimal128(12, 3)},
    ),
    "corrections": (
        {
            "services": ["db", "*", "db;api", "tag:eu"],
            "start": [T, T, T_LATER, T],
            "end": [T_END, T_LATER, T_END, T_END],
            "category": ["customer-caused", "force majeure", "beta", "third-party"],
            "reason": ["firewall change CHG-1182", "", "", "upstream DNS"],
            "by": ["noc@acme.example", "", "", ""],
            "recorded": [T_END, "", "", T_LATER],
        },
        {"start": TS, "end": TS, "recorded": TS},
    ),
    "customers": (
        {
            "customer": ["globex", "globex", "initech"],
            "plan": ["gold", "gold", "bronze"],
            "service": ["db", "api", "web"],
            "fee": ["2400.00", "", "0.50"],
            "currency": ["USD", "USD", ""],
            "zone": ["", "", "Europe/Berlin"],
            "start": [T, T, ""],
            "end": ["", "", T_END],
        },
        {"fee": pa.decimal128(12, 2), "start": TS, "end": TS},
    ),
}


def _typed(kind: str) -> pa.Table:
    """Return a kind's sample as typed Arrow columns (timestamps, integers, decimals, nulls)."""
    rows, types = SAMPLES[kind]
    arrays = {}
    for name, cells in rows.items():
        kind_of = types.get(name, pa.string())
        values: list[Any] = []
        for cell in cells:
            if cell == "" and kind_of != pa.string():
                values.append(None)
            elif pa.types.is_timestamp(kind_of):
                values.append(pd.Timestamp(cell).tz_convert("UTC").to_pydatetime())
            elif pa.types.is_integer(kind_of):
                values.append(int(cell))
            elif pa.types.is_boolean(kind_of):
                values.append(cell == "true")
            elif pa.types.is_decimal(kind_of):
                values.append(Decimal(cell))
            else:
                values.append(cell)
        if kind_of == pa.string() and name in (
            "announced",
            "ticket",
            "reason",
            "unit",
            "coverage",
            "currency",
            "zone",
        ):
            values = [v or None for v in values]  # a missing text cell is null in typed data
        arrays[name] = pa.array(values, type=kind_of)
    return pa.table(arrays)


def _write_csv(path: Path, kind: str) -> Path:
    rows, _ = SAMPLES[kind]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(rows)
        writer.writerows(zip(*rows.values(), strict=True))
    return path


def _write_jsonl(path: Path, kind: str) -> Path:
    rows, types = SAMPLES[kind]
    with path.open("w", encoding="utf-8") as handle:
        for i in range(len(next(iter(rows.values())))):
            obj: dict[str, Any] = {}
            for name, cells in rows.items():
                cell = cells[i]
                if cell == "":
                    continue  # a key left out is a missing cell
                kind_of = types.get(name)
                if kind_of is not None and pa.types.is_integer(kind_of):
                    obj[name] = int(cell)
                elif kind_of == pa.bool_():
                    obj[name] = cell == "true"
                else:
                    obj[name] = cell
            handle.write(json.dumps(obj) + "\n")
    return path


def _state(table: Any) -> dict[str, Any]:
    """Return what a table holds (its columns and names), without where its rows came from."""
    out: dict[str, Any] = {}
    for name in type(table).__slots__:
        if name.startswith("_") or name == "where":  # where rows came from, caches, a scale
            continue
        value = getattr(table, name)
        out[name] = value.tolist() if isinstance(value, np.ndarray) else value
    return out


SOURCES: dict[str, Callable[[Path, str], Any]] = {
    "csv": lambda d, k: _write_csv(d / f"{k}.csv", k),
    "csv (stdlib)": lambda d, k: _write_csv(d / f"{k}.csv", k),
    "jsonl": lambda d, k: _write_jsonl(d / f"{k}.jsonl", k),
    "parquet": lambda d, k: _write_parquet(d / f"{k}.parquet", k),
    "arrow": lambda d, k: _write_feather(d / f"{k}.arrow", k),
    "pandas": lambda d, k: _typed(k).to_pandas(),
    "polars": lambda d, k: pl.from_arrow(_typed(k)),
    "pyarrow.Table": lambda d, k: _typed(k),
}


def _write_parquet(path: Path, kind: str) -> Path:
    pq.write_table(_typed(kind), path)
    return path


def _write_feather(path: Path, kind: str) -> Path:
    feather.write_feather(_typed(kind), path)
    return path


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("source", list(SOURCES))
def test_every_kind_reads_every_format_to_the_same_table(
    tmp_path: Path, kind: str, source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table of a kind is the same whatever format its rows came in."""
    expected = slakit.io.read_table(_write_csv(tmp_path / "expected.csv", kind), kind)
    if source == "csv (stdlib)":
        monkeypatch.setattr(_csv, "_with_arrow", lambda data, source: None)
    table = slakit.io.read_table(SOURCES[source](tmp_path, kind), kind)
    assert type(table) is type(expected)
    assert _state(table) == _state(expected)
    assert len(table) == len(expected) > 0


def test_the_kinds_are_every_table() -> None:
    """The kinds cover every table a measure reads."""
    assert set(KINDS) == {
        "events",
        "outages",
        "maintenance",
        "deployments",
        "requests",
        "probes",
        "tickets",
        "claims",
        "charges",
        "corrections",
        "customers",
    }


def test_csv_keeps_text_exact(tmp_path: Path) -> None:
    """Service names of digits keep their zeros; decimals keep their places."""
    table = slakit.io.read_table(_write_csv(tmp_path / "c.csv", "charges"), "charges")
    assert table.records[0].amount.amount == Decimal("1250.40")
    events = slakit.io.read_table(_write_csv(tmp_path / "e.csv", "events"), "events")
    assert events.services == ("0012", "db")


def test_csv_with_and_without_pyarrow_name_the_same_lines(tmp_path: Path) -> None:
    """Both CSV readers give the same columns and the same line for each row."""
    path = _write_csv(tmp_path / "o.csv", "outages")
    fast = _csv.read_csv(path, source="o.csv")
    slow = _csv.read_csv(path, source="o.csv", fast=False)
    assert list(fast.where) == list(slow.where) == ["o.csv:2", "o.csv:3", "o.csv:4"]
    for name in slow.data:
        assert np.asarray(fast.data[name]).tolist() == slow.data[name].tolist()


def test_blank_lines_and_multiline_cells_keep_line_numbers(tmp_path: Path) -> None:
    """A blank line or a quoted newline: rows are still named by the line they start on."""
    path = tmp_path / "o.csv"
    path.write_text(f'service,start,end,state\n\napi,{T},{T_END},"x\ny"\napi,{T},{T},down\n')
    with pytest.raises(EventDataError) as error:
        slakit.io.read_table(path, "outages")
    assert [str(p).split(": ")[0] for p in error.value.problems] == [f"{path}:5"]


# --- columns, epochs, latency_ms ----------------------------------------------------------------


def test_column_mapping_renames(tmp_path: Path) -> None:
    """columns={"start": "started_at"} reads the column started_at as start."""
    path = tmp_path / "o.csv"
    path.write_text(f"host,started_at,ended_at\napi,{T},{T_END}\n")
    table = slakit.io.read_table(
        path, "outages", columns={"service": "host", "start": "started_at", "end": "ended_at"}
    )
    assert table.services == ("api",)
    with pytest.raises(EventDataError, match=r"o\.csv: columns: begin: missing; columns= reads it"):
        slakit.io.read_table(path, "outages", columns={"start": "begin"})  # the file is named


@pytest.mark.parametrize(
    ("unit", "scale"),
    [("s", 1), ("ms", 1000), ("us", 10**6), ("ns", 10**9)],
)
def test_epoch_units(tmp_path: Path, unit: str, scale: int) -> None:
    """Integer epochs in any unit, in a typed column or as CSV text, are the same instants."""
    start, end = 1_790_000_000, 1_790_000_600
    frame = pd.DataFrame({"service": ["a"], "start": [start * scale], "end": [end * scale]})
    typed = slakit.io.read_table(frame, "outages", epoch_unit=unit)
    path = tmp_path / "o.csv"
    path.write_text(f"service,start,end\na,{start * scale},{end * scale}\n")
    text = slakit.io.read_table(path, "outages", epoch_unit=unit)
    assert typed.start.tolist() == text.start.tolist() == [start * 10**6]
    assert typed.end.tolist() == [end * 10**6]


def test_epoch_finer_than_a_microsecond_is_refused() -> None:
    """Nanoseconds that are not whole microseconds are a problem of their row."""
    frame = pd.DataFrame({"service": ["a"], "start": [1_790_000_000_000_000_001], "end": [2**62]})
    with pytest.raises(EventDataError, match=r"row 0: start: .* finer than a microsecond"):
        slakit.io.read_table(frame, "outages", epoch_unit="ns")


def test_without_an_epoch_unit_integers_are_microseconds() -> None:
    """Integers are microseconds since the epoch, as from_columns reads them."""
    frame = pd.DataFrame({"service": ["a"], "start": [10**15], "end": [10**15 + 1]})
    assert slakit.io.read_table(frame, "outages").start.tolist() == [10**15]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["81.5", "12", "0.001", ""], [81_500, 12_000, 1, -1]),
        ([81.5, 12.0, 0.001, None], [81_500, 12_000, 1, -1]),
        ([81, 12, 0, None], [81_000, 12_000, 0, -1]),
        ([Decimal("81.5"), Decimal(12), Decimal("0.001"), None], [81_500, 12_000, 1, -1]),
    ],
)
def test_latency_ms_is_exact(cells: list[Any], expected: list[int]) -> None:
    """latency_ms, as text, floats, integers or decimals, becomes integer microseconds."""
    frame = pd.DataFrame(
        {"service": ["a"] * 4, "time": [T] * 4, "status": [200] * 4, "latency_ms": cells}
    )
    assert slakit.io.read_table(frame, "requests").latency.tolist() == expected


@pytest.mark.parametrize("cell", ["0.0005", "-1", "abc", 0.0001])
def test_latency_ms_finer_than_a_microsecond_or_negative_is_refused(cell: Any) -> None:
    """A latency that is not whole microseconds, negative or not a number names its row."""
    frame = pd.DataFrame({"service": ["a"], "time": [T], "status": [200], "latency_ms": [cell]})
    with pytest.raises(EventDataError, match=r"row 0: latency_ms: .* exact to the microsecond"):
        slakit.io.read_table(frame, "requests")


def test_service_codes_with_services(tmp_path: Path) -> None:
    """Integer service codes, typed or as CSV text, name services through services=."""
    path = tmp_path / "o.csv"
    path.write_text(f"service,start,end\n1,{T},{T_END}\n0,{T},{T_END}\n")
    table = slakit.io.read_table(path, "outages", services=["b", "a"])
    assert [table.services[c] for c in table.service] == ["a", "b"]


def test_categorical_services_read_as_names() -> None:
    """A pandas categorical and a pyarrow dictionary column give the table names give."""
    names = ["b", "a", "b"]
    frame = pd.DataFrame({"service": names, "start": [T] * 3, "end": [T_END] * 3})
    expected = _state(slakit.io.read_table(frame, "outages"))
    as_category = frame.assign(service=frame["service"].astype("category"))
    assert _state(slakit.io.read_table(as_category, "outages")) == expected
    arrow = pa.Table.from_pandas(frame).set_column(
        0, "service", pa.array(names).dictionary_encode()
    )
    assert _state(slakit.io.read_table(arrow, "outages")) == expected


def _chunked_dictionaries(names: list[str | None], cuts: list[int]) -> pa.ChunkedArray:
    """Return ``names`` as chunks split at ``cuts``, each with a dictionary of its own."""
    bounds = [0, *cuts, len(names)]
    return pa.chunked_array(
        [
            pa.array(names[a:b], type=pa.string()).dictionary_encode()
            for a, b in itertools.pairwise(bounds)
        ]
    )


@given(
    names=st.lists(st.sampled_from(["a", "b", "c", "d", None]), min_size=1, max_size=30),
    data=st.data(),
)
@settings(max_examples=60, deadline=None)
def test_one_array_joins_chunks_with_their_own_dictionaries(
    names: list[str | None], data: st.DataObject
) -> None:
    """Chunks with several dictionaries, shared or not, give the rows' names in one array."""
    from slakit._events._columns import one_array

    cuts = sorted(data.draw(st.lists(st.integers(0, len(names)), max_size=4)))
    chunked = _chunked_dictionaries(names, cuts)
    whole = pa.array(names, type=pa.string()).dictionary_encode()
    shared = pa.chunked_array([whole] * 3)  # one dictionary, read in three chunks
    for column, expected in ((chunked, names), (shared, names * 3)):
        joined = one_array(column)
        assert isinstance(joined, pa.DictionaryArray)
        assert joined.dictionary_decode().to_pylist() == expected
        assert len(set(joined.dictionary.to_pylist())) == len(joined.dictionary)


def test_parquet_dictionary_names_in_several_row_groups(tmp_path: Path) -> None:
    """A Parquet dictionary column (a row group, a dictionary) reads as the names it holds."""
    names = ["svc-b", "svc-a", "svc-c", "svc-a", "svc-d", "svc-b"] * 5
    frame = pa.table({"service": names, "start": [T] * len(names), "end": [T_END] * len(names)})
    expected = _state(slakit.io.read_table(frame, "outages"))
    path = tmp_path / "o.parquet"
    pq.write_table(frame, path, row_group_size=7)
    read = pq.read_table(path, read_dictionary=["service"])
    assert read.column("service").num_chunks > 1
    assert _state(slakit.io.read_table(read, "outages")) == expected
    customers = pa.table(
        {"customer": names, "plan": ["gold"] * len(names), "service": [f"s{i}" for i in range(30)]}
    )
    plain = slakit.io.read_table(customers, "customers")
    pq.write_table(customers, tmp_path / "c.parquet", row_group_size=4)
    coded = pq.read_table(tmp_path / "c.parquet", read_dictionary=["customer", "plan"])
    assert _state(slakit.io.read_table(coded, "customers")) == _state(plain)


def test_pandas_arrow_backed_zoned_timestamps_are_instants() -> None:
    """pd.ArrowDtype(pa.timestamp('us', tz='UTC')) is zoned, not naive."""
    zoned = pd.ArrowDtype(pa.timestamp("us", tz="UTC"))
    frame = pd.DataFrame(
        {
            "service": ["a"],
            "start": pd.Series([pd.Timestamp(T)], dtype=zoned),
            "end": pd.Series([pd.Timestamp(T_END)], dtype=zoned),
        }
    )
    table = slakit.io.read_table(frame, "outages")
    assert table.end.tolist() == [table.start[0] + 3_600_000_000]


@pytest.mark.parametrize("source", ["pandas", "pyarrow", "parquet"])
def test_naive_timestamps_are_refused(tmp_path: Path, source: str) -> None:
    """Datetimes without a zone are refused, from a frame or a file."""
    naive = pa.table(
        {
            "service": ["a"],
            "start": pa.array([pd.Timestamp("2026-10-01").to_pydatetime()], pa.timestamp("ns")),
            "end": pa.array([pd.Timestamp("2026-10-02").to_pydatetime()], pa.timestamp("ns")),
        }
    )
    given: Any = naive
    if source == "pandas":
        given = naive.to_pandas()
    elif source == "parquet":
        pq.write_table(naive, tmp_path / "n.parquet")
        given = tmp_path / "n.parquet"
    with pytest.raises(EventDataError, match="without a time zone"):
        slakit.io.read_table(given, "outages")


# --- errors -------------------------------------------------------------------------------------


def test_bad_rows_are_named_by_file_line_and_field(tmp_path: Path) -> None:
    """Every bad row at once, each as file:line: field: problem."""
    path = tmp_path / "o.csv"
    path.write_text(
        f"service,start,end\napi,{T},{T_END}\n,{T},{T_END}\napi,yesterday,{T_END}\n"
        f"api,{T_END},{T}\n"
    )
    with pytest.raises(EventDataError) as error:
        slakit.io.read_table(path, "outages")
    assert [(p.where, p.field) for p in error.value.problems] == [
        (f"{path}:3", "service"),
        (f"{path}:4", "start"),
        (f"{path}:5", "end"),
    ]


def test_bad_rows_of_a_parquet_file_are_named_by_row(tmp_path: Path) -> None:
    """A Parquet file's rows are named file:row i, counted from 0."""
    path = tmp_path / "o.parquet"
    pq.write_table(pa.table({"service": ["a", "b"], "start": [T, T], "end": [T_END, T]}), path)
    with pytest.raises(EventDataError, match=r"o\.parquet:row 1: end: .* is not after start"):
        slakit.io.read_table(path, "outages")


@pytest.mark.parametrize(
    ("kind", "missing"),
    [("outages", "end"), ("requests", "time"), ("claims", "filed"), ("charges", "currency")],
)
def test_a_missing_column_is_named(tmp_path: Path, kind: str, missing: str) -> None:
    """A column the kind needs and the file lacks is named, with the columns given."""
    rows, _ = SAMPLES[kind]
    path = tmp_path / "x.csv"
    kept = {k: v for k, v in rows.items() if k != missing}
    path.write_text(",".join(kept) + "\n" + ",".join(v[0] for v in kept.values()) + "\n")
    with pytest.raises(EventDataError, match=f"columns: {missing}: missing"):
        slakit.io.read_table(path, kind)


def test_an_unknown_column_is_refused(tmp_path: Path) -> None:
    """A column no measure reads is most likely a typo: refused, with the fix."""
    path = tmp_path / "o.csv"
    path.write_text(f"service,start,end,stat\napi,{T},{T_END},down\n")
    with pytest.raises(EventDataError, match="columns: stat: is not a column of outages"):
        slakit.io.read_table(path, "outages")


def test_wrong_number_of_cells_is_a_problem_of_its_line(tmp_path: Path) -> None:
    """A row with more or fewer cells than the header names its line."""
    path = tmp_path / "o.csv"
    path.write_text(f"service,start,end\napi,{T}\n")
    with pytest.raises(EventDataError, match=r"o\.csv:2: has 2 cells; the header on line 1 has 3"):
        slakit.io.read_table(path, "outages")


def _parquet_file(path: Path) -> Path:
    pq.write_table(_typed("outages"), path)
    return path


@pytest.mark.parametrize(
    ("make", "format", "says"),
    [
        # a Parquet file read as text
        (_parquet_file, "csv", "format='parquet'"),
        (_parquet_file, "jsonl", "format='parquet'"),
        # a CSV file read as JSON Lines, Parquet or Arrow
        (lambda p: _write_csv(p, "outages"), "jsonl", "format='csv'"),
        (lambda p: _write_csv(p, "outages"), "parquet", "format='csv'"),
        (lambda p: _write_csv(p, "outages"), "arrow", "format='csv'"),
        # a JSON Lines file read as CSV
        (lambda p: _write_jsonl(p, "outages"), "csv", "format='jsonl'"),
        # binary junk
        (lambda p: p.write_bytes(b"\x00\x01\x02junk" * 10) and p, "csv", "--format"),
        (lambda p: p.write_bytes(b"\x00\x01\x02junk" * 10) and p, "parquet", "--format"),
    ],
)
def test_a_file_of_another_format_is_one_clear_error(
    tmp_path: Path, make: Callable[[Path], Any], format: str, says: str
) -> None:
    """One InputFormatError naming the format expected and how to choose another."""
    path = tmp_path / "data.bin"
    make(path)
    with pytest.raises(InputFormatError) as error:
        slakit.io.read_table(path, "outages", format=format)
    assert len(error.value.problems) == 1
    assert says in str(error.value)
    assert error.value.format == format


def test_text_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    """A CSV line that is not UTF-8 is a problem of that line, not a UnicodeDecodeError."""
    path = tmp_path / "o.csv"
    path.write_bytes(f"service,start,end\napi,{T},{T_END}\n".encode() + b"caf\xe9,x,y\n")
    with pytest.raises(EventDataError, match=r"o\.csv:3: is not UTF-8"):
        slakit.io.read_table(path, "outages")


def test_missing_pyarrow_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pyarrow, a Parquet file is one error naming slakit[arrow]."""
    path = _parquet_file(tmp_path / "o.parquet")
    monkeypatch.setitem(__import__("sys").modules, "pyarrow", None)
    with pytest.raises(InputFormatError, match=r"install the extra slakit\[arrow\]"):
        slakit.io.read_table(path, "outages")


def test_unknown_kind_format_and_extension() -> None:
    """A kind, format or extension slakit does not know is a ValueError naming the choices."""
    with pytest.raises(ValueError, match="kind='outage' is not a kind of input"):
        slakit.io.read_table("x.csv", "outage")
    with pytest.raises(ValueError, match=r"from its extension '\.txt'"):
        slakit.io.read_columns("x.txt")
    with pytest.raises(ValueError, match="services= names the integer service codes"):
        slakit.io.read_table(pd.DataFrame({"service": []}), "claims", services=["a"])
    with pytest.raises(ValueError, match="epoch_unit='m'"):
        slakit.io.read_table(
            pd.DataFrame({"service": [], "start": [], "end": []}), "outages", epoch_unit="m"
        )


# --- memory -------------------------------------------------------------------------------------


def test_an_outage_row_costs_at_most_64_bytes(tmp_path: Path) -> None:
    """Once built, a table holds fixed-width columns and a lazy where: <= 64 bytes per row."""
    n = 20_000
    path = tmp_path / "outages.csv"
    with path.open("w") as handle:
        handle.write("service,start,end\n")
        for i in range(n):
            handle.write(f"svc-{i % 500},{1_790_000_000 + i},{1_790_000_030 + i}\n")
    table = slakit.io.read_table(path, "outages", epoch_unit="s")
    columns = ("kind", "service", "start", "end", "announced", "state", "affected")
    per_row = sum(getattr(table, name).nbytes for name in columns) / n
    where = table._where
    assert where is not None
    assert not isinstance(where, tuple | list)  # lazy: no string per row
    per_row += getattr(getattr(where, "lines", None), "nbytes", 0) / n
    assert per_row <= 64
    assert table.where(n - 1) == f"{path}:{n + 1}"
    jsonl = tmp_path / "outages.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps({"service": "a", "start": T, "end": T_END}) + "\n" + "\n" * (i % 2)
            for i in range(100)
        )
    )
    lazy = slakit.io.read_table(jsonl, "outages")._where
    assert lazy is not None
    assert lazy.lines.nbytes / 100 == 4  # type: ignore[attr-defined]


# --- tickets with their status changes; claims and charges; the JSON Lines readers --------------

TICKET_LINES = [
    {
        "id": "T-1",
        "service": "desk",
        "priority": "P1",
        "opened": "2026-10-05T09:00:00Z",
        "first_response": "2026-10-05T09:40:00Z",
        "resolved": "2026-10-06T12:00:00Z",
        "coverage": "24x7",
        "transitions": [
            {"at": "2026-10-05T10:00:00Z", "status": "waiting_on_customer"},
            {"at": "2026-10-05T15:00:00Z", "status": "open"},
        ],
        "pauses": [{"start": "2026-10-06T08:00:00Z", "end": "2026-10-06T09:00:00Z"}],
    },
    {"id": "T-2", "service": "desk", "priority": "P3", "opened": "2026-10-05T11:00:00Z"},
]


def test_tickets_with_transitions_and_pauses_from_json_lines_and_parquet(tmp_path: Path) -> None:
    """Nested status changes and pauses read as the tickets' JSON Lines reader reads them."""
    path = tmp_path / "tickets.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in TICKET_LINES))
    expected = slakit.io.read_tickets_jsonl(path)
    table = slakit.io.read_table(path, "tickets")
    assert _state(table) == _state(expected)
    assert table.where(1) == f"{path}:2"
    frame = pd.DataFrame(TICKET_LINES)
    pq.write_table(pa.Table.from_pandas(frame), tmp_path / "tickets.parquet")
    from_parquet = slakit.io.read_table(tmp_path / "tickets.parquet", "tickets")
    assert _state(from_parquet) == _state(expected)


def test_events_from_json_lines_equal_the_events_reader(tmp_path: Path) -> None:
    """An events.jsonl file (with "type", "id" and "note") reads as read_jsonl reads it."""
    path = tmp_path / "events.jsonl"
    lines = [
        {"type": "outage", "service": "api", "start": T, "end": T_END, "id": 7},
        {"type": "maintenance", "service": "db", "start": T, "end": T_END, "announced": T},
        {"type": "outage", "service": "db", "start": T, "end": T_END, "affected": "25%"},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert _state(slakit.io.read_table(path, "events")) == _state(slakit.io.read_jsonl(path))


def test_a_header_alone_is_an_empty_table(tmp_path: Path) -> None:
    """A CSV file with a header and no rows is a table of no rows."""
    path = tmp_path / "o.csv"
    path.write_text("service,start,end\n")
    assert len(slakit.io.read_table(path, "outages")) == 0
    assert len(slakit.io.read_columns(path)) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a claim needs its service, period and filing instant
        (f"service,period,filed\n,2026-10,{T}\n", ("claims.csv:2", "service")),
        ("service,period,filed\ndb,2026-10,\n", ("claims.csv:2", "filed")),
        ("service,period,filed\ndb,2026-10,2026-10-05T10:00:00\n", ("claims.csv:2", "filed")),
    ],
)
def test_bad_claims_name_their_line(tmp_path: Path, text: str, expected: tuple[str, str]) -> None:
    """A bad claim is a problem of its line and field."""
    path = tmp_path / "claims.csv"
    path.write_text(text)
    with pytest.raises(EventDataError) as error:
        slakit.io.read_table(path, "claims")
    assert [(p.where.rpartition("/")[2], p.field) for p in error.value.problems] == [expected]


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        # money is exact, in a known currency
        ("db,2026-10,usage,12.5.0,USD,", "amount", "amount"),
        ("db,2026-10,usage,12.50,XYZ,", "currency", "XYZ"),
        # a charge needs a period and a kind; a unit price has no kind
        ("db,,usage,12.50,USD,", "period", "a charge (a row without a unit) needs a period"),
        ("db,2026-10,,12.50,USD,", "kind", "needs a kind"),
        ("db,2026-10,usage,0.09,USD,hour", "kind", "a unit price (a row with a unit) has no kind"),
    ],
)
def test_bad_charges_name_their_line(tmp_path: Path, row: str, field: str, message: str) -> None:
    """A bad charge or unit price is a problem of its line and field."""
    path = tmp_path / "charges.csv"
    path.write_text(f"service,period,kind,amount,currency,unit\n{row}\n")
    with pytest.raises(EventDataError) as error:
        slakit.io.read_table(path, "charges")
    (problem,) = error.value.problems
    assert (problem.where, problem.field) == (f"{path}:2", field)
    assert message in problem.message


def test_charges_refuse_float_amounts() -> None:
    """Floats cannot hold cents exactly: a float amount is refused with the fix."""
    frame = pd.DataFrame(
        {
            "service": ["db"],
            "period": ["2026-10"],
            "kind": ["usage"],
            "amount": [12.5],
            "currency": ["USD"],
        }
    )
    with pytest.raises(EventDataError, match=r"row 0: amount: .* is a float"):
        slakit.io.read_table(frame, "charges")


# --- corrections ----------------------------------------------------------------------------


def test_corrections_read_their_services_spans_and_words(tmp_path: Path) -> None:
    """A name, '*', 'tag:NAME' and names joined by ';' are each row's services, as written."""
    table = slakit.io.read_table(_write_csv(tmp_path / "c.csv", "corrections"), "corrections")
    assert table.selector == ("db", "*", ("db", "api"), "tag:eu")
    assert table.category == ("customer-caused", "force majeure", "beta", "third-party")
    ten = pd.Timestamp(T).value // 1000  # 10:00 UTC, in microseconds
    assert table.start.tolist() == [ten, ten, ten + 1_800_000_000, ten]
    assert table.end.tolist() == [
        ten + 3_600_000_000,
        ten + 1_800_000_000,
        *[ten + 3_600_000_000] * 2,
    ]
    first = table.records[0]
    assert (first.reason, first.by, table.records[1].reason) == (
        "firewall change CHG-1182",
        "noc@acme.example",
        "",
    )
    assert first.recorded == pd.Timestamp(T_END).to_pydatetime()
    assert table.records[1].recorded is None
    assert table.where == tuple(f"{tmp_path / 'c.csv'}:{line}" for line in range(2, 6))


def test_corrections_from_json_lines_take_a_list_of_services(tmp_path: Path) -> None:
    """In JSON Lines, services may be a list of names; id and note are carried, not read."""
    path = tmp_path / "c.jsonl"
    lines = [
        {"services": ["db", "api"], "start": T, "end": T_END, "category": "beta", "id": "C-1"},
        {"services": "db;api", "start": T, "end": T_END, "category": "beta", "note": "same"},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    table = slakit.io.read_table(path, "corrections")
    assert table.selector == (("db", "api"), ("db", "api"))
    assert table.records[0] == table.records[1]


def test_corrections_columns_and_epoch_units(tmp_path: Path) -> None:
    """columns= renames a correction's columns; epoch_unit reads integer spans."""
    path = tmp_path / "c.csv"
    path.write_text(
        "hosts,from,to,why,category\ndb,1790000000,1790000600,CHG-1,customer-caused\n",
        encoding="utf-8",
    )
    renames = {"services": "hosts", "start": "from", "end": "to", "reason": "why"}
    table = slakit.io.read_table(path, "corrections", columns=renames, epoch_unit="s")
    assert (table.start.tolist(), table.end.tolist()) == (
        [1_790_000_000_000_000],
        [1_790_000_600_000_000],
    )
    assert table.records[0].reason == "CHG-1"
    frame = pd.DataFrame(
        {
            "hosts": ["db"],
            "from": [1_790_000_000_000],
            "to": [1_790_000_600_000],
            "why": ["CHG-1"],
            "category": ["customer-caused"],
        }
    )
    typed = slakit.io.read_table(frame, "corrections", columns=renames, epoch_unit="ms")
    assert typed.records == table.records
    with pytest.raises(EventDataError, match=r"columns: hosts: is not a column of corrections"):
        slakit.io.read_table(path, "corrections", epoch_unit="s")


def test_bad_corrections_are_named_by_file_line_and_field(tmp_path: Path) -> None:
    """Every bad correction at once, each by file:line and the field that is wrong."""
    path = tmp_path / "c.csv"
    path.write_text(
        "services,start,end,category\n"
        f"db,{T},{T_END},customer-caused\n"
        f",{T},{T_END},customer-caused\n"
        f"db,2026-10-05 10:00:00,{T_END},customer-caused\n"
        f"db,{T},{T_END},\n"
        f"db,{T_END},{T},beta\n"
        f"tag:,{T},{T_END},beta\n",
        encoding="utf-8",
    )
    with pytest.raises(EventDataError) as error:
        slakit.io.read_table(path, "corrections")
    problems = error.value.problems
    assert [p.where for p in problems] == [f"{path}:{line}" for line in range(3, 8)]
    fields = [p.field for p in problems]
    assert fields[:3] + fields[4:] == ["services", "start", "category", "services"]
    assert "must lie after" in problems[3].message  # the span as a whole


def test_bad_typed_correction_times_are_listed_with_the_other_problems(tmp_path: Path) -> None:
    """A Parquet timestamp outside the instants or missing, a bad category: each named once."""
    path = tmp_path / "c.parquet"
    early = pd.Timestamp("1960-01-01T00:00:00Z").to_pydatetime()
    start = pd.Timestamp(T).to_pydatetime()
    stop = pd.Timestamp(T_END).to_pydatetime()
    pq.write_table(
        pa.table(
            {
                "services": ["db", "db", "db", "db"],
                "start": pa.array([start, early, start, None], TS),
                "end": pa.array([stop, stop, stop, stop], TS),
                "category": ["beta", "beta", " ", "beta"],
            }
        ),
        path,
    )
    with pytest.raises(EventDataError) as error:
        slakit.io.read_table(path, "corrections")
    assert [(p.where, p.field) for p in error.value.problems] == [
        (f"{path}:row 1", "start"),
        (f"{path}:row 2", "category"),
        (f"{path}:row 3", "start"),
    ]
    assert "1960-01-01" in error.value.problems[0].message
    assert error.value.problems[2].message == "missing; every correction needs its start"


def test_corrections_refuse_datetimes_without_a_zone() -> None:
    """A frame's datetimes without a zone are one problem of the column, as for every kind."""
    frame = pd.DataFrame(
        {
            "services": ["db"],
            "start": [pd.Timestamp("2026-10-05T10:00:00")],
            "end": [pd.Timestamp("2026-10-05T11:00:00")],
            "category": ["beta"],
        }
    )
    with pytest.raises(EventDataError, match="columns: start: holds datetimes without a time zone"):
        slakit.io.read_table(frame, "corrections")


def test_the_columns_of_a_source() -> None:
    """read_columns gives the columns, a source and no row names for a frame."""
    frame = pl.DataFrame({"service": ["a"], "start": [T], "end": [T_END]})
    read = slakit.io.read_columns(frame, columns={"begin": "start"})
    assert set(read.data) == {"service", "begin", "end"}
    assert read.where is None
    assert read.source == "polars.DataFrame"
    assert len(read) == 1


def test_where_is_a_lazy_sequence(tmp_path: Path) -> None:
    """Rows are named on demand; negative indexes and slices work as for a list."""
    path = _write_csv(tmp_path / "o.csv", "outages")
    where = slakit.io.read_columns(path).where
    assert where is not None
    assert where[-1] == f"{path}:4"
    assert where[0:2] == [f"{path}:2", f"{path}:3"]
    assert "3 rows" in repr(where)
    with pytest.raises(IndexError):
        where[3]


def test_bad_nested_transitions_name_their_line(tmp_path: Path) -> None:
    """A transition that is not an object of at and status names its line and position."""
    path = tmp_path / "tickets.jsonl"
    line = {**TICKET_LINES[1], "transitions": [{"at": T}], "pauses": "no"}
    path.write_text(json.dumps(line) + "\n")
    with pytest.raises(EventDataError) as error:
        slakit.io.read_table(path, "tickets")
    assert {(p.where, p.field) for p in error.value.problems} == {
        (f"{path}:1", "transitions[0]"),
        (f"{path}:1", "pauses"),
    }


def test_an_arrow_stream_reads_as_a_file(tmp_path: Path) -> None:
    """An Arrow IPC stream (not only the file format) reads as the file does."""
    table = _typed("outages")
    path = tmp_path / "outages.arrow"
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    assert _state(slakit.io.read_table(path, "outages")) == _state(
        slakit.io.read_table(table, "outages")
    )


def test_sources_that_are_not_files() -> None:
    """A missing file, an unknown format and an object that is no table are refused."""
    with pytest.raises(FileNotFoundError, match="no such file"):
        slakit.io.read_table("nowhere.csv", "outages")
    with pytest.raises(ValueError, match="format='xlsx' is not one of"):
        slakit.io.read_columns("nowhere.csv", format="xlsx")
    with pytest.raises(TypeError, match="source must be a path"):
        slakit.io.read_columns([{"service": "a"}])


def test_problems_of_a_parquet_file_are_in_row_order(tmp_path: Path) -> None:
    """Rows named file:row i are listed by number: row 2 before row 10."""
    path = tmp_path / "o.parquet"
    ends = [T_END] * 12
    ends[2] = ends[10] = T
    pq.write_table(pa.table({"service": ["a"] * 12, "start": [T] * 12, "end": ends}), path)
    with pytest.raises(EventDataError) as error:
        slakit.io.read_table(path, "outages")
    assert [p.where.rpartition(":")[2] for p in error.value.problems] == ["row 2", "row 10"]


@pytest.mark.parametrize("stdlib", [False, True])
def test_bad_lines_and_bad_rows_are_listed_together(
    tmp_path: Path, stdlib: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line that is no row and a row with a bad field come in one error, in file order."""
    if stdlib:
        monkeypatch.setattr(_csv, "_with_arrow", lambda data, source: None)
    path = tmp_path / "outages.csv"
    path.write_text(
        "service,start,end\n"
        "api,2026-10-01T00:00:00Z,2026-10-01T00:05:00Z,extra\n"
        "api,2026-10-01T00:00,2026-10-01T00:05:00Z\n",
        encoding="utf-8",
    )
    with pytest.raises(EventDataError) as caught:
        slakit.io.read_table(path, "outages")
    wheres = [p.where for p in caught.value.problems]
    assert wheres == [f"{path}:2", f"{path}:3"]
    assert "has 4 cells; the header on line 1 has 3" in caught.value.problems[0].message
    assert "has no UTC offset" in caught.value.problems[1].message
    with pytest.raises(EventDataError, match="has 4 cells"):
        slakit.io.read_columns(path)  # columns alone: the bad line is never dropped silently


# --- JSON Lines read in chunks ------------------------------------------------------------------

#: Outage lines of one length (services ``svc-0000`` ...), so a chunk of 4 lines is 4 lines' bytes.
OUTAGE_LINE = '{"type": "outage", "service": "svc-%04d", "start": "%s", "end": "%s"}'


def _outage(i: int, start: str = T, end: str = T_END, more: str = "") -> str:
    """Return an outage line of service ``svc-{i}``, with ``more`` keys at its end."""
    return (OUTAGE_LINE % (i, start, end))[:-1] + more + "}"


def _outage_lines(n: int) -> list[str]:
    return [_outage(i) for i in range(n)]


@pytest.mark.parametrize(
    ("broken", "bad_row"),
    [
        # a line that is no JSON object first and last in a chunk, a bad row in another chunk
        (1, 6),
        (4, 6),
        (5, 2),
        (8, 2),
        # the last line of the file, the file being exactly three chunks
        (12, 9),
        # both in one chunk, at its ends
        (9, 12),
    ],
)
def test_bad_lines_at_the_ends_of_chunks_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: int, bad_row: int
) -> None:
    """A bad line first or last in its chunk is named by its line, with the bad rows of others."""
    lines = _outage_lines(12)
    lines[broken - 1] = lines[broken - 1][:-1] + "]"  # same length: the chunks stay 4 lines
    lines[bad_row - 1] = _outage(bad_row - 1, T_END, T)  # ends before it starts
    path = tmp_path / "events.jsonl"
    path.write_text("".join(line + "\n" for line in lines))
    monkeypatch.setattr(_jsonl, "CHUNK_BYTES", 4 * (len(lines[0]) + 1))
    assert path.stat().st_size == 3 * _jsonl.CHUNK_BYTES
    assert [chunk.count(b"\n") for chunk in _jsonl._chunks(path)] == [4, 4, 4]
    with pytest.raises(EventDataError) as error:
        slakit.io.read_table(path, "events")
    found = {(p.where, p.field): p.message for p in error.value.problems}
    in_order = sorted([(broken, ""), (bad_row, "end")])  # problems come in the order of the file
    assert list(found) == [(f"{path}:{line}", field) for line, field in in_order]
    assert found[f"{path}:{broken}", ""].startswith("not valid JSON")
    assert "is not after start" in found[f"{path}:{bad_row}", "end"]


def _variants(lines: list[str]) -> dict[str, bytes]:
    text = "".join(line + "\n" for line in lines)
    return {
        # as written, and without the last line break
        "plain": text.encode(),
        "no final line break": text.rstrip("\n").encode(),
        # blank lines and a byte order mark
        "blank lines": ("\n" + text.replace("\n", "\n\n", 3)).encode(),
        "byte order mark": b"\xef\xbb\xbf" + text.encode(),
        # Windows line breaks
        "crlf": text.replace("\n", "\r\n").encode(),
        # a line longer than the chunks, and other instants and keys in a few lines
        "long line": (
            text
            + json.dumps({"type": "outage", "service": "x" * 300, "start": T, "end": T_END})
            + "\n"
        ).encode(),
        "other forms": (
            text
            + json.dumps({"type": "outage", "service": "a", "start": T, "end": T_LATER})
            + "\n"
            + json.dumps(
                {"type": "outage", "service": "a", "start": T, "end": "2026-10-05T11:00:00.5Z"}
            )
            + "\n"
            + json.dumps(
                {"type": "maintenance", "service": "a", "start": T, "end": T_END, "announced": T}
            )
            + "\n"
            + json.dumps(
                {"type": "outage", "service": "a", "start": T, "end": T_END, "state": "degraded"}
            )
            + "\n"
        ).encode(),
    }


@pytest.mark.parametrize("variant", list(_variants([])))
@pytest.mark.parametrize("lines_per_chunk", [None, 0.5, 1, 3, 4])
def test_json_lines_in_chunks_read_as_line_by_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variant: str, lines_per_chunk: float | None
) -> None:
    """Any chunk size gives the table the events reader gives, rows named by their lines."""
    lines = _outage_lines(12)
    path = tmp_path / "events.jsonl"
    path.write_bytes(_variants(lines)[variant])
    if lines_per_chunk is not None:
        monkeypatch.setattr(_jsonl, "CHUNK_BYTES", int(lines_per_chunk * (len(lines[0]) + 1)))
    table = slakit.io.read_table(path, "events")
    expected = slakit.io.read_jsonl(path)
    assert _state(table) == _state(expected)
    assert table.where_all() == expected.where_all()


def test_json_lines_columns_are_compact(tmp_path: Path) -> None:
    """Instants are read as datetime64 as the lines are read; names are kept once each."""
    path = tmp_path / "events.jsonl"
    path.write_text("".join(line + "\n" for line in _outage_lines(5)))
    data = slakit.io.read_columns(path).data
    assert data["start"].dtype == np.dtype("datetime64[us]")
    assert not isinstance(data["service"], list)
    assert isinstance(slakit.io.read_columns(path).where, Lines)  # one row per line: no array


def test_json_lines_without_pyarrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pyarrow, names are a numpy column: the same table."""
    path = tmp_path / "events.jsonl"
    path.write_bytes(_variants(_outage_lines(6))["other forms"])
    expected = slakit.io.read_table(path, "events")
    monkeypatch.setitem(__import__("sys").modules, "pyarrow", None)
    assert _state(slakit.io.read_table(path, "events")) == _state(expected)


#: Lines that are read, refused, or make a chunk be read line by line.
TRICKY_LINES = [
    _outage(1),
    _outage(2, end=T_LATER),
    json.dumps({"type": "maintenance", "service": "db", "start": T, "end": T_END, "announced": T}),
    json.dumps({"type": "outage", "service": "db:1", "start": T, "end": T_END, "note": "a:b"}),
    # a key given twice; a colon written as an escape (the count of colons cannot tell)
    _outage(3, more=', "service": "web"'),
    _outage(4, more=', "note": "\\u003a"'),
    _outage(5, more=', "note": "\\u003A\\u003a"'),
    # other instants, values, keys and nesting
    _outage(6, end="2026-10-05T11:00:00.25Z"),
    _outage(7, end="2026-10-05T11:00"),
    json.dumps({"type": "outage", "service": 7, "start": T, "end": T_END}),
    json.dumps({"type": "outage", "service": "a", "start": T, "end": None}),
    json.dumps({"type": "outage", "service": "a", "start": T}),
    json.dumps({"type": "outage", "service": "a", "start": T, "end": T_END, "affected": 0.5}),
    _outage(8, more=', "note": ' + "9" * 50),  # a number too long
    _outage(9, more=', "note": {"a": [1]}'),
    # not an object, or not one per line
    "[" * 40 + "]" * 40,
    _outage(10)[:-1],
    _outage(11) + ", " + _outage(12),
    '{"type": "outage", "service": "split"',
    '"start": "' + T + '", "end": "' + T_END + '"}, ' + _outage(13),
    "",
    "  " + _outage(14),
    _outage(15) + "\r",
    '{"type": "outage", "service": "caf\xe9", "start": "' + T + '", "end": "' + T_END + '"}',
]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    picks=st.lists(st.integers(0, len(TRICKY_LINES) - 1), max_size=12),
    encoding=st.sampled_from(["utf-8", "latin-1"]),
    chunk=st.sampled_from([1, 90, 200, 1 << 20]),
)
def test_chunks_read_at_once_read_as_line_by_line(
    picks: list[int], encoding: str, chunk: int
) -> None:
    """Whatever the lines, reading a chunk at once gives what reading it line by line gives."""

    def outcome(path: Path) -> tuple[Any, ...]:
        try:
            table = slakit.io.read_table(path, "events")
        except EventDataError as error:
            return ("refused", [str(p) for p in error.problems], error.omitted)
        return ("read", _state(table), table.where_all())

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.jsonl"
        path.write_bytes(
            b"".join(TRICKY_LINES[i].encode(encoding, "replace") + b"\n" for i in picks)
        )
        with mock.patch.object(_jsonl, "CHUNK_BYTES", chunk):
            at_once = outcome(path)
            with mock.patch.object(_jsonl, "_flat_chunk", return_value=None):
                assert outcome(path) == at_once


@pytest.mark.parametrize(
    "other",
    [
        _outage(1),
        # colons in strings, and a colon written as an escape, which the text does not show
        _outage(1, more=', "note": "a:b"'),
        _outage(1, more=', "note": "\\u003a"'),
    ],
)
def test_a_key_given_twice_is_found_in_a_chunk_read_at_once(tmp_path: Path, other: str) -> None:
    """A key given twice on one line of a chunk is a problem of that line, whatever the others."""
    path = tmp_path / "events.jsonl"
    lines = [_outage(0), _outage(2, more=', "service": "web"'), other]
    path.write_text("".join(line + "\n" for line in lines))  # one chunk
    with pytest.raises(EventDataError) as error:
        slakit.io.read_table(path, "events")
    assert [(p.where, p.field, p.message) for p in error.value.problems] == [
        (f"{path}:2", "service", "given twice in one object; keep one of the values")
    ]


def test_column_problems_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text("acct,plan,service\na,gold,s\n", encoding="utf-8")
    with pytest.raises(EventDataError) as caught:
        slakit.io.read_table(path, "customers")
    assert all(p.where.startswith(f"{path}: columns") for p in caught.value.problems)
