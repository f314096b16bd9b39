"""The ``slakit`` command line: evaluate agreements over event files."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from slakit import _demo as demo_files
from slakit._cli_dispute import add_dispute_parser, dispute_command
from slakit._cli_review import add_review_parser, review_command
from slakit._cli_run import (
    INPUT_FILES,
    RunError,
    add_reading_options,
    add_run_parser,
    credit_run,
    merged_tables,
    read_input,
    reading_of,
    run,
    run_python_file,
    summary_text,
)
from slakit._dsl._agreement import Agreement
from slakit._engine._compare import VersionedReport, uncovered_of
from slakit._engine._compare import _evaluate as _evaluate_any
from slakit._results._portfolio import PortfolioResult
from slakit._results._report import Report
from slakit._results._uncovered import UncoveredGroup
from slakit.exceptions import AgreementDataError, SlakitError, StrictInputError

__all__ = ["main", "reference_markdown"]

EXIT_OK, EXIT_BREACH, EXIT_USAGE = 0, 1, 2
#: ``--strict`` found input that no measure counted.
EXIT_STRICT = 1
#: How many groups of uncounted input the warnings name before they sum up the rest.
WARNINGS_SHOWN = 20


class _UsageError(Exception):
    """A problem with the command's inputs: printed without a traceback, exit status 2."""


def _version() -> str:
    from importlib.metadata import version

    return version("slakit")


def _add_status_parser(sub: Any) -> None:
    st = sub.add_parser(
        "status",
        help="the period in progress as of --now: budgets left, credit bands, burn rates and "
        "alerts",
        description=(
            "Evaluate AGREEMENT over the inputs as known at --now (later rows dropped, outages "
            "ending at --now at the latest, maintenance announced by then counted ahead) and "
            "print, per objective and service: the allowance for the whole period in the "
            "contract's units, what is spent and left, the value so far and projected, each "
            "credit band with what it pays and how far away it is, burn rates over 1 h, 6 h, "
            "1 d and 3 d, and the multi-window burn-rate alerts that fire (Google's SRE "
            "workbook). --now is always given: slakit never reads the clock."
        ),
    )
    st.add_argument(
        "agreement",
        type=Path,
        help=_AGREEMENT_HELP + "; with --customers, the plans file of `slakit run`",
    )
    st.add_argument(
        "events",
        type=Path,
        nargs="?",
        help="outage, maintenance and deployment events: CSV, JSON Lines (one object per "
        "line), Parquet or Arrow, with a kind (or type) column",
    )
    _add_input_options(st)
    st.add_argument(
        "--now",
        required=True,
        help="the instant, ISO 8601 with an offset, for example 2026-11-17T12:00Z",
    )
    st.add_argument(
        "--period",
        help="the period (default: the one that holds --now; give it to read a period at its "
        "end, --now being its end)",
    )
    st.add_argument(
        "--rolling",
        metavar="DURATION",
        help="instead of the contract's period, a window ending at --now, as SLO tools count "
        "them: '30 days', '4w', 'P30D' (no bands and nothing accrued: the contract pays per "
        "period)",
    )
    st.add_argument(
        "--customers",
        type=Path,
        metavar="FILE",
        help="a portfolio's customers table (as for `slakit run`): print the customers ranked "
        "by money at risk before their next credit band",
    )
    st.add_argument(
        "--top",
        type=int,
        default=20,
        metavar="N",
        help="with --customers, how many customers to print (default 20; --json has all)",
    )
    st.add_argument("--json", action="store_true", help="print the status as JSON")


