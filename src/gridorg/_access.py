"""Travel to the nearest service site: the numeric core of the 15-minute service circle.

The 15-minute convenient service circle (15分钟便民服务圈) asks how long a resident of each grid
travels to the nearest service site (服务阵地). This module answers at the level of arrays:
coordinates in, distances in metres and site indices out, either in a straight line (a KD-tree
over the sites) or along a road graph (networkx's multi-source Dijkstra). It knows nothing
of organisations; the caller maps grids and sites to rows and graph nodes.

Ties are deterministic everywhere: of several sites at the same distance, the one with the
lowest index wins.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Hashable, Iterable, Mapping
from itertools import chain
from typing import Any, Final, Literal

import networkx as nx
import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from gridorg.errors import ArgumentTypeError, InvalidArgumentError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Crs = Literal["wgs84", "planar"]

#: Mean Earth radius in metres (IUGG), the sphere on which ``"wgs84"`` distances are measured.
EARTH_RADIUS_M: Final = 6_371_008.8

#: The coordinate systems: longitude and latitude in degrees, or x and y in metres.
CRS_NAMES: Final = ("wgs84", "planar")

#: Points are looked up this many at a time, to bound peak memory.
_CHUNK: Final = 1 << 20

#: Sites whose KD-tree distances lie within this relative margin of the nearest are compared
#: exactly. Rounding moves a distance by a few units in the 16th digit, far inside the margin.
_TIE_RTOL: Final = 1e-9


def nearest_straight(
    points: npt.ArrayLike, sites: npt.ArrayLike, *, crs: Crs
) -> tuple[FloatArray, IntArray]:
    """The straight-line distance in metres from each point to its nearest site, and its index.

    ``points`` (n, 2) and ``sites`` (m, 2) hold longitude and latitude in degrees when ``crs``
    is ``"wgs84"`` (distances along a great circle of a sphere of radius
    :data:`EARTH_RADIUS_M`), or x and y in metres when it is ``"planar"`` (Euclidean
    distances). A point row holding NaN is not placed: distance NaN, index -1. Site rows with
    NaN are never chosen; with no usable site every placed point gets distance +inf, index -1.
    Infinite coordinates, and latitudes beyond ±90°, raise :class:`InvalidArgumentError`;
    longitudes wrap. Points are searched a million at a time, so memory stays bounded.

    The chosen site minimises :func:`distances_between` from the point, exactly as that
    function computes it in float64; of several sites at the same distance the lowest index
    wins. The KD-tree proposes the nearest candidates and every site within a margin of one in
    a billion of the nearest is re-measured, so the rule holds whatever order the tree visits.
    """
    kind = _crs(crs)
    where = _coordinates(points, "points", kind)
    at = _coordinates(sites, "sites", kind)
    distance = np.full(len(where), np.nan)
    index = np.full(len(where), -1, dtype=np.int64)
    placed = np.flatnonzero(~np.isnan(where).any(axis=1))
    usable = np.flatnonzero(~np.isnan(at).any(axis=1))
    if usable.size == 0:
        distance[placed] = np.inf
        return distance, index
    embedded, owner = _distinct_rows(_embed(at[usable], kind))
    site_of = usable[owner]
    tree = cKDTree(embedded)
    for start in range(0, placed.size, _CHUNK):
        rows = placed[start : start + _CHUNK]
        found, nearest = _query(tree, embedded, _embed(where[rows], kind), kind)
        distance[rows] = found
        index[rows] = site_of[nearest]
    return distance, index


def distances_between(a: npt.ArrayLike, b: npt.ArrayLike, *, crs: Crs) -> FloatArray:
    """The distance in metres between matching rows of two (n, 2) coordinate arrays.

    Great-circle distance on the sphere of radius :data:`EARTH_RADIUS_M` for ``"wgs84"``
    (from the chord between unit vectors, ``2 R asin(chord / 2)``, or beyond a right angle
    from the chord to the antipode), Euclidean distance ``sqrt(dx*dx + dy*dy)`` for
    ``"planar"``. NaN in a row gives NaN. This is the measure
    :func:`nearest_straight` minimises and breaks ties on.
    """
    kind = _crs(crs)
    first = _embed(_coordinates(a, "a", kind), kind)
    second = _embed(_coordinates(b, "b", kind), kind)
    if first.shape != second.shape:
        msg = f"a and b: expected the same number of rows, found {len(first)} and {len(second)}"
        raise InvalidArgumentError(msg)
    return _metres(first, second, kind)


def travel_minutes(
    distance_m: npt.ArrayLike, *, detour: float, speed_m_per_min: float
) -> FloatArray:
    """Travel time in minutes: ``distance_m * detour / speed_m_per_min``.

    ``detour`` (at least 1) stretches a straight line into a walked route; the speed is in
    metres per minute. NaN and +inf distances pass through. The arguments are assumed valid.
    """
    return np.asarray(distance_m, dtype=np.float64) * detour / speed_m_per_min


def nearest_on_graph(
    graph: nx.Graph[Any],
    origins: Iterable[Hashable | None],
    sources: Iterable[Hashable | None],
    *,
    weight: str | None,
) -> tuple[FloatArray, IntArray]:
    """The shortest-path cost from each origin node to its nearest source node, and its index.

    ``weight`` names the edge attribute holding the cost (metres, minutes: the result has its
    unit), or is ``None`` to count edges. On a directed graph the cost runs along the edges from
    the origin to the source. ``None`` among the origins means not placed (cost NaN, index -1);
    ``None`` among the sources is ignored; several sources may share a node. Origins that
    reach no source get +inf and -1. Costs must be numbers >= 0 (+inf closes an edge).

    Costs come from one run of :func:`networkx.multi_source_dijkstra_path_length` from all
    sources. Of several sources at the same cost, the lowest index wins: a pass over the edges
    that lie on shortest paths (the node's cost equals its neighbour's cost plus the edge's,
    as the same float64 sum networkx formed) carries the lowest index to every node. With
    integer costs this is exactly the rule; with fractional costs two paths whose sums round
    apart count as different costs, as they do in networkx.
    """
    _check_weights(graph, weight)
    origin_nodes = _nodes_in(graph, origins, "origins")
    own: dict[Hashable, int] = {}
    for i, node in enumerate(_nodes_in(graph, sources, "sources")):
        if node is not None:
            own.setdefault(node, i)
    cost = np.full(len(origin_nodes), np.nan)
    index = np.full(len(origin_nodes), -1, dtype=np.int64)
    dist: Mapping[Hashable, float] = {}
    label: dict[Hashable, int] = {}
    if own:
        forward = graph.reverse(copy=False) if isinstance(graph, nx.DiGraph) else graph
        dist = nx.multi_source_dijkstra_path_length(forward, set(own), weight=weight)
        label = _labels(graph, dist, own, _edge_cost(graph, weight))
    for i, node in enumerate(origin_nodes):
        if node is None:
            continue
        found = dist.get(node, np.inf)
        cost[i] = found
        if found != np.inf:
            index[i] = label[node]
    return cost, index


def snap_to_nodes(
    graph: nx.Graph[Any],
    points: npt.ArrayLike,
    *,
    x: str = "x",
    y: str = "y",
    crs: Crs,
) -> list[Hashable | None]:
    """The graph node nearest to each point, by the coordinates stored on the nodes.

    Nodes carry their position as the attributes ``x`` and ``y`` (longitude and latitude in
    degrees for ``"wgs84"``, metres for ``"planar"``); distances are those of
    :func:`nearest_straight`, and of several nodes at the same distance the one that comes
    first in ``graph.nodes`` wins. Points holding NaN, and all points of a graph without nodes,
    give ``None``.
    """
    kind = _crs(crs)
    nodes = list(graph.nodes)
    at = np.empty((len(nodes), 2))
    for row, (node, data) in enumerate(graph.nodes(data=True)):
        for column, key in enumerate((x, y)):
            value = data.get(key)
            if value is not None and not _is_number(value):
                msg = f"node {node!r}: attribute {key!r} should be a number, found {value!r}"
                raise ArgumentTypeError(msg)
            if value is None or not np.isfinite(value):
                found = "nothing" if value is None else repr(value)
                msg = f"node {node!r}: attribute {key!r} should be a finite number, found {found}"
                raise InvalidArgumentError(msg)
            at[row, column] = value
        if kind == "wgs84" and abs(at[row, 1]) > 90:
            msg = f"node {node!r}: latitude {float(at[row, 1])!r} is outside [-90, 90]"
            raise InvalidArgumentError(msg)
    _, index = nearest_straight(points, at, crs=kind)
    return [None if i < 0 else nodes[i] for i in index.tolist()]


def _crs(crs: object) -> Crs:
    if crs == "wgs84":
        return "wgs84"
    if crs == "planar":
        return "planar"
    msg = f"crs: expected one of {', '.join(map(repr, CRS_NAMES))}, found {crs!r}"
    raise InvalidArgumentError(msg)


def _coordinates(values: npt.ArrayLike, name: str, crs: Crs) -> FloatArray:
    """``values`` as a float64 (n, 2) array; infinities and impossible latitudes raise."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        msg = f"{name}: expected an (n, 2) array of numbers, found {type(values).__name__}"
        raise ArgumentTypeError(msg) from error
    if array.ndim == 1 and array.size == 0:
        return np.empty((0, 2))
    if array.ndim != 2 or array.shape[1] != 2:
        msg = f"{name}: expected an array of shape (n, 2), found shape {array.shape}"
        raise InvalidArgumentError(msg)
    bad = np.flatnonzero(np.isinf(array).any(axis=1))
    if bad.size:
        found = array[bad[0]].tolist()
        msg = f"{name} row {bad[0]}: expected finite coordinates or NaN, found {found}"
        raise InvalidArgumentError(msg)
    if crs == "wgs84":
        bad = np.flatnonzero(np.abs(array[:, 1]) > 90)
        if bad.size:
            msg = f"{name} row {bad[0]}: latitude {float(array[bad[0], 1])!r} is outside [-90, 90]"
            raise InvalidArgumentError(msg)
    return array


