"""Derived views of a case log: every case's state, clocks and flags at one moment, vectorised."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from gridorg._casestates import (
    FINAL_MASK,
    NO_TIME,
    STATES,
    CaseState,
    from_us,
    to_us,
)
from gridorg._fields import describe
from gridorg.errors import (
    ArgumentTypeError,
    CaseLogError,
    InvalidArgumentError,
    missing_dependency,
)
from gridorg.issue import aware

if TYPE_CHECKING:
    from gridorg._caselog import CaseLog

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
_CODE = {state: code for code, state in enumerate(STATES)}
#: The four stages of the closed loop, as (name, Chinese term).
STAGES = (("accept", "受理"), ("dispatch", "派遣"), ("dispose", "处置"), ("close", "结案"))


def _time(us: int) -> dt.datetime | None:
    return None if us == NO_TIME else from_us(us)


def _seconds(value: float) -> float | None:
    return None if math.isnan(value) else value


@attrs.frozen
class CaseView:
    """One case's derived view at one moment (``at``); times are aware UTC datetimes.

    ``time_in`` maps each state the case spent time in to the seconds spent (the state the
    case is in counts until ``at`` unless it is final). ``due`` is the deadline in force,
    ``due_from`` the time of the event that set it. The stages are in seconds (``None`` when
    not reached): ``accept`` collected → filed, ``dispatch`` filed → first dispatched,
    ``dispose`` first dispatched (or filed, for a case never dispatched) → first replied,
    ``close`` first replied → closed. ``rating`` is the latest satisfaction rating given by
    ``at`` (1-5), or ``None``.
    """

    case: str
    at: dt.datetime
    state: CaseState
    opened: dt.datetime
    closed: dt.datetime | None
    due: dt.datetime | None
    due_from: dt.datetime | None
    time_in: Mapping[CaseState, float]
    overdue: bool
    warning: bool
    accept: float | None
    dispatch: float | None
    dispose: float | None
    close: float | None
    category: str | None
    origin: str | None
    rating: int | None = None


class CaseViews:
    """Every case's derived view at one moment, as columns with one row per case.

    Rows are the cases opened by ``at`` (cases collected later are left out), in the order
    cases first appeared. Columns: ``case`` (ids), ``state`` (uint8 codes), ``opened``,
    ``closed`` (the time a final state was reached), ``due`` (in force at ``at``) and
    ``due_from`` (the time of the event that set it) as int64 UTC µs with
    :data:`~gridorg.lifecycle.NO_TIME` for none; ``time_in`` (float64 seconds, cases × states);
    ``overdue`` (not final and ``at`` past due, or closed after due) and ``warning`` (not final
    with a due, and at least ``warn`` of the window from ``due_from`` to ``due`` used);
    ``accept``, ``dispatch``, ``dispose``, ``close`` (stage durations in seconds, NaN when not
    reached, see :class:`CaseView`); ``category`` and ``origin`` (strings or ``None``);
    ``rating`` (int8, the latest satisfaction rating given by ``at``, -1 for none).
    ``views[case_id]`` (or a row number) is one :class:`CaseView`.
    """

    def __init__(self, log: CaseLog, at: int, warn: float, columns: dict[str, Any]) -> None:
        self._log = log
        self.at = at
        self.warn = warn
        self.codes: I64 = columns.pop("codes")
        self.case: npt.NDArray[np.object_] = columns.pop("case")
        self.state: npt.NDArray[np.uint8] = columns.pop("state")
        self.opened: I64 = columns.pop("opened")
        self.closed: I64 = columns.pop("closed")
        self.due: I64 = columns.pop("due")
        self.due_from: I64 = columns.pop("due_from")
        self.time_in: F64 = columns.pop("time_in")
        self.overdue: npt.NDArray[np.bool_] = columns.pop("overdue")
        self.warning: npt.NDArray[np.bool_] = columns.pop("warning")
        self.accept: F64 = columns.pop("accept")
        self.dispatch: F64 = columns.pop("dispatch")
        self.dispose: F64 = columns.pop("dispose")
        self.close: F64 = columns.pop("close")
        self.category: npt.NDArray[np.object_] = columns.pop("category")
        self.origin: npt.NDArray[np.object_] = columns.pop("origin")
        self.rating: npt.NDArray[np.int8] = columns.pop("rating")

    def __len__(self) -> int:
        return len(self.codes)

    def _find(self, code: int) -> int:
        """The row of case code ``code``, or -1 when it has none."""
        row = int(np.searchsorted(self.codes, code))
        found = code >= 0 and row < len(self.codes) and bool(self.codes[row] == code)
        return row if found else -1

    def _row(self, key: object) -> int:
        if isinstance(key, str):
            code = self._log._cases.index.get(key, -1)
            row = self._find(code)
            if row < 0:
                where = "not in the log" if code < 0 else f"not opened by {from_us(self.at)}"
                msg = f"case {key!r} has no view: it is {where}"
                raise CaseLogError(msg)
            return row
        if isinstance(key, int | np.integer) and not isinstance(key, bool):
            if not -len(self) <= key < len(self):
                msg = f"row {key} is out of range for {len(self)} case views"
                raise IndexError(msg)
            return int(key) % len(self)
        msg = f"case views are indexed by case id or row, got {describe(key)}"
        raise ArgumentTypeError(msg)

    def __contains__(self, case: object) -> bool:
        code = self._log._cases.index.get(case, -1) if isinstance(case, str) else -1
        return self._find(code) >= 0

    def __getitem__(self, key: str | int) -> CaseView:
        row = self._row(key)
        spent = self.time_in[row]
        return CaseView(
            case=str(self.case[row]),
            at=from_us(self.at),
            state=STATES[int(self.state[row])],
            opened=from_us(int(self.opened[row])),
            closed=_time(int(self.closed[row])),
            due=_time(int(self.due[row])),
            due_from=_time(int(self.due_from[row])),
            time_in={STATES[s]: float(spent[s]) for s in np.flatnonzero(spent).tolist()},
            overdue=bool(self.overdue[row]),
            warning=bool(self.warning[row]),
            accept=_seconds(float(self.accept[row])),
            dispatch=_seconds(float(self.dispatch[row])),
            dispose=_seconds(float(self.dispose[row])),
            close=_seconds(float(self.close[row])),
            category=self.category[row],
            origin=self.origin[row],
            rating=None if self.rating[row] < 0 else int(self.rating[row]),
        )

    def __iter__(self) -> Iterator[CaseView]:
        return map(self.__getitem__, range(len(self)))

    def to_pandas(self) -> Any:
        """The views as a pandas DataFrame indexed by case id (times as UTC timestamps)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - pandas is installed where tests run
            error = missing_dependency("pandas", "dataframe", "CaseViews.to_pandas")
            raise error from None

        def stamps(values: I64) -> Any:
            return pd.to_datetime(values.view("datetime64[us]"), utc=True)

        names = np.array([state.value for state in STATES], dtype=object)
        data: dict[str, Any] = {
            "state": names[self.state],
            "opened": stamps(self.opened),
            "closed": stamps(self.closed),
            "due": stamps(self.due),
            "overdue": self.overdue,
            "warning": self.warning,
        }
        for name, _ in STAGES:
            data[name] = getattr(self, name)
        for code, state in enumerate(STATES):
            data[f"time_in_{state.value}"] = self.time_in[:, code]
        data["category"] = self.category
        data["origin"] = self.origin
        data["rating"] = pd.array(
            [None if r < 0 else r for r in self.rating.tolist()], dtype="Int8"
        )
        return pd.DataFrame(data, index=pd.Index(self.case, name="case"))

    def __repr__(self) -> str:
        return (
            f"<CaseViews at {from_us(self.at).isoformat()}: {len(self):,} cases, "
            f"{int(self.overdue.sum()):,} overdue, {int(self.warning.sum()):,} warning>"
        )


