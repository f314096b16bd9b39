"""Ready-made property checks for the penalty logic of your own agreement.

Run every check in one call, from a plain test function (not inside ``@given``;
each check runs its own Hypothesis search)::

    import slakit.testing

    def test_our_credit_rules():
        slakit.testing.check_agreement(agreement, at_most="50%")

or run one check by name, such as [`check_monotone()`][slakit.testing.check_monotone]. The checks
draw
outage streams from [`slakit.strategies`][slakit.strategies], steered to put each service's
uptime exactly on every bound and target of the agreement, and one step either
side of it, because that is where penalty bugs live. Before they search, the
checks that a bound can defeat ([`check_non_negative()`][slakit.testing.check_non_negative],
[`check_caps()`][slakit.testing.check_caps]
and [`check_monotone()`][slakit.testing.check_monotone]) try those values deterministically: one
outage per
service that puts uptime exactly on each bound, and on the nearest reachable
value either side, so a bug at a bound is caught in every run, whatever the
Hypothesis profile or seed. A check that fails raises
[`CounterexampleError`][slakit.testing.CounterexampleError] carrying the counterexample: the
agreement,
written as the code that builds it, and the events (the minimal events
Hypothesis found, when the search found them).

Each check returns a [`CheckResult`][slakit.testing.CheckResult], which says whether it passed or
was skipped, and why: a check that does not apply to the agreement (there is
no cap to respect, the rule is not monotone, the data codec is missing) is
skipped with a note, never passed silently.

Needs Hypothesis, which the ``hypothesis`` extra installs: in a checkout,
``pip install -e '.[hypothesis]'``.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs
import numpy as np

try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "slakit.testing needs Hypothesis; install the 'hypothesis' extra from a slakit "
        "checkout: pip install -e '.[hypothesis]'"
    ) from exc

import slakit as sla
from slakit import strategies as sst
from slakit._dsl._combinators import Bonus, Cap, CyclesOfFees
from slakit._dsl._compensation import Band, CreditRule, CreditSchedule
from slakit._ratio import format_percent, ratio
from slakit._time._periods import billing_cycles, cycle_count

__all__ = [
    "CheckResult",
    "CounterexampleError",
    "check_agreement",
    "check_caps",
    "check_event_order",
    "check_monotone",
    "check_no_gaps",
    "check_non_negative",
    "check_period_split",
    "check_round_trip",
]

Status = Literal["passed", "skipped"]


@attrs.frozen
class CheckResult:
    """What one check found: ``"passed"``, or ``"skipped"`` with the reason in ``note``.

    Attributes:
        name: the check's function name, such as ``"check_caps"``.
        status: ``"passed"`` or ``"skipped"``.
        note: what was checked, or why the check did not apply.
    """

    name: str
    status: Status
    note: str = ""

    def __str__(self) -> str:
        return f"{self.name}: {self.status}" + (f" ({self.note})" if self.note else "")


class CounterexampleError(AssertionError):
    """A check failed; the minimal counterexample is in the message and the attributes.

    The message shows the agreement as the DSL code that builds it and the
    events as records, so the counterexample can be pasted into a test.

    Attributes:
        check: the name of the failed check.
        problem: what went wrong, in words.
        agreement: the agreement (or the variant of it) that was evaluated.
        events: the events of the counterexample (after shrinking).
        period: the period evaluated.
    """

    def __init__(
        self,
        check: str,
        problem: str,
        *,
        agreement: sla.Agreement,
        events: Sequence[object] = (),
        period: sla.Period | None = None,
    ) -> None:
        self.check = check
        self.problem = problem
        self.agreement = agreement
        self.events = list(events)
        self.period = period
        shown = "\n".join(f"    {e!r}," for e in self.events) or "    (none)"
        where = f" in {period.label}" if period is not None else ""
        super().__init__(
            f"{check} failed: {problem}\n\nagreement = {_wrap(repr(agreement))}\n\n"
            f"events{where} = [\n{shown}\n]"
        )


def _wrap(code: str) -> str:
    if len(code) <= 90:
        return code
    return "(\n" + textwrap.indent(code, "    ") + "\n)"


# --- evaluating ----------------------------------------------------------------------------------


def _period_of(agreement: sla.Agreement, period: sla.Period | str | None) -> sla.Period:
    if isinstance(period, sla.Period):
        return period
    if isinstance(period, str):
        return agreement.period.period(period)
    if agreement.effective is not None:
        return agreement.period.next(agreement.period.containing(agreement.effective))
    return agreement.period.containing(sst.DEFAULT_PERIOD.start)


def _credits(report: sla.Report) -> dict[str, Fraction]:
    """Return each service's exact credit (negative only under a bonus)."""
    out = dict.fromkeys(report.services, Fraction(0))
    for column in report.credit_columns:
        for service, amount in zip(column.services, column.amount.tolist(), strict=True):
            out[service] += Fraction(amount)
    return out


