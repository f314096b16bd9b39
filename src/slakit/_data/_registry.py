"""The registry of DSL node types: a stable tag per class, and each field's shape.

A node is any ``attrs`` class of the DSL. Its plain-data form is a mapping of
its fields (those equal to their default left out), with ``"type": TAG`` when
the place it sits in could hold more than one class. The shape of each field
is read from its type annotation, once, so a new node class needs no code here:

- subclasses of the DSL's base classes (measures, credit rules, exclusions,
  calendars, period rules, credit bases) defined in ``slakit`` are found on
  their own, tagged with the snake-case form of their class name;
- ``register()`` gives a class its public tag (usually the name of the
  factory that builds it, such as ``"credit_schedule"``), says which
  ``Decimal`` fields are percentages or which ``int`` fields are instants, and
  optionally names a factory that validates as the DSL does.
"""

from __future__ import annotations

import abc
import inspect
import re
import sys
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Literal

import attrs

from slakit._node import node_name, show_of
from slakit.exceptions import DefinitionError

__all__ = [
    "FieldSpec",
    "NodeCodec",
    "NodeType",
    "Shape",
    "node_type",
    "node_types",
    "register",
    "subtypes",
]

#: How a ``Decimal`` or ``int`` leaf is written: a plain decimal string, a percentage
#: (``"99.95%"``), a value in the units of a sibling ``measure`` (an objective's target),
#: or an instant (``"2026-01-01T00:00:00Z"``).
Hint = Literal["decimal", "percent", "measure", "instant"]


@attrs.frozen
class Shape:
    """What a field holds, read from its annotation.

    ``kind`` is one of ``none``, ``str``, ``int``, ``bool``, ``decimal``,
    ``duration``, ``literal`` (``values``), ``node`` (``cls``), ``tuple``
    (``items``: one shape for every item), ``pairs`` (a tuple of
    ``(name, value)`` pairs, written as a mapping; ``items`` is the value
    shape), ``fixed`` (``items``: one shape per position) and ``union``
    (``items``: the alternatives).
    """

    kind: str
    items: tuple[Shape, ...] = ()
    values: tuple[object, ...] = ()
    cls: type | None = None
    hint: Hint = "decimal"

    def with_hint(self, hint: Hint) -> Shape:
        """Return the shape with ``hint`` applied to every ``Decimal`` or ``int`` leaf in it."""
        if self.kind in ("decimal", "int"):
            return attrs.evolve(self, hint=hint)
        if self.items:
            return attrs.evolve(self, items=tuple(s.with_hint(hint) for s in self.items))
        return self


NONE = Shape("none")


@attrs.frozen
class FieldSpec:
    """One field of a node: its attribute name, its constructor keyword, shape and default."""

    name: str
    alias: str
    shape: Shape
    default: object  # attrs.NOTHING when required
    factory: Callable[[], object] | None

    @property
    def required(self) -> bool:
        """Whether the data must give the field (it has no default)."""
        return self.default is attrs.NOTHING and self.factory is None

    def default_value(self) -> object:
        """Return the field's default value."""
        if self.factory is not None:
            return self.factory()
        return self.default


@attrs.frozen
class NodeCodec:
    """A node's own plain-data form, for nodes whose fields do not read well as they are.

    ``encode(value, encode_field)`` returns plain data; ``decode(data, path,
    context)`` returns the node or the codec's ``INVALID`` after recording
    problems in ``context``; ``schema(ref)`` returns its JSON Schema.
    """

    encode: Callable[..., Any]
    decode: Callable[..., Any]
    schema: Callable[..., dict[str, Any]]


@attrs.frozen
class NodeType:
    """A registered node class: its tag, fields, and how it is built from them."""

    cls: type
    tag: str
    hints: Mapping[str, Hint]
    build: Callable[..., object] | None
    codec: NodeCodec | None
    omit: frozenset[str]

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        """The fields written to data, in declaration order."""
        return _fields(self)


_EXPLICIT: dict[type, NodeType] = {}
_FIELDS: dict[tuple[type, str], tuple[FieldSpec, ...]] = {}


