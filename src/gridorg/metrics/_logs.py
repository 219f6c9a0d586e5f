"""Reading a case log for metrics: one row per case of the period, and breakdown keys.

The case metrics (数字城管 indicators, the 接诉即办 rates, the escalation profile) all start
from the same per-case facts: when a case was collected, filed, first dispatched, first
replied and closed, the state it ended in, the deadline in force, whether it was reopened,
extended or escalated, whether the grid disposed of it itself, its latest satisfaction rating
and who handled it last. :func:`case_table` derives them for every case at once with a few
passes over the log's columns, and keeps them in ``inputs.cache`` so that the metrics of one
``compute`` call share one pass.

**Which cases, and as of when.** The rows are the cases *collected* (first event) in
``inputs.period`` — every case of the log when no period is given. The log is read *as of* the
end of the period: events at or after the end are left out (the log as it stood when the
period ended), so a case closed after the period is not closed in it. Without a period the
whole log is read, as of its last event. :attr:`CaseTable.end` is that exclusive bound, in
UTC microseconds.

**Breakdowns.** :func:`group_index` gives each row a key for ``inputs.by``: ``month``
(``"2024-05"``) or ``quarter`` (``"2024Q2"``) of the collection time in China Standard Time
(UTC+8, Asia/Shanghai); ``unit``, the case's origin unit id; ``street`` or ``community``, the
origin's (topmost) ancestor at that tier in ``inputs.org`` (which these two need). A case
without a key — unregistered, or arising outside the organisation or outside any unit of the
tier — is left out of the breakdown, so per-key counts sum to the overall count when every
case is placed. :mod:`gridorg.metrics._case_reductions` reduces per-row arrays overall or per
key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from gridorg._casestates import FINAL_MASK, NO_RATING, NO_TIME, CaseState, to_us
from gridorg._caseviews import first_where, last_where, run_edges
from gridorg.errors import InvalidArgumentError

if TYPE_CHECKING:
    from gridorg.lifecycle import CaseLog
    from gridorg.metrics._registry import Inputs

__all__ = [
    "CASE_BREAKDOWNS",
    "CaseTable",
    "Groups",
    "case_table",
    "group_index",
]

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
I8 = npt.NDArray[np.int8]
U8 = npt.NDArray[np.uint8]
Bools = npt.NDArray[np.bool_]
F64 = npt.NDArray[np.float64]
T = TypeVar("T")

#: The breakdowns the case metrics support.
CASE_BREAKDOWNS: Final = ("street", "community", "unit", "month", "quarter")
#: China Standard Time's offset from UTC, in microseconds (no daylight saving since 1991).
CST_OFFSET: Final = 8 * 3_600_000_000
#: The keys under which this module keeps its results in ``inputs.cache``.
TABLE_KEY: Final = "logs.case_table"
GROUPS_KEY: Final = "logs.groups."

_S = CaseState
_FILED = _S.FILED.code
_DISPATCHED = _S.DISPATCHED.code
_HANDLING = _S.HANDLING.code
_REPLIED = _S.REPLIED.code
_CLOSED = _S.CLOSED.code


@attrs.frozen(eq=False, repr=False)
class CaseTable:
    """The cases of a period, one row each, as of the period's end (see the module notes).

    Times are int64 UTC microseconds, :data:`~gridorg.lifecycle.NO_TIME` where there is none.
    Rows are in the order cases first appeared in the log.

    - ``codes``: each case's code in the log (its index in ``log.cases``).
    - ``collected``: the time of the first (collected) event.
    - ``filed``, ``dispatched``, ``replied``: the time of the first filed, first dispatched and
      first replied event.
    - ``replied_after_dispatch``: the time of the first replied event at or after the first
      dispatch (the end of the handling time).
    - ``closed``: the time of the closed event (only for cases in state closed).
    - ``final``: the time a final state (closed, cancelled, duplicate, rejected) was reached.
    - ``last``: the time of the last event; ``state``: the state it entered (uint8 code).
    - ``due``: the deadline in force (the latest carried), ``due_from`` the time it was set.
    - ``reopened``, ``extended``, ``escalated``: whether any such event happened.
    - ``self_disposed``: self-disposal (自处置): filed → handling directly, never dispatched.
    - ``rating``: the latest satisfaction rating (1-5), ``-1`` for none.
    - ``handler``: the actor code (into ``actors``) of the last handling event; 0 (the empty
      string) for none or an unnamed actor.
    - ``origin``, ``category``: codes into the log's origin and category pools, -1 when the
      case is unregistered.
    - ``end``: the exclusive bound the log was read to; ``period``: ``(start, end)`` in UTC µs
      or ``None``.
    """

    log: CaseLog
    codes: I64
    collected: I64
    filed: I64
    dispatched: I64
    replied: I64
    replied_after_dispatch: I64
    closed: I64
    final: I64
    last: I64
    state: U8
    due: I64
    due_from: I64
    reopened: Bools
    extended: Bools
    escalated: Bools
    self_disposed: Bools
    rating: I8
    handler: I32
    origin: I32
    category: I32
    end: int
    period: tuple[int, int] | None

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def case(self) -> npt.NDArray[np.object_]:
        """The case ids, by row."""
        ids = np.empty(len(self.log._cases), dtype=object)
        ids[:] = self.log._cases.values
        result: npt.NDArray[np.object_] = ids[self.codes]
        return result

    @property
    def actors(self) -> list[str]:
        """The actor pool ``handler`` codes index (``actors[0]`` is the empty string)."""
        return self.log._actors.values

    def handler_ids(self) -> npt.NDArray[np.object_]:
        """The last handler of each row as a string (``""`` for none)."""
        names = np.empty(len(self.actors), dtype=object)
        names[:] = self.actors
        result: npt.NDArray[np.object_] = names[self.handler]
        return result

    def origin_ids(self) -> npt.NDArray[np.object_]:
        """The origin unit id of each row (``None`` when unregistered)."""
        names = np.array([*self.log._origins.values, None], dtype=object)
        result: npt.NDArray[np.object_] = names[self.origin]
        return result

    def category_ids(self) -> npt.NDArray[np.object_]:
        """The category code of each row (``None`` when unregistered)."""
        names = np.array([*self.log._categories.values, None], dtype=object)
        result: npt.NDArray[np.object_] = names[self.category]
        return result

    @property
    def is_closed(self) -> Bools:
        """Whether each case is in state closed (结案) as of the end."""
        result: Bools = self.state == _CLOSED
        return result

    @property
    def is_final(self) -> Bools:
        """Whether each case is in a final state as of the end."""
        result: Bools = FINAL_MASK[self.state]
        return result

    def __repr__(self) -> str:
        return f"<CaseTable: {len(self):,} cases>"


def _cached(inputs: Inputs, key: str, build: Callable[[], T]) -> T:
    if key not in inputs.cache:
        inputs.cache[key] = build()
    found: T = inputs.cache[key]
    return found


def case_log(inputs: Inputs) -> CaseLog:
    """The log a metric was given; an ``InvalidArgumentError`` when there is none."""
    if inputs.log is None:
        msg = "this metric needs a case log (log=...), got none"
        raise InvalidArgumentError(msg)
    return inputs.log


def case_table(inputs: Inputs) -> CaseTable:
    """The cases collected in ``inputs.period``, one row each, as of the period's end.

    Computed once per ``compute`` call (kept in ``inputs.cache``); see :class:`CaseTable` for
    the columns and the module notes for which cases and events count.
    """
    return _cached(inputs, TABLE_KEY, lambda: _build(case_log(inputs), inputs.period))


def _any(rows: I64, hits: Bools, n: int) -> Bools:
    result: Bools = np.bincount(rows[hits], minlength=n) > 0
    return result


def _build(log: CaseLog, period: tuple[Any, Any] | None) -> CaseTable:
    order, _ = log.grouped()
    ev = log._ev
    times = ev["time"]
    bounds = None if period is None else (to_us(period[0]), to_us(period[1]))
    if bounds is None:
        end = int(times.max()) + 1 if len(times) else 0
        pos = order
    else:
        end = bounds[1]
        first = log._cs["first"]
        inside = (first >= bounds[0]) & (first < bounds[1])
        keep = inside[ev["case"][order]] & (times[order] < end)
        pos = order[keep]
    t = times[pos]
    s = ev["state"][pos]
    case = ev["case"][pos]
    head, tail = run_edges(case)
    rows = np.cumsum(head) - 1
    n = int(np.count_nonzero(head))
    codes = case[head].astype(np.int64)
    state = s[tail]
    last = t[tail]
    final = FINAL_MASK[state]
    # The deadline in force: the latest event carrying one.
    d = ev["due"][pos]
    carried = d != NO_TIME
    due = last_where(rows, carried, d, n, NO_TIME)
    due_from = last_where(rows, carried, t, n, NO_TIME)
    # The first reply at or after the first dispatch: events after a dispatch within the case.
    is_dispatch = s == _DISPATCHED
    seen = np.cumsum(is_dispatch)
    before = (seen - is_dispatch)[head]
    after_dispatch = seen - before[rows] > 0
    # Self-disposal: a handling event right after the filed one (filed → handling).
    previous = np.empty(len(s), dtype=np.uint8)
    previous[1:] = s[:-1]
    direct = (s == _HANDLING) & (previous == _FILED) & ~head
    dispatched = first_where(rows, is_dispatch, t, n)
    handling = s == _HANDLING
    rating = ev["rating"][pos]
    cs = log._cs
    return CaseTable(
        log=log,
        codes=codes,
        collected=t[head],
        filed=first_where(rows, s == _FILED, t, n),
        dispatched=dispatched,
        replied=first_where(rows, s == _REPLIED, t, n),
        replied_after_dispatch=first_where(rows, (s == _REPLIED) & after_dispatch, t, n),
        closed=np.where(state == _CLOSED, last, NO_TIME),
        final=np.where(final, last, NO_TIME),
        last=last,
        state=state,
        due=due,
        due_from=due_from,
        reopened=_any(rows, s == _S.REOPENED.code, n),
        extended=_any(rows, s == _S.EXTENDED.code, n),
        escalated=_any(rows, s == _S.ESCALATED.code, n),
        self_disposed=_any(rows, direct, n) & (dispatched == NO_TIME),
        rating=last_where(rows, rating != NO_RATING, rating, n, NO_RATING),
        handler=last_where(rows, handling, ev["actor"][pos], n, 0),
        origin=cs["origin"][codes],
        category=cs["category"][codes],
        end=end,
        period=bounds,
    )


# ---------------------------------------------------------------------- breakdowns


@attrs.frozen(eq=False)
class Groups:
    """A breakdown of a case table: each row's group (``-1``: left out) and the group keys."""

    index: I64
    keys: tuple[str, ...]


