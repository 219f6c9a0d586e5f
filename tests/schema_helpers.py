"""Helpers shared by the tests of JSON documents: checking values against their JSON Schema,
and loading a document that should fail."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from gridorg import ValidationError
from gridorg.schema import load_value


def load_problem(
    document: Any, error: type[ValidationError], code: str, path: str, *, count: int = 1
) -> str:
    """Load ``document``, expecting exactly ``error``; return the message of the problem."""
    with pytest.raises(error) as caught:
        load_value(document)
    assert type(caught.value) is error
    problems = caught.value.problems
    assert [(p.code, p.path) for p in problems][:1] == [(code, path)], problems
    assert len(problems) == count, problems
    assert path in problems[0].message
    return problems[0].message


def _resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    assert ref.startswith("#/")
    node: Any = root
    for step in ref[2:].split("/"):
        node = node[step]
    result: dict[str, Any] = node
    return result


_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: type(v) is int,
    "number": lambda v: type(v) in (int, float),
    "boolean": lambda v: type(v) is bool,
    "null": lambda v: v is None,
}


def violations(
    value: Any, schema: dict[str, Any], root: dict[str, Any], at: str = "$"
) -> list[str]:
    """A small JSON Schema checker for the keywords pydantic emits (enough for these tests)."""
    found: list[str] = []
    if "$ref" in schema:
        found += violations(value, _resolve(root, schema["$ref"]), root, at)
    if "type" in schema and not _TYPES[schema["type"]](value):
        return [*found, f"{at}: not of type {schema['type']}"]
    if "const" in schema and json.dumps(value) != json.dumps(schema["const"]):
        found.append(f"{at}: not the constant {schema['const']!r}")
    if "enum" in schema and all(json.dumps(value) != json.dumps(e) for e in schema["enum"]):
        found.append(f"{at}: not one of {schema['enum']}")
    for key in ("anyOf", "oneOf"):
        if key in schema:
            passing = sum(not violations(value, option, root, at) for option in schema[key])
            if passing == 0 or (key == "oneOf" and passing > 1):
                found.append(f"{at}: {passing} options of {key} match")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            found.append(f"{at}: too short")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append(f"{at}: does not match {schema['pattern']}")
    if type(value) in (int, float):
        if "minimum" in schema and value < schema["minimum"]:
            found.append(f"{at}: below the minimum")
        if "maximum" in schema and value > schema["maximum"]:
            found.append(f"{at}: above the maximum")
    if isinstance(value, list):
        if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)):
            found.append(f"{at}: wrong number of items")
        if schema.get("uniqueItems") and len({json.dumps(v) for v in value}) != len(value):
            found.append(f"{at}: items repeat")
        if "items" in schema:
            for i, item in enumerate(value):
                found += violations(item, schema["items"], root, f"{at}[{i}]")
    if isinstance(value, dict):
        found += [f"{at}: missing {key}" for key in schema.get("required", []) if key not in value]
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        for key, item in value.items():
            matched = False
            if key in properties:
                matched = True
                found += violations(item, properties[key], root, f"{at}.{key}")
            for pattern, sub in patterns.items():
                if re.search(pattern, key):
                    matched = True
                    found += violations(item, sub, root, f"{at}.{key}")
            extra = schema.get("additionalProperties", True)
            if not matched and extra is False:
                found.append(f"{at}: unexpected key {key!r}")
            elif not matched and isinstance(extra, dict):
                found += violations(item, extra, root, f"{at}.{key}")
    return found
