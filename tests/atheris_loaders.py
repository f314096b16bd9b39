"""A coverage-guided fuzz target for the loaders, with atheris (optional; ``nox -s atheris``).

Hypothesis (``tests/fuzzing.py``) generates structured inputs; atheris mutates
bytes guided by the branches they reach in the loaders, which finds the inputs
no grammar thought of. Each input is read as an agreement document in JSON,
YAML and TOML and as the three kinds of JSON Lines; the only exception allowed
out is a ``SlakitError``::

    python tests/atheris_loaders.py -atheris_runs=200000

atheris installs from a wheel on Linux for the Pythons it supports; it is not
a dependency of slakit or of its test suite.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    # slakit loads its modules lazily: import the loaders here, so they are instrumented
    import slakit as sla
    import slakit._data._codec
    import slakit._data._formats
    import slakit._data._nodes
    import slakit._events._jsonl
    import slakit._events._lines
    import slakit._events._requests
    import slakit._events._tickets
    import slakit.io as sio
    from slakit.exceptions import SlakitError

_LINES = Path(tempfile.mkdtemp(prefix="slakit-atheris-")) / "input.jsonl"
_READERS = (sio.read_jsonl, sio.read_requests_jsonl, sio.read_tickets_jsonl)


def test_one_input(data: bytes) -> None:
    """Read ``data`` with every loader: accepted, or refused with a SlakitError."""
    text = data.decode("utf-8", "replace")
    for fmt in ("json", "yaml", "toml"):
        with contextlib.suppress(SlakitError):
            sla.loads(text, fmt)  # type: ignore[arg-type]
    _LINES.write_bytes(data)
    for read in _READERS:
        with contextlib.suppress(SlakitError):
            read(_LINES)


def main() -> None:
    """Run atheris on ``test_one_input`` with the command line's options."""
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
