"""Audit findings about cross-links: hand-built cases, and agreement with the link queries."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridorg import (
    DEFAULT_CATEGORIES,
    Assignment,
    CategoryCatalogue,
    ContactPoint,
    Department,
    InvalidArgumentError,
    LevelScheme,
    Organisation,
    Person,
    Role,
    ServiceSite,
    Serving,
    Tier,
)
from gridorg._audit_links import _triangle_parts
from gridorg.audit import AuditPolicy, Finding, audit
from gridorg.links import Link
from gridorg.strategies import organisations

LINK_CODES = frozenset(
    {
        "community_without_contact_leader",
        "incomplete_iron_triangle",
        "uncovered_category",
        "idle_site",
    }
)

#: Three categories of the default catalogue, so that coverage is easy to read.
CATALOGUE = CategoryCatalogue(
    DEFAULT_CATEGORIES[code] for code in ("civil_assistance", "health", "legal_services")
)

TREE: list[dict[str, Any]] = [
    {"id": "S1", "tier": "street", "form": "working_committee"},
    {"id": "C1", "tier": "community", "form": "general_branch", "parent": "S1"},
    {"id": "B1", "tier": "community", "form": "branch", "parent": "C1"},
    {"id": "G1", "tier": "grid", "form": "group", "parent": "B1", "gridders": 1},
    {"id": "H1", "tier": "household", "parent": "G1", "households": 12},
    {"id": "G2", "tier": "grid", "parent": "B1", "attributes": {"led_by": "branch"}},
    {"id": "C2", "tier": "community", "form": "branch", "parent": "S1"},
    {"id": "G3", "tier": "grid", "parent": "C2"},
    {"id": "S2", "tier": "street", "form": "working_committee"},
    {"id": "C3", "tier": "community", "form": "branch", "parent": "S2"},
    {"id": "G4", "tier": "grid", "form": "group", "parent": "C3", "gridders": 2},
    {"id": "H2", "tier": "household", "parent": "G4", "households": 11},
]

PEOPLE = [
    Person("P-lead", "王", roles={"county_leader"}),
    Person("P-grid", "李", roles={"gridder"}),
    Person("P-head", "张", roles={"household_head"}),
]
DEPARTMENTS = [
    Department("D-civil", "民政局", categories={"civil_assistance"}),
    Department("D-health", "卫健局", categories={"health"}, jurisdiction="S1"),
]
SITES = [
    ServiceSite("X", "城南党群服务中心", host="C1"),
    ServiceSite("Y", "红色驿站", kind="red_station", host="C2"),
    ServiceSite("Z", "近邻中心", kind="neighbourhood_centre"),
]


@pytest.fixture
def tree() -> Organisation:
    return Organisation.from_records(TREE, name="two streets")


@pytest.fixture
def linked(tree: Organisation) -> Organisation:
    return tree.with_links(
        [
            ContactPoint("P-lead", "C1"),
            ContactPoint("P-lead", "G3"),  # a grid's contact point does not count for C2
            ContactPoint("P-lead", "B1"),  # nor does one on a nested branch
            Assignment("P-grid", "G2", role="gridder"),
            Serving("X", "C1"),
        ],
        people=PEOPLE,
        partners=DEPARTMENTS,
        sites=SITES,
        categories=CATALOGUE,
    )


def link_findings(findings: tuple[Finding, ...]) -> list[tuple[str, str]]:
    return [(f.unit, f.code) for f in findings if f.code in LINK_CODES]


def test_link_findings_of_the_hand_built_organisation(linked: Organisation) -> None:
    assert link_findings(linked.audit()) == [
        ("S1", "uncovered_category"),
        ("G2", "incomplete_iron_triangle"),
        ("C2", "community_without_contact_leader"),
        ("Y", "idle_site"),  # at its host C2's position, after C2's own findings by code
        ("G3", "incomplete_iron_triangle"),
        ("S2", "uncovered_category"),
        ("C3", "community_without_contact_leader"),
        ("Z", "idle_site"),  # no host: after every unit
    ]


def test_findings_stay_ordered_by_position_then_code(linked: Organisation) -> None:
    findings = linked.audit()
    where = {uid: linked.index(uid) for uid in linked}
    where.update({"Y": linked.index("C2"), "Z": len(linked)})
    keys = [(where[f.unit], f.code) for f in findings]
    assert keys == sorted(keys)
    assert findings[-1].unit == "Z"


def test_a_community_needs_a_contact_point_of_its_own(linked: Organisation) -> None:
    found = {f.unit: f for f in linked.audit() if f.code == "community_without_contact_leader"}
    # C1 has one; C2 only through its grid G3; C3 none; the nested branch B1 is not judged.
    assert sorted(found) == ["C2", "C3"]
    assert found["C2"].value is None
    assert found["C2"].severity == "warning"
    assert found["C2"].message.startswith("community 'C2': ")
    assert "联系点" in found["C2"].message
    fixed = linked.with_links([ContactPoint("P-lead", "C2"), ContactPoint("P-lead", "C3")])
    assert not [f for f in fixed.audit() if f.code == "community_without_contact_leader"]


def test_iron_triangle_findings_list_what_is_missing(linked: Organisation) -> None:
    found = {f.unit: f for f in linked.audit() if f.code == "incomplete_iron_triangle"}
    # G1: group, 1 gridder, H1. G2: led by its branch, gridder assigned, but no household
    # heads. G3: nothing. G4: group, 2 gridders, H2.
    assert sorted(found) == ["G2", "G3"]
    assert found["G2"].message == "grid 'G2': iron triangle (铁三角) is missing household heads"
    assert found["G2"].value == 1
    assert found["G3"].message == (
        "grid 'G3': iron triangle (铁三角) is missing party group, gridder, household heads"
    )
    assert found["G3"].value == 3
    assert linked.iron_triangle("G3").missing == ("party", "gridder", "household_heads")


def test_assigned_household_heads_complete_a_triangle(linked: Organisation) -> None:
    done = linked.with_links([Assignment("P-head", "G2", role="household_head")])
    assert "G2" not in {f.unit for f in done.audit() if f.code == "incomplete_iron_triangle"}
    assert done.iron_triangle("G2").complete


def test_gridders_assigned_elsewhere_do_not_count(linked: Organisation) -> None:
    without = linked.without_links("assignment")
    (finding,) = [
        f for f in without.audit() if f.code == "incomplete_iron_triangle" and f.unit == "G2"
    ]
    assert finding.message.endswith("is missing gridder, household heads")
    elsewhere = without.with_links([Assignment("P-grid", "G1", role="gridder")])
    assert "G2" in {f.unit for f in elsewhere.audit() if f.code == "incomplete_iron_triangle"}


def test_uncovered_categories_one_finding_per_street(linked: Organisation) -> None:
    found = {f.unit: f for f in linked.audit() if f.code == "uncovered_category"}
    assert sorted(found) == ["S1", "S2"]
    # D-civil serves everywhere; D-health only S1's territory; nobody handles legal services.
    assert found["S1"].value == 1
    assert found["S1"].message == (
        "street 'S1': no responsible department for 1 issue category: legal_services"
    )
    assert found["S2"].value == 2
    assert found["S2"].message.endswith("2 issue categories: health, legal_services")
    for street, finding in found.items():
        gaps = [c for c in CATALOGUE if not linked.responsible_departments(c, at=street)]
        assert finding.message.endswith(", ".join(gaps))


def test_a_department_of_a_community_does_not_cover_its_street(linked: Organisation) -> None:
    local = Department("D-law", "司法所", categories={"legal_services"}, jurisdiction="C3")
    more = linked.with_links(partners=[local])
    found = {f.unit: f.value for f in more.audit() if f.code == "uncovered_category"}
    assert found == {"S1": 1, "S2": 2}
    everywhere = linked.with_links(
        partners=[Department("D-all", categories={"legal_services", "health"})]
    )
    assert "uncovered_category" not in {f.code for f in everywhere.audit()}


def test_idle_sites_are_named_by_site(linked: Organisation) -> None:
    found = [f for f in linked.audit() if f.code == "idle_site"]
    assert [f.unit for f in found] == ["Y", "Z"]
    assert found[0].message == (
        "service site 'Y' (红色驿站): serves no community or grid (no serving link)"
    )
    busy = linked.with_links([Serving("Y", "G3"), Serving("Z", "C3")])
    assert "idle_site" not in {f.code for f in busy.audit()}


def test_an_organisation_without_cross_links_is_not_judged_on_them(tree: Organisation) -> None:
    assert tree.links.is_empty
    assert link_findings(tree.audit()) == []
    forced = audit(tree, AuditPolicy(check_links=True))
    codes = {code for _, code in link_findings(forced)}
    assert codes == {
        "community_without_contact_leader",
        "incomplete_iron_triangle",
        "uncovered_category",
    }
    (s1,) = [f for f in forced if f.code == "uncovered_category" and f.unit == "S1"]
    assert s1.value == len(DEFAULT_CATEGORIES)


def test_check_links_false_turns_them_off(linked: Organisation) -> None:
    quiet = audit(linked, AuditPolicy(check_links=False))
    assert link_findings(quiet) == []
    # The tree findings are unchanged.
    loud = audit(linked)
    assert [f for f in loud if f.code not in LINK_CODES] == list(quiet)
    assert audit(linked.without_links(), AuditPolicy()) != quiet  # people and sites remain


def test_any_cross_link_data_switches_the_findings_on(tree: Organisation) -> None:
    only_a_site = tree.with_links(sites=[ServiceSite("Q", host="G4")])
    found = {code for _, code in link_findings(only_a_site.audit())}
    assert "idle_site" in found
    assert "incomplete_iron_triangle" in found
    # Rules about data the organisation does not record stay quiet unless forced on.
    assert "uncovered_category" not in found
    assert "community_without_contact_leader" not in found
    forced = {code for _, code in link_findings(audit(only_a_site, AuditPolicy(check_links=True)))}
    assert {"uncovered_category", "community_without_contact_leader"} <= forced
    with_department = only_a_site.with_links(partners=[Department("D", categories={"health"})])
    assert "uncovered_category" in {code for _, code in link_findings(with_department.audit())}
    with_contact = only_a_site.with_links([ContactPoint("L", "C1")], people=[Person("L")])
    assert "community_without_contact_leader" in {
        code for _, code in link_findings(with_contact.audit())
    }


def test_policy_tier_options(linked: Organisation) -> None:
    as_grids = AuditPolicy(community_tier="grid", street_tier="community")
    found = audit(linked, as_grids)
    contact = {f.unit for f in found if f.code == "community_without_contact_leader"}
    assert contact == {"G1", "G2", "G4"}  # G3 has a contact point
    assert all(f.message.startswith("grid ") for f in found if f.unit in contact)
    uncovered = {f.unit: f.value for f in found if f.code == "uncovered_category"}
    assert uncovered == {"C1": 1, "C2": 1, "C3": 2}
    with pytest.raises(InvalidArgumentError, match="community_tier is 'neighbourhood'"):
        audit(linked, AuditPolicy(community_tier="neighbourhood"))
    with pytest.raises(InvalidArgumentError, match="street_tier"):
        audit(linked, AuditPolicy(street_tier="county"))
    heads_from_grids = AuditPolicy(household_tier="grid")
    triangles = {f.unit for f in audit(linked, heads_from_grids) if f.code.startswith("incompl")}
    assert triangles == {"G1", "G2", "G3", "G4"}  # no grid has a grid below it


def test_policy_option_validation() -> None:
    with pytest.raises(InvalidArgumentError, match="check_links"):
        AuditPolicy(check_links="yes")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="community_tier"):
        AuditPolicy(community_tier=3)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="role must be one of"):
        AuditPolicy().tier_for("county", LevelScheme.default())  # type: ignore[arg-type]


def test_schemes_without_the_named_tiers_skip_those_rules() -> None:
    scheme = LevelScheme([Tier("district"), Tier("grid", forms=("group",))])
    org = Organisation.from_records(
        [{"id": "D", "tier": "district"}, {"id": "G", "tier": "grid", "parent": "D"}],
        scheme=scheme,
    )
    found = audit(org, AuditPolicy(check_links=True))
    assert link_findings(found) == [("G", "incomplete_iron_triangle")]
    (g,) = [f for f in found if f.code == "incomplete_iron_triangle"]
    assert g.message.endswith("is missing party group, gridder, household heads")


# ---------------------------------------------------------------------- generated


def _fresh(org: Organisation, stem: str) -> str:
    uid = stem
    while uid in org:
        uid += "'"
    return uid


@st.composite
def linked_organisations(draw: st.DrawFn) -> Organisation:
    """Generated organisations with people, departments, sites and links among them."""
    org = draw(organisations(max_units=30, attributes=False))
    units = list(org)
    tiers = [org[uid].tier for uid in units]
    led = draw(st.lists(st.sampled_from(units), max_size=3, unique=True))
    org = org.evolve(led[0], attributes={"led_by": "branch"}) if led else org
    for uid in led[1:]:
        org = org.evolve(uid, attributes={"led_by": draw(st.sampled_from(["branch", 7]))})
    roles = (Role.GRIDDER, Role.HOUSEHOLD_HEAD, Role.COUNTY_LEADER)
    people = [Person(_fresh(org, f"P{i}"), roles=roles) for i in range(draw(st.integers(0, 4)))]
    departments = [
        Department(
            _fresh(org, f"D{i}"),
            categories=draw(st.sets(st.sampled_from(list(CATALOGUE)))),
            jurisdiction=draw(st.none() | st.sampled_from(units)),
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    sites = [
        ServiceSite(_fresh(org, f"X{i}"), host=draw(st.none() | st.sampled_from(units)))
        for i in range(draw(st.integers(0, 3)))
    ]
    reachable = [
        uid for uid, tier in zip(units, tiers, strict=True) if tier in ("community", "grid")
    ]
    links: dict[Link, None] = {}
    if people:
        for person, unit, role in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(people),
                    st.sampled_from(units),
                    st.sampled_from([Role.GRIDDER, Role.HOUSEHOLD_HEAD]),
                ),
                max_size=8,
            )
        ):
            links[Assignment(person.id, unit, role=role)] = None
        if reachable:
            for person, unit in draw(
                st.lists(
                    st.tuples(st.sampled_from(people), st.sampled_from(reachable)), max_size=4
                )
            ):
                links[ContactPoint(person.id, unit)] = None
    if sites and reachable:
        for site, unit in draw(
            st.lists(st.tuples(st.sampled_from(sites), st.sampled_from(reachable)), max_size=4)
        ):
            links[Serving(site.id, unit)] = None
    return org.with_links(
        list(links),
        people=people,
        partners=departments,
        sites=sites,
        categories=CATALOGUE,
    )


def _outermost(org: Organisation, uid: str, tier: str) -> bool:
    parent = org.parent(uid)
    return org[uid].tier == tier and (parent is None or parent.tier != tier)


def _brute_link_findings(org: Organisation) -> list[tuple[str, str, int | None]]:
    found: list[tuple[str, str, int | None]] = []
    for uid in org:
        unit = org[uid]
        if _outermost(org, uid, "street"):
            gaps = [c for c in org.links.categories if not org.responsible_departments(c, at=uid)]
            if gaps:
                found.append((uid, "uncovered_category", len(gaps)))
        if _outermost(org, uid, "community") and not org.contact_points(uid):
            found.append((uid, "community_without_contact_leader", None))
        if unit.tier == "grid":
            missing = org.iron_triangle(uid).missing
            if missing:
                found.append((uid, "incomplete_iron_triangle", len(missing)))
    idle = [s.id for s in org.links.sites.values() if not org.links_of(s.id, "serving")]
    return found + [(uid, "idle_site", None) for uid in idle]


@given(linked_organisations())
def test_link_findings_agree_with_the_queries(org: Organisation) -> None:
    findings = audit(org, AuditPolicy(check_links=True))
    got = [(f.unit, f.code, f.value) for f in findings if f.code in LINK_CODES]
    assert sorted(got, key=repr) == sorted(_brute_link_findings(org), key=repr)
    for f in findings:
        if f.code == "incomplete_iron_triangle":
            missing = org.iron_triangle(f.unit).missing
            named = {"party": "party group", "household_heads": "household heads"}
            assert f.message.endswith(", ".join(named.get(m, m) for m in missing))


@given(linked_organisations())
def test_vectorised_iron_triangles_equal_the_per_grid_query(org: Organisation) -> None:
    positions = org.positions(tier="grid") if "grid" in org.scheme.names else np.arange(len(org))
    party, gridders, heads = _triangle_parts(org, positions, "household")
    for k, uid in enumerate(org.ids_at(positions)):
        assert uid is not None
        triangle = org.iron_triangle(uid)
        assert bool(party[k]) == (triangle.party is not None), uid
        assert int(gridders[k]) == triangle.gridders, uid
        assert int(heads[k]) == triangle.household_heads, uid


@given(organisations(max_units=20))
def test_generated_trees_without_links_get_no_link_findings(org: Organisation) -> None:
    assert not [f for f in audit(org) if f.code in LINK_CODES]
