"""Parameter paths of a sweep: a dotted name that reaches a value deep inside a scenario.

A path such as ``"service.grid.mean"`` walks from the scenario through its fields (attrs
records) and the keys of its mappings. :func:`check_path` follows a path on a base scenario and
:func:`apply` returns a copy of the scenario with the value at the end of the path replaced;
records are rebuilt with their ``evolve`` method when they have one (so the scenario validates
the change) and with ``attrs.evolve`` otherwise, mappings as a new ``dict`` with the key
replaced. A path only replaces what exists: a key the mapping lacks is an error, and the whole
mapping is set instead to add keys.
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from gridorg._fields import describe
from gridorg.errors import ArgumentTypeError, GridorgError, InvalidArgumentError

__all__ = ["apply", "check_path", "format_value", "parse_path"]

_EXAMPLE = "a Scenario field such as 'reopen' or a dotted path such as 'capacity.grid'"


def parse_path(dotted: object) -> tuple[str, ...]:
    """The parts of the parameter name ``dotted``; a malformed name raises."""
    if not isinstance(dotted, str):
        msg = f"a parameter name must be a string, {_EXAMPLE}; got {describe(dotted)}"
        raise ArgumentTypeError(msg)
    if not dotted:
        msg = f"a parameter name must not be empty; expected {_EXAMPLE}"
        raise InvalidArgumentError(msg)
    parts = tuple(dotted.split("."))
    for number, part in enumerate(parts, 1):
        if not part:
            msg = (
                f"parameter {dotted!r}: part {number} is empty; expected names joined by "
                "single dots, such as 'capacity.grid'"
            )
            raise InvalidArgumentError(msg)
        if part != part.strip():
            msg = (
                f"parameter {dotted!r}: part {number} ({part!r}) has spaces around it; "
                "expected names joined by single dots, such as 'capacity.grid'"
            )
            raise InvalidArgumentError(msg)
    return parts


def _place(parts: Sequence[str]) -> str:
    return "the Scenario" if not parts else repr(".".join(parts))


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(map(repr, names[:20]))
    more = f" and {len(names) - 20} more" if len(names) > 20 else ""
    return (shown + more) or "none"


def _fields(obj: Any) -> dict[str, attrs.Attribute[Any]]:
    return {field.name: field for field in attrs.fields(type(obj)) if field.init}


def _child(obj: object, part: str, done: Sequence[str], dotted: str) -> Any:
    """The value under ``part`` of ``obj`` (reached by the parts ``done`` of ``dotted``)."""
    if attrs.has(type(obj)):
        fields = _fields(obj)
        if part not in fields:
            close = difflib.get_close_matches(part, list(fields), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            msg = (
                f"parameter {dotted!r}: {_place(done)} has no field {part!r}{hint}; "
                f"its fields: {_listed(list(fields))}"
            )
            raise InvalidArgumentError(msg)
        return getattr(obj, part)
    if isinstance(obj, Mapping):
        if part not in obj:
            keys = [str(key) for key in obj]
            close = difflib.get_close_matches(part, keys, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            msg = (
                f"parameter {dotted!r}: {_place(done)} has no key {part!r}{hint}; its keys: "
                f"{_listed(keys)}; set the whole mapping {'.'.join(done)!r} to add keys"
            )
            raise InvalidArgumentError(msg)
        return obj[part]
    if obj is None:
        msg = (
            f"parameter {dotted!r}: {_place(done)} is None in the base scenario, so {part!r} "
            f"cannot be reached; set {'.'.join(done)!r} itself instead"
        )
        raise InvalidArgumentError(msg)
    msg = (
        f"parameter {dotted!r}: {_place(done)} is {describe(obj)}, which has neither fields "
        f"nor keys, so {part!r} cannot be reached"
    )
    raise InvalidArgumentError(msg)


def check_path(base: object, dotted: object) -> tuple[str, ...]:
    """The parts of ``dotted`` after checking that each one exists on ``base``."""
    parts = parse_path(dotted)
    assert isinstance(dotted, str)  # parse_path checked it
    current = base
    for index, part in enumerate(parts):
        current = _child(current, part, parts[:index], dotted)
    return parts


def apply(scenario: object, dotted: str, value: object) -> Any:
    """A copy of ``scenario`` with the value at the path ``dotted`` replaced by ``value``."""
    parts = parse_path(dotted)
    try:
        return _replace(scenario, parts, 0, value, dotted)
    except GridorgError:
        raise
    except TypeError as error:
        msg = f"parameter {dotted!r} = {describe(value)} is not accepted: {error}"
        raise ArgumentTypeError(msg) from error
    except ValueError as error:
        msg = f"parameter {dotted!r} = {describe(value)} is not accepted: {error}"
        raise InvalidArgumentError(msg) from error


def _replace(obj: Any, parts: tuple[str, ...], index: int, value: object, dotted: str) -> Any:
    part = parts[index]
    child = _child(obj, part, parts[:index], dotted)
    new = value if index == len(parts) - 1 else _replace(child, parts, index + 1, value, dotted)
    if attrs.has(type(obj)):
        field = _fields(obj)[part]
        alias = field.alias or field.name
        evolve = getattr(obj, "evolve", None)
        if callable(evolve):
            return evolve(**{alias: new})
        return attrs.evolve(obj, **{alias: new})
    assert isinstance(obj, Mapping)  # _child accepts records and mappings only
    changed = dict(obj)
    changed[part] = new
    return changed


def format_value(value: object) -> str:
    """``value`` as a scenario name shows it: numbers and strings plainly, others by ``repr``."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, numbers.Number | str):
        return str(value)
    return repr(value)
