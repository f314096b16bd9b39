"""The period in progress as of an instant: budgets, credit bands, burn rates and alerts.

[`status()`][slakit.status] builds these; they hold exact figures (``Fraction``
units of the measure, ``Money``) and render as text and plain data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

import attrs

from slakit._dsl._compensation import Band
from slakit._dsl._objectives import Objective
from slakit._money import Money
from slakit._time._instant import describe_us, format_us
from slakit._time._periods import Period

if TYPE_CHECKING:
    from slakit._results._report import Report

__all__ = [
    "SRE_WORKBOOK_ALERTS",
    "AlertStatus",
    "BandStatus",
    "BurnAlert",
    "BurnRate",
    "CustomerStatus",
    "ObjectiveStatus",
    "PortfolioStatus",
    "Status",
    "burn_alerts",
]

#: How a budget is counted: misses out of a total known for the whole period (time
#: measures: eligible time, future service hours and announced maintenance included),
#: out of what has been counted so far (requests, tickets, samples), or a count of
#: misses (late tickets, incidents) against a maximum; ``None``: the measure's value
#: is no ratio of misses (a latency, a mean), so it has no budget.
BudgetBasis = Literal["period", "so far", "count"]

_US = 1_000_000


def _amount_text(units: Fraction, unit: str) -> str:
    if unit == "seconds":  # in words, exact (the project's one way of writing a length)
        return ("-" if units < 0 else "") + describe_us(abs(units) * _US)
    shown = units if units.denominator == 1 else round(units, 2)
    return f"{shown} {unit}"


@attrs.frozen
class BandStatus:
    """One credit band of a schedule on the objective's measure, as of the status instant.

    Attributes:
        band: the schedule's band (its bounds and credit share).
        share: the credit the band pays, as a share of its base.
        remaining: how many more units of misses the period can take before its
            value enters this band (negative or zero once it has).
        reached: whether the value, with nothing more going wrong, is already in
            this band or a worse one.
        amount: the money the band pays, as a share of the service's fee for the
            period, before any cap or other clause; ``None`` when the base is not
            the fee (charges) or the fee is billed in cycles.
    """

    band: Band
    share: Decimal
    remaining: Fraction
    reached: bool
    amount: Money | None


@attrs.frozen
class BurnRate:
    """The rate misses spend the budget over one window ending at the status instant.

    ``rate`` is the share of misses in the window over the share the objective
    allows (``1`` spends the budget exactly by the end of the period); ``None``
    when the window holds no eligible data.
    """

    window: int  # microseconds
    rate: Fraction | None


@attrs.frozen
class ObjectiveStatus:
    """One objective on one service, as of the status instant.

    Figures are exact, in units of the measure (``unit``: ``"seconds"`` of
    eligible time for measures of time, else the things the measure counts).

    Attributes:
        objective: the objective.
        service: the service.
        unit: ``"seconds"``, or what the measure counts (``"requests"``, ...).
        basis: how the budget is counted (see ``BudgetBasis``), ``None`` without one.
        value_so_far: the measure's value from the period's start to the instant
            (``None``: no data yet).
        value_if_no_more: the whole period's value if nothing more goes wrong.
        total: the units the budget is counted over: the whole period's eligible
            time for measures of time; what has been counted so far otherwise.
        allowance: the misses the objective allows over ``total``.
        spent: the misses so far.
        remaining: ``allowance - spent`` (negative once breached).
        budget_left: ``remaining / allowance`` (``None`` when nothing is allowed).
        projected_value: the period's value if the burn so far continues (the
            value so far, over the whole period's eligible time).
        projected_met: whether the projected value meets the objective.
        bands: the credit bands of schedules on the measure, mildest first.
        burn: the burn rates over the status windows.
    """

    objective: Objective
    service: str
    unit: str
    basis: BudgetBasis | None
    value_so_far: Fraction | None
    value_if_no_more: Fraction | None
    total: Fraction
    allowance: Fraction | None
    spent: Fraction | None
    remaining: Fraction | None
    budget_left: Fraction | None
    projected_value: Fraction | None
    projected_met: bool | None
    bands: tuple[BandStatus, ...]
    burn: tuple[BurnRate, ...]

    @property
    def breached(self) -> bool:
        """Whether the objective is missed for the period already, whatever comes next."""
        return self.remaining is not None and self.remaining < 0

    def next_band(self) -> BandStatus | None:
        """Return the mildest band not yet reached, or ``None``."""
        return next((b for b in self.bands if not b.reached), None)

    def exposure(self) -> Money | None:
        """Return the money at risk before the next band: what reaching it would add.

        The next band's amount less that of the worst band reached (a schedule pays
        one band); ``None`` without a next band or where a band's amount is unknown.
        """
        band = self.next_band()
        if band is None or band.amount is None:
            return None
        reached = [b.amount for b in self.bands if b.reached]
        if reached and reached[-1] is None:
            return None
        return band.amount if not reached or reached[-1] is None else band.amount - reached[-1]

    def describe(self) -> str:
        """Return the objective's state in one line."""
        head = f"{self.service}: {self.objective.describe()}"
        if self.value_so_far is None:
            return f"{head}: no data yet"
        value = self.objective.measure.format_value(self.value_so_far)
        if self.basis is None or self.remaining is None or self.allowance is None:
            return f"{head}: {value} so far (no budget: the value is no share of misses)"
        left = _amount_text(self.remaining, self.unit)
        allowed = _amount_text(self.allowance, self.unit)
        state = "breached" if self.breached else f"{left} of {allowed} left"
        share = "" if self.budget_left is None else f" ({float(self.budget_left):.1%} of budget)"
        return f"{head}: {value} so far; {state}{'' if self.breached else share}"


