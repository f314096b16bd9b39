"""Outages imported from monitoring exports: Prometheus, uptime-monitor CSV, status pages."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit._time._instant import format_us, to_us
from slakit.exceptions import DefinitionError, EventDataError, NaiveDatetimeError
from slakit.io import from_prometheus, from_statuspage, from_uptime_csv

DATA = Path(__file__).resolve().parent.parent / "docs" / "how-to" / "data" / "monitoring"
PROMETHEUS = DATA / "prometheus.json"
UPTIME = DATA / "uptime.csv"
STATUSPAGE = DATA / "statuspage.json"
US = 1_000_000
T0 = 1_791_194_400  # 2026-10-05T10:00:00Z, in seconds
CSV_COLUMNS = {
    "service": "Monitor",
    "time": "Checked at",
    "status": "Result",
    "response_ms": "Response time (ms)",
}
COMPONENTS = {"Checkout API": "checkout", "Search": "search"}

Row = tuple[str, str, str, str, str]


def rows(table: sla.EventTable) -> list[Row]:
    """Return each outage as (service, start, end, state, where), times as ISO 8601."""
    return [
        (
            table.services[int(table.service[i])],
            format_us(int(table.start[i])),
            format_us(int(table.end[i])),
            table.states[int(table.state[i])],
            table.where_all()[i],
        )
        for i in range(len(table))
    ]


def spans(table: sla.EventTable) -> list[tuple[str, int, int]]:
    """Return each outage as (service, start, end), sorted."""
    return sorted(
        (table.services[int(s)], int(a), int(b))
        for s, a, b in zip(table.service, table.start, table.end, strict=True)
    )


def problems(error: pytest.ExceptionInfo[EventDataError]) -> list[str]:
    """Return the problems of an error as ``where: field: message`` lines."""
    return [str(p) for p in error.value.problems]


def matrix(*series: tuple[dict[str, str], list[list[Any]]]) -> dict[str, Any]:
    """Return a range-query answer holding ``series`` (labels, values)."""
    return {
        "status": "success",
        "data": {
            "resultType": "matrix",
            "result": [{"metric": metric, "values": values} for metric, values in series],
        },
    }


def up(*values: str, start: int = T0, step: int = 60) -> dict[str, Any]:
    """Return one ``up`` series of instance ``api``, a sample every ``step`` seconds."""
    return matrix(({"instance": "api"}, [[start + step * i, v] for i, v in enumerate(values)]))


# --- Prometheus ---------------------------------------------------------------------------------


def test_prometheus_sample_file_gives_the_outages_worked_out_by_hand() -> None:
    """Down samples, a two-sample gap and a down last sample (at .25 s) become three outages."""
    table = from_prometheus(PROMETHEUS, service_label="service", origin="prom.json")
    assert rows(table) == [
        # samples 3 and 4 are 0: [10:03, 10:05)
        (
            "checkout",
            "2026-10-05T10:03:00Z",
            "2026-10-05T10:05:00Z",
            "down",
            "prom.json:result[0] values[3]",
        ),
        # 10:07 and 10:08 are missing: the gap after the 10:06 sample's minute
        (
            "checkout",
            "2026-10-05T10:07:00Z",
            "2026-10-05T10:09:00Z",
            "down",
            "prom.json:result[0] gap after values[6]",
        ),
        # the last sample is 0: its own step, exact to the quarter second
        (
            "search",
            "2026-10-05T10:10:00.250000Z",
            "2026-10-05T10:11:00.250000Z",
            "down",
            "prom.json:result[1] values[10]",
        ),
    ]


def test_prometheus_gaps_ignore_makes_no_outage_of_a_gap() -> None:
    """With gaps='ignore' a missing sample is unknown time, not down time."""
    table = from_prometheus(PROMETHEUS, service_label="service", gaps="ignore")
    assert [(r[0], r[1], r[2]) for r in rows(table)] == [
        ("checkout", "2026-10-05T10:03:00Z", "2026-10-05T10:05:00Z"),
        ("search", "2026-10-05T10:10:00.250000Z", "2026-10-05T10:11:00.250000Z"),
    ]


def test_prometheus_sources_path_text_and_dict_agree() -> None:
    """A path (str or Path), the JSON text and the parsed dict give one table."""
    text = PROMETHEUS.read_text(encoding="utf-8")
    tables = [
        from_prometheus(PROMETHEUS, service_label="service", origin="p"),
        from_prometheus(str(PROMETHEUS), service_label="service", origin="p"),
        from_prometheus(text, service_label="service", origin="p"),
        from_prometheus(json.loads(text), service_label="service", origin="p"),
    ]
    assert all(rows(t) == rows(tables[0]) for t in tables)
    assert rows(from_prometheus(text, service_label="service"))[0][4].startswith("<prometheus>:")
    assert rows(tables[0])[0][4] == "p:result[0] values[3]"
    assert rows(from_prometheus(PROMETHEUS, service_label="service"))[0][4].startswith(
        str(PROMETHEUS)
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # the first sample is down: the outage starts at the first sample
        (("0", "1", "1"), [(0, 60)]),
        # the last sample is down: it lasts one step
        (("1", "1", "0"), [(120, 180)]),
        # every sample is down: one outage
        (("0", "0", "0"), [(0, 180)]),
        # two runs of down samples: two outages
        (("0", "1", "0"), [(0, 60), (120, 180)]),
        # all up: none
        (("1", "1", "1"), []),
        # "1.0" and "0e0" are the numbers 1 and 0
        (("1.0", "0e0", "1"), [(60, 120)]),
    ],
)
def test_prometheus_boundary_samples(
    values: tuple[str, ...], expected: list[tuple[int, int]]
) -> None:
    """The first and last samples count like any other, each for one step."""
    table = from_prometheus(up(*values))
    assert spans(table) == [("api", (T0 + a) * US, (T0 + b) * US) for a, b in expected]


def test_prometheus_empty_series_and_results() -> None:
    """A series without samples, or no series at all, makes no outage."""
    assert len(from_prometheus(matrix(({"instance": "api"}, [])), step=sla.seconds(60))) == 0
    assert len(from_prometheus(matrix(({"instance": "api"}, [])))) == 0
    assert len(from_prometheus(matrix())) == 0
    tuples = matrix(({"instance": "api"}, [(T0, "0"), (T0 + 60, "1")]))  # built by hand
    assert spans(from_prometheus(tuples)) == [("api", T0 * US, (T0 + 60) * US)]


def test_prometheus_single_sample_needs_a_step_only_when_down() -> None:
    """A series of one sample has no spacing: a down one needs step=, an up one makes nothing."""
    assert len(from_prometheus(up("1"))) == 0
    with pytest.raises(EventDataError) as error:
        from_prometheus(up("0"), origin="p.json")
    assert problems(error) == [
        "p.json:result[0]: values: one sample, and it is down: give step= (the query's step)"
    ]
    table = from_prometheus(up("0"), step=sla.seconds(30))
    assert spans(table) == [("api", T0 * US, (T0 + 30) * US)]


def test_prometheus_step_cuts_a_sample_short_at_the_next_one() -> None:
    """A given step longer than the spacing ends each sample's interval at the next sample."""
    series = matrix(({"instance": "api"}, [[T0, "0"], [T0 + 10, "1"], [T0 + 20, "0"]]))
    table = from_prometheus(series, step=sla.seconds(15))
    assert spans(table) == [
        ("api", T0 * US, (T0 + 10) * US),
        ("api", (T0 + 20) * US, (T0 + 35) * US),
    ]


