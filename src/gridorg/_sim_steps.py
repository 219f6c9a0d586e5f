"""The steps a simulated case goes through: who handles it, at which tier, by when."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import simpy

from gridorg._decisions import WHISTLE, to_us
from gridorg._sim_checks import DEPARTMENT

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation
    from gridorg.routing import RoutingDecision

HOUR_US = 3_600_000_000


class Step:
    """One assignment of a case: the dispatch ``label``, the ``handler`` whose handlers serve
    it, the ``tier`` of its capacity and service time, the ``departments`` called in, the
    escalated ``decision`` behind it (``None``: the case's first decision) and its deadline."""

    __slots__ = ("decision", "departments", "due_us", "handler", "label", "tier", "whistle")

    def __init__(
        self,
        label: str,
        handler: str,
        tier: str,
        departments: tuple[str, ...],
        decision: RoutingDecision | None,
        due_us: int,
        *,
        whistle: bool = False,
    ) -> None:
        self.label = label
        self.handler = handler
        self.tier = tier
        self.departments = departments
        self.decision = decision
        self.due_us = due_us
        self.whistle = whistle

    def due_hours(self, start_us: int) -> float:
        """The deadline in hours after the simulation's start."""
        return (self.due_us - start_us) / HOUR_US

    def with_due(self, due_us: int) -> Step:
        """This step with another deadline."""
        return Step(
            self.label,
            self.handler,
            self.tier,
            self.departments,
            self.decision,
            due_us,
            whistle=self.whistle,
        )

    def __repr__(self) -> str:
        return f"<Step {self.label} at {self.tier}>"


class WhistleCall:
    """The departments answering one whistle: their requests, and whether the work is over."""

    __slots__ = ("done", "held", "started")

    def __init__(self, started: simpy.Event) -> None:
        self.started = started
        self.done = False
        self.held: list[tuple[simpy.Resource, Any]] = []

    def finish(self) -> None:
        """End the call: free every department's handler, withdraw the requests still queued."""
        self.done = True
        for res, req in self.held:
            if req.triggered:
                res.release(req)
            else:
                req.cancel()
        self.held.clear()


def _unit_step(uid: str, tier: str, due: int, decision: RoutingDecision | None) -> Step:
    return Step(uid, uid, tier, (), decision, due)


def _department_step(
    departments: tuple[str, ...],
    street: str | None,
    due: int,
    decision: RoutingDecision | None,
    *,
    whistle: bool,
) -> Step:
    label = ",".join(departments)
    if whistle:
        # The street blows the whistle: it dispatches, and each department's own event is its
        # report-in (街道吹哨、部门报到), as gridorg.whistle.whistle_report reads the log.
        caller = street or label
        return Step(
            caller, street or departments[0], DEPARTMENT, departments, decision, due, whistle=True
        )
    return Step(label, departments[0], DEPARTMENT, departments, decision, due)


def first_steps(
    cols: dict[str, Any],
    org: Organisation,
    tiers: npt.NDArray[np.int64],
    names: tuple[str, ...],
) -> list[Step]:
    """Each case's first step, from the columns of its routing decision."""
    handler = np.asarray(cols["handler"], dtype=np.int64)
    action = np.asarray(cols["action"], dtype=np.int64).tolist()
    due = np.asarray(cols["resolve_by"], dtype=np.int64).tolist()
    origin = np.asarray(cols["origin"], dtype=np.int64)
    unit = np.where(handler >= 0, handler, origin)
    unit_ids = [str(u) for u in org.ids_at(unit)]
    unit_tiers = [names[t] for t in tiers[unit].tolist()]
    departments: list[tuple[str, ...]] = [tuple(d) for d in cols["departments"]]
    has_handler = (handler >= 0).tolist()
    steps: list[Step] = []
    append = steps.append
    for i, code in enumerate(action):
        deps = departments[i]
        street = unit_ids[i] if has_handler[i] else None
        if code == WHISTLE and deps:
            append(_department_step(deps, street, due[i], None, whistle=True))
        elif has_handler[i] or not deps:
            append(_unit_step(unit_ids[i], unit_tiers[i], due[i], None))
        else:
            append(_department_step(deps, None, due[i], None, whistle=False))
    return steps


def step_of(decision: RoutingDecision, org: Organisation) -> Step:
    """The step of an escalated decision."""
    due = to_us(decision.resolve_by)
    deps = decision.departments
    if decision.action == "whistle" and deps:
        return _department_step(deps, decision.handler, due, decision, whistle=True)
    if decision.handler is not None:
        tier = org.scheme.names[int(org.column("tier")[org.index(decision.handler)])]
        return _unit_step(decision.handler, tier, due, decision)
    if deps:
        return _department_step(deps, None, due, decision, whistle=False)
    origin = decision.origin
    tier = org.scheme.names[int(org.column("tier")[org.index(origin)])]
    return _unit_step(origin, tier, due, decision)
