"""Rule records and tables, and every malformed input the router refuses with a clear error."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pytest

from gridorg.errors import (
    ArgumentTypeError,
    EscalationError,
    InvalidArgumentError,
    RuleError,
    UnknownCategoryError,
    UnknownUnitError,
)
from gridorg.hierarchy import Organisation
from gridorg.issue import Issue
from gridorg.routing import (
    AssignDepartment,
    HandleAt,
    JointOffice,
    Mediation,
    Router,
    Rule,
    RuleTable,
    Whistle,
)
from gridorg.tiers import LevelScheme
from gridorg.triage import Colour
from tests.test_routing import T0, small

DEFAULT = Rule.default(HandleAt())


def full_table() -> RuleTable:
    return RuleTable(
        [
            Rule("w", Whistle(dt.timedelta(minutes=10)), colours={"red"}, channels={"hotline"}),
            Rule("m", Mediation(), categories={"neighbour_disputes"}, tags={"night"}),
            Rule("j", JointOffice(("D-civ",), property_company=False), tiers={"grid"}),
            Rule("d", AssignDepartment(), under={"C1", "S2"}),
            Rule("h", HandleAt("community"), categories={"health"}),
            DEFAULT,
        ]
    )


def problems(err: pytest.ExceptionInfo[RuleError]) -> list[tuple[str, str | None]]:
    return [(p.code, p.path) for p in err.value.problems]


# ---------------------------------------------------------------------- records


def test_records_round_trip_through_json() -> None:
    table = full_table()
    text = json.dumps(table.to_records())
    again = RuleTable.from_records(json.loads(text))
    assert again == table
    assert again[0].action == Whistle(dt.timedelta(minutes=10))
    assert again[0].colours == frozenset({Colour.RED})


def test_standard_table_round_trips_and_keeps_known_categories() -> None:
    table = RuleTable.standard()
    assert RuleTable.from_records(table.to_records()) == table
    assert table[-1].is_default
    from gridorg.categories import Category, CategoryCatalogue

    few = RuleTable.standard(CategoryCatalogue([Category("civil_assistance")]))
    assert [rule.name for rule in few] == ["red_whistle", "department_matters", "default"]


def test_unknown_action_kind_is_reported_with_its_path() -> None:
    records = [
        {"name": "x", "action": {"kind": "teleport"}},
        {"name": "d", "action": {"kind": "mediation"}},
    ]
    with pytest.raises(
        RuleError, match=r"rules\[0\]\.action\.kind: unknown action kind 'teleport'"
    ) as err:
        RuleTable.from_records(records)
    assert problems(err) == [("unknown_action", "rules[0].action.kind")]


def test_every_record_problem_is_reported_at_once() -> None:
    records: list[Any] = [
        {"name": "a", "action": {"kind": "mediation"}, "categories": "civil_assistance"},
        {"name": "b", "action": {"kind": "handle_at", "tier": 3}, "colour": ["red"]},
        {"name": "c", "action": {"kind": "whistle", "report_in": "30 min"}, "colours": ["pink"]},
        {"action": {"kind": "joint_office", "departments": "D-civ", "extra": 1}},
        {"name": "d", "action": {"kind": "assign_department"}, "tags": []},
        "not a rule",
        {"name": "default", "action": {"kind": "mediation"}},
    ]
    with pytest.raises(RuleError) as err:
        RuleTable.from_records(records)
    assert problems(err) == [
        ("invalid_field", "rules[0].categories"),
        ("unknown_field", "rules[1].colour"),
        ("invalid_field", "rules[1].action.tier"),
        ("invalid_field", "rules[2].action.report_in"),
        ("invalid_field", "rules[2].colours"),
        ("missing_field", "rules[3].name"),
        ("invalid_field", "rules[3].action.departments"),
        ("unknown_field", "rules[3].action.extra"),
        ("invalid_field", "rules[4].tags"),
        ("invalid_rule", "rules[5]"),
    ]
    message = str(err.value)
    assert "report_in must be a positive number of seconds, got '30 min' (str)" in message
    assert "colours: colour must be one of blue, green, yellow, orange, red, got 'pink'" in message
    assert "categories must be null (any) or a list, got 'civil_assistance' (str)" in message


def test_a_table_without_a_default_is_refused() -> None:
    with pytest.raises(RuleError, match=r"needs a default rule .* the last rule is 'm'") as err:
        RuleTable([Rule("m", Mediation(), categories={"neighbour_disputes"})])
    assert problems(err) == [("no_default", "rules")]
    with pytest.raises(RuleError, match="needs a default rule"):
        RuleTable.from_records([])


def test_a_default_before_the_end_makes_later_rules_unreachable() -> None:
    late = Rule("m", Mediation(), categories={"neighbour_disputes"})
    with pytest.raises(RuleError, match=r"rules\[1\]: rule 'm' can never match") as err:
        RuleTable([DEFAULT, late, Rule.default(Mediation(), "last")])
    assert problems(err) == [("unreachable_rule", "rules[1]"), ("unreachable_rule", "rules[2]")]


def test_duplicate_rule_names_and_non_rules_are_refused() -> None:
    with pytest.raises(RuleError) as err:
        RuleTable(
            [Rule("a", Mediation(), tiers={"grid"}), "rule", Rule.default(Mediation(), "a")]  # type: ignore[list-item]
        )
    assert problems(err) == [("invalid_rule", "rules[1]"), ("duplicate_rule", "rules[2]")]
    with pytest.raises(RuleError, match="a rule table takes a list of rules, got 'x'"):
        RuleTable("x")  # type: ignore[arg-type]


def test_rule_fields_are_checked_on_construction() -> None:
    with pytest.raises(RuleError, match="tiers is empty, so the rule could never match"):
        Rule("a", Mediation(), tiers=[])
    with pytest.raises(RuleError, match=r"action must be one of HandleAt, .*got 'mediation'"):
        Rule("a", "mediation")  # type: ignore[arg-type]
    with pytest.raises(RuleError, match="report_in must be a positive timedelta"):
        Whistle(dt.timedelta(0))
    with pytest.raises(RuleError, match="lists a department twice"):
        JointOffice(("D", "D"))
    with pytest.raises(RuleError, match="name must not be empty"):
        Rule("", Mediation())


# ---------------------------------------------------------------------- checks


def test_check_lists_everything_the_organisation_lacks() -> None:
    table = RuleTable(
        [
            Rule("a", HandleAt("county"), categories={"potholes", "health"}),
            Rule("b", JointOffice(("D-civ", "D-none")), under={"C1", "Z9"}),
            Rule("c", HandleAt("household"), tiers={"street", "grid"}),
            Rule("d", Mediation(), tiers={"village"}),
            DEFAULT,
        ]
    )
    with pytest.raises(RuleError) as err:
        Router(small(), table)
    assert problems(err) == [
        ("unknown_category", "rules[0].categories"),
        ("unknown_tier", "rules[0].action.tier"),
        ("unknown_unit", "rules[1].under"),
        ("unknown_department", "rules[1].action.departments"),
        ("not_origin_tier", "rules[2].tiers"),
        ("routes_down", "rules[2].action.tier"),
        ("unknown_tier", "rules[3].tiers"),
    ]
    message = str(err.value)
    assert "unknown categories 'potholes'" in message
    assert "unknown departments 'D-none'" in message
    assert "unknown units 'Z9'" in message
    assert "unknown tier 'county'; the scheme has street, community, grid, household" in message


def test_a_scheme_without_the_routing_tiers_is_refused() -> None:
    scheme = LevelScheme(["district", "block"])
    org = Organisation.from_records([{"id": "A", "tier": "district"}], scheme=scheme)
    with pytest.raises(RuleError, match="has no 'street' tier; routing needs") as err:
        Router(org)
    assert [p.code for p in err.value.problems] == ["missing_tier"] * 3


def test_router_arguments_are_checked() -> None:
    with pytest.raises(ArgumentTypeError, match="Router needs an Organisation"):
        Router("org")  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="triage must provide the Triage protocol"):
        Router(small(), triage="matrix")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="report_in must be a positive timedelta"):
        Router(small(), report_in=dt.timedelta(0))


# ---------------------------------------------------------------------- issues


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(small())


def test_unknown_category_names_the_issue(router: Router) -> None:
    with pytest.raises(
        UnknownCategoryError, match="issue 'Q7': unknown issue category 'potholes'"
    ):
        router.route(Issue("Q7", "potholes", "G1", T0))
    with pytest.raises(UnknownCategoryError, match="issue 'b': unknown issue category 99"):
        router.route_many(
            {
                "id": ["a", "b"],
                "category": np.array([0, 99]),
                "origin": ["G1", "G1"],
                "reported": np.zeros(2, np.int64),
            }
        )


def test_unknown_origin(router: Router) -> None:
    with pytest.raises(UnknownUnitError, match="unit 'G99' is not in"):
        router.route(Issue("Q7", "health", "G99", T0))
    with pytest.raises(UnknownUnitError, match="issue 'a': origin position 10 is not in"):
        router.route_many(
            {"id": ["a"], "category": ["health"], "origin": np.array([10]), "reported": [T0]}
        )


def test_an_origin_above_the_grid_tier_is_refused(router: Router) -> None:
    pattern = "issue 'Q7': origin 'S1' is a unit of tier 'street'; issues arise at the grid tier"
    with pytest.raises(InvalidArgumentError, match=pattern):
        router.route(Issue("Q7", "health", "S1", T0))
    with pytest.raises(
        InvalidArgumentError, match="issue 'b': origin 'C2' is a unit of tier 'community'"
    ):
        router.route_many([Issue("a", "health", "G1", T0), Issue("b", "health", "C2", T0)])


def test_columns_must_have_one_length(router: Router) -> None:
    columns = {
        "id": ["a", "b"],
        "category": ["health"],
        "origin": ["G1", "G2"],
        "reported": [T0, T0],
    }
    with pytest.raises(
        InvalidArgumentError, match="issue columns must have one length, got id 2, category 1"
    ):
        router.route_many(columns)


def test_columns_are_named_and_required(router: Router) -> None:
    with pytest.raises(InvalidArgumentError, match=r"unknown issue columns \['colour'\]"):
        router.route_many({"id": [], "category": [], "origin": [], "reported": [], "colour": []})
    with pytest.raises(InvalidArgumentError, match=r"issue columns \['reported'\] are required"):
        router.route_many({"id": [], "category": [], "origin": []})


def test_naive_times_and_bad_levels_in_columns(router: Router) -> None:
    base = {"id": ["a", "b"], "category": ["health"] * 2, "origin": ["G1", "G2"]}
    naive = dt.datetime(2024, 5, 6, 9, 30)
    with pytest.raises(InvalidArgumentError, match="issue 'b': reported must be a timezone-aware"):
        router.route_many({**base, "reported": [T0, naive]})
    with pytest.raises(
        InvalidArgumentError, match="issue 'a': urgency must be an integer from 1 to 4, got 5"
    ):
        router.route_many({**base, "reported": [T0, T0], "urgency": np.array([5, 1])})
    with pytest.raises(InvalidArgumentError, match="issue 'b': channel must be one of"):
        router.route_many({**base, "reported": [T0, T0], "channel": ["visit", "pigeon"]})
    with pytest.raises(ArgumentTypeError, match="issue 'a': tags must be a collection of strings"):
        router.route_many({**base, "reported": [T0, T0], "tags": ["night", None]})


def test_route_needs_issues(router: Router) -> None:
    with pytest.raises(ArgumentTypeError, match="route\\(\\) takes an Issue, got dict"):
        router.route({"id": "Q1"})  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="item 1 is 'x' \\(str\\)"):
        router.route_many([Issue("a", "health", "G1", T0), "x"])  # type: ignore[list-item]


def test_escalate_arguments(router: Router) -> None:
    decision = router.route(Issue("Q1", "health", "G1", T0))
    with pytest.raises(InvalidArgumentError, match="escalate\\(\\) needs a reason"):
        router.escalate(decision, "  ")
    with pytest.raises(InvalidArgumentError, match="at must be a timezone-aware datetime"):
        router.escalate(decision, "late", at=dt.datetime(2024, 5, 6))
    top = router.route(Issue("Q2", "education", "G4", T0, channel="hotline"))
    assert top.chain == ()  # education: street tier; no department answers
    with pytest.raises(
        EscalationError, match="'Q2' is at the top of its chain \\(handle by S2\\)"
    ):
        router.escalate(top, "too big")
