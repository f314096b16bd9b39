"""Nodes to plain data and back, losslessly, collecting every problem with its path.

Plain data is what JSON holds: mappings with string keys, lists, strings,
integers, booleans and ``null``. Exact numbers are strings (``"12000.00"``,
``"99.95%"``), lengths of time are words (``"5 minutes"``; ISO 8601 such as
``"PT5M"`` is read too), instants are ISO 8601 with an offset, money is
``{"amount": "12000.00", "currency": "USD"}``. Reading data never executes
code: it only calls the DSL's constructors and factories with decoded values.

Reading data is bounded, whatever the data (see ``docs/explanation/limits.md``):
nesting at most ``MAX_DEPTH`` levels deep, at most ``MAX_VALUES`` values (aliases
counted every time they are used), numbers of at most ``MAX_INTEGER_DIGITS``
digits before the point and ``MAX_DECIMAL_PLACES`` after it, and whole numbers
that fit 64 bits; an error keeps the first ``MAX_PROBLEMS`` problems and counts
the rest. The document's shape is checked first, without recursion, so no input
can exhaust the stack or the time of the decoder. Reading and writing run in a
decimal context of their own, and the steps that must be exact in one that traps
any rounding: the thread's context (28 digits by default) is never used.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import attrs

from slakit._data._registry import FieldSpec, NodeType, Shape, node_type, subtypes
from slakit._ratio import (
    MAX_DECIMAL_PLACES,
    MAX_INTEGER_DIGITS,
    bounds_problem,
    number_text_problem,
)
from slakit.exceptions import AgreementDataError, Problem, SlakitError

__all__ = [
    "FORMAT",
    "INVALID",
    "MAX_DECIMAL_PLACES",
    "MAX_DEPTH",
    "MAX_INTEGER_DIGITS",
    "MAX_PROBLEMS",
    "MAX_VALUES",
    "MAX_WHOLE",
    "TOO_DEEP",
    "TOO_MANY",
    "Context",
    "decode",
    "encode",
    "from_data",
    "number_problem",
    "shape_problem",
    "to_data",
]

#: The version of the data format, written as ``"slakit": 1`` at the top of a document.
FORMAT: Final = 1

# --- the limits (docs/explanation/limits.md lists each, with the reason) -----------------

#: Mappings and lists nest at most this deep; the document itself is level 1.
MAX_DEPTH: Final = 64
#: A document holds at most this many values (mappings, lists and leaves), each use of a
#: YAML alias counted again, as the decoder would see it.
MAX_VALUES: Final = 100_000
#: An error keeps the first problems found, and counts the rest.
MAX_PROBLEMS: Final = 50
# A number has at most MAX_INTEGER_DIGITS digits before the decimal point and
# MAX_DECIMAL_PLACES after it, as written: the bounds of every number, in ``slakit._ratio``,
# which the DSL applies too.
#: A whole-number field (a count, a day, a number of periods) fits a signed 64-bit integer.
MAX_WHOLE: Final = 2**63 - 1
#: The longest value echoed in a message, in characters; a longer one is cut.
_ECHO: Final = 80

#: The problem with a document nested deeper than ``MAX_DEPTH``.
TOO_DEEP: Final = (
    f"nests deeper than {MAX_DEPTH} levels of mappings and lists; an agreement needs far "
    "fewer: flatten it (nested complements of a calendar cancel in pairs)"
)
#: The problem with a document of more than ``MAX_VALUES`` values.
TOO_MANY: Final = (
    f"the document holds more than {MAX_VALUES:,} values (each use of a YAML alias counts "
    "again); an agreement needs far fewer: split the document, or write the repeated part once"
)


class _Invalid:
    """The result of decoding data that had problems (they are in the context)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "INVALID"


INVALID: Final = _Invalid()


