"""Inline SVG charts for credit statements: pure functions from plain data to SVG text.

Three charts, each a self-contained ``<svg>`` element that needs no script, no
font and no external reference, so a statement shows them as printed:

- `timeline_svg()`: one band over the period, per service: time outside
  service hours shaded, excluded time hatched, counted down time solid, and the
  outages that did not count as outlined boxes in a lane under the band;
- `burn_svg()`: the error budget spent over the period, a step line, against
  horizontal lines at the allowance of the target and of each credit band;
- `rates_svg()`: for request measures, one bar per bucket (its error rate)
  against the threshold.

Times are integer microseconds since the Unix epoch, UTC; spans are half-open
``[start, end)`` and given as two integer columns (numpy arrays or sequences of
ints). Spans are clipped to the chart's range; a span left empty by clipping
(or empty to begin with) draws nothing. Ticks on the time axis fall on local
wall-clock boundaries in the chart's zone (hours for a period of up to two
days, midnights up to ten weeks, month starts beyond), DST-correct.

Marks: every mark is exactly one SVG element with one of these ``class`` values,
so a test can count them (``svg.count('class="mark down"')``, or the CSS
selector ``.mark.down`` in a browser); nothing else in a chart carries the word
``mark`` in its class (legend swatches are ``swatch …``):

| class | element | chart | one per |
| --- | --- | --- | --- |
| `mark outside` | `rect` | timeline | span outside service hours (light grey) |
| `mark excluded` | `rect` | timeline | span excluded by a clause (hatched) |
| `mark down` | `rect` | timeline | span of counted down time (near black) |
| `mark ignored` | `rect` | timeline | outage that did not count (outlined, in a lane below) |
| `mark burn` | `path` | burn | chart: the budget spent, one step line |
| `mark limit` | `line` | burn | limit (target allowance, credit band), with a text label |
| `mark bucket` | `rect` | rates | bucket whose rate is at or under the threshold |
| `mark bucket over` | `rect` | rates | bucket whose rate is above the threshold |
| `mark threshold` | `line` | rates | chart: the threshold |

So in the rates chart ``.mark.bucket`` matches every bucket and ``.mark.over``
the ones above the threshold; as strings, ``class="mark bucket"`` counts those
at or under it and ``class="mark bucket over"`` those above.

A mark narrower than `MIN_WIDTH` (a one-second outage in a month) is drawn
`MIN_WIDTH` wide, so it stays visible and keeps its own element; a bucket with
a rate above zero is at least `MIN_WIDTH` tall (a zero rate draws a bar of no
height, still one element). Marks are drawn in time order, so the output does
not depend on the order of the input spans.

Other classes, for styling and tests: ``chart timeline|burn|rates`` (the root),
``heading`` (the visible title), ``band``, ``band-outline`` and ``lane`` (the
timeline's background), ``layer <name>`` (the group of a layer's marks),
``axis`` (an axis line; the time axis spans exactly the plot, ``x1`` to ``x2``,
so a test can map instants to x), ``tick`` (a tick line on the time axis),
``tick-label``, ``grid`` (a horizontal grid line), ``caption`` (the zone and
the range), ``limit-label``, ``threshold-label``, ``halo`` (white under the
threshold), ``legend``, ``swatch <layer>``, ``legend-label``.

The legend names each layer that has at least one mark in the chart, with the
mark's own fill, pattern or stroke; the timeline's legend also always names its
background ("Up, in service hours"), the burn chart's always names the budget
line and the rates chart's always names the threshold. A chart with no marks of
a layer has no legend entry for it and defines no pattern for it.

Every chart is titled (a ``<title>`` element, a visible heading and
``role="img"`` with ``aria-label``), distinguishes its layers by lightness and
pattern rather than hue, uses text of 11 units or more in a 720-unit wide
``viewBox`` drawn at ``width="100%"`` (legible on an A4 page), and escapes all
text. The ``ident`` argument prefixes every ``id`` (``{ident}-hatch``, …), so
several charts live in one HTML page. Output is deterministic: the same inputs
give the same string, byte for byte (coordinates have two decimals).
"""

from __future__ import annotations

import html
import itertools
import math
import operator
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, TypeAlias
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from slakit._time._instant import (
    MAX_INSTANT_US,
    MIN_INSTANT_US,
    US_PER_DAY,
    US_PER_HOUR,
    US_PER_MINUTE,
    US_PER_SECOND,
    format_us,
    zone,
)

__all__ = [
    "DURATION_STEPS",
    "MIN_WIDTH",
    "WIDTH",
    "Instants",
    "Rates",
    "Spans",
    "burn_svg",
    "rates_svg",
    "timeline_svg",
]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

#: A column of instants (or amounts): an integer numpy array or a sequence of ints.
Instants: TypeAlias = npt.NDArray[np.integer[Any]] | Sequence[int]
#: Half-open spans ``[start, end)`` as two columns of the same length: starts, ends.
Spans: TypeAlias = tuple[Instants, Instants]
#: A column of error rates, floats from 0 to 1.
Rates: TypeAlias = npt.NDArray[np.floating[Any]] | Sequence[float]

#: The width of every chart's ``viewBox``, in user units; charts are drawn at ``width="100%"``.
WIDTH = 720
#: The least width (and, for a bucket above zero, height) of a mark, in user units.
MIN_WIDTH = 1.0