def test_prometheus_step_defaults_to_the_smallest_spacing_and_gaps_follow() -> None:
    """With samples 60 s apart and one 180 s spacing, the step is 60 s and a 120 s gap is down."""
    series = matrix(({"instance": "api"}, [[T0, "1"], [T0 + 60, "1"], [T0 + 240, "1"]]))
    assert spans(from_prometheus(series)) == [("api", (T0 + 120) * US, (T0 + 240) * US)]
    assert spans(from_prometheus(series, gaps="ignore")) == []
    # a gap right after a down sample continues its outage
    series = matrix(({"instance": "api"}, [[T0, "1"], [T0 + 60, "0"], [T0 + 240, "1"]]))
    assert spans(from_prometheus(series)) == [("api", (T0 + 60) * US, (T0 + 240) * US)]
    assert rows(from_prometheus(series))[0][4] == "<prometheus>:result[0] values[1]"


def test_prometheus_samples_in_any_order() -> None:
    """Shuffled samples give the same outages; ``where`` keeps each sample's own index."""
    values = [[T0 + 60 * i, v] for i, v in enumerate("1100101")]
    shuffled = values[::-1]
    a = from_prometheus(matrix(({"instance": "api"}, values)))
    b = from_prometheus(matrix(({"instance": "api"}, shuffled)))
    assert spans(a) == spans(b)
    assert rows(b)[0][4] == "<prometheus>:result[0] values[4]"  # 10:02 is index 4 reversed


def test_prometheus_timestamps_are_exact_decimals() -> None:
    """A float timestamp is read through its shortest decimal: no binary rounding error."""
    series = matrix(({"instance": "api"}, [[1791194400.1, "0"], [1791194400.3, "1"]]))
    table = from_prometheus(series)
    assert int(table.start[0]) == 1_791_194_400_100_000
    assert int(table.end[0]) == 1_791_194_400_300_000
    text = '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"instance":"a"},'
    text += '"values":[[1791194400.000001,"0"],[1791194400.000002,"1"]]}]}}'
    table = from_prometheus(text)
    assert (int(table.start[0]), int(table.end[0])) == (
        1_791_194_400_000_001,
        1_791_194_400_000_002,
    )


def test_prometheus_several_series_of_one_service_are_kept() -> None:
    """Two probers of one service give two overlapping outages, each with its series."""
    series = matrix(
        ({"instance": "api", "prober": "eu"}, [[T0, "0"], [T0 + 60, "1"]]),
        ({"instance": "api", "prober": "us"}, [[T0, "0"], [T0 + 60, "0"], [T0 + 120, "1"]]),
    )
    assert [r[4] for r in rows(from_prometheus(series))] == [
        "<prometheus>:result[0] values[0]",
        "<prometheus>:result[1] values[0]",
    ]


def test_prometheus_bad_values_are_all_named_by_series_and_sample() -> None:
    """Every bad sample is listed at once, by series and sample index."""
    series = matrix(
        ({"instance": "api"}, [[T0, "1"], [T0 + 60, "0.5"], [T0 + 120, "NaN"], [T0 + 180, 2]]),
        ({"job": "node", "__name__": "up"}, [[T0, "1"]]),
        ({"instance": "db"}, [[T0, "1"], ["soon", "1"], [T0 + 60, "1"], [T0 + 60, "1"], [T0]]),
        ({"instance": "x"}, [[True, "1"], [-5, "1"], [Decimal("1791194400.0000001"), "1"]]),
    )
    with pytest.raises(EventDataError) as error:
        from_prometheus(series, origin="prom.json")
    assert problems(error) == [
        (
            "prom.json:result[0] values[1]: value: '0.5' is neither '0' (down) nor '1' (up); "
            "export up or probe_success itself, not an average or a ratio of it"
        ),
        (
            "prom.json:result[0] values[2]: value: 'NaN' is neither '0' (down) nor '1' (up); "
            "export up or probe_success itself, not an average or a ratio of it"
        ),
        (
            "prom.json:result[0] values[3]: value: 2 is neither '0' (down) nor '1' (up); "
            "export up or probe_success itself, not an average or a ratio of it"
        ),
        (
            "prom.json:result[1]: metric: has no label 'instance' to name the service "
            "(labels: __name__, job); pass service_label="
        ),
        "prom.json:result[2] values[1]: time: 'soon' is not a number of seconds",
        "prom.json:result[2] values[3]: time: repeats values[2]",
        "prom.json:result[2] values[4]: [1791194400] is not a [time, value] pair",
        (
            "prom.json:result[3] values[0]: time: True must be a number of seconds since "
            "1970-01-01T00:00:00Z"
        ),
        (
            "prom.json:result[3] values[1]: time: -5 seconds is outside the supported instants, "
            "1970-01-01T00:00:00Z to 9999-01-01T00:00:00Z"
        ),
        (
            "prom.json:result[3] values[2]: time: 1791194400.0000001 seconds is finer than a "
            "microsecond"
        ),
    ]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        # a failed query says why
        (
            {"status": "error", "errorType": "bad_data", "error": "parse error"},
            (
                "<prometheus>: status: 'error', not 'success': the query failed "
                "(bad_data: parse error)"
            ),
        ),
        # an instant query is not a range
        (
            {"status": "success", "data": {"resultType": "vector", "result": []}},
            (
                "<prometheus>: data.resultType: 'vector' is not 'matrix'; export a range query "
                "(/api/v1/query_range) of up or probe_success"
            ),
        ),
        ({"status": "success"}, "<prometheus>: data: missing; expected {'resultType', 'result'}"),
        (
            {"status": "success", "data": {"resultType": "matrix"}},
            "<prometheus>: data.result: missing; expected a list of series",
        ),
        ([], "<prometheus>: expected a JSON object from /api/v1/query_range"),
        # not JSON at all
        ('{"status": ', "<prometheus>: not valid JSON (Expecting value at line 1, column 12)"),
        ('{"a": NaN}', "<prometheus>: cannot be read as JSON (NaN is not a number JSON allows)"),
    ],
)
def test_prometheus_refuses_other_documents(doc: object, message: str) -> None:
    """A failed query, an instant query or broken JSON is one clear problem."""
    with pytest.raises(EventDataError) as error:
        from_prometheus(doc)  # type: ignore[arg-type]
    assert problems(error) == [message]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"step": sla.seconds(0)}, r"step=microseconds\(0\) must be a positive"),
        ({"step": 60}, "step=60 must be a duration"),
        ({"gaps": "unknown"}, "gaps='unknown' must be one of 'down', 'ignore'"),
        ({"service_label": ""}, "service_label=''"),
    ],
)
def test_prometheus_refuses_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    """Arguments are checked before the data is read."""
    with pytest.raises(DefinitionError, match=message):
        from_prometheus(up("1"), **kwargs)


def test_prometheus_file_not_utf8(tmp_path: Path) -> None:
    """A file that is not UTF-8 is one problem naming it."""
    path = tmp_path / "prom.json"
    path.write_bytes(b'{"status": "\xff"}')
    with pytest.raises(EventDataError, match=r"is not UTF-8 text \(byte 0xff at byte 13\)"):
        from_prometheus(path)
    with pytest.raises(FileNotFoundError):
        from_prometheus(tmp_path / "missing.json")


