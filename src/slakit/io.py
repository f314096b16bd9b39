"""Reading events from files and data frames.

Examples:
    >>> import slakit.io
    >>> table = slakit.io.parse_jsonl(['{"type": "outage", "service": "api", '
    ...     '"start": "2026-10-01T00:00:00Z", "end": "2026-10-01T00:05:00Z"}'])
    >>> len(table), table.services
    (1, ('api',))
"""

from __future__ import annotations

from slakit._events._jsonl import parse_jsonl, read_jsonl
from slakit._events._requests import RequestTable, parse_requests_jsonl, read_requests_jsonl
from slakit._events._table import EventTable
from slakit._events._tickets import TicketTable, parse_tickets_jsonl, read_tickets_jsonl

__all__ = [
    "EventTable",
    "RequestTable",
    "TicketTable",
    "parse_jsonl",
    "parse_requests_jsonl",
    "parse_tickets_jsonl",
    "read_jsonl",
    "read_requests_jsonl",
    "read_tickets_jsonl",
]
