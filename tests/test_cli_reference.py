"""The CLI reference page is generated from the argument parser and lists every option."""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

from slakit._cli import _parser, reference_markdown

ROOT = Path(__file__).resolve().parent.parent


def _hook() -> object:
    spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "hooks/cli_reference.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_command_and_option_is_in_the_reference() -> None:
    """Each subcommand has a section, and each of its options and arguments a row."""
    text = reference_markdown()
    parser = _parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(sub.choices) == {
        "demo",
        "dispute",
        "evaluate",
        "report",
        "review",
        "verify",
        "validate",
        "render",
        "compare",
        "run",
        "status",
        "audit",
    }
    for name, command in sub.choices.items():
        section = text.split(f"## `slakit {name}`", 1)[1].split("\n## ", 1)[0]
        for action in command._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            for label in action.option_strings or [action.dest]:
                assert f"`{label}`" in section, (name, label)
    assert "`--strict`" in text
    assert "## Exit status" in text


def test_the_docs_page_is_filled_by_the_hook() -> None:
    """The page holds the marker, and the hook replaces it with the generated reference."""
    hook = _hook()
    page = (ROOT / "docs/reference/cli.md").read_text(encoding="utf-8")
    marker = hook.MARKER  # type: ignore[attr-defined]
    assert marker in page
    built = hook.on_page_markdown(page, page=None)  # type: ignore[attr-defined]
    assert marker not in built
    assert reference_markdown() in built
    assert hook.on_page_markdown("# other", page=None) == "# other"  # type: ignore[attr-defined]


def test_every_command_on_one_agreement_reads_probes_and_corrections() -> None:
    """Each command that reads input files by kind documents --probes and --corrections."""
    text = reference_markdown()
    for name in ("evaluate", "report", "review", "compare", "verify", "dispute"):
        section = text.split(f"## `slakit {name}`", 1)[1].split("\n## ", 1)[0]
        for option in ("--probes", "--corrections"):
            assert f"| `{option}`" in section, (name, option)
        assert "probes, corrections" in section, name  # kinds of --format and --columns
    dispute = text.split("## `slakit dispute`", 1)[1].split("\n## ", 1)[0]
    for side in ("ours", "theirs"):
        for kind in ("probes", "corrections"):
            assert f"| `--{side}-{kind}` `FILE` |" in dispute, (side, kind)
