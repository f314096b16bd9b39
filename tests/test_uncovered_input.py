"""Input that no measure counted is listed, warned about, and an error in strict mode.

Every input row is counted by some measure, excluded by a named clause, or
ignored with a reason; the rows no measure's evidence can list (services the
agreement does not cover, tables no measure reads, rows a measure rejects) are
grouped in the report, with a did-you-mean for near-miss service names.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import given

import slakit as sla
from slakit._cli import main
from slakit._engine._uncovered import did_you_mean
from slakit.exceptions import StrictInputError

SERVICES = ["initech-vps", "initech-db"]


def agreement(**kwargs: object) -> sla.Agreement:
    up = sla.uptime()
    return sla.Agreement(
        provider="Initech",
        customer="Globex",
        services=SERVICES,
        tier=sla.Tier(
            "std",
            fee=sla.usd("500.00"),
            objectives=[up >= "99.9%"],
            compensation=sla.credit_schedule(up, {"< 99.9%": "10%", "< 99%": "25%"}),
        ),
        **kwargs,  # type: ignore[arg-type]
    )


TYPO = [
    sla.Outage("initech-vsp", "2026-10-03T10:00:00Z", "2026-10-03T14:00:00Z"),
    sla.Outage("initech-db", "2026-10-04T10:00:00Z", "2026-10-04T10:05:00Z"),
]


def test_a_typod_service_is_listed_with_a_did_you_mean() -> None:
    """The typo's outage is not silently dropped: explain, to_dict and uncovered() list it."""
    report = sla.evaluate(agreement(), TYPO, period="2026-10")
    assert report.compliant  # the typo'd outage is not counted: that is the point of the warning
    groups = report.reconciliation.uncovered
    assert [(g.category, g.service, g.count, g.suggestions) for g in groups] == [
        ("uncovered", "initech-vsp", 1, ("initech-vps",))
    ]
    text = report.explain()
    assert "Input not counted: 1 row in 1 group" in text
    assert "service 'initech-vsp': 1 event; did you mean 'initech-vps'?" in text
    assert "      Outage('initech-vsp', '2026-10-03T10:00:00Z', '2026-10-03T14:00:00Z')" in text
    assert "record 0" not in text  # rows are named by their facts, not by position
    data = report.to_dict()["uncovered"]
    assert data == [
        {
            "category": "uncovered",
            "reason": "the agreement does not cover this service",
            "input": "events",
            "service": "initech-vsp",
            "suggestions": ["initech-vps"],
            "count": 1,
            "rows": {
                "row": ["Outage('initech-vsp', '2026-10-03T10:00:00Z', '2026-10-03T14:00:00Z')"],
                "service": ["initech-vsp"],
                "reason": ["the agreement does not cover this service"],
            },
        }
    ]
    [row] = report.uncovered()
    assert (row.where, row.service, row.category) == ("record 0", "initech-vsp", "uncovered")


def test_strict_turns_uncounted_input_into_an_error_naming_the_row() -> None:
    """``strict=True`` raises with the record, the field and the fix (the did-you-mean)."""
    with pytest.raises(StrictInputError) as caught:
        sla.evaluate(agreement(), TYPO, period="2026-10", strict=True)
    [problem] = caught.value.problems
    assert problem.where == "record 0"
    assert problem.field == "service"
    assert "did you mean 'initech-vps'?" in problem.message
    assert "evaluate without strict" in str(caught.value)
    clean = [e for e in TYPO if e.service != "initech-vsp"]
    assert sla.evaluate(agreement(), clean, period="2026-10", strict=True).compliant


def test_strict_applies_to_statements_comparisons_and_amended_agreements() -> None:
    """Every entry point that evaluates takes ``strict`` and means the same by it."""
    with pytest.raises(StrictInputError):
        sla.statement(agreement(), TYPO, periods="2026-09..2026-10", strict=True)
    with pytest.raises(StrictInputError):
        sla.compare({"a": agreement()}, TYPO, start="2026-10", end="2026-10", strict=True)
    amended = agreement().amend("2026-10-15T00:00:00Z", title="db dropped", services=SERVICES[:1])
    # initech-db is covered until the 15th, so its outage on the 4th is counted by v1
    result = sla.evaluate_versions(amended, TYPO[1:], period="2026-10", strict=True)
    assert result.uncovered == ()
    with pytest.raises(StrictInputError):
        sla.evaluate_versions(amended, TYPO, period="2026-10", strict=True)
    comparison = sla.compare({"a": agreement()}, TYPO, start="2026-09", end="2026-10")
    [(name, [group])] = [(n, list(g)) for n, g in comparison.uncovered]
    assert (name, group.service) == ("a", "initech-vsp")


