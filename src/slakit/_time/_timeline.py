"""Half-open spans and immutable, numpy-backed timelines (sets of disjoint spans)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, overload

import attrs
import numpy as np
import numpy.typing as npt

from slakit._node import DSLRepr
from slakit._time import _kernels as k
from slakit._time._instant import (
    MAX_INSTANT_US,
    MIN_INSTANT_US,
    InstantLike,
    describe_us,
    format_us,
    from_us,
    membership_us,
    to_us,
)
from slakit.exceptions import DefinitionError

__all__ = ["Span", "Timeline"]


def _instant(value: InstantLike) -> int:
    return to_us(value, name="span bound")


@attrs.frozen(repr=False, order=True)
class Span(DSLRepr):
    """A half-open span of time ``[start, end)``, stored as integer microseconds UTC.

    ``start`` and ``end`` accept aware datetimes, ISO 8601 strings with an
    offset, or integer microseconds since the epoch; ``end`` must lie after
    ``start``.

    Examples:
        >>> Span("2026-10-01T00:00:00Z", "2026-10-01T00:05:00Z").duration.words()
        '5 minutes'
    """

    start: int = attrs.field(converter=_instant)
    end: int = attrs.field(converter=_instant)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise DefinitionError(
                f"Span end={format_us(self.end)!r} must lie after start={format_us(self.start)!r}"
            )

    @property
    def duration(self) -> Any:
        """The span's length as a [`Duration`][slakit.Duration]."""
        from slakit._time._instant import Duration

        return Duration(self.end - self.start)

    @property
    def start_datetime(self) -> datetime:
        """The start as an aware UTC datetime."""
        return from_us(self.start)

    @property
    def end_datetime(self) -> datetime:
        """The end as an aware UTC datetime."""
        return from_us(self.end)

    def __contains__(self, instant: InstantLike) -> bool:
        t = membership_us(instant)
        return self.start <= t < self.end

    def __repr__(self) -> str:
        return f"Span({format_us(self.start)!r}, {format_us(self.end)!r})"

    def __str__(self) -> str:
        return f"[{format_us(self.start)}, {format_us(self.end)})"


def _spans_to_arrays(spans: Iterable[Span | tuple[InstantLike, InstantLike]]) -> k.Grouped:
    starts: list[int] = []
    ends: list[int] = []
    for item in spans:
        span = item if isinstance(item, Span) else Span(*item)
        starts.append(span.start)
        ends.append(span.end)
    n = len(starts)
    return k.as_grouped(np.zeros(n, np.int64), starts, ends)


