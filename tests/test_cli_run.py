"""``slakit run``: the credit run from files to a ledger, statements and a summary."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import slakit as sla
from slakit._cli import main
from slakit._cli_run import Progress

PLANS_PY = """
import slakit as sla

uptime = sla.uptime()
provider = "Acme Cloud"
plans = {
    "gold": sla.Tier(
        "gold",
        fee=sla.usd("100.00"),
        objectives=[uptime >= "99.9%"],
        compensation=sla.credit_schedule(uptime, {"< 99.9%": "10%", "< 99%": "30%"}),
    ),
}
"""
CUSTOMERS = "customer,plan,service,fee\nacme,gold,a1,200.00\nacme,gold,a2,\nglobex,gold,g1,1000\n"
EVENTS = (
    "kind,service,start,end\n"
    "outage,a1,2026-10-02T00:00:00Z,2026-10-02T01:00:00Z\n"
    "outage,g1,2026-10-02T00:00:00Z,2026-10-02T08:20:00Z\n"
)


def _files(folder: Path, *, events: str = EVENTS, customers: str = CUSTOMERS) -> list[str]:
    (folder / "plans.py").write_text(PLANS_PY, encoding="utf-8")
    (folder / "customers.csv").write_text(customers, encoding="utf-8")
    (folder / "events.csv").write_text(events, encoding="utf-8")
    return [
        "run",
        str(folder / "plans.py"),
        "--customers",
        str(folder / "customers.csv"),
        "--events",
        str(folder / "events.csv"),
        "--period",
        "2026-10",
        "--out",
        str(folder / "out"),
    ]


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(argv, out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_a_run_writes_the_ledger_tables_statements_and_summary(tmp_path: Path) -> None:
    status, out, err = _run(_files(tmp_path))
    assert (status, err) == (0, "")
    folder = tmp_path / "out"
    ledger = (folder / "ledger.csv").read_text(encoding="utf-8").splitlines()
    assert (
        ledger[0] == "customer,plan,period,currency,credit,exact,services,breaches,claim,statement"
    )
    assert [row.split(",")[:5] for row in ledger[1:]] == [
        ["acme", "gold", "2026-10", "USD", "20.00"],  # 1 h down: 10% of a1's 200.00
        ["globex", "gold", "2026-10", "USD", "300.00"],  # 8 h 20 min: 30% of 1,000
    ]
    for name in ("ledger", "objectives", "credits"):
        assert (folder / f"{name}.csv").exists()
        assert (folder / f"{name}.parquet").exists()
    ids = [row.split(",")[-1] for row in ledger[1:]]
    statement = json.loads((folder / "statements" / f"{ids[0]}.json").read_text("utf-8"))
    assert (statement["customer"], statement["statement"]) == ("acme", ids[0])
    assert "20.00" in (folder / "statements" / f"{ids[0]}.txt").read_text("utf-8")
    summary = json.loads((folder / "summary.json").read_text("utf-8"))
    assert summary["customers"] == 2
    assert summary["credits"] == [{"plan": "gold", "currency": "USD", "total": "320.00"}]
    assert summary["rows_read"] == {str(tmp_path / "events.csv"): 2}
    assert out.splitlines()[0] == "period 2026-10: 2 customers, 3 services, 2 credited"
    assert len(out.splitlines()) < 12  # one screen, never the evidence


def test_quiet_prints_nothing_and_statements_none_writes_none(tmp_path: Path) -> None:
    status, out, err = _run([*_files(tmp_path), "--quiet", "--statements", "none"])
    assert (status, out, err) == (0, "", "")
    assert not (tmp_path / "out" / "statements").exists()


def test_rows_for_no_customer_warn_and_fail_under_strict(tmp_path: Path) -> None:
    events = EVENTS + "outage,zz,2026-10-02T00:00:00Z,2026-10-02T01:00:00Z\n"
    status, out, err = _run(_files(tmp_path, events=events))
    assert status == 0
    assert "1 row of events for services that no customer has" in out
    assert err.startswith(
        "slakit: warning: 1 input row not counted: 1 for services no customer has, 0 for "
        "customers not evaluated in the period, 0 rejected or read by no measure; see "
    )
    status, _, err = _run([*_files(tmp_path, events=events), "--strict"])
    assert status == 1
    assert "--strict: 1 input row not counted" in err


def test_bad_customers_rows_are_named_by_file_and_line_with_status_2(tmp_path: Path) -> None:
    customers = "customer,plan,service,fee\nacme,gold,a1,12,50\n"
    status, _, err = _run(_files(tmp_path, customers=customers))
    assert status == 2
    assert err.startswith("slakit: error: ")
    customers = "customer,plan,service,fee\nacme,platinum,a1,12.50\n,gold,a2,1\n"
    status, _, err = _run(_files(tmp_path, customers=customers))
    assert status == 2
    assert f"{tmp_path / 'customers.csv'}:3: customer: must be a non-empty customer name" in err
    assert "not a plan" not in err  # rows are checked before plans: the first problems first


def test_plans_as_data_and_a_plans_file_without_plans(tmp_path: Path) -> None:
    argv = _files(tmp_path)
    tier = sla.Tier(
        "gold",
        fee=sla.usd("100.00"),
        objectives=[sla.uptime() >= "99.9%"],
        compensation=sla.credit_schedule(sla.uptime(), {"< 99.9%": "10%", "< 99%": "30%"}),
    )
    data = {"provider": "Acme Cloud", "plans": {"gold": sla.to_data(tier)}}
    (tmp_path / "plans.json").write_text(json.dumps(data), encoding="utf-8")
    argv[1] = str(tmp_path / "plans.json")
    status, out, _ = _run(argv)
    assert status == 0
    assert "gold                 USD 320.00" in out
    (tmp_path / "plans.py").write_text("x = 1\n", encoding="utf-8")
    argv[1] = str(tmp_path / "plans.py")
    status, _, err = _run(argv)
    assert status == 2
    assert "define a module-level `plans" in err


def test_a_file_of_another_format_is_one_clear_error(tmp_path: Path) -> None:
    argv = _files(tmp_path)
    (tmp_path / "events.csv").write_bytes(b"PAR1\x00\x01\x02junk")
    status, _, err = _run(argv)
    assert status == 2
    assert "Traceback" not in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_only_and_never_with_quiet() -> None:
    pytest.importorskip("rich")
    terminal = _Terminal()
    progress = Progress(terminal, quiet=False)
    with progress.step("statements", total=3) as advance:
        for _ in range(3):
            advance()
    assert "statements" in terminal.getvalue()
    for stream, quiet in ((io.StringIO(), False), (_Terminal(), True)):
        silent = Progress(stream, quiet=quiet)
        with silent.step("reading") as advance:
            advance()
        assert stream.getvalue() == ""


def test_the_how_to_command_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The `slakit run` command of docs/how-to/credit-run.md, on its sample files."""
    root = Path(__file__).resolve().parent.parent
    page = (root / "docs" / "how-to" / "credit-run.md").read_text(encoding="utf-8")
    command = page.split("```bash\n", 1)[1].split("```", 1)[0].replace("\\\n", " ").split()
    assert command[:2] == ["slakit", "run"]
    monkeypatch.chdir(root)
    argv = [*command[1:-1], str(tmp_path / "credit-run")]  # --out into the test's folder
    status, out, err = _run(argv)
    assert status == 0, err
    assert out.splitlines()[:4] == [
        "period 2026-10: 4 customers, 5 services, 3 credited",
        "  bronze               USD 12.00",
        "  gold                 USD 240.00",
        "  silver               USD 50.00",
    ]
    ledger = (tmp_path / "credit-run" / "ledger.csv").read_text(encoding="utf-8")
    assert [row.split(",")[4] for row in ledger.splitlines()[1:]] == [
        "240.00",
        "12.00",
        "50.00",
        "0.00",
    ]


