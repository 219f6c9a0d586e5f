"""The fields of a unit and the checks each one must pass."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

import numpy as np

#: Counts above this are rejected as absurd: no unit anywhere has a billion households.
MAX_COUNT: Final = 1_000_000_000

#: Count fields, in storage order.
COUNT_FIELDS: Final = ("households", "party_members", "gridders")

#: Every field of a unit record, in the order records and columns list them.
FIELDS: Final = ("id", "name", "tier", "form", "parent", *COUNT_FIELDS, "attributes")

#: Nesting limit for free-form attributes.
MAX_ATTRIBUTE_DEPTH: Final = 32

JsonValue = Any


class _Missing:
    """Marks a field that was absent from its record (already reported as a problem)."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Final[Any] = _Missing()


def describe(value: object) -> str:
    """A short description of a value for error messages: its repr, shortened, and its type."""
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{text} ({type(value).__name__})"


def count_problem(field: str, value: object) -> str | None:
    """Why ``value`` is not a valid count, or ``None`` when it is."""
    if type(value) is not int:
        if isinstance(value, np.integer) or (
            isinstance(value, int) and not isinstance(value, bool)
        ):
            # numpy integers and int subclasses are accepted for their exact value.
            return count_problem(field, int(value))
        return f"{field} must be a non-negative integer, got {describe(value)}"
    if value < 0:
        return f"{field} must be a non-negative integer, got {value}"
    if value > MAX_COUNT:
        return f"{field} is absurdly large: {value} exceeds the limit of {MAX_COUNT:,}"
    return None


def id_problem(field: str, value: object) -> str | None:
    """Why ``value`` is not a valid unit id, or ``None`` when it is."""
    if not isinstance(value, str):
        return f"{field} must be a string, got {describe(value)}"
    if not value:
        return f"{field} must not be empty"
    if value != value.strip():
        return f"{field} {value!r} has leading or trailing whitespace"
    return None


def attributes_problem(value: object) -> str | None:
    """Why ``value`` is not a valid attributes mapping, or ``None`` when it is.

    Attributes are free-form but must survive a JSON round trip unchanged: string keys, and
    values that are ``None``, booleans, integers, finite floats, strings, lists or such mappings.
    """
    if not isinstance(value, Mapping):
        return f"attributes must be a mapping, got {describe(value)}"
    return _json_problem(value, "attributes", 0)


def _json_problem(value: object, where: str, depth: int) -> str | None:
    if depth > MAX_ATTRIBUTE_DEPTH:
        return f"{where} is nested more than {MAX_ATTRIBUTE_DEPTH} levels deep"
    if value is None or isinstance(value, bool | int | str | np.integer):
        return None
    if isinstance(value, float | np.floating):
        return None if math.isfinite(value) else f"{where} is {value}, which JSON cannot hold"
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{where} has a non-string key {describe(key)}"
            problem = _json_problem(item, f"{where}[{key!r}]", depth + 1)
            if problem:
                return problem
        return None
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            problem = _json_problem(item, f"{where}[{i}]", depth + 1)
            if problem:
                return problem
        return None
    return f"{where} holds {describe(value)}, which is not JSON-compatible"


def copy_json(value: JsonValue) -> JsonValue:
    """A deep copy of a JSON-compatible value, with tuples turned into lists."""
    if isinstance(value, Mapping):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [copy_json(item) for item in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value