@attrs.define
class Context:
    """The problems found while decoding, each with its path.

    The first ``MAX_PROBLEMS`` are kept; ``omitted`` counts the others, so that
    no document, however many of its values are wrong, makes an error of
    unbounded size.
    """

    problems: list[Problem] = attrs.field(factory=list)
    omitted: int = 0

    def add(self, path: str, message: str) -> _Invalid:
        """Record a problem at ``path`` and return ``INVALID``."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(where=path, field="", message=message))
        else:
            self.omitted += 1
        return INVALID

    @property
    def failed(self) -> bool:
        """Whether any problem was found (kept or omitted)."""
        return bool(self.problems) or self.omitted > 0

    def error(self) -> AgreementDataError:
        """Return the error that reports every problem found."""
        return AgreementDataError(self.problems, omitted=self.omitted)


def child(path: str, key: str | int) -> str:
    """Return the path of ``key`` (a field name or an index) below ``path``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        return f"{path}.{key}"
    return f"{path}[{key!r}]"


def _show(data: object) -> str:
    if isinstance(data, str):
        return _cut(data)
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, dict):
        return "a mapping"
    if isinstance(data, list):
        return "a list"
    if data is None:
        return "null"
    if isinstance(data, int) and not isinstance(data, bool) and abs(data) > 10**_ECHO:
        # str() of a huge int is slow, and refused past 4,300 digits: count digits from bits
        return f"a whole number of about {int(abs(data).bit_length() * 0.30103) + 1:,} digits"
    return _echo(data)


def _cut(text: str) -> str:
    return text if len(text) <= _ECHO else f"{text[:_ECHO]}... ({len(text)} characters)"


def _echo(data: object) -> str:
    """Return ``repr(data)``, cut to a readable length."""
    if isinstance(data, int) and not isinstance(data, bool) and abs(data) > 10**_ECHO:
        return _show(data)
    return _cut(repr(data))


# --- the shape of the document: depth and size, checked without recursion -----------------


def _path_of(entry: tuple[Any, ...] | None) -> str:
    keys: list[str | int] = []
    while entry is not None and entry[1] is not None:
        keys.append(entry[1])
        entry = entry[0]
    path = "$"
    for key in reversed(keys):
        path = child(path, key)
    return path


def shape_problem(data: object) -> Problem | None:
    """Return the problem with the document's shape (too deep, too many values), if any.

    The walk is iterative and stops at the first limit crossed, so it is
    bounded by ``MAX_VALUES`` steps whatever ``data`` is, even a structure
    that contains itself (which is infinitely deep). A value shared between
    places (a YAML alias) counts once per place, as decoding would visit it.
    """
    # Each entry is (parent entry, key in the parent); the path is rebuilt only on failure.
    stack: list[tuple[object, int, tuple[Any, ...] | None]] = [(data, 1, None)]
    seen = 0
    while stack:
        value, depth, entry = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            return Problem(_path_of(entry), "", TOO_MANY)
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            return Problem(_path_of(entry), "", TOO_DEEP)
        items = value.items() if isinstance(value, dict) else enumerate(value)
        children = [
            (item, depth + 1, (entry, key if isinstance(key, str | int) else _echo(key)))
            for key, item in items
        ]
        stack.extend(reversed(children))
    return None


# --- numbers: bounded magnitudes, exact arithmetic ------------------------------------------

_NUMBER: Final = re.compile(r"[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9][0-9_]*")


def _bounds_problem(value: Decimal) -> str | None:
    return bounds_problem(value) if value.is_finite() else None


def number_problem(text: str) -> str | None:
    """Return why a number written in ``text`` is out of bounds, or ``None``.

    Every number in the text counts (``"4 hours"``, ``"[99%, 1e3)"``), so a
    value that a measure reads in its own units is bounded as well. A number
    is in bounds with at most ``MAX_INTEGER_DIGITS`` digits before the point
    and ``MAX_DECIMAL_PLACES`` after it, as written: ``1e30`` and ``1e-31``
    are both out.
    """
    for match in _NUMBER.finditer(text):
        token = match[0].replace("_", "")
        if len(token) > MAX_INTEGER_DIGITS + MAX_DECIMAL_PLACES + 8:
            return _out_of_bounds(f"{token[:20]}... ({len(token)} characters)", "is too long")
        try:
            value = Decimal(token)
        except InvalidOperation:
            continue
        why = _bounds_problem(value)
        if why is not None:
            return _out_of_bounds(token, why)
    return None


