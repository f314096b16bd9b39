"""Credit statements: what they say, in which order, in HTML, Markdown and text."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import slakit as sla
import slakit.io
from slakit._cli import main
from tests.statement_examples import readme_report

UPTIME = sla.uptime(
    min_outage=sla.minutes(1), excluding=[sla.scheduled_maintenance(notice=sla.days(5))]
)
TIER = sla.Tier(
    "gold",
    fee=sla.usd("1000.00"),
    objectives=[UPTIME >= "99.9%"],
    compensation=sla.credit_schedule(UPTIME, {"< 99.9%": "10%", "< 99%": "25%"}),
)


def _agreement(services: list[str], tz: str = "America/New_York") -> sla.Agreement:
    return sla.Agreement(
        provider="Acme",
        customer="Globex",
        services=services,
        tier=TIER,
        period=sla.monthly(tz=tz),
    )


def _sections(markdown: str) -> list[str]:
    return re.findall(r"^#{2,3} (.+)$", markdown, flags=re.MULTILINE)


def test_the_statement_says_everything_in_order() -> None:
    """Header, summary with breaches first, credits, exclusions, hours, charts, inputs, evidence."""
    markdown = readme_report().to_markdown()
    assert _sections(markdown) == [
        "Summary",
        "Breaches",
        "Every service and objective",
        "Credits",
        "Exclusions",
        "Applied",
        "Service hours",
        "Charts",
        "Input reconciliation",
        "Rows by reason",
        "Appendix: evidence",
        "Service eu-central-1",
    ]
    assert markdown.startswith("# Credit statement: Acme Cloud / Globex\n")
    assert "- **Total credit**: **1,000.00 USD**" in markdown
    assert "- **Agreement**: v1: in force from the start" in markdown


def test_times_are_in_the_agreement_zone_with_utc_beside_them() -> None:
    """The README's agreement is in Berlin time: each span shows CEST and UTC."""
    markdown = readme_report().to_markdown()
    # the outage 09:58:20Z-10:04:30Z counts as the whole minutes it touches, 09:58 to 10:05
    assert "| 2026-10-03 11:58:00 CEST | 2026-10-03 12:05:00 CEST | 2026-10-03 09:58:00Z |" in (
        markdown
    )
    assert "2026-10-01 00:00:00 CEST to 2026-11-01 00:00:00 CET" in markdown


def test_exclusions_applied_and_refused_are_listed_with_the_clause() -> None:
    """An announced window is excluded; one announced too late is refused, with the reason."""
    agreement = _agreement(["api"])
    events = [
        sla.Maintenance("api", "2026-10-10T02:00:00Z", "2026-10-10T04:00:00Z", "2026-10-01T00:00Z"),
        sla.Maintenance("api", "2026-10-20T02:00:00Z", "2026-10-20T04:00:00Z", "2026-10-19T00:00Z"),
        sla.Outage("api", "2026-10-20T02:00:00Z", "2026-10-20T03:00:00Z"),
    ]
    text = sla.evaluate(agreement, events, period="2026-10").to_text()
    applied = text.split("Applied\n-------")[1].split("Refused\n")[0]
    assert "scheduled maintenance, announced at least 5 days ahead" in applied
    assert "2026-10-09 22:00:00 EDT" in applied  # 02:00Z in New York
    refused = text.split("Refused\n-------")[1].split("Service hours\n")[0]
    assert "requires notice of at least 5 days" in refused


def test_the_evidence_is_never_truncated() -> None:
    """Forty-five outages give forty-five rows in the appendix, not 'and 25 more'."""
    events = [
        sla.Outage("api", f"2026-10-{day:02d}T10:00:00Z", f"2026-10-{day:02d}T10:05:00Z")
        for day in range(1, 31)
    ] + [
        sla.Outage("api", f"2026-10-{day:02d}T20:00:00Z", f"2026-10-{day:02d}T20:02:00Z")
        for day in range(1, 16)
    ]
    report = sla.evaluate(_agreement(["api"]), events, period="2026-10")
    for form in (report.to_text(), report.to_markdown(), report.to_html()):
        assert "more spans" not in form
        assert form.count("2026-10-15 16:02:00 EDT") == 1  # the last short outage's end
    markdown = report.to_markdown()
    appendix = markdown.split("## Appendix: evidence")[1]
    rows = [line for line in appendix.splitlines() if re.match(r"\| 2026-10-\d\d ", line)]
    assert len(rows) == 45


