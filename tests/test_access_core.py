"""The numeric core of the 15-minute service circle, checked against brute force.

Straight-line search agrees with measuring every site (exactly, ties included); great-circle
distances agree with the arctangent and haversine formulas; graph search agrees with one
networkx search from every origin; snapping agrees with measuring every node.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridorg._access import (
    EARTH_RADIUS_M,
    Crs,
    distances_between,
    nearest_on_graph,
    nearest_straight,
    snap_to_nodes,
    travel_minutes,
)
from gridorg.errors import ArgumentTypeError, InvalidArgumentError

FloatArray = npt.NDArray[np.float64]
NAN = math.nan
ONE_DEGREE_M = EARTH_RADIUS_M * math.pi / 180


def haversine(a: Sequence[float], b: Sequence[float]) -> float:
    """Great-circle distance in metres between two (lon, lat) points in degrees."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def great_circle(a: Sequence[float], b: Sequence[float]) -> float:
    """Great-circle distance in metres by the arctangent form, accurate at every angle."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    step = lon2 - lon1
    across = math.hypot(
        math.cos(lat2) * math.sin(step),
        math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(step),
    )
    along = math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(step)
    return EARTH_RADIUS_M * math.atan2(across, along)


# --- strategies --------------------------------------------------------------------------


def _values(low: float, high: float) -> st.SearchStrategy[float]:
    """Small integers (many exact ties) or any float in range."""
    small = st.integers(int(max(low, -3)), int(min(high, 3))).map(float)
    return st.one_of(small, st.floats(low, high, allow_nan=False))


def _pair(crs: Crs) -> st.SearchStrategy[tuple[float, float]]:
    if crs == "planar":
        return st.tuples(_values(-1e4, 1e4), _values(-1e4, 1e4))
    return st.tuples(_values(-180, 180), _values(-90, 90))


@st.composite
def coordinate_arrays(
    draw: st.DrawFn,
    pair: st.SearchStrategy[tuple[float, float]],
    *,
    min_rows: int = 0,
    max_rows: int = 12,
) -> FloatArray:
    """Rows from ``pair``, some NaN rows, some rows repeated; shrinks to fewer rows."""
    row = st.one_of(pair, st.just((NAN, NAN)), pair.map(lambda xy: (xy[0], NAN)))
    rows = draw(st.lists(row, min_size=min_rows, max_size=max_rows))
    if rows:
        copies = draw(st.lists(st.integers(0, len(rows) - 1), max_size=3))
        for i in copies:
            rows.insert(draw(st.integers(0, len(rows))), rows[i])
    return np.array(rows, dtype=np.float64).reshape(-1, 2)


def integer_arrays(*, max_rows: int = 12) -> st.SearchStrategy[FloatArray]:
    """Integer-valued planar coordinates (squared distances exact), NaN rows included."""
    return coordinate_arrays(st.tuples(*[st.integers(-6, 6).map(float)] * 2), max_rows=max_rows)


CRSES: st.SearchStrategy[Crs] = st.sampled_from(["planar", "wgs84"])


# --- straight line -----------------------------------------------------------------------


def brute_straight(
    points: FloatArray, sites: FloatArray, crs: Crs
) -> tuple[list[float], list[int]]:
    """Measure every site with :func:`distances_between`; lowest index among the nearest."""
    distances, indices = [], []
    for point in points:
        if np.isnan(point).any():
            distances.append(NAN)
            indices.append(-1)
            continue
        each = distances_between(np.tile(point, (len(sites), 1)), sites, crs=crs)
        usable = [(d, k) for k, d in enumerate(each.tolist()) if not math.isnan(d)]
        best = min(usable, default=(math.inf, -1))
        distances.append(best[0])
        indices.append(best[1])
    return distances, indices


@given(CRSES.flatmap(lambda crs: st.tuples(st.just(crs), *[coordinate_arrays(_pair(crs))] * 2)))
def test_nearest_straight_matches_measuring_every_site(
    case: tuple[Crs, FloatArray, FloatArray],
) -> None:
    crs, points, sites = case
    distance, index = nearest_straight(points, sites, crs=crs)
    expected_distance, expected_index = brute_straight(points, sites, crs)
    assert distance.dtype == np.float64
    assert index.dtype == np.int64
    assert index.tolist() == expected_index
    np.testing.assert_array_equal(distance, expected_distance)


@given(integer_arrays(), integer_arrays())
def test_planar_nearest_matches_exact_integer_arithmetic(
    points: FloatArray, sites: FloatArray
) -> None:
    distance, index = nearest_straight(points, sites, crs="planar")
    for i, (px, py) in enumerate(points.tolist()):
        if math.isnan(px) or math.isnan(py):
            assert (math.isnan(distance[i]), index[i]) == (True, -1)
            continue
        squared = [
            (int(sx - px) ** 2 + int(sy - py) ** 2, k)
            for k, (sx, sy) in enumerate(sites.tolist())
            if not (math.isnan(sx) or math.isnan(sy))
        ]
        if not squared:
            assert (distance[i], index[i]) == (math.inf, -1)
            continue
        best, k = min(squared)
        assert (distance[i], index[i]) == (math.sqrt(best), k)


@given(coordinate_arrays(_pair("wgs84"), min_rows=1), coordinate_arrays(_pair("wgs84")))
def test_wgs84_nearest_matches_the_great_circle(points: FloatArray, sites: FloatArray) -> None:
    distance, index = nearest_straight(points, sites, crs="wgs84")
    whole = [k for k, row in enumerate(sites.tolist()) if not np.isnan(row).any()]
    for i, point in enumerate(points.tolist()):
        if np.isnan(point).any() or not whole:
            continue
        each = {k: great_circle(point, sites[k]) for k in whole}
        nearest = min(each.values())
        assert distance[i] == pytest.approx(nearest, rel=1e-9, abs=1e-6)
        assert each[int(index[i])] == pytest.approx(nearest, rel=1e-9, abs=1e-6)


def exact_planar(
    points: npt.NDArray[Any], sites: npt.NDArray[Any]
) -> tuple[FloatArray, list[int]]:
    """Nearest by exact integer squared distances (integer-valued inputs, no NaN)."""
    step = points.astype(np.int64)[:, None, :] - sites.astype(np.int64)[None, :, :]
    squared = (step * step).sum(axis=2)
    best = squared.argmin(axis=1)  # the first of equal minima: the lowest index
    return np.sqrt(squared[np.arange(len(points)), best].astype(float)), best.tolist()


def test_many_exact_ties_on_a_lattice() -> None:
    """Points in the middle of lattice cells, each equally near four sites in shuffled order."""
    rng = np.random.default_rng(5)
    lattice = np.array([(x, y) for x in range(0, 40, 2) for y in range(0, 40, 2)], dtype=float)
    sites = lattice[rng.permutation(len(lattice))]
    sites = np.concatenate([sites, sites[:50]])
    points = rng.integers(0, 19, size=(2_000, 2)) * 2.0 + 1.0
    distance, index = nearest_straight(points, sites, crs="planar")
    expected_distance, expected_index = exact_planar(points, sites)
    assert index.tolist() == expected_index
    np.testing.assert_array_equal(distance, expected_distance)


def test_rings_of_many_equally_near_sites() -> None:
    """Twelve places at exactly 5 m around each centre (3-4-5 triangles), four of them
    listed twice (once with -0.0), all shuffled: more ties than the first search looks at."""
    rng = np.random.default_rng(8)
    ring = [(3, 4), (4, 3), (5, 0), (0, 5)]
    ring = [(sx * x, sy * y) for x, y in ring for sx in (1, -1) for sy in (1, -1)]
    centres = np.array([(x, y) for x in range(0, 300, 30) for y in range(0, 300, 30)], float)
    sites = (centres[:, None, :] + np.array(ring, dtype=float)[None]).reshape(-1, 2)
    sites = sites[rng.permutation(len(sites))]
    distance, index = nearest_straight(centres, sites, crs="planar")
    assert distance.tolist() == [5.0] * len(centres)
    assert index.tolist() == exact_planar(centres, sites)[1]


def test_known_great_circle_distances() -> None:
    sites = [[108.4, 28.9], [108.4, 27.9]]
    distance, index = nearest_straight([[108.4, 27.4], [0.0, 0.0]], sites, crs="wgs84")
    # From (0, 0) the site further north is nearer: cos d = cos(lat) cos(108.4°) < 0.
    assert index.tolist() == [1, 0]
    assert distance[0] == pytest.approx(ONE_DEGREE_M / 2, rel=1e-12)
    assert pytest.approx(111_195.08, abs=0.01) == ONE_DEGREE_M
    assert distance[1] == pytest.approx(haversine((0, 0), (108.4, 28.9)), rel=1e-12)
    equator = distances_between(
        [[0, 0], [10, 0], [0, 90]], [[1, 0], [190, 0], [0, -90]], crs="wgs84"
    )
    assert equator.tolist() == pytest.approx(
        [ONE_DEGREE_M, math.pi * EARTH_RADIUS_M, math.pi * EARTH_RADIUS_M]
    )


def test_nearly_antipodal_distances_stay_accurate() -> None:
    a = [[0.0, 0.0], [10.0, 20.0], [108.4, 27.9]]
    b = [[179.9999, 0.0], [-170.00001, -19.99999], [-71.6, -27.9 + 1e-7]]
    found = distances_between(a, b, crs="wgs84")
    for p, q, d in zip(a, b, found.tolist(), strict=True):
        assert d == pytest.approx(great_circle(p, q), rel=1e-13)


@pytest.mark.parametrize(
    ("sites", "expected"),
    [
        ([[0, 1], [0, -1]], 0),
        ([[1, 0], [-1, 0]], 0),
        ([[5, 5], [0, -1], [0, 1], [0, -1]], 1),
        ([[NAN, 0], [0, 1], [1, 0], [0, 1]], 1),
    ],
)
def test_mirror_ties_and_duplicates_pick_the_lowest_index(
    sites: list[list[float]], expected: int
) -> None:
    for crs in ("wgs84", "planar"):
        distance, index = nearest_straight([[0, 0]], sites, crs=crs)
        assert index.tolist() == [expected]
        assert distance[0] == pytest.approx(ONE_DEGREE_M if crs == "wgs84" else 1.0, rel=1e-12)


@given(CRSES, coordinate_arrays(_pair("planar"), max_rows=6))
def test_without_usable_sites_placed_points_are_infinitely_far(crs: Crs, raw: FloatArray) -> None:
    points = raw / np.array([100.0, 200.0])
    for sites in (np.empty((0, 2)), np.full((3, 2), NAN), [[NAN, 1.0]]):
        distance, index = nearest_straight(points, sites, crs=crs)
        placed = ~np.isnan(points).any(axis=1)
        assert index.tolist() == [-1] * len(points)
        assert np.isinf(distance[placed]).all()
        assert np.isnan(distance[~placed]).all()


@given(st.lists(st.tuples(_pair("wgs84"), _pair("wgs84")), min_size=1, max_size=20))
def test_distances_between_agrees_with_the_great_circle(
    pairs: list[tuple[tuple[float, float], tuple[float, float]]],
) -> None:
    a = np.array([p for p, _ in pairs])
    b = np.array([q for _, q in pairs])
    found = distances_between(a, b, crs="wgs84")
    for (p, q), d in zip(pairs, found.tolist(), strict=True):
        assert d == pytest.approx(great_circle(p, q), rel=1e-9, abs=1e-6)
        assert d == pytest.approx(haversine(p, q), rel=1e-6, abs=1e-6)


@pytest.mark.parametrize(
    ("points", "crs", "error", "words"),
    [
        ([[0.0, 0.0]], "utm", InvalidArgumentError, "crs: expected one of 'wgs84', 'planar'"),
        ([0.0, 0.0, 1.0], "planar", InvalidArgumentError, "shape (n, 2), found shape (3,)"),
        ([[0.0, 0.0, 1.0]], "planar", InvalidArgumentError, "found shape (1, 3)"),
        ([["a", "b"]], "planar", ArgumentTypeError, "points: expected an (n, 2) array"),
        ([[0.0, 0.0], [math.inf, 0.0]], "planar", InvalidArgumentError, "points row 1"),
        ([[0.0, 90.5]], "wgs84", InvalidArgumentError, "latitude 90.5 is outside [-90, 90]"),
    ],
)
def test_bad_coordinates_are_named(
    points: Any, crs: Any, error: type[Exception], words: str
) -> None:
    with pytest.raises(error) as raised:
        nearest_straight(points, [[0.0, 0.0]], crs=crs)
    assert words in str(raised.value)


def test_bad_sites_are_named() -> None:
    with pytest.raises(InvalidArgumentError, match=r"sites row 1: latitude -91\.0 is outside"):
        nearest_straight([[0.0, 0.0]], [[0.0, 1.0], [0.0, -91.0]], crs="wgs84")
    with pytest.raises(InvalidArgumentError, match="same number of rows"):
        distances_between([[0.0, 0.0]], np.zeros((2, 2)), crs="planar")


@given(
    st.lists(st.floats(0, 1e6) | st.just(NAN) | st.just(math.inf), max_size=10),
    st.floats(1, 3),
    st.floats(1, 200),
)
def test_travel_minutes_is_distance_times_detour_over_speed(
    distances: list[float], detour: float, speed: float
) -> None:
    minutes = travel_minutes(distances, detour=detour, speed_m_per_min=speed)
    assert minutes.dtype == np.float64
    expected = [d * detour / speed for d in distances]
    np.testing.assert_array_equal(minutes, expected)
    assert travel_minutes([1200.0], detour=1.25, speed_m_per_min=80.0).tolist() == [18.75]


# --- road graphs -------------------------------------------------------------------------

GRAPH_TYPES: dict[tuple[bool, bool], Callable[[], nx.Graph[Any]]] = {
    (False, False): nx.Graph,
    (True, False): nx.DiGraph,
    (False, True): nx.MultiGraph,
    (True, True): nx.MultiDiGraph,
}


@st.composite
def road_graphs(draw: st.DrawFn) -> nx.Graph[Any]:
    """Small graphs of every kind with costs in halves (zero included) and several parts.

    Shrinks to fewer nodes and edges.
    """
    graph = GRAPH_TYPES[draw(st.booleans()), draw(st.booleans())]()
    n = draw(st.integers(1, 9))
    graph.add_nodes_from(range(n))  # integers: set order, and so the search, repeats exactly
    node = st.integers(0, n - 1)
    cost = st.integers(0, 6).map(lambda k: k / 2)
    for u, v, c in draw(st.lists(st.tuples(node, node, cost), max_size=3 * n)):
        graph.add_edge(u, v, cost=c)
    return graph


def placements(graph: nx.Graph[Any], *, max_size: int) -> st.SearchStrategy[list[Hashable | None]]:
    return st.lists(st.none() | st.sampled_from(sorted(graph.nodes)), max_size=max_size)


def brute_graph(
    graph: nx.Graph[Any],
    origins: Sequence[Hashable | None],
    sources: Sequence[Hashable | None],
    weight: str | None,
) -> tuple[list[float], list[int]]:
    """One search forward from each origin; lowest index among the nearest sources."""
    costs, indices = [], []
    for origin in origins:
        if origin is None:
            costs.append(NAN)
            indices.append(-1)
            continue
        if weight is None:
            reach: dict[Any, float] = dict(nx.single_source_shortest_path_length(graph, origin))
        else:
            reach = nx.single_source_dijkstra_path_length(graph, origin, weight=weight)
        found = [(reach[s], k) for k, s in enumerate(sources) if s is not None and s in reach]
        best = min(found, default=(math.inf, -1))
        costs.append(best[0])
        indices.append(best[1])
    return costs, indices


@given(st.data(), road_graphs(), st.sampled_from(["cost", None]))
def test_nearest_on_graph_matches_one_search_per_origin(
    data: st.DataObject, graph: nx.Graph[Any], weight: str | None
) -> None:
    origins = data.draw(placements(graph, max_size=8))
    sources = data.draw(placements(graph, max_size=6))
    cost, index = nearest_on_graph(graph, origins, sources, weight=weight)
    expected_cost, expected_index = brute_graph(graph, origins, sources, weight)
    assert cost.dtype == np.float64
    assert index.dtype == np.int64
    assert index.tolist() == expected_index
    np.testing.assert_array_equal(cost, expected_cost)


def test_graph_ties_over_zero_cost_edges_pick_the_lowest_index() -> None:
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_edge("a", "b", cost=0)  # from a, b is reached at no cost
    graph.add_edge("b", "c", cost=0)
    graph.add_edge("c", "b", cost=0)
    graph.add_edge("d", "a", cost=2.5)
    graph.add_edge("e", "a", cost=math.inf)
    graph.add_node("f")
    sources = ["a", None, "c", "b", "a"]
    origins = ["a", "b", "d", "e", "f", None]
    cost, index = nearest_on_graph(graph, origins, sources, weight="cost")
    assert index.tolist() == [0, 2, 0, -1, -1, -1]
    np.testing.assert_array_equal(cost, [0, 0, 2.5, math.inf, math.inf, NAN])
    assert nearest_on_graph(graph, ["a"], [None], weight="cost")[1].tolist() == [-1]


@pytest.mark.parametrize("weight", ["cost", None])
def test_equal_paths_from_two_sources_pick_the_lowest_index(weight: str | None) -> None:
    graph: nx.Graph[str] = nx.Graph()
    graph.add_edge("m", "high", cost=2)  # listed first among the neighbours of m
    graph.add_edge("m", "low", cost=2)
    graph.add_edge("high", "x", cost=1)
    graph.add_edge("low", "x", cost=1)
    cost, index = nearest_on_graph(graph, ["m", "x"], ["low", "high"], weight=weight)
    assert index.tolist() == [0, 0]
    assert cost.tolist() == ([2.0, 1.0] if weight else [1.0, 1.0])


def test_zero_cost_ties_settled_after_the_first_pass_reach_further_nodes() -> None:
    # Node 1 is settled before node 2 (same cost 0) although 1 reaches 2 at no cost.
    graph: nx.DiGraph[int] = nx.DiGraph()
    graph.add_edge(1, 2, cost=0)
    graph.add_edge(3, 1, cost=1)
    cost, index = nearest_on_graph(graph, [1, 2, 3], [2, 1], weight="cost")
    assert cost.tolist() == [0.0, 0.0, 1.0]
    assert index.tolist() == [0, 0, 0]


def test_directed_costs_run_from_origin_to_source() -> None:
    graph: nx.DiGraph[int] = nx.DiGraph()
    graph.add_edge(1, 2, length=5.0)
    graph.add_edge(2, 1, length=9.0)
    cost, index = nearest_on_graph(graph, [1, 2], [2, 1], weight="length")
    assert cost.tolist() == [0.0, 0.0]
    assert index.tolist() == [1, 0]
    cost, _ = nearest_on_graph(graph, [1, 2], [2], weight="length")
    assert cost.tolist() == [5.0, 0.0]
    cost, _ = nearest_on_graph(graph, [2], [1], weight=None)
    assert cost.tolist() == [1.0]


@pytest.mark.parametrize(
    ("value", "error", "words"),
    [
        (-1.0, InvalidArgumentError, "edge ('b', 'c'): 'w' should be a number >= 0, found -1.0"),
        (NAN, InvalidArgumentError, "found nan"),
        (None, InvalidArgumentError, "found nothing"),
        (np.float32(-2), InvalidArgumentError, "found np.float32(-2.0)"),
        ("3", ArgumentTypeError, "found '3'"),
        (True, ArgumentTypeError, "found True"),
    ],
)
def test_bad_edge_costs_are_named(value: object, error: type[Exception], words: str) -> None:
    graph: nx.MultiGraph[str] = nx.MultiGraph()
    graph.add_edge("a", "b", w=1)
    graph.add_edge("b", "c", w=value)
    with pytest.raises(error) as raised:
        nearest_on_graph(graph, ["a"], ["c"], weight="w")
    assert words in str(raised.value)


def test_edges_without_a_cost_are_named() -> None:
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_edge("a", "b", w=1)
    graph.add_edge("b", "c")
    with pytest.raises(InvalidArgumentError, match=r"edge \('b', 'c'\): 'w' .* found nothing"):
        nearest_on_graph(graph, ["a"], ["b"], weight="w")
    cost, index = nearest_on_graph(graph, ["a"], ["c"], weight=None)
    assert (cost.tolist(), index.tolist()) == ([2.0], [0])


def test_nodes_outside_the_graph_are_named() -> None:
    graph: nx.Graph[int] = nx.path_graph(3)
    with pytest.raises(InvalidArgumentError, match=r"origins\[1\]: expected a node .* found 7"):
        nearest_on_graph(graph, [0, 7], [1], weight=None)
    with pytest.raises(InvalidArgumentError, match=r"sources\[0\]: .* found 'x'"):
        nearest_on_graph(graph, [0], ["x"], weight=None)


# --- snapping ----------------------------------------------------------------------------


@given(integer_arrays(max_rows=8), integer_arrays(max_rows=10))
def test_snap_matches_measuring_every_node(points: FloatArray, spots: FloatArray) -> None:
    graph: nx.Graph[str] = nx.Graph()
    for i, (x, y) in enumerate(spots.tolist()):
        if not (math.isnan(x) or math.isnan(y)):
            graph.add_node(f"v{i}", x=x, y=y)
    found = snap_to_nodes(graph, points, crs="planar")
    nodes = [(node, graph.nodes[node]) for node in graph]
    for (px, py), node in zip(points.tolist(), found, strict=True):
        if math.isnan(px) or math.isnan(py) or not nodes:
            assert node is None
            continue
        squared = [
            (int(d["x"] - px) ** 2 + int(d["y"] - py) ** 2, k) for k, (_, d) in enumerate(nodes)
        ]
        assert node == nodes[min(squared)[1]][0]


@given(
    coordinate_arrays(_pair("wgs84"), max_rows=6), coordinate_arrays(_pair("wgs84"), min_rows=1)
)
def test_snap_on_the_sphere_uses_the_straight_line_rule(
    points: FloatArray, spots: FloatArray
) -> None:
    whole = spots[~np.isnan(spots).any(axis=1)]
    graph: nx.Graph[int] = nx.Graph()
    graph.add_nodes_from((i, {"lon": x, "lat": y}) for i, (x, y) in enumerate(whole.tolist()))
    found = snap_to_nodes(graph, points, x="lon", y="lat", crs="wgs84")
    _, index = brute_straight(points, whole, "wgs84")
    assert found == [None if k < 0 else k for k in index]


@pytest.mark.parametrize(
    ("attributes", "error", "words"),
    [
        (
            {"x": 1.0},
            InvalidArgumentError,
            "node 'q': attribute 'y' should be a finite number, found nothing",
        ),
        ({"x": 1.0, "y": NAN}, InvalidArgumentError, "found nan"),
        ({"x": "1", "y": 2.0}, ArgumentTypeError, "attribute 'x' should be a number, found '1'"),
        ({"x": 1.0, "y": 95.0}, InvalidArgumentError, "node 'q': latitude 95.0 is outside"),
    ],
)
def test_snap_names_nodes_without_usable_coordinates(
    attributes: dict[str, Any], error: type[Exception], words: str
) -> None:
    graph: nx.Graph[str] = nx.Graph()
    graph.add_node("p", x=0.0, y=0.0)
    graph.add_node("q", **attributes)
    with pytest.raises(error) as raised:
        snap_to_nodes(graph, [[0.0, 0.0]], crs="wgs84")
    assert words in str(raised.value)
