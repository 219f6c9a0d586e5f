"""The escalation profile: where cases are resolved, how often they climb, whistles, claims.

Residents' matters climb the organisation only as far as they must: household head and
gridder, grid, community, street, then the departments (DOMAIN.md §4). The 枫桥 slogan
小事不出网格、大事不出社区 — small matters stay in the grid, large ones in the community —
is the yardstick, and 街道吹哨、部门报到 (the street blows the whistle, the departments report
in) the last step. These metrics measure that profile from a case log, the organisation and,
for the whistles, the routing decisions; the counting rules are gridorg's.

**Which cases.** As in every case metric, the cases *collected* in the period, read *as of
the end of the period* (events at or after the end are not yet known); without a period, the
whole log (see :mod:`gridorg.metrics.cases`).

**Who resolved a case.** The *handler* of a case is the ``actor`` of its last ``handling``
event. A handler that is a unit of the organisation resolved the case at that unit's tier; a
department (职能部门, a partner of the organisation) at the tier ``"department"``; anything
else — no handling event, an unnamed actor, a person or an id the organisation lacks — is
*unattributed*. Shares of resolved cases are over every closed (结案) case, unattributed ones
included, so the shares by tier and ``"unattributed"`` add up to 1.

**Empty inputs.** Counts are 0; shares and means are ``NaN`` when their base is empty (no
closed case, no filed case, no whistle, no listed problem). Nothing raises for an empty log.

**Breakdowns.** The metrics over cases support ``by="month"`` or ``"quarter"`` (of
collection, China Standard Time), ``"unit"`` (origin) and ``"street"`` or ``"community"`` (of
the origin); :func:`resolved_at_tier` is broken down ``by="tier"``; :func:`claim_rate` by the
street, community or quarter the problem lists are drawn up for.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from gridorg._casestates import NO_TIME
from gridorg._fields import describe
from gridorg.errors import ArgumentTypeError, InvalidArgumentError
from gridorg.lists import problem_list, quarter_bounds, service_list
from gridorg.metrics import _escalation_support as support
from gridorg.metrics._case_reductions import pair_count, pair_mean, share
from gridorg.metrics._escalation_support import (
    DEPARTMENT_TIER,
    UNATTRIBUTED,
    handler_tiers,
    organisation_of,
    report_ins,
)
from gridorg.metrics._logs import CASE_BREAKDOWNS, case_table, group_index
from gridorg.metrics._org_groups import check_by
from gridorg.metrics._registry import Inputs, Value, metric

__all__ = [
    "DEPARTMENT",
    "SOURCE",
    "UNATTRIBUTED_KEY",
    "claim_rate",
    "community_share",
    "escalation_rate",
    "grid_share",
    "report_in_minutes",
    "report_in_on_time",
    "resolved_at_tier",
    "whistles",
]

#: The key of the cases resolved by departments in :func:`resolved_at_tier`.
DEPARTMENT: Final = "department"
#: The key of the closed cases whose handler is neither a unit nor a department.
UNATTRIBUTED_KEY: Final = "unattributed"
SOURCE: Final = "DOMAIN.md §4 (escalation; 小事不出网格、大事不出社区); definition: gridorg"
_WHISTLE_SOURCE: Final = "DOMAIN.md §4 (街道吹哨、部门报到); definition: gridorg"
_LISTS_SOURCE: Final = "DOMAIN.md §4 (三张清单); definition: gridorg.lists"
_SET = ("escalation",)
_CASE_NEEDS = ("log", "org")
_WHISTLE_NEEDS = ("log", "decisions")
_LIST_BREAKDOWNS = ("street", "community", "quarter")

Result = Value | Mapping[str, Value]
Bools = npt.NDArray[np.bool_]


@metric(
    "escalation.resolved_at_tier",
    needs=_CASE_NEEDS,
    unit="share",
    description="Share of closed cases resolved at each tier (by tier), or in the grid (overall).",
    by=("tier",),
    sets=_SET,
    formula="count(closed, handler at tier t) / count(closed), for each tier t and "
    "'department'; overall: the grid share",
    source=SOURCE,
)
def resolved_at_tier(inputs: Inputs) -> Result:
    """The share of closed cases resolved at each tier: the escalation profile.

    Formula: ``count(closed and handler at tier t) / count(closed)`` for every tier ``t`` of
    the scheme and for ``"department"`` (see the module notes for the handler), plus
    ``"unattributed"`` when some closed case has no attributable handler; the values then add
    up to 1. Its natural shape is ``by="tier"``; the overall value (no breakdown) is the grid
    share, :func:`grid_share` — "small matters stay in the grid". ``NaN`` when no case is
    closed. Source: DOMAIN.md §4 (household head / gridder → grid → community → street →
    departments); definition: gridorg.
    """
    name = "escalation.resolved_at_tier"
    by = check_by(inputs, name, ("tier",))
    if by is None:
        return _share_within(inputs, "grid", name)
    org = organisation_of(inputs, name)
    tiers = handler_tiers(inputs, name)[case_table(inputs).is_closed]
    counts = np.bincount(tiers + 2, minlength=len(org.scheme.names) + 2)
    total = len(tiers)

    def part(count: int) -> float:
        return count / total if total else math.nan

    result = {tier: part(int(counts[k + 2])) for k, tier in enumerate(org.scheme.names)}
    result[DEPARTMENT] = part(int(counts[DEPARTMENT_TIER + 2]))
    if counts[UNATTRIBUTED + 2]:
        result[UNATTRIBUTED_KEY] = part(int(counts[UNATTRIBUTED + 2]))
    return result


def _share_within(inputs: Inputs, tier: str, name: str) -> Result:
    """The share of closed cases handled last by a unit at ``tier`` or below it."""
    org = organisation_of(inputs, name)
    table = case_table(inputs)
    closed = table.is_closed
    if tier not in org.scheme.names:  # the scheme has no such tier: undefined
        closed = np.zeros(len(table), dtype=np.bool_)
        within = closed
    else:
        within = handler_tiers(inputs, name) >= org.scheme.index(tier)
    return share(inputs, within, closed, name)


@metric(
    "escalation.grid_share",
    needs=_CASE_NEEDS,
    unit="share",
    description="Grid share (小事不出网格): closed cases resolved in the grid or below it.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="count(closed, handler at grid tier or below) / count(closed)",
    source=SOURCE,
)
def grid_share(inputs: Inputs) -> Result:
    """Grid share (小事不出网格): the share of closed cases resolved within the grid.

    Formula: ``count(closed and handler a unit at the grid tier or below) / count(closed)``
    (see the module notes for the handler; a department or an unattributed handler is outside
    the grid). ``NaN`` when no case is closed or the scheme has no grid tier. Source:
    DOMAIN.md §4 (小事不出网格、大事不出社区); definition: gridorg.
    """
    return _share_within(inputs, "grid", "escalation.grid_share")


@metric(
    "escalation.community_share",
    needs=_CASE_NEEDS,
    unit="share",
    description="Community share (大事不出社区): closed cases resolved in the community or "
    "below it.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="count(closed, handler at community tier or below) / count(closed)",
    source=SOURCE,
)
def community_share(inputs: Inputs) -> Result:
    """Community share (大事不出社区): the share of closed cases resolved within the community.

    Formula: ``count(closed and handler a unit at the community tier or below) /
    count(closed)``: the community, its grids and households; it includes the grid share.
    ``NaN`` when no case is closed or the scheme has no community tier. Source: DOMAIN.md §4
    (小事不出网格、大事不出社区); definition: gridorg.
    """
    return _share_within(inputs, "community", "escalation.community_share")


@metric(
    "escalation.escalation_rate",
    needs=("log",),
    unit="share",
    description="Escalation rate (上报率): filed cases escalated at least once.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="count(filed, escalated) / count(filed)",
    source=SOURCE,
)
def escalation_rate(inputs: Inputs) -> Result:
    """Escalation rate (上报率): the share of filed cases escalated (上报) at least once.

    Formula: ``count(case has an escalated event) / count(case has a filed event)``, by the
    end of the period (a case is escalated only after it is filed). ``NaN`` when no case is
    filed. Source: DOMAIN.md §4 (escalation: grid → community → street → departments);
    definition: gridorg.
    """
    table = case_table(inputs)
    filed = table.filed != NO_TIME
    return share(inputs, table.escalated, filed, "escalation.escalation_rate")


@metric(
    "escalation.whistles",
    needs=_WHISTLE_NEEDS,
    unit="whistles",
    description="Whistles blown (街道吹哨): routing decisions of action whistle about cases of "
    "the period.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="count(decisions with action = whistle whose case is in the period)",
    source=_WHISTLE_SOURCE,
)
def whistles(inputs: Inputs) -> Result:
    """Whistles blown (街道吹哨): the whistle decisions about cases collected in the period.

    Formula: ``count(decision.action == "whistle" and decision.issue is a case of the
    period)``. Decisions about cases the log lacks, or collected outside the period, are not
    counted; every whistle decision given counts (an issue routed and escalated to a whistle
    again counts twice). Source: DOMAIN.md §4 (街道吹哨、部门报到); definition: gridorg.
    """
    name = "escalation.whistles"
    found = support.whistles(inputs, name)
    return pair_count(found.rows, group_index(inputs, name))


@metric(
    "escalation.report_in_minutes",
    needs=_WHISTLE_NEEDS,
    unit="minutes",
    description="Departments' mean report-in time (部门报到): minutes from a whistled case's "
    "collection to each department's report-in.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="mean(report-in time - collected) over the departments of whistles that reported in",
    source=_WHISTLE_SOURCE,
)
def report_in_minutes(inputs: Inputs) -> Result:
    """Departments' report-in time (部门报到): mean minutes from collection to report-in.

    For every whistle decision about a case of the period (:func:`whistles`),
    :func:`gridorg.whistle.whistle_report` finds when each department it names reported in
    (its first event of the case as actor, up to the end of the period). Formula:
    ``mean(reported - collected)`` in minutes over the (whistle, department) pairs that
    reported in; ``collected`` is the case's first event, when the matter was reported and a
    direct whistle's clock starts. Departments that have not reported in are left out (see
    :func:`report_in_on_time`). ``NaN`` when none reported in. Source: DOMAIN.md §4
    (街道吹哨、部门报到); definition: gridorg.
    """
    name = "escalation.report_in_minutes"
    found = report_ins(inputs, name)
    reported = ~np.isnan(found.minutes)
    return pair_mean(found.minutes[reported], found.rows[reported], group_index(inputs, name))


@metric(
    "escalation.report_in_on_time",
    needs=_WHISTLE_NEEDS,
    unit="share",
    description="Share of whistled departments that reported in by the deadline (report_by).",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="count(reported in by report_by) / count(departments named by whistles)",
    source=_WHISTLE_SOURCE,
)
def report_in_on_time(inputs: Inputs) -> Result:
    """On-time report-in (按时报到): the share of whistled departments in by ``report_by``.

    Formula: ``count(pairs reported in by report_by) / count(pairs)`` over the (whistle,
    department) pairs of the whistles about cases of the period; a department that has not
    reported in by the end counts as late. ``NaN`` when no whistle names a department.
    Source: DOMAIN.md §4 (街道吹哨、部门报到); definition: gridorg.
    """
    name = "escalation.report_in_on_time"
    found = report_ins(inputs, name)
    return pair_mean(found.on_time.astype(np.float64), found.rows, group_index(inputs, name))


@metric(
    "escalation.claim_rate",
    needs=_CASE_NEEDS,
    unit="share",
    description="Three-lists claim rate (认领率): listed problems that departments claimed.",
    by=_LIST_BREAKDOWNS,
    sets=_SET,
    formula="len(service_list.claims) / len(problem_list)",
    source=_LISTS_SOURCE,
)
def claim_rate(inputs: Inputs) -> Result:
    """Three-lists claim rate (认领率): the share of listed problems a department claimed.

    The problem list (问题清单) of the period is drawn up with
    :func:`gridorg.lists.problem_list` (``start``/``end`` the period; the whole log without
    one) and the departments claim from it with :func:`gridorg.lists.service_list`; the rate
    is its ``claim_rate``: ``claimed / listed``. Options ``options={"lists": {"capacity": 3,
    "min_count": 2}}`` set each department's capacity and the demands that make a problem
    recur (those are the defaults). ``by="street"`` or ``"community"`` gives each place's
    service list (``service_list(..., at=place)``), for the places where cases of the period
    arose; ``by="quarter"`` a problem list per quarter (within the period). ``NaN`` when no
    problem is listed. The lists need each case's category and origin registered (see
    :func:`gridorg.lists.problem_list`, which raises otherwise). Source: DOMAIN.md §4
    (三张清单); definition: gridorg.lists.
    """
    name = "escalation.claim_rate"
    by = check_by(inputs, name, _LIST_BREAKDOWNS)
    org = organisation_of(inputs, name)
    capacity, min_count = _list_options(inputs)
    start, end = inputs.period if inputs.period is not None else (None, None)
    groups = group_index(inputs, name)
    log = case_table(inputs).log
    if by is None or groups is None:
        problems = problem_list(log, org, start=start, end=end, min_count=min_count)
        return service_list(problems, org, capacity=capacity).claim_rate
    if by == "quarter":
        result: dict[str, Value] = {}
        for key in groups.keys:
            low, high = quarter_bounds(key)
            low = low if start is None else max(low, start)
            high = high if end is None else min(high, end)
            problems = problem_list(log, org, start=low, end=high, min_count=min_count)
            result[key] = service_list(problems, org, capacity=capacity).claim_rate
        return result
    problems = problem_list(log, org, start=start, end=end, min_count=min_count)
    return {
        key: service_list(problems, org, capacity=capacity, at=key).claim_rate
        for key in groups.keys
    }


def _list_options(inputs: Inputs) -> tuple[Any, Any]:
    """The ``lists`` options: capacity and min_count (checked where the lists use them)."""
    found = inputs.options.get("lists", {})
    if not isinstance(found, Mapping):
        msg = f"options['lists'] must be a mapping like {{'capacity': 3}}, got {describe(found)}"
        raise ArgumentTypeError(msg)
    unknown = sorted(map(str, set(found) - {"capacity", "min_count"}))
    if unknown:
        msg = (
            "options['lists'] takes the keys capacity and min_count, got "
            f"{', '.join(map(repr, unknown))}"
        )
        raise InvalidArgumentError(msg)
    return found.get("capacity", 3), found.get("min_count", 2)
