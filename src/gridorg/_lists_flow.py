"""The machinery under the three lists: their shared table behaviour, argument checks, one pass
over the case log's columns, and the claim model of the service list solved as a minimum-cost
maximum flow."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, overload

import attrs
import numpy as np

from gridorg._fields import describe
from gridorg.errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    UnknownCategoryError,
    UnknownEntityError,
    UnknownUnitError,
    missing_dependency,
)
from gridorg.lifecycle import STATES, CaseState
from gridorg.links import CommitteeMembership

if TYPE_CHECKING:
    import networkx as nx

    from gridorg.hierarchy import Organisation
    from gridorg.lifecycle import CaseLog
    from gridorg.lists import ListedProblem
    from gridorg.partners import Department

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_US = dt.timedelta(microseconds=1)
_QUARTER = re.compile(r"([0-9]{4})Q([1-4])")
_SOURCE = ("source",)
_SINK = ("sink",)
#: How many rows a list's repr shows.
_SHOWN = 10
_Row = TypeVar("_Row")


# --------------------------------------------------------------------------- tables


class Table:
    """The shared table behaviour of the lists: records, a data frame and a short listing."""

    __slots__ = ()
    _index = ""

    def to_records(self) -> list[dict[str, Any]]:
        """One plain mapping per row, in list order."""
        raise NotImplementedError

    def to_pandas(self) -> Any:
        """The records as a ``pandas.DataFrame`` (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            error = missing_dependency("pandas", "dataframe", f"{type(self).__name__}.to_pandas")
            raise error from None
        records = self.to_records()
        if not records:
            return pd.DataFrame(columns=list(self._columns())).set_index(self._index)
        return pd.DataFrame(records).set_index(self._index)

    def _columns(self) -> tuple[str, ...]:
        raise NotImplementedError

    @staticmethod
    def _listing(head: str, rows: Iterable[str], count: int) -> str:
        """A repr: ``head``, then the first of the ``count`` ``rows`` one a line, then ``>``."""
        lines = [head, *(f"  {row}" for row in islice(rows, _SHOWN))]
        if count > _SHOWN:
            lines.append(f"  ... and {count - _SHOWN} more")
        return "\n".join(lines) + ">"


class Rows(Sequence[_Row], Table):
    """A table that is a read-only sequence of its rows, kept as a tuple by ``_rows``."""

    __slots__ = ()

    def _rows(self) -> tuple[_Row, ...]:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> _Row: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[_Row]: ...
    def __getitem__(self, index: int | slice) -> _Row | Sequence[_Row]:
        return self._rows()[index]

    def __len__(self) -> int:
        return len(self._rows())

    def __iter__(self) -> Iterator[_Row]:
        return iter(self._rows())


# --------------------------------------------------------------------------- arguments


def _many(count: int, one: str, more: str) -> str:
    return f"{count} {one if count == 1 else more}"


def check_period(start: object, end: object) -> None:
    """Refuse a naive or non-datetime bound, and a start that is not before the end."""
    for name, value in (("start", start), ("end", end)):
        if value is None or (
            isinstance(value, dt.datetime)
            and value.tzinfo is not None
            and value.tzinfo.utcoffset(value) is not None
        ):
            continue
        if isinstance(value, dt.datetime):
            msg = (
                f"{name} must be timezone-aware, got the naive {value.isoformat()}; give it a "
                "tzinfo (datetime.timezone.utc or a zoneinfo.ZoneInfo)"
            )
            raise InvalidArgumentError(msg)
        msg = f"{name} must be a timezone-aware datetime or None, got {describe(value)}"
        raise ArgumentTypeError(msg)
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime) and start >= end:
        msg = f"start must be before end, got start {start.isoformat()} and end {end.isoformat()}"
        raise InvalidArgumentError(msg)


