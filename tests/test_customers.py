"""Customer-based agreements: per-service fees and a customer-level cap across services."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import slakit as sla
from slakit.exceptions import DefinitionError, EventDataError

U = sla.uptime()
OCTOBER_MIN = 31 * 24 * 60  # 44,640 minutes
SCHEDULE = sla.credit_schedule(U, {"< 99.9%": "10%", "< 99%": "30%"})
FEES = {"db": sla.usd("2000.00"), "api": sla.usd("500.00")}  # web pays the tier's 100.00


def down(service: str, minutes: int, day: int = 2) -> sla.Outage:
    """Return an outage of ``service`` lasting ``minutes`` from midnight on October ``day``."""
    start = sla.monthly().period("2026-10").start + (day - 1) * 86_400_000_000
    return sla.Outage(service, start, start + minutes * 60_000_000)


# db: 60 min down, 99.87% -> 10% of 2,000 = 200; api: 500 min, 98.88% -> 30% of 500 = 150;
# web: 60 min -> 10% of the tier's 100 = 10. In all 360.
OUTAGES = [down("db", 60), down("api", 500), down("web", 60)]


def customer(rule: sla.CreditRule, **fields: object) -> sla.Agreement:
    """Return Globex's agreement for three services, two at fees of their own."""
    tier = sla.Tier("globex", fee=sla.usd("100.00"), objectives=[U >= "99.9%"], compensation=rule)
    return sla.Agreement(
        provider="Acme",
        customer="Globex",
        services=["db", "api", "web"],
        tier=tier,
        **{"fees": FEES, **fields},  # type: ignore[arg-type]
    )


def credits(rule: sla.CreditRule) -> dict[str, Fraction]:
    """Return each service's exact credit for October 2026."""
    report = sla.evaluate(customer(rule), OUTAGES, period="2026-10")
    return report.compensation.exact_by_service()


def test_each_service_pays_its_own_fee() -> None:
    """A fee-based credit is a share of each service's own fee; others pay the tier's."""
    agreement = customer(SCHEDULE)
    assert agreement.fee_of("db") == sla.usd("2000.00")
    assert agreement.fee_of("web") == sla.usd("100.00")
    assert agreement.total_fee() == sla.usd("2600.00")
    report = sla.evaluate(agreement, OUTAGES, period="2026-10")
    assert report.compensation.exact_by_service() == {"db": 200, "api": 150, "web": 10}
    bases = {line.service: line.base for line in report.compensation.lines}
    assert bases == {"db": FEES["db"], "api": FEES["api"], "web": sla.usd("100.00")}


def test_fees_are_read_in_one_pass_and_kept_out_of_the_value() -> None:
    """fees_of and exact_fees read every fee at once; what is cached is no part of the value."""
    import copy
    import pickle

    agreement = customer(SCHEDULE)
    assert agreement.fees_of(["web", "db", "api"]) == [
        sla.usd("100.00"),
        sla.usd("2000.00"),
        sla.usd("500.00"),
    ]
    assert agreement.exact_fees() == (2000, 500, 100)  # in the order of services
    assert agreement.versions()[0].agreement is agreement  # no amendments: the terms as signed
    again = customer(SCHEDULE)  # equal, with nothing cached yet
    assert agreement == again
    assert hash(agreement) == hash(again)
    assert repr(agreement) == repr(again)
    for copied in (pickle.loads(pickle.dumps(agreement)), copy.deepcopy(agreement)):
        assert copied == agreement
        assert copied.exact_fees() == agreement.exact_fees()
    cheaper = agreement.amend("2026-11-01T00:00:00Z", fees={"db": sla.usd("1500.00")})
    assert cheaper.versions()[1].agreement.exact_fees() == (1500, 100, 100)
    assert cheaper.versions()[0].agreement.exact_fees() == (2000, 500, 100)


