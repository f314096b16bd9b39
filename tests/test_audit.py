"""The clause audit: each clause's effect over a history, adding up exactly."""

from __future__ import annotations

import io
import json
from fractions import Fraction
from pathlib import Path

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
import slakit.strategies as sst
from slakit._cli import main

NOTICE = sla.scheduled_maintenance(notice=sla.days(5))
UP = sla.uptime(min_outage=sla.minutes(5), granularity=sla.minutes(1), excluding=[NOTICE])
TABLE = {"< 99.9%": "10%", "< 99%": "25%", "< 95%": "50%"}


def _terms(measure: sla.Uptime = UP, cap: str | None = "30%") -> sla.Agreement:
    schedule = sla.credit_schedule(measure, TABLE)
    tier = sla.Tier(
        "std",
        fee=sla.usd("1000.00"),
        objectives=[measure >= "99.9%"],
        compensation=schedule if cap is None else sla.cap(schedule, at_most=cap),
    )
    return sla.Agreement(provider="P", customer="C", services=["api"], tier=tier)


HISTORY = [
    # October: 3 short outages (under 5 minutes) and one of 50 minutes
    sla.Outage("api", "2026-10-02T10:00Z", "2026-10-02T10:04Z"),
    sla.Outage("api", "2026-10-03T10:00Z", "2026-10-03T10:03Z"),
    sla.Outage("api", "2026-10-04T10:00Z", "2026-10-04T10:02Z"),
    sla.Outage("api", "2026-10-20T10:00Z", "2026-10-20T10:50Z"),
    # November: down 9 hours inside maintenance announced 6 days ahead
    sla.Maintenance("api", "2026-11-15T00:00Z", "2026-11-15T10:00Z", "2026-11-09T00:00Z"),
    sla.Outage("api", "2026-11-15T01:00Z", "2026-11-15T10:00Z"),
    # December: down 8 hours inside maintenance announced 2 days ahead (too late)
    sla.Maintenance("api", "2026-12-15T00:00Z", "2026-12-15T10:00Z", "2026-12-13T00:00Z"),
    sla.Outage("api", "2026-12-15T01:00Z", "2026-12-15T09:00Z"),
]


def _paid(agreement: sla.Agreement, period: str) -> Fraction:
    return sla.evaluate(agreement, HISTORY, period=period).exact_total


def test_each_clause_against_the_agreement_written_without_it() -> None:
    """Each effect equals the credits of the agreement written by hand without the clause."""
    result = sla.audit(_terms(), HISTORY, start="2026-10", end="2026-12")
    periods = ("2026-10", "2026-11", "2026-12")
    full = [_paid(_terms(), p) for p in periods]
    assert result.paid == tuple(full)
    # October: 50 minutes count (the short ones do not): 10%; November: excluded; December:
    # 8 hours under a late notice: below 99%, 25%
    assert full == [100, 0, 250]
    unexcluded = sla.uptime(min_outage=sla.minutes(5), granularity=sla.minutes(1))
    by_hand = sum(_paid(_terms(unexcluded), p) for p in periods) - sum(full)
    assert result.effect("uptime: excluding[0]").removed == by_hand == 250  # November: 25%
    assert result.effect("uptime: excluding[0]").decided == ("2026-11",)
    assert result.effect("uptime: excluding[0]").units == 9 * 3600
    unnoticed = sla.uptime(
        min_outage=sla.minutes(5),
        granularity=sla.minutes(1),
        excluding=[sla.scheduled_maintenance()],
    )
    notice = result.effect("uptime: excluding[0].notice")
    assert notice.removed == sum(_paid(_terms(unnoticed), p) for p in periods) - sum(full)
    assert notice.removed == -250  # without the notice condition, December is excluded too
    short = result.effect("uptime: min_outage")
    assert short.units == 9 * 60  # 4 + 3 + 2 minutes of short outages
    assert short.events == 3
    assert short.removed == 0  # 59 minutes in October still earn the same 10%
    assert result.effect("rounding").removed == 0
    total = sum((e.removed for e in result.effects), Fraction(0)) + result.interaction
    assert total == result.total_difference


def test_the_audit_renders_in_every_format() -> None:
    """Text, Markdown, HTML and JSON say the same figures."""
    result = sla.audit(_terms(), HISTORY, start="2026-10", end="2026-12")
    assert "uptime: excluding[0]" in result.explain()
    assert "| uptime: min_outage |" in result.to_markdown()
    assert result.to_html().startswith("<!DOCTYPE html>")
    data = result.to_dict()
    assert data["total_difference"] == str(result.total_difference)
    assert {c["key"] for c in data["clauses"]} >= {"cap", "rounding", "uptime: min_outage"}


