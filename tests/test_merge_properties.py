"""The acceptance properties of merge_networks, over base_layers() and functional_networks().

Every property is checked against a plain-Python reading of the result: the adjacency comes
from ``BaseLayer.adjacency()`` (networkx) and sums are taken over dicts of the records, so
that the merge's numpy code is checked against something that shares none of its machinery.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridorg import (
    BaseLayer,
    FunctionalNetwork,
    MergeResult,
    NetworkError,
    Organisation,
    merge_networks,
)
from gridorg.merge import adopt_network, finest_overlay, greedy_growing
from gridorg.strategies import base_layers, functional_networks

# ---------------------------------------------------------------------- plain references


def neighbours_of(base: BaseLayer) -> dict[str, set[str]]:
    """Each unit's neighbours, read from the networkx graph."""
    graph = base.adjacency()
    return {uid: set(graph.neighbors(uid)) for uid in base.ids}


def community_of(base: BaseLayer) -> dict[str, str]:
    return {uid: base.communities[int(base.community_of[k])] for k, uid in enumerate(base.ids)}


def households_of(base: BaseLayer) -> dict[str, int]:
    return {uid: int(base.households[k]) for k, uid in enumerate(base.ids)}


def connected(units: Iterable[str], adjacent: Mapping[str, set[str]]) -> bool:
    """Whether ``units`` form one piece in the adjacency restricted to them."""
    inside = set(units)
    if not inside:
        return True
    start = next(iter(inside))
    seen = {start}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        for v in adjacent[u] & inside:
            if v not in seen:
                seen.add(v)
                queue.append(v)
    return seen == inside


def grid_of(result: MergeResult) -> dict[str, str]:
    return {uid: grid for grid, units in result.grids.items() for uid in units}


def reference_crosswalk(result: MergeResult) -> dict[str, dict[str, dict[str, int]]]:
    """The crosswalk summed unit by unit (each distinct unit of a cell once)."""
    where = grid_of(result)
    size = households_of(result.base)
    out: dict[str, dict[str, dict[str, int]]] = {}
    for network in result.networks:
        table: dict[str, dict[str, int]] = {}
        for cell, units in network.cells.items():
            shared: dict[str, int] = {}
            for uid in set(units):
                shared[where[uid]] = shared.get(where[uid], 0) + size[uid]
            table[cell] = shared
        out[network.kind] = table
    return out


# ---------------------------------------------------------------------- scenarios


@attrs.frozen
class Scenario:
    """A base layer, networks and the merge options drawn for them."""

    base: BaseLayer
    networks: list[FunctionalNetwork]
    options: dict[str, Any]

    def merge(self) -> MergeResult:
        return merge_networks(self.networks, self.base, **self.options)


@st.composite
def bounds(draw: st.DrawFn) -> tuple[int, int]:
    """Size bounds near what units of 10 to 80 households make: a few units a grid."""
    low = draw(st.integers(0, 300))
    return low, draw(st.integers(max(low, 1), low + 400))


@st.composite
def scenarios(draw: st.DrawFn, *, respect_community: bool | None = None) -> Scenario:
    """Merge inputs whose contiguity demands the adjacency can meet."""
    contiguous = draw(st.booleans())
    if respect_community is None:
        respect_community = draw(st.booleans())
    # With contiguous=False the layer may fall apart anywhere; with respect=() and
    # contiguous=True the whole layer must be one piece, so it is one community there.
    base = draw(
        base_layers(
            connected=contiguous or draw(st.booleans()),
            max_communities=4 if respect_community or not contiguous else 1,
        )
    )
    networks = draw(functional_networks(base))
    low, high = draw(bounds())
    weights = {
        n.kind: draw(st.sampled_from([0, 0.5, 1, 2, 5])) for n in networks if draw(st.booleans())
    }
    options = {
        "min_households": low,
        "max_households": high,
        "respect": ("community",) if respect_community else (),
        "contiguous": contiguous,
        "weights": weights or None,
        "seed": draw(st.integers(0, 2**32)),
    }
    return Scenario(base, networks, options)


# ---------------------------------------------------------------------- properties


def check_partition(result: MergeResult, *, by_community: bool, contiguous: bool) -> None:
    """The grids partition the base units, cross no community when asked, are connected when
    asked, and the grid tables agree with the assignment."""
    base = result.base
    grids = result.grids
    assert list(grids) == list(result.grid_ids)
    assert len(set(result.grid_ids)) == len(result.grid_ids)
    listed = [uid for units in grids.values() for uid in units]
    assert sorted(listed) == sorted(base.ids)
    assert all(units for units in grids.values())
    assert len(result.assignment) == len(base)
    community = community_of(base)
    size = households_of(base)
    adjacent = neighbours_of(base)
    for grid, units in grids.items():
        touched = {community[uid] for uid in units}
        if by_community:
            assert touched == {result.community[grid]}
        else:
            assert result.community[grid] in touched
        if contiguous:
            assert connected(units, adjacent), grid
        assert result.households[grid] == sum(size[uid] for uid in units)
    assert result.report.grids == len(grids)


