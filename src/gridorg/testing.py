"""A hypothesis state machine that tests a routing rule table on an organisation.

:class:`RoutingMachine` plays the closed loop against a :class:`~gridorg.Router`: it reports
new issues (routing each and opening its case), escalates open decisions one step up their
chain, moves cases along the lifecycle and closes them, and after every step checks that the
routing and the case log still hold together. Subclass it with your organisation and your rule
table, and hand its ``TestCase`` to your test runner::

    from gridorg.datasets import yinjiang
    from gridorg.routing import RuleTable
    from gridorg.testing import RoutingMachine

    class MyTableMachine(RoutingMachine):
        organisation = yinjiang()
        rule_table = RuleTable.standard()
        triage = None  # optional: a Triage; None means the router's default

    TestMyTable = MyTableMachine.TestCase  # pytest and unittest collect this

Name the machine without a ``Test`` prefix and bind its ``TestCase`` to a ``Test…`` name, as
above: pytest would otherwise try to collect the machine class itself. ``rules`` is accepted
as another name for ``rule_table``, but hypothesis's state machines use that name for their own
list of rules, so a type checker flags it: prefer ``rule_table`` (and set only one of them).
To test another router, override :meth:`RoutingMachine.make_router`.

The machine runs ``stateful_step_count=20`` steps per example, with the number of examples of
the active hypothesis profile. Raise them for a subclass with the settings decorator::

    from hypothesis import settings

    @settings(max_examples=500, stateful_step_count=50)
    class ThoroughMachine(RoutingMachine):
        organisation = yinjiang()

or by assigning ``ThoroughMachine.TestCase.settings = settings(...)``.

This module needs the optional dependency hypothesis (``pip install 'gridorg[hypothesis]'``);
importing :mod:`gridorg` never imports it.
"""

from __future__ import annotations

import gridorg._strategy_support  # noqa: F401  (first: without hypothesis, the install hint)

# isort: split
import datetime as dt
from collections import deque
from collections.abc import Sequence
from functools import cache
from typing import Any, ClassVar

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from gridorg._routing_strategies import issues
from gridorg.errors import EscalationError, InvalidArgumentError
from gridorg.hierarchy import Organisation
from gridorg.issue import Issue
from gridorg.lifecycle import FINAL_STATES, TRANSITIONS, CaseEvent, CaseLog, CaseState
from gridorg.routing import Router, RoutingDecision, Rule, RuleTable
from gridorg.triage import Triage

__all__ = ["RoutingMachine", "check_chain"]

#: The reason the machine gives when it escalates.
_REASON = "not resolved within the response window"
#: The states the machine moves a case to through escalation only.
_BY_ESCALATION = frozenset({CaseState.ESCALATED})
#: The states whose events carry the resolution deadline in force.
_DUE_AT = frozenset({CaseState.DISPATCHED, CaseState.ESCALATED, CaseState.EXTENDED})
_MINUTES = st.integers(0, 72 * 60).map(lambda n: dt.timedelta(minutes=n))
_DUES = st.integers(1, 30 * 24).map(lambda n: dt.timedelta(hours=n))


def _expect(condition: bool, message: str) -> None:
    """Fail the example with ``message`` unless ``condition`` holds (also under ``python -O``)."""
    if not condition:
        raise AssertionError(message)


@cache
def _path_to_close(state: CaseState) -> tuple[CaseState, ...]:
    """The shortest run of allowed transitions from ``state`` to ``closed``."""
    paths: dict[CaseState, tuple[CaseState, ...]] = {state: ()}
    queue = deque([state])
    while queue:
        here = queue.popleft()
        if here is CaseState.CLOSED:
            return paths[here]
        for after in sorted(TRANSITIONS[here], key=lambda s: s.code):
            if after not in paths:
                paths[after] = (*paths[here], after)
                queue.append(after)
    return ()


