"""History across amendments: statements carry look-back clauses over versions and split periods."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
from slakit._engine._compare import VersionedReport
from slakit._engine._credits._context import (
    History,
    PeriodState,
    merged_period,
    rule_at,
    service_positions,
)
from slakit._engine._review import review
from slakit._results._amounts import Amounts
from slakit.exceptions import EvaluationError

UPTIME = sla.uptime()
TARGET = UPTIME >= "99.9%"
TEN = sla.credit_schedule(UPTIME, {"< 99.9%": "10%"})
QUARTER = sla.credit_schedule(UPTIME, {"< 99.9%": "25%"})
ESCALATING = sla.escalate(TEN, to=QUARTER, when=TARGET)


def _agreement(
    rule: sla.CreditRule, services: tuple[str, ...] = ("api",), fee: str = "3100.00"
) -> sla.Agreement:
    tier = sla.Tier("gold", fee=sla.usd(fee), objectives=[TARGET], compensation=rule)
    return sla.Agreement(
        provider="Acme",
        customer="Globex",
        services=list(services),
        tier=tier,
        period=sla.monthly(tz="UTC"),
    )


def _fee(agreement: sla.Agreement, fee: str) -> sla.Tier:
    return agreement.tier.derive("gold", fee=sla.usd(fee))


def _down(service: str, day: str, hours: int = 1) -> sla.Outage:
    """An outage of ``hours`` from midnight UTC on ``day`` (one hour misses 99.9% in a month)."""
    start = sla.monthly(tz="UTC").period(day[:7]).start + (int(day[8:]) - 1) * 86_400_000_000
    return sla.Outage(service, start, start + hours * 3_600_000_000)


def _totals(result: sla.Statement) -> list[str]:
    return [str(r.total) for r in result.reports]


# --- caps over several periods --------------------------------------------------------------------


def _quarterly_cap() -> sla.CreditRule:
    table = sla.credit_schedule(UPTIME, {"< 99.9%": "10%", "< 95%": "100%"})
    return sla.cap(table, at_most="50%", per="quarter")


def test_a_quarterly_cap_counts_the_months_before_an_amendment_that_changes_the_fee() -> None:
    """The cap per quarter sums the quarter's credits and fees over both versions."""
    base = _agreement(_quarterly_cap(), fee="1000.00")
    # a new price list written out in full: an equal cap, not the same object
    tier = sla.Tier(
        "gold", fee=sla.usd("2000.00"), objectives=[TARGET], compensation=_quarterly_cap()
    )
    amended = base.amend("2026-11-01T00:00:00Z", title="price", tier=tier)
    events = [
        _down("api", "2026-10-05"),  # 1 hour: 99.87%, 10%
        _down("api", "2026-11-05", hours=48),  # 2 days of 30: 93.3%, 100%
        _down("api", "2026-12-05", hours=48),  # 2 days of 31: 93.5%, 100%
    ]
    result = sla.statement(amended, events, periods="2026-10..2026-12")
    # October: 10% of 1,000 = 100 (cap 500).
    # November: 100% of 2,000 = 2,000, capped at 50% x (1,000 + 2,000) - 100 = 1,400: the
    # quarter's cap counts October's fee and credit (alone, November would be capped at 1,000).
    # December: 2,000, capped at 50% x (1,000 + 2,000 + 2,000) - (100 + 1,400) = 1,000.
    assert _totals(result) == ["100.00 USD", "1,400.00 USD", "1,000.00 USD"]
    assert result.exact_total == Fraction(2500)  # 50% of the quarter's 5,000 of fees
    assert result.notes == ()  # the cap is the same rule in both versions
    assert sla.evaluate(amended, events, period="2026-11").total == sla.usd("1000.00")


