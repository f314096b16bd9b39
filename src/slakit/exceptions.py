"""The exceptions slakit raises, as one tree.

Every error is a [`SlakitError`][slakit.exceptions.SlakitError] and also the builtin it refines, so
code
that already catches ``ValueError`` keeps working::

    SlakitError
    ├── DefinitionError(SlakitError, ValueError)      an agreement, measure or rule is malformed
    │   ├── NaiveDatetimeError(DefinitionError)       a datetime without a zone
    │   └── UnknownZoneError(DefinitionError)         a zone name that IANA does not know
    ├── CurrencyMismatchError(SlakitError, ValueError) two currencies were combined
    ├── EventDataError(SlakitError, ValueError)       one or more input records are invalid
    │   └── InputFormatError(EventDataError)          a file is not in the format it is read as
    ├── AgreementDataError(SlakitError, ValueError)   agreement data (JSON, YAML, TOML) is invalid
    ├── StrictInputError(SlakitError, ValueError)     strict mode: some input was not counted
    ├── PeriodError(SlakitError, ValueError)          a period label that cannot be parsed
    └── EvaluationError(SlakitError, RuntimeError)    the inputs cannot be evaluated

Messages echo the offending ``name=value``, say what was expected and how to
fix it; the exceptions also carry that data as attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

__all__ = [
    "AgreementDataError",
    "CurrencyMismatchError",
    "DefinitionError",
    "EvaluationError",
    "EventDataError",
    "InputFormatError",
    "NaiveDatetimeError",
    "PeriodError",
    "Problem",
    "SlakitError",
    "StrictInputError",
    "UnknownZoneError",
]


class SlakitError(Exception):
    """The root of every error that slakit raises on purpose."""


class DefinitionError(SlakitError, ValueError):
    """An agreement, measure, calendar or rule was defined with invalid values.

    Attributes:
        name: the argument or field that was wrong (``"granularity"``), when one is.
        value: the value that was given for it (``None`` when no argument is named).
    """

    name: str | None
    value: object

    def __init__(self, message: str, *, name: str | None = None, value: object = None) -> None:
        super().__init__(message)
        self.name = name
        self.value = value


class NaiveDatetimeError(DefinitionError):
    """A datetime without a time zone was given where an instant is required."""


class UnknownZoneError(DefinitionError):
    """A time zone name is not in the IANA database."""


class CurrencyMismatchError(SlakitError, ValueError):
    """Amounts in two different currencies were added, compared or capped together."""


class PeriodError(SlakitError, ValueError):
    """A period label could not be parsed or does not fit the agreement's periods."""


class EvaluationError(SlakitError, RuntimeError):
    """An agreement cannot be evaluated on the given inputs."""


@attrs.frozen
class Problem:
    """One problem found in input data: where it is, which field, and what is wrong.

    Attributes:
        where: the record's location, for example ``events.jsonl:12`` or ``row 12``.
        field: the field that is wrong, or ``""`` when the record as a whole is.
        message: what is wrong and how to fix it.
    """

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return f"{self.where}: {self.field}: {self.message}"
        return f"{self.where}: {self.message}"


class EventDataError(SlakitError, ValueError):
    """One or more input records are invalid; ``problems`` lists them, each with its record.

    The readers keep the first 1,000 problems, in the order of the records;
    ``omitted`` counts those found beyond them, and ``count`` is the total. The
    message shows the first 50, then how many more there are.
    """

    problems: tuple[Problem, ...]
    omitted: int
    count: int

    def __init__(self, problems: Sequence[Problem], *, omitted: int = 0) -> None:
        count, listed = _keep(self, problems, omitted, thousands="")
        head = "1 invalid record" if count == 1 else f"{count} invalid records"
        super().__init__(f"{head}:\n{listed}")

    def __reduce__(self) -> tuple[Any, ...]:
        # made again from its problems in another process (a Dask worker's error)
        return (_remade, (type(self), self.problems, self.omitted))


