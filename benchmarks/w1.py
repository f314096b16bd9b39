"""W1 — fleet month: availability and credits for thousands of services in October 2026.

The data (see ``docs/benchmarks.md``): services named as an inventory names
them (``eu-central-1/vm-8f3a2c``: a region, a kind and a random id), listed in
no particular order, each with its own monthly fee (50 to 9,950 USD in steps of
50) and committed either 24x7 or Mon-Fri 08:00-18:00 Europe/Berlin (hours only,
no holidays; half the fleet each, drawn at random). Per service a Poisson
number (mean 20) of outage reports, starting uniformly over the month or up to
an hour before it, with log-normal durations (median 3 minutes, a fifth under a
minute), overlapping freely; 0-2 maintenance windows on whole hours, 1-4 hours
long, announced 1-9 whole days ahead. Rows carry each service as an integer
code, its position in the list of names, as a billing export does. The billing
month is October 2026 in Europe/Berlin (745 hours: the clocks go back on the
25th).

The rules: an outage report shorter than 60 s is ignored on its own; time is
counted in 1-minute buckets aligned to the period start (a bucket is down if a
counted report overlaps it); maintenance announced at least 5 days before it
starts is removed from down and eligible time; uptime = 1 - down / eligible;
credit 10% below 99.99%, 30% below 99.0%, 100% below 95.0% of the service's own
monthly fee.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from benchmarks._harness import PeerTiming, median_time

NAME = "W1"
UNIT = "services"
SIZES = {"quick": (1_000, 10_000), "full": (1_000, 10_000, 100_000)}
TARGET = "<= 1.2x reference at 10,000 and 100,000 services; >= 100x faster than pandas"
#: The numpy sweep's and pandas' times in bench/WORKLOADS.md, by size.
PUBLISHED_REFERENCE_S = {1_000: 0.012, 10_000: 0.087}
PUBLISHED_PEER_RATIO = {1_000: 257.0}

I64 = npt.NDArray[np.int64]
US = 1_000_000
MINUTE = 60 * US
HOUR = 60 * MINUTE
DAY = 24 * HOUR
BERLIN = ZoneInfo("Europe/Berlin")
#: Monthly fees: 50 to 9,950 USD in steps of 50, one drawn per service.
FEE_STEP = 50
FEE_STEPS = 199
#: Where the services run and what they are, for their names.
REGIONS = (
    "eu-central-1",
    "eu-west-1",
    "eu-north-1",
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "ap-southeast-1",
    "ap-northeast-1",
    "sa-east-1",
    "ca-central-1",
)
SERVICE_KINDS = ("vm", "db", "lb", "api", "cache", "queue", "disk", "fn")
#: Credit bands: (uptime strictly below, credit share in percent), loosest first.
BANDS = ((Fraction(9999, 10000), 10), (Fraction(99, 100), 30), (Fraction(95, 100), 100))
#: Maintenance announced at least this long before it starts is excluded.
NOTICE = 5 * DAY
MIN_OUTAGE = 60 * US


def _us(when: dt.datetime) -> int:
    return (when - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)


#: October 2026 in Europe/Berlin, as microseconds UTC.
P0 = _us(dt.datetime(2026, 10, 1, tzinfo=BERLIN))
P1 = _us(dt.datetime(2026, 11, 1, tzinfo=BERLIN))


def business_windows(p0: int = P0, p1: int = P1, zone: ZoneInfo = BERLIN) -> tuple[I64, I64]:
    """Return Mon-Fri 08:00-18:00 in ``zone`` inside ``[p0, p1)``, as UTC microseconds.

    Written with the standard library only, so it checks slakit's calendars too.
    """
    first = dt.datetime.fromtimestamp(p0 / US, zone).date() - dt.timedelta(days=1)
    last = dt.datetime.fromtimestamp(p1 / US, zone).date() + dt.timedelta(days=1)
    starts, ends = [], []
    day = first
    while day <= last:
        if day.weekday() < 5:
            s = _us(dt.datetime.combine(day, dt.time(8), zone))
            e = _us(dt.datetime.combine(day, dt.time(18), zone))
            s, e = max(s, p0), min(e, p1)
            if s < e:
                starts.append(s)
                ends.append(e)
        day += dt.timedelta(days=1)
    return np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)


@dataclass(eq=False)
class Data:
    """The fleet: one row per outage report or maintenance window."""

    n_services: int
    seed: int
    names: list[str]  # per service, in inventory order (not sorted)
    fee: I64  # per service: the monthly fee in whole USD
    business: npt.NDArray[np.bool_]  # per service: Mon-Fri 08:00-18:00 rather than 24x7
    service: npt.NDArray[np.int32]  # per row: the service's code, its position in names
    maintenance: npt.NDArray[np.bool_]  # per row: a maintenance window, else an outage
    start: I64
    end: I64
    announced: I64  # for maintenance rows; equal to start for outages

    @cached_property
    def templates(self) -> tuple[Any, Any]:
        """The two agreement templates (24x7 and office hours), defined once."""
        return agreements(self)

    def columns(self) -> dict[str, Any]:
        """The rows as a billing job holds them: each service as an integer code."""
        return {
            "kind": np.where(self.maintenance, "maintenance", "outage"),
            "service": self.service,
            "start": self.start,
            "end": self.end,
            "announced": self.announced,
        }

    @cached_property
    def table(self) -> Any:
        """The events as a slakit ``EventTable`` from the codes and the names (built once)."""
        import slakit as sla

        return sla.EventTable.from_columns(self.columns(), services=self.names)

    def __len__(self) -> int:
        return int(self.start.shape[0])


def service_names(rng: np.random.Generator, n: int) -> list[str]:
    """Return ``n`` distinct names such as ``eu-central-1/vm-8f3a2c``, in random order."""
    region = rng.integers(0, len(REGIONS), n)
    kind = rng.integers(0, len(SERVICE_KINDS), n)
    ids = rng.choice(16**6, size=n, replace=False)  # distinct ids: distinct names
    return [
        f"{REGIONS[r]}/{SERVICE_KINDS[k]}-{i:06x}"
        for r, k, i in zip(region.tolist(), kind.tolist(), ids.tolist(), strict=True)
    ]


def generate(size: int, seed: int) -> Data:
    """Return W1 for ``size`` services, deterministically from ``seed``."""
    rng = np.random.default_rng([seed, 1, size])
    n = size
    counts = rng.poisson(20, n)
    o_svc = np.repeat(np.arange(n, dtype=np.int32), counts)
    n_out = int(counts.sum())
    o_start = rng.integers(P0 - HOUR, P1, n_out, dtype=np.int64)
    # Log-normal, median 3 minutes, P(< 1 minute) = 0.2: sigma = ln 3 / z(0.8).
    sigma = np.log(3.0) / 0.8416212335729143
    o_dur = np.maximum(np.rint(np.exp(np.log(3 * MINUTE) + sigma * rng.standard_normal(n_out))), 1)
    o_end = o_start + o_dur.astype(np.int64)

    m_counts = rng.integers(0, 3, n)
    m_svc = np.repeat(np.arange(n, dtype=np.int32), m_counts)
    n_m = int(m_counts.sum())
    hours_in_month = (P1 - P0) // HOUR
    m_start = P0 + rng.integers(0, hours_in_month, n_m, dtype=np.int64) * HOUR
    m_end = m_start + rng.integers(1, 5, n_m, dtype=np.int64) * HOUR
    m_announced = m_start - rng.integers(1, 10, n_m, dtype=np.int64) * DAY

    service = np.concatenate((o_svc, m_svc))
    # Shuffle the rows: a real feed is in no particular order.
    order = rng.permutation(service.shape[0])
    business = np.zeros(n, dtype=bool)
    business[rng.permutation(n)[: n // 2]] = True
    return Data(
        n_services=n,
        seed=seed,
        names=service_names(rng, n),
        fee=rng.integers(1, FEE_STEPS + 1, n).astype(np.int64) * FEE_STEP,
        business=business,
        service=service[order],
        maintenance=np.concatenate((np.zeros(n_out, bool), np.ones(n_m, bool)))[order],
        start=np.concatenate((o_start, m_start))[order],
        end=np.concatenate((o_end, m_end))[order],
        announced=np.concatenate((o_start, m_announced))[order],
    )


@dataclass(eq=False)
class Result:
    """Per service: exact uptime as ``good / total`` (microseconds), the credit share and amount.

    The reference gives the credit in integers (``credit_pct`` in percent,
    ``credit_cents``); slakit gives its own columns (``shares``, Decimal
    objects, and ``amounts``, Fraction objects in USD), read back into integers
    by ``percent()`` and ``cents()`` when the results are compared, outside the
    timed part.
    """

    good: I64
    total: I64
    exact_total: Fraction
    credit_pct: I64 | None = None
    credit_cents: I64 | None = None
    shares: npt.NDArray[np.object_] | None = None
    amounts: npt.NDArray[np.object_] | None = None

    def uptime(self, i: int) -> Fraction:
        """Return service ``i``'s exact uptime."""
        return Fraction(int(self.good[i]), int(self.total[i]))

    def percent(self) -> I64 | None:
        """Return each service's credit in whole percent (``None`` if one is not whole)."""
        if self.credit_pct is not None:
            return self.credit_pct
        assert self.shares is not None
        scaled = [Fraction(share) * 100 for share in self.shares.tolist()]
        if any(p.denominator != 1 for p in scaled):
            return None
        return np.array([int(p) for p in scaled], dtype=np.int64)

    def cents(self) -> I64 | None:
        """Return each service's credit in whole cents (``None`` if one is not whole)."""
        if self.credit_cents is not None:
            return self.credit_cents
        assert self.amounts is not None
        scaled = [Fraction(amount) * 100 for amount in self.amounts.tolist()]
        if any(c.denominator != 1 for c in scaled):
            return None
        return np.array([int(c) for c in scaled], dtype=np.int64)


