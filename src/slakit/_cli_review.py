"""The ``slakit review`` command: an agreement's trends over a range of periods.

``slakit review AGREEMENT [EVENTS] [--requests F] [--tickets F] --from P --to P
[--format html|md|text|json] [-o FILE]`` evaluates every period from ``--from``
to ``--to`` (both included) with [`review()`][slakit.review] and writes the
review: HTML with charts, Markdown, text or JSON.

`slakit._cli` builds its parser with `add_review_parser()` and runs the command
with `review_command()`; this module imports `slakit._cli`'s helpers inside its
functions, when `_cli` is loaded, so either module may import the other first.
`review_command()` reports bad input itself (a message on stderr and exit
status 2; `--strict` and input not counted: status 1), as `slakit._cli.main`
does for the other commands.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from slakit._dsl._agreement import Agreement
    from slakit._results._review import Review
    from slakit._results._uncovered import UncoveredGroup

__all__ = ["REVIEW_FORMATS", "add_review_parser", "review_command", "review_document"]

#: The formats of ``slakit review``.
REVIEW_FORMATS = ("html", "md", "text", "json")
#: The kinds of input the command reads, and how it names each one's file.
_INPUTS = {"events": "the EVENTS argument", "requests": "--requests", "tickets": "--tickets"}


def add_review_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``review`` command to the subcommands ``sub`` of ``slakit``'s parser."""
    from slakit._cli import _AGREEMENT_HELP, _add_strict_option
    from slakit._cli_run import add_reading_options

    rv = sub.add_parser(
        "review",
        help="write the service review of AGREEMENT over a range of periods: trends of each "
        "objective, breaches, credits, outages, chronic breaches and amendments (HTML, "
        "Markdown, text or JSON)",
        description=(
            "Evaluate AGREEMENT over the inputs in every period from --from to --to (both "
            "included), as each period's credit statement would be, and write the review: "
            "per period the value of each objective against its target, the breaches and the "
            "credits; the longest outages and the services with the most; chronic breaches "
            "(an objective missed in consecutive periods); and the change after each amendment. "
            "HTML is one self-contained file with charts that prints to a clean PDF."
        ),
    )
    rv.add_argument("agreement", type=Path, help=_AGREEMENT_HELP)
    rv.add_argument(
        "events",
        type=Path,
        nargs="?",
        help="outage, maintenance and deployment events (CSV, JSON Lines, Parquet or Arrow)",
    )
    rv.add_argument("--requests", type=Path, help="a request log")
    rv.add_argument("--tickets", type=Path, help="support tickets")
    add_reading_options(rv, list(_INPUTS), option="--input-format")
    rv.add_argument(
        "--from", dest="start", required=True, help="the first period, for example 2026-01"
    )
    rv.add_argument(
        "--to", dest="end", required=True, help="the last period (included), for example 2026-12"
    )
    rv.add_argument(
        "--format",
        dest="output_format",
        choices=REVIEW_FORMATS,
        help="html, md (Markdown), text or json (default: from the extension of --output, "
        "else text)",
    )
    rv.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write the review to FILE (default: standard output)",
    )
    _add_strict_option(rv)


def review_document(result: Review, fmt: str) -> str:
    """Return ``result`` in ``fmt``, one of ``REVIEW_FORMATS``."""
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2) + "\n"
    if fmt == "html":
        return result.to_html()
    if fmt == "md":
        return result.to_markdown()
    return result.to_text()


def _range(agreement: Agreement, start: str, end: str) -> None:
    """Check ``--from`` and ``--to``: periods of the agreement, in order."""
    from slakit._cli import _UsageError
    from slakit.exceptions import PeriodError

    found = []
    for option, label in (("--from", start), ("--to", end)):
        try:
            found.append(agreement.period.period(label))
        except PeriodError as exc:
            raise _UsageError(f"{option} {label}: {exc}") from None
    if found[1].start < found[0].start:
        raise _UsageError(
            f"--from {start} comes after --to {end}: give the first period of the review with "
            "--from and the last with --to"
        )


