"""Evidence of support measures: every ticket judged, late (and by how much), or not counted."""

from __future__ import annotations

import attrs

from slakit._results._evidence import MeasureEvidence
from slakit._time._instant import describe_us, format_us

__all__ = ["TicketEvidence", "TicketNote"]


@attrs.frozen
class TicketNote:
    """What one ticket did in one support measure.

    Attributes:
        where: where this copy of the ticket came from (``tickets.jsonl:12`` or
            ``record 12``), for finding it in your own input; ``explain()`` and
            ``to_dict()`` name the ticket by its id instead.
        id: the ticket's id.
        service: its service.
        priority: its priority.
        coverage: the coverage it is entitled to (``None``: the measure's default clock).
        opened: when it was opened, microseconds UTC.
        stopped: the first response or resolution that stopped its clock, or
            ``None`` when there was none.
        target_us: the business-time target it was judged against (``None``: none).
        elapsed_us: business time from opening to ``stopped`` (or to the end of
            the period, when not stopped), pauses removed; ``None`` if not judged.
        due: the instant the target fell due, microseconds UTC, for every ticket
            judged against a target (on time, late or pending); ``None`` for a
            ticket not judged. ``BusinessClock(clock).due(opened, target)`` gives
            the same instant, as an ``int`` when asked with one.
        late_by_us: how much business time the ticket exceeded its target by
            (for an unanswered ticket: at least this much); 0 when not late.
        category: ``"counted"`` or ``"ignored"``.
        status: ``"on time"``, ``"late"``, ``"late, unanswered"``, ``"pending"``,
            or why the ticket was not judged.
        reason: the whole story in words.
    """

    where: str
    id: str
    service: str
    priority: str
    coverage: str | None
    opened: int
    stopped: int | None
    target_us: int | None
    elapsed_us: int | None
    due: int | None
    late_by_us: int
    category: str
    status: str
    reason: str

    @property
    def late(self) -> bool:
        """Whether the ticket missed its target."""
        return self.late_by_us > 0

    def describe(self) -> str:
        """Return the note on one line."""
        opened = format_us(self.opened)
        return f"{self.where}: ticket {self.id} ({self.priority}) opened {opened}: {self.reason}"


@attrs.frozen
class TicketEvidence(MeasureEvidence):
    """The evidence behind one service's value of a support measure.

    The span fields of [`MeasureEvidence`][slakit.MeasureEvidence] are empty; ``tickets`` holds
    every ticket of the service with its fate, and ``events`` the same as
    [`EventNote`][slakit.EventNote] rows (``kind="ticket"``).
    """

    tickets: tuple[TicketNote, ...] = ()

    @property
    def late(self) -> tuple[TicketNote, ...]:
        """The late tickets, latest first, each with how late it was.

        Tickets equally late come in the order of their facts (opened, then id),
        never in input order, so the first ``limit`` that ``late_lines()`` shows
        are the same for every party holding the same tickets.
        """
        late = [t for t in self.tickets if t.late]
        return tuple(sorted(late, key=lambda t: (-t.late_by_us, t.opened, t.service, t.id)))

    @property
    def on_time(self) -> tuple[TicketNote, ...]:
        """The tickets that met their target."""
        return tuple(t for t in self.tickets if t.status == "on time")

    @property
    def not_counted(self) -> tuple[TicketNote, ...]:
        """The tickets that were not judged, each with the reason."""
        return tuple(t for t in self.tickets if t.category != "counted")

    def summary(self) -> str:
        """Return the tally, such as ``'40 tickets judged: 38 on time, 2 late; 3 not counted'``."""
        judged = len(self.tickets) - len(self.not_counted)
        late = len(self.late)
        return (
            f"{judged} tickets judged: {judged - late} on time, {late} late; "
            f"{len(self.not_counted)} not counted"
        )

    def explain_lines(self) -> list[str]:
        """Return the evidence as the indented lines that ``Report.explain()`` prints."""
        out = [
            f"  {self.measure.label}: {self.summary()}",
            f"    how it is measured: {self.measure.describe()}",
        ]
        late = self.late_lines()
        if late:
            out.append("    late tickets, latest first:")
            out.extend(f"      {line}" for line in late)
        skipped = self.not_counted
        if skipped:
            out.append("    tickets not counted:")
            out.extend(f"      ticket {t.id} ({t.priority}): {t.reason}" for t in skipped)
        return out

    def late_lines(self, limit: int = 20) -> list[str]:
        """Return one line per late ticket (at most ``limit``), latest first."""
        late = self.late
        lines = [
            f"ticket {t.id} ({t.priority}) late by {describe_us(t.late_by_us)}"
            + (" (at least; unanswered)" if t.stopped is None else "")
            for t in late[:limit]
        ]
        if len(late) > limit:
            lines.append(f"... and {len(late) - limit} more late tickets")
        return lines
