"""Portfolios: many customers' agreements in one pass equal each customer's agreement alone."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
from slakit._engine._portfolio import customer_agreement
from slakit._results._portfolio import round_units
from slakit.exceptions import DefinitionError, EvaluationError, EventDataError

U = sla.uptime()
OFFICE = sla.uptime(during=sla.weekly("Mon-Fri 08:00-18:00", tz="UTC"))
GOLD = sla.Tier(
    "gold",
    fee=sla.usd("100.00"),
    objectives=[U >= "99.99%"],
    compensation=sla.credit_schedule(U, {"< 99.99%": "10%", "< 99%": "30%", "< 95%": "100%"}),
)
BRONZE = sla.Tier(
    "bronze",
    fee=sla.usd("40.00"),
    objectives=[OFFICE >= "99.5%"],
    compensation=sla.credit_schedule(OFFICE, {"< 99.5%": "10%"}),
)
#: A cap over each customer's services: customers on it cannot share one agreement.
POOLED = sla.Tier(
    "pooled",
    fee=sla.usd("70.00"),
    objectives=[U >= "99.9%"],
    compensation=sla.cap(
        sla.credit_schedule(U, {"< 99.9%": "25%", "< 99%": "50%"}), at_most="20%", across="services"
    ),
)
PLANS = {"gold": GOLD, "bronze": BRONZE, "pooled": POOLED}
ZONES = ("", "Europe/Berlin", "America/New_York", "Asia/Kolkata")
OCTOBER = sla.monthly(tz="UTC").period("2026-10")
HOUR = 3_600_000_000


def _rows_of(table: sla.EventTable, services: set[str]) -> sla.EventTable:
    """Return the rows of ``table`` for ``services``, as a table of their own."""
    records = [r for r in table.records() if r.service in services]
    return sla.EventTable.from_records(records)


@st.composite
def portfolios(draw: st.DrawFn) -> tuple[dict[str, list[Any]], sla.EventTable]:
    """Draw a customers table (1-6 customers, 1-3 services, shared services) and outages."""
    n = draw(st.integers(1, 6))
    pool = [f"svc-{i}" for i in range(8)]
    keys = ("customer", "plan", "service", "fee", "zone", "start", "end")
    columns: dict[str, list[Any]] = {k: [] for k in keys}
    # whole hours around October: before it, within it, after it
    instants = st.none() | st.integers(-40 * 24, 40 * 24).map(lambda h: OCTOBER.start + h * HOUR)
    for c in range(n):
        plan = draw(st.sampled_from(sorted(PLANS)))
        zone = draw(st.sampled_from(ZONES))
        services = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
        start = draw(instants)
        end = draw(instants.filter(lambda e, s=start: e is None or s is None or e > s))
        for service in services:
            columns["customer"].append(f"customer-{c}")
            columns["plan"].append(plan)
            columns["service"].append(service)
            columns["fee"].append(draw(st.sampled_from([None, "10.00", "333.33", "1250", "0.07"])))
            columns["zone"].append(zone)
            columns["start"].append(start)
            columns["end"].append(end)
    outages = []
    for service in pool:
        for _ in range(draw(st.integers(0, 3))):
            start = OCTOBER.start + draw(st.integers(-2 * HOUR, 31 * 24 * HOUR))
            length = draw(st.integers(1, 40 * HOUR))
            outages.append(sla.Outage(service, start, start + length))
    return columns, sla.EventTable.from_records(outages)


@settings(deadline=None)  # a portfolio evaluates several agreements per example
@given(portfolios())
def test_every_customer_gets_what_its_agreement_alone_gives(drawn: Any) -> None:
    """Columns, ledger and reports of a portfolio equal each customer's own evaluation."""
    columns, events = drawn
    portfolio = sla.Portfolio(plans=PLANS, customers=columns, provider="Acme")
    result = portfolio.evaluate(events, period="2026-10")
    ledger = result.ledger
    assert sorted([*ledger["customer"], *result.skipped]) == sorted(set(columns["customer"]))
    objectives = result.objectives
    total = Decimal(0)
    for row, customer in enumerate(ledger["customer"]):
        agreement = portfolio.agreement(customer)
        rows = _rows_of(events, set(agreement.services))
        period = agreement.period.period("2026-10")
        ends = columns["end"][columns["customer"].index(customer)]
        if ends is not None and ends < period.end:  # measured to its end, as a version's part
            length = period.end - period.start
            part = sla.Period(ends - length, ends, period.label, period.tz)
            begins = period.start if agreement.effective is None else agreement.effective
            agreement = attrs.evolve(agreement, effective=max(begins, period.start))
            alone = sla.evaluate(agreement, rows, period=part)
        else:
            alone = sla.evaluate(agreement, rows, period="2026-10")
        assert ledger["credit"][row] == str(alone.total.amount)
        assert Fraction(ledger["exact"][row]) == alone.exact_total
        assert result.report(customer).total == alone.total
        total += alone.total.amount
        mine = [i for i, c in enumerate(objectives["customer"]) if c == customer]
        assert len(mine) == len(alone.objectives)
        expected = sorted((r.service, r.verdict.value, r.value) for r in alone.objectives)
        got = sorted(
            (
                objectives["service"][i],
                objectives["verdict"][i],
                Fraction(int(objectives["good"][i]), int(objectives["total"][i]))
                if objectives["total"][i] != "0"
                else None,
            )
            for i in mine
        )
        assert got == expected
    assert sum(Decimal(c) for c in ledger["credit"]) == total


