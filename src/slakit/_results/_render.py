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
from slakit._dsl._measures import Measure
from slakit._dsl._objectives import Objective
from slakit._dsl._requests import RequestRatio
from slakit._money import Money
from slakit._ratio import format_percent, percent_of
from slakit._results._amounts import Amounts, as_objects
from slakit._results._evidence import (
    EvidenceColumns,
    SpanColumns,
    distinct,
    object_array,
    on_grid,
)
from slakit._results._figures import distinct_pairs, margin_texts, value_texts
from slakit._results._lines import LineColumns
from slakit._results._uncovered import UncoveredGroup, noun
from slakit._results._values import CreditLine, ObjectiveResult, fraction_text
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
    "LINE_FIELDS",
    "explain",
    "fees_text",
    "instants_text",
    "report_to_dict",
    "seconds_text",
    "uncovered_lines",
    "uncovered_to_dict",
]

I64 = npt.NDArray[np.int64]


#: What an objective's row says about one exact value: value, percent, margin points, margin.
_ValueTexts = tuple[str, str, str, str]

#: The fields of a credit line in ``to_dict()``, in order: one column each.
LINE_FIELDS = (
    "service",
    "rule",
    "tier",
    "value",
    "percent",
    "band",
    "share",
    "base",
    "currency",
    "proration",
    "amount_exact",
    "note",
    "kind",
    "formula",
    "period",
)


class _Texts:
    """The texts of one rendering, each worked out once per distinct value.

    A report over many services repeats a few values (a share, a band, a
    base fee, an uptime many services share): the texts are worked out once
    per distinct value, as columns by numpy where they are measured values
    (see ``_figures``), and are the same strings the per-object renderings
    give.
    """

    def __init__(self) -> None:
        self.percents: dict[Decimal, str] = {}
        #: The value and percent texts of each ``(good, total)`` written so far.
        self.values: dict[tuple[int, int], tuple[str, str]] = {}

    def values_of(
        self, good: npt.NDArray[Any], total: npt.NDArray[Any]
    ) -> tuple[list[str | None], list[str | None]]:
        """Return the value and percent texts of each ``good / total`` (``None`` where 0 / 0).

        Values an objective's rows wrote already (a credit line's value is
        its measure's) are read back; the others are written in bulk.
        """
        g, t, which = distinct_pairs(good, total)
        value, percent = (object_array([None] * g.shape[0]) for _ in range(2))
        missing = []
        for k, key in enumerate(zip(g.tolist(), t.tolist(), strict=True)):
            found = self.values.get(key)
            if found is not None:
                value[k], percent[k] = found
            elif key[1] != 0:
                missing.append(k)
        new = np.asarray(missing, dtype=np.int64)
        value[new], percent[new] = value_texts(g[new], t[new])
        return value[which].tolist(), percent[which].tolist()

    def objective_rows(self, column: ObjectiveColumn) -> list[dict[str, Any]]:
        """Return one objective's rows, one per service, from the outcome's integer columns.

        The texts of each distinct exact value, ``good / total``, are the
        same strings as ``ObjectiveResult``'s ``value``, ``percent``,
        ``margin_points`` and ``margin_shown`` give, without building the
        results: written by numpy where the measure writes its margin in
        points, else by the measure, once per distinct value.
        """
        from slakit._results._report import VERDICTS

        objective = column.objective
        outcome = column.outcome
        g, t, which = distinct_pairs(outcome.good, outcome.total)
        has = np.flatnonzero(t != 0)
        value, percent, points, margin = (object_array([None] * g.shape[0]) for _ in range(4))
        in_points = _in_points(objective)
        if in_points is not None:
            sign, a, b = in_points  # the margin is sign * (good / total - a / b)
            top, bottom = as_objects(g[has]), as_objects(t[has])
            value[has], percent[has] = value_texts(g[has], t[has])
            self.values.update(
                zip(
                    zip(g[has].tolist(), t[has].tolist(), strict=True),
                    zip(value[has].tolist(), percent[has].tolist(), strict=True),
                    strict=True,
                )
            )
            points[has], margin[has] = margin_texts(
                _int64(sign * (top * b - a * bottom)), _int64(bottom * b)
            )
        else:
            for k in has.tolist():
                value[k], percent[k], points[k], margin[k] = _value_texts(
                    objective, int(g[k]), int(t[k])
                )
        no_data = np.asarray(outcome.total == 0, dtype=bool).astype(np.int64)
        described = objective.describe()
        target = format_percent(objective.target)
        return [
            {
                "service": service,
                "objective": described,
                "value": v,
                "percent": p,
                "target": target,
                "verdict": verdict,
                "margin_points": mp,
                "margin": m,
                "resolved_by": resolved,
            }
            for service, v, p, verdict, mp, m, resolved in zip(
                outcome.services,
                value[which].tolist(),
                percent[which].tolist(),
                object_array(v.value for v in VERDICTS)[column.verdict].tolist(),
                points[which].tolist(),
                margin[which].tolist(),
                object_array([None, column.resolved_by])[no_data].tolist(),
                strict=True,
            )
        ]

    def percent(self, value: Decimal) -> str:
        """Return ``format_percent(value)``, once per distinct value."""
        text = self.percents.get(value)
        if text is None:
            text = self.percents[value] = format_percent(value)
        return text

    def lines(self, services: tuple[str, ...], lines: LineColumns) -> dict[str, list[Any]]:
        """Return credit lines as columns: one list per field of ``LINE_FIELDS``."""
        value, percent = self.values_of(lines.value_num, lines.value_den)
        return {
            "service": object_array(services)[lines.service].tolist(),
            "rule": lines.rule.tolist(),
            "tier": lines.tier.tolist(),
            "value": value,
            "percent": percent,
            "band": lines.band.render(_band_text),
            "share": lines.share.render(self.percent),
            "base": lines.base.render(_amount_text),
            "currency": lines.base.render(_currency),
            "proration": lines.proration.render(str),
            "amount_exact": _exact_texts(lines.amount),
            "note": lines.note.tolist(),
            "kind": lines.kind.tolist(),
            "formula": lines.formula.tolist(),
            "period": lines.period.tolist(),
        }


