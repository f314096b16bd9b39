"""The period in progress: an agreement evaluated as of an instant (see ``status()``).

Three readings of one agreement over the inputs as known at ``now`` give every
figure, each by the engine itself, so the contract's semantics (service hours,
exclusions and their conditions, bucket rules, no data) hold throughout:

- the whole period, with nothing more going wrong: the inputs cut at ``now``
  (outages end there at the latest; later rows are dropped; maintenance
  announced by ``now`` counts however far ahead it lies). Its eligible time is
  what the contract will count; its credits are those accrued.
- the period from its start up to ``now``: the value so far, the burn so far.
- each burn window ending at ``now``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from slakit._dsl._agreement import Agreement
from slakit._dsl._compensation import FEE, CreditRule, CreditSchedule
from slakit._dsl._incidents import IncidentMeasure
from slakit._dsl._objectives import Objective
from slakit._dsl._probes import ProbeMeasure
from slakit._dsl._requests import RequestMeasure
from slakit._dsl._tickets import OnTimeRatio, TicketTime
from slakit._engine._inputs import as_inputs, size_of
from slakit._engine._plan import Plan, compile_agreement
from slakit._engine._portfolio import _Taken
from slakit._engine._requests import MeasuredRequests
from slakit._events._billing import ChargeTable
from slakit._events._claims import ClaimTable
from slakit._events._corrections import CorrectionTable
from slakit._events._probes import ProbeTable
from slakit._events._requests import RequestTable
from slakit._events._table import MAINTENANCE, NO_TIME, EventTable
from slakit._events._tickets import TicketTable
from slakit._money import Money, minor_unit
from slakit._results._evidence import MeasureOutcome
from slakit._results._live import (
    SRE_WORKBOOK_ALERTS,
    AlertStatus,
    BandStatus,
    BudgetBasis,
    BurnAlert,
    BurnRate,
    CustomerStatus,
    ObjectiveStatus,
    PortfolioStatus,
    Status,
    burn_alerts,
)
from slakit._results._report import Report
from slakit._time._instant import Duration, InstantLike, describe_us, format_us, to_us
from slakit._time._periods import Period
from slakit.exceptions import EvaluationError

__all__ = ["DEFAULT_WINDOWS", "as_of", "portfolio_status", "status"]

_US = 1_000_000
_HOUR = 3_600 * _US

#: The burn windows a status shows unless told otherwise: 1 hour, 6 hours, 1 day, 3 days.
DEFAULT_WINDOWS: tuple[int, ...] = (_HOUR, 6 * _HOUR, 24 * _HOUR, 72 * _HOUR)


# --- the inputs as known at an instant ------------------------------------------------------------


def _taken_where(table: Any, rows: np.ndarray[Any, Any]) -> Sequence[str]:
    """Return the names of ``rows`` as ``table`` names them, made when asked."""
    return _Taken(table, rows)


def as_of(table: object, now: int) -> object:
    """Return ``table`` as known at ``now``: nothing that begins later, nothing known later.

    Outages and deployments that begin at ``now`` or later are dropped and the
    others end at ``now`` at the latest; maintenance counts when announced by
    ``now`` (however far ahead it is scheduled: the contract counts announced
    maintenance ahead); requests and probe samples before ``now`` count;
    tickets opened before ``now`` count, a response, resolution, status change
    or pause after ``now`` not yet (a pause running at ``now`` ends there);
    claims filed and corrections recorded after ``now`` are dropped (a
    correction without a recorded instant stays); charges stay as they are.
    """
    if isinstance(table, EventTable):
        maintenance = table.kind == MAINTENANCE
        keep = np.where(maintenance, table.announced <= now, table.start < now)
        rows = np.flatnonzero(keep)
        end = table.end[rows]
        return EventTable._adopt(
            kind=table.kind[rows],
            service=table.service[rows],
            services=table.services,
            start=table.start[rows],
            end=np.where(maintenance[rows], end, np.minimum(end, now)),
            announced=table.announced[rows],
            state=table.state[rows],
            states=table.states,
            affected=table.affected[rows],
            affected_levels=table.affected_levels,
            where=_taken_where(table, rows),
        )
    if isinstance(table, MeasuredRequests):  # an incremental state's requests
        return table.before(now)
    if isinstance(table, RequestTable):
        rows = np.flatnonzero(table.time < now)
        return table.taken(rows, where=_taken_where(table, rows))
    if isinstance(table, ProbeTable):
        rows = np.flatnonzero(table.time < now)
        return ProbeTable(
            service=table.service[rows],
            services=table.services,
            time=table.time[rows],
            metric=table.metric[rows],
            metrics=table.metrics,
            value=table.value[rows],
            where=_taken_where(table, rows),
            copy=False,
        )
    if isinstance(table, TicketTable):
        return _tickets_as_of(table, now)
    if isinstance(table, ClaimTable):
        return ClaimTable([c for c in table.records if c.filed_us <= now], as_of=table.as_of)
    if isinstance(table, CorrectionTable):
        kept = [c for c in table.records if c.recorded is None or to_us(c.recorded) <= now]
        return CorrectionTable(kept)
    if isinstance(table, ChargeTable):
        return table
    raise EvaluationError(f"status() cannot read {type(table).__name__} as of an instant")


def _tickets_as_of(table: TicketTable, now: int) -> TicketTable:
    rows = np.flatnonzero(table.opened < now)
    position = np.full(len(table), -1, dtype=np.int64)
    position[rows] = np.arange(rows.shape[0], dtype=np.int64)

    def later(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        return np.where(values >= now, NO_TIME, values)

    changes = np.flatnonzero((position[table.change_ticket] >= 0) & (table.change_at < now))
    pauses = np.flatnonzero((position[table.pause_ticket] >= 0) & (table.pause_start < now))
    pause_end = table.pause_end[pauses]
    return TicketTable(
        ids=[table.ids[r] for r in rows.tolist()],
        service=table.service[rows],
        services=table.services,
        priority=table.priority[rows],
        priorities=table.priorities,
        opened=table.opened[rows],
        first_response=later(table.first_response[rows]),
        resolved=later(table.resolved[rows]),
        coverage=table.coverage[rows],
        coverages=table.coverages,
        change_ticket=position[table.change_ticket[changes]],
        change_at=table.change_at[changes],
        change_status=table.change_status[changes],
        statuses=table.statuses,
        pause_ticket=position[table.pause_ticket[pauses]],
        pause_start=table.pause_start[pauses],
        pause_end=np.where((pause_end == NO_TIME) | (pause_end > now), now, pause_end),
        where=_taken_where(table, rows),
    )


# --- the measures alone ---------------------------------------------------------------------------


def _measures_only(agreement: Agreement) -> Agreement:
    """Return the agreement without credits or billing cycles: its measures over any span."""
    tier = attrs.evolve(agreement.tier, compensation=None, billing=None)
    amendments = tuple(
        a if a.tier is None else attrs.evolve(a, tier=attrs.evolve(a.tier, compensation=None))
        for a in agreement.amendments
    )
    return attrs.evolve(agreement, tier=tier, amendments=amendments)


def _schedules(rule: CreditRule | None) -> Iterator[CreditSchedule]:
    if rule is None:
        return
    if isinstance(rule, CreditSchedule):
        yield rule
    for child in rule.children():
        yield from _schedules(child)


# --- budgets ------------------------------------------------------------------------------------


def _max_misses(total: int, target: Fraction, strict: bool) -> int:
    """Return the most misses out of ``total`` that keep ``(total - misses) / total`` at target.

    ``strict``: the value must stay above the target (``>``), else at or above it.
    """
    limit = total * (1 - target)
    return math.ceil(limit) - 1 if strict else math.floor(limit)


def _ratio_kind(objective: Objective) -> BudgetBasis | None:
    measure = objective.measure
    if not measure.counts_misses():
        return None
    if objective.comparator in (">=", ">") and 0 <= objective.target <= 1:
        return "so far"  # "period" where the measure is one of time (set by the caller)
    if objective.comparator in ("<=", "<"):
        return "count"
    return None


def _value(outcome: MeasureOutcome | None, i: int | None) -> Fraction | None:
    if outcome is None or i is None or not outcome.total[i]:
        return None
    return Fraction(int(outcome.good[i]), int(outcome.total[i]))


@attrs.frozen
class _Reading:
    """One measure's outcomes: the whole period, so far, and per burn window."""

    full: MeasureOutcome
    so_far: MeasureOutcome | None
    windows: dict[int, MeasureOutcome | None]