def test_customers_on_one_plan_share_one_group_and_a_pooled_plan_does_not() -> None:
    columns = {
        "customer": ["a", "b", "c", "d"],
        "plan": ["gold", "gold", "pooled", "pooled"],
        "service": ["s1", "s2", "s3", "s4"],
    }
    result = sla.Portfolio(plans=PLANS, customers=columns).evaluate(
        sla.EventTable.from_records([]), period="2026-10"
    )
    sizes = sorted(len(g.pairs) for g in result._groups)
    assert sizes == [1, 1, 2]  # gold shares one group; each pooled customer is its own


def test_a_customer_zone_moves_the_period_and_the_service_hours() -> None:
    columns = {"customer": ["x"], "plan": ["bronze"], "service": ["s"], "zone": ["Asia/Kolkata"]}
    portfolio = sla.Portfolio(plans=PLANS, customers=columns)
    agreement = portfolio.agreement("x")
    assert agreement.period == sla.monthly(tz="Asia/Kolkata")
    (objective,) = agreement.tier.objectives
    assert objective.measure.during == sla.weekly("Mon-Fri 08:00-18:00", tz="Asia/Kolkata")
    result = portfolio.evaluate(sla.EventTable.from_records([]), period="2026-10")
    assert result.objectives["total"] == [str(22 * 10 * HOUR)]  # 22 weekdays in Kolkata


def test_the_statement_id_changes_exactly_when_a_counted_row_changes() -> None:
    columns = {"customer": ["a", "b"], "plan": ["gold", "gold"], "service": ["s1", "s2"]}
    portfolio = sla.Portfolio(plans=PLANS, customers=columns)

    def ids(*outages: sla.Outage) -> list[str]:
        table = sla.EventTable.from_records(list(outages))
        return portfolio.evaluate(table, period="2026-10").ledger["statement"]

    base = ids(sla.Outage("s1", "2026-10-02T00:00:00Z", "2026-10-02T01:00:00Z"))
    assert ids(sla.Outage("s1", "2026-10-02T00:00:00Z", "2026-10-02T01:00:00Z")) == base
    moved = ids(sla.Outage("s1", "2026-10-02T00:00:00Z", "2026-10-02T01:00:01Z"))
    assert moved[0] != base[0]
    assert moved[1] == base[1]
    outside = ids(
        sla.Outage("s1", "2026-10-02T00:00:00Z", "2026-10-02T01:00:00Z"),
        sla.Outage("s1", "2026-09-02T00:00:00Z", "2026-09-02T01:00:00Z"),  # another period
    )
    assert outside == base


def test_customers_not_in_force_are_listed_not_evaluated() -> None:
    columns = {
        "customer": ["old", "new", "now"],
        "plan": ["gold"] * 3,
        "service": ["s1", "s2", "s3"],
        "start": [None, "2026-11-01T00:00:00Z", "2026-10-16T00:00:00Z"],
        "end": ["2026-10-01T00:00:00Z", None, None],
    }
    events = sla.EventTable.from_records(  # s1's only customer ended before October
        [sla.Outage("s1", "2026-10-02T00:00:00Z", "2026-10-02T01:00:00Z")]
    )
    result = sla.Portfolio(plans=PLANS, customers=columns).evaluate(events, period="2026-10")
    assert result.summary()["rows_for_customers_not_evaluated"] == {"events": 1}
    assert result.summary()["rows_for_no_customer"] == {"events": 0}
    assert result.customers == ("now",)
    assert result.skipped == {
        "new": "its agreement starts after period 2026-10",
        "old": "its agreement ended before period 2026-10",
    }
    with pytest.raises(KeyError, match="starts after"):
        result.report("new")
    assert result.report("now").partial == Fraction(16, 31)