def same(a: Result, b: Result) -> bool:
    """Whether two results agree on every uptime, credit share and credit amount, exactly.

    Both sides count microseconds, so equal uptimes mean equal up time and equal
    eligible time (a stricter test than equal fractions).
    """
    pct_a, pct_b, cents_a, cents_b = a.percent(), b.percent(), a.cents(), b.cents()
    return (
        np.array_equal(a.good, b.good)
        and np.array_equal(a.total, b.total)
        and pct_a is not None
        and pct_b is not None
        and np.array_equal(pct_a, pct_b)
        and cents_a is not None
        and cents_b is not None
        and np.array_equal(cents_a, cents_b)
        and a.exact_total == b.exact_total
    )


def credit_pct(good: I64, total: I64, bands: tuple[tuple[Fraction, int], ...] = BANDS) -> I64:
    """Return the credit in percent for exact uptimes ``good / total``, in integers."""
    pct = np.zeros(good.shape[0], dtype=np.int64)
    for bound, share in bands:  # each band's bound is below the previous one's
        below = good * bound.denominator < total * bound.numerator
        pct[below] = share
    return pct


# --- the numpy reference: one packed-key sort over every span boundary -------------------


def reference(data: Data) -> Result:
    """Compute W1 with one sort of packed (service, minute, boundary kind) keys."""
    good, total = kernel(data, data.business, business_windows(), (P0, P1))
    return _integer_result(data, good, total, credit_pct(good, total))


