"""``slakit run``: the month-end credit run of a portfolio, from files to a ledger and statements.

Reads the plans (a Python file defining ``plans``, or a data file), the
customers table and the shared input tables (CSV, JSON Lines, Parquet or Arrow,
by extension or ``--format``; columns renamed with ``--columns``), evaluates the
portfolio for one period, and
writes into ``--out``: the ledger, objectives and credits tables (CSV, and
Parquet when pyarrow is installed), one statement per customer (text and JSON,
named by the customer's statement id), and ``summary.json``. The terminal gets
one screen of summary; everything else goes to the files.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import importlib
import json
import runpy
import traceback
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, TextIO

import attrs

from slakit._dsl._agreement import Agreement, Tier
from slakit._engine._portfolio import Portfolio
from slakit._io._schemas import KINDS
from slakit._io._sources import FORMATS
from slakit._results._portfolio import PortfolioResult
from slakit.exceptions import AgreementDataError, EventDataError, SlakitError

__all__ = [
    "INPUT_FILES",
    "Reading",
    "add_reading_options",
    "add_run_parser",
    "read_input",
    "reading_of",
    "run",
]

#: The input files of ``slakit run``, and but for events the options of the commands on one
#: agreement: option, kind of ``slakit.io.read_table``, help.
INPUT_FILES = (
    ("events", "events", "outages, maintenance and deployments (a kind or type column)"),
    ("outages", "outages", "outages (every row one)"),
    ("maintenance", "maintenance", "maintenance notices (every row one)"),
    ("deployments", "deployments", "deployments: when each service existed"),
    ("requests", "requests", "a request log"),
    ("tickets", "tickets", "support tickets"),
    ("claims", "claims", "customers' claims for credits"),
    ("charges", "charges", "billing data: charges and unit prices"),
    (
        "probes",
        "probes",
        (
            "probe samples: service, time, metric and value (a network probe's round-trip "
            "time, jitter or loss), for the probe measures"
        ),
    ),
    (
        "corrections",
        "corrections",
        (
            "corrections: services (a name, *, tag:NAME, or names separated by ;), start, end, "
            "category, and optionally reason, by and recorded; a measure's corrections() "
            "clause says which categories it excludes"
        ),
    ),
)


class RunError(Exception):
    """A problem with ``slakit run``'s inputs: printed without a traceback, exit status 2."""


# --- how each input file is read: --format and --columns -----------------------------------------

#: The form of one ``--columns`` value, for messages and help.
_COLUMNS_FORM: Final = "KIND:NAME=COLUMN[,NAME=COLUMN...]"


def add_reading_options(
    parser: argparse.ArgumentParser, kinds: Sequence[str], *, option: str = "--format"
) -> None:
    """Add ``--format`` and ``--columns``, how each input file of ``kinds`` is read.

    ``slakit run``, ``evaluate``, ``compare`` and ``report`` share them;
    ``reading_of()`` checks what was given. ``option`` names the format option
    (``slakit report`` calls it ``--input-format``: its ``--format`` is the
    statement's); its value is ``args.format`` either way.
    """
    named = ", ".join(kinds)
    parser.add_argument(
        option,
        dest="format",
        action="append",
        metavar="FORMAT",
        help=f"the format of the input files, one of {', '.join(FORMATS)}: FORMAT for every "
        f"file, or KIND=FORMAT for one input ({named}); repeatable, as in {option} "
        f"outages=jsonl {option} customers=csv (default: from each file's extension: .csv, "
        ".jsonl or .ndjson, .parquet or .pq, .arrow, .feather or .ipc)",
    )
    parser.add_argument(
        "--columns",
        action="append",
        metavar="KIND:NAME=COLUMN,...",
        help=f"read the file of KIND ({named}) with its column COLUMN as slakit's column NAME, "
        "for an export with names of its own; repeatable, as in --columns "
        "outages:start=started_at,end=resolved_at",
    )


