"""Reducing per-case arrays to a metric's value: overall, or one value per breakdown key.

:func:`tally`, :func:`share` and :func:`mean` reduce arrays over the rows of the case table
(:func:`~gridorg.metrics._logs.case_table`); :func:`pair_count` and :func:`pair_mean` reduce
items other than cases (a whistle, a whistled department's report-in), each placed by the
case table row it belongs to. Every reduction places its items in the groups of
:func:`~gridorg.metrics._logs.group_index` and leaves out those without a key.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from gridorg.metrics._logs import Groups, group_index

if TYPE_CHECKING:
    from gridorg.metrics._registry import Inputs

__all__ = ["mean", "pair_count", "pair_mean", "share", "tally"]

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
F64 = npt.NDArray[np.float64]


def tally(inputs: Inputs, hits: Bools, name: str = "metric") -> int | dict[str, int]:
    """How many rows are ``hits``: one count, or one per key of ``inputs.by`` (every key of
    the table, 0 where none)."""
    groups = group_index(inputs, name)
    if groups is None:
        return int(np.count_nonzero(hits))
    return _counts(groups.index[hits], groups.keys)


def share(
    inputs: Inputs, hits: Bools, base: Bools, name: str = "metric"
) -> float | dict[str, float]:
    """The share of ``base`` rows that are ``hits`` (NaN for an empty base): one value, or
    one per key of ``inputs.by``."""
    groups = group_index(inputs, name)
    inside = hits & base
    if groups is None:
        return _ratio(int(np.count_nonzero(inside)), int(np.count_nonzero(base)))
    tops = _per_group(groups.index[inside], len(groups.keys)).tolist()
    bottoms = _per_group(groups.index[base], len(groups.keys)).tolist()
    return {
        key: _ratio(top, bottom)
        for key, top, bottom in zip(groups.keys, tops, bottoms, strict=True)
    }


def mean(
    inputs: Inputs, values: F64, where: Bools, name: str = "metric"
) -> float | dict[str, float]:
    """The mean of ``values`` over the rows ``where`` (NaN when none): one value, or one per
    key of ``inputs.by``."""
    groups = group_index(inputs, name)
    picked = values[where]
    if groups is None:
        return _mean(picked)
    return _means(picked, groups.index[where], groups.keys)


def pair_mean(values: F64, rows: I64, groups: Groups | None) -> float | dict[str, float]:
    """The mean of ``values`` (NaN when there are none), overall or per key of ``groups``;
    item ``i`` belongs to case table row ``rows[i]``."""
    if groups is None:
        return _mean(values)
    return _means(values, _placed(rows, groups), groups.keys)


def pair_count(rows: I64, groups: Groups | None) -> int | dict[str, int]:
    """How many items there are, overall or per key of ``groups`` (0 where none)."""
    if groups is None:
        return len(rows)
    return _counts(_placed(rows, groups), groups.keys)


def _placed(rows: I64, groups: Groups) -> I64:
    """The group of each item, by the row it belongs to (``-1``: left out)."""
    return groups.index[rows] if len(rows) else np.zeros(0, dtype=np.int64)


def _per_group(placed: I64, size: int) -> I64:
    counts: I64 = np.bincount(placed[placed >= 0], minlength=size)
    return counts


def _counts(placed: I64, keys: tuple[str, ...]) -> dict[str, int]:
    return dict(zip(keys, _per_group(placed, len(keys)).tolist(), strict=True))


def _mean(values: F64) -> float:
    return float(values.sum() / len(values)) if len(values) else math.nan


def _means(values: F64, placed: I64, keys: tuple[str, ...]) -> dict[str, float]:
    ok = placed >= 0
    sums = np.bincount(placed[ok], weights=values[ok], minlength=len(keys))
    counts = np.bincount(placed[ok], minlength=len(keys))
    return {
        key: float(total / count) if count else math.nan
        for key, total, count in zip(keys, sums.tolist(), counts.tolist(), strict=True)
    }


def _ratio(top: int, bottom: int) -> float:
    return top / bottom if bottom else math.nan
