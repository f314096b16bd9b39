"""Evidence is ordered by the facts of the rows, so the same rows in any order give the same bytes.

A realistic data set (a fixed seed; at least 10,000 rows of every kind of input
the engine reads: outages, maintenance, deployments, requests, tickets, claims
and billing records) is evaluated as generated, with every table shuffled, and
under several host time zones; ``to_dict()`` as JSON and ``explain()`` must be
byte-identical every time.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit._engine._order import lexsort

ROOT = Path(__file__).resolve().parent.parent

#: Rows of each kind of input in the data set.
ROWS = 10_000
SERVICES = [f"svc-{i:02d}" for i in range(40)]
#: Names the agreement does not cover: near misses and strangers.
OTHERS = ["svc-0l", "svc-1O", "legacy"]
MINUTE = 60_000_000
OCT = 1_790_812_800_000_000  # 2026-10-01T00:00:00Z, microseconds
DAY = 24 * 60 * MINUTE


def agreement() -> sla.Agreement:
    """An agreement whose measures and rules read every kind of input."""
    office = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin")
    maintenance = sla.scheduled_maintenance(notice=sla.days(5), at_most=sla.hours(4))
    up = sla.uptime(min_outage=sla.minutes(1), excluding=[maintenance])
    deployed = sla.uptime(denominator="deployed")
    mttr = sla.mttr(min_duration=sla.minutes(5))
    ratio = sla.success_ratio()
    p99 = sla.latency_percentile(99)
    p1 = sla.response_time(priority="P1", within=sla.hours(1), clock=office)
    schedule = sla.credit_schedule(
        up, {"< 99.9%": "10%", "< 99%": "25%"}, base=sla.charges("usage")
    )
    tier = sla.Tier(
        "gold",
        fee=sla.usd("1000.00"),
        objectives=[
            up >= "99.9%",
            deployed >= "99%",
            mttr <= "2 hours",
            ratio >= "99%",
            p99 <= "800ms",
            p1.on_time_ratio() >= "90%",
        ],
        compensation=sla.cap(
            sla.claim_required(schedule, sla.within_days(sla.days(30)))
            + sla.per_breach(p1, sla.usd("5")),
            at_most="50%",
        ),
    )
    return sla.Agreement(
        provider="Acme",
        customer="Globex",
        services=SERVICES,
        tier=tier,
        period=sla.monthly(tz="Europe/Berlin"),
    )


def _names(rng: np.random.Generator, n: int) -> Any:
    """Service names, mostly covered, a few uncovered (typos and strangers)."""
    pool = np.asarray(SERVICES + OTHERS, dtype=object)
    weights = np.full(len(pool), 1.0)
    weights[len(SERVICES) :] = 0.3
    return pool[rng.choice(len(pool), size=n, p=weights / weights.sum())]


def _minutes(rng: np.random.Generator, n: int, lo: int, hi: int) -> Any:
    """Instants on whole minutes (so ties happen, as they do in real data)."""
    return OCT + rng.integers(lo, hi, size=n, dtype=np.int64) * MINUTE


def generate(seed: int = 20261) -> dict[str, Any]:
    """Return the data set as columns (and records for claims and billing)."""
    rng = np.random.default_rng(seed)
    # events: outages, maintenance and deployments, ROWS of each
    month = 31 * 24 * 60
    o_start = _minutes(rng, ROWS, -600, month + 600)
    o_end = o_start + rng.choice([1, 2, 3, 5, 10, 30, 90], size=ROWS) * MINUTE
    m_start = _minutes(rng, ROWS, 0, month)
    m_end = m_start + rng.choice([30, 60, 120], size=ROWS) * MINUTE
    m_announced = m_start - rng.choice([1, 3, 5, 7, 10], size=ROWS) * DAY
    d_start = _minutes(rng, ROWS, -month, month)
    d_end = d_start + rng.integers(60, 20 * 24 * 60, size=ROWS) * MINUTE
    nat = np.full(ROWS, np.datetime64("NaT"), dtype="datetime64[us]")
    events = {
        "kind": np.repeat(np.asarray(["outage", "maintenance", "deployment"]), ROWS),
        "service": np.concatenate([_names(rng, ROWS) for _ in range(3)]).astype(str),
        "start": np.concatenate([o_start, m_start, d_start]),
        "end": np.concatenate([o_end, m_end, d_end]),
        "announced": np.concatenate([nat, m_announced.astype("datetime64[us]"), nat]),
        "state": np.concatenate(
            [rng.choice(["down", "down", "down", "degraded"], size=ROWS), np.full(2 * ROWS, "down")]
        ),
    }
    # requests
    status = rng.choice([200, 200, 200, 200, 201, 404, 500, 503], size=ROWS)
    requests = {
        "service": _names(rng, ROWS).astype(str),
        "time": _minutes(rng, ROWS, -60, month + 60) + rng.integers(0, 60, ROWS) * 1_000_000,
        "status": status,
        "latency": rng.choice([20, 50, 120, 300, 900], size=ROWS).astype(np.int64) * 1000,
    }
    # tickets: P1 mostly, answered after whole minutes, some never; ids unique
    opened = _minutes(rng, ROWS, -2 * 24 * 60, month)
    response = opened + rng.choice([5, 30, 60, 90, 143, 143, 600], size=ROWS) * MINUTE
    answered = rng.random(ROWS) < 0.9
    tickets = {
        "id": np.asarray([f"T-{i:05d}" for i in range(ROWS)]),
        "service": _names(rng, ROWS).astype(str),
        "priority": rng.choice(["P1", "P1", "P1", "P2"], size=ROWS),
        "opened": opened.astype("datetime64[us]"),
        "first_response": np.where(
            answered, response.astype("datetime64[us]"), np.datetime64("NaT", "us")
        ),
    }
    # claims and billing records
    periods = ["2026-09", "2026-10", "2026-11"]
    claims = [
        sla.Claim(str(s), periods[int(p)], f)
        for s, p, f in zip(
            _names(rng, ROWS).tolist(),
            rng.integers(0, 3, ROWS).tolist(),
            (OCT + 31 * DAY + rng.integers(0, 40 * 24 * 60, ROWS) * MINUTE).tolist(),
            strict=True,
        )
    ]
    kinds = ["usage", "support", "storage"]
    charges = [sla.Charge(s, "2026-10", "usage", sla.usd("100.00")) for s in SERVICES]
    charges += [
        sla.Charge(
            str(s), periods[int(p)], kinds[int(k)], sla.usd(f"{int(c) // 100}.{c % 100:02d}")
        )
        for s, p, k, c in zip(
            _names(rng, ROWS - len(SERVICES)).tolist(),
            rng.integers(0, 3, ROWS).tolist(),
            rng.integers(0, 3, ROWS).tolist(),
            rng.integers(1, 100_000, ROWS).tolist(),
            strict=False,
        )
    ]
    return {
        "events": events,
        "requests": requests,
        "tickets": tickets,
        "claims": claims,
        "charges": charges,
    }


def _take(columns: dict[str, Any], order: Any) -> dict[str, Any]:
    return {name: np.asarray(column)[order] for name, column in columns.items()}


def shuffled(data: dict[str, Any], seed: int) -> dict[str, Any]:
    """Return the data set with the rows of every table in another order."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, table in data.items():
        n = len(table) if isinstance(table, list) else len(next(iter(table.values())))
        order = rng.permutation(n)
        out[name] = [table[i] for i in order] if isinstance(table, list) else _take(table, order)
    return out


