"""Benchmark multi-network merging: time and peak memory from 10k to 1M base units.

Run from the repository root::

    python benchmarks/bench_merge.py                  # 10k, 100k and 1M units (about 6 minutes)
    python benchmarks/bench_merge.py --quick          # 10k units and the Songtao scenario
    python benchmarks/bench_merge.py --profile 100000 # where one merge spends its time

The input at each size is a lattice of base units, each adjacent to the units beside it, with
1 to 60 households each (uniform); communities are 10 × 10 tiles (100 units), so 10k, 100k
and 1M units hold 100, 1,000 and 10,000 communities. Nine networks, one of each kind of
``NETWORK_KINDS``: three inside communities (each tile cut into blocks of 3–6 units a side)
and six across community lines (blocks of 8–29 units a side), their vertical borders wander
by one unit a row; three leave 2 % of the units out (gaps) and three list 1 % of the units
in the cell of their right-hand neighbour as well (overlaps).

Each size runs in a fresh process: the merge is timed once (three times at 10k, best kept),
then its peak resident memory is read from ``VmHWM`` after resetting it just before the merge
(inputs included: the whole process), and, up to 100k units, the peak of what the merge
itself allocates from ``tracemalloc`` in a second run. The three baselines of
:mod:`gridorg.merge` (adopting the party-building network, the finest overlay, greedy region
growing) run on the 100k input and on the Songtao scenario, and their reports are compared
with the merge's. Results are printed as Markdown and, on full runs, written to
``results_merge.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import math
import pstats
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

import bench_hierarchy
from gridorg import NETWORK_KINDS, BaseLayer, FunctionalNetwork
from gridorg.merge import (
    MergeResult,
    adopt_network,
    finest_overlay,
    greedy_growing,
    merge_networks,
)

HERE = Path(__file__).resolve().parent
BOUNDS = (200, 450)
TILE = 10
#: Lattice width and height for each size: 100 units a community.
SHAPES = {10_000: (100, 100), 100_000: (400, 250), 1_000_000: (1000, 1000)}
IntArray = npt.NDArray[np.int64]
Row = dict[str, Any]


# ---------------------------------------------------------------------- inputs


def lattice_inputs(
    width: int, height: int, seed: int = 0
) -> tuple[BaseLayer, list[FunctionalNetwork]]:
    """A ``width`` × ``height`` lattice of base units and nine networks over it."""
    rng = np.random.default_rng(seed)
    n = width * height
    k = np.arange(n, dtype=np.int64)
    x, y = k % width, k // width
    community = (y // TILE) * (width // TILE) + x // TILE
    households = rng.integers(1, 61, n)
    ids = np.array([f"U{i}" for i in range(n)], dtype=object)
    names = [f"C{c}" for c in range(int(community.max()) + 1)]
    records = [
        {"id": uid, "community": names[c], "households": h}
        for uid, c, h in zip(ids.tolist(), community.tolist(), households.tolist(), strict=True)
    ]
    right = k[x + 1 < width]
    up = k[y + 1 < height]
    edges = list(zip(ids[right].tolist(), ids[right + 1].tolist(), strict=True))
    edges += list(zip(ids[up].tolist(), ids[up + width].tolist(), strict=True))
    base = BaseLayer.from_records(records, edges)
    networks = []
    for j, kind in enumerate(NETWORK_KINDS):
        inside = j < 3
        low, high = (3, 7) if inside else (8, 30)
        sx, sy = int(rng.integers(low, high)), int(rng.integers(low, high))
        ox, oy = int(rng.integers(0, sx)), int(rng.integers(0, sy))
        wander = np.cumsum(rng.integers(-1, 2, height))
        if inside:
            column = ((x % TILE) + ox + wander[y] % sx) // sx
            row = ((y % TILE) + oy) // sy
            cell = community * 100 + column * 10 + row
        else:
            column = (x + ox + wander[y] + 2 * height) // sx
            cell = column * (height + 1) + (y + oy) // sy
        cell = np.unique(cell, return_inverse=True)[1].reshape(-1)
        if j % 3 == 1:
            cell = np.where(rng.random(n) < 0.02, -1, cell)
        networks.append(FunctionalNetwork(kind, _cells(kind, cell, ids, x, width, rng, j)))
    return base, networks


def _cells(
    kind: str,
    cell: IntArray,
    ids: npt.NDArray[Any],
    x: IntArray,
    width: int,
    rng: np.random.Generator,
    j: int,
) -> dict[str, list[str]]:
    prefix = "".join(part[0] for part in kind.split("_")).upper()
    order = np.argsort(cell, kind="stable")
    order = order[cell[order] >= 0]
    starts = np.flatnonzero(np.diff(cell[order])) + 1
    heads = cell[order][np.r_[0, starts]].tolist()
    cells = {
        f"{prefix}{h}": group.tolist()
        for h, group in zip(heads, np.split(ids[order], starts), strict=True)
    }
    if j % 3 == 2:
        extra = np.flatnonzero((rng.random(len(cell)) < 0.01) & (x + 1 < width))
        for u in extra.tolist():
            c = int(cell[u + 1])
            if c >= 0 and c != cell[u]:
                cells[f"{prefix}{c}"].append(ids[u])
    return cells


# ---------------------------------------------------------------------- measuring


def _vm(field: str) -> int:
    """A ``/proc/self/status`` figure in bytes (0 where there is none)."""
    try:
        with open("/proc/self/status", encoding="utf-8") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="utf-8") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def merge(base: BaseLayer, networks: Sequence[FunctionalNetwork]) -> MergeResult:
    low, high = BOUNDS
    return merge_networks(networks, base, min_households=low, max_households=high)


def baselines(
    base: BaseLayer, networks: Sequence[FunctionalNetwork]
) -> list[tuple[MergeResult, float]]:
    """The merge and the three baselines on the same input, each with its wall time."""
    low, high = BOUNDS
    calls: list[Callable[[], MergeResult]] = [
        lambda: merge(base, networks),
        lambda: adopt_network(
            networks, base, "party_building", min_households=low, max_households=high
        ),
        lambda: finest_overlay(networks, base, min_households=low, max_households=high),
        lambda: greedy_growing(networks, base, min_households=low, max_households=high),
    ]
    out = []
    for call in calls:
        start = time.perf_counter()
        result = call()
        out.append((result, time.perf_counter() - start))
    return out


def fitting_cells(result: MergeResult, maximum: int) -> tuple[int, int]:
    """How many cells fit within ``maximum`` households, and how many of those the result
    splits over more than one grid."""
    base = result.base
    position = {uid: k for k, uid in enumerate(base.ids)}
    fitting = split = 0
    for network in result.networks:
        for units in network.cells.values():
            members = np.unique(np.fromiter((position[u] for u in units), dtype=np.int64))
            if len(members) and int(base.households[members].sum()) <= maximum:
                fitting += 1
                split += int(len(np.unique(result.assignment[members])) > 1)
    return fitting, split


def report_row(result: MergeResult, seconds: float, label: str) -> Row:
    r = result.report
    fitting, split = fitting_cells(result, BOUNDS[1])
    return {
        "input": label,
        "method": r.method,
        "grids": r.grids,
        "cells": r.cells,
        "cells_split": r.cells_split,
        "fitting_cells": fitting,
        "fitting_cells_split": split,
        "mean_fragments": r.mean_fragments,
        "sizes": list(r.sizes),
        "size_sd": r.size_sd,
        "compactness": r.compactness,
        "outside_bounds": r.outside_bounds,
        "seconds": seconds,
    }


def measure(units: int, with_baselines: bool) -> dict[str, Any]:
    """Run in a fresh process: build the input, time the merge, read its peak memory."""
    width, height = SHAPES[units]
    start = time.perf_counter()
    base, networks = lattice_inputs(width, height)
    built = time.perf_counter() - start
    repeat = 3 if units <= 10_000 else 1
    gc.collect()
    before = _vm("VmRSS")
    reset = _reset_peak()
    seconds = math.inf
    result = None
    for _ in range(repeat):
        result = None
        start = time.perf_counter()
        result = merge(base, networks)
        seconds = min(seconds, time.perf_counter() - start)
    peak_rss = _vm("VmHWM") if reset else 0
    assert result is not None
    out: dict[str, Any] = {
        "units": len(base),
        "communities": len(base.communities),
        "cells": sum(len(n.cells) for n in networks),
        "grids": result.report.grids,
        "outside_bounds": result.report.outside_bounds,
        "build_seconds": built,
        "seconds": seconds,
        "rss_before": before,
        "peak_rss": peak_rss,
        "traced_peak": None,
    }
    if units <= 100_000:
        result = None
        gc.collect()
        tracemalloc.start()
        merge(base, networks)
        out["traced_peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    if with_baselines:
        out["baselines"] = [
            report_row(r, s, f"{len(base):,} units") for r, s in baselines(base, networks)
        ]
    return out


def run(units: int, with_baselines: bool) -> dict[str, Any]:
    args = [sys.executable, __file__, "--measure", str(units)]
    if with_baselines:
        args.append("--baselines")
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(done.stderr)
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def profile(units: int, top: int = 25) -> str:
    """cProfile's top functions (by own time, then cumulative) of one merge of ``units``."""
    width, height = SHAPES[units]
    base, networks = lattice_inputs(width, height)
    profiler = cProfile.Profile()
    profiler.enable()
    merge(base, networks)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return text.getvalue()


