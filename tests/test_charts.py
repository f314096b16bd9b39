"""The inline SVG charts of credit statements: well-formed, countable, clipped and DST-correct."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from slakit._results._charts import (
    DURATION_STEPS,
    MIN_WIDTH,
    WIDTH,
    Spans,
    burn_svg,
    rates_svg,
    timeline_svg,
)
from slakit.exceptions import UnknownZoneError

NS = "{http://www.w3.org/2000/svg}"
MINUTE = 60_000_000
HOUR = 60 * MINUTE
EMPTY: Spans = ((), ())


def us(year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, tz: str = "UTC") -> int:
    """Return the instant of a wall-clock time in ``tz``, in microseconds since the epoch."""
    wall = datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz))
    return (wall - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


OCT_START = us(2026, 10, 1, tz="Europe/Berlin")
OCT_END = us(2026, 11, 1, tz="Europe/Berlin")


def timeline(**overrides: Any) -> str:
    args: dict[str, Any] = {
        "title": "checkout, October 2026",
        "start": OCT_START,
        "end": OCT_END,
        "tz": "Europe/Berlin",
        "outside": EMPTY,
        "excluded": EMPTY,
        "down": EMPTY,
        "ignored": EMPTY,
        "ident": "t1",
    }
    args.update(overrides)
    return timeline_svg(**args)


def minutes(value: int) -> str:
    return f"{value / MINUTE:g} min"


def burn(**overrides: Any) -> str:
    args: dict[str, Any] = {
        "title": "Error budget",
        "start": OCT_START,
        "end": OCT_END,
        "tz": "Europe/Berlin",
        "times": [OCT_START, OCT_START + 4 * 24 * HOUR, OCT_START + 20 * 24 * HOUR],
        "spent": [0, 10 * MINUTE, 30 * MINUTE],
        "limits": [("target 99.95%", 22 * MINUTE), ("band 99%", 446 * MINUTE)],
        "unit": minutes,
        "ident": "b1",
    }
    args.update(overrides)
    return burn_svg(**args)


def rates(**overrides: Any) -> str:
    day = 24 * HOUR
    args: dict[str, Any] = {
        "title": "API error rate",
        "start": OCT_START,
        "end": OCT_END,
        "tz": "Europe/Berlin",
        "bucket_starts": [OCT_START + i * day for i in range(4)],
        "bucket_ends": [OCT_START + (i + 1) * day for i in range(4)],
        "rates": [0.0, 0.004, 0.01, 0.03],
        "threshold": 0.01,
        "ident": "r1",
    }
    args.update(overrides)
    return rates_svg(**args)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def with_class(root: ET.Element, css: str, tag: str | None = None) -> list[ET.Element]:
    """Return the elements whose class attribute is exactly ``css`` (and of ``tag``, if given)."""
    return [
        e for e in root.iter() if e.get("class") == css and (tag is None or e.tag == f"{NS}{tag}")
    ]


def num(element: ET.Element, name: str) -> float:
    return float(element.attrib[name])


def plot_x(root: ET.Element) -> tuple[float, float]:
    """Return the left and right x of the plot: the ends of the (horizontal) time axis."""
    (axis,) = [e for e in with_class(root, "axis", "line") if e.get("y1") == e.get("y2")]
    return num(axis, "x1"), num(axis, "x2")


def x_of(root: ET.Element, instant: int, start: int, end: int) -> float:
    left, right = plot_x(root)
    return left + (instant - start) / (end - start) * (right - left)


def tick_xs(root: ET.Element) -> list[float]:
    return [num(e, "x1") for e in with_class(root, "tick", "line")]


def labels(root: ET.Element) -> list[tuple[float, str]]:
    return [(num(e, "x"), e.text or "") for e in with_class(root, "tick-label", "text")]


# --- marks --------------------------------------------------------------------------------------


def test_timeline_draws_one_rect_per_span_of_each_layer() -> None:
    """Each span of each layer is one rect with the layer's documented class."""
    day = 24 * HOUR
    svg = timeline(
        outside=([OCT_START, OCT_START + day], [OCT_START + 8 * HOUR, OCT_START + day + 8 * HOUR]),
        excluded=([OCT_START + 2 * day], [OCT_START + 2 * day + 4 * HOUR]),
        down=(
            [OCT_START + 3 * day, OCT_START + 5 * day, OCT_START + 9 * day],
            [OCT_START + 3 * day + HOUR, OCT_START + 5 * day + MINUTE, OCT_START + 9 * day + 1],
        ),
        ignored=(np.array([OCT_START + 4 * day] * 4), np.array([OCT_START + 4 * day + 30] * 4)),
    )
    root = parse(svg)
    expected = {"outside": 2, "excluded": 1, "down": 3, "ignored": 4}
    for layer, count in expected.items():
        assert svg.count(f'class="mark {layer}"') == count
        assert len(with_class(root, f"mark {layer}", "rect")) == count
    assert sum(1 for e in root.iter() if "mark" in (e.get("class") or "").split()) == 10