def test_the_html_is_one_self_contained_file_with_a_mark_per_span() -> None:
    """No script, link or URL; the timeline has one mark per counted span and parses as XML."""
    events = [
        sla.Outage("api", "2026-10-03T10:00:00Z", "2026-10-03T11:00:00Z"),
        sla.Outage("api", "2026-10-05T10:00:00Z", "2026-10-05T10:30:00Z"),
        sla.Outage("db", "2026-10-07T10:00:00Z", "2026-10-07T10:00:30Z"),  # too short
    ]
    report = sla.evaluate(_agreement(["api", "db", "web"]), events, period="2026-10")
    page = report.to_html()
    assert page.startswith("<!DOCTYPE html>")
    for banned in ("<script", "<link", "<img", "@import", "url(", "src=", "href="):
        assert banned not in page, banned
    assert set(re.findall(r"https?://[^\s\"']+", page)) == {"http://www.w3.org/2000/svg"}
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.DOTALL)
    for svg in svgs:
        ET.fromstring(svg)  # well-formed
    assert page.count('class="mark down"') == 2
    assert page.count('class="mark ignored"') == 1
    assert page.count('class="mark burn"') == 1  # only api spent any budget
    assert "1 service measure has nothing to draw" in page
    assert "@media print" in page
    assert "<details open" in page  # collapsible, and printed in full


def test_holidays_and_service_hours_that_shaped_eligible_time_are_listed() -> None:
    """Office hours less Berlin's holidays: the statement names 3 October, German Unity Day."""
    hours = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin") - sla.holidays("DE", subdiv="BE")
    office = sla.uptime(during=hours)
    tier = sla.Tier("office", fee=sla.eur("500.00"), objectives=[office >= "99%"])
    agreement = sla.Agreement(
        provider="Acme",
        customer="Globex",
        services=["api"],
        tier=tier,
        period=sla.monthly(tz="Europe/Berlin"),
    )
    events = [sla.Outage("api", "2026-10-05T07:00:00Z", "2026-10-05T09:00:00Z")]
    markdown = sla.evaluate(agreement, events, period="2026-12").to_markdown()
    hours_section = markdown.split("## Service hours")[1].split("\n## ")[0]
    assert "Monday to Friday" in hours_section
    assert "Christmas Day" in hours_section
    assert "| 2026-12-25 |" in hours_section


def test_a_request_measure_draws_bucket_error_rates() -> None:
    """Every bucket that held requests is a bar, near misses too; the down ones are marked."""
    measure = sla.bucket_availability(bucket=sla.minutes(5), max_error_rate="10%")
    tier = sla.Tier("req", fee=sla.usd("100.00"), objectives=[measure >= "99%"])
    agreement = sla.Agreement(
        provider="Acme", customer="Globex", services=["api"], tier=tier, period=sla.monthly()
    )
    requests = [
        *(sla.Request("api", "2026-10-02T00:01:00Z", 500) for _ in range(3)),
        *(sla.Request("api", "2026-10-02T00:02:00Z", 200) for _ in range(7)),
        sla.Request("api", "2026-10-03T00:01:00Z", 500),
        *(sla.Request("api", "2026-10-03T00:02:00Z", 200) for _ in range(19)),
    ]
    report = sla.evaluate(agreement, sla.io.RequestTable.from_records(requests), period="2026-10")
    page = report.to_html()
    assert page.count('class="mark bucket over"') == 1  # 3 of 10 bad
    assert page.count('class="mark bucket"') == 1  # 1 of 20 bad: up, a near miss
    assert page.count('class="mark threshold"') == 1
    assert "2 buckets held requests, 1 of them down; one bar each." in report.to_markdown()
    ev = report.evidence("api")
    assert isinstance(ev, sla.RequestEvidence)
    assert ev.counts is not None
    assert ev.counts.requests.tolist() == [10, 20]
    assert ev.counts.errors.tolist() == [3, 1]
    assert ev.counts.down.tolist() == [True, False]
    assert [b.verdict for b in ev.buckets] == ["down"]  # the notes list only the down one


