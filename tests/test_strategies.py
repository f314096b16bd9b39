"""The public strategies: what they draw, how they shrink, their reprs and their argument checks."""

from __future__ import annotations

import inspect
import random
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument, NoSuchExample

import slakit as sla
from slakit import strategies as sst
from slakit._dsl._claims import ReportOnly
from slakit._dsl._combinators import (
    Cap,
    EarnBack,
    Scaled,
)
from slakit._dsl._compensation import Charges
from slakit._dsl._remedies import UnitRefund
from slakit._node import node_name
from slakit.strategies import _hypothesis_setup_hook
from tests.strategies import objective_agreement, schedule_agreement

OCTOBER = sst.DEFAULT_PERIOD
SCHEDULE = sla.credit_schedule(sla.uptime(), {"< 99.9%": "10%", "< 99%": "25%", "< 95%": "100%"})


# --- argument checks ------------------------------------------------------------------------

BAD_ARGUMENTS = [
    # durations
    lambda: sst.durations(min_value=sla.hours(2), max_value=sla.hours(1)),
    lambda: sst.durations(min_value=5),  # type: ignore[arg-type]
    # periods and rules
    lambda: sst.period_rules(zones=[]),
    lambda: sst.period_rules(zones=["Mars/Olympus"]),
    lambda: sst.periods("monthly"),  # type: ignore[arg-type]
    lambda: sst.periods(min_year=2030, max_year=2020),
    lambda: sst.periods(min_year=True),  # type: ignore[arg-type]
    # timelines and calendars
    lambda: sst.timelines(within="today"),  # type: ignore[arg-type]
    lambda: sst.timelines(max_spans=-1),
    lambda: sst.timelines(unit=sla.microseconds(0)),
    lambda: sst.timelines(within=sla.Span(OCTOBER.start, OCTOBER.start + 10), unit=sla.seconds(1)),
    lambda: sst.calendars(zones="Nowhere/Land"),
    # money
    lambda: sst.amounts("XXXX"),
    lambda: sst.amounts(7),  # type: ignore[arg-type]
    lambda: sst.amounts(min_value=10, max_value=1),
    lambda: sst.amounts(max_value=1.5),  # type: ignore[arg-type]
    # schedules, rules, tiers, agreements
    lambda: sst.credit_schedules("uptime"),  # type: ignore[arg-type]
    lambda: sst.credit_schedules(max_bands=0),
    lambda: sst.credit_schedules(monotone="yes"),  # type: ignore[arg-type]
    lambda: sst.credit_rules(max_leaves=0),
    lambda: sst.credit_rules(bonus=1),  # type: ignore[arg-type]
    lambda: sst.credit_rules(billing="yes"),  # type: ignore[arg-type]
    lambda: sst.credit_rules(sla.incident_count()),  # objectives on it take no '99.9%'
    lambda: sst.tiers(compensation=SCHEDULE),  # type: ignore[arg-type]
    lambda: sst.agreements(services=[]),
    lambda: sst.agreements(services=["a", "a"]),
    lambda: sst.agreements(services=42),  # type: ignore[arg-type]
    lambda: sst.agreements(tiers=[]),  # type: ignore[arg-type]
    # events
    lambda: sst.outages(period="October"),
    lambda: sst.outages(period=42),  # type: ignore[arg-type]
    lambda: sst.outages(max_duration=sla.seconds(0)),
    lambda: sst.outage_streams(max_outages=-1),
    lambda: sst.outage_streams(near=42),
    lambda: sst.outage_streams(near=["high"]),
    lambda: sst.outage_streams(near=sla.Tier("t", fee=sla.usd(1))),
    lambda: sst.outage_streams(near=SCHEDULE, max_outages=0),
    lambda: sst.requests(max_latency=sla.seconds(0)),
    lambda: sst.request_streams(max_requests=-3),
    lambda: sst.tickets(priorities=[]),
    lambda: sst.tickets(ids="T-1"),  # type: ignore[arg-type]
    lambda: sst.ticket_streams(max_tickets=-1),
]


@pytest.mark.parametrize("build", BAD_ARGUMENTS)
def test_bad_arguments_raise_invalid_argument_at_once(build: object) -> None:
    """A bad argument raises InvalidArgument when the strategy is built, naming the argument."""
    with pytest.raises(InvalidArgument, match=r"=|must|names|zones|near"):
        build()  # type: ignore[operator]


