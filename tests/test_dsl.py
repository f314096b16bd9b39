"""The DSL: money, percentages, measures, objectives, exclusions, schedules, tiers, agreements."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit._money import round_fraction
from slakit._ratio import ratio
from slakit.exceptions import CurrencyMismatchError, DefinitionError

# --- money ------------------------------------------------------------------------------------


def test_money_is_exact_and_rounds_only_when_asked() -> None:
    """Sums keep every digit; rounding goes to the currency's minor unit."""
    total = sla.usd("0.005") + sla.usd("10.00")
    assert total == sla.Money(Decimal("10.005"), "USD")
    assert total.rounded() == sla.usd("10.01")
    assert total.rounded("half_even") == sla.usd("10.00")
    assert sla.jpy("1234.5").rounded() == sla.jpy("1235")
    assert sla.money("1.0005", "KWD").rounded() == sla.money("1.001", "KWD")
    assert str(sla.eur("1234567.5")) == "1,234,567.5 EUR"
    assert -sla.gbp("2") == sla.gbp("-2")
    assert sla.usd("3") - sla.usd("1") == sla.usd("2")


def test_money_refuses_to_mix_currencies() -> None:
    """Adding, subtracting or comparing two currencies is an error."""
    with pytest.raises(CurrencyMismatchError, match="currencies differ"):
        sla.usd("1") + sla.eur("1")
    with pytest.raises(CurrencyMismatchError):
        sla.usd("1") - sla.eur("1")
    with pytest.raises(CurrencyMismatchError):
        assert sla.usd("1") < sla.eur("2")


def test_money_compares_within_a_currency() -> None:
    """Amounts of one currency order as numbers; other types are not comparable."""
    assert sla.usd("1") < sla.usd("2") <= sla.usd("2") < sla.usd("3")
    assert sla.usd("3") > sla.usd("2") >= sla.usd("2")
    with pytest.raises(TypeError):
        assert sla.usd("1") < 2  # type: ignore[operator]
    assert sla.usd("1").__add__(1) is NotImplemented
    assert sla.usd("1").__sub__(1) is NotImplemented


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        (1.5, "USD", "float"),
        ("twelve", "USD", "not a number"),
        ("NaN", "USD", "finite"),
        (object(), "USD", "must be a Decimal"),
        ("1", "XYZ", "ISO 4217"),
        ("1", 840, "ISO 4217"),
    ],
)
def test_bad_money_is_refused(amount: object, currency: object, message: str) -> None:
    """Floats, words, infinities and unknown currencies are refused with a fix."""
    with pytest.raises(DefinitionError, match=message):
        sla.Money(amount, currency)  # type: ignore[arg-type]


# Rounding modes on the exact halves and just around them.
ROUNDING = [
    (Fraction(5, 2), "half_up", "3"),
    (Fraction(-5, 2), "half_up", "-3"),
    (Fraction(5, 2), "half_even", "2"),
    (Fraction(7, 2), "half_even", "4"),
    (Fraction(5, 2), "half_down", "2"),
    (Fraction(-5, 2), "half_down", "-2"),
    (Fraction(26, 10), "half_down", "3"),
    (Fraction(24, 10), "half_up", "2"),
    (Fraction(21, 10), "up", "3"),
    (Fraction(-21, 10), "up", "-3"),
    (Fraction(29, 10), "down", "2"),
    (Fraction(-29, 10), "down", "-2"),
    (Fraction(-21, 10), "floor", "-3"),
    (Fraction(-29, 10), "ceiling", "-2"),
    (Fraction(3), "up", "3"),
]


@pytest.mark.parametrize(("value", "mode", "expected"), ROUNDING)
def test_round_fraction_modes(value: Fraction, mode: str, expected: str) -> None:
    """Each rounding mode rounds exact rationals as its name says."""
    assert round_fraction(value, 0, mode) == Decimal(expected)  # type: ignore[arg-type]


