"""Reports: verdicts, credits, evidence, reconciliation, and their renderings."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest

import slakit as sla
from slakit.exceptions import DefinitionError, EvaluationError, PeriodError
from tests.strategies import SpansCalendar

HOUR = 3600 * 1_000_000


def _agreement(**changes: object) -> sla.Agreement:
    u = sla.uptime(
        min_outage=sla.minutes(1),
        granularity=sla.minutes(1),
        excluding=[sla.scheduled_maintenance(notice=sla.days(5))],
    )
    tier = sla.Tier(
        "region",
        fee=sla.usd("10000.00"),
        objectives=[u >= "99.9%"],
        compensation=sla.credit_schedule(u, {"< 99.9%": "10%", "< 99%": "25%"}),
    )
    fields: dict[str, object] = {
        "provider": "Acme",
        "customer": "Globex",
        "services": ["a", "b", "c"],
        "tier": tier,
    }
    fields.update(changes)
    return sla.Agreement(**fields)  # type: ignore[arg-type]


EVENTS: list[sla.Event] = [
    sla.Outage("a", "2026-10-02T00:00:00Z", "2026-10-02T01:00:00Z"),  # 60 min: 99.865%
    sla.Outage("b", "2026-10-02T00:00:00Z", "2026-10-02T10:00:00Z"),  # 600 min: 98.66%
    sla.Outage("zzz", "2026-10-02T00:00:00Z", "2026-10-02T10:00:00Z"),  # not covered
    sla.Maintenance("a", "2026-10-20T00:00Z", "2026-10-20T01:00Z", "2026-10-01T00:00Z"),
]


def test_verdicts_and_credits_per_service() -> None:
    """Each service gets its verdict and its credit; the total is their exact sum."""
    report = sla.evaluate(_agreement(), EVENTS, period="2026-10")
    verdicts = {r.service: r.verdict for r in report.objectives}
    assert verdicts == {"a": sla.Verdict.BREACHED, "b": sla.Verdict.BREACHED, "c": sla.Verdict.MET}
    assert [(line.service, line.share) for line in report.compensation.lines] == [
        ("a", Decimal("0.1")),
        ("b", Decimal("0.25")),
    ]
    assert report.total == sla.usd("3500.00")
    assert not report.compliant
    assert [r.service for r in report.breaches] == ["a", "b"]
    assert report.tier == "region"
    assert report.partial == 1


def test_objective_result_figures() -> None:
    """The value is exact; percent, target and margin are Decimals for people."""
    report = sla.evaluate(_agreement(), EVENTS, period="2026-10")
    a = report.service("a").objectives[0]
    eligible_min = 31 * 24 * 60 - 60
    assert a.value == Fraction(eligible_min - 60, eligible_min)
    assert a.percent == Decimal("99.865410")
    assert a.target == Decimal("0.999")
    assert a.margin == a.value - Fraction(999, 1000)
    assert a.margin_points == Decimal("-0.034590")  # -0.0345895...: rounded half-even
    assert not a.met
    assert a.describe() == "uptime >= 99.9%: breached (99.865410% (exact 742/743))"


def test_service_report_and_unknown_service() -> None:
    """``service()`` gathers one service's results; an unknown name is a KeyError."""
    report = sla.evaluate(_agreement(), EVENTS, period="2026-10")
    b = report.service("b")
    assert b.credits[0].amount == 2500
    assert b.evidence[0].down == sla.Timeline([("2026-10-02T00:00Z", "2026-10-02T10:00Z")])
    with pytest.raises(KeyError, match="'zzz' is not a service"):
        report.service("zzz")
    with pytest.raises(KeyError, match="no measure"):
        report.evidence("zzz")


def test_every_event_reconciles() -> None:
    """Every input event is counted, excluded or ignored, and the counts add up."""
    report = sla.evaluate(_agreement(), EVENTS, period="2026-10")
    rec = report.reconciliation
    assert rec.total == 4
    assert rec.balanced()
    (cats,) = rec.by_measure.values()
    assert cats == {"counted": 2, "excluded": 1, "ignored": 1}
    (reasons,) = rec.reasons.values()
    assert reasons == {"counted": 2, "maintenance excluded": 1, "not covered": 1}
    notes = report.events()
    assert [n.category for n in notes] == ["counted", "counted", "ignored", "excluded"]
    assert notes[2].reason == "ignored: the service is not covered by this measure"
    assert "record 2: outage of zzz" in notes[2].describe()


def test_columns_for_bulk_use() -> None:
    """``columns()`` gives numpy columns per service, for data frames and dashboards."""
    cols = sla.evaluate(_agreement(), EVENTS, period="2026-10").columns()
    assert cols["service"].tolist() == ["a", "b", "c"]
    assert cols["uptime.total"].tolist()[2] == 31 * 24 * HOUR
    assert cols["uptime >= 99.9%.verdict"].tolist() == ["breached", "breached", "met"]
    assert cols["credit.share"].tolist() == [Decimal("0.1"), Decimal("0.25"), Decimal(0)]


