"""Agreements as plain data: lossless round trips, every problem reported with its path."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
from slakit import strategies as sst
from slakit._data._formats import toml_dumps
from slakit.exceptions import AgreementDataError, SlakitError
from tests.examples import readme_agreement
from tests.strategies import data_agreements, data_tiers, objective_agreement

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "docs" / "schema" / "agreement.schema.json"


def problems(data: Any) -> list[str]:
    with pytest.raises(AgreementDataError) as info:
        sla.from_data(data)
    return [str(p) for p in info.value.problems]


# --- round trips ---------------------------------------------------------------------------


@settings(deadline=None)
@given(data_agreements())
def test_round_trip_plain_data(agreement: sla.Agreement) -> None:
    """from_data(to_data(a)) == a, and the data is JSON as it is."""
    data = sla.to_data(agreement)
    assert sla.from_data(json.loads(json.dumps(data))) == agreement


@settings(deadline=None)
@given(data_agreements(), st.sampled_from(["json", "yaml", "toml"]))
def test_round_trip_text_formats(agreement: sla.Agreement, fmt: Any) -> None:
    """loads(dumps(a, fmt), fmt) == a for JSON, YAML and TOML; reprs agree too."""
    loaded = sla.loads(sla.dumps(agreement, fmt), fmt)
    assert loaded == agreement
    assert repr(loaded) == repr(agreement)


@settings(deadline=None)
@given(data_agreements())
def test_generated_data_matches_the_schema(agreement: sla.Agreement) -> None:
    """Everything to_data writes is valid under the published JSON Schema."""
    _validator().validate(sla.to_data(agreement))


@settings(deadline=None)
@given(sst.credit_rules(monotone=False, bonus=True, billing=True))
def test_every_credit_rule_round_trips(rule: sla.CreditRule) -> None:
    """Any compensation tree, including bonuses, reads back equal."""
    tier = sla.Tier("t", fee=sla.usd("1.00"), compensation=rule)
    assert sla.from_data(sla.to_data(tier), sla.Tier) == tier


@settings(deadline=None)
@given(sst.measures(), st.sampled_from(["json", "yaml", "toml"]))
def test_every_measure_round_trips(measure: sla.Measure, fmt: Any) -> None:
    """Any measure the strategies draw, composites included, is valid data and reads back equal."""
    assert sla.from_data(sla.to_data(measure), sla.Measure) == measure
    agreement = objective_agreement(measure)
    _validator().validate(sla.to_data(agreement))
    assert sla.loads(sla.dumps(agreement, fmt), fmt) == agreement


@settings(deadline=None)
@given(data_tiers())
def test_tiers_round_trip_alone(tier: sla.Tier) -> None:
    """A node other than an agreement is written and read on its own."""
    assert sla.loads(sla.dumps(tier, "yaml"), "yaml", kind=sla.Tier) == tier


def test_readme_agreement_reads_as_data() -> None:
    """The README's agreement writes to the data a person would write by hand."""
    data = sla.to_data(readme_agreement())
    assert data["tier"]["objectives"][0]["target"] == "99.99%"
    assert data["tier"]["compensation"]["bands"] == [
        {"when": "(-inf, 95%)", "credit": "100%"},
        {"when": "[95%, 99%)", "credit": "30%"},
        {"when": "[99%, 99.99%)", "credit": "10%"},
    ]
    assert data["tier"]["fee"] == {"amount": "10000.00", "currency": "USD"}
    assert data["tier"]["objectives"][0]["measure"]["min_outage"] == "1 minute"
    assert data["period"] == {"type": "monthly", "tz": "Europe/Berlin"}


