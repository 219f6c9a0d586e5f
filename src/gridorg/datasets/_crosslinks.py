"""The cross-links of the county presets: departments, partners, people and service sites.

Besides the organisation trees, the 2025 report says who works with them: departments on the
extended street working committee (大工委), county units and in-service party members that
register at communities (双报到 / 双联双进), leaders' contact points (联系点), social forces
and volunteer teams joined to the community party-mass service centres, and the service sites
(服务阵地). :func:`yinjiang_links` and :func:`songtao_links` add them to a preset's tree. Each
published count comes out exactly, or at least its lower bound; names of bodies, who goes
where and where units and sites lie are fixed by stated rules or drawn from a fixed seed.
:mod:`gridorg.datasets._provenance` lists which is which.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from gridorg.datasets import _layout as lay
from gridorg.datasets._stream import Stream
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
from gridorg.locations import Location
from gridorg.partners import Department, Partner, PartnerKind, VolunteerTeam
from gridorg.people import Person, Role
from gridorg.sites import ServiceSite, SiteKind

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

SYNTHETIC: Final = "（合成）"
METRES_PER_DEGREE: Final = 111_320.0
_GOLDEN_ANGLE: Final = math.pi * (3.0 - math.sqrt(5.0))

#: The departments of a county that answer for the built-in issue categories: function (as the
#: category catalogue names it), name (``{c}`` is the county's short name) and categories.
#: The report names the first four (民政、人社、公安、教育).
DEPARTMENTS: Final = (
    ("civil_affairs", "{c}县民政局", ("civil_assistance",)),
    ("human_resources", "{c}县人力资源和社会保障局", ("employment",)),
    ("public_security", "{c}县公安局", ("public_security",)),
    ("education", "{c}县教育局", ("education",)),
    ("political_legal", "{c}县委政法委", ("stability",)),
    ("justice", "{c}县司法局", ("legal_services", "neighbour_disputes")),
    ("housing", "{c}县住房和城乡建设局", ("property_management",)),
    ("urban_management", "{c}县城市管理局", ("urban_management", "public_facilities")),
    ("environment", "铜仁市生态环境局{c}分局", ("environment",)),
    ("health", "{c}县卫生健康局", ("health",)),
    ("market_regulation", "{c}县市场监督管理局", ("market_regulation",)),
    ("emergency_management", "{c}县应急管理局", ("emergency",)),
    ("petitions", "{c}县信访局", ("petitions",)),
)


@attrs.frozen
class Geometry:
    """Where a preset lies: the county seat and how its units spread around it.

    ``seat`` is the latitude and longitude of the county seat; ``streets`` holds each street's
    centre in metres east and north of it. Communities spread around their street's centre and
    grids around their community's centre on sunflower spirals (nearest neighbours about
    ``1.6 * spacing`` apart); grids then move by up to ``jitter`` metres along each axis.
    """

    seat: tuple[float, float]
    streets: tuple[tuple[float, float], ...]
    community_spacing: float
    grid_spacing: float
    jitter: float


YINJIANG_GEOMETRY: Final = Geometry((27.99, 108.41), ((0.0, 0.0), (2400.0, 2300.0)), 550, 150, 50)
SONGTAO_GEOMETRY: Final = Geometry((28.16, 109.20), ((0.0, 0.0),), 600, 150, 50)

YINJIANG_SEED: Final = 20250524
SONGTAO_SEED: Final = 20250525


# ---------------------------------------------------------------------- the tree


@attrs.frozen
class _Tree:
    """What the cross-links need of a preset's tree: ids and relations by index.

    ``communities`` are the community party organisations (parent a street); ``branches``
    every unit of form branch, ``nested`` those inside a committee or general branch, with
    the indices of their grids in ``nested_grids``.
    """

    streets: list[str]
    communities: list[str]
    community_names: list[str]
    community_street: IntArray
    branches: list[str]
    nested: list[str]
    nested_grids: list[IntArray]
    grids: list[str]
    grid_community: IntArray
    households: IntArray

    @property
    def community_households(self) -> IntArray:
        found: IntArray = np.bincount(
            self.grid_community, weights=self.households, minlength=len(self.communities)
        ).astype(np.int64)
        return found


def _ids(org: Organisation, positions: npt.ArrayLike) -> list[str]:
    return [str(uid) for uid in org.ids_at(positions)]


def _tree(org: Organisation) -> _Tree:
    tier = org.column("tier")
    parent = org.column("parent")
    streets = np.flatnonzero(tier == lay.STREET)
    top = (tier == lay.COMMUNITY) & (parent >= 0)
    top[top] = tier[parent[top]] == lay.STREET
    communities = np.flatnonzero(top)
    grids = np.flatnonzero(tier == lay.GRID)
    branches = org.positions(form="branch")
    nested = branches[tier[parent[branches]] == lay.COMMUNITY]
    return _Tree(
        streets=_ids(org, streets),
        communities=_ids(org, communities),
        community_names=[u.name for u in org.units_at(communities)],
        community_street=np.searchsorted(streets, parent[communities]).astype(np.int64),
        branches=_ids(org, branches),
        nested=_ids(org, nested),
        nested_grids=[np.flatnonzero(parent[grids] == b) for b in nested.tolist()],
        grids=_ids(org, grids),
        grid_community=np.searchsorted(
            communities, org.ancestor_at_many(grids, "community")
        ).astype(np.int64),
        households=np.asarray(org.totals("households")[grids], dtype=np.int64),
    )


# ---------------------------------------------------------------------- geometry


def _spiral(n: int, spacing: float, turn: float) -> FloatArray:
    """``n`` points on a sunflower spiral around the origin, in metres."""
    i = np.arange(n) + 0.5
    radius = spacing * np.sqrt(i)
    angle = i * _GOLDEN_ANGLE + turn
    return np.column_stack((radius * np.cos(angle), radius * np.sin(angle)))


@attrs.frozen
class _Places:
    """Community centres and grid points, metres east and north of the county seat."""

    streets: FloatArray
    communities: FloatArray
    grids: FloatArray


def _places(tree: _Tree, geometry: Geometry, draw: Stream) -> _Places:
    streets = np.asarray(geometry.streets, dtype=np.float64)
    centres = np.empty((len(tree.communities), 2))
    for s in range(len(streets)):
        mine = np.flatnonzero(tree.community_street == s)
        turn = float(draw.uniform(1)[0]) * 2 * math.pi
        centres[mine] = streets[s] + _spiral(len(mine), geometry.community_spacing, turn)
    turns = draw.uniform(len(centres)) * 2 * math.pi
    grids = np.empty((len(tree.grids), 2))
    for c, turn in enumerate(turns.tolist()):
        mine = np.flatnonzero(tree.grid_community == c)
        grids[mine] = centres[c] + _spiral(len(mine), geometry.grid_spacing, turn)
    grids += (draw.uniform(2 * len(grids)).reshape(-1, 2) - 0.5) * (2 * geometry.jitter)
    return _Places(streets, centres, grids)


def _wgs84(geometry: Geometry, xy: FloatArray) -> list[Location]:
    """Points in metres east and north of the seat as WGS84 locations (to 1e-6 degrees)."""
    lat0, lon0 = geometry.seat
    lat = np.round(lat0 + xy[:, 1] / METRES_PER_DEGREE, 6)
    lon = np.round(lon0 + xy[:, 0] / (METRES_PER_DEGREE * math.cos(math.radians(lat0))), 6)
    return [Location(x, y) for x, y in zip(lon.tolist(), lat.tolist(), strict=True)]


def _unit_locations(tree: _Tree, geometry: Geometry, places: _Places) -> dict[str, Location]:
    """Streets, communities, nested branches (the middle of their grids) and grids."""
    nested_xy = np.array([places.grids[g].mean(axis=0) for g in tree.nested_grids])
    groups = (
        (tree.streets, places.streets),
        (tree.communities, places.communities),
        (tree.nested, nested_xy.reshape(-1, 2)),
        (tree.grids, places.grids),
    )
    found: dict[str, Location] = {}
    for ids, xy in groups:
        found.update(zip(ids, _wgs84(geometry, xy), strict=True))
    return found


# ---------------------------------------------------------------------- sites


#: What sites of kind ``other`` are called: the report's photograph shows a 便民服务站.
_SITE_NAMES: Final = {SiteKind.OTHER: "便民服务站"}


def _site_name(community: str, what: str) -> str:
    if community.endswith(SYNTHETIC):
        return f"{community.removesuffix(SYNTHETIC)} {what}{SYNTHETIC}"
    return f"{community}{what}"


def _sites(
    tree: _Tree,
    geometry: Geometry,
    places: _Places,
    extra: Sequence[Sequence[SiteKind]],
    draw: Stream,
) -> tuple[list[ServiceSite], list[Link]]:
    """One party-mass service centre per community plus its ``extra`` sites; their links.

    The centre stands near the community's centre; each further site at the grid farthest
    from the sites placed so far. Every site serves its community, every grid is served by
    the nearest site of its community.
    """
    sites: list[ServiceSite] = []
    links: list[Link] = []
    nudge = (draw.uniform(2 * len(tree.communities)).reshape(-1, 2) - 0.5) * 80.0
    for c, (cid, name) in enumerate(zip(tree.communities, tree.community_names, strict=True)):
        mine = np.flatnonzero(tree.grid_community == c)
        points = [places.communities[c] + nudge[c]]
        kinds = [SiteKind.PARTY_MASS_CENTRE, *extra[c]]
        for _ in extra[c]:
            gaps = np.min([np.hypot(*(places.grids[mine] - p).T) for p in points], axis=0)
            points.append(places.grids[mine[int(np.argmax(gaps))]])
        xy = np.array(points)
        ids = [f"{cid}-S{k}" for k in range(len(kinds))]
        for k, (sid, kind, where) in enumerate(zip(ids, kinds, _wgs84(geometry, xy), strict=True)):
            label = _SITE_NAMES.get(kind, kind.label)
            what = label if k == 0 else f"{label} {k}"
            sites.append(
                ServiceSite(sid, _site_name(name, what), kind=kind, host=cid, location=where)
            )
            links.append(Serving(sid, cid))
        nearest = np.argmin([np.hypot(*(places.grids[mine] - p).T) for p in xy], axis=0).tolist()
        links.extend(
            Serving(ids[k], tree.grids[g]) for g, k in zip(mine.tolist(), nearest, strict=True)
        )
    return sites, links


# ---------------------------------------------------------------------- helpers


def _departments(code: str, county: str) -> list[Department]:
    """The county's departments (see :data:`DEPARTMENTS`), serving the whole preset."""
    return [
        Department(
            f"{code}-D-{function.replace('_', '-')}",
            name.format(c=county),
            categories=categories,
            function=function,
        )
        for function, name, categories in DEPARTMENTS
    ]


