"""Measures over requests and probes: success ratios, bucketed availability, latency.

Every request measure decides, for each request, whether it is *good*, *bad*
or *excluded*, from its outcome (success, client error 4xx, server error 5xx
or ``ok`` false) and, when asked, its latency:

- a success is good;
- a client error is treated as ``client_errors`` says (good by default);
- a server error is treated as ``server_errors`` says (bad by default);
- with ``latency_under=t`` (or ``latency_at_most=t``) a request that would be
  good is bad unless its latency is below ``t`` (or at most ``t``).

Excluded requests leave both the numerator and the denominator; the report
counts them with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import attrs

from slakit._dsl._measures import Measure
from slakit._money import round_fraction
from slakit._node import node, shown
from slakit._ratio import (
    NUMBER_CONTEXT,
    check_number,
    decimal_of,
    format_percent,
    parse_number,
    ratio,
    shift_decimal,
)
from slakit._time._instant import Duration, duration_text_us
from slakit._validation import check_choice, check_duration
from slakit.exceptions import DefinitionError

__all__ = [
    "BucketAvailability",
    "ErrorRateUptime",
    "LatencyPercentile",
    "LatencyShare",
    "RequestMeasure",
    "RequestRatio",
    "bucket_availability",
    "error_rate_uptime",
    "format_latency",
    "latency_percentile",
    "latency_share",
    "parse_latency",
    "success_ratio",
]

Treatment = Literal["good", "bad", "excluded"]
Counted = Literal["counted", "excluded"]
DownWhen = Literal[">", ">="]
Method = Literal["nearest_rank", "lower", "higher", "linear"]
METHODS: tuple[Method, ...] = ("nearest_rank", "lower", "higher", "linear")


def parse_latency(value: object, *, name: str = "latency") -> Decimal:
    """Return a latency written as ``"300ms"``, ``"1.5s"``, ``"250us"`` or a Duration, in µs.

    Examples:
        >>> from slakit import milliseconds
        >>> parse_latency("300ms"), parse_latency(milliseconds(5)), parse_latency("0.5ms")
        (Decimal('300000'), Decimal('5000'), Decimal('500'))
    """
    if isinstance(value, Duration):
        return Decimal(value.us)
    if isinstance(value, str):
        total = duration_text_us(value)
        exact = None if total is None else decimal_of(total)
        if exact is not None:
            # normalised, then written without a positive exponent: 300ms is 300000, not 3E+5
            return NUMBER_CONTEXT.add(exact.normalize(NUMBER_CONTEXT), Decimal(0))
    raise DefinitionError(
        f"{name}={value!r} must be a latency with a unit, such as '300ms', '1.5s', '250us', "
        "or a duration such as milliseconds(300)"
    )


def format_latency(value: Fraction | Decimal) -> str:
    """Return a latency in microseconds as text that ``parse_latency()`` reads back.

    Examples:
        >>> format_latency(Decimal(300000)), format_latency(Fraction(2_500_001, 2))
        ('300ms', '1250.0005ms')
    """
    exact = Fraction(value) / 1000
    shown = decimal_of(exact)
    if shown is None:
        return f"{round_fraction(exact, 6, 'half_even'):f}ms"
    return f"{shown.normalize(NUMBER_CONTEXT) if shown else Decimal(0):f}ms"


def _check(
    values: tuple[str, ...], name: str, words: str
) -> Callable[[object, object, object], None]:
    return check_choice(values, name, words)


def _optional_duration(value: object, name: str) -> Duration | None:
    if value is None:
        return None
    if isinstance(value, str):
        return Duration(int(parse_latency(value, name=name)))
    return check_duration(value, name, example="milliseconds(300)")


def _latency_under(value: object) -> Duration | None:
    return _optional_duration(value, "latency_under")


def _latency_at_most(value: object) -> Duration | None:
    return _optional_duration(value, "latency_at_most")


def _bucket(value: object) -> Duration:
    return check_duration(value, "bucket", positive=True)


def _bucket_or_none(value: object) -> Duration | None:
    return None if value is None else _bucket(value)


def _min_requests(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise DefinitionError(f"min_requests={value!r} must be a whole number of at least 1")
    return value


def _quantile(value: object) -> Decimal:
    # a bare number is a percentile, read exactly and within the bounds of numbers
    q = Decimal(-1)
    if isinstance(value, str) and value.strip().endswith("%"):
        q = ratio(value, name="q")
    elif isinstance(value, str):
        q = shift_decimal(parse_number(value, name="q", suffix="%"), -2)
    elif isinstance(value, Decimal) and value.is_finite():
        q = shift_decimal(check_number(value, name="q"), -2)
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) <= 100:
        q = shift_decimal(Decimal(value), -2)
    if not q.is_finite() or not 0 < q <= 1:
        raise DefinitionError(
            f"q={value!r} must be a percentile above 0 and at most 100, such as 99 or '99.9'"
        )
    return q.normalize(NUMBER_CONTEXT)


def _error_rate(value: object) -> Decimal:
    return ratio(value, name="max_error_rate")


_TREATMENTS = ("good", "bad", "excluded")


def _latency_text(bound: Duration) -> str:
    return repr(format_latency(Decimal(bound.us)))


def _percentile_text(q: Decimal) -> str:
    """Return a percentile as the factory reads it back: ``99``, or ``'99.9'`` (no float)."""
    text = f"{(q * 100).normalize():f}"
    return text if "." not in text else repr(text)


@attrs.frozen(repr=False, kw_only=True, order=False)
class RequestMeasure(Measure):
    """The base of measures over requests: which requests are good, bad or excluded."""

    service: str | None = None
    client_errors: Treatment = attrs.field(
        default="good", validator=_check(_TREATMENTS, "client_errors", "for 4xx statuses")
    )
    server_errors: Treatment = attrs.field(
        default="bad",
        validator=_check(_TREATMENTS, "server_errors", "for 5xx statuses and ok=False"),
    )
    latency_under: Duration | None = attrs.field(
        default=None, converter=_latency_under, metadata=shown(text=_latency_text)
    )
    latency_at_most: Duration | None = attrs.field(
        default=None, converter=_latency_at_most, metadata=shown(text=_latency_text)
    )

    def __attrs_post_init__(self) -> None:
        if self.latency_under is not None and self.latency_at_most is not None:
            raise DefinitionError(
                f"latency_under={self.latency_under!r} and latency_at_most="
                f"{self.latency_at_most!r}: give one latency bound, not both"
            )

    @property
    def latency_bound(self) -> tuple[int, bool] | None:
        """``(microseconds, inclusive)`` of the latency a good request must keep, if any."""
        if self.latency_under is not None:
            return self.latency_under.us, False
        if self.latency_at_most is not None:
            return self.latency_at_most.us, True
        return None

    def _of(self) -> str:
        return "" if self.service is None else f" of {self.service}"

    def rules(self) -> str:
        """Return which requests are good, bad and excluded, in words."""
        parts = []
        for name, treat in (
            ("client errors (4xx)", self.client_errors),
            ("server errors (5xx or failed)", self.server_errors),
        ):
            parts.append(f"{name} are {treat}")
        bound = self.latency_bound
        if bound is not None:
            word = "at most" if bound[1] else "under"
            parts.append(
                f"a request is good only if its latency is {word} "
                f"{format_latency(Decimal(bound[0]))}"
            )
        return "; ".join(parts)

    def _common_args(self, defaults: tuple[str, str] = ("good", "bad")) -> list[str]:
        args = []
        if self.service is not None:
            args.append(f"service={self.service!r}")
        if self.client_errors != defaults[0]:
            args.append(f"client_errors={self.client_errors!r}")
        if self.server_errors != defaults[1]:
            args.append(f"server_errors={self.server_errors!r}")
        if self.latency_under is not None:
            args.append(f"latency_under={format_latency(Decimal(self.latency_under.us))!r}")
        if self.latency_at_most is not None:
            args.append(f"latency_at_most={format_latency(Decimal(self.latency_at_most.us))!r}")
        return args


@node("success_ratio")
@attrs.frozen(kw_only=True, order=False)
class RequestRatio(RequestMeasure):
    """The share of good requests among the counted ones: ``good / (good + bad)``.

    Build it with [`success_ratio()`][slakit.success_ratio] or
    [`latency_share()`][slakit.latency_share]. The class is named for what it computes, a ratio
    of requests, which both factories build; the factories for what contracts call it.
    A service with fewer counted requests than ``min_requests`` has no data.
    """

    min_requests: int = attrs.field(default=1, converter=_min_requests)

    @property
    def label(self) -> str:
        """The measure's name in reports."""
        return "success ratio" + self._of()

    def describe(self) -> str:
        """Return how the ratio is computed, in words."""
        return (
            "The share of good requests among the counted requests of the period; "
            + self.rules()
            + self._minimum()
            + "."
        )

    def _minimum(self) -> str:
        if self.min_requests == 1:
            return ""
        return f"; with fewer than {self.min_requests} counted requests there is no data"


