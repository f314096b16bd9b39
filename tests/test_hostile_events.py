"""Hostile event data: each reader refuses bad input with an error naming record and field.

The readers are the JSON Lines readers (``parse_jsonl``, ``parse_requests_jsonl``,
``parse_tickets_jsonl`` and their ``read_*`` twins) and the tables'
``from_columns`` over dicts of lists, numpy arrays, pandas and polars frames.

The ``fuzz_<entry>`` functions are fuzz targets: each takes one generated
input, calls one entry point and fails unless the input is either accepted or
refused with a ``SlakitError``. The tests below run them under Hypothesis with
the profile's example count; a long fuzz session can import and reuse them.
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slakit as sla
import slakit.io
from slakit._cli import main
from slakit.exceptions import EventDataError, SlakitError
from tests.fuzzing import target

T0 = 1_790_812_800_000_000  # 2026-10-01T00:00:00Z in microseconds
T1 = T0 + 300_000_000
ISO0 = "2026-10-01T00:00:00Z"
ISO1 = "2026-10-01T00:05:00Z"

EVENT_LINE = {"type": "outage", "service": "api", "start": ISO0, "end": ISO1}
REQUEST_LINE = {"service": "api", "time": ISO0, "status": 200, "latency_ms": 12.5}
TICKET_LINE = {"id": "T-1", "service": "desk", "priority": "P1", "opened": ISO0}

PARSERS: dict[str, Callable[..., object]] = {
    "events": slakit.io.parse_jsonl,
    "requests": slakit.io.parse_requests_jsonl,
    "tickets": slakit.io.parse_tickets_jsonl,
}
READERS: dict[str, Callable[..., object]] = {
    "events": slakit.io.read_jsonl,
    "requests": slakit.io.read_requests_jsonl,
    "tickets": slakit.io.read_tickets_jsonl,
}
VALID = {"events": EVENT_LINE, "requests": REQUEST_LINE, "tickets": TICKET_LINE}


def refusal(build: Callable[[], object]) -> EventDataError:
    """Return the EventDataError that ``build()`` raises (and fail if it raises none)."""
    with pytest.raises(EventDataError) as caught:
        build()
    return caught.value


def texts(error: EventDataError) -> list[str]:
    """Return the problems of an error as ``where: field: message`` lines."""
    return [str(p) for p in error.problems]


def only(error: EventDataError) -> tuple[str, str, str]:
    """Return the one problem of an error as ``(where, field, message)``."""
    (problem,) = error.problems
    return problem.where, problem.field, problem.message


# --- JSON Lines: depth -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(PARSERS))
@pytest.mark.parametrize(
    "line",
    [
        "[" * 1000 + "]" * 1000,  # the line of the issue: RecursionError before
        '{"a": ' * 50_000 + "1" + "}" * 50_000,  # deep objects
        "[" * 100_000,  # and deep, unclosed
    ],
)
def test_deep_nesting_is_a_problem_of_its_line(kind: str, line: str) -> None:
    """A line nested beyond 32 levels is refused before it is decoded, naming the line."""
    error = refusal(lambda: PARSERS[kind]([json.dumps(VALID[kind]), line], source="f.jsonl"))
    where, field, message = only(error)
    assert (where, field) == ("f.jsonl:2", "")
    assert message.startswith("nests deeper than 32 levels")


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    """Brackets in a string value are text, not nesting."""
    line = {**EVENT_LINE, "note": "[" * 500 + "{" * 500}
    table = slakit.io.parse_jsonl([json.dumps(line)])
    assert len(table) == 1


# --- JSON Lines: field types and ranges --------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "line", "field", "message"),
    [
        # events: a type that is no name, a missing type, wrong types of every field
        ("events", {"type": {}}, "type", "{} is not one of 'outage'"),
        ("events", {"type": ["outage"]}, "type", "['outage'] is not one of"),
        ("events", {"service": "a"}, "type", "missing one of 'outage'"),
        ("events", {**EVENT_LINE, "service": None}, "service", "is null; give a non-empty"),
        ("events", {**EVENT_LINE, "service": 5}, "service", "5 must be a non-empty string"),
        ("events", {**EVENT_LINE, "service": "\ud800"}, "service", "lone surrogate"),
        ("events", {**EVENT_LINE, "start": None}, "start", "is null; give an ISO 8601"),
        ("events", {**EVENT_LINE, "start": True}, "start", "True must be an ISO 8601 string"),
        ("events", {**EVENT_LINE, "start": "x" * 10_000}, "start", "(9,922 more characters)"),
        ("events", {**EVENT_LINE, "id": [1]}, "id", "must be a non-empty string or a whole"),
        ("events", {**EVENT_LINE, "note": 3}, "note", "3 must be a string"),
        ("events", {**EVENT_LINE, "affected": {}}, "affected", "percentage"),
        ("events", {**EVENT_LINE, "state": None}, "state", "None must be a state name"),
        # requests: the overflow of the issue, and every other wrong number
        (
            "requests",
            {**REQUEST_LINE, "latency_ms": 9223372036854775807},
            "latency_ms",
            "9223372036854775807 must be a number of milliseconds from 0 to 253,370,764,800,000",
        ),
        ("requests", {**REQUEST_LINE, "latency_ms": -1}, "latency_ms", "from 0 to"),
        ("requests", {**REQUEST_LINE, "latency_ms": 0.0001}, "latency_ms", "at most 3 decimals"),
        ("requests", {**REQUEST_LINE, "latency_ms": "12"}, "latency_ms", "'12' must be a number"),
        ("requests", {**REQUEST_LINE, "latency_ms": True}, "latency_ms", "True must be a number"),
        ("requests", {**REQUEST_LINE, "status": 200.0}, "status", "is not a status code"),
        ("requests", {**REQUEST_LINE, "status": None}, "status", "is null; give a status"),
        ("requests", {**REQUEST_LINE, "ok": "yes"}, "ok", "'yes' must be true or false"),
        ("requests", {**REQUEST_LINE, "id": {}}, "id", "must be a string or a whole number"),
        # tickets: a null opened (a KeyError before), wrong types of the lists
        ("tickets", {**TICKET_LINE, "opened": None}, "opened", "is null; give an ISO 8601"),
        ("tickets", {**TICKET_LINE, "id": None}, "id", "is null; give a non-empty string"),
        ("tickets", {**TICKET_LINE, "priority": 1}, "priority", "1 must be a non-empty"),
        ("tickets", {**TICKET_LINE, "note": []}, "note", "[] must be a string"),
        ("tickets", {**TICKET_LINE, "transitions": {}}, "transitions", "must be a list"),
        (
            "tickets",
            {**TICKET_LINE, "transitions": [{"at": ISO0, "status": None}]},
            "transitions[0].status",
            "None must be a string",
        ),
    ],
)
def test_every_field_is_checked_for_type_and_range(
    kind: str, line: dict[str, Any], field: str, message: str
) -> None:
    """A field of the wrong type or range is a problem naming file, line and field."""
    error = refusal(lambda: PARSERS[kind]([json.dumps(line)], source="f.jsonl"))
    assert error.problems[0].where == "f.jsonl:1"
    assert [p.field for p in error.problems] == [field]
    assert message in error.problems[0].message


BIG = "1" + "0" * 5000  # int() of it raised ValueError (4300 digits) before


@pytest.mark.parametrize(
    ("kind", "field", "number", "message"),
    [
        ("events", "affected", BIG, "a number of 5,001 characters must be a percentage"),
        ("events", "affected", "1e99999", "affected=inf is a float"),
        ("requests", "latency_ms", BIG, "a number of 5,001 characters must be a number of"),
        ("requests", "latency_ms", "1e99999", "Decimal('1E+99999') must be a number of"),
        ("requests", "latency_ms", "1e-99999", "Decimal('1E-99999') must be a number of"),
        ("requests", "status", BIG, "a number of 5,001 characters is not a status code"),
        ("tickets", "id", BIG, "a number of 5,001 characters must be a non-empty string"),
    ],
)
def test_huge_numbers_are_refused_not_converted(
    kind: str, field: str, number: str, message: str
) -> None:
    """A number of thousands of digits never reaches int(); the field says what it was."""
    fields = {k: v for k, v in VALID[kind].items() if k != field}
    text = json.dumps(fields)[:-1] + f', "{field}": {number}}}'
    where, problem_field, problem = only(refusal(lambda: PARSERS[kind]([text], source="f.jsonl")))
    assert (where, problem_field) == ("f.jsonl:1", field)
    assert message in problem


@pytest.mark.parametrize(
    ("kind", "line", "field"),
    [
        ("events", {**EVENT_LINE, "start": "1969-12-31T23:59:59Z"}, "start"),
        ("events", {**EVENT_LINE, "end": "9999-12-31T00:00:00Z"}, "end"),
        (
            "events",
            {**EVENT_LINE, "type": "maintenance", "announced": "0001-01-01T00:00Z"},
            "announced",
        ),
        ("requests", {**REQUEST_LINE, "time": "9999-06-01T00:00:00+00:00"}, "time"),
        ("tickets", {**TICKET_LINE, "resolved": "9999-01-01T00:00:01Z"}, "resolved"),
        (
            "tickets",
            {**TICKET_LINE, "pauses": [{"start": ISO0, "end": "9999-02-01T00:00:00Z"}]},
            "pauses[0].end",
        ),
    ],
)
def test_instants_outside_the_supported_range_are_refused_at_reading(
    kind: str, line: dict[str, Any], field: str
) -> None:
    """An instant outside 1970..9999 is a problem of its line and field, not a crash later."""
    error = refusal(lambda: PARSERS[kind]([json.dumps(line)], source="f.jsonl"))
    assert [(p.where, p.field) for p in error.problems] == [("f.jsonl:1", field)]
    assert "lies outside the supported instants" in error.problems[0].message


def test_an_instant_finer_than_a_microsecond_is_refused() -> None:
    """A seventh fractional digit would be dropped; it is refused instead."""
    line = {**EVENT_LINE, "start": "2026-10-01T00:00:00.0000001Z"}
    where, field, message = only(refusal(lambda: slakit.io.parse_jsonl([json.dumps(line)])))
    assert (where, field) == ("<events>:1", "start")
    assert "finer than a microsecond" in message


# --- JSON Lines: keys given twice ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "field"),
    [
        ("events", json.dumps(EVENT_LINE)[:-1] + ', "service": "web"}', "service"),
        ("requests", json.dumps(REQUEST_LINE)[:-1] + ', "status": 503}', "status"),
        (
            "tickets",
            json.dumps(TICKET_LINE)[:-1]
            + f', "pauses": [{{"start": "{ISO0}", "end": "{ISO1}", "end": "{ISO1}"}}]}}',
            "end",
        ),
    ],
)
def test_a_key_given_twice_is_refused(kind: str, text: str, field: str) -> None:
    """A key given twice in one object (the last value won silently) is a problem of its line."""
    where, problem_field, message = only(refusal(lambda: PARSERS[kind]([text], source="f")))
    assert (where, problem_field) == ("f:1", field)
    assert message == "given twice in one object; keep one of the values"


# --- JSON Lines: bytes that are not UTF-8 ------------------------------------------------------


@pytest.mark.parametrize("kind", list(READERS))
def test_a_line_that_is_not_utf8_is_a_problem_of_its_line(kind: str, tmp_path: Path) -> None:
    """Bytes that are not UTF-8 name file and line (UnicodeDecodeError before)."""
    path = tmp_path / f"{kind}.jsonl"
    good = json.dumps(VALID[kind]).encode()
    path.write_bytes(b"\xef\xbb\xbf" + good + b"\n" + good.replace(b"T0", b"\xff") + b"\n")
    bad = json.dumps({**VALID[kind], "service": "caf\u00e9"}).encode().replace(b"\\u00e9", b"\xe9")
    path.write_bytes(b"\xef\xbb\xbf" + good + b"\n" + bad + b"\n")  # a BOM, then Latin-1
    where, field, message = only(refusal(lambda: READERS[kind](path)))
    assert (where, field) == (f"{path}:2", "")
    assert message.startswith("is not UTF-8 text (byte 0xe9 at byte")


def test_the_cli_prints_a_non_utf8_file_as_an_error_without_a_traceback(tmp_path: Path) -> None:
    """``slakit evaluate`` reports the line and exits 2, with no traceback."""
    agreement = tmp_path / "agreement.py"
    agreement.write_text(
        "import slakit as sla\n"
        "agreement = sla.Agreement(provider='p', customer='c', services=['api'],\n"
        "    tier=sla.Tier('t', fee=sla.usd('100.00'), objectives=[sla.uptime() >= '99%']),\n"
        "    period=sla.monthly())\n",
        encoding="utf-8",
    )
    events = tmp_path / "events.jsonl"
    events.write_bytes(json.dumps(EVENT_LINE).encode().replace(b"api", b"ap\xff"))
    import io

    out, err = io.StringIO(), io.StringIO()
    status = main(
        ["evaluate", str(agreement), str(events), "--period", "2026-10"], out=out, err=err
    )
    assert status == 2
    assert f"{events}:1: is not UTF-8 text" in err.getvalue()
    assert "Traceback" not in err.getvalue()


# --- tables: columns missing, of different lengths, or no columns at all -----------------------


def event_columns() -> dict[str, Any]:
    """Return one valid outage as columns."""
    return {"kind": ["outage"], "service": ["api"], "start": [T0], "end": [T1]}


def request_columns() -> dict[str, Any]:
    """Return one valid request as columns."""
    return {"service": ["api"], "time": [T0], "status": [200]}


def ticket_columns() -> dict[str, Any]:
    """Return one valid ticket as columns."""
    return {"id": ["T-1"], "service": ["desk"], "priority": ["P1"], "opened": [T0]}


TABLES: dict[str, tuple[Callable[..., object], Callable[[], dict[str, Any]]]] = {
    "events": (sla.EventTable.from_columns, event_columns),
    "requests": (sla.RequestTable.from_columns, request_columns),
    "tickets": (sla.TicketTable.from_columns, ticket_columns),
}
FRAMES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "dict": dict,
    "pandas": pd.DataFrame,
    "polars": pl.DataFrame,
}


@pytest.mark.parametrize("frame", list(FRAMES))
@pytest.mark.parametrize(
    ("table", "drop", "accepted"),
    [
        ("events", "kind", "kind, service, start, end, and optionally announced, state, affected"),
        ("events", "start", "kind, service, start, end"),
        ("requests", "time", "service, time, and optionally status, ok, latency"),
        ("tickets", "priority", "id, service, priority, opened, and optionally first_response"),
    ],
)
def test_a_missing_column_is_named_with_the_accepted_ones(
    table: str, drop: str, accepted: str, frame: str
) -> None:
    """A missing column (KeyError, ColumnNotFoundError before) names itself and the accepted."""
    build, columns = TABLES[table]
    given = {k: v for k, v in columns().items() if k != drop}
    where, field, message = only(refusal(lambda: build(FRAMES[frame](given))))
    assert (where, field) == ("columns", drop)
    assert message.startswith("missing; ")
    assert accepted in message
    assert "given: " + ", ".join(map(repr, given)) in message


@pytest.mark.parametrize("table", list(TABLES))
@pytest.mark.parametrize("columns", [None, [1, 2], "kind", np.zeros(3)])
def test_columns_that_are_no_mapping_are_refused(table: str, columns: Any) -> None:
    """Columns must be a mapping or a data frame (TypeError before)."""
    where, field, message = only(refusal(lambda: TABLES[table][0](columns)))
    assert (where, field) == ("columns", "")
    assert "must be a mapping of column names to columns, or a data frame" in message


@pytest.mark.parametrize(
    ("table", "name", "value", "message"),
    [
        # one column longer: the length most columns have is the table's
        ("events", "service", ["api", "web"], "must have 1 row like 'kind', one per row; it has 2"),
        ("requests", "time", [T0, T0, T0], "must have 1 row like 'service', one per row; it has 3"),
        ("tickets", "opened", [], "must have 1 row like 'id', one per row; it has 0"),
        # a column that is no column: a string, a 2-D array, a generator
        ("events", "service", "api", "must be a column"),
        ("requests", "time", np.zeros((1, 1), dtype=np.int64), "must be a column"),
        ("tickets", "id", (x for x in "a"), "must be a column"),
    ],
)
def test_columns_of_other_lengths_are_refused(
    table: str, name: str, value: Any, message: str
) -> None:
    """Columns of different lengths, or no column, are named (IndexError, ValueError before)."""
    build, columns = TABLES[table]
    where, field, problem = only(refusal(lambda: build({**columns(), name: value})))
    assert (where, field) == ("columns", name)
    assert message in problem


@pytest.mark.parametrize("table", list(TABLES))
def test_where_must_name_each_row(table: str) -> None:
    """A ``where`` shorter than the table is refused (an IndexError on a bad row before)."""
    build, columns = TABLES[table]
    where, field, message = only(refusal(lambda: build(columns(), where=[])))
    assert (where, field, message) == ("columns", "where", "has 0 entries for 1 rows")


# --- tables: the values of the columns ----------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "name", "value", "message"),
    [
        # integers above int64, as Python ints, uint64 and in object arrays
        ("events", "end", [2**70], "1180591620717411303424 lies outside the supported"),
        ("events", "end", np.array([2**63 + 5], np.uint64), "9223372036854775813 microseconds"),
        ("requests", "time", np.array([2**64 - 1], np.uint64), "lies outside the supported"),
        ("tickets", "opened", [-1], "-1 microseconds since the epoch lies outside"),
        ("requests", "latency", [2**70], "1180591620717411303424 must be a duration"),
        ("requests", "status", np.array([2**64 - 1], np.uint64), "is too large"),
        # datetime64 far outside, in a coarse unit (no overflow on the way)
        ("events", "start", np.array([2**62], "datetime64[s]"), "lies outside the supported"),
        ("tickets", "resolved", np.array(["1969-01-01"], "datetime64[D]"), "1969-01-01 lies"),
        ("events", "end", np.array([T1 * 1000 + 1], "datetime64[ns]"), "finer than a microsecond"),
    ],
)
def test_values_out_of_range_are_problems_of_their_rows(
    table: str, name: str, value: Any, message: str
) -> None:
    """Integers above int64 and instants out of range are named by row and field."""
    build, columns = TABLES[table]
    where, field, problem = only(refusal(lambda: build({**columns(), name: value})))
    assert (where, field) == ("row 0", name)
    assert message in problem


@pytest.mark.parametrize("frame", ["dict", "numpy", "pandas", "polars"])
@pytest.mark.parametrize(
    ("table", "name"),
    [
        ("events", "service"),
        ("events", "kind"),
        ("requests", "service"),
        ("tickets", "id"),
        ("tickets", "service"),
        ("tickets", "priority"),
    ],
)
@pytest.mark.parametrize("missing", [None, float("nan")])
def test_missing_names_are_refused_not_named_none(
    table: str, name: str, frame: str, missing: object
) -> None:
    """A None or NaN name is missing (it became a service called "None" or "nan" before)."""
    build, columns = TABLES[table]
    given = columns()
    given[name] = [given[name][0], missing]
    given = {k: v * 2 if k != name else v for k, v in given.items()}
    if frame == "numpy":
        given = {k: np.asarray(v, dtype=object) for k, v in given.items()}
        made: Any = given
    elif frame == "polars" and isinstance(missing, float):
        made = pl.DataFrame({**given, name: pl.Series([given[name][0], None])})
    else:
        made = FRAMES.get(frame, dict)(given)
    error = refusal(lambda: build(made))
    problems = [(p.where, p.field) for p in error.problems if p.field == name]
    assert problems == [("row 1", name)]
    message = next(p.message for p in error.problems if p.field == name)
    assert message.startswith("missing (")
    assert message.endswith("give an id" if name == "id" else f"give a {name}")


@pytest.mark.parametrize(
    ("table", "name", "value", "message"),
    [
        # booleans are not instants, in a column or among objects
        ("events", "start", [True], "holds booleans, which are not instants"),
        ("events", "start", np.array([True], dtype=object), "True is not an instant"),
        ("requests", "time", np.array([False]), "holds booleans"),
        ("tickets", "opened", [True], "holds booleans"),
        # floats are refused as instants, integral or not (RequestTable truncated them before)
        ("requests", "time", [1.5e15], "floats cannot hold instants exactly"),
        ("requests", "time", np.array([1.7908128e15]), "floats cannot hold instants exactly"),
        ("events", "end", [float(T1)], "floats cannot hold instants exactly"),
        # durations and numbers are not names
        ("events", "service", np.array([1, 2][:1]), "holds int64 values; give services as strings"),
        ("events", "start", np.array([5], "timedelta64[s]"), "which are not instants"),
    ],
)
def test_values_of_the_wrong_kind_are_refused(
    table: str, name: str, value: Any, message: str
) -> None:
    """Booleans and floats as instants, numbers as names: refused with the fix."""
    build, columns = TABLES[table]
    error = refusal(lambda: build({**columns(), name: value}))
    assert [p.field for p in error.problems] == [name]
    assert message in error.problems[0].message
    assert error.problems[0].where in {"columns", "row 0", "row 1"}


@pytest.mark.parametrize(
    ("table", "name"),
    [("events", "start"), ("requests", "time"), ("tickets", "opened")],
)
def test_a_missing_required_instant_is_refused(table: str, name: str) -> None:
    """NaT, None and pandas' NA in a required instant are missing (-2**63 before)."""
    build, columns = TABLES[table]
    for value in (
        np.array(["NaT"], "datetime64[us]"),
        [None],
        pd.Series([pd.NA], dtype="Int64"),
        pl.Series([None], dtype=pl.Int64),
    ):
        given = {**columns(), name: value}
        error = refusal(lambda g=given: build(g))  # type: ignore[misc]
        assert [(p.where, p.field) for p in error.problems][:1] == [("row 0", name)]
        assert error.problems[0].message.startswith("missing; ")


