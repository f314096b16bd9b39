"""Requests as records, columns and JSON Lines: validation that names every bad row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import slakit as sla
import slakit.io
from slakit.exceptions import DefinitionError, EventDataError
from tests.strategies import SECOND, T0

NAMES = ["api", "web"]


def columns(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "service": np.array([0, 1, 0], dtype=np.int32),
        "time": np.array([T0, T0 + SECOND, T0 + 2 * SECOND], dtype=np.int64),
        "status": np.array([200, 503, 404], dtype=np.int16),
        "latency": np.array([1000, 2000, 3000], dtype=np.int64),
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def problems(error: pytest.ExceptionInfo[EventDataError]) -> list[str]:
    return [str(p) for p in error.value.problems]


# --- records ------------------------------------------------------------------------------


def test_request_records() -> None:
    """A request normalises its time and latency and knows its outcome."""
    r = sla.Request("api", "2026-10-01T02:00:00+02:00", 503, latency=1500)
    assert r.time_us == T0
    assert r.latency == sla.Duration(1500)
    assert r.outcome == "server error"
    assert sla.Request("api", T0, ok=False).outcome == "server error"
    assert sla.Request("api", T0, 404, ok=True).outcome == "client error"
    assert sla.Request("api", T0, ok=True).latency_us == -1
    assert repr(sla.Request("api", T0, ok=True, latency=sla.seconds(2))) == (
        "Request('api', '2026-10-01T00:00:00Z', ok=True, latency=seconds(2))"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "neither a status nor an ok flag"),
        ({"status": 600}, "status=600"),
        ({"status": True}, "status=True"),
        ({"status": 503, "ok": True}, "contradicts status=503"),
        ({"ok": "yes"}, "ok='yes'"),
        ({"ok": True, "latency": -1}, "latency=-1"),
        ({"ok": True, "latency": 1.5}, "latency=1.5"),
        ({"ok": True, "service": " "}, "service=' '"),
    ],
)
def test_invalid_requests(kwargs: dict[str, Any], message: str) -> None:
    """A bad record fails when it is built, naming the field."""
    service = kwargs.pop("service", "api")
    status = kwargs.pop("status", None)
    with pytest.raises(DefinitionError, match=message):
        sla.Request(service, T0, status, **kwargs)


def test_records_round_trip() -> None:
    """A table built from records gives the same records back."""
    reqs = [
        sla.Request("web", T0, 200, latency=5),
        sla.Request("api", T0 + 1, ok=False),
        sla.Request("api", T0 + 2, 404, ok=True, latency=0),
    ]
    table = sla.RequestTable.from_records(reqs)
    assert table.services == ("api", "web")
    back = table.records()
    assert [(r.service, r.time_us, r.status, r.latency, r.outcome) for r in back] == [
        (r.service, r.time_us, r.status, r.latency, r.outcome) for r in reqs
    ]
    assert table.counts() == {"success": 1, "client error": 1, "server error": 1}
    assert repr(table) == (
        "<RequestTable 3 requests (1 success, 1 client error, 1 server error) over 2 services>"
    )
    assert table.where(1) == "row 1"


def test_from_records_rejects_other_objects() -> None:
    """Only Request records make a request table."""
    with pytest.raises(EventDataError, match="record 1: expected a Request, got int"):
        sla.RequestTable.from_records([sla.Request("a", T0, 200), 5])  # type: ignore[list-item]


def test_mixed_record_lists_are_sorted_into_tables() -> None:
    """A list of requests evaluates like a table (records are converted once)."""
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[sla.success_ratio() >= "50%"])
    a = sla.Agreement(provider="p", customer="c", services=["a"], tier=tier, period=sla.monthly())
    report = sla.evaluate(a, [sla.Request("a", "2026-10-02T00:00:00Z", 200)], period="2026-10")
    assert report.compliant


# --- columns ------------------------------------------------------------------------------


def test_from_columns_with_codes_is_near_zero_copy() -> None:
    """Columns of the table's dtypes are used as they are, behind read-only views."""
    cols = columns()
    table = sla.RequestTable.from_columns(cols, services=NAMES)
    assert np.shares_memory(table.time, cols["time"])
    assert np.shares_memory(table.latency, cols["latency"])
    assert np.shares_memory(table.service, cols["service"])
    assert cols["time"].flags.writeable  # the caller's array keeps its flags
    assert not table.time.flags.writeable
    assert table.outcome.tolist() == [0, 2, 1]
    copied = sla.RequestTable.from_columns(cols, services=NAMES, copy=True)
    assert not np.shares_memory(copied.time, cols["time"])
    with pytest.raises(AttributeError, match="immutable"):
        table.time = cols["time"]  # type: ignore[misc]


