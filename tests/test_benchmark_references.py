"""The benchmark harness's numpy references agree with slakit (correctness only, no timing)."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from fractions import Fraction

import numpy as np
import pytest
from benchmarks import w1, w2, w3
from benchmarks.__main__ import bench_workload, machine, table

import slakit as sla

# --- W1: fleet month ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_w1_reference_equals_slakit(seed: int) -> None:
    """Every uptime (as an exact fraction) and every credit of 50 services agree."""
    data = w1.generate(50, seed)
    expected = w1.reference(data)
    got = w1.run_slakit(data)
    assert w1.same(expected, got)
    for i in range(data.n_services):
        assert expected.uptime(i) == got.uptime(i)


def test_w1_same_notices_one_microsecond() -> None:
    """The agreement check fails on a one-microsecond or one-band difference."""
    data = w1.generate(10, 1)
    expected = w1.reference(data)
    for field in ("good", "total", "credit_pct", "credit_cents"):
        other = w1.reference(data)
        getattr(other, field)[3] += 1
        assert not w1.same(expected, other)


def test_w1_fleet_is_named_and_priced_as_workloads_md_says() -> None:
    """Realistic names in no order, a fee per service in steps of 50, half on office hours."""
    data = w1.generate(400, 1)
    assert len(set(data.names)) == 400
    assert data.names != sorted(data.names)
    assert all(name.split("/")[0] in w1.REGIONS for name in data.names)
    assert data.fee.min() >= 50
    assert data.fee.max() <= 9_950
    assert (data.fee % 50 == 0).all()
    assert len(set(data.fee.tolist())) > 100  # prices differ across the fleet
    assert int(data.business.sum()) == 200
    assert not np.array_equal(data.business, np.arange(400) % 2 == 1)  # no convenient pattern


def test_w1_table_from_codes_equals_table_from_names() -> None:
    """The billing job's table, built from integer codes, is the table built from names."""
    data = w1.generate(60, 2)
    from_names = w1._table_from_names(data)
    coded = data.table
    assert coded.services == from_names.services
    for column in ("kind", "service", "start", "end", "announced"):
        assert np.array_equal(getattr(coded, column), getattr(from_names, column))


def test_w1_credits_are_each_services_own_fee() -> None:
    """The credit slakit gives each service is that service's fee times its share, to the cent."""
    data = w1.generate(40, 5)
    got = w1.run_slakit(data)
    cents = got.cents()
    pct = got.percent()
    assert cents is not None
    assert pct is not None
    assert np.array_equal(cents, data.fee * pct)
    assert got.exact_total == Fraction(int(cents.sum()), 100)


def test_w1_data_exercises_the_rules() -> None:
    """The generated fleet holds short outages, early starts, both kinds of maintenance."""
    data = w1.generate(50, 1)
    outage = ~data.maintenance
    assert ((data.end - data.start < w1.MIN_OUTAGE) & outage).any()
    assert ((data.start < w1.P0) & outage).any()
    lead = (data.start - data.announced)[data.maintenance]
    assert (lead >= w1.NOTICE).any()
    assert (lead < w1.NOTICE).any()
    assert data.business.any()
    assert (~data.business).any()


def test_w1_generation_is_deterministic() -> None:
    """The same seed gives the same fleet; another seed a different one."""
    a, b, c = w1.generate(20, 7), w1.generate(20, 7), w1.generate(20, 8)
    assert np.array_equal(a.start, b.start)
    assert np.array_equal(a.service, b.service)
    assert not np.array_equal(a.start, c.start) or not np.array_equal(a.service, c.service)


def test_w1_business_windows_equal_slakit_calendar() -> None:
    """The reference's office hours in October (DST change included) equal slakit's."""
    starts, ends = w1.business_windows()
    office = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin").timeline(w1.P0, w1.P1)
    assert [(s.start, s.end) for s in office] == list(
        zip(starts.tolist(), ends.tolist(), strict=True)
    )
    assert (w1.P1 - w1.P0) == 745 * 3600 * w1.US  # the clocks go back on 25 October


def test_w1_credit_bands_are_exact() -> None:
    """The credit is read in integers on both sides of each bound."""
    total = np.full(6, 10_000, dtype=np.int64)
    good = np.array([10_000, 9_999, 9_998, 9_900, 9_899, 9_499], dtype=np.int64)
    assert w1.credit_pct(good, total).tolist() == [0, 0, 10, 10, 30, 100]


def test_w1_pandas_peer_agrees() -> None:
    """The analyst's pandas version agrees too (when pandas is installed)."""
    pytest.importorskip("pandas")
    data = w1.generate(30, 4)
    assert w1.same(w1.pandas_minutes(data), w1.reference(data))


# --- W3: support desk ---------------------------------------------------------------------


def test_w3_reference_equals_slakit() -> None:
    """Every ticket's business time, to the microsecond, and every on-time share agree."""
    data = w3.generate(2_000, 5)
    expected = w3.reference(data)
    got = w3.run_slakit(data)
    assert w3.same(expected, got)
    assert sum(expected.count.tolist()) == 2_000
    assert all(0 < share < 1 for share in expected.shares())


