"""``slakit run``: the credit run from files to a ledger, statements and a summary."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import slakit as sla
from slakit._cli import main
from slakit._cli_run import Progress

ROOT = Path(__file__).resolve().parent.parent
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


#: The `slakit run` commands of docs/how-to/credit-run.md: plans in Python, plans as JSON.
HOW_TO_COMMANDS = [
    block.split("```", 1)[0].replace("\\\n", " ").split()
    for block in (ROOT / "docs" / "how-to" / "credit-run.md")
    .read_text(encoding="utf-8")
    .split("```bash\n")[1:]
]


def test_the_how_to_page_shows_both_kinds_of_plans() -> None:
    """The page runs `slakit run` on plans.py, and on plans.json."""
    assert [c[2].rsplit(".", 1)[1] for c in HOW_TO_COMMANDS] == ["py", "json"]


@pytest.mark.parametrize("command", HOW_TO_COMMANDS, ids=["plans.py", "plans.json"])
def test_the_how_to_command_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """The `slakit run` commands of docs/how-to/credit-run.md, on its sample files."""
    assert command[:2] == ["slakit", "run"]
    monkeypatch.chdir(ROOT)
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


# --- reading each file: --columns and --format ------------------------------------------------

#: EVENTS with the names of an export of its own: started_at and resolved_at.
RENAMED = EVENTS.replace("kind,service,start,end", "kind,service,started_at,resolved_at")


def test_columns_read_a_file_with_other_names_into_the_same_ledger(tmp_path: Path) -> None:
    """--columns events:start=started_at,... gives the ledger of the file with slakit's names."""
    (tmp_path / "slakit").mkdir()
    (tmp_path / "export").mkdir()
    assert _run([*_files(tmp_path / "slakit"), "--quiet"])[0] == 0
    argv = _files(tmp_path / "export", events=RENAMED)
    status, out, err = _run([*argv, "--columns", "events:start=started_at,end=resolved_at"])
    assert (status, err) == (0, "")
    assert out.startswith("period 2026-10: 2 customers, 3 services, 2 credited")
    for name in ("ledger.csv", "credits.csv", "objectives.csv"):
        expected = (tmp_path / "slakit" / "out" / name).read_text(encoding="utf-8")
        assert (tmp_path / "export" / "out" / name).read_text(encoding="utf-8") == expected


def test_columns_repeat_and_map_the_customers_too(tmp_path: Path) -> None:
    """Each input gets its own renames, over one --columns or several."""
    argv = _files(tmp_path, events=RENAMED, customers=CUSTOMERS.replace("customer,", "account,"))
    status, _, err = _run(
        [
            *argv,
            "--quiet",
            "--columns",
            "events:start=started_at",
            "--columns",
            "customers:customer=account",
            "--columns",
            "events:end=resolved_at",
        ]
    )
    assert (status, err) == (0, "")
    ledger = (tmp_path / "out" / "ledger.csv").read_text(encoding="utf-8").splitlines()
    assert [row.split(",")[4] for row in ledger[1:]] == ["20.00", "300.00"]


def test_format_of_one_input_and_of_every_file(tmp_path: Path) -> None:
    """--format KIND=FORMAT reads one input so; a bare --format reads every file so."""
    argv = _files(tmp_path)
    line = (
        '{"kind": "outage", "service": "a1", "start": "2026-10-02T00:00:00Z", '
        '"end": "2026-10-02T01:00:00Z"}\n'
    )
    (tmp_path / "events.txt").write_text(line, encoding="utf-8")
    argv[argv.index("--events") + 1] = str(tmp_path / "events.txt")
    status, _, err = _run([*argv, "--quiet", "--format", "events=jsonl"])
    assert (status, err) == (0, "")
    ledger = (tmp_path / "out" / "ledger.csv").read_text(encoding="utf-8").splitlines()
    assert [row.split(",")[4] for row in ledger[1:]] == ["20.00", "0.00"]
    status, _, err = _run([*argv, "--quiet", "--format", "jsonl"])  # customers.csv too: refused
    assert status == 2
    assert "customers.csv: is not a JSON Lines file" in err
    assert "--format csv" in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        # not of the form KIND:NAME=COLUMN
        (["--columns", "start=started_at"], "--columns 'start=started_at': expected KIND:NAME="),
        (["--columns", "events:start"], "'start' is not NAME=COLUMN (NAME as slakit reads it"),
        (["--columns", "events:start="], "'start=' is not NAME=COLUMN"),
        # a kind that is not an input, or whose file is not given
        (["--columns", "event:start=x"], "'event' is not an input of this command (did you mean"),
        (["--columns", "claims:filed=x"], "no file of claims is given; give it with --claims"),
        # a name the kind does not read, a name given twice
        (["--columns", "events:strat=x"], "'strat' is not a column of events (did you mean"),
        (
            ["--columns", "events:start=a", "--columns", "events:start=b"],
            "events:start is already read from the column 'a'; map each name once",
        ),
        # formats: unknown, twice, of an input not given
        (["--format", "xml"], "--format 'xml': 'xml' is not a format; give one of csv, jsonl"),
        (["--format", "events=xls"], "'xls' is not a format"),
        (["--format", "csv", "--format", "jsonl"], "the format of every file is already 'csv'"),
        (["--format", "tickets=csv"], "no file of tickets is given; give it with --tickets"),
        (["--format", "events=csv", "--format", "events=csv"], "the format of events is already"),
    ],
)
def test_bad_columns_and_formats_are_one_message_with_status_2(
    tmp_path: Path, options: list[str], message: str
) -> None:
    """A bad --columns or --format names the option, the value and the fix; no traceback."""
    status, out, err = _run([*_files(tmp_path, events=RENAMED), *options])
    assert status == 2
    assert out == ""
    assert err.startswith("slakit: error: --")
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing is read or written


