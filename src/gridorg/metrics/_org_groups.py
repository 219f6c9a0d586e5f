"""Breakdowns of organisation metrics: which tier, street or community each unit falls in.

The structure and access metrics sum, count and average over units; :class:`Groups` does it
for every key at once with ``numpy.bincount``, so a breakdown by community over a million
grids costs a few array passes, not a loop over communities.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from gridorg._audit_links import _outermost
from gridorg.errors import InvalidArgumentError

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation
    from gridorg.metrics._registry import Inputs

Value = int | float
Result = Value | Mapping[str, Value]
FloatArray = npt.NDArray[np.float64]
IntpArray = npt.NDArray[np.intp]

#: The breakdowns that follow the tree: by a unit's tier, or by its street or community.
TREE_BREAKDOWNS: Final = ("tier", "street", "community")


def organisation(inputs: Inputs, name: str) -> Organisation:
    """The organisation a metric was given; a clear error naming the metric when there is none."""
    if inputs.org is None:
        msg = f"metric {name!r} needs an organisation (org=...), got none"
        raise InvalidArgumentError(msg)
    return inputs.org


def cached(inputs: Inputs, key: str, build: Any) -> Any:
    """``build()``, computed once per :func:`~gridorg.metrics.compute` call and kept in the
    shared cache under ``key``."""
    if key not in inputs.cache:
        inputs.cache[key] = build()
    return inputs.cache[key]


def outermost(org: Organisation, tier: str) -> IntpArray:
    """Positions of the units of ``tier`` whose parent is not of ``tier``: the communities
    themselves, not the branches nested in a community's general branch; empty when the
    scheme has no such tier."""
    if tier not in org.scheme.names:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(_outermost(org, tier))


@attrs.frozen
class Groups:
    """Units (at given positions) sorted into the keys of a breakdown.

    ``keys`` is ``None`` for the overall value (one group holding every unit); ``index``
    gives each unit's group, ``-1`` for a unit in none (a grid outside every community).
    """

    keys: tuple[str, ...] | None
    index: IntpArray

    @property
    def count(self) -> int:
        """How many groups there are."""
        return 1 if self.keys is None else len(self.keys)

    def sum(self, weights: npt.ArrayLike | None = None) -> FloatArray:
        """The sum of ``weights`` (one per unit; 1 each when ``None``) in every group."""
        if self.keys is None:
            total = len(self.index) if weights is None else np.sum(weights, dtype=np.float64)
            return np.array([total], dtype=np.float64)
        inside = self.index >= 0
        w = None if weights is None else np.asarray(weights, dtype=np.float64)[inside]
        return np.bincount(self.index[inside], weights=w, minlength=self.count).astype(np.float64)

    def quantile(self, values: npt.ArrayLike, q: float) -> FloatArray:
        """The ``q``-quantile (0 to 1, linear interpolation as ``numpy.quantile``) of
        ``values`` in every group; NaN for an empty group.

        All groups at once: the values sorted by (group, value), then each group's quantile
        read at ``start + q (n - 1)`` between its two neighbouring order statistics. The
        minimum and maximum need no sort by value: a reduction over each group's run.
        """
        out = np.full(self.count, math.nan)
        if self.keys is None:
            if np.size(values):
                out[0] = float(np.quantile(np.asarray(values, dtype=np.float64), q))
            return out
        inside = self.index >= 0
        v = np.asarray(values, dtype=np.float64)[inside]
        g = self.index[inside]
        sizes = np.bincount(g, minlength=self.count)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        filled = sizes > 0
        if q in (0.0, 1.0):
            if len(g) and np.any(g[1:] < g[:-1]):  # runs: preorder keeps streets contiguous
                order = np.argsort(g, kind="stable")
                v = v[order]
            extreme = np.minimum if q == 0.0 else np.maximum
            if len(v):
                out[filled] = extreme.reduceat(v, starts[filled])
            return out
        v = v[np.lexsort((v, g))]
        where = starts[filled] + q * (sizes[filled] - 1)
        low = np.floor(where).astype(np.intp)
        high = np.ceil(where).astype(np.intp)
        out[filled] = v[low] + (v[high] - v[low]) * (where - low)
        return out

    def value(self, values: FloatArray, *, integer: bool = False) -> Result:
        """The per-group ``values`` as a metric's result: the scalar for the overall group,
        else a mapping from key to value; ``integer`` turns finite values into ints."""
        listed: list[Value] = [
            round(v) if integer and math.isfinite(v) else float(v) for v in values.tolist()
        ]
        if self.keys is None:
            return listed[0]
        return dict(zip(self.keys, listed, strict=True))


def overall(count: int) -> Groups:
    """One group holding ``count`` units: the overall value."""
    return Groups(None, np.broadcast_to(np.intp(0), (count,)))


def groups(org: Organisation, positions: IntpArray, by: str | None, name: str) -> Groups:
    """Sort the units at ``positions`` by ``by``: ``None`` (overall), ``"tier"`` (their own
    tier; every tier of the scheme is a key), ``"street"`` or ``"community"`` (the topmost
    unit of that tier on their path up; every outermost unit of the tier is a key)."""
    if by is None:
        return overall(len(positions))
    if by == "tier":
        tiers = org.column("tier")[positions].astype(np.intp)
        return Groups(org.scheme.names, tiers)
    if by in ("street", "community"):
        heads = outermost(org, by)
        keys = tuple(str(uid) for uid in org.ids_at(heads))
        return Groups(keys, _labels(org, heads)[positions])
    msg = f"metric {name!r}: by must be one of {', '.join(TREE_BREAKDOWNS)} or None, got {by!r}"
    raise InvalidArgumentError(msg)


def _labels(org: Organisation, heads: IntpArray) -> IntpArray:
    """For every unit, the number of the head (an outermost unit of a tier) whose subtree
    holds it, ``-1`` for none: the topmost unit of that tier on its path up.

    A head's subtree is the span ``[h, h + size[h])`` in preorder, and the spans of two heads
    never overlap (below a head, its tier is reached only through units of that tier, so no
    other head lies inside it). Adding ``k + 1`` at the start of span ``k`` and taking it
    away at its end, the running sum is ``k + 1`` inside the span and 0 outside every span.
    """
    n = len(org)
    ends = heads + org.column("size")[heads].astype(np.intp)
    numbers = np.arange(1, len(heads) + 1, dtype=np.intp)
    steps = np.zeros(n + 1, dtype=np.intp)
    steps[heads] += numbers
    steps[ends] -= numbers
    labels: IntpArray = np.cumsum(steps[:n]) - 1
    return labels


def check_by(inputs: Inputs, name: str, allowed: tuple[str, ...]) -> str | None:
    """``inputs.by`` when the metric supports it; an error naming what it supports if not."""
    by = inputs.by
    if by is not None and by not in allowed:
        supported = ", ".join(allowed) if allowed else "no breakdown"
        msg = f"metric {name!r} supports by={supported}; got by={by!r}"
        raise InvalidArgumentError(msg)
    return by


def ratio(numerator: FloatArray, denominator: FloatArray, scale: float = 1.0) -> FloatArray:
    """``scale * numerator / denominator`` element by element, NaN where the denominator is 0."""
    out = np.full(len(numerator), math.nan)
    nonzero = denominator != 0
    out[nonzero] = scale * numerator[nonzero] / denominator[nonzero]
    return out
