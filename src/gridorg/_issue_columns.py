"""Issues as columns: reading and checking the input of :meth:`~gridorg.Router.route_many`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np
import numpy.typing as npt

from gridorg._compiled import CHANNELS
from gridorg._decisions import to_us
from gridorg._fields import describe
from gridorg.errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    UnknownCategoryError,
    UnknownUnitError,
)
from gridorg.issue import Channel, Issue, aware

if TYPE_CHECKING:
    from gridorg._route_state import RouteState

Ints = npt.NDArray[np.int64]


class IssueColumns(TypedDict, total=False):
    """Issues as columns for :meth:`~gridorg.Router.route_many`, one row per issue.

    ``id``, ``category`` (codes, or integer positions in the organisation's catalogue),
    ``origin`` (unit ids, or integer positions: the fast path) and ``reported`` (int64 UTC
    microseconds, ``datetime64`` values or aware datetimes) are required; ``urgency`` and
    ``importance`` (1-4, default 2), ``households`` (default 1), ``channel`` (values or
    :class:`~gridorg.Channel` members, default the gridder app) and ``tags`` (an iterable of
    tags per issue) are optional.
    """

    id: Any
    category: Any
    origin: Any
    reported: Any
    urgency: Any
    importance: Any
    households: Any
    channel: Any
    tags: Any


NAMES = ("id", "category", "origin", "reported", "urgency", "importance", "households")
OPTIONAL = ("channel", "tags")
REQUIRED = NAMES[:4]
_CHANNEL_INDEX = {c.value: k for k, c in enumerate(CHANNELS)}


def issue_columns(issues: Sequence[Issue]) -> dict[str, Any]:
    """The columns of a sequence of issues."""
    for i, issue in enumerate(issues):
        if not isinstance(issue, Issue):
            msg = f"route_many() takes Issue values or columns; item {i} is {describe(issue)}"
            raise ArgumentTypeError(msg)
    return {
        "id": [x.id for x in issues],
        "category": [x.category for x in issues],
        "origin": [x.origin for x in issues],
        "reported": np.fromiter((to_us(x.reported) for x in issues), np.int64, len(issues)),
        "urgency": np.fromiter((x.urgency for x in issues), np.int64, len(issues)),
        "importance": np.fromiter((x.importance for x in issues), np.int64, len(issues)),
        "households": np.fromiter((x.households for x in issues), np.int64, len(issues)),
        "channel": [x.channel for x in issues],
        "tags": [x.tags for x in issues],
    }


def length(columns: Mapping[str, Any]) -> int:
    unknown = sorted(str(k) for k in columns if k not in NAMES + OPTIONAL)
    if unknown:
        msg = f"unknown issue columns {unknown}; columns are {', '.join(NAMES + OPTIONAL)}"
        raise InvalidArgumentError(msg)
    missing = [k for k in REQUIRED if k not in columns]
    if missing:
        msg = f"issue columns {missing} are required (columns given: {sorted(columns)})"
        raise InvalidArgumentError(msg)
    lengths = {}
    for key, value in columns.items():
        if isinstance(value, str) or not hasattr(value, "__len__"):
            msg = f"issue column {key!r} must be a sequence or array, got {describe(value)}"
            raise ArgumentTypeError(msg)
        lengths[key] = len(value)
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{k} {n}" for k, n in lengths.items())
        msg = f"issue columns must have one length, got {listed}"
        raise InvalidArgumentError(msg)
    return lengths["origin"]


def integers(name: str, value: Any, ids: Sequence[Any], low: int, high: int | None) -> Ints:
    array = np.asarray(value)
    if array.size and array.dtype.kind not in "iu":
        msg = f"issue column {name!r} must hold integers, got {array.dtype}"
        raise ArgumentTypeError(msg)
    array = array.astype(np.int64, copy=False)
    bad = (array < low) if high is None else (array < low) | (array > high)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        wanted = f"from {low} to {high}" if high is not None else f"at least {low}"
        msg = f"issue {str(ids[i])!r}: {name} must be an integer {wanted}, got {int(array[i])}"
        raise InvalidArgumentError(msg)
    return array


def categories(state: RouteState, value: Any, ids: Sequence[Any]) -> Ints:
    array = value if isinstance(value, np.ndarray) else None
    if array is not None and array.dtype.kind in "iu":
        codes = array.astype(np.int64, copy=False)
        bad = np.flatnonzero((codes < 0) | (codes >= len(state.categories)))
    else:
        listed = array.tolist() if array is not None else list(value)
        index = state.category_index
        codes = np.fromiter((index.get(c, -1) for c in listed), np.int64, len(listed))
        bad = np.flatnonzero(codes < 0)
    if len(bad):
        i = int(bad[0])
        shown = value[i].item() if isinstance(value, np.ndarray) else value[i]
        count = f"; {len(bad)} issues have unknown categories" if len(bad) > 1 else ""
        msg = (
            f"issue {str(ids[i])!r}: unknown issue category {shown!r}{count}; "
            f"the catalogue has: {', '.join(state.categories)}"
        )
        raise UnknownCategoryError(msg)
    return codes


def origins(state: RouteState, value: Any, ids: Sequence[Any]) -> Ints:
    org = state.org
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        positions = value.astype(np.int64, copy=False)
        bad = np.flatnonzero((positions < 0) | (positions >= len(org)))
        if len(bad):
            i = int(bad[0])
            where = f"origin position {int(positions[i])}"
            msg = f"issue {str(ids[i])!r}: {where} is not in {org._desc()}"
            raise UnknownUnitError(msg)
    else:
        positions = org.indices(value)
    bad = np.flatnonzero(state.tier_column[positions] < state.grid)
    if len(bad):
        i = int(bad[0])
        state.check_origin(str(ids[i]), org.id_at(int(positions[i])), int(positions[i]))
    return positions


def reported(value: Any, ids: Sequence[Any]) -> Ints:
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuM":
        if value.dtype.kind == "M":
            if np.isnat(value).any():
                i = int(np.flatnonzero(np.isnat(value))[0])
                msg = f"issue {str(ids[i])!r}: reported is NaT (not a time)"
                raise InvalidArgumentError(msg)
            return value.astype("datetime64[us]").astype(np.int64)
        return value.astype(np.int64, copy=False)
    listed = list(value)
    for i, when in enumerate(listed):
        if not aware(when):
            msg = (
                f"issue {str(ids[i])!r}: reported must be a timezone-aware datetime (or the "
                f"column int64 UTC microseconds), got {describe(when)}"
            )
            raise InvalidArgumentError(msg)
    return np.fromiter((to_us(when) for when in listed), np.int64, len(listed))


def channels(value: Any, ids: Sequence[Any], n: int) -> npt.NDArray[np.uint8]:
    if value is None:
        return np.zeros(n, dtype=np.uint8)
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        return integers("channel", value, ids, 0, len(CHANNELS) - 1).astype(np.uint8)
    listed = value.tolist() if isinstance(value, np.ndarray) else list(value)
    index = _CHANNEL_INDEX
    codes = np.fromiter((index.get(c, -1) for c in listed), np.int64, len(listed))
    bad = np.flatnonzero(codes < 0)
    if len(bad):
        i = int(bad[0])
        known = ", ".join(c.value for c in Channel)
        msg = f"issue {str(ids[i])!r}: channel must be one of {known}, got {describe(listed[i])}"
        raise InvalidArgumentError(msg)
    return codes.astype(np.uint8)


def tags(value: Any, ids: Sequence[Any]) -> list[frozenset[str]] | None:
    if value is None:
        return None
    found = []
    for i, tags in enumerate(value):
        items = () if tags is None else tags
        if isinstance(items, str) or not all(isinstance(t, str) for t in items):
            wanted = "tags must be a collection of strings"
            msg = f"issue {str(ids[i])!r}: {wanted}, got {describe(tags)}"
            raise ArgumentTypeError(msg)
        found.append(frozenset(items))
    return found
