"""Amendments: versions in force at each instant, a mid-month amendment, history and diff."""

from __future__ import annotations

from fractions import Fraction

import pytest

import slakit as sla
from slakit._engine._compare import evaluate_versions
from slakit.exceptions import DefinitionError, EvaluationError

UPTIME = sla.uptime()
GOLD = sla.Tier(
    "gold",
    fee=sla.usd("3100.00"),
    objectives=[UPTIME >= "99.9%"],
    compensation=sla.credit_schedule(UPTIME, {"< 99.9%": "10%", "< 99%": "25%"}),
)
BASE = sla.Agreement(
    provider="Acme",
    customer="Globex",
    services=["api"],
    tier=GOLD,
    effective="2026-01-01T00:00:00Z",
)
#: Amended at midnight UTC on the 11th: 10 days of October under v1, 21 under v2.
AMENDED = BASE.amend(
    "2026-10-11T00:00:00Z",
    title="price review",
    tier=GOLD.derive("gold", fee=sla.usd("6200.00")),
)


def test_versions_and_the_one_in_force() -> None:
    """Each version knows its span; version_at picks the one in force at an instant."""
    v1, v2 = AMENDED.versions()
    assert (v1.number, v1.label, v2.label) == (1, "v1", "v2 (price review)")
    assert (
        v1.end
        == v2.start
        == sla.Agreement(
            provider="x", customer="y", services=["s"], tier=GOLD, effective="2026-10-11T00:00:00Z"
        ).effective
    )
    assert v2.end is None
    assert AMENDED.version_at("2026-10-10T23:59:59Z") == v1
    assert AMENDED.version_at("2026-10-11T00:00:00Z") == v2
    assert AMENDED.version_at("2025-01-01T00:00:00Z") == v1  # before it began: the first
    assert v2.agreement.tier.fee == sla.usd("6200.00")
    assert v2.agreement.amendments == ()
    assert v1.covers(v1.start or 0)
    assert not v1.covers(v2.start or 0)
    assert "until 2026-10-11T00:00:00Z" in v1.describe()
    assert v2.describe() == "v2 (price review): in force from 2026-10-11T00:00:00Z"


def test_amendment_in_the_middle_of_a_month() -> None:
    """The period splits at the amendment; each part pays on its own terms, fee pro-rated."""
    # down 1 hour in v1's part (10 days: 99.58%, band 10%), 3 days in v2's (21 days: 85.7%, 25%)
    events = [
        sla.Outage("api", "2026-10-05T00:00:00Z", "2026-10-05T01:00:00Z"),
        sla.Outage("api", "2026-10-20T00:00:00Z", "2026-10-23T00:00:00Z"),
    ]
    result = evaluate_versions(AMENDED, events, period="2026-10")
    assert result.versions == ("v1", "v2 (price review)")
    (_, first), (v2, second) = result.parts
    assert (first.start, first.end) == (BASE.period.period("2026-10").start, v2.start)
    assert first.partial == Fraction(10, 31)
    assert second.partial == Fraction(21, 31)
    assert first.total == sla.usd("100.00")  # 10% of 3100 x 10/31
    assert second.total == sla.usd("1050.00")  # 25% of 6200 x 21/31
    assert result.total == sla.usd("1150.00")
    assert result.exact_total == 1150
    assert len(result.breaches) == 2
    assert not result.compliant
    text = result.explain()
    assert "=== v1: 2026-10-01T00:00:00Z to 2026-10-11T00:00:00Z ===" in text
    assert text.endswith("over versions v1, v2 (price review): 1,150.00 USD")
    data = result.to_dict()
    assert data["versions"] == ["v1", "v2 (price review)"]
    assert data["total"] == {"amount": "1150.00", "currency": "USD"}


def test_periods_before_and_after_the_amendment_use_one_version() -> None:
    """A period wholly before or after an amendment is one part, on the whole fee."""
    down = [sla.Outage("api", "2026-11-02T00:00:00Z", "2026-11-02T12:00:00Z")]
    november = evaluate_versions(AMENDED, down, period="2026-11")
    assert november.versions == ("v2 (price review)",)
    assert november.total == sla.usd("1550.00")  # 98.3%: 25% of the new fee
    assert november.compliant is False
    assert evaluate_versions(AMENDED, [], period="2026-09").versions == ("v1",)
    assert evaluate_versions(AMENDED, [], period="2026-09").compliant


