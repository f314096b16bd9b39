"""Request measures: every option on both sides of its boundary, hand-computed."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

import slakit as sla
from slakit._engine._requests import REASONS
from slakit.exceptions import DefinitionError
from tests.strategies import SECOND, T0, small_period
from tests.test_requests_oracle import run

MS = 1000


def req(
    t: int,
    status: int | None = 200,
    *,
    service: str = "a",
    ok: bool | None = None,
    ms: int | None = 10,
) -> sla.Request:
    """Return a request ``t`` seconds after T0."""
    return sla.Request(
        service, T0 + t * SECOND, status, ok=ok, latency=None if ms is None else ms * MS
    )


def value(measure: sla.Measure, reqs: list[sla.Request], **kwargs: Any) -> Fraction | None:
    """Return service ``a``'s exact value."""
    outcome = run(measure, reqs, **kwargs)
    total = int(outcome.total[0])
    return None if total == 0 else Fraction(int(outcome.good[0]), total)


def agreement(*objectives: sla.Objective, services: tuple[str, ...] = ("a", "b")) -> sla.Agreement:
    tier = sla.Tier("t", fee=sla.usd("100.00"), objectives=list(objectives))
    return sla.Agreement(
        provider="p", customer="c", services=list(services), tier=tier, period=sla.monthly()
    )


# --- success ratio ------------------------------------------------------------------------

MIXED = [req(1, 200), req(2, 404), req(3, 503), req(4, None, ok=False), req(5, None, ok=True)]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        # defaults: 4xx good, 5xx and failed bad
        ({}, Fraction(3, 5)),
        # client errors counted as bad
        ({"client_errors": "bad"}, Fraction(2, 5)),
        # client errors left out of both sides
        ({"client_errors": "excluded"}, Fraction(2, 4)),
        # server errors excluded: only successes and 4xx remain
        ({"server_errors": "excluded"}, Fraction(3, 3)),
        # server errors good (a pure availability-of-answers view)
        ({"server_errors": "good"}, Fraction(5, 5)),
    ],
)
def test_success_ratio_error_treatments(options: dict[str, str], expected: Fraction) -> None:
    """Which errors count is part of the definition of good."""
    assert value(sla.success_ratio(**options), MIXED) == expected


@pytest.mark.parametrize(
    ("options", "ms", "expected"),
    [
        # strictly under the bound: at the bound is bad, one microsecond under is good
        ({"latency_under": "300ms"}, 300, Fraction(0)),
        ({"latency_under": "300ms"}, 299, Fraction(1)),
        # at most the bound: at the bound is good, above is bad
        ({"latency_at_most": sla.milliseconds(300)}, 300, Fraction(1)),
        ({"latency_at_most": sla.milliseconds(300)}, 301, Fraction(0)),
    ],
)
def test_latency_bound_on_both_sides(options: dict[str, Any], ms: int, expected: Fraction) -> None:
    """A latency bound makes slow requests bad, strictly or inclusively as stated."""
    assert value(sla.success_ratio(**options), [req(1, ms=ms)]) == expected


def test_latency_bound_does_not_rescue_errors() -> None:
    """A fast server error stays bad; the reason says which rule made it bad."""
    outcome = run(sla.success_ratio(latency_under="1s"), [req(1, 503, ms=1), req(2, ms=2000)])
    assert outcome.counts["reasons"] == {"bad: server error": 1, "bad: too slow": 1}


def test_latency_share() -> None:
    """The share of requests under a threshold counts errors by latency unless told otherwise."""
    reqs = [req(1, 200, ms=100), req(2, 503, ms=100), req(3, 200, ms=400), req(4, 404, ms=50)]
    assert value(sla.latency_share("300ms"), reqs) == Fraction(3, 4)
    assert value(sla.latency_share("300ms", server_errors="excluded"), reqs) == Fraction(2, 3)
    assert value(sla.latency_share("300ms", server_errors="bad"), reqs) == Fraction(2, 4)
    assert value(sla.latency_share(at_most="400ms"), reqs) == Fraction(1)
    assert value(sla.latency_share("400ms"), reqs) == Fraction(3, 4)


