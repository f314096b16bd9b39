"""Laws of compensation: signs, caps, monotony, event order, rounding once, lines that add up."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit import strategies as sst
from slakit._dsl._combinators import Bonus, Cap
from tests.strategies import LAW_PERIOD, billing

OCTOBER = sla.monthly().period(LAW_PERIOD)
MINUTE = 60_000_000
SERVICES = ("a", "b")
#: Billing data for every rule drawn with billing=True, and a claim for 'a' only.
INPUTS = (billing(SERVICES), [sla.Claim("a", LAW_PERIOD, "2026-11-05T00:00:00Z")])


def rules(*, monotone: bool = False, bonus: bool = True) -> st.SearchStrategy[sla.CreditRule]:
    """Draw rules of every shape (monotone ones only, if asked) on a drawn uptime measure."""
    return sst.uptime_measures().flatmap(
        lambda measure: sst.credit_rules(
            measure, monotone=monotone, bonus=bonus, billing=True, max_leaves=4
        )
    )


@st.composite
def outages(draw: st.DrawFn, max_size: int = 6) -> list[sla.Outage]:
    """Draw minute-aligned outages of 'a' and 'b' within October 2026."""
    out = []
    for _ in range(draw(st.integers(0, max_size))):
        start = draw(st.integers(0, 31 * 24 * 60 - 1))
        length = draw(st.integers(1, 3 * 24 * 60))
        end = min(start + length, 31 * 24 * 60)
        service = draw(st.sampled_from(SERVICES))
        out.append(
            sla.Outage(service, OCTOBER.start + start * MINUTE, OCTOBER.start + end * MINUTE)
        )
    return out


def evaluate(rule: sla.CreditRule, events: list[sla.Outage]) -> sla.Report:
    """Evaluate ``rule`` for October 2026 with a 1,000.00 USD fee per service."""
    tier = sla.Tier("t", fee=sla.usd("1000.00"), compensation=rule)
    agreement = sla.Agreement(provider="p", customer="c", services=list(SERVICES), tier=tier)
    return sla.evaluate(agreement, events, *INPUTS, period=LAW_PERIOD)


def credits(report: sla.Report) -> list[Fraction]:
    """Return each service's exact credit, in service order."""
    (column,) = report.credit_columns
    return column.amount.tolist()


@given(rules(bonus=False), outages())
def test_never_negative_without_a_bonus_clause(rule: sla.CreditRule, events: list) -> None:
    """Without bonus(...), no service's credit is below zero."""
    assert all(amount >= 0 for amount in credits(evaluate(rule, events)))


@given(rules(), outages(), st.sampled_from([sla.usd("120"), "15%"]))
def test_never_above_a_cap(rule: sla.CreditRule, events: list, limit: object) -> None:
    """Whatever the rule inside, a cap per period is never exceeded."""
    capped = sla.cap(rule, at_most=limit)  # type: ignore[arg-type]
    bound = Fraction(120) if isinstance(limit, sla.Money) else Fraction(150)
    assert all(amount <= bound for amount in credits(evaluate(capped, events)))


@given(rules(monotone=True), outages(), outages(max_size=2))
def test_more_downtime_never_lowers_a_monotone_credit(
    rule: sla.CreditRule, events: list, more: list
) -> None:
    """Adding outages never lowers a credit whose rule says it is monotone."""
    before = credits(evaluate(rule, events))
    after = credits(evaluate(rule, events + more))
    assert all(b <= a for b, a in zip(before, after, strict=True))


@given(rules(), outages(), st.randoms(use_true_random=False))
def test_independent_of_event_order(rule: sla.CreditRule, events: list, rnd: random.Random) -> None:
    """Shuffled events give the same exact credits and the same lines."""
    shuffled = events[:]
    rnd.shuffle(shuffled)
    a, b = evaluate(rule, events), evaluate(rule, shuffled)
    assert credits(a) == credits(b)
    assert a.compensation.lines == b.compensation.lines