def _add_audit_parser(sub: Any) -> None:
    au = sub.add_parser(
        "audit",
        help="what each clause of AGREEMENT did to its credits over a history of inputs",
        description=(
            "Evaluate AGREEMENT over the inputs for every period from --from to --to, then "
            "again with each clause taken out on its own (each exclusion and its notice and "
            "allowance conditions, minimum outage durations, bucket rules, service windows, "
            "minimum request volumes, caps, floors, claim clauses, no-data handling, "
            "rounding), and print the credits each clause removed or added, in money and in "
            "the measure's units, the periods it decided, the rows it acted on, the "
            "interaction remainder (so the figures add up), and the terms that favour one "
            "side structurally."
        ),
    )
    add_agreement_inputs(au)
    au.add_argument("--from", dest="start", required=True, help="the first period, e.g. 2026-01")
    au.add_argument("--to", dest="end", required=True, help="the last period, e.g. 2026-12")
    add_output_options(au, "audit")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="slakit",
        description="Evaluate service-level agreements written with slakit over event files.",
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {_version()}", help="print the version"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="run the credit run on an embedded example portfolio and print the summary, the "
        "ledger and one customer's statement (writes no files)",
        description=(
            "Run the month-end credit run, as `slakit run` does, on an embedded example "
            "portfolio (customers on three plans, a month of outages and maintenance) and "
            "print the summary, the ledger and one customer's statement. No file is written "
            "unless --write is given."
        ),
    )
    demo.add_argument(
        "--json", action="store_true", help="print the summary and the ledger as JSON"
    )
    demo.add_argument(
        "--write",
        metavar="DIR",
        type=Path,
        help="instead, write the example's files into DIR (plans.py, customers.csv, "
        "outages.csv and maintenance.csv for `slakit run`; agreement.py and events.jsonl for "
        "`slakit evaluate`) and print the commands that run them",
    )

    ev = sub.add_parser("evaluate", help="evaluate AGREEMENT over EVENTS for one period")
    ev.add_argument("agreement", type=Path, help=_AGREEMENT_HELP)
    ev.add_argument(
        "events",
        type=Path,
        nargs="?",
        help="outage, maintenance and deployment events: CSV, JSON Lines (one object per "
        "line), Parquet or Arrow, with a kind (or type) column",
    )
    _add_input_options(ev)
    ev.add_argument("--period", required=True, help="the billing period, for example 2026-10")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.add_argument(
        "--fail-on-breach",
        action="store_true",
        help="exit with status 1 when any objective is not met",
    )
    _add_strict_option(ev)

    _add_status_parser(sub)
    _add_audit_parser(sub)

    rp = sub.add_parser(
        "report",
        help="write the credit statement of AGREEMENT over EVENTS for one period "
        "(HTML, Markdown, text or JSON)",
        description=(
            "Evaluate AGREEMENT over the inputs for one period and write the credit statement: "
            "the summary with breaches first, the credit breakdown, the exclusions applied and "
            "refused, the service hours, charts (HTML), the input reconciliation and every "
            "counted and excluded span. HTML is one self-contained file that prints to a clean "
            "PDF."
        ),
    )
    add_agreement_inputs(rp)
    rp.add_argument("--period", required=True, help="the billing period, for example 2026-10")
    add_output_options(rp, "statement")
    _add_strict_option(rp)

    vf = sub.add_parser(
        "verify",
        help="recompute a JSON statement's fingerprint and total from your copy of the inputs",
        description=(
            "Check a statement written by `slakit report --format json`: recompute the "
            "fingerprint (a SHA-256 over the agreement's terms, the period and every input row "
            "read) and the total credit from these inputs, and say whether they match; when "
            "the fingerprint differs, say which input does. Exit status 0 when both match, 1 "
            "when not."
        ),
    )
    vf.add_argument("statement", type=Path, help="the statement, as JSON")
    vf.add_argument(
        "events",
        type=Path,
        nargs="?",
        help="outage, maintenance and deployment events (CSV, JSON Lines, Parquet or Arrow)",
    )
    _add_input_options(vf)

    validate_help = (
        "check AGREEMENT and print every problem with its path (a .py AGREEMENT is "
        "executed to build it: validate untrusted agreements as JSON, YAML or TOML)"
    )
    va = sub.add_parser("validate", help=validate_help, description=validate_help)
    va.add_argument("agreement", type=Path, help=_AGREEMENT_HELP)

    re_ = sub.add_parser("render", help="print AGREEMENT as a schedule a person can read")
    re_.add_argument("agreement", type=Path, help=_AGREEMENT_HELP)
    re_.add_argument(
        "--format",
        choices=["md", "html", "json", "yaml", "toml"],
        default="md",
        help="md (default) or html for the schedule; json, yaml or toml for the data",
    )

    co = sub.add_parser(
        "compare", help="what-if: credits and breaches of several agreements, period by period"
    )
    co.add_argument("agreements", type=Path, nargs="+", metavar="AGREEMENT", help=_AGREEMENT_HELP)
    co.add_argument("--events", type=Path, help="outage, maintenance and deployment events")
    _add_input_options(co)
    co.add_argument("--from", dest="start", required=True, help="the first period, e.g. 2026-01")
    co.add_argument("--to", dest="end", required=True, help="the last period, e.g. 2026-12")
    co.add_argument("--json", action="store_true", help="print the comparison as JSON")
    _add_strict_option(co)
    add_run_parser(sub)
    add_review_parser(sub)
    add_dispute_parser(sub)
    return parser


