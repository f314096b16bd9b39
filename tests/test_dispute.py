"""Disputes: one agreement over two evidence sources, the spans they disagree on, the money."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
from slakit._cli import main
from slakit._engine._dispute import dispute
from slakit._results._dispute import STATES, Dispute, chart_range, dispute_svg
from slakit._time._instant import to_us

MINUTE = 60_000_000
#: October 2026 in UTC: 31 days, 44,640 minutes; 0.1% of it is 44.64 minutes.
OCTOBER = to_us("2026-10-01T00:00:00Z")

UPTIME = sla.uptime(
    min_outage=sla.minutes(1), excluding=[sla.scheduled_maintenance(notice=sla.days(5))]
)
SCHEDULE = sla.credit_schedule(UPTIME, {"< 99.9%": "10%", "< 99%": "25%"})


def _agreement(
    services: list[str], *, tz: str = "UTC", compensation: object = SCHEDULE
) -> sla.Agreement:
    tier = sla.Tier(
        "gold",
        fee=sla.usd("1000.00"),
        objectives=[UPTIME >= "99.9%"],
        compensation=compensation,
    )
    return sla.Agreement(
        provider="Acme",
        customer="Globex",
        services=services,
        tier=tier,
        period=sla.monthly(tz=tz),
    )


def _at(minute: int) -> str:
    """The instant ``minute`` minutes into October 2026, UTC, as ISO text."""
    return sla.Span(
        OCTOBER + minute * MINUTE, OCTOBER + minute * MINUTE + 1
    ).start_datetime.isoformat()


def _down(service: str, start: int, end: int) -> sla.Outage:
    """An outage from minute ``start`` to minute ``end`` of October."""
    return sla.Outage(service, _at(start), _at(end))


# --- what is disputed ---------------------------------------------------------------------------


def test_identical_sides_dispute_nothing() -> None:
    """The same outages on both sides: no span, equal credits, nothing at stake."""
    events = [_down("api", 100, 130), _down("db", 2000, 2100)]
    result = dispute(_agreement(["api", "db"]), events, list(events), period="2026-10")
    assert result.agrees
    assert result.spans == ()
    assert result.stake == 0
    assert [s.disputed for s in result.services] == [False, False]
    assert "evidence agrees on every span of every service" in result.to_markdown()


def test_a_span_only_theirs_counts_is_found_exactly_with_its_money() -> None:
    """Theirs adds 50 minutes ours lacks: found to the microsecond, worth the 10% band."""
    ours = [_down("api", 100, 130)]
    theirs = [_down("api", 100, 130), _down("api", 5000, 5050)]
    result = dispute(_agreement(["api"]), ours, theirs, period="2026-10")
    (span,) = result.spans
    assert (span.start, span.end) == (OCTOBER + 5000 * MINUTE, OCTOBER + 5050 * MINUTE)
    assert span.length_us == 50 * MINUTE == 3_000_000_000
    assert (span.ours, span.theirs, span.kind) == ("up", "down", "theirs only")
    api = result.service("api")
    assert (api.ours_credit, api.theirs_credit) == (Fraction(0), Fraction(100))
    assert api.difference == result.stake == Fraction(100)
    assert span.worth == Fraction(100)  # 80 minutes is below 99.9% of a 44,640-minute month
    lengths = api.measures[0].lengths()
    assert lengths == {
        "ours_only": 0,
        "theirs_only": 50 * MINUTE,
        "both": 30 * MINUTE,
        "excluded_ours_only": 0,
        "excluded_theirs_only": 0,
    }
    assert not result.agrees


def test_overlapping_spans_split_into_ours_only_both_and_theirs_only() -> None:
    """Ours 10:00-10:30, theirs 10:10-11:00: 10 minutes ours only, 20 both, 30 theirs only."""
    ours = [_down("api", 600, 630)]
    theirs = [_down("api", 610, 660)]
    result = dispute(_agreement(["api"]), ours, theirs, period="2026-10", worth=False)
    m = result.service("api").measures[0]
    assert list(m.ours_only) == [sla.Span(OCTOBER + 600 * MINUTE, OCTOBER + 610 * MINUTE)]
    assert list(m.both) == [sla.Span(OCTOBER + 610 * MINUTE, OCTOBER + 630 * MINUTE)]
    assert list(m.theirs_only) == [sla.Span(OCTOBER + 630 * MINUTE, OCTOBER + 660 * MINUTE)]
    assert [(s.ours, s.theirs) for s in m.spans] == [("down", "up"), ("up", "down")]
    assert [s.worth for s in m.spans] == [None, None]  # worth=False prices nothing


def test_time_excluded_by_one_side_only_is_disputed() -> None:
    """Ours accepts a maintenance notice theirs never got: its hour is disputed both ways."""
    notice = sla.Maintenance("api", _at(3000), _at(3060), "2026-09-20T00:00:00Z")
    outage = _down("api", 3000, 3060)
    result = dispute(_agreement(["api"]), [outage, notice], [outage], period="2026-10")
    (span,) = result.spans
    assert (span.ours, span.theirs, span.kind) == ("excluded", "down", "theirs only")
    m = result.service("api").measures[0]
    assert m.lengths()["excluded_ours_only"] == 60 * MINUTE
    # ours without the notice over that hour counts the outage: 60 minutes, below 99.9%
    assert span.worth == Fraction(100)


def test_down_time_takes_precedence_over_an_exclusion_counted_as_bad() -> None:
    """Maintenance counted as bad time is down on ours' side: one span, 'down' against 'up'."""
    bad = sla.uptime(excluding=[sla.scheduled_maintenance(accounting="bad")])
    tier = sla.Tier(
        "gold",
        fee=sla.usd("1000.00"),
        compensation=sla.credit_schedule(bad, {"< 99.9%": "10%"}),
    )
    agreement = sla.Agreement(provider="Acme", customer="Globex", services=["api"], tier=tier)
    notice = sla.Maintenance("api", _at(3000), _at(3060), "2026-09-20T00:00:00Z")
    result = dispute(agreement, [notice], [], period="2026-10")
    (span,) = result.spans
    assert (span.ours, span.theirs, span.length_us) == ("down", "up", 60 * MINUTE)
    assert span.worth == Fraction(-100)