def test_a_quarterly_cap_in_a_split_first_month_reads_its_own_quarter() -> None:
    """A part measured in a window that starts in the last quarter still counts this quarter."""
    table = sla.credit_schedule(UPTIME, {"< 99.9%": "100%"})
    base = _agreement(sla.cap(table, at_most=sla.usd("1000"), per="quarter"))
    amended = base.amend("2026-10-11T00:00:00Z", title="price", tier=_fee(base, "6200.00"))
    events = [_down("api", "2026-09-05"), _down("api", "2026-10-05")]
    result = sla.statement(amended, events, periods="2026-09..2026-10")
    # September (Q3): 100% of 3,100, capped at 1,000. October's first part (10 days, Q4):
    # 100% of 3,100 x 10/31 = 1,000, with the whole of Q4's 1,000 left: 1,000 (had it read
    # Q3's history, nothing would be left).
    assert _totals(result) == ["1,000.00 USD", "1,000.00 USD"]


def test_a_money_cap_per_quarter_holds_over_the_parts_of_a_split_period() -> None:
    """The second part of October sees what the first paid: the quarter's cap holds."""
    table = sla.credit_schedule(UPTIME, {"< 99.9%": "100%"})
    base = _agreement(sla.cap(table, at_most=sla.usd("1000"), per="quarter"))
    amended = base.amend("2026-10-16T00:00:00Z", title="terms", tier=_fee(base, "3100.00"))
    events = [_down("api", "2026-10-05"), _down("api", "2026-10-20")]
    result = sla.statement(amended, events, periods=["2026-10"])
    # each part: 100% of 3,100 x 15/31 = 1,500 and x 16/31 = 1,600; the quarter's cap is
    # 1,000: the first part is cut to 1,000, the second to nothing
    assert result.total == sla.usd("1000.00")
    october = result["2026-10"]
    assert isinstance(october, VersionedReport)
    (_, first), (_, second) = october.parts
    assert (first.total, second.total) == (sla.usd("1000.00"), sla.usd("0.00"))
    notes = [line.note or "" for line in second.compensation.lines]
    assert any(
        "of which 1,000.00 USD was used in earlier periods and the earlier part of this period"
        in note
        for note in notes
    ), notes
    # evaluated alone, the period's parts see each other too
    alone = sla.evaluate_versions(amended, events, period="2026-10")
    assert alone.total == sla.usd("1000.00")


def test_a_money_cap_per_period_is_not_paid_once_per_part() -> None:
    """A cap of 1,000 per period holds over a period an amendment splits, not 1,000 per part."""
    table = sla.credit_schedule(UPTIME, {"< 99.9%": "100%"})
    base = _agreement(sla.cap(table, at_most=sla.usd("1000"), per="period"))
    amended = base.amend("2026-10-16T00:00:00Z", title="terms", tier=_fee(base, "3100.00"))
    events = [_down("api", "2026-10-05"), _down("api", "2026-10-20")]
    result = sla.evaluate_versions(amended, events, period="2026-10")
    assert result.total == sla.usd("1000.00")  # 1,500 and 1,600 before the cap
    (_, _first), (_, second) = result.parts
    notes = [line.note or "" for line in second.compensation.lines]
    assert any(
        "was used in the earlier part of this period, which an amendment splits" in n for n in notes
    ), notes
    # a cap as a share of the fee sums the parts' pro-rated fees: 50% of 3,100 in all
    shared = _agreement(sla.cap(table, at_most="50%", per="period"))
    halved = shared.amend("2026-10-16T00:00:00Z", title="terms", tier=_fee(shared, "3100.00"))
    assert sla.evaluate_versions(halved, events, period="2026-10").total == sla.usd("1550.00")


# --- escalation and merged periods ----------------------------------------------------------------


