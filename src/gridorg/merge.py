"""Multi-network merging (多网合一): functional grids into one seamless comprehensive grid.

:func:`merge_networks` partitions the base layer into comprehensive grids: every base unit in
exactly one grid (无缝衔接), no grid crossing a community, each grid connected when asked,
each grid's households within the bounds wherever that is feasible (规模适度), and each
department's cells kept in as few grids as the bounds allow. The result carries a crosswalk
between every functional cell and the merged grids, and a report. How the merge works is in
:mod:`gridorg._merge`; ``docs/merging.md`` explains it and compares it with three baselines
(:func:`adopt_network`, :func:`finest_overlay`, :func:`greedy_growing`).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from gridorg import _merge
from gridorg._baselines import adopt_network, finest_overlay, greedy_growing
from gridorg._merge_checks import (
    check_bounds,
    check_connected,
    check_respect,
    check_seed,
    check_weights,
)
from gridorg._merge_result import MergeReport, MergeResult, build_result, renumber, spanning
from gridorg.errors import ArgumentTypeError, InvalidArgumentError
from gridorg.networks import BaseLayer, FunctionalNetwork, resolve

__all__ = [
    "MergeReport",
    "MergeResult",
    "adopt_network",
    "finest_overlay",
    "greedy_growing",
    "merge_networks",
]

IntArray = npt.NDArray[np.int64]


def merge_networks(
    networks: Sequence[FunctionalNetwork],
    base: BaseLayer,
    *,
    min_households: int,
    max_households: int,
    respect: tuple[str, ...] = ("community",),
    contiguous: bool = True,
    weights: Mapping[str, float] | None = None,
    seed: int = 0,
) -> MergeResult:
    """Merge functional networks into one comprehensive grid over ``base``.

    Every base unit ends in exactly one grid; with ``respect=("community",)`` no grid crosses
    a community; with ``contiguous=True`` every grid is connected in the adjacency (each
    community must then be connected). Grids hold between ``min_households`` and
    ``max_households`` households wherever that is feasible; the others are named in
    :attr:`MergeResult.infeasible` with the reason. Within the bounds, each network's cells are
    kept in as few grids as possible, weighted by ``weights`` (network kind → weight, default
    1), then sizes are balanced. ``seed`` breaks ties: the same seed gives the same result.
    """
    start = time.perf_counter()
    minimum, maximum = check_bounds(min_households, max_households)
    by_community = check_respect(respect)
    check_seed(seed)
    if not isinstance(contiguous, bool):
        msg = f"contiguous must be True or False, got {contiguous!r}"
        raise ArgumentTypeError(msg)
    cells = resolve(networks, base)
    weight = check_weights(networks, weights)
    if contiguous:
        check_connected(base, by_community)
    matrix = _merge.cell_matrix(cells, len(base))
    community = base.community_of if by_community else np.zeros(len(base), dtype=np.int64)
    signature = np.column_stack([community, matrix])
    offsets, neighbours = base.csr
    label = _merge.atoms(signature, offsets, neighbours, contiguous=contiguous)
    # Units alone above the maximum and regions the fill cannot lift are named with their
    # reasons once the grids are final (build_result).
    label = _merge.split_oversized(
        label, base.households, offsets, neighbours, maximum, contiguous=contiguous
    )
    _, label = np.unique(label, return_inverse=True)
    label = label.astype(np.int64)
    rng = np.random.default_rng(seed)
    count = int(label.max()) + 1 if len(label) else 0
    rank = rng.permutation(count).astype(np.int64)
    regions = _merge.Regions(
        label, base.households, community, matrix, weight, offsets, neighbours, rank
    )
    _merge.fill(regions, minimum, maximum, contiguous=contiguous)
    _merge.consolidate(regions, maximum)
    assignment = _merge.rebalance(
        regions.final(),
        base.households,
        community,
        offsets,
        neighbours,
        minimum,
        maximum,
        contiguous=contiguous,
    )
    assignment = renumber(assignment)
    return build_result(
        "merge",
        base,
        networks,
        assignment,
        (minimum, maximum),
        start,
        cells,
    )


def with_grids(
    org: Any,
    result: MergeResult,
    *,
    tier: str = "grid",
    form: str | None = None,
    replace: bool = True,
    drop_links: bool = False,
) -> Any:
    """``org`` with the merged grids attached under their communities as units of ``tier``.

    Each grid becomes a unit with the grid's id, its households and party form ``form``, whose
    parent is its community (a unit of ``org`` with the community's id). With ``replace=True``
    (the default) the units of ``tier`` already under those communities, and their subtrees,
    are removed first; links touching them are reported unless ``drop_links=True``.
    """
    from gridorg.hierarchy import Organisation

    if not isinstance(org, Organisation):
        msg = f"with_grids needs an Organisation, got {type(org).__name__}"
        raise ArgumentTypeError(msg)
    if not isinstance(result, MergeResult):
        msg = f"with_grids needs a MergeResult, got {type(result).__name__}"
        raise ArgumentTypeError(msg)
    if tier not in org.scheme.names:
        msg = f"tier {tier!r} is not in the scheme; its tiers are {', '.join(org.scheme.names)}"
        raise InvalidArgumentError(msg)
    missing = [c for c in result.base.communities if c not in org]
    if missing:
        shown = ", ".join(map(repr, missing[:5]))
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        msg = f"the merge's communities {shown}{more} are not units of {org._desc()}"
        raise InvalidArgumentError(msg)
    if replace:
        tier_code = org.scheme.index(tier)
        tiers = org.column("tier")
        parents = org.column("parent")
        sizes = org.column("size")
        outer: list[str] = []
        for community in result.base.communities:
            k = org.index(community)
            inside = np.arange(k + 1, k + int(sizes[k]))
            of_tier = inside[tiers[inside] == tier_code]
            top = of_tier[tiers[parents[of_tier]] != tier_code]  # nested grids go with them
            outer.extend(org._parts.ids.take(top))
        if outer:
            org = org.remove(*outer, drop_links=drop_links)
    across = spanning(result)
    if across:
        msg = (
            f"grid {across[0]!r} spans several communities (a merge with respect=()); "
            "with_grids attaches grids under one community each"
        )
        raise InvalidArgumentError(msg)
    households = result.households
    communities = result.community
    clash = [g for g in result.grid_ids if g in org or org.links.entity_ref(g) is not None]
    if clash:
        shown = ", ".join(map(repr, clash[:5]))
        msg = f"grid ids {shown} are already used in {org._desc()}"
        raise InvalidArgumentError(msg)
    return org.add_units(
        {
            "id": grid,
            "tier": tier,
            "parent": communities[grid],
            "form": form,
            "households": households[grid],
        }
        for grid in result.grid_ids
    )
