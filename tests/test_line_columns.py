"""Credit lines as columns: ``to_dict()`` renders what the ``CreditLine`` objects say."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from fractions import Fraction

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit import strategies as sst
from slakit._ratio import format_percent, format_points, percent_of, points_texts, ratio_texts
from slakit._results import _figures
from slakit._results._evidence import distinct, on_grid
from slakit._results._lines import LineColumns
from slakit._results._render import LINE_FIELDS, instants_text
from slakit._time._instant import format_us
from tests.strategies import billing
from tests.test_report_access import _credit_dict as row

U = sla.uptime(excluding=[sla.scheduled_maintenance(notice=sla.days(5))])
TARGET = U >= "99.9%"
#: A band for small misses, none between 95% and 99% (a gap), and one below 95%.
SCHEDULE = sla.credit_schedule(U, {"[99%, 99.9%)": "10%", "[0%, 95%)": "50%"})
FIXED = sla.per_breach(TARGET, sla.usd("50"))
DAY = 86_400_000_000
OCTOBER = sla.monthly().period("2026-10")


def down(service: str, minutes: int, day: int = 2) -> sla.Outage:
    """Return an outage of ``service`` lasting ``minutes`` from midnight on October ``day``."""
    start = OCTOBER.start + (day - 1) * DAY
    return sla.Outage(service, start, start + minutes * 60_000_000)


EVENTS: list[sla.Event] = [
    down("a", 60),  # 99.87%: the 10% band
    down("b", 2 * 1440),  # 93.5%: the 50% band
    down("c", 1440, day=5),  # 96.8%: between the bands
    down("f", 30, day=9),
    down("f", 20, day=10),
    # d has no eligible time: a month of announced maintenance
    sla.Maintenance("d", OCTOBER.start, OCTOBER.end, OCTOBER.start - 10 * DAY),
]
SERVICES = ("a", "b", "c", "d", "e", "f")
FEES = {"b": sla.usd("2500.00"), "c": sla.usd("2500.00"), "f": sla.usd("99.99")}
CLAIMS = sla.ClaimTable.from_records([sla.Claim("a", "2026-10", "2026-11-02T00:00:00Z")])
BILL = [sla.Charge(s, "2026-10", "usage", sla.usd("179.00")) for s in SERVICES]

#: Rules whose lines are columns of their results, built without a ``CreditLine`` each.
COLUMNAR = [
    SCHEDULE,
    FIXED,
    SCHEDULE + FIXED,
    sla.in_order(SCHEDULE, FIXED),
    sla.cap(SCHEDULE + FIXED, at_most="5%"),
    sla.cap(SCHEDULE, at_most=sla.usd("200"), across="services"),
]
#: Rules whose lines are read from their objects (a line per service, or per event).
FROM_OBJECTS = [
    sla.claim_required(SCHEDULE, sla.within_days(sla.days(30))),
    sla.per_downtime(U, every=sla.hours(1), worth=sla.usd("5")),
    sla.refund_per(U, every=sla.hours(1), down_over=sla.minutes(6), price=sla.usd("0.50")),
    sla.credit_schedule(U, {"< 99.9%": "10%"}, base=sla.charges("usage")),
    sla.bonus(SCHEDULE),
    sla.minimum(SCHEDULE, sla.usd("120")),
    # a columnar part under a rule that has no columnar form, and the other way round
    sla.cap(sla.claim_required(SCHEDULE, sla.within_days(sla.days(30))), at_most="5%"),
    sla.claim_required(SCHEDULE, sla.within_days(sla.days(30))) + FIXED,
]


def evaluate(rule: sla.CreditRule, events: list[sla.Event] = EVENTS) -> sla.Report:
    """Evaluate ``rule`` over the six services for October 2026."""
    tier = sla.Tier("gold", fee=sla.usd("1000.00"), objectives=[TARGET], compensation=rule)
    agreement = sla.Agreement(
        provider="p", customer="c", services=list(SERVICES), tier=tier, fees=FEES
    )
    return sla.evaluate(agreement, events, CLAIMS, BILL, period="2026-10")


@pytest.mark.parametrize("rule", COLUMNAR + FROM_OBJECTS, ids=repr)
def test_columns_say_what_the_line_objects_say(rule: sla.CreditRule) -> None:
    """Field by field, row by row, the columns are the lines of ``report.compensation``."""
    report = evaluate(rule)
    lines = report.compensation.lines
    assert lines  # every rule here owes something, or says why not
    (column,) = report.credit_columns
    table = column.all_lines()
    assert table.lines(report.services) == [attrs.evolve(x, shown=None) for x in lines]
    data = report.to_dict()["compensation"]
    assert list(data["lines"]) == list(LINE_FIELDS)
    assert {len(values) for values in data["lines"].values()} == {len(lines)}
    assert data["lines"] == {key: [row(x)[key] for x in lines] for key in LINE_FIELDS}
    assert list(data["by_service"].items()) == [
        (service, {"amount": str(m.amount), "currency": m.currency})
        for service, m in report.compensation.by_service().items()
    ]


@pytest.mark.parametrize("rule", COLUMNAR, ids=repr)
def test_columnar_rules_build_no_line_objects(
    rule: sla.CreditRule, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A schedule on the fee, per breach, totals and caps of them render without a line object."""
    expected = evaluate(rule).to_dict()

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a CreditLine was built")

    monkeypatch.setattr(LineColumns, "of_lines", refuse)
    monkeypatch.setattr(sla.CreditLine, "__init__", refuse)
    assert evaluate(rule).to_dict() == expected


