"""Vectorised wall-clock to UTC conversion through a zone's transition table.

``zoneinfo`` converts one datetime at a time. Calendars need thousands of
wall-clock window bounds converted at once, so this module finds a zone's UTC
offset transitions for the years a computation needs (by probing
``zoneinfo`` once a week and bisecting each change to the second; cached per
zone and year) and converts whole arrays with one ``searchsorted``.

The rule for wall times that a transition skips or repeats is the "compatible"
one of ``slakit._time._instant.local_to_us()``: a skipped time is read with
the offset in force before the gap (so it lands after the gap by the gap's
length), and a repeated time is its first occurrence. In wall-clock terms the
offset switches at ``transition + max(offset before, offset after)``.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

import numpy as np

from slakit._time._instant import US_PER_DAY, US_PER_SECOND, zone
from slakit._time._kernels import I64

__all__ = ["local_to_utc", "utc_to_local", "wall_day"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECONDS_PER_DAY = 86_400
_PROBE_STEP = 7 * _SECONDS_PER_DAY
_MIN_YEAR = 1
_MAX_YEAR = 9998


def _offset_s(tz: str, second: int) -> int:
    """Return the UTC offset of zone ``tz`` at the UTC instant ``second``, in seconds."""
    offset = (_EPOCH + timedelta(seconds=second)).astimezone(zone(tz)).utcoffset()
    assert offset is not None  # a ZoneInfo always has an offset
    return offset.days * _SECONDS_PER_DAY + offset.seconds


@functools.lru_cache(maxsize=16_384)
def _year_transitions(tz: str, year: int) -> tuple[tuple[int, int, int], ...]:
    """Return ``(utc_second, offset_before, offset_after)`` of each change in UTC ``year``.

    Probes once a week and bisects each change to the second. Two changes within
    one week would not both be seen; no zone has any such pair between 1970 and
    2040 (checked against daily probing of every zone in the IANA database).
    """
    lo = (datetime(year, 1, 1, tzinfo=UTC) - _EPOCH).days * _SECONDS_PER_DAY
    hi = (datetime(year + 1, 1, 1, tzinfo=UTC) - _EPOCH).days * _SECONDS_PER_DAY
    found: list[tuple[int, int, int]] = []
    prev_t, prev_off = lo, _offset_s(tz, lo)
    t = lo
    while t < hi:
        t = min(t + _PROBE_STEP, hi)
        off = _offset_s(tz, t)
        if off != prev_off:
            a, b = prev_t, t  # offset(a) == prev_off != offset(b)
            while b - a > 1:
                mid = (a + b) // 2
                if _offset_s(tz, mid) == prev_off:
                    a = mid
                else:
                    b = mid
            found.append((b, prev_off, _offset_s(tz, b)))
        prev_t, prev_off = t, off
    return tuple(found)


@functools.lru_cache(maxsize=256)
def _table(tz: str, first_year: int, last_year: int) -> tuple[I64, I64, I64]:
    """Return the switch points and offsets (microseconds) for UTC years in a range.

    ``switch_wall`` holds, for each transition, the wall-clock instant (as if
    UTC) from which the new offset applies under the compatible rule;
    ``offsets[i]`` is the offset in force before ``switch_wall[i]`` (and
    ``offsets[-1]`` after the last one). ``switch_utc`` holds the transitions
    as UTC instants, for the reverse direction.
    """
    rows = [row for year in range(first_year, last_year + 1) for row in _year_transitions(tz, year)]
    lo = (datetime(first_year, 1, 1, tzinfo=UTC) - _EPOCH).days * _SECONDS_PER_DAY
    first_offset = rows[0][1] if rows else _offset_s(tz, lo)
    utc = np.array([r[0] for r in rows], dtype=np.int64) * US_PER_SECOND
    offsets = np.array([first_offset] + [r[2] for r in rows], dtype=np.int64) * US_PER_SECOND
    widest = np.maximum(offsets[:-1], offsets[1:])
    switch_wall = utc + widest
    for array in (switch_wall, offsets, utc):
        array.flags.writeable = False
    return switch_wall, offsets, utc


def _years(lo_us: int, hi_us: int) -> tuple[int, int]:
    """Return the UTC years to tabulate so that every instant in range is covered."""
    # Offsets are below a day, so two days of margin on both sides are plenty.
    first = (_EPOCH + timedelta(microseconds=int(lo_us) - 2 * US_PER_DAY)).year
    last = (_EPOCH + timedelta(microseconds=int(hi_us) + 2 * US_PER_DAY)).year
    return max(first, _MIN_YEAR), min(last, _MAX_YEAR)


def local_to_utc(wall: I64, tz: str) -> I64:
    """Return the UTC instants of wall-clock times in zone ``tz``, by the compatible rule.

    Args:
        wall: wall-clock times as microseconds since 1970-01-01T00:00 *local*
            (that is, the instant the wall time would be if the zone were UTC).
        tz: an IANA zone name.

    >>> import numpy as np
    >>> wall = np.array([1_774_747_800_000_000])  # 2026-03-29T02:30 (skipped in Berlin)
    >>> int(local_to_utc(wall, "Europe/Berlin")[0]) - int(wall[0])  # read as +01:00
    -3600000000
    """
    wall = np.asarray(wall, dtype=np.int64)
    if wall.size == 0:
        return wall.copy()
    first, last = _years(int(wall.min()), int(wall.max()))
    switch_wall, offsets, _ = _table(tz, first, last)
    index = np.searchsorted(switch_wall, wall, side="right")
    return np.asarray(wall - offsets[index], dtype=np.int64)


def utc_to_local(instants: I64, tz: str) -> I64:
    """Return the wall-clock times (microseconds, as if UTC) of UTC instants in zone ``tz``."""
    instants = np.asarray(instants, dtype=np.int64)
    if instants.size == 0:
        return instants.copy()
    first, last = _years(int(instants.min()), int(instants.max()))
    _, offsets, utc = _table(tz, first, last)
    index = np.searchsorted(utc, instants, side="right")
    return np.asarray(instants + offsets[index], dtype=np.int64)


def wall_day(instant: int, tz: str) -> int:
    """Return the local calendar day (days since 1970-01-01) of one UTC instant in ``tz``."""
    local = int(utc_to_local(np.array([instant], dtype=np.int64), tz)[0])
    return local // US_PER_DAY
