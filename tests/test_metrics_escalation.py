"""The escalation profile (gridorg.metrics.escalation): examples by hand and brute force."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gridorg.strategies as gs
from gridorg import Department, HandleAt, Issue, Organisation, Router, Rule, RuleTable, Whistle
from gridorg.errors import ArgumentTypeError, InvalidArgumentError
from gridorg.lifecycle import CaseEvent, CaseLog, CaseState
from gridorg.metrics import Inputs, get
from gridorg.routing import RoutingDecision
from gridorg.tiers import LevelScheme
from tests.metrics_helpers import HOUR, MIN, Q2, SHANGHAI, TWO_STREETS, T

DAY = dt.timedelta(days=1)
JULY = dt.datetime(2024, 7, 2, 9, 0, tzinfo=SHANGHAI)
CASE_METRICS = ("grid_share", "community_share", "escalation_rate")
WHISTLE_METRICS = ("whistles", "report_in_minutes", "report_in_on_time")

TREE: list[dict[str, Any]] = [
    *TWO_STREETS,
    {"id": "H4", "tier": "household", "parent": "G4"},
]
DEPARTMENTS = [
    Department("D-prop", "住建局城南所", categories={"property_management"}, jurisdiction="S1"),
    Department("D-justice", "司法所", categories={"neighbour_disputes"}, jurisdiction="S2"),
    Department("D-fire", "消防", categories={"emergency"}),
    Department("D-gas", "燃气", categories={"emergency"}),
]
ORG = Organisation.from_records(TREE).with_links([], partners=DEPARTMENTS)
RULES = RuleTable(
    [
        # Nobody answers for public facilities: the street handles those (territorial).
        Rule("whistle", Whistle(), categories={"emergency", "public_facilities"}),
        Rule.default(HandleAt("grid")),
    ]
)
ROUTER = Router(ORG, RULES)

#: case → (category, origin, collected, [(state, minutes after collection, actor)]).
CASES: dict[str, tuple[str, str, dt.datetime, list[tuple[str, int, str]]]] = {
    # the grid handles it: resolved in the grid.
    "E1": (
        "property_management",
        "G1",
        T,
        [
            ("filed", 10, ""),
            ("dispatched", 20, ""),
            ("handling", 30, "G1"),
            ("replied", 120, ""),
            ("closed", 1440, ""),
        ],
    ),
    # escalated to the community, which handles it.
    "E2": (
        "property_management",
        "G2",
        T + HOUR,
        [
            ("filed", 10, ""),
            ("escalated", 60, ""),
            ("handling", 120, "C1"),
            ("replied", 180, ""),
            ("closed", 1440, ""),
        ],
    ),
    # an emergency: the street whistles, D-fire reports in after 20 minutes, D-gas after 40;
    # D-gas handles it last: resolved by a department.
    "E3": (
        "emergency",
        "G3",
        T + 2 * HOUR,
        [
            ("filed", 5, ""),
            ("dispatched", 10, ""),
            ("handling", 20, "D-fire"),
            ("handling", 40, "D-gas"),
            ("replied", 120, ""),
            ("closed", 1440, ""),
        ],
    ),
    # the street handles it.
    "E4": (
        "neighbour_disputes",
        "G4",
        T + 3 * HOUR,
        [
            ("filed", 10, ""),
            ("handling", 60, "S2"),
            ("replied", 120, ""),
            ("verified", 180, ""),
            ("closed", 1440, ""),
        ],
    ),
    # replied, not closed.
    "E5": (
        "neighbour_disputes",
        "H4",
        T + 4 * HOUR,
        [("filed", 10, ""), ("handling", 60, "G4"), ("replied", 120, "")],
    ),
    # cancelled: never filed.
    "E6": ("public_facilities", "G1", T + 5 * HOUR, [("cancelled", 5, "")]),
    # handled by a person: closed, unattributed.
    "E7": (
        "public_facilities",
        "G2",
        T + 6 * HOUR,
        [
            ("filed", 10, ""),
            ("handling", 60, "P-wang"),
            ("replied", 120, ""),
            ("closed", 1440, ""),
        ],
    ),
    # the household's grid handles it.
    "E8": (
        "public_facilities",
        "G1",
        T + 7 * HOUR,
        [("filed", 5, ""), ("handling", 60, "G1"), ("replied", 120, ""), ("closed", 1440, "")],
    ),
    # July: whistled, D-fire in after 10 minutes and D-gas after 25; still being handled.
    "E9": (
        "emergency",
        "G3",
        JULY,
        [("filed", 5, ""), ("handling", 10, "D-fire"), ("handling", 25, "D-gas")],
    ),
}


def _issues() -> list[Issue]:
    return [
        Issue(case, category, origin, start)
        for case, (category, origin, start, _) in CASES.items()
    ]


def _example_log() -> CaseLog:
    events: list[tuple[dt.datetime, str, CaseEvent]] = []
    for case, (_, _, start, steps) in CASES.items():
        events.append((start, case, CaseEvent(case, start, "collected")))
        for state, minutes, actor in steps:
            when = start + minutes * MIN
            events.append((when, case, CaseEvent(case, when, state, actor=actor)))
    events.sort(key=lambda item: (item[0], item[1]))
    return CaseLog([event for *_, event in events], cases=_issues())


def _decisions() -> list[RoutingDecision]:
    # Every case routed, plus a whistle about an issue the log lacks.
    stray = Issue("X1", "emergency", "G1", T)
    return [ROUTER.route(issue) for issue in [*_issues(), stray]]


def _run(
    name: str,
    *,
    log: CaseLog | None = None,
    org: Organisation | None = ORG,
    decisions: Sequence[RoutingDecision] | None = None,
    period: tuple[dt.datetime, dt.datetime] | None = None,
    by: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> Any:
    inputs = Inputs(
        org=org,
        log=_example_log() if log is None else log,
        decisions=_decisions() if decisions is None else decisions,
        period=period,
        by=by,
        options={} if options is None else options,
    )
    return get(f"escalation.{name}")(inputs)


def test_the_registered_metrics() -> None:
    assert get("escalation.resolved_at_tier").by == {"tier"}
    assert get("escalation.escalation_rate").needs == {"log"}
    for name in ("resolved_at_tier", "grid_share", "community_share", "claim_rate"):
        assert get(f"escalation.{name}").needs == {"log", "org"}
    for name in WHISTLE_METRICS:
        assert get(f"escalation.{name}").needs == {"log", "decisions"}
        assert get(f"escalation.{name}").formula
    assert get("escalation.claim_rate").by == {"street", "community", "quarter"}
    assert get("escalation.report_in_minutes").unit == "minutes"


def test_the_routing_whistles_the_emergencies() -> None:
    actions = {d.issue: d.action for d in _decisions()}
    assert actions["E3"] == actions["E9"] == actions["X1"] == "whistle"
    assert sorted(d.issue for d in _decisions() if d.action == "whistle") == ["E3", "E9", "X1"]
    assert actions["E7"] == "handle"


def test_resolved_at_each_tier_by_hand() -> None:
    # Closed in 2024Q2: E1 and E8 (grid), E2 (community), E3 (department), E4 (street),
    # E7 (a person: unattributed).
    profile = _run("resolved_at_tier", period=Q2, by="tier")
    assert profile == {
        "street": pytest.approx(1 / 6),
        "community": pytest.approx(1 / 6),
        "grid": pytest.approx(2 / 6),
        "household": 0.0,
        "department": pytest.approx(1 / 6),
        "unattributed": pytest.approx(1 / 6),
    }
    assert math.fsum(profile.values()) == pytest.approx(1.0)
    assert _run("resolved_at_tier", period=Q2) == pytest.approx(1 / 3)
    assert _run("grid_share", period=Q2) == pytest.approx(1 / 3)
    assert _run("community_share", period=Q2) == pytest.approx(1 / 2)


def test_shares_by_street() -> None:
    # S1: E1, E8 (grid), E2 (community), E3 (department), E7 (unattributed); S2: E4 (street).
    assert _run("grid_share", period=Q2, by="street") == {"S1": 0.4, "S2": 0.0}
    assert _run("community_share", period=Q2, by="street") == {"S1": 0.6, "S2": 0.0}


def test_the_escalation_rate_by_hand() -> None:
    # Filed in 2024Q2: E1, E2, E3, E4, E5, E7, E8; escalated: E2.
    assert _run("escalation_rate", period=Q2) == pytest.approx(1 / 7)
    assert _run("escalation_rate", org=None, by="quarter") == {
        "2024Q2": pytest.approx(1 / 7),
        "2024Q3": 0.0,
    }


def test_whistles_and_report_in_by_hand() -> None:
    # 2024Q2: E3's whistle (X1 is not in the log, E9 is in July).
    assert _run("whistles", period=Q2) == 1
    assert _run("report_in_minutes", period=Q2) == pytest.approx(30.0)  # 20 and 40
    assert _run("report_in_on_time", period=Q2) == pytest.approx(0.5)  # D-gas was late
    # The whole log: E9's departments reported in after 10 and 25 minutes, both in time.
    assert _run("whistles") == 2
    assert _run("report_in_minutes") == pytest.approx((20 + 40 + 10 + 25) / 4)
    assert _run("report_in_on_time") == pytest.approx(3 / 4)
    assert _run("whistles", by="month") == {"2024-05": 1, "2024-07": 1}
    assert _run("report_in_minutes", by="month") == {"2024-05": 30.0, "2024-07": 17.5}


def test_report_in_is_read_as_of_the_end_of_the_period() -> None:
    # A period ending 15 minutes into E9: D-fire is in (10 minutes), D-gas not yet.
    period = (JULY - DAY, JULY + 15 * MIN)
    assert _run("whistles", period=period) == 1
    assert _run("report_in_minutes", period=period) == pytest.approx(10.0)
    assert _run("report_in_on_time", period=period) == pytest.approx(0.5)


def test_decisions_as_a_batch() -> None:
    batch = ROUTER.route_many([*_issues(), Issue("X1", "emergency", "G1", T)])
    assert _run("whistles", decisions=batch) == 2
    assert _run("report_in_on_time", decisions=batch, period=Q2) == pytest.approx(0.5)


def test_the_claim_rate_by_hand() -> None:
    # Listed in 2024Q2: property management in C1 (E1, E2: recurs), disputes in C3 (E5 is
    # open), public facilities in C1 (E7, E8; E6 cancelled). D-prop and D-justice claim the
    # first two; no department answers for public facilities.
    assert _run("claim_rate", period=Q2) == pytest.approx(2 / 3)
    assert _run("claim_rate", period=Q2, options={"lists": {"capacity": 0}}) == 0.0
    assert _run("claim_rate", period=Q2, by="street") == {"S1": 0.5, "S2": 1.0}
    by_community = _run("claim_rate", period=Q2, by="community")
    assert by_community["C1"] == 0.5
    assert by_community["C3"] == 1.0
    assert math.isnan(by_community["C2"])  # E3 alone, closed: not listed
    # The whole log: E9 (open, July) is listed too and claimed by D-fire or D-gas.
    assert _run("claim_rate") == pytest.approx(3 / 4)
    assert _run("claim_rate", by="quarter") == {"2024Q2": pytest.approx(2 / 3), "2024Q3": 1.0}
    # With min_count 3 only the problems with an open demand are listed: disputes in C3.
    assert _run("claim_rate", period=Q2, options={"lists": {"min_count": 3}}) == 1.0


def test_an_empty_log() -> None:
    empty = CaseLog()
    for name in ("resolved_at_tier", *CASE_METRICS, "report_in_minutes", "report_in_on_time"):
        assert math.isnan(_run(name, log=empty))
    assert math.isnan(_run("claim_rate", log=empty))
    assert _run("whistles", log=empty) == 0
    assert _run("whistles", log=empty, by="street") == {}
    profile = _run("resolved_at_tier", log=empty, by="tier")
    assert set(profile) == {"street", "community", "grid", "household", "department"}
    assert all(math.isnan(v) for v in profile.values())


def test_no_decisions_is_no_whistle() -> None:
    assert _run("whistles", decisions=[]) == 0
    assert math.isnan(_run("report_in_minutes", decisions=[]))


def test_clear_errors() -> None:
    with pytest.raises(InvalidArgumentError, match="needs an organisation"):
        _run("grid_share", org=None)
    with pytest.raises(InvalidArgumentError, match=r"supports by=tier; got by='month'"):
        _run("resolved_at_tier", by="month")
    with pytest.raises(InvalidArgumentError, match="supports by=street, community, quarter"):
        _run("claim_rate", by="month")
    with pytest.raises(ArgumentTypeError, match=r"RoutingDecision values, got 'E3' \(str\)"):
        _run("whistles", decisions=["E3"])  # type: ignore[list-item]
    with pytest.raises(ArgumentTypeError, match=r"options\['lists'\] must be a mapping"):
        _run("claim_rate", options={"lists": 3})
    with pytest.raises(InvalidArgumentError, match="takes the keys capacity and min_count"):
        _run("claim_rate", options={"lists": {"capacity": 3, "slots": 2}})
    with pytest.raises(InvalidArgumentError, match="capacity must be a non-negative integer"):
        _run("claim_rate", options={"lists": {"capacity": -1}})


def test_a_scheme_without_a_grid_tier_gives_nan() -> None:
    flat = Organisation.from_records(
        [{"id": "S1", "tier": "street"}, {"id": "C1", "tier": "community", "parent": "S1"}],
        scheme=LevelScheme(["street", "community"]),
    )
    log = CaseLog(cases={})
    log.open(Issue("Q1", "emergency", "C1", T))
    for k, state in enumerate(["filed", "handling", "replied", "closed"], start=1):
        log.append(CaseEvent("Q1", T + k * MIN, state, actor="C1"))
    assert math.isnan(_run("grid_share", log=log, org=flat))
    assert _run("community_share", log=log, org=flat) == 1.0
    assert _run("resolved_at_tier", log=log, org=flat, by="tier") == {
        "street": 0.0,
        "community": 1.0,
        "department": 0.0,
    }


# ----------------------------------------------------------------------- brute force

KEPT = {"emergency", "property_management", "neighbour_disputes", "public_facilities"}
BRUTE_ORG = Organisation.from_records(TREE).with_links(
    [],
    partners=DEPARTMENTS,
    categories=[c for c in ORG.links.categories.values() if c.code in KEPT],
)
BRUTE_ROUTER = Router(BRUTE_ORG, RuleTable([Rule.default(Whistle())]))
ACTORS = [*BRUTE_ORG, *(d.id for d in DEPARTMENTS), "P-wang", ""]
#: Generated logs start at 2024-01-01 (China Standard Time) and run for a few weeks.
START = dt.datetime(2024, 1, 1, tzinfo=SHANGHAI)
periods = st.none() | st.builds(
    lambda start, days: (START + start * HOUR, START + start * HOUR + days * DAY),
    st.integers(0, 24 * 20),
    st.integers(1, 20),
)


@st.composite
def acted_logs(draw: st.DrawFn) -> tuple[CaseLog, list[Issue]]:
    """Generated case logs whose events (after collection) name actors: units, departments,
    a person or nobody; with the issue behind each case."""
    log = draw(gs.case_logs(BRUTE_ORG, max_cases=8))
    events = [
        event
        if event.state is CaseState.COLLECTED
        else attrs.evolve(event, actor=draw(st.sampled_from(ACTORS)))
        for event in log
    ]
    issues = []
    for case in log.cases:
        info = log.case_info(case)
        assert info.category is not None
        assert info.origin is not None
        issues.append(Issue(case, info.category, info.origin, log.events_of(case)[0].time))
    return CaseLog(events, cases=issues), issues


def _cases(
    log: CaseLog, period: tuple[dt.datetime, dt.datetime] | None
) -> dict[str, list[CaseEvent]]:
    """The events of every case collected in ``period``, as known at its end."""
    found: dict[str, list[CaseEvent]] = {}
    for event in log:
        if period is None or event.time < period[1]:
            found.setdefault(event.case, []).append(event)
    return {
        case: steps
        for case, steps in found.items()
        if period is None or period[0] <= steps[0].time < period[1]
    }


def _tier_of(actor: str) -> str:
    if actor in BRUTE_ORG:
        return BRUTE_ORG[actor].tier
    return "department" if actor in BRUTE_ORG.links.departments else "unattributed"


def _same(found: float, expected: float) -> bool:
    return (math.isnan(found) and math.isnan(expected)) or found == pytest.approx(expected)


@given(logged=acted_logs(), period=periods)
def test_the_profile_matches_a_loop_over_the_events(
    logged: tuple[CaseLog, list[Issue]], period: tuple[dt.datetime, dt.datetime] | None
) -> None:
    log, _ = logged
    closed: list[str] = []
    filed = escalated = 0
    for steps in _cases(log, period).values():
        states = [e.state for e in steps]
        if CaseState.FILED in states:
            filed += 1
            escalated += CaseState.ESCALATED in states
        if states[-1] is CaseState.CLOSED:
            handlers = [e.actor for e in steps if e.state is CaseState.HANDLING]
            closed.append(_tier_of(handlers[-1]) if handlers else "unattributed")
    run: dict[str, Any] = {"log": log, "org": BRUTE_ORG, "period": period}
    profile = _run("resolved_at_tier", by="tier", **run)
    for tier in (*BRUTE_ORG.scheme.names, "department", "unattributed"):
        expected = closed.count(tier) / len(closed) if closed else math.nan
        assert _same(profile.get(tier, 0.0 if closed else math.nan), expected)
    nan = math.nan
    in_grid = sum(t in ("grid", "household") for t in closed)
    in_community = in_grid + closed.count("community")
    assert _same(_run("grid_share", **run), in_grid / len(closed) if closed else nan)
    assert _same(_run("resolved_at_tier", **run), in_grid / len(closed) if closed else nan)
    assert _same(_run("community_share", **run), in_community / len(closed) if closed else nan)
    assert _same(_run("escalation_rate", **run), escalated / filed if filed else nan)


@given(logged=acted_logs(), period=periods, batch=st.booleans())
def test_whistles_match_a_loop_over_the_events(
    logged: tuple[CaseLog, list[Issue]],
    period: tuple[dt.datetime, dt.datetime] | None,
    batch: bool,
) -> None:
    log, issues = logged
    decisions = (
        BRUTE_ROUTER.route_many(issues)
        if batch
        else [BRUTE_ROUTER.route(issue) for issue in issues]
    )
    cases = _cases(log, period)
    count = 0
    minutes: list[float] = []
    on_time: list[bool] = []
    for decision in decisions:
        steps = cases.get(decision.issue)
        if decision.action != "whistle" or steps is None:
            continue
        count += 1
        assert decision.report_by is not None
        for department in decision.departments:
            times = [e.time for e in steps[1:] if e.actor == department]
            on_time.append(bool(times) and times[0] <= decision.report_by)
            if times:
                minutes.append((times[0] - steps[0].time) / MIN)
    run: dict[str, Any] = {"log": log, "decisions": decisions, "period": period}
    assert _run("whistles", **run) == count
    nan = math.nan
    assert _same(
        _run("report_in_minutes", **run), math.fsum(minutes) / len(minutes) if minutes else nan
    )
    assert _same(_run("report_in_on_time", **run), sum(on_time) / len(on_time) if on_time else nan)


@given(logged=acted_logs(), period=periods)
def test_with_room_for_all_every_answerable_problem_is_claimed(
    logged: tuple[CaseLog, list[Issue]], period: tuple[dt.datetime, dt.datetime] | None
) -> None:
    # The problem list by a loop: demands grouped by category and community, withdrawn ones
    # left out, a group listed when it recurs or has an open demand. With capacity for every
    # problem, a problem is claimed when some department answers for it there.
    log, _ = logged
    groups: dict[tuple[str, str | None], list[bool]] = {}
    for case, steps in _cases(log, period).items():
        if steps[-1].state in (CaseState.CANCELLED, CaseState.DUPLICATE):
            continue
        info = log.case_info(case)
        assert info.category is not None
        assert info.origin is not None
        community = BRUTE_ORG.ancestor_at(info.origin, "community")
        key = (info.category, None if community is None else community.id)
        groups.setdefault(key, []).append(steps[-1].state is CaseState.CLOSED)
    listed = [key for key, done in groups.items() if len(done) >= 2 or not all(done)]

    def answerable(category: str, community: str | None) -> bool:
        street = None if community is None else BRUTE_ORG.ancestor_at(community, "street")
        return any(
            category in d.categories
            and (d.jurisdiction is None or (street is not None and street.id == d.jurisdiction))
            for d in DEPARTMENTS
        )

    claimed = sum(answerable(*key) for key in listed)
    options = {"lists": {"capacity": 10}}
    found = _run("claim_rate", log=log, org=BRUTE_ORG, period=period, options=options)
    assert _same(found, claimed / len(listed) if listed else math.nan)
    if listed:
        assert (
            _run(
                "claim_rate",
                log=log,
                org=BRUTE_ORG,
                period=period,
                options={"lists": {"capacity": 0}},
            )
            == 0.0
        )
