"""Probe samples and corrections in a portfolio: each customer gets what its own agreement gives."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
from slakit._results._fingerprint import fingerprint, input_digests
from slakit.exceptions import DefinitionError, EventDataError
from tests.test_portfolio import HOUR, OCTOBER, ZONES

#: Uptime that removes customer-caused time and counts beta time as available.
CORRECTED = sla.uptime(
    excluding=[sla.corrections("customer-caused"), sla.corrections("beta", accounting="good")]
)
#: Office hours, in the customer's zone, where force majeure counts as available.
OFFICE = sla.uptime(
    during=sla.weekly("Mon-Fri 08:00-18:00", tz="UTC"),
    excluding=[sla.corrections("force majeure", accounting="good")],
)
RTT = sla.probe_mean("rtt")
JITTER = sla.probe_percentile("jitter", 95)
NET = sla.Tier(
    "net",
    fee=sla.usd("100.00"),
    objectives=[CORRECTED >= "99.9%", RTT <= "45ms"],
    compensation=sla.credit_schedule(CORRECTED, {"< 99.9%": "10%", "< 99%": "25%"})
    + sla.credit_schedule(RTT, {"> 45ms": "5%", "> 55ms": "15%"}),
)
EDGE = sla.Tier(
    "edge",
    fee=sla.usd("40.00"),
    objectives=[OFFICE >= "99.5%", JITTER < "2ms"],
    compensation=sla.credit_schedule(OFFICE, {"< 99.5%": "10%"})
    + sla.per_breach(JITTER < "2ms", sla.usd("15.00")),
)
#: A cap over each customer's services: each customer on it is evaluated on its own.
POOLED = sla.Tier(
    "pooled",
    fee=sla.usd("70.00"),
    objectives=[CORRECTED >= "99.9%", RTT <= "45ms"],
    compensation=sla.cap(
        sla.credit_schedule(CORRECTED, {"< 99.9%": "25%", "< 99%": "50%"})
        + sla.credit_schedule(RTT, {"> 45ms": "10%"}),
        at_most="30%",
        across="services",
    ),
)
PLANS = {"net": NET, "edge": EDGE, "pooled": POOLED}
CATEGORIES = ("customer-caused", "beta", "force majeure", "third-party")
POOL = [f"svc-{i}" for i in range(6)]


def _names(selector: str | tuple[str, ...]) -> set[str]:
    return {selector} if isinstance(selector, str) else set(selector)


def _corrections_of(table: sla.CorrectionTable, services: set[str]) -> sla.CorrectionTable:
    """Return the corrections of ``services`` (every service's too), as given."""
    return sla.CorrectionTable.from_records(
        c for c in table.records if c.services == "*" or _names(c.services) & services
    )


def _probes_of(table: sla.ProbeTable, services: set[str]) -> sla.ProbeTable:
    return sla.ProbeTable.from_records(p for p in table.records() if p.service in services)


def _events_of(table: sla.EventTable, services: set[str]) -> sla.EventTable:
    return sla.EventTable.from_records(e for e in table.records() if e.service in services)


@st.composite
def portfolios(draw: st.DrawFn) -> tuple[dict[str, list[Any]], list[Any]]:
    """Draw customers (1-5, shared services, dates), outages, probe samples and corrections."""
    n = draw(st.integers(1, 5))
    columns: dict[str, list[Any]] = {
        k: [] for k in ("customer", "plan", "service", "fee", "zone", "start", "end")
    }
    instants = st.none() | st.integers(-40, 40).map(lambda d: OCTOBER.start + d * 24 * HOUR)
    for c in range(n):
        plan = draw(st.sampled_from(sorted(PLANS)))
        zone = draw(st.sampled_from(ZONES))
        services = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=3, unique=True))
        start = draw(instants)
        end = draw(instants.filter(lambda e, s=start: e is None or s is None or e > s))
        for service in services:
            columns["customer"].append(f"customer-{c}")
            columns["plan"].append(plan)
            columns["service"].append(service)
            columns["fee"].append(draw(st.sampled_from([None, "10.00", "333.33"])))
            columns["zone"].append(zone)
            columns["start"].append(start)
            columns["end"].append(end)
    named = [*sorted(set(columns["service"])), "svc-of-nobody"]  # the customers' and one more
    hours = st.integers(-48, 31 * 24)
    # incidents: outages of one or more services at once (the month's edges among them) ...
    affected = st.lists(st.sampled_from(named), min_size=1, max_size=3, unique=True)
    incidents = draw(
        st.lists(
            st.tuples(st.sampled_from([-20, 30, 200, 740]) | hours, affected, st.integers(1, 40)),
            max_size=4,
        )
    )
    outages = [
        sla.Outage(service, OCTOBER.start + at * HOUR, OCTOBER.start + (at + length) * HOUR)
        for at, down, length in incidents
        for service in down
    ]
    probes = [
        sla.Probe(
            draw(st.sampled_from(named)),
            OCTOBER.start + draw(hours) * HOUR,
            draw(st.sampled_from(["rtt", "jitter"])),
            draw(st.sampled_from(["1", "2", "2.5", "40", "45", "50", "60"])),
        )
        for _ in range(draw(st.integers(0, 10)))
    ]
    # ... and corrections of any services, or of an incident's, about when it began
    selectors = st.one_of(
        st.just("*"),
        st.sampled_from(named),
        st.lists(st.sampled_from(named), min_size=2, max_size=3, unique=True).map(tuple),
    )
    corrections = []
    for _ in range(draw(st.integers(0, 4))):
        selector, at = draw(selectors), draw(hours)
        if incidents and draw(st.booleans()):
            at, down, _ = draw(st.sampled_from(incidents))
            at += draw(st.integers(-2, 2))
            selector = draw(st.sampled_from([tuple(down) if len(down) > 1 else down[0], "*"]))
        corrections.append(
            sla.Correction(
                selector,
                OCTOBER.start + at * HOUR,
                OCTOBER.start + (at + draw(st.integers(1, 30))) * HOUR,
                category=draw(st.sampled_from(CATEGORIES)),
            )
        )
    tables = [
        sla.EventTable.from_records(outages),
        sla.ProbeTable.from_records(probes),
        sla.CorrectionTable.from_records(corrections),
    ]
    return columns, tables


