"""Routing examples: each action on a small organisation, and worked examples on Yinjiang."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from gridorg.datasets import yinjiang
from gridorg.errors import EscalationError
from gridorg.hierarchy import Organisation
from gridorg.issue import Channel, Issue
from gridorg.links import Assignment, CommitteeMembership, Joining, Registration, Serving
from gridorg.partners import Department, Partner
from gridorg.people import Person
from gridorg.routing import (
    AssignDepartment,
    HandleAt,
    JointOffice,
    Mediation,
    Router,
    Rule,
    RuleTable,
    Step,
    Whistle,
)
from gridorg.sites import ServiceSite
from gridorg.triage import Colour, FiveTierTriage

ORIGINS = {"grid", "household"}
T0 = dt.datetime(2024, 5, 6, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def small() -> Organisation:
    """Two streets; S1 has communities C1 (grids G1, G2) and C2 (G3); S2 has C3 (G4)."""
    rows = [
        ("S1", "street", None, "working_committee"),
        ("C1", "community", "S1", "committee"),
        ("G1", "grid", "C1", "group"),
        ("H1", "household", "G1", "central_household"),
        ("G2", "grid", "C1", "group"),
        ("C2", "community", "S1", "branch"),
        ("G3", "grid", "C2", "group"),
        ("S2", "street", None, "working_committee"),
        ("C3", "community", "S2", "branch"),
        ("G4", "grid", "C3", "group"),
    ]
    org = Organisation.from_records(
        {"id": uid, "tier": tier, "parent": parent, "form": form}
        for uid, tier, parent, form in rows
    )
    return org.with_links(
        [
            CommitteeMembership("D-house", "S1"),
            Assignment("M1", "C1", role="mediator"),
            Assignment("E1", "C1", role="evaluator"),
            Assignment("M2", "C2", role="mediator"),
            Registration("PC2", "C1"),
            Joining("PC1", "X1"),
            Serving("X1", "C1"),
        ],
        partners=[
            Department("D-civ", categories={"civil_assistance"}),
            Department("D-just", categories={"neighbour_disputes", "legal_services"}),
            Department("D-env", categories={"environment"}, jurisdiction="S1"),
            Department("D-house", categories={"property_management"}),
            Department("D-house2", categories={"property_management"}),
            Partner("PC1", kind="property_company"),
            Partner("PC2", kind="property_company"),
        ],
        people=[
            Person("M1", roles={"mediator"}),
            Person("E1", roles={"evaluator"}),
            Person("M2", roles={"mediator"}),
        ],
        sites=[ServiceSite("X1")],
    )


def issue(category: str, origin: str, **options: object) -> Issue:
    return Issue("Q1", category, origin, T0, **options)  # type: ignore[arg-type]


def router(*rules: Rule, org: Organisation | None = None, **options: object) -> Router:
    table = RuleTable([*rules, Rule.default(HandleAt())])
    return Router(small() if org is None else org, table, **options)  # type: ignore[arg-type]


def test_handle_at_a_tier_names_the_unit_and_the_chain_up_to_the_whistle() -> None:
    decision = router(Rule("c", HandleAt("community"), tiers=ORIGINS)).route(
        issue("environment", "H1")
    )
    assert (decision.action, decision.tier, decision.handler) == ("handle", "community", "C1")
    assert decision.chain == (
        Step("street", "S1"),
        Step("department", "S1", ("D-env",), whistle=True),
    )
    assert decision.response_by == T0 + dt.timedelta(days=1)  # yellow: 1 day / 7 days
    assert decision.resolve_by == T0 + dt.timedelta(days=7)
    assert decision.report_by is None
    assert decision.fallback is None


def test_handle_at_never_routes_down() -> None:
    decision = router(Rule("h", HandleAt("household"), tiers=ORIGINS)).route(
        issue("environment", "G2")
    )
    assert (decision.tier, decision.handler) == ("grid", "G2")


def test_handle_at_without_tier_uses_the_category_default_tier() -> None:
    r = router()
    assert r.route(issue("environment", "H1")).handler == "G1"  # environment: grid
    assert r.route(issue("education", "H1")).handler == "S1"  # education: street
    assert r.route(issue("health", "G3")).handler == "C2"  # health: community


def test_handle_at_without_tier_follows_a_triage_that_implies_one() -> None:
    r = router(triage=FiveTierTriage())
    # Base colour from the category tier (grid → green), one step up at urgency+importance 7.
    decision = r.route(issue("environment", "H1", urgency=4, importance=3))
    assert decision.colour is Colour.YELLOW
    assert (decision.tier, decision.handler) == ("community", "C1")


def test_a_missing_tier_falls_back_to_the_nearest_unit_above_or_the_top() -> None:
    org = small().add_units(
        [{"id": "G9", "tier": "grid"}, {"id": "H9", "tier": "household", "parent": "G9"}]
    )
    decision = router(Rule("c", HandleAt("community"), tiers=ORIGINS), org=org).route(
        issue("health", "H9")
    )
    assert (decision.tier, decision.handler, decision.chain) == ("grid", "G9", ())


def test_assign_department_gives_the_responsible_departments() -> None:
    r = router(Rule("d", AssignDepartment(), tiers=ORIGINS))
    decision = r.route(issue("civil_assistance", "G1"))
    assert (decision.action, decision.tier, decision.handler) == ("department", "department", None)
    assert decision.departments == ("D-civ",)
    assert decision.chain == (Step("department", "S1", ("D-civ",), whistle=True),)


def test_committee_members_come_first_among_responsible_departments() -> None:
    decision = router(Rule("d", AssignDepartment(), tiers=ORIGINS)).route(
        issue("property_management", "G4")
    )
    assert decision.departments == ("D-house", "D-house2")


def test_no_department_first_receiver_or_territorial_by_channel() -> None:
    r = router(Rule("d", AssignDepartment(), tiers=ORIGINS))
    received = r.route(issue("employment", "H1", channel="visit"))
    assert (received.handler, received.tier, received.fallback) == (
        "C1",
        "community",
        "first_receiver",
    )
    assert received.chain == (Step("street", "S1"),)
    hotline = r.route(issue("employment", "H1", channel=Channel.HOTLINE))
    assert (hotline.handler, hotline.tier, hotline.fallback) == ("S1", "street", "territorial")
    assert hotline.departments == ()
    assert hotline.chain == ()


def test_a_department_jurisdiction_limits_where_it_answers() -> None:
    r = router(Rule("d", AssignDepartment(), tiers=ORIGINS))
    assert r.route(issue("environment", "G1")).departments == ("D-env",)
    outside = r.route(issue("environment", "G4", channel="online"))
    assert (outside.departments, outside.fallback) == ((), "territorial")


def test_joint_office_at_the_community_with_property_companies() -> None:
    r = router(Rule("j", JointOffice(), tiers=ORIGINS))
    decision = r.route(issue("property_management", "H1"))
    assert (decision.action, decision.tier, decision.handler) == (
        "joint_office",
        "community",
        "C1",
    )
    assert decision.departments == ("D-house", "D-house2")
    assert decision.partners == ("PC1", "PC2")
    named = router(Rule("j", JointOffice(("D-civ",), property_company=False), tiers=ORIGINS))
    other = named.route(issue("property_management", "G3"))
    assert (other.handler, other.departments, other.partners) == ("C2", ("D-civ",), ())
    assert other.chain[-1] == Step("department", "S1", ("D-house", "D-house2"), whistle=True)


def test_mediation_at_the_grid_with_the_community_mediators() -> None:
    r = router(Rule("m", Mediation(), tiers=ORIGINS))
    decision = r.route(issue("neighbour_disputes", "H1"))
    assert (decision.action, decision.tier, decision.handler) == ("mediation", "grid", "G1")
    assert decision.people == ("E1", "M1")
    assert r.route(issue("neighbour_disputes", "G3")).people == ("M2",)
    assert r.route(issue("neighbour_disputes", "G4")).people == ()


def test_whistle_calls_the_departments_to_report_in() -> None:
    r = router(Rule("w", Whistle(dt.timedelta(minutes=15)), tiers=ORIGINS))
    decision = r.route(issue("civil_assistance", "G2", urgency=4, importance=4))
    assert (decision.action, decision.tier, decision.handler) == ("whistle", "department", "S1")
    assert decision.departments == ("D-civ",)
    assert decision.report_by == T0 + dt.timedelta(minutes=15)
    assert decision.response_by == T0 + dt.timedelta(minutes=30)  # red
    assert decision.chain == ()


def test_a_whistle_nobody_answers_stays_with_the_street() -> None:
    decision = router(Rule("w", Whistle(), tiers=ORIGINS)).route(issue("employment", "G4"))
    assert (decision.action, decision.handler, decision.fallback) == (
        "handle",
        "S2",
        "territorial",
    )
    assert decision.report_by is None


def test_conditions_and_the_trace() -> None:
    rules = (
        Rule("tagged", Mediation(), tags={"elderly", "night"}),
        Rule("hotline", AssignDepartment(), channels={"hotline"}, tiers={"household"}),
        Rule("north", HandleAt("street"), under={"C2"}),
    )
    r = router(*rules)
    tagged = r.route(issue("health", "G1", tags={"elderly", "night", "x"}))
    assert tagged.rule == "tagged"
    assert len(tagged.trace) == 1
    decision = r.route(issue("health", "G3", tags={"elderly"}, channel="hotline"))
    assert decision.rule == "north"
    assert [t.matched for t in decision.trace] == [False, False, True]
    assert decision.trace[0].reason == "tags lack {night}"
    assert decision.trace[1].reason == "origin tier grid is not in {household}"
    assert r.route(issue("health", "G1")).trace[2].reason == "origin is not under {C2}"


def test_escalate_walks_the_chain_then_refuses() -> None:
    r = router(Rule("m", Mediation(), tiers=ORIGINS))
    decision = r.route(issue("neighbour_disputes", "H1"))
    up = r.escalate(decision, "the parties refused mediation")
    assert (up.tier, up.handler, up.action, up.people) == ("community", "C1", "handle", ())
    assert up.response_by == decision.response_by + dt.timedelta(days=1)
    at = T0 + dt.timedelta(hours=5)
    street = r.escalate(up, "beyond the community", at=at)
    assert (street.handler, street.response_by) == ("S1", at + dt.timedelta(days=1))
    whistle = r.escalate(street, "needs the justice bureau", at=at)
    assert (whistle.action, whistle.departments) == ("whistle", ("D-just",))
    assert whistle.report_by == at + dt.timedelta(minutes=30)
    assert whistle.escalations == (
        "the parties refused mediation",
        "beyond the community",
        "needs the justice bureau",
    )
    with pytest.raises(EscalationError, match="'Q1' is at the top of its chain"):
        r.escalate(whistle, "again")


def test_route_many_from_columns_equals_route() -> None:
    org = small()
    r = router(
        Rule("m", Mediation(), categories={"neighbour_disputes"}),
        Rule("w", Whistle(), colours={"red"}),
    )
    cats = list(org.links.categories)
    origins = ["H1", "G2", "G3", "G4", "G1"]
    chosen = ["neighbour_disputes", "employment", "civil_assistance", "health", "environment"]
    issues = [
        Issue(f"Q{i}", c, o, T0 + dt.timedelta(minutes=i), urgency=1 + i % 4, importance=4)
        for i, (c, o) in enumerate(zip(chosen, origins, strict=True))
    ]
    columns = {
        "id": np.array([x.id for x in issues]),
        "category": np.array([cats.index(c) for c in chosen]),
        "origin": org.indices(origins),
        "reported": np.array(
            [x.reported.astimezone(dt.UTC).replace(tzinfo=None) for x in issues],
            dtype="datetime64[us]",
        ),
        "urgency": np.array([x.urgency for x in issues]),
        "importance": np.full(5, 4),
    }
    many = r.route_many(columns)
    assert list(many) == [r.route(x) for x in issues] == list(r.route_many(issues))
    assert many[-1] == r.route(issues[-1])
    assert many[1:3] == [many[1], many[2]]
    with pytest.raises(IndexError):
        many[5]
    table = many.to_pandas()
    assert list(table["handler"]) == [m.handler for m in many]
    assert list(table["action"]) == [m.action for m in many]
    assert table["report_by"].isna().tolist() == [m.report_by is None for m in many]


def test_standard_table_on_the_small_organisation() -> None:
    r = Router(small())
    assert [rule.name for rule in r.rules][-1] == "default"
    assert r.route(issue("property_management", "G1", urgency=4, importance=1)).action == (
        "joint_office"
    )


# ---------------------------------------------------------------------- Yinjiang


@pytest.fixture(scope="module")
def yj() -> Router:
    return Router(yinjiang())


def test_yinjiang_neighbour_dispute_takes_the_grid_mediation_path(yj: Router) -> None:
    decision = yj.route(Issue("YJ-1", "neighbour_disputes", "YJ-EL-C01-G01-H03", T0))
    assert (decision.action, decision.tier, decision.handler) == (
        "mediation",
        "grid",
        "YJ-EL-C01-G01",
    )
    org = yj.org
    mediators = {p.id for p in org.people_of("YJ-EL-C01", "mediator")}
    assert mediators
    assert mediators <= set(decision.people)
    assert decision.people == tuple(sorted(decision.people))
    assert [s.handler for s in decision.chain] == ["YJ-EL-C01", "YJ-EL", "YJ-EL"]


def test_yinjiang_civil_assistance_reaches_civil_affairs(yj: Router) -> None:
    decision = yj.route(Issue("YJ-2", "civil_assistance", "YJ-EL-C01-G01", T0))
    assert decision.departments == ("YJ-D-civil-affairs",)
    assert (decision.tier, decision.handler) == ("department", None)


def test_yinjiang_red_matter_is_whistled_at_the_street(yj: Router) -> None:
    red = Issue("YJ-3", "emergency", "YJ-EL-C01-G01-H01", T0, urgency=4, importance=4)
    decision = yj.route(red)
    assert (decision.colour, decision.action, decision.handler) == (Colour.RED, "whistle", "YJ-EL")
    assert decision.report_by == T0 + dt.timedelta(minutes=30)
    assert decision.departments == ("YJ-D-emergency-management",)
