"""``--corrections`` and ``--probes``: corrections and probe samples from files, end to end.

One agreement over a database (uptime, a ``corrections()`` clause that removes the
customer's time) and a network route (the mean round-trip time of its probe
samples), evaluated from CSV and from JSON Lines files by every command that reads
input files by kind, and checked against the same records given in Python.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

import slakit as sla
from slakit._cli import main

AGREEMENT_PY = """
import slakit as sla

uptime = sla.uptime(excluding=[sla.corrections("customer-caused")])
rtt = sla.probe_mean("rtt")
agreement = sla.Agreement(
    provider="Acme Cloud",
    customer="Globex",
    services=["db", "lon-fra"],
    tier=sla.Tier(
        "gold",
        fee=sla.usd("1000.00"),
        objectives=[uptime >= "99.9%", rtt <= "45ms"],
        compensation=sla.credit_schedule(uptime, {"< 99.9%": "10%", "< 99.7%": "25%"})
        + sla.credit_schedule(rtt, {"> 45ms": "5%", "> 60ms": "15%"}),
    ),
)
"""
OUTAGES = [{"service": "db", "start": "2026-10-03T00:00:00Z", "end": "2026-10-03T03:00:00Z"}]
CORRECTIONS = [
    {
        "services": "db",
        "start": "2026-10-03T00:00:00Z",
        "end": "2026-10-03T02:00:00Z",
        "category": "customer-caused",
        "reason": "the customer's firewall change CHG-1182",
        "by": "noc@acme.example",
        "recorded": "2026-10-04T09:00:00Z",
    },
    {
        "services": "db;lon-fra",
        "start": "2026-10-20T00:00:00Z",
        "end": "2026-10-20T01:00:00Z",
        "category": "maintenance window",
        "reason": "",
        "by": "",
        "recorded": "",
    },
]
PROBES = [
    {"service": "lon-fra", "time": f"2026-10-0{day}T12:00:00Z", "metric": "rtt", "value": value}
    for day, value in ((1, "41.5"), (2, "44"), (3, "52.5"), (4, "44"))
] + [{"service": "lon-fra", "time": "2026-10-01T12:00:00Z", "metric": "loss", "value": "0.2"}]

# Down 3 h, of which 2 h the customer's (removed): 1 h down in 31 days less 2 h, 741/742,
# in [99.7%, 99.9%): 10% of 1,000.00. Without the correction: 741/744, below 99.7%: 25%.
# The mean rtt, 182/4 = 45.5 ms, is over 45 ms: 5% of 1,000.00.
UPTIME = "741/742"
TOTAL = "150.00"
WITHOUT_CORRECTIONS = "300.00"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write ``rows`` as CSV or JSON Lines (a blank cell a key left out), by the extension."""
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    else:
        lines = [json.dumps({k: v for k, v in row.items() if v != ""}) for row in rows]
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _files(folder: Path, ext: str) -> dict[str, Path]:
    (folder / "agreement.py").write_text(AGREEMENT_PY, encoding="utf-8")
    return {
        "agreement": folder / "agreement.py",
        "outages": _write(folder / f"outages.{ext}", OUTAGES),
        "corrections": _write(folder / f"corrections.{ext}", CORRECTIONS),
        "probes": _write(folder / f"probes.{ext}", PROBES),
    }


def _inputs(files: dict[str, Path], *kinds: str) -> list[str]:
    """The options of the input files of ``kinds`` (default: all three)."""
    chosen = kinds or ("outages", "corrections", "probes")
    return [arg for kind in chosen for arg in (f"--{kind}", str(files[kind]))]


def _records() -> list[Any]:
    """The rows of the files as records, given in Python."""
    return [
        *(sla.Outage(r["service"], r["start"], r["end"]) for r in OUTAGES),
        *(
            sla.Correction(
                tuple(r["services"].split(";")) if ";" in r["services"] else r["services"],
                r["start"],
                r["end"],
                category=r["category"],
                reason=r["reason"],
                by=r["by"],
                recorded=r["recorded"] or None,
            )
            for r in CORRECTIONS
        ),
        *(sla.Probe(r["service"], r["time"], r["metric"], r["value"]) for r in PROBES),
    ]


def _python_report() -> sla.Report:
    namespace: dict[str, Any] = {}
    exec(AGREEMENT_PY, namespace)  # the agreement the files' commands load
    return sla.evaluate(namespace["agreement"], _records(), period="2026-10")


@pytest.fixture(params=["csv", "jsonl"])
def files(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Path]:
    return _files(tmp_path, request.param)


