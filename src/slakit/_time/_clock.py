"""Business-time clocks: elapsed business time and due instants, for whole ticket queues.

A [`BusinessClock`][slakit.BusinessClock] runs only while its calendar is open. It answers two
questions for arrays of tickets at once:

- [`elapsed()`][slakit.BusinessClock.elapsed]: how much business time lies between each
  ticket's start and end instant, less the business time of its pauses
  ("waiting on customer");
- [`due()`][slakit.BusinessClock.due]: the instant at which each ticket has accrued a
  business duration (a response target such as 4 business hours).

Both materialise the calendar once over the span that the whole queue needs,
take prefix sums of the window lengths, and answer every ticket with
``searchsorted``: the cost grows with the number of tickets and windows, not
with the minutes between them, and no Python code runs per ticket.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, overload

import attrs
import numpy as np
import numpy.typing as npt

from slakit._node import node, shown
from slakit._time import _kernels as k
from slakit._time._calendar import Calendar
from slakit._time._instant import (
    US_PER_DAY,
    Duration,
    InstantLike,
    format_us,
    from_us,
    to_us,
)
from slakit._time._timeline import Span
from slakit.exceptions import DefinitionError, EvaluationError

__all__ = ["BusinessClock", "PauseSpans", "business_clock"]

#: Pauses of a ticket queue: ``(ticket, start, end)`` arrays, ``ticket`` indexing the queue.
PauseSpans = tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike]

_MAX_HORIZON_US = 100 * 366 * US_PER_DAY


def _is_scalar(value: object) -> bool:
    return isinstance(value, datetime | str | int | np.integer) and not isinstance(value, bool)


def _instants(values: object, name: str) -> k.I64:
    """Return instants as an ``int64`` array of microseconds UTC."""
    if isinstance(values, np.ndarray):
        if np.issubdtype(values.dtype, np.datetime64):
            return np.ascontiguousarray(values.astype("datetime64[us]").astype(np.int64)).ravel()
        if np.issubdtype(values.dtype, np.integer):
            return np.ascontiguousarray(values, dtype=np.int64).ravel()
        if values.dtype != object:
            raise DefinitionError(
                f"{name}= is an array of {values.dtype}; give integer microseconds since the "
                "epoch, datetime64 values, or aware datetimes"
            )
        values = values.tolist()
    if _is_scalar(values):
        return np.array([to_us(values, name=name)], dtype=np.int64)  # type: ignore[arg-type]
    if isinstance(values, Iterable):
        return np.array(
            [to_us(v, name=f"{name}[{i}]") for i, v in enumerate(values)], dtype=np.int64
        )
    raise DefinitionError(
        f"{name}={values!r} is not an instant or an array of instants; give integer "
        "microseconds, datetime64 values, aware datetimes or ISO 8601 strings with an offset"
    )


def _durations(values: object, n: int) -> k.I64:
    """Return business durations as ``int64`` microseconds, broadcast to ``n`` tickets."""
    if isinstance(values, Duration):
        return np.full(n, values.us, dtype=np.int64)
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.timedelta64):
        array = values.astype("timedelta64[us]").astype(np.int64)
    elif isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.integer):
        array = values.astype(np.int64)
    elif isinstance(values, Sequence) and all(isinstance(v, Duration) for v in values):
        array = np.array([v.us for v in values], dtype=np.int64)
    else:
        raise DefinitionError(
            f"after={values!r}: give a Duration such as hours(4), or an array of integer "
            "microseconds or timedelta64 values, one per ticket"
        )
    array = np.ascontiguousarray(array, dtype=np.int64).ravel()
    if array.shape[0] == 1:
        array = np.full(n, int(array[0]), dtype=np.int64)
    if array.shape[0] != n:
        raise DefinitionError(
            f"after= holds {array.shape[0]} durations for {n} tickets; give one per ticket "
            "or a single Duration"
        )
    if array.size and int(array.min()) < 0:
        raise DefinitionError("after= holds a negative duration; business durations are >= 0")
    return array


class _Prefix:
    """Prefix sums over a calendar's windows: business time from ``lo`` to any instant."""

    def __init__(self, calendar: Calendar, lo: int, hi: int) -> None:
        timeline = calendar.timeline(lo, hi)
        self.start = timeline.starts
        self.length = timeline.ends - timeline.starts
        self.before = np.concatenate(([0], np.cumsum(self.length, dtype=np.int64)))
        self.total = int(self.before[-1])

    def at(self, t: k.I64) -> k.I64:
        """Return the business time in ``[lo, t)`` for each instant ``t``."""
        if not self.start.size:
            return np.zeros_like(t)
        j = np.searchsorted(self.start, t, side="right") - 1
        safe = np.maximum(j, 0)
        inside = np.clip(t - self.start[safe], 0, self.length[safe])
        return np.asarray(np.where(j >= 0, self.before[safe] + inside, 0), dtype=np.int64)

    def inverse(self, x: k.I64) -> k.I64:
        """Return the earliest instant at which the business time from ``lo`` reaches ``x > 0``."""
        if not self.start.size:
            return np.zeros_like(x)
        j = np.searchsorted(self.before[1:], x, side="left")
        j = np.minimum(j, self.start.shape[0] - 1)
        return np.asarray(self.start[j] + (x - self.before[j]), dtype=np.int64)


