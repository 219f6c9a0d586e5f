"""Carrying cross-links through organisation updates: remapping unit ends, renumbering
entities, finding what a removal touches, and checking a unit's tier change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from gridorg._linkbuild import _describe
from gridorg._linktable import (
    PARTNER,
    PERSON,
    SITE,
    UNIT,
)
from gridorg.crosslinks import CrossLinks
from gridorg.errors import (
    LinkError,
    Problem,
)
from gridorg.links import KINDS, LINK_CLASSES
from gridorg.partners import Department, Partner
from gridorg.sites import ServiceSite

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation


#: ``path(section, index, field)``: where an input item is, e.g. ``$.links[3].target``.
def touching(
    links: CrossLinks, positions: npt.NDArray[np.bool_] | None, entity_ids: set[str]
) -> npt.NDArray[np.bool_]:
    """Which links touch a unit marked in ``positions`` (a mask) or an entity in ``entity_ids``."""
    t = links._table
    hit = np.zeros(len(t), dtype=np.bool_)
    if positions is not None:
        hit |= (t.src_type == UNIT) & positions[np.where(t.src_type == UNIT, t.src, 0)]
        hit |= (t.dst_type == UNIT) & positions[np.where(t.dst_type == UNIT, t.dst, 0)]
    for end, items in ((PARTNER, links._partners), (PERSON, links._people), (SITE, links._sites)):
        marked = np.array([item.id in entity_ids for item in items] + [False])
        hit |= (t.src_type == end) & marked[np.where(t.src_type == end, t.src, -1)]
        hit |= (t.dst_type == end) & marked[np.where(t.dst_type == end, t.dst, -1)]
    return hit


def remap(
    links: CrossLinks,
    new_org: Organisation,
    old_to_new: npt.NDArray[np.int64],
    renamed: Mapping[str, str] | None = None,
) -> CrossLinks:
    """The cross-links moved onto ``new_org``, whose unit at ``old_to_new[k]`` was at ``k``.

    Every unit a link touches must survive (callers drop such links first).
    """
    t = links._table
    src = np.where(t.src_type == UNIT, old_to_new[np.where(t.src_type == UNIT, t.src, 0)], t.src)
    dst = np.where(t.dst_type == UNIT, old_to_new[np.where(t.dst_type == UNIT, t.dst, 0)], t.dst)
    xy = links._xy
    if xy is not None:
        moved = np.full((len(new_org), 2), np.nan)
        alive = old_to_new >= 0
        moved[old_to_new[alive]] = xy[alive]
        moved.flags.writeable = False
        xy = moved if not np.isnan(moved[:, 0]).all() else None
    partners, sites = links._partners, links._sites
    if renamed:
        partners = tuple(
            attrs.evolve(p, jurisdiction=renamed[p.jurisdiction])
            if isinstance(p, Department)
            and p.jurisdiction is not None
            and p.jurisdiction in renamed
            else p
            for p in partners
        )
        sites = tuple(
            attrs.evolve(s, host=renamed[s.host])
            if s.host is not None and s.host in renamed
            else s
            for s in sites
        )
    return settled(
        attrs.evolve(
            links,
            unit_ids=new_org._parts.ids,
            table=t.with_ends(src=src, dst=dst),
            xy=xy,
            partners=partners,
            sites=sites,
        )
    )


def settled(links: CrossLinks) -> CrossLinks:
    """``links`` with its coordinate system cleared when nothing located is left."""
    if links.crs is None or links._xy is not None:
        return links
    located: tuple[Partner | ServiceSite, ...] = (*links._partners, *links._sites)
    if any(item.location is not None for item in located):
        return links
    return attrs.evolve(links, crs=None)


def reindex(old: CrossLinks, new: CrossLinks) -> CrossLinks:
    """``new`` (fewer partners, people or sites than ``old``, the same links table rows that
    survive) with its entity ends renumbered; no remaining link may touch a removed entity."""
    t = new._table
    src, dst = t.src.astype(np.int64), t.dst.astype(np.int64)
    groups: tuple[tuple[int, tuple[Any, ...], tuple[Any, ...]], ...] = (
        (PARTNER, old._partners, new._partners),
        (PERSON, old._people, new._people),
        (SITE, old._sites, new._sites),
    )
    for end, before, after in groups:
        if len(before) == len(after):
            continue
        kept = {item.id: i for i, item in enumerate(after)}
        mapping = np.array([kept.get(item.id, -1) for item in before] + [-1], dtype=np.int64)
        src = np.where(t.src_type == end, mapping[np.where(t.src_type == end, src, -1)], src)
        dst = np.where(t.dst_type == end, mapping[np.where(t.dst_type == end, dst, -1)], dst)
    return attrs.evolve(new, table=t.with_ends(src=src, dst=dst))


def check_tier_change(org: Organisation, k: int, tier: str) -> None:
    """Raise a :class:`LinkError` if moving the unit at ``k`` to ``tier`` breaks a link's tier
    rule (a sinking must end at a grid, a registration at a community, ...)."""
    links = org.links
    t = links._table
    rows = np.flatnonzero((t.dst_type == UNIT) & (t.dst == k))
    problems = []
    for r in rows.tolist():
        cls = LINK_CLASSES[KINDS[int(t.kind[r])]]
        allowed = [name for name in cls.target_tiers if name in org.scheme.names]
        if allowed and tier not in allowed:
            link = links[r]
            what = _describe(cls, link.source, link.target)
            needs = " or ".join(allowed)
            text = f"unit {link.target!r} cannot become tier {tier}: {what} needs {needs}"
            problems.append(Problem("wrong_tier", text, unit=link.target, index=r, field="tier"))
    if problems:
        raise LinkError(problems, subject="organisation update")
