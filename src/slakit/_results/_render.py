"""Renderings of a report: plain JSON-ready data, and text a customer can check."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from slakit._dsl._compensation import Band
from slakit._dsl._objectives import Objective
from slakit._ratio import format_percent, percent_of
from slakit._results._evidence import EvidenceColumns, SpanColumns, object_array
from slakit._results._uncovered import UncoveredGroup, noun
from slakit._results._values import Compensation, CreditLine, ObjectiveResult, fraction_text
from slakit._time._instant import (
    MAX_INSTANT_US,
    MIN_INSTANT_US,
    US_PER_DAY,
    describe_us,
    format_us,
)

if TYPE_CHECKING:
    from slakit._dsl._agreement import Agreement
    from slakit._results._report import ObjectiveColumn, Report

__all__ = [
    "explain",
    "fees_text",
    "instants_text",
    "report_to_dict",
    "seconds_text",
    "uncovered_lines",
    "uncovered_to_dict",
]

I64 = npt.NDArray[np.int64]


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


#: What an objective's row says about one exact value: value, percent, margin points, margin.
_ValueTexts = tuple[str | None, str | None, str | None, str | None]
_NO_VALUE: _ValueTexts = (None, None, None, None)


class _Texts:
    """The texts of one rendering, each worked out once per distinct value.

    A report over many services repeats a few values (a share, a band, a
    base fee, an uptime many services share): the texts are kept here, by
    value, for the length of one ``to_dict()`` call, and are the same strings
    the per-object renderings give.
    """

    def __init__(self) -> None:
        self.percents: dict[Decimal, str] = {}
        self.bands: dict[int, tuple[Band, str]] = {}

    def objective_rows(self, column: ObjectiveColumn) -> list[dict[str, Any]]:
        """Return one objective's rows, one per service, from the outcome's integer columns."""
        from slakit._results._report import VERDICTS

        objective = column.objective
        outcome = column.outcome
        described = objective.describe()
        target = format_percent(objective.target)
        verdicts = [v.value for v in VERDICTS]
        resolved = column.resolved_by
        values: dict[tuple[int, int], _ValueTexts] = {}
        rows = []
        for service, good, total, code in zip(
            outcome.services,
            outcome.good.tolist(),
            outcome.total.tolist(),
            column.verdict.tolist(),
            strict=True,
        ):
            key = (good, total)
            texts = values.get(key)
            if texts is None:
                texts = values[key] = _value_texts(objective, good, total)
            value, percent, points, margin = texts
            rows.append(
                {
                    "service": service,
                    "objective": described,
                    "value": value,
                    "percent": percent,
                    "target": target,
                    "verdict": verdicts[code],
                    "margin_points": points,
                    "margin": margin,
                    "resolved_by": resolved if total == 0 else None,
                }
            )
        return rows

    def percent(self, value: Fraction | Decimal | None) -> str | None:
        """Return ``format_percent(value)``, once per distinct value."""
        if value is None:
            return None
        if not isinstance(value, Decimal):
            return format_percent(value)  # which remembers measured values itself
        text = self.percents.get(value)
        if text is None:
            text = self.percents[value] = format_percent(value)
        return text

    def band(self, band: Band | None) -> str | None:
        """Return ``band.interval()``, once per band."""
        if band is None:
            return None
        found = self.bands.get(id(band))
        if found is None or found[0] is not band:
            found = self.bands[id(band)] = (band, band.interval())
        return found[1]

    def credit(self, line: CreditLine) -> dict[str, Any]:
        """Return one credit line as plain data."""
        value = line.value
        return {
            "service": line.service,
            "rule": line.rule,
            "tier": line.tier,
            "value": _exact(value),
            "percent": self.percent(value),
            "band": self.band(line.band),
            "share": self.percent(line.share),
            "base": {"amount": str(line.base.amount), "currency": line.base.currency},
            "proration": str(line.proration),
            "amount_exact": str(line.amount),
            "note": line.note,
            "kind": line.kind,
            "formula": line.formula,
            "period": line.period,
        }


def _value_texts(objective: Objective, good: int, total: int) -> _ValueTexts:
    """Return the texts of an objective's exact value ``good / total`` (``None`` for no data).

    The same strings as ``ObjectiveResult``'s ``value``, ``percent``,
    ``margin_points`` and ``margin_shown`` give, without building the result.
    """
    if total == 0:
        return _NO_VALUE
    value = Fraction(good, total)
    margin = objective.margin(value)
    return (
        str(value),
        format_percent(value),
        str(percent_of(margin)),
        objective.measure.format_margin(margin),
    )


def _digits(out: npt.NDArray[np.uint8], column: int, values: I64, width: int) -> None:
    """Write ``values`` (``width`` digits at most) as ASCII into ``width`` columns of ``out``."""
    for k in range(width):
        out[:, column + width - 1 - k] = 48 + (values // 10**k) % 10


def _words(rows: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint64]:
    """Return rows of eight bytes as one little-endian ``uint64`` each."""
    return np.ascontiguousarray(rows).view("<u8").reshape(-1)


def _dates(days: I64) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint16]]:
    """Return the ``YYYY-MM-DD`` of each day since the epoch, as its first eight and last two bytes.

    The proleptic Gregorian calendar in integers (the civil-from-days algorithm).
    """
    shifted = days + 719_468  # days since 0000-03-01
    era = shifted // 146_097
    day_of_era = shifted - era * 146_097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36_524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    month_from_march = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * month_from_march + 2) // 5 + 1
    month = np.where(month_from_march < 10, month_from_march + 3, month_from_march - 9)
    year = year_of_era + era * 400 + (month <= 2)
    out = np.zeros((days.shape[0], 16), dtype=np.uint8)
    _digits(out, 0, year, 4)
    _digits(out, 5, month, 2)
    _digits(out, 8, day, 2)
    out[:, 4] = out[:, 7] = ord("-")
    return _words(out[:, :8]), _words(out[:, 8:]).astype("<u2")


@functools.cache
def _clock() -> npt.NDArray[np.uint64]:
    """Return ``HH:MM:SS`` of every second of a day, eight ASCII bytes each, as ``uint64``."""
    second = np.arange(US_PER_DAY // 1_000_000, dtype=np.int64)
    out = np.empty((second.shape[0], 8), dtype=np.uint8)
    _digits(out, 0, second // 3600, 2)
    _digits(out, 3, second // 60 % 60, 2)
    _digits(out, 6, second % 60, 2)
    out[:, 2] = out[:, 5] = ord(":")
    words = _words(out)
    words.flags.writeable = False
    return words


@functools.cache
def _thousandths() -> npt.NDArray[np.uint64]:
    """Return the three ASCII digits of ``0`` to ``999`` as the low bytes of a ``uint64`` each."""
    x = np.arange(1000, dtype=np.uint64)
    hundreds, tens, units = x // 100, x // 10 % 10, x % 10
    words: npt.NDArray[np.uint64] = (
        (48 + hundreds) | (48 + tens) << np.uint64(8) | (48 + units) << np.uint64(16)
    )
    words.flags.writeable = False
    return words


#: One formatted instant, ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` and a space, as four fields (the
#: date's first eight and last two bytes, the time of day, the fraction and ``Z``); spaces
#: fill what a whole second leaves out.
_INSTANT = np.dtype(
    {
        "names": ["date", "date_end", "clock", "fraction"],
        "formats": ["<u8", "<u2", "<u8", "<u8"],
        "offsets": [0, 8, 11, 19],
        "itemsize": 28,
    }
)


#: How many instants ``instants_text()`` writes at a time (its buffers: about 120 bytes each).
INSTANTS_AT_ONCE = 1 << 20


def instants_text(values: npt.NDArray[np.int64]) -> list[str]:
    """Return ``format_us()`` of every instant, formatted by numpy in one pass.

    Each instant is written as ASCII bytes into one row of a byte matrix: the
    date from the civil calendar in integers (each day of the range once),
    the time of day from a table of the day's seconds, the fraction (only
    where there is one, as ``format_us()`` drops a zero fraction) from a
    table of three digits; the rows are decoded at once and split at the
    spaces that end them. Instants outside the supported range (which only a
    message about them can hold) are written by ``format_us()`` itself, so
    the texts are always the same. Long arrays are written
    ``INSTANTS_AT_ONCE`` instants at a time, which bounds the buffers.
    """
    if values.shape[0] <= INSTANTS_AT_ONCE:
        return _instants(values)
    text: list[str] = []
    for start in range(0, values.shape[0], INSTANTS_AT_ONCE):
        text += _instants(values[start : start + INSTANTS_AT_ONCE])
    return text


def _instants(values: npt.NDArray[np.int64]) -> list[str]:
    """Return ``format_us()`` of every instant (see ``instants_text()``)."""
    n = values.shape[0]
    if not n:
        return []
    inside = (values >= MIN_INSTANT_US) & (values <= MAX_INSTANT_US)
    every = bool(inside.all())
    seconds, fraction = np.divmod(values if every else np.where(inside, values, 0), 1_000_000)
    days, second = np.divmod(seconds, US_PER_DAY // 1_000_000)
    rows = np.full((n, _INSTANT.itemsize), ord(" "), dtype=np.uint8)
    out = rows.view(_INSTANT).reshape(n)
    first = int(days.min())
    span = int(days.max()) - first + 1
    if span <= 4 * n + 1024:  # every day of the range, each formatted once
        dates, day = _dates(np.arange(first, first + span, dtype=np.int64)), days - first
    else:
        distinct, which = np.unique(days, return_inverse=True)
        dates, day = _dates(distinct), which.reshape(-1)
    out["date"] = dates[0][day]
    out["date_end"] = dates[1][day]
    out["clock"] = _clock()[second]
    z = np.uint64(ord("Z"))
    out["fraction"] = z | np.uint64(0x2020_2020_2020_2000)  # "Z" and seven spaces
    broken = np.flatnonzero(fraction)
    if broken.size:
        three = _thousandths()
        part = fraction[broken].astype(np.uint64)
        out["fraction"][broken] = (
            np.uint64(ord("."))
            | three[part // 1000] << np.uint64(8)
            | three[part % 1000] << np.uint64(32)
            | z << np.uint64(56)
        )
    rows[:, 10] = ord("T")
    # an instant holds no space: one split at the runs of spaces gives every instant
    text: list[str] = str(rows.data, "ascii").split()
    if not every:
        for i in np.flatnonzero(~inside).tolist():
            text[i] = format_us(int(values[i]))
    return text


def seconds_text(us: npt.NDArray[np.int64]) -> list[str]:
    """Return ``str(Fraction(us, 1_000_000))`` of each length, each distinct length once.

    A whole number of seconds is written as one (``"3600"``), any other length
    as the reduced fraction (``"3/2"``).
    """
    if not us.shape[0]:
        return []
    distinct, which = np.unique(us, return_inverse=True)
    common = np.gcd(distinct, 1_000_000)
    text = object_array((distinct // common).astype(str).tolist())
    for i in np.flatnonzero(common != 1_000_000).tolist():  # fractions of a second
        text[i] = f"{text[i]}/{1_000_000 // int(common[i])}"
    out: list[str] = text[which.reshape(-1)].tolist()
    return out


def _spans(
    spans: SpanColumns, names: npt.NDArray[np.object_], texts: Iterator[list[str]]
) -> dict[str, list[str]]:
    """Return spans as columns: service, start, end, and length in seconds (exact)."""
    return {
        "service": names[spans.service].tolist(),
        "start": next(texts),
        "end": next(texts),
        "seconds": seconds_text(spans.end - spans.start),
    }


def _weighted_seconds(columns: EvidenceColumns) -> list[str | None]:
    """Return each service's weighted down time in seconds, exact (``None``: not weighted)."""
    if columns.weighted_down is None:
        return [None] * len(columns.services)
    texts: dict[Fraction, str] = {}
    return [
        None if w is None else texts.get(w) or texts.setdefault(w, str(w / 1_000_000))
        for w in columns.weighted_down
    ]


