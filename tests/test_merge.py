"""merge_networks on hand-built towns: bounds, weights, options, baselines, report, display,
and Organisation.with_grids."""

from __future__ import annotations

from typing import Any

import pytest

from gridorg import (
    ArgumentTypeError,
    BaseLayer,
    FunctionalNetwork,
    HierarchyError,
    InvalidArgumentError,
    LinkError,
    MergeReport,
    MergeResult,
    Organisation,
    Person,
    Sinking,
    merge_networks,
)
from gridorg.merge import adopt_network, finest_overlay, greedy_growing


def layer(units: list[tuple[str, str, int]], edges: list[tuple[str, str]]) -> BaseLayer:
    """A base layer from (id, community, households) triples."""
    return BaseLayer.from_records(
        [{"id": uid, "community": c, "households": h} for uid, c, h in units], edges
    )


def grouping(result: MergeResult) -> set[frozenset[str]]:
    return {frozenset(units) for units in result.grids.values()}


# Community A is the path a - b - c; two departments disagree about b.
ABC = layer([("a", "A", 45), ("b", "A", 30), ("c", "A", 45)], [("a", "b"), ("b", "c")])
PARTY = FunctionalNetwork("party_building", {"X1": ["a", "b"], "X2": ["c"]})
ENVIRONMENT = FunctionalNetwork("environment", {"Y1": ["a"], "Y2": ["b", "c"]})


# ---------------------------------------------------------------------- the merge


def test_a_unit_above_the_maximum_stays_alone_and_is_reported() -> None:
    town = layer(
        [("a1", "A", 500), ("a2", "A", 30), ("a3", "A", 30)], [("a1", "a2"), ("a2", "a3")]
    )
    result = merge_networks([], town, min_households=50, max_households=100)
    assert grouping(result) == {frozenset({"a1"}), frozenset({"a2", "a3"})}
    (grid,) = result.infeasible
    assert result.grids[grid] == ("a1",)
    assert result.households[grid] == 500
    reason = result.infeasible[grid]
    assert "'a1'" in reason
    assert "500" in reason
    assert "max_households" in reason
    assert result.report.outside_bounds == 1


def test_an_oversized_cell_is_cut_into_connected_grids_within_the_maximum() -> None:
    units = [(f"u{k}", "A", 40) for k in range(6)]
    town = layer(units, [(f"u{k}", f"u{k + 1}") for k in range(5)])
    one = FunctionalNetwork("health", {"h": [uid for uid, _, _ in units]})
    result = merge_networks([one], town, min_households=60, max_households=100)
    assert result.infeasible == {}
    assert all(60 <= h <= 100 for h in result.households.values())
    assert sum(result.households.values()) == 240
    for units_in in result.grids.values():  # a path: each grid is a run of it
        ks = sorted(int(uid[1:]) for uid in units_in)
        assert ks == list(range(ks[0], ks[-1] + 1))


def test_a_community_smaller_than_the_minimum_is_one_grid_and_reported() -> None:
    town = layer(
        [("a1", "A", 40), ("a2", "A", 40), ("b1", "B", 10), ("b2", "B", 5)],
        [("a1", "a2"), ("b1", "b2"), ("a2", "b1")],
    )
    result = merge_networks([], town, min_households=50, max_households=100)
    assert grouping(result) == {frozenset({"a1", "a2"}), frozenset({"b1", "b2"})}
    assert result.community == {"A-M001": "A", "B-M001": "B"}
    assert list(result.infeasible) == ["B-M001"]
    reason = result.infeasible["B-M001"]
    assert "'B'" in reason
    assert "15" in reason


