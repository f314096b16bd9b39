"""Evidence of request measures: what each service's requests and buckets did."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from slakit._results._evidence import MeasureEvidence
from slakit._time._instant import format_us

__all__ = ["BucketNote", "RequestEvidence"]


@attrs.frozen
class BucketNote:
    """One bucket of a service in a bucketed request measure.

    Attributes:
        start: the bucket's start, microseconds UTC.
        end: its end (exclusive).
        requests: the counted requests in it.
        errors: the bad ones among them.
        verdict: what the bucket counted as in the value. Bucket availability:
            ``"down"`` (error rate over the bound), ``"bad"`` or ``"excluded"``
            (empty, by the measure's rule), ``"good"`` (errors, but too few
            requests to be down). Error-rate uptime: ``"down"`` (every request
            bad: a whole bucket down) or ``"partial"`` (its error rate's share of
            a bucket down). Latency percentiles per bucket: ``"worst"``.
        reason: why, in words, with the rate or figure it was judged by.
    """

    start: int
    end: int
    requests: int
    errors: int
    verdict: str
    reason: str

    def describe(self) -> str:
        """Return the note on one line."""
        return (
            f"[{format_us(self.start)}, {format_us(self.end)}): {self.errors} of "
            f"{self.requests} requests bad: {self.verdict}, {self.reason}"
        )


@attrs.frozen
class RequestEvidence(MeasureEvidence):
    """The evidence behind one service's value of one request measure.

    Besides the fields of [`MeasureEvidence`][slakit.MeasureEvidence] (for bucketed measures
    ``eligible`` is the time of the eligible buckets and ``down`` that of the
    down buckets; for ratios and percentiles ``eligible`` is the evaluated
    time and ``down`` is empty), it holds:

    Attributes:
        requests: how many of the service's requests fell under each reason
            (``"good"``, ``"bad: server error"``, ``"ignored: outside the period"`` ...).
        buckets: the buckets that were not plainly good (down, bad, excluded,
            or holding errors), with their counts, read from the same arrays
            as the value: the good buckets are the eligible ones less those
            marked down or bad, and the error rates of an error-rate uptime's
            rows add up to the sum in ``detail``.
        detail: the derivation of the value in words (the rank of a percentile,
            the sum of bucket error rates, ...).
        value: the exact value as text (``"99.95%"``, ``"412ms"``), or ``"no data"``.
    """

    requests: Mapping[str, int] = attrs.field(factory=dict)
    buckets: tuple[BucketNote, ...] = ()
    detail: str = ""
    value: str = ""

    def explain_lines(self) -> list[str]:
        """Return the evidence as the indented lines that ``Report.explain()`` prints."""
        head, *rest = self.lines()
        return [
            f"  {head}",
            f"    how it is measured: {self.measure.describe()}",
            *(f"  {line}" for line in rest),
        ]

    def lines(self) -> list[str]:
        """Return the evidence as lines of text."""
        out = [f"{self.measure.label} of {self.service}: {self.value}"]
        if self.detail:
            out.append(f"  {self.detail}")
        out.extend(f"  requests {reason}: {count}" for reason, count in self.requests.items())
        out.extend(f"  bucket {note.describe()}" for note in self.buckets)
        return out