def test_the_kinds_of_lines_and_notes() -> None:
    """A schedule writes a line per band owed, and a diagnostic for a gap and for no data."""
    lines = evaluate(SCHEDULE).to_dict()["compensation"]["lines"]
    assert lines["service"] == ["a", "b", "c", "d", "f"]
    assert lines["kind"] == ["credit", "credit", "diagnostic", "diagnostic", "credit"]
    assert lines["note"][2].startswith("schedule gap")
    assert lines["note"][3].startswith("no data")
    assert lines["value"][3] is None
    assert lines["base"] == ["1000.00", "2500.00", "2500.00", "1000.00", "99.99"]
    assert lines["amount_exact"] == ["100", "1250", "0", "0", "9999/1000"]


def test_the_json_is_the_same_for_any_order_of_the_input() -> None:
    """Shuffled events give the same bytes; the columns are lists of strings and nulls."""
    rule = sla.cap(SCHEDULE + FIXED, at_most="5%")
    expected = json.dumps(evaluate(rule).to_dict(), sort_keys=True)
    for seed in range(3):
        events = list(EVENTS)
        random.Random(seed).shuffle(events)
        assert json.dumps(evaluate(rule, events).to_dict(), sort_keys=True) == expected
    lines = json.loads(expected)["compensation"]["lines"]
    assert all(isinstance(v, str | None) for values in lines.values() for v in values)


@st.composite
def drawn_outages(draw: st.DrawFn) -> list[sla.Event]:
    """Draw minute-aligned outages of the six services within October 2026."""
    out: list[sla.Event] = []
    for _ in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, 31 * 1440 - 1))
        length = draw(st.integers(1, 3 * 1440))
        service = draw(st.sampled_from(SERVICES))
        end = min(start + length, 31 * 1440)
        out.append(
            sla.Outage(
                service, OCTOBER.start + start * 60_000_000, OCTOBER.start + end * 60_000_000
            )
        )
    return out


@given(
    sst.uptime_measures().flatmap(
        lambda m: sst.credit_rules(m, monotone=False, bonus=True, billing=True, max_leaves=4)
    ),
    drawn_outages(),
)
def test_any_rule_renders_its_line_objects(rule: sla.CreditRule, events: list[sla.Event]) -> None:
    """For a rule of any shape, the columns are the rows of ``compensation.lines``."""
    tier = sla.Tier("gold", fee=sla.usd("1000.00"), compensation=rule)
    agreement = sla.Agreement(
        provider="p", customer="c", services=list(SERVICES), tier=tier, fees=FEES
    )
    report = sla.evaluate(
        agreement, events, CLAIMS, billing(SERVICES), period="2026-10", strict=False
    )
    lines = report.compensation.lines
    data = report.to_dict()["compensation"]
    assert data["lines"] == {key: [row(x)[key] for x in lines] for key in LINE_FIELDS}
    assert list(data["by_service"].items()) == [
        (service, {"amount": str(m.amount), "currency": m.currency})
        for service, m in report.compensation.by_service().items()
    ]


# --- the texts of many figures at once -----------------------------------------------------------

ratios = st.integers(1, 10**15).flatmap(
    lambda den: st.tuples(
        st.one_of(
            st.integers(-3 * den, 3 * den),
            st.integers(den - 3, den + 3),
            st.integers(-den - 3, -den + 3),
            st.integers(-3, 3),
        ),
        st.just(den),
    )
)


@given(st.lists(ratios, max_size=30))
def test_figures_in_bulk_are_the_scalar_texts(pairs: list[tuple[int, int]]) -> None:
    """Each value and margin written by numpy is what ``format_percent()`` and the like write."""
    num = np.asarray([n for n, _ in pairs], dtype=np.int64)
    den = np.asarray([d for _, d in pairs], dtype=np.int64)
    values, percents = _figures.value_texts(num, den)
    points, margins = _figures.margin_texts(num, den)
    for k, (n, d) in enumerate(pairs):
        exact = Fraction(n, d)
        assert (values[k], percents[k]) == (str(exact), format_percent(exact)) == ratio_texts(n, d)
        assert (points[k], margins[k]) == (str(percent_of(exact)), format_points(exact))
        assert (points[k], margins[k]) == points_texts(n, d)


