"""Claim states: filed, accepted, disputed and rejected claims, their credits, notes and ledger."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import slakit as sla
import slakit.io
from slakit._engine._credits._claims import _claim_states
from slakit.exceptions import DefinitionError, EventDataError

U = sla.uptime()
TARGET = U >= "99.9%"
SCHEDULE = sla.credit_schedule(U, {"< 99.9%": "10%", "< 99%": "30%"})  # 100.00 for an hour down
CLAIMED = sla.claim_required(SCHEDULE, sla.within_days(sla.days(30)))  # due by December 1
OCTOBER = sla.monthly().period("2026-10")
NOV_2 = "2026-11-02T00:00:00Z"
NOV_10 = "2026-11-10T00:00:00Z"
NOV_20 = "2026-11-20T00:00:00Z"
WINDOW = "within 30 days after the period ends (by 2026-12-01T00:00:00Z)"


def agreement(rule: sla.CreditRule, services: tuple[str, ...] = ("a",)) -> sla.Agreement:
    """Return an agreement with a 1,000.00 USD fee per service and ``rule`` as compensation."""
    tier = sla.Tier("gold", fee=sla.usd("1000.00"), objectives=[TARGET], compensation=rule)
    return sla.Agreement(provider="p", customer="c", services=list(services), tier=tier)


def down(service: str, minutes: int = 60) -> sla.Outage:
    """Return an outage of ``service`` lasting ``minutes`` from midnight on October 2."""
    start = OCTOBER.start + 86_400_000_000
    return sla.Outage(service, start, start + minutes * 60_000_000)


def run(
    claims: list[sla.Claim],
    *,
    rule: sla.CreditRule = CLAIMED,
    services: tuple[str, ...] = ("a",),
    as_of: str | None = None,
) -> sla.Report:
    """Evaluate ``rule`` for October 2026, every service down for an hour."""
    table = sla.ClaimTable.from_records(claims, as_of=as_of)
    events = [down(s) for s in services]
    return sla.evaluate(agreement(rule, services), events, table, period="2026-10")


def claim_notes(report: sla.Report) -> list[tuple[str, str, str | None]]:
    """Return the claim clause's lines: their kind, rule and note."""
    return [
        (line.kind, line.rule, line.note)
        for line in report.compensation.lines
        if line.kind == "claim" or line.rule == "claim required"
    ]


def claim_states(report: sla.Report) -> list[str]:
    """Return each service's claim state, as the ledger's ``claim`` column reads it."""
    states: list[str] = report.columns()["claim.state"].tolist()
    return states


def claim(filed: str = NOV_20, service: str = "a", **fields: str) -> sla.Claim:
    """Return a claim of ``service`` for October 2026."""
    return sla.Claim(service, "2026-10", filed, **fields)


# --- records --------------------------------------------------------------------------------------


def test_a_claim_is_filed_without_a_reason_by_default() -> None:
    """The defaults are state filed and no reason; the repr shows only what differs."""
    plain = claim()
    assert (plain.state, plain.reason) == ("filed", None)
    assert repr(plain) == "Claim('a', '2026-10', '2026-11-20T00:00:00Z')"
    disputed = claim(state="disputed", reason="announced", ticket="T-1")
    assert repr(disputed) == (
        "Claim('a', '2026-10', '2026-11-20T00:00:00Z', ticket='T-1', state='disputed', "
        "reason='announced')"
    )
    assert repr(claim(state="accepted")).endswith(", state='accepted')")
    assert repr(claim(reason="see ticket")).endswith(", reason='see ticket')")


def test_a_rejected_claim_needs_its_reason() -> None:
    """A rejected claim without a reason, or with a blank one, is refused."""
    with pytest.raises(DefinitionError, match="a rejected claim needs the reason") as error:
        claim(state="rejected")
    assert (error.value.name, error.value.value) == ("reason", None)
    with pytest.raises(DefinitionError, match=r"reason='  ' must be a non-empty string"):
        claim(state="rejected", reason="  ")
    assert claim(state="rejected", reason="no outage").reason == "no outage"


