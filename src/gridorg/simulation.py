"""Simulating the flow of residents' issues through an organisation, on the SimPy engine.

A :class:`Scenario` describes one "what if": the :class:`~gridorg.Organisation`, how issues
arrive (:class:`Arrivals`: a Poisson process per category with weekly and seasonal profiles),
how they are routed (the rule table and the colour triage), how many handlers each unit and
department has, how long the work takes (:class:`ServiceTime`), whether cases escalate on a
missed deadline, how residents rate the replies and how often a reply is reopened (返工).
:func:`simulate` runs it as a discrete-event simulation on ``simpy`` and returns a
:class:`SimulationResult`: the :class:`~gridorg.CaseLog` of every case, the first routing
decision of each and a summary.

**The model.**

- *Arrivals.* Each day of the horizon (24-hour slices from ``start``; the last may be
  partial), the number of issues of each category is Poisson with mean
  ``per_day[category] × weekly[weekday] × seasonal[month] × (the slice's share of a day)``,
  the weekday and month being those of the slice's start in ``start``'s time zone; the
  issues' times are uniform within the slice. This is an exact draw of the piecewise-constant
  non-homogeneous Poisson process. The profiles are normalised to mean 1, so ``per_day`` is the
  mean daily rate. Origins are drawn among the units at the grid tier and below, weighted by
  their households (``spread="households"``; uniformly when no unit has any) or uniformly;
  urgency, importance and channel are drawn independently from their distributions. Issue ids
  are ``S000001``, ``S000002``… in time order; the router, built once, routes them all.
- *Cases.* Each case is a SimPy process: ``collected`` at arrival; ``filed`` after the
  accept time (due: the decision's ``resolve_by``); ``dispatched`` to the handler unit (actor:
  its id), to the departments (actor: their ids joined by commas) or, for a whistle, by the
  street that blows it (actor: the street); it waits for a free
  handler — a ``simpy.Resource`` per unit with ``capacity[tier]`` handlers, per department
  with ``capacity["department"]`` — then ``handling`` (actor: the handler) for the service
  time of the handler's tier (``service["department"]`` for departments); ``replied`` with a
  rating; after the verification time, ``reopened`` with probability ``reopen`` (and
  dispatched again, the colour's deadlines restarting) or ``verified`` then ``closed``.
  Matters the triage colours blue, or whose colour implies the household tier, are disposed
  of by the gridder (自处置): filed → ``handling`` by the origin's grid (when one of its
  handlers is free), with no dispatch. A department assignment is served by its lead (first)
  department's handlers.
- *Whistles* (吹哨报到). A whistled matter is filed at once (an emergency does not wait in the
  filing queue, so the report-in deadline counted from the report is not spent there). Each
  department called in reports in after a ``report_in`` delay and
  joins when one of its handlers is free (a ``handling`` event by the department); the
  service starts with the first department and every department's handler is held until the
  reply.
- *Escalation.* When ``escalate_on_deadline`` holds and the case has not been replied by the
  ``resolve_by`` in force, it is ``escalated`` (``Router.escalate(decision, "deadline
  passed", at=now)``; the work in hand is abandoned, the handler freed or the queued request
  withdrawn) and ``dispatched`` to the next step, until the chain ends; then it stays with the
  last handler.
- *Satisfaction.* A reply by the deadline in force satisfies the resident (rating 4 or 5,
  even odds) with probability ``satisfaction``; a late one with probability ``satisfaction ×
  late_factor``. A dissatisfied resident rates 1, 2 or 3 with equal odds. The rating is
  carried by the ``replied`` event.
- *Horizon.* The engine stops at ``start + days``: no event is recorded at or after it, and
  cases still in progress stay open.

Every random number comes from one ``numpy.random.Generator`` seeded once, and SimPy orders
simultaneous events deterministically, so the same seed gives the same log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import numpy.typing as npt

from gridorg import _sim_checks as chk
from gridorg._rules import RuleTable
from gridorg.errors import InvalidArgumentError, UnknownCategoryError, UnknownTierError
from gridorg.hierarchy import Organisation
from gridorg.issue import Channel
from gridorg.lifecycle import CaseLog
from gridorg.routing import RoutingDecision
from gridorg.triage import Triage

if TYPE_CHECKING:
    from gridorg.metrics import MetricTable

__all__ = ["Arrivals", "Scenario", "ServiceTime", "SimulationResult", "simulate"]

#: The default start of a scenario: New Year 2024 in Beijing time.
DEFAULT_START = dt.datetime(2024, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
#: The default urgency and importance distribution over 1 (low) … 4 (critical).
DEFAULT_LEVELS = (0.3, 0.4, 0.2, 0.1)
#: The default channel shares: most issues come in through the gridders' app.
DEFAULT_CHANNELS: Mapping[str, float] = MappingProxyType(
    {
        Channel.GRIDDER_APP.value: 0.5,
        Channel.HOTLINE.value: 0.2,
        Channel.ONLINE.value: 0.1,
        Channel.VISIT.value: 0.1,
        Channel.SUNK_MEMBER.value: 0.05,
        Channel.CONTACT_POINT.value: 0.05,
    }
)
#: The default handlers per unit of each tier, and per department.
DEFAULT_CAPACITY: Mapping[str, int] = MappingProxyType(
    {"grid": 2, "community": 3, "street": 5, "department": 4}
)


@attrs.frozen
class ServiceTime:
    """How long a piece of work takes, in hours: lognormal with the given mean and CV.

    ``mean`` is above 0; ``cv`` (the coefficient of variation, standard deviation over mean)
    is at least 0, and 0 makes the time fixed at the mean.

    >>> import numpy as np
    >>> ServiceTime(4.0, cv=0.0).sample(np.random.default_rng(0))
    4.0
    """

    mean: float = attrs.field(converter=chk.as_float, validator=chk.positive)
    cv: float = attrs.field(default=1.0, converter=chk.as_float, validator=chk.non_negative)

    @property
    def sigma(self) -> float:
        """The standard deviation of the time's logarithm."""
        return float(np.sqrt(np.log1p(self.cv * self.cv)))

    @property
    def mu(self) -> float:
        """The mean of the time's logarithm."""
        return float(np.log(self.mean) - 0.5 * self.sigma**2)

    def sample(
        self, rng: np.random.Generator, size: int | None = None
    ) -> float | npt.NDArray[np.float64]:
        """One time (``size`` None) or an array of ``size`` times drawn with ``rng``."""
        if size is None:
            if self.cv == 0:
                return self.mean
            return float(np.exp(self.mu + self.sigma * rng.standard_normal()))
        if self.cv == 0:
            return np.full(size, self.mean)
        return np.exp(self.mu + self.sigma * rng.standard_normal(size))