def _evidence(columns: EvidenceColumns) -> dict[str, Any]:
    """Return one measure's evidence as columns: one table per kind of row.

    ``services`` has a row per service, ``down``, ``excluded`` and
    ``outside_window`` a row per span, ``events`` a row per event; every
    table is a dict of equal-length lists. The instants of every table are
    formatted together, in one pass.
    """
    sets = (columns.down, columns.excluded, columns.outside_window)
    events = columns.events
    arrays = [a for spans in sets for a in (spans.start, spans.end)] + [events.start, events.end]
    text = instants_text(np.concatenate(arrays).astype(np.int64))
    edges = np.cumsum([0, *(a.shape[0] for a in arrays)]).tolist()
    texts = iter([text[a:b] for a, b in itertools.pairwise(edges)])
    names = object_array(columns.services)
    return {
        "measure": repr(columns.measure),
        "services": {
            "service": list(columns.services),
            "eligible_seconds": seconds_text(columns.eligible_us),
            "down_seconds": seconds_text(columns.down_us()),
            "weighted_down_seconds": _weighted_seconds(columns),
            "excluded_by": columns.excluded_by.tolist(),
        },
        "down": _spans(columns.down, names, texts),
        "excluded": _spans(columns.excluded, names, texts),
        "outside_window": _spans(columns.outside_window, names, texts),
        "events": {
            "service": events.service.tolist(),
            "kind": events.kind.tolist(),
            "start": next(texts),
            "end": next(texts),
            "category": events.category.tolist(),
            "reason": events.reason.tolist(),
        },
    }


