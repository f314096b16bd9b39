"""Hostile money and numbers in the DSL: separators, precision, magnitudes, band text (issue 12).

Every number an agreement writes is read by one grammar (``slakit._ratio.parse_number``)
within the bounds of agreement data (``MAX_INTEGER_DIGITS``, ``MAX_DECIMAL_PLACES``), and
computed exactly whatever the thread's decimal context. The ``fuzz_*`` functions are the
entry points a long fuzz session reuses: each takes one value, returns what was built (or
``None`` when a ``SlakitError`` refused it) and asserts that what was accepted is exact.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slakit as sla
from slakit._data._codec import MAX_DECIMAL_PLACES as CODEC_PLACES
from slakit._data._codec import MAX_INTEGER_DIGITS as CODEC_DIGITS
from slakit._dsl._compensation import MAX_BAND_TEXT
from slakit._ratio import MAX_DECIMAL_PLACES, MAX_INTEGER_DIGITS, parse_number, ratio
from slakit.exceptions import AgreementDataError, DefinitionError, SlakitError
from tests.fuzzing import CHEAP, target

uptime = sla.uptime()
OCTOBER = "2026-10"
LONG = 10_000  # characters of each adversarial text: minutes for a quadratic parser


def refusal(build: Callable[[], object]) -> SlakitError:
    """Return the SlakitError that ``build()`` raises (fail if it accepts)."""
    with pytest.raises(SlakitError) as caught:
        build()
    return caught.value


def agreement(rule: sla.CreditRule, fee: sla.Money, target: str = "99.95%") -> sla.Agreement:
    """Return a one-service agreement with ``fee`` and ``rule`` as compensation."""
    tier = sla.Tier("gold", fee=fee, objectives=[uptime >= target], compensation=rule)
    return sla.Agreement(provider="p", customer="c", services=["a"], tier=tier)


def outage(us: int) -> list[sla.Outage]:
    """Return one outage of service ``a`` lasting ``us`` microseconds, on October 2."""
    start = sla.monthly().period(OCTOBER).start + 86_400_000_000
    return [sla.Outage("a", start, start + us)]


# --- 1. separators: refused, never guessed -------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "says"),
    [
        # a decimal comma: the message gives the point form
        (lambda: sla.eur("12,50"), "write '12.50' if the comma is the decimal point"),
        (lambda: sla.money("0,5", "EUR"), "'0.5'"),
        # a thousands comma, alone or with a point
        (lambda: sla.usd("1,000.00"), "write '1000.00' if it separates thousands"),
        (lambda: sla.usd("1,000"), "'1.000' if the comma is the decimal point or '1000'"),
        (lambda: sla.usd("1.000,50"), "slakit reads only a point as the decimal separator"),
        # spaces (ordinary, no-break, narrow no-break) and other separators
        (lambda: sla.usd("1 000"), "without spaces, such as '1000'"),
        (lambda: sla.usd("1\u00a0000.00"), "without spaces, such as '1000.00'"),
        (lambda: sla.usd("1\u202f000"), "without spaces"),
        (lambda: sla.usd("1'000"), "is not a number"),
        (lambda: sla.usd("1__000"), "is not a number"),
        (lambda: sla.usd("_1000"), "is not a number"),
        # digits of other scripts
        (lambda: sla.usd("\uff11\uff12"), "ASCII digits"),
        (lambda: sla.usd("\u0661\u0662"), "ASCII digits"),
        # percentages: targets, band bounds, credits, caps, weights of states
        (lambda: uptime >= "99,9%", "write '99.9%' if the comma is the decimal point"),
        (lambda: sla.credit_schedule(uptime, {"< 99,9%": "10%"}), "'99.9%'"),
        (lambda: sla.credit_schedule(uptime, {"< 99.9%": "10,5%"}), "'10.5%'"),
        (
            lambda: sla.cap(sla.credit_schedule(uptime, {"< 99%": "10%"}), at_most="50,0%"),
            "'50.0%'",
        ),
        (lambda: sla.uptime(states={"down": "100%", "slow": "5 0%"}), "without spaces"),
        # counts, quantiles, weights, steps of rounding
        (lambda: sla.incident_count() <= "1,000", "'1000' if it separates thousands"),
        (lambda: sla.incident_count() <= "1 000", "without spaces"),
        (lambda: sla.latency_percentile("99,9"), "'99.9%'"),
        (lambda: sla.mean_of(uptime, weights={"a": "1,5"}), "'1.5'"),
        (lambda: sla.Rounding(to="0,05"), "must be 'minor unit'"),
    ],
)
def test_ambiguous_separators_are_refused(build: Callable[[], object], says: str) -> None:
    """Commas, inner spaces and foreign digits are refused with what to write instead."""
    error = refusal(build)
    assert isinstance(error, DefinitionError)
    assert says in str(error)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Python's own grouping: one underscore between digits
        ("1_000", Decimal("1000")),
        ("1_000.000_5", Decimal("1000.0005")),
        # signs, a leading point, exponents within the bounds, surrounding whitespace
        ("-12.50", Decimal("-12.50")),
        (".5", Decimal("0.5")),
        ("1.5e3", Decimal("1.5e3")),
        (" 12.50\n", Decimal("12.50")),
    ],
)
def test_unambiguous_numbers_are_read_exactly(text: str, expected: Decimal) -> None:
    """What Python's grammar reads unambiguously is read the same in money and counts."""
    assert sla.usd(text).amount == expected
    assert str(sla.usd(text).amount) == str(expected)