def test_a_fleet_with_a_fee_per_service_gets_each_services_own_credit() -> None:
    """Thousands of services, each at its own price: each credit is its own fee's share."""
    names = [f"eu-west-1/vm-{i:05x}" for i in range(3_000)][::-1]
    fees = {name: sla.usd(f"{50 * (1 + i % 199)}.00") for i, name in enumerate(names)}
    tier = sla.Tier("t", fee=sla.usd("1.00"), objectives=[U >= "99.9%"], compensation=SCHEDULE)
    agreement = sla.Agreement(
        provider="Acme", customer="fleet", services=names, tier=tier, fees=fees
    )
    outages = [down(name, 60) for name in names[::7]]  # 99.87%: 10% of the fee
    credit = sla.evaluate(agreement, outages, period="2026-10").compensation.exact_by_service()
    assert credit == {name: fees[name].exact() / 10 for name in names[::7]}


def test_a_customer_without_fees_is_unchanged() -> None:
    """Without ``fees`` every service pays the tier's fee, as before."""
    agreement = customer(SCHEDULE, fees={})
    report = sla.evaluate(agreement, OUTAGES, period="2026-10")
    assert report.compensation.exact_by_service() == {"db": 10, "api": 30, "web": 10}


@pytest.mark.parametrize(
    ("at_most", "expected"),
    [
        # 180: the cut of 180 out of 360 halves every credit
        (sla.usd("180"), {"db": Fraction(100), "api": Fraction(75), "web": Fraction(5)}),
        # 10% of the total fee 2,600 = 260: each credit times 260/360 = 13/18, kept exact
        (
            "10%",
            {"db": Fraction(1300, 9), "api": Fraction(325, 3), "web": Fraction(65, 9)},
        ),
    ],
)
def test_customer_cap_binds_across_services(at_most: object, expected: dict[str, Fraction]) -> None:
    """The total over services is capped exactly; the cut is shared pro rata to the credits."""
    rule = sla.cap(SCHEDULE, at_most=at_most, across="services")  # type: ignore[arg-type]
    report = sla.evaluate(customer(rule), OUTAGES, period="2026-10")
    assert report.compensation.exact_by_service() == expected
    assert report.compensation.exact_total == sum(expected.values())
    adjustments = [line for line in report.compensation.lines if line.kind == "adjustment"]
    assert [a.service for a in adjustments] == ["db", "api", "web"]
    assert "capped across services: the customer's credits of 360.00 USD" in (
        adjustments[0].describe()
    )


def test_customer_cap_to_the_cent() -> None:
    """10% of 2,600: 144.44 + 108.33 + 7.22 per service, 260.00 in all, rounded once."""
    rule = sla.cap(SCHEDULE, at_most="10%", across="services")
    report = sla.evaluate(customer(rule), OUTAGES, period="2026-10")
    assert report.total == sla.usd("260.00")
    by_service = report.compensation.exact_by_service()
    rounded = {s: sla.Money(decimal_text(v), "USD").rounded() for s, v in by_service.items()}
    assert rounded == {"db": sla.usd("144.44"), "api": sla.usd("108.33"), "web": sla.usd("7.22")}
    cut = [line.amount for line in report.compensation.lines if line.kind == "adjustment"]
    assert cut == [Fraction(1300, 9) - 200, Fraction(325, 3) - 150, Fraction(65, 9) - 10]
    assert sum(cut) == -100


def decimal_text(value: Fraction) -> str:
    """Return an exact fraction as decimal text with 10 places (for rounding to the cent)."""
    whole, rest = divmod(value.numerator * 10**10, value.denominator)
    assert rest >= 0
    return f"{whole // 10**10}.{whole % 10**10:010d}"


def test_customer_cap_that_does_not_bind() -> None:
    """20% of 2,600 = 520 is above the 360 owed: nothing changes, no adjustment line."""
    rule = sla.cap(SCHEDULE, at_most="20%", across="services")
    report = sla.evaluate(customer(rule), OUTAGES, period="2026-10")
    assert report.compensation.exact_by_service() == {"db": 200, "api": 150, "web": 10}
    assert all(line.kind != "adjustment" for line in report.compensation.lines)


