"""Tests for gridorg.datasets: the county presets, their provenance, synthetic organisations."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest

from gridorg import ArgumentTypeError, InvalidArgumentError, Organisation, PartyForm, Unit
from gridorg.datasets import (
    PROVENANCE_STATUSES,
    ProvenanceRow,
    provenance,
    songtao,
    synthetic,
    synthetic_columns,
    yinjiang,
)

DOCS = Path(__file__).resolve().parent.parent / "docs" / "datasets.md"


# ---------------------------------------------------------------------- helpers


def top_communities(org: Organisation) -> list[Unit]:
    """Community organisations proper: community-tier units whose parent is a street."""
    return [
        u
        for u in org.units(tier="community")
        if u.parent is not None and org[u.parent].tier == "street"
    ]


def subtree_sum(org: Organisation, uid: str, field: str) -> int:
    return sum(getattr(u, field) for u in org.subtree(uid))


def grids_below(org: Organisation, uid: str) -> list[Unit]:
    return [u for u in org.subtree(uid) if u.tier == "grid"]


# ---------------------------------------------------------------------- Yinjiang


def test_yinjiang_published_counts() -> None:
    org = yinjiang()
    # 14 community party-mass service centres: one community party organisation each.
    assert len(top_communities(org)) == 14
    # 3 community party general branches.
    assert len(org.units(tier="community", form="general_branch")) == 3
    assert org.counts(("tier", "form"))[("community", PartyForm.GENERAL_BRANCH)] == 3
    # 21 party branches, wherever they sit.
    assert len(org.units(form="branch")) == 21
    assert org.counts("form")[PartyForm.BRANCH] == 21
    # 173 grid party groups, and every grid has one.
    assert len(org.units(tier="grid", form="group")) == 173
    assert len(org.units(tier="grid")) == 173
    # No committees: the report names none for Yinjiang.
    assert org.counts("form")[PartyForm.COMMITTEE] == 0


def test_yinjiang_gridders_reach_the_published_lower_bound() -> None:
    org = yinjiang()
    total = sum(u.gridders for u in org.values())
    assert total >= 500
    gridders = [u.gridders for u in org.units(tier="grid")]
    assert min(gridders) >= 2
    assert max(gridders) <= 4
    # Gridders sit on grids only.
    assert total == sum(gridders)
    # The provenance note states the preset's own total.
    (row,) = [r for r in provenance("yinjiang") if r.figure.startswith("gridders (")]
    assert f"{total} in all" in row.note


def test_yinjiang_streets_and_four_levels() -> None:
    org = yinjiang()
    assert org.scheme.names == ("street", "community", "grid", "household")
    streets = org.units(tier="street")
    assert sorted(u.name for u in streets) == ["峨岭街道", "龙津街道"]
    assert {u.attributes["name_en"] for u in streets} == {
        "Eling Subdistrict",
        "Longjin Subdistrict",
    }
    assert all(u.form is PartyForm.WORKING_COMMITTEE for u in streets)
    assert [u.id for u in org.roots()] == [u.id for u in streets]
    # 街道党工委—社区党支部—网格党小组—党员中心户: every grid sits under a branch.
    for grid in org.units(tier="grid"):
        parent = org.parent(grid.id)
        assert parent is not None
        assert parent.tier == "community"
        assert parent.form is PartyForm.BRANCH
    # A general branch holds branches only.
    for general in org.units(tier="community", form="general_branch"):
        children = org.children(general.id)
        assert children
        assert all(c.form is PartyForm.BRANCH and c.tier == "community" for c in children)
    assert len([u for u in org.units(tier="community") if u not in top_communities(org)]) == 10


def test_yinjiang_names_are_real_only_where_supported() -> None:
    org = yinjiang()
    for community in top_communities(org):
        assert "（合成）" in community.name


@pytest.mark.parametrize(("preset", "per_grid"), [(yinjiang, (150, 350)), (songtao, (200, 450))])
def test_preset_households_and_heads(preset: Any, per_grid: tuple[int, int]) -> None:
    org = preset()
    heads = org.units(tier="household")
    assert heads
    assert all(h.form is PartyForm.CENTRAL_HOUSEHOLD for h in heads)
    assert all(h.party_members == 1 for h in heads)
    assert all(10 <= h.households <= 15 for h in heads)
    for grid in org.units(tier="grid"):
        children = org.children(grid.id)
        assert all(c.tier == "household" for c in children)
        households = sum(c.households for c in children)
        assert per_grid[0] <= households <= per_grid[1]
        # ceil(households / k) heads for some k in 10..15, lowered to households // 10 where
        # the ceiling would leave a head fewer than 10 households.
        options = {math.ceil(households / k) for k in range(10, 16)} | {households // 10}
        assert len(children) in options
        assert math.ceil(households / 15) <= len(children) <= households // 10
        assert grid.households == 0
    # Households are attached to the heads only.
    assert sum(u.households for u in org.values()) == sum(h.households for h in heads)


@pytest.mark.parametrize("preset", [yinjiang, songtao])
def test_presets_are_deterministic(preset: Any) -> None:
    first = preset()
    assert preset() == first
    rebuilt = preset.__wrapped__()
    assert rebuilt is not first
    assert rebuilt == first
    assert rebuilt.to_records() == first.to_records()


# ---------------------------------------------------------------------- Songtao


def test_songtao_published_counts() -> None:
    org = songtao()
    streets = org.units(tier="street")
    assert [u.name for u in streets] == ["蓼皋街道"]
    communities = top_communities(org)
    assert len(communities) == 12
    assert "南门社区" in [c.name for c in communities]
    assert len(org.units(tier="community", form="committee")) == 4
    assert len(org.units(tier="community", form="general_branch")) == 3
    assert len(org.units(form="branch")) == 29
    assert len(org.units(tier="grid", form="group")) == 73
    assert len(org.units(tier="grid")) == 102
    assert org.counts("tier")["grid"] == 102
    forms = sorted(str(c.form) for c in communities)
    assert forms == sorted(["committee"] * 4 + ["general_branch"] * 3 + ["branch"] * 5)


def test_songtao_iron_triangle() -> None:
    org = songtao()
    without_group = org.units(tier="grid", form=None)
    assert len(without_group) == 102 - 73
    led: dict[str, int] = {}
    for grid in without_group:
        parent = org.parent(grid.id)
        assert parent is not None
        assert parent.form is PartyForm.BRANCH
        assert grid.attributes == {"led_by": "branch"}
        led[parent.id] = led.get(parent.id, 0) + 1
    # Each of the 29 branches leads exactly one grid directly.
    branches = org.units(form="branch")
    assert sorted(led) == sorted(b.id for b in branches)
    assert set(led.values()) == {1}
    # Every grid: a party group (or its branch), a gridder, household heads.
    for grid in org.units(tier="grid"):
        assert grid.gridders >= 1
        assert org.children(grid.id)
    # Committees and general branches hold branches only; branch communities hold grids.
    for community in top_communities(org):
        kinds = {(c.tier, c.form) for c in org.children(community.id)}
        if community.form is PartyForm.BRANCH:
            assert {t for t, _ in kinds} == {"grid"}
        else:
            assert kinds == {("community", PartyForm.BRANCH)}


# ---------------------------------------------------------------------- provenance

# Every figure of the published tables, typed from the report: (words of the figure, value).
YINJIANG_PUBLISHED = [
    ("party general branches", "3"),
    ("party branches", "21"),
    ("grid party groups", "173"),
    ("gridders", "500+"),
    ("red stations", "21"),
    ("party-mass service centres", "14"),
    ("social forces", "50+"),
    ("volunteer teams", "6"),
    ("county-level units", "106"),
    ("in-service party members", "3000+"),
    ("suggestions collected", "100+"),
    ("problems solved (sunk", "200+"),
    ("problems solved on site", "300+"),
    ("evaluators", "30+"),
    ("mediators", "50+"),
    ("deliberation", "200+"),
    ("demands closed online", "1000+"),
]
SONGTAO_PUBLISHED = [
    ("thematic working groups", "6"),
    ("county leaders", "27"),
    ("organisation-department members", "8"),
    ("street committee members", "10"),
    ("via contact points", "80+"),
    ("street part-time committee members", "9"),
    ("community part-time members", "36"),
    ("whistle", "40"),
    ("party committees", "4"),
    ("general branches", "3"),
    ("party branches", "29"),
    ("grid party groups", "73"),
    ("smart communities", "2"),
    ("party-mass service centres", "12"),
    ("comprehensive grids", "102"),
    ("units registered", "180+"),
    ("in-service members", "3000+"),
    ("new-employment members", "170+"),
    ("service teams", "181"),
    ("volunteer person-times", "25,000+"),
    ("problems solved by registered members", "500+"),
]


@pytest.mark.parametrize(
    ("name", "published"), [("yinjiang", YINJIANG_PUBLISHED), ("songtao", SONGTAO_PUBLISHED)]
)
def test_provenance_covers_every_published_figure(
    name: str, published: list[tuple[str, str]]
) -> None:
    rows = provenance(name)
    for words, value in published:
        matches = [r for r in rows if words in r.figure and r.value == value]
        assert len(matches) == 1, (words, value)
        (row,) = matches
        expected = "published lower bound" if value.endswith("+") else "published"
        assert row.status in (expected, "not modelled"), row
        assert row.source.startswith("「"), row


def count_for(org: Organisation, figure: str) -> int | None:
    """The preset's own count for a published tree figure, counted from the tree."""
    counters: dict[str, Callable[[], int]] = {
        "community party-mass service centres": lambda: len(top_communities(org)),
        "community party committees": lambda: len(org.units(tier="community", form="committee")),
        "community party general branches": lambda: len(
            org.units(tier="community", form="general_branch")
        ),
        "party branches": lambda: len(org.units(form="branch")),
        "grid party groups": lambda: len(org.units(tier="grid", form="group")),
        "comprehensive grids": lambda: len(org.units(tier="grid")),
    }
    for words, counter in counters.items():
        if figure.startswith(words):
            return counter()
    return None


