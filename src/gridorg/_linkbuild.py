"""Adding partners, people, sites, locations and links to an organisation, all validated.

Reading the input is :mod:`gridorg._linkinput`'s part; carrying links through updates is
:mod:`gridorg._linkupdate`'s.

Everything is checked against the organisation and against each other before anything is
built, and every problem is reported at once in one :class:`~gridorg.LinkError`: ids used twice
(across units, partners, people and sites), link ends that do not exist or are of the wrong
kind or tier, roles a person does not hold, repeated links, unknown issue categories, unknown
units named by a department's jurisdiction, a site's host or a location, and a mix of
coordinate systems.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from gridorg._linkinput import PathFn, _link_columns, _Problems, _records
from gridorg._linktable import (
    END_NAMES,
    PARTNER,
    PERSON,
    SITE,
    UNIT,
    LinkTable,
)
from gridorg.categories import CategoryCatalogue
from gridorg.crosslinks import CrossLinks
from gridorg.errors import (
    ArgumentTypeError,
    RecordError,
)
from gridorg.links import KINDS, LINK_CLASSES, Link
from gridorg.locations import Location
from gridorg.partners import Department, Partner, partner_from_record
from gridorg.people import ROLES, Person, person_from_record
from gridorg.sites import ServiceSite, site_from_record

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation


#: ``path(section, index, field)``: where an input item is, e.g. ``$.links[3].target``.
def extend(
    org: Organisation,
    links: Iterable[Link | Mapping[str, Any]] | Mapping[str, Sequence[Any]] = (),
    *,
    partners: Iterable[Partner | Mapping[str, Any]] = (),
    people: Iterable[Person | Mapping[str, Any]] = (),
    sites: Iterable[ServiceSite | Mapping[str, Any]] = (),
    locations: Mapping[str, Location | Any] | None = None,
    categories: CategoryCatalogue | Iterable[Any] | None = None,
    path: PathFn | None = None,
) -> CrossLinks:
    """The organisation's cross-links with the given items added (see ``with_links``)."""
    log = _Problems(path)
    current = org.links
    new_partners = _records(partners, partner_from_record, "partners", log)
    new_people = _records(people, person_from_record, "people", log)
    new_sites = _records(sites, site_from_record, "sites", log)
    catalogue = _catalogue(categories, current.categories, log)
    all_partners = (*current._partners, *new_partners)
    all_people = (*current._people, *new_people)
    all_sites = (*current._sites, *new_sites)
    _check_ids(org, current, new_partners, new_people, new_sites, log)
    _check_references(
        org, catalogue, all_partners, all_sites, len(current._partners), len(current._sites), log
    )
    xy, crs = _locations(org, current, locations, all_partners, all_sites, log)
    kept = [p for p in all_partners if p is not None]
    staff = [p for p in all_people if p is not None]
    places = [s for s in all_sites if s is not None]
    draft = attrs.evolve(
        current,
        categories=catalogue,
        partners=tuple(kept),
        people=tuple(staff),
        sites=tuple(places),
        xy=xy,
        crs=crs,
    )
    table = _links(org, draft, links, log)  # the existing links followed by the new ones
    log.raise_if_any()
    return attrs.evolve(draft, table=table)


def _catalogue(
    categories: CategoryCatalogue | Iterable[Any] | None,
    current: CategoryCatalogue,
    log: _Problems,
) -> CategoryCatalogue:
    if categories is None:
        return current
    if isinstance(categories, CategoryCatalogue):
        return categories
    if isinstance(categories, Mapping | str | bytes) or not isinstance(categories, Iterable):
        msg = f"categories must be a CategoryCatalogue or records, got {type(categories).__name__}"
        raise ArgumentTypeError(msg)
    try:
        records: Iterable[Any] = categories
        return CategoryCatalogue.from_records(records)
    except RecordError as err:
        for i, problem in enumerate(err.problems):
            index = i if problem.index is None else problem.index
            log.add(problem.code, problem.message, "categories", index, problem.field)
        return current


