"""Digital urban management (数字城管) case indicators: filed, dispatched, closed and their rates.

Digital urban management (数字化城市管理) runs every case through one loop — collected (收集),
filed (立案), dispatched (派遣), handled (处置), replied (答复), verified (核查), closed (结案) —
and assesses places and departments by a handful of indicators whose names follow the practice
of the national standard series for digital urban management information systems (GB/T 30428).
The standard names the indicators; the exact counting rules below are gridorg's, stated here
so that a figure can be checked by hand.

**Which cases.** Every metric counts the cases *collected* (first event) in the period passed
to ``compute`` — every case of the log without a period — read *as of the end of the
period*: events at or after the end are not yet known (a case closed the day after the period
is open in it). Without a period the log is read to its last event. Call that bound the *end*.

**Empty inputs.** With no case (an empty log or an empty period) counts are 0 and rates and
means are ``NaN``; a rate whose base is empty (nothing due, nothing replied, nothing
dispatched, nothing filed) is ``NaN``. Nothing here raises for an empty log.

**Breakdowns.** Every metric supports ``by="month"`` or ``"quarter"`` (of the collection time,
China Standard Time), ``"unit"`` (the case's origin unit), and ``"street"`` or
``"community"`` (the origin's street or community; these need ``org=``). Cases without a key
(unregistered, or arising outside the organisation) are left out of a breakdown; the counts
of the keys then sum to the overall count when every case is placed. A key appears in every
metric of the set as soon as one case of the period has it (a count of 0, a rate of ``NaN``
when its base is empty there).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from gridorg._casestates import NO_TIME
from gridorg.metrics._case_reductions import mean, share, tally
from gridorg.metrics._logs import CASE_BREAKDOWNS, CaseTable, case_table
from gridorg.metrics._registry import Inputs, Value, metric

__all__ = [
    "closed",
    "closure_rate",
    "dispatched",
    "due",
    "extension_rate",
    "filed",
    "mean_handling_hours",
    "on_time_closure_rate",
    "rework_rate",
    "self_disposal_share",
]

#: The source of every indicator of the set: the names follow the standard, the counting
#: rules are gridorg's.
SOURCE: Final = "数字化城市管理 practice, indicator names as in GB/T 30428; definition: gridorg"
_HOUR_US: Final = 3_600_000_000.0
_SET = ("cases",)
_NEEDS = ("log",)

Result = Value | dict[str, int] | dict[str, float]


def _is_due(table: CaseTable) -> npt.NDArray[np.bool_]:
    """Cases that should be closed by the end: closed, or open with their deadline passed."""
    passed = (table.due != NO_TIME) & (table.due < table.end) & ~table.is_final
    result: npt.NDArray[np.bool_] = table.is_closed | passed
    return result


@metric(
    "cases.filed",
    needs=_NEEDS,
    unit="cases",
    description="Cases filed (立案数): collected cases accepted onto the books.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="count of cases with a filed event",
    source=SOURCE,
)
def filed(inputs: Inputs) -> Result:
    """Cases filed (立案数): the cases of the period with a filed (受理/立案) event by the end.

    Formula: ``count(case has a filed event)``. Cases rejected (不予受理), marked duplicate
    or cancelled straight after collection are not filed. Source: 数字化城市管理 practice
    (GB/T 30428 indicator name); definition: gridorg.
    """
    table = case_table(inputs)
    return tally(inputs, table.filed != NO_TIME, "cases.filed")


@metric(
    "cases.dispatched",
    needs=_NEEDS,
    unit="cases",
    description="Cases dispatched (派遣数): cases sent to a handling unit or department.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="count of cases with at least one dispatched event",
    source=SOURCE,
)
def dispatched(inputs: Inputs) -> Result:
    """Cases dispatched (派遣数): the cases of the period dispatched at least once by the end.

    Formula: ``count(case has a dispatched event)``; a case dispatched again after an
    escalation or a rework counts once. Self-disposed cases (filed → handling by the grid) are
    not dispatched. Source: 数字化城市管理 practice (GB/T 30428 indicator name); definition:
    gridorg.
    """
    table = case_table(inputs)
    return tally(inputs, table.dispatched != NO_TIME, "cases.dispatched")


@metric(
    "cases.closed",
    needs=_NEEDS,
    unit="cases",
    description="Cases closed (结案数): cases in state closed at the end of the period.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="count of cases whose last event is closed",
    source=SOURCE,
)
def closed(inputs: Inputs) -> Result:
    """Cases closed (结案数): the cases of the period in state closed (结案) at the end.

    Formula: ``count(last state = closed)``. Cancelled, duplicate and rejected cases end the
    loop too but are not closed. Source: 数字化城市管理 practice (GB/T 30428 indicator name);
    definition: gridorg.
    """
    table = case_table(inputs)
    return tally(inputs, table.is_closed, "cases.closed")


@metric(
    "cases.due",
    needs=_NEEDS,
    unit="cases",
    description="Cases due (应结案数): cases closed, or open with their deadline passed.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="count(closed) + count(not final and deadline in force < end)",
    source=SOURCE,
)
def due(inputs: Inputs) -> Result:
    """Cases due (应结案数): the cases of the period that should be closed by the end.

    A case is due when it is closed by the end (early or late), or when it is still open (not
    in a final state) and its deadline in force — the ``due`` of its latest event carrying
    one, after extensions and escalations — falls before the end. Open cases without a
    deadline, open cases whose deadline is later, and cancelled, duplicate or rejected cases
    are not due. Formula: ``count(closed) + count(not final and due < end)``. Source:
    数字化城市管理 practice (GB/T 30428 indicator name); definition: gridorg.
    """
    return tally(inputs, _is_due(case_table(inputs)), "cases.due")


@metric(
    "cases.closure_rate",
    needs=_NEEDS,
    unit="share",
    description="Closure rate (结案率): cases closed among the cases due.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="closed / due",
    source=SOURCE,
)
def closure_rate(inputs: Inputs) -> Result:
    """Closure rate (结案率): closed ÷ due, a share from 0 to 1.

    Formula: ``cases.closed / cases.due`` (see :func:`due`: every closed case is due, so the
    rate is at most 1). ``NaN`` when no case is due. Source: 数字化城市管理 practice
    (GB/T 30428 indicator name); definition: gridorg.
    """
    table = case_table(inputs)
    return share(inputs, table.is_closed, _is_due(table), "cases.closure_rate")


@metric(
    "cases.on_time_closure_rate",
    needs=_NEEDS,
    unit="share",
    description="On-time closure rate (按期结案率): cases closed by their deadline among the "
    "cases due.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="closed on time / due",
    source=SOURCE,
)
def on_time_closure_rate(inputs: Inputs) -> Result:
    """On-time closure rate (按期结案率): cases closed on time ÷ cases due.

    A closed case is on time when it was closed no later than its deadline in force (the
    latest ``due`` its events carried), or when it never had a deadline. Formula:
    ``count(closed and (no due or closed time <= due)) / cases.due``. ``NaN`` when no case is
    due. Source: 数字化城市管理 practice (GB/T 30428 indicator name); definition: gridorg.
    """
    table = case_table(inputs)
    on_time = table.is_closed & ((table.due == NO_TIME) | (table.closed <= table.due))
    return share(inputs, on_time, _is_due(table), "cases.on_time_closure_rate")


@metric(
    "cases.rework_rate",
    needs=_NEEDS,
    unit="share",
    description="Rework rate (返工率): cases reopened among the cases replied.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="cases reopened / cases replied",
    source=SOURCE,
)
def rework_rate(inputs: Inputs) -> Result:
    """Rework rate (返工率): the cases sent back for rework ÷ the cases replied.

    A case is reopened (返工) when the resident or the on-site check finds the reply wrong;
    it counts once however often it was reopened. Formula: ``count(case has a reopened event)
    / count(case has a replied event)`` (only a replied case can be reopened, so the rate is
    at most 1). ``NaN`` when no case was replied. Source: 数字化城市管理 practice (GB/T 30428
    indicator name); definition: gridorg.
    """
    table = case_table(inputs)
    return share(inputs, table.reopened, table.replied != NO_TIME, "cases.rework_rate")


@metric(
    "cases.extension_rate",
    needs=_NEEDS,
    unit="share",
    description="Extension rate (延期率): dispatched cases whose deadline was extended.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="cases dispatched and extended / cases dispatched",
    source=SOURCE,
)
def extension_rate(inputs: Inputs) -> Result:
    """Extension rate (延期率): the dispatched cases extended (延期) ÷ the cases dispatched.

    Formula: ``count(dispatched and has an extended event) / cases.dispatched``. A
    self-disposed case extended by the grid is outside both counts. ``NaN`` when no case was
    dispatched. Source: 数字化城市管理 practice (GB/T 30428 indicator name); definition:
    gridorg.
    """
    table = case_table(inputs)
    sent = table.dispatched != NO_TIME
    return share(inputs, table.extended, sent, "cases.extension_rate")


@metric(
    "cases.mean_handling_hours",
    needs=_NEEDS,
    unit="hours",
    description="Mean handling time (平均处置时长): hours from the first dispatch to the "
    "first reply after it.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="mean(first replied after dispatch - first dispatched) in hours",
    source=SOURCE,
)
def mean_handling_hours(inputs: Inputs) -> Result:
    """Mean handling time in hours: from a case's first dispatch (派遣) to its first reply
    (答复) at or after it, averaged over the cases with both by the end.

    Formula: ``mean((first replied at or after the first dispatch - first dispatched) /
    1 h)``. Calendar hours, not working hours. Cases never dispatched (self-disposed) or not
    yet replied are left out; ``NaN`` when there is none. Source: 数字化城市管理 practice;
    definition: gridorg.
    """
    table = case_table(inputs)
    both = (table.dispatched != NO_TIME) & (table.replied_after_dispatch != NO_TIME)
    span = np.where(both, table.replied_after_dispatch - table.dispatched, 0) / _HOUR_US
    return mean(inputs, span, both, "cases.mean_handling_hours")


@metric(
    "cases.self_disposal_share",
    needs=_NEEDS,
    unit="share",
    description="Self-disposal share (自处置率): filed cases the grid handled itself, without "
    "dispatch.",
    by=CASE_BREAKDOWNS,
    sets=_SET,
    formula="cases self-disposed / cases filed",
    source=SOURCE,
)
def self_disposal_share(inputs: Inputs) -> Result:
    """Self-disposal share (自处置率): the filed cases handled where they arose ÷ the cases
    filed.

    A case is self-disposed (自处置) when its filed event is followed directly by handling
    (filed → handling: the gridder deals with it on the spot) and it was never dispatched.
    Formula: ``count(filed → handling, never dispatched) / cases.filed``. ``NaN`` when no case
    was filed. Source: 数字化城市管理 practice (GB/T 30428 indicator name); definition:
    gridorg.
    """
    table = case_table(inputs)
    return share(inputs, table.self_disposed, table.filed != NO_TIME, "cases.self_disposal_share")
