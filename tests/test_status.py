"""The period in progress: status() as of an instant, against hand figures and the final report."""

from __future__ import annotations

import io
import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
import slakit.strategies as sst
from slakit._cli import main
from slakit._engine._live import as_of
from slakit._events._tickets import NO_TIME as TICKET_NO_TIME
from slakit.exceptions import EvaluationError

UP = sla.uptime(
    min_outage=sla.minutes(1),
    granularity=sla.minutes(1),
    excluding=[sla.scheduled_maintenance(notice=sla.days(5))],
)
GOLD = sla.Tier(
    "gold",
    fee=sla.usd("1000.00"),
    objectives=[UP >= "99.9%"],
    compensation=sla.credit_schedule(UP, {"< 99.9%": "10%", "< 99%": "25%", "< 95%": "100%"}),
)
TERMS = sla.Agreement(provider="P", customer="C", services=["api", "db"], tier=GOLD)
NOW = "2026-11-17T12:00Z"
EVENTS = [
    sla.Outage("api", "2026-11-03T10:00Z", "2026-11-03T10:30Z"),
    sla.Outage("api", "2026-11-17T11:30Z", "2026-11-17T13:00Z"),  # ongoing at NOW
    sla.Outage("db", "2026-11-20T00:00Z", "2026-11-20T01:00Z"),  # after NOW: not known yet
    sla.Maintenance("db", "2026-11-25T00:00Z", "2026-11-25T04:00Z", announced="2026-11-10T00:00Z"),
]
MONTH = 30 * 86_400


def _entry(status: sla.Status, service: str) -> sla.ObjectiveStatus:
    return next(o for o in status.objectives if o.service == service)


def test_allowance_spent_and_bands_match_hand_figures() -> None:
    """A month of 30 days at 99.9%: 2,592 s allowed; api spent 30 + 30 minutes by noon."""
    now = sla.status(TERMS, EVENTS, now=NOW)
    api = _entry(now, "api")
    assert (api.unit, api.basis) == ("seconds", "period")
    assert api.total == MONTH
    assert api.allowance == Fraction(2592)
    assert api.spent == 3600  # the ongoing outage counts up to NOW only
    assert api.remaining == 2592 - 3600
    assert api.breached
    # 99% is 25,920 s of misses: the 25% band starts past it; 95% past 129,600 s
    assert [(b.reached, b.remaining) for b in api.bands] == [
        (True, Fraction(2592 - 3600)),
        (False, Fraction(25920 - 3600)),
        (False, Fraction(129600 - 3600)),
    ]
    assert [b.amount for b in api.bands] == [
        sla.usd("100.00"),
        sla.usd("250.00"),
        sla.usd("1000.00"),
    ]
    assert api.exposure() == sla.usd("150.00")
    assert now.accrued == sla.usd("100.00")
    # db: the future outage is not known; the announced maintenance is excluded ahead
    db = _entry(now, "db")
    assert db.total == MONTH - 4 * 3600
    assert db.spent == 0
    assert db.allowance == Fraction(MONTH - 4 * 3600, 1000)
    assert db.budget_left == 1
    assert db.exposure() == sla.usd("100.00")
    assert now.exposure() == sla.usd("250.00")
    # the outage of the 20th is not known at NOW: counted as not read, never silently dropped
    assert now.not_yet == {"EventTable": 1}
    assert "Not known yet at this instant, so not read: 1 EventTable row" in now.explain()
    assert now.to_dict()["not_yet"] == {"EventTable": 1}


def test_value_so_far_projection_and_burn_rates() -> None:
    """So far: 3,600 s down out of the 16.5 days gone; the last hour: 30 minutes down."""
    api = _entry(sla.status(TERMS, EVENTS, now=NOW), "api")
    gone = (16 * 86_400 + 12 * 3600) * 10**6
    assert api.value_so_far == Fraction(gone - 3600 * 10**6, gone)
    assert api.projected_value == api.value_so_far
    assert api.projected_met is False
    rates = {b.window: b.rate for b in api.burn}
    assert rates[sla.hours(1).us] == Fraction(1, 2) * 1000
    assert rates[sla.hours(6).us] == Fraction(1, 12) * 1000
    assert set(rates) == set(sla._engine._live.DEFAULT_WINDOWS)


