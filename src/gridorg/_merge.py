"""The merge algorithm behind :func:`gridorg.merge.merge_networks`, on integer positions.

1. **Atoms.** Base units are grouped by their signature — their community and the cell they
   belong to in every network (``-1`` for a gap) — and each group is split into its connected
   pieces. An atom is the finest region every network agrees on: the common refinement.
2. **Split.** An atom with more households than the maximum is cut into ``ceil(h / max)``
   connected parts by breadth-first growth from its lowest-degree unit; a single unit above
   the maximum stays alone and is reported.
3. **Fill.** Regions below the minimum, smallest first, merge into the adjacent region of the
   same community that shares the most weighted cells with them (then the one whose union is
   smallest, then the longest shared border), never above the maximum. A region that cannot
   reach the minimum is reported with the reason.
4. **Consolidate.** Adjacent regions that share a cell in some network merge, best shared
   weight first, while the union stays within the maximum: a cell split into pieces comes back
   together where the bounds allow.

5. **Rebalance.** A grid still below the minimum joins an adjacent grid with room, or is
   pooled with one and the pool cut in two connected halves when both then fit the bounds;
   since each change can make room next to a grid passed over, the passes repeat until one
   changes nothing.

Ties are broken by a seeded random rank of the regions, so the same seed gives the same merge.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

IntArray = npt.NDArray[np.int64]


class Regions:
    """Regions of base units being merged: households, community, cells, neighbours."""

    def __init__(
        self,
        label: IntArray,
        households: IntArray,
        community: IntArray,
        cells: IntArray,
        weights: npt.NDArray[np.float64],
        offsets: IntArray,
        neighbours: IntArray,
        rank: IntArray,
    ) -> None:
        count = int(label.max()) + 1 if len(label) else 0
        self.label = label
        self.households = np.bincount(label, weights=households, minlength=count).astype(np.int64)
        first = np.full(count, len(label), dtype=np.int64)
        np.minimum.at(first, label, np.arange(len(label)))
        self.community = community[first] if count else np.empty(0, dtype=np.int64)
        self.weights = weights
        self._dominant: list[tuple[int, ...] | None] = [None] * count
        self.alive = np.ones(count, dtype=np.bool_)
        self.parent = np.arange(count)
        self.rank = rank
        # Cells by network: households of each cell in the region (a region starts as one atom
        # or one part of an atom, so with one cell per network).
        self.profile: list[list[dict[int, int]]] = [
            [{} for _ in range(cells.shape[1])] for _ in range(count)
        ]
        for u in range(len(label)):
            r = int(label[u])
            for n in range(cells.shape[1]):
                c = int(cells[u, n])
                if c >= 0:
                    bag = self.profile[r][n]
                    bag[c] = bag.get(c, 0) + int(households[u])
        # Borders: shared-edge counts between adjacent regions of the same community.
        self.border: list[dict[int, int]] = [{} for _ in range(count)]
        starts = np.repeat(np.arange(len(label)), np.diff(offsets))
        a, b = label[starts], label[neighbours]
        keep = (a != b) & (community[starts] == community[neighbours])
        for x, y in zip(a[keep].tolist(), b[keep].tolist(), strict=True):
            self.border[x][y] = self.border[x].get(y, 0) + 1

    def dominant(self, r: int) -> tuple[int, ...]:
        """Each network's cell holding most of region ``r``'s households (-1: none)."""
        found = self._dominant[r]
        if found is None:
            found = tuple(
                max(bag, key=lambda c: (bag[c], -c)) if bag else -1 for bag in self.profile[r]
            )
            self._dominant[r] = found
        return found

    def score(self, r: int, s: int) -> float:
        """The weight of the networks whose dominant cell ``r`` and ``s`` share."""
        a, b = self.dominant(r), self.dominant(s)
        return float(sum(w for w, x, y in zip(self.weights, a, b, strict=True) if x == y >= 0))

    def merge(self, r: int, s: int) -> int:
        """Merge ``s`` into ``r``; return ``r``."""
        self.households[r] += self.households[s]
        self._dominant[r] = None
        self.alive[s] = False
        self.parent[s] = r
        for n, bag in enumerate(self.profile[s]):
            mine = self.profile[r][n]
            for c, h in bag.items():
                mine[c] = mine.get(c, 0) + h
        self.profile[s] = []
        for t, edges in self.border[s].items():
            if t == r:
                continue
            self.border[r][t] = self.border[r].get(t, 0) + edges
            self.border[t][r] = self.border[t].get(r, 0) + edges
            self.border[t].pop(s, None)
        self.border[r].pop(s, None)
        self.border[s] = {}
        return r

    def final(self) -> IntArray:
        """Each base unit's surviving region, renumbered 0, 1, ... by first unit."""
        root = self.parent.copy()
        while True:
            up = root[root]
            if np.array_equal(up, root):
                break
            root = up
        of_unit = root[self.label]
        _, first = np.unique(of_unit, return_index=True)
        order = np.argsort(first)
        renumber = np.empty(len(root), dtype=np.int64)
        renumber[np.unique(of_unit)[order]] = np.arange(len(order))
        result: IntArray = renumber[of_unit]
        return result


