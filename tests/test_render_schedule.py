"""The agreement as a schedule: the README's example, every section, Markdown and HTML."""

from __future__ import annotations

import attrs
import pytest

import slakit as sla
from slakit._results._schedule import version_changes
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
    assert "v2 (new fee): in force from 2026-07-01T00:00:00Z:\n\n" in text
    assert "- Fee per service and period: was 500.00 EUR; now 450 EUR.\n" in text
    assert "$." not in text  # no data paths
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


def test_amendments_are_listed_in_words_and_no_change_is_left_out() -> None:
    """Each amendment's changes: services, fees, objectives, measures and credits in words."""
    up = sla.uptime()
    gold = sla.Tier(
        "gold",
        fee=sla.usd("3100.00"),
        objectives=[up >= "99%"],
        compensation=sla.credit_schedule(up, {"< 99%": "10%"}),
    )
    base = sla.Agreement(provider="P", customer="C", services=["s"], tier=gold)
    terms = base.amend(
        "2026-10-11T00:00:00Z",
        title="price review",
        services=["s", "t"],
        fees={"t": sla.usd("10.00")},
        tier=gold.derive(
            "gold",
            fee=sla.usd("6200.00"),
            objectives=[up >= "99.5%"],
            compensation=sla.credit_schedule(up, {"< 99.5%": "10%", "< 99%": "25%"}),
        ),
    )
    before, after = (v.agreement for v in terms.versions())
    assert version_changes(before, after) == [
        "Services added: t.",
        "Fee per service and period: was 3,100.00 USD; now 6,200.00 USD.",
        "Fee of t, a service added: 10.00 USD.",
        "Objective on uptime: was uptime >= 99%; now uptime >= 99.5%.",
        (
            "Service credits: was the credit table on uptime, as a share of the tier's fee: 10% "
            "below 99%; now the credit table on uptime, as a share of the tier's fee: 25% below "
            "99%, 10% at least 99% and below 99.5%."
        ),
    ]
    excluded = sla.uptime(excluding=[sla.scheduled_maintenance(notice=sla.days(5))])
    stricter = base.amend(
        "2026-10-11T00:00:00Z",
        tier=gold.derive(
            "gold",
            objectives=[excluded >= "99%"],
            compensation=sla.credit_schedule(excluded, {"< 99%": "10%"}),
        ),
    )
    changes = version_changes(*(v.agreement for v in stricter.versions()))
    assert changes == [
        (
            "How uptime is measured: was Uptime is 1 - (down time / eligible time) over the "
            "period; now Uptime is 1 - (down time / eligible time) over the period; scheduled "
            "maintenance, announced at least 5 days ahead is removed from downtime and eligible "
            "time."
        )
    ]
    rounded = base.amend("2026-10-11T00:00:00Z", rounding=sla.Rounding("down"))
    (change,) = version_changes(*(v.agreement for v in rounded.versions()))
    assert change.startswith("Rounding: was ")
    text = sla.render_schedule(terms, "md")
    assert "- Services added: t.\n" in text
    assert "$." not in text


def test_a_change_the_sentences_do_not_cover_is_named_by_its_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two terms that read alike but differ in data still show up, by field."""
    up = sla.uptime()
    gold = sla.Tier("gold", fee=sla.usd("100.00"), objectives=[up >= "99%"])
    base = sla.Agreement(provider="P", customer="C", services=["s"], tier=gold)
    after = attrs.evolve(
        base, tier=attrs.evolve(gold, objectives=(sla.uptime(min_outage=sla.minutes(1)) >= "99%",))
    )
    assert version_changes(base, after)[0].startswith("How uptime is measured: was ")
    monkeypatch.setattr(type(up), "describe", lambda self: "uptime, in words that hide a change")
    assert version_changes(base, after) == ["Changed: tier, objective 1, measure, min outage."]


def test_an_amended_periods_statement_says_what_each_amendment_changed() -> None:
    """The statement of a period an amendment splits lists the amendment's changes in words."""
    gold = sla.Tier(
        "gold",
        fee=sla.usd("3100.00"),
        objectives=[sla.uptime() >= "99%"],
        compensation=sla.credit_schedule(sla.uptime(), {"< 99%": "10%"}),
    )
    terms = sla.Agreement(provider="P", customer="C", services=["s"], tier=gold).amend(
        "2026-10-11T00:00:00Z", title="price review", tier=gold.derive("gold", fee=sla.usd("6200"))
    )
    down = [sla.Outage("s", "2026-10-20T00:00:00Z", "2026-10-21T00:00:00Z")]
    report = sla.evaluate_versions(terms, down, period="2026-10")
    said = "What v2 (price review) changed:\n\n- Fee per service and period: was 3,100.00 USD; now "
    assert said + "6,200 USD.\n" in report.to_markdown()
    assert "What v2 (price review) changed:" in report.to_text()
    assert "<li>Fee per service and period: was 3,100.00 USD; now 6,200 USD.</li>" in (
        report.to_html()
    )


def test_a_change_inside_a_cap_reads_in_words() -> None:
    """An amount inside a sum under a cap changes: the credit rules before and after, in words."""
    up = sla.uptime()

    def tier(amount: str) -> sla.Tier:
        rule = sla.cap(
            sla.credit_schedule(up, {"< 99%": "10%"})
            + sla.per_breach(up >= "99.9%", sla.usd(amount)),
            at_most="50%",
        )
        return sla.Tier("g", fee=sla.usd("1000.00"), objectives=[up >= "99%"], compensation=rule)

    base = sla.Agreement(provider="P", customer="C", services=["s"], tier=tier("500"))
    amended = base.amend("2026-11-10T00:00:00Z", tier=tier("1000"))
    (change,) = version_changes(*(v.agreement for v in amended.versions()))
    assert change.startswith("Service credits: was cap of 50% of the fee per period, over (the sum")
    assert "(500 USD per breach of uptime >= 99.9%)" in change
    assert "(1,000 USD per breach of uptime >= 99.9%)" in change
    assert "Changed:" not in change