def test_an_agreement_ending_within_the_period_is_measured_to_its_end() -> None:
    """Measured until the end and pro-rated, as evaluate_versions measures a version's part."""
    columns = {
        "customer": ["a", "b"],
        "plan": ["gold", "gold"],
        "service": ["s", "t"],
        "fee": ["310.00", "310.00"],
        "end": ["2026-10-11T00:00:00Z", None],
    }
    events = sla.EventTable.from_records(
        [
            sla.Outage("s", "2026-10-05T00:00:00Z", "2026-10-05T12:00:00Z"),  # counted
            sla.Outage("s", "2026-10-20T00:00:00Z", "2026-10-21T00:00:00Z"),  # after the end
        ]
    )
    portfolio = sla.Portfolio(plans=PLANS, customers=columns)
    result = portfolio.evaluate(events, period="2026-10")
    report = result.report("a")
    assert report.partial == Fraction(10, 31)
    assert report.period == OCTOBER  # the statement speaks of October itself
    assert "in force from 2026-10-01T00:00:00Z to 2026-10-11T00:00:00Z" in report.explain()
    assert report.objectives[0].value == 1 - Fraction(12, 240)  # 12 h of 10 days
    # 95% <= 99.5% < 99%: 30% of the fee pro-rated to 10 of 31 days
    assert result.ledger["credit"] == ["30.00", "0.00"]
    length = OCTOBER.end - OCTOBER.start
    end = OCTOBER.start + 10 * 24 * HOUR
    alone = sla.evaluate(
        attrs.evolve(portfolio.agreement("a"), effective=OCTOBER.start),
        events,
        period=sla.Period(end - length, end, "2026-10", "UTC"),
    )
    assert alone.total == report.total
    assert alone.objectives == report.objectives
    assert len(result._groups) == 2  # the ending customer in a group of its own
    # the outage after the end: ignored, as outside the part of October measured
    after = [n for n in report.events() if n.where == "record 1"]
    reason = (
        "ignored: outside 2026-10-01T00:00:00Z to 2026-10-11T00:00:00Z, the part of period "
        "2026-10 measured"
    )
    assert [n.reason for n in after] == [reason]


def test_customers_starting_before_the_period_share_one_group() -> None:
    columns = {
        "customer": ["a", "b", "c"],
        "plan": ["gold"] * 3,
        "service": ["s1", "s2", "s3"],
        "start": ["2025-01-15T00:00:00Z", "2026-03-01T00:00:00Z", None],
    }
    result = sla.Portfolio(plans=PLANS, customers=columns).evaluate(
        sla.EventTable.from_records([]), period="2026-10"
    )
    assert [len(g.pairs) for g in result._groups] == [3]


def test_customers_table_problems_are_listed_by_row_all_at_once() -> None:
    columns = {
        "customer": ["a", "a", "b", "c"],
        "plan": ["gold", "bronze", "platinum", "gold"],
        "service": ["s1", "s2", "s3", "s4"],
    }
    with pytest.raises(EventDataError) as caught:
        sla.Portfolio(plans=PLANS, customers=columns).evaluate(
            sla.EventTable.from_records([]), period="2026-10"
        )
    text = str(caught.value)
    assert "row 2: plan: 'platinum' is not a plan of the portfolio" in text
    assert "row 1: plan: customer 'a' has another plan than on row 0" in text


def test_a_plan_whose_money_is_in_another_currency_is_refused_for_that_customer() -> None:
    fixed = sla.Tier(
        "fixed",
        fee=sla.usd("10.00"),
        objectives=[U >= "99%"],
        compensation=sla.per_breach(U >= "99%", sla.usd("5.00")),
    )
    columns = {"customer": ["a"], "plan": ["fixed"], "service": ["s"], "currency": ["EUR"]}
    refused = r"row 0: plan: 'fixed' cannot serve this customer: .* amounts in USD, but the fee"
    with pytest.raises(EventDataError, match=refused):
        sla.Portfolio(plans={"fixed": fixed}, customers=columns).evaluate(
            sla.EventTable.from_records([]), period="2026-10"
        )


def test_plans_are_checked_when_the_portfolio_is_made() -> None:
    with pytest.raises(DefinitionError, match="must be a Tier or an Agreement"):
        sla.Portfolio(plans={"gold": "gold"}, customers={"customer": [], "plan": [], "service": []})
    with pytest.raises(DefinitionError, match="at least one plan"):
        sla.Portfolio(plans={}, customers={"customer": [], "plan": [], "service": []})


@pytest.mark.parametrize(
    "mode", ["half_up", "half_even", "half_down", "down", "up", "floor", "ceiling"]
)
def test_round_units_rounds_as_rounding_does(mode: Any) -> None:
    """Every half, near-half and whole value, both signs, against the one-at-a-time rounding."""
    from slakit._money import round_fraction

    values = [Fraction(n, d) for d in (1, 2, 3, 4, 8, 10) for n in range(-25, 26)]
    num = np.empty(len(values), dtype=object)
    den = np.empty(len(values), dtype=object)
    num[:] = [v.numerator for v in values]
    den[:] = [v.denominator for v in values]
    got = round_units(num, den, mode).tolist()
    assert got == [int(round_fraction(v, 0, mode)) for v in values]