def run_edges(codes: npt.NDArray[np.integer[Any]]) -> tuple[Bools, Bools]:
    """Masks of the first and the last element of each run of equal codes."""
    edge = np.empty(len(codes) + 1, dtype=np.bool_)
    edge[0] = edge[-1] = True
    np.not_equal(codes[1:], codes[:-1], out=edge[1:-1])
    return edge[:-1], edge[1:]


def first_where(rows: I64, hits: Bools, times: I64, n: int) -> I64:
    """Per row, the time of its first event where ``hits`` (``NO_TIME`` if none).

    ``rows`` gives each event's row (0 to ``n - 1``), events of a row together in time order.
    """
    at = np.flatnonzero(hits)
    first, _ = run_edges(rows[at])
    at = at[first]
    out = np.full(n, NO_TIME, dtype=np.int64)
    out[rows[at]] = times[at]
    return out


def last_where(rows: I64, hits: Bools, values: npt.NDArray[Any], n: int, fill: int) -> Any:
    """Per row, ``values`` at its last event where ``hits`` (``fill`` if none).

    ``rows`` gives each event's row (0 to ``n - 1``), events of a row together in time order.
    """
    at = np.flatnonzero(hits)
    _, latest = run_edges(rows[at])
    at = at[latest]
    out = np.full(n, fill, dtype=values.dtype)
    out[rows[at]] = values[at]
    return out


