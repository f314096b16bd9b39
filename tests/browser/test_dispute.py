"""A dispute in a real browser: no console errors, the chart's marks, the totals, a PDF."""

from __future__ import annotations

from pathlib import Path

import slakit as sla
from slakit._engine._dispute import dispute
from slakit._results._dispute import Dispute
from tests.browser.chromium import open_page, pdf_pages, print_to_pdf, screenshot


def _dispute() -> Dispute:
    """Three services in New York: split spans on api, theirs only on db, a notice on web."""
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
    web = sla.Outage("web", "2026-10-20T02:00:00Z", "2026-10-20T03:00:00Z")
    ours = [
        sla.Outage("api", "2026-10-03T10:00:00Z", "2026-10-03T10:30:00Z"),
        web,
        sla.Maintenance("web", "2026-10-20T02:00:00Z", "2026-10-20T03:00:00Z", "2026-10-01T00:00Z"),
    ]
    theirs = [
        sla.Outage("api", "2026-10-03T10:10:00Z", "2026-10-03T11:00:00Z"),
        sla.Outage("db", "2026-10-05T10:00:00Z", "2026-10-05T18:00:00Z"),
        web,
    ]
    return dispute(
        agreement,
        ours,
        theirs,
        period="2026-10",
        ours_source="ours.csv",
        theirs_source="theirs.csv",
    )


def test_a_dispute_renders_without_errors_and_prints(
    chromium: str, tmp_path: Path, artifacts: Path
) -> None:
    """The page loads cleanly; each chart holds a mark per span; both totals are in the text."""
    result = _dispute()
    path = tmp_path / "dispute.html"
    path.write_text(result.to_html(), encoding="utf-8")
    page = open_page(path, executable=chromium)
    assert page.errors == ()
    assert page.requests == ()
    for amount in (result.ours_total, result.theirs_total):
        assert str(result.rounded(amount)) in page.text
    assert f"+{result.rounded(result.stake)}" in page.text
    assert page.count_in_svg("mark ours-only") == 1  # api, 10:00-10:10Z
    assert page.count_in_svg("mark theirs-only") == 3  # api after ours, db, web's excluded hour
    assert page.count_in_svg("mark both") == 1  # api, 10:10-10:30Z
    assert page.count_in_svg("mark excluded ours") == 1  # web's notice, ours only
    assert page.count_in_svg("mark excluded theirs") == 0
    assert page.count_in_svg("mark") == 6  # nothing else in a chart is a mark
    assert "Disputed spans" in page.text
    pdf = artifacts / "dispute.pdf"
    print_to_pdf(path, pdf, executable=chromium)
    assert pdf_pages(pdf) >= 1
    png = artifacts / "dispute.png"
    screenshot(path, png, executable=chromium)
    assert png.read_bytes().startswith(b"\x89PNG")
