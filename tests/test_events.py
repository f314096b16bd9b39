"""Event records, the columnar event table, and the JSON Lines reader."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

import slakit as sla
import slakit.io
from slakit.exceptions import DefinitionError, EventDataError, NaiveDatetimeError

US = 1_000_000


# --- records ----------------------------------------------------------------------------------


def test_records_normalise_instants_to_utc() -> None:
    """Equal instants in different offsets make equal records."""
    berlin = timezone(timedelta(hours=2))
    a = sla.Outage("api", datetime(2026, 10, 1, 2, 0, tzinfo=berlin), "2026-10-01T00:05:00Z")
    b = sla.Outage("api", "2026-10-01T00:00:00Z", datetime(2026, 10, 1, 0, 5, tzinfo=UTC))
    assert a == b
    assert a.start_us == b.start_us
    assert repr(a) == "Outage('api', '2026-10-01T00:00:00Z', '2026-10-01T00:05:00Z')"


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        # naive datetimes are refused, never guessed
        (("api", datetime(2026, 10, 1), "2026-10-01T00:05:00Z"), NaiveDatetimeError, "naive"),
        (("api", "2026-10-01T00:00:00", "2026-10-01T00:05:00Z"), NaiveDatetimeError, "offset"),
        # end must follow start
        (("api", "2026-10-01T00:05:00Z", "2026-10-01T00:05:00Z"), DefinitionError, "after"),
        (("api", "2026-10-01T00:05:00Z", "2026-10-01T00:00:00Z"), DefinitionError, "swap"),
        # the service needs a name
        (("", "2026-10-01T00:00:00Z", "2026-10-01T00:05:00Z"), DefinitionError, "service"),
        # garbage instants
        (("api", "yesterday", "2026-10-01T00:05:00Z"), DefinitionError, "ISO 8601"),
        (("api", 1.5, "2026-10-01T00:05:00Z"), DefinitionError, "float"),
    ],
)
def test_bad_outages_are_refused(args: tuple[object, ...], error: type, message: str) -> None:
    """A malformed outage raises a clear error naming the problem."""
    with pytest.raises(error, match=message):
        sla.Outage(*args)  # type: ignore[arg-type]


def test_maintenance_keeps_its_announcement() -> None:
    """A maintenance record carries the instant it was announced."""
    m = sla.Maintenance("api", "2026-10-10T02:00Z", "2026-10-10T04:00Z", "2026-10-01T09:00Z")
    assert m.announced_us == sla.Span("2026-10-01T09:00Z", "2026-10-01T09:01Z").start
    assert "announced='2026-10-01T09:00:00Z'" in repr(m)


# --- table ------------------------------------------------------------------------------------


def test_table_from_records_round_trips() -> None:
    """Records go into columns and come back out unchanged."""
    records: list[sla.Event] = [
        sla.Outage("b", "2026-10-01T00:00Z", "2026-10-01T00:05Z"),
        sla.Maintenance("a", "2026-10-10T02:00Z", "2026-10-10T04:00Z", "2026-10-01T09:00Z"),
    ]
    table = sla.EventTable.from_records(records)
    assert len(table) == 2
    assert table.services == ("a", "b")
    assert table.records() == records
    assert table.counts() == {"outage": 1, "maintenance": 1, "deployment": 0}
    assert table.where(1) == "record 1"
    assert "2 rows" in repr(table)


def test_table_is_immutable() -> None:
    """Neither the table nor its columns can be changed."""
    table = sla.EventTable.from_records([sla.Outage("a", "2026-10-01T00:00Z", "2026-10-01T00:05Z")])
    with pytest.raises(AttributeError):
        table.start = np.zeros(1, np.int64)  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        table.start[0] = 0


def test_table_from_records_refuses_other_objects() -> None:
    """Something that is not an event is reported by its position."""
    with pytest.raises(
        EventDataError, match="record 0: expected Outage, Maintenance or Deployment"
    ):
        sla.EventTable.from_records(["not an event"])  # type: ignore[list-item]


def test_table_from_columns_accepts_datetime64_and_integers() -> None:
    """Columns of numpy datetimes (UTC) and integer microseconds build the same table."""
    starts = np.array(["2026-10-01T00:00", "2026-10-02T00:00"], dtype="datetime64[s]")
    ends = starts + np.timedelta64(300, "s")
    a = sla.EventTable.from_columns(
        {
            "kind": ["outage", "maintenance"],
            "service": ["api", "api"],
            "start": starts,
            "end": ends,
            "announced": np.array(["NaT", "2026-09-20T00:00"], dtype="datetime64[s]"),
        }
    )
    b = sla.EventTable.from_columns(
        {
            "kind": np.array(["outage", "maintenance"]),
            "service": ["api", "api"],
            "start": starts.astype("datetime64[us]").astype(np.int64),
            "end": ends.astype("datetime64[us]").astype(np.int64),
            "announced": [None, int(np.datetime64("2026-09-20T00:00", "us").astype(np.int64))],
        }
    )
    assert a.records() == b.records()
    assert a.records()[1] == sla.Maintenance(
        "api", "2026-10-02T00:00Z", "2026-10-02T00:05Z", "2026-09-20T00:00Z"
    )


def test_table_from_columns_reports_every_bad_row() -> None:
    """Every bad row is listed with its row number and field, in row order."""
    with pytest.raises(EventDataError) as caught:
        sla.EventTable.from_columns(
            {
                "kind": ["outage", "incident", "maintenance", "outage"],
                "service": ["api", "api", " ", "api"],
                "start": [0, 0, 0, 10],
                "end": [5, 5, 5, 10],
            }
        )
    assert [str(p) for p in caught.value.problems] == [
        "row 1: kind: 'incident' is not one of outage, maintenance, deployment",
        "row 2: service: must be a non-empty service name",
        "row 2: announced: maintenance needs the instant it was announced",
        "row 3: end: 1970-01-01T00:00:00.000010Z is not after start 1970-01-01T00:00:00.000010Z",
    ]


def _coded_fleet() -> tuple[list[str], np.ndarray, dict[str, object]]:
    """Return unsorted names, one integer code per row (one name unused), and other columns."""
    rng = np.random.default_rng(7)
    names = ["eu-west-1/vm-8f3a2c", "us-east-1/db-01b7e4", "eu-central-1/lb-c0ffee", "old/vm-0"]
    codes = rng.integers(0, 3, 40)  # "old/vm-0" has no rows: the table leaves it out
    start = 1_790_812_800_000_000 + rng.integers(0, 10**9, 40)
    other: dict[str, object] = {
        "kind": np.where(rng.random(40) < 0.2, "maintenance", "outage"),
        "start": start,
        "end": start + 60_000_000,
        "announced": start - 7 * 86_400_000_000,
    }
    return names, codes, other


def _same_table(a: sla.EventTable, b: sla.EventTable) -> None:
    assert a.services == b.services
    for column in ("kind", "service", "start", "end", "announced", "state", "affected"):
        assert np.array_equal(getattr(a, column), getattr(b, column)), column


@pytest.mark.parametrize(
    "given",
    [
        # integer codes with the names they stand for, as arrays, lists or nullable integers
        "numpy int64",
        "numpy uint16",
        "list",
        "pandas Int64",
        # categorical columns carry codes and names together
        "pandas categorical",
        "pandas Categorical object",
        "polars Categorical",
        "polars Enum",
    ],
)
def test_table_from_service_codes_equals_table_from_names(given: str) -> None:
    """Integer codes with names, or a categorical column, build the table that names build."""
    import pandas as pd
    import polars as pl

    names, codes, other = _coded_fleet()
    text = np.array(names)[codes]
    expected = sla.EventTable.from_columns({**other, "service": text})
    services: list[str] | None = names
    service: object
    if given == "numpy int64":
        service = codes.astype(np.int64)
    elif given == "numpy uint16":
        service = codes.astype(np.uint16)
    elif given == "list":
        service = codes.tolist()
    elif given == "pandas Int64":
        service = pd.Series(codes, dtype="Int64")
    elif given == "pandas categorical":
        service, services = pd.Series(text, dtype="category"), None
    elif given == "pandas Categorical object":
        service, services = pd.Categorical(text, categories=names), None
    elif given == "polars Categorical":
        service, services = pl.Series(text.tolist(), dtype=pl.Categorical), None
    else:
        service, services = pl.Series(text.tolist(), dtype=pl.Enum(names)), None
    got = sla.EventTable.from_columns({**other, "service": service}, services=services)
    _same_table(got, expected)
    assert "old/vm-0" not in got.services
    assert all(type(name) is str for name in got.services)


def test_service_names_may_be_a_numpy_array() -> None:
    """The names of the codes may come as a numpy array; the table holds plain strings."""
    names, codes, other = _coded_fleet()
    got = sla.EventTable.from_columns({**other, "service": codes}, services=np.array(names))
    assert got.services == tuple(sorted(names[:3]))
    assert all(type(name) is str for name in got.services)


@pytest.mark.parametrize("frame", ["pandas", "polars"])
def test_data_frames_with_categorical_services_build_the_same_table(frame: str) -> None:
    """A data frame whose service column is categorical works as it is."""
    import pandas as pd
    import polars as pl

    names, codes, other = _coded_fleet()
    text = np.array(names)[codes]
    expected = sla.EventTable.from_columns({**other, "service": text})
    if frame == "pandas":
        df: object = pd.DataFrame({**other, "service": pd.Categorical(text)})
    else:
        df = pl.DataFrame({**other, "service": pl.Series(text.tolist(), dtype=pl.Categorical)})
    _same_table(sla.EventTable.from_columns(df), expected)  # type: ignore[arg-type]


def test_a_table_from_codes_evaluates_as_one_from_names() -> None:
    """An agreement evaluated over either table gives the same report."""
    names, codes, other = _coded_fleet()
    by_name = sla.EventTable.from_columns({**other, "service": np.array(names)[codes]})
    by_code = sla.EventTable.from_columns({**other, "service": codes}, services=names)
    uptime = sla.uptime(excluding=[sla.scheduled_maintenance(notice=sla.days(5))])
    agreement = sla.Agreement(
        provider="P",
        customer="C",
        services=names[:3],
        tier=sla.Tier("t", fee=sla.usd("10.00"), objectives=[uptime >= "99.9%"]),
    )
    a = sla.evaluate(agreement, by_name, period="2026-10")
    b = sla.evaluate(agreement, by_code, period="2026-10")
    assert a.to_dict() == b.to_dict()


def test_tables_concatenate_with_merged_service_codes() -> None:
    """Concatenated tables keep every row and remap the service codes."""
    a = sla.EventTable.from_records([sla.Outage("z", "2026-10-01T00:00Z", "2026-10-01T00:05Z")])
    b = slakit.io.parse_jsonl(
        [
            '{"type": "outage", "service": "a", "start": "2026-10-02T00:00Z", "end": "2026-10-02T00:01Z"}'  # noqa: E501
        ],
        source="b.jsonl",
    )
    both = sla.EventTable.concat([a, b])
    assert both.services == ("a", "z")
    assert [r.service for r in both.records()] == ["z", "a"]
    assert both.where_all() == ["record 0", "b.jsonl:1"]


@pytest.mark.parametrize(
    "names",
    [
        ["b", "a", "c"],
        ["a\x00", "a", "b"],
        # the first table's names hold the second's: they are the union
        ["b", "a", "a", "b"],
        ["a\x00", "a", "a"],
        ["c", "a", "c"],
    ],
)
def test_concatenated_services_equal_the_table_of_all_records(names: list[str]) -> None:
    """Names merged in C, one by one (a NUL at a name's end), or one table's: the same table."""
    records = [
        sla.Outage(name, f"2026-10-0{k + 1}T00:00Z", f"2026-10-0{k + 1}T01:00Z")
        for k, name in enumerate(names)
    ]
    parts = [sla.EventTable.from_records(records[:2]), sla.EventTable.from_records(records[2:])]
    both = sla.EventTable.concat(parts)
    whole = sla.EventTable.from_records(records)
    assert both.services == whole.services
    assert both.service.tolist() == whole.service.tolist()
    assert [r.service for r in both.records()] == names


# --- JSON Lines -------------------------------------------------------------------------------


def test_read_jsonl(tmp_path: Path) -> None:
    """A well-formed file reads into a table whose rows remember their lines."""
    path = tmp_path / "events.jsonl"
    path.write_text(
        '{"type": "outage", "service": "api", "start": "2026-10-01T00:00:00Z", '
        '"end": "2026-10-01T00:05:00+00:00", "id": "INC-1"}\n'
        "\n"
        '{"type": "maintenance", "service": "db", "start": "2026-10-10T04:00:00+02:00", '
        '"end": "2026-10-10T06:00:00+02:00", "announced": "2026-10-01T09:00:00Z", "note": "x"}\n',
        encoding="utf-8",
    )
    table = slakit.io.read_jsonl(path)
    assert table.records() == [
        sla.Outage("api", "2026-10-01T00:00Z", "2026-10-01T00:05Z"),
        sla.Maintenance("db", "2026-10-10T02:00Z", "2026-10-10T04:00Z", "2026-10-01T09:00Z"),
    ]
    assert table.where_all() == [f"{path}:1", f"{path}:3"]


BAD_LINES = [
    # not JSON, not an object
    ("garbage", ":1: not valid JSON"),
    ("[1, 2]", ":1: expected a JSON object, got list"),
    # the type decides the fields
    ('{"type": "incident"}', ":1: type: 'incident' is not one of 'outage', 'maintenance'"),
    (
        '{"type": "outage", "service": "a", "start": "2026-10-01T00:00Z"}',
        ":1: end: missing; a outage needs service, start, end",
    ),
    (
        (
            '{"type": "outage", "service": "a", "start": "2026-10-01T00:00Z", '
            '"end": "2026-10-01T00:01Z", "strat": 1}'
        ),
        ":1: strat: unknown field for a outage",
    ),
    # instants: an offset is required, and ISO 8601
    (
        '{"type": "outage", "service": "a", "start": "2026-10-01T00:00", "end": "2026-10-01T00:01Z"}',  # noqa: E501
        ":1: start: '2026-10-01T00:00' has no UTC offset; append 'Z' or an offset like '+02:00'",
    ),
    (
        '{"type": "outage", "service": "a", "start": "soon", "end": "2026-10-01T00:01Z"}',
        ":1: start: 'soon' is not ISO 8601",
    ),
    (
        '{"type": "outage", "service": "a", "start": 17, "end": "2026-10-01T00:01Z"}',
        ":1: start: 17 must be an ISO 8601 string",
    ),
    (
        '{"type": "outage", "service": "a", "start": "2026-10-01T00:01Z", "end": "2026-10-01T00:00Z"}',  # noqa: E501
        ":1: end: '2026-10-01T00:00Z' is not after start '2026-10-01T00:01Z'",
    ),
    (
        '{"type": "outage", "service": 3, "start": "2026-10-01T00:00Z", "end": "2026-10-01T00:01Z"}',  # noqa: E501
        ":1: service: 3 must be a non-empty string",
    ),
]


@pytest.mark.parametrize(("line", "expected"), BAD_LINES)
def test_bad_lines_are_reported_with_file_line_and_field(line: str, expected: str) -> None:
    """Each kind of bad line gives ``file:line: field: what is wrong``."""
    with pytest.raises(EventDataError) as caught:
        slakit.io.parse_jsonl([line], source="ev.jsonl")
    assert str(caught.value.problems[0]).startswith("ev.jsonl" + expected)


def test_every_bad_line_is_reported_at_once() -> None:
    """Problems on several lines are collected into one error."""
    lines = ["garbage", '{"type": "outage"}', "also garbage"]
    with pytest.raises(EventDataError) as caught:
        slakit.io.parse_jsonl(lines, source="ev.jsonl")
    wheres = [p.where for p in caught.value.problems]
    assert wheres[0] == "ev.jsonl:1"
    assert wheres[-1] == "ev.jsonl:3"
    assert str(caught.value).startswith(f"{len(wheres)} invalid records:")


def test_a_long_error_list_is_shortened_in_the_message() -> None:
    """The message shows 50 problems and counts the rest; all stay on the exception."""
    with pytest.raises(EventDataError) as caught:
        slakit.io.parse_jsonl(["x"] * 60, source="ev.jsonl")
    assert len(caught.value.problems) == 60
    assert "... and 10 more" in str(caught.value)


def test_from_columns_reports_missing_instants_and_refuses_floats() -> None:
    """A NaT start or end is reported by row; float instants are refused as inexact."""
    with pytest.raises(EventDataError) as caught:
        sla.EventTable.from_columns(
            {
                "kind": ["outage", "outage"],
                "service": ["s", "s"],
                "start": np.array(["NaT", "2026-10-03T10:00"], dtype="datetime64[us]"),
                "end": np.array(["2026-10-02T10:00", "NaT"], dtype="datetime64[us]"),
            }
        )
    assert [str(p) for p in caught.value.problems] == [
        "row 0: start: missing; every event needs a start and an end",
        "row 1: end: missing; every event needs a start and an end",
    ]
    with pytest.raises(EventDataError, match="floats cannot hold instants exactly"):
        sla.EventTable.from_columns(
            {"kind": ["outage"], "service": ["s"], "start": [1.5], "end": [2.5]}
        )


def test_from_columns_refuses_an_affected_share_of_zero() -> None:
    """An outage affecting 0% is refused, as the records and the JSON Lines reader refuse it."""
    with pytest.raises(EventDataError, match="row 0: affected: affected='0%' affects nobody"):
        sla.EventTable.from_columns(
            {"kind": ["outage"], "service": ["s"], "start": [0], "end": [5], "affected": ["0%"]}
        )


def test_the_constructor_checks_its_codes() -> None:
    """Unsorted names or codes out of range are refused: the engine relies on both."""
    base = {"kind": [0], "start": [0], "end": [5], "announced": [0]}
    with pytest.raises(ValueError, match="services must be sorted and unique"):
        sla.EventTable(service=[0], services=["b", "a"], **base)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="codes must index services"):
        sla.EventTable(service=[2], services=["a"], **base)  # type: ignore[arg-type]
