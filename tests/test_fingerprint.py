"""Fingerprints: the same inputs in any order or format give one digest; any change, another."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import struct
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
import slakit.io
from slakit._engine import _families, _plan
from slakit._engine._inputs import RECORDS
from slakit._results import _fingerprint
from slakit._results._fingerprint import fingerprint, input_digests
from slakit._time._instant import from_us, to_us
from slakit.exceptions import EvaluationError

T0 = "2026-10-05T10:00:00Z"
T1 = "2026-10-05T11:00:00Z"
T2 = "2026-10-06T10:00:00Z"
T3 = "2026-10-06T13:30:00+02:00"  # 11:30 UTC, written with an offset
T4 = "2026-10-07T10:00:00Z"
T5 = "2026-10-07T10:30:00Z"
ANNOUNCED = "2026-09-20T09:00:00Z"


def _tier(fee: str = "1000.00") -> sla.Tier:
    uptime = sla.uptime(excluding=[sla.scheduled_maintenance(notice=sla.days(5))])
    return sla.Tier(
        "gold",
        fee=sla.usd(fee),
        objectives=[uptime >= "99.9%"],
        compensation=sla.credit_schedule(uptime, {"< 99.9%": "10%", "< 99%": "25%"}),
    )


AGREEMENT = sla.Agreement(
    provider="Acme Cloud", customer="Globex", services=["api", "zürich/db"], tier=_tier()
)

EVENTS: list[sla.Event] = [
    sla.Outage("api", T0, T1),
    sla.Maintenance("zürich/db", T2, T4, announced=ANNOUNCED),
    sla.Outage("zürich/db", T4, T5, state="degraded", affected="50%"),
    sla.Deployment("api", T2, T3),
]
REQUESTS = [
    sla.Request("api", T0, 200, latency=81_500),
    sla.Request("api", T1, 503),
    sla.Request("zürich/db", T2, ok=True),
    sla.Request("zürich/db", T4, 404, latency=sla.milliseconds(12)),
]
TICKETS = [
    sla.Ticket(
        "T-1",
        "desk",
        "P1",
        T0,
        first_response=T1,
        resolved=T4,
        coverage="24x7",
        transitions=[(T1, "waiting_on_customer"), (T2, "open")],
        pauses=[(T2, T3)],
    ),
    sla.Ticket("T-2", "desk", "P3", T1, transitions=[(T2, "in_progress")]),
]
CLAIMS = [
    sla.Claim("zürich/db", "2026-10", T5, ticket="T-1"),
    sla.Claim("api", "2026-10", T4, state="disputed", reason="the outage was announced"),
    sla.Claim("api", "2026-10", T5, state="rejected", reason="filed twice"),
]
CHARGES: list[sla.Charge | sla.UnitPrice] = [
    sla.Charge("zürich/db", "2026-10", "usage", sla.usd("1250.40")),
    sla.Charge("zürich/db", "2026-10", "support", sla.usd("12.50")),
    sla.UnitPrice("vm-1", "hour", sla.Money("0.096", "USD")),
]


def _tables(
    events: Sequence[sla.Event] = EVENTS,
    requests: Sequence[sla.Request] = REQUESTS,
    tickets: Sequence[sla.Ticket] = TICKETS,
    claims: Sequence[sla.Claim] = CLAIMS,
    charges: Sequence[sla.Charge | sla.UnitPrice] = CHARGES,
    *,
    as_of: str | None = None,
) -> list[object]:
    return [
        sla.EventTable.from_records(events),
        sla.RequestTable.from_records(requests),
        sla.TicketTable.from_records(tickets),
        sla.ClaimTable.from_records(claims, as_of=as_of),
        sla.ChargeTable.from_records(charges),
    ]


BASE = fingerprint(AGREEMENT, "2026-10", _tables())


# --- the canonical form, implemented again from the module's docstring -------------------------

NULL = -(2**63)


def _u64(n: int) -> bytes:
    return struct.pack("<Q", n)


def _str(text: str) -> bytes:
    data = text.encode("utf-8", "surrogatepass")
    return _u64(len(data)) + data


def _share(value: Decimal) -> str:
    return "0" if value == 0 else f"{value.normalize():f}"


Cells = tuple[object, ...]
SectionSpec = tuple[str, list[tuple[str, str]], list[Cells]]


def _kind(sections: list[SectionSpec]) -> bytes:
    """``H(kind)`` of sections given as rows of plain cells (``None`` for missing), by the doc."""
    out = _u64(len(sections))
    for name, columns, rows in sections:
        out += _str(name) + _u64(len(rows)) + _u64(len(columns))
        vocabularies = [
            sorted({str(row[j]) for row in rows if row[j] is not None}) if kind == "text" else None
            for j, (_, kind) in enumerate(columns)
        ]
        ordered = sorted(
            tuple(_value(cell, vocabularies[j]) for j, cell in enumerate(row)) for row in rows
        )
        for j, (column, kind) in enumerate(columns):
            out += _str(column) + _str(kind)
            vocabulary = vocabularies[j]
            if vocabulary is not None:
                encoded = [v.encode("utf-8") for v in vocabulary]
                out += _u64(len(encoded)) + b"".join(_u64(len(e)) for e in encoded)
                out += b"".join(encoded)
            out += b"".join(struct.pack("<q", row[j]) for row in ordered)
    return hashlib.sha256(out).digest()


def _value(cell: object, vocabulary: list[str] | None) -> int:
    """A cell as an ``i64``: ``NULL`` if missing, a text's position in its vocabulary."""
    if cell is None:
        return NULL
    if vocabulary is not None:
        return vocabulary.index(str(cell))
    assert isinstance(cell, int)
    return cell


