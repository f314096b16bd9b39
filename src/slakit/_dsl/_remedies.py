"""Shapes of credit beyond the tiered table: fixed amounts, linear, prorated, per unit of time.

Each shape is a leaf [`CreditRule`][slakit.CreditRule]; compose them with ``+``,
``|`` and the combinators of ``slakit._dsl._combinators``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Literal

import attrs

from slakit._dsl._compensation import FEE, Base, CreditRule, check_base, down_time_effect
from slakit._dsl._measures import Measure
from slakit._dsl._objectives import Objective
from slakit._dsl._uptime import Uptime
from slakit._money import Money
from slakit._node import node, shown
from slakit._ratio import (
    MAX_INTEGER_DIGITS,
    check_number,
    echo,
    format_percent,
    parse_number,
    ratio,
)
from slakit._time._instant import Duration
from slakit._time._periods import PeriodRule
from slakit._validation import check_duration
from slakit.exceptions import DefinitionError

__all__ = [
    "DowntimeUnits",
    "Linear",
    "PerBreach",
    "PerIncident",
    "Prorated",
    "UnitRefund",
    "linear",
    "per_breach",
    "per_downtime",
    "per_incident",
    "prorated",
    "refund_per",
]

Steps = Literal["exact", "whole", "started"]
Count = Literal["bad", "good", "total"]
Basis = Literal["period", "eligible", "cycle"]


def counts_time(measure: Measure) -> bool:
    """Return whether ``measure`` counts time (its ``total - good`` is down microseconds)."""
    return isinstance(measure, Uptime) or bool(getattr(measure, "counts_time", False))


def _money(value: object, name: str) -> Money:
    if not isinstance(value, Money):
        raise DefinitionError(f"{name}={value!r} must be money, for example usd('500.00')")
    if value.amount < 0:
        raise DefinitionError(f"{name}={value!r} must not be negative; use bonus(...) to pay back")
    return value


def _measure(value: object, rule: str) -> Measure:
    if not isinstance(value, Measure):
        raise DefinitionError(f"{rule}: {value!r} must be a measure such as uptime(...)")
    return value


def _time_measure(value: object, rule: str) -> Measure:
    measure = _measure(value, rule)
    if not counts_time(measure):
        raise DefinitionError(
            f"{rule}: {measure!r} does not count time; this shape needs a measure of down "
            "time such as uptime(...)"
        )
    return measure


def _counts_time(shape: str) -> Callable[[object, object, Measure], None]:
    """Return an attrs validator: the field is a measure of down time (for ``shape``)."""

    def validate(_instance: object, _attribute: object, value: Measure) -> None:
        _time_measure(value, f"{shape}({value!r}, ...)")

    return validate


def _positive_decimal(given: object, name: str) -> Decimal:
    value: object = given
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value) if abs(value) < 10**MAX_INTEGER_DIGITS else Decimal("Infinity")
    if isinstance(value, str):
        value = parse_number(value, name=name)
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise DefinitionError(
            f"{name}={echo(given)} must be a positive number such as 10 or '2.5'",
            name=name,
            value=given,
        )
    return check_number(value, name=name, given=given)


def _positive_duration(value: object, name: str) -> Duration:
    return check_duration(value, name, positive=True, example="hours(1)")


def _steps(value: object) -> Steps:
    if value not in ("exact", "whole", "started"):
        raise DefinitionError(
            f"steps={value!r} must be 'exact' (pro rata), 'whole' (complete steps only) or "
            "'started' (a step or part thereof)"
        )
    return value


def _breaches_grow(target: Objective | Measure) -> bool:
    """Return whether more down time never turns a breach of ``target`` into a pass."""
    measure = target.measure if isinstance(target, Objective) else target
    effect = down_time_effect(measure)
    if effect == "lowers":  # breached below a target: ">=" or ">"
        return isinstance(target, Objective) and target.comparator in (">=", ">")
    return effect == "none"


def _unless_incidents(rule: CreditRule, measure: Measure) -> CreditRule | None:
    """Return ``rule`` if ``measure`` may move either way with down time, else ``None``."""
    return rule if down_time_effect(measure) == "unknown" else None


@node("per_breach")
@attrs.frozen
class PerBreach(CreditRule):
    """A fixed amount per breached objective, or per bad unit a measure counts.

    Build it with [`per_breach()`][slakit.per_breach].
    """

    target: Objective | Measure = attrs.field(metadata=shown(positional=True))
    amount: Money | Duration = attrs.field(metadata=shown(positional=True))

    def __attrs_post_init__(self) -> None:
        given: object = self.target
        if isinstance(given, Measure):
            if counts_time(given):
                raise DefinitionError(
                    f"per_breach({given!r}, ...): a measure of time counts microseconds, not "
                    f"breaches; pass an objective such as {given!r} >= '99.9%'"
                )
            if not given.counts_misses():
                raise DefinitionError(
                    f"per_breach({given!r}, ...): its value is not a count of misses (late "
                    "tickets, bad requests, incidents), so there is nothing to pay per miss; "
                    f"pay per breach of an objective on it, such as per_breach({given!r} <= "
                    "TARGET, amount)"
                )
        elif not isinstance(given, Objective):
            raise DefinitionError(
                f"per_breach: {given!r} must be an objective such as uptime() >= '99.9%' or a "
                "measure of events"
            )

    def measures(self) -> tuple[Measure, ...]:
        """Return the measure counted."""
        if isinstance(self.target, Objective):
            return (self.target.measure,)
        return (self.target,)

    def currencies(self) -> frozenset[str]:
        """Return the currency of the amount."""
        return _worth_currencies(self.amount)

    def describe(self) -> str:
        """Return the rule in words."""
        amount = (
            f"{self.amount.words()} of the fee, prorated"
            if isinstance(self.amount, Duration)
            else str(self.amount)
        )
        if isinstance(self.target, Objective):
            return f"{amount} per breach of {self.target.describe()}"
        return f"{amount} per {self.target.label} miss"

    def non_monotone_part(self) -> CreditRule | None:
        """Return the rule if more down time may turn a breach into a pass, else ``None``."""
        return None if _breaches_grow(self.target) else self


def per_breach(target: Objective | Measure, amount: Money | Duration) -> PerBreach:
    """Return a fixed ``amount`` per breach.

    With an objective (``uptime >= "99.9%"``) the amount is owed once for each
    period in which the service breaches it. With a measure of events (late
    tickets, incidents) it is owed for every unit the measure counts as bad:
    ``total - good`` of its outcome, such as every ticket not answered in time.
    ``amount`` is money, or time of service: "one day of service credit per
    late response" is ``per_breach(late, days(1))``, the fee in effect times
    one day over the time it pays for (the period, or its part in effect).

    >>> import slakit as sla
    >>> per_breach(sla.uptime() >= "99.9%", sla.usd("500"))
    per_breach(uptime() >= '99.9%', Money('500', 'USD'))

    Raises:
        DefinitionError: ``target`` is a measure of time (use an objective), or
            ``amount`` is not money.
    """
    if isinstance(amount, Duration):
        check_duration(amount, "per_breach(amount)", positive=True, example="days(1)")
        return PerBreach(target, amount)
    money = _money(amount, "amount")
    return PerBreach(target, money)  # the class checks the target


@node("linear")
@attrs.frozen
class Linear(CreditRule):
    """A share of the base per step of shortfall below the objective, up to its own cap.

    Build it with [`linear()`][slakit.linear].
    """

    objective: Objective = attrs.field(metadata=shown(positional=True))
    share: Decimal = attrs.field(metadata=shown(percent=True))
    per: Decimal = attrs.field(metadata=shown(units_of="objective"))
    at_most: Decimal | None = attrs.field(default=None, metadata=shown(percent=True))
    steps: Steps = "exact"
    base: Base = attrs.field(default=FEE, converter=check_base)

    def measures(self) -> tuple[Measure, ...]:
        """Return the objective's measure."""
        return (self.objective.measure,)

    def describe(self) -> str:
        """Return the rule in words."""
        fmt = self.objective.measure.format_value
        text = (
            f"{format_percent(self.share)} of {self.base.describe()} per {fmt(self.per)} "
            f"short of {self.objective.describe()}"
        )
        if self.steps != "exact":
            text += " (whole steps)" if self.steps == "whole" else " (or part thereof)"
        if self.at_most is not None:
            text += f", at most {format_percent(self.at_most)}"
        return text

    def non_monotone_part(self) -> CreditRule | None:
        """Return the rule if more down time may shorten the shortfall, else ``None``."""
        return None if _breaches_grow(self.objective) else self