def test_an_escalation_runs_through_a_period_an_amendment_splits() -> None:
    """Each part escalates on the history before the period; the period counts once after."""
    base = _agreement(ESCALATING)
    amended = base.amend("2026-10-11T00:00:00Z", title="price", tier=_fee(base, "6200.00"))
    events = [_down("api", "2026-09-05"), _down("api", "2026-10-05"), _down("api", "2026-11-05")]
    result = sla.statement(amended, events, periods="2026-09..2026-11")
    october = result["2026-10"]
    assert isinstance(october, VersionedReport)
    assert october.versions == ("v1", "v2 (price)")
    (_, first), (_, second) = october.parts
    # September: 1 hour of 30 days, 99.86%: 10% of 3,100 = 310.
    # October v1 (10 days, down 1 hour: 99.58%): escalated, September was breached too:
    # 25% of 3,100 x 10/31 = 250. v2 (21 days) met: nothing.
    assert (first.total, second.total) == (sla.usd("250.00"), sla.usd("0.00"))
    # November: breached, and October (breached in its first part) counts as breached:
    # escalated, 25% of 6,200 = 1,550 (not escalated it would be 620).
    assert _totals(result) == ["310.00 USD", "250.00 USD", "1,550.00 USD"]
    assert result.total == sla.usd("2110.00")
    assert result.exact_total == 2110
    assert [p.period.label for p in result.history.periods] == ["2026-09", "2026-10", "2026-11"]
    assert result.history.periods[1].nodes["0"]["breached"].tolist() == [True]


def test_a_breach_in_the_later_part_escalates_on_the_months_before() -> None:
    """The second part sees September, not the first part: it escalates on its own breach."""
    base = _agreement(ESCALATING)
    amended = base.amend("2026-10-11T00:00:00Z", title="price", tier=_fee(base, "6200.00"))
    events = [_down("api", "2026-09-05"), _down("api", "2026-10-20")]
    result = sla.statement(amended, events, periods="2026-09..2026-10")
    # v2's part: 21 days, down 1 hour (99.80%): 25% of 6,200 x 21/31 = 1,050.
    assert _totals(result) == ["310.00 USD", "1,050.00 USD"]


def test_a_split_period_is_one_entry_for_a_chronic_breach() -> None:
    """Breached in both parts of October, it counts once among the last three periods."""
    rule = TEN + sla.chronic(TARGET, breached=3, of_last=3, flag="termination right")
    base = _agreement(rule)
    amended = base.amend("2026-10-11T00:00:00Z", title="price", tier=_fee(base, "6200.00"))
    events = [_down("api", d) for d in ("2026-10-05", "2026-10-20", "2026-11-05", "2026-12-05")]
    result = sla.statement(amended, events, periods="2026-09..2026-12")
    # September met; October breached (in both parts), November and December breached:
    # three of the last three only in December. Two entries for October would flag November.
    assert [line.period for line in result.flags] == ["2026-12"]
    assert len(result.history.periods) == 4
    october = result.history.periods[1]
    assert october.period == amended.period.period("2026-10")
    assert october.nodes["0.1"]["breached"].tolist() == [True]
    assert october.services == ("api",)
    # the credits: 10% of 3,100 x 10/31 = 100, 10% of 6,200 x 21/31 = 420; then 620 a month
    assert _totals(result) == ["0.00 USD", "520.00 USD", "620.00 USD", "620.00 USD"]


def test_a_credit_held_before_a_split_period_is_released_once() -> None:
    """Earn-back: a breach in one part pays the held credit; the other part's copy is dropped."""
    base = _agreement(sla.earn_back(TEN, when=TARGET, periods=2))
    amended = base.amend("2026-10-11T00:00:00Z", title="price", tier=_fee(base, "6200.00"))
    events = [_down("api", "2026-09-05"), _down("api", "2026-10-05"), _down("api", "2026-11-05")]
    result = sla.statement(amended, events, periods="2026-09..2026-11")
    # September: 310 held. October v1 (breached): its own 100 held (10% of 3,100 x 10/31),
    # September's 310 released; v2 met: September's 310 still held there, but released in
    # v1, so October leaves it held nowhere. November (breached): its own 620 held, October's
    # 100 released, and September's 310 not a second time.
    assert _totals(result) == ["0.00 USD", "310.00 USD", "100.00 USD"]
    pending = result.history.periods[1].nodes["0"]["pending"]
    assert [(label, held.tolist(), left) for label, held, left in pending] == [
        ("2026-09", [Fraction(0)], 1),
        ("2026-10", [Fraction(100)], 2),
    ]


