r"""JSON Lines: one JSON object per line; its keys are the columns.

Each line is checked as every JSON Lines reader of slakit checks it (UTF-8,
nesting, keys given twice, the length of numbers: ``slakit._events._lines``);
decimals are read as exact ``Decimal`` values, never floats. A key a line
leaves out is a missing cell of that row. Nested values (a ticket's
``transitions``) stay Python lists and objects, for the kind to read.

The file is read in chunks of whole lines (about ``CHUNK_BYTES`` each). A
chunk whose every line is one flat object (``{`` first, ``}`` last, no nested
value) is decoded in one call, as one JSON array, and checked as a whole:

- it is UTF-8 (one decode of the chunk);
- the array holds one object per line, so no object spans lines (a string
  cannot hold a line break, and each line starts and ends its own object);
- no key was given twice: a ``:`` of JSON text is either inside a string or
  separates a key from its value, so the colons of the chunk are the keys
  written plus the colons of its strings. The objects' keys plus the colons of
  their strings as decoded must make that number: a key given twice would be
  missing, with its value's colons (a chunk that writes a colon as ``\u003a``,
  which the text does not show, is read line by line instead);
- no value nests (a flat object is one level deep) and every number was read
  with the length check of the line reader.

Any other chunk (a blank or indented line, bad JSON, a key twice, nested
values) is read line by line by ``json_objects``, which names each problem by
its line. Either way the columns are stored compactly, in arrays allocated for
the rows the file is expected to hold: instants of the keys some kind reads as
instants (``start``, ``end``, ...) in the common ISO 8601 forms as
``datetime64[us]``, parsed chunk by chunk; text as codes into the key's distinct
strings (a pyarrow dictionary array when pyarrow is installed); other values as
Python lists. A key whose values take another form in some chunk is put back
into the values themselves (instants as ISO 8601 text), so a table reads what
the lines hold.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import chain, compress, repeat
from operator import is_
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from slakit._events._columns import Problems, iso_instants
from slakit._events._lines import file_lines, json_decoder, json_objects
from slakit._io._schemas import KINDS
from slakit._io._sources import (
    Columns,
    Lines,
    NumberedLines,
    binary_kind,
    head_of,
    wrong_format,
)

__all__ = ["CHUNK_BYTES", "read_jsonl"]

#: About how many bytes of whole lines are read and checked together.
CHUNK_BYTES: Final = 1 << 20
#: The keys some kind reads as instants: their ISO 8601 text is parsed as it is read.
TIME_KEYS: Final = frozenset(name for schema in KINDS.values() for name in schema.times)
_BOM: Final = b"\xef\xbb\xbf"
_NEW: Final = -2  # the code of a string not seen before
_NAT: Final = np.datetime64("NaT", "us")
_SCALARS: Final = frozenset({str, int, float, bool, Decimal, type(None)})
_ZULU_LENGTH: Final = 20  # 2026-10-01T00:00:00Z
_ZULU_COLONS: Final = 2
_OFFSET_COLONS: Final = 3  # 2026-10-01T02:00:00+02:00


# --- a chunk's columns --------------------------------------------------------------------------


class _Times:
    """Instants of one key in one chunk, ``NaT`` where a line has none."""

    __slots__ = ("us",)

    def __init__(self, us: npt.NDArray[np.datetime64]) -> None:
        self.us = us

    def values(self) -> list[Any]:
        text = np.datetime_as_string(self.us, unit="s", timezone="UTC").tolist()
        return [None if t == "NaT" else t for t in text]


class _Vocabulary:
    """The distinct strings of one key over the file, each with its code (-1 stands for None)."""

    __slots__ = ("codes", "colons", "names")

    def __init__(self) -> None:
        self.codes: dict[str | None, int] = {None: -1}
        self.names: list[str] = []
        self.colons: dict[int, int] = {}  # code: colons in the string, for those with any

    def encode(self, values: list[str | None]) -> tuple[npt.NDArray[np.int32], int]:
        """Return the codes of ``values`` (strings or None), and the colons in their strings."""
        n = len(values)
        codes = np.fromiter(map(self.codes.get, values, repeat(_NEW)), dtype=np.int32, count=n)
        new = np.flatnonzero(codes == _NEW)
        if new.shape[0]:
            fresh: set[str] = {values[i] for i in new.tolist()}  # type: ignore[misc]
            for name in sorted(fresh):  # in order: codes do not depend on hashing
                code = self.codes[name] = len(self.names)
                self.names.append(name)
                if ":" in name:
                    self.colons[code] = name.count(":")
            codes[new] = [self.codes[values[i]] for i in new.tolist()]
        colons = 0
        if self.colons:
            used = np.bincount(codes[codes >= 0], minlength=len(self.names))
            colons = sum(int(used[code]) * k for code, k in self.colons.items())
        return codes, colons


class _Texts:
    """Strings of one key in one chunk, as codes into the key's vocabulary."""

    __slots__ = ("codes", "vocabulary")

    def __init__(self, codes: npt.NDArray[np.int32], vocabulary: _Vocabulary) -> None:
        self.codes = codes
        self.vocabulary = vocabulary

    def values(self) -> list[Any]:
        lookup: list[Any] = [*self.vocabulary.names, None]  # code -1 picks None
        return [lookup[c] for c in self.codes.tolist()]