def kernel(
    data: Data,
    office: npt.NDArray[np.bool_],
    windows: tuple[I64, I64],
    period: tuple[int, int],
    *,
    services: npt.NDArray[np.bool_] | None = None,
) -> tuple[I64, I64]:
    """Return each service's exact uptime as ``good / total`` microseconds over ``[p0, p1)``.

    One sort of packed (service, minute, boundary kind) keys. Every span is
    whole minutes once bucketed (the period starts on a whole hour, maintenance
    and service hours are whole hours), so times are minute offsets from the
    period start. Boundary kinds: 0/1 outage start/end, 2/3 excluded-maintenance
    start/end, 4/5 window start/end. ``office`` marks the services measured in
    the ``windows`` (starts, ends) only, the others all day; ``services``, when
    given, marks the services to measure (the others get 0 / 0).
    """
    n = data.n_services
    p0, p1 = period
    ws, we = windows
    m_total = (p1 - p0) // MINUTE
    svc = data.service.astype(np.int64)
    start, end = data.start, data.end
    overlaps = (end > p0) & (start < p1)
    if services is not None:
        overlaps &= services[svc]

    out = ~data.maintenance & overlaps & (end - start >= MIN_OUTAGE)
    o_svc = svc[out]
    o_s = np.clip((start[out] - p0) // MINUTE, 0, m_total)  # floor to the bucket
    o_e = np.clip(-((p0 - end[out]) // MINUTE), 0, m_total)  # ceiling to the bucket

    mnt = data.maintenance & overlaps & (start - data.announced >= NOTICE)
    m_svc = svc[mnt]
    m_s = np.clip((start[mnt] - p0) // MINUTE, 0, m_total)
    m_e = np.clip((end[mnt] - p0) // MINUTE, 0, m_total)

    ws_m, we_m = (ws - p0) // MINUTE, (we - p0) // MINUTE
    chosen = np.ones(n, dtype=bool) if services is None else services
    biz = np.flatnonzero(office & chosen)
    all_day = np.flatnonzero(~office & chosen)
    w_svc = np.concatenate((all_day, np.repeat(biz, ws_m.shape[0])))
    w_s = np.concatenate((np.zeros(all_day.shape[0], np.int64), np.tile(ws_m, biz.shape[0])))
    w_e = np.concatenate((np.full(all_day.shape[0], m_total), np.tile(we_m, biz.shape[0])))

    t_bits = int(m_total).bit_length()
    shift = t_bits + 3
    key = np.concatenate(
        (
            (o_svc << shift) | (o_s << 3) | 0,
            (o_svc << shift) | (o_e << 3) | 1,
            (m_svc << shift) | (m_s << 3) | 2,
            (m_svc << shift) | (m_e << 3) | 3,
            (w_svc << shift) | (w_s << 3) | 4,
            (w_svc << shift) | (w_e << 3) | 5,
        )
    )
    key.sort()
    code = key & 7
    t = (key >> 3) & ((1 << t_bits) - 1)
    s = key >> shift
    delta = 1 - 2 * (code & 1)
    kind = code >> 1
    c_out = np.cumsum(np.where(kind == 0, delta, 0))
    c_mnt = np.cumsum(np.where(kind == 1, delta, 0))
    c_win = np.cumsum(np.where(kind == 2, delta, 0))
    seg = np.where(s[1:] == s[:-1], t[1:] - t[:-1], 0)
    eligible_seg = (c_win[:-1] > 0) & (c_mnt[:-1] == 0)
    down_seg = eligible_seg & (c_out[:-1] > 0)
    eligible = np.bincount(s[:-1], weights=seg * eligible_seg, minlength=n)
    down = np.bincount(s[:-1], weights=seg * down_seg, minlength=n)
    total = np.rint(eligible).astype(np.int64) * MINUTE
    good = total - np.rint(down).astype(np.int64) * MINUTE
    return good, total


def _integer_result(data: Data, good: I64, total: I64, pct: I64) -> Result:
    """Return a result from integer figures: each credit is the service's fee times its share."""
    cents = data.fee * pct  # fee (USD) x pct / 100 = fee x pct cents
    return Result(
        good,
        total,
        Fraction(int(cents.sum()), 100),
        credit_pct=pct,
        credit_cents=cents,
    )


# --- slakit --------------------------------------------------------------------------------


def fleet_agreement(data: Data, rows: npt.NDArray[np.intp], during: Any = None) -> Any:
    """Return the agreement of the services ``rows`` (in inventory order, each with its fee).

    ``during`` is the service hours (``None``: around the clock).
    """
    import slakit as sla

    uptime = sla.uptime(
        min_outage=sla.minutes(1),
        min_outage_of="report",
        granularity=sla.minutes(1),
        excluding=[sla.scheduled_maintenance(notice=sla.days(5))],
        during=during,
    )
    tier = sla.Tier(
        "fleet",
        fee=sla.usd("1000.00"),
        objectives=[uptime >= "99.99%"],
        compensation=sla.credit_schedule(
            uptime, {"< 99.99%": "10%", "< 99.0%": "30%", "< 95.0%": "100%"}
        ),
    )
    services = np.array(data.names, dtype=object)[rows].tolist()
    fees = [sla.usd(f"{fee}.00") for fee in data.fee[rows].tolist()]
    return sla.Agreement(
        provider="Acme Cloud",
        customer="fleet",
        services=services,
        tier=tier,
        period=sla.monthly(tz="Europe/Berlin"),
        fees=dict(zip(services, fees, strict=True)),
    )


def agreements(data: Data) -> tuple[Any, Any]:
    """Return the two agreement templates: the 24x7 services and the business-hours ones."""
    import slakit as sla

    office = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin")
    return (
        fleet_agreement(data, np.flatnonzero(~data.business)),
        fleet_agreement(data, np.flatnonzero(data.business), office),
    )


def run_slakit(
    data: Data, templates: tuple[Any, Any] | None = None, *, with_total: bool = True
) -> Result:
    """Evaluate both templates over the fleet's table and read every uptime and credit.

    The timed part: both ``evaluate`` calls, ``report.columns()`` (exact uptimes
    as ``good / total``, credit shares and amounts) and ``report.exact_total``.
    ``with_total=False`` skips ``report.exact_total`` (the exact total credit,
    summed over the credit columns), to show what the columns alone cost.
    """
    import slakit as sla

    # The agreements are defined once, as a billing job would; they are built (and cached)
    # outside the first timed call by the harness's warm-up run.
    all_day, office = templates if templates is not None else data.templates
    n = data.n_services
    good = np.zeros(n, np.int64)
    total = np.zeros(n, np.int64)
    shares = np.empty(n, dtype=object)
    amounts = np.empty(n, dtype=object)
    exact = Fraction(0)
    for agreement, rows in ((all_day, ~data.business), (office, data.business)):
        report = sla.evaluate(agreement, data.table, period="2026-10")
        cols = report.columns()
        good[rows] = cols["uptime.good"]
        total[rows] = cols["uptime.total"]
        shares[rows] = cols["credit.share"]
        amounts[rows] = cols["credit.amount"]
        if with_total:
            exact += report.exact_total
    if not with_total:
        exact = sum(amounts.tolist(), Fraction(0))
    return Result(good, total, exact, shares=shares, amounts=amounts)


def _columns_only(data: Data) -> object:
    return run_slakit(data, with_total=False)


def _table_build(data: Data) -> object:
    return Data.table.func(data)  # type: ignore[attr-defined]


def _table_from_names(data: Data) -> object:
    import slakit as sla

    columns = data.columns()
    columns["service"] = np.array(data.names)[data.service]  # what a names column costs
    return sla.EventTable.from_columns(columns)


#: Further slakit timings reported beside the main one (name: function of the data).
EXTRA_TIMINGS = {
    "slakit_columns_only_s": _columns_only,
    "event_table_build_s": _table_build,
    "event_table_from_names_s": _table_from_names,
}


# --- pandas: what an analyst writes -------------------------------------------------------


def pandas_minutes(data: Data) -> Result:
    """Explode every counted outage and maintenance window into minutes, then count them."""
    import pandas as pd

    period_start = pd.Timestamp(P0, unit="us", tz="UTC")
    period_end = pd.Timestamp(P1, unit="us", tz="UTC")
    df = pd.DataFrame(
        {
            "service": data.service,
            "maintenance": data.maintenance,
            "start": pd.to_datetime(data.start, unit="us", utc=True),
            "end": pd.to_datetime(data.end, unit="us", utc=True),
            "announced": pd.to_datetime(data.announced, unit="us", utc=True),
        }
    )
    df = df[(df["end"] > period_start) & (df["start"] < period_end)]
    outages = df[~df["maintenance"] & (df["end"] - df["start"] >= pd.Timedelta(seconds=60))]
    maint = df[df["maintenance"] & (df["start"] - df["announced"] >= pd.Timedelta(days=5))]

    def minutes(frame: Any) -> Any:
        frame = frame.copy()
        offset = period_start - period_start.floor("h")  # zero: the period starts on the hour
        frame["minute"] = [
            pd.date_range(
                max(s.floor("min") + offset, period_start),
                min(e.ceil("min"), period_end),
                freq="min",
                inclusive="left",
            )
            for s, e in zip(frame["start"], frame["end"], strict=True)
        ]
        return frame.explode("minute")[["service", "minute"]].dropna().drop_duplicates()

    def in_window(frame: Any) -> Any:
        local = frame["minute"].dt.tz_convert("Europe/Berlin")
        office = (local.dt.day_of_week < 5) & (local.dt.hour >= 8) & (local.dt.hour < 18)
        return ~frame["service"].map(lambda s: bool(data.business[s])) | office

    down_minutes = minutes(outages)
    maint_minutes = minutes(maint)
    down_minutes = down_minutes.merge(
        maint_minutes, on=["service", "minute"], how="left", indicator=True
    )
    down_minutes = down_minutes[down_minutes["_merge"] == "left_only"]
    down = down_minutes[in_window(down_minutes)].groupby("service").size()
    excluded = maint_minutes[in_window(maint_minutes)].groupby("service").size()

    month = pd.Series(pd.date_range(period_start, period_end, freq="min", inclusive="left"))
    local = month.dt.tz_convert("Europe/Berlin")
    office_minutes = int(((local.dt.day_of_week < 5) & local.dt.hour.between(8, 17)).sum())
    result = pd.DataFrame(index=pd.RangeIndex(data.n_services))
    result["window"] = np.where(data.business, office_minutes, len(month))
    result["eligible"] = result["window"] - excluded.reindex(result.index, fill_value=0)
    result["down"] = down.reindex(result.index, fill_value=0)
    result["uptime"] = 1 - result["down"] / result["eligible"]
    result["credit"] = np.select(
        [result["uptime"] < 0.95, result["uptime"] < 0.99, result["uptime"] < 0.9999],
        [100, 30, 10],
        0,
    )
    total = result["eligible"].to_numpy(np.int64) * MINUTE
    good = total - result["down"].to_numpy(np.int64) * MINUTE
    pct = result["credit"].to_numpy(np.int64)
    return _integer_result(data, good, total, pct)


def peer(data: Data, repeat: int) -> PeerTiming:
    """Time pandas at 1,000 services; at larger sizes, estimate from 1,000 services x10."""
    try:
        import pandas  # noqa: F401
    except ImportError:
        return PeerTiming("pandas", None, "pandas is not installed")
    if data.n_services <= 1_000:
        seconds, result = median_time(lambda: pandas_minutes(data), repeat)
        return PeerTiming("pandas", seconds, agree=same(result, reference(data)))
    factor = data.n_services // 1_000
    small = generate(1_000, data.seed)
    seconds, result = median_time(lambda: pandas_minutes(small), repeat)
    return PeerTiming(
        "pandas",
        seconds * factor,
        f"estimated: timed on 1,000 services x{factor}",
        agree=same(result, reference(small)),
        estimated=True,
    )