def _files(folder: Path, columns: dict[str, list[Any]], events: dict[str, list[Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), folder / "customers.parquet")
    pq.write_table(
        pa.table(
            {
                **{k: v for k, v in events.items() if k not in ("start", "end", "announced")},
                **{
                    k: pa.array(
                        np.array([t and t[:-1] for t in events[k]], dtype="datetime64[us]")
                    ).cast(pa.timestamp("us", tz="UTC"))
                    for k in ("start", "end", "announced")
                },
            }
        ),
        folder / "events.parquet",
    )
    import csv

    for name, data in (("customers", columns), ("events", events)):
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(data)
            writer.writerows(zip(*data.values(), strict=True))  # None is an empty cell


CUSTOMERS = {
    "customer": ["acme", "acme", "globex", "initech"],
    "plan": ["gold", "gold", "gold", "bronze"],
    "service": ["eu/db", "eu/api", "us/web", "in/app"],
    "fee": ["2000.00", "500.00", "125.50", "80.00"],
    "zone": ["", "", "America/New_York", "Asia/Kolkata"],
}
EVENTS = {
    "kind": ["outage", "outage", "outage", "maintenance"],
    "service": ["eu/db", "us/web", "in/app", "eu/api"],
    "start": [
        "2026-10-02T00:00:00Z",
        "2026-10-05T10:00:00Z",
        "2026-10-06T05:00:00Z",
        "2026-10-07T01:00:00Z",
    ],
    "end": [
        "2026-10-02T01:00:00Z",
        "2026-10-05T20:00:00Z",
        "2026-10-06T09:00:00Z",
        "2026-10-07T02:00:00Z",
    ],
    "announced": [None, None, None, "2026-09-20T09:00:00Z"],
}


def test_csv_parquet_pandas_and_polars_give_byte_identical_ledgers(tmp_path: Path) -> None:
    import pandas as pd
    import polars as pl

    import slakit.io

    _files(tmp_path, CUSTOMERS, EVENTS)
    sources: dict[str, tuple[Any, Any]] = {
        "csv": (
            slakit.io.read_columns(tmp_path / "customers.csv"),
            slakit.io.read_table(tmp_path / "events.csv", "events"),
        ),
        "parquet": (
            slakit.io.read_columns(tmp_path / "customers.parquet"),
            slakit.io.read_table(tmp_path / "events.parquet", "events"),
        ),
    }
    frame = pd.DataFrame(
        {
            **EVENTS,
            "start": pd.to_datetime(EVENTS["start"], utc=True).tz_convert("Europe/Berlin"),
            "end": pd.to_datetime(EVENTS["end"], utc=True),
            "announced": pd.to_datetime(EVENTS["announced"], utc=True),
        }
    )
    sources["pandas"] = (
        pd.DataFrame(CUSTOMERS),
        sla.EventTable.from_columns(frame),
    )
    sources["polars"] = (
        pl.DataFrame(CUSTOMERS),
        sla.EventTable.from_columns(pl.from_pandas(frame)),
    )
    written = {}
    for name, (customers, events) in sources.items():
        data = customers.data if isinstance(customers, slakit.io.Columns) else customers
        result = sla.Portfolio(plans=PLANS, customers=data).evaluate(events, period="2026-10")
        folder = tmp_path / name
        result.write(folder)
        written[name] = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    assert written["csv"]["ledger.csv"].startswith(b"customer,plan,period,currency,credit")
    for name in ("parquet", "pandas", "polars"):
        assert written[name] == written["csv"], name


def test_tables_export_to_pandas_polars_and_arrow() -> None:
    result = sla.Portfolio(plans=PLANS, customers=CUSTOMERS).evaluate(
        sla.EventTable.from_columns(EVENTS), period="2026-10"
    )
    ledger = result.ledger
    assert list(result.to_pandas("ledger")["credit"]) == ledger["credit"]
    assert result.to_polars("credits")["amount"].to_list() == result.credits["amount"]
    assert (
        result.to_arrow("objectives").column("verdict").to_pylist() == result.objectives["verdict"]
    )
    with pytest.raises(KeyError, match="not a table"):
        result.to_pandas("nope")
    # acme: db down 1 h of 744 (99.866%): 10% of 2,000; globex: 10 h (98.66%): 30% of 125.50
    assert ledger["credit"] == ["200.00", "37.65", "8.00"]


def test_the_ledger_does_not_depend_on_row_order_or_how_a_fee_is_written(tmp_path: Path) -> None:
    """Shuffled customers rows and 2400 for "2400.00" give byte-identical files."""
    events = sla.EventTable.from_columns(EVENTS)
    base = sla.Portfolio(plans=PLANS, customers=CUSTOMERS).evaluate(events, period="2026-10")
    order = [3, 1, 2, 0]
    shuffled = {name: [values[i] for i in order] for name, values in CUSTOMERS.items()}
    shuffled["fee"] = [Decimal(f) if f.endswith(".00") else f for f in shuffled["fee"]]
    shuffled["fee"] = [int(f) if isinstance(f, Decimal) else f for f in shuffled["fee"]]
    other = sla.Portfolio(plans=PLANS, customers=shuffled).evaluate(events, period="2026-10")
    base.write(tmp_path / "a")
    other.write(tmp_path / "b")
    for name in ("ledger.csv", "objectives.csv", "credits.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert "2000.00" in (tmp_path / "b" / "credits.csv").read_text(encoding="utf-8")


def test_decimal_text_is_exact_for_any_integer() -> None:
    from slakit._results._portfolio import _decimal_text

    small = [0, 5, -5, 1250, -1250, 99, 100, 10**17, -(10**17)]
    big = [10**40 + 7, -(10**40) - 7]  # beyond int64: one number at a time
    for places in (0, 2, 3):
        for units in (small, big):
            got = _decimal_text(np.array(units, dtype=object), places).tolist()
            exact = [
                str(Decimal((int(u < 0), tuple(map(int, str(abs(u)))), -places))) for u in units
            ]
            assert got == exact


@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 2)), min_size=1, max_size=30
    ),
    st.booleans(),
)
def test_table_rows_sort_by_their_keys_in_one_stable_sort(
    rows: list[tuple[int, int, int]], wide: bool
) -> None:
    """Rows sort by their codes, first key first, ties in their order, whatever the key sizes."""
    from slakit._results._portfolio import _sorted

    keys = [np.asarray(k, dtype=np.int64) for k in zip(*rows, strict=True)]
    if wide:  # codes too large to pack into one integer: a lexsort
        keys[0] = keys[0] * 2**58
    table = _sorted({}, keys)
    assert table.order is not None
    assert table.order.tolist() == sorted(range(len(rows)), key=lambda i: (*rows[i], i))