def test_from_columns_with_names_ok_flags_and_numpy_times() -> None:
    """Names, ok flags, datetime64 times and timedelta64 latencies are all accepted."""
    table = sla.RequestTable.from_columns(
        {
            "service": ["web", "api", "web"],
            "time": np.array(
                ["2026-10-01T00:00:00", "2026-10-01T00:00:01", "2026-10-01T00:00:02"],
                dtype="datetime64[us]",
            ),
            "ok": [True, False, None],
            "status": [None, None, 204],
            "latency": np.array([5, "NaT", 7], dtype="timedelta64[ms]"),
        }
    )
    assert table.services == ("api", "web")
    assert table.service.tolist() == [1, 0, 1]
    assert table.time.tolist() == [T0, T0 + SECOND, T0 + 2 * SECOND]
    assert table.outcome.tolist() == [0, 2, 0]
    assert table.status.tolist() == [0, 0, 204]
    assert table.latency.tolist() == [5000, -1, 7000]
    assert table.missing_latency == 1


def test_from_columns_with_only_status_or_only_ok() -> None:
    """Either column alone is enough; a missing latency column means no latencies."""
    by_status = sla.RequestTable.from_columns(columns(latency=None), services=NAMES)
    assert by_status.outcome.tolist() == [0, 2, 1]
    assert by_status.missing_latency == 3
    by_ok = sla.RequestTable.from_columns(
        columns(status=None, ok=np.array([True, False, True])), services=NAMES
    )
    assert by_ok.outcome.tolist() == [0, 2, 0]
    both = sla.RequestTable.from_columns(columns(ok=np.array([False, False, True])), services=NAMES)
    assert both.outcome.tolist() == [2, 2, 1]


def test_from_data_frames() -> None:
    """Data frames (pandas with a categorical service, polars) work as they are."""
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    frame = pd.DataFrame(
        {
            "service": pd.Categorical(["web", "api", "web"]),
            "time": pd.to_datetime(["2026-10-01T00:00:00Z"] * 3).as_unit("us"),
            "status": [200, 500, 200],
            "latency": [1, 2, 3],
        }
    )
    table = sla.RequestTable.from_columns(frame)
    assert table.services == ("api", "web")
    assert table.service.tolist() == [1, 0, 1]
    assert table.time.tolist() == [T0] * 3
    polars_table = sla.RequestTable.from_columns(
        pl.DataFrame({"service": ["a", "b"], "time": [T0, T0], "ok": [True, False]})
    )
    assert polars_table.outcome.tolist() == [0, 2]


def test_from_columns_lists_every_bad_row() -> None:
    """Negative latencies, unknown statuses and contradictions are listed row by row."""
    with pytest.raises(EventDataError) as error:
        sla.RequestTable.from_columns(
            columns(
                status=np.array([99, 503, 0]),
                ok=[None, True, None],
                latency=np.array([-5, 10, -2]),
            ),
            services=NAMES,
        )
    assert problems(error) == [
        "row 0: status: 99 is not an HTTP-like status code (100-599)",
        "row 0: latency: -5 µs is negative",
        "row 1: ok: ok=True contradicts status 503, a server error",
        "row 2: latency: -2 µs is negative",
        "row 2: status: missing; give a status or an ok flag",
    ]


@pytest.mark.parametrize(
    ("overrides", "kwargs", "message"),
    [
        ({"status": None}, {}, "give a 'status' column, an 'ok' column or both"),
        ({"service": np.array([0, 2, -1])}, {"services": NAMES}, "2 is past the end of services"),
        ({"service": np.array([0, 1, 0])}, {}, "integer codes with services="),
        ({"service": ["a", "b", "a"]}, {"services": NAMES}, "each service is an integer code"),
        ({"service": ["a", " ", "a"]}, {}, "row 1: service: must be a non-empty"),
        ({}, {"services": ["api", ""]}, "services\\[1\\] is '', not a service name"),
        ({"service": np.array([0, 1])}, {"services": NAMES}, "must have 3 rows"),
        ({"status": np.array([1.5, 2.0, 3.0])}, {"services": NAMES}, "integer status codes"),
        ({"status": None, "ok": np.array([1, 0, 1])}, {"services": NAMES}, "must be 3 booleans"),
        ({"status": None, "ok": [True, None, "x"]}, {"services": NAMES}, "must be 3 booleans"),
        ({"status": None, "ok": [True, None, False]}, {"services": NAMES}, "row 1: ok: missing"),
        ({"status": None, "ok": np.array([True])}, {"services": NAMES}, "must be 3 booleans"),
        ({"latency": np.array([0.5, 1.0, 2.0])}, {"services": NAMES}, "integer microseconds"),
        ({"latency": [1, None, 2]}, {"services": NAMES}, None),
    ],
)
def test_from_columns_errors(
    overrides: dict[str, Any], kwargs: dict[str, Any], message: str | None
) -> None:
    """Malformed columns are refused with a message that names the column or the row."""
    cols = columns(**overrides)
    if "status" in overrides and overrides["status"] is None and "ok" not in overrides:
        cols.pop("status", None)
    if message is None:
        table = sla.RequestTable.from_columns(cols, **kwargs)
        assert table.latency.tolist() == [1, -1, 2]
        return
    with pytest.raises(EventDataError, match=message):
        sla.RequestTable.from_columns(cols, **kwargs)


