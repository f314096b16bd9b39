"""Monitoring that follows the contract: an agreement's objectives as Prometheus rules.

[`prometheus_rules()`][slakit.monitoring.prometheus_rules] writes, for each
objective that Prometheus can express, the recording rules of its error ratio
over the burn windows and the multi-window, multi-burn-rate alerts of
[`status()`][slakit.status] (Google's SRE workbook), with the contract's own
target. slakit does not know your metric names: a [`PromSLI`][slakit.monitoring.PromSLI]
per objective says how Prometheus reads its errors.

What maps, and how (the converter refuses what it cannot express, and
approximates only when asked, listing every approximation in the rules'
annotations):

- a success ratio over requests maps exactly: errors over total, from your
  counters (``rate()`` over each window; the queries must count errors as the
  measure does, which the annotation states);
- uptime maps approximately, from a 0/1 series such as ``up`` or
  ``probe_success``: the share of samples down stands for the share of time
  down, and minimum outage lengths, bucket rules and exclusions are not applied;
- service hours, maintenance notice conditions and allowances, corrections and
  minimum request counts cannot be written in PromQL: with ``approximate=True``
  they are ignored (and said so), else refused;
- money (credits, caps, claims) is no monitoring concept: it is not exported;
- other measures (latency percentiles, tickets, incidents, probe statistics)
  are refused.

Examples:
    >>> import json
    >>> import slakit as sla
    >>> from slakit.monitoring import PromSLI, prometheus_rules
    >>> ratio = sla.success_ratio()
    >>> tier = sla.Tier("gold", fee=sla.usd("100.00"), objectives=[ratio >= "99.9%"])
    >>> terms = sla.Agreement(provider="Acme", customer="Globex", services=["api"], tier=tier)
    >>> sli = PromSLI(
    ...     errors='sum(rate(http_requests_total{job="api",code=~"5.."}[{window}]))',
    ...     total='sum(rate(http_requests_total{job="api"}[{window}]))',
    ... )
    >>> rules = prometheus_rules(terms, [sli])
    >>> [alert["alert"] for alert in rules["groups"][0]["rules"] if "alert" in alert]
    ['SlakitFastBurn', 'SlakitBurn', 'SlakitSlowBurn', 'SlakitSteadyBurn']
    >>> text = json.dumps(rules)  # a rules file: Prometheus reads JSON, which is YAML
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from slakit._dsl._agreement import Agreement
from slakit._dsl._objectives import Objective
from slakit._dsl._requests import RequestRatio
from slakit._dsl._uptime import Uptime
from slakit._results._live import SRE_WORKBOOK_ALERTS, BurnAlert
from slakit.exceptions import SlakitError

__all__ = ["MappingError", "PromSLI", "prometheus_rules"]

_US = 1_000_000
_UNITS = (("d", 86_400 * _US), ("h", 3_600 * _US), ("m", 60 * _US), ("s", _US), ("ms", 1_000))


class MappingError(SlakitError):
    """An objective that the monitoring backend cannot express (or only approximately).

    ``problems`` lists, per objective, what cannot be written and why.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            "cannot write these objectives as monitoring rules:\n  "
            + "\n  ".join(self.problems)
            + "\n(give approximate=True to accept the approximations listed, where there are)"
        )


def _check_query(value: object, name: str) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not value.strip():
        raise SlakitError(f"{name}={value!r} must be a PromQL expression")
    if name != "up" and "{window}" not in value:
        raise SlakitError(
            f"{name}={value!r} must hold {{window}} where the range goes, as in "
            "'sum(rate(http_requests_total[{window}]))'"
        )


@attrs.frozen
class PromSLI:
    """How Prometheus reads one objective's measure.

    Either ``errors`` and ``total``, PromQL expressions of the error and total
    counts' rates with ``{window}`` where the range goes
    (``'sum(rate(http_requests_total{code=~"5.."}[{window}]))'``), or ``up``,
    an expression of a series that is 1 when up and 0 when down (``up{job="api"}``,
    ``probe_success``), read as ``1 - avg_over_time(up[window])``.
    """

    errors: str | None = None
    total: str | None = None
    up: str | None = None

    def __attrs_post_init__(self) -> None:
        counts = self.errors is not None or self.total is not None
        if counts == (self.up is not None) or (counts and None in (self.errors, self.total)):
            raise SlakitError("PromSLI takes errors= and total=, or up=, and nothing else")
        _check_query(self.errors, "errors")
        _check_query(self.total, "total")
        _check_query(self.up, "up")

    def error_ratio(self, window: str) -> str:
        """Return the PromQL of the error ratio over ``window`` (``"5m"``)."""
        if self.up is not None:
            return f"1 - avg_over_time(({self.up})[{window}:])"
        assert self.errors is not None
        assert self.total is not None
        errors = self.errors.replace("{window}", window)
        total = self.total.replace("{window}", window)
        return f"({errors}) / ({total})"


def prom_duration(us: int) -> str:
    """Return microseconds as a Prometheus duration (``"5m"``, ``"1d"``), in one unit."""
    for unit, size in _UNITS:
        if us % size == 0:
            return f"{us // size}{unit}"
    raise SlakitError(f"{us} microseconds is not a whole number of milliseconds")


def _number(value: Fraction) -> str:
    """Return an exact number as PromQL text: a decimal where one is exact, else ``(a / b)``."""
    den = value.denominator
    while den % 2 == 0:
        den //= 2
    while den % 5 == 0:
        den //= 5
    if den == 1:
        text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"({value.numerator} / {value.denominator})"


