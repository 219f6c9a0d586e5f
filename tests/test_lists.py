"""The three lists: demands over a period, the quarter's problems, the departments' claims."""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gridorg
from gridorg import CommitteeMembership, Department, Organisation, Partner
from gridorg.errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    MissingDependencyError,
    UnknownCategoryError,
    UnknownEntityError,
    UnknownUnitError,
)
from gridorg.issue import Issue
from gridorg.lifecycle import CaseEvent, CaseLog, CaseState
from gridorg.lists import (
    Claim,
    ListedProblem,
    Unclaimed,
    demand_list,
    problem_list,
    quarter_bounds,
    service_list,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

TREE: list[dict[str, Any]] = [
    {"id": "S1", "tier": "street", "form": "working_committee"},
    {"id": "C1", "tier": "community", "parent": "S1", "form": "branch"},
    {"id": "G1", "tier": "grid", "parent": "C1"},
    {"id": "G2", "tier": "grid", "parent": "C1"},
    {"id": "C2", "tier": "community", "parent": "S1", "form": "branch"},
    {"id": "G3", "tier": "grid", "parent": "C2"},
    {"id": "S2", "tier": "street", "form": "working_committee"},
    {"id": "C3", "tier": "community", "parent": "S2", "form": "branch"},
    {"id": "G4", "tier": "grid", "parent": "C3"},
    {"id": "H4", "tier": "household", "parent": "G4", "households": 12},
]

DEPARTMENTS = [
    Department("D-civil", "民政局", categories={"civil_assistance"}),
    Department("D-prop-1", "住建局城南所", categories={"property_management"}, jurisdiction="S1"),
    Department("D-prop-2", "住建局", categories={"property_management"}),
    Department(
        "D-justice",
        "司法所",
        categories={"neighbour_disputes", "legal_services"},
        jurisdiction="S2",
    ),
]


@pytest.fixture(scope="module")
def org() -> Organisation:
    return Organisation.from_records(TREE).with_links(
        [CommitteeMembership("D-civil", "S1"), CommitteeMembership("D-prop-2", "S1")],
        partners=[*DEPARTMENTS, Partner("E1", "供电公司", kind="enterprise")],
    )


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2024, month, day, hour, tzinfo=SHANGHAI)


#: The state paths the cases below follow after they are collected.
PATHS: dict[str, tuple[str, ...]] = {
    "collected": (),
    "filed": ("filed",),
    "dispatched": ("filed", "dispatched"),
    "handling": ("filed", "dispatched", "handling"),
    "replied": ("filed", "handling", "replied"),
    "closed": ("filed", "dispatched", "handling", "replied", "closed"),
    "cancelled": ("cancelled",),
    "duplicate": ("filed", "duplicate"),
    "rejected": ("rejected",),
}

# case, category, origin, collected, where it ends up (one step a day after collection)
CASES: list[tuple[str, str, str, dt.datetime, str]] = [
    ("Q01", "property_management", "G1", at(4, 2), "closed"),
    ("Q02", "property_management", "G2", at(4, 5), "handling"),
    ("Q03", "property_management", "G1", at(5, 1), "replied"),
    ("Q04", "civil_assistance", "G3", at(4, 3), "closed"),
    ("Q05", "civil_assistance", "G3", at(6, 1), "closed"),
    ("Q06", "environment", "G4", at(5, 10), "filed"),
    ("Q07", "neighbour_disputes", "H4", at(5, 12), "closed"),
    ("Q08", "property_management", "G4", at(6, 20), "dispatched"),
    ("Q09", "property_management", "G3", at(4, 8), "cancelled"),
    # 23:59:59 on 31 March in Shanghai: the quarter before.
    (
        "Q10",
        "civil_assistance",
        "G1",
        dt.datetime(2024, 3, 31, 15, 59, 59, tzinfo=dt.UTC),
        "closed",
    ),
    # midnight on 1 April in Shanghai: the quarter's first instant.
    ("Q11", "civil_assistance", "G2", dt.datetime(2024, 3, 31, 16, tzinfo=dt.UTC), "rejected"),
    # midnight on 1 July in Shanghai: the next quarter.
    ("Q12", "public_facilities", "G2", at(7, 1, 0), "filed"),
    ("Q13", "environment", "G4", at(4, 20), "duplicate"),
    # collected on 28 June, closed on 3 July: still open at the quarter's end.
    ("Q14", "civil_assistance", "G3", at(6, 28), "closed"),
]


