"""Incremental evaluation: a state fed batches gives the batch report, whatever the split."""

from __future__ import annotations

import json
import random
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
import slakit.io as sio
from slakit._engine._incremental import _Counts, _merged
from slakit.exceptions import EvaluationError, EventDataError

P0 = sla.to_us("2026-10-01T00:00:00Z")
P1 = sla.to_us("2026-11-01T00:00:00Z")
MINUTE = 60_000_000
RATIO = sla.success_ratio()
EXCLUDING_4XX = sla.success_ratio(client_errors="excluded")
BUCKETS = sla.bucket_availability(bucket=sla.minutes(5), max_error_rate="5%")
P99 = sla.latency_percentile(99)
P90_HOURLY = sla.latency_percentile(90, per=sla.hours(1))
FAST = sla.latency_share(under=sla.milliseconds(10))
UP = sla.uptime(min_outage=sla.minutes(1))
TIER = sla.Tier(
    "gold",
    fee=sla.usd("100.00"),
    objectives=[
        RATIO >= "99.9%",
        EXCLUDING_4XX >= "99%",
        BUCKETS >= "99%",
        P99 <= "300ms",
        P90_HOURLY <= "300ms",
        FAST >= "50%",
        UP >= "99.9%",
    ],
    compensation=sla.credit_schedule(RATIO, {"< 99.9%": "10%", "< 99%": "25%"}),
)
TERMS = sla.Agreement(
    provider="P", customer="C", services=["a", "b"], tier=TIER, period=sla.monthly(tz="UTC")
)


def _requests(seed: int, n: int, *, named: bool = True) -> sla.RequestTable:
    """Requests of a, b and an uncovered c, some outside October, some without a latency."""
    rng = np.random.default_rng(seed)
    latency = rng.integers(1, 20_000, n)
    latency[rng.random(n) < 0.02] = -1
    columns = {
        "service": rng.integers(0, 3, n).astype(np.int32),
        "time": rng.integers(P0 - 3_600_000_000, P1 + 3_600_000_000, n),
        "status": rng.choice([200, 200, 200, 200, 404, 503], n).astype(np.int16),
        "latency": np.where(latency < 0, None, latency).tolist(),
    }
    where = [f"requests.parquet:row {i}" for i in range(n)] if named else None
    return sla.RequestTable.from_columns(columns, services=["a", "b", "c"], where=where)


