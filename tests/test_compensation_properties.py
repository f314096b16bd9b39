"""Laws of compensation: signs, caps, monotony, event order, rounding once, lines that add up."""

from __future__ import annotations

import random
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit._dsl._combinators import Bonus, Cap
from tests.strategies import credit_rules

OCTOBER = sla.monthly().period("2026-10")
MINUTE = 60_000_000
SERVICES = ("a", "b")


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
    return sla.evaluate(agreement, events, period="2026-10")


def credits(report: sla.Report) -> list[Fraction]:
    """Return each service's exact credit, in service order."""
    (column,) = report.credit_columns
    return column.amount.tolist()


@given(credit_rules(), outages())
def test_never_negative_without_a_bonus_clause(rule: sla.CreditRule, events: list) -> None:
    """Without bonus(...), no service's credit is below zero."""
    assert all(amount >= 0 for amount in credits(evaluate(rule, events)))


@given(credit_rules(bonus=True), outages(), st.sampled_from([sla.usd("120"), "15%"]))
def test_never_above_a_cap(rule: sla.CreditRule, events: list, limit: object) -> None:
    """Whatever the rule inside, a cap per period is never exceeded."""
    capped = sla.cap(rule, at_most=limit)  # type: ignore[arg-type]
    bound = Fraction(120) if isinstance(limit, sla.Money) else Fraction(150)
    assert all(amount <= bound for amount in credits(evaluate(capped, events)))


@given(credit_rules(monotone=True), outages(), outages(max_size=2))
def test_more_downtime_never_lowers_a_monotone_credit(
    rule: sla.CreditRule, events: list, more: list
) -> None:
    """Adding outages never lowers a credit built of monotone shapes and combinators."""
    before = credits(evaluate(rule, events))
    after = credits(evaluate(rule, events + more))
    assert all(b <= a for b, a in zip(before, after, strict=True))


@given(credit_rules(bonus=True), outages(), st.randoms(use_true_random=False))
def test_independent_of_event_order(rule: sla.CreditRule, events: list, rnd: random.Random) -> None:
    """Shuffled events give the same exact credits and the same lines."""
    shuffled = events[:]
    rnd.shuffle(shuffled)
    a, b = evaluate(rule, events), evaluate(rule, shuffled)
    assert credits(a) == credits(b)
    assert a.compensation.lines == b.compensation.lines


@given(credit_rules(bonus=True), outages())
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


@given(credit_rules(bonus=True))
def test_repr_reads_as_the_dsl_call(rule: sla.CreditRule) -> None:
    """A rule's repr is the call that builds it, and evaluates back to an equal rule."""
    namespace = {name: getattr(sla, name) for name in sla.__all__}
    namespace.update(Decimal=__import__("decimal").Decimal, Money=sla.Money)
    rebuilt = eval(repr(rule), namespace)
    assert rebuilt == rule
    assert isinstance(rule, Bonus | Cap) or repr(rule).split("(")[0].isidentifier()