def test_table_columns_must_agree_in_length() -> None:
    """The low-level constructor checks its columns."""
    with pytest.raises(ValueError, match="column 'status' must have 1 rows"):
        sla.RequestTable(
            service=[0], services=["a"], time=[T0], status=[], outcome=[0], latency=[0]
        )
    with pytest.raises(ValueError, match="'where' must have 1 entries"):
        sla.RequestTable(
            service=[0], services=["a"], time=[T0], status=[0], outcome=[0], latency=[0], where=[]
        )


# --- JSON Lines ---------------------------------------------------------------------------

GOOD_LINES = [
    '{"service": "api", "time": "2026-10-01T00:00:00Z", "status": 200, "latency_ms": 81.5}',
    "",
    '{"service": "api", "time": "2026-10-01T02:00:01+02:00", "ok": false, "id": "r2"}',
    (
        '{"service": "web", "time": "2026-10-01T00:00:02Z", "status": 404, "ok": true, '
        '"latency_ms": 3, "note": "bot"}'
    ),
]


def test_read_requests_jsonl(tmp_path: Path) -> None:
    """A JSON Lines file becomes a table whose rows remember their line."""
    path = tmp_path / "requests.jsonl"
    path.write_text("\n".join(GOOD_LINES) + "\n", encoding="utf-8")
    table = slakit.io.read_requests_jsonl(path)
    assert len(table) == 3
    assert table.latency.tolist() == [81_500, -1, 3_000]
    assert table.outcome.tolist() == [0, 2, 1]
    assert table.time.tolist() == [T0, T0 + SECOND, T0 + 2 * SECOND]
    assert table.where(2) == f"{path}:4"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "in.jsonl:1: not valid JSON"),
        ("[1, 2]", "in.jsonl:1: expected a JSON object, got list"),
        ('{"service": "a", "time": "2026-10-01T00:00:00Z", "status": 200, "x": 1}', "x: unknown"),
        ('{"time": "2026-10-01T00:00:00Z", "status": 200}', "service: missing"),
        ('{"service": "a", "time": "2026-10-01T00:00:00Z"}', "status: missing; give a status"),
        ('{"service": "", "time": "2026-10-01T00:00:00Z", "ok": true}', "service: '' must be"),
        ('{"service": "a", "time": "2026-10-01T00:00:00", "ok": true}', "time: '2026-10-01T00"),
        ('{"service": "a", "time": 5, "ok": true}', "time: 5 must be an ISO 8601 string"),
        ('{"service": "a", "time": "2026-10-01T00:00:00Z", "status": 700}', "status: 700"),
        ('{"service": "a", "time": "2026-10-01T00:00:00Z", "status": "200"}', "status: '200'"),
        ('{"service": "a", "time": "2026-10-01T00:00:00Z", "ok": 1}', "ok: 1 must be"),
        (
            '{"service": "a", "time": "2026-10-01T00:00:00Z", "status": 500, "ok": true}',
            "ok: true contradicts status 500",
        ),
        (
            '{"service": "a", "time": "2026-10-01T00:00:00Z", "ok": true, "latency_ms": -1}',
            "latency_ms: Decimal\\('-1'\\)|latency_ms: -1",
        ),
        (
            '{"service": "a", "time": "2026-10-01T00:00:00Z", "ok": true, "latency_ms": 0.0001}',
            "exact to the microsecond",
        ),
        (
            '{"service": "a", "time": "2026-10-01T00:00:00Z", "ok": true, "latency_ms": true}',
            "latency_ms: True",
        ),
    ],
)
def test_parse_requests_jsonl_errors(line: str, message: str) -> None:
    """Every bad line is reported as file:line: field: what is wrong."""
    with pytest.raises(EventDataError, match=message):
        slakit.io.parse_requests_jsonl([GOOD_LINES[0], line][1:], source="in.jsonl")


def test_parse_requests_jsonl_reports_all_lines_together() -> None:
    """Problems on several lines come in one error, in line order."""
    with pytest.raises(EventDataError) as error:
        slakit.io.parse_requests_jsonl(["{", GOOD_LINES[0], "[]"], source="f")
    assert [p.where for p in error.value.problems] == ["f:1", "f:3"]