def test_evaluate_reads_corrections_and_probes(files: dict[str, Path]) -> None:
    """The correction removes the customer's two hours; the probe samples give the mean rtt."""
    agreement = str(files["agreement"])
    status, out, err = _run("evaluate", agreement, *_inputs(files), "--period", "2026-10", "--json")
    assert (status, err) == (0, "")
    data = json.loads(out)
    values = {
        (o["service"], o["objective"]): (o["value"], o["verdict"]) for o in data["objectives"]
    }
    assert values == {
        ("db", "uptime >= 99.9%"): (UPTIME, "breached"),
        ("lon-fra", "uptime >= 99.9%"): ("1", "met"),
        ("db", "mean rtt <= 45ms"): (None, "no data"),
        ("lon-fra", "mean rtt <= 45ms"): ("91/2", "breached"),
    }
    assert data["compensation"]["total"] == {"amount": TOTAL, "currency": "USD"}
    assert data["compensation"]["by_service"] == {
        "db": {"amount": "100.00", "currency": "USD"},
        "lon-fra": {"amount": "50.00", "currency": "USD"},
    }
    assert data["reconciliation"]["read"] == {"events": 1, "probes": 5, "corrections": 2}
    reasons = data["reconciliation"]["reasons"]
    assert reasons["uptime(excluding=[corrections('customer-caused')])"] == {
        "counted": 1,
        "correction excluded: applied": 1,
        "correction ignored: not applied: its category is not one this measure excludes": 1,
    }
    assert reasons["probe_mean('rtt')"] == {"counted": 4, "ignored: another metric": 1}
    # without the corrections file the customer's two hours are down time: 25%
    status, out, _ = _run(
        "evaluate", agreement, *_inputs(files, "outages", "probes"), "--period", "2026-10", "--json"
    )
    assert status == 0
    assert json.loads(out)["compensation"]["total"]["amount"] == WITHOUT_CORRECTIONS


def test_the_statement_lists_the_corrections_with_their_file_and_line(
    files: dict[str, Path],
) -> None:
    """Each correction, applied or not, is in the statement with where it was read and why."""
    name = files["corrections"].name
    first, second = (
        (f"{name}:1", f"{name}:2")
        if name.endswith(".jsonl")
        else (
            f"{name}:2",
            f"{name}:3",
        )
    )
    for fmt in ("text", "md", "html"):
        status, out, err = _run(
            "report",
            str(files["agreement"]),
            *_inputs(files),
            "--period",
            "2026-10",
            "--format",
            fmt,
        )
        assert (status, err) == (0, ""), fmt
        assert "Corrections" in out, fmt
        applied = (
            f"{first}: customer-caused on db [2026-10-03T00:00:00Z, 2026-10-03T02:00:00Z): "
            "the customer's firewall change CHG-1182 (recorded by noc@acme.example at "
            "2026-10-04T09:00:00Z): applied: 2 hours in the measured span removed from down "
            "time and eligible time"
        )
        refused = (
            f"{second}: maintenance window on db, lon-fra [2026-10-20T00:00:00Z, "
            "2026-10-20T01:00:00Z): not applied: its category is not one this measure excludes"
        )
        shown = out.replace("&#x27;", "'").replace("&#39;", "'")
        assert applied in shown, fmt
        assert refused in shown, fmt
    assert (
        f"Total credit: {TOTAL} USD"
        in _run("report", str(files["agreement"]), *_inputs(files), "--period", "2026-10")[1]
    )


def test_verify_matches_the_files_and_the_records_in_python(
    files: dict[str, Path], tmp_path: Path
) -> None:
    """The statement's fingerprint is the records' own; verify needs every file, as given."""
    statement = tmp_path / "statement.json"
    status, _, err = _run(
        "report",
        str(files["agreement"]),
        *_inputs(files),
        "--period",
        "2026-10",
        "-o",
        str(statement),
    )
    assert (status, err) == (0, "")
    check = json.loads(statement.read_text(encoding="utf-8"))["verify"]
    python = _python_report()
    assert check["fingerprint"] == python.fingerprint
    assert str(python.total.amount) == TOTAL
    assert set(check["inputs"]) == {"events", "corrections", "probes"}

    status, out, _ = _run("verify", str(statement), *_inputs(files))
    assert status == 0
    assert f"fingerprint: matches ({python.fingerprint})" in out
    assert f"total: matches ({TOTAL} USD)" in out

    status, out, _ = _run("verify", str(statement), *_inputs(files, "outages", "probes"))
    assert status == 1
    assert "  corrections: in the statement's inputs, not given here\n" in out
    assert "  probes: matches\n" in out
    assert f"these inputs give {WITHOUT_CORRECTIONS} USD" in out


def test_csv_and_json_lines_fingerprint_alike(tmp_path: Path) -> None:
    """The same rows in either format are the same input: one fingerprint, one total."""
    found = []
    for ext in ("csv", "jsonl"):
        folder = tmp_path / ext
        folder.mkdir()
        given = _files(folder, ext)
        out = folder / "statement.json"
        args = [str(given["agreement"]), *_inputs(given), "--period", "2026-10", "-o", str(out)]
        assert _run("report", *args)[0] == 0
        data = json.loads(out.read_text(encoding="utf-8"))
        found.append((data["verify"]["fingerprint"], data["verify"]["inputs"]))
    assert found[0] == found[1]