def test_customer_cap_differs_from_a_cap_per_service() -> None:
    """The same 8% per service cuts only api (to 40) and db (to 160): 210 in all."""
    rule = sla.cap(SCHEDULE, at_most="8%")
    assert credits(rule) == {"db": 160, "api": 40, "web": 8}


def test_customer_cap_leaves_a_bonus_whole() -> None:
    """Only credited services share the cut; a bonus (negative) is not scaled."""
    bonus = sla.bonus(sla.credit_schedule(U, {">= 99.99%": "1%"}))  # web has no outage: -1
    rule = sla.cap(SCHEDULE + bonus, at_most=sla.usd("100"), across="services")
    agreement = customer(rule)
    report = sla.evaluate(agreement, [down("db", 60), down("api", 500)], period="2026-10")
    # 200 + 150 - 1 = 349 over 100: the cut 249 is shared by db and api, 249/350 each
    assert report.compensation.exact_by_service() == {
        "db": Fraction(200 * 101, 350),
        "api": Fraction(150 * 101, 350),
        "web": Fraction(-1),
    }
    assert report.compensation.exact_total == 100


def test_customer_cap_per_quarter() -> None:
    """A pooled cap per quarter carries what the customer used in earlier months."""
    rule = sla.cap(SCHEDULE, at_most=sla.usd("500"), per="quarter", across="services")
    period = sla.monthly()
    outages = [
        sla.Outage(s, period.period(m).start, period.period(m).start + minutes * 60_000_000)
        for m in ("2026-10", "2026-11", "2026-12")
        for s, minutes in (("db", 60), ("api", 500))
    ]
    st = sla.statement(customer(rule), outages, periods="2026-10..2026-12")
    # 350 in October, the 150 left in November, nothing in December
    assert [r.total for r in st.reports] == [
        sla.usd("350.00"),
        sla.usd("150.00"),
        sla.usd("0.00"),
    ]


def test_fees_are_checked() -> None:
    """A fee for a service not covered, or in another currency, is refused."""
    with pytest.raises(DefinitionError, match="'cache' is not a service of the agreement"):
        customer(SCHEDULE, fees={"cache": sla.usd("1.00")})
    with pytest.raises(DefinitionError, match="is in EUR, but the fee of tier 'globex'"):
        customer(SCHEDULE, fees={"db": sla.eur("1.00")})
    with pytest.raises(DefinitionError, match="across='customer' must be"):
        sla.cap(SCHEDULE, at_most="10%", across="customer")  # type: ignore[arg-type]


def test_fees_and_pooled_caps_round_trip() -> None:
    """Per-service fees and a pooled cap survive plain data and repr."""
    agreement = customer(sla.cap(SCHEDULE, at_most="10%", across="services"))
    assert sla.from_data(sla.to_data(agreement)) == agreement
    assert "fees={'db': Money('2000.00', 'USD'), 'api': Money('500.00', 'USD')}" in repr(agreement)
    assert "across='services'" in repr(agreement.tier.compensation)


# --- customers tables from categorical columns ----------------------------------------------

_ROWS = {
    "customer": ["globex", "acme", "acme", "initech", "umbrella"],
    "plan": ["silver", "gold", "gold", "silver", "gold"],
    "service": ["g/web", "a/db", "a/api", "i/app", "u/x"],
    "currency": ["USD", None, "USD", None, None],
    "zone": [None, "Europe/Berlin", None, "Asia/Tokyo", None],
}


def _same(a: sla.CustomerTable, b: sla.CustomerTable) -> None:
    for name in ("customer", "plan", "service", "currency", "zone"):
        assert getattr(a, f"{name}s" if name != "currency" else "currencies") == getattr(
            b, f"{name}s" if name != "currency" else "currencies"
        ), name
        assert getattr(a, name).tolist() == getattr(b, name).tolist(), name


