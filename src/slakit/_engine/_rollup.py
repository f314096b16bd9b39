"""Operational level agreements rolled up under the customer agreement they underpin."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

import attrs

from slakit._dsl._agreement import Agreement
from slakit._engine._plan import evaluate
from slakit._money import Money
from slakit._results._report import Report
from slakit._results._rollup import OlaMiss, Rollup, RollupRow
from slakit._results._values import money_text
from slakit._time._periods import Period
from slakit.exceptions import DefinitionError

__all__ = ["PassBack", "PassBackRow", "pass_back", "rollup"]


def rollup(
    agreement: Agreement,
    olas: Mapping[str, Agreement],
    *inputs: object,
    period: Period | str,
    underpins: Mapping[str, Iterable[str]] | None = None,
) -> Rollup:
    """Evaluate a customer agreement and its operational level agreements on the same events.

    Each operational level agreement (OLA) is an [`Agreement`][slakit.Agreement]
    between the provider and one of its internal support groups (server
    operations, network operations, application support), keyed by the group's
    name. Every agreement is evaluated with [`evaluate()`][slakit.evaluate] over the
    same ``inputs`` and ``period``; each customer-facing breach becomes a row
    naming the groups whose OLA objectives were also breached in that period on
    the same service. A row with no misses says no group missed: the cause lies
    outside the operational agreements.

    Args:
        agreement: the customer-facing agreement.
        olas: ``{group: operational agreement}``; each covers some of the
            customer agreement's services, by the same names.
        inputs: the events, as for [`evaluate()`][slakit.evaluate].
        period: a period label such as ``"2026-10"`` (or a [`Period`][slakit.Period]).
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


@attrs.frozen
class PassBackRow:
    """What one subcontractor passes back, under its underpinning agreement, for a period.

    Attributes:
        party: the subcontractor, as the agreement names it.
        underpinning: the name of its underpinning agreement.
        report: the underpinning agreement's report over the same inputs and period.
        responsible_for: the provider's services the subcontractor runs.
    """

    party: str
    underpinning: str
    report: Report
    responsible_for: tuple[str, ...]

    @property
    def credit(self) -> Money:
        """The credit the subcontractor owes the provider for the period (rounded once)."""
        return self.report.total


@attrs.frozen
class PassBack:
    """The provider's credits to its customer beside those its subcontractors pass back.

    Attributes:
        customer: the customer agreement's report.
        rows: one row per subcontractor that passes credits back.
    """

    customer: Report
    rows: tuple[PassBackRow, ...]

    @property
    def passed_back(self) -> Fraction:
        """The exact sum of the credits passed back (in the customer agreement's currency)."""
        return sum((row.report.exact_total for row in self.rows), Fraction(0))

    @property
    def net(self) -> Fraction:
        """What the credits cost the provider after pass-back, exactly."""
        return self.customer.exact_total - self.passed_back

    def explain(self) -> str:
        """Return the pass-back as text: each subcontractor's credit, and the net cost."""
        currency = self.customer.agreement.tier.currency_code
        head = (
            f"Credits owed to {self.customer.agreement.customer} for "
            f"{self.customer.period.label}: {self.customer.total}"
        )
        lines = [head]
        for row in self.rows:
            services = ", ".join(row.responsible_for) or "its part of the service"
            lines.append(
                f"  {row.party} passes back {row.credit} under {row.underpinning} "
                f"(responsible for {services})"
            )
        lines.append(
            f"Net cost to {self.customer.agreement.provider}: {money_text(self.net, currency)}"
        )
        return "\n".join(lines)


def pass_back(
    agreement: Agreement,
    underpinning: Mapping[str, Agreement],
    *inputs: object,
    period: Period | str,
) -> PassBack:
    """Evaluate the credits subcontractors pass back beside the customer agreement's credits.

    Each party of ``agreement`` with ``passes_credits=True`` names its
    ``underpinning`` agreement; ``underpinning`` maps those names to the
    agreements themselves (the subcontractor as provider, this provider as
    customer). Every agreement is evaluated over the same ``inputs`` and
    ``period``; the result holds each pass-back credit and the provider's net
    cost, exactly.

    Raises:
        DefinitionError: a party's underpinning agreement is not given, or its
            currency differs from the customer agreement's.
    """
    customer = evaluate(agreement, *inputs, period=period)
    rows = []
    currency = agreement.tier.currency_code
    for party in agreement.parties:
        if not party.passes_credits:
            continue
        name = party.underpinning
        if name is None or name not in underpinning:
            raise DefinitionError(
                f"party {party.name!r} passes credits back under {name!r}, but no such "
                f"agreement was given; pass underpinning={{{name!r}: Agreement(...)}}"
            )
        sub = underpinning[name]
        if sub.tier.currency_code != currency:
            raise DefinitionError(
                f"underpinning agreement {name!r} is in {sub.tier.currency_code}, the customer "
                f"agreement in {currency}; pass-back needs one currency"
            )
        report = evaluate(sub, *inputs, period=customer.period)
        rows.append(PassBackRow(party.name, name, report, party.responsible_for))
    return PassBack(customer, tuple(rows))