def test_options_problems_come_all_at_once(tmp_path: Path) -> None:
    """Every bad --columns and --format value is listed, each on a line of its own."""
    options = ["--columns", "event:start=x", "--format", "xml", "--columns", "events:a"]
    status, _, err = _run([*_files(tmp_path), *options])
    assert status == 2
    assert err.startswith("slakit: error: 3 problems with the options:\n  --format 'xml'")
    assert "\n  --columns 'event:start=x'" in err
    assert "\n  --columns 'events:a'" in err


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        # the file keeps its own names: the reader's problems, then --columns
        (None, "rename the file's columns with --columns events:NAME=COLUMN[,NAME=COLUMN...]"),
        # a mapping names a column the file does not have
        (
            "events:start=begun_at,end=resolved_at",
            (
                "fix --columns events:start=begun_at,end=resolved_at: each NAME must be a "
                "column slakit reads, each COLUMN a column of"
            ),
        ),
    ],
)
def test_columns_the_file_lacks_name_the_file_and_the_option(
    tmp_path: Path, columns: str | None, message: str
) -> None:
    """The reader's column problems name the file; the last line says how --columns fixes them."""
    options = [] if columns is None else ["--columns", columns]
    status, _, err = _run([*_files(tmp_path, events=RENAMED), *options])
    assert status == 2
    assert f"{tmp_path / 'events.csv'}: columns: " in err
    assert message in err.splitlines()[-1]
    assert "Traceback" not in err


def test_evaluate_and_compare_take_the_same_options(tmp_path: Path) -> None:
    """`slakit evaluate` and `slakit compare` read their inputs with --columns and --format."""
    assert _run(["demo", "--write", str(tmp_path)])[0] == 0
    events = (tmp_path / "events.jsonl").read_text(encoding="utf-8")
    (tmp_path / "export.txt").write_text(events.replace('"start"', '"began"'), encoding="utf-8")
    agreement, export = str(tmp_path / "agreement.py"), str(tmp_path / "export.txt")
    options = ["--columns", "events:start=began", "--format", "events=jsonl"]
    plain = _run(["evaluate", agreement, str(tmp_path / "events.jsonl"), "--period", "2026-10"])
    mapped = _run(["evaluate", agreement, export, "--period", "2026-10", *options])
    assert (mapped[0], mapped[1]) == (plain[0], plain[1])
    status, out, _ = _run(
        ["compare", agreement, "--events", export, "--from", "2026-10", "--to", "2026-10", *options]
    )
    assert status == 0
    assert "| 2026-10 |" in out
    status, _, err = _run(["evaluate", agreement, export, "--period", "2026-10", "--format", "xml"])
    assert status == 2
    assert "--format 'xml': 'xml' is not a format" in err
    status, _, err = _run(["evaluate", agreement, export, "--period", "2026-10"])  # .txt
    assert status == 2
    assert "cannot tell the format of" in err
    assert "Traceback" not in err
    status, _, err = _run(
        ["evaluate", agreement, export, "--period", "2026-10", "--columns", "customers:a=b"]
    )
    assert status == 2
    assert "'customers' is not an input of this command" in err
    assert "give one of events, outages, maintenance, deployments, requests, tickets" in err


# --- statements --------------------------------------------------------------------------------