def _shares(total: int, parts: int) -> IntArray:
    """``total`` shared among ``parts`` as evenly as possible, the larger shares first."""
    base, extra = divmod(total, parts)
    found: IntArray = base + (np.arange(parts) < extra).astype(np.int64)
    return found


def _weighted(draw: Stream, weights: IntArray, n: int) -> IntArray:
    """``n`` indices drawn with probability proportional to ``weights``."""
    cumulative = np.cumsum(weights, dtype=np.float64)
    found: IntArray = np.searchsorted(
        cumulative, draw.uniform(n) * cumulative[-1], side="right"
    ).astype(np.int64)
    return found


def _permutation(draw: Stream, n: int) -> IntArray:
    found: IntArray = np.argsort(draw.uniform(n), kind="stable").astype(np.int64)
    return found


def _round_robin(draw: Stream, n: int, over: int) -> IntArray:
    """``n`` items dealt in turn over ``over`` places taken in a drawn order."""
    return _permutation(draw, over)[np.arange(n) % over]


def _partners(
    code: str, start: int, kind: PartnerKind, label: str, n: int, **extra: object
) -> list[Partner]:
    """``n`` partners of one kind with synthetic names, ids ``{code}{start + i:03d}``."""
    attributes = dict(extra)
    return [
        Partner(
            f"{code}{start + i:03d}",
            f"{label} {i + 1:03d}{SYNTHETIC}",
            kind=kind,
            attributes=attributes,
        )
        for i in range(n)
    ]