def test_requests_without_latency_are_ignored_when_latency_matters() -> None:
    """A request with no latency is listed as ignored by a latency rule, and counted otherwise."""
    reqs = [req(1, ms=None), req(2, ms=5)]
    assert value(sla.success_ratio(), reqs) == Fraction(1)
    outcome = run(sla.latency_share("10ms"), reqs)
    assert outcome.counts["reasons"] == {"good": 1, "ignored: no latency recorded": 1}
    assert int(outcome.total[0]) == 1


# --- bucketed availability ----------------------------------------------------------------


def bucket_of(errors: int, n: int, t0: int = 0) -> list[sla.Request]:
    """Return ``n`` requests in the minute from ``t0`` seconds, ``errors`` of them 5xx."""
    return [req(t0 + i % 60, 503 if i < errors else 200) for i in range(n)]


MINUTE = sla.minutes(1)


@pytest.mark.parametrize(
    ("errors", "n", "down_when", "good"),
    [
        # error rate exactly 5%: down only when the bound is inclusive
        (1, 20, ">", 10),
        (1, 20, ">=", 9),
        # just above 5%: down either way
        (2, 39, ">", 9),
        (2, 39, ">=", 9),
        # just below 5%: good either way
        (1, 21, ">", 10),
        (1, 21, ">=", 10),
    ],
)
def test_bucket_error_rate_strict_or_inclusive(
    errors: int, n: int, down_when: str, good: int
) -> None:
    """A bucket is down when its error rate exceeds (or reaches) the bound; 10 buckets."""
    m = sla.bucket_availability(bucket=MINUTE, max_error_rate="5%", down_when=down_when)
    assert value(m, bucket_of(errors, n)) == Fraction(good, 10)


@pytest.mark.parametrize(
    ("min_requests", "n", "good"),
    [
        # 2 of 2 failed: below a minimum of 3 requests the bucket is never down
        (3, 2, 10),
        # at the minimum it can be
        (2, 2, 9),
        (1, 2, 9),
    ],
)
def test_bucket_minimum_requests(min_requests: int, n: int, good: int) -> None:
    """Only a bucket holding at least M requests can be down."""
    m = sla.bucket_availability(bucket=MINUTE, max_error_rate="5%", min_requests=min_requests)
    assert value(m, bucket_of(n, n)) == Fraction(good, 10)


@pytest.mark.parametrize(
    ("empty", "expected"),
    [
        # 10 buckets: one with traffic and good, one down, 8 without traffic
        ("good", Fraction(9, 10)),
        ("bad", Fraction(1, 10)),
        ("excluded", Fraction(1, 2)),
    ],
)
def test_buckets_without_traffic(empty: str, expected: Fraction) -> None:
    """A bucket without counted requests is good, bad or excluded, as stated."""
    m = sla.bucket_availability(bucket=MINUTE, max_error_rate="5%", empty=empty)
    reqs = bucket_of(0, 5, t0=0) + bucket_of(5, 5, t0=60)
    assert value(m, reqs) == expected


def test_bucket_holding_only_excluded_requests_is_empty() -> None:
    """Excluded requests do not make a bucket non-empty."""
    m = sla.bucket_availability(
        bucket=MINUTE, max_error_rate="5%", empty="excluded", client_errors="excluded"
    )
    assert value(m, [req(1, 200), req(70, 404)]) == Fraction(1, 1)


def test_partial_buckets_count_as_buckets() -> None:
    """Seven-minute buckets over ten minutes make two buckets, the second of three minutes."""
    m = sla.bucket_availability(bucket=sla.minutes(7), max_error_rate="5%")
    assert value(m, [req(500, 503)]) == Fraction(1, 2)
    assert value(m, [req(419, 503)]) == Fraction(1, 2)


def test_buckets_are_aligned_to_the_period_start_when_the_agreement_starts_later() -> None:
    """From 30 s in, one-minute buckets are [30 s, 60 s) then whole minutes: 10 buckets."""
    m = sla.bucket_availability(bucket=MINUTE, max_error_rate="5%")
    start = T0 + 30 * SECOND
    assert value(m, [req(45, 503)], start=start) == Fraction(9, 10)
    outcome = run(m, [req(10, 503), req(45, 200)], start=start)
    assert Fraction(int(outcome.good[0]), int(outcome.total[0])) == 1
    assert outcome.counts["reasons"] == {"good": 1, "ignored: outside the period": 1}