def _problems(objective: Objective, sli: PromSLI) -> tuple[list[str], list[str]]:
    """Return what cannot map at all, and what maps only approximately."""
    measure = objective.measure
    refused: list[str] = []
    approximated: list[str] = []
    if objective.comparator not in (">=", ">") or not 0 < objective.target < 1:
        refused.append("only objectives 'at least a share below 100%' have an error budget")
    if isinstance(measure, RequestRatio):
        if sli.up is not None:
            approximated.append("requests read from a 0/1 series: samples stand for requests")
        if measure.min_requests > 1:
            approximated.append(f"min_requests={measure.min_requests} is not applied")
    elif isinstance(measure, Uptime):
        if sli.up is None:
            refused.append("uptime is read from a 0/1 series: give PromSLI(up=...)")
        approximated.append("the share of samples down stands for the share of time down")
        if measure.min_outage.us or measure.granularity is not None:
            approximated.append("minimum outage lengths and bucket rules are not applied")
        if (
            measure.states != _default_states()
            or measure.affected_share
            or measure.components
            or measure.denominator != "period"
        ):
            approximated.append(
                "degraded states, affected shares, components and deployment windows are not "
                "applied: a sample is up or down"
            )
        if measure.during is not None:
            approximated.append("service hours cannot be written in PromQL: every hour counts")
        if measure.excluding:
            approximated.append(
                "exclusions (maintenance notice and allowances, corrections) cannot be "
                "written in PromQL: nothing is excluded"
            )
    else:
        refused.append(f"{measure.label} cannot be written as an error ratio in PromQL")
    return refused, approximated


def _default_states() -> tuple[tuple[str, Decimal], ...]:
    """Return the states an uptime measure counts by default: down, fully."""
    return Uptime().states


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "slo"


def prometheus_rules(
    agreement: Agreement,
    slis: Sequence[PromSLI],
    *,
    alerts: Sequence[BurnAlert] = SRE_WORKBOOK_ALERTS,
    approximate: bool = False,
) -> dict[str, Any]:
    """Return Prometheus recording and alerting rules for the agreement's objectives.

    One rule group per objective of the agreement's tier (``slis[k]`` reads the
    ``k``-th objective): a recording rule of the error ratio per burn window
    (``slakit:sli_error:ratio_rate5m`` ..., labelled with the agreement and the
    objective), and one alert per burn-rate alert, firing when both its windows
    burn faster than its factor times the error budget (``1 - target``), with
    its severity. The result is plain data: ``json.dumps()`` of it is a rules
    file (Prometheus reads JSON as YAML); ``promtool check rules`` accepts it.

    Raises:
        MappingError: an objective cannot be written in PromQL, or only
            approximately and ``approximate`` is false (every problem listed).
        SlakitError: not one ``PromSLI`` per objective.
    """
    objectives = agreement.tier.objectives
    if len(slis) != len(objectives):
        raise SlakitError(
            f"give one PromSLI per objective: the tier has {len(objectives)}, "
            f"{len(slis)} were given"
        )
    problems: list[str] = []
    groups = []
    for number, (objective, sli) in enumerate(zip(objectives, slis, strict=True), start=1):
        refused, approximated = _problems(objective, sli)
        where = f"objective {number} ({objective.describe()})"
        problems.extend(f"{where}: {p}" for p in refused)
        if approximated and not approximate:
            problems.extend(f"{where}: approximately only: {p}" for p in approximated)
        if refused or (approximated and not approximate):
            continue
        groups.append(
            _group(
                agreement,
                objective=objective,
                number=number,
                sli=sli,
                alerts=alerts,
                approximated=approximated,
            )
        )
    if problems:
        raise MappingError(problems)
    return {"groups": groups}


def _group(
    agreement: Agreement,
    *,
    objective: Objective,
    number: int,
    sli: PromSLI,
    alerts: Sequence[BurnAlert],
    approximated: list[str],
) -> dict[str, Any]:
    labels = {
        "slakit_agreement": agreement.title,
        "slakit_objective": objective.describe(),
    }
    windows = sorted({w for a in alerts for w in (a.long, a.short)})
    selector = ",".join(f'{k}="{_escaped(v)}"' for k, v in labels.items())
    rules: list[dict[str, Any]] = [
        {
            "record": f"slakit:sli_error:ratio_rate{prom_duration(w)}",
            "expr": sli.error_ratio(prom_duration(w)),
            "labels": dict(labels),
        }
        for w in windows
    ]
    budget = 1 - Fraction(objective.target)
    notes = [f"the queries must count errors as the contract does: {objective.measure.describe()}"]
    notes += [f"approximation: {text}" for text in approximated]
    for alert in alerts:
        threshold = f"({_number(Fraction(alert.factor))} * {_number(budget)})"
        long = f"slakit:sli_error:ratio_rate{prom_duration(alert.long)}{{{selector}}}"
        short = f"slakit:sli_error:ratio_rate{prom_duration(alert.short)}{{{selector}}}"
        rules.append(
            {
                "alert": "Slakit" + "".join(w.capitalize() for w in _slug(alert.name).split("_")),
                "expr": f"({long} > {threshold}) and ({short} > {threshold})",
                "labels": {**labels, "severity": alert.severity},
                "annotations": {
                    "summary": (
                        f"{agreement.title}: {objective.describe()} burns its error budget "
                        f"faster than {_number(Fraction(alert.factor))}x over "
                        f"{prom_duration(alert.long)} and {prom_duration(alert.short)}"
                    ),
                    "slakit": "; ".join(notes),
                },
            }
        )
    name = f"slakit_{_slug(agreement.title)}_objective_{number}"
    return {"name": name, "rules": rules}


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