def test_alerts_fire_by_the_workbook_and_as_the_pure_function_says() -> None:
    """The fast-burn page fires for api; nothing fires for db; burn_alerts() agrees."""
    now = sla.status(TERMS, EVENTS, now=NOW)
    firing = {(a.service, a.alert.name) for a in now.firing()}
    assert ("api", "fast burn") in firing
    assert not any(service == "db" for service, _ in firing)
    for alert in now.alerts:
        [(_, fires)] = sla.burn_alerts(
            {alert.alert.long: alert.long_rate, alert.alert.short: alert.short_rate},
            [alert.alert],
        )
        assert fires == alert.firing
    # exactly at the factor does not fire; a window without data never fires
    hot = sla.BurnAlert("x", long=10, short=1, factor=Fraction(2))
    assert sla.burn_alerts({10: Fraction(2), 1: Fraction(5)}, [hot]) == [(hot, False)]
    assert sla.burn_alerts({10: None, 1: Fraction(5)}, [hot]) == [(hot, False)]
    assert sla.burn_alerts({10: Fraction(3), 1: Fraction(5)}, [hot]) == [(hot, True)]
    with pytest.raises(KeyError):
        sla.burn_alerts({10: Fraction(3)}, [hot])


def test_now_must_be_inside_the_period() -> None:
    """A status before a period's start or after its end is refused, naming the period."""
    with pytest.raises(EvaluationError, match="not within period 2026-10"):
        sla.status(TERMS, EVENTS, now=NOW, period="2026-10")
    with pytest.raises(EvaluationError, match="not within period 2026-11"):
        sla.status(TERMS, EVENTS, now="2026-11-01T00:00Z", period="2026-11")


def test_inputs_as_of_an_instant() -> None:
    """Rows that begin later are dropped, outages end at now, announced maintenance stays."""
    table = sla.EventTable.from_records(EVENTS)
    now = sla.to_us(NOW)
    seen = as_of(table, now)
    assert isinstance(seen, sla.EventTable)
    assert len(seen) == 3
    assert max(seen.end.tolist()) == sla.to_us("2026-11-25T04:00Z")  # the maintenance
    assert sorted(seen.end.tolist())[1] == now  # the ongoing outage, cut at now
    early = sla.Maintenance(
        "db", "2026-11-25T00:00Z", "2026-11-25T01:00Z", announced="2026-11-18T00:00Z"
    )
    assert len(as_of(sla.EventTable.from_records([early]), now)) == 0  # announced later
    requests = sla.RequestTable.from_records(
        [
            sla.Request("api", "2026-11-17T11:59Z", 200),
            sla.Request("api", NOW, 500),
        ]
    )
    assert len(as_of(requests, now)) == 1


@given(
    agreement=sst.agreements(services=["api", "db"]),
    outages=st.lists(sst.outages(["api", "db"], period="2026-10"), max_size=6),
)
@settings(max_examples=40, deadline=None)
def test_status_at_the_end_of_the_period_is_the_final_report(
    agreement: sla.Agreement, outages: list[sla.Outage]
) -> None:
    """At the period's end the status's values and credits equal the final evaluation."""
    period = agreement.period.resolve("2026-10")
    final = sla.evaluate(agreement, outages, period="2026-10")
    closing = sla.status(agreement, outages, now=period.end, period="2026-10")
    assert closing.accrued == final.total
    assert closing.report.exact_total == final.exact_total
    by = {(o.objective, o.service): o for o in closing.objectives}
    for result in final.objectives:
        entry = by[(result.objective, result.service)]
        assert entry.value_so_far == entry.value_if_no_more == result.value


