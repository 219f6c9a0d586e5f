"""What the escalation metrics derive from the case table: handler tiers and whistle answers.

Kept in ``inputs.cache`` so that the metrics of one ``compute`` call share the work.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt

from gridorg._casestates import from_us
from gridorg._decisions import ACTION_NAMES, WHISTLE, RoutingDecision, RoutingDecisions
from gridorg._fields import describe
from gridorg.errors import ArgumentTypeError, InvalidArgumentError
from gridorg.metrics._logs import case_table
from gridorg.whistle import whistle_report

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation
    from gridorg.metrics._registry import Inputs

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

#: The handler "tier" of a case handled last by a department.
DEPARTMENT_TIER: Final = -2
#: The handler "tier" of a case whose last handler is unnamed or neither unit nor department.
UNATTRIBUTED: Final = -1
#: The cache keys of this module.
TIERS_KEY: Final = "escalation.handler_tiers"
WHISTLES_KEY: Final = "escalation.whistles"
REPORTS_KEY: Final = "escalation.report_ins"
_MINUTE_US: Final = 60_000_000.0


def organisation_of(inputs: Inputs, name: str) -> Organisation:
    """The organisation a metric was given; an error naming the metric when there is none."""
    if inputs.org is None:
        msg = f"metric {name!r} needs an organisation (org=...), got none"
        raise InvalidArgumentError(msg)
    return inputs.org


def handler_tiers(inputs: Inputs, name: str) -> I64:
    """Per case table row, the scheme index of the tier of the unit that handled the case
    last, :data:`DEPARTMENT_TIER` for a department, :data:`UNATTRIBUTED` otherwise."""
    if TIERS_KEY not in inputs.cache:
        org = organisation_of(inputs, name)
        table = case_table(inputs)
        departments = org.links.departments
        tiers = org.column("tier")
        per_actor = np.full(len(table.actors), UNATTRIBUTED, dtype=np.int64)
        for code, actor in enumerate(table.actors):
            if actor in org:
                per_actor[code] = int(tiers[org.index(actor)])
            elif actor in departments:
                per_actor[code] = DEPARTMENT_TIER
        inputs.cache[TIERS_KEY] = per_actor[table.handler]
    result: I64 = inputs.cache[TIERS_KEY]
    return result


def decisions_of(inputs: Inputs, name: str) -> Any:
    """The routing decisions a metric was given; an error naming the metric when none."""
    if inputs.decisions is None:
        msg = f"metric {name!r} needs routing decisions (decisions=...), got none"
        raise InvalidArgumentError(msg)
    return inputs.decisions


class Whistles(NamedTuple):
    """The whistle decisions about cases of the table: their rows and the decisions."""

    rows: I64
    decisions: list[RoutingDecision]


def whistles(inputs: Inputs, name: str) -> Whistles:
    """The decisions whose action is ``whistle`` and whose case is a row of the case table
    (collected in the period), in the order given."""
    if WHISTLES_KEY not in inputs.cache:
        decisions = decisions_of(inputs, name)
        table = case_table(inputs)
        row_of = {case: row for row, case in enumerate(table.case.tolist())}
        rows: list[int] = []
        found: list[RoutingDecision] = []
        if isinstance(decisions, RoutingDecisions):
            # Read the columns; materialise only the whistles about cases of the table.
            columns = decisions.to_columns()
            for k in np.flatnonzero(columns["action"] == WHISTLE).tolist():
                row = row_of.get(columns["issue"][k])
                if row is not None:
                    rows.append(row)
                    found.append(decisions[k])
        else:
            for decision in _checked(decisions, name):
                row = row_of.get(decision.issue)
                if row is not None and decision.action == ACTION_NAMES[WHISTLE]:
                    rows.append(row)
                    found.append(decision)
        inputs.cache[WHISTLES_KEY] = Whistles(np.array(rows, dtype=np.int64), found)
    result: Whistles = inputs.cache[WHISTLES_KEY]
    return result


def _checked(decisions: object, name: str) -> list[RoutingDecision]:
    if isinstance(decisions, str | bytes | Mapping) or not isinstance(decisions, Iterable):
        msg = f"metric {name!r}: decisions must be routing decisions, got {describe(decisions)}"
        raise ArgumentTypeError(msg)
    found: list[RoutingDecision] = []
    for k, decision in enumerate(decisions):
        if not isinstance(decision, RoutingDecision):
            msg = (
                f"metric {name!r}: decisions must be RoutingDecision values, got "
                f"{describe(decision)} at index {k}"
            )
            raise ArgumentTypeError(msg)
        found.append(decision)
    return found


class ReportIns(NamedTuple):
    """One row per (whistle, named department): the case table row, the minutes from the
    case's collection to the department's report-in (NaN when it has not reported in) and
    whether it reported in by the whistle's ``report_by``."""

    rows: I64
    minutes: F64
    on_time: Bools


def report_ins(inputs: Inputs, name: str) -> ReportIns:
    """The departments' answers to the whistles of the period, read from the log as of the
    end of the period (see :func:`gridorg.whistle.whistle_report`)."""
    if REPORTS_KEY not in inputs.cache:
        table = case_table(inputs)
        found = whistles(inputs, name)
        at = None if table.period is None else from_us(table.end - 1)
        rows: list[int] = []
        minutes: list[float] = []
        on_time: list[bool] = []
        for row, decision in zip(found.rows.tolist(), found.decisions, strict=True):
            collected = from_us(int(table.collected[row]))
            for answer in whistle_report(decision, table.log, at=at).reports:
                rows.append(row)
                minutes.append(_minutes(collected, answer.reported))
                on_time.append(answer.on_time)
        inputs.cache[REPORTS_KEY] = ReportIns(
            np.array(rows, dtype=np.int64),
            np.array(minutes, dtype=np.float64),
            np.array(on_time, dtype=np.bool_),
        )
    result: ReportIns = inputs.cache[REPORTS_KEY]
    return result


def _minutes(start: dt.datetime, end: dt.datetime | None) -> float:
    if end is None:
        return math.nan
    return (end - start) / dt.timedelta(microseconds=1) / _MINUTE_US
