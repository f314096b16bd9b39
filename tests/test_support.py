"""Support measures: response and resolution times on business clocks, judged per ticket."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import slakit as sla
from slakit._engine._tickets import TicketFate, judge_tickets
from slakit.exceptions import DefinitionError, EvaluationError

BERLIN = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin")
OFFICE = BERLIN - sla.holidays("DE", subdiv="BE")
P1 = sla.response_time(priority="P1", within=sla.hours(1), clock=OFFICE)
FRIDAY_1730 = "2026-10-23T15:30:00Z"  # Fri 23 Oct 17:30 CEST; Berlin falls back on Sun 25 Oct


def agreement(*objectives: sla.Objective, services: tuple[str, ...] = ("desk",)) -> sla.Agreement:
    tier = sla.Tier("gold", fee=sla.usd("1000.00"), objectives=list(objectives))
    return sla.Agreement(provider="Acme", customer="Globex", services=services, tier=tier)


def ticket(opened: str = FRIDAY_1730, response: str | None = None, **kwargs: object) -> sla.Ticket:
    defaults: dict[str, object] = {"id": "T-1", "service": "desk", "priority": "P1"}
    defaults.update(kwargs)
    return sla.Ticket(
        str(defaults.pop("id")),
        str(defaults.pop("service")),
        str(defaults.pop("priority")),
        opened,
        first_response=response,
        **defaults,  # type: ignore[arg-type]
    )


def evidence(measure: sla.Measure, tickets: list[sla.Ticket]) -> sla.TicketEvidence:
    report = sla.evaluate(agreement(measure <= 0), tickets, period="2026-10")
    ev = report.evidence("desk")
    assert isinstance(ev, sla.TicketEvidence)
    return ev


def only(measure: sla.TicketTime, tickets: list[sla.Ticket]) -> sla.TicketNote:
    (note,) = evidence(measure, tickets).tickets
    return note


# --- the Friday before a DST change, on both sides of the target ----------------------------


@pytest.mark.parametrize(
    ("response", "status", "late_by"),
    [
        # Fri 17:30 CEST + 1 business hour = Mon 08:30 CET = 07:30Z: exactly on target
        ("2026-10-26T07:30:00Z", "on time", 0),
        # one second later is late by one second
        ("2026-10-26T07:30:01Z", "late", sla.seconds(1).us),
        # before Friday's close
        ("2026-10-23T15:59:59Z", "on time", 0),
        # Monday 09:00 CET: 30 minutes on Friday and 60 on Monday
        ("2026-10-26T08:00:00Z", "late", sla.minutes(30).us),
    ],
)
def test_a_p1_ticket_opened_before_close_on_the_friday_before_dst(
    response: str, status: str, late_by: int
) -> None:
    """Half an hour before Friday's close, one business hour runs out at 08:30 CET on Monday."""
    note = only(P1, [ticket(response=response)])
    assert (note.status, note.late_by_us) == (status, late_by)
    if status == "late":
        assert note.due == sla.Span("2026-10-26T07:30:00Z", "2026-10-26T07:30:01Z").start


def test_a_ticket_entitled_to_24x7_runs_all_weekend() -> None:
    """The same ticket with 24x7 coverage is due at 18:30 on Friday, and 62 hours late on Monday."""
    measure = sla.response_time(
        priority="P1", within=sla.hours(1), clock=OFFICE, coverage={"24x7": sla.always()}
    )
    business, round_clock = evidence(
        measure,
        [
            ticket(response="2026-10-26T07:30:00Z"),
            ticket(response="2026-10-26T07:30:00Z", id="T-2", coverage="24x7"),
        ],
    ).tickets
    assert business.status == "on time"
    assert round_clock.status == "late"
    # Fri 15:30Z to Mon 07:30Z is 64 hours, one of them allowed: 63 hours late
    assert round_clock.late_by_us == sla.hours(63).us
    assert round_clock.due == sla.Span("2026-10-23T16:30:00Z", "2026-10-23T17:00:00Z").start


def test_a_holiday_is_not_business_time() -> None:
    """A P2 ticket from Maundy Thursday 16:00 is due on the Tuesday after Easter at 10:00."""
    measure = sla.response_time(priority="P2", within=sla.hours(4), clock=OFFICE)
    tickets = [
        ticket("2026-04-02T14:00:00Z", "2026-04-07T08:00:00Z", priority="P2"),
        ticket("2026-04-02T14:00:00Z", "2026-04-07T08:00:01Z", priority="P2", id="T-2"),
    ]
    report = sla.evaluate(agreement(measure <= 0), tickets, period="2026-04")
    ev = report.evidence("desk")
    assert isinstance(ev, sla.TicketEvidence)
    assert [t.status for t in ev.tickets] == ["on time", "late"]