@attrs.frozen
class Arrivals:
    """How issues arrive: a Poisson process per category over the whole organisation.

    ``per_day`` maps category codes to mean issues per day; ``weekly`` holds 7 multipliers
    (Monday … Sunday) and ``seasonal`` 12 (January … December), each normalised to mean 1.
    ``spread`` is ``"households"`` (origins weighted by their households) or ``"uniform"``.
    ``urgency`` and ``importance`` are probabilities of the levels 1 … 4; ``channels`` maps
    channel values to shares (normalised).
    """

    per_day: Mapping[str, float] = attrs.field(converter=chk.as_dict, validator=chk.rates)
    weekly: tuple[float, ...] = attrs.field(
        default=(1.0,) * 7, converter=chk.as_tuple, validator=chk.profile(7, "Monday..Sunday")
    )
    seasonal: tuple[float, ...] = attrs.field(
        default=(1.0,) * 12,
        converter=chk.as_tuple,
        validator=chk.profile(12, "January..December"),
    )
    spread: str = attrs.field(default="households")
    urgency: tuple[float, ...] = attrs.field(
        default=DEFAULT_LEVELS, converter=chk.as_tuple, validator=chk.distribution(4, "1..4")
    )
    importance: tuple[float, ...] = attrs.field(
        default=DEFAULT_LEVELS, converter=chk.as_tuple, validator=chk.distribution(4, "1..4")
    )
    channels: Mapping[str, float] = attrs.field(
        factory=lambda: dict(DEFAULT_CHANNELS), converter=chk.as_dict, validator=chk.channels
    )

    @spread.validator
    def _check_spread(self, attribute: attrs.Attribute[str], value: object) -> None:
        if value not in ("households", "uniform"):
            msg = f"Arrivals.spread must be 'households' or 'uniform', got {value!r}"
            raise InvalidArgumentError(msg)

    @property
    def total_per_day(self) -> float:
        """The mean number of issues per day, all categories together."""
        return float(sum(self.per_day.values()))

    def scaled(self, factor: float) -> Arrivals:
        """These arrivals with every rate multiplied by ``factor`` (≥ 0)."""
        if not isinstance(factor, int | float) or not factor >= 0:
            msg = f"factor must be a number ≥ 0, got {factor!r}"
            raise InvalidArgumentError(msg)
        return attrs.evolve(self, per_day={k: v * factor for k, v in self.per_day.items()})


def _default_service() -> dict[str, ServiceTime]:
    return {
        "household": ServiceTime(1.0, 1.0),
        "grid": ServiceTime(3.0, 1.0),
        "community": ServiceTime(6.0, 1.0),
        "street": ServiceTime(8.0, 1.0),
        chk.DEPARTMENT: ServiceTime(8.0, 1.0),
    }