@attrs.frozen(kw_only=True)
class Reading:
    """How each input file is read: its format and its columns' renames.

    Attributes:
        format: every file's format (a bare ``--format``), or ``None``: from each
            file's extension.
        formats: a format for one kind of input (``--format KIND=FORMAT``).
        columns: renames for one kind, ``{name slakit reads: name in the file}``
            (``--columns KIND:NAME=COLUMN,...``), as ``slakit.io.read_table`` takes them.
    """

    format: str | None = None
    formats: Mapping[str, str] = attrs.field(factory=dict)
    columns: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)

    def format_of(self, kind: str) -> str | None:
        """Return the format to read the file of ``kind`` as (``None``: by its extension)."""
        return self.formats.get(kind, self.format)

    def columns_of(self, kind: str) -> Mapping[str, str] | None:
        """Return the renames of the file of ``kind``, or ``None``."""
        return self.columns.get(kind)


def reading_of(
    formats: Sequence[str] | None,
    columns: Sequence[str] | None,
    kinds: Mapping[str, str],
    given: Collection[str],
    *,
    option: str = "--format",
) -> Reading:
    """Return how to read each input, from the values of ``--format`` and ``--columns``.

    ``kinds`` maps each kind of input the command reads to how the command names
    its file (``"--outages"``); ``given`` lists the kinds whose file was given.

    Raises:
        RunError: every problem at once: a value not of the form, a kind the
            command does not read or whose file is not given, an unknown format,
            a column name the kind does not read, a kind or a name given twice.
    """
    problems: list[str] = []
    every: str | None = None
    by_kind: dict[str, str] = {}
    for value in formats or ():
        kind, has_kind, fmt = value.rpartition("=")
        where = f"{option} {value!r}"
        if fmt not in FORMATS:
            problems.append(
                f"{where}: {fmt!r} is not a format; give one of {', '.join(FORMATS)}, for "
                f"every file, or KIND=FORMAT for one input, as in {option} outages=jsonl"
            )
        elif not has_kind:
            if every is not None:
                problems.append(
                    f"{where}: the format of every file is already {every!r}; give "
                    "KIND=FORMAT for one input"
                )
            every = fmt
        elif (problem := _kind_problem(kind, kinds, given, where)) is not None:
            problems.append(problem)
        elif kind in by_kind:
            problems.append(f"{where}: the format of {kind} is already {by_kind[kind]!r}")
        else:
            by_kind[kind] = fmt
    renames: dict[str, dict[str, str]] = {}
    for value in columns or ():
        problems.extend(_columns_problems(value, kinds, given, renames))
    if problems:
        head = "" if len(problems) == 1 else f"{len(problems)} problems with the options:\n  "
        raise RunError(head + "\n  ".join(problems))
    return Reading(format=every, formats=by_kind, columns=renames)


def _did_you_mean(word: str, names: Sequence[str]) -> str:
    """Return `` (did you mean 'x' or 'y'?)`` for the names near ``word``, or ``""``."""
    near = difflib.get_close_matches(word, names, n=2)
    return f" (did you mean {' or '.join(map(repr, near))}?)" if near else ""


def _kind_problem(
    kind: str, kinds: Mapping[str, str], given: Collection[str], where: str
) -> str | None:
    """Return why ``kind`` cannot be named in an option, or ``None``."""
    if kind not in kinds:
        hint = _did_you_mean(kind, list(kinds))
        return f"{where}: {kind!r} is not an input of this command{hint}; give one of " + (
            ", ".join(kinds)
        )
    if kind not in given:
        return f"{where}: no file of {kind} is given; give it with {kinds[kind]}"
    return None