@pytest.mark.parametrize(
    ("state", "hint"),
    [
        # states are lower case: a capitalised one is suggested in lower case
        ("Rejected", "; did you mean 'rejected'?"),
        ("ACCEPTED", "; did you mean 'accepted'?"),
        # a near miss
        ("disputd", "; did you mean 'disputed'?"),
        # nothing near
        ("open", ""),
    ],
)
def test_a_state_is_one_of_four_with_a_did_you_mean(state: str, hint: str) -> None:
    """An unknown state names the four states and, where one is near, suggests it."""
    with pytest.raises(DefinitionError) as error:
        claim(state=state, reason="why")
    assert str(error.value) == (
        f"state={state!r} is not a claim state; give one of 'filed', 'accepted', 'disputed', "
        f"'rejected' (lower case){hint}"
    )
    assert (error.value.name, error.value.value) == ("state", state)


# --- each state's effect on the credit ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "paid", "note"),
    [
        # a filed claim without a reason reads as before claims had states
        ({}, 100, f"claimed at 2026-11-20T00:00:00Z, {WINDOW}"),
        (
            {"reason": "see ticket 7"},
            100,
            f"claimed at 2026-11-20T00:00:00Z (filed: see ticket 7), {WINDOW}",
        ),
        # accepted and disputed claims count as filed, and the note names the state
        ({"state": "accepted"}, 100, f"claimed at 2026-11-20T00:00:00Z (accepted), {WINDOW}"),
        (
            {"state": "accepted", "reason": "confirmed"},
            100,
            f"claimed at 2026-11-20T00:00:00Z (accepted: confirmed), {WINDOW}",
        ),
        ({"state": "disputed"}, 100, f"claimed at 2026-11-20T00:00:00Z (disputed), {WINDOW}"),
        (
            {"state": "disputed", "reason": "the outage was announced"},
            100,
            f"claimed at 2026-11-20T00:00:00Z (disputed: the outage was announced), {WINDOW}",
        ),
    ],
)
def test_filed_accepted_and_disputed_claims_are_paid_and_named(
    fields: dict[str, str], paid: int, note: str
) -> None:
    """A claim that is not rejected is paid when in time; its line names its state."""
    report = run([claim(**fields)])
    assert report.compensation.exact_by_service() == {"a": Fraction(paid)}
    assert claim_notes(report) == [("claim", "claim", note)]
    assert claim_states(report) == ["claimed"]


def test_a_rejected_claim_is_no_claim() -> None:
    """A rejected claim pays nothing; the adjustment names the claim and the reason."""
    report = run([claim(state="rejected", reason="no outage in our monitoring")])
    assert report.compensation.exact_by_service() == {"a": Fraction(0)}
    assert claim_notes(report) == [
        (
            "adjustment",
            "claim required",
            (
                "not paid: the claim filed at 2026-11-20T00:00:00Z was rejected: "
                "no outage in our monitoring"
            ),
        )
    ]
    assert claim_states(report) == ["rejected"]
    assert "was rejected: no outage in our monitoring" in report.explain()


def test_the_earliest_rejected_claim_is_named_when_no_other_exists() -> None:
    """Of several rejected claims (in any order), the earliest is named."""
    claims = [
        claim(NOV_20, state="rejected", reason="again"),
        claim(NOV_2, state="rejected", reason="first"),
        claim(NOV_10, state="rejected", reason="second"),
    ]
    for ordered in (claims, claims[::-1]):
        (line,) = claim_notes(run(ordered))
        assert line[2] == "not paid: the claim filed at 2026-11-02T00:00:00Z was rejected: first"