def register(
    cls: type,
    tag: str | None = None,
    *,
    percent: tuple[str, ...] = (),
    instant: tuple[str, ...] = (),
    measure: tuple[str, ...] = (),
    build: Callable[..., object] | None = None,
    codec: NodeCodec | None = None,
    omit: tuple[str, ...] = (),
) -> None:
    """Give the node class ``cls`` the stable ``tag`` in plain data.

    Args:
        cls: an ``attrs`` class of the DSL.
        tag: its name in data, such as ``"credit_schedule"``; never change it once released.
            The default is the name ``@node`` gave the class.
        percent: fields whose ``Decimal`` values are ratios, written as ``"99.95%"``, besides
            those whose metadata says so (``shown(percent=True)``).
        instant: fields whose ``int`` values are instants, written in ISO 8601.
        measure: fields whose ``Decimal`` values are in the units of the node's
            ``measure`` field (an objective's target: ``"99.9%"``, ``"4 hours"``).
        build: a function called with the fields as keyword arguments instead of
            the class, to validate as the DSL's factory does.
        codec: the node's own plain-data form, for nodes that need one.
        omit: fields never written (derived ones that the constructor recomputes).
    """
    if not attrs.has(cls):
        raise DefinitionError(f"register: {cls!r} is not an attrs class")
    tag = tag or node_name(cls)
    if tag is None:
        raise DefinitionError(f"register: give {cls.__qualname__} a tag, or decorate it with @node")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", tag):
        raise DefinitionError(f"register: tag={tag!r} must be lower-case snake case")
    for other in _EXPLICIT.values():
        if other.tag == tag and other.cls is not cls:
            raise DefinitionError(f"register: tag {tag!r} is already {other.cls.__qualname__}")
    hints: dict[str, Hint] = dict.fromkeys(percent, "percent")
    hints.update(dict.fromkeys(instant, "instant"))
    hints.update(dict.fromkeys(measure, "measure"))
    _EXPLICIT[cls] = NodeType(cls, tag, hints, build, codec, frozenset(omit))
    _invalidate()


#: The base classes whose concrete subclasses in slakit are found without registration.
_ROOTS: list[type] = []


def add_root(cls: type) -> None:
    """Find the concrete subclasses of ``cls`` defined in slakit without registration."""
    if cls not in _ROOTS:
        _ROOTS.append(cls)
        _invalidate()


_CACHE: dict[str, Any] = {}


def _invalidate() -> None:
    _CACHE.clear()
    _FIELDS.clear()


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _walk(cls: type) -> Iterator[type]:
    yield cls
    sub: type
    for sub in cls.__subclasses__():
        yield from _walk(sub)


def _discover() -> dict[type, NodeType]:
    from slakit._dsl._families import node_classes  # every DSL module, imported

    found: dict[type, NodeType] = dict(_EXPLICIT)
    for tag, cls in node_classes().items():
        if cls not in found:
            found[cls] = NodeType(cls, tag, {}, None, None, frozenset())
    for root in _ROOTS:
        for cls in _walk(root):
            if (
                cls in found
                or "__attrs_attrs__" not in cls.__dict__  # not a class attrs replaced
                or getattr(sys.modules.get(cls.__module__), cls.__name__, None) is not cls
                or inspect.isabstract(cls)
                or cls.__name__.startswith("_")
                or cls.__module__.split(".")[0] != "slakit"
            ):
                continue
            tag = node_name(cls) or _snake(cls.__name__)
            found[cls] = NodeType(cls, tag, {}, None, None, frozenset())
    return found


def node_types() -> dict[type, NodeType]:
    """Return every node type, explicit and discovered, by class."""
    types_ = _CACHE.get("types")
    if types_ is None:
        types_ = _discover()
        tags: dict[str, type] = {}
        for cls, node in types_.items():
            if node.tag in tags:
                raise DefinitionError(
                    f"node tag {node.tag!r} names both {tags[node.tag].__qualname__} and "
                    f"{cls.__qualname__}; register one of them with another tag"
                )
            tags[node.tag] = cls
        _CACHE["types"] = types_
    return typing.cast("dict[type, NodeType]", types_)


