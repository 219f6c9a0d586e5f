"""The simulation engine: each case a SimPy process competing for handlers' resources."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from gridorg import _sim_arrivals as arr
from gridorg import _sim_record as rec
from gridorg._decisions import DEPARTMENT, WHISTLE, from_us, to_us
from gridorg._fields import describe
from gridorg._sim_checks import DEPARTMENT as DEPARTMENT_TIER
from gridorg._sim_steps import Step, WhistleCall, first_steps, step_of
from gridorg.errors import ArgumentTypeError
from gridorg.routing import Router, RoutingDecision, RoutingDecisions
from gridorg.triage import COLOURS, Colour

if TYPE_CHECKING:
    from gridorg.simulation import Scenario, ServiceTime, SimulationResult

Proc = Generator[simpy.Event, Any, Any]
HOUR_US = rec.HOUR_US
#: At most this many progress calls (one per percent of the horizon).
PROGRESS_TICKS = 100


class _Draw:
    """A service-time distribution drawn from the shared stream (lognormal via a normal)."""

    __slots__ = ("_mean", "_mu", "_sigma", "_stream")

    def __init__(self, service: ServiceTime, stream: rec.Stream) -> None:
        self._mean = service.mean
        self._mu = service.mu
        self._sigma = service.sigma
        self._stream = stream

    def __call__(self) -> float:
        if self._sigma == 0:
            return self._mean
        return float(np.exp(self._mu + self._sigma * self._stream.normal()))


def _by_tier(scenario: Scenario, table: dict[str, Any], default: Any) -> dict[str, Any]:
    """``table`` completed for every tier: a missing tier takes the nearest tier above."""
    names = scenario.org.scheme.names
    filled: dict[str, Any] = {}
    for k, name in enumerate(names):
        above = [table[n] for n in reversed(names[: k + 1]) if n in table]
        filled[name] = above[0] if above else default
    filled[DEPARTMENT_TIER] = table.get(DEPARTMENT_TIER, default)
    return filled


class Model:
    """One run's state: the environment, the resources, the streams and the recorder."""

    def __init__(self, scenario: Scenario, rng: np.random.Generator) -> None:
        from gridorg.simulation import ServiceTime

        self.scenario = scenario
        self.org = scenario.org
        self.rng = rng
        self.stream = rec.Stream(rng)
        self.env = simpy.Environment()
        self.start_us = to_us(scenario.start)
        self.recorder = rec.Recorder(self.start_us)
        self.router = Router(
            scenario.org,
            scenario.rules,
            scenario.triage,
            report_in=dt.timedelta(hours=scenario.report_in.mean),
        )
        self.triage = self.router.triage
        capacity = _by_tier(scenario, dict(scenario.capacity), 1)
        service = _by_tier(scenario, dict(scenario.service), ServiceTime(4.0))
        self.capacity: dict[str, int] = capacity
        self.service = {tier: _Draw(s, self.stream) for tier, s in service.items()}
        self.accept = _Draw(scenario.accept_hours, self.stream)
        self.verify = _Draw(scenario.verify_hours, self.stream)
        self.report_in = _Draw(scenario.report_in, self.stream)
        self.resources: dict[str, simpy.Resource] = {}
        self.escalate_on_deadline = scenario.escalate_on_deadline
        self.reopen = scenario.reopen
        # The chance of a good rating for a reply on time and for a late one.
        self.good_on_time = scenario.satisfaction
        self.good_late = scenario.satisfaction * scenario.late_factor
        self.horizon = scenario.days * 24.0
        self.counts = {"escalations": 0, "whistles": 0, "reopened": 0}
        self.steps: list[Step] = []
        self.decisions: RoutingDecisions | None = None
        self.self_disposal = np.zeros(0, dtype=np.bool_)
        self.grid_of: list[str] = []
        self.colour: list[Colour] = []

    # -- setting up ---------------------------------------------------------------------

    def prepare(self, drawn: arr.Drawn, ids: list[str]) -> None:
        """Route every arrival and derive each case's first step."""
        columns = arr.issue_columns(drawn, ids, self.start_us)
        self.decisions = self.router.route_many(columns)
        cols = self.decisions.to_columns()
        names = self.org.scheme.names
        tiers = np.asarray(self.org.column("tier"))
        self.steps = first_steps(cols, self.org, tiers, names)
        blue = {c.rank for c in COLOURS if c is Colour.BLUE or self.triage.tier(c) == "household"}
        colour = np.asarray(cols["colour"], dtype=np.int64)
        self.colour = [COLOURS[k] for k in colour.tolist()]
        self.self_disposal = np.isin(colour, sorted(blue)) & (cols["action"] != WHISTLE)
        self.self_disposal &= cols["action"] != DEPARTMENT
        grids = self.org.ancestor_at_many(drawn.origin, "grid", nearest=True)
        grids = np.where(grids < 0, drawn.origin, grids)
        self.grid_of = [str(g) for g in self.org.ids_at(grids)]

    def resource(self, actor: str, tier: str) -> simpy.Resource:
        """The handlers' resource of a unit or department (created on first use)."""
        found = self.resources.get(actor)
        if found is None:
            found = simpy.Resource(self.env, capacity=self.capacity[tier])
            self.resources[actor] = found
        return found

    # -- the processes ------------------------------------------------------------------

    def source(self, hours: list[float]) -> Proc:
        """Release each arrival at its time: record it collected and start its process."""
        env = self.env
        add = self.recorder.add
        for i, t in enumerate(hours):
            delay = t - env.now
            if delay > 0:
                yield env.timeout(delay)
            add(i, env.now, rec.COLLECTED)
            env.process(self.case(i))

    def ticker(self, progress: Callable[[float, float], object]) -> Proc:
        """Report progress once per hundredth of the horizon."""
        days = self.scenario.days
        for k in range(1, PROGRESS_TICKS):
            yield self.env.timeout(self.horizon / PROGRESS_TICKS)
            progress(days * k / PROGRESS_TICKS, days)

    def case(self, i: int) -> Proc:
        """One case from filing to closing (or to the horizon)."""
        env = self.env
        r = self.recorder
        delay = self.accept()
        step = self.steps[i]
        if not (step.departments and step.whistle):
            # A whistle is an emergency: the street files it at once, so the departments'
            # report-in deadline (counted from the report) is not spent in the filing queue.
            yield env.timeout(delay)
        r.add(i, env.now, rec.FILED, due=step.due_us)
        if self.self_disposal[i]:
            grid = self.grid_of[i]
            step = Step(grid, grid, "grid", (), None, step.due_us)
            dispatch = False
        else:
            dispatch = True
        while True:
            if dispatch:
                r.add(i, env.now, rec.DISPATCHED, r.code(step.label), due=step.due_us)
            dispatch = True
            if step.departments and step.whistle:
                self.counts["whistles"] += 1
                nxt = yield from self.whistle(i, step)
            else:
                nxt = yield from self.serve(i, step)
            if nxt is not None:
                step = nxt
                continue
            yield env.timeout(self.verify())
            if self.stream.uniform() < self.reopen:
                self.counts["reopened"] += 1
                r.add(i, env.now, rec.REOPENED, r.code(self.grid_of[i]))
                step = self.restarted(i, step)
                continue
            r.add(i, env.now, rec.VERIFIED, r.code(self.grid_of[i]))
            r.add(i, env.now, rec.CLOSED)
            return

    def deadline(self, step: Step) -> simpy.Timeout | None:
        """A timeout at the step's deadline, when escalation on deadline applies."""
        if not self.escalate_on_deadline:
            return None
        due = step.due_hours(self.start_us)
        if due >= self.horizon:
            return None
        return self.env.timeout(max(0.0, due - self.env.now))

    def serve(self, i: int, step: Step) -> Proc:
        """Wait for a handler of the step, handle and reply; the next step if it escalates."""
        env = self.env
        r = self.recorder
        res = self.resource(step.handler, step.tier)
        req = res.request()
        deadline = self.deadline(step)
        if deadline is not None:
            yield req | deadline
            if not req.triggered:
                nxt = self.escalate(i, step)
                if nxt is not None:
                    req.cancel()
                    return nxt
                deadline = None
                yield req
        else:
            yield req
        r.add(i, env.now, rec.HANDLING, r.code(step.handler))
        nxt = yield from self.work(i, step, deadline)
        res.release(req)
        return nxt

    def work(self, i: int, step: Step, deadline: simpy.Timeout | None) -> Proc:
        """The service itself: reply when done, or escalate when the deadline comes first."""
        env = self.env
        service = env.timeout(self.service[step.tier]())
        if deadline is not None and not deadline.processed:
            yield service | deadline
            if not service.processed:
                nxt = self.escalate(i, step)
                if nxt is not None:
                    return nxt
                yield service
        else:
            yield service
        self.reply(i, step)
        return None

    def whistle(self, i: int, step: Step) -> Proc:
        """Departments report in after their delays; the first one's handling starts the work."""
        env = self.env
        call = WhistleCall(env.event())
        for department in step.departments:
            env.process(self.report(i, department, call))
        deadline = self.deadline(step)
        if deadline is not None:
            yield call.started | deadline
            if not call.started.triggered:
                nxt = self.escalate(i, step)
                if nxt is not None:
                    call.finish()
                    return nxt
                deadline = None
                yield call.started
        else:
            yield call.started
        nxt = yield from self.work(i, step, deadline)
        call.finish()
        return nxt

    def report(self, i: int, department: str, call: WhistleCall) -> Proc:
        """One department reporting in to a whistle and joining the work."""
        yield self.env.timeout(self.report_in())
        if call.done:
            return
        res = self.resource(department, DEPARTMENT_TIER)
        req = res.request()
        call.held.append((res, req))
        yield req
        if call.done:
            return
        r = self.recorder
        r.add(i, self.env.now, rec.HANDLING, r.code(department))
        if not call.started.triggered:
            call.started.succeed()

    def reply(self, i: int, step: Step) -> None:
        """Record the reply with the resident's rating (see the module's satisfaction model)."""
        now = self.env.now
        uniform = self.stream.uniform
        on_time = now <= step.due_hours(self.start_us)
        if uniform() < (self.good_on_time if on_time else self.good_late):
            rating = 4 + (uniform() < 0.5)
        else:
            rating = 1 + int(uniform() * 3)
        r = self.recorder
        r.add(i, now, rec.REPLIED, r.code(step.handler), rating=rating)

    def now(self) -> dt.datetime:
        """The simulated time as an aware datetime (UTC)."""
        return from_us(self.start_us + int(self.env.now * HOUR_US))

    def escalate(self, i: int, step: Step) -> Step | None:
        """The next step up the chain, recorded as escalated; None at the top of the chain."""
        assert self.decisions is not None
        decision: RoutingDecision = step.decision or self.decisions[i]
        if not decision.chain:
            return None
        new = self.router.escalate(decision, "deadline passed", at=self.now())
        self.counts["escalations"] += 1
        nxt = step_of(new, self.org)
        r = self.recorder
        r.add(i, self.env.now, rec.ESCALATED, r.code(step.label), due=nxt.due_us)
        return nxt

    def restarted(self, i: int, step: Step) -> Step:
        """The step again after a reopen, its deadline restarted by the colour's limits."""
        _, resolve_by = self.triage.deadlines(self.colour[i]).due(self.now())
        return step.with_due(to_us(resolve_by))