def test_marks_are_in_the_band_and_ignored_outages_in_the_lane_below() -> None:
    """Down time fills the band's height; an ignored outage sits under the band, outlined."""
    root = parse(timeline(down=([OCT_START], [OCT_START + HOUR]), ignored=([OCT_START], [OCT_END])))
    (band,) = with_class(root, "band", "rect")
    (down,) = with_class(root, "mark down")
    (ignored,) = with_class(root, "mark ignored")
    assert (num(down, "y"), num(down, "height")) == (num(band, "y"), num(band, "height"))
    assert num(ignored, "y") >= num(band, "y") + num(band, "height")
    assert ignored.get("stroke") is not None


def test_spans_are_clipped_to_the_range() -> None:
    """Parts before the start or after the end are cut off; spans wholly outside draw nothing."""
    day = 24 * HOUR
    root = parse(
        timeline(
            down=(
                [OCT_START - 5 * HOUR, OCT_END - day, OCT_START - 2 * HOUR, OCT_END, OCT_START],
                [OCT_START + day, OCT_END + 9 * HOUR, OCT_START - HOUR, OCT_END + HOUR, OCT_START],
            )
        )
    )
    left, right = plot_x(root)
    first, last = with_class(root, "mark down")  # the span wholly before, after and empty: none
    assert num(first, "x") == pytest.approx(left, abs=0.006)
    assert num(first, "x") + num(first, "width") == pytest.approx(
        x_of(root, OCT_START + day, OCT_START, OCT_END), abs=0.011
    )
    assert num(last, "x") == pytest.approx(x_of(root, OCT_END - day, OCT_START, OCT_END), abs=0.006)
    assert num(last, "x") + num(last, "width") == pytest.approx(right, abs=0.011)


@pytest.mark.parametrize(
    ("begin", "where"),
    [
        (OCT_START + 10 * 24 * HOUR, "inside"),  # a one-microsecond outage mid-month
        (OCT_END - 1, "at the end"),  # the last microsecond: still inside the plot
        (OCT_START, "at the start"),
    ],
)
def test_a_very_short_span_still_gets_a_visible_mark(begin: int, where: str) -> None:
    """A span of one microsecond in a month is drawn MIN_WIDTH wide, inside the plot."""
    root = parse(timeline(down=([begin], [begin + 1])))
    left, right = plot_x(root)
    (mark,) = with_class(root, "mark down", "rect")
    assert num(mark, "width") >= MIN_WIDTH, where
    assert left - 0.005 <= num(mark, "x") <= num(mark, "x") + num(mark, "width") <= right + 0.005


def test_marks_are_drawn_in_time_order_whatever_the_input_order() -> None:
    """Shuffled spans, lists or numpy arrays: the same chart, byte for byte."""
    starts = [OCT_START + i * 7 * HOUR for i in range(20)]
    ends = [s + (i + 1) * MINUTE for i, s in enumerate(starts)]
    order = np.random.default_rng(7).permutation(20)
    shuffled = ([starts[i] for i in order], [ends[i] for i in order])
    as_lists = timeline(down=(starts, ends))
    assert timeline(down=shuffled) == as_lists
    assert timeline(down=(np.array(starts), np.array(ends, dtype=np.uint64))) == as_lists
    xs = [num(e, "x") for e in with_class(parse(as_lists), "mark down")]
    assert xs == sorted(xs)
    assert len(set(xs)) == 20


# --- the time axis ------------------------------------------------------------------------------