@attrs.frozen
class Scenario:
    """One simulation scenario: an organisation, its arrivals, routing, capacities and policies.

    See the module documentation for the model. ``capacity`` and ``service`` are keyed by tier
    name or ``"department"``; a tier absent from them uses the entry of the nearest tier above
    that has one (a tier with none: 1 handler, or 4 hours of service). Times are in hours;
    ``report_in`` is the departments' report-in delay after a whistle.
    """

    org: Organisation = attrs.field(validator=chk.instance_of(Organisation, "an Organisation"))
    arrivals: Arrivals = attrs.field(validator=chk.instance_of(Arrivals, "an Arrivals"))
    rules: RuleTable | None = attrs.field(
        default=None, validator=attrs.validators.optional(chk.instance_of(RuleTable, "a table"))
    )
    triage: Triage | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(chk.instance_of(Triage, "a Triage")),
    )
    capacity: Mapping[str, int] = attrs.field(
        factory=lambda: dict(DEFAULT_CAPACITY), converter=chk.as_dict, validator=chk.capacities
    )
    service: Mapping[str, ServiceTime] = attrs.field(
        factory=_default_service, converter=chk.as_dict, validator=chk.services
    )
    accept_hours: ServiceTime = attrs.field(
        default=ServiceTime(2.0, 0.5), validator=chk.instance_of(ServiceTime, "a ServiceTime")
    )
    escalate_on_deadline: bool = attrs.field(
        default=True, validator=chk.instance_of(bool, "True or False")
    )
    report_in: ServiceTime = attrs.field(
        default=ServiceTime(1 / 3, 0.5), validator=chk.instance_of(ServiceTime, "a ServiceTime")
    )
    satisfaction: float = attrs.field(
        default=0.85, converter=chk.as_float, validator=chk.probability
    )
    reopen: float = attrs.field(default=0.05, converter=chk.as_float, validator=chk.probability)
    start: dt.datetime = attrs.field(default=DEFAULT_START, validator=chk.aware_time)
    days: float = attrs.field(default=365.0, converter=chk.as_float, validator=chk.positive)
    name: str = attrs.field(default="", validator=chk.instance_of(str, "a string"))
    verify_hours: ServiceTime = attrs.field(
        default=ServiceTime(24.0, 0.5), validator=chk.instance_of(ServiceTime, "a ServiceTime")
    )
    late_factor: float = attrs.field(
        default=0.5, converter=chk.as_float, validator=chk.probability
    )

    def __attrs_post_init__(self) -> None:
        catalogue = self.org.links.categories
        unknown = sorted(set(self.arrivals.per_day) - set(catalogue))
        if unknown:
            msg = (
                f"Scenario.arrivals.per_day names categories the organisation's catalogue "
                f"lacks: {', '.join(map(repr, unknown))}; known: {', '.join(catalogue)}"
            )
            raise UnknownCategoryError(msg)
        tiers = (*self.org.scheme.names, chk.DEPARTMENT)
        for field in ("capacity", "service"):
            bad = sorted(set(getattr(self, field)) - set(tiers))
            if bad:
                msg = (
                    f"Scenario.{field} names tiers the scheme lacks: "
                    f"{', '.join(map(repr, bad))}; expected some of {', '.join(tiers)}"
                )
                raise UnknownTierError(msg)

    def evolve(self, **changes: Any) -> Scenario:
        """A copy with ``changes`` applied, validated like a new scenario."""
        return attrs.evolve(self, **changes)

    @property
    def end(self) -> dt.datetime:
        """The horizon: ``start + days``."""
        return self.start + dt.timedelta(days=self.days)


@attrs.frozen(eq=False)
class SimulationResult:
    """What one simulation run produced: the case log, the first decisions and a summary.

    ``decisions`` holds the first routing decision of each case in arrival order (a lazy
    sequence: each item is materialised when read). ``summary`` counts ``arrivals``,
    ``closed`` cases, cases ``open`` at the horizon, ``escalations``, ``whistles`` (cases a
    street whistled for, first or after escalation), ``reopened`` events, log ``events``,
    ``simpy_events`` (events the engine scheduled), wall-clock ``seconds`` and
    ``events_per_second`` (log events per second).
    """

    scenario: Scenario
    seed: int | None
    log: CaseLog
    decisions: Sequence[RoutingDecision]
    summary: Mapping[str, float | int]

    def metrics(self, names: Any = "all", **kwargs: Any) -> MetricTable:
        """:func:`gridorg.metrics.compute` over this run's organisation, log and decisions."""
        from gridorg.metrics import compute

        return compute(
            names, org=self.scenario.org, log=self.log, decisions=self.decisions, **kwargs
        )

    def __repr__(self) -> str:
        s = self.summary
        name = f" {self.scenario.name!r}" if self.scenario.name else ""
        return (
            f"<SimulationResult{name}: {s['arrivals']:,} arrivals, {s['closed']:,} closed, "
            f"{s['open']:,} open, {s['events']:,} events>"
        )


def simulate(
    scenario: Scenario,
    *,
    seed: int | np.random.Generator,
    progress: Callable[[float, float], object] | None = None,
) -> SimulationResult:
    """Run ``scenario`` as a discrete-event simulation and return its log and summary.

    ``seed`` is an integer or a ``numpy.random.Generator`` (used as the only source of
    randomness); ``progress``, when given, is called as ``progress(done_days, total_days)``
    at most about 100 times. The same seed gives the same log.
    """
    from gridorg._sim_engine import run

    return run(scenario, seed=seed, progress=progress)
