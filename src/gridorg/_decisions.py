"""Routing decisions: one issue's decision, its chain steps and trace, and a columnar batch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final, overload

import attrs
import numpy as np
import numpy.typing as npt

from gridorg.errors import ArgumentTypeError, InvalidArgumentError, missing_dependency
from gridorg.issue import Channel
from gridorg.triage import COLOURS, Colour

if TYPE_CHECKING:
    from gridorg._route_state import RouteState

__all__ = ["RoutingDecision", "RoutingDecisions", "RuleTrace", "Step"]

#: The ``action`` of a decision, by code.
ACTION_NAMES: Final = ("handle", "department", "joint_office", "mediation", "whistle")
HANDLE, DEPARTMENT, JOINT_OFFICE, MEDIATION, WHISTLE = range(5)
#: The ``fallback`` of a decision, by code (-1 for none).
FALLBACKS: Final = ("first_receiver", "territorial")
FIRST_RECEIVER, TERRITORIAL = range(2)
#: The tier of a decision handled by departments.
DEPARTMENT_TIER: Final = "department"
#: A missing time in int64 microsecond columns.
NO_TIME: Final = np.iinfo(np.int64).min
EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND: Final = dt.timedelta(microseconds=1)


def to_us(when: dt.datetime) -> int:
    """An aware datetime as integer microseconds since 1970 UTC (exact)."""
    return (when - EPOCH) // MICROSECOND


def from_us(value: int) -> dt.datetime:
    """Integer microseconds since 1970 UTC as an aware UTC datetime."""
    return EPOCH + dt.timedelta(microseconds=value)


class _DecisionIndexError(InvalidArgumentError, IndexError):
    """A decision index out of range (an ``IndexError``, as sequences raise)."""


@attrs.frozen
class Step:
    """One step of an escalation chain: who takes the matter next.

    A unit step names the ``tier`` and the ``handler`` unit; the whistle step (``whistle``
    true, tier ``"department"``) names the street that blows the whistle as ``handler`` and
    the ``departments`` that must report in.
    """

    tier: str
    handler: str | None
    departments: tuple[str, ...] = ()
    whistle: bool = False


@attrs.frozen
class RuleTrace:
    """One rule the router tried for an issue: whether it matched, and why."""

    index: int
    name: str
    matched: bool
    reason: str


@attrs.frozen(repr=False)
class RoutingDecision:
    """Who handles one issue, by when, what comes next if they cannot, and why.

    ``tier`` is the handling tier, or ``"department"`` when departments handle the matter
    (then ``handler`` is ``None`` for an assignment and the whistling street for a whistle).
    ``action`` is ``handle``, ``department``, ``joint_office``, ``mediation`` or ``whistle``.
    ``chain`` holds the steps ahead, strictly upward; ``trace`` the rules tried, in order;
    ``escalations`` the reasons given to :meth:`~gridorg.Router.escalate` so far.
    """

    issue: str
    category: str
    origin: str
    colour: Colour
    tier: str
    handler: str | None
    departments: tuple[str, ...]
    people: tuple[str, ...]
    action: str
    response_by: dt.datetime
    resolve_by: dt.datetime
    report_by: dt.datetime | None
    chain: tuple[Step, ...]
    fallback: str | None
    trace: tuple[RuleTrace, ...]
    escalations: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()

    @property
    def rule(self) -> str:
        """The name of the rule that decided (the last one tried)."""
        return self.trace[-1].name

    def __repr__(self) -> str:
        # The decision in one line: who, at which tier, by when; the fields hold the rest.
        who = [repr(self.handler)] if self.handler is not None else []
        if self.departments:
            who.append("departments " + ", ".join(map(repr, self.departments)))
        parts = [
            f"{self.issue!r}: {self.action} at {self.tier}"
            + (f" by {' + '.join(who)}" if who else ""),
            f"colour={self.colour.value}",
            f"rule={self.rule!r}",
            f"resolve_by={self.resolve_by.isoformat()!r}",
        ]
        if self.report_by is not None:
            parts.append(f"report_by={self.report_by.isoformat()!r}")
        if self.fallback is not None:
            parts.append(f"fallback={self.fallback!r}")
        if self.escalations:
            parts.append(f"escalations={len(self.escalations)}")
        parts.append(f"chain={len(self.chain)} steps")
        return f"RoutingDecision({', '.join(parts)})"

    def to_record(self) -> dict[str, Any]:
        """This decision as a JSON-compatible mapping (times in ISO 8601)."""
        record = attrs.asdict(self, recurse=True, retain_collection_types=False)
        record["colour"] = self.colour.value
        for field in ("response_by", "resolve_by", "report_by"):
            value = getattr(self, field)
            record[field] = None if value is None else value.isoformat()
        return record


@attrs.frozen
class DecisionColumns:
    """The columns behind :class:`RoutingDecisions`: codes and positions, one row per issue."""

    issue: Sequence[str]
    category: npt.NDArray[np.int64]
    origin: npt.NDArray[np.int64]
    colour: npt.NDArray[np.uint8]
    rule: npt.NDArray[np.int16]
    action: npt.NDArray[np.uint8]
    handler: npt.NDArray[np.int32]
    departments: npt.NDArray[np.int32]
    responsible: npt.NDArray[np.int32]
    people: npt.NDArray[np.int32]
    partners: npt.NDArray[np.int32]
    fallback: npt.NDArray[np.int8]
    response_by: npt.NDArray[np.int64]
    resolve_by: npt.NDArray[np.int64]
    report_by: npt.NDArray[np.int64]
    channel: npt.NDArray[np.uint8]
    tags: Sequence[frozenset[str]] | None


class RoutingDecisions(Sequence[RoutingDecision]):
    """The decisions of :meth:`~gridorg.Router.route_many`, kept as columns.

    Indexing materialises one :class:`RoutingDecision`, equal to what
    :meth:`~gridorg.Router.route` gives for that issue; :meth:`to_columns` and
    :meth:`to_pandas` give the columns without materialising anything.
    """

    __slots__ = ("_columns", "_state")

    def __init__(self, state: RouteState, columns: DecisionColumns) -> None:
        self._state = state
        self._columns = columns

    def __len__(self) -> int:
        return len(self._columns.origin)

    @overload
    def __getitem__(self, index: int) -> RoutingDecision: ...
    @overload
    def __getitem__(self, index: slice) -> list[RoutingDecision]: ...
    def __getitem__(self, index: int | slice) -> RoutingDecision | list[RoutingDecision]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if isinstance(index, bool) or not isinstance(index, int | np.integer):
            msg = f"decisions are indexed by integers, got {type(index).__name__}"
            raise ArgumentTypeError(msg)
        n = len(self)
        i = int(index) + n if index < 0 else int(index)
        if not 0 <= i < n:
            msg = f"decision {int(index)} is out of range for {n} decisions"
            raise _DecisionIndexError(msg)
        return self._state.materialise(self._columns, i)

    def __iter__(self) -> Iterator[RoutingDecision]:
        for i in range(len(self)):
            yield self._state.materialise(self._columns, i)

    def to_columns(self) -> dict[str, Any]:
        """The decisions as columns: ids and names as lists, codes, positions and int64 UTC
        microsecond times as numpy arrays (``report_by`` holds int64 min where none)."""
        c = self._columns
        state = self._state
        names = state.scheme_names
        handler_tier = state.tier_column[np.maximum(c.handler, 0)]
        tier = np.where(
            (c.action == DEPARTMENT) | (c.action == WHISTLE) | (c.handler < 0), -1, handler_tier
        ).astype(np.int8)
        return {
            "issue": list(c.issue),
            "category": [state.categories[k] for k in c.category.tolist()],
            "origin": c.origin,
            "colour": c.colour,
            "rule": c.rule,
            "action": c.action,
            "tier": tier,
            "tier_names": (*names, DEPARTMENT_TIER),
            "colour_names": tuple(colour.value for colour in COLOURS),
            "rule_names": state.rule_names,
            "action_names": ACTION_NAMES,
            "handler": c.handler,
            "departments": [state.pool[k] for k in c.departments.tolist()],
            "fallback": c.fallback,
            "response_by": c.response_by,
            "resolve_by": c.resolve_by,
            "report_by": c.report_by,
            "channel": c.channel,
            "channel_names": tuple(channel.value for channel in Channel),
        }

    def to_pandas(self) -> Any:
        """The decisions as a ``pandas.DataFrame``, one row per issue (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - pandas is an optional dependency
            error = missing_dependency("pandas", "dataframe", "RoutingDecisions.to_pandas")
            raise error from None
        c = self.to_columns()
        state = self._state

        def times(values: npt.NDArray[np.int64]) -> Any:
            missing = values == NO_TIME
            found = pd.Series(pd.to_datetime(np.where(missing, 0, values), unit="us", utc=True))
            return found.mask(missing)

        names = c["tier_names"]
        return pd.DataFrame(
            {
                "issue": c["issue"],
                "category": c["category"],
                "origin": state.org.ids_at(c["origin"]),
                "colour": [COLOURS[k].value for k in c["colour"].tolist()],
                "rule": [state.rule_names[k] for k in c["rule"].tolist()],
                "action": [ACTION_NAMES[k] for k in c["action"].tolist()],
                "tier": [names[k] for k in c["tier"].tolist()],
                "handler": state.org.ids_at(c["handler"]),
                "departments": c["departments"],
                "fallback": [None if k < 0 else FALLBACKS[k] for k in c["fallback"].tolist()],
                "response_by": times(c["response_by"]),
                "resolve_by": times(c["resolve_by"]),
                "report_by": times(c["report_by"]),
            }
        )

    def __repr__(self) -> str:
        return f"<RoutingDecisions: {len(self):,} issues>"
