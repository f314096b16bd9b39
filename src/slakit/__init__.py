"""slakit: service-level agreements as code.

Define tiers, measures, exclusions and credit rules as small immutable
objects, evaluate them over event streams, and get compliance and service
credits that are exact to the microsecond and the cent, with the evidence
behind every number.

Import it as ``import slakit as sla``; everything a user needs is here.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from typing import TYPE_CHECKING, Any

# The public names are loaded when first used (PEP 562), so that ``import slakit`` stays fast
# and a program pays only for the layers it uses. Each public name is written twice, in the
# same groups: imported below for type checkers and the reference docs (``name as name``, the
# explicit re-export), and mapped to its module in ``_EXPORTS``, the table ``__getattr__``
# loads from and ``__all__`` is made of. The table is plain data, so the lookup needs neither
# this file's source nor a walk over the package (which would import ``slakit.__main__`` and
# start the CLI); tests/test_namespace.py fails when the two lists disagree. To add a public
# name, add it to both.
if TYPE_CHECKING:
    # --- time: instants, durations, spans, timelines ----------------------------------------------
    from slakit._time._instant import (
        Duration as Duration,
        days as days,
        duration as duration,
        format_us as format_us,
        from_us as from_us,
        hours as hours,
        microseconds as microseconds,
        milliseconds as milliseconds,
        minutes as minutes,
        seconds as seconds,
        to_us as to_us,
        weeks as weeks,
    )
    from slakit._time._timeline import Span as Span, Timeline as Timeline

    # --- time: billing periods --------------------------------------------------------------------
    from slakit._time._periods import (
        Monthly as Monthly,
        Period as Period,
        PeriodRule as PeriodRule,
        monthly as monthly,
        parse_period as parse_period,
        quarterly as quarterly,
        rolling as rolling,
        weekly_periods as weekly_periods,
        yearly as yearly,
    )

    # --- time: calendars (service windows) and business clocks ------------------------------------
    from slakit._time._calendar import (
        Calendar as Calendar,
        always as always,
        complement as complement,
        dates as dates,
        difference as difference,
        holidays as holidays,
        intersection as intersection,
        never as never,
        recurring as recurring,
        union as union,
        weekly as weekly,
    )
    from slakit._time._clock import (
        BusinessClock as BusinessClock,
        BusinessDays as BusinessDays,
        business_clock as business_clock,
        business_days as business_days,
    )

    # --- events: outages, maintenance, deployments ------------------------------------------------
    from slakit._events._records import (
        Deployment as Deployment,
        Event as Event,
        Maintenance as Maintenance,
        Outage as Outage,
    )
    from slakit._events._table import EventTable as EventTable

    # --- events: requests -------------------------------------------------------------------------
    from slakit._events._requests import Request as Request, RequestTable as RequestTable

    # --- events: probe samples --------------------------------------------------------------------
    from slakit._events._probes import Probe as Probe, ProbeTable as ProbeTable

    # --- events: support tickets ------------------------------------------------------------------
    from slakit._events._tickets import Ticket as Ticket, TicketTable as TicketTable

    # --- events: claims and billing data ----------------------------------------------------------
    from slakit._events._claims import Claim as Claim, ClaimTable as ClaimTable
    from slakit._events._customers import CustomerTable as CustomerTable
    from slakit._events._billing import (
        Charge as Charge,
        ChargeTable as ChargeTable,
        UnitPrice as UnitPrice,
    )
    from slakit._events._corrections import (
        Correction as Correction,
        CorrectionTable as CorrectionTable,
    )

    # --- money (serves every layer) ---------------------------------------------------------------
    from slakit._money import (
        Money as Money,
        Rounding as Rounding,
        eur as eur,
        gbp as gbp,
        jpy as jpy,
        money as money,
        usd as usd,
    )

    # --- dsl: measures, objectives, exclusions ----------------------------------------------------
    from slakit._dsl._measures import Measure as Measure
    from slakit._dsl._uptime import (
        BucketRule as BucketRule,
        ComponentRule as ComponentRule,
        Uptime as Uptime,
        all_of as all_of,
        any_of as any_of,
        at_least as at_least,
        uptime as uptime,
    )
    from slakit._dsl._composites import (
        Composite as Composite,
        mean_of as mean_of,
        pooled as pooled,
        worst_of as worst_of,
    )
    from slakit._dsl._exclusions import (
        Exclusion as Exclusion,
        Corrections as Corrections,
        ScheduledMaintenance as ScheduledMaintenance,
        corrections as corrections,
        scheduled_maintenance as scheduled_maintenance,
    )
    from slakit._dsl._objectives import Objective as Objective

    # --- dsl: request measures --------------------------------------------------------------------
    from slakit._dsl._requests import (
        BucketAvailability as BucketAvailability,
        ErrorRateUptime as ErrorRateUptime,
        LatencyPercentile as LatencyPercentile,
        LatencyShare as LatencyShare,
        RequestMeasure as RequestMeasure,
        RequestRatio as RequestRatio,
        bucket_availability as bucket_availability,
        error_rate_uptime as error_rate_uptime,
        latency_percentile as latency_percentile,
        latency_share as latency_share,
        success_ratio as success_ratio,
    )

    # --- dsl: probe measures ----------------------------------------------------------------------
    from slakit._dsl._probes import (
        ProbeMax as ProbeMax,
        ProbeMean as ProbeMean,
        ProbeMeasure as ProbeMeasure,
        ProbePercentile as ProbePercentile,
        probe_max as probe_max,
        probe_mean as probe_mean,
        probe_percentile as probe_percentile,
    )

    # --- dsl: ticket and incident measures --------------------------------------------------------
    from slakit._dsl._tickets import (
        OnTimeRatio as OnTimeRatio,
        TicketTime as TicketTime,
        resolution_time as resolution_time,
        response_time as response_time,
    )
    from slakit._dsl._incidents import (
        IncidentMeasure as IncidentMeasure,
        incident_count as incident_count,
        late_repairs as late_repairs,
        longest_outage as longest_outage,
        mtbf as mtbf,
        mttr as mttr,
        on_time_repairs as on_time_repairs,
    )

    # --- dsl: compensation ------------------------------------------------------------------------
    from slakit._dsl._compensation import (
        Band as Band,
        Base as Base,
        Bound as Bound,
        Charges as Charges,
        CreditRule as CreditRule,
        CreditSchedule as CreditSchedule,
        Fee as Fee,
        charges as charges,
        credit_schedule as credit_schedule,
        fee as fee,
    )
    from slakit._dsl._remedies import (
        DowntimeUnits as DowntimeUnits,
        Linear as Linear,
        PerBreach as PerBreach,
        PerIncident as PerIncident,
        Prorated as Prorated,
        UnitRefund as UnitRefund,
        linear as linear,
        per_breach as per_breach,
        per_downtime as per_downtime,
        per_incident as per_incident,
        prorated as prorated,
        refund_per as refund_per,
    )
    from slakit._dsl._combinators import (
        Bonus as Bonus,
        Cap as Cap,
        CyclesOfFees as CyclesOfFees,
        EarnBack as EarnBack,
        Escalate as Escalate,
        First as First,
        InOrder as InOrder,
        Largest as Largest,
        Minimum as Minimum,
        OnlyIfBreached as OnlyIfBreached,
        Scaled as Scaled,
        Total as Total,
        bonus as bonus,
        cap as cap,
        cycles_of_fees as cycles_of_fees,
        earn_back as earn_back,
        escalate as escalate,
        first as first,
        in_order as in_order,
        largest as largest,
        minimum as minimum,
        only_if_breached as only_if_breached,
        scaled as scaled,
        total as total,
    )
    from slakit._dsl._claims import (
        Chronic as Chronic,
        ClaimRequired as ClaimRequired,
        ClaimWindow as ClaimWindow,
        ReportOnly as ReportOnly,
        after_ticket_closes as after_ticket_closes,
        chronic as chronic,
        claim_required as claim_required,
        report_only as report_only,
        incident_claims as incident_claims,
        on_request as on_request,
        within_cycles as within_cycles,
        within_days as within_days,
    )

    # --- dsl: tiers, agreements, parties, catalogue, amendments, levels ---------------------------
    from slakit._dsl._agreement import Agreement as Agreement, Tier as Tier
    from slakit._dsl._catalog import (
        Party as Party,
        Reporting as Reporting,
        Service as Service,
        party as party,
        reporting as reporting,
        service as service,
    )
    from slakit._dsl._versions import Amendment as Amendment, Version as Version
    from slakit._dsl._levels import Level as Level, level as level, levels as levels

    # --- engine: evaluation, statements, comparisons, roll-ups ------------------------------------
    from slakit._engine._plan import (
        Plan as Plan,
        compile_agreement as compile_agreement,
        evaluate as evaluate,
    )
    from slakit._engine._statement import Statement as Statement, statement as statement
    from slakit._engine._compare import (
        Comparison as Comparison,
        ComparisonRow as ComparisonRow,
        VersionedReport as VersionedReport,
        compare as compare,
        evaluate_versions as evaluate_versions,
    )
    from slakit._engine._audit import audit as audit
    from slakit._engine._pricing import (
        OutageModel as OutageModel,
        price as price,
        price_tiers as price_tiers,
    )
    from slakit._engine._dispute import dispute as dispute
    from slakit._engine._incremental import EvaluationState as EvaluationState
    from slakit._engine._incremental import start as start
    from slakit._engine._live import status as status
    from slakit._engine._portfolio import Portfolio as Portfolio
    from slakit._engine._review import review as review
    from slakit._engine._rollup import (
        PassBack as PassBack,
        PassBackRow as PassBackRow,
        pass_back as pass_back,
        rollup as rollup,
    )

    # --- results: reports, values, evidence, schedules --------------------------------------------
    from slakit._results._report import Report as Report, ServiceReport as ServiceReport
    from slakit._results._portfolio import PortfolioResult as PortfolioResult
    from slakit._results._pricing import CreditCost as CreditCost, TierPrices as TierPrices
    from slakit._results._audit import (
        Clause as Clause,
        ClauseAudit as ClauseAudit,
        ClauseEffect as ClauseEffect,
        Flag as Flag,
    )
    from slakit._results._live import (
        SRE_WORKBOOK_ALERTS as SRE_WORKBOOK_ALERTS,
        AlertStatus as AlertStatus,
        BandStatus as BandStatus,
        BurnAlert as BurnAlert,
        BurnRate as BurnRate,
        CustomerStatus as CustomerStatus,
        ObjectiveStatus as ObjectiveStatus,
        PortfolioStatus as PortfolioStatus,
        Status as Status,
        burn_alerts as burn_alerts,
    )
    from slakit._results._values import (
        Compensation as Compensation,
        CreditLine as CreditLine,
        ObjectiveResult as ObjectiveResult,
        Verdict as Verdict,
    )
    from slakit._results._evidence import (
        EventNote as EventNote,
        MeasureEvidence as MeasureEvidence,
        Reconciliation as Reconciliation,
    )
    from slakit._results._uncovered import (
        UncoveredGroup as UncoveredGroup,
        UncoveredRow as UncoveredRow,
    )
    from slakit._results._requests import (
        BucketCounts as BucketCounts,
        BucketNote as BucketNote,
        RequestEvidence as RequestEvidence,
    )
    from slakit._results._tickets import TicketEvidence as TicketEvidence, TicketNote as TicketNote
    from slakit._results._probes import ProbeEvidence as ProbeEvidence, ProbeNote as ProbeNote
    from slakit._results._rollup import OlaMiss as OlaMiss, Rollup as Rollup, RollupRow as RollupRow
    from slakit._results._dispute import (
        Dispute as Dispute,
        DisputePart as DisputePart,
        DisputedBucket as DisputedBucket,
        DisputedSpan as DisputedSpan,
        DisputedTicket as DisputedTicket,
        MeasureDispute as MeasureDispute,
        RequestDispute as RequestDispute,
        RequestTally as RequestTally,
        ServiceDispute as ServiceDispute,
        SideView as SideView,
        TicketDispute as TicketDispute,
        TicketTally as TicketTally,
        TicketView as TicketView,
    )
    from slakit._results._review import (
        AmendmentChange as AmendmentChange,
        ChronicBreach as ChronicBreach,
        ObjectiveChange as ObjectiveChange,
        ObjectiveTrend as ObjectiveTrend,
        OutageCount as OutageCount,
        Review as Review,
        ReviewOutage as ReviewOutage,
        ReviewPeriod as ReviewPeriod,
        TrendPoint as TrendPoint,
    )
    from slakit._results._schedule import render_schedule as render_schedule

    # --- data: agreements as plain data -----------------------------------------------------------
    from slakit._data._codec import from_data as from_data, to_data as to_data
    from slakit._data._formats import (
        dumps as dumps,
        loads as loads,
        read_agreement as read_agreement,
        write_agreement as write_agreement,
    )
    from slakit._data._schema import agreement_schema as agreement_schema
    from slakit._data._diff import Change as Change, diff as diff


#: Each public name and the module that defines it, grouped by the layer it lives in.
_EXPORTS: dict[str, str] = {
    # time: instants, durations, spans, timelines
    "Duration": "slakit._time._instant",
    "to_us": "slakit._time._instant",
    "from_us": "slakit._time._instant",
    "format_us": "slakit._time._instant",
    "Span": "slakit._time._timeline",
    "Timeline": "slakit._time._timeline",
    "days": "slakit._time._instant",
    "duration": "slakit._time._instant",
    "hours": "slakit._time._instant",
    "microseconds": "slakit._time._instant",
    "milliseconds": "slakit._time._instant",
    "minutes": "slakit._time._instant",
    "seconds": "slakit._time._instant",
    "weeks": "slakit._time._instant",
    # time: billing periods
    "Monthly": "slakit._time._periods",
    "Period": "slakit._time._periods",
    "PeriodRule": "slakit._time._periods",
    "monthly": "slakit._time._periods",
    "parse_period": "slakit._time._periods",
    "quarterly": "slakit._time._periods",
    "rolling": "slakit._time._periods",
    "weekly_periods": "slakit._time._periods",
    "yearly": "slakit._time._periods",
    # time: calendars (service windows) and business clocks
    "BusinessClock": "slakit._time._clock",
    "Calendar": "slakit._time._calendar",
    "always": "slakit._time._calendar",
    "business_clock": "slakit._time._clock",
    "business_days": "slakit._time._clock",
    "BusinessDays": "slakit._time._clock",
    "complement": "slakit._time._calendar",
    "dates": "slakit._time._calendar",
    "difference": "slakit._time._calendar",
    "holidays": "slakit._time._calendar",
    "intersection": "slakit._time._calendar",
    "never": "slakit._time._calendar",
    "recurring": "slakit._time._calendar",
    "union": "slakit._time._calendar",
    "weekly": "slakit._time._calendar",
    # events: outages, maintenance, deployments
    "Deployment": "slakit._events._records",
    "Event": "slakit._events._records",
    "EventTable": "slakit._events._table",
    "Maintenance": "slakit._events._records",
    "Outage": "slakit._events._records",
    # events: requests
    "Request": "slakit._events._requests",
    "RequestTable": "slakit._events._requests",
    # events: probe samples
    "Probe": "slakit._events._probes",
    "ProbeTable": "slakit._events._probes",
    # events: support tickets
    "Ticket": "slakit._events._tickets",
    "TicketTable": "slakit._events._tickets",
    # events: claims and billing data
    "Charge": "slakit._events._billing",
    "ChargeTable": "slakit._events._billing",
    "Correction": "slakit._events._corrections",
    "CorrectionTable": "slakit._events._corrections",
    "Claim": "slakit._events._claims",
    "ClaimTable": "slakit._events._claims",
    "CustomerTable": "slakit._events._customers",
    "UnitPrice": "slakit._events._billing",
    # money (serves every layer)
    "Money": "slakit._money",
    "Rounding": "slakit._money",
    "eur": "slakit._money",
    "gbp": "slakit._money",
    "jpy": "slakit._money",
    "money": "slakit._money",
    "usd": "slakit._money",
    # dsl: measures, objectives, exclusions
    "BucketRule": "slakit._dsl._uptime",
    "ComponentRule": "slakit._dsl._uptime",
    "Composite": "slakit._dsl._composites",
    "Exclusion": "slakit._dsl._exclusions",
    "Measure": "slakit._dsl._measures",
    "Objective": "slakit._dsl._objectives",
    "ScheduledMaintenance": "slakit._dsl._exclusions",
    "Corrections": "slakit._dsl._exclusions",
    "corrections": "slakit._dsl._exclusions",
    "Uptime": "slakit._dsl._uptime",
    "all_of": "slakit._dsl._uptime",
    "any_of": "slakit._dsl._uptime",
    "at_least": "slakit._dsl._uptime",
    "mean_of": "slakit._dsl._composites",
    "pooled": "slakit._dsl._composites",
    "scheduled_maintenance": "slakit._dsl._exclusions",
    "uptime": "slakit._dsl._uptime",
    "worst_of": "slakit._dsl._composites",
    # dsl: request measures
    "BucketAvailability": "slakit._dsl._requests",
    "ErrorRateUptime": "slakit._dsl._requests",
    "LatencyPercentile": "slakit._dsl._requests",
    "LatencyShare": "slakit._dsl._requests",
    "RequestMeasure": "slakit._dsl._requests",
    "RequestRatio": "slakit._dsl._requests",
    "bucket_availability": "slakit._dsl._requests",
    "error_rate_uptime": "slakit._dsl._requests",
    "latency_percentile": "slakit._dsl._requests",
    "latency_share": "slakit._dsl._requests",
    "success_ratio": "slakit._dsl._requests",
    # dsl: probe measures
    "ProbeMax": "slakit._dsl._probes",
    "ProbeMean": "slakit._dsl._probes",
    "ProbeMeasure": "slakit._dsl._probes",
    "ProbePercentile": "slakit._dsl._probes",
    "probe_max": "slakit._dsl._probes",
    "probe_mean": "slakit._dsl._probes",
    "probe_percentile": "slakit._dsl._probes",
    # dsl: ticket and incident measures
    "IncidentMeasure": "slakit._dsl._incidents",
    "OnTimeRatio": "slakit._dsl._tickets",
    "TicketTime": "slakit._dsl._tickets",
    "incident_count": "slakit._dsl._incidents",
    "late_repairs": "slakit._dsl._incidents",
    "longest_outage": "slakit._dsl._incidents",
    "mtbf": "slakit._dsl._incidents",
    "mttr": "slakit._dsl._incidents",
    "on_time_repairs": "slakit._dsl._incidents",
    "resolution_time": "slakit._dsl._tickets",
    "response_time": "slakit._dsl._tickets",
    # dsl: compensation
    "Band": "slakit._dsl._compensation",
    "Base": "slakit._dsl._compensation",
    "Bonus": "slakit._dsl._combinators",
    "Bound": "slakit._dsl._compensation",
    "Cap": "slakit._dsl._combinators",
    "Charges": "slakit._dsl._compensation",
    "Chronic": "slakit._dsl._claims",
    "ClaimRequired": "slakit._dsl._claims",
    "ClaimWindow": "slakit._dsl._claims",
    "CreditRule": "slakit._dsl._compensation",
    "CreditSchedule": "slakit._dsl._compensation",
    "DowntimeUnits": "slakit._dsl._remedies",
    "EarnBack": "slakit._dsl._combinators",
    "Escalate": "slakit._dsl._combinators",
    "Fee": "slakit._dsl._compensation",
    "First": "slakit._dsl._combinators",
    "InOrder": "slakit._dsl._combinators",
    "Largest": "slakit._dsl._combinators",
    "Linear": "slakit._dsl._remedies",
    "Minimum": "slakit._dsl._combinators",
    "PerBreach": "slakit._dsl._remedies",
    "Prorated": "slakit._dsl._remedies",
    "ReportOnly": "slakit._dsl._claims",
    "Scaled": "slakit._dsl._combinators",
    "Total": "slakit._dsl._combinators",
    "UnitRefund": "slakit._dsl._remedies",
    "after_ticket_closes": "slakit._dsl._claims",
    "bonus": "slakit._dsl._combinators",
    "cap": "slakit._dsl._combinators",
    "cycles_of_fees": "slakit._dsl._combinators",
    "CyclesOfFees": "slakit._dsl._combinators",
    "charges": "slakit._dsl._compensation",
    "chronic": "slakit._dsl._claims",
    "claim_required": "slakit._dsl._claims",
    "credit_schedule": "slakit._dsl._compensation",
    "earn_back": "slakit._dsl._combinators",
    "only_if_breached": "slakit._dsl._combinators",
    "OnlyIfBreached": "slakit._dsl._combinators",
    "escalate": "slakit._dsl._combinators",
    "fee": "slakit._dsl._compensation",
    "first": "slakit._dsl._combinators",
    "in_order": "slakit._dsl._combinators",
    "largest": "slakit._dsl._combinators",
    "linear": "slakit._dsl._remedies",
    "minimum": "slakit._dsl._combinators",
    "per_breach": "slakit._dsl._remedies",
    "per_downtime": "slakit._dsl._remedies",
    "per_incident": "slakit._dsl._remedies",
    "PerIncident": "slakit._dsl._remedies",
    "prorated": "slakit._dsl._remedies",
    "refund_per": "slakit._dsl._remedies",
    "report_only": "slakit._dsl._claims",
    "scaled": "slakit._dsl._combinators",
    "total": "slakit._dsl._combinators",
    "within_cycles": "slakit._dsl._claims",
    "on_request": "slakit._dsl._claims",
    "incident_claims": "slakit._dsl._claims",
    "within_days": "slakit._dsl._claims",
    # dsl: tiers, agreements, parties, catalogue, amendments, levels
    "Agreement": "slakit._dsl._agreement",
    "Amendment": "slakit._dsl._versions",
    "Level": "slakit._dsl._levels",
    "Party": "slakit._dsl._catalog",
    "Reporting": "slakit._dsl._catalog",
    "Service": "slakit._dsl._catalog",
    "Tier": "slakit._dsl._agreement",
    "Version": "slakit._dsl._versions",
    "level": "slakit._dsl._levels",
    "levels": "slakit._dsl._levels",
    "party": "slakit._dsl._catalog",
    "reporting": "slakit._dsl._catalog",
    "service": "slakit._dsl._catalog",
    # engine: evaluation, statements, comparisons, roll-ups
    "Comparison": "slakit._engine._compare",
    "ComparisonRow": "slakit._engine._compare",
    "PassBack": "slakit._engine._rollup",
    "PassBackRow": "slakit._engine._rollup",
    "Plan": "slakit._engine._plan",
    "Portfolio": "slakit._engine._portfolio",
    "Statement": "slakit._engine._statement",
    "VersionedReport": "slakit._engine._compare",
    "audit": "slakit._engine._audit",
    "OutageModel": "slakit._engine._pricing",
    "price": "slakit._engine._pricing",
    "price_tiers": "slakit._engine._pricing",
    "compare": "slakit._engine._compare",
    "compile_agreement": "slakit._engine._plan",
    "dispute": "slakit._engine._dispute",
    "evaluate": "slakit._engine._plan",
    "evaluate_versions": "slakit._engine._compare",
    "pass_back": "slakit._engine._rollup",
    "review": "slakit._engine._review",
    "rollup": "slakit._engine._rollup",
    "statement": "slakit._engine._statement",
    "status": "slakit._engine._live",
    "start": "slakit._engine._incremental",
    "EvaluationState": "slakit._engine._incremental",
    # results: reports, values, evidence, schedules
    "BucketCounts": "slakit._results._requests",
    "BucketNote": "slakit._results._requests",
    "Compensation": "slakit._results._values",
    "CreditLine": "slakit._results._values",
    "EventNote": "slakit._results._evidence",
    "MeasureEvidence": "slakit._results._evidence",
    "ObjectiveResult": "slakit._results._values",
    "OlaMiss": "slakit._results._rollup",
    "PortfolioResult": "slakit._results._portfolio",
    "ProbeEvidence": "slakit._results._probes",
    "ProbeNote": "slakit._results._probes",
    "Reconciliation": "slakit._results._evidence",
    "Report": "slakit._results._report",
    "RequestEvidence": "slakit._results._requests",
    "Rollup": "slakit._results._rollup",
    "RollupRow": "slakit._results._rollup",
    "ServiceReport": "slakit._results._report",
    "TicketEvidence": "slakit._results._tickets",
    "TicketNote": "slakit._results._tickets",
    "UncoveredGroup": "slakit._results._uncovered",
    "UncoveredRow": "slakit._results._uncovered",
    "Verdict": "slakit._results._values",
    "render_schedule": "slakit._results._schedule",
    "AlertStatus": "slakit._results._live",
    "BandStatus": "slakit._results._live",
    "BurnAlert": "slakit._results._live",
    "BurnRate": "slakit._results._live",
    "Clause": "slakit._results._audit",
    "CreditCost": "slakit._results._pricing",
    "TierPrices": "slakit._results._pricing",
    "ClauseAudit": "slakit._results._audit",
    "ClauseEffect": "slakit._results._audit",
    "Flag": "slakit._results._audit",
    "CustomerStatus": "slakit._results._live",
    "ObjectiveStatus": "slakit._results._live",
    "PortfolioStatus": "slakit._results._live",
    "SRE_WORKBOOK_ALERTS": "slakit._results._live",
    "Status": "slakit._results._live",
    "burn_alerts": "slakit._results._live",
    # results: disputes and service reviews
    "Dispute": "slakit._results._dispute",
    "DisputedSpan": "slakit._results._dispute",
    "MeasureDispute": "slakit._results._dispute",
    "ServiceDispute": "slakit._results._dispute",
    "SideView": "slakit._results._dispute",
    "DisputePart": "slakit._results._dispute",
    "RequestDispute": "slakit._results._dispute",
    "RequestTally": "slakit._results._dispute",
    "DisputedBucket": "slakit._results._dispute",
    "TicketDispute": "slakit._results._dispute",
    "TicketTally": "slakit._results._dispute",
    "TicketView": "slakit._results._dispute",
    "DisputedTicket": "slakit._results._dispute",
    "AmendmentChange": "slakit._results._review",
    "ChronicBreach": "slakit._results._review",
    "ObjectiveChange": "slakit._results._review",
    "ObjectiveTrend": "slakit._results._review",
    "OutageCount": "slakit._results._review",
    "Review": "slakit._results._review",
    "ReviewOutage": "slakit._results._review",
    "ReviewPeriod": "slakit._results._review",
    "TrendPoint": "slakit._results._review",
    # data: agreements as plain data
    "Change": "slakit._data._diff",
    "agreement_schema": "slakit._data._schema",
    "diff": "slakit._data._diff",
    "dumps": "slakit._data._formats",
    "from_data": "slakit._data._codec",
    "loads": "slakit._data._formats",
    "read_agreement": "slakit._data._formats",
    "to_data": "slakit._data._codec",
    "write_agreement": "slakit._data._formats",
}

#: The public names, in the groups of ``_EXPORTS`` (for ``from slakit import *``).
__all__ = list(_EXPORTS)


def _publish() -> None:
    """Bind every public name whose module is imported, and say it lives in ``slakit``.

    Doing it for all loaded modules at once keeps reprs and pickles independent of the
    order in which names were first used.
    """
    namespace = globals()
    for public, module in _EXPORTS.items():
        loaded = sys.modules.get(module)
        if public in namespace or loaded is None:
            continue
        value = getattr(loaded, public)
        if getattr(value, "__module__", "").startswith("slakit._"):
            with contextlib.suppress(AttributeError, TypeError):  # read-only on some objects
                # where it is defined, for resolving its annotations (slakit._data)
                value.__defined_in__ = value.__module__
                value.__module__ = __name__
        namespace[public] = value


def __getattr__(name: str) -> Any:
    """Load a public name on first use, and keep it in the module's namespace."""
    if name == "__version__":  # read from the installed metadata only when asked for
        from importlib.metadata import version

        globals()[name] = version(__name__)
        return globals()[name]
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'slakit' has no attribute {name!r}")
    importlib.import_module(module)
    _publish()
    return globals()[name]


def __dir__() -> list[str]:
    """Return the public names, and the public submodules already imported."""
    submodules = [
        name
        for name, value in globals().items()
        if not name.startswith("_")
        and isinstance(value, type(sys))
        and value.__name__ == f"{__name__}.{name}"
    ]
    return sorted({*__all__, *submodules})
