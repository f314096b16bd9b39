"""The grouped span kernels against brute force on small integer ranges."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from slakit._time import _kernels as k

Keep = Callable[[list[npt.NDArray[np.int64]]], npt.NDArray[np.bool_]]
KEEPS: list[Keep] = [
    lambda c: (c[0] > 0) & (c[-1] == 0),
    lambda c: c[-1] > 0,
    lambda c: (c[0] > 0) | (c[-1] > 0),
    lambda c: (c[0] > 1) & (c[-1] > 0),
]
GROUPS, SPAN = 3, 80


def grouped_sets() -> st.SearchStrategy[list[k.Grouped]]:
    span = st.tuples(st.integers(0, GROUPS - 1), st.integers(0, 59), st.integers(1, 20))
    one = st.lists(span, max_size=8).map(
        lambda rows: k.as_grouped(
            [g for g, _, _ in rows], [s for _, s, _ in rows], [s + n for _, s, n in rows]
        )
    )
    return st.lists(one, min_size=1, max_size=3)


def brute(sets: list[k.Grouped], keep: Keep) -> list[int]:
    """Per group, the number of unit cells where ``keep`` holds on the cover counts."""
    out = []
    for g in range(GROUPS):
        cover = np.zeros((len(sets), SPAN), dtype=np.int64)
        for i, spans in enumerate(sets):
            for gg, s, e in zip(*spans, strict=True):
                if gg == g:
                    cover[i, s:e] += 1
        out.append(int(keep([cover[i] for i in range(len(sets))]).sum()))
    return out


@given(sets=grouped_sets(), which=st.integers(0, len(KEEPS) - 1))
def test_sweep_sums_and_spans_match_brute_force(sets: list[k.Grouped], which: int) -> None:
    """One sweep answers any predicate on the counts, as sums and as normalised spans."""
    keep = KEEPS[which]
    sweep = k.Sweep(sets)
    expected = brute(sets, keep)
    assert sweep.sums(keep, GROUPS).tolist() == expected
    spans = sweep.spans(keep)
    assert k.sum_by_group(spans.group, spans.end - spans.start, GROUPS).tolist() == expected
    # normalised: sorted, disjoint and not touching within a group
    same = spans.group[1:] == spans.group[:-1]
    assert bool(np.all(spans.start[1:][same] > spans.end[:-1][same]))


def test_sweep_falls_back_when_keys_do_not_pack() -> None:
    """Times too far apart to pack into one key still sweep correctly (lexsort path)."""
    far = k.as_grouped([0, 1], [0, 2**61], [10, 2**61 + 5])
    sweep = k.Sweep([far])
    assert sweep.sums(lambda c: c[0] > 0, 2).tolist() == [10, 5]
    assert sweep.spans(lambda c: c[0] > 0).start.tolist() == [0, 2**61]


def test_sweep_takes_one_to_three_sets() -> None:
    """More than three sets do not fit the packed counters and are refused."""
    empty = k.empty()
    with pytest.raises(ValueError, match="one to three"):
        k.Sweep([empty] * 4)
    assert k.Sweep([empty]).sums(lambda c: c[0] > 0, 2).tolist() == [0, 0]
    assert len(k.Sweep([empty]).spans(lambda c: c[0] > 0)) == 0


@given(sets=grouped_sets(), need=st.lists(st.integers(1, 3), min_size=GROUPS, max_size=GROUPS))
def test_covered_by_at_least(sets: list[k.Grouped], need: list[int]) -> None:
    """At-least-k coverage per group equals counting covering spans cell by cell."""
    spans = sets[0]
    got = k.covered_by_at_least(spans, np.asarray(need, dtype=np.int64))
    for g in range(GROUPS):
        cells = np.zeros(SPAN, dtype=np.int64)
        for gg, s, e in zip(*spans, strict=True):
            if gg == g:
                cells[s:e] += 1
        mine = int((got.end - got.start)[got.group == g].sum())
        assert mine == int((cells >= need[g]).sum())


def test_a_million_overlapping_spans_do_not_carry_into_the_next_count() -> None:
    """2**20 copies of one span in a lower set still count as covered, not as the next set."""
    n = 2**20
    many = k.Grouped(np.zeros(n, np.int64), np.zeros(n, np.int64), np.full(n, 10, np.int64))
    other = k.as_grouped([0], [5], [20])
    sweep = k.Sweep([many, other])
    assert sweep.sums(lambda c: (c[0] > 0) & (c[1] == 0), 1).tolist() == [5]
    assert sweep.sums(lambda c: c[1] > 0, 1).tolist() == [15]


@given(
    st.lists(st.integers(-5, 5), max_size=60)
    | st.lists(st.integers(-(2**62), 2**62), max_size=20)  # too wide to pack: argsort
)
def test_stable_order_is_the_stable_argsort(codes: list[int]) -> None:
    values = np.asarray(codes, dtype=np.int64)
    expected = np.argsort(values, kind="stable")
    got = k.stable_order(values)
    assert got.dtype == np.int64
    assert got.tolist() == expected.tolist()


def test_stable_order_packs_wide_tables_and_falls_back_at_the_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At the bound (code bits + row bits = 62) keys still pack; one bit more, argsort."""
    expected = {}
    for top in (2**59 - 1, 2**59):  # eight rows: three row bits
        values = np.asarray([top, 0, top, 1, 0, top, 1, 0], dtype=np.int64)
        expected[top] = np.argsort(values, kind="stable").tolist()
    argsort = np.argsort
    calls: list[int] = []

    def counted(values: npt.NDArray[np.int64], kind: str) -> npt.NDArray[np.intp]:
        calls.append(1)
        return argsort(values, kind="stable" if kind == "stable" else None)

    monkeypatch.setattr(k.np, "argsort", counted)
    for top, order in expected.items():
        values = np.asarray([top, 0, top, 1, 0, top, 1, 0], dtype=np.int64)
        before = len(calls)
        assert k.stable_order(values).tolist() == order
        assert len(calls) - before == (0 if top < 2**59 else 1)  # packed, then argsort
    assert k.stable_order(np.zeros(0, dtype=np.int32)).tolist() == []


