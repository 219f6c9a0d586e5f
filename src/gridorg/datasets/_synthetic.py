"""Synthetic organisations of any size, from a city district to a whole country.

Everything is drawn level by level with numpy: one array per tier, never a Python loop per
unit, so ten thousand streets (over a million grids, some thirteen million units) take seconds.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from gridorg.datasets import _layout as lay
from gridorg.datasets._stream import Stream
from gridorg.errors import ArgumentTypeError, InvalidArgumentError

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation

IntArray = npt.NDArray[np.int64]
Range = tuple[int, int]


@attrs.frozen
class _Params:
    streets: int
    communities_per_street: Range
    grids_per_community: Range
    households_per_grid: Range
    households_per_head: Range
    grid_party_group_share: float
    gridders_per_grid: Range
    party_members_per_grid: Range
    party_members_per_community: Range
    branches_per_community: Range
    min_committee_members: int
    min_general_branch_members: int
    household_heads: bool


def _integer(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        msg = f"{name} must be an integer, got {value!r} ({type(value).__name__})"
        raise ArgumentTypeError(msg)
    number = int(value)
    if number < low:
        msg = f"{name} must be at least {low}, got {number}"
        raise InvalidArgumentError(msg)
    return number


def _range(name: str, value: object, low: int) -> Range:
    if not isinstance(value, tuple | list) or len(value) != 2:
        msg = f"{name} must be a pair (low, high) of integers, got {value!r}"
        raise ArgumentTypeError(msg)
    lo = _integer(f"{name}[0]", value[0], low)
    hi = _integer(f"{name}[1]", value[1], low)
    if lo > hi:
        msg = f"{name} must have low <= high, got ({lo}, {hi})"
        raise InvalidArgumentError(msg)
    return lo, hi


def _share(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = f"{name} must be a number between 0 and 1, got {value!r} ({type(value).__name__})"
        raise ArgumentTypeError(msg)
    share = float(value)
    if not 0.0 <= share <= 1.0:  # also rejects NaN
        msg = f"{name} must be between 0 and 1, got {share}"
        raise InvalidArgumentError(msg)
    return share


def _string(what: str, value: object) -> str:
    if not isinstance(value, str):
        msg = f"{what} must be a string, got {type(value).__name__}"
        raise ArgumentTypeError(msg)
    return value


def _seed(value: object) -> int | np.random.Generator:
    if isinstance(value, np.random.Generator):
        return value
    return _integer("seed", value, 0)


def _params(**options: Any) -> _Params:
    heads = options["household_heads"]
    if not isinstance(heads, bool):
        msg = f"household_heads must be True or False, got {heads!r} ({type(heads).__name__})"
        raise ArgumentTypeError(msg)
    committee = _integer("min_committee_members", options["min_committee_members"], 0)
    general = _integer("min_general_branch_members", options["min_general_branch_members"], 0)
    if general > committee:
        msg = (
            "min_general_branch_members must not exceed min_committee_members, "
            f"got {general} > {committee}"
        )
        raise InvalidArgumentError(msg)
    return _Params(
        streets=_integer("streets", options["streets"], 1),
        communities_per_street=_range(
            "communities_per_street", options["communities_per_street"], 1
        ),
        grids_per_community=_range("grids_per_community", options["grids_per_community"], 1),
        households_per_grid=_range("households_per_grid", options["households_per_grid"], 1),
        households_per_head=_range("households_per_head", options["households_per_head"], 1),
        grid_party_group_share=_share("grid_party_group_share", options["grid_party_group_share"]),
        gridders_per_grid=_range("gridders_per_grid", options["gridders_per_grid"], 0),
        party_members_per_grid=_range(
            "party_members_per_grid", options["party_members_per_grid"], 0
        ),
        party_members_per_community=_range(
            "party_members_per_community", options["party_members_per_community"], 0
        ),
        branches_per_community=_range(
            "branches_per_community", options["branches_per_community"], 1
        ),
        min_committee_members=committee,
        min_general_branch_members=general,
        household_heads=heads,
    )


def _chunks(grids: IntArray, containers: IntArray) -> IntArray:
    """Split each community's grids into its containers as evenly as possible, in order."""
    owner = lay.owners(containers)
    part = lay.ranks(containers, owner)
    g, b = grids[owner], containers[owner]
    # ceil((part + 1) * g / b) - ceil(part * g / b): grid r goes to part r * b // g.
    found: IntArray = (-part * g) // b - (-(part + 1) * g) // b
    return found


