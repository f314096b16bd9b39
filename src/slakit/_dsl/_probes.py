"""Probe measures: the mean, a percentile or the maximum of probe samples, per period and service.

Telecom and network agreements state their objectives over samples of a probe:
"average round-trip time between the London and Frankfurt PoPs of at most 45 ms
per month", "95th percentile jitter under 2 ms", "monthly packet loss no more
than 0.1%". Each route, site or circuit is a *service* of the agreement, and its
samples are [`Probe`][slakit.Probe] rows of one *metric* (``"rtt"``, ``"jitter"``,
``"loss"``, ...).

Every probe measure reads the samples of its metric taken in the evaluated
period (by their instant, half-open ``[start, end)``), of each service it
covers, optionally only those within service hours (``during=``), and computes
its value exactly:

- [`probe_mean()`][slakit.probe_mean]: the sum of the samples over their number, a
  rational number;
- [`probe_percentile()`][slakit.probe_percentile]: the sample at a rank, by the
  nearest-rank method unless told otherwise (the methods of
  [`latency_percentile()`][slakit.latency_percentile]);
- [`probe_max()`][slakit.probe_max]: the largest sample.

A service with fewer samples than ``min_samples`` (default 1) has *no data*,
which the tier's ``no_data`` rule decides. Values are in the metric's unit:
milliseconds for ``rtt``, ``latency`` and ``jitter``, percent for ``loss``,
none for any other metric unless ``unit=`` names one; targets and credit bands
are written in it (``probe_mean("rtt") <= "45ms"``, ``"45"`` alike).
"""

from __future__ import annotations

import abc
import decimal
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs

from slakit._dsl._measures import Measure
from slakit._dsl._requests import METHODS, Method, _quantile
from slakit._money import round_fraction
from slakit._node import node, shown
from slakit._ratio import check_number, decimal_of, format_percent, parse_number, shift_decimal
from slakit._time._calendar import Calendar
from slakit._time._instant import Duration
from slakit._validation import check_choice
from slakit.exceptions import DefinitionError

__all__ = [
    "DEFAULT_UNITS",
    "ProbeMax",
    "ProbeMean",
    "ProbeMeasure",
    "ProbePercentile",
    "probe_max",
    "probe_mean",
    "probe_percentile",
]

#: The unit of the well-known metrics; any other metric has none unless ``unit=`` names one.
DEFAULT_UNITS: Final = {"rtt": "ms", "latency": "ms", "jitter": "ms", "loss": "%"}
#: A measured value without a finite decimal form is shown rounded to this many places.
SHOWN_PLACES: Final = 6
_MAX_UNIT: Final = 12
_NOT_IN_UNIT: Final = frozenset("0123456789.+-_ \t\n")