@st.composite
def sample_series(draw: st.DrawFn) -> tuple[list[tuple[int, str]], int, int, int]:
    """Draw an aligned 0/1 series with some samples missing.

    Returns the samples (as ``[seconds, value]``), the step in seconds, the number of
    down samples and the number of missing samples between the first and last one.
    """
    step = draw(st.sampled_from([1, 15, 60, 300]))
    start = draw(st.integers(T0, T0 + 10**6))
    slots = draw(st.lists(st.sampled_from(["0", "1", None]), min_size=2, max_size=60))
    samples = [(start + step * i, v) for i, v in enumerate(slots) if v is not None]
    if len(samples) < 2:
        samples = [(start, "1"), (start + step, "0")]
    first, last = samples[0][0], samples[-1][0]
    missing = (last - first) // step + 1 - len(samples)
    down = sum(1 for _, v in samples if v == "0")
    return samples, step, down, missing


@given(sample_series(), st.randoms(use_true_random=False))
def test_prometheus_down_time_is_down_samples_times_step(
    drawn: tuple[list[tuple[int, str]], int, int, int], rng: random.Random
) -> None:
    """Total down time is (down samples) x step, plus (missing samples) x step with gaps='down'."""
    samples, step, down, missing = drawn
    series = matrix(({"instance": "api"}, [[t, v] for t, v in samples]))
    shuffled = matrix(({"instance": "api"}, [[t, v] for t, v in rng.sample(samples, len(samples))]))
    step_d = sla.seconds(step)
    ignoring = from_prometheus(series, step=step_d, gaps="ignore")
    counting = from_prometheus(series, step=step_d, gaps="down")
    assert int((ignoring.end - ignoring.start).sum()) == down * step * US
    assert int((counting.end - counting.start).sum()) == (down + missing) * step * US
    for table in (ignoring, counting):
        # sorted, disjoint, and merged: no two outages touch
        assert all(table.end[i] < table.start[i + 1] for i in range(len(table) - 1))
    if missing == 0:
        assert spans(from_prometheus(series)) == spans(counting)  # the inferred step is the step
    assert spans(from_prometheus(shuffled, step=step_d)) == spans(counting)


@given(sample_series(), st.integers(0, 5), st.integers(0, 5))
def test_prometheus_start_and_end_add_the_absent_steps(
    drawn: tuple[list[tuple[int, str]], int, int, int], before: int, after: int
) -> None:
    """A range wider by a and b steps adds (a + b) x step of down time, and ignoring adds none."""
    samples, step, down, missing = drawn
    series = matrix(({"instance": "api"}, [[t, v] for t, v in samples]))
    start = (samples[0][0] - before * step) * US
    end = (samples[-1][0] + step + after * step) * US
    step_d = sla.seconds(step)
    counting = from_prometheus(series, step=step_d, start=start, end=end)
    total = int((counting.end - counting.start).sum())
    assert total == (down + missing + before + after) * step * US
    if before:  # down from start=
        assert int(counting.start.min()) == start
    if after:  # down until end=
        assert int(counting.end.max()) == end
    ignoring = from_prometheus(series, step=step_d, start=start, end=end, gaps="ignore")
    assert spans(ignoring) == spans(from_prometheus(series, step=step_d, gaps="ignore"))


def test_prometheus_start_and_end_make_absence_at_the_edges_down() -> None:
    """A target absent when the range starts, or gone before it ends, is down for that time."""
    # the range is 10:00 to 10:07; samples at 10:02 (up), 10:03 (down), 10:04 (up) only
    series = up("1", "0", "1", start=T0 + 120)
    table = from_prometheus(
        series,
        step=sla.seconds(60),
        start="2026-10-05T12:00:00+02:00",
        end=datetime(2026, 10, 5, 10, 7, tzinfo=UTC),
        origin="p.json",
    )
    assert rows(table) == [
        # nothing from 10:00 until the first sample at 10:02
        (
            "api",
            "2026-10-05T10:00:00Z",
            "2026-10-05T10:02:00Z",
            "down",
            "p.json:result[0] gap before values[0]",
        ),
        (
            "api",
            "2026-10-05T10:03:00Z",
            "2026-10-05T10:04:00Z",
            "down",
            "p.json:result[0] values[1]",
        ),
        # the 10:04 sample stands for [10:04, 10:05); nothing after it until 10:07
        (
            "api",
            "2026-10-05T10:05:00Z",
            "2026-10-05T10:07:00Z",
            "down",
            "p.json:result[0] gap after values[2]",
        ),
    ]
    # integer microseconds say the same; without start= and end= only the down sample is left
    same = from_prometheus(series, start=T0 * US, end=(T0 + 420) * US)
    assert spans(same) == spans(table)
    assert spans(from_prometheus(series)) == [("api", (T0 + 180) * US, (T0 + 240) * US)]
    # gaps="ignore": absence is unknown time, at the edges too
    ignoring = from_prometheus(series, start=T0 * US, end=(T0 + 420) * US, gaps="ignore")
    assert spans(ignoring) == [("api", (T0 + 180) * US, (T0 + 240) * US)]


def test_prometheus_edge_gaps_join_down_samples_next_to_them() -> None:
    """Absence at the start runs into a down first sample; a down last sample into the end."""
    series = up("0", "1", "0", start=T0 + 60)  # samples at 10:01, 10:02, 10:03
    table = from_prometheus(series, start=T0 * US, end=(T0 + 300) * US)
    assert rows(table) == [
        (
            "api",
            "2026-10-05T10:00:00Z",
            "2026-10-05T10:02:00Z",
            "down",
            "<prometheus>:result[0] gap before values[0]",
        ),
        (
            "api",
            "2026-10-05T10:03:00Z",
            "2026-10-05T10:05:00Z",
            "down",
            "<prometheus>:result[0] values[2]",
        ),
    ]
    # the gap before names the earliest sample, wherever it is in the list
    reversed_ = matrix(({"instance": "api"}, [[T0 + 180, "1"], [T0 + 120, "1"], [T0 + 60, "1"]]))
    assert rows(from_prometheus(reversed_, start=T0 * US))[0][1:] == (
        "2026-10-05T10:00:00Z",
        "2026-10-05T10:01:00Z",
        "down",
        "<prometheus>:result[0] gap before values[2]",
    )
    # present from start to end: nothing more; a last sample at end= still stands for its step
    assert spans(from_prometheus(series, start=(T0 + 60) * US, end=(T0 + 180) * US)) == [
        ("api", (T0 + 60) * US, (T0 + 120) * US),
        ("api", (T0 + 180) * US, (T0 + 240) * US),
    ]


def test_prometheus_start_or_end_alone() -> None:
    """Each bound works alone; a series of no samples is down only when both are known."""
    series = up("1", "1", start=T0 + 120)  # 10:02 and 10:03
    assert spans(from_prometheus(series, start=T0 * US)) == [("api", T0 * US, (T0 + 120) * US)]
    assert spans(from_prometheus(series, end=(T0 + 600) * US)) == [
        ("api", (T0 + 240) * US, (T0 + 600) * US)
    ]
    empty = matrix(({"instance": "api"}, []))
    table = from_prometheus(empty, start=T0 * US, end=(T0 + 600) * US, origin="p.json")
    assert rows(table) == [
        (
            "api",
            "2026-10-05T10:00:00Z",
            "2026-10-05T10:10:00Z",
            "down",
            "p.json:result[0] gap: no values from start= to end=",
        )
    ]
    assert len(from_prometheus(empty, start=T0 * US)) == 0
    assert len(from_prometheus(empty, start=T0 * US, end=(T0 + 600) * US, gaps="ignore")) == 0
    # a target with no series at all cannot be seen: nothing to make an outage of
    assert len(from_prometheus(matrix(), start=T0 * US, end=(T0 + 600) * US)) == 0