def _position(outcome: MeasureOutcome | None, service: str) -> int | None:
    if outcome is None:
        return None
    return outcome.positions.get(service)


def _objective_status(
    agreement: Agreement,
    objective: Objective,
    service: str,
    reading: _Reading,
    *,
    period: Period,
    now: int,
    windows: Sequence[int],
) -> ObjectiveStatus:
    full, so_far = reading.full, reading.so_far
    i, j = _position(full, service), _position(so_far, service)
    assert i is not None
    scale = full.scale
    timed = full.time is not None
    basis = _ratio_kind(objective)
    if basis == "so far" and timed:
        basis = "period"
    unit_size = Fraction(scale * (_US if timed else 1))
    unit = "seconds" if timed else _unit_of(objective)
    value_now = _value(so_far, j) if so_far is not None else _value(full, i)
    value_end = _value(full, i)
    target = Fraction(objective.target)
    strict = objective.comparator in (">", "<")
    allowance = spent = remaining = budget_left = projected = None
    total_units = Fraction(0)
    bands: tuple[BandStatus, ...] = ()
    burn: tuple[BurnRate, ...] = ()
    source, k = (full, i) if basis != "so far" or so_far is None else (so_far, j)
    if basis in ("period", "so far") and (k is None or not source.total[k]):
        basis = None  # no eligible data yet: nothing is allowed or spent, and no budget
    if basis in ("period", "so far"):
        assert k is not None
        total = int(source.total[k])
        misses = total - int(source.good[k])
        allowed = _max_misses(total, target, strict)
        total_units = total / unit_size
        allowance, spent = allowed / unit_size, misses / unit_size
        remaining = allowance - spent
        projected = value_now
        bands = _ratio_bands(
            agreement,
            objective,
            service,
            total=total,
            misses=misses,
            unit_size=unit_size,
            value_end=value_end,
        )
        burn = tuple(
            BurnRate(w, _ratio_burn(_window_value(reading, w, service), target)) for w in windows
        )
    elif basis == "count":
        count = value_end if value_end is not None else Fraction(0)
        allowed_count = math.ceil(target) - 1 if strict else math.floor(target)
        allowance, spent = Fraction(allowed_count), count
        remaining = allowance - spent
        total_units = allowance
        elapsed = Fraction(now - period.start, period.end - period.start)
        projected = count / elapsed if elapsed else None
        length = period.end - period.start
        burn = tuple(
            BurnRate(
                w,
                _count_burn(_window_value(reading, w, service), allowance, Fraction(length, w)),
            )
            for w in windows
        )
    if allowance is not None and remaining is not None and allowance > 0:
        budget_left = remaining / allowance
    return ObjectiveStatus(
        objective=objective,
        service=service,
        unit=unit,
        basis=basis,
        value_so_far=value_now,
        value_if_no_more=value_end,
        total=total_units,
        allowance=allowance,
        spent=spent,
        remaining=remaining,
        budget_left=budget_left,
        projected_value=projected,
        projected_met=None if projected is None else objective.is_met(projected),
        bands=bands,
        burn=burn,
    )