def _add_strict_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--strict",
        action="store_true",
        help=(
            "exit with status 1, printing no report, when some input is not counted: rows for "
            "services the agreement does not cover, rows a measure rejected, or input no "
            "measure reads (without it these are warnings on stderr)"
        ),
    )


#: The formats of the documents ``report``, ``review`` and ``dispute`` write.
DOCUMENT_FORMATS = ("html", "md", "text", "json")
_DOCUMENT_EXTENSIONS = {
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".txt": "text",
    ".text": "text",
    ".json": "json",
}


def add_agreement_inputs(parser: argparse.ArgumentParser) -> None:
    """Add AGREEMENT, [EVENTS], the other input files' options and how to read each file.

    The format of an input file is ``--input-format`` here, since ``--format``
    names the document's (``report``, ``review``).
    """
    parser.add_argument("agreement", type=Path, help=_AGREEMENT_HELP)
    parser.add_argument(
        "events",
        type=Path,
        nargs="?",
        help="outage, maintenance and deployment events (CSV, JSON Lines, Parquet or Arrow)",
    )
    _add_input_options(parser, option="--input-format")


def add_output_options(parser: argparse.ArgumentParser, what: str) -> None:
    """Add ``--format html|md|text|json`` and ``-o FILE``, how the document ``what`` is written."""
    parser.add_argument(
        "--format",
        dest="output_format",
        choices=DOCUMENT_FORMATS,
        help="html, md (Markdown), text or json (default: from the extension of --output, "
        "else text)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help=f"write the {what} to FILE (default: standard output)",
    )


def document_format(args: argparse.Namespace) -> str:
    """Return the document's format: ``--format``, else ``--output``'s extension, else text."""
    if args.output_format is not None:
        return str(args.output_format)
    if args.output is None:
        return "text"
    found = _DOCUMENT_EXTENSIONS.get(args.output.suffix.lower())
    if found is None:
        raise _UsageError(
            f"--output {args.output}: cannot tell the format from the extension "
            f"{args.output.suffix or '(none)'!r}; give --format html, md, text or json, or name "
            "the file .html, .md, .txt or .json"
        )
    return found


def render_document(document: Any, fmt: str) -> str:
    """Return a statement, review or dispute in ``fmt`` (one of ``DOCUMENT_FORMATS``)."""
    if fmt == "json":
        return json.dumps(document.to_dict(), indent=2) + "\n"
    if fmt == "html":
        return str(document.to_html())
    if fmt == "md":
        return str(document.to_markdown())
    return str(document.to_text())


def write_document(args: argparse.Namespace, text: str, out: TextIO, what: str) -> None:
    """Write ``text`` to ``--output`` (saying so on ``out``), or to ``out``."""
    if args.output is None:
        out.write(text)
        return
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _UsageError(f"--output {args.output}: cannot write: {exc.strerror}") from None
    out.write(f"wrote the {what} to {args.output}\n")


def _warn(
    groups: Sequence[UncoveredGroup],
    err: TextIO,
    *,
    prefix: str = "",
    listed: str = "the report lists every one",
) -> None:
    """Print one warning per group of input that no measure counted, and a summary."""
    if not groups:
        return
    for group in groups[:WARNINGS_SHOWN]:
        err.write(f"slakit: warning: {prefix}{group.problem()}\n")
    if len(groups) > WARNINGS_SHOWN:
        err.write(
            f"slakit: warning: {prefix}... and {len(groups) - WARNINGS_SHOWN} more groups of "
            "input not counted\n"
        )
    rows = sum(g.count for g in groups)
    err.write(
        f"slakit: warning: {prefix}{rows} input row{'s' if rows != 1 else ''} not counted; "
        f"{listed} (--strict makes this an error)\n"
    )


_AGREEMENT_HELP = (
    "agreement data in a .json, .yaml, .yml or .toml file (read as data, never run), or a "
    "Python file defining a module-level `agreement`; a Python file is executed with your "
    "permissions, so give untrusted agreements as data"
)