# --- reprs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("strategy", "text"),
    [
        (sst.durations(), "durations()"),
        (sst.amounts("EUR", max_value=10), "amounts(currency='EUR', max_value=10)"),
        (sst.credit_rules(max_leaves=2), "credit_rules(max_leaves=2)"),
        (sst.measures(), "measures()"),
        (sst.outages("api"), "outages(services='api')"),
        (sst.outage_streams(), "outage_streams()"),
        (sst.tickets(), "tickets()"),
        (sst.agreements(services=["api"]), "agreements(services=['api'])"),
    ],
)
def test_reprs_show_the_call(strategy: st.SearchStrategy[object], text: str) -> None:
    """A strategy prints as the call that built it, without its defaults."""
    assert repr(strategy) == text


@settings(max_examples=20)
@given(sst.agreements())
def test_drawn_agreements_print_as_dsl_code(agreement: sla.Agreement) -> None:
    """A drawn agreement's repr is DSL code that builds an equal agreement."""
    namespace = {name: getattr(sla, name) for name in sla.__all__}
    namespace["Decimal"] = Decimal
    assert eval(repr(agreement), namespace) == agreement


@settings(max_examples=50)
@given(sst.measures())
def test_drawn_measures_print_as_dsl_code_and_evaluate(measure: sla.Measure) -> None:
    """A drawn measure's repr builds it, and an objective on it evaluates to a verdict."""
    namespace = {name: getattr(sla, name) for name in sla.__all__}
    assert eval(repr(measure), namespace) == measure
    agreement = objective_agreement(measure)
    (result,) = sla.evaluate(agreement, [], period="2026-10").objectives
    assert result.objective == agreement.tier.objectives[0]


# --- what they draw ---------------------------------------------------------------------------


@settings(max_examples=25)
@given(
    sst.durations(min_value=sla.seconds(1), max_value=sla.minutes(1)),
    sst.periods(min_year=2026, max_year=2026),
    sst.timelines(within=OCTOBER, max_spans=3),
    sst.amounts("JPY", min_value=1, max_value=99),
)
def test_time_and_money_stay_in_bounds(
    duration: sla.Duration, period: sla.Period, timeline: sla.Timeline, money: sla.Money
) -> None:
    """Durations, periods, timelines and amounts respect their bounds and minor units."""
    assert 1_000_000 <= duration.us <= 60_000_000
    # The period holds an instant of 2026 (UTC); in another zone it may start in 2025 or 2027.
    year_2026 = sla.Span("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")
    assert period.start < year_2026.end
    assert period.end > year_2026.start
    assert all(OCTOBER.start <= s.start and s.end <= OCTOBER.end for s in timeline)
    assert money.currency == "JPY"
    assert 1 <= money.amount <= 99
    assert money.amount == money.amount.to_integral_value()


@settings(max_examples=25)
@given(sst.calendars(), sst.period_rules(zones=["Asia/Tokyo"]))
def test_calendars_and_rules_are_usable(calendar: sla.Calendar, rule: sla.PeriodRule) -> None:
    """Drawn calendars give windows in a period; drawn rules make periods in their zone."""
    period = rule.containing(OCTOBER.start)
    assert period.tz == "Asia/Tokyo"
    assert sla.uptime(during=calendar) is not None


@settings(max_examples=25)
@given(sst.credit_schedules(max_bands=3), sst.credit_schedules(monotone=False))
def test_schedules_are_ordered_unless_asked(
    ordered: sla.CreditSchedule, free: sla.CreditSchedule
) -> None:
    """Monotone schedules never pay less for a worse value; every schedule covers all values."""
    credits = [band.credit for band in ordered.bands]
    assert credits == sorted(credits, reverse=True)
    assert 1 <= len(ordered.bands) <= 3
    for schedule in (ordered, free):
        assert schedule.bands[0].lower is None
        top = schedule.bands[-1].upper
        for k in range(1001):
            value = Fraction(k, 1000)
            assert schedule.band_for(value) is not None or value >= Fraction(top.value)


