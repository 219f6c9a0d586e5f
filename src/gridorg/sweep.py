"""Scenario sweeps: simulate many scenarios over many seeds, on local cores or a cluster.

A sweep runs every (scenario, seed) pair through :func:`gridorg.simulation.simulate` and
collects the metrics asked for into a tidy :class:`SweepResult`::

    from gridorg.sweep import ParameterGrid, sweep

    grid = ParameterGrid(base, {"capacity.grid": [1, 2, 3], "reopen": [0.05, 0.1]})
    result = sweep(grid, seeds=10, backend="loky")
    print(result.to_markdown())  # mean and 95% interval of each metric per scenario

Runs go through joblib: ``"loky"`` (processes, the default), ``"threading"``,
``"sequential"`` (in this process), ``"dask"`` (a Dask distributed cluster; start a
``distributed.Client`` first) or ``"ray"`` (needs ray). The same seeds give the same rows
whatever the backend and the number of workers.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from gridorg import _sweep_paths as paths
from gridorg import _sweep_run
from gridorg._fields import describe
from gridorg._sweep_result import SummaryRow, SweepResult, SweepRow
from gridorg.errors import ArgumentTypeError, InvalidArgumentError, UnknownMetricError

if TYPE_CHECKING:
    from gridorg.simulation import Scenario

__all__ = ["ParameterGrid", "SummaryRow", "SweepResult", "SweepRow", "sweep"]


def _parameters(value: object) -> dict[str, tuple[Any, ...]]:
    if not isinstance(value, Mapping):
        msg = (
            "parameters must be a mapping of parameter names to sequences of values, such as "
            f"{{'capacity.grid': [1, 2, 3]}}; got {describe(value)}"
        )
        raise ArgumentTypeError(msg)
    found: dict[str, tuple[Any, ...]] = {}
    for name, values in value.items():
        paths.parse_path(name)
        if not isinstance(values, Sequence) or isinstance(values, str | bytes):
            msg = (
                f"parameter {name!r}: expected a sequence of values such as [1, 2, 3], "
                f"got {describe(values)}"
            )
            raise ArgumentTypeError(msg)
        if not values:
            msg = f"parameter {name!r}: expected at least one value, got an empty sequence"
            raise InvalidArgumentError(msg)
        shown = [paths.format_value(v) for v in values]
        repeated = sorted({s for s in shown if shown.count(s) > 1})
        if repeated:
            msg = (
                f"parameter {name!r}: every value must be distinct, but "
                f"{', '.join(repeated)} appears more than once"
            )
            raise InvalidArgumentError(msg)
        found[name] = tuple(values)
    names = sorted(found)
    for first, second in itertools.pairwise(names):
        if second.startswith(first + "."):
            msg = (
                f"parameters {first!r} and {second!r} overlap: the first replaces what the "
                "second changes; sweep one of them"
            )
            raise InvalidArgumentError(msg)
    return found


def _check_base(base: object) -> None:
    from gridorg.simulation import Scenario

    if not isinstance(base, Scenario):
        msg = f"ParameterGrid.base must be a Scenario, got {describe(base)}"
        raise ArgumentTypeError(msg)


@attrs.frozen
class ParameterGrid:
    """Every combination of parameter values, applied to a base scenario.

    ``parameters`` maps a parameter to the values it takes. A parameter is a Scenario field
    (``"reopen"``, ``"days"``) or a dotted path into its records and mappings:
    ``"capacity.grid"`` (a key of the ``capacity`` mapping), ``"arrivals.per_day.environment"``,
    ``"service.grid.mean"`` (a field of the grid's ``ServiceTime``). A path replaces what the
    base scenario has; a missing field or key raises ``InvalidArgumentError`` naming it. The
    combinations are the Cartesian product in the order the parameters are given, the last
    varying fastest, each named like ``"capacity.grid=2, reopen=0.1"``.
    """

    base: Scenario = attrs.field(validator=lambda _, __, value: _check_base(value))
    parameters: Mapping[str, tuple[Any, ...]] = attrs.field(converter=_parameters)

    def __attrs_post_init__(self) -> None:
        for name in self.parameters:
            paths.check_path(self.base, name)

    def __len__(self) -> int:
        count = 1
        for values in self.parameters.values():
            count *= len(values)
        return count

    def scenarios(self) -> list[tuple[str, Scenario]]:
        """Each combination as ``(name, scenario)``; the scenario carries the name too."""
        names = list(self.parameters)
        found: list[tuple[str, Scenario]] = []
        for combination in itertools.product(*self.parameters.values()):
            scenario = self.base
            for name, value in zip(names, combination, strict=True):
                scenario = paths.apply(scenario, name, value)
            label = ", ".join(
                f"{name}={paths.format_value(value)}"
                for name, value in zip(names, combination, strict=True)
            )
            label = label or self.base.name or "base"
            if "name" not in self.parameters:
                scenario = scenario.evolve(name=label)
            found.append((label, scenario))
        return found


def _named(scenarios: object) -> list[tuple[str, Scenario]]:
    from gridorg.simulation import Scenario

    if isinstance(scenarios, ParameterGrid):
        return scenarios.scenarios()
    if isinstance(scenarios, Scenario):
        return [(scenarios.name or "scenario 0", scenarios)]
    if isinstance(scenarios, Mapping):
        items = list(scenarios.items())
    elif isinstance(scenarios, Sequence) and not isinstance(scenarios, str | bytes):
        for index, scenario in enumerate(scenarios):
            if not isinstance(scenario, Scenario):
                msg = f"scenarios[{index}] must be a Scenario, got {describe(scenario)}"
                raise ArgumentTypeError(msg)
        items = [(s.name or f"scenario {i}", s) for i, s in enumerate(scenarios)]
    else:
        msg = (
            "scenarios must be a ParameterGrid, a sequence of Scenario or a mapping of names "
            f"to Scenario, got {describe(scenarios)}"
        )
        raise ArgumentTypeError(msg)
    if not items:
        msg = "scenarios must hold at least one scenario, got none"
        raise InvalidArgumentError(msg)
    seen: set[str] = set()
    for name, scenario in items:
        if not isinstance(name, str) or not name:
            msg = f"scenario names must be non-empty strings, got {describe(name)}"
            raise ArgumentTypeError(msg)
        if not isinstance(scenario, Scenario):
            msg = f"scenarios[{name!r}] must be a Scenario, got {describe(scenario)}"
            raise ArgumentTypeError(msg)
        if name in seen:
            msg = f"two scenarios are named {name!r}; give each scenario its own name"
            raise InvalidArgumentError(msg)
        seen.add(name)
    return items


def _seeds(seeds: object) -> tuple[int, ...]:
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        if seeds < 1:
            msg = f"seeds must be a positive number of seeds or a sequence of seeds, got {seeds}"
            raise InvalidArgumentError(msg)
        return tuple(range(seeds))
    if not isinstance(seeds, Sequence) or isinstance(seeds, str | bytes):
        msg = f"seeds must be a number of seeds or a sequence of seeds, got {describe(seeds)}"
        raise ArgumentTypeError(msg)
    if not seeds:
        msg = "seeds must hold at least one seed, got an empty sequence"
        raise InvalidArgumentError(msg)
    for index, seed in enumerate(seeds):
        if isinstance(seed, bool) or not isinstance(seed, int):
            msg = f"seeds[{index}] must be an integer, got {describe(seed)}"
            raise ArgumentTypeError(msg)
        if seed < 0:
            msg = f"seeds[{index}] must be a non-negative integer, got {seed}"
            raise InvalidArgumentError(msg)
    if len(set(seeds)) != len(seeds):
        repeated = sorted({s for s in seeds if seeds.count(s) > 1})
        msg = f"seeds must be distinct; repeated: {', '.join(map(str, repeated))}"
        raise InvalidArgumentError(msg)
    return tuple(int(seed) for seed in seeds)


def _metrics(metrics: object) -> tuple[str, ...]:
    from gridorg.metrics import get
    from gridorg.metrics._registry import set_names, unknown_message

    entries = (metrics,) if isinstance(metrics, str) else metrics
    if not isinstance(entries, Sequence) or isinstance(entries, bytes):
        msg = (
            f"metrics must be a metric or set name, or a sequence of them, got {describe(metrics)}"
        )
        raise ArgumentTypeError(msg)
    if not entries:
        msg = "metrics must name at least one metric or metric set, got an empty sequence"
        raise InvalidArgumentError(msg)
    sets = set_names()
    for entry in entries:
        if not isinstance(entry, str):
            msg = f"metrics must hold metric or set names (strings), got {describe(entry)}"
            raise ArgumentTypeError(msg)
        if "." in entry:
            get(entry)
        elif entry != "all" and entry not in sets:
            known = [*sets, "all"]
            raise UnknownMetricError(unknown_message("metric or metric set", entry, known))
    return tuple(dict.fromkeys(entries))


def sweep(
    scenarios: Sequence[Scenario] | Mapping[str, Scenario] | ParameterGrid,
    *,
    seeds: int | Sequence[int] = 5,
    metrics: str | Sequence[str] = ("cases", "rates"),
    backend: str = "loky",
    n_jobs: int = -1,
    progress: Callable[[int, int], object] | None = None,
) -> SweepResult:
    """Simulate every scenario with every seed and collect the metrics as a tidy table.

    ``scenarios`` is a :class:`ParameterGrid`, a sequence of scenarios (named by their
    ``name``, or ``"scenario <i>"`` when it is empty), a mapping of names to scenarios or one
    scenario. Names must be distinct.
    ``seeds`` is a count ``n`` (seeds ``0 .. n-1``) or the seeds themselves. ``metrics`` names
    metrics, metric sets or ``"all"``; each run also reports its summary figures as
    ``run.arrivals``, ``run.closed``, ... (not its wall-clock time). ``backend`` is
    ``"loky"``, ``"threading"``, ``"sequential"``, ``"dask"`` (needs a running
    ``distributed.Client``) or ``"ray"``, with ``n_jobs`` workers (``-1``: all).
    ``progress(done, total)`` is called with 0 first and after each run. The same seeds give
    the same rows whatever the backend and ``n_jobs``.
    """
    return _sweep(scenarios, seeds, metrics, backend, n_jobs, progress, _sweep_run.run_one)


def _sweep(
    scenarios: object,
    seeds: object,
    metrics: object,
    backend: object,
    n_jobs: object,
    progress: object,
    runner: _sweep_run.Runner,
) -> SweepResult:
    named = _named(scenarios)
    chosen_seeds = _seeds(seeds)
    chosen = _metrics(metrics)
    _sweep_run.check_backend(backend, n_jobs)
    assert isinstance(backend, str)  # checked above
    assert isinstance(n_jobs, int)
    if progress is not None and not callable(progress):
        msg = (
            f"progress must be None or a callable progress(done, total), got {describe(progress)}"
        )
        raise ArgumentTypeError(msg)
    tasks = [(name, scenario, seed) for name, scenario in named for seed in chosen_seeds]
    start = time.perf_counter()
    outputs = _sweep_run.run(
        tasks, chosen, backend=backend, n_jobs=n_jobs, progress=progress, runner=runner
    )
    rows = tuple(
        SweepRow(name, seed, metric, value, unit)
        for name, seed, values in outputs
        for metric, value, unit in values
    )
    return SweepResult(rows, seconds=time.perf_counter() - start)
