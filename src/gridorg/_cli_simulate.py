"""``gridorg simulate``: simulate a preset's issues over a horizon and report the metrics."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TextIO

from gridorg._cli_args import (
    EXIT_OK,
    PRESETS,
    add_days,
    add_sets,
    non_negative,
    rows_markdown,
    write_json,
)
from gridorg._cli_progress import ProgressBar

if TYPE_CHECKING:
    from gridorg.simulation import Scenario, SimulationResult

__all__ = ["REPORT_SETS", "add_parser", "scenario"]

#: The metric sets the report shows unless ``--set`` names others.
REPORT_SETS: Final = ("cases", "rates", "escalation")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``simulate`` command to ``commands``."""
    parser = commands.add_parser(
        "simulate",
        help="simulate a preset's issues and report the metrics",
        description=(
            "Simulate the issues of a preset's calibrated scenario over a horizon, with a "
            "progress bar on standard error, then print the run summary and the case, rate "
            "and escalation metrics as Markdown tables."
        ),
    )
    parser.add_argument("--preset", choices=PRESETS, required=True, help="a built-in scenario")
    add_days(parser)
    parser.add_argument(
        "--seed",
        type=non_negative,
        default=0,
        metavar="N",
        help="random seed (default 0, the seed the presets are calibrated with)",
    )
    add_sets(parser, REPORT_SETS)
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="write cases.jsonl, cases.parquet (with pyarrow), report.json and report.md",
    )
    parser.add_argument("--no-progress", action="store_true", help="draw no progress bar")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.set_defaults(run=run)


def scenario(name: str, days: float | None = None) -> Scenario:
    """The calibrated scenario of the preset ``name``, over ``days`` (default: a year)."""
    from gridorg import datasets

    builders = {"songtao": datasets.songtao_scenario, "yinjiang": datasets.yinjiang_scenario}
    build = builders[name]
    return build() if days is None else build(days=days)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``gridorg simulate``."""
    from gridorg._cli_metrics import metric_tables, tables_json, tables_markdown
    from gridorg.simulation import simulate

    chosen = scenario(args.preset, args.days)
    with ProgressBar(err, unit="days", enabled=not args.no_progress) as bar:
        result = simulate(chosen, seed=args.seed, progress=bar)
    inputs = {"org": chosen.org, "log": result.log, "decisions": result.decisions}
    tables = metric_tables(inputs, sets=args.sets or REPORT_SETS)
    about = _about(args.preset, result)
    found, published = _outcomes(args.preset, result)
    report = {
        **about,
        "summary": dict(result.summary),
        "outcomes": found,
        "published": published,
        **tables_json(tables, by=None),
    }
    markdown = _title(about) + rows_markdown(("figure", "value"), _summary_rows(result))
    markdown += "\n" + _outcomes_markdown(found, published)
    markdown += "\n" + tables_markdown(tables)
    if args.out:
        _write(Path(args.out), result, report, markdown, err)
    if args.json:
        write_json(report, out)
    else:
        out.write(markdown)
    return EXIT_OK


def _outcomes(
    preset: str, result: SimulationResult
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    from gridorg.datasets import outcomes, published_outcomes

    published = [
        {"key": p.key, "figure": p.figure, "value": p.value, "lower_bound": p.lower_bound}
        for p in published_outcomes(preset)
    ]
    return outcomes(result), published


def _outcomes_markdown(found: dict[str, int], published: list[dict[str, Any]]) -> str:
    lines = [
        "## outcomes\n",
        "| outcome | simulated | published, 2024 |",
        "|---|---:|---:|",
    ]
    for item in published:
        figure = f"{item['value']:,}" + ("+" if item["lower_bound"] else "")
        lines.append(f"| {item['figure']} | {found[item['key']]:,} | {figure} |")
    return "\n".join(lines) + "\n"


def _about(preset: str, result: SimulationResult) -> dict[str, Any]:
    run = result.scenario
    return {
        "preset": preset,
        "scenario": run.name or preset,
        "organisation": run.org.name,
        "start": run.start.isoformat(),
        "days": run.days,
        "seed": result.seed,
    }


def _title(about: dict[str, Any]) -> str:
    days = about["days"]
    shown = f"{days:,.0f}" if float(days).is_integer() else f"{days:,g}"
    return (
        f"# Simulation of {about['scenario']}: {shown} days from {about['start'][:10]}, "
        f"seed {about['seed']}\n\n## run\n\n"
    )


def _summary_rows(result: SimulationResult) -> list[tuple[str, str]]:
    rows = []
    for key, value in result.summary.items():
        label = key.replace("_", " ")
        if isinstance(value, float) and not value.is_integer():
            rows.append((label, f"{value:,.2f}"))
        else:
            rows.append((label, f"{int(value):,}"))
    return rows


def _write(
    directory: Path,
    result: SimulationResult,
    report: dict[str, Any],
    markdown: str,
    err: TextIO,
) -> None:
    import io

    from gridorg._cli_output import write_jsonl, write_parquet, write_text

    directory.mkdir(parents=True, exist_ok=True)
    tz = result.scenario.start.tzinfo or dt.UTC
    write_jsonl(result.log, directory / "cases.jsonl", tz)
    write_parquet(result.log, directory / "cases.parquet", err)
    text = io.StringIO()
    write_json(report, text)
    write_text(directory / "report.json", text.getvalue())
    write_text(directory / "report.md", markdown)