def check_chain(org: Organisation, decision: RoutingDecision) -> None:
    """Assert that ``decision``'s chain goes strictly up from its handler and ends at a
    department whistle or at a root unit of ``org``.

    Each unit step is a unit of its step's tier, at a tier above the previous one (the first
    above the handler's); a whistle step comes last and names the departments called in. With
    no step left, the decision is itself a whistle or its handler is a root.
    """
    scheme = org.scheme
    tiers = org.column("tier")
    where = f"issue {decision.issue!r}: chain {[(s.tier, s.handler) for s in decision.chain]}"
    level: int | None = scheme.index(decision.tier) if decision.tier in scheme else None
    for k, step in enumerate(decision.chain):
        if step.whistle:
            _expect(k == len(decision.chain) - 1, f"{where}: the whistle step {k} is not last")
            _expect(bool(step.departments), f"{where}: the whistle step calls in no department")
            continue
        _expect(step.tier in scheme, f"{where}: step {k} is at unknown tier {step.tier!r}")
        up = scheme.index(step.tier)
        below = decision.tier if k == 0 else decision.chain[k - 1].tier
        _expect(
            level is not None and up < level,
            f"{where}: step {k} goes to tier {step.tier!r}, not above {below!r}",
        )
        handler = step.handler
        if handler is None or handler not in org:
            msg = f"{where}: step {k} names {handler!r}, which is not a unit of the organisation"
            raise AssertionError(msg)
        _expect(
            int(tiers[org.index(handler)]) == up,
            f"{where}: step {k} names {handler!r}, which is not a unit of tier {step.tier!r}",
        )
        level = up
    if decision.chain and decision.chain[-1].whistle:
        return
    if not decision.chain and decision.action == "whistle":
        return
    top = decision.chain[-1].handler if decision.chain else decision.handler
    if top is None or top not in org:
        msg = f"{where}: it ends at {top!r}, neither a whistle nor a unit of the organisation"
        raise AssertionError(msg)
    _expect(org.parent(top) is None, f"{where}: it ends at {top!r}, which is not a root")


def _configured(cls: type, name: str) -> Any:
    """The value the first class on ``cls``'s MRO that sets ``name`` gives it (or ``None``).

    Read from the class dictionaries because hypothesis keeps its own ``rules`` on instances.
    """
    for klass in cls.__mro__:
        if name in vars(klass):
            return vars(klass)[name]
    return None