@pytest.mark.parametrize(("name", "preset"), [("yinjiang", yinjiang), ("songtao", songtao)])
def test_published_tree_figures_match_the_tree(name: str, preset: Any) -> None:
    org = preset()
    checked = 0
    for row in provenance(name):
        count = count_for(org, row.figure)
        if count is not None:
            assert row.status == "published"
            assert count == int(row.value), row
            checked += 1
    assert checked == (4 if name == "yinjiang" else 6)


@pytest.mark.parametrize("name", ["yinjiang", "songtao"])
def test_provenance_rows_are_ordered_and_explained(name: str) -> None:
    rows = provenance(name)
    order = [PROVENANCE_STATUSES.index(r.status) for r in rows]
    assert order == sorted(order)
    assert {r.status for r in rows} >= {"published", "assumption", "not modelled"}
    for row in rows:
        assert row.figure
        assert row.value
        assert row.source
        if row.status in ("assumption", "public record"):
            assert row.note, row
    assert len({r.figure for r in rows}) == len(rows)


def test_provenance_rejects_unknown_names_and_statuses() -> None:
    with pytest.raises(InvalidArgumentError, match="unknown preset 'beijing'"):
        provenance("beijing")
    with pytest.raises(ArgumentTypeError, match="must be a string"):
        provenance(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="status"):
        ProvenanceRow("x", "1", "guessed", "nowhere")  # type: ignore[arg-type]
    row = provenance("songtao")[0]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        row.value = "2"  # type: ignore[misc]


