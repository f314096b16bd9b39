"""Reading events, requests and tickets from JSON Lines files, and the tables they fill.

A table can also be built from columns (numpy arrays, or the columns of a data frame
converted with ``to_numpy()``) with ``EventTable.from_columns`` and its peers.

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