def _rules(
    rule: CreditRule | None, *, under_bonus: bool = False
) -> Iterator[tuple[CreditRule, bool]]:
    """Yield every rule in the tree with whether it lies under a bonus."""
    if rule is None:
        return
    yield rule, under_bonus
    for child in rule.children():
        yield from _rules(child, under_bonus=under_bonus or isinstance(rule, Bonus))


def _compensation(agreement: sla.Agreement) -> Iterator[tuple[CreditRule, bool]]:
    for version in agreement.versions():
        yield from _rules(version.agreement.tier.compensation)


def _settings(max_examples: int | None) -> settings:
    base = settings()
    return settings(
        base,
        max_examples=base.max_examples if max_examples is None else max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
        ],
    )


def _run(
    strategy: st.SearchStrategy[Any], body: Callable[[Any], None], max_examples: int | None
) -> None:
    """Search ``strategy`` for an example on which ``body`` raises; re-raise the minimal one."""

    @_settings(max_examples)
    @given(strategy)
    def search(example: Any) -> None:
        body(example)

    search()


def _events(
    agreement: sla.Agreement, period: sla.Period, *, max_outages: int = 4
) -> st.SearchStrategy[list[sla.Outage]]:
    """Outage streams for the agreement's services: near its bounds, or anywhere."""
    services = list(agreement.services)
    anywhere = sst.outage_streams(services, period=period, max_outages=max_outages)
    values, _ = sst.near_bound_values(agreement)
    if not values:
        return anywhere
    near = sst.outage_streams(services, period=period, max_outages=max_outages, near=agreement)
    return near | anywhere


def _evaluate(
    agreement: sla.Agreement, events: Sequence[object], period: sla.Period, inputs: Sequence[object]
) -> sla.Report:
    return sla.evaluate(agreement, list(events), *inputs, period=period)


# --- probing the bounds --------------------------------------------------------------------------


@attrs.frozen
class _Ladder:
    """Ever longer outages of one service from ``start``: one ends at each of ``ends``.

    The ends put the service's uptime exactly on each bound and target of the
    agreement, and on the nearest reachable values either side of it, over the
    time the measure finds eligible.
    """

    service: str
    start: int
    ends: tuple[int, ...]

    def outages(self) -> list[list[sla.Outage]]:
        """Return one event list per end, in increasing down time."""
        return [[sla.Outage(self.service, self.start, end)] for end in self.ends]


def _around(exact: Fraction, step: int) -> set[int]:
    """Return the down times (microseconds) on ``exact`` and nearest it: one step, 1 µs off."""
    near: set[int] = set()
    for size in {1, step}:
        low, high = math.floor(exact / size), math.ceil(exact / size)
        near.update(size * k for k in (low - 1, low, high, high + 1))
    return near


