"""The argument checks every layer shares: durations, service names, choices.

Each check returns the value it accepts and raises
[`DefinitionError`][slakit.exceptions.DefinitionError] with the argument's ``name`` and
``value`` attached, and a message that shows a valid value. Like ``_ratio``,
the module sits below the layers: it imports only the time primitives and the
exceptions, so any layer may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from slakit._time._instant import Duration
from slakit.exceptions import DefinitionError

__all__ = ["check_choice", "check_duration", "check_optional_duration", "check_service_name"]


def check_duration(
    value: object, name: str, *, positive: bool = False, example: str = "minutes(5)"
) -> Duration:
    """Return ``value`` if it is a [`Duration`][slakit.Duration] (longer than zero if ``positive``).

    Raises:
        DefinitionError: ``value`` is not a duration, or is zero or negative when it
            must be positive; the message shows ``example``.
    """
    if not isinstance(value, Duration):
        raise DefinitionError(
            f"{name}={value!r} must be a duration such as {example}", name=name, value=value
        )
    if positive and value.us <= 0:
        raise DefinitionError(
            f"{name}={value!r} must be a positive duration such as {example}",
            name=name,
            value=value,
        )
    return value


def check_optional_duration(
    value: object, name: str, *, positive: bool = False, example: str = "minutes(5)"
) -> Duration | None:
    """Return ``None`` for ``None``, else ``check_duration()`` of ``value``."""
    if value is None:
        return None
    return check_duration(value, name, positive=positive, example=example)


def check_service_name(value: object, name: str = "service", *, example: str = "'checkout'") -> str:
    """Return ``value`` if it is a non-empty service name.

    Raises:
        DefinitionError: ``value`` is not a string, or is blank.
    """
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(
            f"{name}={value!r} must be a non-empty service name such as {example}",
            name=name,
            value=value,
        )
    return value


def check_choice(
    choices: Sequence[str], name: str, words: str = ""
) -> Callable[[object, object, object], None]:
    """Return an attrs validator that accepts only one of ``choices`` for ``name``.

    ``words`` says what the choices mean, in the message.
    """
    listed = ", ".join(map(repr, choices))
    meaning = f" ({words})" if words else ""

    def validate(_instance: object, _attribute: object, value: object) -> None:
        if value not in choices:
            raise DefinitionError(
                f"{name}={value!r} must be one of {listed}{meaning}", name=name, value=value
            )

    return validate
