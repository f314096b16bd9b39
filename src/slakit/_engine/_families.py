"""Every engine module that registers something: import this before reading a registry.

A measure family's module registers its runners (``_engine._registry.RUNNERS``)
and the input records it reads (``_engine._inputs.RECORDS``); a credit module
registers its kernels (``_engine._credits._context.KERNELS``). Adding a module
that registers anything means adding it here; tests/test_registry.py fails
when a public measure or rule has no runner or kernel.
"""

from __future__ import annotations

from slakit._engine import _availability, _composites, _incidents, _probes, _requests, _tickets
from slakit._engine._credits import _claims, _combinators, _compensation, _remedies

__all__ = ["CREDITS", "FAMILIES", "MEASURES"]

#: The runner modules, one per family of measures.
MEASURES = (_availability, _requests, _tickets, _incidents, _probes, _composites)

#: The kernel modules, one per DSL module of credit rules.
CREDITS = (_compensation, _remedies, _combinators, _claims)

#: Every module that registers a runner, a kernel or an input kind.
FAMILIES = MEASURES + CREDITS