_LEFT = 80  # room for the labels of the y axis
_RIGHT = 32  # room for half a tick label at the end of the period
_PLOT_W = WIDTH - _LEFT - _RIGHT
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
_TEXT_SIZE = 12
_SMALL = 11  # the smallest text: tick labels, legend, caption
_TITLE_SIZE = 15
_CHAR_EM = 0.6  # an upper estimate of a character's width, in ems, to keep labels apart
_LABEL_GAP = 8.0  # the least room between two tick labels

# Greys, told apart by lightness (and the excluded layer by its pattern too).
_INK = "#1a1a1a"
_AXIS = "#595959"
_GRID = "#e3e3e3"
_OUTLINE = "#737373"
_OUTSIDE = "#d4d4d4"
_HATCH = "#6b6b6b"
_DOWN = "#1a1a1a"
_BUCKET = "#a6a6a6"
_OVER = "#262626"
_LIMIT = "#4d4d4d"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_-]*", re.ASCII)
#: Characters XML 1.0 does not allow in a document; replaced by U+FFFD in any text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# --- text and numbers -------------------------------------------------------------------------


def _num(value: float) -> str:
    """Return a coordinate with two decimals (never ``-0.00``)."""
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def _text(value: str) -> str:
    """Return ``value`` escaped for XML text or a double-quoted attribute."""
    return html.escape(_NOT_XML.sub("\ufffd", str(value)), quote=True)


def _width_of(label: str, size: float = _SMALL) -> float:
    """Return an upper estimate of the drawn width of ``label``."""
    return len(label) * _CHAR_EM * size


# --- input ------------------------------------------------------------------------------------


def _check_ident(ident: str) -> str:
    given: object = ident
    if not isinstance(given, str) or _IDENT.fullmatch(given) is None:
        raise ValueError(
            f"ident={ident!r} is not an id prefix; use a letter followed by letters, digits, "
            f"'-' or '_', such as 'checkout-timeline'"
        )
    return ident


def _instant(value: int, name: str) -> int:
    try:
        us = operator.index(value)
    except TypeError:
        raise TypeError(
            f"{name}={value!r} is not an instant; give integer microseconds since the epoch"
        ) from None
    if not MIN_INSTANT_US <= us <= MAX_INSTANT_US:
        raise ValueError(
            f"{name}={us} lies outside the supported instants "
            f"{format_us(MIN_INSTANT_US)} to {format_us(MAX_INSTANT_US)}"
        )
    return us


def _range(start: int, end: int) -> tuple[int, int]:
    """Return the chart's range ``[start, end)``, checked."""
    first, last = _instant(start, "start"), _instant(end, "end")
    if last <= first:
        raise ValueError(
            f"end={format_us(last)} is not after start={format_us(first)}; "
            f"a chart needs a range [start, end) with end > start"
        )
    return first, last


