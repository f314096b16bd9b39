"""Probe series: samples of round-trip time, jitter and loss per route, and what they measure.

The probe measures are checked against a brute-force oracle in plain Python over
the list of samples (a mean as a ``Fraction``, percentiles by their rank rules,
the maximum, ``min_samples``), then by hand: boundaries, units, credits to the
cent, evidence, reading files, validation, agreement data. The repair measures
of the incident family (late and on-time repairs) close the file.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
import slakit.io
from slakit import (
    Probe,
    ProbeEvidence,
    ProbeMax,
    ProbeMean,
    ProbeMeasure,
    ProbePercentile,
    ProbeTable,
    late_repairs,
    on_time_repairs,
    probe_max,
    probe_mean,
    probe_percentile,
)
from slakit._dsl import _incidents as incidents_dsl
from slakit._dsl import _probes as probes_dsl
from slakit._engine._probes import REASONS, _sorted_values
from slakit._events import _probes as probes_events
from slakit._events._probes import MAX_VALUE, units_of
from slakit._results._fingerprint import fingerprint, input_digests
from slakit._time._instant import to_us
from slakit.exceptions import DefinitionError, EventDataError

SECOND = 1_000_000
HOUR = 3600 * SECOND
DAY = 24 * HOUR
P0 = to_us("2026-10-01T00:00:00Z")  # the evaluated period: October 2026, UTC
P1 = to_us("2026-11-01T00:00:00Z")
SERVICES = ("a", "b")  # the agreement's routes; "c" is a route it does not cover
BUSINESS = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin")

#: Every name a repr may use: the public namespace and the new, not yet exported, factories.
NAMESPACE = {
    **{name: getattr(sla, name) for name in sla.__all__},
    **{name: getattr(probes_dsl, name) for name in probes_dsl.__all__},
    **{name: getattr(incidents_dsl, name) for name in incidents_dsl.__all__},
    "Probe": Probe,
    "Decimal": Decimal,
}


def agreement(
    *measures: ProbeMeasure | sla.IncidentMeasure,
    services: Sequence[str] = SERVICES,
    compensation: sla.CreditRule | None = None,
    fee: str = "1000.00",
    no_data: str = "no data",
) -> sla.Agreement:
    """Return an agreement with one objective on each measure (``>= 0``: always met)."""
    tier = sla.Tier(
        "t",
        fee=sla.usd(fee),
        objectives=[m >= 0 for m in measures],
        compensation=compensation,
        no_data=no_data,  # type: ignore[arg-type]
    )
    return sla.Agreement(provider="p", customer="c", services=list(services), tier=tier)


def values_of(report: sla.Report, measure: object) -> dict[str, Fraction | None]:
    """Return each service's exact value of ``measure`` in ``report``."""
    return {o.service: o.value for o in report.objectives if o.objective.measure == measure}


def sample(service: str, at: int, metric: str, value: str | int) -> Probe:
    return Probe(service, at, metric, value if isinstance(value, int) else Decimal(value))


# --- the oracle -------------------------------------------------------------------------------


def counted_values(measure: ProbeMeasure, probes: Sequence[Probe], service: str) -> list[Fraction]:
    """Return the values the measure counts for ``service``, in the samples' unit."""
    out = []
    for p in probes:
        if p.service != service or p.metric != measure.metric:
            continue
        if not P0 <= p.time_us < P1:
            continue
        if measure.during is not None and p.time_us not in measure.during:
            continue
        out.append(Fraction(p.value))
    return out


def oracle(measure: ProbeMeasure, probes: Sequence[Probe], service: str) -> Fraction | None:
    """Return the value of ``measure`` for ``service``, by the rules written out plainly."""
    xs = sorted(counted_values(measure, probes, service))
    n = len(xs)
    if n == 0 or n < measure.min_samples:
        return None
    if isinstance(measure, ProbeMean):
        value = sum(xs, Fraction(0)) / n
    elif isinstance(measure, ProbeMax):
        value = xs[-1]
    else:
        assert isinstance(measure, ProbePercentile)
        q = Fraction(measure.q) / 100
        if measure.method == "nearest_rank":
            value = xs[math.ceil(q * n) - 1]
        elif measure.method == "lower":
            value = xs[math.floor(q * (n - 1))]
        elif measure.method == "higher":
            value = xs[math.ceil(q * (n - 1))]
        else:
            position = q * (n - 1)
            lo = math.floor(position)
            hi = min(lo + 1, n - 1)
            value = xs[lo] + (position - lo) * (xs[hi] - xs[lo])
    return value / 100 if measure.unit_text == "%" else value


# --- strategies -------------------------------------------------------------------------------

INSTANTS = st.one_of(
    # on the period's bounds and one microsecond either side of them
    st.sampled_from([P0 - 1, P0, P0 + 1, P1 - 1, P1, P1 + 1]),
    st.integers(P0 - DAY, P1 + DAY),
)
VALUES = st.one_of(
    st.integers(0, 12).map(Decimal),  # few values: ties
    st.integers(0, 10**9).map(lambda k: Decimal(k).scaleb(-6)),  # six decimals
    st.sampled_from([Decimal(0), Decimal(MAX_VALUE), Decimal("0.000001")]),
)
PROBES = st.builds(
    Probe,
    st.sampled_from(["a", "a", "b", "c"]),
    INSTANTS,
    st.sampled_from(["rtt", "rtt", "loss", "jitter"]),
    VALUES,
)
METRICS = st.sampled_from(["rtt", "loss", "jitter"])
OPTIONS = st.fixed_dictionaries(
    {
        "min_samples": st.sampled_from([1, 1, 2, 5]),
        "during": st.sampled_from([None, BUSINESS]),
    }
)
QS = [1, 25, 50, 90, 95, "99.9", 100, "33.3"]
METHODS = ["nearest_rank", "lower", "higher", "linear"]
MEASURES = st.one_of(
    st.builds(lambda m, o: probe_mean(m, **o), METRICS, OPTIONS),
    st.builds(lambda m, o: probe_max(m, **o), METRICS, OPTIONS),
    st.builds(
        lambda m, q, method, o: probe_percentile(m, q, method=method, **o),
        METRICS,
        st.sampled_from(QS),
        st.sampled_from(METHODS),
        OPTIONS,
    ),
)