def test_to_dict_is_plain_json_data() -> None:
    """The dict form survives JSON and carries exact figures as strings."""
    report = sla.evaluate(_agreement(), EVENTS, period="2026-10")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["period"]["label"] == "2026-10"
    assert data["compensation"]["total"] == {"amount": "3500.00", "currency": "USD"}
    assert data["compensation"]["total_exact"] == "3500"
    assert data["objectives"][0]["value"] == "742/743"
    assert data["evidence"][0]["excluded"] == {
        "service": ["a"],
        "start": ["2026-10-20T00:00:00Z"],
        "end": ["2026-10-20T01:00:00Z"],
        "seconds": ["3600"],
    }
    assert data["reconciliation"]["events"] == 4
    assert data["compliant"] is False


def test_explain_names_clauses_and_figures() -> None:
    """The text report shows values, bands, exclusions, ignored events and the total."""
    text = sla.evaluate(_agreement(), EVENTS, period="2026-10").explain()
    assert "Service a\n  uptime >= 99.9%: BREACHED, measured 99.865410%" in text
    assert (
        "time excluded by the clause (scheduled maintenance, announced at least 5 days ahead"
        in text
    )
    assert (
        "10% of 10,000.00 USD (value 99.865410% (exact 742/743) is at least 99% and below 99.9%)"
        in text
    )
    assert "Service c" in text
    assert "  credit: none" in text
    assert "Total credit: 3,500.00 USD (exact 3,500, rounded once, half-up" in text
    assert "4 read; 2 counted, 1 excluded by a clause, 1 ignored" in text
    assert repr(sla.evaluate(_agreement(), EVENTS, period="2026-10")).startswith(
        "<Report 'Acme / Globex' 2026-10: 3 services, 2 breaches"
    )


def test_rounding_happens_once_on_the_total() -> None:
    """Three credits of 1/3 cent each round once, on their exact sum."""
    u = sla.uptime()
    tier = sla.Tier(
        "t",
        fee=sla.usd("0.10"),
        objectives=[u >= "100%"],
        compensation=sla.credit_schedule(u, {"< 100%": "3.3333%"}),
    )
    agreement = sla.Agreement(provider="p", customer="c", services=["a", "b", "c"], tier=tier)
    events = [sla.Outage(s, "2026-10-01T00:00Z", "2026-10-01T00:01Z") for s in "abc"]
    report = sla.evaluate(agreement, events, period="2026-10")
    assert report.compensation.exact_total == Fraction("0.0099999")
    # Each line alone would round to 0.00; rounding the exact sum once gives 0.01.
    assert report.total == sla.usd("0.01")
    assert report.compensation.lines[0].exact_amount == sla.Money("0.0033333", "USD")


def test_no_eligible_time_is_no_data_never_met() -> None:
    """A service whose whole period is excluded has no data: not met, no credit invented."""
    events = [sla.Maintenance("a", "2026-09-30T00:00Z", "2026-11-02T00:00Z", "2026-09-01T00:00Z")]
    report = sla.evaluate(_agreement(services=["a"]), events, period="2026-10")
    (result,) = report.objectives
    assert result.value is None
    assert result.verdict is sla.Verdict.NO_DATA
    assert result.percent is None
    assert result.margin is None
    assert not report.compliant
    (line,) = report.compensation.lines
    assert line.note is not None
    assert line.note.startswith("no data")
    assert "no credit (no data" in line.describe()
    assert report.total == sla.usd("0.00")
    assert "(no eligible time)" in report.explain()


@pytest.mark.parametrize(
    ("policy", "verdict", "compliant"),
    [
        ("met", sla.Verdict.MET, True),
        ("breached", sla.Verdict.BREACHED, False),
        ("excluded", sla.Verdict.EXCLUDED, True),
    ],
)
def test_the_tier_resolves_no_data(policy: str, verdict: sla.Verdict, compliant: bool) -> None:
    """``no_data=`` on the tier turns "no data" into met, breached or excluded, and says so."""
    agreement = _agreement(services=["a"])
    agreement = sla.Agreement(
        provider="p",
        customer="c",
        services=["a"],
        tier=agreement.tier.derive("t", no_data=policy),
    )
    events = [sla.Maintenance("a", "2026-09-30T00:00Z", "2026-11-02T00:00Z", "2026-09-01T00:00Z")]
    report = sla.evaluate(agreement, events, period="2026-10")
    (result,) = report.objectives
    assert result.verdict is verdict
    assert result.resolved_by == f"no_data={policy!r}"
    assert report.compliant is compliant
    assert f"resolved as no_data={policy!r}" in report.explain()


