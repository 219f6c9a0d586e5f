"""Functional updates: each returns a new organisation and keeps every structural rule.

Updates share the columns they do not change with the original (columns are read-only), so an
update costs one pass over the changed columns, not a rebuild of the Python objects.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from gridorg import _linkupdate
from gridorg._build import Raw, build, parent_rule_holds, parent_rule_text
from gridorg._columns import HashIndex, PackedStrings, frozen, hashes_of
from gridorg._convert import records_to_raw
from gridorg._fields import COUNT_FIELDS, copy_json
from gridorg._problems import ProblemLog
from gridorg.errors import (
    ArgumentTypeError,
    HierarchyError,
    InvalidArgumentError,
    LinkError,
    Problem,
)
from gridorg.tiers import FORMS
from gridorg.units import Unit

if TYPE_CHECKING:
    from gridorg._build import Parts
    from gridorg.crosslinks import CrossLinks
    from gridorg.hierarchy import Organisation
    from gridorg.partners import Department
    from gridorg.sites import ServiceSite

_EVOLVABLE = ("id", "name", "tier", "form", *COUNT_FIELDS, "attributes")


def _new(
    org: Organisation,
    parts: Parts,
    old_to_new: npt.NDArray[np.int64] | None = None,
    renamed: Mapping[str, str] | None = None,
) -> Organisation:
    """The updated organisation, its cross-links carried over onto the new unit positions.

    ``old_to_new`` maps each old position to its new one (-1: removed); by default it is
    found through the ids, which every update but ``remove`` keeps.
    """
    from gridorg.hierarchy import Organisation

    new = Organisation(parts, org.scheme, org.name)
    links = org._crosslinks
    if links is None or links.is_empty:
        return new
    if old_to_new is None:
        old_ids = org._parts.ids
        if renamed:
            listed = old_ids.tolist()
            old_ids = PackedStrings.from_list([renamed.get(uid, uid) for uid in listed])
        old_to_new = parts.index.get_many(old_ids.tolist())
    carried = _linkupdate.remap(links, new, old_to_new, renamed)
    return Organisation(parts, org.scheme, org.name, links=carried)


def _fail(uid: str, text: str, *, code: str, field: str = "parent") -> HierarchyError:
    problem = Problem(code, f"unit {uid!r}: {text}", unit=uid, field=field)
    return HierarchyError([problem], subject="organisation update")


# ---------------------------------------------------------------------- add


def add_units(org: Organisation, records: Iterable[Mapping[str, Any] | Unit]) -> Organisation:
    if isinstance(records, Mapping | str | bytes) or not isinstance(records, Iterable):
        msg = f"add_units takes an iterable of records or Units, got {type(records).__name__}"
        raise ArgumentTypeError(msg)
    rows = list(records)
    if not rows:
        return org
    log = ProblemLog("added units", "added record")
    new = records_to_raw(rows, log, scheme=org.scheme)
    refs = org.links.entity_refs()
    if refs:
        for i, uid in enumerate(new.ids):
            if isinstance(uid, str) and uid in refs:
                owner = org.links.entity(uid).noun
                log.add(
                    "duplicate_id",
                    f"id {uid!r} is already used by a {owner}",
                    index=i,
                    uid=uid,
                    field="id",
                )
        log.raise_if_any()
    p = org._parts
    count = len(org)
    ids = p.ids.tolist()
    tier_names = org.scheme.names
    form_values: list[str | None] = [None, *(f.value for f in FORMS)]

    def joined(field: str, existing: list[Any], default: Any) -> list[Any]:
        added = getattr(new, field)
        if added is None:
            return existing + [default] * len(rows)
        if isinstance(added, np.ndarray) and field == "tiers":  # codes, from the fast path
            return existing + list(map(tier_names.__getitem__, added.tolist()))
        if isinstance(added, np.ndarray) and field == "forms":
            return existing + list(map(form_values.__getitem__, (added + 1).tolist()))
        return existing + list(added)

    raw = Raw(
        ids=ids + list(new.ids),
        tiers=joined("tiers", list(map(tier_names.__getitem__, p.tier.tolist())), None),
        parents=[ids[k] if k >= 0 else None for k in p.parent.tolist()] + list(new.parents),
        names=joined("names", p.names.tolist(), ""),
        forms=joined("forms", list(map(form_values.__getitem__, (p.form + 1).tolist())), None),
        households=joined("households", p.households.tolist(), 0),
        party_members=joined("party_members", p.party_members.tolist(), 0),
        gridders=joined("gridders", p.gridders.tolist(), 0),
        attributes={**p.attributes, **{count + i: v for i, v in new.attributes.items()}},
    )
    log.offset = count
    return _new(org, build(raw, org.scheme, log))


# ---------------------------------------------------------------------- remove


def remove(org: Organisation, uids: tuple[str, ...], *, drop_links: bool = False) -> Organisation:
    if not uids:
        return org
    links = org.links
    entities = {uid for uid in uids if isinstance(uid, str) and links.entity_ref(uid) is not None}
    units = [uid for uid in uids if uid not in entities]
    positions = org.indices(units) if units else np.empty(0, dtype=np.int64)
    p = org._parts
    keep = np.ones(len(org), dtype=np.bool_)
    for k in positions.tolist():
        keep[k : k + int(p.size[k])] = False
    if not links.is_empty:
        links = _without_links_to(org, ~keep, entities, drop_links=drop_links)
        org = attrs.evolve(org, links=links)
    if not units:
        return org
    new_position = np.where(keep, np.cumsum(keep) - 1, -1)
    return _new(org, _subset(p, keep), new_position)


def _without_links_to(
    org: Organisation, gone: npt.NDArray[np.bool_], entities: set[str], *, drop_links: bool
) -> CrossLinks:
    """The cross-links without the entities ``entities`` and, when ``drop_links``, without
    every link touching them or a unit marked in ``gone``; otherwise those links are reported.

    A department's jurisdiction or a site's host among the removed units is always reported:
    those are fields of the partner or site, to be changed or removed with it.
    """
    links = org.links
    problems: list[Problem] = []
    hit = _linkupdate.touching(links, gone, entities)
    if hit.any() and not drop_links:
        rows = np.flatnonzero(hit)
        for row in rows[:1000].tolist():
            link = links[row]
            text = (
                f"{link.kind.value} {link.source!r} → {link.target!r} touches something removed; "
                "pass drop_links=True to remove such links too"
            )
            problems.append(Problem("dangling_link", text, index=row))
        if len(rows) > 1000:
            text = f"{len(rows) - 1000} further links touch something removed"
            problems.append(Problem("more_problems", text))
    ids = org._parts.ids
    gone_ids = {ids[k] for k in np.flatnonzero(gone).tolist()} if gone.any() else set()
    holders: tuple[Department | ServiceSite, ...] = (
        *links.departments.values(),
        *links.sites.values(),
    )
    referring = [
        (item, field, getattr(item, field, None))
        for item in holders
        if item.id not in entities
        for field in ("jurisdiction", "host")
    ]
    for item, field, value in referring:
        if value is not None and value in gone_ids:
            text = f"{item.noun} {item.id!r} has {field} {value!r}, which is removed"
            problems.append(Problem("dangling_reference", text, field=field))
    if problems:
        raise LinkError(problems, subject="removal")
    kept = attrs.evolve(
        links,
        partners=tuple(x for x in links._partners if x.id not in entities),
        people=tuple(x for x in links._people if x.id not in entities),
        sites=tuple(x for x in links._sites if x.id not in entities),
        table=links._table.select(~hit),
    )
    return _linkupdate.settled(_linkupdate.reindex(links, kept))


def _subset(p: Parts, keep: npt.NDArray[np.bool_]) -> Parts:
    """The parts restricted to ``keep``, a union of whole subtrees' complements."""
    kept = np.flatnonzero(keep)
    new_position = np.cumsum(keep) - 1
    parent = p.parent[kept].astype(np.int64)
    parent = np.where(parent >= 0, new_position[np.maximum(parent, 0)], -1)
    running = np.zeros(len(keep) + 1, dtype=np.int64)
    np.cumsum(keep, out=running[1:])
    size = running[kept + p.size[kept]] - running[kept]
    ids = PackedStrings.from_list(p.ids.take(kept))
    order = p.index._order
    in_kept = keep[order]
    index = HashIndex._from_parts(
        ids, new_position[order[in_kept]].astype(order.dtype), frozen(p.index._sorted[in_kept])
    )
    return attrs.evolve(
        p,
        ids=ids,
        index=index,
        names=PackedStrings.from_list(p.names.take(kept)),
        parent=frozen(parent.astype(np.int32)),
        tier=frozen(p.tier[kept]),
        form=frozen(p.form[kept]),
        households=frozen(p.households[kept]),
        party_members=frozen(p.party_members[kept]),
        gridders=frozen(p.gridders[kept]),
        depth=frozen(p.depth[kept]),
        size=frozen(size.astype(np.int32)),
        attributes={int(new_position[k]): v for k, v in p.attributes.items() if keep[k]},
    )