def every_measure(metric: str, options: dict[str, Any]) -> list[ProbeMeasure]:
    """Return the mean, the maximum and every percentile of ``metric`` by every method."""
    percentiles = [
        probe_percentile(metric, q, method=method, **options)  # type: ignore[arg-type]
        for q in QS
        for method in METHODS
    ]
    return [probe_mean(metric, **options), probe_max(metric, **options), *percentiles]


@st.composite
def dense(draw: st.DrawFn, metric: str) -> list[Probe]:
    """Draw many samples of ``metric`` for the covered routes, on business days' hours."""
    out = []
    for service in SERVICES:
        values = draw(st.lists(VALUES, max_size=30))
        day = draw(st.integers(0, 20))
        out += [
            Probe(service, P0 + day * DAY + (7 + k % 12) * HOUR + k, metric, value)
            for k, value in enumerate(values)
        ]
    return out


@settings(max_examples=150, deadline=None)
@given(METRICS, OPTIONS, st.lists(PROBES, max_size=40), st.data())
def test_every_measure_agrees_with_the_oracle(
    metric: str, options: dict[str, Any], noise: list[Probe], data: st.DataObject
) -> None:
    """Mean, percentiles and maximum per service equal the plain computation, exactly."""
    probes = noise + data.draw(dense(metric))
    measures = every_measure(metric, options)
    report = sla.evaluate(agreement(*measures), probes, period="2026-10")
    for measure in measures:
        expected = {s: oracle(measure, probes, s) for s in SERVICES}
        assert values_of(report, measure) == expected, measure
        # every sample reconciles: counted or ignored with a reason, never lost
        counts = report.reconciliation.by_measure[repr(measure)]
        assert sum(counts.values()) == len(probes)
        counted = sum(len(counted_values(measure, probes, s)) for s in SERVICES)
        assert counts["counted"] == counted


@settings(max_examples=60, deadline=None)
@given(MEASURES, st.lists(PROBES, max_size=30), st.randoms(use_true_random=False))
def test_the_order_of_samples_never_matters(
    measure: ProbeMeasure, probes: list[Probe], rnd: random.Random
) -> None:
    """Shuffled samples give the same report, evidence and words included."""
    shuffled = list(probes)
    rnd.shuffle(shuffled)
    first = sla.evaluate(agreement(measure), probes, period="2026-10")
    second = sla.evaluate(agreement(measure), shuffled, period="2026-10")
    assert first.explain() == second.explain()
    assert first.to_dict() == second.to_dict()


@settings(max_examples=100, deadline=None)
@given(MEASURES, st.lists(PROBES, max_size=30))
def test_the_evidence_names_the_count_and_the_deciding_sample(
    measure: ProbeMeasure, probes: list[Probe]
) -> None:
    """Per service: the samples counted, the value, and the sample at the max or the rank."""
    report = sla.evaluate(agreement(measure), probes, period="2026-10")
    for service in SERVICES:
        evidence = report.evidence(service)
        assert isinstance(evidence, ProbeEvidence)
        xs = counted_values(measure, probes, service)
        assert evidence.counted == len(xs)
        assert sum(evidence.samples.values()) == sum(p.service == service for p in probes)
        expected = oracle(measure, probes, service)
        if expected is None:
            assert evidence.value == "no data"
            assert not evidence.decided
            assert "no data" in evidence.detail
            continue
        assert evidence.value == measure.format_value(expected)
        if isinstance(measure, ProbeMean):
            assert not evidence.decided
            continue
        if isinstance(measure, ProbePercentile) and measure.method == "linear":
            assert 1 <= len(evidence.decided) <= 2
            continue
        (decided,) = evidence.decided
        shown = Decimal(decided.value.removesuffix(measure.unit_text))
        in_unit = expected * 100 if measure.unit_text == "%" else expected
        assert Fraction(shown) == in_unit
        assert decided.category == "counted"
        assert decided in evidence.events


# --- by hand: boundaries, ranks, ties --------------------------------------------------------


def test_samples_belong_to_the_period_by_their_instant_half_open() -> None:
    """A sample at the period's start counts; one at its end is the next period's."""
    probes = [
        sample("a", P0 - 1, "rtt", "100"),
        sample("a", P0, "rtt", "10"),
        sample("a", P1 - 1, "rtt", "20"),
        sample("a", P1, "rtt", "100"),
    ]
    report = sla.evaluate(agreement(probe_max("rtt")), probes, period="2026-10")
    assert values_of(report, probe_max("rtt"))["a"] == 20
    evidence = report.evidence("a")
    assert isinstance(evidence, ProbeEvidence)
    assert evidence.samples == {"counted": 2, "ignored: outside the period": 2}
    assert [n.reason for n in evidence.events[:2]] == ["ignored: outside the period"] * 2


def test_a_mean_is_exact_and_its_target_is_compared_exactly() -> None:
    """A mean of 10, 10 and 11 ms is 31/3 ms: above 10.333333ms, below 10.333334ms."""
    probes = [sample("a", P0 + k * HOUR, "rtt", v) for k, v in enumerate(["10", "10", "11"])]
    mean = probe_mean("rtt")
    assert values_of(sla.evaluate(agreement(mean), probes, period="2026-10"), mean)["a"] == (
        Fraction(31, 3)
    )
    for target, met in (("10.333333ms", False), ("10.333334ms", True)):
        tier = sla.Tier("t", fee=sla.usd("1"), objectives=[mean <= target])
        deal = sla.Agreement(provider="p", customer="c", services=["a"], tier=tier)
        (result,) = sla.evaluate(deal, probes, period="2026-10").objectives
        assert result.met is met
        assert result.shown == "10.333333ms (exact 31/3)"


@pytest.mark.parametrize(
    ("q", "method", "expected"),
    [
        # ten samples 1..10: nearest rank of 95% is rank ceil(9.5) = 10
        (95, "nearest_rank", 10),
        (90, "nearest_rank", 9),  # exactly rank 9: no rounding up
        (91, "nearest_rank", 10),
        (1, "nearest_rank", 1),
        (100, "nearest_rank", 10),
        # 0-based rank floor / ceil of q * (n - 1) = 0.95 * 9 = 8.55
        (95, "lower", 9),
        (95, "higher", 10),
        (95, "linear", Fraction(955, 100)),
        (50, "linear", Fraction(11, 2)),
    ],
)
def test_percentile_methods_by_hand(q: int, method: str, expected: Fraction) -> None:
    """The rank rules of the percentile methods, on ten samples of 1 to 10 ms."""
    probes = [sample("a", P0 + k * HOUR, "rtt", 10 - k) for k in range(10)]
    measure = probe_percentile("rtt", q, method=method)  # type: ignore[arg-type]
    report = sla.evaluate(agreement(measure), probes, period="2026-10")
    assert values_of(report, measure)["a"] == expected


