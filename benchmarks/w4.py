"""W4 — the month-end credit run: a portfolio of customers from Parquet files, through `slakit run`.

The data (``../shared/bench/WORKLOADS.md``): customers, each on one of three
plans (gold: 99.99% 24x7, credits 10/30/100% below 99.99/99/95; silver: 99.9%
24x7, 10/25% below 99.9/99; bronze: 99.5% during Mon-Fri 08:00-18:00 in the
customer's zone, 10% below 99.5%), in one of five zones, with 1 to 3 services
each, every service with its own monthly fee (50 to 9,950 USD in steps of 50).
Outages and maintenance per service as in W1, October 2026 in each customer's
zone. Inputs are files: ``customers.parquet`` (customer, plan, service, fee as
``decimal128(12, 2)``, currency, zone), ``outages.parquet`` and
``maintenance.parquet`` (times as ``timestamp[us, UTC]``).

Timed for slakit: ``slakit run PLANS --customers customers.parquet --outages
outages.parquet --maintenance maintenance.parquet --period 2026-10 --out DIR
--quiet --statements none --tables parquet``, in process: reading the files,
evaluating, and writing the ledger and the per-service results to Parquet. The
reference: pyarrow reads the three files, then the W1 reference kernel runs
per zone with per-plan thresholds and each zone's office hours, and sums the
credits per customer. Agreement is checked exactly: every service's uptime
(microseconds) and every customer's credit (cents).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from benchmarks import w1
from benchmarks._harness import PeerTiming

NAME = "W4"
UNIT = "customers"
SIZES = {"quick": (1_000, 10_000), "full": (10_000, 100_000)}
TARGET = "<= 1.5x reference (pyarrow read + the W1 kernel), end to end through `slakit run`"
PUBLISHED_REFERENCE_S: dict[int, float] = {}
PUBLISHED_PEER_RATIO: dict[int, float] = {}

I64 = npt.NDArray[np.int64]
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
PLANS = ("gold", "silver", "bronze")
#: Per plan: the credit bands (uptime strictly below, credit in percent), loosest first.
BANDS = {
    "gold": ((Fraction(9999, 10000), 10), (Fraction(99, 100), 30), (Fraction(95, 100), 100)),
    "silver": ((Fraction(999, 1000), 10), (Fraction(99, 100), 25)),
    "bronze": ((Fraction(995, 1000), 10),),
}

PLANS_SOURCE = """
import slakit as sla

provider = "Acme Cloud"


def measure(during=None):
    return sla.uptime(
        min_outage=sla.minutes(1),
        min_outage_of="report",
        granularity=sla.minutes(1),
        excluding=[sla.scheduled_maintenance(notice=sla.days(5))],
        during=during,
    )