def test_a_credit_held_before_a_split_period_is_paid_once_when_both_parts_breach() -> None:
    """Earn-back: the second part sees that the first released September's credit."""
    base = _agreement(sla.earn_back(TEN, when=TARGET, periods=2))
    amended = base.amend("2026-10-11T00:00:00Z", title="price", tier=_fee(base, "6200.00"))
    events = [_down("api", "2026-09-05"), _down("api", "2026-10-05"), _down("api", "2026-10-20")]
    result = sla.statement(amended, events, periods="2026-09..2026-10")
    # September: 310 held. October: both parts breached, each holds its own credit (100 and
    # 420); September's 310 is released by v1 and not again by v2.
    assert _totals(result) == ["0.00 USD", "310.00 USD"]
    october = result["2026-10"]
    assert isinstance(october, VersionedReport)
    (_, first), (_, second) = october.parts
    assert (first.total, second.total) == (sla.usd("310.00"), sla.usd("0.00"))


def test_the_credits_the_parts_hold_are_held_together() -> None:
    """Earn-back: both parts' own held credits make one credit of the period, released later."""
    base = _agreement(sla.earn_back(TEN, when=TARGET, periods=1))
    amended = base.amend("2026-10-11T00:00:00Z", title="price", tier=_fee(base, "6200.00"))
    events = [_down("api", "2026-10-05"), _down("api", "2026-10-20"), _down("api", "2026-11-05")]
    result = sla.statement(amended, events, periods="2026-10..2026-11")
    # October holds 100 (v1) + 420 (v2, 10% of 6,200 x 21/31); November's breach pays 520.
    assert _totals(result) == ["0.00 USD", "520.00 USD"]


# --- services and rules that change ---------------------------------------------------------------


def test_an_added_service_starts_clean_and_the_others_keep_their_history() -> None:
    """History is realigned by service name: a new service first in the list does not escalate."""
    base = _agreement(ESCALATING, fee="1000.00")
    amended = base.amend("2026-11-01T00:00:00Z", title="db", services=["db", "api"])
    events = [_down("api", "2026-10-05"), _down("api", "2026-11-05"), _down("db", "2026-11-05")]
    result = sla.statement(amended, events, periods="2026-10..2026-11")
    november = result["2026-11"]
    assert isinstance(november, sla.Report)
    by_service: dict[str, Fraction] = {}
    for line in november.compensation.lines:
        by_service[line.service] = by_service.get(line.service, Fraction(0)) + line.amount
    # October: api 10% of 1,000 = 100. November: api escalated, 25% of 1,000 = 250 (it was
    # breached in October); db is new: 10% of 1,000 = 100, not escalated.
    assert by_service == {"db": Fraction(100), "api": Fraction(250)}
    assert _totals(result) == ["100.00 USD", "350.00 USD"]
    note = "v2 (db), in force from 2026-11-01T00:00:00Z, adds 'db'"
    assert result.notes[0].startswith(note)
    assert november.notes[-1] == result.notes[0]
    assert result.history.periods[0].services == ("db", "api")


def test_a_changed_clause_restarts_its_history_and_the_notes_say_so() -> None:
    """The escalation's condition changes at the amendment: it restarts; the chronic flag not."""
    chronic = sla.chronic(TARGET, breached=2, of_last=2, flag="chronic")
    base = _agreement(ESCALATING + chronic, fee="1000.00")
    stricter = UPTIME >= "99.95%"  # the clause's own terms change, not only the remedy under it
    higher = sla.escalate(TEN, to=sla.credit_schedule(UPTIME, {"< 99.9%": "50%"}), when=stricter)
    amended = base.amend(
        "2026-11-01T00:00:00Z",
        title="new remedies",
        tier=base.tier.derive("gold", compensation=higher + chronic),
    )
    events = [_down("api", f"2026-{m}-05") for m in (10, 11, 12)]
    result = sla.statement(amended, events, periods="2026-10..2026-12")
    # October 10% = 100. November: the escalation restarted, so 10% = 100 (not 50%); the
    # chronic flag kept October and flags November. December: escalated under v2, 50% = 500.
    assert _totals(result) == ["100.00 USD", "100.00 USD", "500.00 USD"]
    assert [line.period for line in result.flags] == ["2026-11", "2026-12"]
    (note,) = result.notes
    assert note == (
        "v2 (new remedies), in force from 2026-11-01T00:00:00Z, changes the clause 'escalated "
        "when uptime >= 99.9% was also breached in the previous period' (rule 0.0 of the "
        "compensation): its history restarts at the amendment, and the periods before no "
        "longer count for it."
    )
    november = result["2026-11"]
    assert isinstance(november, sla.Report)
    assert november.notes == (note,)
    assert f"Note: {note}" in result.explain()