@settings(max_examples=25)
@given(sst.credit_rules(bonus=True, monotone=False, currency="EUR"))
def test_rules_use_one_currency(rule: sla.CreditRule) -> None:
    """Drawn rules evaluate in a tier of their currency."""
    tier = sla.Tier("t", fee=sla.eur("100.00"), compensation=rule)
    agreement = sla.Agreement(provider="p", customer="c", services=["a"], tier=tier)
    assert sla.evaluate(agreement, [], period="2026-10").total.currency == "EUR"


#: The factory that makes each rule class of the DSL: the name ``@node`` gives it.
FACTORIES: dict[type[sla.CreditRule], str] = {
    c: str(node_name(c)) for c in sst._node_classes(sla.CreditRule)
}
#: The options that make a shape of their own, beyond the factory.
OPTIONS = [
    "credit_schedule in any order",
    "cap per quarter",
    "cap per year",
    "cap per rolling 3",
    "cap per agreement",
    "cap across services",
    "scaled by a measure",
    "refund_per at a unit price",
    "credit_schedule on charges",
    "linear on charges",
    "prorated on charges",
    "per_downtime on charges",
]
MONOTONE_SHAPES = [
    "credit_schedule",
    "per_breach",
    "linear",
    "prorated",
    "per_downtime",
    "refund_per",
    "total",
    "largest",
    "cap",
    "minimum",
    "scaled",
    "only_if_breached",
    "credit_schedule on charges",
    "linear on charges",
    "prorated on charges",
    "per_downtime on charges",
    "refund_per at a unit price",
]


def shapes(rule: sla.CreditRule) -> set[str]:
    """Name every shape in ``rule``: each node's factory, and the options that make another."""
    name = FACTORIES[type(rule)]
    out = {name}
    if isinstance(rule, sla.CreditSchedule) and not rule.monotone():
        out.add(f"{name} in any order")
    if isinstance(rule, Cap):
        out |= {f"cap per {rule.per}"} if rule.per != "period" else set()
        out |= {"cap across services"} if rule.across == "services" else set()
    if isinstance(rule, Scaled) and isinstance(rule.by, sla.Measure):
        out.add("scaled by a measure")
    if isinstance(rule, UnitRefund) and isinstance(rule.price, str):
        out.add("refund_per at a unit price")
    if isinstance(getattr(rule, "base", None), Charges):
        out.add(f"{name} on charges")
    for child in rule.children():
        out |= shapes(child)
    return out


def _find(strategy: st.SearchStrategy[sla.CreditRule], shape: str) -> sla.CreditRule:
    """Return a rule drawn from ``strategy`` that has ``shape``, from a fixed seed."""
    return find(
        strategy,
        lambda rule: shape in shapes(rule),
        settings=settings(max_examples=5000, database=None, phases=[Phase.generate]),
        random=random.Random(0),
    )


def test_a_rule_class_without_a_shape_of_its_own_gets_one_from_its_factory() -> None:
    """A new credit shape reaches the laws at once: its shape is derived from its factory."""
    measure = sla.uptime()
    leaf = sla.per_breach(measure >= "99%", sla.usd(1))
    derived = {s.name: s for s in sst._with_derived([], leaf, measure, "USD", arity=True)}
    assert {"earn_back", "escalate", "minimum", "total"} <= set(derived)
    rule = find(
        derived["earn_back"].strategy(st.just(leaf)),
        lambda r: True,
        settings=settings(database=None),
        random=random.Random(0),
    )
    assert isinstance(rule, EarnBack)
    assert rule.rule == leaf


def test_a_factory_with_parameters_it_cannot_draw_gives_no_derived_shape() -> None:
    """A parameter of a type the derivation does not know (``remedy: str``) is not guessed."""
    assert sst._derived_shape(ReportOnly, sla.uptime(), "USD") is None


#: Every public measure class, and the measure classes the strategies derive shapes for.
MEASURES = [
    cls
    for cls in (getattr(sla, name) for name in sla.__all__)
    if inspect.isclass(cls) and issubclass(cls, sla.Measure) and not inspect.isabstract(cls)
]
DERIVED_MEASURES = [
    sla.BucketAvailability,
    sla.ErrorRateUptime,
    sla.LatencyPercentile,
    sla.RequestRatio,
]


