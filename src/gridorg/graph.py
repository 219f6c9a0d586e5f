"""Queries over the graph beyond the tree, and its export as a typed networkx multigraph.

The functions here back the cross-link methods of :class:`~gridorg.Organisation`
(:meth:`~gridorg.Organisation.partners_of`, :meth:`~gridorg.Organisation.iron_triangle`, ...).
Lookups by link end use an index built once per organisation (the links sorted by end), so a
query costs a binary search, not a scan of every link.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from gridorg._linktable import PARTNER, PERSON, SITE, UNIT
from gridorg.crosslinks import CrossLinks, _kind_code
from gridorg.errors import InvalidArgumentError, UnknownUnitError
from gridorg.links import KINDS, Link, LinkKind
from gridorg.partners import Department, Partner, PartnerKind
from gridorg.people import ROLES, Person, Role

if TYPE_CHECKING:
    import networkx as nx

    from gridorg.hierarchy import Organisation

__all__ = ["IronTriangle", "to_networkx"]

_CONTACT = KINDS.index(LinkKind.CONTACT_POINT)
_SERVING = KINDS.index(LinkKind.SERVING)
_JOINING = KINDS.index(LinkKind.JOINING)
_ASSIGNMENT = KINDS.index(LinkKind.ASSIGNMENT)
_COMMITTEE = KINDS.index(LinkKind.COMMITTEE_MEMBERSHIP)


@attrs.frozen
class IronTriangle:
    """What a grid has of its iron triangle (铁三角).

    The three are a party group (or branch), a gridder (网格员) and household heads (联户长).

    ``party`` is the party form that leads the grid (its own, or ``"branch"`` for a grid led
    by its parent branch, attribute ``led_by``), or ``None``. ``gridders`` counts the grid's
    gridder count plus the people assigned to it as gridders; ``household_heads`` counts its
    household-tier units plus the people assigned as household heads to units of its subtree
    that are not household-tier units (a head assigned to a household unit is that unit's
    head, counted once).
    """

    grid: str
    party: str | None
    gridders: int
    household_heads: int

    @property
    def missing(self) -> tuple[str, ...]:
        """The parts that are absent: any of ``party``, ``gridder``, ``household_heads``."""
        absent = []
        if self.party is None:
            absent.append("party")
        if self.gridders == 0:
            absent.append("gridder")
        if self.household_heads == 0:
            absent.append("household_heads")
        return tuple(absent)

    @property
    def complete(self) -> bool:
        """True when all three are present."""
        return not self.missing


# ---------------------------------------------------------------------- the end index


def _rows_at(
    links: CrossLinks, side: Literal["src", "dst"], end: int, position: int
) -> npt.NDArray[np.int64]:
    """The rows of the links whose ``side`` end is (``end``, ``position``), in link order."""
    key = f"by_{side}"
    if key not in links._cache:
        t = links._table
        keys = getattr(t, f"{side}_type").astype(np.int64) << 32 | getattr(t, side).astype(
            np.int64
        )
        order = np.argsort(keys, kind="stable")
        links._cache[key] = (keys[order], order)
    sorted_keys, order = links._cache[key]
    wanted = end << 32 | position
    lo, hi = np.searchsorted(sorted_keys, [wanted, wanted + 1])
    rows: npt.NDArray[np.int64] = order[lo:hi]
    return rows


def _rows_between(links: CrossLinks, start: int, stop: int) -> npt.NDArray[np.int64]:
    """The rows of the links that end at a unit whose position is in ``[start, stop)``: a
    subtree, since subtrees are contiguous in preorder."""
    _rows_at(links, "dst", UNIT, start)  # builds the index
    sorted_keys, order = links._cache["by_dst"]
    lo, hi = np.searchsorted(sorted_keys, [UNIT << 32 | start, UNIT << 32 | stop])
    rows: npt.NDArray[np.int64] = order[lo:hi]
    return rows


def _ref(org: Organisation, uid: str) -> tuple[int, int]:
    if uid in org:
        return UNIT, org.index(uid)
    ref = org.links.entity_ref(uid) if isinstance(uid, str) else None
    if ref is None:
        msg = f"{uid!r} is not a unit, partner, person or service site of {org._desc()}"
        raise UnknownUnitError(msg)
    return ref


def _touching(links: CrossLinks, end: int, position: int) -> npt.NDArray[np.int64]:
    rows = np.concatenate(
        [_rows_at(links, "src", end, position), _rows_at(links, "dst", end, position)]
    )
    return np.unique(rows)


# ---------------------------------------------------------------------- queries


def links_of(org: Organisation, uid: str, kind: LinkKind | str | None = None) -> tuple[Link, ...]:
    links = org.links
    rows = _touching(links, *_ref(org, uid))
    if kind is not None:
        rows = rows[links._table.kind[rows] == _kind_code(kind)]
    return tuple(links[int(r)] for r in rows.tolist())


def partners_of(
    org: Organisation, uid: str, kind: PartnerKind | str | None = None, *, via_sites: bool = False
) -> tuple[Partner, ...]:
    wanted = None if kind is None else _partner_kind(kind)
    links = org.links
    t = links._table
    k = org.index(uid)
    rows = _touching(links, UNIT, k)
    found = [int(t.src[r]) for r in rows.tolist() if t.src_type[r] == PARTNER]
    if via_sites:
        for r in rows.tolist():
            if t.kind[r] == _SERVING:
                joined = _rows_at(links, "dst", SITE, int(t.src[r]))
                found.extend(int(t.src[j]) for j in joined.tolist() if t.kind[j] == _JOINING)
    partners = [links._partners[i] for i in dict.fromkeys(found)]
    return tuple(p for p in partners if wanted is None or p.kind is wanted)


def people_of(org: Organisation, uid: str, role: Role | str | None = None) -> tuple[Person, ...]:
    wanted = None if role is None else _role(role)
    links = org.links
    t = links._table
    rows = _touching(links, UNIT, org.index(uid))
    found = dict.fromkeys(int(t.src[r]) for r in rows.tolist() if t.src_type[r] == PERSON)
    people = [links._people[i] for i in found]
    return tuple(p for p in people if wanted is None or wanted in p.roles)


def responsible_departments(
    org: Organisation, category: str, at: str | None = None
) -> tuple[Department, ...]:
    links = org.links
    links.categories[category]  # raises UnknownCategoryError naming the catalogue
    if at is not None:
        return responsible_many(org, [(category, org.index(at))])[0]
    return tuple(d for d in links.departments.values() if category in d.categories)


def responsible_many(
    org: Organisation, pairs: list[tuple[str, int]]
) -> list[tuple[Department, ...]]:
    """:func:`responsible_departments` for many (category, unit position) pairs at once: the
    departments of each category and the committee members above each unit are found once."""
    links = org.links
    size = org.column("size")
    t = links._table
    by_category: dict[str, list[tuple[Department, int, int]]] = {}
    members_at: dict[int, set[str]] = {}
    found: list[tuple[Department, ...]] = []
    for category, k in pairs:
        candidates = by_category.get(category)
        if candidates is None:
            links.categories[category]  # raises UnknownCategoryError naming the catalogue
            candidates = []
            for d in links.departments.values():
                if category in d.categories:
                    j = 0 if d.jurisdiction is None else org.index(d.jurisdiction)
                    stop = len(org) if d.jurisdiction is None else j + int(size[j])
                    candidates.append((d, j, stop))
            by_category[category] = candidates
        members = members_at.get(k)
        if members is None:
            on_committee: set[int] = set()
            for position in (k, *_ancestor_positions(org, k)):
                rows = _rows_at(links, "dst", UNIT, position).tolist()
                on_committee.update(
                    int(t.src[r])
                    for r in rows
                    if t.kind[r] == _COMMITTEE and t.src_type[r] == PARTNER
                )
            members = members_at[k] = {links._partners[i].id for i in on_committee}
        chosen = [d for d, j, stop in candidates if j <= k < stop]
        found.append(tuple(sorted(chosen, key=lambda d: d.id not in members)))
    return found


def _ancestor_positions(org: Organisation, k: int) -> list[int]:
    parent = org.column("parent")
    found = []
    up = int(parent[k])
    while up >= 0:
        found.append(up)
        up = int(parent[up])
    return found


def contact_points(org: Organisation, uid: str, *, inherited: bool = False) -> tuple[Person, ...]:
    links = org.links
    t = links._table
    k = org.index(uid)
    line = [k, *_ancestor_positions(org, k)] if inherited else [k]
    found: dict[int, None] = {}
    for position in line:
        rows = _rows_at(links, "dst", UNIT, position)
        found.update((int(t.src[r]), None) for r in rows.tolist() if t.kind[r] == _CONTACT)
    return tuple(links._people[i] for i in found)


def iron_triangle(org: Organisation, grid: str) -> IronTriangle:
    k = org.index(grid)
    unit = org.unit_at(k)
    party: str | None = None
    if unit.form is not None:
        party = unit.form.value
    elif isinstance(unit.attributes.get("led_by"), str):
        party = str(unit.attributes["led_by"])
    if "grid" in org.scheme.names and unit.tier != "grid":
        msg = f"iron_triangle() takes a grid; {grid!r} is at tier {unit.tier}"
        raise InvalidArgumentError(msg)
    links = org.links
    t = links._table
    assigned = _rows_at(links, "dst", UNIT, k)
    gridder = ROLES.index(Role.GRIDDER)
    head = ROLES.index(Role.HOUSEHOLD_HEAD)
    gridders = unit.gridders + sum(
        1 for r in assigned.tolist() if t.kind[r] == _ASSIGNMENT and t.role[r] == gridder
    )
    stop = k + int(org.column("size")[k])
    tiers = org.column("tier")
    household = org.scheme.index("household") if "household" in org.scheme.names else -1
    heads = int(np.count_nonzero(tiers[k + 1 : stop] == household))
    # People assigned as household heads count where no household-tier unit stands for them:
    # a head assigned to a household unit is that unit's head, counted once.
    for r in _rows_between(links, k, stop).tolist():
        if t.kind[r] == _ASSIGNMENT and t.role[r] == head and tiers[t.dst[r]] != household:
            heads += 1
    return IronTriangle(grid, party, gridders, heads)


def without_links(
    org: Organisation, kind: LinkKind | str | None, touching: str | None
) -> CrossLinks:
    links = org.links
    t = links._table
    drop = np.ones(len(t), dtype=np.bool_)
    if kind is not None:
        drop &= t.kind == _kind_code(kind)
    if touching is not None:
        near = np.zeros(len(t), dtype=np.bool_)
        near[_touching(links, *_ref(org, touching))] = True
        drop &= near
    return attrs.evolve(links, table=t.select(~drop))


def _partner_kind(kind: object) -> PartnerKind:
    try:
        return PartnerKind.parse(kind)
    except ValueError as err:
        raise InvalidArgumentError(str(err)) from None


def _role(role: object) -> Role:
    try:
        return Role.parse(role)
    except ValueError as err:
        raise InvalidArgumentError(str(err)) from None


# ---------------------------------------------------------------------- networkx


def to_networkx(org: Organisation) -> nx.MultiDiGraph[str]:
    """The organisation as a typed ``networkx.MultiDiGraph``.

    Nodes are the units (``type="unit"`` plus the unit fields), partners (``type="partner"``,
    ``kind``), people (``type="person"``, ``roles``) and sites (``type="site"``); each carries
    its record's fields, and ``location`` when it has one. Edges are the tree edges from parent
    to child (``kind="parent"``) and one edge per link from its source to its target, with
    ``kind`` the link kind and the link's own fields as attributes. ``graph.graph`` holds
    ``name``, ``scheme`` and ``crs``.
    """
    import networkx as nx

    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(name=org.name, scheme=org.scheme)
    links = org.links
    graph.graph["crs"] = links.crs
    records = org.to_records()
    xy = links._xy
    for k, record in enumerate(records):
        attrs_: dict[str, Any] = {"type": "unit", **record}
        if xy is not None and not np.isnan(xy[k, 0]):
            attrs_["location"] = links.location(record["id"], k)
        graph.add_node(record["id"], **attrs_)
    for items, node_type in (
        (links._partners, "partner"),
        (links._people, "person"),
        (links._sites, "site"),
    ):
        for item in items:
            data = item.to_record()
            if getattr(item, "location", None) is not None:
                data["location"] = item.location  # type: ignore[union-attr]
            graph.add_node(item.id, **{**data, "type": node_type})
    graph.add_edges_from(
        (record["parent"], record["id"], {"kind": "parent"})
        for record in records
        if record["parent"] is not None
    )
    for link in links:
        data = link.to_record()
        graph.add_edge(link.source, link.target, **data)
    return graph