def test_a_clause_changed_within_a_period_drops_the_part_before() -> None:
    """The escalation's condition changes on 11 October: November sees only v2's part."""
    base = _agreement(ESCALATING)
    stricter = UPTIME >= "99.95%"
    higher = sla.escalate(TEN, to=sla.credit_schedule(UPTIME, {"< 99.9%": "50%"}), when=stricter)
    amended = base.amend(
        "2026-10-11T00:00:00Z",
        title="remedies",
        tier=base.tier.derive("gold", compensation=higher),
    )
    events = [_down("api", "2026-10-05"), _down("api", "2026-11-05")]
    result = sla.statement(amended, events, periods="2026-10..2026-11")
    # October v1: 10% of 3,100 x 10/31 = 100; v2 met. November: v1's breach no longer counts,
    # so not escalated: 10% of 3,100 = 310.
    assert _totals(result) == ["100.00 USD", "310.00 USD"]
    (note,) = result.notes
    assert "changes the clause 'escalated when" in note
    october = result["2026-10"]
    assert isinstance(october, VersionedReport)
    assert note in october.notes
    assert october.parts[1][1].notes[-1] == note
    assert note not in october.parts[0][1].notes


def test_a_removed_clause_ends_its_history_and_the_notes_say_so() -> None:
    """An amendment that drops the chronic-breach flag ends its history; credits go on."""
    base = _agreement(TEN + sla.chronic(TARGET, breached=2, of_last=2, flag="chronic"))
    amended = base.amend(
        "2026-11-01T00:00:00Z", title="no flag", tier=base.tier.derive("gold", compensation=TEN)
    )
    events = [_down("api", "2026-10-05"), _down("api", "2026-11-05")]
    result = sla.statement(amended, events, periods="2026-10..2026-11")
    assert _totals(result) == ["310.00 USD", "310.00 USD"]  # 10% of 3,100 each month
    assert result.flags == ()
    (note,) = result.notes
    assert note == (
        "v2 (no flag), in force from 2026-11-01T00:00:00Z, removes the clause 'chronic: uptime "
        ">= 99.9% breached in 2 of the last 2 periods' (rule 0.1 of the compensation): its "
        "history ends there."
    )
    assert result.history.periods[0].nodes == {}


# --- the statement's own figures ------------------------------------------------------------------


def test_a_statement_with_a_split_period_adds_up_and_explains_it() -> None:
    """Totals, the exact total, flags, lookup and text work for a versioned period too."""
    rule = TEN + sla.chronic(TARGET, breached=1, of_last=1, flag="noted")
    base = _agreement(rule)
    amended = base.amend("2026-10-11T00:00:00Z", title="price", tier=_fee(base, "6200.00"))
    events = [_down("api", "2026-10-05"), _down("api", "2026-10-20")]
    result = sla.statement(amended, events, periods=["2026-10"])
    october = result["2026-10"]
    assert isinstance(october, VersionedReport)
    # 10% of 3,100 x 10/31 = 100 and 10% of 6,200 x 21/31 = 420
    assert october.total == result.total == sla.usd("520.00")
    assert result.exact_total == 520
    assert [line.period for line in result.flags] == ["2026-10"]  # raised by both parts: once
    text = result.explain()
    assert "2026-10: 520.00 USD (versions v1, v2 (price))" in text
    assert "  v2 (price): api: credit schedule on uptime: 10% of 6,200.00 USD" in text
    alone = sla.evaluate_versions(amended, events, period="2026-10")
    assert [r.exact_total for _, r in october.parts] == [r.exact_total for _, r in alone.parts]
    assert october.fingerprint == alone.fingerprint


