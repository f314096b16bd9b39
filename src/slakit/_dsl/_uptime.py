"""Uptime from outage reports: the ``uptime()`` measure, its bucket and component rules."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Final, Literal, cast

import attrs

from slakit._dsl._exclusions import Corrections, Exclusion
from slakit._dsl._measures import Measure
from slakit._node import DSLRepr, node, shown
from slakit._ratio import echo, format_percent, ratio
from slakit._time._calendar import Calendar
from slakit._time._instant import Duration
from slakit._validation import check_duration
from slakit.exceptions import DefinitionError

__all__ = [
    "BucketRule",
    "ComponentRule",
    "Uptime",
    "all_of",
    "any_of",
    "at_least",
    "uptime",
]


def _duration(value: object, name: str, *, positive: bool) -> Duration:
    return check_duration(value, name, positive=positive, example="minutes(1)")


def _min_outage(value: Duration) -> Duration:
    return _duration(value, "min_outage", positive=False)


def _granularity(value: Duration | None) -> Duration | None:
    return None if value is None else _duration(value, "granularity", positive=True)


def _exclusions(value: Exclusion | Iterable[Exclusion]) -> tuple[Exclusion, ...]:
    items: tuple[object, ...] = (
        (value,) if isinstance(value, Exclusion) else tuple(cast("Iterable[object]", value))
    )
    for item in items:
        if not isinstance(item, Exclusion):
            raise DefinitionError(
                f"excluding={value!r}: {item!r} is not an exclusion clause such as "
                "scheduled_maintenance(notice=days(5))"
            )
    clauses = cast("tuple[Exclusion, ...]", items)
    kinds = [type(item) for item in clauses if not isinstance(item, Corrections)]
    if len(set(kinds)) != len(kinds):
        raise DefinitionError(
            f"excluding={value!r} names the same kind of clause twice; merge them into one"
        )
    _check_corrections(value, [c for c in clauses if isinstance(c, Corrections)])
    return clauses


def _check_corrections(value: object, clauses: list[Corrections]) -> None:
    """Refuse corrections clauses whose categories overlap (each category has one accounting)."""
    seen: dict[str, Corrections] = {}
    every = [c for c in clauses if not c.categories]
    if every and len(clauses) > 1:
        raise DefinitionError(
            f"excluding={value!r}: {every[0]!r} applies corrections of every category, so no "
            "other corrections clause may name categories; name the categories of each"
        )
    for clause in clauses:
        for category in clause.categories:
            if category in seen:
                raise DefinitionError(
                    f"excluding={value!r}: category {category!r} is in {seen[category]!r} and "
                    f"{clause!r}; give each category one clause"
                )
            seen[category] = clause


def _calendar(value: Calendar | None) -> Calendar | None:
    if value is None or isinstance(value, Calendar):
        return value
    raise DefinitionError(
        f"during={value!r} must be a calendar such as weekly('Mon-Fri 08:00-18:00', tz=...)"
    )


MinOutageOf = Literal["episode", "report", "buckets"]
Denominator = Literal["period", "deployed"]

#: The longest bucket rule text, in characters (``">= 30 seconds"``): parsing takes bounded time.
MAX_BUCKET_RULE_TEXT: Final = 100
_BUCKET_RULE = re.compile(
    r"\s*(>=|>)\s*([0-9]{1,30})\s*(microsecond|second|minute|hour|day)s?\s*",
    re.IGNORECASE | re.ASCII,
)
_UNITS = {"microsecond": 1, "second": 10**6, "minute": 60 * 10**6, "hour": 3600 * 10**6}
_UNITS["day"] = 24 * _UNITS["hour"]


@node("bucket_rule")
@attrs.frozen(repr=False)
class BucketRule(DSLRepr):
    """When a bucket counts as down, from how much of it is down.

    ``"any"``: any down time in it (a partly down bucket counts); ``"all"``: only
    a wholly down bucket (partial buckets are truncated away); ``"> 6 minutes"``:
    more than six minutes of it; ``">= 6 minutes"``: at least six minutes.
    """

    kind: Literal["any", "all", ">", ">="]
    threshold: Duration = attrs.field(factory=lambda: Duration(0))

    @classmethod
    def parse(cls, value: object) -> BucketRule:
        """Return the rule written as ``"any"``, ``"all"``, ``"> 6 minutes"`` or ``">= 1 hour"``."""
        if isinstance(value, BucketRule):
            return value
        if value in ("any", "all"):
            return cls(value)
        too_long = isinstance(value, str) and len(value) > MAX_BUCKET_RULE_TEXT
        match = _BUCKET_RULE.fullmatch(value) if isinstance(value, str) and not too_long else None
        if match is None:
            raise DefinitionError(
                f"bucket_down={echo(value)} must be 'any', 'all', or a threshold of at most "
                f"{MAX_BUCKET_RULE_TEXT} characters such as '> 6 minutes' or '>= 30 seconds'",
                name="bucket_down",
                value=value,
            )
        amount = int(match[2]) * _UNITS[match[3].lower()]
        return cls(match[1], Duration(amount))  # type: ignore[arg-type]

    def text(self) -> str:
        """Return the rule as written, such as ``'> 6 minutes'``."""
        if self.kind in ("any", "all"):
            return self.kind
        return f"{self.kind} {self.threshold.words()}"

    def describe(self) -> str:
        """Return when a bucket is down, in words."""
        if self.kind == "any":
            return "a bucket is down if any counted outage touches it"
        if self.kind == "all":
            return (
                "a bucket is down only if it is down throughout (partly down buckets count as up)"
            )
        word = "more than" if self.kind == ">" else "at least"
        return f"a bucket is down if {word} {self.threshold.words()} of it is down"

    def __repr__(self) -> str:
        return repr(self.text())


def _bucket_rule(value: object) -> BucketRule:
    return BucketRule.parse(value)


def _states(
    value: Mapping[str, object] | Iterable[tuple[str, Decimal]],
) -> tuple[tuple[str, Decimal], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    out = []
    for name, weight in items:
        if not isinstance(name, str) or not name.strip():
            raise DefinitionError(f"states: {name!r} is not a state name such as 'degraded'")
        share = ratio(weight, name=f"weight of state {name!r}")
        if share == 0:
            raise DefinitionError(
                f"states: {name!r} weighs 0%; leave it out so its outages are listed as not "
                "counted, rather than counted as nothing"
            )
        out.append((name, share))
    if not out:
        raise DefinitionError("states={} counts no outage at all; give at least {'down': '100%'}")
    names = [n for n, _ in out]
    if len(set(names)) != len(names):
        raise DefinitionError(f"states names a state twice: {names}")
    return tuple(sorted(out))


@node("component_rule")
@attrs.frozen(repr=False)
class ComponentRule(DSLRepr):
    """A service made of components: down when at least ``need`` of them are down at once.

    Build one with [`all_of()`][slakit.all_of] (a region is down only when all of its zones
    are), [`any_of()`][slakit.any_of] (a service is down when any of its components is) or
    [`at_least()`][slakit.at_least].
    """

    need: int
    names: tuple[str, ...]

    def __attrs_post_init__(self) -> None:
        if not self.names:
            raise DefinitionError("a component rule needs at least one component name")
        for name in self.names:
            given: object = name
            if not isinstance(given, str) or not name.strip():
                raise DefinitionError(f"component {name!r} is not a service name")
        if len(set(self.names)) != len(self.names):
            raise DefinitionError(f"components {list(self.names)} name one component twice")
        if not 1 <= self.need <= len(self.names):
            raise DefinitionError(
                f"need={self.need} must be between 1 and the {len(self.names)} components"
            )

    def describe(self) -> str:
        """Return the rule in words."""
        names = ", ".join(self.names)
        if self.need == len(self.names):
            return f"down only when all of {names} are down"
        if self.need == 1:
            return f"down when any of {names} is down"
        return f"down when at least {self.need} of {names} are down"

    def __repr__(self) -> str:
        names = ", ".join(map(repr, self.names))
        if self.need == len(self.names):
            return f"all_of({names})"
        if self.need == 1:
            return f"any_of({names})"
        return f"at_least({self.need}, {names})"


def all_of(*names: str) -> ComponentRule:
    """Return the rule "down only when every one of these components is down"."""
    return ComponentRule(len(names), names)


def any_of(*names: str) -> ComponentRule:
    """Return the rule "down whenever any one of these components is down"."""
    return ComponentRule(1, names)


def at_least(need: int, *names: str) -> ComponentRule:
    """Return the rule "down when at least ``need`` of these components are down at once"."""
    return ComponentRule(need, names)


def _components(
    value: Mapping[str, ComponentRule] | Iterable[tuple[str, ComponentRule]],
) -> tuple[tuple[str, ComponentRule], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    out = []
    for service, rule in items:
        given: object = rule
        if not isinstance(given, ComponentRule):
            raise DefinitionError(
                f"components[{service!r}]={rule!r} must be a rule such as all_of('a', 'b')"
            )
        out.append((service, rule))
    return tuple(sorted(out, key=lambda item: item[0]))


def _check_denominator(_instance: object, _attribute: object, value: object) -> None:
    if value not in ("period", "deployed"):
        raise DefinitionError(
            f"denominator={value!r} must be 'period' (every instant of the period, within "
            "the service window) or 'deployed' (only while the service was deployed)"
        )


def _check_min_outage_of(_instance: object, _attribute: object, value: object) -> None:
    if value not in (None, "episode", "report", "buckets"):
        raise DefinitionError(
            f"min_outage_of={value!r} must be 'episode' (consecutive downtime after merging "
            "overlapping reports), 'report' (each outage record on its own), 'buckets' (a run "
            "of consecutive counted buckets) or None (as the bucket rule implies)"
        )


@node("uptime")
@attrs.frozen(kw_only=True, order=False)
class Uptime(Measure):
    """Availability from outage reports: ``1 - down time / eligible time`` over a period.

    Build it with [`uptime()`][slakit.uptime]; the fields are described there.
    """

    service: str | None = None
    min_outage: Duration = attrs.field(default=Duration(0), converter=_min_outage)
    min_outage_of: MinOutageOf | None = attrs.field(default=None, validator=_check_min_outage_of)
    granularity: Duration | None = attrs.field(default=None, converter=_granularity)
    excluding: tuple[Exclusion, ...] = attrs.field(default=(), converter=_exclusions)
    during: Calendar | None = attrs.field(default=None, converter=_calendar)
    bucket_down: BucketRule = attrs.field(default=BucketRule("any"), converter=_bucket_rule)
    states: tuple[tuple[str, Decimal], ...] = attrs.field(
        default=(("down", Decimal(1)),), converter=_states, metadata=shown(pairs=True, percent=True)
    )
    affected_share: bool = False
    denominator: Denominator = attrs.field(default="period", validator=_check_denominator)
    components: tuple[tuple[str, ComponentRule], ...] = attrs.field(
        default=(), converter=_components, metadata=shown(pairs=True)
    )

    def __attrs_post_init__(self) -> None:
        accountings = {c.accounting for c in self.excluding}
        if "bad" in accountings and len(accountings) > 1 and self.weighted:
            raise DefinitionError(
                "a weighted measure (degraded states, affected shares) cannot count some "
                "excluded time as unavailable (accounting='bad') and take other time out: "
                "give the time counted as unavailable a measure of its own, or record it as "
                "outages with a state"
            )
        if self.components and self.weighted:
            raise DefinitionError(
                "components= combines components that are down or up; it cannot be combined "
                "with weighted states or affected shares in one measure"
            )
        rule = self.bucket_down
        if self.min_outage_of == "buckets" and self.granularity is None:
            raise DefinitionError(
                "min_outage_of='buckets' applies the minimum to runs of down buckets; give a "
                "granularity such as minutes(1), or measure raw outages with 'episode'"
            )
        if rule.kind != "any" and self.granularity is None:
            raise DefinitionError(
                f"bucket_down={rule.text()!r} needs buckets; give a granularity such as hours(1)"
            )
        if self.granularity is not None and rule.kind in (">", ">="):
            size = self.granularity.us
            if rule.threshold.us > size or (rule.kind == ">" and rule.threshold.us >= size):
                raise DefinitionError(
                    f"bucket_down={rule.text()!r} can never hold in a bucket of "
                    f"{self.granularity.words()}; lower the threshold"
                )

    @property
    def minimum_of(self) -> MinOutageOf:
        """What must last ``min_outage``, with ``min_outage_of=None`` resolved.

        ``None`` follows the bucket rule: when partial buckets are not counted
        (``bucket_down="all"``), the contract counts down time in whole buckets,
        so the minimum applies to runs of consecutive down buckets
        (``"buckets"``); otherwise to episodes of raw downtime (``"episode"``).
        """
        if self.min_outage_of is not None:
            return self.min_outage_of
        return "buckets" if self.bucket_down.kind == "all" else "episode"

    @property
    def weighted(self) -> bool:
        """Whether some outages weigh less than 100% (degraded states or affected shares)."""
        return self.affected_share or any(w != 1 for _, w in self.states)

    @property
    def label(self) -> str:
        """The measure's name in reports."""
        return "uptime" if self.service is None else f"uptime of {self.service}"

    def describe(self) -> str:
        """Return how uptime is computed, in words."""
        parts = []
        if self.min_outage.us:
            scope = {
                "episode": "consecutive downtime",
                "report": "an outage report",
                "buckets": "a run of consecutive down buckets",
            }[self.minimum_of]
            parts.append(f"{scope} shorter than {self.min_outage.words()} is ignored")
        if self.states != (("down", Decimal(1)),):
            weights = ", ".join(f"{n} {format_percent(w)}" for n, w in self.states)
            parts.append(
                f"outage states weigh {weights} (where states overlap the heaviest counts), and "
                "outages in other states are not counted"
            )
        if self.affected_share:
            parts.append("down time is weighted by the share of customers each outage affected")
        if self.granularity is not None:
            parts.append(
                f"time is counted in buckets of {self.granularity.words()} aligned to the start "
                f"of the period, and {self.bucket_down.describe()}"
            )
        parts.extend(clause.describe() for clause in self.excluding)
        if self.during is not None:
            parts.append(
                f"only time within the service hours ({self.during.describe()}) is eligible"
            )
        if self.denominator == "deployed":
            parts.append("only time while the service was deployed is eligible")
        parts.extend(f"{service} is {rule.describe()}" for service, rule in self.components)
        head = "Uptime is 1 - (down time / eligible time) over the period"
        return head + ("; " + "; ".join(parts) if parts else "") + "."