class InputFormatError(EventDataError):
    """A file is not in the format it is read as (a Parquet file read as CSV, binary junk ...).

    One problem names the file, the format expected and how to choose another
    (``format=`` in [`slakit.io.read_table()`][slakit.io.read_table], ``--format`` on the
    command line), or the extra to install for it.

    Attributes:
        source: the file, as given.
        format: the format it was read as (``"csv"``, ``"jsonl"``, ``"parquet"``, ``"arrow"``).
    """

    source: str
    format: str

    def __init__(self, source: str, format: str, message: str) -> None:
        super().__init__([Problem(source, "", message)])
        self.source = source
        self.format = format

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.source, self.format, self.problems[0].message))


class StrictInputError(SlakitError, ValueError):
    """Strict mode found input that no measure counted; ``problems`` lists every group of it.

    Each problem is one group of rows (one reason, one service): rows for a
    service the agreement does not cover (with a did-you-mean), rows of a table
    no measure or rule reads, or rows a measure rejected. ``where`` is the
    group's first row, ``field`` is ``"service"`` (or ``""`` for a whole table),
    and ``message`` says how many rows, why, and how to fix it. ``groups`` holds
    the same groups as objects (``category``, ``reason``, ``service``,
    ``suggestions``, ``count`` and ``rows()``). Evaluate without ``strict`` to
    get the report, which lists every row.
    """

    problems: tuple[Problem, ...]
    groups: tuple[object, ...]

    def __init__(self, problems: Sequence[Problem], groups: Sequence[object] = ()) -> None:
        self.problems = tuple(problems)
        self.groups = tuple(groups)
        count = len(self.problems)
        head = "1 group" if count == 1 else f"{count} groups"
        shown = "\n".join(f"  {p}" for p in self.problems[:50])
        more = f"\n  ... and {count - 50} more groups" if count > 50 else ""
        super().__init__(
            f"strict mode: input that no measure counted, in {head}:\n{shown}{more}\n"
            "fix the input (or the agreement), or evaluate without strict to see every row "
            "listed in the report"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.problems,))  # the groups hold the rows: they stay behind


class AgreementDataError(SlakitError, ValueError):
    """Agreement data is invalid; ``problems`` lists the problems, each with its path.

    A path starts at ``$``, the top of the document, such as
    ``$.tier.compensation.bands[0].credit``. The loaders keep the first 50
    problems; ``omitted`` counts those found beyond them, and ``count`` is the
    total. The message shows the first 50, then how many more there are.
    """

    problems: tuple[Problem, ...]
    omitted: int
    count: int

    def __init__(self, problems: Sequence[Problem], *, omitted: int = 0) -> None:
        count, listed = _keep(self, problems, omitted, thousands=",")
        head = "1 problem" if count == 1 else f"{count:,} problems"
        super().__init__(f"the agreement data has {head}:\n{listed}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_remade, (type(self), self.problems, self.omitted))


def _remade(
    cls: type[EventDataError | AgreementDataError], problems: Sequence[Problem], omitted: int
) -> EventDataError | AgreementDataError:
    """Return the error of ``cls`` made again from its problems (for pickling)."""
    return cls(problems, omitted=omitted)


def _keep(
    error: EventDataError | AgreementDataError,
    problems: Sequence[Problem],
    omitted: int,
    *,
    thousands: str,
) -> tuple[int, str]:
    """Set ``error``'s ``problems``, ``omitted`` and ``count``; return the count and the listing.

    The listing shows the first 50 problems, one a line, then how many more
    there are (with ``thousands=","``, as ``1,234``).
    """
    error.problems = tuple(problems)
    error.omitted = omitted
    error.count = count = len(error.problems) + omitted
    shown = "\n".join(f"  {p}" for p in error.problems[:50])
    more = count - min(len(error.problems), 50)
    return count, shown + (f"\n  ... and {more:{thousands}} more" if more else "")
