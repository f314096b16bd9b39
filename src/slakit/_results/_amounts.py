"""Exact money columns: one rational amount per service, as numpy arrays of Python integers.

An ``Amounts`` holds ``num / den`` per service, both as numpy arrays of
Python ``int`` objects (``dtype=object``), so no figure ever overflows or is
rounded. Operations are elementwise numpy calls, so a credit rule costs a
handful of C loops over the services, never a Python loop per service. When
every denominator is the same (the common case: a fee times a share of a
table), sums reduce to one integer sum.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Amounts", "as_objects"]

Obj = npt.NDArray[np.object_]


def as_objects(values: npt.ArrayLike) -> Obj:
    """Return ``values`` as a numpy array of Python ints (exact, unbounded)."""
    array = np.asarray(values)
    if array.dtype == object:
        return array
    out: Obj = np.empty(array.shape, dtype=object)
    out[...] = array.tolist() if array.ndim else array.item()
    return out


class Amounts:
    """Exact amounts, one per service: ``num[i] / den[i]`` with ``den[i] > 0``."""

    __slots__ = ("den", "num")

    num: Obj
    den: Obj

    def __init__(self, num: npt.ArrayLike, den: npt.ArrayLike) -> None:
        self.num = as_objects(num)
        self.den = as_objects(den)
        if self.den.shape != self.num.shape:
            self.den = np.broadcast_to(self.den, self.num.shape).copy()

    # --- construction ------------------------------------------------------------------

    @classmethod
    def zeros(cls, n: int) -> Amounts:
        """Return ``n`` zero amounts."""
        return cls.constant(Fraction(0), n)

    @classmethod
    def constant(cls, value: Fraction, n: int) -> Amounts:
        """Return ``value`` repeated ``n`` times."""
        num: Obj = np.empty(n, dtype=object)
        num[:] = value.numerator
        den: Obj = np.empty(n, dtype=object)
        den[:] = value.denominator
        return cls(num, den)

    @classmethod
    def of(cls, values: list[Fraction]) -> Amounts:
        """Return amounts from a list of fractions (for tests and small inputs)."""
        return cls(
            as_objects(np.asarray([v.numerator for v in values], dtype=object)),
            as_objects(np.asarray([v.denominator for v in values], dtype=object)),
        )

    def __len__(self) -> int:
        return int(self.num.shape[0])

    # --- reading -----------------------------------------------------------------------

    def __getitem__(self, i: int) -> Fraction:
        return Fraction(int(self.num[i]), int(self.den[i]))

    def tolist(self) -> list[Fraction]:
        """Return the amounts as fractions (each distinct amount is built once)."""
        found = self._packed()
        if found is not None:  # the common case: few distinct amounts, found with one sort
            packed, span = found
            distinct, inverse = np.unique(packed, return_inverse=True)
            values: Obj = np.empty(distinct.shape[0], dtype=object)
            values[:] = [Fraction(k // span, k % span) for k in distinct.tolist()]
            out: list[Fraction] = values[inverse.reshape(-1)].tolist()
            return out
        cache: dict[tuple[int, int], Fraction] = {}
        out = []
        for n, d in zip(self.num.tolist(), self.den.tolist(), strict=True):
            key = (n, d)
            value = cache.get(key)
            if value is None:
                value = cache[key] = Fraction(int(n), int(d))
            out.append(value)
        return out

    def distinct(self) -> tuple[list[Fraction], npt.NDArray[np.int64]]:
        """Return the distinct amounts and each amount's index among them.

        Found with one sort where the amounts pack into integers (the common
        case), else one dictionary pass; an amount is never compared as a
        ``Fraction``, and each distinct one is made once.
        """
        found = self._packed()
        if found is not None:
            packed, span = found
            keys, inverse = np.unique(packed, return_inverse=True)
            values = [Fraction(k // span, k % span) for k in keys.tolist()]
            return values, inverse.reshape(-1).astype(np.int64)
        index: dict[tuple[int, int], int] = {}
        pairs = zip(self.num.tolist(), self.den.tolist(), strict=True)
        codes = [index.setdefault(key, len(index)) for key in pairs]
        return [Fraction(int(n), int(d)) for n, d in index], np.asarray(codes, dtype=np.int64)

    def _packed(self) -> tuple[npt.NDArray[np.int64], int] | None:
        """Return each amount as one ``int64`` key ``num * span + den``, and ``span``.

        ``None`` when there is nothing to pack or a key would not fit in 63 bits.
        """
        if len(self) == 0:
            return None
        try:
            num = self.num.astype(np.int64)
            den = self.den.astype(np.int64)
        except OverflowError:
            return None
        span = int(den.max()) + 1
        if int(np.abs(num).max()) >= (1 << 62) // span:
            return None
        return num * span + den, span

    def total(self) -> Fraction:
        """Return the exact sum, grouping equal denominators (one sum per denominator)."""
        if len(self) == 0:
            return Fraction(0)
        nonzero = self.num != 0
        if not nonzero.any():
            return Fraction(0)
        num, den = self.num[nonzero], self.den[nonzero]
        first = den[0]
        if bool((den == first).all()):
            return Fraction(int(num.sum()), int(first))
        keys, inverse = np.unique(den, return_inverse=True)
        sums = np.zeros(keys.shape[0], dtype=object)
        np.add.at(sums, inverse, num)
        return sum((Fraction(int(s), int(k)) for s, k in zip(sums, keys, strict=True)), Fraction(0))

    def sign(self) -> npt.NDArray[np.int64]:
        """Return the sign of each amount (-1, 0 or 1)."""
        return np.asarray((self.num > 0).astype(np.int64) - (self.num < 0).astype(np.int64))

    def positive(self) -> npt.NDArray[np.bool_]:
        """Return where the amount is above zero."""
        return np.asarray(self.num > 0, dtype=bool)

    def nonzero(self) -> npt.NDArray[np.bool_]:
        """Return where the amount is not zero."""
        return np.asarray(self.num != 0, dtype=bool)

    # --- arithmetic --------------------------------------------------------------------

    def _reduced(self) -> Amounts:
        g = np.gcd(self.num, self.den)
        g[g == 0] = 1
        return Amounts(self.num // g, self.den // g)

    def __add__(self, other: Amounts) -> Amounts:
        if bool((self.den == other.den).all()):
            return Amounts(self.num + other.num, self.den)
        return Amounts(self.num * other.den + other.num * self.den, self.den * other.den)._reduced()

    def __sub__(self, other: Amounts) -> Amounts:
        return self + (-other)

    def __neg__(self) -> Amounts:
        return Amounts(-self.num, self.den)

    def scale(self, factor: Fraction) -> Amounts:
        """Return every amount times the exact ``factor``."""
        return Amounts(self.num * factor.numerator, self.den * factor.denominator)._reduced()

    def times(self, num: npt.ArrayLike, den: npt.ArrayLike = 1) -> Amounts:
        """Return every amount times ``num[i] / den[i]`` (integer columns)."""
        n, d = as_objects(num), as_objects(den)
        return Amounts(self.num * n, self.den * d)._reduced()

    def _cross(self, other: Amounts) -> tuple[Obj, Obj]:
        return self.num * other.den, other.num * self.den

    def less(self, other: Amounts) -> npt.NDArray[np.bool_]:
        """Return where this amount is below ``other``."""
        a, b = self._cross(other)
        return np.asarray(a < b, dtype=bool)

    def less_equal(self, other: Amounts) -> npt.NDArray[np.bool_]:
        """Return where this amount is at most ``other``."""
        a, b = self._cross(other)
        return np.asarray(a <= b, dtype=bool)

    def where(self, mask: npt.NDArray[np.bool_], other: Amounts) -> Amounts:
        """Return this amount where ``mask`` holds, else ``other``."""
        return Amounts(np.where(mask, self.num, other.num), np.where(mask, self.den, other.den))

    def minimum(self, other: Amounts) -> Amounts:
        """Return the elementwise smaller amount."""
        return self.where(self.less_equal(other), other)

    def maximum(self, other: Amounts) -> Amounts:
        """Return the elementwise larger amount."""
        return other.where(self.less_equal(other), self)

    def clip_low(self, floor: Fraction = Fraction(0)) -> Amounts:
        """Return every amount raised to at least ``floor``."""
        return self.maximum(Amounts.constant(floor, len(self)))

    def masked(self, mask: npt.NDArray[np.bool_]) -> Amounts:
        """Return the amounts where ``mask`` holds and zero elsewhere."""
        return self.where(mask, Amounts.zeros(len(self)))

    def take(self, index: npt.NDArray[np.int64]) -> Amounts:
        """Return the amounts at ``index`` (a gather)."""
        return Amounts(self.num[index], self.den[index])

    def __repr__(self) -> str:
        shown: Any = [str(v) for v in self.tolist()[:5]]
        more = "" if len(self) <= 5 else f", ... {len(self)} in all"
        return f"Amounts([{', '.join(shown)}{more}])"