def test_the_earliest_claim_that_is_not_rejected_counts() -> None:
    """A rejected claim before others is passed over; the earliest of the rest counts."""
    claims = [
        claim(NOV_20, state="accepted"),
        claim(NOV_2, state="rejected", reason="filed for the wrong service"),
        claim(NOV_10, state="disputed", reason="announced"),
    ]
    for ordered in (claims, claims[::-1]):
        report = run(ordered)
        assert report.compensation.exact_by_service() == {"a": Fraction(100)}
        assert claim_notes(report) == [
            ("claim", "claim", f"claimed at 2026-11-10T00:00:00Z (disputed: announced), {WINDOW}")
        ]
    table = sla.ClaimTable.from_records(claims)
    assert table.earliest(["a", "b"], "2026-10").tolist() == [
        sla.Claim("a", "2026-10", NOV_10).filed_us,
        np.iinfo(np.int64).max,
    ]
    assert table.first(["a"], "2026-10").tolist() == [2]
    assert table.first(["a"], "2026-10", rejected=True).tolist() == [1]


def test_claims_filed_at_one_instant_are_taken_by_state_whatever_their_order() -> None:
    """Ties on the filing instant go by state (filed, accepted, disputed), then by reason."""
    claims = [
        claim(state="disputed", reason="b"),
        claim(state="rejected", reason="a"),
        claim(state="accepted", reason="z"),
        claim(state="accepted", reason="y"),
    ]
    for ordered in (claims, claims[::-1], claims[1:] + claims[:1]):
        (line,) = claim_notes(run(ordered))
        assert line[2] == f"claimed at 2026-11-20T00:00:00Z (accepted: y), {WINDOW}"


def test_a_late_claim_that_is_not_rejected_is_late_and_named() -> None:
    """An accepted claim filed after the window closed is not paid; the note names its state."""
    report = run([claim("2026-12-20T00:00:00Z", state="accepted")])
    assert report.compensation.exact_by_service() == {"a": Fraction(0)}
    assert claim_notes(report)[0][2] == (
        "not paid: the claim was filed at 2026-12-20T00:00:00Z (accepted), after the window "
        "closed at 2026-12-01T00:00:00Z (within 30 days after the period ends)"
    )
    assert claim_states(report) == ["late"]
    # a rejected claim in time does not make the late one count
    report = run([claim(NOV_2, state="rejected", reason="x"), claim("2026-12-20T00:00:00Z")])
    assert claim_states(report) == ["late"]
    assert claim_notes(report)[0][2] == (
        "not paid: the claim was filed at 2026-12-20T00:00:00Z, after the window closed at "
        "2026-12-01T00:00:00Z (within 30 days after the period ends)"
    )


def test_a_rejected_claim_while_the_window_is_open_is_rejected_not_pending() -> None:
    """Read before the window closes, a service whose only claim was rejected is rejected."""
    report = run([claim(NOV_2, state="rejected", reason="duplicate")], as_of=NOV_10)
    assert claim_states(report) == ["rejected"]
    assert claim_notes(report)[0][2] == (
        "not paid: the claim filed at 2026-11-02T00:00:00Z was rejected: duplicate"
    )
    assert claim_states(run([], as_of=NOV_10)) == ["pending"]


def test_claim_states_of_several_services() -> None:
    """Each service reads its own claims: claimed, rejected, not claimed."""
    claims = [
        claim(service="a", state="accepted"),
        claim(service="b", state="rejected", reason="r"),
    ]
    report = run(claims, services=("a", "b", "c"))
    assert report.compensation.exact_by_service() == {
        "a": Fraction(100),
        "b": Fraction(0),
        "c": Fraction(0),
    }
    assert claim_states(report) == ["claimed", "rejected", "not claimed"]


# --- ticket claims -------------------------------------------------------------------------------


def _ticket(tid: str, day: int) -> sla.Ticket:
    return sla.Ticket(
        tid,
        "desk",
        "P1",
        f"2026-10-{day:02d}T09:00:00Z",
        first_response=f"2026-10-{day:02d}T12:00:00Z",  # three hours: late
        resolved=f"2026-10-{day + 1:02d}T09:00:00Z",
    )


TICKET_RULE = sla.claim_required(
    sla.per_breach(sla.response_time(within=sla.hours(1)), sla.usd("100.00")),
    sla.after_ticket_closes(sla.days(14)),
)
TICKETS = [_ticket("T1", 5), _ticket("T2", 6)]