day = measure()
office = measure(sla.weekly("Mon-Fri 08:00-18:00", tz="UTC"))  # each customer's zone
plans = {
    "gold": sla.Tier(
        "gold",
        fee=sla.usd("1000.00"),
        objectives=[day >= "99.99%"],
        compensation=sla.credit_schedule(day, {"< 99.99%": "10%", "< 99%": "30%", "< 95%": "100%"}),
    ),
    "silver": sla.Tier(
        "silver",
        fee=sla.usd("500.00"),
        objectives=[day >= "99.9%"],
        compensation=sla.credit_schedule(day, {"< 99.9%": "10%", "< 99%": "25%"}),
    ),
    "bronze": sla.Tier(
        "bronze",
        fee=sla.usd("100.00"),
        objectives=[office >= "99.5%"],
        compensation=sla.credit_schedule(office, {"< 99.5%": "10%"}),
    ),
}
"""


def _period(zone: str) -> tuple[int, int]:
    tz = ZoneInfo(zone)
    return (
        w1._us(dt.datetime(2026, 10, 1, tzinfo=tz)),
        w1._us(dt.datetime(2026, 11, 1, tzinfo=tz)),
    )


@dataclass(eq=False)
class Data:
    """The portfolio in memory, and the files it was written to."""

    fleet: w1.Data  # services, fees and events, generated as W1 generates them
    customer: npt.NDArray[np.int64]  # per service: its customer
    plan: npt.NDArray[np.int64]  # per customer: index into PLANS
    zone: npt.NDArray[np.int64]  # per customer: index into ZONES
    folder: Path

    @property
    def n_customers(self) -> int:
        return int(self.plan.shape[0])

    def __len__(self) -> int:
        return len(self.fleet)


def generate(size: int, seed: int) -> Data:
    """Return W4 for ``size`` customers, and write its Parquet files (untimed)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng([seed, 4, size])
    per_customer = rng.integers(1, 4, size)
    n_services = int(per_customer.sum())
    fleet = w1.generate(n_services, seed)
    customer = np.repeat(np.arange(size, dtype=np.int64), per_customer)
    plan = rng.integers(0, len(PLANS), size).astype(np.int64)
    zone = rng.integers(0, len(ZONES), size).astype(np.int64)
    folder = Path(tempfile.mkdtemp(prefix="slakit-w4-"))
    names = np.array(fleet.names, dtype=object)
    customer_names = np.array([f"cust-{i:07d}" for i in range(size)], dtype=object)
    pq.write_table(
        pa.table(
            {
                "customer": customer_names[customer],
                "plan": np.array(PLANS, dtype=object)[plan[customer]],
                "service": names,
                "fee": pa.array([f"{int(f)}.00" for f in fleet.fee.tolist()]).cast(
                    pa.decimal128(12, 2)
                ),
                "currency": ["USD"] * n_services,
                "zone": np.array(ZONES, dtype=object)[zone[customer]],
            }
        ),
        folder / "customers.parquet",
    )
    utc = pa.timestamp("us", tz="UTC")
    rows = {
        "service": names[fleet.service],
        "start": pa.array(fleet.start, type=pa.int64()).cast(utc),
        "end": pa.array(fleet.end, type=pa.int64()).cast(utc),
    }
    out, mnt = ~fleet.maintenance, fleet.maintenance
    pq.write_table(
        pa.table({k: _take(v, out) for k, v in rows.items()}), folder / "outages.parquet"
    )
    maintenance = {**rows, "announced": pa.array(fleet.announced, type=pa.int64()).cast(utc)}
    pq.write_table(
        pa.table({k: _take(v, mnt) for k, v in maintenance.items()}),
        folder / "maintenance.parquet",
    )
    (folder / "plans.py").write_text(PLANS_SOURCE, encoding="utf-8")
    data = Data(fleet=fleet, customer=customer, plan=plan, zone=zone, folder=folder)
    weakref.finalize(data, shutil.rmtree, folder, ignore_errors=True)  # the files go with it
    return data


def _take(values: Any, mask: npt.NDArray[np.bool_]) -> Any:
    import pyarrow as pa

    if isinstance(values, np.ndarray):
        return values[mask]
    return values.filter(pa.array(mask))


@dataclass(eq=False)
class Result:
    """Per service: exact uptime as ``good / total``; per customer: the credit in cents."""

    good: I64
    total: I64
    cents: I64


def same(a: Result | Path, b: Result | Path) -> bool:
    """Whether every uptime (microseconds) and every customer's credit (cents) agree.

    A side given as a folder is the output of ``slakit run``, read back first.
    """
    a = read_result(a) if isinstance(a, Path) else a
    b = read_result(b) if isinstance(b, Path) else b
    return (
        np.array_equal(a.good, b.good)
        and np.array_equal(a.total, b.total)
        and np.array_equal(a.cents, b.cents)
    )


