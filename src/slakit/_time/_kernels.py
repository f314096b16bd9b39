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
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = [
    "I64",
    "Grouped",
    "Sweep",
    "bucketize",
    "clip",
    "coverage",
    "coverage_many",
    "covered_by_at_least",
    "empty",
    "measure_before",
    "normalize",
    "search_right",
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


def stable_order(codes: npt.NDArray[np.integer[Any]]) -> I64:
    """Return the stable ``argsort`` of integer codes, as ``int64``.

    Where each code's offset from the smallest, beside each row's position,
    fits one ``int64``, the packed keys are sorted by value (``np.sort``, about
    twice as fast as a stable ``argsort``: the keys are distinct, so any order
    of them is the stable one); otherwise a stable ``argsort``.
    """
    n = codes.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    low = int(codes.min())
    row_bits = max((n - 1).bit_length(), 1)
    if (int(codes.max()) - low).bit_length() + row_bits <= 62:
        key: I64 = (codes.astype(np.int64) - low) << row_bits
        key |= np.arange(n, dtype=np.int64)
        key.sort()
        key &= (1 << row_bits) - 1
        return key
    return np.argsort(codes, kind="stable").astype(np.int64)


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
    """Like ``coverage()``, for several predicates over one shared ordering of boundaries.

    Takes one to three span sets (see ``Sweep``).
    """
    sweep = Sweep(sets)
    return [sweep.spans(keep) for keep in keeps]


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


def within_timeline(spans: Grouped, timeline: tuple[I64, I64]) -> Grouped:
    """Return normalised spans cut to one timeline that every group shares.

    ``timeline`` is the sorted, disjoint, non-touching starts and ends of one
    timeline. Each span is cut into its pieces inside the timeline's spans it
    overlaps, found by two searches: no copy of the timeline per group, no
    sweep. The pieces of a normalised span set are normalised too.
    """
    starts, ends = timeline
    if spans.group.shape[0] == 0 or starts.shape[0] == 0:
        return empty()
    first = np.searchsorted(ends, spans.start, side="right")  # the first ending after the start
    stop = np.searchsorted(starts, spans.end, side="left")  # past the last starting before the end
    counts = np.maximum(stop - first, 0)
    which = np.repeat(np.arange(counts.shape[0], dtype=np.int64), counts)
    offset = np.arange(which.shape[0], dtype=np.int64) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    piece = np.repeat(first, counts) + offset
    return Grouped(
        spans.group[which],
        np.maximum(spans.start[which], starts[piece]),
        np.minimum(spans.end[which], ends[piece]),
    )


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
        return self._before(q, search_right(self.start, q))

    def _before(self, q: I64, i: npt.NDArray[np.intp]) -> I64:
        """Return the measure before packed instants ``q``, ``i`` their ``search_right``."""
        total = self._cum[i]
        has_prev = i > 0
        prev_end = np.where(has_prev, self.end[np.maximum(i - 1, 0)], q)
        return np.asarray(total - np.maximum(prev_end - q, 0), dtype=np.int64)

    def touches(self, group: I64, start: I64, end: I64) -> npt.NDArray[np.bool_]:
        """Return, per query, whether the spans of ``group`` meet ``[start, end)`` for any time.

        ``measure_within(...) > 0``, with one search a query: the spans are sorted
        and disjoint, so the first one that ends after ``start`` is the only one
        to look at.
        """
        lo, hi = self.key(group, start), self.key(group, end)
        n = self.start.shape[0]
        if n == 0:
            return np.zeros(lo.shape[0], dtype=bool)
        i = search_right(self.end, lo)  # the first span that ends after lo
        found = i < n
        first_start = self.start[np.minimum(i, n - 1)]
        return np.asarray(found & (first_start < hi) & (hi > lo), dtype=bool)

    def measure_within(self, group: I64, start: I64, end: I64) -> I64:
        """Return, per query, the measure of the spans of ``group`` inside ``[start, end)``.

        Many unsorted queries are put in the order of their starts once (see
        ``search_right()``): the starts are then searched in order, and the ends,
        which mostly follow their starts, nearly so.
        """
        lo, hi = self.key(group, start), self.key(group, end)
        if self.start.shape[0] == 0:
            return np.zeros(lo.shape[0], dtype=np.int64)
        if not _sort_first(self.start, lo):
            return self._before(hi, search_right(self.start, hi)) - self._before(
                lo, search_right(self.start, lo)
            )
        order = np.argsort(lo)
        lo, hi = lo[order], hi[order]
        found = np.empty(lo.shape[0], dtype=np.int64)
        found[order] = self._before(
            hi, np.searchsorted(self.start, hi, side="right")
        ) - self._before(lo, np.searchsorted(self.start, lo, side="right"))
        return found


#: Queries from which ``search_right()`` sorts them before searching.
SORTED_SEARCH_FROM = 1 << 16


def search_right(values: I64, queries: I64) -> npt.NDArray[np.intp]:
    """Return ``np.searchsorted(values, queries, side="right")``, searching in sorted order.

    Many queries in the order of a table's rows jump about a large array, a
    cache miss each; sorted, each search starts near the last one. So many
    unsorted queries are sorted first (one ``argsort``), which costs several
    times less than searching them as they come.
    """
    if not _sort_first(values, queries):
        return np.searchsorted(values, queries, side="right")
    order = np.argsort(queries)
    found = np.empty(queries.shape[0], dtype=np.intp)
    found[order] = np.searchsorted(values, queries[order], side="right")
    return found


def _sort_first(values: I64, queries: I64) -> bool:
    """Return whether to sort ``queries`` before searching ``values`` for them.

    Only many queries, out of order, in many values (a few values stay in the
    cache whatever the order of the queries) repay their sort.
    """
    if queries.shape[0] < SORTED_SEARCH_FROM or values.shape[0] < SORTED_SEARCH_FROM:
        return False
    return not bool(np.all(queries[1:] >= queries[:-1]))


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


_COUNT_BITS = 20  # per-set counters packed into one int64 running sum


class Sweep:
    """One ordering of the boundaries of up to three grouped span sets, reused for many questions.

    The boundaries are sorted once: when (group, time, kind, set) packs into one
    ``int64`` key, by value (``np.sort``, much cheaper than ``argsort``),
    otherwise with a lexsort. The running count of each set is packed into one
    ``cumsum`` (20 bits a set). ``sums()`` then measures, per group, the time
    where a predicate on the counts holds, without building spans;
    ``spans()`` builds them when evidence asks.
    """

    __slots__ = ("_counts", "_cum", "group", "n_sets", "t0", "time", "valid")

    def __init__(self, sets: Sequence[Grouped]) -> None:
        if not 1 <= len(sets) <= 3:
            raise ValueError("Sweep takes one to three span sets")
        # Each set below the top one counts in a 20-bit field; a set that could overlap itself
        # 2**20 times is merged first, so that its count is at most one.
        sets = [
            normalize(s) if i < len(sets) - 1 and len(s) >= 1 << _COUNT_BITS else s
            for i, s in enumerate(sets)
        ]
        self.n_sets = len(sets)
        total = sum(len(s) for s in sets)
        self._counts: dict[int, I64] = {}
        self.t0 = 0
        if total == 0:
            self.group = np.zeros(0, np.int64)
            self.time = np.zeros(0, np.int64)
            self._cum = np.zeros(0, np.int64)
            self.valid = np.zeros(0, dtype=bool)
            return
        t0 = min(int(s.start.min()) for s in sets if len(s))
        t_max = max(int(s.end.max()) for s in sets if len(s))
        g_min = min(int(s.group.min()) for s in sets if len(s))
        g_max = max(int(s.group.max()) for s in sets if len(s))
        t_bits = max((t_max - t0).bit_length(), 1)
        g_bits = max(g_max.bit_length(), 1)
        self.t0 = t0
        if g_min >= 0 and g_bits + t_bits + 3 <= 63:
            # One int64 key a boundary: group | time since t0 | kind (start 1, end 0) | set.
            shift = t_bits + 3
            key = np.empty(2 * total, dtype=np.int64)
            at = 0
            for i, s in enumerate(sets):
                n = len(s)
                head = s.group << shift
                np.add(head, ((s.start - t0) << 3) | (4 + i), out=key[at : at + n])
                np.add(head, ((s.end - t0) << 3) | i, out=key[at + n : at + 2 * n])
                at += 2 * n
            key.sort()
            self.group = key >> shift
            self.time = (key >> 3) & ((1 << t_bits) - 1)
            low = key & 7
        else:
            group = np.concatenate([np.concatenate((s.group, s.group)) for s in sets])
            time = np.concatenate([np.concatenate((s.start, s.end)) for s in sets]) - t0
            low = np.concatenate(
                [
                    np.concatenate((np.full(len(s), 4 + i, np.int64), np.full(len(s), i, np.int64)))
                    for i, s in enumerate(sets)
                ]
            )
            order = np.lexsort((low, time, group))
            self.group = group[order]
            self.time = time[order]
            low = low[order]
        unit = np.left_shift(1, _COUNT_BITS * (low & 3))
        np.negative(unit, out=unit, where=low < 4)
        self._cum = np.cumsum(unit)
        self.valid = (self.group[:-1] == self.group[1:]) & (self.time[1:] > self.time[:-1])

    def counts(self, i: int) -> I64:
        """Return, per elementary segment, how many spans of set ``i`` cover it."""
        if i not in self._counts:
            cum = self._cum[:-1] >> (_COUNT_BITS * i)
            # The top set's field is unbounded above; the others are 20 bits wide.
            last = i == self.n_sets - 1
            self._counts[i] = cum if last else cum & ((1 << _COUNT_BITS) - 1)
        return self._counts[i]

    def _mask(self, keep: Callable[[list[I64]], npt.NDArray[np.bool_]]) -> npt.NDArray[np.bool_]:
        if self.time.shape[0] == 0:
            return np.zeros(0, dtype=bool)
        counts = [self.counts(i) for i in range(self.n_sets)]
        return keep(counts) & self.valid

    def sums(
        self,
        keep: Callable[[list[I64]], npt.NDArray[np.bool_]],
        n_groups: int,
        *,
        within: tuple[I64, I64] | None = None,
    ) -> I64:
        """Return, per group ``0 .. n_groups - 1``, the exact time where ``keep`` holds.

        With ``within`` (the sorted, disjoint starts and ends of one timeline shared
        by every group), only the time inside it counts: each kept segment is
        measured against the timeline's prefix sums, so the timeline need not be
        swept once per group.
        """
        if self.time.shape[0] == 0:
            return np.zeros(n_groups, dtype=np.int64)
        mask = self._mask(keep)
        if within is None:
            length = np.where(mask, self.time[1:] - self.time[:-1], 0)
        else:
            idx = np.flatnonzero(mask)
            lo = self.time[idx] + self.t0
            hi = self.time[idx + 1] + self.t0
            length = np.zeros(self.time.shape[0] - 1, dtype=np.int64)
            length[idx] = measure_before(within, hi) - measure_before(within, lo)
        return sum_by_group(self.group[:-1], length, n_groups)

    def spans(self, keep: Callable[[list[I64]], npt.NDArray[np.bool_]]) -> Grouped:
        """Return the normalised spans where ``keep`` holds."""
        if self.time.shape[0] == 0:
            return empty()
        idx = np.flatnonzero(self._mask(keep))
        return _merge_sorted(
            Grouped(self.group[idx], self.time[idx] + self.t0, self.time[idx + 1] + self.t0)
        )


def measure_before(timeline: tuple[I64, I64], t: I64) -> I64:
    """Return, per instant of ``t``, the measure of ``timeline`` (sorted, disjoint) before it."""
    starts, ends = timeline
    if starts.shape[0] == 0:
        return np.zeros(t.shape[0], dtype=np.int64)
    cum = np.concatenate(([0], np.cumsum(ends - starts, dtype=np.int64)))
    i = np.searchsorted(starts, t, side="right")
    prev_end = ends[np.maximum(i - 1, 0)]
    over = np.where(i > 0, np.maximum(prev_end - t, 0), 0)
    return np.asarray(cum[i] - over, dtype=np.int64)