def _ticket_report(claims: list[sla.Claim]) -> sla.Report:
    tier = sla.Tier("desk", fee=sla.usd("1000.00"), compensation=TICKET_RULE)
    terms = sla.Agreement(provider="p", customer="c", services=["desk"], tier=tier)
    return sla.evaluate(terms, TICKETS, sla.ClaimTable.from_records(claims), period="2026-10")


def test_ticket_claims_one_rejected_one_accepted() -> None:
    """Per ticket: the accepted claim is paid, the rejected one is not; the note says which."""
    claims = [
        sla.Claim(
            "desk",
            "2026-10",
            "2026-10-10T09:00:00Z",
            ticket="T1",
            state="rejected",
            reason="answered in time by phone",
        ),
        sla.Claim("desk", "2026-10", "2026-10-11T09:00:00Z", ticket="T2", state="accepted"),
    ]
    report = _ticket_report(claims)
    assert report.total == sla.usd("100.00")
    assert claim_notes(report) == [
        (
            "adjustment",
            "claim required",
            (
                "within 14 days after the ticket closes: ticket T1: the claim filed at "
                "2026-10-10T09:00:00Z was rejected: answered in time by phone; ticket T2: "
                "claimed at 2026-10-11T09:00:00Z (accepted)"
            ),
        )
    ]
    assert claim_states(report) == ["partly claimed"]


def test_ticket_claims_the_earliest_not_rejected_counts_and_only_rejections_read_rejected() -> None:
    """A ticket's later claim counts over its rejected one; a service with only rejections is."""
    claims = [
        sla.Claim(
            "desk",
            "2026-10",
            "2026-10-08T09:00:00Z",
            ticket="T1",
            state="rejected",
            reason="too early",
        ),
        sla.Claim(
            "desk",
            "2026-10",
            "2026-10-09T09:00:00Z",
            ticket="T1",
            state="disputed",
            reason="reopened",
        ),
        sla.Claim("desk", "2026-10", "2026-10-11T09:00:00Z", ticket="T2"),
    ]
    report = _ticket_report(claims)
    assert report.total == sla.usd("200.00")
    assert claim_notes(report)[0][2] == (
        "within 14 days after the ticket closes: ticket T1: claimed at 2026-10-09T09:00:00Z "
        "(disputed: reopened); ticket T2: claimed at 2026-10-11T09:00:00Z"
    )
    assert claim_states(report) == ["claimed"]
    rejected = _ticket_report([claims[0]])
    assert rejected.total == sla.usd("0.00")
    assert claim_states(rejected) == ["rejected"]
    table = sla.ClaimTable.from_records(claims)
    assert table.by_ticket("desk") == {
        "T1": claims[1].filed_us,
        "T2": claims[2].filed_us,
    }
    assert table.first_by_ticket("desk", rejected=True) == {"T1": 0}


# --- the ledger ----------------------------------------------------------------------------------


def test_the_ledger_reads_rejected_for_a_customer_whose_only_claims_were_rejected() -> None:
    """A portfolio's claim column: rejected, claimed after a rejection, not claimed."""
    plan = sla.Tier("gold", fee=sla.usd("1000.00"), objectives=[TARGET], compensation=CLAIMED)
    customers = {"customer": ["x", "y", "z"], "plan": ["gold"] * 3, "service": ["a", "b", "c"]}
    claims = sla.ClaimTable.from_records(
        [
            claim(NOV_2, service="a", state="rejected", reason="no outage"),
            claim(NOV_2, service="b", state="rejected", reason="wrong period"),
            claim(NOV_10, service="b", state="accepted"),
        ]
    )
    events = sla.EventTable.from_records([down("a"), down("b"), down("c")])
    result = sla.Portfolio(plans={"gold": plan}, customers=customers).evaluate(
        events, claims, period="2026-10"
    )
    assert result.ledger["credit"] == ["0.00", "100.00", "0.00"]
    assert result.ledger["claim"] == ["rejected", "claimed", "not claimed"]