def _outcome(request: sla.Request) -> str:
    status = request.status or 0
    if request.ok is False or status >= 500:
        return "server error"
    return "client error" if status >= 400 else "success"


def _us(value: dt.datetime | None) -> int | None:
    return None if value is None else to_us(value)


def _reference(agreement: sla.Agreement, period: sla.Period, as_of: str | None = None) -> str:
    """The fingerprint of the module's fixtures, computed from the records alone."""
    integer, text = "integer", "text"
    events: list[Cells] = []
    for e in EVENTS:
        kind = type(e).__name__.lower()
        announced = e.announced_us if isinstance(e, sla.Maintenance) else None
        state = e.state if isinstance(e, sla.Outage) else "down"
        affected = _share(e.affected) if isinstance(e, sla.Outage) else "1"
        events.append((e.start_us, e.service, e.end_us, kind, announced, state, affected))
    kinds: dict[str, list[SectionSpec]] = {
        "events": [
            (
                "events",
                [
                    ("start", integer),
                    ("service", text),
                    ("end", integer),
                    ("kind", text),
                    ("announced", integer),
                    ("state", text),
                    ("affected", text),
                ],
                events,
            )
        ],
        "requests": [
            (
                "requests",
                [
                    ("time", integer),
                    ("service", text),
                    ("status", integer),
                    ("outcome", text),
                    ("latency", integer),
                ],
                [
                    (
                        r.time_us,
                        r.service,
                        r.status,
                        _outcome(r),
                        None if r.latency is None else r.latency.us,
                    )
                    for r in REQUESTS
                ],
            )
        ],
        "tickets": [
            (
                "tickets",
                [
                    ("id", text),
                    ("service", text),
                    ("priority", text),
                    ("opened", integer),
                    ("first_response", integer),
                    ("resolved", integer),
                    ("coverage", text),
                ],
                [
                    (
                        t.id,
                        t.service,
                        t.priority,
                        _us(t.opened),
                        _us(t.first_response),
                        _us(t.resolved),
                        t.coverage,
                    )
                    for t in TICKETS
                ],
            ),
            (
                "transitions",
                [("ticket", text), ("at", integer), ("status", text)],
                [(t.id, _us(at), status) for t in TICKETS for at, status in t.transitions],
            ),
            (
                "pauses",
                [("ticket", text), ("start", integer), ("end", integer)],
                [(t.id, p.start, p.end) for t in TICKETS for p in t.pauses],
            ),
        ],
        "claims": [
            (
                "claims",
                [
                    ("filed", integer),
                    ("service", text),
                    ("period", text),
                    ("ticket", text),
                    ("state", text),
                    ("reason", text),
                ],
                [(c.filed_us, c.service, c.period, c.ticket, c.state, c.reason) for c in CLAIMS],
            ),
            ("as_of", [("as_of", integer)], [] if as_of is None else [(to_us(as_of),)]),
        ],
        "billing": [
            (
                "charges",
                [
                    ("service", text),
                    ("period", text),
                    ("kind", text),
                    ("currency", text),
                    ("amount", text),
                ],
                [
                    (c.service, c.period, c.kind, c.amount.currency, _share(c.amount.amount))
                    for c in CHARGES
                    if isinstance(c, sla.Charge)
                ],
            ),
            (
                "unit_prices",
                [
                    ("service", text),
                    ("unit", text),
                    ("period", text),
                    ("currency", text),
                    ("price", text),
                ],
                [
                    (p.service, p.unit, p.period, p.price.currency, _share(p.price.amount))
                    for p in CHARGES
                    if isinstance(p, sla.UnitPrice)
                ],
            ),
        ],
    }
    data = json.dumps(
        sla.to_data(agreement), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    out = _str("slakit-fingerprint/1") + _str(data)
    out += _str(period.label) + _str(period.tz) + struct.pack("<qq", period.start, period.end)
    out += _u64(len(kinds))
    for name in sorted(kinds):
        out += _str(name) + _kind(kinds[name])
    return "sha256:" + hashlib.sha256(out).hexdigest()


def test_the_fingerprint_is_the_documented_canonical_form() -> None:
    """An implementation written from the docstring alone gives the same digest."""
    period = AGREEMENT.period.resolve("2026-10")
    assert fingerprint(AGREEMENT, period, _tables()) == _reference(AGREEMENT, period)
    as_of = "2026-11-05T00:00:00Z"
    assert fingerprint(AGREEMENT, period, _tables(as_of=as_of)) == _reference(
        AGREEMENT, period, as_of
    )


def test_the_fingerprint_of_a_fixed_input_never_changes() -> None:
    """A golden digest: changing the canonical form (or the agreement's data form) fails here.

    A deliberate change of the form is a new version, ``slakit-fingerprint/2``, with a new value.
    """
    # the rows alone, kind by kind (these depend on nothing but the canonical form)
    assert input_digests(_tables(as_of="2026-11-05T00:00:00Z")) == {
        "billing": "sha256:7a527cb02fcfdf008e5e2786600235fa74070bbf5df87e0f653871e68ed4cf9e",
        "claims": "sha256:908d4c17d99ec09650783a87cc9edd3379afe125dd20a5f99d89dff978bee12f",
        "events": "sha256:d41ce7ebce8c96b8ff3b33d4b10c02d72beb85aff4d5ca59ba6b6ba2cefeb962",
        "requests": "sha256:3fd24e3ec563ba1a67193adeec98a80406fddd3f7a304ddd7c4b69a9422867d6",
        "tickets": "sha256:4861128d8e46d6b03948581ef28a304e2379161a6ad8a417f1966bdef36726db",
    }
    # with the agreement's data and the period
    assert BASE == "sha256:dd445b4a93e5f5e04d8bc13cc99df465296cd40800f8ca4e33650282834b0276"


# --- what does not change it -------------------------------------------------------------------


@given(
    events=st.permutations(EVENTS),
    requests=st.permutations(REQUESTS),
    tickets=st.permutations(TICKETS),
    claims=st.permutations(CLAIMS),
    charges=st.permutations(CHARGES),
    order=st.permutations(range(5)),
)
def test_the_order_of_rows_and_of_tables_does_not_matter(
    *,
    events: list[sla.Event],
    requests: list[sla.Request],
    tickets: list[sla.Ticket],
    claims: list[sla.Claim],
    charges: list[sla.Charge | sla.UnitPrice],
    order: list[int],
) -> None:
    """Rows shuffled within each table, and tables given in any order: the same fingerprint."""
    tables = _tables(events, requests, tickets, claims, charges)
    assert fingerprint(AGREEMENT, "2026-10", [tables[i] for i in order]) == BASE


def test_where_rows_came_from_does_not_matter() -> None:
    """The same rows from another file (other ``where``) fingerprint alike."""
    n = len(EVENTS)
    here = sla.EventTable.from_records(EVENTS, where=[f"mine.jsonl:{i + 1}" for i in range(n)])
    there = sla.EventTable.from_records(EVENTS, where=[f"/srv/yours.csv:{i + 9}" for i in range(n)])
    assert input_digests([here]) == input_digests([there]) == input_digests(_tables()[:1])


def test_how_a_table_numbers_its_names_does_not_matter() -> None:
    """Names as strings, as codes into names in any order, or with unused names: one digest."""
    by_names = sla.EventTable.from_columns(
        {"kind": ["outage"] * 3, "service": ["b", "a", "b"], "start": [1, 2, 3], "end": [9] * 3}
    )
    by_codes = sla.EventTable.from_columns(
        {
            "kind": ["outage"] * 3,
            "service": np.array([0, 2, 0]),
            "start": [1, 2, 3],
            "end": [9] * 3,
        },
        services=["b", "unused", "a"],
    )
    by_hand = sla.EventTable(  # the constructor keeps a name no row uses
        kind=[0, 0, 0],
        service=[1, 0, 1],
        services=["a", "b", "c"],
        start=[1, 2, 3],
        end=[9, 9, 9],
        announced=[NULL] * 3,
    )
    requests = sla.RequestTable(  # names in no order
        service=[0, 1],
        services=["zürich/db", "api"],
        time=[5, 6],
        status=[200, 200],
        outcome=[0, 0],
        latency=[-1, -1],
    )
    assert input_digests([by_names]) == input_digests([by_codes]) == input_digests([by_hand])
    assert input_digests([requests]) == input_digests(
        [
            sla.RequestTable.from_records(
                [sla.Request("api", 6, 200), sla.Request("zürich/db", 5, 200)]
            )
        ]
    )


def test_an_empty_table_is_no_table() -> None:
    """A table of no rows adds nothing; a claims table read at an instant does."""
    tables = _tables()
    assert fingerprint(AGREEMENT, "2026-10", [*tables[:1], sla.RequestTable.from_records([])]) == (
        fingerprint(AGREEMENT, "2026-10", tables[:1])
    )
    assert input_digests([sla.ClaimTable.from_records([])]) == {}
    assert set(input_digests([sla.ClaimTable.from_records([], as_of=T0)])) == {"claims"}


# --- every format ------------------------------------------------------------------------------

ROWS: dict[str, list[dict[str, Any]]] = {
    "events": [
        {"kind": "outage", "service": "api", "start": T0, "end": T1},
        {
            "kind": "maintenance",
            "service": "zürich/db",
            "start": T2,
            "end": T4,
            "announced": ANNOUNCED,
        },
        {
            "kind": "outage",
            "service": "zürich/db",
            "start": T4,
            "end": T5,
            "state": "degraded",
            "affected": "50.0%",
        },
        {"kind": "deployment", "service": "api", "start": T2, "end": T3},
    ],
    "requests": [
        {"service": "api", "time": T0, "status": 200, "latency": 81_500},
        {"service": "api", "time": T1, "status": 503},
        {"service": "zürich/db", "time": T2, "ok": True},
        {"service": "zürich/db", "time": T4, "status": 404, "latency": 12_000},
    ],
    "tickets": [
        {
            "id": "T-1",
            "service": "desk",
            "priority": "P1",
            "opened": T0,
            "first_response": T1,
            "resolved": T4,
            "coverage": "24x7",
        },
        {"id": "T-2", "service": "desk", "priority": "P3", "opened": T1},
    ],
    "claims": [
        {"service": "zürich/db", "period": "2026-10", "filed": T5, "ticket": "T-1"},
        {
            "service": "api",
            "period": "2026-10",
            "filed": T4,
            "state": "disputed",
            "reason": "the outage was announced",
        },
        {
            "service": "api",
            "period": "2026-10",
            "filed": T5,
            "state": "rejected",
            "reason": "filed twice",
        },
    ],
    "charges": [
        {"service": "zürich/db", "period": "2026-10", "kind": "usage", "amount": "1250.4"},
        {"service": "zürich/db", "period": "2026-10", "kind": "support", "amount": "12.500"},
        {"service": "vm-1", "unit": "hour", "amount": "0.096"},
    ],
}
TIMES = frozenset({"start", "end", "announced", "time", "opened", "first_response", "resolved"})
TIMES |= {"filed"}
#: What each kind's rows are as records (tickets without their status changes: a CSV row is flat).
EXPECTED: dict[str, Callable[[], object]] = {
    "events": lambda: sla.EventTable.from_records(EVENTS),
    "requests": lambda: sla.RequestTable.from_records(REQUESTS),
    "tickets": lambda: sla.TicketTable.from_records(
        [
            sla.Ticket(
                t.id,
                t.service,
                t.priority,
                t.opened,
                first_response=t.first_response,
                resolved=t.resolved,
                coverage=t.coverage,
            )
            for t in TICKETS
        ]
    ),
    "claims": lambda: sla.ClaimTable.from_records(CLAIMS),
    "charges": lambda: sla.ChargeTable.from_records(CHARGES),
}


def _rows(kind: str) -> list[dict[str, Any]]:
    rows = [dict(row) for row in ROWS[kind]]
    if kind == "charges":
        for row in rows:
            row["currency"] = "USD"
    return rows


def _columns(kind: str) -> list[str]:
    return list(dict.fromkeys(name for row in _rows(kind) for name in row))


def _write_csv(path: Path, kind: str) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=_columns(kind), restval="")
        writer.writeheader()
        writer.writerows(_rows(kind))
    return path


