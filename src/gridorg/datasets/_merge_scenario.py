"""The Songtao merge scenario (多网合一): a base layer and the functional grids drawn over it.

The 2025 report says Songtao merged its functional grids into 102 comprehensive grids
(「按照“多网合一”要求，优化设置综合网格102个」), and names, for the other county, the networks
that were merged: party building, comprehensive governance, environmental protection, urban
management (「推动党建、综治、环保、城管等功能网格“多网合一”」). It publishes neither the base
units nor the networks, so this module draws them from a fixed seed, consistent with the
:func:`~gridorg.datasets.songtao` preset: its 12 communities, their households, and its 73 grid
party groups.

The layout is a schematic city, not a map: a 32 × 32 lattice of 80 m squares, each one base
unit (a building 楼栋, a lane 街巷 or a block 街区), adjacent to the squares beside it. A
Hilbert curve runs through the lattice; the communities are consecutive stretches of it, so
each is connected. Every network cuts a Hilbert path into consecutive runs of households:
community networks cut the communities' own path, city-wide networks the path turned or
mirrored, so their cells cross community lines. :mod:`gridorg.datasets._provenance` lists
every assumption.
"""

from __future__ import annotations

import functools
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from gridorg.datasets._stream import Stream
from gridorg.networks import BaseLayer, FunctionalNetwork

IntArray = npt.NDArray[np.int64]

#: The merge bounds of the scenario: households per comprehensive grid, as in the preset.
BOUNDS: Final = (200, 450)
#: The seed of the scenario (see ``docs/datasets.md`` for how it was chosen).
SEED: Final = 299
ORDER: Final = 5
SIDE: Final = 1 << ORDER
CELL_METRES: Final = 80.0

#: Base unit kinds: id letter, share of 2 × 2 squares, households drawn (before scaling).
UNIT_KINDS: Final = (
    ("B", 0.5, (18, 54)),  # building 楼栋 in a residential quarter
    ("L", 0.3, (6, 24)),  # lane 街巷 of the old town
    ("K", 0.2, (24, 72)),  # block 街区 of mixed shops and housing
)
BUILDING, LANE, BLOCK = 0, 1, 2


@attrs.frozen
class _Network:
    """How one functional network is drawn.

    ``path`` is the orientation of the Hilbert curve its cells are cut along (0: the curve
    the communities follow; cells then stay inside communities); ``sizes`` the households of
    a cell, drawn uniformly; ``crossing`` moves a few units over every other community line;
    ``overlap`` is the chance that a unit at the start of a cell is also listed in the cell
    before; ``gap_buildings`` the chance that a building is left out; ``only_streets`` leaves
    every building out (the network covers lanes and blocks only).
    """

    kind: str
    name: str
    prefix: str
    path: int
    sizes: tuple[int, int]
    crossing: bool = False
    overlap: float = 0.0
    gap_buildings: float = 0.0
    only_streets: bool = False


#: The functional networks, in the order the merge receives them. ``party_building`` is not
#: here: it has one cell per grid party group of the preset (see :func:`_party_building`).
NETWORKS: Final = (
    _Network("political_legal", "综治网格", "ZZ", 0, (200, 400), crossing=True, overlap=0.25),
    _Network("civil_affairs", "民政网格", "MZ", 0, (2400, 4000)),
    _Network("environment", "环保网格", "HB", 4, (2000, 4000)),
    _Network("urban_management", "城管网格", "CG", 2, (600, 1200), gap_buildings=0.125),
    _Network("health", "卫生健康网格", "WJ", 5, (1200, 2400), overlap=0.3),
    _Network("market_regulation", "市场监管网格", "SJ", 6, (800, 1600), only_streets=True),
    _Network("emergency_management", "应急管理网格", "YJ", 3, (1500, 3000)),
)


