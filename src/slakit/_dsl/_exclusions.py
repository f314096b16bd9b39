"""Exclusion clauses: which time or events a measure leaves out, under which conditions."""

from __future__ import annotations

import abc
import re
from collections.abc import Iterable
from typing import Literal, cast

import attrs

from slakit._node import DSLRepr, node, shown
from slakit._time._clock import BusinessDays
from slakit._time._instant import Duration
from slakit._validation import check_optional_duration
from slakit.exceptions import DefinitionError

__all__ = [
    "Accounting",
    "Corrections",
    "Exclusion",
    "ScheduledMaintenance",
    "corrections",
    "scheduled_maintenance",
]

#: How excluded time is accounted for:
#: ``"remove"`` takes it out of both the downtime and the eligible time (the denominator);
#: ``"good"`` counts it as up time; ``"bad"`` counts it as down time.
Accounting = Literal["remove", "good", "bad"]


def _check_accounting(_instance: object, _attribute: object, value: object) -> None:
    if value not in ("remove", "good", "bad"):
        raise DefinitionError(
            f"accounting={value!r} must be 'remove' (out of the denominator), "
            "'good' (counts as up) or 'bad' (counts as down)"
        )


def _duration_or_none(value: object, name: str) -> Duration | None:
    return check_optional_duration(value, name, example="days(5) or hours(4)")


def _notice(value: Duration | BusinessDays | None) -> Duration | BusinessDays | None:
    if isinstance(value, BusinessDays):
        return value
    return check_optional_duration(
        value, "notice", example="days(5), hours(48) or business_days(5, office_hours)"
    )


def _at_most(value: Duration | None) -> Duration | None:
    return _duration_or_none(value, "at_most")


_ROLLING = re.compile(r"rolling ([0-9]{1,4})", re.ASCII)


def _budget_window(value: object) -> str:
    if isinstance(value, str) and value in ("period", "quarter", "year"):
        return value
    match = _ROLLING.fullmatch(value) if isinstance(value, str) else None
    if match is not None and int(match[1]) >= 1:
        return cast("str", value)
    raise DefinitionError(
        f"per={value!r} must be 'period', 'quarter', 'year' or 'rolling N' (this period and "
        "the N-1 before it), such as 'rolling 12'"
    )


def rolling_periods(window: str) -> int | None:
    """Return ``N`` for a ``'rolling N'`` budget window, else ``None``."""
    match = _ROLLING.fullmatch(window)
    return None if match is None else int(match[1])


@attrs.frozen
class Exclusion(DSLRepr, abc.ABC):
    """The base of exclusion clauses."""

    accounting: Accounting = attrs.field(
        default="remove", validator=_check_accounting, kw_only=True
    )

    @property
    @abc.abstractmethod
    def clause(self) -> str:
        """A short name for the clause, used in evidence (``"scheduled maintenance"``)."""

    @abc.abstractmethod
    def describe(self) -> str:
        """Return the clause in words a customer can read."""


@node("scheduled_maintenance")
@attrs.frozen
class ScheduledMaintenance(Exclusion):
    """Maintenance windows from the event stream that qualify for exclusion.

    A maintenance window qualifies when it was announced at least ``notice``
    before it started: a length of time, or a count of business days on a
    calendar (it starts no earlier than that many business days after the
    announcement, at the same time of day). With ``at_most``, only the first ``at_most`` of
    qualifying maintenance time per ``per`` window (in start order) is excluded;
    the rest is not. The window is each ``"period"`` (default), the
    ``"quarter"`` or ``"year"`` holding the period (in the agreement's zone), or
    a ``"rolling N"`` window of this period and the N-1 before it: a budget
    longer than a period counts the qualifying maintenance of the events given
    for the window's earlier part, from the agreement's start, and the report
    states per service what was used before the period and what was left.
    Time that fails a condition is not excluded, and the report says which
    condition failed.
    """

    notice: Duration | BusinessDays | None = attrs.field(
        default=None, kw_only=True, converter=_notice
    )
    at_most: Duration | None = attrs.field(default=None, kw_only=True, converter=_at_most)
    per: str = attrs.field(default="period", kw_only=True, converter=_budget_window)

    def __attrs_post_init__(self) -> None:
        if self.at_most is not None and self.at_most.us == 0:
            raise DefinitionError(
                "at_most=microseconds(0) would exclude nothing; leave at_most out or give a "
                "positive duration such as hours(4)"
            )
        if self.at_most is None and self.per != "period":
            raise DefinitionError(
                f"per={self.per!r} is the window of a maintenance budget; give the budget "
                "as at_most=, such as at_most=hours(10), per='year'"
            )

    @property
    def clause(self) -> str:
        """The clause's name in evidence."""
        return "scheduled maintenance"

    def window_words(self) -> str:
        """Return the budget's window in words (``"year"``, ``"rolling 12 periods"``)."""
        return f"{self.per} periods" if rolling_periods(self.per) is not None else self.per

    def describe(self) -> str:
        """Return the clause in words."""
        parts = ["scheduled maintenance"]
        if self.notice is not None:
            parts.append(f"announced at least {self.notice.words()} ahead")
        if self.at_most is not None:
            parts.append(f"up to {self.at_most.words()} per {self.window_words()}")
        return f"{', '.join(parts)} {_EFFECTS[self.accounting]}"


