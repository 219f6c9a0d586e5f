"""The structure set: how an organisation is built, counted and staffed (DOMAIN.md §1).

Counts by tier and party form, span of control, depth, the coverage figures the source uses to
describe a party-building-led organisation — every grid with a party group (应建尽建), every
grid with household heads, complete iron triangles (铁三角), leaders' contact points (联系点) —
and staffing ratios. Every metric reads the organisation's columns with numpy; none loops over
units.

What is counted where:

- *grids* are the units of tier ``grid`` (as the audit's iron-triangle check reads them);
  *communities* are the community party organisations, the units of tier ``community`` whose
  parent is not a community (a general branch, not the branches nested in it); *streets*
  likewise.
- ``by="tier"`` groups units by their own tier (every tier of the scheme is a key).
  ``by="street"`` and ``by="community"`` group each unit under the topmost street or community
  on its path up (every street or community is a key); units outside every street or
  community are left out of a breakdown, not of the overall value.
- Counts are ints (0 when there is nothing to count); shares, means and ratios are floats, NaN
  when their denominator is empty (no grid, no household, no gridder); a minimum, median or
  maximum of nothing is NaN.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from gridorg.metrics._org_groups import organisation, ratio
from gridorg.metrics._registry import Inputs
from gridorg.metrics._structure_counts import (
    branches,
    central_households,
    committees,
    communities,
    contact_points,
    general_branches,
    gridders,
    grids,
    households,
    party_groups,
    party_mass_centres,
    party_members,
    party_organisations,
    service_sites,
    streets,
    units,
    working_committees,
)
from gridorg.metrics._structure_parts import PLACES as _PLACES
from gridorg.metrics._structure_parts import TREE as _TREE
from gridorg.metrics._structure_parts import (
    Result,
    at,
    children,
    contact_links,
    grid_positions,
    triangles,
)
from gridorg.metrics._structure_parts import communities as _communities
from gridorg.metrics._structure_parts import gridders as _gridders
from gridorg.metrics._structure_parts import org_for as _org
from gridorg.metrics._structure_parts import share as _share
from gridorg.metrics._structure_parts import structure_metric as _structure

__all__ = [
    "branches",
    "central_households",
    "committees",
    "communities",
    "contact_point_coverage",
    "contact_points",
    "depth",
    "general_branches",
    "grid_party_coverage",
    "gridders",
    "gridders_per_1000_households",
    "grids",
    "household_head_coverage",
    "households",
    "households_per_gridder",
    "iron_triangle_completeness",
    "party_groups",
    "party_mass_centres",
    "party_members",
    "party_members_per_grid",
    "party_organisations",
    "service_sites",
    "span_max",
    "span_median",
    "span_min",
    "streets",
    "units",
    "working_committees",
]

_OWN = "gridorg"


# ---------------------------------------------------------------------- shape


def _span(inputs: Inputs, name: str, q: float) -> Result:
    org = _org(inputs, name, _TREE)
    kids = children(inputs, org)
    parents = np.flatnonzero(kids > 0)
    found = at(inputs, org, parents, name)
    return found.value(found.quantile(kids[parents], q), integer=q in (0.0, 1.0))


_SPAN = (
    "Span of control: over the units with at least one child, how many direct children each "
    "has (branches nested in a general branch are its children too); ``by='tier'`` takes the "
    "units of each tier (the parent's tier), ``by='street'`` or ``'community'`` the units in "
    "each. NaN when no unit has a child. Source: gridorg."
)


@_structure(
    "structure.span_min",
    "children",
    "The fewest direct children of a unit that has any.",
    _TREE,
    "min(children per unit with children)",
    _OWN,
)
def span_min(inputs: Inputs) -> Result:
    """The fewest direct children of a unit with children (span of control, minimum).

    Formula: min over units with children of their number of children.
    """
    return _span(inputs, "structure.span_min", 0.0)


@_structure(
    "structure.span_median",
    "children",
    "The median number of direct children of a unit that has any.",
    _TREE,
    "median(children per unit with children)",
    _OWN,
)
def span_median(inputs: Inputs) -> Result:
    """The median number of direct children of a unit with children (span of control).

    Formula: median over units with children of their number of children (the mean of the
    two middle values for an even count).
    """
    return _span(inputs, "structure.span_median", 0.5)


@_structure(
    "structure.span_max",
    "children",
    "The most direct children of a unit.",
    _TREE,
    "max(children per unit)",
    _OWN,
)
def span_max(inputs: Inputs) -> Result:
    """The most direct children of a unit (span of control, maximum).

    Formula: max over units with children of their number of children.
    """
    return _span(inputs, "structure.span_max", 1.0)


for _function in (span_min, span_median, span_max):
    _function.__doc__ = f"{_function.__doc__}\n    {_SPAN}\n"


@_structure(
    "structure.depth",
    "levels",
    "How many levels the deepest unit lies below its root.",
    _PLACES,
    "max(depth of a unit), a root at depth 0",
    _OWN,
)
def depth(inputs: Inputs) -> Result:
    """How deep the tree is: the most levels any unit lies below its root.

    Formula: max over units of their depth (a root is at depth 0, so a street → community →
    grid → household tree has depth 3, and 4 with branches nested in a general branch). By
    street or community, the deepest unit of each, still counted from its root. NaN for an
    empty organisation. Source: gridorg.
    """
    org = _org(inputs, "structure.depth", _PLACES)
    found = at(inputs, org, np.arange(len(org), dtype=np.intp), "structure.depth")
    return found.value(found.quantile(org.column("depth"), 1.0), integer=True)


# ---------------------------------------------------------------------- coverage


@_structure(
    "structure.grid_party_coverage",
    "share",
    "The share of grids with a party organisation (应建尽建率).",
    _PLACES,
    "grids with a party form or led by a branch ÷ grids",
    "DOMAIN.md §1",
)
def grid_party_coverage(inputs: Inputs) -> Result:
    """The share of grids with a party organisation: 应建尽建 ("every unit that should have a
    party organisation has one"), for grids.

    Formula: grids with a party form (a party group or a branch) or led by a branch (the
    attribute ``led_by``) ÷ grids. NaN without grids. Source: DOMAIN.md §1.
    """
    name = "structure.grid_party_coverage"
    org = _org(inputs, name, _PLACES)
    t = triangles(inputs, org)
    return _share(inputs, org, t.grids, t.party, name)


@_structure(
    "structure.household_head_coverage",
    "share",
    "The share of grids with at least one household head (联户长).",
    _PLACES,
    "grids with ≥ 1 household-tier unit below or an assigned household head ÷ grids",
    "DOMAIN.md §1",
)
def household_head_coverage(inputs: Inputs) -> Result:
    """The share of grids with household heads (党员中心户 / 联户长).

    Formula: grids with at least one household-tier unit below them or a person assigned as
    household head to a unit of their subtree ÷ grids (the count of
    :meth:`Organisation.iron_triangle <gridorg.Organisation.iron_triangle>`). NaN without
    grids. Source: DOMAIN.md §1.
    """
    name = "structure.household_head_coverage"
    org = _org(inputs, name, _PLACES)
    t = triangles(inputs, org)
    return _share(inputs, org, t.grids, t.heads > 0, name)


@_structure(
    "structure.iron_triangle_completeness",
    "share",
    "The share of grids whose iron triangle (铁三角) is complete.",
    _PLACES,
    "grids with party organisation, gridder and household head ÷ grids",
    "DOMAIN.md §1",
)
def iron_triangle_completeness(inputs: Inputs) -> Result:
    """The share of grids with a complete iron triangle (铁三角, Songtao's practice).

    Formula: grids that have a party organisation (own form or ``led_by``), at least one
    gridder (own count or assigned) and at least one household head ÷ grids, each part as
    :meth:`Organisation.iron_triangle <gridorg.Organisation.iron_triangle>` counts it. NaN
    without grids. Source: DOMAIN.md §1.
    """
    name = "structure.iron_triangle_completeness"
    org = _org(inputs, name, _PLACES)
    t = triangles(inputs, org)
    return _share(inputs, org, t.grids, t.party & (t.gridders > 0) & (t.heads > 0), name)


@_structure(
    "structure.contact_point_coverage",
    "share",
    "The share of communities that are a leader's contact point (联系点).",
    ("street",),
    "communities that are a contact point ÷ communities",
    "DOMAIN.md §3",
)
def contact_point_coverage(inputs: Inputs) -> Result:
    """The share of communities that are a leader's contact point (联系点).

    Formula: communities that are themselves the contact point of at least one leader ÷
    communities. Contact points on a community's grids or nested branches do not count for
    the community (the audit's rule: county leaders are assigned to communities, and to key
    grids besides). Nothing is inherited from above: a contact point is always a community
    or a grid, never a street, so no community has one on an ancestor. NaN without
    communities. Source: DOMAIN.md §3.
    """
    name = "structure.contact_point_coverage"
    org = _org(inputs, name, ("street",))
    found = _communities(org)
    return _share(inputs, org, found, contact_links(inputs, org)[found] > 0, name)


# ---------------------------------------------------------------------- ratios


def _per(
    inputs: Inputs, name: str, numerator: npt.ArrayLike, denominator: npt.ArrayLike, scale: float
) -> Result:
    org = _org(inputs, name, _PLACES)
    found = at(inputs, org, np.arange(len(org), dtype=np.intp), name)
    return found.value(ratio(found.sum(numerator), found.sum(denominator), scale))


@_structure(
    "structure.gridders_per_1000_households",
    "per 1,000 households",
    "How many gridders there are per 1,000 households.",
    _PLACES,
    "1000 × gridders ÷ households",
    _OWN,
)
def gridders_per_1000_households(inputs: Inputs) -> Result:
    """Gridders per 1,000 households.

    Formula: 1000 × gridders ÷ households, both as ``structure.gridders`` and
    ``structure.households`` count them. NaN without households. Source: gridorg.
    """
    name = "structure.gridders_per_1000_households"
    org = organisation(inputs, name)
    return _per(inputs, name, _gridders(inputs, org), org.column("households"), 1000.0)


@_structure(
    "structure.households_per_gridder",
    "households per gridder",
    "How many households there are per gridder.",
    _PLACES,
    "households ÷ gridders",
    _OWN,
)
def households_per_gridder(inputs: Inputs) -> Result:
    """Households per gridder: the load of a gridder.

    Formula: households ÷ gridders, both as ``structure.households`` and
    ``structure.gridders`` count them. NaN without gridders. Source: gridorg.
    """
    name = "structure.households_per_gridder"
    org = organisation(inputs, name)
    return _per(inputs, name, org.column("households"), _gridders(inputs, org), 1.0)


@_structure(
    "structure.party_members_per_grid",
    "party members per grid",
    "The mean number of party members in a grid.",
    _PLACES,
    "mean over grids of the party members in the grid's subtree",
    _OWN,
)
def party_members_per_grid(inputs: Inputs) -> Result:
    """The mean number of party members per grid.

    Formula: Σ over grids of the party members of the grid's subtree (the grid, its
    household-tier units and anything else below it) ÷ grids. NaN without grids.
    Source: gridorg.
    """
    name = "structure.party_members_per_grid"
    org = _org(inputs, name, _PLACES)
    positions = grid_positions(org)
    members = org.totals("party_members")[positions]
    found = at(inputs, org, positions, name)
    return found.value(ratio(found.sum(members), found.sum()))
