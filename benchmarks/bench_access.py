"""Benchmark the 15-minute service circle core against numpy brute force and plain networkx.

Run from the repository root::

    python benchmarks/bench_access.py            # 1,000,000 points, 100,000-node road graph
    python benchmarks/bench_access.py --quick    # small sizes, for a smoke test

Straight line: the nearest of 20,000 sites to each of 1,000,000 points, on a city-sized plane
and on a province-sized box of longitude and latitude. The peer is chunked, vectorised numpy
brute force (every point against every site); it runs on a subsample of points and its time
is scaled up per point to the full count, which the note says. Road graph: the nearest of 200
sources to each of 10,000 origins on a 316 x 316 grid of streets; the peer is the idiomatic
networkx without multi-source search, one ``single_source_dijkstra_path_length`` per source.

Every figure is the best of ``--repeat`` runs after one warm-up (peers that take minutes run
once). Ratios are peer time / gridorg time (above 1: gridorg is faster). Results are printed as
Markdown and written as JSON next to this file (``results_access.json``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tracemalloc
from importlib import metadata
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt

from gridorg._access import (
    EARTH_RADIUS_M,
    Crs,
    nearest_on_graph,
    nearest_straight,
    snap_to_nodes,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_hierarchy import _row, best_of, best_of_both, machine, markdown

HERE = Path(__file__).resolve().parent
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Row = dict[str, Any]

#: A city: 30 km by 30 km, in metres.
CITY = ((0.0, 0.0), (30_000.0, 30_000.0))
#: A province around 27.9°N 108.4°E: 6° of longitude by 4° of latitude (about 590 x 440 km).
PROVINCE = ((105.4, 25.9), (111.4, 29.9))


def uniform(rng: np.random.Generator, box: Any, count: int) -> FloatArray:
    (x0, y0), (x1, y1) = box
    return np.column_stack((rng.uniform(x0, x1, count), rng.uniform(y0, y1, count)))


def unit_vectors(lonlat: FloatArray) -> FloatArray:
    lon, lat = np.radians(lonlat[:, 0]), np.radians(lonlat[:, 1])
    return np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))


def brute_planar(points: FloatArray, sites: FloatArray, chunk: int = 256) -> tuple[Any, Any]:
    """Every point against every site, ``chunk`` points at a time: the numpy way."""
    distance = np.empty(len(points))
    index = np.empty(len(points), dtype=np.int64)
    sx, sy = sites[:, 0], sites[:, 1]
    for start in range(0, len(points), chunk):
        block = points[start : start + chunk]
        dx = block[:, :1] - sx
        dy = block[:, 1:] - sy
        squared = dx * dx + dy * dy
        best = squared.argmin(axis=1)
        index[start : start + chunk] = best
        distance[start : start + chunk] = np.sqrt(squared[np.arange(len(block)), best])
    return distance, index


def brute_sphere(points: FloatArray, sites: FloatArray, chunk: int = 512) -> tuple[Any, Any]:
    """Every point against every site through dot products of unit vectors (one matrix
    product per chunk), the fastest brute force numpy offers on the sphere."""
    distance = np.empty(len(points))
    index = np.empty(len(points), dtype=np.int64)
    at = unit_vectors(sites).T.copy()
    for start in range(0, len(points), chunk):
        dots = unit_vectors(points[start : start + chunk]) @ at
        best = dots.argmax(axis=1)
        index[start : start + chunk] = best
        nearest = np.clip(dots[np.arange(len(best)), best], -1.0, 1.0)
        distance[start : start + chunk] = EARTH_RADIUS_M * np.arccos(nearest)
    return distance, index


def bench_straight(crs: Crs, points: int, sites: int, sample: int, repeat: int) -> Row:
    rng = np.random.default_rng(11)
    box = CITY if crs == "planar" else PROVINCE
    where, at = uniform(rng, box, points), uniform(rng, box, sites)
    part = where[:sample]
    peer = brute_planar if crs == "planar" else brute_sphere
    ours, theirs, (distance, index), (expected, chosen) = best_of_both(
        repeat, lambda: nearest_straight(where, at, crs=crs), lambda: peer(part, at)
    )
    # The peer measures on the sphere by arccos of a dot product: good to ~0.1 m at best.
    assert np.allclose(distance[:sample], expected, rtol=1e-9, atol=0.5)
    same = float(np.mean(index[:sample] == chosen))
    tracemalloc.start()
    nearest_straight(where, at, crs=crs)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    place = "city 30 x 30 km, planar" if crs == "planar" else "province 6° x 4°, wgs84"
    return _row(
        f"{points:,} points, {sites:,} sites",
        f"nearest site in a straight line ({place})",
        ours,
        f"numpy brute force ({peer.__name__}), scaled from {sample:,} points",
        theirs * points / sample,
        note=f"{points / ours / 1e6:.1f} M points/s; peer measured {theirs:.2f} s on "
        f"{sample:,} points; same site for {same:.2%} of them; numpy peak "
        f"{peak / 2**20:.0f} MiB (the KD-tree's own memory is not traced)",
    )


def road_grid(side: int, seed: int) -> nx.Graph[int]:
    """A ``side`` x ``side`` street grid, 100 m blocks with jittered corners; edge ``length``
    is the straight distance times a detour factor between 1 and 1.3."""
    rng = np.random.default_rng(seed)
    grid = nx.grid_2d_graph(side, side)
    graph: nx.Graph[int] = nx.convert_node_labels_to_integers(grid, label_attribute="cell")
    corners = rng.uniform(-20, 20, size=(graph.number_of_nodes(), 2))
    for node, data in graph.nodes(data=True):
        row, column = data.pop("cell")
        data["x"] = column * 100.0 + corners[node, 0]
        data["y"] = row * 100.0 + corners[node, 1]
    nodes = graph.nodes
    for u, v, data in graph.edges(data=True):
        straight = math.hypot(nodes[u]["x"] - nodes[v]["x"], nodes[u]["y"] - nodes[v]["y"])
        data["length"] = straight * rng.uniform(1.0, 1.3)
    return graph


def networkx_nearest(
    graph: nx.Graph[int], origins: list[int], sources: list[int]
) -> tuple[FloatArray, IntArray]:
    """One Dijkstra per source, then the nearest source of each origin (lowest index at
    ties): the idiomatic networkx without multi-source search."""
    cost = np.full(len(origins), np.inf)
    index = np.full(len(origins), -1, dtype=np.int64)
    for k, source in enumerate(sources):
        reach = nx.single_source_dijkstra_path_length(graph, source, weight="length")
        found = np.fromiter((reach.get(o, np.inf) for o in origins), np.float64, len(origins))
        better = found < cost
        cost[better] = found[better]
        index[better] = k
    return cost, index


def bench_graph(side: int, origins: int, sources: int, repeat: int) -> list[Row]:
    graph = road_grid(side, seed=3)
    rng = np.random.default_rng(5)
    n = graph.number_of_nodes()
    starts = rng.integers(0, n, origins).tolist()
    sites = rng.integers(0, n, sources).tolist()
    ours, (cost, index) = best_of(
        repeat, lambda: nearest_on_graph(graph, starts, sites, weight="length")
    )
    theirs, (expected, chosen) = best_of(1, lambda: networkx_nearest(graph, starts, sites))
    assert np.allclose(cost, expected, rtol=1e-12)
    same = float(np.mean(index == chosen))
    size = f"{n:,} nodes, {graph.number_of_edges():,} edges"
    rows = [
        _row(
            size,
            f"nearest of {sources} sources for {origins:,} origins on a road graph",
            ours,
            f"networkx: {sources} x single_source_dijkstra_path_length",
            theirs,
            note=f"same source for {same:.2%} of origins",
        )
    ]
    extent = side * 100.0
    points = uniform(rng, ((0.0, 0.0), (extent, extent)), origins)
    snapped, nodes = best_of(repeat, lambda: snap_to_nodes(graph, points, crs="planar"))
    assert len(nodes) == origins
    rows.append(_row(size, f"snap {origins:,} points to the nearest node", snapped, None, None))
    rows.append(_organisation_on_roads(graph, points, sites, repeat, theirs))
    return rows


def _organisation_on_roads(
    graph: nx.Graph[int], points: FloatArray, site_nodes: list[int], repeat: int, peer: float
) -> Row:
    """``service_access`` over the road graph, grids and sites snapped by coordinates."""
    from gridorg import Location, Organisation, ServiceSite
    from gridorg.access import RoadGraph, service_access

    per = 100
    records: list[dict[str, Any]] = [{"id": "S", "tier": "street"}]
    records += [
        {"id": f"C{c}", "tier": "community", "parent": "S"} for c in range(len(points) // per + 1)
    ]
    records += [
        {"id": f"G{i}", "tier": "grid", "parent": f"C{i // per}"} for i in range(len(points))
    ]
    org = Organisation.from_records(records).with_links(
        sites=[
            ServiceSite(
                f"X{j}",
                location=Location.planar(graph.nodes[n]["x"], graph.nodes[n]["y"]),
            )
            for j, n in enumerate(site_nodes)
        ],
        locations={f"G{i}": Location.planar(x, y) for i, (x, y) in enumerate(points.tolist())},
    )
    travel = RoadGraph(graph, weight="length")
    ours, result = best_of(repeat, lambda: service_access(org, travel=travel))
    assert np.isfinite(result.minutes).all()
    return _row(
        f"{graph.number_of_nodes():,} nodes; {len(points):,} grids, {len(site_nodes)} sites",
        "service_access on an organisation over the road graph (snapped by coordinates)",
        ours,
        f"networkx: {len(site_nodes)} x single_source_dijkstra_path_length (row above)",
        peer,
        note="the whole call: snapping grids and sites, one multi-source Dijkstra, the table",
    )


def bench_organisation(grids: int, sites: int, sample: int, repeat: int) -> Row:
    """``service_access`` end to end on an organisation of ``grids`` located grids."""
    from gridorg import Location, ServiceSite
    from gridorg.access import service_access
    from gridorg.datasets import synthetic

    rng = np.random.default_rng(5)
    org = synthetic(
        streets=max(1, grids // 100),
        seed=2,
        household_heads=False,
        communities_per_street=(10, 10),
        grids_per_community=(10, 10),
    )
    grid_ids = [u.id for u in org.units(tier="grid")]
    where = uniform(rng, PROVINCE, len(grid_ids))
    at = uniform(rng, PROVINCE, sites)
    org = org.with_links(
        sites=[
            ServiceSite(f"X{j}", location=Location(x, y)) for j, (x, y) in enumerate(at.tolist())
        ],
        locations={
            uid: Location(x, y) for uid, (x, y) in zip(grid_ids, where.tolist(), strict=True)
        },
    )
    part = org.links.unit_xy(org.positions(tier="grid")[:sample])
    ours, theirs, result, _ = best_of_both(
        repeat, lambda: service_access(org), lambda: brute_sphere(part, at)
    )
    assert len(result) == len(grid_ids)
    return _row(
        f"{len(grid_ids):,} grids, {sites:,} sites",
        "service_access on an organisation (straight line, wgs84)",
        ours,
        f"numpy brute force (brute_sphere), scaled from {sample:,} grids",
        theirs * len(grid_ids) / sample,
        note=f"{result.coverage():.1%} of households within 15 minutes; the whole call, "
        "positions, coordinates and result table included",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.quick:
        points, sites, sample, side, origins, sources = 100_000, 2_000, 2_000, 100, 1_000, 20
    else:
        points, sites, sample, side, origins, sources = 1_000_000, 20_000, 20_000, 316, 10_000, 200
    rows = [bench_straight(crs, points, sites, sample, args.repeat) for crs in ("planar", "wgs84")]
    rows.append(bench_organisation(points, sites, sample, args.repeat))
    rows.extend(bench_graph(side, origins, sources, args.repeat))
    report = {"machine": {**machine(), "scipy": metadata.version("scipy")}, "rows": rows}
    if not args.quick:  # a smoke test leaves the recorded figures alone
        (HERE / "results_access.json").write_text(
            json.dumps(report, indent=2) + "\n", encoding="utf-8"
        )
    print(json.dumps(report["machine"], indent=2))
    print(markdown(rows))


if __name__ == "__main__":
    main()
