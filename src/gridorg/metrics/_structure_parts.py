"""The arrays behind the structure metrics, each computed once per ``compute`` call.

Every function takes the metric inputs and the organisation and keeps its result in the
shared cache, so that the three iron-triangle metrics read one pass over the grids and the
three span-of-control metrics one count of children.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import attrs
import numpy as np
import numpy.typing as npt

from gridorg._audit_links import _ASSIGNMENT, _CONTACT, _GRIDDER, _links_to_units, _triangle_parts
from gridorg.metrics._org_groups import (
    Groups,
    cached,
    check_by,
    groups,
    organisation,
    outermost,
    overall,
    ratio,
)
from gridorg.metrics._registry import Inputs, Value, metric

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation

IntArray = npt.NDArray[np.int64]
IntpArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

Result = Value | Mapping[str, Value]
#: The tiers the grid and household-head metrics read, by name (as the audit reads them).
GRID, HOUSEHOLD = "grid", "household"
#: The breakdowns of counts (by the units' own tier too) and of the others.
TREE = ("tier", "street", "community")
PLACES = ("street", "community")


@attrs.frozen
class Triangles:
    """The grids' iron-triangle parts (铁三角), as :func:`gridorg.graph.iron_triangle` counts
    them: whether a party organisation leads each grid, its gridders and household heads."""

    grids: IntpArray
    party: BoolArray
    gridders: IntArray
    heads: IntArray


def every_unit(inputs: Inputs, org: Organisation, name: str) -> Groups:
    """Every unit (by position) sorted by ``inputs.by``, once per breakdown."""
    key = f"structure.groups:{inputs.by}"
    found: Groups = cached(
        inputs, key, lambda: groups(org, np.arange(len(org), dtype=np.intp), inputs.by, name)
    )
    return found


def at(inputs: Inputs, org: Organisation, positions: IntpArray, name: str) -> Groups:
    """The units at ``positions`` sorted by ``inputs.by``."""
    if inputs.by is None:
        return overall(len(positions))
    whole = every_unit(inputs, org, name)
    return Groups(whole.keys, whole.index[positions])


def grid_positions(org: Organisation) -> IntpArray:
    """The positions of every unit of tier ``grid`` (none when the scheme has no such tier)."""
    if GRID not in org.scheme.names:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(org.column("tier") == org.scheme.index(GRID))


def triangles(inputs: Inputs, org: Organisation) -> Triangles:
    """The iron-triangle parts of every grid, through the audit's vectorised counting."""

    def build() -> Triangles:
        grids = grid_positions(org)
        head_tier = HOUSEHOLD if HOUSEHOLD in org.scheme.names else None
        party, gridders, heads = _triangle_parts(org, grids, head_tier)
        return Triangles(grids, party, gridders, heads)

    found: Triangles = cached(inputs, "structure.triangles", build)
    return found


def gridders(inputs: Inputs, org: Organisation) -> IntArray:
    """Gridders (网格员) at each unit: its ``gridders`` count plus the people assigned to it
    with the role gridder."""

    def build() -> IntArray:
        assigned = _links_to_units(org, _ASSIGNMENT, _GRIDDER)
        total: IntArray = org.column("gridders").astype(np.int64) + assigned
        return total

    found: IntArray = cached(inputs, "structure.gridders", build)
    return found


def contact_links(inputs: Inputs, org: Organisation) -> IntArray:
    """How many contact-point links (联系点) end at each unit."""
    found: IntArray = cached(
        inputs, "structure.contact_links", lambda: _links_to_units(org, _CONTACT)
    )
    return found


def communities(org: Organisation) -> IntpArray:
    """The community party organisations: outermost units of tier ``community``."""
    return outermost(org, "community")


def children(inputs: Inputs, org: Organisation) -> IntArray:
    """How many direct children each unit has."""

    def build() -> IntArray:
        parent = org.column("parent")
        counts: IntArray = np.bincount(parent[parent >= 0], minlength=len(org)).astype(np.int64)
        return counts

    found: IntArray = cached(inputs, "structure.children", build)
    return found


def structure_metric(
    name: str, unit: str, description: str, by: tuple[str, ...], formula: str, source: str
) -> Callable[[Callable[[Inputs], Result]], Callable[[Inputs], Result]]:
    """Register a metric of the structure set, which needs an organisation."""
    return metric(
        name,
        needs=("org",),
        unit=unit,
        description=description,
        by=by,
        sets=("structure",),
        formula=formula,
        source=source,
    )


def org_for(inputs: Inputs, name: str, allowed: tuple[str, ...]) -> Organisation:
    """The organisation, once the breakdown asked for is known to be supported."""
    org = organisation(inputs, name)
    check_by(inputs, name, allowed)
    return org


def counted(inputs: Inputs, org: Organisation, positions: IntpArray, name: str) -> Result:
    """How many units there are at ``positions``, overall or in every group."""
    found = at(inputs, org, positions, name)
    return found.value(found.sum(), integer=True)


def summed(inputs: Inputs, org: Organisation, weights: npt.ArrayLike, name: str) -> Result:
    """The sum of ``weights`` (one per unit) over every unit, overall or in every group."""
    found = at(inputs, org, np.arange(len(org), dtype=np.intp), name)
    return found.value(found.sum(weights), integer=True)


def share(
    inputs: Inputs, org: Organisation, positions: IntpArray, hit: npt.ArrayLike, name: str
) -> Result:
    found = at(inputs, org, positions, name)
    return found.value(ratio(found.sum(hit), found.sum()))