def test_tickets_claims_and_charges_reach_their_customers() -> None:
    """Each customer's tickets, claims and bill give what its agreement alone gives."""
    response = sla.response_time(within=sla.hours(1), priority="P1")
    support = sla.Tier(
        "support",
        fee=sla.usd("100.00"),
        objectives=[response.on_time_ratio() >= "90%"],
        compensation=sla.claim_required(
            sla.per_breach(response.on_time_ratio() >= "90%", sla.usd("25.00")),
            sla.within_days(sla.days(30)),
        ),
    )
    usage = sla.Tier(
        "usage",
        fee=sla.usd("1.00"),
        objectives=[U >= "99.9%"],
        compensation=sla.credit_schedule(U, {"< 99.9%": "10%"}, base=sla.charges()),
    )
    plans = {"support": support, "usage": usage}
    columns = {
        "customer": ["a", "b", "c", "c"],
        "plan": ["support", "support", "usage", "usage"],
        "service": ["desk-a", "desk-b", "db-c", "vm-c"],
    }
    tickets = sla.TicketTable.from_records(
        [
            sla.Ticket(
                "A-1", "desk-a", "P1", "2026-10-05T10:00:00Z", first_response="2026-10-05T12:00:00Z"
            ),
            sla.Ticket(
                "A-2", "desk-a", "P1", "2026-10-06T10:00:00Z", first_response="2026-10-06T10:10:00Z"
            ),
            sla.Ticket(
                "B-1", "desk-b", "P1", "2026-10-05T10:00:00Z", first_response="2026-10-05T13:00:00Z"
            ),
            sla.Ticket(  # waiting on the customer from 10:30: on time
                "B-2",
                "desk-b",
                "P1",
                "2026-10-07T10:00:00Z",
                first_response="2026-10-07T13:00:00Z",
                transitions=[("2026-10-07T10:30:00Z", "waiting_on_customer")],
            ),
            sla.Ticket("X-1", "desk-x", "P1", "2026-10-05T10:00:00Z"),  # no customer has it
        ]
    )
    claims = sla.ClaimTable.from_records(
        [
            sla.Claim("desk-a", "2026-10", "2026-11-10T09:00:00Z"),  # in time
            sla.Claim("desk-b", "2026-10", "2026-12-20T09:00:00Z"),  # too late
        ]
    )
    bill = sla.ChargeTable.from_records(
        [
            sla.Charge("db-c", "2026-10", "usage", sla.usd("700.00")),
            sla.Charge("vm-c", "2026-10", "usage", sla.usd("50.00")),
            sla.Charge("db-c", "2026-09", "usage", sla.usd("999.00")),  # another period
        ]
    )
    events = sla.EventTable.from_records(
        [sla.Outage("db-c", "2026-10-02T00:00:00Z", "2026-10-02T02:00:00Z")]
    )
    portfolio = sla.Portfolio(plans=plans, customers=columns)
    result = portfolio.evaluate(events, tickets, claims, bill, period="2026-10")
    all_tickets = [tickets.record(i) for i in range(len(tickets))]
    for customer in ("a", "b", "c"):
        agreement = portfolio.agreement(customer)
        services = set(agreement.services)
        alone = sla.evaluate(
            agreement,
            _rows_of(events, services),
            sla.TicketTable.from_records([t for t in all_tickets if t.service in services]),
            sla.ClaimTable.from_records([c for c in claims.records if c.service in services]),
            sla.ChargeTable.from_records([c for c in bill.records if c.service in services]),
            period="2026-10",
        )
        assert result.report(customer).total == alone.total, customer
    # a and b: 1 of 2 late (50% < 90%): 25.00, claimed in time by a, late by b; c: 10% of 700
    assert result.ledger["credit"] == ["25.00", "0.00", "70.00"]
    assert result.ledger["claim"] == ["claimed", "late", "n/a"]
    assert result.summary()["rows_for_no_customer"] == {
        "events": 0,
        "tickets": 1,
        "claims": 0,
        "charges": 0,
    }