def _span(start: I64, end: I64) -> F64:
    """Seconds from ``start`` to ``end`` (NaN where either is missing)."""
    known = (start != NO_TIME) & (end != NO_TIME)
    return np.where(known, (end - np.where(known, start, 0)) / 1e6, np.nan)


def compute_views(
    log: CaseLog, *, at: dt.datetime | None, warn: float, only: str | None = None
) -> CaseViews:
    """The views of ``log`` at ``at`` (default: its last event time), of one case if ``only``."""
    if isinstance(warn, bool) or not isinstance(warn, int | float) or not 0 < warn <= 1:
        msg = f"warn must be a share of the time allowed in (0, 1], got {describe(warn)}"
        raise InvalidArgumentError(msg)
    order, starts = log.grouped()
    ev = log._ev
    all_times = ev["time"]
    if at is None:
        at_us = int(all_times.max()) if len(all_times) else 0
    elif aware(at):
        at_us = to_us(at)
    else:
        msg = f"at must be a timezone-aware datetime, got {describe(at)}"
        raise ArgumentTypeError(msg)
    if only is not None:
        ci = log._cases.index[only]
        order = order[starts[ci] : starts[ci + 1]]
    times = all_times[order]
    valid = times <= at_us
    pos = order[valid]
    t = times[valid]
    s = ev["state"][pos]
    first, last = run_edges(ev["case"][pos])
    rows = np.cumsum(first) - 1
    codes = ev["case"][pos[first]].astype(np.int64)
    n = len(codes)
    state = s[last]
    final = FINAL_MASK[state]
    last_t = t[last]
    # Time in each state: until the next event, or until `at` for a case not yet final.
    until = np.empty(len(t), dtype=np.int64)
    until[:-1] = t[1:]
    until[last] = np.where(final, last_t, at_us)
    spent = (until - t).astype(np.float64) / 1e6
    time_in = np.bincount(rows * len(STATES) + s, weights=spent, minlength=n * len(STATES))
    # The due in force and the rating given: the latest event carrying one.
    d = ev["due"][pos]
    carried = d != NO_TIME
    due = last_where(rows, carried, d, n, NO_TIME)
    due_from = last_where(rows, carried, t, n, NO_TIME)
    given = ev["rating"][pos]
    rating = last_where(rows, given >= 0, given, n, -1)
    has_due = due != NO_TIME
    closed = np.where(final, last_t, NO_TIME)
    is_closed = state == _CODE[CaseState.CLOSED]
    overdue = has_due & ((~final & (at_us > due)) | (is_closed & (last_t > due)))
    used = (at_us - due_from).astype(np.float64)
    window = (due - np.where(has_due, due_from, 0)).astype(np.float64)
    warning = has_due & ~final & (used >= warn * window)
    opened = t[first]
    filed = first_where(rows, s == _CODE[CaseState.FILED], t, n)
    dispatched = first_where(rows, s == _CODE[CaseState.DISPATCHED], t, n)
    replied = first_where(rows, s == _CODE[CaseState.REPLIED], t, n)
    closed_ok = np.where(is_closed, last_t, NO_TIME)
    case_ids = np.empty(len(log._cases), dtype=object)
    case_ids[:] = log._cases.values
    info = log._cs
    categories = np.array([*log._categories.values, None], dtype=object)
    origins = np.array([*log._origins.values, None], dtype=object)
    columns = {
        "codes": codes,
        "case": case_ids[codes],
        "state": state,
        "opened": opened,
        "closed": closed,
        "due": due,
        "due_from": due_from,
        "time_in": time_in.reshape(n, len(STATES)),
        "overdue": overdue,
        "warning": warning,
        "accept": _span(opened, filed),
        "dispatch": _span(filed, dispatched),
        "dispose": _span(np.where(dispatched != NO_TIME, dispatched, filed), replied),
        "close": _span(replied, closed_ok),
        "category": categories[info["category"][codes]],
        "origin": origins[info["origin"][codes]],
        "rating": rating,
    }
    return CaseViews(log, at_us, float(warn), columns)