def inputs(data: dict[str, Any]) -> list[object]:
    """Return the tables ``evaluate`` reads."""
    return [
        sla.EventTable.from_columns(data["events"]),
        sla.RequestTable.from_columns(data["requests"]),
        sla.TicketTable.from_columns(data["tickets"]),
        sla.ClaimTable(data["claims"]),
        sla.ChargeTable.from_records(data["charges"]),
    ]


def rendered(data: dict[str, Any]) -> tuple[str, str]:
    """Return the report's ``to_dict()`` as JSON (sorted keys) and its ``explain()`` text."""
    report = sla.evaluate(agreement(), *inputs(data), period="2026-10")
    return json.dumps(report.to_dict(), sort_keys=True), report.explain()


def digest(data: dict[str, Any]) -> str:
    """Return one hash of both renderings (what a subprocess prints)."""
    text, explained = rendered(data)
    return hashlib.sha256(f"{text}\n\x00\n{explained}".encode()).hexdigest()


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return generate()


@pytest.fixture(scope="module")
def baseline(data: dict[str, Any]) -> tuple[str, str]:
    return rendered(data)


def test_the_data_set_is_realistic(data: dict[str, Any], baseline: tuple[str, str]) -> None:
    """Every kind of input has 10,000 rows or more, and each one reaches the report."""
    tables = inputs(data)
    assert all(len(t) >= ROWS for t in tables)  # type: ignore[arg-type]
    counts = sla.EventTable.from_columns(data["events"]).counts()
    assert min(counts.values()) >= ROWS
    report = json.loads(baseline[0])
    kinds = {kind for ev in report["evidence"] for kind in ev["events"]["kind"]}
    assert {"outage", "maintenance", "deployment", "request", "ticket"} <= kinds
    assert {g["input"] for g in report["uncovered"]} >= {
        "events",
        "requests",
        "tickets",
        "claims",
        "billing records",
    }
    assert "late tickets, latest first:" in baseline[1]
    assert "more late tickets" in baseline[1]  # the list is truncated: its cut must be stable
    assert "more; report.uncovered() lists every row" in baseline[1]