@attrs.frozen
class BurnAlert:
    """A multi-window burn-rate alert: fires when both windows burn faster than ``factor``.

    The method of Google's SRE workbook (chapter "Alerting on SLOs"): a long
    window for significance, a short one so the alert stops soon after the
    burn does.
    """

    name: str
    long: int  # microseconds
    short: int  # microseconds
    factor: Fraction
    severity: str = "page"


_MINUTE = 60 * _US
_HOUR = 60 * _MINUTE

#: The SRE workbook's four alerts for a 30-day budget: page at 14.4x over 1 h and 5 min, or
#: 6x over 6 h and 30 min; ticket at 3x over 1 day and 2 h, or 1x over 3 days and 6 h.
SRE_WORKBOOK_ALERTS: tuple[BurnAlert, ...] = (
    BurnAlert("fast burn", _HOUR, 5 * _MINUTE, Fraction(72, 5), "page"),
    BurnAlert("burn", 6 * _HOUR, 30 * _MINUTE, Fraction(6), "page"),
    BurnAlert("slow burn", 24 * _HOUR, 2 * _HOUR, Fraction(3), "ticket"),
    BurnAlert("steady burn", 72 * _HOUR, 6 * _HOUR, Fraction(1), "ticket"),
)


@attrs.frozen
class AlertStatus:
    """Whether one alert fires for one objective on one service, with the rates it read.

    ``since`` is when a firing alert began, read on a grid of its short window
    going back from ``now``: the earliest grid instant from which it fired at
    every grid instant up to ``now`` (so it began at most one short window
    before). The scan goes back one long window at most: ``earlier`` says it
    still fired there, and may have begun before. ``None`` when the alert does
    not fire, or reads a count of misses.
    """

    alert: BurnAlert
    service: str
    objective: Objective
    firing: bool
    long_rate: Fraction | None
    short_rate: Fraction | None
    since: int | None = None
    earlier: bool = False


def _not_yet_lines(not_yet: Mapping[str, int]) -> list[str]:
    """Return a line per table of rows not read because they were not known yet."""
    return [
        f"Not known yet at this instant, so not read: {n:,} {table} row{'s' * (n != 1)}"
        for table, n in not_yet.items()
        if n
    ]