def _out_of_bounds(token: str, why: str) -> str:
    return (
        f"the number {token} {why}; numbers in agreement data have at most "
        f"{MAX_INTEGER_DIGITS} digits before the decimal point and {MAX_DECIMAL_PLACES} after it"
    )


#: The context that reading and writing data run in, whatever the thread's context: enough
#: digits for any two numbers in bounds to add or multiply exactly (2 x (30 + 30) digits),
#: the default traps, and the widest exponents. Steps that must be exact use ``_exact()``.
_DATA_CONTEXT: Final = decimal.Context(
    prec=2 * (MAX_INTEGER_DIGITS + MAX_DECIMAL_PLACES) + 8,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=decimal.MIN_EMIN,
    Emax=decimal.MAX_EMAX,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)


def _exact(*values: Decimal) -> decimal.Context:
    """Return a context in which shifting or normalising ``values`` rounds nothing.

    ``Inexact`` and ``Rounded`` are trapped, so a result that would need more
    digits is an error rather than a quietly rounded figure.
    """
    digits = max((len(v.as_tuple().digits) for v in values), default=1)
    return decimal.Context(
        prec=max(digits, 1) + 2,
        Emin=decimal.MIN_EMIN,
        Emax=decimal.MAX_EMAX,
        traps=[decimal.Inexact, decimal.Rounded, decimal.InvalidOperation, decimal.Overflow],
    )


# --- leaves ---------------------------------------------------------------------------------


def percent_text(value: Decimal) -> str:
    """Return a ratio as an exact percentage: ``Decimal("0.9995")`` -> ``"99.95%"``."""
    with decimal.localcontext(_exact(value)):
        scaled = value.scaleb(2)
        text = f"{scaled.normalize():f}" if scaled != 0 else "0"
    return f"{text}%"


def _decimal(data: object, path: str, ctx: Context) -> Decimal | _Invalid:
    if isinstance(data, bool):
        return ctx.add(path, f"must be a number written as a string such as '12.50', got {data}")
    if isinstance(data, int):
        if abs(data) >= 10**MAX_INTEGER_DIGITS:
            return ctx.add(
                path, _out_of_bounds(_show(data), f"is 10**{MAX_INTEGER_DIGITS} or more")
            )
        return Decimal(data)
    if isinstance(data, float):
        return ctx.add(
            path,
            f"is a float ({data!r}), which cannot hold exact amounts; quote it as a string "
            f"such as '{data}'",
        )
    if isinstance(data, str):
        syntax = number_text_problem(data)
        try:
            value = Decimal(data.strip())
        except InvalidOperation:
            syntax = syntax or "write it like '12.50'"
        if syntax is not None:
            return ctx.add(path, f"must be a number such as '12.50', got {_echo(data)}: {syntax}")
        if value.is_finite():
            why = _bounds_problem(value)
            if why is not None:
                return ctx.add(path, _out_of_bounds(_cut(data.strip()), why))
            return value
    return ctx.add(path, f"must be a finite number such as '12.50', got {_show(data)}")


def _percent(data: object, path: str, ctx: Context) -> Decimal | _Invalid:
    if isinstance(data, float):
        return ctx.add(path, f"is a float ({data!r}); write a percentage such as '{data}%'")
    if not isinstance(data, str) or not data.strip().endswith("%"):
        return ctx.add(path, f"must be a percentage such as '99.95%', got {_show(data)}")
    syntax = number_text_problem(data.strip()[:-1], "%")
    if syntax is not None:
        return ctx.add(path, f"must be a percentage such as '99.95%', got {_echo(data)}: {syntax}")
    written = Decimal(data.strip()[:-1].strip())
    if not written.is_finite() or not 0 <= written <= 100:
        return ctx.add(path, f"must be between 0% and 100%, got {_cut(data.strip())}")
    why = _bounds_problem(written)
    if why is not None:
        return ctx.add(path, _out_of_bounds(_cut(data.strip()), why))
    if not written:
        return Decimal(0)
    with decimal.localcontext(_exact(written)):
        return written.scaleb(-2).normalize()


