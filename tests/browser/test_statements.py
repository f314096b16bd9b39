"""Credit statements in a real browser: no console errors, the charts' marks, totals, a PDF."""

from __future__ import annotations

from pathlib import Path

import slakit as sla
from tests.browser.chromium import open_page, pdf_pages, print_to_pdf, screenshot
from tests.statement_examples import EXAMPLES, readme_report


def _statement() -> sla.Report:
    """A month in New York for three services: down time, an exclusion, a short outage."""
    uptime = sla.uptime(
        min_outage=sla.minutes(1), excluding=[sla.scheduled_maintenance(notice=sla.days(5))]
    )
    tier = sla.Tier(
        "gold",
        fee=sla.usd("1000.00"),
        objectives=[uptime >= "99.9%"],
        compensation=sla.credit_schedule(uptime, {"< 99.9%": "10%", "< 99%": "25%"}),
    )
    agreement = sla.Agreement(
        provider="Acme",
        customer="Globex",
        services=["api", "db", "web"],
        tier=tier,
        period=sla.monthly(tz="America/New_York"),
    )
    events = [
        sla.Outage("api", "2026-10-03T10:00:00Z", "2026-10-03T11:00:00Z"),
        sla.Outage("api", "2026-10-05T10:00:00Z", "2026-10-05T20:30:00Z"),
        sla.Outage("db", "2026-10-07T10:00:00Z", "2026-10-07T10:00:30Z"),
        sla.Maintenance("db", "2026-10-10T02:00:00Z", "2026-10-10T04:00:00Z", "2026-10-01T00:00Z"),
        sla.Outage("web", "2026-10-31T23:00:00Z", "2026-11-01T01:00:00Z"),
    ]
    return sla.evaluate(agreement, events, period="2026-10")


def test_a_statement_renders_without_errors_and_prints(
    chromium: str, tmp_path: Path, artifacts: Path
) -> None:
    """The page loads cleanly, the timelines hold a mark per span, the total is in the text."""
    report = _statement()
    path = tmp_path / "statement.html"
    path.write_text(report.to_html(), encoding="utf-8")
    page = open_page(path, executable=chromium)
    assert page.errors == ()
    assert page.requests == ()
    assert str(report.total) in page.text
    assert (
        page.count_in_svg("mark down") == 3
    )  # api twice, web once (all inside the New York month)
    assert page.count_in_svg("mark excluded") == 1
    assert page.count_in_svg("mark ignored") == 1
    assert page.count_in_svg("mark burn") == 2  # api and web spent budget
    assert "Appendix: evidence" in page.text
    pdf = artifacts / "statement.pdf"
    print_to_pdf(path, pdf, executable=chromium)
    assert pdf_pages(pdf) >= 2
    png = artifacts / "statement.png"
    screenshot(path, png, executable=chromium)
    assert png.read_bytes().startswith(b"\x89PNG")


def test_the_readme_example_statement_renders(chromium: str, artifacts: Path) -> None:
    """docs/examples/statement.html, as checked in, opens cleanly and shows its total."""
    path = EXAMPLES / "statement.html"
    page = open_page(path, executable=chromium)
    assert page.errors == ()
    assert str(readme_report().total) in page.text
    assert page.count_in_svg("mark down") == 1
    assert page.count_in_svg("mark excluded") == 1
    assert page.count_in_svg("mark ignored") == 1
    pdf = artifacts / "readme-statement.pdf"
    print_to_pdf(path, pdf, executable=chromium)
    assert pdf_pages(pdf) >= 1


def test_the_agreement_document_renders_without_errors(
    chromium: str, tmp_path: Path, artifacts: Path
) -> None:
    """The schedule of an office-hours agreement: words, not DSL calls; clean page; a PDF."""
    hours = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin") - sla.holidays("DE", subdiv="BE")
    office = sla.uptime(during=hours)
    tier = sla.Tier(
        "office",
        fee=sla.eur("500.00"),
        objectives=[office >= "99%"],
        compensation=sla.cap(sla.credit_schedule(office, {"< 99%": "10%"}), at_most="50%"),
    )
    agreement = sla.Agreement(
        provider="Acme",
        customer="Globex",
        services=["api"],
        tier=tier,
        effective="2026-01-01T00:00:00Z",
        period=sla.monthly(tz="Europe/Berlin"),
    )
    path = tmp_path / "agreement.html"
    path.write_text(sla.render_schedule(agreement, "html"), encoding="utf-8")
    page = open_page(path, executable=chromium)
    assert page.errors == ()
    assert page.requests == ()
    assert "Monday to Friday, 08:00 to 18:00 (Europe/Berlin time)" in page.text
    assert "German Unity Day" in page.text
    assert "weekly(" not in page.text
    pdf = artifacts / "agreement.pdf"
    print_to_pdf(path, pdf, executable=chromium)
    assert pdf_pages(pdf) >= 1
