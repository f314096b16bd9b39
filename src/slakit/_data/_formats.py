"""Agreements in JSON, YAML and TOML files: writing them, and reading them without running code.

JSON is read and written with the standard library. YAML needs PyYAML (the
``yaml`` extra) and is read by a loader of our own that builds only what JSON
holds (strings, numbers, booleans, null, lists and mappings): no other tag,
no timestamps, no merge keys, and never a Python object. TOML is read with the
standard library's ``tomllib`` and written by the small writer below (TOML
has no ``null``: a field left out means its default, so nothing is lost).

Reading is bounded whatever the text (``docs/explanation/limits.md``): the
nesting depth is checked before a parser recurses into it, a YAML alias is
counted every time it is used, and a mapping that names a key twice is
refused, with the line, column and path of each problem.
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Final, Literal

import attrs
import numpy as np

from slakit._data._codec import (
    MAX_DEPTH,
    MAX_PROBLEMS,
    MAX_VALUES,
    TOO_DEEP,
    TOO_MANY,
    child,
    from_data,
    to_data,
)
from slakit.exceptions import AgreementDataError, DefinitionError, Problem

__all__ = [
    "Format",
    "dumps",
    "format_of",
    "loads",
    "read_agreement",
    "toml_dumps",
    "write_agreement",
]

Format = Literal["json", "yaml", "toml"]
_SUFFIXES: Final[dict[str, Format]] = {
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
}


def format_of(path: str | Path) -> Format:
    """Return the data format a file's suffix names (``.json``, ``.yaml``/``.yml``, ``.toml``)."""
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        raise DefinitionError(
            f"{path}: cannot tell the format from the suffix {suffix!r}; use .json, .yaml, "
            ".yml or .toml"
        )
    return _SUFFIXES[suffix]


def _yaml() -> Any:
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is installed with the yaml extra
        raise DefinitionError(
            "YAML needs PyYAML; install the 'yaml' extra from a slakit checkout: "
            "pip install -e '.[yaml]'"
        ) from None
    return yaml


def dumps(node: object, format: Format = "json") -> str:
    """Return an agreement (or any DSL node) as JSON, YAML or TOML text.

    Examples:
        >>> import slakit as sla
        >>> print(sla.dumps(sla.Tier("gold", fee=sla.usd("100.00")), "toml"))
        slakit = 1
        type = "tier"
        name = "gold"
        <BLANKLINE>
        [fee]
        amount = "100.00"
        currency = "USD"
        <BLANKLINE>
    """
    data = to_data(node)
    if format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if format == "yaml":
        text: str = _yaml().safe_dump(
            data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
        )
        return text
    if format == "toml":
        return toml_dumps(data)
    raise DefinitionError(f"format={format!r} must be 'json', 'yaml' or 'toml'")


# --- reading text, bounded ------------------------------------------------------------------

#: A number literal longer than this is refused by the parsers (no field reads one).
_LONGEST_NUMBER: Final = 100


