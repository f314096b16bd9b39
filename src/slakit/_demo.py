"""The embedded examples of ``slakit demo``.

The main one is a month-end credit run: a plans file, a customers table and a
month of outages and maintenance, as ``slakit run`` reads them
(``CREDIT_RUN_FILES``). The second is one agreement and its events, as
``slakit evaluate`` reads them (``AGREEMENT_FILES``). ``slakit demo --write
DIR`` writes both sets of files.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

__all__ = [
    "AGREEMENT_FILES",
    "AGREEMENT_SOURCE",
    "CREDIT_RUN_FILES",
    "CUSTOMERS_CSV",
    "EVENTS_JSONL",
    "MAINTENANCE_CSV",
    "OUTAGES_CSV",
    "PERIOD",
    "PLANS_SOURCE",
    "STATEMENT_OF",
]

#: The billing period of both examples.
PERIOD: Final = "2026-10"

# --- the credit run ------------------------------------------------------------------------------

#: The plans the provider sells, as a user would write them for ``slakit run``.
PLANS_SOURCE: Final = '''\
"""The plans of slakit's demo: three tiers, as in the credit-run how-to."""

import slakit as sla

provider = "Acme Cloud"

uptime = sla.uptime(
    min_outage=sla.minutes(1),
    excluding=[sla.scheduled_maintenance(notice=sla.days(5))],
)
office = sla.uptime(
    during=sla.weekly("Mon-Fri 08:00-18:00", tz="UTC"),  # UTC: moved to each customer's zone
    min_outage=sla.minutes(1),
    excluding=[sla.scheduled_maintenance(notice=sla.days(5))],
)

plans = {
    "gold": sla.Tier(
        "gold",
        fee=sla.usd("1000.00"),
        objectives=[uptime >= "99.99%"],
        compensation=sla.credit_schedule(
            uptime, {"< 99.99%": "10%", "< 99%": "30%", "< 95%": "100%"}
        ),
    ),
    "silver": sla.Tier(
        "silver",
        fee=sla.usd("500.00"),
        objectives=[uptime >= "99.9%"],
        compensation=sla.credit_schedule(uptime, {"< 99.9%": "10%", "< 99%": "25%"}),
    ),
    "bronze": sla.Tier(
        "bronze",
        fee=sla.usd("100.00"),
        objectives=[office >= "99.5%"],
        compensation=sla.credit_schedule(office, {"< 99.5%": "10%"}),
    ),
}
'''

#: The customers, one row per customer and service, in slakit's column names. ``eu-storage``
#: is a shared region: its rows count for globex, initech and hooli alike.
CUSTOMERS_CSV: Final = """\
customer,plan,service,fee,zone
globex,gold,globex-db,2400.00,
globex,gold,globex-api,800.00,
globex,gold,eu-storage,600.00,
stark,gold,stark-edge,1500.00,Europe/London
initech,silver,initech-web,,
initech,silver,eu-storage,,
soylent,silver,soylent-api,750.00,Asia/Tokyo
hooli,bronze,hooli-shop,120.00,Europe/Berlin
hooli,bronze,eu-storage,,Europe/Berlin
umbrella,bronze,umbrella-erp,90.00,America/New_York
"""

#: A month of outages from monitoring, two of them for services no customer has.
OUTAGES_CSV: Final = """\
service,start,end
globex-db,2026-10-02T00:01:00Z,2026-10-02T00:10:00Z
hooli-shop,2026-10-05T09:01:00Z,2026-10-05T12:01:00Z
staging-api,2026-10-07T10:00:00Z,2026-10-07T16:00:00Z
globex-api,2026-10-10T02:15:00Z,2026-10-10T03:05:00Z
initech-web,2026-10-12T14:01:00Z,2026-10-12T15:01:00Z
stark-edge,2026-10-14T03:00:00Z,2026-10-14T11:00:00Z
globex-api,2026-10-14T16:20:00Z,2026-10-14T16:20:40Z
umbrella-erp,2026-10-15T05:00:00Z,2026-10-15T06:30:00Z
soylent-api,2026-10-18T01:00:00Z,2026-10-18T02:30:00Z
legacy-ftp,2026-10-20T03:00:00Z,2026-10-20T03:05:00Z
eu-storage,2026-10-21T13:10:00Z,2026-10-21T14:00:00Z
soylent-api,2026-10-31T16:30:00Z,2026-10-31T17:30:00Z
"""

#: The maintenance notices from the change calendar, one for a service no customer has.
MAINTENANCE_CSV: Final = """\
service,start,end,announced
globex-api,2026-10-10T02:00:00Z,2026-10-10T04:00:00Z,2026-10-01T09:00:00Z
soylent-api,2026-10-18T01:00:00Z,2026-10-18T03:00:00Z,2026-10-16T10:00:00Z
legacy-ftp,2026-10-24T01:00:00Z,2026-10-24T02:00:00Z,2026-10-10T09:00:00Z
"""

#: The credit run's files by name, as ``slakit demo --write`` writes them.
CREDIT_RUN_FILES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "plans.py": PLANS_SOURCE,
        "customers.csv": CUSTOMERS_CSV,
        "outages.csv": OUTAGES_CSV,
        "maintenance.csv": MAINTENANCE_CSV,
    }
)

#: The customer whose full statement the demo prints.
STATEMENT_OF: Final = "globex"

# --- one agreement -------------------------------------------------------------------------------

#: A complete agreement file, as a user would write it for ``slakit evaluate``.
AGREEMENT_SOURCE: Final = '''\
"""A public-cloud style region-level availability SLA."""

