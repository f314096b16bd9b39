"""Prometheus rules from an agreement: what maps exactly, approximately, or not at all."""

from __future__ import annotations

import json
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import slakit as sla
from slakit.exceptions import SlakitError
from slakit.monitoring import MappingError, PromSLI, _number, prom_duration, prometheus_rules

REQUESTS = PromSLI(
    errors='sum(rate(http_requests_total{job="api",code=~"5.."}[{window}]))',
    total='sum(rate(http_requests_total{job="api"}[{window}]))',
)
UP = PromSLI(up='up{job="api"}')
RATIO = sla.success_ratio()
UPTIME = sla.uptime(
    min_outage=sla.minutes(1),
    during=sla.weekly("Mon-Fri 08:00-18:00", tz="UTC"),
    excluding=[sla.scheduled_maintenance(notice=sla.days(5))],
)


def _terms(*objectives: sla.Objective) -> sla.Agreement:
    tier = sla.Tier("gold", fee=sla.usd("100.00"), objectives=list(objectives))
    return sla.Agreement(provider="Acme", customer='Globex "EU"', services=["api"], tier=tier)


def _rules(group: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [rule for rule in group["rules"] if key in rule]


def test_a_request_ratio_maps_exactly() -> None:
    """Seven recording windows, four workbook alerts at factor x (1 - target), exactly."""
    [group] = prometheus_rules(_terms(RATIO >= "99.9%"), [REQUESTS])["groups"]
    records = _rules(group, "record")
    assert [r["record"] for r in records] == [
        f"slakit:sli_error:ratio_rate{w}" for w in ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
    ]
    assert records[0]["expr"] == (
        '(sum(rate(http_requests_total{job="api",code=~"5.."}[5m]))) / '
        '(sum(rate(http_requests_total{job="api"}[5m])))'
    )
    alerts = _rules(group, "alert")
    assert [(a["alert"], a["labels"]["severity"]) for a in alerts] == [
        ("SlakitFastBurn", "page"),
        ("SlakitBurn", "page"),
        ("SlakitSlowBurn", "ticket"),
        ("SlakitSteadyBurn", "ticket"),
    ]
    fast = alerts[0]["expr"]
    assert "ratio_rate1h{" in fast
    assert "ratio_rate5m{" in fast
    assert fast.count("> (14.4 * 0.001)") == 2
    assert 'slakit_agreement="Acme / Globex \\"EU\\""' in fast
    assert "approximation" not in alerts[0]["annotations"]["slakit"]


def test_uptime_is_refused_unless_approximations_are_accepted() -> None:
    """Every approximation is listed in the error, and in the annotations when accepted."""
    terms = _terms(RATIO >= "99.9%", UPTIME >= "99.5%")
    with pytest.raises(MappingError) as caught:
        prometheus_rules(terms, [REQUESTS, UP])
    text = str(caught.value)
    assert "objective 2 (uptime >= 99.5%)" in text
    assert "service hours cannot be written in PromQL" in text
    assert "exclusions" in text
    assert "minimum outage lengths" in text
    assert "objective 1" not in text
    rules = prometheus_rules(terms, [REQUESTS, UP], approximate=True)
    uptime = rules["groups"][1]
    assert _rules(uptime, "record")[0]["expr"] == '1 - avg_over_time((up{job="api"})[5m:])'
    notes = _rules(uptime, "alert")[0]["annotations"]["slakit"]
    assert "approximation: service hours cannot be written in PromQL" in notes
    assert "(14.4 * 0.005)" in _rules(uptime, "alert")[0]["expr"]
    with pytest.raises(MappingError, match=r"give PromSLI\(up=\.\.\.\)"):
        prometheus_rules(_terms(UPTIME >= "99.5%"), [REQUESTS], approximate=True)


def test_what_cannot_map_is_refused_even_approximately() -> None:
    """A latency percentile and a 100% target have no error ratio to write."""
    p99 = sla.latency_percentile(99)
    terms = _terms(RATIO >= "100%", p99 <= "300ms")
    with pytest.raises(MappingError) as caught:
        prometheus_rules(terms, [REQUESTS, REQUESTS], approximate=True)
    text = str(caught.value)
    assert "objective 1 (success ratio >= 100%): only objectives" in text
    assert "cannot be written as an error ratio in PromQL" in text


def test_bad_arguments_are_refused_by_name() -> None:
    """One PromSLI per objective; errors and total, or up; {window} in counts."""
    with pytest.raises(SlakitError, match="one PromSLI per objective"):
        prometheus_rules(_terms(RATIO >= "99%"), [])
    with pytest.raises(SlakitError, match="errors= and total=, or up="):
        PromSLI(errors="x[{window}]")
    with pytest.raises(SlakitError, match="errors= and total=, or up="):
        PromSLI(errors="a[{window}]", total="b[{window}]", up="up")
    with pytest.raises(SlakitError, match="must hold"):
        PromSLI(errors="errors_total", total="requests_total[{window}]")


def test_numbers_and_durations_are_written_exactly() -> None:
    """Terminating decimals as decimals, other fractions as a division; one unit a duration."""
    assert _number(Fraction(72, 5)) == "14.4"
    assert _number(Fraction(1, 1000)) == "0.001"
    assert _number(Fraction(6)) == "6"
    assert _number(Fraction(1, 3)) == "(1 / 3)"
    assert [prom_duration(us) for us in (300_000_000, 86_400_000_000, 1_500_000)] == [
        "5m",
        "1d",
        "1500ms",
    ]
    with pytest.raises(SlakitError):
        prom_duration(1)


@pytest.mark.skipif(
    shutil.which("promtool") is None,
    reason="promtool is not installed (the Debian package prometheus has it; .ci/run installs it)",
)
def test_promtool_accepts_the_rules(tmp_path: Path) -> None:
    """`promtool check rules` reads every group: exact and approximate, custom alerts."""
    terms = _terms(RATIO >= "99.9%", UPTIME >= "99.5%")
    mine = [
        sla.BurnAlert("hot", long=sla.hours(2).us, short=sla.minutes(10).us, factor=Fraction(1, 3))
    ]
    for n, rules in enumerate(
        (
            prometheus_rules(terms, [REQUESTS, UP], approximate=True),
            prometheus_rules(_terms(RATIO > "99%"), [REQUESTS], alerts=mine),
        )
    ):
        path = tmp_path / f"rules{n}.json"
        path.write_text(json.dumps(rules), encoding="utf-8")
        done = subprocess.run(
            ["promtool", "check", "rules", str(path)],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "SUCCESS" in done.stdout