def events_of(case: str, when: dt.datetime, end: str) -> list[CaseEvent]:
    path = PATHS[end]
    return [
        CaseEvent(case, when + dt.timedelta(days=step + 1), state)
        for step, state in enumerate(path)
    ]


def build_log(cases: Sequence[tuple[str, str, str, dt.datetime, str]] = CASES) -> CaseLog:
    log = CaseLog()
    for case, category, origin, when, end in cases:
        log.open(Issue(case, category, origin, when))
        log.extend(events_of(case, when, end))
    return log


@pytest.fixture(scope="module")
def log() -> CaseLog:
    return build_log()


# --------------------------------------------------------------------------- demand list


def test_demand_list_keeps_the_period_and_states_at_its_end(log: CaseLog) -> None:
    start, end = quarter_bounds("2024Q2")
    demands = demand_list(log, start=start, end=end)
    assert [d.case for d in demands] == [
        "Q11", "Q01", "Q04", "Q02", "Q09", "Q13", "Q03", "Q06", "Q07", "Q05", "Q08", "Q14",
    ]  # fmt: skip
    q14 = demands[-1]
    assert (q14.state, q14.resolved, q14.community) == (CaseState.DISPATCHED, False, None)
    assert q14.collected == at(6, 28)
    assert [d.case for d in demands if d.resolved] == ["Q01", "Q04", "Q07", "Q05"]
    assert demands.resolved == 4
    assert demands.by_category() == {
        "property_management": 5,
        "civil_assistance": 4,
        "environment": 2,
        "neighbour_disputes": 1,
    }
    # Without an end, a case's state is its latest.
    latest = demand_list(log, start=start)
    assert latest[-1].case == "Q12"
    assert {d.case: d.state for d in latest}["Q14"] is CaseState.CLOSED
    assert len(demand_list(log)) == len(CASES)
    assert [d.case for d in demand_list(log, end=start)] == ["Q10"]


def test_the_period_is_half_open() -> None:
    end = at(7, 1, 0)
    log = build_log(
        [
            ("A", "civil_assistance", "G1", end - dt.timedelta(days=1), "filed"),
            ("B", "civil_assistance", "G1", end, "collected"),
        ]
    )
    # A was filed at the end's very instant: that belongs to the next period.
    (only,) = demand_list(log, end=end)
    assert (only.case, only.state) == ("A", CaseState.COLLECTED)
    assert [d.case for d in demand_list(log, start=end)] == ["B"]
    assert demand_list(log, end=end + dt.timedelta(microseconds=1))[0].state is CaseState.FILED


def test_demand_list_with_an_organisation_names_communities(
    log: CaseLog, org: Organisation
) -> None:
    demands = demand_list(log, org=org)
    community = {d.case: d.community for d in demands}
    assert community["Q07"] == "C3"  # from a household head under G4
    assert community["Q01"] == community["Q11"] == "C1"
    first = demands[0]
    assert first.to_record() == {
        "case": "Q10",
        "category": "civil_assistance",
        "origin": "G1",
        "community": "C1",
        "collected": dt.datetime(2024, 3, 31, 15, 59, 59, tzinfo=dt.UTC),
        "state": "closed",
        "resolved": True,
    }
    assert "14 demands, 6 resolved, collected at any time" in repr(demands)
    frame = demands.to_pandas()
    assert list(frame.index[:2]) == ["Q10", "Q11"]
    assert frame.loc["Q07", "community"] == "C3"


# --------------------------------------------------------------------------- problem list