# --- pauses from status transitions ---------------------------------------------------------

MONDAY_10 = "2026-10-05T08:00:00Z"  # Mon 5 Oct 10:00 CEST


@pytest.mark.parametrize(
    ("transitions", "paused_by", "elapsed"),
    [
        # waiting on the customer from 10:30 to 12:30 stops the clock for two hours
        (
            [("2026-10-05T08:30:00Z", "waiting_on_customer"), ("2026-10-05T10:30:00Z", "open")],
            ("waiting_on_customer",),
            sla.hours(1),
        ),
        # a status the measure does not pause on keeps the clock running
        (
            [("2026-10-05T08:30:00Z", "on_hold"), ("2026-10-05T10:30:00Z", "open")],
            ("waiting_on_customer",),
            sla.hours(3),
        ),
        # ... unless the measure says so
        (
            [("2026-10-05T08:30:00Z", "on_hold"), ("2026-10-05T10:30:00Z", "open")],
            ("on_hold", "waiting_on_customer"),
            sla.hours(1),
        ),
        # the last status lasts until the clock stops: waiting from 12:00 to the 13:00 response
        ([("2026-10-05T10:00:00Z", "waiting_on_customer")], ("waiting_on_customer",), sla.hours(2)),
        # transitions listed out of order are ordered by time
        (
            [("2026-10-05T10:30:00Z", "open"), ("2026-10-05T08:30:00Z", "waiting_on_customer")],
            ("waiting_on_customer",),
            sla.hours(1),
        ),
        # no pausing statuses at all
        (
            [("2026-10-05T08:30:00Z", "waiting_on_customer"), ("2026-10-05T10:30:00Z", "open")],
            (),
            sla.hours(3),
        ),
        # waiting after the response does not matter
        ([("2026-10-05T12:00:00Z", "waiting_on_customer")], ("waiting_on_customer",), sla.hours(3)),
    ],
)
def test_pauses_come_from_status_transitions(
    transitions: list[tuple[str, str]], paused_by: tuple[str, ...], elapsed: sla.Duration
) -> None:
    """A transition starts a status that lasts until the next; pausing ones stop the clock."""
    measure = sla.response_time(
        priority="P1", within=sla.hours(1), clock=OFFICE, paused_by=paused_by
    )
    note = only(measure, [ticket(MONDAY_10, "2026-10-05T11:00:00Z", transitions=transitions)])
    assert note.elapsed_us == elapsed.us
    assert note.late == (elapsed.us > sla.hours(1).us)


def test_explicit_pauses_and_transitions_may_overlap() -> None:
    """Overlapping pauses stop the clock once: 10:00-13:00 less 10:30-12:30 is one hour."""
    note = only(
        P1,
        [
            ticket(
                MONDAY_10,
                "2026-10-05T11:00:00Z",
                transitions=[
                    ("2026-10-05T08:30:00Z", "waiting_on_customer"),
                    ("2026-10-05T10:00:00Z", "open"),
                ],
                pauses=[("2026-10-05T09:00:00Z", "2026-10-05T10:30:00Z")],
            )
        ],
    )
    assert (note.elapsed_us, note.status) == (sla.hours(1).us, "on time")


def test_a_pause_before_the_ticket_opened_is_cut_to_the_ticket() -> None:
    """A pause that starts before the ticket opened only stops the clock from the opening on."""
    note = only(
        P1,
        [ticket(MONDAY_10, "2026-10-05T09:30:00Z", pauses=[("2026-10-05T07:00:00Z", MONDAY_10)])],
    )
    assert note.elapsed_us == sla.minutes(90).us


# --- unanswered tickets and the period ------------------------------------------------------


