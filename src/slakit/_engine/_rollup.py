"""Operational level agreements rolled up under the customer agreement they underpin."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from slakit._dsl._agreement import Agreement
from slakit._engine._plan import evaluate
from slakit._results._rollup import OlaMiss, Rollup, RollupRow
from slakit._time._periods import Period
from slakit.exceptions import DefinitionError

__all__ = ["rollup"]


def rollup(
    agreement: Agreement,
    olas: Mapping[str, Agreement],
    *inputs: object,
    period: Period | str,
    underpins: Mapping[str, Iterable[str]] | None = None,
) -> Rollup:
    """Evaluate a customer agreement and its operational level agreements on the same events.

    Each operational level agreement (OLA) is an :class:`~slakit.Agreement`
    between the provider and one of its internal support groups (server
    operations, network operations, application support), keyed by the group's
    name. Every agreement is evaluated with :func:`~slakit.evaluate` over the
    same ``inputs`` and ``period``; each customer-facing breach becomes a row
    naming the groups whose OLA objectives were also breached in that period on
    the same service. A row with no misses says no group missed: the cause lies
    outside the operational agreements.

    Args:
        agreement: the customer-facing agreement.
        olas: ``{group: operational agreement}``; each covers some of the
            customer agreement's services, by the same names.
        inputs: the events, as for :func:`~slakit.evaluate`.
        period: a period label such as ``"2026-10"`` (or a :class:`~slakit.Period`).
        underpins: for an OLA service named differently from the customer services
            it supports, ``{"network": ["db", "api"]}``: a miss on ``network`` is
            linked to breaches of ``db`` and ``api``. Other services link by name.

    Raises:
        DefinitionError: no OLAs, or an OLA covers none of the agreement's services.
    """
    if not olas:
        raise DefinitionError("olas={} must name at least one operational level agreement")
    links = {k: tuple(v) for k, v in (underpins or {}).items()}
    for source, targets in links.items():
        for target in targets:
            if target not in agreement.services:
                raise DefinitionError(
                    f"underpins[{source!r}] names {target!r}, which is not a service of the "
                    f"customer agreement {list(agreement.services)!r}"
                )

    def served(service: str) -> tuple[str, ...]:
        return links.get(service, (service,))

    for group, ola in olas.items():
        given: object = ola
        if not isinstance(given, Agreement):
            raise DefinitionError(f"olas[{group!r}]={ola!r} must be an Agreement")
        if not {t for s in ola.services for t in served(s)} & set(agreement.services):
            raise DefinitionError(
                f"olas[{group!r}] covers {list(ola.services)!r}, none of the customer "
                f"agreement's services {list(agreement.services)!r}; an operational agreement "
                "underpins the services it shares with the customer agreement, by name, or "
                "those named for it in underpins={...}"
            )
    customer = evaluate(agreement, *inputs, period=period)
    reports = {group: evaluate(ola, *inputs, period=period) for group, ola in olas.items()}
    misses: dict[str, list[OlaMiss]] = {}
    for group, report in reports.items():
        for result in report.breaches:
            for service in served(result.service):
                misses.setdefault(service, []).append(OlaMiss(group, result))
    rows = tuple(RollupRow(b, tuple(misses.get(b.service, ()))) for b in customer.breaches)
    linked = {miss for row in rows for miss in row.misses}
    every = dict.fromkeys(miss for found in misses.values() for miss in found)
    unlinked = tuple(miss for miss in every if miss not in linked)
    return Rollup(customer.period.label, customer, reports, rows, unlinked)