_Part = _Times | _Texts | list[Any]


def _times(values: list[Any], absent: npt.NDArray[np.bool_] | None) -> tuple[_Times, int] | None:
    """Return instants in the common ISO 8601 forms and the colons of their text; else None."""
    present = values if absent is None else list(compress(values, ~absent))
    text = np.asarray(present, dtype=str) if present else np.zeros(0, dtype=str)
    us, fast = iso_instants(text)
    if not fast.all():
        return None
    offsets = int(np.count_nonzero(np.strings.str_len(text) > _ZULU_LENGTH))
    colons = _ZULU_COLONS * (len(present) - offsets) + _OFFSET_COLONS * offsets
    if absent is None:
        return _Times(us.view("datetime64[us]")), colons
    out = np.full(len(values), _NAT)
    out[~absent] = us.view("datetime64[us]")
    return _Times(out), colons


def _parts(
    objects: list[dict[str, Any]], vocabularies: dict[str, _Vocabulary], *, flat: bool
) -> tuple[dict[str, _Part], int] | None:
    """Return the columns of a chunk's objects, and the colons inside their strings.

    With ``flat`` a nested value, or a key with a colon, returns None: the chunk
    is read line by line.
    """
    keys = dict.fromkeys(objects[0] if objects else ())
    if set().union(*objects) != keys.keys():  # some line has keys the first has not
        keys = dict.fromkeys(chain.from_iterable(objects))  # in the order first seen
    colons = 0
    out: dict[str, _Part] = {}
    for key in keys:
        if flat and ":" in key:
            return None
        values = list(map(dict.get, objects, repeat(key)))
        types = set(map(type, values))
        if types <= {str, type(None)}:
            if key not in TIME_KEYS:
                vocabulary = vocabularies.setdefault(key, _Vocabulary())
                codes, counted = vocabulary.encode(values)
                out[key] = _Texts(codes, vocabulary)
                colons += counted
                continue
            absent = (
                np.fromiter(map(is_, values, repeat(None)), dtype=bool, count=len(values))
                if type(None) in types
                else None
            )
            times = _times(values, absent)
            if times is not None:
                out[key], counted = times
                colons += counted
                continue
        if flat:
            if not types <= _SCALARS:
                return None  # a nested value, or a number too long: read line by line
            colons += sum(v.count(":") for v in values if type(v) is str)
        out[key] = values
    return out, colons


# --- reading a chunk ----------------------------------------------------------------------------


def _flat_chunk(
    chunk: bytes, lines: int, decode: Callable[[str], Any]
) -> list[dict[str, Any]] | None:
    """Return the objects of a chunk of flat-object lines, one per line; None: read line by line."""
    # every line starts with "{" and ends with "}" (then "\n", "\r\n", or the end of the file)
    if not chunk.startswith(b"{") or not chunk.endswith((b"}\n", b"}\r\n", b"}", b"}\r")):
        return None
    inner = chunk.count(b"}\n{")  # the line breaks between two lines
    if b"\r" in chunk:
        inner += chunk.count(b"}\r\n{")
    if inner != lines - 1:
        return None
    try:
        text = chunk.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\\u003a" in text or "\\u003A" in text:
        return None
    body = text[:-1] if text.endswith("\n") else text
    try:
        objects = decode("[" + body.replace("\n", "\n,") + "]")
    except (ValueError, RecursionError):
        return None
    if len(objects) != lines or set(map(type, objects)) != {dict}:
        return None
    out: list[dict[str, Any]] = objects
    return out