def _check_ids(
    org: Organisation,
    current: CrossLinks,
    partners: list[Partner | None],
    people: list[Person | None],
    sites: list[ServiceSite | None],
    log: _Problems,
) -> None:
    """Ids must be unique across units, partners, people and sites, old and new."""
    taken = current.entity_refs()
    first: dict[str, tuple[str, int]] = {}
    news: tuple[tuple[str, list[Any]], ...] = (
        ("partners", partners),
        ("people", people),
        ("sites", sites),
    )
    for section, new in news:
        for i, item in enumerate(new):
            if item is None:
                continue
            uid = item.id
            if uid in taken:
                owner = current.entity(uid)
                text = f"id {uid!r} is already used by an existing {owner.noun}"
                log.add("duplicate_id", text, section, i, "id")
            elif first.setdefault(uid, (section, i)) != (section, i):
                where = "{}[{}]".format(*first[uid])
                text = f"id {uid!r} is already used by the record at {where}"
                log.add("duplicate_id", text, section, i, "id")
    ids = list(first)
    for k in np.flatnonzero(org._parts.index.get_many(ids) >= 0).tolist():
        uid = ids[k]
        log.add("duplicate_id", f"id {uid!r} is already used by a unit", *first[uid], "id")


def _check_references(
    org: Organisation,
    catalogue: CategoryCatalogue,
    partners: tuple[Partner | None, ...],
    sites: tuple[ServiceSite | None, ...],
    old_partners: int,
    old_sites: int,
    log: _Problems,
) -> None:
    for i, partner in enumerate(partners):
        if not isinstance(partner, Department):
            continue
        where = ("partners", i - old_partners) if i >= old_partners else ("existing partners", i)
        unknown = sorted(partner.categories - set(catalogue))
        if unknown:
            text = (
                f"department {partner.id!r} answers for unknown issue categories "
                f"{', '.join(map(repr, unknown))}; the catalogue has "
                f"{', '.join(catalogue) or 'no categories'}"
            )
            log.add("unknown_category", text, *where, "categories")
        if partner.jurisdiction is not None and partner.jurisdiction not in org:
            text = (
                f"department {partner.id!r}: jurisdiction {partner.jurisdiction!r} is not a unit"
            )
            log.add("unknown_unit", text, *where, "jurisdiction")
    for i, site in enumerate(sites):
        if site is not None and site.host is not None and site.host not in org:
            text = f"site {site.id!r}: host {site.host!r} is not a unit"
            log.add("unknown_unit", text, "sites", i - old_sites, "host")


def _locations(
    org: Organisation,
    current: CrossLinks,
    locations: Mapping[str, Any] | None,
    partners: tuple[Partner | None, ...],
    sites: tuple[ServiceSite | None, ...],
    log: _Problems,
) -> tuple[npt.NDArray[np.float64] | None, str | None]:
    crs_seen: dict[str, str] = {}
    if current.crs is not None:
        crs_seen[current.crs] = "the existing locations"
    for items in (partners, sites):
        for item in items:
            if item is not None and item.location is not None:
                crs_seen.setdefault(item.location.crs, f"{item.noun} {item.id!r}")
    xy = current._xy
    if locations:
        if not isinstance(locations, Mapping):
            msg = f"locations must map unit ids to locations, got {type(locations).__name__}"
            raise ArgumentTypeError(msg)
        ids = list(locations)
        positions = org._parts.index.get_many(ids)
        xy = np.full((len(org), 2), np.nan) if xy is None else xy.copy()
        for i, (uid, k) in enumerate(zip(ids, positions.tolist(), strict=True)):
            if k < 0:
                log.add("unknown_unit", f"{uid!r} is not a unit", "locations", i, "id")
                continue
            try:
                where = Location.from_record(locations[uid])
            except RecordError as err:
                log.add(
                    "invalid_location",
                    f"unit {uid!r}: {err.problems[0].message}",
                    "locations",
                    i,
                    err.problems[0].field,
                )
                continue
            crs_seen.setdefault(where.crs, f"unit {uid!r}")
            xy[k] = (where.x, where.y)
        xy.flags.writeable = False
    if len(crs_seen) > 1:
        (a, first), (b, second) = list(crs_seen.items())[:2]
        # Reported against the locations argument when it is part of the clash.
        text = f"locations mix coordinate systems: {first} is {a}, {second} is {b}"
        log.add("mixed_crs", text, "locations", 0, "crs")
    crs = next(iter(crs_seen), None)
    return xy, crs


# ---------------------------------------------------------------------- links