def test_figures_too_large_for_int64_are_written_one_by_one() -> None:
    """Python integers beyond int64 take the scalar path, with the same texts."""
    num = np.empty(2, dtype=object)
    num[:] = [10**30 - 1, -(10**25)]
    den = np.empty(2, dtype=object)
    den[:] = [10**30, 3 * 10**25]
    values, percents = _figures.value_texts(num, den)
    assert percents == [format_percent(Fraction(n, d)) for n, d in zip(num, den, strict=True)]
    assert values == ["999999999999999999999999999999/1000000000000000000000000000000", "-1/3"]
    _, margins = _figures.margin_texts(num, den)
    assert margins == [format_points(Fraction(n, d)) for n, d in zip(num, den, strict=True)]
    good, total, which = _figures.distinct_pairs(num, den)
    assert (list(good), list(total), which.tolist()) == (list(num), list(den), [0, 1])


@given(st.lists(st.integers(-(2**40), 2**40), max_size=50), st.sampled_from([1, 7, 60_000_000]))
def test_distinct_values_on_a_grid_or_not(values: list[int], step: int) -> None:
    """``distinct()`` is ``np.unique`` with the inverse, on a grid or off it."""
    array = np.asarray(values, dtype=np.int64) * step
    found, which = distinct(array)
    unique, inverse = np.unique(array, return_inverse=True)
    assert found.tolist() == unique.tolist()
    assert which.tolist() == inverse.reshape(-1).tolist()


def test_instants_on_a_grid_are_written_once_each() -> None:
    """Whole minutes shared by many spans are formatted once and shared by their rows."""
    minutes = OCTOBER.start + np.arange(0, 600, 7, dtype=np.int64) % 50 * 60_000_000
    assert on_grid(minutes) is not None
    text = instants_text(minutes)
    assert text == [format_us(int(v)) for v in minutes]
    assert text[0] is text[50]  # 350 minutes: the same instant as 0, one shared string
    mixed = np.concatenate([minutes, minutes[:5] + 1])
    assert instants_text(mixed) == [format_us(int(v)) for v in mixed]


def test_a_share_column_keeps_its_decimals() -> None:
    """A band's share is printed as written: ``Decimal("0.10")`` is ``10%``."""
    lines = evaluate(SCHEDULE).to_dict()["compensation"]["lines"]
    assert lines["share"] == ["10%", "50%", format_percent(Decimal(0)), "0%", "10%"]


def test_a_target_with_many_places_is_written_by_the_scalar_path() -> None:
    """Margins too fine for int64 (a 20-place target) give the texts the result objects give."""
    precise = U >= "99.99999999999999999999%"
    tier = sla.Tier("t", fee=sla.usd("10.00"), objectives=[precise, TARGET])
    agreement = sla.Agreement(provider="p", customer="c", services=list(SERVICES), tier=tier)
    report = sla.evaluate(agreement, EVENTS, period="2026-10")
    rows = report.to_dict()["objectives"]
    expected = [
        (r.service, r.shown if r.value is None else format_percent(r.value), r.margin_shown)
        for r in report.objectives
    ]
    assert [
        (row["service"], row["percent"] or "no data", row["margin"]) for row in rows
    ] == expected
    assert rows[0]["margin_points"] == str(report.objectives[0].margin_points)


def test_values_too_far_apart_for_a_grid() -> None:
    """The widest int64 values are numbered by a sort, never by a grid that would overflow."""
    extreme = np.asarray([np.iinfo(np.int64).min, 0, np.iinfo(np.int64).max], dtype=np.int64)
    assert on_grid(extreme) is None
    found, which = distinct(extreme[[2, 0, 2, 1]])
    assert (found.tolist(), which.tolist()) == (extreme.tolist(), [2, 0, 2, 1])
    assert on_grid(np.zeros(0, dtype=np.int64)) is None


def test_names_out_of_order_are_ranked_by_name() -> None:
    """A table's names in order are their own ranks; others are ranked by name (or repr)."""
    from slakit._engine._order import _ranked

    rows = np.arange(4, dtype=np.int64)
    codes = np.asarray([0, 1, 2, -1], dtype=np.int64)
    assert _ranked(codes, ("a", "b", "c"), rows).tolist() == [0, 1, 2, -1]
    assert _ranked(codes, ("c", "a", "b"), rows).tolist() == [2, 0, 1, -1]
    assert _ranked(codes, (Decimal("2"), Decimal("10"), Decimal("3")), rows).tolist() == [
        1,
        0,
        2,
        -1,
    ]
