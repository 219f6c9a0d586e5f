"""The 接诉即办 three rates: response, resolution and satisfaction, and their composite score.

接诉即办 ("answer every call, act on every complaint") is Beijing's practice for the 12345
citizen hotline: every call becomes a case, and each district, street and department is
ranked by three rates — the response rate (响应率), the resolution rate (解决率) and the
satisfaction rate (满意率) — and a weighted composite of them. The source describes demands
collected and closed (DOMAIN.md §4) but names no definitions or weights for the rates; the
definitions and weights here are gridorg's defaults, each configurable through
:class:`ThreeRates` (pass ``options={"rates": ThreeRates(...)}`` to ``compute``).

As in every case metric, the cases counted are those *collected* in the period, read *as of
the end of the period* (events at or after the end are not yet known; see
:mod:`gridorg.metrics.cases`). The base of every rate is those cases, less the
cases *withdrawn* — cancelled (撤销) or marked duplicate (重复): those were never the
organisation's to answer. Each rate is ``NaN`` when its base is empty (no cases, or no rated
case for satisfaction); nothing here raises for an empty log.

- **response rate**: responded ÷ base, where a case is responded when it was filed (受理)
  within ``response_within`` (two hours) of its collection. Rejected cases (不予受理) are in
  the base and not responded. The window is a fixed span rather than each case's ``due``: a
  log's ``due`` is the *resolution* deadline set on filing, dispatch, escalation or extension,
  not a response deadline, and one window keeps the rate comparable across places.
- **resolution rate**: resolved ÷ base, where a case is resolved when its state after its last
  event is one of ``resolved_states`` (``closed``).
- **satisfaction rate**: satisfied ÷ rated cases of the base, from each case's latest rating
  (1-5) and ``satisfied_at`` (4).
- **composite**: 100 × (w₁ response + w₂ resolution + w₃ satisfaction), in points, with the
  ``weights`` (0.2, 0.4, 0.4); ``NaN`` when a rate with a positive weight is ``NaN``.

Every rate can be broken down by ``month`` or ``quarter`` (of collection, China Standard
Time), by ``unit`` (the case's origin) and by ``street`` or ``community`` (of the origin; these
two need ``org=``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from gridorg._casestates import NO_RATING, NO_TIME
from gridorg._fields import describe
from gridorg.errors import ArgumentTypeError
from gridorg.lifecycle import CaseState
from gridorg.metrics._case_reductions import share
from gridorg.metrics._logs import CASE_BREAKDOWNS, CaseTable, case_table
from gridorg.metrics._rates_support import combine
from gridorg.metrics._registry import Inputs, Value, metric
from gridorg.metrics._three_rates import (
    WITHDRAWN,
    check_satisfied_at,
    check_within,
    resolved_states,
    weights,
)

__all__ = [
    "SOURCE",
    "ThreeRates",
    "composite",
    "options_of",
    "resolution_rate",
    "response_rate",
    "satisfaction_rate",
]

Bools = npt.NDArray[np.bool_]


@attrs.frozen(kw_only=True)
class ThreeRates:
    """How the 接诉即办 three rates are defined and weighed: the options of the ``rates`` set.

    - ``response_within``: a case is *responded* (响应) when it is filed (受理) no later than
      this after it was collected (default two hours).
    - ``satisfied_at``: a rated case is *satisfied* (满意) when its latest rating is at least
      this (1-5, default 4: satisfied or very satisfied).
    - ``resolved_states``: a case is *resolved* (解决) when its state after its last event is
      one of these (states or their names; default ``{closed}``; cancelled and duplicate are
      refused, those cases are outside the base). To count every answered case that was not
      reopened since, give ``{"replied", "verified", "closed"}``.
    - ``weights``: the weights of response, resolution and satisfaction in the composite score
      (default ``(0.2, 0.4, 0.4)``; finite, non-negative, summing to 1).

    These are gridorg's configurable defaults: the three rates come from Beijing's 12345
    hotline practice (接诉即办), and the source names no figures for them. Bad values raise
    :class:`~gridorg.ArgumentTypeError` (wrong type) or :class:`~gridorg.InvalidArgumentError`.

    >>> ThreeRates(weights=(0.25, 0.25, 0.5)).weights
    (0.25, 0.25, 0.5)
    """

    response_within: dt.timedelta = attrs.field(
        default=dt.timedelta(hours=2), validator=check_within
    )
    satisfied_at: int = attrs.field(default=4, validator=check_satisfied_at)
    resolved_states: frozenset[CaseState] = attrs.field(
        default=frozenset({CaseState.CLOSED}), converter=resolved_states
    )
    weights: tuple[float, float, float] = attrs.field(default=(0.2, 0.4, 0.4), converter=weights)


_SET = ("rates",)
_NEEDS = ("log",)
SOURCE: Final = (
    "接诉即办 (Beijing 12345 hotline practice); definitions and weights: gridorg defaults "
    "(ThreeRates)"
)
_US: Final = dt.timedelta(microseconds=1)
_WITHDRAWN_CODES = np.array([state.code for state in WITHDRAWN], dtype=np.uint8)

Result = Value | Mapping[str, Value]


def options_of(inputs: Inputs) -> ThreeRates:
    """The ``rates`` options of a ``compute`` call (:class:`ThreeRates`; the defaults when
    none are given)."""
    found = inputs.options.get("rates", _DEFAULT)
    if not isinstance(found, ThreeRates):
        msg = f"options['rates'] must be a ThreeRates, got {describe(found)}"
        raise ArgumentTypeError(msg)
    return found


def _base(table: CaseTable) -> Bools:
    """The cases of the period that were not withdrawn (cancelled or duplicate)."""
    result: Bools = ~np.isin(table.state, _WITHDRAWN_CODES)
    return result


@metric(
    "rates.response_rate",
    needs=_NEEDS,
    unit="share",
    description="Response rate (响应率): cases filed within the response window among the "
    "cases not withdrawn.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="count(filed - collected <= response_within) / count(not cancelled or duplicate)",
    source=SOURCE,
)
def response_rate(inputs: Inputs) -> Result:
    """Response rate (响应率): the share of cases filed within ``response_within`` of collection.

    Formula: ``count(filed and filed - collected <= response_within) / base``, where the base
    is the cases collected in the period that are not cancelled or duplicate by its end, and
    ``filed`` the time of the case's filed (受理) event. ``response_within`` is two hours by
    default (:class:`ThreeRates`). ``NaN`` when the base is empty. Source: 接诉即办 (Beijing
    12345 practice); the definition and window are gridorg's defaults.
    """
    table = case_table(inputs)
    within = options_of(inputs).response_within // _US
    filed = table.filed != NO_TIME
    on_time = filed & (table.filed - np.where(filed, table.collected, 0) <= within)
    return share(inputs, on_time, _base(table), "rates.response_rate")


@metric(
    "rates.resolution_rate",
    needs=_NEEDS,
    unit="share",
    description="Resolution rate (解决率): cases resolved among the cases not withdrawn.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="count(state in resolved_states) / count(not cancelled or duplicate)",
    source=SOURCE,
)
def resolution_rate(inputs: Inputs) -> Result:
    """Resolution rate (解决率): the share of cases resolved by the end of the period.

    Formula: ``count(state in resolved_states) / base`` — the state after the case's last
    event before the end; ``resolved_states`` is ``{closed}`` by default
    (:class:`ThreeRates`); the base as for :func:`response_rate`. ``NaN`` when the base is
    empty. Source: 接诉即办 (Beijing 12345 practice); the definition is gridorg's default.
    """
    table = case_table(inputs)
    codes = np.array([state.code for state in options_of(inputs).resolved_states], np.uint8)
    return share(inputs, np.isin(table.state, codes), _base(table), "rates.resolution_rate")


@metric(
    "rates.satisfaction_rate",
    needs=_NEEDS,
    unit="share",
    description="Satisfaction rate (满意率): rated cases whose latest rating is satisfied.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="count(latest rating >= satisfied_at) / count(rated)",
    source=SOURCE,
)
def satisfaction_rate(inputs: Inputs) -> Result:
    """Satisfaction rate (满意率): the share of rated cases whose resident was satisfied.

    Formula: ``count(latest rating >= satisfied_at) / count(rated)``, over the cases of the
    base (see :func:`response_rate`) with at least one rating (1-5, carried by replied,
    verified or closed events) by the end; a case's latest rating counts. ``satisfied_at`` is
    4 by default (:class:`ThreeRates`). ``NaN`` when no case is rated. Source: 接诉即办
    (Beijing 12345 practice); the definition and threshold are gridorg's defaults.
    """
    table = case_table(inputs)
    rated = (table.rating != NO_RATING) & _base(table)
    satisfied = table.rating >= options_of(inputs).satisfied_at
    return share(inputs, satisfied, rated, "rates.satisfaction_rate")


@metric(
    "rates.composite",
    needs=_NEEDS,
    unit="points",
    description="The three rates' composite score: their weighted sum, in points out of 100.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="100 × (w_response × response + w_resolution × resolution "
    "+ w_satisfaction × satisfaction)",
    source=SOURCE,
)
def composite(inputs: Inputs) -> Result:
    """The composite score of the three rates, from 0 to 100 points.

    Formula: ``100 × (w₁ × response_rate + w₂ × resolution_rate + w₃ × satisfaction_rate)``
    with the ``weights`` of :class:`ThreeRates` (0.2, 0.4, 0.4 by default). A rate of weight 0
    is left out; ``NaN`` when a rate of positive weight is ``NaN`` (no case, or no rating).
    Source: 接诉即办 (Beijing 12345 practice); the weights are gridorg's defaults (the source
    names none).
    """
    parts = [response_rate(inputs), resolution_rate(inputs), satisfaction_rate(inputs)]
    return combine(parts, options_of(inputs).weights, 100.0)


_DEFAULT = ThreeRates()