def _ladders(
    agreement: sla.Agreement, period: sla.Period, inputs: Sequence[object]
) -> list[_Ladder]:
    """Return, per service and eligible time, the outages that straddle every uptime bound.

    The eligible time is what each uptime measure of the agreement finds with no
    events (the period, within its service window or the deployed time); the
    down time is laid from its first instant, so that ``1 - down / eligible`` is
    exactly on each bound where a whole number of microseconds (or buckets) gets
    there, and otherwise on the nearest values either side: one microsecond, and
    one bucket for a measure counted in buckets. Where the down time runs past an
    eligible span, the outage runs on over the ineligible time to the next one.
    """
    values, _ = sst.near_bound_values(agreement)
    if not values:
        return []
    report = _evaluate(agreement, [], period, inputs)
    wanted: dict[tuple[str, sla.Timeline], set[int]] = {}
    for service in report.services:
        for evidence in report.service(service).evidence:
            measure, eligible = evidence.measure, evidence.eligible
            length = eligible.measure()
            if not isinstance(measure, sla.Uptime) or length == 0:
                continue
            step = measure.granularity.us if measure.granularity is not None else 1
            downs = wanted.setdefault((service, eligible), set())
            for value in values:
                exact = (1 - Fraction(value)) * length
                downs.update(d for d in _around(exact, step) if 0 < d <= length)
    out = []
    for (service, eligible), downs in wanted.items():
        down = np.array(sorted(downs), dtype=np.int64)
        reached = np.cumsum(eligible.ends - eligible.starts)  # eligible time at each span's end
        span = np.searchsorted(reached, down)  # the span in which each down time is reached
        ends = eligible.ends[span] - (reached[span] - down)
        out.append(_Ladder(service, int(eligible.starts[0]), tuple(ends.tolist())))
    return out


def _probes(
    agreement: sla.Agreement, period: sla.Period, inputs: Sequence[object]
) -> list[list[sla.Outage]]:
    """Return no events, then one outage per rung of every ladder (see ``_ladders()``)."""
    ladders = _ladders(agreement, period, inputs)
    return [[], *(events for ladder in ladders for events in ladder.outages())]


def _probe_then_search(
    agreement: sla.Agreement,
    period: sla.Period,
    inputs: Sequence[object],
    body: Callable[[list[sla.Outage]], None],
    max_examples: int | None,
) -> None:
    """Run ``body`` on every probe (see ``_probes()``), then on the outage streams drawn."""
    for events in _probes(agreement, period, inputs):
        body(events)
    _run(_events(agreement, period), body, max_examples)


# --- the checks ----------------------------------------------------------------------------------


def check_non_negative(
    agreement: sla.Agreement,
    *,
    period: sla.Period | str | None = None,
    inputs: Sequence[object] = (),
    max_examples: int | None = None,
) -> CheckResult:
    """Check that no service is ever credited less than zero, unless a bonus clause exists.

    Only [`slakit.bonus()`][slakit.bonus] makes a credit negative (money owed to the
    provider); with one in the agreement the check is skipped.

    Args:
        agreement: the agreement to check.
        period: the period to evaluate (default: the agreement's first whole
            period, or October 2026 when it has no effective date).
        inputs: further inputs for the evaluation, such as billing data for
            credits on ``charges()``.
        max_examples: how many examples Hypothesis tries (default: the profile's).

    Raises:
        CounterexampleError: a service was credited less than zero.
    """
    name = "check_non_negative"
    if any(isinstance(rule, Bonus) for rule, _ in _compensation(agreement)):
        return CheckResult(name, "skipped", "the agreement has a bonus clause")
    p = _period_of(agreement, period)

    def body(events: list[sla.Outage]) -> None:
        for service, amount in _credits(_evaluate(agreement, events, p, inputs)).items():
            if amount < 0:
                raise CounterexampleError(
                    name,
                    f"service {service!r} is credited {_money(amount, agreement)}, below zero, "
                    "without a bonus clause",
                    agreement=agreement,
                    events=events,
                    period=p,
                )

    _probe_then_search(agreement, p, inputs, body, max_examples)
    return CheckResult(name, "passed", "no credit below zero")


def _money(amount: Fraction, agreement: sla.Agreement) -> str:
    # rounded from the exact fraction, so the thread's decimal context plays no part
    return str(sla.Rounding().apply(amount, agreement.tier.currency_code))


def _limit(at_most: object) -> sla.Money | Decimal:
    if isinstance(at_most, sla.Money):
        return at_most
    return ratio(at_most, name="at_most")


