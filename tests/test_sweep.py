"""Scenario sweeps (gridorg.sweep): parameter grids, backends, tidy rows and their summary."""

from __future__ import annotations

import functools
import importlib.util
import itertools
import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridorg.datasets import synthetic
from gridorg.errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    MissingDependencyError,
    UnknownMetricError,
)
from gridorg.simulation import Arrivals, Scenario, ServiceTime, simulate
from gridorg.sweep import ParameterGrid, SummaryRow, SweepResult, SweepRow, sweep

DAYS = 3.0
METRICS = ("cases.filed", "cases.closed", "rates.resolution_rate")


@functools.cache
def base() -> Scenario:
    """A 20-unit organisation (a street, three communities, sixteen grids) for a few days."""
    org = synthetic(
        streets=1,
        communities_per_street=(3, 3),
        grids_per_community=(5, 6),
        household_heads=False,
        seed=3,
    )
    arrivals = Arrivals(per_day={"environment": 3.0, "neighbour_disputes": 1.5})
    return Scenario(org=org, arrivals=arrivals, days=DAYS, name="tiny")


@functools.cache
def small_grid() -> ParameterGrid:
    return ParameterGrid(base(), {"capacity.grid": [1, 2], "reopen": [0.0, 0.3]})


@functools.cache
def sequential_result() -> SweepResult:
    return sweep(small_grid(), seeds=[3, 1], metrics=METRICS, backend="sequential")


# ------------------------------------------------------------------------------ grids


def test_grid_expands_in_order_with_names() -> None:
    grid = small_grid()
    found = grid.scenarios()
    assert len(grid) == 4
    assert [name for name, _ in found] == [
        "capacity.grid=1, reopen=0.0",
        "capacity.grid=1, reopen=0.3",
        "capacity.grid=2, reopen=0.0",
        "capacity.grid=2, reopen=0.3",
    ]
    for name, scenario in found:
        assert scenario.name == name
        assert {k: v for k, v in scenario.capacity.items() if k != "grid"} == {
            k: v for k, v in base().capacity.items() if k != "grid"
        }
    assert [(s.capacity["grid"], s.reopen) for _, s in found] == [
        (1, 0.0),
        (1, 0.3),
        (2, 0.0),
        (2, 0.3),
    ]
    assert base().reopen == Scenario(org=base().org, arrivals=base().arrivals).reopen


def test_grid_reaches_nested_records_and_mappings() -> None:
    grid = ParameterGrid(
        base(),
        {"service.grid.mean": [0.5, 4.0], "arrivals.per_day.environment": [0.0, 9.5]},
    )
    found = dict(grid.scenarios())
    scenario = found["service.grid.mean=4.0, arrivals.per_day.environment=9.5"]
    assert scenario.service["grid"] == ServiceTime(4.0, base().service["grid"].cv)
    assert scenario.arrivals.per_day == {"environment": 9.5, "neighbour_disputes": 1.5}
    assert {k: v for k, v in scenario.service.items() if k != "grid"} == {
        k: v for k, v in base().service.items() if k != "grid"
    }
    assert base().service["grid"].mean != 4.0  # the base is untouched


def test_grid_without_parameters_is_the_base() -> None:
    assert ParameterGrid(base(), {}).scenarios() == [("tiny", base())]