def _columns_problems(
    value: str, kinds: Mapping[str, str], given: Collection[str], renames: dict[str, dict[str, str]]
) -> list[str]:
    """Check one ``--columns`` value and add its renames to ``renames``; return its problems."""
    where = f"--columns {value!r}"
    kind, colon, pairs = value.partition(":")
    if not colon or not kind or not pairs:
        example = "outages:start=started_at,end=resolved_at"
        return [f"{where}: expected {_COLUMNS_FORM}, as in --columns {example}"]
    problem = _kind_problem(kind, kinds, given, where)
    if problem is not None:
        return [problem]
    schema = KINDS[kind]
    accepted = (*schema.accepted, *schema.notes, *(("type",) if kind == "events" else ()))
    mapped = renames.setdefault(kind, {})
    problems = []
    for pair in pairs.split(","):
        name, equals, column = (part.strip() for part in pair.partition("="))
        if not equals or not name or not column:
            problems.append(
                f"{where}: {pair!r} is not NAME=COLUMN (NAME as slakit reads it, COLUMN as the "
                "file names it), as in start=started_at"
            )
        elif name not in accepted:
            hint = _did_you_mean(name, accepted)
            problems.append(
                f"{where}: {name!r} is not a column of {kind}{hint}; they are "
                f"{', '.join(schema.required)}, and optionally "
                f"{', '.join((*schema.optional, *schema.notes))}"
            )
        elif name in mapped:
            problems.append(
                f"{where}: {kind}:{name} is already read from the column {mapped[name]!r}; "
                "map each name once"
            )
        else:
            mapped[name] = column
    return problems


def add_run_parser(sub: Any) -> None:
    """Add ``slakit run`` to the command line's subcommands."""
    run_ = sub.add_parser(
        "run",
        help="the credit run: evaluate a portfolio of customers and write the ledger",
        description=(
            "Evaluate every customer's agreement for one period and write the ledger, the "
            "objectives and credits tables, one statement per customer and summary.json "
            "into --out."
        ),
    )
    run_.add_argument(
        "plans",
        type=Path,
        metavar="PLANS",
        help=(
            "a Python file defining `plans` (a dict of plan names to Tiers or Agreement "
            "templates, and optionally `provider`), run with your permissions; or plans as "
            'data, read and never run: a .json, .yaml or .toml file of {"provider": ..., '
            '"plans": {name: plan}}, each plan a tier as slakit.to_data() writes it ("type": '
            '"tier") or an agreement template'
        ),
    )
    run_.add_argument(
        "--customers",
        type=Path,
        required=True,
        help="the customers table, with the columns customer, plan, service, and optionally "
        "fee, currency, zone, start, end (map a billing export's names with --columns, as in "
        "--columns customers:customer=account_id,service=sku)",
    )
    for option, _, text in INPUT_FILES:
        run_.add_argument(f"--{option}", type=Path, help=text)
    run_.add_argument("--period", required=True, help="the billing period, for example 2026-10")
    run_.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="where to write; the files of an earlier run in DIR (the tables, the statements, "
        "summary.json) are removed first",
    )
    add_reading_options(run_, ["customers", *(kind for _, kind, _ in INPUT_FILES)])
    run_.add_argument(
        "--tables",
        choices=["all", "csv", "parquet"],
        default="all",
        help="the files of the ledger, objectives and credits tables: CSV and Parquet (all, "
        "the default; Parquet needs the arrow extra and is left out without it), or one",
    )
    run_.add_argument(
        "--statements",
        type=_statement_formats,
        default=("text", "json"),
        metavar="FORMATS",
        help="which statement files to write per customer, named by its statement id: a comma "
        "list of text, json, md and html (one self-contained page with charts), all for every "
        "one, or none (default: text,json)",
    )
    run_.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786; the "
        "extra slakit[dask]): every input file is routed where a worker reads it and the "
        "customers are evaluated in chunks on the workers, with the same files written; an "
        "input may then be a directory or a glob of files (one partition each). Events, "
        "outages, maintenance, deployments, requests and probes only",
    )
    run_.add_argument(
        "--chunks",
        type=int,
        metavar="N",
        help="with --dask: how many chunks of customers (default: four per worker)",
    )
    run_.add_argument(
        "--quiet", action="store_true", help="no progress display and no summary on the terminal"
    )
    run_.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 1, after writing the files, when some input row is not counted: "
        "rows for services no customer has (or only customers not evaluated in the period), "
        "rows a measure rejected, or input no measure reads "
        "(rows a rule ignores, such as outages under a minimum duration, are counted as ignored "
        "and are not an error)",
    )


