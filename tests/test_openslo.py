"""OpenSLO v1: an agreement's objectives out as SLO documents, and SLO documents in.

The documents read here are modelled on the examples of the OpenSLO specification
(examples/budgeting-method in github.com/OpenSLO/OpenSLO): occurrences of a latency
threshold over a rolling window, ratio time slices, and time slices over a calendar window
(whose ``duration: 1m`` is one minute in the spec's shorthand, where a month is ``1M``).
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest

import slakit as sla
from slakit.monitoring import (
    ImportedSLO,
    MappingError,
    OpenSLOMetric,
    from_openslo,
    openslo_documents,
)

METRIC = OpenSLOMetric(bad='http_requests_total{code=~"5.."}', total="http_requests_total")

OCCURRENCES = """
apiVersion: openslo/v1
kind: SLO
metadata:
  name: search-slo
spec:
  service: web-shop
  indicator:
    metadata:
      name: search-latency
    spec:
      thresholdMetric:
        metricSource:
          type: Any
          spec:
            query: Any
  timeWindow:
    - duration: 2w
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Good experience
      op: lt
      value: 500
      target: 0.99
"""

RATIO_TIMESLICES = """
apiVersion: openslo/v1
kind: SLO
metadata:
  name: main-page
spec:
  service: web-shop
  indicator:
    metadata:
      name: response-code
    spec:
      ratioMetric:
        good: {metricSource: {type: Any, spec: {query: Any}}}
        total: {metricSource: {type: Any, spec: {query: Any}}}
  timeWindow:
    - duration: 2w
      isRolling: true
  budgetingMethod: RatioTimeslices
  objectives:
    - displayName: Good
      op: gt
      timeSliceWindow: 1m
      target: 0.99
"""


def _timeslices(duration: str, start: str, objectives: str) -> str:
    return f"""
apiVersion: openslo/v1
kind: SLO
metadata:
  name: service-availability
spec:
  service: web-availability
  indicator:
    metadata:
      name: web-availability
    spec:
      ratioMetric:
        good: {{metricSource: {{type: Any, spec: {{query: Any}}}}}}
        total: {{metricSource: {{type: Any, spec: {{query: Any}}}}}}
  timeWindow:
    - duration: {duration}
      isRolling: false
      calendar:
        startTime: {start}
        timeZone: America/New_York
  budgetingMethod: Timeslices
  objectives:
{objectives}
"""


INTERNAL = """    - displayName: Internal objective
      op: gt
      target: 0.995
      timeSliceTarget: 0.99
      timeSliceWindow: 1m"""
SLA = """    - displayName: SLA
      target: 0.99
      timeSliceTarget: 0.99
      timeSliceWindow: 1m"""


def _terms(period: Any, *objectives: sla.Objective) -> sla.Agreement:
    tier = sla.Tier("gold", fee=sla.usd("100.00"), objectives=list(objectives))
    return sla.Agreement(
        provider="Acme", customer="Globex", services=["api"], tier=tier, period=period
    )


@pytest.mark.parametrize(
    "period",
    [
        sla.monthly(tz="Europe/Berlin"),
        sla.monthly(tz="UTC", day=15),
        sla.quarterly(tz="UTC", start_month=4),
        sla.yearly(tz="Asia/Tokyo"),
        sla.weekly_periods(tz="UTC", starting="Tue"),
        sla.rolling(days=14, start="2026-01-05", tz="UTC"),
    ],
)
def test_an_agreement_goes_out_and_comes_back(period: Any) -> None:
    """Export, then import: the same objective and the same period rule, through JSON."""
    ratio = sla.success_ratio()
    terms = _terms(period, ratio >= "99.9%")
    [document] = openslo_documents(terms, [METRIC])
    assert document["apiVersion"] == "openslo/v1"
    assert document["spec"]["budgetingMethod"] == "Occurrences"
    assert document["spec"]["indicator"]["spec"]["ratioMetric"]["bad"]["metricSource"]["spec"] == {
        "query": 'http_requests_total{code=~"5.."}'
    }
    back = from_openslo(json.loads(json.dumps(document)))
    assert back.objective == terms.tier.objectives[0]
    assert back.period == period
    assert back.rolling is None
    assert back.service == "api"
    assert "alertPolicies" not in document["spec"]


def test_alerts_and_uptime_go_out_only_approximately() -> None:
    """Burn-rate alerts and uptime have approximate OpenSLO forms: refused unless asked."""
    up = sla.uptime(excluding=[sla.scheduled_maintenance(notice=sla.days(5))])
    terms = _terms(sla.monthly(), sla.success_ratio() >= "99.9%", up >= "99.5%")
    with pytest.raises(MappingError) as caught:
        openslo_documents(terms, [METRIC, METRIC])
    assert "objective 2 (uptime >= 99.5%): approximately only: uptime is written" in str(
        caught.value
    )
    ratio_doc, uptime_doc = openslo_documents(terms, [METRIC, METRIC], approximate=True)
    assert "exclusions" in uptime_doc["metadata"]["annotations"]["slakit.dev/approximations"]
    [fast, *_] = ratio_doc["spec"]["alertPolicies"]
    condition = fast["spec"]["conditions"][0]["spec"]["condition"]
    assert condition == {
        "kind": "burnrate",
        "op": "gt",
        "threshold": 14.4,
        "lookbackWindow": "1h",
        "alertAfter": "5m",
    }
    back = from_openslo(ratio_doc, approximate=True)
    fast_back = back.alerts[0]
    assert (fast_back.long, fast_back.short, fast_back.factor) == (
        sla.hours(1).us,
        sla.minutes(5).us,
        Fraction(72, 5),
    )
    with pytest.raises(MappingError, match="approximately only: a burn-rate condition"):
        from_openslo(ratio_doc)
    p99 = sla.latency_percentile(99)
    with pytest.raises(MappingError, match="cannot be written as an error ratio"):
        openslo_documents(_terms(sla.monthly(), p99 <= "300ms"), [METRIC], approximate=True)


def test_the_specs_occurrences_example_reads_as_a_latency_share() -> None:
    """A latency below 500 (ms, as told) 99% of the time over a rolling 2 weeks."""
    with pytest.raises(MappingError, match="latency_unit"):
        from_openslo(OCCURRENCES)
    read = from_openslo(OCCURRENCES, latency_unit="ms")
    assert isinstance(read, ImportedSLO)
    assert read.objective == (sla.latency_share("500ms") >= "99%")
    assert read.rolling == sla.days(14)
    assert read.period is None
    assert (read.name, read.service) == ("search-slo", "web-shop")


def test_the_specs_ratio_timeslices_example_reads_as_an_error_rate_uptime() -> None:
    """The average of one-minute slices' success ratios: error_rate_uptime(bucket=1 minute)."""
    read = from_openslo(RATIO_TIMESLICES)
    assert read.objective == (sla.error_rate_uptime(bucket=sla.minutes(1)) >= "99%")
    assert read.rolling == sla.days(14)


