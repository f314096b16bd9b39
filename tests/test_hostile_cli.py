"""Hostile input to the command line: every file gives a report or a message, never a traceback.

The fuzz target writes a mutated agreement (JSON, YAML or TOML) and mutated
event, request and ticket files, then runs ``validate`` and ``evaluate`` on
them. Whatever the bytes, the command must return one of its documented exit
statuses, with no exception escaping ``main`` and no traceback on stderr.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slakit as sla
from slakit._cli import EXIT_BREACH, EXIT_OK, EXIT_USAGE, main
from slakit._demo import EVENTS_JSONL
from tests.examples import readme_agreement
from tests.fuzzing import COSTLY, target
from tests.test_hostile_data import EDITS, mutate

#: What the command line may answer: done, a breach (or --strict), bad input.
STATUSES = {EXIT_OK, EXIT_BREACH, EXIT_USAGE}

REQUESTS = (
    '{"service": "eu-central-1", "time": "2026-10-01T00:00:00Z", "status": 200, '
    '"latency_ms": 12}\n'
    '{"service": "eu-central-1", "time": "2026-10-01T00:00:01Z", "status": 503, '
    '"latency_ms": 900}\n'
)
TICKETS = (
    '{"id": "T-1", "service": "eu-central-1", "priority": "P1", '
    '"opened": "2026-10-01T09:00:00Z", "responded": "2026-10-01T09:30:00Z"}\n'
)

_WORK = Path(tempfile.mkdtemp(prefix="slakit-fuzz-cli-"))


def run(*argv: str) -> tuple[int, str]:
    """Run the command line; return its status and what it printed on stderr."""
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, err.getvalue()


def check(*argv: str) -> None:
    """The command returns a documented status, with no traceback."""
    status, err = run(*argv)
    assert status in STATUSES, (status, err)
    assert "Traceback" not in err, err


def test_the_unmutated_files_evaluate() -> None:
    """The fuzz target's seed files are valid: the mutations start from a working run."""
    agreement = _WORK / "seed.json"
    agreement.write_text(sla.dumps(readme_agreement(), "json"), encoding="utf-8")
    events = _WORK / "seed.jsonl"
    events.write_text(EVENTS_JSONL, encoding="utf-8")
    status, err = run("evaluate", str(agreement), str(events), "--period", "2026-10")
    assert status == EXIT_OK, err


def test_a_file_that_is_not_utf8_is_reported_without_a_traceback() -> None:
    """Events and agreements in another encoding are bad input, named by their file."""
    agreement = _WORK / "latin1.json"
    agreement.write_bytes(sla.dumps(readme_agreement(), "json").encode() + b"\n\xe9\xff")
    events = _WORK / "latin1.jsonl"
    events.write_bytes(EVENTS_JSONL.encode() + b'{"service": "caf\xe9"}\n')
    good = _WORK / "good.json"
    good.write_text(sla.dumps(readme_agreement(), "json"), encoding="utf-8")
    for argv in (
        ("validate", str(agreement)),
        ("evaluate", str(good), str(events), "--period", "2026-10"),
    ):
        status, err = run(*argv)
        assert status == EXIT_USAGE
        assert "Traceback" not in err
        assert "UTF-8" in err


FORMATS = st.sampled_from(["json", "yaml", "toml"])
BYTES = st.binary(max_size=64)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    FORMATS,
    st.none() | EDITS,
    st.sampled_from(["events", "requests", "tickets"]),
    st.none() | EDITS,
    st.none() | BYTES,
)
@target("CLI: validate and evaluate mutated files", COSTLY)
def test_fuzz_cli(
    fmt: str,
    agreement_edits: list[tuple[int, int, str]] | None,
    kind: str,
    input_edits: list[tuple[int, int, str]] | None,
    junk: bytes | None,
) -> None:
    """Mutated agreement and input files give a documented exit status and no traceback."""
    text = sla.dumps(readme_agreement(), fmt)  # type: ignore[arg-type]
    agreement = _WORK / f"agreement.{fmt}"
    agreement.write_text(
        text if agreement_edits is None else mutate(text, agreement_edits), encoding="utf-8"
    )
    seed = {"events": EVENTS_JSONL, "requests": REQUESTS, "tickets": TICKETS}[kind]
    rows = seed if input_edits is None else mutate(seed, input_edits)
    data = _WORK / f"{kind}.jsonl"
    data.write_bytes(rows.encode("utf-8", "surrogatepass") + (junk or b""))
    check("validate", str(agreement))
    inputs = [str(data)] if kind == "events" else [f"--{kind}", str(data)]
    check("evaluate", str(agreement), *inputs, "--period", "2026-10")
