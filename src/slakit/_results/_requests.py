"""Evidence of request measures: what each service's requests and buckets did."""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import numpy as np
import numpy.typing as npt

from slakit._results._evidence import MeasureEvidence
from slakit._time._instant import format_us

__all__ = ["BucketCounts", "BucketNote", "RequestEvidence"]


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


@attrs.frozen(eq=False)
class BucketCounts:
    """Every bucket of one service that held a counted request, in bucket order, as columns.

    What a chart of the buckets' error rates draws, near misses included (the
    notes in [`RequestEvidence.buckets`][slakit.RequestEvidence] list only the
    buckets that were not plainly good). Columns of one length, read from the
    arrays the value was computed from.

    Attributes:
        start: each bucket's start, microseconds UTC (clipped to the evaluated span).
        end: its end (exclusive, clipped likewise).
        requests: the counted requests in it (at least 1).
        errors: the bad ones among them.
        down: whether the bucket counted as down in the value (over the bound
            with enough requests), judged exactly.
    """

    start: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]
    requests: npt.NDArray[np.int64]
    errors: npt.NDArray[np.int64]
    down: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return int(self.start.shape[0])


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
            over the bound with too few requests; for error-rate uptime, every
            bucket holding errors), with their counts, read from the same arrays
            as the value: the good buckets are the eligible ones less those
            marked down or bad, and the error rates of an error-rate uptime's
            rows add up to the sum in ``detail``.
        detail: the derivation of the value in words (the rank of a percentile,
            the sum of bucket error rates, ...).
        value: the exact value as text (``"99.95%"``, ``"412ms"``), or ``"no data"``.
        counts: for bucket availability, every bucket that held a counted
            request ([`BucketCounts`][slakit.BucketCounts]), good ones too, for
            charts; ``None`` for other measures. Not part of the evidence's
            text, its data form or its equality.
    """

    requests: Mapping[str, int] = attrs.field(factory=dict)
    buckets: tuple[BucketNote, ...] = ()
    detail: str = ""
    value: str = ""
    counts: BucketCounts | None = attrs.field(default=None, eq=False, repr=False)

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
