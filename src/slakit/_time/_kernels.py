"""Vectorised kernels over grouped half-open spans.

A *grouped span set* is three equal-length ``int64`` arrays: ``group`` (a
service, a subscriber, any integer key), ``start`` and ``end`` (microseconds,
``start < end``). Every operation here is a sweep over span boundaries: the
boundaries of all inputs are ordered once by (group, time, end-before-start),
running sums count how many spans of each input cover each segment, and a
predicate on those counts decides which segments are kept. The ordering packs
(group, time, kind) into one ``uint64`` key when it fits, so that a single
``argsort`` orders everything; otherwise it falls back to a ``lexsort``.

Cost: O(n log n) in the number of boundaries, independent of how long the
spans are. No function here loops in Python over spans.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = [
    "I64",
    "Grouped",
    "bucketize",
    "clip",
    "coverage",
    "coverage_many",
    "covered_by_at_least",
    "empty",
    "normalize",
    "sum_by_group",
]

I64 = npt.NDArray[np.int64]


class Grouped(NamedTuple):
    """A grouped span set: parallel ``group``, ``start`` and ``end`` arrays."""

    group: I64
    start: I64
    end: I64

    def __len__(self) -> int:  # number of spans, not of fields
        return int(self.start.shape[0])


def empty() -> Grouped:
    """Return a grouped span set with no spans."""
    z = np.zeros(0, dtype=np.int64)
    return Grouped(z, z.copy(), z.copy())


def as_grouped(group: npt.ArrayLike, start: npt.ArrayLike, end: npt.ArrayLike) -> Grouped:
    """Return the three columns as contiguous ``int64`` arrays."""
    return Grouped(
        np.ascontiguousarray(group, dtype=np.int64),
        np.ascontiguousarray(start, dtype=np.int64),
        np.ascontiguousarray(end, dtype=np.int64),
    )


def _order(group: I64, time: I64, kind: I64) -> npt.NDArray[np.intp]:
    """Return the permutation that orders boundaries by (group, time, kind)."""
    n = time.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.intp)
    t0 = int(time.min())
    t_span = int(time.max()) - t0
    g_max = int(group.max())
    t_bits = max(t_span.bit_length(), 1)
    g_bits = max(g_max.bit_length(), 1)
    if group.min() >= 0 and t_bits + g_bits + 1 <= 63:
        key = (group << (t_bits + 1)) | ((time - t0) << 1) | kind
        return np.argsort(key, kind="stable")
    return np.lexsort((kind, time, group))


def coverage(
    sets: Sequence[Grouped],
    keep: Callable[[list[I64]], npt.NDArray[np.bool_]],
) -> Grouped:
    """Return, per group, the maximal spans where ``keep(counts)`` holds.

    ``counts[i]`` is, for each elementary segment, how many spans of
    ``sets[i]`` cover it. The spans of every input may overlap each other
    freely. The result is normalised: sorted by (group, start), disjoint, and
    with touching spans merged.
    """
    return coverage_many(sets, [keep])[0]


def coverage_many(
    sets: Sequence[Grouped],
    keeps: Sequence[Callable[[list[I64]], npt.NDArray[np.bool_]]],
) -> list[Grouped]:
    """Like :func:`coverage`, for several predicates over one shared ordering of boundaries."""
    sizes = [len(s) for s in sets]
    if sum(sizes) == 0:
        return [empty() for _ in keeps]
    group = np.concatenate([np.concatenate((s.group, s.group)) for s in sets])
    time = np.concatenate([np.concatenate((s.start, s.end)) for s in sets])
    kind = np.concatenate(
        [np.concatenate((np.ones(n, np.int64), np.zeros(n, np.int64))) for n in sizes]
    )
    order = _order(group, time, kind)
    group = group[order]
    time = time[order]
    delta_sorted = (kind[order] << 1) - 1  # start: +1, end: -1
    counts: list[I64] = []
    if len(sets) == 1:
        counts.append(np.cumsum(delta_sorted))
    else:
        owner = np.concatenate([np.full(2 * n, i, dtype=np.int64) for i, n in enumerate(sizes)])[
            order
        ]
        counts.extend(np.cumsum(np.where(owner == i, delta_sorted, 0)) for i in range(len(sets)))
    # Segment j runs from boundary j to boundary j + 1 within one group.
    seg_counts = [c[:-1] for c in counts]
    valid = (group[:-1] == group[1:]) & (time[1:] > time[:-1])
    out = []
    for keep in keeps:
        idx = np.flatnonzero(keep(seg_counts) & valid)
        out.append(_merge_sorted(Grouped(group[idx], time[idx], time[idx + 1])))
    return out


def _merge_sorted(spans: Grouped) -> Grouped:
    """Merge touching spans of a sorted, disjoint grouped span set."""
    g, s, e = spans
    if g.shape[0] <= 1:
        return spans
    touching = (g[1:] == g[:-1]) & (s[1:] == e[:-1])
    if not touching.any():
        return spans
    first = np.concatenate(([True], ~touching))
    last = np.concatenate((~touching, [True]))
    return Grouped(g[first], s[first], e[last])


def _any(counts: list[I64]) -> npt.NDArray[np.bool_]:
    return counts[0] > 0


def normalize(spans: Grouped) -> Grouped:
    """Return the union of each group's spans as sorted, disjoint, non-touching spans."""
    keep = spans.end > spans.start
    if not keep.all():
        spans = Grouped(spans.group[keep], spans.start[keep], spans.end[keep])
    return coverage([spans], _any)