def linear(
    objective: Objective,
    *,
    share: str | Decimal,
    per: str | Decimal,
    at_most: str | Decimal | None = None,
    steps: Steps = "exact",
    base: Base = FEE,
) -> Linear:
    """Return a credit linear in the shortfall: ``share`` of the base per ``per`` missed.

    For example "5% of the monthly fee for every 0.1% below 99.9%, at most 50%"::

        linear(uptime >= "99.9%", share="5%", per="0.1%", at_most="50%")

    ``steps`` says how a part of a step counts: ``"exact"`` (pro rata, the
    default), ``"whole"`` (only complete steps) or ``"started"`` (a step or
    part thereof). A met objective earns nothing.

    Raises:
        DefinitionError: a share outside 0%-100%, a step that is not positive.
    """
    given: object = objective
    if not isinstance(given, Objective):
        raise DefinitionError(f"linear: {objective!r} must be an objective such as uptime >= '99%'")
    clause = f"linear({objective!r}, ...)"
    step = objective.measure.coerce(per, name=f"{clause}: per")
    if step <= 0:
        raise DefinitionError(f"{clause}: per={per!r} must be above zero")
    cap = None if at_most is None else ratio(at_most, name=f"{clause}: at_most")
    return Linear(
        objective,
        ratio(share, name=f"{clause}: share"),
        step,
        cap,
        _steps(steps),
        base,
    )


