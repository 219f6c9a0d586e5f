"""Cross-links: records, validation with precise errors, queries and updates on a small city."""

from __future__ import annotations

import datetime as dt
import pickle
from typing import Any

import pytest

import gridorg
from gridorg import (
    Assignment,
    Category,
    CategoryCatalogue,
    CommitteeMembership,
    ContactPoint,
    Department,
    Joining,
    LinkError,
    Location,
    Organisation,
    Partner,
    Person,
    Registration,
    ServiceSite,
    Serving,
    Sinking,
    VolunteerTeam,
)

TREE: list[dict[str, Any]] = [
    {"id": "S1", "tier": "street", "form": "working_committee"},
    {"id": "S2", "tier": "street", "form": "working_committee"},
    {"id": "C1", "tier": "community", "parent": "S1", "form": "branch"},
    {"id": "C2", "tier": "community", "parent": "S1", "form": "branch"},
    {"id": "C3", "tier": "community", "parent": "S2", "form": "branch"},
    {"id": "G1", "tier": "grid", "parent": "C1", "form": "group", "gridders": 1},
    {"id": "G2", "tier": "grid", "parent": "C1"},
    {"id": "G3", "tier": "grid", "parent": "C3", "attributes": {"led_by": "branch"}},
    {"id": "H1", "tier": "household", "parent": "G1", "households": 12},
    {"id": "H2", "tier": "household", "parent": "G3", "households": 11},
]

PARTNERS = [
    Department("D-civil", "民政局", categories={"civil_assistance"}, function="civil_affairs"),
    Department(
        "D-justice",
        "司法局",
        categories={"legal_services", "neighbour_disputes"},
        jurisdiction="S2",
    ),
    Department("D-justice-1", "司法所", categories={"legal_services"}, jurisdiction="S1"),
    Partner("E1", "供电公司", kind="enterprise"),
    Partner("P1", "物业公司", kind="property_company"),
    VolunteerTeam("V1", "红马甲", members=40),
]
PEOPLE = [
    Person("L1", "县领导", roles={"county_leader"}),
    Person("L2", "部务会成员", roles={"organisation_department_member"}),
    Person("M1", "在职党员", roles={"in_service_member"}, party_member=True),
    Person("W1", "网格员", roles={"gridder", "household_head"}),
]
SITES = [
    ServiceSite("X1", "城南党群服务中心", host="C1", location=Location.wgs84(27.99, 108.41)),
    ServiceSite("X2", "红色驿站", kind="red_station"),
]
LINKS: list[Any] = [
    CommitteeMembership("D-civil", "S1"),
    CommitteeMembership("D-justice-1", "S1", position="兼职委员"),
    Registration("E1", "C1", date=dt.date(2024, 3, 1), service_team="电力服务队"),
    Registration("M1", "C2"),
    ContactPoint("L1", "C1"),
    ContactPoint("L2", "G1"),
    ContactPoint("L1", "C3"),
    Sinking("M1", "G2"),
    Joining("V1", "X1"),
    Joining("P1", "X1"),
    Serving("X1", "C1"),
    Serving("X1", "G2"),
    Assignment("W1", "G2", role="gridder"),
    Assignment("W1", "H1", role="household_head"),
]


@pytest.fixture
def org() -> Organisation:
    return Organisation.from_records(TREE).with_links(
        LINKS,
        partners=PARTNERS,
        people=PEOPLE,
        sites=SITES,
        locations={"G1": Location.wgs84(27.991, 108.412)},
    )


def test_links_are_kept_in_order_as_records(org: Organisation) -> None:
    assert list(org.links) == LINKS
    assert len(org.links) == len(LINKS)
    assert org.links[-1] == LINKS[-1]
    assert org.links.of_kind("joining") == (LINKS[8], LINKS[9])
    assert org.links.counts() == {
        "committee_membership": 2,
        "registration": 2,
        "contact_point": 3,
        "sinking": 1,
        "joining": 2,
        "serving": 2,
        "assignment": 2,
    }
    assert org.links.to_records()[2] == {
        "kind": "registration",
        "registrant": "E1",
        "community": "C1",
        "date": "2024-03-01",
        "service_team": "电力服务队",
    }
    assert list(org.links.partners) == [p.id for p in PARTNERS]
    assert set(org.links.departments) == {"D-civil", "D-justice", "D-justice-1"}
    assert org.links.entity("W1") == PEOPLE[3]
    with pytest.raises(gridorg.UnknownEntityError, match="'nobody'"):
        org.links.entity("nobody")
    with pytest.raises(IndexError):
        org.links[len(LINKS)]


