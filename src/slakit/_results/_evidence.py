"""Evidence: the spans and events behind a measured value, and how the input reconciles."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from fractions import Fraction
from typing import Any, Protocol

import attrs
import numpy as np
import numpy.typing as npt

from slakit._dsl._measures import Measure
from slakit._results._uncovered import UncoveredGroup, UncoveredRow
from slakit._time._instant import describe_us, format_us
from slakit._time._kernels import sum_by_group
from slakit._time._timeline import Timeline

__all__ = [
    "Coded",
    "EventColumns",
    "EventNote",
    "EvidenceColumns",
    "MeasureEvidence",
    "MeasureOutcome",
    "Reconciliation",
    "SpanColumns",
    "distinct",
    "on_grid",
]

I64 = npt.NDArray[np.int64]


@attrs.frozen
class EventNote:
    """What one input event did in one measure.

    A measure's notes are in the canonical order of the events' facts (start,
    service, end, kind, then every other field, then what the measure made of
    the event), never in input order.

    Attributes:
        where: where this copy of the event came from (``events.jsonl:12`` or
            ``record 12``): for finding it in your own input. ``to_dict()`` and
            ``explain()`` do not print it (another party's copy sits elsewhere);
            the event's facts identify it there.
        kind: ``"outage"``, ``"maintenance"``, ``"deployment"``, ``"request"`` or ``"ticket"``.
        service: the event's service.
        start: start instant, microseconds UTC.
        end: end instant, microseconds UTC.
        category: ``"counted"``, ``"excluded"`` or ``"ignored"``.
        reason: why, in words, naming the clause or rule.
        amount_us: the time this event counted as down, or the maintenance time excluded.
    """

    where: str
    kind: str
    service: str
    start: int
    end: int
    category: str
    reason: str
    amount_us: int = 0

    def describe(self) -> str:
        """Return the note on one line, with where this copy of the event came from."""
        reason = self.reason.removeprefix(f"{self.category}: ")  # said once
        return f"{self.where}: {self.what()}: {self.category}, {reason}"

    def what(self) -> str:
        """Return the event by its facts: ``'outage of api [start, end)'``."""
        return f"{self.kind} of {self.service} [{format_us(self.start)}, {format_us(self.end)})"


@attrs.frozen
class MeasureEvidence:
    """The evidence behind one service's value of one availability measure.

    Attributes:
        service: the service.
        measure: the measure.
        eligible: the eligible time (the denominator).
        down: the down time that counted (the numerator of unavailability).
        excluded: time that an exclusion clause took out or accounted for.
        excluded_by: the clause that did, in words ("" when none did).
        outside_window: down time outside the service window, which did not count.
        events: what each of the service's input events did.
        weighted_down: the down time after weights (degraded states, affected
            shares) in microseconds, exact; ``None`` when nothing is weighted.
        corrections: what each correction on the service did, in words.
    """

    service: str
    measure: Measure
    eligible: Timeline
    down: Timeline
    excluded: Timeline
    excluded_by: str
    outside_window: Timeline
    events: tuple[EventNote, ...]
    weighted_down: Fraction | None = None
    #: What each correction on the service did: applied (how much, how), or why not.
    corrections: tuple[str, ...] = ()

    def explain_lines(self) -> list[str]:
        """Return the evidence as the indented lines that ``Report.explain()`` prints."""
        weighted = ""
        if self.weighted_down is not None:
            weighted = f", weighted down {describe_us(int(self.weighted_down))}"
            if self.weighted_down.denominator != 1:
                weighted += f" (exact {self.weighted_down} microseconds)"
        head = (
            f"  {self.measure.label}: eligible {describe_us(self.eligible_us)}, "
            f"down {describe_us(self.down_us)}{weighted}"
        )
        out = [head, f"    how it is measured: {self.measure.describe()}"]
        if self.down:
            out.append("    down time counted:")
            out.extend(_timeline_lines(self.down, "      "))
        if self.excluded:
            out.append(f"    time excluded by the clause ({self.excluded_by}):")
            out.extend(_timeline_lines(self.excluded, "      "))
        if self.outside_window:
            out.append("    down time outside the service window (not counted):")
            out.extend(_timeline_lines(self.outside_window, "      "))
        if self.corrections:
            out.append("    corrections:")
            out.extend(f"      {line}" for line in self.corrections)
        uncounted = [n for n in self.events if n.category != "counted"]
        if uncounted:
            out.append("    events not counted:")
            out.extend(
                f"      {n.kind}{'' if n.service == self.service else f' of {n.service}'} "
                f"{format_us(n.start)} to {format_us(n.end)}: {n.reason}"
                for n in uncounted
            )
        return out

    @property
    def eligible_us(self) -> int:
        """The eligible time in microseconds."""
        return self.eligible.measure()

    @property
    def down_us(self) -> int:
        """The counted down time in microseconds."""
        return self.down.measure()


def object_array(values: Iterable[object]) -> npt.NDArray[np.object_]:
    """Return ``values`` as a one-dimensional object array (strings stay Python strings)."""
    items = list(values)
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def on_grid(values: I64) -> tuple[I64, I64] | None:
    """Return the distinct ``values`` and each value's index among them, if they lie on a grid.

    The grid: the values' greatest common step from the smallest, no more
    steps wide than twice the number of values (lengths and instants of whole
    minutes, a period's bounds shared by many spans, small counts); the values
    are then numbered by their step on it, in one pass, without a sort.
    ``None`` where they do not (microseconds at random).
    """
    n = values.shape[0]
    if not n:
        return None
    low, high = int(values.min()), int(values.max())
    if high - low >= 2**62:
        return None
    offset = values - low
    width = 2 * n
    # a sample's step is a multiple of the whole's: if it is too fine, the whole's is too
    sample = int(np.gcd.reduce(offset[:64]))
    if sample and (high - low) // sample >= width:
        return None
    step = int(np.gcd.reduce(offset)) or 1
    if (high - low) // step >= width:
        return None
    cell = offset // step if step != 1 else offset
    used = np.zeros((high - low) // step + 1, dtype=bool)
    used[cell] = True
    rank = np.cumsum(used) - 1
    found = np.flatnonzero(used) * step + low
    return found.astype(values.dtype), rank[cell].astype(np.int64)


def distinct(values: I64) -> tuple[I64, I64]:
    """Return the distinct ``values``, ascending, and each value's index among them.

    What ``np.unique(values, return_inverse=True)`` gives, without its sort
    where the values lie on a grid (see ``on_grid()``).
    """
    found = on_grid(values)
    if found is not None:
        return found
    unique, inverse = np.unique(values, return_inverse=True)
    return unique, inverse.reshape(-1).astype(np.int64)


@attrs.frozen(eq=False)
class Coded:
    """A column of few distinct values, held as codes into a table of them: ``labels[codes]``.

    A reason, a kind or a service repeats over many rows; each distinct value
    is made once, and the column is read back in one indexing pass.
    """

    codes: I64
    labels: npt.NDArray[np.object_]

    @classmethod
    def of(cls, values: Iterable[Hashable]) -> Coded:
        """Return the column of ``values``, given one by one (the labels in order of first use)."""
        index: dict[Hashable, int] = {}
        codes = [index.setdefault(value, len(index)) for value in values]
        return cls(np.asarray(codes, dtype=np.int64), object_array(index))

    @classmethod
    def constant(cls, value: object, n: int) -> Coded:
        """Return ``value`` repeated ``n`` times."""
        return cls(np.zeros(n, dtype=np.int64), object_array([value]))

    @classmethod
    def concat(cls, parts: Iterable[Coded]) -> Coded:
        """Return the rows of each column in turn (one at least; their labels in one table)."""
        chosen = list(parts)
        offsets = np.cumsum([0, *(p.labels.shape[0] for p in chosen[:-1])]).tolist()
        return cls(
            np.concatenate([p.codes + k for p, k in zip(chosen, offsets, strict=True)]),
            np.concatenate([p.labels for p in chosen]),
        )

    def take(self, index: I64) -> Coded:
        """Return the rows at ``index`` (a gather; the labels are shared)."""
        return Coded(self.codes[index], self.labels)

    def render(self, text: Callable[[Any], Any]) -> list[Any]:
        """Return ``text(value)`` row by row, calling ``text`` once per label."""
        labels = object_array([text(label) for label in self.labels.tolist()])
        values: list[Any] = labels[self.codes].tolist()
        return values

    def tolist(self) -> list[Any]:
        """Return the values row by row (each distinct value is one shared object)."""
        values: list[Any] = self.labels[self.codes].tolist()
        return values


@attrs.frozen(eq=False)
class SpanColumns:
    """Spans of many services: ``[start, end)`` of service ``service`` (its position), one a row.

    Ordered by service, then by start; a service's spans are its timeline.
    """

    service: I64
    start: I64
    end: I64

    @classmethod
    def of(cls, timelines: Iterable[Timeline]) -> SpanColumns:
        """Return the spans of each timeline in turn, timeline ``i`` as service ``i``."""
        parts = [(t.starts, t.ends) for t in timelines]
        if not parts:
            return cls(*(np.zeros(0, dtype=np.int64) for _ in range(3)))
        lengths = np.asarray([len(start) for start, _ in parts], dtype=np.int64)
        return cls(
            np.repeat(np.arange(len(parts), dtype=np.int64), lengths),
            np.concatenate([start for start, _ in parts]).astype(np.int64),
            np.concatenate([end for _, end in parts]).astype(np.int64),
        )

    def measure(self, services: int) -> I64:
        """Return each of ``services`` services' total length of spans, in microseconds."""
        return sum_by_group(self.service, self.end - self.start, services)


@attrs.frozen(eq=False)
class EventColumns:
    """What each listed input event did in one measure, one row per event.

    The fields of [`EventNote`][slakit.EventNote] that reports print, as columns.
    """

    service: Coded
    kind: Coded
    start: I64
    end: I64
    category: Coded
    reason: Coded

    @classmethod
    def of(cls, notes: Iterable[EventNote]) -> EventColumns:
        """Return the columns of ``notes``, given one by one."""
        rows = list(notes)
        return cls(
            service=Coded.of(n.service for n in rows),
            kind=Coded.of(n.kind for n in rows),
            start=np.asarray([n.start for n in rows], dtype=np.int64),
            end=np.asarray([n.end for n in rows], dtype=np.int64),
            category=Coded.of(n.category for n in rows),
            reason=Coded.of(n.reason for n in rows),
        )


@attrs.frozen(eq=False)
class EvidenceColumns:
    """The evidence of one measure for every service it measures, as columns.

    What the [`MeasureEvidence`][slakit.MeasureEvidence] of each service
    says, service by service in the outcome's order, without building those
    objects (nor an [`EventNote`][slakit.EventNote] per event) where the
    runner keeps its evidence as columns; ``to_dict()`` renders it.

    Attributes:
        measure: the measure the evidence names (``MeasureEvidence.measure``).
        services: the services, in the outcome's order.
        eligible_us: each service's eligible time, in microseconds.
        excluded_by: each service's clause that excluded time, in words (``""``: none).
        weighted_down: each service's weighted down time in microseconds, exact;
            ``None`` when nothing is weighted.
        down: the down time that counted, per service.
        excluded: the time an exclusion clause took out or accounted for.
        outside_window: the down time outside the service window.
        events: each service's events in turn, each service's in the order of
            its evidence (the canonical order of their facts).
    """

    measure: Measure
    services: tuple[str, ...]
    eligible_us: I64
    excluded_by: Coded
    weighted_down: tuple[Fraction | None, ...] | None
    down: SpanColumns
    excluded: SpanColumns
    outside_window: SpanColumns
    events: EventColumns
    #: ``(service, what the correction did)`` for each correction on each service, in order.
    corrections: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, measure: Measure, evidence: Iterable[MeasureEvidence]) -> EvidenceColumns:
        """Return the columns of each service's evidence object, taken one at a time.

        For measures whose runner has no columnar path: the objects are read
        one at a time and dropped (the spans and notes they hold are kept until
        the columns are made). ``measure`` names the evidence when there is
        none (each object names its own).
        """
        named = measure
        services: list[str] = []
        eligible: list[int] = []
        excluded_by: list[str] = []
        weighted: list[Fraction | None] = []
        spans: tuple[list[Timeline], list[Timeline], list[Timeline]] = ([], [], [])
        notes: list[EventNote] = []
        corrections: list[tuple[str, str]] = []
        for ev in evidence:
            named = ev.measure
            corrections.extend((ev.service, line) for line in ev.corrections)
            services.append(ev.service)
            eligible.append(ev.eligible_us)
            excluded_by.append(ev.excluded_by)
            weighted.append(ev.weighted_down)
            for timelines, timeline in zip(
                spans, (ev.down, ev.excluded, ev.outside_window), strict=True
            ):
                timelines.append(timeline)
            notes.extend(ev.events)
        return cls(
            measure=named,
            services=tuple(services),
            eligible_us=np.asarray(eligible, dtype=np.int64),
            excluded_by=Coded.of(excluded_by),
            weighted_down=None if all(w is None for w in weighted) else tuple(weighted),
            down=SpanColumns.of(spans[0]),
            excluded=SpanColumns.of(spans[1]),
            outside_window=SpanColumns.of(spans[2]),
            events=EventColumns.of(notes),
            corrections=tuple(corrections),
        )

    def down_us(self) -> I64:
        """Return each service's counted down time, in microseconds."""
        return self.down.measure(len(self.services))


class LazyCounts(Mapping[str, Mapping[str, int]]):
    """Reconciliation counts worked out on first access (classifying rows costs time)."""

    def __init__(self, compute: Callable[[], Mapping[str, Mapping[str, int]]]) -> None:
        self._compute = compute
        self._value: Mapping[str, Mapping[str, int]] | None = None

    def _get(self) -> Mapping[str, Mapping[str, int]]:
        if self._value is None:
            self._value = self._compute()
        return self._value

    def __getitem__(self, key: str) -> Mapping[str, int]:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def _timeline_lines(timeline: Timeline, indent: str, limit: int = 20) -> list[str]:
    lines = [f"{indent}{span}  {describe_us(span.end - span.start)}" for span in timeline[:limit]]
    if len(timeline) > limit:
        lines.append(f"{indent}... and {len(timeline) - limit} more spans")
    return lines


class DownTime(Protocol):
    """The counted down time of a measure of time, for rules that measure parts of it.

    ``layers`` are ``(step, spans)`` pairs (spans grouped by the outcome's
    service index) whose ``step``-weighted measures add up to the down time,
    in units of ``1 / scale`` microseconds; ``down_within()`` measures it
    inside spans.
    """

    @property
    def layers(self) -> tuple[tuple[int, Any], ...]:
        """The ``(step, grouped spans)`` layers of the down time."""

    def down_within(self, group: Any, start: Any, end: Any) -> Any:
        """Return the down time of each ``(group, [start, end))``, in ``1 / scale`` µs."""


@attrs.frozen(eq=False)
class MeasureOutcome:
    """One measure's results over all measured services, as columns, with lazy evidence.

    ``good`` and ``total`` hold each service's exact value as ``good / total``
    (for uptime: up time and eligible time), counted in units of ``1 / scale``
    of the measure's unit (microseconds for measures of time; ``scale`` is 1
    unless weights, such as degraded states or affected shares, make the figures
    fractional); ``total == 0`` means no data. Rules that consume time (down
    time, eligible time) must divide by ``scale``: ``down_us()`` and
    ``eligible_us()`` do.
    """

    measure: Measure
    services: tuple[str, ...]
    good: npt.NDArray[np.int64]
    total: npt.NDArray[np.int64]
    evidence_of: Callable[[int], MeasureEvidence]
    notes: Callable[[], list[EventNote]]
    #: ``{"rows": {"rows": n}, "categories": {...}, "reasons": {...}}``
    counts: Mapping[str, Mapping[str, int]]
    scale: int = 1
    #: For measures of time: their down time, measurable inside any span.
    time: DownTime | None = None
    #: Every service's evidence as columns, for runners that keep it so (see ``all_evidence()``).
    evidence_columns: Callable[[], EvidenceColumns] | None = None
    _positions: dict[str, int] = attrs.field(init=False, factory=dict, repr=False)

    def index(self, service: str) -> int:
        """Return the position of ``service`` in [`services`][slakit.Report.services]."""
        return self.positions[service]

    @property
    def positions(self) -> Mapping[str, int]:
        """Each service's position in ``services`` (built once per outcome)."""
        if not self._positions and self.services:
            self._positions.update((name, i) for i, name in enumerate(self.services))
        return self._positions

    def all_evidence(self) -> EvidenceColumns:
        """Return the evidence of every service, as columns, in the order of ``services``.

        The same rows as ``evidence_of(i)`` for each ``i`` in turn. A runner
        that keeps its evidence as columns (uptime) gives them without one
        object per event; for the others each service's evidence object is
        built and read in turn.
        """
        if self.evidence_columns is not None:
            return self.evidence_columns()
        return EvidenceColumns.of(
            self.measure, (self.evidence_of(i) for i in range(len(self.services)))
        )

    def down_us(self) -> tuple[npt.NDArray[Any], int]:
        """Return each service's down time as exact ``numerators / denominator`` microseconds."""
        return self.total - self.good, self.scale

    def eligible_us(self) -> tuple[npt.NDArray[Any], int]:
        """Return each service's eligible time as exact ``numerators / denominator`` µs."""
        return self.total, self.scale


@attrs.frozen
class Reconciliation:
    """How every input row reconciles in each measure: counted, excluded or ignored.

    ``by_measure`` maps each measure's label to ``{category: count}``,
    ``reasons`` to ``{reason: count}`` and ``rows`` to the number of input rows
    the measure read; in every measure the categories add up to its rows.
    ``total`` is the number of input rows over every table.
    """

    total: int
    by_measure: Mapping[str, Mapping[str, int]]
    reasons: Mapping[str, Mapping[str, int]]
    rows: Mapping[str, int] = attrs.field(factory=dict)
    #: Rows read per kind of input (``{"events": 0}`` for an empty events file).
    read: Mapping[str, int] = attrs.field(factory=dict)
    #: The input no measure counted, grouped by reason and service (see ``_uncovered``).
    uncovered: tuple[UncoveredGroup, ...] = ()

    def balanced(self) -> bool:
        """Return whether every measure accounts for every row it read exactly once."""
        return all(
            sum(c.values()) == self.rows.get(label, self.total)
            for label, c in self.by_measure.items()
        )

    def uncovered_rows(self) -> list[UncoveredRow]:
        """Return every row of every group in ``uncovered``, group by group."""
        return [row for group in self.uncovered for row in group.rows()]