def test_naive_datetimes_are_refused_and_aware_ones_work() -> None:
    """Aware datetimes, pandas and polars zoned columns and ISO strings read; naive refused."""
    utc = dt.UTC
    berlin = dt.timezone(dt.timedelta(hours=2))
    aware = [
        [dt.datetime(2026, 10, 1, tzinfo=utc)],
        [dt.datetime(2026, 10, 1, 2, tzinfo=berlin)],
        pd.Series(pd.to_datetime([ISO0])),  # datetime64[ns, UTC]
        pd.Series(pd.to_datetime(["2026-10-01T02:00:00+02:00"]).tz_convert("Europe/Berlin")),
        pd.Series(pd.to_datetime([ISO0]).as_unit("us")),
        pl.Series([dt.datetime(2026, 10, 1, tzinfo=utc)]),
        np.array(["2026-10-01T00:00"], "datetime64[m]"),  # numpy's datetimes are UTC
        [ISO0],
        np.array(["2026-10-01T02:00:00+02:00"]),
    ]
    for value in aware:
        table = sla.RequestTable.from_columns({**request_columns(), "time": value})
        assert table.time.tolist() == [T0]
    naive = [
        ([dt.datetime(2026, 10, 1)], "row 0", "is naive; pass an aware datetime"),
        (["2026-10-01T00:00:00"], "row 0", "has no UTC offset"),
        (pd.Series(pd.to_datetime(["2026-10-01"])), "columns", "without a time zone"),
        (pl.Series([dt.datetime(2026, 10, 1)]), "columns", "without a time zone"),
    ]
    for value, where, message in naive:
        error = refusal(
            lambda v=value: sla.EventTable.from_columns({**event_columns(), "start": v})
        )  # type: ignore[misc]
        assert [(p.where, p.field) for p in error.problems] == [(where, "start")]
        assert message in error.problems[0].message