@given(
    st.fractions(max_denominator=10**6),
    st.sampled_from(["half_up", "half_even", "down", "up", "floor", "ceiling", "half_down"]),
)
def test_round_fraction_agrees_with_decimal(value: Fraction, mode: str) -> None:
    """Integer rounding agrees with the decimal module wherever the decimal is exact."""
    import decimal

    with decimal.localcontext(prec=200):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        names = {
            "half_up": decimal.ROUND_HALF_UP,
            "half_even": decimal.ROUND_HALF_EVEN,
            "half_down": decimal.ROUND_HALF_DOWN,
            "down": decimal.ROUND_DOWN,
            "up": decimal.ROUND_UP,
            "floor": decimal.ROUND_FLOOR,
            "ceiling": decimal.ROUND_CEILING,
        }
        if Fraction(exact) == value:
            expected = exact.quantize(Decimal("0.01"), rounding=names[mode])
            assert round_fraction(value, 2, mode) == expected  # type: ignore[arg-type]


def test_rounding_policy_is_validated() -> None:
    """Only the named rounding modes exist."""
    assert sla.Rounding().mode == "half_up"
    with pytest.raises(DefinitionError, match="mode='bankers'"):
        sla.Rounding("bankers")  # type: ignore[arg-type]


# --- percentages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("99.99%", Decimal("0.9999")),
        (" 100 % ", Decimal(1)),
        ("0%", Decimal(0)),
        (Decimal("0.5"), Decimal("0.5")),
        (Fraction(1, 4), Decimal("0.25")),
        (1, Decimal(1)),
    ],
)
def test_ratio_accepts_exact_forms(value: object, expected: Decimal) -> None:
    """Percent strings, Decimals, exact Fractions and 0/1 become Decimal ratios."""
    assert ratio(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("99.9", "percent sign"),
        ("abc%", "not a percentage"),
        (0.999, "float"),
        ("120%", "between 0% and 100%"),
        ("-1%", "between"),
        (Fraction(1, 3), "no exact decimal"),
        (None, "percentage string"),
    ],
)
def test_ratio_refuses_inexact_or_ambiguous_forms(value: object, message: str) -> None:
    """Bare numbers, floats and out-of-range values are refused with a fix."""
    with pytest.raises(DefinitionError, match=message):
        ratio(value)


# --- measures, objectives, exclusions -----------------------------------------------------------


def test_objectives_are_written_as_comparisons() -> None:
    """Comparing a measure with a target builds an objective, with every comparator."""
    u = sla.uptime()
    assert (u >= "99.9%").comparator == ">="
    assert (u > "99.9%").comparator == ">"
    assert (u <= "1%").comparator == "<="
    assert (u < "1%").comparator == "<"
    assert (u >= "99.9%").target == Decimal("0.999")
    assert (u >= "99.9%").is_met(Fraction(999, 1000))
    assert not (u > "99.9%").is_met(Fraction(999, 1000))
    assert (u >= "99.9%").margin(Fraction(1)) == Fraction(1, 1000)
    assert (u <= "1%").margin(Fraction(0)) == Fraction(1, 100)


def test_an_objective_has_no_truth_value() -> None:
    """``if uptime >= '99%':`` is a mistake, and says so."""
    with pytest.raises(TypeError, match="ambiguous"):
        bool(sla.uptime() >= "99%")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_outage": 60}, "min_outage=60 must be a duration"),
        ({"granularity": sla.seconds(0)}, r"granularity=microseconds\(0\) must be a positive"),
        ({"granularity": "1m"}, "granularity='1m' must be a duration"),
        ({"excluding": ["maintenance"]}, "not an exclusion clause"),
        (
            {"excluding": [sla.scheduled_maintenance(), sla.scheduled_maintenance()]},
            "same kind of clause twice",
        ),
        ({"during": "Mon-Fri"}, "must be a calendar"),
        ({"min_outage_of": "event"}, "min_outage_of='event'"),
    ],
)
def test_bad_uptime_options_are_refused(kwargs: dict[str, object], message: str) -> None:
    """Each invalid uptime option names itself and the fix."""
    with pytest.raises(DefinitionError, match=message):
        sla.uptime(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"notice": 5}, "notice=5 must be a duration"),
        ({"at_most": sla.seconds(0)}, "would exclude nothing"),
        ({"accounting": "ignore"}, "accounting='ignore'"),
    ],
)
def test_bad_maintenance_clauses_are_refused(kwargs: dict[str, object], message: str) -> None:
    """A maintenance clause with a wrong option names it."""
    with pytest.raises(DefinitionError, match=message):
        sla.scheduled_maintenance(**kwargs)  # type: ignore[arg-type]