def test_a_percentile_of_many_decimals_is_exact_past_int64() -> None:
    """A percentile with twenty decimals interpolates in Python integers, still exactly."""
    q = "99.99999999999999999999"
    probes = [sample("a", P0 + k * HOUR, "rtt", v) for k, v in enumerate(["1", "2", "4"])]
    measures = [probe_percentile("rtt", q, method=m) for m in METHODS]  # type: ignore[arg-type]
    report = sla.evaluate(agreement(*measures), probes, period="2026-10")
    ratio = Fraction(q) / 100
    expected = {
        "nearest_rank": Fraction(4),
        "lower": Fraction(2),
        "higher": Fraction(4),
        "linear": 2 + (ratio * 2 - 1) * 2,  # between ranks 1 and 2 of 0, 1, 2
    }
    for measure in measures:
        assert values_of(report, measure)["a"] == expected[measure.method]


def test_values_of_thousands_of_routes_sort_without_packing() -> None:
    """Past the packed keys' range (values near 10**15, 10,000 routes), a lexsort orders them."""
    group = np.asarray([3, 1, 3, 1, 9_999], dtype=np.int64)
    values = np.asarray([10**15, 5, 7, 10**15, 0], dtype=np.int64)
    assert _sorted_values(group, values, 10_000).tolist() == [5, 10**15, 7, 10**15, 0]
    small = np.asarray([9, 5, 7, 8, 0], dtype=np.int64)  # packed into one key: the same order
    assert _sorted_values(group, small, 10_000).tolist() == [5, 8, 7, 9, 0]


def test_the_deciding_sample_of_tied_maxima_is_the_earliest() -> None:
    """Three samples share the maximum: the evidence names the earliest and says so."""
    probes = [
        sample("a", P0 + 3 * HOUR, "jitter", "4.5"),
        sample("a", P0 + 1 * HOUR, "jitter", "4.5"),
        sample("a", P0 + 2 * HOUR, "jitter", "1"),
        sample("a", P0 + 5 * HOUR, "jitter", "4.5"),
    ]
    report = sla.evaluate(agreement(probe_max("jitter")), probes, period="2026-10")
    evidence = report.evidence("a")
    assert isinstance(evidence, ProbeEvidence)
    (decided,) = evidence.decided
    assert (decided.start, decided.value) == (P0 + HOUR, "4.5ms")
    assert evidence.detail == "the largest of 4 samples counted: 4.5ms; 3 samples share it"
    assert "decided by the jitter probe of a at 2026-10-01T01:00:00Z: 4.5ms" in report.explain()


def test_min_samples_below_is_no_data_with_the_reason() -> None:
    """Two samples where three are needed: no data, which the tier's no_data rule decides."""
    probes = [sample("a", P0 + HOUR, "rtt", "10"), sample("a", P0 + 2 * HOUR, "rtt", "12")]
    measure = probe_mean("rtt", min_samples=3)
    report = sla.evaluate(agreement(measure, services=["a"]), probes, period="2026-10")
    (result,) = report.objectives
    assert result.value is None
    assert result.verdict is sla.Verdict.NO_DATA
    evidence = report.evidence("a")
    assert isinstance(evidence, ProbeEvidence)
    assert evidence.detail == "2 samples counted, fewer than the minimum of 3: no data"
    breached = sla.evaluate(
        agreement(measure, services=["a"], no_data="breached"), probes, period="2026-10"
    )
    (result,) = breached.objectives
    assert result.verdict is sla.Verdict.BREACHED
    assert result.resolved_by == "no_data='breached'"
    # exactly the minimum is enough
    enough = [*probes, sample("a", P0 + 3 * HOUR, "rtt", "14")]
    report = sla.evaluate(agreement(measure, services=["a"]), enough, period="2026-10")
    assert report.objectives[0].value == 12


def test_service_hours_leave_out_the_samples_taken_outside_them() -> None:
    """With during=, only samples in the service hours count; the others are ignored, named."""
    monday_night = to_us("2026-10-05T23:00:00Z")
    monday_noon = to_us("2026-10-05T10:00:00Z")
    probes = [sample("a", monday_night, "rtt", "90"), sample("a", monday_noon, "rtt", "20")]
    measure = probe_max("rtt", during=BUSINESS)
    report = sla.evaluate(agreement(measure), probes, period="2026-10")
    assert values_of(report, measure)["a"] == 20
    evidence = report.evidence("a")
    assert isinstance(evidence, ProbeEvidence)
    assert evidence.samples == {"counted": 1, "ignored: outside the service hours": 1}
    assert evidence.eligible == BUSINESS.timeline(P0, P1)
    assert "service hours" in measure.describe()


def test_a_mean_of_a_percent_metric_shows_its_derivation() -> None:
    """The evidence of a mean writes its sum and count in the metric's unit."""
    probes = [sample("a", P0 + k * HOUR, "loss", v) for k, v in enumerate(["0", "0.1", "0.2"])]
    report = sla.evaluate(agreement(probe_mean("loss")), probes, period="2026-10")
    evidence = report.evidence("a")
    assert isinstance(evidence, ProbeEvidence)
    assert evidence.detail == "3 samples counted; mean = 0.3% / 3 = 0.1%"
    assert evidence.value == "0.1%"
    assert evidence.lines() == [
        "mean loss of a: 0.1%",
        "  3 samples counted; mean = 0.3% / 3 = 0.1%",
        "  samples counted: 3",
    ]


def test_service_hours_without_any_time_leave_no_sample() -> None:
    """A calendar that is never open counts no sample: no data, each sample said why."""
    measure = probe_max("rtt", during=sla.never())
    report = sla.evaluate(agreement(measure), [sample("a", P0, "rtt", "1")], period="2026-10")
    assert values_of(report, measure)["a"] is None
    assert report.reconciliation.reasons[repr(measure)] == {"ignored: outside the service hours": 1}