@pytest.mark.parametrize("table", list(TABLES))
def test_polars_frames_work_for_every_table(table: str) -> None:
    """Polars frames, with nulls where a column is optional, build every table."""
    build, columns = TABLES[table]
    given = {k: v * 2 for k, v in columns().items()}
    optional = {
        "events": {"announced": [None, None], "state": [None, "degraded"]},
        "requests": {"ok": [None, False], "latency": [None, 7]},
        "tickets": {"id": ["a", "b"], "resolved": [None, T1], "coverage": [None, "24x7"]},
    }[table]
    from_polars: Any = build(pl.DataFrame({**given, **optional}))
    from_dict: Any = build({**given, **optional})
    assert len(from_polars) == len(from_dict) == 2
    if table == "tickets":
        transitions = pl.DataFrame({"ticket": ["b"], "at": [T1], "status": ["open"]})
        pauses = pl.DataFrame({"ticket": ["a"], "start": [T0], "end": [T1]})
        tickets: Any = build(
            pl.DataFrame({**given, **optional}), transitions=transitions, pauses=pauses
        )
        assert tickets.change_ticket.tolist() == [1]
        assert tickets.resolved.tolist() == [np.iinfo(np.int64).min, T1]
    if table == "requests":
        assert from_polars.latency.tolist() == [-1, 7]
        assert from_polars.outcome.tolist() == [0, 2]