@pytest.mark.parametrize(
    ("amount", "accepted"),
    [
        # the data loader and the DSL read the same text the same way
        ("12,50", False),
        ("1 000", False),
        ("1__000", False),
        ("\uff11\uff12", False),
        ("1_000", True),
        ("12.50", True),
    ],
)
def test_the_data_loader_reads_numbers_as_the_dsl_does(amount: str, accepted: bool) -> None:
    """An amount in agreement data is accepted exactly when the DSL accepts it."""
    data = sla.to_data(sla.Tier("gold", fee=sla.usd("1.00")))
    data["fee"]["amount"] = amount
    if accepted:
        assert sla.from_data(data, sla.Tier).fee == sla.usd(amount)
    else:
        with pytest.raises(AgreementDataError):
            sla.from_data(data, sla.Tier)
        refusal(lambda: sla.usd(amount))


def test_the_bounds_are_defined_once() -> None:
    """The codec's bounds are the DSL's, from one definition."""
    assert (CODEC_DIGITS, CODEC_PLACES) == (MAX_INTEGER_DIGITS, MAX_DECIMAL_PLACES) == (30, 30)


# --- 2. exact whatever the thread's decimal context ---------------------------------------------

_TINY_TARGET = "99.99999999999999999999999999999%"
_BIG_FEE = "123456789012345678901234567890.00"


def _examples() -> dict[str, object]:
    """Build and evaluate the issue's three examples; return what each gave."""
    sum_ = sla.usd("9665.0659651208934599969482386") + sla.usd("0.01")
    big = sla.evaluate(
        agreement(sla.credit_schedule(uptime, {"< 99.95%": "10%"}), sla.usd(_BIG_FEE)),
        outage(3_600_000_000),
        period=OCTOBER,
    )
    fine_rule = sla.credit_schedule(uptime, {f"< {_TINY_TARGET}": _TINY_TARGET})
    fine = sla.evaluate(
        agreement(fine_rule, sla.usd("1000.00"), _TINY_TARGET), outage(1), period=OCTOBER
    )
    met = sla.evaluate(agreement(fine_rule, sla.usd("1000.00"), _TINY_TARGET), [], period=OCTOBER)
    return {
        "sum": sum_,
        "difference": sum_ - sla.usd("0.01"),
        "big total": big.total,
        "big exact": big.compensation.exact_total,
        "big line": big.compensation.lines[0].describe().rsplit(" = ", 1)[1],
        "big line exact": big.compensation.lines[0].exact_amount,
        "target": (uptime >= _TINY_TARGET).target,
        "bound": fine_rule.bands[0].upper.value if fine_rule.bands[0].upper else None,
        "share": fine_rule.bands[0].credit,
        "fine exact": fine.compensation.exact_total,
        "fine total": fine.total,
        "met total": met.total,
    }