def _embed(coordinates: FloatArray, crs: Crs) -> FloatArray:
    """Coordinates in the space the KD-tree searches: the plane, or unit vectors in 3-D."""
    if crs == "planar":
        return np.ascontiguousarray(coordinates)
    lon = np.radians(np.ascontiguousarray(coordinates[:, 0]))
    lat = np.radians(np.ascontiguousarray(coordinates[:, 1]))
    across = np.cos(lat)
    return np.column_stack((across * np.cos(lon), across * np.sin(lon), np.sin(lat)))


def _metres(a: FloatArray, b: FloatArray, crs: Crs) -> FloatArray:
    """The distance in metres between matching rows of two embedded arrays."""
    chord = np.sqrt(_squared_norm(a, b, -1.0))
    if crs == "planar":
        return chord
    angle = 2 * np.arcsin(np.minimum(chord / 2, 1.0))
    # Beyond a right angle the chord to the antipode is short and well conditioned.
    far = np.flatnonzero(chord > np.sqrt(2))
    if far.size:
        back = np.sqrt(_squared_norm(a[far], b[far], 1.0))
        angle[far] = np.pi - 2 * np.arcsin(np.minimum(back / 2, 1.0))
    return EARTH_RADIUS_M * angle


def _squared_norm(a: FloatArray, b: FloatArray, sign: float) -> FloatArray:
    """``|a + sign * b|**2`` row by row, summed over the columns in order."""
    total = np.zeros(len(a))
    for axis in range(a.shape[1]):
        step = a[:, axis] + sign * b[:, axis]
        total += step * step
    return total