def node_type(cls: type) -> NodeType | None:
    """Return the node type of ``cls``, or ``None`` if it is not a node."""
    found = node_types().get(cls)
    if found is None and any(issubclass(cls, root) for root in _ROOTS):
        _invalidate()  # a class defined since the last look
        found = node_types().get(cls)
    return found


def subtypes(cls: type) -> tuple[NodeType, ...]:
    """Return the node types that a place declared as ``cls`` may hold, in tag order."""
    key = f"sub:{cls.__module__}.{cls.__qualname__}"
    found = _CACHE.get(key)
    if found is None:
        found = tuple(
            sorted((n for c, n in node_types().items() if issubclass(c, cls)), key=lambda n: n.tag)
        )
        _CACHE[key] = found
    return typing.cast("tuple[NodeType, ...]", found)


# --- shapes from annotations --------------------------------------------------------------


def _namespace() -> dict[str, Any]:
    from slakit._dsl import _tickets

    names: dict[str, Any] = {c.__name__: c for c in node_types()}
    names.update({r.__name__: r for r in _ROOTS})
    names["Targets"] = _tickets.Targets
    return names


def _hints_of(cls: type) -> dict[str, Any]:
    # Resolve each annotation in the module that defined the class: the public classes say
    # ``__module__ = "slakit"``, and keep their own module in ``__defined_in__``.
    names = _namespace()
    for klass in reversed(cls.__mro__):
        module = sys.modules.get(klass.__dict__.get("__defined_in__", klass.__module__))
        if module is not None:
            names.update(vars(module))
    return typing.get_type_hints(cls, localns=names)


def shape_of(annotation: Any) -> Shape:
    """Return the shape of a resolved type annotation."""
    from slakit._time._instant import Duration

    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation is type(None) or annotation is None:
        return NONE
    if origin is Literal:
        return Shape("literal", values=args)
    if origin in (typing.Union, types.UnionType):
        items: list[Shape] = []
        for arg in args:
            shape = shape_of(arg)
            items.extend(shape.items if shape.kind == "union" else (shape,))
        return Shape("union", items=tuple(items))
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = shape_of(args[0])
            if item.kind == "fixed" and len(item.items) == 2 and item.items[0].kind == "str":
                return Shape("pairs", items=(item.items[1],))
            return Shape("tuple", items=(item,))
        return Shape("fixed", items=tuple(shape_of(a) for a in args))
    if annotation is str:
        return Shape("str")
    if annotation is bool:
        return Shape("bool")
    if annotation is int:
        return Shape("int")
    if annotation is Decimal:
        return Shape("decimal")
    if annotation is Duration:
        return Shape("duration")
    if isinstance(annotation, type) and (attrs.has(annotation) or abc.ABC in annotation.__mro__):
        if annotation.__module__.startswith("slakit") and annotation not in _ROOTS:
            _ROOTS.append(annotation)  # a node class met in a field: find it and its subclasses
            _CACHE.clear()
        return Shape("node", cls=annotation)
    raise DefinitionError(
        f"plain data cannot hold a field of type {annotation!r}; give it a simpler type, "
        "or register the node with its own codec"
    )


def _fields(node: NodeType) -> tuple[FieldSpec, ...]:
    key = (node.cls, node.tag)
    found = _FIELDS.get(key)
    if found is not None:
        return found
    hints = _hints_of(node.cls)
    specs = []
    for field in attrs.fields(node.cls):
        if not field.init or field.name in node.omit:
            continue
        shape = shape_of(hints[field.name])
        hint = node.hints.get(field.name) or ("percent" if show_of(field).percent else None)
        if hint is not None:
            shape = shape.with_hint(hint)
        default = field.default
        factory = None
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            if default.takes_self:
                raise DefinitionError(
                    f"{node.cls.__qualname__}.{field.name}: a default that reads self "
                    "cannot be written to data"
                )
            factory = default.factory
            default = attrs.NOTHING
        specs.append(FieldSpec(field.name, field.alias or field.name, shape, default, factory))
    result = tuple(specs)
    _FIELDS[key] = result
    return result
