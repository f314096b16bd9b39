"""Disputes over a period an amendment splits, and of request and ticket measures."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
from slakit._cli import main
from slakit._engine._dispute import credits_by_service, dispute
from slakit._results._dispute import BUCKET_VERDICTS, Dispute
from slakit._time._instant import to_us

MINUTE = 60_000_000
HOUR = 60 * MINUTE
OCTOBER = to_us("2026-10-01T00:00:00Z")

# --- a period an amendment splits ---------------------------------------------------------------

UPTIME = sla.uptime(min_outage=sla.minutes(1))
GOLD = sla.Tier(
    "gold",
    fee=sla.usd("3100.00"),
    objectives=[UPTIME >= "99.9%"],
    compensation=sla.credit_schedule(UPTIME, {"< 99.9%": "10%", "< 99%": "25%"}),
)
#: v1 from October 1 (10 days, 10/31 of the fee), v2 a new fee from the 11th (10 days), v3 a
#: stricter objective and schedule from the 21st (11 days, 11/31 of the fee).
AMENDED = (
    sla.Agreement(
        provider="Acme",
        customer="Globex",
        services=["api", "db"],
        tier=GOLD,
        period=sla.monthly(tz="UTC"),
    )
    .amend(
        "2026-10-11T00:00:00Z",
        title="price review",
        tier=GOLD.derive("gold", fee=sla.usd("6200.00")),
    )
    .amend(
        "2026-10-21T00:00:00Z",
        title="stricter",
        tier=GOLD.derive(
            "gold",
            fee=sla.usd("6200.00"),
            objectives=[UPTIME >= "99.99%"],
            compensation=sla.credit_schedule(UPTIME, {"< 99.99%": "10%"}),
        ),
    )
)
PROVIDER = [
    sla.Outage("api", "2026-10-05T00:00:00Z", "2026-10-05T00:30:00Z"),  # v1: 30 min, 10%
    sla.Outage("api", "2026-10-25T00:00:00Z", "2026-10-25T00:01:00Z"),  # v3: 1 min, above 99.99%
]
CUSTOMER = [
    sla.Outage("api", "2026-10-05T00:00:00Z", "2026-10-05T03:20:00Z"),  # v1: 200 min, 25%
    sla.Outage("db", "2026-10-15T00:00:00Z", "2026-10-15T01:00:00Z"),  # v2: 60 min, 10%
    sla.Outage("api", "2026-10-25T00:00:00Z", "2026-10-25T00:10:00Z"),  # v3: 10 min, 10%
]


def _split() -> Dispute:
    return dispute(
        AMENDED,
        PROVIDER,
        CUSTOMER,
        period="2026-10",
        ours_source="provider.csv",
        theirs_source="customer.csv",
    )


def test_each_part_is_each_sides_evaluate_versions_part() -> None:
    """Per version and service, each side's credit is exactly evaluate_versions' over that side."""
    result = _split()
    assert result.versions == ("v1", "v2 (price review)", "v3 (stricter)")
    for side, inputs, total in (
        ("ours", PROVIDER, result.ours_total),
        ("theirs", CUSTOMER, result.theirs_total),
    ):
        versioned = sla.evaluate_versions(AMENDED, inputs, period="2026-10")
        assert len(result.parts) == len(versioned.parts)
        for part, (version, report) in zip(result.parts, versioned.parts, strict=True):
            assert part.version == version.label
            assert (part.start, part.end, part.share) == (report.start, report.end, report.partial)
            assert getattr(part, f"{side}_total") == report.exact_total
            credits = credits_by_service(report)
            for entry in part.services:
                assert getattr(entry, f"{side}_credit") == credits[entry.service]
        assert total == versioned.exact_total
        assert result.rounded(total) == versioned.total
        fingerprint = result.ours_fingerprint if side == "ours" else result.theirs_fingerprint
        assert fingerprint == versioned.fingerprint


def test_the_parts_credits_fees_and_objectives_are_each_versions() -> None:
    """1,000 USD of fee in v1, 2,000 in v2, 2,200 in v3; v3's stricter schedule pays 10 minutes."""
    result = _split()
    v1, v2, v3 = result.parts
    assert [p.share for p in result.parts] == [Fraction(10, 31), Fraction(10, 31), Fraction(11, 31)]
    assert (v1.ours_total, v1.theirs_total) == (Fraction(100), Fraction(250))
    assert (v2.ours_total, v2.theirs_total) == (Fraction(0), Fraction(200))
    assert (v3.ours_total, v3.theirs_total) == (Fraction(0), Fraction(220))
    assert (result.ours_total, result.theirs_total, result.stake) == (
        Fraction(100),
        Fraction(670),
        Fraction(570),
    )
    api, db = result.services  # each service over the whole period: the parts' sums
    assert (api.ours_credit, api.theirs_credit) == (Fraction(100), Fraction(470))
    assert (db.ours_credit, db.theirs_credit) == (Fraction(0), Fraction(200))
    assert [m.version for m in api.measures] == [p.version for p in result.parts]
    assert result.version == ""
    assert not result.agrees