def _alone(
    portfolio: sla.Portfolio, columns: dict[str, list[Any]], customer: str, tables: list[Any]
) -> tuple[sla.Agreement, sla.Period, sla.Report]:
    """Evaluate ``customer``'s agreement alone over its rows: the agreement, window and report."""
    events, probes, corrections = tables
    agreement = portfolio.agreement(customer)
    services = set(agreement.services)
    own = [
        _events_of(events, services),
        _probes_of(probes, services),
        _corrections_of(corrections, services),
    ]
    period = agreement.period.period("2026-10")
    ends = columns["end"][columns["customer"].index(customer)]
    if ends is not None and ends < period.end:  # measured to its end, as a version's part
        length = period.end - period.start
        window = sla.Period(ends - length, ends, period.label, period.tz)
        begins = period.start if agreement.effective is None else agreement.effective
        ended = attrs.evolve(agreement, effective=max(begins, period.start))
        return agreement, window, sla.evaluate(ended, *own, period=window)
    return agreement, period, sla.evaluate(agreement, *own, period="2026-10")


@settings(deadline=None)  # a portfolio evaluates several agreements per example
@given(portfolios())
def test_every_customer_gets_what_its_agreement_alone_gives_with_probes_and_corrections(
    drawn: Any,
) -> None:
    """Ledger, objectives, reports and fingerprints equal each customer's own evaluation."""
    columns, tables = drawn
    portfolio = sla.Portfolio(plans=PLANS, customers=columns, provider="Acme")
    result = portfolio.evaluate(*tables, period="2026-10")
    ledger, objectives = result.ledger, result.objectives
    assert sorted([*ledger["customer"], *result.skipped]) == sorted(set(columns["customer"]))
    for row, customer in enumerate(ledger["customer"]):
        agreement, window, alone = _alone(portfolio, columns, customer, tables)
        assert ledger["credit"][row] == str(alone.total.amount), customer
        assert Fraction(ledger["exact"][row]) == alone.exact_total, customer
        report = result.report(customer)
        assert report.total == alone.total
        assert report.exact_total == alone.exact_total
        mine = [i for i, c in enumerate(objectives["customer"]) if c == customer]
        expected = sorted(
            (r.service, r.objective.describe(), r.verdict.value, r.value) for r in alone.objectives
        )
        got = sorted(
            (
                objectives["service"][i],
                objectives["objective"][i],
                objectives["verdict"][i],
                Fraction(int(objectives["good"][i]), int(objectives["total"][i]))
                if objectives["total"][i] != "0"
                else None,
            )
            for i in mine
        )
        assert got == expected, customer
        # the statement's fingerprint: its terms, window and the rows of its services
        terms, services = report.agreement, agreement.services
        assert report.fingerprint == fingerprint(terms, window, tables, services=services)
        assert result.input_digests(customer) == input_digests(tables, services=services)
    # rows of no customer's service, and of services only customers not evaluated have
    every = set(columns["service"])
    evaluated = {
        s
        for c, s in zip(columns["customer"], columns["service"], strict=True)
        if c not in result.skipped
    }
    probes, corrections = tables[1], tables[2]
    summary = result.summary()
    kept = [p.service for p in probes.records()]
    assert summary["rows_for_no_customer"]["probes"] == sum(s not in every for s in kept)
    assert summary["rows_for_customers_not_evaluated"]["probes"] == sum(
        s in every and s not in evaluated for s in kept
    )
    star = [c.services == "*" for c in corrections.records]
    names = [
        set() if s else _names(c.services) for s, c in zip(star, corrections.records, strict=True)
    ]
    assert summary["rows_for_no_customer"]["corrections"] == sum(
        not s and not n & every for s, n in zip(star, names, strict=True)
    )
    assert summary["rows_for_customers_not_evaluated"]["corrections"] == sum(
        (s and not evaluated) or (not s and bool(n & every) and not n & evaluated)
        for s, n in zip(star, names, strict=True)
    )