@node("prorated")
@attrs.frozen
class Prorated(CreditRule):
    """A multiple of the base prorated over the down time. Build it with ``prorated()``."""

    measure: Measure = attrs.field(
        validator=_counts_time("prorated"), metadata=shown(positional=True)
    )
    multiple: Decimal
    basis: Basis | Duration | PeriodRule = "period"
    base: Base = attrs.field(default=FEE, converter=check_base)

    def measures(self) -> tuple[Measure, ...]:
        """Return the measure whose down time is prorated."""
        return (self.measure,)

    def basis_words(self) -> str:
        """Return the proration basis in words."""
        if self.basis == "period":
            return "the period's length"
        if self.basis == "eligible":
            return "the eligible time"
        if self.basis == "cycle":
            return "the length of the billing cycle it fell in"
        if isinstance(self.basis, Duration):
            return self.basis.words()
        return f"the length of the {self.basis!r} period"

    def describe(self) -> str:
        """Return the rule in words."""
        return f"{self.multiple:f} x {self.base.describe()} x down time / {self.basis_words()}"

    def non_monotone_part(self) -> CreditRule | None:
        """Return ``None``: the credit grows with the down time."""
        return _unless_incidents(self, self.measure)


def prorated(
    measure: Measure,
    *,
    multiple: int | str | Decimal = 1,
    basis: Basis | Duration | PeriodRule = "period",
    base: Base = FEE,
) -> Prorated:
    """Return ``multiple`` times the base prorated over the down time.

    "10 times what was paid for the down minutes" is
    ``prorated(uptime, multiple=10)``: the credit is
    ``10 x fee x down time / basis``. The ``basis`` is what the fee pays for:
    ``"period"`` (the billing period's length, default), ``"eligible"`` (the
    measure's eligible time), a fixed duration (``days(30)``, "a month of 43,200
    minutes") or a period rule (``quarterly()``: the length of the quarter
    holding the period, when ``base`` is a quarterly fee). ``"cycle"`` is "the
    fees paid for the period of downtime" under a tier with a billing cycle
    (``Tier(billing=monthly())``): each down minute is paid at the fee (or the
    charges) of the billing cycle it fell in, over that cycle's length.

    Raises:
        DefinitionError: ``measure`` does not count time, or ``multiple`` is not
            a positive number.
    """
    clause = f"prorated({measure!r}, ...)"
    given: object = basis
    if not (
        given in ("period", "eligible", "cycle")
        or (isinstance(given, Duration) and given.us > 0)
        or isinstance(given, PeriodRule)
    ):
        raise DefinitionError(
            f"{clause}: basis={basis!r} must be 'period', 'eligible', 'cycle' (the billing "
            "cycle each down minute fell in), a positive duration such as days(30) or a "
            "period rule such as quarterly()"
        )
    return Prorated(
        measure,
        _positive_decimal(multiple, f"{clause}: multiple"),
        basis,
        base,
    )


#: How units of time are counted, in words, after "one unit per hour".
_STEP_WORDS = {"started": " or part thereof", "whole": " (whole)", "exact": " (pro rata)"}