def _limit_text(limit: sla.Money | Decimal | sla.Duration | CyclesOfFees) -> str:
    if isinstance(limit, sla.Money):
        return str(limit)
    if isinstance(limit, CyclesOfFees):
        return limit.words()
    if isinstance(limit, sla.Duration):
        return f"{limit.words()} of paid service"
    return f"{format_percent(limit)} of the fee"


def check_caps(
    agreement: sla.Agreement,
    *,
    at_most: sla.Money | str | Decimal | None = None,
    period: sla.Period | str | None = None,
    inputs: Sequence[object] = (),
    max_examples: int | None = None,
) -> CheckResult:
    """Check that no credit is ever above a cap: each ``cap(...)`` in the rules, and ``at_most``.

    Each [`slakit.cap()`][slakit.cap] per period in the agreement (outside a bonus) is
    evaluated on its own, and its credit compared with its limit. ``at_most``
    is the limit your contract puts on the whole credit of a service in a
    period (an amount, or a share of the fee such as ``"50%"``); give it to
    catch caps written in the wrong place, such as caps applied to each rule
    before the sum instead of to the sum.

    Args:
        agreement: the agreement to check.
        at_most: the contract's limit on a service's credit per period, if any.
        period: the period to evaluate (see
            [`check_non_negative()`][slakit.testing.check_non_negative]).
        inputs: further inputs for the evaluation.
        max_examples: how many outage streams Hypothesis tries after the probes (default:
            the profile's).

    Raises:
        CounterexampleError: a service was credited above a cap.
    """
    name = "check_caps"
    p = _period_of(agreement, period)
    tier = agreement.tier
    targets: list[tuple[str, sla.Agreement, sla.Money | Decimal | sla.Duration | CyclesOfFees]]
    targets = []
    if at_most is not None:
        targets.append(("the contract's limit", agreement, _limit(at_most)))
    of_charges = []
    for rule, under_bonus in _rules(tier.compensation):
        if isinstance(rule, Cap) and rule.per == "period" and not under_bonus:
            if not isinstance(rule.of, sla.Fee):  # its limit depends on billing data
                of_charges.append(repr(rule))
                continue
            variant = attrs.evolve(agreement, tier=tier.derive(tier.name, compensation=rule))
            targets.append((repr(rule), variant, rule.at_most))
    unchecked = f"; not checked, as they are of billing data: {', '.join(of_charges)}"
    if not targets:
        return CheckResult(
            name,
            "skipped",
            "no cap per period in the rules; pass at_most= for the contract's"
            + (unchecked if of_charges else ""),
        )
    whole = agreement.period.containing(p.start)
    cycles = cycle_count(tier.billing, whole)

    def body(events: list[sla.Outage]) -> None:
        for what, variant, limit in targets:
            report = _evaluate(variant, events, p, inputs)
            cycle_fee = Fraction(variant.tier_fee().amount)
            fee = cycle_fee * cycles  # the period's: its cycles' fees
            if isinstance(limit, sla.Money):
                bound = Fraction(limit.amount)
            elif isinstance(limit, CyclesOfFees):  # the fee per cycle, whole
                bound = cycle_fee * limit.count
            elif isinstance(limit, sla.Duration):  # days of paid service, at the whole fee
                bound = fee * Fraction(limit.us, p.length_us)
            elif tier.billing is None:
                bound = Fraction(limit) * fee * report.partial
            else:  # each cycle's fee to its part in effect
                shares = billing_cycles(tier.billing, whole, report.start, p.end)
                bound = Fraction(limit) * cycle_fee * sum(share for _cycle, share in shares)
            for service, amount in _credits(report).items():
                if amount > bound:
                    raise CounterexampleError(
                        name,
                        f"service {service!r} is credited {_money(amount, variant)}, above "
                        f"{_limit_text(limit)} ({_money(bound, variant)}) set by {what}",
                        agreement=variant,
                        events=events,
                        period=p,
                    )

    _probe_then_search(agreement, p, inputs, body, max_examples)
    return CheckResult(
        name, "passed", f"{len(targets)} cap(s) respected" + (unchecked if of_charges else "")
    )