import slakit as sla

uptime = sla.uptime(
    min_outage=sla.minutes(1),
    granularity=sla.minutes(1),
    excluding=[sla.scheduled_maintenance(notice=sla.days(5))],
)

region = sla.Tier(
    "region",
    fee=sla.usd("10000.00"),
    objectives=[uptime >= "99.99%"],
    compensation=sla.credit_schedule(
        uptime, {"< 99.99%": "10%", "< 99.0%": "30%", "< 95.0%": "100%"}
    ),
)

agreement = sla.Agreement(
    provider="Acme Cloud",
    customer="Globex",
    services=["eu-central-1", "us-east-1"],
    tier=region,
    period=sla.monthly(tz="Europe/Berlin"),
)
'''

#: A month of events for the example agreement, in JSON Lines.
EVENTS_JSONL: Final = """\
{"type": "outage", "service": "eu-central-1", "start": "2026-10-03T09:58:20Z", "end": "2026-10-03T10:04:30Z", "note": "API errors"}
{"type": "outage", "service": "eu-central-1", "start": "2026-10-03T10:02:00Z", "end": "2026-10-03T10:05:10Z", "note": "second monitor"}
{"type": "outage", "service": "eu-central-1", "start": "2026-10-09T14:00:00Z", "end": "2026-10-09T14:00:40Z", "note": "blip"}
{"type": "maintenance", "service": "eu-central-1", "start": "2026-10-20T01:00:00Z", "end": "2026-10-20T03:00:00Z", "announced": "2026-10-17T08:00:00Z"}
{"type": "outage", "service": "eu-central-1", "start": "2026-10-20T01:10:00Z", "end": "2026-10-20T01:55:00Z", "note": "during late-announced maintenance"}
{"type": "maintenance", "service": "us-east-1", "start": "2026-10-11T06:00:00Z", "end": "2026-10-11T08:00:00Z", "announced": "2026-10-01T12:00:00Z"}
{"type": "outage", "service": "us-east-1", "start": "2026-10-11T06:30:00Z", "end": "2026-10-11T07:30:00Z", "note": "during announced maintenance"}
{"type": "outage", "service": "us-east-1", "start": "2026-10-31T22:45:00Z", "end": "2026-11-01T02:00:00Z", "note": "spans the month boundary in Berlin time"}
{"type": "outage", "service": "us-east-1", "start": "2026-10-14T03:00:00Z", "end": "2026-10-14T10:50:00Z", "note": "storage failure"}
{"type": "outage", "service": "ap-south-1", "start": "2026-10-05T00:00:00Z", "end": "2026-10-05T01:00:00Z", "note": "not covered by this agreement"}
"""

#: The single-agreement example's files by name, as ``slakit demo --write`` writes them.
AGREEMENT_FILES: Final[Mapping[str, str]] = MappingProxyType(
    {"agreement.py": AGREEMENT_SOURCE, "events.jsonl": EVENTS_JSONL}
)