def test_every_sample_has_a_note_of_what_it_did() -> None:
    """Report.events() lists every sample's fate, in the order of their facts."""
    probes = [
        sample("b", P0 + HOUR, "rtt", "3"),
        sample("a", P0 + HOUR, "loss", "0.5"),
        sample("a", P1, "rtt", "1"),
    ]
    report = sla.evaluate(agreement(probe_mean("rtt")), probes, period="2026-10")
    notes = report.events()
    assert [(n.service, n.category, n.reason) for n in notes] == [
        ("a", "ignored", "ignored: another metric"),
        ("b", "counted", "counted"),
        ("a", "ignored", "ignored: outside the period"),
    ]
    assert notes[0].what() == "loss probe of a at 2026-10-01T01:00:00Z: 0.5%"
    assert notes[1].describe() == (
        "row 0: rtt probe of b at 2026-10-01T01:00:00Z: 3ms: counted, counted"
    )


def test_a_mean_of_ten_thousand_huge_values_sums_past_int64() -> None:
    """Ten thousand samples of the largest value sum past int64, and the mean stays exact."""
    n = 10_000
    table = ProbeTable.from_columns(
        {
            "service": ["a"] * n,
            "time": np.full(n, P0, dtype=np.int64),
            "metric": ["mos"] * n,
            "value": np.full(n, MAX_VALUE, dtype=np.uint64),
        }
    )
    measure = probe_mean("mos")
    report = sla.evaluate(agreement(measure), table, period="2026-10")
    assert values_of(report, measure)["a"] == MAX_VALUE


def test_samples_of_other_metrics_and_routes_are_counted_as_ignored() -> None:
    """Every row reconciles: another metric, a route not covered, with the row counts."""
    probes = [
        sample("a", P0 + HOUR, "rtt", "10"),
        sample("a", P0 + HOUR, "loss", "0.5"),
        sample("c", P0 + HOUR, "rtt", "10"),
    ]
    report = sla.evaluate(agreement(probe_mean("rtt")), probes, period="2026-10")
    assert report.reconciliation.reasons["probe_mean('rtt')"] == {
        "counted": 1,
        "ignored: another metric": 1,
        "ignored: service not covered": 1,
    }
    assert set(report.reconciliation.reasons["probe_mean('rtt')"]) <= set(REASONS)
    (row,) = report.uncovered()
    assert (row.category, row.table, row.service) == ("uncovered", "probes", "c")


def test_a_route_name_near_a_covered_one_gets_a_did_you_mean() -> None:
    """Samples of an uncovered route are listed with the covered name it may mean."""
    deal = agreement(probe_mean("rtt"), services=["lon-fra"])
    report = sla.evaluate(deal, [sample("lon-frq", P0, "rtt", "1")], period="2026-10")
    (row,) = report.uncovered()
    assert row.suggestions == ("lon-fra",)
    assert "1 probe" in report.explain()


def test_a_probe_table_no_measure_reads_is_reported_unread() -> None:
    """Probe samples given to an agreement without probe measures are never silent."""
    deal = sla.Agreement(
        provider="p",
        customer="c",
        services=["a"],
        tier=sla.Tier("t", fee=sla.usd("1"), objectives=[sla.uptime() >= "99%"]),
    )
    report = sla.evaluate(deal, [sample("a", P0, "rtt", "1")], period="2026-10")
    (row,) = report.uncovered()
    assert row.category == "unread"
    assert "reads probes" in row.reason


# --- units and targets -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "target", "expected"),
    [
        (probe_mean("rtt"), "45ms", Decimal(45)),
        (probe_mean("rtt"), " 45 ms ", Decimal(45)),
        (probe_mean("rtt"), "45", Decimal(45)),
        (probe_mean("rtt"), 45, Decimal(45)),
        (probe_mean("rtt"), Decimal("12.5"), Decimal("12.5")),
        (probe_mean("rtt"), sla.milliseconds(45), Decimal(45)),
        (probe_mean("jitter"), "0.25ms", Decimal("0.25")),
        # a percentage is a ratio, as every percentage in slakit is
        (probe_mean("loss"), "0.1%", Decimal("0.001")),
        (probe_mean("mos"), "4.2", Decimal("4.2")),
        (probe_mean("throughput", unit="Mbps"), "100Mbps", Decimal(100)),
    ],
)
def test_targets_are_read_in_the_measure_unit(
    measure: ProbeMeasure, target: object, expected: Decimal
) -> None:
    """A target is written in the metric's unit, with the unit or without it."""
    assert measure.coerce(target) == expected


@pytest.mark.parametrize(
    ("measure", "target", "message"),
    [
        (probe_mean("rtt"), "45s", "names another unit"),
        (probe_mean("rtt"), "4.5%", "names another unit"),
        (probe_mean("rtt"), "-1ms", "zero or more"),
        (probe_mean("rtt"), 4.5, "must be a value in ms"),
        (probe_mean("rtt"), True, "must be a value in ms"),
        (probe_mean("loss"), "0.1", "needs a percent sign"),
        (probe_mean("mos"), "4ms", "names another unit"),
    ],
)
def test_targets_in_another_unit_are_refused(
    measure: ProbeMeasure, target: object, message: str
) -> None:
    """A target in another unit, negative or inexact is an error that says what to write."""
    with pytest.raises(DefinitionError, match=message):
        measure.coerce(target)


def test_a_metric_unit_written_as_its_default_is_the_default() -> None:
    """probe_mean("rtt", unit="ms") is probe_mean("rtt"): one measure, one repr."""
    assert probe_mean("rtt", unit="ms") == probe_mean("rtt")
    assert repr(probe_mean("rtt", unit="us")) == "probe_mean('rtt', unit='us')"
    assert probe_mean("loss").percent
    assert not probe_mean("loss", unit="").percent


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: probe_mean(""), "metric"),
        (lambda: probe_mean("rtt", min_samples=0), "min_samples"),
        (lambda: probe_mean("rtt", min_samples=True), "min_samples"),
        (lambda: probe_mean("rtt", unit="m s"), "unit"),
        (lambda: probe_mean("rtt", unit="%x"), "unit"),
        (lambda: probe_mean("rtt", during="Mon-Fri"), "during"),
        (lambda: probe_percentile("rtt", 0), "percentile"),
        (lambda: probe_percentile("rtt", 101), "percentile"),
        (lambda: probe_percentile("rtt", 95, method="mean"), "method"),
    ],
)
def test_bad_options_are_refused_at_once(build: Any, message: str) -> None:
    """Every option is checked when the measure is built."""
    with pytest.raises(DefinitionError, match=message):
        build()