@pytest.mark.parametrize(
    ("text", "us"),
    [
        # words, as slakit writes them
        ("5 minutes", 300_000_000),
        ("1 hour 30 minutes", 5_400_000_000),
        ("1h 30m", 5_400_000_000),
        # ISO 8601, as other tools write them
        ("PT5M", 300_000_000),
        ("P1DT2H", 93_600_000_000),
        ("PT0.5S", 500_000),
    ],
)
def test_durations_read_in_words_and_iso(text: str, us: int) -> None:
    """A length of time is read from words or from ISO 8601."""
    data = sla.to_data(sla.uptime(min_outage=sla.seconds(1)))
    data["min_outage"] = text
    assert sla.from_data(data, sla.Measure).min_outage.us == us  # type: ignore[attr-defined]


def test_credit_table_in_the_dsl_form() -> None:
    """A hand-written schedule may use the DSL's threshold table instead of intervals."""
    data = sla.to_data(readme_agreement())
    data["tier"]["compensation"]["bands"] = {"< 99.99%": "10%", "< 99.0%": "30%", "< 95.0%": "100%"}
    assert sla.from_data(data) == readme_agreement()


def test_yaml_instants_and_dates_read_unquoted() -> None:
    """YAML's own timestamps and dates are accepted where instants and dates are expected."""
    text = sla.dumps(readme_agreement(), "yaml") + "effective: 2026-01-01T00:00:00Z\n"
    assert (
        sla.loads(text, "yaml").effective
        == sla.Agreement(
            provider="x",
            customer="y",
            services=["s"],
            tier=readme_agreement().tier,
            effective="2026-01-01T00:00:00Z",
        ).effective
    )


def test_toml_writer_quotes_and_escapes() -> None:
    """Keys that are not bare and strings with quotes, backslashes and control characters."""
    text = toml_dumps({"a b": 'x"y\\z\n\x7f', "n": 1, "ok": True, "t": {"k": [1, {"z": "w"}]}})
    import tomllib

    assert tomllib.loads(text) == {
        "a b": 'x"y\\z\n\x7f',
        "n": 1,
        "ok": True,
        "t": {"k": [1, {"z": "w"}]},
    }


def test_toml_cannot_hold_floats() -> None:
    """The TOML writer refuses values that plain data never holds."""
    with pytest.raises(SlakitError, match="TOML cannot hold"):
        toml_dumps({"x": 1.5})


def test_unregistered_node_cannot_be_written() -> None:
    """An object of a class the registry does not know is refused with the fix."""
    from tests.strategies import SpansCalendar

    measure = sla.uptime(during=SpansCalendar(((0, 1),)))
    with pytest.raises(SlakitError, match="not a registered node"):
        sla.to_data(measure)


# --- every problem, with its path ----------------------------------------------------------


def test_band_credit_out_of_range_names_its_path() -> None:
    """The brief's example: a credit of 120% is reported at its path."""
    data = sla.to_data(readme_agreement())
    data["tier"]["compensation"]["bands"][0]["credit"] = "120%"
    assert problems(data) == [
        "$.tier.compensation.bands[0].credit: must be between 0% and 100%, got 120%"
    ]


