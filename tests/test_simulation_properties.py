"""Properties of simulation runs, checked event by event against the scenario."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gridorg.datasets import synthetic, yinjiang
from gridorg.hierarchy import Organisation
from gridorg.lifecycle import FINAL_STATES, STATES, TRANSITIONS, CaseState
from gridorg.simulation import Arrivals, Scenario, ServiceTime, SimulationResult, simulate
from gridorg.triage import FiveTierTriage, MatrixTriage, Triage

#: A five-tier triage under which grid matters are blue: the gridder disposes of them.
BLUE_GRIDS = FiveTierTriage(
    bases={"household": "blue", "grid": "blue", "community": "yellow", "street": "orange"}
)
TIERS = ("street", "community", "grid", "household", "department")


@cache
def small_org() -> Organisation:
    return synthetic(
        streets=1,
        communities_per_street=(2, 2),
        grids_per_community=(2, 3),
        households_per_grid=(20, 40),
        seed=3,
    )


@cache
def department_org() -> Organisation:
    return yinjiang()


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """Small busy scenarios; they shrink towards fewer days, lower rates, larger capacities."""
    org = draw(st.sampled_from([small_org(), department_org()]))
    codes = list(org.links.categories)
    chosen = draw(st.lists(st.sampled_from(codes), min_size=1, max_size=5, unique=True))
    rates = {code: draw(st.floats(0.0, 6.0)) for code in chosen}
    capacity = {tier: draw(st.integers(1, 3)) for tier in TIERS}
    slow = draw(st.floats(0.5, 48.0))
    service = {tier: ServiceTime(slow, cv=draw(st.sampled_from([0.0, 1.0]))) for tier in TIERS}
    triages: list[Triage] = [MatrixTriage(), FiveTierTriage(), BLUE_GRIDS]
    triage = draw(st.sampled_from(triages))
    return Scenario(
        org,
        Arrivals(rates, spread=draw(st.sampled_from(["households", "uniform"]))),
        triage=triage,
        capacity=capacity,
        service=service,
        reopen=draw(st.floats(0.0, 0.5)),
        escalate_on_deadline=draw(st.booleans()),
        days=draw(st.floats(0.5, 12.0)),
    )


def capacity_of(scenario: Scenario, actor: str) -> int:
    org = scenario.org
    if actor in org:
        tier = org.scheme.names[int(org.column("tier")[org.index(actor)])]
        return scenario.capacity[tier]
    return scenario.capacity["department"]


def check_run(result: SimulationResult) -> None:
    """Brute-force checks of one run's log against the lifecycle and the scenario."""
    scenario = result.scenario
    log = result.log
    columns = log.to_columns()
    start_us = int((scenario.start.timestamp()) * 1_000_000)
    end_us = start_us + int(scenario.days * 24 * 3_600_000_000)
    arrival: dict[str, int] = {}
    last: dict[str, tuple[int, CaseState | None]] = {}
    holding: dict[str, set[str]] = defaultdict(set)
    busy: dict[str, int] = defaultdict(int)
    for case, time, code, actor in zip(
        columns["case"].tolist(),
        columns["time"].tolist(),
        columns["state"].tolist(),
        columns["actor"].tolist(),
        strict=True,
    ):
        state = STATES[code]
        assert start_us <= time < end_us
        before_time, before = last.get(case, (time, None))
        assert state in TRANSITIONS[before], (case, before, state)
        assert time >= before_time
        if before is None:
            arrival[case] = time
        assert time >= arrival[case]
        last[case] = (time, state)
        if state is CaseState.HANDLING:
            assert actor not in holding[case]
            holding[case].add(actor)
            busy[actor] += 1
            assert busy[actor] <= capacity_of(scenario, actor), (actor, busy[actor])
        elif state in (CaseState.REPLIED, CaseState.ESCALATED):
            for held in holding.pop(case, set()):
                busy[held] -= 1
    # Conservation: every arrival is in the log once, in exactly one final or open state.
    views = log.views(at=scenario.end)
    assert len(views) == result.summary["arrivals"] == len(last)
    finals = sum(1 for _, state in last.values() if state in FINAL_STATES)
    assert finals == result.summary["closed"]
    assert finals + result.summary["open"] == result.summary["arrivals"]
    assert len(result.decisions) == result.summary["arrivals"]


@settings(max_examples=25)
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_runs_keep_the_lifecycle_capacity_and_conservation(scenario: Scenario, seed: int) -> None:
    check_run(simulate(scenario, seed=seed))


@settings(max_examples=10)
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_the_same_seed_gives_the_same_log(scenario: Scenario, seed: int) -> None:
    first = simulate(scenario, seed=seed)
    again = simulate(scenario, seed=np.random.default_rng(seed))
    assert first.log == again.log
    assert _counts(first) == _counts(again)


def _counts(result: SimulationResult) -> dict[str, float | int]:
    timing = ("seconds", "events_per_second")
    return {k: v for k, v in result.summary.items() if k not in timing}