def _where(source: str, text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{source}:{line}:{column}"


def _depth_exceeds(text: str, skip: re.Pattern[str], limit: int) -> bool:
    """Return whether the brackets ``[]{}`` of ``text``, outside ``skip``, nest beyond ``limit``.

    Vectorised: the strings and comments are cut out with one regular
    expression, and the depth is a cumulative sum, so the check costs no
    Python step per character.
    """
    brackets = "".join(m[0] for m in skip.finditer(text) if m[0][0] in "[]{}")
    if not brackets:
        return False
    codes = np.frombuffer(brackets.encode("ascii"), dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)
    return bool(np.cumsum(steps).max() > limit)


def _error(problems: list[Problem]) -> AgreementDataError:
    kept = problems[:MAX_PROBLEMS]
    return AgreementDataError(kept, omitted=len(problems) - len(kept))


@attrs.define
class _Frame:
    """An open list or mapping met while scanning text: where the scan is inside it."""

    mapping: bool
    index: int = 0
    key: str | None = None
    expect_key: bool = True
    keys: set[str] = attrs.field(factory=set)


def _path(base: list[str | int], stack: list[_Frame]) -> str:
    path = "$"
    for key in base:
        path = child(path, key)
    for frame in stack:
        if frame.mapping:
            path = child(path, frame.key if frame.key is not None else "?")
        else:
            path = child(path, frame.index)
    return path


# JSON: strings (unrolled, so there is nothing to backtrack), punctuation, numbers.
_JSON_STRING: Final = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_JSON_TOKEN: Final = re.compile(rf"{_JSON_STRING}|[\[\]{{}}:,]|-?[0-9][0-9.eE+-]*")
_JSON_BRACKETS: Final = re.compile(rf"{_JSON_STRING}|[\[\]{{}}]+")


def _json_problems(text: str, source: str) -> list[Problem]:
    """Scan JSON text without recursion: too deep, keys given twice, numbers too long."""
    problems: list[Problem] = []
    stack: list[_Frame] = []
    for match in _JSON_TOKEN.finditer(text):
        token = match[0]
        first = token[0]
        top = stack[-1] if stack else None
        if first in "[{":
            if len(stack) >= MAX_DEPTH:
                where = _where(source, text, match.start())
                problems.append(Problem(where, _path([], stack), TOO_DEEP))
                break
            stack.append(_Frame(mapping=first == "{"))
        elif first in "]}":
            if stack:
                stack.pop()
        elif top is None:
            continue
        elif first == ",":
            if top.mapping:
                top.expect_key = True
            else:
                top.index += 1
        elif first == ":":
            top.expect_key = False
        elif first == '"':
            if top.mapping and top.expect_key:
                try:
                    key = str(json.loads(token))
                except ValueError:
                    key = token[1:-1]
                if key in top.keys:
                    where = _where(source, text, match.start())
                    problems.append(_twice(where, child(_path([], stack[:-1]), key)))
                top.keys.add(key)
                top.key = key
        elif len(token) > _LONGEST_NUMBER:
            where = _where(source, text, match.start())
            problems.append(_long_number(where, token, _path([], stack)))
    return problems


_TWICE: Final = (
    "is given twice in the same mapping; give each key once (a reader would have to pick "
    "one of the values, and readers differ in which)"
)


def _twice(where: str, path: str) -> Problem:
    return Problem(where, path, _TWICE)


def _long_number(where: str, token: str, path: str) -> Problem:
    return Problem(
        where,
        path,
        f"is a number of {len(token):,} characters; numbers in agreement data are at most "
        f"{_LONGEST_NUMBER} characters long (and within the bounds of their field)",
    )


def _parse_json(text: str, source: str) -> object:
    if _depth_exceeds(text, _JSON_BRACKETS, MAX_DEPTH):
        raise _error(_json_problems(text, source) or [Problem(source, "", TOO_DEEP)])
    suspect = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal suspect
        out = dict(items)
        suspect = suspect or len(out) != len(items)
        return out

    def whole(digits: str) -> int:
        nonlocal suspect
        if len(digits) > _LONGEST_NUMBER:
            suspect = True
            return 0
        return int(digits)

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_int=whole)
    except json.JSONDecodeError as exc:
        where = f"{source}:{exc.lineno}:{exc.colno}"
        raise AgreementDataError([Problem(where, "", f"is not valid JSON: {exc.msg}")]) from None
    except RecursionError:  # pragma: no cover - the depth is checked first
        raise AgreementDataError([Problem(source, "", TOO_DEEP)]) from None
    if suspect:
        raise _error(_json_problems(text, source) or [Problem(source, "", "is not valid JSON")])
    return data


# TOML: strings of the four kinds and comments are skipped; brackets nest.
_TOML_SKIP: Final = "|".join(
    (
        r'"""[\s\S]*?"""',
        r"'''[\s\S]*?'''",
        r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"',
        r"'[^'\n]*'",
        r"#[^\n]*",
    )
)
_TOML_TOKEN: Final = re.compile(rf"({_TOML_SKIP})|(\n)|([\[\]{{}},=])|([^\s\[\]{{}},=\"'#]+)")
_TOML_BRACKETS: Final = re.compile(rf"{_TOML_SKIP}|[\[\]{{}}]+")


