"""DSL nodes: their public name, and how they print, read from their ``attrs`` fields.

A node is an ``attrs`` class of the DSL decorated with ``@node("name")``. The
name is the factory that builds it (``per_breach``), which is also its tag in
agreement data. Its ``repr`` is that call, generated from the fields:

- fields marked ``positional`` come first, as positional arguments; a field
  marked ``spread`` (a tuple) gives one positional argument per item
  (``total(a, b)``);
- every other field is a keyword argument, left out while it equals its
  default (a field without a default is always shown);
- tuples print as lists, and fields marked ``pairs`` (a tuple of
  ``(key, value)`` pairs) as a dict;
- a field marked ``percent`` prints its ``Decimal`` ratio as ``'99.9%'``, and
  ``text`` names any other function from the value to the source text printed, and
  ``units_of`` prints a value in the units of a sibling field's measure.

The same metadata tells the data codec which fields are percentages, so the
printed form and the data form cannot disagree. Mark fields with
``attrs.field(metadata=shown(...))``. A class whose printed form is not one call
(an operator such as ``uptime() >= '99.9%'``, a method chain) keeps its own
``__repr__``, which ``@node`` leaves alone; each such class says why.

This module belongs to no layer: every layer may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

import attrs

from slakit._ratio import format_percent

__all__ = ["DSLRepr", "Show", "node", "node_name", "node_repr", "shown"]

_T = TypeVar("_T", bound=type)


class DSLRepr:
    """Mixin: pretty printers (IPython, Hypothesis) show ``repr(self)``, the DSL call.

    Without it, Hypothesis prints attrs classes field by field, which does not
    read as agreement code.
    """

    __slots__ = ()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


#: Every class decorated with ``@node``, by name: the one list of the DSL's node classes.
NODES: dict[str, type] = {}

#: The field metadata key under which ``shown()`` stores a field's ``Show``.
KEY = "slakit.show"


@attrs.frozen
class Show:
    """How one field prints in a node's repr and reads in its data."""

    positional: bool = False
    spread: bool = False
    pairs: bool = False
    percent: bool = False
    text: Callable[[Any], str] | None = None
    units_of: str | None = None
    always: bool = False


_PLAIN = Show()


def shown(
    *,
    positional: bool = False,
    spread: bool = False,
    pairs: bool = False,
    percent: bool = False,
    text: Callable[[Any], str] | None = None,
    units_of: str | None = None,
    always: bool = False,
) -> dict[str, Show]:
    """Return field metadata that says how the field prints (see the module docstring).

    Args:
        positional: print the field as a positional argument.
        spread: print the items of the (tuple) field as positional arguments.
        pairs: the field is a tuple of ``(key, value)`` pairs; print it as a dict.
        percent: the field is a ``Decimal`` ratio; print (and write in data) ``'99.9%'``.
        text: print the source text ``text(value)`` instead of the value's repr.
        units_of: print the value in the units of the measure held by this sibling field
            (a measure, or an objective on one), as that measure formats its values.
        always: print the keyword even when the value is the default (a time zone).
    """
    return {KEY: Show(positional, spread, pairs, percent, text, units_of, always)}


def show_of(field: attrs.Attribute[Any]) -> Show:
    """Return how ``field`` prints."""
    found = field.metadata.get(KEY, _PLAIN)
    assert isinstance(found, Show)
    return found


def node(name: str, *, call: str | Callable[[Any], str] | None = None) -> Callable[[_T], _T]:
    """Name the decorated ``attrs`` class after its factory, and print it as that call.

    Put it above ``@attrs.frozen``. A class that defines ``__repr__`` in its own
    body keeps it.

    Args:
        name: the factory's name, which is also the class's tag in agreement data.
        call: what the repr calls, when users build the class itself (``Tier(...)``), or a
            function of the node that names one of several factories (the field that
            chooses between them is then marked ``attrs.field(repr=False)``).
    """

    def decorate(cls: _T) -> _T:
        other = NODES.setdefault(name, cls)
        if other is not cls and other.__qualname__ != cls.__qualname__:  # (a reload is fine)
            raise TypeError(
                f"@node({name!r}) names both {other.__qualname__} and {cls.__qualname__}"
            )
        NODES[name] = cls
        cls.__node_name__ = name  # type: ignore[attr-defined]
        cls.__node_call__ = call or name  # type: ignore[attr-defined]
        own = vars(cls).get("__repr__")
        if own is None or _generated_by_attrs(own):
            cls.__repr__ = node_repr  # type: ignore[assignment]
        return cls

    return decorate


def _generated_by_attrs(method: object) -> bool:
    """Whether ``method`` is one attrs wrote (so the class did not write its own)."""
    code = getattr(method, "__code__", None)
    return code is not None and code.co_filename.startswith("<attrs generated")


def node_name(cls: type) -> str | None:
    """Return the factory name given to ``cls`` by ``@node``, or ``None``."""
    found = cls.__dict__.get("__node_name__")
    return found if isinstance(found, str) else None


def node_repr(self: object) -> str:
    """Return ``self`` as the call that builds it (see the module docstring)."""
    cls = type(self)
    name = cls.__dict__.get("__node_call__") or cls.__name__
    if callable(name):
        name = name(self)
    return f"{name}({', '.join(_arguments(self))})"


def _arguments(self: Any) -> Iterator[str]:
    keywords: list[str] = []
    for field in attrs.fields(type(self)):
        if not field.init or not field.repr:
            continue
        how = show_of(field)
        value = getattr(self, field.name)
        if how.units_of is not None:
            measure = getattr(self, how.units_of)
            measure = getattr(measure, "measure", measure)  # an objective's measure
            how = Show(positional=how.positional, text=_in_units(measure))
        if how.spread:
            yield from (_text(item, how) for item in value)
        elif how.positional:
            yield _text(value, how)
        elif how.always or not _is_default(field, value):
            keywords.append(f"{field.alias or field.name}={_text(value, how)}")
    yield from keywords


def _is_default(field: attrs.Attribute[Any], value: object) -> bool:
    default: Any = field.default
    if default is attrs.NOTHING:
        return False
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        if default.takes_self:
            return False
        default = default.factory()
    elif field.converter is not None and callable(field.converter):
        default = field.converter(default)
    return bool(value == default) and type(value) is type(default)


def _text(value: object, how: Show) -> str:
    if how.pairs and isinstance(value, tuple):
        items = ", ".join(f"{k!r}: {_text(v, _values(how))}" for k, v in value)
        return "{" + items + "}"
    if value is None:
        return "None"
    if how.text is not None:
        return how.text(value)
    if how.percent and isinstance(value, Decimal | Fraction):
        return repr(format_percent(value))
    if isinstance(value, tuple):
        return "[" + ", ".join(_text(item, _values(how)) for item in value) + "]"
    if isinstance(value, Decimal):  # the factories take numbers as text: '1.5'
        whole = value == value.to_integral_value() and int(value.as_tuple().exponent) >= 0
        return str(int(value)) if whole else repr(str(value))
    return repr(value)


def _in_units(measure: Any) -> Callable[[Any], str]:
    return lambda value: repr(measure.format_value(value))


def _values(how: Show) -> Show:
    """How the items of a tuple (or the values of pairs) print: as the field, one by one."""
    return Show(percent=how.percent, text=how.text)
