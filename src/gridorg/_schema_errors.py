"""Translating pydantic's validation errors into gridorg problems with JSON paths.

Part of the document format (:mod:`gridorg.schema`); kept apart so that each module stays
about one thing.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from typing import Any, Final

import pydantic

from gridorg._fields import COUNT_FIELDS, count_problem, describe
from gridorg._problems import MAX_PROBLEMS
from gridorg.errors import Problem
from gridorg.links import LinkKind
from gridorg.partners import PartnerKind
from gridorg.tiers import FORMS

_FORM_NAMES: Final = ", ".join(form.value for form in FORMS)
_POSITION = re.compile(r"0|[1-9][0-9]*")  # an attributes key: a unit position, fullmatch


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


_TYPE_WORDS: Final = {
    "string_type": "a string",
    "int_type": "an integer",
    "bool_type": "a boolean",
    "list_type": "an array",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "float_type": "a number",
}

#: The document's cross-link members, each a list of records but ``locations``.
_SECTIONS: Final = ("categories", "partners", "people", "sites", "locations", "links")
#: How messages name a record of each list.
_NOUNS: Final = {
    "categories": "category",
    "partners": "partner",
    "people": "person",
    "sites": "site",
}
#: Members that are tagged unions, and the kinds each accepts.
_KINDS: Final = {
    "partners": tuple(kind.value for kind in PartnerKind),
    "links": tuple(kind.value for kind in LinkKind),
}
#: Errors raised by the models' own validators; the type is the problem code.
_CUSTOM: Final = frozenset(
    {"duplicate_tier", "duplicate_form", "duplicate_role", "duplicate_category", "invalid_date"}
)
#: Link fields naming an end.
_ENDS: Final = frozenset(
    {"member", "committee", "registrant", "community", "leader", "unit", "grid", "partner",
     "site", "person"}
)  # fmt: skip
_CROSS_LINK_CODES: Final = {
    "id": "invalid_id",
    "code": "invalid_id",
    "host": "invalid_id",
    "jurisdiction": "invalid_id",
    "name": "invalid_name",
    "kind": "unknown_kind",
    "attributes": "invalid_attributes",
    "location": "invalid_location",
    "x": "invalid_coordinate",
    "y": "invalid_coordinate",
    "crs": "unknown_crs",
    "role": "unknown_role",
    "date": "invalid_date",
    "categories": "invalid_categories",
    "members": "invalid_count",
    "party_member": "invalid_party_member",
    **dict.fromkeys(_ENDS, "invalid_end"),
}

_UNIT_CODES: Final = {
    "id": "invalid_id",
    "name": "invalid_name",
    "tier": "invalid_tier",
    "parent": "invalid_parent",
    "form": "unknown_form",
    "attributes": "invalid_attributes",
    **dict.fromkeys(COUNT_FIELDS, "invalid_count"),
}


def json_path(parts: tuple[str | int, ...]) -> str:
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            out.append(f".{part}")
        else:
            out.append(f"[{json.dumps(part, ensure_ascii=False)}]")
    return "".join(out)


def show(value: object) -> str:
    """``describe`` that does not render whole arrays or objects."""
    if isinstance(value, list | tuple):
        return f"an array of {len(value)} items" if value else "an empty array"
    if isinstance(value, dict):
        return f"an object with {len(value)} keys" if value else "an empty object"
    return describe(value)


def _clean(loc: tuple[str | int, ...]) -> tuple[tuple[str | int, ...], bool]:
    """The document path of a pydantic location, and whether it names a mapping key.

    Pydantic adds the tag of the units layout after ``units`` and the kind of each nested JSON
    value inside attributes (``'list'``, ``'dict'``); neither is part of the document.
    """
    parts = list(loc)
    is_key = bool(parts) and parts[-1] == "[key]"
    if is_key:
        parts.pop()
    if len(parts) >= 2 and parts[0] == "units" and parts[1] in ("columns", "records"):
        del parts[1]
    # Inside a partner or a link, pydantic names the kind that chose the model: (links, 3,
    # "registration", "date").
    if len(parts) >= 3 and parts[0] in _KINDS and isinstance(parts[1], int):
        del parts[2]
    # The attribute object's own keys: ("units", i, "attributes", key) for records and
    # ("units", "attributes", position, key) for columns, ("people", i, "attributes", key) for
    # the cross-link records; nested values follow as tag, step.
    if (
        len(parts) > 4
        and parts[0] in ("units", "partners", "people", "sites")
        and "attributes" in parts[1:3]
    ):
        parts = parts[:4] + parts[5::2]
    return tuple(parts), is_key


def _cross_link_of(parts: tuple[str | int, ...], document: Mapping[str, Any]) -> tuple[Any, ...]:
    """(index, field, unit id, kind of object, who) for a location in a cross-link member.

    ``kind`` keys the allowed fields: ``"people"``, ``"links:registration"``, ``"location"``
    (a partner's or site's location), ...; ``who`` names the record for messages, or is None.
    """
    section = str(parts[0])
    member = document.get(section)
    if section == "locations":
        field = parts[1] if isinstance(parts[1], str) else None
        index = parts[2] if len(parts) > 2 and isinstance(parts[2], int) else None
        ids = member.get("id") if isinstance(member, dict) else None
        uid = None
        if field != "id" and isinstance(ids, list) and index is not None and index < len(ids):
            uid = ids[index] if isinstance(ids[index], str) and ids[index] else None
        return index, field, uid, "locations", None if uid is None else f"unit {uid!r}"
    index = parts[1] if isinstance(parts[1], int) else None
    field = parts[2] if len(parts) > 2 and isinstance(parts[2], str) else None
    item: object = None
    if isinstance(member, list) and index is not None and index < len(member):
        item = member[index]
    record = item if isinstance(item, dict) else {}
    if field == "location" and len(parts) > 3:
        kind = "location"
    elif section in _KINDS:
        kind = f"{section}:{record.get('kind')}"
    else:
        kind = section
    key = record.get("code" if section == "categories" else "id")
    who = f"{_NOUNS[section]} {key!r}" if section in _NOUNS and isinstance(key, str) else None
    return index, field, None, kind, who


def _unit_of(parts: tuple[str | int, ...], document: Mapping[str, Any]) -> tuple[Any, ...]:
    """(index, field, unit id, kind of object, who) for a location in the document.

    ``kind`` is the kind of object the location's last key belongs to: ``"document"``,
    ``"scheme"``, ``"tier"``, ``"record"`` or ``"columns"``, or one of the cross-link kinds;
    ``who`` names the unit or record at fault for messages, or is None.
    """
    units = document.get("units")
    if len(parts) >= 2 and parts[0] in _SECTIONS:
        return _cross_link_of(parts, document)
    if len(parts) < 2 or parts[0] != "units":
        names = [part for part in parts if isinstance(part, str)]
        kind = "document"
        if parts and parts[0] == "scheme" and len(parts) > 1:
            kind = "scheme" if len(parts) == 2 else "tier"
        return None, (names[-1] if names else None), None, kind, None
    uid: object = None
    if isinstance(parts[1], int):
        index: int | None = parts[1]
        field = parts[2] if len(parts) > 2 and isinstance(parts[2], str) else None
        row = units[parts[1]] if isinstance(units, list) and parts[1] < len(units) else None
        uid = row.get("id") if isinstance(row, dict) else None
        kind = "record"
    else:
        field = parts[1]
        index = None
        step = parts[2] if len(parts) > 2 else None
        if isinstance(step, int):
            index = step
        elif field == "attributes" and isinstance(step, str) and _POSITION.fullmatch(step):
            index = int(step)
        ids = units.get("id") if isinstance(units, dict) else None
        if isinstance(ids, list) and index is not None and index < len(ids):
            uid = ids[index]
        kind = "columns"
    uid = uid if isinstance(uid, str) and uid else None
    return index, field, uid, kind, None if uid is None else f"unit {uid!r}"


def _text(
    error: Mapping[str, Any],
    field: str | None,
    kind: str,
    is_key: bool,
    allowed_fields: Mapping[str, tuple[str, ...]],
) -> str:
    kind_of_error = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind_of_error == "missing":
        return f"required field {error['loc'][-1]!r} is missing"
    if kind_of_error == "extra_forbidden":
        key = error["loc"][-1]
        allowed = allowed_fields.get(kind, ())
        text = f"unknown field {key!r}"
        close = difflib.get_close_matches(str(key), allowed, n=1)
        if close:
            text += f" (did you mean {close[0]!r}?)"
        section, _, tag = kind.partition(":")
        if tag:  # a partner or link: its fields depend on its kind
            noun = "link" if section == "links" else "partner"
            return text + f"; a {noun} of kind {tag!r} has the fields {', '.join(allowed)}"
        return text + (f"; fields are {', '.join(allowed)}" if allowed else "")
    if is_key:
        if kind == "columns" and field == "attributes":
            expected = "a unit position written in decimal such as '17'"
        else:
            expected = "a string"
        return f"object key must be {expected}, got {show(value)}"
    if kind_of_error == "invalid_units":
        return f"{error['msg']}, got {show(value)}"
    if kind_of_error in _CUSTOM:
        return str(error["msg"])
    if kind_of_error in ("union_tag_invalid", "union_tag_not_found"):
        section = str(error["loc"][0])
        noun = "link" if section == "links" else "partner"
        kinds = ", ".join(_KINDS.get(section, ()))
        if kind_of_error == "union_tag_not_found":
            return f"required field 'kind' is missing; a {noun} kind is one of {kinds}"
        found = value.get("kind") if isinstance(value, dict) else value
        return f"unknown {noun} kind {show(found)}; expected one of {kinds}"
    if kind_of_error == "finite_number":
        return f"expected a finite number, got {show(value)}"
    if kind_of_error == "string_pattern_mismatch" and field == "date":
        return f"expected a date written YYYY-MM-DD, got {show(value)}"
    if kind_of_error == "string_pattern_mismatch" and kind not in ("record", "columns", "tier"):
        return (
            f"expected an id: a non-empty string without whitespace at either end, "
            f"got {show(value)}"
        )
    if kind in ("record", "columns") and field in COUNT_FIELDS:
        problem = count_problem(field, value)
        if problem:
            return problem
    if kind_of_error == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind_of_error == "too_short":
        return f"expected at least {ctx.get('min_length')} items, got {show(value)}"
    if kind_of_error == "too_long":
        return f"expected at most {ctx.get('max_length')} items, got {show(value)}"
    if kind_of_error == "string_pattern_mismatch" and kind == "tier":
        return f"a tier name must be a lower-case identifier such as 'street', got {show(value)}"
    if kind_of_error == "literal_error":
        if kind == "tier":
            return f"expected a party form ({_FORM_NAMES}), got {show(value)}"
        if field == "form":
            return f"expected a party form ({_FORM_NAMES}) or null, got {show(value)}"
        return f"expected {ctx.get('expected')}, got {show(value)}"
    if kind_of_error == "invalid-json-value":
        return f"attribute values must be JSON values, got {show(value)}"
    if kind_of_error in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind_of_error]}, got {show(value)}"
    message = str(error["msg"])
    if message.startswith("Input should be "):
        message = "expected " + message.removeprefix("Input should be ")
    return f"{message}, got {show(value)}"


def _code(
    error: Mapping[str, Any], parts: tuple[str | int, ...], field: str | None, kind: str
) -> str:
    kind_of_error = error["type"]
    if kind_of_error == "missing":
        return "missing_field"
    if kind_of_error == "extra_forbidden":
        return "unknown_field"
    if kind_of_error in _CUSTOM or kind_of_error == "invalid_units":
        return str(kind_of_error)
    if kind_of_error == "union_tag_invalid":
        return "unknown_kind"
    if kind_of_error == "union_tag_not_found":
        return "missing_field"
    top = parts[0] if parts else None
    if top in _SECTIONS and len(parts) >= 2:
        if field is None:
            return "invalid_record"
        name = parts[3] if field == "location" and len(parts) > 3 else field
        if name == "roles":
            return "unknown_role" if kind_of_error == "literal_error" else "invalid_roles"
        return _CROSS_LINK_CODES.get(str(name), "invalid_value")
    if kind == "record" and field is None:
        return "invalid_record"
    if kind in ("record", "columns") and field is not None:
        if field == "form" and kind_of_error != "literal_error":
            return "invalid_form"
        return _UNIT_CODES.get(field, "invalid_value")
    if top in ("scheme", "name", "units", *_SECTIONS):
        return f"invalid_{top}"
    return "invalid_value"


def translate(
    err: pydantic.ValidationError,
    document: Mapping[str, Any],
    allowed_fields: Mapping[str, tuple[str, ...]],
) -> list[Problem]:
    """pydantic's errors as gridorg problems, each with the JSON path of its value."""
    problems: list[Problem] = []
    errors = err.errors(include_url=False)
    for error in errors[:MAX_PROBLEMS]:
        parts, is_key = _clean(error["loc"])
        ctx = error.get("ctx") or {}
        if "at" in ctx:  # duplicates point at the later one
            parts = (*parts, ctx["at"], *(("name",) if error["type"] == "duplicate_tier" else ()))
        if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
            parts = (*parts, "kind")
        index, field, uid, kind, who = _unit_of(parts, document)
        path = json_path(parts)
        where = f"{who} ({path})" if who is not None else path
        text = _text(error, field, kind, is_key, allowed_fields)
        problems.append(
            Problem(_code(error, parts, field, kind), f"{where}: {text}", uid, index, field, path)
        )
    if len(errors) > MAX_PROBLEMS:
        text = f"{len(errors) - MAX_PROBLEMS} further problems were found and not listed"
        problems.append(Problem("more_problems", text))
    return problems