@pytest.mark.parametrize("cls", MEASURES, ids=lambda c: c.__name__)
def test_measures_draw_every_measure_class(cls: type) -> None:
    """measures() draws each public measure class, found from a fixed seed."""
    try:
        find(
            sst.measures(),
            lambda m: type(m) is cls,
            settings=settings(max_examples=5000, database=None, phases=[Phase.generate]),
            random=random.Random(0),
        )
    except NoSuchExample:
        pytest.fail(
            f"measures() never drew {cls.__name__}: name its factory with @node, with "
            "parameters the strategies can draw, or give it a shape in "
            "slakit.strategies._measure_shapes()"
        )


@pytest.mark.parametrize("cls", DERIVED_MEASURES, ids=lambda c: c.__name__)
def test_a_measure_class_without_a_shape_of_its_own_gets_one_from_its_factory(cls: type) -> None:
    """A new measure is drawn at once: its shape is derived from its factory's signature."""
    derived = sst._derived_measure(cls)
    assert derived is not None
    measure = find(derived, lambda m: True, settings=settings(database=None))
    assert isinstance(measure, cls)


@pytest.mark.parametrize(
    "cls",
    [
        sla.IncidentMeasure,  # several factories build it, none named by @node
        sla.LatencyShare,  # latency_share() with its defaults has no bound
    ],
    ids=lambda c: c.__name__,
)
def test_a_measure_that_cannot_be_derived_has_a_shape_of_its_own(cls: type) -> None:
    """Where derivation cannot build a measure, a shape written for it draws it instead."""
    assert sst._derived_measure(cls) is None
    assert cls in sst._measure_shapes()


@pytest.mark.parametrize("shape", [*FACTORIES.values(), *OPTIONS])
def test_credit_rules_draw_every_shape(shape: str) -> None:
    """With every option on, credit_rules() draws each shape of the DSL."""
    rules = sst.credit_rules(monotone=False, bonus=True, billing=True)
    assert shape in shapes(_find(rules, shape))


@pytest.mark.parametrize("shape", MONOTONE_SHAPES)
def test_monotone_rules_still_draw_every_monotone_shape(shape: str) -> None:
    """With monotone=True, each shape that keeps the promise is still drawn."""
    rule = _find(sst.credit_rules(billing=True, bonus=True), shape)
    assert rule.monotone()


@settings(max_examples=50)
@given(sst.credit_rules(billing=True, bonus=True, max_leaves=5))
def test_monotone_rules_say_they_are_monotone(rule: sla.CreditRule) -> None:
    """Every rule drawn with monotone=True (the default) is monotone by its own method."""
    assert rule.monotone()
    assert shapes(rule) <= set(MONOTONE_SHAPES)


@settings(max_examples=25)
@given(sst.outage_streams(["a", "b"], period="2026-11", max_outages=3, unit=sla.minutes(1)))
def test_outage_streams_fall_in_the_period(outages: list[sla.Outage]) -> None:
    """Outages lie inside the period, aligned to the unit, at most max_outages of them."""
    period = sla.monthly().period("2026-11")
    assert len(outages) <= 3
    for o in outages:
        assert period.start <= o.start_us < o.end_us <= period.end
        assert o.service in ("a", "b")
        assert (o.start_us - period.start) % 60_000_000 == 0


@settings(max_examples=60)
@given(sst.outage_streams(["a", "b"], near=SCHEDULE, max_outages=4))
def test_near_puts_uptime_on_a_bound_or_one_microsecond_off(outages: list[sla.Outage]) -> None:
    """With near=, each service's uptime is on a bound of the schedule or a microsecond off."""
    tier = sla.Tier("t", fee=sla.usd(1), objectives=[sla.uptime() >= "99.9%"])
    agreement = sla.Agreement(provider="p", customer="c", services=["a", "b"], tier=tier)
    report = sla.evaluate(agreement, outages, period="2026-10")
    eps = Fraction(1, OCTOBER.length_us)
    bounds = {Fraction(v) for v in ("0.999", "0.99", "0.95")}
    for result in report.objectives:
        assert any(abs(result.value - b) <= eps for b in bounds), result.value


