"""Tests of the simulation: scenarios and their validation, runs, flows and arrival counts."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from typing import Any

import numpy as np
import pytest

from gridorg.errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    UnknownCategoryError,
    UnknownTierError,
)
from gridorg.lifecycle import CaseLog, CaseState
from gridorg.simulation import Arrivals, Scenario, ServiceTime, SimulationResult, simulate
from tests.test_simulation_properties import BLUE_GRIDS, check_run, department_org, small_org


def _rates(total: float) -> dict[str, float]:
    codes = list(small_org().links.categories)
    return {code: total / len(codes) for code in codes}


def _scenario(**changes: Any) -> Scenario:
    base = Scenario(small_org(), Arrivals(_rates(8.0)), days=20.0)
    return base.evolve(**changes)


def _states(result: SimulationResult) -> Counter[str]:
    return Counter(event.state.value for event in result.log)


# -- service times ---------------------------------------------------------------------------


def test_service_time_has_the_given_mean_and_cv() -> None:
    times = ServiceTime(5.0, cv=0.5).sample(np.random.default_rng(1), 200_000)
    assert isinstance(times, np.ndarray)
    assert times.mean() == pytest.approx(5.0, rel=0.01)
    assert times.std() / times.mean() == pytest.approx(0.5, rel=0.02)
    assert ServiceTime(3.0, cv=0.0).sample(np.random.default_rng(1)) == 3.0


# -- validation ------------------------------------------------------------------------------

MALFORMED: list[tuple[Any, type[Exception], str]] = [
    (lambda: Arrivals({"environment": -1.0}), InvalidArgumentError, "finite rate ≥ 0"),
    (lambda: Arrivals({"environment": math.nan}), InvalidArgumentError, "'environment'"),
    (lambda: Arrivals({"environment": "many"}), InvalidArgumentError, "got 'many'"),
    (lambda: Arrivals(["environment"]), ArgumentTypeError, "map category codes"),
    (lambda: Arrivals({}, weekly=(1.0,) * 6), InvalidArgumentError, "7 multipliers"),
    (lambda: Arrivals({}, seasonal=(0.0,) * 12), InvalidArgumentError, "not all zero"),
    (lambda: Arrivals({}, weekly=(1.0, -1, 1, 1, 1, 1, 1)), InvalidArgumentError, "≥ 0"),
    (lambda: Arrivals({}, urgency=(0.5, 0.5, 0.5, 0.5)), InvalidArgumentError, "sum to 1"),
    (lambda: Arrivals({}, importance=(1.0,)), InvalidArgumentError, "4 probabilities"),
    (lambda: Arrivals({}, channels={"pigeon": 1.0}), InvalidArgumentError, "'pigeon'"),
    (lambda: Arrivals({}, spread="random"), InvalidArgumentError, "'random'"),
    (lambda: _scenario(arrivals=Arrivals({"alchemy": 1.0})), UnknownCategoryError, "'alchemy'"),
    (lambda: _scenario(capacity={"grid": 0}), InvalidArgumentError, "capacity['grid']"),
    (lambda: _scenario(capacity={"grid": -2}), InvalidArgumentError, "got -2"),
    (lambda: _scenario(capacity={"grid": 1.5}), InvalidArgumentError, "positive integer"),
    (lambda: _scenario(capacity={"village": 2}), UnknownTierError, "'village'"),
    (lambda: _scenario(service={"province": ServiceTime(1.0)}), UnknownTierError, "province"),
    (lambda: _scenario(service={"grid": 3.0}), ArgumentTypeError, "must be a ServiceTime"),
    (lambda: _scenario(start=dt.datetime(2024, 1, 1)), InvalidArgumentError, "naive"),
    (lambda: _scenario(start="2024-01-01"), ArgumentTypeError, "timezone-aware datetime"),
    (lambda: _scenario(days=0), InvalidArgumentError, "Scenario.days"),
    (lambda: _scenario(days=-3.0), InvalidArgumentError, "above 0"),
    (lambda: _scenario(reopen=1.5), InvalidArgumentError, "Scenario.reopen"),
    (lambda: _scenario(satisfaction=-0.1), InvalidArgumentError, "[0, 1]"),
    (lambda: _scenario(late_factor=2), InvalidArgumentError, "late_factor"),
    (lambda: _scenario(escalate_on_deadline="yes"), ArgumentTypeError, "True or False"),
    (lambda: _scenario(org="org"), ArgumentTypeError, "an Organisation"),
    (lambda: ServiceTime(0.0), InvalidArgumentError, "ServiceTime.mean"),
    (lambda: ServiceTime(1.0, cv=-1), InvalidArgumentError, "ServiceTime.cv"),
    (lambda: ServiceTime("1h"), ArgumentTypeError, "must be a number"),
]


@pytest.mark.parametrize(("make", "error", "text"), MALFORMED)
def test_malformed_scenarios_are_refused(make: Any, error: type[Exception], text: str) -> None:
    with pytest.raises(error) as info:
        make()
    assert text in str(info.value)


def test_simulate_checks_its_arguments() -> None:
    with pytest.raises(ArgumentTypeError, match="takes a Scenario"):
        simulate("scenario", seed=1)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="seed must be an integer"):
        simulate(_scenario(), seed=1.5)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="progress must be"):
        simulate(_scenario(), seed=1, progress=3)  # type: ignore[arg-type]


def test_evolve_validates_and_leaves_the_original() -> None:
    base = _scenario()
    changed = base.evolve(reopen=0.2, capacity={"grid": 1})
    assert (base.reopen, changed.reopen) == (0.05, 0.2)
    assert changed.capacity == {"grid": 1}
    with pytest.raises(InvalidArgumentError):
        base.evolve(reopen=2.0)


# -- runs ------------------------------------------------------------------------------------


def test_zero_arrivals_give_an_empty_log() -> None:
    result = simulate(_scenario(arrivals=Arrivals(dict.fromkeys(_rates(1.0), 0.0))), seed=4)
    assert result.log == CaseLog()
    assert len(result.log) == 0
    assert result.summary["arrivals"] == result.summary["events"] == 0
    assert len(result.decisions) == 0


def test_same_seed_same_log_and_different_seeds_differ() -> None:
    scenario = _scenario()
    first, again, other = (simulate(scenario, seed=s) for s in (7, 7, 8))
    assert first.log == again.log
    assert first.log != other.log
    assert first.seed == 7


def test_a_run_follows_the_lifecycle_and_its_summary_adds_up() -> None:
    result = simulate(_scenario(reopen=0.3), seed=11)
    check_run(result)
    summary = result.summary
    states = _states(result)
    assert summary["arrivals"] == states["collected"] > 100
    assert summary["closed"] == states["closed"] > 0
    assert summary["reopened"] == states["reopened"] > 0
    assert summary["events"] == len(result.log)
    assert summary["events_per_second"] > 0
    ids = result.log.cases
    assert ids[0] == "S000001"
    assert [d.issue for d in result.decisions[:3]] == list(ids[:3])
    assert "closed" in repr(result)


def test_ratings_follow_the_satisfaction_model() -> None:
    happy = simulate(_scenario(satisfaction=1.0), seed=2)
    grumpy = simulate(_scenario(satisfaction=0.0), seed=2)
    on_time = [e.rating for e in happy.log if e.state is CaseState.REPLIED]
    assert on_time
    assert Counter(r is not None and r >= 4 for r in on_time)[True] > 0.9 * len(on_time)
    low = [e.rating for e in grumpy.log if e.state is CaseState.REPLIED]
    assert low
    assert all(r is not None and 1 <= r <= 3 for r in low)


def test_deadlines_escalate_up_the_chain() -> None:
    slow = {t: ServiceTime(400.0, cv=0.0) for t in ("grid", "community", "street")}
    jammed = _scenario(capacity={"grid": 1, "community": 1, "street": 1}, service=slow)
    result = simulate(jammed, seed=3)
    check_run(result)
    escalated = [e for e in result.log if e.state is CaseState.ESCALATED]
    assert escalated
    assert len(escalated) == result.summary["escalations"]
    assert all(e.due is not None and e.due > e.time for e in escalated)
    calm = simulate(jammed.evolve(escalate_on_deadline=False), seed=3)
    assert calm.summary["escalations"] == 0


def test_whistles_call_departments_in() -> None:
    org = department_org()
    codes = list(org.links.categories)
    scenario = Scenario(org, Arrivals(dict.fromkeys(codes, 1.0)), days=15.0)
    result = simulate(scenario, seed=5)
    check_run(result)
    assert result.summary["whistles"] > 0
    whistled = {d.issue for d in result.decisions if d.action == "whistle" and d.departments}
    handlers = Counter(
        e.case for e in result.log if e.state is CaseState.HANDLING and e.case in whistled
    )
    assert handlers
    departments = set().union(*(set(d.departments) for d in result.decisions))
    assert all(
        e.actor in departments
        for e in result.log
        if e.state is CaseState.HANDLING and e.case in whistled
    )
    # The street dispatches (blows the whistle) at once; the departments' own events are their
    # report-ins, which whistle_report reads against report_by.
    from gridorg.whistle import whistle_report

    for decision in (d for d in result.decisions if d.issue in whistled):
        events = result.log.events_of(decision.issue)
        assert events[1].state is CaseState.FILED
        assert events[1].time == events[0].time
        dispatched = [e for e in events if e.state is CaseState.DISPATCHED]
        assert dispatched[0].actor == decision.handler
        report = whistle_report(decision, result.log)
        reported = [r.reported for r in report.reports if r.reported is not None]
        assert all(when >= events[0].time for when in reported)


def test_blue_matters_are_disposed_of_by_the_gridder() -> None:
    result = simulate(_scenario(triage=BLUE_GRIDS), seed=6)
    check_run(result)
    org = small_org()
    grids = {u.id for u in org.units() if u.tier == "grid"}
    seen = 0
    for case in result.log.cases[:200]:
        events = result.log.events_of(case)
        if len(events) > 2 and events[2].state is CaseState.HANDLING:
            assert events[1].state is CaseState.FILED
            assert events[2].actor in grids
            seen += 1
    assert seen > 0


def test_nothing_happens_after_the_horizon_and_progress_is_reported() -> None:
    calls: list[tuple[float, float]] = []
    result = simulate(
        _scenario(days=3.5), seed=9, progress=lambda done, total: calls.append((done, total))
    )
    end = result.scenario.end
    assert all(event.time < end for event in result.log)
    assert 2 <= len(calls) <= 101
    assert calls[-1] == (3.5, 3.5)
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)


def test_metrics_of_a_run() -> None:
    result = simulate(_scenario(), seed=10)
    table = result.metrics("cases")
    values = table.to_dict()
    assert values
    assert "cases.closure_rate" in table.to_markdown()


# -- the arrival process ---------------------------------------------------------------------


def test_arrival_counts_match_the_rates() -> None:
    """Over a year at 40 a day, the total is within 3 standard deviations of the Poisson mean,
    and the Monday/Sunday and January/July ratios within 3 standard deviations of theirs."""
    org = small_org()
    weekly = (2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.5)
    seasonal = (1.5, *(1.0,) * 5, 0.5, *(1.0,) * 5)
    arrivals = Arrivals(_rates(40.0), weekly=weekly, seasonal=seasonal, spread="uniform")
    service = {t: ServiceTime(0.1, cv=0.0) for t in ("grid", "community", "street")}
    scenario = Scenario(org, arrivals, days=366.0, service=service)  # 2024: a leap year
    result = simulate(scenario, seed=2024)
    columns = result.log.to_columns()
    collected = columns["state"] == CaseState.COLLECTED.code
    stamps = columns["time"][collected].astype("datetime64[us]") + np.timedelta64(8, "h")
    weekday = (stamps.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 1970-01-01: Thursday
    month = stamps.astype("datetime64[M]").astype(np.int64) % 12 + 1
    # The expected counts: every day's rate, the profiles normalised to mean 1.
    w = np.array(weekly) / np.mean(weekly)
    s = np.array(seasonal) / np.mean(seasonal)
    days = [scenario.start + dt.timedelta(days=d) for d in range(366)]
    rate = {d: 40.0 * w[d.weekday()] * s[d.month - 1] for d in days}
    mean = sum(rate.values())
    assert abs(int(collected.sum()) - mean) <= 3 * math.sqrt(mean)

    def ratio(found: Any, a: int, b: int, expected_a: float, expected_b: float) -> None:
        # Within 3 standard deviations of the ratio (delta method for two Poisson counts).
        tolerance = 3 * math.sqrt(1 / expected_a + 1 / expected_b)
        got = int((found == a).sum()) / int((found == b).sum())
        assert got == pytest.approx(expected_a / expected_b, rel=tolerance)

    by_day = [sum(r for d, r in rate.items() if d.weekday() == k) for k in (0, 6)]
    ratio(weekday, 0, 6, *by_day)
    by_month = [sum(r for d, r in rate.items() if d.month == k) for k in (1, 7)]
    ratio(month, 1, 7, *by_month)
    origins = set(map(result.log.case_info, result.log.cases[:500]))
    assert all(o.origin in org for o in origins)