def _toml_key(token: str) -> list[str]:
    if token.startswith('"'):
        try:
            return [str(json.loads(token))]
        except ValueError:
            return [token[1:-1]]
    if token.startswith("'"):
        return [token[1:-1]]
    return [part for part in token.split(".") if part]


@attrs.define
class _Tables:
    """The TOML table that lines are in, read from ``[table]`` and ``[[array.of.tables]]``."""

    path: list[str | int] = attrs.field(factory=list)
    reading: list[str] | None = None  # the header being read
    double: bool = False
    seen: dict[tuple[str, ...], int] = attrs.field(factory=dict)

    def start(self) -> None:
        """Start reading a header, after its first ``[``."""
        self.reading, self.double = [], False

    def read(self, punct: str | None, token: str) -> None:
        """Read one token of the header; its last ``]`` sets the table."""
        assert self.reading is not None
        if punct == "[" and not self.reading:
            self.double = True
        elif punct == "]" and self.reading:
            parts = tuple(self.reading)
            if self.double:
                self.seen[parts] = self.seen.get(parts, -1) + 1
                self.path = [*parts, self.seen[parts]]
            else:
                self.path = list(parts)
            self.reading = None
        elif punct is None:
            self.reading.extend(_toml_key(token))


def _toml_problems(text: str, source: str) -> list[Problem]:
    """Scan TOML text without recursion for the place where values nest too deep."""
    stack: list[_Frame] = []
    tables = _Tables()
    keys: list[str] = []  # the key being written, before '='
    line_start = True
    for match in _TOML_TOKEN.finditer(text):
        skipped, newline, punct, bare = match.groups()
        top = stack[-1] if stack else None
        if skipped is not None and skipped.startswith("#"):
            continue
        if newline is not None:
            if top is None:
                line_start, keys = True, []
            continue
        if tables.reading is not None:
            tables.read(punct, skipped or bare or "")
            continue
        if top is None and line_start and punct == "[":
            tables.start()
            line_start = False
            continue
        line_start = False
        if punct in ("[", "{"):
            if len(stack) >= MAX_DEPTH - 1:
                where = _where(source, text, match.start())
                return [Problem(where, _path([*tables.path, *keys], stack), TOO_DEEP)]
            stack.append(_Frame(mapping=punct == "{"))
        elif punct in ("]", "}"):
            if stack:
                stack.pop()
        elif punct == ",":
            if top is not None and top.mapping:
                top.expect_key = True
            elif top is not None:
                top.index += 1
        elif punct == "=":
            if top is not None and top.mapping:
                top.expect_key = False
        elif top is None or (top.mapping and top.expect_key):
            parts = _toml_key(skipped or bare)
            if top is None:
                keys.extend(parts)
            else:
                top.key = ".".join(parts)
    return []


def _parse_toml(text: str, source: str) -> object:
    # The document is a table, a level of its own: values nest at most MAX_DEPTH - 1 deep.
    if _depth_exceeds(text, _TOML_BRACKETS, MAX_DEPTH - 1):
        raise _error(_toml_problems(text, source) or [Problem(source, "", TOO_DEEP)])
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+), column (\d+)", str(exc))
        where = source if match is None else f"{source}:{match[1]}:{match[2]}"
        raise AgreementDataError([Problem(where, "", f"is not valid TOML: {exc}")]) from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise AgreementDataError([Problem(source, "", f"is not valid TOML: {exc}")]) from None
    except RecursionError:  # pragma: no cover - the depth is checked first
        raise AgreementDataError([Problem(source, "", TOO_DEEP)]) from None


