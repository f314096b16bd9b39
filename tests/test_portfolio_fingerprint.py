"""Fingerprints of a portfolio's statements: each customer's terms, period and own input rows."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
from slakit._cli import main
from slakit._engine import _portfolio
from slakit._results._fingerprint import (
    digest_texts,
    fingerprint,
    input_digests,
    owner_digests,
)
from slakit.exceptions import EvaluationError
from tests.test_cli_run import PLANS_PY
from tests.test_portfolio import GOLD, HOUR, OCTOBER, PLANS, portfolios

POOL = ("api", "db", "zürich/db", "vm-1", "desk")
TIMES = st.integers(-2 * 24, 31 * 24).map(lambda h: OCTOBER.start + h * HOUR)
AGREEMENT = sla.Agreement(provider="P", customer="C", services=["api", "db"], tier=GOLD)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    """Draw rows of every kind of input for services of a small pool."""
    service = st.sampled_from(POOL)
    events: list[sla.Event] = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(TIMES)
        end = start + draw(st.integers(1, 30)) * HOUR
        kind = draw(st.sampled_from(["outage", "degraded", "maintenance"]))
        if kind == "maintenance":
            announced = start - draw(st.integers(1, 200)) * HOUR
            events.append(sla.Maintenance(draw(service), start, end, announced=announced))
        elif kind == "degraded":
            events.append(sla.Outage(draw(service), start, end, state="degraded", affected="50%"))
        else:
            events.append(sla.Outage(draw(service), start, end))
    requests = [
        sla.Request(draw(service), draw(TIMES), draw(st.sampled_from([200, 404, 503])))
        for _ in range(draw(st.integers(0, 5)))
    ]
    tickets = []
    for k in range(draw(st.integers(0, 4))):
        opened = draw(TIMES)
        transitions = [(opened + HOUR, draw(st.sampled_from(["waiting_on_customer", "open"])))]
        tickets.append(
            sla.Ticket(
                f"T-{k}",
                draw(service),
                draw(st.sampled_from(["P1", "P2"])),
                opened,
                transitions=transitions if draw(st.booleans()) else [],
                pauses=[(opened + HOUR, opened + 2 * HOUR)] if draw(st.booleans()) else [],
            )
        )
    claims = [
        sla.Claim(draw(service), "2026-10", draw(TIMES), ticket=draw(st.none() | st.just("T-0")))
        for _ in range(draw(st.integers(0, 3)))
    ]
    charges: list[sla.Charge | sla.UnitPrice] = [
        sla.Charge(draw(service), "2026-10", "usage", sla.usd(draw(st.sampled_from(["1", "2.5"]))))
        for _ in range(draw(st.integers(0, 3)))
    ]
    if draw(st.booleans()):
        charges.append(sla.UnitPrice(draw(service), "hour", sla.Money("0.096", "USD")))
    as_of = draw(st.none() | st.just("2026-11-05T00:00:00Z"))
    return {
        "events": events,
        "requests": requests,
        "tickets": tickets,
        "claims": claims,
        "charges": charges,
        "as_of": as_of,
    }


def _tables(rows: dict[str, Any], keep: object = None) -> list[object]:
    """Build a table of every kind from ``rows``, only of the services ``keep`` (all: None)."""

    def mine(values: Sequence[Any]) -> list[Any]:
        return [v for v in values if keep is None or v.service in keep]  # type: ignore[operator]

    return [
        sla.EventTable.from_records(mine(rows["events"])),
        sla.RequestTable.from_records(mine(rows["requests"])),
        sla.TicketTable.from_records(mine(rows["tickets"])),
        sla.ClaimTable.from_records(mine(rows["claims"]), as_of=rows["as_of"]),
        sla.ChargeTable.from_records(mine(rows["charges"])),
    ]


# --- fingerprint(..., services=) ---------------------------------------------------------------


@given(records(), st.sets(st.sampled_from(POOL)))
def test_a_fingerprint_of_some_services_is_that_of_the_tables_of_their_rows_alone(
    rows: dict[str, Any], services: set[str]
) -> None:
    """The filter comes first: vocabularies, counts and kinds are those of the rows kept."""
    tables = _tables(rows)
    alone = _tables(rows, services)
    assert fingerprint(AGREEMENT, "2026-10", tables, services=services) == fingerprint(
        AGREEMENT, "2026-10", alone
    )
    assert input_digests(tables, services=services) == input_digests(alone)
    assert fingerprint(AGREEMENT, "2026-10", tables, services=None) == fingerprint(
        AGREEMENT, "2026-10", tables
    )


def test_a_row_of_another_service_does_not_change_it_and_one_of_its_own_does() -> None:
    """Only the services' rows count: the other party may hold everyone's rows, or only theirs."""
    october = [sla.Outage("api", "2026-10-02T00:00:00Z", "2026-10-02T01:00:00Z")]
    other = [*october, sla.Outage("web", "2026-10-03T00:00:00Z", "2026-10-03T01:00:00Z")]
    own = [*october, sla.Outage("db", "2026-10-03T00:00:00Z", "2026-10-03T01:00:00Z")]

    def of(events: Sequence[sla.Event]) -> str:
        return fingerprint(
            AGREEMENT,
            "2026-10",
            [sla.EventTable.from_records(events)],
            services=AGREEMENT.services,
        )

    assert of(other) == of(october)
    assert of(own) != of(october)
    # every row of no service given: no kind is written, as for no table at all
    assert input_digests([sla.EventTable.from_records(october)], services=[]) == {}
    with pytest.raises(EvaluationError, match=r"services='api' must be names, such as \['api'\]"):
        input_digests([sla.EventTable.from_records(october)], services="api")


@given(records(), st.lists(st.sets(st.sampled_from(POOL)), min_size=1, max_size=4))
def test_owner_digests_give_each_owner_what_its_services_alone_give(
    rows: dict[str, Any], owners: list[set[str]]
) -> None:
    """One sort for every owner equals one fingerprint per owner; owners may share services."""
    tables = _tables(rows)
    parts = []
    for table in tables:
        names = _services_of(table)
        picked = [(i, o) for o, mine in enumerate(owners) for i, s in enumerate(names) if s in mine]
        rows_of = np.asarray([i for i, _ in picked], dtype=np.intp)
        parts.append((table, rows_of, np.asarray([o for _, o in picked], dtype=np.int64)))
    got = owner_digests(parts, len(owners))
    assert [digest_texts(d) for d in got] == [
        input_digests(tables, services=mine) for mine in owners
    ]


def _services_of(table: Any) -> list[str]:
    if hasattr(table, "services"):
        return [table.services[c] for c in table.service.tolist()]
    return [str(s) for s in table.service.tolist()]


# --- a portfolio's statements ------------------------------------------------------------------

#: A plan amended on the 15th: a customer on it is evaluated per version.
AMENDED = sla.Agreement(provider="Acme", customer="t", services=["s"], tier=GOLD).amend(
    "2026-10-15T00:00:00Z",
    title="price review",
    tier=GOLD.derive("gold-2", fee=sla.usd("200.00")),
)


@st.composite
def amended_portfolios(draw: st.DrawFn) -> tuple[dict[str, list[Any]], list[object]]:
    """Draw a portfolio (some customers on the amended plan), its outages and claims."""
    columns, events = draw(portfolios())
    moved = draw(st.sets(st.sampled_from(sorted(set(columns["customer"])))))
    columns["plan"] = [
        "amended" if c in moved else p
        for c, p in zip(columns["customer"], columns["plan"], strict=True)
    ]
    pool = [*sorted(set(columns["service"])), "svc-of-nobody"]
    claims = [
        sla.Claim(draw(st.sampled_from(pool)), "2026-10", draw(TIMES))
        for _ in range(draw(st.integers(0, 3)))
    ]
    as_of = draw(st.none() | st.just("2026-11-05T00:00:00Z"))
    return columns, [events, sla.ClaimTable.from_records(claims, as_of=as_of)]


@settings(deadline=None)  # a portfolio evaluates several agreements per example
@given(amended_portfolios())
def test_each_statement_fingerprints_its_terms_period_and_its_services_rows(drawn: Any) -> None:
    """Each customer's fingerprint is fingerprint(terms, period, every input, its services)."""
    columns, tables = drawn
    plans: dict[str, sla.Tier | sla.Agreement] = {**PLANS, "amended": AMENDED}
    portfolio = sla.Portfolio(plans=plans, customers=columns)
    result = portfolio.evaluate(*tables, period="2026-10")
    for customer in result.customers:
        report = result.report(customer)
        terms = report.agreement
        period = terms.period.period("2026-10")
        ends = columns["end"][columns["customer"].index(customer)]
        if isinstance(report, sla.Report) and ends is not None and ends < period.end:
            length = period.end - period.start  # measured over the window ending at its end
            period = sla.Period(ends - length, ends, period.label, period.tz)
        services = terms.services
        expected = fingerprint(terms, period, tables, services=services)
        assert report.fingerprint == expected, customer
        assert result.input_digests(customer) == input_digests(tables, services=services)
        # the customer's own copy of the rows gives it too, evaluated alone
        own = [
            sla.EventTable.from_records([e for e in tables[0].records() if e.service in services]),
            sla.ClaimTable.from_records(
                [c for c in tables[1].records if c.service in services], as_of=tables[1].as_of
            ),
        ]
        if isinstance(report, sla.Report):
            assert sla.evaluate(terms, *own, period=period).fingerprint == expected
        else:
            assert sla.evaluate_versions(terms, *own, period="2026-10").fingerprint == expected