def test_credits_that_differ_by_weight_alone_are_named() -> None:
    """Degraded on ours' side, down on theirs: the same spans, different credits, said so."""
    weighted = sla.uptime(states={"down": "100%", "degraded": "50%"})
    tier = sla.Tier(
        "gold",
        fee=sla.usd("1000.00"),
        compensation=sla.credit_schedule(weighted, {"< 99.9%": "10%"}),
    )
    agreement = sla.Agreement(provider="Acme", customer="Globex", services=["api"], tier=tier)
    ours = [sla.Outage("api", _at(0), _at(60), state="degraded")]  # weighs 30 minutes
    theirs = [_down("api", 0, 60)]
    result = dispute(agreement, ours, theirs, period="2026-10")
    assert result.spans == ()
    assert result.stake == Fraction(100)
    assert "The credits of api differ with no disputed span" in result.to_markdown()


def test_shared_inputs_are_given_to_both_sides() -> None:
    """A notice in ``shared`` excludes the hour on both sides: nothing is disputed."""
    notice = sla.Maintenance("api", _at(3000), _at(3060), "2026-09-20T00:00:00Z")
    outage = _down("api", 3000, 3060)
    result = dispute(
        _agreement(["api"]),
        [outage],
        sla.EventTable.from_records([outage]),
        shared=[notice],
        period="2026-10",
    )
    assert result.agrees
    assert result.spans == ()
    assert result.service("api").measures[0].ours.excluded.measure() == 60 * MINUTE


# --- what a span is worth -----------------------------------------------------------------------


