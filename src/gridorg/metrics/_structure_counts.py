"""The counts of the structure set: units by tier and party form, people, sites and contact
points (re-exported by :mod:`gridorg.metrics.structure`, which documents the conventions)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gridorg.metrics._org_groups import outermost
from gridorg.metrics._registry import Inputs
from gridorg.metrics._structure_parts import PLACES as _PLACES
from gridorg.metrics._structure_parts import TREE as _TREE
from gridorg.metrics._structure_parts import Result, contact_links, grid_positions
from gridorg.metrics._structure_parts import communities as _communities
from gridorg.metrics._structure_parts import counted as _counted
from gridorg.metrics._structure_parts import gridders as _gridders
from gridorg.metrics._structure_parts import org_for as _org
from gridorg.metrics._structure_parts import structure_metric as _structure
from gridorg.metrics._structure_parts import summed as _summed
from gridorg.sites import SiteKind
from gridorg.tiers import FORMS, PartyForm


@_structure(
    "structure.units",
    "units",
    "How many units the organisation has; by tier, how many of each tier.",
    _TREE,
    "count(units)",
    "DOMAIN.md §1",
)
def units(inputs: Inputs) -> Result:
    """How many units the organisation has, every tier and form counted.

    Formula: the number of units. ``by="tier"`` gives the count of every tier of the scheme
    (0 for a tier without units). Source: DOMAIN.md §1 (the four tiers).
    """
    org = _org(inputs, "structure.units", _TREE)
    return _counted(inputs, org, np.arange(len(org), dtype=np.intp), "structure.units")


@_structure(
    "structure.streets",
    "units",
    "How many street party working committees (街道党工委) there are.",
    (),
    "count(units of tier street whose parent is not a street)",
    "DOMAIN.md §1",
)
def streets(inputs: Inputs) -> Result:
    """How many streets (街道) there are: units of tier ``street`` whose parent is not one.

    Formula: the number of outermost street-tier units. Source: DOMAIN.md §1.
    """
    org = _org(inputs, "structure.streets", ())
    return len(outermost(org, "street"))


@_structure(
    "structure.communities",
    "units",
    "How many community party organisations (社区党组织) there are.",
    ("street",),
    "count(units of tier community whose parent is not a community)",
    "DOMAIN.md §1, §5",
)
def communities(inputs: Inputs) -> Result:
    """How many communities there are: one community party organisation each.

    Formula: the number of units of tier ``community`` whose parent is not a community (a
    community led by a general branch counts once, not with its nested branches). Each hosts
    one party-mass service centre in the presets (Yinjiang 14, Songtao 12). Source: DOMAIN.md
    §1, §5.
    """
    name = "structure.communities"
    org = _org(inputs, name, ("street",))
    return _counted(inputs, org, _communities(org), name)


@_structure(
    "structure.grids",
    "units",
    "How many grids (网格) there are.",
    _PLACES,
    "count(units of tier grid)",
    "DOMAIN.md §1, §5",
)
def grids(inputs: Inputs) -> Result:
    """How many grids there are: the units of tier ``grid``.

    Formula: the number of grid-tier units. Songtao publishes 102 comprehensive grids after
    multi-network merging (多网合一). Source: DOMAIN.md §1, §2, §5.
    """
    org = _org(inputs, "structure.grids", _PLACES)
    return _counted(inputs, org, grid_positions(org), "structure.grids")


def _form_metric(
    form: PartyForm | None, attribute: str, what: str, note: str
) -> Callable[[Inputs], Result]:
    """Register the count of the units of one party form (any form when ``form`` is None)."""
    name = f"structure.{attribute}"

    def count(inputs: Inputs) -> Result:
        org = _org(inputs, name, _TREE)
        forms = org.column("form")
        mask = forms >= 0 if form is None else forms == FORMS.index(form)
        return _counted(inputs, org, np.flatnonzero(mask), name)

    rule = "any party form" if form is None else f"form {form.value}"
    count.__name__ = count.__qualname__ = attribute
    count.__doc__ = (
        f"How many {what} there are.\n\n"
        f"Formula: the number of units with {rule}; ``by='tier'`` counts them at each tier. "
        f"{note}"
    )
    formula = f"count(units with {rule})"
    description = f"How many {what} there are."
    _structure(name, "units", description, _TREE, formula, "DOMAIN.md §1, §5")(count)
    return count


_REGULATIONS = "Source: DOMAIN.md §1 (forms, after the CPC branch work regulations), §5."
working_committees = _form_metric(
    PartyForm.WORKING_COMMITTEE,
    "working_committees",
    "party working committees (党工委)",
    f"The street level. {_REGULATIONS}",
)
committees = _form_metric(
    PartyForm.COMMITTEE,
    "committees",
    "party committees (党委)",
    f"At least 100 party members; Songtao publishes 4 community committees. {_REGULATIONS}",
)
general_branches = _form_metric(
    PartyForm.GENERAL_BRANCH,
    "general_branches",
    "party general branches (党总支)",
    f"More than 50 party members; Yinjiang publishes 3, Songtao 3. {_REGULATIONS}",
)
branches = _form_metric(
    PartyForm.BRANCH,
    "branches",
    "party branches (党支部)",
    "At least 3 full members; nested branches count as well as those leading a community. "
    f"Yinjiang publishes 21, Songtao 29. {_REGULATIONS}",
)
party_groups = _form_metric(
    PartyForm.GROUP,
    "party_groups",
    "party groups (党小组)",
    f"A subdivision of a branch, usually a grid's; Yinjiang publishes 173, Songtao 73. "
    f"{_REGULATIONS}",
)
central_households = _form_metric(
    PartyForm.CENTRAL_HOUSEHOLD,
    "central_households",
    "party-member central households (党员中心户)",
    f"A single member's household. {_REGULATIONS}",
)
party_organisations = _form_metric(
    None,
    "party_organisations",
    "party organisations (units with a party form)",
    f"All six forms together. {_REGULATIONS}",
)


@_structure(
    "structure.households",
    "households",
    "How many households the organisation covers.",
    _PLACES,
    "sum(households of every unit)",
    "DOMAIN.md §1",
)
def households(inputs: Inputs) -> Result:
    """How many households the organisation covers: the ``households`` field summed.

    Formula: Σ households over every unit. Source: DOMAIN.md §1.
    """
    org = _org(inputs, "structure.households", _PLACES)
    return _summed(inputs, org, org.column("households"), "structure.households")


@_structure(
    "structure.gridders",
    "people",
    "How many gridders (网格员) the organisation has.",
    _PLACES,
    "sum(gridders of every unit) + people assigned as gridders",
    "DOMAIN.md §1, §5",
)
def gridders(inputs: Inputs) -> Result:
    """How many gridders (网格员) there are, counted as the iron triangle counts them.

    Formula: Σ gridders over every unit, plus the people assigned to a unit with the role
    gridder (a breakdown counts them at the unit they are assigned to). Yinjiang publishes
    500+. Source: DOMAIN.md §1, §5.
    """
    org = _org(inputs, "structure.gridders", _PLACES)
    return _summed(inputs, org, _gridders(inputs, org), "structure.gridders")


@_structure(
    "structure.party_members",
    "party members",
    "How many party members the organisation's units hold.",
    _PLACES,
    "sum(party_members of every unit)",
    "DOMAIN.md §1",
)
def party_members(inputs: Inputs) -> Result:
    """How many party members the units hold: the ``party_members`` field summed.

    Formula: Σ party_members over every unit. Source: DOMAIN.md §1.
    """
    org = _org(inputs, "structure.party_members", _PLACES)
    return _summed(inputs, org, org.column("party_members"), "structure.party_members")


def _sites(inputs: Inputs, name: str, kind: SiteKind | None) -> Result:
    """How many sites (of ``kind``, or any) there are, overall or by their host's place."""
    org = _org(inputs, name, _PLACES)
    sites = [s for s in org.links.sites.values() if kind is None or s.kind is kind]
    if inputs.by is None:
        return len(sites)
    hosts = org.indices([s.host for s in sites if s.host is not None]).astype(np.intp)
    return _counted(inputs, org, hosts, name)


