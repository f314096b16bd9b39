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
    MIN_INSTANT_US,
    US_PER_DAY,
    Duration,
    InstantLike,
    format_us,
    from_us,
    to_us,
)
from slakit._time._timeline import Span
from slakit._time._zones import local_to_utc, utc_to_local
from slakit.exceptions import DefinitionError, EvaluationError

__all__ = ["BusinessClock", "BusinessDays", "PauseSpans", "business_clock", "business_days"]

#: Pauses of a ticket queue: ``(ticket, start, end)`` arrays, ``ticket`` indexing the queue.
PauseSpans = tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike]

_MAX_HORIZON_US = 100 * 366 * US_PER_DAY


def _like(given: object, us: int) -> datetime | int:
    """Return an instant as the caller gave one: microseconds for an int, else a datetime.

    Results keep instants as integer microseconds (``Span.start``,
    ``TicketNote.due``): a clock asked with one answers with one.
    """
    if isinstance(given, int | np.integer) and not isinstance(given, bool):
        return us
    return from_us(us)


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

    def latest(self, x: k.I64) -> k.I64:
        """Return the latest instant at which the business time from ``lo`` is ``x`` (>= 0).

        Between windows the business time stands still, so where ``x`` is a
        window's end the latest such instant is the next window's start (the
        caller caps it); past the last window it is that window's end.
        """
        if not self.start.size:
            return np.zeros_like(x)
        j = np.searchsorted(self.before[1:], x, side="right")
        last = self.start.shape[0] - 1
        inside = np.asarray(
            self.start[np.minimum(j, last)] + (x - self.before[np.minimum(j, last)])
        )
        after_all = self.start[last] + self.length[last]
        return np.asarray(np.where(j > last, after_all, inside), dtype=np.int64)

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
        start: datetime | str,
        after: Duration,
        *,
        pauses: Iterable[Span | tuple[InstantLike, InstantLike]] | None = None,
    ) -> datetime: ...
    @overload
    def due(
        self,
        start: int,
        after: Duration,
        *,
        pauses: Iterable[Span | tuple[InstantLike, InstantLike]] | None = None,
    ) -> int: ...
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
            For one ticket, the instant as it was given: an aware UTC
            ``datetime`` for a datetime or text, integer microseconds for an
            ``int`` (as results hold instants); an ``int64`` array of
            microseconds for a queue.

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
            return _like(start, int(result[0]))
        return result

    @overload
    def before(self, end: datetime | str, duration: Duration) -> datetime: ...
    @overload
    def before(self, end: int, duration: Duration) -> int: ...
    @overload
    def before(self, end: Any, duration: Any) -> npt.NDArray[np.int64]: ...
    def before(self, end: Any, duration: Any) -> Any:
        """Return the instant ``duration`` of business time before each ``end``: subtraction.

        The latest instant from which the business time to ``end`` is
        ``duration`` (``due()`` run backwards): an hour before Monday 09:00, on
        hours from 08:00, is Monday 08:00, not Friday evening. Zero is ``end``
        itself.

        Args:
            end: one instant or an array of them (as for
                [`elapsed()`][slakit.BusinessClock.elapsed]).
            duration: a [`Duration`][slakit.Duration] for all, or an array of
                integer microseconds (or ``timedelta64``), one per instant.

        Returns:
            For one instant, the instant as it was given (an aware UTC
            ``datetime`` for a datetime or text, integer microseconds for an
            ``int``); an ``int64`` array of microseconds for an array.

        Raises:
            DefinitionError: the inputs are malformed.
            EvaluationError: the calendar holds less than ``duration`` of business
                time in the hundred years before an instant.
        """
        scalar = _is_scalar(end) and isinstance(duration, Duration)
        e = _instants(end, "end")
        d = _durations(duration, e.shape[0])
        if e.size == 0:
            return np.zeros(0, dtype=np.int64)
        hi = int(e.max())
        horizon = max(4 * int(d.max()), 14 * US_PER_DAY)
        while True:
            lo = max(int(e.min()) - horizon, MIN_INSTANT_US)
            prefix = _Prefix(self.calendar, lo, hi)
            target = prefix.at(e) - d
            if int(target.min()) >= 0 or lo == MIN_INSTANT_US or horizon > _MAX_HORIZON_US:
                break
            horizon *= 4
        if int(target.min()) < 0:
            i = int(np.argmin(target))
            raise EvaluationError(
                f"{self.calendar!r} holds less than {Duration(int(d[i])).words()} of business "
                f"time in the hundred years before {format_us(int(e[i]))}"
            )
        result = np.where(d > 0, np.minimum(prefix.latest(target), e), e)
        result = np.asarray(result, dtype=np.int64)
        if scalar:
            return _like(end, int(result[0]))
        return result

    @overload
    def previous_business_instant(self, instant: datetime | str) -> datetime: ...
    @overload
    def previous_business_instant(self, instant: int) -> int: ...
    @overload
    def previous_business_instant(self, instant: Any) -> npt.NDArray[np.int64]: ...
    def previous_business_instant(self, instant: Any) -> Any:
        """Return each instant itself when the calendar is open then, else when it last closed.

        The end of the last open window before a closed instant (Friday 18:00
        for a Saturday), the moment business time stopped. One instant comes
        back as it was given (a datetime, or integer microseconds for an
        ``int``); an array as an ``int64`` array.

        Raises:
            EvaluationError: the calendar was not open in the hundred years before.
        """
        scalar = _is_scalar(instant)
        t = _instants(instant, "instant")
        if t.size == 0:
            return np.zeros(0, dtype=np.int64)
        horizon = 14 * US_PER_DAY
        while True:
            lo = max(int(t.min()) - horizon, MIN_INSTANT_US)
            timeline = self.calendar.timeline(lo, int(t.max()) + 1)
            j = np.searchsorted(timeline.starts, t, side="right") - 1
            if bool((j >= 0).all()) or lo == MIN_INSTANT_US or horizon > _MAX_HORIZON_US:
                break
            horizon *= 4
        if not bool((j >= 0).all()):
            i = int(np.flatnonzero(j < 0)[0])
            raise EvaluationError(
                f"{self.calendar!r} is not open in the hundred years before {format_us(int(t[i]))}"
            )
        result = np.asarray(np.minimum(t, timeline.ends[j]), dtype=np.int64)
        if scalar:
            return _like(instant, int(result[0]))
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