def test_a_span_that_crosses_a_band_is_worth_the_band_and_one_that_does_not_nothing() -> None:
    """Ours has 40 minutes down; alone, 2 more minutes stay above 99.9%, 10 more do not."""
    ours = [_down("api", 100, 140)]
    theirs = [_down("api", 100, 140), _down("api", 1000, 1002), _down("api", 2000, 2010)]
    result = dispute(_agreement(["api"]), ours, theirs, period="2026-10")
    short, long = result.spans
    assert short.length_us == 2 * MINUTE
    assert short.worth == 0  # 42 minutes: 99.906%, no credit
    assert long.worth == Fraction(100)  # 50 minutes: 99.888%, the 10% band
    assert result.service("api").worth_by == "service"


def test_worths_do_not_add_up_across_a_band() -> None:
    """Two 3-minute spans are worth nothing alone, and 100.00 USD together."""
    ours = [_down("api", 100, 140)]
    theirs = [*ours, _down("api", 1000, 1003), _down("api", 2000, 2003)]
    result = dispute(_agreement(["api"]), ours, theirs, period="2026-10")
    assert [s.worth for s in result.spans] == [0, 0]
    assert result.stake == Fraction(100)


def test_a_span_only_ours_counts_has_a_negative_worth_when_it_holds_the_band() -> None:
    """Ours' extra hour is what puts it under 99.9%: replacing it by theirs' view pays less."""
    ours = [_down("api", 100, 160)]
    theirs: list[sla.Outage] = []
    result = dispute(_agreement(["api"]), ours, theirs, period="2026-10")
    (span,) = result.spans
    assert (span.kind, span.worth) == ("ours only", Fraction(-100))
    assert result.stake == Fraction(-100)


def test_coupled_services_are_priced_on_the_whole_agreement() -> None:
    """A cap across services couples them: each span is worth a whole evaluation, same money."""
    capped = sla.cap(SCHEDULE, at_most="50%", across="services")
    ours = [_down("api", 100, 130)]
    theirs = [_down("api", 100, 130), _down("api", 5000, 5050)]
    alone = dispute(_agreement(["api", "db"]), ours, theirs, period="2026-10")
    coupled = dispute(
        _agreement(["api", "db"], compensation=capped), ours, theirs, period="2026-10"
    )
    assert coupled.service("api").worth_by == "agreement"
    assert [s.worth for s in coupled.spans] == [s.worth for s in alone.spans] == [Fraction(100)]
    assert any("cap across services" in note for note in coupled.notes)


def test_the_worth_budget_leaves_later_spans_unpriced_and_says_so() -> None:
    """With max_worth=1 the second span has no worth, and the notes say how many were left."""
    theirs = [_down("api", 1000, 1010), _down("api", 2000, 2010)]
    result = dispute(_agreement(["api"]), [], theirs, period="2026-10", max_worth=1)
    assert [s.worth is None for s in result.spans] == [False, True]
    assert any("1 span has no worth" in note for note in result.notes)
    assert "not computed" in result.to_text()


def test_a_period_split_by_an_amendment_is_compared_version_by_version() -> None:
    """An amendment within the period: one part per version; a later period, the one in force."""
    agreement = _agreement(["api"]).amend(
        "2026-10-16T00:00:00Z", title="price review", fees={"api": sla.usd("2000.00")}
    )
    split = dispute(agreement, [], [], period="2026-10")
    assert split.versions == ("v1", "v2 (price review)")
    assert split.version == ""
    assert split.agrees
    november = 31 * 24 * 60  # minutes from the start of October
    theirs = [_down("api", november, november + 60)]
    later = dispute(agreement, [], theirs, period="2026-11")
    assert later.version == "v2 (price review)"
    assert later.stake == Fraction(200)  # 10% of the amended fee
    assert "version v2 (price review)" in later.to_text()


# --- laws ---------------------------------------------------------------------------------------

_minutes = st.tuples(st.integers(0, 600), st.integers(1, 90)).map(lambda p: (p[0], p[0] + p[1]))
#: A side: outages and maintenance notices (announced in time), in minutes of October.
_sides = st.tuples(st.lists(_minutes, max_size=4), st.lists(_minutes, max_size=2))


