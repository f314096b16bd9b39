"""slakit: service-level agreements as code.

Define tiers, measures, exclusions and credit rules as small immutable
objects, evaluate them over event streams, and get compliance and service
credits that are exact to the microsecond and the cent, with the evidence
behind every number.

Import it as ``import slakit as sla``; everything a user needs is here.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib
import pkgutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The public names are loaded when first used (PEP 562), so that ``import slakit`` stays fast
# and a program pays only for the layers it uses. The imports below are the one list of what
# is public and where it lives: type checkers and the reference docs read them as they are,
# and ``__getattr__`` reads them (once, with ``ast``) to find a name's module.
if TYPE_CHECKING:
    # --- time: instants, durations, spans, timelines -------------------------------------------
    from slakit._time._instant import (
        Duration,
        days,
        duration,
        hours,
        microseconds,
        minutes,
        seconds,
    )
    from slakit._time._timeline import Span, Timeline

    # --- time: billing periods ----------------------------------------------------------------
    from slakit._time._periods import (
        Monthly,
        Period,
        PeriodRule,
        monthly,
        parse_period,
        quarterly,
        rolling,
        weeks,
        yearly,
    )

    # --- time: calendars (service windows) ----------------------------------------------------
    from slakit._time._calendar import (
        Calendar,
        always,
        complement,
        dates,
        difference,
        holidays,
        intersection,
        never,
        recurring,
        union,
        weekly,
    )
    from slakit._time._clock import BusinessClock, business_clock

    # --- events ------------------------------------------------------------------------------
    from slakit._events._records import Deployment, Event, Maintenance, Outage
    from slakit._events._table import EventTable

    # --- dsl: money ----------------------------------------------------------------------------
    from slakit._dsl._money import Money, Rounding, eur, gbp, jpy, money, usd
    from slakit._events._billing import Charge, ChargeTable, UnitPrice

    # --- dsl: measures, objectives, exclusions -------------------------------------------------
    from slakit._dsl._composites import Composite, mean_of, pooled, worst_of
    from slakit._dsl._exclusions import Exclusion, ScheduledMaintenance, scheduled_maintenance
    from slakit._dsl._measures import (
        BucketRule,
        ComponentRule,
        Measure,
        Uptime,
        all_of,
        any_of,
        at_least,
        uptime,
    )
    from slakit._dsl._objectives import Objective

    # --- dsl: compensation ---------------------------------------------------------------------
    from slakit._dsl._compensation import (
        Band,
        Base,
        Bound,
        Charges,
        CreditRule,
        CreditSchedule,
        Fee,
        charges,
        credit_schedule,
        fee,
    )
    from slakit._dsl._remedies import (
        DowntimeUnits,
        Linear,
        PerBreach,
        Prorated,
        UnitRefund,
        linear,
        per_breach,
        per_downtime,
        prorated,
        refund_per,
    )
    from slakit._dsl._combinators import (
        Bonus,
        Cap,
        EarnBack,
        Escalate,
        First,
        InOrder,
        Largest,
        Minimum,
        Scaled,
        Total,
        bonus,
        cap,
        earn_back,
        escalate,
        first,
        in_order,
        largest,
        minimum,
        scaled,
        total,
    )
    from slakit._dsl._claims import (
        Chronic,
        ClaimRequired,
        ClaimWindow,
        ReportOnly,
        after_ticket_closes,
        chronic,
        claim_required,
        report_only,
        within_cycles,
        within_days,
    )
    from slakit._events._claims import Claim, ClaimTable
    from slakit._engine._statement import Statement, statement

    # --- dsl: tiers and agreements -------------------------------------------------------------
    from slakit._dsl._agreement import Agreement, Tier

    # --- dsl: request measures (success ratios, request buckets, latency) ----------------------
    from slakit._events._requests import Request, RequestTable, milliseconds
    from slakit._dsl._requests import (
        BucketAvailability,
        ErrorRateUptime,
        LatencyPercentile,
        LatencyShare,
        RequestMeasure,
        RequestRatio,
        bucket_availability,
        error_rate_uptime,
        latency_percentile,
        latency_share,
        success_ratio,
    )
    from slakit._results._requests import BucketNote, RequestEvidence

    # --- agreements as products: parties, catalogue, reporting, versions; as data ----------------
    from slakit._dsl._catalog import Party, Reporting, Service, party, reporting, service
    from slakit._dsl._versions import Amendment, Change, Version, diff
    from slakit._data._codec import from_data, to_data
    from slakit._data._formats import dumps, loads, read_agreement, write_agreement
    from slakit._data._schema import agreement_schema
    from slakit._results._schedule import render_schedule

    # --- engine --------------------------------------------------------------------------------
    from slakit._engine._plan import Plan, compile_agreement, evaluate
    from slakit._engine._compare import (  # what-if and versions, built on evaluate
        Comparison,
        ComparisonRow,
        VersionedReport,
        compare,
        evaluate_versions,
    )

    # --- agreements: customers, levels, operational agreements ---------------------------------
    from slakit._dsl._levels import Level, level, levels
    from slakit._engine._rollup import PassBack, PassBackRow, pass_back, rollup
    from slakit._results._rollup import OlaMiss, Rollup, RollupRow

    # --- support and incidents: tickets, response and resolution times, incident statistics ----
    from slakit._events._tickets import Ticket, TicketTable
    from slakit._dsl._support import OnTimeRatio, TicketTime, resolution_time, response_time
    from slakit._dsl._incidents import IncidentMeasure, incident_count, longest_outage, mtbf, mttr
    from slakit._results._tickets import TicketEvidence, TicketNote

    # --- results -------------------------------------------------------------------------------
    from slakit._results._evidence import EventNote, MeasureEvidence, Reconciliation
    from slakit._results._report import Report, ServiceReport
    from slakit._results._values import Compensation, CreditLine, ObjectiveResult, Verdict

__all__ = [
    # time: instants, durations, spans, timelines
    "Duration",
    "Span",
    "Timeline",
    "days",
    "duration",
    "hours",
    "microseconds",
    "minutes",
    "seconds",
    # time: billing periods
    "Monthly",
    "Period",
    "PeriodRule",
    "monthly",
    "parse_period",
    "quarterly",
    "rolling",
    "weeks",
    "yearly",
    # time: calendars (service windows)
    "BusinessClock",
    "Calendar",
    "always",
    "business_clock",
    "complement",
    "dates",
    "difference",
    "holidays",
    "intersection",
    "never",
    "recurring",
    "union",
    "weekly",
    # events
    "Deployment",
    "Event",
    "EventTable",
    "Maintenance",
    "Outage",
    # dsl: money
    "Money",
    "Rounding",
    "eur",
    "gbp",
    "jpy",
    "money",
    "usd",
    "Charge",
    "ChargeTable",
    "UnitPrice",
    # dsl: measures, objectives, exclusions
    "BucketRule",
    "Composite",
    "mean_of",
    "pooled",
    "worst_of",
    "ComponentRule",
    "all_of",
    "any_of",
    "at_least",
    "Exclusion",
    "Measure",
    "Objective",
    "ScheduledMaintenance",
    "Uptime",
    "scheduled_maintenance",
    "uptime",
    # dsl: compensation
    "Band",
    "Bound",
    "CreditRule",
    "CreditSchedule",
    "credit_schedule",
    "Base",
    "Bonus",
    "Cap",
    "Charges",
    "Chronic",
    "Claim",
    "ClaimRequired",
    "ClaimTable",
    "ClaimWindow",
    "DowntimeUnits",
    "EarnBack",
    "Escalate",
    "Fee",
    "First",
    "InOrder",
    "Largest",
    "Linear",
    "Minimum",
    "PerBreach",
    "Prorated",
    "ReportOnly",
    "Scaled",
    "Statement",
    "Total",
    "UnitRefund",
    "bonus",
    "cap",
    "charges",
    "chronic",
    "after_ticket_closes",
    "claim_required",
    "earn_back",
    "escalate",
    "fee",
    "first",
    "in_order",
    "largest",
    "linear",
    "minimum",
    "per_breach",
    "per_downtime",
    "prorated",
    "refund_per",
    "report_only",
    "scaled",
    "statement",
    "total",
    "within_cycles",
    "within_days",
    # dsl: tiers and agreements
    "Agreement",
    "Tier",
    # dsl: request measures
    "BucketAvailability",
    "BucketNote",
    "ErrorRateUptime",
    "LatencyPercentile",
    "LatencyShare",
    "Request",
    "RequestEvidence",
    "RequestMeasure",
    "RequestRatio",
    "RequestTable",
    "bucket_availability",
    "error_rate_uptime",
    "latency_percentile",
    "latency_share",
    "milliseconds",
    "success_ratio",
    # agreements as products: parties, catalogue, reporting, versions; as data
    "Amendment",
    "Change",
    "Party",
    "Reporting",
    "Service",
    "Version",
    "agreement_schema",
    "diff",
    "dumps",
    "from_data",
    "loads",
    "party",
    "read_agreement",
    "reporting",
    "service",
    "to_data",
    "write_agreement",
    "render_schedule",
    "Comparison",
    "ComparisonRow",
    "VersionedReport",
    "compare",
    "evaluate_versions",
    # engine
    "Plan",
    "compile_agreement",
    "evaluate",
    # agreements: customers, levels, operational agreements
    "Level",
    "OlaMiss",
    "Rollup",
    "RollupRow",
    "level",
    "levels",
    "PassBack",
    "PassBackRow",
    "pass_back",
    "rollup",
    # support and incidents
    "IncidentMeasure",
    "OnTimeRatio",
    "Ticket",
    "TicketEvidence",
    "TicketNote",
    "TicketTable",
    "TicketTime",
    "incident_count",
    "longest_outage",
    "mtbf",
    "mttr",
    "resolution_time",
    "response_time",
    # results
    "Compensation",
    "CreditLine",
    "EventNote",
    "MeasureEvidence",
    "ObjectiveResult",
    "Reconciliation",
    "Report",
    "ServiceReport",
    "Verdict",
]


@functools.cache
def _exports() -> dict[str, str]:
    """Map each public name to its module, from the ``TYPE_CHECKING`` imports of this file.

    Without the source (a sourceless install), every submodule is imported and searched.
    """
    try:
        tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    except OSError:
        found = {}
        for info in pkgutil.walk_packages(__path__, f"{__name__}."):
            module = importlib.import_module(info.name)
            for public in __all__:
                if public not in found and public in vars(module):
                    found[public] = info.name
        return found
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("slakit."):
            for alias in node.names:
                found[alias.asname or alias.name] = node.module
    return found


def _publish() -> None:
    """Bind every public name whose module is imported, and say it lives in ``slakit``.

    Doing it for all loaded modules at once keeps reprs and pickles independent of the
    order in which names were first used.
    """
    namespace = globals()
    for public, module in _exports().items():
        loaded = sys.modules.get(module)
        if public in namespace or public not in __all__ or loaded is None:
            continue
        value = getattr(loaded, public)
        if getattr(value, "__module__", "").startswith("slakit._"):
            with contextlib.suppress(AttributeError, TypeError):
                value.__module__ = __name__
        namespace[public] = value


def __getattr__(name: str) -> Any:
    """Load a public name on first use, and keep it in the module's namespace."""
    module = _exports().get(name) if name in __all__ else None
    if module is None:
        raise AttributeError(f"module 'slakit' has no attribute {name!r}")
    importlib.import_module(module)
    _publish()
    return globals()[name]


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
