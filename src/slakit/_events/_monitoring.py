"""Outages from what monitoring tools export: Prometheus, uptime-monitor CSV, status pages.

Each importer reads one tool's export and applies a stated rule to turn its
samples, checks or incident updates into outage rows of an
[`EventTable`][slakit.EventTable]. Every rule is written in the importer's
docstring and on the how-to page "Import outages from monitoring tools". Like
every reader, an importer collects every problem of its input and raises one
[`EventDataError`][slakit.exceptions.EventDataError] that lists them as
``source:location: field: problem``; nothing is dropped without a word.
Instants are exact: a timestamp in seconds is read as a decimal, never as a
float, and becomes integer microseconds.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Context, Decimal, DecimalException, Inexact, InvalidOperation, Overflow
from pathlib import Path
from typing import Any, Final, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from slakit._events._columns import ECHO, MAX_PROBLEMS, Problems, echo
from slakit._events._lines import instant_field
from slakit._events._table import EventTable
from slakit._time._instant import MAX_INSTANT_US, Duration, InstantLike, format_us, to_us
from slakit._validation import check_optional_duration, check_service_name
from slakit.exceptions import DefinitionError, EventDataError, Problem

__all__ = ["from_prometheus", "from_statuspage", "from_uptime_csv"]

#: A JSON export: a path to the file, its text, or the value ``json.load`` gave.
JSONSource: TypeAlias = str | os.PathLike[str] | Mapping[str, Any] | list[Any]
#: A CSV export: a path to the file, or its text (a string holding a line break).
CSVSource: TypeAlias = str | os.PathLike[str]

_US_PER_SECOND: Final = Decimal(1_000_000)
#: Where an outage starts in the gap before a series' first sample (see ``_down_runs``).
_BEFORE: Final = int(np.iinfo(np.int64).min)
#: Epoch seconds as a CSV cell holds them: digits, and at most six decimals.
_EPOCH_SECONDS: Final = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,6})?", re.ASCII)
_LONGEST_NUMBER: Final = 40
#: The last whole second of the supported instants.
_MAX_SECONDS: Final = MAX_INSTANT_US // 1_000_000
#: Wide enough for any number of at most ``_LONGEST_NUMBER`` digits times a million.
_WIDE: Final = Context(prec=2 * _LONGEST_NUMBER, traps=[Inexact, InvalidOperation, Overflow])

#: The status texts of an uptime check (compared without case), and whether each is up.
CHECK_STATUSES: Final[Mapping[str, bool]] = {
    "up": True,
    "ok": True,
    "success": True,
    "1": True,
    "down": False,
    "error": False,
    "failure": False,
    "0": False,
}
_CSV_COLUMNS: Final = ("time", "status", "service", "response_ms")

#: The component statuses of Atlassian Statuspage.
COMPONENT_STATUSES: Final = (
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
)
#: The impacts a Statuspage incident may have.
INCIDENT_IMPACTS: Final = ("none", "minor", "major", "critical", "maintenance")
#: The component status each incident impact stands for, the inverse of how Statuspage
#: computes an incident's impact from its worst component status. ``none`` and
#: ``maintenance`` are left out on purpose: they name no outage status, and an incident
#: read from such an impact is an error until ``impact_statuses=`` says what it means.
IMPACT_STATUSES: Final[Mapping[str, str]] = {
    "critical": "major_outage",
    "major": "partial_outage",
    "minor": "degraded_performance",
}


class _Outages:
    """The outage rows an importer builds, in columns."""

    def __init__(self) -> None:
        self.service: list[str] = []
        self.start: list[int] = []
        self.end: list[int] = []
        self.state: list[str] = []
        self.where: list[str] = []

    def add(self, service: str, start: int, end: int, where: str, state: str = "down") -> None:
        """Add the outage ``[start, end)`` of ``service``."""
        self.service.append(service)
        self.start.append(start)
        self.end.append(end)
        self.state.append(state)
        self.where.append(where)

    def extend(
        self,
        service: str,
        starts: npt.NDArray[np.int64],
        ends: npt.NDArray[np.int64],
        where: list[str],
    ) -> None:
        """Add outages of one service, state ``"down"``."""
        self.service.extend([service] * len(where))
        self.start.extend(starts.tolist())
        self.end.extend(ends.tolist())
        self.state.extend(["down"] * len(where))
        self.where.extend(where)

    def table(self) -> EventTable:
        """Return the rows as an [`EventTable`][slakit.EventTable] of outages."""
        return EventTable.from_columns(
            {
                "kind": ["outage"] * len(self.start),
                "service": self.service,
                "start": self.start,
                "end": self.end,
                "state": self.state,
            },
            where=self.where,
        )


# --- reading the sources -----------------------------------------------------------------------


def _choice(value: object, name: str, choices: Sequence[str]) -> None:
    if not isinstance(value, str) or value not in choices:
        raise DefinitionError(
            f"{name}={value!r} must be one of {', '.join(map(repr, choices))}",
            name=name,
            value=value,
        )


def _origin(origin: object) -> str | None:
    if origin is None:
        return None
    return check_service_name(origin, "origin", example="'prometheus.json'")


def _read_text(path: str | os.PathLike[str], name: str) -> str:
    raw = Path(path).read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EventDataError(
            [
                Problem(
                    name,
                    "",
                    f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at byte {exc.start + 1}); "
                    "save the file as UTF-8",
                )
            ]
        ) from None


def _shown(value: object) -> str:
    """Return a value for a message: a JSON number as it was written, anything else as repr."""
    if not isinstance(value, Decimal):
        return echo(value)
    text = str(value)
    return text if len(text) <= ECHO else f"{text[:ECHO]}... ({len(text) - ECHO:,} more characters)"


def _refuse_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a number JSON allows")


def _json(source: object, default: str, origin: str | None) -> tuple[str, Any]:
    """Return the name of a JSON source and its value (numbers with a point as ``Decimal``)."""
    if isinstance(source, Mapping | list):
        return origin or default, source
    if isinstance(source, str) and source.lstrip()[:1] in ("{", "["):
        name, text = origin or default, source
    elif isinstance(source, str | os.PathLike):
        name = origin or os.fspath(source)
        text = _read_text(source, name)
    else:
        raise DefinitionError(
            f"source={echo(source)} must be a path, JSON text or the parsed JSON (a dict)",
            name="source",
            value=source,
        )
    try:
        return name, json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        raise EventDataError([Problem(name, "", message)]) from None
    except (ValueError, RecursionError) as exc:
        raise EventDataError([Problem(name, "", f"cannot be read as JSON ({exc})")]) from None


def _csv_text(source: object, origin: str | None) -> tuple[str, str]:
    if isinstance(source, str) and ("\n" in source or "\r" in source):
        return origin or "<uptime csv>", source
    if isinstance(source, str | os.PathLike):
        name = origin or os.fspath(source)
        return name, _read_text(source, name)
    raise DefinitionError(
        f"source={echo(source)} must be a path to a CSV file or the CSV text",
        name="source",
        value=source,
    )


def _seconds_us(value: object) -> int | str:
    """Return epoch seconds (a JSON number or a decimal string) as microseconds, or a problem.

    The decimal digits are read as they are written, never through a float: a
    float (from a dict that ``json.load`` built) is read through ``str()``, its
    shortest exact decimal, so ``1727740800.123`` stays exactly that.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return f"{_shown(value)} must be a number of seconds since 1970-01-01T00:00:00Z"
    if isinstance(value, str) and len(value) > _LONGEST_NUMBER:
        return f"{_shown(value)} is not a number of seconds"
    try:
        seconds = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return f"{_shown(value)} is not a number of seconds"
    if not seconds.is_finite():
        return f"{_shown(value)} is not a number of seconds"
    if not 0 <= seconds <= _MAX_SECONDS:
        return (
            f"{_shown(value)} seconds is outside the supported instants, "
            "1970-01-01T00:00:00Z to 9999-01-01T00:00:00Z"
        )
    try:  # exact: the context holds twice the digits of the longest number read
        us = _WIDE.multiply(seconds, _US_PER_SECOND)
    except DecimalException:
        return f"{_shown(value)} has more digits than an instant can hold"
    if us != us.to_integral_value():
        return f"{_shown(value)} seconds is finer than a microsecond"
    return int(us)