def test_day_ticks_fall_on_local_midnights_across_the_end_of_dst() -> None:
    """Berlin, October 2026: Oct 26 starts at 23:00 UTC (CET), not 22:00 UTC like Oct 1 (CEST)."""
    root = parse(timeline())
    xs = tick_xs(root)
    midnights = [us(2026, 10, d, tz="Europe/Berlin") for d in range(1, 32)] + [OCT_END]
    assert len(xs) == len(midnights)
    for instant, x in zip(midnights, xs, strict=True):
        assert x == pytest.approx(x_of(root, instant, OCT_START, OCT_END), abs=0.006)
    oct26 = us(2026, 10, 25, 23)
    assert oct26 == us(2026, 10, 26, tz="Europe/Berlin")
    assert any(abs(x - x_of(root, oct26, OCT_START, OCT_END)) < 0.006 for x in xs)
    one_hour_early = x_of(root, oct26 - HOUR, OCT_START, OCT_END)
    assert all(abs(x - one_hour_early) > 0.3 for x in xs)
    # every few days is labelled, on its midnight
    named = {text: x for x, text in labels(root)}
    assert "Oct 1" in named
    assert "Oct 28" in named
    assert named["Oct 28"] == pytest.approx(
        x_of(root, us(2026, 10, 27, 23), OCT_START, OCT_END), abs=0.006
    )
    assert len(named) < 31


def test_a_day_is_ticked_in_local_hours_on_a_25_hour_day() -> None:
    """On the day DST ends, noon in Berlin is 11:00 UTC and the day has 25 hours."""
    start = us(2026, 10, 25, tz="Europe/Berlin")
    end = us(2026, 10, 26, tz="Europe/Berlin")
    assert end - start == 25 * HOUR
    root = parse(timeline(start=start, end=end))
    named = {text: x for x, text in labels(root)}
    assert {"Oct 25", "06:00", "12:00", "18:00", "Oct 26"} <= set(named)
    assert named["12:00"] == pytest.approx(x_of(root, us(2026, 10, 25, 11), start, end), abs=0.006)
    assert named["Oct 26"] == pytest.approx(plot_x(root)[1], abs=0.006)


@pytest.mark.parametrize(
    ("start", "end", "tz", "expected"),
    [
        # a quarter: month starts, the first with its year
        (
            us(2026, 10, 1, tz="Europe/Berlin"),
            us(2027, 1, 1, tz="Europe/Berlin"),
            "Europe/Berlin",
            ["Oct 2026", "Nov", "Dec", "Jan 2027"],
        ),
        # a year
        (
            us(2026, 1, 1),
            us(2027, 1, 1),
            "UTC",
            [
                "Jan 2026",
                "Feb",
                "Mar",
                "Apr",
                "May",
                "Jun",
                "Jul",
                "Aug",
                "Sep",
                "Oct",
                "Nov",
                "Dec",
                "Jan 2027",
            ],
        ),
        # a decade: years
        (us(2020, 1, 1), us(2030, 1, 1), "UTC", [str(y) for y in range(2020, 2031)]),
    ],
)
def test_long_periods_are_ticked_in_months(
    start: int, end: int, tz: str, expected: list[str]
) -> None:
    """A quarter or a year is ticked at local month starts; a decade at new years."""
    root = parse(timeline(start=start, end=end, tz=tz))
    assert [text for _, text in labels(root)] == expected
    nov = us(2026, 11, 1, tz=tz)
    if start < nov < end and "Nov" in expected:
        assert {t: x for x, t in labels(root)}["Nov"] == pytest.approx(
            x_of(root, nov, start, end), abs=0.006
        )


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (us(2026, 10, 1, 10), us(2026, 10, 1, 11)),  # an hour
        (us(2026, 10, 1), us(2026, 10, 2)),  # a day
        (us(2026, 10, 1), us(2026, 10, 3)),  # two days
        (us(2026, 10, 1), us(2026, 10, 8)),  # a week
        (OCT_START, OCT_END),  # a month
        (us(2026, 1, 1), us(2026, 3, 1)),  # two months
        (us(2026, 1, 1), us(2027, 1, 1)),  # a year
        (us(2000, 1, 1), us(2100, 1, 1)),  # a century
    ],
)
def test_tick_labels_never_crowd(start: int, end: int) -> None:
    """Every range gets at least three labels, and neighbouring labels stay 35 units apart."""
    for tz in ("UTC", "Europe/Berlin", "Asia/Kolkata"):
        found = labels(parse(timeline(start=start, end=end, tz=tz)))
        assert len(found) >= 3, tz
        xs = [x for x, _ in found]
        assert all(b - a >= 35 for a, b in itertools.pairwise(xs)), (tz, found)