def load_agreement(path: Path) -> Agreement:
    """Return the agreement in a data file (read as data) or a Python file (run)."""
    if not path.is_file():
        raise _UsageError(f"{path}: no such file")
    if path.suffix.lower() in (".json", ".yaml", ".yml", ".toml"):
        from slakit._data._formats import read_agreement

        agreement: object = read_agreement(path)
        assert isinstance(agreement, Agreement)
        return agreement
    namespace = run_python_file(path, "__slakit_agreement__", _UsageError)
    agreement = namespace.get("agreement")
    if not isinstance(agreement, Agreement):
        found = "nothing" if agreement is None else f"a {type(agreement).__name__}"
        raise _UsageError(
            f"{path}: defines {found} as `agreement`; define a module-level "
            "`agreement = slakit.Agreement(...)`"
        )
    return agreement


def _print_report(report: Report | VersionedReport, *, as_json: bool, out: TextIO) -> None:
    if as_json:
        json.dump(report.to_dict(), out, indent=2)
        out.write("\n")
    else:
        out.write(report.explain())
        out.write("\n")


#: The credit run's input files: ``slakit run``'s option for each, and the kind it is read as.
_DEMO_INPUTS = (
    ("outages", "outages.csv", "outages"),
    ("maintenance", "maintenance.csv", "maintenance"),
)
#: The ledger columns the demo shows, and whether each is aligned right.
_DEMO_LEDGER = (
    ("customer", False),
    ("plan", False),
    ("services", True),
    ("breaches", True),
    ("credit", True),
    ("currency", False),
)


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    """Run the credit run on the embedded portfolio; or, with ``--write``, write its files."""
    if args.write is not None:
        return _demo_write(args.write, out)
    with tempfile.TemporaryDirectory(prefix="slakit-demo-") as tmp:  # removed when done
        folder = Path(tmp)
        _write_files(folder, demo_files.CREDIT_RUN_FILES)
        result, summary = _demo_run(folder)
    if args.json:
        ledger = result.ledger
        rows = [dict(zip(ledger, row, strict=True)) for row in zip(*ledger.values(), strict=True)]
        json.dump({"summary": summary, "ledger": rows}, out, indent=2)
        out.write("\n")
        return EXIT_OK
    out.write(
        f"slakit demo: the month-end credit run (`slakit run`) of an example portfolio, "
        f"{len(result.customers)} customers on {len(set(result.ledger['plan']))} plans\n\n"
    )
    out.write(summary_text(summary, None))
    out.write("\nLedger (one row per customer; --json shows every column):\n\n")
    out.write(_aligned(result.ledger, _DEMO_LEDGER))
    customer = demo_files.STATEMENT_OF
    out.write(f"\nThe statement of {customer}:\n\n")
    out.write(result.report(customer).to_text())
    out.write(
        "\nNo file was written. `slakit demo --write DIR` writes this example's files and "
        "prints the\n`slakit run` command that writes the ledger, the objectives and credits "
        "tables, every\ncustomer's statement and summary.json.\n"
    )
    return EXIT_OK