@given(
    capacities=st.lists(st.integers(1, 9), min_size=1, max_size=3, unique=True),
    reopens=st.lists(st.sampled_from([0.0, 0.05, 0.1, 0.5, 1.0]), max_size=3, unique=True),
    days=st.lists(st.sampled_from([1.0, 2.5, 7.0]), min_size=1, max_size=2, unique=True),
)
@settings(max_examples=25)
def test_grid_matches_nested_loops(
    capacities: list[int], reopens: list[float], days: list[float]
) -> None:
    parameters: dict[str, list[Any]] = {"capacity.grid": capacities, "days": days}
    if reopens:
        parameters["reopen"] = reopens
    options: list[float | None] = [*reopens] or [None]
    expected = []
    for capacity in capacities:
        for day in days:
            for reopen in options:
                name = f"capacity.grid={capacity}, days={day}"
                changes: dict[str, Any] = {
                    "capacity": {**base().capacity, "grid": capacity},
                    "days": day,
                }
                if reopen is not None:
                    name += f", reopen={reopen}"
                    changes["reopen"] = reopen
                expected.append((name, base().evolve(name=name, **changes)))
    assert ParameterGrid(base(), parameters).scenarios() == expected


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        ("capcity", InvalidArgumentError, r"no field 'capcity' \(did you mean 'capacity'\?\)"),
        ("capacity.gird", InvalidArgumentError, r"'capacity' has no key 'gird'.*'grid'"),
        ("capacity..grid", InvalidArgumentError, r"part 2 is empty"),
        (".reopen", InvalidArgumentError, r"part 1 is empty"),
        ("reopen.", InvalidArgumentError, r"part 2 is empty"),
        ("capacity. grid", InvalidArgumentError, r"part 2 \(' grid'\) has spaces around it"),
        ("", InvalidArgumentError, r"must not be empty"),
        ("reopen.value", InvalidArgumentError, r"'reopen' is 0\.\d+ \(float\).*'value'"),
        ("rules.default", InvalidArgumentError, r"'rules' is None.*set 'rules' itself"),
        ("service.grid.mu", InvalidArgumentError, r"'service.grid' has no field 'mu'.*'mean'"),
        ("arrivals.per_day.roads", InvalidArgumentError, r"no key 'roads'.*'environment'"),
        (7, ArgumentTypeError, r"must be a string.*7 \(int\)"),
    ],
)
def test_malformed_parameter_names_raise(name: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        ParameterGrid(base(), {name: [1]})


@pytest.mark.parametrize(
    ("parameters", "error", "message"),
    [
        ({"reopen": 0.1}, ArgumentTypeError, r"'reopen': expected a sequence.*0\.1 \(float\)"),
        ({"reopen": "0.1"}, ArgumentTypeError, r"'reopen': expected a sequence"),
        ({"reopen": []}, InvalidArgumentError, r"'reopen': expected at least one value"),
        ({"reopen": [0.1, 0.1]}, InvalidArgumentError, r"distinct, but 0\.1 appears"),
        ({"capacity": [{}], "capacity.grid": [1]}, InvalidArgumentError, r"overlap"),
        ([("reopen", [0.1])], ArgumentTypeError, r"parameters must be a mapping"),
    ],
)
def test_malformed_parameter_values_raise(
    parameters: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        ParameterGrid(base(), parameters)


def test_the_base_must_be_a_scenario() -> None:
    loose: Any = ParameterGrid
    with pytest.raises(ArgumentTypeError, match=r"base must be a Scenario, got 'tiny' \(str\)"):
        loose("tiny", {"reopen": [0.1]})


def test_a_value_the_scenario_rejects_raises_when_expanded() -> None:
    grid = ParameterGrid(base(), {"capacity.grid": [2, 0]})
    with pytest.raises(InvalidArgumentError, match=r"capacity\['grid'\].*got 0"):
        grid.scenarios()
    with pytest.raises(InvalidArgumentError, match=r"reopen.*\[0, 1\].*got 1\.5"):
        ParameterGrid(base(), {"reopen": [1.5]}).scenarios()


# ------------------------------------------------------------------------------ running


RUN_UNITS = {
    "arrivals": "cases",
    "closed": "cases",
    "open": "cases",
    "escalations": "escalations",
    "whistles": "whistles",
    "reopened": "events",
    "events": "events",
    "simpy_events": "events",
}
TIMINGS = ("seconds", "events_per_second")


def test_rows_hold_the_metrics_and_run_figures_of_each_simulation() -> None:
    result = sequential_result()
    assert result.scenarios == tuple(name for name, _ in small_grid().scenarios())
    assert result.seeds == (3, 1)
    assert result.metrics == METRICS + tuple(f"run.{key}" for key in RUN_UNITS)
    for name, scenario in small_grid().scenarios()[1::2]:
        direct = simulate(scenario, seed=1)
        table = direct.metrics(list(METRICS))
        expected = [SweepRow(name, 1, m, table.value(m), table.unit(m)) for m in METRICS]
        expected += [
            SweepRow(name, 1, f"run.{key}", value, RUN_UNITS[key])
            for key, value in direct.summary.items()
            if key not in TIMINGS  # timings differ between runs: not part of the rows
        ]
        got = [r for r in result.rows if r.scenario == name and r.seed == 1]
        assert SweepResult(tuple(got)) == SweepResult(tuple(expected))


def test_rows_come_scenario_by_scenario_then_seed_by_seed() -> None:
    rows = sequential_result().rows
    order = [(r.scenario, r.seed) for r in rows]
    blocks = [key for key, _ in itertools.groupby(order)]
    names = [name for name, _ in small_grid().scenarios()]
    assert blocks == [(name, seed) for name in names for seed in (3, 1)]


@pytest.mark.parametrize(("backend", "n_jobs"), [("loky", 2), ("threading", 2), ("loky", 1)])
def test_backends_give_the_same_rows(backend: str, n_jobs: int) -> None:
    result = sweep(small_grid(), seeds=[3, 1], metrics=METRICS, backend=backend, n_jobs=n_jobs)
    assert result == sequential_result()


def test_dask_cluster_gives_the_same_rows() -> None:
    import distributed

    local_cluster: Any = distributed.LocalCluster  # untyped
    client: Any = distributed.Client
    with (
        local_cluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
        ) as cluster,
        client(cluster),
    ):
        result = sweep(small_grid(), seeds=[3, 1], metrics=METRICS, backend="dask")
    assert result == sequential_result()


def test_dask_without_a_client_says_how_to_start_one() -> None:
    with pytest.raises(
        InvalidArgumentError, match=r"no distributed client.*distributed\.Client\(\)"
    ):
        sweep([base()], seeds=1, backend="dask")


def test_dask_without_distributed_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "distributed" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(MissingDependencyError, match=r"'distributed'.*gridorg\[dask\]"):
        sweep([base()], seeds=1, backend="dask")


def test_ray_without_ray_installed() -> None:
    assert importlib.util.find_spec("ray") is None
    with pytest.raises(MissingDependencyError, match=r"sweep\(backend='ray'\).*gridorg\[ray\]"):
        sweep([base()], seeds=1, backend="ray")


def test_progress_reports_each_run() -> None:
    calls: list[tuple[int, int]] = []
    sweep(
        [base()],
        seeds=3,
        metrics="cases.closed",
        backend="sequential",
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_scenarios_as_a_sequence_or_mapping() -> None:
    other = base().evolve(name="", reopen=0.2)
    by_list = sweep([base(), other], seeds=1, metrics="cases.filed", backend="sequential")
    assert by_list.scenarios == ("tiny", "scenario 1")
    by_map = sweep({"a": base(), "b": other}, seeds=1, metrics="cases.filed", backend="sequential")
    assert by_map.scenarios == ("a", "b")
    assert [r.value for r in by_map.rows] == [r.value for r in by_list.rows]


def test_seed_count_means_seeds_from_zero() -> None:
    counted = sweep([base()], seeds=2, metrics="cases", backend="sequential")
    listed = sweep([base()], seeds=[0, 1], metrics="cases", backend="sequential")
    assert counted.seeds == (0, 1)
    assert counted == listed
    assert {r.metric for r in counted.rows} >= {"cases.filed", "cases.closure_rate"}


Call = Callable[[], object]
loose: Any = sweep  # called with arguments of the wrong type on purpose


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: loose([base()], seeds=0), InvalidArgumentError, r"positive number of seeds"),
        (lambda: loose([base()], seeds=[]), InvalidArgumentError, r"at least one seed"),
        (lambda: loose([base()], seeds=[1, 1]), InvalidArgumentError, r"repeated: 1"),
        (lambda: loose([base()], seeds=[-1]), InvalidArgumentError, r"seeds\[0\].*got -1"),
        (lambda: loose([base()], seeds=[1.5]), ArgumentTypeError, r"seeds\[0\].*1\.5 \(float\)"),
        (lambda: loose([base()], seeds="3"), ArgumentTypeError, r"seeds must be"),
        (lambda: loose([base()], backend="spark"), InvalidArgumentError, r"backend.*'spark'"),
        (lambda: loose([base()], n_jobs=0), InvalidArgumentError, r"n_jobs.*got 0"),
        (lambda: loose([base()], n_jobs=1.0), ArgumentTypeError, r"n_jobs.*\(float\)"),
        (lambda: loose([base()], metrics="case"), UnknownMetricError, r"'case'.*'cases'"),
        (lambda: loose([base()], metrics="cases.clsed"), UnknownMetricError, r"cases\.closed"),
        (lambda: loose([base()], metrics=[]), InvalidArgumentError, r"at least one metric"),
        (lambda: loose([]), InvalidArgumentError, r"at least one scenario"),
        (lambda: loose([base(), base()]), InvalidArgumentError, r"two scenarios are named 'tiny'"),
        (lambda: loose([base(), 3]), ArgumentTypeError, r"scenarios\[1\] must be a Scenario"),
        (lambda: loose("tiny"), ArgumentTypeError, r"scenarios must be a ParameterGrid"),
        (lambda: loose([base()], progress=3), ArgumentTypeError, r"progress must be"),
    ],
)
def test_bad_arguments_raise_before_running(
    call: Call, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


# ------------------------------------------------------------------------------ summary

T_975_3 = 3.182446305284263  # Student t, 3 degrees of freedom, 97.5th percentile (tables)
T_95_1 = 6.313751514675043  # Student t, 1 degree of freedom, 95th percentile (tables)


def _rows(values: dict[str, list[float]]) -> tuple[SweepRow, ...]:
    return tuple(
        SweepRow(scenario, seed, "rates.composite", value, "points")
        for scenario, found in values.items()
        for seed, value in enumerate(found)
    )


def test_summary_matches_a_hand_computation() -> None:
    result = SweepResult(_rows({"a": [1.0, 2.0, 3.0, 6.0, math.nan], "b": [4.0, 5.0]}))
    first, second = result.summary()
    # a: mean 3, deviations -2 -1 0 3, sum of squares 14, sd sqrt(14/3)
    sd = math.sqrt(14 / 3)
    half = T_975_3 * sd / 2
    assert first[:5] == ("a", "rates.composite", "points", 4, 1)
    assert first.mean == 3.0
    assert first.sd == pytest.approx(sd, rel=1e-12)
    assert (first.ci_low, first.ci_high) == pytest.approx((3 - half, 3 + half), rel=1e-12)
    # b at 90%: mean 4.5, sd sqrt(0.5), half-width t(0.95, 1) * sd / sqrt(2) = t / 2
    b90 = result.summary(confidence=0.9)[1]
    assert b90.sd == pytest.approx(math.sqrt(0.5), rel=1e-12)
    assert (b90.ci_low, b90.ci_high) == pytest.approx((4.5 - T_95_1 / 2, 4.5 + T_95_1 / 2))
    assert second.ci_high - second.ci_low > b90.ci_high - b90.ci_low


def test_summary_with_too_few_values_is_nan() -> None:
    one, none = SweepResult(_rows({"a": [2.0, math.nan], "b": [math.nan]})).summary()
    assert (one.n, one.nan, one.mean) == (1, 1, 2.0)
    assert all(math.isnan(v) for v in (one.sd, one.ci_low, one.ci_high))
    assert (none.n, none.nan) == (0, 1)
    assert math.isnan(none.mean)


@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=30), st.floats(0.5, 0.99))
def test_summary_interval_holds_the_mean_and_widens_with_confidence(
    values: list[float], confidence: float
) -> None:
    (row,) = SweepResult(_rows({"a": values})).summary(confidence=confidence)
    mean = math.fsum(values) / len(values)
    assert row.mean == pytest.approx(mean, abs=1e-6)
    assert row.ci_low <= row.mean <= row.ci_high
    (wider,) = SweepResult(_rows({"a": values})).summary(confidence=(1 + confidence) / 2)
    assert wider.ci_high - wider.ci_low >= row.ci_high - row.ci_low


