"""Lay out a four-tier organisation in depth-first preorder from fan-out counts alone.

The datasets describe an organisation level by level: how many communities each street has,
how many branches each community nests, how many grids each branch (or branch-less community)
holds and how many household heads each grid has. :func:`layout` turns those counts into the
preorder position of every unit and the position of its parent, in a few numpy passes and no
Python loop per unit, so that :meth:`Organisation.from_columns` receives its input already in
storage order.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from gridorg.tiers import FORMS, PartyForm

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Integer codes of the tiers of the default scheme and of the party forms.
STREET, COMMUNITY, GRID, HOUSEHOLD = 0, 1, 2, 3
NO_FORM = -1
WORKING_COMMITTEE = FORMS.index(PartyForm.WORKING_COMMITTEE)
COMMITTEE = FORMS.index(PartyForm.COMMITTEE)
GENERAL_BRANCH = FORMS.index(PartyForm.GENERAL_BRANCH)
BRANCH = FORMS.index(PartyForm.BRANCH)
GROUP = FORMS.index(PartyForm.GROUP)
CENTRAL_HOUSEHOLD = FORMS.index(PartyForm.CENTRAL_HOUSEHOLD)


def owners(counts: IntArray) -> IntArray:
    """For children listed group by group, the index of each child's group."""
    found: IntArray = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    return found


def ranks(counts: IntArray, owner: IntArray) -> IntArray:
    """For children listed group by group, each child's 0-based rank within its group."""
    starts = np.cumsum(counts) - counts
    found: IntArray = np.arange(len(owner), dtype=np.int64) - starts[owner]
    return found


def group_sums(values: IntArray, counts: IntArray) -> IntArray:
    """The sum of ``values`` over each group of consecutive children (0 for empty groups)."""
    running = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(values, out=running[1:])
    ends = np.cumsum(counts)
    found: IntArray = running[ends] - running[ends - counts]
    return found


def _offsets(sizes: IntArray, counts: IntArray, owner: IntArray) -> IntArray:
    """The summed sizes of the earlier siblings of each child (groups are consecutive)."""
    before = np.cumsum(sizes) - sizes
    first = (np.cumsum(counts) - counts)[owner]
    found: IntArray = before - before[first]
    return found


@attrs.frozen
class Layout:
    """Preorder positions and relations of every unit, level by level.

    ``*_of`` arrays map a unit to the index (not the position) of its owner one level up;
    ``*_rank`` arrays give its 0-based rank among its siblings of the same kind. Containers are
    what holds grids: a nested branch, or the community itself when it nests none.
    """

    size: int
    street: IntArray
    community: IntArray
    branch: IntArray
    grid: IntArray
    head: IntArray
    community_of: IntArray
    community_rank: IntArray
    container_of: IntArray
    container_is_branch: BoolArray
    branch_of: IntArray
    branch_rank: IntArray
    grid_container: IntArray
    grid_of: IntArray
    grid_rank: IntArray
    head_of: IntArray
    head_rank: IntArray
    parent: IntArray
    tier: npt.NDArray[np.int8]


def layout(
    communities_per_street: IntArray,
    branches_per_community: IntArray,
    grids_per_container: IntArray,
    heads_per_grid: IntArray,
) -> Layout:
    """The preorder layout of street → community [→ branch] → grid → household head.

    ``branches_per_community`` is 0 for a community that holds its grids directly (one
    container: the community) and the number of nested branches otherwise (one container per
    branch). ``grids_per_container`` lists the grids of every container, communities in order
    and the branches of a community in order. Children keep the order given.
    """
    community_of = owners(communities_per_street)
    community_rank = ranks(communities_per_street, community_of)
    nested = branches_per_community > 0
    containers = np.where(nested, branches_per_community, 1)
    container_of = owners(containers)
    container_is_branch = nested[container_of]
    grid_container = owners(grids_per_container)
    grid_of = container_of[grid_container]
    grids_per_community = group_sums(grids_per_container, containers)
    grid_rank = ranks(grids_per_community, grid_of)
    head_of = owners(heads_per_grid)
    head_rank = ranks(heads_per_grid, head_of)

    # Subtree sizes, bottom up.
    grid_size = heads_per_grid + 1
    container_size = group_sums(grid_size, grids_per_container) + container_is_branch
    community_size = group_sums(container_size, containers) + 1
    street_size = group_sums(community_size, communities_per_street) + 1

    # Positions, top down: a unit sits after its parent and its earlier siblings' subtrees.
    street = np.cumsum(street_size) - street_size
    community = (
        street[community_of] + 1 + _offsets(community_size, communities_per_street, community_of)
    )
    start = (
        community[container_of]
        + 1
        + _offsets(container_size, containers, container_of)
        + container_is_branch
    )
    branch = (start - 1)[container_is_branch]
    grid = start[grid_container] + _offsets(grid_size, grids_per_container, grid_container)
    head = grid[head_of] + 1 + head_rank

    size = int(street_size.sum())
    parent = np.empty(size, dtype=np.int64)
    tier = np.empty(size, dtype=np.int8)
    parent[street] = -1
    tier[street] = STREET
    parent[community] = street[community_of]
    tier[community] = COMMUNITY
    branch_of = container_of[container_is_branch]
    parent[branch] = community[branch_of]
    tier[branch] = COMMUNITY
    parent[grid] = start[grid_container] - 1
    tier[grid] = GRID
    parent[head] = grid[head_of]
    tier[head] = HOUSEHOLD
    return Layout(
        size=size,
        street=street,
        community=community,
        branch=branch,
        grid=grid,
        head=head,
        community_of=community_of,
        community_rank=community_rank,
        container_of=container_of,
        container_is_branch=container_is_branch,
        branch_of=branch_of,
        branch_rank=ranks(containers, container_of)[container_is_branch],
        grid_container=grid_container,
        grid_of=grid_of,
        grid_rank=grid_rank,
        head_of=head_of,
        head_rank=head_rank,
        parent=parent,
        tier=tier,
    )


def heads_per_grid(households: IntArray, per_head: IntArray, low: int, high: int) -> IntArray:
    """How many household heads each grid has: ``ceil(households / per_head)``, kept feasible.

    ``per_head`` is the drawn number of households one head covers. The count is then clipped
    so that the households can be shared out with every head covering between ``low`` and
    ``high`` of them; a grid too small for that gets ``ceil(households / high)`` heads.
    """
    count = -(-households // per_head)
    fewest = -(-households // high)
    most = np.maximum(households // low, fewest)
    found: IntArray = np.clip(count, fewest, most)
    return found


def share_out(
    households: IntArray, heads: IntArray, head_of: IntArray, head_rank: IntArray
) -> IntArray:
    """The households of each head: a grid's households split as evenly as possible."""
    base = households // np.maximum(heads, 1)
    extra = households - base * heads
    found: IntArray = base[head_of] + (head_rank < extra[head_of])
    return found
