"""A public-cloud style region-level SLA, end to end: every credit bound, exactly."""

from __future__ import annotations

import inspect
import json
import os
import random
import subprocess
import sys
import textwrap
from decimal import Decimal
from fractions import Fraction

import pytest

import slakit as sla

US = 1_000_000


def region_sla() -> sla.Agreement:
    """The region SLA: below 99.99% 10%, below 99.0% 30%, below 95.0% 100% of the fee."""
    uptime = sla.uptime(
        min_outage=sla.minutes(1),
        excluding=[sla.scheduled_maintenance(notice=sla.days(5))],
    )
    region = sla.Tier(
        "region",
        fee=sla.usd("10000.00"),
        objectives=[uptime >= "99.99%"],
        compensation=sla.credit_schedule(
            uptime, {"< 99.99%": "10%", "< 99.0%": "30%", "< 95.0%": "100%"}
        ),
    )
    return sla.Agreement(
        provider="Acme Cloud",
        customer="Globex",
        services=["eu-central-1"],
        tier=region,
        period=sla.monthly(tz="UTC"),
    )


def test_the_agreement_fits_in_25_lines() -> None:
    """The whole SLA is written in at most 25 lines of code."""
    source = inspect.getsource(region_sla)
    body = [line for line in source.splitlines()[2:] if line.strip()]  # skip def and docstring
    assert len(body) <= 25


OCTOBER_US = 31 * 24 * 3600 * US  # October 2026 in UTC: 2,678,400 seconds
START = sla.monthly().period("2026-10").start


def down_for(uptime: Fraction) -> int:
    """Return the down time (microseconds) that gives exactly ``uptime`` in October (UTC)."""
    down = (1 - uptime) * OCTOBER_US
    assert down.denominator == 1
    return int(down)


def evaluate_with_down(down_us: int) -> sla.Report:
    """Evaluate the region SLA with one outage of ``down_us`` microseconds from Oct 1."""
    events = [sla.Outage("eu-central-1", START, START + down_us)] if down_us else []
    return sla.evaluate(region_sla(), events, period="2026-10")


# (uptime that the month measures, credit share, verdict); 1 microsecond either side of a bound.
EPS = Fraction(1, OCTOBER_US)
BOUNDS = [
    # 99.99%: the target and the top of the 10% band (exclusive)
    (Fraction(9999, 10000) + EPS, "0", "met"),
    (Fraction(9999, 10000), "0", "met"),
    (Fraction(9999, 10000) - EPS, "0.1", "breached"),
    # 99.0%: inclusive bottom of the 10% band, exclusive top of the 30% band
    (Fraction(99, 100) + EPS, "0.1", "breached"),
    (Fraction(99, 100), "0.1", "breached"),
    (Fraction(99, 100) - EPS, "0.3", "breached"),
    # 95.0%: inclusive bottom of the 30% band, exclusive top of the 100% band
    (Fraction(95, 100) + EPS, "0.3", "breached"),
    (Fraction(95, 100), "0.3", "breached"),
    (Fraction(95, 100) - EPS, "1", "breached"),
    # the extremes
    (Fraction(1), "0", "met"),
    (Fraction(0), "1", "breached"),
]


@pytest.mark.parametrize(("value", "share", "verdict"), BOUNDS)
def test_every_bound_on_both_sides_and_on_it(value: Fraction, share: str, verdict: str) -> None:
    """The credit and verdict on, just above and just below each bound of the schedule."""
    report = evaluate_with_down(down_for(value))
    (result,) = report.objectives
    assert result.value == value
    assert result.verdict.value == verdict
    assert report.total == sla.usd(Decimal("10000.00") * Decimal(share)).rounded()
    assert report.compensation.exact_total == Fraction(10000) * Fraction(Decimal(share))


def test_credit_line_traces_value_band_and_base() -> None:
    """A credit line names the rule, tier, band, share, base and exact amount."""
    report = evaluate_with_down(down_for(Fraction(985, 1000)))
    (line,) = report.compensation.lines
    assert line.service == "eu-central-1"
    assert line.rule == "credit schedule on uptime"
    assert line.tier == "region"
    assert line.value == Fraction(985, 1000)
    assert line.band is not None
    assert line.band.interval() == "[95%, 99%)"
    assert line.share == Decimal("0.3")
    assert line.base == sla.usd("10000.00")
    assert line.amount == 3000
    assert "30% of 10,000.00 USD" in line.describe()


