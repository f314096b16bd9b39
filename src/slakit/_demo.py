"""The embedded example: a public-cloud style region SLA and a month of events."""

from __future__ import annotations

from typing import Final

__all__ = ["AGREEMENT_SOURCE", "EVENTS_JSONL"]

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