def _write_jsonl(path: Path, kind: str) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in _rows(kind)), encoding="utf-8")
    return path


def _typed(kind: str) -> dict[str, list[Any]]:
    """Return the rows as typed columns: aware datetimes, integers, booleans, None for missing."""
    out: dict[str, list[Any]] = {}
    for name in _columns(kind):
        cells = [row.get(name) for row in _rows(kind)]
        if name in TIMES:
            cells = [None if c is None else dt.datetime.fromisoformat(c) for c in cells]
        out[name] = cells
    return out


def _write_parquet(path: Path, kind: str) -> Path:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    columns = _typed(kind)
    types = {n: pa.timestamp("us", tz="UTC") for n in columns if n in TIMES}
    types |= {n: pa.int64() for n in ("status", "latency") if n in columns}
    types |= {"ok": pa.bool_()} if "ok" in columns else {}
    arrays = {
        n: pa.array(
            [c.astimezone(dt.UTC) if isinstance(c, dt.datetime) else c for c in cells],
            type=types.get(n, pa.string()),
        )
        for n, cells in columns.items()
    }
    pq.write_table(pa.table(arrays), path)
    return path


def _frame(kind: str, *, categorical: bool = False) -> Any:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(_typed(kind))
    for name in frame.columns:
        if name in TIMES:
            frame[name] = pd.to_datetime(frame[name], utc=True)
    for name in ("status", "latency"):
        if name in frame.columns:
            frame[name] = frame[name].astype("Int64")
    if "ok" in frame.columns:
        frame["ok"] = frame["ok"].astype("boolean")
    if categorical:
        frame["service"] = frame["service"].astype("category")
    return frame