def test_docs_list_every_provenance_row_and_the_preset_totals() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert "Yinjiang" in text
    assert "Songtao" in text
    assert "2025" in text
    for name in ("yinjiang", "songtao"):
        for row in provenance(name):
            assert f"| {row.figure} | {row.value} | {row.status} |" in text, row
    for label, org in (("Yinjiang", yinjiang()), ("Songtao", songtao())):
        tiers = org.counts("tier")
        cells = [
            label,
            f"{len(org):,}",
            *(f"{tiers[t]:,}" for t in org.scheme.names),
            *(
                f"{sum(getattr(u, f) for u in org.values()):,}"
                for f in ("households", "party_members", "gridders")
            ),
        ]
        assert "| " + " | ".join(cells) + " |" in text


# ---------------------------------------------------------------------- synthetic


def test_synthetic_is_deterministic_and_seeded() -> None:
    first = synthetic(streets=3, seed=7)
    assert synthetic(streets=3, seed=7) == first
    assert synthetic(streets=3, seed=7).to_records() == first.to_records()
    assert synthetic(streets=3, seed=8) != first
    a = synthetic_columns(streets=3, seed=7)
    b = synthetic_columns(streets=3, seed=7)
    assert a.keys() == b.keys()
    for key in a:
        assert np.array_equal(a[key], b[key]), key
    g1 = synthetic(streets=2, seed=np.random.default_rng(3))
    g2 = synthetic(streets=2, seed=np.random.default_rng(3))
    assert g1 == g2