def test_bucket_evidence_lists_the_buckets_that_were_not_good() -> None:
    """The evidence names each down, bad or excluded bucket with its counts and reason."""
    m = sla.bucket_availability(bucket=MINUTE, max_error_rate="5%", empty="excluded")
    outcome = run(m, [*bucket_of(1, 2, t0=60), req(700, 200)])
    ev = outcome.evidence_of(0)
    assert isinstance(ev, sla.RequestEvidence)
    assert [(b.start - T0, b.requests, b.errors, b.verdict) for b in ev.buckets[:2]] == [
        (0, 0, 0, "excluded"),
        (60 * SECOND, 2, 1, "down"),
    ]
    assert ev.down.measure() == 60 * SECOND
    assert ev.excluded.measure() == 9 * 60 * SECOND
    assert ev.eligible.measure() == 60 * SECOND
    assert ev.value == "0%"
    assert [n.reason for n in ev.events] == ["ignored: outside the period (status 200, success)"]
    text = "\n".join(ev.lines())
    assert "error rate 50% > 5%" in text
    assert "requests ignored: outside the period: 1" in text


def test_bucket_evidence_shows_small_buckets_with_errors_and_bad_empty_buckets() -> None:
    """Buckets below the minimum are shown good; empty buckets shown bad when they count so."""
    m = sla.bucket_availability(bucket=MINUTE, max_error_rate="5%", min_requests=3, empty="bad")
    ev = run(m, bucket_of(1, 2)).evidence_of(0)
    verdicts = [b.verdict for b in ev.buckets]
    assert verdicts == ["good"] + ["bad"] * 9
    assert "never down" in ev.buckets[0].reason


# --- error-rate uptime --------------------------------------------------------------------


def test_error_rate_uptime_by_hand() -> None:
    """Ten buckets; rates 1/3 and 1/2, the rest 0% (empty ones too): 1 - (5/6)/10 = 11/12."""
    m = sla.error_rate_uptime(bucket=MINUTE)
    reqs = bucket_of(1, 3, t0=0) + bucket_of(1, 2, t0=120)
    assert value(m, reqs) == Fraction(11, 12)
    ev = run(m, reqs).evidence_of(0)
    assert [b.errors for b in ev.buckets] == [1, 1]
    assert "sum of bucket error rates 5/6 over 10 buckets" in ev.detail


def test_error_rate_uptime_is_exact_beyond_int64() -> None:
    """Sixteen buckets whose sizes are distinct primes: the exact value needs big integers."""
    primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53]
    m = sla.error_rate_uptime(bucket=sla.seconds(10))
    reqs = [
        req(10 * k + (i % 10), 503 if i == 0 else 200)
        for k, p in enumerate(primes)
        for i in range(p)
    ]
    expected = 1 - sum(Fraction(1, p) for p in primes) / 60
    assert value(m, reqs) == expected
    a = agreement(m >= "99%", services=("a",))
    report = sla.evaluate(a, reqs, period=small_period())
    assert report.objectives[0].value == expected
    assert report.objectives[0].verdict is sla.Verdict.BREACHED


# --- latency percentiles ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "q", "expected_ms"),
    [
        # nearest rank: ceil(0.99 * 100) = 99; ceil(0.99 * 101) = 100
        (100, 99, 99),
        (101, 99, 100),
        # p100 is the maximum; p1 of 100 is the first
        (100, 100, 100),
        (100, 1, 1),
        # p50 of 3 latencies is the 2nd
        (3, 50, 2),
    ],
)
def test_nearest_rank(n: int, q: int, expected_ms: int) -> None:
    """The default method is nearest rank: the value at 1-based rank ceil(q * n)."""
    reqs = [req(i % 600, ms=i + 1) for i in range(n)]
    assert value(sla.latency_percentile(q), reqs) == expected_ms * MS


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        # latencies 10, 20, 30, 40 ms; q = 50%: h = 0.5 * 3 = 1.5
        ("lower", Fraction(20 * MS)),
        ("higher", Fraction(30 * MS)),
        ("linear", Fraction(25 * MS)),
        ("nearest_rank", Fraction(20 * MS)),
    ],
)
def test_percentile_methods(method: str, expected: Fraction) -> None:
    """Each named method picks or interpolates as documented, exactly."""
    reqs = [req(1, ms=ms) for ms in (40, 10, 30, 20)]
    assert value(sla.latency_percentile(50, method=method), reqs) == expected