# --- service codes: integers with names, and categorical columns ---------------------------------

CODED_NAMES = ["b/vm-2", "a/vm-1", "c/db-3"]


@pytest.mark.parametrize(
    ("service", "services", "expected"),
    [
        # codes outside the names, or missing
        ([0, -1], CODED_NAMES, ("row 1", "service", "-1 is negative; a service code is a")),
        ([0, 3], CODED_NAMES, ("row 1", "service", "3 is past the end of services, which holds 3")),
        ([None, 0], [], ("row 1", "service", "0 is past the end of services, which holds 0 names")),
        ([0, None], CODED_NAMES, ("row 1", "service", "missing (no code); give a service")),
        (pd.array([0, None], dtype="Int64"), CODED_NAMES, ("row 1", "service", "missing")),
        (np.array([0.0, np.nan]), CODED_NAMES, ("row 1", "service", "missing")),
        (np.array([0.0, 1.5]), CODED_NAMES, ("row 1", "service", "1.5 is not a whole number")),
        ([0, "a/vm-1"], CODED_NAMES, ("row 1", "service", "'a/vm-1' is not a whole number")),
        (np.array([0, 2**64 - 1], np.uint64), CODED_NAMES, ("row 1", "service", "too large")),
        # codes of the wrong kind: names, booleans; a categorical with names of its own
        (["a/vm-1", "b/vm-2"], CODED_NAMES, ("columns", "service", "with services=[...] each")),
        (np.array([True, False]), CODED_NAMES, ("columns", "service", "holds bool values")),
        (
            pd.Series(["a", "b"], dtype="category"),
            CODED_NAMES,
            ("columns", "service", "is a categorical column, which names its own categories"),
        ),
        # the names themselves: blank, not text, or one name for two codes
        ([0, 1], ["a", " "], ("columns", "services", "services[1] is ' ', not a service name")),
        ([0, 1], ["a", None], ("columns", "services", "services[1] is None, not a service name")),
        ([0, 1], ["a", "b", "a"], ("columns", "services", "services[2] is 'a', as services[0]")),
        # a NUL at a name's end is kept (numpy's strings would drop it): two names, one problem
        ([0, 1], ["a\x00", "a", "a\x00"], ("columns", "services", "services[2] is 'a\\x00', as")),
        ([0, 1], ["a", " ", "a"], ("columns", "services", "services[2] is 'a', as services[0]")),
        # a categorical column whose categories are not names, or a missing category
        (
            pd.Series(pd.Categorical([5, 6])),
            None,
            ("columns", "service", "category 0 is 5, not a service name"),
        ),
        (pd.Series(pd.Categorical(["a", None])), None, ("row 1", "service", "missing")),
        (pl.Series(["a", None], dtype=pl.Categorical), None, ("row 1", "service", "missing")),
        (pl.Series(["a", None], dtype=pl.Enum(["a"])), None, ("row 1", "service", "missing")),
    ],
)
def test_bad_service_codes_are_problems_with_the_row_or_the_names(
    service: Any, services: list[Any] | None, expected: tuple[str, str, str]
) -> None:
    """Each bad code names its row, each bad name its position; nothing becomes a service."""
    columns = {
        "kind": ["outage", "outage"],
        "service": service,
        "start": [T0, T0],
        "end": [T1, T1],
    }
    error = refusal(lambda: sla.EventTable.from_columns(columns, services=services))
    where, field, message = expected
    assert [(p.where, p.field) for p in error.problems if message in p.message] == [(where, field)]
    assert all(p.where in {"columns", "row 0", "row 1"} for p in error.problems)