@given(
    st.lists(st.integers(-50, 50), max_size=40),
    st.lists(st.integers(-60, 60), max_size=40),
    st.integers(0, 8),
)
def test_searching_in_sorted_order_finds_what_numpy_finds(
    values: list[int], queries: list[int], sort_from: int
) -> None:
    """Queries searched in sorted order land where ``np.searchsorted`` puts them, in their order."""
    array = np.asarray(sorted(values), dtype=np.int64)
    asked = np.asarray(queries, dtype=np.int64)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(k, "SORTED_SEARCH_FROM", sort_from)
        found = k.search_right(array, asked)
    assert found.tolist() == np.searchsorted(array, asked, side="right").tolist()


@given(sets=grouped_sets(), window=grouped_sets(), which=st.integers(0, len(KEEPS) - 1))
def test_cutting_spans_to_a_shared_timeline_is_sweeping_a_copy_per_group(
    sets: list[k.Grouped], window: list[k.Grouped], which: int
) -> None:
    """Spans cut to one timeline are the spans a sweep with a copy of it per group gives."""
    timeline = k.normalize(k.as_grouped(np.zeros(len(window[0]), np.int64), *window[0][1:]))
    copies = k.as_grouped(
        np.repeat(np.arange(GROUPS), len(timeline)),
        np.tile(timeline.start, GROUPS),
        np.tile(timeline.end, GROUPS),
    )
    keep = KEEPS[which]
    pair = sets[:2]
    cut = k.within_timeline(k.Sweep(pair).spans(keep), (timeline.start, timeline.end))
    swept = k.Sweep([*pair, copies])
    inside = swept.spans(lambda c: keep(c[:-1]) & (c[-1] > 0))
    for got, expected in zip(cut, inside, strict=True):
        assert got.tolist() == expected.tolist()


@given(
    sets=grouped_sets(),
    queries=st.lists(
        st.tuples(st.integers(0, GROUPS - 1), st.integers(0, SPAN), st.integers(0, 20)),
        max_size=30,
    ),
    sort_from=st.integers(0, 8),
)
def test_measuring_within_in_sorted_order_measures_as_brute_force(
    sets: list[k.Grouped], queries: list[tuple[int, int, int]], sort_from: int
) -> None:
    """Queries measured in the order of their starts get each its own measure, in its place.

    ``touches`` answers, per query, whether that measure is more than nothing.
    """
    spans = k.normalize(sets[0])
    group = np.asarray([g for g, _, _ in queries], dtype=np.int64)
    start = np.asarray([s for _, s, _ in queries], dtype=np.int64)
    end = np.minimum(start + np.asarray([n for _, _, n in queries], dtype=np.int64), SPAN)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(k, "SORTED_SEARCH_FROM", sort_from)
        packed = k.Packed(spans, 0, SPAN + 1)
        got = packed.measure_within(group, start, end)
        touched = packed.touches(group, start, end)
    cover = np.zeros((GROUPS, SPAN), dtype=np.int64)
    for g, s, e in zip(*spans, strict=True):
        cover[g, s:e] = 1
    expected = [int(cover[g, s:e].sum()) for g, s, e in zip(group, start, end, strict=True)]
    assert got.tolist() == expected
    # touches: whether the query meets the spans for any time, with one search
    assert touched.tolist() == [m > 0 for m in expected]