@pytest.mark.parametrize(
    ("opened", "status", "category"),
    [
        # 24x7, one hour before the period ends: due exactly at its end -> still pending
        ("2026-10-31T23:00:00Z", "pending at period end", "ignored"),
        # one second earlier: late by at least one second
        ("2026-10-31T22:59:59Z", "late, unanswered", "counted"),
        # opened at the period's first instant: judged
        ("2026-10-01T00:00:00Z", "late, unanswered", "counted"),
        # opened at the period's end: belongs to the next period
        ("2026-11-01T00:00:00Z", "opened outside the period", "ignored"),
        # opened a microsecond before the period
        ("2026-09-30T23:59:59.999999Z", "opened outside the period", "ignored"),
    ],
)
def test_an_unanswered_ticket_is_late_once_its_target_passes_in_the_period(
    opened: str, status: str, category: str
) -> None:
    """A ticket belongs to the period it was opened in; without a response it is late or pending."""
    measure = sla.response_time(priority="P1", within=sla.hours(1))
    note = only(measure, [ticket(opened)])
    assert (note.status, note.category) == (status, category)
    if status == "late, unanswered":
        assert note.stopped is None
        assert note.late_by_us >= sla.seconds(1).us


def test_a_response_after_the_period_still_judges_the_ticket() -> None:
    """A ticket opened in the period and answered after it is judged on its real response."""
    measure = sla.response_time(priority="P1", within=sla.hours(2))
    note = only(measure, [ticket("2026-10-31T23:00:00Z", "2026-11-01T00:30:00Z")])
    assert (note.status, note.elapsed_us) == ("on time", sla.minutes(90).us)


def test_resolution_time_runs_to_the_resolution() -> None:
    """Resolution time stops at ``resolved``, not at the first response."""
    measure = sla.resolution_time(priority="P1", within=sla.hours(8), clock=OFFICE)
    on_time = ticket(MONDAY_10, "2026-10-05T08:10:00Z", resolved="2026-10-05T14:00:00Z")
    late = ticket(MONDAY_10, "2026-10-05T08:10:00Z", resolved="2026-10-06T08:00:01Z", id="T-2")
    notes = evidence(measure, [on_time, late]).tickets
    # Mon 10:00 -> Tue 10:00:01 CEST: 8 hours on Monday, 2 hours and a second on Tuesday
    assert [(n.status, n.late_by_us) for n in notes] == [
        ("on time", 0),
        ("late", sla.hours(2).us + sla.seconds(1).us),
    ]


# --- targets per priority, coverage, services ----------------------------------------------


def test_per_priority_targets_judge_each_ticket_by_its_own_priority() -> None:
    """P1 within 1 hour and P2 within 4; a P3 without a target is listed, not judged."""
    measure = sla.response_time(within={"P1": sla.hours(1), "P2": sla.hours(4)}, clock=OFFICE)
    answered = "2026-10-05T10:00:00Z"  # two business hours after Monday 10:00 CEST
    tickets = [
        ticket(MONDAY_10, answered, id="a"),
        ticket(MONDAY_10, answered, id="b", priority="P2"),
        ticket(MONDAY_10, answered, id="c", priority="P3"),
    ]
    report = sla.evaluate(agreement(measure.on_time_ratio() >= "50%"), tickets, period="2026-10")
    (result,) = report.objectives
    assert result.value == Fraction(1, 2)
    assert result.verdict is sla.Verdict.MET
    ev = report.evidence("desk")
    assert isinstance(ev, sla.TicketEvidence)
    assert [t.status for t in ev.tickets] == ["late", "on time", "no target for its priority"]
    assert "no target for P3" in ev.not_counted[0].reason


def test_a_ticket_with_unknown_coverage_is_rejected_and_listed() -> None:
    """A coverage the measure does not map to a calendar is never silently put on another clock."""
    measure = sla.response_time(within=sla.hours(1), clock=OFFICE, coverage={"24x7": sla.always()})
    report = sla.evaluate(
        agreement(measure.on_time_ratio() >= "100%"),
        [ticket(MONDAY_10, "2026-10-05T08:30:00Z", coverage="platinum")],
        period="2026-10",
    )
    assert report.objectives[0].verdict is sla.Verdict.NO_DATA
    (note,) = report.events()
    assert note.category == "ignored"
    assert "coverage 'platinum' has no clock" in note.reason
    label = repr(measure.on_time_ratio())
    assert report.reconciliation.reasons[label] == {"rejected: unknown coverage": 1}