def test_the_specs_timeslices_example_is_refused_with_its_reasons() -> None:
    """Two objectives; '1m' (one minute, not a month); a window starting at noon."""
    with pytest.raises(MappingError, match="one objective is read, 2 were given"):
        from_openslo(_timeslices("1m", "2022-01-01 12:00:00", INTERNAL + "\n" + SLA))
    with pytest.raises(MappingError) as caught:
        from_openslo(_timeslices("1m", "2022-01-01 12:00:00", SLA))
    text = str(caught.value)
    assert "'m' is minutes; a month is '1M'" in text
    assert "approximately only: the window starts at 12:00:00" in text
    read = from_openslo(_timeslices("1M", "2022-01-01 00:00:00", SLA))
    assert read.objective == (
        sla.bucket_availability(bucket=sla.minutes(1), max_error_rate="1%") >= "99%"
    )
    assert read.period == sla.monthly(tz="America/New_York")


def test_an_imported_rolling_slo_gives_a_rolling_status() -> None:
    """An SLO's rolling window is a status window: status(rolling=...) counts over it."""
    read = from_openslo(RATIO_TIMESLICES)
    terms = _terms(sla.monthly(), read.objective)
    requests = sla.RequestTable.from_records(
        [
            sla.Request("api", "2026-11-16T10:00Z", 200),
            sla.Request("api", "2026-11-16T10:00:30Z", 500),
        ]
    )
    now = sla.status(terms, requests, now="2026-11-17T00:00Z", rolling=read.rolling)
    assert now.rolling
    assert now.objectives[0].total > 0


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"apiVersion": "openslo/v1", "kind": "SLI"}, "not an openslo/v1 SLO"),
        (
            {
                "apiVersion": "openslo/v1",
                "kind": "SLO",
                "spec": {"objectives": [{"target": 0.9, "indicatorRef": "x"}]},
            },
            "composite SLO",
        ),
        (
            {
                "apiVersion": "openslo/v1",
                "kind": "SLO",
                "spec": {
                    "indicator": {"spec": {"ratioMetric": {"raw": {}, "rawType": "success"}}},
                    "budgetingMethod": "Occurrences",
                    "timeWindow": [{"duration": "1d", "isRolling": True}],
                    "objectives": [{"target": 0.9}],
                },
            },
            "a precomputed ratio",
        ),
    ],
)
def test_documents_it_cannot_read_are_refused(document: dict[str, Any], message: str) -> None:
    """Another kind, a composite SLO, a raw ratio: a clear refusal each."""
    with pytest.raises(MappingError, match=message):
        from_openslo(document)