def test_links_can_be_added_in_steps(org: Organisation) -> None:
    base = Organisation.from_records(TREE)
    first = base.with_links(LINKS[:5], partners=PARTNERS, people=PEOPLE, sites=SITES)
    second = first.with_links(LINKS[5:], locations={"G1": Location.wgs84(27.991, 108.412)})
    assert second == org
    assert hash(second) == hash(org)
    assert second != base
    assert base.links.is_empty
    assert not org.links.is_empty


def test_value_semantics_and_pickling(org: Organisation) -> None:
    again = pickle.loads(pickle.dumps(org))
    assert again == org
    assert list(again.links) == LINKS
    assert again.partners_of("C1") == org.partners_of("C1")
    without = org.without_links()
    assert len(without.links) == 0
    assert without.links.people == org.links.people
    assert without != org


def test_locations(org: Organisation) -> None:
    assert org.location("G1") == Location.wgs84(27.991, 108.412)
    assert org.location("G2") is None
    assert org.location("X1") == Location.wgs84(27.99, 108.41)
    assert org.location("X2") is None
    assert org.links.crs == "wgs84"
    xy = org.links.unit_xy([org.index("G1"), org.index("G2")])
    assert xy[0].tolist() == [108.412, 27.991]


def test_partners_people_and_contact_points(org: Organisation) -> None:
    assert [p.id for p in org.partners_of("C1")] == ["E1"]
    assert [p.id for p in org.partners_of("C1", via_sites=True)] == ["E1", "V1", "P1"]
    assert [p.id for p in org.partners_of("C1", "volunteer_team", via_sites=True)] == ["V1"]
    assert [p.id for p in org.partners_of("S1")] == ["D-civil", "D-justice-1"]
    assert [p.id for p in org.people_of("C2")] == ["M1"]
    assert [p.id for p in org.people_of("G2", role="gridder")] == ["W1"]
    assert [p.id for p in org.contact_points("G1")] == ["L2"]
    assert [p.id for p in org.contact_points("G1", inherited=True)] == ["L2", "L1"]
    assert org.contact_points("G2") == ()
    assert [link.kind.value for link in org.links_of("X1")] == [
        "joining",
        "joining",
        "serving",
        "serving",
    ]
    assert org.links_of("M1", "sinking") == (LINKS[7],)
    with pytest.raises(gridorg.UnknownUnitError, match="'nowhere'"):
        org.links_of("nowhere")
    with pytest.raises(gridorg.InvalidArgumentError, match="kind must be one of"):
        org.partners_of("C1", "charity")


def test_responsible_departments(org: Organisation) -> None:
    def ids(found: tuple[Department, ...]) -> list[str]:
        return [d.id for d in found]

    assert ids(org.responsible_departments("legal_services")) == ["D-justice", "D-justice-1"]
    # At S1 only the street's own justice office has jurisdiction.
    assert ids(org.responsible_departments("legal_services", at="G1")) == ["D-justice-1"]
    assert ids(org.responsible_departments("legal_services", at="C3")) == ["D-justice"]
    assert ids(org.responsible_departments("civil_assistance", at="G3")) == ["D-civil"]
    assert org.responsible_departments("education", at="S1") == ()
    with pytest.raises(gridorg.UnknownCategoryError, match="'plumbing'"):
        org.responsible_departments("plumbing")


def test_committee_members_come_first() -> None:
    base = Organisation.from_records(TREE)
    org = base.with_links(
        [CommitteeMembership("B", "S1")],
        partners=[
            Department("A", categories={"health"}),
            Department("B", categories={"health"}),
        ],
    )
    assert [d.id for d in org.responsible_departments("health", at="C1")] == ["B", "A"]
    assert [d.id for d in org.responsible_departments("health", at="C3")] == ["A", "B"]