def test_every_problem_is_reported_at_once() -> None:
    """Several independent mistakes are all listed, in document order."""
    data = sla.to_data(readme_agreement())
    data["customer"] = 7
    data["tier"]["fee"]["amount"] = 12.5
    data["tier"]["objectives"][0]["comparator"] = "=>"
    data["tier"]["objectives"][0]["measure"]["min_outage"] = "soon"
    data["tier"]["compensation"]["bands"][1]["when"] = "99%"
    data["period"]["tz"] = "Mars/Olympus"
    data["colour"] = "blue"
    found = problems(data)
    assert found[0] == "$.colour: is not a field of agreement; expected " + ", ".join(
        [
            *("provider", "customer", "services", "tier", "period", "effective", "rounding"),
            *("name", "parties", "catalogue", "reporting", "amendments", "fees"),
        ]
    )
    assert "$.customer: must be a string, got 7" in found
    assert any(p.startswith("$.tier.fee.amount: is a float (12.5)") for p in found)
    assert any(p.startswith("$.tier.objectives[0].comparator: must be one of") for p in found)
    assert any(
        p.startswith("$.tier.objectives[0].measure.min_outage: must be a length") for p in found
    )
    assert any(
        p.startswith("$.tier.compensation.bands[1].when: must be an interval") for p in found
    )
    assert any(p.startswith("$.period.tz: ") and "Mars/Olympus" in p for p in found)
    assert len(found) == 7


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # tags
        (lambda d: d["period"].update(type="fortnightly"), "$.period.type: must be one of"),
        (lambda d: d["period"].pop("type"), "$.period: needs a 'type', one of"),
        (lambda d: d.update(period="monthly"), "$.period: must be a mapping, got monthly"),
        # required fields and shapes
        (lambda d: d.pop("tier"), "$.tier: is required"),
        (lambda d: d.update(services="eu"), "$.services: must be a list, got eu"),
        (lambda d: d.update(services=[]), "$.services: services=() must name at least one service"),
        (lambda d: d.update(effective="2026-01-01"), "$.effective: is a date without a time"),
        (lambda d: d.update(effective="soon"), "$.effective: 'soon' is not an ISO 8601"),
        (lambda d: d["tier"].update(no_data=True), "$.tier.no_data: must be one of"),
        # numbers and percentages
        (lambda d: d["tier"]["fee"].update(amount="lots"), "$.tier.fee.amount: must be a number"),
        (
            lambda d: d["tier"]["fee"].update(amount="-1"),
            "$.tier.fee: fee=Money('-1', 'USD') must not be negative",
        ),
        (
            lambda d: d["tier"]["fee"].update(currency="XXX"),
            "$.tier.fee.currency: currency='XXX' is not an ISO 4217 code",
        ),
        (
            lambda d: d["tier"]["compensation"]["bands"][0].update(credit="10"),
            "$.tier.compensation.bands[0].credit: must be a percentage such as '99.95%', got 10",
        ),
        (
            lambda d: d["tier"]["objectives"][0].update(target="101%"),
            "$.tier.objectives[0].target: '101%' must be between 0% and 100%",
        ),
        (
            lambda d: d["tier"]["objectives"][0].update(target="1.5"),
            "$.tier.objectives[0].target: Decimal('1.5') must be between 0% and 100%",
        ),
        # credit tables
        (
            lambda d: d["tier"]["compensation"]["bands"].append(
                {"when": "[99.5%, 99.9%)", "credit": "5%"}
            ),
            "$.tier.compensation.bands: bands [99%, 99.99%) and [99.5%, 99.9%) overlap",
        ),
        (
            lambda d: d["tier"]["compensation"]["bands"][0].update(when="[-inf, 95%)"),
            "$.tier.compensation.bands[0].when: an infinite bound is always open",
        ),
        (
            lambda d: d["tier"]["compensation"]["bands"][0].update(when="(95%, 90%)"),
            "$.tier.compensation.bands[0].when: band (95%, 90%) is empty",
        ),
        (
            lambda d: d["tier"]["compensation"].update(bands=[]),
            "$.tier.compensation.bands: must be a non-empty list",
        ),
        (
            lambda d: d["tier"]["compensation"].update(bands={"< 99%": "5%", "> 98%": "5%"}),
            "$.tier.compensation.bands: credit table",
        ),
        (
            lambda d: d["tier"]["compensation"]["bands"].__setitem__(0, {"when": "(-inf, 1%)"}),
            "$.tier.compensation.bands[0]: must be a mapping with 'when'",
        ),
        (
            lambda d: d["tier"]["compensation"].update(colour=1),
            "$.tier.compensation.colour: is not a field of credit_schedule",
        ),
        (
            lambda d: d["tier"]["compensation"].pop("measure"),
            "$.tier.compensation.measure: is required",
        ),
        (
            lambda d: d["tier"]["compensation"].update(base={"type": "charges", "kinds": [1]}),
            "$.tier.compensation.base.kinds[0]: must be a string, got 1",
        ),
        # bucket rules and nested measures
        (
            lambda d: d["tier"]["objectives"][0]["measure"].update(bucket_down="> soon"),
            "$.tier.objectives[0].measure.bucket_down: must be 'any', 'all', or a threshold",
        ),
        (
            lambda d: d["tier"]["objectives"][0]["measure"].update(bucket_down={}),
            "$.tier.objectives[0].measure.bucket_down: must be 'any', 'all' or a threshold",
        ),
        (
            lambda d: d["tier"]["objectives"][0]["measure"].update(states={"down": 1}),
            "$.tier.objectives[0].measure.states.down: must be a percentage",
        ),
        (
            lambda d: d["tier"]["objectives"][0]["measure"].update(states="down"),
            "$.tier.objectives[0].measure.states: must be a mapping of names to values",
        ),
    ],
)
def test_problems_name_their_path(change: Any, expected: str) -> None:
    """Each kind of mistake is reported at the path of the value that is wrong."""
    data = sla.to_data(readme_agreement())
    change(data)
    found = problems(data)
    assert any(p.startswith(expected) for p in found), found