def test_a_statement_continues_across_an_amendment_from_an_earlier_history() -> None:
    """Two statements chained by their history give what one statement gives."""
    base = _agreement(ESCALATING, fee="1000.00")
    amended = base.amend("2026-10-11T00:00:00Z", title="db", services=["db", "api"])
    events = [
        _down(s, f"2026-{m:02d}-{d:02d}") for s, d in (("api", 5), ("db", 20)) for m in (9, 10, 11)
    ]
    whole = sla.statement(amended, events, periods="2026-09..2026-11")
    first = sla.statement(amended, events, periods=["2026-09"])
    rest = sla.statement(amended, events, periods="2026-10..2026-11", history=first.history)
    assert [r.exact_total for r in rest.reports] == [r.exact_total for r in whole.reports[1:]]
    # November: api escalated (25% of 1,000, breached in October's v1 part); db, new in v2,
    # breached in October's v2 part, which counts as October: escalated too
    assert _totals(whole)[2] == "500.00 USD"


# --- merging and realigning, as functions ---------------------------------------------------------


def test_service_positions_find_each_name() -> None:
    """The position of each new service among the old ones, -1 for a new one."""
    assert service_positions(("a", "b", "c"), ("c", "x", "a")).tolist() == [2, -1, 0]
    assert service_positions((), ("a",)).tolist() == [-1]
    assert service_positions(("a",), ()).tolist() == []


def test_rule_at_walks_the_compensation_by_path() -> None:
    """Paths name a rule's place: 0 the root, 0.k its child k."""
    rule = ESCALATING + sla.chronic(TARGET, breached=2, of_last=3)
    assert rule_at(rule, "0") == rule
    assert rule_at(rule, "0.0") == ESCALATING
    assert rule_at(rule, "0.0.1") == QUARTER
    assert rule_at(rule, "0.5") is None
    assert rule_at(None, "0") is None


def _part(label: str, services: tuple[str, ...], **columns: Any) -> PeriodState:
    period = sla.monthly(tz="UTC").period(label)
    return PeriodState(period, {"0": columns}, services, TEN)


def test_merging_parts_by_kind_of_column() -> None:
    """Booleans: any part; amounts: the sum; each realigned to the last part's services."""
    first = _part(
        "2026-10",
        ("a", "b"),
        breached=np.array([True, False]),
        paid=Amounts.of([Fraction(1), Fraction(2)]),
    )
    second = _part(
        "2026-10",
        ("b", "c"),
        breached=np.array([False, True]),
        paid=Amounts.of([Fraction(3), Fraction(1, 3)]),
    )
    merged, restarted = merged_period([first, second])
    assert restarted == ()
    assert merged.services == ("b", "c")
    assert merged.nodes["0"]["breached"].tolist() == [False, True]  # a dropped, b met in both
    assert merged.nodes["0"]["paid"].tolist() == [Fraction(5), Fraction(1, 3)]


@pytest.mark.parametrize(
    ("value", "doing"),
    [
        (np.array([1, 2]), "merge over the parts of period 2026-10"),  # counts: no rule
        ("text", "merge over the parts of period 2026-10"),
    ],
)
def test_a_column_of_an_unknown_kind_is_refused(value: object, doing: str) -> None:
    """A state no merge rule covers raises an EvaluationError that names it."""
    parts = [_part("2026-10", ("a", "b"), count=value), _part("2026-10", ("a", "b"), count=value)]
    with pytest.raises(EvaluationError, match=f"state 'count' of the rule at path 0 .*{doing}"):
        merged_period(parts)
    history = History((_part("2026-09", ("a", "b"), count=value),))
    with pytest.raises(EvaluationError, match="cannot realign by service name"):
        history.realigned(("b",), TEN)


def test_a_hand_made_history_is_read_as_the_first_version_reading_it() -> None:
    """A state without services is taken as aligned to whoever reads it first."""
    period = sla.monthly(tz="UTC").period("2026-09")
    history = History((PeriodState(period, {"0": {"breached": np.array([True])}}),))
    base = _agreement(ESCALATING, fee="1000.00")
    result = sla.statement(base, [_down("api", "2026-10-05")], periods=["2026-10"], history=history)
    assert _totals(result) == ["250.00 USD"]  # escalated on the given September