@node("latency_share")
@attrs.frozen(repr=False, kw_only=True, order=False)
class LatencyShare(RequestRatio):
    """The share of requests whose latency is under (or at most) a threshold."""

    client_errors: Treatment = attrs.field(
        default="good", validator=_check(_TREATMENTS, "client_errors", "for 4xx statuses")
    )
    server_errors: Treatment = attrs.field(
        default="good",
        validator=_check(_TREATMENTS, "server_errors", "for 5xx statuses and ok=False"),
    )

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.latency_bound is None:
            raise DefinitionError("latency_share needs a bound: latency_share('300ms')")

    @property
    def label(self) -> str:
        """The measure's name in reports."""
        bound = self.latency_bound
        assert bound is not None
        word = "at most" if bound[1] else "under"
        return f"share of requests {word} {format_latency(Decimal(bound[0]))}" + self._of()

    def __repr__(self) -> str:
        bound = self.latency_bound
        assert bound is not None
        args = self._common_args(("good", "good"))
        key = "latency_at_most" if bound[1] else "latency_under"
        args = [a for a in args if not a.startswith(key)]
        if self.min_requests != 1:
            args.append(f"min_requests={self.min_requests}")
        shown = format_latency(Decimal(bound[0]))
        head = f"{shown!r}" if not bound[1] else f"at_most={shown!r}"
        return f"latency_share({', '.join([head, *args])})"