# --- corrections ---------------------------------------------------------------------------------

COLUMNS = {
    "customer": ["a", "a", "b", "c"],
    "plan": ["net", "net", "net", "net"],
    "service": ["a-db", "a-web", "b-db", "c-db"],
}
#: Three hours down on each database on 2 October: 0.4% of October, 10% credit each.
DOWN = sla.EventTable.from_records(
    [
        sla.Outage(s, "2026-10-02T00:00:00Z", "2026-10-02T03:00:00Z")
        for s in ("a-db", "b-db", "c-db")
    ]
)


def _correction(services: Any, start: str = "00:00", end: str = "03:00", **kw: Any) -> Any:
    kw.setdefault("category", "customer-caused")
    return sla.Correction(services, f"2026-10-02T{start}:00Z", f"2026-10-02T{end}:00Z", **kw)


def test_corrections_reach_the_customers_whose_services_they_name() -> None:
    """A correction of several customers' services applies to each; '*' to every customer."""
    portfolio = sla.Portfolio(plans=PLANS, customers=COLUMNS)
    corrections = sla.CorrectionTable.from_records(
        [
            _correction(("a-db", "b-db"), end="02:00", reason="both customers' firewall change"),
            _correction("x-db", reason="a service of no customer"),
            _correction("*", "02:00", "02:30", category="beta"),
        ]
    )
    result = portfolio.evaluate(DOWN, corrections, period="2026-10")
    # a and b: 2 of the 3 hours are theirs, half an hour counts as available, half an hour
    # down is 99.93%: met; c: 2.5 h down, 99.66%: 10%
    assert result.ledger["credit"] == ["0.00", "0.00", "10.00"]
    without = portfolio.evaluate(DOWN, period="2026-10")
    assert without.ledger["credit"] == ["10.00", "10.00", "10.00"]
    summary = result.summary()
    assert summary["rows_for_no_customer"] == {"events": 0, "corrections": 1}
    assert summary["rows_for_customers_not_evaluated"] == {"events": 0, "corrections": 0}
    # each statement speaks of the customer's own services only
    text = result.report("a").explain()
    assert "customer-caused on a-db [" in text
    assert "b-db" not in text
    assert "beta on every service" in text
    assert "c-db" not in result.report("b").explain()


def test_records_lists_and_mixed_lists_are_tables_of_their_kinds() -> None:
    portfolio = sla.Portfolio(plans=PLANS, customers=COLUMNS)
    records = [*DOWN.records(), _correction("a-db")]
    probes = [sla.Probe("b-db", "2026-10-05T00:00:00Z", "rtt", "50")]
    result = portfolio.evaluate(records, probes, period="2026-10")
    # a: its outage corrected; b: 10% for its outage and 5% for its round trips
    assert result.ledger["credit"] == ["0.00", "15.00", "10.00"]
    with pytest.raises(DefinitionError, match="give one table of each kind"):
        portfolio.evaluate(records, sla.CorrectionTable.from_records([]), period="2026-10")
    kinds = "events, requests, probes, tickets, claims, charges, corrections"
    with pytest.raises(DefinitionError, match=f"a portfolio reads {kinds}; str is not an input"):
        portfolio.evaluate("events.csv", period="2026-10")


def test_a_correction_by_tag_is_refused_naming_it_and_the_fix() -> None:
    portfolio = sla.Portfolio(plans=PLANS, customers=COLUMNS)
    corrections = sla.CorrectionTable.from_columns(
        {
            "services": ["a-db", "tag:eu", "tag:db"],
            "start": ["2026-10-02T00:00:00Z"] * 3,
            "end": ["2026-10-02T01:00:00Z"] * 3,
            "category": ["customer-caused"] * 3,
        },
        where=["corrections.csv:2", "corrections.csv:3", "corrections.csv:4"],
    )
    with pytest.raises(EventDataError) as caught:
        portfolio.evaluate(DOWN, corrections, period="2026-10")
    problems = caught.value.problems
    assert [(p.where, p.field) for p in problems] == [
        ("corrections.csv:3", "services"),
        ("corrections.csv:4", "services"),
    ]
    assert "'tag:eu' selects the services whose catalogue entries carry the tag 'eu'" in str(
        caught.value
    )
    assert "a portfolio's customers have no catalogue: list the services instead" in str(
        caught.value
    )