def test_a_half_hour_zone_is_ticked_at_its_own_whole_hours() -> None:
    """India is UTC+05:30: its 06:00 is 00:30 UTC."""
    start, end = us(2026, 10, 1, tz="Asia/Kolkata"), us(2026, 10, 2, tz="Asia/Kolkata")
    root = parse(timeline(start=start, end=end, tz="Asia/Kolkata"))
    named = {text: x for x, text in labels(root)}
    assert named["06:00"] == pytest.approx(
        x_of(root, us(2026, 10, 1, 0, 30), start, end), abs=0.006
    )


# --- the other charts ---------------------------------------------------------------------------


def path_points(d: str) -> list[tuple[float, float]]:
    """Return the corners of a path made of M, H and V commands."""
    x = y = math.nan
    points = []
    for command, a, b in re.findall(r"([MHV])(-?[\d.]+)(?: (-?[\d.]+))?", d):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "H":
            x = float(a)
        else:
            y = float(a)
        points.append((x, y))
    return points


def plot_y(root: ET.Element) -> tuple[float, float]:
    """Return the top and bottom y of the plot: the ends of the (vertical) y axis."""
    (axis,) = [e for e in with_class(root, "axis", "line") if e.get("x1") == e.get("x2")]
    return num(axis, "y1"), num(axis, "y2")