@st.composite
def _growth(
    draw: st.DrawFn, base: st.SearchStrategy[list[sla.Outage]], period: sla.Period, step: int
) -> tuple[list[sla.Outage], list[sla.Outage]]:
    """Draw outages, and more down time: one outage extended by a step or two, or a new one."""
    events = draw(base)
    open_ended = [e for e in events if e.end_us < period.end]
    extend: bool = draw(st.booleans())
    if open_ended and extend:
        grown = draw(st.sampled_from(open_ended))
        end = grown.end_us + draw(st.sampled_from([step, 1, 2 * step]))
        return events, [sla.Outage(grown.service, grown.end_us, min(end, period.end))]
    service = draw(st.sampled_from(sorted({e.service for e in events} or {"-"})))
    if service == "-":
        return events, []
    length = draw(st.sampled_from([step, 1]) | st.integers(1, period.length_us // 100))
    start = draw(st.integers(period.start, period.end - length))
    return events, [sla.Outage(service, start, start + length)]


def check_monotone(
    agreement: sla.Agreement,
    *,
    period: sla.Period | str | None = None,
    inputs: Sequence[object] = (),
    max_examples: int | None = None,
) -> CheckResult:
    """Check that more down time never lowers a service's credit, where the rules promise it.

    A rule promises it when [`CreditRule.monotone()`][slakit.CreditRule.monotone] says
    so, that is when every part of it does: credit schedules whose credits never
    fall as uptime falls, fixed amounts per breach, linear, pro-rated and
    per-unit credits, combined by sums, largest-of, caps per period on each
    service, constant scales and floors. Otherwise (a [`slakit.first()`][slakit.first],
    a bonus, a pooled cap, history, incident statistics) the check is skipped and
    the note names the part. A schedule with a *gap*
    at a bound fails this check: one more microsecond of down time moves the
    value from a band into the gap, and the credit falls to nothing.

    Before it searches, the check walks up every bound and target of the
    agreement deterministically: one outage per service, lengthened from just
    above each bound to exactly on it and just below it (one microsecond at a
    time, and one bucket at a time for measures counted in buckets). So a gap
    or an inversion at a bound is found in every run, whatever the Hypothesis
    profile or seed; the search then looks everywhere else.

    Args:
        agreement: the agreement to check.
        period: the period to evaluate (see
            [`check_non_negative()`][slakit.testing.check_non_negative]).
        inputs: further inputs for the evaluation.
        max_examples: how many outage streams, each with more down time added, Hypothesis
            tries after the walk up the bounds (default: the profile's).

    Raises:
        CounterexampleError: adding down time lowered a service's credit.
    """
    name = "check_monotone"
    for version in agreement.versions():
        rule = version.agreement.tier.compensation
        found = None if rule is None else rule.non_monotone_part()
        if found is not None:
            return CheckResult(name, "skipped", f"not monotone in down time by design: {found!r}")
    p = _period_of(agreement, period)
    _, measures = sst.near_bound_values(agreement)
    step = 1
    grains = {m.granularity.us for m in measures if m.granularity is not None}
    if len(grains) == 1:
        step = grains.pop()

    def compare(before: list[sla.Outage], after: list[sla.Outage], change: str) -> None:
        """Raise if ``after`` (``before`` with more down time) credits a service less."""
        was = _credits(_evaluate(agreement, before, p, inputs))
        now = _credits(_evaluate(agreement, after, p, inputs))
        for service, amount in was.items():
            if now[service] < amount:
                raise CounterexampleError(
                    name,
                    f"{change} lowers the credit of {service!r} from "
                    f"{_money(amount, agreement)} to {_money(now[service], agreement)}",
                    agreement=agreement,
                    events=after,
                    period=p,
                )

    def body(example: tuple[list[sla.Outage], list[sla.Outage]]) -> None:
        events, more = example
        if more:
            compare(events, events + more, f"adding {more[0]!r}")

    # First every bound, deterministically: each rung of a ladder is the one before, longer.
    for ladder in _ladders(agreement, p, inputs):
        previous: list[sla.Outage] = []
        for events in ladder.outages():
            (outage,) = events
            if previous:
                longer = sla.microseconds(outage.end_us - previous[0].end_us)
                change = f"lengthening {previous[0]!r} by {longer!r}"
            else:
                change = f"adding {outage!r}"
            compare(previous, events, change)
            previous = events
    _run(_growth(_events(agreement, p), p, step), body, max_examples)
    return CheckResult(name, "passed", "more down time never lowered a credit")


def check_event_order(
    agreement: sla.Agreement,
    *,
    period: sla.Period | str | None = None,
    inputs: Sequence[object] = (),
    max_examples: int | None = None,
) -> CheckResult:
    """Check that the order of the events changes nothing: credits, lines and verdicts.

    Args:
        agreement: the agreement to check.
        period: the period to evaluate (see
            [`check_non_negative()`][slakit.testing.check_non_negative]).
        inputs: further inputs for the evaluation.
        max_examples: how many outage streams, each in another order, Hypothesis tries
            (default: the profile's).

    Raises:
        CounterexampleError: a permutation of the events changed the result.
    """
    name = "check_event_order"
    p = _period_of(agreement, period)

    @st.composite
    def shuffled(draw: st.DrawFn) -> tuple[list[sla.Outage], list[sla.Outage]]:
        events = draw(_events(agreement, p))
        return events, draw(st.permutations(events))

    def body(example: tuple[list[sla.Outage], list[sla.Outage]]) -> None:
        events, other = example
        a, b = _evaluate(agreement, events, p, inputs), _evaluate(agreement, other, p, inputs)
        same = (
            _credits(a) == _credits(b)
            and a.compensation.lines == b.compensation.lines
            and [(o.service, o.value, o.verdict) for o in a.objectives]
            == [(o.service, o.value, o.verdict) for o in b.objectives]
        )
        if not same:
            raise CounterexampleError(
                name,
                f"the events in another order give another result: {other!r}",
                agreement=agreement,
                events=events,
                period=p,
            )

    _run(shuffled(), body, max_examples)
    return CheckResult(name, "passed", "results independent of event order")


def _cut(events: Sequence[sla.Outage], at: int) -> list[sla.Outage]:
    out = []
    for e in events:
        if e.start_us < at < e.end_us:
            out += [
                sla.Outage(e.service, e.start_us, at, state=e.state, affected=e.affected),
                sla.Outage(e.service, at, e.end_us, state=e.state, affected=e.affected),
            ]
        else:
            out.append(e)
    return out


def check_period_split(
    agreement: sla.Agreement,
    *,
    period: sla.Period | str | None = None,
    inputs: Sequence[object] = (),
    max_examples: int | None = None,
) -> CheckResult:
    """Check that cutting outages at the end of the period, or inside it, changes no credit.

    An outage that runs from one period into the next counts, in each, only its
    own part: the period and the next one give the same credits whether such an
    outage is reported whole or cut at the boundary, and whether an outage
    inside the period is one report or two that touch. This is meaningful only
    where a report's own length does not matter, so the check is skipped for
    uptime with ``min_outage_of="report"``.

    Args:
        agreement: the agreement to check.
        period: the period to evaluate (see
            [`check_non_negative()`][slakit.testing.check_non_negative]); the
            next period is evaluated too.
        inputs: further inputs for the evaluation.
        max_examples: how many outage streams and cuts Hypothesis tries (default: the
            profile's).

    Raises:
        CounterexampleError: cutting an outage changed a credit.
    """
    name = "check_period_split"
    for version in agreement.versions():
        for measure in version.agreement.tier.measures():
            if isinstance(measure, sla.Uptime) and measure.minimum_of == "report":
                return CheckResult(
                    name, "skipped", f"{measure!r} judges each report by its own length"
                )
    p = _period_of(agreement, period)
    q = agreement.period.next(p)
    services = list(agreement.services)
    whole = sla.Period(p.start, q.end, f"{p.label}..{q.label}", p.tz)

    @st.composite
    def examples(draw: st.DrawFn) -> tuple[list[sla.Outage], int]:
        events = draw(_events(agreement, p, max_outages=3))
        crossing = draw(sst.outage_streams(services, period=whole, max_outages=2))
        inside = draw(st.integers(p.start + 1, p.end - 1))
        return events + crossing, inside

    def body(example: tuple[list[sla.Outage], int]) -> None:
        events, inside = example
        cut = _cut(_cut(events, p.end), inside)
        for each in (p, q):
            a, b = (
                _evaluate(agreement, events, each, inputs),
                _evaluate(agreement, cut, each, inputs),
            )
            if _credits(a) != _credits(b):
                raise CounterexampleError(
                    name,
                    f"in {each.label}, the outages cut at {sla.Span(inside, inside + 1).start!r} "
                    f"and at the period boundary give other credits: {_credits(a)} whole, "
                    f"{_credits(b)} cut",
                    agreement=agreement,
                    events=events,
                    period=each,
                )

    _run(examples(), body, max_examples)
    return CheckResult(name, "passed", f"{p.label} and {q.label} agree on cut outages")


def _gaps(schedule: CreditSchedule) -> list[tuple[Band, Band]]:
    """Return each pair of neighbouring bands that leave a gap between them, or overlap."""
    out = []
    for a, b in zip(schedule.bands, schedule.bands[1:], strict=False):
        if a.upper is None or b.lower is None:
            out.append((a, b))
            continue
        hi, lo = a.upper, b.lower
        apart = hi.value < lo.value or (hi.value == lo.value and not (hi.inclusive or lo.inclusive))
        overlap = hi.value > lo.value or (hi.value == lo.value and hi.inclusive and lo.inclusive)
        if apart or overlap:
            out.append((a, b))
    return out


def check_no_gaps(
    agreement: sla.Agreement, *, period: sla.Period | str | None = None
) -> CheckResult:
    """Check that the bands of every credit schedule neither leave gaps nor overlap.

    Between its lowest and highest bound, every value must fall in exactly one
    band; a value in a gap earns no credit at all (the report flags a "schedule
    gap"), which is almost always a bound written exclusive where it should be
    inclusive. The counterexample's events put the uptime on the gap when the
    schedule reads uptime.

    Args:
        agreement: the agreement to check.
        period: the period the counterexample's events fall in (see
            [`check_non_negative()`][slakit.testing.check_non_negative]).

    Raises:
        CounterexampleError: a schedule has a gap or an overlap.
    """
    name = "check_no_gaps"
    p = _period_of(agreement, period)
    schedules = [r for r, _ in _compensation(agreement) if isinstance(r, CreditSchedule)]
    if not schedules:
        return CheckResult(name, "skipped", "no credit schedule in the rules")
    for schedule in schedules:
        for a, b in _gaps(schedule):
            gap = (
                a.upper is not None
                and b.lower is not None
                and (
                    a.upper.value < b.lower.value
                    or (
                        a.upper.value == b.lower.value
                        and not (a.upper.inclusive or b.lower.inclusive)
                    )
                )
            )
            if not gap:
                problem = f"bands {a.interval()} and {b.interval()} overlap"
                events: list[sla.Outage] = []
            else:
                assert a.upper is not None
                assert b.lower is not None
                value = (
                    a.upper.value
                    if a.upper.value == b.lower.value or not a.upper.inclusive
                    else (a.upper.value + b.lower.value) / 2
                )
                events = _on(agreement, schedule, Fraction(value), p)
                problem = (
                    f"{schedule!r} has a gap between {a.interval()} and {b.interval()}: "
                    f"a value of {format_percent(value)} is in no band and earns no credit"
                )
            raise CounterexampleError(name, problem, agreement=agreement, events=events, period=p)
    return CheckResult(name, "passed", f"{len(schedules)} schedule(s) without gaps or overlaps")


def _on(
    agreement: sla.Agreement, schedule: CreditSchedule, value: Fraction, period: sla.Period
) -> list[sla.Outage]:
    """Return an outage of the first service that puts uptime exactly on ``value``, if one can."""
    down = (1 - value) * period.length_us
    measure = schedule.measure
    if not isinstance(measure, sla.Uptime) or down.denominator != 1 or down <= 0:
        return []
    if measure.granularity is not None and down % measure.granularity.us:
        return []  # no whole number of buckets gives exactly this value in this period
    start = period.start
    return [sla.Outage(agreement.services[0], start, start + int(down))]


def check_round_trip(agreement: sla.Agreement) -> CheckResult:
    """Check that the agreement survives a trip through data: ``from_data(to_data(a)) == a``.

    Also through text, ``loads(dumps(a)) == a``, when slakit has them. Skipped
    with a note when this slakit has no data codec.

    Raises:
        CounterexampleError: the agreement read back differs from the original.
    """
    name = "check_round_trip"
    to_data = getattr(sla, "to_data", None)
    from_data = getattr(sla, "from_data", None)
    if to_data is None or from_data is None:
        return CheckResult(name, "skipped", "this slakit has no data codec (to_data/from_data)")
    data = to_data(agreement)
    back = from_data(data)
    if back != agreement:
        raise CounterexampleError(
            name,
            f"from_data(to_data(agreement)) gives {back!r}; the data was {data!r}",
            agreement=agreement,
        )
    dumps, loads = getattr(sla, "dumps", None), getattr(sla, "loads", None)
    if dumps is not None and loads is not None:
        text = dumps(agreement)
        again = loads(text)
        if again != agreement:
            raise CounterexampleError(
                name,
                f"loads(dumps(agreement)) gives {again!r}; the text was {text!r}",
                agreement=agreement,
            )
    return CheckResult(name, "passed", "the agreement reads back equal from data")


#: Every check, in the order [`check_agreement()`][slakit.testing.check_agreement] runs them.
CHECKS = (
    "check_no_gaps",
    "check_non_negative",
    "check_caps",
    "check_monotone",
    "check_event_order",
    "check_period_split",
    "check_round_trip",
)


def check_agreement(
    agreement: sla.Agreement,
    *,
    at_most: sla.Money | str | Decimal | None = None,
    period: sla.Period | str | None = None,
    inputs: Sequence[object] = (),
    max_examples: int | None = None,
    checks: Sequence[str] = CHECKS,
) -> tuple[CheckResult, ...]:
    """Run every check on ``agreement`` (or those in ``checks``), stopping at the first failure.

    Args:
        agreement: the agreement to check.
        at_most: the contract's limit on a service's credit per period, for
            [`check_caps()`][slakit.testing.check_caps].
        period: the period to evaluate (see
            [`check_non_negative()`][slakit.testing.check_non_negative]).
        inputs: further inputs for the evaluation, such as billing data.
        max_examples: how many examples Hypothesis tries per check (default: the profile's).
        checks: the names of the checks to run, from ``CHECKS``.

    Returns:
        One [`CheckResult`][slakit.testing.CheckResult] per check run, passed or skipped with a
        note.

    Raises:
        CounterexampleError: a check failed; the error names it and holds the
            minimal counterexample.
        ValueError: ``checks`` names an unknown check.

    Examples:
        >>> import slakit as sla
        >>> uptime = sla.uptime()
        >>> tier = sla.Tier("t", fee=sla.usd("100.00"),
        ...                 compensation=sla.credit_schedule(uptime, {"< 99.9%": "10%"}))
        >>> agreement = sla.Agreement(provider="P", customer="C", services=["api"], tier=tier)
        >>> checks = ("check_no_gaps", "check_caps", "check_monotone")
        >>> for result in check_agreement(agreement, max_examples=5, checks=checks):
        ...     print(result)
        check_no_gaps: passed (1 schedule(s) without gaps or overlaps)
        check_caps: skipped (no cap per period in the rules; pass at_most= for the contract's)
        check_monotone: passed (more down time never lowered a credit)
    """
    unknown = [c for c in checks if c not in CHECKS]
    if unknown:
        raise ValueError(f"checks={list(checks)!r}: unknown {unknown!r}; choose from {CHECKS!r}")
    results = []
    for check in checks:
        if check == "check_round_trip":
            results.append(check_round_trip(agreement))
        elif check == "check_no_gaps":
            results.append(check_no_gaps(agreement, period=period))
        elif check == "check_caps":
            results.append(
                check_caps(
                    agreement,
                    at_most=at_most,
                    period=period,
                    inputs=inputs,
                    max_examples=max_examples,
                )
            )
        else:
            run = globals()[check]
            results.append(run(agreement, period=period, inputs=inputs, max_examples=max_examples))
    return tuple(results)
