"""Checks of the options of the 接诉即办 three rates (see ``gridorg.metrics.rates``)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

import attrs

from gridorg._fields import describe
from gridorg.errors import ArgumentTypeError, InvalidArgumentError
from gridorg.lifecycle import STATES, CaseState

#: States that take a case out of the base of the rates: withdrawn, or counted under another.
WITHDRAWN: frozenset[CaseState] = frozenset({CaseState.CANCELLED, CaseState.DUPLICATE})
#: The names of the three weights, in order.
WEIGHT_NAMES = ("response", "resolution", "satisfaction")
_STATE_OF: dict[str, CaseState] = {state.value: state for state in STATES}


def check_within(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dt.timedelta):
        msg = f"ThreeRates.response_within must be a datetime.timedelta, got {describe(value)}"
        raise ArgumentTypeError(msg)
    if value <= dt.timedelta(0):
        msg = f"ThreeRates.response_within must be a positive timedelta, got {value!r}"
        raise InvalidArgumentError(msg)


def check_satisfied_at(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int:
        msg = (
            f"ThreeRates.satisfied_at must be an integer rating from 1 to 5, got {describe(value)}"
        )
        raise ArgumentTypeError(msg)
    if not 1 <= value <= 5:
        msg = f"ThreeRates.satisfied_at must be a rating from 1 to 5, got {value}"
        raise InvalidArgumentError(msg)


def resolved_states(value: Iterable[CaseState | str]) -> frozenset[CaseState]:
    """The states given as states or state names, checked: some, none of them withdrawn."""
    if isinstance(value, str | CaseState) or not isinstance(value, Iterable):
        msg = (
            "ThreeRates.resolved_states must be a collection of case states (such as "
            f"{{'closed'}}), got {describe(value)}"
        )
        raise ArgumentTypeError(msg)
    found: set[CaseState] = set()
    names = ", ".join(state.value for state in STATES)
    for item in value:
        state = _STATE_OF.get(item) if isinstance(item, str) else None
        if state is None:
            msg = (
                f"ThreeRates.resolved_states: expected case states ({names}), got {describe(item)}"
            )
            raise InvalidArgumentError(msg)
        found.add(state)
    if not found:
        msg = "ThreeRates.resolved_states must name at least one state, got none"
        raise InvalidArgumentError(msg)
    withdrawn = sorted(state.value for state in found & WITHDRAWN)
    if withdrawn:
        msg = (
            f"ThreeRates.resolved_states names {', '.join(withdrawn)}: withdrawn cases are "
            "outside the base of the rates, so they cannot count as resolved"
        )
        raise InvalidArgumentError(msg)
    return frozenset(found)


def weights(value: Iterable[float]) -> tuple[float, float, float]:
    """The three weights as floats, checked: finite, non-negative and summing to 1."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = (
            "ThreeRates.weights must be three numbers (response, resolution, satisfaction), "
            f"got {describe(value)}"
        )
        raise ArgumentTypeError(msg)
    items = list(value)
    if len(items) != 3:
        msg = (
            "ThreeRates.weights must be three numbers (response, resolution, satisfaction), "
            f"got {len(items)}: {items!r}"
        )
        raise InvalidArgumentError(msg)
    result: list[float] = []
    for name, item in zip(WEIGHT_NAMES, items, strict=True):
        if isinstance(item, bool) or not isinstance(item, int | float):
            msg = f"ThreeRates.weights: the {name} weight must be a number, got {describe(item)}"
            raise ArgumentTypeError(msg)
        number = float(item)
        if not math.isfinite(number) or number < 0:
            msg = (
                f"ThreeRates.weights: the {name} weight must be a finite number of at least "
                f"0, got {item!r}"
            )
            raise InvalidArgumentError(msg)
        result.append(number)
    total = math.fsum(result)
    if not math.isclose(total, 1.0, rel_tol=0.0, abs_tol=1e-9):
        msg = f"ThreeRates.weights must sum to 1, got {tuple(items)!r} summing to {total!r}"
        raise InvalidArgumentError(msg)
    return result[0], result[1], result[2]