# --- whole business days --------------------------------------------------------------------

#: How far ahead business days are looked for before a calendar counts as never open.
_BUSINESS_DAY_HORIZON = 3 * 366


@node("business_days")
@attrs.frozen
class BusinessDays:
    """A count of business days on a calendar: "5 business days' notice".

    A business day is a local day (in the calendar's zone) on which the
    calendar is open at some time. ``n`` business days after an instant is the
    same local time of day on the ``n``-th business day after the instant's own
    day (the day itself does not count, whether or not it is a business day).
    Build one with [`business_days()`][slakit.business_days].
    """

    n: int = attrs.field(metadata=shown(positional=True))
    calendar: Calendar = attrs.field(metadata=shown(positional=True))

    def __attrs_post_init__(self) -> None:
        n: object = self.n
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 366:
            raise DefinitionError(f"business_days({n!r}, ...): give a whole number from 1 to 366")
        calendar: object = self.calendar
        if not isinstance(calendar, Calendar):
            raise DefinitionError(
                f"business_days({n}, {calendar!r}): give the calendar of the business days, "
                "such as weekly('Mon-Fri 09:00-17:00', tz='Europe/Berlin')"
            )
        if self.zone is None:
            raise DefinitionError(
                f"business_days({n}, {calendar!r}): the calendar has no zone to tell its days "
                "in; give one, as in weekly(..., tz='Europe/Berlin') or holidays(..., tz=...)"
            )

    @property
    def zone(self) -> str | None:
        """The zone the days are told in: the calendar's."""
        return self.calendar._zone_hint()

    def words(self) -> str:
        """Return the count in words, with its calendar: "5 business days (Monday to ...)"."""
        unit = "business day" if self.n == 1 else "business days"
        return f"{self.n} {unit} ({self.calendar.describe()})"

    def after(self, instants: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Return, for each instant, the instant ``n`` business days later (vectorised).

        The same local time of day on the ``n``-th business day after the
        instant's local day; a time of day that a change of clocks skips on that
        day is read as the zone's rules read it (the compatible rule).

        Raises:
            EvaluationError: the calendar has fewer than ``n`` business days in the
                three years after an instant (a calendar that is never open).
        """
        return self._moved(instants, forward=True)

    def before(self, instants: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Return, for each instant, the instant ``n`` business days earlier (vectorised).

        The same local time of day on the ``n``-th business day before the
        instant's local day (that day itself does not count), by the same rule
        as [`after()`][slakit.BusinessDays.after] run backwards.

        Raises:
            EvaluationError: the calendar has fewer than ``n`` business days in the
                three years before an instant.
        """
        return self._moved(instants, forward=False)

    def _moved(self, instants: npt.ArrayLike, *, forward: bool) -> npt.NDArray[np.int64]:
        """Return each instant moved ``n`` business days forward or back, same time of day."""
        zone_name = self.zone
        assert zone_name is not None
        at = np.asarray(instants, dtype=np.int64)
        if at.size == 0:
            return at.copy()
        local = utc_to_local(at, zone_name)
        day = local // US_PER_DAY
        if forward:
            lo, hi = int(day.min()) + 1, int(day.max()) + 1 + _BUSINESS_DAY_HORIZON
        else:
            lo, hi = int(day.min()) - _BUSINESS_DAY_HORIZON, int(day.max())
        open_days = self._open_days(lo, hi, zone_name)
        if forward:
            index = np.searchsorted(open_days, day, side="right") + (self.n - 1)
            short = index >= open_days.shape[0]
        else:
            index = np.searchsorted(open_days, day, side="left") - self.n
            short = index < 0
        if bool(short.any()):
            when = format_us(int(at[np.flatnonzero(short)[0]]))
            raise EvaluationError(
                f"{self.words()}: the calendar has fewer than {self.n} business days in the "
                f"{_BUSINESS_DAY_HORIZON} days {'after' if forward else 'before'} {when}"
            )
        moved_day = open_days[index]
        return local_to_utc(moved_day * US_PER_DAY + (local - day * US_PER_DAY), zone_name)

    def _open_days(self, first_day: int, end_day: int, zone_name: str) -> npt.NDArray[np.int64]:
        """Return the local days in ``[first_day, end_day)`` on which the calendar is open."""
        lo = int(local_to_utc(np.asarray([first_day * US_PER_DAY]), zone_name)[0])
        hi = int(local_to_utc(np.asarray([end_day * US_PER_DAY]), zone_name)[0])
        timeline = self.calendar.timeline(lo, hi)
        if not len(timeline):
            return np.zeros(0, dtype=np.int64)
        starts = np.asarray([span.start for span in timeline], dtype=np.int64)
        ends = np.asarray([span.end for span in timeline], dtype=np.int64)
        a = utc_to_local(starts, zone_name) // US_PER_DAY
        b = utc_to_local(ends - 1, zone_name) // US_PER_DAY
        counts = b - a + 1
        days = np.repeat(a, counts) + (
            np.arange(int(counts.sum()), dtype=np.int64)
            - np.repeat(np.cumsum(counts) - counts, counts)
        )
        return np.unique(days)


def business_days(n: int, calendar: Calendar) -> BusinessDays:
    """Return ``n`` business days on ``calendar``, for notices counted in business days.

    >>> import slakit as sla
    >>> from slakit._time._instant import format_us, to_us
    >>> office = sla.weekly("Mon-Fri 09:00-17:00", tz="Europe/Berlin")
    >>> five = sla.business_days(5, office)
    >>> five.words()
    '5 business days (Monday to Friday, 09:00 to 17:00 (Europe/Berlin time))'
    >>> format_us(int(five.after([to_us("2026-10-02T08:00:00Z")])[0]))  # Friday 10:00
    '2026-10-09T08:00:00Z'
    """
    return BusinessDays(n, calendar)