def test_terms_that_favour_one_side_are_flagged_with_the_evidence() -> None:
    """A cap below the worst band, maintenance without an allowance, a long minimum, a gap."""
    kinds = {f.kind for f in sla.audit(_terms(), HISTORY, start="2026-10", end="2026-12").flags}
    assert kinds >= {"cap below the last band", "maintenance without an allowance"}
    assert "minimum duration above typical outages" not in kinds  # median 27 minutes
    blips = [
        sla.Outage("api", f"2026-10-{d:02d}T10:00Z", f"2026-10-{d:02d}T10:0{d % 4 + 1}Z")
        for d in range(1, 10)
    ]
    [flag] = [
        f
        for f in sla.audit(_terms(), blips, start="2026-10", end="2026-10").flags
        if f.kind == "minimum duration above typical outages"
    ]
    assert "9 of the 9 outages in the history are shorter" in flag.text
    gap = sla.uptime()
    tier = sla.Tier(
        "g",
        fee=sla.usd("10.00"),
        objectives=[gap >= "99%"],
        compensation=sla.credit_schedule(gap, {"(95%, 99%)": "10%", "(90%, 95%)": "20%"}),
    )
    terms = sla.Agreement(provider="P", customer="C", services=["api"], tier=tier)
    flags = sla.audit(terms, [], start="2026-10", end="2026-10").flags
    assert any(f.kind == "schedule gap" and "95%" in f.text for f in flags)


@given(
    agreement=sst.agreements(services=["api"]),
    outages=st.lists(sst.outages(["api"], period="2026-10"), max_size=5),
)
@settings(max_examples=25, deadline=None)
def test_the_figures_add_up_and_a_clause_that_never_acted_changes_nothing(
    agreement: sla.Agreement, outages: list[sla.Outage]
) -> None:
    """Effects plus interaction equal the total difference, exactly; idle clauses are zero."""
    result = sla.audit(agreement, outages, start="2026-10", end="2026-10")
    total = sum((e.removed for e in result.effects), Fraction(0)) + result.interaction
    assert total == result.total_difference
    assert result.paid == (sla.evaluate(agreement, outages, period="2026-10").total.amount,)
    for effect in result.effects:  # no maintenance in the history: its exclusions never act
        if effect.clause.kind in ("exclusion", "exclusion condition") and "maintenance" in (
            effect.clause.description
        ):
            assert effect.removed == 0
            assert effect.decided == ()
            assert effect.events == 0


def test_the_command_line_writes_the_audit(tmp_path: Path) -> None:
    """`slakit audit AGREEMENT EVENTS --from --to` in text, Markdown, JSON and HTML."""
    main(["demo", "--write", str(tmp_path)], out=io.StringIO(), err=io.StringIO())
    args = [
        "audit",
        str(tmp_path / "agreement.py"),
        str(tmp_path / "events.jsonl"),
        "--from",
        "2026-10",
        "--to",
        "2026-10",
    ]
    out = io.StringIO()
    assert main([*args, "--format", "json"], out=out, err=io.StringIO()) == 0
    assert json.loads(out.getvalue())["periods"] == ["2026-10"]
    html = tmp_path / "audit.html"
    assert main([*args, "--output", str(html)], out=io.StringIO(), err=io.StringIO()) == 0
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    out = io.StringIO()
    assert main([*args, "--format", "md"], out=out, err=io.StringIO()) == 0
    assert out.getvalue().startswith("# Clause audit")


def test_a_claim_window_shorter_than_the_reporting_delay_is_flagged() -> None:
    """Claims due within 7 days of the period's end, the provider's report within 10."""
    up = sla.uptime()
    tier = sla.Tier(
        "t",
        fee=sla.usd("100.00"),
        objectives=[up >= "99.9%"],
        compensation=sla.claim_required(
            sla.credit_schedule(up, {"< 99.9%": "10%"}), sla.within_days(sla.days(7))
        ),
    )
    terms = sla.Agreement(
        provider="P",
        customer="C",
        services=["api"],
        tier=tier,
        reporting=sla.reporting(due=sla.days(10)),
    )
    result = sla.audit(terms, [], start="2026-10", end="2026-10")
    [flag] = [f for f in result.flags if f.kind == "claim window shorter than the reporting delay"]
    assert "within 7 days" in flag.text
    assert "10 days after it" in flag.text
    assert "claim clause" in {e.clause.kind for e in result.effects}
    relaxed = attrs.evolve(terms, reporting=sla.reporting(due=sla.days(5)))
    assert not any(
        f.kind == "claim window shorter than the reporting delay"
        for f in sla.audit(relaxed, [], start="2026-10", end="2026-10").flags
    )
