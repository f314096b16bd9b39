"""What a row of each kind means: the kinds of input, and the table each fills.

A kind names its table's ``from_columns`` and the columns it reads; the
columns come from any format ([`Columns`][slakit.io.Columns]). Before the table
reads them, a few columns are adapted the same way whatever the format, so every
format gives the same table:

- text cells (CSV holds only text) where a number or a flag belongs are read
  as whole numbers or booleans, cell by cell; what is neither stays text, and
  the table reports it by row;
- integer time columns are epochs in ``epoch_unit`` when it is given (text of
  digits too); without it they are microseconds, as ``from_columns`` reads them;
- ISO 8601 text in a pyarrow column is parsed by pyarrow when every cell has the
  strict form ``2026-10-01T00:00:00[.ffffff](Z|+hh:mm)``; other text is parsed cell
  by cell, with the row named in any error;
- a pyarrow text ``service`` column is dictionary-encoded, so names are
  compared once each, not once per row.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from slakit._events._billing import ChargeTable
from slakit._events._claims import ClaimTable
from slakit._events._columns import (
    NO_TIME,
    Problems,
    column_of,
    instants,
    is_missing,
    one_array,
    problems_of,
    row_names,
)
from slakit._events._corrections import CorrectionTable
from slakit._events._customers import CustomerTable
from slakit._events._probes import ProbeTable
from slakit._events._requests import RequestTable
from slakit._events._table import EventTable
from slakit._events._tickets import TicketTable
from slakit._io._sources import Columns
from slakit.exceptions import EventDataError, Problem

__all__ = ["EPOCH_UNITS", "KINDS", "Schema", "build", "schema_of"]

EPOCH_UNITS: Final = ("s", "ms", "us", "ns")


@attrs.frozen
class Schema:
    """One kind of input: its columns, which of them are instants, numbers and flags."""

    kind: str
    table: Any
    required: tuple[str, ...]
    optional: tuple[str, ...]
    times: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    #: Text columns whose blank cells are missing (they take the column's default).
    optional_text: tuple[str, ...] = ()
    #: The value of the ``kind`` column every row has, for outages, maintenance, deployments.
    fixed_kind: str | None = None
    #: Columns any row may carry for people (an id, a note); read by no measure.
    notes: tuple[str, ...] = ("id", "note")

    @property
    def accepted(self) -> tuple[str, ...]:
        """Every column this kind reads."""
        return (*self.required, *self.optional)


_EVENT_TIMES: Final = ("start", "end", "announced")
KINDS: Final[Mapping[str, Schema]] = {
    schema.kind: schema
    for schema in (
        Schema(
            "events",
            EventTable,
            ("kind", "service", "start", "end"),
            ("announced", "state", "affected"),
            _EVENT_TIMES,
            optional_text=("state", "affected"),
        ),
        Schema(
            "outages",
            EventTable,
            ("service", "start", "end"),
            ("announced", "state", "affected"),
            _EVENT_TIMES,
            optional_text=("state", "affected"),
            fixed_kind="outage",
        ),
        Schema(
            "maintenance",
            EventTable,
            ("service", "start", "end"),
            ("announced", "state", "affected"),
            _EVENT_TIMES,
            optional_text=("state", "affected"),
            fixed_kind="maintenance",
        ),
        Schema(
            "deployments",
            EventTable,
            ("service", "start", "end"),
            ("announced", "state", "affected"),
            _EVENT_TIMES,
            optional_text=("state", "affected"),
            fixed_kind="deployment",
        ),
        Schema(
            "requests",
            RequestTable,
            ("service", "time"),
            ("status", "ok", "latency", "latency_ms", "count"),
            ("time",),
            integers=("status", "latency", "count"),
            flags=("ok",),
        ),
        Schema(
            "probes",
            ProbeTable,
            ("service", "time", "metric", "value"),
            (),
            ("time",),
        ),
        Schema(
            "tickets",
            TicketTable,
            ("id", "service", "priority", "opened"),
            ("first_response", "resolved", "coverage", "transitions", "pauses"),
            ("opened", "first_response", "resolved"),
            optional_text=("coverage",),
            notes=("note",),
        ),
        Schema(
            "claims",
            ClaimTable,
            ("service", "period", "filed"),
            ("ticket", "state", "reason"),
            ("filed",),
            optional_text=("ticket", "state", "reason"),
        ),
        Schema(
            "charges",
            ChargeTable,
            ("service", "amount", "currency"),
            ("period", "kind", "unit"),
        ),
        Schema(
            "corrections",
            CorrectionTable,
            ("services", "start", "end", "category"),
            ("reason", "by", "recorded"),
            ("start", "end", "recorded"),
            optional_text=("reason", "by"),
        ),
        Schema(
            "customers",
            CustomerTable,
            ("customer", "plan", "service"),
            ("fee", "currency", "zone", "start", "end"),
            ("start", "end"),
            optional_text=("fee", "currency", "zone"),
            notes=(),
        ),
    )
}


def schema_of(kind: str) -> Schema:
    """Return the schema of ``kind``, or raise ``ValueError`` naming the kinds."""
    try:
        return KINDS[kind]
    except (KeyError, TypeError):
        raise ValueError(
            f"kind={kind!r} is not a kind of input; give one of {', '.join(KINDS)}"
        ) from None


# --- adapting columns ---------------------------------------------------------------------------

_ISO: Final = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$"
_TRUE: Final = frozenset({"true", "True", "TRUE", "1"})
_FALSE: Final = frozenset({"false", "False", "FALSE", "0"})


def _is_arrow(raw: object) -> bool:
    return type(raw).__module__.partition(".")[0] == "pyarrow"


def _is_arrow_text(raw: Any) -> bool:
    if not _is_arrow(raw):
        return False
    pa: Any = importlib.import_module("pyarrow")

    kind = raw.type
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _is_arrow_coded_text(raw: Any) -> bool:
    """Whether ``raw`` is a pyarrow dictionary column of text (a file's names, read as codes)."""
    if not _is_arrow(raw):
        return False
    pa: Any = importlib.import_module("pyarrow")

    kind = raw.type
    return bool(
        pa.types.is_dictionary(kind)
        and (pa.types.is_string(kind.value_type) or pa.types.is_large_string(kind.value_type))
    )


def _is_arrow_decimal(raw: Any) -> bool:
    if not _is_arrow(raw):
        return False
    pa: Any = importlib.import_module("pyarrow")
    return bool(pa.types.is_decimal(raw.type))


#: The tables whose ``service`` column may hold integer codes (``services=`` names them).
_CODED: Final = (EventTable, RequestTable, ProbeTable)
#: The name columns of a customers table, dictionary-encoded when read from Arrow.
_CUSTOMER_NAMES: Final = ("customer", "plan", "service", "currency", "zone")


def _text_values(raw: Any, name: str) -> npt.NDArray[np.str_] | None:
    """Return a column of text as a numpy string array (missing as ""), or None for others."""
    column = column_of(raw, name)
    values = column.values
    if values.dtype.kind == "O":  # a data frame's text: strings, and None where missing
        cells = values.tolist()
        if not all(isinstance(c, str) or is_missing(c) for c in cells):
            return None
        values = np.asarray([c if isinstance(c, str) else "" for c in cells], dtype=str)
    if values.dtype.kind != "U":
        return None
    if column.missing is not None:
        values = np.where(column.missing, "", values)
    return np.asarray(values, dtype=str)


def _numbers_of_text(values: npt.NDArray[np.str_]) -> Any:
    """Return text cells as whole numbers: int64 (no blanks), floats with NaN, or objects."""
    text = np.strings.strip(values)
    blank = text == ""
    digits = np.strings.isdigit(np.strings.lstrip(text, "-")) & ~blank
    if not (digits | blank).all():
        cells = text.tolist()
        return np.asarray(
            [
                None if not cell else int(cell) if digit else cell
                for cell, digit in zip(cells, digits.tolist(), strict=True)
            ],
            dtype=object,
        )
    if not blank.any():
        return np.where(blank, "0", text).astype(np.int64)
    out = np.where(blank, "0", text).astype(np.int64).astype(object)
    out[blank] = None
    return out


def _flags_of_text(values: npt.NDArray[np.str_]) -> Any:
    """Return text cells as booleans (true/false, 1/0), ``None`` where blank; others stay text."""

    def flag(cell: str) -> object:
        if cell in _TRUE:
            return True
        if cell in _FALSE:
            return False
        return cell or None

    out = [flag(cell) for cell in np.strings.strip(values).tolist()]
    return np.asarray(out, dtype=object) if out else np.zeros(0, dtype=bool)


def _epochs(raw: Any, name: str, unit: str) -> Any:
    """Return integer epochs (or text of digits) in ``unit`` as ``datetime64``, others as given."""
    values: Any = _text_values(raw, name)
    if values is not None:
        values = _numbers_of_text(values)
        if values.dtype.kind == "O" and not all(
            v is None or isinstance(v, int) for v in values.tolist()
        ):
            return raw  # not all digits: read as instants, each bad cell named by its row
        missing = np.asarray([v is None for v in values.tolist()], dtype=bool)
        ints = np.asarray([0 if v is None else v for v in values.tolist()], dtype=np.int64)
    else:
        column = column_of(raw, name)
        if column.values.dtype.kind not in "iu" or column.naive:
            return raw
        ints = column.values.astype(np.int64)
        missing = column.missing_mask()
    out = ints.view(f"datetime64[{unit}]").copy()
    out[missing] = np.datetime64("NaT")
    return out


def _arrow_instants(raw: Any) -> Any:
    """Return a pyarrow text column of strict ISO 8601 instants as UTC timestamps, else itself."""
    pa: Any = importlib.import_module("pyarrow")
    pc: Any = importlib.import_module("pyarrow.compute")

    present = pc.not_equal(raw, "")
    strict = pc.or_(pc.match_substring_regex(raw, _ISO), pc.invert(present))
    if not pc.all(strict).as_py():
        return raw
    try:
        parsed = pc.if_else(present, raw, None).cast(pa.timestamp("us", tz="UTC"))
    except pa.ArrowInvalid:
        return raw
    return parsed


def _arrow_names(raw: Any, *, nulls: bool = False) -> Any:
    """Return a pyarrow text column dictionary-encoded, when no cell is blank or missing.

    A dictionary column (names a file stored as codes) keeps its codes, renumbered
    so that its dictionary is sorted.

    With ``nulls``, missing cells stay missing in the encoded column (an optional
    column, where missing means "the default").
    """
    pa: Any = importlib.import_module("pyarrow")
    pc: Any = importlib.import_module("pyarrow.compute")

    if raw.null_count and not nulls:
        return raw  # missing names are reported by row, as for any text
    # hashed in C, chunk by chunk into one dictionary (unless the file gave one); then each
    # distinct name checked once
    encoded = one_array(raw if _is_arrow_coded_text(raw) else pc.dictionary_encode(raw))
    names = encoded.dictionary
    if len(names) and pc.any(pc.equal(pc.utf8_trim_whitespace(names), "")).as_py():
        return raw  # blank names are reported by row, as for any text
    # the names sorted (by their UTF-8 bytes: by code point, as Python sorts text), so the
    # table's sorted vocabulary is the dictionary as it is, and no string is sorted again
    order = pc.sort_indices(names).to_numpy()
    if bool((order[1:] > order[:-1]).all()):
        return encoded
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    codes = encoded.indices
    missing = codes.is_null() if codes.null_count else None
    picked = rank[codes.fill_null(0).to_numpy()] if missing is not None else rank[codes.to_numpy()]
    indices = pa.array(
        picked,
        type=pa.int32(),
        mask=None if missing is None else missing.to_numpy(zero_copy_only=False),
    )
    return pa.DictionaryArray.from_arrays(indices, names.take(order))


def _adapted(
    schema: Schema,
    data: dict[str, Any],
    *,
    epoch_unit: str | None,
    services: Sequence[str] | None,
) -> dict[str, Any]:
    out = dict(data)
    encoded: set[str] = set()
    if schema.table is CustomerTable:  # names hashed by Arrow in C: each distinct one read once
        for name in _CUSTOMER_NAMES:
            given = out.get(name)
            if _is_arrow_text(given) or _is_arrow_coded_text(given):
                out[name] = _arrow_names(given, nulls=name in schema.optional_text)
                if out[name] is not given:  # encoded: no name is blank
                    encoded.add(name)
        if "fee" in out and _is_arrow_decimal(out["fee"]):  # each distinct fee parsed once
            fees = out["fee"]
            pa: Any = importlib.import_module("pyarrow")
            whole = fees.combine_chunks() if isinstance(fees, pa.ChunkedArray) else fees
            out["fee"] = importlib.import_module("pyarrow.compute").dictionary_encode(whole)
            encoded.add("fee")
    for name in schema.times:
        if name not in out:
            continue
        if epoch_unit is not None:
            out[name] = _epochs(out[name], name, epoch_unit)
        if _is_arrow_text(out[name]):
            out[name] = _arrow_instants(out[name])
    for name in schema.integers:
        values = _text_values(out[name], name) if name in out else None
        if values is not None:
            out[name] = _numbers_of_text(values)
    for name in schema.flags:
        values = _text_values(out[name], name) if name in out else None
        if values is not None:
            out[name] = _flags_of_text(values)
    for name in schema.optional_text:
        values = _text_values(out[name], name) if name in out and name not in encoded else None
        if values is not None:
            blank = np.strings.strip(values) == ""
            if blank.any():
                cells = values.astype(object)
                cells[blank] = None
                out[name] = cells
    if "service" in out and schema.table in _CODED:
        if services is not None:
            values = _text_values(out["service"], "service")
            if values is not None:
                out["service"] = _numbers_of_text(values)
        elif _is_arrow_text(out["service"]) or _is_arrow_coded_text(out["service"]):
            out["service"] = _arrow_names(out["service"])
    return out


# --- building the table -------------------------------------------------------------------------


def _check_columns(schema: Schema, read: Columns, data: dict[str, Any]) -> None:
    """Refuse a column the kind does not read (most likely a typo), and a kind column misused."""
    problems: list[Problem] = []
    if schema.fixed_kind is not None:
        problems.extend(
            Problem(
                "columns",
                name,
                f"every row of {schema.kind} is {_article(schema.fixed_kind)}; read the file "
                "as kind 'events' to use its kind column",
            )
            for name in ("kind", "type")
            if name in data
        )
    accepted = (*schema.accepted, *schema.notes)
    problems.extend(
        Problem(
            "columns",
            name,
            f"is not a column of {schema.kind}; they are {', '.join(schema.required)}, "
            f"and optionally {', '.join((*schema.optional, *schema.notes))} (rename a "
            "column with columns={'start': 'started_at'})",
        )
        for name in data
        if name not in accepted and not (schema.fixed_kind and name in ("kind", "type"))
    )
    if problems:
        raise EventDataError(problems)


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def build(
    kind: str,
    read: Columns,
    *,
    epoch_unit: str | None = None,
    services: Sequence[str] | None = None,
) -> Any:
    """Return the table of ``kind`` filled from ``read``'s columns.

    Raises:
        EventDataError: a column is missing or unknown, or rows are invalid
            (each named by ``read.where``).
        ValueError: ``kind`` or ``epoch_unit`` is not one of those accepted.
    """
    schema = schema_of(kind)
    if epoch_unit is not None and epoch_unit not in EPOCH_UNITS:
        raise ValueError(f"epoch_unit={epoch_unit!r} must be one of {', '.join(EPOCH_UNITS)}")
    if services is not None and schema.table not in _CODED:
        raise ValueError(
            f"services= names the integer service codes of events, requests and probes; "
            f"{kind} name their services"
        )
    data = dict(read.data)
    if not data and len(read) == 0:  # an empty JSON Lines file: no rows, and no keys to read
        data = {name: [] for name in schema.required}
    if schema.kind == "events" and "kind" not in data and "type" in data:
        data["kind"] = data.pop("type")  # events.jsonl names it "type"
    _check_columns(schema, read, data)
    data = _adapted(schema, data, epoch_unit=epoch_unit, services=services)
    n = len(read)
    if schema.fixed_kind is not None:
        data["kind"] = np.broadcast_to(np.asarray(schema.fixed_kind), (n,))  # one cell, no copy
    maker: Callable[..., Any] = _MAKERS.get(schema.table, _plain)
    try:
        table = maker(schema, data, read.where, services)
    except EventDataError as error:
        if read.pending is None:
            raise
        raise _together(read.pending, error) from None
    if read.pending is not None:
        raise read.pending
    return table


def _together(first: EventDataError, second: EventDataError) -> EventDataError:
    """Return one error listing the problems of both, in the order of the file."""
    problems = problems_of([*first.problems, *second.problems])
    problems.omitted = first.omitted + second.omitted
    return problems.error()


def _plain(schema: Schema, data: dict[str, Any], where: Sequence[str] | None, services: Any) -> Any:
    return schema.table.from_columns(data, where=where)


def _coded(schema: Schema, data: dict[str, Any], where: Sequence[str] | None, services: Any) -> Any:
    return schema.table.from_columns(data, services=services, where=where)


def _tickets(
    schema: Schema, data: dict[str, Any], where: Sequence[str] | None, services: Any
) -> Any:
    """Tickets: nested ``transitions`` and ``pauses`` (JSON Lines, Parquet lists) flattened."""
    links: dict[str, dict[str, list[Any]] | None] = {}
    problems: list[Problem] = []
    for name, keys in (("transitions", ("at", "status")), ("pauses", ("start", "end"))):
        links[name] = None
        if name in data:
            links[name] = _flattened(
                data.pop(name), data.get("id"), name, keys, where=where, problems=problems
            )
    if problems:
        raise EventDataError(problems)
    return TicketTable.from_columns(
        data, transitions=links["transitions"], pauses=links["pauses"], where=where
    )


def _flattened(
    raw: Any,
    ids: Any,
    name: str,
    keys: tuple[str, str],
    *,
    where: Sequence[str] | None,
    problems: list[Problem],
) -> dict[str, list[Any]]:
    """Return a column of lists of objects as columns ``ticket``, and ``keys``.

    Each cell that is not a list of such objects adds a problem of its row.
    """
    cells = raw.to_pylist() if hasattr(raw, "to_pylist") else list(raw)
    id_cells = (
        ids.to_pylist() if hasattr(ids, "to_pylist") else list(ids if ids is not None else [])
    )
    name_of: Callable[[int], str] = (lambda i: f"row {i}") if where is None else where.__getitem__
    out: dict[str, list[Any]] = {"ticket": [], keys[0]: [], keys[1]: []}
    for i, cell in enumerate(cells):
        if cell is None:
            continue
        if not isinstance(cell, list):
            problems.append(
                Problem(name_of(i), name, f"must be a list of objects with {', '.join(keys)}")
            )
            continue
        for k, item in enumerate(cell):
            if not isinstance(item, dict) or set(item) != set(keys):
                problems.append(
                    Problem(
                        name_of(i),
                        f"{name}[{k}]",
                        f"must be an object with exactly {', '.join(keys)}",
                    )
                )
                continue
            out["ticket"].append(id_cells[i] if i < len(id_cells) else None)
            out[keys[0]].append(item[keys[0]])
            out[keys[1]].append(item[keys[1]])
    return out


def _corrections(
    schema: Schema, data: dict[str, Any], where: Sequence[str] | None, services: Any
) -> Any:
    """Corrections: datetime columns (frames, Parquet, Arrow, epochs) given as microseconds.

    ``CorrectionTable.from_columns`` reads each cell as a ``Correction`` does:
    aware datetimes, ISO 8601 text with an offset, integer microseconds. A
    column of ``datetime64`` values (a frame's or Arrow's timestamps, epochs in
    ``epoch_unit``) is read here as the other kinds read it, a column without a
    time zone refused and every bad or missing cell named, and given on as
    integer microseconds (``None`` where missing); text and integers are left
    to the table. The problems of both are listed together, each row's field
    once, and each with the field its message names.
    """
    out = dict(data)
    problems = Problems()
    where_of = row_names(where)
    named: set[tuple[str, str]] = set()  # (row, field) already named by the time columns
    for name in schema.times:
        if name not in out:
            continue
        column = column_of(out[name], name)
        if column.values.dtype.kind != "M":
            continue
        before = len(problems)
        micros = instants(
            column,
            len(column),
            where_of=where_of,
            problems=problems,
            required=name in schema.required,
            needed=f"every correction needs its {name}",
        )
        named.update((p.where, p.field) for p in problems[before:])
        if micros is not None:
            cells = micros.astype(object)
            cells[micros == NO_TIME] = None
            out[name] = cells
    if any(p.where == "columns" for p in problems):  # a column without a time zone
        raise problems.error()
    try:
        table = CorrectionTable.from_columns(out, where=where)
    except EventDataError as error:
        found = [_with_field(p, schema.accepted) for p in error.problems]
        problems.extend(p for p in found if (p.where, p.field) not in named)
        problems.omitted += error.omitted
        raise problems.error() from None
    if problems:
        raise problems.error()
    return table


def _with_field(problem: Problem, fields: Sequence[str]) -> Problem:
    """Return ``problem`` with the field its message starts with (``category='' must ...``).

    A ``Correction`` refuses a value with a message that starts ``field=value``;
    where the error does not say its field, the problem takes it from the message.
    """
    if problem.field or problem.where == "columns":
        return problem
    field = problem.message.partition("=")[0]
    return attrs.evolve(problem, field=field) if field in fields else problem


_MAKERS: Final[dict[Any, Callable[..., Any]]] = {
    EventTable: _coded,
    RequestTable: _coded,
    ProbeTable: _coded,
    TicketTable: _tickets,
    CorrectionTable: _corrections,
}
