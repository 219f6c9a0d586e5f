"""Vectorised tree algorithms over parent arrays.

Everything here works on integer arrays (``parent[i]`` is the position of ``i``'s parent or -1)
and runs in a handful of numpy passes, never a Python loop per unit: depth by pointer doubling
(which also finds cycles), subtree sizes level by level from the bottom, preorder positions
level by level from the top, per-tier ancestor tables, and subtree sums.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def depths(parent: IntArray) -> tuple[IntArray, BoolArray]:
    """The depth of every node and a mask of nodes that never reach a root.

    Pointer doubling: after round *k*, ``anc[i]`` is the 2**k-th ancestor of ``i`` (or its root)
    and ``dist[i]`` the number of steps to it, so ``log2(max depth) + 1`` rounds suffice. Nodes
    on a cycle, or below one, never reach a root and are flagged.
    """
    n = len(parent)
    small = np.int32 if n < 2**31 else np.int64
    index = np.arange(n, dtype=small)
    anc: npt.NDArray[np.integer[Any]] = np.where(parent < 0, index, parent).astype(small)
    del index
    dist: npt.NDArray[np.integer[Any]] = (parent >= 0).astype(small)
    for _ in range(n.bit_length() + 1):
        nxt = anc[anc]
        if np.array_equal(nxt, anc):
            break
        dist += dist[anc]
        anc = nxt
        del nxt
    stuck = parent[anc] >= 0
    dist[stuck] = -1
    return dist.astype(np.int64), stuck


def cycles(parent: IntArray, stuck: BoolArray) -> list[list[int]]:
    """The distinct cycles among the ``stuck`` nodes, each as positions in parent order.

    Each cycle starts at its member that comes first in the input.
    """
    found: list[list[int]] = []
    state: dict[int, int] = {}  # node -> walk number that visited it
    for walk, start in enumerate(np.flatnonzero(stuck).tolist()):
        if start in state:
            continue
        path: list[int] = []
        node = start
        while node not in state:
            state[node] = walk
            path.append(node)
            node = int(parent[node])
        if state[node] == walk:  # closed a new cycle
            members = path[path.index(node) :]
            first = members.index(min(members))
            found.append(members[first:] + members[:first])
    found.sort(key=lambda members: members[0])
    return found


def _levels(depth: IntArray) -> tuple[IntArray, IntArray]:
    """Nodes sorted by depth (stably) and the bounds of each depth's run."""
    max_depth = int(depth.max()) if len(depth) else 0
    key = depth.astype(np.int16) if max_depth < 2**15 else depth
    by_depth = np.argsort(key, kind="stable")
    bounds = np.zeros(max_depth + 2, dtype=np.int64)
    np.cumsum(np.bincount(depth, minlength=max_depth + 1), out=bounds[1:])
    return by_depth, bounds


def preorder(parent: IntArray, depth: IntArray) -> tuple[IntArray, IntArray]:
    """Preorder positions and subtree sizes, for a forest without cycles.

    Children keep their input order; roots too. Returns ``(position, size)`` indexed by input
    position: ``position[i]`` is where node ``i`` lands in a depth-first preorder.
    """
    n = len(parent)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    by_depth, bounds = _levels(depth)
    size = np.ones(n, dtype=np.int64)
    for d in range(len(bounds) - 2, 0, -1):
        nodes = by_depth[bounds[d] : bounds[d + 1]]
        np.add.at(size, parent[nodes], size[nodes])
    del by_depth
    if _already_preorder(parent, size):
        return np.arange(n, dtype=np.int64), size
    by_depth, bounds = _levels(depth)
    # Offset of every node among its siblings: exclusive running sum of earlier siblings' sizes.
    grouped = np.argsort(parent, kind="stable")
    sizes = size[grouped]
    running = np.cumsum(sizes) - sizes
    parents_sorted = parent[grouped]
    starts = np.ones(n, dtype=np.bool_)
    starts[1:] = parents_sorted[1:] != parents_sorted[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    offset = np.empty(n, dtype=np.int64)
    offset[grouped] = running - running[first]
    position = np.empty(n, dtype=np.int64)
    roots = by_depth[bounds[0] : bounds[1]]
    position[roots] = offset[roots]
    for d in range(1, len(bounds) - 1):
        nodes = by_depth[bounds[d] : bounds[d + 1]]
        position[nodes] = position[parent[nodes]] + 1 + offset[nodes]
    return position, size


def _already_preorder(parent: IntArray, size: IntArray) -> bool:
    """Whether the input order is already a depth-first preorder.

    It is exactly when every node lies inside its parent's span ``[p, p + size[p])`` and its
    own span ends inside it: then every subtree fills a contiguous span, root first.
    """
    child = np.flatnonzero(parent >= 0)
    up = parent[child]
    return bool(np.all((up < child) & (child + size[child] <= up + size[up])))


def ancestor_table(
    parent: IntArray, tier: npt.NDArray[np.int8], depth: IntArray, tiers: int, *, nearest: bool
) -> npt.NDArray[np.int32]:
    """``table[t, i]``: the ancestor-or-self of ``i`` at tier ``t``, or -1.

    With ``nearest`` the closest such unit, otherwise the topmost one (the head of that tier on
    the path: for a grid under a branch under a general branch, the general branch).
    """
    n = len(parent)
    table = np.full((tiers, n), -1, dtype=np.int32)
    if n == 0:
        return table
    by_depth, bounds = _levels(depth)
    for d in range(len(bounds) - 1):
        nodes = by_depth[bounds[d] : bounds[d + 1]]
        if d > 0:
            table[:, nodes] = table[:, parent[nodes]]
        own = tier[nodes].astype(np.int64)
        if nearest:
            table[own, nodes] = nodes
        else:
            empty = table[own, nodes] < 0
            table[own[empty], nodes[empty]] = nodes[empty]
    return table


def subtree_sums(
    values: npt.NDArray[np.integer[Any]], size: npt.NDArray[np.integer[Any]]
) -> IntArray:
    """Sum of ``values`` over each node's subtree, for arrays in preorder."""
    n = len(values)
    running = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(values, out=running[1:])
    index = np.arange(n, dtype=np.int64)
    result: IntArray = running[index + size] - running[index]
    return result
