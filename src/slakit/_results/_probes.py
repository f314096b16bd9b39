"""Evidence of probe measures: each service's samples by fate, and the samples that decided."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from slakit._results._evidence import EventNote, MeasureEvidence
from slakit._time._instant import format_us

__all__ = ["ProbeEvidence", "ProbeNote"]


@attrs.frozen
class ProbeNote(EventNote):
    """What one probe sample did in one probe measure.

    A sample is an instant, so ``start`` and ``end`` are both its time.
    Besides the fields of [`EventNote`][slakit.EventNote] (``kind`` is ``"probe"``):

    Attributes:
        metric: the sample's metric.
        value: its value with the unit of the measure (``"12.5ms"``).
    """

    metric: str = ""
    value: str = ""

    def what(self) -> str:
        """Return the sample by its facts: ``'rtt probe of lon-fra at <time>: 12.5ms'``."""
        return f"{self.metric} probe of {self.service} at {format_us(self.start)}: {self.value}"


@attrs.frozen
class ProbeEvidence(MeasureEvidence):
    """The evidence behind one service's value of one probe measure.

    The span fields of [`MeasureEvidence`][slakit.MeasureEvidence] say which time was
    evaluated (``eligible``: the evaluated part of the period, within the service
    hours when the measure has them); ``down`` and ``excluded`` are empty.
    ``events`` lists the service's samples of the measure's metric that were not
    counted, each with its reason, and the samples that decided the value (the
    maximum, the sample at the percentile's rank), each as a
    [`ProbeNote`][slakit.ProbeNote]; samples of other metrics are only counted,
    in ``samples`` (each other measure lists them).

    Attributes:
        samples: how many of the service's samples fell under each reason
            (``"counted"``, ``"ignored: another metric"`` ...).
        counted: how many samples the value was computed from.
        value: the exact value as text (``"12.5ms"``), or ``"no data"``.
        detail: the derivation in words: the sum and the count of a mean, the
            rank of a percentile, or why there is no data.
        decided: the samples that decided the value: the maximum, the sample at
            the percentile's rank (two for a linear interpolation between
            samples); none for a mean, which every counted sample decides.
    """

    samples: Mapping[str, int] = attrs.field(factory=dict)
    counted: int = 0
    value: str = ""
    detail: str = ""
    decided: tuple[ProbeNote, ...] = ()

    def lines(self) -> list[str]:
        """Return the evidence as lines of text."""
        out = [f"{self.measure.label} of {self.service}: {self.value}"]
        if self.detail:
            out.append(f"  {self.detail}")
        out.extend(f"  samples {reason}: {count}" for reason, count in self.samples.items())
        out.extend(f"  decided by the {note.what()}" for note in self.decided)
        return out

    def explain_lines(self) -> list[str]:
        """Return the evidence as the indented lines that ``Report.explain()`` prints."""
        head, *rest = self.lines()
        return [
            f"  {head}",
            f"    how it is measured: {self.measure.describe()}",
            *(f"  {line}" for line in rest),
        ]
