"""service_access: the 15-minute service circle over an organisation's grids and sites."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gridorg
from gridorg import Location, Organisation, ServiceSite
from gridorg.access import RoadGraph, ServiceAccess, StraightLine, service_access

R = 6_371_008.8


def _tree(grids: int, households: int = 100) -> Organisation:
    """A street with two communities; grids G0, G1, ... in order (the first half in C1)."""
    half = (grids + 1) // 2
    records: list[dict[str, object]] = [
        {"id": "S", "tier": "street"},
        {"id": "C1", "tier": "community", "parent": "S"},
        {"id": "C2", "tier": "community", "parent": "S"},
    ]
    records += [
        {
            "id": f"G{i}",
            "tier": "grid",
            "parent": "C1" if i < half else "C2",
            "households": households + i,
        }
        for i in range(grids)
    ]
    return Organisation.from_records(records)


def _haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lon1, lat1), (lon2, lat2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(math.sqrt(h))


coordinate = st.tuples(
    st.floats(108.3, 108.5, allow_nan=False), st.floats(27.9, 28.1, allow_nan=False)
)


@given(
    grids=st.lists(st.one_of(st.none(), coordinate), min_size=1, max_size=12),
    sites=st.lists(coordinate, min_size=1, max_size=5),
    detour=st.floats(1.0, 2.0),
    speed=st.floats(40.0, 120.0),
)
def test_straight_line_minutes_equal_brute_force(
    grids: list[tuple[float, float] | None],
    sites: list[tuple[float, float]],
    detour: float,
    speed: float,
) -> None:
    org = _tree(len(grids)).with_links(
        sites=[
            ServiceSite(f"S{j}", location=Location.wgs84(lat, lon))
            for j, (lon, lat) in enumerate(sites)
        ],
        locations={
            f"G{i}": Location.wgs84(p[1], p[0]) for i, p in enumerate(grids) if p is not None
        },
    )
    result = service_access(org, travel=StraightLine(detour=detour, speed=speed))
    assert result.units == tuple(f"G{i}" for i in range(len(grids)))
    for uid, minutes, site in zip(result.units, result.minutes, result.site, strict=True):
        point = grids[int(uid[1:])]
        if point is None:
            assert math.isnan(minutes)
            assert site is None
            continue
        best = min(_haversine(point, s) for s in sites)
        assert minutes == pytest.approx(best * detour / speed, rel=1e-6, abs=1e-6)
        assert site is not None
        chosen = sites[int(site[1:])]
        assert _haversine(point, chosen) == pytest.approx(best, rel=1e-6, abs=1e-3)
    assert set(result.unplaced) == {f"G{i}" for i, p in enumerate(grids) if p is None}


def _planar(grids: list[tuple[float, float]], sites: list[tuple[float, float]]) -> Organisation:
    return _tree(len(grids)).with_links(
        sites=[
            ServiceSite(
                f"S{j}",
                kind="red_station" if j else "party_mass_centre",
                location=Location.planar(*p),
            )
            for j, p in enumerate(sites)
        ],
        locations={f"G{i}": Location.planar(*p) for i, p in enumerate(grids)},
    )


def test_planar_distances_and_coverage_by_households() -> None:
    org = _planar([(0, 0), (800, 0), (3000, 0)], [(0, 0), (1000, 0)])
    result = service_access(org, travel=StraightLine(detour=1.0, speed=100.0))
    assert result.metres.tolist() == [0.0, 200.0, 2000.0]
    assert result.minutes.tolist() == [0.0, 2.0, 20.0]
    assert result.site == ("S0", "S1", "S1")
    assert result.within().tolist() == [True, True, False]
    households = [100, 101, 102]
    assert result.coverage() == pytest.approx(sum(households[:2]) / sum(households))
    assert result.coverage(by="units") == pytest.approx(2 / 3)
    assert result.coverage(25) == 1.0
    assert result.mean() == pytest.approx(22 / 3)
    assert result.percentile(100) == 20.0
    records = result.to_records()
    assert records[2] == {
        "unit": "G2",
        "site": "S1",
        "minutes": 20.0,
        "metres": 2000.0,
        "households": 102,
    }


def test_site_kinds_filter_and_no_sites() -> None:
    org = _planar([(0, 0), (800, 0)], [(0, 0), (1000, 0)])
    only_red = service_access(org, kinds=("red_station",))
    assert only_red.site == ("S1", "S1")
    bare = _tree(2).with_links(locations={"G0": Location.planar(0, 0)})
    result = service_access(bare)
    assert math.isinf(result.minutes[0])
    assert math.isnan(result.minutes[1])
    assert result.site == (None, None)
    assert result.coverage() == 0.0


def test_road_graph_by_snapping_and_by_explicit_nodes() -> None:
    # A path road 0 - 1 - 2 - 3 with 100 m edges; node coordinates 100 m apart.
    graph: nx.Graph[int] = nx.path_graph(4)
    for node in graph:
        graph.nodes[node].update(x=100.0 * node, y=0.0)
    for u, v in graph.edges:
        graph.edges[u, v]["length"] = 100.0
    graph.add_edge(0, 3, length=1000.0)  # a long way round
    org = _planar([(0, 0), (290, 10)], [(310, 0)])
    snapped = service_access(org, travel=RoadGraph(graph, speed=50.0))
    assert snapped.metres.tolist() == [300.0, 0.0]
    assert snapped.minutes.tolist() == [6.0, 0.0]
    explicit = service_access(
        org, travel=RoadGraph(graph, nodes={"G0": 0, "G1": 1, "S0": 3}, speed=50.0)
    )
    assert explicit.metres.tolist() == [300.0, 200.0]


def test_road_graph_agrees_with_networkx_shortest_paths() -> None:
    rng = np.random.default_rng(3)
    graph = nx.grid_2d_graph(6, 6)
    graph = nx.convert_node_labels_to_integers(graph, label_attribute="cell")
    for u, v in graph.edges:
        graph.edges[u, v]["length"] = float(rng.integers(50, 150))
    for node in graph:
        graph.nodes[node]["x"], graph.nodes[node]["y"] = map(float, graph.nodes[node]["cell"])
    grid_nodes = [int(n) for n in rng.choice(36, size=8, replace=False)]
    site_nodes = [3, 20]
    org = _tree(8).with_links(sites=[ServiceSite("S0"), ServiceSite("S1")])
    nodes = {f"G{i}": n for i, n in enumerate(grid_nodes)} | {"S0": 3, "S1": 20}
    result = service_access(org, travel=RoadGraph(graph, nodes=nodes, speed=1.0))
    for i, n in enumerate(grid_nodes):
        expected = min(nx.shortest_path_length(graph, n, s, weight="length") for s in site_nodes)
        assert result.minutes[i] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"travel": "walk"}, gridorg.ArgumentTypeError),
        ({"tier": "county"}, gridorg.UnknownTierError),
        ({"threshold": 0}, gridorg.InvalidArgumentError),
        ({"threshold": float("nan")}, gridorg.InvalidArgumentError),
        ({"kinds": ("castle",)}, gridorg.InvalidArgumentError),
        ({"kinds": "red_station"}, gridorg.ArgumentTypeError),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        service_access(_tree(1), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "text"),
    [
        (lambda: StraightLine(detour=0.9), "at least 1"),
        (lambda: StraightLine(speed=0), "positive"),
        (lambda: StraightLine(speed=float("inf")), "finite"),
        (lambda: RoadGraph({"not": "a graph"}), "networkx graph"),  # type: ignore[arg-type]
    ],
)
def test_bad_travel_models(make: object, text: str) -> None:
    with pytest.raises(gridorg.InvalidArgumentError, match=text):
        make()  # type: ignore[operator]


def test_unknown_node_in_explicit_mapping() -> None:
    graph: nx.Graph[int] = nx.path_graph(2)
    org = _tree(1).with_links(sites=[ServiceSite("S0")])
    with pytest.raises(gridorg.InvalidArgumentError, match="places 'G0' on node 7"):
        service_access(org, travel=RoadGraph(graph, nodes={"G0": 7, "S0": 0}))


def test_result_display_and_pandas() -> None:
    result = service_access(_planar([(0, 0)], [(0, 0)]))
    assert isinstance(result, ServiceAccess)
    assert "100.0% of households within 15 minutes" in repr(result)
    frame = result.to_pandas()
    assert frame.loc["G0", "site"] == "S0"
