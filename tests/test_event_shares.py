"""Affected shares are numbers: every way of building an event table reads them alike."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import slakit as sla
from slakit.exceptions import EventDataError
from tests.strategies import SECOND, SERVICES, T0, second_spans, small_period

HOUR_US = 3600 * SECOND


def columns_of(shares: list[Any]) -> dict[str, Any]:
    """Return the columns of one one-hour outage of ``api`` per share."""
    n = len(shares)
    return {
        "kind": ["outage"] * n,
        "service": ["api"] * n,
        "start": np.full(n, T0, dtype=np.int64),
        "end": np.full(n, T0 + HOUR_US, dtype=np.int64),
        "affected": shares,
    }


def same_table(a: sla.EventTable, b: sla.EventTable, *, where: bool = True) -> bool:
    """Return whether two tables hold the same codes, names, levels and (if asked) origins."""
    arrays = ("kind", "service", "start", "end", "announced", "state", "affected")
    names = ("services", "states", "affected_levels")
    return (
        all(np.array_equal(getattr(a, c), getattr(b, c)) for c in arrays)
        and all(getattr(a, c) == getattr(b, c) for c in names)
        and (not where or a.where_all() == b.where_all())
    )


@pytest.mark.parametrize(
    ("shares", "levels", "codes"),
    [
        # levels sort as numbers, not as text ("25%" < "5%" as strings)
        (["5%", "25%"], ["0.05", "0.25", "1"], [0, 1]),
        (["9%", "10%", "100%"], ["0.09", "0.1", "1"], [0, 1, 2]),
        # one share, however it is spelled, is one level
        (["50%", "50.0%"], ["0.5", "1"], [0, 0]),
        (
            ["50%", " 50.000% ", Decimal("0.5"), Decimal("0.500"), Fraction(1, 2)],
            ["0.5", "1"],
            [0] * 5,
        ),
        (["100%", "100.0%", Decimal(1)], ["1"], [0, 0, 0]),
        # a missing share is the whole service, whatever the column holds for missing
        ([None, "25%"], ["0.25", "1"], [1, 0]),
        ([float("nan"), "", "None", "25%"], ["0.25", "1"], [1, 1, 1, 0]),
        # numpy's text: a string array, or its scalars among objects
        (np.array(["25%", "5%", "25.0%"]), ["0.05", "0.25", "1"], [1, 0, 1]),
        ([np.str_("30%"), "30%"], ["0.3", "1"], [0, 0]),
    ],
)
def test_from_columns_reads_shares_as_numbers(
    shares: list[Any], levels: list[str], codes: list[int]
) -> None:
    """Shares become exact Decimal levels, sorted by value, one per distinct number."""
    table = sla.EventTable.from_columns(columns_of(shares))
    assert table.affected_levels == tuple(Decimal(x) for x in levels)
    assert table.affected.tolist() == codes


@pytest.mark.parametrize(
    "make",
    [
        # a pandas frame with object and string columns, missing values as None, NaN and NA
        pd.DataFrame,
        lambda c: pd.DataFrame({**c, "affected": pd.array(c["affected"], dtype="string")}),
        # a polars frame, strings and Decimals
        pl.DataFrame,
        lambda c: pl.DataFrame(
            {**c, "affected": [None if s is None else Decimal(s[:-1]) / 100 for s in c["affected"]]}
        ),
    ],
)
def test_data_frames_read_shares_as_numbers(make: Any) -> None:
    """Pandas and polars columns of shares give the same levels as plain lists."""
    shares = ["5%", "25%", None, "50.0%", "50%"]
    expected = sla.EventTable.from_columns(columns_of(shares))
    assert same_table(sla.EventTable.from_columns(make(columns_of(shares))), expected)
    assert expected.affected_levels == tuple(map(Decimal, ("0.05", "0.25", "0.5", "1")))


@pytest.mark.parametrize(
    ("share", "message"),
    [
        # floats cannot hold shares exactly, as for Outage records
        (0.25, "is a float"),
        (np.float64(0.25), "is a float"),
        # a string needs its percent sign; zero affects nobody
        ("25", "needs a percent sign"),
        ("0%", "affects nobody"),
        ("x%", "is not a percentage"),
        ("150%", "between 0% and 100%"),
    ],
)
def test_from_columns_refuses_what_outage_refuses(share: object, message: str) -> None:
    """A bad share is reported on every row that holds it, with Outage's own message."""
    with pytest.raises(EventDataError, match=message) as caught:
        sla.EventTable.from_columns(columns_of(["25%", share, share]))
    assert [p.where for p in caught.value.problems] == ["row 1", "row 2"]
    with pytest.raises(sla.exceptions.DefinitionError, match=message):
        sla.Outage("api", T0, T0 + HOUR_US, affected=share)