# --- Prometheus --------------------------------------------------------------------------------


def from_prometheus(
    source: JSONSource,
    *,
    step: Duration | None = None,
    service_label: str = "instance",
    gaps: Literal["down", "ignore"] = "down",
    start: InstantLike | None = None,
    end: InstantLike | None = None,
    origin: str | None = None,
) -> EventTable:
    """Read the outages in a Prometheus range query of ``up`` or ``probe_success``.

    ``source`` is what the HTTP API's ``/api/v1/query_range`` answers (a
    ``"matrix"`` result), as a path to the file, as JSON text, or as the dict
    ``json.load`` gave::

        {"status": "success", "data": {"resultType": "matrix", "result": [
          {"metric": {"__name__": "up", "instance": "api-1:9100"},
           "values": [[1790812800, "1"], [1790812860, "0"], [1790812920, "1"]]}]}}

    Each series becomes the outages of one service, named by its
    ``service_label`` label (``"instance"`` unless told; a series without it is
    an error). Two series of one service (two probers) give overlapping outages,
    which an uptime measure merges: the service is down while any series says so.

    The rules:

    - A sample at time ``t`` stands for ``[t, t + step)``, cut short at the next
      sample if that comes earlier. ``step`` is the query's step; left out, it
      is the smallest spacing between two samples of the series (a series of
      one sample needs ``step`` when that sample is down, or when ``end`` is
      later than it).
    - A value of ``0`` is down and ``1`` is up; any other value (``0.5`` from an
      average, ``NaN``) is an error naming the series and the sample.
    - A gap, where the next sample comes later than ``t + step``, is the time
      from ``t + step`` to that sample. Prometheus writes ``up`` = 0 when a
      scrape fails, so a gap means that no scrape happened or was stored (the
      Prometheus server or the exporter was down, or the target left service
      discovery). With ``gaps="down"`` (the default) a gap is down time: the
      target could not be shown to be up. With ``gaps="ignore"`` a gap is
      unknown and counts as no outage.
    - Before the first sample and after the last sample's interval nothing is
      known unless ``start`` and ``end`` say what the query's range was (the
      ``start`` and ``end`` it was run with: aware ``datetime``, ISO 8601 with
      an offset, or integer microseconds). With ``gaps="down"``, a series whose
      first sample comes after ``start`` is down from ``start`` to that sample
      (the target was absent when the range began); one whose last sample's
      interval ends before ``end`` is down from there until ``end`` (the target
      left before the range ended); a series with an empty ``values`` list is
      down from ``start`` to ``end`` (given both). ``start`` and ``end`` never
      cut an outage short (the last sample stands for its whole step), and
      without them no outage is made before the first sample or after the
      last one's interval. A sample outside ``[start, end]`` is an error naming
      it: the file is not the answer to that query. With ``gaps="ignore"``
      only that check applies.
    - A target with no series in the answer cannot be seen at all: Prometheus
      returns nothing for it, so no outage can be made for it, whatever
      ``start`` and ``end`` say. Query ``absent(up{...})`` or compare the
      table's services with the agreement's to find such a target.
    - Consecutive down time (down samples and gaps) is one outage row. Its
      ``where`` names the series and the sample it starts at,
      ``prom.json:result[2] values[17]``, or ``prom.json:result[2] gap after
      values[16]`` when it starts in a gap (``gap before values[0]`` when it
      starts at ``start``, before the first sample).

    Timestamps are seconds since the epoch, read exactly as decimals (a float
    is read through its shortest decimal form) into integer microseconds. A
    timestamp given twice in one series is an error; samples may come in any
    order. ``origin`` names the input in ``where`` and errors (the file's
    path, or ``<prometheus>`` for text and dicts).

    Examples:
        >>> from slakit.io import from_prometheus
        >>> table = from_prometheus({"status": "success", "data": {"resultType": "matrix",
        ...     "result": [{"metric": {"instance": "api"}, "values": [[1790812800, "1"],
        ...     [1790812860, "0"], [1790812920, "0"], [1790812980, "1"]]}]}})
        >>> table.records()
        [Outage('api', '2026-10-01T00:01:00Z', '2026-10-01T00:03:00Z')]
        >>> table.where_all()
        ['<prometheus>:result[0] values[1]']

    Raises:
        EventDataError: listing every problem: a failed query, another result
            type, a series without the label, a bad timestamp or value, a
            sample outside ``[start, end]``.
        DefinitionError: an argument is of the wrong kind, or ``start`` is
            after ``end``.
        FileNotFoundError: the file does not exist.
    """
    step = check_optional_duration(step, "step", positive=True, example="seconds(30)")
    label = check_service_name(service_label, "service_label", example="'instance'")
    _choice(gaps, "gaps", ("down", "ignore"))
    bounds = _bounds(start, end)
    name, doc = _json(source, "<prometheus>", _origin(origin))
    problems = Problems()
    outages = _Outages()
    for index, series in _matrix(doc, name, problems):
        _series(
            series,
            f"{name}:result[{index}]",
            label=label,
            step=step,
            gaps=gaps,
            bounds=bounds,
            outages=outages,
            problems=problems,
        )
    if problems or problems.omitted:
        raise problems.error()
    return outages.table()


