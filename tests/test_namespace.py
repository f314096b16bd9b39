"""The public namespace: every name loads, says it lives in ``slakit``, and import stays lazy."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

import slakit


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
        "assert 'slakit._dsl._measures' in sys.modules\n"
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