def test_a_schedule_gap_is_reported_not_guessed() -> None:
    """A value between bands gets no credit and a "schedule gap" diagnostic."""
    u = sla.uptime()
    tier = sla.Tier(
        "t",
        fee=sla.usd("100.00"),
        compensation=sla.credit_schedule(u, {"[99%, 99.9%)": "10%", "(-inf, 98%)": "50%"}),
    )
    agreement = sla.Agreement(provider="p", customer="c", services=["a"], tier=tier)
    # 1.5% of October down: 98.5%, between the bands.
    down = Fraction(15, 1000) * 31 * 24 * HOUR
    start = sla.monthly().period("2026-10").start
    report = sla.evaluate(agreement, [sla.Outage("a", start, start + int(down))], period="2026-10")
    (line,) = report.compensation.lines
    assert line.note is not None
    assert line.note.startswith("schedule gap")
    assert report.total == sla.usd("0.00")


def test_an_agreement_effective_mid_period_prorates() -> None:
    """Starting on Oct 16 (UTC), only the rest of October is measured and the fee is pro-rated."""
    agreement = _agreement(services=["b"], effective="2026-10-16T00:00:00Z")
    late = [sla.Outage("b", "2026-10-20T00:00Z", "2026-10-20T10:00Z")]
    report = sla.evaluate(agreement, late + EVENTS[1:2], period="2026-10")
    assert report.partial == Fraction(16, 31)
    assert report.evidence("b").eligible_us == 16 * 24 * HOUR
    (line,) = report.compensation.lines
    assert line.proration == Fraction(16, 31)
    assert line.amount == Fraction(10000) * Fraction(16, 31) * Fraction(1, 4)
    assert report.total == sla.usd("1290.32")
    assert "x 16/31 of the period" in line.describe()
    assert "took effect at 2026-10-16T00:00:00Z" in report.notes[0]
    with pytest.raises(EvaluationError, match="after period 2026-09 ends"):
        sla.evaluate(agreement, EVENTS, period="2026-09")


def test_service_window_limits_eligible_time() -> None:
    """With ``during=``, only the window's time is eligible and outside downtime is listed."""
    start = sla.monthly().period("2026-10").start
    window = SpansCalendar(((start, start + 10 * HOUR),))
    u = sla.uptime(during=window)
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[u >= "90%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["a"], tier=tier)
    events = [
        sla.Outage("a", start + 9 * HOUR, start + 11 * HOUR),
        sla.Outage("a", start + 20 * HOUR, start + 21 * HOUR),
    ]
    report = sla.evaluate(agreement, events, period="2026-10")
    ev = report.evidence("a")
    assert ev.eligible_us == 10 * HOUR
    assert ev.down_us == HOUR
    assert ev.outside_window.measure() == 2 * HOUR
    assert [n.category for n in ev.events] == ["counted", "ignored"]
    assert ev.events[1].reason.startswith("ignored: outside the service window")
    assert report.objectives[0].value == Fraction(9, 10)
    assert "down time outside the service window" in report.explain()


def test_at_most_allowance_and_accountings_reach_the_report() -> None:
    """The maintenance allowance and 'good'/'bad' accounting show in the evidence."""
    events = [
        sla.Maintenance("a", "2026-10-05T00:00Z", "2026-10-05T03:00Z", "2026-09-01T00:00Z"),
        sla.Maintenance("a", "2026-10-06T00:00Z", "2026-10-06T01:00Z", "2026-09-01T00:00Z"),
        sla.Outage("a", "2026-10-05T00:00Z", "2026-10-05T01:00Z"),
    ]
    for accounting, down_h, eligible_h in (
        ("remove", 0, 744 - 2),
        ("good", 0, 744),
        ("bad", 2, 744),
    ):
        u = sla.uptime(
            excluding=[sla.scheduled_maintenance(at_most=sla.hours(2), accounting=accounting)]  # type: ignore[arg-type]
        )
        tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[u >= "50%"])
        agreement = sla.Agreement(provider="p", customer="c", services=["a"], tier=tier)
        ev = sla.evaluate(agreement, events, period="2026-10").evidence("a")
        assert (ev.down_us, ev.eligible_us) == (down_h * HOUR, eligible_h * HOUR), accounting
        reasons = [n.reason for n in ev.events if n.kind == "maintenance"]  # by start
        assert (
            reasons[0]
            == "partly excluded: 2 hours before the allowance of 2 hours per period ran out"
        )
        assert reasons[1] == "not excluded: the allowance of 2 hours per period was already used"