def hilbert(order: int) -> tuple[IntArray, IntArray]:
    """The lattice coordinates of the squares along a Hilbert curve of ``2**order`` a side."""
    side = 1 << order
    step = np.arange(side * side, dtype=np.int64)
    x = np.zeros_like(step)
    y = np.zeros_like(step)
    s = 1
    while s < side:
        rx = 1 & (step // 2)
        ry = 1 & (step ^ rx)
        turn = ry == 0
        mirror = turn & (rx == 1)
        x = np.where(mirror, s - 1 - x, x)
        y = np.where(mirror, s - 1 - y, y)
        x, y = np.where(turn, y, x), np.where(turn, x, y)
        x = x + s * rx
        y = y + s * ry
        step //= 4
        s *= 2
    return x, y


def apportion(total: int, weights: npt.NDArray[np.float64]) -> IntArray:
    """``total`` shared in proportion to ``weights`` by largest remainders (ties: first)."""
    raw = total * weights / weights.sum()
    shares: IntArray = np.floor(raw).astype(np.int64)
    rest = total - int(shares.sum())
    shares[np.argsort(-(raw - shares), kind="stable")[:rest]] += 1
    return shares


@attrs.frozen
class _Preset:
    """What the scenario takes from the preset: communities, households and party groups."""

    communities: tuple[str, ...]
    households: IntArray
    groups: IntArray


@functools.cache
def _preset() -> _Preset:
    from gridorg.datasets._presets import songtao

    org = songtao()
    (street,) = org.units(tier="street")
    communities = tuple(u.id for u in org.children(street.id) if u.tier == "community")
    households = [org.total(c, "households") for c in communities]
    groups = [
        sum(1 for u in org.subtree(c) if u.tier == "grid" and u.form == "group")
        for c in communities
    ]
    return _Preset(
        communities, np.asarray(households, dtype=np.int64), np.asarray(groups, dtype=np.int64)
    )


def _cut(order: IntArray, households: IntArray, sizes: IntArray, phase: int) -> IntArray:
    """Cells along ``order``: runs of ``sizes`` households, the first shortened by ``phase``;
    numbered 0, 1, ... with no empty cell."""
    running = np.cumsum(households[order]) - households[order] / 2
    ends = np.cumsum(sizes) - phase
    cell = np.searchsorted(ends, running, side="right")
    _, found = np.unique(cell, return_inverse=True)
    result: IntArray = found.reshape(-1).astype(np.int64)
    return result


def _draw_sizes(draw: Stream, total: int, sizes: tuple[int, int]) -> tuple[IntArray, int]:
    low, high = sizes
    drawn = draw.integers(low, high, total // low + 2)
    phase = int(draw.integers(0, low // 2, 1)[0])
    return drawn, phase


@attrs.frozen
class _Lattice:
    """The base units: lattice squares in curve order, with community, kind and households."""

    x: IntArray
    y: IntArray
    at: IntArray  # at[x, y]: the unit on that square
    community: IntArray
    kind: IntArray
    households: IntArray
    ids: tuple[str, ...]


def _lattice(preset: _Preset, draw: Stream) -> _Lattice:
    x, y = hilbert(ORDER)
    n = SIDE * SIDE
    at = np.empty((SIDE, SIDE), dtype=np.int64)
    at[x, y] = np.arange(n)
    units = apportion(n, preset.households.astype(np.float64))
    community = np.repeat(np.arange(len(units), dtype=np.int64), units)
    share = draw.uniform(n // 4)
    cumulative = np.cumsum([k[1] for k in UNIT_KINDS])
    kind = np.searchsorted(cumulative, share, side="right").astype(np.int64).repeat(4)
    raw = np.zeros(n, dtype=np.int64)
    for k, (_, _, (low, high)) in enumerate(UNIT_KINDS):
        drawn = draw.integers(low, high, n)
        raw[kind == k] = drawn[kind == k]
    households = np.zeros(n, dtype=np.int64)
    ids: list[str] = []
    for c, name in enumerate(preset.communities):
        members = np.flatnonzero(community == c)
        households[members] = 1 + apportion(
            int(preset.households[c]) - len(members), raw[members].astype(np.float64)
        )
        ids.extend(
            f"{name}-{UNIT_KINDS[int(kind[k])][0]}{i:03d}"
            for i, k in enumerate(members.tolist(), start=1)
        )
    return _Lattice(x, y, at, community, kind, households, tuple(ids))


def _path(lattice: _Lattice, orientation: int) -> IntArray:
    """The units in the order of the Hilbert curve turned or mirrored by ``orientation``
    (bit 1: mirror x, bit 2: mirror y, bit 4: swap the axes); each step is to an adjacent
    square."""
    x, y = lattice.x, lattice.y
    if orientation & 1:
        x = SIDE - 1 - x
    if orientation & 2:
        y = SIDE - 1 - y
    if orientation & 4:
        x, y = y, x
    order: IntArray = np.argsort(lattice.at[x, y], kind="stable").astype(np.int64)
    return order


def _party_building(lattice: _Lattice, preset: _Preset, draw: Stream) -> FunctionalNetwork:
    """One cell per grid party group of the preset, cut from its community along the curve
    into parts of 80–120 % of the community's mean."""
    cells: dict[str, list[str]] = {}
    for c, name in enumerate(preset.communities):
        members = np.flatnonzero(lattice.community == c)
        count = int(preset.groups[c])
        weights = 0.8 + 0.4 * draw.uniform(count)
        total = int(lattice.households[members].sum())
        sizes = apportion(total, weights)
        cell = _cut(members, lattice.households, sizes, 0)
        for j, k in zip(cell.tolist(), members.tolist(), strict=True):
            cells.setdefault(f"{name}-PB{j + 1:02d}", []).append(lattice.ids[k])
    return FunctionalNetwork("party_building", cells, name="党建网格")


def _network(
    spec: _Network, lattice: _Lattice, preset: _Preset, draw: Stream
) -> FunctionalNetwork:
    hh = lattice.households
    cell = np.full(len(hh), -1, dtype=np.int64)
    label: list[str] = []
    if spec.path == 0:
        # Community networks: each community's stretch of the curve, cut on its own.
        for c, name in enumerate(preset.communities):
            members = np.flatnonzero(lattice.community == c)
            sizes, phase = _draw_sizes(draw, int(hh[members].sum()), spec.sizes)
            local = _cut(members, hh, sizes, phase)
            cell[members] = local + len(label)
            label.extend(f"{name}-{spec.prefix}{j + 1:02d}" for j in range(int(local.max()) + 1))
        order = np.arange(len(hh), dtype=np.int64)
    else:
        order = _path(lattice, spec.path)
        sizes, phase = _draw_sizes(draw, int(hh.sum()), spec.sizes)
        cell[order] = _cut(order, hh, sizes, phase)
        label.extend(f"{spec.prefix}{j + 1:02d}" for j in range(int(cell.max()) + 1))
    extra: list[tuple[int, int]] = []  # (unit, cell): a unit listed in a second cell
    if spec.crossing:
        # Every other community line: the first 2–4 units of the next community go to the
        # last cell of this one.
        ends = np.flatnonzero(np.diff(lattice.community)) + 1
        reach = draw.integers(2, 4, len(ends))
        for line, (start, steps) in enumerate(zip(ends.tolist(), reach.tolist(), strict=True)):
            if line % 2 == 0:
                cell[start : start + steps] = cell[start - 1]
    if spec.overlap:
        along = cell[order]
        starts = np.flatnonzero(along[1:] != along[:-1]) + 1
        chosen = draw.uniform(len(starts)) < spec.overlap
        extra.extend(
            (int(order[s]), int(along[s - 1]))
            for s in starts[chosen].tolist()
            if along[s - 1] >= 0
        )
    left_out = np.zeros(len(hh), dtype=np.bool_)
    if spec.gap_buildings:
        left_out |= (lattice.kind == BUILDING) & (draw.uniform(len(hh)) < spec.gap_buildings)
    if spec.only_streets:
        left_out |= lattice.kind == BUILDING
    cell[left_out] = -1
    cells: dict[str, list[str]] = {name: [] for name in label}
    for k in order.tolist():
        if cell[k] >= 0:
            cells[label[int(cell[k])]].append(lattice.ids[k])
    for k, c in extra:
        cells[label[c]].append(lattice.ids[k])
    return FunctionalNetwork(
        spec.kind, {name: units for name, units in cells.items() if units}, name=spec.name
    )


def scenario(seed: int) -> tuple[BaseLayer, tuple[FunctionalNetwork, ...]]:
    """The scenario's base layer and networks drawn from ``seed``."""
    preset = _preset()
    lattice = _lattice(preset, Stream(seed))
    records = [
        {
            "id": uid,
            "community": preset.communities[int(c)],
            "households": int(h),
            "location": {
                "x": (int(x) + 0.5) * CELL_METRES,
                "y": (int(y) + 0.5) * CELL_METRES,
                "crs": "planar",
            },
        }
        for uid, c, h, x, y in zip(
            lattice.ids,
            lattice.community.tolist(),
            lattice.households.tolist(),
            lattice.x.tolist(),
            lattice.y.tolist(),
            strict=True,
        )
    ]
    right = lattice.at[:-1, :].ravel(), lattice.at[1:, :].ravel()
    up = lattice.at[:, :-1].ravel(), lattice.at[:, 1:].ravel()
    edges = [
        (lattice.ids[a], lattice.ids[b])
        for pair in (right, up)
        for a, b in zip(pair[0].tolist(), pair[1].tolist(), strict=True)
    ]
    base = BaseLayer.from_records(records, edges)
    networks = [_party_building(lattice, preset, Stream(seed + 1))]
    networks.extend(
        _network(spec, lattice, preset, Stream(seed + 2 + i)) for i, spec in enumerate(NETWORKS)
    )
    return base, tuple(networks)


@functools.cache
def songtao_networks() -> tuple[BaseLayer, tuple[FunctionalNetwork, ...], tuple[int, int]]:
    """The Songtao merge scenario: ``(base, networks, bounds)``.

    A base layer of 1,024 units (buildings 楼栋, lanes 街巷 and blocks 街区) over the 12
    communities of :func:`~gridorg.datasets.songtao`, with the preset's households; eight
    functional networks drawn independently over it — party building (党建, one cell per grid
    party group), comprehensive governance (综治), civil affairs (民政), environmental
    protection (环保), urban management (城管), health (卫生健康), market regulation (市场监管)
    and emergency management (应急管理) — with gaps, overlaps and cells crossing community
    lines; and the bounds ``(200, 450)`` households per grid. Merged under those bounds::

        base, networks, (low, high) = songtao_networks()
        merge_networks(networks, base, min_households=low, max_households=high)

    they give the 102 comprehensive grids of the report, none outside the bounds. Everything
    but the preset's figures is an assumption, listed in ``provenance("songtao")``.
    Deterministic: every call returns the same value.
    """
    base, networks = scenario(SEED)
    return base, networks, BOUNDS
