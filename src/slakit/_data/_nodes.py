"""The tags of the DSL's node classes in plain data, and the few nodes with a form of their own.

Add one line here for a new node class whose snake-case class name is not
the tag you want, or whose ``Decimal`` fields are percentages. A class
without a line here is still written and read, under its snake-case name.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from slakit._data._codec import (
    INVALID,
    Context,
    child,
    construct,
    decode,
    decode_node,
    encode,
    measure_text,
    measure_value,
    number_problem,
    percent_text,
)
from slakit._data._registry import NodeCodec, Shape, add_root, node_type, register, subtypes
from slakit._dsl import _claims, _combinators, _remedies, _requests, _tickets
from slakit._dsl._agreement import Agreement
from slakit._dsl._compensation import (
    Band,
    Base,
    Bound,
    CreditRule,
    CreditSchedule,
    Fee,
    check_base,
    credit_schedule,
    split_interval,
)
from slakit._dsl._exclusions import Exclusion
from slakit._dsl._measures import Measure
from slakit._dsl._objectives import Objective
from slakit._dsl._uptime import BucketRule
from slakit._dsl._versions import Amendment
from slakit._money import Money, Rounding
from slakit._time import _calendar, _periods
from slakit.exceptions import SlakitError

__all__: list[str] = []

for _root in (Measure, CreditRule, Exclusion, _calendar.Calendar, _periods.PeriodRule, Base):
    add_root(_root)

# --- agreements, money -------------------------------------------------------------------
register(Agreement, instant=("effective",))
register(Amendment, instant=("effective",))
register(Money)
register(Rounding)
register(Objective, measure=("target",))

# --- measures and exclusions ---------------------------------------------------------------
register(_requests.LatencyShare)
register(
    _requests.LatencyPercentile,
    "latency_percentile",
    percent=("q",),
    # the converter reads a bare number as a percentile (99 -> 99%), so hand it the text
    build=lambda **kw: _requests.LatencyPercentile(**{**kw, "q": percent_text(kw["q"])}),
)
register(_tickets.OnTimeRatio)

# --- credit rules: the factories validate as the DSL does ---------------------------------
register(_remedies.PerBreach, build=_remedies.per_breach)
register(_remedies.Linear, percent=("share", "per", "at_most"), build=_remedies.linear)
register(_remedies.Prorated, build=_remedies.prorated)
register(_remedies.DowntimeUnits, build=_remedies.per_downtime)
register(_remedies.PerIncident, build=_remedies.per_incident)
register(_remedies.UnitRefund, build=_remedies.refund_per)
register(_combinators.Total, build=lambda rules: _combinators.total(*rules))
register(_combinators.Largest, build=lambda rules: _combinators.largest(*rules))
register(_combinators.First, build=lambda rules: _combinators.first(*rules))
register(_combinators.InOrder, build=lambda rules: _combinators.in_order(*rules))
register(_combinators.Cap, percent=("at_most",), build=_combinators.cap)
register(_combinators.Minimum, build=_combinators.minimum)
register(_combinators.Bonus, build=_combinators.bonus)
register(_combinators.Scaled, percent=("by",), build=_combinators.scaled)
register(_combinators.Escalate, build=_combinators.escalate)
register(_combinators.EarnBack, build=_combinators.earn_back)
register(_combinators.OnlyIfBreached, build=_combinators.only_if_breached)
register(_claims.ClaimWindow)
register(_claims.ClaimRequired, build=_claims.claim_required)
register(_claims.ReportOnly, build=_claims.report_only)
register(_claims.Chronic, build=_claims.chronic)

# --- calendars and periods: tagged with the factory names ---------------------------------
register(_calendar.Union)
register(_calendar.Intersection)
register(_calendar.Difference)
register(_calendar.Complement)


# --- a bucket rule is its text: "any", "all", "> 6 minutes" ------------------------------


def _bucket_decode(data: object, path: str, ctx: Context) -> Any:
    if isinstance(data, Mapping):
        return ctx.add(path, "must be 'any', 'all' or a threshold such as '> 6 minutes'")
    try:
        return BucketRule.parse(data)
    except SlakitError as exc:
        return ctx.add(path, str(exc).removeprefix(f"bucket_down={data!r} "))


register(
    BucketRule,
    "bucket_rule",
    codec=NodeCodec(
        encode=lambda rule: rule.text(),
        decode=_bucket_decode,
        schema=lambda ref: {
            "type": "string",
            "pattern": r"^\s*(any|all|(>=|>)\s*\d+\s*[a-z]+)\s*$",
            "description": "when a bucket is down: 'any', 'all', '> 6 minutes', '>= 30 seconds'",
        },
    ),
)


# --- a credit schedule is a table of bands, each an interval in the measure's units -------

_MEASURE = Shape("node", cls=Measure)
_BASE = Shape("node", cls=Base)


def _schedule_encode(rule: CreditSchedule) -> dict[str, Any]:
    def fmt(value: Decimal) -> str:
        return measure_text(value, rule.measure)

    out: dict[str, Any] = {
        "measure": encode(rule.measure, _MEASURE),
        "bands": [{"when": b.interval(fmt), "credit": percent_text(b.credit)} for b in rule.bands],
    }
    if not isinstance(rule.base, Fee):
        out["base"] = encode(rule.base, _BASE)
    return out


def _bound(text: str, measure: Measure, path: str, ctx: Context, *, inclusive: bool) -> Any:
    value = measure_value(text, measure, path, ctx)
    return INVALID if value is INVALID else Bound(value, inclusive)


def _band(data: object, measure: Measure, path: str, ctx: Context) -> Any:
    if not isinstance(data, Mapping) or set(data) != {"when", "credit"}:
        return ctx.add(path, "must be a mapping with 'when' (such as '[99%, 99.9%)') and 'credit'")
    credit = decode(data["credit"], Shape("decimal", hint="percent"), child(path, "credit"), ctx)
    when = data["when"]
    where = child(path, "when")
    try:
        parts = split_interval(when)
    except SlakitError as exc:
        return ctx.add(where, str(exc))
    if parts is None:
        ctx.add(where, f"must be an interval such as '[99%, 99.9%)' or '(-inf, 95%)', got {when!r}")
        return INVALID
    opening, lo_text, hi_text, closing = parts
    lower = upper = None
    if lo_text not in ("-inf", "-∞"):
        lower = _bound(lo_text, measure, where, ctx, inclusive=opening == "[")
    elif opening == "[":
        ctx.add(where, "an infinite bound is always open; write '(-inf'")
        lower = INVALID
    if hi_text not in ("+inf", "inf", "∞", "+∞"):
        upper = _bound(hi_text, measure, where, ctx, inclusive=closing == "]")
    elif closing == "]":
        ctx.add(where, "an infinite bound is always open; write '+inf)'")
        upper = INVALID
    if INVALID in (credit, lower, upper):
        return INVALID
    try:
        return Band(lower, upper, credit)
    except SlakitError as exc:
        return ctx.add(where, str(exc))


def _schedule_decode(body: object, path: str, ctx: Context) -> Any:
    node = node_type(CreditSchedule)
    assert node is not None
    if not isinstance(body, Mapping):
        return ctx.add(path, "must be a mapping with 'measure' and 'bands'")
    bad = False
    for key in body:
        if key not in ("measure", "bands", "base"):
            ctx.add(
                child(path, str(key)),
                "is not a field of credit_schedule; expected measure, bands, base",
            )
            bad = True
    if "measure" not in body:
        ctx.add(child(path, "measure"), "is required")
        return INVALID
    measure = decode_node(body["measure"], subtypes(Measure), child(path, "measure"), ctx)
    base: Any = Fee()
    if "base" in body:
        base = decode_node(body["base"], subtypes(Base), child(path, "base"), ctx)
    rows = body.get("bands")
    where = child(path, "bands")
    if measure is INVALID:
        return INVALID
    if isinstance(rows, Mapping) and rows:  # the DSL's own table: {"< 99.9%": "10%"}
        if bad or base is INVALID:
            return INVALID
        texts = [text for row in rows.items() for text in row if isinstance(text, str)]
        why = next(filter(None, map(number_problem, texts)), None)  # bounded, as in intervals
        if why is not None:
            return ctx.add(where, why)
        try:
            return credit_schedule(measure, dict(rows), base=check_base(base))
        except SlakitError as exc:
            return ctx.add(where, str(exc))
    if not isinstance(rows, list) or not rows:
        return ctx.add(
            where, "must be a non-empty list of bands such as {when: '[99%, 99.9%)', credit: '10%'}"
        )
    bands = [_band(row, measure, child(where, i), ctx) for i, row in enumerate(rows)]
    if bad or base is INVALID or INVALID in bands:
        return INVALID
    from slakit._dsl._compensation import _check_bands

    try:
        _check_bands(list(bands))
    except SlakitError as exc:
        return ctx.add(where, str(exc))
    return construct(
        node,
        {"measure": measure, "bands": tuple(bands), "base": base},
        path,
        ctx,
        build=lambda measure, bands, base: CreditSchedule(measure, bands, base=base),
    )


def _schedule_schema(ref: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["measure", "bands"],
        "additionalProperties": False,
        "properties": {
            "type": {"const": "credit_schedule"},
            "measure": ref(_MEASURE),
            "base": ref(_BASE),
            "bands": {
                "oneOf": [
                    {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["when", "credit"],
                            "additionalProperties": False,
                            "properties": {
                                "when": {
                                    "type": "string",
                                    "description": "an interval: '[99%, 99.9%)', '(-inf, 95%)'",
                                },
                                "credit": ref(Shape("decimal", hint="percent")),
                            },
                        },
                    },
                    {
                        "type": "object",
                        "minProperties": 1,
                        "description": "thresholds to credits: {'< 99.9%': '10%'}",
                        "additionalProperties": ref(Shape("decimal", hint="percent")),
                    },
                ]
            },
        },
    }


register(
    CreditSchedule,
    "credit_schedule",
    codec=NodeCodec(encode=_schedule_encode, decode=_schedule_decode, schema=_schedule_schema),
)