def test_uptime_describes_itself_in_words() -> None:
    """The description names every rule a customer needs to check the figure."""
    text = sla.uptime(
        min_outage=sla.minutes(10),
        min_outage_of="report",
        granularity=sla.minutes(5),
        excluding=[
            sla.scheduled_maintenance(notice=sla.days(5), at_most=sla.hours(4), accounting="good")
        ],
        during=sla.always(),
    ).describe()
    assert "an outage report shorter than 10 minutes is ignored" in text
    assert "buckets of 5 minutes" in text
    assert "announced at least 5 days ahead, up to 4 hours per period counts as available" in text
    assert "only time within the service hours (at all times) is eligible" in text
    assert sla.uptime(service="api").label == "uptime of api"


# --- credit schedules -------------------------------------------------------------------------


def test_threshold_and_interval_forms_build_the_same_schedule() -> None:
    """'< x' thresholds and explicit intervals are two spellings of one schedule."""
    u = sla.uptime()
    a = sla.credit_schedule(u, {"< 99.99%": "10%", "< 99.0%": "30%", "< 95.0%": "100%"})
    b = sla.credit_schedule(u, {"(-inf, 95%)": "100%", "[95%, 99%)": "30%", "[99%, 99.99%)": "10%"})
    assert a == b


def test_inclusive_thresholds_flip_the_neighbouring_bound() -> None:
    """'<= x' includes x in its band and excludes it from the next one up."""
    s = sla.credit_schedule(sla.uptime(), {"<= 99.9%": "10%", "<= 99%": "25%"})
    assert [b.interval() for b in s.bands] == ["(-inf, 99%]", "(99%, 99.9%]"]
    assert s.band_for(Fraction(99, 100)) == s.bands[0]
    assert s.band_for(Fraction(999, 1000)) == s.bands[1]
    assert s.band_for(Fraction(9991, 10000)) is None


def test_higher_is_worse_thresholds() -> None:
    """'> x' thresholds build bands upwards, for measures where more is worse."""
    s = sla.credit_schedule(sla.uptime(), {"> 1%": "10%", ">= 5%": "50%"})
    assert [b.interval() for b in s.bands] == ["(1%, 5%)", "[5%, +inf)"]


def test_a_gap_between_bands_is_detected() -> None:
    """A value between two bands is a gap; a value beyond every band is not."""
    s = sla.credit_schedule(sla.uptime(), {"[99%, 99.9%)": "10%", "(-inf, 98%)": "50%"})
    assert s.is_gap(Fraction(985, 1000))
    assert not s.is_gap(Fraction(995, 1000))
    assert not s.is_gap(Fraction(1))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({}, "non-empty mapping"),
        ({"99%": "10%"}, "neither a threshold"),
        ({"< 99%": "10%", "[95%, 99%)": "30%"}, "mixes thresholds and intervals"),
        ({"< 99%": "10%", "> 95%": "30%"}, "mixes '<' and '>'"),
        ({"< 99%": "10%", "<= 99%": "30%"}, "same threshold twice"),
        ({"[99%, 99.99%]": "10%", "[99.99%, 100%]": "20%"}, "overlap; make one bound exclusive"),
        ({"[95%, 99.99%)": "10%", "[95%, 99%)": "20%"}, "overlap"),
        ({"(-inf, 99%)": "10%", "(-inf, 95%)": "20%"}, "overlap"),
        ({"[99%, 95%)": "10%"}, "is empty"),
        ({"[-inf, 95%)": "10%"}, "always open"),
        ({"[95%, +inf]": "10%"}, "always open"),
        ({"< 99%": "120%"}, "between 0% and 100%"),
    ],
)
def test_bad_schedules_are_refused_at_definition(table: dict[str, str], message: str) -> None:
    """Malformed, overlapping or out-of-range schedules fail when written, naming the band."""
    with pytest.raises(DefinitionError, match=message):
        sla.credit_schedule(sla.uptime(), table)