def check_bounds(result: MergeResult, *, by_community: bool, contiguous: bool) -> None:
    """Every grid is within the bounds or named in ``infeasible``; every one named is outside
    them, for the reason given, and no neighbour could have taken it within the bounds."""
    low, high = result.bounds
    base = result.base
    size = households_of(base)
    community = community_of(base)
    adjacent = neighbours_of(base)
    where = grid_of(result)
    in_community: dict[str, int] = {}
    for uid, c in community.items():
        in_community[c] = in_community.get(c, 0) + size[uid]
    outside = {g for g, h in result.households.items() if not low <= h <= high}
    assert set(result.infeasible) == outside
    assert result.report.outside_bounds == len(outside)
    grids = result.grids
    for grid in outside:
        reason = result.infeasible[grid]
        assert isinstance(reason, str)
        assert reason
        h = result.households[grid]
        units = grids[grid]
        if h > high:
            # Only a single unit above the maximum may stay above it.
            assert len(units) == 1, (grid, units)
            assert units[0] in reason
            continue
        # Below the minimum: no grid it could join stays within the maximum.
        mine = community[units[0]]
        if contiguous:
            touching = {where[v] for uid in units for v in adjacent[uid]} - {grid}
        else:
            touching = set(grids) - {grid}
        if by_community:
            touching = {g for g in touching if result.community[g] == mine}
        joinable = [g for g in touching if h + result.households[g] <= high]
        assert not joinable, (grid, h, joinable)
        if by_community and in_community[mine] < low:
            assert grids[grid] == tuple(uid for uid in base.ids if community[uid] == mine)
            assert repr(mine) in reason


@given(scenarios())
def test_merge_is_a_partition_within_bounds_or_reported(scenario: Scenario) -> None:
    by_community = scenario.options["respect"] == ("community",)
    contiguous = scenario.options["contiguous"]
    result = scenario.merge()
    check_partition(result, by_community=by_community, contiguous=contiguous)
    check_bounds(result, by_community=by_community, contiguous=contiguous)


@given(scenarios())
def test_crosswalk_households_add_up(scenario: Scenario) -> None:
    result = scenario.merge()
    crosswalk = result.crosswalk()
    assert crosswalk == reference_crosswalk(result)
    size = households_of(result.base)
    for network in scenario.networks:
        table = crosswalk[network.kind]
        assert list(table) == list(network.cells)
        memberships = sum(size[uid] for units in network.cells.values() for uid in set(units))
        assert sum(sum(grids.values()) for grids in table.values()) == memberships


@given(scenarios())
def test_reverse_crosswalk_mirrors_the_crosswalk(scenario: Scenario) -> None:
    result = scenario.merge()
    mirrored: dict[str, dict[tuple[str, str], int]] = {g: {} for g in result.grid_ids}
    for kind, table in result.crosswalk().items():
        for cell, grids in table.items():
            for grid, shared in grids.items():
                mirrored[grid][(kind, cell)] = shared
    assert result.reverse_crosswalk() == mirrored


@given(scenarios())
def test_same_seed_same_result(scenario: Scenario) -> None:
    first = scenario.merge()
    size = households_of(scenario.base)
    rebuilt = BaseLayer.from_records(
        [
            {"id": uid, "community": c, "households": size[uid]}
            for uid, c in community_of(scenario.base).items()
        ],
        scenario.base.adjacency(),
    )
    again = merge_networks(scenario.networks, rebuilt, **scenario.options)
    assert rebuilt == scenario.base
    assert again == first
    assert again.grid_ids == first.grid_ids
    assert again.grids == first.grids
    assert dict(again.infeasible) == dict(first.infeasible)
    assert again.crosswalk() == first.crosswalk()
    figures = attrs.asdict(first.report)
    del figures["seconds"]
    figures_again = attrs.asdict(again.report)
    del figures_again["seconds"]
    assert figures_again == figures


