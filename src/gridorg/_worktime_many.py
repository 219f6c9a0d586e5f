"""Working-time addition for many starts at once, over a table of working periods."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gridorg import _worktime_input as wi
from gridorg._fields import describe
from gridorg._worktime_input import EPOCH_ORDINAL, US_PER_DAY
from gridorg.errors import InvalidArgumentError

if TYPE_CHECKING:
    from gridorg.worktime import WorkingCalendar


def int64_array(name: str, value: ArrayLike) -> NDArray[np.int64]:
    """``value`` as an int64 array, refusing non-integer data."""
    array = np.asarray(value)
    if array.dtype.kind not in "iu" and not (array.size == 0 and array.dtype.kind == "f"):
        msg = f"{name} must be an array of integers, got dtype {array.dtype}"
        raise InvalidArgumentError(msg)
    return array.astype(np.int64, copy=False)


def durations(duration: dt.timedelta | ArrayLike, shape: tuple[int, ...]) -> NDArray[np.int64]:
    """One duration, or one per start, as non-negative int64 microseconds."""
    if isinstance(duration, dt.timedelta):
        return np.full(shape, wi.duration_us("duration", duration), dtype=np.int64)
    if isinstance(duration, str | bytes):
        msg = f"duration must be a timedelta or an array of microseconds, got {describe(duration)}"
        raise InvalidArgumentError(msg)
    array = int64_array("duration", duration)
    if array.shape != shape:
        msg = f"duration must give one value per start: {shape} starts, got shape {array.shape}"
        raise InvalidArgumentError(msg)
    if array.size and int(array.min()) < 0:
        msg = f"duration must be zero or positive, got {int(array.min())} microseconds"
        raise InvalidArgumentError(msg)
    return array


def period_table(
    calendar: WorkingCalendar, first: int, last: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The starts and ends (UTC microseconds) of the working periods of local dates
    ``first`` … ``last`` (ordinals)."""
    starts: list[int] = []
    ends: list[int] = []
    for ordinal in range(first, last + 1):
        for lo, hi in calendar._periods(ordinal):
            starts.append(lo)
            ends.append(hi)
    return np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


def add_many(
    calendar: WorkingCalendar, starts_us: ArrayLike, duration: dt.timedelta | ArrayLike
) -> NDArray[np.int64]:
    """``calendar.add`` elementwise over int64 UTC microseconds (see
    :meth:`WorkingCalendar.add_many`)."""
    starts = int64_array("starts_us", starts_us)
    spans = durations(duration, starts.shape)
    if starts.size == 0:
        return np.empty(starts.shape, dtype=np.int64)
    if calendar.round_the_clock:
        return starts + spans
    flat = starts.ravel()
    need = spans.ravel()
    # Every answer lies before the answer for the latest start and the longest duration.
    horizon = calendar._add_us(int(flat.max()), int(need.max()))
    first = int(flat.min()) // US_PER_DAY + EPOCH_ORDINAL - 2
    last = horizon // US_PER_DAY + EPOCH_ORDINAL + 2
    lo, hi = period_table(calendar, first, last)
    count = len(lo)
    if count == 0:  # every duration is zero
        return starts.copy()
    worked = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(hi - lo, out=worked[1:])
    k = np.searchsorted(hi, flat, side="right")  # the first period ending after the start
    inside = np.maximum(flat - lo[np.minimum(k, count - 1)], 0)
    inside[k == count] = 0
    target = worked[k] + inside + need
    j = np.clip(np.searchsorted(worked, target, side="left") - 1, 0, count - 1)
    result = lo[j] + (target - worked[j])
    result = np.where(need == 0, flat, result)
    return result.reshape(starts.shape)