def _people(prefix: str, n: int, role: Role, *, party_member: bool | None = True) -> list[Person]:
    return [
        Person(f"{prefix}{i + 1:02d}", roles={role}, party_member=party_member) for i in range(n)
    ]


def _dates(days: IntArray) -> list[dt.date]:
    """Dates of 2024, counted in days from 1 January."""
    found: list[dt.date] = (np.datetime64("2024-01-01") + days).astype("datetime64[D]").tolist()
    return found


def _members(role: Role, units: Sequence[Partner], total: int) -> tuple[list[Person], IntArray]:
    """``total`` party members of ``role`` shared evenly among ``units``, and each one's unit.

    A member's id is its unit's id and its number there: ``YJ-U001-M07``.
    """
    shares = _shares(total, len(units))
    owner = np.repeat(np.arange(len(units)), shares)
    rank = lay.ranks(shares, owner) + 1
    roles = frozenset({role})
    people = [
        Person(f"{units[u].id}-M{r:02d}", roles=roles, party_member=True)
        for u, r in zip(owner.tolist(), rank.tolist(), strict=True)
    ]
    return people, owner.astype(np.int64)


# ---------------------------------------------------------------------- Yinjiang

#: Registered county-level units (驻区单位): government units, then institutions.
YINJIANG_UNITS: Final = (58, 48)
#: In-service party members sunk into the grids (3000余).
YINJIANG_IN_SERVICE: Final = 3_060
#: Mediators per community (纠纷调解队; 50余 in all).
YINJIANG_MEDIATORS_PER_COMMUNITY: Final = 4
#: Service sites besides the centres (服务阵地21处): red stations, neighbourhood centres, others.
YINJIANG_SITES: Final = (
    (SiteKind.RED_STATION, 11),
    (SiteKind.NEIGHBOURHOOD_CENTRE, 8),
    (SiteKind.OTHER, 2),
)
#: Social forces joined to each centre: kind and name (50余支 in all).
YINJIANG_FORCES: Final = (
    (PartnerKind.ENTERPRISE, "社会企业"),
    (PartnerKind.SOCIAL_ORGANISATION, "社工团体"),
    (PartnerKind.SOCIAL_ORGANISATION, "民间社团"),
    (PartnerKind.PROPERTY_COMPANY, "物业企业"),
)
#: The six volunteer teams: the report names the first two.
YINJIANG_TEAMS: Final = (
    "社区评议员队伍",
    "微心愿服务队",
    "纠纷调解队",
    "新时代文明实践志愿服务队",
    "助老助残志愿服务队",
    "环境卫生志愿服务队",
)


