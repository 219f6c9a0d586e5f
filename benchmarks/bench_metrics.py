"""Benchmark the structure metric set at national scale, against networkx in one process.

Run from the repository root::

    python benchmarks/bench_metrics.py            # 10,000 streets: ~1M grids, ~11M units
    python benchmarks/bench_metrics.py --quick    # 1,000 streets, for a smoke test

The organisation is the synthetic one of ``bench_hierarchy.py`` with cross-links a city keeps
beside its tree: one service site per community (hosted there), a contact-point leader for
every other community, and people assigned to grids as gridders and household heads. The
target: every structure metric, computed in one ``compute("structure", org=org)`` call on a
fresh organisation (no cached intermediates), within 10 seconds. Per-metric times come from
one pass over the set with a shared cache, so a metric that first builds an intermediate (the
iron-triangle parts, the child counts) pays for it; each is also timed alone, cold. The
breakdown by community (about 100,000 keys per metric) is timed through ``compute`` and in the
metric functions alone, to separate the numbers from building the table of rows.

Peers, on a tenth of the organisation (scaled up ×10 in the table): span of control as
networkx ``out_degree`` over ``org.to_networkx()``, depth as ``dag_longest_path_length``, and
iron-triangle completeness as a loop calling ``Organisation.iron_triangle`` grid by grid (the
scalar API a user would reach for). Ratios are peer time / gridorg time on the same sample
(above 1: gridorg is faster). Results are printed as Markdown and written to
``results_metrics.json`` (full run only).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from gridorg import Assignment, ContactPoint, Organisation, Person, ServiceSite
from gridorg.datasets import synthetic_columns
from gridorg.metrics import STRUCTURE, Inputs, compute, get

HERE = Path(__file__).resolve().parent
SHAPE: dict[str, Any] = {"households_per_grid": (80, 160)}
LIMIT = 10.0
Row = dict[str, Any]


def build(streets: int) -> Organisation:
    """The synthetic organisation with sites, contact points and assignments."""
    org = Organisation.from_columns(synthetic_columns(streets=streets, seed=1, **SHAPE))
    ids = org._parts.ids
    outer = org.positions(tier="community")
    tiers = org.column("tier")
    outer = outer[tiers[org.column("parent")[outer]] != tiers[outer]]  # not nested branches
    community_ids = list(ids.take(outer.tolist()))
    grid_ids = list(ids.take(org.positions(tier="grid")[::5].tolist()))
    sites = [ServiceSite(f"X{i}", host=c) for i, c in enumerate(community_ids)]
    leaders = [Person(f"L{i}", roles={"county_leader"}) for i in range(len(community_ids) // 2)]
    helpers = [Person(f"P{i}", roles={"gridder", "household_head"}) for i in range(len(grid_ids))]
    links: list[Any] = [
        ContactPoint(p.id, c) for p, c in zip(leaders, community_ids[::2], strict=False)
    ]
    links += [
        Assignment(p.id, g, role="gridder" if i % 2 else "household_head")
        for i, (p, g) in enumerate(zip(helpers, grid_ids, strict=True))
    ]
    return org.with_links(links, people=[*leaders, *helpers], sites=sites)


def cold(org: Organisation) -> None:
    """Drop the organisation's cached intermediates (ancestor tables, totals), so the next
    call starts as on a fresh organisation."""
    org._cache.clear()
    gc.collect()


def call(name: str, inputs: Inputs) -> Callable[[], Any]:
    """A call of the metric ``name`` on ``inputs``."""
    metric = get(name)
    return lambda: metric(inputs)


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def best(
    repeat: int, call: Callable[[], Any], setup: Callable[[], None] | None = None
) -> tuple[float, Any]:
    """The shortest of ``repeat`` timed calls, each after an untimed ``setup()``, and the last
    result."""
    fastest, result = float("inf"), None
    for _ in range(repeat):
        if setup is not None:
            setup()
        seconds, result = timed(call)
        fastest = min(fastest, seconds)
    return fastest, result


def national(streets: int, repeat: int) -> tuple[Row, list[Row]]:
    setup, org = timed(lambda: build(streets))

    def fresh() -> None:
        cold(org)

    names = STRUCTURE.metrics
    total, table = best(repeat, lambda: compute(names, org=org), fresh)
    community = [n for n in names if "community" in get(n).by]
    by_community, _ = best(1, lambda: compute(community, org=org, by="community"), fresh)

    def functions_only() -> None:
        inputs = Inputs(org=org, by="community")
        for name in community:
            get(name)(inputs)

    by_community_functions, _ = best(1, functions_only, fresh)
    cold(org)
    inputs = Inputs(org=org)
    per_metric: list[Row] = []
    for name in names:
        shared, value = timed(call(name, inputs))
        per_metric.append(
            {"metric": name, "shared": shared, "value": value, "unit": table.unit(name)}
        )
    for row in per_metric:
        cold(org)
        row["alone"], _ = timed(call(row["metric"], Inputs(org=org)))
    summary: Row = {
        "streets": streets,
        "units": len(org),
        "grids": int(table.value("structure.grids")),
        "links": len(org.links),
        "metrics": len(names),
        "setup_seconds": setup,
        "total_seconds": total,
        "limit_seconds": LIMIT,
        "within_limit": total <= LIMIT,
        "by_community_seconds": by_community,
        "by_community_metrics": len(community),
        "by_community_functions_seconds": by_community_functions,
    }
    return summary, per_metric


def peers(streets: int, repeat: int) -> list[Row]:
    """Span of control, depth and iron-triangle completeness against the peers on a sample."""
    org = build(streets)
    graph = org.to_networkx()
    rows: list[Row] = []

    def fresh() -> None:
        cold(org)

    span = ["structure.span_min", "structure.span_median", "structure.span_max"]
    ours, table = best(repeat, lambda: compute(span, org=org), fresh)

    def out_degrees() -> tuple[int, float, int]:
        counts = [d for _, d in graph.out_degree() if d > 0]
        return min(counts), float(statistics.median(counts)), max(counts)

    theirs, found = best(repeat, out_degrees)
    assert found == tuple(table.value(n) for n in span)
    rows.append(_peer("span of control (min, median, max)", ours, "networkx out_degree", theirs))

    ours, table = best(repeat, lambda: compute("structure.depth", org=org), fresh)
    theirs, found = best(repeat, lambda: nx.dag_longest_path_length(graph))
    assert found == table.value("structure.depth")
    rows.append(_peer("depth", ours, "networkx dag_longest_path_length", theirs))

    name = "structure.iron_triangle_completeness"
    ours, table = best(repeat, lambda: compute(name, org=org), fresh)
    grids = [uid for uid in org.ids_at(org.positions(tier="grid")) if uid is not None]

    def grid_by_grid() -> float:
        return sum(org.iron_triangle(g).complete for g in grids) / len(grids)

    theirs, found = best(1, grid_by_grid)
    assert np.isclose(found, table.value(name))
    rows.append(_peer("iron-triangle completeness", ours, "iron_triangle() per grid", theirs))
    for row in rows:
        row["sample_units"] = len(org)
    return rows


def _peer(task: str, ours: float, peer: str, theirs: float) -> Row:
    return {
        "task": task,
        "gridorg": ours,
        "peer": peer,
        "peer_seconds": theirs,
        "ratio": theirs / ours,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 streets, peers on 100")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    streets = 1_000 if args.quick else 10_000
    summary, per_metric = national(streets, args.repeat)
    gc.collect()
    compared = peers(streets // 10, args.repeat)

    print(
        f"## structure set: {summary['units']:,} units, {summary['grids']:,} grids, "
        f"{summary['links']:,} links\n"
    )
    print("| metric | unit | value | shared pass (s) | alone, cold (s) |")
    print("|---|---|---|---|---|")
    for row in per_metric:
        print(
            f"| {row['metric']} | {row['unit']} | {row['value']:,.6g} | "
            f"{row['shared']:.3f} | {row['alone']:.3f} |"
        )
    verdict = "within" if summary["within_limit"] else "OVER"
    print(
        f"\ncompute('structure') on a fresh organisation: {summary['total_seconds']:.2f} s "
        f"for {summary['metrics']} metrics ({verdict} the {LIMIT:g} s limit); "
        f"by='community' ({summary['by_community_metrics']} metrics): "
        f"{summary['by_community_seconds']:.2f} s through compute(), "
        f"{summary['by_community_functions_seconds']:.2f} s in the metric functions\n"
    )
    print(f"## peers on a tenth ({compared[0]['sample_units']:,} units), scaled ×10\n")
    print("| task | gridorg (s) | peer | peer (s) | ratio |")
    print("|---|---|---|---|---|")
    for row in compared:
        print(
            f"| {row['task']} | {row['gridorg'] * 10:.3f} | {row['peer']} | "
            f"{row['peer_seconds'] * 10:.3f} | {row['ratio']:.1f}× |"
        )
    if not args.quick:
        result = {"summary": summary, "metrics": per_metric, "peers": compared}
        (HERE / "results_metrics.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"\n({time.perf_counter() - start:.0f} s in all)")