# ---------------------------------------------------------------------- move


def move(org: Organisation, uid: str, parent: str | None) -> Organisation:
    k = org.index(uid)
    p = org._parts
    stop = k + int(p.size[k])
    target = -1 if parent is None else org.index(parent)
    if k <= target < stop:
        where = "itself" if target == k else "its own subtree"
        text = f"cannot move under {parent!r}, which is {where}: the tree would get a cycle"
        raise _fail(uid, text, code="cycle")
    if target >= 0 and not parent_rule_holds(
        int(p.tier[k]), int(p.form[k]), int(p.tier[target]), int(p.form[target])
    ):
        tier = p.tier.copy()
        form = p.form.copy()
        ids = _IdView(p.ids)
        text = "cannot move there: " + parent_rule_text(k, target, tier, form, org.scheme, ids)
        raise _fail(uid, text, code="tier_order")
    count = len(org)
    # Input order: everything outside the subtree, then the subtree, so it becomes the last
    # child of its new parent; the builder restores preorder.
    order = np.concatenate([np.arange(0, k), np.arange(stop, count), np.arange(k, stop)])
    inverse = np.empty(count, dtype=np.int64)
    inverse[order] = np.arange(count)
    old_parent = p.parent.astype(np.int64)
    old_parent[k] = target
    new_parent = np.where(old_parent >= 0, inverse[np.maximum(old_parent, 0)], -1)[order]
    raw = Raw(
        ids=p.ids.take(order),
        tiers=p.tier[order],
        parents=new_parent,
        names=p.names.take(order),
        forms=p.form[order],
        households=p.households[order],
        party_members=p.party_members[order],
        gridders=p.gridders[order],
        attributes={int(inverse[j]): v for j, v in p.attributes.items()},
    )
    return _new(org, build(raw, org.scheme, ProblemLog("moved organisation", "unit")))


