"""Validators and converters for the simulation's scenario records."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from gridorg._fields import describe
from gridorg.errors import ArgumentTypeError, InvalidArgumentError
from gridorg.issue import Channel, aware

#: The tier name of departments in capacities and service times.
DEPARTMENT = "department"


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_float(value: object) -> object:
    """A number as a float (other values pass through for the validator to report)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def as_dict(value: object) -> object:
    """A mapping copied into a plain dict (picklable, detached from the caller's)."""
    return dict(value) if isinstance(value, Mapping) else value


def as_tuple(value: object) -> object:
    """A sequence of numbers as a tuple of floats (other values pass through)."""
    if isinstance(value, list | tuple):
        return tuple(float(v) if _number(v) else v for v in value)
    return value


def _where(inst: object, name: str) -> str:
    return f"{type(inst).__name__}.{name}"


Validator = Callable[[object, "attrs.Attribute[Any]", object], None]


def _scalar(kind: str, expected: str, accepts: Callable[[float], bool]) -> Validator:
    """A validator of one number: ``kind`` names its type, ``expected`` the values it takes."""

    def check(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not _number(value):
            msg = f"{_where(inst, attribute.name)} must be {kind}, got {describe(value)}"
            raise ArgumentTypeError(msg)
        if not accepts(float(value)):  # type: ignore[arg-type]
            msg = f"{_where(inst, attribute.name)} must be {expected}, got {value!r}"
            raise InvalidArgumentError(msg)

    return check


#: A finite number above zero.
positive = _scalar("a number", "a finite number above 0", lambda v: math.isfinite(v) and v > 0)
#: A finite number of at least zero.
non_negative = _scalar("a number", "a finite number ≥ 0", lambda v: math.isfinite(v) and v >= 0)
#: A probability: a number from 0 to 1.
probability = _scalar("a probability", "a probability in [0, 1]", lambda v: 0.0 <= v <= 1.0)


def _numbers(
    length: int, shape: str, noun: str, expected: str, accepts: Callable[[tuple[float, ...]], bool]
) -> Validator:
    """A validator of ``length`` numbers: ``shape`` and ``noun`` name them in the messages,
    ``expected`` says what ``accepts`` requires of them all."""

    def check(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        name = _where(inst, attribute.name)
        if not isinstance(value, tuple) or not all(_number(v) for v in value):
            msg = f"{name} must be {shape}, got {describe(value)}"
            raise ArgumentTypeError(msg)
        if len(value) != length:
            msg = f"{name} must hold {length} {noun}, got {len(value)}"
            raise InvalidArgumentError(msg)
        if not accepts(value):
            msg = f"{name} must hold {expected}, got {value!r}"
            raise InvalidArgumentError(msg)

    return check


def profile(length: int, what: str) -> Validator:
    """A validator of a multiplier profile: ``length`` numbers ≥ 0 with a positive sum."""
    return _numbers(
        length,
        f"a sequence of {length} numbers ({what})",
        f"multipliers ({what})",
        "finite multipliers ≥ 0, not all zero",
        lambda v: all(math.isfinite(x) and x >= 0 for x in v) and sum(v) > 0,
    )


def distribution(length: int, what: str) -> Validator:
    """A validator of a discrete distribution over ``length`` outcomes."""
    return _numbers(
        length,
        f"{length} probabilities ({what})",
        f"probabilities ({what})",
        "probabilities in [0, 1] that sum to 1",
        lambda v: all(0 <= x <= 1 for x in v) and math.isclose(sum(v), 1, abs_tol=1e-6),
    )


def rates(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Category codes mapped to finite rates ≥ 0 (issues per day)."""
    name = _where(inst, attribute.name)
    if not isinstance(value, dict):
        msg = f"{name} must map category codes to issues per day, got {describe(value)}"
        raise ArgumentTypeError(msg)
    for key, rate in value.items():
        if not isinstance(key, str):
            msg = f"{name} keys must be category codes (strings), got {describe(key)}"
            raise ArgumentTypeError(msg)
        if not _number(rate) or not math.isfinite(rate) or rate < 0:
            msg = f"{name}[{key!r}] must be a finite rate ≥ 0 (issues per day), got {rate!r}"
            raise InvalidArgumentError(msg)


def channels(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Channel values mapped to shares ≥ 0 with a positive sum."""
    name = _where(inst, attribute.name)
    if not isinstance(value, dict):
        msg = f"{name} must map channels to shares, got {describe(value)}"
        raise ArgumentTypeError(msg)
    known = {c.value for c in Channel}
    for key, share in value.items():
        if key not in known:
            msg = f"{name}: unknown channel {key!r}; channels are {', '.join(sorted(known))}"
            raise InvalidArgumentError(msg)
        if not _number(share) or not math.isfinite(share) or share < 0:
            msg = f"{name}[{key!r}] must be a finite share ≥ 0, got {share!r}"
            raise InvalidArgumentError(msg)
    if not value or sum(value.values()) <= 0:
        msg = f"{name} must give at least one channel a positive share, got {value!r}"
        raise InvalidArgumentError(msg)


def capacities(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Tier names mapped to positive integer handler counts."""
    name = _where(inst, attribute.name)
    if not isinstance(value, dict):
        msg = f"{name} must map tiers to handler counts, got {describe(value)}"
        raise ArgumentTypeError(msg)
    for key, count in value.items():
        if type(count) is not int or count < 1:
            msg = f"{name}[{key!r}] must be a positive integer (handlers), got {count!r}"
            raise InvalidArgumentError(msg)


def services(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Tier names mapped to service-time distributions."""
    from gridorg.simulation import ServiceTime

    name = _where(inst, attribute.name)
    if not isinstance(value, dict):
        msg = f"{name} must map tiers to ServiceTime values, got {describe(value)}"
        raise ArgumentTypeError(msg)
    for key, service in value.items():
        if not isinstance(service, ServiceTime):
            msg = f"{name}[{key!r}] must be a ServiceTime, got {describe(service)}"
            raise ArgumentTypeError(msg)


def instance_of(kind: type, text: str) -> Any:
    """A validator: an instance of ``kind`` (``text`` names it in the message)."""

    def check(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, kind):
            msg = f"{_where(inst, attribute.name)} must be {text}, got {describe(value)}"
            raise ArgumentTypeError(msg)

    return check


def aware_time(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A timezone-aware datetime."""
    name = _where(inst, attribute.name)
    if not isinstance(value, dt.datetime):
        msg = f"{name} must be a timezone-aware datetime, got {describe(value)}"
        raise ArgumentTypeError(msg)
    if not aware(value):
        msg = (
            f"{name} must be timezone-aware, got the naive {value.isoformat()}; give it a "
            "tzinfo (zoneinfo.ZoneInfo('Asia/Shanghai') or datetime.timezone.utc)"
        )
        raise InvalidArgumentError(msg)