@node("bucket_availability")
@attrs.frozen(kw_only=True, order=False)
class BucketAvailability(RequestMeasure):
    """Availability from request buckets: good buckets / eligible buckets.

    Build it with [`bucket_availability()`][slakit.bucket_availability]; the fields are described
    there.
    """

    bucket: Duration = attrs.field(converter=_bucket)
    max_error_rate: Decimal = attrs.field(converter=_error_rate, metadata=shown(percent=True))
    down_when: DownWhen = attrs.field(
        default=">", validator=_check((">", ">="), "down_when", "compared with max_error_rate")
    )
    min_requests: int = attrs.field(default=1, converter=_min_requests)
    empty: Treatment = attrs.field(
        default="good", validator=_check(_TREATMENTS, "empty", "for buckets without requests")
    )

    @property
    def label(self) -> str:
        """The measure's name in reports."""
        return "bucket availability" + self._of()

    def describe(self) -> str:
        """Return how the measure is computed, in words."""
        op = "above" if self.down_when == ">" else "at or above"
        parts = [
            (
                f"time is cut into buckets of {self.bucket.words()} aligned to the start of "
                "the period (a partial bucket at either end is a bucket)"
            ),
            (
                f"a bucket is down when its error rate (bad / counted requests) is {op} "
                f"{format_percent(self.max_error_rate)}"
            ),
        ]
        if self.min_requests > 1:
            parts.append(
                f"a bucket with fewer than {self.min_requests} counted requests is never down"
            )
        parts.append(
            f"a bucket without counted requests is {self.empty}"
            + (" (left out of the denominator)" if self.empty == "excluded" else "")
        )
        parts.append(self.rules())
        return "Availability is good buckets / eligible buckets; " + "; ".join(parts) + "."


@node("error_rate_uptime")
@attrs.frozen(kw_only=True, order=False)
class ErrorRateUptime(RequestMeasure):
    """Uptime as 100% minus the average of per-bucket error rates.

    Build it with [`error_rate_uptime()`][slakit.error_rate_uptime].
    """

    bucket: Duration = attrs.field(converter=_bucket)

    @property
    def label(self) -> str:
        """The measure's name in reports."""
        return "error-rate uptime" + self._of()

    def describe(self) -> str:
        """Return how the measure is computed, in words."""
        return (
            f"Uptime is 100% minus the average error rate over every {self.bucket.words()} "
            "bucket of the period (aligned to its start; a partial bucket at either end is a "
            "bucket), where a bucket's error rate is bad / counted requests and a bucket "
            "without counted requests has an error rate of 0%; " + self.rules() + "."
        )


def _counted(name: str) -> Callable[[object, object, object], None]:
    return _check(("counted", "excluded"), name, "in the latency population")


