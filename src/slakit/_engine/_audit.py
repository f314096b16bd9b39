"""A clause audit: what each clause of an agreement did to the credits over a history.

Attribution takes one clause out of the full agreement at a time: a clause's
effect is the exact credits without it less the exact credits with it, period
by period. Rounding is a clause too: its effect is the exact total less the
rounded one. Clauses interact (a maintenance exclusion and its notice
condition, a cap and the exclusions under it), so taking every clause out at
once differs from the sum of the single effects; that difference is the
interaction remainder, and the figures add up exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np

from slakit._dsl._agreement import Agreement
from slakit._dsl._claims import ClaimRequired
from slakit._dsl._combinators import Cap, Minimum
from slakit._dsl._compensation import CreditRule, CreditSchedule
from slakit._dsl._exclusions import ScheduledMaintenance
from slakit._dsl._measures import Measure
from slakit._dsl._requests import RequestRatio
from slakit._dsl._uptime import Uptime
from slakit._engine._compare import VersionedReport, _evaluate, periods_between
from slakit._engine._inputs import as_inputs
from slakit._events._table import OUTAGE, EventTable
from slakit._results._audit import Clause, ClauseAudit, ClauseEffect, Flag
from slakit._results._report import Report
from slakit._time._instant import Duration, describe_us

__all__ = ["audit", "clauses_of"]

_US = 1_000_000

METHOD = (
    "each clause is taken out of the full agreement on its own, and the exact credits of "
    "every period are compared with the full agreement's; rounding's effect is the exact "
    "total less the rounded one; the interaction is what taking every clause out at once "
    "adds beyond the sum of the single effects, so that paid + effects + interaction = "
    "the credits without any clause"
)


# --- rewriting an agreement -----------------------------------------------------------------------


def _rewrite(value: Any, change: Callable[[Any], Any]) -> Any:
    """Return ``value`` with ``change`` applied to every DSL node inside it, deepest first.

    ``change`` returns a replacement, or the node itself to keep it.
    """
    if isinstance(value, tuple):
        items = tuple(_rewrite(v, change) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if not attrs.has(type(value)):
        return value
    updates = {}
    for field in attrs.fields(type(value)):
        if not field.init:
            continue
        old = getattr(value, field.name)
        new = _rewrite(old, change)
        if new is not old:
            updates[field.alias or field.name] = new
    node = attrs.evolve(value, **updates) if updates else value
    return change(node)


def _replace(agreement: Agreement, old: Any, new: Any) -> Agreement:
    """Return ``agreement`` with every node equal to ``old`` replaced by ``new``."""
    result: Agreement = _rewrite(agreement, lambda node: new if node == old else node)
    return result


# --- the clauses ----------------------------------------------------------------------------------


@attrs.frozen
class _Removal:
    clause: Clause
    apply: Callable[[Agreement], Agreement]
    measure: Measure | None = None  # the measure it changes, for its effect in units
    changed: Measure | None = None  # that measure without the clause


def _measures(agreement: Agreement) -> list[Measure]:
    found: dict[Measure, None] = {}
    tiers = [agreement.tier, *(a.tier for a in agreement.amendments if a.tier is not None)]
    for tier in tiers:
        found.update(dict.fromkeys(tier.measures()))
    return list(found)


def _rules(rule: CreditRule | None) -> Iterator[CreditRule]:
    if rule is None:
        return
    yield rule
    for child in rule.children():
        yield from _rules(child)


def _measure_removals(measure: Measure) -> Iterator[tuple[str, str, str, Measure]]:
    """Yield ``(key, kind, description, measure without it)`` for each clause of ``measure``."""
    label = measure.label
    if isinstance(measure, Uptime):
        for k, exclusion in enumerate(measure.excluding):
            rest = measure.excluding[:k] + measure.excluding[k + 1 :]
            yield (
                f"{label}: excluding[{k}]",
                "exclusion",
                repr(exclusion),
                attrs.evolve(measure, excluding=rest),
            )
            if isinstance(exclusion, ScheduledMaintenance):
                for field, words in (("notice", "notice"), ("at_most", "allowance")):
                    if getattr(exclusion, field) is None:
                        continue
                    lifted: ScheduledMaintenance = (
                        attrs.evolve(exclusion, notice=None)
                        if field == "notice"
                        else attrs.evolve(exclusion, at_most=None)
                    )
                    yield (
                        f"{label}: excluding[{k}].{field}",
                        "exclusion condition",
                        f"the maintenance {words} condition ({getattr(exclusion, field)!r})",
                        attrs.evolve(measure, excluding=(*rest[:k], lifted, *rest[k:])),
                    )
        if measure.min_outage.us:
            yield (
                f"{label}: min_outage",
                "minimum duration",
                f"outages shorter than {describe_us(measure.min_outage.us)} do not count",
                attrs.evolve(measure, min_outage=Duration(0), min_outage_of=None),
            )
        if measure.granularity is not None:
            yield (
                f"{label}: granularity",
                "bucket rule",
                f"down time counted in buckets of {describe_us(measure.granularity.us)}",
                attrs.evolve(measure, granularity=None, min_outage_of=None)
                if not measure.min_outage.us
                else attrs.evolve(measure, granularity=None),
            )
        if measure.during is not None:
            yield (
                f"{label}: during",
                "service window",
                f"only service hours count ({measure.during!r})",
                attrs.evolve(measure, during=None),
            )
    elif isinstance(measure, RequestRatio) and measure.min_requests > 1:
        yield (
            f"{label}: min_requests",
            "minimum volume",
            f"fewer than {measure.min_requests} requests is no data",
            attrs.evolve(measure, min_requests=1),
        )


def clauses_of(agreement: Agreement) -> list[Clause]:
    """Return the clauses of ``agreement`` that an audit takes out one at a time."""
    return [removal.clause for removal in _removals(agreement)] + [_ROUNDING]


_ROUNDING = Clause("rounding", "rounding", "final amounts are rounded once")


#: Rules that wrap one rule and limit or condition what it pays: a clause each.
_WRAPPERS: dict[type, str] = {Cap: "cap", Minimum: "floor", ClaimRequired: "claim clause"}


def _replacing(old: object, new: object) -> Callable[[Agreement], Agreement]:
    def apply(agreement: Agreement) -> Agreement:
        return _replace(agreement, old, new)

    return apply


def _strict_no_data(agreement: Agreement) -> Agreement:
    return attrs.evolve(agreement, tier=attrs.evolve(agreement.tier, no_data="no data"))


def _removals(agreement: Agreement) -> list[_Removal]:
    out: list[_Removal] = []
    for measure in _measures(agreement):
        for key, kind, words, changed in _measure_removals(measure):
            out.append(
                _Removal(
                    Clause(key, kind, words),
                    _replacing(measure, changed),
                    measure=measure,
                    changed=changed,
                )
            )
    wrappers = [r for r in _rules(agreement.tier.compensation) if type(r) in _WRAPPERS]
    for rule in dict.fromkeys(wrappers):  # each distinct clause once, in the rule's order
        kind = _WRAPPERS[type(rule)]
        same = [r for r in dict.fromkeys(wrappers) if _WRAPPERS[type(r)] == kind]
        key = kind if len(same) == 1 else f"{kind} {same.index(rule) + 1}"
        inner = rule.rule  # type: ignore[attr-defined]
        out.append(
            _Removal(
                Clause(key, kind, repr(rule).replace(repr(inner), "...")),
                _replacing(rule, inner),
            )
        )
    if agreement.tier.no_data != "no data":
        out.append(
            _Removal(
                Clause(
                    "no_data",
                    "no-data handling",
                    f"a measure without data counts as {agreement.tier.no_data!r}",
                ),
                _strict_no_data,
            )
        )
    return out


# --- the audit ------------------------------------------------------------------------------------


def _exact(report: Report | VersionedReport) -> Fraction:
    return report.exact_total


def _verdicts(report: Report | VersionedReport) -> tuple[Any, ...]:
    reports = [r for _, r in report.parts] if isinstance(report, VersionedReport) else [report]
    return tuple(
        (o.service, o.objective.describe(), o.verdict) for r in reports for o in r.objectives
    )


def _misses(report: Report | VersionedReport, measure: Measure) -> Fraction | None:
    """Return the misses ``measure`` counted over every service, in its units (seconds for time)."""
    if not isinstance(report, Report):
        return None
    for outcome in report.outcomes:
        if outcome.measure == measure:
            bad = sum(int(t) - int(g) for g, t in zip(outcome.good, outcome.total, strict=True))
            unit = outcome.scale * (_US if outcome.time is not None else 1)
            return Fraction(bad, unit)
    return None


def _counted(report: Report | VersionedReport, measure: Measure) -> int:
    if not isinstance(report, Report):
        return 0
    for label, counts in report.reconciliation.by_measure.items():
        if label == repr(measure):
            return int(counts.get("counted", 0))
    return 0


def audit(agreement: Agreement, *inputs: object, start: str, end: str) -> ClauseAudit:
    """Return what each clause of ``agreement`` did to its credits from ``start`` to ``end``.

    For each clause (each exclusion and its notice and allowance conditions,
    minimum outage durations, bucket rules, service windows, minimum request
    volumes, caps, floors, claim clauses, no-data handling and rounding), the
    credits it removed (or added) over the history, in money and in the
    measure's own units, the periods where it decided the outcome, and the
    input rows it acted on; the interaction remainder; and the terms that
    favour one side structurally (a schedule gap at a bound, a cap below the
    worst band, maintenance excluded without an allowance, a minimum duration
    above the history's typical outage, a claim window that closes before the
    provider's report is due). See the module's description for the method.

    Raises:
        EvaluationError: as [`evaluate()`][slakit.evaluate] does.
    """
    labels = periods_between(agreement, start, end)
    known = as_inputs(inputs)
    tables = list(known.tables.values())
    full = [_evaluate(agreement, tables, label) for label in labels]
    paid = tuple(Fraction(r.total.amount) for r in full)
    exact = [_exact(r) for r in full]
    effects = []
    for removal in _removals(agreement):
        variant = removal.apply(agreement)
        reports = [_evaluate(variant, tables, label) for label in labels]
        by_period = tuple(
            (label, _exact(r) - e) for label, r, e in zip(labels, reports, exact, strict=True)
        )
        decided = tuple(
            label
            for label, r, f in zip(labels, reports, full, strict=True)
            if _exact(r) != _exact(f) or _verdicts(r) != _verdicts(f)
        )
        units = events = None
        if removal.measure is not None and removal.changed is not None:
            pairs = list(zip(reports, full, strict=True))
            changes = [(_misses(r, removal.changed), _misses(f, removal.measure)) for r, f in pairs]
            if all(a is not None and b is not None for a, b in changes):
                units = sum(
                    (a - b for a, b in changes if a is not None and b is not None), Fraction(0)
                )
            events = sum(
                abs(_counted(r, removal.changed) - _counted(f, removal.measure)) for r, f in pairs
            )
        effects.append(
            ClauseEffect(
                clause=removal.clause,
                removed=sum((d for _, d in by_period), Fraction(0)),
                by_period=by_period,
                decided=decided,
                units=units,
                events=events or 0,
            )
        )
    rounding = tuple((label, e - p) for label, e, p in zip(labels, exact, paid, strict=True))
    effects.append(
        ClauseEffect(
            clause=_ROUNDING,
            removed=sum((d for _, d in rounding), Fraction(0)),
            by_period=rounding,
            decided=tuple(label for label, d in rounding if d),
            units=None,
            events=0,
        )
    )
    everything = _without_all(agreement)
    without_all = tuple(_exact(_evaluate(everything, tables, label)) for label in labels)
    total = sum(without_all, Fraction(0)) - sum(paid, Fraction(0))
    interaction = total - sum((e.removed for e in effects), Fraction(0))
    return ClauseAudit(
        title=agreement.title,
        currency=agreement.tier.currency_code,
        periods=tuple(labels),
        paid=paid,
        without_all=without_all,
        effects=tuple(effects),
        interaction=interaction,
        flags=tuple(_flags(agreement, tables)),
        method=METHOD,
    )


def _bare(measure: Measure) -> Measure:
    """Return ``measure`` with every clause the audit takes out taken out at once."""
    if isinstance(measure, Uptime):
        return attrs.evolve(
            measure,
            excluding=(),
            min_outage=Duration(0),
            min_outage_of=None,
            granularity=None,
            during=None,
        )
    if isinstance(measure, RequestRatio):
        return attrs.evolve(measure, min_requests=1)
    return measure


def _without_all(agreement: Agreement) -> Agreement:
    """Return ``agreement`` with every clause of ``clauses_of()`` taken out at once."""
    bare = {measure: _bare(measure) for measure in _measures(agreement)}

    def strip(node: Any) -> Any:
        if isinstance(node, Measure) and node in bare:
            return bare[node]
        if type(node) in _WRAPPERS:
            return node.rule
        return node

    stripped: Agreement = _rewrite(agreement, strip)
    return _strict_no_data(stripped) if stripped.tier.no_data != "no data" else stripped


# --- structural flags -----------------------------------------------------------------------------


def _flags(agreement: Agreement, tables: Sequence[object]) -> Iterator[Flag]:
    compensation = agreement.tier.compensation
    schedules = [r for r in _rules(compensation) if isinstance(r, CreditSchedule)]
    for schedule in schedules:
        bounds = {b.value for band in schedule.bands for b in (band.lower, band.upper) if b}
        for bound in sorted(bounds):
            if schedule.is_gap(Fraction(bound)):
                yield Flag(
                    "schedule gap",
                    f"a value of exactly {schedule.measure.format_value(bound)} falls in no band "
                    f"of {schedule.measure.label}'s credit table, and earns nothing",
                )
    for rule in _rules(compensation):
        if not isinstance(rule, Cap) or not isinstance(rule.at_most, Decimal):
            continue
        under = [s for s in _rules(rule.rule) if isinstance(s, CreditSchedule)]
        top = max((b.credit for s in under for b in s.bands), default=None)
        if top is not None and rule.at_most < top:
            yield Flag(
                "cap below the last band",
                f"the cap pays at most {rule.at_most:%} of the fee, less than the "
                f"{top:%} of the credit table's worst band",
            )
    reporting = agreement.reporting
    for rule in _rules(compensation):
        window = getattr(rule, "window", None) if isinstance(rule, ClaimRequired) else None
        if (
            reporting is not None
            and window is not None
            and window.after == "period end"
            and window.length is not None
            and window.length.us < reporting.due.us
        ):
            yield Flag(
                "claim window shorter than the reporting delay",
                f"claims must be filed within {window.length.words()} of the period's end, "
                f"but the provider's report is due only {reporting.due.words()} after it: "
                "the customer must claim before seeing the figures",
            )
    events = next((t for t in tables if isinstance(t, EventTable)), None)
    for measure in _measures(agreement):
        if not isinstance(measure, Uptime):
            continue
        for exclusion in measure.excluding:
            if isinstance(exclusion, ScheduledMaintenance) and exclusion.at_most is None:
                yield Flag(
                    "maintenance without an allowance",
                    f"{measure.label}: announced maintenance is excluded however long it lasts "
                    "(no at_most=)",
                )
        if measure.min_outage.us and events is not None:
            lengths = (events.end - events.start)[events.kind == OUTAGE]
            if lengths.size:
                middle = np.median(lengths)  # exact: microseconds below 2**53
                shorter = int(np.count_nonzero(lengths < measure.min_outage.us))
                if middle < measure.min_outage.us:
                    yield Flag(
                        "minimum duration above typical outages",
                        f"{measure.label}: outages shorter than "
                        f"{describe_us(measure.min_outage.us)} do not count, and "
                        f"{shorter} of the {lengths.size} outages in the history are shorter "
                        f"(median {describe_us(int(middle))})",
                    )
