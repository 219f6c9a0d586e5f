"""The case lifecycle: states, allowed transitions, the append-only case log and its views.

Every resident's matter runs through the closed loop of grassroots service (服务闭环):
collect (收集) → accept (受理) → dispose (处置) → reply (答复). gridorg records it in the states
of digital urban management (数字化城市管理): a case is *collected* (收集) by a gridder, the
hotline or a visit; *filed* (受理/立案) — or refused as *rejected* (不予受理), *duplicate* (重复)
or *cancelled* (撤销); *dispatched* (派遣) to the unit or department that handles it, or handled
at once by the gridder (self-disposal 自处置: filed → handling); *handling* (处置); *replied*
(答复) to the resident; *verified* (核查) on the spot; and *closed* (结案). On the way it may be
*escalated* (上报) one tier up, *extended* (延期) past its deadline, or *reopened* (返工) when the
reply or the check finds the work not done.

The allowed transitions (:data:`TRANSITIONS`; ``None`` stands before a case's first event)::

    (none)      → collected
    collected   → filed, cancelled, duplicate, rejected
    filed       → dispatched, handling, escalated, cancelled, duplicate, rejected
    dispatched  → handling, escalated, extended, cancelled
    handling    → handling (another handler reports in), replied, escalated, extended
    extended    → handling, replied, escalated
    escalated   → dispatched, handling
    replied     → verified, reopened, closed
    verified    → closed, reopened
    reopened    → dispatched, handling
    closed, cancelled, duplicate, rejected: final (no transition leaves them)

A :class:`CaseLog` holds :class:`CaseEvent` records in append order and refuses, keeping what it
had, any event that takes a case along a transition outside the table
(:class:`~gridorg.TransitionError`), goes back in time for its case, or starts a case with
anything but ``collected`` (:class:`~gridorg.CaseLogError`). Deadlines travel with events: the
``due`` of the latest open, filed, dispatched, escalated or extended event that carries one is
in force. Replied, verified and closed events may carry the resident's satisfaction
``rating`` (1 very dissatisfied … 5 very satisfied; :data:`RATED_STATES`); the latest counts.
:meth:`CaseLog.views` derives, for every case at once, its state, the time it spent
in each state and stage, and whether it is overdue or past the warning threshold.

>>> import datetime as dt
>>> t = dt.datetime(2024, 5, 6, 9, 0, tzinfo=dt.UTC)
>>> log = CaseLog()
>>> log.append(CaseEvent("Q1", t, "collected"))
>>> log.append(CaseEvent("Q1", t + dt.timedelta(hours=1), "filed"))
>>> log.state_of("Q1").label
'受理/立案'
>>> log
<CaseLog: 2 events, 1 case (1 open)>
"""

from __future__ import annotations

from gridorg._caselog import CaseInfo, CaseLog
from gridorg._casestates import (
    DUE_STATES,
    FINAL_STATES,
    NO_RATING,
    NO_TIME,
    RATED_STATES,
    STATES,
    TRANSITIONS,
    CaseEvent,
    CaseState,
)
from gridorg._caseviews import CaseView, CaseViews

__all__ = [
    "DUE_STATES",
    "FINAL_STATES",
    "NO_RATING",
    "NO_TIME",
    "RATED_STATES",
    "STATES",
    "TRANSITIONS",
    "CaseEvent",
    "CaseInfo",
    "CaseLog",
    "CaseState",
    "CaseView",
    "CaseViews",
]