def test_the_statement_id_follows_the_corrections_that_apply_to_the_customer() -> None:
    portfolio = sla.Portfolio(plans=PLANS, customers=COLUMNS)

    def ids(*corrections: sla.Correction) -> list[str]:
        table = sla.CorrectionTable.from_records(list(corrections))
        return portfolio.evaluate(DOWN, table, period="2026-10").ledger["statement"]

    base = ids(_correction("a-db"), _correction("b-db", "01:00"))
    assert ids(_correction("a-db"), _correction("b-db", "01:00")) == base
    assert ids(_correction("b-db", "01:00"), _correction("a-db")) == base  # order: no matter
    # a's correction changes: a's id only, even where a's figure does not
    for changed in (
        _correction("a-db", "00:30"),
        _correction("a-db", reason="the customer's DNS change"),
        _correction("a-db", category="third-party"),
        _correction(("a-db", "a-web")),  # one more of a's services
    ):
        got = ids(changed, _correction("b-db", "01:00"))
        assert got[0] != base[0], changed
        assert got[1:] == base[1:], changed
    # b's correction changes, or names a service of c's: a's id stays
    got = ids(_correction("a-db"), _correction(("b-db", "c-db"), "01:00"))
    assert got[0] == base[0]
    assert got[1] == base[1]  # b's part of it is the same correction
    assert got[2] != base[2]
    got = ids(_correction("a-db"), _correction("b-db", "02:00"))
    assert got[0] == base[0]
    assert got[2] == base[2]
    assert got[1] != base[1]
    # every customer's: every id changes; one of no customer's, or of another period: none
    assert all(x != y for x, y in zip(ids(_correction("*")), ids(), strict=True))
    assert ids(_correction("a-db"), _correction("b-db", "01:00"), _correction("x-db")) == base
    september = sla.Correction(
        "a-db", "2026-09-02T00:00:00Z", "2026-09-02T03:00:00Z", category="customer-caused"
    )
    assert ids(_correction("a-db"), _correction("b-db", "01:00"), september) == base


# --- probe samples -------------------------------------------------------------------------------


def test_probe_samples_reach_their_customers_and_change_only_their_statement_ids() -> None:
    columns = {
        "customer": ["a", "b", "b", "c"],
        "plan": ["net", "net", "net", "edge"],
        "service": ["lon-fra", "lon-fra", "par-ams", "edge-1"],  # lon-fra: a's and b's
    }
    portfolio = sla.Portfolio(plans=PLANS, customers=columns)

    def run(*samples: sla.Probe) -> Any:
        table = sla.ProbeTable.from_columns(
            {
                "service": [s.service for s in samples],
                "time": [s.time for s in samples],
                "metric": [s.metric for s in samples],
                "value": [str(s.value) for s in samples],
            }
        )
        return portfolio.evaluate(table, period="2026-10")

    samples = [
        sla.Probe("lon-fra", "2026-10-03T00:00:00Z", "rtt", "50"),
        sla.Probe("par-ams", "2026-10-03T00:00:00Z", "rtt", "40"),
        sla.Probe("edge-1", "2026-10-03T00:00:00Z", "jitter", "2.5"),
        sla.Probe("nyc-bos", "2026-10-03T00:00:00Z", "rtt", "90"),  # no customer's
    ]
    result = run(*samples)
    # lon-fra (a's and b's) 50 ms: 5%; edge-1 jitter 2.5 ms breaches: 15.00
    assert result.ledger["credit"] == ["5.00", "5.00", "15.00"]
    assert result.summary()["rows_for_no_customer"] == {"probes": 1}
    base = result.ledger["statement"]
    moved = run(
        sla.Probe("par-ams", "2026-10-03T00:00:00Z", "rtt", "41"), *samples[::2], samples[3]
    )
    assert moved.ledger["statement"][1] != base[1]
    assert [moved.ledger["statement"][k] for k in (0, 2)] == [base[0], base[2]]
    shared = run(sla.Probe("lon-fra", "2026-10-03T00:00:00Z", "rtt", "51"), *samples[1:])
    assert shared.ledger["statement"][:2] != base[:2]
    assert shared.ledger["statement"][2] == base[2]
    other = run(*samples[:3], sla.Probe("nyc-bos", "2026-10-03T00:00:00Z", "rtt", "95"))
    later = run(*samples, sla.Probe("edge-1", "2026-11-03T00:00:00Z", "jitter", "9"))
    assert other.ledger["statement"] == base
    assert later.ledger["statement"] == base
