"""Functional grids and the base layer they are drawn over (多网合一, the inputs of a merge).

Before a city runs "one network for all", each department has drawn its own grid: party
building, political-legal and comprehensive governance, civil affairs, environmental
protection, urban management, petitions, market regulation, health, emergency management
(the 2024 central list). A :class:`BaseLayer` holds the smallest spatial units those grids are
drawn over (buildings, lanes, blocks: id, community, households, optional location) and their
adjacency; a :class:`FunctionalNetwork` is one department's grid, its cells naming base units.
:func:`diagnose` says what is wrong with each network; :func:`gridorg.merge.merge_networks`
merges them into one comprehensive grid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from gridorg._base_layer import BaseLayer, fail
from gridorg._fields import describe, id_problem
from gridorg.errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    Problem,
)

__all__ = [
    "NETWORK_KINDS",
    "BaseLayer",
    "CellDiagnosis",
    "FunctionalNetwork",
    "NetworkDiagnosis",
    "diagnose",
]

#: The functional networks of the 2024 central list, with the Chinese terms. Custom kinds are
#: any other lowercase identifier.
NETWORK_KINDS: Final = {
    "party_building": "党建",
    "political_legal": "政法综治",
    "civil_affairs": "民政",
    "environment": "生态环境",
    "urban_management": "城管",
    "petitions": "信访",
    "market_regulation": "市场监管",
    "health": "卫生健康",
    "emergency_management": "应急管理",
}

IntArray = npt.NDArray[np.int64]


# ---------------------------------------------------------------------- networks


def _kind(value: object) -> str:
    if not isinstance(value, str) or not value.isidentifier() or value != value.lower():
        msg = (
            "a network kind is a lowercase identifier such as 'civil_affairs', "
            f"got {describe(value)}"
        )
        raise InvalidArgumentError(msg)
    return value


def _cells(value: object) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        msg = f"cells must map cell ids to base unit ids, got {type(value).__name__}"
        raise ArgumentTypeError(msg)
    cells: dict[str, tuple[str, ...]] = {}
    for cell, units in value.items():
        bad = id_problem("cell id", cell)
        if bad:
            raise InvalidArgumentError(bad)
        if isinstance(units, str) or not isinstance(units, Iterable):
            msg = f"cell {cell!r}: expected a collection of base unit ids, got {describe(units)}"
            raise ArgumentTypeError(msg)
        listed = tuple(units)
        wrong = [uid for uid in listed if not isinstance(uid, str)]
        if wrong:
            msg = f"cell {cell!r}: base unit ids are strings, got {describe(wrong[0])}"
            raise ArgumentTypeError(msg)
        cells[cell] = listed
    return cells


@attrs.frozen(eq=False, repr=False)
class FunctionalNetwork:
    """One department's functional grid.

    A ``kind`` (see :data:`NETWORK_KINDS`, or a custom identifier) and its cells, each naming
    the base units it covers.

    Cells may leave gaps and overlap; :func:`diagnose` reports both, and the merge handles them.
    """

    kind: str = attrs.field(converter=_kind)
    cells: Mapping[str, tuple[str, ...]] = attrs.field(converter=_cells)
    name: str = ""

    @property
    def label(self) -> str:
        """The Chinese term for a canonical kind, else the name or the kind."""
        return NETWORK_KINDS.get(self.kind) or self.name or self.kind

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FunctionalNetwork):
            return NotImplemented
        return (self.kind, self.name, dict(self.cells)) == (
            other.kind,
            other.name,
            dict(other.cells),
        )

    def __hash__(self) -> int:
        return hash((self.kind, self.name, tuple(self.cells.items())))

    def __repr__(self) -> str:
        units = sum(len(units) for units in self.cells.values())
        return (
            f"<FunctionalNetwork {self.kind}: {len(self.cells)} cells over {units} "
            "unit memberships>"
        )

    def to_record(self) -> dict[str, Any]:
        """This network as a JSON-compatible mapping."""
        return {
            "kind": self.kind,
            "name": self.name,
            "cells": {cell: list(units) for cell, units in self.cells.items()},
        }


def resolve(networks: Sequence[FunctionalNetwork], base: BaseLayer) -> list[list[IntArray]]:
    """Every network's cells as arrays of base positions; unknown units and repeated network
    kinds are reported at once in a :class:`~gridorg.NetworkError`."""
    if isinstance(networks, FunctionalNetwork) or not isinstance(networks, Sequence):
        msg = "networks must be a sequence of FunctionalNetwork values"
        raise ArgumentTypeError(msg)
    if not isinstance(base, BaseLayer):
        msg = f"base must be a BaseLayer, got {type(base).__name__}"
        raise ArgumentTypeError(msg)
    problems: list[Problem] = []
    seen: set[str] = set()
    out: list[list[IntArray]] = []
    for n, network in enumerate(networks):
        if not isinstance(network, FunctionalNetwork):
            msg = f"networks[{n}] must be a FunctionalNetwork, got {type(network).__name__}"
            raise ArgumentTypeError(msg)
        if network.kind in seen:
            text = f"networks[{n}]: kind {network.kind!r} appears twice"
            problems.append(Problem("duplicate_network", text, index=n))
        seen.add(network.kind)
        cells = []
        for cell, units in network.cells.items():
            positions = []
            for uid in units:
                k = base._index.get(uid) if isinstance(uid, str) else None
                if k is None:
                    text = f"network {network.kind!r}, cell {cell!r}: {uid!r} is not a base unit"
                    problems.append(Problem("unknown_unit", text, index=n, field=cell))
                else:
                    positions.append(k)
            cells.append(np.unique(np.asarray(positions, dtype=np.int64)))
        out.append(cells)
    fail(problems, "functional networks")
    return out


# ---------------------------------------------------------------------- diagnosis


@attrs.frozen
class CellDiagnosis:
    """One cell: its households, units, the communities it touches, its connected pieces."""

    cell: str
    units: int
    households: int
    communities: tuple[str, ...]
    pieces: int


@attrs.frozen
class NetworkDiagnosis:
    """What is wrong with one network: gaps (units no cell covers), overlaps (units in two or
    more cells), cells crossing community boundaries, cells disconnected in the adjacency."""

    kind: str
    cells: tuple[CellDiagnosis, ...]
    gaps: tuple[str, ...]
    overlaps: Mapping[str, tuple[str, ...]]
    crossing: tuple[str, ...]
    disconnected: tuple[str, ...]

    @property
    def seamless(self) -> bool:
        """No gaps and no overlaps (无缝衔接)."""
        return not self.gaps and not self.overlaps

    @property
    def sizes(self) -> IntArray:
        """Households per cell, in cell order."""
        return np.array([c.households for c in self.cells], dtype=np.int64)


def pieces(base: BaseLayer, members: IntArray) -> int:
    """How many connected pieces the units ``members`` form in the adjacency."""
    if len(members) == 0:
        return 0
    from gridorg._merge import components  # scipy: loaded when first needed

    offsets, neighbours = base.csr
    return int(components(members, offsets, neighbours).max()) + 1


def diagnose(
    networks: Sequence[FunctionalNetwork], base: BaseLayer
) -> tuple[NetworkDiagnosis, ...]:
    """A :class:`NetworkDiagnosis` for each network, in order."""
    resolved = resolve(networks, base)
    found = []
    for network, cells in zip(networks, resolved, strict=True):
        cover = np.zeros(len(base), dtype=np.int64)
        where: dict[int, list[str]] = {}
        rows = []
        for cell, members in zip(network.cells, cells, strict=True):
            cover[members] += 1
            for k in members.tolist():
                where.setdefault(k, []).append(cell)
            touched = sorted({base.communities[c] for c in base.community_of[members].tolist()})
            rows.append(
                CellDiagnosis(
                    cell,
                    len(members),
                    int(base.households[members].sum()),
                    tuple(touched),
                    pieces(base, members),
                )
            )
        found.append(
            NetworkDiagnosis(
                kind=network.kind,
                cells=tuple(rows),
                gaps=tuple(base.ids[k] for k in np.flatnonzero(cover == 0).tolist()),
                overlaps={
                    base.ids[k]: tuple(where[k]) for k in np.flatnonzero(cover > 1).tolist()
                },
                crossing=tuple(r.cell for r in rows if len(r.communities) > 1),
                disconnected=tuple(r.cell for r in rows if r.pieces > 1),
            )
        )
    return tuple(found)
