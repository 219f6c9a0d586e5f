"""The case log's column layout, and writing checked events into its columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from gridorg._casestates import NO_RATING, NO_TIME, NONE
from gridorg._casestore import Pool

if TYPE_CHECKING:
    from gridorg._caselog import CaseLog

I64 = npt.NDArray[np.int64]

#: Per event: case code, time (UTC µs), state code, actor and note codes, due time and
#: satisfaction rating (``NO_RATING`` for none).
EVENT_DTYPES = {
    "case": np.int32,
    "time": np.int64,
    "state": np.uint8,
    "actor": np.int32,
    "note": np.int32,
    "due": np.int64,
    "rating": np.int8,
}
#: Per case: last state and time, first time, category and origin codes, due in force.
CASE_DTYPES = {
    "last_state": np.uint8,
    "last_time": np.int64,
    "first": np.int64,
    "category": np.int32,
    "origin": np.int32,
    "due": np.int64,
}
#: What a case without events or registration holds.
CASE_FILL = {
    "last_state": NONE,
    "last_time": NO_TIME,
    "first": NO_TIME,
    "category": -1,
    "origin": -1,
    "due": NO_TIME,
}


def text_codes(pool: Pool, values: list[Any] | str, name: str, count: int) -> Any:
    """The codes of ``values`` (or of one string for all ``count`` events) in ``pool``, and
    the strings it lacks, by code; the pool itself is left as it was."""
    if isinstance(values, str):
        code = pool.index.get(values, len(pool))
        new = {values: code} if code == len(pool) else {}
        return np.full(count, code, dtype=np.int64), new
    return pool.codes(values, name)


def commit(
    log: CaseLog,
    cidx: I64,
    time: I64,
    state: npt.NDArray[np.uint8],
    actor: I64,
    note: I64,
    due: I64 | None,
    rating: npt.NDArray[np.int8] | None,
    order: I64,
) -> None:
    """Write checked events (case codes ``cidx``; ``order`` groups them by case) to ``log``'s
    event columns and bring its per-case columns up to date."""
    ev = log._ev
    start = ev.size
    stop = start + len(cidx)
    ev.grow(stop)
    ev.raw("case")[start:stop] = cidx
    ev.raw("time")[start:stop] = time
    ev.raw("state")[start:stop] = state
    ev.raw("actor")[start:stop] = actor
    ev.raw("note")[start:stop] = note
    ev.raw("due")[start:stop] = NO_TIME if due is None else due
    ev.raw("rating")[start:stop] = NO_RATING if rating is None else rating
    cs = log._cs
    cs.grow(len(log._cases))
    sc = cidx[order]
    edge = np.empty(len(sc) + 1, dtype=np.bool_)
    edge[0] = edge[-1] = True
    np.not_equal(sc[1:], sc[:-1], out=edge[1:-1])
    firsts, lasts = order[edge[:-1]], order[edge[1:]]
    cs.raw("last_state")[cidx[lasts]] = state[lasts]
    cs.raw("last_time")[cidx[lasts]] = time[lasts]
    fc = cidx[firsts]
    fresh = cs.raw("first")[fc] == NO_TIME
    cs.raw("first")[fc[fresh]] = time[firsts[fresh]]
    if due is not None:
        carried = order[due[order] != NO_TIME]
        dc = cidx[carried]
        final = np.empty(len(dc), dtype=np.bool_)
        if len(dc):
            final[-1] = True
            np.not_equal(dc[1:], dc[:-1], out=final[:-1])
        cs.raw("due")[dc[final]] = due[carried[final]]
    log._groups = None
