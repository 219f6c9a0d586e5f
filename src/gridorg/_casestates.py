"""Case states, the allowed transitions between them, and the case event record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from gridorg._entity import check_id, check_text, fail
from gridorg._enums import Labelled, labelled
from gridorg._fields import describe
from gridorg.errors import CaseLogError
from gridorg.issue import aware_problem

__all__ = [
    "DUE_STATES",
    "FINAL_STATES",
    "NO_RATING",
    "NO_TIME",
    "RATED_STATES",
    "STATES",
    "TRANSITIONS",
    "CaseEvent",
    "CaseState",
]


class CaseState(Labelled):
    """A state of a case in the closed loop, with the term of digital urban management."""

    COLLECTED = "collected"
    FILED = "filed"
    DISPATCHED = "dispatched"
    HANDLING = "handling"
    REPLIED = "replied"
    VERIFIED = "verified"
    CLOSED = "closed"
    ESCALATED = "escalated"
    REOPENED = "reopened"
    EXTENDED = "extended"
    CANCELLED = "cancelled"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"

    @property
    def code(self) -> int:
        """The state's integer code: its index in :data:`STATES`."""
        return _CODE[self]

    @property
    def final(self) -> bool:
        """Whether no transition leaves this state."""
        return self in FINAL_STATES


labelled(
    CaseState,
    "case state",
    {
        CaseState.COLLECTED: "收集",
        CaseState.FILED: "受理/立案",
        CaseState.DISPATCHED: "派遣",
        CaseState.HANDLING: "处置",
        CaseState.REPLIED: "答复",
        CaseState.VERIFIED: "核查",
        CaseState.CLOSED: "结案",
        CaseState.ESCALATED: "上报",
        CaseState.REOPENED: "返工",
        CaseState.EXTENDED: "延期",
        CaseState.CANCELLED: "撤销",
        CaseState.DUPLICATE: "重复",
        CaseState.REJECTED: "不予受理",
    },
)

#: Every state in code order: a state's integer code is its index here.
STATES: tuple[CaseState, ...] = tuple(CaseState)
_CODE: dict[CaseState, int] = {state: code for code, state in enumerate(STATES)}

#: The states no transition leaves.
FINAL_STATES: frozenset[CaseState] = frozenset(
    {CaseState.CLOSED, CaseState.CANCELLED, CaseState.DUPLICATE, CaseState.REJECTED}
)

#: The states whose events may carry a resolution deadline (``due``).
DUE_STATES: frozenset[CaseState] = frozenset(
    {
        CaseState.COLLECTED,
        CaseState.FILED,
        CaseState.DISPATCHED,
        CaseState.ESCALATED,
        CaseState.EXTENDED,
    }
)

#: The states whose events may carry a resident's satisfaction rating (``rating``).
RATED_STATES: frozenset[CaseState] = frozenset(
    {CaseState.REPLIED, CaseState.VERIFIED, CaseState.CLOSED}
)
#: The lowest and highest satisfaction rating (1 very dissatisfied … 5 very satisfied).
RATINGS = (1, 5)
#: The int8 standing for "no rating" in a log's ``rating`` column.
NO_RATING = -1

