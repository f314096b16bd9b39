"""Service windows: calendars that say which instants are committed time.

A calendar is an immutable description ("24x7", "Mon-Fri 08:00-18:00 in
Berlin, without Berlin's public holidays") that materialises over any span
into a :class:`~slakit.Timeline`.
"""

from __future__ import annotations

import abc

import attrs

from slakit._time._timeline import Span, Timeline

__all__ = ["Always", "Calendar", "Never", "always", "never"]


@attrs.frozen
class Calendar(abc.ABC):
    """The base of every calendar: a rule for which instants are in service."""

    @abc.abstractmethod
    def timeline(self, start: int, end: int) -> Timeline:
        """Return the calendar's time inside ``[start, end)`` (microseconds UTC)."""

    def materialize(self, span: Span) -> Timeline:
        """Return the calendar's time inside ``span`` as a timeline."""
        return self.timeline(span.start, span.end)


@attrs.frozen(repr=False)
class Always(Calendar):
    """Every instant: service is committed 24x7."""

    def timeline(self, start: int, end: int) -> Timeline:
        """Return all of ``[start, end)``."""
        return Timeline([Span(start, end)]) if end > start else Timeline()

    def __repr__(self) -> str:
        return "always()"


@attrs.frozen(repr=False)
class Never(Calendar):
    """No instant at all."""

    def timeline(self, start: int, end: int) -> Timeline:
        """Return the empty timeline."""
        return Timeline()

    def __repr__(self) -> str:
        return "never()"


def always() -> Always:
    """Return the calendar of every instant (24x7 service)."""
    return Always()


def never() -> Never:
    """Return the calendar of no instant."""
    return Never()