def _events(side: tuple[list[tuple[int, int]], list[tuple[int, int]]]) -> list[sla.Event]:
    outages, notices = side
    return [_down("api", a, b) for a, b in outages] + [
        sla.Maintenance("api", _at(a), _at(b), "2026-09-01T00:00:00Z") for a, b in notices
    ]


@settings(max_examples=25, deadline=None)
@given(ours=_sides, theirs=_sides)
def test_the_columns_add_up_and_swapping_sides_swaps_them(
    ours: tuple[list[tuple[int, int]], list[tuple[int, int]]],
    theirs: tuple[list[tuple[int, int]], list[tuple[int, int]]],
) -> None:
    """Ours only + both is ours' down time; swapping the sides swaps the columns and states."""
    agreement = _agreement(["api"])
    mine, other = _events(ours), _events(theirs)
    forward = dispute(agreement, mine, other, period="2026-10", worth=False)
    backward = dispute(agreement, other, mine, period="2026-10", worth=False)
    f, b = forward.service("api").measures[0], backward.service("api").measures[0]
    lengths, swapped = f.lengths(), b.lengths()
    assert lengths["ours_only"] + lengths["both"] == f.ours.down.measure()
    assert lengths["theirs_only"] + lengths["both"] == f.theirs.down.measure()
    assert (swapped["ours_only"], swapped["theirs_only"], swapped["both"]) == (
        lengths["theirs_only"],
        lengths["ours_only"],
        lengths["both"],
    )
    assert (swapped["excluded_ours_only"], swapped["excluded_theirs_only"]) == (
        lengths["excluded_theirs_only"],
        lengths["excluded_ours_only"],
    )
    assert [(s.start, s.end, s.theirs, s.ours) for s in f.spans] == [
        (s.start, s.end, s.ours, s.theirs) for s in b.spans
    ]
    assert forward.stake == -backward.stake
    down = [s for s in f.spans if "down" in (s.ours, s.theirs)]
    assert sum(s.length_us for s in down) == (f.ours.down ^ f.theirs.down).measure()
    # the sweep finds what the algebra of the two sides' states says, pair by pair
    within = sla.Timeline([(forward.start, forward.end)])
    mine, theirs_states = f.ours.states(within), f.theirs.states(within)
    for a in STATES:
        for b in STATES:
            found = sla.Timeline(
                [(s.start, s.end) for s in f.spans if (s.ours, s.theirs) == (a, b)]
            )
            assert found == (sla.Timeline() if a == b else mine[a] & theirs_states[b])


# --- renderings ---------------------------------------------------------------------------------


def _example(tz: str = "America/New_York") -> Dispute:
    agreement = _agreement(["api", "db", "web"], tz=tz)
    ours = [_down("api", 600, 630)]
    theirs = [_down("api", 610, 660), _down("db", 5000, 5480)]
    return dispute(
        agreement,
        ours,
        theirs,
        period="2026-10",
        ours_source="provider.csv",
        theirs_source="customer.csv",
    )


def test_every_format_says_the_totals_and_every_span() -> None:
    """Text, Markdown and HTML name both totals, the stake and each span in its zone and UTC."""
    result = _example()
    for form in (result.to_text(), result.to_markdown(), result.to_html()):
        assert "350.00 USD" in form  # theirs' credit
        assert "+350.00 USD" in form  # at stake
        assert "2026-10-01 06:10:00 EDT" in form  # the end of ours-only, api, in New York
        assert "2026-10-01 10:10:00Z" in form  # ... and in UTC
        assert "2026-10-04 07:20:00 EDT" in form  # db, theirs only, from 11:20Z
        assert "provider.csv" in form
    markdown = result.to_markdown()
    assert markdown.startswith("# Dispute: Acme / Globex\n")
    assert re.findall(r"^#{2,3} (.+)$", markdown, flags=re.MULTILINE) == [
        "Summary",
        "Credits (USD)",
        "Time in dispute",
        "Disputed spans",
        "Service api",
        "Service db",
        "How the figures are made",
    ]