def test_synthetic_draws_come_from_the_raw_bit_stream() -> None:
    # The first draw is the community count of each street: raw PCG64 output folded into
    # the range, which numpy keeps stable across releases.
    raw = np.random.PCG64(9).random_raw(3)
    expected = (raw % np.uint64(11)).astype(np.int64) + 5
    org = synthetic(streets=3, seed=9)
    counts = [len(org.children(s.id)) for s in org.units(tier="street")]
    assert counts == expected.tolist()


def test_synthetic_fixed_seed_snapshot() -> None:
    # Pinned: a change here changes every synthetic dataset users may have recorded.
    org = synthetic(streets=2, seed=0)
    assert org.name == "synthetic"
    assert (len(org), org.counts("tier")["grid"]) == SNAPSHOT
    assert synthetic(streets=2, seed=0, name="other").name == "other"


def test_synthetic_columns_are_in_preorder_and_build_as_given() -> None:
    columns = synthetic_columns(streets=2, seed=1)
    n = len(columns["id"])
    assert all(len(v) == n for v in columns.values())
    assert columns["tier"].dtype == np.int8
    assert columns["form"].dtype == np.int8
    assert columns["parent"].dtype.kind == "i"
    parent = columns["parent"]
    # Preorder: every parent comes before its child, roots have -1.
    assert parent[0] == -1
    assert (parent[1:] < np.arange(1, n)).all()
    org = Organisation.from_columns(columns)
    assert list(org) == columns["id"].tolist()
    assert np.array_equal(org.column("parent"), parent)
    assert [u.name for u in org.values()] == columns["name"].tolist()


SNAPSHOT = (2949, 209)

ID = re.compile(r"^S\d{4}(C\d{2}(B\d|G\d{2}(H\d{2})?)?)?$")


def test_synthetic_ids_and_names() -> None:
    org = synthetic(streets=3, seed=2)
    for unit in org.values():
        assert ID.match(unit.id), unit.id
        assert unit.id.endswith(unit.name)
        if unit.tier == "grid":
            community = org.ancestor_at(unit.id, "community")
            assert community is not None
            assert unit.id.startswith(community.id)
        elif unit.parent is not None:
            assert unit.id.startswith(unit.parent)
    assert len(set(org)) == len(org)


RANGES: dict[str, Any] = {
    "communities_per_street": (2, 4),
    "grids_per_community": (3, 6),
    "households_per_grid": (60, 90),
    "households_per_head": (8, 12),
    "gridders_per_grid": (1, 2),
    "branches_per_community": (2, 3),
    "min_committee_members": 60,
    "min_general_branch_members": 40,
}


def test_synthetic_respects_every_range() -> None:
    org = synthetic(streets=4, seed=11, **RANGES)
    lo, hi = RANGES["communities_per_street"]
    for street in org.units(tier="street"):
        assert street.form is PartyForm.WORKING_COMMITTEE
        assert lo <= len(org.children(street.id)) <= hi
    forms_seen = set()
    for community in top_communities(org):
        grids = grids_below(org, community.id)
        assert 3 <= len(grids) <= 6
        members = subtree_sum(org, community.id, "party_members")
        children = org.children(community.id)
        forms_seen.add(community.form)
        if members >= 60:
            assert community.form is PartyForm.COMMITTEE
        elif members >= 40:
            assert community.form is PartyForm.GENERAL_BRANCH
        else:
            assert community.form is PartyForm.BRANCH
        if community.form is PartyForm.BRANCH:
            assert all(c.tier == "grid" for c in children)
        else:
            assert all(c.form is PartyForm.BRANCH for c in children)
            assert 1 <= len(children) <= min(3, len(grids))
            if len(grids) >= 2:
                assert len(children) >= 2
            sizes = [len(org.children(c.id)) for c in children]
            assert max(sizes) - min(sizes) <= 1
    assert len(forms_seen) >= 2
    for grid in org.units(tier="grid"):
        assert 1 <= grid.gridders <= 2
        heads = org.children(grid.id)
        households = sum(h.households for h in heads)
        assert 60 <= households <= 90
        assert all(8 <= h.households <= 12 for h in heads)
        assert math.ceil(households / 12) <= len(heads) <= households // 8
        assert all(h.party_members == 1 for h in heads)