@pytest.mark.parametrize("tables", ["csv", "parquet"])
def test_tables_writes_one_format_when_asked(tmp_path: Path, tables: str) -> None:
    status, _, _ = _run([*_files(tmp_path), "--quiet", "--statements", "none", "--tables", tables])
    assert status == 0
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(
        [f"{name}.{tables}" for name in ("ledger", "objectives", "credits")] + ["summary.json"]
    )


CLAIMED_PLANS = """
import slakit as sla

uptime = sla.uptime()
plans = {
    "gold": sla.Tier(
        "gold",
        fee=sla.usd("100.00"),
        objectives=[uptime >= "99.9%"],
        compensation=sla.claim_required(
            sla.credit_schedule(uptime, {"< 99.9%": "10%", "< 99%": "30%"}),
            sla.within_days(sla.days(30)),
        ),
    ),
}
"""


def test_claims_and_charges_files_reach_the_ledger(tmp_path: Path) -> None:
    argv = _files(tmp_path)
    (tmp_path / "plans.py").write_text(CLAIMED_PLANS, encoding="utf-8")
    (tmp_path / "claims.csv").write_text(
        "service,period,filed\na1,2026-10,2026-11-03T09:00:00Z\n", encoding="utf-8"
    )
    status, _, err = _run([*argv, "--claims", str(tmp_path / "claims.csv"), "--quiet"])
    assert (status, err) == (0, "")
    ledger = (tmp_path / "out" / "ledger.csv").read_text(encoding="utf-8").splitlines()
    rows = [row.split(",") for row in ledger[1:]]
    assert [(r[0], r[4], r[8]) for r in rows] == [
        ("acme", "20.00", "claimed"),
        ("globex", "0.00", "not claimed"),  # owed 300.00, never claimed
    ]


def test_unknown_extensions_and_empty_customers_are_clear_errors(tmp_path: Path) -> None:
    argv = _files(tmp_path)
    (tmp_path / "events.txt").write_text(EVENTS, encoding="utf-8")
    status, _, err = _run([*argv[:4], "--events", str(tmp_path / "events.txt"), *argv[6:]])
    assert status == 2
    assert "Traceback" not in err
    assert "events.txt" in err
    status, _, err = _run(_files(tmp_path, customers="customer,plan,service\n"))
    assert status == 2
    assert "the customers table has no rows" in err


def test_a_second_run_leaves_no_file_of_the_first(tmp_path: Path) -> None:
    argv = _files(tmp_path)
    assert _run([*argv, "--quiet"])[0] == 0
    first = sorted(p.name for p in (tmp_path / "out" / "statements").iterdir())
    assert any(name.endswith(".json") for name in first)
    assert _run([*argv, "--quiet", "--tables", "csv", "--statements", "text"])[0] == 0
    out = tmp_path / "out"
    assert not list(out.glob("*.parquet"))
    assert all(p.suffix == ".txt" for p in (out / "statements").iterdir())
