"""The ``slakit review`` command: an agreement's trends over a range of periods.

``slakit review AGREEMENT [EVENTS] [--requests F] [--tickets F] --from P --to P
[--format html|md|text|json] [-o FILE]`` evaluates every period from ``--from``
to ``--to`` (both included) with [`review()`][slakit.review] and writes the
review: HTML with charts, Markdown, text or JSON.

`slakit._cli` builds its parser with `add_review_parser()` and runs the command
with `review_command()`; this module imports `slakit._cli`'s helpers inside its
functions, when `_cli` is loaded, so either module may import the other first.
Bad input raises, and `slakit._cli.main` reports it as for every command.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from slakit._dsl._agreement import Agreement
    from slakit._results._review import Review
    from slakit._results._uncovered import UncoveredGroup

__all__ = ["add_review_parser", "review_command"]


def add_review_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``review`` command to the subcommands ``sub`` of ``slakit``'s parser."""
    from slakit._cli import _add_strict_option, add_agreement_inputs, add_output_options

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
    add_agreement_inputs(rv)
    rv.add_argument(
        "--from", dest="start", required=True, help="the first period, for example 2026-01"
    )
    rv.add_argument(
        "--to", dest="end", required=True, help="the last period (included), for example 2026-12"
    )
    add_output_options(rv, "review")
    _add_strict_option(rv)


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


def _uncovered(result: Review) -> list[UncoveredGroup]:
    """Return the input some period did not count, each group once (as ``compare`` does)."""
    from slakit._engine._uncovered import common_groups

    found: dict[tuple[str, str, str, str], UncoveredGroup] = {}
    for period in result.periods:
        groups = common_groups(part.report.reconciliation.uncovered for part in period.parts)
        for group in groups:
            found.setdefault(group.key, group)
    return list(found.values())


def review_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``slakit review`` with parsed ``args``; return the exit status.

    Bad input (files, agreement data, period labels, ``--from`` after ``--to``)
    raises, and `slakit._cli` reports it as for every command (status 2).
    """
    from slakit._cli import (
        EXIT_OK,
        _read_inputs,
        _warn,
        document_format,
        load_agreement,
        render_document,
        write_document,
    )
    from slakit._engine._review import review

    fmt = document_format(args)
    agreement = load_agreement(args.agreement)
    _range(agreement, args.start, args.end)
    tables = _read_inputs(args)
    result = review(agreement, *tables, start=args.start, end=args.end, strict=args.strict)
    labels = result.labels
    span = labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"
    write_document(args, render_document(result, fmt), out, f"{fmt} review of {span}")
    listed = "each period's statement (slakit report) lists every one"
    _warn(_uncovered(result), err, listed=listed)
    return EXIT_OK