def test_tickets_of_other_services_are_not_covered() -> None:
    """Each service is judged on its own tickets; tickets of unknown services are listed."""
    measure = sla.response_time(within=sla.hours(1))
    tickets = [
        ticket(MONDAY_10, "2026-10-05T08:30:00Z", id="a", service="desk"),
        ticket(MONDAY_10, "2026-10-05T10:30:00Z", id="b", service="phone"),
        ticket(MONDAY_10, "2026-10-05T08:30:00Z", id="c", service="other"),
    ]
    report = sla.evaluate(
        agreement(measure.on_time_ratio() >= "100%", services=("desk", "phone")),
        tickets,
        period="2026-10",
    )
    assert [(r.service, r.value) for r in report.objectives] == [
        ("desk", Fraction(1)),
        ("phone", Fraction(0)),
    ]
    rec = report.reconciliation
    assert rec.by_measure[repr(measure.on_time_ratio())] == {
        "counted": 2,
        "excluded": 0,
        "ignored": 1,
    }
    assert rec.balanced()


def test_a_measure_on_one_service() -> None:
    """``service=`` measures one service; the others' tickets are listed as not covered."""
    measure = sla.response_time(within=sla.hours(1), service="phone")
    assert measure.on_time_ratio().service == "phone"
    report = sla.evaluate(
        agreement(measure <= 0, services=("desk", "phone")),
        [ticket(MONDAY_10, "2026-10-05T08:30:00Z", service="desk")],
        period="2026-10",
    )
    (result,) = report.objectives
    assert (result.service, result.verdict) == ("phone", sla.Verdict.NO_DATA)
    assert "late first responses of phone" in result.describe()


# --- no data, counts and evidence -----------------------------------------------------------


@pytest.mark.parametrize(
    "inputs",
    [
        # no ticket input at all
        [],
        # tickets, but none opened in the period
        [[ticket("2026-09-05T08:00:00Z", "2026-09-05T08:10:00Z")]],
        # a ticket of the period, but not yet due
        [[ticket("2026-10-31T23:30:00Z")]],
    ],
)
def test_no_tickets_is_no_data_never_met(inputs: list[object]) -> None:
    """Without a judged ticket both the ratio and the late count are "no data"."""
    measure = sla.response_time(within=sla.hours(1))
    report = sla.evaluate(
        agreement(measure.on_time_ratio() >= "95%", measure <= 0), *inputs, period="2026-10"
    )
    assert [r.verdict for r in report.objectives] == [sla.Verdict.NO_DATA] * 2
    assert not report.compliant


def test_the_late_count_and_its_evidence() -> None:
    """The late count is exact, and the evidence lists late tickets latest first with how late."""
    measure = sla.response_time(within=sla.hours(1))
    tickets = [
        ticket(MONDAY_10, "2026-10-05T08:30:00Z", id="fine"),
        ticket(MONDAY_10, "2026-10-05T09:00:01Z", id="slightly"),
        ticket(MONDAY_10, "2026-10-05T12:00:00Z", id="very"),
    ]
    report = sla.evaluate(agreement(measure <= 1), tickets, period="2026-10")
    (result,) = report.objectives
    assert (result.value, result.shown, result.verdict) == (2, "2", sla.Verdict.BREACHED)
    ev = report.evidence("desk")
    assert isinstance(ev, sla.TicketEvidence)
    assert [(t.id, t.late_by_us) for t in ev.late] == [
        ("very", sla.hours(3).us),
        ("slightly", sla.seconds(1).us),
    ]
    assert [t.id for t in ev.on_time] == ["fine"]
    assert ev.summary() == "3 tickets judged: 1 on time, 2 late; 0 not counted"
    assert ev.late_lines(limit=1) == [
        "ticket very (P1) late by 3 hours",
        "... and 1 more late tickets",
    ]
    assert (
        ev.late[0].describe().startswith("record 2: ticket very (P1) opened 2026-10-05T08:00:00Z")
    )
    assert report.events()[0].kind == "ticket"
    text = report.explain()
    assert "late first responses <= 1: BREACHED" in text
    assert "late first responses: 3 tickets judged: 1 on time, 2 late; 0 not counted" in text
    assert "      ticket very (P1) late by 3 hours\n" in text
    assert "record 2" not in text  # tickets are named by id, not by position in the input


def test_an_unanswered_late_ticket_says_at_least() -> None:
    """The late list marks unanswered tickets: they are late by at least the time shown."""
    ev = evidence(sla.response_time(within=sla.hours(1)), [ticket("2026-10-31T20:00:00Z")])
    assert ev.late_lines() == ["ticket T-1 (P1) late by 3 hours (at least; unanswered)"]
    assert "no first response by the end of the period" in ev.tickets[0].reason


