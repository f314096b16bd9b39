"""Claims: a customer's request for the credit of a period, filed at an instant, and its state."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from slakit._events._columns import (
    NO_TIME,
    Problems,
    check_where,
    echo,
    instants,
    is_blank,
    names,
    read_columns,
    row_names,
)
from slakit._events._records import records_of
from slakit._node import DSLRepr
from slakit._time._instant import InstantLike, format_us, from_us, to_us
from slakit.exceptions import DefinitionError, Problem

__all__ = ["CLAIM_STATES", "Claim", "ClaimTable", "state_words"]

#: The states of a claim, in the order claims filed at one instant are taken.
CLAIM_STATES: Final = ("filed", "accepted", "disputed", "rejected")
_STATES_TEXT: Final = ", ".join(CLAIM_STATES)
#: ``None`` as a numpy value, to find the claims for no ticket in C.
_NONE: Final = np.array(None, dtype=object)


def _text(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(
            f"{attribute.name}={value!r} must be a non-empty string",
            name=attribute.name,
            value=value,
        )


def _filed(value: InstantLike) -> datetime:
    return from_us(to_us(value, name="filed"))


def _near_state(value: object) -> str:
    """Return ``"; did you mean 'x'?"`` for a near-miss claim state, or ``""``."""
    if not isinstance(value, str):
        return ""
    folded = value.strip().lower()
    near = [s for s in CLAIM_STATES if s == folded] or difflib.get_close_matches(
        folded, CLAIM_STATES, n=1
    )
    return f"; did you mean {near[0]!r}?" if near else ""


def _check_state(_instance: object, _attribute: object, value: object) -> None:
    if not isinstance(value, str) or value not in CLAIM_STATES:
        raise DefinitionError(
            f"state={value!r} is not a claim state; give one of "
            f"{', '.join(map(repr, CLAIM_STATES))} (lower case){_near_state(value)}",
            name="state",
            value=value,
        )


def _check_reason(
    _instance: object, _attribute: attrs.Attribute[str | None], value: str | None
) -> None:
    given: object = value
    if given is not None and (not isinstance(given, str) or not given.strip()):
        raise DefinitionError(
            f"reason={value!r} must be a non-empty string, or None for no reason",
            name="reason",
            value=value,
        )


def state_words(state: str, reason: str | None) -> str:
    """Return how a line names a claim's state after its instant: ``" (disputed: why)"``.

    ``""`` for a claim filed and given no reason, so its lines read as before
    claims had states; else the state in parentheses, and the reason after a
    colon when one is given.
    """
    if state == "filed" and reason is None:
        return ""
    return f" ({state})" if reason is None else f" ({state}: {reason})"


@attrs.frozen(repr=False)
class Claim(DSLRepr):
    """A claim for the credits of ``service`` in ``period`` (a label), filed at ``filed``.

    ``ticket`` names the ticket claimed for, where the agreement's claim window
    runs from each ticket's close ([`after_ticket_closes()`][slakit.after_ticket_closes]).

    ``state`` is where the claim stands: ``"filed"`` (the default: filed, not
    yet answered), ``"accepted"``, ``"disputed"`` or ``"rejected"``; ``reason``
    says why (required for a rejected claim, allowed for any). In a
    [`claim_required()`][slakit.claim_required] clause a rejected claim is no
    claim: its credit is not paid, and the line says the claim was rejected and
    why. A filed, accepted or disputed claim counts as filed, and is paid when it
    was filed in the window; its line names the state (``claimed at ...
    (disputed: the outage was announced)``), but for a filed claim without a
    reason. Of several claims of one service and period, the earliest that is
    not rejected counts.

    >>> Claim("db", "2026-10", "2026-11-12T09:00:00Z")
    Claim('db', '2026-10', '2026-11-12T09:00:00Z')
    >>> Claim("db", "2026-10", "2026-11-12T09:00:00Z", state="rejected", reason="no outage")
    Claim('db', '2026-10', '2026-11-12T09:00:00Z', state='rejected', reason='no outage')
    """

    service: str = attrs.field(validator=_text)
    period: str = attrs.field(validator=_text)
    filed: datetime = attrs.field(converter=_filed)
    ticket: str | None = attrs.field(default=None, kw_only=True)
    state: str = attrs.field(default="filed", kw_only=True, validator=_check_state)
    reason: str | None = attrs.field(default=None, kw_only=True, validator=_check_reason)

    def __attrs_post_init__(self) -> None:
        if self.state == "rejected" and self.reason is None:
            raise DefinitionError(
                f"{self!r}: a rejected claim needs the reason it was rejected; give reason='...'",
                name="reason",
                value=None,
            )

    @property
    def filed_us(self) -> int:
        """The filing instant in microseconds since the epoch, UTC."""
        return to_us(self.filed)

    def __repr__(self) -> str:
        ticket = "" if self.ticket is None else f", ticket={self.ticket!r}"
        state = "" if self.state == "filed" else f", state={self.state!r}"
        reason = "" if self.reason is None else f", reason={self.reason!r}"
        return (
            f"Claim({self.service!r}, {self.period!r}, {format_us(self.filed_us)!r}"
            f"{ticket}{state}{reason})"
        )


class ClaimTable:
    """Claims as columns, read at ``as_of``.

    A missing claim whose window is still open at ``as_of`` is pending, not
    missing (``None``: the table is final). ``state`` holds each claim's state
    and ``reason`` its reason (``None`` for none).
    """

    __slots__ = (
        "_by_ticket",
        "as_of",
        "filed",
        "period",
        "reason",
        "records",
        "service",
        "state",
        "ticket",
    )

    def __init__(self, records: Sequence[Claim], *, as_of: InstantLike | None = None) -> None:
        self.records = tuple(records_of(records, Claim, "Claim"))
        self.service = np.asarray([c.service for c in records], dtype=object)
        self.period = np.asarray([c.period for c in records], dtype=object)
        self.filed = np.asarray([c.filed_us for c in records], dtype=np.int64)
        self.ticket = np.asarray([c.ticket for c in records], dtype=object)
        self.state = np.asarray([c.state for c in records], dtype=object)
        self.reason = np.asarray([c.reason for c in records], dtype=object)
        self.as_of = None if as_of is None else to_us(as_of, name="as_of")
        # per rejected flag: service -> ticket id -> the row that counts (see first_by_ticket)
        self._by_ticket: dict[bool, dict[str, dict[str, int]]] = {}

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
        optionally ``ticket`` (ids, strings or integers; missing for none),
        ``state`` (``filed``, ``accepted``, ``disputed`` or ``rejected``; missing
        for ``filed``) and ``reason`` (text; missing or blank for none, required
        where the state is ``rejected``) to equal-length columns; a pandas or
        polars data frame works as it is. ``where`` names each row in errors
        (``claims.csv:3``).

        Raises:
            EventDataError: listing every invalid row by row and field.
        """
        got = read_columns(
            columns,
            required=("service", "period", "filed"),
            optional=("ticket", "state", "reason"),
            what="claim",
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
        reported = len(problems)
        state = (
            names(
                got["state"], n, where_of=where_of, problems=problems, default="filed", what="state"
            )
            if "state" in got
            else np.full(n, "filed", dtype="<U8")  # names() would cut "filed" to "f"
        )
        told = {p.where for p in problems[reported:]}  # a state that is no text
        reason = names(
            got.get("reason"), n, where_of=where_of, problems=problems, default="", what="reason"
        )
        if state is not None:
            known = np.isin(state, CLAIM_STATES)
            problems.extend(
                Problem(
                    where_of(i),
                    "state",
                    f"{echo(str(state[i]))} is not one of {_STATES_TEXT}{_near_state(state[i])}",
                )
                for i in problems.rows(~known)
                if where_of(i) not in told
            )
            if reason is not None:
                problems.extend(
                    Problem(where_of(i), "reason", "missing; a rejected claim needs its reason")
                    for i in problems.rows((state == "rejected") & is_blank(reason))
                )
        if (
            problems
            or problems.omitted
            or filed is None
            or ticket is None
            or state is None
            or reason is None
        ):
            raise problems.error()
        service, period = text["service"], text["period"]
        assert service is not None
        assert period is not None
        claims = [
            Claim(s, p, from_us(f), ticket=t or None, state=st, reason=r if r.strip() else None)
            for s, p, f, t, st, r in zip(
                service.tolist(),
                period.tolist(),
                filed.tolist(),
                ticket.tolist(),
                state.tolist(),
                reason.tolist(),
                strict=True,
            )
            if f != NO_TIME
        ]
        return cls(claims, as_of=as_of)

    def __len__(self) -> int:
        return len(self.records)

    def __repr__(self) -> str:
        return f"<ClaimTable {len(self)} claims>"

    # --- the claim that counts ------------------------------------------------------------------

    def _first(self, rows: npt.NDArray[np.intp], group: npt.NDArray[np.int64]) -> dict[int, int]:
        """Return, per group, the row of the first of ``rows`` in the order claims are taken.

        Claims are taken by the instant they were filed; claims filed at one
        instant by state, in the order of ``CLAIM_STATES``, then by reason (none
        first), so the order of the rows never matters.
        """
        if not rows.size:
            return {}
        state = np.asarray([CLAIM_STATES.index(s) for s in self.state[rows].tolist()], np.int64)
        reasons = ["" if r is None else f"#{r}" for r in self.reason[rows].tolist()]
        reason = np.unique(np.asarray(reasons, dtype=str), return_inverse=True)[1].reshape(-1)
        order = np.lexsort((reason, state, self.filed[rows], group))
        picked = group[order]
        first = np.flatnonzero(np.concatenate(([True], picked[1:] != picked[:-1])))
        return dict(zip(picked[first].tolist(), rows[order[first]].tolist(), strict=True))

    def first(
        self, services: Sequence[str], period: str, *, rejected: bool = False
    ) -> npt.NDArray[np.int64]:
        """Return, per service, the row of the claim of ``period`` that counts (-1: none).

        That is its earliest claim that is not rejected; with ``rejected=True``,
        its earliest rejected claim instead.
        """
        out = np.full(len(services), -1, dtype=np.int64)
        index = {name: i for i, name in enumerate(services)}
        rows = np.flatnonzero((self.period == period) & ((self.state == "rejected") == rejected))
        code = np.asarray([index.get(s, -1) for s in self.service[rows].tolist()], dtype=np.int64)
        rows, code = rows[code >= 0], code[code >= 0]
        for i, row in self._first(rows, code).items():
            out[i] = row
        return out

    def first_by_ticket(self, service: str, *, rejected: bool = False) -> dict[str, int]:
        """Return, for ``service``, the row of the claim that counts for each ticket id.

        That is the ticket's earliest claim that is not rejected; with
        ``rejected=True``, its earliest rejected claim instead. Every service's
        are worked out in one pass, on the first call: a clause that asks for
        each of many services' tickets reads the table once.
        """
        found = self._by_ticket.get(rejected)
        if found is None:
            found = self._by_ticket[rejected] = self._first_by_ticket(rejected)
        return found.get(service, {})

    def _first_by_ticket(self, rejected: bool) -> dict[str, dict[str, int]]:
        keep = ~np.equal(self.ticket, _NONE) & ((self.state == "rejected") == rejected)
        rows = np.flatnonzero(keep)
        keys = list(zip(self.service[rows].tolist(), self.ticket[rows].tolist(), strict=True))
        pairs = sorted(set(keys))
        index = {pair: k for k, pair in enumerate(pairs)}
        code = np.fromiter(map(index.__getitem__, keys), dtype=np.int64, count=len(keys))
        out: dict[str, dict[str, int]] = {}
        for k, row in self._first(rows, code).items():
            service, ticket = pairs[k]
            out.setdefault(service, {})[ticket] = row
        return out

    def by_ticket(self, service: str) -> dict[str, int]:
        """Return, for ``service``, the earliest claim filed for each ticket id, not rejected."""
        return {t: int(self.filed[row]) for t, row in self.first_by_ticket(service).items()}

    def earliest(self, services: Sequence[str], period: str) -> npt.NDArray[np.int64]:
        """Return, per service, the earliest claim filed for ``period``, not rejected.

        The int64 maximum where there is none.
        """
        rows = self.first(services, period)
        none = np.iinfo(np.int64).max
        filed = self.filed[np.maximum(rows, 0)] if len(self) else np.zeros(len(rows), np.int64)
        return np.where(rows >= 0, filed, none).astype(np.int64)