def _inputs(args: argparse.Namespace) -> list[object]:
    """Read every input file the command names, as ``slakit report`` reads them."""
    from slakit._cli import _UsageError
    from slakit._cli_run import read_input, reading_of

    readers = ((args.events, "events"), (args.requests, "requests"), (args.tickets, "tickets"))
    given = [kind for path, kind in readers if path is not None]
    if not given:
        raise _UsageError("no input: give an events file, --requests or --tickets")
    reading = reading_of(args.format, args.columns, _INPUTS, given, option="--input-format")
    return [read_input(path, kind, reading) for path, kind in readers if path is not None]


def _uncovered(result: Review) -> list[UncoveredGroup]:
    """Return the input some period did not count, each group once (as ``compare`` does)."""
    from slakit._engine._uncovered import common_groups

    found: dict[tuple[str, str, str, str], UncoveredGroup] = {}
    for period in result.periods:
        groups = common_groups(part.report.reconciliation.uncovered for part in period.parts)
        for group in groups:
            found.setdefault(group.key, group)
    return list(found.values())


def _review(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from slakit._cli import EXIT_OK, _statement_format, _UsageError, load_agreement
    from slakit._engine._review import review

    fmt = _statement_format(args)
    agreement = load_agreement(args.agreement)
    _range(agreement, args.start, args.end)
    tables = _inputs(args)
    result = review(agreement, *tables, start=args.start, end=args.end, strict=args.strict)
    document = review_document(result, fmt)
    labels = result.labels
    span = labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"
    if args.output is None:
        out.write(document)
    else:
        try:
            args.output.write_text(document, encoding="utf-8")
        except OSError as exc:
            raise _UsageError(f"--output {args.output}: cannot write: {exc.strerror}") from None
        out.write(f"wrote the {fmt} review of {span} to {args.output}\n")
    _warn(_uncovered(result), err)
    return EXIT_OK


def _warn(groups: list[UncoveredGroup], err: TextIO) -> None:
    """Print one warning per group of input some period did not count, and a summary."""
    from slakit._cli import WARNINGS_SHOWN

    if not groups:
        return
    for group in groups[:WARNINGS_SHOWN]:
        err.write(f"slakit: warning: {group.problem()}\n")
    if len(groups) > WARNINGS_SHOWN:
        err.write(
            f"slakit: warning: ... and {len(groups) - WARNINGS_SHOWN} more groups of input not "
            "counted\n"
        )
    rows = sum(g.count for g in groups)
    err.write(
        f"slakit: warning: {rows} input row{'s' if rows != 1 else ''} not counted; each "
        "period's statement (slakit report) lists every one (--strict makes this an error)\n"
    )


def _problems(exc: Any, err: TextIO, shown: int) -> None:
    for problem in exc.problems[:shown]:
        err.write(f"slakit: error: {problem}\n")
    if len(exc.problems) > shown:
        err.write(f"slakit: error: ... and {len(exc.problems) - shown} more groups\n")


def review_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``slakit review`` with parsed ``args``; return the exit status.

    Bad input (files, agreement data, period labels, ``--from`` after ``--to``) is
    a message on ``err`` and status 2; with ``--strict``, input that some period
    did not count is status 1.
    """
    from slakit._cli import (
        EXIT_STRICT,
        EXIT_USAGE,
        WARNINGS_SHOWN,
        _UsageError,
    )
    from slakit._cli_run import RunError
    from slakit.exceptions import AgreementDataError, SlakitError, StrictInputError

    try:
        return _review(args, out, err)
    except StrictInputError as exc:
        _problems(exc, err, WARNINGS_SHOWN)
        rows = sum(getattr(g, "count", 0) for g in exc.groups)
        err.write(
            f"slakit: error: --strict: {rows} input row{'s' if rows != 1 else ''} not counted; "
            "run without --strict for the review and the warnings that list them\n"
        )
        return EXIT_STRICT
    except AgreementDataError as exc:
        for problem in exc.problems:
            prefix = f"{args.agreement}: " if problem.where.startswith("$") else ""
            err.write(f"{prefix}{problem}\n")
        if exc.omitted:
            err.write(f"... and {exc.omitted:,} more\n")
        err.write(f"slakit: error: {exc.count:,} problem(s) in the agreement\n")
        return EXIT_USAGE
    except (_UsageError, RunError, SlakitError) as exc:
        err.write(f"slakit: error: {exc}\n")
        return EXIT_USAGE