def test_iron_triangle(org: Organisation) -> None:
    g1 = org.iron_triangle("G1")
    # W1 heads H1, a household unit: one head, not two.
    assert (g1.party, g1.gridders, g1.household_heads) == ("group", 1, 1)
    assert g1.complete
    assert g1.missing == ()
    g2 = org.iron_triangle("G2")
    assert (g2.party, g2.gridders, g2.household_heads) == (None, 1, 0)
    assert g2.missing == ("party", "household_heads")
    g3 = org.iron_triangle("G3")
    assert (g3.party, g3.gridders, g3.household_heads) == ("branch", 0, 1)
    assert g3.missing == ("gridder",)
    # A head assigned to the grid itself (no household unit for them) does count.
    headed = org.with_links([Assignment("W1", "G2", role="household_head")])
    assert headed.iron_triangle("G2").household_heads == 1
    with pytest.raises(gridorg.InvalidArgumentError, match="takes a grid; 'C1' is at tier"):
        org.iron_triangle("C1")


def test_networkx_export(org: Organisation) -> None:
    graph = org.to_networkx(links=True)
    assert graph.number_of_nodes() == len(TREE) + len(PARTNERS) + len(PEOPLE) + len(SITES)
    assert graph.number_of_edges() == (len(TREE) - 2) + len(LINKS)
    assert graph.nodes["D-civil"]["type"] == "partner"
    assert graph.nodes["W1"]["type"] == "person"
    assert graph.nodes["X1"]["location"] == Location.wgs84(27.99, 108.41)
    assert graph.nodes["G1"]["location"] == Location.wgs84(27.991, 108.412)
    kinds = sorted(data["kind"] for _, _, data in graph.edges("W1", data=True))
    assert kinds == ["assignment", "assignment"]
    assert graph.graph["crs"] == "wgs84"


def test_updates_carry_links(org: Organisation) -> None:
    moved = org.move("G2", "C2")
    assert list(moved.links) == LINKS
    assert moved.location("G1") == org.location("G1")
    renamed = org.evolve("C1", id="C1-new")
    assert renamed.links[2] == Registration(
        "E1", "C1-new", date=dt.date(2024, 3, 1), service_team="电力服务队"
    )
    assert renamed.links.sites["X1"].host == "C1-new"
    grown = org.add_units([{"id": "G9", "tier": "grid", "parent": "C2"}])
    assert list(grown.links) == LINKS
    assert grown.location("G1") == org.location("G1")


def test_remove_reports_or_drops_links(org: Organisation) -> None:
    with pytest.raises(LinkError) as caught:
        org.remove("G2")
    assert caught.value.codes == ("dangling_link",)
    assert len(caught.value.problems) == 3  # sinking, serving and assignment into G2
    dropped = org.remove("G2", drop_links=True)
    assert "G2" not in dropped
    assert all("G2" not in (link.source, link.target) for link in dropped.links)
    assert len(dropped.links) == len(LINKS) - 3
    with pytest.raises(LinkError, match="host 'C1'"):
        org.remove("C1", drop_links=True)
    gone = org.remove("X1", "C1", drop_links=True)
    assert "X1" not in gone.links.sites
    assert "C1" not in gone
    assert len(gone.remove("W1", drop_links=True).links.people) == len(PEOPLE) - 1
    with pytest.raises(LinkError, match="touches something removed"):
        org.remove("V1")
    assert [p.id for p in org.remove("V1", drop_links=True).links.partners.values()] == [
        "D-civil",
        "D-justice",
        "D-justice-1",
        "E1",
        "P1",
    ]


def test_links_may_be_given_as_mappings() -> None:
    org = Organisation.from_records(TREE).with_links(
        [
            {"kind": "contact_point", "leader": "L", "unit": "C1"},
            {"kind": "registration", "registrant": "L", "community": "C2", "date": "2024-05-06"},
        ],
        people=[{"id": "L", "roles": ["county_leader"]}],
    )
    assert org.links[1] == Registration("L", "C2", date=dt.date(2024, 5, 6))


# ---------------------------------------------------------------------- malformed inputs