def test_tables_no_measure_reads_are_listed() -> None:
    """Tickets given to an uptime-only agreement are reported as unread, not vanished."""
    tickets = [sla.Ticket("T1", "initech-vps", "P1", "2026-10-05T09:00Z")]
    report = sla.evaluate(agreement(), TYPO[1:], tickets, period="2026-10")
    [group] = report.reconciliation.uncovered
    assert (group.category, group.table, group.count) == ("unread", "tickets", 1)
    assert "no measure or rule of this agreement reads tickets" in report.explain()
    assert report.reconciliation.read == {"events": 1, "tickets": 1}
    with pytest.raises(StrictInputError, match="reads tickets"):
        sla.evaluate(agreement(), TYPO[1:], tickets, period="2026-10", strict=True)


def test_empty_input_says_zero_events_read() -> None:
    report = sla.evaluate(agreement(), [], period="2026-10")
    assert "Input: 0 events read" in report.explain()
    assert report.reconciliation.uncovered == ()


names = st.sampled_from(["initech-vps", "initech-db", "initech-vsp", "other", "initech-dbb"])


@given(st.lists(st.tuples(names, st.integers(0, 30 * 24)), max_size=25))
def test_every_row_is_counted_or_listed_exactly_once(rows: list[tuple[str, int]]) -> None:
    """Rows of covered services reach the measure; every other row is in exactly one group."""
    events = [sla.Outage(name, _at(hour), _at(hour + 1)) for name, hour in rows]
    report = sla.evaluate(agreement(), events, period="2026-10")
    listed = [row.where for row in report.uncovered()]
    expected = [f"record {i}" for i, (name, _) in enumerate(rows) if name not in SERVICES]
    assert sorted(listed) == sorted(expected)
    assert len(set(listed)) == len(listed)
    recon = report.reconciliation
    assert sum(g.count for g in recon.uncovered) == len(expected)
    assert recon.read == {"events": len(rows)}


def _at(hour: int) -> str:
    day, h = divmod(hour, 24)
    if day >= 31:
        return "2026-11-01T00:00:00Z"
    return f"2026-10-{day + 1:02d}T{h:02d}:00:00Z"


@pytest.mark.parametrize(
    ("name", "candidates", "expected"),
    [
        ("initech-vsp", ["initech-db", "initech-vps"], ("initech-vps",)),
        ("eu-west-1", ["eu-west-2", "eu-west-3", "us-east-1"], ("eu-west-2", "eu-west-3")),
        ("EU-CENTRAL-1", ["eu-central-1"], ()),  # case differs: no guess, the name is wrong
        ("billing", ["initech-vps"], ()),
        ("api", ["api-v2", "api"], ("api",)),
    ],
)
def test_did_you_mean_offers_the_closest_names_only(
    name: str, candidates: list[str], expected: tuple[str, ...]
) -> None:
    assert did_you_mean(name, candidates) == expected


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


AGREEMENT_PY = """\
import slakit as sla
up = sla.uptime()
agreement = sla.Agreement(provider="Initech", customer="Globex",
    services=["initech-vps", "initech-db"],
    tier=sla.Tier("std", fee=sla.usd("500.00"), objectives=[up >= "99.9%"],
        compensation=sla.credit_schedule(up, {"< 99.9%": "10%", "< 99%": "25%"})))
"""

EVENTS = (
    '{"type": "outage", "service": "initech-vps", "start": "2026-10-02T10:00:00Z", '
    '"end": "2026-10-02T10:01:00Z"}\n'
    '{"type": "outage", "service": "initech-vsp", "start": "2026-10-03T10:00:00Z", '
    '"end": "2026-10-03T14:00:00Z"}\n'
)