def _bounds(start: InstantLike | None, end: InstantLike | None) -> tuple[int | None, int | None]:
    """Return the query's range in microseconds (either end may be unknown)."""
    first = None if start is None else to_us(start, name="start")
    last = None if end is None else to_us(end, name="end")
    if first is not None and last is not None and first > last:
        raise DefinitionError(
            f"start={echo(start)} is after end={echo(end)}; give the query's range",
            name="start",
            value=start,
        )
    return first, last


def _matrix(doc: object, name: str, problems: Problems) -> Iterator[tuple[int, object]]:
    if not isinstance(doc, Mapping):
        problems.append(Problem(name, "", "expected a JSON object from /api/v1/query_range"))
        return
    if doc.get("status") != "success":
        said = f"{doc.get('errorType', '')}: {doc.get('error', '')}".strip(": ")
        problems.append(
            Problem(
                name,
                "status",
                f"{echo(doc.get('status'))}, not 'success': the query failed"
                + (f" ({said})" if said else ""),
            )
        )
        return
    data = doc.get("data")
    if not isinstance(data, Mapping):
        problems.append(Problem(name, "data", "missing; expected {'resultType', 'result'}"))
        return
    if data.get("resultType") != "matrix":
        problems.append(
            Problem(
                name,
                "data.resultType",
                f"{echo(data.get('resultType'))} is not 'matrix'; export a range query "
                "(/api/v1/query_range) of up or probe_success",
            )
        )
        return
    result = data.get("result")
    if not isinstance(result, list):
        problems.append(Problem(name, "data.result", "missing; expected a list of series"))
        return
    yield from enumerate(result)


def _series(
    series: object,
    here: str,
    *,
    label: str,
    step: Duration | None,
    gaps: str,
    bounds: tuple[int | None, int | None],
    outages: _Outages,
    problems: Problems,
) -> None:
    if not isinstance(series, Mapping):
        problems.append(Problem(here, "", "expected a series: {'metric': ..., 'values': ...}"))
        return
    before = len(problems)
    metric = series.get("metric")
    service = None
    if not isinstance(metric, Mapping):
        problems.append(Problem(here, "metric", "missing; expected the series' labels"))
    else:
        service = metric.get(label)
        if not isinstance(service, str) or not service.strip():
            labels = ", ".join(sorted(map(str, metric))) or "none"
            problems.append(
                Problem(
                    here,
                    "metric",
                    f"has no label {label!r} to name the service (labels: {labels}); "
                    "pass service_label=",
                )
            )
    values = series.get("values")
    if not isinstance(values, list):
        extra = "; native histograms are not read" if "histograms" in series else ""
        problems.append(Problem(here, "values", f"missing; expected [[time, value], ...]{extra}"))
        return
    times, downs, index = _samples(values, here, problems)
    order = np.argsort(times, kind="stable")
    times, downs, index = times[order], downs[order], index[order]
    problems.extend(
        Problem(
            f"{here} values[{max(index[k], index[k + 1])}]",
            "time",
            f"repeats values[{min(index[k], index[k + 1])}]",
        )
        for k in problems.rows(times[1:] == times[:-1])
    )
    _outside(times, index, bounds, here, problems)
    if len(problems) > before or service is None:
        return
    first_us, last_us = bounds if gaps == "down" else (None, None)
    if times.shape[0] == 0:
        if first_us is not None and last_us is not None and first_us < last_us:
            outages.add(service, first_us, last_us, f"{here} gap: no values from start= to end=")
        return
    if step is not None:
        step_us = step.us
    elif times.shape[0] > 1:
        step_us = int(np.diff(times).min())
    else:
        if downs.any():
            problems.append(
                Problem(here, "values", "one sample, and it is down: give step= (the query's step)")
            )
        elif last_us is not None and int(times[0]) < last_us:
            problems.append(
                Problem(
                    here,
                    "values",
                    "one sample, and end= is given: give step= (the query's step) to know "
                    "where the sample's interval ends",
                )
            )
        elif first_us is not None and first_us < int(times[0]):
            # one up sample, and the series starts late: down from start= to it
            outages.add(service, first_us, int(times[0]), f"{here} gap before values[{index[0]}]")
        return
    starts, ends, first = _down_runs(
        times, downs, index, step_us=step_us, gaps=gaps == "down", start=first_us, end=last_us
    )
    outages.extend(
        service,
        starts,
        ends,
        [
            f"{here} values[{j}]"
            if j >= 0
            else f"{here} gap before values[{index[0]}]"
            if j == _BEFORE
            else f"{here} gap after values[{~j}]"
            for j in first.tolist()
        ],
    )