def _base() -> Organisation:
    return Organisation.from_records(TREE)


MALFORMED: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "dangling source",
        {"links": [ContactPoint("nobody", "C1")]},
        "dangling_end",
        "leader 'nobody' does not exist",
    ),
    (
        "dangling target",
        {"links": [Serving("X", "nowhere")], "sites": [ServiceSite("X")]},
        "dangling_end",
        "unit 'nowhere' does not exist",
    ),
    (
        "person where a site belongs",
        {"links": [Serving("L", "C1")], "people": [Person("L")]},
        "wrong_end_kind",
        "site 'L' is a person, expected a site",
    ),
    (
        "department joining a site",
        {"links": [Joining("D", "X")], "partners": [Department("D")], "sites": [ServiceSite("X")]},
        "wrong_end_kind",
        "partner 'D' is a department",
    ),
    (
        "enterprise on the committee",
        {"links": [CommitteeMembership("E", "S1")], "partners": [Partner("E", kind="enterprise")]},
        "wrong_end_kind",
        "is a enterprise partner, expected a department or person",
    ),
    (
        "registration at a grid",
        {"links": [Registration("L", "G1")], "people": [Person("L")]},
        "wrong_tier",
        "'G1' is at tier grid, expected community",
    ),
    (
        "sinking into a community",
        {"links": [Sinking("L", "C1")], "people": [Person("L")]},
        "wrong_tier",
        "expected grid",
    ),
    (
        "contact point at a street",
        {"links": [ContactPoint("L", "S1")], "people": [Person("L")]},
        "wrong_tier",
        "expected community or grid",
    ),
    (
        "role not held",
        {
            "links": [Assignment("L", "G1", role="gridder")],
            "people": [Person("L", roles={"mediator"})],
        },
        "role_not_held",
        "does not hold the role 'gridder' (their roles: mediator)",
    ),
    (
        "repeated link",
        {"links": [ContactPoint("L", "C1"), ContactPoint("L", "C1")], "people": [Person("L")]},
        "duplicate_link",
        "repeats an earlier link",
    ),
    (
        "id used by a unit",
        {"people": [Person("C1")]},
        "duplicate_id",
        "'C1' is already used by a unit",
    ),
    (
        "id used twice",
        {"people": [Person("Z")], "sites": [ServiceSite("Z")]},
        "duplicate_id",
        "already used by the record at people[0]",
    ),
    (
        "unknown category",
        {"partners": [Department("D", categories={"plumbing"})]},
        "unknown_category",
        "unknown issue categories 'plumbing'",
    ),
    (
        "jurisdiction not a unit",
        {"partners": [Department("D", jurisdiction="S9")]},
        "unknown_unit",
        "jurisdiction 'S9' is not a unit",
    ),
    (
        "site host not a unit",
        {"sites": [ServiceSite("X", host="C9")]},
        "unknown_unit",
        "host 'C9' is not a unit",
    ),
    (
        "location of an unknown unit",
        {"locations": {"G9": Location.wgs84(1, 1)}},
        "unknown_unit",
        "'G9' is not a unit",
    ),
    (
        "mixed coordinate systems",
        {
            "locations": {"G1": Location.planar(10, 20)},
            "sites": [ServiceSite("X", location=Location.wgs84(27.9, 108.4))],
        },
        "mixed_crs",
        "mix coordinate systems",
    ),
    (
        "latitude out of range",
        {"locations": {"G1": {"x": 108.4, "y": 95.0}}},
        "invalid_location",
        "latitude (y) must lie in [-90, 90]",
    ),
    (
        "unknown link kind",
        {"links": [{"kind": "friendship", "a": "b"}]},
        "invalid_field",
        "kind must be one of",
    ),
    (
        "link record missing its target",
        {"links": [{"kind": "serving", "site": "X"}]},
        "missing_field",
        "unit is required",
    ),
    (
        "unknown field in a person",
        {"people": [{"id": "P", "age": 40}]},
        "unknown_field",
        "unknown fields 'age'",
    ),
    (
        "unhashable link kind",
        {"links": [{"kind": ["serving"]}]},
        "invalid_field",
        "kind must be one of",
    ),
    (
        "record that is not a mapping",
        {"people": ["P1"]},
        "invalid_field",
        "a person record must be a mapping",
    ),
    ("partner without kind", {"partners": [{"id": "E"}]}, "missing_field", "kind is required"),
    (
        "bad registration date",
        {
            "links": [
                {
                    "kind": "registration",
                    "registrant": "L",
                    "community": "C1",
                    "date": "2024-13-01",
                }
            ],
            "people": [Person("L")],
        },
        "invalid_field",
        "date must be a date",
    ),
]