_ISO_DURATION: Final = re.compile(
    r"^P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d{1,6})?)S)?)?$"
)


def _duration(data: object, path: str, ctx: Context) -> Any:
    from slakit._dsl._quantities import coerce_duration

    if not isinstance(data, str) or not data.strip():
        return ctx.add(
            path, f"must be a length of time such as '5 minutes' or 'PT5M', got {_show(data)}"
        )
    text = data.strip()
    why = number_problem(text)
    if why is not None:
        return ctx.add(path, why)
    iso = _ISO_DURATION.match(text.upper())
    if iso is not None and text.upper() not in ("P", "PT"):
        us = 0  # whole microseconds, in integers: exact whatever the decimal context
        for unit, size in (("days", 86_400), ("hours", 3600), ("minutes", 60)):
            if iso[unit]:
                us += int(iso[unit]) * size * 1_000_000
        if iso["seconds"]:
            whole, _, fraction = iso["seconds"].partition(".")
            us += int(whole) * 1_000_000 + int(fraction.ljust(6, "0"))
        return _bounded_duration(us, data, path, ctx)
    try:
        exact = coerce_duration(text, name="duration")
    except SlakitError:
        return ctx.add(
            path,
            f"must be a length of time such as '5 minutes', '1 hour 30 minutes' or 'PT5M', "
            f"got {_echo(data)}",
        )
    if exact != exact.to_integral_value():
        return ctx.add(path, f"must be a whole number of microseconds, got {_echo(data)}")
    return _bounded_duration(int(exact), data, path, ctx)


def _bounded_duration(us: int, data: str, path: str, ctx: Context) -> Any:
    from slakit._time._instant import Duration

    try:
        return Duration(us)  # the time layer bounds the length, and says so
    except SlakitError as exc:
        return ctx.add(path, f"{_cut(data.strip())}: {_message(exc)}")


def _instant(data: object, path: str, ctx: Context) -> int | _Invalid:
    from slakit._time._instant import to_us

    if isinstance(data, dt.datetime):
        data = data.isoformat()
    if isinstance(data, dt.date):
        return ctx.add(
            path,
            f"is a date without a time or zone ({data.isoformat()}); write an instant such as "
            f"'{data.isoformat()}T00:00:00Z'",
        )
    if isinstance(data, bool) or not isinstance(data, str | int):
        return ctx.add(
            path, f"must be an instant such as '2026-01-01T00:00:00Z', got {_echo(data)}"
        )
    if isinstance(data, int) and abs(data) > MAX_WHOLE:
        return ctx.add(
            path, f"must be an instant such as '2026-01-01T00:00:00Z', got {_show(data)}"
        )
    if isinstance(data, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", data.strip()):
        return ctx.add(
            path,
            f"is a date without a time or zone ({data}); write an instant such as "
            f"'{data.strip()}T00:00:00Z'",
        )
    try:
        return to_us(data, name="instant")
    except SlakitError as exc:
        return ctx.add(path, _message(exc, "instant"))


def _message(exc: BaseException, name: str | None = None) -> str:
    text = str(exc)
    if name is not None:
        text = re.sub(rf"^{re.escape(name)}=", "", text)
    return text


# --- encoding -----------------------------------------------------------------------------


def encode(value: object, shape: Shape) -> Any:
    """Return ``value``, of the given shape, as plain data."""
    kind = shape.kind
    if kind == "union":
        member = _member_for(value, shape)
        if member.kind == "node" and sum(m.kind == "node" for m in shape.items) > 1:
            assert member.cls is not None
            return encode_node(value, member.cls, tagged=True)
        return encode(value, member)
    if value is None:
        return None
    if kind == "node":
        assert shape.cls is not None
        return encode_node(value, shape.cls)
    if kind == "decimal":
        assert isinstance(value, Decimal)
        return percent_text(value) if shape.hint == "percent" else str(value)
    if kind == "int" and shape.hint == "instant":
        from slakit._time._instant import format_us

        return format_us(value)  # type: ignore[arg-type]
    if kind == "duration":
        from slakit._time._instant import describe_us

        return describe_us(value.us)  # type: ignore[attr-defined]
    if kind == "tuple":
        return [encode(item, shape.items[0]) for item in value]  # type: ignore[attr-defined]
    if kind == "fixed":
        items: tuple[object, ...] = tuple(value)  # type: ignore[arg-type]
        return [encode(item, s) for item, s in zip(items, shape.items, strict=True)]
    if kind == "pairs":
        pairs: tuple[tuple[str, object], ...] = tuple(value)  # type: ignore[arg-type]
        names = [name for name, _ in pairs]
        if len(set(names)) == len(names):
            return {name: encode(item, shape.items[0]) for name, item in pairs}
        return [[name, encode(item, shape.items[0])] for name, item in pairs]
    return value  # str, int, bool, literal


def _matches(value: object, shape: Shape) -> bool:
    from slakit._time._instant import Duration

    kind = shape.kind
    if kind == "none":
        return value is None
    if kind == "literal":
        return any(type(value) is type(v) and value == v for v in shape.values)
    if kind == "node":
        assert shape.cls is not None
        return isinstance(value, shape.cls)
    if kind == "decimal":
        return isinstance(value, Decimal)
    if kind == "duration":
        return isinstance(value, Duration)
    if kind in ("tuple", "pairs", "fixed"):
        return isinstance(value, tuple)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str)