def _ints(values: Instants, name: str) -> I64:
    """Return ``values`` as a one-dimensional int64 array, or raise naming ``name``."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, not of shape {array.shape}")
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integers (microseconds or units), not {array.dtype}")
    if array.dtype.kind == "u" and int(array.max()) > np.iinfo(np.int64).max:
        raise ValueError(f"{name} holds {int(array.max())}, which does not fit in int64")
    return array.astype(np.int64, copy=False)


def _spans(spans: Spans, name: str) -> tuple[I64, I64]:
    """Return the starts and ends of ``spans``, checked: as many ends as starts, none inverted."""
    given: object = spans
    if not isinstance(given, tuple) or len(given) != 2:
        raise TypeError(f"{name} must be a pair (starts, ends) of integer columns")
    starts = _ints(spans[0], f"{name} starts")
    ends = _ints(spans[1], f"{name} ends")
    if starts.shape[0] != ends.shape[0]:
        raise ValueError(
            f"{name} has {starts.shape[0]} starts but {ends.shape[0]} ends; give one end per start"
        )
    inverted = np.flatnonzero(ends < starts)
    if inverted.size:
        i = int(inverted[0])
        raise ValueError(
            f"{name} span {i} ends before it starts (start={int(starts[i])}, "
            f"end={int(ends[i])}); spans are half-open [start, end) with end >= start"
        )
    return starts, ends


def _clipped(starts: I64, ends: I64, start: int, end: int) -> tuple[I64, I64, I64]:
    """Clip spans to ``[start, end)``; return the non-empty ones in time order, with indices."""
    lo = np.maximum(starts, start)
    hi = np.minimum(ends, end)
    keep = np.flatnonzero(hi > lo)
    order = keep[np.lexsort((hi[keep], lo[keep]))]
    return lo[order], hi[order], order


# --- geometry ---------------------------------------------------------------------------------


class _TimeAxis:
    """The map from instants in ``[start, end]`` to x in ``[_LEFT, _LEFT + _PLOT_W]``."""

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end
        self.scale = _PLOT_W / (end - start)

    def x(self, us: int) -> float:
        return _LEFT + (us - self.start) * self.scale

    def xs(self, us: I64) -> F64:
        return _LEFT + (us - self.start).astype(np.float64) * self.scale

    def bars(self, starts: I64, ends: I64) -> tuple[F64, F64]:
        """Return the left edges and widths of spans, each at least ``MIN_WIDTH`` wide."""
        left = self.xs(starts)
        width = np.maximum(self.xs(ends) - left, MIN_WIDTH)
        left = np.minimum(left, _LEFT + _PLOT_W - width)
        return left, width


class _Tick(NamedTuple):
    at: int
    label: str | None


def _local(us: int, tz: ZoneInfo) -> datetime:
    """Return the wall-clock time of ``us`` in ``tz``, naive."""
    return (_EPOCH + timedelta(microseconds=us)).astimezone(tz).replace(tzinfo=None)


def _instant_of(wall: datetime, tz: ZoneInfo) -> int:
    """Return the instant of a wall-clock time (a skipped one lands after the gap)."""
    return (wall.replace(tzinfo=tz, fold=0) - _EPOCH) // _ONE_US


def _fits(xs: Sequence[float], labels: Sequence[str]) -> bool:
    """Return whether labels centred at ``xs`` keep ``_LABEL_GAP`` apart."""
    for (x0, a), (x1, b) in itertools.pairwise(zip(xs, labels, strict=True)):
        if x1 - x0 < (_width_of(a) + _width_of(b)) / 2 + _LABEL_GAP:
            return False
    return True


def _day_text(wall: datetime) -> str:
    return f"{_MONTHS[wall.month - 1]} {wall.day}"


#: Steps of the clock ticks, in minutes: each divides an hour or a day.
_CLOCK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720)
#: Steps between labelled midnights, in days.
_DAY_STEPS = (1, 2, 3, 7, 14)
#: The shortest range ticked in days, and the longest one.
_CLOCK_UNTIL = 50 * US_PER_HOUR
_DAYS_UNTIL = 70 * US_PER_DAY
_MONTH_US = 30.44 * US_PER_DAY


def _clock_ticks(axis: _TimeAxis, tz: ZoneInfo) -> list[_Tick]:
    """Return ticks at local wall-clock times, every few minutes or hours; midnights by date."""
    first, last = _local(axis.start, tz), _local(axis.end, tz)
    midnight = first.replace(hour=0, minute=0, second=0, microsecond=0)
    since = (first - midnight) // timedelta(minutes=1)
    per_minute = axis.scale * US_PER_MINUTE
    ticks: list[_Tick] = []
    for step in _CLOCK_STEPS:
        if step * per_minute < _width_of("00:00") + _LABEL_GAP and step != _CLOCK_STEPS[-1]:
            continue
        wall = midnight + timedelta(minutes=since - since % step)
        seen: set[int] = set()
        ticks = []
        while wall <= last:
            us = _instant_of(wall, tz)
            if axis.start <= us <= axis.end and us not in seen:
                seen.add(us)
                local = _local(us, tz)
                if local.hour == local.minute == 0:
                    ticks.append(_Tick(us, _day_text(local)))
                else:
                    ticks.append(_Tick(us, f"{local.hour:02d}:{local.minute:02d}"))
            wall += timedelta(minutes=step)
        ticks.sort()
        if _fits([axis.x(t.at) for t in ticks], [t.label or "" for t in ticks]):
            break
    return ticks


def _day_ticks(axis: _TimeAxis, tz: ZoneInfo) -> list[_Tick]:
    """Return a tick at every local midnight, labelled every few days."""
    day = _local(axis.start, tz).date()
    last = _local(axis.end, tz).date()
    midnights: list[tuple[int, str]] = []
    while day <= last:
        wall = datetime(day.year, day.month, day.day)
        us = _instant_of(wall, tz)
        if axis.start <= us <= axis.end:
            midnights.append((us, _day_text(wall)))
        day += timedelta(days=1)
    every = _DAY_STEPS[-1]
    for step in _DAY_STEPS:
        chosen = midnights[::step]
        if _fits([axis.x(us) for us, _ in chosen], [label for _, label in chosen]):
            every = step
            break
    return [_Tick(us, label if i % every == 0 else None) for i, (us, label) in enumerate(midnights)]


def _month_steps() -> list[int]:
    steps = [1, 2, 3, 6]
    for power in range(4):
        steps += [12 * m * 10**power for m in (1, 2, 5)]
    return steps


def _month_ticks(axis: _TimeAxis, tz: ZoneInfo) -> list[_Tick]:
    """Return ticks at local month starts, labelled every few months (or years)."""
    first, last = _local(axis.start, tz), _local(axis.end, tz)
    lo = first.year * 12 + first.month - 1
    hi = last.year * 12 + last.month - 1
    per_month = axis.scale * _MONTH_US
    ticks: list[_Tick] = []
    for every in _month_steps():
        if every * per_month < _width_of("Jan") + _LABEL_GAP:
            continue
        ticks = []
        labelled: list[_Tick] = []
        # every month gets a tick line while labels are at most three months apart
        minor = 1 if every <= 3 else every
        for index in range(lo + (-lo) % minor, hi + 1, minor):
            year, month = divmod(index, 12)
            us = _instant_of(datetime(year, month + 1, 1), tz)
            if not axis.start <= us <= axis.end:
                continue
            label: str | None = None
            if index % every == 0:
                if every >= 12:
                    label = str(year)
                elif month == 0 or not labelled:
                    label = f"{_MONTHS[month]} {year}"
                else:
                    label = _MONTHS[month]
            tick = _Tick(us, label)
            ticks.append(tick)
            if label is not None:
                labelled.append(tick)
        if _fits([axis.x(t.at) for t in labelled], [t.label or "" for t in labelled]):
            break
    return ticks


def _ticks(axis: _TimeAxis, tz: ZoneInfo) -> list[_Tick]:
    length = axis.end - axis.start
    if length <= _CLOCK_UNTIL:
        return _clock_ticks(axis, tz)
    if length <= _DAYS_UNTIL:
        return _day_ticks(axis, tz)
    return _month_ticks(axis, tz)


def _wall_text(us: int, tz: ZoneInfo) -> str:
    wall = _local(us, tz)
    return f"{wall.year:04d}-{wall.month:02d}-{wall.day:02d} {wall.hour:02d}:{wall.minute:02d}" + (
        f":{wall.second:02d}" if wall.second or wall.microsecond else ""
    )


# --- drawing ----------------------------------------------------------------------------------


def _open(kind: str, title: str, height: float, ident: str) -> list[str]:
    label = _text(title)
    return [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {kind}" '
            f'viewBox="0 0 {WIDTH} {_num(height)}" width="100%" role="img" aria-label="{label}" '
            f'font-family="{_FONT}" font-size="{_TEXT_SIZE}" fill="{_INK}">'
        ),
        f'<title id="{ident}-title">{label}</title>',
        (
            f'<text class="heading" x="8" y="22" font-size="{_TITLE_SIZE}" '
            f'font-weight="bold">{label}</text>'
        ),
    ]


def _time_axis(axis: _TimeAxis, tz: ZoneInfo, tz_name: str, y: float) -> list[str]:
    """Draw the time axis at ``y``: its line, ticks, tick labels and the caption under them."""
    right = _LEFT + _PLOT_W
    parts = [
        '<g class="axis">',
        (
            f'<line class="axis" x1="{_LEFT}" y1="{_num(y)}" x2="{right}" y2="{_num(y)}" '
            f'stroke="{_AXIS}" stroke-width="1"/>'
        ),
    ]
    for tick in _ticks(axis, tz):
        x = _num(axis.x(tick.at))
        length = 5 if tick.label is not None else 3
        parts.append(
            f'<line class="tick" x1="{x}" y1="{_num(y)}" x2="{x}" y2="{_num(y + length)}" '
            f'stroke="{_AXIS}" stroke-width="1"/>'
        )
        if tick.label is not None:
            parts.append(
                f'<text class="tick-label" x="{x}" y="{_num(y + 17)}" text-anchor="middle" '
                f'font-size="{_SMALL}">{_text(tick.label)}</text>'
            )
    caption = f"Local time in {tz_name}, {_wall_text(axis.start, tz)} to {_wall_text(axis.end, tz)}"
    parts += [
        (
            f'<text class="caption" x="{_LEFT}" y="{_num(y + 35)}" font-size="{_SMALL}">'
            f"{_text(caption)}</text>"
        ),
        "</g>",
    ]
    return parts


class _Entry(NamedTuple):
    """A legend entry: the layer, its swatch (``rect`` or ``line``) and the swatch's paint."""

    layer: str
    shape: str
    paint: str
    label: str