def _extra_sites(tree: _Tree, draw: Stream) -> list[list[SiteKind]]:
    """The kinds of the further sites of each community: one each, two for the largest."""
    kinds = [kind for kind, n in YINJIANG_SITES for _ in range(n)]
    kinds = [kinds[i] for i in _permutation(draw, len(kinds)).tolist()]
    grids = np.bincount(tree.grid_community, minlength=len(tree.communities))
    count = _shares(len(kinds), len(tree.communities))
    per = np.empty(len(tree.communities), dtype=np.int64)
    per[np.argsort(-grids, kind="stable")] = count
    out: list[list[SiteKind]] = []
    for n in per.tolist():
        out.append(kinds[:n])
        kinds = kinds[n:]
    return out


def yinjiang_links(org: Organisation) -> Organisation:
    """The Yinjiang preset's tree with its cross-links (see ``provenance("yinjiang")``)."""
    tree = _tree(org)
    draw = Stream(YINJIANG_SEED)
    geometry = YINJIANG_GEOMETRY
    places = _places(tree, geometry, draw)
    sites, links = _sites(tree, geometry, places, _extra_sites(tree, draw), draw)
    centres = [s for s in sites if s.kind is SiteKind.PARTY_MASS_CENTRE]
    others = [s for s in sites if s.kind is not SiteKind.PARTY_MASS_CENTRE]
    n_communities = len(tree.communities)

    # The extended street working committees (大工委).
    departments = _departments("YJ", "印江")
    links += [CommitteeMembership(d.id, s) for s in tree.streets for d in departments]
    people: list[Person] = []
    for s in tree.streets:
        convenor = Person(f"{s}-P-SEC", roles={Role.SECRETARY}, party_member=True)
        deputy = Person(
            f"{s}-P-DEP",
            roles={Role.DEPUTY_SECRETARY},
            party_member=True,
            attributes={"background": "former community secretary"},
        )
        people += [convenor, deputy]
        links += [
            Assignment(convenor.id, s, role=Role.SECRETARY),
            Assignment(deputy.id, s, role=Role.DEPUTY_SECRETARY),
        ]

    # County-level units registered at communities (双联双进).
    government, institutions = YINJIANG_UNITS
    units = _partners("YJ-U", 1, PartnerKind.GOVERNMENT_UNIT, "县直机关单位", government)
    units += _partners(
        "YJ-U", government + 1, PartnerKind.INSTITUTION, "县直事业单位", institutions
    )
    at = _round_robin(draw, len(units), n_communities)
    links += [
        Registration(u.id, tree.communities[c]) for u, c in zip(units, at.tolist(), strict=True)
    ]

    # Social forces joined to the centres.
    forces: list[Partner] = []
    for k, (kind, label) in enumerate(YINJIANG_FORCES):
        group = _partners(f"YJ-F{k + 1}-", 1, kind, label, n_communities)
        forces += group
        links += [Joining(f.id, centre.id) for f, centre in zip(group, centres, strict=True)]

    # Evaluators at the 14 centres and the 21 branches; mediators in every community.
    evaluators = _people(
        "YJ-P-EV", n_communities + len(tree.branches), Role.EVALUATOR, party_member=None
    )
    mediators = _people(
        "YJ-P-MD",
        YINJIANG_MEDIATORS_PER_COMMUNITY * n_communities,
        Role.MEDIATOR,
        party_member=None,
    )
    places_of_evaluators = [*tree.communities, *tree.branches]
    links += [
        Assignment(p.id, unit, role=Role.EVALUATOR)
        for p, unit in zip(evaluators, places_of_evaluators, strict=True)
    ]
    links += [
        Assignment(p.id, tree.communities[i % n_communities], role=Role.MEDIATOR)
        for i, p in enumerate(mediators)
    ]
    people += evaluators + mediators

    # Volunteer teams: all join the centres; evaluators and mediators also the other sites.
    sizes = {0: len(evaluators), 2: len(mediators)}
    teams = [
        VolunteerTeam(f"YJ-V{k + 1}", name, members=sizes.get(k))
        for k, name in enumerate(YINJIANG_TEAMS)
    ]
    for k, team in enumerate(teams):
        joined = centres + others if k in sizes else centres
        links += [Joining(team.id, site.id) for site in joined]

    # In-service party members sunk into grids (网格民情联络员), where they live.
    members, _ = _members(Role.IN_SERVICE_MEMBER, units, YINJIANG_IN_SERVICE)
    grid = _weighted(draw, tree.households, len(members))
    links += [Sinking(p.id, tree.grids[g]) for p, g in zip(members, grid.tolist(), strict=True)]
    people += members

    return org.with_links(
        links,
        partners=[*departments, *units, *forces, *teams],
        people=people,
        sites=sites,
        locations=_unit_locations(tree, geometry, places),
    )