def components(members: IntArray, offsets: IntArray, neighbours: IntArray) -> IntArray:
    """Connected-component labels of the units ``members`` in the adjacency restricted to them."""
    n = len(members)
    local = {int(u): i for i, u in enumerate(members.tolist())}
    rows: list[int] = []
    cols: list[int] = []
    for i, u in enumerate(members.tolist()):
        for v in neighbours[offsets[u] : offsets[u + 1]].tolist():
            j = local.get(v)
            if j is not None:
                rows.append(i)
                cols.append(j)
    graph = coo_matrix(
        (np.ones(len(rows)), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
        shape=(n, n),
    )
    _, labels = connected_components(graph, directed=False)
    result: IntArray = labels.astype(np.int64)
    return result


def atoms(
    signature: IntArray, offsets: IntArray, neighbours: IntArray, *, contiguous: bool
) -> IntArray:
    """Atom labels: units with the same signature row, split into connected pieces."""
    _, sig = np.unique(signature, axis=0, return_inverse=True)
    sig = sig.reshape(-1).astype(np.int64)
    if not contiguous:
        return sig
    n = len(sig)
    starts = np.repeat(np.arange(n), np.diff(offsets))
    same = sig[starts] == sig[neighbours]
    graph = coo_matrix((np.ones(int(same.sum())), (starts[same], neighbours[same])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    result: IntArray = labels.astype(np.int64)
    return result


def split_oversized(
    label: IntArray,
    households: IntArray,
    offsets: IntArray,
    neighbours: IntArray,
    maximum: int,
    *,
    contiguous: bool,
) -> IntArray:
    """Cut every label group above ``maximum`` households into parts within it (a unit alone
    above it stays a part of its own); return the new labels."""
    label = label.copy()
    totals = np.bincount(label, weights=households).astype(np.int64)
    next_label = int(label.max()) + 1 if len(label) else 0
    order = np.argsort(label, kind="stable")
    bounds = np.searchsorted(label[order], np.arange(len(totals) + 1))
    for group in np.flatnonzero(totals > maximum).tolist():
        members = order[bounds[group] : bounds[group + 1]]
        work = [members]
        while work:
            part = work.pop()
            total = int(households[part].sum())
            if total <= maximum or len(part) == 1:  # a unit alone above it is reported later
                label[part] = next_label
                next_label += 1
                continue
            pieces = math.ceil(total / maximum)
            target = total / pieces
            taken = _grow(part, households, offsets, neighbours, target, contiguous=contiguous)
            label[taken] = next_label
            next_label += 1
            rest = np.setdiff1d(part, taken)
            if contiguous:
                comp = components(rest, offsets, neighbours)
                work.extend(rest[comp == c] for c in range(int(comp.max()) + 1))
            else:
                work.append(rest)
    return label


def _grow(
    part: IntArray,
    households: IntArray,
    offsets: IntArray,
    neighbours: IntArray,
    target: float,
    *,
    contiguous: bool,
) -> IntArray:
    """Units of ``part`` taken breadth first from its lowest-degree unit up to ``target``
    households (at least one unit)."""
    inside = set(part.tolist())
    if not contiguous:
        ordered = part
    else:
        degree = [
            sum(1 for v in neighbours[offsets[u] : offsets[u + 1]].tolist() if v in inside)
            for u in part.tolist()
        ]
        start = int(part[int(np.argmin(degree))])
        seen = {start}
        queue = deque([start])
        walk = []
        while queue:
            u = queue.popleft()
            walk.append(u)
            for v in neighbours[offsets[u] : offsets[u + 1]].tolist():
                if v in inside and v not in seen:
                    seen.add(v)
                    queue.append(v)
        ordered = np.asarray(walk, dtype=np.int64)
    taken: list[int] = []
    total = 0
    for u in ordered.tolist():
        h = int(households[u])
        if taken and total + h > target:
            break
        taken.append(u)
        total += h
    return np.asarray(taken, dtype=np.int64)


def fill(regions: Regions, minimum: int, maximum: int, *, contiguous: bool) -> None:
    """Merge regions below ``minimum`` into neighbours (any region of the community when not
    ``contiguous``) within ``maximum``; those that cannot are named later, with the reason."""
    by_community: dict[int, list[int]] = {}
    for r in np.flatnonzero(regions.alive).tolist():
        by_community.setdefault(int(regions.community[r]), []).append(r)
    heap = [
        (int(regions.households[r]), int(regions.rank[r]), r)
        for r in np.flatnonzero(regions.alive & (regions.households < minimum)).tolist()
    ]
    heapq.heapify(heap)
    while heap:
        size, _, r = heapq.heappop(heap)
        if not regions.alive[r] or int(regions.households[r]) != size or size >= minimum:
            continue
        candidates = list(regions.border[r])
        if not contiguous:
            peers = by_community.get(int(regions.community[r]), [])
            candidates += [
                s for s in peers if s != r and regions.alive[s] and s not in regions.border[r]
            ]
        fits = [s for s in candidates if size + int(regions.households[s]) <= maximum]
        if not fits:
            continue
        best = min(
            fits,
            key=lambda s: (
                -regions.score(r, s),
                int(regions.households[s]),
                -regions.border[r].get(s, 0),
                int(regions.rank[s]),
            ),
        )
        if regions.rank[best] < regions.rank[r]:
            kept = regions.merge(best, r)
        else:
            kept = regions.merge(r, best)
        merged = int(regions.households[kept])
        if merged < minimum:
            heapq.heappush(heap, (merged, int(regions.rank[kept]), kept))


def consolidate(regions: Regions, maximum: int) -> None:
    """Merge adjacent regions that share a dominant cell, best shared weight first, within
    ``maximum``."""
    heap: list[tuple[float, int, int, int, int]] = []

    def push(r: int) -> None:
        for s in regions.border[r]:
            if not regions.alive[s]:
                continue
            union = int(regions.households[r] + regions.households[s])
            if union > maximum:
                continue
            score = regions.score(r, s)
            if score > 0:
                a, b = (r, s) if r < s else (s, r)
                rank = int(min(regions.rank[a], regions.rank[b]))
                heapq.heappush(heap, (-score, union, rank, a, b))

    for r in np.flatnonzero(regions.alive).tolist():
        push(r)
    while heap:
        negative, union, _, a, b = heapq.heappop(heap)
        if not (regions.alive[a] and regions.alive[b]) or b not in regions.border[a]:
            continue
        now = int(regions.households[a] + regions.households[b])
        if now != union or now > maximum or -negative != regions.score(a, b):
            continue
        kept = regions.merge(a, b) if regions.rank[a] < regions.rank[b] else regions.merge(b, a)
        push(kept)


def cell_matrix(cells: Sequence[Sequence[IntArray]], count: int) -> IntArray:
    """Each unit's (lowest-numbered) cell in every network, ``-1`` where a network leaves a
    gap: a ``(count, networks)`` array."""
    matrix = np.full((count, len(cells)), -1, dtype=np.int64)
    for n, network in enumerate(cells):
        column = matrix[:, n]
        for c in range(len(network) - 1, -1, -1):  # the lowest cell index wins overlaps
            column[network[c]] = c
    return matrix


def rebalance(
    assignment: IntArray,
    households: IntArray,
    community: IntArray,
    offsets: IntArray,
    neighbours: IntArray,
    minimum: int,
    maximum: int,
    *,
    contiguous: bool,
) -> IntArray:
    """Last resort for grids still below ``minimum``: join an adjacent grid of its community
    that has room (earlier cuts may have made some), or else pool it with one and cut the pool
    in two connected halves, when both halves then fit the bounds. Returns the new assignment
    (emptied grids simply disappear when renumbered)."""
    grids = _Grids(assignment, households, community, offsets, neighbours, contiguous)
    # A join or a cut can make room next to a grid already passed over: go round again until
    # a pass changes nothing. Each change lifts at least one grid to the minimum, so the passes
    # are at most as many as the grids below it.
    changed = True
    while changed:
        changed = False
        for g in np.argsort(grids.sizes, kind="stable").tolist():
            if grids.sizes[g] < minimum and len(grids.members(g)):
                changed |= grids.lift(g, minimum, maximum)
    return grids.assignment


class _Grids:
    """Grids as an assignment of base units, with their sizes and (lazily) their members."""

    def __init__(
        self,
        assignment: IntArray,
        households: IntArray,
        community: IntArray,
        offsets: IntArray,
        neighbours: IntArray,
        contiguous: bool,
    ) -> None:
        self.assignment = assignment.copy()
        self.households = households
        self.community = community
        self.offsets = offsets
        self.neighbours = neighbours
        self.contiguous = contiguous
        count = int(assignment.max()) + 1 if len(assignment) else 0
        self.sizes = np.bincount(assignment, weights=households, minlength=count).astype(np.int64)
        self._order = np.argsort(assignment, kind="stable")
        self._cuts = np.searchsorted(assignment[self._order], np.arange(count + 1))
        self._members: dict[int, IntArray] = {}

    def members(self, g: int) -> IntArray:
        """The base units of grid ``g``, sorted."""
        if g not in self._members:
            self._members[g] = np.sort(self._order[self._cuts[g] : self._cuts[g + 1]])
        return self._members[g]

    def lift(self, g: int, minimum: int, maximum: int) -> bool:
        """Join grid ``g`` (below the minimum) to an adjacent grid of its community with room,
        or pool it with one and cut the pool in two halves within the bounds; whether either
        happened."""
        own = self.members(g)
        offsets, neighbours = self.offsets, self.neighbours
        around = np.concatenate([neighbours[offsets[u] : offsets[u + 1]] for u in own.tolist()])
        other = self.assignment[around]
        same = self.community[around] == self.community[own[0]]
        borders: dict[int, int] = {}
        for s in other[same & (other != g)].tolist():
            borders[s] = borders.get(s, 0) + 1
        ordered = sorted(borders, key=lambda t: (-borders[t], t))
        sizes = self.sizes
        room = [s for s in ordered if sizes[s] + sizes[g] <= maximum]
        if room:  # earlier cuts may have made room: simply join
            s = room[0]
            self.assignment[own] = s
            sizes[s] += sizes[g]
            sizes[g] = 0
            self._members[s] = np.union1d(self.members(s), own)
            self._members[g] = own[:0]
            return True
        households = self.households
        for s in ordered:
            pool = np.concatenate([own, self.members(s)])
            total = int(households[pool].sum())
            if not 2 * minimum <= total <= 2 * maximum:
                continue
            half = _grow(
                pool, households, offsets, neighbours, total / 2, contiguous=self.contiguous
            )
            rest = np.setdiff1d(pool, half)
            a, b = int(households[half].sum()), int(households[rest].sum())
            if not (minimum <= a <= maximum and minimum <= b <= maximum):
                continue
            if (
                self.contiguous
                and len(rest)
                and int(components(rest, offsets, neighbours).max()) > 0
            ):
                continue
            self.assignment[half] = g
            self.assignment[rest] = s
            sizes[g], sizes[s] = a, b
            self._members[g] = np.sort(half)
            self._members[s] = rest
            return True
        return False