def test_the_html_is_self_contained_with_a_mark_per_span() -> None:
    """No script, link or URL; each chart has one mark per span of each kind and parses as XML."""
    page = _example().to_html()
    assert page.startswith("<!DOCTYPE html>")
    for banned in ("<script", "<link", "<img", "@import", "url(", "src=", "href="):
        assert banned not in page, banned
    assert set(re.findall(r"https?://[^\s\"']+", page)) == {"http://www.w3.org/2000/svg"}
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.DOTALL)
    assert len(svgs) == 2  # api and db; web is not disputed
    for svg in svgs:
        ET.fromstring(svg)
    assert page.count('class="mark ours-only"') == 1
    assert page.count('class="mark theirs-only"') == 2
    assert page.count('class="mark both"') == 1
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_the_chart_draws_one_element_per_span_and_rejects_a_bad_ident() -> None:
    """dispute_svg: marks by class, legend only for layers present, ids prefixed."""
    day = 86_400_000_000
    svg = dispute_svg(
        title="api <& co>",
        start=OCTOBER,
        end=OCTOBER + 31 * day,
        tz="UTC",
        outside=([], []),
        ours_excluded=([OCTOBER + day], [OCTOBER + 2 * day]),
        theirs_excluded=([], []),
        both=([OCTOBER + 3 * day, OCTOBER + 5 * day], [OCTOBER + 4 * day, OCTOBER + 6 * day]),
        ours_only=([], []),
        theirs_only=([OCTOBER + 7 * day], [OCTOBER + 7 * day + 1]),
        ident="x",
    )
    ET.fromstring(svg)
    assert svg.count('class="mark both"') == 2
    assert svg.count('class="mark theirs-only"') == 1
    assert svg.count('class="mark excluded ours"') == 1
    assert "mark ours-only" not in svg
    assert svg.count('class="swatch') == 4  # up, excluded, both, one side only: those drawn
    assert "Outside service hours" not in svg  # no legend entry without a mark
    assert re.findall(r'id="([^"]+)"', svg) == ["x-title"]
    assert "api &lt;&amp; co&gt;" in svg
    with pytest.raises(ValueError, match="not an id prefix"):
        dispute_svg(
            title="t",
            start=OCTOBER,
            end=OCTOBER + day,
            tz="UTC",
            outside=([], []),
            ours_excluded=([], []),
            theirs_excluded=([], []),
            both=([], []),
            ours_only=([], []),
            theirs_only=([], []),
            ident="1-bad",
        )


def test_a_chart_shows_the_disputed_spans_up_close_or_the_whole_period() -> None:
    """Spans within a day are drawn around their hull; spans weeks apart, over the period."""
    close = dispute(_agreement(["api"]), [], [_down("api", 600, 630)], period="2026-10")
    m = close.service("api").measures[0]
    assert chart_range(close, m) == (OCTOBER + 540 * MINUTE, OCTOBER + 690 * MINUTE)  # an hour
    assert "2026-10-01 09:00:00Z to 2026-10-01 11:30:00Z, around the disputed spans" in (
        close.to_text().replace("\n", " ")
    )
    apart = [_down("api", 600, 630), _down("api", 30_000, 30_030)]
    spread = dispute(_agreement(["api"]), [], apart, period="2026-10")
    m = spread.service("api").measures[0]
    assert chart_range(spread, m) == (spread.start, spread.end)
    assert "the period 2026-10" in spread.to_markdown()