def test_every_fate_has_a_reason() -> None:
    """Every kind of ticket fate reads as a sentence and reconciles."""
    measure = sla.response_time(priority="P1", within=sla.hours(1), coverage={"x": sla.always()})
    tickets = [
        ticket(MONDAY_10, "2026-10-05T08:30:00Z", id="a"),
        ticket(MONDAY_10, "2026-10-05T10:30:00Z", id="b"),
        ticket("2026-10-31T20:00:00Z", id="c"),
        ticket("2026-10-31T23:30:00Z", id="d"),
        ticket("2026-09-01T00:00:00Z", id="e"),
        ticket(MONDAY_10, id="f", service="else"),
        ticket(MONDAY_10, id="g", priority="P2"),
        ticket(MONDAY_10, id="h", coverage="y"),
    ]
    report = sla.evaluate(agreement(measure <= 0), tickets, period="2026-10")
    notes = report.events()
    assert len(notes) == len(tickets)
    # by opened, service and id, never by position in the input
    assert [n.reason.split()[1] for n in notes] == ["e", "a", "b", "g", "h", "f", "c", "d"]
    assert sorted(n.category for n in notes) == ["counted"] * 3 + ["ignored"] * 5
    reasons = report.reconciliation.reasons[repr(measure)]
    assert sum(reasons.values()) == len(tickets)
    assert set(reasons) == {f.words for f in TicketFate if f is not TicketFate.NO_TARGET}
    assert all(n.reason for n in notes)
    assert "    tickets not counted:\n      ticket e (P1): ignored: opened outside" in (
        report.explain()
    )


def test_the_judgement_ignores_ticket_order() -> None:
    """Shuffling the tickets and their transitions changes no figure."""
    rng = np.random.default_rng(7)
    tickets = [
        ticket(
            f"2026-10-0{1 + i % 9}T0{i % 10}:00:00Z",
            f"2026-10-1{i % 9}T0{i % 7}:00:00Z",
            id=f"t{i}",
            priority=("P1", "P2")[i % 2],
            transitions=[(f"2026-10-1{i % 9}T00:00:00Z", "waiting_on_customer")],
        )
        for i in range(20)
    ]
    measure = sla.response_time(within={"P1": sla.hours(4), "P2": sla.hours(30)}, clock=OFFICE)
    base = sla.evaluate(agreement(measure.on_time_ratio() >= "50%"), tickets, period="2026-10")
    shuffled = [tickets[i] for i in rng.permutation(len(tickets))]
    other = sla.evaluate(agreement(measure.on_time_ratio() >= "50%"), shuffled, period="2026-10")
    assert base.objectives[0].value == other.objectives[0].value


def test_a_mid_period_agreement_judges_tickets_from_its_start() -> None:
    """Tickets opened before the agreement took effect are outside the evaluated span."""
    measure = sla.response_time(within=sla.hours(1))
    tier = sla.Tier("gold", fee=sla.usd("10"), objectives=[measure <= 0])
    late_start = sla.Agreement(
        provider="A", customer="B", services=["desk"], tier=tier, effective="2026-10-10T00:00:00Z"
    )
    report = sla.evaluate(late_start, [ticket(MONDAY_10, "2026-10-05T12:00:00Z")], period="2026-10")
    assert report.objectives[0].verdict is sla.Verdict.NO_DATA


# --- errors from the data and the definition ------------------------------------------------


def test_a_priority_the_data_does_not_use_is_an_error() -> None:
    """A misspelt priority in the measure would silently judge nothing; it is an error."""
    measure = sla.response_time(priority="p1", within=sla.hours(1))
    with pytest.raises(EvaluationError, match=r"names priority 'p1'.*P1, P2"):
        sla.evaluate(agreement(measure <= 0), [ticket()], period="2026-10")


def test_a_pause_status_the_data_does_not_use_is_an_error() -> None:
    """A misspelt pausing status would silently never pause; it is an error."""
    measure = sla.response_time(within=sla.hours(1), paused_by="waiting_for_customer")
    with pytest.raises(EvaluationError, match="pauses on status 'waiting_for_customer'"):
        sla.evaluate(agreement(measure <= 0), [ticket()], period="2026-10")


