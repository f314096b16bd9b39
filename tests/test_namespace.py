"""The public namespace: every name loads, says it lives in ``slakit``, and import stays lazy."""

from __future__ import annotations

import ast
import importlib
import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import slakit

SOURCE = Path(slakit.__file__)


@pytest.mark.parametrize("name", slakit.__all__)
def test_every_public_name_loads(name: str) -> None:
    """Each name in ``__all__`` resolves, and public classes say ``slakit`` in reprs and docs."""
    value = getattr(slakit, name)
    module = getattr(value, "__module__", "slakit")
    assert module == "slakit" or not module.startswith("slakit._"), (name, module)


def test_unknown_names_raise_attribute_error() -> None:
    """A name that is not public is an AttributeError, as for any module."""
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = slakit.nope  # type: ignore[attr-defined]
    assert "Tier" in dir(slakit)


def test_public_objects_pickle_by_their_public_name() -> None:
    """Values pickle and unpickle through ``slakit.<Name>``."""
    value = slakit.Agreement(
        provider="p",
        customer="c",
        services=["a"],
        tier=slakit.Tier("t", fee=slakit.usd("1.00"), objectives=[slakit.uptime() >= "99%"]),
    )
    assert pickle.loads(pickle.dumps(value)) == value


def test_import_loads_only_what_is_used() -> None:
    """``import slakit`` loads no layer until a name is used (numpy included)."""
    code = (
        "import sys, slakit\n"
        "assert 'numpy' not in sys.modules and 'slakit._engine._plan' not in sys.modules\n"
        "slakit.uptime\n"
        "assert 'slakit._dsl._uptime' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_pickles_do_not_depend_on_which_names_were_used_first() -> None:
    """A value pickles the same before and after its class is first named through slakit."""
    code = (
        "import pickle, slakit\n"
        "first = pickle.dumps(slakit.uptime())\n"
        "slakit.Uptime\n"
        "assert pickle.dumps(slakit.uptime()) == first\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _type_checking_imports() -> dict[str, str]:
    """Return each name imported under ``if TYPE_CHECKING:`` in __init__.py, with its module."""
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    (block,) = [
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    ]
    found: dict[str, str] = {}
    for node in ast.walk(block):
        if isinstance(node, ast.ImportFrom):
            assert node.module is not None
            for alias in node.names:
                name = alias.name
                assert alias.asname == name, f"import {name} as {name}: the explicit re-export"
                assert name not in found, f"{name} is imported twice"
                found[name] = node.module
    return found


def _literal_table() -> dict[str, str]:
    """Return the ``_EXPORTS`` table as written in __init__.py: a dict of string literals."""
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    (node,) = [
        n
        for n in tree.body
        if isinstance(n, ast.AnnAssign | ast.Assign)
        and "_EXPORTS" in ast.unparse(n.target if isinstance(n, ast.AnnAssign) else n.targets[0])
    ]
    assert isinstance(node.value, ast.Dict)
    table: dict[str, str] = ast.literal_eval(node.value)
    assert len(table) == len(node.value.keys), "a name appears twice in _EXPORTS"
    return table


def test_the_export_table_is_the_type_checking_imports() -> None:
    """``_EXPORTS`` maps each name to the module it is imported from for type checkers."""
    table, imports = _literal_table(), _type_checking_imports()
    assert table == slakit._EXPORTS  # the lookup reads the literal, nothing computed
    missing = sorted(imports.keys() - table.keys())
    extra = sorted(table.keys() - imports.keys())
    assert not missing, f"imported under TYPE_CHECKING but not in _EXPORTS: {missing}"
    assert not extra, f"in _EXPORTS but not imported under TYPE_CHECKING: {extra}"
    wrong = {n: (table[n], imports[n]) for n in table if table[n] != imports[n]}
    assert not wrong, f"_EXPORTS names another module than the import: {wrong}"


def test_all_is_the_export_table() -> None:
    """``__all__`` lists exactly the table's names, once each, in the table's order."""
    assert slakit.__all__ == list(slakit._EXPORTS)


def test_dir_shows_only_public_names() -> None:
    """``dir(slakit)`` is the public names and public submodules, no helper of __init__."""
    names = set(dir(slakit))
    assert set(slakit.__all__) <= names
    assert not {"Any", "TYPE_CHECKING", "annotations", "ast", "contextlib", "sys"} & names
    assert all(not n.startswith("_") for n in names)
    importlib.import_module("slakit.exceptions")  # a public submodule, once imported, is listed
    assert "exceptions" in dir(slakit)
    assert names - set(slakit.__all__) <= {
        "dask",
        "exceptions",
        "io",
        "monitoring",
        "strategies",
        "testing",
    }


_SOURCELESS_CHECK = """
    import sys
    from fractions import Fraction

    import slakit as sla

    assert sla.__file__.startswith(sys.argv[1]) and sla.__file__.endswith(".pyc"), sla.__file__
    assert sla.Tier.__module__ == "slakit", sla.Tier.__module__
    assert {"Tier", "evaluate"} <= set(dir(sla)) and "sys" not in dir(sla)
    uptime = sla.uptime()
    tier = sla.Tier(
        "t",
        fee=sla.usd("1000.00"),
        objectives=[uptime >= "99%"],
        compensation=sla.credit_schedule(uptime, {"< 99%": "10%"}),
    )
    agreement = sla.Agreement(provider="p", customer="c", services=["a"], tier=tier)
    outage = sla.Outage("a", "2026-11-01T00:00:00Z", "2026-11-01T08:00:00Z")
    report = sla.evaluate(agreement, [outage], period="2026-11")
    assert report.objectives[0].value == 1 - Fraction(8, 720), report.objectives[0].value
    assert report.total == sla.usd("100.00"), report.total
    for name in sla.__all__:
        getattr(sla, name)
    assert "slakit.__main__" not in sys.modules
    print("ok")
"""


def test_a_sourceless_install_works(tmp_path: Path) -> None:
    """With bytecode only (``compileall -b``, sources deleted) every name loads; no CLI runs."""
    package = tmp_path / "slakit"
    shutil.copytree(SOURCE.parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "compileall", "-b", "-q", str(package)], check=True)
    for source in package.rglob("*.py"):
        source.unlink()
    assert not list(package.rglob("*.py"))
    assert (package / "__main__.pyc").exists()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    env["PYTHONPATH"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_SOURCELESS_CHECK), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "ok\n", "")


def test_the_groups_of_the_export_table_are_the_layers_their_names_live_in() -> None:
    """Each comment of ``_EXPORTS`` starts with the layer that defines every name under it."""
    source = (Path(slakit.__file__).parent / "__init__.py").read_text(encoding="utf-8")
    start = source.index("_EXPORTS: dict[str, str] = {")
    block = source[start : source.index("\n}\n", start)]
    layer = ""
    for line in block.splitlines()[1:]:
        text = line.strip()
        if text.startswith("# "):
            layer = text[2:].split(":")[0].split(" ")[0]
            continue
        name = text.split(":")[0].strip('"')
        module = slakit._EXPORTS[name].split(".")[1]
        expected = module.strip("_") if module in _LAYERS else "money"
        assert layer == expected, f"{name} (in {slakit._EXPORTS[name]}) is grouped under {layer!r}"


_LAYERS = ("_time", "_events", "_dsl", "_engine", "_results", "_data")