#: What each family of measures that are not of time counts, for the budget's unit.
_COUNTS: tuple[tuple[type, str], ...] = (
    (RequestMeasure, "requests"),
    (OnTimeRatio, "tickets"),
    (TicketTime, "tickets"),
    (IncidentMeasure, "incidents"),
    (ProbeMeasure, "samples"),
)


def _unit_of(objective: Objective) -> str:
    measure = objective.measure
    return next((unit for kind, unit in _COUNTS if isinstance(measure, kind)), "units")


def _ratio_burn(value: Fraction | None, target: Fraction) -> Fraction | None:
    if value is None or target >= 1:
        return None
    return (1 - value) / (1 - target)


def _window_value(reading: _Reading, window: int, service: str) -> Fraction | None:
    outcome = reading.windows[window]
    return _value(outcome, _position(outcome, service))


def _count_burn(
    value: Fraction | None, allowance: Fraction, windows_per_period: Fraction
) -> Fraction | None:
    if value is None or allowance <= 0:
        return None
    return value * windows_per_period / allowance


def _ratio_bands(
    agreement: Agreement,
    objective: Objective,
    service: str,
    *,
    total: int,
    misses: int,
    unit_size: Fraction,
    value_end: Fraction | None,
) -> tuple[BandStatus, ...]:
    """Return the credit bands of the schedules on the objective's measure, mildest first."""
    out = []
    for schedule in _schedules(agreement.tier.compensation):
        if schedule.measure != objective.measure:
            continue
        bands = [b for b in schedule.bands if b.credit > 0 and b.upper is not None]
        bands.sort(key=lambda b: b.upper.value if b.upper else 0, reverse=True)
        for band in bands:
            assert band.upper is not None
            upper = Fraction(band.upper.value)
            # the band holds values below (or at) its upper bound: the misses past which it pays
            outside = _max_misses(total, upper, band.upper.inclusive)
            reached = value_end is not None and (
                value_end < upper or (value_end == upper and band.upper.inclusive)
            )
            out.append(
                BandStatus(
                    band=band,
                    share=band.credit,
                    remaining=(outside - misses) / unit_size,
                    reached=reached,
                    amount=_band_amount(agreement, schedule, service, band.credit),
                )
            )
    return tuple(out)