EXPECTED: dict[str, object] = {
    "sum": sla.usd("9665.0759651208934599969482386"),
    "difference": sla.usd("9665.0659651208934599969482386"),
    "big total": sla.usd("12345678901234567890123456789.00"),
    "big exact": Fraction(12345678901234567890123456789),
    "big line": "12,345,678,901,234,567,890,123,456,789.00 USD",
    "big line exact": sla.usd("12345678901234567890123456789"),
    "target": Decimal("0.9999999999999999999999999999999"),
    "bound": Decimal("0.9999999999999999999999999999999"),
    "share": Decimal("0.9999999999999999999999999999999"),
    "fine exact": Fraction(1000) * Fraction("0.9999999999999999999999999999999"),
    "fine total": sla.usd("1000.00"),
    "met total": sla.usd("0.00"),
}


@pytest.mark.parametrize(
    "context",
    [
        None,  # the thread's default context, 28 digits
        decimal.Context(prec=3),
        decimal.Context(prec=1, rounding=decimal.ROUND_DOWN, Emax=10, Emin=-10),
        decimal.Context(prec=100, traps=[decimal.Inexact, decimal.Rounded]),
    ],
)
def test_the_issue_examples_are_exact_in_any_thread_context(
    context: decimal.Context | None,
) -> None:
    """A 31-digit percentage, a 32-digit sum and a 30-digit fee give exact answers anywhere."""
    if context is None:
        got = _examples()
    else:
        with decimal.localcontext(context):
            got = _examples()
    assert got == EXPECTED
    assert repr(got["big total"]) == "Money('12345678901234567890123456789.00', 'USD')"


def test_a_shown_share_with_no_finite_decimal_ignores_the_thread_context() -> None:
    """A linear credit's shown share is the same in any context (34 digits when inexact)."""
    rule = sla.linear(uptime >= "99.9%", per="0.3%", share="10%", steps="exact")
    report = sla.evaluate(
        agreement(rule, sla.usd("1000.00"), "99.9%"), outage(3_600_000_000), period=OCTOBER
    )
    with decimal.localcontext(decimal.Context(prec=2)):
        again = sla.evaluate(
            agreement(rule, sla.usd("1000.00"), "99.9%"), outage(3_600_000_000), period=OCTOBER
        )
    assert [line.share for line in report.compensation.lines] == [
        line.share for line in again.compensation.lines
    ]


# --- 3. magnitudes: refused at construction, with the bound --------------------------------------