_S = CaseState
#: The allowed transitions: previous state (``None`` before a case's first event) → next states.
TRANSITIONS: Mapping[CaseState | None, frozenset[CaseState]] = MappingProxyType(
    {
        None: frozenset({_S.COLLECTED}),
        _S.COLLECTED: frozenset({_S.FILED, _S.CANCELLED, _S.DUPLICATE, _S.REJECTED}),
        _S.FILED: frozenset(
            {_S.DISPATCHED, _S.HANDLING, _S.ESCALATED, _S.CANCELLED, _S.DUPLICATE, _S.REJECTED}
        ),
        _S.DISPATCHED: frozenset({_S.HANDLING, _S.ESCALATED, _S.EXTENDED, _S.CANCELLED}),
        # handling → handling: another handler reports in or records progress (a department
        # answering the street's whistle, 部门报到).
        _S.HANDLING: frozenset({_S.HANDLING, _S.REPLIED, _S.ESCALATED, _S.EXTENDED}),
        _S.EXTENDED: frozenset({_S.HANDLING, _S.REPLIED, _S.ESCALATED}),
        _S.ESCALATED: frozenset({_S.DISPATCHED, _S.HANDLING}),
        _S.REPLIED: frozenset({_S.VERIFIED, _S.REOPENED, _S.CLOSED}),
        _S.VERIFIED: frozenset({_S.CLOSED, _S.REOPENED}),
        _S.REOPENED: frozenset({_S.DISPATCHED, _S.HANDLING}),
        _S.CLOSED: frozenset(),
        _S.CANCELLED: frozenset(),
        _S.DUPLICATE: frozenset(),
        _S.REJECTED: frozenset(),
    }
)

#: The code standing for "no state yet" (before a case's first event).
NONE = len(STATES)
#: ``ALLOWED[previous code, next code]``: whether the transition is allowed (row NONE: none yet).
ALLOWED: npt.NDArray[np.bool_] = np.zeros((NONE + 1, NONE), dtype=np.bool_)
for _from, _tos in TRANSITIONS.items():
    for _to in _tos:
        ALLOWED[NONE if _from is None else _CODE[_from], _CODE[_to]] = True
ALLOWED.flags.writeable = False
#: The allowed transitions as ``previous code * 16 + next code``, for one-event checks.
ALLOWED_PAIRS = frozenset(int(p) * 16 + int(n) for p, n in zip(*np.nonzero(ALLOWED), strict=True))
FINAL_MASK = np.array([state in FINAL_STATES for state in STATES], dtype=np.bool_)
DUE_MASK = np.array([state in DUE_STATES for state in STATES], dtype=np.bool_)
DUE_CODES = frozenset(_CODE[state] for state in DUE_STATES)
RATED_MASK = np.array([state in RATED_STATES for state in STATES], dtype=np.bool_)
RATED_CODES = frozenset(_CODE[state] for state in RATED_STATES)
FINAL_CODES = frozenset(_CODE[state] for state in FINAL_STATES)
#: State codes by state value (``CaseState`` members are strings, so they are found too).
CODE_OF: dict[str, int] = {state.value: code for code, state in enumerate(STATES)}

#: The int64 standing for "no time" (numpy's ``NaT`` when viewed as ``datetime64[us]``).
NO_TIME = int(np.iinfo(np.int64).min)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ONE_US = dt.timedelta(microseconds=1)


def to_us(value: dt.datetime) -> int:
    """Microseconds since the Unix epoch (UTC) of an aware datetime."""
    return (value - EPOCH) // _ONE_US


def from_us(value: int) -> dt.datetime:
    """The aware UTC datetime ``value`` microseconds after the Unix epoch."""
    return EPOCH + dt.timedelta(microseconds=value)


def allowed_text(code: int) -> str:
    """The states allowed after state ``code`` (``NONE``: the first event), for messages."""
    after = [STATES[n].value for n in np.flatnonzero(ALLOWED[code]).tolist()]
    return ", ".join(after) if after else "none (it is final)"


def state_text(code: int) -> str:
    """A state code's name for messages (``NONE``: the case has no events yet)."""
    return "(no events)" if code == NONE else STATES[code].value


def _state(value: object) -> object:
    if isinstance(value, str) and value in CODE_OF:
        return STATES[CODE_OF[value]]
    return value


def _check_state(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, CaseState):
        known = ", ".join(CODE_OF)
        msg = f"state must be one of {known}, got {describe(value)}"
        raise fail(_subject(inst), None, attribute.name, msg)