def test_each_worth_is_priced_under_its_own_versions_terms() -> None:
    """v1's extra 170 min are worth 25% - 10% of 1,000; v2's hour 10% of 2,000; v3's 9 min 10%."""
    result = _split()
    (first,), (second,), (third,) = (p.spans for p in result.parts)
    assert (first.service, first.length_us, first.worth) == ("api", 170 * MINUTE, Fraction(150))
    assert (second.service, second.length_us, second.worth) == ("db", HOUR, Fraction(200))
    # under v1's or v2's terms 10 minutes of 11 days stay above 99.9%: worth nothing there
    assert (third.service, third.length_us, third.worth) == ("api", 9 * MINUTE, Fraction(220))
    assert result.spans == (first, third, second)  # service by service
    assert any("An amendment splits the period 2026-10" in note for note in result.notes)


def test_the_totals_add_the_exact_parts_and_round_once() -> None:
    """Three parts of 10% of 100.00 USD: 3.2258..., 3.2258..., 3.5483...: 10.00 once, not 10.01."""
    tier = GOLD.derive("gold", fee=sla.usd("100.00"))
    agreement = (
        sla.Agreement(provider="Acme", customer="Globex", services=["api"], tier=tier)
        .amend("2026-10-11T00:00:00Z", title="b", tier=tier.derive("gold", objectives=[]))
        .amend("2026-10-21T00:00:00Z", title="c", tier=tier)
    )
    theirs = [
        sla.Outage("api", f"2026-10-{day}T00:00:00Z", f"2026-10-{day}T01:00:00Z")
        for day in ("05", "15", "25")
    ]
    result = dispute(agreement, [], theirs, period="2026-10")
    shares = [p.theirs_total for p in result.parts]
    assert shares == [Fraction(100, 31), Fraction(100, 31), Fraction(110, 31)]
    assert sum(result.rounded(s).amount for s in shares) == sla.usd("10.01").amount
    assert result.theirs_total == 10
    assert result.rounded(result.theirs_total) == sla.usd("10.00")
    assert (
        result.rounded(result.theirs_total)
        == sla.evaluate_versions(agreement, theirs, period="2026-10").total
    )
    assert "+10.00 USD" in result.to_text()


def test_a_service_an_amendment_adds_is_in_its_parts_only() -> None:
    """v2 adds web: the first part has api only, the dispute both, web's credit from v2 alone."""
    tier = GOLD.derive("gold", fee=sla.usd("3100.00"))
    agreement = sla.Agreement(
        provider="Acme", customer="Globex", services=["api"], tier=tier
    ).amend("2026-10-16T00:00:00Z", title="web", services=["api", "web"])
    theirs = [sla.Outage("web", "2026-10-20T00:00:00Z", "2026-10-20T01:00:00Z")]
    result = dispute(agreement, [], theirs, period="2026-10")
    first, second = result.parts
    assert [s.service for s in first.services] == ["api"]
    assert [s.service for s in second.services] == ["api", "web"]
    assert [s.service for s in result.services] == ["api", "web"]
    assert result.service("web").theirs_credit == second.service("web").theirs_credit == 160
    with pytest.raises(KeyError, match="'web' is not a service of version v1"):
        first.service("web")


def test_every_format_of_a_split_period_has_a_section_per_version() -> None:
    """Text, Markdown and HTML: credits by version, then one section per version; JSON: parts."""
    result = _split()
    markdown = result.to_markdown()
    headings = re.findall(r"^#{2,4} (.+)$", markdown, flags=re.MULTILINE)
    assert headings[:3] == ["Summary", "Credits by version (USD)", "Version v1"]
    assert [h for h in headings if h.startswith("Version ")] == [
        "Version v1",
        "Version v2 (price review)",
        "Version v3 (stricter)",
    ]
    assert headings[-1] == "How the figures are made"
    assert (
        "| v2 (price review) | 2026-10-11 00:00:00Z to 2026-10-21 00:00:00Z | 10/31 | 0.00 "
        "| 200.00 | 200.00 |"
    ) in markdown
    assert "| total |  |  | 100.00 | 670.00 | 570.00 |" in markdown
    for form in (result.to_text(), markdown, result.to_html()):
        assert "3 versions in force: v1, v2 (price review), v3 (stricter)" in form
        assert "Credits by version (USD)" in form
        assert "2026-10-25 00:01:00Z to 2026-10-25 00:10:00Z" in form  # v3's disputed span
        assert "+220.00 USD" in form  # its worth
        assert str(result.ours_fingerprint) in form
    page = result.to_html()
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.DOTALL)
    assert len(svgs) == 3  # one disputed measure per part
    for svg in svgs:
        ET.fromstring(svg)
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["versions"] == ["v1", "v2 (price review)", "v3 (stricter)"]
    assert data["version"] is None
    assert [p["version"] for p in data["parts"]] == data["versions"]
    assert [p["share"] for p in data["parts"]] == ["10/31", "10/31", "11/31"]
    assert [p["at_stake"]["exact"] for p in data["parts"]] == ["150", "200", "220"]
    assert data["at_stake"] == {"exact": "570", "amount": "570.00"}
    assert data["fingerprints"]["theirs"] == result.theirs_fingerprint
    v3_api = data["parts"][2]["services"][0]["measures"][0]
    assert v3_api["spans"][0]["worth_exact"] == "220"
    assert v3_api["version"] == "v3 (stricter)"


