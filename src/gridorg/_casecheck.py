"""Checking case events against the lifecycle: a whole batch at once, and the refusal messages."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from gridorg._casecols import Batch
from gridorg._casestates import (
    ALLOWED,
    DUE_CODES,
    DUE_MASK,
    NO_RATING,
    NO_TIME,
    NONE,
    RATED_MASK,
    STATES,
    allowed_text,
    from_us,
    rating_message,
    state_text,
)
from gridorg.errors import CaseLogError, TransitionError

I64 = npt.NDArray[np.int64]
#: How many refused events an error message lists.
_LISTED = 5


def check_batch(batch: Batch, cidx: I64, last_state: npt.NDArray[np.uint8], last_time: I64) -> I64:
    """Validate ``batch`` (case codes ``cidx``) against each known case's last state and time;
    the batch order grouped by case.

    A refused batch raises :class:`~gridorg.TransitionError` when its first listed refusal is a
    step outside the lifecycle table, :class:`~gridorg.CaseLogError` otherwise, naming the
    first few refused events.
    """
    state, time, due = batch.state, batch.time, batch.due
    problems: list[tuple[int, str, bool]] = []
    if due is not None:
        wrong = np.flatnonzero((due != NO_TIME) & ~DUE_MASK[state])[:_LISTED].tolist()
        problems.extend((i, due_message(batch.case[i], int(state[i]), i), False) for i in wrong)
    if batch.rating is not None:
        wrong = np.flatnonzero((batch.rating != NO_RATING) & ~RATED_MASK[state])[:_LISTED]
        problems.extend(
            (i, rating_message(batch.case[i], int(state[i]), _where(i)), False)
            for i in wrong.tolist()
        )
    order = np.argsort(cidx, kind="stable")
    sc, ss, st = cidx[order], state[order], time[order]
    first = np.empty(len(sc), dtype=np.bool_)
    first[0] = True
    np.not_equal(sc[1:], sc[:-1], out=first[1:])
    before = np.empty(len(sc), dtype=np.uint8)
    before[1:] = ss[:-1]
    last = np.empty(len(sc), dtype=np.int64)
    last[1:] = st[:-1]
    fc = sc[first]
    known = len(last_state)
    seen = fc < known
    where = np.minimum(fc, max(known - 1, 0))
    if known:
        before[first] = np.where(seen, last_state[where], NONE)
        last[first] = np.where(seen, last_time[where], NO_TIME)
    else:
        before[first] = NONE
        last[first] = NO_TIME
    wrong_step = ~ALLOWED[before, ss]
    backwards = st < last
    bad = np.flatnonzero(wrong_step | backwards)
    if len(bad) == 0 and not problems:
        return order
    total = len(bad) + len(problems)
    listed = np.sort(order[bad])[:_LISTED]
    position = {int(order[k]): k for k in bad.tolist()}
    for i in listed.tolist():
        k = position[i]
        case = batch.case[i]
        code = int(ss[k])
        if wrong_step[k]:
            b = int(before[k])
            if b == NONE:
                problems.append((i, first_message(case, code, i), True))
            else:
                problems.append((i, step_message(case, b, code, i), True))
        else:
            problems.append((i, time_message(case, code, int(st[k]), int(last[k]), i), False))
    problems.sort(key=lambda p: p[0])
    shown = problems[:_LISTED]
    cls = TransitionError if shown[0][2] else CaseLogError
    lines = [f"{total} of {len(sc)} events refused (the log is unchanged):"]
    lines.extend(f"  - {text}" for _, text, _ in shown)
    if total > len(shown):
        lines.append(f"  ... and {total - len(shown)} more")
    msg = lines[1][4:] if total == 1 else "\n".join(lines)
    raise cls(msg)


def _where(index: int | None) -> str:
    return "" if index is None else f"event {index}, "


def _iso(us: int) -> str:
    return from_us(us).isoformat()


def first_message(case: str, code: int, index: int | None) -> str:
    """Why a new case cannot start with state ``code`` (``index``: its place in a batch)."""
    return (
        f"{_where(index)}case {case!r} is new: its first event must be collected, "
        f"got {state_text(code)}"
    )


def step_message(case: str, before: int, code: int, index: int | None) -> str:
    """Why case ``case`` cannot go from state ``before`` to state ``code``."""
    step = f"{_where(index)}case {case!r}: {state_text(before)} → {state_text(code)}"
    if not ALLOWED[before].any():
        return (
            f"{step} is not an allowed transition; "
            f"{state_text(before)} is final and no event may follow it"
        )
    return (
        f"{step} is not an allowed transition; "
        f"after {state_text(before)} it may go to {allowed_text(before)}"
    )


def time_message(case: str, code: int, us: int, last: int, index: int | None) -> str:
    """Why an event at ``us`` cannot follow case ``case``'s event at ``last``."""
    return (
        f"{_where(index)}case {case!r}: {state_text(code)} at {_iso(us)} goes back in time; "
        f"its previous event is at {_iso(last)}"
    )


def due_message(case: str, code: int, index: int | None) -> str:
    """Why an event in state ``code`` cannot carry a due time."""
    carriers = ", ".join(STATES[c].value for c in sorted(DUE_CODES))
    return (
        f"{_where(index)}case {case!r}: a {state_text(code)} event cannot carry a due time; "
        f"only {carriers} events set one"
    )