def test_a_grid_below_the_minimum_has_no_neighbour_it_could_join() -> None:
    # Twelve units of 10 households: four grids of 30 would do. Whatever the merge does, a
    # grid it leaves below the minimum must have no neighbour it could join within the maximum.
    ids = [f"C1.{k}" for k in range(1, 13)]
    edges = [
        ("C1.1", "C1.2"),
        ("C1.1", "C1.6"),
        ("C1.2", "C1.3"),
        ("C1.3", "C1.4"),
        ("C1.4", "C1.5"),
        ("C1.6", "C1.7"),
        ("C1.6", "C1.11"),
        ("C1.7", "C1.8"),
        ("C1.8", "C1.9"),
        ("C1.9", "C1.10"),
        ("C1.11", "C1.12"),
    ]
    town = layer([(uid, "C1", 10) for uid in ids], edges)
    networks = [
        FunctionalNetwork("party_building", {"p1": ids}),
        FunctionalNetwork("civil_affairs", {"c1": [u for u in ids if u != "C1.4"]}),
    ]
    result = merge_networks(networks, town, min_households=21, max_households=60)
    where = {uid: grid for grid, units in result.grids.items() for uid in units}
    for grid in result.infeasible:
        h = result.households[grid]
        touching = {where[b] for a, b in edges if where[a] == grid} | {
            where[a] for a, b in edges if where[b] == grid
        }
        touching.discard(grid)
        assert all(h + result.households[g] > 60 for g in touching), (grid, result.grids)


def test_weights_decide_which_cells_stay_whole() -> None:
    # b joins a (keeping X1 whole) or c (keeping Y2 whole); c or a then stays below the minimum.
    def merged(weights: dict[str, float], seed: int) -> MergeResult:
        return merge_networks(
            [PARTY, ENVIRONMENT],
            ABC,
            min_households=60,
            max_households=80,
            weights=weights,
            seed=seed,
        )

    for seed in range(4):
        party_first = merged({"party_building": 2}, seed)
        assert grouping(party_first) == {frozenset({"a", "b"}), frozenset({"c"})}
        assert len(party_first.crosswalk()["party_building"]["X1"]) == 1
        assert len(party_first.crosswalk()["environment"]["Y2"]) == 2
        environment_first = merged({"environment": 2.5, "party_building": 1}, seed)
        assert grouping(environment_first) == {frozenset({"a"}), frozenset({"b", "c"})}
        ignored = merged({"party_building": 0}, seed)
        assert grouping(ignored) == {frozenset({"a"}), frozenset({"b", "c"})}


def test_contiguous_false_joins_pieces_of_a_community() -> None:
    town = layer([("a1", "A", 30), ("a2", "A", 30), ("b1", "B", 70)], [("a2", "b1")])
    result = merge_networks([], town, min_households=50, max_households=100, contiguous=False)
    assert grouping(result) == {frozenset({"a1", "a2"}), frozenset({"b1"})}
    assert result.infeasible == {}


def test_respect_nothing_lets_grids_cross_communities() -> None:
    town = layer([("a1", "A", 20), ("b1", "B", 25)], [("a1", "b1")])
    kept = merge_networks([], town, min_households=40, max_households=100)
    assert grouping(kept) == {frozenset({"a1"}), frozenset({"b1"})}
    assert set(kept.infeasible) == {"A-M001", "B-M001"}
    crossing = merge_networks([], town, min_households=40, max_households=100, respect=())
    assert grouping(crossing) == {frozenset({"a1", "b1"})}
    assert crossing.infeasible == {}
    assert crossing.grid_ids == ("A-M001",)


def test_the_crosswalk_counts_a_unit_in_two_cells_in_both() -> None:
    overlapping = FunctionalNetwork("petitions", {"P1": ["a", "b"], "P2": ["b", "c"]})
    result = merge_networks([overlapping], ABC, min_households=120, max_households=1000)
    assert grouping(result) == {frozenset({"a", "b", "c"})}
    assert result.crosswalk() == {"petitions": {"P1": {"A-M001": 75}, "P2": {"A-M001": 75}}}
    assert result.reverse_crosswalk() == {
        "A-M001": {("petitions", "P1"): 75, ("petitions", "P2"): 75}
    }


# ---------------------------------------------------------------------- baselines