def _outside(
    times: npt.NDArray[np.int64],
    index: npt.NDArray[np.int64],
    bounds: tuple[int | None, int | None],
    here: str,
    problems: Problems,
) -> None:
    """Name each sample outside the query's range ``[start, end]``."""
    first, last = bounds
    outside = np.zeros(times.shape[0], dtype=np.bool_)
    if first is not None:
        outside |= times < first
    if last is not None:
        outside |= times > last

    def side(time: int) -> str:
        if first is not None and time < first:
            return f"before start={format_us(first)}"
        assert last is not None
        return f"after end={format_us(last)}"

    problems.extend(
        Problem(
            f"{here} values[{index[k]}]",
            "time",
            f"{format_us(int(times[k]))} is {side(int(times[k]))}: a range query's samples lie "
            "in [start, end]; give the range it was run with",
        )
        for k in problems.rows(outside)
    )


def _samples(
    values: list[Any], here: str, problems: Problems
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """Return the valid samples' times (microseconds), down flags and indexes in ``values``."""
    times: list[int] = []
    downs: list[bool] = []
    index: list[int] = []
    for j, pair in enumerate(values):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            problems.append(
                Problem(f"{here} values[{j}]", "", f"{echo(pair)} is not a [time, value] pair")
            )
            continue
        seconds, value = pair
        # the common case first: whole seconds in range, and the strings "0" or "1"
        if type(seconds) is int and 0 <= seconds <= _MAX_SECONDS:
            us: int | str = seconds * 1_000_000
        else:
            us = _seconds_us(seconds)
            if isinstance(us, str):
                problems.append(Problem(f"{here} values[{j}]", "time", us))
        down = (
            value == "0"
            if value in ("0", "1")
            else _zero_or_one(value, f"{here} values[{j}]", problems)
        )
        if isinstance(us, int) and down is not None:
            times.append(us)
            downs.append(down)
            index.append(j)
        if len(problems) > MAX_PROBLEMS:
            problems.trim()
    return (
        np.array(times, dtype=np.int64),
        np.array(downs, dtype=np.bool_),
        np.array(index, dtype=np.int64),
    )


def _down_runs(
    times: npt.NDArray[np.int64],
    downs: npt.NDArray[np.bool_],
    index: npt.NDArray[np.int64],
    *,
    step_us: int,
    gaps: bool,
    start: int | None = None,
    end: int | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Return the outages of one series of sorted samples: starts, ends, and where each starts.

    Sample ``k`` makes two pieces of time that tile the series: its own,
    ``[t, min(t + step, next))``, down when the sample is; then its gap,
    ``[t + step, next)``, down when ``gaps`` is set (empty when the next sample
    comes in time). The last sample's gap runs to ``end``, when that is later
    than its interval's end, and a first piece ``[start, first sample)`` is the
    gap before the first sample (empty unless ``start`` is earlier). A run of
    down pieces is one outage; where it starts is the sample's index ``j``,
    ``~j`` for the gap after sample ``j``, or ``_BEFORE`` for the gap before
    the first sample.
    """
    n = times.shape[0]
    following = np.empty(n, dtype=np.int64)
    following[:-1] = times[1:]
    following[-1] = times[-1] + step_us if end is None else max(times[-1] + step_us, end)
    own_end = np.minimum(times + step_us, following)
    begin = np.empty(2 * n + 1, dtype=np.int64)
    finish = np.empty(2 * n + 1, dtype=np.int64)
    down = np.empty(2 * n + 1, dtype=np.bool_)
    where = np.empty(2 * n + 1, dtype=np.int64)
    begin[0] = times[0] if start is None else min(start, times[0])
    finish[0], down[0], where[0] = times[0], gaps, _BEFORE
    begin[1::2], finish[1::2], down[1::2], where[1::2] = times, own_end, downs, index
    begin[2::2], finish[2::2], down[2::2], where[2::2] = own_end, following, gaps, ~index
    keep = finish > begin
    begin, finish, down, where = begin[keep], finish[keep], down[keep], where[keep]
    before = np.concatenate(([False], down[:-1]))
    after = np.concatenate((down[1:], [False]))
    first = np.flatnonzero(down & ~before)
    last = np.flatnonzero(down & ~after)
    return begin[first], finish[last], where[first]


def _zero_or_one(value: object, at: str, problems: Problems) -> bool | None:
    number: Decimal | None = None
    if isinstance(value, str) and len(value) <= _LONGEST_NUMBER:
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            number = None
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        number = Decimal(value)
    if number is not None and number.is_finite() and number in (0, 1):
        return number == 0
    problems.append(
        Problem(
            at,
            "value",
            f"{_shown(value)} is neither '0' (down) nor '1' (up); export up or probe_success "
            "itself, not an average or a ratio of it",
        )
    )
    return None


# --- uptime-monitor CSV ------------------------------------------------------------------------


def from_uptime_csv(
    source: CSVSource,
    *,
    service: str | None = None,
    columns: Mapping[str, str] | None = None,
    interval: Duration | None = None,
    statuses: Mapping[str, str] | None = None,
    origin: str | None = None,
) -> EventTable:
    """Read the outages in an uptime monitor's CSV export: one row per check.

    ``source`` is a path to the file, or the CSV text itself (a string holding a
    line break). The first row names the columns; ``columns`` maps slakit's
    names to the file's (``columns={"time": "Checked at", "service": "Monitor"}``):

    - ``time``: when the check ran, as ISO 8601 with an offset
      (``2026-10-05T10:00:00Z``, ``2026-10-05T12:00:00+02:00``) or as seconds
      since the epoch (``1790812800`` or ``1790812800.25``, read exactly). A time
      without an offset is refused.
    - ``status``: ``up``, ``ok``, ``success`` or ``1`` for a successful check,
      ``down``, ``error``, ``failure`` or ``0`` for a failed one, in any case;
      ``statuses`` adds texts of your tool (``statuses={"timeout": "down"}``).
      Any other status is an error naming the row.
    - ``service``: the monitor, named as the agreement names the service. A file
      of one monitor may leave it out and give ``service=`` instead.
    - ``response_ms`` (optional): the response time in milliseconds, a number
      that is not negative, or empty. It is checked and not used: a check's
      status says whether it failed.

    Other columns are not read. Rows may come in any order.

    The rules, for each monitor, its checks in time order:

    - A failed check starts down time at its time; the down time lasts until the
      next successful check of that monitor. A run of failed checks is one
      outage, whose ``where`` names the first failed check's line
      (``uptime.csv:14``).
    - A run of failed checks that no later success ends (the last checks of the
      export failed) ends at the last failed check plus the check interval:
      ``interval``, or, left out, the monitor's median spacing between checks
      (the lower middle one for an even count). A monitor with a single check
      that failed needs ``interval``.
    - Two checks of one monitor at the same instant with different statuses are
      an error; with the same status they are one check.

    Raises:
        EventDataError: listing every problem by ``file:line: field``: a missing
            column, a time without an offset, an unknown status, a bad
            response time.
        DefinitionError: an argument is of the wrong kind.
        FileNotFoundError: the file does not exist.
    """
    interval = check_optional_duration(interval, "interval", positive=True, example="minutes(1)")
    if service is not None:
        check_service_name(service, "service")
    names = _csv_columns(columns)
    table = _statuses(statuses)
    name, text = _csv_text(source, _origin(origin))
    problems = Problems()
    reader = csv.reader(io.StringIO(text, newline=""))
    position = _header(reader, name, names, service, problems)
    checks: dict[str, list[tuple[int, int, bool]]] = {}  # service: (time, line, up)
    if position is not None:
        width = position.pop("")
        try:
            for row in reader:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                here = f"{name}:{reader.line_num}"
                if len(row) != width:
                    problems.append(
                        Problem(here, "", f"has {len(row)} fields; the header has {width}")
                    )
                    continue
                check = _check(row, position, here, service=service, table=table, problems=problems)
                if check is not None:
                    checks.setdefault(check[0], []).append((check[1], reader.line_num, check[2]))
                problems.trim()
        except csv.Error as exc:
            problems.append(Problem(f"{name}:{reader.line_num}", "", f"is not CSV ({exc})"))
    outages = _Outages()
    for monitor in sorted(checks):
        _runs(monitor, checks[monitor], name, interval=interval, outages=outages, problems=problems)
    if problems or problems.omitted:
        raise problems.error()
    return outages.table()


def _mapping(value: object, name: str, meaning: str) -> Mapping[Any, Any]:
    """Return ``value`` if it is a mapping, else raise the error saying what it maps."""
    if not isinstance(value, Mapping):
        raise DefinitionError(f"{name}={echo(value)} must map {meaning}", name=name, value=value)
    return value


def _csv_columns(columns: object) -> dict[str, str]:
    names = {c: c for c in _CSV_COLUMNS}
    if columns is None:
        return names
    for key, value in _mapping(
        columns, "columns", "slakit's column names to the file's, such as {'time': 'Checked at'}"
    ).items():
        if key not in names:
            raise DefinitionError(
                f"columns={echo(columns)} names {key!r}; the columns are "
                f"{', '.join(map(repr, _CSV_COLUMNS))}",
                name="columns",
                value=columns,
            )
        names[key] = check_service_name(value, f"columns[{key!r}]", example="'Checked at'")
    return names


def _statuses(statuses: object) -> dict[str, bool]:
    table = dict(CHECK_STATUSES)
    if statuses is None:
        return table
    for text, meaning in _mapping(statuses, "statuses", "status texts to 'up' or 'down'").items():
        if not isinstance(text, str) or not text.strip() or meaning not in ("up", "down"):
            raise DefinitionError(
                f"statuses={echo(statuses)}: {text!r}: {meaning!r} must be 'up' or 'down'",
                name="statuses",
                value=statuses,
            )
        table[text.strip().lower()] = meaning == "up"
    return table


def _header(
    reader: Any,
    name: str,
    names: dict[str, str],
    service: str | None,
    problems: Problems,
) -> dict[str, int] | None:
    """Return the position of each column slakit reads (and the width under ``""``)."""
    try:
        header = next(reader, None)
    except csv.Error as exc:
        problems.append(Problem(f"{name}:1", "", f"is not CSV ({exc})"))
        return None
    if header is None:
        return {"": 0}
    cells = [cell.strip() for cell in header]
    position: dict[str, int] = {"": len(cells)}
    here = f"{name}:1"
    for ours, theirs in names.items():
        found = [i for i, cell in enumerate(cells) if cell == theirs]
        if len(found) > 1:
            problems.append(Problem(here, ours, f"the header names {theirs!r} twice"))
        elif found and ours == "service" and service is not None:
            problems.append(
                Problem(
                    here,
                    "service",
                    f"the file has a {theirs!r} column and service={service!r} was given; "
                    "leave out service= (or the column)",
                )
            )
        elif found:
            position[ours] = found[0]
        elif ours in ("time", "status") or (ours == "service" and service is None):
            problems.append(
                Problem(
                    here,
                    ours,
                    f"no column {theirs!r} in the header ({', '.join(map(repr, cells))}); "
                    f"map yours with columns={{{ours!r}: ...}}"
                    + (" or give service= for a file of one monitor" if ours == "service" else ""),
                )
            )
    return None if problems else position


def _check(
    row: list[str],
    position: dict[str, int],
    here: str,
    *,
    service: str | None,
    table: dict[str, bool],
    problems: Problems,
) -> tuple[str, int, bool] | None:
    before = len(problems)
    monitor = service
    if service is None:
        monitor = row[position["service"]].strip()
        if not monitor:
            problems.append(Problem(here, "service", "is empty; name the monitor's service"))
    raw_time = row[position["time"]].strip()
    time: int | None = None
    if not raw_time:
        problems.append(Problem(here, "time", "is empty; give the check's time"))
    elif _EPOCH_SECONDS.fullmatch(raw_time):
        seconds = _seconds_us(raw_time)
        if isinstance(seconds, str):
            problems.append(Problem(here, "time", seconds))
        else:
            time = seconds
    else:
        time = instant_field(raw_time, here, "time", problems)
    status = row[position["status"]].strip()
    up = table.get(status.lower())
    if up is None:
        known = ", ".join(sorted(table))
        problems.append(
            Problem(
                here,
                "status",
                f"{echo(status)} is not a check status ({known}); map yours with statuses=",
            )
        )
    if "response_ms" in position:
        _response(row[position["response_ms"]].strip(), here, problems)
    if len(problems) > before or time is None or up is None or monitor is None:
        return None
    return monitor, time, up


def _response(text: str, here: str, problems: Problems) -> None:
    if not text:
        return
    try:
        value = Decimal(text) if len(text) <= _LONGEST_NUMBER else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        problems.append(
            Problem(here, "response_ms", f"{echo(text)} is not a number of milliseconds (>= 0)")
        )


def _runs(
    monitor: str,
    checks: list[tuple[int, int, bool]],
    name: str,
    *,
    interval: Duration | None,
    outages: _Outages,
    problems: Problems,
) -> None:
    checks.sort()
    distinct: list[tuple[int, int, bool]] = []
    for check in checks:
        if distinct and distinct[-1][0] == check[0]:
            if distinct[-1][2] != check[2]:
                problems.append(
                    Problem(
                        f"{name}:{check[1]}",
                        "status",
                        f"line {distinct[-1][1]} checks {monitor!r} at the same instant "
                        "with the other status",
                    )
                )
            continue
        distinct.append(check)
    failed: tuple[int, int] | None = None  # time and line of the run's first failed check
    for time, line, up in distinct:
        if not up and failed is None:
            failed = (time, line)
        elif up and failed is not None:
            outages.add(monitor, failed[0], time, f"{name}:{failed[1]}")
            failed = None
    if failed is None:
        return
    spacing = interval.us if interval is not None else _median_spacing(distinct)
    if spacing is None:
        problems.append(
            Problem(
                f"{name}:{failed[1]}",
                "status",
                f"the only check of {monitor!r} failed, so its outage has no end; "
                "give interval= (the check interval)",
            )
        )
        return
    outages.add(monitor, failed[0], distinct[-1][0] + spacing, f"{name}:{failed[1]}")


def _median_spacing(checks: list[tuple[int, int, bool]]) -> int | None:
    spacings = sorted(b[0] - a[0] for a, b in itertools.pairwise(checks))
    if not spacings:
        return None
    return spacings[(len(spacings) - 1) // 2]


# --- status pages ------------------------------------------------------------------------------


def from_statuspage(
    source: JSONSource,
    *,
    components: Mapping[str, str] | None = None,
    impacts: Sequence[str] = ("major_outage", "partial_outage"),
    unmapped: Literal["error", "ignore"] = "error",
    impact_only: Literal["outage", "ignore", "error"] = "outage",
    impact_statuses: Mapping[str, str] | None = None,
    until: InstantLike | None = None,
    origin: str | None = None,
) -> EventTable:
    """Read the outages in a status page's incidents (Atlassian Statuspage's JSON).

    ``source`` is the incidents export, ``{"incidents": [...]}`` as the API's
    ``incidents.json`` gives it (or a bare list of incidents), as a path, as
    JSON text, or as the parsed dict. Of each incident slakit reads
    ``resolved_at`` and its ``incident_updates``: each update's ``created_at``
    and its ``affected_components``, each with a ``name`` and the
    ``new_status`` the update set (``operational``, ``degraded_performance``,
    ``partial_outage``, ``major_outage`` or ``under_maintenance``). Of an
    incident whose updates name no affected components it reads the
    incident's own ``impact``, ``components`` (their names),
    ``started_at`` or ``created_at``, and ``resolved_at`` instead. The rest
    (bodies, ``old_status``, a component's current ``status``) is not read.

    The rules, for each incident and each component, its updates in
    ``created_at`` order (the API lists them newest first, so updates at the
    same instant are taken in reverse list order):

    - A component is in outage from the update that sets it to one of
      ``impacts`` (by default ``major_outage`` and ``partial_outage``) until
      the update that sets it to another status, and at the latest until the
      incident's ``resolved_at`` (a later update does not lengthen it). An
      outage still open in an incident without ``resolved_at`` is an error,
      unless ``until`` says where such outages end (the end of the export, say).
      An outage that ``resolved_at`` (or ``until``) would end before or at the
      instant it began is an error naming the update; a status that a later
      update of the same instant replaces lasted no time and makes no row.
    - Each outage row's state is ``"down"`` for ``major_outage`` and the status
      itself otherwise (``"partial_outage"``): an uptime measure counts only
      ``"down"`` unless its ``states=`` weighs the others
      (``sla.uptime(states={"down": "100%", "partial_outage": "50%"})``), and
      lists the rest as not counted. A change from one outage status to another
      ends one row and starts the next.
    - ``components`` maps component names to service names; without it a
      component's name is its service. A component that would have an outage
      but is not in ``components`` is an error that lists it, unless
      ``unmapped="ignore"``, which leaves such outages out on purpose.

    An incident none of whose updates names affected components (each
    ``affected_components`` is missing, null or empty) says only its overall
    ``impact``. ``impact_only`` says what such an incident gives:

    - ``"outage"`` (the default): each of the incident's own ``components`` is
      in the status its ``impact`` stands for, from ``started_at`` (or
      ``created_at`` when there is none) to ``resolved_at``: ``critical`` is
      ``major_outage`` (state ``"down"``), ``major`` is ``partial_outage``,
      ``minor`` is ``degraded_performance``. This is the inverse of
      Statuspage's own rule, which sets an incident's impact from its worst
      component status. The status then follows the rules above: it is an
      outage only if it is one of ``impacts`` (so a ``minor`` incident is none
      by default), an unresolved incident needs ``until``, and its components
      go through ``components``. ``impact_statuses`` changes or adds to the
      mapping (``impact_statuses={"none": "operational", "maintenance":
      "under_maintenance"}``). An impact it does not map (``none`` and
      ``maintenance`` unless told) is an error naming the incident, since
      slakit does not guess what it means; so is an unknown impact. An
      incident whose impact gives an outage but that names no component, in
      ``components`` or in any update, is an error naming it: there is no
      service to charge. Each row's ``where`` names the incident and the
      component: ``incidents.json:incidents[3] components[0]``.
    - ``"ignore"``: such incidents make no outages, left out on purpose.
    - ``"error"``: each such incident is an error naming it, for exports in
      which every outage must come from a component update.

    Each other row's ``where`` names the incident and the update that started
    it: ``incidents.json:incidents[0] incident_updates[2]``.

    Raises:
        EventDataError: listing every problem: an update without a time, a time
            without an offset, an unknown status, an unresolved incident, the
            unmapped components, an incident read from its impact that the
            rules above cannot read (an unmapped or unknown impact, no
            component) or that ``impact_only="error"`` refuses.
        DefinitionError: an argument is of the wrong kind.
        FileNotFoundError: the file does not exist.
    """
    outage_statuses = _impacts(impacts)
    services = _components(components)
    _choice(unmapped, "unmapped", ("error", "ignore"))
    _choice(impact_only, "impact_only", ("outage", "ignore", "error"))
    impact_rule = _ImpactRule(impact_only, _impact_statuses(impact_statuses))
    end_all = None if until is None else to_us(until, name="until")
    name, doc = _json(source, "<statuspage>", _origin(origin))
    problems = Problems()
    outages = _Outages()
    missing: dict[str, list[str]] = {}
    incidents = doc.get("incidents") if isinstance(doc, Mapping) else doc
    if not isinstance(incidents, list):
        problems.append(Problem(name, "incidents", "missing; expected {'incidents': [...]}"))
        incidents = []
    for i, incident in enumerate(incidents):
        here = f"{name}:incidents[{i}]"
        for component, start, end, state, where in _incident(
            incident,
            here,
            impacts=outage_statuses,
            until=end_all,
            impact_rule=impact_rule,
            problems=problems,
        ):
            service = component if services is None else services.get(component)
            if service is None:
                missing.setdefault(component, []).append(where)
                continue
            outages.add(service, start, end, where, state)
        problems.trim()
    if missing and unmapped == "error":
        problems.extend(
            Problem(
                wheres[0],
                "affected_components" if "incident_updates[" in wheres[0] else "components",
                f"component {name_!r} is not in components= ({len(wheres)} outage"
                f"{'s' if len(wheres) > 1 else ''}); map it to a service, or pass "
                "unmapped='ignore' to leave its outages out",
            )
            for name_, wheres in sorted(missing.items())
        )
    if problems or problems.omitted:
        raise problems.error()
    return outages.table()


def _impacts(impacts: object) -> frozenset[str]:
    if isinstance(impacts, str) or not isinstance(impacts, Sequence | frozenset | set):
        raise DefinitionError(
            f"impacts={echo(impacts)} must be a sequence of component statuses such as "
            "('major_outage', 'partial_outage')",
            name="impacts",
            value=impacts,
        )
    chosen = frozenset(impacts)
    wrong = chosen - set(COMPONENT_STATUSES)
    if wrong or not chosen or "operational" in chosen:
        raise DefinitionError(
            f"impacts={echo(impacts)} must name component statuses other than 'operational', "
            f"from {', '.join(map(repr, COMPONENT_STATUSES))}",
            name="impacts",
            value=impacts,
        )
    return chosen


class _ImpactRule:
    """What an incident read from its impact gives: ``impact_only=`` and the status mapping."""

    def __init__(self, mode: str, statuses: Mapping[str, str]) -> None:
        self.mode = mode
        self.statuses = statuses


def _impact_statuses(value: object) -> dict[str, str]:
    table = dict(IMPACT_STATUSES)
    if value is None:
        return table
    meaning = "incident impacts to component statuses, such as {'none': 'operational'}"
    for impact, status in _mapping(value, "impact_statuses", meaning).items():
        if impact not in INCIDENT_IMPACTS or status not in COMPONENT_STATUSES:
            raise DefinitionError(
                f"impact_statuses={echo(value)}: {impact!r}: {status!r} must map an impact "
                f"({', '.join(map(repr, INCIDENT_IMPACTS))}) to a component status "
                f"({', '.join(map(repr, COMPONENT_STATUSES))})",
                name="impact_statuses",
                value=value,
            )
        table[impact] = status
    return table


def _ends_too_soon(
    end: int, since: int, resolved: int | None, what: str, *, here: str, problems: Problems
) -> bool:
    """Report an outage that would end before (or when) it starts; return whether it does."""
    if end > since:
        return False
    said = "resolved_at" if resolved is not None else "until="
    problems.append(
        Problem(
            here,
            "resolved_at",
            f"{said} is before {what}"
            if end < since
            else f"{said} is at {what}: the outage would last no time",
        )
    )
    return True


def _components(components: object) -> dict[str, str] | None:
    if components is None:
        return None
    given = _mapping(components, "components", "component names to service names")
    return {
        str(key): check_service_name(value, f"components[{key!r}]") for key, value in given.items()
    }


def _incident(
    incident: object,
    here: str,
    *,
    impacts: frozenset[str],
    until: int | None,
    impact_rule: _ImpactRule,
    problems: Problems,
) -> list[tuple[str, int, int, str, str]]:
    """Return each outage of one incident: (component, start, end, state, where)."""
    if not isinstance(incident, Mapping):
        problems.append(Problem(here, "", "expected an incident object"))
        return []
    before = len(problems)
    resolved: int | None = None
    if incident.get("resolved_at") is not None:
        resolved = instant_field(incident["resolved_at"], here, "resolved_at", problems)
    updates = incident.get("incident_updates")
    if not isinstance(updates, list):
        problems.append(Problem(here, "incident_updates", "missing; expected a list of updates"))
        return []
    changes = _changes(updates, here, problems)
    if len(problems) > before:
        return []
    if changes is None:
        return _from_impact(
            incident,
            here,
            resolved=resolved,
            impacts=impacts,
            until=until,
            rule=impact_rule,
            problems=problems,
        )
    changes.sort(key=lambda change: change[:2])
    spans: list[tuple[str, int, int | None, str, str]] = []  # component, since, to, status, where
    open_: dict[str, tuple[int, str, str]] = {}  # component: since, status, where
    for time, minus_k, component, status in changes:
        current = open_.get(component)
        if current is not None and current[1] == status:
            continue
        if current is not None:
            spans.append((component, current[0], time, current[1], current[2]))
            del open_[component]
        if status in impacts:
            open_[component] = (time, status, f"{here} incident_updates[{-minus_k}]")
    spans.extend((c, since, None, status, where) for c, (since, status, where) in open_.items())
    if open_ and resolved is None and until is None:
        problems.append(
            Problem(
                here,
                "resolved_at",
                f"the incident is not resolved and {', '.join(map(repr, sorted(open_)))} "
                "is still in outage; give until= to end open outages",
            )
        )
        return []
    found: list[tuple[str, int, int, str, str]] = []
    for component, since, to, status, where in spans:
        if to == since:
            continue  # changed again at the same instant: the status lasted no time
        # resolution ends every outage of the incident; until= ends those it leaves open
        end = to if resolved is None else resolved if to is None else min(to, resolved)
        end = until if end is None else end
        assert end is not None
        what = f"{where.rpartition(' ')[2]} put {component!r} in {status}"
        if _ends_too_soon(end, since, resolved, what, here=here, problems=problems):
            continue
        found.append((component, since, end, _state(status), where))
    return sorted(found, key=lambda row: (row[1], row[0], row[2]))


def _changes(
    updates: list[Any], here: str, problems: Problems
) -> list[tuple[int, int, str, str]] | None:
    """Return the component changes of an incident's updates: (time, -index, component, status).

    ``None`` says that no update names affected components: the incident says
    only its impact.
    """
    changes: list[tuple[int, int, str, str]] = []
    named = False
    for k, update in enumerate(updates):
        at = f"{here} incident_updates[{k}]"
        if not isinstance(update, Mapping):
            problems.append(Problem(at, "", "expected an update object"))
            continue
        affected = update.get("affected_components")
        if affected is None or affected == []:
            continue
        named = True
        time = instant_field(update.get("created_at"), at, "created_at", problems)
        if not isinstance(affected, list):
            problems.append(Problem(at, "affected_components", "expected a list of components"))
            continue
        for c, item in enumerate(affected):
            component, status = _affected(item, f"{at} affected_components[{c}]", problems)
            if time is not None and component is not None and status is not None:
                changes.append((time, -k, component, status))
    return changes if named else None


def _from_impact(
    incident: Mapping[str, Any],
    here: str,
    *,
    resolved: int | None,
    impacts: frozenset[str],
    until: int | None,
    rule: _ImpactRule,
    problems: Problems,
) -> list[tuple[str, int, int, str, str]]:
    """Return the outages of an incident whose updates name no component, read from its impact."""
    if rule.mode == "ignore":
        return []
    title = incident.get("name")
    called = f"the incident {echo(title)}" if isinstance(title, str) and title else "the incident"
    if rule.mode == "error":
        problems.append(
            Problem(
                here,
                "incident_updates",
                f"no update of {called} names affected_components, and impact_only='error' "
                "refuses an incident read from its impact alone",
            )
        )
        return []
    impact = incident.get("impact")
    status = rule.statuses.get(impact) if isinstance(impact, str) else None
    if status is None:
        if impact in INCIDENT_IMPACTS:
            meaning = "operational" if impact == "none" else "under_maintenance"
            said = (
                f"{impact!r} names no component status; say what it means with "
                f"impact_statuses={{{impact!r}: {meaning!r}}}"
                + (" (no outage)" if impact == "none" else " (an outage if impacts= names it)")
            )
        elif impact is None:
            said = "there is none; give the incident's impact"
        else:
            said = f"{echo(impact)} is not one of {', '.join(INCIDENT_IMPACTS)}"
        problems.append(
            Problem(
                here,
                "impact",
                f"no update of {called} names affected_components, so it is read from its "
                f"impact: {said}, or pass impact_only='ignore' to leave out such incidents",
            )
        )
        return []
    if status not in impacts:
        return []  # not an outage, by the same rule as an update that sets this status
    named = _incident_components(incident.get("components"), here, problems)
    if named is None:
        return []
    if not named:
        problems.append(
            Problem(
                here,
                "components",
                f"{called} has impact {impact!r} ({status}) but names no component, in "
                "components or in any update's affected_components, so no service can be "
                "charged; name its components, or pass impact_only='ignore'",
            )
        )
        return []
    field = "started_at" if incident.get("started_at") is not None else "created_at"
    since = instant_field(incident.get(field), here, field, problems)
    end = resolved if resolved is not None else until
    if since is None:
        return []
    if end is None:
        problems.append(
            Problem(
                here,
                "resolved_at",
                f"the incident is not resolved and {', '.join(repr(c) for c, _ in named)} "
                "is still in outage; give until= to end open outages",
            )
        )
        return []
    if _ends_too_soon(end, since, resolved, field, here=here, problems=problems):
        return []
    return [(component, since, end, _state(status), at) for component, at in named]


def _incident_components(
    listed: object, here: str, problems: Problems
) -> list[tuple[str, str]] | None:
    """Return the names of an incident's own components and where each is, or None on a problem."""
    if listed is None:
        return []
    if not isinstance(listed, list):
        problems.append(Problem(here, "components", "expected a list of components"))
        return None
    before = len(problems)
    named: dict[str, str] = {}
    for c, item in enumerate(listed):
        at = f"{here} components[{c}]"
        if not isinstance(item, Mapping):
            problems.append(Problem(at, "", "expected a component {'name': ...}"))
            continue
        component = item.get("name")
        if not isinstance(component, str) or not component.strip():
            problems.append(Problem(at, "name", f"{echo(component)} must be a component name"))
            continue
        named.setdefault(component, at)
    return None if len(problems) > before else list(named.items())


def _state(status: str) -> str:
    return "down" if status == "major_outage" else status


def _affected(item: object, at: str, problems: Problems) -> tuple[str | None, str | None]:
    if not isinstance(item, Mapping):
        problems.append(Problem(at, "", "expected {'name': ..., 'new_status': ...}"))
        return None, None
    component = item.get("name")
    if not isinstance(component, str) or not component.strip():
        problems.append(Problem(at, "name", f"{echo(component)} must be a component name"))
        component = None
    status = item.get("new_status")
    if status not in COMPONENT_STATUSES:
        problems.append(
            Problem(
                at,
                "new_status",
                f"{echo(status)} is not one of {', '.join(COMPONENT_STATUSES)}",
            )
        )
        status = None
    return component, status