def test_two_claim_clauses_rejected_merge_to_rejected() -> None:
    """Two clauses whose only claims were rejected read rejected; one claimed reads claimed."""
    twice = CLAIMED + sla.claim_required(
        sla.per_breach(TARGET, sla.usd("50")), sla.within_cycles(1)
    )
    rejected = [claim(state="rejected", reason="no outage")]
    assert claim_states(run(rejected, rule=twice)) == ["rejected"]
    assert claim_states(run(rejected, rule=sla.cap(CLAIMED, at_most="5%"))) == ["rejected"]
    assert claim_states(run([claim(state="accepted")], rule=twice)) == ["claimed"]


def test_claim_states_put_pending_before_rejected_before_late() -> None:
    """Where several unpaid states hold, the one to act on first names the service."""
    owed = np.array([True, True, True, True, False])
    claimed = np.zeros(5, dtype=bool)
    unclaimed = np.ones(5, dtype=bool)
    pending = np.array([True, False, False, False, True])
    rejected = np.array([True, True, False, False, True])
    late = np.array([True, True, True, False, False])
    states = _claim_states(
        owed, claimed, unclaimed, pending=pending, late=late, rejected=rejected
    ).tolist()
    assert states == ["pending", "rejected", "late", "not claimed", ""]


# --- columns and files ----------------------------------------------------------------------------


def test_columns_read_states_and_reasons() -> None:
    """``state`` and ``reason`` are optional columns; a missing state is filed."""
    table = sla.ClaimTable.from_columns(
        {
            "service": ["a", "a", "b"],
            "period": ["2026-10"] * 3,
            "filed": [NOV_2, NOV_10, NOV_20],
            "state": [None, "rejected", "disputed"],
            "reason": [None, "duplicate", ""],
        }
    )
    assert table.records == (
        claim(NOV_2),
        claim(NOV_10, state="rejected", reason="duplicate"),
        claim(NOV_20, service="b", state="disputed"),
    )
    assert table.state.tolist() == ["filed", "rejected", "disputed"]
    assert table.reason.tolist() == [None, "duplicate", None]
    plain = sla.ClaimTable.from_columns({"service": ["a"], "period": ["2026-10"], "filed": [NOV_2]})
    assert plain.records == (claim(NOV_2),)


CSV = (
    "service,period,filed,state,reason\n"
    f"a,2026-10,{NOV_2},,\n"
    f"a,2026-10,{NOV_10},Rejected,duplicate\n"
    f"b,2026-10,{NOV_20},rejected,\n"
    "c,2026-10,,accepted,\n"
    f"d,2026-10,{NOV_20},open,\n"
)


def test_bad_states_in_a_csv_file_are_reported_by_line_all_at_once(tmp_path: Path) -> None:
    """Every bad row is named by its line and field, the did-you-mean included."""
    path = tmp_path / "claims.csv"
    path.write_text(CSV, encoding="utf-8")
    with pytest.raises(EventDataError) as error:
        slakit.io.read_table(path, "claims")
    problems = [str(p).rpartition("/")[2] for p in error.value.problems]
    assert problems == [
        (
            "claims.csv:3: state: 'Rejected' is not one of filed, accepted, disputed, rejected; "
            "did you mean 'rejected'?"
        ),
        "claims.csv:4: reason: missing; a rejected claim needs its reason",
        "claims.csv:5: filed: missing; every claim was filed at an instant",
        "claims.csv:6: state: 'open' is not one of filed, accepted, disputed, rejected",
    ]


ROWS = [
    {"service": "a", "period": "2026-10", "filed": NOV_2},
    {"service": "a", "period": "2026-10", "filed": NOV_10, "state": "rejected", "reason": "dup"},
    {"service": "b", "period": "2026-10", "filed": NOV_20, "state": "accepted", "ticket": "T-1"},
]
EXPECTED = (
    claim(NOV_2),
    claim(NOV_10, state="rejected", reason="dup"),
    claim(NOV_20, service="b", state="accepted", ticket="T-1"),
)