def scheduled_maintenance(
    *,
    notice: Duration | BusinessDays | None = None,
    at_most: Duration | None = None,
    accounting: Accounting = "remove",
    per: str = "period",
) -> ScheduledMaintenance:
    """Return a clause excluding announced maintenance windows from a measure.

    Args:
        notice: the least time between announcement and start for a window to
            qualify, for example ``days(5)``, or a count of business days,
            ``business_days(5, office_hours)``; ``None`` accepts any announcement.
        at_most: the most maintenance time excluded per ``per`` window; ``None`` for no
            limit.
        per: the window of the ``at_most`` budget: ``"period"`` (default),
            ``"quarter"``, ``"year"`` or ``"rolling N"`` ("10 hours of maintenance
            a year" is ``at_most=hours(10), per="year"``).
        accounting: ``"remove"`` (default) takes qualifying time out of both
            downtime and eligible time; ``"good"`` counts it as up; ``"bad"`` as down.
    """
    return ScheduledMaintenance(notice=notice, at_most=at_most, accounting=accounting, per=per)


def _categories(value: object) -> tuple[str, ...]:
    items = (value,) if isinstance(value, str) else tuple(cast("Iterable[object]", value))
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise DefinitionError(
                f"corrections(...): category {item!r} must be a name such as "
                "'customer-caused', 'force majeure' or 'third-party'"
            )
    if len(set(items)) != len(items):
        raise DefinitionError(f"corrections{tuple(items)!r} names a category twice")
    return cast("tuple[str, ...]", items)


_EFFECTS = {
    "remove": "is removed from downtime and eligible time",
    "good": "counts as available",
    "bad": "counts as unavailable",
}


@node("corrections")
@attrs.frozen
class Corrections(Exclusion):
    """Corrections of some categories, from the inputs. See ``corrections()``."""

    categories: tuple[str, ...] = attrs.field(
        default=(), converter=_categories, metadata=shown(spread=True)
    )

    @property
    def clause(self) -> str:
        """The clause's name in evidence."""
        return "corrections"

    def covers(self, category: str) -> bool:
        """Return whether a correction of ``category`` is one this clause applies."""
        return not self.categories or category in self.categories

    def describe(self) -> str:
        """Return the clause in words."""
        which = (
            "time recorded in corrections of any category"
            if not self.categories
            else "time recorded in corrections of category "
            + ", ".join(repr(c) for c in self.categories)
        )
        return f"{which} {_EFFECTS[self.accounting]}"


def corrections(*categories: str, accounting: Accounting = "remove") -> Corrections:
    """Return a clause that applies the corrections of ``categories`` to a measure.

    A [`Correction`][slakit.Correction] in the inputs records time on some
    services with a category ("customer-caused", "force majeure",
    "third-party", "emergency maintenance", "suspension", "beta") and the
    reason. The clause names the categories the contract excludes (none: every
    category) and what their time is: ``"remove"`` (default) takes it out of the
    down time and the eligible time, ``"good"`` counts it as available, ``"bad"``
    as unavailable. A measure may have several such clauses, one per
    accounting, with categories of their own; a correction of a category no
    clause names is listed in the report as not applied.

    >>> corrections("customer-caused", "force majeure")
    corrections('customer-caused', 'force majeure')
    >>> corrections("beta", accounting="good").describe()
    "time recorded in corrections of category 'beta' counts as available"
    """
    return Corrections(categories=categories, accounting=accounting)