SOURCES: dict[str, Callable[[Path, str], Any]] = {
    "csv": lambda d, k: _write_csv(d / f"{k}.csv", k),
    "jsonl": lambda d, k: _write_jsonl(d / f"{k}.jsonl", k),
    "parquet": lambda d, k: _write_parquet(d / f"{k}.parquet", k),
    "pandas": lambda d, k: _frame(k),
    "pandas, categorical services": lambda d, k: _frame(k, categorical=True),
}


@pytest.mark.parametrize("kind", list(ROWS))
@pytest.mark.parametrize("source", list(SOURCES))
def test_the_same_rows_from_every_format_fingerprint_alike(
    tmp_path: Path, kind: str, source: str
) -> None:
    """CSV, JSON Lines, Parquet and data frames of the same rows give the records' digest."""
    table = slakit.io.read_table(SOURCES[source](tmp_path, kind), kind)
    assert input_digests([table]) == input_digests([EXPECTED[kind]()])
    assert fingerprint(AGREEMENT, "2026-10", [table]) == fingerprint(
        AGREEMENT, "2026-10", [EXPECTED[kind]()]
    )


@pytest.mark.parametrize("suffix", ["jsonl", "parquet"])
def test_tickets_with_status_changes_and_pauses_from_files(tmp_path: Path, suffix: str) -> None:
    """Nested status changes and pauses read from a file give the records' digest."""
    lines = [dict(row) for row in ROWS["tickets"]]
    lines[0]["transitions"] = [
        {"at": T1, "status": "waiting_on_customer"},
        {"at": T2, "status": "open"},
    ]
    lines[0]["pauses"] = [{"start": T2, "end": T3}]
    lines[1]["transitions"] = [{"at": T2, "status": "in_progress"}]
    path = tmp_path / f"tickets.{suffix}"
    if suffix == "jsonl":
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    else:
        pa = pytest.importorskip("pyarrow")
        pq = pytest.importorskip("pyarrow.parquet")
        pq.write_table(pa.Table.from_pylist(lines), path)
    table = slakit.io.read_table(path, "tickets")
    assert input_digests([table]) == input_digests([sla.TicketTable.from_records(TICKETS)])