@pytest.mark.parametrize("seed", [1, 2])
def test_shuffled_rows_give_the_same_bytes(
    data: dict[str, Any], baseline: tuple[str, str], seed: int
) -> None:
    """Every table's rows shuffled: the same JSON and the same text, byte for byte."""
    text, explained = rendered(shuffled(data, seed))
    assert text == baseline[0]
    assert explained == baseline[1]


SCRIPT = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from tests.test_evidence_order import digest, generate, shuffled
    data = generate()
    print(digest(shuffled(data, {seed})))
    """
)

ZONES = ("UTC", "Asia/Kolkata", "America/New_York", "Australia/Lord_Howe", "Pacific/Kiritimati")


def test_the_host_zone_never_enters(baseline: tuple[str, str]) -> None:
    """Under five host zones (shuffled differently in each), the bytes are the same."""
    expected = hashlib.sha256(f"{baseline[0]}\n\x00\n{baseline[1]}".encode()).hexdigest()
    running = []
    for seed, tz in enumerate(ZONES, start=10):
        env = {**os.environ, "TZ": tz}
        env.pop("COVERAGE_PROCESS_START", None)
        running.append(
            subprocess.Popen(
                [sys.executable, "-c", SCRIPT.format(root=str(ROOT), seed=seed)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for tz, process in zip(ZONES, running, strict=True):
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert out.strip() == expected, tz


# --- the late-ticket tie -------------------------------------------------------------------------

TIED = [
    # two tickets both 2 h 23 min late, one a little less, one on time
    sla.Ticket("T-9", "desk", "P1", "2026-10-05T09:00:00Z", first_response="2026-10-05T12:23:00Z"),
    sla.Ticket("T-1", "desk", "P1", "2026-10-06T09:00:00Z", first_response="2026-10-06T12:23:00Z"),
    sla.Ticket("T-5", "desk", "P1", "2026-10-07T09:00:00Z", first_response="2026-10-07T12:00:00Z"),
    sla.Ticket("T-3", "desk", "P1", "2026-10-08T09:00:00Z", first_response="2026-10-08T09:30:00Z"),
]


def _tied_report(tickets: list[sla.Ticket]) -> sla.Report:
    p1 = sla.response_time(priority="P1", within=sla.hours(1))
    tier = sla.Tier("t", fee=sla.usd("100.00"), objectives=[p1 <= 0])
    agreement = sla.Agreement(provider="p", customer="c", services=["desk"], tier=tier)
    return sla.evaluate(agreement, tickets, period="2026-10")


@pytest.mark.parametrize(
    "order",
    [
        (0, 1, 2, 3),
        (1, 0, 2, 3),
        (3, 2, 1, 0),
        (2, 3, 0, 1),
    ],
)
def test_equally_late_tickets_keep_one_order(order: tuple[int, ...]) -> None:
    """Tickets equally late come by opened time (then id) whatever the input order."""
    report = _tied_report([TIED[i] for i in order])
    evidence = report.evidence("desk")
    assert isinstance(evidence, sla.TicketEvidence)
    assert [t.id for t in evidence.late] == ["T-9", "T-1", "T-5"]
    assert evidence.late_lines(limit=1) == [
        "ticket T-9 (P1) late by 2 hours 23 minutes",
        "... and 2 more late tickets",
    ]
    expected = _tied_report(TIED)
    assert report.explain() == expected.explain()
    assert json.dumps(report.to_dict(), sort_keys=True) == json.dumps(
        expected.to_dict(), sort_keys=True
    )


def test_late_ties_on_time_break_by_id() -> None:
    """Two tickets opened together and equally late are listed by id."""
    same = [
        sla.Ticket(i, "desk", "P1", "2026-10-05T09:00:00Z", first_response="2026-10-05T12:23:00Z")
        for i in ("b", "a", "c")
    ]
    ids: Callable[[list[sla.Ticket]], list[str]] = lambda ts: [  # noqa: E731
        t.id
        for t in _tied_report(ts).evidence("desk").late  # type: ignore[attr-defined]
    ]
    assert ids(same) == ids(same[::-1]) == ["a", "b", "c"]


# --- rows equal in every fact ---------------------------------------------------------------------


def test_duplicate_rows_and_their_fates_keep_one_order() -> None:
    """Maintenance rows equal in every fact but treated differently still print in one order."""
    window = ("2026-10-05T00:00:00Z", "2026-10-05T03:00:00Z", "2026-09-01T00:00:00Z")
    events = [sla.Maintenance("a", *window), sla.Maintenance("a", *window)]
    events += [sla.Outage("a", "2026-10-05T00:00:00Z", "2026-10-05T01:00:00Z")]
    up = sla.uptime(excluding=[sla.scheduled_maintenance(at_most=sla.hours(4))])
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[up >= "50%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["a"], tier=tier)
    outputs = set()
    for order in ((0, 1, 2), (1, 0, 2), (2, 1, 0)):
        report = sla.evaluate(agreement, [events[i] for i in order], period="2026-10")
        outputs.add(json.dumps(report.to_dict(), sort_keys=True) + report.explain())
    assert len(outputs) == 1


def test_where_still_finds_each_row_in_your_own_input() -> None:
    """The notes keep where each copy of a row came from; the renderings name rows by facts."""
    report = _tied_report(list(reversed(TIED)))
    evidence = report.evidence("desk")
    assert isinstance(evidence, sla.TicketEvidence)
    assert {t.id: t.where for t in evidence.tickets} == {
        "T-3": "record 0",
        "T-5": "record 1",
        "T-1": "record 2",
        "T-9": "record 3",
    }
    assert "record " not in report.explain()
    assert "record " not in json.dumps(report.to_dict())


def test_the_order_of_the_inputs_and_of_mixed_records_does_not_matter() -> None:
    """Tables given in another order, or one list of mixed records shuffled: the same bytes."""
    records: list[object] = [
        *TIED,
        sla.Outage("desk", "2026-10-05T10:00:00Z", "2026-10-05T10:30:00Z"),
        sla.Outage("dsek", "2026-10-05T10:00:00Z", "2026-10-05T10:30:00Z"),
        sla.Request("desk", "2026-10-05T10:00:00Z", status=200),
        sla.Claim("desk", "2026-10", "2026-11-02T00:00:00Z"),
    ]
    p1 = sla.response_time(priority="P1", within=sla.hours(1))
    up = sla.uptime()
    tier = sla.Tier("t", fee=sla.usd("100.00"), objectives=[p1 <= 0, up >= "99%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["desk"], tier=tier)
    outputs = set()
    for seed in range(4):
        shuffled_records = list(records)
        np.random.default_rng(seed).shuffle(shuffled_records)  # type: ignore[arg-type]
        report = sla.evaluate(agreement, shuffled_records, period="2026-10")
        outputs.add(json.dumps(report.to_dict(), sort_keys=True) + report.explain())
    assert len(outputs) == 1
    [text] = outputs
    assert "Input: 2 events read; 1 request read; 4 tickets read; 1 claim read" in text


#: Integer keys of one length: few distinct values (ties), and values far apart.
_KEY_LISTS = st.integers(0, 40).flatmap(
    lambda n: st.lists(
        st.one_of(
            st.lists(st.integers(-2, 2), min_size=n, max_size=n),
            st.lists(st.integers(-(2**62), 2**62), min_size=n, max_size=n),
            st.lists(st.sampled_from([-(2**62), 0, 2**62]), min_size=n, max_size=n),
        ),
        min_size=1,
        max_size=4,
    )
)


@given(_KEY_LISTS)
def test_lexsort_orders_as_numpy_does(keys: list[list[int]]) -> None:
    """The sort of the canonical order equals ``np.lexsort``, ties in input order."""
    columns = [np.asarray(k, dtype=np.int64) for k in keys]
    expected = np.lexsort(tuple(reversed(columns))) if columns[0].size else np.zeros(0)
    assert lexsort(columns).tolist() == expected.tolist()