def test_a_statement_shows_the_customers_own_fees_not_the_plans(tmp_path: Path) -> None:
    """A customer with services at 100.00 and 250.00 sees those and 350.00, not the plan's."""
    customers = "customer,plan,service,fee\nacme,gold,a1,100.00\nacme,gold,a2,250.00\n"
    argv = _files(tmp_path, customers=customers, events=EVENTS.replace("g1", "a2"))
    argv[argv.index("--customers") + 1] = str(tmp_path / "customers.csv")
    plans = PLANS_PY.replace('usd("100.00")', 'usd("900.00")')
    (tmp_path / "plans.py").write_text(plans, encoding="utf-8")
    status, _, err = _run([*argv, "--quiet", "--statements", "text"])
    assert (status, err) == (0, "")
    [statement] = (tmp_path / "out" / "statements").iterdir()
    lines = statement.read_text(encoding="utf-8").splitlines()
    header = "\n".join(lines[: lines.index("Summary")])
    assert "\nTier:         gold\n" in header
    assert "\nFees:         350.00 USD per period: a1 100.00 USD, a2 250.00 USD\n" in header
    assert "900.00" not in header


# --- claims ------------------------------------------------------------------------------------

_SCHEDULE = 'sla.credit_schedule(uptime, {"< 99.9%": "10%", "< 99%": "30%"})'
_CLAIMED = f"sla.claim_required({_SCHEDULE}, sla.within_days(sla.days(30)))"


@pytest.mark.parametrize(
    ("compensation", "claims", "expected"),
    [
        # at the top of the compensation, as before
        (_CLAIMED, ["a1"], [("20.00", "claimed"), ("0.00", "not claimed")]),
        # inside a cap: the cap binds globex's claimed 300.00 at 25% of 1,000.00
        (
            f'sla.cap({_CLAIMED}, at_most="25%")',
            ["a1", "g1"],
            [("20.00", "claimed"), ("250.00", "claimed")],
        ),
        # beside a rule without a claim clause, in a total
        (
            f'{_CLAIMED} + sla.per_breach(uptime >= "99.9%", sla.usd("5.00"))',
            ["a1"],
            [("25.00", "claimed"), ("5.00", "not claimed")],
        ),
        # two claim clauses of one service, one claimed in time, one late: partly claimed
        (
            (
                f"{_CLAIMED} + sla.claim_required(sla.per_breach(uptime >= '99.9%', "
                "sla.usd('5.00')), sla.within_days(sla.days(1)))"
            ),
            ["a1"],
            [("20.00", "partly claimed"), ("0.00", "not claimed")],
        ),
    ],
    ids=["top", "in a cap", "in a total", "two clauses"],
)
def test_the_claim_column_finds_a_claim_clause_anywhere(
    tmp_path: Path, compensation: str, claims: list[str], expected: list[tuple[str, str]]
) -> None:
    """A claim clause inside a combinator gives the ledger its claim state, not n/a."""
    argv = _files(tmp_path)
    source = (
        "import slakit as sla\n\nuptime = sla.uptime()\nplans = {\n"
        '    "gold": sla.Tier(\n        "gold",\n        fee=sla.usd("100.00"),\n'
        '        objectives=[uptime >= "99.9%"],\n'
        f"        compensation={compensation},\n    ),\n}}\n"
    )
    (tmp_path / "plans.py").write_text(source, encoding="utf-8")
    rows = "".join(f"{service},2026-10,2026-11-03T09:00:00Z\n" for service in claims)
    (tmp_path / "claims.csv").write_text("service,period,filed\n" + rows, encoding="utf-8")
    status, _, err = _run([*argv, "--claims", str(tmp_path / "claims.csv"), "--quiet"])
    assert (status, err) == (0, "")
    ledger = (tmp_path / "out" / "ledger.csv").read_text(encoding="utf-8").splitlines()
    assert [(r.split(",")[4], r.split(",")[8]) for r in ledger[1:]] == expected


CORRECTED_PLANS = PLANS_PY.replace(
    "uptime = sla.uptime()",
    'uptime = sla.uptime(excluding=[sla.corrections("customer-caused")])',
)


def test_a_corrections_file_reaches_the_ledger(tmp_path: Path) -> None:
    """Globex's 8 h 20 min outage is the customer's own from 00:00 to 08:00: 20 minutes count."""
    argv = _files(tmp_path)
    assert CORRECTED_PLANS != PLANS_PY
    (tmp_path / "plans.py").write_text(CORRECTED_PLANS, encoding="utf-8")
    (tmp_path / "corrections.csv").write_text(
        "services,start,end,category,reason\n"
        "g1,2026-10-02T00:00:00Z,2026-10-02T08:00:00Z,customer-caused,their firewall change\n",
        encoding="utf-8",
    )
    status, _, err = _run([*argv, "--corrections", str(tmp_path / "corrections.csv"), "--quiet"])
    assert (status, err) == (0, "")
    ledger = (tmp_path / "out" / "ledger.csv").read_text(encoding="utf-8").splitlines()
    rows = {row.split(",")[0]: row.split(",")[4] for row in ledger[1:]}
    assert rows == {"acme": "20.00", "globex": "0.00"}  # 20 minutes: 99.955%, above 99.9%
