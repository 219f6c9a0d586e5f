"""Calibrated simulation scenarios of the presets, and the published outcomes they aim at.

:func:`yinjiang_scenario` and :func:`songtao_scenario` give a :class:`~gridorg.simulation.Scenario`
on each preset organisation whose simulated year 2024 (seed 0) lands near the outcomes the
report publishes for the county: demands closed online, problems solved on site or by
deliberation, by the whistle, through dual reporting (双报到) and via contact points.
:func:`outcomes` reads those figures from a :class:`~gridorg.simulation.SimulationResult`, and
:func:`published_outcomes` lists the figures with the tolerance a calibrated year keeps to.

The report gives outcomes, not rates: the rates and channel shares here are chosen so that
the outcomes come out, and say nothing more about the counties than that.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np

from gridorg._fields import describe
from gridorg._rules import JointOffice, Rule, RuleTable
from gridorg.datasets._presets import songtao, yinjiang
from gridorg.errors import ArgumentTypeError, InvalidArgumentError
from gridorg.issue import Channel
from gridorg.lifecycle import STATES, CaseState
from gridorg.routing import RoutingDecisions
from gridorg.simulation import Arrivals, Scenario, SimulationResult
from gridorg.triage import Colour

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation

#: What each key of :func:`outcomes` counts, in words.
OUTCOMES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "closed_online": "closed cases that came in online or through the gridders' app",
        "solved_on_site": "closed cases whose first routing decision is a joint office",
        "solved_by_deliberation": "closed cases whose first routing decision is mediation",
        "solved_by_whistle": (
            "closed cases a street whistled for: the first routing decision is a whistle, or "
            "the case was escalated to the departments' whistle step"
        ),
        "solved_by_dual_reporting": "closed cases reported by sunk or registered members",
        "solved_via_contact_points": "closed cases that came in through a contact point",
    }
)

#: The seed the calibration uses.
CALIBRATION_SEED: Final = 0

#: Yinjiang: mean issues a day by category (6.13 a day, about 2,240 a year).
YINJIANG_RATES: Final[Mapping[str, float]] = MappingProxyType(
    {
        "environment": 1.3,
        "urban_management": 1.0,
        "property_management": 0.9,
        "neighbour_disputes": 0.68,
        "public_facilities": 0.6,
        "civil_assistance": 0.4,
        "public_security": 0.3,
        "stability": 0.2,
        "employment": 0.2,
        "legal_services": 0.15,
        "health": 0.15,
        "market_regulation": 0.1,
        "education": 0.05,
        "emergency": 0.05,
        "petitions": 0.05,
    }
)
#: Yinjiang: channel shares (问题线上解: gridders report by phone, residents online).
YINJIANG_CHANNELS: Final[Mapping[str, float]] = MappingProxyType(
    {
        Channel.GRIDDER_APP.value: 0.40,
        Channel.ONLINE.value: 0.12,
        Channel.HOTLINE.value: 0.175,
        Channel.VISIT.value: 0.15,
        Channel.SUNK_MEMBER.value: 0.105,
        Channel.CONTACT_POINT.value: 0.05,
    }
)
#: Yinjiang: the categories of the problem list (问题清单) that go to an on-site joint office.
THREE_LISTS_CATEGORIES: Final = frozenset({"property_management", "public_facilities"})

#: Songtao: mean issues a day by category (3.4 a day, about 1,240 a year).
SONGTAO_RATES: Final[Mapping[str, float]] = MappingProxyType(
    {
        "environment": 0.7,
        "urban_management": 0.55,
        "property_management": 0.45,
        "neighbour_disputes": 0.35,
        "public_facilities": 0.35,
        "civil_assistance": 0.3,
        "public_security": 0.2,
        "stability": 0.15,
        "employment": 0.15,
        "health": 0.1,
        "legal_services": 0.05,
        "market_regulation": 0.02,
        "education": 0.01,
        "emergency": 0.01,
        "petitions": 0.01,
    }
)
#: Songtao: channel shares (双报到 members and contact points bring a large part).
SONGTAO_CHANNELS: Final[Mapping[str, float]] = MappingProxyType(
    {
        Channel.SUNK_MEMBER.value: 0.47,
        Channel.CONTACT_POINT.value: 0.075,
        Channel.GRIDDER_APP.value: 0.255,
        Channel.HOTLINE.value: 0.10,
        Channel.VISIT.value: 0.06,
        Channel.ONLINE.value: 0.04,
    }
)
#: Songtao: urgency over 1 … 4, fewer urgent matters than the default (0.3, 0.4, 0.2, 0.1).
SONGTAO_URGENCY: Final = (0.36, 0.40, 0.20, 0.04)


@attrs.frozen
class PublishedOutcome:
    """One outcome the report publishes for a county, and the range a calibrated year keeps to.

    ``key`` names the count in :func:`outcomes`; ``value`` is the published figure, a lower
    bound ("N余") when ``lower_bound`` holds, exact otherwise. A calibrated year lands in
    :attr:`bounds`: from the figure to 30 % above it for a lower bound, within 25 % either
    side for an exact figure.
    """

    key: str
    figure: str
    value: int
    lower_bound: bool
    source: str

    @property
    def bounds(self) -> tuple[int, int]:
        """The smallest and largest count (both included) a calibrated year may give."""
        if self.lower_bound:
            return self.value, math.floor(self.value * 1.3)
        return math.ceil(self.value * 0.75), math.floor(self.value * 1.25)

    def holds(self, count: int) -> bool:
        """Whether ``count`` lies within :attr:`bounds`."""
        low, high = self.bounds
        return low <= count <= high


_P = PublishedOutcome
_PUBLISHED: Final[dict[str, tuple[PublishedOutcome, ...]]] = {
    "yinjiang": (
        _P(
            "closed_online",
            "demands closed online, 2024",
            1000,
            True,
            "「2024年，通过线上受理、线下服务，有效办结群众诉求1000余条」",
        ),
        _P(
            "solved_on_site",
            "problems solved on site (三张清单)",
            300,
            True,
            "「面对面直接解决群众反映问题300余个」",
        ),
        _P(
            "solved_by_deliberation",
            "disputes and problems solved by deliberation",
            200,
            True,
            "「有效破解物业管理难点、联系服务群众、矛盾纠纷调解等问题200余个」",
        ),
        _P(
            "solved_by_dual_reporting",
            "problems solved (sunk members)",
            200,
            True,
            "「协调解决公共服务设施完善、困难群体帮扶等民生保障问题200余件」",
        ),
    ),
    "songtao": (
        _P(
            "solved_by_whistle",
            "problems solved by the whistle (街道吹哨、部门报到), 2024",
            40,
            False,
            "「2024年街道吹哨部门报到解决问题40个」",
        ),
        _P(
            "solved_by_dual_reporting",
            "problems solved by registered members",
            500,
            True,
            "「帮助社区解决问题500余个」",
        ),
        _P(
            "solved_via_contact_points",
            "problems solved via contact points",
            80,
            True,
            "「帮助协调解决问题80余个」",
        ),
    ),
}


def published_outcomes(name: str) -> tuple[PublishedOutcome, ...]:
    """The outcomes the report publishes for the preset ``name`` that a simulated year gives."""
    if not isinstance(name, str):
        msg = f"preset name must be a string, got {describe(name)}"
        raise ArgumentTypeError(msg)
    try:
        return _PUBLISHED[name]
    except KeyError:
        expected = ", ".join(repr(key) for key in _PUBLISHED)
        msg = f"unknown preset {name!r}; expected one of {expected}"
        raise InvalidArgumentError(msg) from None


def three_lists_rules() -> RuleTable:
    """The standard rule table with Yinjiang's three lists: problem-list matters on site.

    Property management and public facilities matters coloured yellow or orange go to an
    on-site joint office (现场办公) at their community; red matters are still whistled first.
    """
    standard = list(RuleTable.standard())
    three_lists = Rule(
        "three_lists_joint_office",
        JointOffice(),
        categories=THREE_LISTS_CATEGORIES,
        colours=frozenset({Colour.YELLOW, Colour.ORANGE}),
    )
    first = [rule.name for rule in standard].index("red_whistle") + 1
    return RuleTable([*standard[:first], three_lists, *standard[first:]])


def yinjiang_scenario(*, days: float = 365.0) -> Scenario:
    """Yinjiang's calibrated scenario: a simulated 2024 near the county's published outcomes.

    The :func:`~gridorg.datasets.yinjiang` organisation under :func:`three_lists_rules`, with
    the arrivals of :data:`YINJIANG_RATES` and :data:`YINJIANG_CHANNELS` and the simulation's
    defaults otherwise, from 1 January 2024 over ``days`` days. With seed 0 a year gives
    more than 1,000 demands closed online, 300 problems solved on site, 200 by deliberation
    and 200 through sunk members (see :func:`outcomes` and the datasets documentation).
    """
    arrivals = Arrivals(per_day=dict(YINJIANG_RATES), channels=dict(YINJIANG_CHANNELS))
    return Scenario(
        org=yinjiang(), arrivals=arrivals, rules=three_lists_rules(), days=days, name="yinjiang"
    )


def songtao_scenario(*, days: float = 365.0) -> Scenario:
    """Songtao's calibrated scenario: a simulated 2024 near the county's published outcomes.

    The :func:`~gridorg.datasets.songtao` organisation under the standard rules, with the
    arrivals of :data:`SONGTAO_RATES`, :data:`SONGTAO_CHANNELS` and :data:`SONGTAO_URGENCY`
    and the simulation's defaults otherwise, from 1 January 2024 over ``days`` days. With
    seed 0 a year gives about 40 problems solved by the whistle, more than 500 through dual
    reporting and more than 80 via contact points.
    """
    arrivals = Arrivals(
        per_day=dict(SONGTAO_RATES), urgency=SONGTAO_URGENCY, channels=dict(SONGTAO_CHANNELS)
    )
    return Scenario(org=songtao(), arrivals=arrivals, days=days, name="songtao")


_CLOSED = STATES.index(CaseState.CLOSED)
_ESCALATED = STATES.index(CaseState.ESCALATED)
_HANDLING = STATES.index(CaseState.HANDLING)
_DISPATCHED = STATES.index(CaseState.DISPATCHED)
_CHANNELS = tuple(Channel)
_ONLINE = frozenset({_CHANNELS.index(Channel.ONLINE), _CHANNELS.index(Channel.GRIDDER_APP)})


def _whistled_late(columns: Mapping[str, Any], org: Organisation) -> set[str]:
    """The cases escalated to the whistle step, from the log's ``columns``: an ``escalated``
    event, the street's ``dispatched``, then a department (no unit of ``org``) reporting in."""
    cases = np.asarray(columns["case"], dtype=object)
    if not len(cases):
        return set()
    _, codes = np.unique(cases, return_inverse=True)
    order = np.argsort(codes, kind="stable")  # per case, in the order events were appended
    state = np.asarray(columns["state"])[order]
    same = codes[order][1:] == codes[order][:-1]
    after = np.flatnonzero(same & (state[:-1] == _ESCALATED) & (state[1:] == _DISPATCHED)) + 1
    actors = np.asarray(columns["actor"], dtype=object)[order]
    ordered = cases[order]
    return {
        str(ordered[k])
        for k in after.tolist()
        if k + 1 < len(state)
        and ordered[k + 1] == ordered[k]
        and state[k + 1] == _HANDLING
        and actors[k + 1] not in org
    }


