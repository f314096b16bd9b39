"""One registry helper: values registered per class, found for an object through its class.

The engine keeps three of them, each filled where the thing it registers is
written: the runner of each measure type (``_engine._registry.RUNNERS``), the
credit kernel of each rule type (``_engine._credits._context.KERNELS``) and the
table each kind of input record goes into (``_engine._inputs.RECORDS``). The
modules that fill them are listed in ``_engine._families.FAMILIES``, imported
before any registry is read.

This module belongs to no layer: every layer may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

__all__ = ["Registry"]

V = TypeVar("V")
F = TypeVar("F")


class Registry(Generic[V]):
    """Values keyed by class; a lookup walks the class's MRO, so subclasses inherit.

    Args:
        what: what the values are, for messages (``"runner"``).
    """

    def __init__(self, what: str) -> None:
        self.what = what
        self._values: dict[type, V] = {}

    def add(self, classes: tuple[type, ...], value: V) -> None:
        """Register ``value`` for each of ``classes``.

        Raises:
            TypeError: one of the classes already has a different value (two modules
                claim it).
        """
        for cls in classes:
            other = self._values.get(cls)
            if other is not None and other is not value and _name(other) != _name(value):
                raise TypeError(f"{cls.__qualname__} already has a {self.what}: {_name(other)}")
            self._values[cls] = value

    def register(self, *classes: type) -> Callable[[F], F]:
        """Return a decorator that registers the decorated function for ``classes``."""

        def decorate(value: F) -> F:
            self.add(classes, value)  # type: ignore[arg-type]
            return value

        return decorate

    def get(self, cls: type) -> V | None:
        """Return the value of ``cls`` or of its nearest registered base class, else ``None``."""
        for klass in cls.__mro__:
            found = self._values.get(klass)
            if found is not None:
                return found
        return None

    def values(self) -> tuple[V, ...]:
        """Return the registered values, in the order they were registered."""
        return tuple(self._values.values())

    def __contains__(self, cls: object) -> bool:
        return isinstance(cls, type) and self.get(cls) is not None

    def __iter__(self) -> Iterator[type]:
        return iter(tuple(self._values))

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"<Registry of {len(self)} {self.what}s>"


def _name(value: object) -> str:
    return str(getattr(value, "__qualname__", value))
