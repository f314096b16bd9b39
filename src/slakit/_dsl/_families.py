"""Every DSL module: import this to have every node class defined (and named by ``@node``).

Adding a DSL module means adding it here; the data codec (``slakit._data``)
and tests/test_registry.py read the node classes through this list.
"""

from __future__ import annotations

from slakit._dsl import (
    _agreement,
    _catalog,
    _claims,
    _combinators,
    _compensation,
    _composites,
    _exclusions,
    _incidents,
    _levels,
    _measures,
    _objectives,
    _probes,
    _remedies,
    _requests,
    _tickets,
    _uptime,
    _versions,
)
from slakit._node import NODES

__all__ = ["FAMILIES", "node_classes"]

#: The DSL modules, in layer order (measures and rules before what combines them).
FAMILIES = (
    _measures,
    _uptime,
    _requests,
    _tickets,
    _incidents,
    _probes,
    _composites,
    _exclusions,
    _objectives,
    _compensation,
    _remedies,
    _combinators,
    _claims,
    _levels,
    _catalog,
    _versions,
    _agreement,
)


def node_classes() -> dict[str, type]:
    """Return every node class of the DSL and of the time layer, by its ``@node`` name."""
    return dict(NODES)
