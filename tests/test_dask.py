"""slakit.dask: one agreement over partitioned inputs on a LocalCluster of two worker processes."""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import sys
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest

import slakit as sla
import slakit.io as sio
from slakit.exceptions import EvaluationError, EventDataError

distributed = pytest.importorskip("distributed")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
cloudpickle = pytest.importorskip("cloudpickle")

import dask  # noqa: E402  (after the skips: dask is an extra)

import slakit.dask as sd  # noqa: E402

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers need not import tests

# a cluster's sockets and event loop close on their own schedule, after a test's end
pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

P0 = sla.to_us("2026-10-01T00:00:00Z")
P1 = sla.to_us("2026-11-01T00:00:00Z")
RATIO = sla.success_ratio()
UP = sla.uptime(excluding=[sla.scheduled_maintenance(notice=sla.days(5))])
TIER = sla.Tier(
    "gold",
    fee=sla.usd("100.00"),
    objectives=[
        RATIO >= "99.9%",
        sla.bucket_availability(bucket=sla.minutes(5), max_error_rate="5%") >= "99%",
        sla.latency_percentile(99) <= "300ms",
        UP >= "99.9%",
    ],
    compensation=sla.credit_schedule(RATIO, {"< 99.9%": "10%", "< 99%": "25%"}),
)
TERMS = sla.Agreement(
    provider="P", customer="C", services=["a", "b"], tier=TIER, period=sla.monthly(tz="UTC")
)


