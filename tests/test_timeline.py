"""The timeline algebra agrees with a brute-force model: a set of covered seconds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit.exceptions import DefinitionError

S = 1_000_000  # one second in microseconds
LIMIT = 60  # properties work on the seconds 0 .. LIMIT


@st.composite
def second_pairs(draw: st.DrawFn) -> tuple[int, int]:
    """Draw a span of whole seconds inside ``[0, LIMIT]``."""
    start = draw(st.integers(0, LIMIT - 1))
    end = draw(st.integers(start + 1, LIMIT))
    return start, end


pair_lists = st.lists(second_pairs(), max_size=8)


def timeline(pairs: list[tuple[int, int]]) -> sla.Timeline:
    return sla.Timeline([(s * S, e * S) for s, e in pairs])


def model(pairs: list[tuple[int, int]]) -> set[int]:
    return {t for s, e in pairs for t in range(s, e)}


def seconds_of(line: sla.Timeline) -> set[int]:
    """Return the covered seconds of a timeline whose bounds are whole seconds."""
    return {t for span in line for t in range(span.start // S, span.end // S)}


def is_canonical(line: sla.Timeline) -> bool:
    """Return whether spans are sorted, non-empty, disjoint and not touching."""
    s, e = line.starts, line.ends
    return bool(np.all(e > s) and np.all(s[1:] > e[:-1]))


@given(pair_lists)
def test_construction_matches_the_model(pairs: list[tuple[int, int]]) -> None:
    """A timeline covers exactly the seconds of its spans, in canonical form."""
    line = timeline(pairs)
    assert seconds_of(line) == model(pairs)
    assert line.measure() == len(model(pairs)) * S
    assert is_canonical(line)


@given(pair_lists, pair_lists)
def test_set_operations_match_the_model(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> None:
    """Union, intersection, difference and symmetric difference are the set operations."""
    ta, tb, ma, mb = timeline(a), timeline(b), model(a), model(b)
    assert seconds_of(ta | tb) == ma | mb
    assert seconds_of(ta & tb) == ma & mb
    assert seconds_of(ta - tb) == ma - mb
    assert seconds_of(ta ^ tb) == ma ^ mb
    for result in (ta | tb, ta & tb, ta - tb, ta ^ tb):
        assert is_canonical(result)


@given(pair_lists, pair_lists)
def test_inclusion_exclusion_of_measures(
    a: list[tuple[int, int]], b: list[tuple[int, int]]
) -> None:
    """measure(a | b) + measure(a & b) == measure(a) + measure(b)."""
    ta, tb = timeline(a), timeline(b)
    assert (ta | tb).measure() + (ta & tb).measure() == ta.measure() + tb.measure()


@given(pair_lists, pair_lists, pair_lists)
def test_set_laws(
    a: list[tuple[int, int]], b: list[tuple[int, int]], c: list[tuple[int, int]]
) -> None:
    """Commutativity, associativity, distributivity, absorption and De Morgan hold."""
    ta, tb, tc = timeline(a), timeline(b), timeline(c)
    everything = sla.Span(0, LIMIT * S)
    assert ta | tb == tb | ta
    assert ta & tb == tb & ta
    assert (ta | tb) | tc == ta | (tb | tc) == ta.union(tb, tc)
    assert (ta & tb) & tc == ta & (tb & tc)
    assert ta & (tb | tc) == (ta & tb) | (ta & tc)
    assert ta | (ta & tb) == ta
    assert (ta | tb).complement(everything) == ta.complement(everything) & tb.complement(everything)
    assert ta - tb == ta & tb.complement(everything)
    assert (ta - tb) | (ta & tb) == ta


@given(pair_lists, second_pairs())
def test_clip_and_complement_match_the_model(
    pairs: list[tuple[int, int]], window: tuple[int, int]
) -> None:
    """Clipping keeps the seconds inside the window; the complement the others in it."""
    line = timeline(pairs)
    span = sla.Span(window[0] * S, window[1] * S)
    inside = set(range(*window))
    assert seconds_of(line.clip(span)) == model(pairs) & inside
    assert seconds_of(line.complement(span)) == inside - model(pairs)
    assert line.clip(span) | line.complement(span) == sla.Timeline([span])


@given(pair_lists, st.integers(-2, LIMIT + 2))
def test_membership_matches_the_model(pairs: list[tuple[int, int]], second: int) -> None:
    """An instant is in a timeline exactly when its second is covered (half-open spans)."""
    line = timeline(pairs)
    assert (second * S in line) == (second in model(pairs))
    assert (second * S - 1 in line) == (second - 1 in model(pairs))


@given(pair_lists)
def test_from_arrays_equals_construction_from_spans(pairs: list[tuple[int, int]]) -> None:
    """Building from arrays, in any order, gives the same timeline as from spans."""
    starts = np.array([s * S for s, _ in reversed(pairs)], dtype=np.int64)
    ends = np.array([e * S for _, e in reversed(pairs)], dtype=np.int64)
    assert sla.Timeline.from_arrays(starts, ends) == timeline(pairs)


@given(pair_lists, pair_lists)
def test_equality_means_the_same_instants(
    a: list[tuple[int, int]], b: list[tuple[int, int]]
) -> None:
    """Two timelines are equal exactly when they cover the same instants."""
    assert (timeline(a) == timeline(b)) == (model(a) == model(b))
    if model(a) == model(b):
        assert hash(timeline(a)) == hash(timeline(b))


def test_touching_spans_merge() -> None:
    """Touching spans merge into one; the timeline has a single span."""
    line = sla.Timeline([(0, 10 * S), (10 * S, 20 * S)])
    assert len(line) == 1
    assert line.span == sla.Span(0, 20 * S)


def test_timelines_are_immutable() -> None:
    """Neither the timeline nor its arrays can be changed."""
    line = timeline([(0, 5)])
    with pytest.raises(AttributeError):
        line._start = line.ends  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        line.starts[0] = 3


def test_foreign_operands_are_not_combined() -> None:
    """Combining a timeline with another type raises TypeError."""
    with pytest.raises(TypeError):
        _ = timeline([(0, 5)]) | 3  # type: ignore[operator]


def test_inverted_arrays_are_rejected() -> None:
    """A span that ends before it starts is an error naming the span."""
    with pytest.raises(DefinitionError, match="span 1 ends at or before it starts"):
        sla.Timeline.from_arrays([0, 10 * S], [5 * S, 10 * S])