class Timeline(DSLRepr):
    """An immutable set of disjoint half-open spans, backed by two ``int64`` arrays.

    Build one from spans (which may overlap; they are merged), combine
    timelines with ``|`` (union), ``&`` (intersection) and ``-`` (difference),
    and measure the total time with [`measure()`][slakit.Timeline.measure]. Touching spans are
    merged,
    so two timelines are equal exactly when they cover the same instants.

    Examples:
        >>> a = Timeline([("2026-10-01T00:00Z", "2026-10-01T02:00Z")])
        >>> b = Timeline([("2026-10-01T01:00Z", "2026-10-01T03:00Z")])
        >>> (a & b).measure()
        3600000000
    """

    __slots__ = ("_end", "_start")

    _start: k.I64
    _end: k.I64

    def __init__(self, spans: Iterable[Span | tuple[InstantLike, InstantLike]] = ()) -> None:
        grouped = k.normalize(_spans_to_arrays(spans))
        self._set(grouped.start, grouped.end)

    def _set(self, start: k.I64, end: k.I64) -> None:
        start = np.array(start, dtype=np.int64, copy=True)
        end = np.array(end, dtype=np.int64, copy=True)
        start.flags.writeable = False
        end.flags.writeable = False
        object.__setattr__(self, "_start", start)
        object.__setattr__(self, "_end", end)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Timeline is immutable; cannot set {name!r}")

    @classmethod
    def from_arrays(cls, start: npt.ArrayLike, end: npt.ArrayLike) -> Timeline:
        """Build a timeline from arrays of start and end microseconds (any order, may overlap).

        Raises:
            DefinitionError: the arrays differ in length, a span ends before it
                starts, or a bound lies outside the supported instants.
        """
        s = np.asarray(start, dtype=np.int64).ravel()
        e = np.asarray(end, dtype=np.int64).ravel()
        if s.shape != e.shape:
            raise DefinitionError(
                f"start and end arrays differ in length ({s.shape[0]} != {e.shape[0]})"
            )
        for name, array in (("start", s), ("end", e)):
            outside = np.flatnonzero((array < MIN_INSTANT_US) | (array > MAX_INSTANT_US))
            if outside.size:
                i = int(outside[0])
                raise DefinitionError(
                    f"span {i}: {name}={int(array[i])} lies outside the supported instants, "
                    f"1970-01-01T00:00:00Z to 9999-01-01T00:00:00Z ({MIN_INSTANT_US} to "
                    f"{MAX_INSTANT_US} microseconds)"
                )
        bad = np.flatnonzero(e <= s)
        if bad.size:
            i = int(bad[0])
            raise DefinitionError(
                f"span {i} ends at or before it starts (start={format_us(int(s[i]))}, "
                f"end={format_us(int(e[i]))}); every span needs end > start"
            )
        return cls._from_grouped(k.normalize(k.Grouped(np.zeros_like(s), s, e)))

    @classmethod
    def _from_normalized(cls, start: k.I64, end: k.I64) -> Timeline:
        timeline = cls.__new__(cls)
        timeline._set(start, end)
        return timeline

    @classmethod
    def _from_grouped(cls, grouped: k.Grouped) -> Timeline:
        return cls._from_normalized(grouped.start, grouped.end)

    def _grouped(self) -> k.Grouped:
        return k.Grouped(np.zeros_like(self._start), self._start, self._end)

    # --- views -----------------------------------------------------------------------------

    @property
    def starts(self) -> k.I64:
        """The spans' starts, ascending, as a read-only ``int64`` array of microseconds."""
        return self._start

    @property
    def ends(self) -> k.I64:
        """The spans' ends, as a read-only ``int64`` array of microseconds."""
        return self._end

    def measure(self) -> int:
        """Return the total covered time in integer microseconds."""
        return int(np.sum(self._end - self._start, dtype=np.int64))

    def __len__(self) -> int:
        return int(self._start.shape[0])

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self) -> Iterator[Span]:
        for s, e in zip(self._start.tolist(), self._end.tolist(), strict=True):
            yield Span(s, e)

    @overload
    def __getitem__(self, index: int) -> Span: ...
    @overload
    def __getitem__(self, index: slice) -> Timeline: ...
    def __getitem__(self, index: int | slice) -> Span | Timeline:
        if isinstance(index, slice):
            return Timeline._from_normalized(self._start[index], self._end[index])
        return Span(int(self._start[index]), int(self._end[index]))

    def __contains__(self, instant: InstantLike) -> bool:
        t = membership_us(instant)
        i = int(np.searchsorted(self._start, t, side="right")) - 1
        return i >= 0 and t < int(self._end[i])

    @property
    def span(self) -> Span | None:
        """The smallest span that holds the whole timeline, or ``None`` if it is empty."""
        if not self:
            return None
        return Span(int(self._start[0]), int(self._end[-1]))

    # --- algebra ---------------------------------------------------------------------------

    def _combine(self, other: Timeline, keep: Any) -> Timeline:
        return Timeline._from_grouped(k.coverage([self._grouped(), other._grouped()], keep))

    def union(self, *others: Timeline) -> Timeline:
        """Return the instants covered by this timeline or any of ``others``."""
        parts = [self._grouped(), *(o._grouped() for o in others)]
        return Timeline._from_grouped(
            k.normalize(
                k.Grouped(
                    np.concatenate([p.group for p in parts]),
                    np.concatenate([p.start for p in parts]),
                    np.concatenate([p.end for p in parts]),
                )
            )
        )

    def intersection(self, other: Timeline) -> Timeline:
        """Return the instants covered by both timelines."""
        return self._combine(other, lambda c: (c[0] > 0) & (c[1] > 0))

    def difference(self, other: Timeline) -> Timeline:
        """Return the instants of this timeline that ``other`` does not cover."""
        return self._combine(other, lambda c: (c[0] > 0) & (c[1] == 0))

    def symmetric_difference(self, other: Timeline) -> Timeline:
        """Return the instants covered by exactly one of the two timelines."""
        return self._combine(other, lambda c: (c[0] > 0) != (c[1] > 0))

    def __or__(self, other: object) -> Timeline:
        return self.union(other) if isinstance(other, Timeline) else NotImplemented

    def __and__(self, other: object) -> Timeline:
        return self.intersection(other) if isinstance(other, Timeline) else NotImplemented

    def __sub__(self, other: object) -> Timeline:
        return self.difference(other) if isinstance(other, Timeline) else NotImplemented

    def __xor__(self, other: object) -> Timeline:
        return self.symmetric_difference(other) if isinstance(other, Timeline) else NotImplemented

    def clip(self, span: Span | tuple[InstantLike, InstantLike]) -> Timeline:
        """Return the part of the timeline inside ``span``."""
        window = span if isinstance(span, Span) else Span(*span)
        return Timeline._from_grouped(k.clip(self._grouped(), window.start, window.end))

    def complement(self, within: Span | tuple[InstantLike, InstantLike]) -> Timeline:
        """Return the instants of ``within`` that the timeline does not cover."""
        window = within if isinstance(within, Span) else Span(*within)
        return Timeline([window]) - self

    # --- value semantics -------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Timeline):
            return NotImplemented
        return bool(
            np.array_equal(self._start, other._start) and np.array_equal(self._end, other._end)
        )

    def __hash__(self) -> int:
        return hash((self._start.tobytes(), self._end.tobytes()))

    def __repr__(self) -> str:
        inner = ", ".join(f"({format_us(s)!r}, {format_us(e)!r})" for s, e in self._pairs(6))
        more = f", ...{len(self) - 6} more" if len(self) > 6 else ""
        return f"Timeline([{inner}{more}])"

    def _pairs(self, limit: int) -> list[tuple[int, int]]:
        return list(zip(self._start[:limit].tolist(), self._end[:limit].tolist(), strict=True))

    def describe(self) -> str:
        """Return the spans and their total, one per line, for people."""
        lines = [f"{span}  ({describe_us(span.end - span.start)})" for span in self]
        lines.append(f"total {describe_us(self.measure())}")
        return "\n".join(lines)