def run(
    scenario: Scenario,
    *,
    seed: int | np.random.Generator,
    progress: Callable[[float, float], object] | None = None,
) -> SimulationResult:
    """Run ``scenario``: draw the arrivals, route them, simulate, and build the result."""
    from gridorg.simulation import Scenario, SimulationResult

    began = time.perf_counter()
    if not isinstance(scenario, Scenario):
        msg = f"simulate() takes a Scenario, got {describe(scenario)}"
        raise ArgumentTypeError(msg)
    if isinstance(seed, np.random.Generator):
        rng, seed_value = seed, None
    elif isinstance(seed, int | np.integer) and not isinstance(seed, bool):
        rng, seed_value = np.random.default_rng(int(seed)), int(seed)
    else:
        msg = f"seed must be an integer or a numpy Generator, got {describe(seed)}"
        raise ArgumentTypeError(msg)
    if progress is not None and not callable(progress):
        msg = (
            f"progress must be None or a callable(done_days, total_days), got {describe(progress)}"
        )
        raise ArgumentTypeError(msg)
    model = Model(scenario, rng)
    drawn = arr.draw(scenario.arrivals, scenario.org, scenario.start, scenario.days, rng)
    ids = arr.issue_ids(len(drawn))
    model.prepare(drawn, ids)
    env = model.env
    env.process(model.source(drawn.hours.tolist()))
    if progress is not None:
        env.process(model.ticker(progress))
    env.run(until=model.horizon)
    if progress is not None:
        progress(scenario.days, scenario.days)
    catalogue = list(scenario.org.links.categories)
    categories = [catalogue[k] for k in drawn.category.tolist()]
    origins = [str(u) for u in scenario.org.ids_at(drawn.origin)]
    log = model.recorder.log(ids, categories, origins)
    seconds = time.perf_counter() - began
    open_cases = log.open_count()
    summary: dict[str, float | int] = {
        "arrivals": len(drawn),
        "closed": len(drawn) - open_cases,
        "open": open_cases,
        "escalations": model.counts["escalations"],
        "whistles": model.counts["whistles"],
        "reopened": model.counts["reopened"],
        "events": len(log),
        "simpy_events": next(env._eid),  # the events the engine scheduled
        "seconds": seconds,
        "events_per_second": len(log) / seconds if seconds > 0 else 0.0,
    }
    decisions = model.decisions if model.decisions is not None else ()
    return SimulationResult(scenario, seed_value, log, decisions, summary)
