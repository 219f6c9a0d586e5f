"""The audit's cross-link findings: contact leaders, iron triangles, department coverage and
idle service sites (see :func:`gridorg.audit.audit`), each computed for every unit at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from gridorg._linktable import SITE, UNIT
from gridorg.audit import Finding
from gridorg.links import KINDS, LinkKind
from gridorg.people import ROLES, Role

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation


_CONTACT = KINDS.index(LinkKind.CONTACT_POINT)
_SERVING = KINDS.index(LinkKind.SERVING)
_ASSIGNMENT = KINDS.index(LinkKind.ASSIGNMENT)
_GRIDDER = ROLES.index(Role.GRIDDER)
_HEAD = ROLES.index(Role.HOUSEHOLD_HEAD)
#: How the parts of :attr:`IronTriangle.missing <gridorg.IronTriangle.missing>` read in messages.
_PARTS = {"party": "party group", "gridder": "gridder", "household_heads": "household heads"}


def _links_to_units(org: Organisation, kind: int, role: int | None = None) -> npt.NDArray[np.intp]:
    """How many links of ``kind`` (and assignment ``role``) end at each unit, by position."""
    t = org.links._table
    rows = (t.kind == kind) & (t.dst_type == UNIT)
    if role is not None:
        rows &= t.role == role
    return np.bincount(t.dst[rows], minlength=len(org))


def _outermost(org: Organisation, tier: str) -> npt.NDArray[np.bool_]:
    """The units of ``tier`` whose parent is not of ``tier``: the communities themselves, not
    the branches nested in a community's general branch (one per residential quarter)."""
    tiers = org.column("tier")
    parent = org.column("parent")
    code = org.scheme.index(tier)
    above = np.where(parent >= 0, tiers[np.maximum(parent, 0)], -1)
    mask: npt.NDArray[np.bool_] = (tiers == code) & (above != code)
    return mask


def contact_leaders(org: Organisation, tier: str, found: list[tuple[int, Finding]]) -> None:
    community = _outermost(org, tier)
    lacking = community & (_links_to_units(org, _CONTACT) == 0)
    ids = org._parts.ids
    for k in np.flatnonzero(lacking).tolist():
        message = (
            f"{tier} {ids[k]!r}: no leader has it as a contact point (联系点); "
            "contact points on its grids do not count"
        )
        found.append((k, Finding("community_without_contact_leader", ids[k], message)))


def _triangle_parts(
    org: Organisation, positions: npt.NDArray[np.intp], head_tier: str | None
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """For the units at ``positions``: whether a party organisation leads each, and how many
    gridders and household heads each has, counted as :func:`gridorg.graph.iron_triangle`
    counts them (household-tier units from ``head_tier``), for all units at once."""
    party = org.column("form")[positions] >= 0
    led = np.zeros(len(org), dtype=np.bool_)
    for k, extra in org._parts.attributes.items():
        led[k] = isinstance(extra.get("led_by"), str)
    party |= led[positions]
    gridders = org.column("gridders")[positions].astype(np.int64)
    gridders += _links_to_units(org, _ASSIGNMENT, _GRIDDER)[positions]
    # Household heads below a unit: prefix sums over preorder positions, whose subtree is the
    # span [k, k + size). Household-tier units are counted strictly below the unit itself.
    stop = positions + org.column("size")[positions].astype(np.intp)
    heads = np.zeros(len(positions), dtype=np.int64)
    if head_tier is not None:
        is_head = org.column("tier") == org.scheme.index(head_tier)
        below = np.concatenate([[0], np.cumsum(is_head, dtype=np.int64)])
        heads += below[stop] - below[positions + 1]
    per_unit = _links_to_units(org, _ASSIGNMENT, _HEAD)
    if head_tier is not None:  # a head assigned to a household unit is that unit's head
        per_unit[org.column("tier") == org.scheme.index(head_tier)] = 0
    assigned = np.concatenate([[0], np.cumsum(per_unit, dtype=np.int64)])
    heads += assigned[stop] - assigned[positions]
    return party, gridders, heads


def iron_triangles(
    org: Organisation, tier: str, head_tier: str | None, found: list[tuple[int, Finding]]
) -> None:
    positions = np.flatnonzero(org.column("tier") == org.scheme.index(tier))
    party, gridders, heads = _triangle_parts(org, positions, head_tier)
    # One bit per missing part, in the order of IronTriangle.missing; a message per pattern.
    pattern = (~party).astype(np.intp) | (gridders == 0) << 1 | (heads == 0) << 2
    texts: list[tuple[str, int]] = []
    for bits in range(8):
        missing = [text for i, text in enumerate(_PARTS.values()) if bits >> i & 1]
        texts.append((f"iron triangle (铁三角) is missing {', '.join(missing)}", len(missing)))
    rows = np.flatnonzero(pattern)
    chosen = positions[rows].tolist()
    for k, uid, bits in zip(
        chosen, org._parts.ids.take(chosen), pattern[rows].tolist(), strict=True
    ):
        text, count = texts[bits]
        message = f"{tier} {uid!r}: {text}"
        found.append((k, Finding("incomplete_iron_triangle", uid, message, value=count)))


def uncovered_categories(org: Organisation, tier: str, found: list[tuple[int, Finding]]) -> None:
    streets = np.flatnonzero(_outermost(org, tier))
    links = org.links
    codes = list(links.categories)
    if not len(streets) or not codes:
        return
    row_of = {code: i for i, code in enumerate(codes)}
    covered = np.zeros((len(streets), len(codes)), dtype=np.bool_)
    size = org.column("size")
    for department in links.departments.values():
        rows = np.array([row_of[c] for c in department.categories if c in row_of], dtype=np.intp)
        if department.jurisdiction is None:
            near = np.ones(len(streets), dtype=np.bool_)
        else:
            j = org.index(department.jurisdiction)
            near = (streets >= j) & (streets < j + int(size[j]))
        covered[np.ix_(near, rows)] = True
    ids = org._parts.ids
    for row in np.flatnonzero(~covered.all(axis=1)).tolist():
        k = int(streets[row])
        gaps = [codes[i] for i in np.flatnonzero(~covered[row]).tolist()]
        message = (
            f"{tier} {ids[k]!r}: no responsible department for {len(gaps)} issue "
            f"{'category' if len(gaps) == 1 else 'categories'}: {', '.join(gaps)}"
        )
        found.append((k, Finding("uncovered_category", ids[k], message, value=len(gaps))))


def idle_sites(org: Organisation, found: list[tuple[int, Finding]]) -> None:
    links = org.links
    t = links._table
    sites = links._sites
    serving = (t.kind == _SERVING) & (t.src_type == SITE)
    served = np.bincount(t.src[serving], minlength=len(sites))
    for i in np.flatnonzero(served == 0).tolist():
        site = sites[i]
        where = len(org) if site.host is None else org.index(site.host)
        message = (
            f"service site {site.id!r} ({site.kind.label}): serves no community or grid "
            "(no serving link)"
        )
        found.append((where, Finding("idle_site", site.id, message)))