def test_the_command_line_prints_the_status(tmp_path: Path) -> None:
    """`slakit status` prints the text and the JSON of the status."""
    out, err = io.StringIO(), io.StringIO()
    assert main(["demo", "--write", str(tmp_path)], out=out, err=err) == 0
    args = ["status", str(tmp_path / "agreement.py"), str(tmp_path / "events.jsonl")]
    out = io.StringIO()
    assert main([*args, "--now", "2026-10-17T12:00Z"], out=out, err=io.StringIO()) == 0
    assert "Credit accrued if nothing more goes wrong" in out.getvalue()
    out = io.StringIO()
    assert main([*args, "--now", "2026-10-17T12:00Z", "--json"], out=out, err=err) == 0
    data = json.loads(out.getvalue())
    assert data["period"] == "2026-10"
    assert {o["service"] for o in data["objectives"]} >= {"eu-central-1", "us-east-1"}
    err = io.StringIO()
    assert main([*args, "--now", "soon"], out=io.StringIO(), err=err) == 2
    assert "--now='soon' is not an ISO 8601 instant" in err.getvalue()


def test_a_rolling_window_counts_the_budget_over_the_window() -> None:
    """The last 7 days to NOW: 604,800 s, 0.1% allowed; the outage of the 3rd is outside."""
    now = sla.status(TERMS, EVENTS, now=NOW, rolling=sla.days(7))
    assert now.rolling
    assert now.accrued is None
    api = _entry(now, "api")
    assert api.total == 7 * 86_400
    assert api.allowance == Fraction(7 * 86_400, 1000)
    assert api.spent == 1800  # only today's outage, up to NOW
    assert api.bands == ()
    assert "Credit accrued" not in now.explain()
    assert now.to_dict()["accrued"] is None
    with pytest.raises(EvaluationError, match="not both"):
        sla.status(TERMS, EVENTS, now=NOW, rolling=sla.days(7), period="2026-11")
    with pytest.raises(EvaluationError, match="positive duration"):
        sla.status(TERMS, EVENTS, now=NOW, rolling=7)  # type: ignore[arg-type]


def test_the_command_line_reads_a_rolling_window(tmp_path: Path) -> None:
    """`slakit status --rolling '7 days'` counts the window, and names a bad duration."""
    main(["demo", "--write", str(tmp_path)], out=io.StringIO(), err=io.StringIO())
    args = ["status", str(tmp_path / "agreement.py"), str(tmp_path / "events.jsonl")]
    out = io.StringIO()
    code = main(
        [*args, "--now", "2026-10-17T12:00Z", "--rolling", "7 days", "--json"],
        out=out,
        err=io.StringIO(),
    )
    assert code == 0
    assert json.loads(out.getvalue())["rolling"] is True
    err = io.StringIO()
    assert main([*args, "--now", "2026-10-17T12:00Z", "--rolling", "1 month"], err=err) == 2
    assert "slakit: error:" in err.getvalue()


def test_a_service_without_eligible_time_has_no_budget() -> None:
    """Service hours that have not begun leave no data: no allowance, nothing breached."""
    office = sla.uptime(during=sla.weekly("Mon-Fri 08:00-18:00", tz="UTC"))
    tier = sla.Tier("t", fee=sla.usd("10.00"), objectives=[office > "99%"])
    terms = sla.Agreement(provider="P", customer="C", services=["api"], tier=tier)
    # 1 November 2026 is a Sunday: at noon no service hour has passed
    now = sla.status(terms, [], now="2026-11-01T12:00Z", rolling=sla.hours(12))
    [entry] = now.objectives
    assert entry.value_so_far is None
    assert (entry.basis, entry.allowance, entry.remaining) == (None, None, None)
    assert not entry.breached
    assert "no data yet" in entry.describe()