def _band_text(band: Band | None) -> str | None:
    return None if band is None else band.interval()


def _amount_text(money: Money) -> str:
    return str(money.amount)


def _currency(money: Money) -> str:
    return money.currency


def _exact_texts(amounts: Amounts) -> list[str]:
    """Return ``str()`` of each exact amount, each distinct amount once."""
    values, which = amounts.distinct()
    texts: list[str] = object_array([str(v) for v in values])[which].tolist()
    return texts


def _int64(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Return Python integers as ``int64`` where every one fits, else unchanged."""
    if not values.shape[0] or int(np.abs(values).max()) < 2**62:
        return values.astype(np.int64)
    return values


def _in_points(objective: Objective) -> tuple[int, int, int] | None:
    """Return ``(sign, a, b)``, the margin being ``sign * (value - a / b)``, where it is in points.

    ``None`` where the measure writes values or margins its own way (a
    count, a time) or the objective is not a plain comparison: those are
    written by the measure, once per distinct value.
    """
    kind = type(objective.measure)
    if (
        type(objective) is not Objective
        or kind.format_value is not Measure.format_value
        or kind.format_margin is not Measure.format_margin
    ):
        return None
    target = Fraction(objective.target)
    sign = 1 if objective.comparator in (">=", ">") else -1
    return sign, target.numerator, target.denominator


def _value_texts(objective: Objective, good: int, total: int) -> _ValueTexts:
    """Return the texts of an objective's exact value ``good / total`` (``total > 0``).

    The same strings as ``ObjectiveResult``'s ``value``, ``percent``,
    ``margin_points`` and ``margin_shown`` give, without building the result.
    """
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


#: How many instants ``instants_text()`` writes at a time. Its buffers, about 120 bytes an
#: instant, then stay a few megabytes: in the processor's cache, and reused from one batch to
#: the next rather than asked of the system afresh (where a page fault costs more than the
#: formatting).
INSTANTS_AT_ONCE = 1 << 15


def instants_text(values: npt.NDArray[np.int64]) -> list[str]:
    """Return ``format_us()`` of every instant, formatted by numpy in one pass.

    Each instant is written as ASCII bytes into one row of a byte matrix: the
    date from the civil calendar in integers (each day of the range once),
    the time of day from a table of the day's seconds, the fraction (only
    where there is one, as ``format_us()`` drops a zero fraction) from a
    table of three digits; the rows are decoded at once and split at the
    spaces that end them. Instants on a grid (whole minutes, the bounds of a
    period that many spans share) are written once each and shared by the
    rows that hold them (see ``on_grid()``). Instants outside the supported
    range (which only a message about them can hold) are written by
    ``format_us()`` itself, so the texts are always the same. Long arrays
    are written ``INSTANTS_AT_ONCE`` instants at a time, which keeps the
    buffers small.
    """
    shared = _shared(values)
    if shared is not None:
        texts, which = shared
        out: list[str] = texts[which].tolist()
        return out
    return _by_parts(values)


def _shared(values: I64) -> tuple[npt.NDArray[np.object_], I64] | None:
    """Return the texts of the distinct instants and each instant's, if they lie on a grid."""
    n = values.shape[0]
    if n > 1 and int(values.min()) >= MIN_INSTANT_US and int(values.max()) <= MAX_INSTANT_US:
        found = on_grid(values)
        if found is not None and found[0].shape[0] < n:
            return object_array(_by_parts(found[0])), found[1]
    return None