def test_bad_codes_are_reported_with_the_other_problems_of_their_rows() -> None:
    """A bad code does not hide a bad instant or kind elsewhere: every problem at once."""
    error = refusal(
        lambda: sla.EventTable.from_columns(
            {
                "kind": ["outage", "incident", "outage"],
                "service": np.array([0, 7, 1]),
                "start": [T0, T0, T1],
                "end": [T1, T1, T0],
            },
            services=["a", "b"],
        )
    )
    assert [(p.where, p.field) for p in error.problems] == [
        ("row 1", "service"),
        ("row 1", "kind"),
        ("row 2", "end"),
    ]


def test_a_million_bad_codes_make_a_small_error() -> None:
    """Codes past the end of the names: the first 1,000 problems kept, the rest counted."""
    n = 1_000_000
    error = refusal(
        lambda: sla.EventTable.from_columns(
            {
                "kind": np.full(n, "outage"),
                "service": np.full(n, 9, np.int32),
                "start": np.full(n, T0),
                "end": np.full(n, T1),
            },
            services=["api"],
        )
    )
    assert len(error.problems) == 1000
    assert (error.omitted, error.count) == (n - 1000, n)


# --- bounded problem lists ----------------------------------------------------------------------


def test_a_million_bad_rows_make_a_small_error() -> None:
    """The first 1,000 problems are kept, the rest counted, and the message shows 50."""
    n = 1_000_000
    error = refusal(
        lambda: sla.RequestTable.from_columns(
            {"service": np.zeros(n, np.int32), "time": np.full(n, T0), "status": np.full(n, 99)},
            services=["api"],
        )
    )
    assert len(error.problems) == 1000
    assert (error.omitted, error.count) == (n - 1000, n)
    assert error.problems[0].where == "row 0"
    assert error.problems[-1].where == "row 999"
    assert str(error).endswith(f"... and {n - 50} more")
    assert len(str(error)) < 10_000