def _check_time(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None and attribute.name == "due":
        return
    msg = aware_problem(attribute.name, value)
    if msg is not None:
        raise fail(_subject(inst), None, attribute.name, msg)


def rating_problem(value: object) -> str | None:
    """Why ``value`` is not a satisfaction rating (an int from 1 to 5, or None); None if it is."""
    if value is None or (type(value) is int and RATINGS[0] <= value <= RATINGS[1]):
        return None
    return (
        f"rating must be an integer from {RATINGS[0]} (very dissatisfied) to {RATINGS[1]} "
        f"(very satisfied) or None, got {describe(value)}"
    )


def rating_message(case: str, code: int, where: str = "") -> str:
    """Why an event in state ``code`` cannot carry a rating (``where``: its place, with ", ")."""
    carriers = ", ".join(state.value for state in STATES if state in RATED_STATES)
    return (
        f"{where}case {case!r}: a {state_text(code)} event cannot carry a rating; "
        f"only {carriers} events do"
    )


def _check_rating(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    problem = rating_problem(value)
    if problem is not None:
        raise fail(_subject(inst), None, attribute.name, problem)
    state = getattr(inst, "state", None)
    if value is not None and isinstance(state, CaseState) and state not in RATED_STATES:
        case = getattr(inst, "case", "")
        raise CaseLogError(rating_message(case, _CODE[state]))


def _subject(inst: object) -> str:
    case = getattr(inst, "case", None)
    return f"case event of {case!r}" if isinstance(case, str) else "case event"


@attrs.frozen(repr=False)
class CaseEvent:
    """One step of one case: at ``time`` the case entered ``state``.

    ``time`` must be timezone-aware; ``actor`` is who acted (a unit, department or person id,
    free text) and ``note`` a remark. ``due`` is the resolution deadline an event sets (the
    open, filed, dispatched, escalated and extended events may carry one; the latest in force
    counts). ``rating`` is the resident's satisfaction with the answer, from 1 (very
    dissatisfied) to 5 (very satisfied), or ``None``: only replied, verified and closed events
    may carry one (another state with a rating raises :class:`~gridorg.CaseLogError`; a value
    that is not such an integer raises :class:`~gridorg.RecordError`). Times read back from a
    :class:`CaseLog` are in UTC; equality compares instants.

    >>> import datetime as dt
    >>> CaseEvent("Q1", dt.datetime(2024, 5, 6, 9, 30, tzinfo=dt.UTC), "filed").state.label
    '受理/立案'
    """

    noun: ClassVar[str] = "case event"

    case: str = attrs.field(validator=check_id)
    time: dt.datetime = attrs.field(validator=_check_time)
    state: CaseState = attrs.field(converter=_state, validator=_check_state)
    actor: str = attrs.field(default="", kw_only=True, validator=check_text)
    note: str = attrs.field(default="", kw_only=True, validator=check_text)
    due: dt.datetime | None = attrs.field(default=None, kw_only=True, validator=_check_time)
    rating: int | None = attrs.field(default=None, kw_only=True, validator=_check_rating)
    # The times in UTC microseconds, computed once (a log stores these).
    _us: int = attrs.field(init=False, eq=False, repr=False, hash=False)
    _due_us: int = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_us", to_us(self.time))
        object.__setattr__(self, "_due_us", NO_TIME if self.due is None else to_us(self.due))

    def to_record(self) -> dict[str, Any]:
        """This event as a JSON-compatible mapping (times in ISO 8601 with their offset)."""
        record: dict[str, Any] = {
            "case": self.case,
            "time": self.time.isoformat(),
            "state": self.state.value,
        }
        if self.actor:
            record["actor"] = self.actor
        if self.note:
            record["note"] = self.note
        if self.due is not None:
            record["due"] = self.due.isoformat()
        if self.rating is not None:
            record["rating"] = self.rating
        return record

    def __repr__(self) -> str:
        extra = "".join(
            f", {name}={value!r}"
            for name, value in (("actor", self.actor), ("note", self.note))
            if value
        )
        if self.due is not None:
            extra += f", due={self.due.isoformat()!r}"
        if self.rating is not None:
            extra += f", rating={self.rating}"
        return f"CaseEvent({self.case!r}, {self.time.isoformat()!r}, {self.state.value!r}{extra})"