def _by_service(comp: Compensation) -> dict[str, dict[str, str]]:
    """Return ``comp.by_service()`` as plain data, each distinct amount rounded once.

    A service's credit is its lines' sum, as ``exact_by_service()`` adds them
    (a service with one line is that line's amount); many services share an
    amount (a share of the same fee), so each is rounded, and written, once.
    """
    exact: dict[str, Fraction] = {}
    for line in comp.lines:
        found = exact.get(line.service)
        exact[line.service] = line.amount if found is None else found + line.amount
    currency = comp.total.currency
    shown: dict[tuple[int, int], str] = {}
    out = {}
    for service, value in exact.items():
        key = (value.numerator, value.denominator)  # ints hash faster than a Fraction
        text = shown.get(key)
        if text is None:
            text = shown[key] = str(comp.rounding.apply(value, currency).amount)
        out[service] = {"amount": text, "currency": currency}
    return out


def report_to_dict(report: Report) -> dict[str, Any]:
    """Return the report as plain data: strings, lists and dicts only."""
    comp = report.compensation
    agreement = report.agreement
    texts = _Texts()
    return {
        "agreement": {
            "title": agreement.title,
            "provider": agreement.provider,
            "customer": agreement.customer,
            "tier": agreement.tier.name,
            "services": list(agreement.services),
        },
        "period": {
            "label": report.period.label,
            "tz": report.period.tz,
            "start": format_us(report.period.start),
            "end": format_us(report.period.end),
            "evaluated_from": format_us(report.start),
        },
        "compliant": report.compliant,
        "objectives": [
            row for column in report.objective_columns for row in texts.objective_rows(column)
        ],
        "compensation": {
            "lines": [texts.credit(line) for line in comp.lines],
            "total_exact": str(comp.exact_total),
            "total": {"amount": str(comp.total.amount), "currency": comp.total.currency},
            "rounding": comp.rounding.mode,
            "rounding_point": str(comp.rounding.to),
            "by_service": _by_service(comp),
        },
        "evidence": [_evidence(outcome.all_evidence()) for outcome in report.outcomes],
        "reconciliation": {
            "events": report.reconciliation.total,
            "rows": dict(report.reconciliation.rows),
            "by_measure": {k: dict(v) for k, v in report.reconciliation.by_measure.items()},
            "reasons": {k: dict(v) for k, v in report.reconciliation.reasons.items()},
            "read": dict(report.reconciliation.read),
        },
        "uncovered": [uncovered_to_dict(group) for group in report.reconciliation.uncovered],
        "notes": list(report.notes),
    }


