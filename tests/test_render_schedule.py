"""The agreement as a schedule: the README's example, every section, Markdown and HTML."""

from __future__ import annotations

import pytest

import slakit as sla
from slakit.exceptions import DefinitionError
from tests.examples import readme_agreement


def test_readme_schedule_has_its_key_numbers() -> None:
    """The README agreement's schedule states the fee, target, bands, exclusion and minimum."""
    text = sla.render_schedule(readme_agreement())
    assert text.startswith("# Service level agreement: Acme Cloud / Globex\n")
    assert "Fee per service and period: **10,000.00 USD**." in text
    assert "| uptime | uptime >= 99.99% | >= 99.99% |" in text
    assert "| below 95% | (-inf, 95%) | 100% |" in text
    assert "| at least 95% and below 99% | [95%, 99%) | 30% |" in text
    assert "| at least 99% and below 99.99% | [99%, 99.99%) | 10% |" in text
    assert "consecutive downtime shorter than 1 minute is ignored" in text
    assert "buckets of 1 minute" in text
    assert "- scheduled maintenance, announced at least 5 days ahead is removed" in text
    assert "**Billing periods**: calendar months in Europe/Berlin time" in text
    assert "| eu-central-1 |  |  | at all times |  |" in text
    assert "`" not in text.replace("`uptime`", "")  # no DSL call anywhere


def test_html_is_escaped_and_complete() -> None:
    """HTML output is a standalone page; names with markup are escaped."""
    agreement = sla.Agreement(
        provider="A <b>&</b> Co",
        customer="Globex",
        services=["api"],
        tier=readme_agreement().tier,
    )
    page = sla.render_schedule(agreement, "html")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>A &lt;b&gt;&amp;&lt;/b&gt; Co / Globex</title>" in page
    assert "<strong>Provider</strong>: A &lt;b&gt;&amp;&lt;/b&gt; Co" in page
    assert "<td>at least 99% and below 99.99%</td>" in page
    assert "<em>no data</em>" in page
    assert page.rstrip().endswith("</html>")
    with pytest.raises(DefinitionError, match="must be 'md' or 'html'"):
        sla.render_schedule(agreement, "pdf")  # type: ignore[arg-type]


def test_full_schedule_sections() -> None:
    """Parties, catalogue, claims, other credit rules, reporting, versions all appear."""
    office = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin")
    uptime = sla.uptime(during=office)
    p1 = sla.response_time(priority="P1", within=sla.hours(1), clock=office)
    tier = sla.Tier(
        "gold",
        fee=sla.eur("500.00"),
        objectives=[uptime >= "99.5%", p1.on_time_ratio() >= "95%"],
        compensation=sla.claim_required(
            sla.cap(
                sla.credit_schedule(uptime, {"< 99.5%": "10%"})
                + sla.per_breach(p1.on_time_ratio() >= "95%", sla.eur("50")),
                at_most="50%",
            ),
            sla.within_days(sla.days(30)),
        ),
        no_data="met",
    )
    agreement = sla.Agreement(
        provider="Acme",
        customer="Globex",
        services=["api"],
        tier=tier,
        effective="2026-01-01T00:00:00Z",
        name="Gold support | API",
        parties=[
            sla.party("Pingdom", role="measurement authority", responsible_for=["api"]),
            sla.party("DC Ltd", role="subcontractor", underpinning="UC-7", passes_credits=True),
        ],
        catalogue=[
            sla.service(
                "api", description="Public API", components=["web", "db"], hours=office, group="Ops"
            )
        ],
        reporting=sla.reporting(every="month", due=sla.days(5), contents=["uptime", "credits"]),
    ).amend("2026-07-01T00:00:00Z", title="new fee", tier=tier.derive("gold", fee=sla.eur("450")))
    text = sla.render_schedule(agreement)
    assert "# Service level agreement: Gold support | API" in text
    assert "- Pingdom, measurement authority, responsible for api" in text
    assert "- DC Ltd, subcontractor, under UC-7; passes the credits its part causes" in text
    assert (
        "| api | Public API | web, db | Monday to Friday, 08:00 to 18:00 (Europe/Berlin time) |"
        in text
    )
    assert "| Ops |" in text
    assert "**Effective**: 2026-01-01T00:00:00Z" in text
    assert "counts as **met**" in text
    assert "- Credits are paid only on a claim filed within 30 days after the period ends." in text
    assert "cap of 50% of the fee per period" in text
    assert "A report every month, due 5 days after it ends, with: uptime; credits." in text
    assert "- v2 (new fee): in force from 2026-07-01T00:00:00Z. Changes: $.tier.fee.amount" in text
    assert "### Tier gold, from v2 (new fee) on" in text
    assert "Fee per service and period: **450 EUR**." in text
    assert "**P1 response time on time**" in text or "on time" in text


def test_tiers_side_by_side() -> None:
    """Tier.compare lines up fees, targets and credit bands of several tiers."""
    gold = readme_agreement().tier
    silver = gold.derive(
        "silver", fee=sla.usd("5000.00"), objectives=[sla.uptime() >= "99.9%"], compensation=None
    )
    table = gold.compare(silver)
    assert table.splitlines()[0] == "| | region | silver |"
    assert "| fee | 10,000.00 USD | 5,000.00 USD |" in table
    assert "| uptime | >= 99.99% | >= 99.9% |" in table
    assert (
        "| credits | below 95%: 100%; at least 95% and below 99%: 30%; at least 99% and below"
        in table
    )
    assert table.rstrip().endswith("| - |") is False
    bonus = gold.derive("bonus", compensation=sla.per_breach(sla.uptime() >= "99%", sla.usd("9")))
    assert "per_breach(" not in bonus.compare(gold)
    assert "| credits | 9 USD per breach of uptime >= 99% | below 95%: 100%;" in bonus.compare(gold)


def test_service_hours_are_words_with_their_holidays_named() -> None:
    """A business-hours measure's window is described, not 'always', and its holidays named."""
    hours = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin") - sla.holidays("DE", subdiv="BE")
    office = sla.uptime(during=hours)
    tier = sla.Tier(
        "office",
        fee=sla.eur("500.00"),
        objectives=[office >= "99%"],
        compensation=sla.claim_required(
            sla.credit_schedule(office, {"< 99%": "10%"})
            | sla.per_breach(office >= "99%", sla.eur("5")),
            sla.within_days(sla.days(30)),
        ),
    )
    agreement = sla.Agreement(
        provider="Acme",
        customer="Globex",
        services=["api"],
        tier=tier,
        effective="2026-01-01T00:00:00Z",
        period=sla.monthly(tz="Europe/Berlin"),
    )
    for text in (sla.render_schedule(agreement), sla.render_schedule(agreement, "html")):
        assert "uptime: Monday to Friday, 08:00 to 18:00 (Europe/Berlin time), except public" in (
            text
        )
        assert "always" not in text
        assert "2026-10-03" in text
        assert "German Unity Day" in text
        assert "the largest of: (the credit table on uptime" in text
        assert "paid only on a claim filed within 30 days" in text
        for call in ("sla.", "largest(", "weekly(", "holidays("):
            assert call not in text
