"""Tests for the Songtao merge scenario: the base layer, its networks and their 102 grids."""

from __future__ import annotations

import collections
import hashlib
import os
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridorg import BaseLayer, FunctionalNetwork, LinkError, NetworkError, diagnose
from gridorg.datasets import _merge_scenario as scenario_module
from gridorg.datasets import provenance, songtao, songtao_networks
from gridorg.datasets._stream import Stream
from gridorg.merge import MergeResult, merge_networks

LOW, HIGH = scenario_module.BOUNDS

#: The preset's grids per community, in community order (see the preset's plan).
PRESET_GRIDS = [20, 20, 16, 13, 6, 6, 6, 3, 3, 3, 3, 3]
#: What the merge gives per community (stated in the provenance row of the seed).
MERGED_GRIDS = [21, 19, 15, 12, 7, 6, 6, 4, 3, 3, 3, 3]
KINDS = [
    "party_building",
    "political_legal",
    "civil_affairs",
    "environment",
    "urban_management",
    "health",
    "market_regulation",
    "emergency_management",
]


@pytest.fixture(scope="module")
def merged() -> MergeResult:
    base, networks, (low, high) = songtao_networks()
    return merge_networks(networks, base, min_households=low, max_households=high)


def preset_communities() -> list[str]:
    org = songtao()
    (street,) = org.units(tier="street")
    return [u.id for u in org.children(street.id) if u.tier == "community"]


def fingerprint(base: BaseLayer, networks: tuple[FunctionalNetwork, ...]) -> str:
    """A digest of everything the scenario draws."""
    digest = hashlib.sha256()
    digest.update(repr(base.ids).encode())
    digest.update(base.households.tobytes())
    digest.update(base.community_of.tobytes())
    digest.update(base.csr[1].tobytes())
    for network in networks:
        digest.update(repr(network.to_record()).encode())
    return digest.hexdigest()


# ---------------------------------------------------------------------- the published figure


def test_the_networks_merge_into_the_published_102_grids(merged: MergeResult) -> None:
    assert (LOW, HIGH) == (200, 450)
    assert merged.report.grids == len(merged.grid_ids) == 102
    assert merged.report.outside_bounds == 0
    assert dict(merged.infeasible) == {}
    sizes = np.array(list(merged.households.values()))
    assert sizes.min() >= LOW
    assert sizes.max() <= HIGH
    assert sizes.sum() == 33_250
    per = collections.Counter(merged.community.values())
    assert [per[c] for c in preset_communities()] == MERGED_GRIDS
    # Within one grid of the preset in every community.
    assert all(abs(a - b) <= 1 for a, b in zip(MERGED_GRIDS, PRESET_GRIDS, strict=True))


def test_the_merge_gives_102_whatever_its_tie_breaking_seed() -> None:
    base, networks, (low, high) = songtao_networks()
    for seed in (1, 7, 19):
        result = merge_networks(networks, base, min_households=low, max_households=high, seed=seed)
        assert (result.report.grids, result.report.outside_bounds) == (102, 0), seed


def test_the_grids_are_a_partition_inside_communities_and_connected(merged: MergeResult) -> None:
    base = merged.base
    assert len(merged.assignment) == len(base)
    graph = base.adjacency()
    grids = merged.grids
    assert sorted(uid for units in grids.values() for uid in units) == sorted(base.ids)
    for grid, units in grids.items():
        communities = {graph.nodes[u]["community"] for u in units}
        assert communities == {merged.community[grid]}
        assert grid.startswith(merged.community[grid] + "-M")
        assert nx.is_connected(graph.subgraph(units)), grid


def test_the_crosswalk_adds_up_to_each_cell(merged: MergeResult) -> None:
    base = merged.base
    weight = dict(zip(base.ids, base.households.tolist(), strict=True))
    crosswalk = merged.crosswalk()
    assert list(crosswalk) == KINDS
    for network in merged.networks:
        for cell, units in network.cells.items():
            assert sum(crosswalk[network.kind][cell].values()) == sum(weight[u] for u in units)


def test_the_scenario_is_deterministic() -> None:
    base, networks, bounds = songtao_networks()
    assert songtao_networks() is songtao_networks()
    again_base, again_networks = scenario_module.scenario(scenario_module.SEED)
    assert fingerprint(base, networks) == fingerprint(again_base, again_networks)
    assert again_networks == networks
    first = merge_networks(networks, base, min_households=bounds[0], max_households=bounds[1])
    second = merge_networks(
        again_networks, again_base, min_households=bounds[0], max_households=bounds[1]
    )
    assert np.array_equal(first.assignment, second.assignment)
    assert first.grid_ids == second.grid_ids


