"""Claims judged per incident: the incident's trouble ticket and a claim naming it (issue 16).

``claim_required(per_incident(...), incident_claims(ticket_within=, claim_within=))``
pays an incident's credit only if its ticket (the first of the service opened
at or after the incident began, before the next one began) was opened within
``ticket_within`` of the fault, and a claim naming the ticket was filed within
``claim_within`` after the ticket was resolved. Checked against a plain model.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
from slakit.exceptions import DefinitionError

HOUR = 3_600_000_000
DAY = 24 * HOUR
OCTOBER = sla.monthly().period("2026-10")
UP = sla.uptime()
WINDOW = sla.incident_claims(ticket_within=sla.hours(4), claim_within=sla.days(30))
RULE = sla.claim_required(sla.per_incident(UP, worth=sla.usd("100")), WINDOW)


def _agreement(rule: sla.CreditRule = RULE) -> sla.Agreement:
    tier = sla.Tier("t", fee=sla.usd("1000"), objectives=[UP >= "99.9%"], compensation=rule)
    return sla.Agreement(provider="P", customer="C", services=["s"], tier=tier)


def _at(hours: float) -> int:
    return OCTOBER.start + int(hours * HOUR)


def test_each_incident_is_judged_on_its_own_ticket_and_claim() -> None:
    outages = [sla.Outage("s", _at(24 * d), _at(24 * d + 1)) for d in (1, 9, 19, 24)]
    tickets = sla.TicketTable.from_records(
        [
            sla.Ticket("INC-1", "s", "P1", _at(24 + 0.5), resolved=_at(26)),
            sla.Ticket("INC-2", "s", "P1", _at(24 * 9 + 6), resolved=_at(24 * 9 + 7)),
            sla.Ticket("INC-3", "s", "P1", _at(24 * 19 + 0.25), resolved=_at(24 * 19 + 3)),
        ]
    )
    claims = [
        sla.Claim("s", "2026-10", "2026-10-15T00:00:00Z", ticket="INC-1"),  # in time
        sla.Claim("s", "2026-10", "2026-10-15T00:00:00Z", ticket="INC-2"),  # ticket too late
        sla.Claim("s", "2026-10", "2026-12-15T00:00:00Z", ticket="INC-3"),  # claim too late
    ]  # the fourth incident has no ticket at all
    report = sla.evaluate(_agreement(), outages, tickets, claims, period="2026-10")
    assert report.total == sla.usd("100.00")
    note = report.compensation.lines[-1].note or ""
    assert "ticket INC-1: paid: claimed at 2026-10-15T00:00:00Z" in note
    assert "its ticket INC-2 was opened 6 hours after the fault, later than 4 hours" in note
    assert "after the window closed at 2026-11-19T03:00:00Z" in note
    assert "not paid: no trouble ticket was opened for it" in note
    assert report.columns()["claim.state"].tolist() == ["partly claimed"]
    agreement = _agreement()
    assert sla.from_data(json.loads(json.dumps(sla.to_data(agreement)))) == agreement
    assert repr(WINDOW) == "incident_claims(claim_within=days(30), ticket_within=hours(4))"
    assert "per incident: a trouble ticket opened within 4 hours of the fault" in (
        sla.render_schedule(agreement)
    )


def test_claims_per_incident_need_a_credit_per_incident() -> None:
    with pytest.raises(DefinitionError, match="need a credit per incident"):
        sla.claim_required(sla.credit_schedule(UP, {"< 99.9%": "10%"}), WINDOW)
    with pytest.raises(DefinitionError, match="positive"):
        sla.incident_claims(claim_within=sla.days(0))


@st.composite
def _history(draw: st.DrawFn) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[int]]:
    """Incidents (start hour, length), tickets (opened hour, resolved after), claim delays."""
    starts = sorted(draw(st.sets(st.integers(0, 29), min_size=1, max_size=5)))
    incidents = [(24 * d, draw(st.integers(1, 5))) for d in starts]
    tickets = [
        (draw(st.integers(0, 29 * 24)), draw(st.integers(1, 48)))
        for _ in range(draw(st.integers(0, 5)))
    ]
    delays = [draw(st.integers(0, 40)) for _ in tickets]  # days after resolution, per ticket
    return incidents, tickets, delays


@settings(max_examples=60, deadline=None)
@given(_history())
def test_incident_claims_equal_a_plain_model(
    drawn: tuple[list[tuple[int, int]], list[tuple[int, int]], list[int]],
) -> None:
    incidents, tickets, delays = drawn
    outages = [sla.Outage("s", _at(h), _at(h + n)) for h, n in incidents]
    records = [
        sla.Ticket(f"T{k}", "s", "P1", _at(h), resolved=_at(h + after))
        for k, (h, after) in enumerate(tickets)
    ]
    claims = [
        sla.Claim("s", "2026-10", _at(h + after) + d * DAY - 1, ticket=f"T{k}")
        for k, ((h, after), d) in enumerate(zip(tickets, delays, strict=True))
    ]
    report = sla.evaluate(
        _agreement(), outages, sla.TicketTable.from_records(records), claims, period="2026-10"
    )
    paid = 0
    for j, (h, _n) in enumerate(incidents):
        following = incidents[j + 1][0] if j + 1 < len(incidents) else 10**9
        mine = sorted(
            (opened, k) for k, (opened, _a) in enumerate(tickets) if h <= opened < following
        )
        if not mine:
            continue
        opened, k = mine[0]
        if opened - h > 4:
            continue
        if delays[k] <= 30:  # filed 1 µs before the 30 days after resolution run out
            paid += 100
    assert report.exact_total == paid