@settings(max_examples=40)
@given(st.data())
def test_near_respects_buckets_and_minimum_outages(data: st.DataObject) -> None:
    """With buckets the step is one bucket, and no outage is shorter than the minimum outage."""
    uptime = sla.uptime(min_outage=sla.minutes(5), granularity=sla.minutes(1))
    agreement = schedule_agreement(uptime, {"< 99.9%": "10%", "< 99%": "25%"})
    outages = data.draw(sst.outage_streams(["svc"], near=agreement))
    assert all(o.end_us - o.start_us >= 5 * 60_000_000 for o in outages)
    (result,) = sla.evaluate(agreement, outages, period="2026-10").objectives
    bucket = Fraction(60_000_000, OCTOBER.length_us)
    assert any(
        abs(result.value - b) <= 2 * bucket for b in (Fraction(999, 1000), Fraction(99, 100))
    )


def test_near_shrinks_to_one_outage_exactly_on_the_first_bound() -> None:
    """The minimal near-bound stream is one outage putting uptime exactly on the highest bound."""
    from hypothesis import find

    found = find(sst.outage_streams(["a"], near=SCHEDULE), lambda outages: True)
    assert len(found) == 1
    assert found[0].end_us - found[0].start_us == OCTOBER.length_us // 1000
    assert found[0].start_us == OCTOBER.start


def test_near_accepts_values_objectives_and_tiers() -> None:
    """near= takes a list of values, an objective, a tier; values are read as ratios."""
    assert sst.near_bound_values(["99.9%", Decimal("0.99")])[0] == (
        Decimal("0.999"),
        Decimal("0.99"),
    )
    objective = sla.uptime() >= "99.5%"
    assert sst.near_bound_values(objective)[0] == (Decimal("0.995"),)
    u = sla.uptime()
    rule = sla.escalate(
        sla.linear(u >= "99%", share="5%", per="0.1%"),
        to=sla.per_breach(u >= "98%", sla.usd(1)),
        when=u >= "97%",
    )
    tier = sla.Tier("t", fee=sla.usd(1), objectives=[u >= "99.99%"], compensation=rule)
    assert sst.near_bound_values(tier)[0] == tuple(
        Decimal(v) for v in ("0.9999", "0.99", "0.98", "0.97")
    )


@settings(max_examples=25)
@given(
    sst.request_streams(["a"], max_requests=5),
    sst.ticket_streams(["a"], max_tickets=4, priorities=["P1"]),
)
def test_requests_and_tickets(requests: list[sla.Request], tickets: list[sla.Ticket]) -> None:
    """Requests and tickets fall in the period; ticket ids are unique; both tables build."""
    assert len(requests) <= 5
    assert len({t.id for t in tickets}) == len(tickets) <= 4
    assert all(t.priority == "P1" for t in tickets)
    sla.RequestTable.from_records(requests)
    sla.TicketTable.from_records(tickets)


# --- registration -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cls",
    [sla.Agreement, sla.Tier, sla.CreditSchedule, sla.CreditRule, sla.Money, sla.Duration,
     sla.Period, sla.PeriodRule, sla.Timeline, sla.Calendar, sla.Uptime, sla.Measure,
     sla.Outage, sla.Request, sla.Ticket],
)  # fmt: skip
def test_from_type_resolves_registered_types(cls: type) -> None:
    """Hypothesis' entry point registered every type: st.from_type draws instances."""
    _hypothesis_setup_hook()  # idempotent; the entry point already ran it

    @settings(max_examples=3)
    @given(st.from_type(cls))
    def draw(value: object) -> None:
        assert isinstance(value, cls)

    draw()


def test_the_entry_point_is_declared() -> None:
    """The package declares the hook under Hypothesis' entry point group."""
    from importlib.metadata import entry_points

    (ep,) = [e for e in entry_points(group="hypothesis") if e.value.startswith("slakit")]
    assert ep.value == "slakit.strategies:_hypothesis_setup_hook"


@pytest.mark.parametrize("module", ["slakit.strategies", "slakit.testing"])
def test_importing_without_hypothesis_names_the_extra(module: str) -> None:
    """Without Hypothesis, importing the module says how to install it."""
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        f"try:\n    import {module}\nexcept ImportError as e:\n    print(e)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"HYPOTHESIS_NO_PLUGINS": "1", "PATH": ""},
    )
    assert "checkout: pip install -e '.[hypothesis]'" in out.stdout
