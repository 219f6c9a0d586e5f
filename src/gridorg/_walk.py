"""Walking an organisation: pre-, post- and level order, with filter, stop and depth limit.

Without ``stop`` the walk selects positions with numpy and materialises units in chunks; with
``stop`` it steps through preorder in Python, jumping over each pruned subtree by its size.
Post- and level order sort the chosen positions: a unit finishes at the end of its subtree
(deeper first among units ending together), and level order is preorder sorted by depth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from gridorg.errors import ArgumentTypeError, InvalidArgumentError

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation
    from gridorg.units import Unit

WalkOrder = Literal["pre", "post", "level"]

#: Units are materialised this many at a time when nothing prunes the walk.
_CHUNK = 4096


def walk(
    org: Organisation,
    start: str | None,
    *,
    order: WalkOrder,
    keep: Callable[[Unit], bool] | None,
    stop: Callable[[Unit], bool] | None,
    max_depth: int | None,
) -> Iterator[Unit]:
    """Check the arguments of :meth:`Organisation.walk` and return its iterator."""
    if order not in ("pre", "post", "level"):
        msg = f"order must be 'pre', 'post' or 'level', got {order!r}"
        raise InvalidArgumentError(msg)
    if max_depth is not None and (
        isinstance(max_depth, bool) or not isinstance(max_depth, int) or max_depth < 0
    ):
        msg = f"max_depth must be a non-negative integer or None, got {max_depth!r}"
        raise InvalidArgumentError(msg)
    for label, function in (("filter", keep), ("stop", stop)):
        if function is not None and not callable(function):
            msg = f"{label} must be a callable taking a Unit, got {type(function).__name__}"
            raise ArgumentTypeError(msg)
    lo, hi = org._span(start)
    return _ordered(org, lo, hi, order, keep, stop, max_depth)


def _ordered(
    org: Organisation,
    lo: int,
    hi: int,
    order: WalkOrder,
    keep: Callable[[Unit], bool] | None,
    stop: Callable[[Unit], bool] | None,
    max_depth: int | None,
) -> Iterator[Unit]:
    p = org._parts
    base = int(p.depth[lo]) if hi > lo else 0
    if stop is None:
        span = np.arange(lo, hi)
        if max_depth is not None:
            span = span[p.depth[lo:hi] - base <= max_depth]
        chosen: Iterable[tuple[int, Unit]] = _units(org, span)
    else:
        chosen = _pruned(org, lo, hi, base, stop, max_depth)
    if keep is not None:
        chosen = ((k, u) for k, u in chosen if keep(u))
    if order == "pre":
        for _, unit in chosen:
            yield unit
        return
    pairs = list(chosen)
    if not pairs:
        return
    picked = np.array([k for k, _ in pairs], dtype=np.int64)
    if order == "post":
        ranks = np.lexsort((-p.depth[picked], picked + p.size[picked]))
    else:
        ranks = np.argsort(p.depth[picked], kind="stable")
    for rank in ranks.tolist():
        yield pairs[rank][1]


def _units(org: Organisation, span: npt.NDArray[np.int64]) -> Iterator[tuple[int, Unit]]:
    for chunk_start in range(0, len(span), _CHUNK):
        chunk = span[chunk_start : chunk_start + _CHUNK]
        yield from zip(chunk.tolist(), org.units_at(chunk), strict=True)


def _pruned(
    org: Organisation,
    lo: int,
    hi: int,
    base: int,
    stop: Callable[[Unit], bool],
    max_depth: int | None,
) -> Iterator[tuple[int, Unit]]:
    p = org._parts
    k = lo
    while k < hi:
        if max_depth is not None and int(p.depth[k]) - base > max_depth:
            k += int(p.size[k])
            continue
        unit = org.unit_at(k)
        if stop(unit):
            k += int(p.size[k])
            continue
        yield k, unit
        k += 1