def test_another_process_draws_and_merges_the_same() -> None:
    code = (
        "import hashlib\n"
        "from gridorg.datasets import songtao_networks\n"
        "from gridorg.merge import merge_networks\n"
        "base, networks, (low, high) = songtao_networks()\n"
        "r = merge_networks(networks, base, min_households=low, max_households=high)\n"
        "print(hashlib.sha256(r.assignment.tobytes()).hexdigest(), r.report.grids)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    assert done.returncode == 0, done.stderr
    base, networks, (low, high) = songtao_networks()
    here = merge_networks(networks, base, min_households=low, max_households=high)
    digest = hashlib.sha256(here.assignment.tobytes()).hexdigest()
    assert done.stdout.split() == [digest, "102"]


# ---------------------------------------------------------------------- the base layer


def test_the_base_layer_has_the_presets_communities_and_households() -> None:
    base, _, _ = songtao_networks()
    org = songtao()
    communities = preset_communities()
    assert list(base.communities) == communities
    totals = np.bincount(base.community_of, weights=base.households).astype(np.int64)
    assert totals.tolist() == [org.total(c, "households") for c in communities]
    assert len(base) == 1024
    assert base.edge_count == 2 * 32 * 31
    assert base.crs == "planar"
    assert base.xy is not None
    assert base.xy.min() == 40.0
    assert base.xy.max() == 31 * 80.0 + 40.0


def test_base_units_have_plausible_sizes_and_kinds() -> None:
    base, _, _ = songtao_networks()
    kinds = np.array([uid.rsplit("-", 1)[1][0] for uid in base.ids])
    assert set(kinds.tolist()) == {"B", "L", "K"}
    households = base.households
    assert households.min() >= 1
    # As the provenance note says: 6-84 households a unit, median 30.
    assert (int(households.min()), float(np.median(households)), int(households.max())) == (
        6,
        30.0,
        84,
    )
    medians = {}
    for letter, _, (low, high) in scenario_module.UNIT_KINDS:
        sizes = households[kinds == letter]
        # Drawn in [low, high], then scaled to the community's total (by at most 30 %).
        assert low <= np.median(sizes) <= high
        assert low * 0.7 <= sizes.min()
        assert sizes.max() <= high * 1.3
        medians[letter] = np.median(sizes)
    assert medians["L"] < medians["B"] < medians["K"]
    # Buildings on half the 2 x 2 squares, lanes on 30 %, blocks on 20 %, roughly.
    assert 0.4 < np.mean(kinds == "B") < 0.6
    assert 0.2 < np.mean(kinds == "L") < 0.4
    assert 0.1 < np.mean(kinds == "K") < 0.3


def test_each_community_is_connected_and_units_are_numbered_along_it() -> None:
    base, _, _ = songtao_networks()
    graph = base.adjacency()
    for c, name in enumerate(base.communities):
        members = [base.ids[k] for k in np.flatnonzero(base.community_of == c).tolist()]
        assert nx.is_connected(graph.subgraph(members)), name
        numbers = [int(uid.rsplit("-", 1)[1][1:]) for uid in members]
        assert numbers == list(range(1, len(members) + 1))
        assert all(uid.startswith(name + "-") for uid in members)


@pytest.mark.parametrize("order", [1, 2, 3, 4, 5])
def test_the_hilbert_curve_visits_every_square_once_by_adjacent_steps(order: int) -> None:
    x, y = scenario_module.hilbert(order)
    side = 1 << order
    assert sorted(zip(x.tolist(), y.tolist(), strict=True)) == [
        (i, j) for i in range(side) for j in range(side)
    ]
    steps = np.abs(np.diff(x)) + np.abs(np.diff(y))
    assert steps.tolist() == [1] * (side * side - 1)
    # Every aligned group of four steps is a 2 x 2 square (the unit kinds rely on it).
    for start in range(0, side * side, 4):
        assert np.ptp(x[start : start + 4]) == 1
        assert np.ptp(y[start : start + 4]) == 1


@given(
    st.integers(0, 10_000),
    st.lists(st.integers(1, 1_000), min_size=1, max_size=30),
)
def test_apportion_shares_the_total_within_one_of_the_exact_share(
    total: int, weights: list[int]
) -> None:
    shares = scenario_module.apportion(total, np.asarray(weights, dtype=np.float64))
    assert shares.sum() == total
    exact = np.asarray(weights) * total / sum(weights)
    assert np.all(np.abs(shares - exact) < 1)
    assert shares.min() >= 0


# ---------------------------------------------------------------------- the networks


def test_the_networks_are_the_documented_eight_with_their_flaws() -> None:
    base, networks, _ = songtao_networks()
    assert [n.kind for n in networks] == KINDS
    assert all(n.name.endswith("网格") for n in networks)
    found = {d.kind: d for d in diagnose(networks, base)}
    cells = [len(found[k].cells) for k in KINDS]
    assert cells == [73, 121, 17, 11, 37, 18, 29, 17]
    party = found["party_building"]
    assert party.seamless
    assert not party.crossing
    assert not party.disconnected
    # One party-building cell per grid party group of the preset, community by community.
    org = songtao()
    for community in preset_communities():
        groups = sum(1 for u in org.subtree(community) if u.tier == "grid" and u.form == "group")
        own = [c for c in party.cells if c.cell.startswith(community + "-PB")]
        assert len(own) == groups
        assert all(c.communities == (community,) for c in own)
    assert party.sizes.min() == 313
    assert party.sizes.max() == 640
    assert int((party.sizes > HIGH).sum()) == 38
    # Community networks stay inside communities, except the 综治 cells that reach over.
    assert not found["civil_affairs"].crossing
    assert len(found["political_legal"].crossing) == 8
    assert len(found["political_legal"].overlaps) == 31
    assert len(found["health"].overlaps) == 5
    assert len(found["urban_management"].gaps) == 57
    # Market regulation covers lanes and blocks only: every building is a gap.
    buildings = {uid for uid in base.ids if uid.rsplit("-", 1)[1].startswith("B")}
    assert set(found["market_regulation"].gaps) == buildings
    for kind in ("environment", "urban_management", "health", "emergency_management"):
        assert found[kind].crossing, kind


def test_city_wide_networks_cut_paths_of_adjacent_squares() -> None:
    lattice = scenario_module._lattice(scenario_module._preset(), Stream(scenario_module.SEED))
    for orientation in range(8):
        order = scenario_module._path(lattice, orientation)
        assert sorted(order.tolist()) == list(range(len(order)))
        steps = np.abs(np.diff(lattice.x[order])) + np.abs(np.diff(lattice.y[order]))
        assert steps.tolist() == [1] * (len(order) - 1), orientation


# ---------------------------------------------------------------------- other seeds


@settings(max_examples=8)
@given(st.integers(0, 100_000))
def test_any_seed_draws_a_scenario_the_merge_partitions_within_communities(seed: int) -> None:
    base, networks = scenario_module.scenario(seed)
    totals = np.bincount(base.community_of, weights=base.households).astype(np.int64)
    assert totals.tolist() == scenario_module._preset().households.tolist()
    assert [n.kind for n in networks] == KINDS
    assert len(networks[0].cells) == 73
    result = merge_networks(networks, base, min_households=LOW, max_households=HIGH)
    # The grid count moves with the seed, around the published figure.
    assert 95 <= result.report.grids <= 120
    sizes = np.bincount(result.assignment, weights=base.households).astype(np.int64)
    inside = (sizes >= LOW) & (sizes <= HIGH)
    assert int((~inside).sum()) == len(result.infeasible) == result.report.outside_bounds
    first_community = [
        base.community_of[np.flatnonzero(result.assignment == g)] for g in range(len(sizes))
    ]
    assert all(len(np.unique(c)) == 1 for c in first_community)


# ---------------------------------------------------------------------- into the organisation


def test_the_merged_grids_replace_the_presets_grids(merged: MergeResult) -> None:
    org = songtao()
    with pytest.raises(LinkError, match="drop_links=True"):
        org.with_grids(merged)
    replaced = org.with_grids(merged, drop_links=True)
    counts = replaced.counts("tier")
    assert counts["grid"] == 102
    assert counts["household"] == 0
    assert replaced.total("ST-LG", "households") == org.total("ST-LG", "households")
    for grid, households in merged.households.items():
        unit = replaced[grid]
        assert unit.parent == merged.community[grid]
        assert unit.households == households
    links = org.links.counts()
    after = replaced.links.counts()
    assert links["contact_point"] - after["contact_point"] == 33
    assert links["serving"] - after["serving"] == 102
    assert after["registration"] == links["registration"]
    # The party members counted on the old grids and their household heads go with them.
    members = [sum(u.party_members for u in o.values()) for o in (org, replaced)]
    assert members == [2956, 64]


def test_the_provenance_rows_state_the_scenarios_figures(merged: MergeResult) -> None:
    rows = {r.figure: r for r in provenance("songtao") if r.figure.startswith("merge scenario")}
    assert len(rows) == 9
    assert rows["merge scenario: grids merged from the functional networks"].value == "102"
    assert rows["merge scenario: seed"].value == str(scenario_module.SEED)
    assert rows["merge scenario: bounds"].value == f"{LOW}–{HIGH} households per grid"
    stated = rows["merge scenario: seed"].note
    assert ", ".join(map(str, MERGED_GRIDS)) in stated
    assert ", ".join(map(str, PRESET_GRIDS)) in stated
    networks = rows["merge scenario: the other networks"].note
    assert "73, 121, 17, 11, 37, 18, 29 and 17 cells" in networks


def test_a_disconnected_layer_is_refused_for_a_contiguous_merge() -> None:
    base, networks, (low, high) = songtao_networks()
    graph = base.adjacency()
    # Cut community 12 (the last stretch of the curve) off from its own first unit.
    first = next(uid for uid in base.ids if uid.startswith("ST-LG-C12-"))
    graph.remove_edges_from(list(graph.edges(first)))
    records = [
        {"id": uid, "community": graph.nodes[uid]["community"], "households": h}
        for uid, h in zip(base.ids, base.households.tolist(), strict=True)
    ]
    cut = BaseLayer.from_records(records, graph)
    with pytest.raises(NetworkError, match="ST-LG-C12"):
        merge_networks(networks, cut, min_households=low, max_households=high)