def _labels(letter: str, count: int, width: int) -> npt.NDArray[np.bytes_]:
    """``letter`` followed by 1..count, zero-padded to ``width`` digits, as bytes."""
    return np.array(
        [f"{letter}{i:0{width}d}".encode("ascii") for i in range(1, count + 1)],
        dtype=f"S{1 + width}",
    )


def _joined(head: npt.NDArray[np.bytes_], tail: npt.NDArray[np.bytes_]) -> npt.NDArray[np.bytes_]:
    """Element-wise ``head + tail`` for fixed-width byte strings that fill their width."""
    a, b = head.dtype.itemsize, tail.dtype.itemsize
    pair = np.empty(len(head), dtype=[("a", f"S{a}"), ("b", f"S{b}")])
    pair["a"] = head
    pair["b"] = tail
    joined: npt.NDArray[np.bytes_] = pair.view(f"S{a + b}")
    return joined


def _digits(largest: int, least: int) -> int:
    return max(least, len(str(max(largest, 1))))


def _text(values: npt.NDArray[np.bytes_]) -> npt.NDArray[Any]:
    """ASCII byte strings as a numpy text array (variable-width strings on numpy 2)."""
    string_dtype = getattr(np.dtypes, "StringDType", None)
    if string_dtype is not None:
        text: npt.NDArray[Any] = values.astype(string_dtype())
        return text
    return values.astype(np.str_)  # pragma: no cover - numpy 1.x


def _columns(p: _Params, seed: int | np.random.Generator) -> dict[str, npt.NDArray[Any]]:
    draw = Stream(seed)
    # Structure first, so that changing a count range leaves the earlier draws alone.
    communities = draw.integers(*p.communities_per_street, p.streets)
    n_communities = int(communities.sum())
    grids = draw.integers(*p.grids_per_community, n_communities)
    branch_draw = draw.integers(*p.branches_per_community, n_communities)
    community_members = draw.integers(*p.party_members_per_community, n_communities)
    n_grids = int(grids.sum())
    households = draw.integers(*p.households_per_grid, n_grids)
    per_head = draw.integers(*p.households_per_head, n_grids)
    has_group = draw.uniform(n_grids) < p.grid_party_group_share
    gridders = draw.integers(*p.gridders_per_grid, n_grids)
    grid_members = draw.integers(*p.party_members_per_grid, n_grids)

    heads = lay.heads_per_grid(households, per_head, *p.households_per_head)
    members = lay.group_sums(heads + grid_members, grids) + community_members
    form = np.where(
        members >= p.min_committee_members,
        lay.COMMITTEE,
        np.where(members >= p.min_general_branch_members, lay.GENERAL_BRANCH, lay.BRANCH),
    )
    nested = np.where(form == lay.BRANCH, 0, np.minimum(branch_draw, grids))
    containers = np.maximum(nested, 1)
    layout = lay.layout(
        communities,
        nested,
        _chunks(grids, containers),
        heads if p.household_heads else np.zeros_like(heads),
    )

    n = layout.size
    forms = np.empty(n, dtype=np.int8)
    forms[layout.street] = lay.WORKING_COMMITTEE
    forms[layout.community] = form
    forms[layout.branch] = lay.BRANCH
    forms[layout.grid] = np.where(has_group, lay.GROUP, lay.NO_FORM)
    forms[layout.head] = lay.CENTRAL_HOUSEHOLD
    hh = np.zeros(n, dtype=np.int32)
    pm = np.zeros(n, dtype=np.int32)
    gr = np.zeros(n, dtype=np.int32)
    pm[layout.community] = community_members
    gr[layout.grid] = gridders
    if p.household_heads:
        hh[layout.head] = lay.share_out(households, heads, layout.head_of, layout.head_rank)
        pm[layout.head] = 1
        pm[layout.grid] = grid_members
    else:
        hh[layout.grid] = households
        pm[layout.grid] = grid_members + heads

    ids, names = _identifiers(p, layout, heads)
    position = np.int32 if n < 2**31 else np.int64
    return {
        "id": ids,
        "name": names,
        "tier": layout.tier,
        "form": forms,
        "parent": layout.parent.astype(position),
        "households": hh,
        "party_members": pm,
        "gridders": gr,
    }