def test_no_version_in_force() -> None:
    """A period before the agreement began is refused."""
    with pytest.raises(EvaluationError):
        evaluate_versions(AMENDED, [], period="2025-06")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        # an amendment that changes nothing, or at a date without a zone
        (lambda: BASE.amend("2026-10-11T00:00:00Z"), "changes nothing"),
        (lambda: BASE.amend("2026-10-11", tier=GOLD), "is a date without a time or zone"),
        # out of order, or not after the agreement takes effect
        (
            lambda: AMENDED.amend("2026-10-01T00:00:00Z", tier=GOLD),
            "amendments must take effect in order",
        ),
        (lambda: BASE.amend("2025-10-01T00:00:00Z", tier=GOLD), "does not come after"),
        # wrong types
        (lambda: BASE.amend("2026-10-11T00:00:00Z", tier="gold"), "must be a Tier"),  # type: ignore[arg-type]
        (
            lambda: BASE.amend("2026-10-11T00:00:00Z", rounding="up"),  # type: ignore[arg-type]
            "must be a Rounding",
        ),
        (
            lambda: sla.Agreement(
                provider="a", customer="b", services=["s"], tier=GOLD, amendments=["x"]
            ),
            "is not an Amendment",
        ),
    ],
)
def test_bad_amendments(make: object, message: str) -> None:
    """Amendments are checked when made."""
    with pytest.raises(DefinitionError, match=message):
        make()  # type: ignore[operator]


def test_amending_services_and_rounding() -> None:
    """An amendment may add services (with catalogue entries) or change the rounding."""
    bigger = BASE.amend(
        "2026-06-01T00:00:00Z", services=["api", "web"], rounding=sla.Rounding("down")
    )
    bigger = sla.Agreement(
        provider=bigger.provider,
        customer=bigger.customer,
        services=bigger.services,
        tier=bigger.tier,
        effective="2026-01-01T00:00:00Z",
        amendments=bigger.amendments,
        catalogue=[sla.service("web", description="added in June")],
    )
    v1, v2 = bigger.versions()
    assert v1.agreement.services == ("api",)
    assert v2.agreement.services == ("api", "web")
    assert [str(c) for c in sla.diff(v1, v2)] == [
        '$.services: ["api"] -> ["api", "web"]',
        "$.effective: 2026-01-01T00:00:00Z -> 2026-06-01T00:00:00Z",
        '$.rounding: added {"mode": "down"}',
        '$.catalogue: added [{"name": "web", "description": "added in June"}]',
    ]
    assert "services=['api', 'web']" in repr(bigger.amendments[0])


def test_diff_of_tiers_and_removals() -> None:
    """Diff walks nested data: changed bands, removed and added fields."""
    other = GOLD.derive("gold", compensation=None, no_data="met")
    a = sla.Agreement(provider="a", customer="b", services=["s"], tier=GOLD)
    b = sla.Agreement(provider="a", customer="b", services=["s"], tier=other)
    changes = [str(c) for c in sla.diff(a, b)]
    assert changes[0].startswith('$.tier.compensation: removed {"type": "credit_schedule"')
    assert changes[1] == "$.tier.no_data: added met"
    assert sla.diff(a, a) == ()


def test_history_round_trips_as_data() -> None:
    """An amended agreement is written and read with its amendments, losslessly."""
    assert sla.from_data(sla.to_data(AMENDED)) == AMENDED
    assert sla.to_data(AMENDED)["amendments"][0]["effective"] == "2026-10-11T00:00:00Z"


def test_evaluate_uses_the_version_in_force_and_refuses_a_split_period() -> None:
    """``evaluate`` applies the terms in force, and refuses a period an amendment splits."""
    gold = sla.Tier(
        "gold",
        fee=sla.usd("3100.00"),
        objectives=[sla.uptime() >= "99%"],
        compensation=sla.credit_schedule(sla.uptime(), {"< 99%": "10%"}),
    )
    amended = sla.Agreement(provider="P", customer="C", services=["s"], tier=gold).amend(
        "2026-10-11T00:00:00Z",
        title="price review",
        tier=gold.derive("gold", fee=sla.usd("6200.00")),
    )
    november = [sla.Outage("s", "2026-11-20T00:00:00Z", "2026-11-21T00:00:00Z")]
    assert sla.evaluate(amended, november, period="2026-11").total == sla.usd("620.00")
    september = [sla.Outage("s", "2026-09-20T00:00:00Z", "2026-09-21T00:00:00Z")]
    assert sla.evaluate(amended, september, period="2026-09").total == sla.usd("310.00")
    with pytest.raises(sla.exceptions.EvaluationError, match="split by an amendment"):
        sla.evaluate(amended, november, period="2026-10")


