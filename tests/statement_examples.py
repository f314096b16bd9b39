"""The credit statement of the README's example, in every format, as docs/how-to/examples/ holds it.

``python -m tests.statement_examples`` (``nox -s examples``) writes the files;
``--check`` exits with status 1 when a file differs from what slakit renders
now, naming the stale ones. ``tests/test_statement_examples.py`` fails on a
stale file, and checks that the host's zone changes no byte.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

import slakit as sla
from tests.test_docs import fenced_blocks

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "how-to" / "examples"
#: The example files, each with the format it is rendered in.
FILES = {
    "statement.html": "html",
    "statement.md": "md",
    "statement.txt": "text",
    "statement.json": "json",
}


def readme_report() -> sla.Report:
    """Return the ``report`` of the README's Python example, by running it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in fenced_blocks(readme) if b.runs]
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(blocks[0].source, "README.md", "exec"), namespace)
    report = namespace["report"]
    assert isinstance(report, sla.Report)
    return report


def render() -> dict[str, str]:
    """Return each example file's content, rendered now."""
    report = readme_report()
    forms = {
        "html": report.to_html,
        "md": report.to_markdown,
        "text": report.to_text,
        "json": lambda: json.dumps(report.to_dict(), indent=2) + "\n",
    }
    return {name: forms[fmt]() for name, fmt in FILES.items()}


def stale() -> list[str]:
    """Return the names of the example files that differ from what slakit renders now."""
    return [
        name
        for name, content in render().items()
        if not (EXAMPLES / name).is_file()
        or (EXAMPLES / name).read_text(encoding="utf-8") != content
    ]


def main(argv: list[str]) -> int:
    """Write the example files, or with ``--check`` report the stale ones."""
    if "--check" in argv:
        names = stale()
        for name in names:
            print(f"docs/how-to/examples/{name} is stale: run `nox -s examples`", file=sys.stderr)
        return 1 if names else 0
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    for name, content in render().items():
        (EXAMPLES / name).write_text(content, encoding="utf-8")
        print(f"wrote docs/how-to/examples/{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