def test_fingerprints_are_worked_out_only_when_a_statement_asks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Evaluating, the ledger and a report do not hash; the first fingerprint hashes its group."""
    calls: list[int] = []
    real = owner_digests

    def counted(parts: Any, owners: int) -> list[dict[str, bytes]]:
        calls.append(owners)
        return real(parts, owners)

    monkeypatch.setattr(_portfolio, "owner_digests", counted)
    columns = {"customer": ["a", "b", "c"], "plan": ["gold"] * 3, "service": ["x", "y", "z"]}
    events = sla.EventTable.from_records(
        [sla.Outage("y", "2026-10-02T00:00:00Z", "2026-10-02T03:00:00Z")]
    )
    result = sla.Portfolio(plans=PLANS, customers=columns).evaluate(events, period="2026-10")
    result.ledger  # noqa: B018
    report = result.report("b")
    assert calls == []
    assert report.fingerprint == fingerprint(report.agreement, "2026-10", [events], services=["y"])
    assert result.report("a").fingerprint is not None
    assert calls == [3]  # the group's three customers at once, once


# --- slakit run, then slakit verify ------------------------------------------------------------

CUSTOMERS = (
    "customer,plan,service,fee,end\n"
    "acme,gold,a1,200.00,\n"
    "acme,gold,a2,,\n"
    "globex,gold,g1,1000,\n"
    "initech,gold,i1,500,2026-10-20T00:00:00Z\n"  # ends within the period
)
HEADER = "kind,service,start,end\n"
ACME = "outage,a1,2026-10-02T00:00:00Z,2026-10-02T01:00:00Z\n"
GLOBEX = "outage,g1,2026-10-02T00:00:00Z,2026-10-02T08:20:00Z\n"
INITECH = "outage,i1,2026-10-05T00:00:00Z,2026-10-05T02:00:00Z\n"


def _verify(statement: Path, events: Path) -> tuple[int, str]:
    out = io.StringIO()
    status = main(["verify", str(statement), str(events)], out=out, err=io.StringIO())
    return status, out.getvalue()


def test_a_runs_statements_verify_from_its_inputs_or_the_customers_own_rows(
    tmp_path: Path,
) -> None:
    """`slakit verify statements/ID.json` checks each customer's statement of a credit run."""
    (tmp_path / "plans.py").write_text(PLANS_PY, encoding="utf-8")
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text(HEADER + ACME + GLOBEX + INITECH, encoding="utf-8")
    out = tmp_path / "out"
    argv = ["run", str(tmp_path / "plans.py"), "--customers", str(tmp_path / "customers.csv")]
    argv += ["--events", str(events), "--period", "2026-10", "--out", str(out), "--quiet"]
    assert main([*argv, "--statements", "json"], err=io.StringIO()) == 0
    statements = {}
    for path in (out / "statements").iterdir():
        data = json.loads(path.read_text(encoding="utf-8"))
        statements[data["customer"]] = path
        assert data["verify"]["scope"] == "services"
        assert data["verify"]["fingerprint"].startswith("sha256:")
    assert sorted(statements) == ["acme", "globex", "initech"]
    for customer, path in statements.items():  # the run's own inputs: everyone's rows
        status, text = _verify(path, events)
        assert (status, text.splitlines()[-1]) == (
            0,
            "verified: the statement matches these inputs",
        ), customer
    ended = json.loads(statements["initech"].read_text(encoding="utf-8"))["verify"]
    assert ended["window"] == {"start": "2026-09-19T00:00:00Z", "end": "2026-10-20T00:00:00Z"}
    # only the customer's own rows
    own = tmp_path / "acme.csv"
    own.write_text(HEADER + ACME, encoding="utf-8")
    assert _verify(statements["acme"], own)[0] == 0
    # one changed row of the customer's: not verified, and the input named
    changed = tmp_path / "changed.csv"
    changed.write_text(HEADER + ACME.replace("01:00:00Z", "01:00:01Z") + GLOBEX, encoding="utf-8")
    status, text = _verify(statements["acme"], changed)
    assert status == 1
    assert "fingerprint: DIFFERS" in text
    assert "  events: DIFFERS\n" in text
    assert text.endswith("not verified\n")
    # one changed row of another customer's: still verified
    theirs = tmp_path / "theirs.csv"
    theirs.write_text(HEADER + ACME + GLOBEX.replace("08:20", "09:20"), encoding="utf-8")
    assert _verify(statements["acme"], theirs)[0] == 0
    assert _verify(statements["globex"], theirs)[0] == 1