def uncovered_to_dict(group: UncoveredGroup) -> dict[str, Any]:
    """Return one group of input that no measure counted, with every one of its rows."""
    rows = group.rows()
    return {
        "category": group.category,
        "reason": group.reason,
        "input": group.table,
        "service": group.service,
        "suggestions": list(group.suggestions),
        "count": group.count,
        "rows": {
            "row": [row.facts for row in rows],
            "service": [row.service for row in rows],
            "reason": [row.reason for row in rows],
        },
    }


#: How many rows of each group of uncounted input the text lists (the rest are counted).
ROWS_SHOWN = 10


def uncovered_lines(groups: tuple[UncoveredGroup, ...]) -> list[str]:
    """Return the input no measure counted as text: by reason, then service, rows under each."""
    if not groups:
        return []
    count = sum(g.count for g in groups)
    rows = f"{count:,} row{'s' if count != 1 else ''}"
    many = f"{len(groups)} group{'s' if len(groups) != 1 else ''}"
    where = "every row is in report.uncovered() and in to_dict()['uncovered']"
    out = [f"Input not counted: {rows} in {many} ({where}):"]
    reason = None
    for group in groups:
        if group.reason != reason:
            reason = group.reason
            out.append(f"  {reason}:")
        hint = group.did_you_mean()
        head = noun(group.table, group.count)
        if group.service is not None:
            head = f"service {group.service!r}: {head}"
        out.append(f"    {head}" + (f"; {hint}" if hint else ""))
        for row in group.rows(ROWS_SHOWN):
            if group.service is None and row.service is not None:
                out.append(f"      {row.facts} (service {row.service!r}): {row.reason}")
            else:
                out.append(f"      {row.facts}")
        if group.count > ROWS_SHOWN:
            out.append(
                f"      ... and {group.count - ROWS_SHOWN:,} more; report.uncovered() lists "
                "every row"
            )
    return out


