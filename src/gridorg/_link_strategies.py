"""Hypothesis strategies for cross-links: locations, partners, people, sites and organisations
with links."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import attrs
from hypothesis import strategies as st

from gridorg._strategy_support import (
    _COUNTS,
    _NAMES,
    _RECORD_ATTRIBUTES,
    _UNIT_IDS,
    _check_bool,
    _check_int,
    _check_scheme,
    _check_sizes,
    _StrategyArgumentError,
)
from gridorg._tree_strategies import (
    organisations,
)
from gridorg.categories import DEFAULT_CATEGORIES, CategoryCatalogue
from gridorg.hierarchy import Organisation
from gridorg.links import (
    Assignment,
    CommitteeMembership,
    ContactPoint,
    Joining,
    Link,
    Registration,
    Serving,
    Sinking,
)
from gridorg.locations import CRS, Location
from gridorg.partners import Department, Partner, PartnerKind, VolunteerTeam
from gridorg.people import Person, Role
from gridorg.sites import ServiceSite, SiteKind
from gridorg.tiers import LevelScheme

# ---------------------------------------------------------------------- cross-link checks

_E = TypeVar("_E", bound=enum.Enum)
_CRSES = ("wgs84", "planar")


def _check_crs(crs: object) -> str | None:
    if crs is None or (isinstance(crs, str) and crs in _CRSES):
        return crs
    msg = f"crs must be 'wgs84', 'planar' or None, got {crs!r} ({type(crs).__name__})"
    raise _StrategyArgumentError(msg)


def _check_members(name: str, values: object, kind: type[_E]) -> tuple[_E, ...]:
    """``values`` (members of ``kind`` or their string values) in declaration order; every
    member when ``None``."""
    if values is None:
        return tuple(kind)
    if isinstance(values, str) or not isinstance(values, Iterable):
        msg = f"{name} must be a collection of {kind.__name__} values or None, got {values!r}"
        raise _StrategyArgumentError(msg)
    wanted = set()
    for value in values:
        try:
            wanted.add(kind(value))
        except (ValueError, TypeError):
            known = ", ".join(str(member.value) for member in kind)
            msg = f"{name}: {value!r} is not a {kind.__name__}; known: {known}"
            raise _StrategyArgumentError(msg) from None
    if not wanted:
        msg = f"{name} must name at least one {kind.__name__}, got an empty collection"
        raise _StrategyArgumentError(msg)
    return tuple(member for member in kind if member in wanted)


def _check_catalogue(categories: object) -> CategoryCatalogue:
    if categories is None:
        return DEFAULT_CATEGORIES
    if not isinstance(categories, CategoryCatalogue):
        msg = f"categories must be a CategoryCatalogue or None, got {type(categories).__name__}"
        raise _StrategyArgumentError(msg)
    return categories


# ---------------------------------------------------------------------- locations

_LATITUDES = st.floats(-90.0, 90.0)
_LONGITUDES = st.floats(-180.0, 180.0)
#: Planar coordinates stay within ten thousand kilometres of the origin.
_METRES = st.floats(-1e7, 1e7)


_POINTS = {
    "wgs84": st.builds(Location.wgs84, _LATITUDES, _LONGITUDES),
    "planar": st.builds(Location.planar, _METRES, _METRES),
}
#: No location, or one in the system named by the key.
_MAYBE_POINTS = {crs: st.none() | points for crs, points in _POINTS.items()}


@st.composite
def locations(draw: st.DrawFn, *, crs: CRS | None = "wgs84") -> Location:
    """Valid locations in the coordinate system ``crs`` (either system when ``None``).

    WGS84 points have any latitude in [-90, 90] and any longitude in [-180, 180] degrees, both
    ends included; planar points have x and y within ten thousand kilometres of the origin.
    Examples shrink towards the point (0, 0), and to WGS84 when ``crs`` is ``None``.
    """
    chosen = _check_crs(crs)
    system = chosen if chosen is not None else draw(st.sampled_from(_CRSES))
    return draw(_POINTS[system])


# ---------------------------------------------------------------------- partners, people, sites

_MaybeId = st.SearchStrategy[str | None]
_MaybePlace = st.SearchStrategy[Location | None]
_MAYBE_IDS: _MaybeId = st.none() | _UNIT_IDS
_SITE_KINDS = tuple(SiteKind)


# Each partner, person and site is drawn as its id, what it is, and one choice that says
# whether the rest (name, location, attributes, ...) is drawn or left empty. A plain record is
# so at most five choices long and the shrinker, which deletes up to five choices at a time,
# can delete any one record from a list.


@st.composite
def _partner(
    draw: st.DrawFn,
    kinds: Sequence[PartnerKind],
    catalogue: CategoryCatalogue,
    units: _MaybeId,
    places: _MaybePlace,
) -> Partner:
    uid = draw(_UNIT_IDS)
    kind = kinds[draw(st.integers(0, len(kinds) - 1))]
    codes = tuple(catalogue)
    chosen: list[str] = []
    if kind is PartnerKind.DEPARTMENT and codes:
        chosen = draw(st.lists(st.sampled_from(codes), unique=True, max_size=4))
    name, detail = "", draw(st.booleans())
    common: dict[str, Any] = {}
    if detail:
        name = draw(_NAMES)
        common = {"location": draw(places), "attributes": draw(_RECORD_ATTRIBUTES)}
    if kind is PartnerKind.DEPARTMENT:
        fields = ("", *dict.fromkeys(catalogue[code].department for code in codes))
        return Department(
            uid,
            name,
            categories=chosen,
            function=draw(st.sampled_from(fields)) if detail else "",
            jurisdiction=draw(units) if detail else None,
            **common,
        )
    if kind is PartnerKind.VOLUNTEER_TEAM:
        members = draw(st.none() | _COUNTS) if detail else None
        return VolunteerTeam(uid, name, members=members, **common)
    return Partner(uid, name, kind=kind, **common)


@st.composite
def partners(
    draw: st.DrawFn,
    *,
    kinds: Iterable[PartnerKind | str] | None = None,
    categories: CategoryCatalogue | None = None,
) -> Partner:
    """Valid partners of the kinds in ``kinds`` (every :class:`~gridorg.PartnerKind` when
    ``None``).

    A department is a :class:`~gridorg.Department` answering for a few categories of
    ``categories`` (the built-in catalogue when ``None``), with a field of that catalogue or
    none, and a jurisdiction that is ``None`` or an arbitrary unit id (a partner alone cannot
    know which units exist); a volunteer team is a :class:`~gridorg.VolunteerTeam` whose size
    is unknown or a count; every other kind is a plain :class:`~gridorg.Partner`. Ids are
    :func:`unit_ids`; a partner may have a WGS84 location and small attributes. Examples shrink
    towards a department (the first kind offered) with id ``"0"``, no name, no categories, no
    location and no attributes.
    """
    offered = _check_members("kinds", kinds, PartnerKind)
    catalogue = _check_catalogue(categories)
    return draw(_partner(offered, catalogue, _MAYBE_IDS, _MAYBE_POINTS["wgs84"]))


@st.composite
def _person(draw: st.DrawFn, roles: Sequence[Role]) -> Person:
    uid = draw(_UNIT_IDS)
    held = draw(st.lists(st.sampled_from(roles), unique=True, max_size=4))
    if not draw(st.booleans()):
        return Person(uid, roles=held)
    return Person(
        uid,
        draw(_NAMES),
        roles=held,
        party_member=draw(st.sampled_from([None, True, False])),
        attributes=draw(_RECORD_ATTRIBUTES),
    )


@st.composite
def people(draw: st.DrawFn, *, roles: Iterable[Role | str] | None = None) -> Person:
    """Valid people holding a few of the roles in ``roles`` (every :class:`~gridorg.Role` when
    ``None``), possibly none.

    Ids are :func:`unit_ids`; party membership is unknown, true or false. Examples shrink
    towards a person with id ``"0"``, no name, no roles, unknown membership and no
    attributes.
    """
    offered = _check_members("roles", roles, Role)
    return draw(_person(offered))


@st.composite
def _site(draw: st.DrawFn, units: _MaybeId, places: _MaybePlace) -> ServiceSite:
    uid = draw(_UNIT_IDS)
    if not draw(st.booleans()):
        return ServiceSite(uid)
    return ServiceSite(
        uid,
        draw(_NAMES),
        kind=draw(st.sampled_from(_SITE_KINDS)),
        host=draw(units),
        location=draw(places),
        attributes=draw(_RECORD_ATTRIBUTES),
    )


@st.composite
def service_sites(draw: st.DrawFn) -> ServiceSite:
    """Valid service sites of any :class:`~gridorg.SiteKind`.

    The host is ``None`` or an arbitrary unit id (a site alone cannot know which units exist);
    the location is ``None`` or a WGS84 point. Examples shrink towards a party-mass service
    centre with id ``"0"``, no name, no host, no location and no attributes.
    """
    return draw(_site(_MAYBE_IDS, _MAYBE_POINTS["wgs84"]))


# ---------------------------------------------------------------------- links

#: A link as drawn before the organisation exists: the kind, the source and the target as
#: indices taken modulo the number of candidates there turn out to be, then ``None`` (the
#: first role the person holds, default texts, no date) or the role, likewise an index, the
#: free text (position, duty or service team; ``None`` for the default) and the date of a
#: registration. Four choices when plain, five with the list's own, as for the records.
_Details = tuple[int, str | None, dt.date | None]
_RawLink = tuple[int, int, int, _Details | None]
_INDEX = st.integers(0, 2**16 - 1)
_RAW_LINKS = st.tuples(
    st.integers(0, 6),  # a position in _LINK_TYPES
    _INDEX,
    _INDEX,
    st.none()
    | st.tuples(
        _INDEX,
        st.none() | _NAMES,
        st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)),
    ),
)

#: The ids the source and the target of one kind of link may be.
_Ends = tuple[list[str], list[str]]
_LINK_TYPES: tuple[type[Link], ...] = (
    CommitteeMembership,
    Registration,
    ContactPoint,
    Sinking,
    Joining,
    Serving,
    Assignment,
)


def _options(
    org: Organisation,
    partners: Sequence[Partner],
    people: Sequence[Person],
    sites: Sequence[ServiceSite],
) -> dict[type[Link], _Ends]:
    """The link kinds that have a valid source and target, with the ids each end may be."""
    tiers = [org.scheme.names[code] for code in org.column("tier").tolist()]
    ids = list(org)

    def at(*names: str) -> list[str]:
        return [uid for uid, tier in zip(ids, tiers, strict=True) if tier in names]

    departments = [p.id for p in partners if isinstance(p, Department)]
    forces = [p.id for p in partners if not isinstance(p, Department)]
    persons = [p.id for p in people]
    places = [s.id for s in sites]
    candidates: dict[type[Link], _Ends] = {
        CommitteeMembership: (departments + persons, at("street", "community")),
        Registration: ([p.id for p in partners] + persons, at("community")),
        ContactPoint: (persons, at("community", "grid")),
        Sinking: (persons, at("grid")),
        Joining: (forces, places),
        Serving: (places, at("community", "grid")),
        Assignment: ([p.id for p in people if p.roles], ids),
    }
    return {cls: ends for cls, ends in candidates.items() if ends[0] and ends[1]}


def _resolve(
    raw: _RawLink, options: dict[type[Link], _Ends], roles: dict[str, list[Role]]
) -> Link:
    """The link a raw draw names, of the kind drawn or, when that kind has no valid end, of the
    next kind that has (so that a kind stays what it is while the others come and go)."""
    kind, source, target, details = raw
    role, text, date = (0, None, None) if details is None else details
    count = len(_LINK_TYPES)
    cls = next(c for step in range(count) if (c := _LINK_TYPES[(kind + step) % count]) in options)
    sources, targets = options[cls]
    ends = (sources[source % len(sources)], targets[target % len(targets)])
    extra: dict[str, Any] = {}
    if cls is Registration:
        extra = {"date": date, "service_team": text}
    elif cls is Assignment:
        held = roles[ends[0]]
        extra = {"role": held[role % len(held)]}
    elif cls.text_field is not None and text is not None:
        extra = {cls.text_field: text}
    link: Link = cls(*ends, **extra)
    return link


def _fresh(items: list[Any], used: set[str]) -> list[Any]:
    """``items`` with ids made distinct from ``used`` and from each other by a suffix."""
    out = []
    for item in items:
        uid, n = item.id, 0
        while uid in used:
            n += 1
            uid = f"{item.id}~{n}"
        used.add(uid)
        out.append(item if uid == item.id else attrs.evolve(item, id=uid))
    return out


@st.composite
def organisations_with_links(
    draw: st.DrawFn,
    *,
    scheme: LevelScheme | None = None,
    min_units: int = 1,
    max_units: int = 30,
    max_partners: int = 6,
    max_people: int = 8,
    max_sites: int = 4,
    max_links: int = 25,
    locations: bool = True,
    crs: CRS | None = "wgs84",
) -> Organisation:
    """Valid organisations of ``scheme`` with partners, people, service sites and cross-links.

    There are up to ``max_partners`` partners (as :func:`partners` draws them), up to
    ``max_people`` people (as :func:`people` draws them), up to ``max_sites`` sites and up to
    ``max_links`` links, and a tree of between ``min_units`` and ``max_units`` units drawn by
    :func:`organisations` (with attributes). A department's jurisdiction and a site's host are
    one of the units or ``None``. Each link is of a kind that has a valid end on both sides,
    and its ends are drawn from the things of the right kind and tier: a committee membership
    from a department or a person to a street or a community, a registration from a partner or
    a person to a community, a sinking from a person to a grid, a joining from a partner that
    is not a department to a site, and so on; a kind with no valid end (a sinking where there
    is no grid) is never drawn. An assignment's role is one the person holds; a link drawn
    twice is kept once. Ids are distinct across units, partners, people and sites (an id
    already taken gets a ``~n`` suffix). With ``locations`` true some units, partners and
    sites have a location, all in ``crs`` (either system, one per organisation, when
    ``None``); with ``locations`` false none has. Everything goes through
    :meth:`Organisation.with_links`, which accepts every example.

    The entities and links are drawn before the tree (jurisdictions, hosts and unit locations
    after it), links as positions among the candidates taken modulo their number, so that a
    link survives the shrinking of the tree and of the other links' ends. Examples
    shrink to fewer partners, people and sites, to fewer links (any one can go), to fewer
    units as :func:`organisations` shrinks them, then to simpler records: the first kind of
    link possible (committee memberships first), the first candidate ends, default link
    fields, and no locations, names, roles, categories or attributes. For instance a search
    for an organisation with a link ends with one unit, one committee membership and one or
    two partners, people or sites.
    """
    chosen = _check_scheme(scheme)
    _check_sizes("units", min_units, max_units, 0, None)
    for name, value in (
        ("max_partners", max_partners),
        ("max_people", max_people),
        ("max_sites", max_sites),
        ("max_links", max_links),
    ):
        _check_int(name, value, 0)
    _check_bool("locations", locations)
    system = _check_crs(crs)
    if system is None:
        system = draw(st.sampled_from(_CRSES))
    places = _MAYBE_POINTS[system] if locations else st.none()
    partner = _partner(tuple(PartnerKind), DEFAULT_CATEGORIES, st.none(), places)
    drawn_partners = draw(st.lists(partner, max_size=max_partners))
    drawn_people = draw(st.lists(_person(tuple(Role)), max_size=max_people))
    drawn_sites = draw(st.lists(_site(st.none(), places), max_size=max_sites))
    raw_links = draw(st.lists(_RAW_LINKS, max_size=max_links))
    org = draw(
        organisations(scheme=chosen, min_units=min_units, max_units=max_units, attributes=True)
    )
    ids = list(org)
    units = st.none() | st.sampled_from(ids) if ids else st.none()
    drawn_partners = [
        attrs.evolve(p, jurisdiction=draw(units)) if isinstance(p, Department) else p
        for p in drawn_partners
    ]
    drawn_sites = [attrs.evolve(s, host=draw(units)) for s in drawn_sites]
    where: dict[str, Location] = {}
    if locations and ids:
        pairs = st.tuples(st.sampled_from(ids), _POINTS[system])
        where = dict(draw(st.lists(pairs, max_size=len(ids))))
    used = set(ids)
    found_partners = _fresh(drawn_partners, used)
    found_people = _fresh(drawn_people, used)
    found_sites = _fresh(drawn_sites, used)
    options = _options(org, found_partners, found_people, found_sites)
    roles = {p.id: [r for r in Role if r in p.roles] for p in found_people}
    links = [_resolve(raw, options, roles) for raw in raw_links] if options else []
    return org.with_links(
        list(dict.fromkeys(links)),
        partners=found_partners,
        people=found_people,
        sites=found_sites,
        locations=where,
    )
