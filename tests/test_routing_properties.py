"""Properties of routing over generated organisations, rule tables and issues."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gridorg.errors import EscalationError
from gridorg.hierarchy import Organisation
from gridorg.issue import Channel, Issue
from gridorg.routing import (
    AssignDepartment,
    HandleAt,
    JointOffice,
    Mediation,
    Router,
    RoutingDecision,
    Rule,
    RuleTable,
    Whistle,
)
from gridorg.strategies import organisations_with_links
from gridorg.triage import COLOURS, FiveTierTriage, MatrixTriage, Triage

EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
TAGS = ("elderly", "night", "repeat")


def origins(org: Organisation) -> list[str]:
    tiers = org.column("tier")
    return [org.id_at(int(k)) for k in np.flatnonzero(tiers >= org.scheme.index("grid"))]


@st.composite
def issue_lists(draw: st.DrawFn, org: Organisation) -> list[Issue]:
    """Valid issues arising at the grid tier or below; they shrink to fewer, plainer issues."""
    places = origins(org)
    codes = list(org.links.categories)
    count = draw(st.integers(1, 12))
    return [
        Issue(
            f"Q{i}",
            draw(st.sampled_from(codes)),
            draw(st.sampled_from(places)),
            EPOCH + dt.timedelta(seconds=draw(st.integers(0, 10**7))),
            channel=draw(st.sampled_from(list(Channel))),
            importance=draw(st.integers(1, 4)),
            urgency=draw(st.integers(1, 4)),
            households=draw(st.integers(1, 40)),
            tags=draw(st.frozensets(st.sampled_from(TAGS), max_size=2)),
        )
        for i in range(count)
    ]


@st.composite
def actions(draw: st.DrawFn, org: Organisation) -> Any:
    departments = list(org.links.departments)
    named = (
        st.lists(st.sampled_from(departments), unique=True, max_size=2)
        if departments
        else st.just([])
    )
    return draw(
        st.one_of(
            st.builds(HandleAt, st.none() | st.sampled_from(org.scheme.names)),
            st.just(AssignDepartment()),
            st.builds(
                lambda d, p: JointOffice(tuple(d), property_company=p), named, st.booleans()
            ),
            st.just(Mediation()),
            st.builds(Whistle, st.integers(1, 120).map(lambda m: dt.timedelta(minutes=m))),
        )
    )


@st.composite
def tables(draw: st.DrawFn, org: Organisation) -> RuleTable:
    """Rule tables that fit ``org``: a few conditional rules and a default; they shrink to the
    default alone."""
    names = org.scheme.names
    low = names[names.index("grid") :]
    rules = []
    for i in range(draw(st.integers(0, 4))):
        action = draw(actions(org))
        conditions = {
            "categories": draw(
                st.none()
                | st.frozensets(
                    st.sampled_from(list(org.links.categories)), min_size=1, max_size=3
                )
            ),
            "colours": draw(st.none() | st.frozensets(st.sampled_from(COLOURS), min_size=1)),
            "tiers": draw(st.none() | st.frozensets(st.sampled_from(low), min_size=1)),
            "tags": draw(st.none() | st.frozensets(st.sampled_from(TAGS), min_size=1, max_size=2)),
            "channels": draw(
                st.none() | st.frozensets(st.sampled_from(list(Channel)), min_size=1)
            ),
            "under": draw(
                st.none() | st.frozensets(st.sampled_from(list(org)), min_size=1, max_size=2)
            ),
        }
        if all(v is None for v in conditions.values()):
            conditions["tiers"] = frozenset(low)
        if isinstance(action, HandleAt) and action.tier is not None and conditions["tiers"]:
            target = names.index(action.tier)
            if all(names.index(t) < target for t in conditions["tiers"]):
                conditions["tiers"] = frozenset(low)
        rules.append(Rule(f"r{i}", action, **conditions))
    rules.append(Rule.default(draw(actions(org))))
    return RuleTable(rules)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Router, list[Issue]]:
    org = draw(organisations_with_links(max_units=25, max_links=20, locations=False))
    assume(origins(org))
    table = draw(tables(org))
    schemes: list[Triage] = [MatrixTriage(), FiveTierTriage()]
    triage = draw(st.sampled_from(schemes))
    return Router(org, table, triage), draw(issue_lists(org))


def columns_of(router: Router, issues: list[Issue]) -> dict[str, Any]:
    org = router.org
    codes = list(org.links.categories)
    channels = list(Channel)
    return {
        "id": np.array([x.id for x in issues]),
        "category": np.array([codes.index(x.category) for x in issues]),
        "origin": org.indices([x.origin for x in issues]),
        "reported": np.array(
            [(x.reported - EPOCH) // dt.timedelta(microseconds=1) for x in issues]
        )
        + (EPOCH - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1),
        "urgency": np.array([x.urgency for x in issues], dtype=np.uint8),
        "importance": np.array([x.importance for x in issues]),
        "households": np.array([x.households for x in issues]),
        "channel": np.array([channels.index(x.channel) for x in issues]),
        "tags": [sorted(x.tags) for x in issues],
    }


@given(cases())
def test_route_many_equals_route_for_lists_and_columns(case: tuple[Router, list[Issue]]) -> None:
    router, issues = case
    singles = [router.route(x) for x in issues]
    many = router.route_many(issues)
    assert len(many) == len(issues)
    assert list(many) == singles
    assert list(router.route_many(columns_of(router, issues))) == singles


def check_chain(router: Router, decision: RoutingDecision) -> None:
    org = router.org
    names = org.scheme.names
    steps = decision.chain
    for step in steps[:-1]:
        assert not step.whistle
    units = [s for s in steps if not s.whistle]
    previous = None if decision.action in ("department", "whistle") else decision.handler
    for step in units:
        assert step.handler is not None
        if previous is not None:
            assert names.index(step.tier) < names.index(org[previous].tier)
            assert step.handler in {u.id for u in org.ancestors(previous)}
        previous = step.handler
    if steps and steps[-1].whistle:
        assert steps[-1].departments
        assert steps[-1].tier == "department"
    elif decision.action != "whistle":
        top = steps[-1].handler if steps else decision.handler
        assert top is not None
        assert org.parent(top) is None


@given(cases())
def test_every_issue_gets_one_decision_whose_chain_goes_up(
    case: tuple[Router, list[Issue]],
) -> None:
    router, issues = case
    for issue in issues:
        decision = router.route(issue)
        assert decision.issue == issue.id
        assert [t.matched for t in decision.trace] == [False] * (len(decision.trace) - 1) + [True]
        assert [t.index for t in decision.trace] == list(range(len(decision.trace)))
        check_chain(router, decision)
        if decision.handler is not None and decision.action != "whistle":
            assert decision.tier == org_tier(router, decision.handler)


def org_tier(router: Router, uid: str) -> str:
    return router.org[uid].tier


@given(cases())
def test_escalate_walks_the_chain_then_raises(case: tuple[Router, list[Issue]]) -> None:
    router, issues = case
    decision = router.route(issues[0])
    steps = decision.chain
    for k, step in enumerate(steps):
        decision = router.escalate(decision, f"step {k}")
        assert (decision.tier, decision.handler, decision.departments) == (
            step.tier,
            step.handler,
            step.departments,
        )
        assert decision.chain == steps[k + 1 :]
        assert (decision.report_by is not None) == step.whistle
    assert decision.escalations == tuple(f"step {k}" for k in range(len(steps)))
    with pytest.raises(EscalationError):
        router.escalate(decision, "again")