def _member_for(value: object, shape: Shape) -> Shape:
    for member in shape.items:
        if _matches(value, member):
            return member
    raise SlakitError(f"cannot write {value!r} to data: it is none of the field's types")


def _polymorphic(cls: type) -> bool:
    subs = subtypes(cls)
    return len(subs) != 1 or subs[0].cls is not cls


def encode_node(value: object, declared: type, *, tagged: bool = False) -> Any:
    """Return a node as a mapping, tagged with ``"type"`` when ``declared`` allows others."""
    node = node_type(type(value))
    if node is None:
        raise SlakitError(
            f"cannot write {value!r} to data: {type(value).__qualname__} is not a registered "
            "node; register it with slakit._data._registry.register"
        )
    out: dict[str, Any] = {}
    if tagged or _polymorphic(declared) or type(value) is not declared:
        out["type"] = node.tag
    if node.codec is not None:
        encoded = node.codec.encode(value)
        if not isinstance(encoded, dict):
            return encoded
        out.update(encoded)
        return out
    for field in node.fields:
        item = getattr(value, field.name)
        if not field.required and _same(item, field.default_value()):
            continue
        if field.shape.hint == "measure" and field.shape.kind == "decimal":
            out[field.name] = measure_text(item, getattr(value, "measure", None))
        else:
            out[field.name] = encode(item, field.shape)
    return out


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


def measure_text(value: Decimal, measure: Any) -> str:
    """Return a value in the units of ``measure`` as it writes them, if that reads back exactly."""
    if measure is not None:
        text: str = measure.format_value(value)
        try:
            if measure.coerce(text) == value:
                return text
        except SlakitError:
            pass
    return str(value)


def measure_value(data: object, measure: Any, path: str, ctx: Context) -> Any:
    """Return a value written in the units of ``measure`` (``"99.9%"``, ``"4 hours"``, ``"3"``)."""
    if isinstance(data, int) and not isinstance(data, bool):
        if abs(data) >= 10**MAX_INTEGER_DIGITS:
            return ctx.add(
                path, _out_of_bounds(_show(data), f"is 10**{MAX_INTEGER_DIGITS} or more")
            )
        data = str(data)
    if not isinstance(data, str):
        return ctx.add(
            path, f"must be a value of the measure written as a string, got {_echo(data)}"
        )
    why = number_problem(data)
    if why is not None:
        return ctx.add(path, why)
    if measure is None:
        return _decimal(data, path, ctx)
    try:
        return measure.coerce(data, name="value")
    except SlakitError as exc:
        first = exc
    try:
        plain = Decimal(data.strip())
    except InvalidOperation:
        return ctx.add(path, _message(first, "value"))
    try:
        return measure.coerce(plain, name="value")
    except SlakitError as exc:
        return ctx.add(path, _message(exc, "value"))