def test_labels_and_words() -> None:
    """Each measure names itself for reports and describes its rule for the agreement."""
    assert probe_percentile("rtt", "99.9", service="a").label == "p99.9 rtt of a"
    assert probe_max("loss").label == "max loss"
    words = probe_percentile("rtt", 95).describe()
    assert "nearest rank" in words
    assert "ceil(q x n)" in words
    assert "milliseconds" in words
    assert "fewer than 10 samples" in probe_mean("rtt", min_samples=10).describe()
    assert probe_mean("loss").format_margin(Fraction(-1, 1000)) == "-0.1 points"
    assert probe_mean("rtt").format_margin(Fraction(-5, 2)) == "-2.5ms"


# --- credits --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mean", "credit"),
    [
        ("45", "0.00"),  # exactly the threshold: "above 45ms" is not met
        ("45.000001", "123.46"),  # 10% of 1,234.56 = 123.456, rounded once, half up
        ("60", "123.46"),
        ("60.5", "308.64"),  # 25% of 1,234.56
    ],
)
def test_a_credit_schedule_on_a_mean_pays_to_the_cent(mean: str, credit: str) -> None:
    """Bands above a latency threshold: a worse (higher) mean earns more."""
    measure = probe_mean("rtt")
    schedule = sla.credit_schedule(measure, {"> 45ms": "10%", "> 60ms": "25%"})
    probes = [sample("a", P0 + HOUR, "rtt", mean), sample("a", P0 + 2 * HOUR, "rtt", mean)]
    deal = agreement(measure, services=["a"], compensation=schedule, fee="1234.56")
    assert sla.evaluate(deal, probes, period="2026-10").total == sla.usd(credit)
    assert schedule.monotone()  # more down time never changes a probe value


def test_a_loss_schedule_reads_percentages() -> None:
    """Monthly packet loss above 0.1% pays 5%, above 1% pays 20%; samples are in percent."""
    measure = probe_mean("loss")
    schedule = sla.credit_schedule(measure, {"> 0.1%": "5%", "> 1%": "20%"})
    deal = agreement(measure, services=["a"], compensation=schedule, fee="999.99")
    probes = [sample("a", P0 + k * HOUR, "loss", v) for k, v in enumerate(["0", "0.3", "0.3"])]
    report = sla.evaluate(deal, probes, period="2026-10")
    assert report.objectives[0].value == Fraction(2, 1000)  # 0.2%
    assert report.total == sla.usd("50.00")  # 5% of 999.99 = 49.9995
    assert "(0.1%, 1%]" in repr(schedule)


def test_per_breach_and_only_if_breached_use_objectives_on_probes() -> None:
    """A fixed amount per breached objective, and a schedule paid only if breached."""
    measure = probe_percentile("jitter", 95)
    objective = measure <= "2ms"
    rule = sla.per_breach(objective, sla.usd("100")) + sla.only_if_breached(
        sla.credit_schedule(measure, {"> 1ms": "10%"}), when=objective
    )
    probes = [sample("a", P0 + k * HOUR, "jitter", v) for k, v in enumerate(["1.5", "1.5"])]
    deal = agreement(measure, services=["a"], compensation=rule)
    assert sla.evaluate(deal, probes, period="2026-10").total == sla.usd("0.00")  # met
    probes.append(sample("a", P0 + 5 * HOUR, "jitter", "2.5"))
    assert sla.evaluate(deal, probes, period="2026-10").total == sla.usd("200.00")


def test_per_breach_on_a_bare_probe_measure_says_to_use_an_objective() -> None:
    """A probe statistic counts no misses: per_breach needs an objective on it, when written."""
    measure = probe_mean("rtt")
    with pytest.raises(DefinitionError, match="not a count of misses"):
        sla.per_breach(measure, sla.usd("1"))


def test_render_schedule_states_the_measures_and_bands() -> None:
    """The agreement document says how each probe measure is computed and its bands."""
    measure = probe_percentile("rtt", 95, min_samples=100)
    deal = agreement(
        measure, compensation=sla.credit_schedule(measure, {"> 45ms": "10%", "> 60ms": "25%"})
    )
    text = sla.render_schedule(deal)
    assert "**p95 rtt**: The 95% percentile" in text
    assert "fewer than 100 samples" in text
    assert "(45ms, 60ms]" in text


# --- the table: records, columns, validation ------------------------------------------------


@pytest.mark.parametrize(
    ("value", "units"),
    [
        ("12.5", 12_500_000),
        (" 12.50 ", 12_500_000),
        (Decimal("1E+3"), 1_000_000_000),
        (0.1, 100_000),  # a float is its shortest decimal
        (7, 7_000_000),
        (np.int64(7), 7_000_000),
        ("0.000001", 1),
        ("-0", 0),
        (MAX_VALUE, MAX_VALUE * 10**6),
        # refused: finer than a millionth, negative, too large, not a number
        ("0.0000001", None),
        ("-0.5", None),
        (MAX_VALUE + 1, None),
        ("1e999999999", None),
        ("NaN", None),
        (float("inf"), None),
        (True, None),
        ("twelve", None),
        ("", None),
        (None, None),
    ],
)
def test_values_are_exact_decimals(value: object, units: int | None) -> None:
    """A value is zero or more, at most MAX_VALUE, and exact to the millionth."""
    assert units_of(value) == units


def test_a_probe_record_prints_as_its_call_and_converts() -> None:
    """Probe(...) is a record: it normalises its time and value and prints as its call."""
    probe = Probe("lon-fra", "2026-10-01T02:05:00+02:00", "rtt", "12.50")
    assert repr(probe) == "Probe('lon-fra', '2026-10-01T00:05:00Z', 'rtt', '12.5')"
    assert eval(repr(probe), NAMESPACE) == probe
    assert probe.units == 12_500_000
    with pytest.raises(DefinitionError, match="time"):
        Probe("a", datetime(2026, 10, 1), "rtt", "1")  # naive, on purpose
    with pytest.raises(DefinitionError, match="value"):
        Probe("a", P0, "rtt", "1.0000001")
    with pytest.raises(DefinitionError, match="service"):
        Probe("", P0, "rtt", "1")