def _resolve(
    org: Organisation, links: CrossLinks, ids: list[str], *, units_first: bool
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int64]]:
    """The (end type, position) of every id: -1 for ids that name nothing.

    ``units_first`` looks ids up among the units first (for ends that are mostly units),
    otherwise among partners, people and sites first.
    """
    if len(ids) > 100_000:  # links share ends: look each distinct id up once
        distinct = dict.fromkeys(ids)
        if len(distinct) < len(ids) // 2:
            keys = list(distinct)
            slot = {uid: i for i, uid in enumerate(keys)}
            inverse = np.fromiter(map(slot.__getitem__, ids), dtype=np.int64, count=len(ids))
            end, position = _resolve(org, links, keys, units_first=units_first)
            return end[inverse], position[inverse]
    refs = links.entity_refs()
    if units_first:
        position = org._parts.index.get_many(ids)
        end = np.where(position >= 0, UNIT, -1).astype(np.int8)
        missing = np.flatnonzero(position < 0)
        codes = np.array([refs.get(ids[i], -1) for i in missing.tolist()], dtype=np.int64)
        found = codes >= 0
        end[missing[found]] = codes[found] >> 32
        position[missing[found]] = codes[found] & 0xFFFFFFFF
        return end, position
    codes = np.fromiter((refs.get(uid, -1) for uid in ids), dtype=np.int64, count=len(ids))
    end = np.where(codes >= 0, codes >> 32, -1).astype(np.int8)
    position = np.where(codes >= 0, codes & 0xFFFFFFFF, -1)
    missing = np.flatnonzero(codes < 0)
    if len(missing):
        at = org._parts.index.get_many([ids[i] for i in missing.tolist()])
        end[missing[at >= 0]] = UNIT
        position[missing] = at
    return end, position


def _links(
    org: Organisation,
    draft: CrossLinks,
    links: Iterable[Any] | Mapping[str, Sequence[Any]],
    log: _Problems,
) -> LinkTable:
    """The organisation's links followed by the new ones, each new one checked."""
    kinds, sources, targets, dates, texts, roles = _link_columns(links, log)
    if not kinds:
        return draft._table
    kind = np.asarray(kinds, dtype=np.int8)
    src_type, src = _resolve(org, draft, sources, units_first=False)
    dst_type, dst = _resolve(org, draft, targets, units_first=True)
    role = np.asarray(roles, dtype=np.int8)
    is_department = np.array([isinstance(p, Department) for p in draft._partners] + [False])
    role_mask = np.array(
        [sum(1 << ROLES.index(r) for r in person.roles) for person in draft._people] + [0],
        dtype=np.int64,
    )
    tiers = org._parts.tier
    bad = np.zeros(len(kind), dtype=np.bool_)
    for code, link_kind in enumerate(KINDS):
        rows = np.flatnonzero(kind == code)
        if not len(rows):
            continue
        cls = LINK_CLASSES[link_kind]
        for which, end_type, pos, allowed, field in (
            ("source", src_type, src, cls.source_kinds, cls.ends[0]),
            ("target", dst_type, dst, cls.target_kinds, cls.ends[1]),
        ):
            ok = _end_ok(end_type[rows], pos[rows], allowed, is_department)
            for r in rows[~ok].tolist():
                bad[r] = True
                ids = sources if which == "source" else targets
                _end_problem(
                    log,
                    r,
                    cls,
                    which,
                    field,
                    ids[r],
                    int(end_type[r]),
                    allowed,
                    sources[r],
                    targets[r],
                    draft,
                )
        tier_names = [t for t in cls.target_tiers if t in org.scheme.names]
        if tier_names:
            codes = [org.scheme.index(t) for t in tier_names]
            unit_rows = rows[(dst_type[rows] == UNIT) & ~bad[rows]]
            wrong = unit_rows[~np.isin(tiers[dst[unit_rows]], codes)]
            for r in wrong.tolist():
                bad[r] = True
                found = org.scheme.names[int(tiers[dst[r]])]
                text = (
                    f"{_describe(cls, sources[r], targets[r])}: {cls.ends[1]} {targets[r]!r} is "
                    f"at tier {found}, expected {' or '.join(tier_names)}"
                )
                log.add("wrong_tier", text, "links", r, cls.ends[1])
        if link_kind == "assignment":
            people_rows = rows[(src_type[rows] == PERSON) & ~bad[rows] & (role[rows] >= 0)]
            held = (role_mask[src[people_rows]] >> role[people_rows].astype(np.int64)) & 1
            for r in people_rows[held == 0].tolist():
                bad[r] = True
                person = draft._people[int(src[r])]
                have = ", ".join(sorted(x.value for x in person.roles)) or "none"
                text = (
                    f"{_describe(cls, sources[r], targets[r])}: person {sources[r]!r} does not "
                    f"hold the role {ROLES[int(role[r])].value!r} (their roles: {have})"
                )
                log.add("role_not_held", text, "links", r, "role")
    pool: dict[str, int] = {}
    text_codes = np.array(
        [-1 if t is None else pool.setdefault(t, len(pool)) for t in texts], dtype=np.int32
    )
    table = LinkTable.from_arrays(
        tuple(pool),
        kind=kind,
        src_type=src_type,
        src=src,
        dst_type=dst_type,
        dst=dst,
        date=np.asarray(dates, dtype=np.int32),
        text=text_codes,
        role=role,
    )
    combined = draft._table.concat(table)
    _duplicates(combined, len(draft._table), sources, targets, log)
    return combined