def test_adopt_network_takes_the_cells_as_they_are() -> None:
    town = layer(
        [("a", "A", 10), ("b", "A", 10), ("c", "A", 10), ("d", "A", 10)],
        [("a", "b"), ("b", "c"), ("c", "d")],
    )
    patchy = FunctionalNetwork("health", {"H1": ["a", "b"], "H2": ["b", "c"]})
    result = adopt_network([PARTY, patchy], town, "health", min_households=15, max_households=30)
    # b goes to the cell listed first; the gap d is a grid of its own.
    assert grouping(result) == {frozenset({"a", "b"}), frozenset({"c"}), frozenset({"d"})}
    assert result.report.method == "adopt health"
    assert set(result.infeasible) == {
        g for g, units in result.grids.items() if units in (("c",), ("d",))
    }


def test_finest_overlay_is_the_common_refinement() -> None:
    result = finest_overlay([PARTY, ENVIRONMENT], ABC, min_households=0, max_households=100)
    assert grouping(result) == {frozenset({"a"}), frozenset({"b"}), frozenset({"c"})}
    assert result.report.method == "finest overlay"
    assert result.report.cells_split == 2  # X1 and Y2
    assert result.report.mean_fragments == pytest.approx(1.5)


def test_greedy_growing_ignores_the_networks() -> None:
    units = [(f"u{k}", "A", 30) for k in range(6)]
    town = layer(units, [(f"u{k}", f"u{k + 1}") for k in range(5)])
    for seed in range(5):
        result = greedy_growing([], town, min_households=50, max_households=70, seed=seed)
        assert result.report.method == "greedy growing"
        assert sorted(uid for g in result.grids.values() for uid in g) == sorted(town.ids)
        assert all(h <= 70 for h in result.households.values())
        assert result == greedy_growing([], town, min_households=50, max_households=70, seed=seed)


# ---------------------------------------------------------------------- report and display


def test_report_figures_on_a_hand_computed_case() -> None:
    result = merge_networks(
        [PARTY, ENVIRONMENT],
        ABC,
        min_households=60,
        max_households=80,
        weights={"party_building": 2},
    )
    report = result.report
    assert isinstance(report, MergeReport)
    # Grids {a, b} (75) and {c} (45); cell Y2 = {b, c} is split.
    assert (report.method, report.grids, report.cells, report.cells_split) == ("merge", 2, 4, 1)
    assert report.mean_fragments == pytest.approx(1.25)
    assert report.sizes == (45, 60.0, 75)
    assert report.size_sd == pytest.approx(15.0)
    assert report.outside_bounds == 1
    assert report.seconds >= 0
    record = report.to_dict()
    assert record["sizes"] == [45, 60.0, 75]
    assert record["grids"] == 2


def test_compactness_is_internal_pairs_over_pairs_touching_the_grid() -> None:
    # {a, b}: one internal pair (a, b), one border pair (b, c): 1/2. {c}: 0/1. Mean: 1/4.
    result = merge_networks(
        [PARTY, ENVIRONMENT],
        ABC,
        min_households=60,
        max_households=80,
        weights={"party_building": 2},
    )
    assert result.report.compactness == pytest.approx(0.25)


def test_a_grid_without_neighbours_is_fully_compact() -> None:
    town = layer([("a", "A", 10), ("b", "B", 10)], [])
    result = merge_networks([], town, min_households=0, max_households=50)
    assert result.report.compactness == 1.0


def test_merge_result_displays_its_report() -> None:
    result = merge_networks(
        [PARTY, ENVIRONMENT],
        ABC,
        min_households=60,
        max_households=80,
        weights={"party_building": 2},
    )
    bundle = result._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    plain = bundle["text/plain"].splitlines()
    assert [line.split("  ")[0] for line in plain] == [label for label, _ in result.report.rows()]
    assert plain[1].split() == ["grids", "2"]
    assert plain[3].endswith(" 1")  # cells split over grids
    assert "45 / 60 / 75" in bundle["text/plain"]
    html = bundle["text/html"]
    assert html.startswith("<table>")
    assert html.endswith("</table>")
    assert html.count("<tr>") == len(result.report.rows())
    assert "<script" not in html
    assert repr(result) == (
        "<MergeResult merge: 2 grids from 3 base units; 1 of 4 cells split; 1 outside the bounds>"
    )


