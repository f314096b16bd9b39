"""The command line: evaluate, and errors without tracebacks (the demo: tests/test_demo.py)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from slakit._cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_fail_on_breach(tmp_path: Path) -> None:
    """``--fail-on-breach`` exits 1 when an objective is missed."""
    run("demo", "--write", str(tmp_path))
    args = ["evaluate", str(tmp_path / "agreement.py"), str(tmp_path / "events.jsonl")]
    assert run(*args, "--period", "2026-10", "--fail-on-breach")[0] == 1
    assert run(*args, "--period", "2026-12", "--fail-on-breach")[0] == 0
    status, out, _ = run(*args, "--period", "2026-10", "--json")
    assert status == 0
    assert json.loads(out)["period"]["label"] == "2026-10"


def test_bad_events_file_gives_file_line_field_and_exit_2(tmp_path: Path) -> None:
    """A bad events file is reported as ``file:line: field: problem`` with status 2."""
    run("demo", "--write", str(tmp_path))
    events = tmp_path / "bad.jsonl"
    events.write_text(
        '{"type": "outage", "service": "a", "start": "2026-10-01T00:00", "end": "2026-10-01T00:05Z"}\n'  # noqa: E501
        "{broken\n",
        encoding="utf-8",
    )
    status, out, err = run(
        "evaluate", str(tmp_path / "agreement.py"), str(events), "--period", "2026-10"
    )
    assert status == 2
    assert out == ""
    assert f"{events}:1: start: '2026-10-01T00:00' has no UTC offset" in err
    assert f"{events}:2: not valid JSON" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x = 1\n", "defines nothing as `agreement`"),
        ("agreement = 42\n", "defines a int as `agreement`"),
        ("import slakit as sla\nsla.usd(1.5)\n", "float, which cannot hold cents"),
        ("raise RuntimeError('boom')\n", "the file raised an error"),
    ],
)
def test_bad_agreement_files(tmp_path: Path, source: str, message: str) -> None:
    """An agreement file without a valid ``agreement`` is reported with status 2."""
    path = tmp_path / "agreement.py"
    path.write_text(source, encoding="utf-8")
    events = tmp_path / "events.jsonl"
    events.write_text("", encoding="utf-8")
    status, _, err = run("evaluate", str(path), str(events), "--period", "2026-10")
    assert status == 2
    assert message in err


def test_missing_files_and_bad_periods(tmp_path: Path) -> None:
    """Missing files and unknown periods are usage errors, not tracebacks."""
    run("demo", "--write", str(tmp_path))
    agreement, events = str(tmp_path / "agreement.py"), str(tmp_path / "events.jsonl")
    assert (
        "no such file"
        in run("evaluate", str(tmp_path / "nope.py"), events, "--period", "2026-10")[2]
    )
    assert (
        "no such file"
        in run("evaluate", agreement, str(tmp_path / "nope"), "--period", "2026-10")[2]
    )
    status, _, err = run("evaluate", agreement, events, "--period", "October")
    assert status == 2
    assert "period='October'" in err


def test_the_installed_command_runs() -> None:
    """``python -m slakit demo`` works from a real process."""
    result = subprocess.run(
        [sys.executable, "-m", "slakit", "demo"], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert "period 2026-10: 6 customers, 10 services, 5 credited" in result.stdout
    assert "Total credit: 300.00 USD" in result.stdout


def test_requests_and_tickets_from_files(tmp_path: Path) -> None:
    """``--requests`` and ``--tickets`` feed request and ticket measures; no events file needed."""
    (tmp_path / "agreement.py").write_text(
        "import slakit as sla\n"
        "ok = sla.success_ratio()\n"
        "late = sla.response_time(within=sla.hours(1))\n"
        "agreement = sla.Agreement(provider='p', customer='c', services=['api'],\n"
        "    tier=sla.Tier('t', fee=sla.usd('100.00'), objectives=[ok >= '99%', late <= 0]))\n",
        encoding="utf-8",
    )
    (tmp_path / "requests.jsonl").write_text(
        '{"service": "api", "time": "2026-10-01T00:00:00Z", "status": 200}\n'
        '{"service": "api", "time": "2026-10-01T00:00:01Z", "status": 503}\n',
        encoding="utf-8",
    )
    (tmp_path / "tickets.jsonl").write_text(
        '{"id": "T1", "service": "api", "priority": "P1", "opened": "2026-10-05T09:00:00Z", '
        '"first_response": "2026-10-05T09:30:00Z"}\n',
        encoding="utf-8",
    )
    args = ["evaluate", str(tmp_path / "agreement.py"), "--period", "2026-10", "--json"]
    status, out, err = run(
        *args,
        "--requests",
        str(tmp_path / "requests.jsonl"),
        "--tickets",
        str(tmp_path / "tickets.jsonl"),
    )
    assert (status, err) == (0, "")
    verdicts = [(o["objective"], o["verdict"]) for o in json.loads(out)["objectives"]]
    assert verdicts == [
        ("success ratio >= 99%", "breached"),
        (verdicts[1][0], "met"),
    ]
    status, _, err = run(*args)
    assert status == 2
    assert "no input: give an events file or one of --outages, --maintenance" in err
    status, _, err = run(*args, "--tickets", str(tmp_path / "missing.jsonl"))
    assert status == 2
    assert "missing.jsonl: no such file" in err


def test_validate_says_that_a_python_agreement_is_executed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The help of ``validate`` warns that a .py agreement runs, and offers the data formats."""
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "a .py AGREEMENT is executed to build it" in text
    assert "validate untrusted agreements as JSON, YAML or TOML" in text
    assert "a Python file is executed with your permissions" in text


def test_validate_runs_a_python_agreement(tmp_path: Path) -> None:
    """A .py agreement is executed (as the help says): its side effects happen."""
    marker = tmp_path / "ran"
    source = tmp_path / "agreement.py"
    source.write_text(f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    status, _, err = run("validate", str(source))
    assert status == 2
    assert marker.exists()
    assert "defines nothing as `agreement`" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """``slakit --version`` and ``slakit.__version__`` give the installed version."""
    from importlib.metadata import version

    import slakit

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"slakit {version('slakit')}\n"
    assert slakit.__version__ == version("slakit") == "0.1.0.dev0"
