"""Strict JSON text in and out: UTF-8 only, no repeated keys, no NaN or Infinity, every
failure a :class:`~gridorg.SchemaError` naming where the text goes wrong."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from gridorg._schema_errors import show
from gridorg.errors import ArgumentTypeError, Problem, SchemaError

SUBJECT = "organisation document"


def serialise(document: dict[str, Any], indent: int | None, *, ascii_only: bool) -> str:
    return json.dumps(
        document,
        ensure_ascii=ascii_only,
        allow_nan=False,
        indent=indent,
        separators=(",", ":") if indent is None else (",", ": "),
    )


def document(data: object, subject: str = SUBJECT) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        text = f"$: a document must be a JSON object, got {show(data)}"
        raise SchemaError([Problem("invalid_document", text, path="$")], subject=subject)
    return data if type(data) is dict else dict(data)


def decoded(text: object, subject: str = SUBJECT) -> str:
    if isinstance(text, str):
        return text
    if isinstance(text, bytes | bytearray):
        try:
            return bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as err:
            message = f"$: the text is not UTF-8: byte {err.start} is {err.object[err.start]:#04x}"
            raise SchemaError(
                [Problem("invalid_json", message, path="$")], subject=subject
            ) from None
    msg = f"loads() needs a str or bytes, got {type(text).__name__}"
    raise ArgumentTypeError(msg)


class _RejectedJSONError(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                msg = f"an object has the key {key!r} twice; JSON objects must not repeat keys"
                raise _RejectedJSONError(msg)
            seen.add(key)
    return result


def _no_constants(name: str) -> Any:
    msg = f"{name} is not a JSON value"
    raise _RejectedJSONError(msg)


def parse(text: str, subject: str = SUBJECT) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)
    except json.JSONDecodeError as err:
        message = (
            f"$: not valid JSON: {err.msg} at line {err.lineno} column {err.colno} "
            f"(character {err.pos})"
        )
    except _RejectedJSONError as err:
        message = f"$: not valid JSON: {err}"
    except (ValueError, RecursionError) as err:
        message = f"$: cannot read the JSON: {err}"
    raise SchemaError([Problem("invalid_json", message, path="$")], subject=subject)
