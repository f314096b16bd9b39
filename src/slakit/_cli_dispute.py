"""``slakit dispute``: one agreement over two evidence sources, and where they disagree.

Reads the agreement, ours' and theirs' event files (and, with
``--maintenance``, notices both sides accept), evaluates the agreement over
each side for one period and writes the dispute (see
[`dispute()`][slakit.dispute]) as HTML with charts, Markdown, text or JSON.

Exit status: 0 when both sides' data imply the same credit for every service
(spans may still be disputed: they are listed), 1 when some credit differs;
bad input raises, and ``slakit._cli`` reports it (status 2, the message names
the file and the fix).

``slakit._cli`` adds the parser (``add_dispute_parser``) and runs the command
(``dispute_command``); this module imports ``_cli``'s helpers inside its
functions, as ``_cli`` imports this module.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

__all__ = ["EXIT_AGREE", "EXIT_DISAGREE", "add_dispute_parser", "dispute_command"]

#: Both sides' data imply the same credit for every service.
EXIT_AGREE = 0
#: Some service's credit differs between the two sides.
EXIT_DISAGREE = 1

#: What the rows of ``--ours`` and ``--theirs`` are, as ``slakit.io.read_table`` kinds.
_SIDE_KINDS = ("events", "outages")


def add_dispute_parser(sub: Any) -> None:
    """Add ``slakit dispute`` to the command line's subcommands (``sub``)."""
    from slakit._cli import _AGREEMENT_HELP, add_output_options
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
    add_output_options(dispute, "dispute")
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


def dispute_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``slakit dispute``; return 0 (credits agree) or 1 (they differ).

    Bad input (a missing or unreadable file, invalid rows, agreement data with
    problems, an unknown period) raises, and `slakit._cli` reports it as for
    every command, with status 2.
    """
    from slakit._cli import document_format, load_agreement, render_document, write_document
    from slakit._engine._dispute import dispute

    fmt = document_format(args)
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
    what = f"{fmt} dispute of {result.period.label}"
    write_document(args, render_document(result, fmt), out, what)
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