def _frame(seed: int, n: int) -> Any:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "service": np.array(["a", "b", "zz"])[rng.integers(0, 3, n)],
            "time": pd.to_datetime(rng.integers(P0 - 10**10, P1, n), unit="us", utc=True),
            "ok": rng.random(n) > 0.01,
            "latency_ms": rng.integers(1, 900, n),
        }
    )


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Requests in four Parquet files; one outage recorded in two files of events."""
    folder = tmp_path_factory.mktemp("dataset")
    requests = folder / "requests"
    requests.mkdir()
    for k in range(4):
        pq.write_table(pa.Table.from_pandas(_frame(k, 4_000)), requests / f"part-{k}.parquet")
    events = folder / "events"
    events.mkdir()
    (events / "e1.jsonl").write_text(
        '{"type": "outage", "service": "a", "start": "2026-10-03T10:00:00Z", '
        '"end": "2026-10-03T11:00:00Z"}\n'
    )
    (events / "e2.jsonl").write_text(
        '{"type": "outage", "service": "a", "start": "2026-10-03T10:30:00Z", '
        '"end": "2026-10-03T11:30:00Z"}\n'
        '{"type": "maintenance", "service": "b", "start": "2026-10-09T00:00:00Z", '
        '"end": "2026-10-09T02:00:00Z", "announced": "2026-10-01T00:00:00Z"}\n'
    )
    return folder


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


def _rendered(report: sla.Report) -> tuple[str, str]:
    return json.dumps(report.to_dict()), report.explain()


def _batch(dataset: Path) -> sla.Report:
    """One evaluation over one table of every row, the files in order."""
    files = sorted((dataset / "requests").glob("*.parquet"))
    state = sla.start(TERMS, period="2026-10")
    for path in files:
        state = state.add(sio.read_table(path, "requests"))
    events = [sio.read_table(p, "events") for p in sorted((dataset / "events").glob("*.jsonl"))]
    state = state.add(*events[:1]).add(*events[1:])
    report = state.report()
    whole = sla.evaluate(
        TERMS,
        sla.EventTable.concat(events),
        *(sio.read_table(p, "requests") for p in files[:1]),
        period="2026-10",
    )
    assert whole.objectives[-1].value == report.objectives[-1].value  # uptime over both files
    return report


def test_a_dataset_on_the_cluster_equals_the_local_run(client: Any, dataset: Path) -> None:
    """Requests split over four files, an outage recorded in two: the same report."""
    sources = (
        sd.partitions(dataset / "requests", "requests"),
        sd.partitions(str(dataset / "events" / "*.jsonl"), "events"),
    )
    assert [s.count for s in sources] == [4, 2]
    seen: list[tuple[int, int]] = []
    here = sd.evaluate(TERMS, *sources, period="2026-10", progress=lambda *a: seen.append(a))
    there = sd.evaluate(TERMS, *sources, period="2026-10", client=client)
    assert _rendered(here) == _rendered(there) == _rendered(_batch(dataset))
    assert seen[-1] == (6, 6)
    # the outage's two records count as one span of 90 minutes
    assert here.objectives[-2].value == 1 - Fraction(90 * 60, 31 * 86_400)


def test_partitions_of_other_services_on_the_cluster(client: Any, tmp_path: Path) -> None:
    """Files that hold different services (coded differently in each) merge to the batch report."""
    strict = sla.success_ratio(server_errors="excluded")
    terms = attrs.evolve(
        TERMS, tier=attrs.evolve(TIER, objectives=[*TIER.objectives, strict >= "99%"])
    )
    pq.write_table(
        pa.table({"service": ["b"] * 50, "time": list(range(P0, P0 + 50)), "status": [200] * 50}),
        tmp_path / "p0.parquet",
    )
    pq.write_table(
        pa.table(
            {"service": ["a", "a", "b"], "time": [P0, P0 + 1, P0 + 2], "status": [503, 200, 200]}
        ),
        tmp_path / "p1.parquet",
    )
    source = sd.partitions(tmp_path, "requests")
    whole = sla.start(terms, period="2026-10").add(
        *(sio.read_table(p, "requests") for p in source.files)
    )
    expected = _rendered(whole.report())
    assert _rendered(sd.evaluate(terms, source, period="2026-10")) == expected
    there = sd.evaluate(terms, source, period="2026-10", client=client)
    assert _rendered(there) == expected
    assert there.evidence("a").requests == {"good": 1, "bad: server error": 1}


def test_a_dask_frame_on_the_cluster(client: Any) -> None:
    """Any Dask DataFrame: its partitions' rows named by partition, the same on the cluster."""
    frame = dd.from_pandas(_frame(7, 6_000), npartitions=3)
    source = sd.partitions(frame, "requests", name="log")
    here = sd.evaluate(TERMS, source, period="2026-10")
    there = sd.evaluate(TERMS, source, period="2026-10", client=client)
    assert _rendered(here) == _rendered(there)
    uncovered = here.uncovered()
    assert uncovered
    assert uncovered[0].where.startswith("log[")


def test_status_over_the_cluster_equals_the_status_of_the_rows(client: Any, dataset: Path) -> None:
    sources = (
        sd.partitions(dataset / "requests", "requests"),
        sd.partitions(dataset / "events", "events"),
    )
    now = "2026-10-17T12:00:00Z"
    there = sd.status(TERMS, *sources, now=now, client=client)
    rows = [sio.read_table(p, "requests") for p in sources[0].files]
    state = sla.start(TERMS, period="2026-10", resolution=sla.minutes(1))
    for table in rows:
        state = state.add(table)
    state = state.add(*(sio.read_table(p, "events") for p in sources[1].files))
    mine = state.status(now=now)
    assert there.objectives == mine.objectives
    assert there.alerts == mine.alerts


def test_bad_rows_in_a_partition_are_named_by_file_and_row(client: Any, tmp_path: Path) -> None:
    status = [200] * 5
    status[3] = 999
    path = tmp_path / "bad.parquet"
    pq.write_table(
        pa.table({"service": ["a"] * 5, "time": list(range(P0, P0 + 5)), "status": status}), path
    )
    with pytest.raises(EventDataError, match=r"bad.parquet:row 3: status: 999"):
        sd.evaluate(TERMS, sd.partitions(path, "requests"), period="2026-10", client=client)