def _worth_words(worth: Duration | Money, base: Base) -> str:
    """Return what a unit is worth in words: an amount, or time of the base, prorated."""
    if isinstance(worth, Money):
        return str(worth)
    return f"{worth.words()} of {base.describe()}, prorated"


def _worth_currencies(worth: Duration | Money) -> frozenset[str]:
    return frozenset([worth.currency]) if isinstance(worth, Money) else frozenset()


@node("per_downtime")
@attrs.frozen
class DowntimeUnits(CreditRule):
    """Units of credit per ``every`` of down time. Build it with ``per_downtime()``.

    The class is named for what it holds (units of down time); the factory reads as
    contracts do ("a credit per hour of downtime"), and names the class in data.
    """

    measure: Measure = attrs.field(
        validator=_counts_time("per_downtime"), metadata=shown(positional=True)
    )
    every: Duration
    worth: Duration | Money
    steps: Steps = "started"
    base: Base = attrs.field(default=FEE, converter=check_base)

    def measures(self) -> tuple[Measure, ...]:
        """Return the measure whose down time is counted."""
        return (self.measure,)

    def currencies(self) -> frozenset[str]:
        """Return the currency of a money ``worth``."""
        return _worth_currencies(self.worth)

    def describe(self) -> str:
        """Return the rule in words."""
        return (
            f"one unit per {self.every.words()}{_STEP_WORDS[self.steps]} of down time, each "
            f"{_worth_words(self.worth, self.base)}"
        )

    def non_monotone_part(self) -> CreditRule | None:
        """Return ``None``: the units grow with the down time."""
        return _unless_incidents(self, self.measure)


def per_downtime(
    measure: Measure,
    *,
    every: Duration,
    worth: Duration | Money,
    steps: Steps = "started",
    base: Base = FEE,
) -> DowntimeUnits:
    """Return one unit of credit per ``every`` of down time "or fraction thereof".

    "For each hour or fraction thereof of downtime, a day of service credit" is
    ``per_downtime(uptime, every=hours(1), worth=days(1))``: the down time is
    counted in units of an hour, rounded up (``steps="started"``, default;
    ``"whole"`` rounds down, ``"exact"`` pro rata), and each unit is worth a
    day's prorated fee, ``fee x 1 day / period length``, or a fixed amount when
    ``worth`` is money.

    Raises:
        DefinitionError: ``measure`` does not count time, or a duration is not positive.
    """
    clause = f"per_downtime({measure!r}, ...)"
    given: object = worth
    if isinstance(given, Money):
        worth = _money(given, f"{clause}: worth")
    else:
        worth = _positive_duration(given, f"{clause}: worth")
    return DowntimeUnits(
        measure,
        _positive_duration(every, f"{clause}: every"),
        worth,
        _steps(steps),
        base,
    )


@node("per_incident")
@attrs.frozen
class PerIncident(CreditRule):
    """A credit for each incident of down time. Build it with ``per_incident()``.

    An incident is a run of down time of one service in the period as its
    outages make it (outages that touch or overlap are one; the measure's
    minimum and buckets apply), paid on the down time the measure counts in it.
    """

    measure: Measure = attrs.field(
        validator=_counts_time("per_incident"), metadata=shown(positional=True)
    )
    worth: Duration | Money
    every: Duration | None = None
    steps: Steps = "started"
    longer_than: Duration | None = None
    base: Base = attrs.field(default=FEE, converter=check_base)

    def measures(self) -> tuple[Measure, ...]:
        """Return the measure whose down time makes the incidents."""
        return (self.measure,)

    def currencies(self) -> frozenset[str]:
        """Return the currency of a money ``worth``."""
        return _worth_currencies(self.worth)

    def describe(self) -> str:
        """Return the rule in words."""
        worth = _worth_words(self.worth, self.base)
        which = "each incident of down time"
        if self.longer_than is not None:
            which += f" longer than {self.longer_than.words()}"
        if self.every is None:
            return f"{which}: {worth}"
        return (
            f"{which}: one unit per {self.every.words()}{_STEP_WORDS[self.steps]} of the "
            f"incident, each {worth}"
        )

    def non_monotone_part(self) -> CreditRule | None:
        """Return the rule itself: more down time can merge two incidents into one."""
        return self


