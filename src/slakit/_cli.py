"""The ``slakit`` command line: evaluate agreements over event files."""

from __future__ import annotations

import argparse
import json
import runpy
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from slakit._demo import AGREEMENT_SOURCE, EVENTS_JSONL
from slakit._dsl._agreement import Agreement
from slakit._engine._plan import evaluate
from slakit._events._jsonl import parse_jsonl, read_jsonl
from slakit._results._report import Report
from slakit.exceptions import SlakitError

__all__ = ["main"]

EXIT_OK, EXIT_BREACH, EXIT_USAGE = 0, 1, 2


class _UsageError(Exception):
    """A problem with the command's inputs: printed without a traceback, exit status 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="slakit",
        description="Evaluate service-level agreements written with slakit over event files.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo", help="evaluate the embedded example agreement and print the report"
    )
    demo.add_argument("--json", action="store_true", help="print the report as JSON")
    demo.add_argument(
        "--write",
        metavar="DIR",
        type=Path,
        help="instead, write the example agreement.py and events.jsonl into DIR",
    )

    ev = sub.add_parser("evaluate", help="evaluate AGREEMENT.py over EVENTS.jsonl for one period")
    ev.add_argument(
        "agreement", type=Path, help="a Python file defining a module-level `agreement`"
    )
    ev.add_argument("events", type=Path, help="events in JSON Lines (one object per line)")
    ev.add_argument("--period", required=True, help="the billing period, for example 2026-10")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.add_argument(
        "--fail-on-breach",
        action="store_true",
        help="exit with status 1 when any objective is not met",
    )
    return parser


def load_agreement(path: Path) -> Agreement:
    """Run a Python file and return its module-level ``agreement``."""
    if not path.is_file():
        raise _UsageError(f"{path}: no such file")
    try:
        namespace = runpy.run_path(str(path), run_name="__slakit_agreement__")
    except SlakitError as exc:
        raise _UsageError(f"{path}: {exc}") from None
    except Exception:
        detail = traceback.format_exc(limit=-3)
        raise _UsageError(f"{path}: the file raised an error:\n{detail}") from None
    agreement = namespace.get("agreement")
    if not isinstance(agreement, Agreement):
        found = "nothing" if agreement is None else f"a {type(agreement).__name__}"
        raise _UsageError(
            f"{path}: defines {found} as `agreement`; define a module-level "
            "`agreement = slakit.Agreement(...)`"
        )
    return agreement


def _print_report(report: Report, *, as_json: bool, out: TextIO) -> None:
    if as_json:
        json.dump(report.to_dict(), out, indent=2)
        out.write("\n")
    else:
        out.write(report.explain())
        out.write("\n")


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    if args.write is not None:
        args.write.mkdir(parents=True, exist_ok=True)
        (args.write / "agreement.py").write_text(AGREEMENT_SOURCE, encoding="utf-8")
        (args.write / "events.jsonl").write_text(EVENTS_JSONL, encoding="utf-8")
        out.write(
            f"wrote {args.write / 'agreement.py'} and {args.write / 'events.jsonl'}; now run:\n"
            f"  slakit evaluate {args.write / 'agreement.py'} {args.write / 'events.jsonl'} "
            "--period 2026-10\n"
        )
        return EXIT_OK
    namespace: dict[str, object] = {}
    exec(compile(AGREEMENT_SOURCE, "<slakit demo agreement>", "exec"), namespace)
    agreement = namespace["agreement"]
    assert isinstance(agreement, Agreement)
    table = parse_jsonl(EVENTS_JSONL.splitlines(), source="demo-events.jsonl")
    _print_report(evaluate(agreement, table, period="2026-10"), as_json=args.json, out=out)
    return EXIT_OK


def _evaluate(args: argparse.Namespace, out: TextIO) -> int:
    agreement = load_agreement(args.agreement)
    if not args.events.is_file():
        raise _UsageError(f"{args.events}: no such file")
    table = read_jsonl(args.events)
    report = evaluate(agreement, table, period=args.period)
    _print_report(report, as_json=args.json, out=out)
    if args.fail_on_breach and not report.compliant:
        return EXIT_BREACH
    return EXIT_OK


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line with ``argv`` and return the exit status."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(args, out)
        return _evaluate(args, out)
    except (_UsageError, SlakitError) as exc:
        err.write(f"slakit: error: {exc}\n")
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
