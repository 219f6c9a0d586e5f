"""``gridorg metrics``: named metrics of a preset or an organisation document, as tables.

The report helpers here (:func:`metric_tables`, :func:`tables_markdown`, :func:`tables_json`)
also serve ``gridorg simulate``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from gridorg._cli_args import EXIT_OK, PRESETS, preset, write_json

if TYPE_CHECKING:
    from gridorg.metrics import MetricTable

__all__ = ["add_parser", "computable_sets", "metric_tables", "tables_json", "tables_markdown"]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``metrics`` command to ``commands``."""
    from gridorg.metrics import BREAKDOWNS
    from gridorg.metrics._registry import set_names

    parser = commands.add_parser(
        "metrics",
        help="named metrics of a preset or an organisation document",
        description=(
            "Compute metrics of an organisation and print them as Markdown tables: every set "
            "that the organisation alone can give (structure, access), the sets named by "
            "--set, or the metrics named by --metric."
        ),
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", help="an organisation document (.json or .json.gz)")
    source.add_argument("--preset", choices=PRESETS, help="a built-in organisation")
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument(
        "--set",
        dest="sets",
        action="append",
        choices=set_names(),
        metavar="SET",
        help=f"a metric set ({', '.join(set_names())}); repeat for more",
    )
    chosen.add_argument(
        "--metric",
        dest="names",
        action="append",
        metavar="NAME",
        help="a metric by its dotted name, such as structure.grids; repeat for more",
    )
    parser.add_argument("--by", choices=BREAKDOWNS, help="break the values down")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``gridorg metrics``."""
    from gridorg.schema import load_file

    org = preset(args.preset) if args.preset else load_file(args.file)
    tables = metric_tables({"org": org}, sets=args.sets, names=args.names, by=args.by)
    source = args.preset or args.file
    if args.json:
        write_json({"source": source, "name": org.name, **tables_json(tables, by=args.by)}, out)
    else:
        title = f"# Metrics of {org.name or source}"
        if args.by:
            title += f", by {args.by}"
        out.write(title + "\n\n" + tables_markdown(tables))
    return EXIT_OK


def computable_sets(given: set[str], by: str | None) -> list[str]:
    """The metric sets with a member that the inputs ``given`` can compute (broken down ``by``)."""
    from gridorg.metrics import available
    from gridorg.metrics._registry import set_names

    infos = available()
    return [
        name
        for name in set_names()
        if any(
            name in info.sets and info.needs <= given and (by is None or by in info.by)
            for info in infos
        )
    ]


def metric_tables(
    inputs: dict[str, Any],
    *,
    sets: Sequence[str] | None = None,
    names: Sequence[str] | None = None,
    by: str | None = None,
) -> list[tuple[str, MetricTable]]:
    """The tables to report: one per set (default: every set the inputs can give), or one of
    the metrics ``names``; each headed by its set's name."""
    from gridorg.metrics import compute

    if names:
        return [("metrics", compute(list(names), by=by, **inputs))]
    given = {key for key, value in inputs.items() if value is not None}
    chosen = list(dict.fromkeys(sets)) if sets else computable_sets(given, by)
    if not chosen:
        from gridorg.errors import InvalidArgumentError

        have = " and ".join(sorted(given)) or "no inputs"
        msg = f"no metric set can be computed from {have} broken down by {by!r}"
        raise InvalidArgumentError(msg)
    return [(name, compute(name, by=by, **inputs)) for name in chosen]


def tables_markdown(tables: Sequence[tuple[str, MetricTable]]) -> str:
    """The tables as Markdown, each under a ``##`` heading."""
    return "\n".join(f"## {heading}\n\n{table.to_markdown()}" for heading, table in tables)


def tables_json(tables: Sequence[tuple[str, MetricTable]], *, by: str | None) -> dict[str, Any]:
    """The tables as one JSON-compatible mapping: metrics, the sets they came from, skipped."""
    metrics: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    for _, table in tables:
        metrics.update(table.to_dict())
        skipped.update(table.skipped)
    return {
        "by": by,
        "sets": [heading for heading, _ in tables],
        "metrics": metrics,
        "skipped": skipped,
    }