def test_outage_across_months_is_split_in_the_period_zone() -> None:
    """An outage over the Berlin month boundary counts in each month only its own part."""
    agreement = sla.Agreement(
        provider="p",
        customer="c",
        services=["s"],
        tier=region_sla().tier,
        period=sla.monthly(tz="Europe/Berlin"),
    )
    # Berlin's November starts at 2026-10-31T23:00Z (CET, after the DST change on the 25th).
    outage = sla.Outage("s", "2026-10-31T22:30:00Z", "2026-11-01T01:00:00Z")
    october = sla.evaluate(agreement, [outage], period="2026-10")
    november = sla.evaluate(agreement, [outage], period="2026-11")
    assert october.evidence("s").down == sla.Timeline([("2026-10-31T22:30Z", "2026-10-31T23:00Z")])
    assert november.evidence("s").down == sla.Timeline([("2026-10-31T23:00Z", "2026-11-01T01:00Z")])
    # October in Berlin has 745 hours, November 720.
    assert october.objectives[0].value == 1 - Fraction(30, 745 * 60)
    assert november.objectives[0].value == 1 - Fraction(120, 720 * 60)


def test_late_maintenance_is_not_excluded_and_the_report_says_why() -> None:
    """Maintenance announced 3 days ahead fails a 5-day notice clause, and the report says so."""
    events = [
        sla.Maintenance(
            "eu-central-1", "2026-10-20T01:00:00Z", "2026-10-20T03:00:00Z", "2026-10-17T01:00:00Z"
        ),
        sla.Outage("eu-central-1", "2026-10-20T01:00:00Z", "2026-10-20T02:00:00Z"),
    ]
    report = sla.evaluate(region_sla(), events, period="2026-10")
    evidence = report.evidence("eu-central-1")
    assert evidence.down_us == 3600 * US
    assert evidence.eligible_us == OCTOBER_US
    assert not evidence.excluded
    [maintenance_note] = [n for n in evidence.events if n.kind == "maintenance"]
    assert maintenance_note.category == "ignored"
    assert maintenance_note.reason == (
        "not excluded: announced 3 days before it started, but the clause requires notice of "
        "at least 5 days"
    )
    assert "requires notice of at least 5 days" in report.explain()


def test_timely_maintenance_is_removed_from_down_and_eligible_time() -> None:
    """Maintenance announced 6 days ahead is removed from both sides of the ratio."""
    events = [
        sla.Maintenance(
            "eu-central-1", "2026-10-20T01:00:00Z", "2026-10-20T03:00:00Z", "2026-10-14T01:00:00Z"
        ),
        sla.Outage("eu-central-1", "2026-10-20T01:00:00Z", "2026-10-20T02:00:00Z"),
    ]
    report = sla.evaluate(region_sla(), events, period="2026-10")
    evidence = report.evidence("eu-central-1")
    assert evidence.down_us == 0
    assert evidence.eligible_us == OCTOBER_US - 2 * 3600 * US
    assert evidence.excluded == sla.Timeline([("2026-10-20T01:00Z", "2026-10-20T03:00Z")])
    assert [n.category for n in evidence.events] == ["excluded", "excluded"]
    assert report.objectives[0].value == 1


FLEET_EVENTS = [
    sla.Outage("eu-central-1", "2026-10-03T09:58:20Z", "2026-10-03T10:04:30Z"),
    sla.Outage("eu-central-1", "2026-10-03T10:02:00Z", "2026-10-03T10:05:10Z"),
    sla.Outage("eu-central-1", "2026-10-09T14:00:00Z", "2026-10-09T14:00:40Z"),
    sla.Maintenance(
        "eu-central-1", "2026-10-20T01:00:00Z", "2026-10-20T03:00:00Z", "2026-10-17T08:00:00Z"
    ),
    sla.Outage("eu-central-1", "2026-10-20T01:10:00Z", "2026-10-20T01:55:00Z"),
    sla.Outage("eu-central-1", "2026-09-30T23:00:00Z", "2026-10-01T00:30:00Z"),
    sla.Outage("other", "2026-10-05T00:00:00Z", "2026-10-05T01:00:00Z"),
]


@pytest.mark.parametrize("seed", range(5))
def test_the_report_ignores_event_order(seed: int) -> None:
    """Shuffled events give the same report, byte for byte (it names no record numbers)."""
    shuffled = FLEET_EVENTS[:]
    random.Random(seed).shuffle(shuffled)
    a = sla.evaluate(region_sla(), FLEET_EVENTS, period="2026-10")
    b = sla.evaluate(region_sla(), shuffled, period="2026-10")
    assert json.dumps(a.to_dict(), sort_keys=True) == json.dumps(b.to_dict(), sort_keys=True)


SCRIPT = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, {root!r})
    from tests.test_region_sla import FLEET_EVENTS, region_sla
    import slakit as sla
    report = sla.evaluate(region_sla(), FLEET_EVENTS, period="2026-10")
    print(json.dumps(report.to_dict(), sort_keys=True))
    print(report.explain())
    """
)


def test_the_report_is_the_same_under_any_tz() -> None:
    """The host's TZ never enters: the report is byte-identical under several zones."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    outputs = set()
    for tz in ("UTC", "Pacific/Kiritimati", "America/St_Johns", "Asia/Kathmandu", "Europe/Berlin"):
        env = {**os.environ, "TZ": tz}
        env.pop("COVERAGE_PROCESS_START", None)
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT.format(root=root)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert '"total": {"amount": "1000.00"' in outputs.pop()
