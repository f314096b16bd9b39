"""Every public DSL class is registered everywhere it must be: name, runner or kernel, data, laws.

Adding a measure, a credit shape or an input kind means writing it where it
belongs (see the recipes on docs/explanation/architecture.md); this file is the
net that catches what was forgotten, and says what to add where.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import attrs
import pytest

import slakit as sla
from slakit._data._registry import node_type
from slakit._dsl import _families as dsl_families
from slakit._dsl._compensation import Base, CreditRule
from slakit._dsl._measures import Measure
from slakit._engine import _families as engine_families
from slakit._engine._credits._context import KERNELS
from slakit._engine._inputs import RECORDS
from slakit._engine._registry import RUNNERS
from slakit._node import node_name

SRC = Path(sla.__file__).resolve().parent

#: Public attrs classes of the DSL and time layers that are values, not agreement nodes: they
#: are built by the engine or the time layer, never written in agreement data.
NOT_NODES = frozenset({"Duration", "Period", "Span", "Timeline", "Version", "Band", "Bound"})


def _public_classes() -> list[type]:
    found = []
    for name in sla.__all__:
        value = getattr(sla, name)
        module = sla._EXPORTS[name]
        if (
            inspect.isclass(value)
            and attrs.has(value)
            and module.startswith(("slakit._dsl", "slakit._time", "slakit._money"))
            and not inspect.isabstract(value)
            and name not in NOT_NODES
        ):
            found.append(value)
    return found


PUBLIC = _public_classes()
NODES = dsl_families.node_classes()


@pytest.mark.parametrize("cls", PUBLIC, ids=lambda c: c.__name__)
def test_every_public_dsl_class_is_named_by_node(cls: type) -> None:
    """Each public DSL class has ``@node(...)``: its repr and its data tag come from that name."""
    assert node_name(cls) is not None, f"decorate {cls.__name__} with @node('its_factory')"
    found = node_type(cls)
    assert found is not None
    assert found.tag == node_name(cls)


@pytest.mark.parametrize(
    "cls", [c for c in NODES.values() if issubclass(c, Measure)], ids=lambda c: c.__name__
)
def test_every_measure_has_a_runner(cls: type) -> None:
    """A measure class the DSL can build has a runner in one of the engine's families."""
    assert cls in RUNNERS, (
        f"{cls.__name__} has no runner: decorate one with @register({cls.__name__}) in an "
        "engine module listed in slakit._engine._families"
    )


@pytest.mark.parametrize(
    "cls", [c for c in NODES.values() if issubclass(c, CreditRule)], ids=lambda c: c.__name__
)
def test_every_credit_rule_has_a_kernel(cls: type) -> None:
    """A credit rule the DSL can build has a credit kernel."""
    assert cls in KERNELS, (
        f"{cls.__name__} has no kernel: decorate one with @credit_kernel({cls.__name__}) in "
        "a module of slakit._engine._credits listed in slakit._engine._families"
    )


def test_the_credit_bases_are_the_two_the_engine_computes() -> None:
    """Bases are the fee and the charges; a new base needs its branch in ``credit_base()``."""
    bases = {c.__name__ for c in NODES.values() if issubclass(c, Base)}
    assert bases == {"Fee", "Charges"}, (
        "a new credit base needs its branch in _engine/_credits/_compensation.py "
        "(credit_base and base_words)"
    )


RECORD_CLASSES = [
    "Outage",
    "Maintenance",
    "Deployment",
    "Request",
    "Probe",
    "Ticket",
    "Claim",
    "Charge",
    "Correction",
]


@pytest.mark.parametrize("name", RECORD_CLASSES)
def test_every_record_converts_to_its_table(name: str) -> None:
    """A list of any public record class can be evaluated: the record has a table."""
    assert getattr(sla, name) in RECORDS


def _modules(package: Path) -> set[str]:
    return {p.stem for p in package.glob("_*.py") if p.stem != "__init__"}


def test_the_dsl_family_list_names_every_dsl_module() -> None:
    """``slakit._dsl._families`` lists every DSL module, so the codec knows every node class."""
    listed = {m.__name__.rsplit(".", 1)[-1] for m in dsl_families.FAMILIES}
    assert listed == _modules(SRC / "_dsl") - {"_families", "_quantities"}


_REGISTERS = re.compile(r"^@(register|credit_kernel)\(|^register_records\(", re.MULTILINE)


def test_the_engine_family_list_names_every_module_that_registers() -> None:
    """Each engine module that registers a runner, kernel or input kind is in the family list.

    ``_inputs`` defines the registry of input kinds and registers the outage records itself.
    """
    listed = {m.__name__ for m in engine_families.FAMILIES} | {"slakit._engine._inputs"}
    for path in [*(SRC / "_engine").glob("_*.py"), *(SRC / "_engine" / "_credits").glob("_*.py")]:
        relative = path.relative_to(SRC.parent).with_suffix("")
        module = ".".join(relative.parts)
        if _REGISTERS.search(path.read_text(encoding="utf-8")):
            assert module in listed, f"add {module} to slakit._engine._families"


@pytest.mark.parametrize("cls", list(NODES.values()), ids=lambda c: c.__name__)
def test_a_node_names_its_factory_or_says_why_not(cls: type) -> None:
    """A class named other than its factory says which factory builds it, in its docstring."""
    name = node_name(cls)
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", cls.__name__).lower()
    if name != snake:
        assert f"{name}()" in (cls.__doc__ or "") or "factory" in (cls.__doc__ or ""), (
            f"{cls.__name__}'s docstring should name its factory {name}() or say why not"
        )