def _chunks(path: Path) -> Iterator[bytes]:
    """Yield a file's bytes in chunks of whole lines (the last may end without a line break)."""
    pending: list[bytes] = []
    with path.open("rb") as handle:
        while block := handle.read(CHUNK_BYTES):
            cut = block.rfind(b"\n") + 1
            if cut == 0:
                pending.append(block)  # a line longer than a chunk: read on
                continue
            yield b"".join((*pending, block[:cut])) if pending else block[:cut]
            pending = [block[cut:]] if cut < len(block) else []
    rest = b"".join(pending)
    if rest:
        yield rest


def _first_line(path: Path) -> tuple[int, bytes] | None:
    """Return the number and the start of the first non-blank line (None: no such line)."""
    for number, line in enumerate(file_lines(path), start=1):
        if line.strip():
            return number, line.lstrip()[:200]
    return None


def read_jsonl(path: Path, *, source: str) -> Columns:
    """Read a JSON Lines file into columns, one per key.

    Raises:
        InputFormatError: the file is binary, or its first line is no JSON object.
        EventDataError: listing every bad line (``file:line: problem``).
    """
    looks = binary_kind(head_of(path))
    if looks is not None:
        raise wrong_format(source, "jsonl", f"it holds {looks} data", looks=looks)
    first = _first_line(path)
    if first is not None and not first[1].startswith((b"{", _BOM + b"{")):
        number, text = first
        csv_like = b"," in text and b"{" not in text
        raise wrong_format(
            source,
            "jsonl",
            f"line {number} is not a JSON object",
            looks="csv" if csv_like else None,
        )
    problems = Problems()
    decode = json_decoder(Decimal).decode
    head = head_of(path)
    size = path.stat().st_size
    capacity = size if len(head) >= size else size * (head.count(b"\n") + 1) * 11 // 10 // len(head)
    columns: dict[str, _Column] = {}
    vocabularies: dict[str, _Vocabulary] = {}
    numbers = _Column()  # the line of each row
    rows = 0
    start = 1  # the line a chunk starts on
    for raw in _chunks(path):
        chunk = raw[len(_BOM) :] if start == 1 and raw.startswith(_BOM) else raw
        breaks = chunk.count(b"\n")
        lines = breaks + (not chunk.endswith(b"\n"))
        objects = _flat_chunk(chunk, lines, decode) if chunk else None
        read = None if objects is None else _parts(objects, vocabularies, flat=True)
        if objects is not None and read is not None:
            keys = sum(map(len, objects))
            if chunk.count(b":") == keys + read[1]:  # no key given twice (see above)
                numbers.put(rows, np.arange(start, start + lines, dtype=np.int32), capacity)
                for key, part in read[0].items():
                    columns.setdefault(key, _Column()).put(rows, part, capacity)
                rows += lines
                start += breaks
                continue
        here: list[int] = []
        objects = []
        for named, obj in json_objects(
            io.BytesIO(raw),  # its lines, each with its line break, as the file gives them
            source=source,
            problems=problems,
            parse_float=Decimal,
            first=start,
        ):
            here.append(int(named.rpartition(":")[2]))
            objects.append(obj)
        careful = _parts(objects, vocabularies, flat=False)
        assert careful is not None  # only a flat read gives up
        numbers.put(rows, np.asarray(here, dtype=np.int32), capacity)
        for key, part in careful[0].items():
            columns.setdefault(key, _Column()).put(rows, part, capacity)
        rows += len(objects)
        start += breaks
    pending = problems.error() if problems or problems.omitted else None
    lines_of = numbers.column(rows)
    where = (
        Lines(source, rows, first=1)
        if rows == 0 or int(lines_of[-1]) == rows
        else NumberedLines(source, lines_of)
    )
    data = {key: column.column(rows) for key, column in columns.items()}
    return Columns(data=data, where=where, source=source, pending=pending)


# --- the columns of the file --------------------------------------------------------------------