def test_burn_chart_is_one_step_line_with_a_line_per_limit() -> None:
    """One path of the budget spent, one labelled line per limit, the axis to 1.1 x the largest."""
    svg = burn()
    root = parse(svg)
    (path,) = with_class(root, "mark burn", "path")
    limits = with_class(root, "mark limit", "line")
    assert len(limits) == 2
    assert [e.text for e in with_class(root, "limit-label")] == [
        "target 99.95% (22 min)",
        "band 99% (446 min)",
    ]
    top, bottom = plot_y(root)
    left, right = plot_x(root)
    highest = min(num(e, "y1") for e in limits)
    axis_top = -(-446 * MINUTE * 11 // 10)  # 1.1 times the largest value, rounded up
    assert highest == pytest.approx(bottom - (bottom - top) * 446 * MINUTE / axis_top, abs=0.006)
    points = path_points(path.attrib["d"])
    assert points[0] == pytest.approx((left, bottom))
    assert points[-1][0] == pytest.approx(right)
    # two rises (10 and 30 minutes), each a vertical step at its instant
    heights = sorted({round(bottom - y, 2) for _, y in points})
    assert len(heights) == 3
    rise = x_of(root, OCT_START + 4 * 24 * HOUR, OCT_START, OCT_END)
    ten = bottom - (bottom - top) * 10 * MINUTE / axis_top
    corner = next(
        i for i, (x, y) in enumerate(points) if abs(x - rise) < 0.006 and abs(y - bottom) < 0.006
    )
    assert points[corner + 1] == pytest.approx((rise, ten), abs=0.006)


def test_burn_chart_holds_the_amount_spent_before_the_start() -> None:
    """An amount reached before the range is where the line starts; later points are cut off."""
    root = parse(
        burn(times=[OCT_START - HOUR, OCT_END + HOUR], spent=[5 * MINUTE, 9 * MINUTE], limits=[])
    )
    (path,) = with_class(root, "mark burn")
    points = path_points(path.attrib["d"])
    top, bottom = plot_y(root)
    assert len({y for _, y in points}) == 1
    assert points[0][1] == pytest.approx(bottom - (bottom - top) * 5 / (5 * 1.1), abs=0.01)
    assert with_class(root, "mark limit") == []
    assert [e.text for e in with_class(root, "legend-label")] == ["Budget spent"]


def test_burn_chart_without_any_spending_or_limit_is_flat_at_zero() -> None:
    """No step points and no limits: a flat line on the x axis, and a grid at zero."""
    root = parse(burn(times=[], spent=[], limits=[]))
    (path,) = with_class(root, "mark burn")
    _, bottom = plot_y(root)
    assert {y for _, y in path_points(path.attrib["d"])} == {bottom}


def test_burn_grid_uses_round_durations_when_asked() -> None:
    """With DURATION_STEPS the grid falls on whole minutes; without, on 1-2-5 decimal steps."""
    # 30 minutes spent: the axis runs to 33 minutes, in at most five steps
    timed = parse(burn(limits=[("target", 22 * MINUTE)], steps=DURATION_STEPS))
    grid = [e.text for e in with_class(timed, "tick-label") if e.get("text-anchor") == "end"]
    assert grid == ["0 min", "10 min", "20 min", "30 min"]
    plain = parse(burn(limits=[("target", 22 * MINUTE)]))
    grid = [e.text for e in with_class(plain, "tick-label") if e.get("text-anchor") == "end"]
    assert grid == ["0 min", "8.33333 min", "16.6667 min", "25 min"]  # 500,000,000 us a step


def test_rates_chart_counts_buckets_and_those_over_the_threshold() -> None:
    """A rate equal to the threshold is not over it; over and under are countable apart."""
    svg = rates()
    root = parse(svg)
    assert svg.count('class="mark bucket"') == 3
    assert svg.count('class="mark bucket over"') == 1
    everything = [
        e for e in root.iter() if {"mark", "bucket"} <= set((e.get("class") or "").split())
    ]
    assert len(everything) == 4
    assert len(with_class(root, "mark threshold", "line")) == 1
    (over,) = with_class(root, "mark bucket over")
    under = with_class(root, "mark bucket")
    assert num(under[0], "height") == 0  # a zero rate: no height, still a mark
    assert num(over, "height") > max(num(e, "height") for e in under)
    assert over.get("fill") != under[0].get("fill")
    grid = [e.text or "" for e in with_class(root, "tick-label") if e.get("text-anchor") == "end"]
    assert grid
    assert all(text.endswith("%") for text in grid)
    assert [e.text for e in with_class(root, "threshold-label")] == ["threshold 1%"]


def test_rates_chart_takes_the_measures_own_verdict_over_the_float_comparison() -> None:
    """``over`` marks the buckets the measure counted down, not those a float puts above."""
    at_bound = rates(over=[False, False, True, False])  # 1% counted down (">=" bound)
    root = parse(at_bound)
    (over,) = with_class(root, "mark bucket over")
    assert num(over, "height") < max(num(e, "height") for e in with_class(root, "mark bucket"))
    assert "Above the threshold" in at_bound
    none_over = rates(over=np.zeros(4, dtype=bool))
    assert 'class="mark bucket over"' not in none_over
    assert "Above the threshold" not in none_over
    with pytest.raises(ValueError, match=r"over has shape \(3,\) for 4 buckets"):
        rates(over=[True, False, False])


def test_rates_chart_draws_a_tiny_rate_visibly_and_clips_buckets() -> None:
    """A tiny rate is at least MIN_WIDTH tall; buckets outside the range are not drawn."""
    root = parse(
        rates(
            bucket_starts=[OCT_START - HOUR, OCT_START + HOUR, OCT_END],
            bucket_ends=[OCT_START, OCT_START + 2 * HOUR, OCT_END + HOUR],
            rates=np.array([0.5, 1e-9, 0.5]),
            threshold=0.5,
        )
    )
    (bar,) = with_class(root, "mark bucket")
    assert num(bar, "height") >= MIN_WIDTH
    assert with_class(root, "mark bucket over") == []
    assert [e.text for e in with_class(root, "legend-label")] == [
        "Error rate of a bucket",
        "Threshold",
    ]


# --- what every chart promises ------------------------------------------------------------------

CHARTS: list[tuple[str, Callable[..., str]]] = [
    ("timeline", timeline),
    ("burn", burn),
    ("rates", rates),
]
WITH_PATTERN = {"excluded": ([OCT_START], [OCT_START + 5 * HOUR])}


@pytest.mark.parametrize(("kind", "chart"), CHARTS)
def test_every_chart_is_titled_scalable_and_self_contained(
    kind: str, chart: Callable[..., str]
) -> None:
    """role=img with a label, a title, width 100% of a 720-wide viewBox, no script or URL."""
    svg = chart(title="Service credits")
    root = parse(svg)
    assert root.get("class") == f"chart {kind}"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Service credits"
    assert root.get("width") == "100%"
    assert root.get("viewBox", "").startswith(f"0 0 {WIDTH} ")
    assert root.find(f"{NS}title") is not None
    assert root.find(f"{NS}title").text == "Service credits"  # type: ignore[union-attr]
    assert [e.text for e in with_class(root, "heading")] == ["Service credits"]
    assert "<script" not in svg
    assert "href" not in svg
    assert svg.count("http") == 1  # the namespace, and nothing to fetch
    base = float(root.attrib["font-size"])
    for text in root.iter(f"{NS}text"):
        assert float(text.get("font-size", base)) >= 11


@pytest.mark.parametrize(("kind", "chart"), CHARTS)
def test_the_same_inputs_give_the_same_bytes(kind: str, chart: Callable[..., str]) -> None:
    """Two calls with the same arguments return identical strings."""
    first = chart()
    assert chart() == first, kind
    # coordinates are written with two decimals at most
    for element in parse(first).iter():
        for value in element.attrib.values():
            assert re.search(r"\d\.\d{3}", value) is None, value


@pytest.mark.parametrize(
    ("kind", "chart", "extra"),
    [
        ("timeline", timeline, WITH_PATTERN),
        ("burn", burn, {}),
        ("rates", rates, {}),
    ],
)
def test_every_id_starts_with_the_ident(kind: str, chart: Callable[..., str], extra: Any) -> None:
    """Each id is prefixed by ident, and each url(#…) points at an id of the same chart."""
    ids: dict[str, set[str]] = {}
    for ident in ("alpha", "beta"):
        root = parse(chart(ident=ident, **extra))
        ids[ident] = {e.attrib["id"] for e in root.iter() if "id" in e.attrib}
        assert ids[ident], kind
        assert all(i.startswith(f"{ident}-") for i in ids[ident])
        refs = {
            m
            for e in root.iter()
            for value in e.attrib.values()
            for m in re.findall(r"url\(#([^)]*)\)", value)
        }
        assert refs <= ids[ident]
    assert not ids["alpha"] & ids["beta"]


def test_excluded_time_is_hatched_with_a_pattern_shown_in_the_legend() -> None:
    """The excluded marks and their legend swatch share the chart's own hatch pattern."""
    root = parse(timeline(ident="c7", **WITH_PATTERN))
    (pattern,) = root.iter(f"{NS}pattern")
    assert pattern.get("id") == "c7-hatch"
    (mark,) = with_class(root, "mark excluded")
    (swatch,) = with_class(root, "swatch excluded")
    assert mark.get("fill") == swatch.get("fill") == "url(#c7-hatch)"


def test_the_legend_names_only_the_layers_present() -> None:
    """Empty layers (and layers clipped away) have no legend entry and no pattern."""
    root = parse(
        timeline(
            down=([OCT_START], [OCT_START + HOUR]),
            excluded=([OCT_END + HOUR], [OCT_END + 2 * HOUR]),
        )
    )
    assert [e.text for e in with_class(root, "legend-label")] == [
        "Up, in service hours",
        "Down time (counted)",
    ]
    assert list(root.iter(f"{NS}pattern")) == []
    everything = parse(
        timeline(
            outside=([OCT_START], [OCT_START + HOUR]),
            down=([OCT_START], [OCT_START + HOUR]),
            ignored=([OCT_START], [OCT_START + HOUR]),
            **WITH_PATTERN,
        )
    )
    assert len(with_class(everything, "legend-label")) == 5


@pytest.mark.parametrize(("kind", "chart"), CHARTS)
def test_titles_are_escaped(kind: str, chart: Callable[..., str]) -> None:
    """A title with markup characters is text, in the heading, the title and the aria-label."""
    title = 'Q4 <b>"Gold"</b> & <script>'
    svg = chart(title=title)
    assert "<b>" not in svg
    assert "<script>" not in svg
    root = parse(svg)
    assert root.get("aria-label") == title
    assert [e.text for e in with_class(root, "heading")] == [title]
    assert root.find(f"{NS}title").text == title  # type: ignore[union-attr]


def test_characters_xml_cannot_hold_are_replaced() -> None:
    """A control character in a title would break the document; it becomes U+FFFD."""
    root = parse(timeline(title="bell\x07 and nul\x00"))
    assert root.get("aria-label") == "bell\ufffd and nul\ufffd"


def test_limit_names_and_units_are_escaped() -> None:
    """Limit labels and unit texts are escaped too."""
    root = parse(burn(limits=[("<band & 10%>", MINUTE)], unit=lambda v: f"{v} <µs>"))
    assert [e.text for e in with_class(root, "limit-label")] == ["<band & 10%> (60000000 <µs>)"]


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chart", "arguments", "message"),
    [
        # a layer of the timeline with more starts than ends
        (timeline, {"down": ([1, 2], [3])}, "down has 2 starts but 1 ends"),
        (timeline, {"ignored": ([], [OCT_START])}, "ignored has 0 starts but 1 ends"),
        # the burn chart's step points
        (burn, {"times": [OCT_START], "spent": [0, 1]}, "times has 1 instants but spent has 2"),
        # the buckets, and their rates
        (rates, {"bucket_ends": [OCT_END]}, "buckets has 4 starts but 1 ends"),
        (rates, {"rates": [0.1]}, "rates has shape"),
    ],
)
def test_mismatched_lengths_are_refused(
    chart: Callable[..., str], arguments: dict[str, Any], message: str
) -> None:
    """Columns that should pair up but differ in length raise ValueError naming them."""
    with pytest.raises(ValueError, match=re.escape(message)):
        chart(**arguments)


