"""Base layers, functional networks, diagnose, malformed inputs, and their strategies."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from gridorg import (
    NETWORK_KINDS,
    ArgumentTypeError,
    BaseLayer,
    FunctionalNetwork,
    GridorgError,
    InvalidArgumentError,
    NetworkError,
    UnknownUnitError,
    diagnose,
    merge_networks,
)
from gridorg.merge import adopt_network
from gridorg.strategies import base_layers, functional_networks

# A small town: community A is the path a1 - a2 - a3, community B the pair b1 - b2, and a3
# touches b1 across the boundary.
RECORDS: list[dict[str, Any]] = [
    {"id": "a1", "community": "A", "households": 30},
    {"id": "a2", "community": "A", "households": 20},
    {"id": "b1", "community": "B", "households": 40},
    {"id": "a3", "community": "A", "households": 50},
    {"id": "b2", "community": "B", "households": 0},
]
EDGES = [("a1", "a2"), ("a2", "a3"), ("b1", "b2"), ("a3", "b1")]


@pytest.fixture
def base() -> BaseLayer:
    return BaseLayer.from_records(RECORDS, EDGES)


def neighbour_ids(layer: BaseLayer, uid: str) -> set[str]:
    return {layer.ids[k] for k in layer.neighbours(layer.index(uid)).tolist()}


# ---------------------------------------------------------------------- base layers


def test_base_layer_keeps_units_in_order(base: BaseLayer) -> None:
    assert base.ids == ("a1", "a2", "b1", "a3", "b2")
    assert list(base) == list(base.ids)
    assert len(base) == 5
    assert base.communities == ("A", "B")
    assert base.community_of.tolist() == [0, 0, 1, 0, 1]
    assert base.households.tolist() == [30, 20, 40, 50, 0]
    assert base.xy is None
    assert base.crs is None
    assert "a3" in base
    assert "c9" not in base
    assert 3 not in base
    assert [base.index(uid) for uid in base.ids] == [0, 1, 2, 3, 4]


def test_base_layer_adjacency(base: BaseLayer) -> None:
    assert base.edge_count == 4
    assert neighbour_ids(base, "a3") == {"a2", "b1"}
    assert neighbour_ids(base, "b2") == {"b1"}
    offsets, neighbours = base.csr
    assert offsets.tolist() == [0, 1, 3, 5, 7, 8]
    for k in range(len(base)):  # each row sorted, and every pair listed both ways
        row = neighbours[offsets[k] : offsets[k + 1]].tolist()
        assert row == sorted(row)
        assert all(k in neighbours[offsets[m] : offsets[m + 1]].tolist() for m in row)
    graph = base.adjacency()
    assert isinstance(graph, nx.Graph)
    assert {frozenset(e) for e in graph.edges()} == {frozenset(e) for e in EDGES}
    assert graph.nodes["b1"] == {"community": "B", "households": 40}
    assert "5 units in 2 communities, 140 households, 4 adjacent pairs" in repr(base)


def test_base_layer_accepts_a_graph_and_repeated_pairs() -> None:
    graph: nx.Graph[str] = nx.Graph(EDGES)
    from_graph = BaseLayer.from_records(RECORDS, graph)
    repeated = BaseLayer.from_records(RECORDS, [*EDGES, ("a2", "a1"), ["a1", "a2"]])
    assert from_graph == repeated == BaseLayer.from_records(RECORDS, EDGES)
    assert repeated.edge_count == 4


def test_base_layer_defaults_and_locations() -> None:
    layer = BaseLayer.from_records(
        [
            {"id": "x", "community": "C", "location": {"x": 10.0, "y": -5.5, "crs": "planar"}},
            {"id": "y", "community": "C", "households": np.int64(7)},
        ]
    )
    assert layer.households.tolist() == [0, 7]
    assert layer.crs == "planar"
    assert layer.xy is not None
    assert layer.xy[0].tolist() == [10.0, -5.5]
    assert np.isnan(layer.xy[1]).all()
    assert layer.edge_count == 0
    assert layer.neighbours(0).tolist() == []
    empty = BaseLayer.from_records([])
    assert len(empty) == 0
    assert empty.communities == ()


def test_base_layer_index_of_an_unknown_unit(base: BaseLayer) -> None:
    with pytest.raises(UnknownUnitError, match="'zz'") as caught:
        base.index("zz")
    assert isinstance(caught.value, KeyError)


def test_base_layers_compare_by_value(base: BaseLayer) -> None:
    assert base == BaseLayer.from_records(RECORDS, EDGES)
    assert hash(base) == hash(BaseLayer.from_records(RECORDS, EDGES))
    assert base != BaseLayer.from_records(RECORDS, EDGES[:-1])
    assert base != BaseLayer.from_records([{**r, "households": 1} for r in RECORDS], EDGES)


# ---------------------------------------------------------------------- functional networks


def test_functional_network_fields() -> None:
    network = FunctionalNetwork("health", {"h1": ["a1", "a2"], "h2": ("b1",)})
    assert network.cells == {"h1": ("a1", "a2"), "h2": ("b1",)}
    assert network.label == "卫生健康"
    assert network.to_record() == {
        "kind": "health",
        "name": "",
        "cells": {"h1": ["a1", "a2"], "h2": ["b1"]},
    }
    assert repr(network) == "<FunctionalNetwork health: 2 cells over 3 unit memberships>"
    custom = FunctionalNetwork("fire_safety", {}, name="消防")
    assert custom.label == "消防"
    assert FunctionalNetwork("fire_safety", {}).label == "fire_safety"
    assert network == FunctionalNetwork("health", {"h1": ("a1", "a2"), "h2": ["b1"]})
    assert hash(network) == hash(FunctionalNetwork("health", {"h1": ["a1", "a2"], "h2": ["b1"]}))
    assert network != FunctionalNetwork("health", {"h1": ["a1", "a2"]})
    assert network != FunctionalNetwork("civil_affairs", network.cells)


def test_network_kinds_are_the_central_list() -> None:
    assert len(NETWORK_KINDS) == 9
    assert NETWORK_KINDS["party_building"] == "党建"
    assert all(kind.isidentifier() and kind == kind.lower() for kind in NETWORK_KINDS)


# ---------------------------------------------------------------------- diagnose


def test_diagnose_a_seamless_network_with_a_crossing_cell(base: BaseLayer) -> None:
    party = FunctionalNetwork(
        "party_building", {"P1": ["a1", "a2"], "P2": ["a3", "b1"], "P3": ["b2"]}
    )
    (found,) = diagnose([party], base)
    assert found.kind == "party_building"
    assert found.gaps == ()
    assert dict(found.overlaps) == {}
    assert found.seamless
    assert found.crossing == ("P2",)
    assert found.disconnected == ()
    assert found.sizes.tolist() == [50, 90, 0]
    p2 = found.cells[1]
    assert (p2.cell, p2.units, p2.households, p2.communities, p2.pieces) == (
        "P2",
        2,
        90,
        ("A", "B"),
        1,
    )


def test_diagnose_gaps_overlaps_and_pieces(base: BaseLayer) -> None:
    environment = FunctionalNetwork("environment", {"E1": ["a1", "a3"], "E2": ["a2", "a3", "a2"]})
    party = FunctionalNetwork("party_building", {"P1": list(base.ids)})
    found = diagnose([party, environment], base)
    assert [d.kind for d in found] == ["party_building", "environment"]
    env = found[1]
    assert env.gaps == ("b1", "b2")
    assert dict(env.overlaps) == {"a3": ("E1", "E2")}
    assert not env.seamless
    assert env.crossing == ()
    assert env.disconnected == ("E1",)
    assert [(c.units, c.households, c.pieces) for c in env.cells] == [(2, 80, 2), (2, 70, 1)]
    assert env.sizes.tolist() == [80, 70]
    assert found[0].crossing == ("P1",)
    assert found[0].cells[0].pieces == 1


def brute_diagnosis(network: FunctionalNetwork, layer: BaseLayer) -> dict[str, Any]:
    """gaps, overlaps, crossing, disconnected and (households, pieces) per cell, by networkx."""
    graph = layer.adjacency()
    community = nx.get_node_attributes(graph, "community")
    households = nx.get_node_attributes(graph, "households")
    holders: dict[str, list[str]] = {uid: [] for uid in layer.ids}
    cells = {}
    for cell, units in network.cells.items():
        distinct = set(units)
        for uid in distinct:
            holders[uid].append(cell)
        cells[cell] = (
            sum(households[u] for u in distinct),
            nx.number_connected_components(graph.subgraph(distinct)),
            tuple(sorted({community[u] for u in distinct})),
        )
    return {
        "gaps": tuple(uid for uid in layer.ids if not holders[uid]),
        "overlaps": {uid: tuple(c) for uid, c in holders.items() if len(c) > 1},
        "crossing": tuple(c for c, v in cells.items() if len(v[2]) > 1),
        "disconnected": tuple(c for c, v in cells.items() if v[1] > 1),
        "cells": cells,
    }


@given(st.data())
def test_diagnose_matches_brute_force(data: st.DataObject) -> None:
    layer = data.draw(base_layers(connected=data.draw(st.booleans())))
    networks = data.draw(functional_networks(layer))
    for network, found in zip(networks, diagnose(networks, layer), strict=True):
        expected = brute_diagnosis(network, layer)
        assert found.kind == network.kind
        assert found.gaps == expected["gaps"]
        assert {u: set(c) for u, c in found.overlaps.items()} == {
            u: set(c) for u, c in expected["overlaps"].items()
        }
        assert found.crossing == expected["crossing"]
        assert found.disconnected == expected["disconnected"]
        assert {c.cell: (c.households, c.pieces, c.communities) for c in found.cells} == expected[
            "cells"
        ]
        assert found.seamless == (not expected["gaps"] and not expected["overlaps"])


@given(base_layers(locations=True))
def test_base_layers_rebuild_from_their_own_records(layer: BaseLayer) -> None:
    assert layer.xy is not None
    rows = [
        {
            "id": uid,
            "community": layer.communities[int(layer.community_of[k])],
            "households": int(layer.households[k]),
            "location": {"x": float(layer.xy[k, 0]), "y": float(layer.xy[k, 1]), "crs": "planar"},
        }
        for k, uid in enumerate(layer.ids)
    ]
    assert BaseLayer.from_records(rows, layer.adjacency()) == layer


# ---------------------------------------------------------------------- malformed inputs


def _fine() -> BaseLayer:
    return BaseLayer.from_records(RECORDS, EDGES)


def _with(**changes: Any) -> list[dict[str, Any]]:
    """The records with the second record changed (a value of ``None`` drops the field)."""
    second = {**RECORDS[1], **changes}
    return [RECORDS[0], {k: v for k, v in second.items() if v is not None}, *RECORDS[2:]]


def _merge(networks: Any = (), **options: Any) -> Any:
    arguments: dict[str, Any] = {"min_households": 10, "max_households": 100, **options}
    return merge_networks(networks, _fine(), **arguments)


HEALTH = FunctionalNetwork("health", {"h1": ["a1", "a2"]})
NOT_RECORDS: Any = {"id": "a1"}
NOT_A_RECORD: Any = ["b3", "B", 5]

#: (call, error class, problem code or None, fragments the message must contain)
MALFORMED: list[tuple[Callable[[], Any], type[Exception], str | None, tuple[str, ...]]] = [
    # base layers
    (lambda: BaseLayer.from_records(NOT_RECORDS), ArgumentTypeError, None, ("dict",)),
    (
        lambda: BaseLayer.from_records([*RECORDS, NOT_A_RECORD]),
        NetworkError,
        "invalid_record",
        ("base unit 5", "list"),
    ),
    (
        lambda: BaseLayer.from_records(_with(floors=6)),
        NetworkError,
        "unknown_field",
        ("floors",),
    ),
    (
        lambda: BaseLayer.from_records(_with(id=None)),
        NetworkError,
        "invalid_id",
        ("base unit 1", "id"),
    ),
    (
        lambda: BaseLayer.from_records(_with(community=None)),
        NetworkError,
        "invalid_community",
        ("'a2'", "community"),
    ),
    (
        lambda: BaseLayer.from_records(_with(households=-3)),
        NetworkError,
        "invalid_households",
        ("'a2'", "-3"),
    ),
    (
        lambda: BaseLayer.from_records(_with(households=2.5)),
        NetworkError,
        "invalid_households",
        ("'a2'", "2.5"),
    ),
    (
        lambda: BaseLayer.from_records(_with(location="north gate")),
        NetworkError,
        "invalid_location",
        ("'a2'", "north gate"),
    ),
    (
        lambda: BaseLayer.from_records(_with(id="a1")),
        NetworkError,
        "duplicate_id",
        ("'a1'", "twice"),
    ),
    (
        lambda: BaseLayer.from_records(RECORDS, [*EDGES, ("a1", "q7")]),
        NetworkError,
        "unknown_unit",
        ("'q7'",),
    ),
    (
        lambda: BaseLayer.from_records(RECORDS, [*EDGES, ("b2", "b2")]),
        NetworkError,
        "self_loop",
        ("'b2'",),
    ),
    (lambda: BaseLayer.from_records(RECORDS, "a1-a2"), ArgumentTypeError, None, ("str",)),
    (
        lambda: BaseLayer.from_records(RECORDS, [("a1", "a2", "a3")]),
        ArgumentTypeError,
        None,
        ("adjacency item 0", "('a1', 'a2', 'a3')"),
    ),
    # functional networks
    (
        lambda: FunctionalNetwork("Civil Affairs", {}),
        InvalidArgumentError,
        None,
        ("Civil Affairs",),
    ),
    (lambda: FunctionalNetwork(7, {}), InvalidArgumentError, None, ("7",)),
    (lambda: FunctionalNetwork("health", [["a1"]]), ArgumentTypeError, None, ("list",)),
    (lambda: FunctionalNetwork("health", {"h1": "a1"}), ArgumentTypeError, None, ("'h1'", "'a1'")),
    (
        lambda: FunctionalNetwork("health", {"h1": ["a1", 3]}),
        ArgumentTypeError,
        None,
        ("'h1'", "3"),
    ),
    (lambda: FunctionalNetwork("health", {" h1": ["a1"]}), InvalidArgumentError, None, ("' h1'",)),
    # merging
    (
        lambda: _merge([FunctionalNetwork("health", {"h1": ["a1", "zz9"]})]),
        NetworkError,
        "unknown_unit",
        ("'health'", "'h1'", "'zz9'"),
    ),
    (
        lambda: diagnose([FunctionalNetwork("health", {"h2": ["q1"]})], _fine()),
        NetworkError,
        "unknown_unit",
        ("'h2'", "'q1'"),
    ),
    (
        lambda: _merge([HEALTH, FunctionalNetwork("health", {})]),
        NetworkError,
        "duplicate_network",
        ("'health'", "networks[1]"),
    ),
    (lambda: _merge(min_households=200), InvalidArgumentError, None, ("200", "100")),
    (lambda: _merge(min_households=-1), InvalidArgumentError, None, ("min_households", "-1")),
    (lambda: _merge(max_households=-5), InvalidArgumentError, None, ("max_households", "-5")),
    (
        lambda: _merge(min_households=0, max_households=0),
        InvalidArgumentError,
        None,
        ("max_households",),
    ),
    (lambda: _merge(min_households=10.5), ArgumentTypeError, None, ("min_households", "10.5")),
    (
        lambda: merge_networks(
            [], BaseLayer.from_records(RECORDS, EDGES[:2]), min_households=1, max_households=9
        ),
        NetworkError,
        "disconnected_community",
        ("'B'", "contiguous=False"),
    ),
    (
        lambda: _merge([HEALTH], weights={"petitions": 2}),
        InvalidArgumentError,
        None,
        ("petitions",),
    ),
    (
        lambda: _merge([HEALTH], weights={"health": -1}),
        InvalidArgumentError,
        None,
        ("'health'", "-1"),
    ),
    (
        lambda: _merge([HEALTH], weights={"health": math.nan}),
        InvalidArgumentError,
        None,
        ("'health'", "nan"),
    ),
    (lambda: _merge([HEALTH], weights=[2.0]), ArgumentTypeError, None, ("list",)),
    (lambda: _merge(respect=("street",)), InvalidArgumentError, None, ("street",)),
    (lambda: _merge(respect="community"), ArgumentTypeError, None, ("'community'",)),
    (lambda: _merge(contiguous="yes"), ArgumentTypeError, None, ("'yes'",)),
    (lambda: _merge(HEALTH), ArgumentTypeError, None, ("FunctionalNetwork",)),
    (lambda: _merge(["health"]), ArgumentTypeError, None, ("networks[0]", "str")),
    (
        lambda: merge_networks([], RECORDS, min_households=1, max_households=9),  # type: ignore[arg-type]
        ArgumentTypeError,
        None,
        ("BaseLayer", "list"),
    ),
    (
        lambda: adopt_network([HEALTH], _fine(), "petitions", min_households=1, max_households=9),
        InvalidArgumentError,
        None,
        ("'petitions'", "'health'"),
    ),
]


@pytest.mark.parametrize(("call", "error", "code", "fragments"), MALFORMED)
def test_malformed_inputs_get_clear_errors(
    call: Callable[[], Any], error: type[Exception], code: str | None, fragments: tuple[str, ...]
) -> None:
    with pytest.raises(error) as caught:
        call()
    assert isinstance(caught.value, GridorgError)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message
    if code is not None:
        assert isinstance(caught.value, NetworkError)
        assert caught.value.codes == (code,)
    assert "\x00" not in message


def test_every_problem_is_reported_at_once() -> None:
    rows = [*_with(households=-1), {"id": "a1", "community": "A"}, {"id": "c1"}]
    with pytest.raises(NetworkError) as caught:
        BaseLayer.from_records(rows, [("a1", "nowhere"), ("a2", "a2")])
    assert caught.value.codes == (
        "invalid_households",
        "invalid_community",
        "duplicate_id",
        "unknown_unit",
        "self_loop",
    )
    assert caught.value.problems[0].unit == "a2"
    assert caught.value.problems[0].index == 1


def test_problems_about_a_record_without_a_valid_id_name_its_position() -> None:
    # The record's position stands in for its id; no placeholder reaches the message.
    with pytest.raises(NetworkError) as caught:
        BaseLayer.from_records([{"id": "", "community": "", "households": -1}])
    for problem in caught.value.problems:
        assert "base unit 0" in problem.message
        assert "\x00" not in problem.message
        assert problem.unit is None or "\x00" not in problem.unit


def test_mixed_coordinate_systems_name_a_unit_of_each() -> None:
    with pytest.raises(NetworkError) as caught:
        BaseLayer.from_records(
            [
                {"id": "p1", "community": "A", "location": {"x": 1.0, "y": 2.0, "crs": "planar"}},
                {"id": "w1", "community": "A", "location": (108.4, 27.9)},
            ]
        )
    assert caught.value.codes == ("mixed_crs",)
    assert "'p1'" in str(caught.value)
    assert "'w1'" in str(caught.value)


@pytest.mark.parametrize("seed", [-1, "seven", 1.5])
def test_a_bad_seed_is_an_argument_error(seed: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="seed"):
        _merge(seed=seed)


def test_respect_nothing_reports_the_whole_layer_split() -> None:
    layer = BaseLayer.from_records(RECORDS, EDGES[:3])
    with pytest.raises(NetworkError) as caught:
        merge_networks([], layer, min_households=1, max_households=99, respect=())
    assert caught.value.codes == ("disconnected_community",)
    problem = caught.value.problems[0]
    assert "community 'the base layer'" not in problem.message
    assert problem.unit is None or problem.unit in layer.communities


# ---------------------------------------------------------------------- strategies


#: Searches with ``find`` repeat exactly from run to run.
REPEATABLE = settings(derandomize=True, database=None)


def communities_connected(layer: BaseLayer) -> bool:
    graph = layer.adjacency()
    return all(
        nx.is_connected(graph.subgraph([u for u in layer.ids if graph.nodes[u]["community"] == c]))
        for c in layer.communities
    )


@given(base_layers())
def test_base_layers_are_valid(layer: BaseLayer) -> None:
    assert 1 <= len(layer) <= 40
    assert 1 <= len(layer.communities) <= 4
    assert len(set(layer.ids)) == len(layer)
    assert all(0 <= h <= 300 for h in layer.households.tolist())
    assert layer.xy is None
    assert layer.crs is None
    for k, uid in enumerate(layer.ids):
        assert uid.split(".")[0] == layer.communities[int(layer.community_of[k])]
    assert communities_connected(layer)


@given(st.data())
def test_base_layers_respect_their_sizes(data: st.DataObject) -> None:
    low_c = data.draw(st.integers(1, 5))
    high_c = data.draw(st.integers(low_c, 8))
    low_u = data.draw(st.integers(1, 30))
    high_u = data.draw(st.integers(max(low_u, low_c), 60))
    layer = data.draw(
        base_layers(
            min_communities=low_c,
            max_communities=high_c,
            min_units=low_u,
            max_units=high_u,
            locations=True,
        )
    )
    assert low_c <= len(layer.communities) <= high_c
    assert low_u <= len(layer) <= high_u
    assert layer.crs == "planar"
    assert layer.xy is not None
    assert not np.isnan(layer.xy).any()


def test_base_layers_reach_split_communities_and_typical_sizes() -> None:
    small = base_layers(max_units=8)
    split = find(
        base_layers(max_units=8, connected=False),
        lambda layer: not communities_connected(layer),
        settings=REPEATABLE,
    )
    assert len(split) == 2  # two units of one community, not adjacent
    assert split.edge_count == 0
    assert split.households.tolist() == [10, 10]
    crossing = find(
        small,
        lambda layer: any(
            layer.community_of[k] != layer.community_of[m]
            for k in range(len(layer))
            for m in layer.neighbours(k).tolist()
        ),
        settings=REPEATABLE,
    )
    assert len(crossing) <= 3
    assert crossing.edge_count == 1
    big = find(small, lambda layer: int(layer.households.max()) > 80, settings=REPEATABLE)
    assert len(big) == 1
    assert big.households.tolist() == [81]


def kinds_of(networks: Sequence[FunctionalNetwork]) -> list[str]:
    return [n.kind for n in networks]


@given(st.data())
def test_functional_networks_are_valid(data: st.DataObject) -> None:
    layer = data.draw(base_layers(connected=data.draw(st.booleans())))
    flags = {name: data.draw(st.booleans()) for name in ("gaps", "overlaps", "crossing")}
    networks = data.draw(
        functional_networks(
            layer, gaps=flags["gaps"], overlaps=flags["overlaps"], crossing=flags["crossing"]
        )
    )
    assert 1 <= len(networks) <= 4
    assert len(set(kinds_of(networks))) == len(networks)
    assert set(kinds_of(networks)) <= set(NETWORK_KINDS)
    for network, found in zip(networks, diagnose(networks, layer), strict=True):
        assert all(units for units in network.cells.values())
        assert all(uid in layer for units in network.cells.values() for uid in units)
        if not flags["gaps"]:
            assert found.gaps == ()
        if not flags["overlaps"]:
            assert dict(found.overlaps) == {}
        if not flags["crossing"]:
            assert found.crossing == ()
        if not any(flags.values()):
            assert found.disconnected == ()


@given(st.data())
def test_functional_networks_of_given_kinds(data: st.DataObject) -> None:
    layer = data.draw(base_layers(max_units=8))
    kinds = ["fire_safety", "health", "lanes"]
    networks = data.draw(functional_networks(layer, kinds=kinds, min_networks=2, max_networks=9))
    assert 2 <= len(networks) <= 3
    assert set(kinds_of(networks)) <= set(kinds)
    assert data.draw(functional_networks(layer, min_networks=0, max_networks=0)) == []


@st.composite
def layers_with_networks(draw: st.DrawFn) -> tuple[BaseLayer, list[FunctionalNetwork]]:
    layer = draw(base_layers(max_units=12))
    return layer, draw(functional_networks(layer))


@pytest.mark.parametrize("finding", ["gaps", "overlaps", "crossing", "disconnected"])
def test_functional_networks_reach_what_departments_draw(finding: str) -> None:
    def has(case: tuple[BaseLayer, list[FunctionalNetwork]]) -> bool:
        layer, networks = case
        return any(bool(getattr(d, finding)) for d in diagnose(networks, layer))

    # Reach only: the first example found, without shrinking it.
    quick = settings(max_examples=500, phases=[Phase.generate], database=None, derandomize=True)
    layer, networks = find(layers_with_networks(), has, settings=quick)
    assert has((layer, networks))


def test_functional_networks_shrink_to_one_cell_per_community() -> None:
    layer = BaseLayer.from_records(
        [{"id": f"u{k}", "community": "A" if k < 4 else "B"} for k in range(7)],
        [("u0", "u1"), ("u1", "u2"), ("u2", "u3"), ("u3", "u4"), ("u4", "u5"), ("u5", "u6")],
    )
    networks = find(functional_networks(layer), lambda found: True, settings=REPEATABLE)
    assert networks == [
        FunctionalNetwork(
            "party_building",
            {"party_building-1": ("u0", "u1", "u2", "u3"), "party_building-2": ("u4", "u5", "u6")},
        )
    ]


BAD_ARGUMENTS: list[tuple[Callable[[], st.SearchStrategy[Any]], str]] = [
    (lambda: base_layers(min_communities=0), "min_communities"),
    (lambda: base_layers(min_communities=3, max_communities=2), "min_communities=3"),
    (lambda: base_layers(min_units=0), "min_units"),
    (lambda: base_layers(min_units=5, max_units=4), "min_units=5 is greater than max_units=4"),
    (lambda: base_layers(min_communities=5, max_units=4), "min_communities=5"),
    (lambda: base_layers(max_units=2.5), "max_units"),  # type: ignore[arg-type]
    (lambda: base_layers(connected=1), "connected"),  # type: ignore[arg-type]
    (lambda: base_layers(locations="planar"), "locations"),  # type: ignore[arg-type]
    (lambda: functional_networks(RECORDS), "base must be a BaseLayer"),  # type: ignore[arg-type]
    (lambda: functional_networks(_fine(), kinds="health"), "kinds"),
    (lambda: functional_networks(_fine(), kinds=[]), "at least one"),
    (lambda: functional_networks(_fine(), kinds=["Health"]), "'Health'"),
    (lambda: functional_networks(_fine(), min_networks=-1), "min_networks"),
    (lambda: functional_networks(_fine(), min_networks=3, max_networks=1), "min_networks=3"),
    (lambda: functional_networks(_fine(), kinds=["a", "b"], min_networks=3), "2 kinds"),
    (lambda: functional_networks(_fine(), gaps=None), "gaps"),  # type: ignore[arg-type]
    (lambda: functional_networks(_fine(), overlaps=0), "overlaps"),  # type: ignore[arg-type]
    (lambda: functional_networks(_fine(), crossing="no"), "crossing"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("make", "message"), BAD_ARGUMENTS)
def test_strategy_bad_arguments_raise_when_used(
    make: Callable[[], st.SearchStrategy[Any]], message: str
) -> None:
    strategy = make()

    @given(strategy)
    def use(value: Any) -> None:
        raise AssertionError  # pragma: no cover - never reached

    with pytest.raises(InvalidArgument, match=message) as caught:
        use()
    assert isinstance(caught.value, InvalidArgumentError)