_NO_MINIMUM = Duration(0)


def uptime(
    *,
    service: str | None = None,
    min_outage: Duration = _NO_MINIMUM,
    min_outage_of: MinOutageOf | None = None,
    granularity: Duration | None = None,
    excluding: Exclusion | Sequence[Exclusion] = (),
    during: Calendar | None = None,
    bucket_down: str = "any",
    states: Mapping[str, object] | None = None,
    affected_share: bool = False,
    denominator: Denominator = "period",
    components: Mapping[str, ComponentRule] | None = None,
) -> Uptime:
    """Return the availability measure ``1 - down / eligible`` from outage reports.

    Args:
        service: the one service to measure; ``None`` (default) measures each
            service of the agreement separately.
        min_outage: downtime shorter than this is ignored, for example
            ``minutes(1)``.
        min_outage_of: what must last ``min_outage``: an ``"episode"`` of
            consecutive downtime after overlapping outage reports are merged,
            each outage ``"report"`` on its own, or a run of consecutive down
            ``"buckets"`` (after the bucket rule; needs a granularity). The
            default, ``None``, follows the bucket rule: ``"buckets"`` when
            partial buckets are not counted (``bucket_down="all"``: "ten
            consecutive minutes of downtime; partial minutes are not counted"),
            else ``"episode"`` ("outages shorter than a minute are ignored").
            An outage from 10:00:30 to 10:10:40 lasts 10 minutes 10 seconds but
            holds only 9 whole minutes: with ``min_outage=minutes(10)`` it
            counts as an episode and not as a run of whole down minutes.
        granularity: count time in buckets of this size, aligned to the start of
            the period; a bucket is down if a counted outage touches it. ``None``
            counts exact microseconds.
        excluding: exclusion clauses, such as
            ``scheduled_maintenance(notice=days(5))``.
        during: the service window (a calendar); only its time is eligible.
            ``None`` means every instant of the period.
        bucket_down: with a granularity, when a bucket counts as down: ``"any"``
            (default; a partly down bucket counts), ``"all"`` (only wholly down
            buckets; partial ones are truncated), ``"> 6 minutes"`` (a clock-hour
            rule: more than six of its minutes down) or ``">= 6 minutes"``.
        states: what each outage state weighs, such as
            ``{"down": "100%", "degraded": "50%"}`` (default: only ``"down"``, at
            100%). Where outages overlap, the heaviest counts; outages in a state
            not listed are not counted, and the report says so.
        affected_share: weight each outage by the share of customers it
            affected (the outage's ``affected``).
        denominator: ``"period"`` (default): every instant of the period within
            the service window is eligible; ``"deployed"``: only time covered by
            [`Deployment`][slakit.Deployment] records of the service (the time it existed).
        components: services made of components, such as
            ``{"eu-west": all_of("eu-west-a", "eu-west-b", "eu-west-c")}``: the
            service is down when its rule holds over its components' outages
            (reported under the components' names). The minimum outage, buckets
            and exclusions then apply to the service's combined downtime.
    """
    return Uptime(
        service=service,
        min_outage=min_outage,
        min_outage_of=min_outage_of,
        granularity=granularity,
        excluding=excluding,
        during=during,
        bucket_down=bucket_down,
        states=states if states is not None else {"down": "100%"},
        affected_share=affected_share,
        denominator=denominator,
        components=components or {},
    )