def test_arrow_dictionaries_and_pandas_categoricals_give_the_table_plain_names_give() -> None:
    """Codes and names read once per category, in any category order, give the same table."""
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")

    plain = sla.CustomerTable.from_columns(_ROWS)
    assert plain.currencies == ("", "USD")  # a missing optional cell: "" ("the plan's")
    arrow = {name: pa.array(values).dictionary_encode() for name, values in _ROWS.items()}
    assert arrow["customer"].dictionary.to_pylist()[0] == "globex"  # not sorted: as met
    _same(sla.CustomerTable.from_columns(arrow), plain)
    frame = pd.DataFrame(_ROWS).astype("category")
    _same(sla.CustomerTable.from_columns(frame), plain)
    # a category no row uses is not a name of the table
    unused = dict(arrow)
    unused["plan"] = pa.DictionaryArray.from_arrays(
        pa.array([1, 2, 2, 1, 2], pa.int32()), pa.array(["bronze", "silver", "gold"])
    )
    _same(sla.CustomerTable.from_columns(unused), plain)


def test_a_parquet_customers_file_is_read_through_sorted_arrow_dictionaries(tmp_path: Path) -> None:
    """The reader encodes the name columns in Arrow; the table equals the CSV's."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")

    import slakit.io

    pq.write_table(pa.table(_ROWS), tmp_path / "customers.parquet")
    csv = "customer,plan,service,currency,zone\n" + "".join(
        ",".join(v or "" for v in row) + "\n" for row in zip(*_ROWS.values(), strict=True)
    )
    (tmp_path / "customers.csv").write_text(csv, encoding="utf-8")
    _same(
        slakit.io.read_table(tmp_path / "customers.parquet", "customers"),
        slakit.io.read_table(tmp_path / "customers.csv", "customers"),
    )


def test_categorical_customers_with_bad_names_are_reported_by_row() -> None:
    """A blank, padded or missing required name in a category is named by its rows."""
    pa = pytest.importorskip("pyarrow")

    rows = {
        "customer": pa.array(["acme", " acme", "", None]).dictionary_encode(),
        "plan": pa.array(["gold"] * 4).dictionary_encode(),
        "service": pa.array(["a", "b", "c", "d"]).dictionary_encode(),
    }
    with pytest.raises(EventDataError) as caught:
        sla.CustomerTable.from_columns(rows)
    said = [str(p) for p in caught.value.problems]
    assert "row 1: customer: ' acme' has spaces around it; write 'acme'" in said
    assert any(p.startswith("row 2: customer:") and "non-empty" in p for p in said), said
    assert any(p.startswith("row 3: customer:") for p in said), said


def test_categorical_and_arrow_decimal_fees_are_parsed_once_each_and_bad_ones_named_by_row(
    tmp_path: Path,
) -> None:
    """Fees as an Arrow decimal column or a categorical: the same codes; a bad one by its rows."""
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    from decimal import Decimal

    import slakit.io

    rows = {**_ROWS, "fee": ["12.50", None, "12.50", "100", None]}
    plain = sla.CustomerTable.from_columns(rows)
    assert plain.fees == (Decimal("100"), Decimal("12.50"))  # in the order of their texts
    assert plain.fee.tolist() == [1, -1, 1, 0, -1]
    frame = pd.DataFrame(rows).astype({"fee": "category"})
    table = sla.CustomerTable.from_columns(frame)
    assert (table.fees, table.fee.tolist()) == (plain.fees, plain.fee.tolist())
    decimals = pa.array(
        [None if f is None else Decimal(f) for f in rows["fee"]], pa.decimal128(9, 2)
    )
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table({**_ROWS, "fee": decimals}), tmp_path / "customers.parquet")
    read = slakit.io.read_table(tmp_path / "customers.parquet", "customers")
    assert read.fee.tolist() == [1, -1, 1, 0, -1]  # first met: 12.50; in text order, second
    assert [str(f) for f in read.fees] == ["100.00", "12.50"]
    bad = pd.DataFrame({**rows, "fee": ["12.50", "abc", "12.50", "abc", None]}).astype(
        {"fee": "category"}
    )
    with pytest.raises(EventDataError) as caught:
        sla.CustomerTable.from_columns(bad)
    wheres = [p.where for p in caught.value.problems if p.field == "fee"]
    assert wheres == ["row 1", "row 3"]