# --- what changes it ---------------------------------------------------------------------------


def _replaced(records: Sequence[Any], i: int, **changes: Any) -> list[Any]:
    out = list(records)
    out[i] = attrs.evolve(out[i], **changes)
    return out


def _not_none(value: str | None) -> str:
    assert value is not None
    return value


CHANGES: dict[str, Callable[[], str]] = {
    # a row of events
    "an end one microsecond later": lambda: fingerprint(
        AGREEMENT,
        "2026-10",
        _tables(_replaced(EVENTS, 0, end=from_us(to_us(T1) + 1))),
    ),
    "a service renamed": lambda: fingerprint(
        AGREEMENT, "2026-10", _tables(_replaced(EVENTS, 0, service="api2"))
    ),
    "an extra row, equal to another": lambda: fingerprint(
        AGREEMENT, "2026-10", _tables([*EVENTS, EVENTS[0]])
    ),
    "two outages' services swapped (each column holds the same values)": lambda: fingerprint(
        AGREEMENT,
        "2026-10",
        _tables(
            [
                _replaced(EVENTS, 0, service="zürich/db")[0],
                EVENTS[1],
                _replaced(EVENTS, 2, service="api")[2],
                EVENTS[3],
            ]
        ),
    ),
    "an affected share": lambda: fingerprint(
        AGREEMENT, "2026-10", _tables(_replaced(EVENTS, 2, affected="25%"))
    ),
    # the other tables
    "a latency one microsecond longer": lambda: fingerprint(
        AGREEMENT, "2026-10", _tables(requests=_replaced(REQUESTS, 0, latency=81_501))
    ),
    "a 503 that was a 500": lambda: fingerprint(
        AGREEMENT, "2026-10", _tables(requests=_replaced(REQUESTS, 1, status=500))
    ),
    "a status change's status": lambda: fingerprint(
        AGREEMENT,
        "2026-10",
        _tables(tickets=_replaced(TICKETS, 1, transitions=[(T2, "open")])),
    ),
    "a pause one microsecond longer": lambda: fingerprint(
        AGREEMENT,
        "2026-10",
        _tables(tickets=_replaced(TICKETS, 0, pauses=[(T2, from_us(to_us(T3) + 1))])),
    ),
    "a status change moved to the other ticket": lambda: fingerprint(
        AGREEMENT,
        "2026-10",
        _tables(
            tickets=[
                _replaced(TICKETS, 0, transitions=[(T1, "waiting_on_customer")])[0],
                _replaced(TICKETS, 1, transitions=[(T2, "in_progress"), (T2, "open")])[1],
            ]
        ),
    ),
    "a claim for no ticket": lambda: fingerprint(
        AGREEMENT, "2026-10", _tables(claims=_replaced(CLAIMS, 0, ticket=None))
    ),
    "claims read at an instant": lambda: fingerprint(AGREEMENT, "2026-10", _tables(as_of=T5)),
    "a claim accepted": lambda: fingerprint(
        AGREEMENT, "2026-10", _tables(claims=_replaced(CLAIMS, 0, state="accepted"))
    ),
    "a claim's reason": lambda: fingerprint(
        AGREEMENT, "2026-10", _tables(claims=_replaced(CLAIMS, 2, reason="filed late"))
    ),
    "two claims' states swapped (each column holds the same values)": lambda: fingerprint(
        AGREEMENT,
        "2026-10",
        _tables(
            claims=[
                CLAIMS[0],
                _replaced(CLAIMS, 1, state="rejected", reason="filed twice")[1],
                _replaced(CLAIMS, 2, state="disputed", reason="the outage was announced")[2],
            ]
        ),
    ),
    "a charge a cent more": lambda: fingerprint(
        AGREEMENT,
        "2026-10",
        _tables(charges=_replaced(CHARGES, 0, amount=sla.usd("1250.41"))),
    ),
    # the agreement and the period
    "another period": lambda: fingerprint(AGREEMENT, "2026-11", _tables()),
    "an amended fee": lambda: _not_none(
        sla.evaluate(
            AGREEMENT.amend("2026-09-01T00:00:00Z", tier=_tier("1200.00")),
            *_tables(),
            period="2026-10",
        ).fingerprint
    ),
    "another fee": lambda: fingerprint(
        sla.Agreement(
            provider="Acme Cloud",
            customer="Globex",
            services=["api", "zürich/db"],
            tier=_tier("1000.01"),
        ),
        "2026-10",
        _tables(),
    ),
    "no request table": lambda: fingerprint(
        AGREEMENT, "2026-10", [t for t in _tables() if not isinstance(t, sla.RequestTable)]
    ),
    "no ticket table": lambda: fingerprint(
        AGREEMENT, "2026-10", [t for t in _tables() if not isinstance(t, sla.TicketTable)]
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_any_change_gives_another_fingerprint(change: str) -> None:
    """One changed row, table, period or term: another fingerprint."""
    assert CHANGES[change]() != BASE


def test_a_name_ending_in_nul_is_another_name() -> None:
    """A name and the same name with a NUL character at its end are two names, as codes or text."""
    one = [sla.Claim("db", "2026-10", T0), sla.Claim("db", "2026-10", T0)]
    two = [sla.Claim("db", "2026-10", T0), sla.Claim("db\x00", "2026-10", T0)]
    assert input_digests([sla.ClaimTable(one)]) != input_digests([sla.ClaimTable(two)])
    events = [sla.Outage("db", T0, T1), sla.Outage("db\x00", T0, T1)]
    assert input_digests([sla.EventTable.from_records(events)]) != input_digests(
        [sla.EventTable.from_records([events[0], events[0]])]
    )


def test_an_amended_agreement_is_fingerprinted_by_the_terms_evaluated() -> None:
    """The version in force over the period, as evaluate() reads it; all versions if split."""
    amended = AGREEMENT.amend("2026-11-10T00:00:00Z", tier=_tier("1200.00"))
    october = sla.evaluate(amended, *_tables(), period="2026-10")
    assert october.agreement == amended.versions()[0].agreement
    assert october.fingerprint == fingerprint(amended, "2026-10", _tables())
    assert october.fingerprint == fingerprint(october.agreement, "2026-10", _tables())
    assert fingerprint(amended, "2026-12", _tables()) == fingerprint(
        amended.versions()[1].agreement, "2026-12", _tables()
    )
    split = fingerprint(amended, "2026-11", _tables())
    assert split not in {
        fingerprint(version.agreement, "2026-11", _tables()) for version in amended.versions()
    }
    moved = AGREEMENT.amend("2026-11-11T00:00:00Z", tier=_tier("1200.00"))
    assert split != fingerprint(moved, "2026-11", _tables())  # the amendment a day later


# --- the report's property ---------------------------------------------------------------------


def test_a_report_computes_its_fingerprint_when_first_read_and_keeps_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An evaluation does not compute it; the first read does, once; it equals the function's."""
    calls: list[object] = []

    def counted(*args: Any) -> str:
        calls.append(args)
        return fingerprint(*args)

    monkeypatch.setattr(_plan, "fingerprint", counted)
    report = sla.evaluate(AGREEMENT, *_tables(), period="2026-10")
    again = sla.evaluate(AGREEMENT, *reversed(_tables()), period="2026-10")
    assert calls == []
    assert "fingerprint" not in report.__dict__
    assert report.fingerprint == report.fingerprint == BASE
    assert len(calls) == 1
    assert again.fingerprint == report.fingerprint
    assert report.with_credits(report.credit_columns).fingerprint == BASE
    assert len(calls) == 2  # the second report's own, not the copy's


def test_records_and_tables_fingerprint_alike_and_a_report_by_hand_has_none() -> None:
    """Lists of records are the tables they make; a report made without inputs has ``None``."""
    report = sla.evaluate(AGREEMENT, EVENTS, REQUESTS, TICKETS, CLAIMS, CHARGES, period="2026-10")
    assert report.fingerprint == BASE
    assert report.fingerprint.startswith("sha256:")
    assert len(report.fingerprint) == len("sha256:") + 64
    by_hand = sla.Report(
        agreement=report.agreement,
        period=report.period,
        start=report.start,
        end=report.end,
        outcomes=report.outcomes,
        objective_columns=report.objective_columns,
        credit_columns=report.credit_columns,
        reconciliation=report.reconciliation,
    )
    assert by_hand.fingerprint is None


def test_a_statement_fingerprints_each_period() -> None:
    """Each period of a statement has the fingerprint of its own evaluation."""
    statement = sla.statement(AGREEMENT, *_tables(), periods="2026-10..2026-11")
    assert [r.fingerprint for r in statement.reports] == [
        BASE,
        fingerprint(AGREEMENT, "2026-11", _tables()),
    ]


# --- kinds -------------------------------------------------------------------------------------


def test_every_kind_of_input_has_a_canonical_form() -> None:
    """A new kind of input table fails here until the canonical form (a new version) says how."""
    assert _families.FAMILIES  # every kind of input is registered
    kinds = {table_type for table_type, _ in RECORDS.values()}
    assert kinds <= set(_fingerprint._KINDS)
    assert len({name for name, _ in _fingerprint._KINDS.values()}) == len(_fingerprint._KINDS)


def test_other_objects_and_two_tables_of_a_kind_are_refused() -> None:
    """Only input tables can be fingerprinted, one of each kind."""
    with pytest.raises(EvaluationError, match="cannot fingerprint list"):
        fingerprint(AGREEMENT, "2026-10", [EVENTS])
    with pytest.raises(EvaluationError, match="two EventTable inputs"):
        input_digests([sla.EventTable.from_records(EVENTS), sla.EventTable.from_records([])])


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("0.00", "0"),  # zero, however many places
        ("100.00", "100"),  # trailing zeros of a whole amount
        ("0.50", "0.5"),
    ],
)
def test_equal_amounts_written_differently_fingerprint_alike(one: str, other: str) -> None:
    """An amount is its value: ``"0.50"`` and ``"0.5"`` are one amount."""

    def table(amount: str) -> object:
        return sla.ChargeTable.from_records([sla.UnitPrice("vm", "hour", sla.usd(amount))])

    assert input_digests([table(one)]) == input_digests([table(other)])
    assert input_digests([table(one)]) != input_digests([table("0.51")])


# --- the sort ----------------------------------------------------------------------------------

#: Columns of every shape: narrow, wide, with missing cells, spanning all of int64.
_CELLS = [
    st.integers(0, 3),
    st.integers(-(2**40), 2**40),
    st.sampled_from([NULL, 0, 7]),
    st.integers(-(2**63), 2**63 - 1),
]


@given(
    st.lists(st.sampled_from(_CELLS), min_size=1, max_size=4).flatmap(
        lambda kinds: st.lists(st.tuples(*kinds), min_size=2, max_size=40)
    )
)
def test_rows_sort_as_tuples_of_their_values(rows: list[tuple[int, ...]]) -> None:
    """The order of rows is the order of their values compared column by column."""
    columns = [
        _fingerprint.Column(f"c{j}", np.asarray([row[j] for row in rows], dtype=np.int64))
        for j in range(len(rows[0]))
    ]
    order, leading = _fingerprint._sorted(columns)
    got = [*leading, *(c.at(order) for c in columns[len(leading) :])]
    assert [tuple(int(v[i]) for v in got) for i in range(len(rows))] == sorted(rows)
