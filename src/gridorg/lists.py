"""The three lists (三张清单): residents' demands, the quarter's problems, the departments' claims.

The source, a 2025 report on Yinjiang and Songtao (DOMAIN.md, §4: 三张清单), describes how the
organisation turns what residents ask for into work that departments take on:

- the **demand list** (需求清单): every matter collected over a period — here, the cases of a
  :class:`~gridorg.CaseLog` collected in ``[start, end)`` with their category, where they arose,
  their state at the end of the period and whether they were closed (:func:`demand_list`);
- the **problem list** (问题清单), drawn up each quarter: demands grouped by category and
  community, a group listed when it recurs (at least ``min_count`` demands) or when any of its
  demands is still unresolved, ranked most pressing first (:func:`problem_list`);
- the **service list** (服务清单): departments (职能部门) claim the listed problems of the
  categories they answer for, within their jurisdiction and up to their capacity; what no
  department can take is reported with the reason (:func:`service_list`). The claimed problems
  are then worked on site (现场办公) by the extended committee, the departments, property
  companies and technicians.

The claim model is a flow: source → department (capacity) → problem (1) → sink, one arc from a
department to each problem it answers for. A maximum flow claims as many problems as capacity
allows; among the maximum flows, a minimum-cost one (:func:`networkx.max_flow_min_cost`) claims
the most pressing problems (the set is the greedy one: no claimed problem could be swapped for a
higher-ranked unclaimed one) and, for the same problems, gives them to departments on the
extended committee (大工委) of the problem's community first.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import attrs

from gridorg import _lists_flow as flow
from gridorg._service_list import Claim, ServiceList, Unclaimed, service_list
from gridorg.errors import InvalidArgumentError
from gridorg.lifecycle import CaseState

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation
    from gridorg.lifecycle import CaseLog

__all__ = [
    "SHANGHAI",
    "Claim",
    "Demand",
    "DemandList",
    "ListedProblem",
    "ProblemList",
    "ServiceList",
    "Unclaimed",
    "demand_list",
    "problem_list",
    "quarter_bounds",
    "service_list",
]

#: The time zone quarters are cut in by default (China Standard Time).
SHANGHAI = ZoneInfo("Asia/Shanghai")

#: States that take a demand off the problem list: withdrawn, or counted under another case.
_WITHDRAWN = frozenset({CaseState.CANCELLED, CaseState.DUPLICATE})


# --------------------------------------------------------------------------- demand list


@attrs.frozen
class Demand:
    """One resident's demand: a case of the log collected in the period.

    ``community`` is the community the ``origin`` belongs to (``None`` without an organisation,
    or when the origin has no community above it); ``state`` is the case's state at the end of
    the period and ``resolved`` whether that state is ``closed``.
    """

    case: str
    category: str
    origin: str
    community: str | None
    collected: dt.datetime
    state: CaseState
    resolved: bool

    def to_record(self) -> dict[str, Any]:
        """This demand as a plain mapping (the state as its code, the time as a datetime)."""
        return {
            "case": self.case,
            "category": self.category,
            "origin": self.origin,
            "community": self.community,
            "collected": self.collected,
            "state": self.state.value,
            "resolved": self.resolved,
        }


@attrs.frozen(repr=False)
class DemandList(flow.Rows[Demand]):
    """The demand list (需求清单): the cases collected in ``[start, end)``, oldest first.

    ``start`` and ``end`` are ``None`` where the period is open.
    """

    demands: tuple[Demand, ...]
    start: dt.datetime | None = None
    end: dt.datetime | None = None

    _index = "case"

    def _rows(self) -> tuple[Demand, ...]:
        return self.demands

    @property
    def resolved(self) -> int:
        """How many demands were closed by the end of the period."""
        return sum(d.resolved for d in self.demands)

    def by_category(self) -> dict[str, int]:
        """How many demands each category has, most first (ties by category code)."""
        counts = Counter(d.category for d in self.demands)
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def to_records(self) -> list[dict[str, Any]]:
        """One plain mapping per demand: case, category, origin, community, collected, state,
        resolved."""
        return [d.to_record() for d in self.demands]

    def _columns(self) -> tuple[str, ...]:
        return tuple(attrs.fields_dict(Demand))

    def __repr__(self) -> str:
        head = f"{len(self)} demands, {self.resolved} resolved, collected {_period(self)}"
        top = ", ".join(f"{code} {n}" for code, n in list(self.by_category().items())[:5])
        return f"<DemandList: {head}{'; ' + top if top else ''}>"


def demand_list(
    log: CaseLog,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    org: Organisation | None = None,
) -> DemandList:
    """The demand list: the cases of ``log`` collected in ``[start, end)``.

    ``start`` and ``end`` are timezone-aware times (``None`` leaves that side open). A case's
    collected time is the time of its first event; its state is the one it is in after its last
    event before ``end`` (its latest state when ``end`` is ``None``). With ``org``, each demand
    carries the community its origin belongs to and an origin the organisation lacks raises
    :class:`~gridorg.UnknownUnitError`.
    """
    flow.check_period(start, end)
    found = flow.scan(log, start, end)
    if org is None:
        places: list[str | None] = [None] * len(found.cases)
    else:
        places = flow.communities(org, found.cases, found.origins)
    rows = tuple(
        Demand(case, category, origin, community, collected, state, state is CaseState.CLOSED)
        for case, category, origin, community, collected, state in zip(
            found.cases,
            found.categories,
            found.origins,
            places,
            found.collected,
            found.states,
            strict=True,
        )
    )
    return DemandList(rows, start, end)


def _period(table: DemandList | ProblemList) -> str:
    start = "" if table.start is None else f"from {table.start.isoformat()}"
    end = "" if table.end is None else f"before {table.end.isoformat()}"
    return " ".join(part for part in (start, end) if part) or "at any time"


# --------------------------------------------------------------------------- problem list


def quarter_bounds(quarter: str, tz: dt.tzinfo = SHANGHAI) -> tuple[dt.datetime, dt.datetime]:
    """The start and end of ``quarter`` (``"2024Q2"``) in time zone ``tz``, end excluded.

    >>> start, end = quarter_bounds("2024Q2")
    >>> start.isoformat(), end.isoformat()
    ('2024-04-01T00:00:00+08:00', '2024-07-01T00:00:00+08:00')
    """
    return flow.quarter_of(quarter, tz)


@attrs.frozen
class ListedProblem:
    """One problem of the problem list: the demands of one category in one community.

    ``demands`` counts them and ``unresolved`` those not closed by the end of the period;
    ``cases`` are their case ids, oldest first. ``rank`` 1 is the most pressing problem.
    ``community`` is ``None`` for demands that arose where no community is above them.
    """

    id: str
    category: str
    community: str | None
    demands: int
    unresolved: int
    cases: tuple[str, ...]
    rank: int

    def to_record(self) -> dict[str, Any]:
        """This problem as a plain mapping (``cases`` as a list)."""
        record = attrs.asdict(self)
        record["cases"] = list(self.cases)
        return record


@attrs.frozen(repr=False)
class ProblemList(flow.Rows[ListedProblem]):
    """The problem list (问题清单): the listed problems, most pressing first.

    ``quarter`` is the quarter's label when the list was drawn up for one; ``min_count`` the
    number of demands that made a group recur; ``demands`` the demand list it was drawn from.
    """

    problems: tuple[ListedProblem, ...]
    demands: DemandList
    min_count: int = 2
    quarter: str | None = None

    _index = "id"

    @property
    def start(self) -> dt.datetime | None:
        """The start of the period (``None`` when open)."""
        return self.demands.start

    @property
    def end(self) -> dt.datetime | None:
        """The end of the period, excluded (``None`` when open)."""
        return self.demands.end

    def _rows(self) -> tuple[ListedProblem, ...]:
        return self.problems

    @property
    def ids(self) -> tuple[str, ...]:
        """The problem ids, in rank order."""
        return tuple(p.id for p in self.problems)

    def to_records(self) -> list[dict[str, Any]]:
        """One plain mapping per problem: id, category, community, demands, unresolved, cases,
        rank."""
        return [p.to_record() for p in self.problems]

    def _columns(self) -> tuple[str, ...]:
        return tuple(attrs.fields_dict(ListedProblem))

    def __repr__(self) -> str:
        label = self.quarter or _period(self)
        head = f"<ProblemList {label}: {len(self)} problems from {len(self.demands)} demands"
        rows = (
            f"{p.rank}. {p.category} in {p.community}: {p.demands} demands, "
            f"{p.unresolved} unresolved ({p.id})"
            for p in self.problems
        )
        return self._listing(head, rows, len(self))


def problem_list(
    log: CaseLog,
    org: Organisation,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    min_count: int = 2,
    quarter: str | None = None,
    tz: dt.tzinfo = SHANGHAI,
) -> ProblemList:
    """The problem list: recurring or unresolved demands, grouped by category and community.

    The period is ``[start, end)`` or, with ``quarter="2024Q2"``, that quarter in time zone
    ``tz`` (China Standard Time by default); give one or the other. Demands cancelled or marked
    duplicate by ``end`` are left out (withdrawn, or counted under another case). The rest are
    grouped by (category, community); a group is listed when it has at least ``min_count``
    demands or any of them is not closed by ``end``. Problems are ranked by unresolved demands,
    then demands (both most first), then category code and community id. A problem's id is
    ``P-<quarter>-<community>-<category>`` (``P-<community>-<category>`` without a quarter;
    ``-`` for no community). Categories the organisation's catalogue lacks raise
    :class:`~gridorg.UnknownCategoryError`; origins it lacks :class:`~gridorg.UnknownUnitError`.
    """
    flow.check_min_count(min_count)
    if quarter is not None:
        if start is not None or end is not None:
            msg = f"give either quarter ({quarter!r}) or start and end, not both"
            raise InvalidArgumentError(msg)
        start, end = flow.quarter_of(quarter, tz)
    demands = demand_list(log, start=start, end=end, org=org)
    flow.check_categories(org, [d.category for d in demands], "cases of the period")
    groups: dict[tuple[str, str | None], list[Demand]] = {}
    for demand in demands:
        if demand.state not in _WITHDRAWN:
            groups.setdefault((demand.category, demand.community), []).append(demand)
    rows = []
    for (category, community), members in groups.items():
        unresolved = sum(not d.resolved for d in members)
        if len(members) >= min_count or unresolved:
            cases = tuple(d.case for d in members)
            rows.append((category, community, len(members), unresolved, cases))
    rows.sort(key=lambda r: (-r[3], -r[2], r[0], r[1] is None, r[1] or ""))
    problems = []
    seen: set[str] = set()
    for rank, (category, community, count, unresolved, cases) in enumerate(rows, 1):
        uid = flow.problem_id(quarter, category, community, seen)
        problems.append(ListedProblem(uid, category, community, count, unresolved, cases, rank))
    return ProblemList(tuple(problems), demands, min_count, quarter)