# ---------------------------------------------------------------------- into the organisation

TOWN = layer(
    [("a1", "A", 40), ("a2", "A", 40), ("b1", "B", 30)],
    [("a1", "a2")],
)
MERGED = merge_networks([], TOWN, min_households=30, max_households=50)
TREE: list[dict[str, Any]] = [
    {"id": "S", "tier": "street"},
    {"id": "A", "tier": "community", "parent": "S"},
    {"id": "B", "tier": "community", "parent": "S"},
    {"id": "C", "tier": "community", "parent": "S"},
    {"id": "G1", "tier": "grid", "parent": "A", "form": "branch", "households": 5},
    {"id": "G1a", "tier": "grid", "parent": "G1", "form": "group", "households": 7},
    {"id": "H1", "tier": "household", "parent": "G1a", "households": 1},
    {"id": "G9", "tier": "grid", "parent": "C", "households": 9},
]


@pytest.fixture
def org() -> Organisation:
    return Organisation.from_records(TREE)


def test_with_grids_replaces_the_grids_of_the_merged_communities(org: Organisation) -> None:
    assert MERGED.grids == {"A-M001": ("a1",), "A-M002": ("a2",), "B-M001": ("b1",)}
    merged = org.with_grids(MERGED)
    assert [u.id for u in merged.children("A")] == ["A-M001", "A-M002"]
    assert [u.id for u in merged.children("B")] == ["B-M001"]
    assert [u.id for u in merged.children("C")] == ["G9"]  # not merged: left alone
    assert "G1" not in merged
    assert "G1a" not in merged
    assert "H1" not in merged
    assert merged["A-M001"].tier == "grid"
    assert merged["A-M001"].form is None
    assert merged["A-M002"].households == 40
    assert merged.total("A", "households") == 80
    assert merged.total("B", "households") == 30
    assert merged.total("S", "households") == 119


def test_with_grids_keeps_existing_grids_when_asked(org: Organisation) -> None:
    merged = org.with_grids(MERGED, replace=False)
    assert [u.id for u in merged.children("A")] == ["G1", "A-M001", "A-M002"]
    assert merged.total("A", "households") == 5 + 7 + 1 + 80


def test_with_grids_gives_the_grids_a_form(org: Organisation) -> None:
    merged = org.with_grids(MERGED, form="group")
    assert {merged[g].form for g in MERGED.grid_ids} == {"group"}
    with pytest.raises(HierarchyError, match="committee"):
        org.with_grids(MERGED, form="committee")


def test_with_grids_reports_links_to_removed_grids_unless_dropped(org: Organisation) -> None:
    linked = org.with_links([Sinking("W", "G1a")], people=[Person("W", "在职党员")])
    with pytest.raises(LinkError, match="drop_links=True") as caught:
        linked.with_grids(MERGED)
    assert "'G1a'" in str(caught.value)
    merged = linked.with_grids(MERGED, drop_links=True)
    assert len(merged.links) == 0
    assert "W" in merged.links.people


def test_with_grids_refuses_grid_ids_already_in_use(org: Organisation) -> None:
    taken = org.add_units([{"id": "A-M002", "tier": "grid", "parent": "C"}])
    with pytest.raises(InvalidArgumentError, match="'A-M002'"):
        taken.with_grids(MERGED)
    person = org.with_links(people=[Person("B-M001", "网格员")])
    with pytest.raises(InvalidArgumentError, match="'B-M001'"):
        person.with_grids(MERGED)
    # A grid of a merged community with a clashing id goes first, so there is no clash.
    again = org.add_units([{"id": "A-M001", "tier": "grid", "parent": "B"}])
    assert again.with_grids(MERGED).children("B")[0].id == "B-M001"


def test_with_grids_needs_every_community(org: Organisation) -> None:
    with pytest.raises(InvalidArgumentError, match="'B'"):
        org.remove("B").with_grids(MERGED)