def _write_files(folder: Path, files: Mapping[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _demo_run(folder: Path) -> tuple[PortfolioResult, dict[str, Any]]:
    """Evaluate the credit run's files in ``folder`` as ``slakit run`` does."""
    inputs = [(folder / name, kind) for _, name, kind in _DEMO_INPUTS]
    result, summary = credit_run(
        folder / "plans.py", folder / "customers.csv", inputs, period=demo_files.PERIOD
    )
    # the files by name: the temporary folder is gone when the demo prints
    summary["rows_read"] = {Path(path).name: n for path, n in summary["rows_read"].items()}
    return result, summary


def _aligned(columns: Mapping[str, Sequence[object]], shown: Sequence[tuple[str, bool]]) -> str:
    """Return some columns of a table as aligned text: a header row, then one line per row."""
    rows = [[name for name, _ in shown]]
    rows += [
        [str(cell) for cell in row]
        for row in zip(*(columns[name] for name, _ in shown), strict=True)
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(shown))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, (_, right) in zip(row, widths, shown, strict=True)
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def _demo_write(folder: Path, out: TextIO) -> int:
    """Write the example files into ``folder`` and print the commands that run them."""
    run_files = _write_files(folder, demo_files.CREDIT_RUN_FILES)
    one_files = _write_files(folder, demo_files.AGREEMENT_FILES)
    plans, customers = (shlex.quote(str(folder / n)) for n in ("plans.py", "customers.csv"))
    inputs = " ".join(
        f"--{option} {shlex.quote(str(folder / name))}" for option, name, _ in _DEMO_INPUTS
    )
    period = demo_files.PERIOD
    results = shlex.quote(str(folder / "credit-run"))
    agreement, events = (shlex.quote(str(path)) for path in one_files)
    out.write(
        f"wrote the credit run's files into {folder}: {', '.join(p.name for p in run_files)}; "
        "run it with\n"
        f"  slakit run {plans} --customers {customers} {inputs} --period {period} "
        f"--out {results}\n"
        f"wrote one agreement's files into {folder}: {', '.join(p.name for p in one_files)}; "
        "evaluate it with\n"
        f"  slakit evaluate {agreement} {events} --period {period}\n"
    )
    return EXIT_OK


#: The input files of the commands on one agreement besides EVENTS: those of ``slakit run``, as
#: it names them, then probe samples and corrections: (option and kind, help).
_MORE_INPUTS = tuple((option, text) for option, _, text in INPUT_FILES if option != "events")


def _add_input_options(parser: argparse.ArgumentParser, *, option: str = "--format") -> None:
    """Add the input files besides EVENTS (``--outages`` ... ``--corrections``), how to read them.

    They are the files ``slakit run`` reads, so the files of a credit run
    evaluate, report and verify one customer's statement as they are.
    """
    for name, text in _MORE_INPUTS:
        parser.add_argument(f"--{name}", type=Path, help=text)
    add_reading_options(parser, ["events", *(name for name, _ in _MORE_INPUTS)], option=option)


def _read_inputs(args: argparse.Namespace, customers: Path | None = None) -> list[object]:
    """Read every input file the command names, each checked.

    The events file, and the files of ``--outages`` ... ``--corrections``; the
    tables of one kind (outages and maintenance in separate files) are
    concatenated, so the evaluation and the fingerprint see one table of events.
    With ``customers`` (a portfolio's customers table), it is read first, with
    the same ``--format`` and ``--columns`` as the others, and is the first
    table returned.
    """
    readers = [(args.events, "events"), *((getattr(args, n), n) for n, _ in _MORE_INPUTS)]
    given = [kind for path, kind in readers if path is not None]
    if not given:
        options = ", ".join(f"--{name}" for name, _ in _MORE_INPUTS)
        raise _UsageError(f"no input: give an events file or one of {options}")
    positional = ("evaluate", "report", "review", "verify", "status", "audit")
    events = "the EVENTS argument" if args.command in positional else "--events"
    kinds = {"events": events, **{name: f"--{name}" for name, _ in _MORE_INPUTS}}
    if customers is not None:
        kinds["customers"] = "--customers"
        given.append("customers")
    option = "--input-format" if args.command in ("report", "review", "audit") else "--format"
    reading = reading_of(args.format, args.columns, kinds, given, option=option)
    first = [] if customers is None else [read_input(customers, "customers", reading)]
    return first + merged_tables(
        [read_input(path, kind, reading) for path, kind in readers if path is not None]
    )


#: The version of the ``verify`` block of a JSON statement.
STATEMENT_FORM = "slakit-statement/1"


def statement_data(
    report: Report | VersionedReport,
    tables: Sequence[object] = (),
    *,
    digests: Mapping[str, str] | None = None,
    scope: str = "all",
) -> dict[str, Any]:
    """Return the JSON statement: ``report.to_dict()`` and what `slakit verify` checks.

    The ``verify`` block holds the fingerprint, each input's digest, the
    period and the agreement's terms as data, so that the other party can
    recompute the fingerprint and the total from their own copy of the inputs.
    Its ``scope`` says which rows the fingerprint hashed: ``"all"`` the rows of
    every input, ``"services"`` only those of the services the terms name (a
    portfolio's statement of one customer). A report measured over a window
    that ends before its period does (a customer whose agreement ends within it)
    has the window's ``start`` and ``end`` too. ``digests`` are the inputs'
    digests where known already (a portfolio's); else they are those of
    ``tables``.
    """
    from slakit._data._codec import to_data
    from slakit._results._fingerprint import input_digests
    from slakit._time._instant import format_us

    check: dict[str, Any] = {
        "form": STATEMENT_FORM,
        "fingerprint": report.fingerprint,
        "scope": scope,
        "inputs": dict(digests) if digests is not None else input_digests(tables),
        "period": report.period.label,
        "terms": to_data(report.agreement),
    }
    if isinstance(report, Report) and report.end < report.period.end:
        length = report.period.end - report.period.start
        check["window"] = {
            "start": format_us(report.end - length),
            "end": format_us(report.end),
        }
    return {**report.to_dict(), "verify": check}


def statement_text(
    report: Report | VersionedReport, fmt: str, tables: Sequence[object] = ()
) -> str:
    """Return ``report``'s credit statement in ``fmt`` (one of ``DOCUMENT_FORMATS``)."""
    if fmt == "json":
        return json.dumps(statement_data(report, tables), indent=2) + "\n"
    return render_document(report, fmt)


def _report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    fmt = document_format(args)
    agreement = load_agreement(args.agreement)
    tables = _read_inputs(args)
    report = _evaluate_any(agreement, tables, period=args.period, strict=args.strict)
    text = statement_text(report, fmt, tables)
    write_document(args, text, out, f"{fmt} statement of {report.period.label}")
    _warn(uncovered_of(report), err)
    return EXIT_OK


def _total_of(data: dict[str, Any]) -> tuple[str, str] | None:
    """Return the ``(amount, currency)`` a JSON statement states, or ``None``."""
    total = data.get("total") or (data.get("compensation") or {}).get("total")
    if isinstance(total, dict) and {"amount", "currency"} <= total.keys():
        return str(total["amount"]), str(total["currency"])
    return None


def _verify_scope(
    path: Path, check: dict[str, Any], agreement: Agreement
) -> tuple[Any, tuple[str, ...] | None]:
    """Return what a ``verify`` block says was measured: the period or window, and the services.

    The services are ``None`` for a fingerprint of every row (scope ``"all"``),
    else the terms' services (``"services"``); the period is the label, or the
    window a customer's agreement ending within the period was measured over.
    """
    from slakit._time._instant import to_us
    from slakit._time._periods import Period

    scope = check.get("scope", "all")
    if scope not in ("all", "services"):
        raise _UsageError(f"{path}: verify.scope={scope!r} must be 'all' or 'services'")
    window = check.get("window")
    period: Period | str = check["period"]
    if window is not None:  # measured over a window that ends within the period
        tz = agreement.period.resolve(check["period"]).tz
        period = Period(to_us(window["start"]), to_us(window["end"]), check["period"], tz)
    return period, agreement.services if scope == "services" else None


def _verify(args: argparse.Namespace, out: TextIO) -> int:
    """Recompute a JSON statement's fingerprint and total from these inputs, and compare."""
    from slakit._data._codec import from_data
    from slakit._engine._plan import evaluate
    from slakit._results._fingerprint import fingerprint, input_digests

    path: Path = args.statement
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _UsageError(f"{path}: cannot read: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _UsageError(f"{path}: not a JSON statement ({exc})") from None
    check = data.get("verify") if isinstance(data, dict) else None
    if not isinstance(check, dict) or check.get("form") != STATEMENT_FORM:
        raise _UsageError(
            f"{path}: no `verify` block of form {STATEMENT_FORM!r}; write the statement with "
            "`slakit report ... --format json`"
        )
    if check.get("fingerprint") is None:
        raise _UsageError(f"{path}: the statement carries no fingerprint to check")
    agreement = from_data(check["terms"])
    if not isinstance(agreement, Agreement):
        raise _UsageError(f"{path}: verify.terms is not an agreement")
    period, services = _verify_scope(path, check, agreement)
    tables = _read_inputs(args)
    recomputed = fingerprint(agreement, period, tables, services=services)
    report = (
        _evaluate_any(agreement, tables, period=check["period"])
        if isinstance(period, str)
        else evaluate(agreement, *tables, period=period)
    )
    total = (str(report.total.amount), report.total.currency)
    stated = _total_of(data)
    same = recomputed == check["fingerprint"] and stated == total
    out.write(f"statement {path}: {agreement.title}, period {check['period']}\n")
    if recomputed == check["fingerprint"]:
        out.write(f"fingerprint: matches ({recomputed})\n")
    else:
        out.write(
            f"fingerprint: DIFFERS: the statement has {check['fingerprint']}, these inputs give "
            f"{recomputed}\n"
        )
        ours = input_digests(tables, services=services)
        theirs = check.get("inputs") or {}
        for kind in sorted(ours.keys() | theirs.keys()):
            if kind not in theirs:
                verdict = "not in the statement's inputs"
            elif kind not in ours:
                verdict = "in the statement's inputs, not given here"
            else:
                verdict = "matches" if ours[kind] == theirs[kind] else "DIFFERS"
            out.write(f"  {kind}: {verdict}\n")
    shown = " ".join(total)
    if stated == total:
        out.write(f"total: matches ({shown})\n")
    else:
        was = "none" if stated is None else " ".join(stated)
        out.write(f"total: DIFFERS: the statement says {was}, these inputs give {shown}\n")
    out.write("verified: the statement matches these inputs\n" if same else "not verified\n")
    return EXIT_OK if same else EXIT_BREACH


def _evaluate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    agreement = load_agreement(args.agreement)
    tables = _read_inputs(args)
    report = _evaluate_any(agreement, tables, period=args.period, strict=args.strict)
    _print_report(report, as_json=args.json, out=out)
    _warn(uncovered_of(report), err)
    if args.fail_on_breach and not report.compliant:
        return EXIT_BREACH
    return EXIT_OK


def _status(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from slakit._engine._live import status
    from slakit._time._instant import duration, to_us

    try:
        at = to_us(args.now, name="--now")
    except (TypeError, ValueError) as exc:
        raise _UsageError(str(exc)) from None
    if args.customers is not None:
        return _portfolio_status(args, at, out)
    agreement = load_agreement(args.agreement)
    tables = _read_inputs(args)
    rolling = None if args.rolling is None else duration(args.rolling)
    now = status(agreement, *tables, now=at, period=args.period, rolling=rolling)
    if args.json:
        out.write(json.dumps(now.to_dict(), indent=2) + "\n")
    else:
        out.write(now.explain() + "\n")
    _warn(uncovered_of(now.report), err)
    return EXIT_OK


def _audit(args: argparse.Namespace, out: TextIO) -> int:
    """`slakit audit AGREEMENT INPUTS --from --to`: each clause's effect over a history."""
    from slakit._engine._audit import audit

    fmt = document_format(args)
    agreement = load_agreement(args.agreement)
    tables = _read_inputs(args)
    result = audit(agreement, *tables, start=args.start, end=args.end)
    if fmt == "json":
        document = json.dumps(result.to_dict(), indent=2) + "\n"
    elif fmt == "html":
        document = result.to_html()
    elif fmt == "md":
        document = result.to_markdown()
    else:
        document = result.explain() + "\n"
    write_document(args, document, out, f"{fmt} clause audit of {agreement.title}")
    return EXIT_OK


def _portfolio_status(args: argparse.Namespace, at: int, out: TextIO) -> int:
    """`slakit status PLANS --customers FILE ...`: the customers ranked by money at risk."""
    from slakit._cli_run import _plans
    from slakit._engine._portfolio import Portfolio

    if args.rolling is not None:
        raise _UsageError("--rolling reads one agreement; leave it out with --customers")
    if args.top < 1:
        raise _UsageError(f"--top {args.top}: give at least 1")
    plans, provider = _plans(args.agreement)
    customers, *tables = _read_inputs(args, customers=args.customers)
    portfolio = Portfolio(plans=plans, customers=customers, provider=provider)
    now = portfolio.status(*tables, now=at, period=args.period)
    if args.json:
        out.write(json.dumps(now.to_dict(), indent=2) + "\n")
    else:
        out.write(now.explain(top=args.top) + "\n")
    return EXIT_OK


def _validate(args: argparse.Namespace, out: TextIO) -> int:
    agreement = load_agreement(args.agreement)
    from slakit._data._codec import to_data
    from slakit._engine._plan import compile_agreement

    compile_agreement(agreement)  # every version: measures, rules, currencies, claim clauses
    to_data(agreement)  # it can be written as data, too
    versions = len(agreement.versions())
    out.write(
        f"{args.agreement}: ok: {agreement.title}, tier {agreement.tier.name!r}, "
        f"{len(agreement.services)} service(s), {versions} version(s)\n"
    )
    return EXIT_OK


def _render(args: argparse.Namespace, out: TextIO) -> int:
    agreement = load_agreement(args.agreement)
    if args.format in ("md", "html"):
        from slakit._results._schedule import render_schedule

        out.write(render_schedule(agreement, args.format))
    else:
        from slakit._data._formats import dumps

        out.write(dumps(agreement, args.format))
    return EXIT_OK


def _compare(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from slakit._engine._compare import compare

    named: dict[str, Agreement] = {}
    for path in args.agreements:
        name = path.stem if path.stem not in named else str(path)
        named[name] = load_agreement(path)
    result = compare(named, *_read_inputs(args), start=args.start, end=args.end, strict=args.strict)
    if args.json:
        json.dump(result.to_dict(), out, indent=2)
        out.write("\n")
    else:
        out.write(result.to_markdown() + "\n")
    for name, groups in result.uncovered:
        _warn(groups, err, prefix=f"{name}: ")
    return EXIT_OK


def reference_markdown() -> str:
    """Return the command line's reference in Markdown, generated from the argument parser.

    The docs' CLI reference page is this text (``hooks/cli_reference.py`` puts it
    there at build time), so it cannot drift from the parser.
    """
    parser = _parser()
    lines = [parser.description or "", "", "`slakit --version` prints the installed version.", ""]
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {a.dest: a.help for a in subparsers._choices_actions}
    for name, command in subparsers.choices.items():
        summary = helps.get(name) or ""
        lines += [f"## `slakit {name}`", "", f"{summary[:1].upper()}{summary[1:]}.", ""]
        usage = " ".join(command.format_usage().split())
        lines += ["```text", usage.removeprefix("usage: "), "```", ""]
        lines += ["| argument | meaning |", "| --- | --- |"]
        for action in command._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            names = ", ".join(f"`{o}`" for o in action.option_strings) or f"`{action.dest}`"
            if action.metavar and action.option_strings:
                names += f" `{action.metavar}`"
            text = (action.help or "").replace("|", "\\|")
            if action.required and action.option_strings:
                text += " (required)"
            elif action.nargs == "?":
                text += " (optional)"
            lines.append(f"| {names} | {text} |")
        lines.append("")
    lines += [
        "## Exit status",
        "",
        "| status | meaning |",
        "| --- | --- |",
        (
            f"| {EXIT_OK} | done (a report, a validation or a rendering was printed; `verify`: "
            "the statement matches; `dispute`: both sides' data imply the same credits) |"
        ),
        (
            f"| {EXIT_BREACH} | `--fail-on-breach` and an objective was not met; or `--strict` and "
            "some input was not counted; or `verify` and the statement does not match; or "
            "`dispute` and some service's credit differs between the two sides |"
        ),
        (
            f"| {EXIT_USAGE} | bad arguments, files or agreement data (the message names the file, "
            "line and field) |"
        ),
        "",
    ]
    return "\n".join(lines)


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line with ``argv`` and return the exit status."""
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    args = _parser().parse_args(argv)
    try:
        return _command(args, out, err)
    except BrokenPipeError:  # the reader went away (`slakit demo | head`): stop quietly
        if out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no flush error
        return EXIT_BREACH


def _command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the parsed command; bad input is a message and exit status 2, never a traceback."""
    try:
        if args.command == "demo":
            return _demo(args, out)
        if args.command == "validate":
            return _validate(args, out)
        if args.command == "render":
            return _render(args, out)
        if args.command == "compare":
            return _compare(args, out, err)
        if args.command == "run":
            return run(args, out, err)
        if args.command == "report":
            return _report(args, out, err)
        if args.command == "status":
            return _status(args, out, err)
        if args.command == "audit":
            return _audit(args, out)
        if args.command == "verify":
            return _verify(args, out)
        if args.command == "review":
            return review_command(args, out, err)
        if args.command == "dispute":
            return dispute_command(args, out, err)
        return _evaluate(args, out, err)
    except StrictInputError as exc:
        for problem in exc.problems[:WARNINGS_SHOWN]:
            err.write(f"slakit: error: {problem}\n")
        if len(exc.problems) > WARNINGS_SHOWN:
            err.write(f"slakit: error: ... and {len(exc.problems) - WARNINGS_SHOWN} more groups\n")
        rows = sum(getattr(g, "count", 0) for g in exc.groups)
        groups = len(exc.problems)
        err.write(
            f"slakit: error: --strict: {rows} input row{'s' if rows != 1 else ''} not counted "
            f"({groups} group{'s' if groups != 1 else ''}); run without --strict for the report "
            "that lists every row\n"
        )
        return EXIT_STRICT
    except AgreementDataError as exc:
        path = getattr(args, "agreement", None) or "agreement"
        for problem in exc.problems:  # a path in the document, or a file and line
            prefix = f"{path}: " if problem.where.startswith("$") else ""
            err.write(f"{prefix}{problem}\n")
        if exc.omitted:
            err.write(f"... and {exc.omitted:,} more\n")
        err.write(f"slakit: error: {exc.count:,} problem(s) in the agreement\n")
        return EXIT_USAGE
    except (_UsageError, RunError, SlakitError) as exc:
        err.write(f"slakit: error: {exc}\n")
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
