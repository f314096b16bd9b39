"""Claims and billing records no rule counted are listed by service, in the order of their facts.

Their service names are a column of text; the uncovered-input check codes that
column in one pass (no loop over the records), so these tests pin what it must
find: the services, their counts, the first record and every record of each group.
"""

from __future__ import annotations

import numpy as np

import slakit as sla
from slakit._engine._uncovered import _service_column

SERVICES = ["initech-vps", "initech-db"]
UP = sla.uptime()


def agreement(base: sla.Base | None = None) -> sla.Agreement:
    schedule = (
        sla.credit_schedule(UP, {"< 99.9%": "10%"})
        if base is None
        else sla.credit_schedule(UP, {"< 99.9%": "10%"}, base=base)
    )
    return sla.Agreement(
        provider="Initech",
        customer="Globex",
        services=SERVICES,
        tier=sla.Tier(
            "std", fee=sla.usd("500.00"), objectives=[UP >= "99.9%"], compensation=schedule
        ),
    )


BILLING = [
    sla.Charge("initech-vps", "2026-10", "usage", sla.usd("10.00")),
    sla.Charge("initech-db", "2026-10", "usage", sla.usd("10.00")),
    sla.UnitPrice("initech-vsp", "hour", sla.usd("0.10")),
    sla.Charge("initech-vsp", "2026-10", "usage", sla.usd("1.00")),
]


def groups(report: sla.Report) -> list[tuple[str, str, str | None, int, str, list[str]]]:
    return [
        (g.category, g.table, g.service, g.count, g.first, [row.where for row in g.rows(None)])
        for g in report.reconciliation.uncovered
    ]


def test_billing_records_of_an_uncovered_service_are_listed_with_a_did_you_mean() -> None:
    """A charge and a price of a typo'd service form one group, ordered by their facts."""
    report = sla.evaluate(agreement(sla.charges("usage")), [], BILLING, period="2026-10")
    assert groups(report) == [
        ("uncovered", "billing records", "initech-vsp", 2, "record 2", ["record 3", "record 2"])
    ]
    [group] = report.reconciliation.uncovered
    assert group.suggestions == ("initech-vps",)


def test_claims_and_billing_records_no_rule_reads_are_listed_per_service() -> None:
    """Unread tables are grouped by service; rows come in the order of their facts."""
    claims = [
        sla.Claim("initech-db", "2026-10", "2026-11-02T00:00Z"),
        sla.Claim("initech-vps", "2026-10", "2026-11-03T00:00Z"),
        sla.Claim("initech-db", "2026-10", "2026-11-04T00:00Z"),
    ]
    report = sla.evaluate(agreement(), [], [*BILLING, *claims], period="2026-10")
    assert groups(report) == [
        ("unread", "billing records", "initech-db", 1, "record 1", ["record 1"]),
        ("unread", "billing records", "initech-vps", 1, "record 0", ["record 0"]),
        ("unread", "billing records", "initech-vsp", 2, "record 2", ["record 3", "record 2"]),
        ("unread", "claims", "initech-db", 2, "record 0", ["record 0", "record 2"]),
        ("unread", "claims", "initech-vps", 1, "record 1", ["record 1"]),
    ]


class _Names:
    """A table whose service column holds ``values`` (objects, not codes)."""

    def __init__(self, values: list[object]) -> None:
        self.service = np.asarray(values, dtype=object)

    def __len__(self) -> int:
        return int(self.service.shape[0])


def test_a_service_column_that_is_not_all_text_is_not_grouped() -> None:
    """Names that are missing or not text give no grouping rather than a wrong one."""
    assert _service_column(_Names(["a", None])) is None
    assert _service_column(_Names([1, 2])) is None
    assert _service_column(_Names([None])) is None
    found = _service_column(_Names(["b", "a", "b"]))
    assert found is not None
    assert (found[0].tolist(), found[1]) == ([1, 0, 1], ("a", "b"))