def test_a_single_agreements_statement_fingerprints_every_row(tmp_path: Path) -> None:
    """`slakit report` keeps hashing every row read: its scope is "all"."""
    agreement = tmp_path / "agreement.json"
    terms = attrs.evolve(AGREEMENT, services=("a1",))
    agreement.write_text(json.dumps(sla.to_data(terms)), encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text(HEADER + ACME + GLOBEX, encoding="utf-8")
    statement = tmp_path / "statement.json"
    argv = ["report", str(agreement), str(events), "--period", "2026-10", "-o", str(statement)]
    assert main(argv, out=io.StringIO(), err=io.StringIO()) == 0
    check = json.loads(statement.read_text(encoding="utf-8"))["verify"]
    assert check["scope"] == "all"
    assert "window" not in check
    assert _verify(statement, events)[0] == 0
    theirs = tmp_path / "theirs.csv"  # another service's row counts in this scope
    theirs.write_text(HEADER + ACME, encoding="utf-8")
    assert _verify(statement, theirs)[0] == 1


def test_a_run_given_claims_verifies_with_its_claims(tmp_path: Path) -> None:
    """Claims enter a run's fingerprints; `slakit verify --claims` reads them back."""
    (tmp_path / "plans.py").write_text(PLANS_PY, encoding="utf-8")
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text(HEADER + ACME + GLOBEX, encoding="utf-8")
    claims = tmp_path / "claims.csv"
    claims.write_text(
        "service,period,filed,state\na1,2026-10,2026-11-03T00:00:00Z,accepted\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    argv = ["run", str(tmp_path / "plans.py"), "--customers", str(tmp_path / "customers.csv")]
    argv += ["--events", str(events), "--claims", str(claims), "--period", "2026-10"]
    argv += ["--out", str(out), "--quiet", "--statements", "json"]
    assert main(argv, err=io.StringIO()) == 0
    acme = next(
        path
        for path in (out / "statements").iterdir()
        if json.loads(path.read_text(encoding="utf-8"))["customer"] == "acme"
    )
    verify = ["verify", str(acme), str(events)]
    assert set(json.loads(acme.read_text(encoding="utf-8"))["verify"]["inputs"]) == {
        "claims",
        "events",
    }
    result = io.StringIO()
    assert main([*verify, "--claims", str(claims)], out=result, err=io.StringIO()) == 0, (
        result.getvalue()
    )
    result = io.StringIO()
    assert main(verify, out=result, err=io.StringIO()) == 1  # without the claims: differs
    assert "  claims: in the statement's inputs, not given here\n" in result.getvalue()


def test_a_run_from_separate_outage_and_maintenance_files_verifies_with_those_files(
    tmp_path: Path,
) -> None:
    """`slakit verify --outages --maintenance` reads the run's files as they are, no joining."""
    plans = PLANS_PY.replace(
        "uptime = sla.uptime()",
        "uptime = sla.uptime(excluding=[sla.scheduled_maintenance(notice=sla.days(5))])",
    )
    (tmp_path / "plans.py").write_text(plans, encoding="utf-8")
    (tmp_path / "customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    outages = tmp_path / "outages.csv"
    # 8 h down in 744 h: 98.92%, 30% of 200.00; less the announced hour, 7 h in 743 h: 10%
    outages.write_text("service,start,end\na1,2026-10-02T00:00:00Z,2026-10-02T08:00:00Z\n")
    maintenance = tmp_path / "maintenance.csv"
    maintenance.write_text(  # the first hour of the outage was announced maintenance
        "service,start,end,announced\n"
        "a1,2026-10-02T00:00:00Z,2026-10-02T01:00:00Z,2026-09-20T00:00:00Z\n"
    )
    out = tmp_path / "out"
    argv = ["run", str(tmp_path / "plans.py"), "--customers", str(tmp_path / "customers.csv")]
    argv += ["--outages", str(outages), "--maintenance", str(maintenance), "--period", "2026-10"]
    assert main([*argv, "--out", str(out), "--quiet", "--statements", "json"]) == 0
    acme = next(
        path
        for path in (out / "statements").iterdir()
        if json.loads(path.read_text(encoding="utf-8"))["customer"] == "acme"
    )
    given = ["--outages", str(outages), "--maintenance", str(maintenance)]
    result = io.StringIO()
    status = main(["verify", str(acme), *given], out=result, err=io.StringIO())
    assert (status, result.getvalue().splitlines()[-1]) == (
        0,
        "verified: the statement matches these inputs",
    ), result.getvalue()
    # the same rows as one events file fingerprint alike
    joined = tmp_path / "events.csv"
    joined.write_text(
        "kind,service,start,end,announced\n"
        "outage,a1,2026-10-02T00:00:00Z,2026-10-02T08:00:00Z,\n"
        "maintenance,a1,2026-10-02T00:00:00Z,2026-10-02T01:00:00Z,2026-09-20T00:00:00Z\n"
    )
    assert _verify(acme, joined)[0] == 0
    # without the maintenance file the fingerprint and the credit differ
    result = io.StringIO()
    status = main(["verify", str(acme), "--outages", str(outages)], out=result, err=io.StringIO())
    assert status == 1
    assert "  events: DIFFERS\n" in result.getvalue()
    assert "total: DIFFERS: the statement says 20.00 USD, these inputs give 60.00 USD" in (
        result.getvalue()
    )