def test_a_schedule_needs_a_measure() -> None:
    """The first argument must be a measure."""
    with pytest.raises(DefinitionError, match="must be a measure"):
        sla.credit_schedule("uptime", {"< 99%": "10%"})  # type: ignore[arg-type]


# --- tiers and agreements ---------------------------------------------------------------------


def _tier() -> sla.Tier:
    u = sla.uptime(granularity=sla.minutes(1))
    return sla.Tier(
        "gold",
        fee=sla.usd("12000.00"),
        objectives=[u >= "99.95%"],
        compensation=sla.credit_schedule(u, {"< 99.95%": "10%", "< 99%": "25%"}),
    )


def test_a_tier_derives_another_without_changing_itself() -> None:
    """``derive`` returns a new tier; the original is unchanged and immutable."""
    gold = _tier()
    silver = gold.derive("silver", fee=sla.usd("6000.00"))
    assert silver.fee == sla.usd("6000.00")
    assert silver.objectives == gold.objectives
    assert gold.fee == sla.usd("12000.00")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        gold.name = "platinum"  # type: ignore[misc]


def test_a_tier_lists_each_measure_once() -> None:
    """A measure used by an objective and the schedule is evaluated once."""
    assert len(_tier().measures()) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fee": "12000"}, "fee='12000' must be money"),
        ({"fee": sla.usd("-1")}, "must not be negative"),
        ({"objectives": ["uptime >= 99%"]}, "not an objective"),
        ({"compensation": "10%"}, "must be a credit rule"),
        ({"no_data": "ignore"}, "no_data='ignore'"),
    ],
)
def test_bad_tiers_are_refused(kwargs: dict[str, object], message: str) -> None:
    """A tier with a wrong field names it."""
    base: dict[str, object] = {"fee": sla.usd("1.00")}
    with pytest.raises(DefinitionError, match=message):
        sla.Tier("t", **{**base, **kwargs})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"services": []}, "at least one service"),
        ({"services": ["a", "a"]}, "'a' more than once"),
        ({"services": ["a", ""]}, "not a service name"),
        ({"tier": "gold"}, "must be a Tier"),
        ({"period": "monthly"}, "must be a period rule"),
        ({"effective": "2026-01-01"}, "date without a time or zone"),
        ({"provider": ""}, "non-empty"),
    ],
)
def test_bad_agreements_are_refused(kwargs: dict[str, object], message: str) -> None:
    """An agreement with a wrong field names it and the fix."""
    base: dict[str, object] = {"provider": "p", "customer": "c", "services": ["a"], "tier": _tier()}
    with pytest.raises(DefinitionError, match=message):
        sla.Agreement(**{**base, **kwargs})  # type: ignore[arg-type]


def test_reprs_are_the_dsl_calls_that_build_the_objects() -> None:
    """Evaluating an object's repr in the slakit namespace gives the same object back."""
    tier = _tier().derive("bronze", no_data="breached")
    agreement = sla.Agreement(
        provider="Acme",
        customer="Globex",
        services="api",
        tier=tier,
        period=sla.monthly(tz="Europe/Berlin"),
        effective="2026-01-01T00:00:00Z",
        rounding=sla.Rounding("half_even"),
        name="Acme API SLA",
    )
    namespace = {name: getattr(sla, name) for name in sla.__all__}
    namespace["Rounding"] = sla.Rounding
    for obj in [
        agreement,
        tier,
        sla.scheduled_maintenance(notice=sla.days(5), at_most=sla.hours(4), accounting="bad"),
        sla.uptime(min_outage_of="report", service="api", min_outage=sla.seconds(30)),
        sla.Span("2026-10-01T00:00:00Z", "2026-10-01T00:00:01.5Z"),
        sla.microseconds(7),
        sla.usd("0.10"),
    ]:
        assert eval(repr(obj), namespace) == obj
    assert agreement.title == "Acme API SLA"
    assert agreement.effective_datetime() is not None
    assert sla.Agreement(provider="A", customer="B", services=["x"], tier=tier).title == "A / B"