@given(rules(), outages())
def test_rounded_once_and_lines_add_up(rule: sla.CreditRule, events: list) -> None:
    """The total is the exact sum rounded once; each service's lines add up to its credit."""
    report = evaluate(rule, events)
    comp = report.compensation
    assert comp.total == sla.Rounding().apply(sum(credits(report), Fraction(0)), "USD")
    assert comp.exact_total == sum(line.amount for line in comp.lines)
    by_service = comp.exact_by_service()
    for service, amount in zip(SERVICES, credits(report), strict=True):
        assert by_service.get(service, Fraction(0)) == amount
    assert report.total == comp.total


@given(rules())
def test_repr_reads_as_the_dsl_call(rule: sla.CreditRule) -> None:
    """A rule's repr is the call that builds it, and evaluates back to an equal rule."""
    namespace = {name: getattr(sla, name) for name in sla.__all__}
    namespace.update(Decimal=__import__("decimal").Decimal, Money=sla.Money)
    rebuilt = eval(repr(rule), namespace)
    assert rebuilt == rule
    assert isinstance(rule, Bonus | Cap) or repr(rule).split("(")[0].isidentifier()


# --- monotone(): what each shape promises, checked by brute force ---------------------------

U = sla.uptime()
SCHEDULE = sla.credit_schedule(U, {"< 99.9%": "10%", "< 99%": "25%", "< 95%": "50%"})
USD = sla.usd("100.00")
#: Uptimes the ladders step through: every bound above, and one microsecond either side.
BOUNDS = ("99.99%", "99.9%", "99.5%", "99%", "95%", "90%")


def down_times() -> list[int]:
    """Return down times (µs) in October from none to 20 days, on and beside every bound."""
    out = {0, 20 * 24 * 60 * MINUTE}
    for bound in BOUNDS:
        exact = int((1 - Fraction(sla.uptime().coerce(bound, name="bound"))) * OCTOBER.length_us)
        out |= {exact - 1, exact, exact + 1}
    return sorted(out)


def lengthened(service: str = "a") -> list[list[sla.Outage]]:
    """Return one outage of ``service`` from the start of October, ever longer."""
    start = OCTOBER.start
    return [[sla.Outage(service, start, start + d)] if d else [] for d in down_times()]


def then_b() -> list[list[sla.Outage]]:
    """Return 'a' down for a day, then 'b' down longer and longer as well."""
    a = sla.Outage("a", OCTOBER.start, OCTOBER.start + 24 * 60 * MINUTE)
    return [[a, *events] for events in lengthened("b")]


def merged() -> list[list[sla.Outage]]:
    """Return two outages of 'a' an hour apart, then the hour between them down as well."""
    hour = 60 * MINUTE
    first, second = (sla.Outage("a", OCTOBER.start + k * hour, OCTOBER.start + (k + 1) * hour)
                     for k in (0, 2))  # fmt: skip
    return [[first, second], [first, second, sla.Outage("a", first.end_us, second.start_us)]]


def credit_ladder(rule: sla.CreditRule, ladder: list[list[sla.Outage]]) -> list[list[Fraction]]:
    """Return every service's credit at each rung of ``ladder`` (each rung has more down time)."""
    return [credits(evaluate(rule, events)) for events in ladder]


def never_falls(ladder: list[list[Fraction]]) -> bool:
    """Return whether no service's credit falls from one rung to the next."""
    steps = itertools.pairwise(ladder)
    return all(b <= a for lo, hi in steps for b, a in zip(lo, hi, strict=True))


MONOTONE = [
    # leaves
    SCHEDULE,
    sla.credit_schedule(U, {"<= 99.9%": "10%"}, base=sla.charges(excluding="upfront")),
    sla.credit_schedule(sla.success_ratio(), {"[99%, 99.9%)": "30%", "(-inf, 99%)": "10%"}),
    sla.per_breach(U >= "99.9%", USD),
    sla.per_breach(U > "99%", USD),
    sla.linear(U >= "99.9%", share="5%", per="0.1%", at_most="50%", steps="started"),
    sla.linear(U >= "99.5%", share="10%", per="1%", steps="whole", base=sla.charges("usage")),
    sla.prorated(U, multiple=10),
    sla.prorated(sla.uptime(granularity=sla.minutes(5)), multiple=2, basis="eligible"),
    sla.per_downtime(U, every=sla.hours(1), worth=sla.days(1)),
    sla.per_downtime(U, every=sla.minutes(30), worth=USD, steps="whole"),
    sla.refund_per(U, every=sla.hours(1), down_over=sla.minutes(6), price="hour"),
    # combinators of monotone rules
    SCHEDULE + sla.per_breach(U >= "99%", USD),
    SCHEDULE | sla.prorated(U, multiple=3),
    sla.cap(SCHEDULE + sla.prorated(U, multiple=10), at_most="30%"),
    sla.cap(sla.prorated(U, multiple=10), at_most=sla.usd("150")),
    sla.minimum(sla.prorated(U), sla.usd("1")),
    sla.scaled(SCHEDULE, by="40%"),
    sla.only_if_breached(sla.prorated(U, multiple=10), when=U >= "99.9%"),
]