class RoutingMachine(RuleBasedStateMachine):
    """A state machine that routes, escalates and tracks cases, checking invariants each step.

    Subclasses set ``organisation`` (an :class:`~gridorg.Organisation`), ``rules`` or
    ``rule_table`` (a :class:`~gridorg.routing.RuleTable` or a list of rules; the standard
    table when unset) and optionally ``triage``. Rules of the machine: report a new issue
    (route it; open its case with ``collected``, ``filed`` and ``dispatched`` carrying the
    decision's resolution deadline), escalate an open case's decision (``escalated`` and
    ``dispatched`` again with the new deadline; at the top of the chain
    :class:`~gridorg.EscalationError` is expected), advance an open case along an allowed
    transition that keeps it open (escalation aside), and close one by the shortest allowed
    path. Invariants: every reported issue
    has exactly one current decision; every chain goes strictly up and ends at a whistle or a
    root (:func:`check_chain`); ``route_many`` of all reported issues equals ``route`` of each;
    every case is in exactly one state, the one the machine expects; and the log's events of
    every case follow :data:`~gridorg.lifecycle.TRANSITIONS`.
    """

    organisation: ClassVar[Organisation | None] = None
    rule_table: ClassVar[RuleTable | Sequence[Rule] | None] = None
    triage: ClassVar[Triage | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.TestCase.settings = settings(
            stateful_step_count=20, deadline=None, suppress_health_check=list(HealthCheck)
        )

    def __init__(self) -> None:
        super().__init__()
        org = type(self).organisation
        if not isinstance(org, Organisation):
            msg = (
                f"{type(self).__name__}.organisation must be set to an Organisation, got "
                f"{type(org).__name__}"
            )
            raise InvalidArgumentError(msg)
        self.org = org
        self.router = self.make_router()
        self.issue_strategy = issues(org, min_size=1, max_size=1)
        self.reported: dict[str, Issue] = {}
        self.first: dict[str, RoutingDecision] = {}
        self.decisions: dict[str, RoutingDecision] = {}
        self.log = CaseLog()
        self.states: dict[str, CaseState] = {}
        self.last: dict[str, dt.datetime] = {}

    @classmethod
    def configured_table(cls) -> RuleTable | Sequence[Rule] | None:
        """The rule table the subclass set (``rule_table`` or ``rules``), or ``None``."""
        by_name = {name: _configured(cls, name) for name in ("rule_table", "rules")}
        found = {name: value for name, value in by_name.items() if value is not None}
        if len(found) == 2 and found["rule_table"] is not found["rules"]:
            msg = f"{cls.__name__} sets both rule_table and rules; set one of them"
            raise InvalidArgumentError(msg)
        return next(iter(found.values()), None)

    def make_router(self) -> Router:
        """The router under test: ``Router(organisation, table, triage)``."""
        return Router(self.org, type(self).configured_table(), type(self).triage)

    # ------------------------------------------------------------------ helpers

    def _event(
        self,
        case: str,
        state: CaseState,
        when: dt.datetime,
        *,
        due: dt.datetime | None = None,
        actor: str = "",
        note: str = "",
    ) -> None:
        self.log.append(CaseEvent(case, when, state, actor=actor, note=note, due=due))
        self.states[case] = state
        self.last[case] = when

    def _open(self) -> list[str]:
        return [case for case, state in self.states.items() if state not in FINAL_STATES]

    def _escalatable(self) -> list[str]:
        return [c for c, s in self.states.items() if CaseState.ESCALATED in TRANSITIONS[s]]

    @staticmethod
    def _actor(decision: RoutingDecision) -> str:
        return decision.handler or ", ".join(decision.departments)

    # ------------------------------------------------------------------ rules

    @rule(data=st.data())
    def report_issue(self, data: st.DataObject) -> None:
        """Report a new issue: route it, open its case, file it and dispatch it."""
        drawn = data.draw(self.issue_strategy, label="issue")[0]
        issue = attrs.evolve(drawn, id=f"Q{len(self.reported) + 1}")
        decision = self.router.route(issue)
        self.reported[issue.id] = issue
        self.first[issue.id] = decision
        self.decisions[issue.id] = decision
        self.log.open(issue)
        self.states[issue.id] = CaseState.COLLECTED
        self._event(issue.id, CaseState.FILED, issue.reported)
        actor = self._actor(decision)
        self._event(
            issue.id, CaseState.DISPATCHED, issue.reported, due=decision.resolve_by, actor=actor
        )

    @precondition(lambda self: bool(self._escalatable()))
    @rule(data=st.data())
    def escalate_decision(self, data: st.DataObject) -> None:
        """Escalate an open case's decision one step up its chain."""
        case = data.draw(st.sampled_from(self._escalatable()), label="case")
        decision = self.decisions[case]
        at = max(self.last[case], decision.response_by)
        if not decision.chain:
            try:
                self.router.escalate(decision, _REASON, at=at)
            except EscalationError:
                return
            msg = f"issue {case!r}: escalate() went past the top of an empty chain"
            raise AssertionError(msg)
        raised = self.router.escalate(decision, _REASON, at=at)
        step = decision.chain[0]
        moved = (raised.tier, raised.handler, raised.departments)
        _expect(
            moved == (step.tier, step.handler, step.departments),
            f"issue {case!r}: escalate() moved to {moved}, not to the first step {step}",
        )
        _expect(raised.chain == decision.chain[1:], f"issue {case!r}: the chain lost a step")
        _expect(
            raised.escalations == (*decision.escalations, _REASON),
            f"issue {case!r}: escalate() recorded the reasons {raised.escalations}",
        )
        self.decisions[case] = raised
        self._event(case, CaseState.ESCALATED, at, due=raised.resolve_by, note=_REASON)
        self._event(
            case, CaseState.DISPATCHED, at, due=raised.resolve_by, actor=self._actor(raised)
        )

    @precondition(lambda self: bool(self._open()))
    @rule(data=st.data())
    def advance_case(self, data: st.DataObject) -> None:
        """Move an open case along an allowed transition that leaves it open."""
        case = data.draw(st.sampled_from(self._open()), label="case")
        options = TRANSITIONS[self.states[case]] - FINAL_STATES - _BY_ESCALATION
        state = data.draw(st.sampled_from(sorted(options, key=lambda s: s.code)), label="state")
        when = self.last[case] + data.draw(_MINUTES, label="after")
        due = when + data.draw(_DUES, label="due") if state in _DUE_AT else None
        self._event(case, state, when, due=due)

    @precondition(lambda self: bool(self._open()))
    @rule(data=st.data())
    def close_case(self, data: st.DataObject) -> None:
        """Close an open case by the shortest allowed path to ``closed``."""
        case = data.draw(st.sampled_from(self._open()), label="case")
        when = self.last[case]
        for state in _path_to_close(self.states[case]):
            when += dt.timedelta(hours=1)
            due = when + dt.timedelta(days=1) if state in _DUE_AT else None
            self._event(case, state, when, due=due)
        _expect(self.states[case] is CaseState.CLOSED, f"case {case!r} could not be closed")

    # ------------------------------------------------------------------ invariants

    @invariant()
    def one_decision_per_issue(self) -> None:
        """Every reported issue has exactly one current decision, about that issue."""
        _expect(
            list(self.decisions) == list(self.reported),
            f"decisions for {list(self.decisions)}, issues {list(self.reported)} reported",
        )
        for uid, decision in self.decisions.items():
            _expect(decision.issue == uid, f"the decision of {uid!r} is about {decision.issue!r}")
            _expect(
                len(decision.escalations) <= len(self.first[uid].chain),
                f"issue {uid!r} was escalated more often than its chain had steps",
            )

    @invariant()
    def chains_go_up(self) -> None:
        """Every decision's chain goes strictly up and ends at a whistle or a root."""
        for decision in self.decisions.values():
            check_chain(self.org, decision)

    @invariant()
    def route_many_equals_route(self) -> None:
        """Routing every reported issue at once gives what routing each one gives."""
        reported = list(self.reported.values())
        if not reported:
            return
        batch = self.router.route_many(reported)
        _expect(len(batch) == len(reported), f"route_many gave {len(batch)} decisions")
        for issue, decision in zip(reported, batch, strict=True):
            single = self.router.route(issue)
            _expect(decision == single, f"issue {issue.id!r}: route_many gave {decision}")
            _expect(single == self.first[issue.id], f"issue {issue.id!r}: route() changed")

    @invariant()
    def one_state_per_case(self) -> None:
        """Every case is in exactly one state: the one its last event entered."""
        _expect(self.log.cases == tuple(self.states), "the log lost or gained a case")
        for case, state in self.states.items():
            _expect(self.log.state_of(case) is state, f"case {case!r} is not {state.value}")
        if self.states:
            views = self.log.views()
            _expect(list(views.case) == list(self.states), "the views lost or gained a case")
            shown = {view.case: view.state for view in views}
            _expect(shown == self.states, f"the views show the states {shown}")

    @invariant()
    def log_follows_transitions(self) -> None:
        """The events of every case follow the allowed transitions, forward in time."""
        for case in self.log.cases:
            previous: CaseState | None = None
            last: dt.datetime | None = None
            for event in self.log.events_of(case):
                _expect(
                    event.state in TRANSITIONS[previous],
                    f"case {case!r}: {previous} → {event.state.value} is not allowed",
                )
                _expect(last is None or event.time >= last, f"case {case!r} went back in time")
                previous, last = event.state, event.time
            _expect(previous is self.states[case], f"case {case!r} ends in {previous}")