# --- loading -------------------------------------------------------------------------------------


def _plans(path: Path) -> tuple[dict[str, Tier | Agreement], str]:
    if not path.is_file():
        raise RunError(f"{path}: no such file")
    if path.suffix.lower() in (".json", ".yaml", ".yml", ".toml"):
        from slakit._data._codec import from_data
        from slakit._data._formats import _parse, format_of

        data = _parse(path.read_text(encoding="utf-8"), format_of(path), str(path))
        if not isinstance(data, Mapping) or not isinstance(data.get("plans"), Mapping):
            raise RunError(f'{path}: expected {{"provider": ..., "plans": {{name: data}}}}')
        plans = {}
        for name, node in data["plans"].items():
            kind = Tier if isinstance(node, Mapping) and node.get("type") == "tier" else Agreement
            try:
                plans[str(name)] = from_data(node, kind)
            except AgreementDataError as exc:
                where = "; ".join(str(p) for p in exc.problems[:5])
                raise RunError(f"{path}: plans.{name}: {where}") from None
        provider = str(data.get("provider", "provider"))
    else:
        namespace = run_python_file(path, "__slakit_plans__", RunError)
        plans = namespace.get("plans")  # type: ignore[assignment]
        provider = str(namespace.get("provider", "provider"))
        if not isinstance(plans, Mapping):
            raise RunError(
                f"{path}: define a module-level `plans = {{'gold': slakit.Tier(...), ...}}`"
            )
    for name, plan in plans.items():
        if not isinstance(plan, Tier | Agreement):
            raise RunError(f"{path}: plan {name!r} is a {type(plan).__name__}, not a Tier")
    return dict(plans), provider


def run_python_file(path: Path, run_name: str, error: type[Exception]) -> dict[str, Any]:
    """Run a Python file (plans, an agreement) and return its names; its errors become ``error``.

    slakit's own errors keep their message; any other is shown with the last lines of its
    traceback, never as a crash of the command.
    """
    try:
        return runpy.run_path(str(path), run_name=run_name)
    except SlakitError as exc:
        raise error(f"{path}: {exc}") from None
    except Exception:
        detail = traceback.format_exc(limit=-3)
        raise error(f"{path}: the file raised an error:\n{detail}") from None


def read_input(path: Path, kind: str, reading: Reading) -> Any:
    """Read the file of one kind of input as ``reading`` says; its problems name the fix.

    Raises:
        RunError: no such file, a format that cannot be told from the extension,
            or columns that are not the kind's (the reader's problems, then how
            ``--columns`` renames them).
        EventDataError: invalid rows, each named ``file:line: field: problem``.
    """
    import slakit.io

    if not path.is_file():
        raise RunError(f"{path}: no such file")
    columns = reading.columns_of(kind)
    try:
        return slakit.io.read_table(path, kind, format=reading.format_of(kind), columns=columns)
    except EventDataError as error:
        if type(error) is not EventDataError or not any(
            p.where.endswith("columns") for p in error.problems
        ):
            raise
        if columns:
            given = ",".join(f"{name}={column}" for name, column in columns.items())
            fix = (
                f"fix --columns {kind}:{given}: each NAME must be a column slakit reads, each "
                f"COLUMN a column of {path}"
            )
        else:
            fix = (
                f"rename the file's columns with --columns {kind}:NAME=COLUMN[,NAME=COLUMN...] "
                "(NAME as slakit reads it, COLUMN as the file names it)"
            )
        raise RunError(f"{error}\n  {fix}") from None
    except ValueError as error:  # a format that cannot be told from the extension
        raise RunError(f"{path}: {error}") from None


# --- progress ------------------------------------------------------------------------------------