def _pause_arrays(pauses: object, n: int, scalar: bool) -> k.Grouped:
    """Return the pauses as a normalised grouped span set keyed by ticket index."""
    if pauses is None:
        return k.empty()
    if scalar:
        if not isinstance(pauses, Iterable):
            raise DefinitionError(
                f"pauses={pauses!r}: for one ticket give spans, such as "
                "[Span(start, end), ...] or [(start, end), ...]"
            )
        spans = [p if isinstance(p, Span) else Span(*p) for p in pauses]
        grouped = k.as_grouped(
            np.zeros(len(spans)), [s.start for s in spans], [s.end for s in spans]
        )
    else:
        if not (isinstance(pauses, tuple) and len(pauses) == 3):
            raise DefinitionError(
                "pauses= for a queue of tickets is a tuple (ticket, start, end) of three "
                "equal-length arrays: the ticket's index in the queue and the pause's bounds"
            )
        ticket = np.ascontiguousarray(pauses[0], dtype=np.int64).ravel()
        grouped = k.Grouped(
            ticket, _instants(pauses[1], "pauses start"), _instants(pauses[2], "pauses end")
        )
        if not (ticket.shape == grouped.start.shape == grouped.end.shape):
            raise DefinitionError("pauses= arrays (ticket, start, end) differ in length")
        if ticket.size and (int(ticket.min()) < 0 or int(ticket.max()) >= n):
            raise DefinitionError(
                f"pauses= names a ticket index outside 0..{n - 1}; the first array holds "
                "each pause's position in the start array"
            )
    bad = np.flatnonzero(grouped.end < grouped.start)
    if bad.size:
        i = int(bad[0])
        raise DefinitionError(
            f"pause {i} ends before it starts (start={format_us(int(grouped.start[i]))}, "
            f"end={format_us(int(grouped.end[i]))})"
        )
    return k.normalize(grouped)