def test_a_bucket_chart_of_many_buckets_draws_at_most_one_bar_per_pixel_column() -> None:
    """A month of one-minute buckets is 44,640 buckets: drawn as MAX_BARS bars, downs kept."""
    from slakit._results._credit_statement import MAX_BARS

    measure = sla.bucket_availability(bucket=sla.minutes(1), max_error_rate="50%")
    tier = sla.Tier("req", fee=sla.usd("100.00"), objectives=[measure >= "99%"])
    agreement = sla.Agreement(
        provider="Acme", customer="Globex", services=["api"], tier=tier, period=sla.monthly()
    )
    start = 1_790_812_800_000_000  # 2026-10-01T00:00:00Z
    minutes = np.arange(31 * 24 * 60, dtype=np.int64)
    times = np.repeat(start + minutes * 60_000_000, 2)  # two requests a minute
    status = np.full(times.shape, 200)
    status[2 * 1000 + 1] = 500  # one bucket half bad: at the bound (not over it), up
    status[2 * 2000 : 2 * 2000 + 2] = 500  # one bucket all bad: down
    services = np.full(times.shape, "api")
    table = sla.io.RequestTable.from_columns({"service": services, "time": times, "status": status})
    report = sla.evaluate(agreement, table, period="2026-10")
    ev = report.evidence("api")
    assert isinstance(ev, sla.RequestEvidence)
    assert ev.counts is not None
    assert len(ev.counts) == minutes.shape[0]
    assert int(ev.counts.down.sum()) == 1
    page = report.to_html()
    bars = page.count('class="mark bucket"') + page.count('class="mark bucket over"')
    assert bars == MAX_BARS
    assert page.count('class="mark bucket over"') == 1
    said = f"44,640 buckets held requests, 1 of them down; each of its {MAX_BARS} bars"
    assert said in report.to_markdown()


def test_an_amended_agreement_has_one_part_per_version_and_one_total() -> None:
    """Each version's part is a section of the same statement; the total is rounded once."""
    agreement = _agreement(["api"]).amend(
        "2026-10-16T04:00:00Z", title="price review", tier=TIER.derive("gold", fee=sla.usd("2000"))
    )
    events = [sla.Outage("api", "2026-10-20T00:00:00Z", "2026-10-20T12:00:00Z")]
    report = sla.evaluate_versions(agreement, events, period="2026-10")
    markdown = report.to_markdown()
    assert "## Version v1" in markdown
    assert "## Version v2 (price review)" in markdown
    assert f"- **Total credit**: **{report.total}**" in markdown
    page = report.to_html()
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # the parts' charts do not share ids