def _distinct_rows(rows: FloatArray) -> tuple[FloatArray, IntArray]:
    """The distinct rows in order of first occurrence, each with that position in ``rows``."""
    order = np.lexsort(rows.T[::-1])
    ordered = rows[order]
    starts = np.ones(len(rows), dtype=bool)
    starts[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    first = np.sort(order[starts]).astype(np.int64)
    return rows[first], first


def _query(
    tree: cKDTree, sites: FloatArray, points: FloatArray, crs: Crs
) -> tuple[FloatArray, IntArray]:
    """Distance and row of the nearest of the (distinct) ``sites`` to each embedded point."""
    if len(sites) == 1:
        nearest = np.zeros(len(points), dtype=np.int64)
        return _metres(points, sites[nearest], crs), nearest
    reach, rows = _nearest_k(tree, points, 2)
    nearest = rows[:, 0].copy()
    close = np.flatnonzero(reach[:, 1] <= reach[:, 0] * (1 + _TIE_RTOL))
    if close.size:
        nearest[close] = _settle(tree, sites, points[close], reach[close, 0], crs)
    return _metres(points, sites[nearest], crs), nearest


def _nearest_k(tree: cKDTree, points: FloatArray, k: int) -> tuple[FloatArray, IntArray]:
    """KD-tree distances and rows of the ``k`` nearest sites, as (n, k) arrays."""
    reach, rows = tree.query(points, k=k, workers=-1)
    return np.asarray(reach, dtype=np.float64), np.asarray(rows, dtype=np.int64)


def _settle(
    tree: cKDTree, sites: FloatArray, points: FloatArray, reach: FloatArray, crs: Crs
) -> IntArray:
    """The nearest site row for points with another site within the margin of the nearest.

    Every site within the margin is measured exactly; rows follow site index, so the lowest
    row among the nearest is the lowest index. The 8 nearest settle almost every point; the
    few with more sites inside the margin gather them all with a ball query.
    """
    k = min(8, len(sites))
    radius = reach * (1 + 2 * _TIE_RTOL)
    nearest = np.empty(len(points), dtype=np.int64)
    crowded: list[IntArray] = []
    for start in range(0, len(points), _CHUNK // k):
        part = slice(start, start + _CHUNK // k)
        kth, rows = _nearest_k(tree, points[part], k)
        here = np.repeat(points[part], k, axis=0)
        measured = _metres(here, sites[rows.ravel()], crs).reshape(rows.shape)
        best = measured.min(axis=1, keepdims=True)
        nearest[part] = np.where(measured == best, rows, len(sites)).min(axis=1)
        if k < len(sites):
            crowded.append(start + np.flatnonzero(kth[:, -1] <= radius[part]))
    many = np.concatenate(crowded) if crowded else np.empty(0, dtype=np.int64)
    if many.size:
        balls = tree.query_ball_point(points[many], radius[many], workers=-1)
        counts = np.fromiter(map(len, balls), np.int64, len(balls))
        candidate = np.fromiter(chain.from_iterable(balls), np.int64, int(counts.sum()))
        of = np.repeat(np.arange(len(many)), counts)
        distance = _metres(points[many][of], sites[candidate], crs)
        # Sorted by point, then distance, then row: the first of each point's run.
        order = np.lexsort((candidate, distance, of))
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        nearest[many] = candidate[order[starts]]
    return nearest


def _is_number(value: object) -> bool:
    return (
        type(value) is float
        or type(value) is int
        or (isinstance(value, numbers.Real) and not isinstance(value, bool))
    )


def _check_weights(graph: nx.Graph[Any], weight: str | None) -> None:
    """Raise if an edge lacks the cost attribute or holds a negative or non-numeric cost."""
    if weight is None:
        return
    value: Any
    for u, v, value in graph.edges(data=weight):
        if type(value) is float or type(value) is int:
            if value >= 0:
                continue
        elif value is not None and not _is_number(value):
            msg = f"edge ({u!r}, {v!r}): {weight!r} should be a number >= 0, found {value!r}"
            raise ArgumentTypeError(msg)
        elif value is not None and value >= 0:
            continue
        found = "nothing" if value is None else repr(value)
        msg = f"edge ({u!r}, {v!r}): {weight!r} should be a number >= 0, found {found}"
        raise InvalidArgumentError(msg)


def _nodes_in(
    graph: nx.Graph[Any], nodes: Iterable[Hashable | None], name: str
) -> list[Hashable | None]:
    listed = list(nodes)
    for i, node in enumerate(listed):
        if node is not None and node not in graph:
            msg = f"{name}[{i}]: expected a node of the graph or None, found {node!r}"
            raise InvalidArgumentError(msg)
    return listed


def _edge_cost(graph: nx.Graph[Any], weight: str | None) -> Callable[[Any], Any]:
    """The cost of one adjacency entry, as networkx's Dijkstra reads it."""
    if weight is None:
        return lambda data: 1
    if graph.is_multigraph():
        return lambda data: min(attributes[weight] for attributes in data.values())
    return lambda data: data[weight]


def _labels(
    graph: nx.Graph[Any],
    dist: Mapping[Hashable, Any],
    own: Mapping[Hashable, int],
    cost: Callable[[Any], Any],
) -> dict[Hashable, int]:
    """The lowest source index among the nearest sources of every reached node.

    A shortest path from the sources to ``u`` ends with an edge from some ``v`` with
    ``dist[v] + cost == dist[u]``; ``graph.adj[u]`` lists those ``v`` (the search ran on the
    reversed graph when directed). One pass in order of distance settles every node whose such
    edges all come from nearer nodes; edges between nodes at equal distance (zero costs) are
    settled afterwards by lowering labels until nothing changes.
    """
    adjacency = graph.adj
    unset = max(own.values(), default=0) + 1
    label: dict[Hashable, int] = {}
    level = False
    for u in sorted(dist, key=dist.__getitem__):
        here = dist[u]
        best = own.get(u, unset)
        for v, data in adjacency[u].items():
            there = dist.get(v)
            if there is None or v == u or there + cost(data) != here:
                continue
            level = level or there == here
            best = min(best, label.get(v, unset))
        label[u] = best
    if level:
        after: dict[Hashable, list[Hashable]] = {}
        for u, here in dist.items():
            for v, data in adjacency[u].items():
                there = dist.get(v)
                if there is not None and v != u and there + cost(data) == here:
                    after.setdefault(v, []).append(u)
        pending = list(after)
        while pending:
            v = pending.pop()
            for u in after.get(v, ()):
                if label[v] < label[u]:
                    label[u] = label[v]
                    pending.append(u)
    return label