def test_percentile_per_bucket_is_the_worst_bucket() -> None:
    """Per bucket, the value is the highest bucket percentile; empty buckets are skipped."""
    reqs = [req(1, ms=10), req(2, ms=20), req(61, ms=500), req(62, ms=600)]
    m = sla.latency_percentile(50, per=MINUTE)
    assert value(m, reqs) == 500 * MS
    ev = run(m, reqs).evidence_of(0)
    assert ev.buckets[0].start == T0 + 60 * SECOND
    assert "worst of 2 buckets" in ev.detail


@pytest.mark.parametrize(
    "huge_us",
    [
        # packs into int64 keys rather than uint32
        2**40,
        # the longest supported duration (8,029 years), near the top of int64 keys
        253_370_764_800_000_000,
    ],
)
def test_percentiles_of_very_long_latencies(huge_us: int) -> None:
    """Wide latencies fall back to wider keys, exactly."""
    reqs = [req(1, ms=1), sla.Request("a", T0 + 2 * SECOND, 200, latency=huge_us)]
    assert value(sla.latency_percentile(100), reqs) == huge_us
    assert value(sla.latency_percentile(50, method="lower"), reqs) == MS


def test_small_buckets_without_errors_are_not_listed() -> None:
    """Below the minimum, only buckets that had errors are worth a note."""
    m = sla.bucket_availability(bucket=MINUTE, max_error_rate="5%", min_requests=3)
    ev = run(m, [req(1), *bucket_of(1, 2, t0=60)]).evidence_of(0)
    assert [(b.start - T0, b.verdict) for b in ev.buckets] == [(60 * SECOND, "good")]


def test_percentile_error_treatment() -> None:
    """Errors are in the latency population unless excluded."""
    reqs = [req(1, 200, ms=10), req(2, 503, ms=900), req(3, 404, ms=800)]
    assert value(sla.latency_percentile(100), reqs) == 900 * MS
    assert value(sla.latency_percentile(100, server_errors="excluded"), reqs) == 800 * MS
    both = sla.latency_percentile(100, server_errors="excluded", client_errors="excluded")
    assert value(both, reqs) == 10 * MS


def test_percentile_objectives_and_credits_take_durations() -> None:
    """``p99 <= "300ms"`` and a credit schedule over latency compare exact microseconds."""
    p99 = sla.latency_percentile(99)
    objective = p99 <= "300ms"
    assert objective.target == Decimal(300_000)
    assert objective.describe() == "p99 latency <= 300ms"
    assert repr(objective) == "latency_percentile(99) <= '300ms'"
    schedule = sla.credit_schedule(p99, {"> 300ms": "10%", "> 1s": "25%"})
    tier = sla.Tier("t", fee=sla.usd("100.00"), objectives=[objective], compensation=schedule)
    a = sla.Agreement(
        provider="p", customer="c", services=["a", "b"], tier=tier, period=sla.monthly()
    )
    reqs = [req(1, ms=300), req(2, service="b", ms=301)]
    report = sla.evaluate(a, reqs, period=small_period())
    assert [r.verdict for r in report.objectives] == [sla.Verdict.MET, sla.Verdict.BREACHED]
    assert report.total == sla.usd("10.00")
    assert report.objectives[1].shown == "301ms"


def test_percentile_ignores_requests_without_latency_and_reports_no_data() -> None:
    """No latency recorded means no data, never a made-up 0 ms."""
    outcome = run(sla.latency_percentile(99), [req(1, ms=None)])
    assert int(outcome.total[0]) == 0
    ev = outcome.evidence_of(0)
    assert ev.value == "no data"
    assert ev.detail == "no requests with a latency"


# --- reconciliation, coverage, no data, reports -------------------------------------------