# ---------------------------------------------------------------------- output


def machine() -> dict[str, str]:
    """The machine and the versions this benchmark depends on."""
    return bench_hierarchy.machine(("numpy", "scipy", "networkx"))


def gib(value: int | None) -> str:
    return "" if not value else f"{value / 2**30:.2f} GiB"


def size_table(sizes: list[dict[str, Any]]) -> str:
    lines = [
        "| base units | communities | cells | grids | outside bounds | merge | growth | "
        "peak RSS (process) | RSS added | traced peak |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    previous = None
    for s in sizes:
        growth = ""
        if previous is not None:
            ratio = s["seconds"] / previous["seconds"]
            exponent = math.log(ratio) / math.log(s["units"] / previous["units"])
            growth = f"{ratio:.1f}× (n^{exponent:.2f})"
        added = s["peak_rss"] - s["rss_before"] if s["peak_rss"] else 0
        lines.append(
            f"| {s['units']:,} | {s['communities']:,} | {s['cells']:,} | {s['grids']:,} | "
            f"{s['outside_bounds']:,} | {s['seconds']:.2f} s | {growth} | {gib(s['peak_rss'])} "
            f"| {gib(added)} | {gib(s['traced_peak'])} |"
        )
        previous = s
    return "\n".join(lines)


def comparison_table(rows: list[Row]) -> str:
    lines = [
        "| input | method | grids | cells split | fitting cells split | grids per cell | "
        "households min / median / max | s.d. | compactness | outside bounds | seconds |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        low, middle, high = r["sizes"]
        lines.append(
            f"| {r['input']} | {r['method']} | {r['grids']:,} | "
            f"{r['cells_split']:,} of {r['cells']:,} | "
            f"{r['fitting_cells_split']:,} of {r['fitting_cells']:,} | "
            f"{r['mean_fragments']:.2f} | {low:,} / {middle:,.0f} / {high:,} | "
            f"{r['size_sd']:.1f} | {r['compactness']:.3f} | {r['outside_bounds']:,} | "
            f"{r['seconds']:.2f} |"
        )
    return "\n".join(lines)


def songtao_rows() -> list[Row]:
    from gridorg.datasets import songtao_networks

    base, networks, bounds = songtao_networks()
    assert bounds == BOUNDS
    return [report_row(r, s, "Songtao scenario") for r, s in baselines(base, networks)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k units and Songtao only")
    parser.add_argument("--profile", type=int, choices=sorted(SHAPES), help="profile a merge")
    parser.add_argument("--measure", type=int, choices=sorted(SHAPES), help=argparse.SUPPRESS)
    parser.add_argument("--baselines", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.baselines)))
        return
    if args.profile:
        print(profile(args.profile))
        return
    about = machine()
    print("Machine: " + ", ".join(f"{k} {v}" for k, v in about.items()) + "\n")
    chosen = [10_000] if args.quick else sorted(SHAPES)
    largest = 10_000 if args.quick else 100_000
    sizes = [run(units, with_baselines=units == largest) for units in chosen]
    print(size_table(sizes) + "\n")
    rows = songtao_rows() + next(s["baselines"] for s in sizes if "baselines" in s)
    print(comparison_table(rows))
    hundred = next((s for s in sizes if s["units"] == 100_000), None)
    if hundred is not None:
        print(
            f"\n100,000 units: merged in {hundred['seconds']:.1f} s (budget 30 s), peak "
            f"resident memory {gib(hundred['peak_rss'])} for the whole process (budget 2 GiB)"
        )
    if not args.quick:
        results = {"machine": about, "bounds": list(BOUNDS), "sizes": sizes, "comparison": rows}
        (HERE / "results_merge.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"\n({time.perf_counter() - start:.0f} s in all)", file=sys.stderr)