def test_a_large_statement_puts_the_breaches_first_and_grows_with_its_evidence() -> None:
    """A 600-service statement: breaches before the full table; size proportional to spans."""

    def size(outages: int) -> int:
        services = [f"svc-{i:04d}" for i in range(600)]
        events = [
            sla.Outage(services[i], "2026-10-03T10:00:00Z", "2026-10-03T11:00:00Z")
            for i in range(outages)
        ]
        report = sla.evaluate(_agreement(services, tz="UTC"), events, period="2026-10")
        markdown = report.to_markdown()
        assert markdown.index("### Breaches") < markdown.index("### Every service and objective")
        return len(report.to_html())

    small, large = size(10), size(100)
    per_service = (large - small) / 90
    assert per_service < 20_000  # a chart pair and a few rows per service with down time
    assert small < 600 * 2_500  # a quiet service costs a summary row and an appendix entry


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--format", "md"], "# Credit statement: Acme / Globex"),
        (["--format", "text"], "Credit statement: Acme / Globex\n==="),
        (["--format", "html"], "<!DOCTYPE html>"),
        (["--format", "json"], '"compliant": false'),
    ],
)
def test_slakit_report_prints_each_format(tmp_path: Path, args: list[str], needle: str) -> None:
    """``slakit report AGREEMENT EVENTS --period P --format F`` prints the statement."""
    agreement, events = _files(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    status = main(["report", str(agreement), str(events), "--period", "2026-10", *args], out=out)
    assert status == 0, err.getvalue()
    assert needle in out.getvalue()


def _files(tmp_path: Path) -> tuple[Path, Path]:
    agreement = tmp_path / "agreement.json"
    agreement.write_text(json.dumps(sla.to_data(_agreement(["api"]))), encoding="utf-8")
    events = tmp_path / "events.jsonl"
    events.write_text(
        '{"kind": "outage", "service": "api", "start": "2026-10-03T10:00:00Z", '
        '"end": "2026-10-03T12:00:00Z"}\n',
        encoding="utf-8",
    )
    return agreement, events


def test_slakit_report_writes_the_format_its_file_names(tmp_path: Path) -> None:
    """``-o statement.html`` writes HTML; an unknown extension is a usage error naming the fix."""
    agreement, events = _files(tmp_path)
    target = tmp_path / "statement.html"
    out = io.StringIO()
    base = ["report", str(agreement), str(events), "--period", "2026-10"]
    assert main([*base, "-o", str(target)], out=out) == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert f"wrote the html statement of 2026-10 to {target}" in out.getvalue()
    err = io.StringIO()
    assert main([*base, "-o", str(tmp_path / "statement.pdf")], err=err) == 2
    assert "give --format html, md, text or json" in err.getvalue()


def test_slakit_report_reads_inputs_with_input_format(tmp_path: Path) -> None:
    """The input format option is --input-format, since --format names the statement's."""
    agreement, events = _files(tmp_path)
    renamed = events.rename(tmp_path / "events.data")
    base = ["report", str(agreement), str(renamed), "--period", "2026-10", "--format", "md"]
    out, err = io.StringIO(), io.StringIO()
    assert main([*base, "--input-format", "jsonl"], out=out, err=err) == 0, err.getvalue()
    assert "**Total credit**: **100.00 USD**" in out.getvalue()
    err = io.StringIO()
    assert main([*base, "--input-format", "xml"], err=err) == 2
    assert "--input-format 'xml': 'xml' is not a format" in err.getvalue()


def test_slakit_verify_recomputes_the_fingerprint_and_the_total(tmp_path: Path) -> None:
    """The other party's copy verifies, even as CSV; one changed row is found, by input."""
    agreement, events = _files(tmp_path)
    statement = tmp_path / "statement.json"
    assert (
        main(["report", str(agreement), str(events), "--period", "2026-10", "-o", str(statement)])
        == 0
    )
    data = json.loads(statement.read_text(encoding="utf-8"))
    assert data["verify"]["fingerprint"].startswith("sha256:")
    assert set(data["verify"]["inputs"]) == {"events"}
    out = io.StringIO()
    assert main(["verify", str(statement), str(events)], out=out) == 0
    assert out.getvalue().endswith("verified: the statement matches these inputs\n")
    theirs = tmp_path / "theirs.csv"  # the same row, as the customer's monitoring exports it
    theirs.write_text(
        "kind,service,start,end\noutage,api,2026-10-03T12:00:00+02:00,2026-10-03T14:00:00+02:00\n",
        encoding="utf-8",
    )
    assert main(["verify", str(statement), str(theirs)], out=io.StringIO()) == 0
    changed = tmp_path / "changed.csv"
    changed.write_text(
        "kind,service,start,end\noutage,api,2026-10-03T10:00:00Z,2026-10-03T12:00:01Z\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert main(["verify", str(statement), str(changed)], out=out) == 1
    report = out.getvalue()
    assert "fingerprint: DIFFERS" in report
    assert "  events: DIFFERS\n" in report
    assert "total: matches (100.00 USD)" in report  # one second more pays the same
    assert report.endswith("not verified\n")


def test_slakit_verify_refuses_what_is_not_a_statement(tmp_path: Path) -> None:
    """A JSON file without a verify block is a usage error that says how to write one."""
    _, events = _files(tmp_path)
    plain = tmp_path / "report.json"
    plain.write_text('{"compensation": {}}', encoding="utf-8")
    err = io.StringIO()
    assert main(["verify", str(plain), str(events)], err=err) == 2
    assert "slakit report ... --format json" in err.getvalue()
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    err = io.StringIO()
    assert main(["verify", str(broken), str(events)], err=err) == 2
    assert "not a JSON statement" in err.getvalue()


def test_the_statement_shows_its_fingerprint() -> None:
    """Every form names the fingerprint the report computes."""
    report = readme_report()
    assert report.fingerprint is not None
    for form in (report.to_text(), report.to_markdown(), report.to_html()):
        assert report.fingerprint in form


def test_charts_are_drawn_for_the_largest_credits_only_and_only_for_html() -> None:
    """Thirty services down: 24 charted (the longest outages first), six counted in words."""
    services = [f"svc-{i:02d}" for i in range(30)]
    events = [
        sla.Outage(name, "2026-10-03T10:00:00Z", f"2026-10-03T11:{i:02d}:00Z")
        for i, name in enumerate(services)
    ]
    report = sla.evaluate(_agreement(services), events, period="2026-10")
    page = report.to_html()
    assert page.count('class="mark down"') == 24
    assert "6 more have down time, exclusions or ignored outages" in page
    assert "svc-29: uptime over 2026-10" in page  # the longest outage is charted
    assert "svc-00: uptime over 2026-10" not in page  # one of the six shortest is not
    assert "<svg" not in report.to_markdown()
