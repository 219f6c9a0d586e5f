"""Reading a batch of case events, given as event records or as columns, into arrays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from gridorg._casestates import (
    CODE_OF,
    NO_RATING,
    NO_TIME,
    RATINGS,
    STATES,
    CaseEvent,
    to_us,
)
from gridorg._fields import describe
from gridorg.errors import ArgumentTypeError, CaseLogError
from gridorg.issue import aware

I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
I8 = npt.NDArray[np.int8]

#: The keys a columns mapping may hold.
EVENT_KEYS = ("case", "time", "state", "actor", "note", "due", "rating")


class Batch(NamedTuple):
    """A batch of events as columns: ids and strings as lists, times in int64 UTC µs."""

    case: list[Any]
    time: I64
    state: U8
    actor: list[Any] | str
    note: list[Any] | str
    due: I64 | None
    rating: I8 | None


def from_events(events: Iterable[object]) -> Batch:
    """The columns of an iterable of :class:`CaseEvent`."""
    items = events if isinstance(events, list | tuple) else list(events)
    for index, event in enumerate(items):
        if not isinstance(event, CaseEvent):
            msg = f"events must be CaseEvent records, got {describe(event)} at index {index}"
            raise ArgumentTypeError(msg)
    count = len(items)
    typed: Sequence[CaseEvent] = items  # type: ignore[assignment]  # checked above
    times = np.fromiter((e._us for e in typed), np.int64, count)
    codes = np.fromiter((CODE_OF[e.state] for e in typed), np.uint8, count)
    dues = np.fromiter((e._due_us for e in typed), np.int64, count)
    ratings = np.fromiter(
        (NO_RATING if e.rating is None else e.rating for e in typed), np.int8, count
    )
    return Batch(
        [e.case for e in typed],
        times,
        codes,
        [e.actor for e in typed],
        [e.note for e in typed],
        dues if bool((dues != NO_TIME).any()) else None,
        ratings if bool((ratings != NO_RATING).any()) else None,
    )


def from_columns(columns: Mapping[str, Any], *, allow: Sequence[str] = ()) -> Batch:
    """The columns of a mapping with ``case``, ``time``, ``state`` and optional ``actor``,
    ``note``, ``due`` and ``rating`` (keys in ``allow`` are passed over)."""
    unknown = [key for key in columns if key not in EVENT_KEYS and key not in allow]
    if unknown:
        msg = (
            f"event columns hold unknown keys {', '.join(map(repr, unknown))}; "
            f"expected {', '.join(EVENT_KEYS)}"
        )
        raise CaseLogError(msg)
    missing = [key for key in ("case", "time", "state") if key not in columns]
    if missing:
        msg = f"event columns lack {', '.join(map(repr, missing))}; case, time, state are needed"
        raise CaseLogError(msg)
    cases = _ids(columns["case"])
    count = len(cases)
    times = times_of(columns["time"], "time", count, optional=False)
    states = states_of(columns["state"], count)
    actor = _texts(columns.get("actor", ""), "actor", count)
    note = _texts(columns.get("note", ""), "note", count)
    due = None
    if columns.get("due") is not None:
        due = times_of(columns["due"], "due", count, optional=True)
    rating = None
    if columns.get("rating") is not None:
        rating = ratings_of(columns["rating"], count)
    return Batch(cases, times, states, actor, note, due, rating)


def _ids(value: object) -> list[Any]:
    if isinstance(value, str) or not isinstance(value, Sequence | np.ndarray):
        msg = f"the case column must be a sequence of case ids, got {describe(value)}"
        raise ArgumentTypeError(msg)
    return value.tolist() if isinstance(value, np.ndarray) else list(value)


def _length(name: str, found: int, count: int) -> None:
    if found != count:
        msg = f"event column {name!r} has {found} values, expected {count} (one per case id)"
        raise CaseLogError(msg)


def _texts(value: object, name: str, count: int) -> list[Any] | str:
    if isinstance(value, str):
        return value
    if not isinstance(value, Sequence | np.ndarray):
        msg = f"event column {name!r} must be a string or a sequence of strings, got "
        raise ArgumentTypeError(msg + describe(value))
    values = value.tolist() if isinstance(value, np.ndarray) else list(value)
    _length(name, len(values), count)
    return values


def states_of(value: object, count: int) -> U8:
    """State codes from codes or state names, checked."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        codes = value.astype(np.int64)
    else:
        if isinstance(value, str) or not isinstance(value, Sequence | np.ndarray):
            msg = f"event column 'state' must be a sequence of states, got {describe(value)}"
            raise ArgumentTypeError(msg)
        items = value.tolist() if isinstance(value, np.ndarray) else list(value)
        if items and all(type(v) is int for v in items):
            codes = np.asarray(items, dtype=np.int64)
        else:
            codes = np.fromiter(
                (CODE_OF.get(v, -1) if isinstance(v, str) else -1 for v in items),
                np.int64,
                len(items),
            )
            bad = np.flatnonzero(codes < 0)
            if len(bad):
                i = int(bad[0])
                msg = (
                    f"event column 'state' at index {i}: expected one of "
                    f"{', '.join(CODE_OF)} (or its code 0-{len(STATES) - 1}), "
                    f"got {describe(items[i])}"
                )
                raise CaseLogError(msg)
    _length("state", len(codes), count)
    bad = np.flatnonzero((codes < 0) | (codes >= len(STATES)))
    if len(bad):
        i = int(bad[0])
        msg = (
            f"event column 'state' at index {i}: expected a state code from 0 to "
            f"{len(STATES) - 1}, got {int(codes[i])}"
        )
        raise CaseLogError(msg)
    return codes.astype(np.uint8)