# ---------------------------------------------------------------------- Songtao

#: Contact-point leaders (联系点): county leaders, organisation-department members, street
#: working-committee members.
SONGTAO_LEADERS: Final = (
    (Role.COUNTY_LEADER, "CL", 27),
    (Role.ORGANISATION_DEPARTMENT_MEMBER, "OD", 8),
    (Role.STREET_COMMITTEE_MEMBER, "SC", 10),
)
#: Part-time committee members (兼职委员): of the street, of each community.
SONGTAO_PART_TIME: Final = (9, 3)
#: Registered units (双报到), each forming one service team: government units, institutions and
#: state-owned enterprises (机关企事业单位), then new-sector enterprises and social
#: organisations (新兴领域).
SONGTAO_UNITS: Final = (
    (PartnerKind.GOVERNMENT_UNIT, "机关单位", 90, False),
    (PartnerKind.INSTITUTION, "事业单位", 60, False),
    (PartnerKind.ENTERPRISE, "国有企业", 11, False),
    (PartnerKind.ENTERPRISE, "新兴领域企业", 12, True),
    (PartnerKind.SOCIAL_ORGANISATION, "新兴领域社会组织", 8, True),
)
#: In-service party members (3000余) and new-employment party members (170余) registered.
SONGTAO_MEMBERS: Final = (3_030, 172)
#: Registration dates: units in the first half of 2024, members within 120 days of their unit.
SONGTAO_UNIT_DAYS: Final = (0, 181)
SONGTAO_MEMBER_DELAY: Final = (0, 120)


