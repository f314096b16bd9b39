"""Developer sessions: ``nox`` runs tests, lint, typing and docs; ``nox -s demo bench`` the rest."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typing", "docs"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_external_run = True


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite; pyproject.toml gates branch coverage at 90%."""
    session.install(".[test]")

    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check lint rules and formatting with ruff (no files are changed)."""
    session.install("ruff")

    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typing(session: nox.Session) -> None:
    """Type-check the package and the user code in tests/typing with mypy --strict."""
    session.install(".[dev]")

    session.run("mypy", "--strict", "src", "tests/typing")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site; any warning is an error."""
    # mkdocstrings formats the separate signatures with ruff when it is installed.
    session.install(".[docs]", "ruff")

    session.run("mkdocs", "build", "--strict", *session.posargs, env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session
def demo(session: nox.Session) -> None:
    """Install slakit alone and run the embedded example from the command line."""
    session.install(".")

    session.run("slakit", "demo", *session.posargs)


@nox.session
def fuzz(session: nox.Session) -> None:
    """Run the fuzz campaign: every entry point's fuzz target, a million inputs in all.

    Arguments after ``--`` go to ``python -m tests.fuzzing`` (``--inputs N``,
    ``--jobs N``, ``--report FILE``); the figures are written to fuzz-report.json.
    """
    session.install(".[test]")

    session.run("python", "-m", "tests.fuzzing", *session.posargs)


@nox.session
def atheris(session: nox.Session) -> None:
    """Fuzz the loaders with atheris, guided by coverage (Linux wheels only; optional).

    Arguments after ``--`` go to atheris (default: 200,000 runs).
    """
    session.install(".[test]", "atheris")

    session.run(
        "python", "tests/atheris_loaders.py", *(session.posargs or ["-atheris_runs=200000"])
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks; arguments after ``--`` go to ``python -m benchmarks``."""
    session.install(".[bench]")

    session.run("python", "-m", "benchmarks", *session.posargs)