def test_every_request_is_counted_excluded_or_ignored() -> None:
    """Requests outside the period or of uncovered services are listed; the counts reconcile."""
    reqs = [
        req(1, 200),
        req(2, 404),
        req(-5, 200),
        req(600, 200),
        req(3, 200, service="zz"),
    ]
    m = sla.success_ratio(client_errors="excluded")
    report = sla.evaluate(agreement(m >= "99%"), reqs, period=small_period())
    rec = report.reconciliation
    label = repr(m)
    assert rec.by_measure[label] == {"counted": 1, "excluded": 1, "ignored": 3}
    assert rec.reasons[label] == {
        "good": 1,
        "excluded: client error": 1,
        "ignored: outside the period": 2,
        "ignored: service not covered": 1,
    }
    assert rec.balanced()
    assert rec.total == 5
    notes = report.events()  # by time, then service, then every field
    assert [n.category for n in notes] == ["ignored", "counted", "excluded", "ignored", "ignored"]
    assert notes[3].reason == "ignored: service not covered (status 200, success)"
    assert notes[1].kind == "request"
    assert notes[1].end - notes[1].start == 10 * MS


def test_a_service_without_requests_has_no_data() -> None:
    """No counted requests yields an explicit no-data verdict for every request measure."""
    measures = [
        sla.success_ratio(),
        sla.bucket_availability(bucket=MINUTE, max_error_rate="5%"),
        sla.error_rate_uptime(bucket=MINUTE),
        sla.latency_percentile(99),
    ]
    for m in measures:
        outcome = run(m, [req(1)])
        assert int(outcome.total[1]) == 0, m
        assert outcome.evidence_of(1).value == "no data"
    report = sla.evaluate(agreement(sla.success_ratio() >= "99%"), [req(1)], period=small_period())
    assert [r.verdict for r in report.objectives] == [sla.Verdict.MET, sla.Verdict.NO_DATA]


def test_report_renders_request_evidence() -> None:
    """The text and dict renderings of a report over requests work and carry the figures."""
    m = sla.bucket_availability(bucket=MINUTE, max_error_rate="5%")
    report = sla.evaluate(agreement(m >= "95%"), bucket_of(1, 2), period=small_period())
    text = report.explain()
    assert "bucket availability >= 95%: BREACHED, measured 90%" in text
    data = report.to_dict()
    assert data["evidence"][0]["services"]["down_seconds"] == ["60", "0"]
    assert (
        report.service("a").evidence[0].detail
        == "9 good of 10 eligible buckets (10 buckets in the period)"
    )


def test_measures_of_one_service() -> None:
    """``service=`` measures one service only; its label says so."""
    m = sla.success_ratio(service="b")
    report = sla.evaluate(agreement(m >= "50%"), [req(1, service="b")], period=small_period())
    assert report.objectives[0].service == "b"
    assert m.label == "success ratio of b"


def test_requests_and_outages_together() -> None:
    """A request table and an event table are evaluated side by side, each by its measures."""
    a = agreement(sla.uptime() >= "99%", sla.success_ratio() >= "99%", services=("a",))
    outage = sla.Outage("a", T0, T0 + 60 * SECOND)
    report = sla.evaluate(a, [outage], [req(1)], period=small_period())
    assert [r.verdict for r in report.objectives] == [sla.Verdict.BREACHED, sla.Verdict.MET]
    assert report.reconciliation.total == 2


def test_reasons_are_listed_in_code_order() -> None:
    """The reason table starts with good and ends with uncovered services."""
    assert REASONS[0] == "good"
    assert REASONS[-1] == "ignored: service not covered"


# --- DSL ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "text"),
    [
        (sla.success_ratio(), "success_ratio()"),
        (
            sla.success_ratio(service="a", client_errors="bad", latency_under="300ms"),
            "success_ratio(service='a', client_errors='bad', latency_under='300ms')",
        ),
        (
            sla.success_ratio(server_errors="excluded", latency_at_most=sla.seconds(1)),
            "success_ratio(server_errors='excluded', latency_at_most='1000ms')",
        ),
        (sla.latency_share("250ms"), "latency_share('250ms')"),
        (
            sla.latency_share(at_most="0.5ms", server_errors="bad"),
            "latency_share(at_most='0.5ms', server_errors='bad')",
        ),
        (
            sla.bucket_availability(bucket=MINUTE, max_error_rate="5%"),
            "bucket_availability(bucket=minutes(1), max_error_rate='5%')",
        ),
        (
            sla.bucket_availability(
                bucket=MINUTE, max_error_rate="10%", down_when=">=", min_requests=5, empty="bad"
            ),
            (
                "bucket_availability(bucket=minutes(1), max_error_rate='10%', down_when='>=', "
                "min_requests=5, empty='bad')"
            ),
        ),
        (sla.error_rate_uptime(bucket=sla.minutes(5)), "error_rate_uptime(bucket=minutes(5))"),
        (sla.latency_percentile("99.9"), "latency_percentile('99.9')"),
        (
            sla.latency_percentile(
                "95%",
                method="linear",
                per=MINUTE,
                service="a",
                client_errors="excluded",
                server_errors="excluded",
            ),
            (
                "latency_percentile(95, method='linear', per=minutes(1), service='a', "
                "client_errors='excluded', server_errors='excluded')"
            ),
        ),
    ],
)
def test_reprs_read_as_dsl(measure: sla.Measure, text: str) -> None:
    """A measure's repr is the call that builds it."""
    assert repr(measure) == text


