"""Hypothesis strategies shared by the test suite; every new feature adds its own here.

Built on the public :mod:`slakit.strategies` (money, schedules, rules, tiers,
agreements, outage streams near a schedule's bounds); what lives here is what
only the project's own tests need (tiny synthetic periods, test calendars).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

import slakit as sla
from slakit import strategies as sst
from slakit._time._timeline import Timeline

SECOND = 1_000_000
#: 2026-10-01T00:00:00Z, the origin of the small synthetic periods used in properties.
T0 = 1_790_812_800 * SECOND
SERVICES = ("a", "b", "c")


@attrs.frozen
class SpansCalendar(sla.Calendar):
    """A test calendar holding fixed spans (microseconds), clipped to whatever is asked."""

    spans: tuple[tuple[int, int], ...]

    def _windows(self, lo: int, hi: int, tz: str | None) -> tuple[Any, Any]:
        clipped = Timeline([sla.Span(s, e) for s, e in self.spans]).clip((lo, hi))
        return clipped.starts, clipped.ends


def small_period(seconds: int = 600) -> sla.Period:
    """Return a synthetic period of ``seconds`` from :data:`T0` (UTC)."""
    return sla.Period(T0, T0 + seconds * SECOND, "test", "UTC")


@st.composite
def second_spans(draw: st.DrawFn, lo: int, hi: int, max_len: int = 120) -> tuple[int, int]:
    """Draw a span with whole-second bounds in ``[lo, hi]`` seconds from T0, in microseconds."""
    start = draw(st.integers(lo, hi - 1))
    length = draw(st.integers(1, max_len))
    return T0 + start * SECOND, T0 + min(start + length, hi) * SECOND


STATES = ("down", "degraded", "partial")
SHARES = ("100%", "50%", "25%", "30%")


@st.composite
def outages(
    draw: st.DrawFn, lo: int = -60, hi: int = 660, services: Sequence[str] = SERVICES
) -> sla.Outage:
    """Draw an outage of one of ``services`` within ``[lo, hi]`` seconds of T0.

    Most outages are plain ``down`` at 100%; some are in another state or affect a share.
    """
    s, e = draw(second_spans(lo, hi))
    state = draw(st.sampled_from(STATES[:1] * 3 + STATES))
    affected = draw(st.sampled_from(SHARES[:1] * 3 + SHARES))
    return sla.Outage(draw(st.sampled_from(services)), s, e, state=state, affected=affected)


@st.composite
def deployments(
    draw: st.DrawFn, lo: int = -60, hi: int = 660, services: Sequence[str] = SERVICES
) -> sla.Deployment:
    """Draw a span during which a service was deployed."""
    s, e = draw(second_spans(lo, hi, max_len=400))
    return sla.Deployment(draw(st.sampled_from(services)), s, e)


@st.composite
def maintenances(
    draw: st.DrawFn, lo: int = -60, hi: int = 660, services: Sequence[str] = SERVICES
) -> sla.Maintenance:
    """Draw a maintenance window announced between 0 and 20 seconds before it starts (or after)."""
    s, e = draw(second_spans(lo, hi, max_len=200))
    lead = draw(st.integers(-5, 20))
    return sla.Maintenance(draw(st.sampled_from(services)), s, e, s - lead * SECOND)


def events(max_size: int = 12) -> st.SearchStrategy[list[sla.Event]]:
    """Draw a list of outages, maintenance windows and deployments around a small period."""
    return st.lists(
        st.one_of(outages(), outages(), maintenances(), deployments()), max_size=max_size
    )


@st.composite
def uptime_measures(draw: st.DrawFn) -> sla.Uptime:
    """Draw an uptime measure with second-sized options suited to :func:`small_period`."""
    clause = draw(
        st.none()
        | st.builds(
            sla.scheduled_maintenance,
            notice=st.none() | st.integers(0, 15).map(sla.seconds),
            at_most=st.none() | st.integers(1, 300).map(sla.seconds),
            accounting=st.sampled_from(["remove", "good", "bad"]),
        )
    )
    window = draw(
        st.none()
        | st.lists(second_spans(0, 600, max_len=300), max_size=4).map(
            lambda spans: SpansCalendar(tuple(spans))
        )
    )
    granularity = draw(st.none() | st.integers(1, 90))
    bucket_down = "any"
    if granularity is not None:
        bucket_down = draw(
            st.sampled_from(["any", "all"])
            | st.integers(0, granularity - 1).map(lambda t: f"> {t} seconds")
            | st.integers(1, granularity).map(lambda t: f">= {t} seconds")
        )
    states = draw(
        st.sampled_from(
            [
                None,
                {"down": "100%", "degraded": "50%"},
                {"down": "100%", "degraded": "50%", "partial": "20%"},
                {"degraded": "75%", "partial": "100%"},
            ]
        )
    )
    return sla.uptime(
        min_outage=draw(st.integers(0, 90).map(sla.seconds)),
        min_outage_of=draw(
            st.sampled_from(
                [None, "episode", "report"] + ([] if granularity is None else ["buckets"])
            )
        ),
        granularity=None if granularity is None else sla.seconds(granularity),
        bucket_down=bucket_down,
        states=states,
        affected_share=draw(st.booleans()),
        denominator=draw(st.sampled_from(["period", "deployed"])),
        excluding=[] if clause is None else [clause],
        during=window,
    )


# --- support and incidents -----------------------------------------------------------------

MINUTE = 60 * SECOND
#: Statuses drawn for ticket transitions (a subset of the default vocabulary).
TICKET_STATUSES = ("open", "in_progress", "waiting_on_customer", "on_hold")
#: Coverage names drawn for tickets: ``None`` (the default clock), two known, one unknown.
COVERAGES = (None, "24x7", "business", "gold")


@st.composite
def tickets(draw: st.DrawFn, max_size: int = 10, services: Sequence[str] = SERVICES) -> list[Any]:
    """Draw tickets at whole minutes around a two-day period from T0, with transitions and pauses.

    Ticket ids are ``T-0``, ``T-1``, ...; opened from an hour before T0 to an hour
    after T0 + 2 days; responses and resolutions up to three days after opening.
    """
    n = draw(st.integers(0, max_size))
    out = []
    for i in range(n):
        opened = draw(st.integers(-60, 2 * 24 * 60 + 60))
        response = draw(st.none() | st.integers(0, 3 * 24 * 60))
        resolved = draw(st.none() | st.integers(0, 3 * 24 * 60))
        transitions = draw(
            st.lists(
                st.tuples(st.integers(0, 3 * 24 * 60), st.sampled_from(TICKET_STATUSES)),
                max_size=4,
            )
        )
        pauses = draw(
            st.lists(st.tuples(st.integers(-30, 3 * 24 * 60), st.integers(1, 600)), max_size=2)
        )

        def at(minutes: int, base: int = opened) -> int:
            return T0 + (base + minutes) * MINUTE

        out.append(
            sla.Ticket(
                f"T-{i}",
                draw(st.sampled_from(services)),
                draw(st.sampled_from(("P1", "P2", "P3"))),
                at(0),
                first_response=None if response is None else at(response),
                resolved=None if resolved is None else at(resolved),
                coverage=draw(st.sampled_from(COVERAGES)),
                transitions=[(at(m), s) for m, s in transitions],
                pauses=[(at(m), at(m + length)) for m, length in pauses],
            )
        )
    return out


@st.composite
def minute_calendars(draw: st.DrawFn) -> SpansCalendar:
    """Draw a calendar of minute-aligned spans over the days around the two-day period."""
    spans = draw(
        st.lists(
            st.tuples(st.integers(-2 * 24 * 60, 6 * 24 * 60), st.integers(1, 12 * 60)),
            max_size=8,
        )
    )
    return SpansCalendar(tuple((T0 + s * MINUTE, T0 + (s + n) * MINUTE) for s, n in spans))


@st.composite
def ticket_measures(draw: st.DrawFn) -> sla.TicketTime:
    """Draw a response or resolution measure with minute targets, coverage and pause rules."""
    factory = draw(st.sampled_from([sla.response_time, sla.resolution_time]))
    targets = st.integers(0, 24 * 60).map(sla.minutes)
    table = draw(st.booleans())
    coverage = draw(
        st.fixed_dictionaries(
            {},
            optional={"24x7": st.just(sla.always()), "business": minute_calendars()},
        )
    )
    paused_by = draw(st.sets(st.sampled_from(["waiting_on_customer", "on_hold"])))
    clock = draw(st.none() | minute_calendars())
    if table:
        within = draw(st.dictionaries(st.sampled_from(["P1", "P2", "P3"]), targets, min_size=1))
        return factory(within=within, clock=clock, coverage=coverage, paused_by=paused_by)
    return factory(
        within=draw(targets),
        priority=draw(st.none() | st.sampled_from(["P1", "P2", "P3"])),
        clock=clock,
        coverage=coverage,
        paused_by=paused_by,
    )


@st.composite
def incident_measures(draw: st.DrawFn) -> sla.IncidentMeasure:
    """Draw an incident statistic with second-sized options suited to :func:`small_period`."""
    factory = draw(st.sampled_from([sla.incident_count, sla.mttr, sla.mtbf, sla.longest_outage]))
    return factory(
        min_duration=draw(st.integers(0, 90).map(sla.seconds)),
        merge_gap=draw(st.integers(0, 30).map(sla.seconds)),
    )


# --- requests (request measures) -----------------------------------------------------------

#: Statuses drawn for requests: successes, redirects, client and server errors, none.
STATUSES = (200, 200, 204, 301, 404, 429, 499, 500, 503, 599, None)


@st.composite
def requests(
    draw: st.DrawFn,
    lo: int = -30,
    hi: int = 630,
    services: Sequence[str] = (*SERVICES, "zz"),
) -> sla.Request:
    """Draw a request of one of ``services`` (``"zz"`` is covered by no agreement) near T0.

    Times are whole seconds in ``[lo, hi)`` of T0; latencies are whole milliseconds
    from 0 to 50 (so ties and thresholds are common) or missing.
    """
    status = draw(st.sampled_from(STATUSES))
    if status is None:
        ok: bool | None = draw(st.booleans())
    elif status >= 500:
        ok = draw(st.sampled_from([None, False]))
    else:
        ok = draw(st.sampled_from([None, None, True, False]))
    latency = draw(st.none() | st.integers(0, 50).map(lambda ms: ms * 1000))
    return sla.Request(
        draw(st.sampled_from(services)),
        T0 + draw(st.integers(lo, hi - 1)) * SECOND,
        status,
        ok=ok,
        latency=latency,
    )


def request_lists(max_size: int = 40) -> st.SearchStrategy[list[sla.Request]]:
    """Draw a list of requests around :func:`small_period`."""
    return st.lists(requests(), max_size=max_size)


_TREATMENTS = st.sampled_from(["good", "bad", "excluded"])


@st.composite
def request_rules(draw: st.DrawFn) -> dict[str, Any]:
    """Draw the shared options of request measures: error treatments and a latency bound."""
    rules: dict[str, Any] = {
        "client_errors": draw(_TREATMENTS),
        "server_errors": draw(_TREATMENTS),
    }
    bound = draw(st.none() | st.integers(0, 50).map(sla.milliseconds))
    if bound is not None:
        rules[draw(st.sampled_from(["latency_under", "latency_at_most"]))] = bound
    return rules


@st.composite
def request_measures(draw: st.DrawFn) -> sla.Measure:
    """Draw any request measure with second-sized buckets suited to :func:`small_period`."""
    kind = draw(st.sampled_from(["ratio", "share", "buckets", "mean", "percentile"]))
    if kind == "percentile":
        return sla.latency_percentile(
            draw(st.sampled_from([1, 25, 50, "66.6", 90, 99, "99.9", 100])),
            method=draw(st.sampled_from(["nearest_rank", "lower", "higher", "linear"])),
            per=draw(st.none() | st.integers(1, 240).map(sla.seconds)),
            client_errors=draw(st.sampled_from(["counted", "excluded"])),
            server_errors=draw(st.sampled_from(["counted", "excluded"])),
        )
    if kind == "share":
        ms = sla.milliseconds(draw(st.integers(0, 50)))
        under = draw(st.booleans())
        return sla.latency_share(
            ms if under else None,
            at_most=None if under else ms,
            client_errors=draw(_TREATMENTS),
            server_errors=draw(_TREATMENTS),
        )
    rules = draw(request_rules())
    if kind == "ratio":
        return sla.success_ratio(**rules)
    bucket = sla.seconds(draw(st.integers(1, 240)))
    if kind == "mean":
        return sla.error_rate_uptime(bucket=bucket, **rules)
    return sla.bucket_availability(
        bucket=bucket,
        max_error_rate=draw(st.sampled_from(["0%", "5%", "25%", "33.3%", "50%", "100%"])),
        down_when=draw(st.sampled_from([">", ">="])),
        min_requests=draw(st.integers(1, 4)),
        empty=draw(_TREATMENTS),
        **rules,
    )


# --- compensation ----------------------------------------------------------------------------


#: The month the compensation laws evaluate.
LAW_PERIOD = "2026-10"


def billing(
    services: Sequence[str] = SERVICES, period: str = LAW_PERIOD
) -> list[sla.Charge | sla.UnitPrice]:
    """Return the billing data that rules drawn with ``billing=True`` read, for ``services``.

    Each service has charges of three kinds (300.00, 200.00 and 100.00 USD:
    ``'usage'``, ``'support'``, ``'upfront'``) and an hourly price of 1.50 USD.
    """
    out: list[sla.Charge | sla.UnitPrice] = []
    for service in services:
        for kind, amount in (("usage", "300.00"), ("support", "200.00"), ("upfront", "100.00")):
            out.append(sla.Charge(service, period, kind, sla.usd(amount)))
        out.append(sla.UnitPrice(service, "hour", sla.usd("1.50")))
    return out


# --- agreements as data (tiers, parties, catalogue, versions) ------------------------------

ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata")


def real_calendars() -> st.SearchStrategy[sla.Calendar]:
    """Draw a calendar built with the public factories (so it can be written as data)."""
    leaves = st.one_of(
        st.builds(
            sla.weekly,
            st.sampled_from(["Mon-Fri 08:00-18:00", "Sat,Sun 10:00-14:00", "Mon-Sun 00:00-24:00"]),
            tz=st.sampled_from(ZONES),
        ),
        st.builds(
            lambda sub, tz: sla.holidays("DE", subdiv=sub, nationwide=sub is None, tz=tz),
            st.sampled_from([None, "BE", "BY"]),
            st.sampled_from(ZONES),
        ),
        st.builds(
            lambda days, tz: sla.dates(*days, tz=tz),
            st.lists(st.sampled_from(["2026-12-24", "2026-12-31", "2027-01-01"]), min_size=1),
            st.sampled_from(ZONES),
        ),
        st.builds(
            lambda h, tz: sla.recurring(
                "FREQ=WEEKLY;BYDAY=SU", start="2026-01-04", at="02:00", duration=sla.hours(h), tz=tz
            ),
            st.integers(1, 4),
            st.sampled_from(ZONES),
        ),
        st.just(sla.always()),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.tuples(inner, inner).map(lambda p: p[0] | p[1]),
            st.tuples(inner, inner).map(lambda p: p[0] - p[1]),
            inner.map(lambda c: ~c),
        ),
        max_leaves=3,
    )


@st.composite
def data_uptimes(draw: st.DrawFn) -> sla.Uptime:
    """Draw an uptime measure whose every part is a public DSL value."""
    granularity = draw(st.none() | st.sampled_from([sla.minutes(1), sla.minutes(5), sla.hours(1)]))
    return sla.uptime(
        min_outage=draw(st.integers(0, 300).map(sla.seconds)),
        granularity=granularity,
        bucket_down="any" if granularity is None else draw(st.sampled_from(["any", "all"])),
        excluding=draw(
            st.lists(
                st.builds(
                    sla.scheduled_maintenance,
                    notice=st.none() | st.integers(0, 10).map(sla.days),
                    at_most=st.none() | st.integers(1, 8).map(sla.hours),
                    accounting=st.sampled_from(["remove", "good", "bad"]),
                ),
                max_size=1,
            )
        ),
        during=draw(st.none() | real_calendars()),
        states=draw(st.sampled_from([None, {"down": "100%", "degraded": "50%"}])),
    )


#: Targets with up to six decimals of a percent, some not exact in six places.
PERCENTS = st.sampled_from(["99.95%", "99.9%", "95%", "100%", "0%", "99.999999%", "12.3456789%"])


@st.composite
def data_objectives(draw: st.DrawFn, measure: sla.Measure) -> sla.Objective:
    """Draw an objective on ``measure`` with a comparator and a percentage target."""
    target = draw(PERCENTS)
    op = draw(st.sampled_from([">=", ">", "<=", "<"]))
    return {">=": measure >= target, ">": measure > target, "<=": measure <= target}.get(
        op, measure < target
    )


@st.composite
def data_tiers(draw: st.DrawFn, name: str = "gold") -> sla.Tier:
    """Draw a tier over public measures, with objectives and an optional compensation rule."""
    uptime = draw(data_uptimes())
    others = draw(st.lists(st.one_of(request_measures(), incident_measures()), max_size=2))
    objectives = [draw(data_objectives(uptime))]
    for measure in others:
        if isinstance(measure, sla.IncidentMeasure):
            count = measure.statistic == "count"
            targets = ["3", "0"] if count else ["4 hours", "0 seconds"]
            objectives.append(measure <= draw(st.sampled_from(targets)))
        elif isinstance(measure, sla.LatencyPercentile):
            objectives.append(measure <= sla.milliseconds(draw(st.integers(1, 500))))
        else:
            objectives.append(draw(data_objectives(measure)))
    rules = sst.credit_rules(uptime, monotone=False, bonus=True, billing=True, max_leaves=4)
    compensation = draw(st.none() | rules)
    return sla.Tier(
        name,
        fee=draw(st.sampled_from([sla.usd("12000.00"), sla.usd("0"), sla.usd("99.995")])),
        objectives=objectives,
        compensation=compensation,
        no_data=draw(st.sampled_from(["no data", "met", "breached", "excluded"])),
    )


@st.composite
def data_agreements(draw: st.DrawFn, *, amendments: bool = True) -> sla.Agreement:
    """Draw an agreement with parties, catalogue entries, reporting terms and amendments."""
    services = draw(st.lists(st.sampled_from(SERVICES), min_size=1, unique=True))
    tier = draw(data_tiers())
    catalogue = [
        sla.service(
            name,
            description=draw(st.sampled_from(["", "Checkout API", 'quotes " and \\ and ü'])),
            components=draw(st.lists(st.sampled_from(["db", "web", "cache"]), unique=True)),
            hours=draw(st.none() | real_calendars()),
            group=draw(st.none() | st.sampled_from(["Server operations", "App support"])),
        )
        for name in draw(st.lists(st.sampled_from(services), unique=True))
    ]
    parties = draw(
        st.lists(
            st.sampled_from(
                [
                    sla.party("Pingdom", role="measurement authority"),
                    sla.party(
                        "Hetzner",
                        role="subcontractor",
                        responsible_for=["db"],
                        underpinning="UC-7",
                        passes_credits=True,
                    ),
                ]
            ),
            unique=True,
        )
    )
    effective = draw(st.none() | st.sampled_from(["2026-01-01T00:00:00Z", "2026-01-15T12:30:00Z"]))
    agreement = sla.Agreement(
        provider="Acme Cloud",
        customer=draw(st.sampled_from(["Globex", "Initech GmbH"])),
        services=services,
        tier=tier,
        period=draw(
            st.sampled_from(
                [
                    sla.monthly(),
                    sla.monthly(tz="Europe/Berlin", day=15),
                    sla.quarterly(),
                    sla.weekly_periods(),
                ]
            )
        ),
        effective=effective,
        rounding=draw(st.sampled_from([sla.Rounding(), sla.Rounding("half_even", to="unit")])),
        name=draw(st.none() | st.just("Master services agreement")),
        parties=parties,
        catalogue=catalogue,
        reporting=draw(st.none() | st.just(sla.reporting(every="quarter", due=sla.days(15)))),
    )
    if amendments:
        months = sorted(draw(st.lists(st.integers(2, 12), unique=True, max_size=2)))
        for i, month in enumerate(months):
            changes = draw(
                st.sampled_from(
                    [
                        {"tier": tier.derive("silver", fee=sla.usd("6000.00"))},
                        {"services": [*services, "d"]},
                        {"rounding": sla.Rounding("down")},
                    ]
                )
            )
            agreement = agreement.amend(
                f"2026-{month:02d}-01T00:00:00Z", title=f"amendment {i + 1}", **changes
            )
    return agreement


def schedule_agreement(
    measure: sla.Measure, table: dict[str, str], *, services: Sequence[str] = ("svc",)
) -> sla.Agreement:
    """Return an agreement whose tier credits ``table`` on ``measure`` (fee 1,000.00 USD)."""
    tier = sla.Tier(
        "t",
        fee=sla.usd("1000.00"),
        objectives=[measure >= "99.9%"],
        compensation=sla.credit_schedule(measure, table),
    )
    return sla.Agreement(provider="p", customer="c", services=list(services), tier=tier)


def objective_agreement(
    measure: sla.Measure, *, services: Sequence[str] = ("svc",)
) -> sla.Agreement:
    """Return an agreement with one objective on ``measure``, whatever the measure counts.

    The target is one unit of the measure's values (100%, one, or one
    microsecond), written as the measure writes its values.
    """
    objective = measure >= measure.format_value(Decimal(1))
    tier = sla.Tier("t", fee=sla.usd("1000.00"), objectives=[objective])
    return sla.Agreement(provider="p", customer="c", services=list(services), tier=tier)


def agreements(services: Sequence[str] = SERVICES) -> st.SearchStrategy[sla.Agreement]:
    """Draw agreements over ``services`` from the public strategy (monthly, UTC)."""
    return sst.agreements(services=services)
