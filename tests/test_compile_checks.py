"""``compile_agreement`` (and ``slakit validate``) reject what evaluation would reject.

An agreement that compiles does not fail at evaluation for a reason its
definition alone could show: every measure and every node of the compensation
rule is checked, in every version of an amended agreement.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slakit as sla
from slakit._cli import main
from slakit.exceptions import CurrencyMismatchError, DefinitionError
from tests.strategies import data_agreements, events

UP = sla.uptime()
OK = sla.success_ratio()


def agreement(rule: sla.CreditRule) -> sla.Agreement:
    tier = sla.Tier("t", fee=sla.usd("100.00"), objectives=[UP >= "99.9%"], compensation=rule)
    return sla.Agreement(provider="p", customer="c", services=["a"], tier=tier)


# What only the tier can show wrong: amounts in another currency than its fee.
CASES: list[tuple[str, Callable[[], sla.CreditRule], type[Exception], str]] = [
    (
        "a EUR credit in a USD tier",
        lambda: sla.per_breach(UP >= "99.9%", sla.eur("10.00")),
        CurrencyMismatchError,
        "has amounts in EUR, but the fee is in USD",
    ),
    (
        "a EUR refund price",
        lambda: sla.refund_per(
            UP, every=sla.hours(1), down_over=sla.minutes(5), price=sla.eur("1.00")
        ),
        CurrencyMismatchError,
        "has amounts in EUR",
    ),
    (
        "a EUR amount inside a combinator",
        lambda: sla.Largest(
            (
                sla.per_breach(UP >= "99.9%", sla.usd("1.00")),
                sla.per_breach(UP >= "99%", sla.eur("2.00")),
            )
        ),
        CurrencyMismatchError,
        "per_breach(uptime() >= '99%'",
    ),
]


@pytest.mark.parametrize(("case", "rule", "error", "message"), CASES, ids=[c[0] for c in CASES])
def test_compile_rejects_what_evaluate_rejects(
    case: str, rule: Callable[[], sla.CreditRule], error: type[Exception], message: str
) -> None:
    """The compile step raises the error evaluation would, with the clause named."""
    ag = agreement(rule())
    with pytest.raises(error, match="in tier 't'") as compiled:
        sla.compile_agreement(ag)
    assert message in str(compiled.value)
    with pytest.raises(error) as evaluated:
        sla.evaluate(ag, [], period="2026-10")
    assert str(evaluated.value) == str(compiled.value)


# Rules the factories refuse, built from the public classes directly as agreement
# data or user code can: the classes run the same checks, so they never reach a tier.
BUILT: list[tuple[str, Callable[[], sla.CreditRule], str]] = [
    (
        "a credit per breach of a measure of time",
        lambda: sla.PerBreach(UP, sla.usd("1.00")),
        "counts microseconds, not breaches",
    ),
    (
        "proration over a ratio of requests",
        lambda: sla.Prorated(OK, 1, "period"),
        "does not count time",
    ),
    (
        "a claim window that is not one",
        lambda: sla.ClaimRequired(sla.per_breach(UP >= "99.9%", sla.usd("1.00")), "30 days"),  # type: ignore[arg-type]
        "must be within_days(...)",
    ),
    (
        "a window after the ticket closes on a credit that has no tickets",
        lambda: sla.ClaimRequired(
            sla.per_breach(UP >= "99.9%", sla.usd("1.00")), sla.after_ticket_closes(sla.days(3))
        ),
        "needs a credit per late ticket",
    ),
]


@pytest.mark.parametrize(("case", "rule", "message"), BUILT, ids=[c[0] for c in BUILT])
def test_the_classes_refuse_what_the_factories_refuse(
    case: str, rule: Callable[[], sla.CreditRule], message: str
) -> None:
    """A rule class built directly raises the factory's error, naming the clause."""
    with pytest.raises(DefinitionError, match=re.escape(message)):
        rule()


def test_every_version_is_checked_and_named() -> None:
    """A bad rule in the second version fails compilation, naming the version."""
    good = agreement(sla.per_breach(UP >= "99.9%", sla.usd("10.00")))
    bad_tier = sla.Tier(
        "t2", fee=sla.usd("100.00"), compensation=sla.per_breach(UP >= "99.9%", sla.eur("10.00"))
    )
    amended = good.amend("2026-10-15T00:00:00Z", title="price review", tier=bad_tier)
    with pytest.raises(CurrencyMismatchError, match=r"^version v2 \(price review\): per_breach"):
        sla.compile_agreement(amended)
    sla.compile_agreement(good)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_validate_runs_the_same_checks(tmp_path: Path) -> None:
    """``slakit validate`` fails (exit 2) on a EUR credit in a USD tier, and says why."""
    path = tmp_path / "agreement.py"
    path.write_text(
        "import slakit as sla\n"
        "up = sla.uptime()\n"
        "agreement = sla.Agreement(provider='p', customer='c', services=['a'],\n"
        "    tier=sla.Tier('t', fee=sla.usd('100.00'), objectives=[up >= '99.9%'],\n"
        "        compensation=sla.per_breach(up >= '99.9%', sla.eur('10.00'))))\n",
        encoding="utf-8",
    )
    status, out, err = run("validate", str(path))
    assert (status, out) == (2, "")
    assert "has amounts in EUR, but the fee is in USD" in err
    path.write_text(path.read_text(encoding="utf-8").replace("sla.eur", "sla.usd"), "utf-8")
    status, out, err = run("validate", str(path))
    assert (status, err) == (0, "")
    assert "ok" in out


@st.composite
def checked_agreements(draw: st.DrawFn) -> sla.Agreement:
    """Draw agreements of the data strategy, some with the fee in another currency."""
    ag = draw(data_agreements(amendments=draw(st.booleans())))
    if draw(st.booleans()):
        tier = ag.tier.derive(ag.tier.name, fee=sla.eur(str(ag.tier.fee.amount)))
        ag = sla.Agreement(
            provider=ag.provider,
            customer=ag.customer,
            services=ag.services,
            tier=tier,
            period=ag.period,
        )
    return ag


@settings(deadline=None)  # an agreement of three measures over a quarter takes a while
@given(checked_agreements(), events())
def test_what_compiles_evaluates(ag: sla.Agreement, evs: list[sla.Event]) -> None:
    """Compilation succeeds exactly when evaluation gets past the definition checks."""
    try:
        sla.compile_agreement(ag)
    except (DefinitionError, CurrencyMismatchError) as exc:
        with pytest.raises(type(exc)):
            sla.evaluate(ag, evs, period=ag.period.containing("2026-06-15T00:00:00Z"))
        return
    try:
        sla.evaluate(ag, evs, period=ag.period.containing("2026-06-15T00:00:00Z"))
    except (DefinitionError, CurrencyMismatchError) as exc:  # pragma: no cover - the failure
        pytest.fail(f"compiled, but evaluation raised {exc!r}")
    except sla.exceptions.EvaluationError:
        pass  # what only the input can show (no billing data for a charges base)