def per_incident(
    measure: Measure,
    *,
    worth: Duration | Money,
    every: Duration | None = None,
    steps: Steps = "started",
    longer_than: Duration | None = None,
    base: Base = FEE,
) -> PerIncident:
    """Return a credit for each incident of down time, alongside the period's own rules.

    "A credit of 50 USD per incident" is ``per_incident(uptime, worth=usd("50"))``;
    "for each incident, one day of fees per started hour of the incident" is
    ``per_incident(uptime, every=hours(1), worth=days(1))``. An incident is a
    run of down time of one service as its outages make it (outages that
    touch or overlap make one; those under the measure's minimum make none),
    cut at the period's bounds; it pays only if the measure counts some of its
    time (an excluded maintenance window or the hours outside the service
    window take time out of an incident, they never split it in two).
    ``longer_than`` counts only incidents longer than that, by the clock.
    With ``every``, each incident is counted in units of the down time the
    measure counts in it, rounded up (``steps="started"``, default), down
    (``"whole"``) or pro rata (``"exact"``); weighted down time (degraded
    states) counts at its weight.
    Combine with ``+`` and cap with ``cap(...)``: a cap sees the period's and
    the incidents' credits together.

    Raises:
        DefinitionError: ``measure`` does not count time, or a duration is not positive.
    """
    clause = f"per_incident({measure!r}, ...)"
    given: object = worth
    if isinstance(given, Money):
        worth = _money(given, f"{clause}: worth")
    else:
        worth = _positive_duration(given, f"{clause}: worth")
    return PerIncident(
        measure,
        worth,
        None if every is None else _positive_duration(every, f"{clause}: every"),
        _steps(steps),
        None if longer_than is None else _positive_duration(longer_than, f"{clause}: longer_than"),
        base,
    )


@node("refund_per")
@attrs.frozen
class UnitRefund(CreditRule):
    """A unit price refunded per qualifying unit of time. Build it with ``refund_per()``.

    The class is named for what it holds (a refund of unit prices); the factory reads as
    contracts do ("a refund per hour with more than 5 minutes down"), and names it in data.
    """

    measure: Measure = attrs.field(
        validator=_counts_time("refund_per"), metadata=shown(positional=True)
    )
    every: Duration
    down_over: Duration
    price: Money | str

    def measures(self) -> tuple[Measure, ...]:
        """Return the measure whose down time is bucketed."""
        return (self.measure,)

    def currencies(self) -> frozenset[str]:
        """Return the currency of a money price."""
        return frozenset([self.price.currency]) if isinstance(self.price, Money) else frozenset()

    def describe(self) -> str:
        """Return the rule in words."""
        price = str(self.price) if isinstance(self.price, Money) else f"the {self.price!r} rate"
        return (
            f"{price} for every {self.every.words()} of the period with more than "
            f"{self.down_over.words()} of down time"
        )

    def non_monotone_part(self) -> CreditRule | None:
        """Return ``None``: more down time never makes a unit qualify less."""
        return _unless_incidents(self, self.measure)


def refund_per(
    measure: Measure, *, every: Duration, down_over: Duration, price: Money | str
) -> UnitRefund:
    """Return a refund of the unit ``price`` for every qualifying unit of time.

    "Every clock hour with more than six minutes of down time is not charged"
    is ``refund_per(uptime, every=hours(1), down_over=minutes(6), price="hour")``:
    the period is cut into units of ``every`` from its start, and each unit with
    more than ``down_over`` of counted down time refunds ``price``, a fixed
    amount or the name of a unit price in the billing data
    ([`UnitPrice`][slakit.UnitPrice], such as the hourly rate).

    Raises:
        DefinitionError: ``measure`` does not count time, durations are not
            positive, or ``down_over`` is not shorter than ``every``.
    """
    clause = f"refund_per({measure!r}, ...)"
    every = _positive_duration(every, f"{clause}: every")
    given: object = down_over
    if not isinstance(given, Duration) or given.us < 0 or given.us >= every.us:
        raise DefinitionError(
            f"{clause}: down_over={down_over!r} must be a duration from zero up to, but not "
            f"including, every={every!r}"
        )
    price_given: object = price
    if isinstance(price_given, Money):
        price = _money(price_given, f"{clause}: price")
    elif not isinstance(price_given, str) or not price_given.strip():
        raise DefinitionError(
            f"{clause}: price={price!r} must be money or the unit of a price in the billing "
            "data, such as 'hour'"
        )
    return UnitRefund(measure, every, down_over, price)
