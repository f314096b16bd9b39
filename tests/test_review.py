"""Service reviews: every period of a range, read as trends, in HTML, Markdown, text and JSON."""

from __future__ import annotations

import datetime as dt
import io
import itertools
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
from slakit._engine._review import review
from slakit._results._review import Review, credits_svg, trend_svg
from slakit.exceptions import DefinitionError, PeriodError

UPTIME = sla.uptime(min_outage=sla.minutes(1))
GOLD = sla.Tier(
    "gold",
    fee=sla.usd("1000.00"),
    objectives=[UPTIME >= "99.9%"],
    compensation=sla.credit_schedule(UPTIME, {"< 99.9%": "10%", "< 99%": "25%"}),
)
AGREEMENT = sla.Agreement(
    provider="Acme",
    customer="Globex",
    services=["api", "db", "web"],
    tier=GOLD,
    period=sla.monthly(tz="UTC"),
)
YEAR = [f"2026-{m:02d}" for m in range(1, 13)]


#: The rows of every outage below, as written: for the command line's CSV file.
ROWS: list[tuple[str, str, str]] = []


def _outage(service: str, start: str, end: str) -> sla.Outage:
    ROWS.append((service, start, end))
    return sla.Outage(service, start, end)


#: A year of outages with known breaches (each month's target allows 43-44 minutes of down time).
EVENTS = [
    # api: missed in Feb-Apr (a run of 3), met in May, missed in Jun-Jul (a run of 2), and in
    # Nov-Dec (a run that reaches the end of the range); the longest outage is December's
    _outage("api", "2026-02-10T00:00:00Z", "2026-02-10T03:00:00Z"),
    *(
        _outage("api", f"2026-{m:02d}-10T00:00:00Z", f"2026-{m:02d}-10T02:00:00Z")
        for m in (3, 4, 6, 7, 11)
    ),
    _outage("api", "2026-12-10T00:00:00Z", "2026-12-10T04:00:00Z"),
    # db: one outage over the midnight that ends May (one outage, met in both months), and a
    # miss in September alone (no run)
    _outage("db", "2026-05-31T23:30:00Z", "2026-06-01T00:10:00Z"),
    _outage("db", "2026-09-03T10:00:00Z", "2026-09-03T12:00:00Z"),
    # web: eight short outages in October, the most of any service, all within the target
    *(
        _outage("web", f"2026-10-{d:02d}T08:00:00Z", f"2026-10-{d:02d}T08:02:00Z")
        for d in range(1, 9)
    ),
]


@pytest.fixture(scope="module")
def year() -> Review:
    """The review of the year above."""
    return review(AGREEMENT, EVENTS, start="2026-01", end="2026-12")


# --- the engine ---------------------------------------------------------------------------------


def test_values_per_period_are_those_of_evaluate(year: Review) -> None:
    """Every period's exact values, targets and verdicts are what ``evaluate()`` gives for it."""
    assert year.labels == tuple(YEAR)
    for label in YEAR:
        alone = sla.evaluate(AGREEMENT, EVENTS, period=label)
        got = [(r.service, r.value, r.target, r.verdict) for r in year.results(label)]
        want = [(r.service, r.value, r.target, r.verdict) for r in alone.objectives]
        assert got == want, label
        assert year[label].credit == alone.total
        assert year[label].exact_credit == alone.exact_total
        assert year.breaches(label) == len(alone.breaches)


def test_credits_per_period_exact_and_rounded(year: Review) -> None:
    """Credits are each period's, rounded once per period; the total adds the rounded ones."""
    paid = {p.label: p.credit for p in year.periods if p.exact_credit}
    # 10% of 1,000 USD in each month api missed, and in September for db
    assert paid == dict.fromkeys(
        ["2026-02", "2026-03", "2026-04", "2026-06", "2026-07", "2026-09", "2026-11", "2026-12"],
        sla.usd("100.00"),
    )
    assert year.total == sla.usd("800.00")
    assert year.exact_total == 800