@pytest.mark.parametrize("kind", list(PARSERS))
def test_many_bad_lines_make_a_small_error(kind: str) -> None:
    """A file of many bad lines keeps its first 1,000 problems, in line order."""
    lines = ['{"bad": 1}'] * 3000
    error = refusal(lambda: PARSERS[kind](lines, source="f"))
    assert len(error.problems) == 1000
    assert error.count == len(error.problems) + error.omitted >= 3000  # one or more a line
    assert error.problems[0].where == "f:1"
    assert all(p.where.startswith("f:") for p in error.problems)


# --- fuzz targets -------------------------------------------------------------------------------


def _lines_call(entry: Callable[..., object], lines: list[str | bytes]) -> object:
    try:
        return entry(lines, source="fuzz")
    except SlakitError:
        return None


def fuzz_parse_jsonl(lines: list[str | bytes]) -> None:
    """Fuzz target: events JSON Lines are read or refused with a SlakitError only."""
    _lines_call(slakit.io.parse_jsonl, lines)


def fuzz_parse_requests_jsonl(lines: list[str | bytes]) -> None:
    """Fuzz target: requests JSON Lines are read or refused with a SlakitError only."""
    _lines_call(slakit.io.parse_requests_jsonl, lines)


def fuzz_parse_tickets_jsonl(lines: list[str | bytes]) -> None:
    """Fuzz target: tickets JSON Lines are read or refused with a SlakitError only."""
    _lines_call(slakit.io.parse_tickets_jsonl, lines)