class Progress:
    """Steps shown on stderr with rich, on a terminal only; silent otherwise."""

    def __init__(self, err: TextIO | None, *, quiet: bool) -> None:
        self._bar: Any = None
        if quiet or err is None or not err.isatty():
            return
        try:
            from rich.progress import Progress
        except ImportError:
            return
        from rich.console import Console

        self._bar = Progress(console=Console(file=err), transient=True)

    @contextlib.contextmanager
    def step(self, text: str, total: int | None = None) -> Iterator[Any]:
        if self._bar is None:
            yield lambda n=1: None
            return
        with self._bar:
            task = self._bar.add_task(text, total=total)
            yield lambda n=1: self._bar.advance(task, n)


# --- the run -------------------------------------------------------------------------------------


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``slakit run``; return the exit status."""
    progress = Progress(err, quiet=args.quiet)
    inputs = [
        (getattr(args, option), kind) for option, kind, _ in INPUT_FILES if getattr(args, option)
    ]
    kinds = {"customers": "--customers", **{kind: f"--{option}" for option, kind, _ in INPUT_FILES}}
    given = ["customers", *(kind for _, kind in inputs)]
    if args.dask:
        return _run_on_dask(
            args, inputs, reading_of(args.format, args.columns, kinds, given), out, err, progress
        )
    result, summary = credit_run(
        args.plans,
        args.customers,
        inputs,
        period=args.period,
        reading=reading_of(args.format, args.columns, kinds, given),
        progress=progress,
    )
    folder: Path = args.out
    _clear(folder)
    written = _write(result, folder, args.tables)
    if args.statements:
        names = result.customers
        with progress.step("statements", total=len(names)) as advance:
            _statements(result, folder / "statements", args.statements, advance)
    return _finish(args, summary, written, out, err)


def _finish(
    args: argparse.Namespace, summary: dict[str, Any], written: list[Path], out: TextIO, err: TextIO
) -> int:
    """Write summary.json, print the summary, and warn of rows not counted; the exit status."""
    folder: Path = args.out
    summary["files"] = [str(p) for p in written]
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    if not args.quiet:
        out.write(summary_text(summary, folder))
    for_none = sum(summary["rows_for_no_customer"].values())
    not_in_force = sum(summary["rows_for_customers_not_evaluated"].values())
    uncounted = for_none + not_in_force + summary["rows_not_counted"]
    if uncounted:
        detail = (
            f"{_count(uncounted, 'input row')} not counted: {for_none:,} for services no customer "
            f"has, {not_in_force:,} for customers not evaluated in the period, "
            f"{summary['rows_not_counted']:,} rejected or read by no measure; see "
            f"{folder / 'summary.json'}"
        )
        if args.strict:
            err.write(f"slakit: error: --strict: {detail}\n")
            return 1
        err.write(f"slakit: warning: {detail}\n")
    return 0


#: The kinds ``slakit run --dask`` reads in partitions.
_PARTITIONED = frozenset({"events", "outages", "maintenance", "deployments", "requests", "probes"})


def _run_on_dask(  # noqa: PLR0917 - run()'s own values, passed on
    args: argparse.Namespace,
    inputs: list[tuple[Path, str]],
    reading: Reading,
    out: TextIO,
    err: TextIO,
    progress: Progress,
) -> int:
    """Run ``slakit run --dask``: the same files, the work on a Dask cluster."""
    import slakit.dask

    others = [f"--{kind}" for _, kind in inputs if kind not in _PARTITIONED]
    if others:
        raise RunError(
            f"--dask reads events, outages, maintenance, deployments, requests and probes; "
            f"{', '.join(others)} are not read on a cluster yet: run without --dask"
        )
    if not inputs:
        raise RunError(
            "no input: give --events, --outages, --maintenance, --deployments or --requests"
        )
    if args.chunks is not None and args.chunks < 1:
        raise RunError(f"--chunks {args.chunks}: give a positive number of chunks")
    try:
        distributed = importlib.import_module("distributed")
    except ImportError:
        raise RunError(f"--dask needs dask.distributed: install {slakit.dask.EXTRA}") from None
    plans, provider = _plans(args.plans)
    customers = read_input(args.customers, "customers", reading)
    if not len(customers):
        raise RunError(f"{args.customers}: the customers table has no rows")
    sources = [
        slakit.dask.partitions(
            str(path),
            kind,
            format=reading.format_of(kind),
            columns=dict(reading.columns_of(kind) or {}),
        )
        for path, kind in inputs
    ]
    folder: Path = args.out
    stages = contextlib.ExitStack()
    advance: dict[str, Any] = {}

    def tell(stage: str, done: int, total: int) -> None:
        if stage not in advance:  # a new stage: the one before ends
            stages.close()
            noun = "partitions" if stage == "routing" else "chunks of customers"
            step = progress.step(f"{stage}: {total:,} {noun}", total=total)
            advance[stage] = stages.enter_context(step)
        advance[stage]()

    try:
        with stages, distributed.Client(args.dask, timeout="30s") as client:
            _clear(folder)  # connected: an unreachable scheduler leaves the last run's files
            result = slakit.dask.run(
                plans,
                customers,
                *sources,
                period=args.period,
                client=client,
                provider=provider,
                chunks=args.chunks,
                statements=args.statements,
                statements_to=folder / "statements" if args.statements else None,
                progress=tell,
            )
    except OSError as exc:
        raise RunError(f"--dask {args.dask}: cannot reach the scheduler: {exc}") from None
    written = _write(result, folder, args.tables)
    return _finish(args, result.summary(), written, out, err)


def _count(n: int, noun: str) -> str:
    """Return ``n noun`` with the noun in the plural where it needs one."""
    return f"{n:,} {noun}{'s' * (n != 1)}"


def credit_run(
    plans_file: Path,
    customers_file: Path,
    inputs: list[tuple[Path, str]],
    *,
    period: str,
    reading: Reading | None = None,
    progress: Progress | None = None,
) -> tuple[PortfolioResult, dict[str, Any]]:
    """Read the plans, the customers and the inputs (path and kind), evaluate the portfolio.

    ``reading`` says each file's format and column renames (default: formats by
    extension, slakit's column names).

    Returns the result (its ledger built) and its summary, with the rows read per file.
    """
    progress = progress if progress is not None else Progress(None, quiet=True)
    reading = reading if reading is not None else Reading()
    plans, provider = _plans(plans_file)
    read: dict[str, int] = {}
    with progress.step("reading"):
        customers = read_input(customers_file, "customers", reading)
        if not len(customers):
            raise RunError(f"{customers_file}: the customers table has no rows")
        tables = []
        for path, kind in inputs:
            table = read_input(path, kind, reading)
            read[str(path)] = len(table)
            tables.append(table)
    if not tables:
        raise RunError(
            "no input: give --events, --outages, --maintenance, --deployments, --requests, "
            "--tickets, --claims, --charges, --probes or --corrections"
        )
    portfolio = Portfolio(plans=plans, customers=customers, provider=provider)
    with progress.step("evaluating"):
        result = portfolio.evaluate(*merged_tables(tables), period=period)
        result.ledger  # noqa: B018 - built here, under the progress display
    summary = result.summary()
    summary["rows_read"] = read
    return result, summary


def merged_tables(tables: list[Any]) -> list[Any]:
    """Return the tables with those of one class concatenated (outages + maintenance files)."""
    by: dict[type, list[Any]] = {}
    for table in tables:
        by.setdefault(type(table), []).append(table)
    out = []
    for kind, group in by.items():
        out.append(group[0] if len(group) == 1 else getattr(kind, "concat")(group))  # noqa: B009
    return out


def _write(result: PortfolioResult | Any, folder: Path, tables: str) -> list[Path]:
    if tables != "all":
        return result.write(folder, formats=[tables])
    formats = ["csv"]
    try:  # Parquet too, with the arrow extra (and only if pyarrow imports)
        importlib.import_module("pyarrow.parquet")
    except ImportError:
        pass
    else:
        formats.append("parquet")
    return result.write(folder, formats=formats)


#: What ``slakit run`` writes into ``--out``: removed first, so no file of an earlier run stays.
_OUTPUTS = (
    *(
        f"{name}.{fmt}"
        for name in ("ledger", "objectives", "credits")
        for fmt in ("csv", "parquet")
    ),
    "summary.json",
)


def _clear(folder: Path) -> None:
    """Remove the files an earlier run wrote into ``folder`` (and nothing else)."""
    for name in _OUTPUTS:
        (folder / name).unlink(missing_ok=True)
    statements = folder / "statements"
    if statements.is_dir():
        for path in statements.iterdir():
            if path.suffix in STATEMENT_FILES.values() and path.is_file():
                path.unlink()


#: The statement formats of ``slakit run --statements``, and their file extensions.
STATEMENT_FILES: Final = {"text": ".txt", "json": ".json", "md": ".md", "html": ".html"}


def _statement_formats(value: str) -> tuple[str, ...]:
    """Parse ``--statements``: a comma list of formats, ``all`` or ``none``."""
    if value == "all":
        return tuple(STATEMENT_FILES)
    if value == "none":
        return ()
    chosen = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in STATEMENT_FILES]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"{value!r}: give a comma list of {', '.join(STATEMENT_FILES)}, or all, or none"
        )
    return tuple(dict.fromkeys(chosen))


def _statements(result: PortfolioResult, folder: Path, which: Sequence[str], advance: Any) -> None:
    """Write each customer's statements; a JSON one with its ``verify`` block.

    The block's fingerprint and input digests are of the customer's agreement,
    its period and the input rows of its services (scope ``"services"``), so
    ``slakit verify statements/ID.json INPUTS...`` checks it from the run's
    inputs or from the customer's own rows.
    """
    from slakit._cli import statement_data  # the CLI imports this module

    folder.mkdir(parents=True, exist_ok=True)
    ids = dict(zip(result.ledger["customer"], result.ledger["statement"], strict=True))
    for customer in result.customers:
        report = result.report(customer)
        stem = folder / ids[customer]
        if "text" in which:
            stem.with_suffix(".txt").write_text(report.to_text(), encoding="utf-8")
        if "json" in which:
            checked = statement_data(
                report, digests=result.input_digests(customer), scope="services"
            )
            data = {"customer": customer, "statement": ids[customer], **checked}
            stem.with_suffix(".json").write_text(json.dumps(data, indent=2) + "\n", "utf-8")
        if "md" in which:
            stem.with_suffix(".md").write_text(report.to_markdown(), encoding="utf-8")
        if "html" in which:
            stem.with_suffix(".html").write_text(report.to_html(), encoding="utf-8")
        advance()


def summary_text(summary: dict[str, Any], folder: Path | None) -> str:
    """Return the one screen of summary (the last line says where the files went, if any)."""
    head = (
        f"period {summary['period']}: {summary['customers']:,} customers, "
        f"{summary['services']:,} services, {summary['customers_credited']:,} credited"
    )
    lines = [head]
    lines += [f"  {e['plan']:<20} {e['currency']} {e['total']}" for e in summary["credits"]]
    lines += [f"read {_count(n, 'row')} from {path}" for path, n in summary["rows_read"].items()]
    totals: dict[str, int] = {}
    for counts in summary["rows"].values():
        for category, n in counts.items():
            totals[category] = totals.get(category, 0) + n
    lines.append(
        "rows: " + ", ".join(f"{n:,} {category}" for category, n in sorted(totals.items()))
    )
    for kind, n in summary["rows_for_no_customer"].items():
        if n:
            lines.append(f"{_count(n, 'row')} of {kind} for services that no customer has")
    for kind, n in summary["rows_for_customers_not_evaluated"].items():
        if n:
            lines.append(f"{_count(n, 'row')} of {kind} for customers not evaluated in the period")
    if summary["rows_not_counted"]:
        lines.append(f"{summary['rows_not_counted']:,} rows not counted by any measure")
    if summary["customers_not_evaluated"]:
        lines.append(f"{len(summary['customers_not_evaluated']):,} customers not in force")
    if folder is not None:
        lines.append(f"wrote the ledger, tables, statements and summary.json into {folder}")
    return "\n".join(lines) + "\n"
