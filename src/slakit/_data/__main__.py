"""Write the JSON Schema of agreement data: ``python -m slakit._data [PATH]``.

The default path is ``docs/schema/agreement.schema.json``, the published copy
that ``tests/test_data.py`` checks against the registry.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from slakit._data._schema import agreement_schema


def main(argv: list[str]) -> int:
    """Write the schema to ``argv[0]`` (or the published path) and return 0."""
    path = Path(argv[0] if argv else "docs/schema/agreement.schema.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(agreement_schema(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