def test_records_and_columns_make_the_same_table() -> None:
    """from_records and from_columns of the same samples hold the same columns."""
    probes = [
        sample("b", P0 + 2, "loss", "0.25"),
        sample("a", P0, "rtt", "12.5"),
        sample("a", P0 + 1, "rtt", 40),
    ]
    by_records = ProbeTable.from_records(probes)
    by_columns = ProbeTable.from_columns(
        {
            "service": ["b", "a", "a"],
            "time": [
                "2026-10-01T00:00:00.000002Z",
                P0,
                datetime(2026, 10, 1, 2, 0, 0, 1, tzinfo=ZoneInfo("Europe/Berlin")),
            ],
            "metric": ["loss", "rtt", "rtt"],
            "value": [Decimal("0.25"), "12.5", 40],
        }
    )
    for name in ("service", "services", "time", "metric", "metrics", "value"):
        left, right = getattr(by_records, name), getattr(by_columns, name)
        assert np.array_equal(left, right) if isinstance(left, np.ndarray) else left == right
    assert by_records.records() == probes
    assert by_records.counts() == {"loss": 1, "rtt": 2}
    assert repr(by_records) == "<ProbeTable 3 samples (1 loss, 2 rtt) over 2 services>"


def test_every_bad_row_is_named_with_its_field() -> None:
    """Invalid rows are all reported at once, each by row and field, with what to write."""
    with pytest.raises(EventDataError) as caught:
        ProbeTable.from_columns(
            {
                "service": ["a", "a", "", "a", "a", "a", "a"],
                "time": [
                    datetime(2026, 10, 1),  # naive, on purpose
                    "2026-10-01T00:00:00Z",
                    "2026-10-01T00:00:00Z",
                    None,
                    "2026-10-01T00:00:00Z",
                    "2026-10-01T00:00:00Z",
                    "2026-10-01T00:00:00Z",
                ],
                "metric": ["rtt", "rtt", "rtt", "rtt", " ", "rtt", "rtt"],
                "value": ["1", "12.3456789", "1", "1", "1", -1, None],
            }
        )
    found = {(p.where, p.field) for p in caught.value.problems}
    assert found == {
        ("row 0", "time"),  # no time zone
        ("row 1", "value"),  # seven decimals
        ("row 2", "service"),  # blank
        ("row 3", "time"),  # missing
        ("row 4", "metric"),  # blank
        ("row 5", "value"),  # negative
        ("row 6", "value"),  # missing
    }
    messages = {p.where: p.message for p in caught.value.problems}
    assert "exact to the millionth (at most 6 decimals)" in messages["row 1"]
    assert "missing; every probe sample needs a value" in messages["row 6"]


def test_a_data_frame_without_a_zone_or_with_booleans_is_refused_by_column() -> None:
    """Naive datetimes and boolean values are column problems that say how to fix them."""
    frame = pd.DataFrame(
        {
            "service": ["a"],
            "time": pd.to_datetime(["2026-10-01T00:00"]),
            "metric": ["rtt"],
            "value": [True],
        }
    )
    with pytest.raises(EventDataError) as caught:
        ProbeTable.from_columns(frame)
    problems = {p.field: p.message for p in caught.value.problems}
    assert "without a time zone" in problems["time"]
    assert "booleans" in problems["value"]


@pytest.mark.parametrize(
    ("values", "problems"),
    [
        # unsigned integers: checked against the largest value
        (np.asarray([1, MAX_VALUE + 1], dtype=np.uint64), [("row 1", "value")]),
        # signed integers: zero or more
        (np.asarray([-1, 2], dtype=np.int64), [("row 0", "value")]),
        # neither numbers nor text: one problem for the column
        (np.asarray([1, 2], dtype="timedelta64[s]"), [("columns", "value")]),
    ],
)
def test_value_columns_of_other_types(values: Any, problems: list[tuple[str, str]]) -> None:
    """Integers of any width are read as numbers; durations are no values."""
    with pytest.raises(EventDataError) as caught:
        ProbeTable.from_columns(
            {"service": ["a", "a"], "time": [P0, P0], "metric": ["x", "x"], "value": values}
        )
    assert [(p.where, p.field) for p in caught.value.problems] == problems


def test_a_table_checks_its_columns_and_stays_immutable() -> None:
    """Columns of another length are refused; a table cannot be changed."""
    with pytest.raises(ValueError, match="'value' must have 1 rows"):
        ProbeTable(
            service=[0], services=["a"], time=[P0], metric=[0], metrics=["rtt"], value=[1, 2]
        )
    with pytest.raises(ValueError, match="'where' must have 1 entries"):
        ProbeTable(
            service=[0],
            services=["a"],
            time=[P0],
            metric=[0],
            metrics=["rtt"],
            value=[1],
            where=["x", "y"],
        )
    table = ProbeTable.from_records([sample("a", P0, "rtt", 1)])
    with pytest.raises(AttributeError, match="immutable"):
        table.value = np.zeros(1)  # type: ignore[misc]
    with pytest.raises(DefinitionError, match="metric"):
        Probe("a", P0, " ", "1")


def test_floats_of_a_data_frame_are_read_as_their_shortest_decimal() -> None:
    """12.5 and 0.1 read exactly; seven decimals and NaN are refused by row."""
    frame = pd.DataFrame(
        {
            "service": ["a"] * 4,
            "time": pd.to_datetime(["2026-10-01T00:00Z"] * 4, utc=True),
            "metric": ["rtt"] * 4,
            "value": [12.5, 0.1, 0.1234567, float("nan")],
        }
    )
    with pytest.raises(EventDataError) as caught:
        ProbeTable.from_columns(frame)
    assert [(p.where, p.field) for p in caught.value.problems] == [
        ("row 2", "value"),
        ("row 3", "value"),
    ]
    table = ProbeTable.from_columns(frame.iloc[:2])
    assert table.value.tolist() == [12_500_000, 100_000]


