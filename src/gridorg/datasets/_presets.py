"""The preset organisations of Yinjiang and Songtao counties (Tongren, Guizhou).

Each preset is a plan — streets, communities, their party forms and how many grids each
branch holds — fixed so that every published count comes out exactly, plus draws from a fixed
seed for what the report does not publish (households, household heads, party members,
gridders). :mod:`gridorg.datasets._crosslinks` then adds the partners, people, service sites,
locations and links the report describes. :mod:`gridorg.datasets._provenance` lists which
figure is published and which assumed.
"""

from __future__ import annotations

import functools
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from gridorg.datasets import _layout as lay
from gridorg.datasets._crosslinks import songtao_links, yinjiang_links
from gridorg.datasets._stream import Stream
from gridorg.hierarchy import Organisation

IntArray = npt.NDArray[np.int64]
Range = tuple[int, int]


@attrs.frozen
class _Street:
    code: str
    name: str
    name_en: str


@attrs.frozen
class _Community:
    """A community of a plan: its street (index), number, form and grids per container.

    ``grids`` has one entry for a community led by a branch (it holds its grids directly) and
    one entry per nested branch for a committee or general branch.
    """

    street: int
    number: int
    form: int
    grids: tuple[int, ...]
    name: str = ""
    name_en: str = ""


@attrs.frozen
class _Plan:
    code: str
    name: str
    streets: tuple[_Street, ...]
    communities: tuple[_Community, ...]
    seed: int
    households_per_grid: Range
    households_per_head: Range
    gridders_per_grid: Range
    party_members_per_grid: Range
    party_members_per_community: Range
    #: Whether the first grid of every branch is led by the branch itself (no party group).
    branch_led_grids: bool


def _community(
    street: int, number: int, form: int, *grids: int, name: str = "", name_en: str = ""
) -> _Community:
    return _Community(street, number, form, grids, name, name_en)


B, GB, C = lay.BRANCH, lay.GENERAL_BRANCH, lay.COMMITTEE

YINJIANG = _Plan(
    code="YJ",
    name="Yinjiang (印江县) urban area",
    streets=(
        _Street("EL", "峨岭街道", "Eling Subdistrict"),
        _Street("LJ", "龙津街道", "Longjin Subdistrict"),
    ),
    communities=(
        _community(0, 1, GB, 5, 5, 4, 4),
        _community(0, 2, GB, 6, 5, 5),
        _community(0, 3, B, 14),
        _community(0, 4, B, 12),
        _community(0, 5, B, 11),
        _community(0, 6, B, 10),
        _community(0, 7, B, 9),
        _community(0, 8, B, 12),
        _community(1, 9, GB, 5, 6, 5),
        _community(1, 10, B, 13),
        _community(1, 11, B, 11),
        _community(1, 12, B, 10),
        _community(1, 13, B, 12),
        _community(1, 14, B, 9),
    ),
    seed=20250522,
    households_per_grid=(150, 350),
    households_per_head=(10, 15),
    gridders_per_grid=(2, 4),
    party_members_per_grid=(1, 3),
    party_members_per_community=(3, 8),
    branch_led_grids=False,
)

SONGTAO = _Plan(
    code="ST",
    name="Songtao (松桃县) urban area",
    streets=(_Street("LG", "蓼皋街道", "Liaogao Subdistrict"),),
    communities=(
        _community(0, 1, C, 4, 4, 4, 4, 4, name="南门社区", name_en="Nanmen Community"),
        _community(0, 2, C, 4, 4, 4, 4, 4),
        _community(0, 3, C, 4, 4, 4, 4),
        _community(0, 4, C, 4, 3, 3, 3),
        _community(0, 5, GB, 3, 3),
        _community(0, 6, GB, 3, 3),
        _community(0, 7, GB, 3, 3),
        _community(0, 8, B, 3),
        _community(0, 9, B, 3),
        _community(0, 10, B, 3),
        _community(0, 11, B, 3),
        _community(0, 12, B, 3),
    ),
    seed=20250523,
    households_per_grid=(200, 450),
    households_per_head=(10, 15),
    gridders_per_grid=(1, 2),
    party_members_per_grid=(1, 3),
    party_members_per_community=(3, 8),
    branch_led_grids=True,
)


def _build(plan: _Plan) -> Organisation:
    communities = plan.communities
    per_street = np.bincount([c.street for c in communities], minlength=len(plan.streets))
    nested = np.array([0 if c.form == B else len(c.grids) for c in communities], dtype=np.int64)
    per_container = np.array([g for c in communities for g in c.grids], dtype=np.int64)
    n_grids = int(per_container.sum())

    draw = Stream(plan.seed)
    community_members = draw.integers(*plan.party_members_per_community, len(communities))
    households = draw.integers(*plan.households_per_grid, n_grids)
    per_head = draw.integers(*plan.households_per_head, n_grids)
    gridders = draw.integers(*plan.gridders_per_grid, n_grids)
    grid_members = draw.integers(*plan.party_members_per_grid, n_grids)
    heads = lay.heads_per_grid(households, per_head, *plan.households_per_head)
    layout = lay.layout(per_street.astype(np.int64), nested, per_container, heads)

    n = layout.size
    grid_rank_in_container = lay.ranks(per_container, layout.grid_container)
    led = plan.branch_led_grids & (grid_rank_in_container == 0)
    form = np.empty(n, dtype=np.int8)
    form[layout.street] = lay.WORKING_COMMITTEE
    form[layout.community] = [c.form for c in communities]
    form[layout.branch] = lay.BRANCH
    form[layout.grid] = np.where(led, lay.NO_FORM, lay.GROUP)
    form[layout.head] = lay.CENTRAL_HOUSEHOLD
    columns: dict[str, Any] = {
        "tier": layout.tier,
        "form": form,
        "parent": layout.parent,
        "households": np.zeros(n, dtype=np.int64),
        "party_members": np.zeros(n, dtype=np.int64),
        "gridders": np.zeros(n, dtype=np.int64),
    }
    columns["households"][layout.head] = lay.share_out(
        households, heads, layout.head_of, layout.head_rank
    )
    columns["party_members"][layout.head] = 1
    columns["party_members"][layout.grid] = grid_members
    columns["party_members"][layout.community] = community_members
    columns["gridders"][layout.grid] = gridders
    columns.update(_labels(plan, layout, led))
    return Organisation.from_columns(columns, name=plan.name)