# --- from_columns and from_records agree ---------------------------------------------------

#: Spellings of shares, with the number each one means (None: not given, so 100%).
SPELLINGS: tuple[tuple[object, str | None], ...] = (
    (None, None),
    ("100%", "1"),
    ("5%", "0.05"),
    ("25%", "0.25"),
    ("25.0%", "0.25"),
    (Decimal("0.25"), "0.25"),
    ("50%", "0.5"),
    ("50.00%", "0.5"),
    (Fraction(1, 2), "0.5"),
    ("9%", "0.09"),
    ("10%", "0.1"),
)


@st.composite
def event_rows(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    """Draw rows (kind, service, start, end, announced, state, share spelling)."""
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["outage", "outage", "outage", "maintenance"]))
        start, end = draw(second_spans(-60, 660))
        announced = start - draw(st.integers(-5, 20)) * SECOND if kind == "maintenance" else None
        state = draw(st.sampled_from(["down", "down", "degraded"])) if kind == "outage" else "down"
        share = draw(st.sampled_from(SPELLINGS))[0] if kind == "outage" else None
        rows.append((kind, draw(st.sampled_from(SERVICES)), start, end, announced, state, share))
    return rows


def records_of(rows: list[tuple[Any, ...]]) -> list[sla.Event]:
    """Return the rows as records, each share passed as it is spelled."""
    out: list[sla.Event] = []
    for kind, service, start, end, announced, state, share in rows:
        if kind == "maintenance":
            out.append(sla.Maintenance(service, start, end, announced))
        elif share is None:
            out.append(sla.Outage(service, start, end, state=state))
        else:
            out.append(sla.Outage(service, start, end, state=state, affected=share))
    return out


def table_of(rows: list[tuple[Any, ...]], form: str) -> sla.EventTable:
    """Return the rows as columns in ``form``: lists, numpy arrays or a pandas frame."""
    names = ("kind", "service", "start", "end", "announced", "state", "affected")
    cols: dict[str, Any] = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    cols["start"] = np.asarray(cols["start"], dtype=np.int64)
    cols["end"] = np.asarray(cols["end"], dtype=np.int64)
    cols["announced"] = np.asarray(cols["announced"], dtype=object)  # None where not maintenance
    if form == "numpy":
        cols = {
            k: np.asarray(v, dtype=object) if k not in {"start", "end"} else v
            for k, v in cols.items()
        }
    if form == "pandas":
        return sla.EventTable.from_columns(pd.DataFrame(cols))
    return sla.EventTable.from_columns(cols)


def agreement() -> sla.Agreement:
    """Return an agreement whose credit grows with weighted down time."""
    up = sla.uptime(affected_share=True, states={"down": "100%", "degraded": "50%"})
    tier = sla.Tier(
        "t",
        fee=sla.usd("1000.00"),
        objectives=[up >= "99%"],
        compensation=sla.credit_schedule(up, {"< 99.9%": "10%", "< 99%": "25%", "< 90%": "50%"}),
    )
    return sla.Agreement(
        provider="p", customer="c", services=list(SERVICES), tier=tier, period=sla.monthly()
    )


@given(rows=event_rows(), form=st.sampled_from(["lists", "numpy", "pandas"]))
def test_from_columns_and_from_records_agree(rows: list[tuple[Any, ...]], form: str) -> None:
    """The same rows give equal tables and equal reports, however shares are spelled."""
    by_records = sla.EventTable.from_records(records_of(rows))
    by_columns = table_of(rows, form)
    assert same_table(by_columns, by_records)
    a = sla.evaluate(agreement(), by_records, period=small_period())
    b = sla.evaluate(agreement(), by_columns, period=small_period())
    assert a.to_dict() == b.to_dict()


@given(rows=event_rows(), cut=st.integers(0, 12))
def test_concat_of_tables_from_either_path_agrees(rows: list[tuple[Any, ...]], cut: int) -> None:
    """Concatenating a columns table and a records table gives the table of all the rows."""
    first, second = rows[:cut], rows[cut:]
    joined = sla.EventTable.concat(
        [table_of(first, "lists"), sla.EventTable.from_records(records_of(second))]
    )
    assert same_table(joined, sla.EventTable.from_records(records_of(rows)), where=False)