@pytest.mark.parametrize(
    ("build", "says"),
    [
        # amounts: text, Decimal, int, in every factory and in Money itself
        (lambda: sla.usd("1e9999999"), "is 10**30 or more in size"),
        (lambda: sla.usd(Decimal("1e9999999")), "is 10**30 or more in size"),
        # a zero written with a huge exponent (found by the fuzz campaign: 0.2 s to print)
        (lambda: sla.usd("0E897416"), "a zero written with the exponent 897416; write 0"),
        (lambda: sla.uptime() >= "0E897416%", "a zero written with the exponent 897416"),
        (lambda: sla.usd(10**30), "10**30 or more"),
        (lambda: sla.usd(10**100_000), "10**30 or more"),
        (lambda: sla.Money("1" + "0" * 30, "USD"), "is 10**30 or more in size"),
        (lambda: sla.usd("1e-31"), "has 31 decimal places"),
        (lambda: sla.usd(Decimal("0e-9999999")), "has 9999999 decimal places"),
        (lambda: sla.jpy("0." + "0" * 40 + "1"), "has 41 decimal places"),
        # sums that leave the bounds
        (lambda: sla.usd("9" * 30) + sla.usd("1"), "is 10**30 or more in size"),
        # percentages: targets, band bounds and credits, caps, weights
        (lambda: uptime >= "1e-99999%", "decimal places"),
        (lambda: uptime >= Decimal("1e-99999"), "decimal places"),
        (lambda: uptime >= Fraction(1, 2**2000), "decimal places"),
        (lambda: sla.credit_schedule(uptime, {"< 99%": "1e-40%"}), "has 40 decimal places"),
        (lambda: sla.credit_schedule(uptime, {"[1e-999999%, 99%)": "10%"}), "decimal places"),
        (lambda: sla.mean_of(uptime, weights={"a": "1e99999"}), "is 10**30 or more"),
        (lambda: sla.mean_of(uptime, weights={"a": 10**50}), "is 10**30 or more"),
        # counts: text, Decimal, int
        (lambda: sla.incident_count() <= "3e999999", "is 10**30 or more in size"),
        (lambda: sla.incident_count() <= Decimal("3e999999"), "is 10**30 or more in size"),
        (lambda: sla.incident_count() <= 10**40, "is 10**30 or more in size"),
        (lambda: sla.longest_outage() <= Decimal("1e99999"), "is 10**30 or more in size"),
        # quantiles, multiples and rounding steps
        (lambda: sla.latency_percentile("1e-99999"), "decimal places"),
        (lambda: sla.prorated(uptime, multiple="1e99999"), "is 10**30 or more"),
        (lambda: sla.Rounding(to="1e-9999999"), "must be 'minor unit'"),
        (lambda: sla.Rounding(to=Decimal("1e-9999999")), "has 9999999 decimal places"),
    ],
)
def test_out_of_bounds_numbers_are_refused_at_construction(
    build: Callable[[], object], says: str
) -> None:
    """Every number is below 10**30 with at most 30 decimals; the message gives the bound."""
    error = refusal(build)
    assert isinstance(error, DefinitionError)
    assert says in str(error)
    assert len(str(error)) < 600


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        # the largest and finest numbers within the bounds are read exactly
        (lambda: sla.usd("9" * 30).amount, Decimal("9" * 30)),
        (lambda: sla.usd("0." + "0" * 29 + "1").amount, Decimal("1e-30")),
        (
            lambda: sla.usd("-" + "9" * 30 + "." + "9" * 30).amount,
            Decimal("-" + "9" * 30 + "." + "9" * 30),
        ),
        (lambda: (uptime >= "0." + "0" * 29 + "1%").target, Decimal("1e-32")),
        (lambda: (sla.incident_count() <= "9" * 30).target, Decimal("9" * 30)),
    ],
)
def test_numbers_at_the_bounds_are_accepted(build: Callable[[], object], expected: Decimal) -> None:
    """The bounds refuse nothing a contract could need: 30 digits either side of the point."""
    assert build() == expected


# --- 4. band text and other DSL text: bounded, never backtracking --------------------------------

SPACES = " " * LONG
NINES = "9" * LONG


