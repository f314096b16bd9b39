"""The roll-up of operational level agreements under a customer agreement, as values."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from slakit._results._report import Report
from slakit._results._values import ObjectiveResult

__all__ = ["OlaMiss", "Rollup", "RollupRow"]


def _shown(result: ObjectiveResult) -> str:
    if result.value is None:
        return "no data"
    return result.objective.measure.format_value(result.value)


@attrs.frozen
class OlaMiss:
    """One internal group's missed objective on a service in the period.

    Attributes:
        group: the support group whose operational level agreement it is.
        result: the breached objective, with its exact value.
    """

    group: str
    result: ObjectiveResult

    def describe(self) -> str:
        """Return the miss in words: ``'network ops: uptime >= 99.95% (99.8%)'``."""
        return f"{self.group}: {self.result.objective.describe()} ({_shown(self.result)})"


@attrs.frozen
class RollupRow:
    """One customer-facing breach and the groups whose operational agreements also missed.

    Attributes:
        breach: the customer agreement's breached objective on one service.
        misses: every operational objective breached in the same period on the same
            service, by group in the order given; empty when no group missed (the cause
            lies outside the operational agreements).
    """

    breach: ObjectiveResult
    misses: tuple[OlaMiss, ...]

    @property
    def service(self) -> str:
        """The service whose customer-facing objective was breached."""
        return self.breach.service

    @property
    def groups(self) -> tuple[str, ...]:
        """The groups that missed, each once, in the order given."""
        return tuple(dict.fromkeys(m.group for m in self.misses))


@attrs.frozen
class Rollup:
    """Which internal group's miss led to each customer-facing breach, in one period.

    Attributes:
        period: the period's label.
        customer: the customer agreement's report.
        olas: each group's report of its operational level agreement.
        rows: one row per customer-facing breach, in the report's order.
        unlinked: operational misses linked to no customer-facing breach (a group
            missed, and no customer objective of a service it underpins was breached).
    """

    period: str
    customer: Report
    olas: Mapping[str, Report]
    rows: tuple[RollupRow, ...]
    unlinked: tuple[OlaMiss, ...]

    def to_markdown(self) -> str:
        """Return the roll-up as a Markdown table, one row per customer-facing breach."""
        out = [
            f"Customer-facing breaches in {self.period}",
            "",
            "| service | customer objective | value | operational misses |",
            "| --- | --- | --- | --- |",
        ]
        for row in self.rows:
            misses = "; ".join(m.describe() for m in row.misses) or "none (no group missed)"
            out.append(
                f"| {row.service} | {row.breach.objective.describe()} | "
                f"{_shown(row.breach)} | {misses} |"
            )
        if not self.rows:
            out.append("| | no customer-facing breach | | |")
        return "\n".join(out)
