"""Routing residents' issues: an ordered rule table decides who handles each one, and what next.

**The rule table.** A :class:`RuleTable` is an ordered list of :class:`Rule` records. A rule
matches on the issue's category, its triage colour, the tier of its origin unit, its tags (all
required), its channel and the subtree it arose in; every condition left ``None`` matches
anything. The first rule that matches decides (first match wins); the last rule, and only
the last, is a default without conditions, so every valid issue is routed. Tables are values:
:meth:`RuleTable.to_records` and :meth:`RuleTable.from_records` write and read them as JSON,
and :meth:`RuleTable.check` lists everything a table names that an organisation lacks.

**The actions.**

- :class:`HandleAt` — the origin's unit at a tier handles it. Small matters stay in the grid,
  large ones in the community (小事不出网格、大事不出社区). Without a tier, the tier the
  triage implies for the colour, else the category's default tier. The router never routes
  down: a tier below the origin's own means the origin unit itself. When the origin's path
  has no unit at the tier, the nearest tier above that has one takes it; failing that, the
  top unit of the path.
- :class:`AssignDepartment` — the departments answering for the category at the origin's
  street (:meth:`~gridorg.Organisation.responsible_departments`; tier ``"department"``, no
  handling unit).
- :class:`JointOffice` — an on-site joint office (现场办公) at the origin's community: the
  named departments (or the responsible ones) and, when asked, the property companies serving
  that community (its registered ones and those joined to its service sites: ``partners``).
- :class:`Mediation` — the mediation path: the origin's grid handles it, with the mediators
  and evaluators assigned to the origin's community (``people``, sorted ids).
- :class:`Whistle` — the street blows the whistle and the departments report in (街道吹哨、
  部门报到): tier ``"department"``, ``handler`` the street that blew it, ``departments`` the
  responsible ones and ``report_by = reported + report_in`` in wall-clock time (reporting in
  is an emergency duty; it is not counted on the triage's working calendar).

"The origin's street, community, grid" are always the topmost units of that tier on the path
from the origin to its root (the head of a general branch, not a nested branch); an origin with
no street ancestor uses its root as its street.

**Fallbacks, when no department answers for the category.** The first receiver is responsible
(首接负责): an :class:`AssignDepartment` matter that came in through the organisation's own
people (gridder app, visit, sunk party member, contact point) is handled by the origin's
community, ``fallback="first_receiver"``. One that came from outside (the 12345 hotline,
online) goes to the territory (属地兜底): the origin's street, ``fallback="territorial"``. A
whistle nobody can answer is handled by the street itself, also ``"territorial"``. A joint
office with no department still meets, with the property companies alone.

**Deadlines and escalation.** The triage colours each issue and gives its response and
resolution deadlines, counted from ``reported`` on the triage's calendar. A decision's
``chain`` lists the steps ahead, strictly upward: the topmost unit of every tier above the
handler's (grid → community → street …), then, when departments answer for the category, a
final whistle step (the street calls them in). It ends at a whistle or at the top unit.
:meth:`Router.escalate` moves one step up, restarting the colour's deadlines at ``at``
(default: the decision's ``response_by``, the moment the step's window closed) and records
the reason; at the top of the chain it raises :class:`~gridorg.EscalationError`.

>>> import datetime as dt
>>> from gridorg.issue import Issue
>>> from gridorg.datasets import yinjiang
>>> router = Router(yinjiang())
>>> when = dt.datetime(2024, 5, 6, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
>>> decision = router.route(Issue("Q1", "civil_assistance", "YJ-EL-C01-G01", when))
>>> decision.tier, decision.departments
('department', ('YJ-D-civil-affairs',))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from gridorg._decisions import RoutingDecision, RoutingDecisions, RuleTrace, Step
from gridorg._fields import describe
from gridorg._route_many import IssueColumns, route_many
from gridorg._route_state import RouteState
from gridorg._rules import (
    Action,
    AssignDepartment,
    HandleAt,
    JointOffice,
    Mediation,
    Rule,
    RuleTable,
    Whistle,
)
from gridorg.errors import (
    ArgumentTypeError,
    EscalationError,
    InvalidArgumentError,
    Problem,
    RuleError,
)
from gridorg.issue import Issue, aware
from gridorg.triage import MatrixTriage, Triage

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation

__all__ = [
    "Action",
    "AssignDepartment",
    "HandleAt",
    "IssueColumns",
    "JointOffice",
    "Mediation",
    "Router",
    "RoutingDecision",
    "RoutingDecisions",
    "Rule",
    "RuleTable",
    "RuleTrace",
    "Step",
    "Whistle",
]


def _triage_problems(triage: Triage, org: Organisation) -> list[Problem]:
    problems = []
    for colour in triage.colours:
        tier = triage.tier(colour)
        if tier is not None and tier not in org.scheme:
            msg = (
                f"triage {triage.name!r} handles {colour.value} matters at tier {tier!r}, which "
                f"the scheme ({', '.join(org.scheme.names)}) lacks"
            )
            problems.append(Problem("unknown_tier", msg, path="triage"))
    return problems


class Router:
    """Routes issues through one organisation by a rule table and a colour triage.

    ``rules`` is a :class:`RuleTable` or a list of :class:`Rule` (default: the standard table
    for the organisation's category catalogue), ``triage`` a :class:`~gridorg.triage.Triage`
    (default :class:`~gridorg.triage.MatrixTriage`), ``report_in`` the report-in time of the
    whistle step that :meth:`escalate` reaches. The table is checked against the organisation
    on construction (:class:`~gridorg.RuleError` lists every problem).
    """

    __slots__ = ("_report_in", "_state")

    def __init__(
        self,
        org: Organisation,
        rules: RuleTable | Sequence[Rule] | None = None,
        triage: Triage | None = None,
        *,
        report_in: dt.timedelta = dt.timedelta(minutes=30),
    ) -> None:
        from gridorg.hierarchy import Organisation

        if not isinstance(org, Organisation):
            msg = f"Router needs an Organisation, got {describe(org)}"
            raise ArgumentTypeError(msg)
        if rules is None:
            table = RuleTable.standard(org.links.categories)
        elif isinstance(rules, RuleTable):
            table = rules
        else:
            table = RuleTable(rules)
        chosen: Triage = MatrixTriage() if triage is None else triage
        if not isinstance(chosen, Triage):
            msg = f"triage must provide the Triage protocol, got {describe(chosen)}"
            raise ArgumentTypeError(msg)
        if not isinstance(report_in, dt.timedelta) or report_in <= dt.timedelta(0):
            msg = f"report_in must be a positive timedelta, got {describe(report_in)}"
            raise InvalidArgumentError(msg)
        try:
            table.check(org)
            problems: list[Problem] = []
        except RuleError as err:
            problems = list(err.problems)
        if not any(p.code == "missing_tier" for p in problems):
            problems.extend(_triage_problems(chosen, org))
        if problems:
            raise RuleError(problems, subject="rule table")
        self._report_in = report_in
        self._state = RouteState(org, table, chosen, report_in)

    @property
    def org(self) -> Organisation:
        """The organisation issues are routed through."""
        return self._state.org

    @property
    def rules(self) -> RuleTable:
        """The rule table."""
        return self._state.table

    @property
    def triage(self) -> Triage:
        """The colour triage."""
        return self._state.triage

    def route(self, issue: Issue) -> RoutingDecision:
        """The decision for one issue: handler, tier, colour, deadlines, chain and trace.

        Raises :class:`~gridorg.UnknownCategoryError` for a category the catalogue lacks,
        :class:`~gridorg.UnknownUnitError` for an unknown origin and
        :class:`~gridorg.InvalidArgumentError` for an origin above the grid tier.
        """
        return self._state.route(issue)

    def route_many(
        self, issues: Sequence[Issue] | IssueColumns | Mapping[str, Any]
    ) -> RoutingDecisions:
        """The decisions for many issues at once, as columns (see :class:`IssueColumns`).

        ``route_many(issues)[i] == route(issues[i])``. The rules are matched with numpy masks
        over the issues no earlier rule took, so the cost is a few array passes per rule.
        """
        return RoutingDecisions(self._state, route_many(self._state, issues))

    def escalate(
        self, decision: RoutingDecision, reason: str, *, at: dt.datetime | None = None
    ) -> RoutingDecision:
        """The decision one step up ``decision``'s chain, with ``reason`` recorded.

        The colour's deadlines restart at ``at`` (default: ``decision.response_by``); a
        whistle step reports in by ``at + report_in``. Raises
        :class:`~gridorg.EscalationError` when the chain is exhausted.
        """
        if not isinstance(decision, RoutingDecision):
            msg = f"escalate() takes a RoutingDecision, got {describe(decision)}"
            raise ArgumentTypeError(msg)
        if not isinstance(reason, str) or not reason.strip():
            msg = f"escalate() needs a reason (a non-empty string), got {describe(reason)}"
            raise InvalidArgumentError(msg)
        start = decision.response_by if at is None else at
        if not aware(start):
            msg = f"at must be a timezone-aware datetime, got {describe(start)}"
            raise InvalidArgumentError(msg)
        if not decision.chain:
            where = decision.handler or ", ".join(decision.departments) or decision.tier
            msg = (
                f"issue {decision.issue!r} is at the top of its chain ({decision.action} by "
                f"{where}); there is no step left to escalate to"
            )
            raise EscalationError(msg)
        step, *rest = decision.chain
        response_by, resolve_by = self._state.triage.deadlines(decision.colour).due(start)
        return attrs.evolve(
            decision,
            tier=step.tier,
            handler=step.handler,
            departments=step.departments,
            people=(),
            partners=(),
            action="whistle" if step.whistle else "handle",
            response_by=response_by,
            resolve_by=resolve_by,
            report_by=start + self._report_in if step.whistle else None,
            chain=tuple(rest),
            fallback=None,
            escalations=(*decision.escalations, reason),
        )

    def __repr__(self) -> str:
        names = ", ".join(self.rules.rules[i].name for i in range(len(self.rules)))
        return f"<Router: {self.org._desc()}; rules {names}; triage {self.triage.name}>"