def _end_ok(
    end_type: npt.NDArray[np.int8],
    pos: npt.NDArray[np.int64],
    allowed: tuple[str, ...],
    is_department: npt.NDArray[np.bool_],
) -> npt.NDArray[np.bool_]:
    ok = np.zeros(len(end_type), dtype=np.bool_)
    partner_pos = np.where(end_type == PARTNER, pos, -1)
    for name in allowed:
        if name == "unit":
            ok |= end_type == UNIT
        elif name == "partner":
            ok |= end_type == PARTNER
        elif name == "department":
            ok |= (end_type == PARTNER) & is_department[partner_pos]
        elif name == "social_force":
            ok |= (end_type == PARTNER) & ~is_department[partner_pos]
        elif name == "person":
            ok |= end_type == PERSON
        elif name == "site":
            ok |= end_type == SITE
    return ok


def _describe(cls: type[Link], source: str, target: str) -> str:
    return f"{cls.kind.value} {source!r} → {target!r}"


def _end_problem(
    log: _Problems,
    row: int,
    cls: type[Link],
    which: str,
    field: str,
    uid: str,
    end_type: int,
    allowed: tuple[str, ...],
    source: str,
    target: str,
    draft: CrossLinks,
) -> None:
    wanted = " or ".join(a.replace("_", " ") for a in allowed)
    if end_type < 0:
        text = (
            f"{_describe(cls, source, target)}: {field} {uid!r} does not exist "
            f"(expected a {wanted})"
        )
        log.add("dangling_end", text, "links", row, field)
        return
    found = END_NAMES[end_type]
    if end_type == PARTNER:
        partner = draft.partners[uid]
        found = (
            partner.noun if isinstance(partner, Department) else f"{partner.kind.value} partner"
        )
    text = f"{_describe(cls, source, target)}: {field} {uid!r} is a {found}, expected a {wanted}"
    log.add("wrong_end_kind", text, "links", row, field)


def _duplicates(
    table: LinkTable, old: int, sources: list[str], targets: list[str], log: _Problems
) -> None:
    if len(table) < 2:
        return
    small = (
        table.kind.astype(np.int64) << 24
        | table.src_type.astype(np.int64) << 16
        | table.dst_type.astype(np.int64) << 8
        | (table.role.astype(np.int64) & 0xFF)
    )
    keys = (
        table.text.astype(np.int64),
        table.date.astype(np.int64),
        table.dst.astype(np.int64),
        table.src.astype(np.int64),
        small,
    )
    order = np.lexsort(keys)
    same = np.ones(len(table) - 1, dtype=np.bool_)
    for key in keys:
        ordered = key[order]
        same &= ordered[1:] == ordered[:-1]
    for i in np.flatnonzero(same).tolist():
        later = max(int(order[i]), int(order[i + 1]))
        if later < old:
            continue
        r = later - old
        if table.kind[later] < 0:  # a record that could not be read: reported already
            continue
        kind = KINDS[int(table.kind[later])]
        text = f"{_describe(LINK_CLASSES[kind], sources[r], targets[r])} repeats an earlier link"
        log.add("duplicate_link", text, "links", r, None)


# ---------------------------------------------------------------------- updates