def test_columns_and_formats_of_corrections_and_probes(tmp_path: Path) -> None:
    """--columns renames a correction's and a probe's columns; --format reads any extension."""
    files = _files(tmp_path, "csv")
    renamed = tmp_path / "excused.txt"
    renamed.write_text(
        files["corrections"]
        .read_text(encoding="utf-8")
        .replace("services,start,end,category", "hosts,from,to,category", 1),
        encoding="utf-8",
    )
    samples = tmp_path / "samples.jsonl"
    samples.write_text(
        "".join(
            json.dumps(
                {"route": r["service"], "at": r["time"], "metric": r["metric"], "ms": r["value"]}
            )
            + "\n"
            for r in PROBES
        ),
        encoding="utf-8",
    )
    status, out, err = _run(
        "evaluate",
        str(files["agreement"]),
        "--outages",
        str(files["outages"]),
        "--corrections",
        str(renamed),
        "--probes",
        str(samples),
        "--format",
        "corrections=csv",
        "--columns",
        "corrections:services=hosts,start=from,end=to",
        "--columns",
        "probes:service=route,time=at,value=ms",
        "--period",
        "2026-10",
        "--json",
    )
    assert (status, err) == (0, "")
    assert json.loads(out)["compensation"]["total"]["amount"] == TOTAL
    status, _, err = _run(
        "evaluate",
        str(files["agreement"]),
        "--corrections",
        str(files["corrections"]),
        "--columns",
        "corrections:service=hosts",
        "--period",
        "2026-10",
    )
    assert status == 2
    assert "'service' is not a column of corrections (did you mean 'services'?)" in err


def test_bad_corrections_and_probes_name_file_line_and_field(tmp_path: Path) -> None:
    """A bad row is file:line: field: problem, with exit status 2, for either kind."""
    files = _files(tmp_path, "csv")
    bad = tmp_path / "bad-corrections.csv"
    bad.write_text(
        "services,start,end,category\n"
        "db,2026-10-03T00:00:00Z,2026-10-03T02:00:00Z,customer-caused\n"
        "db,2026-10-03 00:00:00,2026-10-03T02:00:00Z,customer-caused\n"
        "db,2026-10-03T00:00:00Z,2026-10-03T02:00:00Z,\n",
        encoding="utf-8",
    )
    status, _, err = _run(
        "evaluate", str(files["agreement"]), "--corrections", str(bad), "--period", "2026-10"
    )
    assert status == 2
    assert f"{bad}:3: start: '2026-10-03 00:00:00' has no UTC offset" in err
    assert f"{bad}:4: category: '' is not a category" in err
    probes = tmp_path / "bad-probes.jsonl"
    probes.write_text(
        '{"service": "lon-fra", "time": "2026-10-01T00:00:00Z", "metric": "rtt", "value": "-1"}\n',
        encoding="utf-8",
    )
    status, _, err = _run(
        "evaluate", str(files["agreement"]), "--probes", str(probes), "--period", "2026-10"
    )
    assert status == 2
    assert f"{probes}:1: value: " in err


def test_review_and_compare_read_corrections_and_probes(files: dict[str, Path]) -> None:
    """The review and the what-if comparison count the same credit as the statement."""
    agreement = str(files["agreement"])
    status, out, err = _run(
        "review",
        agreement,
        *_inputs(files),
        "--from",
        "2026-10",
        "--to",
        "2026-11",
        "--format",
        "json",
    )
    assert (status, err) == (0, "")
    periods = [
        (p["period"], p["breaches"], p["credit"]["amount"]) for p in json.loads(out)["periods"]
    ]
    assert periods == [("2026-10", 2, TOTAL), ("2026-11", 0, "0.00")]
    status, out, err = _run(
        "compare", agreement, *_inputs(files), "--from", "2026-10", "--to", "2026-10"
    )
    assert (status, err) == (0, "")
    assert f"| 2026-10 | {TOTAL} USD | 2 |" in out


def test_dispute_reads_each_sides_corrections_and_shared_probes(files: dict[str, Path]) -> None:
    """Ours excuses the customer's two hours, theirs does not: the credits differ by 150.00."""
    status, out, err = _run(
        "dispute",
        str(files["agreement"]),
        "--ours",
        str(files["outages"]),
        "--theirs",
        str(files["outages"]),
        "--kind",
        "outages",
        "--ours-corrections",
        str(files["corrections"]),
        "--probes",
        str(files["probes"]),
        "--period",
        "2026-10",
        "--format",
        "json",
    )
    assert status == 1
    assert f"ours {TOTAL} USD, theirs {WITHOUT_CORRECTIONS} USD" in err
    sources = json.loads(out)["sources"]
    assert sources == {
        "ours": f"{files['outages']}, {files['corrections']}",
        "theirs": str(files["outages"]),
    }
    status, _, err = _run(
        "dispute",
        str(files["agreement"]),
        "--ours",
        str(files["outages"]),
        "--theirs",
        str(files["outages"]),
        "--kind",
        "outages",
        "--corrections",
        str(files["corrections"]),
        "--probes",
        str(files["probes"]),
        "--period",
        "2026-10",
    )
    assert status == 0, err