def test_synthetic_never_nests_more_branches_than_grids() -> None:
    org = synthetic(
        streets=3,
        seed=6,
        grids_per_community=(1, 2),
        branches_per_community=(3, 5),
        min_committee_members=0,
        min_general_branch_members=0,
    )
    for community in top_communities(org):
        assert community.form is PartyForm.COMMITTEE
        branches = org.children(community.id)
        assert len(branches) == len(grids_below(org, community.id))
        for branch in branches:
            assert branch.form is PartyForm.BRANCH
            assert [c.tier for c in org.children(branch.id)] == ["grid"]


def test_synthetic_small_grids_still_get_heads() -> None:
    # Grids too small for the range: one head takes them all.
    org = synthetic(streets=1, seed=0, households_per_grid=(1, 5), households_per_head=(10, 15))
    for grid in org.units(tier="grid"):
        heads = org.children(grid.id)
        assert len(heads) == 1
        assert 1 <= heads[0].households <= 5


def test_synthetic_grid_party_group_share() -> None:
    columns = synthetic_columns(streets=150, seed=4, grid_party_group_share=0.7)
    grid_forms = columns["form"][columns["tier"] == 2]
    assert len(grid_forms) > 10_000
    share = float(np.mean(grid_forms == list(PartyForm).index(PartyForm.GROUP)))
    assert abs(share - 0.7) < 0.02
    assert set(np.unique(grid_forms).tolist()) == {-1, 4}
    everyone = synthetic(streets=2, seed=4, grid_party_group_share=1.0)
    assert not everyone.units(tier="grid", form=None)
    nobody = synthetic(streets=2, seed=4, grid_party_group_share=0.0)
    assert not nobody.units(tier="grid", form="group")


def test_synthetic_without_household_heads_keeps_the_totals() -> None:
    full = synthetic(streets=2, seed=5)
    short = synthetic(streets=2, seed=5, household_heads=False)
    assert short.counts("tier")["household"] == 0
    assert len(short) == len(full) - full.counts("tier")["household"]
    for grid in short.units(tier="grid"):
        assert grid.households == full.total(grid.id, "households")
        assert grid.party_members == full.total(grid.id, "party_members")
    assert [u.form for u in short.units(tier="community")] == [
        u.form for u in full.units(tier="community")
    ]


@pytest.mark.parametrize(
    ("options", "error", "words"),
    [
        ({"streets": 0}, InvalidArgumentError, "streets must be at least 1"),
        ({"streets": 1.5}, ArgumentTypeError, "streets must be an integer"),
        ({"streets": True}, ArgumentTypeError, "streets must be an integer"),
        ({"seed": -1}, InvalidArgumentError, "seed must be at least 0"),
        ({"seed": "x"}, ArgumentTypeError, "seed must be an integer"),
        ({"communities_per_street": (5, 3)}, InvalidArgumentError, r"low <= high, got \(5, 3\)"),
        ({"grids_per_community": (0, 3)}, InvalidArgumentError, r"grids_per_community\[0\]"),
        ({"households_per_grid": (1, 2, 3)}, ArgumentTypeError, "pair"),
        ({"households_per_head": "10-15"}, ArgumentTypeError, "pair"),
        ({"gridders_per_grid": (-1, 2)}, InvalidArgumentError, "at least 0"),
        ({"grid_party_group_share": 1.5}, InvalidArgumentError, "between 0 and 1"),
        ({"grid_party_group_share": -0.1}, InvalidArgumentError, "between 0 and 1"),
        ({"grid_party_group_share": float("nan")}, InvalidArgumentError, "between 0 and 1"),
        ({"grid_party_group_share": "most"}, ArgumentTypeError, "number"),
        (
            {"min_committee_members": 10, "min_general_branch_members": 20},
            InvalidArgumentError,
            "must not exceed",
        ),
        ({"household_heads": 1}, ArgumentTypeError, "True or False"),
        ({"name": 3}, ArgumentTypeError, "name must be a string"),
    ],
)
def test_synthetic_rejects_bad_arguments(
    options: dict[str, Any], error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        synthetic(**options)
    if "name" not in options:
        with pytest.raises(error, match=words):
            synthetic_columns(**options)