@pytest.mark.parametrize("rule", MONOTONE, ids=repr)
def test_a_rule_that_says_monotone_never_pays_less_for_more_down_time(
    rule: sla.CreditRule,
) -> None:
    """Each shape that claims monotony keeps it over every bound, and with a second service."""
    assert rule.monotone()
    assert rule.non_monotone_part() is None
    assert never_falls(credit_ladder(rule, lengthened()))
    assert never_falls(credit_ladder(rule, then_b()))


LOW, HIGH = sla.credit_schedule(U, {"< 99%": "1%"}), sla.credit_schedule(U, {"< 99.9%": "50%"})
#: Rules that are not monotone, each with the more-down-time ladder on which a credit falls.
FALLS = [
    # an interval table that pays less further down
    (sla.credit_schedule(U, {"[99%, 99.9%)": "30%", "(-inf, 99%)": "10%"}), lengthened),
    # a target breached by *high* uptime
    (sla.per_breach(U <= "99.9%", USD), lengthened),
    # incidents merge: more down time, fewer incidents
    (sla.credit_schedule(sla.incident_count(), {">= 2": "10%"}), merged),
    # the first rule to pay stops the larger one
    (sla.first(LOW, HIGH), lengthened),
    # a share of the uptime itself falls as uptime falls
    (sla.scaled(SCHEDULE, by=U), lengthened),
    # a bonus is a negative credit, growing
    (sla.bonus(SCHEDULE), lengthened),
    # paid only while a ceiling on uptime is breached: more down time meets it
    (sla.only_if_breached(sla.prorated(U, multiple=10), when=U <= "99.9%"), lengthened),
    # a pooled cap gives 'a' less when 'b' is down too
    (sla.cap(sla.credit_schedule(U, {"< 99.9%": "25%"}), at_most="20%", across="services"), then_b),
]


@pytest.mark.parametrize(("rule", "ladder"), FALLS, ids=[repr(r) for r, _ in FALLS])
def test_a_rule_that_says_not_monotone_is_caught_paying_less(
    rule: sla.CreditRule, ladder: Callable[[], list[list[sla.Outage]]]
) -> None:
    """Each shape that does not claim monotony has a known case where more down time pays less."""
    assert not rule.monotone()
    assert not never_falls(credit_ladder(rule, ladder()))


#: Rules that make no promise, though no single period shows a fall: they read history or
#: claims, pay nothing, or reduce a base by earlier credits.
NO_PROMISE = [
    sla.in_order(sla.refund_per(U, every=sla.hours(1), down_over=sla.minutes(6), price=USD),
                 SCHEDULE),
    sla.cap(SCHEDULE, at_most="20%", per="quarter"),
    sla.escalate(SCHEDULE, to=sla.per_breach(U >= "99.9%", USD), when=U >= "99.9%"),
    sla.earn_back(SCHEDULE, when=U >= "99.9%", periods=2),
    sla.claim_required(SCHEDULE, sla.within_days(sla.days(30))),
    sla.report_only(U >= "99.9%", "root-cause analysis"),
    sla.chronic(U >= "99.9%", breached=2, of_last=3),
]  # fmt: skip


@pytest.mark.parametrize("rule", NO_PROMISE, ids=repr)
def test_rules_that_promise_nothing_name_themselves(rule: sla.CreditRule) -> None:
    """A rule that makes no promise is named as the part that breaks it, wherever it sits."""
    assert rule.non_monotone_part() is rule
    assert (rule + SCHEDULE).non_monotone_part() is rule
    assert sla.cap(SCHEDULE | rule, at_most="50%").non_monotone_part() is rule