def clip(spans: Grouped, lo: int, hi: int) -> Grouped:
    """Return the spans cut to ``[lo, hi)``, dropping those left empty."""
    s = np.maximum(spans.start, lo)
    e = np.minimum(spans.end, hi)
    keep = e > s
    return Grouped(spans.group[keep], s[keep], e[keep])


def bucketize(spans: Grouped, origin: int, size: int) -> Grouped:
    """Widen each span to the whole buckets of ``size`` it touches, on a grid at ``origin``.

    A bucket ``[origin + k*size, origin + (k+1)*size)`` is touched when it
    overlaps the span by a positive length. The result may overlap itself;
    normalise it if needed.
    """
    start = origin + ((spans.start - origin) // size) * size
    end = origin - ((origin - spans.end) // size) * size
    return Grouped(spans.group, start, end)


def sum_by_group(group: I64, values: I64, n_groups: int) -> I64:
    """Return the exact ``int64`` sum of ``values`` per group ``0 .. n_groups - 1``.

    ``group`` must be sorted ascending (every kernel here returns sorted groups).
    """
    if group.shape[0] == 0:
        return np.zeros(n_groups, dtype=np.int64)
    csum = np.concatenate(([0], np.cumsum(values, dtype=np.int64)))
    edges = np.searchsorted(group, np.arange(n_groups + 1, dtype=np.int64), side="left")
    return np.asarray(csum[edges[1:]] - csum[edges[:-1]], dtype=np.int64)


def group_slices(group: I64, n_groups: int) -> npt.NDArray[np.intp]:
    """Return ``edges`` such that group ``k`` occupies ``[edges[k], edges[k+1])`` of ``group``."""
    return np.searchsorted(group, np.arange(n_groups + 1, dtype=np.int64), side="left")


class Packed:
    """Grouped spans laid end to end on one axis, for prefix measures by ``searchsorted``.

    Group ``g``'s time ``t`` maps to ``g * stride + (t - origin)``; with every
    time inside ``[origin, origin + stride)``, groups never meet, so a grouped,
    normalised span set becomes one sorted 1-D span set.
    """

    __slots__ = ("_cum", "end", "origin", "start", "stride")

    def __init__(self, spans: Grouped, origin: int, stride: int) -> None:
        self.origin = origin
        self.stride = stride
        self.start = spans.group * stride + (spans.start - origin)
        self.end = spans.group * stride + (spans.end - origin)
        self._cum = np.concatenate(([0], np.cumsum(self.end - self.start, dtype=np.int64)))

    def key(self, group: I64, time: I64) -> I64:
        """Return the packed coordinate of (group, time)."""
        return np.asarray(group * self.stride + (time - self.origin), dtype=np.int64)

    def measure_before(self, group: I64, time: I64) -> I64:
        """Return, per query, the spans' measure in ``group`` before ``time`` (plus earlier groups).

        Only differences of two queries in the same group are meaningful.
        """
        q = self.key(group, time)
        if self.start.shape[0] == 0:
            return np.zeros(q.shape[0], dtype=np.int64)
        i = np.searchsorted(self.start, q, side="right")
        total = self._cum[i]
        has_prev = i > 0
        prev_end = np.where(has_prev, self.end[np.maximum(i - 1, 0)], q)
        return np.asarray(total - np.maximum(prev_end - q, 0), dtype=np.int64)

    def measure_within(self, group: I64, start: I64, end: I64) -> I64:
        """Return, per query, the measure of the spans of ``group`` inside ``[start, end)``."""
        return self.measure_before(group, end) - self.measure_before(group, start)


def fits_packed(n_groups: int, stride: int) -> bool:
    """Return whether ``n_groups`` groups of ``stride`` microseconds fit the int64 packed axis."""
    return n_groups * stride < 2**62


def covered_by_at_least(spans: Grouped, need: I64) -> Grouped:
    """Return, per group ``g``, the spans covered by at least ``need[g]`` of the input spans.

    The input spans of one group must each come from a different source (for
    example, one normalised timeline per component), so that the count of
    covering spans is the count of sources down at that instant.
    """
    if len(spans) == 0:
        return empty()
    n = len(spans)
    group = np.concatenate((spans.group, spans.group))
    time = np.concatenate((spans.start, spans.end))
    kind = np.concatenate((np.ones(n, np.int64), np.zeros(n, np.int64)))
    order = _order(group, time, kind)
    group = group[order]
    time = time[order]
    count = np.cumsum((kind[order] << 1) - 1)
    mask = (count[:-1] >= need[group[:-1]]) & (group[:-1] == group[1:]) & (time[1:] > time[:-1])
    idx = np.flatnonzero(mask)
    return _merge_sorted(Grouped(group[idx], time[idx], time[idx + 1]))
