"""``gridorg merge``: a preset's merge scenario (多网合一), its report and its metrics."""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path
from typing import TYPE_CHECKING, Final, TextIO

from gridorg._cli_args import EXIT_OK, non_negative, positive, rows_markdown, write_json

if TYPE_CHECKING:
    from gridorg.merge import MergeResult
    from gridorg.networks import BaseLayer, FunctionalNetwork

__all__ = ["add_parser"]

#: The presets that come with a merge scenario.
MERGE_PRESETS: Final = ("songtao",)
_LISTED: Final = 10


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``merge`` command to ``commands``."""
    parser = commands.add_parser(
        "merge",
        help="merge a preset's functional grids into comprehensive grids",
        description=(
            "Merge the functional networks of a preset's merge scenario (多网合一) into one "
            "comprehensive grid and print the merge report and the merge metrics."
        ),
    )
    parser.add_argument("--preset", choices=MERGE_PRESETS, required=True, help="a scenario")
    parser.add_argument(
        "--min",
        dest="minimum",
        type=positive,
        metavar="N",
        help="fewest households per grid (default: the scenario's)",
    )
    parser.add_argument(
        "--max",
        dest="maximum",
        type=positive,
        metavar="N",
        help="most households per grid (default: the scenario's)",
    )
    parser.add_argument(
        "--seed", type=non_negative, default=0, metavar="N", help="tie-break seed (default 0)"
    )
    parser.add_argument(
        "--out", metavar="FILE", help="write the merge document (JSON; gzip when .gz)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.set_defaults(run=run)


def _scenario(name: str) -> tuple[BaseLayer, tuple[FunctionalNetwork, ...], tuple[int, int]]:
    from gridorg import datasets

    builders = {"songtao": datasets.songtao_networks}
    return builders[name]()


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``gridorg merge``."""
    from gridorg.merge import merge_networks
    from gridorg.metrics import compute

    base, networks, (low, high) = _scenario(args.preset)
    low = low if args.minimum is None else args.minimum
    high = high if args.maximum is None else args.maximum
    result = merge_networks(
        networks, base, min_households=low, max_households=high, seed=args.seed
    )
    table = compute("merge", merge=result)
    if args.out:
        _write(result, Path(args.out))
    if args.json:
        report = {
            "preset": args.preset,
            "bounds": [low, high],
            "base_units": len(base),
            "networks": [network.kind for network in networks],
            "report": result.report.to_dict(),
            "infeasible": dict(result.infeasible),
            "metrics": table.to_dict(),
        }
        write_json(report, out)
    else:
        out.write(_markdown(args.preset, result, (low, high), len(base), len(networks)))
        out.write("\n## merge metrics\n\n" + table.to_markdown())
    if args.out:
        err.write(f"gridorg: wrote {args.out}\n")
    return EXIT_OK


def _markdown(
    name: str, result: MergeResult, bounds: tuple[int, int], units: int, networks: int
) -> str:
    low, high = bounds
    lines = [
        f"# Merge of {name}: {networks} functional networks over {units:,} base units, "
        f"{low:,}-{high:,} households per grid",
        "",
        rows_markdown(("figure", "value"), result.report.rows()),
    ]
    if result.infeasible:
        lines.append("## grids outside the bounds\n")
        items = list(result.infeasible.items())
        lines.extend(f"- `{grid}`: {reason}" for grid, reason in items[:_LISTED])
        if len(items) > _LISTED:
            lines.append(f"- ... and {len(items) - _LISTED} more")
        lines.append("")
    return "\n".join(lines)


def _write(result: MergeResult, path: Path) -> None:
    from gridorg.schema import dump_value

    data = json.dumps(dump_value(result), ensure_ascii=False, allow_nan=False).encode("utf-8")
    if path.name.endswith(".gz"):
        data = gzip.compress(data, compresslevel=6, mtime=0)
    path.write_bytes(data)