def _band_amount(
    agreement: Agreement, schedule: CreditSchedule, service: str, share: Any
) -> Money | None:
    if schedule.base != FEE or agreement.tier.billing is not None or agreement.tier.fee is None:
        return None
    fee = agreement.fee_of(service)
    amount = fee.amount * share
    places = Decimal(1).scaleb(-minor_unit(fee.currency))
    if amount == amount.quantize(places):  # exact in the currency's minor units: shown so
        amount = amount.quantize(places)
    return Money(amount, fee.currency)


# --- status -------------------------------------------------------------------------------------


def status(
    agreement: Agreement,
    *inputs: object,
    now: InstantLike,
    period: Period | str | None = None,
    windows: Sequence[int] = DEFAULT_WINDOWS,
    alerts: Sequence[BurnAlert] = SRE_WORKBOOK_ALERTS,
    rolling: Duration | None = None,
) -> Status:
    """Return the period in progress as of ``now``: budgets, credit bands, burn and alerts.

    The inputs are read as known at ``now`` (see below), and the agreement is
    evaluated three ways with the engine's own semantics (service hours,
    exclusions and their conditions, bucket rules, no data): over the whole
    period with nothing more going wrong (its eligible time is what the
    contract will count, future service hours and announced maintenance
    included; its credits are ``accrued``), from the period's start to ``now``
    (the value so far), and over each burn window ending at ``now``.

    Per objective and service, in the contract's own units: the allowance
    (the misses the objective allows: seconds of eligible down time for
    measures of time, over the whole period; bad requests or late tickets
    over those counted so far; a count of misses against its maximum), what is
    spent and what remains, the budget left as an exact fraction, the value so
    far and the projected end-of-period value if the burn so far continues,
    and for each band of a credit schedule on the measure the misses left
    before it and the money it pays (a share of the service's fee, before
    caps). Burn rates are the share of misses in a window over the share the
    objective allows; the alerts are the multi-window, multi-burn-rate
    conditions of Google's SRE workbook unless ``alerts`` says otherwise.

    As known at ``now``: outages and deployments that begin at ``now`` or later
    are dropped and the others end at ``now`` at the latest; maintenance counts
    when announced by ``now``, however far ahead; requests, probe samples,
    tickets opened, claims filed and corrections recorded later are dropped; a
    ticket's response, resolution, status change or pause after ``now`` is not
    known yet. ``now`` is always an argument: slakit never reads the clock.

    Args:
        agreement: the agreement.
        inputs: tables or lists of records, as for [`evaluate()`][slakit.evaluate].
        now: the instant (aware ``datetime``, ISO 8601 text with an offset, or
            integer microseconds UTC).
        period: the period to read (default: the one that holds ``now``); give
            it with ``now`` at its end to read a period that has just closed.
        windows: the burn windows to show, in microseconds (default 1 h, 6 h,
            1 d and 3 d).
        alerts: the burn-rate alerts to evaluate (default
            [`SRE_WORKBOOK_ALERTS`][slakit.SRE_WORKBOOK_ALERTS]).
        rolling: instead of the contract's period, a sliding window that ends at
            ``now`` (``sla.days(30)``: "the last 30 days", as SLO tools define
            their windows). The budget is then counted over the window; the
            contract pays per period, not per window, so there are no bands
            and nothing accrued (``accrued`` is ``None``).

    Returns:
        A [`Status`][slakit.Status].

    Raises:
        EvaluationError: ``now`` is not after the period's start and at most its end,
            or both ``period`` and ``rolling`` are given.

    Examples:
        >>> import slakit as sla
        >>> up = sla.uptime()
        >>> tier = sla.Tier("gold", fee=sla.usd("1000.00"), objectives=[up >= "99.9%"],
        ...                 compensation=sla.credit_schedule(up, {"< 99.9%": "10%"}))
        >>> a = sla.Agreement(provider="P", customer="C", services=["api"], tier=tier)
        >>> now = sla.status(a, [sla.Outage("api", "2026-11-03T10:00Z", "2026-11-03T10:30Z")],
        ...                  now="2026-11-17T12:00Z")
        >>> [entry] = now.objectives
        >>> entry.allowance, entry.spent, entry.remaining  # seconds of the 30-day month
        (Fraction(2592, 1), Fraction(1800, 1), Fraction(792, 1))
        >>> str(entry.budget_left), str(now.accrued)
        ('11/36', '0.00 USD')
    """
    at = to_us(now, name="now")
    if rolling is not None and period is not None:
        raise EvaluationError(
            "give period= (one of the contract's periods) or rolling= (a window ending at "
            "now), not both"
        )
    if rolling is not None:
        given: object = rolling  # checked at run time, whatever a caller passes
        if not isinstance(given, Duration) or given.us <= 0:
            raise EvaluationError(
                f"rolling={rolling!r} must be a positive duration such as days(30)"
            )
        label = f"the {describe_us(rolling.us)} to {format_us(at)}"
        chosen = Period(at - rolling.us, at, label, "UTC")
    elif period is None:
        chosen = agreement.period.containing(at)
    else:
        chosen = agreement.period.resolve(period)
    if not chosen.start < at <= chosen.end:
        raise EvaluationError(
            f"now={format_us(at)} is not within period {chosen.label} "
            f"({format_us(chosen.start)} to {format_us(chosen.end)}); give an instant after "
            "its start and at most its end"
        )
    known = as_inputs(inputs)
    clipped = [as_of(table, at) for table in known.tables.values()]
    not_yet = {  # nothing is dropped without a word: what was not known yet is counted
        kind.__name__: size_of(table) - size_of(seen)
        for (kind, table), seen in zip(known.tables.items(), clipped, strict=True)
        if size_of(table) != size_of(seen)
    }
    terms = agreement if rolling is None else _measures_only(agreement)
    report = compile_agreement(terms).evaluate(*clipped, period=chosen)
    measures = compile_agreement(_measures_only(agreement))
    so_far_report: Report | None = None
    if at < chosen.end:
        so_far_report = measures.evaluate(
            *clipped, period=Period(chosen.start, at, f"{chosen.label} to now", chosen.tz)
        )
    needed = sorted({*windows, *(w for a in alerts for w in (a.long, a.short))})
    window_reports = {
        w: measures.evaluate(
            *clipped, period=Period(at - w, at, f"{w // _US}s to {format_us(at)}", chosen.tz)
        )
        for w in needed
    }
    entries = []
    states = []
    for column in report.objective_columns:
        objective = column.objective
        measure = objective.measure
        reading = _Reading(
            full=column.outcome,
            so_far=_outcome(so_far_report, measure),
            windows={w: _outcome(r, measure) for w, r in window_reports.items()},
        )
        for service in column.outcome.services:
            entry = _objective_status(
                terms,
                objective,
                service,
                reading,
                period=chosen,
                now=at,
                windows=needed,
            )
            states.append(entry)
            if entry.basis is None:
                continue
            rates = {b.window: b.rate for b in entry.burn}
            for alert, firing in burn_alerts(rates, alerts):
                entries.append(
                    AlertStatus(
                        alert=alert,
                        service=service,
                        objective=objective,
                        firing=firing,
                        long_rate=rates[alert.long],
                        short_rate=rates[alert.short],
                    )
                )
    entries = _with_since(entries, measures, list(known.tables.values()), at=at, tz=chosen.tz)
    shown = [attrs.evolve(s, burn=tuple(b for b in s.burn if b.window in windows)) for s in states]
    notes = (
        (
            "Burn windows are measured with the agreement's measures over each window itself "
            "(buckets aligned to the window's start; a maintenance allowance counted within it)."
        ),
    )
    return Status(
        period=chosen,
        now=at,
        objectives=tuple(shown),
        alerts=tuple(entries),
        accrued=report.total if rolling is None else None,
        rolling=rolling is not None,
        not_yet=not_yet,
        report=report,
        notes=notes,
    )