@node("latency_percentile")
@attrs.frozen(kw_only=True, order=False)
class LatencyPercentile(Measure):
    """A latency percentile per service, over the period or the worst of its buckets.

    Build it with [`latency_percentile()`][slakit.latency_percentile]; its values are latencies, so
    targets are written ``"300ms"`` (``p99 <= "300ms"``).
    """

    q: Decimal = attrs.field(
        converter=_quantile, metadata=shown(positional=True, text=_percentile_text)
    )
    method: Method = attrs.field(
        default="nearest_rank", validator=_check(METHODS, "method", "how the rank is chosen")
    )
    per: Duration | None = attrs.field(default=None, converter=_bucket_or_none)
    service: str | None = None
    client_errors: Counted = attrs.field(default="counted", validator=_counted("client_errors"))
    server_errors: Counted = attrs.field(default="counted", validator=_counted("server_errors"))

    def counts_misses(self) -> bool:
        """Return ``False``: a percentile is a latency, not a count of slow requests."""
        return False

    @property
    def label(self) -> str:
        """The measure's name in reports, such as ``'p99 latency'``."""
        name = f"p{(self.q * 100).normalize():f} latency"
        if self.per is not None:
            name = f"worst {self.per.words()} {name}"
        return name + ("" if self.service is None else f" of {self.service}")

    def describe(self) -> str:
        """Return how the percentile is computed, in words."""
        how = {
            "nearest_rank": "the latency at 1-based rank ceil(q * n) of the n sorted latencies",
            "lower": "the latency at 0-based rank floor(q * (n - 1)) of the n sorted latencies",
            "higher": "the latency at 0-based rank ceil(q * (n - 1)) of the n sorted latencies",
            "linear": "linear interpolation between 0-based ranks floor and ceil of q * (n - 1)",
        }[self.method]
        scope = (
            "over the requests of the period"
            if self.per is None
            else f"in every bucket of {self.per.words()} aligned to the start of the period, "
            "and the value is the highest of those (buckets without requests are skipped)"
        )
        excluded = [
            name
            for name, t in (
                ("client errors", self.client_errors),
                ("server errors", self.server_errors),
            )
            if t == "excluded"
        ]
        tail = f"; {' and '.join(excluded)} are excluded" if excluded else ""
        method = self.method.replace("_", " ")
        return (
            f"The {format_percent(self.q)} latency percentile by the {method} method ({how}), "
            f"{scope}; requests without a recorded latency are ignored{tail}."
        )

    def coerce(self, value: object, *, name: str = "target") -> Decimal:
        """Return a latency target such as ``"300ms"`` in microseconds."""
        return parse_latency(value, name=name)

    def format_value(self, value: Fraction | Decimal) -> str:
        """Return a latency in microseconds as text such as ``'300ms'``."""
        return format_latency(value)


def success_ratio(
    *,
    service: str | None = None,
    client_errors: Treatment = "good",
    server_errors: Treatment = "bad",
    latency_under: Duration | str | None = None,
    latency_at_most: Duration | str | None = None,
    min_requests: int = 1,
) -> RequestRatio:
    """Return the share of good requests: ``good / (good + bad)`` over the period.

    Args:
        service: the one service to measure; ``None`` measures each service.
        client_errors: 4xx requests are ``"good"`` (default), ``"bad"`` or ``"excluded"``.
        server_errors: 5xx and failed (``ok=False``) requests are ``"bad"``
            (default), ``"good"`` or ``"excluded"``.
        latency_under: a request that would be good is bad unless its latency
            is strictly below this (``"300ms"`` or ``milliseconds(300)``).
        latency_at_most: the same with an inclusive bound (give one of the two).
        min_requests: the fewest counted requests a service's ratio is read from;
            with fewer it has no data, with the reason (SLO tools call these
            "valid events": slo-generator reads 5 good and 4 bad as too few).
    """
    return RequestRatio(
        service=service,
        client_errors=client_errors,
        server_errors=server_errors,
        latency_under=latency_under,
        latency_at_most=latency_at_most,
        min_requests=min_requests,
    )


def latency_share(
    under: Duration | str | None = None,
    *,
    at_most: Duration | str | None = None,
    service: str | None = None,
    client_errors: Treatment = "good",
    server_errors: Treatment = "good",
    min_requests: int = 1,
) -> LatencyShare:
    """Return the share of requests whose latency is under (or at most) a threshold.

    Errors are counted by their latency like any request unless
    ``client_errors`` or ``server_errors`` say otherwise (``"bad"`` makes every
    error bad whatever its latency; ``"excluded"`` leaves errors out).

    Args:
        under: the strict bound: good means latency < ``under``.
        at_most: the inclusive bound: good means latency <= ``at_most`` (give one).
        service: the one service to measure; ``None`` measures each service.
        client_errors: how 4xx requests count: ``"good"`` (by latency), ``"bad"``, ``"excluded"``.
        server_errors: how 5xx and failed requests count, the same way.
        min_requests: the fewest counted requests a service's share is read from;
            with fewer it has no data, with the reason.
    """
    if (under is None) == (at_most is None):
        raise DefinitionError(
            f"latency_share(under={under!r}, at_most={at_most!r}): give exactly one bound"
        )
    return LatencyShare(
        service=service,
        client_errors=client_errors,
        server_errors=server_errors,
        latency_under=under,
        latency_at_most=at_most,
        min_requests=min_requests,
    )