def _events(seed: int, n: int) -> sla.EventTable:
    """Outages, some of them records of one outage that overlap."""
    rng = np.random.default_rng(seed)
    records = []
    for i in range(n):
        start = int(rng.integers(P0, P1 - 7_200_000_000))
        length = int(rng.integers(1, 120)) * MINUTE
        service = "ab"[i % 2]
        records.append(sla.Outage(service, start, start + length))
        records.append(sla.Outage(service, start + length // 2, start + length + MINUTE))
    return sla.EventTable.from_records(records, where=[f"o.jsonl:{i}" for i in range(len(records))])


def _rendered(report: sla.Report) -> tuple[str, str, str]:
    """Return the report's data, explanation and statement (less the fingerprint's lines)."""
    statement = report.to_markdown().splitlines()
    kept = "\n".join(line for line in statement if line and "Fingerprint" not in line)
    return json.dumps(report.to_dict()), report.explain(), kept


REQUESTS = _requests(1, 3_000)
EVENTS = _events(2, 12)
BATCH = _rendered(sla.evaluate(TERMS, REQUESTS, EVENTS, period="2026-10"))


@settings(deadline=None)
@given(
    cuts=st.lists(st.integers(0, len(REQUESTS)), max_size=8),
    event_cuts=st.lists(st.integers(0, len(EVENTS)), max_size=4),
    seed=st.integers(0, 2**32 - 1),
    resolution=st.sampled_from([None, sla.minutes(1), sla.minutes(7)]),
)
def test_any_split_and_order_gives_the_batch_report(
    cuts: list[int], event_cuts: list[int], seed: int, resolution: sla.Duration | None
) -> None:
    """Batches of any size and order give the report of one evaluation over every row.

    Late rows for earlier buckets and an outage's records in different batches included;
    every rendering compared.
    """
    parts = [REQUESTS.taken(p) for p in np.split(np.arange(len(REQUESTS)), sorted(set(cuts)))]
    parts += [
        sla.EventTable.from_records(
            [EVENTS.record(int(i)) for i in p], where=[EVENTS.where(int(i)) for i in p]
        )
        for p in np.split(np.arange(len(EVENTS)), sorted(set(event_cuts)))
    ]
    random.Random(seed).shuffle(parts)
    state = sla.start(TERMS, period="2026-10", resolution=resolution)
    for part in parts:
        state = state.add(part)
    assert _rendered(state.report()) == BATCH
    assert state.requests == len(REQUESTS)
    assert state.rows == {"events": len(EVENTS), "requests": len(REQUESTS), "probes": 0}


def test_late_rows_for_earlier_buckets() -> None:
    """Rows fed newest first, a bucket's rows spread over many batches."""
    order = np.argsort(-REQUESTS.time, kind="stable")
    state = sla.start(TERMS, period="2026-10").add(EVENTS)
    for rows in np.array_split(order, 40):
        state = state.add(REQUESTS.taken(np.sort(rows)))
    assert _rendered(state.report()) == BATCH


def test_rows_without_names_are_named_as_in_one_table() -> None:
    """Unnamed batches name their rows as one table of all the rows, in the order added."""
    table = _requests(3, 500, named=False)
    state = sla.start(TERMS, period="2026-10")
    for rows in np.array_split(np.arange(500), 3):
        state = state.add(table.taken(rows))
    assert _rendered(state.report()) == _rendered(sla.evaluate(TERMS, table, period="2026-10"))


def test_merged_states_equal_one_state() -> None:
    """Two states of halves of the rows merge into the state of all of them."""
    first, second = np.array_split(np.arange(len(REQUESTS)), 2)
    one = sla.start(TERMS, period="2026-10").add(REQUESTS.taken(first), EVENTS)
    two = sla.start(TERMS, period="2026-10").add(REQUESTS.taken(second))
    assert _rendered(one.merge(two).report()) == BATCH
    other = sla.start(TERMS, period="2026-11")
    with pytest.raises(EvaluationError, match="one agreement, period and resolution"):
        one.merge(other)


def test_merged_states_that_saw_their_services_in_another_order() -> None:
    """A later state's kept rows are coded in its own names: merged, they keep their service."""
    ratio = sla.success_ratio()
    terms = sla.Agreement(
        provider="P",
        customer="C",
        services=["a", "b"],
        tier=sla.Tier(
            "g",
            fee=sla.usd("100.00"),
            objectives=[ratio >= "99%", sla.success_ratio(server_errors="excluded") >= "99%"],
            compensation=sla.credit_schedule(ratio, {"< 99%": "10%"}),
        ),
    )
    only_b = sla.RequestTable.from_columns(
        {"service": ["b"] * 200, "time": list(range(P0, P0 + 200)), "status": [200] * 200},
        where=[f"f:{i}" for i in range(200)],
    )
    a_fails = sla.RequestTable.from_columns(
        {"service": ["a", "a"], "time": [P0 + 10**9, P0 + 10**9 + 1], "status": [503, 200]},
        where=["g:0", "g:1"],
    )
    empty = sla.start(terms, period="2026-10")
    merged = empty.add(only_b).merge(empty.add(a_fails)).report()
    added = empty.add(only_b, a_fails).report()
    assert _rendered(merged) == _rendered(added)
    assert merged.evidence("a").requests == {"good": 1, "bad: server error": 1}
    assert merged.total == sla.usd("10.00")
    again = sla.EvaluationState.from_bytes(empty.add(only_b).merge(empty.add(a_fails)).to_bytes())
    assert _rendered(again.report()) == _rendered(added)


def test_bytes_round_trip() -> None:
    """A state written to bytes and read back reports the same, and takes more rows."""
    probes = sla.ProbeTable.from_records(
        [sla.Probe("a", "2026-10-02T00:00:00Z", "cpu", 12.5)], where=["p.csv:2"]
    )
    first, second = np.array_split(np.arange(len(REQUESTS)), 2)
    state = sla.start(TERMS, period="2026-10", resolution=sla.minutes(1))
    state = state.add(REQUESTS.taken(first), EVENTS, probes)
    again = sla.EvaluationState.from_bytes(state.to_bytes())
    assert _rendered(again.report()) == _rendered(state.report())
    assert again.resolution == MINUTE
    assert again.rows == state.rows
    full = again.add(REQUESTS.taken(second))
    assert _rendered(full.report()) == _rendered(
        sla.evaluate(TERMS, REQUESTS, EVENTS, probes, period="2026-10")
    )


def test_bytes_that_are_no_state_are_refused() -> None:
    with pytest.raises(EvaluationError, match="not an evaluation state"):
        sla.EvaluationState.from_bytes(b"PK\x03\x04 no zip")


def test_memory_is_bounded_by_services_buckets_and_latencies() -> None:
    """Ten times the requests, the same compacted rows: the state grows with its keys only."""
    terms = sla.Agreement(
        provider="P",
        customer="C",
        services=["a", "b"],
        tier=sla.Tier("t", fee=sla.usd("1.00"), objectives=[RATIO >= "99%", BUCKETS >= "99%"]),
        period=sla.monthly(tz="UTC"),
    )
    rng = np.random.default_rng(4)
    state = sla.start(terms, period="2026-10")
    sizes = []
    for _ in range(10):
        n = 20_000
        batch = sla.RequestTable.from_columns(
            {
                "service": rng.integers(0, 2, n).astype(np.int32),
                "time": rng.integers(P0, P1, n),
                "ok": rng.random(n) > 0.01,
            },
            services=["a", "b"],
        )
        state = state.add(batch)
        sizes.append(state.nbytes)
    buckets = (P1 - P0) // (5 * MINUTE)
    rows = sum(state.held.values())
    assert rows <= 2 * 2 + 2 * buckets * 2  # (service, outcome) + (service, bucket, outcome)
    assert state.kept_rows == 0
    assert state.requests == 200_000
    assert sizes[-1] < 2 * sizes[3]  # grows with the keys seen, not with the requests


def test_a_compacted_row_of_a_latency_bound_is_on_its_side_of_the_bound() -> None:
    """Latencies at, just below and just above a bound, inclusive and exclusive."""
    at_most = sla.latency_share(at_most=sla.milliseconds(10))
    below = sla.latency_share(under=sla.milliseconds(10))
    terms = sla.Agreement(
        provider="P",
        customer="C",
        services=["a"],
        tier=sla.Tier("t", fee=sla.usd("1.00"), objectives=[at_most >= "50%", below >= "50%"]),
    )
    latencies = [0, 9_999, 10_000, 10_001, 50_000]
    table = sla.RequestTable.from_columns(
        {
            "service": ["a"] * 5,
            "time": ["2026-10-02T00:00:00Z"] * 5,
            "ok": [True] * 5,
            "latency": latencies,
        }
    )
    report = sla.start(terms, period="2026-10").add(table).report()
    assert _rendered(report) == _rendered(sla.evaluate(terms, table, period="2026-10"))
    values = {repr(o.objective.measure): o.value for o in report.objectives}
    assert sorted(values.values()) == [Fraction(2, 5), Fraction(3, 5)]


def test_status_of_a_state_equals_status_over_the_rows() -> None:
    """Status at a whole minute, burn windows and alerts included."""
    now = "2026-10-17T12:00:00Z"
    state = sla.start(TERMS, period="2026-10", resolution=sla.minutes(1))
    for rows in np.array_split(np.arange(len(REQUESTS)), 4):
        state = state.add(REQUESTS.taken(rows))
    state = state.add(EVENTS)
    mine = state.status(now=now)
    theirs = sla.status(TERMS, REQUESTS, EVENTS, now=now, period="2026-10")
    assert mine.objectives == theirs.objectives
    assert mine.alerts == theirs.alerts
    assert mine.accrued == theirs.accrued
    assert mine.not_yet == theirs.not_yet


def test_status_needs_a_resolution_and_instants_on_it() -> None:
    coarse = sla.start(TERMS, period="2026-10").add(REQUESTS)
    with pytest.raises(EvaluationError, match="keeps no request times"):
        coarse.status(now="2026-10-17T12:00:00Z")
    fine = sla.start(TERMS, period="2026-10", resolution=sla.minutes(1)).add(REQUESTS)
    with pytest.raises(EvaluationError, match="now=2026-10-17T12:00:30Z fall off"):
        fine.status(now="2026-10-17T12:00:30Z")
    with pytest.raises(EvaluationError, match="windows of 1 minute 30 seconds fall off"):
        fine.status(now="2026-10-17T12:00:00Z", windows=[90_000_000])
    with pytest.raises(EvaluationError, match="one billing period"):
        fine.status(now="2026-10-17T12:00:00Z", rolling=sla.days(30))


def test_whole_tables_go_to_report_not_add() -> None:
    tickets = sla.TicketTable.from_records([])
    with pytest.raises(EvaluationError, match="given whole to report"):
        sla.start(TERMS, period="2026-10").add(tickets)
    with pytest.raises(EvaluationError, match="added to the state with add"):
        sla.start(TERMS, period="2026-10").report(EVENTS)


def test_plan_starts_a_state() -> None:
    state = sla.compile_agreement(TERMS).start(period="2026-10").add(REQUESTS, EVENTS)
    assert _rendered(state.report()) == BATCH
    assert state.report().fingerprint is None
    assert "3000 requests" in repr(state)


def test_packed_and_sorted_merges_agree() -> None:
    """Keys too wide to pack into one integer are grouped by a sort of the columns."""
    rng = np.random.default_rng(7)
    n = 1_000
    parts = [
        _Counts(
            rng.integers(0, 3, n).astype(np.int32),
            rng.integers(0, 4, n).astype(np.int64),
            rng.integers(0, 3, n).astype(np.int8),
            rng.choice([0, 2**61 - 1, 5], n).astype(np.int64),  # too wide with 3 services
            rng.integers(1, 5, n).astype(np.int64),
        )
        for _ in range(2)
    ]
    merged = _merged(parts, 3)
    keys = {}
    for p in parts:
        columns = (p.service, p.cell, p.outcome, p.latency, p.count)
        for row in zip(*(c.tolist() for c in columns), strict=True):
            keys[row[:4]] = keys.get(row[:4], 0) + row[4]
    columns = (merged.service, merged.cell, merged.outcome, merged.latency)
    got = zip(*(c.tolist() for c in columns), strict=True)
    assert dict(zip(got, merged.count.tolist(), strict=True)) == keys


# --- rows that stand for several requests ---------------------------------------------------------


@settings(deadline=None)
@given(counts=st.lists(st.integers(1, 5), min_size=1, max_size=60))
def test_a_counted_row_is_its_count_of_rows(counts: list[int]) -> None:
    """A row with ``count`` k evaluates and reconciles as k equal rows."""
    n = len(counts)
    base = _requests(9, n)
    weighted = sla.RequestTable(
        service=base.service,
        services=base.services,
        time=base.time,
        status=base.status,
        outcome=base.outcome,
        latency=base.latency,
        count=counts,
    )
    rows = np.repeat(np.arange(n), counts)
    expanded = base.taken(rows, where=[f"row {i}" for i in range(len(rows))])
    mine = sla.evaluate(TERMS, weighted, period="2026-10")
    theirs = sla.evaluate(TERMS, expanded, period="2026-10")
    assert [o.value for o in mine.objectives] == [o.value for o in theirs.objectives]
    assert mine.total == theirs.total
    assert mine.reconciliation.by_measure == theirs.reconciliation.by_measure
    assert mine.reconciliation.total == theirs.reconciliation.total == sum(counts)
    assert mine.fingerprint != theirs.fingerprint  # a counted row is hashed as one, with its count
    assert weighted.requests == sum(counts)
    assert weighted.counts() == expanded.counts()


def test_a_huge_count_costs_no_memory_to_fingerprint() -> None:
    """The fingerprint hashes a counted row once (with its count), never expanded."""
    table = sla.RequestTable.from_columns(
        {"service": ["a"], "time": [P0], "ok": [True], "count": [2**50]}
    )
    other = sla.RequestTable.from_columns(
        {"service": ["a"], "time": [P0], "ok": [True], "count": [2**50 - 1]}
    )
    mine = sla.evaluate(TERMS, table, period="2026-10")
    assert mine.reconciliation.total == 2**50
    assert mine.fingerprint != sla.evaluate(TERMS, other, period="2026-10").fingerprint


def test_count_column_is_read_and_checked() -> None:
    table = sla.RequestTable.from_columns(
        {"service": ["a", "a"], "time": [P0, P0 + 1], "ok": [True, False], "count": [3, 1]}
    )
    assert table.requests == 4
    assert len(table) == 2
    assert "4 requests in 2 rows" in repr(table)
    with pytest.raises(EventDataError) as caught:
        sla.RequestTable.from_columns(
            {"service": ["a", "a"], "time": [P0, P0], "ok": [True, True], "count": [0, None]},
            where=["x.csv:2", "x.csv:3"],
        )
    text = str(caught.value)
    assert "x.csv:2: count: 0 is not a number of requests (1 or more)" in text
    assert "x.csv:3: count: missing" in text


# --- batches from files ---------------------------------------------------------------------------


def test_parquet_batches_feed_a_state(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    n = 5_000
    rng = np.random.default_rng(11)
    path = tmp_path / "requests.parquet"
    pq.write_table(
        pa.table(
            {
                "service": np.array(["a", "b", "zz"])[rng.integers(0, 3, n)],
                "time": pa.array(rng.integers(P0 - 10**10, P1, n), pa.timestamp("us", tz="UTC")),
                "ok": rng.random(n) > 0.01,
                "latency_ms": rng.integers(1, 900, n),
            }
        ),
        path,
        row_group_size=1_500,
    )
    batches = list(sio.read_batches(path, "requests", rows=700))
    assert [len(b) for b in batches] == [700] * 7 + [100]
    assert batches[3].where(0) == f"{path}:row 2100"
    state = sla.start(TERMS, period="2026-10")
    for batch in batches:
        state = state.add(batch)
    whole = sla.evaluate(TERMS, sio.read_table(path, "requests"), period="2026-10")
    assert _rendered(state.report()) == _rendered(whole)


def test_batches_of_a_frame_and_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "requests.csv"
    path.write_text(
        "service,time,status\n"
        + "".join(f"a,2026-10-0{1 + i % 9}T00:00:00Z,{200 + 303 * (i % 2)}\n" for i in range(25))
    )
    batches = list(sio.read_batches(path, "requests", rows=10))
    assert [len(b) for b in batches] == [10, 10, 5]
    assert batches[2].where(0) == f"{path}:22"
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"host": ["a"] * 5, "at": [P0 + i for i in range(5)], "ok": [True] * 5})
    parts = list(
        sio.read_batches(frame, "requests", rows=2, columns={"service": "host", "time": "at"})
    )
    assert [len(p) for p in parts] == [2, 2, 1]
    assert parts[1].where(0) == "row 2"  # numbered as in the whole frame


def test_a_bad_row_in_a_later_batch_is_named_by_its_row(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "bad.parquet"
    status = [200] * 10
    status[7] = 999
    pq.write_table(
        pa.table({"service": ["a"] * 10, "time": list(range(P0, P0 + 10)), "status": status}), path
    )
    batches = sio.read_batches(path, "requests", rows=4)
    assert len(next(batches)) == 4
    with pytest.raises(EventDataError, match=r"bad.parquet:row 7: status: 999"):
        next(batches)


def test_read_batches_refuses_kinds_given_whole() -> None:
    with pytest.raises(ValueError, match="not read in batches"):
        next(sio.read_batches("x.csv", "tickets"))
    with pytest.raises(ValueError, match="positive number of rows"):
        next(sio.read_batches("x.csv", "requests", rows=0))