def _check_metric(_instance: object, _attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(
            f"metric={value!r} must be a non-empty metric name such as 'rtt', 'jitter' or 'loss'",
            name="metric",
            value=value,
        )


def _unit(value: object) -> str | None:
    if value is None:
        return None
    if (
        not isinstance(value, str)
        or len(value) > _MAX_UNIT
        or any(c in _NOT_IN_UNIT for c in value)
        or ("%" in value and value != "%")
    ):
        raise DefinitionError(
            f"unit={value!r} must be a unit name of at most {_MAX_UNIT} characters without "
            "digits, signs or spaces ('%' alone), such as 'ms', '%' or 'Mbps' ('' for none)",
            name="unit",
            value=value,
        )
    return value


def _min_samples(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise DefinitionError(
            f"min_samples={value!r} must be a whole number of at least 1",
            name="min_samples",
            value=value,
        )
    return value


def _calendar(value: object) -> Calendar | None:
    if value is None or isinstance(value, Calendar):
        return value
    raise DefinitionError(
        f"during={value!r} must be a calendar such as weekly('Mon-Fri 08:00-18:00', tz=...)",
        name="during",
        value=value,
    )


def _percentile(value: object) -> Decimal:
    """Return a percentile as written (``95``, ``"99.9"``, ``"99.9%"``) as its number: 99.9."""
    return _plain_decimal(shift_decimal(_quantile(value), 2))


def _percentile_text(q: Decimal) -> str:
    """Return a percentile as the factory reads it back: ``95`` or ``'99.9'``."""
    text = _plain(q)
    return text if "." not in text else repr(text)


def _plain_decimal(value: Decimal) -> Decimal:
    return Decimal(_plain(value))


def _plain(value: Decimal) -> str:
    """Return a decimal in plain notation without trailing zeros: ``'12.5'``, ``'0'``."""
    if value.is_zero():
        return "0"
    digits = max(len(value.as_tuple().digits), 1)
    exact = decimal.Context(prec=digits, Emin=decimal.MIN_EMIN, Emax=decimal.MAX_EMAX)
    return f"{value.normalize(exact):f}"


#: Units in words, for descriptions.
_UNIT_WORDS: Final = {"ms": "milliseconds", "%": "percent", "us": "microseconds", "s": "seconds"}


@attrs.frozen(repr=False, kw_only=True, order=False)
class ProbeMeasure(Measure):
    """The base of measures over probe samples: which samples count, and in what unit.

    Build one with [`probe_mean()`][slakit.probe_mean],
    [`probe_percentile()`][slakit.probe_percentile] or [`probe_max()`][slakit.probe_max]; the
    options are described there.
    """

    metric: str = attrs.field(validator=_check_metric, metadata=shown(positional=True))
    service: str | None = None
    min_samples: int = attrs.field(default=1, converter=_min_samples)
    during: Calendar | None = attrs.field(default=None, converter=_calendar)
    unit: str | None = attrs.field(default=None, converter=_unit)

    def counts_misses(self) -> bool:
        """Return ``False``: a probe statistic is a value, not a count of misses."""
        return False

    def __attrs_post_init__(self) -> None:
        if self.unit is not None and self.unit == DEFAULT_UNITS.get(self.metric, ""):
            object.__setattr__(self, "unit", None)  # the metric's own unit: written once

    @property
    def unit_text(self) -> str:
        """The unit the values are in: ``unit``, else the metric's own (``''`` for none)."""
        return self.unit if self.unit is not None else DEFAULT_UNITS.get(self.metric, "")

    @property
    @abc.abstractmethod
    def statistic(self) -> str:
        """The statistic's name in labels: ``'mean'``, ``'p95'``, ``'max'``."""

    @property
    def label(self) -> str:
        """The measure's name in reports, such as ``'p95 rtt of lon-fra'``."""
        name = f"{self.statistic} {self.metric}"
        return name if self.service is None else f"{name} of {self.service}"

    @abc.abstractmethod
    def formula(self) -> str:
        """Return how the value is computed from the counted samples, in words."""

    def describe(self) -> str:
        """Return how the measure is computed, in words a customer can read."""
        unit = self.unit_text
        parts = [
            self.formula()
            + (f", in {_UNIT_WORDS.get(unit, unit)}" if unit else "")
            + f"; only samples of the metric {self.metric!r} count",
            (
                "a sample belongs to the period in which it was taken, by its instant "
                "(from the period's start, inclusive, to its end, exclusive)"
            ),
        ]
        if self.during is not None:
            parts.append(f"only samples taken within the service hours ({self.during.describe()})")
        if self.min_samples > 1:
            parts.append(
                f"a service with fewer than {self.min_samples} samples in the period has no data"
            )
        else:
            parts.append("a service without samples in the period has no data")
        return "; ".join(parts) + "."

    @property
    def percent(self) -> bool:
        """Whether the values are percentages (unit ``%``): then the value is a ratio.

        A sample of ``"0.2"`` percent is the ratio 0.002, and the measure reads and
        writes its values as every percentage in slakit: ``"0.2%"``.
        """
        return self.unit_text == "%"

    def sample_value(self, number: Decimal) -> str:
        """Return a number in the samples' unit (``0.2`` percent, ``12.5`` ms) as a value."""
        return self.format_value(number.scaleb(-2) if self.percent else number)

    def coerce(self, value: object, *, name: str = "target") -> Decimal:
        """Return a target or bound in the measure's unit: ``"45ms"``, ``"45"``, ``45``.

        Percentages (unit ``%``) are read as every percentage is: ``"0.1%"`` is
        the ratio 0.001. A ``Duration`` is read in milliseconds when the unit is ``ms``.

        Raises:
            DefinitionError: the value is negative, not a number, or names another unit.
        """
        if self.percent:
            return super().coerce(value, name=name)
        unit = self.unit_text
        example = f"'45{unit}'"
        if isinstance(value, Duration) and unit == "ms":
            return Decimal(value.us).scaleb(-3)
        if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
            raise DefinitionError(
                f"{name}={value!r} must be a value in {unit or 'the metric unit'}, such as "
                f"{example}",
                name=name,
                value=value,
            )
        number: Decimal
        if isinstance(value, int):
            number = check_number(Decimal(value), name=name, given=value)
        elif isinstance(value, Decimal):
            number = check_number(value, name=name)
        else:
            text = value.strip()
            if unit and text.endswith(unit):
                text = text[: -len(unit)].rstrip()
            elif text[-1:].isalpha() or text.endswith("%"):
                raise DefinitionError(
                    f"{name}={value!r} names another unit; {self.label} is in "
                    f"{unit or 'no unit'}: write it as {example}",
                    name=name,
                    value=value,
                )
            number = parse_number(text, name=name, given=value, suffix=unit)
        if number < 0:
            raise DefinitionError(
                f"{name}={value!r} must be zero or more, such as {example}", name=name, value=value
            )
        return number

    def format_value(self, value: Fraction | Decimal) -> str:
        """Return a value with its unit: exactly when it has a finite decimal, else rounded.

        A rounded value is followed by its exact fraction:
        ``'12.333333ms (exact 37/3)'``. Percentages print as every percentage does.
        """
        if self.percent:
            return super().format_value(value)
        unit = self.unit_text
        if isinstance(value, Decimal):
            return f"{_plain(value)}{unit}"
        exact = decimal_of(Fraction(value))
        if exact is not None:
            return f"{_plain(exact)}{unit}"
        shown = round_fraction(Fraction(value), SHOWN_PLACES, "half_even")
        return f"{_plain(shown)}{unit} (exact {value})"

    def format_margin(self, margin: Fraction) -> str:
        """Return a margin to a target, signed, in the measure's unit: ``'-2.5ms'``.

        Percentages give percentage points, as every percentage does.
        """
        if self.percent:
            return super().format_margin(margin)
        negative = margin < 0
        text = self.format_value(abs(margin))
        if negative:  # the exact fraction, when shown, carries the sign too
            text = text.replace("(exact ", "(exact -")
        return f"{'-' if negative else '+'}{text}"

    def bad_units(self, good: Any, total: Any) -> Any:
        """A probe statistic counts no misses of its own: give ``per_breach`` an objective.

        Raises:
            DefinitionError: always; ``per_breach(probe_mean('rtt') <= '45ms', ...)`` pays
                per breached objective.
        """
        raise DefinitionError(
            f"{self!r} counts no misses of its own; pay per breach of an objective on it "
            f"instead, such as per_breach({self!r} <= '45{self.unit_text}', usd('100'))"
        )


@node("probe_mean")
@attrs.frozen(kw_only=True, order=False)
class ProbeMean(ProbeMeasure):
    """The mean of a metric's samples per service and period, exact.

    Build it with [`probe_mean()`][slakit.probe_mean].
    """

    @property
    def statistic(self) -> str:
        """``'mean'``."""
        return "mean"

    def formula(self) -> str:
        """Return how the mean is computed, in words."""
        return (
            "The mean of the period's samples: their sum divided by their number, exactly "
            "(a value with no finite decimal form is shown rounded, with its exact fraction)"
        )


@node("probe_percentile")
@attrs.frozen(kw_only=True, order=False)
class ProbePercentile(ProbeMeasure):
    """A percentile of a metric's samples per service and period.

    Build it with [`probe_percentile()`][slakit.probe_percentile]. ``q`` is the
    percentile as a number, ``Decimal('95')`` for the 95th (``ratio`` is 0.95).
    """

    q: Decimal = attrs.field(
        converter=_percentile, metadata=shown(positional=True, text=_percentile_text)
    )
    method: Method = attrs.field(
        default="nearest_rank", validator=check_choice(METHODS, "method", "how the rank is chosen")
    )

    @property
    def statistic(self) -> str:
        """``'p95'``, ``'p99.9'``: the percentile."""
        return f"p{_plain(self.q)}"

    @property
    def ratio(self) -> Fraction:
        """The percentile as a ratio: 0.95 for the 95th."""
        return Fraction(self.q) / 100

    def formula(self) -> str:
        """Return how the percentile is picked, in words."""
        how = {
            "nearest_rank": (
                "the sample at 1-based rank ceil(q x n) of the n samples sorted by value"
            ),
            "lower": "the sample at 0-based rank floor(q x (n - 1)) of the n sorted samples",
            "higher": "the sample at 0-based rank ceil(q x (n - 1)) of the n sorted samples",
            "linear": (
                "linear interpolation between the samples at 0-based ranks floor and ceil of "
                "q x (n - 1) of the n sorted samples, exactly"
            ),
        }[self.method]
        method = self.method.replace("_", " ")
        return (
            f"The {format_percent(self.q.scaleb(-2))} percentile of the period's samples by the "
            f"{method} method: {how}"
        )


@node("probe_max")
@attrs.frozen(kw_only=True, order=False)
class ProbeMax(ProbeMeasure):
    """The largest of a metric's samples per service and period.

    Build it with [`probe_max()`][slakit.probe_max].
    """

    @property
    def statistic(self) -> str:
        """``'max'``."""
        return "max"

    def formula(self) -> str:
        """Return how the maximum is taken, in words."""
        return "The largest of the period's samples"


def probe_mean(
    metric: str,
    *,
    service: str | None = None,
    min_samples: int = 1,
    during: Calendar | None = None,
    unit: str | None = None,
) -> ProbeMean:
    """Return the mean of the samples of ``metric`` per service and period, exactly.

    The value is the sum of the counted samples divided by their number, a
    rational number compared exactly with targets: a mean of exactly 45ms meets
    ``probe_mean("rtt") <= "45ms"``.

    Args:
        metric: the samples' metric, such as ``"rtt"``, ``"jitter"`` or ``"loss"``.
        service: the one service (route, site, circuit) to measure; ``None``
            measures each service of the agreement.
        min_samples: a service with fewer samples than this in the period has no
            data (the tier's ``no_data`` rule decides its verdict).
        during: a calendar of service hours; only samples taken within it count.
        unit: the unit of the values (``"ms"``, ``"%"``, ``"Mbps"``; ``""`` for
            none); by default ``ms`` for ``rtt``, ``latency`` and ``jitter``,
            ``%`` for ``loss`` and none for any other metric.

    Examples:
        >>> probe_mean("rtt", min_samples=100)
        probe_mean('rtt', min_samples=100)
        >>> probe_mean("rtt") <= "45ms"
        probe_mean('rtt') <= '45ms'
    """
    return ProbeMean(
        metric=metric, service=service, min_samples=min_samples, during=during, unit=unit
    )


def probe_percentile(
    metric: str,
    q: int | str | Decimal,
    *,
    method: Method = "nearest_rank",
    service: str | None = None,
    min_samples: int = 1,
    during: Calendar | None = None,
    unit: str | None = None,
) -> ProbePercentile:
    """Return the ``q``-th percentile of the samples of ``metric`` per service and period.

    By the nearest-rank method (the default), the value is the sample at
    1-based rank ``ceil(q/100 * n)`` of the ``n`` counted samples sorted by
    value: always one of the samples, exact, and the rule most telecom
    agreements state. The other methods are those of
    [`latency_percentile()`][slakit.latency_percentile].

    Args:
        metric: the samples' metric, such as ``"rtt"``.
        q: the percentile, above 0 and at most 100: ``95``, ``"99.9"``, ``"99.9%"``.
        method: ``"nearest_rank"`` (default), ``"lower"``, ``"higher"`` or ``"linear"``.
        service: the one service to measure; ``None`` measures each service.
        min_samples: fewer samples than this in the period is no data.
        during: a calendar of service hours; only samples taken within it count.
        unit: the unit of the values, as for [`probe_mean()`][slakit.probe_mean].

    Examples:
        >>> probe_percentile("jitter", 95) < "2ms"
        probe_percentile('jitter', 95) < '2ms'
    """
    return ProbePercentile(
        metric=metric,
        q=q,
        method=method,
        service=service,
        min_samples=min_samples,
        during=during,
        unit=unit,
    )


def probe_max(
    metric: str,
    *,
    service: str | None = None,
    min_samples: int = 1,
    during: Calendar | None = None,
    unit: str | None = None,
) -> ProbeMax:
    """Return the largest sample of ``metric`` per service and period.

    The options are those of [`probe_mean()`][slakit.probe_mean].

    Examples:
        >>> probe_max("loss") <= "1%"
        probe_max('loss') <= '1%'
    """
    return ProbeMax(
        metric=metric, service=service, min_samples=min_samples, during=during, unit=unit
    )