@pytest.mark.parametrize(
    ("chart", "arguments", "error", "message"),
    [
        # the range
        (timeline, {"end": OCT_START}, ValueError, "is not after start"),
        (timeline, {"start": -1}, ValueError, "outside the supported instants"),
        (timeline, {"start": 1.5}, TypeError, "is not an instant"),
        (timeline, {"tz": "Europe/Berln"}, UnknownZoneError, "Europe/Berlin"),
        # ids
        (timeline, {"ident": "1chart"}, ValueError, "not an id prefix"),
        (burn, {"ident": 'a" onload="x'}, ValueError, "not an id prefix"),
        # spans
        (timeline, {"down": ([OCT_START + 5], [OCT_START])}, ValueError, "ends before it starts"),
        (timeline, {"down": ([0.5], [1.5])}, TypeError, "must hold integers"),
        (timeline, {"down": [[1], [2]]}, TypeError, "pair (starts, ends)"),
        (timeline, {"outside": ([[1, 2]], [[3, 4]])}, ValueError, "one-dimensional"),
        (
            timeline,
            {"down": (np.array([2**63], dtype=np.uint64), np.array([2**63], dtype=np.uint64))},
            ValueError,
            "does not fit in int64",
        ),
        # the burn chart
        (burn, {"times": [2, 1], "spent": [0, 0]}, ValueError, "must be in order"),
        (burn, {"times": [1], "spent": [-1]}, ValueError, "not negative"),
        (burn, {"limits": [("band", -5)]}, ValueError, "a limit is not negative"),
        # the rates chart
        (rates, {"rates": [0.1, 0.2, 1.5, 0.0]}, ValueError, "rates[2] is 1.5"),
        (rates, {"rates": [0.1, math.nan, 0.5, 0.0]}, ValueError, "rates[1] is nan"),
        (rates, {"threshold": -0.01}, ValueError, "threshold=-0.01"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    chart: Callable[..., str],
    arguments: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    """Each kind of bad argument raises its error, naming the argument."""
    with pytest.raises(error, match=re.escape(message)):
        chart(**arguments)


# --- a property ---------------------------------------------------------------------------------

START, END = 10_000, 20_000  # a short range keeps every example fast (and tick-free)
instants = st.integers(START - 2_000, END + 2_000)
span_lists = st.lists(
    st.tuples(instants, instants).map(sorted),
    max_size=12,
)


def columns(spans: Sequence[Sequence[int]]) -> Spans:
    return ([s for s, _ in spans], [e for _, e in spans])


def clipped_count(spans: Sequence[Sequence[int]]) -> int:
    return sum(1 for s, e in spans if min(e, END) > max(s, START))


@given(outside=span_lists, excluded=span_lists, down=span_lists, ignored=span_lists)
def test_mark_counts_equal_the_clipped_nonempty_spans(
    outside: list[list[int]],
    excluded: list[list[int]],
    down: list[list[int]],
    ignored: list[list[int]],
) -> None:
    """For any spans, each layer has one mark per span left non-empty by clipping, in the plot."""
    layers = {"outside": outside, "excluded": excluded, "down": down, "ignored": ignored}
    svg = timeline_svg(
        title="property",
        start=START,
        end=END,
        tz="UTC",
        ident="p",
        **{name: columns(spans) for name, spans in layers.items()},
    )
    root = parse(svg)
    left, right = plot_x(root)
    for name, spans in layers.items():
        marks = with_class(root, f"mark {name}", "rect")
        assert len(marks) == clipped_count(spans), name
        for mark in marks:
            assert num(mark, "width") >= MIN_WIDTH
            assert left - 0.005 <= num(mark, "x")
            assert num(mark, "x") + num(mark, "width") <= right + 0.005