# --- durations as text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "us"),
    [
        # ISO 8601, through pendulum
        ("PT1H30M", 90 * 60_000_000),
        ("P1DT2H", 26 * 3_600_000_000),
        ("PT0.25S", 250_000),
        ("P2W", 14 * 86_400_000_000),
        # words and abbreviations
        ("1 hour 30 minutes", 90 * 60_000_000),
        ("1h 30m", 90 * 60_000_000),
        ("90s", 90_000_000),
        ("300ms", 300_000),
        ("1.5 hours", 90 * 60_000_000),
        ("1/3 minute", 20_000_000),
    ],
)
def test_durations_parse_from_iso_8601_and_words(text: str, us: int) -> None:
    """``duration()`` reads ISO 8601 and plain words, exactly."""
    assert sla.duration(text) == sla.Duration(us)
    assert sla.Duration.parse(text).us == us


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("P1M", "names months or years"),
        ("P1Y", "names months or years"),
        ("Pwhat", "not an ISO 8601 duration"),
        ("soon", "is not a duration"),
        ("1 fortnight", "is not a duration"),
        ("0.5us", "whole number of microseconds"),
        ("", "is not a duration"),
    ],
)
def test_bad_durations_are_refused(text: str, message: str) -> None:
    """Calendar units, unknown words and fractions of a microsecond are refused."""
    with pytest.raises(DefinitionError, match=message):
        sla.duration(text)


def test_a_value_on_an_exclusive_top_bound_is_not_a_gap() -> None:
    """99% against ``{"< 99%": ...}`` is above the schedule, not inside a gap."""
    schedule = sla.credit_schedule(sla.uptime(), {"< 99%": "10%"})
    assert not schedule.is_gap(Fraction(99, 100))
    inclusive = sla.credit_schedule(sla.uptime(), {"[95%, 99%]": "10%", "(-inf, 90%)": "50%"})
    assert inclusive.is_gap(Fraction(92, 100))
    assert not inclusive.is_gap(Fraction(991, 1000))


@pytest.mark.parametrize(
    ("build", "name", "value"),
    [
        # a duration of the wrong type, and a duration that must be positive
        (lambda: sla.uptime(min_outage=60), "min_outage", 60),
        (lambda: sla.uptime(granularity=sla.seconds(0)), "granularity", sla.seconds(0)),
        (lambda: sla.mttr(merge_gap="5m"), "merge_gap", "5m"),
        (lambda: sla.scheduled_maintenance(notice=5), "notice", 5),
        (lambda: sla.within_days(sla.days(0)), "within_days(length)", sla.days(0)),
        # a service name
        (lambda: sla.Outage(" ", "2026-10-01T00:00Z", "2026-10-01T01:00Z"), "service", " "),
        (lambda: sla.Request("", "2026-10-01T00:00Z", 200), "service", ""),
        # a choice
        (lambda: sla.success_ratio(client_errors="maybe"), "client_errors", "maybe"),
    ],
)
def test_definition_errors_name_the_argument_and_value(
    build: Callable[[], object], name: str, value: object
) -> None:
    """The shared checks attach the argument's name and the value given to the error."""
    with pytest.raises(DefinitionError) as caught:
        build()
    assert (caught.value.name, caught.value.value) == (name, value)
    assert str(caught.value).startswith(f"{name}={value!r} must be ")


def test_durations_subtract_and_money_multiplies_by_whole_numbers() -> None:
    """At least ten minutes is ``minutes(10) - microseconds(1)``; three fees are ``fee * 3``."""
    assert sla.minutes(10) - sla.microseconds(1) == sla.microseconds(599_999_999)
    with pytest.raises(DefinitionError, match="must not be negative"):
        sla.minutes(1) - sla.minutes(2)
    assert sla.usd("12.50") * 3 == 3 * sla.usd("12.50") == sla.usd("37.50")
    with pytest.raises(TypeError):
        sla.usd("1.00") * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        sla.usd("1.00") * True  # type: ignore[operator]