def outcomes(result: SimulationResult) -> dict[str, int]:
    """The published kinds of outcome, counted in one simulated run (keys of :data:`OUTCOMES`).

    A case counts when it is closed by the horizon; what else each key asks is in
    :data:`OUTCOMES`. Channels and first decisions are those of the run's routing decisions.
    """
    if not isinstance(result, SimulationResult):
        msg = f"outcomes() takes a SimulationResult, got {describe(result)}"
        raise ArgumentTypeError(msg)
    counts = dict.fromkeys(OUTCOMES, 0)
    decisions = result.decisions
    if not len(decisions):
        return counts
    if not isinstance(decisions, RoutingDecisions):
        msg = (
            "outcomes() needs the routing decisions simulate() returns (RoutingDecisions, "
            f"which keep each issue's channel), got {describe(decisions)}"
        )
        raise InvalidArgumentError(msg)
    columns = decisions.to_columns()
    names = columns["action_names"]
    actions = [names[k] for k in np.asarray(columns["action"]).tolist()]
    channels = np.asarray(columns["channel"]).tolist()
    log = result.log.to_columns()
    closed = set(np.asarray(log["case"], dtype=object)[np.asarray(log["state"]) == _CLOSED])
    late = _whistled_late(log, result.scenario.org)
    sunk = _CHANNELS.index(Channel.SUNK_MEMBER)
    contact = _CHANNELS.index(Channel.CONTACT_POINT)
    for case, action, channel in zip(columns["issue"], actions, channels, strict=True):
        if case not in closed:
            continue
        counts["closed_online"] += channel in _ONLINE
        counts["solved_on_site"] += action == "joint_office"
        counts["solved_by_deliberation"] += action == "mediation"
        counts["solved_by_whistle"] += action == "whistle" or case in late
        counts["solved_by_dual_reporting"] += channel == sunk
        counts["solved_via_contact_points"] += channel == contact
    return counts