def test_prometheus_one_sample_with_start_and_end() -> None:
    """One up sample: start= alone needs no step; end= later than it does."""
    one = up("1", start=T0 + 60)
    assert spans(from_prometheus(one, start=T0 * US)) == [("api", T0 * US, (T0 + 60) * US)]
    with pytest.raises(EventDataError) as error:
        from_prometheus(one, start=T0 * US, end=(T0 + 300) * US, origin="p.json")
    assert problems(error) == [
        (
            "p.json:result[0]: values: one sample, and end= is given: give step= (the query's "
            "step) to know where the sample's interval ends"
        )
    ]
    table = from_prometheus(one, step=sla.seconds(60), start=T0 * US, end=(T0 + 300) * US)
    assert spans(table) == [
        ("api", T0 * US, (T0 + 60) * US),
        ("api", (T0 + 120) * US, (T0 + 300) * US),
    ]
    # the one sample at end=: nothing after it to know
    assert len(from_prometheus(up("1", start=T0), end=T0 * US)) == 0


def test_prometheus_samples_outside_start_and_end_are_named() -> None:
    """A sample outside [start, end] is an error naming the series and sample."""
    series = matrix(
        ({"instance": "api"}, [[T0, "1"], [T0 + 60, "1"], [T0 + 120, "1"]]),
        ({"instance": "db"}, [[T0 + 60, "1"], [T0 + 180, "0"]]),
    )
    with pytest.raises(EventDataError) as error:
        from_prometheus(series, start=(T0 + 60) * US, end=(T0 + 120) * US, origin="p.json")
    assert problems(error) == [
        (
            "p.json:result[0] values[0]: time: 2026-10-05T10:00:00Z is before "
            "start=2026-10-05T10:01:00Z: a range query's samples lie in [start, end]; give the "
            "range it was run with"
        ),
        (
            "p.json:result[1] values[1]: time: 2026-10-05T10:03:00Z is after "
            "end=2026-10-05T10:02:00Z: a range query's samples lie in [start, end]; give the "
            "range it was run with"
        ),
    ]
    with pytest.raises(EventDataError, match="is after end="):
        from_prometheus(series, end=(T0 + 120) * US, gaps="ignore")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"start": T0 * US, "end": (T0 - 60) * US}, DefinitionError, "start=.* is after end="),
        ({"start": "2026-10-05T10:00:00"}, NaiveDatetimeError, "start="),
        ({"end": "tomorrow"}, DefinitionError, "end='tomorrow' is not an ISO 8601 instant"),
        ({"end": 1.5}, DefinitionError, "end=1.5 is a float"),
        ({"start": True}, DefinitionError, "start=True is not an instant"),
    ],
)
def test_prometheus_refuses_bad_start_and_end(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    """start= and end= are instants, checked before the data is read."""
    with pytest.raises(error, match=message):
        from_prometheus(up("1"), **kwargs)


# --- uptime-monitor CSV -------------------------------------------------------------------------


def test_uptime_csv_sample_file_gives_the_outages_worked_out_by_hand() -> None:
    """Unsorted rows, offsets and epoch seconds; a run of failures and a trailing one."""
    table = from_uptime_csv(UPTIME, columns=CSV_COLUMNS, origin="uptime.csv")
    assert rows(table) == [
        # failures at 10:02 (line 7) and 10:03 (line 2) until the success at 10:04
        ("checkout", "2026-10-05T10:02:00Z", "2026-10-05T10:04:00Z", "down", "uptime.csv:7"),
        # trailing failures at 10:04 and 10:05: the last plus the median spacing (1 minute)
        ("search", "2026-10-05T10:04:00Z", "2026-10-05T10:06:00Z", "down", "uptime.csv:11"),
    ]


def test_uptime_csv_row_order_does_not_matter() -> None:
    """Shuffling the rows gives the same outages."""
    header, *body = UPTIME.read_text(encoding="utf-8").splitlines()
    expected = spans(from_uptime_csv(UPTIME, columns=CSV_COLUMNS))
    for seed in range(5):
        shuffled = random.Random(seed).sample(body, len(body))
        text = "\n".join([header, *shuffled]) + "\n"
        assert spans(from_uptime_csv(text, columns=CSV_COLUMNS)) == expected


def test_uptime_csv_trailing_failures_end_one_interval_after_the_last_check() -> None:
    """interval= ends a trailing run; without it the lower median spacing does."""
    text = (
        "time,status,service\n"
        "2026-10-05T10:00:00Z,up,api\n"
        "2026-10-05T10:01:00Z,up,api\n"
        "2026-10-05T10:03:00Z,up,api\n"  # spacings 60, 120, 60, 120 s: lower median 60 s
        "2026-10-05T10:04:00Z,down,api\n"
        "2026-10-05T10:06:00Z,down,api\n"
    )
    start = to_us("2026-10-05T10:04:00Z")
    assert spans(from_uptime_csv(text)) == [("api", start, to_us("2026-10-05T10:07:00Z"))]
    table = from_uptime_csv(text, interval=sla.seconds(30))
    assert spans(table) == [("api", start, to_us("2026-10-05T10:06:30Z"))]


def test_uptime_csv_single_failed_check_needs_an_interval() -> None:
    """A monitor whose only check failed has no spacing to end its outage with."""
    text = "time,status\n2026-10-05T10:00:00Z,down\n"
    with pytest.raises(EventDataError) as error:
        from_uptime_csv(text, service="api", origin="one.csv")
    assert problems(error) == [
        (
            "one.csv:2: status: the only check of 'api' failed, so its outage has no end; "
            "give interval= (the check interval)"
        )
    ]
    table = from_uptime_csv(text, service="api", interval=sla.minutes(5))
    assert spans(table) == [("api", to_us("2026-10-05T10:00Z"), to_us("2026-10-05T10:05Z"))]


def test_uptime_csv_statuses_and_epoch_seconds() -> None:
    """Every documented status, in any case, and exact epoch seconds with decimals."""
    text = (
        "time,status\n"
        "1791194400.5,UP\n1791194401,Down\n1791194402,ok\n1791194403,ERROR\n"
        "1791194404,Success\n1791194405,failure\n1791194406,1\n1791194407,0\n1791194408,up\n"
        "1791194409,timeout\n1791194410,up\n"
    )
    table = from_uptime_csv(text, service="api", statuses={"Timeout": "down"})
    assert spans(table) == [("api", (T0 + s) * US, (T0 + s + 1) * US) for s in (1, 3, 5, 7, 9)]
    with pytest.raises(EventDataError, match="'timeout' is not a check status"):
        from_uptime_csv(text, service="api")
    table = from_uptime_csv("time,status\n1791194400.5,down\n1791194401,up\n", service="a")
    assert int(table.start[0]) == T0 * US + 500_000


def test_uptime_csv_refuses_bad_rows_by_line() -> None:
    """Naive times, unknown statuses, bad response times and short rows: all listed by line."""
    text = (
        "service,time,status,response_ms\n"
        "api,2026-10-05T10:00:00,up,12\n"
        "api,2026-10-05T10:01:00Z,degraded,12\n"
        "api,2026-10-05T10:02:00Z,up,-3\n"
        "api,2026-10-05T10:03:00Z,up,fast\n"
        ",2026-10-05T10:04:00Z,up,\n"
        "api,,down,\n"
        "api,2026-10-05T10:06:00Z\n"
        "api,yesterday,up,1\n"
        "api,2026-10-05T10:08:00Z,up,1\n"
        "api,2026-10-05T10:08:00Z,down,1\n"
    )
    with pytest.raises(EventDataError) as error:
        from_uptime_csv(text, origin="checks.csv")
    assert problems(error) == [
        (
            "checks.csv:2: time: '2026-10-05T10:00:00' has no UTC offset; append 'Z' or an "
            "offset like '+02:00'"
        ),
        (
            "checks.csv:3: status: 'degraded' is not a check status (0, 1, down, error, failure, "
            "ok, success, up); map yours with statuses="
        ),
        "checks.csv:4: response_ms: '-3' is not a number of milliseconds (>= 0)",
        "checks.csv:5: response_ms: 'fast' is not a number of milliseconds (>= 0)",
        "checks.csv:6: service: is empty; name the monitor's service",
        "checks.csv:7: time: is empty; give the check's time",
        "checks.csv:8: has 2 fields; the header has 4",
        "checks.csv:9: time: 'yesterday' is not ISO 8601; write it like '2026-10-01T00:00:00Z'",
        "checks.csv:11: status: line 10 checks 'api' at the same instant with the other status",
    ]


def test_uptime_csv_header_problems() -> None:
    """A missing column names the header and the fix; service= and a service column clash."""
    with pytest.raises(EventDataError) as error:
        from_uptime_csv("when,state\n2026-10-05T10:00:00Z,up\n", origin="u.csv")
    assert problems(error) == [
        (
            "u.csv:1: time: no column 'time' in the header ('when', 'state'); map yours with "
            "columns={'time': ...}"
        ),
        (
            "u.csv:1: status: no column 'status' in the header ('when', 'state'); map yours with "
            "columns={'status': ...}"
        ),
        (
            "u.csv:1: service: no column 'service' in the header ('when', 'state'); map yours with "
            "columns={'service': ...} or give service= for a file of one monitor"
        ),
    ]
    table = from_uptime_csv(
        "when,state\n2026-10-05T10:00:00Z,down\n2026-10-05T10:01:00Z,up\n",
        service="api",
        columns={"time": "when", "status": "state"},
    )
    assert spans(table) == [("api", to_us("2026-10-05T10:00Z"), to_us("2026-10-05T10:01Z"))]
    with pytest.raises(EventDataError, match="has a 'service' column and service='api'"):
        from_uptime_csv("time,status,service\n2026-10-05T10:00:00Z,up,db\n", service="api")
    with pytest.raises(DefinitionError, match="names 'start'"):
        from_uptime_csv(UPTIME, columns={"start": "Checked at"})
    with pytest.raises(DefinitionError, match="'maybe' must be 'up' or 'down'"):
        from_uptime_csv(UPTIME, statuses={"paused": "maybe"})


def test_uptime_csv_empty_file_has_no_outages(tmp_path: Path) -> None:
    """An empty export, or one with only a header, is an empty table."""
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    assert len(from_uptime_csv(path)) == 0
    assert len(from_uptime_csv("time,status,service\n")) == 0


# --- status pages -------------------------------------------------------------------------------


def test_statuspage_sample_file_gives_the_outages_worked_out_by_hand() -> None:
    """Major then partial outage, a degraded incident (not an outage), one ended by resolved_at."""
    table = from_statuspage(STATUSPAGE, components=COMPONENTS, origin="incidents.json")
    assert rows(table) == [
        (
            "checkout",
            "2026-10-12T09:00:00Z",
            "2026-10-12T09:30:00Z",
            "down",
            "incidents.json:incidents[0] incident_updates[2]",
        ),
        # the update at 09:30 set partial_outage; the one at 11:45+02:00 set operational
        (
            "checkout",
            "2026-10-12T09:30:00Z",
            "2026-10-12T09:45:00Z",
            "partial_outage",
            "incidents.json:incidents[0] incident_updates[1]",
        ),
        # degraded_performance is not an outage; the major outage ends at resolved_at
        (
            "search",
            "2026-10-21T08:00:00Z",
            "2026-10-21T08:20:00Z",
            "down",
            "incidents.json:incidents[2] incident_updates[1]",
        ),
    ]


def test_statuspage_impacts_choose_the_outage_statuses() -> None:
    """Only major_outage: the partial outage ends the row; adding degraded counts slow search."""
    only_major = from_statuspage(STATUSPAGE, components=COMPONENTS, impacts=("major_outage",))
    assert [(r[0], r[1], r[2]) for r in rows(only_major)] == [
        ("checkout", "2026-10-12T09:00:00Z", "2026-10-12T09:30:00Z"),
        ("search", "2026-10-21T08:00:00Z", "2026-10-21T08:20:00Z"),
    ]
    wide = from_statuspage(
        STATUSPAGE,
        components=COMPONENTS,
        impacts=("major_outage", "partial_outage", "degraded_performance"),
    )
    assert ("search", "2026-10-20T14:00:00Z", "2026-10-20T15:00:00Z", "degraded_performance") in [
        r[:4] for r in rows(wide)
    ]
    with pytest.raises(DefinitionError, match="impacts="):
        from_statuspage(STATUSPAGE, impacts=("operational",))
    with pytest.raises(DefinitionError, match="impacts="):
        from_statuspage(STATUSPAGE, impacts="major_outage")  # type: ignore[arg-type]


def test_statuspage_unmapped_components_are_listed_or_ignored_on_purpose() -> None:
    """A component with outages that components= leaves out is an error, or left out by choice."""
    with pytest.raises(EventDataError) as error:
        from_statuspage(STATUSPAGE, components={"Search": "search"}, origin="i.json")
    assert problems(error) == [
        (
            "i.json:incidents[0] incident_updates[2]: affected_components: component "
            "'Checkout API' is not in components= (2 outages); map it to a service, or pass "
            "unmapped='ignore' to leave its outages out"
        )
    ]
    table = from_statuspage(STATUSPAGE, components={"Search": "search"}, unmapped="ignore")
    assert {r[0] for r in rows(table)} == {"search"}
    table = from_statuspage(STATUSPAGE)  # without a mapping, components are services
    assert table.services == ("Checkout API", "Search")


def incident(*updates: dict[str, Any], resolved: str | None = None) -> dict[str, Any]:
    """Return an incidents document of one incident (updates given oldest first)."""
    return {
        "incidents": [
            {"id": "a", "resolved_at": resolved, "incident_updates": list(reversed(updates))}
        ]
    }


def update(time: str, *changes: tuple[str, str]) -> dict[str, Any]:
    """Return an update at ``time`` setting each (component, status)."""
    return {
        "created_at": time,
        "affected_components": [{"name": n, "new_status": s} for n, s in changes],
    }


def test_statuspage_unresolved_incident_needs_until() -> None:
    """An outage still open in an unresolved incident is an error; until= ends it."""
    doc = incident(update("2026-10-05T10:00:00Z", ("api", "major_outage")))
    with pytest.raises(EventDataError) as error:
        from_statuspage(doc)
    assert problems(error) == [
        (
            "<statuspage>:incidents[0]: resolved_at: the incident is not resolved and 'api' is "
            "still in outage; give until= to end open outages"
        )
    ]
    table = from_statuspage(doc, until="2026-11-01T00:00:00Z")
    assert spans(table) == [("api", to_us("2026-10-05T10:00Z"), to_us("2026-11-01T00:00Z"))]
    # an unresolved incident whose components are operational again is fine
    closed = incident(
        update("2026-10-05T10:00:00Z", ("api", "major_outage")),
        update("2026-10-05T10:10:00Z", ("api", "operational")),
    )
    assert spans(from_statuspage(closed)) == [
        ("api", to_us("2026-10-05T10:00Z"), to_us("2026-10-05T10:10Z"))
    ]


def test_statuspage_resolution_ends_every_outage_of_the_incident() -> None:
    """An update after resolved_at does not lengthen an outage; until= does not either."""
    doc = incident(
        update("2026-10-05T10:00:00Z", ("api", "major_outage")),
        update("2026-10-05T12:00:00Z", ("api", "operational")),  # a late follow-up
        resolved="2026-10-05T10:30:00Z",
    )
    expected = [("api", to_us("2026-10-05T10:00Z"), to_us("2026-10-05T10:30Z"))]
    assert spans(from_statuspage(doc)) == expected
    assert spans(from_statuspage(doc, until="2026-10-31T00:00:00Z")) == expected
    early = incident(update("2026-10-05T10:00:00Z", ("api", "major_outage")))
    with pytest.raises(EventDataError, match="until= is before incident_updates"):
        from_statuspage(early, until="2026-10-05T09:00:00Z")


def test_statuspage_updates_in_any_order() -> None:
    """Updates are taken in created_at order, whatever order the list has."""
    updates = [
        update("2026-10-05T10:00:00Z", ("api", "partial_outage"), ("db", "major_outage")),
        update("2026-10-05T10:05:00Z", ("api", "major_outage")),
        update("2026-10-05T10:20:00Z", ("api", "operational"), ("db", "operational")),
    ]
    newest_first = from_statuspage(incident(*updates))
    oldest_first = from_statuspage({"incidents": [{"incident_updates": updates}]})
    assert rows(newest_first)[0][3] == "partial_outage"
    assert (
        spans(newest_first)
        == spans(oldest_first)
        == [
            ("api", to_us("2026-10-05T10:00Z"), to_us("2026-10-05T10:05Z")),
            ("api", to_us("2026-10-05T10:05Z"), to_us("2026-10-05T10:20Z")),
            ("db", to_us("2026-10-05T10:00Z"), to_us("2026-10-05T10:20Z")),
        ]
    )


def test_statuspage_refuses_bad_updates_by_incident_and_update() -> None:
    """Naive times, unknown statuses, missing names: each named by incident and update."""
    doc = {
        "incidents": [
            {
                "resolved_at": "2026-10-05T11:00:00",
                "incident_updates": [
                    update("2026-10-05T10:00:00", ("api", "major_outage")),
                    update("2026-10-05T10:00:00Z", ("api", "broken")),
                    {"created_at": "2026-10-05T10:00:00Z", "affected_components": [{"x": 1}]},
                ],
            },
            {"id": "b"},
            "nope",
            {
                "resolved_at": "2026-10-05T09:00:00Z",
                "incident_updates": [update("2026-10-05T10:00:00Z", ("api", "major_outage"))],
            },
        ]
    }
    with pytest.raises(EventDataError) as error:
        from_statuspage(doc, origin="s.json")
    assert problems(error) == [
        (
            "s.json:incidents[0]: resolved_at: '2026-10-05T11:00:00' has no UTC offset; append "
            "'Z' or an offset like '+02:00'"
        ),
        (
            "s.json:incidents[0] incident_updates[0]: created_at: '2026-10-05T10:00:00' has no UTC "
            "offset; append 'Z' or an offset like '+02:00'"
        ),
        (
            "s.json:incidents[0] incident_updates[1] affected_components[0]: new_status: 'broken' "
            "is not one of operational, degraded_performance, partial_outage, major_outage, "
            "under_maintenance"
        ),
        (
            "s.json:incidents[0] incident_updates[2] affected_components[0]: name: None must be a "
            "component name"
        ),
        (
            "s.json:incidents[0] incident_updates[2] affected_components[0]: new_status: None is "
            "not one of operational, degraded_performance, partial_outage, major_outage, "
            "under_maintenance"
        ),
        "s.json:incidents[1]: incident_updates: missing; expected a list of updates",
        "s.json:incidents[2]: expected an incident object",
        (
            "s.json:incidents[3]: resolved_at: resolved_at is before incident_updates[0] put 'api' "
            "in major_outage"
        ),
    ]
    with pytest.raises(EventDataError, match=r"incidents: missing; expected \{'incidents'"):
        from_statuspage({"page": {}})


def test_statuspage_bare_list_and_text() -> None:
    """A bare list of incidents (the manage API's form) and JSON text read the same."""
    doc = json.loads(STATUSPAGE.read_text(encoding="utf-8"))
    a = from_statuspage(doc["incidents"], components=COMPONENTS)
    b = from_statuspage(json.dumps(doc), components=COMPONENTS)
    assert spans(a) == spans(b) == spans(from_statuspage(STATUSPAGE, components=COMPONENTS))


def impact_only(
    impact: str | None,
    *names: str,
    created: str | None = "2026-10-05T10:00:00Z",
    resolved: str | None = "2026-10-05T11:00:00Z",
    **more: Any,
) -> dict[str, Any]:
    """Return an incident whose updates name no component: only its impact and components."""
    return {
        "id": "i1",
        "name": "Errors",
        "impact": impact,
        "created_at": created,
        "resolved_at": resolved,
        "components": [
            {"id": f"c{k}", "name": n, "status": "operational"} for k, n in enumerate(names)
        ],
        "incident_updates": [
            {"created_at": resolved or created, "body": "Fixed.", "affected_components": None},
            {"created_at": created, "body": "Looking.", "affected_components": []},
        ],
        **more,
    }


def test_statuspage_incident_without_affected_components_is_read_from_its_impact() -> None:
    """Impact critical is major_outage ("down"), major is partial_outage, per component."""
    doc = {
        "incidents": [
            impact_only("critical", "api", "db"),
            # started_at, when there is one, is where the outage starts (not created_at)
            impact_only(
                "major",
                "api",
                created="2026-10-06T10:30:00Z",
                resolved="2026-10-06T11:00:00Z",
                started_at="2026-10-06T10:00:00Z",
            ),
            # minor is degraded_performance: no outage unless impacts= names it
            impact_only(
                "minor", "db", created="2026-10-07T10:00:00Z", resolved="2026-10-07T10:30:00Z"
            ),
        ]
    }
    assert rows(from_statuspage(doc, origin="s.json")) == [
        (
            "api",
            "2026-10-05T10:00:00Z",
            "2026-10-05T11:00:00Z",
            "down",
            "s.json:incidents[0] components[0]",
        ),
        (
            "db",
            "2026-10-05T10:00:00Z",
            "2026-10-05T11:00:00Z",
            "down",
            "s.json:incidents[0] components[1]",
        ),
        (
            "api",
            "2026-10-06T10:00:00Z",
            "2026-10-06T11:00:00Z",
            "partial_outage",
            "s.json:incidents[1] components[0]",
        ),
    ]
    wide = from_statuspage(
        doc, impacts=("major_outage", "partial_outage", "degraded_performance"), origin="s.json"
    )
    assert rows(wide)[-1] == (
        "db",
        "2026-10-07T10:00:00Z",
        "2026-10-07T10:30:00Z",
        "degraded_performance",
        "s.json:incidents[2] components[0]",
    )
    # components= maps them like any component; one left out is listed by its entry
    mapped = from_statuspage(doc, components={"api": "checkout", "db": "database"})
    assert mapped.services == ("checkout", "database")
    with pytest.raises(EventDataError) as error:
        from_statuspage(doc, components={"api": "checkout"}, origin="s.json")
    assert problems(error) == [
        (
            "s.json:incidents[0] components[1]: components: component 'db' is not in components= "
            "(1 outage); map it to a service, or pass unmapped='ignore' to leave its outages out"
        )
    ]


def test_statuspage_impact_is_not_read_when_an_update_names_components() -> None:
    """An incident with affected components keeps the update rules, whatever its impact says."""
    doc = incident(
        update("2026-10-05T10:00:00Z", ("api", "major_outage")),
        update("2026-10-05T10:10:00Z", ("api", "operational")),
        resolved="2026-10-05T11:00:00Z",
    )
    doc["incidents"][0].update(impact="none", components=[{"name": "db"}])
    assert spans(from_statuspage(doc)) == [
        ("api", to_us("2026-10-05T10:00Z"), to_us("2026-10-05T10:10Z"))
    ]
    assert spans(from_statuspage(doc, impact_only="error")) == spans(from_statuspage(doc))


def test_statuspage_impact_none_or_maintenance_is_an_error_until_mapped() -> None:
    """Impacts that name no component status are errors naming the incident, unless mapped."""
    doc = {
        "incidents": [
            impact_only("none", "api"),
            impact_only("maintenance", "db"),
            impact_only(None, "api"),
            impact_only("severe", "api"),
        ]
    }
    with pytest.raises(EventDataError) as error:
        from_statuspage(doc, origin="s.json")
    lead = (
        "no update of the incident 'Errors' names affected_components, so it is read from its "
        "impact: "
    )
    tail = ", or pass impact_only='ignore' to leave out such incidents"
    assert problems(error) == [
        (
            f"s.json:incidents[0]: impact: {lead}'none' names no component status; say what it "
            f"means with impact_statuses={{'none': 'operational'}} (no outage){tail}"
        ),
        (
            f"s.json:incidents[1]: impact: {lead}'maintenance' names no component status; say "
            "what it means with impact_statuses={'maintenance': 'under_maintenance'} (an outage "
            f"if impacts= names it){tail}"
        ),
        f"s.json:incidents[2]: impact: {lead}there is none; give the incident's impact{tail}",
        (
            f"s.json:incidents[3]: impact: {lead}'severe' is not one of none, minor, major, "
            f"critical, maintenance{tail}"
        ),
    ]
    said = {"none": "operational", "maintenance": "under_maintenance"}
    assert len(from_statuspage(doc["incidents"][:2], impact_statuses=said)) == 0
    counted = from_statuspage(
        doc["incidents"][:2],
        impact_statuses=said,
        impacts=("major_outage", "under_maintenance"),
        origin="s.json",
    )
    assert rows(counted) == [
        (
            "db",
            "2026-10-05T10:00:00Z",
            "2026-10-05T11:00:00Z",
            "under_maintenance",
            "s.json:incidents[1] components[0]",
        )
    ]
    # the mapping may also change the defaults: a major incident read as a major outage
    major = from_statuspage(
        [impact_only("major", "api")], impact_statuses={"major": "major_outage"}
    )
    assert rows(major)[0][3] == "down"


def test_statuspage_incident_without_any_component() -> None:
    """An outage impact with no component anywhere is an error; a no-outage one is not."""
    doc = [impact_only("critical"), {**impact_only("major"), "components": None}]
    with pytest.raises(EventDataError) as error:
        from_statuspage(doc, origin="s.json")
    assert problems(error) == [
        (
            "s.json:incidents[0]: components: the incident 'Errors' has impact 'critical' "
            "(major_outage) but names no component, in components or in any update's "
            "affected_components, so no service can be charged; name its components, or pass "
            "impact_only='ignore'"
        ),
        (
            "s.json:incidents[1]: components: the incident 'Errors' has impact 'major' "
            "(partial_outage) but names no component, in components or in any update's "
            "affected_components, so no service can be charged; name its components, or pass "
            "impact_only='ignore'"
        ),
    ]
    # an informational notice: impact none, no component, read as no outage once said so
    notice = [impact_only("none"), impact_only("minor")]
    assert len(from_statuspage(notice, impact_statuses={"none": "operational"})) == 0
    with pytest.raises(EventDataError, match=r"incidents\[0\]: impact: .*'none' names no"):
        from_statuspage(notice)
    # a bad components list is named too
    bad = [
        {**impact_only("critical"), "components": [{"name": ""}, "api"]},
        {**impact_only("critical"), "components": "api"},
    ]
    with pytest.raises(EventDataError) as error:
        from_statuspage(bad, origin="s.json")
    assert problems(error) == [
        "s.json:incidents[0] components[0]: name: '' must be a component name",
        "s.json:incidents[0] components[1]: expected a component {'name': ...}",
        "s.json:incidents[1]: components: expected a list of components",
    ]


def test_statuspage_impact_only_ignore_and_error() -> None:
    """impact_only='ignore' leaves such incidents out on purpose; 'error' lists each of them."""
    doc = {
        "incidents": [
            impact_only("critical", "api"),
            impact_only("none"),
            *incident(
                update("2026-10-05T12:00:00Z", ("db", "major_outage")),
                resolved="2026-10-05T12:30:00Z",
            )["incidents"],
        ]
    }
    expected = [("db", to_us("2026-10-05T12:00Z"), to_us("2026-10-05T12:30Z"))]
    assert spans(from_statuspage(doc, impact_only="ignore")) == expected
    with pytest.raises(EventDataError) as error:
        from_statuspage(doc, impact_only="error", origin="s.json")
    assert problems(error) == [
        f"s.json:incidents[{i}]: incident_updates: no update of the incident 'Errors' names "
        "affected_components, and impact_only='error' refuses an incident read from its impact "
        "alone"
        for i in (0, 1)
    ]


def test_statuspage_impact_only_times() -> None:
    """An unresolved incident needs until=; an end before or at the start is an error."""
    open_ = [impact_only("critical", "api", resolved=None)]
    with pytest.raises(EventDataError) as error:
        from_statuspage(open_, origin="s.json")
    assert problems(error) == [
        (
            "s.json:incidents[0]: resolved_at: the incident is not resolved and 'api' is still in "
            "outage; give until= to end open outages"
        )
    ]
    table = from_statuspage(open_, until="2026-10-05T12:00:00Z")
    assert spans(table) == [("api", to_us("2026-10-05T10:00Z"), to_us("2026-10-05T12:00Z"))]
    bad = [
        impact_only("critical", "api", resolved="2026-10-05T09:00:00Z"),
        impact_only("critical", "api", resolved="2026-10-05T10:00:00Z"),
        impact_only("critical", "api", started_at="2026-10-05T10:00:00"),
        impact_only("critical", "api", created=None, resolved="2026-10-05T10:00:00Z"),
    ]
    with pytest.raises(EventDataError) as error:
        from_statuspage(bad, origin="s.json")
    assert problems(error) == [
        "s.json:incidents[0]: resolved_at: resolved_at is before created_at",
        (
            "s.json:incidents[1]: resolved_at: resolved_at is at created_at: the outage would "
            "last no time"
        ),
        (
            "s.json:incidents[2]: started_at: '2026-10-05T10:00:00' has no UTC offset; append 'Z' "
            "or an offset like '+02:00'"
        ),
        (
            "s.json:incidents[3]: created_at: is null; give an ISO 8601 instant like "
            "'2026-10-01T00:00:00Z'"
        ),
    ]


def test_statuspage_status_of_no_length() -> None:
    """A status replaced at the same instant lasted no time; resolution at its start is an error."""
    same_instant = incident(
        update("2026-10-05T10:00:00Z", ("api", "major_outage")),
        update("2026-10-05T10:00:00Z", ("api", "partial_outage")),  # newer: it wins
        resolved="2026-10-05T11:00:00Z",
    )
    table = from_statuspage(same_instant)
    assert [r[:4] for r in rows(table)] == [
        ("api", "2026-10-05T10:00:00Z", "2026-10-05T11:00:00Z", "partial_outage")
    ]
    at_once = incident(
        update("2026-10-05T10:00:00Z", ("api", "major_outage")), resolved="2026-10-05T10:00:00Z"
    )
    with pytest.raises(EventDataError) as error:
        from_statuspage(at_once, origin="s.json")
    assert problems(error) == [
        (
            "s.json:incidents[0]: resolved_at: resolved_at is at incident_updates[0] put 'api' "
            "in major_outage: the outage would last no time"
        )
    ]


# --- end to end ---------------------------------------------------------------------------------

OCTOBER = 31 * 24 * 3600 * US


def uptimes(table: sla.EventTable) -> dict[str, Fraction]:
    """Evaluate a 99.9% uptime agreement for checkout and search over October 2026."""
    measure = sla.uptime(states={"down": "100%", "partial_outage": "50%"})
    tier = sla.Tier("t", fee=sla.usd("100.00"), objectives=[measure >= "99.9%"])
    agreement = sla.Agreement(
        provider="Acme Cloud", customer="Globex", services=["checkout", "search"], tier=tier
    )
    report = sla.evaluate(agreement, table, period="2026-10")
    return {r.service: r.value for r in report.objectives}


@pytest.mark.parametrize(
    ("load", "down"),
    [
        # Prometheus: checkout 2 + 2 minutes, search 1 minute
        (
            lambda: from_prometheus(PROMETHEUS, service_label="service"),
            {"checkout": 240 * US, "search": 60 * US},
        ),
        # uptime checks: checkout 2 minutes, search 2 minutes
        (
            lambda: from_uptime_csv(UPTIME, columns=CSV_COLUMNS),
            {"checkout": 120 * US, "search": 120 * US},
        ),
        # status page: checkout 30 min down + 15 min partial at 50%, search 20 minutes
        (
            lambda: from_statuspage(STATUSPAGE, components=COMPONENTS),
            {"checkout": (30 * 60 + 15 * 30) * US, "search": 20 * 60 * US},
        ),
    ],
    ids=["prometheus", "uptime-csv", "statuspage"],
)
def test_an_agreement_evaluates_over_each_imported_table(load: Any, down: dict[str, int]) -> None:
    """Each imported table evaluates, and the uptime is exactly the down time worked by hand."""
    assert uptimes(load()) == {s: 1 - Fraction(d, OCTOBER) for s, d in down.items()}


def test_decimal_is_never_a_float() -> None:
    """The sample file's quarter seconds survive exactly (no float on the path)."""
    table = from_prometheus(PROMETHEUS, service_label="service")
    assert Decimal(int(table.start[-1])) / US == Decimal("1791195000.25")


# --- odd inputs ---------------------------------------------------------------------------------


def test_csv_files_that_are_not_csv_or_not_utf8(tmp_path: Path) -> None:
    """A NUL byte, bytes that are not UTF-8, or a header naming a column twice: clear problems."""
    path = tmp_path / "checks.csv"
    path.write_bytes(b"time,status,service\n2026-10-05T10:00:00Z,up,\xe9\n")
    with pytest.raises(EventDataError, match=r"checks.csv: is not UTF-8 text \(byte 0xe9"):
        from_uptime_csv(path)
    huge = "time,status,service\n2026-10-05T10:00:00Z,up," + "a" * 200_000 + "\n"
    with pytest.raises(EventDataError, match=r"u\.csv:2: is not CSV \(field larger than"):
        from_uptime_csv(huge, origin="u.csv")
    with pytest.raises(EventDataError, match=r"u\.csv:1: time: the header names 'time' twice"):
        from_uptime_csv("time,time,status,service\n", origin="u.csv")
    with pytest.raises(DefinitionError, match="must be a path to a CSV file or the CSV text"):
        from_uptime_csv(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"components": ["Search"]}, "components=.* must map component names"),
        ({"components": {"Search": ""}}, r"components\['Search'\]=''"),
        ({"unmapped": "drop"}, "unmapped='drop' must be one of 'error', 'ignore'"),
        ({"impacts": ("major_outage", "down")}, "impacts=.* must name component statuses"),
        ({"until": "2026-10-05T10:00:00"}, "until"),
        ({"impact_only": "skip"}, "impact_only='skip' must be one of 'outage', 'ignore', 'error'"),
        ({"impact_statuses": ["none"]}, "impact_statuses=.* must map incident impacts"),
        ({"impact_statuses": {"severe": "major_outage"}}, "'severe': 'major_outage' must map"),
        ({"impact_statuses": {"none": "down"}}, "'none': 'down' must map an impact"),
        ({"origin": ""}, "origin=''"),
    ],
)
def test_statuspage_refuses_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    """Arguments are checked before the data is read."""
    with pytest.raises(DefinitionError, match=message):
        from_statuspage(STATUSPAGE, **kwargs)


def test_statuspage_odd_updates() -> None:
    """An update that is not an object, or whose components are not a list, is named."""
    doc = {
        "incidents": [
            {
                "resolved_at": None,
                "incident_updates": [
                    "x",
                    {"created_at": "2026-10-05T10:00:00Z", "affected_components": "Search"},
                    {"created_at": "2026-10-05T10:00:00Z", "affected_components": ["Search"]},
                ],
            }
        ]
    }
    with pytest.raises(EventDataError) as error:
        from_statuspage(doc, origin="s.json")
    assert problems(error) == [
        "s.json:incidents[0] incident_updates[0]: expected an update object",
        (
            "s.json:incidents[0] incident_updates[1]: affected_components: expected a list of "
            "components"
        ),
        (
            "s.json:incidents[0] incident_updates[2] affected_components[0]: expected "
            "{'name': ..., 'new_status': ...}"
        ),
    ]
    with pytest.raises(DefinitionError, match="must be a path, JSON text or the parsed JSON"):
        from_statuspage(3.5)  # type: ignore[arg-type]