def _legend(entries: Sequence[_Entry], y: float) -> tuple[list[str], float]:
    """Draw legend entries from ``y``; return the parts and the bottom of the last row.

    Each swatch is a 14 x 10 ``rect`` or a 14 units long ``line``; entries wrap to a
    new row at the right edge of the plot.
    """
    parts = ['<g class="legend">']
    x, row = float(_LEFT), y
    for entry in entries:
        width = 14 + 5 + _width_of(entry.label) + 16
        if x > _LEFT and x + width > _LEFT + _PLOT_W:
            x, row = float(_LEFT), row + 18
        if entry.shape == "line":
            middle = _num(row + 5)
            parts.append(
                f'<line class="swatch {entry.layer}" x1="{_num(x)}" y1="{middle}" '
                f'x2="{_num(x + 14)}" y2="{middle}" {entry.paint}/>'
            )
        else:
            parts.append(
                f'<rect class="swatch {entry.layer}" x="{_num(x)}" y="{_num(row)}" width="14" '
                f'height="10" {entry.paint}/>'
            )
        parts.append(
            f'<text class="legend-label" x="{_num(x + 19)}" y="{_num(row + 9.5)}" '
            f'font-size="{_SMALL}">{_text(entry.label)}</text>'
        )
        x += width
    parts.append("</g>")
    return parts, row + 10


def _hatch(ident: str) -> str:
    return (
        f'<pattern id="{ident}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{_HATCH}" stroke-width="3"/>'
        f"</pattern>"
    )


def _rects(
    *, css: str, left: F64, width: F64, top: F64 | float, height: F64 | float, paint: str
) -> list[str]:
    """Return one ``rect`` per mark: class ``css``, the given geometry, and ``paint``."""
    n = left.shape[0]
    tops = np.broadcast_to(np.asarray(top, dtype=np.float64), (n,))
    heights = np.broadcast_to(np.asarray(height, dtype=np.float64), (n,))
    return [
        f'<rect class="{css}" x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" '
        f'height="{_num(h)}" {paint}/>'
        for x, w, y, h in zip(
            left.tolist(), width.tolist(), tops.tolist(), heights.tolist(), strict=True
        )
    ]