@pytest.mark.parametrize(
    ("measure", "label", "phrase"),
    [
        (sla.success_ratio(), "success ratio", "server errors (5xx or failed) are bad"),
        (sla.latency_share("1s"), "share of requests under 1000ms", "latency is under 1000ms"),
        (sla.latency_share(at_most="1s"), "share of requests at most 1000ms", "at most 1000ms"),
        (
            sla.bucket_availability(bucket=MINUTE, max_error_rate="5%", min_requests=3),
            "bucket availability",
            "fewer than 3 counted requests is never down",
        ),
        (
            sla.bucket_availability(
                bucket=MINUTE, max_error_rate="5%", down_when=">=", empty="excluded"
            ),
            "bucket availability",
            "at or above 5%",
        ),
        (sla.error_rate_uptime(bucket=MINUTE), "error-rate uptime", "has an error rate of 0%"),
        (sla.latency_percentile(99), "p99 latency", "1-based rank ceil(q * n)"),
        (
            sla.latency_percentile(50, per=MINUTE, method="lower", client_errors="excluded"),
            "worst 1 minute p50 latency",
            "client errors are excluded",
        ),
        (sla.latency_percentile(50, method="higher"), "p50 latency", "ceil(q * (n - 1))"),
        (sla.latency_percentile(50, method="linear"), "p50 latency", "linear interpolation"),
    ],
)
def test_labels_and_descriptions(measure: sla.Measure, label: str, phrase: str) -> None:
    """Labels name the measure; descriptions state every rule in words."""
    assert measure.label == label
    assert phrase in measure.describe()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: sla.success_ratio(client_errors="ignored"), "client_errors='ignored'"),
        (lambda: sla.success_ratio(server_errors="x"), "server_errors='x'"),
        (
            lambda: sla.success_ratio(latency_under="1s", latency_at_most="2s"),
            "give one latency bound",
        ),
        (lambda: sla.success_ratio(latency_under=300), "must be a duration"),
        (lambda: sla.success_ratio(latency_under="300"), "with a unit"),
        (sla.latency_share, "exactly one bound"),
        (lambda: sla.latency_share("1s", at_most="2s"), "exactly one bound"),
        (sla.LatencyShare, "needs a bound"),
        (lambda: sla.bucket_availability(bucket=sla.seconds(0), max_error_rate="5%"), "bucket="),
        (lambda: sla.bucket_availability(bucket=MINUTE, max_error_rate="5"), "percent sign"),
        (
            lambda: sla.bucket_availability(bucket=MINUTE, max_error_rate="5%", min_requests=0),
            "min_requests=0",
        ),
        (
            lambda: sla.bucket_availability(bucket=MINUTE, max_error_rate="5%", down_when="<"),
            "down_when='<'",
        ),
        (
            lambda: sla.bucket_availability(bucket=MINUTE, max_error_rate="5%", empty="none"),
            "empty='none'",
        ),
        (lambda: sla.error_rate_uptime(bucket=60), "bucket=60"),
        (lambda: sla.latency_percentile(0), "q=0"),
        (lambda: sla.latency_percentile(101), "q=101"),
        (lambda: sla.latency_percentile("abc"), "q='abc'"),
        (lambda: sla.latency_percentile(0.99), "q=0.99"),
        (lambda: sla.latency_percentile(99, method="nearest"), "method='nearest'"),
        (lambda: sla.latency_percentile(99, per=sla.seconds(0)), "bucket="),
        (lambda: sla.latency_percentile(99, client_errors="bad"), "client_errors='bad'"),
        (lambda: sla.latency_percentile(99) <= 300, "with a unit"),
        (lambda: sla.milliseconds(-1), "milliseconds(-1)"),
        (lambda: sla.milliseconds("0.0001"), "exact to the microsecond"),
        (lambda: sla.milliseconds(1.5), "milliseconds(1.5)"),
        (lambda: sla.milliseconds("x"), "milliseconds('x')"),
    ],
)
def test_invalid_definitions(build: Any, message: str) -> None:
    """Invalid options fail when the measure is built, naming the option."""
    with pytest.raises(DefinitionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build()


@pytest.mark.parametrize(
    ("text", "us"),
    [
        ("300ms", 300_000),
        ("1.5s", 1_500_000),
        ("250us", 250),
        ("250µs", 250),
        ("2min", 120_000_000),
        (" 0.5 ms ", 500),
    ],
)
def test_latency_targets(text: str, us: int) -> None:
    """Latency targets take units and read back from their display form."""
    p99 = sla.latency_percentile(99)
    assert p99.coerce(text) == us
    assert p99.coerce(p99.format_value(Decimal(us))) == us


def test_latency_display() -> None:
    """Latencies show in milliseconds, exactly when the decimal terminates."""
    p99 = sla.latency_percentile(99)
    assert p99.format_value(Fraction(1, 3)) == "0.000333ms"
    assert p99.format_value(Fraction(2_500_001, 2)) == "1250.0005ms"
    assert sla.milliseconds(300) == sla.Duration(300_000)
    assert sla.milliseconds("0.25").us == 250


def test_a_credit_per_miss_needs_a_measure_of_misses() -> None:
    """A percentile is a latency: ``per_breach`` on it once paid total - good, a negative credit."""
    with pytest.raises(DefinitionError, match="not a count of misses"):
        sla.per_breach(sla.latency_percentile(99), sla.usd("1"))
    with pytest.raises(DefinitionError, match="not a count of misses"):
        sla.per_breach(sla.mttr(), sla.usd("1"))
    # an objective on it, and measures that count misses, are fine
    sla.per_breach(sla.latency_percentile(99) <= "300ms", sla.usd("1"))
    sla.per_breach(sla.late_repairs(within=sla.hours(4)), sla.usd("1"))


@pytest.mark.parametrize(
    ("least", "good", "bad", "expected"),
    [
        (1, 5, 4, Fraction(5, 9)),
        (9, 5, 4, Fraction(5, 9)),  # exactly the minimum: a value
        (10, 5, 4, None),  # slo-generator's example: 5 good and 4 bad are too few
        (10, 0, 0, None),
    ],
)
def test_min_requests_below_which_a_ratio_has_no_data(
    least: int, good: int, bad: int, expected: Fraction | None
) -> None:
    """A service with fewer counted requests than min_requests has no data, and says why."""
    rows = [sla.Request("api", T0, 200)] * good + [sla.Request("api", T0, 500)] * bad
    measure = sla.success_ratio(min_requests=least)
    tier = sla.Tier("t", fee=sla.usd("10.00"), objectives=[measure >= "50%"])
    terms = sla.Agreement(provider="P", customer="C", services=["api"], tier=tier)
    report = sla.evaluate(terms, sla.RequestTable.from_records(rows), period="2026-10")
    [result] = report.objectives
    assert result.value == expected
    if expected is None:
        assert result.verdict is sla.Verdict.NO_DATA
        reason = "no counted requests" if least == 1 else f"fewer than {least} counted requests"
        assert f"NO DATA ({reason})" in report.explain()
        if good + bad:
            assert f"fewer than the {least} the measure reads a ratio from" in report.explain()
    share = sla.latency_share("300ms", min_requests=least)
    assert repr(share) == (
        "latency_share('300ms')" if least == 1 else f"latency_share('300ms', min_requests={least})"
    )


def test_min_requests_must_be_a_positive_whole_number() -> None:
    """Zero, a negative number, a float or a boolean is refused by name."""
    for bad in (0, -1, 2.5, True):
        with pytest.raises(DefinitionError, match="min_requests"):
            sla.success_ratio(min_requests=bad)  # type: ignore[arg-type]