def test_problem_list_of_a_quarter_by_hand(log: CaseLog, org: Organisation) -> None:
    problems = problem_list(log, org, quarter="2024Q2")
    assert problems.quarter == "2024Q2"
    assert problems.start == at(4, 1, 0)
    assert problems.end == at(7, 1, 0)
    rows = [(p.rank, p.category, p.community, p.demands, p.unresolved, p.cases) for p in problems]
    assert rows == [
        # Q02 handling and Q03 replied: two unresolved of three.
        (1, "property_management", "C1", 3, 2, ("Q01", "Q02", "Q03")),
        # Q14 closes after the quarter; the group recurs anyway.
        (2, "civil_assistance", "C2", 3, 1, ("Q04", "Q05", "Q14")),
        # Q11 was rejected: the demand is not met.
        (3, "civil_assistance", "C1", 1, 1, ("Q11",)),
        # Q13 (a duplicate) is left out.
        (4, "environment", "C3", 1, 1, ("Q06",)),
        (5, "property_management", "C3", 1, 1, ("Q08",)),
    ]
    # Q07 (closed, alone) is no problem; Q09 was cancelled.
    assert problems.ids[0] == "P-2024Q2-C1-property_management"
    assert problems[0].to_record()["cases"] == ["Q01", "Q02", "Q03"]
    assert len(problems.demands) == 12
    text = repr(problems)
    assert text.startswith("<ProblemList 2024Q2: 5 problems from 12 demands")
    assert "1. property_management in C1: 3 demands, 2 unresolved" in text
    assert list(problems.to_pandas().columns) == [
        "category", "community", "demands", "unresolved", "cases", "rank",
    ]  # fmt: skip


def test_min_count_decides_what_recurs(log: CaseLog, org: Organisation) -> None:
    everything = problem_list(log, org, quarter="2024Q2", min_count=1)
    assert [(p.category, p.community) for p in everything][-1] == ("neighbour_disputes", "C3")
    strict = problem_list(log, org, quarter="2024Q2", min_count=4)
    assert len(strict) == 5  # all five listed groups have an unresolved demand


def test_quarters_are_cut_in_the_time_zone_given(log: CaseLog, org: Organisation) -> None:
    in_utc = problem_list(log, org, quarter="2024Q2", tz=dt.UTC)
    cases = {c for p in in_utc for c in p.cases}
    assert "Q11" not in cases  # 16:00 UTC on 31 March
    assert "Q12" in cases  # 16:00 UTC on 30 June
    assert in_utc.ids[0] == "P-2024Q2-C1-property_management"
    start, end = quarter_bounds("2023Q4", dt.UTC)
    assert (start, end) == (
        dt.datetime(2023, 10, 1, tzinfo=dt.UTC),
        dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )


def test_problem_ids_without_a_quarter(log: CaseLog, org: Organisation) -> None:
    problems = problem_list(log, org, start=at(4, 1, 0), end=at(7, 1, 0))
    assert problems.quarter is None
    assert problems.ids[0] == "P-C1-property_management"
    assert [p.cases for p in problems] == [
        p.cases for p in problem_list(log, org, quarter="2024Q2")
    ]
    empty = problem_list(log, org, start=at(8, 1), end=at(9, 1))
    assert len(empty) == 0
    assert len(empty.to_pandas()) == 0


def test_cases_above_the_community_tier_have_no_community(org: Organisation) -> None:
    log = build_log(
        [
            ("Q1", "civil_assistance", "S2", at(4, 2), "filed"),
            ("Q2", "civil_assistance", "S1", at(4, 3), "filed"),
            ("Q3", "property_management", "S1", at(4, 3), "filed"),
        ]
    )
    problems = problem_list(log, org, quarter="2024Q2")
    assert [(p.category, p.community, p.cases) for p in problems] == [
        ("civil_assistance", None, ("Q1", "Q2")),
        ("property_management", None, ("Q3",)),
    ]
    assert problems.ids == ("P-2024Q2---civil_assistance", "P-2024Q2---property_management")
    # Only departments that serve everywhere can claim problems without a place.
    services = service_list(problems, org, capacity=1)
    assert services.claims == (
        Claim("P-2024Q2---civil_assistance", "D-civil"),
        Claim("P-2024Q2---property_management", "D-prop-2"),
    )