# --- the timeline -----------------------------------------------------------------------------

_BAND_TOP = 40.0
_BAND_H = 36.0
_LANE_TOP = _BAND_TOP + _BAND_H + 4
_LANE_H = 10.0
_TIMELINE_AXIS = _LANE_TOP + _LANE_H + 4
_UP = "Up, in service hours"

#: The timeline's layers in drawing order: name, paint, legend label.
_LAYERS = (
    ("outside", f'fill="{_OUTSIDE}"', "Outside service hours"),
    ("excluded", 'fill="url(#{ident}-hatch)"', "Excluded by a clause"),
    ("down", f'fill="{_DOWN}"', "Down time (counted)"),
    ("ignored", f'fill="#ffffff" stroke="{_INK}" stroke-width="1"', "Outage not counted"),
)


def timeline_svg(
    *,
    title: str,
    start: int,
    end: int,
    tz: str,
    outside: Spans,
    excluded: Spans,
    down: Spans,
    ignored: Spans,
    ident: str,
) -> str:
    """Return a timeline of one service over ``[start, end)`` as an inline SVG element.

    The band is white where the service was up in service hours; ``outside``
    (time outside service hours) is shaded light grey, ``excluded`` (time an
    exclusion clause removed) hatched, ``down`` (counted down time) near black;
    ``ignored`` outages (those that did not count) are outlined boxes in a lane
    under the band. Each non-empty clipped span is one ``rect`` of class
    ``mark <layer>``, at least `MIN_WIDTH` wide.

    Args:
        title: the chart's title (escaped).
        start: the first instant of the chart, microseconds since the epoch.
        end: the end of the chart (excluded), after ``start``.
        tz: the IANA zone of the axis ticks (local midnights, hours or month starts).
        outside: spans outside service hours, as ``(starts, ends)``.
        excluded: spans excluded by a clause.
        down: spans of counted down time.
        ignored: outages that did not count.
        ident: the prefix of every ``id`` in the chart (a letter, then letters,
            digits, ``-`` or ``_``).

    Raises:
        ValueError: the range is empty or out of bounds, a layer has more starts
            than ends (or fewer), a span ends before it starts, or ``ident`` is not
            an id prefix.
        TypeError: a column holds other than integers.
        UnknownZoneError: ``tz`` is not an IANA zone.
    """
    ident = _check_ident(ident)
    first, last = _range(start, end)
    zi = zone(tz)
    axis = _TimeAxis(first, last)
    layers = {
        "outside": _spans(outside, "outside"),
        "excluded": _spans(excluded, "excluded"),
        "down": _spans(down, "down"),
        "ignored": _spans(ignored, "ignored"),
    }
    right = _LEFT + _PLOT_W
    marks: list[str] = []
    legend = [_Entry("band", "rect", f'fill="#ffffff" stroke="{_OUTLINE}" stroke-width="1"', _UP)]
    present: set[str] = set()
    for name, paint, label in _LAYERS:
        lo, hi, _ = _clipped(*layers[name], first, last)
        if not lo.size:
            continue
        present.add(name)
        fill = paint.format(ident=ident)
        left, width = axis.bars(lo, hi)
        top, height = (_LANE_TOP, _LANE_H) if name == "ignored" else (_BAND_TOP, _BAND_H)
        marks.append(f'<g class="layer {name}">')
        marks += _rects(
            css=f"mark {name}", left=left, width=width, top=top, height=height, paint=fill
        )
        marks.append("</g>")
        legend.append(_Entry(name, "rect", fill, label))
    legend_parts, bottom = _legend(legend, _TIMELINE_AXIS + 48)
    parts = _open("timeline", title, bottom + 10, ident)
    if "excluded" in present:
        parts += ["<defs>", _hatch(ident), "</defs>"]
    lane = _num(_LANE_TOP + _LANE_H)
    parts += [
        (
            f'<rect class="band" x="{_LEFT}" y="{_num(_BAND_TOP)}" width="{_PLOT_W}" '
            f'height="{_num(_BAND_H)}" fill="#ffffff"/>'
        ),
        (
            f'<line class="lane" x1="{_LEFT}" y1="{lane}" x2="{right}" y2="{lane}" '
            f'stroke="{_GRID}" stroke-width="1"/>'
        ),
    ]
    parts += marks
    parts.append(
        f'<rect class="band-outline" x="{_LEFT}" y="{_num(_BAND_TOP)}" width="{_PLOT_W}" '
        f'height="{_num(_BAND_H)}" fill="none" stroke="{_OUTLINE}" stroke-width="1"/>'
    )
    parts += _time_axis(axis, zi, tz, _TIMELINE_AXIS)
    parts += legend_parts
    parts.append("</svg>")
    return "\n".join(parts)


# --- the error budget burned ------------------------------------------------------------------

_PLOT_TOP = 40.0
_PLOT_H = 180.0
_PLOT_BOTTOM = _PLOT_TOP + _PLOT_H
#: The least vertical room between two labels of lines (limits), in user units.
_LINE_LABEL_GAP = 13.0


