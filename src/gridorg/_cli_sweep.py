"""``gridorg sweep``: a preset's scenario over a grid of parameters and seeds, summarised."""

from __future__ import annotations

import argparse
import contextlib
import importlib
from collections.abc import Iterator
from typing import Any, Final, TextIO

from gridorg._cli_args import (
    EXIT_OK,
    PRESETS,
    add_days,
    add_sets,
    parameter,
    parsed,
    positive,
    write_json,
)
from gridorg._cli_progress import ProgressBar

__all__ = ["add_parser"]

#: The metric sets a sweep reports unless ``--set`` names others.
SWEEP_SETS: Final = ("cases", "rates")
_DISTRIBUTED: Final = "distributed"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sweep`` command to ``commands``."""
    from gridorg._sweep_run import BACKENDS

    parser = commands.add_parser(
        "sweep",
        help="simulate a preset over parameters and seeds; print means and intervals",
        description=(
            "Simulate a preset's scenario for every combination of the --param values, each "
            "with several seeds, in parallel, and print each metric's mean, standard deviation "
            "and confidence interval over the seeds."
        ),
    )
    parser.add_argument("--preset", choices=PRESETS, required=True, help="a built-in scenario")
    parser.add_argument(
        "--param",
        dest="params",
        action="append",
        type=parameter,
        default=[],
        metavar="NAME=V1,V2",
        help="a scenario parameter and its values, e.g. capacity.grid=1,2; repeat for more",
    )
    parser.add_argument(
        "--seeds", type=positive, default=5, metavar="N", help="seeds per scenario (default 5)"
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=-1,
        metavar="N",
        help="parallel workers (default -1: every core)",
    )
    parser.add_argument(
        "--backend", choices=BACKENDS, default="loky", help="joblib backend (default loky)"
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help=(
            "with --backend dask, the address of a running Dask scheduler "
            "(default: a local cluster of --jobs workers)"
        ),
    )
    add_days(parser)
    add_sets(parser, SWEEP_SETS)
    parser.add_argument(
        "--confidence",
        type=_confidence,
        default=0.95,
        metavar="P",
        help="confidence level of the intervals (default 0.95)",
    )
    parser.add_argument("--no-progress", action="store_true", help="draw no progress bar")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.set_defaults(run=run)


def _jobs(text: str) -> int:
    value = parsed(text, int, "an integer (-1: every core)")
    if value == 0:
        msg = "expected a positive number of workers or -1 for every core, got 0"
        raise argparse.ArgumentTypeError(msg)
    return value


def _confidence(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < 1:
        msg = f"expected a number between 0 and 1, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _parameters(pairs: list[tuple[str, list[Any]]]) -> dict[str, list[Any]]:
    from gridorg.errors import InvalidArgumentError

    parameters: dict[str, list[Any]] = {}
    for name, values in pairs:
        if name in parameters:
            msg = f"--param {name} is given twice; list all its values once: {name}=V1,V2"
            raise InvalidArgumentError(msg)
        parameters[name] = values
    return parameters


@contextlib.contextmanager
def _cluster(backend: str, address: str | None, jobs: int) -> Iterator[None]:
    """With the dask backend, a distributed client for the sweep: one already running in this
    process, one connected to ``address``, or a local cluster of ``jobs`` workers."""
    from gridorg.errors import InvalidArgumentError, missing_dependency

    if backend != "dask":
        if address is not None:
            msg = f"--scheduler needs --backend dask, got --backend {backend}"
            raise InvalidArgumentError(msg)
        yield
        return
    try:
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        error = missing_dependency(_DISTRIBUTED, "dask", "gridorg sweep --backend dask")
        raise error from None
    if address is None and _running(distributed):
        yield  # the client already running in this process serves the sweep
        return
    if address is None:
        workers = None if jobs < 0 else jobs
        client = distributed.Client(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
    else:
        client = distributed.Client(address, timeout="10s")
    try:
        yield
    finally:
        client.close()
        if address is None and client.cluster is not None:
            client.cluster.close()


def _running(distributed: Any) -> bool:
    try:
        distributed.default_client()
    except ValueError:
        return False
    return True


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``gridorg sweep``."""
    from gridorg._cli_simulate import scenario
    from gridorg.sweep import ParameterGrid, sweep

    parameters = _parameters(args.params)
    base = scenario(args.preset, args.days)
    grid = ParameterGrid(base=base, parameters=parameters) if parameters else {args.preset: base}
    sets = tuple(args.sets or SWEEP_SETS)
    with (
        _cluster(args.backend, args.scheduler, args.jobs),
        ProgressBar(err, unit="runs", enabled=not args.no_progress) as bar,
    ):
        result = sweep(
            grid,
            seeds=args.seeds,
            metrics=sets,
            backend=args.backend,
            n_jobs=args.jobs,
            progress=bar,
        )
    if args.json:
        report = {
            "preset": args.preset,
            "days": base.days,
            "seeds": list(result.seeds),
            "backend": args.backend,
            "parameters": parameters,
            "sets": list(sets),
            "confidence": args.confidence,
            "summary": result.to_records(summary=True, confidence=args.confidence),
            "rows": result.to_records(),
        }
        write_json(report, out)
        return EXIT_OK
    scenarios, seeds = len(result.scenarios), len(result.seeds)
    days = f"{base.days:,g}"
    out.write(
        f"# Sweep of {args.preset}: {scenarios} scenario{'s' * (scenarios != 1)} × "
        f"{seeds} seed{'s' * (seeds != 1)}, {days} days, backend {args.backend}\n\n"
    )
    out.write(result.to_markdown(confidence=args.confidence))
    return EXIT_OK