def test_top_level_must_be_a_mapping() -> None:
    """A document that is not a mapping, or of another format version, is refused."""
    assert problems([1]) == ["$: must be a mapping, got a list"]
    data = sla.to_data(readme_agreement())
    data["slakit"] = 2
    assert problems(data) == ["$.slakit: is data format 2; this slakit reads format 1"]


@pytest.mark.parametrize(
    ("fmt", "text", "where"),
    [
        ("json", '{"slakit": 1,\n "provider": }', "<json>:2"),
        ("yaml", "a: [1,\nb: 2\n", "<yaml>:"),
        ("toml", "a = \n", "<toml>:1"),
    ],
)
def test_syntax_errors_name_the_line(fmt: Any, text: str, where: str) -> None:
    """Text that is not valid JSON, YAML or TOML is one problem at its line."""
    with pytest.raises(AgreementDataError) as info:
        sla.loads(text, fmt)
    (problem,) = info.value.problems
    assert problem.where.startswith(where)
    assert f"is not valid {fmt.upper()}" in problem.message


def test_yaml_never_builds_python_objects() -> None:
    """Loading YAML uses safe_load: a Python tag is an error, never a call."""
    with pytest.raises(AgreementDataError, match="not valid YAML"):
        sla.loads("provider: !!python/object/apply:os.system ['echo hi']\n", "yaml")


def test_files_by_suffix(tmp_path: Path) -> None:
    """write_agreement and read_agreement pick the format from the suffix."""
    agreement = readme_agreement()
    for suffix in (".json", ".yaml", ".yml", ".toml"):
        path = sla.write_agreement(agreement, tmp_path / f"a{suffix}")
        assert sla.read_agreement(path) == agreement
    with pytest.raises(SlakitError, match="cannot tell the format"):
        sla.read_agreement(tmp_path / "a.txt")
    with pytest.raises(SlakitError, match="must be 'json'"):
        sla.dumps(agreement, "xml")  # type: ignore[arg-type]


# --- the schema ------------------------------------------------------------------------------


@functools.cache
def _schema() -> dict[str, Any]:
    return sla.agreement_schema()


@functools.cache
def _validator() -> Any:
    return jsonschema.Draft202012Validator(_schema())


def test_schema_is_valid_and_published() -> None:
    """The schema is a valid draft 2020-12 schema, and the checked-in copy is current."""
    schema = _schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    assert SCHEMA_PATH.read_text(encoding="utf-8") == text, (
        "docs/schema/agreement.schema.json is out of date (a DSL class changed); rewrite it "
        "with: python -m slakit._data"
    )


def test_schema_rejects_what_the_loader_rejects_by_shape() -> None:
    """A misspelt field or a missing tag fails the schema too."""
    data = sla.to_data(readme_agreement())
    data["tier"]["colour"] = "blue"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, _schema())


def test_schema_script_writes_the_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m slakit._data PATH`` writes the same schema the test checks."""
    from slakit._data.__main__ import main

    assert main([str(tmp_path / "s.json")]) == 0
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8")) == _schema()
    assert "wrote" in capsys.readouterr().out