@node("business_clock", call="BusinessClock")
@attrs.frozen
class BusinessClock:
    """A clock that runs only while ``calendar`` is open, vectorised over ticket queues.

    Examples:
        >>> import slakit as sla
        >>> clock = sla.BusinessClock(sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin"))
        >>> clock.elapsed("2026-10-23T15:00:00Z", "2026-10-26T08:00:00Z")  # Fri 17:00 to Mon 09:00
        hours(2)
        >>> clock.due("2026-10-23T15:30:00Z", sla.hours(1)).isoformat()  # Fri 17:30 + 1h
        '2026-10-26T07:30:00+00:00'
    """

    calendar: Calendar = attrs.field(metadata=shown(positional=True))

    @calendar.validator
    def _check(self, _attribute: attrs.Attribute[Calendar], value: object) -> None:
        if not isinstance(value, Calendar):
            raise DefinitionError(
                f"BusinessClock(calendar={value!r}): give a calendar, such as "
                "weekly('Mon-Fri 08:00-18:00', tz='Europe/Berlin')"
            )

    @overload
    def elapsed(
        self,
        start: InstantLike,
        end: InstantLike,
        *,
        pauses: Iterable[Span | tuple[InstantLike, InstantLike]] | None = None,
    ) -> Duration: ...
    @overload
    def elapsed(
        self, start: Any, end: Any, *, pauses: PauseSpans | None = None
    ) -> npt.NDArray[np.int64]: ...
    def elapsed(self, start: Any, end: Any, *, pauses: Any = None) -> Any:
        """Return the business time from each ``start`` to its ``end``, less paused time.

        Args:
            start: one instant, or an array of them (integer microseconds UTC,
                ``datetime64``, or a sequence of aware datetimes or ISO strings).
            end: the matching end instant(s); none may lie before its start.
            pauses: for one ticket, spans during which the clock stops; for a
                queue, a tuple ``(ticket, start, end)`` of arrays, ``ticket`` being
                the index of the ticket each pause belongs to. Pauses may overlap.

        Returns:
            A [`Duration`][slakit.Duration] for one ticket, or an ``int64`` array of
            microseconds for a queue.

        Raises:
            DefinitionError: arrays differ in length, an end lies before its start,
                or a pause is malformed.
        """
        scalar = _is_scalar(start) and _is_scalar(end)
        s = _instants(start, "start")
        e = _instants(end, "end")
        if s.shape != e.shape:
            raise DefinitionError(
                f"start and end hold {s.shape[0]} and {e.shape[0]} instants; give one end per start"
            )
        bad = np.flatnonzero(e < s)
        if bad.size:
            i = int(bad[0])
            raise DefinitionError(
                f"ticket {i} ends at {format_us(int(e[i]))}, before it starts at "
                f"{format_us(int(s[i]))}; every end must be at or after its start"
            )
        if s.size == 0:
            return np.zeros(0, dtype=np.int64)
        paused = _pause_arrays(pauses, s.shape[0], scalar)
        prefix = _Prefix(self.calendar, int(s.min()), int(e.max()))
        result = prefix.at(e) - prefix.at(s)
        if len(paused):
            g = paused.group
            ps = np.maximum(paused.start, s[g])
            pe = np.minimum(paused.end, e[g])
            keep = pe > ps
            g, ps, pe = g[keep], ps[keep], pe[keep]
            result -= k.sum_by_group(g, prefix.at(pe) - prefix.at(ps), s.shape[0])
        if scalar:
            return Duration(int(result[0]))
        return result

    @overload
    def due(
        self,
        start: InstantLike,
        after: Duration,
        *,
        pauses: Iterable[Span | tuple[InstantLike, InstantLike]] | None = None,
    ) -> datetime: ...
    @overload
    def due(
        self, start: Any, after: Any, *, pauses: PauseSpans | None = None
    ) -> npt.NDArray[np.int64]: ...
    def due(self, start: Any, after: Any, *, pauses: Any = None) -> Any:
        """Return the instant at which each ticket has accrued ``after`` of business time.

        The due instant is the earliest one at which the business time since
        ``start``, less paused time, reaches ``after``: a target reached exactly
        at closing time is due at closing time, not at the next opening.

        Args:
            start: one instant or an array of them (as for
                [`elapsed()`][slakit.BusinessClock.elapsed]).
            after: a [`Duration`][slakit.Duration] for all tickets, or an array of integer
                microseconds (or ``timedelta64``) with one duration per ticket.
            pauses: spans during which the clock stops (as for
                [`elapsed()`][slakit.BusinessClock.elapsed]).

        Returns:
            An aware UTC ``datetime`` for one ticket, or an ``int64``
            array of microseconds for a queue.

        Raises:
            DefinitionError: the inputs are malformed.
            EvaluationError: the calendar does not hold enough business time within
                a hundred years (a clock on ``never()``).
        """
        scalar = _is_scalar(start) and isinstance(after, Duration)
        s = _instants(start, "start")
        d = _durations(after, s.shape[0])
        if s.size == 0:
            return np.zeros(0, dtype=np.int64)
        paused = _pause_arrays(pauses, s.shape[0], scalar)
        if len(paused):
            ps = np.maximum(paused.start, s[paused.group])
            keep = paused.end > ps
            paused = k.Grouped(paused.group[keep], ps[keep], paused.end[keep])
        lo = int(s.min())
        horizon = max(4 * int(d.max()), 14 * US_PER_DAY)
        while True:
            hi = int(s.max()) + horizon
            if len(paused):
                hi = max(hi, int(paused.end.max()) + horizon)
            prefix = _Prefix(self.calendar, lo, hi)
            base = prefix.at(s)
            target = base + d
            if len(paused):
                target += self._paused_before(prefix, paused, base, d)
            if int(target.max()) <= prefix.total:
                break
            if horizon > _MAX_HORIZON_US:
                i = int(np.argmax(target))
                raise EvaluationError(
                    f"{self.calendar!r} holds less than {Duration(int(d[i])).words()} of "
                    f"business time in the hundred years after {format_us(int(s[i]))}; "
                    "the due instant never comes"
                )
            horizon *= 4
        result = np.where(d > 0, np.maximum(prefix.inverse(np.maximum(target, 1)), s), s)
        result = np.asarray(result, dtype=np.int64)
        if scalar:
            return from_us(int(result[0]))
        return result

    @staticmethod
    def _paused_before(prefix: _Prefix, paused: k.Grouped, base: k.I64, d: k.I64) -> k.I64:
        """Return, per ticket, the business time of the pauses that begin before it is due."""
        g = paused.group
        b = prefix.at(paused.start)
        length = prefix.at(paused.end) - b
        csum = np.cumsum(length, dtype=np.int64)
        edges = k.group_slices(g, base.shape[0])
        first = edges[g]  # index of the ticket's first pause
        before = csum - length - np.where(first > 0, csum[np.maximum(first - 1, 0)], 0)
        # Business time the ticket has accrued when this pause begins, pauses excluded.
        accrued = b - base[g] - before
        counted = accrued < d[g]
        return k.sum_by_group(g, np.where(counted, length, 0), base.shape[0])


def business_clock(calendar: Calendar) -> BusinessClock:
    """Return a clock that runs only while ``calendar`` is open (same as ``BusinessClock``)."""
    return BusinessClock(calendar)