#: Round amounts of time in microseconds, for the grid of a burn chart of durations
#: (``burn_svg(steps=DURATION_STEPS)``): seconds, minutes, hours, days, weeks.
DURATION_STEPS: tuple[int, ...] = tuple(
    [m * US_PER_SECOND for m in (1, 2, 5, 10, 15, 30)]
    + [m * US_PER_MINUTE for m in (1, 2, 5, 10, 15, 30)]
    + [m * US_PER_HOUR for m in (1, 2, 3, 6, 12)]
    + [m * US_PER_DAY for m in (1, 2, 7, 14, 28)]
)


def _int_step(top: int, steps: Sequence[int] | None) -> int:
    """Return a round step that splits ``[0, top]`` in at most 5.

    The least of ``steps`` that does and is at most ``top``; else (and without
    ``steps``) 1, 2 or 5 times a power of ten.
    """
    fitting = [s for s in map(operator.index, steps or ()) if top <= s * 5 and s <= top]
    if fitting:
        return min(fitting)
    for power in itertools.count():
        for m in (1, 2, 5):
            step: int = m * 10**power
            if step * 5 >= top:
                return step
    raise AssertionError("unreachable")  # pragma: no cover


def _grid(labels: Sequence[str], ys: Sequence[float]) -> list[str]:
    """Draw horizontal grid lines at ``ys`` with their labels left of the plot, and the y axis."""
    right = _LEFT + _PLOT_W
    parts = ['<g class="axis">']
    for label, y in zip(labels, ys, strict=True):
        parts += [
            (
                f'<line class="grid" x1="{_LEFT}" y1="{_num(y)}" x2="{right}" y2="{_num(y)}" '
                f'stroke="{_GRID}" stroke-width="1"/>'
            ),
            (
                f'<text class="tick-label" x="{_LEFT - 6}" y="{_num(y + 4)}" text-anchor="end" '
                f'font-size="{_SMALL}">{_text(label)}</text>'
            ),
        ]
    parts += [
        (
            f'<line class="axis" x1="{_LEFT}" y1="{_num(_PLOT_TOP)}" x2="{_LEFT}" '
            f'y2="{_num(_PLOT_BOTTOM)}" stroke="{_AXIS}" stroke-width="1"/>'
        ),
        "</g>",
    ]
    return parts


def _label_rows(ys: Sequence[float]) -> list[float]:
    """Return baselines just above lines at ``ys``, moved down where two would overlap."""
    baselines = [0.0] * len(ys)
    floor = -math.inf
    for i in sorted(range(len(ys)), key=lambda i: (ys[i], i)):
        baselines[i] = max(ys[i] - 4, floor)
        floor = baselines[i] + _LINE_LABEL_GAP
    return baselines


def _line_label(css: str, y: float, label: str) -> str:
    """Return a label at the right end of the plot, on a white halo, with its baseline at ``y``."""
    return (
        f'<text class="{css}" x="{_LEFT + _PLOT_W - 4}" y="{_num(y)}" text-anchor="end" '
        f'font-size="{_SMALL}" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
        f"{_text(label)}</text>"
    )


def _burn_steps(times: Instants, spent: Instants) -> tuple[I64, I64]:
    """Return ``times`` and ``spent``, checked: as long as each other, in order, not negative."""
    at, amounts = _ints(times, "times"), _ints(spent, "spent")
    if at.shape[0] != amounts.shape[0]:
        raise ValueError(
            f"times has {at.shape[0]} instants but spent has {amounts.shape[0]} amounts; "
            f"give one amount per instant"
        )
    if at.size and bool(np.any(at[1:] < at[:-1])):
        raise ValueError("times must be in order: spent[i] holds from times[i] to times[i + 1]")
    if amounts.size and int(amounts.min()) < 0:
        raise ValueError(f"spent holds {int(amounts.min())}; an amount spent is not negative")
    return at, amounts