def test_chronic_breaches_are_the_runs_of_consecutive_misses(year: Review) -> None:
    """A met month breaks a run; a single miss is no run; a run may end with the range."""
    runs = [(b.service, b.objective, b.periods, b.ongoing) for b in year.chronic_breaches]
    assert runs == [
        ("api", "uptime", ("2026-02", "2026-03", "2026-04"), False),
        ("api", "uptime", ("2026-06", "2026-07"), False),
        ("api", "uptime", ("2026-11", "2026-12"), True),
    ]
    three = review(AGREEMENT, EVENTS, start="2026-01", end="2026-12", chronic=3)
    assert [b.periods for b in three.chronic_breaches] == [("2026-02", "2026-03", "2026-04")]
    # a range that cuts a run keeps only the part inside it
    late = review(AGREEMENT, EVENTS, start="2026-03", end="2026-06")
    assert [b.periods for b in late.chronic_breaches] == [("2026-03", "2026-04")]


def test_longest_and_most_frequent_outages(year: Review) -> None:
    """Outages are counted down spans; one over a month's end is one outage in two periods."""
    assert year.outages == 7 + 2 + 8
    assert year.down_us == (3 + 2 * 5 + 4 + 2) * 3_600_000_000 + 40 * 60_000_000 + 16 * 60_000_000
    longest = year.longest_outages
    assert [(o.service, o.length_us // 60_000_000) for o in longest[:3]] == [
        ("api", 240),
        ("api", 180),
        ("api", 120),
    ]
    assert len(longest) == 10
    # the two-hour outages come in time order: api in March, April, June, July
    assert [sla.Span(o.start, o.end).start for o in longest[2:6]] == sorted(
        o.start for o in longest[2:6]
    )
    most = [(c.service, c.outages, c.down_us // 60_000_000) for c in year.most_outages]
    assert most == [("web", 8, 16), ("api", 7, 1020), ("db", 2, 160)]
    every = review(AGREEMENT, EVENTS, start="2026-01", end="2026-12", top=20).longest_outages
    (midnight,) = [o for o in every if o.service == "db" and o.length_us == 40 * 60_000_000]
    assert midnight.periods == ("2026-05", "2026-06")


def test_trend_points_give_the_worst_service_and_the_pooled_value(year: Review) -> None:
    """Per period: the target, the worst service's exact value, every service pooled, counts."""
    (trend,) = year.trends
    assert trend.name == "uptime"
    assert len(trend.points) == 12
    february = trend.points[1]
    hours = 28 * 24
    assert february.worst == 1 - Fraction(3, hours)
    assert february.worst_service == "api"
    assert february.pooled == 1 - Fraction(3, 3 * hours)
    assert (february.met, february.breached, february.no_data) == (2, 1, 0)
    assert february.target == GOLD.objectives[0].target
    assert trend.breaches == 8


def test_an_amendment_mid_range_compares_the_versions(year: Review) -> None:
    """A stricter target and a higher fee from July: pooled values and credits before and after."""
    stricter = GOLD.derive("gold", fee=sla.usd("2000.00"), objectives=[UPTIME >= "99.95%"])
    amended = AGREEMENT.amend("2026-07-01T00:00:00Z", title="renewal", tier=stricter)
    result = review(amended, EVENTS, start="2026-01", end="2026-12")
    (change,) = result.amendment_changes
    assert (change.before, change.version, change.changes) == ("v1", "v2 (renewal)", ("tier",))
    assert change.periods_before == change.periods_after == 6
    (objective,) = change.objectives
    assert objective.target_before == GOLD.objectives[0].target
    assert objective.target_after == stricter.objectives[0].target

    def pooled(labels: list[str]) -> Fraction:
        reports = [sla.evaluate_versions(amended, EVENTS, period=label) for label in labels]
        good = sum(int(r.parts[0][1].objective_columns[0].outcome.good.sum()) for r in reports)
        total = sum(int(r.parts[0][1].objective_columns[0].outcome.total.sum()) for r in reports)
        return Fraction(good, total)

    assert objective.before == pooled(YEAR[:6])
    assert objective.after == pooled(YEAR[6:])
    assert objective.change == objective.after - objective.before
    # before: 10% of 1,000 USD in Feb, Mar, Apr, Jun; after: 10% of 2,000 USD in Jul, Sep, Nov,
    # Dec (October's 16 minutes of web still meet 99.95%, which allows 22 minutes 19 seconds)
    assert change.credit_before == Fraction(400, 6)
    assert change.credit_after == Fraction(4 * 200, 6)
    assert result.breaches("2026-10") == 0
    markdown = result.to_markdown()
    assert "### v2 (renewal), from 2026-07-01 00:00:00Z" in markdown
    assert "| uptime | 99.9% | 99.95% |" in markdown
    assert "| credit per period |  |  | 66.67 USD (exact 200/3) | 133.33 USD (exact 400/3) |" in (
        markdown
    )


def test_an_amendment_within_a_period_splits_it_into_parts() -> None:
    """A period split by an amendment has a part per version, its credit rounded once."""
    amended = AGREEMENT.amend(
        "2026-03-16T00:00:00Z", title="price", tier=GOLD.derive("gold", fee=sla.usd("2000.00"))
    )
    result = review(amended, EVENTS, start="2026-02", end="2026-04")
    march = result["2026-03"]
    assert march.versions == ("v1", "v2 (price)")
    both = sla.evaluate_versions(amended, EVENTS, period="2026-03")
    assert march.exact_credit == both.exact_total
    assert march.credit == both.total
    assert [r.value for r in result.results("2026-03")] == [
        r.value for _, report in both.parts for r in report.objectives
    ]
    (trend,) = result.trends
    assert [p.period for p in trend.points] == ["2026-02", "2026-03", "2026-03", "2026-04"]
    (change,) = result.amendment_changes
    assert change.periods_before == 1 + Fraction(15, 31)
    assert change.periods_after == Fraction(16, 31) + 1
    assert "| 2026-03 v1 |" in result.to_markdown()
    assert result.to_html().count('class="mark value') == 4


def test_look_back_clauses_see_the_periods_before() -> None:
    """Credits come from the statement of the range: a repeat breach escalates in the review."""
    escalating = sla.Tier(
        "gold",
        fee=sla.usd("1000.00"),
        objectives=[UPTIME >= "99.9%"],
        compensation=sla.escalate(
            sla.credit_schedule(UPTIME, {"< 99.9%": "10%"}),
            to=sla.credit_schedule(UPTIME, {"< 99.9%": "20%"}),
            when=UPTIME >= "99.9%",
        ),
    )
    agreement = sla.Agreement(provider="A", customer="G", services=["api"], tier=escalating)
    result = review(agreement, EVENTS, start="2026-02", end="2026-04")
    statement = sla.statement(agreement, EVENTS, periods="2026-02..2026-04")
    assert [p.credit for p in result.periods] == [r.total for r in statement.reports]
    # February 10%; March and April escalated to 20% (missed in the month before, too)
    assert [str(p.credit) for p in result.periods] == ["100.00 USD", "200.00 USD", "200.00 USD"]
    (note,) = result.notes
    assert note.startswith("Clauses that look back at earlier periods see the periods from 2026-02")


@pytest.mark.parametrize(
    ("start", "end", "error", "message"),
    [
        # the end before the start, and labels the agreement's periods do not name
        ("2026-05", "2026-04", PeriodError, "end='2026-04' comes before start='2026-05'"),
        ("2026-13", "2026-12", PeriodError, "is not a period of monthly"),
        ("2026-01", "2026-Q4", PeriodError, "is not a period of monthly"),
    ],
)
def test_a_bad_range_is_refused(start: str, end: str, error: type[Exception], message: str) -> None:
    """A range runs forwards over the agreement's own period labels."""
    with pytest.raises(error, match=re.escape(message)):
        review(AGREEMENT, EVENTS, start=start, end=end)


@pytest.mark.parametrize(("name", "value"), [("chronic", 1), ("chronic", True), ("top", 0)])
def test_bad_counts_are_refused(name: str, value: object) -> None:
    """``chronic`` is two or more, ``top`` one or more."""
    with pytest.raises(DefinitionError, match=f"{name}="):
        review(AGREEMENT, EVENTS, start="2026-01", end="2026-02", **{name: value})  # type: ignore[arg-type]


# --- a property ---------------------------------------------------------------------------------

SERVICES = ("a", "b")
MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04")
TWO = sla.Agreement(provider="P", customer="C", services=list(SERVICES), tier=GOLD)


@st.composite
def _outages(draw: st.DrawFn) -> list[sla.Outage]:
    """Outages over four months, some over a month's end (minutes from 1 January, UTC)."""
    out = []
    for _ in range(draw(st.integers(0, 10))):
        at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
            minutes=draw(st.integers(0, 120 * 1440))
        )
        if draw(st.booleans()):  # just before a month's end
            month = draw(st.integers(2, 5))
            at = dt.datetime(2026, month, 1, tzinfo=dt.UTC) - dt.timedelta(minutes=30)
        length = dt.timedelta(minutes=draw(st.sampled_from([2, 30, 50, 120, 600])))
        out.append(sla.Outage(draw(st.sampled_from(SERVICES)), at, at + length))
    return out


@settings(deadline=None)  # evaluates every period twice: slow on a loaded machine
@given(_outages())
def test_property_values_and_runs_match_periods_evaluated_alone(events: list[sla.Outage]) -> None:
    """Values equal ``evaluate()`` per period; chronic runs equal the runs of its verdicts."""
    result = review(TWO, events, start=MONTHS[0], end=MONTHS[-1])
    missed: dict[str, list[bool]] = {s: [] for s in SERVICES}
    for label in MONTHS:
        alone = sla.evaluate(TWO, events, period=label)
        assert [(r.service, r.value, r.verdict) for r in result.results(label)] == [
            (r.service, r.value, r.verdict) for r in alone.objectives
        ]
        for r in alone.objectives:
            missed[r.service].append(r.verdict is sla.Verdict.BREACHED)
    runs = []
    for service in SERVICES:
        i = 0
        flags = missed[service]
        while i < len(flags):
            j = i
            while j < len(flags) and flags[j]:
                j += 1
            if j - i >= 2:
                runs.append((service, MONTHS[i:j], j == len(flags)))
            i = max(j, i + 1)
    assert [(b.service, b.periods, b.ongoing) for b in result.chronic_breaches] == runs
    assert result.outages == sum(
        len(result.reports(m)[0].evidence(s).down) for m in MONTHS for s in SERVICES
    ) - _joined(result)


def _joined(result: Review) -> int:
    """How many pairs of counted spans meet at the end of a period (each pair is one outage)."""
    joined = 0
    for before, after in itertools.pairwise(MONTHS):
        for service in SERVICES:
            ends = {s.end for s in result.reports(before)[0].evidence(service).down}
            starts = {s.start for s in result.reports(after)[0].evidence(service).down}
            joined += len(ends & starts)
    return joined


# --- the documents ------------------------------------------------------------------------------


def test_the_markdown_says_everything_in_order(year: Review) -> None:
    """Header, periods, trends, credits, chronic breaches, outages, amendments, values."""
    markdown = year.to_markdown()
    assert re.findall(r"^#{2,3} (.+)$", markdown, flags=re.MULTILINE) == [
        "Periods",
        "Trends",
        "uptime",
        "Credits",
        "Chronic breaches",
        "Outages",
        "The longest outages (10)",
        "The services with the most outages (3)",
        "Amendments",
        "Values by service",
        "uptime",
    ]
    assert markdown.startswith("# Service review: Acme / Globex\n")
    assert "- **Total credit**: **800.00 USD**" in markdown
    assert "- **Chronic breaches**: 3" in markdown
    assert "| 2026-02 | v1 | 2 | 1 | 0 | 100.00 USD | 100.00 USD |" in markdown
    assert "| total |  |  | 8 |  | 800.00 USD | **800.00 USD** |" in markdown
    assert "| api | uptime | 2 | 2026-11 | 2026-12 | yes |" in markdown
    assert "| web | uptime | 8 | 16 minutes | 2 minutes |" in markdown
    assert "| api | 100% | **99.553571%!** |" in markdown  # January, then February's 3 hours
    assert "No amendment took effect within the range." in markdown


def test_the_text_drops_the_marks_and_keeps_the_flags(year: Review) -> None:
    """Plain text: no Markdown marks, a missed value still ends in ``!``."""
    text = year.to_text()
    assert "**" not in text
    assert "99.553571%!" in text
    assert text.startswith("Service review: Acme / Globex\n=====")


def test_the_html_is_self_contained_with_a_mark_per_period(year: Review) -> None:
    """No script, link or URL; one point per period and a bar per period; unique ids."""
    page = year.to_html()
    assert page.startswith("<!DOCTYPE html>")
    for banned in ("<script", "<link", "<img", "@import", "url(", "src=", "href="):
        assert banned not in page, banned
    assert set(re.findall(r"https?://[^\s\"']+", page)) == {"http://www.w3.org/2000/svg"}
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.DOTALL)
    assert len(svgs) == 2
    for svg in svgs:
        ET.fromstring(svg)  # well-formed
    assert page.count('class="mark value"') == 4  # met: Jan, May, Aug, Oct
    assert page.count('class="mark value breached"') == 8
    assert page.count('class="mark target"') == 1
    assert page.count('class="mark trend"') == 1
    assert page.count('class="mark credit"') == 12
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_the_json_round_trips_with_exact_strings(year: Review) -> None:
    """``to_dict()`` is JSON as it is: exact values as strings, one value row per cell."""
    data = year.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["form"] == "slakit-review/1"
    values = data["values"]
    assert len(values["service"]) == 12 * 3
    assert len({len(column) for column in values.values()}) == 1
    february_api = [
        i
        for i, (p, s) in enumerate(zip(values["period"], values["service"], strict=True))
        if (p, s) == ("2026-02", "api")
    ]
    (i,) = february_api
    assert values["value"][i] == str(1 - Fraction(3, 28 * 24))
    assert values["target"][i] == "0.999"
    assert values["verdict"][i] == "breached"
    assert data["credits"]["total"] == {"amount": "800.00", "currency": "USD"}
    assert data["chronic_breaches"][2] == {
        "service": "api",
        "objective": "uptime",
        "periods": ["2026-11", "2026-12"],
        "length": 2,
        "ongoing": True,
    }
    assert data["outages"]["longest"][0]["seconds"] == str(4 * 3600)


def test_a_review_of_many_services_lists_the_chronic_ones_by_value() -> None:
    """Beyond 25 services, the values by service list those with a chronic breach."""
    services = [f"svc-{i:03d}" for i in range(60)]
    agreement = sla.Agreement(provider="P", customer="C", services=services, tier=GOLD)
    events = [
        _outage(services[i], f"2026-{m:02d}-05T00:00:00Z", f"2026-{m:02d}-05T01:00:00Z")
        for i in range(0, 60, 7)
        for m in (1, 2)
    ] + [_outage("svc-001", "2026-03-05T00:00:00Z", "2026-03-05T01:00:00Z")]
    result = review(agreement, events, start="2026-01", end="2026-03")
    chronic = {b.service for b in result.chronic_breaches}
    assert chronic == {services[i] for i in range(0, 60, 7)}
    values = result.to_markdown().split("## Values by service")[1]
    listed = set(re.findall(r"^\| (svc-\d+) \|", values, flags=re.MULTILINE))
    assert listed == chronic
    assert "only those with a chronic breach" in values


def test_charts_are_deterministic_escaped_and_checked() -> None:
    """Same input, same SVG; titles escaped; a bad id prefix or column is refused."""
    kwargs = {
        "title": "a < b & c",
        "start": 0,
        "end": 10_000_000,
        "tz": "UTC",
        "spans": ([0, 5_000_000], [5_000_000, 10_000_000]),
        "values": [0.5, None],
        "breached": [True, False],
        "targets": [sla.uptime().coerce("90%")] * 2,
        "unit": sla.uptime().format_value,
        "ident": "x1",
    }
    svg = trend_svg(**kwargs)  # type: ignore[arg-type]
    assert svg == trend_svg(**kwargs)  # type: ignore[arg-type]
    assert "a &lt; b &amp; c" in svg
    assert svg.count('class="mark value breached"') == 1
    assert svg.count('class="mark value nodata"') == 1
    ET.fromstring(svg)
    with pytest.raises(ValueError, match="ident="):
        trend_svg(**{**kwargs, "ident": "1x"})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="one breach flag"):
        trend_svg(**{**kwargs, "breached": [True]})  # type: ignore[arg-type]
    bars = credits_svg(
        title="c",
        start=0,
        end=10_000_000,
        tz="UTC",
        spans=([0, 5_000_000], [5_000_000, 10_000_000]),
        amounts=[0.0, 12.5],
        unit=str,
        ident="c1",
    )
    assert bars.count('class="mark credit"') == 2
    assert 'height="0.00"' in bars  # no credit: a bar of no height, still one mark
    with pytest.raises(ValueError, match="not negative"):
        credits_svg(
            title="c",
            start=0,
            end=10,
            tz="UTC",
            spans=([0], [10]),
            amounts=[-1.0],
            unit=str,
            ident="c",
        )