@st.composite
def fitting_networks(draw: st.DrawFn) -> tuple[BaseLayer, FunctionalNetwork, int, int, bool]:
    """One seamless network of connected cells inside communities, and bounds it meets."""
    contiguous = draw(st.booleans())
    base = draw(base_layers(connected=contiguous or draw(st.booleans())))
    (network,) = draw(
        functional_networks(
            base, min_networks=1, max_networks=1, gaps=False, overlaps=False, crossing=False
        )
    )
    size = households_of(base)
    cells = [sum(size[uid] for uid in units) for units in network.cells.values()]
    low = draw(st.integers(0, min(cells)))
    top = max(*cells, 1)
    high = draw(st.integers(top, top + 500))
    return base, network, low, high, contiguous


@given(fitting_networks())
def test_a_network_that_meets_the_bounds_is_kept(
    case: tuple[BaseLayer, FunctionalNetwork, int, int, bool],
) -> None:
    base, network, low, high, contiguous = case
    result = merge_networks(
        [network], base, min_households=low, max_households=high, contiguous=contiguous
    )
    assert {frozenset(units) for units in result.grids.values()} == {
        frozenset(units) for units in network.cells.values()
    }
    assert result.infeasible == {}
    assert result.report.cells_split == 0
    assert result.report.mean_fragments == 1.0


def organisation_for(base: BaseLayer, old_grids: Sequence[int]) -> Organisation:
    """A street holding the base layer's communities, each with ``old_grids[c]`` grids of
    11 households each (to be replaced)."""
    rows: list[dict[str, Any]] = [{"id": "S", "tier": "street"}]
    for c, name in enumerate(base.communities):
        rows.append({"id": name, "tier": "community", "parent": "S"})
        for g in range(old_grids[c % len(old_grids)] if old_grids else 0):
            rows.append(
                {"id": f"old-{name}-{g}", "tier": "grid", "parent": name, "households": 11}
            )
            rows.append(
                {"id": f"old-{name}-{g}-h", "tier": "household", "parent": f"old-{name}-{g}"}
            )
    return Organisation.from_records(rows)


@given(scenarios(respect_community=True), st.lists(st.integers(0, 2), max_size=4))
def test_with_grids_attaches_the_grids_under_their_communities(
    scenario: Scenario, old_grids: list[int]
) -> None:
    result = scenario.merge()
    org = organisation_for(result.base, old_grids)
    merged = org.with_grids(result)
    size = households_of(result.base)
    community = community_of(result.base)
    for name in result.base.communities:
        expected = sum(h for uid, h in size.items() if community[uid] == name)
        assert merged.total(name, "households") == expected
        children = merged.children(name)
        assert {u.id for u in children} == {g for g, c in result.community.items() if c == name}
        assert all(u.tier == "grid" for u in children)
    for grid, h in result.households.items():
        assert merged[grid].households == h
        assert merged.children(grid) == ()
    assert not any(uid.startswith("old-") for uid in merged)
    assert len(merged) == 1 + len(result.base.communities) + len(result.grid_ids)


@given(st.data())
def test_a_contiguous_merge_needs_connected_communities(data: st.DataObject) -> None:
    base = data.draw(base_layers(connected=False))
    networks = data.draw(functional_networks(base, max_networks=2))
    adjacent = neighbours_of(base)
    community = community_of(base)
    split = [
        name
        for name in base.communities
        if not connected([u for u in base.ids if community[u] == name], adjacent)
    ]
    if split:
        with pytest.raises(NetworkError) as caught:
            merge_networks(networks, base, min_households=50, max_households=400)
        problems = caught.value.problems
        assert [p.code for p in problems] == ["disconnected_community"] * len(split)
        assert [p.unit for p in problems] == split
        assert all(repr(name) in str(caught.value) for name in split)
    else:
        result = merge_networks(networks, base, min_households=50, max_households=400)
        check_partition(result, by_community=True, contiguous=True)


@given(scenarios(respect_community=True))
def test_baselines_are_partitions_within_communities(scenario: Scenario) -> None:
    low = scenario.options["min_households"]
    high = scenario.options["max_households"]
    kind = scenario.networks[0].kind
    for result, contiguous in (
        (
            adopt_network(
                scenario.networks, scenario.base, kind, min_households=low, max_households=high
            ),
            False,
        ),
        (
            finest_overlay(
                scenario.networks, scenario.base, min_households=low, max_households=high
            ),
            True,
        ),
        (
            greedy_growing(
                scenario.networks,
                scenario.base,
                min_households=low,
                max_households=high,
                seed=scenario.options["seed"],
            ),
            True,
        ),
    ):
        check_partition(result, by_community=True, contiguous=contiguous)
        outside = {g for g, h in result.households.items() if not low <= h <= high}
        assert set(result.infeasible) == outside
        assert result.crosswalk() == reference_crosswalk(result)