@pytest.mark.parametrize(
    ("arguments", "code", "text"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_inputs_get_precise_errors(
    arguments: dict[str, Any], code: str, text: str
) -> None:
    links = arguments.pop("links", ())
    with pytest.raises(LinkError) as caught:
        _base().with_links(links, **arguments)
    assert code in caught.value.codes
    assert text in str(caught.value)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(LinkError) as caught:
        _base().with_links(
            [ContactPoint("nobody", "C1"), Sinking("L", "C1"), ContactPoint("L", "S1")],
            people=[Person("L"), Person("G1")],
        )
    assert caught.value.codes == ("duplicate_id", "dangling_end", "wrong_tier")
    assert len(caught.value.problems) == 4
    assert caught.value.problems[1].path is None
    assert caught.value.problems[1].index == 0


@pytest.mark.parametrize(
    ("make", "text"),
    [
        (lambda: Person(""), "id must not be empty"),
        (lambda: Person("P", roles="gridder"), "roles must be a collection"),
        (lambda: Person("P", roles={"king"}), "role must be one of"),
        (lambda: Person("P", party_member="yes"), "party_member must be True"),  # type: ignore[arg-type]
        (lambda: Partner("E", kind="department"), "use Department"),
        (lambda: Partner("E", kind="charity"), "kind must be one of"),
        (lambda: Department("D", categories="health"), "collection of strings"),
        (lambda: VolunteerTeam("V", members=-1), "non-negative integer"),
        (lambda: ServiceSite("X", kind="castle"), "kind must be one of"),
        (lambda: Location(float("nan"), 1.0), "finite number"),
        (lambda: Location(200.0, 1.0), "longitude (x) must lie in [-180, 180]"),
        (lambda: Location(1.0, 1.0, "utm"), "crs must be"),  # type: ignore[arg-type]
        (lambda: Assignment("P", "G1", role="king"), "role must be one of"),
        (lambda: Registration("P", "C1", date=dt.datetime(2024, 1, 1)), "date must be a date"),
        (lambda: Sinking("P", " G1"), "leading or trailing whitespace"),
    ],
)
def test_records_validate_their_fields(make: Any, text: str) -> None:
    with pytest.raises(
        gridorg.RecordError,
        match=text.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[").replace("]", r"\]"),
    ):
        make()


def test_records_round_trip_through_mappings() -> None:
    from gridorg.links import link_from_record
    from gridorg.partners import partner_from_record
    from gridorg.people import person_from_record
    from gridorg.sites import site_from_record

    for link in LINKS:
        assert link_from_record(link.to_record()) == link
    for partner in PARTNERS:
        assert partner_from_record(partner.to_record()) == partner
        assert type(partner_from_record(partner.to_record())) is type(partner)
    for person in PEOPLE:
        assert person_from_record(person.to_record()) == person
    for site in SITES:
        assert site_from_record(site.to_record()) == site


def test_location_forms() -> None:
    point = Location.wgs84(27.99, 108.41)
    assert (point.lat, point.lon, point.x, point.y) == (27.99, 108.41, 108.41, 27.99)
    assert Location.from_record(point.to_record()) == point
    assert Location.from_record((108.41, 27.99)) == point
    assert repr(point) == "Location.wgs84(lat=27.99, lon=108.41)"
    with pytest.raises(gridorg.InvalidArgumentError, match="no lat"):
        _ = Location.planar(1.0, 2.0).lat


def test_category_catalogue() -> None:
    assert "civil_assistance" in gridorg.DEFAULT_CATEGORIES
    assert gridorg.DEFAULT_CATEGORIES["legal_services"].label == "法律服务"
    extra = gridorg.DEFAULT_CATEGORIES.extended(Category("pets", "pets", tier="grid"))
    assert list(extra)[-1] == "pets"
    assert len(extra) == len(gridorg.DEFAULT_CATEGORIES) + 1
    with pytest.raises(gridorg.RecordError, match="listed twice"):
        extra.extended(Category("pets"))
    assert CategoryCatalogue.from_records(extra.to_records()) == extra
    org = _base().with_links(
        categories=[{"code": "pets"}], partners=[Department("D", categories={"pets"})]
    )
    assert list(org.links.categories) == ["pets"]
    assert [d.id for d in org.responsible_departments("pets")] == ["D"]
    with pytest.raises(LinkError, match="unknown issue categories 'pets'"):
        org.with_links(categories=gridorg.DEFAULT_CATEGORIES)


def test_argument_types_are_checked() -> None:
    with pytest.raises(gridorg.ArgumentTypeError, match="people must be an iterable"):
        _base().with_links(people=Person("P"))  # type: ignore[arg-type]
    with pytest.raises(gridorg.ArgumentTypeError, match="locations must map"):
        _base().with_links(locations=[("G1", (1, 2))])  # type: ignore[arg-type]


def test_links_as_columns_equal_links_as_records(org: Organisation) -> None:
    records = [link.to_record() for link in LINKS]
    columns: dict[str, list[Any]] = {
        "kind": [r["kind"] for r in records],
        "source": [link.source for link in LINKS],
        "target": [link.target for link in LINKS],
        "date": [r.get("date") for r in records],
        "text": [r.get("position", r.get("service_team", r.get("duty"))) for r in records],
        "role": [r.get("role") for r in records],
    }
    base = Organisation.from_records(TREE).with_links(
        partners=PARTNERS,
        people=PEOPLE,
        sites=SITES,
        locations={"G1": Location.wgs84(27.991, 108.412)},
    )
    assert base.with_links(columns) == org
    # Defaults fill in for texts left out.
    short = base.with_links({"kind": ["sinking"], "source": ["M1"], "target": ["G2"]})
    assert short.links[0] == Sinking("M1", "G2")


@pytest.mark.parametrize(
    ("columns", "text"),
    [
        (
            {"kind": ["sinking"], "source": ["M1"], "target": ["G2"], "role": ["gridder"]},
            "a sinking has no role",
        ),
        (
            {"kind": ["assignment"], "source": ["W1"], "target": ["G2"]},
            "an assignment needs a known role",
        ),
        (
            {"kind": ["sinking"], "source": ["M1"], "target": ["G2"], "date": ["2024-01-01"]},
            "a sinking has no date",
        ),
        (
            {"kind": ["registration"], "source": ["M1"], "target": ["C1"], "date": ["01/02/2024"]},
            "date must be a date or an ISO date string",
        ),
        (
            {"kind": ["joining"], "source": ["V1"], "target": ["X1"], "text": ["x"]},
            "text is not used by a joining",
        ),
        ({"kind": ["sinking"], "source": [""], "target": ["G2"]}, "source must not be empty"),
        ({"kind": ["hugging"], "source": ["M1"], "target": ["G2"]}, "kind must be one of"),
    ],
)
def test_bad_link_columns(org: Organisation, columns: dict[str, list[Any]], text: str) -> None:
    with pytest.raises(LinkError, match=text):
        org.with_links(columns)


def test_link_column_shapes_are_checked(org: Organisation) -> None:
    with pytest.raises(gridorg.InvalidArgumentError, match="'target' has 0 values"):
        org.with_links({"kind": ["sinking"], "source": ["M1"], "target": []})
    with pytest.raises(gridorg.InvalidArgumentError, match="missing \\['target'\\]"):
        org.with_links({"kind": ["sinking"], "source": ["M1"]})
    with pytest.raises(gridorg.ArgumentTypeError, match="must be a sequence"):
        org.with_links({"kind": "sinking", "source": ["M1"], "target": ["G2"]})


def test_display_counts_links(org: Organisation) -> None:
    from gridorg.display import links_text, mimebundle, summary_text

    line = links_text(org)
    assert line == (
        "cross-links: 2 committee memberships, 2 registrations, 3 contact points, 1 sinking, "
        "2 joinings, 2 servings, 2 assignments; 6 partners (3 departments), 4 people, 2 sites"
    )
    assert summary_text(org).endswith(line)
    assert "3 contact points" in mimebundle(org)["text/html"]
    assert links_text(_base()) == ""
    assert "cross-links" not in summary_text(_base())


def test_record_reprs_show_what_differs_from_the_defaults() -> None:
    assert repr(PARTNERS[1]) == (
        "Department('D-justice', '司法局', categories={'legal_services', 'neighbour_disputes'}, "
        "jurisdiction='S2')"
    )
    assert repr(Partner("E1", kind="enterprise")) == "Partner('E1', kind='enterprise')"
    namespace = vars(gridorg)
    for record in (*PARTNERS, *PEOPLE, *SITES):
        assert eval(repr(record), namespace) == record


def test_link_columns_take_enum_kinds_and_report_bad_cells(org: Organisation) -> None:
    from gridorg import LinkKind

    columns: dict[str, list[Any]] = {
        "kind": [LinkKind.SINKING],
        "source": ["M1"],
        "target": ["G1"],
    }
    done = org.with_links(columns)
    assert done.links[-1] == Sinking("M1", "G1")
    bad: dict[str, list[Any]] = {"kind": ["contact_point"], "source": [["L1"]], "target": ["C1"]}
    with pytest.raises(LinkError) as caught:
        org.with_links(bad)
    assert caught.value.codes == ("invalid_field",)  # one problem, no dangling end after it
    role: dict[str, list[Any]] = {
        "kind": ["assignment"],
        "source": ["W1"],
        "target": ["G1"],
        "role": [["gridder"]],
    }
    with pytest.raises(LinkError, match="an assignment needs a known role") as caught:
        org.with_links(role)
    assert caught.value.codes == ("invalid_field",)  # and no "role not held" with a made-up role


def test_small_api_edges(org: Organisation) -> None:
    from gridorg import PartnerKind, Role
    from gridorg.access import service_access

    assert org.links[1:3] == tuple(LINKS[1:3])
    assert org.links[::-1][0] == LINKS[-1]
    with pytest.raises(gridorg.InvalidArgumentError, match="role must be one of"):
        Role.parse("king")
    with pytest.raises(ValueError, match="kind must be one of"):
        PartnerKind.parse("charity")
    with pytest.raises(gridorg.InvalidArgumentError, match="unit positions must lie in"):
        org.links.unit_xy([len(org)])
    with pytest.raises(gridorg.InvalidArgumentError, match="threshold must be positive"):
        service_access(org, threshold=-1)
    with pytest.raises(gridorg.RecordError, match="category 'c': tier must not be empty"):
        Category("c", tier="")
    with pytest.raises(gridorg.RecordError, match="registration 'P' → 'C1': date must be"):
        Registration("P", "C1", date="soon")
    from types import MappingProxyType

    assert Location.from_record(MappingProxyType({"x": 1.0, "y": 2.0})) == Location(1.0, 2.0)
    with pytest.raises(LinkError, match="the catalogue has no categories"):
        _base().with_links(categories=[], partners=[Department("D", categories={"health"})])


def test_responsible_many_agrees_with_one_at_a_time() -> None:
    from gridorg.graph import responsible_many

    everywhere = Department("D-legal", "律师协会", categories={"legal_services"})
    org = Organisation.from_records(TREE).with_links(
        LINKS, partners=[everywhere, *PARTNERS], people=PEOPLE, sites=SITES
    )
    pairs = [(code, k) for code in org.links.categories for k in range(len(org))]
    expected = [org.responsible_departments(code, org.id_at(k)) for code, k in pairs]
    assert responsible_many(org, pairs) == expected
    # The committee member comes first under S1; the jurisdictions differ between streets.
    assert [d.id for d in org.responsible_departments("legal_services", "H1")] == [
        "D-justice-1",
        "D-legal",
    ]
    assert [d.id for d in org.responsible_departments("legal_services", "G3")] == [
        "D-legal",
        "D-justice",
    ]
