"""Credits per incident (issue 16): against a brute-force model, with caps, as data, in words."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
from slakit.exceptions import DefinitionError

OCTOBER = sla.monthly().period("2026-10")
MINUTE = 60_000_000
UP = sla.uptime()
SERVICES = ("a", "b")


def _agreement(rule: sla.CreditRule) -> sla.Agreement:
    tier = sla.Tier("t", fee=sla.usd("3100.00"), objectives=[UP >= "99.9%"], compensation=rule)
    return sla.Agreement(provider="P", customer="C", services=list(SERVICES), tier=tier)


def _model(
    outages: list[sla.Outage], service: str, *, every: int | None, steps: str, longer: int
) -> Fraction:
    """Merge the service's outages by hand, clip them to October, count units per incident."""
    spans = sorted(
        (max(o.start_us, OCTOBER.start), min(o.end_us, OCTOBER.end))
        for o in outages
        if o.service == service
    )
    merged: list[list[int]] = []
    for lo, hi in spans:
        if hi <= lo:
            continue
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    units = Fraction(0)
    for lo, hi in merged:
        length = hi - lo
        if length <= longer:
            continue
        if every is None:
            units += 1
        elif steps == "started":
            units += -(-length // every)
        elif steps == "whole":
            units += length // every
        else:
            units += Fraction(length, every)
    return units


@st.composite
def _outages(draw: st.DrawFn) -> list[sla.Outage]:
    out = []
    for _ in range(draw(st.integers(0, 8))):
        start = draw(st.integers(-120, 31 * 24 * 60 - 1))  # some begin before October
        length = draw(st.integers(1, 6 * 60))
        service = draw(st.sampled_from(SERVICES))
        out.append(
            sla.Outage(
                service, OCTOBER.start + start * MINUTE, OCTOBER.start + (start + length) * MINUTE
            )
        )
    return out


@settings(max_examples=80, deadline=None)
@given(
    outages=_outages(),
    every=st.sampled_from([None, 30, 60]),
    steps=st.sampled_from(["started", "whole", "exact"]),
    longer=st.sampled_from([0, 10, 45]),
)
def test_incident_credits_match_merging_the_outages_by_hand(
    outages: list[sla.Outage], every: int | None, steps: str, longer: int
) -> None:
    """Each service's credit is 50 USD per unit of each incident, as a hand merge counts them."""
    rule = sla.per_incident(
        UP,
        worth=sla.usd("50"),
        every=None if every is None else sla.minutes(every),
        steps=steps,  # type: ignore[arg-type]
        longer_than=sla.minutes(longer) if longer else None,
    )
    report = sla.evaluate(_agreement(rule), outages, period="2026-10")
    (column,) = report.credit_columns
    expected = [
        50
        * _model(
            outages,
            service,
            every=None if every is None else every * MINUTE,
            steps=steps,
            longer=longer * MINUTE,
        )
        for service in SERVICES
    ]
    assert column.amount.tolist() == expected


def test_an_incident_is_a_run_of_down_time_and_its_line_lists_each() -> None:
    """Two overlapping outages are one incident of 2 h 10 min: three started hours."""
    rule = sla.per_incident(UP, worth=sla.usd("50"), every=sla.hours(1), longer_than=sla.minutes(5))
    events = [
        sla.Outage("a", "2026-10-05T00:00:00Z", "2026-10-05T01:30:00Z"),
        sla.Outage("a", "2026-10-05T01:00:00Z", "2026-10-05T02:10:00Z"),
        sla.Outage("a", "2026-10-07T00:00:00Z", "2026-10-07T00:04:00Z"),  # not longer than 5 min
    ]
    report = sla.evaluate(_agreement(rule), events, period="2026-10")
    (line,) = report.compensation.lines
    assert (line.service, line.amount) == ("a", Fraction(150))
    assert line.formula == (
        "1 incident ([2026-10-05T00:00:00Z, 2026-10-05T02:10:00Z) 2 hours 10 minutes, 3 units): "
        "3 units x 50 USD"
    )


def test_a_day_of_fees_per_incident_and_a_cap_that_sees_both_rules() -> None:
    """Units worth a day of the fee; a cap over the table and the incidents binds on their sum."""
    incidents = sla.per_incident(UP, worth=sla.days(1))  # 3,100 / 31 = 100 per incident
    table = sla.credit_schedule(UP, {"< 99.9%": "10%"})  # 310
    events = [
        sla.Outage("a", "2026-10-05T00:00:00Z", "2026-10-05T01:00:00Z"),
        sla.Outage("a", "2026-10-06T00:00:00Z", "2026-10-06T01:00:00Z"),
    ]
    both = sla.evaluate(_agreement(table + incidents), events, period="2026-10")
    assert both.total == sla.usd("510.00")
    capped = sla.evaluate(
        _agreement(sla.cap(table + incidents, at_most="15%")), events, period="2026-10"
    )
    assert capped.total == sla.usd("465.00")  # 15% of 3,100


def test_per_incident_round_trips_reads_in_words_and_promises_nothing() -> None:
    rule = sla.per_incident(UP, worth=sla.usd("50"), every=sla.hours(1), longer_than=sla.minutes(5))
    agreement = _agreement(rule)
    data = json.loads(json.dumps(sla.to_data(agreement)))
    assert sla.from_data(data) == agreement
    assert data["tier"]["compensation"]["type"] == "per_incident"
    assert rule.describe() == (
        "each incident of down time longer than 5 minutes: one unit per 1 hour or part thereof "
        "of the incident, each 50 USD"
    )
    assert "each incident of down time longer than 5 minutes" in sla.render_schedule(agreement)
    assert not rule.monotone()  # more down time can merge two incidents into one


def test_bad_arguments_are_named() -> None:
    with pytest.raises(DefinitionError, match="worth"):
        sla.per_incident(UP, worth="50")  # type: ignore[arg-type]
    with pytest.raises(DefinitionError, match="every"):
        sla.per_incident(UP, worth=sla.usd("5"), every=sla.minutes(0))
    with pytest.raises(DefinitionError, match="per_incident"):
        sla.per_incident(sla.success_ratio(), worth=sla.usd("5"))


def test_an_exclusion_or_a_service_window_takes_time_out_of_an_incident_not_splits_it() -> None:
    """An outage with announced maintenance in its middle, or over a weekend, is one incident."""
    maintenance = sla.scheduled_maintenance()
    excluded = sla.uptime(excluding=[maintenance])
    events = [
        sla.Outage("a", "2026-10-05T10:00:00Z", "2026-10-05T14:00:00Z"),
        sla.Maintenance(
            "a", "2026-10-05T11:00:00Z", "2026-10-05T12:00:00Z", "2026-09-01T00:00:00Z"
        ),
    ]
    for measure in (UP, excluded):
        rule = sla.per_incident(measure, worth=sla.usd("50"), every=sla.hours(1))
        report = sla.evaluate(_agreement(rule), events, period="2026-10")
        (line,) = report.compensation.lines
        # one incident: 4 hours down, or 3 hours counted when the maintenance hour is excluded
        assert line.amount == (200 if measure is UP else 150), measure
    office = sla.uptime(during=sla.weekly("Mon-Fri 08:00-18:00", tz="UTC"))
    weekend = [sla.Outage("a", "2026-10-09T17:00:00Z", "2026-10-12T09:00:00Z")]  # Fri to Mon
    rule = sla.per_incident(office, worth=sla.usd("50"))
    assert sla.evaluate(_agreement(rule), weekend, period="2026-10").total == sla.usd("50.00")


def test_longer_than_is_clock_time_and_an_incident_nothing_counts_pays_nothing() -> None:
    """An incident wholly outside the service window pays nothing; longer_than is clock time."""
    office = sla.uptime(during=sla.weekly("Mon-Fri 08:00-18:00", tz="UTC"))
    night = [sla.Outage("a", "2026-10-06T20:00:00Z", "2026-10-06T22:00:00Z")]
    rule = sla.per_incident(office, worth=sla.usd("50"))
    assert sla.evaluate(_agreement(rule), night, period="2026-10").total == sla.usd("0.00")
    # 17:30 to 19:30: 2 hours by the clock, 30 minutes counted in the window
    evening = [sla.Outage("a", "2026-10-06T17:30:00Z", "2026-10-06T19:30:00Z")]
    long = sla.per_incident(office, worth=sla.usd("50"), longer_than=sla.hours(1))
    report = sla.evaluate(_agreement(long), evening, period="2026-10")
    assert report.total == sla.usd("50.00")
    (line,) = report.compensation.lines
    assert "2 hours, 30 minutes counted" in (line.formula or "")