def ratings_of(value: object, count: int) -> I8:
    """Ratings from integers 1-5, with ``None`` or -1 for none, checked."""
    low, high = RATINGS
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        codes = value.astype(np.int64)
    else:
        if isinstance(value, str) or not isinstance(value, Sequence | np.ndarray):
            msg = (
                "event column 'rating' must be a sequence of ratings (1-5, None or -1 for "
                f"none), got {describe(value)}"
            )
            raise ArgumentTypeError(msg)
        items = value.tolist() if isinstance(value, np.ndarray) else list(value)
        for i, v in enumerate(items):
            if v is not None and type(v) is not int:
                msg = (
                    f"event column 'rating' at index {i}: expected an integer from {low} to "
                    f"{high}, None or -1 for none, got {describe(v)}"
                )
                raise ArgumentTypeError(msg)
        codes = np.fromiter((NO_RATING if v is None else v for v in items), np.int64, len(items))
    _length("rating", len(codes), count)
    bad = np.flatnonzero(((codes < low) | (codes > high)) & (codes != NO_RATING))
    if len(bad):
        i = int(bad[0])
        msg = (
            f"event column 'rating' at index {i}: expected a rating from {low} (very "
            f"dissatisfied) to {high} (very satisfied), or -1 for none, got {int(codes[i])}"
        )
        raise CaseLogError(msg)
    return codes.astype(np.int8)


def times_of(value: object, name: str, count: int, *, optional: bool) -> I64:
    """Times in int64 UTC µs from int64 µs, ``datetime64`` (read as UTC) or aware datetimes.

    With ``optional``, ``None`` and ``NaT`` stand for "no time" (:data:`NO_TIME`).
    """
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuM":
        if value.dtype.kind == "M":
            result = value.astype("datetime64[us]").view(np.int64)
        else:
            result = value.astype(np.int64)
    else:
        if isinstance(value, str) or not isinstance(value, Sequence | np.ndarray):
            msg = f"event column {name!r} must be a sequence of times, got {describe(value)}"
            raise ArgumentTypeError(msg)
        items = value.tolist() if isinstance(value, np.ndarray) else list(value)
        result = _times_from_objects(items, name, optional=optional)
    _length(name, len(result), count)
    if not optional:
        missing = np.flatnonzero(result == NO_TIME)
        if len(missing):
            msg = f"event column {name!r} at index {int(missing[0])}: a time is needed, got NaT"
            raise CaseLogError(msg)
    return np.ascontiguousarray(result)


def _times_from_objects(items: list[Any], name: str, *, optional: bool) -> I64:
    if all(type(v) is int for v in items):
        return np.asarray(items, dtype=np.int64).reshape(len(items))
    is_aware = [aware(v) for v in items]
    naive = [
        i
        for i, v in enumerate(items)
        if isinstance(v, dt.datetime) and not is_aware[i] and not isinstance(v, bool)
    ]
    if naive:
        i = naive[0]
        mixed = any(is_aware)
        what = "mixes naive and aware datetimes" if mixed else "holds naive datetimes"
        msg = (
            f"event column {name!r} {what}: index {i} is the naive {items[i].isoformat()}; "
            "give every time a tzinfo (datetime.timezone.utc or a zoneinfo.ZoneInfo)"
        )
        raise CaseLogError(msg)
    result = np.empty(len(items), dtype=np.int64)
    for i, v in enumerate(items):
        if is_aware[i]:
            result[i] = to_us(v)
        elif v is None and optional:
            result[i] = NO_TIME
        elif type(v) is int:
            result[i] = v
        else:
            expected = "an aware datetime, int64 µs or None" if optional else "an aware datetime"
            msg = f"event column {name!r} at index {i}: expected {expected}, got {describe(v)}"
            raise ArgumentTypeError(msg)
    return result