def test_claim_states_name_every_case() -> None:
    from slakit._engine._credits._claims import _claim_states

    owed = np.array([False, True, True, True, True, True])
    claimed = np.array([False, True, False, False, False, False])
    unclaimed = np.array([True, False, True, True, True, False])
    pending = np.array([False, False, True, False, False, False])
    late = np.array([False, False, False, True, False, False])
    states = _claim_states(owed, claimed, unclaimed, pending=pending, late=late).tolist()
    assert states == ["", "claimed", "pending", "late", "not claimed", "partly claimed"]


def test_an_amendment_within_the_period_splits_it_as_evaluate_versions_does() -> None:
    """A price change on the 15th: each version over its part, one ledger row, rounded once."""
    amended = sla.Agreement(provider="Acme", customer="t", services=["s"], tier=GOLD).amend(
        "2026-10-15T00:00:00Z",
        title="price review",
        tier=GOLD.derive("gold-2", fee=sla.usd("200.00")),
    )
    columns = {
        "customer": ["a", "a", "b"],
        "plan": ["amended", "amended", "gold"],
        "service": ["s", "t", "s"],
        "fee": [None, "33.33", None],
    }
    down = [  # one outage in each part, one across the amendment
        sla.Outage("s", "2026-10-03T00:00:00Z", "2026-10-03T09:00:00Z"),
        sla.Outage("t", "2026-10-14T20:00:00Z", "2026-10-15T05:00:00Z"),
        sla.Outage("s", "2026-10-20T00:00:00Z", "2026-10-20T13:00:00Z"),
    ]
    portfolio = sla.Portfolio(plans={"amended": amended, "gold": GOLD}, customers=columns)
    result = portfolio.evaluate(sla.EventTable.from_records(down), period="2026-10")
    alone = sla.evaluate_versions(portfolio.agreement("a"), down, period="2026-10")
    report = result.report("a")
    assert isinstance(report, sla.VersionedReport)
    assert report.versions == alone.versions == ("v1", "v2 (price review)")
    assert report.total == alone.total
    assert [r.compensation.exact_total for _, r in report.parts] == [
        r.compensation.exact_total for _, r in alone.parts
    ]
    ledger = result.ledger
    row = ledger["customer"].index("a")
    assert ledger["customer"].count("a") == 1  # one row for the period, not one per version
    assert ledger["credit"][row] == str(alone.total.amount)
    assert Fraction(ledger["exact"][row]) == alone.exact_total
    assert ledger["services"][row] == 2
    versions = {
        v
        for c, v in zip(result.objectives["customer"], result.objectives["version"], strict=True)
        if c == "a"
    }
    assert versions == {"v1", "v2 (price review)"}
    others = {
        v
        for c, v in zip(*(result.objectives[k] for k in ("customer", "version")), strict=True)
        if c == "b"
    }
    assert others == {"v1"}
    # a later run over the same rows gives the same statement id; another row changes it
    again = portfolio.evaluate(sla.EventTable.from_records(down), period="2026-10")
    assert again.ledger["statement"] == ledger["statement"]
    moved = [*down[:2], sla.Outage("s", "2026-10-20T00:00:00Z", "2026-10-20T14:00:00Z")]
    other = portfolio.evaluate(sla.EventTable.from_records(moved), period="2026-10")
    assert other.ledger["statement"][row] != ledger["statement"][row]
    november = portfolio.evaluate(sla.EventTable.from_records([]), period="2026-11")
    assert november.report("a").agreement.tier.name == "gold-2"  # one version: one report


