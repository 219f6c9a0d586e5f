"""Running a sweep's simulations: one run per (scenario, seed), through joblib's backends."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final

from gridorg._fields import describe
from gridorg.errors import ArgumentTypeError, InvalidArgumentError, missing_dependency

if TYPE_CHECKING:
    from gridorg.simulation import Scenario, SimulationResult

__all__ = ["BACKENDS", "check_backend", "metric_rows", "run", "run_one"]

#: The backends ``sweep`` accepts.
BACKENDS: Final = ("sequential", "loky", "threading", "dask", "ray")

#: Units of the run figures of a simulation's summary, reported as ``run.<name>``.
RUN_UNITS: Final = {
    "arrivals": "cases",
    "closed": "cases",
    "open": "cases",
    "escalations": "escalations",
    "whistles": "whistles",
    "reopened": "events",
    "events": "events",
    "simpy_events": "events",
}

#: Summary figures left out of the rows: they time the run, and timings differ between runs.
UNSTABLE: Final = frozenset({"seconds", "events_per_second"})

#: One metric value of one run: the metric, its value and unit.
Value = tuple[str, int | float, str]
Runner = Callable[["Scenario", int, tuple[str, ...]], list[Value]]
Task = tuple[str, "Scenario", int]


def check_backend(backend: object, n_jobs: object) -> None:
    """Raise unless ``backend`` can run here with ``n_jobs``; register it with joblib."""
    if not isinstance(backend, str):
        msg = f"backend must be one of {', '.join(BACKENDS)}, got {describe(backend)}"
        raise ArgumentTypeError(msg)
    if backend not in BACKENDS:
        msg = f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}"
        raise InvalidArgumentError(msg)
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int):
        msg = f"n_jobs must be an integer (-1: every core), got {describe(n_jobs)}"
        raise ArgumentTypeError(msg)
    if n_jobs == 0:
        msg = "n_jobs must be a positive number of workers or negative (-1: every core), got 0"
        raise InvalidArgumentError(msg)
    if backend == "dask":
        _check_dask()
    elif backend == "ray":
        _register_ray()


def _check_dask() -> None:
    if importlib.util.find_spec("distributed") is None:
        module, extra, purpose = "distributed", "dask", "sweep(backend='dask')"
        raise missing_dependency(module, extra, purpose)
    distributed: Any = importlib.import_module("distributed")
    try:
        distributed.default_client()
    except ValueError:
        msg = (
            "sweep(backend='dask') runs on a Dask cluster, but no distributed client is "
            "running; start one first, e.g. `client = distributed.Client()` for a local "
            "cluster or `distributed.Client('tcp://scheduler:8786')` for a running one"
        )
        raise InvalidArgumentError(msg) from None


def _register_ray() -> None:
    if importlib.util.find_spec("ray") is None:
        module, extra, purpose = "ray", "ray", "sweep(backend='ray')"
        raise missing_dependency(module, extra, purpose)
    importlib.import_module("ray.util.joblib").register_ray()


def metric_rows(result: SimulationResult, metrics: Sequence[str]) -> list[Value]:
    """The values of ``metrics`` (names, set names or ``"all"``) for one simulation result,
    then the run figures of its summary as ``run.<name>``; each metric once."""
    found: dict[str, tuple[int | float, str]] = {}
    for entry in metrics:
        for row in result.metrics(entry).rows:
            name = row.metric if row.key is None else f"{row.metric}[{row.key}]"
            found.setdefault(name, (row.value, row.unit))
    for key, value in result.summary.items():
        if key not in UNSTABLE:
            found.setdefault(f"run.{key}", (value, RUN_UNITS.get(key, "count")))
    return [(name, value, unit) for name, (value, unit) in found.items()]


def run_one(scenario: Scenario, seed: int, metrics: tuple[str, ...]) -> list[Value]:
    """Simulate ``scenario`` with ``seed`` and return its metric values (runs in a worker)."""
    from gridorg.simulation import simulate

    return metric_rows(simulate(scenario, seed=seed), metrics)


def run(
    tasks: Sequence[Task],
    metrics: tuple[str, ...],
    *,
    backend: str,
    n_jobs: int,
    progress: Callable[[int, int], object] | None,
    runner: Runner = run_one,
) -> list[tuple[str, int, list[Value]]]:
    """Run every task through joblib with ``backend``; the outputs in task order."""
    import joblib

    total = len(tasks)
    if progress is not None:
        progress(0, total)
    calls = (joblib.delayed(runner)(scenario, seed, metrics) for _, scenario, seed in tasks)
    jobs = 1 if backend == "sequential" else n_jobs
    outputs: list[tuple[str, int, list[Value]]] = []
    with joblib.parallel_config(backend=backend, n_jobs=jobs):
        for done, values in enumerate(joblib.Parallel(return_as="generator")(calls), 1):
            name, _, seed = tasks[done - 1]
            outputs.append((name, seed, values))
            if progress is not None:
                progress(done, total)
    return outputs