def test_an_unsplit_dispute_has_one_part_and_no_parts_in_json() -> None:
    """A period under one version: one part, the whole measured time; JSON parts is empty."""
    result = dispute(AMENDED, PROVIDER, CUSTOMER, period="2026-11")
    (part,) = result.parts
    assert (part.version, result.version) == ("v3 (stricter)", "v3 (stricter)")
    assert (part.start, part.end, part.share) == (result.start, result.end, Fraction(1))
    assert result.services == part.services
    assert result.to_dict()["parts"] == []
    assert (
        result.ours_fingerprint
        == sla.evaluate_versions(AMENDED, PROVIDER, period="2026-11").fingerprint
    )


# --- request measures ---------------------------------------------------------------------------

AVAILABILITY = sla.bucket_availability(bucket=sla.minutes(5), max_error_rate="5%", min_requests=2)
RATIO = sla.success_ratio(client_errors="excluded")


def _requests_agreement() -> sla.Agreement:
    tier = sla.Tier(
        "gold",
        fee=sla.usd("1000.00"),
        objectives=[AVAILABILITY >= "99.9%", RATIO >= "99%"],
        # October has 8,928 five-minute buckets: 1 down is 99.9888%, 2 are 99.9776%
        compensation=sla.credit_schedule(AVAILABILITY, {"< 99.98%": "10%"}),
    )
    return sla.Agreement(provider="Acme", customer="Globex", services=["api", "web"], tier=tier)


def _r(when: str, status: int, service: str = "api") -> sla.Request:
    return sla.Request(service, when, status)


#: Every hour of October 1st: a good request on both sides.
_BASE = [_r(f"2026-10-01T{h:02d}:00:00Z", 200) for h in range(24)]
OURS_REQUESTS = [
    *_BASE,
    _r("2026-10-02T00:01:00Z", 200),  # bucket 1: good on ours,
    _r("2026-10-02T00:02:00Z", 200),
    _r("2026-10-04T00:01:00Z", 503),  # bucket 3: down on both
    _r("2026-10-04T00:02:00Z", 200),
    _r("2026-10-05T00:01:00Z", 503),  # bucket 4: one request, never down (min_requests=2)
    _r("2026-09-30T23:00:00Z", 200),  # outside the period: ignored
]
THEIRS_REQUESTS = [
    *_BASE,
    _r("2026-10-02T00:01:00Z", 503),  # ... down on theirs
    _r("2026-10-02T00:02:00Z", 200),
    _r("2026-10-03T00:01:00Z", 503),  # bucket 2: empty on ours, down on theirs
    _r("2026-10-03T00:02:00Z", 404),  # a client error: good here, excluded by the ratio
    _r("2026-10-04T00:01:00Z", 503),
    _r("2026-10-04T00:02:00Z", 200),
    _r("2026-10-05T00:01:00Z", 200),  # bucket 4: good on both
]


def _requests_dispute() -> Dispute:
    return dispute(_requests_agreement(), OURS_REQUESTS, THEIRS_REQUESTS, period="2026-10")


def _at(day: int, minute: int = 0) -> int:
    return OCTOBER + (day - 1) * 24 * HOUR + minute * MINUTE


def test_request_counts_per_side_and_their_differences() -> None:
    """Each measure counts each side's requests by reason; the differences are theirs - ours."""
    api = _requests_dispute().service("api")
    availability, ratio = api.requests
    assert availability.measure == AVAILABILITY
    assert dict(availability.ours.requests) == {
        "good": 27,
        "bad: server error": 2,
        "ignored: outside the period": 1,
    }
    assert dict(availability.theirs.requests) == {"good": 28, "bad: server error": 3}
    assert availability.differences() == {"good": 1, "bad": 1, "excluded": 0, "ignored": -1}
    assert dict(ratio.theirs.requests) == {
        "good": 27,
        "bad: server error": 3,
        "excluded: client error": 1,
    }
    assert ratio.differences() == {"good": 0, "bad": 1, "excluded": 1, "ignored": -1}
    assert (ratio.ours.value, ratio.theirs.value) == (Fraction(27, 29), Fraction(9, 10))
    assert ratio.buckets == ()  # a plain ratio has no buckets
    assert not ratio.agrees


