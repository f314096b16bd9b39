"""Claims: a customer's request for the credit of a period, filed at an instant."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from slakit._events._columns import (
    NO_TIME,
    Problems,
    check_where,
    instants,
    names,
    read_columns,
    row_names,
)
from slakit._events._records import records_of
from slakit._node import DSLRepr
from slakit._time._instant import InstantLike, format_us, from_us, to_us
from slakit.exceptions import DefinitionError

__all__ = ["Claim", "ClaimTable"]


def _text(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(f"{attribute.name}={value!r} must be a non-empty string")


def _filed(value: InstantLike) -> datetime:
    return from_us(to_us(value, name="filed"))


@attrs.frozen(repr=False)
class Claim(DSLRepr):
    """A claim for the credits of ``service`` in ``period`` (a label), filed at ``filed``.

    ``ticket`` names the ticket claimed for, where the agreement's claim window
    runs from each ticket's close ([`after_ticket_closes()`][slakit.after_ticket_closes]).

    >>> Claim("db", "2026-10", "2026-11-12T09:00:00Z")
    Claim('db', '2026-10', '2026-11-12T09:00:00Z')
    """

    service: str = attrs.field(validator=_text)
    period: str = attrs.field(validator=_text)
    filed: datetime = attrs.field(converter=_filed)
    ticket: str | None = attrs.field(default=None, kw_only=True)

    @property
    def filed_us(self) -> int:
        """The filing instant in microseconds since the epoch, UTC."""
        return to_us(self.filed)

    def __repr__(self) -> str:
        ticket = "" if self.ticket is None else f", ticket={self.ticket!r}"
        return f"Claim({self.service!r}, {self.period!r}, {format_us(self.filed_us)!r}{ticket})"


class ClaimTable:
    """Claims as columns, read at ``as_of``.

    A missing claim whose window is still open at ``as_of`` is pending, not
    missing (``None``: the table is final).
    """

    __slots__ = ("as_of", "filed", "period", "records", "service", "ticket")

    def __init__(self, records: Sequence[Claim], *, as_of: InstantLike | None = None) -> None:
        self.records = tuple(records_of(records, Claim, "Claim"))
        self.service = np.asarray([c.service for c in records], dtype=object)
        self.period = np.asarray([c.period for c in records], dtype=object)
        self.filed = np.asarray([c.filed_us for c in records], dtype=np.int64)
        self.ticket = np.asarray([c.ticket for c in records], dtype=object)
        self.as_of = None if as_of is None else to_us(as_of, name="as_of")

    @classmethod
    def from_records(
        cls, records: Iterable[Claim], *, as_of: InstantLike | None = None
    ) -> ClaimTable:
        """Build a table from [`Claim`][slakit.Claim] records."""
        return cls(list(records), as_of=as_of)

    @classmethod
    def from_columns(
        cls,
        columns: Mapping[str, Any],
        *,
        as_of: InstantLike | None = None,
        where: Sequence[str] | None = None,
    ) -> ClaimTable:
        """Build a table from columns, every row checked at once.

        ``columns`` maps ``service``, ``period`` (a period label such as
        ``"2026-10"``), ``filed`` (an instant, in any form
        [`EventTable.from_columns()`][slakit.EventTable.from_columns] reads) and
        optionally ``ticket`` (ids, strings or integers; missing for none) to
        equal-length columns; a pandas or polars data frame works as it is.
        ``where`` names each row in errors (``claims.csv:3``).

        Raises:
            EventDataError: listing every invalid row by row and field.
        """
        got = read_columns(
            columns, required=("service", "period", "filed"), optional=("ticket",), what="claim"
        )
        n = len(got["filed"])
        check_where(where, n)
        where_of = row_names(where)
        problems = Problems()
        text = {
            name: names(
                got[name],
                n,
                where_of=where_of,
                problems=problems,
                what=name,
                blank=f"must be a non-empty {name}",
            )
            for name in ("service", "period")
        }
        filed = instants(
            got["filed"],
            n,
            where_of=where_of,
            problems=problems,
            required=True,
            needed="every claim was filed at an instant",
        )
        ticket = names(
            got.get("ticket"),
            n,
            where_of=where_of,
            problems=problems,
            default="",
            integers=True,
            what="ticket id",
        )
        if problems or problems.omitted or filed is None or ticket is None:
            raise problems.error()
        service, period = text["service"], text["period"]
        assert service is not None
        assert period is not None
        claims = [
            Claim(s, p, from_us(f), ticket=t or None)
            for s, p, f, t in zip(
                service.tolist(), period.tolist(), filed.tolist(), ticket.tolist(), strict=True
            )
            if f != NO_TIME
        ]
        return cls(claims, as_of=as_of)

    def __len__(self) -> int:
        return len(self.records)

    def __repr__(self) -> str:
        return f"<ClaimTable {len(self)} claims>"

    def by_ticket(self, service: str) -> dict[str, int]:
        """Return, for ``service``, the earliest claim filed for each ticket id."""
        out: dict[str, int] = {}
        for svc, ticket, filed in zip(self.service, self.ticket, self.filed.tolist(), strict=True):
            if svc == service and ticket is not None:
                out[ticket] = min(out.get(ticket, filed), filed)
        return out

    def earliest(self, services: Sequence[str], period: str) -> npt.NDArray[np.int64]:
        """Return, per service, the earliest claim filed for ``period`` (int64 max: none)."""
        none = np.iinfo(np.int64).max
        out = np.full(len(services), none, dtype=np.int64)
        index = {name: i for i, name in enumerate(services)}
        rows = np.flatnonzero(self.period == period)
        code = np.asarray([index.get(s, -1) for s in self.service[rows]], dtype=np.int64)
        keep = code >= 0
        np.minimum.at(out, code[keep], self.filed[rows][keep])
        return out