def test_cli_warns_about_a_typo_and_strict_exits_1(tmp_path: Path) -> None:
    """``slakit evaluate`` warns on stderr (exit 0); with ``--strict`` it fails (exit 1)."""
    (tmp_path / "agreement.py").write_text(AGREEMENT_PY, encoding="utf-8")
    events = tmp_path / "events.jsonl"
    events.write_text(EVENTS, encoding="utf-8")
    args = ["evaluate", str(tmp_path / "agreement.py"), str(events), "--period", "2026-10"]
    status, out, err = run(*args)
    assert status == 0
    assert err.splitlines() == [
        (
            f"slakit: warning: {events}:2: service: 1 event for service 'initech-vsp': the "
            "agreement does not cover this service; did you mean 'initech-vps'?"
        ),
        (
            "slakit: warning: 1 input row not counted; the report lists every one (--strict "
            "makes this an error)"
        ),
    ]
    assert f"{events}:2" not in out  # the report names the row by its facts
    assert "Outage('initech-vsp'" in out
    assert "did you mean 'initech-vps'?" in out
    status, out, err = run(*args, "--strict")
    assert (status, out) == (1, "")
    assert f"slakit: error: {events}:2: service: 1 event for service 'initech-vsp'" in err
    assert "did you mean 'initech-vps'?" in err
    assert "--strict: 1 input row not counted (1 group)" in err
    status, out, _ = run(*args, "--json")
    assert status == 0
    [group] = json.loads(out)["uncovered"]
    assert group["rows"]["row"][0].startswith("Outage('initech-vsp', ")


def test_cli_on_an_empty_file_says_zero_events_read(tmp_path: Path) -> None:
    (tmp_path / "agreement.py").write_text(AGREEMENT_PY, encoding="utf-8")
    (tmp_path / "events.jsonl").write_text("", encoding="utf-8")
    status, out, err = run(
        "evaluate",
        str(tmp_path / "agreement.py"),
        str(tmp_path / "events.jsonl"),
        "--period",
        "2026-10",
        "--strict",
    )
    assert (status, err) == (0, "")
    assert "Input: 0 events read" in out


def test_suggestions_are_bounded_and_go_to_the_names_with_the_most_rows() -> None:
    """Only the first 50 unknown names by rows get a did-you-mean, from the nearest names."""
    from slakit._engine._uncovered import SUGGESTED_NAMES, Suggestions

    known = [f"eu-west-1/vm-{i:06x}" for i in range(3_000)]
    suggest = Suggestions(sorted(known))
    typos = [
        "eu-west-1/vm-000a1b",
        "eu-west-1/mv-000a1b",
        "eu-wset-1/vm-0001ff",
        "EU-WEST-1/VM-000123",
    ]
    for typo in typos:  # the same as comparing with every known name
        assert suggest.of(typo) == did_you_mean(typo, known), typo
    for _ in range(SUGGESTED_NAMES - len(typos)):
        suggest.of("us-east-2/db-zzzzzz")
    assert suggest.of("eu-west-1/vm-000a1b") == ()  # the budget is spent: no more work

    services = ["api"]
    outages = [sla.Outage("api", "2026-10-01T00:00:00Z", "2026-10-01T00:01:00Z")]
    outages += [  # 60 unknown names; "apj" has the most rows
        sla.Outage(f"svc-{i:03d}", "2026-10-01T00:00:00Z", "2026-10-01T00:01:00Z")
        for i in range(60)
    ]
    outages += [sla.Outage("apj", "2026-10-01T00:00:00Z", "2026-10-01T00:01:00Z")] * 3
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[sla.uptime() >= "99%"])
    agreement = sla.Agreement(provider="p", customer="c", services=services, tier=tier)
    groups = sla.evaluate(agreement, outages, period="2026-10").reconciliation.uncovered
    hinted = [g for g in groups if g.suggestions]
    assert len([g for g in groups if g.service]) == 61
    assert {g.service for g in hinted} <= {"apj", *(f"svc-{i:03d}" for i in range(60))}
    assert next(g for g in groups if g.service == "apj").suggestions == ("api",)