def test_buckets_judged_differently_are_disputed_with_each_sides_counts() -> None:
    """Buckets 1 and 2 are down on theirs only; 3 (down on both) and 4 (good on both) are not."""
    result = _requests_dispute()
    first, second = result.service("api").requests[0].buckets
    assert (first.start, first.end) == (_at(2), _at(2, 5))
    assert (first.ours, first.theirs, first.kind) == ("good", "down", "theirs only")
    assert (first.ours_requests, first.ours_errors) == (2, 0)
    assert (first.theirs_requests, first.theirs_errors) == (2, 1)
    assert (second.start, second.ours, second.ours_requests, second.theirs) == (
        _at(3),
        "good",
        0,
        "down",
    )
    # ours has one down bucket (99.9888%, no credit); each bucket of theirs crosses the band
    assert (first.worth, second.worth) == (Fraction(100), Fraction(100))
    assert result.stake == 100
    assert result.buckets == (first, second)
    assert result.spans == ()  # no measure of time
    assert any("Worths of the buckets of api" in note for note in result.notes)


def test_a_bucket_worth_is_the_credit_with_that_buckets_requests_swapped() -> None:
    """The worth of a bucket is evaluate() over ours with that bucket's requests replaced.

    Ours' 20 good requests in bucket 1 leave it, theirs' 2 come in: kept beside theirs, ours'
    would hide theirs' error (1 of 22 is under 5%).
    """
    agreement = _requests_agreement()
    ours = [*OURS_REQUESTS, *(_r(f"2026-10-02T00:03:{s:02d}Z", 200) for s in range(18))]
    first = dispute(agreement, ours, THEIRS_REQUESTS, period="2026-10").buckets[0]
    assert (first.ours_requests, first.theirs_requests) == (20, 2)

    def inside(r: sla.Request) -> bool:
        return first.start <= r.time_us < first.end

    swapped = [r for r in ours if not inside(r)] + [r for r in THEIRS_REQUESTS if inside(r)]
    before = sla.evaluate(agreement, ours, period="2026-10").compensation.exact_total
    after = sla.evaluate(agreement, swapped, period="2026-10").compensation.exact_total
    assert first.worth == after - before == 100


def test_a_side_without_requests_of_a_service_has_no_data_and_no_buckets() -> None:
    """Theirs has no web requests: web's buckets are not compared, and the note says why."""
    ours = [
        *OURS_REQUESTS,
        _r("2026-10-02T00:01:00Z", 503, "web"),
        _r("2026-10-02T00:02:00Z", 503, "web"),
    ]
    web = dispute(_requests_agreement(), ours, THEIRS_REQUESTS, period="2026-10").service("web")
    availability = web.requests[0]
    assert availability.buckets == ()
    assert availability.theirs.value is None
    assert availability.note == (
        "theirs has no counted requests of web (no data): its buckets are not compared"
    )


ERROR_RATE = sla.error_rate_uptime(bucket=sla.hours(1))


def test_error_rate_buckets_differ_by_their_share_of_down_time() -> None:
    """1 of 4 against 2 of 4 is disputed; 1 of 4 against 2 of 8 is not; 2 of 2 against none is."""
    tier = sla.Tier(
        "gold",
        fee=sla.usd("744.00"),
        compensation=sla.credit_schedule(ERROR_RATE, {"< 100%": "10%"}),
    )
    agreement = sla.Agreement(provider="Acme", customer="Globex", services=["api"], tier=tier)

    def hour(day: int, bad: int, good: int) -> list[sla.Request]:
        stamp = f"2026-10-{day:02d}T05:"
        return [_r(f"{stamp}{i:02d}:00Z", 503) for i in range(bad)] + [
            _r(f"{stamp}{30 + i:02d}:00Z", 200) for i in range(good)
        ]

    ours = [*hour(2, 1, 3), *hour(3, 1, 3), *hour(4, 2, 0)]
    theirs = [*hour(2, 2, 2), *hour(3, 2, 6), *hour(9, 0, 1)]
    result = dispute(agreement, ours, theirs, period="2026-10")
    (rates,) = result.service("api").requests
    more, only = rates.buckets
    assert (more.start, more.ours, more.theirs, more.kind) == (
        _at(2, 300),
        "partial",
        "partial",
        "more in theirs",
    )
    assert (more.share("ours"), more.share("theirs")) == (Fraction(1, 4), Fraction(1, 2))
    assert (only.start, only.ours, only.theirs, only.kind) == (
        _at(4, 300),
        "down",
        "good",
        "ours only",
    )
    # 744 hourly buckets: ours 1/4 + 1/4 + 1 down, theirs 1/2 + 1/4
    assert rates.ours.value == 1 - Fraction(3, 2) / 744
    assert rates.theirs.value == 1 - Fraction(3, 4) / 744
    assert all(b.worth == 0 for b in rates.buckets)  # both below 100%: 10% either way


# --- the buckets match each side's own evidence -------------------------------------------------

_minute = st.integers(0, 59)
_request = st.tuples(st.integers(0, 5), _minute, st.sampled_from([200, 404, 503]))
_requests = st.lists(_request, max_size=12)


def _log(rows: list[tuple[int, int, int]]) -> list[sla.Request]:
    """Requests in the first hours of October 2nd: (hour, minute, status)."""
    return [_r(f"2026-10-02T{h:02d}:{m:02d}:00Z", s) for h, m, s in rows] + [
        _r("2026-10-01T00:00:00Z", 200)  # every side has data
    ]


