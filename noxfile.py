"""Developer sessions: ``nox`` runs tests, lint, typing and docs; ``nox -s demo bench`` the rest.

``nox -s browser`` runs the tests that open documents in headless Chromium, and only those.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typing", "docs"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_external_run = True


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite; pyproject.toml gates branch coverage at 90%."""
    session.install(".[test]")

    session.run("pytest", *session.posargs)


#: The executables tests/browser/chromium.py looks for on PATH (unless SLAKIT_CHROMIUM is set).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@nox.session
def browser(session: nox.Session) -> None:
    """Open documents in headless Chromium: the tests marked ``browser`` (tests/browser).

    Without a Chromium, root on Debian installs the package ``chromium`` with apt-get; anyone
    else is told to. A missing browser fails the tests here (SLAKIT_REQUIRE_BROWSER=1) instead
    of skipping them. Arguments after ``--`` go to pytest in place of ``tests/browser``.
    """
    session.install(".[test]")

    chosen = os.environ.get("SLAKIT_CHROMIUM")
    if chosen is not None and shutil.which(chosen) is None:
        session.error(f"SLAKIT_CHROMIUM={chosen!r} is no executable: unset it or fix the path")
    if chosen is None and not any(shutil.which(name) for name in CHROMIUM_NAMES):
        if getattr(os, "geteuid", lambda: -1)() != 0 or not Path("/etc/debian_version").is_file():
            session.error(
                "no Chromium found: install the Debian package chromium"
                " (sudo apt-get install chromium), or set SLAKIT_CHROMIUM to a Chromium or Chrome"
            )
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        session.run("apt-get", "update", external=True, env=env)
        install = ("apt-get", "install", "-y", "--no-install-recommends", "chromium")
        session.run(*install, external=True, env=env)

    # --no-cov: pyproject gates coverage of the whole package, which only the whole suite reaches
    session.run(
        "pytest",
        "-m",
        "browser",
        "--no-cov",
        *(session.posargs or ["tests/browser"]),
        env={"SLAKIT_REQUIRE_BROWSER": "1"},
    )


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
def examples(session: nox.Session) -> None:
    """Regenerate the example credit statement in docs/how-to/examples/ (every format).

    ``tests/test_statement_examples.py`` fails when the checked-in files are stale.
    """
    session.install(".[test]")

    session.run("python", "-m", "tests.statement_examples")


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
