"""Monitoring that follows the contract: Prometheus rules and OpenSLO v1 documents.

[`openslo_documents()`][slakit.monitoring.openslo_documents] writes an
agreement's objectives as OpenSLO v1 SLOs with the contract's calendar-aligned
window, and [`from_openslo()`][slakit.monitoring.from_openslo] reads an SLO
into a slakit objective and its window.

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
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs

from slakit._dsl._agreement import Agreement
from slakit._dsl._objectives import Objective
from slakit._dsl._requests import RequestRatio
from slakit._dsl._uptime import Uptime
from slakit._results._live import SRE_WORKBOOK_ALERTS, BurnAlert
from slakit.exceptions import SlakitError

__all__ = [
    "OPENSLO",
    "ImportedSLO",
    "MappingError",
    "OpenSLOMetric",
    "PromSLI",
    "from_openslo",
    "openslo_documents",
    "prometheus_rules",
]

_US = 1_000_000
_UNITS = (("d", 86_400 * _US), ("h", 3_600 * _US), ("m", 60 * _US), ("s", _US), ("ms", 1_000))


class MappingError(SlakitError):
    """An objective that the monitoring backend cannot express (or only approximately).

    ``problems`` lists, per objective, what cannot be written and why.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        hint = (
            "\n(give approximate=True to accept the approximations listed)"
            if any("approximately only" in p for p in self.problems)
            else ""
        )
        super().__init__(
            "cannot map between the agreement and the monitoring format:\n  "
            + "\n  ".join(self.problems)
            + hint
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


_SAMPLES = "the share of samples down stands for the share of time down"


def _problems(
    objective: Objective, *, backend: str, samples: bool, need_samples: str = ""
) -> tuple[list[str], list[str]]:
    """Return what of ``objective`` cannot map to ``backend`` at all, and what only approximately.

    ``samples``: the measure is read from a 0/1 series (or as good over total
    samples) rather than from counts of requests; ``need_samples`` is the
    refusal for an uptime measure that is not (empty: uptime is always read so).
    """
    measure = objective.measure
    refused: list[str] = []
    approximated: list[str] = []
    if objective.comparator not in (">=", ">") or not 0 < objective.target < 1:
        refused.append("only objectives 'at least a share below 100%' have an error budget")
    if isinstance(measure, RequestRatio):
        if samples:
            approximated.append("requests read from a 0/1 series: samples stand for requests")
        if measure.min_requests > 1:
            approximated.append(f"min_requests={measure.min_requests} is not applied")
    elif isinstance(measure, Uptime):
        if not samples and need_samples:
            refused.append(need_samples)
        approximated.append(_SAMPLES)
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
            approximated.append(f"service hours cannot be written in {backend}: every hour counts")
        if measure.excluding:
            approximated.append(
                "exclusions (maintenance notice and allowances, corrections) cannot be "
                f"written in {backend}: nothing is excluded"
            )
    else:
        refused.append(f"{measure.label} cannot be written as an error ratio in {backend}")
    return refused, approximated


def _mapped(
    agreement: Agreement,
    items: Sequence[Any],
    what: str,
    *,
    approximate: bool,
    problems_of: Callable[[Objective, Any], tuple[list[str], list[str]]],
) -> list[tuple[int, Objective, Any, list[str]]]:
    """Return ``(number, objective, item, approximations)`` for each objective that maps.

    ``items`` are one ``what`` per objective of the tier; ``problems_of`` says
    what cannot map and what maps approximately.

    Raises:
        SlakitError: not one item per objective.
        MappingError: an objective does not map, or only approximately and
            ``approximate`` is false (every problem of every objective listed).
    """
    objectives = agreement.tier.objectives
    if len(items) != len(objectives):
        raise SlakitError(
            f"give one {what} per objective: the tier has {len(objectives)}, "
            f"{len(items)} were given"
        )
    problems: list[str] = []
    out = []
    for number, (objective, item) in enumerate(zip(objectives, items, strict=True), start=1):
        refused, approximated = problems_of(objective, item)
        where = f"objective {number} ({objective.describe()})"
        problems.extend(f"{where}: {p}" for p in refused)
        if approximated and not approximate:
            problems.extend(f"{where}: approximately only: {p}" for p in approximated)
        out.append((number, objective, item, approximated))
    if problems:
        raise MappingError(problems)
    return out


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

    def problems_of(objective: Objective, sli: PromSLI) -> tuple[list[str], list[str]]:
        return _problems(
            objective,
            backend="PromQL",
            samples=sli.up is not None,
            need_samples="uptime is read from a 0/1 series: give PromSLI(up=...)",
        )

    mapped = _mapped(agreement, slis, "PromSLI", approximate=approximate, problems_of=problems_of)
    groups = [
        _group(
            agreement,
            objective=objective,
            number=number,
            sli=sli,
            alerts=alerts,
            approximated=approximated,
        )
        for number, objective, sli, approximated in mapped
    ]
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


# --- OpenSLO v1 -----------------------------------------------------------------------------------

#: The OpenSLO version read and written.
OPENSLO = "openslo/v1"
_SHORTHAND = re.compile(r"([1-9][0-9]{0,8})([mhdwMQY])")
_SHORTHAND_US = {"m": 60 * _US, "h": 3_600 * _US, "d": 86_400 * _US, "w": 7 * 86_400 * _US}
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@attrs.frozen
class OpenSLOMetric:
    """The metric queries of an exported SLO's indicator: bad (or good) and total.

    ``type`` names the data source (``"Prometheus"``, ``"Datadog"``, ...); the
    queries go in its ``spec`` as ``query``, as the OpenSLO examples write them.
    """

    total: str
    bad: str | None = None
    good: str | None = None
    type: str = "Prometheus"

    def __attrs_post_init__(self) -> None:
        if (self.bad is None) == (self.good is None):
            raise SlakitError("OpenSLOMetric takes bad= or good= (one of them) beside total=")


@attrs.frozen
class ImportedSLO:
    """An OpenSLO v1 SLO read into slakit: its objective, and the window it is counted over.

    ``period`` is the contract period its calendar-aligned window maps to;
    ``rolling`` the length of a rolling window (for
    [`status(rolling=...)`][slakit.status], since contracts pay per calendar
    period); one of them is set. ``approximations`` lists what was read
    approximately (only with ``approximate=True``).
    """

    name: str
    service: str | None
    objective: Objective
    period: Any  # PeriodRule | None
    rolling: Any  # Duration | None
    alerts: tuple[BurnAlert, ...] = ()
    approximations: tuple[str, ...] = ()


def _rfc1123(text: str) -> str:
    name = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return (name[:63].rstrip("-")) or "slo"


def _calendar(rule: Any) -> dict[str, Any]:
    """Return the OpenSLO calendar-aligned time window of a period rule."""
    from slakit._time._periods import Monthly, Quarterly, Rolling, Weeks, Yearly

    if isinstance(rule, Monthly):
        duration, start = "1M", f"2000-01-{rule.day:02d}"
    elif isinstance(rule, Quarterly):
        duration, start = "1Q", f"2000-{rule.start_month:02d}-01"
    elif isinstance(rule, Yearly):
        duration, start = "1Y", f"2000-{rule.start_month:02d}-01"
    elif isinstance(rule, Weeks):
        duration, start = "1w", f"2000-01-{3 + _WEEKDAYS.index(rule.starting):02d}"  # 3: a Monday
    elif isinstance(rule, Rolling):
        duration, start = f"{rule.days}d", str(rule.start)
    else:  # pragma: no cover - every rule is one of these
        raise MappingError([f"the period rule {rule!r} has no OpenSLO window"])
    return {
        "duration": duration,
        "calendar": {"startTime": f"{start} 00:00:00", "timeZone": rule.tz},
        "isRolling": False,
    }


def _number_value(value: Decimal) -> float | int:
    number = float(value)
    return int(number) if number.is_integer() else number


def openslo_documents(
    agreement: Agreement,
    metrics: Sequence[OpenSLOMetric],
    *,
    alerts: Sequence[BurnAlert] = SRE_WORKBOOK_ALERTS,
    approximate: bool = False,
) -> list[dict[str, Any]]:
    """Return an OpenSLO v1 ``SLO`` document per objective of the agreement's tier.

    Each has the objective's indicator (a ratio of ``metrics[k]``'s bad or good
    to total events), the contract's calendar-aligned window (its period rule:
    ``1M`` from the contract day, ``1Q``, ``1Y``, weeks, or rolling periods of
    days from their anchor, in the contract's zone), the budgeting method
    (``Occurrences`` for request ratios), and the target. With
    ``approximate=True`` the burn-rate alerts come too, as inline alert
    policies (OpenSLO v1 has one window per condition: ``lookbackWindow`` is
    the long window and ``alertAfter`` the short one, which is approximate),
    and uptime objectives are written as ratios of good to total samples.
    ``json.dumps()`` of each is a document (JSON is YAML).

    Raises:
        MappingError: an objective has no OpenSLO form, or only an approximate
            one and ``approximate`` is false (every problem listed).
        SlakitError: not one ``OpenSLOMetric`` per objective.
    """

    def problems_of(objective: Objective, _metric: object) -> tuple[list[str], list[str]]:
        refused, approximated = _problems(
            objective, backend="OpenSLO", samples=isinstance(objective.measure, Uptime)
        )
        if isinstance(objective.measure, Uptime):  # good and total samples: say it so
            approximated[approximated.index(_SAMPLES)] = (
                "uptime is written as a ratio of good to total samples"
            )
        return refused, approximated

    mapped = _mapped(
        agreement, metrics, "OpenSLOMetric", approximate=approximate, problems_of=problems_of
    )
    return [
        _slo(
            agreement,
            objective=objective,
            number=number,
            metric=metric,
            alerts=alerts if approximate else (),
            approximated=approximated,
        )
        for number, objective, metric, approximated in mapped
    ]


def _slo(
    agreement: Agreement,
    *,
    objective: Objective,
    number: int,
    metric: OpenSLOMetric,
    alerts: Sequence[BurnAlert],
    approximated: list[str],
) -> dict[str, Any]:
    name = _rfc1123(f"{agreement.customer}-{objective.measure.label}-{number}")
    measure = objective.measure
    service = getattr(measure, "service", None) or (
        agreement.services[0] if len(agreement.services) == 1 else agreement.title
    )

    def source(query: str) -> dict[str, Any]:
        return {"metricSource": {"type": metric.type, "spec": {"query": query}}}

    ratio: dict[str, Any] = {"counter": True, "total": source(metric.total)}
    if metric.bad is not None:
        ratio["bad"] = source(metric.bad)
    else:
        assert metric.good is not None
        ratio["good"] = source(metric.good)
    spec: dict[str, Any] = {
        "description": measure.describe()[:1050],
        "service": service,
        "indicator": {"metadata": {"name": f"{name}-sli"[:63]}, "spec": {"ratioMetric": ratio}},
        "timeWindow": [_calendar(agreement.period)],
        "budgetingMethod": "Occurrences",
        "objectives": [
            {"displayName": objective.describe(), "target": _number_value(objective.target)}
        ],
    }
    if alerts:
        spec["alertPolicies"] = [_policy(name, alert) for alert in alerts]
    document: dict[str, Any] = {
        "apiVersion": OPENSLO,
        "kind": "SLO",
        "metadata": {"name": name, "displayName": f"{agreement.title}: {objective.describe()}"},
        "spec": spec,
    }
    if approximated:
        document["metadata"]["annotations"] = {"slakit.dev/approximations": "; ".join(approximated)}
    return document


def _policy(name: str, alert: BurnAlert) -> dict[str, Any]:
    slug = _rfc1123(f"{name}-{alert.name}")
    return {
        "kind": "AlertPolicy",
        "metadata": {"name": slug},
        "spec": {
            "alertWhenBreaching": True,
            "alertWhenResolved": False,
            "alertWhenNoData": False,
            "conditions": [
                {
                    "kind": "AlertCondition",
                    "metadata": {"name": slug},
                    "spec": {
                        "severity": alert.severity,
                        "condition": {
                            "kind": "burnrate",
                            "op": "gt",
                            "threshold": _threshold(Fraction(alert.factor)),
                            "lookbackWindow": _shorthand(alert.long),
                            "alertAfter": _shorthand(alert.short),
                        },
                    },
                }
            ],
            "notificationTargets": [],
        },
    }


def _threshold(factor: Fraction) -> float | int:
    """Return a burn-rate factor as a YAML number (exact where it is a finite decimal)."""
    text = _number(factor)
    return float(factor) if "/" in text else _number_value(Decimal(text))


def _shorthand(us: int) -> str:
    """Return microseconds as an OpenSLO duration shorthand (``5m``, ``1h``, ``3d``)."""
    for unit in ("w", "d", "h", "m"):
        size = _SHORTHAND_US[unit]
        if us % size == 0:
            return f"{us // size}{unit}"
    raise MappingError([f"{us} microseconds is not a whole number of minutes"])


def _load(document: Mapping[str, Any] | str) -> Mapping[str, Any]:
    if not isinstance(document, str):
        return document
    try:
        import yaml
    except ImportError:  # pragma: no cover - depends on the environment
        raise SlakitError(
            "reading OpenSLO YAML needs pyyaml: install the extra slakit[yaml]; or pass the "
            "document as a dict"
        ) from None
    loaded = yaml.safe_load(document)
    if not isinstance(loaded, Mapping):
        raise MappingError(["the document is not a mapping"])
    return loaded


def _duration_us(text: object, where: str) -> int:
    match = _SHORTHAND.fullmatch(str(text))
    if match is None or match.group(2) not in _SHORTHAND_US:
        raise MappingError(
            [f"{where}: {text!r} is not a duration of minutes, hours, days or weeks"]
        )
    return int(match.group(1)) * _SHORTHAND_US[match.group(2)]


def _target(objective: Mapping[str, Any], where: str) -> Decimal:
    if "target" in objective:
        return Decimal(str(objective["target"]))
    if "targetPercent" in objective:
        return Decimal(str(objective["targetPercent"])) / 100
    raise MappingError([f"{where}: an objective needs target or targetPercent"])


def _window(window: Mapping[str, Any], problems: list[str], approximated: list[str]) -> Any:
    """Return the period rule of a calendar-aligned window, or the Duration of a rolling one."""
    import datetime as dt

    from slakit._time._instant import Duration
    from slakit._time._periods import monthly, quarterly, rolling, weekly_periods, yearly

    duration = str(window.get("duration", ""))
    calendar = window.get("calendar")
    if window.get("isRolling", calendar is None):
        return Duration(_duration_us(duration, "timeWindow.duration"))
    if not isinstance(calendar, Mapping):
        problems.append("timeWindow: a calendar-aligned window needs calendar")
        return None
    zone = str(calendar.get("timeZone", "UTC"))
    start_text = str(calendar.get("startTime", ""))
    try:
        start = dt.datetime.fromisoformat(start_text)
    except ValueError:
        problems.append(f"timeWindow.calendar.startTime: {start_text!r} is not a date and time")
        return None
    if start.time() != dt.time(0):
        approximated.append(
            f"the window starts at {start.time()}; a contract's periods start at local midnight"
        )
    match = _SHORTHAND.fullmatch(duration)
    if match is None:
        problems.append(f"timeWindow.duration: {duration!r} is not a duration shorthand")
        return None
    count, unit = int(match.group(1)), match.group(2)
    day = start.date()
    if (count, unit) == (1, "M"):
        return monthly(tz=zone, day=day.day)
    if (count, unit) == (1, "Q"):
        return quarterly(tz=zone, start_month=day.month)
    if (count, unit) == (1, "Y"):
        return yearly(tz=zone, start_month=day.month)
    if (count, unit) == (1, "w"):
        return weekly_periods(tz=zone, starting=_WEEKDAYS[day.weekday()])
    if unit in ("d", "w"):
        return rolling(days=count * (7 if unit == "w" else 1), start=day, tz=zone)
    problems.append(
        f"timeWindow.duration: {duration!r} has no contract period ('m' is minutes; a month is "
        "'1M'); periods are 1M, 1Q, 1Y, weeks or days"
    )
    return None


def from_openslo(
    document: Mapping[str, Any] | str,
    *,
    latency_unit: Literal["ms", "s"] | None = None,
    approximate: bool = False,
) -> ImportedSLO:
    """Return an OpenSLO v1 ``SLO`` document as a slakit objective and its window.

    What is read exactly: a ratio indicator (good or bad over total) with
    ``Occurrences`` as a [`success_ratio()`][slakit.success_ratio]; a threshold
    indicator of latency below a value (``op: lt`` or ``lte``; give
    ``latency_unit``, which OpenSLO leaves to the data source) as a
    [`latency_share()`][slakit.latency_share]; ``Timeslices`` with a
    ``timeSliceTarget`` as a [`bucket_availability()`][slakit.bucket_availability]
    (a slice is down when its error rate exceeds ``1 - timeSliceTarget``);
    ``RatioTimeslices`` as an [`error_rate_uptime()`][slakit.error_rate_uptime];
    ``target`` or ``targetPercent`` as the objective's target. A calendar-aligned
    window of ``1M``, ``1Q``, ``1Y``, ``1w`` or days becomes the contract's period
    rule in its zone; a rolling window its length. The queries themselves are
    the data source's: your request table must count good and bad requests as
    they do. Approximately (with ``approximate=True``, listed): a window that
    does not start at midnight; burn-rate alert conditions (``lookbackWindow``
    as the long window, ``alertAfter`` as the short one). Anything else
    (composite SLOs, ``raw`` ratios, other operators) is refused.

    Raises:
        MappingError: what cannot be read, or only approximately without
            ``approximate`` (every problem listed).
    """
    data = _load(document)
    problems: list[str] = []
    approximated: list[str] = []
    if data.get("apiVersion") != OPENSLO or data.get("kind") != "SLO":
        raise MappingError([f"not an {OPENSLO} SLO: apiVersion and kind must say so"])
    metadata = data.get("metadata") or {}
    spec = data.get("spec") or {}
    objectives = spec.get("objectives") or []
    if len(objectives) != 1:
        raise MappingError([f"objectives: one objective is read, {len(objectives)} were given"])
    wanted = objectives[0]
    if "indicator" in wanted or "indicatorRef" in wanted:
        raise MappingError(["a composite SLO (an indicator per objective) is not read"])
    if "indicatorRef" in spec:
        problems.append("indicatorRef: give the indicator inline")
    indicator = (spec.get("indicator") or {}).get("spec") or {}
    target = _target(wanted, "objectives[0]")
    measure = _measure_of(indicator, wanted, spec.get("budgetingMethod"), latency_unit, problems)
    windows = spec.get("timeWindow") or []
    window: Any = None
    if len(windows) != 1:
        problems.append("timeWindow: exactly one window is read")
    else:
        window = _window(windows[0], problems, approximated)
    alerts = _alerts_of(spec, problems, approximated)
    if approximated and not approximate:
        problems.extend(f"approximately only: {text}" for text in approximated)
    if problems or measure is None:
        raise MappingError(problems or ["nothing to read"])
    service = spec.get("service")
    from slakit._time._instant import Duration

    objective = measure >= f"{target * 100}%"
    return ImportedSLO(
        name=str(metadata.get("name", "slo")),
        service=None if service is None else str(service),
        objective=objective,
        period=None if isinstance(window, Duration) else window,
        rolling=window if isinstance(window, Duration) else None,
        alerts=tuple(alerts),
        approximations=tuple(approximated),
    )


def _measure_of(
    indicator: Mapping[str, Any],
    wanted: Mapping[str, Any],
    method: object,
    latency_unit: str | None,
    problems: list[str],
) -> Any:
    """Return the slakit measure of an OpenSLO indicator and budgeting method, or ``None``."""
    from slakit._dsl._requests import (
        bucket_availability,
        error_rate_uptime,
        latency_share,
        success_ratio,
    )
    from slakit._time._instant import Duration

    if "ratioMetric" in indicator:
        if "raw" in indicator["ratioMetric"]:
            problems.append("ratioMetric.raw: a precomputed ratio has no requests to count")
            return None
        if method == "Occurrences":
            return success_ratio()
        if method not in ("Timeslices", "RatioTimeslices"):
            problems.append(
                f"budgetingMethod: {method!r} is not Occurrences, Timeslices or RatioTimeslices"
            )
            return None
        bucket = Duration(_duration_us(wanted.get("timeSliceWindow"), "timeSliceWindow"))
        if method == "RatioTimeslices":
            return error_rate_uptime(bucket=bucket)
        if "timeSliceTarget" not in wanted:
            problems.append("Timeslices needs timeSliceTarget")
            return None
        slice_target = Decimal(str(wanted["timeSliceTarget"]))
        return bucket_availability(bucket=bucket, max_error_rate=1 - slice_target)
    if "thresholdMetric" in indicator:
        op = wanted.get("op")
        if method != "Occurrences" or op not in ("lt", "lte"):
            problems.append(
                "a threshold indicator is read as a latency share: budgetingMethod Occurrences "
                "with op lt or lte"
            )
            return None
        if latency_unit not in ("ms", "s"):
            problems.append(
                "a threshold value has no unit in OpenSLO: give latency_unit='ms' or 's'"
            )
            return None
        us = Decimal(str(wanted.get("value"))) * (1_000 if latency_unit == "ms" else _US)
        if us != us.to_integral_value() or us <= 0:
            problems.append(f"value: {wanted.get('value')!r} is not a whole number of microseconds")
            return None
        bound = Duration(int(us))
        return latency_share(under=bound) if op == "lt" else latency_share(at_most=bound)
    problems.append("the indicator needs ratioMetric or thresholdMetric")
    return None


def _alerts_of(
    spec: Mapping[str, Any], problems: list[str], approximated: list[str]
) -> list[BurnAlert]:
    """Return the burn-rate alert conditions of inline alert policies."""
    alerts: list[BurnAlert] = []
    for policy in spec.get("alertPolicies") or []:
        for condition in (policy.get("spec") or {}).get("conditions") or []:
            inner = (condition.get("spec") or {}).get("condition") or {}
            if inner.get("kind", "burnrate") != "burnrate" or inner.get("op") not in ("gt", "gte"):
                problems.append("alert conditions are read when they are burn rates above a value")
                continue
            approximated.append(
                "a burn-rate condition's alertAfter is read as the short window of a "
                "multi-window alert"
            )
            alerts.append(
                BurnAlert(
                    str((condition.get("metadata") or {}).get("name", "burn")),
                    long=_duration_us(inner.get("lookbackWindow"), "lookbackWindow"),
                    short=_duration_us(inner.get("alertAfter", "5m"), "alertAfter"),
                    factor=Fraction(str(inner.get("threshold"))),
                    severity=str((condition.get("spec") or {}).get("severity", "page")),
                )
            )
    return alerts
