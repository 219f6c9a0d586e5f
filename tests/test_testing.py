"""The RoutingMachine state machine: it passes on a sound router and catches broken ones."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from gridorg.datasets import yinjiang
from gridorg.errors import EscalationError, InvalidArgumentError
from gridorg.issue import Issue
from gridorg.routing import (
    AssignDepartment,
    HandleAt,
    Router,
    RoutingDecision,
    Rule,
    RuleTable,
    Step,
)
from gridorg.testing import RoutingMachine, check_chain
from gridorg.triage import FiveTierTriage

ORG = yinjiang()
#: Small runs: enough steps to escalate and close, few examples.
QUICK = settings(
    max_examples=8,
    stateful_step_count=20,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
#: Runs expected to fail: report the first failure as found (shrinking a machine is slow).
FAILING = settings(
    QUICK, max_examples=50, report_multiple_bugs=False, phases=[Phase.explicit, Phase.generate]
)


class YinjiangMachine(RoutingMachine):
    organisation = ORG
    rule_table = RuleTable.standard(ORG.links.categories)


TestYinjiangStandard = YinjiangMachine.TestCase
TestYinjiangStandard.settings = QUICK


@settings(QUICK, max_examples=5)
class FiveTierMachine(RoutingMachine):
    organisation = ORG
    rule_table = RuleTable(
        [Rule("hotline", AssignDepartment(), channels={"hotline"}), Rule.default(HandleAt())]
    )
    triage = FiveTierTriage()


TestFiveTier = FiveTierMachine.TestCase


def test_subclasses_get_modest_settings() -> None:
    class Plain(RoutingMachine):
        organisation = ORG

    assert Plain.TestCase.settings.stateful_step_count == 20
    assert FiveTierMachine.TestCase.settings.max_examples == 5


class CountingRouter(Router):
    """A sound router that counts what the machine asks of it."""

    calls: ClassVar[Counter[str]] = Counter()

    def route(self, issue: Issue) -> RoutingDecision:
        CountingRouter.calls["route"] += 1
        return super().route(issue)

    def escalate(self, decision: RoutingDecision, reason: str, **kw: Any) -> RoutingDecision:
        try:
            raised = super().escalate(decision, reason, **kw)
        except EscalationError:
            CountingRouter.calls["top"] += 1
            raise
        CountingRouter.calls[raised.action] += 1
        return raised


class CountingMachine(YinjiangMachine):
    def make_router(self) -> Router:
        return CountingRouter(self.org, self.configured_table())


def test_the_machine_reports_escalates_to_the_top_and_closes() -> None:
    CountingRouter.calls.clear()
    run_state_machine_as_test(CountingMachine, settings=settings(QUICK, max_examples=20))
    calls = CountingRouter.calls
    assert calls["route"] > 0
    assert calls["top"] > 0  # an escalation past the top was expected and caught
    assert calls["handle"] + calls["whistle"] > 0


# ---------------------------------------------------------------------- broken routers


class DownwardRouter(Router):
    """Puts a step at the origin's own tier first in every chain: not upward."""

    def route(self, issue: Issue) -> RoutingDecision:
        decision = super().route(issue)
        tier = self.org.unit_at(self.org.index(issue.origin)).tier
        down = Step(tier, issue.origin)
        return attrs.evolve(decision, chain=(down, *decision.chain))

    def route_many(self, issues: Sequence[Issue]) -> Any:  # type: ignore[override]
        return [self.route(issue) for issue in issues]


class DownwardMachine(YinjiangMachine):
    def make_router(self) -> Router:
        return DownwardRouter(self.org, self.configured_table())


def test_the_machine_catches_a_chain_that_goes_down() -> None:
    with pytest.raises(AssertionError, match=r"goes to tier .*, not above"):
        run_state_machine_as_test(DownwardMachine, settings=FAILING)


class ShuffledRouter(Router):
    """Answers route_many in the wrong order."""

    def route_many(self, issues: Sequence[Issue]) -> Any:  # type: ignore[override]
        return [super(ShuffledRouter, self).route(issue) for issue in reversed(issues)]


class ShuffledMachine(YinjiangMachine):
    def make_router(self) -> Router:
        return ShuffledRouter(self.org, self.configured_table())


def test_the_machine_catches_route_many_disagreeing_with_route() -> None:
    with pytest.raises(AssertionError, match="route_many gave"):
        run_state_machine_as_test(ShuffledMachine, settings=FAILING)


class EndlessRouter(Router):
    """Escalates an exhausted decision to its own handler instead of refusing."""

    def escalate(self, decision: RoutingDecision, reason: str, **kw: Any) -> RoutingDecision:
        if not decision.chain:
            return attrs.evolve(decision, escalations=(*decision.escalations, reason))
        return super().escalate(decision, reason, **kw)


class EndlessMachine(YinjiangMachine):
    def make_router(self) -> Router:
        return EndlessRouter(self.org, self.configured_table())


def test_the_machine_catches_escalation_past_the_top() -> None:
    with pytest.raises(AssertionError, match="went past the top"):
        run_state_machine_as_test(EndlessMachine, settings=FAILING)


# ---------------------------------------------------------------------- configuration


def test_a_machine_without_an_organisation_is_refused() -> None:
    class Bare(RoutingMachine):
        pass

    with pytest.raises(InvalidArgumentError, match=r"Bare\.organisation must be set"):
        Bare()


def test_rules_and_rule_table_may_not_disagree() -> None:
    class Both(RoutingMachine):
        organisation = ORG
        rules = RuleTable.standard()  # type: ignore[assignment]  # the alias, on purpose
        rule_table = RuleTable([Rule.default(HandleAt())])

    with pytest.raises(InvalidArgumentError, match="sets both rule_table and rules"):
        Both()


def test_the_table_is_read_from_either_attribute() -> None:
    table = RuleTable([Rule.default(HandleAt("community"))])

    class ByRules(RoutingMachine):
        organisation = ORG
        rules = table  # type: ignore[assignment]  # the alias, on purpose

    class ByName(RoutingMachine):
        organisation = ORG
        rule_table = table

    assert ByRules().router.rules == table
    assert ByName().router.rules == table
    assert YinjiangMachine().router.rules == RuleTable.standard(ORG.links.categories)


# ---------------------------------------------------------------------- check_chain


def decision_for(category: str) -> RoutingDecision:
    import datetime as dt

    when = dt.datetime(2024, 5, 6, 9, 0, tzinfo=dt.UTC)
    issue = Issue("Q1", category, "YJ-EL-C01-G01-H01", when, urgency=1, importance=1)
    return Router(ORG, RuleTable([Rule.default(HandleAt("grid"))])).route(issue)


def test_check_chain_accepts_sound_chains_and_names_what_breaks() -> None:
    decision = decision_for("stability")
    check_chain(ORG, decision)
    assert [step.tier for step in decision.chain][:2] == ["community", "street"]
    units = tuple(step for step in decision.chain if not step.whistle)
    reversed_chain = attrs.evolve(decision, chain=tuple(reversed(units)))
    with pytest.raises(AssertionError, match="not above"):
        check_chain(ORG, reversed_chain)
    short = attrs.evolve(decision, chain=units[:1])
    with pytest.raises(AssertionError, match="which is not a root"):
        check_chain(ORG, short)
    if len(units) < len(decision.chain):
        misplaced = attrs.evolve(decision, chain=(decision.chain[-1], *units))
        with pytest.raises(AssertionError, match="is not last"):
            check_chain(ORG, misplaced)