def test_an_amendment_changes_per_service_fees() -> None:
    """A new price list from the 11th: the fee of each part follows the version in force."""
    u = sla.uptime()
    tier = sla.Tier(
        "t",
        fee=sla.usd("100.00"),
        objectives=[u >= "99%"],
        compensation=sla.credit_schedule(u, {"< 99%": "10%"}),
    )
    base = sla.Agreement(
        provider="P", customer="C", services=["db"], tier=tier, fees={"db": sla.usd("3100.00")}
    )
    amended = base.amend(
        "2026-10-11T00:00:00Z", title="new prices", fees={"db": sla.usd("6200.00")}
    )
    assert amended.version_at("2026-10-20T00:00:00Z").agreement.fee_of("db") == sla.usd("6200.00")
    assert amended.version_at("2026-10-01T00:00:00Z").agreement.fee_of("db") == sla.usd("3100.00")
    down = [sla.Outage("db", "2026-10-20T00:00:00Z", "2026-10-21T00:00:00Z")]
    result = sla.evaluate_versions(amended, down, period="2026-10")
    # v1 (10 days) meets its objective; v2 (21 days, one down): 10% of 6200 x 21/31.
    assert result.total == sla.usd("420.00")
    assert sla.loads(sla.dumps(amended)) == amended
    with pytest.raises(sla.exceptions.DefinitionError, match="changes nothing"):
        base.amend("2026-10-11T00:00:00Z")


def test_a_statement_pays_each_period_under_the_version_in_force() -> None:
    """Across periods, credits use the amended fee and rule after the amendment, as evaluate."""
    outages = [
        sla.Outage("api", "2026-09-20T00:00:00Z", "2026-09-21T00:00:00Z"),
        sla.Outage("api", "2026-11-20T00:00:00Z", "2026-11-21T00:00:00Z"),
    ]
    result = sla.statement(AMENDED, outages, periods=["2026-09"])
    assert result["2026-09"].total == sla.usd("775.00")  # 25% of 3,100.00 under v1
    later = sla.statement(AMENDED, outages, periods=["2026-11", "2026-12"])
    assert later["2026-11"].total == sla.evaluate(AMENDED, outages, period="2026-11").total
    assert later["2026-11"].total == sla.usd("1550.00")  # 25% of 6,200.00 under v2
    assert later["2026-11"].agreement.tier.fee == sla.usd("6200.00")


def test_a_statement_evaluates_a_split_period_as_evaluate_versions() -> None:
    """A statement over a period the amendment splits has its versions' parts, as alone."""
    events = [
        sla.Outage("api", "2026-10-05T00:00:00Z", "2026-10-05T01:00:00Z"),
        sla.Outage("api", "2026-10-20T00:00:00Z", "2026-10-23T00:00:00Z"),
    ]
    result = sla.statement(AMENDED, events, periods="2026-09..2026-11")
    october = result["2026-10"]
    alone = evaluate_versions(AMENDED, events, period="2026-10")
    assert isinstance(october, sla.VersionedReport)
    assert october.versions == alone.versions == ("v1", "v2 (price review)")
    # 10% of 3,100 x 10/31 = 100 and 25% of 6,200 x 21/31 = 1,050, as in the test above
    assert [r.total for _, r in october.parts] == [sla.usd("100.00"), sla.usd("1050.00")]
    assert october.total == alone.total == sla.usd("1150.00")
    assert result.periods == ("2026-09", "2026-10", "2026-11")
    assert result.total == sla.usd("1150.00")


def test_refund_units_of_a_split_period_count_from_the_period_start() -> None:
    """Units of a refund per week are cut from 1 October in both parts, as without amendment."""
    u = sla.uptime()
    rule = sla.refund_per(u, every=sla.days(7), down_over=sla.minutes(6), price=sla.usd("10"))
    tier = sla.Tier("t", fee=sla.usd("3100.00"), objectives=[u >= "99%"], compensation=rule)
    base = sla.Agreement(provider="P", customer="C", services=["api"], tier=tier)
    amended = base.amend(
        "2026-10-12T00:00:00Z", title="price", tier=tier.derive("t", fee=sla.usd("6200.00"))
    )
    events = [
        sla.Outage("api", "2026-10-01T00:00:00Z", "2026-10-01T01:00:00Z"),
        sla.Outage("api", "2026-10-07T00:00:00Z", "2026-10-07T01:00:00Z"),
    ]
    # both hours fall in the week from 1 to 8 October: one unit, 10.00 (a week counted back
    # from the amendment, 25 September to 2 October then 2 to 9 October, would make two)
    assert sla.evaluate(base, events, period="2026-10").total == sla.usd("10.00")
    assert evaluate_versions(amended, events, period="2026-10").total == sla.usd("10.00")
    assert sla.statement(amended, events, periods=["2026-10"]).total == sla.usd("10.00")