@pytest.mark.parametrize(
    ("confidence", "error"),
    [(1.0, InvalidArgumentError), (0, InvalidArgumentError), ("95%", ArgumentTypeError)],
)
def test_summary_confidence_must_be_a_probability(confidence: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="confidence"):
        SweepResult(_rows({"a": [1.0, 2.0]})).summary(confidence=confidence)


def test_results_compare_with_nan_equal() -> None:
    a = SweepResult(_rows({"a": [math.nan, 1.0]}), seconds=1.0)
    assert a == SweepResult(_rows({"a": [float("nan"), 1.0]}), seconds=2.0)
    assert a != SweepResult(_rows({"a": [math.nan, 2.0]}))
    assert a != SweepResult(_rows({"a": [math.nan]}))


# ------------------------------------------------------------------------------ conversions


def test_records_pandas_and_markdown() -> None:
    result = SweepResult(
        (
            SweepRow("x|y", 0, "cases.closure_rate", 0.5, "share"),
            SweepRow("x|y", 1, "cases.closure_rate", 0.7, "share"),
        )
    )
    assert result.to_records()[1] == {
        "scenario": "x|y",
        "seed": 1,
        "metric": "cases.closure_rate",
        "value": 0.7,
        "unit": "share",
    }
    (record,) = result.to_records(summary=True)
    assert record["n"] == 2
    assert record["mean"] == pytest.approx(0.6)
    frame = result.to_pandas()
    assert list(frame.columns) == ["scenario", "seed", "metric", "value", "unit"]
    assert frame["value"].tolist() == [0.5, 0.7]
    assert list(result.to_pandas(summary=True).columns) == list(SummaryRow._fields)
    text = result.to_markdown()
    assert text.splitlines()[0].startswith("| scenario | metric | n | mean | sd | 95% CI low")
    assert "| x\\|y | cases.closure_rate | 2 | 60.0% |" in text
    rows_text = result.to_markdown(summary=False)
    assert rows_text.splitlines()[2] == "| x\\|y | 0 | cases.closure_rate | 50.0% | share |"
    assert repr(result) == "<SweepResult: 1 scenarios × 2 seeds, 1 metrics, 2 rows>"
