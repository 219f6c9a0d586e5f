"""Field checks shared by the partner, person, site and link records.

Each record class validates its own fields on construction, like :class:`~gridorg.Unit`;
a bad field raises :class:`~gridorg.RecordError` naming the record and the field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import attrs

from gridorg._fields import attributes_problem, copy_json, describe, id_problem
from gridorg.errors import Problem, RecordError

T = TypeVar("T")


def fail(
    subject: str | type, inst: object, field: str, message: str, code: str = "invalid_field"
) -> RecordError:
    """The error for one bad field of a record: ``subject`` is its class (whose ``noun`` names
    it) or the noun itself."""
    if not isinstance(subject, str):
        subject = str(getattr(subject, "noun", subject.__name__))
    uid = getattr(inst, "id", None)
    if not isinstance(uid, str):
        uid = getattr(inst, "code", None)  # categories are named by their code
    where = f"{subject} {uid!r}" if isinstance(uid, str) else subject
    ends = getattr(type(inst), "ends", None)
    if uid is None and ends is not None:  # a link: name it by its ends, when they are set
        values = [getattr(inst, end, None) for end in ends]
        if all(isinstance(v, str) for v in values):
            where = f"{subject} {values[0]!r} → {values[1]!r}"
    problem = Problem(code, f"{where}: {message}", field=field)
    return RecordError([problem], subject=subject)


def subject_of(inst: object) -> str:
    """The record's noun for messages: its class's ``noun`` attribute."""
    noun: str = getattr(type(inst), "noun", type(inst).__name__)
    return noun


def check_id(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An attrs validator: a non-empty string without surrounding whitespace."""
    problem = id_problem(attribute.name, value)
    if problem:
        raise fail(subject_of(inst), inst, attribute.name, problem)


def check_text(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An attrs validator: any string."""
    if not isinstance(value, str):
        msg = f"{attribute.name} must be a string, got {describe(value)}"
        raise fail(subject_of(inst), inst, attribute.name, msg)


def check_optional_id(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An attrs validator: ``None`` or an id."""
    if value is not None:
        check_id(inst, attribute, value)


def check_optional_count(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An attrs validator: ``None`` or a non-negative integer."""
    if value is None:
        return
    if type(value) is not int or value < 0:
        msg = f"{attribute.name} must be a non-negative integer or None, got {describe(value)}"
        raise fail(subject_of(inst), inst, attribute.name, msg)


def attributes(value: object) -> dict[str, Any]:
    """An attrs converter: a deep copy of JSON-compatible attributes (checked)."""
    problem = attributes_problem(value)
    if problem:
        raise RecordError(
            [Problem("invalid_field", problem, field="attributes")], subject="record"
        )
    copied: dict[str, Any] = copy_json(value)
    return copied


def codes(value: object) -> frozenset[str]:
    """An attrs converter: an iterable of strings (not a single string) as a frozenset."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        return value  # type: ignore[return-value]  # the validator reports it
    items = list(value)
    if not all(isinstance(item, str) for item in items):
        return value  # type: ignore[return-value]
    return frozenset(items)


def check_codes(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An attrs validator: a frozenset of non-empty strings."""
    if not isinstance(value, frozenset):
        msg = f"{attribute.name} must be a collection of strings, got {describe(value)}"
        raise fail(subject_of(inst), inst, attribute.name, msg)
    for item in sorted(value):
        problem = id_problem(f"each of {attribute.name}", item)
        if problem:
            raise fail(subject_of(inst), inst, attribute.name, problem)


def finite(value: object) -> bool:
    """Whether ``value`` is a real, finite number (booleans excluded)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def short_repr(inst: object) -> str:
    """``Cls('id', 'name', field=value, ...)`` listing only the fields that differ from their
    defaults, enums by value and sets sorted: what a person would type to make the record."""
    import enum

    def show(value: object) -> str:
        if isinstance(value, enum.Enum):
            return repr(value.value)
        if isinstance(value, frozenset):
            items = sorted(show(item) for item in value)
            return "{" + ", ".join(items) + "}"
        if isinstance(value, Mapping):
            return repr(dict(value))
        return repr(value)

    cls = type(inst)
    parts: list[str] = []
    for field in attrs.fields(cls):  # type: ignore[arg-type]
        if not field.init:
            continue
        value = getattr(inst, field.name)
        default: Any = field.default
        factory = getattr(default, "factory", None)
        if callable(factory):  # an attrs Factory
            default = factory()
        if field.name == "id":
            parts.append(show(value))
        elif field.name == "name" and not field.kw_only:
            if value:
                parts.append(show(value))
        elif default is attrs.NOTHING or value != default:
            parts.append(f"{field.name}={show(value)}")
    return f"{cls.__name__}({', '.join(parts)})"


def json_key(value: Any) -> str:
    """Attributes as canonical JSON, so ``1``, ``1.0`` and ``True`` differ as in a document."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def from_mapping(
    cls: type[T], record: object, *, noun: str | type, ignore: frozenset[str] = frozenset()
) -> T:
    """``cls(**record)`` for a mapping with ``cls``'s fields, after checking that it is a
    mapping, names no unknown field and gives every required one. Keys in ``ignore`` (a
    discriminating ``kind``) are accepted and left out."""
    if not isinstance(record, Mapping):
        name = noun if isinstance(noun, str) else str(getattr(noun, "noun", noun.__name__))
        msg = f"a {name} record must be a mapping, got {describe(record)}"
        raise fail(noun, None, name, msg)
    uid = record.get("id")
    where = Named(uid) if isinstance(uid, str) else None
    fields = [a for a in attrs.fields(cls) if a.init]  # type: ignore[arg-type]
    names = {a.alias for a in fields}
    unknown = sorted(k if isinstance(k, str) else repr(k) for k in set(record) - names - ignore)
    if unknown:
        listed = ", ".join(map(repr, unknown))
        msg = f"unknown fields {listed}; fields are {', '.join(sorted(names))}"
        raise fail(noun, where, unknown[0], msg, code="unknown_field")
    missing = [a.alias for a in fields if a.default is attrs.NOTHING and a.alias not in record]
    if missing:
        msg = f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} required"
        raise fail(noun, where, missing[0], msg, code="missing_field")
    return cls(**{key: value for key, value in record.items() if key not in ignore})


@attrs.frozen
class Named:
    """Something with an id, for messages about records that could not be built."""

    id: str
