"""``slakit dispute``: one agreement over two evidence sources, and where they disagree.

Reads the agreement, ours' and theirs' event files (``--ours``, ``--theirs``),
request logs (``--ours-requests``, ``--theirs-requests``), tickets
(``--ours-tickets``, ``--theirs-tickets``), probe samples (``--ours-probes``,
``--theirs-probes``) and corrections (``--ours-corrections``,
``--theirs-corrections``), and the files both sides accept (``--maintenance``,
``--requests``, ``--tickets``, ``--probes``, ``--corrections``, given to both), evaluates the
agreement over each side for one period (version by version when an amendment
splits it) and writes the dispute (see [`dispute()`][slakit.dispute]) as HTML
with charts, Markdown, text or JSON.

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

#: The inputs each side may give besides its events, and both may share:
#: ``slakit.io.read_table`` kind (and option suffix), what it is, and how ours' is compared.
_MORE_INPUTS = (
    ("requests", "request log", "compared with theirs' requests by request measure"),
    ("tickets", "support tickets", "compared with theirs' tickets by tickets measure"),
    (
        "probes",
        "probe samples",
        "the probe measures' values and credits compared with theirs' (not sample by sample)",
    ),
    (
        "corrections",
        "corrections",
        "the time their categories exclude compared with theirs' by measure of time",
    ),
)


def add_dispute_parser(sub: Any) -> None:
    """Add ``slakit dispute`` to the command line's subcommands (``sub``)."""
    from slakit._cli import _AGREEMENT_HELP, add_output_options
    from slakit._cli_run import add_reading_options

    dispute = sub.add_parser(
        "dispute",
        help="compare the credits AGREEMENT gives over two evidence sources (ours and theirs) "
        "and list every span, bucket and ticket where they disagree, with what it is worth "
        "(HTML, Markdown, text or JSON)",
        description=(
            "Evaluate AGREEMENT for one period over ours' inputs and over theirs' (say, the "
            "provider's monitoring and the customer's) and write the dispute: the credit each "
            "side's data implies and the total at stake; per service the down time counted by "
            "ours only, theirs only and both and the time one side excluded, each side's "
            "requests by what each request measure made of them, and each side's tickets by "
            "fate; and every disputed span, bucket and ticket, in the agreement's zone and UTC, "
            "with its worth (the change in ours' credit when ours' evidence of it is replaced "
            "by theirs'). A period an amendment splits is compared version by version, each "
            "version over its part. Exit status 0 when both sides imply the same credit for "
            "every service, 1 when some credit differs, 2 on bad input."
        ),
    )
    dispute.add_argument("agreement", type=Path, help=_AGREEMENT_HELP)
    dispute.add_argument(
        "--ours",
        type=Path,
        metavar="FILE",
        help="ours' events (outages, and maintenance or deployments that only ours accepts): "
        "CSV, JSON Lines, Parquet or Arrow; the worths are computed from this side (each side "
        "needs its events, its requests or its tickets)",
    )
    dispute.add_argument("--theirs", type=Path, metavar="FILE", help="theirs' events, as --ours")
    for kind, text, compared in _MORE_INPUTS:
        dispute.add_argument(
            f"--ours-{kind}", type=Path, metavar="FILE", help=f"ours' {text}, {compared}"
        )
        dispute.add_argument(f"--theirs-{kind}", type=Path, metavar="FILE", help=f"theirs' {text}")
        dispute.add_argument(
            f"--{kind}",
            type=Path,
            metavar="FILE",
            help=f"{text} both sides accept, given to both (instead of --ours-{kind} and "
            f"--theirs-{kind})",
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
    add_reading_options(
        dispute,
        ["events", "outages", "maintenance", *(kind for kind, _, _ in _MORE_INPUTS)],
        option="--input-format",
    )
    dispute.add_argument("--period", required=True, help="the billing period, for example 2026-10")
    add_output_options(dispute, "dispute")
    dispute.add_argument(
        "--no-worth",
        action="store_true",
        help="do not price each disputed span (each costs one more evaluation of its service)",
    )


def _read(args: argparse.Namespace) -> tuple[list[Any], list[Any], list[Any]]:
    """Read ours', theirs' and the shared files, each checked; problems name the file.

    Raises:
        RunError: a side without any file, a file missing or unreadable.
    """
    from slakit._cli_run import RunError, read_input, reading_of

    files: dict[str, list[tuple[Path, str]]] = {"ours": [], "theirs": [], "shared": []}
    for side in ("ours", "theirs"):
        if getattr(args, side) is not None:
            files[side].append((getattr(args, side), args.kind))
        for kind, _, _ in _MORE_INPUTS:
            path = getattr(args, f"{side}_{kind}")
            if path is not None:
                files[side].append((path, kind))
        if not files[side]:
            others = [f"--{side}-{kind}" for kind, _, _ in _MORE_INPUTS]
            raise RunError(
                f"{side} has no input: give --{side} (events), {', '.join(others[:-1])} or "
                f"{others[-1]}"
            )
    if args.maintenance is not None:
        files["shared"].append((args.maintenance, "maintenance"))
    for kind, _, _ in _MORE_INPUTS:
        if getattr(args, kind) is not None:
            files["shared"].append((getattr(args, kind), kind))
    kinds = {args.kind: "--ours and --theirs", "maintenance": "--maintenance"}
    for kind, _, _ in _MORE_INPUTS:
        kinds[kind] = f"--ours-{kind}, --theirs-{kind} and --{kind}"
    given = {kind for paths in files.values() for _, kind in paths}
    reading = reading_of(args.format, args.columns, kinds, given, option="--input-format")
    read: dict[str, list[Any]] = {}
    for side, paths in files.items():
        try:
            read[side] = [read_input(path, kind, reading) for path, kind in paths]
        except RunError as exc:
            if args.kind == "events" and "kind: missing" in str(exc):
                raise RunError(
                    f"{exc}\n  or, when every row is an outage, give --kind outages"
                ) from None
            raise
    return read["ours"], read["theirs"], read["shared"]


def _source(args: argparse.Namespace, side: str) -> str:
    """Return the files of one side, for the reader: ``'provider.csv, provider-requests.jsonl'``."""
    paths = [
        getattr(args, side),
        *(getattr(args, f"{side}_{kind}") for kind, _, _ in _MORE_INPUTS),
    ]
    return ", ".join(str(path) for path in paths if path is not None)


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
        ours_source=_source(args, "ours"),
        theirs_source=_source(args, "theirs"),
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