def _verdicts(
    report: sla.Report, measure_index: int
) -> dict[tuple[int, int], tuple[str, int, int]]:
    """Each listed bucket's verdict and counts, read from the report's own evidence."""
    evidence = report.outcomes[measure_index].evidence_of(0)
    assert isinstance(evidence, sla.RequestEvidence)
    return {(n.start, n.end): (n.verdict, n.requests, n.errors) for n in evidence.buckets}


@settings(max_examples=30, deadline=None)
@given(
    ours=_requests,
    theirs=_requests,
    empty=st.sampled_from(["good", "bad", "excluded"]),
    down_when=st.sampled_from([">", ">="]),
    min_requests=st.integers(1, 3),
)
def test_disputed_buckets_are_where_the_sides_own_evidence_differs(
    ours: list[tuple[int, int, int]],
    theirs: list[tuple[int, int, int]],
    empty: str,
    down_when: str,
    min_requests: int,
) -> None:
    """The disputed buckets are those whose verdicts in each side's evidence differ; swapped too."""
    availability = sla.bucket_availability(
        bucket=sla.minutes(30),
        max_error_rate="25%",
        down_when=down_when,  # type: ignore[arg-type]
        min_requests=min_requests,
        empty=empty,  # type: ignore[arg-type]
    )
    tier = sla.Tier(
        "gold",
        fee=sla.usd("100.00"),
        compensation=sla.credit_schedule(availability, {"< 100%": "10%"})
        + sla.credit_schedule(ERROR_RATE, {"< 100%": "10%"}),
    )
    agreement = sla.Agreement(provider="Acme", customer="Globex", services=["api"], tier=tier)
    mine, other = _log(ours), _log(theirs)
    forward = dispute(agreement, mine, other, period="2026-10", worth=False)
    backward = dispute(agreement, other, mine, period="2026-10", worth=False)
    a = sla.evaluate(agreement, mine, period="2026-10")
    b = sla.evaluate(agreement, other, period="2026-10")
    buckets_a, buckets_b = _verdicts(a, 0), _verdicts(b, 0)

    def state(found: dict[tuple[int, int], tuple[str, int, int]], key: tuple[int, int]) -> str:
        return found.get(key, ("good", 0, 0))[0]

    expected = {
        (key, state(buckets_a, key), state(buckets_b, key))
        for key in buckets_a.keys() | buckets_b.keys()
        if state(buckets_a, key) != state(buckets_b, key)
    }
    availability_dispute, rates = forward.service("api").requests
    assert {((x.start, x.end), x.ours, x.theirs) for x in availability_dispute.buckets} == expected
    assert all(x.ours in BUCKET_VERDICTS and x.theirs in BUCKET_VERDICTS for x in rates.buckets)
    rates_a, rates_b = _verdicts(a, 1), _verdicts(b, 1)

    def rate(found: dict[tuple[int, int], tuple[str, int, int]], key: tuple[int, int]) -> Fraction:
        _, n, e = found.get(key, ("good", 1, 0))
        return Fraction(e, n)

    assert {(x.start, x.end) for x in rates.buckets} == {
        key for key in rates_a.keys() | rates_b.keys() if rate(rates_a, key) != rate(rates_b, key)
    }
    swapped = backward.service("api").requests[0].buckets
    assert [(x.start, x.theirs, x.ours, x.theirs_requests) for x in swapped] == [
        (x.start, x.ours, x.theirs, x.ours_requests) for x in availability_dispute.buckets
    ]


# --- ticket measures ----------------------------------------------------------------------------

P1 = sla.response_time(priority="P1", within=sla.hours(1))


def _tickets_agreement() -> sla.Agreement:
    tier = sla.Tier(
        "gold",
        fee=sla.usd("1000.00"),
        objectives=[P1.on_time_ratio() >= "95%"],
        compensation=sla.per_breach(P1, sla.usd("100")),
    )
    return sla.Agreement(provider="Acme", customer="Globex", services=["desk"], tier=tier)


def _t(ident: str, priority: str, opened: str, answered: str | None = None) -> sla.Ticket:
    return sla.Ticket(ident, "desk", priority, opened, first_response=answered)


OURS_TICKETS = [
    _t("T-1", "P1", "2026-10-05T09:00:00Z", "2026-10-05T09:40:00Z"),  # on time on both
    _t("T-2", "P1", "2026-10-06T09:00:00Z", "2026-10-06T09:50:00Z"),  # on time on ours only
    _t("T-3", "P1", "2026-10-07T09:00:00Z", "2026-10-07T12:00:00Z"),  # late on both, answered
    _t("T-4", "P2", "2026-10-08T09:00:00Z", "2026-10-08T12:00:00Z"),  # P2: not judged
    _t("T-6", "P1", "2026-10-31T23:30:00Z"),  # pending at the period's end, on ours only
]
THEIRS_TICKETS = [
    _t("T-1", "P1", "2026-10-05T09:00:00Z", "2026-10-05T09:40:00Z"),
    _t("T-2", "P1", "2026-10-06T09:00:00Z", "2026-10-06T10:30:00Z"),  # late by 30 minutes
    _t("T-3", "P1", "2026-10-07T09:00:00Z"),  # late, and never answered on theirs
    _t("T-5", "P1", "2026-10-09T09:00:00Z"),  # theirs only: late, unanswered
    _t("T-6", "P2", "2026-10-31T23:30:00Z"),  # P2 on theirs: judged by neither side
]