def test_with_grids_checks_its_arguments(org: Organisation) -> None:
    with pytest.raises(InvalidArgumentError, match="'block'"):
        org.with_grids(MERGED, tier="block")
    with pytest.raises(ArgumentTypeError, match="MergeResult"):
        org.with_grids(MERGED.grids)
    with pytest.raises(HierarchyError):
        org.with_grids(MERGED, tier="street")


def test_with_grids_does_not_misplace_households_of_grids_crossing_communities(
    org: Organisation,
) -> None:
    # With respect=() a grid may hold units of two communities; attaching it under one of them
    # must either be refused, naming the grid, or keep every community's households right.
    town = layer([("a1", "A", 20), ("b1", "B", 25)], [("a1", "b1")])
    crossing = merge_networks([], town, min_households=40, max_households=100, respect=())
    assert crossing.grids == {"A-M001": ("a1", "b1")}
    outcome: Organisation | InvalidArgumentError
    try:
        outcome = org.with_grids(crossing)
    except InvalidArgumentError as error:
        outcome = error
    if isinstance(outcome, InvalidArgumentError):
        assert "'A-M001'" in str(outcome)
    else:
        assert outcome.total("A", "households") == 20
        assert outcome.total("B", "households") == 25


def test_a_grid_left_small_joins_room_made_later_by_another_cut() -> None:
    # Found by the partition property. C1.8 (56 households) first borders only a grid too full
    # to join, and pooling with it cannot be cut within the bounds; C1.4 (56) is then pooled
    # with that grid and cut, which makes room next to C1.8. Rebalancing must go round again:
    # no grid may stay below the minimum while a neighbour could take it.
    ids = "C1.1 C1.2 C1.5 C2.22 C1.3 C1.6 C1.7 C2.21 C1.9 C1.10 C2.1 C2.2 C2.3 C2.4 C2.5 C2.6"
    ids += " C2.7 C2.23 C2.9 C2.10 C2.11 C2.12 C2.13 C2.14 C2.15 C2.16 C1.8 C2.18 C2.19 C2.20"
    ids += " C1.4 C2.17 C2.8 C2.24 C2.25 C2.26"
    units = ids.split()
    households = [10, 10, 10, 10, 10, 12, 219, 10, 12, 12, 25, 10, 12, 10, 61, 57, 10, 10]
    households += [10, 10, 10, 10, 10, 10, 10, 10, 56, 10, 10, 10, 56, 10, 10, 10, 10, 10]
    offsets = [0, 2, 5, 8, 10, 12, 14, 18, 21, 23, 24, 26, 28, 30, 31, 34, 36, 38, 40, 43]
    offsets += [45, 47, 48, 51, 53, 55, 56, 58, 60, 62, 63, 66, 69, 70, 71, 73, 74]
    neighbours = [1, 30, 0, 2, 4, 1, 6, 30, 7, 17, 1, 5, 4, 8, 2, 9, 26, 30, 3, 31, 34, 5, 26]
    neighbours += [6, 11, 14, 10, 12, 11, 13, 12, 10, 15, 18, 14, 16, 15, 32, 3, 33, 14, 19]
    neighbours += [22, 18, 20, 19, 21, 20, 18, 23, 31, 22, 24, 23, 25, 24, 6, 8, 28, 31, 27]
    neighbours += [29, 28, 0, 2, 6, 7, 22, 27, 16, 17, 7, 35, 34]
    records = [
        {"id": u, "community": u.split(".")[0], "households": h}
        for u, h in zip(units, households, strict=True)
    ]
    pairs = [
        (units[k], units[neighbours[j]])
        for k in range(len(units))
        for j in range(offsets[k], offsets[k + 1])
    ]
    base = BaseLayer.from_records(records, pairs)
    c1 = [u for u in units if u.startswith("C1.") and u not in {"C1.4", "C1.8"}]
    c2 = [u for u in units if u.startswith("C2.")]
    networks = [FunctionalNetwork("party_building", {"c1": c1, "c2": c2})]
    result = merge_networks(networks, base, min_households=57, max_households=308, seed=181)
    assert result.infeasible == {}
    assert all(57 <= h <= 308 for h in result.households.values())