@_structure(
    "structure.service_sites",
    "sites",
    "How many service sites (服务阵地) the organisation has, of every kind.",
    _PLACES,
    "count(service sites)",
    "DOMAIN.md §3, §5",
)
def service_sites(inputs: Inputs) -> Result:
    """How many service sites (服务阵地) there are: centres, red stations and the rest.

    Formula: the number of sites in ``org.links``; a breakdown counts each site at its host
    unit (sites without a host are left out of it). Yinjiang publishes 14 party-mass service
    centres and 21 further sites. Source: DOMAIN.md §3, §5.
    """
    return _sites(inputs, "structure.service_sites", None)


@_structure(
    "structure.party_mass_centres",
    "sites",
    "How many party-mass service centres (党群服务中心) there are.",
    _PLACES,
    "count(service sites of kind party_mass_centre)",
    "DOMAIN.md §3, §5",
)
def party_mass_centres(inputs: Inputs) -> Result:
    """How many community party-mass service centres (党群服务中心) there are.

    Formula: the number of sites of kind ``party_mass_centre``; a breakdown counts each at
    its host unit. Yinjiang publishes 14, Songtao 12. Source: DOMAIN.md §3, §5.
    """
    return _sites(inputs, "structure.party_mass_centres", SiteKind.PARTY_MASS_CENTRE)


@_structure(
    "structure.contact_points",
    "links",
    "How many leaders' contact points (联系点) there are.",
    _PLACES,
    "count(contact-point links)",
    "DOMAIN.md §3, §5",
)
def contact_points(inputs: Inputs) -> Result:
    """How many contact points (联系点) leaders hold: contact-point links to units.

    Formula: the number of contact-point links (a breakdown counts each at the unit it ends
    at). Songtao publishes 27 county leaders, 8 organisation-department members and 10 street
    committee members as contact points, 45 in all. Source: DOMAIN.md §3, §5.
    """
    org = _org(inputs, "structure.contact_points", _PLACES)
    return _summed(inputs, org, contact_links(inputs, org), "structure.contact_points")