def test_states_from_csv(tmp_path: Path) -> None:
    """A CSV file's blank state is filed, its blank reason none."""
    path = tmp_path / "claims.csv"
    lines = ["service,period,filed,ticket,state,reason"]
    lines += [
        ",".join(
            str(row.get(k, "")) for k in ("service", "period", "filed", "ticket", "state", "reason")
        )
        for row in ROWS
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert slakit.io.read_table(path, "claims").records == EXPECTED


def test_states_from_json_lines(tmp_path: Path) -> None:
    """A JSON Lines key left out is the default; a bad state names its line."""
    path = tmp_path / "claims.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in ROWS), encoding="utf-8")
    assert slakit.io.read_table(path, "claims").records == EXPECTED
    bad = [*ROWS[:2], {**ROWS[2], "state": "Accepted"}]
    path.write_text("".join(json.dumps(row) + "\n" for row in bad), encoding="utf-8")
    with pytest.raises(EventDataError) as error:
        slakit.io.read_table(path, "claims")
    assert [str(p).rpartition("/")[2] for p in error.value.problems] == [
        (
            "claims.jsonl:3: state: 'Accepted' is not one of filed, accepted, disputed, "
            "rejected; did you mean 'accepted'?"
        )
    ]


def test_states_from_parquet(tmp_path: Path) -> None:
    """Parquet nulls are the defaults; a bad state names its row."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    columns = {k: [row.get(k) for row in ROWS] for k in ("service", "period", "filed", "ticket")}
    columns["state"] = [row.get("state") for row in ROWS]
    columns["reason"] = [row.get("reason") for row in ROWS]
    path = tmp_path / "claims.parquet"
    pq.write_table(pa.table({k: pa.array(v, type=pa.string()) for k, v in columns.items()}), path)
    assert slakit.io.read_table(path, "claims").records == EXPECTED
    columns["state"][2] = "acepted"
    pq.write_table(pa.table({k: pa.array(v, type=pa.string()) for k, v in columns.items()}), path)
    with pytest.raises(EventDataError) as error:
        slakit.io.read_table(path, "claims")
    (problem,) = error.value.problems
    assert (problem.field, problem.message) == (
        "state",
        "'acepted' is not one of filed, accepted, disputed, rejected; did you mean 'accepted'?",
    )
    assert problem.where.endswith("claims.parquet:row 2")  # rows of a Parquet file count from 0


def test_a_claim_on_request_has_no_deadline() -> None:
    """Credits issued on request: a claim filed years later still counts."""
    on_request = sla.claim_required(SCHEDULE, sla.on_request())
    down = [sla.Outage("a", "2026-10-05T00:00:00Z", "2026-10-05T01:00:00Z")]
    late = [sla.Claim("a", "2026-10", "2029-01-01T00:00:00Z")]
    paid = sla.evaluate(agreement(on_request), down, late, period="2026-10")
    assert paid.total == sla.usd("100.00")
    note = paid.compensation.lines[-1].note
    assert note is not None
    assert note.endswith("on request, at any time (no deadline)")
    unpaid = sla.evaluate(agreement(on_request), down, period="2026-10")
    assert unpaid.total == sla.usd("0.00")
    assert unpaid.compensation.lines[-1].note == (
        "not paid: no claim was filed for 2026-10; claims are due on request, at any time "
        "(no deadline)"
    )
    snapshot = sla.ClaimTable([], as_of="2027-06-01T00:00:00Z")
    pending = sla.evaluate(agreement(on_request), down, snapshot, period="2026-10")
    assert "pending: no claim as of 2027-06-01T00:00:00Z" in str(
        pending.compensation.lines[-1].note
    )
    rule = agreement(on_request)
    assert sla.from_data(json.loads(json.dumps(sla.to_data(rule)))) == rule
    assert repr(on_request).endswith("on_request())")
