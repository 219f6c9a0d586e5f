"""The rule_tables() and case_logs() strategies: valid values, sizes, errors and shrinking."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from gridorg import Organisation
from gridorg.datasets import songtao, yinjiang
from gridorg.errors import InvalidArgumentError
from gridorg.issue import Issue
from gridorg.lifecycle import RATED_STATES, TRANSITIONS, CaseLog, CaseState
from gridorg.routing import HandleAt, Router, Rule, RuleTable
from gridorg.strategies import case_logs, issues, organisations, rule_tables
from gridorg.tiers import LevelScheme

ORG = yinjiang()
#: The match fields of a rule.
CONDITIONS = ("categories", "colours", "tiers", "tags", "channels", "under")
#: The states whose events carry a deadline in the drawn logs.
DUE_STATES = {CaseState.DISPATCHED, CaseState.ESCALATED, CaseState.EXTENDED}


def conditions_of(rule: Rule) -> dict[str, Any]:
    return {f: getattr(rule, f) for f in CONDITIONS if getattr(rule, f) is not None}


# ---------------------------------------------------------------------- rule tables


@given(st.data(), st.sampled_from([ORG, songtao()]))
def test_drawn_tables_pass_the_check_and_route_every_issue(
    data: st.DataObject, org: Organisation
) -> None:
    table = data.draw(rule_tables(org), label="table")
    table.check(org)
    router = Router(org, table)
    drawn = data.draw(issues(org, max_size=6), label="issues")
    singles = [router.route(issue) for issue in drawn]
    assert list(router.route_many(drawn)) == singles
    for decision in singles:
        assert decision.trace[-1].matched
        assert decision.rule in {rule.name for rule in table}


@given(rule_tables(ORG, min_rules=2, max_rules=4))
def test_table_shape_names_and_sizes(table: RuleTable) -> None:
    assert 3 <= len(table) <= 5
    names = [rule.name for rule in table]
    assert names == [f"rule{k}" for k in range(1, len(table))] + ["default"]
    assert table[-1].is_default
    for rule in table[:-1]:
        drawn = conditions_of(rule)
        assert 1 <= len(drawn) <= 3
        assert all(1 <= len(values) <= 3 for values in drawn.values())
        # Rules only name what the organisation has: a brute-force check of check().
        assert drawn.get("categories", set()) <= set(ORG.links.categories)
        assert drawn.get("tiers", set()) <= {"grid", "household"}
        assert all(uid in ORG for uid in drawn.get("under", ()))
    assert RuleTable.from_records(table.to_records()) == table


@given(rule_tables(ORG, min_rules=0, max_rules=0))
def test_zero_rules_is_a_lone_default(table: RuleTable) -> None:
    assert len(table) == 1
    assert table[0].is_default


@settings(max_examples=20)
@given(st.data())
def test_tables_for_drawn_organisations_pass_the_check(data: st.DataObject) -> None:
    org = data.draw(organisations(max_units=8), label="org")
    table = data.draw(rule_tables(org, max_rules=3), label="table")
    table.check(org)


def test_a_table_with_a_conditional_rule_shrinks_to_two_rules() -> None:
    table = find(rule_tables(ORG), lambda t: len(t) >= 2)
    assert len(table) == 2
    first = table[0]
    assert conditions_of(first) == {"categories": frozenset({next(iter(ORG.links.categories))})}
    assert first.action == HandleAt()
    assert table[1] == Rule.default(HandleAt())


def test_a_whistling_table_shrinks_to_a_default_whistle() -> None:
    table = find(rule_tables(ORG), lambda t: any(r.action.kind == "whistle" for r in t))
    assert len(table) == 1
    assert table[0].action.to_record() == {"kind": "whistle", "report_in": 1800.0}


# ---------------------------------------------------------------------- case logs


def rebuilt(log: CaseLog) -> CaseLog:
    """The log appended again event by event, with its cases registered as before."""
    again = CaseLog()
    for event in log:
        again.append(event)
    for case in log.cases:
        info = log.case_info(case)
        assert info.category is not None
        assert info.origin is not None
        again.register(case, category=info.category, origin=info.origin)
    return again


def check_walks(log: CaseLog) -> None:
    """Every case follows TRANSITIONS forward in time; deadlines only where they belong."""
    for case in log.cases:
        previous: CaseState | None = None
        last: dt.datetime | None = None
        for event in log.events_of(case):
            assert event.state in TRANSITIONS[previous]
            assert last is None or event.time >= last
            assert (event.due is not None) == (event.state in DUE_STATES)
            assert event.rating is None or event.state in RATED_STATES
            assert event.due is None or event.due > event.time
            previous, last = event.state, event.time
        assert previous is log.state_of(case)
        assert len(log.events_of(case)) <= 13


@given(case_logs(ORG, min_cases=1, max_cases=6))
def test_drawn_logs_are_valid_and_rebuild_event_by_event(log: CaseLog) -> None:
    assert 1 <= len(log.cases) <= 6
    assert set(log.cases) == {f"Q{k}" for k in range(1, len(log.cases) + 1)}
    check_walks(log)
    assert rebuilt(log) == log
    times = [event.time for event in log]
    assert times == sorted(times)
    for case in log.cases:
        info = log.case_info(case)
        assert info.category in ORG.links.categories
        assert info.origin in ORG


@given(st.data())
def test_logs_from_given_issues_use_distinct_issues_of_the_list(data: st.DataObject) -> None:
    given_issues = data.draw(issues(ORG, min_size=1, max_size=8, prefix="I"), label="issues")
    log = data.draw(case_logs(ORG, max_cases=5, issues=given_issues), label="log")
    by_id = {issue.id: issue for issue in given_issues}
    assert len(log.cases) <= min(5, len(given_issues))
    check_walks(log)
    for case in log.cases:
        issue = by_id[case]
        assert tuple(log.case_info(case)) == (issue.category, issue.origin)
        assert log.events_of(case)[0].time == issue.reported
    assert rebuilt(log) == log


@settings(max_examples=10)
@given(case_logs(ORG, min_cases=3, max_cases=3))
def test_exact_case_count(log: CaseLog) -> None:
    assert len(log.cases) == 3


def test_walks_shrink_to_the_shortest_ways() -> None:
    closed = find(
        case_logs(ORG, max_cases=1), lambda log: any(e.state is CaseState.CLOSED for e in log)
    )
    states = [event.state.value for event in closed]
    # One case going to closed along the main line, possibly by a shortcut, with no detour.
    main = ["collected", "filed", "dispatched", "handling", "replied", "verified", "closed"]
    assert {event.case for event in closed} == {"Q1"}
    assert states[-1] == "closed"
    assert states == [state for state in main if state in states]
    moved = find(case_logs(ORG), lambda log: len(log) >= 2)
    assert [(event.case, event.state.value) for event in moved] == [
        ("Q1", "collected"),
        ("Q1", "filed"),
    ]
    assert moved[1].time == moved[0].time


def test_ratings_are_drawn_and_shrink_to_one_rated_reply() -> None:
    rated = find(case_logs(ORG, max_cases=1), lambda log: any(e.rating is not None for e in log))
    assert [(e.state.value, e.rating) for e in rated if e.rating is not None] == [("replied", 1)]
    assert rated.views()["Q1"].rating == 1
    assert all(e.rating is None for e in find(case_logs(ORG), lambda log: len(log) >= 6))


def test_logs_shrink_to_one_bare_case() -> None:
    log = find(case_logs(ORG), lambda log: len(log.cases) >= 1)
    assert len(log) == 1
    assert log[0].state is CaseState.COLLECTED


def test_an_organisation_without_origins_gives_empty_logs_only() -> None:
    org = Organisation.from_records(
        [{"id": "S1", "tier": "street"}, {"id": "C1", "tier": "community", "parent": "S1"}]
    )
    assert find(case_logs(org, max_cases=0), lambda log: True) == CaseLog()
    with pytest.raises(InvalidArgumentError, match="no unit at the grid tier or below"):
        case_logs(org)


# ---------------------------------------------------------------------- bad arguments

WHEN = dt.datetime(2024, 5, 6, 9, 0, tzinfo=dt.UTC)
ISSUE = Issue("A1", "neighbour_disputes", "YJ-EL-C01-G01", WHEN)
NO_GRID = Organisation.from_records(
    [{"id": "X1", "tier": "county"}], scheme=LevelScheme(["county", "town"])
)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: rule_tables("org"), r"rule_tables\(\) needs an Organisation, got str"),  # type: ignore[arg-type]
        (lambda: rule_tables(ORG, min_rules=-1), "min_rules must be between 0 and 1000, got -1"),
        (lambda: rule_tables(ORG, max_rules=2.5), "max_rules must be an integer, got 2.5"),  # type: ignore[arg-type]
        (lambda: rule_tables(ORG, min_rules=3, max_rules=2), "min_rules=3 is greater than"),
        (lambda: rule_tables(NO_GRID), "needs an organisation whose scheme has the tiers street"),
        (lambda: case_logs(None), r"case_logs\(\) needs an Organisation, got NoneType"),  # type: ignore[arg-type]
        (lambda: case_logs(ORG, min_cases=True), "min_cases must be an integer, got True"),
        (lambda: case_logs(ORG, min_cases=4, max_cases=1), "min_cases=4 is greater than"),
        (lambda: case_logs(ORG, max_cases=10**6), "max_cases must be between 0 and 100000"),
        (lambda: case_logs(ORG, issues="Q1"), "issues must be a list of Issue values or None"),  # type: ignore[arg-type]
        (lambda: case_logs(ORG, issues=[ISSUE, "x"]), r"issues\[1\] must be an Issue, got str"),  # type: ignore[list-item]
        (lambda: case_logs(ORG, issues=[ISSUE, ISSUE]), "issue id 'A1' appears twice"),
        (
            lambda: case_logs(ORG, issues=[ISSUE.__class__("B", "nope", ISSUE.origin, WHEN)]),
            "category 'nope', which the organisation's catalogue lacks",
        ),
        (
            lambda: case_logs(ORG, issues=[ISSUE.__class__("B", ISSUE.category, "G?", WHEN)]),
            "arose at 'G\\?', which is not a unit of",
        ),
        (
            lambda: case_logs(ORG, min_cases=2, issues=[ISSUE]),
            "min_cases=2 is greater than the 1 issues given",
        ),
        (lambda: case_logs(NO_GRID), "no unit at the grid tier or below"),
    ],
)
def test_bad_arguments_raise_at_creation(make: Any, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        make()