class _Column:
    """One key's column over the file, filled chunk by chunk from the row each chunk starts at.

    Instants and codes go into one array each, allocated for the rows the file
    is expected to hold (and grown if it holds more); a row no chunk filled is
    missing there (``NaT``, code -1). A chunk of other values turns the column
    into a list of the values themselves.
    """

    __slots__ = ("array", "cells", "vocabulary")

    def __init__(self) -> None:
        self.array: npt.NDArray[Any] | None = None  # instants, codes or line numbers
        self.vocabulary: _Vocabulary | None = None  # what the codes stand for
        self.cells: list[Any] | None = None

    def put(self, row: int, part: _Part | npt.NDArray[np.int32], capacity: int) -> None:
        """Store a chunk's cells from ``row`` on."""
        if self.cells is None:
            if isinstance(part, np.ndarray):
                self.array = _placed(self.array, row, part, np.int32(0), capacity)
                return
            if isinstance(part, _Times) and self.vocabulary is None:
                self.array = _placed(self.array, row, part.us, _NAT, capacity)
                return
            if isinstance(part, _Texts) and (self.array is None or self.vocabulary is not None):
                self.vocabulary = part.vocabulary
                self.array = _placed(self.array, row, part.codes, np.int32(-1), capacity)
                return
            self.cells = self.values(row)
        self.cells.extend(repeat(None, row - len(self.cells)))
        self.cells.extend(part.values() if isinstance(part, _Times | _Texts) else part)

    def values(self, rows: int) -> list[Any]:
        """Return the first ``rows`` cells as the lines hold them (instants as ISO 8601 text)."""
        if self.cells is not None:
            return [*self.cells[:rows], *repeat(None, rows - len(self.cells))]
        if self.array is None:
            return [None] * rows
        array = _trimmed(self.array, rows, _NAT if self.vocabulary is None else np.int32(-1))
        if self.vocabulary is None:
            return _Times(array).values()
        return _Texts(array, self.vocabulary).values()

    def column(self, rows: int) -> Any:
        """Return the column of ``rows`` rows, as a table reads it."""
        if self.cells is not None or self.array is None:
            return self.values(rows)
        if self.vocabulary is None:  # instants or line numbers
            return _trimmed(self.array, rows, _NAT if self.array.dtype.kind == "M" else 0)
        codes = _trimmed(self.array, rows, np.int32(-1))
        names = self.vocabulary.names
        if (codes < 0).any():  # a line without this key: Python strings and None, as a list holds
            return np.asarray([*names, None], dtype=object)[codes]
        return _coded(names, codes)


def _placed(
    array: npt.NDArray[Any] | None,
    row: int,
    values: npt.NDArray[Any],
    fill: Any,
    capacity: int,
) -> npt.NDArray[Any]:
    """Return ``array`` with ``values`` at ``row``, allocated or grown as needed (new rows fill)."""
    need = row + values.shape[0]
    if array is None or array.shape[0] < need:
        size = max(need, capacity, 0 if array is None else array.shape[0] * 3 // 2)
        grown = np.full(size, fill, dtype=values.dtype)
        if array is not None:
            grown[: array.shape[0]] = array
        array = grown
    array[row:need] = values
    return array


def _trimmed(array: npt.NDArray[Any], rows: int, fill: Any) -> npt.NDArray[Any]:
    """Return the first ``rows`` cells of ``array`` (``fill`` past its end)."""
    if array.shape[0] < rows:
        return _placed(None, 0, array, fill, rows)
    if array.shape[0] > rows + rows // 8:
        return array[:rows].copy()  # the estimate was far off: keep no unused rows
    return array[:rows]


def _coded(names: list[str], code: npt.NDArray[np.int32]) -> Any:
    """Return text by codes: a pyarrow dictionary array when pyarrow is installed, else numpy."""
    if any(not name.strip() for name in names):  # blank names are reported by row
        return np.asarray(names, dtype=str)[code]
    try:
        pa: Any = importlib.import_module("pyarrow")
        text = pa.array(names, pa.string())
    except (ImportError, UnicodeEncodeError):  # no pyarrow; a lone surrogate, which it refuses
        return np.asarray(names, dtype=str)[code] if names else np.zeros(0, dtype=str)
    return pa.DictionaryArray.from_arrays(pa.array(code, pa.int32()), text)
