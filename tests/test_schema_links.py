"""Tests for the cross-link members of gridorg documents: round trips, the JSON Schema, errors."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gridorg
from gridorg import (
    DEFAULT_CATEGORIES,
    Category,
    Location,
    Organisation,
    SchemaError,
    ValidationError,
)
from gridorg.cli import main
from gridorg.errors import LinkError
from gridorg.links import (
    LINK_CLASSES,
    Assignment,
    CommitteeMembership,
    ContactPoint,
    Joining,
    Link,
    LinkKind,
    Registration,
    Serving,
    Sinking,
)
from gridorg.partners import Department, Partner, PartnerKind, VolunteerTeam
from gridorg.people import Person, Role
from gridorg.schema import Layout, dump, dump_file, dumps, json_schema, load, load_file, loads
from gridorg.sites import ServiceSite, SiteKind
from tests.schema_helpers import violations

LAYOUTS: tuple[Layout, ...] = ("columns", "records")
MEMBERS = ("categories", "partners", "people", "sites", "locations", "links")


def _tree() -> Organisation:
    return Organisation.from_records(
        [
            {"id": "S1", "tier": "street", "name": "峨岭街道", "form": "working_committee"},
            {"id": "C1", "tier": "community", "parent": "S1", "name": "团龙社区"},
            {"id": "G1", "tier": "grid", "parent": "C1", "name": "一网格", "form": "group"},
            {"id": "H1", "tier": "household", "parent": "G1", "form": "central_household"},
            {"id": "G2", "tier": "grid", "parent": "C1"},
            {"id": "C2", "tier": "community", "parent": "S1"},
            {"id": "G3", "tier": "grid", "parent": "C2"},
        ],
        name="印江县城区",
    )


def _partners(where: Callable[[float, float], Location]) -> list[Partner]:
    return [
        Department(
            "D-civil",
            "民政局",
            categories={"civil_assistance", "elderly_care"},
            function="civil_affairs",
            jurisdiction="S1",
            location=where(27.99, 108.41),
            attributes={"电话": "0856-1234", "staff": [3, {"科室": "救助"}], "note": None},
        ),
        Department("D-justice"),
        VolunteerTeam("V1", "红马甲志愿队", members=30, location=where(27.98, 108.40)),
        VolunteerTeam("V2"),
        Partner("GU1", "县供电局", kind="government_unit"),
        Partner("I1", "县人民医院", kind="institution", attributes={"beds": 400}),
        Partner("E1", "Yinjiang Power Supply Co.", kind="enterprise"),
        Partner("SO1", "社工服务中心", kind="social_organisation", location=where(27.97, 108.42)),
        Partner("PC1", "物业公司", kind="property_company"),
    ]


PEOPLE = [
    Person("P-sec", "王芳", roles={"secretary", "deputy_secretary"}, party_member=True),
    Person("P-grid", "李强", roles={"gridder", "household_head"}, party_member=False),
    Person("P-lead", "县领导", roles={"county_leader"}, attributes={"职务": "副县长"}),
    Person("P-mem", roles={"in_service_member", "new_employment_member"}),
    Person("P-none"),
]


def _sites(where: Callable[[float, float], Location]) -> list[ServiceSite]:
    return [
        ServiceSite(
            "X-centre",
            "团龙社区党群服务中心",
            kind="party_mass_centre",
            host="C1",
            location=where(27.985, 108.405),
            attributes={"open": "8:30-17:30"},
        ),
        ServiceSite("X-red", "红色驿站", kind="red_station", host="G1"),
        ServiceSite("X-near", kind="neighbourhood_centre"),
        ServiceSite("X-other", kind="other", location=where(27.96, 108.43)),
    ]


LINKS: list[Link] = [
    CommitteeMembership("D-civil", "S1", position="兼职委员"),
    CommitteeMembership("P-lead", "C1"),
    Registration("GU1", "C1", date=dt.date(2024, 3, 1), service_team="志愿服务队"),
    Registration("P-mem", "C2"),
    ContactPoint("P-lead", "G1"),
    Sinking("P-mem", "G2", duty="网格民情联络员"),
    Sinking("P-mem", "G3"),
    Joining("V1", "X-centre"),
    Joining("E1", "X-centre"),
    Serving("X-centre", "C1"),
    Serving("X-red", "G1"),
    Assignment("P-sec", "C1", role="secretary"),
    Assignment("P-grid", "G1", role="gridder"),
    Assignment("P-grid", "H1", role="household_head"),
]

ELDERLY = Category(
    "elderly_care", "elderly care", label="养老服务", tier="community", department="civil_affairs"
)


def _wgs84(lat: float, lon: float) -> Location:
    return Location.wgs84(lat, lon)


def _planar(lat: float, lon: float) -> Location:
    return Location.planar(lon * 1000.0, lat * 1000.0)


def _rich(where: Callable[[float, float], Location] = _wgs84) -> Organisation:
    """Every kind of partner, person, site and link; unit locations; a custom catalogue."""
    return _tree().with_links(
        LINKS,
        partners=_partners(where),
        people=PEOPLE,
        sites=_sites(where),
        locations={"S1": where(28.0, 108.4), "G1": where(27.99, 108.41), "H1": where(-5, 0)},
        categories=DEFAULT_CATEGORIES.extended(ELDERLY),
    )


ORGANISATIONS: dict[str, Callable[[], Organisation]] = {
    "wgs84": _rich,
    "planar": lambda: _rich(_planar),
    "people only": lambda: _tree().with_links(people=PEOPLE),
    "locations only": lambda: _tree().with_links(locations={"G3": Location.planar(-1.5, 2e6)}),
    "empty catalogue": lambda: _tree().with_links(categories=[]),
    "links without partners": lambda: _rich().without_links(),
}


# ---------------------------------------------------------------------- round trips


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("which", sorted(ORGANISATIONS))
def test_round_trip(which: str, layout: Layout) -> None:
    org = ORGANISATIONS[which]()
    document = dump(org, layout=layout)
    loaded = load(document)
    assert loaded == org
    assert loaded.links == org.links
    assert loads(dumps(org, layout=layout)) == org
    assert dump(loaded, layout=layout) == document
    assert json.loads(json.dumps(document)) == document


def test_round_trip_keeps_every_field() -> None:
    org = _rich()
    loaded = load(json.loads(dumps(org, layout="records")))
    links = loaded.links
    assert list(links) == LINKS
    assert list(links.partners.values()) == _partners(_wgs84)
    assert list(links.people.values()) == PEOPLE
    assert list(links.sites.values()) == _sites(_wgs84)
    assert links.categories["elderly_care"] == ELDERLY
    assert list(links.categories) == [*DEFAULT_CATEGORIES, "elderly_care"]
    assert loaded.location("G1") == Location.wgs84(27.99, 108.41)
    assert loaded.location("H1") == Location.wgs84(-5, 0)
    assert loaded.location("C1") is None
    department = links.departments["D-civil"]
    assert department.attributes["staff"] == [3, {"科室": "救助"}]
    registration = links.of_kind("registration")[0]
    assert isinstance(registration, Registration)
    assert registration.date == dt.date(2024, 3, 1)
    assert loaded.links.crs == "wgs84"
    assert load(dump(_rich(_planar))).links.crs == "planar"


def test_members_written_out() -> None:
    document = dump(_rich())
    assert list(document)[5:] == list(MEMBERS)
    assert document["categories"][-1] == {
        "code": "elderly_care",
        "name": "elderly care",
        "label": "养老服务",
        "tier": "community",
        "department": "civil_affairs",
    }
    assert len(document["categories"]) == len(DEFAULT_CATEGORIES) + 1
    assert document["partners"][0] == {
        "id": "D-civil",
        "name": "民政局",
        "kind": "department",
        "categories": ["civil_assistance", "elderly_care"],
        "function": "civil_affairs",
        "jurisdiction": "S1",
        "location": {"x": 108.41, "y": 27.99, "crs": "wgs84"},
        "attributes": {"电话": "0856-1234", "staff": [3, {"科室": "救助"}], "note": None},
    }
    assert document["partners"][3] == {"id": "V2", "name": "", "kind": "volunteer_team"}
    assert document["people"][1] == {
        "id": "P-grid",
        "name": "李强",
        "roles": ["gridder", "household_head"],
        "party_member": False,
    }
    assert document["locations"] == {
        "crs": "wgs84",
        "id": ["S1", "G1", "H1"],
        "x": [108.4, 108.41, 0.0],
        "y": [28.0, 27.99, -5.0],
    }
    assert document["links"][2] == {
        "kind": "registration",
        "registrant": "GU1",
        "community": "C1",
        "date": "2024-03-01",
        "service_team": "志愿服务队",
    }
    assert document["links"][3] == {
        "kind": "registration",
        "registrant": "P-mem",
        "community": "C2",
    }
    assert [link["kind"] for link in document["links"]] == [link.kind.value for link in LINKS]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_organisation_without_cross_links_keeps_its_document(layout: Layout) -> None:
    org = _tree()
    document = dump(org, layout=layout)
    assert list(document) == ["format", "version", "name", "scheme", "units"]
    assert document["version"] == 1
    assert dump(org.with_links(), layout=layout) == document
    assert dump(org.with_links(categories=DEFAULT_CATEGORIES), layout=layout) == document
    assert load(document).links.is_empty


def test_default_catalogue_is_not_written_but_may_be_given() -> None:
    org = _tree().with_links(people=PEOPLE)
    document = dump(org)
    assert "categories" not in document
    document["categories"] = DEFAULT_CATEGORIES.to_records()
    assert load(document) == org
    document["categories"] = []
    assert len(load(document).links.categories) == 0


def test_empty_members_are_accepted() -> None:
    document = dump(_tree())
    document.update(partners=[], people=[], sites=[], links=[])
    document["locations"] = {"id": [], "x": [], "y": []}
    assert load(document) == _tree()


def test_minimal_records_take_the_defaults() -> None:
    document = dump(_tree())
    document["partners"] = [{"id": "D", "kind": "department"}]
    document["people"] = [{"id": "P", "roles": ["mediator"]}]
    document["sites"] = [{"id": "X", "location": {"x": 108.4, "y": 28}}]
    document["locations"] = {"id": ["G1"], "x": [108], "y": [28]}
    document["links"] = [
        {"kind": "committee_membership", "member": "D", "committee": "S1"},
        {"kind": "sinking", "member": "P", "grid": "G2"},
        {"kind": "registration", "registrant": "P", "community": "C1", "date": None},
    ]
    org = load(document)
    links = org.links
    assert links.partners["D"] == Department("D")
    assert links.people["P"] == Person("P", roles={Role.MEDIATOR})
    assert links.sites["X"].kind is SiteKind.PARTY_MASS_CENTRE
    assert links.sites["X"].location == Location.wgs84(28.0, 108.4)
    assert org.location("G1") == Location.wgs84(28.0, 108.0)
    assert list(links) == [
        CommitteeMembership("D", "S1"),
        Sinking("P", "G2"),
        Registration("P", "C1"),
    ]


@pytest.mark.parametrize("suffix", [".json", ".json.gz"])
def test_file_round_trip(tmp_path: Path, suffix: str) -> None:
    org = _rich()
    path = tmp_path / f"org{suffix}"
    dump_file(org, path, indent=1)
    assert load_file(path) == org


# ---------------------------------------------------------------------- property


_UNITS = {"street": ["S1"], "community": ["C1", "C2"], "grid": ["G1", "G2", "G3"]}
_ALL_UNITS = ["S1", "C1", "G1", "H1", "G2", "C2", "G3"]
_POOL_PARTNERS = [
    Department("D1", categories={"health"}),
    Partner("E1", kind="enterprise"),
    VolunteerTeam("V1", members=3),
]
_POOL_PEOPLE = [
    Person("P1", roles={"gridder", "secretary"}),
    Person("P2", roles={"household_head"}),
    Person("P3"),
]
_POOL_SITES = [ServiceSite("X1", host="C1"), ServiceSite("X2", kind="red_station")]


def _candidates() -> list[Link]:
    """Every valid link over the pool (with one text or date variant each), by brute force."""
    people = [p.id for p in _POOL_PEOPLE]
    partners = [p.id for p in _POOL_PARTNERS]
    social = [p.id for p in _POOL_PARTNERS if not isinstance(p, Department)]
    sites = [s.id for s in _POOL_SITES]
    committees = _UNITS["street"] + _UNITS["community"]
    local = _UNITS["community"] + _UNITS["grid"]
    found: list[Link] = []
    found += [CommitteeMembership(m, c) for m in ["D1", *people] for c in committees]
    found += [CommitteeMembership("D1", "S1", position="副主任")]
    found += [Registration(r, c) for r in partners + people for c in _UNITS["community"]]
    found += [Registration("E1", "C1", date="1999-12-31", service_team="t")]
    found += [ContactPoint(p, u) for p in people for u in local]
    found += [Sinking(p, g, duty="d") for p in people for g in _UNITS["grid"]]
    found += [Joining(p, s) for p in social for s in sites]
    found += [Serving(s, u) for s in sites for u in local]
    found += [
        Assignment(person.id, u, role=role)
        for person in _POOL_PEOPLE
        for role in sorted(person.roles)
        for u in _ALL_UNITS
    ]
    return found


CANDIDATES = _candidates()


@st.composite
def linked_organisations(draw: st.DrawFn) -> Organisation:
    """A small organisation with a random set of valid links and unit locations; shrinks
    towards fewer links and locations."""
    chosen = draw(st.lists(st.sampled_from(CANDIDATES), unique=True, max_size=12))
    point = draw(st.sampled_from([Location.wgs84, Location.planar]))
    located = draw(st.lists(st.sampled_from(_ALL_UNITS), unique=True, max_size=4))
    degrees = st.floats(-90, 90)  # a latitude, or a longitude, or metres on a plane
    locations = {uid: point(draw(degrees), draw(degrees)) for uid in located}
    return _tree().with_links(
        chosen,
        partners=_POOL_PARTNERS,
        people=_POOL_PEOPLE,
        sites=_POOL_SITES,
        locations=locations,
    )


@given(linked_organisations(), st.sampled_from(LAYOUTS))
def test_round_trip_property(org: Organisation, layout: Layout) -> None:
    text = dumps(org, layout=layout)
    loaded = loads(text)
    assert loaded == org
    assert list(loaded.links) == list(org.links)
    assert dumps(loaded, layout=layout) == text
    schema = json_schema()
    assert violations(json.loads(text), schema, schema) == []


def test_candidates_are_all_valid() -> None:
    org = _tree().with_links(
        CANDIDATES, partners=_POOL_PARTNERS, people=_POOL_PEOPLE, sites=_POOL_SITES
    )
    assert load(dump(org)) == org
    assert set(org.links.counts().values()) != {0}
    assert all(org.links.counts().values())


# ---------------------------------------------------------------------- JSON Schema


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("which", sorted(ORGANISATIONS))
def test_every_dump_validates_against_the_schema(which: str, layout: Layout) -> None:
    schema = json_schema()
    document = json.loads(dumps(ORGANISATIONS[which](), layout=layout))
    assert violations(document, schema, schema) == []
    assert set(document) <= set(schema["properties"])


def test_json_schema_describes_the_members() -> None:
    schema = json_schema()
    properties = schema["properties"]
    assert set(MEMBERS) <= set(properties)
    assert set(schema["required"]) == {"format", "version", "units"}
    defs = schema["$defs"]

    def target(ref: str) -> dict[str, Any]:
        result: dict[str, Any] = defs[ref.removeprefix("#/$defs/")]
        return result

    links = properties["links"]["items"]
    assert links["discriminator"]["propertyName"] == "kind"
    mapping = links["discriminator"]["mapping"]
    assert set(mapping) == {kind.value for kind in LinkKind}
    for kind, ref in mapping.items():
        model = target(ref)
        assert model["properties"]["kind"]["const"] == kind
        cls = LINK_CLASSES[LinkKind(kind)]
        assert set(model["properties"]) == {"kind", *(f.name for f in attrs.fields(cls))}
        assert set(model["required"]) >= {"kind", *cls.ends}
    partners = properties["partners"]["items"]["discriminator"]["mapping"]
    assert set(partners) == {kind.value for kind in PartnerKind}
    assert target(partners["enterprise"])["properties"]["kind"]["enum"] == [
        "government_unit",
        "institution",
        "enterprise",
        "social_organisation",
        "property_company",
    ]
    assert "categories" in target(partners["department"])["properties"]
    assert "members" in target(partners["volunteer_team"])["properties"]
    roles = defs["PersonRecord"]["properties"]["roles"]
    assert roles["items"]["enum"] == [role.value for role in Role]
    assert roles["uniqueItems"] is True
    assert "网格员" in roles["description"]
    assert [k.value for k in SiteKind] == defs["SiteRecord"]["properties"]["kind"]["enum"]
    date = defs["RegistrationRecord"]["properties"]["date"]["anyOf"][0]
    assert date["format"] == "date"
    assert date["pattern"] == "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    assert "双报到" in defs["RegistrationRecord"]["description"]
    locations = defs["UnitLocations"]
    assert set(locations["required"]) == {"id", "x", "y"}
    assert locations["properties"]["x"]["items"]["type"] == "number"
    assert locations["properties"]["crs"]["enum"] == ["wgs84", "planar"]
    assert defs["LocationRecord"]["required"] == ["x", "y"]
    for name, definition in defs.items():
        if name == "JsonValue":
            continue
        assert definition["title"], name
        assert definition["description"], name
        assert "\n" not in definition["description"], name
        assert definition["additionalProperties"] is False, name
        for field, sub in definition["properties"].items():
            assert sub.get("description"), f"{name}.{field}"


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["links"][0].update(kind="friendship"),
        lambda d: d["links"][0].pop("committee"),
        lambda d: d["links"][2].update(date="2024/03/01"),
        lambda d: d["links"][2].update(date=20240301),
        lambda d: d["links"][11].update(role="mayor"),
        lambda d: d["people"][0].update(age=40),
        lambda d: d["people"][1]["roles"].append("gridder"),
        lambda d: d["partners"][4].update(categories=[]),
        lambda d: d["partners"][2].update(members=-1),
        lambda d: d["locations"].update(crs="utm"),
        lambda d: d["locations"].pop("x"),
        lambda d: d["sites"][0]["location"].update(z=1),
        lambda d: d["people"][0].update(id=" P-sec"),
    ],
)
def test_schema_and_load_both_reject(change: Callable[[dict[str, Any]], Any]) -> None:
    schema = json_schema()
    document = copy.deepcopy(dump(_rich()))
    change(document)
    assert violations(document, schema, schema)
    with pytest.raises(SchemaError):
        load(document)


# ---------------------------------------------------------------------- malformed documents


def _set(*steps: Any) -> Callable[[dict[str, Any]], None]:
    """A change setting the value at ``steps[:-1]`` to ``steps[-1]``."""

    def change(document: dict[str, Any]) -> None:
        node: Any = document
        for step in steps[:-2]:
            node = node[step]
        node[steps[-2]] = steps[-1]

    return change


def _drop(*steps: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        node: Any = document
        for step in steps[:-1]:
            node = node[step]
        del node[steps[-1]]

    return change


def _append(*steps: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        node: Any = document
        for step in steps[:-1]:
            node = node[step]
        node.append(copy.deepcopy(steps[-1]))

    return change


def _repeat_first_link(document: dict[str, Any]) -> None:
    document["links"].append(copy.deepcopy(document["links"][0]))


S, L = SchemaError, LinkError
MALFORMED: list[tuple[str, Callable[[dict[str, Any]], Any], type, str, str]] = [
    # the shape of the members: SchemaError
    ("unknown link kind", _set("links", 4, "kind", "friendship"), S, "unknown_kind",
     "$.links[4].kind"),
    ("link kind not a string", _set("links", 4, "kind", 7), S, "unknown_kind", "$.links[4].kind"),
    ("link without kind", _drop("links", 4, "kind"), S, "missing_field", "$.links[4].kind"),
    ("missing target", _drop("links", 2, "community"), S, "missing_field",
     "$.links[2].community"),
    ("link end not a string", _set("links", 9, "unit", 1), S, "invalid_end", "$.links[9].unit"),
    ("unknown field in a link", _set("links", 9, "target", "C1"), S, "unknown_field",
     "$.links[9].target"),
    ("link not an object", _set("links", 1, "contact_point"), S, "invalid_record", "$.links[1]"),
    ("links not an array", _set("links", {"kind": "serving"}), S, "invalid_links", "$.links"),
    ("wrong type for date", _set("links", 2, "date", 20240301), S, "invalid_date",
     "$.links[2].date"),
    ("bad date string", _set("links", 2, "date", "2024/03/01"), S, "invalid_date",
     "$.links[2].date"),
    ("date not in the calendar", _set("links", 2, "date", "2023-02-29"), S, "invalid_date",
     "$.links[2].date"),
    ("unknown role in an assignment", _set("links", 12, "role", "mayor"), S, "unknown_role",
     "$.links[12].role"),
    ("unknown field in a person", _set("people", 2, "age", 40), S, "unknown_field",
     "$.people[2].age"),
    ("unknown role of a person", _append("people", 1, "roles", "mayor"), S, "unknown_role",
     "$.people[1].roles[2]"),
    ("role listed twice", _append("people", 1, "roles", "gridder"), S, "duplicate_role",
     "$.people[1].roles[2]"),
    ("party member not a boolean", _set("people", 0, "party_member", "yes"), S,
     "invalid_party_member", "$.people[0].party_member"),
    ("id with surrounding space", _set("people", 0, "id", "P-sec "), S, "invalid_id",
     "$.people[0].id"),
    ("unknown partner kind", _set("partners", 6, "kind", "bank"), S, "unknown_kind",
     "$.partners[6].kind"),
    ("department field on an enterprise", _set("partners", 6, "categories", []), S,
     "unknown_field", "$.partners[6].categories"),
    ("category listed twice by a department", _append("partners", 0, "categories",
     "civil_assistance"), S, "duplicate_category", "$.partners[0].categories[2]"),
    ("negative team size", _set("partners", 2, "members", -3), S, "invalid_count",
     "$.partners[2].members"),
    ("unknown site kind", _set("sites", 1, "kind", "tea_house"), S, "unknown_kind",
     "$.sites[1].kind"),
    ("unknown field in a location", _set("sites", 0, "location", "z", 3.0), S, "unknown_field",
     "$.sites[0].location.z"),
    ("coordinate given as text", _set("partners", 0, "location", "x", "108.4"), S,
     "invalid_coordinate", "$.partners[0].location.x"),
    ("category code missing", _drop("categories", 3, "code"), S, "missing_field",
     "$.categories[3].code"),
    ("location arrays of different lengths", _append("locations", "y", 27.0), S,
     "column_length", "$.locations.y"),
    ("location array missing", _drop("locations", "x"), S, "missing_field", "$.locations.x"),
    ("non-finite coordinate", _set("locations", "y", 1, float("inf")), S, "invalid_coordinate",
     "$.locations.y[1]"),
    ("not-a-number coordinate", _set("partners", 2, "location", "y", float("nan")), S,
     "invalid_coordinate", "$.partners[2].location.y"),
    ("unit located twice", _set("locations", "id", 2, "S1"), S, "duplicate_location",
     "$.locations.id[2]"),
    ("unknown coordinate system", _set("locations", "crs", "utm"), S, "unknown_crs",
     "$.locations.crs"),
    # the links against the organisation: LinkError
    ("latitude out of range", _set("locations", "y", 1, 95.0), L, "invalid_location",
     "$.locations.y[1]"),
    ("longitude out of range", _set("locations", "x", 0, -181), L, "invalid_location",
     "$.locations.x[0]"),
    ("partner latitude out of range", _set("partners", 0, "location", "y", -90.5), L,
     "invalid_coordinate", "$.partners[0].location.y"),
    ("location of an unknown unit", _set("locations", "id", 0, "Z9"), L, "unknown_unit",
     "$.locations.id[0]"),
    ("mixed coordinate systems", _set("locations", "crs", "planar"), L, "mixed_crs",
     "$.locations.crs"),
    ("mixed systems among partners", _set("partners", 2, "location", "crs", "planar"), L,
     "mixed_crs", "$.partners[2].location.crs"),
    ("dangling link end", _set("links", 0, "committee", "S9"), L, "dangling_end",
     "$.links[0].committee"),
    ("dangling link source", _set("links", 7, "partner", "V9"), L, "dangling_end",
     "$.links[7].partner"),
    ("wrong end kind", _set("links", 7, "partner", "D-civil"), L, "wrong_end_kind",
     "$.links[7].partner"),
    ("person where a site belongs", _set("links", 9, "site", "P-sec"), L, "wrong_end_kind",
     "$.links[9].site"),
    ("wrong tier", _set("links", 4, "unit", "S1"), L, "wrong_tier", "$.links[4].unit"),
    ("role not held", _set("links", 11, "role", "mediator"), L, "role_not_held",
     "$.links[11].role"),
    ("repeated link", _repeat_first_link, L, "duplicate_link", "$.links[14]"),
    ("unknown category in a department", _append("partners", 0, "categories", "astrology"), L,
     "unknown_category", "$.partners[0].categories"),
    ("unknown jurisdiction", _set("partners", 0, "jurisdiction", "S9"), L, "unknown_unit",
     "$.partners[0].jurisdiction"),
    ("unknown host", _set("sites", 1, "host", "G9"), L, "unknown_unit", "$.sites[1].host"),
    ("duplicate id between a person and a unit", _set("people", 4, "id", "G1"), L,
     "duplicate_id", "$.people[4].id"),
    ("duplicate id between a site and a partner", _set("sites", 2, "id", "E1"), L,
     "duplicate_id", "$.sites[2].id"),
    ("category code listed twice", _append("categories", {"code": "health"}), L,
     "duplicate_category", "$.categories[16].code"),
    ("non-finite attribute of a person", _set("people", 2, "attributes", {"x": float("nan")}),
     L, "invalid_field", "$.people[2].attributes"),
]  # fmt: skip


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(
    ("change", "error", "code", "path"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_document(
    layout: Layout, change: Callable[[dict[str, Any]], Any], error: type, code: str, path: str
) -> None:
    document = copy.deepcopy(dump(_rich(), layout=layout))
    change(document)
    with pytest.raises(ValidationError) as info:
        load(document)
    err = info.value
    assert type(err) is error
    assert not isinstance(err, pydantic.ValidationError)
    assert not isinstance(err.__context__, pydantic.ValidationError)
    assert err.subject == "organisation document"
    matching = [p for p in err.problems if (p.code, p.path) == (code, path)]
    assert matching, [(p.code, p.path) for p in err.problems]
    for problem in err.problems:
        assert problem.path is not None, problem
        assert problem.message.startswith(problem.path) or f"({problem.path})" in problem.message
        if problem.unit is not None:
            assert repr(problem.unit) in problem.message
    assert path in str(err)


def test_dump_of_the_base_document_is_valid() -> None:
    """The malformed cases above change a valid document: the indices they name hold what the
    cases expect."""
    document = dump(_rich())
    assert document["links"][0]["committee"] == "S1"
    assert document["links"][4] == {"kind": "contact_point", "leader": "P-lead", "unit": "G1"}
    assert document["links"][7]["partner"] == "V1"
    assert document["links"][9]["site"] == "X-centre"
    assert document["links"][11]["role"] == "secretary"
    assert document["partners"][6]["kind"] == "enterprise"
    assert document["people"][4]["id"] == "P-none"
    assert len(document["categories"]) == 16
    assert load(document) == _rich()


def test_messages_name_what_was_found() -> None:
    def messages(change: Callable[[dict[str, Any]], Any]) -> list[str]:
        document = copy.deepcopy(dump(_rich()))
        change(document)
        with pytest.raises(ValidationError) as info:
            load(document)
        return [p.message for p in info.value.problems]

    assert messages(_set("links", 4, "kind", "friendship")) == [
        "$.links[4].kind: unknown link kind 'friendship' (str); expected one of "
        "committee_membership, registration, contact_point, sinking, joining, serving, "
        "assignment"
    ]
    assert messages(_set("people", 2, "age", 40)) == [
        "person 'P-lead' ($.people[2].age): unknown field 'age'; fields are id, name, roles, "
        "party_member, attributes"
    ]
    assert messages(_set("links", 2, "date", "2023-02-29")) == [
        "$.links[2].date: '2023-02-29' has the form YYYY-MM-DD but is not a date in the calendar"
    ]
    assert messages(_set("links", 2, "date", 20240301)) == [
        "$.links[2].date: expected a string, got 20240301 (int)"
    ]
    assert messages(_set("locations", "y", 1, float("inf"))) == [
        "unit 'G1' ($.locations.y[1]): expected a finite number, got inf (float)"
    ]
    assert messages(_set("links", 0, "committee", "S9")) == [
        "$.links[0].committee: committee_membership 'D-civil' → 'S9': committee 'S9' does not "
        "exist (expected a unit)"
    ]
    [message] = messages(_set("locations", "y", 1, 95.0))
    assert message.startswith("$.locations.y[1]: unit 'G1'")
    assert "latitude" in message
    assert "95.0" in message
    [message] = messages(_set("people", 4, "id", "G1"))
    assert message == "$.people[4].id: id 'G1' is already used by a unit"
    assert "did you mean 'members'?" in messages(_set("partners", 2, "member", 3))[0]
    assert "did you mean 'date'?" in messages(_set("links", 2, "data", "2024-03-01"))[0]


def test_every_link_problem_is_reported_at_once() -> None:
    document = copy.deepcopy(dump(_rich(), layout="records"))
    document["links"][0]["committee"] = "S9"
    document["links"][7]["partner"] = "D-civil"
    document["links"][11]["role"] = "mediator"
    document["locations"]["y"][0] = 100.0
    with pytest.raises(LinkError) as info:
        load(document)
    assert sorted((p.code, p.path) for p in info.value.problems) == [
        ("dangling_end", "$.links[0].committee"),
        ("invalid_location", "$.locations.y[0]"),
        ("role_not_held", "$.links[11].role"),
        ("wrong_end_kind", "$.links[7].partner"),
    ]


def test_shape_problems_come_before_link_problems() -> None:
    document = copy.deepcopy(dump(_rich()))
    document["links"][0]["committee"] = "S9"  # a link problem, not reached
    document["links"][2]["date"] = "yesterday"
    document["units"]["parent"][1] = "nowhere"  # a tree problem, not reached
    with pytest.raises(SchemaError) as info:
        load(document)
    assert [(p.code, p.path) for p in info.value.problems] == [("invalid_date", "$.links[2].date")]


def test_tree_problems_come_before_link_problems() -> None:
    document = copy.deepcopy(dump(_rich()))
    document["links"][0]["committee"] = "S9"
    document["units"]["parent"][2] = "nowhere"
    with pytest.raises(gridorg.HierarchyError):
        load(document)


def test_validate_command_lists_link_problems(tmp_path: Path) -> None:
    document = dump(_rich())
    document["links"][0]["committee"] = "S9"
    path = tmp_path / "org.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    code, out = _run("validate", str(path))
    assert code != 0
    assert f"{path}: $.links[0].committee: committee_membership 'D-civil'" in out
    path.write_text(dumps(_rich()), encoding="utf-8")
    assert _run("validate", str(path)) == (0, f"{path}: valid, 7 units\n")


def _run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue()