def test_an_amendment_naming_services_of_its_own_is_refused_in_a_portfolio() -> None:
    amended = sla.Agreement(provider="Acme", customer="t", services=["s"], tier=GOLD).amend(
        "2026-10-15T00:00:00Z", services=["s", "u"]
    )
    columns = {"customer": ["a"], "plan": ["amended"], "service": ["s"]}
    portfolio = sla.Portfolio(plans={"amended": amended}, customers=columns)
    with pytest.raises(EvaluationError, match=r"plan 'amended': version v2 names services"):
        portfolio.evaluate(sla.EventTable.from_records([]), period="2026-10")


def test_names_with_spaces_fees_with_exponents_and_misspelt_plans_are_refused() -> None:
    with pytest.raises(EventDataError) as caught:
        sla.CustomerTable.from_columns(
            {
                "customer": [" a ", "b"],
                "plan": ["gold", "gold"],
                "service": ["s", "t"],
                "fee": ["1e2", "5.00"],
            }
        )
    assert [str(p) for p in caught.value.problems] == [
        "row 0: fee: '1e2' has an exponent; write the amount out, such as '100.00'",
        "row 0: customer: ' a ' has spaces around it; write 'a'",
    ]
    columns = {"customer": ["a"], "plan": ["glod"], "service": ["s"]}
    with pytest.raises(EventDataError, match="did you mean 'gold'"):
        sla.Portfolio(plans=PLANS, customers=columns).evaluate(
            sla.EventTable.from_records([]), period="2026-10"
        )


def test_fees_of_any_form_become_codes_into_distinct_amounts() -> None:
    """Strings, Decimals and integers: each distinct fee parsed once, missing ones the plan's."""
    columns = {
        "customer": ["a", "a", "b", "b", "c"],
        "plan": ["gold"] * 5,
        "service": ["s1", "s2", "s1", "s3", "s4"],
    }
    for fees, distinct in (
        (["10.00", "", "10.00", "2400", None], 2),
        ([Decimal("10.00"), None, Decimal("10.00"), Decimal("2400"), None], 2),
        ([Decimal("10.00"), None, "10.00", 2400, None], 3),  # mixed: told apart by type too
    ):
        table = sla.CustomerTable.from_columns({**columns, "fee": fees})
        got = [table.fee_of(i) for i in range(5)]
        assert got == [Decimal("10.00"), None, Decimal("10.00"), Decimal(2400), None]
        assert len(table.fees) == distinct  # one amount per distinct fee
        assert str(got[0]) == "10.00"  # as written


def test_percentages_are_written_as_percent_of_writes_them() -> None:
    """In int64 or in Python integers: half-even, never onto 0% or 100% unless exact."""
    from slakit._ratio import percent_of
    from slakit._results._figures import percent_texts

    pairs = [(0, 1), (1, 1), (1, 3), (2, 3), (575, 576), (10**9 - 1, 10**9), (1, 10**9)]
    pairs += [(-1, 10**9), (-(10**9) + 1, 10**9), (5, 10**8 * 2), (7, 2 * 10**8), (-7, 9)]
    pairs += [(3, 2), (10**9 + 1, 10**9)]  # above 100%: never onto it from above either
    num = np.array([n for n, _ in pairs], dtype=object)
    den = np.array([d for _, d in pairs], dtype=object)
    expected = [str(percent_of(Fraction(n, d))) for n, d in pairs]
    small = np.array([n for n, _ in pairs], dtype=np.int64), np.array([d for _, d in pairs])
    assert percent_texts(*small) == expected
    wide = 10**30  # past int64: Python integers
    assert percent_texts(num * wide, den * wide) == expected


def test_text_hashes_tell_apart_names_numpy_strings_would_merge() -> None:
    from slakit._engine._portfolio import _text_hashes

    names = ["a", "a\x00", "", "b", "ab", "ba", "\u00e9t\u00e9"]
    hashes = _text_hashes(names).tolist()
    assert len(set(hashes)) == len(names)
    assert hashes == _text_hashes(list(names)).tolist()  # stable


def test_a_texts_hash_is_its_own_whatever_the_texts_beside_it() -> None:
    """Hashed in bulk, a text is folded over its own characters, not the batch's width."""
    from slakit._engine._portfolio import _text_hashes

    names = ["a", "a\x00", "", "b\u00e9"]
    alone = _text_hashes(names).tolist()
    assert _text_hashes([*names, "a far longer text than the others"]).tolist()[:4] == alone
    assert [_text_hashes([n]).tolist()[0] for n in names] == alone


