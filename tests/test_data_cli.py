"""The command line on agreement data: validate, render, compare, and evaluate data files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import slakit as sla
from slakit._cli import main
from slakit._demo import EVENTS_JSONL
from tests.test_data import readme_agreement


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> Path:
    assert run("demo", "--write", str(tmp_path))[0] == 0
    sla.write_agreement(readme_agreement(), tmp_path / "readme.toml")
    return tmp_path


@pytest.mark.parametrize("name", ["agreement.py", "readme.toml"])
def test_validate_ok(files: Path, name: str) -> None:
    """A Python file and a data file both validate."""
    code, out, err = run("validate", str(files / name))
    assert (code, err) == (0, "")
    assert out.startswith(f"{files / name}: ok: Acme Cloud / Globex, tier 'region'")


def test_validate_prints_every_problem_with_its_path(files: Path) -> None:
    """Every problem is printed with the file and its path; exit status 2, no traceback."""
    data = sla.to_data(readme_agreement())
    data["tier"]["compensation"]["bands"][0]["credit"] = "120%"
    data["tier"]["fee"]["currency"] = "XYZ"
    path = files / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run("validate", str(path))
    assert code == 2
    assert out == ""
    assert (
        f"{path}: $.tier.compensation.bands[0].credit: must be between 0% and 100%, got 120%" in err
    )
    assert f"{path}: $.tier.fee.currency: currency='XYZ'" in err
    assert err.endswith("slakit: error: 2 problem(s) in the agreement\n")
    assert "Traceback" not in err


def test_validate_syntax_error_names_the_line(files: Path) -> None:
    """Broken YAML is reported at its line."""
    path = files / "bad.yaml"
    path.write_text("provider: [\n", encoding="utf-8")
    code, _, err = run("validate", str(path))
    assert code == 2
    assert err.startswith(f"{path}:2:1: is not valid YAML")


def test_validate_an_unknown_suffix_and_missing_file(files: Path) -> None:
    """A file that is missing, or whose format cannot be told, is a usage error."""
    assert run("validate", str(files / "nope.json"))[2].endswith("no such file\n")
    (files / "a.txt").write_text("{}", encoding="utf-8")
    code, _, err = run("validate", str(files / "a.txt"))
    assert code == 2
    assert "slakit: error:" in err


@pytest.mark.parametrize("fmt", ["md", "html", "json", "yaml", "toml"])
def test_render_formats(files: Path, fmt: str) -> None:
    """`slakit render` prints the schedule (md, html) or the data (json, yaml, toml)."""
    code, out, _ = run("render", str(files / "agreement.py"), "--format", fmt)
    assert code == 0
    if fmt in ("json", "yaml", "toml"):
        assert sla.loads(out, fmt) == _demo_agreement(files)  # type: ignore[arg-type]
    else:
        assert "10,000.00 USD" in out


def test_evaluate_a_data_file_gives_the_same_report(files: Path) -> None:
    """`slakit evaluate` reads a data file as it runs a Python file, to the same report."""
    sla.write_agreement(_demo_agreement(files), files / "demo.yaml")
    events = str(files / "events.jsonl")
    a = run("evaluate", str(files / "agreement.py"), events, "--period", "2026-10", "--json")
    b = run("evaluate", str(files / "demo.yaml"), events, "--period", "2026-10", "--json")
    assert a == b
    assert a[0] == 0


def _demo_agreement(files: Path) -> sla.Agreement:
    from slakit._cli import load_agreement

    return load_agreement(files / "agreement.py")


def test_evaluate_an_amended_agreement(files: Path) -> None:
    """`slakit evaluate` splits the period at an amendment and names both versions."""
    agreement = _demo_agreement(files)
    amended = agreement.amend(
        "2026-10-16T00:00:00+02:00",
        title="price review",
        tier=agreement.tier.derive("region", fee=sla.usd("20000.00")),
    )
    sla.write_agreement(amended, files / "amended.json")
    code, out, _ = run(
        "evaluate", str(files / "amended.json"), str(files / "events.jsonl"), "--period", "2026-10"
    )
    assert code == 0
    assert "=== v1:" in out
    assert "=== v2 (price review):" in out
    assert "over versions v1, v2 (price review)" in out
    code, out, _ = run(
        "evaluate",
        str(files / "amended.json"),
        str(files / "events.jsonl"),
        "--period",
        "2026-10",
        "--json",
    )
    assert json.loads(out)["versions"] == ["v1", "v2 (price review)"]


def test_compare_two_files(files: Path) -> None:
    """`slakit compare` prints credits and breaches per period, and the totals."""
    silver = _demo_agreement(files)
    silver = sla.Agreement(
        provider=silver.provider,
        customer=silver.customer,
        services=silver.services,
        tier=silver.tier.derive("silver", fee=sla.usd("5000.00")),
        period=silver.period,
    )
    sla.write_agreement(silver, files / "silver.json")
    argv = [
        "compare",
        str(files / "agreement.py"),
        str(files / "silver.json"),
        "--events",
        str(files / "events.jsonl"),
        "--from",
        "2026-09",
        "--to",
        "2026-11",
    ]
    code, out, _ = run(*argv)
    assert code == 0
    assert "| 2026-10 | 4,000.00 USD | 2 | 2,000.00 USD | 2 |" in out
    assert "| total | **5,000.00 USD** | **3** | **2,500.00 USD** | **3** |" in out
    code, out, _ = run(*argv, "--json")
    assert json.loads(out)["totals"]["silver"] == {"amount": "2500.00", "currency": "USD"}
    assert run(*argv[:3], "--events", "nope.jsonl", *argv[5:])[0] == 2


def test_events_file_is_the_demo(files: Path) -> None:
    """The fixture wrote the embedded example's events."""
    assert (files / "events.jsonl").read_text(encoding="utf-8") == EVENTS_JSONL