def bucket_availability(
    *,
    bucket: Duration,
    max_error_rate: str | Decimal,
    down_when: DownWhen = ">",
    min_requests: int = 1,
    empty: Treatment = "good",
    service: str | None = None,
    client_errors: Treatment = "good",
    server_errors: Treatment = "bad",
    latency_under: Duration | str | None = None,
    latency_at_most: Duration | str | None = None,
) -> BucketAvailability:
    """Return availability as good buckets / eligible buckets of request data.

    Args:
        bucket: the bucket size, such as ``minutes(5)``; buckets are aligned to
            the start of the period, and a partial bucket at either end (when
            the period is not a whole number of buckets, or the agreement starts
            mid-period) counts as one bucket.
        max_error_rate: the error rate a bucket may have, such as ``"5%"``; the
            error rate is bad requests / counted requests of the bucket, compared
            exactly.
        down_when: ``">"`` (default): a bucket is down when its error rate
            exceeds ``max_error_rate``; ``">="``: also when it equals it.
        min_requests: a bucket with fewer counted requests than this is never
            down (it is good); 1 (default) means any bucket with traffic can be.
        empty: a bucket without counted requests is ``"good"`` (default),
            ``"bad"`` or ``"excluded"`` (left out of the denominator).
        service: the one service to measure; ``None`` measures each service.
        client_errors: 4xx requests are ``"good"`` (default), ``"bad"`` or ``"excluded"``.
        server_errors: 5xx and failed requests are ``"bad"`` (default), ``"good"``
            or ``"excluded"``.
        latency_under: a request that would be good is bad unless faster than this.
        latency_at_most: the same with an inclusive bound (give one of the two).
    """
    return BucketAvailability(
        bucket=bucket,
        max_error_rate=max_error_rate,
        down_when=down_when,
        min_requests=min_requests,
        empty=empty,
        service=service,
        client_errors=client_errors,
        server_errors=server_errors,
        latency_under=latency_under,
        latency_at_most=latency_at_most,
    )


def error_rate_uptime(
    *,
    bucket: Duration,
    service: str | None = None,
    client_errors: Treatment = "good",
    server_errors: Treatment = "bad",
    latency_under: Duration | str | None = None,
    latency_at_most: Duration | str | None = None,
) -> ErrorRateUptime:
    """Return uptime as 100% minus the average of the per-bucket error rates.

    ``bucket`` is the bucket size, such as ``minutes(5)``, aligned to the period
    start. Every bucket of the period counts in the average; a bucket without
    counted requests has an error rate of 0%. The value is exact (a rational
    number). The other options are those of
    [`bucket_availability()`][slakit.bucket_availability], with the same defaults.
    """
    return ErrorRateUptime(
        bucket=bucket,
        service=service,
        client_errors=client_errors,
        server_errors=server_errors,
        latency_under=latency_under,
        latency_at_most=latency_at_most,
    )


def latency_percentile(
    q: int | str | Decimal,
    *,
    method: Method = "nearest_rank",
    per: Duration | None = None,
    service: str | None = None,
    client_errors: Counted = "counted",
    server_errors: Counted = "counted",
) -> LatencyPercentile:
    """Return the ``q``-th latency percentile of each service's requests.

    Args:
        q: the percentile, above 0 and at most 100: ``99``, ``"99.9"``, ``"99.9%"``.
        method: ``"nearest_rank"`` (default): the latency at 1-based rank
            ``ceil(q/100 * n)``; ``"lower"`` / ``"higher"``: 0-based rank
            ``floor`` / ``ceil`` of ``q/100 * (n - 1)``; ``"linear"``: linear
            interpolation between those two (numpy's default), exact. These
            match numpy's ``inverted_cdf``, ``lower``, ``higher`` and ``linear``.
        per: ``None`` (default) takes the percentile over the whole period; a
            bucket size such as ``minutes(5)`` takes it in every bucket (aligned
            to the period start) and the value is the highest of them.
        service: the one service to measure; ``None`` measures each service.
        client_errors: 4xx requests are ``"counted"`` (default) or ``"excluded"``.
        server_errors: 5xx and failed requests are ``"counted"`` (default) or ``"excluded"``.
    """
    return LatencyPercentile(
        q=q,
        method=method,
        per=per,
        service=service,
        client_errors=client_errors,
        server_errors=server_errors,
    )