def fees_text(agreement: Agreement) -> str:
    """Return the customer's fees per period, as a statement's header states them.

    Each service's own fee (``Agreement.fees``, a portfolio customer's from the
    customers table), else the tier's; never the tier's fee where a service has
    its own. Several services with fees of their own are listed, with the total.

    Examples:
        >>> import slakit as sla
        >>> tier = sla.Tier("gold", fee=sla.usd("1000.00"))
        >>> fees = {"api": sla.usd("100.00"), "db": sla.usd("250.00")}
        >>> fees_text(sla.Agreement(provider="P", customer="C", services=["api", "db"],
        ...                         tier=tier, fees=fees))
        'fees 350.00 USD per period: api 100.00 USD, db 250.00 USD'
        >>> fees_text(sla.Agreement(provider="P", customer="C", services=["api", "db"], tier=tier))
        'fee 1,000.00 USD per service per period, 2,000.00 USD in all'
        >>> fees_text(sla.Agreement(provider="P", customer="C", services=["db"], tier=tier,
        ...                         fees={"db": sla.usd("250.00")}))
        'fee 250.00 USD per period'
    """
    services = agreement.services
    if len(services) == 1:
        return f"fee {agreement.fee_of(services[0])} per period"
    total = agreement.total_fee()
    if not agreement.fees:
        return f"fee {agreement.tier.fee} per service per period, {total} in all"
    each = ", ".join(
        f"{service} {fee}"
        for service, fee in zip(services, agreement.fees_of(services), strict=True)
    )
    return f"fees {total} per period: {each}"


def explain(report: Report) -> str:
    """Return the report as plain text, every number traced to its clause and events."""
    agreement = report.agreement
    tier = agreement.tier
    period = report.period
    out = [
        f"Service level report: {agreement.title}",
        (
            f"Provider {agreement.provider}; customer {agreement.customer}; tier {tier.name}; "
            f"{fees_text(agreement)}"
        ),
        (
            f"Period {period.label} in {period.tz}: {period.local_start().isoformat()} to "
            f"{period.local_end().isoformat()} ({describe_us(period.length_us)})"
        ),
    ]
    out.extend(f"Note: {note}" for note in report.notes)
    lines_by_service: dict[str, list[CreditLine]] = {}
    for line in report.compensation.lines:
        lines_by_service.setdefault(line.service, []).append(line)
    results_by_service: dict[str, list[ObjectiveResult]] = {}
    for result in report.objectives:
        results_by_service.setdefault(result.service, []).append(result)
    for service in report.services:
        out.append("")
        out.append(f"Service {service}")
        for result in results_by_service.get(service, ()):
            verdict = result.verdict.value.upper()
            if result.value is None:
                resolved = f", resolved as {result.resolved_by}" if result.resolved_by else ""
                out.append(
                    f"  {result.objective.describe()}: {verdict} (no eligible time{resolved})"
                )
            else:
                shown = result.shown
                if "(exact " not in shown:
                    shown += f" (exact {result.value})"
                out.append(
                    f"  {result.objective.describe()}: {verdict}, measured "
                    f"{shown}, margin {result.margin_shown}"
                )
        for outcome in report.outcomes:
            j = outcome.positions.get(service)
            if j is not None:
                out.extend(outcome.evidence_of(j).explain_lines())
        out.extend(f"  credit: {line.describe()}" for line in lines_by_service.get(service, []))
        if service not in lines_by_service:
            out.append("  credit: none")
    comp = report.compensation
    out.append("")
    exact = fraction_text(comp.exact_total).removesuffix(" (exact)")
    out.append(
        f"Total credit: {comp.total} (exact {exact}, rounded once, {comp.rounding.describe()})"
    )
    rec = report.reconciliation
    out.append("Input: " + "; ".join(f"{noun(kind, n)} read" for kind, n in rec.read.items()))
    for measure, cats in rec.by_measure.items():
        out.append(
            f"Events in {measure}: {rec.rows.get(measure, rec.total)} read; "
            f"{cats['counted']} counted, "
            f"{cats['excluded']} excluded by a clause, {cats['ignored']} ignored"
        )
    out.extend(uncovered_lines(rec.uncovered))
    return "\n".join(out)