def quarter_of(quarter: object, tz: object) -> tuple[dt.datetime, dt.datetime]:
    """The bounds of a quarter label such as ``"2024Q2"`` in time zone ``tz``."""
    if not isinstance(quarter, str):
        msg = f"quarter must be a string like '2024Q2', got {describe(quarter)}"
        raise ArgumentTypeError(msg)
    if not isinstance(tz, dt.tzinfo):
        msg = f"tz must be a datetime.tzinfo (a zoneinfo.ZoneInfo), got {describe(tz)}"
        raise ArgumentTypeError(msg)
    match = _QUARTER.fullmatch(quarter)
    if match is None or int(match[1]) < 1:
        msg = f"quarter must be a year and a quarter 1-4 like '2024Q2', got {quarter!r}"
        raise InvalidArgumentError(msg)
    year, number = int(match[1]), int(match[2])
    start = dt.datetime(year, 3 * number - 2, 1, tzinfo=tz)
    if number == 4:
        return start, dt.datetime(year + 1, 1, 1, tzinfo=tz)
    return start, start.replace(month=start.month + 3)


def check_min_count(min_count: object) -> None:
    """Refuse a ``min_count`` that is not an integer of at least 1."""
    if type(min_count) is not int:
        msg = f"min_count must be an integer of at least 1, got {describe(min_count)}"
        raise ArgumentTypeError(msg)
    if min_count < 1:
        msg = f"min_count must be at least 1, got {min_count}"
        raise InvalidArgumentError(msg)


def check_categories(org: Organisation, categories: Sequence[str], what: str) -> None:
    """Refuse category codes the organisation's catalogue lacks, naming them all."""
    catalogue = org.links.categories
    unknown = sorted({code for code in categories if code not in catalogue})
    if unknown:
        msg = (
            f"the catalogue of {org._desc()} has no categories {', '.join(map(repr, unknown))}, "
            f"which {what} name; its categories: {', '.join(catalogue)}"
        )
        raise UnknownCategoryError(msg)


def check_problems(problems: object, org: Organisation, at: str | None) -> list[ListedProblem]:
    """The problems to list, in rank order, after checking they fit ``org``."""
    from gridorg.lists import ListedProblem

    if isinstance(problems, str) or not isinstance(problems, Sequence):
        msg = (
            "problems must be a problem list or a sequence of ListedProblem, "
            f"got {describe(problems)}"
        )
        raise ArgumentTypeError(msg)
    seen: set[str] = set()
    for index, problem in enumerate(problems):
        if not isinstance(problem, ListedProblem):
            msg = f"problems[{index}] must be a ListedProblem, got {describe(problem)}"
            raise ArgumentTypeError(msg)
        if problem.id in seen:
            msg = f"problems[{index}]: problem id {problem.id!r} is listed twice"
            raise InvalidArgumentError(msg)
        seen.add(problem.id)
    listed: list[ListedProblem] = list(problems)
    strays = [p for p in listed if p.community is not None and p.community not in org]
    if strays:
        shown = ", ".join(f"{p.id!r} in {p.community!r}" for p in strays[:5])
        more = f" and {len(strays) - 5} more" if len(strays) > 5 else ""
        msg = (
            f"{_many(len(strays), 'problem is', 'problems are')} in communities "
            f"{org._desc()} lacks: {shown}{more}; "
            "was the problem list drawn up for another organisation?"
        )
        raise UnknownUnitError(msg)
    check_categories(org, [p.category for p in listed], "the problems")
    if at is not None:
        top = org.index(at)
        stop = top + int(org.column("size")[top])
        listed = [
            p for p in listed if p.community is not None and top <= org.index(p.community) < stop
        ]
    return sorted(listed, key=lambda p: (p.rank, p.id))


def check_capacity(capacity: object, org: Organisation) -> dict[str, int]:
    """Each department's capacity: ``capacity`` for all, or as the mapping gives it (0 else)."""
    departments = org.links.departments
    if isinstance(capacity, Mapping):
        strays = [key for key in capacity if key not in departments]
        if strays:
            known = ", ".join(map(repr, departments)) or "none"
            verb = "is not a department" if len(strays) == 1 else "are not departments"
            msg = (
                f"capacity names {', '.join(map(repr, strays))}, which {verb} of "
                f"{org._desc()}; its departments: {known}"
            )
            raise UnknownEntityError(msg)
        for key, value in capacity.items():
            _check_count(f"capacity[{key!r}]", value)
        return {d: int(capacity.get(d, 0)) for d in departments}
    _check_count("capacity", capacity)
    assert isinstance(capacity, int)  # checked just above
    return dict.fromkeys(departments, capacity)