# --- decoding -----------------------------------------------------------------------------


def _accepts(data: object, shape: Shape) -> bool:
    kind = shape.kind
    if kind == "none":
        return data is None
    if kind == "literal":
        return any(type(data) is type(v) and data == v for v in shape.values)
    if kind == "node":
        assert shape.cls is not None
        return isinstance(data, dict) or (
            isinstance(data, str) and any(n.codec is not None for n in subtypes(shape.cls))
        )
    if kind in ("tuple", "fixed"):
        return isinstance(data, list)
    if kind == "pairs":
        return isinstance(data, dict | list)
    if kind == "bool":
        return isinstance(data, bool)
    if kind == "int":
        if shape.hint == "instant":
            return isinstance(data, str | dt.datetime)
        return isinstance(data, int) and not isinstance(data, bool)
    if kind == "decimal":
        return isinstance(data, str | int) and not isinstance(data, bool)
    return isinstance(data, str)  # str, duration


def decode(data: object, shape: Shape, path: str, ctx: Context) -> Any:
    """Return the value of ``shape`` that ``data`` holds, or ``INVALID`` (problems in ctx)."""
    kind = shape.kind
    if kind == "union":
        return _decode_union(data, shape, path, ctx)
    if kind == "none":
        return None if data is None else ctx.add(path, f"must be null, got {_show(data)}")
    if kind == "node":
        assert shape.cls is not None
        return decode_node(data, subtypes(shape.cls), path, ctx)
    if kind == "literal":
        if _accepts(data, shape):
            return data
        allowed = ", ".join(repr(v) for v in shape.values)
        return ctx.add(path, f"must be one of {allowed}, got {_show(data)}")
    if kind == "str":
        if isinstance(data, dt.date):  # YAML and TOML read unquoted dates
            return data.isoformat()
        if isinstance(data, str):
            return data
        return ctx.add(path, f"must be a string, got {_show(data)}")
    if kind == "bool":
        if isinstance(data, bool):
            return data
        return ctx.add(path, f"must be true or false, got {_show(data)}")
    if kind == "int":
        if shape.hint == "instant":
            return _instant(data, path, ctx)
        if isinstance(data, int) and not isinstance(data, bool):
            if abs(data) > MAX_WHOLE:
                return ctx.add(
                    path,
                    f"must be a whole number that fits 64 bits (below 2**63), got {_show(data)}",
                )
            return data
        return ctx.add(path, f"must be a whole number, got {_show(data)}")
    if kind == "decimal":
        if shape.hint == "percent":
            return _percent(data, path, ctx)
        return _decimal(data, path, ctx)
    if kind == "duration":
        return _duration(data, path, ctx)
    if kind == "tuple":
        return _decode_list(data, shape.items[0], path, ctx)
    if kind == "fixed":
        if not isinstance(data, list) or len(data) != len(shape.items):
            return ctx.add(path, f"must be a list of {len(shape.items)} items, got {_show(data)}")
        items = [
            decode(d, s, child(path, i), ctx)
            for i, (d, s) in enumerate(zip(data, shape.items, strict=True))
        ]
        return INVALID if any(i is INVALID for i in items) else tuple(items)
    return _decode_pairs(data, shape.items[0], path, ctx)


def _decode_list(data: object, item: Shape, path: str, ctx: Context) -> Any:
    if not isinstance(data, list):
        return ctx.add(path, f"must be a list, got {_show(data)}")
    items = [decode(d, item, child(path, i), ctx) for i, d in enumerate(data)]
    return INVALID if any(i is INVALID for i in items) else tuple(items)


