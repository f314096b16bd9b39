"""Hypothesis strategies shared by the test suite; every new feature adds its own here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
from hypothesis import strategies as st

import slakit as sla
from slakit._time._timeline import Timeline

SECOND = 1_000_000
#: 2026-10-01T00:00:00Z, the origin of the small synthetic periods used in properties.
T0 = 1_790_812_800 * SECOND
SERVICES = ("a", "b", "c")


@attrs.frozen
class SpansCalendar(sla.Calendar):
    """A test calendar holding fixed spans (microseconds), clipped to whatever is asked."""

    spans: tuple[tuple[int, int], ...]

    def _windows(self, lo: int, hi: int, tz: str | None) -> tuple[Any, Any]:
        clipped = Timeline([sla.Span(s, e) for s, e in self.spans]).clip((lo, hi))
        return clipped.starts, clipped.ends


def small_period(seconds: int = 600) -> sla.Period:
    """Return a synthetic period of ``seconds`` from :data:`T0` (UTC)."""
    return sla.Period(T0, T0 + seconds * SECOND, "test", "UTC")


@st.composite
def second_spans(draw: st.DrawFn, lo: int, hi: int, max_len: int = 120) -> tuple[int, int]:
    """Draw a span with whole-second bounds in ``[lo, hi]`` seconds from T0, in microseconds."""
    start = draw(st.integers(lo, hi - 1))
    length = draw(st.integers(1, max_len))
    return T0 + start * SECOND, T0 + min(start + length, hi) * SECOND


@st.composite
def outages(
    draw: st.DrawFn, lo: int = -60, hi: int = 660, services: Sequence[str] = SERVICES
) -> sla.Outage:
    """Draw an outage of one of ``services`` within ``[lo, hi]`` seconds of T0."""
    s, e = draw(second_spans(lo, hi))
    return sla.Outage(draw(st.sampled_from(services)), s, e)


@st.composite
def maintenances(
    draw: st.DrawFn, lo: int = -60, hi: int = 660, services: Sequence[str] = SERVICES
) -> sla.Maintenance:
    """Draw a maintenance window announced between 0 and 20 seconds before it starts (or after)."""
    s, e = draw(second_spans(lo, hi, max_len=200))
    lead = draw(st.integers(-5, 20))
    return sla.Maintenance(draw(st.sampled_from(services)), s, e, s - lead * SECOND)


def events(max_size: int = 12) -> st.SearchStrategy[list[sla.Event]]:
    """Draw a list of outages and maintenance windows around a small period."""
    return st.lists(st.one_of(outages(), outages(), maintenances()), max_size=max_size)


@st.composite
def uptime_measures(draw: st.DrawFn) -> sla.Uptime:
    """Draw an uptime measure with second-sized options suited to :func:`small_period`."""
    clause = draw(
        st.none()
        | st.builds(
            sla.scheduled_maintenance,
            notice=st.none() | st.integers(0, 15).map(sla.seconds),
            at_most=st.none() | st.integers(1, 300).map(sla.seconds),
            accounting=st.sampled_from(["remove", "good", "bad"]),
        )
    )
    window = draw(
        st.none()
        | st.lists(second_spans(0, 600, max_len=300), max_size=4).map(
            lambda spans: SpansCalendar(tuple(spans))
        )
    )
    return sla.uptime(
        min_outage=draw(st.integers(0, 90).map(sla.seconds)),
        min_outage_of=draw(st.sampled_from(["episode", "report"])),
        granularity=draw(st.none() | st.integers(1, 90).map(sla.seconds)),
        excluding=[] if clause is None else [clause],
        during=window,
    )