def test_w3_same_notices_one_microsecond() -> None:
    """The agreement check fails when one ticket differs by a microsecond."""
    data = w3.generate(100, 5)
    other = w3.reference(data)
    other.elapsed[7] += 1
    assert not w3.same(w3.reference(data), other)


def test_w3_business_windows_equal_slakit_calendar() -> None:
    """The reference's windows over 2026 (holidays, DST) equal slakit's calendar."""
    lo, hi = w3.YEAR_START, w3.YEAR_END
    starts, ends = w3.business_windows(lo, hi)
    keep = (ends > lo) & (starts < hi)
    office = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin") - sla.holidays("DE", subdiv="BE")
    windows = [(s.start, s.end) for s in office.timeline(lo, hi)]
    assert windows == list(zip(starts[keep].tolist(), ends[keep].tolist(), strict=True))
    # 261 weekdays in 2026, less 7 Berlin holidays on weekdays: 1 Jan, Good Friday, Easter
    # Monday, 1 May, Ascension, Whit Monday, 25 Dec (8 Mar and 3 Oct fall on weekends).
    assert len(windows) == 261 - 7


def test_w3_businesstimedelta_peer_agrees_to_the_second() -> None:
    """The businesstimedelta peer agrees with the reference to the second (when installed)."""
    pytest.importorskip("businesstimedelta")
    data = w3.generate(300, 6)
    seconds = w3.businesstimedelta_seconds(data)
    assert np.array_equal(seconds, w3.reference(data).elapsed // w3.US)


# --- W2: request log ----------------------------------------------------------------------


def _w2_by_hand(data: w2.Data) -> w2.Result:
    """W2 one request at a time, in plain Python."""
    requests: dict[int, int] = defaultdict(int)
    successes: dict[int, int] = defaultdict(int)
    cells: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    latencies: dict[int, list[float]] = defaultdict(list)
    rows = zip(
        data.service.tolist(),
        data.time.tolist(),
        data.ok.tolist(),
        data.latency_ms.tolist(),
        strict=True,
    )
    for service, t, ok, latency in rows:
        requests[service] += 1
        successes[service] += ok
        cell = cells[service, (t - w2.P0) // w2.BUCKET]
        cell[0] += 1
        cell[1] += not ok
        latencies[service].append(latency)
    services = range(w2.N_SERVICES)
    bad = defaultdict(int)
    for (service, _), (n, failed) in cells.items():
        if Fraction(failed, n) > Fraction(5, 100):
            bad[service] += 1
    p99 = []
    for s in services:
        values = sorted(latencies[s])
        p99.append(values[math.ceil(Fraction(99, 100) * len(values)) - 1] if values else math.nan)
    return w2.Result(
        np.array([successes[s] for s in services], dtype=np.int64),
        np.array([requests[s] for s in services], dtype=np.int64),
        np.array([w2.N_BUCKETS - bad[s] for s in services], dtype=np.int64),
        np.array(p99, dtype=np.float32),
    )


def test_w2_reference_equals_plain_python() -> None:
    """Success ratios, good buckets and nearest-rank p99 agree with a per-request loop."""
    data = w2.generate(20_000, 3)
    expected = _w2_by_hand(data)
    got = w2.reference(data)
    assert w2.same(expected, got)
    assert (got.good_buckets < w2.N_BUCKETS).any()  # some buckets are bad


def test_w2_nearest_rank() -> None:
    """The nearest rank is ceil(0.99 n), in integers."""
    n = np.array([1, 99, 100, 101, 200, 12_345], dtype=np.int64)
    assert w2.nearest_rank(n).tolist() == [math.ceil(Fraction(99, 100) * v) for v in n.tolist()]


def test_w2_polars_peer_agrees() -> None:
    """The polars version agrees with the reference (when polars is installed)."""
    pytest.importorskip("polars")
    data = w2.generate(20_000, 4)
    assert w2.same(w2.polars_group_by(data), w2.reference(data))


# --- the harness --------------------------------------------------------------------------


def test_a_benchmark_row_reports_agreement_and_renders() -> None:
    """One small W1 run gives a row that agrees, serialises to JSON and renders as a table."""
    row = bench_workload(w1, 20, seed=1, repeat=1, quick=True)
    assert row.agree is True
    assert row.slakit_s is not None
    assert row.reference_s is not None
    blob = json.loads(json.dumps({row.key: row.to_json()}))
    assert blob["W1-20"]["agree"] is True
    text = table([row], machine())
    assert "| W1 20 services |" in text


# --- W4: the portfolio run --------------------------------------------------------------------


def test_w4_reference_equals_slakit_run() -> None:
    """Every uptime and every customer's credit of a small portfolio agree, exactly."""
    from benchmarks import w4

    data = w4.generate(150, 2)
    expected = w4.reference(data)
    got = w4.run_slakit(data)
    assert w4.same(got, expected)
    assert len(expected.cents) == 150
    assert expected.cents.sum() > 0  # some customers are owed credits
    other = w4.Result(expected.good, expected.total, expected.cents.copy())
    other.cents[7] += 1  # one cent more for one customer
    assert not w4.same(got, other)
