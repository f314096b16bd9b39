"""What changed between two agreements or versions, field by field, in their data form."""

from __future__ import annotations

import json
from typing import Any

import attrs

from slakit._data._codec import child, to_data
from slakit._dsl._agreement import Agreement
from slakit._dsl._versions import Version

__all__ = ["Change", "diff"]


@attrs.frozen
class Change:
    """One difference between two versions: where, and the values before and after.

    Values are in the plain-data form of [`to_data()`][slakit.to_data] (``None`` when
    absent on one side).
    """

    path: str
    before: Any
    after: Any

    def __str__(self) -> str:
        if self.before is None:
            return f"{self.path}: added {_show(self.after)}"
        if self.after is None:
            return f"{self.path}: removed {_show(self.before)}"
        return f"{self.path}: {_show(self.before)} -> {_show(self.after)}"


def _show(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _walk(path: str, a: Any, b: Any, out: list[Change]) -> None:
    if a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict) and a.get("type") == b.get("type"):
        for key in list(a) + [k for k in b if k not in a]:
            _walk(child(path, key), a.get(key), b.get(key), out)
        return
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _walk(child(path, i), x, y, out)
        return
    out.append(Change(path, a, b))


def diff(before: Agreement | Version, after: Agreement | Version) -> tuple[Change, ...]:
    """Return what changed from one agreement (or version) to another, field by field.

    Examples:
        >>> import slakit as sla
        >>> gold = sla.Tier("gold", fee=sla.usd("100.00"))
        >>> a = sla.Agreement(provider="P", customer="C", services=["s"], tier=gold)
        >>> b = a.amend("2026-07-01T00:00:00Z", tier=gold.derive("gold", fee=sla.usd("90.00")))
        >>> [str(c) for c in diff(*b.versions())]
        ['$.tier.fee.amount: 100.00 -> 90.00', '$.effective: added 2026-07-01T00:00:00Z']
    """
    left = before.agreement if isinstance(before, Version) else before
    right = after.agreement if isinstance(after, Version) else after
    out: list[Change] = []
    _walk("$", to_data(left), to_data(right), out)
    return tuple(out)