def _decode_pairs(data: object, item: Shape, path: str, ctx: Context) -> Any:
    if isinstance(data, dict):
        pairs = list(data.items())
    elif isinstance(data, list) and all(isinstance(p, list) and len(p) == 2 for p in data):
        pairs = [(p[0], p[1]) for p in data]
    else:
        return ctx.add(path, f"must be a mapping of names to values, got {_show(data)}")
    out: list[tuple[str, Any]] = []
    bad = False
    for name, value in pairs:
        if not isinstance(name, str):
            ctx.add(path, f"names must be strings, got {_echo(name)}")
            bad = True
            continue
        out.append((name, decode(value, item, child(path, name), ctx)))
    return INVALID if bad or any(p[1] is INVALID for p in out) else tuple(out)


def _decode_union(data: object, shape: Shape, path: str, ctx: Context) -> Any:
    members = [m for m in shape.items if _accepts(data, m)]
    literal = [m for m in members if m.kind == "literal"]
    if literal:
        return data
    nodes = [m for m in members if m.kind == "node"]
    if isinstance(data, dict) and nodes:
        allowed: dict[type, NodeType] = {}
        for member in nodes:
            assert member.cls is not None
            allowed.update({n.cls: n for n in subtypes(member.cls)})
        return decode_node(data, tuple(allowed.values()), path, ctx)
    if not members:
        return ctx.add(path, f"must be {_describe_union(shape)}, got {_show(data)}")
    for member in members[:-1]:
        scratch = Context()
        value = decode(data, member, path, scratch)
        if value is not INVALID:
            return value
    return decode(data, members[-1], path, ctx)


def _describe_union(shape: Shape) -> str:
    words = {
        "none": "null",
        "str": "a string",
        "int": "a whole number",
        "bool": "true or false",
        "decimal": "a number",
        "duration": "a length of time",
        "tuple": "a list",
        "fixed": "a list",
        "pairs": "a mapping",
        "node": "a mapping",
    }
    seen: list[str] = []
    for member in shape.items:
        if member.kind == "literal":
            text = " or ".join(repr(v) for v in member.values)
        elif member.kind == "decimal" and member.hint == "percent":
            text = "a percentage"
        else:
            text = words[member.kind]
        if text not in seen:
            seen.append(text)
    return ", ".join(seen[:-1]) + (" or " if len(seen) > 1 else "") + seen[-1]


def decode_node(data: object, allowed: tuple[NodeType, ...], path: str, ctx: Context) -> Any:
    """Return the node that ``data`` describes, one of the ``allowed`` node types."""
    if isinstance(data, str):
        textual = [n for n in allowed if n.codec is not None]
        if len(textual) == 1:
            return textual[0].codec.decode(data, path, ctx)  # type: ignore[union-attr]
    if not isinstance(data, dict):
        return ctx.add(path, f"must be a mapping, got {_show(data)}")
    tags = {n.tag: n for n in allowed}
    tag = data.get("type")
    if tag is None:
        if len(allowed) != 1:
            return ctx.add(path, f"needs a 'type', one of {', '.join(sorted(tags))}")
        node = allowed[0]
    elif not isinstance(tag, str) or tag not in tags:
        return ctx.add(
            child(path, "type"),
            f"must be one of {', '.join(sorted(tags))}, got {_show(tag)}",
        )
    else:
        node = tags[tag]
    body = {k: v for k, v in data.items() if k != "type"}
    if node.codec is not None:
        return node.codec.decode(body, path, ctx)
    return decode_fields(node, body, path, ctx)


def decode_fields(
    node: NodeType,
    body: Mapping[str, Any],
    path: str,
    ctx: Context,
    build: Callable[..., object] | None = None,
) -> Any:
    """Decode a node's fields from ``body`` and build it, recording every problem."""
    fields = {f.name: f for f in node.fields}
    bad = False
    for key in body:
        if key not in fields:
            expected = ", ".join(fields) or "no fields"
            ctx.add(child(path, str(key)), f"is not a field of {node.tag}; expected {expected}")
            bad = True
    kwargs: dict[str, Any] = {}
    for field in fields.values():
        where = child(path, field.name)
        if field.name in body:
            value = _decode_field(field, body[field.name], kwargs, where, ctx)
        elif field.required and _optional(field.shape):
            value = None
        elif field.required:
            ctx.add(where, "is required")
            bad = True
            continue
        else:
            continue
        if value is INVALID:
            bad = True
        else:
            kwargs[field.alias] = value
    if bad:
        return INVALID
    return construct(node, kwargs, path, ctx, build)