# --- files ----------------------------------------------------------------------------------

CSV = (
    "route,time,metric,value\n"
    "lon-fra,2026-10-01T00:05:00Z,rtt,12.5\n"
    "lon-fra,2026-10-01T00:10:00+01:00,rtt,14\n"
    "lon-fra,2026-10-01T00:15:00Z,loss,0.2\n"
)


def test_csv_json_lines_and_parquet_read_the_same_table(tmp_path: Path) -> None:
    """A probe file reads alike from CSV, JSON Lines and Parquet, and evaluates alike."""
    csv_path = tmp_path / "probes.csv"
    csv_path.write_text(CSV, encoding="utf-8")
    from_csv = slakit.io.read_table(csv_path, "probes", columns={"service": "route"})
    lines = [
        {"service": "lon-fra", "time": "2026-10-01T00:05:00Z", "metric": "rtt", "value": 12.5},
        {"service": "lon-fra", "time": "2026-10-01T00:10:00+01:00", "metric": "rtt", "value": 14},
        {"service": "lon-fra", "time": "2026-10-01T00:15:00Z", "metric": "loss", "value": "0.2"},
    ]
    jsonl = tmp_path / "probes.jsonl"
    jsonl.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    from_jsonl = slakit.io.read_table(jsonl, "probes")
    parquet = tmp_path / "probes.parquet"
    pq.write_table(
        pa.table(
            {
                "service": ["lon-fra"] * 3,
                "time": pa.array(
                    [P0 + 5 * 60 * SECOND, P0 - 50 * 60 * SECOND, P0 + 15 * 60 * SECOND],
                    type=pa.timestamp("us", tz="UTC"),
                ),
                "metric": ["rtt", "rtt", "loss"],
                "value": pa.array([12.5, 14.0, 0.2], type=pa.float64()),
            }
        ),
        parquet,
    )
    from_parquet = slakit.io.read_table(parquet, "probes")
    for table in (from_jsonl, from_parquet):
        assert table.records() == from_csv.records()
    assert from_csv.where(1) == f"{csv_path}:3"
    digests = {input_digests([t])["probes"] for t in (from_csv, from_jsonl, from_parquet)}
    assert len(digests) == 1  # the same rows, whatever the format


def test_a_bad_line_of_a_file_is_named_by_line_and_field(tmp_path: Path) -> None:
    """A CSV row with an inexact value names its file line and its field."""
    path = tmp_path / "probes.csv"
    path.write_text(
        "service,time,metric,value\n"
        "a,2026-10-01T00:00:00Z,rtt,1\n"
        "a,2026-10-01T00:00:00Z,rtt,0.1234567\n"
        "a,2026-10-01 00:00:00,rtt,1\n",
        encoding="utf-8",
    )
    with pytest.raises(EventDataError) as caught:
        slakit.io.read_table(path, "probes")
    assert [(p.where, p.field) for p in caught.value.problems] == [
        (f"{path}:3", "value"),
        (f"{path}:4", "time"),
    ]


def test_integer_service_codes_read_with_services(tmp_path: Path) -> None:
    """A service column of codes reads with services=, as events and requests do."""
    path = tmp_path / "probes.csv"
    path.write_text("service,time,metric,value\n1,2026-10-01T00:00:00Z,rtt,3\n", encoding="utf-8")
    table = slakit.io.read_table(path, "probes", services=["a", "b"])
    assert table.records() == [sample("b", P0, "rtt", 3)]


# --- fingerprints ----------------------------------------------------------------------------


def test_the_fingerprint_ignores_the_order_and_filters_by_service() -> None:
    """Samples fingerprint alike in any order; services= keeps only their rows."""
    deal = agreement(probe_mean("rtt"))
    probes = [sample(s, P0 + k, "rtt", str(k)) for k, s in enumerate("abab")]
    table = ProbeTable.from_records(probes)
    backwards = ProbeTable.from_records(probes[::-1])
    assert fingerprint(deal, "2026-10", [table]) == fingerprint(deal, "2026-10", [backwards])
    only_a = ProbeTable.from_records([p for p in probes if p.service == "a"])
    assert fingerprint(deal, "2026-10", [table], services=["a"]) == fingerprint(
        deal, "2026-10", [only_a]
    )
    assert fingerprint(deal, "2026-10", [table]) != fingerprint(deal, "2026-10", [only_a])
    # no probe samples write no probes kind: every earlier fingerprint is unchanged
    assert fingerprint(deal, "2026-10", [ProbeTable.from_records([])]) == fingerprint(
        deal, "2026-10", []
    )
    report = sla.evaluate(deal, table, period="2026-10")
    assert report.fingerprint == fingerprint(deal, "2026-10", [table])


# --- agreement data ------------------------------------------------------------------------

DATA_MEASURES = [
    probe_mean("rtt", min_samples=10),
    probe_mean("throughput", unit="Mbps", service="a"),
    probe_percentile("jitter", "99.9", method="linear", unit="us"),
    probe_percentile("rtt", 95, during=BUSINESS),
    probe_max("loss"),
    late_repairs(within=sla.hours(4)),
    on_time_repairs(within=sla.hours(4), merge_gap=sla.minutes(5)),
]


@pytest.mark.parametrize("measure", DATA_MEASURES, ids=repr)
def test_measures_round_trip_as_data_and_as_code(measure: Any) -> None:
    """to_data / from_data (through JSON text) and the repr rebuild the measure exactly."""
    target = "1%" if measure.format_value(Decimal(0)).endswith("%") else "3"
    deal = agreement(measure, compensation=sla.credit_schedule(measure, {f"> {target}": "10%"}))
    data = json.loads(json.dumps(sla.to_data(deal)))
    assert sla.from_data(data) == deal
    assert eval(repr(measure), NAMESPACE) == measure
    assert eval(repr(measure <= target), NAMESPACE) == (measure <= target)


def test_the_json_schema_lists_the_probe_measures() -> None:
    """docs/schema/agreement.schema.json is regenerated with the new nodes."""
    path = Path(__file__).resolve().parent.parent / "docs" / "schema" / "agreement.schema.json"
    text = path.read_text(encoding="utf-8")
    for tag in ("probe_mean", "probe_percentile", "probe_max"):
        assert f'"{tag}"' in text


