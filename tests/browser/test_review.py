"""Service reviews in a real browser: no console errors, a mark per period, totals, a PDF."""

from __future__ import annotations

from pathlib import Path

import slakit as sla
from slakit._engine._review import review
from slakit._results._review import Review
from tests.browser.chromium import open_page, pdf_pages, print_to_pdf, screenshot

UPTIME = sla.uptime(min_outage=sla.minutes(1))
LONG = sla.uptime(min_outage=sla.minutes(10))  # a second objective: outages of 10 minutes on


def _review() -> Review:
    """A year in Berlin for three services, two objectives, an amendment in July."""
    gold = sla.Tier(
        "gold",
        fee=sla.eur("1000.00"),
        objectives=[UPTIME >= "99.9%", LONG >= "99.5%"],
        compensation=sla.credit_schedule(UPTIME, {"< 99.9%": "10%", "< 99%": "25%"}),
    )
    agreement = sla.Agreement(
        provider="Acme",
        customer="Globex",
        services=["api", "db", "web"],
        tier=gold,
        period=sla.monthly(tz="Europe/Berlin"),
    ).amend(
        "2026-07-01T00:00:00+02:00",
        title="renewal",
        tier=gold.derive("gold", fee=sla.eur("1500.00")),
    )
    events = [
        *(
            sla.Outage("api", f"2026-{m:02d}-10T00:00:00Z", f"2026-{m:02d}-10T02:00:00Z")
            for m in (2, 3, 4, 9, 11, 12)
        ),
        sla.Outage("db", "2026-05-31T21:30:00Z", "2026-05-31T22:30:00Z"),
        sla.Outage("web", "2026-08-03T10:00:00Z", "2026-08-03T16:00:00Z"),
    ]
    return review(agreement, events, start="2026-01", end="2026-12")


def test_a_review_renders_without_errors_and_prints(
    chromium: str, tmp_path: Path, artifacts: Path
) -> None:
    """The page loads cleanly; each trend has a point per period; the totals are in the text."""
    result = _review()
    path = tmp_path / "review.html"
    path.write_text(result.to_html(), encoding="utf-8")
    page = open_page(path, executable=chromium)
    assert page.errors == ()
    assert page.requests == ()
    assert len(result.trends) == 2
    assert page.count_in_svg("mark value") == 12 * 2  # one point per period and objective
    assert page.count_in_svg("mark value breached") == sum(
        1 for t in result.trends for p in t.points if p.breached
    )
    assert page.count_in_svg("mark target") == 2
    assert page.count_in_svg("mark credit") == 12
    assert str(result.total) in page.text
    assert "Chronic breaches" in page.text
    assert "v2 (renewal)" in page.text
    pdf = artifacts / "review.pdf"
    print_to_pdf(path, pdf, executable=chromium)
    assert pdf_pages(pdf) >= 1
    png = artifacts / "review.png"
    screenshot(path, png, executable=chromium)
    assert png.read_bytes().startswith(b"\x89PNG")