def _identifiers(
    p: _Params, layout: lay.Layout, heads: IntArray
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """Compact ids (``S0001C03G07H12``) and short names (the last part of the id)."""
    street = _labels("S", p.streets, _digits(p.streets, 4))
    community = _labels("C", p.communities_per_street[1], _digits(p.communities_per_street[1], 2))
    branch = _labels("B", p.branches_per_community[1], _digits(p.branches_per_community[1], 1))
    grid = _labels("G", p.grids_per_community[1], _digits(p.grids_per_community[1], 2))
    most_heads = int(heads.max()) if len(heads) and p.household_heads else 0
    head = _labels("H", most_heads, _digits(most_heads, 2))

    community_ids = _joined(street[layout.community_of], community[layout.community_rank])
    grid_ids = _joined(community_ids[layout.grid_of], grid[layout.grid_rank])
    levels = [
        (layout.street, street, street),
        (layout.community, community_ids, community[layout.community_rank]),
        (
            layout.branch,
            _joined(community_ids[layout.branch_of], branch[layout.branch_rank]),
            branch[layout.branch_rank],
        ),
        (layout.grid, grid_ids, grid[layout.grid_rank]),
    ]
    if p.household_heads:
        labels = head[layout.head_rank]
        levels.append((layout.head, _joined(grid_ids[layout.head_of], labels), labels))
    id_width = max(ids.dtype.itemsize for _, ids, _ in levels)
    name_width = max(names.dtype.itemsize for _, _, names in levels)
    ids = np.zeros(layout.size, dtype=f"S{id_width}")
    names = np.zeros(layout.size, dtype=f"S{name_width}")
    for positions, level_ids, level_names in levels:
        ids[positions] = level_ids
        names[positions] = level_names
    return _text(ids), _text(names)


def synthetic_columns(
    *,
    streets: int = 10,
    seed: int | np.random.Generator = 0,
    communities_per_street: Range = (5, 15),
    grids_per_community: Range = (5, 15),
    households_per_grid: Range = (100, 200),
    households_per_head: Range = (10, 15),
    grid_party_group_share: float = 0.9,
    gridders_per_grid: Range = (1, 3),
    party_members_per_grid: Range = (0, 3),
    party_members_per_community: Range = (2, 10),
    branches_per_community: Range = (2, 5),
    min_committee_members: int = 200,
    min_general_branch_members: int = 150,
    household_heads: bool = True,
) -> dict[str, npt.NDArray[Any]]:
    """The columns of a synthetic organisation, ready for :meth:`Organisation.from_columns`.

    Takes the same arguments as :func:`synthetic` and returns what it would build, as numpy
    arrays in depth-first preorder: ``id`` and ``name`` (text arrays), ``tier`` and ``form``
    (``int8`` codes of the default scheme and of :class:`~gridorg.PartyForm`, ``-1`` for no
    form), ``parent`` (positions, ``-1`` for the streets) and the counts ``households``,
    ``party_members`` and ``gridders`` (``int32``). Use it to feed other tools, or to build the
    organisation yourself.
    """
    p = _params(
        streets=streets,
        communities_per_street=communities_per_street,
        grids_per_community=grids_per_community,
        households_per_grid=households_per_grid,
        households_per_head=households_per_head,
        grid_party_group_share=grid_party_group_share,
        gridders_per_grid=gridders_per_grid,
        party_members_per_grid=party_members_per_grid,
        party_members_per_community=party_members_per_community,
        branches_per_community=branches_per_community,
        min_committee_members=min_committee_members,
        min_general_branch_members=min_general_branch_members,
        household_heads=household_heads,
    )
    return _columns(p, _seed(seed))


def synthetic(
    *,
    streets: int = 10,
    seed: int | np.random.Generator = 0,
    communities_per_street: Range = (5, 15),
    grids_per_community: Range = (5, 15),
    households_per_grid: Range = (100, 200),
    households_per_head: Range = (10, 15),
    grid_party_group_share: float = 0.9,
    gridders_per_grid: Range = (1, 3),
    party_members_per_grid: Range = (0, 3),
    party_members_per_community: Range = (2, 10),
    branches_per_community: Range = (2, 5),
    min_committee_members: int = 200,
    min_general_branch_members: int = 150,
    household_heads: bool = True,
    name: str = "synthetic",
) -> Organisation:
    """A random but realistic organisation of ``streets`` streets; same seed, same result.

    Each street (form working committee) has ``communities_per_street`` communities, each
    community ``grids_per_community`` grids, each grid ``households_per_grid`` households, all
    drawn uniformly between the bounds given (both included). The households of a grid are
    shared among ``ceil(households / k)`` household heads (form central household, one party
    member each), with ``k`` drawn from ``households_per_head``; the count is kept within what
    lets every head cover between those bounds, and each head covers the grid's households as
    evenly as possible.

    A grid has a party group (form group) with probability ``grid_party_group_share`` and no
    party form otherwise; it has ``gridders_per_grid`` gridders and ``party_members_per_grid``
    party members besides its household heads. A community has ``party_members_per_community``
    members of its own. Its form follows its size, counting every party member in it: a
    committee from ``min_committee_members``, a general branch from
    ``min_general_branch_members``, a branch below. Committees and general branches hold their
    grids through ``branches_per_community`` nested branches (never more than grids), which
    share the grids in order. With ``household_heads=False`` the household tier is left out
    and each grid carries its households and its heads' party members itself.

    Ids are compact and sort in preorder: street ``S0001``, community ``S0001C03``, nested
    branch ``S0001C03B1``, grid ``S0001C03G07`` (numbered within the community), household
    head ``S0001C03G07H12``; names are the last part (``G07``).

    With the defaults a street has on average 10 communities, about 17 branches nested in them,
    100 grids and about 1,250 household heads: about 1,380 units. With ``seed=0``,
    ``streets=190`` gives 250,719 units; ``streets=1000`` gives 1,364,621 units with 98,837
    grids (``households_per_grid=(80, 160)`` brings that to 1,117,158 units, same grids); and
    ``streets=10_000``, a country, gives 13,805,770 units with 998,633 grids.

    ``seed`` is a non-negative integer or a ``numpy.random.Generator``. The draws use only the
    raw output of the bit generator, not ``Generator`` methods whose algorithms numpy may
    change, so an integer seed gives the same organisation as long as numpy keeps PCG64's
    stream. Raises :class:`~gridorg.InvalidArgumentError` (or its subclass
    :class:`~gridorg.ArgumentTypeError`) for bad arguments: ranges must be pairs with
    ``low <= high``, counts positive, the share between 0 and 1.
    """
    from gridorg.hierarchy import Organisation

    label = _string("name", name)
    columns = synthetic_columns(
        streets=streets,
        seed=seed,
        communities_per_street=communities_per_street,
        grids_per_community=grids_per_community,
        households_per_grid=households_per_grid,
        households_per_head=households_per_head,
        grid_party_group_share=grid_party_group_share,
        gridders_per_grid=gridders_per_grid,
        party_members_per_grid=party_members_per_grid,
        party_members_per_community=party_members_per_community,
        branches_per_community=branches_per_community,
        min_committee_members=min_committee_members,
        min_general_branch_members=min_general_branch_members,
        household_heads=household_heads,
    )
    return Organisation.from_columns(columns, name=label)