def _check_count(name: str, value: object) -> None:
    if type(value) is not int:
        msg = f"{name} must be a non-negative integer, got {describe(value)}"
        raise ArgumentTypeError(msg)
    if value < 0:
        msg = f"{name} must be a non-negative integer, got {value}"
        raise InvalidArgumentError(msg)


# --------------------------------------------------------------------------- the case log


class Scanned(NamedTuple):
    """The cases collected in a period, oldest first, with what the lists need of them."""

    cases: list[str]
    categories: list[str]
    origins: list[str]
    collected: list[dt.datetime]
    states: list[CaseState]


def _us(value: dt.datetime) -> int:
    return (value - _EPOCH) // _US


def scan(log: CaseLog, start: dt.datetime | None, end: dt.datetime | None) -> Scanned:
    """One pass over the log's columns: each case's first event time and its state after its
    last event before ``end``, for the cases first seen in ``[start, end)``."""
    columns: dict[str, Any] = log.to_columns()
    ids: list[str] = columns["cases"].tolist()
    times = columns["time"]
    if not len(times):
        return Scanned([], [], [], [], [])
    position = {case: i for i, case in enumerate(ids)}
    codes = np.fromiter((position[c] for c in columns["case"].tolist()), np.int64, len(times))
    # A case's events are in time order in the log, so its first is its collected event.
    _, first_row = np.unique(codes, return_index=True)
    first = times[first_row]
    chosen = np.ones(len(ids), dtype=np.bool_)
    if start is not None:
        chosen &= first >= _us(start)
    before = np.flatnonzero(times < _us(end)) if end is not None else np.arange(len(times))
    if end is not None:
        chosen &= first < _us(end)
    # The last event before the end, per case: the first one met walking backwards.
    backwards = before[::-1]
    seen, last_at = np.unique(codes[backwards], return_index=True)
    last_row = np.full(len(ids), -1, dtype=np.int64)
    last_row[seen] = backwards[last_at]
    picked = np.flatnonzero(chosen).tolist()
    picked.sort(key=lambda i: (int(first[i]), ids[i]))
    categories = columns["category"]
    origins = columns["origin"]
    unregistered = [ids[i] for i in picked if categories[i] is None or origins[i] is None]
    if unregistered:
        shown = ", ".join(map(repr, unregistered[:5]))
        more = f" and {len(unregistered) - 5} more" if len(unregistered) > 5 else ""
        msg = (
            "the lists need each case's category and origin, but "
            f"{_many(len(unregistered), 'case of the period has', 'cases of the period have')} "
            f"none registered: {shown}{more} (open cases with CaseLog.open, "
            "or call CaseLog.register)"
        )
        raise InvalidArgumentError(msg)
    states = columns["state"]
    return Scanned(
        cases=[ids[i] for i in picked],
        categories=[str(categories[i]) for i in picked],
        origins=[str(origins[i]) for i in picked],
        collected=[_EPOCH + int(first[i]) * _US for i in picked],
        states=[STATES[int(states[last_row[i]])] for i in picked],
    )


