"""Helpers of the rates and escalation sets beyond the shared case table of ``_logs``.

:func:`combine` weighs rates into a composite score; :func:`pair_mean` and :func:`pair_count`
reduce items other than cases (a whistle, a whistled department's report-in) overall or per
breakdown key, each item placed by the case table row it belongs to.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from gridorg.metrics._logs import Groups
from gridorg.metrics._registry import Value

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


def combine(
    parts: Sequence[Value | Mapping[str, Value]], weights: Sequence[float], scale: float
) -> Value | dict[str, float]:
    """``scale`` × the weighted sum of ``parts``: numbers, or mappings combined key by key.

    A part of weight 0 is left out (so an undefined, NaN rate of no weight does not spoil the
    sum); any other NaN part makes the sum NaN.
    """
    if all(not isinstance(part, Mapping) for part in parts):
        return scale * math.fsum(
            _term(w, p) for w, p in zip(weights, parts, strict=True) if not isinstance(p, Mapping)
        )
    mappings = [part for part in parts if isinstance(part, Mapping)]
    keys: list[str] = list(dict.fromkeys(key for part in mappings for key in part))
    return {
        key: scale
        * math.fsum(
            _term(w, part.get(key, math.nan)) for w, part in zip(weights, mappings, strict=True)
        )
        for key in keys
    }


def _term(weight: float, value: Value) -> float:
    return weight * float(value) if weight else 0.0


def pair_mean(values: F64, rows: I64, groups: Groups | None) -> float | dict[str, float]:
    """The mean of ``values`` (NaN when there are none), overall or per key of ``groups``;
    item ``i`` belongs to case table row ``rows[i]``."""
    if groups is None:
        return float(values.sum() / len(values)) if len(values) else math.nan
    placed = groups.index[rows] if len(rows) else np.zeros(0, dtype=np.int64)
    ok = placed >= 0
    size = len(groups.keys)
    sums = np.bincount(placed[ok], weights=values[ok], minlength=size)
    counts = np.bincount(placed[ok], minlength=size)
    return {
        key: float(total / count) if count else math.nan
        for key, total, count in zip(groups.keys, sums.tolist(), counts.tolist(), strict=True)
    }


def pair_count(rows: I64, groups: Groups | None) -> int | dict[str, int]:
    """How many items there are, overall or per key of ``groups`` (0 where none)."""
    if groups is None:
        return len(rows)
    placed = groups.index[rows] if len(rows) else np.zeros(0, dtype=np.int64)
    counts = np.bincount(placed[placed >= 0], minlength=len(groups.keys))
    return dict(zip(groups.keys, counts.tolist(), strict=True))