def _limit_values(limits: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    checked: list[tuple[str, int]] = []
    for name, value in limits:
        amount = operator.index(value)
        if amount < 0:
            raise ValueError(f"limit {name!r} is {amount}; a limit is not negative")
        checked.append((str(name), amount))
    return checked


def _steps_inside(at: I64, amounts: I64, start: int, end: int) -> tuple[int, I64, I64]:
    """Return the amount at ``start`` and the changes of amount inside ``(start, end)``."""
    before = int(np.searchsorted(at, start, side="right"))
    inside = slice(before, int(np.searchsorted(at, end, side="left")))
    opening = int(amounts[before - 1]) if before else 0
    steps_at, steps = at[inside], amounts[inside]
    changed = steps != np.concatenate(([opening], steps[:-1]))
    return opening, steps_at[changed], steps[changed]


def burn_svg(
    *,
    title: str,
    start: int,
    end: int,
    tz: str,
    times: Instants,
    spent: Instants,
    limits: Sequence[tuple[str, int]],
    unit: Callable[[int], str],
    ident: str,
    steps: Sequence[int] | None = None,
) -> str:
    """Return the error budget spent over ``[start, end)`` against its limits, as inline SVG.

    The budget spent is a step line (one ``path`` of class ``mark burn``):
    ``spent[i]`` holds from ``times[i]`` on, and zero before ``times[0]``. Each
    limit, such as ``("target 99.95%", allowance)`` or ``("band 10%", …)``, is a
    horizontal ``line`` of class ``mark limit`` labelled with its name and
    ``unit(value)``. The y axis runs from 0 to 1.1 times the largest value drawn
    (spent or limit), with up to six grid lines at a round step labelled by
    ``unit``: the least of ``steps`` that fits, such as `DURATION_STEPS` for
    microseconds (so the grid reads "10 min", "20 min"), else 1, 2 or 5 times a
    power of ten.

    Args:
        title: the chart's title (escaped).
        start: the first instant of the chart, microseconds since the epoch.
        end: the end of the chart (excluded), after ``start``.
        tz: the IANA zone of the axis ticks.
        times: the instants where the amount spent changes, in order.
        spent: the cumulative amount spent from each of ``times`` on, in the
            measure's units (microseconds of down time, bad requests, …); not negative.
        limits: ``(name, value)`` pairs, in the same units; not negative.
        unit: formats an amount for the axis and the limit labels (``"21 min"``).
        ident: the prefix of every ``id`` in the chart.
        steps: round steps for the grid, in the measure's units (positive).

    Raises:
        ValueError: the range is empty or out of bounds, ``times`` and ``spent``
            differ in length, ``times`` is out of order, an amount is negative, or
            ``ident`` is not an id prefix.
        TypeError: a column holds other than integers.
        UnknownZoneError: ``tz`` is not an IANA zone.
    """
    ident = _check_ident(ident)
    first, last = _range(start, end)
    zi = zone(tz)
    axis = _TimeAxis(first, last)
    at, amounts = _burn_steps(times, spent)
    checked = _limit_values(limits)
    opening, change_at, changes = _steps_inside(at, amounts, first, last)
    largest: int = max([opening, *changes.tolist(), *(amount for _, amount in checked)])
    top = max(-(-largest * 11 // 10), 1)

    def y_of(amount: int) -> float:
        return _PLOT_BOTTOM - amount / top * _PLOT_H

    grid = list(range(0, top + 1, _int_step(top, steps)))
    limit_ys = [y_of(amount) for _, amount in checked]
    limit_paint = f'stroke="{_LIMIT}" stroke-width="1.25" stroke-dasharray="6 3"'
    right = _LEFT + _PLOT_W
    lines = ['<g class="layer limit">']
    for (name, amount), y, baseline in zip(checked, limit_ys, _label_rows(limit_ys), strict=True):
        lines += [
            (
                f'<line class="mark limit" x1="{_LEFT}" y1="{_num(y)}" x2="{right}" '
                f'y2="{_num(y)}" {limit_paint}/>'
            ),
            _line_label("limit-label", baseline, f"{name} ({unit(amount)})"),
        ]
    lines.append("</g>")

    path = [f"M{_num(axis.x(first))} {_num(y_of(opening))}"]
    ys = (_PLOT_BOTTOM - changes.astype(np.float64) / top * _PLOT_H).tolist()
    path += [f"H{_num(x)}V{_num(y)}" for x, y in zip(axis.xs(change_at).tolist(), ys, strict=True)]
    path.append(f"H{_num(axis.x(last))}")

    legend = [_Entry("burn", "line", f'stroke="{_INK}" stroke-width="2"', "Budget spent")]
    if checked:
        legend.append(_Entry("limit", "line", limit_paint, "Limit (allowance)"))
    legend_parts, bottom = _legend(legend, _PLOT_BOTTOM + 48)
    parts = _open("burn", title, bottom + 10, ident)
    parts += _grid([unit(v) for v in grid], [y_of(v) for v in grid])
    parts += lines
    parts.append(
        f'<path class="mark burn" d="{"".join(path)}" fill="none" stroke="{_INK}" '
        f'stroke-width="2"/>'
    )
    parts += _time_axis(axis, zi, tz, _PLOT_BOTTOM)
    parts += legend_parts
    parts.append("</svg>")
    return "\n".join(parts)


# --- the error rates of buckets ---------------------------------------------------------------


def _percent_step(top: float) -> tuple[float, int]:
    """Return a round step (in percent) splitting ``[0, top]`` in at most 5, and its decimals."""
    for power in itertools.count(-6):
        for m in (1, 2, 5):
            step = m * 10.0**power
            if step * 5 >= top:
                return step, max(0, -power)
    raise AssertionError("unreachable")  # pragma: no cover


def _percent_text(rate: float) -> str:
    """Return ``rate`` (0..1) in percent with up to four decimals, trailing zeros dropped."""
    text = f"{rate * 100:.4f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _rate_values(rates: Rates, count: int, threshold: float) -> tuple[F64, float]:
    """Return the rates and the threshold, checked: one rate per bucket, all from 0 to 1."""
    values = np.asarray(rates, dtype=np.float64)
    if values.ndim != 1 or values.shape[0] != count:
        raise ValueError(
            f"rates has shape {values.shape} for {count} buckets; give one rate per bucket"
        )
    bad = np.flatnonzero(~((values >= 0) & (values <= 1)))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"rates[{i}] is {float(values[i])!r}; a rate is a number from 0 to 1")
    limit = float(threshold)
    if not 0 <= limit <= 1:
        raise ValueError(f"threshold={threshold!r} is not a number from 0 to 1")
    return values, limit


def _bars(axis: _TimeAxis, lo: I64, hi: I64, *, shown: F64, over: Bools, top: float) -> list[str]:
    """Return one ``rect`` per bucket: ``mark bucket``, or ``mark bucket over`` where ``over``."""
    left, width = axis.bars(lo, hi)
    heights = np.where(shown > 0, np.maximum(shown * 100 / top * _PLOT_H, MIN_WIDTH), 0.0)
    return [
        f'<rect class="{"mark bucket over" if o else "mark bucket"}" x="{_num(x)}" '
        f'y="{_num(_PLOT_BOTTOM - h)}" width="{_num(w)}" height="{_num(h)}" '
        f'fill="{_OVER if o else _BUCKET}"/>'
        for o, x, w, h in zip(
            over.tolist(), left.tolist(), width.tolist(), heights.tolist(), strict=True
        )
    ]


def rates_svg(
    *,
    title: str,
    start: int,
    end: int,
    tz: str,
    bucket_starts: Instants,
    bucket_ends: Instants,
    rates: Rates,
    threshold: float,
    ident: str,
    over: Sequence[bool] | npt.NDArray[np.bool_] | None = None,
) -> str:
    """Return the error rate of each bucket over ``[start, end)`` against a threshold, as SVG.

    Each bucket ``[bucket_starts[i], bucket_ends[i])``, clipped to the range, is
    one bar as tall as its error rate: a ``rect`` of class ``mark bucket`` when
    the rate is at or under ``threshold``, ``mark bucket over`` (darker) when it
    is above. The threshold is one ``line`` of class ``mark threshold``. The y
    axis is in percent, from 0 to 1.1 times the larger of the highest rate and
    the threshold (at most 100%). The rates are for drawing only: the exact
    figures belong to the statement's tables.

    Args:
        title: the chart's title (escaped).
        start: the first instant of the chart, microseconds since the epoch.
        end: the end of the chart (excluded), after ``start``.
        tz: the IANA zone of the axis ticks.
        bucket_starts: the start of each bucket.
        bucket_ends: the end (excluded) of each bucket.
        rates: the error rate of each bucket, from 0 to 1.
        threshold: the error rate above which a bucket is bad, from 0 to 1.
        ident: the prefix of every ``id`` in the chart.
        over: which buckets are drawn as above the threshold (``mark bucket
            over``), one flag per bucket: the measure's own exact verdict, where
            a float comparison could err at the bound. ``None``: the buckets
            whose rate is above ``threshold``.

    Raises:
        ValueError: the range is empty or out of bounds, the three columns differ
            in length, a bucket ends before it starts, a rate or the threshold is
            not a number from 0 to 1, or ``ident`` is not an id prefix.
        TypeError: a column of instants holds other than integers.
        UnknownZoneError: ``tz`` is not an IANA zone.
    """
    ident = _check_ident(ident)
    first, last = _range(start, end)
    zi = zone(tz)
    axis = _TimeAxis(first, last)
    starts, ends = _spans((bucket_starts, bucket_ends), "buckets")
    values, limit = _rate_values(rates, starts.shape[0], threshold)
    flags = values > limit if over is None else np.asarray(over, dtype=np.bool_)
    if flags.shape != values.shape:
        raise ValueError(
            f"over has shape {flags.shape} for {values.shape[0]} buckets; give one flag per bucket"
        )
    lo, hi, order = _clipped(starts, ends, first, last)
    shown = values[order]
    flagged = flags[order]
    highest = float(shown.max()) if shown.size else 0.0
    top = min(max(highest, limit) * 110, 100.0) or 1.0  # in percent

    step, decimals = _percent_step(top)
    grid = [i * step for i in range(math.floor(top / step + 1e-9) + 1)]
    y = _PLOT_BOTTOM - limit * 100 / top * _PLOT_H
    right = _LEFT + _PLOT_W
    threshold_paint = f'stroke="{_INK}" stroke-width="1.5" stroke-dasharray="6 3"'

    legend: list[_Entry] = []
    if not bool(flagged.all()):
        legend.append(_Entry("bucket", "rect", f'fill="{_BUCKET}"', "Error rate of a bucket"))
    if bool(flagged.any()):
        legend.append(_Entry("over", "rect", f'fill="{_OVER}"', "Above the threshold"))
    legend.append(_Entry("threshold", "line", threshold_paint, "Threshold"))
    legend_parts, bottom = _legend(legend, _PLOT_BOTTOM + 48)
    parts = _open("rates", title, bottom + 10, ident)
    parts += _grid(
        [f"{v:.{decimals}f}%" for v in grid], [_PLOT_BOTTOM - v / top * _PLOT_H for v in grid]
    )
    parts.append('<g class="layer bucket">')
    parts += _bars(axis, lo, hi, shown=shown, over=flagged, top=top)
    parts += [
        "</g>",
        (
            f'<line class="halo" x1="{_LEFT}" y1="{_num(y)}" x2="{right}" y2="{_num(y)}" '
            f'stroke="#ffffff" stroke-width="4"/>'
        ),
        (
            f'<line class="mark threshold" x1="{_LEFT}" y1="{_num(y)}" x2="{right}" '
            f'y2="{_num(y)}" {threshold_paint}/>'
        ),
        _line_label("threshold-label", y - 4, f"threshold {_percent_text(limit)}"),
    ]
    parts += _time_axis(axis, zi, tz, _PLOT_BOTTOM)
    parts += legend_parts
    parts.append("</svg>")
    return "\n".join(parts)