def _dying_loader(marker: str, index: int) -> Any:
    """A partition whose first read kills its worker process (the next read succeeds)."""
    if index == 1 and not os.path.exists(marker):
        Path(marker).write_text("died once")
        os._exit(1)
    return _frame(index, 2_000)


def _dying_frame(marker: Path) -> Any:
    return dd.from_map(
        _dying_loader, [str(marker)] * 3, [0, 1, 2], meta=_frame(0, 0), enforce_metadata=False
    )


def test_a_killed_worker_is_retried_with_the_same_result(client: Any, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    there = sd.evaluate(
        TERMS, sd.partitions(_dying_frame(marker), "requests"), period="2026-10", client=client
    )
    assert marker.exists()  # a worker did die
    here = sd.evaluate(TERMS, sd.partitions(_dying_frame(marker), "requests"), period="2026-10")
    assert _rendered(here) == _rendered(there)


def test_a_worker_lost_past_the_retries_gives_a_clear_error(tmp_path: Path) -> None:
    customers = sla.CustomerTable.from_columns(
        {"customer": ["x", "y"], "plan": ["api", "api"], "service": ["a", "b"]}
    )
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        with pytest.raises(EvaluationError, match="no partial result"):
            sd.evaluate(
                TERMS,
                sd.partitions(_dying_frame(tmp_path / "one"), "requests"),
                period="2026-10",
                client=client,
            )
        with pytest.raises(EvaluationError, match="no partial result"):
            sd.run(
                {"api": TIER},
                customers,
                sd.partitions(_dying_frame(tmp_path / "two"), "requests"),
                period="2026-10",
                client=client,
                statements=("text",),
                statements_to=tmp_path / "statements",
            )
        assert not (tmp_path / "statements").exists()  # nothing written: no partial result


def test_partitions_check_their_source(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not taken in partitions"):
        sd.partitions(tmp_path, "tickets")
    with pytest.raises(ValueError, match="holds no file"):
        sd.partitions(tmp_path, "requests")
    (tmp_path / "a.csv").write_text("service,time,ok\n")
    (tmp_path / "b.jsonl").write_text("")
    with pytest.raises(ValueError, match="several formats"):
        sd.partitions(tmp_path, "requests")
    empty = sd.state(TERMS, period="2026-10")
    assert empty.requests == 0


def test_a_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch, dataset: Path) -> None:
    real = importlib.import_module

    def without(name: str, *args: Any) -> Any:
        if name == "distributed":
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", without)
    source = sd.partitions(dataset / "requests", "requests")
    with pytest.raises(EvaluationError, match=r"slakit\[dask\]"):
        sd.evaluate(TERMS, source, period="2026-10", client=object())


# --- a portfolio on the cluster -------------------------------------------------------------------


@pytest.fixture(scope="module")
def portfolio_files() -> Iterator[Path]:
    """W4 at 120 customers: plans.py, customers, outages and maintenance as Parquet."""
    from benchmarks import w4

    data = w4.generate(120, 11)
    yield data.folder
    del data  # the files go with it


def _cli(argv: list[str]) -> tuple[int, str, str]:
    from slakit._cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def _run_argv(folder: Path, out: Path) -> list[str]:
    from benchmarks import w4

    return [*w4.command(folder, out), "--statements", "text,json"]


def _same_files(one: Path, two: Path) -> None:
    """Every file of ``one`` is in ``two`` with the same bytes (summary.json: but its paths)."""
    found = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert found == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert len(found) > 10
    for name in found:
        if name.name == "summary.json":
            mine, theirs = (
                json.loads((one / name).read_text()),
                json.loads((two / name).read_text()),
            )
            assert [Path(f).name for f in mine.pop("files")] == [
                Path(f).name for f in theirs.pop("files")
            ]
            assert json.dumps(mine) == json.dumps(theirs)
        else:
            assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_slakit_run_on_the_cluster_writes_the_files_of_one_machine(
    client: Any, portfolio_files: Path, tmp_path: Path
) -> None:
    """Ledger, tables (CSV and Parquet), statements and summary: byte for byte."""
    status, _, _ = _cli(_run_argv(portfolio_files, tmp_path / "one"))
    assert status == 0
    address = client.scheduler.address
    status, text, _ = _cli(
        [*_run_argv(portfolio_files, tmp_path / "two"), "--dask", address, "--chunks", "5"]
    )
    assert status == 0
    assert "120 customers" in text
    _same_files(tmp_path / "one", tmp_path / "two")


def test_a_portfolio_in_chunks_here_equals_one_evaluation(portfolio_files: Path) -> None:
    from slakit._cli_run import _plans

    plans, provider = _plans(portfolio_files / "plans.py")
    customers = sio.read_table(portfolio_files / "customers.parquet", "customers")
    outages = sio.read_table(portfolio_files / "outages.parquet", "outages")
    maintenance = sio.read_table(portfolio_files / "maintenance.parquet", "maintenance")
    whole = sla.Portfolio(plans=plans, customers=customers, provider=provider).evaluate(
        sla.EventTable.concat([outages, maintenance]), period="2026-10"
    )
    stages: list[str] = []
    split = sd.run(
        plans,
        customers,
        sd.partitions(portfolio_files / "outages.parquet", "outages"),
        sd.partitions(portfolio_files / "maintenance.parquet", "maintenance"),
        period="2026-10",
        provider=provider,
        chunks=4,
        progress=lambda stage, done, total: stages.append(stage),
    )
    assert split.chunks == 4
    assert split.ledger == whole.ledger
    assert split.objectives == whole.objectives
    assert split.credits == whole.credits
    summary = whole.summary()
    summary["rows_read"] = split.summary()["rows_read"]
    assert split.summary() == summary
    assert stages == ["routing"] * 2 + ["evaluating"] * 4


def test_customers_sharing_a_service_share_a_chunk() -> None:
    from slakit.dask import _chunks_of

    customers = sla.CustomerTable.from_columns(
        {
            "customer": ["a", "a", "b", "c", "c", "d", "e"],
            "plan": ["p"] * 7,
            "service": ["s1", "s2", "s2", "s3", "s4", "s4", "s5"],
        }
    )
    chunk = _chunks_of(customers, 3).tolist()  # customers in name order: a b c d e
    assert chunk[0] == chunk[1]  # a and b share s2
    assert chunk[2] == chunk[3]  # c and d share s4
    assert len(set(chunk)) == 3
    assert sorted(np.bincount(np.asarray(chunk)[customers.customer]).tolist()) == [1, 3, 3]


def test_run_on_dask_refuses_what_it_cannot_read(portfolio_files: Path, tmp_path: Path) -> None:
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text("")
    argv = _run_argv(portfolio_files, tmp_path / "out")
    status, _, err = _cli([*argv, "--tickets", str(tickets), "--dask", "tcp://127.0.0.1:1"])
    assert status == 2
    assert "--tickets are not read on a cluster yet" in err
    status, _, err = _cli([*argv, "--dask", "tcp://127.0.0.1:1", "--chunks", "0"])
    assert status == 2
    assert "--chunks 0" in err


def test_a_portfolio_run_survives_a_killed_worker(client: Any, tmp_path: Path) -> None:
    plans = {"api": TIER}
    customers = sla.CustomerTable.from_columns(
        {"customer": ["x", "y"], "plan": ["api", "api"], "service": ["a", "b"]}
    )
    marker = tmp_path / "marker"
    source = sd.partitions(_dying_frame(marker), "requests")
    there = sd.run(plans, customers, source, period="2026-10", client=client, chunks=2)
    assert marker.exists()
    here = sd.run(plans, customers, source, period="2026-10", chunks=2)
    assert there.tables == here.tables
    assert there.summary() == here.summary()
