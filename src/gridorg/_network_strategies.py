"""Hypothesis strategies for multi-network merging: base layers and functional networks.

A base layer is drawn as a strip of communities, each a block of a jittered lattice: unit
``j`` of a community of width ``w`` sits at column ``j % w`` and row ``j // w`` of its block,
and is joined to the unit on its left or the unit above it (one of them, so that the block is
connected), often to the other as well and sometimes diagonally. Neighbouring blocks touch
along a column, where some units are adjacent across the community boundary.

Functional networks are drawn over a given base layer the way departments draw their cells:
seeds in every community, cells grown outwards from them one adjacent unit at a time, within
the community or, for some networks, across it; then some units dropped (gaps) and some
border units added to a neighbouring cell as well (overlaps).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from typing import Any

from hypothesis import strategies as st

from gridorg._strategy_support import (
    _check_bool,
    _check_sizes,
    _StrategyArgumentError,
)
from gridorg.networks import NETWORK_KINDS, BaseLayer, FunctionalNetwork

__all__ = ["base_layers", "functional_networks"]

#: Blocks are at most this many units wide.
_MAX_WIDTH = 6
#: Metres between lattice points, and how far a located unit strays from its point.
_SPACING = 60.0
_JITTER = 15.0


@st.composite
def _households(draw: st.DrawFn) -> int:
    """Households of one base unit (a building or a lane): three times in four a typical 10 to
    80, else anything from 0 to 300; shrinks to a typical 10."""
    typical = draw(st.integers(10, 80))
    return draw(st.integers(0, 300)) if draw(st.integers(0, 3)) == 3 else typical


_HOUSEHOLDS = _households()


def _check_kinds(kinds: object) -> tuple[str, ...]:
    if kinds is None:
        return tuple(NETWORK_KINDS)
    if isinstance(kinds, str) or not isinstance(kinds, Collection):
        msg = f"kinds must be a collection of network kinds or None, got {kinds!r}"
        raise _StrategyArgumentError(msg)
    for kind in kinds:
        if not isinstance(kind, str) or not kind.isidentifier() or kind != kind.lower():
            msg = (
                "kinds: a network kind is a lowercase identifier such as 'civil_affairs', "
                f"got {kind!r}"
            )
            raise _StrategyArgumentError(msg)
    found = tuple(dict.fromkeys(kinds))
    if not found:
        msg = "kinds must name at least one network kind, got an empty collection"
        raise _StrategyArgumentError(msg)
    return found


# ---------------------------------------------------------------------- base layers


@st.composite
def base_layers(
    draw: st.DrawFn,
    *,
    min_communities: int = 1,
    max_communities: int = 4,
    min_units: int = 1,
    max_units: int = 40,
    connected: bool = True,
    locations: bool = False,
) -> BaseLayer:
    """Base layers of between ``min_units`` and ``max_units`` units in between
    ``min_communities`` and ``max_communities`` communities.

    Each community is a connected patch of a jittered lattice (a block a few units wide, each
    unit adjacent to the unit on its left or above it, often to both, sometimes diagonally);
    the blocks stand side by side and some units on their touching columns are adjacent across
    the boundary. With ``connected=False`` some units lose their lattice links, so a community
    may fall apart into pieces and the layer into components. Households per unit are mostly
    10 to 80 (three units in four), the others anywhere from 0 to 300. With ``locations=True``
    every unit has a planar location near its lattice point (60 m apart). Communities are ``"C1"``,
    ``"C2"``, ...; unit ``j`` of community ``"C1"`` is ``"C1.j"``; units are listed in random
    order. Every community has at least one unit, so ``max_units`` must be at least
    ``min_communities``.

    Examples shrink to fewer communities and units, narrower blocks (a single column: a path),
    no extra adjacencies (each unit joined only to the unit on its left), 10 households per
    unit, and units listed community by community.
    """
    _check_sizes("communities", min_communities, max_communities, 1, None)
    _check_sizes("units", min_units, max_units, 1, None)
    if max_units < min_communities:
        msg = (
            f"max_units={max_units} cannot give each of min_communities={min_communities} "
            "communities a unit"
        )
        raise _StrategyArgumentError(msg)
    _check_bool("connected", connected)
    _check_bool("locations", locations)
    count = draw(st.integers(min_communities, min(max_communities, max_units)))
    total = draw(st.integers(max(min_units, count), max_units))
    sizes = []
    left = total
    for c in range(count - 1):
        size = draw(st.integers(1, left - (count - 1 - c)))
        sizes.append(size)
        left -= size
    sizes.append(left)

    ids: list[str] = []
    community: list[str] = []
    households: list[int] = []
    places: list[tuple[int, int]] = []
    edges: list[tuple[str, str]] = []
    x0 = 0
    blocks: list[tuple[int, int, int]] = []  # (first position, size, width) of each block
    for c, size in enumerate(sizes):
        width = draw(st.integers(1, min(size, _MAX_WIDTH)))
        first = len(ids)
        blocks.append((first, size, width))
        name = f"C{c + 1}"
        for j in range(size):
            ids.append(f"{name}.{j + 1}")
            community.append(name)
            households.append(draw(_HOUSEHOLDS))
            places.append((x0 + j % width, j // width))
            left_of = first + j - 1 if j % width else None
            above = first + j - width if j >= width else None
            tree: int | None = left_of if left_of is not None else above
            other: int | None = None
            if left_of is not None and above is not None and draw(st.booleans()):
                tree, other = above, left_of
            elif left_of is not None and above is not None:
                other = above
            here = first + j
            # ``detached`` shrinks to False: towards connected blocks.
            if tree is not None and not (not connected and draw(st.booleans())):
                edges.append((ids[tree], ids[here]))
            if other is not None and draw(st.booleans()):
                edges.append((ids[other], ids[here]))
            if above is not None and (j + 1) % width and draw(st.booleans()):
                edges.append((ids[above + 1], ids[here]))  # the diagonal up and right
        x0 += width
    for (a_first, a_size, a_width), (b_first, b_size, b_width) in itertools.pairwise(blocks):
        for line in range(min(a_size, b_size)):
            a = a_first + line * a_width + a_width - 1
            b = b_first + line * b_width
            if a >= a_first + a_size or b >= b_first + b_size:
                break
            if draw(st.booleans()):
                edges.append((ids[a], ids[b]))

    records: list[dict[str, Any]] = []
    for k, uid in enumerate(ids):
        row: dict[str, Any] = {"id": uid, "community": community[k], "households": households[k]}
        if locations:
            x, y = places[k]
            row["location"] = {
                "x": x * _SPACING + draw(st.floats(-_JITTER, _JITTER)),
                "y": y * _SPACING + draw(st.floats(-_JITTER, _JITTER)),
                "crs": "planar",
            }
        records.append(row)
    order = draw(st.permutations(range(len(records))))
    return BaseLayer.from_records([records[k] for k in order], edges)


# ---------------------------------------------------------------------- functional networks


class _Layer:
    """A base layer as plain lists: neighbours and communities by position."""

    def __init__(self, base: BaseLayer) -> None:
        offsets, neighbours = base.csr
        self.ids = base.ids
        self.community = base.community_of.tolist()
        self.adjacent: list[list[int]] = [
            neighbours[offsets[k] : offsets[k + 1]].tolist() for k in range(len(base))
        ]
        self.members: list[list[int]] = [[] for _ in base.communities]
        for k, c in enumerate(self.community):
            self.members[c].append(k)

    def reach(self, k: int, spill: bool) -> list[int]:
        """The units a cell holding ``k`` may grow into next."""
        if spill:
            return self.adjacent[k]
        here = self.community[k]
        return [m for m in self.adjacent[k] if self.community[m] == here]


@st.composite
def _network(
    draw: st.DrawFn, layer: _Layer, kind: str, gaps: bool, overlaps: bool, crossing: bool
) -> FunctionalNetwork:
    n = len(layer.ids)
    spill = crossing and draw(st.booleans())
    owner = [-1] * n
    cells: list[list[int]] = []
    frontier: list[tuple[int, int]] = []

    def claim(k: int, cell: int) -> None:
        owner[k] = cell
        cells[cell].append(k)
        frontier.extend((m, cell) for m in layer.reach(k, spill) if owner[m] < 0)

    for members in layer.members:
        wanted = draw(st.integers(1, max(1, min(len(members), 1 + len(members) // 3))))
        for k in draw(
            st.lists(st.sampled_from(members), min_size=wanted, max_size=wanted, unique=True)
        ):
            cells.append([])
            claim(k, len(cells) - 1)
    while True:
        frontier[:] = [(k, cell) for k, cell in frontier if owner[k] < 0]
        if not frontier:
            break
        k, cell = frontier.pop(draw(st.integers(0, len(frontier) - 1)))
        claim(k, cell)
    for k in range(n):  # pieces no seed reached grow cells of their own
        if owner[k] < 0:
            cells.append([])
            claim(k, len(cells) - 1)
            while frontier:
                m, cell = frontier.pop(0)
                if owner[m] < 0:
                    claim(m, cell)

    if overlaps and n:
        for k in draw(st.lists(st.integers(0, n - 1), unique=True, max_size=max(1, n // 4))):
            other = sorted({owner[m] for m in layer.reach(k, spill)} - {owner[k]})
            if other:
                cells[other[0]].append(k)
    if gaps and n:
        dropped = set(draw(st.lists(st.integers(0, n - 1), unique=True, max_size=max(1, n // 4))))
        cells = [[k for k in cell if k not in dropped] for cell in cells]
    found = {
        f"{kind}-{i + 1}": [layer.ids[k] for k in sorted(cell)]
        for i, cell in enumerate(c for c in cells if c)
    }
    return FunctionalNetwork(kind, found)


@st.composite
def functional_networks(
    draw: st.DrawFn,
    base: BaseLayer,
    *,
    kinds: Collection[str] | None = None,
    min_networks: int = 1,
    max_networks: int = 4,
    gaps: bool = True,
    overlaps: bool = True,
    crossing: bool = True,
) -> list[FunctionalNetwork]:
    """Lists of functional networks over ``base``, of distinct kinds, as departments draw them.

    There are between ``min_networks`` and ``max_networks`` networks, their kinds drawn from
    ``kinds`` (the nine kinds of :data:`~gridorg.NETWORK_KINDS` when ``None``; custom kinds
    are lowercase identifiers). Each network seeds one or more cells in every community and
    grows them one adjacent unit at a time; a unit no seed reaches (on a piece of a
    disconnected community) starts a cell of its own. So every network covers the whole layer
    with connected cells inside communities, and then, as real departments' grids do:

    - with ``crossing`` (the default), some networks grow their cells across community
      boundaries wherever units are adjacent across them;
    - with ``overlaps``, some units on a cell's border also belong to the neighbouring cell;
    - with ``gaps``, some units belong to no cell (which may also split a cell in pieces).

    With all three false, every network is a seamless partition into connected cells within
    communities. Cells are named ``"<kind>-1"``, ``"<kind>-2"``, ...; empty cells are left out.

    The strategy depends on a base layer drawn first; draw both in a test with ``st.data()``::

        @given(st.data())
        def test_merge(data):
            base = data.draw(base_layers())
            networks = data.draw(functional_networks(base))

    or as one strategy, ``base_layers().flatmap(lambda base: st.tuples(st.just(base),
    functional_networks(base)))`` (which shrinks less well: the networks are redrawn whenever
    the base layer shrinks).

    Examples shrink to fewer networks of the first kinds listed, one cell per community grown
    breadth first from a community's first units, no crossing, and no overlaps or gaps.
    """
    if not isinstance(base, BaseLayer):
        msg = f"base must be a BaseLayer, got {type(base).__name__}"
        raise _StrategyArgumentError(msg)
    pool = _check_kinds(kinds)
    _check_sizes("networks", min_networks, max_networks, 0, None)
    if min_networks > len(pool):
        msg = f"min_networks={min_networks} is more than the {len(pool)} kinds to choose from"
        raise _StrategyArgumentError(msg)
    for flag, value in (("gaps", gaps), ("overlaps", overlaps), ("crossing", crossing)):
        _check_bool(flag, value)
    layer = _Layer(base)
    count = draw(st.integers(min_networks, min(max_networks, len(pool))))
    chosen = draw(st.lists(st.sampled_from(pool), min_size=count, max_size=count, unique=True))
    return [draw(_network(layer, kind, gaps, overlaps, crossing)) for kind in chosen]