# --------------------------------------------------------------------------- service list


def test_service_list_under_capacity_one_by_hand(log: CaseLog, org: Organisation) -> None:
    problems = problem_list(log, org, quarter="2024Q2")
    p = problems.ids
    services = service_list(problems, org, capacity=1)
    # Two property problems, two property departments: D-prop-1 (not on the committee) takes
    # the first so that D-prop-2, the only one serving C3, can take the fifth.
    assert services.claims == (
        Claim(p[0], "D-prop-1", committee=False),
        Claim(p[1], "D-civil", committee=True),
        Claim(p[4], "D-prop-2", committee=False),
    )
    assert services.unclaimed == (
        Unclaimed(p[2], "capacity", ("D-civil",)),
        Unclaimed(p[3], "no_department"),
    )
    assert services.claim_rate == pytest.approx(3 / 5)
    assert services.assignment == {p[0]: "D-prop-1", p[1]: "D-civil", p[4]: "D-prop-2"}
    assert services.by_department() == {
        "D-civil": (p[1],),
        "D-prop-1": (p[0],),
        "D-prop-2": (p[4],),
    }
    assert services.capacity == {"D-civil": 1, "D-prop-1": 1, "D-prop-2": 1, "D-justice": 1}
    records = services.to_records()
    assert records[2] == {
        "problem": p[2],
        "rank": 3,
        "category": "civil_assistance",
        "community": "C1",
        "demands": 1,
        "unresolved": 1,
        "department": None,
        "committee": False,
        "reason": "capacity",
    }
    text = repr(services)
    assert text.startswith("<ServiceList: 3 of 5 problems claimed (60%)")
    assert f"4. {p[3]} → unclaimed: no_department" in text
    assert services.to_pandas().loc[p[0], "department"] == "D-prop-1"


def test_committee_members_are_preferred_when_capacity_allows(
    log: CaseLog, org: Organisation
) -> None:
    problems = problem_list(log, org, quarter="2024Q2")
    p = problems.ids
    services = service_list(problems, org)  # capacity 3 each
    assert services.assignment == {
        p[0]: "D-prop-2",  # on the street's committee, first choice in C1
        p[1]: "D-civil",
        p[2]: "D-civil",
        p[4]: "D-prop-2",
    }
    assert [c.committee for c in services.claims] == [True, True, True, False]
    assert services.unclaimed == (Unclaimed(p[3], "no_department"),)


def test_committee_membership_outweighs_the_listing_order() -> None:
    departments = [
        Department(uid, categories={"property_management"}, jurisdiction=place)
        for uid, place in [("N", "S2"), ("A", None), ("Z1", None), ("Z2", None), ("D", None)]
    ]
    org = Organisation.from_records(TREE).with_links(
        [
            CommitteeMembership("A", "S1"),
            CommitteeMembership("A", "S2"),
            *(CommitteeMembership(uid, "S1") for uid in ("Z1", "Z2", "D")),
        ],
        partners=departments,
    )
    first = ListedProblem("P1", "property_management", "C1", 1, 1, (), 1)
    second = ListedProblem("P2", "property_management", "C3", 1, 1, (), 2)
    assert [d.id for d in org.responsible_departments("property_management", at="C1")] == [
        "A", "Z1", "Z2", "D",
    ]  # fmt: skip
    assert [d.id for d in org.responsible_departments("property_management", at="C3")] == [
        "A", "N", "Z1", "Z2", "D",
    ]  # fmt: skip
    capacity = {"N": 1, "A": 1, "D": 1}
    services = service_list([first, second], org, capacity=capacity)
    # A for P1 and N for P2 would take each problem's first choice, but only one claim would
    # be a committee member's; D for P1 and A for P2 makes two.
    assert services.claims == (Claim("P1", "D", committee=True), Claim("P2", "A", committee=True))