def test_every_probe_measure_is_registered() -> None:
    """Runners, a table for the records, canonical keys: the new kind is wired everywhere."""
    from slakit._engine._inputs import RECORDS
    from slakit._engine._order import _KEYS
    from slakit._engine._registry import RUNNERS
    from slakit._io._schemas import KINDS

    for cls in (ProbeMean, ProbePercentile, ProbeMax):
        assert cls in RUNNERS
    assert RECORDS.get(Probe) is not None
    assert ProbeTable in _KEYS
    assert KINDS["probes"].table is ProbeTable
    assert probes_events.VALUE_SCALE == 10**6


# --- repairs: late and on-time incidents ----------------------------------------------------


def outage(service: str, start: float, end: float) -> sla.Outage:
    """An outage from ``start`` to ``end`` hours after the period's start."""
    return sla.Outage(service, P0 + int(start * HOUR), P0 + int(end * HOUR))


def repairs(measure: sla.IncidentMeasure, events: list[sla.Event]) -> Fraction | None:
    report = sla.evaluate(agreement(measure, services=["api"]), events, period="2026-10")
    return report.objectives[0].value


def test_an_incident_of_exactly_the_target_is_repaired_on_time() -> None:
    """Four hours is on time; four hours and a microsecond is late."""
    late = late_repairs(within=sla.hours(4))
    on_time = on_time_repairs(within=sla.hours(4))
    exactly = [outage("api", 1, 5)]
    assert (repairs(late, exactly), repairs(on_time, exactly)) == (0, 1)
    over = [sla.Outage("api", P0 + HOUR, P0 + 5 * HOUR + 1)]
    assert (repairs(late, over), repairs(on_time, over)) == (1, 0)


def test_repairs_judge_whole_incidents_that_start_in_the_period() -> None:
    """Reports merge into one incident; an incident from September is September's."""
    events = [
        outage("api", -2, 3),  # starts in September: not October's, however long
        outage("api", 10, 12),  # with the next, one incident of 5 hours: late
        outage("api", 12, 15),
        outage("api", 20, 21),  # 1 hour: on time
        outage("api", 30, 33.5),  # 3.5 hours: on time
    ]
    assert repairs(late_repairs(within=sla.hours(4)), events) == 1
    assert repairs(on_time_repairs(within=sla.hours(4)), events) == Fraction(2, 3)
    assert repairs(on_time_repairs(within=sla.hours(4)), []) is None  # no incident: no data


@settings(max_examples=100)
@given(
    st.lists(st.tuples(st.integers(-300, 31 * 24 * 60), st.integers(0, 600)), max_size=12).map(
        lambda spans: [
            sla.Outage("api", P0 + s * 60 * SECOND, P0 + (s + d) * 60 * SECOND)
            for s, d in spans
            if d > 0
        ]
    ),
    st.sampled_from([30, 60, 240]),
    st.sampled_from([0, 5]),
)
def test_repairs_agree_with_merging_outages_by_hand(
    events: list[sla.Outage], within_minutes: int, gap_minutes: int
) -> None:
    """Late and on-time repairs equal a plain merge of the outage reports into incidents."""
    gap = gap_minutes * 60 * SECOND
    spans = sorted((o.start_us, o.end_us) for o in events)
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] + gap:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    mine = [(s, e) for s, e in merged if P0 <= s < P1]
    late = sum(e - s > within_minutes * 60 * SECOND for s, e in mine)
    options = {"within": sla.minutes(within_minutes), "merge_gap": sla.minutes(gap_minutes)}
    assert repairs(late_repairs(**options), events) == late
    expected = Fraction(len(mine) - late, len(mine)) if mine else None
    assert repairs(on_time_repairs(**options), events) == expected


def test_per_breach_pays_per_late_repair_with_evidence_per_incident() -> None:
    """100 USD per incident repaired late; the evidence lists the late incidents."""
    late = late_repairs(within=sla.hours(4))
    deal = agreement(late, services=["api"], compensation=sla.per_breach(late, sla.usd("100")))
    events = [outage("api", 1, 6), outage("api", 10, 11), outage("api", 20, 30)]
    report = sla.evaluate(deal, events, period="2026-10")
    assert report.total == sla.usd("200.00")
    evidence = report.evidence("api")
    assert [(s.start, s.end) for s in evidence.down] == [
        (P0 + HOUR, P0 + 6 * HOUR),
        (P0 + 20 * HOUR, P0 + 30 * HOUR),
    ]
    reasons = [n.reason for n in evidence.events]
    assert sum("repaired late, longer than 4 hours" in r for r in reasons) == 2
    assert sum("repaired on time, within 4 hours" in r for r in reasons) == 1
    assert late.label == "repairs later than 4 hours"
    assert "exactly 4 hours is repaired on time" in late.describe()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: incidents_dsl.IncidentMeasure(statistic="late"), "needs a repair target"),
        (
            lambda: incidents_dsl.IncidentMeasure(statistic="mttr", within=sla.hours(1)),
            "takes no repair target",
        ),
        (lambda: late_repairs(within=sla.hours(0)), "within"),
    ],
)
def test_the_repair_target_belongs_to_the_repair_statistics(build: Any, message: str) -> None:
    """within= is required by the repair statistics, refused by the others, and positive."""
    with pytest.raises(DefinitionError, match=message):
        build()


def test_on_time_repairs_read_percentages_and_late_repairs_counts() -> None:
    """The share of repairs on time is a percentage; the late repairs a count."""
    on_time = on_time_repairs(within=sla.hours(4))
    assert on_time.coerce("95%") == Decimal("0.95")
    assert late_repairs(within=sla.hours(4)).coerce("2") == 2
    with pytest.raises(DefinitionError):
        late_repairs(within=sla.hours(4)).coerce("2.5")
    assert on_time.bad_units(np.array([2]), np.array([3])).tolist() == [1]


def test_a_negative_margin_keeps_its_sign_in_the_exact_fraction() -> None:
    measure = probe_mean("rtt")
    assert measure.format_margin(Fraction(-1, 6)) == "-0.166667ms (exact -1/6)"
    assert measure.format_margin(Fraction(1, 6)) == "+0.166667ms (exact 1/6)"
    assert measure.format_margin(Fraction(-1, 2)) == "-0.5ms"
