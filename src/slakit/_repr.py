"""Reprs that read as the DSL call, for people, doctests and Hypothesis' reports."""

from __future__ import annotations

from typing import Any

__all__ = ["DSLRepr"]


class DSLRepr:
    """Mixin: pretty printers (IPython, Hypothesis) show ``repr(self)``, the DSL call.

    Without it, Hypothesis prints attrs classes field by field, which does not
    read as agreement code.
    """

    __slots__ = ()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))