def _sum(amounts: Sequence[Money | None]) -> Money | None:
    """Return the sum of the amounts given (``None`` ones left out), or ``None`` if none."""
    given = [m for m in amounts if m is not None]
    if not given:
        return None
    total = given[0]
    for amount in given[1:]:
        total = total + amount
    return total


def _since_text(alert: AlertStatus) -> str:
    if alert.since is None:
        return ""
    if alert.earlier:
        return f"; firing since before {format_us(alert.since)}"
    began = format_us(alert.since - alert.alert.short)
    return f"; began between {began} and {format_us(alert.since)}"


def burn_alerts(
    rates: Mapping[int, Fraction | None], policy: Sequence[BurnAlert] = SRE_WORKBOOK_ALERTS
) -> list[tuple[BurnAlert, bool]]:
    """Return, for each alert of ``policy``, whether it fires on burn ``rates`` (by window).

    A pure function: an alert fires when the rates over both its windows are
    strictly above its factor; a window with no data (``None``) never fires.

    Raises:
        KeyError: ``rates`` lacks a window the policy reads.
    """
    out = []
    for alert in policy:
        long, short = rates[alert.long], rates[alert.short]
        fires = (
            long is not None and short is not None and long > alert.factor and short > alert.factor
        )
        out.append((alert, fires))
    return out


