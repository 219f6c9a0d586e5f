"""Adding partners, people, sites, locations and links to an organisation, all validated.

Everything is checked against the organisation and against each other before anything is
built, and every problem is reported at once in one :class:`~gridorg.LinkError`: ids used twice
(across units, partners, people and sites), link ends that do not exist or are of the wrong
kind or tier, roles a person does not hold, repeated links, unknown issue categories, unknown
units named by a department's jurisdiction, a site's host or a location, and a mix of
coordinate systems.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from gridorg._fields import id_problem
from gridorg._linktable import (
    END_NAMES,
    NO_DATE,
    PARTNER,
    PERSON,
    SITE,
    UNIT,
    LinkTable,
    day_number,
)
from gridorg.categories import CategoryCatalogue
from gridorg.crosslinks import CrossLinks
from gridorg.errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    LinkError,
    Problem,
    RecordError,
)
from gridorg.links import KINDS, LINK_CLASSES, Link, LinkKind, link_from_record
from gridorg.locations import Location
from gridorg.partners import Department, Partner, partner_from_record
from gridorg.people import Person, Role, person_from_record
from gridorg.sites import ServiceSite, site_from_record

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation

#: ``path(section, index, field)``: where an input item is, e.g. ``$.links[3].target``.
PathFn = Callable[[str, int, "str | None"], str]
_ROLES = tuple(Role)
_MAX_PROBLEMS = 1_000


class _Problems:
    def __init__(self, path: PathFn | None) -> None:
        self.path = path
        self.items: list[Problem] = []
        self.dropped = 0

    def add(self, code: str, text: str, section: str, index: int, field: str | None) -> None:
        if len(self.items) >= _MAX_PROBLEMS:
            self.dropped += 1
            return
        if self.path is not None:
            where = self.path(section, index, field)
        else:
            where = f"{section}[{index}]"
        path = self.path(section, index, field) if self.path is not None else None
        self.items.append(Problem(code, f"{where}: {text}", index=index, field=field, path=path))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        items = list(self.items)
        if self.dropped:
            items.append(Problem("more_problems", f"{self.dropped} further problems not listed"))
        raise LinkError(items, subject="cross-links")


def _records(
    values: Iterable[Any], convert: Callable[[Any], Any], section: str, log: _Problems
) -> list[Any]:
    if isinstance(values, Mapping | str | bytes) or not isinstance(values, Iterable):
        msg = f"{section} must be an iterable of records, got {type(values).__name__}"
        raise ArgumentTypeError(msg)
    out = []
    for i, value in enumerate(values):
        try:
            out.append(convert(value))
        except RecordError as err:
            for problem in err.problems:
                log.add(problem.code, problem.message, section, i, problem.field)
            out.append(None)
    return out


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
    table = _links(org, draft, links, log)
    log.raise_if_any()
    return attrs.evolve(draft, table=current._table.concat(table))


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


def _link_columns(
    links: Iterable[Any] | Mapping[str, Sequence[Any]], log: _Problems
) -> tuple[list[int], list[str], list[str], list[int], list[str | None], list[int]]:
    """Kinds, source ids, target ids, dates, texts and roles of the links given."""
    if isinstance(links, Mapping):
        return _from_columns(links, log)
    kinds: list[int] = []
    sources: list[str] = []
    targets: list[str] = []
    dates: list[int] = []
    texts: list[str | None] = []
    roles: list[int] = []
    records = _records(links, link_from_record, "links", log)
    for link in records:
        if link is None:
            kinds.append(-1)
            sources.append("")
            targets.append("")
            dates.append(0)
            texts.append(None)
            roles.append(-1)
            continue
        kinds.append(KINDS.index(link.kind))
        sources.append(link.source)
        targets.append(link.target)
        dates.append(day_number(getattr(link, "date", None)))
        texts.append(None if link.text_field is None else getattr(link, link.text_field))
        role = getattr(link, "role", None)
        roles.append(-1 if role is None else _ROLES.index(role))
    return kinds, sources, targets, dates, texts, roles


#: The columns a mapping of link columns may hold; ``kind``, ``source`` and ``target`` are
#: required.
LINK_COLUMNS: Final = ("kind", "source", "target", "date", "text", "role")


def _from_columns(
    columns: Mapping[str, Sequence[Any]], log: _Problems
) -> tuple[list[int], list[str], list[str], list[int], list[str | None], list[int]]:
    """The link columns of a mapping: ``kind``, ``source``, ``target`` and optionally ``date``
    (dates, ISO strings or None), ``text`` (each kind's free-text field: position, service
    team, duty) and ``role`` (for assignments)."""
    unknown = sorted(set(columns) - set(LINK_COLUMNS))
    missing = [name for name in LINK_COLUMNS[:3] if name not in columns]
    if unknown or missing:
        msg = (
            f"link columns are {', '.join(LINK_COLUMNS)} (kind, source and target required); "
            f"got unknown {unknown} and missing {missing}"
        )
        raise InvalidArgumentError(msg)
    listed = {name: _as_list(columns[name], name) for name in columns}
    count = len(listed["kind"])
    for name, values in listed.items():
        if len(values) != count:
            msg = f"link column {name!r} has {len(values)} values, 'kind' has {count}"
            raise InvalidArgumentError(msg)
    codes = {kind.value: i for i, kind in enumerate(KINDS)}
    raw_kinds = listed["kind"]
    kinds = [codes.get(k, -1) if isinstance(k, str) else -1 for k in raw_kinds]
    kind = np.asarray(kinds, dtype=np.int64)
    for i in np.flatnonzero(kind < 0).tolist():
        message = f"kind must be one of {', '.join(codes)}, got {raw_kinds[i]!r}"
        log.add("invalid_field", message, "links", i, "kind")
    for name in ("source", "target"):
        values = listed[name]
        if all(type(v) is str and v for v in values):
            continue  # unknown ids are reported when the ends are resolved
        for i, value in enumerate(values):
            problem = id_problem(name, value)
            if problem:
                log.add("invalid_field", problem, "links", i, name)
                kinds[i] = -1  # reported: no further checks on this row
                values[i] = ""
            elif type(value) is not str:
                values[i] = str(value)  # a str subclass: look it up by its text
    kind = np.asarray(kinds, dtype=np.int64)
    dates = _dates(listed.get("date"), count, log)
    texts: list[str | None] = listed.get("text") or [None] * count
    role_codes = {role.value: i for i, role in enumerate(_ROLES)}
    raw_roles = listed.get("role") or [None] * count
    roles = [
        -1 if r is None else role_codes.get(r, -2) if isinstance(r, str) else -2 for r in raw_roles
    ]
    role = np.asarray(roles, dtype=np.int64)
    has_text = np.fromiter((t is not None for t in texts), dtype=np.bool_, count=count)
    known = kind >= 0
    assignment = kind == KINDS.index(LinkKind.ASSIGNMENT)
    registration = kind == KINDS.index(LinkKind.REGISTRATION)
    for i in np.flatnonzero(known & ((role >= 0) != assignment) | (role == -2)).tolist():
        why = (
            "an assignment needs a known role"
            if assignment[i]
            else f"a {KINDS[kinds[i]].value} has no role"
        )
        log.add("invalid_field", f"{why}, got {raw_roles[i]!r}", "links", i, "role")
    for i in np.flatnonzero(known & (np.asarray(dates) != NO_DATE) & ~registration).tolist():
        log.add("invalid_field", f"a {KINDS[kinds[i]].value} has no date", "links", i, "date")
    for code, link_kind in enumerate(KINDS):
        cls = LINK_CLASSES[link_kind]
        rows = kind == code
        if cls.text_field is None:
            for i in np.flatnonzero(rows & has_text).tolist():
                text = f"text is not used by a {link_kind.value}, got {texts[i]!r}"
                log.add("invalid_field", text, "links", i, "text")
            continue
        for i in np.flatnonzero(rows & has_text).tolist():
            if type(texts[i]) is not str:
                log.add(
                    "invalid_field", f"text must be a string, got {texts[i]!r}", "links", i, "text"
                )
        default = attrs.fields_dict(cls)[cls.text_field].default
        if isinstance(default, str):
            fill = np.flatnonzero(rows & ~has_text).tolist()
            if fill:
                for i in fill:
                    texts[i] = default
    return kinds, listed["source"], listed["target"], dates, texts, roles


def _dates(values: list[Any] | None, count: int, log: _Problems) -> list[int]:
    if values is None:
        return [NO_DATE] * count
    return [NO_DATE if value is None else _day(value, i, log) for i, value in enumerate(values)]


def _as_list(values: Any, name: str) -> list[Any]:
    if isinstance(values, str | bytes | Mapping) or not hasattr(values, "__len__"):
        msg = f"link column {name!r} must be a sequence, got {type(values).__name__}"
        raise ArgumentTypeError(msg)
    return values.tolist() if hasattr(values, "tolist") else list(values)


def _day(value: object, i: int, log: _Problems) -> int:
    if value is None:
        return NO_DATE
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return day_number(value)
    log.add(
        "invalid_field",
        f"date must be a date or an ISO date string, got {value!r}",
        "links",
        i,
        "date",
    )
    return NO_DATE


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
    kinds, sources, targets, dates, texts, roles = _link_columns(links, log)
    if not kinds:
        return LinkTable.empty()
    kind = np.asarray(kinds, dtype=np.int8)
    src_type, src = _resolve(org, draft, sources, units_first=False)
    dst_type, dst = _resolve(org, draft, targets, units_first=True)
    role = np.asarray(roles, dtype=np.int8)
    is_department = np.array([isinstance(p, Department) for p in draft._partners] + [False])
    role_mask = np.array(
        [sum(1 << _ROLES.index(r) for r in person.roles) for person in draft._people] + [0],
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
                    f"hold the role {_ROLES[int(role[r])].value!r} (their roles: {have})"
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
    _duplicates(draft._table.concat(table), len(draft._table), sources, targets, log)
    return table


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
