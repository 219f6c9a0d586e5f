"""Weighing rates into a composite score: :func:`combine`, for the rates set."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from gridorg.metrics._registry import Value


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
