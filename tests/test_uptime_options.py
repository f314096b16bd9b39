"""Every uptime option, on both sides of its boundary, against hand-computed figures."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

import slakit as sla
from slakit.exceptions import DefinitionError

MIN = 60_000_000
HOUR = 60 * MIN
OCTOBER = 31 * 24 * HOUR  # UTC


def at(hhmmss: str, day: int = 5) -> str:
    return f"2026-10-{day:02d}T{hhmmss}Z"


def measure(u: sla.Uptime, events: list[sla.Event]) -> sla.MeasureEvidence:
    """Evaluate ``u`` for service "s" over October 2026 (UTC) and return its evidence."""
    tier = sla.Tier("t", fee=sla.usd("100.00"), objectives=[u >= "0%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["s"], tier=tier)
    return sla.evaluate(agreement, events, period="2026-10").evidence("s")


def value(u: sla.Uptime, events: list[sla.Event]) -> Fraction:
    tier = sla.Tier("t", fee=sla.usd("100.00"), objectives=[u >= "0%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["s"], tier=tier)
    result = sla.evaluate(agreement, events, period="2026-10").objectives[0].value
    assert result is not None
    return result


# --- minimum outage ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("length_s", "counted"),
    [(59, False), (60, True), (61, True)],  # the episode must last at least one minute
)
def test_min_outage_episode_boundary(length_s: int, counted: bool) -> None:
    """Two overlapping reports form one episode; it counts from exactly the minimum."""
    start = sla.Span(at("10:00:00"), at("10:00:01")).start
    first = sla.Outage("s", start, start + 40_000_000)
    second = sla.Outage("s", start + 30_000_000, start + length_s * 1_000_000)
    ev = measure(sla.uptime(min_outage=sla.minutes(1)), [first, second])
    assert ev.down_us == (length_s * 1_000_000 if counted else 0)


def test_min_outage_of_report_judges_each_report_alone() -> None:
    """With ``min_outage_of="report"`` a 70-second episode of two short reports counts nothing."""
    reports = [
        sla.Outage("s", at("10:00:00"), at("10:00:40")),
        sla.Outage("s", at("10:00:30"), at("10:01:10")),
    ]
    assert measure(sla.uptime(min_outage=sla.minutes(1)), reports).down_us == 70_000_000
    by_report = measure(sla.uptime(min_outage=sla.minutes(1), min_outage_of="report"), reports)
    assert by_report.down_us == 0
    assert {n.reason for n in by_report.events} == {
        "ignored: it lasted less than the minimum outage of 1 minute"
    }


# --- buckets ----------------------------------------------------------------------------------


def test_partial_buckets_count_or_not() -> None:
    """A minute down inside a 5-minute bucket: 'any' counts the bucket, 'all' does not."""
    one_minute = [sla.Outage("s", at("10:02:00"), at("10:03:00"))]
    five = sla.minutes(5)
    assert measure(sla.uptime(granularity=five), one_minute).down_us == 5 * MIN
    assert measure(sla.uptime(granularity=five, bucket_down="all"), one_minute).down_us == 0
    whole = [sla.Outage("s", at("10:00:00"), at("10:05:00"))]
    assert measure(sla.uptime(granularity=five, bucket_down="all"), whole).down_us == 5 * MIN
    # a bucket down in two pieces is wholly down
    pieces = [
        sla.Outage("s", at("10:05:00"), at("10:07:00")),
        sla.Outage("s", at("10:07:00"), at("10:10:00")),
    ]
    assert measure(sla.uptime(granularity=five, bucket_down="all"), pieces).down_us == 5 * MIN


@pytest.mark.parametrize(
    ("rule", "down_us", "hour_down"),
    [
        # "> 6 minutes": exactly six minutes is not enough, a microsecond more is
        ("> 6 minutes", 6 * MIN, False),
        ("> 6 minutes", 6 * MIN + 1, True),
        # ">= 6 minutes": exactly six minutes is enough, a microsecond less is not
        (">= 6 minutes", 6 * MIN, True),
        (">= 6 minutes", 6 * MIN - 1, False),
    ],
)
def test_clock_hour_rule_boundary(rule: str, down_us: int, hour_down: bool) -> None:
    """An hour is down when more than (or at least) N of its minutes are, split or not."""
    start = sla.Span(at("10:00:00"), at("10:01:00")).start
    # three separate pieces inside the 10:00 hour, adding up to ``down_us``
    pieces = [
        sla.Outage("s", start + 5 * MIN, start + 7 * MIN),
        sla.Outage("s", start + 20 * MIN, start + 22 * MIN),
        sla.Outage("s", start + 40 * MIN, start + 40 * MIN + (down_us - 4 * MIN)),
    ]
    ev = measure(sla.uptime(granularity=sla.hours(1), bucket_down=rule), pieces)
    assert ev.down_us == (HOUR if hour_down else 0)
    if not hour_down:
        assert ev.events[0].reason == (
            f"ignored: no bucket it touched met the rule {rule!r} (buckets of 1 hour)"
        )


def test_a_long_outage_marks_every_hour_it_fills() -> None:
    """Hours wholly inside an outage are down under any rule; partial edges are judged."""
    outage = [sla.Outage("s", at("10:50:00"), at("13:03:00"))]  # 10 min, 2 full hours, 3 min
    ev = measure(sla.uptime(granularity=sla.hours(1), bucket_down="> 6 minutes"), outage)
    assert ev.down == sla.Timeline([(at("10:00:00"), at("13:00:00"))])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"bucket_down": "all"}, "needs buckets"),
        ({"granularity": sla.hours(1), "bucket_down": "> 1 hour"}, "can never hold"),
        ({"granularity": sla.hours(1), "bucket_down": ">= 61 minutes"}, "can never hold"),
        ({"granularity": sla.hours(1), "bucket_down": "most"}, "bucket_down='most'"),
        ({"granularity": sla.hours(1), "bucket_down": "< 6 minutes"}, "'any', 'all'"),
    ],
)
def test_bad_bucket_rules(kwargs: dict[str, object], message: str) -> None:
    """Impossible or malformed bucket rules fail at definition."""
    with pytest.raises(DefinitionError, match=message):
        sla.uptime(**kwargs)  # type: ignore[arg-type]


# --- degraded states and affected shares ------------------------------------------------------


def test_degraded_minutes_count_half() -> None:
    """An hour degraded at 50% weighs 30 minutes; overlapping full downtime weighs fully."""
    u = sla.uptime(states={"down": "100%", "degraded": "50%"})
    degraded = sla.Outage("s", at("10:00:00"), at("11:00:00"), state="degraded")
    down = sla.Outage("s", at("10:20:00"), at("10:30:00"))
    assert value(u, [degraded]) == 1 - Fraction(30 * MIN, OCTOBER)
    assert value(u, [degraded, down]) == 1 - Fraction(10 * MIN + 25 * MIN, OCTOBER)
    ev = measure(u, [degraded, down])
    assert ev.down_us == HOUR
    assert ev.weighted_down == 35 * MIN


def test_a_state_the_measure_does_not_count_is_listed() -> None:
    """Outages in a state the measure does not weigh are ignored, with the reason."""
    ev = measure(sla.uptime(), [sla.Outage("s", at("10:00:00"), at("11:00:00"), state="slow")])
    assert ev.down_us == 0
    assert ev.events[0].reason == "ignored: this measure counts only the states down"


def test_affected_share_weights_downtime() -> None:
    """An hour affecting 25% of customers weighs 15 minutes; overlapping shares take the larger."""
    u = sla.uptime(affected_share=True)
    quarter = sla.Outage("s", at("10:00:00"), at("11:00:00"), affected="25%")
    half = sla.Outage("s", at("10:30:00"), at("10:40:00"), affected="50%")
    assert value(u, [quarter]) == 1 - Fraction(15 * MIN, OCTOBER)
    assert value(u, [quarter, half]) == 1 - Fraction(50 * MIN // 4 + 10 * MIN // 2, OCTOBER)
    # without affected_share, the share is ignored
    assert value(sla.uptime(), [quarter]) == 1 - Fraction(HOUR, OCTOBER)


def test_weights_and_bucket_rules_combine() -> None:
    """A bucket's weight is the heaviest level at which it meets the rule."""
    u = sla.uptime(
        granularity=sla.hours(1),
        bucket_down="> 6 minutes",
        states={"down": "100%", "degraded": "50%"},
    )
    events = [
        sla.Outage("s", at("10:00:00"), at("10:05:00")),  # 5 min down: not enough on its own
        sla.Outage("s", at("10:10:00"), at("10:20:00"), state="degraded"),  # 15 min together
    ]
    assert value(u, events) == 1 - Fraction(HOUR // 2, OCTOBER)


# --- denominators -----------------------------------------------------------------------------


COMPONENTS = {"eu": sla.any_of("eu-a", "eu-b")}


@pytest.mark.parametrize(
    ("deployments", "eligible_hours"),
    [
        # one component deployed: the service exists while it is
        ([("eu-a", 1, 11)], 10 * 24),
        # two components overlapping: the union, not the sum
        ([("eu-a", 1, 11), ("eu-b", 6, 16)], 15 * 24),
        # apart: both spans
        ([("eu-a", 1, 3), ("eu-b", 20, 22)], 4 * 24),
        # the service's own deployment record counts beside its components'
        ([("eu", 1, 3), ("eu-b", 2, 5)], 4 * 24),
        # a deployment of a service that is not a component does not count
        ([("us-a", 1, 11)], 0),
    ],
)
def test_deployments_of_components_make_the_service_exist(
    deployments: list[tuple[str, int, int]], eligible_hours: int
) -> None:
    """With components=, a service is deployed while any of its components is deployed."""
    u = sla.uptime(denominator="deployed", components=COMPONENTS)
    day = 24 * HOUR
    start = sla.monthly().period("2026-10").start
    events: list[sla.Event] = [
        sla.Deployment(name, start + a * day, start + b * day) for name, a, b in deployments
    ]
    events.append(sla.Outage("eu-a", start + 2 * day, start + 2 * day + HOUR))
    events.append(sla.Outage("eu-b", start + 2 * day, start + 2 * day + HOUR))
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[u >= "99%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["eu"], tier=tier)
    report = sla.evaluate(agreement, events, period="2026-10")
    (result,) = report.objectives
    ev = report.evidence("eu")
    assert ev.eligible_us == eligible_hours * HOUR
    if eligible_hours == 0:
        assert result.verdict is sla.Verdict.NO_DATA
        return
    assert ev.down_us == HOUR
    assert result.value == 1 - Fraction(HOUR, eligible_hours * HOUR)
    notes = {n.where: n for n in report.events() if n.kind == "deployment"}
    assert notes
    assert all(
        n.reason == "counted: deployed time, the measure's denominator" for n in notes.values()
    )


def test_deployed_time_is_the_denominator() -> None:
    """Only deployed time is eligible, and outages outside it do not count."""
    u = sla.uptime(denominator="deployed")
    events: list[sla.Event] = [
        sla.Deployment("s", "2026-10-11T00:00:00Z", "2026-11-30T00:00:00Z"),
        sla.Outage("s", at("10:00:00", day=5), at("11:00:00", day=5)),  # before deployment
        sla.Outage("s", at("10:00:00", day=12), at("11:00:00", day=12)),
    ]
    ev = measure(u, events)
    assert ev.eligible_us == 21 * 24 * HOUR
    assert ev.down_us == HOUR
    assert [n.category for n in ev.events] == ["ignored", "counted", "counted"]  # by start
    assert ev.events[0].reason == (
        "ignored: outside the service's deployed time (the measure's denominator)"
    )
    # the whole period is the default denominator, and deployments are then unused
    plain = measure(sla.uptime(), events)
    assert plain.eligible_us == OCTOBER
    assert plain.events[1].reason == (
        "ignored: this measure's denominator is the whole period, not deployed time"
    )


def test_never_deployed_is_no_data() -> None:
    """A service with no deployed time in the period has no data, not 100%."""
    u = sla.uptime(denominator="deployed")
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[u >= "99%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["s"], tier=tier)
    (result,) = sla.evaluate(agreement, [], period="2026-10").objectives
    assert result.verdict is sla.Verdict.NO_DATA


def test_bad_state_tables() -> None:
    """Weights must be percentages above 0%, and name each state once."""
    with pytest.raises(DefinitionError, match="weighs 0%"):
        sla.uptime(states={"down": "0%"})
    with pytest.raises(DefinitionError, match="counts no outage"):
        sla.uptime(states={})
    with pytest.raises(DefinitionError, match="denominator='existence'"):
        sla.uptime(denominator="existence")  # type: ignore[arg-type]


def test_fine_grained_shares_stay_exact() -> None:
    """Shares with many decimals keep exact figures (no int64 overflow in the weighting)."""
    u = sla.uptime(affected_share=True)
    share = "1.23456789%"
    events = [sla.Outage("s", at("00:00:00", day=1), at("00:00:01", day=1), affected=share)]
    expected = 1 - Fraction(1_000_000) * Fraction(Decimal("0.0123456789")) / OCTOBER
    assert value(u, events) == expected
    weighted = measure(u, events).weighted_down
    assert weighted == Fraction(1_000_000) * Fraction(Decimal("0.0123456789"))


def test_component_rows_keep_their_own_reading() -> None:
    """A component report keeps its own service's reading, and is excluded inside maintenance."""
    u = sla.uptime(components={"web": sla.all_of("api", "db")})
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[u >= "99%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["api", "web"], tier=tier)
    report = sla.evaluate(
        agreement, [sla.Outage("api", at("10:00:00"), at("11:00:00"))], period="2026-10"
    )
    (categories,) = report.reconciliation.by_measure.values()
    assert categories["counted"] == 1
    excluded = sla.uptime(
        components={"web": sla.any_of("a")},
        excluding=[sla.scheduled_maintenance(notice=sla.days(1))],
    )
    events: list[sla.Event] = [
        sla.Maintenance("web", at("00:00:00"), at("05:00:00"), "2026-09-01T00:00:00Z"),
        sla.Outage("a", at("01:00:00"), at("02:00:00")),
    ]
    notes = measure_components(excluded, events)
    assert [n.category for n in notes] == ["excluded", "excluded"]


def measure_components(u: sla.Uptime, events: list[sla.Event]) -> list[sla.EventNote]:
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[u >= "0%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["web"], tier=tier)
    return sla.evaluate(agreement, events, period="2026-10").events()


def test_episodes_over_a_very_long_history_still_merge() -> None:
    """Reports spread over centuries (too wide to pack) merge one service at a time."""
    from slakit._engine._uptime import _episode_lengths, _episode_lengths_per_group
    from slakit._time import _kernels as k

    spans = k.as_grouped(
        [0, 0, 1, 1, 0],
        [0, 5, 0, 2**61, 100],
        [10, 20, 3, 2**61 + 7, 130],
    )
    assert _episode_lengths(spans).tolist() == [20, 20, 3, 7, 30]
    assert _episode_lengths_per_group(spans).tolist() == [20, 20, 3, 7, 30]


# --- a minimum duration and a bucket rule together --------------------------------------------


@pytest.mark.parametrize(
    ("bucket_down", "minimum_of", "outages", "down_minutes"),
    [
        # the issue's case: 10:00:30-10:10:40 holds 9 whole minutes; "ten consecutive minutes,
        # partial minutes not counted" (the default with "all") does not count it ...
        ("all", None, [("10:00:30", "10:10:40")], 0),
        ("all", "buckets", [("10:00:30", "10:10:40")], 0),
        # ... while the minimum on the raw outage (10 min 10 s) lets its 9 whole minutes count
        ("all", "episode", [("10:00:30", "10:10:40")], 9),
        # ten whole minutes are a run long enough
        ("all", None, [("10:00:00", "10:10:00")], 10),
        # two reports that overlap make one run of ten whole minutes
        ("all", None, [("10:00:00", "10:06:00"), ("10:05:00", "10:10:00")], 10),
        # a gap of a partial minute breaks the run: 10:05 is not wholly down
        ("all", None, [("10:00:00", "10:05:30"), ("10:05:40", "10:11:00")], 0),
        # with "any", the default minimum is on raw downtime: 9 min 50 s is too short ...
        ("any", None, [("10:00:30", "10:10:20")], 0),
        # ... though it touches 11 minutes, a run of buckets long enough if asked for
        ("any", "buckets", [("10:00:30", "10:10:20")], 11),
    ],
)
def test_minimum_on_raw_outages_or_on_runs_of_down_buckets(
    bucket_down: str, minimum_of: str | None, outages: list[tuple[str, str]], down_minutes: int
) -> None:
    """Both readings of a minimum with buckets are expressible, and the default follows the rule."""
    u = sla.uptime(
        min_outage=sla.minutes(10),
        granularity=sla.minutes(1),
        bucket_down=bucket_down,
        min_outage_of=minimum_of,  # type: ignore[arg-type]
    )
    events: list[sla.Event] = [sla.Outage("s", at(a), at(b)) for a, b in outages]
    ev = measure(u, events)
    assert ev.down_us == down_minutes * MIN
    if down_minutes == 0:
        assert all(n.reason.startswith("ignored: ") for n in ev.events)
        assert all(
            "lasted less than the minimum outage of 10 minutes" in n.reason for n in ev.events
        )


def test_a_run_of_down_buckets_is_measured_across_the_period_bound() -> None:
    """Six minutes before midnight and six after are one run of twelve: both months count theirs."""
    u = sla.uptime(min_outage=sla.minutes(10), granularity=sla.minutes(1), bucket_down="all")
    events: list[sla.Event] = [sla.Outage("s", "2026-09-30T23:54:00Z", "2026-10-01T00:06:00Z")]
    assert measure(u, events).down_us == 6 * MIN


def test_the_minimum_reading_is_named_in_repr_and_words() -> None:
    """The default is left out of the repr; the description says which reading applies."""
    u = sla.uptime(min_outage=sla.minutes(10), granularity=sla.minutes(1), bucket_down="all")
    assert repr(u) == "uptime(min_outage=minutes(10), granularity=minutes(1), bucket_down='all')"
    assert u.minimum_of == "buckets"
    assert "a run of consecutive down buckets shorter than 10 minutes is ignored" in u.describe()
    raw = sla.uptime(min_outage=sla.minutes(1), granularity=sla.minutes(1))
    assert raw.minimum_of == "episode"
    assert "consecutive downtime shorter than 1 minute is ignored" in raw.describe()
    with pytest.raises(DefinitionError, match="min_outage_of='buckets' applies the minimum"):
        sla.uptime(min_outage=sla.minutes(10), min_outage_of="buckets")
    assert sla.loads(sla.dumps(u, "json"), "json", kind=sla.Uptime) == u
    data = sla.to_data(u)
    assert "min_outage_of" not in data  # the default is written as the default


def test_a_components_records_are_the_services_evidence_and_said_once() -> None:
    """A record of a component that did not bring its service down is listed under it, once."""
    both = sla.uptime(components={"s": sla.all_of("s/a", "s/b")})
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[both >= "99%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["s"], tier=tier)
    alone = sla.Outage("s/a", "2026-11-02T00:00:00Z", "2026-11-02T01:00:00Z")
    report = sla.evaluate(agreement, [alone], period="2026-11")
    text = report.explain()
    assert "events not counted:\n      outage of s/a 2026-11-02T00:00:00Z" in text
    (note,) = report.events()
    assert "ignored, the service it is a component of" in note.describe()
    assert "ignored, ignored" not in note.describe()