def reference(data: Data) -> Result:
    """Read the files with pyarrow, then run the W1 kernel per zone with per-plan bands.

    Names are matched with pyarrow's hash joins (``index_in``, ``dictionary_encode``) and
    sorted with its sort, in C: no Python step per row or per service.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    customers = pq.read_table(data.folder / "customers.parquet")
    outages = pq.read_table(data.folder / "outages.parquet")
    maintenance = pq.read_table(data.folder / "maintenance.parquet")
    names = customers.column("service")
    service, start, end, announced, is_mnt = [], [], [], [], []
    for kind, table in (("outages", outages), ("maintenance", maintenance)):
        found = pc.index_in(table.column("service"), value_set=names).to_numpy()
        service.append(found)
        start.append(table.column("start").cast("int64").to_numpy())
        end.append(table.column("end").cast("int64").to_numpy())
        if kind == "maintenance":
            announced.append(table.column("announced").cast("int64").to_numpy())
            is_mnt.append(np.ones(len(found), bool))
        else:
            announced.append(start[-1])
            is_mnt.append(np.zeros(len(found), bool))
    fee_cents = pc.multiply(customers.column("fee"), 100).cast("int64").to_numpy()
    plan_of = pc.index_in(customers.column("plan"), value_set=pa.array(PLANS)).to_numpy()
    zone_of = pc.index_in(customers.column("zone"), value_set=pa.array(ZONES)).to_numpy()
    fleet = w1.Data(
        n_services=len(names),
        seed=0,
        names=[],
        fee=fee_cents,
        business=plan_of == PLANS.index("bronze"),
        service=np.concatenate(service).astype(np.int32),
        maintenance=np.concatenate(is_mnt),
        start=np.concatenate(start),
        end=np.concatenate(end),
        announced=np.concatenate(announced),
    )
    good = np.zeros(len(names), np.int64)
    total = np.zeros(len(names), np.int64)
    for z, zone in enumerate(ZONES):
        in_zone = zone_of == z
        period = _period(zone)
        windows = w1.business_windows(*period, zone=ZoneInfo(zone))
        g, t = w1.kernel(fleet, fleet.business, windows, period, services=in_zone)
        good[in_zone], total[in_zone] = g[in_zone], t[in_zone]
    pct = np.zeros(len(names), np.int64)
    for p, plan in enumerate(PLANS):
        mine = plan_of == p
        pct[mine] = w1.credit_pct(good[mine], total[mine], BANDS[plan])
    cents = fee_cents * pct // 100
    owners = pc.dictionary_encode(customers.column("customer")).combine_chunks()
    per_customer = np.bincount(
        owners.indices.to_numpy(), weights=cents, minlength=len(owners.dictionary)
    )
    by_customer = pc.sort_indices(owners.dictionary).to_numpy()
    by_name = pc.sort_indices(names).to_numpy()
    return Result(
        good[by_name], total[by_name], np.rint(per_customer[by_customer]).astype(np.int64)
    )


def command(folder: Path, out: Path, *, outages: str = "outages.parquet") -> list[str]:
    """Return the arguments of ``slakit run`` over W4's files in ``folder``, into ``out``."""
    return [
        "run",
        str(folder / "plans.py"),
        "--customers",
        str(folder / "customers.parquet"),
        "--outages",
        str(folder / outages),
        "--maintenance",
        str(folder / "maintenance.parquet"),
        "--period",
        "2026-10",
        "--out",
        str(out),
    ]


def run_slakit(data: Data) -> Path:
    """Run ``slakit run`` in process over the files; return the output folder."""
    from slakit._cli import main

    out = data.folder / "out"
    status = main(
        [*command(data.folder, out), "--quiet", "--statements", "none", "--tables", "parquet"]
    )
    if status != 0:
        raise RuntimeError(f"slakit run exited with status {status}")
    return out


def read_result(out: Path) -> Result:
    """Read the run's objectives and ledger back into integers (untimed)."""
    import pyarrow.parquet as pq

    rows = sorted(pq.read_table(out / "objectives.parquet").to_pylist(), key=lambda r: r["service"])
    ledger = sorted(pq.read_table(out / "ledger.parquet").to_pylist(), key=lambda r: r["customer"])
    return Result(
        np.array([int(r["good"]) for r in rows], np.int64),
        np.array([int(r["total"]) for r in rows], np.int64),
        np.array([int(r["credit"].replace(".", "")) for r in ledger], np.int64),
    )


def peer(data: Data, repeat: int) -> PeerTiming:
    """No peer tool computes credits per customer from these files; say so."""
    del data, repeat
    return PeerTiming("none", None, "no peer tool computes a portfolio's credits")