def test_the_json_holds_exact_numbers_as_strings() -> None:
    """Amounts exact and rounded as strings, lengths in integer microseconds, instants in UTC."""
    data = json.loads(json.dumps(_example("UTC").to_dict()))
    assert data["form"] == "slakit-dispute/1"
    assert data["agrees"] is False
    assert data["at_stake"] == {"exact": "350", "amount": "350.00"}
    api = data["services"][0]
    assert api["difference"] == {"exact": "100", "amount": "100.00"}
    m = api["measures"][0]
    assert (m["ours_only_us"], m["both_us"], m["theirs_only_us"]) == (
        10 * MINUTE,
        20 * MINUTE,
        30 * MINUTE,
    )
    assert m["spans"][1] == {
        "start": "2026-10-01T10:30:00Z",
        "end": "2026-10-01T11:00:00Z",
        "length_us": 30 * MINUTE,
        "ours": "up",
        "theirs": "down",
        "kind": "theirs only",
        "worth_exact": "100",
        "worth": "100.00",
    }


def test_a_dispute_prices_spans_of_many_services_one_service_at_a_time() -> None:
    """300 services, one disputed span each: every worth is priced on its own service."""
    services = [f"svc-{i:03d}" for i in range(300)]
    theirs = [_down(s, 100 + i, 160 + i) for i, s in enumerate(services)]
    result = dispute(_agreement(services), [], theirs, period="2026-10")
    assert len(result.spans) == 300
    assert {s.worth for s in result.spans} == {Fraction(100)}
    assert {s.worth_by for s in result.services} == {"service"}
    assert result.stake == 300 * Fraction(100)


# --- the command line ---------------------------------------------------------------------------