def _columns_call(entry: Callable[..., object], columns: Mapping[str, Any]) -> object:
    try:
        return entry(columns)
    except SlakitError:
        return None


def fuzz_event_table_from_columns(columns: Mapping[str, Any]) -> None:
    """Fuzz target: event columns build a table or are refused with a SlakitError only."""
    _columns_call(sla.EventTable.from_columns, columns)


def fuzz_request_table_from_columns(columns: Mapping[str, Any]) -> None:
    """Fuzz target: request columns build a table or are refused with a SlakitError only."""
    _columns_call(sla.RequestTable.from_columns, columns)


def fuzz_ticket_table_from_columns(columns: Mapping[str, Any]) -> None:
    """Fuzz target: ticket columns build a table or are refused with a SlakitError only."""
    _columns_call(sla.TicketTable.from_columns, columns)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from([ISO0, ISO1, "1969-01-01T00:00:00Z", "9999-12-31T00:00:00Z", "P1", "24x7"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def mutated_lines(draw: st.DrawFn, kind: str) -> list[str | bytes]:
    """Draw JSON Lines text: valid lines of ``kind``, with fields replaced, dropped or mangled."""
    out: list[str | bytes] = []
    for _ in range(draw(st.integers(1, 4))):
        obj = dict(VALID[kind])
        for key in draw(st.lists(st.sampled_from([*obj, "type", "ok", "transitions", "x"]))):
            if draw(st.booleans()):
                obj[key] = draw(JSON_VALUES)
            else:
                obj.pop(key, None)
        text = json.dumps(obj)
        how = draw(st.sampled_from(["as is", "cut", "bytes", "nest", "junk"]))
        if how == "cut":
            text = text[: draw(st.integers(0, len(text)))]
        elif how == "nest":
            depth = draw(st.integers(0, 80))
            text = "[" * depth + text + "]" * depth
        elif how == "junk":
            text = draw(st.text(max_size=40))
        out.append(text.encode() + draw(st.binary(max_size=3)) if how == "bytes" else text)
    return out


LINE_TARGETS = {
    "events": fuzz_parse_jsonl,
    "requests": fuzz_parse_requests_jsonl,
    "tickets": fuzz_parse_tickets_jsonl,
}


@pytest.mark.parametrize("kind", list(LINE_TARGETS))
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
@target("JSON Lines: {kind}")
def test_fuzz_json_lines_readers(kind: str, data: st.DataObject) -> None:
    """Mutated JSON Lines are read or refused with a SlakitError; valid lines are read."""
    LINE_TARGETS[kind](data.draw(mutated_lines(kind)))
    valid = [
        json.dumps({**VALID[kind], "id": f"T-{i}"} if kind == "tickets" else VALID[kind])
        for i in range(data.draw(st.integers(1, 3)))
    ]
    result: Any = PARSERS[kind](valid)
    assert len(result) == len(valid)


CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=10),
    st.sampled_from(
        [T0, T1, ISO0, "outage", "maintenance", "api", "P1", "open", "", float("nan"), pd.NA]
    ),
    st.datetimes(timezones=st.none() | st.just(dt.UTC)),
    st.decimals(allow_nan=True),
)