def _tickets_dispute() -> Dispute:
    return dispute(_tickets_agreement(), OURS_TICKETS, THEIRS_TICKETS, period="2026-10")


def test_tickets_whose_fate_differs_are_listed_by_id_with_each_sides_times() -> None:
    """T-2, T-3 and T-5 differ; T-1 agrees; T-4 (P2) and T-6 (pending, P2) are judged by neither."""
    desk = _tickets_dispute().service("desk")
    ratio, late = desk.tickets  # the objective's on-time ratio and the rule's late count
    assert [t.id for t in ratio.tickets] == [t.id for t in late.tickets] == ["T-2", "T-3", "T-5"]
    t2, t3, t5 = late.tickets
    assert (t2.ours.status, t2.theirs.status, t2.kind) == ("on time", "late", "late in theirs only")
    assert (t2.ours.stopped, t2.theirs.stopped) == (
        to_us("2026-10-06T09:50:00Z"),
        to_us("2026-10-06T10:30:00Z"),
    )
    assert (t2.ours.elapsed_us, t2.theirs.elapsed_us) == (50 * MINUTE, 90 * MINUTE)
    assert (t2.ours.late_by_us, t2.theirs.late_by_us) == (0, 30 * MINUTE)
    assert (t2.ours.due, t2.theirs.due) == (None, to_us("2026-10-06T10:00:00Z"))
    assert t2.theirs.target_us == HOUR
    assert (t3.ours.status, t3.theirs.status, t3.kind) == (
        "late",
        "late, unanswered",
        "late in both",
    )
    assert t3.theirs.stopped is None
    assert (t5.ours.status, t5.theirs.status, t5.ours.opened) == (
        "absent",
        "late, unanswered",
        None,
    )
    assert t5.theirs.opened == to_us("2026-10-09T09:00:00Z")
    # the tallies per side, and the values
    assert dict(late.ours.tickets) == {
        "on time": 2,
        "late": 1,
        "pending at period end": 1,
        "other priority": 1,
    }
    assert (late.ours.judged, late.ours.late, late.ours.not_counted) == (3, 1, 2)
    assert (late.theirs.judged, late.theirs.late, late.theirs.on_time) == (4, 3, 1)
    assert late.theirs.tickets.get("other priority") == late.theirs.not_counted == 1
    assert (ratio.ours.value, ratio.theirs.value) == (Fraction(2, 3), Fraction(1, 4))


def test_a_ticket_of_another_service_on_the_other_side_is_absent_there() -> None:
    """T-9 is desk's on ours and api's on theirs: each service sees it on one side only."""
    agreement = attrs.evolve(_tickets_agreement(), services=("api", "desk"))
    ours = [_t("T-9", "P1", "2026-10-05T09:00:00Z", "2026-10-05T11:00:00Z")]  # desk, late
    theirs = [
        sla.Ticket(
            "T-9", "api", "P1", "2026-10-05T09:00:00Z", first_response="2026-10-05T09:30:00Z"
        )
    ]
    result = dispute(agreement, ours, theirs, period="2026-10")
    (on_api,) = result.service("api").tickets[1].tickets
    (on_desk,) = result.service("desk").tickets[1].tickets
    assert (on_api.ours.status, on_api.theirs.status, on_api.kind) == (
        "absent",
        "on time",
        "judged by theirs only",
    )
    assert (on_desk.ours.status, on_desk.theirs.status, on_desk.kind) == (
        "late",
        "absent",
        "late in ours only",
    )
    assert (on_api.worth, on_desk.worth) == (Fraction(0), Fraction(-100))


def test_a_ticket_worth_is_the_credit_with_ours_copy_replaced() -> None:
    """Each late ticket of theirs is one more breach at 100 USD; T-3 is late either way: 0."""
    result = _tickets_dispute()
    t2, t3, t5 = result.service("desk").tickets[1].tickets
    assert (t2.worth, t3.worth, t5.worth) == (Fraction(100), Fraction(0), Fraction(100))
    assert result.stake == 200
    agreement = _tickets_agreement()
    swapped = [t for t in OURS_TICKETS if t.id != "T-2"] + [THEIRS_TICKETS[1]]
    before = sla.evaluate(agreement, OURS_TICKETS, period="2026-10").compensation.exact_total
    after = sla.evaluate(agreement, swapped, period="2026-10").compensation.exact_total
    assert t2.worth == after - before
    assert [t.id for t in result.tickets] == ["T-2", "T-3", "T-5"] * 2