def _parse(text: str, format: Format, source: str) -> object:
    if format == "json":
        return _parse_json(text, source)
    if format == "yaml":
        return _parse_yaml(text, source)
    if format == "toml":
        return _parse_toml(text, source)
    raise DefinitionError(f"format={format!r} must be 'json', 'yaml' or 'toml'")


# --- YAML: a loader that builds only what JSON holds, bounded ------------------------------

_PLAIN_TAGS: Final = {
    f"tag:yaml.org,2002:{name}": name
    for name in ("str", "int", "float", "bool", "null", "seq", "map")
}


_TAG_WORDS: Final = {
    "str": "a string",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "null": "null",
}


@functools.cache
def _yaml_loader() -> type[Any]:
    """Return the YAML loader class: PyYAML's pure-Python stages, with our own last three.

    - The resolver knows only booleans, numbers and null (no timestamps, no
      merge keys), so an unquoted date stays a string for the decoder to read.
    - The composer counts nesting as it descends, and the values each node
      stands for (an alias standing for its whole anchored node, every time it
      is used), and refuses an alias to a node that contains it.
    - The constructor builds only strings, numbers, booleans, null, lists and
      mappings; any other tag, a key given twice, or a scalar its tag cannot
      hold is an error with its line and column.
    """
    _yaml()  # PyYAML is installed, or the error says how to install it
    from yaml.composer import Composer
    from yaml.constructor import ConstructorError, SafeConstructor
    from yaml.error import MarkedYAMLError
    from yaml.events import AliasEvent, CollectionStartEvent
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.resolver import BaseResolver, Resolver
    from yaml.scanner import Scanner

    class RefusedError(MarkedYAMLError):
        """Valid YAML that agreement data does not accept: too deep, too big, a key twice."""

        def __init__(self, problem: str, mark: Any, path: str) -> None:
            super().__init__(problem=problem, problem_mark=mark)
            self.path = path

    class PlainResolver(BaseResolver):
        yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class registry
            first: [(tag, rx) for tag, rx in resolvers if tag in _PLAIN_TAGS]
            for first, resolvers in Resolver.yaml_implicit_resolvers.items()
        }

    class BoundedComposer(Composer):
        peek_event: Callable[[], Any]  # from the Parser, a sibling base of the loader

        def __init__(self) -> None:
            super().__init__()
            self.trail: list[str | int] = []
            self.depth = 0
            self.sizes: dict[int, int] = {}
            self.paths: dict[int, str] = {}

        def path(self) -> str:
            path = "$"
            for key in self.trail:
                path = child(path, key)
            return path

        def compose_node(self, parent: Any, index: Any) -> Any:
            pushed = parent is not None and index is not None
            if pushed:
                key = index if isinstance(index, int) else getattr(index, "value", "?")
                self.trail.append(key if isinstance(key, str | int) else "?")
            try:
                return self._compose(parent, index)
            finally:
                if pushed:
                    self.trail.pop()

        def _compose(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()
            if isinstance(event, AliasEvent):
                target = self.anchors.get(event.anchor)
                if target is not None and id(target) not in self.sizes:
                    raise RefusedError(
                        f"the alias *{event.anchor} stands for a list or mapping that contains "
                        "it, which has no end; write the data out",
                        event.start_mark,
                        self.path(),
                    )
                node = super().compose_node(parent, index)
                size = self.sizes[id(node)]
            else:
                nested = isinstance(event, CollectionStartEvent)
                if nested:
                    self.depth += 1
                    if self.depth > MAX_DEPTH:
                        raise RefusedError(TOO_DEEP, event.start_mark, self.path())
                node = super().compose_node(parent, index)
                if nested:
                    self.depth -= 1
                if isinstance(node, MappingNode):  # kept to name a key given twice
                    self.paths[id(node)] = self.path()
                if isinstance(node, SequenceNode):
                    size = 1 + sum(self.sizes[id(n)] for n in node.value)
                elif isinstance(node, MappingNode):
                    size = 1 + sum(self.sizes[id(v)] for _, v in node.value)
                else:
                    size = 1
                self.sizes[id(node)] = size
            if size > MAX_VALUES:
                raise RefusedError(TOO_MANY, event.start_mark, self.path())
            return node

    class PlainConstructor(SafeConstructor):
        yaml_constructors: ClassVar[dict[Any, Any]] = {}  # PyYAML's registry, ours alone

        def construct_undefined(self, node: Any) -> Any:
            raise ConstructorError(
                None,
                None,
                f"the tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed: "
                "agreement data holds only strings, "
                "numbers, true/false, null, lists and mappings",
                node.start_mark,
            )

        def construct_checked(self, node: Any) -> Any:
            name = _PLAIN_TAGS[node.tag]
            long = isinstance(node, ScalarNode) and len(node.value) > _LONGEST_NUMBER
            if long and name in ("int", "float"):
                raise ConstructorError(
                    None,
                    None,
                    f"a number of {len(node.value):,} characters; numbers in agreement data "
                    f"are at most {_LONGEST_NUMBER} characters long",
                    node.start_mark,
                )
            build = getattr(SafeConstructor, f"construct_yaml_{name}")
            try:
                return build(self, node)
            except ConstructorError:
                raise
            except (ValueError, LookupError, TypeError, ArithmeticError):
                raise ConstructorError(
                    None,
                    None,
                    f"{node.value!r:.80} is not {_TAG_WORDS[name]}",
                    node.start_mark,
                ) from None

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if not isinstance(node, MappingNode):
                raise ConstructorError(
                    None, None, f"expected a mapping, found {node.id}", node.start_mark
                )
            mapping: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise ConstructorError(
                        None,
                        None,
                        "a key must be a string, not a list or a mapping",
                        key_node.start_mark,
                    )
                key = self.construct_object(key_node, deep=deep)
                if key in mapping:
                    where = getattr(self, "paths", {}).get(id(node), "$")
                    raise RefusedError(_TWICE, key_node.start_mark, child(where, str(key)))
                mapping[key] = self.construct_object(value_node, deep=deep)
            return mapping

    for tag, name in _PLAIN_TAGS.items():
        PlainConstructor.yaml_constructors[tag] = (
            getattr(SafeConstructor, f"construct_yaml_{name}")
            if name in ("seq", "map")
            else PlainConstructor.construct_checked
        )
    PlainConstructor.yaml_constructors[None] = PlainConstructor.construct_undefined

    class PlainLoader(Reader, Scanner, Parser, BoundedComposer, PlainConstructor, PlainResolver):
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            BoundedComposer.__init__(self)
            PlainConstructor.__init__(self)
            PlainResolver.__init__(self)

    return PlainLoader


def _parse_yaml(text: str, source: str) -> object:
    yaml = _yaml()
    loader = None
    try:
        loader = _yaml_loader()(text)  # the reader checks the characters at once
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = source if mark is None else f"{source}:{mark.line + 1}:{mark.column + 1}"
        path = getattr(exc, "path", None)
        if path is not None:  # valid YAML, refused as agreement data
            raise _error([Problem(where, path, exc.problem or "")]) from None
        reason = exc.problem or str(exc)
        raise AgreementDataError([Problem(where, "", f"is not valid YAML: {reason}")]) from None
    except yaml.reader.ReaderError as exc:
        where = _where(source, text, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character[:1] or " ")
        reason = f"the character U+{code:04X} is not allowed ({exc.reason})"
        raise AgreementDataError([Problem(where, "", f"is not valid YAML: {reason}")]) from None
    except AgreementDataError:
        raise
    except (ValueError, OverflowError) as exc:  # PyYAML's scanner: "\U1e999999" is no character
        mark = loader.get_mark() if loader is not None else None
        where = source if mark is None else f"{source}:{mark.line + 1}:{mark.column + 1}"
        reason = f"an escape names no Unicode character ({exc})"
        raise AgreementDataError([Problem(where, "", f"is not valid YAML: {reason}")]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every YAML error has a mark or position
        raise AgreementDataError([Problem(source, "", f"is not valid YAML: {exc}")]) from None
    except RecursionError:  # pragma: no cover - the composer checks the depth
        raise AgreementDataError([Problem(source, "", TOO_DEEP)]) from None
    finally:
        if loader is not None:
            loader.dispose()


def loads(text: str, format: Format = "json", *, kind: type | None = None) -> Any:
    """Return the agreement (or the node of type ``kind``) that JSON, YAML or TOML ``text`` holds.

    Reading is bounded whatever the text: see the limits page of the docs
    (nesting depth, number of values, size of numbers, problems reported).

    Raises:
        AgreementDataError: the text is not valid in its format, or does not
            describe a valid agreement; ``problems`` lists the problems found,
            each with its line and column or its path.
        DefinitionError: ``format`` is not one of the three, or ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise DefinitionError(
            f"loads() reads text (a str), got {type(text).__name__}; decode bytes as UTF-8 first"
        )
    return from_data(_parse(text, format, f"<{format}>"), kind)


def read_agreement(path: str | Path, *, kind: type | None = None) -> Any:
    """Return the agreement in a ``.json``, ``.yaml``/``.yml`` or ``.toml`` file.

    Raises:
        AgreementDataError: the file is not UTF-8 text, or does not describe a
            valid agreement; every problem is listed with its line and column
            or its path (``$.tier.fee.amount``).
        OSError: the file cannot be read.
    """
    fmt = format_of(path)
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start : exc.start + 1].hex()
        raise AgreementDataError(
            [
                Problem(
                    f"{path}:{line}:{column}",
                    "",
                    f"is not UTF-8 text (byte 0x{byte}); save the file as UTF-8",
                )
            ]
        ) from None
    return from_data(_parse(text, fmt, str(path)), kind)


def write_agreement(node: object, path: str | Path) -> Path:
    """Write an agreement to a file in the format its suffix names, and return the path."""
    target = Path(path)
    target.write_text(dumps(node, format_of(target)), encoding="utf-8")
    return target


# --- a small TOML writer --------------------------------------------------------------------

_BARE_KEY: Final = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(name: str) -> str:
    return name if _BARE_KEY.match(name) else _string(name)


def _string(text: str) -> str:
    encoded = json.dumps(text, ensure_ascii=False)  # JSON's escapes are TOML's
    return encoded.replace("\x7f", "\\u007f")


def _inline(value: object, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v, where) for v in value) + "]"
    if isinstance(value, dict):
        items = [f"{_key(k)} = {_inline(v, where)}" for k, v in value.items() if v is not None]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    raise DefinitionError(f"{where}: TOML cannot hold {value!r}")


def _is_table_array(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _table(table: dict[str, Any], prefix: list[str], lines: list[str]) -> None:
    keys = [k for k, v in table.items() if v is not None]
    tables = [k for k in keys if isinstance(table[k], dict) or _is_table_array(table[k])]
    if "type" not in table and "slakit" not in table:
        # In a mapping that may be named pairs (whose order matters, such as states), a
        # sub-table is a [section] only when no plain key follows it, so the order holds.
        trailing: list[str] = []
        for k in reversed(keys):
            if k not in tables:
                break
            trailing.insert(0, k)
        tables = trailing
    lines.extend(
        f"{_key(k)} = {_inline(table[k], '.'.join([*prefix, k]))}" for k in keys if k not in tables
    )
    for k in tables:
        path = [*prefix, k]
        header = ".".join(_key(p) for p in path)
        if isinstance(table[k], dict):
            lines.extend(("", f"[{header}]"))
            _table(table[k], path, lines)
        else:
            for item in table[k]:
                lines.extend(("", f"[[{header}]]"))
                _table(item, path, lines)


def toml_dumps(data: dict[str, Any]) -> str:
    """Return plain data (a mapping) as TOML text; ``None`` values are left out."""
    lines: list[str] = []
    _table(data, [], lines)
    return "\n".join(lines) + "\n"