def _optional(shape: Shape) -> bool:
    return shape.kind == "union" and any(m.kind == "none" for m in shape.items)


def _decode_field(
    field: FieldSpec, data: object, kwargs: Mapping[str, Any], path: str, ctx: Context
) -> Any:
    if field.shape.kind == "decimal" and field.shape.hint == "measure":
        if "measure" not in kwargs:
            return INVALID  # the measure's own problems are reported; its units are unknown
        return measure_value(data, kwargs["measure"], path, ctx)
    return decode(data, field.shape, path, ctx)


def construct(
    node: NodeType,
    kwargs: dict[str, Any],
    path: str,
    ctx: Context,
    build: Callable[..., object] | None = None,
) -> Any:
    """Call the node's factory (or class) with ``kwargs``; a refusal becomes a problem."""
    make = build or node.build or node.cls
    try:
        return make(**kwargs)
    except (SlakitError, ValueError, TypeError, ArithmeticError) as exc:
        text = str(exc)
        for field in node.fields:
            prefix = f"{field.name}="
            if text.startswith(prefix) and field.alias in kwargs:
                return ctx.add(child(path, field.name), text)
        return ctx.add(path, text)


# --- the public entry points ---------------------------------------------------------------


def to_data(node: object) -> dict[str, Any]:
    """Return an agreement, a tier or any other DSL node as plain data.

    The result holds only mappings, lists, strings, integers, booleans and
    ``None``, so it writes to JSON, YAML or TOML as it is; [`from_data()`][slakit.from_data]
    reads it back to an equal object.

    Raises:
        SlakitError: the node holds an object of a class that is not a registered node.
    """
    from slakit._data import _nodes  # noqa: F401  (registers the DSL's nodes)

    out: dict[str, Any] = {"slakit": FORMAT}
    with decimal.localcontext(_DATA_CONTEXT):
        out.update(encode_node(node, object))
    return out


def from_data(data: object, kind: type | None = None) -> Any:
    """Return the node that plain ``data`` describes (an ``Agreement`` by default).

    Every problem is collected, each with its path from ``$`` (the top of the
    document), and reported together (the first 50, and a count of the rest).
    Reading is bounded whatever ``data`` is: its depth and number of values
    are checked first, without recursion, and numbers must be within bounds
    (see the limits page of the docs). It runs in a decimal context of its
    own, so the thread's context never changes what is read.

    Raises:
        AgreementDataError: the data does not describe a valid node; its
            ``problems`` lists the problems found.
    """
    from slakit._data import _nodes  # noqa: F401  (registers the DSL's nodes)

    if kind is None:
        from slakit._dsl._agreement import Agreement

        kind = Agreement
    with decimal.localcontext(_DATA_CONTEXT):
        return _from_data(data, kind)


def _from_data(data: object, kind: type) -> Any:
    ctx = Context()
    if not isinstance(data, dict):
        ctx.add("$", f"must be a mapping, got {_show(data)}")
        raise ctx.error()
    shape = shape_problem(data)
    if shape is not None:
        raise AgreementDataError([shape])
    body = dict(data)
    version = body.pop("slakit", FORMAT)
    if type(version) is not int:  # not a bool: true == 1 in Python, never a format version
        ctx.add(
            "$.slakit",
            f"must be the data format version, the whole number {FORMAT}, got {_show(version)}",
        )
        raise ctx.error()
    if version != FORMAT:
        ctx.add("$.slakit", f"is data format {_show(version)}; this slakit reads format {FORMAT}")
        raise ctx.error()
    node = node_type(kind)
    allowed = subtypes(kind) if node is None else (node,)
    if not allowed:
        raise SlakitError(f"{kind!r} is not a node type that data can describe")
    value = decode_node(body, allowed, "$", ctx)
    if ctx.failed or value is INVALID:
        raise ctx.error()
    return value