def test_a_capacity_mapping_and_the_most_pressing_first(log: CaseLog, org: Organisation) -> None:
    problems = problem_list(log, org, quarter="2024Q2")
    p = problems.ids
    services = service_list(problems, org, capacity={"D-prop-2": 1, "D-civil": 2})
    # D-prop-1 and D-justice are left out of the mapping: they take nothing.
    assert services.capacity["D-prop-1"] == 0
    assert services.assignment == {p[0]: "D-prop-2", p[1]: "D-civil", p[2]: "D-civil"}
    assert services.unclaimed == (
        Unclaimed(p[3], "no_department"),
        Unclaimed(p[4], "capacity", ("D-prop-2",)),
    )
    nobody = service_list(problems, org, capacity=0)
    assert nobody.claims == ()
    assert [u.reason for u in nobody.unclaimed] == [
        "capacity", "capacity", "capacity", "no_department", "capacity",
    ]  # fmt: skip


def test_the_service_list_of_one_street(log: CaseLog, org: Organisation) -> None:
    problems = problem_list(log, org, quarter="2024Q2")
    services = service_list(problems, org, capacity=1, at="S2")
    assert [q.community for q in services.problems] == ["C3", "C3"]
    assert services.assignment == {problems.ids[4]: "D-prop-2"}
    empty = service_list([], org)
    assert empty.claims == ()
    assert empty.unclaimed == ()
    assert repr(empty).startswith("<ServiceList: 0 of 0 problems claimed (n/a)")


def test_same_input_same_lists(org: Organisation) -> None:
    # The same cases appended in another order give the same lists.
    forward = build_log()
    backward = build_log(list(reversed(CASES)))
    one = problem_list(forward, org, quarter="2024Q2")
    two = problem_list(backward, org, quarter="2024Q2")
    assert one.problems == two.problems
    assert one.demands.demands == two.demands.demands
    assert service_list(one, org, capacity=1) == service_list(two, org, capacity=1)


# --------------------------------------------------------------------------- properties

CATEGORIES = ("civil_assistance", "property_management", "environment")
PLACES = (None, "S1", "S2", "C1", "C2", "C3")
COMMUNITIES = ("C1", "C2", "C3")


@st.composite
def instances(draw: st.DrawFn) -> tuple[Organisation, list[ListedProblem], dict[str, int]]:
    count = draw(st.integers(1, 4))
    departments = [
        Department(
            f"D{i}",
            categories=draw(st.frozensets(st.sampled_from(CATEGORIES), min_size=1)),
            jurisdiction=draw(st.sampled_from(PLACES)),
        )
        for i in range(count)
    ]
    members = draw(
        st.lists(st.tuples(st.sampled_from(departments), st.sampled_from(("S1", "S2"))))
    )
    links = [CommitteeMembership(d.id, unit) for d, unit in dict.fromkeys(members)]
    org = Organisation.from_records(TREE).with_links(links, partners=departments)
    groups = draw(
        st.lists(
            st.tuples(st.sampled_from(CATEGORIES), st.sampled_from(COMMUNITIES)),
            unique=True,
            max_size=9,
        )
    )
    problems = [
        ListedProblem(f"P{rank}", category, community, 1, 1, (), rank)
        for rank, (category, community) in enumerate(groups, 1)
    ]
    capacity = {d.id: draw(st.integers(0, 2)) for d in departments}
    return org, problems, capacity


def can_claim(org: Organisation, department: Department, problem: ListedProblem) -> bool:
    assert problem.community is not None
    if problem.category not in department.categories:
        return False
    if department.jurisdiction is None:
        return True
    return problem.community in {u.id for u in org.subtree(department.jurisdiction)}


def matching_size(
    org: Organisation, problems: Sequence[ListedProblem], capacity: dict[str, int]
) -> int:
    """The largest number of problems claimable, by bipartite matching over department seats."""
    graph: nx.Graph[tuple[str, ...]] = nx.Graph()
    seats = [
        ("seat", d.id, str(k))
        for d in org.links.departments.values()
        for k in range(capacity[d.id])
    ]
    graph.add_nodes_from(seats)
    graph.add_nodes_from(("problem", p.id) for p in problems)
    for seat in seats:
        department = org.links.departments[seat[1]]
        for p in problems:
            if isinstance(department, Department) and can_claim(org, department, p):
                graph.add_edge(seat, ("problem", p.id))
    matching = nx.bipartite.maximum_matching(graph, top_nodes=seats)
    return len(matching) // 2