def test_a_claim_of_another_customer_leaves_the_statement_id_as_it_is() -> None:
    """A longer claim of a's (its reason) changes a's statement id and not b's."""
    columns = {"customer": ["a", "b"], "plan": ["gold", "gold"], "service": ["a-svc", "b-svc"]}
    portfolio = sla.Portfolio(plans=PLANS, customers=columns)

    def ids(reason: str) -> list[str]:
        claims = sla.ClaimTable.from_records(
            [
                sla.Claim(
                    "a-svc", "2026-10", "2026-11-02T00:00:00Z", state="rejected", reason=reason
                ),
                sla.Claim("b-svc", "2026-10", "2026-11-02T00:00:00Z"),
            ]
        )
        events = sla.EventTable.from_records([])
        return portfolio.evaluate(events, claims, period="2026-10").ledger["statement"]

    base, longer = ids("late"), ids("filed after the window of 30 days had closed")
    assert longer[0] != base[0]
    assert longer[1] == base[1]


def test_exact_columns_stay_int64_only_where_no_product_overflows() -> None:
    from slakit._results._portfolio import _exact_columns

    small = np.array([1, 2], dtype=np.int64)
    good, total = _exact_columns(small, small, Decimal("0.9999"))
    assert good.dtype == total.dtype == np.int64
    big = np.array([2**60, 2**60 - 1], dtype=np.int64)
    good, total = _exact_columns(big, big, Decimal("0.9999"))  # 2**60 * 10,000 > 2**61
    assert good.dtype == total.dtype == object
    assert good.tolist() == big.tolist()


def test_an_amended_plans_split_period_caps_as_evaluate_versions_does() -> None:
    """A cap of 1,000 per period holds over both parts of a period an amendment splits."""
    up = sla.uptime()
    table = sla.credit_schedule(up, {"< 99.9%": "100%"})
    gold = sla.Tier(
        "gold",
        fee=sla.usd("3100.00"),
        objectives=[up >= "99.9%"],
        compensation=sla.cap(table, at_most=sla.usd("1000"), per="period"),
    )
    plan = sla.Agreement(provider="P", customer="C", services=["x"], tier=gold).amend(
        "2026-10-16T00:00:00Z", title="terms", tier=gold.derive("gold", fee=sla.usd("3100.00"))
    )
    customers = {"customer": ["a", "b", "b"], "plan": ["gold"] * 3, "service": ["s1", "s2", "s3"]}
    events = [
        sla.Outage(s, f"2026-10-{d}T00:00:00Z", f"2026-10-{d}T12:00:00Z")
        for s in ("s1", "s2", "s3")
        for d in ("05", "20")
    ]
    portfolio = sla.Portfolio(plans={"gold": plan}, customers=customers)
    result = portfolio.evaluate(events, period="2026-10")
    # each service: 100% of 1,500 and of 1,600 (the parts' pro-rated fees), capped at 1,000
    assert result.ledger["credit"] == ["1000.00", "2000.00"]
    for customer in ("a", "b"):
        alone = sla.evaluate_versions(
            customer_agreement(portfolio, customer), events, period="2026-10"
        )
        assert result.report(customer).total == alone.total


def test_a_fee_column_is_the_tuple_of_its_pairs() -> None:
    """A group's fees as codes into distinct fees act as, and equal, the (service, fee) pairs."""
    from slakit._dsl._agreement import FeeColumn

    low, high = sla.usd("100.00"), sla.usd("2500.50")
    names = ("0", "1", "2")
    column = FeeColumn(names, np.array([1, 0, 1]), (low, high))
    pairs = (("0", high), ("1", low), ("2", high))
    assert len(column) == 3
    assert column == pairs
    assert hash(column) == hash(pairs)
    assert column[1] == ("1", low)
    assert column[1:] == pairs[1:]
    assert list(column) == list(pairs)
    assert "3 services, 2 distinct fees" in repr(column)
    tier = sla.Tier("t", fee=sla.usd("10.00"), objectives=[sla.uptime() >= "99.9%"])
    by_column = sla.Agreement(provider="P", customer="C", services=names, tier=tier, fees=column)
    by_pairs = sla.Agreement(provider="P", customer="C", services=names, tier=tier, fees=pairs)
    assert by_column == by_pairs
    assert (
        by_column.exact_fees()
        == by_pairs.exact_fees()
        == (
            Fraction(5001, 2),
            Fraction(100),
            Fraction(5001, 2),
        )
    )
    assert by_column.fees_of(["2", "1"]) == [high, low]
    assert by_column.total_fee() == sla.usd("5101.00")
    with pytest.raises(ValueError, match="3 services for 2 fee codes"):
        FeeColumn(names, np.array([0, 1]), (low,))
    with pytest.raises(DefinitionError, match="not a service of the agreement"):
        sla.Agreement(provider="P", customer="C", services=("0", "1"), tier=tier, fees=column)
