"""Exclusion records and corrections with a category and a reason (issue 16).

A ``Correction`` records time on some services (one, a list, ``"*"`` or a
catalogue tag) with a category, the reason and who recorded it; a measure's
``corrections()`` clauses say which categories it excludes and how (remove,
count as available, count as unavailable). Checked against an hour-by-hour
model, with maintenance, service windows and deployed time.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
from slakit.exceptions import DefinitionError, EventDataError

HOUR = 3_600_000_000
OCTOBER = sla.monthly().period("2026-10")
SERVICES = ("api", "db")


def _at(hour: int) -> int:
    return OCTOBER.start + hour * HOUR


def _agreement(measure: sla.Uptime, **more: object) -> sla.Agreement:
    tier = sla.Tier("t", fee=sla.usd("100.00"), objectives=[measure >= "99.9%"])
    return sla.Agreement(
        provider="P",
        customer="C",
        services=list(SERVICES),
        tier=tier,
        catalogue=[sla.service("db", tags=["eu"]), sla.service("api", tags=["us"])],
        **more,  # type: ignore[arg-type]
    )


def _values(report: sla.Report) -> dict[str, Fraction | None]:
    return {o.service: o.value for o in report.objectives}


def test_categories_are_excluded_as_each_clause_says() -> None:
    """db: 4 h down, 1 h customer-caused (removed), 30 min of a beta (counted as available)."""
    measure = sla.uptime(
        excluding=[
            sla.corrections("customer-caused", "force majeure"),
            sla.corrections("beta", accounting="good"),
        ]
    )
    events = [
        sla.Outage("db", _at(48), _at(52)),
        sla.Outage("api", _at(48), _at(52)),
        sla.Correction(
            "db",
            _at(49),
            _at(50),
            category="customer-caused",
            reason="the customer's firewall change CHG-1182",
            by="noc@acme.example",
            recorded="2026-10-04T09:00:00Z",
        ),
        sla.Correction("*", _at(51), _at(51) + HOUR // 2, category="beta", reason="beta"),
        sla.Correction("tag:eu", _at(100), _at(101), category="planned", reason="not excluded"),
        sla.Correction(["web"], _at(100), _at(101), category="beta"),
    ]
    report = sla.evaluate(_agreement(measure), events, period="2026-10")
    month = 31 * 24 * 2  # half hours
    assert _values(report) == {
        "db": Fraction(month - 2 - 5, month - 2),  # 2.5 h down of 743 h eligible
        "api": Fraction(month - 7, month),  # 3.5 h down of 744 h
    }
    text = report.explain()
    assert (
        "correction 0: customer-caused on db [2026-10-03T01:00:00Z, 2026-10-03T02:00:00Z): the "
        "customer's firewall change CHG-1182 (recorded by noc@acme.example at "
        "2026-10-04T09:00:00Z): applied: 1 hour in the measured span removed from down time "
        "and eligible time" in text
    )
    assert "beta on every service" in text
    assert (
        "planned on the services tagged 'eu' [2026-10-05T04:00:00Z, 2026-10-05T05:00:00Z): not "
        "excluded: not applied: its category is not one this measure excludes" in text
    )
    # every correction is reconciled: 2 applied, 2 not (a category, a service)
    reasons = report.reconciliation.reasons[repr(measure)]
    assert reasons["correction excluded: applied"] == 2
    assert (
        reasons["correction ignored: not applied: its category is not one this measure excludes"]
        == 1
    )
    assert (
        reasons["correction ignored: not applied: it names no service this measure evaluates"] == 1
    )
    assert report.reconciliation.read == {"events": 2, "corrections": 4}
    statement = report.to_markdown()
    assert "### Corrections" in statement
    assert "(recorded by noc@acme.example at 2026-10-04T09:00:00Z)" in statement


def test_corrections_change_the_fingerprint_and_round_trip() -> None:
    measure = sla.uptime(excluding=[sla.corrections("force majeure", accounting="good")])
    agreement = _agreement(measure)
    down = [sla.Outage("db", _at(1), _at(3))]
    storm = sla.Correction("*", _at(1), _at(2), category="force majeure", reason="storm")
    with_it = sla.evaluate(agreement, [*down, storm], period="2026-10")
    without = sla.evaluate(agreement, down, period="2026-10")
    assert with_it.fingerprint != without.fingerprint
    assert _values(with_it)["db"] == Fraction(744 - 1, 744)
    data = json.loads(json.dumps(sla.to_data(agreement)))
    assert sla.from_data(data) == agreement
    assert "corrections of category 'force majeure' counts as available" in sla.render_schedule(
        agreement
    )
    assert repr(sla.corrections("beta", accounting="good")) == (
        "corrections('beta', accounting='good')"
    )


def test_clauses_that_overlap_or_mix_unavailable_time_are_refused() -> None:
    with pytest.raises(DefinitionError, match="category 'beta' is in"):
        sla.uptime(excluding=[sla.corrections("beta"), sla.corrections("beta", accounting="good")])
    with pytest.raises(DefinitionError, match="applies corrections of every category"):
        sla.uptime(excluding=[sla.corrections(), sla.corrections("beta", accounting="good")])
    with pytest.raises(DefinitionError, match="accounting='bad'"):  # only a weighted measure
        sla.uptime(
            states={"down": "100%", "degraded": "50%"},
            excluding=[sla.scheduled_maintenance(), sla.corrections("x", accounting="bad")],
        )
    sla.uptime(excluding=[sla.scheduled_maintenance(), sla.corrections("x", accounting="bad")])
    with pytest.raises(DefinitionError, match="names a category twice"):
        sla.corrections("a", "a")
    with pytest.raises(DefinitionError, match="must lie after"):
        sla.Correction("db", _at(2), _at(1), category="x")
    with pytest.raises(DefinitionError, match="names no tag"):
        sla.Correction("tag:", _at(1), _at(2), category="x")
    with pytest.raises(DefinitionError, match="category"):
        sla.Correction("db", _at(1), _at(2), category=" ")


def test_a_table_of_corrections_is_read_and_checked_by_row() -> None:
    table = sla.CorrectionTable.from_columns(
        {
            "services": ["db;api", "*"],
            "start": ["2026-10-01T00:00:00Z", "2026-10-02T00:00:00+02:00"],
            "end": ["2026-10-01T01:00:00Z", "2026-10-02T01:00:00+02:00"],
            "category": ["third-party", "beta"],
            "reason": ["upstream DNS", None],
        },
        where=["corrections.csv:2", "corrections.csv:3"],
    )
    assert table.records[0].services == ("db", "api")
    assert table.records[1].reason == ""
    with pytest.raises(EventDataError) as caught:
        sla.CorrectionTable.from_columns(
            {
                "services": ["db", "db"],
                "start": ["2026-10-01T00:00:00", "2026-10-01T00:00:00Z"],
                "end": ["2026-10-01T01:00:00Z", "2026-10-01T01:00:00Z"],
                "category": ["x", ""],
            },
            where=["c.csv:2", "c.csv:3"],
        )
    text = str(caught.value)
    assert "c.csv:2" in text
    assert "c.csv:3" in text


# --- against an hour-by-hour model -----------------------------------------------------------

HOURS = 24 * 6  # the model's first six days, enough for overlaps; the rest of October is up
CATEGORIES = ("gone", "fine", "other")  # excluded as "remove", as "good", and not excluded


@st.composite
def _inputs(draw: st.DrawFn) -> tuple[list[object], bool, bool]:
    def span() -> tuple[int, int]:
        start = draw(st.integers(0, HOURS - 1))
        return start, min(HOURS, start + draw(st.integers(1, 30)))

    records: list[object] = []
    for _ in range(draw(st.integers(0, 4))):
        s, e = span()
        records.append(sla.Outage(draw(st.sampled_from(SERVICES)), _at(s), _at(e)))
    for _ in range(draw(st.integers(0, 2))):
        s, e = span()
        service = draw(st.sampled_from(SERVICES))
        records.append(sla.Maintenance(service, _at(s), _at(e), announced=_at(s) - 30 * 24 * HOUR))
    for _ in range(draw(st.integers(0, 4))):
        s, e = span()
        selector = draw(st.sampled_from(["*", "api", "db", ("api", "db"), "tag:eu", "nowhere"]))
        category = draw(st.sampled_from(CATEGORIES))
        records.append(sla.Correction(selector, _at(s), _at(e), category=category))
    deployed = draw(st.booleans())
    if deployed:
        for service in SERVICES:
            s, e = span()
            records.append(sla.Deployment(service, _at(s), _at(e)))
    return records, deployed, draw(st.booleans())


def _selected(selector: object, service: str) -> bool:
    if selector == "*":
        return True
    if selector == "tag:eu":
        return service == "db"
    return service == selector or (isinstance(selector, tuple) and service in selector)


def _model(records: list[object], deployed: bool, office: bool) -> dict[str, Fraction | None]:
    """Count each hour of October: eligible unless removed, down unless excluded."""
    out: dict[str, Fraction | None] = {}
    for service in SERVICES:
        eligible = down = 0
        for hour in range(31 * 24):
            t = _at(hour)

            def covers(r: object, t: int = t) -> bool:
                return r.start_us <= t < r.end_us  # type: ignore[attr-defined]

            mine = [r for r in records if getattr(r, "service", None) == service and covers(r)]
            fixes = [
                r.category
                for r in records
                if isinstance(r, sla.Correction)
                and _selected(r.services, service)
                and r.span_us()[0] <= t < r.span_us()[1]
            ]
            in_window = not office or (t - OCTOBER.start) // HOUR % 24 < 12  # 00:00-12:00
            if deployed:
                in_window = in_window and any(isinstance(r, sla.Deployment) for r in mine)
            removed = any(isinstance(r, sla.Maintenance) for r in mine) or "gone" in fixes
            if not in_window or removed:
                continue
            eligible += 1
            if any(isinstance(r, sla.Outage) for r in mine) and "fine" not in fixes:
                down += 1
        out[service] = None if eligible == 0 else Fraction(eligible - down, eligible)
    return out


@settings(max_examples=40, deadline=None)
@given(_inputs())
def test_corrections_equal_an_hour_by_hour_model(drawn: tuple[list[object], bool, bool]) -> None:
    records, deployed, office = drawn
    measure = sla.uptime(
        during=sla.weekly("Mon-Sun 00:00-12:00", tz="UTC") if office else None,
        denominator="deployed" if deployed else "period",
        excluding=[
            sla.scheduled_maintenance(),
            sla.corrections("gone"),
            sla.corrections("fine", accounting="good"),
        ],
    )
    report = sla.evaluate(_agreement(measure), records, period="2026-10")
    assert _values(report) == _model(records, deployed, office)
    counts = report.reconciliation.by_measure[repr(measure)]
    assert sum(counts.values()) == len(records)
    # every record's fate can be told, whichever clause took its time out
    assert f"{len(records)} read" in report.explain()


def test_unavailable_corrections_count_as_down_time() -> None:
    measure = sla.uptime(excluding=[sla.corrections("emergency", accounting="bad")])
    emergency = sla.Correction("db", _at(10), _at(13), category="emergency", reason="hotfix")
    report = sla.evaluate(
        _agreement(measure), [sla.Outage("db", _at(12), _at(14)), emergency], period="2026-10"
    )
    assert _values(report)["db"] == Fraction(744 - 4, 744)  # 10:00-14:00


def test_a_frame_of_corrections_with_zoned_times_reads_every_problem_of_a_row() -> None:
    """Times as a frame holds them (zoned datetime64), and each bad field of a row, named."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "services": ["db", "*"],
            "start": pd.to_datetime(["2026-10-01T00:00Z", "2026-10-02T00:00Z"], utc=True),
            "end": pd.to_datetime(["2026-10-01T01:00Z", "2026-10-02T01:00Z"], utc=True),
            "category": ["third-party", "beta"],
        }
    )
    table = sla.CorrectionTable.from_columns(frame)
    assert [c.span_us()[0] for c in table.records] == [_at(0), _at(24)]
    with pytest.raises(EventDataError) as caught:
        sla.CorrectionTable.from_columns(
            {
                "services": ["tag:"],
                "start": ["2026-10-01T02:00:00Z"],
                "end": ["2026-10-01T01:00:00Z"],
                "category": [""],
            },
            where=["c.csv:2"],
        )
    text = str(caught.value)
    for field in ("services", "category", "end"):
        assert f"c.csv:2: {field}:" in text


def test_the_data_form_lists_every_correction_on_every_service() -> None:
    measure = sla.uptime(excluding=[sla.corrections("storm", accounting="good")])
    storm = sla.Correction("*", _at(1), _at(2), category="storm", reason="hail", by="ops")
    report = sla.evaluate(
        _agreement(measure), [sla.Outage("db", _at(1), _at(3)), storm], period="2026-10"
    )
    (evidence,) = report.to_dict()["evidence"]
    assert evidence["corrections"]["service"] == ["api", "db"]
    assert all(
        "hail (recorded by ops): applied" in c for c in evidence["corrections"]["correction"]
    )
    plain = sla.evaluate(
        _agreement(sla.uptime()), [sla.Outage("db", _at(1), _at(3))], period="2026-10"
    )
    assert "corrections" not in plain.to_dict()["evidence"][0]