def test_since_when_an_alert_fires() -> None:
    """The fast burn began with the outage at 11:30: read back on the 5-minute grid, 11:35."""
    now = sla.status(TERMS, EVENTS, now=NOW)
    fast = next(a for a in now.firing() if a.alert.name == "fast burn")
    assert fast.since == sla.to_us("2026-11-17T11:35Z")
    assert not fast.earlier
    assert "began between 2026-11-17T11:30:00Z and 2026-11-17T11:35:00Z" in now.explain()
    # a 30-minute short window: the outage of 11:30 is read at 12:00 only
    slow = next(a for a in now.firing() if a.alert.name == "burn")
    assert slow.since == sla.to_us(NOW)
    assert all(a.since is None for a in now.alerts if not a.firing)
    # down since the start of the long window: it fires at every instant read back
    always = [sla.Outage("api", "2026-11-17T09:00Z", "2026-11-17T13:00Z")]
    page = sla.BurnAlert("page", long=sla.hours(1).us, short=sla.minutes(5).us, factor=1)
    [alert, *_] = sla.status(TERMS, always, now=NOW, alerts=[page]).firing()
    assert alert.earlier
    assert alert.since == sla.to_us("2026-11-17T11:00Z")
    assert (
        "firing since before 2026-11-17T11:00:00Z"
        in sla.status(TERMS, always, now=NOW, alerts=[page]).explain()
    )


def test_a_compiled_plan_gives_the_same_status() -> None:
    """Plan.status() is status() of the plan's agreement."""
    plan = sla.compile_agreement(TERMS)
    assert plan.status(EVENTS, now=NOW).to_dict() == sla.status(TERMS, EVENTS, now=NOW).to_dict()
    rolled = plan.status(EVENTS, now=NOW, rolling=sla.days(7))
    assert rolled.rolling


def _demo_portfolio(folder: Path) -> tuple[sla.Portfolio, list[object]]:
    import runpy

    import slakit.io

    main(["demo", "--write", str(folder)], out=io.StringIO(), err=io.StringIO())
    defined = runpy.run_path(str(folder / "plans.py"))
    portfolio = sla.Portfolio(
        plans=defined["plans"],
        customers=slakit.io.read_table(folder / "customers.csv", "customers"),
        provider=defined["provider"],
    )
    events = sla.EventTable.concat(
        [
            slakit.io.read_table(folder / "outages.csv", "outages"),
            slakit.io.read_table(folder / "maintenance.csv", "maintenance"),
        ]
    )
    return portfolio, [events]


def test_a_portfolio_status_is_each_customers_own_status(tmp_path: Path) -> None:
    """Every customer's figures equal status() of its own agreement; ranked by exposure."""
    from slakit._engine._portfolio import customer_agreement

    portfolio, inputs = _demo_portfolio(tmp_path)
    now = "2026-10-17T12:00Z"
    whole = portfolio.status(*inputs, now=now)
    assert whole.period == "2026-10"
    assert not whole.not_read
    assert sum(whole.unrouted.values()) > 0  # the demo has rows for no customer
    assert whole.not_yet.get("EventTable", 0) > 0  # the demo's October goes on past the 17th
    assert "Not known yet at this instant" in whole.explain()
    for entry in whole.customers:
        own = sla.status(customer_agreement(portfolio, entry.customer), *inputs, now=now)
        assert entry.accrued == own.accrued
        mine = sorted((o.service, o.remaining, o.budget_left) for o in entry.objectives)
        theirs = sorted((o.service, o.remaining, o.budget_left) for o in own.objectives)
        assert mine == theirs
    ranked = whole.ranked()
    exposures = [c.exposure() for c in ranked]
    amounts = [e.amount for e in exposures if e is not None]
    assert amounts == sorted(amounts, reverse=True)
    assert whole.to_dict()["customers"][0]["customer"] == ranked[0].customer
    assert ranked[0].customer in whole.explain(top=1)


