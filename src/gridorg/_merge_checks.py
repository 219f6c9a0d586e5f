"""Argument checks shared by the merge and its baselines."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from gridorg import _merge
from gridorg.errors import ArgumentTypeError, InvalidArgumentError, NetworkError, Problem
from gridorg.networks import BaseLayer, FunctionalNetwork

IntArray = npt.NDArray[np.int64]


def check_bounds(minimum: object, maximum: object) -> tuple[int, int]:
    for name, value in (("min_households", minimum), ("max_households", maximum)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            msg = f"{name} must be an integer, got {value!r}"
            raise ArgumentTypeError(msg)
        if value < 0:
            msg = f"{name} must not be negative, got {value}"
            raise InvalidArgumentError(msg)
    if int(minimum) > int(maximum):  # type: ignore[call-overload]
        msg = f"min_households ({minimum}) is greater than max_households ({maximum})"
        raise InvalidArgumentError(msg)
    if int(maximum) == 0:  # type: ignore[call-overload]
        msg = "max_households must be positive"
        raise InvalidArgumentError(msg)
    return int(minimum), int(maximum)  # type: ignore[call-overload]


def check_seed(seed: object) -> None:
    if isinstance(seed, np.random.Generator):
        return
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        msg = f"seed must be a non-negative integer or a numpy Generator, got {seed!r}"
        raise ArgumentTypeError(msg)
    if seed < 0:
        msg = f"seed must be a non-negative integer, got {seed}"
        raise InvalidArgumentError(msg)


def check_weights(
    networks: Sequence[FunctionalNetwork], weights: object
) -> npt.NDArray[np.float64]:
    if weights is None:
        return np.ones(len(networks))
    if not isinstance(weights, Mapping):
        msg = f"weights must map network kinds to numbers, got {type(weights).__name__}"
        raise ArgumentTypeError(msg)
    kinds = [n.kind for n in networks]
    unknown = sorted(set(weights) - set(kinds))
    if unknown:
        msg = f"weights name networks that are not merged: {unknown}; networks: {kinds}"
        raise InvalidArgumentError(msg)
    out = np.ones(len(networks))
    for i, kind in enumerate(kinds):
        value = weights.get(kind, 1.0)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            msg = f"weight of {kind!r} must be a finite number >= 0, got {value!r}"
            raise InvalidArgumentError(msg)
        out[i] = float(value)
    return out


def check_respect(respect: object) -> bool:
    if isinstance(respect, str) or not isinstance(respect, tuple | list):
        msg = f"respect must be a tuple of boundaries such as ('community',), got {respect!r}"
        raise ArgumentTypeError(msg)
    unknown = [r for r in respect if r != "community"]
    if unknown:
        msg = f"respect may name only 'community', got {unknown}"
        raise InvalidArgumentError(msg)
    return "community" in respect


def check_connected(base: BaseLayer, by_community: bool) -> None:
    offsets, neighbours = base.csr
    groups = base.community_of if by_community else np.zeros(len(base), dtype=np.int64)
    problems = []
    for c in np.unique(groups).tolist():
        members = np.flatnonzero(groups == c)
        pieces = int(_merge.components(members, offsets, neighbours).max()) + 1
        if pieces > 1:
            what = f"community {base.communities[c]!r}" if by_community else "the base layer"
            text = (
                f"{what} is split into {pieces} pieces by the adjacency; a contiguous merge "
                "needs each community connected (add the missing adjacencies, or pass "
                "contiguous=False)"
            )
            unit = base.communities[c] if by_community else None
            problems.append(Problem("disconnected_community", text, unit=unit))
    if problems:
        raise NetworkError(problems, subject="merge")
