"""Hypothesis strategies for residents' issues, rule tables and case logs over an organisation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

import attrs
import numpy as np
from hypothesis import strategies as st

from gridorg._rule_checks import ROUTING_TIERS
from gridorg._strategy_support import _check_int, _check_sizes, _StrategyArgumentError
from gridorg.hierarchy import Organisation
from gridorg.issue import LEVELS, Channel, Issue
from gridorg.lifecycle import (
    FINAL_STATES,
    RATED_STATES,
    TRANSITIONS,
    CaseEvent,
    CaseLog,
    CaseState,
)
from gridorg.routing import (
    Action,
    AssignDepartment,
    HandleAt,
    JointOffice,
    Mediation,
    Rule,
    RuleTable,
    Whistle,
)
from gridorg.triage import COLOURS

__all__ = ["case_logs", "issue_origins", "issues", "rule_tables"]

#: Where generated report times start, and how far they spread (a year, in seconds).
_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
_SPREAD = 366 * 24 * 3600
_TAGS = ("elderly", "repeat", "night", "flood", "children")


def issue_origins(org: Organisation) -> list[str]:
    """The ids of the units where issues can arise: the grid tier and the tiers below it (the
    lowest tier alone when the scheme has no ``grid`` tier), in preorder."""
    names = org.scheme.names
    lowest = names.index("grid") if "grid" in names else len(names) - 1
    tiers = org.column("tier")
    positions = np.flatnonzero(tiers >= lowest)
    return [org.id_at(int(k)) for k in positions.tolist()]


def _check_org(org: object, strategy: str = "issues") -> Organisation:
    if not isinstance(org, Organisation):
        msg = f"{strategy}() needs an Organisation, got {type(org).__name__}"
        raise _StrategyArgumentError(msg)
    return org


# ---------------------------------------------------------------------- issues


_SECONDS = st.integers(0, _SPREAD)
_CHANNELS = st.sampled_from(tuple(Channel))
_LEVEL = st.sampled_from(LEVELS)
_HOUSEHOLDS = st.integers(1, 60)
_ISSUE_TAGS = st.frozensets(st.sampled_from(_TAGS), max_size=2)


def _issue(draw: Any, origins: list[str], categories: list[str], uid: str) -> Issue:
    """One issue with id ``uid``: every field drawn from its whole range."""
    seconds = draw(_SECONDS)
    return Issue(
        uid,
        categories[draw(st.integers(0, len(categories) - 1))],
        origins[draw(st.integers(0, len(origins) - 1))],
        _EPOCH + dt.timedelta(seconds=seconds),
        channel=draw(_CHANNELS),
        importance=draw(_LEVEL),
        urgency=draw(_LEVEL),
        households=draw(_HOUSEHOLDS),
        tags=draw(_ISSUE_TAGS),
    )


@st.composite
def _issues(
    draw: Any,
    origins: list[str],
    categories: list[str],
    min_size: int,
    max_size: int,
    prefix: str,
) -> list[Issue]:
    count = draw(st.integers(min_size, max_size))
    return [_issue(draw, origins, categories, f"{prefix}{n + 1}") for n in range(count)]


def _check_categories(org: Organisation, categories: list[str] | None) -> list[str]:
    known = list(org.links.categories)
    chosen = known if categories is None else list(categories)
    unknown = [code for code in chosen if code not in org.links.categories]
    if unknown or not chosen:
        msg = (
            f"categories must be a non-empty list of codes of the organisation's catalogue; "
            f"unknown: {unknown}"
        )
        raise _StrategyArgumentError(msg)
    return chosen


def _origins_for(org: Organisation, needed: bool) -> list[str]:
    origins = issue_origins(org)
    if not origins and needed:
        msg = f"{org._desc()} has no unit at the grid tier or below for issues to arise in"
        raise _StrategyArgumentError(msg)
    return origins


def issues(
    org: Organisation,
    *,
    min_size: int = 0,
    max_size: int = 20,
    categories: list[str] | None = None,
    prefix: str = "Q",
) -> st.SearchStrategy[list[Issue]]:
    """Lists of valid issues arising in ``org``, with distinct ids ``Q1``, ``Q2``, ….

    Each issue's origin is a grid-tier or lower unit of ``org`` (see :func:`issue_origins`) and
    its category one of ``categories`` (default: every code of ``org.links.categories``); its
    report time falls in 2024 (UTC+8), and its channel, importance, urgency, households and
    tags are drawn from their whole ranges.

    Shrinks towards fewer issues, then towards the first origin and category, the first
    channel, the lowest levels, one household, no tags and the start of 2024.
    """
    found = _check_org(org)
    _check_sizes("size", min_size, max_size, 0, None)
    _check_int("max_size", max_size, 0, 100_000)
    if not isinstance(prefix, str) or not prefix or prefix != prefix.strip():
        msg = f"prefix must be a non-empty string without surrounding spaces, got {prefix!r}"
        raise _StrategyArgumentError(msg)
    chosen = _check_categories(found, categories)
    origins = _origins_for(found, max_size > 0)
    if not origins:
        return st.just([])
    return _issues(origins, chosen, min_size, max_size, prefix)


# ---------------------------------------------------------------------- rule tables

#: The match fields a drawn rule may use, in the order they shrink to (first: categories).
_CONDITIONS = ("categories", "colours", "tiers", "tags", "channels", "under")
#: Report-in times of drawn whistles, in minutes; the first is the default.
_REPORT_IN = (30, 15, 60, 120)


class _Vocabulary(NamedTuple):
    """What a drawn rule may name in one organisation."""

    pools: dict[str, tuple[Any, ...]]
    tiers: tuple[str, ...]
    departments: tuple[str, ...]
    default_tiers: frozenset[str]
    catalogue: tuple[str, ...]


def _vocabulary(org: Organisation) -> _Vocabulary:
    names = org.scheme.names
    grid = names.index("grid")
    tiers = org.column("tier")
    units = [org.id_at(int(k)) for k in np.flatnonzero(tiers <= grid).tolist()]
    catalogue = org.links.categories
    pools: dict[str, tuple[Any, ...]] = {
        "categories": tuple(catalogue),
        "colours": COLOURS,
        "tiers": names[grid:],
        "tags": _TAGS,
        "channels": tuple(Channel),
        "under": tuple(units),
    }
    return _Vocabulary(
        pools={field: pool for field, pool in pools.items() if pool},
        tiers=names,
        departments=tuple(org.links.departments),
        default_tiers=frozenset(c for c in catalogue if catalogue[c].tier in org.scheme),
        catalogue=tuple(catalogue),
    )


def _action(
    draw: Any, vocab: _Vocabulary, tiers: frozenset[str] | None, codes: frozenset[str] | None
) -> Action:
    """An action that works for a rule matching origins at ``tiers`` and categories ``codes``
    (``None``: any)."""
    kind = draw(st.integers(0, 4))
    if kind == 1:
        return AssignDepartment()
    if kind == 2:
        named: list[str] = []
        if vocab.departments:
            named = draw(st.lists(st.sampled_from(vocab.departments), unique=True, max_size=3))
        return JointOffice(tuple(named), property_company=not draw(st.booleans()))
    if kind == 3:
        return Mediation()
    if kind == 4:
        return Whistle(dt.timedelta(minutes=draw(st.sampled_from(_REPORT_IN))))
    # Handling at a tier: never below every tier the rule matches origins at; the default tier
    # (None) only when every category the rule takes has a default tier in the scheme.
    lowest = len(vocab.tiers) - 1
    if tiers is not None:
        lowest = max(vocab.tiers.index(t) for t in tiers)
    options: list[str | None] = list(vocab.tiers[: lowest + 1])
    if (codes if codes is not None else frozenset(vocab.catalogue)) <= vocab.default_tiers:
        options.insert(0, None)
    return HandleAt(draw(st.sampled_from(options)))


@st.composite
def _rule(draw: Any, vocab: _Vocabulary) -> Rule:
    """A rule with at least one condition (named later, by its place in the table)."""
    fields = draw(
        st.lists(st.sampled_from(tuple(vocab.pools)), min_size=1, max_size=3, unique=True)
    )
    conditions: dict[str, frozenset[Any]] = {}
    for field in fields:
        pool = vocab.pools[field]
        conditions[field] = draw(
            st.frozensets(st.sampled_from(pool), min_size=1, max_size=min(3, len(pool)))
        )
    action = _action(draw, vocab, conditions.get("tiers"), conditions.get("categories"))
    return Rule("rule", action, **conditions)


@st.composite
def _tables(draw: Any, vocab: _Vocabulary, min_rules: int, max_rules: int) -> RuleTable:
    drawn = draw(st.lists(_rule(vocab), min_size=min_rules, max_size=max_rules))
    rules = [attrs.evolve(rule, name=f"rule{k + 1}") for k, rule in enumerate(drawn)]
    rules.append(Rule.default(_action(draw, vocab, None, None)))
    return RuleTable(rules)


def rule_tables(
    org: Organisation, *, min_rules: int = 0, max_rules: int = 6
) -> st.SearchStrategy[RuleTable]:
    """Valid rule tables for ``org``: ``table.check(org)`` passes and a router accepts them.

    A table holds between ``min_rules`` and ``max_rules`` conditional rules named ``rule1``,
    ``rule2``, … and then a rule named ``default`` without conditions. Each conditional rule
    has one to three conditions, each a set of one to three values drawn from what ``org``
    has: the codes of its category catalogue, the triage colours, the tiers issues arise at
    (the grid tier and below), a small vocabulary of tags (the tags :func:`issues` draws, so
    that rules can match), the channels and the units at the grid tier or above (``under``).
    Actions are any of :class:`~gridorg.routing.HandleAt` (at a tier of the scheme never below
    the rule's origin tiers, or the default tier when every category the rule takes has one),
    :class:`~gridorg.routing.AssignDepartment`, :class:`~gridorg.routing.JointOffice` (naming
    up to three of ``org``'s departments, or none), :class:`~gridorg.routing.Mediation` and
    :class:`~gridorg.routing.Whistle`.

    Shrinks towards fewer rules, fewer conditions (a rule on the first category), fewer
    values per condition and the first action kind (handling at the default tier, else the top
    tier).
    """
    found = _check_org(org, "rule_tables")
    _check_sizes("rules", min_rules, max_rules, 0, 1000)
    names = found.scheme.names
    missing = [tier for tier in ROUTING_TIERS if tier not in names]
    if missing:
        msg = (
            f"rule_tables() needs an organisation whose scheme has the tiers "
            f"{', '.join(ROUTING_TIERS)}; {found._desc()} has {', '.join(names)}"
        )
        raise _StrategyArgumentError(msg)
    return _tables(_vocabulary(found), min_rules, max_rules)


# ---------------------------------------------------------------------- case logs

#: The states whose events carry the resolution deadline in force.
_DUE_AT = frozenset({CaseState.DISPATCHED, CaseState.ESCALATED, CaseState.EXTENDED})
#: At most this many events after a case's ``collected`` one.
_MAX_STEPS = 12
#: Time from one event to the next: up to three days, in minutes.
_STEPS = st.integers(0, 3 * 24 * 60).map(lambda n: dt.timedelta(minutes=n))
#: A deadline, after the event that sets it: an hour to thirty days, in hours.
_DUES = st.integers(1, 30 * 24).map(lambda n: dt.timedelta(hours=n))
#: A satisfaction rating on a replied, verified or closed event: none (what it shrinks to) or
#: 1 to 5.
_RATINGS = st.one_of(st.none(), st.integers(1, 5))
#: A walk: the states entered after ``collected``, with the time since the previous event, the
#: deadline the event sets (as a time after it) and the satisfaction rating it records.
_Walk = list[tuple[CaseState, dt.timedelta, dt.timedelta | None, int | None]]


#: The main line of the closed loop: the usual next state, which walks take most often.
_MAIN = {
    CaseState.COLLECTED: CaseState.FILED,
    CaseState.FILED: CaseState.DISPATCHED,
    CaseState.DISPATCHED: CaseState.HANDLING,
    CaseState.HANDLING: CaseState.REPLIED,
    CaseState.EXTENDED: CaseState.HANDLING,
    CaseState.ESCALATED: CaseState.DISPATCHED,
    CaseState.REPLIED: CaseState.VERIFIED,
    CaseState.VERIFIED: CaseState.CLOSED,
    CaseState.REOPENED: CaseState.DISPATCHED,
}


def _next_states(state: CaseState) -> list[CaseState]:
    """The states allowed after ``state``: the main-line one first, the others by code."""
    allowed = TRANSITIONS[state]
    main = _MAIN.get(state)
    first = [main] if main in allowed else []
    return first + sorted((s for s in allowed if s is not main), key=lambda s: s.code)


def _walk(draw: Any) -> _Walk:
    """A random walk over :data:`~gridorg.lifecycle.TRANSITIONS` from ``collected``."""
    walk: _Walk = []
    state = CaseState.COLLECTED
    while len(walk) < _MAX_STEPS and state not in FINAL_STATES:
        if draw(st.integers(0, 7)) == 0:  # leave the case where it is
            break
        options = _next_states(state)
        # Two draws in three take the main line; the rest spread over every allowed state.
        n = len(options)
        k = draw(st.integers(0, 3 * n - 1))
        state = options[0 if k <= 2 * n else k - 2 * n]
        step = draw(_STEPS)
        due = draw(_DUES) if state in _DUE_AT else None
        walk.append((state, step, due, draw(_RATINGS) if state in RATED_STATES else None))
    return walk


def _build(cases: list[tuple[Issue, _Walk]]) -> CaseLog:
    """The log of ``cases``, their events merged in time order (ties: case order, then step)."""
    timeline: list[tuple[dt.datetime, int, int, Issue | CaseEvent]] = []
    for k, (issue, walk) in enumerate(cases):
        timeline.append((issue.reported, k, 0, issue))
        when = issue.reported
        for n, (state, step, due, rating) in enumerate(walk, start=1):
            when += step
            deadline = None if due is None else when + due
            event = CaseEvent(issue.id, when, state, due=deadline, rating=rating)
            timeline.append((when, k, n, event))
    timeline.sort(key=lambda item: item[:3])
    log = CaseLog()
    for *_, item in timeline:
        if isinstance(item, Issue):
            log.open(item)
        else:
            log.append(item)
    return log


@st.composite
def _case(draw: Any, origins: list[str], categories: list[str]) -> tuple[Issue, _Walk]:
    """One case: its issue (with a provisional id) and its walk."""
    return _issue(draw, origins, categories, "Q"), _walk(draw)


@st.composite
def _drawn_logs(
    draw: Any, origins: list[str], categories: list[str], min_cases: int, max_cases: int
) -> CaseLog:
    cases = draw(st.lists(_case(origins, categories), min_size=min_cases, max_size=max_cases))
    return _build(
        [(attrs.evolve(issue, id=f"Q{n + 1}"), walk) for n, (issue, walk) in enumerate(cases)]
    )


@st.composite
def _given_logs(draw: Any, given: list[Issue], min_cases: int, max_cases: int) -> CaseLog:
    chosen = draw(
        st.lists(
            st.sampled_from(range(len(given))), min_size=min_cases, max_size=max_cases, unique=True
        )
    )
    return _build([(given[k], _walk(draw)) for k in chosen])


def _check_issues(org: Organisation, given: object) -> list[Issue]:
    if isinstance(given, str) or not isinstance(given, Sequence):
        msg = f"issues must be a list of Issue values or None, got {type(given).__name__}"
        raise _StrategyArgumentError(msg)
    seen: set[str] = set()
    for k, issue in enumerate(given):
        if not isinstance(issue, Issue):
            msg = f"issues[{k}] must be an Issue, got {type(issue).__name__}"
            raise _StrategyArgumentError(msg)
        if issue.id in seen:
            msg = f"issues[{k}]: issue id {issue.id!r} appears twice; case ids must be distinct"
            raise _StrategyArgumentError(msg)
        seen.add(issue.id)
        if issue.category not in org.links.categories:
            msg = (
                f"issues[{k}]: issue {issue.id!r} has category {issue.category!r}, which the "
                f"organisation's catalogue lacks"
            )
            raise _StrategyArgumentError(msg)
        if issue.origin not in org:
            msg = (
                f"issues[{k}]: issue {issue.id!r} arose at {issue.origin!r}, which is not a "
                f"unit of {org._desc()}"
            )
            raise _StrategyArgumentError(msg)
    return list(given)


def case_logs(
    org: Organisation,
    *,
    min_cases: int = 0,
    max_cases: int = 10,
    issues: Sequence[Issue] | None = None,
) -> st.SearchStrategy[CaseLog]:
    """Valid case logs: every case follows :data:`~gridorg.lifecycle.TRANSITIONS`.

    Each of ``min_cases`` to ``max_cases`` cases is opened (``collected``, with its category
    and origin registered) from an issue drawn as :func:`issues` draws them, with ids ``Q1``,
    ``Q2``, … — or from distinct issues of the list ``issues`` when given (their categories
    in ``org``'s catalogue, their origins units of ``org``; at most ``len(issues)`` cases).
    From its report time a case then walks the transition table: each step picks an allowed
    next state (mostly the main line collected, filed, dispatched, handling, replied, verified,
    closed; sometimes any other) and moves on by up to three days, in minutes (so times never
    go back), until it reaches a final state, twelve steps or a stop that leaves it open.
    Dispatched, escalated and extended events set a ``due`` deadline an hour to thirty days
    ahead; replied, verified and closed events sometimes record a satisfaction ``rating``
    (1 to 5). The events of all cases are appended in time order (ties in case order), so
    ``CaseLog`` accepts them one by one.

    Shrinks towards fewer cases, issues as :func:`issues` shrinks them (the first of the list
    given), and shorter walks that stop early, keep to the main line, take no time and record
    no rating: a
    search for a closed case ends with one case going to closed along the main line, often
    by a shortcut (collected, filed, handling, replied, closed).
    """
    found = _check_org(org, "case_logs")
    _check_sizes("cases", min_cases, max_cases, 0, None)
    _check_int("max_cases", max_cases, 0, 100_000)
    if issues is not None:
        given = _check_issues(found, issues)
        if min_cases > len(given):
            msg = f"min_cases={min_cases} is greater than the {len(given)} issues given"
            raise _StrategyArgumentError(msg)
        return _given_logs(given, min_cases, min(max_cases, len(given)))
    chosen = list(found.links.categories)
    if not chosen and max_cases > 0:
        msg = f"{found._desc()} has no issue categories for cases to be about"
        raise _StrategyArgumentError(msg)
    origins = _origins_for(found, max_cases > 0)
    if not origins or not chosen:
        return st.just(CaseLog())
    return _drawn_logs(origins, chosen, min_cases, max_cases)