@pytest.mark.parametrize(
    "build",
    [
        # band keys: the forms that made the interval regex backtrack (17 s at 600 characters)
        lambda: sla.credit_schedule(uptime, {"[" + SPACES + "1%" + SPACES + ",": "10%"}),
        lambda: sla.credit_schedule(uptime, {"[" + "1" + SPACES + "x" + SPACES + ", 1%)": "10%"}),
        lambda: sla.credit_schedule(uptime, {"(" + " a" * (LONG // 2) + ", b" * (LONG // 2): "1%"}),
        lambda: sla.credit_schedule(uptime, {"< " + "1" + SPACES + "x": "10%"}),
        lambda: sla.credit_schedule(uptime, {"< " + NINES + "%": "10%"}),
        lambda: sla.credit_schedule(uptime, {"[" + NINES + "%, 100%]": "10%"}),
        lambda: sla.credit_schedule(sla.mttr(), {"< " + "1 hour " * (LONG // 7): "10%"}),
        # band credits
        lambda: sla.credit_schedule(uptime, {"< 99%": NINES + "%"}),
        lambda: sla.credit_schedule(uptime, {"< 99%": SPACES + "1" + SPACES + "%"}),
        # objective comparisons
        lambda: uptime >= NINES + "%",
        lambda: uptime >= "0." + NINES + "%",
        lambda: uptime >= SPACES + "9" + SPACES,
        lambda: uptime >= "9" + SPACES + "9%",
        # money, counts, durations, latencies, quantiles, weights
        lambda: sla.usd(NINES),
        lambda: sla.usd("1" + "_1" * (LONG // 2)),
        lambda: sla.usd("1" + "," * LONG),
        lambda: sla.incident_count() <= NINES,
        lambda: sla.incident_count() <= "1" + SPACES + "x",
        lambda: sla.mttr() <= NINES + " hours",
        lambda: sla.mttr() <= "1 hour " * (LONG // 7),
        lambda: sla.latency_percentile(NINES),
        lambda: sla.mean_of(uptime, weights={"a": NINES}),
        # bucket rules and cap windows
        lambda: sla.uptime(granularity=sla.minutes(10), bucket_down="> " + NINES + " minutes"),
        lambda: sla.uptime(granularity=sla.minutes(10), bucket_down=">" + SPACES + "1" + SPACES),
        lambda: sla.cap(
            sla.credit_schedule(uptime, {"< 99%": "10%"}), at_most="50%", per="rolling " + NINES
        ),
    ],
)
def test_long_hostile_text_is_refused_promptly(build: Callable[[], object]) -> None:
    """Text of 10,000 characters is refused by a linear parser (a quadratic one would hang)."""
    refusal(build)


def test_band_text_is_bounded_in_the_message() -> None:
    """A band key longer than MAX_BAND_TEXT is refused with the bound, and a short echo."""
    error = refusal(lambda: sla.credit_schedule(uptime, {"< " + NINES + "%": "10%"}))
    assert f"at most {MAX_BAND_TEXT} characters" in str(error)
    assert len(str(error)) < 300


def test_band_text_in_agreement_data_is_bounded_too() -> None:
    """A band's 'when' in agreement data is parsed by the same bounded tokenizer."""
    data = sla.to_data(sla.credit_schedule(uptime, {"[99%, 99.9%)": "10%"}))
    data["bands"][0]["when"] = "[" + SPACES + "1%" + SPACES + ","
    with pytest.raises(AgreementDataError) as caught:
        sla.from_data(data, sla.CreditSchedule)
    assert f"at most {MAX_BAND_TEXT} characters" in str(caught.value)


@pytest.mark.parametrize(
    ("key", "band"),
    [
        # the tokenizer reads what the regular expressions read
        ("< 99.9%", "(-inf, 99.9%)"),
        ("  <=  99.9%  ", "(-inf, 99.9%]"),
        ("[99%, 99.9%)", "[99%, 99.9%)"),
        ("( -inf ,  95% )", "(-inf, 95%)"),
        ("[95%, +inf)", "[95%, +inf)"),
        ("(95%, ∞)", "(95%, +inf)"),
    ],
)
def test_band_keys_read_as_before(key: str, band: str) -> None:
    """Thresholds and intervals, spaced freely, give the same bands as before."""
    rule = sla.credit_schedule(uptime, {key: "10%"})
    assert rule.bands[0].interval() == band


@pytest.mark.parametrize(
    "key",
    ["99%", "[99%, 99.9%", "[99%, 98%, 99.9%)", "[, 99%)", "<", "[99%,)", "<>", ""],
)
def test_malformed_band_keys_are_refused(key: str) -> None:
    """A key that is neither a threshold nor an interval is refused, naming both forms."""
    error = refusal(lambda: sla.credit_schedule(uptime, {key: "10%"}))
    assert "neither a threshold" in str(error) or "bound" in str(error)


# --- fuzz targets: reusable entry points ----------------------------------------------------------


def _oracle(text: str) -> Fraction:
    """Return the exact value of number text by a second reader (Fraction's)."""
    return Fraction(text.strip().replace("_", ""))


def _in_bounds(value: Decimal) -> None:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    assert -exponent <= MAX_DECIMAL_PLACES
    assert value.copy_abs() < 10**MAX_INTEGER_DIGITS  # copy_abs: no context, no rounding


def fuzz_money_text(value: object) -> sla.Money | None:
    """Build ``usd(value)``: a SlakitError, or an in-bounds amount equal to the text's value."""
    try:
        money = sla.usd(value)  # type: ignore[arg-type]
    except SlakitError:
        return None
    _in_bounds(money.amount)
    if isinstance(value, str):
        assert Fraction(money.amount) == _oracle(value)
        assert value.strip().isascii()
        assert "," not in value
    return money


def fuzz_percent_text(value: object) -> Decimal | None:
    """Build ``uptime() >= value``: a SlakitError, or the exact ratio of the percentage."""
    try:
        target = (uptime >= value).target
    except SlakitError:
        return None
    assert 0 <= target <= 1
    if isinstance(value, str):
        assert Fraction(target) == _oracle(value.strip()[:-1]) / 100
    return target


def fuzz_band_text(value: object) -> sla.CreditSchedule | None:
    """Build a schedule with the band key ``value``: a SlakitError, or bands it reads back."""
    try:
        rule = sla.credit_schedule(uptime, {value: "10%"})  # type: ignore[dict-item]
    except SlakitError:
        return None
    assert isinstance(value, str)
    assert len(value) <= MAX_BAND_TEXT
    again = sla.credit_schedule(uptime, {rule.bands[0].interval(): "10%"})
    assert again == rule
    return rule


def fuzz_count_text(value: object) -> Decimal | None:
    """Build ``incident_count() <= value``: a SlakitError, or an exact whole number in bounds."""
    try:
        count = (sla.incident_count() <= value).target
    except SlakitError:
        return None
    _in_bounds(count)
    assert count >= 0
    assert Fraction(count).denominator == 1
    return count


def fuzz_credit(fee: Decimal, share: Decimal) -> None:
    """Evaluate a full credit of ``share`` of ``fee``: exact, and the same in any context."""
    rule = sla.credit_schedule(uptime, {"< 99.95%": share})
    ag = agreement(rule, sla.usd(fee))
    report = sla.evaluate(ag, outage(3_600_000_000), period=OCTOBER)
    exact = Fraction(fee) * Fraction(share)
    assert report.compensation.exact_total == exact
    assert report.total == sla.Rounding().apply(exact, "USD")
    with decimal.localcontext(decimal.Context(prec=2, rounding=decimal.ROUND_FLOOR)):
        again = sla.evaluate(ag, outage(3_600_000_000), period=OCTOBER)
    assert again.total == report.total
    assert again.compensation.exact_total == exact


FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Numbers near the grammar: digits, separators, signs, exponents, foreign digits, long runs.
NUMBER_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(st.sampled_from("0123456789.,_ eE+-%\u00a0\uff11"), max_size=60),
    st.from_regex(r"[+-]?[0-9]{1,35}(\.[0-9]{0,35})?([eE][+-]?[0-9]{1,8})?", fullmatch=True),
    st.integers(0, 200).map(lambda n: "9" * n),
)
BAND_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(st.sampled_from("[]()<>=,% 9.-inf∞"), max_size=300),
    st.builds(
        lambda o, lo, hi, c: f"{o}{lo}, {hi}{c}",
        st.sampled_from("[("),
        NUMBER_TEXT.map(lambda t: t + "%"),
        NUMBER_TEXT.map(lambda t: t + "%"),
        st.sampled_from("])"),
    ),
)


@FUZZ
@given(st.one_of(NUMBER_TEXT, st.decimals(), st.integers(-(10**40), 10**40)))
@target("usd: amounts", CHEAP)
def test_fuzz_money_text(value: object) -> None:
    """Any text, Decimal or int gives exact money in bounds or a SlakitError."""
    fuzz_money_text(value)


@FUZZ
@given(st.one_of(NUMBER_TEXT.map(lambda t: t + "%"), NUMBER_TEXT, st.decimals()))
@target("uptime >= percentage", CHEAP)
def test_fuzz_percent_text(value: object) -> None:
    """Any percentage text gives an exact ratio or a SlakitError."""
    fuzz_percent_text(value)


@FUZZ
@given(BAND_TEXT)
@target("credit_schedule: band text", CHEAP)
def test_fuzz_band_text(value: str) -> None:
    """Any band key gives bands that read back, or a SlakitError."""
    fuzz_band_text(value)


@FUZZ
@given(st.one_of(NUMBER_TEXT, st.decimals(), st.integers(-(10**40), 10**40)))
@target("incident_count <= count", CHEAP)
def test_fuzz_count_text(value: object) -> None:
    """Any count gives an exact whole number in bounds, or a SlakitError."""
    fuzz_count_text(value)


# --- properties: exact arithmetic whatever the thread context ----------------------------------

PLACES = st.integers(0, MAX_DECIMAL_PLACES)


@st.composite
def amounts(draw: st.DrawFn) -> Decimal:
    """Draw an amount within the bounds: below 10**30, at most 30 decimal places."""
    places = draw(PLACES)
    units = draw(
        st.integers(
            -(10 ** (MAX_INTEGER_DIGITS + places)) + 1, 10 ** (MAX_INTEGER_DIGITS + places) - 1
        )
    )
    return Decimal(units).scaleb(-places, decimal.Context(prec=100))


CONTEXTS = st.builds(
    lambda prec, rounding: decimal.Context(prec=prec, rounding=rounding),
    st.integers(1, 40),
    st.sampled_from([decimal.ROUND_HALF_EVEN, decimal.ROUND_DOWN, decimal.ROUND_CEILING]),
)
MODES: list[Any] = ["half_up", "half_even", "half_down", "down", "up", "floor", "ceiling"]


@given(amounts(), amounts(), CONTEXTS, st.sampled_from(MODES))
def test_money_arithmetic_is_exact_in_any_context(
    a: Decimal, b: Decimal, context: decimal.Context, mode: Any
) -> None:
    """Sums, differences, negation and rounding of in-bounds amounts equal Fraction arithmetic."""
    with decimal.localcontext(context):
        exact = Fraction(a) + Fraction(b)
        if abs(exact) < 10**MAX_INTEGER_DIGITS:
            assert Fraction((sla.usd(a) + sla.usd(b)).amount) == exact
        else:  # the sum left the bounds: said, never rounded
            with pytest.raises(DefinitionError, match=r"10\*\*30 or more"):
                sla.usd(a) + sla.usd(b)
        difference = sla.usd(a) - sla.usd(a)
        negated = -sla.usd(b)
        inside = (
            a.copy_abs() < 10**MAX_INTEGER_DIGITS - 1
        )  # rounding 999...9.995 up leaves the bounds
        rounded = sla.usd(a).rounded(mode) if inside else None
    assert difference.amount == 0
    assert Fraction(negated.amount) == -Fraction(b)
    if rounded is not None:
        assert rounded == sla.usd(a).rounded(mode)  # the same outside the context
        assert abs(Fraction(rounded.amount) - Fraction(a)) < Fraction(1, 100)


@settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(
    amounts().filter(lambda d: d >= 0),
    st.integers(0, 10**30).map(lambda n: Decimal(n).scaleb(-30, decimal.Context(prec=40))),
)
def test_credits_are_exact_in_any_context(fee: Decimal, share: Decimal) -> None:
    """A credit of any in-bounds share of any in-bounds fee is exact, and context-free."""
    fuzz_credit(fee, share)


def test_parse_number_and_ratio_agree_with_the_oracle() -> None:
    """parse_number and ratio give the values Fraction reads, digit for digit."""
    assert parse_number("0." + "0" * 29 + "1") == Decimal("1e-30")
    assert ratio("12.5%") == Decimal("0.125")
    assert Fraction(ratio(_TINY_TARGET)) == _oracle(_TINY_TARGET[:-1]) / 100