@given(instances())
def test_the_flow_claims_as_many_as_a_matching_and_the_most_pressing(
    instance: tuple[Organisation, list[ListedProblem], dict[str, int]],
) -> None:
    org, problems, capacity = instance
    services = service_list(problems, org, capacity=capacity)
    assert len(services.claims) == matching_size(org, problems, capacity)
    # Every claim is allowed and no department goes over its capacity.
    by_id = {p.id: p for p in problems}
    departments = org.links.departments
    for claim in services.claims:
        department = departments[claim.department]
        assert isinstance(department, Department)
        assert can_claim(org, department, by_id[claim.problem])
    for uid, taken in services.by_department().items():
        assert len(taken) <= capacity[uid]
    # The claimed set is the greedy one: a problem is claimed exactly when it can be added to
    # the claimed problems of higher rank.
    greedy: list[ListedProblem] = []
    for p in problems:
        if matching_size(org, [*greedy, p], capacity) == len(greedy) + 1:
            greedy.append(p)
    assert [c.problem for c in services.claims] == [p.id for p in greedy]
    # The reasons say whether anyone could have claimed the problem at all.
    for missed in services.unclaimed:
        anyone = any(
            isinstance(d, Department) and can_claim(org, d, by_id[missed.problem])
            for d in departments.values()
        )
        assert missed.reason == ("capacity" if anyone else "no_department")


@given(instances())
def test_committee_claims_cannot_be_increased_by_reassigning(
    instance: tuple[Organisation, list[ListedProblem], dict[str, int]],
) -> None:
    org, problems, capacity = instance
    if len(problems) > 5:
        problems = problems[:5]
    services = service_list(problems, org, capacity=capacity)
    claimed = [p for p in problems if p.id in services.assignment]
    departments = [d for d in org.links.departments.values() if isinstance(d, Department)]

    def on_committee(department: Department, problem: ListedProblem) -> bool:
        assert problem.community is not None
        line = {problem.community, *(u.id for u in org.ancestors(problem.community))}
        return any(
            isinstance(link, CommitteeMembership) and link.committee in line
            for link in org.links_of(department.id, "committee_membership")
        )

    best = 0
    for choice in itertools.product(departments, repeat=len(claimed)):
        if not all(can_claim(org, d, p) for d, p in zip(choice, claimed, strict=True)):
            continue
        if any(choice.count(d) > capacity[d.id] for d in departments):
            continue
        best = max(best, sum(on_committee(d, p) for d, p in zip(choice, claimed, strict=True)))
    assert sum(c.committee for c in services.claims) == best


# --------------------------------------------------------------------------- Yinjiang


