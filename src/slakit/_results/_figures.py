"""Texts of many exact figures at once: measured values, percentages and margins, by numpy.

The same strings as ``str(Fraction)``, ``format_percent()``, ``percent_of()``
and ``format_points()`` give one value at a time (see ``slakit._ratio``),
written for whole columns of ratios ``num / den`` by integer arithmetic in
numpy. Every intermediate is an ``int64`` that is checked to fit; a column
that might not fit (huge weights, a count of years in microseconds) is
written by the scalar functions, one value at a time, so the texts never
depend on the path taken.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from slakit._ratio import PERCENT_PLACES, percent_of, points_texts, ratio_texts

__all__ = ["distinct_pairs", "margin_texts", "percent_array", "percent_texts", "value_texts"]

I64 = npt.NDArray[np.int64]
Texts = npt.NDArray[Any]
#: The dtype of the texts while they are built: variable-width strings.
_TEXT = np.dtypes.StringDType()

#: A numerator or denominator below this leaves room for ``10 * den`` and ``100 * num`` in int64.
_SMALL = 2**56
#: The largest whole part of a value in percent units that stays in int64 (10**10 times 100%).
_WHOLE = 10**10
#: Percent units of 100%: ``100 * 10**PERCENT_PLACES``.
_HUNDRED = 100 * 10**PERCENT_PLACES


def distinct_pairs(num: npt.NDArray[Any], den: npt.NDArray[Any]) -> tuple[I64, I64, I64]:
    """Return the distinct pairs ``(num, den)`` and each pair's index among them.

    One sort of the pairs where both are ``int64`` columns; a dictionary pass
    where they hold Python integers (``dtype=object``).
    """
    n = num.shape[0]
    if object in (num.dtype, den.dtype):
        index: dict[tuple[int, int], int] = {}
        pairs = zip(num.tolist(), den.tolist(), strict=True)
        codes = [index.setdefault(key, len(index)) for key in pairs]
        return (
            _ints([a for a, _ in index]),
            _ints([b for _, b in index]),
            np.asarray(codes, dtype=np.int64),
        )
    a, b = np.asarray(num, dtype=np.int64), np.asarray(den, dtype=np.int64)
    if not n:
        return a, b, np.zeros(0, dtype=np.int64)
    order = np.lexsort((a, b))
    sa, sb = a[order], b[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (sa[1:] != sa[:-1]) | (sb[1:] != sb[:-1])
    which = np.empty(n, dtype=np.int64)
    which[order] = np.cumsum(new) - 1
    return sa[new], sb[new], which


def _ints(values: list[int]) -> npt.NDArray[Any]:
    """Return Python integers as ``int64`` where they fit, else as Python integers."""
    if all(-_SMALL < v < _SMALL for v in values):
        return np.asarray(values, dtype=np.int64)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _fits(*columns: npt.NDArray[Any]) -> bool:
    """Return whether every column is ``int64`` and every value is below ``_SMALL`` in size."""
    return all(
        c.dtype == np.int64 and (not c.shape[0] or int(np.abs(c).max()) < _SMALL) for c in columns
    )


def _units(num: I64, den: I64) -> tuple[I64, npt.NDArray[np.bool_]]:
    """Return ``percent_of(num / den)`` in units of ``10**-PERCENT_PLACES``, and where it is exact.

    The display rule (half-even, never onto 0% or 100% unless exactly there)
    by long division: the remainder times ten always fits (``den < _SMALL``).
    """
    size = np.abs(num)
    whole, rest = np.divmod(size, den)
    for _ in range(PERCENT_PLACES + 2):
        rest = rest * 10
        whole = whole * 10 + rest // den
        rest = rest % den
    twice = 2 * rest
    units = whole + ((twice > den) | ((twice == den) & (whole % 2 == 1)))
    inexact = rest != 0
    units = np.where(inexact & (units == 0), 1, units)  # never onto 0%
    above = inexact & (units == _HUNDRED) & (num > 0)  # never onto 100%, from either side
    units = np.where(above, np.where(whole >= _HUNDRED, _HUNDRED + 1, _HUNDRED - 1), units)
    return np.where(num < 0, -units, units), ~inexact


def _decimals(units: I64) -> tuple[Texts, Texts]:
    """Return ``units`` with every place, and without trailing zeros.

    The first is ``str()`` of ``percent_of()``'s ``Decimal``; the second an
    exact percentage as ``format_percent()`` writes it.
    """
    whole, part = np.divmod(np.abs(units), 10**PERCENT_PLACES)
    head = np.strings.add(np.where(units < 0, "-", ""), whole.astype(_TEXT))
    digits = np.strings.zfill(part.astype(_TEXT), PERCENT_PLACES)
    point = np.strings.add(head, ".")
    stripped = np.strings.rstrip(digits, "0")
    normal = np.where(np.strings.str_len(stripped) > 0, np.strings.add(point, stripped), head)
    return np.strings.add(point, digits), normal


def _fraction(num: I64, den: I64) -> Texts:
    """Return ``str(Fraction(num, den))`` of each pair (``den > 0``)."""
    common = np.gcd(num, den)
    top, bottom = (num // common).astype(_TEXT), den // common
    return np.where(
        bottom == 1, top, np.strings.add(np.strings.add(top, "/"), bottom.astype(_TEXT))
    )


def _small(num: npt.NDArray[Any], den: npt.NDArray[Any]) -> bool:
    """Return whether the long division of ``num / den`` stays in int64 (see ``_units``)."""
    if not _fits(num, den):
        return False
    return not num.shape[0] or int((np.abs(num) // den).max()) < _WHOLE


def percent_texts(num: npt.NDArray[Any], den: npt.NDArray[Any]) -> list[str]:
    """Return ``str(percent_of(num / den))`` of each pair (``den > 0``)."""
    texts: list[str] = percent_array(num, den).tolist()
    return texts


def percent_array(num: npt.NDArray[Any], den: npt.NDArray[Any]) -> Texts:
    """Return ``str(percent_of(num / den))`` of each pair (``den > 0``), as a string array."""
    if not num.shape[0]:
        return np.empty(0, dtype=_TEXT)
    if not _small(num, den):
        pairs = zip(num.tolist(), den.tolist(), strict=True)
        return np.asarray([str(percent_of(Fraction(a, b))) for a, b in pairs], dtype=_TEXT)
    return _decimals(_units(num, den)[0])[0]


def value_texts(num: npt.NDArray[Any], den: npt.NDArray[Any]) -> tuple[list[str], list[str]]:
    """Return ``str(value)`` and ``format_percent(value)`` of each ``value = num / den``.

    ``den > 0``. See ``slakit._ratio.ratio_texts()`` for one value.
    """
    if not num.shape[0]:
        return [], []
    if not _small(num, den):
        pairs = [ratio_texts(a, b) for a, b in zip(num.tolist(), den.tolist(), strict=True)]
        return [v for v, _ in pairs], [p for _, p in pairs]
    exact = _fraction(num, den)
    units, whole = _units(num, den)
    fixed, normal = _decimals(units)
    inexact = np.strings.add(np.strings.add(fixed, "% (exact "), np.strings.add(exact, ")"))
    percent = np.where(whole, np.strings.add(normal, "%"), inexact)
    return exact.tolist(), percent.tolist()


def margin_texts(num: npt.NDArray[Any], den: npt.NDArray[Any]) -> tuple[list[str], list[str]]:
    """Return ``str(percent_of(margin))`` and ``format_points(margin)`` of each ``num / den``.

    ``den > 0``. See ``slakit._ratio.points_texts()`` for one margin.
    """
    if not num.shape[0]:
        return [], []
    if not _small(num, den):
        pairs = [points_texts(a, b) for a, b in zip(num.tolist(), den.tolist(), strict=True)]
        return [v for v, _ in pairs], [p for _, p in pairs]
    units, _ = _units(num, den)
    size, whole = _units(np.abs(num), den)
    fixed, normal = _decimals(size)
    sign = np.where(num < 0, "-", "+")
    exact = np.strings.add(np.strings.add(fixed, " points (exact "), _fraction(num * 100, den))
    shown = np.where(whole, np.strings.add(normal, " points"), np.strings.add(exact, " points)"))
    return _decimals(units)[0].tolist(), np.strings.add(sign, shown).tolist()