def _key_grids(tree: _Tree, n: int) -> list[int]:
    """The ``n`` grids with the most households (ties: earlier first), in tree order."""
    order = np.argsort(-tree.households, kind="stable")
    return sorted(order[:n].tolist())


def songtao_links(org: Organisation) -> Organisation:
    """The Songtao preset's tree with its cross-links (see ``provenance("songtao")``)."""
    tree = _tree(org)
    draw = Stream(SONGTAO_SEED)
    geometry = SONGTAO_GEOMETRY
    places = _places(tree, geometry, draw)
    sites, links = _sites(tree, geometry, places, [[] for _ in tree.communities], draw)
    (street,) = tree.streets
    n_communities = len(tree.communities)

    # Contact points: the first county leaders take the communities, everyone else a key grid.
    leaders: list[Person] = []
    for role, tag, n in SONGTAO_LEADERS:
        leaders += _people(f"ST-P-{tag}", n, role)
    key = _key_grids(tree, len(leaders) - n_communities)
    points = [*tree.communities, *(tree.grids[g] for g in key)]
    links += [ContactPoint(p.id, unit) for p, unit in zip(leaders, points, strict=True)]
    links += [
        Assignment(p.id, street, role=Role.STREET_COMMITTEE_MEMBER)
        for p in leaders
        if Role.STREET_COMMITTEE_MEMBER in p.roles
    ]

    # Part-time committee members of the street and of every community.
    on_street, per_community = SONGTAO_PART_TIME
    part_time = _people("ST-P-SP", on_street, Role.PART_TIME_MEMBER)
    links += [CommitteeMembership(p.id, street) for p in part_time]
    in_communities = _people("ST-P-CP", per_community * n_communities, Role.PART_TIME_MEMBER)
    links += [
        CommitteeMembership(p.id, tree.communities[i // per_community])
        for i, p in enumerate(in_communities)
    ]

    # Units registered in 2024, one service team each.
    units: list[Partner] = []
    for kind, label, n, fresh in SONGTAO_UNITS:
        extra = {"new_sector": True} if fresh else {}
        units += _partners("ST-U", len(units) + 1, kind, label, n, **extra)
    at = _round_robin(draw, len(units), n_communities)
    unit_days = draw.integers(*SONGTAO_UNIT_DAYS, len(units))
    links += [
        Registration(u.id, tree.communities[c], date=day, service_team=f"服务团队 {i + 1:03d}")
        for i, (u, c, day) in enumerate(zip(units, at.tolist(), _dates(unit_days), strict=True))
    ]

    # Members register where they live, after their unit.
    in_service, new_employment = SONGTAO_MEMBERS
    is_new = np.array([bool(u.attributes.get("new_sector")) for u in units])
    traditional, new_sector = np.flatnonzero(~is_new), np.flatnonzero(is_new)
    members, owner = _members(Role.IN_SERVICE_MEMBER, [units[i] for i in traditional], in_service)
    newcomers, new_owner = _members(
        Role.NEW_EMPLOYMENT_MEMBER, [units[i] for i in new_sector], new_employment
    )
    everyone = members + newcomers
    first = unit_days[np.concatenate((traditional[owner], new_sector[new_owner]))]
    days = first + draw.integers(*SONGTAO_MEMBER_DELAY, len(everyone))
    home = _weighted(draw, tree.community_households, len(everyone))
    links += [
        Registration(p.id, tree.communities[c], date=day)
        for p, c, day in zip(everyone, home.tolist(), _dates(days), strict=True)
    ]

    return org.with_links(
        links,
        partners=[*_departments("ST", "松桃"), *units],
        people=[*leaders, *part_time, *in_communities, *everyone],
        sites=sites,
        locations=_unit_locations(tree, geometry, places),
    )
