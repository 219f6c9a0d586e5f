"""Whether departments answered the street's whistle in time (街道吹哨、部门报到).

When a street blows the whistle, the :class:`~gridorg.Router` names the responsible
departments and a report-in deadline (``report_by``, 30 minutes after the report by default).
A department *reports in* when the case log records an event of the case with that department
as its ``actor`` — in the usual sequence, a ``handling`` event (``handling → handling`` lets
several departments report in one after another). :func:`whistle_report` reads the log and
says, for each department, when it reported in and whether that was in time.

>>> import datetime as dt
>>> from gridorg import CaseEvent, CaseLog, Issue, Router
>>> from gridorg.datasets import songtao
>>> router = Router(songtao())
>>> when = dt.datetime(2024, 7, 1, 22, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
>>> issue = Issue("W1", "emergency", "ST-LG-C01-G01", when, urgency=4, importance=4)
>>> decision = router.route(issue)
>>> decision.action, decision.report_by - when
('whistle', datetime.timedelta(seconds=1800))
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from gridorg._fields import describe
from gridorg.errors import ArgumentTypeError, InvalidArgumentError
from gridorg.issue import aware
from gridorg.lifecycle import CaseLog, CaseState

if TYPE_CHECKING:
    from gridorg.routing import RoutingDecision

__all__ = ["ReportIn", "WhistleReport", "whistle_report"]


@attrs.frozen
class ReportIn:
    """One department's answer to a whistle: when it reported in, and whether in time.

    ``reported`` is ``None`` when the department has not reported in (by the report's ``at``);
    ``late_by`` is how far past ``report_by`` it reported (``None`` when in time or absent).
    """

    department: str
    reported: dt.datetime | None
    on_time: bool
    late_by: dt.timedelta | None


@attrs.frozen
class WhistleReport:
    """The departments' answers to one whistle, in the order the decision named them."""

    case: str
    street: str | None
    report_by: dt.datetime
    reports: tuple[ReportIn, ...]

    @property
    def on_time(self) -> bool:
        """True when every department reported in by ``report_by``."""
        return all(report.on_time for report in self.reports)

    @property
    def late(self) -> tuple[str, ...]:
        """The departments that reported in after ``report_by``."""
        return tuple(
            r.department for r in self.reports if r.reported is not None and not r.on_time
        )

    @property
    def missing(self) -> tuple[str, ...]:
        """The departments that have not reported in."""
        return tuple(r.department for r in self.reports if r.reported is None)


def whistle_report(
    decision: RoutingDecision, log: CaseLog, *, at: dt.datetime | None = None
) -> WhistleReport:
    """How the departments named by the whistle ``decision`` answered it, from ``log``.

    A department reported in at the first event of the decision's case (after ``collected``)
    whose ``actor`` is the department's id, up to ``at`` (default: every event in the log). It
    was in time when that event is no later than the decision's ``report_by``. Raises
    :class:`~gridorg.InvalidArgumentError` for a decision that is not a whistle and
    :class:`~gridorg.CaseLogError` when the log has no such case.
    """
    from gridorg.routing import RoutingDecision

    if not isinstance(decision, RoutingDecision):
        msg = f"whistle_report() needs a RoutingDecision, got {describe(decision)}"
        raise ArgumentTypeError(msg)
    if not isinstance(log, CaseLog):
        msg = f"whistle_report() needs a CaseLog, got {describe(log)}"
        raise ArgumentTypeError(msg)
    if decision.report_by is None:
        msg = (
            f"issue {decision.issue!r} was not whistled (its action is {decision.action!r}); "
            "only a whistle has departments reporting in"
        )
        raise InvalidArgumentError(msg)
    if at is not None and not aware(at):
        msg = f"at must be a timezone-aware datetime, got {describe(at)}"
        raise InvalidArgumentError(msg)
    first: dict[str, dt.datetime] = {}
    for event in log.events_of(decision.issue):
        if at is not None and event.time > at:
            break
        if event.state is not CaseState.COLLECTED and event.actor not in first:
            first[event.actor] = event.time
    reports = []
    for department in decision.departments:
        reported = first.get(department)
        on_time = reported is not None and reported <= decision.report_by
        late_by = None if reported is None or on_time else reported - decision.report_by
        reports.append(ReportIn(department, reported, on_time, late_by))
    return WhistleReport(decision.issue, decision.handler, decision.report_by, tuple(reports))