def communities(org: Organisation, cases: list[str], origins: list[str]) -> list[str | None]:
    """The community each origin belongs to (``None`` above the community tier)."""
    unique = list(dict.fromkeys(origins))
    strays = {o for o in unique if o not in org}
    if strays:
        unknown = [(c, o) for c, o in zip(cases, origins, strict=True) if o in strays]
        shown = ", ".join(f"case {c!r} at {o!r}" for c, o in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        msg = (
            f"{_many(len(unknown), 'case', 'cases')} arose at units the organisation lacks: "
            f"{shown}{more} "
            f"(not in {org._desc()})"
        )
        raise UnknownUnitError(msg)
    if "community" not in org.scheme.names:
        msg = (
            f"the lists group demands by community, but {org._desc()} has no community tier "
            f"(its tiers: {', '.join(org.scheme.names)})"
        )
        raise InvalidArgumentError(msg)
    found = org.ids_at(org.ancestor_at_many(unique, "community")) if unique else []
    of = dict(zip(unique, found, strict=True))
    return [of[o] for o in origins]


def problem_id(quarter: str | None, category: str, community: str | None, seen: set[str]) -> str:
    """``P-<quarter>-<community>-<category>``, numbered on the rare spelling clash."""
    uid = "-".join(["P", *([quarter] if quarter else []), community or "-", category])
    base, n = uid, 1
    while uid in seen:
        n += 1
        uid = f"{base}~{n}"
    seen.add(uid)
    return uid


# --------------------------------------------------------------------------- the flow


@attrs.frozen
class Outcome:
    """What the flow decided: who took each claimed problem, and who could have."""

    taker: dict[str, str]
    committee: dict[str, bool]
    candidates: dict[str, tuple[str, ...]]


def candidates(org: Organisation, problem: ListedProblem) -> tuple[list[Department], set[str]]:
    """The departments that can claim ``problem`` (committee members first), and the ids of
    those on the extended committee of its community or one of its ancestors."""
    if problem.community is None:
        found = org.responsible_departments(problem.category)
        return [d for d in found if d.jurisdiction is None], set()
    found = org.responsible_departments(problem.category, at=problem.community)
    line = [problem.community, *(u.id for u in org.ancestors(problem.community))]
    members = {
        link.member
        for uid in line
        for link in org.links_of(uid, "committee_membership")
        if isinstance(link, CommitteeMembership) and link.committee == uid
    }
    return list(found), members


def solve(
    problems: Sequence[ListedProblem], org: Organisation, capacity: Mapping[str, int]
) -> Outcome:
    """Assign problems (given in rank order) to departments by a minimum-cost maximum flow.

    Arc costs are lexicographic, each level scaled to outweigh every sum of the levels below:
    the problem's position (claim the most pressing), then whether the department sits off the
    extended committee, then its place in the responsible-departments order.
    """
    options: dict[str, list[Department]] = {}
    members: dict[str, set[str]] = {}
    for problem in problems:
        options[problem.id], members[problem.id] = candidates(org, problem)
    order = list(org.links.departments)
    count = max(len(problems), 1)
    off_committee = count * max(len(order), 1) + 1  # > any sum of places
    per_position = count * 2 * off_committee + 1  # > any sum of committee and place costs
    import networkx as nx  # here, so that importing gridorg.lists stays light

    graph: nx.DiGraph[tuple[str, ...]] = nx.DiGraph()
    graph.add_nodes_from([_SOURCE, _SINK])
    for uid in order:
        if capacity[uid] > 0:
            graph.add_edge(_SOURCE, ("d", uid), capacity=capacity[uid], weight=0)
    arcs = 0
    for position, problem in enumerate(problems):
        node = ("p", problem.id)
        for place, department in enumerate(options[problem.id]):
            if capacity[department.id] > 0:
                off = 0 if department.id in members[problem.id] else 1
                cost = off * off_committee + place
                graph.add_edge(("d", department.id), node, capacity=1, weight=cost)
                arcs += 1
        if graph.has_node(node):
            graph.add_edge(node, _SINK, capacity=1, weight=position * per_position)
    taker: dict[str, str] = {}
    if arcs:
        flow = nx.max_flow_min_cost(graph, _SOURCE, _SINK)
        for uid in order:
            for node, amount in flow.get(("d", uid), {}).items():
                if amount > 0:
                    taker[node[1]] = uid
    return Outcome(
        taker=taker,
        committee={p: d in members[p] for p, d in taker.items()},
        candidates={p: tuple(d.id for d in found) for p, found in options.items()},
    )