def _labels(plan: _Plan, layout: lay.Layout, led: npt.NDArray[np.bool_]) -> dict[str, Any]:
    """Ids, names and attributes: real names where the plan has them, synthetic otherwise."""
    n = layout.size
    ids = np.empty(n, dtype=object)
    names = np.empty(n, dtype=object)
    attributes = np.full(n, None, dtype=object)
    street_ids = [f"{plan.code}-{s.code}" for s in plan.streets]
    ids[layout.street] = street_ids
    names[layout.street] = [s.name for s in plan.streets]
    for k, street in zip(layout.street.tolist(), plan.streets, strict=True):
        attributes[k] = {"name_en": street.name_en}
    community_ids = [f"{street_ids[c.street]}-C{c.number:02d}" for c in plan.communities]
    ids[layout.community] = community_ids
    names[layout.community] = [c.name or f"社区 {c.number:02d}（合成）" for c in plan.communities]
    for k, c in zip(layout.community.tolist(), plan.communities, strict=True):
        if c.name_en:
            attributes[k] = {"name_en": c.name_en}
    branch_rank = (layout.branch_rank + 1).tolist()
    ids[layout.branch] = [
        f"{community_ids[c]}-B{r}"
        for c, r in zip(layout.branch_of.tolist(), branch_rank, strict=True)
    ]
    names[layout.branch] = [f"小区党支部 {r}（合成）" for r in branch_rank]
    grid_rank = (layout.grid_rank + 1).tolist()
    grid_ids = [
        f"{community_ids[c]}-G{r:02d}"
        for c, r in zip(layout.grid_of.tolist(), grid_rank, strict=True)
    ]
    ids[layout.grid] = grid_ids
    names[layout.grid] = [f"网格 {r:02d}" for r in grid_rank]
    for k in layout.grid[led].tolist():
        attributes[k] = {"led_by": "branch"}
    head_rank = (layout.head_rank + 1).tolist()
    ids[layout.head] = [
        f"{grid_ids[g]}-H{r:02d}" for g, r in zip(layout.head_of.tolist(), head_rank, strict=True)
    ]
    names[layout.head] = [f"联户长 {r:02d}" for r in head_rank]
    return {"id": ids, "name": names, "attributes": attributes}


@functools.cache
def yinjiang() -> Organisation:
    """The urban organisation tree of Yinjiang county (印江县), Tongren, Guizhou.

    Two streets (峨岭街道 Eling and 龙津街道 Longjin), 14 communities — 3 led by a general
    branch (党总支) that holds 10 branches, 11 led by a branch (党支部): 21 branches — and 173
    grids, each with its party group (网格党小组), 2–4 gridders (at least 500 in all) and
    household heads (党员中心户/联户长) covering 10–15 households each: the four-level
    organisation 街道党工委—社区党支部—网格党小组—党员中心户 of the 2025 report.

    Its cross-links (``org.links``): 13 departments on both streets' extended committees
    (大工委) answering for every built-in issue category; 106 county units registered at
    communities and 3,060 of their in-service party members sunk into grids; 14 party-mass
    service centres and 21 further service sites serving communities and grids; 56 social
    forces and 6 volunteer teams joined to the sites; 35 evaluators and 56 mediators; WGS84
    locations around the county seat. Every published count is exact, or at least its lower
    bound; everything else is a stated assumption (see ``provenance("yinjiang")``).
    Deterministic: every call returns the same value.
    """
    return yinjiang_links(_build(YINJIANG))


@functools.cache
def songtao() -> Organisation:
    """The urban organisation tree of Songtao county (松桃县), Tongren, Guizhou.

    One street (蓼皋街道 Liaogao) with 12 communities, among them 南门社区 (Nanmen): 4 led by a
    party committee (党委), 3 by a general branch (党总支), 5 by a branch (党支部); 29 branches
    in all. The 102 comprehensive grids of the merged network (多网合一) follow the iron
    triangle 党小组(党支部)+网格员+联户长: 73 grids have a party group (网格党小组) and the
    other 29 — one per branch — are led by their branch directly, so they have no party form of
    their own (attribute ``led_by: "branch"``).

    Its cross-links (``org.links``): 45 leaders (27 county leaders, 8 organisation-department
    members, 10 street committee members) with contact points on the 12 communities and 33
    key grids; 9 street and 36 community part-time committee members; 181 units registered in
    2024, one service team each, and 3,030 in-service and 172 new-employment party members
    registered where they live; 12 party-mass service centres serving their communities and
    grids; 13 departments; WGS84 locations around the county seat. Every published count is
    exact, or at least its lower bound; everything else is a stated assumption (see
    ``provenance("songtao")``). Deterministic: every call returns the same value.
    """
    return songtao_links(_build(SONGTAO))
