"""``slakit dispute``: one agreement over two evidence sources, and where they disagree.

Reads the agreement, ours' and theirs' event files (and, with
``--maintenance``, notices both sides accept), evaluates the agreement over
each side for one period and writes the dispute (see
[`dispute()`][slakit.dispute]) as HTML with charts, Markdown, text or JSON.

Exit status: 0 when both sides' data imply the same credit for every service
(spans may still be disputed: they are listed), 1 when some credit differs, 2
on bad input (the message names the file and the fix).

``slakit._cli`` adds the parser (``add_dispute_parser``) and runs the command
(``dispute_command``); this module imports ``_cli``'s helpers inside its
functions, as ``_cli`` imports this module.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from slakit.exceptions import AgreementDataError, SlakitError

__all__ = ["EXIT_AGREE", "EXIT_BAD_INPUT", "EXIT_DISAGREE", "add_dispute_parser", "dispute_command"]

#: Both sides' data imply the same credit for every service.
EXIT_AGREE = 0
#: Some service's credit differs between the two sides.
EXIT_DISAGREE = 1
#: Bad arguments, files or agreement data.
EXIT_BAD_INPUT = 2

#: What the rows of ``--ours`` and ``--theirs`` are, as ``slakit.io.read_table`` kinds.
_SIDE_KINDS = ("events", "outages")


def add_dispute_parser(sub: Any) -> None:
    """Add ``slakit dispute`` to the command line's subcommands (``sub``)."""
    from slakit._cli import _AGREEMENT_HELP, STATEMENT_FORMATS
    from slakit._cli_run import add_reading_options

    dispute = sub.add_parser(
        "dispute",
        help="compare the credits AGREEMENT gives over two evidence sources (ours and theirs) "
        "and list every span where they disagree, with what it is worth (HTML, Markdown, text "
        "or JSON)",
        description=(
            "Evaluate AGREEMENT for one period over ours' events and over theirs' (say, the "
            "provider's monitoring and the customer's) and write the dispute: the credit each "
            "side's data implies and the total at stake, per service the down time counted by "
            "ours only, theirs only and both and the time one side excluded, and every disputed "
            "span in the agreement's zone and UTC with its worth (the change in ours' credit "
            "when ours' events over that span are replaced by theirs'). Exit status 0 when both "
            "sides imply the same credit for every service, 1 when some credit differs, 2 on "
            "bad input."
        ),
    )
    dispute.add_argument("agreement", type=Path, help=_AGREEMENT_HELP)
    dispute.add_argument(
        "--ours",
        type=Path,
        required=True,
        metavar="FILE",
        help="ours' events (outages, and maintenance or deployments that only ours accepts): "
        "CSV, JSON Lines, Parquet or Arrow; the worths are computed from this side",
    )
    dispute.add_argument(
        "--theirs", type=Path, required=True, metavar="FILE", help="theirs' events, as --ours"
    )
    dispute.add_argument(
        "--maintenance",
        type=Path,
        metavar="FILE",
        help="maintenance notices both sides accept, given to both (every row a notice)",
    )
    dispute.add_argument(
        "--kind",
        choices=_SIDE_KINDS,
        default="events",
        help="what the rows of --ours and --theirs are: events (a kind or type column says "
        "outage, maintenance or deployment; the default) or outages (every row one, as a "
        "monitoring export)",
    )
    add_reading_options(dispute, ["events", "outages", "maintenance"], option="--input-format")
    dispute.add_argument("--period", required=True, help="the billing period, for example 2026-10")
    dispute.add_argument(
        "--format",
        dest="output_format",
        choices=STATEMENT_FORMATS,
        help="html, md (Markdown), text or json (default: from the extension of --output, "
        "else text)",
    )
    dispute.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write the dispute to FILE (default: standard output)",
    )
    dispute.add_argument(
        "--no-worth",
        action="store_true",
        help="do not price each disputed span (each costs one more evaluation of its service)",
    )


def _read(args: argparse.Namespace) -> tuple[Any, Any, list[Any]]:
    """Read ours', theirs' and the shared files, each checked; problems name the file."""
    from slakit._cli_run import RunError, read_input, reading_of

    kinds = {args.kind: "--ours and --theirs", "maintenance": "--maintenance"}
    given = [args.kind, *(["maintenance"] if args.maintenance is not None else [])]
    reading = reading_of(args.format, args.columns, kinds, given, option="--input-format")
    try:
        ours = read_input(args.ours, args.kind, reading)
        theirs = read_input(args.theirs, args.kind, reading)
    except RunError as exc:
        if args.kind == "events" and "kind: missing" in str(exc):
            raise RunError(
                f"{exc}\n  or, when every row is an outage, give --kind outages"
            ) from None
        raise
    shared = []
    if args.maintenance is not None:
        shared.append(read_input(args.maintenance, "maintenance", reading))
    return ours, theirs, shared


def _document(result: Any, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2) + "\n"
    if fmt == "html":
        return str(result.to_html())
    if fmt == "md":
        return str(result.to_markdown())
    return str(result.to_text())


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from slakit._cli import _statement_format, _UsageError, load_agreement
    from slakit._engine._dispute import dispute

    fmt = _statement_format(args)
    agreement = load_agreement(args.agreement)
    ours, theirs, shared = _read(args)
    result = dispute(
        agreement,
        ours,
        theirs,
        shared=shared,
        period=args.period,
        worth=not args.no_worth,
        ours_source=str(args.ours),
        theirs_source=str(args.theirs),
    )
    document = _document(result, fmt)
    if args.output is None:
        out.write(document)
    else:
        try:
            args.output.write_text(document, encoding="utf-8")
        except OSError as exc:
            raise _UsageError(f"--output {args.output}: cannot write: {exc.strerror}") from None
        out.write(f"wrote the {fmt} dispute of {result.period.label} to {args.output}\n")
    for side, count in zip(("ours", "theirs"), result.uncounted, strict=True):
        if count:
            err.write(
                f"slakit: warning: {side}: {count} input row{'s' if count != 1 else ''} not "
                f"counted by any measure; `slakit report` over that side lists every one\n"
            )
    if result.agrees:
        return EXIT_AGREE
    err.write(
        f"slakit: the sides disagree: ours {result.rounded(result.ours_total)}, theirs "
        f"{result.rounded(result.theirs_total)}\n"
    )
    return EXIT_DISAGREE


def dispute_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``slakit dispute``; return 0 (credits agree), 1 (they differ) or 2 (bad input).

    Bad input is a message on ``err``, never a traceback: a missing or
    unreadable file, invalid rows (each ``file:line: field: problem``),
    agreement data with problems (each with its path), an unknown period.
    """
    from slakit._cli import _UsageError
    from slakit._cli_run import RunError

    try:
        return _run(args, out, err)
    except AgreementDataError as exc:
        for problem in exc.problems:
            prefix = f"{args.agreement}: " if problem.where.startswith("$") else ""
            err.write(f"{prefix}{problem}\n")
        if exc.omitted:
            err.write(f"... and {exc.omitted:,} more\n")
        err.write(f"slakit: error: {exc.count:,} problem(s) in the agreement\n")
        return EXIT_BAD_INPUT
    except (_UsageError, RunError, SlakitError) as exc:
        err.write(f"slakit: error: {exc}\n")
        return EXIT_BAD_INPUT