def test_the_command_line_ranks_a_portfolio(tmp_path: Path) -> None:
    """`slakit status PLANS --customers ...` prints the ranking; --rolling is refused there."""
    main(["demo", "--write", str(tmp_path)], out=io.StringIO(), err=io.StringIO())
    args = [
        "status",
        str(tmp_path / "plans.py"),
        "--customers",
        str(tmp_path / "customers.csv"),
        "--outages",
        str(tmp_path / "outages.csv"),
        "--maintenance",
        str(tmp_path / "maintenance.csv"),
        "--now",
        "2026-10-17T12:00Z",
    ]
    out = io.StringIO()
    assert main([*args, "--top", "2"], out=out, err=io.StringIO()) == 0
    table = [line for line in out.getvalue().splitlines() if " | " in line]
    assert len(table) == 3  # the header and two customers
    out = io.StringIO()
    assert main([*args, "--json"], out=out, err=io.StringIO()) == 0
    assert len(json.loads(out.getvalue())["customers"]) == 6
    err = io.StringIO()
    assert main([*args, "--rolling", "7 days"], out=io.StringIO(), err=err) == 2
    assert "--rolling reads one agreement" in err.getvalue()
    # a billing export with names of its own: --columns renames the customers table's too
    exported = tmp_path / "billing.csv"
    text = (tmp_path / "customers.csv").read_text(encoding="utf-8")
    exported.write_text(text.replace("customer,", "account,", 1), encoding="utf-8")
    renamed = [*args[:3], str(exported), *args[4:]]
    out = io.StringIO()
    code = main(
        [*renamed, "--json", "--columns", "customers:customer=account"],
        out=out,
        err=io.StringIO(),
    )
    assert code == 0
    assert len(json.loads(out.getvalue())["customers"]) == 6


def test_every_input_kind_as_known_at_an_instant() -> None:
    """Probes, tickets, claims, corrections and charges, each as it was known at NOW."""
    now = sla.to_us(NOW)
    probes = sla.ProbeTable.from_records(
        [
            sla.Probe("api", "2026-11-17T11:00Z", "rtt", "10"),
            sla.Probe("api", NOW, "rtt", "12"),
        ]
    )
    seen = as_of(probes, now)
    assert isinstance(seen, sla.ProbeTable)
    assert seen.time.tolist() == [now - 3_600_000_000]
    tickets = sla.TicketTable.from_records(
        [
            sla.Ticket(  # answered before NOW, resolved after: still open at NOW
                "T1",
                "api",
                "P1",
                opened="2026-11-17T09:00Z",
                first_response="2026-11-17T09:30Z",
                resolved="2026-11-17T15:00Z",
                transitions=[
                    ("2026-11-17T10:00Z", "waiting_on_customer"),
                    ("2026-11-17T13:00Z", "open"),
                ],
                pauses=[("2026-11-17T11:00Z", "2026-11-17T14:00Z")],
            ),
            sla.Ticket("T2", "api", "P2", opened="2026-11-17T13:00Z"),  # opened after NOW
        ]
    )
    known = as_of(tickets, now)
    assert isinstance(known, sla.TicketTable)
    assert list(known.ids) == ["T1"]
    assert known.first_response.tolist() == [sla.to_us("2026-11-17T09:30Z")]
    assert known.resolved.tolist() == [TICKET_NO_TIME]  # resolved after NOW: not yet known
    assert known.change_at.tolist() == [sla.to_us("2026-11-17T10:00Z")]
    assert known.pause_end.tolist() == [now]  # a pause running at NOW ends there
    claims = sla.ClaimTable.from_records(
        [
            sla.Claim("api", "2026-11", filed="2026-11-17T10:00Z"),
            sla.Claim("api", "2026-11", filed="2026-11-18T10:00Z"),
        ]
    )
    assert len(as_of(claims, now)) == 1
    corrections = sla.CorrectionTable(
        [
            sla.Correction("api", "2026-11-03T10:00Z", "2026-11-03T10:30Z", category="provider"),
            sla.Correction(
                "api",
                "2026-11-03T11:00Z",
                "2026-11-03T11:30Z",
                category="provider",
                recorded="2026-11-20T00:00Z",
            ),
        ]
    )
    assert len(as_of(corrections, now)) == 1
    charges = sla.ChargeTable.from_records([])
    assert as_of(charges, now) is charges
    with pytest.raises(EvaluationError, match="cannot read"):
        as_of(object(), now)