def _run(argv: list[str]) -> tuple[int, str, str]:
    """Run ``slakit dispute`` through the command line's own entry point."""
    out, err = io.StringIO(), io.StringIO()
    status = main(["dispute", *argv], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def _files(tmp_path: Path) -> dict[str, Path]:
    agreement = tmp_path / "agreement.json"
    agreement.write_text(json.dumps(sla.to_data(_agreement(["api"]))), encoding="utf-8")
    ours = tmp_path / "ours.csv"
    ours.write_text(
        "kind,service,start,end\noutage,api,2026-10-03T10:00:00Z,2026-10-03T10:30:00Z\n",
        encoding="utf-8",
    )
    theirs = tmp_path / "theirs.jsonl"
    theirs.write_text(
        '{"kind": "outage", "service": "api", "start": "2026-10-03T10:00:00Z", '
        '"end": "2026-10-03T11:30:00Z"}\n',
        encoding="utf-8",
    )
    same = tmp_path / "same.csv"
    same.write_text(ours.read_text(encoding="utf-8"), encoding="utf-8")
    maintenance = tmp_path / "maintenance.csv"
    maintenance.write_text(
        "service,start,end,announced\napi,2026-10-03T10:30:00Z,2026-10-03T11:30:00Z,"
        "2026-09-01T00:00:00Z\n",
        encoding="utf-8",
    )
    return {
        "agreement": agreement,
        "ours": ours,
        "theirs": theirs,
        "same": same,
        "maintenance": maintenance,
    }


def test_slakit_dispute_exits_0_when_the_credits_agree(tmp_path: Path) -> None:
    """The same outage on both sides: exit status 0, the text says they agree."""
    f = _files(tmp_path)
    status, out, err = _run(
        [
            str(f["agreement"]),
            "--ours",
            str(f["ours"]),
            "--theirs",
            str(f["same"]),
            "--period",
            "2026-10",
        ]
    )
    assert status == 0, err
    assert "imply the same credit for every service" in out


def test_slakit_dispute_exits_1_when_the_credits_differ(tmp_path: Path) -> None:
    """Theirs' extra hour crosses the band: exit status 1, the stake on stderr and in JSON."""
    f = _files(tmp_path)
    base = [str(f["agreement"]), "--ours", str(f["ours"]), "--theirs", str(f["theirs"])]
    status, out, err = _run([*base, "--period", "2026-10", "--format", "json"])
    assert status == 1
    assert json.loads(out)["at_stake"]["amount"] == "100.00"
    assert "the sides disagree: ours 0.00 USD, theirs 100.00 USD" in err
    # a notice both accept excludes the disputed hour: the credits agree again
    status, out, err = _run([*base, "--maintenance", str(f["maintenance"]), "--period", "2026-10"])
    assert status == 0, err


def test_slakit_dispute_reads_monitoring_exports_as_outages(tmp_path: Path) -> None:
    """--kind outages reads files without a kind column; --columns renames an export's own."""
    f = _files(tmp_path)
    ours = tmp_path / "ours-export.csv"
    ours.write_text(
        "service,began,ended\napi,2026-10-03T10:00:00Z,2026-10-03T10:30:00Z\n", encoding="utf-8"
    )
    theirs = tmp_path / "theirs-export.csv"
    theirs.write_text(
        "service,began,ended\napi,2026-10-03T10:00:00Z,2026-10-03T11:30:00Z\n", encoding="utf-8"
    )
    status, out, err = _run(
        [
            *(str(f["agreement"]), "--ours", str(ours), "--theirs", str(theirs)),
            *("--kind", "outages", "--columns", "outages:start=began,end=ended"),
            *("--period", "2026-10", "--format", "json"),
        ]
    )
    assert status == 1, err
    assert json.loads(out)["services"][0]["measures"][0]["theirs_only_us"] == 60 * MINUTE


@pytest.mark.parametrize(
    ("fmt", "needle"),
    [
        ("md", "# Dispute: Acme / Globex"),
        ("text", "Dispute: Acme / Globex\n==="),
        ("html", "<!DOCTYPE html>"),
        ("json", '"form": "slakit-dispute/1"'),
    ],
)
def test_slakit_dispute_writes_each_format(tmp_path: Path, fmt: str, needle: str) -> None:
    """--format picks the form; -o writes it to a file and says so."""
    f = _files(tmp_path)
    base = [str(f["agreement"]), "--ours", str(f["ours"]), "--theirs", str(f["theirs"])]
    status, out, _ = _run([*base, "--period", "2026-10", "--format", fmt])
    assert status == 1
    assert needle in out
    target = tmp_path / f"dispute.{ {'text': 'txt'}.get(fmt, fmt) }"
    status, out, _ = _run([*base, "--period", "2026-10", "-o", str(target)])
    assert status == 1
    assert needle in target.read_text(encoding="utf-8")
    assert f"wrote the {fmt} dispute of 2026-10 to {target}" in out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # a missing file is named
        ({"--theirs": "missing.csv"}, "missing.csv: no such file"),
        # an unknown period
        ({"--period": "2026-13"}, "2026-13"),
        # rows that are not outages name the file and line
        ({"--ours": "bad.csv"}, "bad.csv:2"),
        # a monitoring export without a kind column: read it as outages
        ({"--ours": "export.csv"}, "or, when every row is an outage, give --kind outages"),
        # an output format that cannot be told from the extension
        ({"-o": "dispute.pdf"}, "give --format html, md, text or json"),
    ],
)
def test_slakit_dispute_exits_2_on_bad_input(
    tmp_path: Path, change: dict[str, str], message: str
) -> None:
    """Bad input is one message naming the file (and line) and the fix, exit status 2."""
    f = _files(tmp_path)
    (tmp_path / "bad.csv").write_text(
        "kind,service,start,end\noutage,api,2026-10-03T10:00:00Z,yesterday\n", encoding="utf-8"
    )
    (tmp_path / "export.csv").write_text(
        "service,start,end\napi,2026-10-03T10:00:00Z,2026-10-03T10:30:00Z\n", encoding="utf-8"
    )
    options = {"--ours": str(f["ours"]), "--theirs": str(f["theirs"]), "--period": "2026-10"}
    for option, value in change.items():
        options[option] = value if option == "--period" else str(tmp_path / value)
    argv = [str(f["agreement"])]
    for option, value in options.items():
        argv += [option, value]
    status, out, err = _run(argv)
    assert status == 2, err
    assert out == ""
    assert message in err
    assert "Traceback" not in err
