"""gridorg.strategies for cross-links: validity, reach, shrink quality and bad arguments.

Validity is checked against the link rules as the documentation states them, written out here
once more, so that a strategy and the organisation's own checks cannot agree on a mistake.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from gridorg import (
    DEFAULT_CATEGORIES,
    DEFAULT_SCHEME,
    Assignment,
    Category,
    CategoryCatalogue,
    CommitteeMembership,
    Department,
    GridorgError,
    InvalidArgumentError,
    LevelScheme,
    Location,
    Organisation,
    Partner,
    PartnerKind,
    Person,
    Role,
    ServiceSite,
    SiteKind,
    VolunteerTeam,
)
from gridorg.locations import CRS
from gridorg.strategies import (
    locations,
    organisations_with_links,
    partners,
    people,
    schemes,
    service_sites,
)
from tests.strategies_helpers import structure_problems

#: What each end of each kind of link may be, and the tiers a unit target may have, as the
#: link table of ``gridorg.links`` documents them.
RULES: dict[str, tuple[set[str], set[str], set[str]]] = {
    "committee_membership": ({"department", "person"}, {"unit"}, {"street", "community"}),
    "registration": ({"department", "partner", "person"}, {"unit"}, {"community"}),
    "contact_point": ({"person"}, {"unit"}, {"community", "grid"}),
    "sinking": ({"person"}, {"unit"}, {"grid"}),
    "joining": ({"partner"}, {"site"}, set()),
    "serving": ({"site"}, {"unit"}, {"community", "grid"}),
    "assignment": ({"person"}, {"unit"}, set()),
}


def kind_of(org: Organisation, uid: str) -> str:
    """What ``uid`` is in ``org``: unit, department, partner (any other), person or site."""
    links = org.links
    found = [
        name
        for name, present in (
            ("unit", uid in org),
            ("department", uid in links.departments),
            ("partner", uid in links.partners and uid not in links.departments),
            ("person", uid in links.people),
            ("site", uid in links.sites),
        )
        if present
    ]
    assert len(found) == 1, f"{uid!r} is {found}"
    return found[0]


def check_linked(org: Organisation, *, crs: str | None = None) -> None:
    """Assert that ``org`` and its cross-links follow every documented rule."""
    assert isinstance(org, Organisation)
    assert structure_problems(org.to_records(), org.scheme) == []
    links = org.links
    ids = [*org, *links.partners, *links.people, *links.sites]
    assert len(ids) == len(set(ids))
    records = list(links)
    assert len(records) == len(set(records))
    for link in records:
        sources, targets, tiers = RULES[link.kind.value]
        source, target = kind_of(org, link.source), kind_of(org, link.target)
        assert source in sources, link
        assert target in targets, link
        if target == "unit" and tiers:
            assert org[link.target].tier in tiers, link
        if isinstance(link, Assignment):
            assert link.role in links.people[link.source].roles
    for partner in links.partners.values():
        if isinstance(partner, Department):
            assert partner.categories <= set(links.categories)
            assert partner.jurisdiction is None or partner.jurisdiction in org
    for site in links.sites.values():
        assert site.host is None or site.host in org
    places = [org.location(uid) for uid in ids]
    systems = {place.crs for place in places if place is not None}
    assert len(systems) <= 1
    assert links.crs == (systems.pop() if systems else None)
    if crs is not None and links.crs is not None:
        assert links.crs == crs


def rebuilt(org: Organisation) -> Organisation:
    """``org`` built again from its records in a single ``with_links`` call."""
    links = org.links
    plain = Organisation.from_records(org.to_records(), scheme=org.scheme, name=org.name)
    where = {uid: org.location(uid) for uid in org}
    return plain.with_links(
        list(links),
        partners=list(links.partners.values()),
        people=list(links.people.values()),
        sites=list(links.sites.values()),
        locations={uid: place for uid, place in where.items() if place is not None},
    )


# ---------------------------------------------------------------------- validity


@given(organisations_with_links(crs=None))
def test_organisations_with_links_are_valid(org: Organisation) -> None:
    check_linked(org)
    assert 1 <= len(org) <= 30
    links = org.links
    assert len(links.partners) <= 6
    assert len(links.people) <= 8
    assert len(links.sites) <= 4
    assert len(links) <= 25
    assert rebuilt(org) == org


@given(st.data())
def test_sizes_and_options_are_obeyed(data: st.DataObject) -> None:
    low = data.draw(st.integers(0, 5), label="min_units")
    high = data.draw(st.integers(low, 8), label="max_units")
    limits = {
        name: data.draw(st.integers(0, 4), label=name)
        for name in ("max_partners", "max_people", "max_sites", "max_links")
    }
    systems: list[CRS] = ["wgs84", "planar"]
    crs = data.draw(st.sampled_from(systems))
    strategy = organisations_with_links(
        min_units=low,
        max_units=high,
        max_partners=limits["max_partners"],
        max_people=limits["max_people"],
        max_sites=limits["max_sites"],
        max_links=limits["max_links"],
        crs=crs,
    )
    org = data.draw(strategy, label="org")
    check_linked(org, crs=crs)
    links = org.links
    assert low <= len(org) <= high
    assert len(links.partners) <= limits["max_partners"]
    assert len(links.people) <= limits["max_people"]
    assert len(links.sites) <= limits["max_sites"]
    assert len(links) <= limits["max_links"]


@given(organisations_with_links(locations=False, max_units=10))
def test_locations_off_means_no_location_anywhere(org: Organisation) -> None:
    check_linked(org)
    links = org.links
    assert links.crs is None
    assert all(org.location(uid) is None for uid in [*org, *links.partners, *links.sites])


@given(st.data())
def test_links_of_other_schemes_are_valid(data: st.DataObject) -> None:
    scheme = data.draw(
        st.sampled_from(
            [
                LevelScheme(["county", "street", "community", "grid", "household"]),
                LevelScheme(["community", "grid"]),
            ]
        )
        | schemes(max_tiers=4)
    )
    org = data.draw(organisations_with_links(scheme=scheme, min_units=0, max_units=12))
    assert org.scheme == scheme
    check_linked(org)


@given(partners())
def test_partners_are_valid(partner: Partner) -> None:
    assert isinstance(partner, Partner)
    assert partner.id == partner.id.strip() != ""
    if partner.kind is PartnerKind.DEPARTMENT:
        assert type(partner) is Department
        assert partner.categories <= set(DEFAULT_CATEGORIES)
    elif partner.kind is PartnerKind.VOLUNTEER_TEAM:
        assert type(partner) is VolunteerTeam
    else:
        assert type(partner) is Partner
    assert partner.location is None or partner.location.crs == "wgs84"


@given(partners(kinds=["department"], categories=CategoryCatalogue([Category("water")])))
def test_partners_use_the_kinds_and_catalogue_given(partner: Partner) -> None:
    assert isinstance(partner, Department)
    assert partner.categories <= {"water"}
    assert partner.function == ""


@given(partners(kinds={PartnerKind.ENTERPRISE, "volunteer_team"}))
def test_partner_kinds_may_be_members_or_values(partner: Partner) -> None:
    assert partner.kind in {PartnerKind.ENTERPRISE, PartnerKind.VOLUNTEER_TEAM}


@given(people(roles=[Role.GRIDDER, "household_head"]))
def test_people_hold_only_the_roles_given(person: Person) -> None:
    assert isinstance(person, Person)
    assert person.roles <= {Role.GRIDDER, Role.HOUSEHOLD_HEAD}
    assert person.party_member in (None, True, False)


@given(service_sites())
def test_service_sites_are_valid(site: ServiceSite) -> None:
    assert isinstance(site, ServiceSite)
    assert isinstance(site.kind, SiteKind)
    assert site.host is None or site.host == site.host.strip() != ""
    assert site.location is None or site.location.crs == "wgs84"


@given(locations(), locations(crs="planar"), locations(crs=None))
def test_locations_lie_in_their_ranges(wgs: Location, flat: Location, either: Location) -> None:
    assert wgs.crs == "wgs84"
    assert -90 <= wgs.lat <= 90
    assert -180 <= wgs.lon <= 180
    assert flat.crs == "planar"
    assert abs(flat.x) <= 1e7
    assert abs(flat.y) <= 1e7
    assert either.crs in ("wgs84", "planar")
    assert all(math.isfinite(v) for v in (wgs.x, wgs.y, flat.x, flat.y, either.x, either.y))


# ---------------------------------------------------------------------- reach


def _features(org: Organisation) -> set[str]:
    links = org.links
    found = {f"link {link.kind.value}" for link in links}
    found |= {f"partner {p.kind.value}" for p in links.partners.values()}
    checks = {
        "department with a jurisdiction": any(
            d.jurisdiction is not None for d in links.departments.values()
        ),
        "department with categories": any(d.categories for d in links.departments.values()),
        "site with a host": any(s.host is not None for s in links.sites.values()),
        "unit with a location": any(org.location(uid) is not None for uid in org),
        "partner with a location": any(p.location is not None for p in links.partners.values()),
        "wgs84": links.crs == "wgs84",
        "planar": links.crs == "planar",
        "person with several roles": any(len(p.roles) >= 2 for p in links.people.values()),
        "registration with a date": any(
            getattr(link, "date", None) is not None for link in links.of_kind("registration")
        ),
        "several links at one unit": any(len(org.links_of(uid)) >= 2 for uid in org),
        "suffixed id": any("~" in uid for uid in [*links.partners, *links.people]),
    }
    found.update(name for name, seen in checks.items() if seen)
    return found


def test_strategy_reaches_every_kind_of_link() -> None:
    seen: set[str] = set()

    @settings(
        max_examples=300,
        phases=[Phase.generate],
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(organisations_with_links(crs=None))
    def collect(org: Organisation) -> None:
        seen.update(_features(org))

    collect()
    expected = {f"link {kind}" for kind in RULES} | {
        f"partner {kind.value}" for kind in PartnerKind
    }
    expected |= {
        "department with a jurisdiction",
        "department with categories",
        "site with a host",
        "unit with a location",
        "partner with a location",
        "wgs84",
        "planar",
        "person with several roles",
        "registration with a date",
        "several links at one unit",
        "suffixed id",
    }
    assert expected - seen == set()


# ---------------------------------------------------------------------- shrink quality

#: ``find`` without the explain phase, which only slows a search for a minimal example.
SHRINK = settings(database=None, phases=[Phase.generate, Phase.shrink])


def entities(org: Organisation) -> int:
    """The number of partners, people and sites."""
    links = org.links
    return len(links.partners) + len(links.people) + len(links.sites)


def test_shrinks_to_one_link() -> None:
    org = find(organisations_with_links(), lambda o: len(o.links) >= 1, settings=SHRINK)
    assert len(org) == 1
    assert len(org.links) == 1
    assert entities(org) <= 2
    (link,) = org.links
    assert isinstance(link, CommitteeMembership)
    assert link.position == "part-time member"
    (record,) = org.to_records()
    assert record["name"] == ""
    assert "attributes" not in record
    assert org.location(record["id"]) is None


def test_shrinks_an_assignment_to_one_person_with_one_role() -> None:
    org = find(
        organisations_with_links(),
        lambda o: len(o.links.of_kind("assignment")) >= 1,
        settings=SHRINK,
    )
    assert len(org) == 1
    assert len(org.links) == 1
    assert entities(org) == 1
    (link,) = org.links
    assert isinstance(link, Assignment)
    person = org.links.people[link.person]
    assert person.roles == {link.role}
    assert person.name == ""
    assert not person.attributes


def test_shrinks_a_department_to_one_category() -> None:
    partner = find(
        partners(), lambda p: isinstance(p, Department) and bool(p.categories), settings=SHRINK
    )
    assert isinstance(partner, Department)
    assert len(partner.categories) == 1
    assert partner.id == "0"
    assert partner.name == ""
    assert partner.jurisdiction is None
    assert partner.location is None


# ---------------------------------------------------------------------- bad arguments


BAD_ARGUMENTS: list[tuple[Callable[[], st.SearchStrategy[Any]], str]] = [
    (lambda: locations(crs="utm"), "crs"),  # type: ignore[arg-type]
    (lambda: locations(crs=4326), "crs"),  # type: ignore[arg-type]
    (lambda: partners(kinds="department"), "kinds"),
    (lambda: partners(kinds=["department", "bank"]), "'bank' is not a PartnerKind"),
    (lambda: partners(kinds=[]), "at least one PartnerKind"),
    (lambda: partners(categories=["water"]), "categories"),  # type: ignore[arg-type]
    (lambda: people(roles=["mayor"]), "'mayor' is not a Role"),
    (lambda: people(roles=Role.GRIDDER), "roles"),
    (lambda: organisations_with_links(min_units=4, max_units=2), "min_units=4"),
    (lambda: organisations_with_links(max_units=-1), "max_units"),
    (lambda: organisations_with_links(max_partners=-1), "max_partners"),
    (lambda: organisations_with_links(max_people=1.5), "max_people"),  # type: ignore[arg-type]
    (lambda: organisations_with_links(max_sites=True), "max_sites"),
    (lambda: organisations_with_links(max_links="5"), "max_links"),  # type: ignore[arg-type]
    (lambda: organisations_with_links(locations=1), "locations"),  # type: ignore[arg-type]
    (lambda: organisations_with_links(crs="mercator"), "crs"),  # type: ignore[arg-type]
    (lambda: organisations_with_links(scheme=["street"]), "scheme"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("make", "message"), BAD_ARGUMENTS)
def test_bad_arguments_raise_when_used(
    make: Callable[[], st.SearchStrategy[Any]], message: str
) -> None:
    strategy = make()  # building the strategy does not raise; using it does

    @given(strategy)
    def use(value: Any) -> None:
        raise AssertionError  # pragma: no cover - never reached

    with pytest.raises(InvalidArgument, match=message) as caught:
        use()
    assert isinstance(caught.value, InvalidArgumentError)
    assert isinstance(caught.value, GridorgError)


def test_default_scheme_is_used_when_none_is_given() -> None:
    @settings(max_examples=5, database=None)
    @given(organisations_with_links(scheme=None, max_units=3))
    def check(org: Organisation) -> None:
        assert org.scheme == DEFAULT_SCHEME

    check()


@given(
    st.from_type(Location),
    st.from_type(Partner),
    st.from_type(Department),
    st.from_type(VolunteerTeam),
    st.from_type(Person),
    st.from_type(ServiceSite),
)
def test_from_type_draws_the_cross_link_records(
    location: Location,
    partner: Partner,
    department: Department,
    team: VolunteerTeam,
    person: Person,
    site: ServiceSite,
) -> None:
    assert isinstance(location, Location)
    assert isinstance(partner, Partner)
    assert type(department) is Department
    assert type(team) is VolunteerTeam
    assert isinstance(person, Person)
    assert isinstance(site, ServiceSite)
