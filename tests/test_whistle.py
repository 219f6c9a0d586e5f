"""Tests for whistle reports: did the departments report in by the deadline (gridorg.whistle)."""

from __future__ import annotations

import datetime as dt

import pytest

import gridorg
from gridorg import (
    CaseEvent,
    CaseLog,
    CaseLogError,
    Department,
    HandleAt,
    Issue,
    Organisation,
    Router,
    Rule,
    RuleTable,
    Whistle,
    whistle_report,
)
from gridorg.errors import ArgumentTypeError, InvalidArgumentError
from gridorg.whistle import ReportIn

CST = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2024, 7, 1, 22, 0, tzinfo=CST)
MIN = dt.timedelta(minutes=1)
DEFAULT = Rule.default(HandleAt("community"))


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(gridorg.datasets.yinjiang())


def _whistled(router: Router, case: str, when: dt.datetime = T0) -> tuple[Issue, CaseLog]:
    issue = Issue(case, "emergency", "YJ-EL-C02-G01", when, urgency=4, importance=4)
    log = CaseLog()
    log.open(issue)
    log.append(CaseEvent(case, when + 2 * MIN, "filed", actor="YJ-EL"))
    log.append(CaseEvent(case, when + 3 * MIN, "dispatched", actor="YJ-EL"))
    return issue, log


def test_a_department_reporting_in_time(router: Router) -> None:
    issue, log = _whistled(router, "W1")
    decision = router.route(issue)
    (department,) = decision.departments
    log.append(CaseEvent("W1", T0 + 30 * MIN, "handling", actor=department))  # at the deadline
    report = whistle_report(decision, log)
    assert report.on_time
    assert (report.case, report.street, report.report_by) == ("W1", "YJ-EL", T0 + 30 * MIN)
    assert report.reports[0].reported == T0 + 30 * MIN
    assert report.late == ()
    assert report.missing == ()


def test_a_department_reporting_late(router: Router) -> None:
    issue, log = _whistled(router, "W2")
    decision = router.route(issue)
    (department,) = decision.departments
    log.append(CaseEvent("W2", T0 + 31 * MIN, "handling", actor=department))
    report = whistle_report(decision, log)
    assert not report.on_time
    assert report.late == (department,)
    assert report.reports[0].late_by == MIN


def test_a_department_that_has_not_reported_in(router: Router) -> None:
    issue, log = _whistled(router, "W3")
    decision = router.route(issue)
    report = whistle_report(decision, log)
    assert report.missing == decision.departments
    assert not report.on_time
    assert report.reports[0].late_by is None


def test_at_cuts_the_log(router: Router) -> None:
    issue, log = _whistled(router, "W4")
    decision = router.route(issue)
    (department,) = decision.departments
    log.append(CaseEvent("W4", T0 + 10 * MIN, "handling", actor=department))
    assert whistle_report(decision, log, at=T0 + 5 * MIN).missing == (department,)
    assert whistle_report(decision, log, at=T0 + 10 * MIN).on_time


def test_several_departments_report_in_one_after_another() -> None:
    org = Organisation.from_records(
        [
            {"id": "S", "tier": "street"},
            {"id": "C", "tier": "community", "parent": "S"},
            {"id": "G", "tier": "grid", "parent": "C"},
        ]
    ).with_links(
        [],
        partners=[
            Department("D-fire", categories={"emergency"}),
            Department("D-gas", categories={"emergency"}),
        ],
    )
    table = RuleTable([Rule("whistle", Whistle(), categories={"emergency"}), DEFAULT])
    router = Router(org, table)
    issue = Issue("W5", "emergency", "G", T0)
    decision = router.route(issue)
    assert (decision.action, decision.departments) == ("whistle", ("D-fire", "D-gas"))
    log = CaseLog()
    log.open(issue)
    log.append(CaseEvent("W5", T0 + MIN, "filed"))
    log.append(CaseEvent("W5", T0 + 2 * MIN, "dispatched"))
    log.append(CaseEvent("W5", T0 + 20 * MIN, "handling", actor="D-gas"))
    log.append(CaseEvent("W5", T0 + 40 * MIN, "handling", actor="D-fire"))
    log.append(CaseEvent("W5", T0 + 50 * MIN, "handling", actor="D-gas"))  # again: not counted
    report = whistle_report(decision, log)
    assert report.reports == (
        ReportIn("D-fire", T0 + 40 * MIN, False, 10 * MIN),
        ReportIn("D-gas", T0 + 20 * MIN, True, None),
    )
    assert report.late == ("D-fire",)
    assert not report.on_time


def test_refuses_a_decision_that_is_not_a_whistle(router: Router) -> None:
    issue = Issue("Q1", "neighbour_disputes", "YJ-EL-C01-G03", T0)
    log = CaseLog()
    log.open(issue)
    with pytest.raises(InvalidArgumentError, match="was not whistled"):
        whistle_report(router.route(issue), log)


def test_refuses_bad_arguments(router: Router) -> None:
    issue, log = _whistled(router, "W6")
    decision = router.route(issue)
    with pytest.raises(ArgumentTypeError, match="needs a RoutingDecision"):
        whistle_report("W6", log)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="needs a CaseLog"):
        whistle_report(decision, [])  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="timezone-aware"):
        whistle_report(decision, log, at=dt.datetime(2024, 7, 1))
    with pytest.raises(CaseLogError, match="'W6' is not in the log"):
        whistle_report(decision, CaseLog())