@attrs.frozen(eq=False)
class Status:
    """The period in progress as of ``now``: see [`status()`][slakit.status].

    Attributes:
        period: the period that holds ``now``.
        now: the instant, in microseconds UTC.
        objectives: one entry per objective and service.
        alerts: one entry per alert, objective and service with a budget.
        accrued: the credit if the period ended with nothing more going wrong
            (every clause applied, caps and rounding included); ``None`` for a
            rolling window, which the contract does not pay on.
        rolling: whether ``period`` is a sliding window ending at ``now``
            rather than one of the contract's periods.
        not_yet: input rows not read because they were not known at ``now``, by
            table (events that begin at or after it, maintenance announced later,
            requests and samples after it, tickets opened, claims filed and
            corrections recorded later).
        report: the whole period's report with nothing more going wrong (the
            inputs as known at ``now``), from which ``accrued`` comes.
        notes: how figures were counted, where it matters.
    """

    period: Period
    now: int
    objectives: tuple[ObjectiveStatus, ...]
    alerts: tuple[AlertStatus, ...]
    accrued: Money | None
    report: Report
    notes: tuple[str, ...] = ()
    rolling: bool = False
    not_yet: Mapping[str, int] = attrs.field(factory=dict)

    @property
    def elapsed(self) -> Fraction:
        """The share of the period's wall time gone by at ``now``."""
        return Fraction(self.now - self.period.start, self.period.end - self.period.start)

    def firing(self) -> list[AlertStatus]:
        """Return the alerts that fire at ``now``."""
        return [a for a in self.alerts if a.firing]

    def exposure(self) -> Money | None:
        """Return the money at risk before each service's next band, added up."""
        return _sum([o.exposure() for o in self.objectives])

    def explain(self) -> str:
        """Return the status as text: each objective, its bands and burn, and the alerts."""
        head = (
            f"Status of {self.report.agreement.title}, {'window' if self.rolling else 'period'} "
            f"{self.period.label}, as of "
            f"{format_us(self.now)} ({float(self.elapsed):.1%} of the period gone)"
        )
        lines = [head]
        if self.accrued is not None:
            lines.append(f"Credit accrued if nothing more goes wrong: {self.accrued}")
        exposure = self.exposure()
        if exposure is not None:
            lines.append(f"Added if every service reaches its next band: {exposure}")
        for entry in self.objectives:
            lines.append("")
            lines.append(entry.describe())
            if entry.projected_value is not None:
                verdict = "met" if entry.projected_met else "missed"
                lines.append(
                    "  projected at the current burn: "
                    f"{entry.objective.measure.format_value(entry.projected_value)} ({verdict})"
                )
            for band in entry.bands:
                pays = "" if band.amount is None else f", pays {band.amount}"
                where = (
                    "reached"
                    if band.reached
                    else f"{_amount_text(band.remaining, entry.unit)} away"
                )
                lines.append(f"  band {band.band.interval()} ({band.share:%}{pays}): {where}")
            if entry.burn:
                rates = ", ".join(
                    f"{describe_us(b.window)} "
                    f"{'n/a' if b.rate is None else f'{float(b.rate):.2f}x'}"
                    for b in entry.burn
                )
                lines.append(f"  burn rate: {rates}")
        firing = self.firing()
        lines.append("")
        if firing:
            lines.extend(
                f"ALERT {a.alert.severity}: {a.alert.name} on {a.service} "
                f"({a.objective.describe()}): {float(a.long_rate or 0):.2f}x over "
                f"{describe_us(a.alert.long)}, "
                f"{float(a.short_rate or 0):.2f}x over "
                f"{describe_us(a.alert.short)}{_since_text(a)}"
                for a in firing
            )
        else:
            lines.append("No alert fires.")
        lines.extend(f"Note: {note}" for note in self.notes)
        lines.extend(_not_yet_lines(self.not_yet))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return the status as plain data (exact figures as text)."""

        def text(value: object) -> str | None:
            return None if value is None else str(value)

        return {
            "period": self.period.label,
            "now": format_us(self.now),
            "elapsed": str(self.elapsed),
            "rolling": self.rolling,
            "accrued": None
            if self.accrued is None
            else {"amount": str(self.accrued.amount), "currency": self.accrued.currency},
            "objectives": [
                {
                    "service": o.service,
                    "objective": o.objective.describe(),
                    "unit": o.unit,
                    "basis": o.basis,
                    "value_so_far": text(o.value_so_far),
                    "value_if_no_more": text(o.value_if_no_more),
                    "total": str(o.total),
                    "allowance": text(o.allowance),
                    "spent": text(o.spent),
                    "remaining": text(o.remaining),
                    "budget_left": text(o.budget_left),
                    "projected_value": text(o.projected_value),
                    "projected_met": o.projected_met,
                    "breached": o.breached,
                    "bands": [
                        {
                            "band": b.band.interval(),
                            "share": str(b.share),
                            "remaining": str(b.remaining),
                            "reached": b.reached,
                            "amount": None if b.amount is None else str(b.amount.amount),
                        }
                        for b in o.bands
                    ],
                    "burn": {str(b.window // _US): text(b.rate) for b in o.burn},
                }
                for o in self.objectives
            ],
            "alerts": [
                {
                    "alert": a.alert.name,
                    "severity": a.alert.severity,
                    "service": a.service,
                    "objective": a.objective.describe(),
                    "firing": a.firing,
                    "long_rate": text(a.long_rate),
                    "short_rate": text(a.short_rate),
                    "since": None if a.since is None else format_us(a.since),
                    "earlier": a.earlier,
                }
                for a in self.alerts
            ],
            "notes": list(self.notes),
            "not_yet": dict(self.not_yet),
        }


@attrs.frozen
class CustomerStatus:
    """One customer of a portfolio as of the status instant: its services' objectives.

    Attributes:
        customer: the customer.
        plan: its plan.
        objectives: one entry per objective and service (services by the
            customer's own names).
        accrued: the credit if nothing more goes wrong, rounded once as the
            customer's agreement says.
        firing: the alerts that fire on its services.
    """

    customer: str
    plan: str
    objectives: tuple[ObjectiveStatus, ...]
    accrued: Money
    firing: tuple[AlertStatus, ...]

    def exposure(self) -> Money | None:
        """Return what reaching each service's next band would add, added up."""
        return _sum([o.exposure() for o in self.objectives])

    def nearest(self) -> BandStatus | None:
        """Return the band not yet reached that is fewest misses away, over every service."""
        bands = [b for o in self.objectives if (b := o.next_band()) is not None]
        return min(bands, key=lambda b: b.remaining, default=None)


@attrs.frozen(eq=False)
class PortfolioStatus:
    """Every customer of a portfolio as of an instant: see ``Portfolio.status()``.

    Attributes:
        now: the instant.
        period: the label of the period read.
        customers: one entry per customer whose agreement is in force at ``now``.
        not_read: customers not read, with the reason (not in force at ``now``, or
            ``now`` outside their period in their zone).
        unrouted: input rows whose services no customer has, by kind.
    """

    now: int
    period: str
    customers: tuple[CustomerStatus, ...]
    not_read: Mapping[str, str]
    #: Input rows whose services no customer has, by kind (see ``PortfolioResult.summary()``).
    unrouted: Mapping[str, int] = attrs.field(factory=dict)
    #: Rows not read because they were not known at ``now``, by table (once per group).
    not_yet: Mapping[str, int] = attrs.field(factory=dict)

    def ranked(self) -> list[CustomerStatus]:
        """Return the customers by exposure: the most money at risk before the next band first.

        Customers with the same exposure (or none) come by how few misses separate
        them from their nearest band, then by name.
        """

        def key(entry: CustomerStatus) -> tuple[Any, ...]:
            exposure = entry.exposure()
            nearest = entry.nearest()
            return (
                -(exposure.amount if exposure is not None else Decimal(-1)),
                nearest.remaining if nearest is not None else Fraction(10**30),
                entry.customer,
            )

        return sorted(self.customers, key=key)

    def explain(self, top: int = 20) -> str:
        """Return the ``top`` customers by exposure as a table of text."""
        lines = [
            f"Status of {len(self.customers):,} customers, period {self.period}, as of "
            f"{format_us(self.now)}"
            + (f" ({len(self.not_read):,} not read)" if self.not_read else ""),
            *(
                f"{n:,} {kind} rows are for services no customer has"
                for kind, n in self.unrouted.items()
                if n
            ),
            *_not_yet_lines(self.not_yet),
            "",
            "customer | plan | accrued | at risk before next band | nearest band | alerts",
        ]
        for entry in self.ranked()[:top]:
            exposure = entry.exposure()
            nearest = entry.nearest()
            unit = entry.objectives[0].unit if entry.objectives else "seconds"
            lines.append(
                f"{entry.customer} | {entry.plan} | {entry.accrued} | "
                f"{'-' if exposure is None else exposure} | "
                f"{'-' if nearest is None else _amount_text(nearest.remaining, unit) + ' away'} | "
                f"{len(entry.firing)}"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return the customers, ranked, as plain data."""
        out = []
        for entry in self.ranked():
            exposure = entry.exposure()
            nearest = entry.nearest()
            out.append(
                {
                    "customer": entry.customer,
                    "plan": entry.plan,
                    "accrued": str(entry.accrued.amount),
                    "currency": entry.accrued.currency,
                    "exposure": None if exposure is None else str(exposure.amount),
                    "nearest_band_remaining": None if nearest is None else str(nearest.remaining),
                    "alerts_firing": [a.alert.name for a in entry.firing],
                    "objectives": [
                        {
                            "service": o.service,
                            "objective": o.objective.describe(),
                            "remaining": None if o.remaining is None else str(o.remaining),
                            "budget_left": None if o.budget_left is None else str(o.budget_left),
                            "breached": o.breached,
                        }
                        for o in entry.objectives
                    ],
                }
            )
        return {
            "now": format_us(self.now),
            "period": self.period,
            "customers": out,
            "not_read": dict(self.not_read),
            "rows_for_no_customer": dict(self.unrouted),
            "not_yet": dict(self.not_yet),
        }