def group_index(inputs: Inputs, name: str = "metric") -> Groups | None:
    """The groups of ``inputs.by`` over :func:`case_table`'s rows; ``None`` without ``by``.

    ``name`` names the metric in errors: ``street`` and ``community`` need ``inputs.org``, and
    a breakdown outside :data:`CASE_BREAKDOWNS` is refused.
    """
    by = inputs.by
    if by is None:
        return None
    if by not in CASE_BREAKDOWNS:
        msg = (
            f"metric {name!r} cannot be broken down by {by!r}; "
            f"it supports by= {', '.join(CASE_BREAKDOWNS)}"
        )
        raise InvalidArgumentError(msg)
    return _cached(inputs, GROUPS_KEY + by, lambda: _groups(inputs, by, name))


def _groups(inputs: Inputs, by: str, name: str) -> Groups:
    table = case_table(inputs)
    if by in ("month", "quarter"):
        local = (table.collected + CST_OFFSET).astype("datetime64[us]")
        months = local.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
        value = months if by == "month" else months // 3
        found, index = np.unique(value, return_inverse=True)
        if by == "month":
            keys = tuple(f"{1970 + m // 12:04d}-{m % 12 + 1:02d}" for m in found.tolist())
        else:
            keys = tuple(f"{1970 + q // 4:04d}Q{q % 4 + 1}" for q in found.tolist())
        return Groups(index.astype(np.int64).reshape(len(table)), keys)
    origins = table.log._origins.values
    if by == "unit":
        placed = np.array(origins, dtype=object)
    else:
        placed = _ancestors(inputs, origins, by, name)
    # Origin pool code → key; -1 (unregistered) and unplaced origins → no key. Only the keys
    # of the table's rows are kept, in sorted order.
    labels = sorted({uid for uid in placed.tolist() if uid is not None})
    slot = {uid: k for k, uid in enumerate(labels)}
    per_origin = np.array([slot.get(uid, -1) for uid in placed.tolist()] + [-1], dtype=np.int64)
    index = per_origin[table.origin]
    used, inverse = np.unique(index, return_inverse=True)
    offset = 1 if len(used) and used[0] < 0 else 0
    remapped = inverse.reshape(len(index)).astype(np.int64) - offset
    return Groups(remapped, tuple(labels[k] for k in used[offset:].tolist()))


def _ancestors(
    inputs: Inputs, origins: list[str], tier: str, name: str
) -> npt.NDArray[np.object_]:
    """Each origin's topmost ancestor at ``tier`` in ``inputs.org`` (``None`` where none)."""
    org = inputs.org
    if org is None:
        msg = (
            f"metric {name!r} by {tier!r} needs the organisation (org=...) to place each "
            f"case's origin in its {tier}"
        )
        raise InvalidArgumentError(msg)
    if tier not in org.scheme.names:
        msg = (
            f"metric {name!r} cannot be broken down by {tier!r}: the organisation's tiers are "
            f"{', '.join(org.scheme.names)}"
        )
        raise InvalidArgumentError(msg)
    positions = np.array([org.index(uid) if uid in org else -1 for uid in origins], np.int64)
    known = positions >= 0
    up = np.full(len(origins), -1, dtype=np.int64)
    if known.any():
        up[known] = org.ancestor_at_many(positions[known], tier)
    ids = org.ids_at(up)
    result = np.empty(len(origins), dtype=object)
    result[:] = ids
    return result