def test_a_quarter_in_yinjiang() -> None:
    org = gridorg.datasets.yinjiang()
    by_community: dict[str, list[str]] = {}
    for grid in org.units(tier="grid"):
        head = org.ancestor_at(grid.id, "community")
        assert head is not None
        by_community.setdefault(head.id, []).append(grid.id)
    communities = sorted(by_community)
    assert len(communities) == 14
    plan = [
        # category, in how many communities, demands in each, how many of those stay open
        ("property_management", 5, 3, 1),
        ("neighbour_disputes", 5, 2, 0),
        ("civil_assistance", 4, 2, 2),
        ("environment", 3, 1, 1),
        ("public_facilities", 3, 3, 0),
        ("health", 5, 1, 0),  # one closed demand in each: no problem
    ]
    log = CaseLog()
    n = 0
    for offset, (category, places, each, still_open) in enumerate(plan):
        for c in range(places):
            community = communities[(offset * 3 + c) % len(communities)]
            for k in range(each):
                n += 1
                case = f"YJ-Q{n:03d}"
                origin = by_community[community][k % len(by_community[community])]
                when = at(4 + k % 3, 1 + c + offset)
                log.open(Issue(case, category, origin, when))
                log.extend(events_of(case, when, "handling" if k < still_open else "closed"))
    assert n == 50
    problems = problem_list(log, org, quarter="2024Q2")
    assert len(problems.demands) == 50
    assert problems.demands.by_category()["property_management"] == 15
    # Ranked: civil assistance (2 of 2 open), property (1 of 3 open), environment (1 of 1),
    # public facilities (0 of 3), neighbour disputes (0 of 2); ties by community id.
    expected = ["civil_assistance"] * 4 + ["property_management"] * 5 + ["environment"] * 3
    expected += ["public_facilities"] * 3 + ["neighbour_disputes"] * 5
    assert [p.category for p in problems] == expected
    assert [p.rank for p in problems] == list(range(1, 21))
    civil = [p for p in problems if p.category == "civil_assistance"]
    assert [p.community for p in civil] == sorted(communities[6:10])
    assert all((p.demands, p.unresolved) == (2, 2) for p in civil)

    services = service_list(problems, org)
    # One department answers for each category, and each takes three problems at most: the
    # three most pressing of its category.
    for category in dict.fromkeys(expected):
        listed = [p.id for p in problems if p.category == category]
        claimed = [c.problem for c in services.claims if c.problem in listed]
        assert claimed == listed[:3]
    assert [u.problem for u in services.unclaimed] == [
        civil[3].id,
        problems[7].id,
        problems[8].id,
        problems[18].id,
        problems[19].id,
    ]
    assert {u.reason for u in services.unclaimed} == {"capacity"}
    assert services.by_department()["YJ-D-housing"] == problems.ids[4:7]
    assert all(c.committee for c in services.claims)  # every department sits on both streets
    assert services.claim_rate == pytest.approx(15 / 20)


# --------------------------------------------------------------------------- malformed input


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"start": dt.datetime(2024, 4, 1)}, InvalidArgumentError, "start must be timezone-aware"),
        (
            {"end": dt.datetime(2024, 7, 1)},
            InvalidArgumentError,
            "end must be timezone-aware, got the naive 2024-07-01T00:00:00",
        ),
        (
            {"start": dt.date(2024, 4, 1)},
            ArgumentTypeError,
            "start must be a timezone-aware datetime or None, got",
        ),
        ({"start": at(7, 1), "end": at(4, 1)}, InvalidArgumentError, "start must be before end"),
        ({"start": at(4, 1), "end": at(4, 1)}, InvalidArgumentError, "start must be before end"),
    ],
)  # fmt: skip
def test_bad_periods(
    log: CaseLog, arguments: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        demand_list(log, **arguments)


@pytest.mark.parametrize(
    "quarter", ["2024Q5", "2024Q0", "2024-Q2", "24Q1", "2024q2", " 2024Q2", "0000Q1", "２０２４Q1"]
)
def test_bad_quarters(log: CaseLog, org: Organisation, quarter: str) -> None:
    with pytest.raises(
        InvalidArgumentError, match=r"quarter must be a year and a quarter 1-4 like '2024Q2', got"
    ):
        problem_list(log, org, quarter=quarter)


def test_bad_problem_list_arguments(log: CaseLog, org: Organisation) -> None:
    with pytest.raises(ArgumentTypeError, match="quarter must be a string like '2024Q2', got"):
        problem_list(log, org, quarter=20242)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"tz must be a datetime\.tzinfo"):
        problem_list(log, org, quarter="2024Q2", tz="Asia/Shanghai")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match=r"give either quarter \('2024Q2'\) or start"):
        problem_list(log, org, quarter="2024Q2", start=at(4, 1))
    with pytest.raises(InvalidArgumentError, match="min_count must be at least 1, got 0"):
        problem_list(log, org, min_count=0)
    with pytest.raises(ArgumentTypeError, match="min_count must be an integer of at least 1"):
        problem_list(log, org, min_count=True)