def test_judge_tickets_directly() -> None:
    """The kernel returns fates and business times as columns over the table's rows."""
    table = sla.TicketTable.from_records(
        [ticket(MONDAY_10, "2026-10-05T08:30:00Z"), ticket(MONDAY_10, id="b", coverage="z")]
    )
    period = sla.monthly().period("2026-10")
    cols = judge_tickets(P1, table, ("desk",), period.start, period.end)
    assert cols.fate.tolist() == [TicketFate.ON_TIME, TicketFate.NO_CLOCK]
    assert cols.elapsed[0] == sla.minutes(30).us
    assert cols.per_service([TicketFate.ON_TIME]).tolist() == [1]


# --- the DSL --------------------------------------------------------------------------------


def test_reprs_read_as_the_dsl_call() -> None:
    """Measures print as the call that builds them, in a canonical order."""
    measure = sla.resolution_time(
        within={"P2": sla.hours(4), "P1": sla.hours(1)},
        coverage={"b": sla.always(), "a": sla.always()},
        paused_by=["on_hold"],
        service="desk",
    )
    assert repr(measure) == (
        "resolution_time(within={'P1': hours(1), 'P2': hours(4)}, coverage={'a': always(), "
        "'b': always()}, paused_by=['on_hold'], service='desk')"
    )
    assert repr(measure.on_time_ratio()) == repr(measure) + ".on_time_ratio()"
    assert repr(P1 <= 2) == f"{P1!r} <= '2'"
    assert measure == sla.resolution_time(
        within={"P1": sla.hours(1), "P2": sla.hours(4)},
        coverage={"a": sla.always(), "b": sla.always()},
        paused_by="on_hold",
        service="desk",
    )


def test_describe_states_the_rules() -> None:
    """The description names the target, the clock, the coverage and the pausing statuses."""
    measure = sla.resolution_time(
        within={"P1": sla.hours(1), "P2": sla.hours(4)}, coverage={"24x7": sla.always()}
    )
    text = measure.describe()
    assert "resolution within 1 hour (P1), 4 hours (P2)" in text
    assert "always() for '24x7'" in text
    assert "waiting_on_customer" in text
    assert text.endswith("The value is the number of late tickets.")
    ratio = measure.on_time_ratio()
    assert ratio.label == "on-time resolutions"
    assert ratio.describe().startswith("The on-time share")
    none = sla.response_time(within=sla.hours(1), paused_by=())
    assert "stops" not in none.describe()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"within": 3600}, "within=3600 must be a duration"),
        ({"within": {}}, "names no priority"),
        ({"within": {"": sla.hours(1)}}, "is not a priority name"),
        ({"within": {"P1": 60}}, r"within\['P1'\]=60 must be a duration"),
        ({"within": {"P1": sla.hours(1)}, "priority": "P1"}, "with a table of targets"),
        ({"within": sla.hours(1), "priority": ""}, "must be a priority"),
        ({"within": sla.hours(1), "clock": "office"}, "clock='office' must be a calendar"),
        ({"within": sla.hours(1), "coverage": ["24x7"]}, "must map a ticket's coverage"),
        ({"within": sla.hours(1), "coverage": {"": sla.always()}}, "is not a coverage name"),
        ({"within": sla.hours(1), "coverage": {"a": "b"}}, r"coverage\['a'\]='b'"),
        ({"within": sla.hours(1), "paused_by": [""]}, "is not a status"),
    ],
)
def test_bad_definitions_are_refused(kwargs: dict[str, object], message: str) -> None:
    """Each malformed option is refused with a message naming it."""
    with pytest.raises(DefinitionError, match=message):
        sla.response_time(**kwargs)  # type: ignore[arg-type]


def test_targets_are_counts_and_ratios() -> None:
    """The late count takes whole numbers; the on-time ratio takes percentages."""
    assert (P1 <= 2).target == 2
    assert (P1 <= "3").target == 3
    assert P1.format_value(Fraction(5, 2)) == "2.5"
    assert P1.format_value(Fraction(1, 3)) == "1/3"
    assert (P1.on_time_ratio() >= "95%").describe() == "on-time P1 first responses >= 95%"
    for bad in (-1, 1.5, "2.5", True, "many"):
        with pytest.raises(DefinitionError):
            bad >= P1  # noqa: B015
    with pytest.raises(DefinitionError, match="must be response_time"):
        sla.OnTimeRatio(of=sla.uptime())  # type: ignore[arg-type]
    with pytest.raises(DefinitionError, match="must be 'response' or 'resolution'"):
        sla.TicketTime(kind="reply", within=sla.hours(1))  # type: ignore[arg-type]
