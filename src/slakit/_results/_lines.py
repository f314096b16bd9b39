"""Credit lines as columns: what every ``CreditLine`` of a report says, one row per line."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from slakit._results._amounts import Amounts, as_objects
from slakit._results._evidence import Coded
from slakit._results._values import CreditLine

__all__ = ["LineColumns"]

I64 = npt.NDArray[np.int64]


@attrs.frozen(eq=False)
class LineColumns:
    """Credit lines as columns: row ``k`` says what one [`CreditLine`][slakit.CreditLine] says.

    Every field of the line but ``shown`` (the value as the measure writes it
    for people, which ``to_dict()`` does not print: it prints ``value`` and
    ``percent``).

    The rows come in the order of ``Report.compensation.lines``: service by
    service, each service's lines in their order. A rule whose lines are a
    few columns of its results (a credit schedule on the fee, one line per
    service owed) gives them without a ``CreditLine`` per row; combinators
    (totals, caps) join their parts' columns; the lines of other rules are
    read from their objects (``of_lines()``). Columns of few distinct values
    (a rule, a band, a note) are ``Coded``, so each distinct value is written
    once.

    Attributes:
        service: each line's service, as its position in the rule's services.
        rule: ``CreditLine.rule``.
        tier: ``CreditLine.tier``.
        value_num: the measured value's numerator (not reduced).
        value_den: its denominator; ``0`` where the line has no value.
        band: ``CreditLine.band`` (``Band`` or ``None``).
        share: ``CreditLine.share`` (``Decimal``).
        base: ``CreditLine.base`` (``Money``).
        amount: ``CreditLine.amount``, exact.
        proration: ``CreditLine.proration`` (``Fraction``).
        note: ``CreditLine.note``.
        kind: ``CreditLine.kind``.
        formula: ``CreditLine.formula``.
        period: ``CreditLine.period``.
    """

    service: I64
    rule: Coded
    tier: Coded
    value_num: npt.NDArray[Any]
    value_den: npt.NDArray[Any]
    band: Coded
    share: Coded
    base: Coded
    amount: Amounts
    proration: Coded
    note: Coded
    kind: Coded
    formula: Coded
    period: Coded

    @classmethod
    def of_lines(cls, lines_of: Callable[[int], Sequence[CreditLine]], rows: I64) -> LineColumns:
        """Return the lines of each service of ``rows`` in turn, read from their objects.

        For rules with no columnar form: ``lines_of(i)`` builds service
        ``i``'s lines, which are read once and dropped.
        """
        service: list[int] = []
        lines: list[CreditLine] = []
        for i in rows.tolist():
            found = lines_of(i)
            service.extend([i] * len(found))
            lines.extend(found)
        values = [line.value for line in lines]
        return cls(
            service=np.asarray(service, dtype=np.int64),
            rule=Coded.of(line.rule for line in lines),
            tier=Coded.of(line.tier for line in lines),
            value_num=as_objects(
                np.asarray([0 if v is None else v.numerator for v in values], dtype=object)
            ),
            value_den=as_objects(
                np.asarray([0 if v is None else v.denominator for v in values], dtype=object)
            ),
            band=_by_identity(line.band for line in lines),
            share=Coded.of(line.share for line in lines),
            base=Coded.of(line.base for line in lines),
            amount=Amounts.of([line.amount for line in lines]),
            proration=Coded.of(line.proration for line in lines),
            note=Coded.of(line.note for line in lines),
            kind=Coded.of(line.kind for line in lines),
            formula=Coded.of(line.formula for line in lines),
            period=Coded.of(line.period for line in lines),
        )

    @classmethod
    def concat(cls, parts: Iterable[LineColumns]) -> LineColumns:
        """Return the rows of each part in turn (one part at least)."""
        chosen = list(parts)
        return cls(
            service=np.concatenate([p.service for p in chosen]).astype(np.int64),
            rule=Coded.concat(p.rule for p in chosen),
            tier=Coded.concat(p.tier for p in chosen),
            value_num=np.concatenate([p.value_num for p in chosen]),
            value_den=np.concatenate([p.value_den for p in chosen]),
            band=Coded.concat(p.band for p in chosen),
            share=Coded.concat(p.share for p in chosen),
            base=Coded.concat(p.base for p in chosen),
            amount=Amounts(
                np.concatenate([p.amount.num for p in chosen]),
                np.concatenate([p.amount.den for p in chosen]),
            ),
            proration=Coded.concat(p.proration for p in chosen),
            note=Coded.concat(p.note for p in chosen),
            kind=Coded.concat(p.kind for p in chosen),
            formula=Coded.concat(p.formula for p in chosen),
            period=Coded.concat(p.period for p in chosen),
        )

    @classmethod
    def merged(cls, parts: Iterable[LineColumns]) -> LineColumns:
        """Return the parts' rows service by service, each service's in the order of the parts.

        What a combinator's ``lines(i)`` gives when it lists its parts' lines
        of service ``i``, then its own (a cap's adjustment), one after another.
        """
        joined = cls.concat(parts)
        return joined.take(np.argsort(joined.service, kind="stable"))

    def take(self, index: I64) -> LineColumns:
        """Return the rows at ``index`` (a gather)."""
        return LineColumns(
            service=self.service[index],
            rule=self.rule.take(index),
            tier=self.tier.take(index),
            value_num=self.value_num[index],
            value_den=self.value_den[index],
            band=self.band.take(index),
            share=self.share.take(index),
            base=self.base.take(index),
            amount=self.amount.take(index),
            proration=self.proration.take(index),
            note=self.note.take(index),
            kind=self.kind.take(index),
            formula=self.formula.take(index),
            period=self.period.take(index),
        )

    def lines(self, services: Sequence[str]) -> list[CreditLine]:
        """Return the rows as ``CreditLine`` objects (``shown`` left out: ``None``).

        For tests and small reports: it builds one object per row.
        """
        fields = [
            self.rule.tolist(),
            self.tier.tolist(),
            self.band.tolist(),
            self.share.tolist(),
            self.base.tolist(),
            self.amount.tolist(),
            self.proration.tolist(),
            self.note.tolist(),
            self.kind.tolist(),
            self.formula.tolist(),
            self.period.tolist(),
        ]
        out = []
        for k, (i, num, den) in enumerate(
            zip(
                self.service.tolist(), self.value_num.tolist(), self.value_den.tolist(), strict=True
            )
        ):
            rule, tier, band, share, base, amount, proration, note, kind, formula, period = (
                f[k] for f in fields
            )
            out.append(
                CreditLine(
                    service=services[i],
                    rule=rule,
                    tier=tier,
                    value=None if den == 0 else Fraction(num, den),
                    band=band,
                    share=share,
                    base=base,
                    amount=amount,
                    proration=proration,
                    note=note,
                    kind=kind,
                    formula=formula,
                    period=period,
                )
            )
        return out


def _by_identity(values: Iterable[object]) -> Coded:
    """Return the column of ``values``, coded by identity (bands compare by value, slowly)."""
    index: dict[int, int] = {}
    labels: list[object] = []
    codes = []
    for value in values:
        code = index.get(id(value))
        if code is None:
            code = index[id(value)] = len(labels)
            labels.append(value)
        codes.append(code)
    out = np.empty(len(labels), dtype=object)
    out[:] = labels
    return Coded(np.asarray(codes, dtype=np.int64), out)