@st.composite
def mutated_columns(draw: st.DrawFn, kind: str) -> Mapping[str, Any]:
    """Draw table columns: valid rows of ``kind`` with cells, columns or forms changed."""
    rows = draw(st.integers(0, 4))
    base = {k: v * rows for k, v in TABLES[kind][1]().items()}
    optional = {
        "events": ["announced", "state", "affected"],
        "requests": ["ok", "latency"],
        "tickets": ["first_response", "resolved", "coverage"],
    }[kind]
    for name in draw(st.lists(st.sampled_from([*base, *optional]), max_size=3)):
        choice = draw(st.sampled_from(["cells", "drop", "numpy", "length"]))
        if choice == "cells":
            base[name] = draw(st.lists(CELLS, min_size=rows, max_size=rows))
        elif choice == "drop":
            base.pop(name, None)
        elif choice == "numpy" and name in base:
            dtype = draw(st.sampled_from([None, object, np.uint64, np.float64, "datetime64[s]"]))
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # numpy warns of aware datetimes
                    base[name] = np.asarray(base[name], dtype=dtype)
            except (TypeError, ValueError, OverflowError):
                base[name] = np.asarray(base[name], dtype=object)
        else:
            base[name] = draw(st.lists(CELLS, max_size=5))
    form = draw(st.sampled_from(["dict", "pandas", "polars"]))
    if form == "dict":
        return base
    try:
        return FRAMES[form](base)
    except KeyboardInterrupt:  # pragma: no cover
        raise
    except BaseException:  # the frame library refuses them (polars even panics)
        return base


COLUMN_TARGETS = {
    "events": fuzz_event_table_from_columns,
    "requests": fuzz_request_table_from_columns,
    "tickets": fuzz_ticket_table_from_columns,
}


@pytest.mark.parametrize("kind", list(COLUMN_TARGETS))
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
@target("from_columns: {kind}")
def test_fuzz_table_columns(kind: str, data: st.DataObject) -> None:
    """Mutated columns build a table or are refused with a SlakitError; valid ones build."""
    COLUMN_TARGETS[kind](data.draw(mutated_columns(kind)))
    rows = data.draw(st.integers(0, 3))
    valid = {k: v * rows for k, v in TABLES[kind][1]().items()}
    if kind == "tickets":
        valid["id"] = [f"T-{i}" for i in range(rows)]
    form = data.draw(st.sampled_from(list(FRAMES)))
    table: Any = TABLES[kind][0](FRAMES[form](valid))
    assert len(table) == rows


def fuzz_event_table_from_codes(codes: Any, services: list[Any] | None) -> object:
    """Fuzz target: service codes (with names, or categorical) build a table or are refused."""
    n = len(codes)
    columns = {"kind": ["outage"] * n, "start": [T0] * n, "end": [T1] * n, "service": codes}
    try:
        return sla.EventTable.from_columns(columns, services=services)
    except SlakitError:
        return None


CODES = st.lists(
    st.integers(-3, 6) | st.none() | st.floats(allow_nan=True) | st.text(max_size=3), max_size=6
)
NAMES = st.lists(st.text(max_size=4) | st.none() | st.integers(0, 3), max_size=5)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
@target("from_columns: service codes")
def test_fuzz_service_codes(data: st.DataObject) -> None:
    """Codes and names of every kind build the table the names build, or a SlakitError."""
    codes: Any = data.draw(CODES)
    how = data.draw(st.sampled_from(["numpy", "list", "pandas categorical", "polars enum"]))
    services: list[Any] | None = data.draw(NAMES)
    if how == "numpy":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            codes = np.asarray(codes, dtype=data.draw(st.sampled_from([None, object])))
    elif how == "pandas categorical":
        codes = pd.Categorical([c for c in codes if c is None or isinstance(c, str)])
        services = None
    elif how == "polars enum":
        names = sorted({s for s in services or [] if isinstance(s, str)})
        picked = [names[i % len(names)] for i in range(len(codes))] if names else []
        codes = pl.Series(picked, dtype=pl.Enum(names))
        services = None
    table = fuzz_event_table_from_codes(codes, services)
    if isinstance(table, sla.EventTable):
        named = [table.services[code] for code in table.service.tolist()]
        assert list(table.services) == sorted(set(named))
        if services is not None:  # each row names the service its code points at
            assert named == [services[int(code)] for code in np.asarray(codes).tolist()]