# --- the command line ---------------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str, str]:
    """Run ``slakit review`` through the command line's own entry point."""
    out, err = io.StringIO(), io.StringIO()
    status = main(["review", *argv], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    """An agreement as a Python file and the year's outages as CSV (with one row for 'dbx')."""
    agreement = tmp_path / "agreement.py"
    agreement.write_text(
        "import slakit as sla\n"
        "up = sla.uptime(min_outage=sla.minutes(1))\n"
        'gold = sla.Tier("gold", fee=sla.usd("1000.00"), objectives=[up >= "99.9%"],\n'
        '    compensation=sla.credit_schedule(up, {"< 99.9%": "10%", "< 99%": "25%"}))\n'
        'agreement = sla.Agreement(provider="Acme", customer="Globex",\n'
        '    services=["api", "db", "web"], tier=gold)\n',
        encoding="utf-8",
    )
    events = tmp_path / "events.csv"
    rows = ["kind,service,start,end", *(f"outage,{s},{a},{b}" for s, a, b in ROWS[: len(EVENTS)])]
    events.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return str(agreement), str(events)


def test_the_command_writes_each_format(files: tuple[str, str], tmp_path: Path) -> None:
    """Exit 0; the format from --format or the output's extension; the file says the same."""
    agreement, events = files
    status, out, err = run(agreement, events, "--from", "2026-01", "--to", "2026-12")
    assert (status, err) == (0, "")
    assert out == review(AGREEMENT, EVENTS, start="2026-01", end="2026-12").to_text()
    target = tmp_path / "review.html"
    status, out, _ = run(
        agreement, events, "--from", "2026-01", "--to", "2026-12", "-o", str(target)
    )
    assert status == 0
    assert out == f"wrote the html review of 2026-01 to 2026-12 to {target}\n"
    assert "<svg" in target.read_text(encoding="utf-8")
    status, out, _ = run(
        agreement, events, "--from", "2026-11", "--to", "2026-12", "--format", "json"
    )
    assert status == 0
    data = json.loads(out)
    assert data["credits"]["total"] == {"amount": "200.00", "currency": "USD"}
    status, out, _ = run(
        agreement, events, "--from", "2026-01", "--to", "2026-01", "--format", "md"
    )
    assert out.startswith("# Service review: Acme / Globex\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        # the range: backwards, or a label of no period
        (["--from", "2026-05", "--to", "2026-04"], "--from 2026-05 comes after --to 2026-04"),
        (["--from", "2026-13", "--to", "2026-04"], "--from 2026-13: period='2026-13'"),
        (["--from", "2026-01", "--to", "Q4"], "--to Q4: period='Q4'"),
        # the output's format cannot be told
        (["--from", "2026-01", "--to", "2026-02", "-o", "out.xyz"], "cannot tell the format"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    files: tuple[str, str], argv: list[str], message: str
) -> None:
    """Bad input is one line on stderr and status 2, never a traceback."""
    agreement, events = files
    status, out, err = run(agreement, events, *argv)
    assert status == 2
    assert out == ""
    assert err.startswith("slakit: error: ")
    assert message in err


def test_missing_files_and_no_input_exit_2(files: tuple[str, str], tmp_path: Path) -> None:
    """No such agreement or events file, or no input at all: status 2."""
    agreement, events = files
    assert run(str(tmp_path / "nope.py"), events, "--from", "2026-01", "--to", "2026-02")[0] == 2
    status, _, err = run(
        agreement, str(tmp_path / "nope.csv"), "--from", "2026-01", "--to", "2026-02"
    )
    assert (status, err) == (2, f"slakit: error: {tmp_path / 'nope.csv'}: no such file\n")
    status, _, err = run(agreement, "--from", "2026-01", "--to", "2026-02")
    assert status == 2
    assert "no input" in err
    with pytest.raises(SystemExit) as exit_:
        run(agreement, events, "--from", "2026-01")  # --to is required
    assert exit_.value.code == 2


def test_input_not_counted_warns_or_fails_with_strict(files: tuple[str, str]) -> None:
    """A row for a service the agreement does not cover: a warning, or status 1 with --strict."""
    agreement, events = files
    with Path(events).open("a", encoding="utf-8") as f:
        f.write("outage,dbx,2026-03-10T00:00:00Z,2026-03-10T02:00:00Z\n")
    status, _, err = run(agreement, events, "--from", "2026-01", "--to", "2026-04")
    assert status == 0
    assert "did you mean 'db'?" in err
    assert err.count("slakit: warning:") == 2  # the group once, then the summary
    status, out, err = run(agreement, events, "--from", "2026-01", "--to", "2026-04", "--strict")
    assert (status, out) == (1, "")
    assert "--strict: 1 input row not counted" in err


def test_a_period_with_no_data_is_a_hollow_point_and_looked_up_names_are_checked() -> None:
    """No requests in a month: no value, a ``nodata`` mark; unknown names are KeyErrors."""
    import slakit.io

    measure = sla.success_ratio()
    tier = sla.Tier("req", fee=sla.usd("100.00"), objectives=[measure >= "99%"])
    agreement = sla.Agreement(provider="P", customer="C", services=["api"], tier=tier)
    requests = [sla.Request("api", "2026-01-02T00:01:00Z", 200) for _ in range(5)]
    table = slakit.io.RequestTable.from_records(requests)
    result = review(agreement, table, start="2026-01", end="2026-02")
    (trend,) = result.trends
    assert [p.worst for p in trend.points] == [1, None]
    assert [p.no_data for p in trend.points] == [0, 1]
    page = result.to_html()
    assert page.count('class="mark value nodata"') == 1
    assert page.count('class="mark value"') == 1
    assert result.outages == 0
    assert "0 outages over the range" in result.to_markdown()
    with pytest.raises(KeyError, match="not an objective"):
        result.trend("uptime")
    with pytest.raises(KeyError, match="not a period"):
        result["2026-03"]


def test_bad_agreement_data_exits_2_naming_the_problem(tmp_path: Path) -> None:
    """An agreement data file with a problem: its path and the problem, status 2."""
    agreement = tmp_path / "agreement.json"
    agreement.write_text('{"provider": "Acme"}', encoding="utf-8")
    events = tmp_path / "events.csv"
    events.write_text("kind,service,start,end\n", encoding="utf-8")
    status, out, err = run(str(agreement), str(events), "--from", "2026-01", "--to", "2026-02")
    assert (status, out) == (2, "")
    assert "problem(s) in the agreement" in err


def test_a_review_says_where_an_amendment_restarted_a_clause() -> None:
    """A changed escalation restarts at the amendment: no escalation, and a note naming it.

    The escalation's condition changes (after one breached period, then after two): a clause
    of new terms, with no history. A change of the remedy alone would keep the history.
    """
    ten = sla.credit_schedule(UPTIME, {"< 99.9%": "10%"})

    def escalating(to: str, after: int) -> sla.Tier:
        return GOLD.derive(
            "gold",
            compensation=sla.escalate(
                ten,
                to=sla.credit_schedule(UPTIME, {"< 99.9%": to}),
                when=UPTIME >= "99.9%",
                after=after,
            ),
        )

    agreement = sla.Agreement(
        provider="A", customer="G", services=["api"], tier=escalating("20%", 1)
    ).amend("2026-04-01T00:00:00Z", title="remedies", tier=escalating("50%", 2))
    result = review(agreement, EVENTS, start="2026-02", end="2026-04")
    # api misses 99.9% in February, March and April: 10% of 1,000; March escalated, 20%;
    # April under v2, whose escalation is a new clause with no history: 10% again
    assert [str(p.credit) for p in result.periods] == ["100.00 USD", "200.00 USD", "100.00 USD"]
    kept = sla.Agreement(
        provider="A", customer="G", services=["api"], tier=escalating("20%", 1)
    ).amend("2026-04-01T00:00:00Z", title="remedies", tier=escalating("50%", 1))
    # only the remedy changes: the breach history carries on, and April escalates to 50%
    assert [
        str(p.credit) for p in review(kept, EVENTS, start="2026-02", end="2026-04").periods
    ] == [
        "100.00 USD",
        "200.00 USD",
        "500.00 USD",
    ]
    first, restart = result.notes
    assert first.startswith("Clauses that look back at earlier periods see the periods from")
    assert restart.startswith(
        "v2 (remedies), in force from 2026-04-01T00:00:00Z, changes the clause 'escalated when "
        "uptime >= 99.9% was also breached in the previous period' (rule 0 of the compensation)"
    )
