"""Real user code, type-checked with mypy --strict (never executed): the public API's types."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import slakit as sla
import slakit.io
from slakit.exceptions import EventDataError, SlakitError

uptime: sla.Uptime = sla.uptime(
    min_outage=sla.minutes(1),
    granularity=sla.minutes(1),
    excluding=[sla.scheduled_maintenance(notice=sla.days(5), at_most=sla.hours(4))],
)
objective: sla.Objective = uptime >= "99.95%"
schedule: sla.CreditSchedule = sla.credit_schedule(uptime, {"< 99.95%": "10%", "< 99%": "25%"})
gold = sla.Tier("gold", fee=sla.usd("12000.00"), objectives=[objective], compensation=schedule)
silver: sla.Tier = gold.derive("silver", fee=sla.usd("6000.00"))
agreement = sla.Agreement(
    provider="Acme Cloud",
    customer="Globex",
    services=["checkout"],
    tier=gold,
    period=sla.monthly(tz="Europe/Berlin"),
)

try:
    table: sla.EventTable = slakit.io.read_jsonl("events.jsonl")
except EventDataError as exc:
    for problem in exc.problems:
        print(problem.where, problem.field, problem.message)
    raise

report: sla.Report = sla.evaluate(agreement, table, period="2026-10")
total: sla.Money = report.total
amount: Decimal = total.amount
for result in report.objectives:
    value: Fraction | None = result.value
    verdict: sla.Verdict = result.verdict
    percent: Decimal | None = result.percent
for line in report.compensation.lines:
    exact: Fraction = line.amount
evidence: sla.MeasureEvidence = report.evidence("checkout")
down: sla.Timeline = evidence.down
seconds_down: int = down.measure() // 1_000_000
text: str = report.explain()
data: dict[str, object] = report.to_dict()

plan: sla.Plan = sla.compile_agreement(agreement)
october: sla.Period = agreement.period.period("2026-10")
again: sla.Report = plan.evaluate(
    [sla.Outage("checkout", "2026-10-01T00:00Z", "2026-10-01T00:05Z")], period=october
)

timeline = sla.Timeline([("2026-10-01T00:00Z", "2026-10-01T02:00Z")]) - sla.Timeline(
    [sla.Span("2026-10-01T01:00Z", "2026-10-01T03:00Z")]
)
length: sla.Duration = sla.hours(1) + sla.minutes(30)

try:
    sla.usd("1") + sla.eur("1")
except SlakitError as error:
    message: str = str(error)

# Support and incidents
office = sla.weekly("Mon-Fri 08:00-18:00", tz="Europe/Berlin") - sla.holidays("DE", subdiv="BE")
p1: sla.TicketTime = sla.response_time(
    priority="P1", within=sla.hours(1), clock=office, coverage={"24x7": sla.always()}
)
by_priority: sla.TicketTime = sla.resolution_time(
    within={"P1": sla.hours(4), "P2": sla.hours(16)}, clock=office, paused_by=["on_hold"]
)
share: sla.OnTimeRatio = p1.on_time_ratio()
desk_tickets: sla.TicketTable = slakit.io.read_tickets_jsonl("tickets.jsonl")
ticket = sla.Ticket("T-1", "desk", "P1", "2026-10-05T09:00:00Z", first_response=None)
restore: sla.IncidentMeasure = sla.mttr(min_duration=sla.minutes(5), merge_gap=sla.minutes(10))
support = sla.Tier(
    "support",
    fee=sla.eur("100"),
    objectives=[share >= "95%", p1 <= 2, restore <= "1 hour", sla.incident_count() <= 3],
)
desk_report = sla.evaluate(
    sla.Agreement(provider="A", customer="B", services=["desk"], tier=support),
    desk_tickets,
    period="2026-10",
)
desk_evidence = desk_report.evidence("desk")
if isinstance(desk_evidence, sla.TicketEvidence):
    late_by: list[int] = [t.late_by_us for t in desk_evidence.late]

# Compensation: shapes, combinators, claims and history.
cap_of_fee = sla.cap(
    sla.credit_schedule(uptime, {"< 99.95%": "10%"}) + sla.per_breach(objective, sla.usd("500")),
    at_most="50%",
)
claimed: sla.ClaimRequired = sla.claim_required(cap_of_fee, sla.within_days(sla.days(30)))
exact_total: Fraction = report.exact_total
statement: sla.Statement = sla.statement(agreement, table, periods="2026-01..2026-03")

# Composite measures and durations.
worst: sla.Composite = sla.worst_of(sla.uptime())
target: sla.Duration = sla.duration("PT1H30M")

# Agreements as data, versions and what-if.
as_yaml: str = sla.dumps(agreement, "yaml")
again_loaded = sla.loads(as_yaml, "yaml")
amended: sla.Agreement = agreement.amend("2026-10-11T00:00:00Z", tier=silver)
versioned: sla.VersionedReport = sla.evaluate_versions(amended, table, period="2026-10")

# A fleet: event rows with integer service codes, and a fee per service.
fleet_names = ["eu-west-1/vm-8f3a2c", "us-east-1/db-01b7e4"]
fleet_table: sla.EventTable = sla.EventTable.from_columns(
    {"kind": ["outage"], "service": [1], "start": [0], "end": [60_000_000]},
    services=fleet_names,
)
fleet = sla.Agreement(
    provider="A",
    customer="B",
    services=fleet_names,
    tier=gold,
    fees={"eu-west-1/vm-8f3a2c": sla.usd("950.00")},
)
fleet_fees: list[sla.Money] = fleet.fees_of(fleet.services)
exact_fleet_fees: tuple[Fraction, ...] = fleet.exact_fees()

# Inputs from files and data frames: the kind names the table's type.
csv_outages: sla.EventTable = slakit.io.read_table(
    "outages.csv", "outages", columns={"start": "started_at"}, epoch_unit="s"
)
parquet_requests: sla.RequestTable = slakit.io.read_table("requests.parquet", "requests")
claims_table: sla.ClaimTable = slakit.io.read_table("claims.csv", "claims")
charges_columns: slakit.io.Columns = slakit.io.read_columns("charges.csv", format="csv")
first_row: str | None = None if charges_columns.where is None else charges_columns.where[0]