def test_tickets_on_one_side_only_both_by_the_other_measure_are_priced_once() -> None:
    """Two measures dispute the same three tickets: three worth evaluations, not six."""
    result = dispute(
        _tickets_agreement(), OURS_TICKETS, THEIRS_TICKETS, period="2026-10", max_worth=3
    )
    assert all(t.worth is not None for t in result.tickets)
    short = dispute(
        _tickets_agreement(), OURS_TICKETS, THEIRS_TICKETS, period="2026-10", max_worth=2
    )
    assert [t.worth is None for t in short.service("desk").tickets[0].tickets] == [
        False,
        False,
        True,
    ]
    assert any("1 ticket has no worth" in note for note in short.notes)


def test_coupled_services_price_buckets_and_tickets_on_the_whole_agreement() -> None:
    """A cap across services couples them: each bucket and ticket costs a whole evaluation."""
    requests = _requests_agreement()
    tickets = _tickets_agreement()
    for agreement, ours, theirs in (
        (requests, OURS_REQUESTS, THEIRS_REQUESTS),
        (tickets, OURS_TICKETS, THEIRS_TICKETS),
    ):
        rule = agreement.tier.compensation
        assert rule is not None
        capped = attrs.evolve(
            agreement,
            tier=agreement.tier.derive(
                "gold", compensation=sla.cap(rule, at_most="50%", across="services")
            ),
        )
        alone = dispute(agreement, ours, theirs, period="2026-10")
        coupled = dispute(capped, ours, theirs, period="2026-10")
        assert {s.worth_by for s in coupled.services if s.disputed} == {"agreement"}
        assert any("cap across services" in note for note in coupled.notes)
        worths = [x.worth for x in coupled.buckets] + [x.worth for x in coupled.tickets]
        assert worths == [x.worth for x in alone.buckets] + [x.worth for x in alone.tickets]
        assert worths
        assert all(w is not None for w in worths)


# --- documents of requests and tickets ----------------------------------------------------------


def test_the_documents_show_requests_buckets_and_tickets_in_dispute() -> None:
    """Every form names the counts per side, each disputed bucket and ticket, and their worth."""
    requests, tickets = _requests_dispute(), _tickets_dispute()
    markdown = requests.to_markdown()
    assert re.findall(r"^#{2,3} (.+)$", markdown, flags=re.MULTILINE) == [
        "Summary",
        "Credits (USD)",
        "Requests in dispute",
        "Disputed spans",
        "Service api",
        "How the figures are made",
    ]
    assert (
        "| api | success ratio | 27 / 27 (0) | 2 / 3 (+1) | 0 / 1 (+1) | 1 / 0 (-1) | 0 |"
        in markdown
    )
    assert (
        "| 2026-10-02 00:00:00Z to 2026-10-02 00:05:00Z | good: 0 of 2 bad | down: 1 of 2 bad "
        "| +100.00 USD |"
    ) in markdown
    text = tickets.to_text()
    assert "Tickets in dispute" in text
    assert "Disputed tickets" in text
    assert "Disputed spans" not in text  # no measure of time, no buckets
    row = next(line for line in text.splitlines() if line.startswith("T-2 (P1)"))
    assert row.split() == [
        "T-2",
        "(P1)",
        "on",
        "time",
        "late",
        "by",
        "30",
        "min",
        "2026-10-06",
        "09:00:00Z",
        "2026-10-06",
        "09:50:00Z",
        "2026-10-06",
        "10:30:00Z",
        "50",
        "min",
        "/",
        "1",
        "h",
        "30",
        "min",
        "1",
        "h",
        "+100.00",
        "USD",
    ]
    assert "unanswered, late by at least" in text
    for page in (requests.to_html(), tickets.to_html()):
        assert page.startswith("<!DOCTYPE html>")
        assert "<script" not in page
        ids = re.findall(r'id="([^"]+)"', page)
        assert len(ids) == len(set(ids))
    assert "Requests in dispute" in requests.to_html()
    assert "Tickets of desk" in tickets.to_html()


def test_the_json_holds_requests_buckets_and_tickets_exactly() -> None:
    """Counts as integers, values and worths as exact strings, instants in UTC."""
    data = json.loads(json.dumps(_requests_dispute().to_dict()))
    availability, ratio = data["services"][0]["requests"]
    assert ratio["ours"]["value"] == "27/29"
    assert (ratio["ours"]["good"], ratio["theirs"]["excluded"]) == (27, 1)
    assert ratio["differences"] == {"good": 0, "bad": 1, "excluded": 1, "ignored": -1}
    assert availability["buckets"][1] == {
        "start": "2026-10-03T00:00:00Z",
        "end": "2026-10-03T00:05:00Z",
        "length_us": 5 * MINUTE,
        "ours": "good",
        "theirs": "down",
        "kind": "theirs only",
        "ours_requests": 0,
        "ours_errors": 0,
        "theirs_requests": 2,
        "theirs_errors": 1,
        "worth_exact": "100",
        "worth": "100.00",
    }
    tickets = json.loads(json.dumps(_tickets_dispute().to_dict()))["services"][0]["tickets"]
    t2 = tickets[1]["tickets"][0]
    assert t2["id"] == "T-2"
    assert t2["theirs"] == {
        "status": "late",
        "priority": "P1",
        "opened": "2026-10-06T09:00:00Z",
        "stopped": "2026-10-06T10:30:00Z",
        "elapsed_us": 90 * MINUTE,
        "target_us": HOUR,
        "due": "2026-10-06T10:00:00Z",
        "late_by_us": 30 * MINUTE,
    }
    assert tickets[1]["ours"]["fates"]["pending at period end"] == 1