def test_maintenance_without_a_clause_is_ignored_with_a_reason() -> None:
    """A measure with no maintenance clause lists maintenance as unused, not silently dropped."""
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[sla.uptime() >= "50%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["a"], tier=tier)
    events = [sla.Maintenance("a", "2026-10-05T00:00Z", "2026-10-05T03:00Z", "2026-09-01T00:00Z")]
    (note,) = sla.evaluate(agreement, events, period="2026-10").events()
    assert note.reason == "ignored: this measure has no clause that uses maintenance notices"


def test_announcement_after_start_is_described() -> None:
    """A notice given after the window started is described as such."""
    events = [sla.Maintenance("a", "2026-10-05T00:00Z", "2026-10-05T03:00Z", "2026-10-05T01:00Z")]
    (note,) = sla.evaluate(_agreement(services=["a"]), events, period="2026-10").events()
    assert note.reason.startswith("not excluded: announced 1 hour after it started")


def test_a_measure_of_one_service() -> None:
    """``uptime(service=...)`` measures that service only."""
    u = sla.uptime(service="a")
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[u >= "99%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["a", "b"], tier=tier)
    report = sla.evaluate(agreement, EVENTS, period="2026-10")
    assert [r.service for r in report.objectives] == ["a"]
    with pytest.raises(DefinitionError, match="names service 'x'"):
        sla.compile_agreement(
            sla.Agreement(
                provider="p",
                customer="c",
                services=["a"],
                tier=sla.Tier("t", fee=sla.usd("1"), objectives=[sla.uptime(service="x") >= "1%"]),
            )
        )


def test_a_compiled_plan_is_reusable_and_accepts_tables() -> None:
    """One plan evaluates many periods; an EventTable and records give the same report."""
    plan = sla.compile_agreement(_agreement())
    table = sla.EventTable.from_records(EVENTS)
    assert (
        plan.evaluate(table, period="2026-10").total
        == plan.evaluate(EVENTS, period="2026-10").total
    )
    period = sla.monthly().period("2026-11")
    assert plan.evaluate(table, period=period).total == sla.usd("0.00")
    with pytest.raises(PeriodError, match="'2026-10-01' is not a period of monthly"):
        plan.evaluate(table, period="2026-10-01")
    with pytest.raises(PeriodError, match="must be a label"):
        plan.evaluate(table, period=202610)  # type: ignore[arg-type]
    with pytest.raises(DefinitionError, match="must be an Agreement"):
        sla.compile_agreement("agreement")  # type: ignore[arg-type]


def test_two_measures_keep_their_own_columns_and_evidence() -> None:
    """Two uptime measures keep separate columns and both appear in the JSON evidence."""
    exact = sla.uptime()
    hourly = sla.uptime(granularity=sla.hours(1))
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[exact >= "99.9%", hourly >= "99%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["a"], tier=tier)
    events = [sla.Outage("a", "2026-10-02T00:00:00Z", "2026-10-02T00:10:00Z")]
    report = sla.evaluate(agreement, events, period="2026-10")
    cols = report.columns()
    month = 31 * 24 * HOUR
    assert cols["uptime().good"].tolist() == [month - 10 * 60_000_000]
    assert cols["uptime(granularity=hours(1)).good"].tolist() == [month - HOUR]
    assert len(report.to_dict()["evidence"]) == 2


def test_a_measure_of_one_service_aligns_with_the_agreement() -> None:
    """A measure that covers one service gives 0/0 and no verdict for the others."""
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[sla.uptime(service="a") >= "99%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["a", "b"], tier=tier)
    report = sla.evaluate(agreement, [], period="2026-10")
    cols = report.columns()
    assert cols["uptime of a.total"].tolist() == [31 * 24 * HOUR, 0]
    assert cols["uptime of a >= 99%.verdict"].tolist() == ["met", ""]
    assert len(report.to_dict()["evidence"]) == 1
    assert "1,000,000" not in report.explain()


def test_an_inexact_total_is_shown_as_a_fraction() -> None:
    """A pro-rated credit with no finite decimal says so, instead of a rounded 'exact' value."""
    agreement = _agreement(services=["b"], effective="2026-10-16T00:00:00Z")
    late = [sla.Outage("b", "2026-10-20T00:00Z", "2026-10-20T10:00Z")]
    text = sla.evaluate(agreement, late, period="2026-10").explain()
    assert "Total credit: 1,290.32 USD (exact 40000/31, rounded once" in text


def test_input_that_no_measure_reads_is_reported() -> None:
    """Tickets given to an uptime-only agreement are listed as ignored, not silently dropped."""
    tickets = [sla.Ticket("T1", "a", "P1", "2026-10-03T10:00:00Z")]
    report = sla.evaluate(_agreement(services=["a"]), EVENTS, tickets, period="2026-10")
    rec = report.reconciliation
    assert rec.total == len(EVENTS) + 1
    assert rec.by_measure["no measure reads TicketTable"] == {
        "counted": 0,
        "excluded": 0,
        "ignored": 1,
    }
    assert rec.balanced()
    assert "Events in no measure reads TicketTable: 1 read; 0 counted" in report.explain()
