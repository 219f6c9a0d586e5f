"""What a router keeps for one organisation: lookup tables, caches and the one-issue path."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from gridorg._compiled import CHANNELS, CompiledRule, compile_rule, explain
from gridorg._decisions import (
    ACTION_NAMES,
    DEPARTMENT,
    DEPARTMENT_TIER,
    FALLBACKS,
    FIRST_RECEIVER,
    HANDLE,
    JOINT_OFFICE,
    MEDIATION,
    MICROSECOND,
    TERRITORIAL,
    WHISTLE,
    DecisionColumns,
    RoutingDecision,
    RuleTrace,
    Step,
    from_us,
)
from gridorg._rules import RuleTable
from gridorg.errors import ArgumentTypeError, InvalidArgumentError, UnknownCategoryError
from gridorg.graph import responsible_many
from gridorg.issue import Channel, Issue
from gridorg.people import Role
from gridorg.triage import COLOURS, Triage

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation

Ints = npt.NDArray[np.int64]
#: Channels by which a matter comes from outside the organisation (the 12345 platform and
#: online demands): with no responsible department, the territory answers (属地兜底).
_CHANNEL_CODES = {channel: k for k, channel in enumerate(CHANNELS)}
OUTSIDE = frozenset(CHANNELS.index(c) for c in (Channel.HOTLINE, Channel.ONLINE))


class RouteState:
    """A router's compiled rules, lookup tables and caches for one organisation."""

    def __init__(
        self, org: Organisation, table: RuleTable, triage: Triage, report_in: dt.timedelta
    ) -> None:
        self.org = org
        self.table = table
        self.triage = triage
        self.report_in_us = report_in // MICROSECOND
        scheme = org.scheme
        self.scheme_names = scheme.names
        self.ids = org._parts.ids
        self.tier_column: npt.NDArray[np.int8] = org.column("tier")
        self.anc: npt.NDArray[np.int32] = org._ancestor_table(False)
        self.grid = scheme.index("grid")
        self.community = scheme.index("community")
        self.street = scheme.index("street")
        catalogue = org.links.categories
        self.categories: tuple[str, ...] = tuple(catalogue)
        self.category_index = {code: k for k, code in enumerate(self.categories)}
        self.category_objects = tuple(catalogue[c] for c in self.categories)
        self.category_tier = np.array(
            [scheme.index(c.tier) if c.tier in scheme else -1 for c in self.category_objects],
            dtype=np.int8,
        )
        self.colour_tier = np.full(len(COLOURS), -1, dtype=np.int8)
        self.deadlines: dict[int, Any] = {}
        for colour in triage.colours:
            implied = triage.tier(colour)
            if implied is not None and implied in scheme:
                self.colour_tier[colour.rank] = scheme.index(implied)
            self.deadlines[colour.rank] = triage.deadlines(colour)
        self.tag_vocabulary = table.tags
        self.tag_index = {tag: k for k, tag in enumerate(self.tag_vocabulary)}
        self.rules: tuple[CompiledRule, ...] = tuple(
            compile_rule(rule, i, org, self.category_index, self.tag_index)
            for i, rule in enumerate(table)
        )
        self.rule_names = tuple(rule.name for rule in table)
        self.whistler = self._whistlers()
        found, rank = np.unique(self.whistler, return_inverse=True)
        self.whistler_units = found
        self.whistler_rank = rank.astype(np.int32)
        self.department_table = np.full((len(self.categories), len(found)), -1, dtype=np.int32)
        self.pool: list[tuple[str, ...]] = [()]
        self.pool_index: dict[tuple[str, ...], int] = {(): 0}
        self.people_table = np.full(len(org), -1, dtype=np.int32)
        self.partner_table = np.full(len(org), -1, dtype=np.int32)
        self.chains: dict[tuple[int, int, int, int], tuple[Step, ...]] = {}
        self.positions: dict[str, int] = {}
        self.names: dict[int, str] = {}
        #: Round-the-clock (response, resolution) limits by colour: plain addition.
        self.plain = {
            rank: (limits.response, limits.resolution)
            for rank, limits in self.deadlines.items()
            if limits.calendar.round_the_clock
        }

    def _whistlers(self) -> npt.NDArray[np.int32]:
        """The unit that blows the whistle for each unit: its street, or its root."""
        found = self.anc[self.street].copy()
        for row in self.anc:  # no street: the topmost unit on the path, the root
            missing = found < 0
            if not missing.any():
                break
            found[missing] = row[missing]
        result: npt.NDArray[np.int32] = found
        return result

    # ------------------------------------------------------------------ pooled tuples

    def intern(self, items: tuple[str, ...]) -> int:
        """The pool code of a tuple of ids (departments, people or partners)."""
        code = self.pool_index.get(items)
        if code is None:
            code = self.pool_index[items] = len(self.pool)
            self.pool.append(items)
        return code

    def fill_departments(self, cats: Ints, ranks: Ints) -> None:
        """Compute the responsible departments of the (category, whistler rank) pairs given."""
        table = self.department_table
        wanted = [
            (cat, rank)
            for cat, rank in zip(cats.tolist(), ranks.tolist(), strict=True)
            if table[cat, rank] < 0
        ]
        pairs = [(self.categories[c], int(self.whistler_units[r])) for c, r in wanted]
        for (cat, rank), found in zip(wanted, responsible_many(self.org, pairs), strict=True):
            table[cat, rank] = self.intern(tuple(d.id for d in found))

    def departments_of(self, cat: int, w: int) -> int:
        """The pool code of the departments answering for category ``cat`` at whistler ``w``."""
        rank = int(self.whistler_rank[w])
        code = int(self.department_table[cat, rank])
        if code < 0:
            (found,) = responsible_many(self.org, [(self.categories[cat], w)])
            code = self.department_table[cat, rank] = self.intern(tuple(d.id for d in found))
        return code

    def people_of(self, community: int) -> int:
        """The pool code of the mediators and evaluators assigned to a community (sorted)."""
        code = int(self.people_table[community])
        if code < 0:
            uid = self.ids[community]
            found = {
                p.id
                for role in (Role.MEDIATOR, Role.EVALUATOR)
                for p in self.org.people_of(uid, role)
            }
            code = self.people_table[community] = self.intern(tuple(sorted(found)))
        return code

    def partners_of(self, community: int) -> int:
        """The pool code of the property companies serving a community (sorted ids)."""
        code = int(self.partner_table[community])
        if code < 0:
            uid = self.ids[community]
            found = self.org.partners_of(uid, "property_company", via_sites=True)
            code = self.partner_table[community] = self.intern(
                tuple(sorted({p.id for p in found}))
            )
        return code

    # ------------------------------------------------------------------ one issue

    def handler(self, position: int, tier: int) -> int:
        """The origin's unit at ``tier`` (never below the origin; the nearest tier above when
        none is on the path, else the path's top)."""
        anc = self.anc
        tier = min(tier, int(self.tier_column[position]))
        for t in range(tier, -1, -1):
            found = int(anc[t, position])
            if found >= 0:
                return found
        for t in range(tier + 1, len(anc)):  # pragma: no branch - the origin's own tier ends it
            found = int(anc[t, position])
            if found >= 0:
                return found
        return position  # pragma: no cover

    def default_tier(self, cat: int, colour: int) -> int:
        """The tier the colour implies, or else the category's default tier."""
        implied = int(self.colour_tier[colour])
        return implied if implied >= 0 else int(self.category_tier[cat])

    def outcome(
        self, rule: CompiledRule, cat: int, colour: int, position: int, channel: int
    ) -> tuple[int, int, int, int, int, int]:
        """What ``rule`` decides: (action, handler, departments, people, partners, fallback)."""
        w = int(self.whistler[position])
        action = rule.action
        if action == HANDLE:
            tier = rule.handle_tier if rule.handle_tier >= 0 else self.default_tier(cat, colour)
            return HANDLE, self.handler(position, tier), 0, 0, 0, -1
        community = int(self.anc[self.community, position])
        if action == MEDIATION:
            people = self.people_of(community) if community >= 0 else 0
            return MEDIATION, self.handler(position, self.grid), 0, people, 0, -1
        responsible = self.departments_of(cat, w)
        if action == JOINT_OFFICE:
            named = self.intern(rule.named) if rule.named else responsible
            partners = (
                self.partners_of(community) if rule.property_company and community >= 0 else 0
            )
            return JOINT_OFFICE, self.handler(position, self.community), named, 0, partners, -1
        if responsible:
            return action, (-1 if action == DEPARTMENT else w), responsible, 0, 0, -1
        if action == DEPARTMENT and channel not in OUTSIDE:
            return HANDLE, self.handler(position, self.community), 0, 0, 0, FIRST_RECEIVER
        return HANDLE, w, 0, 0, 0, TERRITORIAL

    def chain(self, action: int, handler: int, w: int, responsible: int) -> tuple[Step, ...]:
        """The steps ahead of a decision, strictly upward, ending at a whistle or the top."""
        key = (action, handler, w, responsible)
        found = self.chains.get(key)
        if found is None:
            ids = self.ids
            whistle = Step(DEPARTMENT_TIER, ids[w], self.pool[responsible], True)
            steps: list[Step] = []
            if action == DEPARTMENT:
                steps.append(whistle)
            elif action != WHISTLE:
                for t in range(int(self.tier_column[handler]) - 1, -1, -1):
                    up = int(self.anc[t, handler])
                    if up >= 0:
                        steps.append(Step(self.scheme_names[t], ids[up]))
                if responsible:
                    steps.append(whistle)
            found = self.chains[key] = tuple(steps)
        return found

    def trace(
        self, cat: int, colour: int, tier: int, tags: frozenset[str], channel: int, position: int
    ) -> tuple[CompiledRule, tuple[RuleTrace, ...]]:
        """The rule that matches, and the trace of every rule tried up to it."""
        trace: list[RuleTrace] = []
        category = self.categories[cat]
        names = self.scheme_names
        for rule in self.rules:  # pragma: no branch - the table ends with a default
            why = explain(rule, category, cat, colour, tier, tags, channel, position, names)
            if why is None:
                trace.append(RuleTrace(rule.index, rule.name, True, rule.shown["match"]))
                return rule, tuple(trace)
            trace.append(RuleTrace(rule.index, rule.name, False, why))
        raise AssertionError  # pragma: no cover

    def build(
        self,
        issue: str,
        cat: int,
        position: int,
        colour: int,
        outcome: tuple[int, int, int, int, int, int],
        responsible: int,
        times: tuple[dt.datetime, dt.datetime, dt.datetime | None],
        trace: tuple[RuleTrace, ...],
    ) -> RoutingDecision:
        """The decision for one issue from its codes."""
        action, handler, departments, people, partners, fallback = outcome
        w = int(self.whistler[position])
        if action in (DEPARTMENT, WHISTLE):
            tier = DEPARTMENT_TIER
        else:
            tier = self.scheme_names[int(self.tier_column[handler])]
        pool = self.pool
        return RoutingDecision(
            issue,
            self.categories[cat],
            self.id_at(position),
            COLOURS[colour],
            tier,
            None if handler < 0 else self.id_at(handler),
            pool[departments],
            pool[people],
            ACTION_NAMES[action],
            times[0],
            times[1],
            times[2],
            self.chain(action, handler, w, responsible),
            None if fallback < 0 else FALLBACKS[fallback],
            trace,
            (),
            pool[partners],
        )

    def id_at(self, position: int) -> str:
        """The id of the unit at ``position`` (remembered)."""
        found = self.names.get(position)
        if found is None:
            found = self.names[position] = self.ids[position]
        return found

    def check_origin(self, issue: object, origin: object, position: int) -> None:
        """Refuse an origin above the grid tier, naming the issue and the tier."""
        tier = int(self.tier_column[position])
        if tier < self.grid:
            lowest = ", ".join(self.scheme_names[self.grid :])
            msg = (
                f"issue {issue!r}: origin {origin!r} is a unit of tier "
                f"{self.scheme_names[tier]!r}; issues arise at the grid tier or below ({lowest})"
            )
            raise InvalidArgumentError(msg)

    def route(self, issue: Issue) -> RoutingDecision:
        """The decision for one issue."""
        if not isinstance(issue, Issue):
            msg = f"route() takes an Issue, got {type(issue).__name__}"
            raise ArgumentTypeError(msg)
        cat = self.category_index.get(issue.category)
        if cat is None:
            msg = (
                f"issue {issue.id!r}: unknown issue category {issue.category!r}; the "
                f"catalogue has: {', '.join(self.categories)}"
            )
            raise UnknownCategoryError(msg)
        position = self.positions.get(issue.origin, -1)
        if position < 0:
            position = self.positions[issue.origin] = self.org.index(issue.origin)
        self.check_origin(issue.id, issue.origin, position)
        colour = self.triage.colour(issue, self.category_objects[cat]).rank
        channel = _CHANNEL_CODES[issue.channel]
        tier = int(self.tier_column[position])
        rule, trace = self.trace(cat, colour, tier, issue.tags, channel, position)
        outcome = self.outcome(rule, cat, colour, position, channel)
        responsible = self.departments_of(cat, int(self.whistler[position]))
        plain = self.plain.get(colour)
        if plain is None:
            response_by, resolve_by = self.deadlines[colour].due(issue.reported)
        else:
            response_by, resolve_by = issue.reported + plain[0], issue.reported + plain[1]
        report_by = None
        if outcome[0] == WHISTLE:
            report_by = issue.reported + dt.timedelta(microseconds=rule.report_in_us)
        times = (response_by, resolve_by, report_by)
        return self.build(issue.id, cat, position, colour, outcome, responsible, times, trace)

    def materialise(self, c: DecisionColumns, i: int) -> RoutingDecision:
        """Decision ``i`` of a batch, equal to what :meth:`route` gives for that issue."""
        cat, position, colour = int(c.category[i]), int(c.origin[i]), int(c.colour[i])
        channel = int(c.channel[i])
        tags = c.tags[i] if c.tags is not None else frozenset()
        tier = int(self.tier_column[position])
        _, trace = self.trace(cat, colour, tier, tags, channel, position)
        outcome = (
            int(c.action[i]),
            int(c.handler[i]),
            int(c.departments[i]),
            int(c.people[i]),
            int(c.partners[i]),
            int(c.fallback[i]),
        )
        report = int(c.report_by[i])
        times = (
            from_us(int(c.response_by[i])),
            from_us(int(c.resolve_by[i])),
            None if report == np.iinfo(np.int64).min else from_us(report),
        )
        issue = str(c.issue[i])
        return self.build(
            issue, cat, position, colour, outcome, int(c.responsible[i]), times, trace
        )