# --- the review -----------------------------------------------------------------------------------


def test_a_review_of_an_amended_agreement_carries_the_history() -> None:
    """The review's credits are the statement's, escalations across the split period included."""
    base = _agreement(ESCALATING)
    amended = base.amend("2026-10-11T00:00:00Z", title="price", tier=_fee(base, "6200.00"))
    events = [_down("api", "2026-09-05"), _down("api", "2026-10-05"), _down("api", "2026-11-05")]
    result = review(amended, events, start="2026-09", end="2026-11")
    assert [str(p.credit) for p in result.periods] == ["310.00 USD", "250.00 USD", "1,550.00 USD"]
    assert [part.version.label for part in result["2026-10"].parts] == ["v1", "v2 (price)"]
    assert result.notes[0].startswith("Clauses that look back at earlier periods see the periods")
    assert "counts once for the periods after" in result.notes[1]
    assert all("no history" not in note for note in result.notes)


# --- properties -----------------------------------------------------------------------------------


def _every_state() -> sla.CreditRule:
    """Return a compensation with every kind of state, built anew: equal, not the same objects.

    An escalation under a quarterly cap, an earn-back, a chronic-breach flag.
    """
    escalating = sla.escalate(
        sla.credit_schedule(UPTIME, {"< 99.9%": "10%"}),
        to=sla.credit_schedule(UPTIME, {"< 99.9%": "25%"}),
        when=UPTIME >= "99.9%",
    )
    return (
        sla.cap(escalating, at_most="30%", per="quarter")
        + sla.earn_back(TEN, when=TARGET, periods=2)
        + sla.chronic(TARGET, breached=2, of_last=3)
    )


MONTHS = ("2026-09", "2026-10", "2026-11", "2026-12")


@st.composite
def _monthly_outages(draw: st.DrawFn) -> list[sla.Outage]:
    out = []
    for month in MONTHS:
        for service in ("api", "db"):
            hours = draw(st.sampled_from([0, 0, 1, 30]))
            if hours:
                day = draw(st.integers(1, 28))
                out.append(_down(service, f"{month}-{day:02d}", hours))
    return out


@settings(max_examples=40)
@given(events=_monthly_outages(), at=st.sampled_from(MONTHS[1:]))
def test_an_amendment_that_changes_nothing_material_changes_no_figure(
    events: list[sla.Outage], at: str
) -> None:
    """Amended at a period's start with the same terms, the statement is the unamended one."""
    base = _agreement(_every_state(), services=("api", "db"), fee="1000.00")
    again = sla.Tier(
        "gold", fee=sla.usd("1000.00"), objectives=[TARGET], compensation=_every_state()
    )
    same = base.amend(f"{at}-01T00:00:00Z", title="renamed", tier=again)
    periods = f"{MONTHS[0]}..{MONTHS[-1]}"
    plain = sla.statement(base, events, periods=periods)
    amended = sla.statement(same, events, periods=periods)
    assert [r.exact_total for r in amended.reports] == [r.exact_total for r in plain.reports]
    assert [(f.period, f.service) for f in amended.flags] == [
        (f.period, f.service) for f in plain.flags
    ]
    assert amended.notes == ()


@settings(max_examples=40)
@given(events=_monthly_outages(), cut=st.integers(1, 3))
def test_a_statement_split_in_two_is_the_whole_statement(
    events: list[sla.Outage], cut: int
) -> None:
    """Across a split period and a new service list, a statement continues from its history."""
    base = _agreement(_every_state(), services=("api",), fee="1000.00")
    amended = base.amend(
        "2026-10-11T00:00:00Z", title="db", services=["db", "api"], tier=_fee(base, "2000.00")
    )
    whole = sla.statement(amended, events, periods=list(MONTHS))
    first = sla.statement(amended, events, periods=list(MONTHS[:cut]))
    rest = sla.statement(amended, events, periods=list(MONTHS[cut:]), history=first.history)
    totals = [r.exact_total for r in (*first.reports, *rest.reports)]
    assert totals == [r.exact_total for r in whole.reports]


