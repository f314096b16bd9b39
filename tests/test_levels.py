"""Multi-level agreements: corporate, customer and service levels resolved by precedence."""

from __future__ import annotations

from fractions import Fraction

import pytest

import slakit as sla
from slakit.exceptions import DefinitionError

U = sla.uptime()
SERVICES = ["db", "api"]
CORPORATE = sla.level(
    U >= "99.5%", compensation=sla.credit_schedule(U, {"< 99.5%": "10%"})
)  # 10% of 1,000 = 100 below 99.5%
OCTOBER_MIN = 31 * 24 * 60  # 44,640 minutes


def down(service: str, minutes: int) -> sla.Outage:
    """Return an outage of ``service`` lasting ``minutes`` from midnight on October 2."""
    start = sla.monthly().period("2026-10").start + 86_400_000_000
    return sla.Outage(service, start, start + minutes * 60_000_000)


def tier(**levels: object) -> sla.Tier:
    """Return the resolved tier of Globex's levels."""
    return sla.levels("globex", fee=sla.usd("1000.00"), services=SERVICES, **levels)  # type: ignore[arg-type]


def report(t: sla.Tier, *outages: sla.Outage) -> sla.Report:
    """Evaluate ``t`` for db and api in October 2026."""
    agreement = sla.Agreement(provider="Acme", customer="Globex", services=SERVICES, tier=t)
    return sla.evaluate(agreement, list(outages), period="2026-10")


def targets(t: sla.Tier) -> list[str]:
    """Return the tier's objectives as written."""
    return [repr(o) for o in t.objectives]


def test_a_single_level_is_a_plain_tier() -> None:
    """Corporate terms alone apply to every service as written."""
    t = tier(corporate=CORPORATE)
    assert targets(t) == ["uptime() >= '99.5%'"]
    assert t.compensation == CORPORATE.compensation


def test_service_level_overrides_the_corporate_objective() -> None:
    """The 99.9% of db replaces the corporate 99.5% for db only; api keeps 99.5%."""
    t = tier(corporate=CORPORATE, service={"db": sla.level(U >= "99.9%", precedence="override")})
    assert targets(t) == [
        "uptime(service='db') >= '99.9%'",
        "uptime(service='api') >= '99.5%'",
    ]
    # 100 minutes down: 99.776% -- breaches db's 99.9%, meets api's 99.5%
    r = report(t, down("db", 100), down("api", 100))
    assert {(b.service, repr(b.objective)) for b in r.breaches} == {
        ("db", "uptime(service='db') >= '99.9%'")
    }


def test_service_level_adds_to_the_corporate_objective() -> None:
    """With 'add' db is held to both targets; api to the corporate one."""
    t = tier(corporate=CORPORATE, service={"db": sla.level(U >= "99.9%", precedence="add")})
    assert targets(t) == [
        "uptime() >= '99.5%'",
        "uptime(service='db') >= '99.9%'",
    ]
    r = report(t, down("db", 300))  # 99.33%: both of db's objectives breached
    assert sorted(repr(b.objective) for b in r.breaches) == [
        "uptime() >= '99.5%'",
        "uptime(service='db') >= '99.9%'",
    ]


def test_same_measure_without_precedence_is_an_error() -> None:
    """Two levels on one measure must say which applies: never silently both."""
    with pytest.raises(DefinitionError, match="the customer level and the corporate level both"):
        tier(corporate=CORPORATE, customer=[U >= "99.9%"])
    with pytest.raises(DefinitionError, match="service 'db' level and the corporate level"):
        tier(corporate=CORPORATE, service={"db": [U >= "99.9%"]})
    with pytest.raises(DefinitionError, match="both define compensation"):
        tier(
            corporate=CORPORATE,
            customer=sla.level(compensation=sla.per_breach(U >= "99%", sla.usd("5"))),
        )


def test_a_different_measure_needs_no_precedence() -> None:
    """A lower level defining only other measures simply adds them."""
    p1 = sla.response_time(within=sla.hours(1), priority="P1").on_time_ratio()
    t = tier(corporate=CORPORATE, customer=[p1 >= "95%"])
    assert targets(t) == ["uptime() >= '99.5%'", repr(p1 >= "95%")]


@pytest.mark.parametrize(
    ("precedence", "expected"),
    [
        # override: db pays only its own 25% below 99.9% (250); api the corporate 10% (100)
        ("override", {"db": Fraction(250), "api": Fraction(100)}),
        # add: db pays both, 100 + 250; api the corporate 100
        ("add", {"db": Fraction(350), "api": Fraction(100)}),
    ],
)
def test_compensation_precedence(precedence: str, expected: dict[str, Fraction]) -> None:
    """A service's own compensation replaces or adds to the corporate rule, for it alone."""
    db = sla.level(
        compensation=sla.credit_schedule(U, {"< 99.9%": "25%"}),
        precedence=precedence,  # type: ignore[arg-type]
    )
    t = tier(corporate=CORPORATE, service={"db": db})
    r = report(t, down("db", 300), down("api", 300))  # both at 99.33%
    assert r.compensation.exact_by_service() == expected


def test_customer_level_overrides_corporate_for_every_service() -> None:
    """A customer-level override applies to all services, so it stays unbound."""
    t = tier(corporate=CORPORATE, customer=sla.level(U >= "99.9%", precedence="override"))
    assert targets(t) == ["uptime() >= '99.9%'"]


def test_levels_check_their_inputs() -> None:
    """Unknown services, bad precedence, and bad level values are refused."""
    with pytest.raises(DefinitionError, match="'cache' is not one of services"):
        tier(corporate=CORPORATE, service={"cache": [U >= "99%"]})
    with pytest.raises(DefinitionError, match="precedence='replace' must be"):
        sla.level(U >= "99%", precedence="replace")  # type: ignore[arg-type]
    with pytest.raises(DefinitionError, match="must be a level"):
        tier(corporate="gold")
    assert (
        repr(sla.level(U >= "99%", precedence="add"))
        == "level(uptime() >= '99%', precedence='add')"
    )


def test_a_tier_can_be_a_level() -> None:
    """A standard tier serves as the corporate level."""
    gold = sla.Tier("gold", fee=sla.usd("1.00"), objectives=CORPORATE.objectives)
    assert targets(tier(corporate=gold)) == ["uptime() >= '99.5%'"]