def _with_since(
    entries: list[AlertStatus], measures: Plan, tables: list[object], *, at: int, tz: str
) -> list[AlertStatus]:
    """Return the alerts with, for those that fire on a ratio, when they began (see ``since``).

    Each alert is read back on a grid of its short window, over the inputs as
    known at each grid instant, until it stops firing or one long window back.
    """
    found: dict[tuple[str, int, str], tuple[int, bool]] = {}
    for alert in dict.fromkeys(e.alert for e in entries if e.firing):
        alive = {
            (e.objective, e.service)
            for e in entries
            if e.alert == alert and e.firing and _ratio_kind(e.objective) == "so far"
        }
        since = dict.fromkeys(alive, at)
        t = at
        for _ in range(max(1, alert.long // alert.short)):
            if not alive:
                break
            t -= alert.short
            known = [as_of(table, t) for table in tables]
            long = measures.evaluate(*known, period=Period(t - alert.long, t, "burn", tz))
            short = measures.evaluate(*known, period=Period(t - alert.short, t, "burn", tz))
            for objective, service in list(alive):
                rates = [
                    _ratio_burn(
                        _value(outcome, _position(outcome, service)), Fraction(objective.target)
                    )
                    for outcome in (
                        _outcome(long, objective.measure),
                        _outcome(short, objective.measure),
                    )
                ]
                if all(r is not None and r > alert.factor for r in rates):
                    since[(objective, service)] = t
                else:
                    alive.discard((objective, service))
        for (objective, service), t0 in since.items():
            found[(alert.name, id(objective), service)] = (t0, (objective, service) in alive)
    out = []
    for entry in entries:
        hit = found.get((entry.alert.name, id(entry.objective), entry.service))
        out.append(entry if hit is None else attrs.evolve(entry, since=hit[0], earlier=hit[1]))
    return out


def _outcome(report: Report | None, measure: object) -> MeasureOutcome | None:
    if report is None:
        return None
    for column in report.objective_columns:
        if column.objective.measure == measure:
            return column.outcome
    return None


def portfolio_status(
    portfolio: Any,
    *inputs: object,
    now: InstantLike,
    period: str | None = None,
    windows: Sequence[int] = DEFAULT_WINDOWS,
    alerts: Sequence[BurnAlert] = SRE_WORKBOOK_ALERTS,
) -> PortfolioStatus:
    """Return every customer of ``portfolio`` as of ``now`` (see ``Portfolio.status()``)."""
    from slakit._engine._portfolio import _template
    from slakit._results._portfolio import _common

    at = to_us(now, name="now")
    if period is None:
        first = _template(portfolio.plans[0][1], portfolio.provider)
        period = attrs.evolve(first.period, tz="UTC").containing(at).label
    result = portfolio.evaluate(*inputs, period=period)
    table = portfolio.customers
    entries: dict[str, list[ObjectiveStatus]] = {}
    firing: dict[str, list[AlertStatus]] = {}
    accrued: dict[str, Money] = {}
    plans: dict[str, str] = {}
    not_yet: dict[str, int] = {}
    not_read: dict[str, str] = dict(result.skipped)
    for group in result._groups:
        resolved = group.report.period
        owners = [table.customers[c] for c in table.customer[group.pairs].tolist()]
        in_force = group.key.lo < at <= group.key.hi and resolved.start < at <= resolved.end
        if not in_force:
            for name in owners:
                if name not in entries:
                    not_read.setdefault(
                        name,
                        f"its terms in force ({group.version}) do not hold {format_us(at)} in "
                        f"period {resolved.label} ({resolved.tz})",
                    )
            continue
        now_status = status(
            group.agreement,
            *group.inputs,
            now=at,
            period=resolved,
            windows=windows,
            alerts=alerts,
        )
        for kind, n in now_status.not_yet.items():
            not_yet[kind] = not_yet.get(kind, 0) + n
        position = {name: i for i, name in enumerate(group.agreement.services)}
        own = [table.services[s] for s in table.service[group.pairs].tolist()]
        for entry in now_status.objectives:
            i = position[entry.service]
            not_read.pop(owners[i], None)
            entries.setdefault(owners[i], []).append(attrs.evolve(entry, service=own[i]))
        for alert in now_status.firing():
            i = position[alert.service]
            firing.setdefault(owners[i], []).append(attrs.evolve(alert, service=own[i]))
        nums, common = _common(now_status.report)
        terms = group.agreement
        currency = terms.tier.currency_code
        sums: dict[str, Fraction] = {}
        for i, num in enumerate(nums.tolist()):
            sums[owners[i]] = sums.get(owners[i], Fraction(0)) + Fraction(int(num), common)
        for name, exact in sums.items():
            accrued[name] = terms.rounding.apply(exact, currency)
            plans[name] = group.key.key.plan
    customers = tuple(
        CustomerStatus(
            customer=name,
            plan=plans[name],
            objectives=tuple(entries.get(name, ())),
            accrued=accrued[name],
            firing=tuple(firing.get(name, ())),
        )
        for name in sorted(accrued)
    )
    return PortfolioStatus(
        now=at,
        period=period,
        customers=customers,
        not_read=not_read,
        unrouted=result.unrouted,
        not_yet=not_yet,
    )
