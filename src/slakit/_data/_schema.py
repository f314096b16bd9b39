"""The JSON Schema of agreement data, derived from the node registry.

The schema checks the shape of a document (field names, types, tags and the
form of numbers, percentages and lengths of time); the loader checks
everything else (ranges, overlapping bands, unknown zones) and reports it with
paths in the same form.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from slakit._data._codec import FORMAT
from slakit._data._registry import NodeType, Shape, node_type, subtypes

__all__ = ["SCHEMA_ID", "agreement_schema"]

#: Where the schema is published, relative to the documentation site.
SCHEMA_ID: Final = "https://slakit.readthedocs.io/en/latest/schema/agreement.schema.json"

_NUMBER = r"^\s*[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$"
_PERCENT = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*%\s*$"


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}

    def ref(self, shape: Shape) -> dict[str, Any]:
        return self.schema(shape)

    def node_ref(self, node: NodeType) -> dict[str, Any]:
        if node.tag not in self.defs:
            self.defs[node.tag] = {}  # reserve: nodes may be recursive
            self.defs[node.tag] = self.node(node)
        return {"$ref": f"#/$defs/{node.tag}"}

    def node(self, node: NodeType) -> dict[str, Any]:
        if node.codec is not None:
            return node.codec.schema(self.ref)
        properties: dict[str, Any] = {"type": {"const": node.tag}}
        required = []
        for field in node.fields:
            properties[field.name] = self.schema(field.shape)
            optional = field.shape.kind == "union" and any(
                m.kind == "none" for m in field.shape.items
            )
            if field.required and not optional:
                required.append(field.name)
        out: dict[str, Any] = {
            "type": "object",
            "title": node.cls.__name__,
            "properties": properties,
            "additionalProperties": False,
        }
        if required:
            out["required"] = required
        doc = (node.cls.__doc__ or "").strip().splitlines()
        if doc:
            out["description"] = doc[0]
        return out

    def schema(self, shape: Shape) -> dict[str, Any]:
        kind = shape.kind
        if kind == "none":
            return {"type": "null"}
        if kind == "str":
            return {"type": "string"}
        if kind == "bool":
            return {"type": "boolean"}
        if kind == "int":
            if shape.hint == "instant":
                return {
                    "type": "string",
                    "description": "an ISO 8601 instant with an offset: 2026-01-01T00:00:00Z",
                }
            return {"type": "integer"}
        if kind == "decimal":
            if shape.hint == "percent":
                return {"type": "string", "pattern": _PERCENT, "description": "a percentage"}
            if shape.hint == "measure":
                return {
                    "type": "string",
                    "description": "a value in the measure's units: '99.9%', '4 hours', '3'",
                }
            return {
                "anyOf": [{"type": "string", "pattern": _NUMBER}, {"type": "integer"}],
                "description": "an exact number, written as a string: '12000.00'",
            }
        if kind == "duration":
            return {
                "type": "string",
                "description": "a length of time: '5 minutes', '1 hour 30 minutes', 'PT5M'",
            }
        if kind == "literal":
            return {"enum": list(shape.values)}
        if kind == "node":
            assert shape.cls is not None
            subs = subtypes(shape.cls)
            if len(subs) == 1 and subs[0].cls is shape.cls:
                return self.node_ref(subs[0])
            return {"anyOf": [self.node_ref(n) for n in subs], "required": ["type"]}
        if kind == "tuple":
            return {"type": "array", "items": self.schema(shape.items[0])}
        if kind == "fixed":
            return {
                "type": "array",
                "prefixItems": [self.schema(s) for s in shape.items],
                "minItems": len(shape.items),
                "maxItems": len(shape.items),
            }
        if kind == "pairs":
            item = self.schema(shape.items[0])
            return {
                "anyOf": [
                    {"type": "object", "additionalProperties": item},
                    {
                        "type": "array",
                        "items": {
                            "type": "array",
                            "prefixItems": [{"type": "string"}, item],
                            "minItems": 2,
                            "maxItems": 2,
                        },
                    },
                ]
            }
        return {"anyOf": [self.schema(s) for s in shape.items]}  # union


def agreement_schema(kind: type | None = None) -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of agreement data, as plain data.

    Args:
        kind: the node type at the top of the document; an [`Agreement`][slakit.Agreement]
            by default.
    """
    from slakit._data import _nodes  # noqa: F401  (registers the DSL's nodes)

    if kind is None:
        from slakit._dsl._agreement import Agreement

        kind = Agreement
    node = node_type(kind)
    assert node is not None, f"{kind!r} is not a node type"
    builder = _Builder()
    builder.node_ref(node)
    top = copy.deepcopy(builder.defs[node.tag])
    top["properties"] = {"slakit": {"const": FORMAT}, **top["properties"]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **top,
        "title": f"slakit {node.tag} (data format {FORMAT})",
        "$defs": dict(sorted(builder.defs.items())),
    }