class _IdView:
    """Indexable ids for messages, without unpacking every id."""

    def __init__(self, ids: PackedStrings) -> None:
        self._ids = ids

    def __getitem__(self, position: int) -> str:
        return self._ids[position]


# ---------------------------------------------------------------------- evolve


def evolve(org: Organisation, uid: str, changes: Mapping[str, Any]) -> Organisation:
    k = org.index(uid)
    for key in changes:
        if key == "parent":
            msg = "evolve() cannot change parent; use Organisation.move(uid, parent)"
            raise InvalidArgumentError(msg)
        if key not in _EVOLVABLE:
            close = difflib.get_close_matches(key, _EVOLVABLE, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            msg = f"evolve() got unknown field {key!r}{hint}; fields are {', '.join(_EVOLVABLE)}"
            raise InvalidArgumentError(msg)
    if not changes:
        return org
    old = org.unit_at(k)
    unit = attrs.evolve(old, **changes)  # the Unit validators check every field
    p = org._parts
    scheme = org.scheme
    if unit.tier not in scheme.names:
        text = f"tier must be one of {', '.join(scheme.names)}, got {unit.tier!r}"
        raise _fail(uid, text, code="unknown_tier", field="tier")
    tier_code = scheme.index(unit.tier)
    form_code = -1 if unit.form is None else FORMS.index(unit.form)
    if not scheme[tier_code].allows(unit.form):
        allowed = ", ".join(f.value for f in scheme[tier_code].forms)
        form_name = unit.form.value if unit.form is not None else None
        text = f"party form {form_name!r} is not allowed at tier {unit.tier}; allowed: {allowed}"
        raise _fail(uid, text, code="form_not_allowed", field="form")
    if unit.id != old.id and unit.id in org:
        text = f"cannot rename to {unit.id!r}: that id exists"
        raise _fail(uid, text, code="duplicate_id", field="id")
    if unit.id != old.id and org.links.entity_ref(unit.id) is not None:
        owner = org.links.entity(unit.id).noun
        text = f"cannot rename to {unit.id!r}: a {owner} has that id"
        raise _fail(uid, text, code="duplicate_id", field="id")
    if unit.tier != old.tier and len(org.links):
        _linkupdate.check_tier_change(org, k, unit.tier)
    tier = p.tier.copy()
    form = p.form.copy()
    tier[k] = tier_code
    form[k] = form_code
    ids = _IdView(p.ids)
    up = int(p.parent[k])
    if up >= 0 and not parent_rule_holds(tier_code, form_code, int(tier[up]), int(form[up])):
        text = parent_rule_text(k, up, tier, form, scheme, ids)
        raise _fail(uid, text, code="tier_order")
    for child in org._child_positions(k).tolist():
        if not parent_rule_holds(int(tier[child]), int(form[child]), tier_code, form_code):
            text = parent_rule_text(child, k, tier, form, scheme, ids)
            raise _fail(p.ids[child], text, code="tier_order")
    updates: dict[str, Any] = {}
    if tier_code != p.tier[k]:
        updates["tier"] = frozen(tier)
    if form_code != p.form[k]:
        updates["form"] = frozen(form)
    for field in COUNT_FIELDS:
        value = getattr(unit, field)
        if value != getattr(old, field):
            column = getattr(p, field).copy()
            column[k] = value
            updates[field] = frozen(column)
    if unit.name != old.name:
        names = p.names.tolist()
        names[k] = unit.name
        updates["names"] = PackedStrings.from_list(names)
    if unit.attributes != old.attributes:
        attributes = dict(p.attributes)
        if unit.attributes:
            attributes[k] = copy_json(unit.attributes)
        else:
            attributes.pop(k, None)
        updates["attributes"] = attributes
    if unit.id != old.id:
        id_list = p.ids.tolist()
        id_list[k] = unit.id
        packed = PackedStrings.from_list(id_list)
        updates["ids"] = packed
        updates["index"] = HashIndex(packed, hashes_of(id_list, len(id_list)))
    if not updates:
        return org
    renamed = {old.id: unit.id} if unit.id != old.id else None
    identity = np.arange(len(org), dtype=np.int64)
    return _new(org, attrs.evolve(p, **updates), identity, renamed)