def test_unknown_origins_and_categories(org: Organisation) -> None:
    strays = build_log(
        [
            ("Q1", "civil_assistance", "G9", at(4, 2), "filed"),
            ("Q2", "civil_assistance", "G1", at(4, 3), "filed"),
            ("Q3", "civil_assistance", "X", at(4, 4), "filed"),
        ]
    )
    with pytest.raises(
        UnknownUnitError,
        match="2 cases arose at units the organisation lacks: case 'Q1' at 'G9', case 'Q3' at 'X'",
    ):
        problem_list(strays, org)
    with pytest.raises(UnknownUnitError, match="case 'Q1' at 'G9'"):
        demand_list(strays, org=org)
    assert len(demand_list(strays)) == 3  # without an organisation, origins are not checked
    plumbing = build_log([("Q1", "plumbing", "G1", at(4, 2), "filed")])
    with pytest.raises(UnknownCategoryError, match="has no categories 'plumbing'"):
        problem_list(plumbing, org)


def test_logs_the_lists_cannot_read(org: Organisation) -> None:
    unregistered = CaseLog([CaseEvent("Q1", at(4, 2), "collected")])
    with pytest.raises(
        InvalidArgumentError, match="1 case of the period has none registered: 'Q1'"
    ):
        demand_list(unregistered)
    villages = Organisation.from_records(
        [{"id": "T", "tier": "town"}, {"id": "V", "tier": "village", "parent": "T"}],
        scheme=gridorg.LevelScheme(["town", "village"]),
    )
    log = build_log([("Q1", "civil_assistance", "V", at(4, 2), "filed")])
    with pytest.raises(InvalidArgumentError, match="has no community tier"):
        problem_list(log, villages)
    assert len(demand_list(CaseLog())) == 0


def test_bad_capacities(log: CaseLog, org: Organisation) -> None:
    problems = problem_list(log, org, quarter="2024Q2")
    cases: list[tuple[Any, type[Exception], str]] = [
        (-1, InvalidArgumentError, "capacity must be a non-negative integer, got -1"),
        (1.5, ArgumentTypeError, "capacity must be a non-negative integer, got"),
        (True, ArgumentTypeError, "capacity must be a non-negative integer, got"),
        ({"D-civil": -2}, InvalidArgumentError, r"capacity\['D-civil'\] must be a non-negative"),
        ({"D-nope": 1}, UnknownEntityError, "capacity names 'D-nope', which is not a department"),
        ({"E1": 1, "D-x": 1}, UnknownEntityError, "'E1', 'D-x', which are not departments"),
    ]
    for capacity, error, message in cases:
        with pytest.raises(error, match=message):
            service_list(problems, org, capacity=capacity)


def test_bad_problems(log: CaseLog, org: Organisation) -> None:
    problems = problem_list(log, org, quarter="2024Q2")
    other = Organisation.from_records(
        [{"id": "S9", "tier": "street"}, {"id": "C9", "tier": "community", "parent": "S9"}]
    )
    with pytest.raises(UnknownUnitError, match="drawn up for another organisation"):
        service_list(problems, other)
    with pytest.raises(
        InvalidArgumentError, match="problem id 'P-2024Q2-C1-property_management' is listed twice"
    ):
        service_list([problems[0], problems[0]], org)
    with pytest.raises(ArgumentTypeError, match=r"problems\[1\] must be a ListedProblem, got"):
        service_list([problems[0], "P-1"], org)  # type: ignore[list-item]
    with pytest.raises(ArgumentTypeError, match="problems must be a problem list or a sequence"):
        service_list("P-1", org)  # type: ignore[arg-type]
    stray = ListedProblem("P", "plumbing", "C1", 1, 1, (), 1)
    with pytest.raises(UnknownCategoryError, match="no categories 'plumbing'"):
        service_list([stray], org)
    with pytest.raises(UnknownUnitError, match="'S9'"):
        service_list(problems, org, at="S9")


def test_to_pandas_needs_pandas(
    log: CaseLog, org: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    problems = problem_list(log, org, quarter="2024Q2")
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(
        MissingDependencyError, match=r"ProblemList.to_pandas needs .*gridorg\[dataframe\]"
    ):
        problems.to_pandas()
