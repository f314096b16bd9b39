"""Agreements in JSON, YAML and TOML files: writing them, and reading them without running code.

JSON is read and written with the standard library. YAML needs PyYAML (the
``yaml`` extra) and is only ever read with ``yaml.safe_load``, which builds
plain data and never constructs Python objects. TOML is read with the
standard library's ``tomllib`` and written by the small writer below (TOML
has no ``null``: a field left out means its default, so nothing is lost).
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any, Final, Literal

from slakit._data._codec import from_data, to_data
from slakit.exceptions import AgreementDataError, DefinitionError, Problem

__all__ = [
    "Format",
    "dumps",
    "format_of",
    "loads",
    "read_agreement",
    "toml_dumps",
    "write_agreement",
]

Format = Literal["json", "yaml", "toml"]
_SUFFIXES: Final[dict[str, Format]] = {
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
}


def format_of(path: str | Path) -> Format:
    """Return the data format a file's suffix names (``.json``, ``.yaml``/``.yml``, ``.toml``)."""
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        raise DefinitionError(
            f"{path}: cannot tell the format from the suffix {suffix!r}; use .json, .yaml, "
            ".yml or .toml"
        )
    return _SUFFIXES[suffix]


def _yaml() -> Any:
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is installed with the yaml extra
        raise DefinitionError(
            "YAML needs PyYAML; install the 'yaml' extra from a slakit checkout: "
            "pip install -e '.[yaml]'"
        ) from None
    return yaml


def dumps(node: object, format: Format = "json") -> str:
    """Return an agreement (or any DSL node) as JSON, YAML or TOML text.

    Examples:
        >>> import slakit as sla
        >>> print(sla.dumps(sla.Tier("gold", fee=sla.usd("100.00")), "toml"))
        slakit = 1
        type = "tier"
        name = "gold"
        <BLANKLINE>
        [fee]
        amount = "100.00"
        currency = "USD"
        <BLANKLINE>
    """
    data = to_data(node)
    if format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if format == "yaml":
        text: str = _yaml().safe_dump(
            data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
        )
        return text
    if format == "toml":
        return toml_dumps(data)
    raise DefinitionError(f"format={format!r} must be 'json', 'yaml' or 'toml'")


def _parse(text: str, format: Format, source: str) -> object:
    if format == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise AgreementDataError(
                [Problem(f"{source}:{exc.lineno}", "", f"is not valid JSON: {exc.msg}")]
            ) from None
    if format == "yaml":
        yaml = _yaml()
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = source if mark is None else f"{source}:{mark.line + 1}"
            reason = getattr(exc, "problem", None) or str(exc)
            raise AgreementDataError([Problem(where, "", f"is not valid YAML: {reason}")]) from None
    if format == "toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"line (\d+)", str(exc))
            where = source if match is None else f"{source}:{match[1]}"
            raise AgreementDataError([Problem(where, "", f"is not valid TOML: {exc}")]) from None
    raise DefinitionError(f"format={format!r} must be 'json', 'yaml' or 'toml'")


def loads(text: str, format: Format = "json", *, kind: type | None = None) -> Any:
    """Return the agreement (or the node of type ``kind``) that JSON, YAML or TOML ``text`` holds.

    Raises:
        AgreementDataError: the text is not valid in its format, or does not
            describe a valid agreement; ``problems`` lists every problem found.
    """
    return from_data(_parse(text, format, f"<{format}>"), kind)


def read_agreement(path: str | Path, *, kind: type | None = None) -> Any:
    """Return the agreement in a ``.json``, ``.yaml``/``.yml`` or ``.toml`` file.

    Raises:
        AgreementDataError: the file does not describe a valid agreement; every
            problem is listed with its path (``$.tier.fee.amount``).
        OSError: the file cannot be read.
    """
    fmt = format_of(path)
    text = Path(path).read_text(encoding="utf-8")
    return from_data(_parse(text, fmt, str(path)), kind)


def write_agreement(node: object, path: str | Path) -> Path:
    """Write an agreement to a file in the format its suffix names, and return the path."""
    target = Path(path)
    target.write_text(dumps(node, format_of(target)), encoding="utf-8")
    return target


# --- a small TOML writer --------------------------------------------------------------------

_BARE_KEY: Final = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(name: str) -> str:
    return name if _BARE_KEY.match(name) else _string(name)


def _string(text: str) -> str:
    encoded = json.dumps(text, ensure_ascii=False)  # JSON's escapes are TOML's
    return encoded.replace("\x7f", "\\u007f")


def _inline(value: object, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v, where) for v in value) + "]"
    if isinstance(value, dict):
        items = [f"{_key(k)} = {_inline(v, where)}" for k, v in value.items() if v is not None]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    raise DefinitionError(f"{where}: TOML cannot hold {value!r}")


def _is_table_array(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _table(table: dict[str, Any], prefix: list[str], lines: list[str]) -> None:
    keys = [k for k, v in table.items() if v is not None]
    tables = [k for k in keys if isinstance(table[k], dict) or _is_table_array(table[k])]
    if "type" not in table and "slakit" not in table:
        # In a mapping that may be named pairs (whose order matters, such as states), a
        # sub-table is a [section] only when no plain key follows it, so the order holds.
        trailing: list[str] = []
        for k in reversed(keys):
            if k not in tables:
                break
            trailing.insert(0, k)
        tables = trailing
    lines.extend(
        f"{_key(k)} = {_inline(table[k], '.'.join([*prefix, k]))}" for k in keys if k not in tables
    )
    for k in tables:
        path = [*prefix, k]
        header = ".".join(_key(p) for p in path)
        if isinstance(table[k], dict):
            lines.extend(("", f"[{header}]"))
            _table(table[k], path, lines)
        else:
            for item in table[k]:
                lines.extend(("", f"[[{header}]]"))
                _table(item, path, lines)


def toml_dumps(data: dict[str, Any]) -> str:
    """Return plain data (a mapping) as TOML text; ``None`` values are left out."""
    lines: list[str] = []
    _table(data, [], lines)
    return "\n".join(lines) + "\n"
