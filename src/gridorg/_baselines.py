"""Three simple ways to get one grid, for comparison with :func:`gridorg.merge.merge_networks`:
adopting one network, the finest overlay, plain greedy region growing."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from gridorg import _merge
from gridorg._merge_checks import check_bounds, check_seed
from gridorg._merge_result import MergeResult, build_result, renumber
from gridorg.errors import InvalidArgumentError
from gridorg.networks import BaseLayer, FunctionalNetwork, resolve

IntArray = npt.NDArray[np.int64]


def adopt_network(
    networks: Sequence[FunctionalNetwork],
    base: BaseLayer,
    kind: str,
    *,
    min_households: int,
    max_households: int,
) -> MergeResult:
    """Baseline: adopt one network's cells as the grid (overlapping units go to the cell listed
    first; each gap unit becomes a grid of its own)."""
    start = time.perf_counter()
    bounds = check_bounds(min_households, max_households)
    cells = resolve(networks, base)
    kinds = [n.kind for n in networks]
    if kind not in kinds:
        msg = f"kind {kind!r} is not among the networks {kinds}"
        raise InvalidArgumentError(msg)
    column = _merge.cell_matrix([cells[kinds.index(kind)]], len(base))[:, 0]
    gaps = column < 0
    column = column.copy()
    column[gaps] = column.max(initial=-1) + 1 + np.arange(int(gaps.sum()))
    _, assignment = np.unique(
        np.column_stack([base.community_of, column]), axis=0, return_inverse=True
    )
    return build_result(
        f"adopt {kind}", base, networks, renumber(assignment.reshape(-1)), bounds, start, cells
    )


def finest_overlay(
    networks: Sequence[FunctionalNetwork],
    base: BaseLayer,
    *,
    min_households: int,
    max_households: int,
) -> MergeResult:
    """Baseline: the common refinement itself (units grouped by community and the cells they
    share, split into connected pieces), with no growing or merging."""
    start = time.perf_counter()
    bounds = check_bounds(min_households, max_households)
    cells = resolve(networks, base)
    matrix = _merge.cell_matrix(cells, len(base))
    offsets, neighbours = base.csr
    label = _merge.atoms(
        np.column_stack([base.community_of, matrix]), offsets, neighbours, contiguous=True
    )
    return build_result("finest overlay", base, networks, renumber(label), bounds, start, cells)


def greedy_growing(
    networks: Sequence[FunctionalNetwork],
    base: BaseLayer,
    *,
    min_households: int,
    max_households: int,
    seed: int = 0,
) -> MergeResult:
    """Baseline: plain greedy region growing that ignores the networks — grow a grid breadth
    first from the first free unit of a community until the next unit would pass the target
    (the middle of the bounds), then start the next grid."""
    start = time.perf_counter()
    minimum, maximum = check_bounds(min_households, max_households)
    check_seed(seed)
    cells = resolve(networks, base)  # checks the networks; the report uses them
    target = (minimum + maximum) / 2
    offsets, neighbours = base.csr
    assignment = np.full(len(base), -1, dtype=np.int64)
    order = np.random.default_rng(seed).permutation(len(base))
    grid = 0
    for seed_unit in order.tolist():
        if assignment[seed_unit] >= 0:
            continue
        community = base.community_of[seed_unit]
        queue = deque([seed_unit])
        assignment[seed_unit] = grid
        total = int(base.households[seed_unit])
        while queue and total < target:
            u = queue.popleft()
            for v in neighbours[offsets[u] : offsets[u + 1]].tolist():
                if assignment[v] < 0 and base.community_of[v] == community:
                    h = int(base.households[v])
                    if total + h > maximum:
                        continue
                    assignment[v] = grid
                    total += h
                    queue.append(v)
                    if total >= target:
                        break
        grid += 1
    return build_result(
        "greedy growing", base, networks, renumber(assignment), (minimum, maximum), start, cells
    )