def _by_parts(values: npt.NDArray[np.int64]) -> list[str]:
    """Return ``format_us()`` of every instant, ``INSTANTS_AT_ONCE`` at a time."""
    if values.shape[0] <= INSTANTS_AT_ONCE:
        return _instants(values)
    text: list[str] = []
    for start in range(0, values.shape[0], INSTANTS_AT_ONCE):
        text += _instants(values[start : start + INSTANTS_AT_ONCE])
    return text


#: An instant's fraction field with no fraction: ``"Z"`` and seven spaces.
_WHOLE = np.uint64(ord("Z")) | np.uint64(0x2020_2020_2020_2000)


def _fractions(fraction: I64) -> npt.NDArray[np.uint64]:
    """Return the fraction field ``.ffffffZ`` of each of ``fraction`` microseconds (not zero)."""
    three = _thousandths()
    high, low = np.divmod(fraction, 1000)
    words = three[high] << np.uint64(8)
    words |= three[low] << np.uint64(32)
    words |= np.uint64(ord(".")) | np.uint64(ord("Z")) << np.uint64(56)
    return words


def _instants(values: npt.NDArray[np.int64]) -> list[str]:
    """Return ``format_us()`` of every instant (see ``instants_text()``)."""
    n = values.shape[0]
    if not n:
        return []
    inside = (values >= MIN_INSTANT_US) & (values <= MAX_INSTANT_US)
    every = bool(inside.all())
    seconds, fraction = np.divmod(values if every else np.where(inside, values, 0), 1_000_000)
    days, second = np.divmod(seconds, US_PER_DAY // 1_000_000)
    rows = np.empty((n, _INSTANT.itemsize), dtype=np.uint8)
    out = rows.view(_INSTANT).reshape(n)
    first = int(days.min())
    span = int(days.max()) - first + 1
    if span <= 4 * n + 1024:  # every day of the range, each formatted once
        dates, day = _dates(np.arange(first, first + span, dtype=np.int64)), days - first
    else:
        unique, which = np.unique(days, return_inverse=True)
        dates, day = _dates(unique), which.reshape(-1)
    out["date"] = dates[0][day]
    out["date_end"] = dates[1][day]
    out["clock"] = _clock()[second]
    broken = np.flatnonzero(fraction)
    if 2 * broken.size > n:  # mostly fractions: write them all, then the whole seconds
        out["fraction"] = np.where(fraction != 0, _fractions(fraction), _WHOLE)
    else:
        out["fraction"] = _WHOLE
        if broken.size:
            out["fraction"][broken] = _fractions(fraction[broken])
    rows[:, 10] = ord("T")
    rows[:, _INSTANT.itemsize - 1] = ord(" ")
    # an instant holds no space: a split at the spaces that end the rows gives every instant
    if broken.size == n:  # one space per row
        text: list[str] = str(rows.data, "ascii").split(" ")
        text.pop()
    elif not broken.size:  # whole seconds: the first 20 bytes and a space per row
        whole = np.ascontiguousarray(rows[:, :21])
        whole[:, 20] = ord(" ")
        text = str(whole.data, "ascii").split(" ")
        text.pop()
    else:
        text = str(rows.data, "ascii").split()
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
    lengths, which = distinct(us)
    common = np.gcd(lengths, 1_000_000)
    text = object_array((lengths // common).astype(str).tolist())
    for i in np.flatnonzero(common != 1_000_000).tolist():  # fractions of a second
        text[i] = f"{text[i]}/{1_000_000 // int(common[i])}"
    out: list[str] = text[which].tolist()
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


def _instant_columns(arrays: list[I64]) -> list[list[str]]:
    """Return ``instants_text()`` of each array, formatted together in one pass."""
    values = np.concatenate(arrays).astype(np.int64)
    edges = list(itertools.pairwise(np.cumsum([0, *(a.shape[0] for a in arrays)]).tolist()))
    shared = _shared(values)
    if shared is not None:
        texts, which = shared
        return [texts[which[a:b]].tolist() for a, b in edges]
    text = _by_parts(values)
    return [text[a:b] for a, b in edges]


def _evidence(columns: EvidenceColumns) -> dict[str, Any]:
    """Return one measure's evidence as columns: one table per kind of row.

    ``services`` has a row per service, ``down``, ``excluded`` and
    ``outside_window`` a row per span, ``events`` a row per event; every
    table is a dict of equal-length lists. The instants of the spans are
    formatted together, in one pass: spans often share their instants (whole
    minutes, a period's bounds), which are then written once each.
    """
    sets = (columns.down, columns.excluded, columns.outside_window)
    events = columns.events
    texts = iter(
        [
            *_instant_columns([a for spans in sets for a in (spans.start, spans.end)]),
            instants_text(events.start.astype(np.int64)),
            instants_text(events.end.astype(np.int64)),
        ]
    )
    names = object_array(columns.services)
    out: dict[str, Any] = {
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
    if columns.corrections:  # only measures with corrections clauses list them
        out["corrections"] = {
            "service": [service for service, _ in columns.corrections],
            "correction": [line for _, line in columns.corrections],
        }
    return out


def _by_service(
    report: Report, tables: list[tuple[tuple[str, ...], LineColumns]]
) -> dict[str, Any]:
    """Return ``report.compensation.by_service()`` as plain data, from the lines as columns.

    A service's credit is its lines' sum, as ``exact_by_service()`` adds them,
    services in the order of their first line (a service with one line, the
    common case, is owed that line's amount); many services share an amount
    (a share of the same fee), so each is rounded, and written, once.
    """
    if len(tables) == 1 and bool(np.all(np.diff(tables[0][1].service) > 0)):
        services, lines = tables[0]  # one line per service
        names = object_array(services)[lines.service].tolist()
        values, which = lines.amount.distinct()
    else:
        exact: dict[str, Fraction] = {}
        for services, lines in tables:
            for i, amount in zip(lines.service.tolist(), lines.amount.tolist(), strict=True):
                found = exact.get(services[i])
                exact[services[i]] = amount if found is None else found + amount
        names = list(exact)
        values, which = Amounts.of(list(exact.values())).distinct()
    agreement = report.agreement
    currency = agreement.tier.currency_code
    rounded = object_array(str(agreement.rounding.apply(v, currency).amount) for v in values)
    return {
        name: {"amount": amount, "currency": currency}
        for name, amount in zip(names, rounded[which].tolist(), strict=True)
    }


def _compensation(report: Report, texts: _Texts) -> dict[str, Any]:
    """Return the compensation: the credit lines as columns, the totals, each service's credit."""
    tables = [(column.services, column.all_lines()) for column in report.credit_columns]
    lines: dict[str, list[Any]] = {field: [] for field in LINE_FIELDS}
    for services, table in tables:
        for field, values in texts.lines(services, table).items():
            lines[field] += values
    total = report.total
    return {
        "lines": lines,
        "total_exact": str(report.exact_total),
        "total": {"amount": str(total.amount), "currency": total.currency},
        "rounding": report.agreement.rounding.mode,
        "rounding_point": str(report.agreement.rounding.to),
        "by_service": _by_service(report, tables),
    }


def _no_data_reason(measure: object) -> str:
    """Return why a measure has no data: no eligible time, or too few requests to read."""
    if not isinstance(measure, RequestRatio):
        return "no eligible time"
    least = measure.min_requests
    return "no counted requests" if least == 1 else f"fewer than {least} counted requests"


def report_to_dict(report: Report) -> dict[str, Any]:
    """Return the report as plain data: strings, lists and dicts only."""
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
        "compensation": _compensation(report, texts),
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
    if agreement.tier.fee is None:
        return f"no fee: billed by usage, in {agreement.currency}"
    per = "period" if agreement.tier.billing is None else "billing cycle"
    if len(services) == 1:
        return f"fee {agreement.fee_of(services[0])} per {per}"
    total = agreement.total_fee()
    if not agreement.fees:
        return f"fee {agreement.tier.fee} per service per {per}, {total} in all"
    each = ", ".join(
        f"{service} {fee}"
        for service, fee in zip(services, agreement.fees_of(services), strict=True)
    )
    return f"fees {total} per {per}: {each}"


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
                    f"  {result.objective.describe()}: {verdict} "
                    f"({_no_data_reason(result.objective.measure)}{resolved})"
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
