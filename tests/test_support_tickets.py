"""Ticket records, the columnar ticket table and its JSON Lines reader: every bad row listed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import slakit as sla
import slakit.io
from slakit._events._tickets import NO_TIME
from slakit.exceptions import DefinitionError, EvaluationError, EventDataError

OPENED = "2026-10-05T09:00:00Z"


def problems(error: pytest.ExceptionInfo[EventDataError]) -> list[str]:
    return [str(p) for p in error.value.problems]


# --- records --------------------------------------------------------------------------------


def test_a_ticket_record_round_trips_through_a_table() -> None:
    """A table built from records gives the same records back."""
    tickets = [
        sla.Ticket(
            "T-1",
            "desk",
            "P1",
            OPENED,
            first_response="2026-10-05T09:40:00Z",
            resolved="2026-10-06T12:00:00Z",
            coverage="24x7",
            transitions=[("2026-10-05T10:00:00Z", "waiting_on_customer")],
            pauses=[("2026-10-05T11:00:00Z", "2026-10-05T12:00:00Z")],
        ),
        sla.Ticket("T-2", "phone", "P3", "2026-10-05T11:00:00+02:00"),
    ]
    table = sla.TicketTable.from_records(tickets)
    assert [table.record(i) for i in range(len(table))] == tickets
    assert repr(table) == "<TicketTable 2 tickets over 2 services, 1 status changes, 1 pauses>"
    assert table.where(1) == "record 1"
    assert table.first_response[1] == NO_TIME
    assert "resolved='2026-10-06T12:00:00Z'" in repr(tickets[0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"resolved": "2026-10-05T08:59:59Z"}, "resolved='2026-10-05T08:59:59.*before opened"),
        ({"first_response": "2026-10-04T00:00:00Z"}, "first_response=.*before opened"),
        ({"coverage": ""}, "coverage='' must be a non-empty string"),
        ({"transitions": [("2026-10-05T10:00:00Z",)]}, r"transitions\[0\].*must be a pair"),
        ({"transitions": [("2026-10-05T10:00:00Z", "")]}, "status='' must be a non-empty"),
        ({"first_response": "2026-10-05T10:00:00"}, "no UTC offset"),
    ],
)
def test_a_bad_ticket_record_is_refused(kwargs: dict[str, object], message: str) -> None:
    """A record that contradicts itself is refused when it is made, with the field named."""
    with pytest.raises(DefinitionError, match=message):
        sla.Ticket("T-1", "desk", "P1", OPENED, **kwargs)  # type: ignore[arg-type]


def test_a_ticket_needs_an_id_a_service_and_a_priority() -> None:
    """Empty names are refused."""
    for args in (("", "desk", "P1"), ("T", " ", "P1"), ("T", "desk", "")):
        with pytest.raises(DefinitionError, match="must be a non-empty string"):
            sla.Ticket(*args, OPENED)


def test_from_records_lists_every_bad_record() -> None:
    """Unknown priorities and statuses, and duplicate ids, are listed by record and field."""
    tickets = [
        sla.Ticket("a", "desk", "P9", OPENED),
        sla.Ticket("a", "desk", "P1", OPENED, transitions=[("2026-10-05T08:00:00Z", "open")]),
        sla.Ticket(
            "c",
            "desk",
            "P1",
            OPENED,
            transitions=[(OPENED, "open"), (OPENED, "waiting")],
            pauses=[("2026-10-05T10:00:00Z", "2026-10-05T11:00:00Z")],
        ),
    ]
    with pytest.raises(EventDataError) as error:
        sla.TicketTable.from_records(tickets)
    assert problems(error) == [
        (
            "record 0: priority: 'P9' is not one of P1, P2, P3, P4, P5; pass priorities=[...] to "
            "accept other names"
        ),
        "record 1: id: 'a' is also the id of record 0",
        (
            "record 1: transitions[0].at: 2026-10-05T08:00:00Z lies before the ticket was "
            "opened at 2026-10-05T09:00:00Z"
        ),
        (
            "record 2: transitions[1].status: 'waiting' is not one of new, open, in_progress, "
            "waiting_on_customer, waiting_on_third_party, on_hold, resolved, closed; pass "
            "statuses=[...] to accept other names"
        ),
    ]
    with pytest.raises(EventDataError, match="expected a Ticket, got Outage"):
        sla.TicketTable.from_records([sla.Outage("a", OPENED, "2026-10-05T10:00:00Z")])  # type: ignore[list-item]


def test_a_table_takes_its_own_vocabulary() -> None:
    """``priorities=`` and ``statuses=`` name what the data may use."""
    table = sla.TicketTable.from_records(
        [sla.Ticket("a", "desk", "urgent", OPENED, transitions=[(OPENED, "pending")])],
        priorities=["urgent", "normal"],
        statuses=["pending", "solved"],
    )
    assert table.priorities == ("urgent", "normal")
    assert table.statuses == ("pending", "solved")
    for bad in ([], ["a", "a"], [""]):
        with pytest.raises(DefinitionError, match="priorities="):
            sla.TicketTable.from_records([], priorities=bad)


# --- columns --------------------------------------------------------------------------------


def test_from_columns_reads_datetime64_strings_and_missing_values() -> None:
    """Columns may hold datetime64 (NaT for missing), ISO strings (None for missing) or integers."""
    opened = np.array(["2026-10-05T09:00", "2026-10-05T10:00"], dtype="datetime64[us]")
    table = sla.TicketTable.from_columns(
        {
            "id": ["a", "b"],
            "service": ["desk", "desk"],
            "priority": ["P1", "P2"],
            "opened": opened,
            "first_response": np.array(["2026-10-05T09:30", "NaT"], dtype="datetime64[us]"),
            "resolved": ["2026-10-05T12:00:00Z", None],
            "coverage": ["24x7", None],
        },
        transitions={"ticket": ["b"], "at": ["2026-10-05T11:00:00Z"], "status": ["on_hold"]},
        pauses={
            "ticket": ["a"],
            "start": opened[:1],
            "end": np.array(["2026-10-05T09:10"], dtype="datetime64[us]"),
        },
    )
    assert table.first_response[1] == NO_TIME
    assert table.resolved[1] == NO_TIME
    assert table.coverage.tolist() == [0, -1]
    assert table.coverages == ("24x7",)
    assert table.change_ticket.tolist() == [1]
    assert table.pause_ticket.tolist() == [0]
    assert table.record(0).pauses == (sla.Span("2026-10-05T09:00:00Z", "2026-10-05T09:10:00Z"),)


def test_from_columns_lists_every_bad_row() -> None:
    """Each invalid row is listed with its row and field, validated over all rows at once."""
    with pytest.raises(EventDataError) as error:
        sla.TicketTable.from_columns(
            {
                "id": ["a", "b", "", "d"],
                "service": ["desk", "", "desk", "desk"],
                "priority": ["P1", "P1", "P1", "P1"],
                "opened": [OPENED, OPENED, None, OPENED],
                "first_response": [None, "2026-10-05T08:00:00Z", None, "soon"],
                "resolved": ["2026-10-04T09:00:00Z", None, None, None],
            },
            transitions={"ticket": ["zz"], "at": [OPENED], "status": ["open"]},
            pauses={"ticket": ["a"], "start": [OPENED], "end": [OPENED]},
        )
    assert problems(error) == [
        (
            "pause row 0: end: 2026-10-05T09:00:00Z is not after the pause's start "
            "2026-10-05T09:00:00Z"
        ),
        (
            "row 0: resolved: 2026-10-04T09:00:00Z lies before the ticket was opened at "
            "2026-10-05T09:00:00Z"
        ),
        "row 1: service: must be a non-empty service name",
        (
            "row 1: first_response: 2026-10-05T08:00:00Z lies before the ticket was opened at "
            "2026-10-05T09:00:00Z"
        ),
        "row 2: opened: missing; every row needs it",
        "row 2: id: must be a non-empty ticket id",
        (
            "row 3: first_response: 'soon' is not an ISO 8601 instant; write it "
            "like '2026-10-01T00:00:00Z' or '2026-10-01T02:00:00+02:00'"
        ),
        "transition row 0: ticket: 'zz' is not the id of any ticket",
    ]


def test_a_data_frame_like_object_works_as_columns() -> None:
    """Anything with ``to_numpy()`` columns (pandas, polars) reads as it is."""

    class Column:
        def __init__(self, values: list[object]) -> None:
            self.values = values

        def to_numpy(self) -> np.ndarray:
            return np.asarray(self.values)

    opened = 1_790_812_800_000_000
    table = sla.TicketTable.from_columns(
        {
            "id": Column(["a"]),
            "service": Column(["desk"]),
            "priority": Column(["P1"]),
            "opened": Column([opened]),
        }
    )
    assert table.opened.tolist() == [opened]


def test_the_table_is_immutable_and_checks_its_shape() -> None:
    """Columns are read-only, and a table of mismatched columns is refused."""
    table = sla.TicketTable.from_records([sla.Ticket("a", "desk", "P1", OPENED)])
    with pytest.raises(AttributeError, match="immutable"):
        table.ids = ()  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        table.opened[0] = 0
    common: dict[str, object] = {
        "ids": ["a"],
        "service": [0],
        "services": ["desk"],
        "priority": [0],
        "priorities": ["P1"],
        "opened": [0],
        "first_response": [0],
        "resolved": [0],
        "coverage": [-1],
        "coverages": [],
    }
    with pytest.raises(ValueError, match="'opened' must have 1 rows"):
        sla.TicketTable(**{**common, "opened": [0, 1]})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="change columns"):
        sla.TicketTable(**{**common, "change_at": [0]})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="pause columns"):
        sla.TicketTable(**{**common, "pause_end": [0]})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'where' must have 1"):
        sla.TicketTable(**{**common, "where": []})  # type: ignore[arg-type]


# --- JSON Lines -----------------------------------------------------------------------------


def test_read_tickets_jsonl(tmp_path: Path) -> None:
    """A tickets file reads into a table whose rows remember their file and line."""
    lines = [
        {
            "id": "T-1",
            "service": "desk",
            "priority": "P1",
            "opened": OPENED,
            "first_response": "2026-10-05T09:40:00Z",
            "resolved": "2026-10-06T12:00:00Z",
            "coverage": "24x7",
            "transitions": [
                {"at": "2026-10-05T10:00:00Z", "status": "waiting_on_customer"},
                {"at": "2026-10-05T15:00:00Z", "status": "open"},
            ],
            "pauses": [{"start": "2026-10-06T08:00:00Z", "end": "2026-10-06T09:00:00Z"}],
            "note": "from the phone line",
        },
        {"id": "T-2", "service": "desk", "priority": "P2", "opened": OPENED, "coverage": None},
    ]
    path = tmp_path / "tickets.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    table = slakit.io.read_tickets_jsonl(path)
    assert len(table) == 2
    assert table.where(1) == f"{path}:2"
    assert table.record(0).transitions[1][1] == "open"
    assert table.coverage.tolist() == [0, -1]


def test_parse_tickets_jsonl_lists_every_bad_line() -> None:
    """Every bad line is reported as ``file:line: field: what is wrong``, all at once."""
    good = {"id": "a", "service": "desk", "priority": "P1", "opened": OPENED}
    lines = [
        "not json",
        "[1, 2]",
        json.dumps({**good, "resolved": "2026-10-04T09:00:00Z"}),
        json.dumps({"id": "b", "service": "desk", "opened": OPENED, "prio": "P1"}),
        json.dumps({**good, "id": "c", "priority": "P7", "opened": 5}),
        json.dumps({**good, "id": "d", "transitions": {"at": OPENED}}),
        json.dumps({**good, "id": "e", "transitions": [{"at": OPENED}, {"at": "x", "status": 3}]}),
        json.dumps({**good, "id": "f", "pauses": [{"start": OPENED, "end": "2026-10-05T10:00"}]}),
        json.dumps({**good, "id": "g", "priority": "P9", "service": ""}),
        json.dumps({**good, "id": "h", "transitions": [{"at": OPENED, "status": "wait"}]}),
        json.dumps({**good, "id": "a"}),
    ]
    with pytest.raises(EventDataError) as error:
        slakit.io.parse_tickets_jsonl(lines, source="t.jsonl")
    found = problems(error)
    assert found == [
        "t.jsonl:1: not valid JSON (Expecting value at column 1)",
        "t.jsonl:2: expected a JSON object, got list",
        (
            "t.jsonl:3: resolved: 2026-10-04T09:00:00Z lies before the ticket was opened at "
            "2026-10-05T09:00:00Z"
        ),
        "t.jsonl:4: priority: missing; a ticket needs id, service, priority, opened",
        (
            "t.jsonl:4: prio: unknown field for a ticket; expected id, service, priority, opened, "
            "first_response, resolved, coverage, transitions, pauses, note"
        ),
        "t.jsonl:5: opened: 5 must be an ISO 8601 string like '2026-10-01T00:00:00Z'",
        "t.jsonl:6: transitions: must be a list of objects with at, status",
        "t.jsonl:7: transitions[0]: must be an object with exactly at, status",
        "t.jsonl:7: transitions[1].at: 'x' is not ISO 8601; write it like '2026-10-01T00:00:00Z'",
        "t.jsonl:7: transitions[1].status: 3 must be a string",
        (
            "t.jsonl:8: pauses[0].end: '2026-10-05T10:00' has no UTC offset; append 'Z' or an "
            "offset like '+02:00'"
        ),
        "t.jsonl:9: service: '' must be a non-empty string",
        (
            "t.jsonl:10: transitions[0].status: 'wait' is not one of new, open, in_progress, "
            "waiting_on_customer, waiting_on_third_party, on_hold, resolved, closed; pass "
            "statuses=[...] to accept other names"
        ),
        "t.jsonl:11: id: 'a' is also the id of t.jsonl:3",
    ]


def test_an_empty_tickets_file_is_an_empty_table() -> None:
    """No lines, no tickets: the measures then give "no data"."""
    table = slakit.io.parse_tickets_jsonl(["", "  "])
    assert len(table) == 0


def test_a_measure_on_priorities_of_its_own_has_no_data_without_tickets() -> None:
    """No tickets at all: "urgent" is not misspelt, there is simply nothing to judge."""
    urgent = sla.response_time(priority="urgent", within=sla.minutes(15))
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[urgent <= 0])
    agreement = sla.Agreement(provider="P", customer="C", services=["s"], tier=tier)
    report = sla.evaluate(agreement, [], period="2026-11")
    assert report.objectives[0].verdict is sla.Verdict.NO_DATA
    # a table that does not know the name still says so
    tickets = sla.TicketTable.from_records([sla.Ticket("t1", "s", "P1", "2026-11-02T09:00:00Z")])
    with pytest.raises(EvaluationError, match="names priority 'urgent'"):
        sla.evaluate(agreement, tickets, period="2026-11")
