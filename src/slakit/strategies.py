"""Hypothesis strategies for agreements, schedules and the events they are evaluated over.

Install the ``hypothesis`` extra to use it (``pip install -e '.[hypothesis]'`` in a
checkout). Import it on purpose, as ``from slakit import strategies as sst``::

    from hypothesis import given
    from slakit import strategies as sst

    @given(sst.agreements(), sst.outage_streams(["checkout"]))
    def test_credits_are_never_negative(agreement, outages): ...

Every strategy follows Hypothesis' own style: plural names, keyword-only
options checked when the strategy is built (a bad argument raises
``hypothesis.errors.InvalidArgument`` at once, with the fix), reprs that
show the call, and a documented shrink target, so a failing example shrinks to
the simplest agreement and the fewest, shortest outages that still fail. Drawn
DSL objects print as the DSL calls that build them.

The strategies are registered with Hypothesis through its ``hypothesis`` entry
point, so ``st.from_type(slakit.Tier)`` (and ``Agreement``, ``CreditSchedule``,
``CreditRule``, ``Money``, ``Period``, ``PeriodRule``, ``Timeline``,
``Calendar``, ``Duration``, ``Uptime``, ``Measure``, ``Outage``, ``Request``, ``Ticket``)
works, and ``st.builds`` fills arguments of those types.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

import attrs

import slakit as sla
from slakit._dsl._combinators import EarnBack, Escalate
from slakit._dsl._compensation import Base, CreditRule, CreditSchedule
from slakit._dsl._remedies import Linear, PerBreach, counts_time
from slakit._money import minor_unit
from slakit._node import node_name
from slakit._ratio import ratio
from slakit.exceptions import SlakitError


def _hypothesis_setup_hook() -> None:
    """Register slakit's types with Hypothesis, so ``st.from_type(slakit.Tier)`` works.

    Hypothesis calls this through the ``hypothesis`` entry point that slakit
    declares. When this module is what imported Hypothesis, the hook runs
    before the strategies below exist; the module then registers them itself
    at the end of its import. Calling it again is harmless.
    """
    register = globals().get("_register_types")
    if register is not None:
        register()


try:  # after the hook: importing Hypothesis may call it
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "slakit.strategies needs Hypothesis; install the 'hypothesis' extra from a slakit "
        "checkout: pip install -e '.[hypothesis]'"
    ) from exc

__all__ = [
    "agreements",
    "amounts",
    "calendars",
    "credit_rules",
    "credit_schedules",
    "durations",
    "measures",
    "near_bound_values",
    "outage_streams",
    "outages",
    "period_rules",
    "periods",
    "request_streams",
    "requests",
    "ticket_streams",
    "tickets",
    "tiers",
    "timelines",
    "uptime_measures",
]

_F = TypeVar("_F", bound=Callable[..., Any])

#: The period drawn in when none is given: October 2026, UTC.
DEFAULT_PERIOD = sla.monthly(tz="UTC").period("2026-10")
#: Zones drawn from when none are given (a fixed zone, and two with DST).
DEFAULT_ZONES = ("UTC", "Europe/Berlin", "America/New_York")
#: Service names drawn when none are given.
DEFAULT_SERVICES = ("checkout", "search", "payments")
_ONE_SERVICE = DEFAULT_SERVICES[:1]
_ONE_SECOND = sla.seconds(1)
_ONE_MICROSECOND = sla.microseconds(1)
_MAX_LATENCY = sla.milliseconds(2000)
_ONE_DAY = sla.days(1)
_FOUR_HOURS = sla.hours(4)
_PRIORITIES = ("P1", "P2", "P3")
#: Thresholds that real credit tables use, simplest first (shrinking goes to the first).
_THRESHOLDS = ("99%", "99.9%", "99.5%", "99.95%", "99.99%", "95%", "98%", "90%", "99.999%")
_CREDITS = ("10%", "25%", "50%", "100%", "5%", "30%", "15%")


def _shown_as(public: Callable[..., object]) -> Callable[[_F], _F]:
    """Give a composite the public strategy's name and signature, so its repr shows the user's call.

    The composite's own parameters need no defaults: the public function's are
    the only ones, and the repr leaves out the arguments passed as they are.
    """

    def rename(f: _F) -> _F:
        own = inspect.signature(f)
        shown = inspect.signature(public)
        draw = next(iter(own.parameters.values()))
        f.__name__ = public.__name__
        f.__qualname__ = public.__qualname__
        f.__signature__ = shown.replace(  # type: ignore[attr-defined]
            parameters=[draw, *shown.parameters.values()],
            return_annotation=own.return_annotation,
        )
        return f

    return rename


# --- argument checks (InvalidArgument, Hypothesis' own error for bad strategy arguments) --------


def _check_type(value: object, types: type | tuple[type, ...], name: str, expected: str) -> None:
    wants_bool = types is bool
    if not isinstance(value, types) or (isinstance(value, bool) and not wants_bool):
        raise InvalidArgument(f"{name}={value!r} must be {expected}")


def _check_size(value: object, name: str, low: int = 0) -> int:
    _check_type(value, int, name, f"an integer of at least {low}")
    assert isinstance(value, int)
    if value < low:
        raise InvalidArgument(f"{name}={value!r} must be an integer of at least {low}")
    return value


def _check_duration(value: object, name: str) -> sla.Duration:
    if not isinstance(value, sla.Duration) or value.us <= 0:
        raise InvalidArgument(f"{name}={value!r} must be a positive duration such as seconds(1)")
    return value


def _check_services(value: object, name: str = "services") -> tuple[str, ...]:
    items: tuple[object, ...] = (value,) if isinstance(value, str) else ()
    if not items:
        if not isinstance(value, Iterable):
            raise InvalidArgument(f"{name}={value!r} must be a service name or a list of them")
        items = tuple(value)
    if not items or not all(isinstance(s, str) and s.strip() for s in items):
        raise InvalidArgument(
            f"{name}={value!r} must name at least one service, such as ['checkout']"
        )
    if len(set(items)) != len(items):
        raise InvalidArgument(f"{name}={value!r} names a service more than once")
    return tuple(str(s) for s in items)


def _check_period(value: object) -> sla.Period:
    if value is None:
        return DEFAULT_PERIOD
    if isinstance(value, str):
        try:
            return sla.monthly(tz="UTC").period(value)
        except SlakitError as exc:
            raise InvalidArgument(f"period={value!r}: {exc}") from None
    if not isinstance(value, sla.Period):
        raise InvalidArgument(
            f"period={value!r} must be a Period, or a month label such as '2026-10'"
        )
    return value


def _check_zones(value: object) -> tuple[str, ...]:
    zones = _check_services(value, "zones")
    for zone in zones:
        try:
            sla.monthly(tz=zone)
        except SlakitError:
            raise InvalidArgument(f"zones: {zone!r} is not an IANA zone such as 'UTC'") from None
    return zones


def _check_currency(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidArgument(f"currency={value!r} must be an ISO 4217 code such as 'USD'")
    try:
        sla.money(0, value)
    except SlakitError as exc:
        raise InvalidArgument(f"currency={value!r}: {exc}") from None
    return value


def _check_measure(value: object) -> sla.Measure | None:
    if value is not None and not isinstance(value, sla.Measure):
        raise InvalidArgument(f"measure={value!r} must be a measure such as uptime(), or None")
    return value


def _check_strategy(value: object, name: str) -> None:
    if value is not None and not isinstance(value, st.SearchStrategy):
        raise InvalidArgument(f"{name}={value!r} must be a Hypothesis strategy, or None")


# --- time ------------------------------------------------------------------------------------


def durations(
    *, min_value: sla.Duration = _ONE_MICROSECOND, max_value: sla.Duration = _ONE_DAY
) -> st.SearchStrategy[sla.Duration]:
    """Return a strategy for durations from ``min_value`` to ``max_value``.

    Shrinks towards ``min_value``.

    Raises:
        InvalidArgument: a bound is not a duration, or ``min_value > max_value``.

    Examples:
        >>> durations(max_value=sla.hours(1))
        durations(max_value=hours(1))
    """
    lo = _check_duration_or_zero(min_value, "min_value")
    hi = _check_duration_or_zero(max_value, "max_value")
    if lo.us > hi.us:
        raise InvalidArgument(f"min_value={min_value!r} is above max_value={max_value!r}")
    return _durations(min_value=min_value, max_value=max_value)


def _check_duration_or_zero(value: object, name: str) -> sla.Duration:
    if not isinstance(value, sla.Duration) or value.us < 0:
        raise InvalidArgument(f"{name}={value!r} must be a duration such as seconds(1)")
    return value


@st.composite
@_shown_as(durations)
def _durations(
    draw: st.DrawFn,
    *,
    min_value: sla.Duration,
    max_value: sla.Duration,
) -> sla.Duration:
    return sla.microseconds(draw(st.integers(min_value.us, max_value.us)))


def period_rules(*, zones: Sequence[str] = DEFAULT_ZONES) -> st.SearchStrategy[sla.PeriodRule]:
    """Return a strategy for billing-period rules: monthly, anchored monthly, quarterly, weekly.

    Shrinks towards ``monthly(tz=zones[0])``.

    Raises:
        InvalidArgument: ``zones`` is empty or names an unknown zone.

    Examples:
        >>> period_rules(zones=["UTC"])
        period_rules(zones=['UTC'])
    """
    _check_zones(zones)
    return _period_rules(zones=zones)


@st.composite
@_shown_as(period_rules)
def _period_rules(draw: st.DrawFn, *, zones: Sequence[str]) -> sla.PeriodRule:
    tz = draw(st.sampled_from(list(zones)))
    kind = draw(st.sampled_from(["monthly", "anchored", "quarterly", "weeks"]))
    if kind == "monthly":
        return sla.monthly(tz=tz)
    if kind == "anchored":
        return sla.monthly(tz=tz, day=draw(st.integers(2, 28)))
    if kind == "quarterly":
        return sla.quarterly(tz=tz)
    return sla.weekly_periods(tz=tz, starting=draw(st.sampled_from(["Mon", "Sun"])))


def periods(
    rule: sla.PeriodRule | None = None, *, min_year: int = 2024, max_year: int = 2030
) -> st.SearchStrategy[sla.Period]:
    """Return a strategy for billing periods of ``rule`` (drawn from ``period_rules()`` if None).

    Each period contains an instant drawn between the start of ``min_year`` and
    the end of ``max_year`` (UTC). Shrinks towards the first period of
    ``min_year`` under ``monthly(tz='UTC')``.

    Raises:
        InvalidArgument: ``rule`` is not a period rule, or the years are out of order.

    Examples:
        >>> periods(min_year=2026, max_year=2026)
        periods(min_year=2026, max_year=2026)
    """
    if rule is not None and not isinstance(rule, sla.PeriodRule):
        raise InvalidArgument(f"rule={rule!r} must be a period rule such as monthly(), or None")
    _check_size(min_year, "min_year", 1971)
    _check_size(max_year, "max_year", 1971)
    if min_year > max_year or max_year > 9000:
        raise InvalidArgument(
            f"min_year={min_year!r} and max_year={max_year!r} must be in order, before 9000"
        )
    return _periods(rule, min_year=min_year, max_year=max_year)


@st.composite
@_shown_as(periods)
def _periods(
    draw: st.DrawFn,
    rule: sla.PeriodRule | None,
    *,
    min_year: int,
    max_year: int,
) -> sla.Period:
    chosen = (
        rule
        if rule is not None
        else draw(st.just(sla.monthly(tz="UTC")) | _period_rules(zones=DEFAULT_ZONES))
    )
    lo = sla.parse_period(f"{min_year}-01").start
    hi = sla.parse_period(f"{max_year}-12").end - 1
    return chosen.containing(draw(st.integers(lo, hi)))


def _within_span(within: sla.Span | sla.Period | None) -> tuple[int, int]:
    if within is None:
        return DEFAULT_PERIOD.start, DEFAULT_PERIOD.start + 86_400_000_000
    if isinstance(within, sla.Period):
        return within.start, within.end
    if isinstance(within, sla.Span):
        return within.start, within.end
    raise InvalidArgument(f"within={within!r} must be a Span or a Period, or None")


def timelines(
    *,
    within: sla.Span | sla.Period | None = None,
    max_spans: int = 5,
    unit: sla.Duration = _ONE_SECOND,
) -> st.SearchStrategy[sla.Timeline]:
    """Return a strategy for timelines: spans aligned to ``unit`` inside ``within``.

    ``within`` defaults to the first day of October 2026 (UTC). Shrinks towards
    the empty timeline, then fewer and shorter spans near the start.

    Raises:
        InvalidArgument: ``within`` is not a span or period, ``max_spans`` is
            negative, or ``unit`` is not a positive duration.

    Examples:
        >>> timelines(max_spans=2)
        timelines(max_spans=2)
    """
    lo, hi = _within_span(within)
    _check_size(max_spans, "max_spans")
    step = _check_duration(unit, "unit").us
    if (hi - lo) // step < 1:
        raise InvalidArgument(f"within={within!r} is shorter than one unit={unit!r}")
    return _timelines(within=within, max_spans=max_spans, unit=unit)


@st.composite
@_shown_as(timelines)
def _timelines(
    draw: st.DrawFn,
    *,
    within: sla.Span | sla.Period | None,
    max_spans: int,
    unit: sla.Duration,
) -> sla.Timeline:
    lo, hi = _within_span(within)
    n = (hi - lo) // unit.us
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, n)), max_size=max_spans))
    spans = [sla.Span(lo + s * unit.us, lo + min(s + length, n) * unit.us) for s, length in pairs]
    return sla.Timeline(spans)


_DAYS = ("Mon-Fri", "Mon-Sat", "daily", "Mon-Thu", "Sat-Sun")
_HOURS = ("08:00-18:00", "00:00-24:00", "09:00-17:00", "07:00-19:00", "22:00-06:00")


def calendars(*, zones: Sequence[str] = DEFAULT_ZONES) -> st.SearchStrategy[sla.Calendar]:
    """Return a strategy for service windows: ``always()``, weekly hours, less some dates.

    Shrinks towards ``always()``, then ``weekly('Mon-Fri 08:00-18:00', tz=zones[0])``.

    Raises:
        InvalidArgument: ``zones`` is empty or names an unknown zone.

    Examples:
        >>> calendars(zones=["Europe/Berlin"])
        calendars(zones=['Europe/Berlin'])
    """
    _check_zones(zones)
    return _calendars(zones=zones)


@st.composite
@_shown_as(calendars)
def _calendars(draw: st.DrawFn, *, zones: Sequence[str]) -> sla.Calendar:
    if draw(st.booleans()):
        tz = draw(st.sampled_from(list(zones)))
        window = sla.weekly(
            f"{draw(st.sampled_from(_DAYS))} {draw(st.sampled_from(_HOURS))}", tz=tz
        )
        days = draw(st.lists(st.sampled_from(["12-25", "01-01", "05-01", "12-24"]), unique=True))
        return window - sla.dates(*days) if days else window
    return sla.always()


# --- money -------------------------------------------------------------------------------------


def amounts(
    currency: str = "USD", *, min_value: Decimal | int = 0, max_value: Decimal | int = 100_000
) -> st.SearchStrategy[sla.Money]:
    """Return a strategy for money in ``currency``, in whole minor units (cents).

    Shrinks towards ``min_value``.

    Raises:
        InvalidArgument: an unknown currency, or bounds out of order.

    Examples:
        >>> amounts("EUR", max_value=100)
        amounts(currency='EUR', max_value=100)
    """
    _check_currency(currency)
    for name, value in (("min_value", min_value), ("max_value", max_value)):
        _check_type(value, (int, Decimal), name, "an integer or a Decimal")
    if Decimal(min_value) > Decimal(max_value):
        raise InvalidArgument(f"min_value={min_value!r} is above max_value={max_value!r}")
    return _amounts(currency, min_value=min_value, max_value=max_value)


@st.composite
@_shown_as(amounts)
def _amounts(
    draw: st.DrawFn,
    currency: str,
    *,
    min_value: Decimal | int,
    max_value: Decimal | int,
) -> sla.Money:
    digits = minor_unit(currency)
    scale = 10**digits
    lo = math.ceil(Decimal(min_value) * scale)
    hi = math.floor(Decimal(max_value) * scale)
    minor = draw(st.integers(lo, hi))
    return sla.money(Decimal(minor).scaleb(-digits), currency)


# --- measures, schedules, rules, tiers, agreements ---------------------------------------------


def uptime_measures() -> st.SearchStrategy[sla.Uptime]:
    """Return a strategy for uptime measures with the options contracts use most.

    Draws a minimum outage, a bucket granularity and a scheduled-maintenance
    exclusion. Shrinks towards ``uptime()``.

    Examples:
        >>> uptime_measures()
        uptime_measures()
    """
    return _uptime_measures()


@st.composite
@_shown_as(uptime_measures)
def _uptime_measures(draw: st.DrawFn) -> sla.Uptime:
    min_outage = draw(st.sampled_from([0, 1, 5]))
    granularity = draw(st.sampled_from([None, 1, 5, 60]))
    maintenance = draw(st.booleans())
    return sla.uptime(
        min_outage=sla.minutes(min_outage),
        granularity=None if granularity is None else sla.minutes(granularity),
        excluding=[sla.scheduled_maintenance(notice=sla.days(5))] if maintenance else [],
    )


def measures() -> st.SearchStrategy[sla.Measure]:
    """Return a strategy for measures of every class the DSL has, alone or in a composite.

    Uptime is drawn by [`uptime_measures()`][slakit.strategies.uptime_measures];
    ticket times and their on-time ratios, incident statistics and latency
    shares by shapes written for them; each is also drawn inside
    [`worst_of()`][slakit.worst_of], [`mean_of()`][slakit.mean_of] and
    [`pooled()`][slakit.pooled]. Every other measure class gets a shape derived
    from its factory's signature, as [`credit_rules()`][slakit.strategies.credit_rules]
    derives credit shapes: the parameters without a default are drawn by their
    type, the defaults are kept. So a new measure is drawn, and reaches the laws
    that draw from here, before it has a shape of its own. Shrinks towards a
    measure with every option at its default, such as ``success_ratio()``.

    Examples:
        >>> measures()
        measures()
    """
    return _measures()


@st.composite
@_shown_as(measures)
def _measures(draw: st.DrawFn) -> sla.Measure:
    return draw(_measure_trees())


@functools.lru_cache(maxsize=1)
def _measure_trees() -> st.SearchStrategy[sla.Measure]:
    """Return the strategy behind ``measures()``: every measure class, then composites of them."""
    shapes = _measure_shapes()
    for cls in _node_classes(sla.Measure):
        if cls in shapes or cls is sla.Composite:  # composites are drawn around the others, below
            continue
        derived = _derived_measure(cls)
        if derived is not None:
            shapes[cls] = derived
    one = st.one_of(*shapes.values())
    weights = st.sampled_from([None, {DEFAULT_SERVICES[0]: 2, DEFAULT_SERVICES[1]: 1}])
    composites = st.one_of(
        one.map(sla.worst_of),
        one.map(sla.pooled),
        st.builds(lambda m, w: sla.mean_of(m, weights=w), one, weights),
    )
    return one | composites


def _measure_shapes() -> dict[type, st.SearchStrategy[Any]]:
    """Return the shapes written for measure classes whose options need to be chosen with care.

    Their factories are not named by ``@node`` (several build one class), or
    their defaults alone make no measure (``latency_share()`` needs a bound).
    """
    factories = st.sampled_from([sla.response_time, sla.resolution_time])
    within = st.sampled_from([sla.hours(1), sla.hours(4), _ONE_DAY])
    ticket_times = st.builds(
        lambda f, w, priority: f(within=w, priority=priority),
        factories,
        within,
        st.sampled_from([None, *_PRIORITIES]),
    ) | st.builds(
        lambda f, table: f(within=table),
        factories,
        st.dictionaries(st.sampled_from(_PRIORITIES), within, min_size=1),
    )
    incidents = st.builds(
        lambda f, shortest, gap: f(min_duration=shortest, merge_gap=gap),
        st.sampled_from([sla.incident_count, sla.mttr, sla.mtbf, sla.longest_outage]),
        st.sampled_from([0, 1, 5]).map(sla.minutes),
        st.sampled_from([0, 5, 15]).map(sla.minutes),
    ) | st.builds(
        lambda f, within: f(within=within),
        st.sampled_from([sla.late_repairs, sla.on_time_repairs]),
        st.sampled_from([1, 4, 8]).map(sla.hours),
    )
    metrics = st.sampled_from(["rtt", "jitter", "loss"])
    samples = st.sampled_from([1, 10])
    latency_shares = st.builds(
        lambda bound, under: (
            sla.latency_share(bound) if under else sla.latency_share(at_most=bound)
        ),
        st.sampled_from([300, 100, 1000]).map(sla.milliseconds),
        st.booleans(),
    )
    return {
        sla.Uptime: uptime_measures(),
        sla.TicketTime: ticket_times,
        sla.OnTimeRatio: ticket_times.map(lambda m: m.on_time_ratio()),
        sla.IncidentMeasure: incidents,
        sla.LatencyShare: latency_shares,
        sla.ProbeMean: st.builds(lambda m, n: sla.probe_mean(m, min_samples=n), metrics, samples),
        sla.ProbeMax: st.builds(lambda m, n: sla.probe_max(m, min_samples=n), metrics, samples),
        sla.ProbePercentile: st.builds(
            sla.probe_percentile, metrics, st.sampled_from([50, 95, "99.9"])
        ),
    }


def _derived_measure(cls: type) -> st.SearchStrategy[sla.Measure] | None:
    """Return a strategy for a measure class from its factory's signature, or ``None``.

    As for a credit shape (see ``_derived_shape()``): the factory ``@node``
    names, each parameter without a default drawn by its annotation, defaults
    kept. ``None`` when the factory is missing, takes a parameter of a type
    not drawn, or refuses the values it is probed with.
    """
    found = _factory_draws(cls, _parameter_draws(sla.uptime(), "USD"))
    if found is None or found[1]:
        return None
    factory, _, options = found
    try:
        factory(**{k: probe for k, (_, probe) in options.items()})
    except SlakitError:
        return None
    drawn = st.fixed_dictionaries({k: s for k, (s, _) in options.items()})
    return drawn.map(lambda values: factory(**values))


def credit_schedules(
    measure: sla.Measure | None = None, *, max_bands: int = 4, monotone: bool = True
) -> st.SearchStrategy[sla.CreditSchedule]:
    """Return a strategy for credit tables on ``measure`` (``uptime()`` if None).

    With ``monotone=True`` (default) the tables are threshold tables in which a
    worse value never earns less, as [`slakit.credit_schedule()`][slakit.credit_schedule] requires;
    with ``monotone=False`` they are interval tables whose credits may come in
    any order. Shrinks towards ``{'< 99%': '10%'}``: one band, common numbers.

    Raises:
        InvalidArgument: ``measure`` is not a measure, or ``max_bands < 1``.

    Examples:
        >>> credit_schedules(max_bands=2)
        credit_schedules(max_bands=2)
    """
    _check_measure(measure)
    _check_size(max_bands, "max_bands", 1)
    _check_type(monotone, bool, "monotone", "True or False")
    return _credit_schedules(measure, max_bands=max_bands, monotone=monotone)


@st.composite
@_shown_as(credit_schedules)
def _credit_schedules(
    draw: st.DrawFn,
    measure: sla.Measure | None,
    *,
    max_bands: int,
    monotone: bool,
) -> sla.CreditSchedule:
    measure = measure if measure is not None else sla.uptime()
    thresholds = draw(
        st.lists(st.sampled_from(_THRESHOLDS), min_size=1, max_size=max_bands, unique=True)
    )
    credits = draw(
        st.lists(st.sampled_from(_CREDITS), min_size=len(thresholds), max_size=len(thresholds))
    )
    ordered = sorted(thresholds, key=lambda t: Decimal(t[:-1]), reverse=True)
    if monotone:
        shares = sorted(credits, key=lambda c: Decimal(c[:-1]))
        return sla.credit_schedule(
            measure, {f"< {t}": c for t, c in zip(ordered, shares, strict=True)}
        )
    lows: list[str] = [*ordered[1:], "-inf"]
    table = {
        f"[{lo}, {hi})" if lo != "-inf" else f"(-inf, {hi})": c
        for lo, hi, c in zip(lows, ordered, credits, strict=True)
    }
    return sla.credit_schedule(measure, table)


def credit_rules(
    measure: sla.Measure | None = None,
    *,
    currency: str = "USD",
    max_leaves: int = 3,
    monotone: bool = True,
    bonus: bool = False,
    billing: bool = False,
) -> st.SearchStrategy[sla.CreditRule]:
    """Return a strategy for compensation rules on ``measure`` (``uptime()`` if None).

    Every shape of credit the DSL has is drawn. Leaves: credit schedules,
    [`per_breach()`][slakit.per_breach], [`linear()`][slakit.linear] and, on a
    measure of down time, [`prorated()`][slakit.prorated],
    [`per_downtime()`][slakit.per_downtime], [`per_incident()`][slakit.per_incident] and
    [`refund_per()`][slakit.refund_per];
    remedies without money, [`report_only()`][slakit.report_only] and
    [`chronic()`][slakit.chronic]. They combine with ``+``
    ([`total()`][slakit.total]), ``|`` ([`largest()`][slakit.largest]),
    [`first()`][slakit.first], [`in_order()`][slakit.in_order],
    [`cap()`][slakit.cap] (per period, over longer windows and across
    services), [`minimum()`][slakit.minimum], [`scaled()`][slakit.scaled] (by a
    constant, or by the measure), [`escalate()`][slakit.escalate],
    [`earn_back()`][slakit.earn_back],
    [`only_if_breached()`][slakit.only_if_breached] and
    [`claim_required()`][slakit.claim_required]; ``bonus=True`` adds
    [`bonus()`][slakit.bonus].

    With ``monotone=True`` (default) only the shapes whose
    [`monotone()`][slakit.CreditRule.monotone] holds are drawn, so more down time
    never lowers a credit. ``billing=True`` adds credits that need billing data
    beside the events: shares of [`charges()`][slakit.charges] (all kinds,
    ``'usage'``, or all but ``'upfront'``) and refunds at the ``'hour'`` price;
    evaluate them with a [`Charge`][slakit.Charge] for each service and period and
    a [`UnitPrice`][slakit.UnitPrice] of unit ``'hour'``. A rule that needs claims
    pays nothing without them. Shrinks towards a single credit schedule.

    Raises:
        InvalidArgument: a bad measure or currency, ``max_leaves < 1``, or a
            measure whose objectives take no percentage.

    Examples:
        >>> credit_rules(currency="EUR", max_leaves=2)
        credit_rules(currency='EUR', max_leaves=2)
    """
    _check_measure(measure)
    _check_currency(currency)
    _check_size(max_leaves, "max_leaves", 1)
    for name, flag in (("monotone", monotone), ("bonus", bonus), ("billing", billing)):
        _check_type(flag, bool, name, "True or False")
    chosen = measure if measure is not None else sla.uptime()
    try:
        _rule_trees(chosen, currency, max_leaves, monotone, bonus, billing)
    except SlakitError as exc:
        raise InvalidArgument(
            f"measure={measure!r} must take targets such as '99.9%', like uptime(): {exc}"
        ) from None
    return _credit_rules(
        measure,
        currency=currency,
        max_leaves=max_leaves,
        monotone=monotone,
        bonus=bonus,
        billing=billing,
    )


@attrs.frozen
class _Shape:
    """One way the DSL makes a credit rule: from ``arity`` rules and a drawn option.

    ``build(rules, option)`` makes the rule. ``probe`` is an option for which
    the shape promises least; the shape is drawn under ``monotone=True`` when
    ``build`` on monotone rules and ``probe`` gives a monotone rule, because a
    shape that keeps the promise there keeps it for every option drawn.
    """

    name: str
    arity: int
    build: Callable[[tuple[CreditRule, ...], Any], CreditRule]
    options: st.SearchStrategy[Any]
    probe: Any

    def monotone(self, leaf: CreditRule) -> bool:
        """Return whether the shape is monotone when its rules are ``leaf``."""
        return self.build((leaf,) * self.arity, self.probe).monotone()

    def strategy(self, rules: st.SearchStrategy[CreditRule]) -> st.SearchStrategy[CreditRule]:
        """Return the strategy for this shape, its rules drawn from ``rules``."""
        drawn = st.tuples(st.tuples(*[rules] * self.arity), self.options)
        return drawn.map(lambda parts: self.build(*parts))


_REMEDIES = ("root-cause analysis within 5 business days", "a service review meeting")
_SHARES = ("5%", "10%", "2.5%")
_STEPS = ("exact", "whole", "started")
#: Caps other than per period on each service: (per, across).
_CAP_WINDOWS = (
    ("quarter", "service"),
    ("period", "services"),
    ("year", "service"),
    ("rolling 3", "service"),
    ("agreement", "services"),
)
_CLAIM_WINDOWS = (sla.within_days(sla.days(30)), sla.within_cycles(1), sla.within_cycles(2))


def _leaves(measure: sla.Measure, currency: str, *, billing: bool) -> list[_Shape]:
    """Return the leaf shapes of credit rules on ``measure``."""
    m = measure
    objectives = st.sampled_from(_THRESHOLDS[:5]).map(lambda t: m >= t)
    money = _amounts(currency, min_value=1, max_value=500)
    probe_money = sla.money(1, currency)
    kinds: list[Base] = [sla.fee()]
    if billing:
        kinds += [sla.charges(), sla.charges("usage"), sla.charges(excluding="upfront")]
    bases = st.sampled_from(kinds)

    def schedules(ordered: bool) -> st.SearchStrategy[Any]:
        tables = _credit_schedules(m, max_bands=3, monotone=ordered)
        return st.tuples(tables, bases).map(lambda p: attrs.evolve(p[0], base=p[1]))

    out = [
        _Shape(
            "credit_schedule",
            0,
            lambda _, schedule: schedule,
            schedules(ordered=True),
            sla.credit_schedule(m, {"< 99%": "10%"}),
        ),
        _Shape(
            "credit_schedule in any order",
            0,
            lambda _, schedule: schedule,
            schedules(ordered=False),
            sla.credit_schedule(m, {"[99%, 99.9%)": "10%", "(-inf, 99%)": "5%"}),
        ),
        _Shape(
            "per_breach",
            0,
            lambda _, o: sla.per_breach(o[0], o[1]),
            st.tuples(objectives, money),
            (m >= "99%", probe_money),
        ),
        _Shape(
            "linear",
            0,
            lambda _, o: sla.linear(
                o[0], share=o[1], per=o[2], at_most=o[3], steps=o[4], base=o[5]
            ),
            st.tuples(
                objectives,
                st.sampled_from(_SHARES),
                st.sampled_from(["0.1%", "1%", "0.05%"]),
                st.sampled_from(["50%", None, "100%"]),
                st.sampled_from(_STEPS),
                bases,
            ),
            (m >= "99%", "5%", "0.1%", None, "exact", sla.fee()),
        ),
        _Shape(
            "report_only",
            0,
            lambda _, o: sla.report_only(o[0], o[1]),
            st.tuples(objectives, st.sampled_from(_REMEDIES)),
            (m >= "99%", _REMEDIES[0]),
        ),
        _Shape(
            "chronic",
            0,
            lambda _, o: sla.chronic(o[0], breached=min(o[1], o[2]), of_last=o[2]),
            st.tuples(objectives, st.integers(1, 6), st.integers(1, 6)),
            (m >= "99%", 3, 6),
        ),
    ]
    if counts_time(m):
        out += _time_leaves(m, money, bases, billing=billing)
    return out


def _time_leaves(
    measure: sla.Measure,
    money: st.SearchStrategy[sla.Money],
    bases: st.SearchStrategy[Any],
    *,
    billing: bool,
) -> list[_Shape]:
    """Return the leaf shapes that count the down time of ``measure``."""
    m = measure
    prices: st.SearchStrategy[Any] = money | st.just("hour") if billing else money
    worths: st.SearchStrategy[Any] = st.sampled_from([sla.days(1), sla.hours(1)]) | money
    return [
        _Shape(
            "prorated",
            0,
            lambda _, o: sla.prorated(m, multiple=o[0], basis=o[1], base=o[2]),
            st.tuples(
                st.integers(1, 10),
                st.sampled_from(["period", "eligible", sla.days(30), sla.quarterly()]),
                bases,
            ),
            (1, "period", sla.fee()),
        ),
        _Shape(
            "per_downtime",
            0,
            lambda _, o: sla.per_downtime(m, every=o[0], worth=o[1], steps=o[2], base=o[3]),
            st.tuples(st.integers(1, 240).map(sla.minutes), worths, st.sampled_from(_STEPS), bases),
            (sla.hours(1), sla.days(1), "started", sla.fee()),
        ),
        _Shape(
            "per_incident",
            0,
            lambda _, o: sla.per_incident(
                m, worth=o[1], every=o[0], steps=o[2], longer_than=o[3], base=o[4]
            ),
            st.tuples(
                st.one_of(st.none(), st.integers(1, 240).map(sla.minutes)),
                worths,
                st.sampled_from(_STEPS),
                st.one_of(st.none(), st.sampled_from([1, 5, 30]).map(sla.minutes)),
                bases,
            ),
            (None, sla.days(1), "started", None, sla.fee()),
        ),
        _Shape(
            "refund_per",
            0,
            lambda _, o: sla.refund_per(m, every=o[0], down_over=o[1], price=o[2]),
            st.tuples(
                st.sampled_from([sla.hours(1), sla.minutes(30)]),
                st.sampled_from([0, 6, 15]).map(sla.minutes),
                prices,
            ),
            (sla.hours(1), sla.minutes(6), sla.usd(1)),
        ),
    ]


def _combinators(measure: sla.Measure, currency: str, *, bonus: bool) -> list[_Shape]:
    """Return the shapes that combine rules."""
    m = measure
    objectives = st.sampled_from(_THRESHOLDS[:5]).map(lambda t: m >= t)
    limits = st.sampled_from(["50%", "100%", "25%"]) | _amounts(
        currency, min_value=10, max_value=500
    )  # at least 10, above any floor drawn below
    floors = _amounts(currency, min_value=0, max_value=5)
    out = [
        _Shape("total", 2, lambda r, _: sla.total(*r), st.none(), None),
        _Shape("largest", 2, lambda r, _: sla.largest(*r), st.none(), None),
        _Shape("first", 2, lambda r, _: sla.first(*r), st.none(), None),
        _Shape("in_order", 2, lambda r, _: sla.in_order(*r), st.none(), None),
        _Shape("cap", 1, lambda r, limit: sla.cap(r[0], at_most=limit), limits, "50%"),
        _Shape(
            "cap over a window or across services",
            1,
            lambda r, o: sla.cap(r[0], at_most=o[0], per=o[1][0], across=o[1][1]),
            st.tuples(limits, st.sampled_from(_CAP_WINDOWS)),
            ("50%", _CAP_WINDOWS[0]),
        ),
        _Shape(
            "minimum",
            1,
            lambda r, o: sla.minimum(r[0], o[0], inclusive=o[1]),
            st.tuples(floors, st.booleans()),
            (sla.money(1, currency), False),
        ),
        _Shape(
            "scaled",
            1,
            lambda r, share: sla.scaled(r[0], by=share),
            st.sampled_from(["40%", "100%", "0%"]),
            "40%",
        ),
        _Shape(
            "escalate",
            2,
            lambda r, o: sla.escalate(r[0], to=r[1], when=o[0], after=o[1]),
            st.tuples(objectives, st.integers(1, 3)),
            (m >= "99%", 1),
        ),
        _Shape(
            "earn_back",
            1,
            lambda r, o: sla.earn_back(r[0], when=o[0], periods=o[1]),
            st.tuples(objectives, st.integers(1, 3)),
            (m >= "99%", 1),
        ),
        _Shape(
            "claim_required",
            1,
            lambda r, window: sla.claim_required(r[0], window),
            st.sampled_from(_CLAIM_WINDOWS),
            _CLAIM_WINDOWS[0],
        ),
    ]
    if counts_time(m):
        out.append(
            _Shape(
                "scaled by the measure",
                1,
                lambda r, bad: sla.scaled(r[0], by=m, bad=bad),
                st.booleans(),
                False,
            )
        )
    if bonus:
        out.append(_Shape("bonus", 1, lambda r, _: sla.bonus(r[0]), st.none(), None))
    return out


def _parameter_draws(measure: sla.Measure, currency: str) -> dict[str, tuple[Any, Any]]:
    """Return what a derived shape draws for each parameter type: (strategy, probe value).

    ``str | Decimal`` is how the DSL types a percentage (``'10%'``), ``int | str | Decimal``
    a number (``2``, ``'99.9'``).
    """
    objectives = st.sampled_from(_THRESHOLDS[:5]).map(lambda t: measure >= t)
    return {
        "Objective": (objectives, measure >= "99%"),
        "Measure": (st.just(measure), measure),
        "Money": (_amounts(currency, min_value=1, max_value=500), sla.money(1, currency)),
        "Duration": (st.sampled_from([sla.hours(1), sla.days(1)]), sla.hours(1)),
        "int": (st.integers(1, 3), 1),
        "str | Decimal": (st.sampled_from(_SHARES), _SHARES[0]),
        "int | str | Decimal": (st.integers(1, 100), 1),
    }


def _factory_draws(
    cls: type, draws: dict[str, tuple[Any, Any]]
) -> tuple[Callable[..., Any], list[str], dict[str, tuple[Any, Any]]] | None:
    """Return the factory of ``cls``, its ``CreditRule`` parameters, and a draw for each other one.

    The factory is the function ``@node`` names, in the class's module. Every
    parameter without a default that takes no rule is drawn by its annotation,
    from ``draws``; defaults are kept. ``None`` when there is no such factory,
    or a parameter has a type ``draws`` does not know: it is not guessed.
    """
    module = sys.modules[cls.__dict__.get("__defined_in__", cls.__module__)]
    factory = getattr(module, node_name(cls) or "", None)
    if not callable(factory):
        return None
    rules: list[str] = []
    options: dict[str, tuple[Any, Any]] = {}
    for parameter in inspect.signature(factory).parameters.values():
        annotation = str(parameter.annotation).replace("'", "")
        if annotation in ("CreditRule", "slakit.CreditRule"):
            rules.append(parameter.name)
        elif parameter.default is inspect.Parameter.empty:
            if annotation not in draws:
                return None
            options[parameter.name] = draws[annotation]
    return factory, rules, options


def _derived_shape(cls: type, measure: sla.Measure, currency: str) -> _Shape | None:
    """Return a shape for a rule class from its factory's signature, or ``None`` if it cannot.

    The factory is the function ``@node`` names, in the class's module. Its
    ``CreditRule`` parameters take the drawn rules, positionally; every other
    parameter without a default is drawn by its annotation; defaults are kept.
    This is how a new credit shape reaches the laws before it has a shape of
    its own here.
    """
    found = _factory_draws(cls, _parameter_draws(measure, currency))
    if found is None:
        return None
    factory, rules, options = found

    def build(drawn: tuple[CreditRule, ...], values: dict[str, Any]) -> CreditRule:
        result: CreditRule = factory(*drawn, **values)
        return result

    return _Shape(
        str(node_name(cls)),
        len(rules),
        build,
        st.fixed_dictionaries({k: s for k, (s, _) in options.items()}),
        {k: probe for k, (_, probe) in options.items()},
    )


def _node_classes(base: type) -> list[type]:
    """Return every DSL class that is a ``base`` (a measure, a credit rule), by name."""
    from slakit._dsl._families import node_classes

    return [c for _, c in sorted(node_classes().items()) if issubclass(c, base)]


def _with_derived(
    shapes: list[_Shape], leaf: CreditRule, measure: sla.Measure, currency: str, *, arity: bool
) -> list[_Shape]:
    """Return ``shapes`` and a derived shape for each rule class none of them builds."""
    built = {type(s.build((leaf,) * s.arity, s.probe)) for s in shapes}
    for cls in _node_classes(CreditRule):
        if cls in built or cls is sla.Bonus:  # bonus() is drawn only on request
            continue
        derived = _derived_shape(cls, measure, currency)
        if derived is not None and (derived.arity > 0) == arity:
            shapes.append(derived)
    return shapes


@functools.lru_cache(maxsize=64)
def _rule_trees(  # noqa: PLR0917
    measure: sla.Measure, currency: str, max_leaves: int, monotone: bool, bonus: bool, billing: bool
) -> st.SearchStrategy[CreditRule]:
    """Return the strategy behind ``credit_rules()``; with ``monotone``, monotone shapes only."""
    probe = sla.per_breach(measure >= "99%", sla.money(1, currency))
    leaves = _with_derived(
        _leaves(measure, currency, billing=billing), probe, measure, currency, arity=False
    )
    combinators = _with_derived(
        _combinators(measure, currency, bonus=bonus), probe, measure, currency, arity=True
    )
    if monotone:
        leaves = [s for s in leaves if s.monotone(probe)]
        combinators = [s for s in combinators if s.monotone(probe)]
    base = st.one_of(*(s.strategy(st.nothing()) for s in leaves))

    def extend(rules: st.SearchStrategy[CreditRule]) -> st.SearchStrategy[CreditRule]:
        return st.one_of(*(s.strategy(rules) for s in combinators))

    return st.recursive(base, extend, max_leaves=max_leaves)


@st.composite
@_shown_as(credit_rules)
def _credit_rules(
    draw: st.DrawFn,
    measure: sla.Measure | None,
    *,
    currency: str,
    max_leaves: int,
    monotone: bool,
    bonus: bool,
    billing: bool,
) -> sla.CreditRule:
    chosen = measure if measure is not None else sla.uptime()
    return draw(_rule_trees(chosen, currency, max_leaves, monotone, bonus, billing))


def tiers(
    measure: sla.Measure | None = None,
    *,
    currency: str = "USD",
    compensation: st.SearchStrategy[sla.CreditRule] | None = None,
) -> st.SearchStrategy[sla.Tier]:
    """Return a strategy for tiers: a fee, an objective on ``measure`` and a compensation rule.

    ``measure`` defaults to ``uptime()``; ``compensation`` defaults to
    [`credit_rules()`][slakit.strategies.credit_rules] on it. Shrinks towards a tier named
    ``'gold'`` with
    one objective and one credit schedule.

    Raises:
        InvalidArgument: a bad measure, currency or compensation strategy.

    Examples:
        >>> tiers(currency="EUR")
        tiers(currency='EUR')
    """
    _check_measure(measure)
    _check_currency(currency)
    _check_strategy(compensation, "compensation")
    return _tiers(measure, currency=currency, compensation=compensation)


@st.composite
@_shown_as(tiers)
def _tiers(
    draw: st.DrawFn,
    measure: sla.Measure | None,
    *,
    currency: str,
    compensation: st.SearchStrategy[sla.CreditRule] | None,
) -> sla.Tier:
    measure = measure if measure is not None else sla.uptime()
    rules = compensation if compensation is not None else credit_rules(measure, currency=currency)
    return sla.Tier(
        draw(st.sampled_from(["gold", "silver", "bronze", "platinum"])),
        fee=draw(_amounts(currency, min_value=1, max_value=50_000)),
        objectives=[measure >= draw(st.sampled_from(_THRESHOLDS))],
        compensation=draw(rules),
    )


def agreements(
    *,
    services: Sequence[str] = DEFAULT_SERVICES,
    tiers: st.SearchStrategy[sla.Tier] | None = None,
    period_rules: st.SearchStrategy[sla.PeriodRule] | None = None,
) -> st.SearchStrategy[sla.Agreement]:
    """Return a strategy for agreements over some of ``services``.

    ``tiers`` defaults to [`tiers()`][slakit.strategies.tiers] on a drawn
    [`uptime_measures()`][slakit.strategies.uptime_measures];
    ``period_rules`` defaults to ``monthly(tz='UTC')``. Shrinks towards one
    service, ``services[0]``, and the simplest tier.

    Raises:
        InvalidArgument: ``services`` is empty or repeats a name, or a strategy
            argument is not a strategy.

    Examples:
        >>> agreements(services=["api"])
        agreements(services=['api'])
    """
    _check_services(services)
    _check_strategy(tiers, "tiers")
    _check_strategy(period_rules, "period_rules")
    return _agreements(services=services, tiers=tiers, period_rules=period_rules)


@st.composite
@_shown_as(agreements)
def _agreements(
    draw: st.DrawFn,
    *,
    services: Sequence[str],
    tiers: st.SearchStrategy[sla.Tier] | None,
    period_rules: st.SearchStrategy[sla.PeriodRule] | None,
) -> sla.Agreement:
    default = uptime_measures().flatmap(lambda m: _tiers(m, currency="USD", compensation=None))
    tier = draw(tiers if tiers is not None else default)
    rule = draw(period_rules) if period_rules is not None else sla.monthly(tz="UTC")
    chosen = draw(st.lists(st.sampled_from(list(services)), min_size=1, unique=True))
    return sla.Agreement(
        provider="Acme Cloud", customer="Globex", services=chosen, tier=tier, period=rule
    )


# --- events ------------------------------------------------------------------------------------


def _bounds(target: object, out: dict[Decimal, None], measures: list[sla.Uptime]) -> None:
    """Collect the uptime bounds and targets in ``target`` (an agreement, tier, rule, objective)."""
    if isinstance(target, sla.Agreement):
        for version in target.versions():
            _bounds(version.agreement.tier, out, measures)
    elif isinstance(target, sla.Tier):
        for objective in target.objectives:
            _bounds(objective, out, measures)
        if target.compensation is not None:
            _bounds(target.compensation, out, measures)
    elif isinstance(target, sla.Objective):
        if isinstance(target.measure, sla.Uptime):
            out.setdefault(target.target)
            measures.append(target.measure)
    elif isinstance(target, CreditRule):
        if isinstance(target, CreditSchedule) and isinstance(target.measure, sla.Uptime):
            measures.append(target.measure)
            for band in target.bands:
                for bound in (band.lower, band.upper):
                    if bound is not None:
                        out.setdefault(bound.value)
        if isinstance(target, PerBreach):
            _bounds(target.target, out, measures)
        if isinstance(target, Linear):
            _bounds(target.objective, out, measures)
        if isinstance(target, Escalate | EarnBack):
            _bounds(target.when, out, measures)
        for child in target.children():
            _bounds(child, out, measures)
    else:
        raise InvalidArgument(
            f"near={target!r} must be an agreement, a tier, a credit rule, an objective "
            "or a list of values such as ['99.9%']"
        )


def near_bound_values(near: object) -> tuple[tuple[Decimal, ...], tuple[sla.Uptime, ...]]:
    """Return the uptime bounds and targets named in ``near``, and the uptime measures read.

    ``near`` is an agreement (every version), a tier, a credit rule, an
    objective, or an iterable of values such as ``["99.9%", Decimal("0.99")]``.

    Raises:
        InvalidArgument: ``near`` is none of these, or a value is not a ratio.

    Examples:
        >>> values, _ = near_bound_values(sla.credit_schedule(sla.uptime(), {"< 99.9%": "10%"}))
        >>> values
        (Decimal('0.999'),)
    """
    out: dict[Decimal, None] = {}
    measures: list[sla.Uptime] = []
    if isinstance(near, Iterable) and not isinstance(near, str | sla.Agreement):
        for value in near:
            try:
                out.setdefault(ratio(value, name="near"))
            except SlakitError as exc:
                raise InvalidArgument(str(exc)) from None
    else:
        _bounds(near, out, measures)
    return tuple(sorted(out, reverse=True)), tuple(dict.fromkeys(measures))


def _unit_for(measures: Sequence[sla.Uptime]) -> tuple[int, int]:
    """Return (the step of down time, the shortest outage that counts), in microseconds."""
    grains = {m.granularity.us if m.granularity is not None else 1 for m in measures}
    step = grains.pop() if len(grains) == 1 else 1
    shortest = max([m.min_outage.us for m in measures], default=0)
    return step, shortest


def outages(
    services: str | Sequence[str] = _ONE_SERVICE,
    *,
    period: sla.Period | str | None = None,
    max_duration: sla.Duration = _FOUR_HOURS,
    unit: sla.Duration = _ONE_SECOND,
) -> st.SearchStrategy[sla.Outage]:
    """Return a strategy for one outage of one of ``services`` inside ``period``.

    ``period`` defaults to October 2026 (UTC); bounds are multiples of ``unit``
    from the start of the period. Shrinks towards an outage of one ``unit`` at
    the start of the period.

    Raises:
        InvalidArgument: no services, a bad period, or a non-positive duration.

    Examples:
        >>> outages("api", max_duration=sla.minutes(5))
        outages(services='api', max_duration=minutes(5))
    """
    _check_services(services)
    _check_period(period)
    _check_duration(max_duration, "max_duration")
    _check_duration(unit, "unit")
    return _outages(services, period=period, max_duration=max_duration, unit=unit)


@st.composite
@_shown_as(outages)
def _outages(
    draw: st.DrawFn,
    services: str | Sequence[str],
    *,
    period: sla.Period | str | None,
    max_duration: sla.Duration,
    unit: sla.Duration,
) -> sla.Outage:
    names = _check_services(services)
    p = _check_period(period)
    n = max(1, p.length_us // unit.us)
    start = draw(st.integers(0, n - 1))
    length = draw(st.integers(1, max(1, max_duration.us // unit.us)))
    return sla.Outage(
        draw(st.sampled_from(names)),
        p.start + start * unit.us,
        min(p.end, p.start + (start + length) * unit.us),
    )


def outage_streams(
    services: str | Sequence[str] = _ONE_SERVICE,
    *,
    period: sla.Period | str | None = None,
    max_outages: int = 5,
    max_duration: sla.Duration = _FOUR_HOURS,
    unit: sla.Duration = _ONE_SECOND,
    near: object = None,
) -> st.SearchStrategy[list[sla.Outage]]:
    """Return a strategy for lists of outages of ``services`` inside ``period``.

    Without ``near``, each list holds up to ``max_outages`` outages anywhere in
    the period (see [`outages()`][slakit.strategies.outages]). With ``near`` (an agreement, a tier, a
    credit rule such as a schedule, an objective, or a list of values), the
    outages of each service add up to the down time that puts its uptime
    *exactly on* one of the bounds and targets ``near`` names, or one step
    either side of it: that is where penalty bugs live. The step is the
    measures' bucket when they share one (a bucket is down as a whole),
    otherwise one microsecond; every outage is at least the measures' minimum
    outage long, so none is ignored. The down time is computed for a period in
    which every instant is eligible (no service window, no maintenance).

    Shrinks towards fewer, shorter outages at the start of the period; with
    ``near``, towards one outage per service landing exactly on the first
    (highest) bound.

    Raises:
        InvalidArgument: no services, a bad period or duration, ``max_outages < 1``
            with ``near``, or a ``near`` that names no uptime bound.

    Examples:
        >>> schedule = sla.credit_schedule(sla.uptime(), {"< 99.9%": "10%", "< 99%": "25%"})
        >>> outage_streams(["api"], near=schedule)
        outage_streams(services=['api'], near=credit_schedule(uptime(), {'(-inf, 99%)': '25%', '[99%, 99.9%)': '10%'}))
    """  # noqa: E501
    _check_services(services)
    _check_period(period)
    _check_size(max_outages, "max_outages")
    _check_duration(max_duration, "max_duration")
    _check_duration(unit, "unit")
    if near is not None:
        values, _ = near_bound_values(near)
        if not values:
            raise InvalidArgument(
                f"near={near!r} names no uptime bound or target to aim the outages at"
            )
        if max_outages < 1:
            raise InvalidArgument("max_outages=0 leaves no outage to put uptime near a bound")
    return _outage_streams(
        services,
        period=period,
        max_outages=max_outages,
        max_duration=max_duration,
        unit=unit,
        near=near,
    )


@st.composite
@_shown_as(outage_streams)
def _outage_streams(
    draw: st.DrawFn,
    services: str | Sequence[str],
    *,
    period: sla.Period | str | None,
    max_outages: int,
    max_duration: sla.Duration,
    unit: sla.Duration,
    near: object,
) -> list[sla.Outage]:
    if near is None:
        return draw(
            st.lists(
                _outages(services, period=period, max_duration=max_duration, unit=unit),
                max_size=max_outages,
            )
        )
    names = _check_services(services)
    p = _check_period(period)
    values, measures = near_bound_values(near)
    step, shortest = _unit_for(measures)
    out: list[sla.Outage] = []
    for service in names:
        out.extend(_near(draw, service, p, values, step, shortest, max_outages))
    return out


def _near(  # noqa: PLR0917
    draw: st.DrawFn,
    service: str,
    period: sla.Period,
    values: Sequence[Decimal],
    step: int,
    shortest: int,
    max_outages: int,
) -> list[sla.Outage]:
    """Draw outages of ``service`` whose down time puts uptime on a bound, or a step off it."""
    length = period.length_us
    usable = length // step  # whole steps (buckets) inside the period
    bound = Fraction(draw(st.sampled_from(list(values))))
    exact = (1 - bound) * length / step  # down steps that give exactly the bound
    down = math.ceil(exact) + draw(st.sampled_from([0, -1, 1]))
    down = min(max(down, 0), usable)
    if down == 0:
        return []
    piece = max(1, math.ceil(shortest / step))  # steps per outage, so none is ignored
    most = max(1, min(max_outages, down // piece))
    count = draw(st.integers(1, most))
    spare = down - count * piece
    cuts = sorted(draw(st.lists(st.integers(0, spare), min_size=count - 1, max_size=count - 1)))
    sizes = [piece + b - a for a, b in itertools.pairwise([0, *cuts, spare])]
    free = usable - down
    gaps = sorted(draw(st.lists(st.integers(0, free), min_size=count, max_size=count)))
    out, at, previous_gap = [], 0, 0
    for size, gap in zip(sizes, gaps, strict=True):
        at += gap - previous_gap
        previous_gap = gap
        start = period.start + at * step
        out.append(sla.Outage(service, start, start + size * step))
        at += size
    return out


def requests(
    services: str | Sequence[str] = _ONE_SERVICE,
    *,
    period: sla.Period | str | None = None,
    max_latency: sla.Duration = _MAX_LATENCY,
) -> st.SearchStrategy[sla.Request]:
    """Return a strategy for one request to one of ``services`` inside ``period``.

    Statuses are drawn from successes, client and server errors; latencies in
    whole milliseconds up to ``max_latency``, or missing. Shrinks towards a
    ``200`` at the start of the period with no latency.

    Raises:
        InvalidArgument: no services, a bad period, or a non-positive latency.

    Examples:
        >>> requests("api")
        requests(services='api')
    """
    _check_services(services)
    _check_period(period)
    _check_duration(max_latency, "max_latency")
    return _requests(services, period=period, max_latency=max_latency)


_STATUSES = (200, 204, 301, 404, 429, 500, 503)


@st.composite
@_shown_as(requests)
def _requests(
    draw: st.DrawFn,
    services: str | Sequence[str],
    *,
    period: sla.Period | str | None,
    max_latency: sla.Duration,
) -> sla.Request:
    names = _check_services(services)
    p = _check_period(period)
    latency = draw(st.none() | st.integers(0, max_latency.us // 1000).map(sla.milliseconds))
    return sla.Request(
        draw(st.sampled_from(names)),
        p.start + draw(st.integers(0, p.length_us // 1_000_000 - 1)) * 1_000_000,
        draw(st.sampled_from(_STATUSES)),
        latency=latency,
    )


def request_streams(
    services: str | Sequence[str] = _ONE_SERVICE,
    *,
    period: sla.Period | str | None = None,
    max_requests: int = 50,
    max_latency: sla.Duration = _MAX_LATENCY,
) -> st.SearchStrategy[list[sla.Request]]:
    """Return a strategy for lists of up to ``max_requests`` ``requests()``.

    Shrinks towards the empty list, then fewer, simpler requests.

    Raises:
        InvalidArgument: as [`requests()`][slakit.strategies.requests], or a negative
            ``max_requests``.

    Examples:
        >>> request_streams("api", max_requests=10)
        request_streams(services='api', max_requests=10)
    """
    _check_size(max_requests, "max_requests")
    requests(services, period=period, max_latency=max_latency)  # checks the arguments
    return _request_streams(
        services, period=period, max_requests=max_requests, max_latency=max_latency
    )


@st.composite
@_shown_as(request_streams)
def _request_streams(
    draw: st.DrawFn,
    services: str | Sequence[str],
    *,
    period: sla.Period | str | None,
    max_requests: int,
    max_latency: sla.Duration,
) -> list[sla.Request]:
    return draw(
        st.lists(_requests(services, period=period, max_latency=max_latency), max_size=max_requests)
    )


def tickets(
    services: str | Sequence[str] = _ONE_SERVICE,
    *,
    period: sla.Period | str | None = None,
    priorities: Sequence[str] = _PRIORITIES,
    ids: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[sla.Ticket]:
    """Return a strategy for one support ticket opened inside ``period``, at whole minutes.

    The ticket may have a first response and a resolution up to two days
    after it was opened. ``ids`` draws the ticket id (default ``'T-1'``).
    Shrinks towards a ``priorities[0]`` ticket opened at the start of the
    period, never answered.

    Raises:
        InvalidArgument: no services or priorities, or a bad period.

    Examples:
        >>> tickets("api", priorities=["P1"])
        tickets(services='api', priorities=['P1'])
    """
    _check_services(services)
    _check_services(priorities, "priorities")
    _check_period(period)
    _check_strategy(ids, "ids")
    return _tickets(services, period=period, priorities=priorities, ids=ids)


_MINUTE = 60_000_000


@st.composite
@_shown_as(tickets)
def _tickets(
    draw: st.DrawFn,
    services: str | Sequence[str],
    *,
    period: sla.Period | str | None,
    priorities: Sequence[str],
    ids: st.SearchStrategy[str] | None,
) -> sla.Ticket:
    names = _check_services(services)
    p = _check_period(period)
    opened = p.start + draw(st.integers(0, p.length_us // _MINUTE - 1)) * _MINUTE
    later = st.none() | st.integers(0, 2 * 24 * 60).map(lambda m: opened + m * _MINUTE)
    return sla.Ticket(
        draw(ids) if ids is not None else "T-1",
        draw(st.sampled_from(names)),
        draw(st.sampled_from(list(priorities))),
        opened,
        first_response=draw(later),
        resolved=draw(later),
    )


def ticket_streams(
    services: str | Sequence[str] = _ONE_SERVICE,
    *,
    period: sla.Period | str | None = None,
    max_tickets: int = 10,
    priorities: Sequence[str] = _PRIORITIES,
) -> st.SearchStrategy[list[sla.Ticket]]:
    """Return a strategy for lists of up to ``max_tickets`` ``tickets()``, ids ``T-1``, ``T-2``...

    Shrinks towards the empty list, then fewer, simpler tickets.

    Raises:
        InvalidArgument: as [`tickets()`][slakit.strategies.tickets], or a negative ``max_tickets``.

    Examples:
        >>> ticket_streams("api", max_tickets=3)
        ticket_streams(services='api', max_tickets=3)
    """
    _check_size(max_tickets, "max_tickets")
    tickets(services, period=period, priorities=priorities)  # checks the arguments
    return _ticket_streams(services, period=period, max_tickets=max_tickets, priorities=priorities)


@st.composite
@_shown_as(ticket_streams)
def _ticket_streams(
    draw: st.DrawFn,
    services: str | Sequence[str],
    *,
    period: sla.Period | str | None,
    max_tickets: int,
    priorities: Sequence[str],
) -> list[sla.Ticket]:
    count = draw(st.integers(0, max_tickets))
    return [
        draw(_tickets(services, period=period, priorities=priorities, ids=st.just(f"T-{i}")))
        for i in range(1, count + 1)
    ]


# --- registration with Hypothesis ---------------------------------------------------------------


def _register_types() -> None:
    """Register a strategy for each of slakit's types with Hypothesis."""
    registry: dict[type, st.SearchStrategy[Any]] = {
        sla.Agreement: agreements(),
        sla.Tier: tiers(),
        sla.CreditSchedule: credit_schedules(),
        sla.CreditRule: credit_rules(),
        sla.Money: amounts(),
        sla.Duration: durations(),
        sla.Period: periods(),
        sla.PeriodRule: period_rules(),
        sla.Timeline: timelines(),
        sla.Calendar: calendars(),
        sla.Uptime: uptime_measures(),
        sla.Measure: measures(),
        sla.Outage: outages(),
        sla.Request: requests(),
        sla.Ticket: tickets(),
    }
    for cls, strategy in registry.items():
        st.register_type_strategy(cls, strategy)


_register_types()