# --- the command line ---------------------------------------------------------------------------


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["dispute", *argv], out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def _outages_csv(path: Path, outages: list[sla.Outage]) -> Path:
    rows = ["kind,service,start,end"] + [
        f"outage,{o.service},{o.start.isoformat()},{o.end.isoformat()}" for o in outages
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_slakit_dispute_compares_a_split_period_version_by_version(tmp_path: Path) -> None:
    """The CLI on a period split by two amendments: a part per version, the totals, exit 1."""
    agreement = tmp_path / "agreement.json"
    agreement.write_text(json.dumps(sla.to_data(AMENDED)), encoding="utf-8")
    ours = _outages_csv(tmp_path / "provider.csv", PROVIDER)
    theirs = _outages_csv(tmp_path / "customer.csv", CUSTOMER)
    base = [str(agreement), "--ours", str(ours), "--theirs", str(theirs), "--period", "2026-10"]
    status, out, err = _run([*base, "--format", "json"])
    assert status == 1, err
    data = json.loads(out)
    assert [p["version"] for p in data["parts"]] == ["v1", "v2 (price review)", "v3 (stricter)"]
    assert [p["theirs"]["amount"] for p in data["parts"]] == ["250.00", "200.00", "220.00"]
    assert data["at_stake"]["amount"] == "570.00"
    assert data["sources"] == {"ours": str(ours), "theirs": str(theirs)}
    assert "the sides disagree: ours 100.00 USD, theirs 670.00 USD" in err
    status, out, _ = _run([*base, "--format", "md"])
    assert "## Version v2 (price review)" in out
    assert "### Credits by version (USD)" in out


def test_slakit_dispute_reads_each_sides_requests_and_tickets(tmp_path: Path) -> None:
    """--ours-requests and --theirs-tickets and the shared ones: each side reads its own."""
    agreement = tmp_path / "agreement.json"
    agreement.write_text(json.dumps(sla.to_data(_requests_agreement())), encoding="utf-8")

    def log(path: Path, requests: list[sla.Request]) -> Path:
        lines = [
            json.dumps({"service": r.service, "time": r.time.isoformat(), "status": r.status})
            for r in requests
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    ours = log(tmp_path / "provider-requests.jsonl", OURS_REQUESTS)
    theirs = log(tmp_path / "customer-requests.jsonl", THEIRS_REQUESTS)
    argv = [str(agreement), "--ours-requests", str(ours), "--theirs-requests", str(theirs)]
    status, out, err = _run([*argv, "--period", "2026-10", "--format", "json"])
    assert status == 1, err
    data = json.loads(out)
    buckets = data["services"][0]["requests"][0]["buckets"]
    assert [(b["start"], b["worth"]) for b in buckets] == [
        ("2026-10-02T00:00:00Z", "100.00"),
        ("2026-10-03T00:00:00Z", "100.00"),
    ]
    assert data["sources"]["ours"] == str(ours)
    # the same log for both sides: nothing is disputed
    same = [str(agreement), "--ours-requests", str(ours), "--theirs-requests", str(ours)]
    status, out, err = _run([*same, "--period", "2026-10"])
    assert status == 0, err
    assert "Requests in dispute" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        # a side with no input at all
        (["--ours-requests", "r.jsonl"], "theirs has no input: give --theirs (events)"),
        # the same kind twice on one side, with the shared one
        (
            ["--ours-requests", "r.jsonl", "--theirs-requests", "r.jsonl", "--requests", "r.jsonl"],
            "ours is given two RequestTable inputs",
        ),
    ],
)
def test_slakit_dispute_refuses_sides_without_input_or_with_a_kind_twice(
    tmp_path: Path, argv: list[str], message: str
) -> None:
    """Exit status 2 and one message naming the fix."""
    agreement = tmp_path / "agreement.json"
    agreement.write_text(json.dumps(sla.to_data(_requests_agreement())), encoding="utf-8")
    (tmp_path / "r.jsonl").write_text(
        '{"service": "api", "time": "2026-10-02T00:01:00Z", "status": 200}\n', encoding="utf-8"
    )
    paths = [str(tmp_path / a) if a.endswith(".jsonl") else a for a in argv]
    status, out, err = _run([str(agreement), *paths, "--period", "2026-10"])
    assert status == 2, err
    assert out == ""
    assert message in err