# --- found in review: parts that settle the period early, clauses under an unchanged cap ------


def test_a_held_credit_is_released_when_only_the_last_part_of_the_period_breaches() -> None:
    """A part before the last does not forgive: the period is breached if any part is."""
    up = sla.uptime()
    rule = sla.earn_back(sla.credit_schedule(up, {"< 99%": "10%"}), when=up >= "99%", periods=1)
    gold = sla.Tier("gold", fee=sla.usd("3000.00"), objectives=[up >= "99%"], compensation=rule)
    base = sla.Agreement(provider="P", customer="C", services=["s"], tier=gold)
    amended = base.amend(
        "2026-11-10T00:00:00Z", title="price", tier=gold.derive("gold", fee=sla.usd("3000.00"))
    )
    down = [
        sla.Outage("s", "2026-10-20T00:00:00Z", "2026-10-22T00:00:00Z"),  # October: 300 held
        sla.Outage("s", "2026-11-20T00:00:00Z", "2026-11-22T00:00:00Z"),  # v2's part breaches
    ]
    plain = sla.statement(base, down, periods="2026-10..2026-11")
    split = sla.statement(amended, down, periods="2026-10..2026-11")
    assert _totals(plain) == ["0.00 USD", "300.00 USD"]
    assert _totals(split) == _totals(plain)  # released in v2's part, not forgiven in v1's
    assert "is earned back" not in split.explain()


def test_a_cap_keeps_what_it_counted_when_an_amendment_changes_the_table_under_it() -> None:
    """The cap's own terms are unchanged: the split period pays 1,000 in all, not per part."""
    up = sla.uptime()

    def tier(threshold: str) -> sla.Tier:
        table = sla.credit_schedule(up, {threshold: "50%"})
        return sla.Tier(
            "gold",
            fee=sla.usd("3000.00"),
            objectives=[up >= "99%"],
            compensation=sla.cap(table, at_most=sla.usd("1000")),
        )

    base = sla.Agreement(provider="P", customer="C", services=["s"], tier=tier("< 99%"))
    amended = base.amend("2026-11-15T00:00:00Z", title="terms", tier=tier("< 99.5%"))
    down = [
        sla.Outage("s", "2026-11-02T00:00:00Z", "2026-11-04T00:00:00Z"),
        sla.Outage("s", "2026-11-20T00:00:00Z", "2026-11-22T00:00:00Z"),
    ]
    # parts: 50% of 1,400 = 700 and 50% of 1,600 = 800; together capped at 1,000
    assert sla.evaluate_versions(amended, down, period="2026-11").total == sla.usd("1000.00")
    assert _totals(sla.statement(amended, down, periods=["2026-11"])) == ["1,000.00 USD"]


def test_a_flag_two_parts_raise_is_the_periods_once() -> None:
    """A chronic breach flagged by both parts of a split period is listed once."""
    up = sla.uptime()
    rule = sla.credit_schedule(up, {"< 99%": "10%"}) + sla.chronic(
        up >= "99%", breached=2, of_last=3
    )
    gold = sla.Tier("gold", fee=sla.usd("3000.00"), objectives=[up >= "99%"], compensation=rule)
    amended = sla.Agreement(provider="P", customer="C", services=["s"], tier=gold).amend(
        "2026-11-10T00:00:00Z", title="fee", tier=gold.derive("gold", fee=sla.usd("3000.00"))
    )
    down = [
        sla.Outage("s", "2026-10-20T00:00:00Z", "2026-10-22T00:00:00Z"),
        sla.Outage("s", "2026-11-02T00:00:00Z", "2026-11-04T00:00:00Z"),
        sla.Outage("s", "2026-11-20T00:00:00Z", "2026-11-22T00:00:00Z"),
    ]
    flags = sla.statement(amended, down, periods="2026-10..2026-11").flags
    assert [(f.period, f.service) for f in flags] == [("2026-11", "s")]
