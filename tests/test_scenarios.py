"""Tests of the calibrated preset scenarios and of how a run's published outcomes are read."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridorg import _sim_arrivals
from gridorg.datasets import (
    OUTCOMES,
    PublishedOutcome,
    outcomes,
    provenance,
    published_outcomes,
    songtao_scenario,
    three_lists_rules,
    yinjiang_scenario,
)
from gridorg.datasets._scenarios import (
    CALIBRATION_SEED,
    SONGTAO_CHANNELS,
    SONGTAO_RATES,
    SONGTAO_URGENCY,
    YINJIANG_CHANNELS,
    YINJIANG_RATES,
)
from gridorg.errors import ArgumentTypeError, InvalidArgumentError
from gridorg.simulation import Arrivals, ServiceTime, SimulationResult, simulate

DOCS = Path(__file__).resolve().parent.parent / "docs" / "datasets.md"
BUILDERS = {"yinjiang": yinjiang_scenario, "songtao": songtao_scenario}
LABELS = {"yinjiang": "Yinjiang", "songtao": "Songtao"}


@cache
def year(name: str) -> SimulationResult:
    """The calibrated year of preset ``name`` (seed 0), simulated once per test run."""
    return simulate(BUILDERS[name](), seed=CALIBRATION_SEED)


def brute_outcomes(result: SimulationResult) -> Counter[str]:
    """The outcomes counted case by case from the events, the decisions and a fresh draw."""
    scenario = result.scenario
    assert result.seed is not None
    # simulate() draws every arrival first from the seeded generator: drawing again gives
    # each issue's channel without going through the router.
    drawn = _sim_arrivals.draw(
        scenario.arrivals,
        scenario.org,
        scenario.start,
        scenario.days,
        np.random.default_rng(result.seed),
    )
    channel = dict(zip(_sim_arrivals.issue_ids(len(drawn)), drawn.channel, strict=True))
    first = {decision.issue: decision for decision in result.decisions}
    counts: Counter[str] = Counter(dict.fromkeys(OUTCOMES, 0))
    for case in result.log.cases:
        events = result.log.events_of(case)
        if events[-1].state.value != "closed":
            continue
        action = first[case].action
        late = any(
            a.state.value == "escalated"
            and b.state.value == "dispatched"
            and c.state.value == "handling"
            and c.actor not in scenario.org  # a department reporting in after the whistle
            for a, b, c in zip(events, events[1:], events[2:], strict=False)
        )
        counts["closed_online"] += channel[case] in ("online", "gridder_app")
        counts["solved_on_site"] += action == "joint_office"
        counts["solved_by_deliberation"] += action == "mediation"
        counts["solved_by_whistle"] += action == "whistle" or late
        counts["solved_by_dual_reporting"] += channel[case] == "sunk_member"
        counts["solved_via_contact_points"] += channel[case] == "contact_point"
    return counts


# -- the calibration -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["yinjiang", "songtao"])
def test_a_calibrated_year_lands_near_every_published_outcome(name: str) -> None:
    found = outcomes(year(name))
    for published in published_outcomes(name):
        count = found[published.key]
        low, high = published.bounds
        assert low <= count <= high, (published.figure, count, (low, high))
        if published.lower_bound:
            assert count > published.value, (published.figure, count)


def test_the_exact_whistle_figure_is_met_within_ten() -> None:
    (whistle,) = [p for p in published_outcomes("songtao") if p.key == "solved_by_whistle"]
    assert not whistle.lower_bound
    assert whistle.value == 40
    assert abs(outcomes(year("songtao"))["solved_by_whistle"] - 40) <= 10


@pytest.mark.parametrize("name", ["yinjiang", "songtao"])
def test_a_year_covers_2024_on_the_preset(name: str) -> None:
    scenario = BUILDERS[name]()
    assert scenario.name == name
    assert scenario.days == 365.0
    assert (scenario.start.year, scenario.start.month, scenario.start.day) == (2024, 1, 1)
    assert scenario.end.year == 2024
    result = year(name)
    assert result.summary["arrivals"] == result.summary["closed"] + result.summary["open"]
    # Poisson arrivals: the year's count lies within four standard deviations of the mean.
    mean = scenario.arrivals.total_per_day * 365
    assert abs(result.summary["arrivals"] - mean) < 4 * mean**0.5


def test_the_same_seed_gives_the_same_outcomes_and_log() -> None:
    first = simulate(songtao_scenario(days=120), seed=7)
    again = simulate(songtao_scenario(days=120), seed=7)
    assert first.log == again.log
    assert outcomes(first) == outcomes(again)
    other = simulate(songtao_scenario(days=120), seed=8)
    assert first.log != other.log


def test_more_disputes_give_more_deliberation_and_nothing_else_changes_the_reading() -> None:
    base = yinjiang_scenario(days=180)
    rates = dict(base.arrivals.per_day)
    rates["neighbour_disputes"] *= 3
    more = base.evolve(arrivals=attrs.evolve(base.arrivals, per_day=rates))
    before = outcomes(simulate(base, seed=0))["solved_by_deliberation"]
    after = outcomes(simulate(more, seed=0))["solved_by_deliberation"]
    assert after > 2 * before


def test_more_sunk_members_give_more_dual_reporting() -> None:
    base = songtao_scenario(days=180)
    channels = dict(base.arrivals.channels)
    channels["gridder_app"] -= 0.2
    channels["sunk_member"] += 0.2
    more = base.evolve(arrivals=attrs.evolve(base.arrivals, channels=channels))
    before = outcomes(simulate(base, seed=0))
    after = outcomes(simulate(more, seed=0))
    assert after["solved_by_dual_reporting"] > before["solved_by_dual_reporting"]
    assert after["closed_online"] < before["closed_online"]


def test_more_urgent_matters_give_more_whistles() -> None:
    base = songtao_scenario()
    urgent = base.evolve(arrivals=attrs.evolve(base.arrivals, urgency=(0.1, 0.2, 0.4, 0.3)))
    assert outcomes(simulate(urgent, seed=0))["solved_by_whistle"] > 2 * 40


def test_a_shorter_horizon_gives_proportionally_fewer() -> None:
    quarter = simulate(yinjiang_scenario(days=365 / 4), seed=0)
    online = outcomes(quarter)["closed_online"]
    assert 0.15 * 1156 < online < 0.35 * 1156
    with pytest.raises(InvalidArgumentError, match="days"):
        yinjiang_scenario(days=0)


def test_yinjiang_sends_problem_list_matters_to_the_joint_office() -> None:
    rules = three_lists_rules()
    names = [rule.name for rule in rules]
    assert names.index("red_whistle") < names.index("three_lists_joint_office")
    assert names.index("three_lists_joint_office") < names.index("property_joint_office")
    assert yinjiang_scenario().rules == rules
    assert songtao_scenario().rules is None
    decisions = year("yinjiang").decisions
    counted = Counter(
        (d.category, d.colour.value) for d in decisions if d.action == "joint_office"
    )
    assert counted
    assert {category for category, _ in counted} == {"property_management", "public_facilities"}
    assert {colour for _, colour in counted} == {"yellow", "orange"}


# -- reading the outcomes --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["yinjiang", "songtao"])
def test_outcomes_agree_with_a_case_by_case_count(name: str) -> None:
    result = simulate(BUILDERS[name](days=60), seed=3)
    assert outcomes(result) == dict(brute_outcomes(result))


def test_escalated_whistles_count_once_the_cases_close() -> None:
    # One handler a unit and slow work: deadlines pass and cases climb to the whistle.
    slow = ServiceTime(300.0)
    scenario = songtao_scenario(days=60).evolve(
        capacity={"grid": 1, "community": 1, "street": 1, "department": 1},
        service={"grid": slow, "community": slow, "street": slow},
    )
    result = simulate(scenario, seed=1)
    found = outcomes(result)
    assert found == dict(brute_outcomes(result))
    first = sum(
        1
        for d in result.decisions
        if d.action == "whistle" and result.log.state_of(d.issue) is not None
    )
    assert found["solved_by_whistle"] > first  # more than the first decisions alone give


@settings(max_examples=12)
@given(
    seed=st.integers(0, 2**32 - 1),
    days=st.floats(1.0, 40.0),
    scale=st.floats(0.0, 3.0),
    tight=st.booleans(),
)
def test_outcomes_match_the_brute_force_count(
    seed: int, days: float, scale: float, tight: bool
) -> None:
    scenario = songtao_scenario(days=days)
    scenario = scenario.evolve(arrivals=scenario.arrivals.scaled(scale))
    if tight:
        slow = ServiceTime(120.0)
        scenario = scenario.evolve(
            capacity={"grid": 1, "community": 1, "street": 1, "department": 1},
            service={"grid": slow, "community": slow},
        )
    result = simulate(scenario, seed=seed)
    found = outcomes(result)
    assert found == dict(brute_outcomes(result))
    assert all(0 <= v <= result.summary["closed"] for v in found.values())
    assert found["closed_online"] + found["solved_by_dual_reporting"] <= result.summary["closed"]


def test_no_arrivals_give_no_outcomes() -> None:
    empty = songtao_scenario(days=10).evolve(arrivals=Arrivals({}))
    assert outcomes(simulate(empty, seed=0)) == dict.fromkeys(OUTCOMES, 0)


def test_outcomes_reject_what_is_not_a_run() -> None:
    with pytest.raises(ArgumentTypeError, match="SimulationResult"):
        outcomes("a year")  # type: ignore[arg-type]
    result = simulate(songtao_scenario(days=5), seed=0)
    listed = SimulationResult(
        result.scenario, result.seed, result.log, list(result.decisions), result.summary
    )
    with pytest.raises(InvalidArgumentError, match="channel"):
        outcomes(listed)


# -- the published figures and their provenance ----------------------------------------------


def test_published_outcomes_and_their_bounds() -> None:
    keys = {p.key for name in BUILDERS for p in published_outcomes(name)}
    assert keys <= set(OUTCOMES)
    exact = PublishedOutcome("solved_by_whistle", "whistles", 40, False, "「…」")
    assert exact.bounds == (30, 50)
    assert exact.holds(30)
    assert exact.holds(50)
    assert not exact.holds(51)
    bound = PublishedOutcome("closed_online", "online", 1000, True, "「…」")
    assert bound.bounds == (1000, 1300)
    assert not bound.holds(999)
    with pytest.raises(InvalidArgumentError, match="unknown preset 'beijing'"):
        published_outcomes("beijing")
    with pytest.raises(ArgumentTypeError, match="must be a string"):
        published_outcomes(7)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["yinjiang", "songtao"])
def test_each_published_outcome_is_a_provenance_row_naming_its_key(name: str) -> None:
    rows = {row.figure: row for row in provenance(name)}
    for published in published_outcomes(name):
        row = rows[published.figure]
        assert row.value == f"{published.value}{'+' if published.lower_bound else ''}"
        assert row.source == published.source
        assert f"outcomes(result)['{published.key}']" in row.note
        assert f"{name}_scenario()" in row.note


@pytest.mark.parametrize(
    ("name", "rates", "channels"),
    [
        ("yinjiang", YINJIANG_RATES, YINJIANG_CHANNELS),
        ("songtao", SONGTAO_RATES, SONGTAO_CHANNELS),
    ],
)
def test_the_provenance_rows_state_the_rates_and_shares_used(
    name: str, rates: Mapping[str, float], channels: Mapping[str, float]
) -> None:
    scenario = BUILDERS[name]()
    assert dict(scenario.arrivals.per_day) == dict(rates)
    assert dict(scenario.arrivals.channels) == dict(channels)
    rows = {row.figure: row for row in provenance(name)}
    total = rows["simulated year: arrival rates"]
    assert total.status == "assumption"
    assert total.value.startswith(f"{sum(rates.values()):.4g} issues a day")
    assert f"about {round(sum(rates.values()) * 365, -1):,.0f} a year" in total.value
    for code, rate in rates.items():
        assert f"{rate:g}" in total.note, code
    shares = rows["simulated year: channels"].value
    assert sorted(re.findall(r"([\d.]+) %", shares), key=float) == sorted(
        (f"{100 * share:g}" for share in channels.values()), key=float
    )
    if name == "songtao":
        urgency = rows["simulated year: urgency"].value
        assert urgency == "levels 1–4: " + ", ".join(f"{100 * p:g} %" for p in SONGTAO_URGENCY)


@pytest.mark.parametrize("name", ["yinjiang", "songtao"])
def test_the_docs_state_the_seed_0_outcomes(name: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Calibrated scenarios") :]
    found = outcomes(year(name))
    for published in published_outcomes(name):
        low, high = published.bounds
        value = f"{published.value}{'+' if published.lower_bound else ''}"
        cells = [LABELS[name], f"`{published.key}`", value, f"{low}–{high}"]
        cells.append(f"{found[published.key]:,}")
        assert "| " + " | ".join(cells) + " |" in section, cells
    summary = year(name).summary
    counted = f"{summary['arrivals']:,} ({summary['closed']:,} closed)"
    assert f"{LABELS[name]} {counted}" in section
