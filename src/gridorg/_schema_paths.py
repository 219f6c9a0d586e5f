"""The field types the routing documents share, and their problems at JSON paths.

Part of the document format (:mod:`gridorg.schema`), kept apart so that each module stays about
one thing. The :class:`Reader` here turns pydantic's errors on a routing document (categories,
issues, triage schemes, rule tables, case logs) into problems, each at the JSON path of the
value at fault (``$.issues[3].reported``); :func:`validate` raises them as a
:class:`~gridorg.SchemaError`, and :func:`built` places what a record's own class refuses.
Times are ISO 8601 strings with an offset (``2024-05-06T09:30:00+08:00``); a time without an
offset is ambiguous and is refused with the problem code ``naive_time``.

The pieces every document format shares live here too: the format version and its check, and
the wording of the pydantic errors no format treats specially, so that every document words
them alike.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Annotated, Any, Final, Literal, TypeVar

import pydantic
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from gridorg._problems import MAX_PROBLEMS
from gridorg._schema_errors import json_path, show
from gridorg.errors import FormatVersionError, Problem, RecordError, SchemaError

STRICT: Final = ConfigDict(extra="forbid", frozen=True, strict=True)
#: The document format version this release reads.
VERSION: Final = 1

T = TypeVar("T")
#: A location in a document: member names and array positions.
Path = tuple[str | int, ...]

# ---------------------------------------------------------------------- field types


def _time(value: str) -> str:
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        code = "invalid_time"
        msg = (
            "expected an ISO 8601 time with an offset such as '2024-05-06T09:30:00+08:00', "
            "got {value}"
        )
        raise PydanticCustomError(code, msg, {"value": repr(value)}) from None
    if when.tzinfo is None or when.utcoffset() is None:
        code = "naive_time"
        msg = (
            "the time {value} has no offset and is ambiguous; write it with one, "
            "e.g. '+08:00' or 'Z'"
        )
        raise PydanticCustomError(code, msg, {"value": repr(value)})
    return value


#: An id as the records check it: not empty, no whitespace at either end.
Id = Annotated[str, Field(pattern=r"^\S(?:[\s\S]*\S)?$")]
#: A timezone-aware time, written in ISO 8601 with its offset.
Time = Annotated[str, Field(json_schema_extra={"format": "date-time"}), AfterValidator(_time)]
ChannelName = Literal["gridder_app", "hotline", "visit", "sunk_member", "contact_point", "online"]


def parse_time(text: str) -> dt.datetime:
    """The aware datetime of a time the models have checked."""
    return dt.datetime.fromisoformat(text)


def distinct(code: str, noun: str) -> AfterValidator:
    """A validator refusing a list that names an item twice (``code`` is the error type)."""

    def check(items: list[str] | None) -> list[str] | None:
        if items is None:
            return None
        first: dict[str, int] = {}
        for at, item in enumerate(items):
            if item in first:
                msg = f"{noun} {{item}} is listed twice (first at position {{first}})"
                where = {"item": repr(item), "first": first[item], "at": at}
                raise PydanticCustomError(code, msg, where)
            first[item] = at
        return items

    return AfterValidator(check)


def fields_of(model: type[BaseModel]) -> tuple[str, ...]:
    """A model's field names as documents spell them."""
    return tuple(info.alias or name for name, info in model.model_fields.items())


# ---------------------------------------------------------------------- errors

_TYPE_WORDS: Final = {
    "string_type": "a string",
    "int_type": "an integer",
    "bool_type": "a boolean",
    "float_type": "a number",
    "list_type": "an array",
    "tuple_type": "an array",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
}


#: The words of a bound pydantic reports: error type → (context key, words).
_BOUNDS: Final = {
    "greater_than": ("gt", "greater than"),
    "greater_than_equal": ("ge", "at least"),
    "less_than": ("lt", "less than"),
    "less_than_equal": ("le", "at most"),
}
#: What the pattern of a field that is not an id asks for.
_PATTERNS: Final = {
    "hours": "a time of day written HH:MM (or HH:MM:SS, or 24:00 for the end of the day)",
    "holidays": "a date written YYYY-MM-DD",
    "workdays": "a date written YYYY-MM-DD",
}


def unknown_field(key: object, allowed: Sequence[str]) -> str:
    """The start of the message about an unknown field ``key``, suggesting the allowed field
    closest to it, if one is close."""
    text = f"unknown field {key!r}"
    close = difflib.get_close_matches(str(key), allowed, n=1)
    if close:
        text += f" (did you mean {close[0]!r}?)"
    return text


def expected_id(value: object) -> str:
    """The message about ``value`` where an id was expected."""
    return (
        f"expected an id: a non-empty string without whitespace at either end, got {show(value)}"
    )


def expected_text(error: Mapping[str, Any]) -> str:
    """The message of a pydantic error no document treats specially: what was expected, and
    the value found."""
    kind = error["type"]
    value = error.get("input")
    if kind == "finite_number":
        return f"expected a finite number, got {show(value)}"
    if kind == "literal_error":
        return f"expected {(error.get('ctx') or {}).get('expected')}, got {show(value)}"
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}, got {show(value)}"
    message = str(error["msg"]).removeprefix("Input should be ")
    return f"expected {message}, got {show(value)}"


def unlisted(total: int) -> list[Problem]:
    """The closing problem of a list cut at :data:`MAX_PROBLEMS` of ``total``, if it was cut."""
    if total <= MAX_PROBLEMS:
        return []
    text = f"{total - MAX_PROBLEMS} further problems were found and not listed"
    return [Problem("more_problems", text)]


class Reader:
    """Turns pydantic's errors on one kind of document into problems at JSON paths.

    ``allowed`` names the fields of each kind of object by the member holding it (``""`` for
    the document, ``"action:whistle"`` for a member of a tagged union), ``codes`` the problem
    code of a bad value by its field, ``unknown`` the code of a value outside a field's
    choices (``"unknown_colour"``), ``unions`` each tagged member's discriminator and tags
    (and, under ``"<member>:tag"`` in ``codes``, the code of an unknown tag), and ``who``
    names the record a location is in ("issue 'Q3'"), or gives None. ``keyed`` are the
    members whose object keys are names the document chooses (colours, tier names).
    """

    def __init__(
        self,
        allowed: Mapping[str, tuple[str, ...]],
        codes: Mapping[str, str],
        unknown: Mapping[str, str],
        unions: Mapping[str, tuple[str, tuple[str, ...]]] | None = None,
        who: Callable[[Path, Mapping[str, Any]], str | None] | None = None,
        keyed: frozenset[str] = frozenset(),
    ) -> None:
        self.allowed = allowed
        self.codes = codes
        self.unknown = unknown
        self.unions = unions or {}
        self.who = who
        self.keyed = keyed

    def clean(self, loc: Iterable[str | int]) -> tuple[Path, str]:
        """The document path of a pydantic location (without union tags), and the kind of
        object its last step is in: the member holding it, with the tag for a union member."""
        items = list(loc)
        if items and items[-1] == "[key]":
            items.pop()
        parts: list[str | int] = []
        holder = ""
        n = 0
        while n < len(items):
            part = items[n]
            parts.append(part)
            if n == len(items) - 1:
                break
            if isinstance(part, str) and not (n and items[n - 1] in self.keyed):
                holder = part
                tags = self.unions.get(part, ("", ()))[1]
                if items[n + 1] in tags:
                    holder = f"{part}:{items[n + 1]}"
                    n += 1
            n += 1
        return tuple(parts), holder

    def problems(
        self, err: pydantic.ValidationError, document: Mapping[str, Any]
    ) -> list[Problem]:
        """Every error of ``err`` as a problem, each with the JSON path of its value."""
        errors = err.errors(include_url=False)
        problems = [self._problem(error, document) for error in errors[:MAX_PROBLEMS]]
        return problems + unlisted(len(errors))

    def _problem(self, error: Mapping[str, Any], document: Mapping[str, Any]) -> Problem:
        kind = error["type"]
        loc = tuple(error["loc"])
        is_key = bool(loc) and loc[-1] == "[key]"
        parts, holder = self.clean(loc)
        ctx = error.get("ctx") or {}
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            name = str(parts[-1]) if parts and isinstance(parts[-1], str) else ""
            parts = (*parts, self.unions.get(name, ("kind", ()))[0])
        elif "at" in ctx:  # an item listed twice: point at the later one
            parts = (*parts, ctx["at"])
        names = [
            p
            for n, p in enumerate(parts)
            if isinstance(p, str) and not (n and parts[n - 1] in self.keyed)
        ]
        field = names[-1] if names else None
        index = next((p for p in reversed(parts) if isinstance(p, int)), None)
        path = json_path(parts)
        who = self.who(parts, document) if self.who is not None else None
        where = f"{who} ({path})" if who else path
        text = self._text(error, parts, holder, is_key)
        return Problem(
            self._code(error, parts, names), f"{where}: {text}", None, index, field, path
        )

    def _code(self, error: Mapping[str, Any], parts: Path, names: list[str]) -> str:
        kind = str(error["type"])
        if kind in ("missing", "union_tag_not_found"):
            return "missing_field"
        if kind == "extra_forbidden":
            return "unknown_field"
        if kind == "union_tag_invalid":
            return self.codes.get(f"{names[-2]}:tag" if len(names) > 1 else ":tag", "unknown_kind")
        if kind.startswith(("naive_", "invalid_", "duplicate_", "unknown_")):
            return kind
        if kind == "literal_error" and names and names[-1] in self.unknown:
            return self.unknown[names[-1]]
        for name in reversed(names):
            if name in self.codes:
                return self.codes[name]
        return "invalid_value"

    def _text(self, error: Mapping[str, Any], parts: Path, holder: str, is_key: bool) -> str:
        kind = error["type"]
        value = error.get("input")
        ctx = error.get("ctx") or {}
        if kind == "missing":
            return f"required field {parts[-1]!r} is missing"
        if kind == "extra_forbidden":
            key = str(parts[-1])
            allowed = self.allowed.get(holder, ())
            text = unknown_field(key, allowed)
            return text + (f"; fields are {', '.join(allowed)}" if allowed else "")
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            name = str(parts[-2]) if len(parts) > 1 else ""
            discriminator, tags = self.unions.get(name, ("kind", ()))
            if kind == "union_tag_not_found":
                return (
                    f"required field {discriminator!r} is missing; it is one of {', '.join(tags)}"
                )
            found = value.get(discriminator) if isinstance(value, dict) else value
            return f"unknown {discriminator} {show(found)}; expected one of {', '.join(tags)}"
        if str(kind).startswith(("naive_", "invalid_", "duplicate_", "unknown_")):
            return str(error["msg"])
        if is_key:
            return f"object key must be a string, got {show(value)}"
        if kind == "string_pattern_mismatch":
            named = [p for p in parts if isinstance(p, str)]
            if named and named[-1] in _PATTERNS:
                return f"expected {_PATTERNS[named[-1]]}, got {show(value)}"
            return expected_id(value)
        if kind in _BOUNDS:
            key, words = _BOUNDS[kind]
            bound = ctx.get(key)
            noun = "an integer" if isinstance(bound, int) and type(value) is int else "a number"
            return f"expected {noun} {words} {bound}, got {show(value)}"
        if kind == "too_short":
            return f"expected at least {ctx.get('min_length')} items, got {show(value)}"
        if kind == "too_long":
            return f"expected at most {ctx.get('max_length')} items, got {show(value)}"
        return expected_text(error)


def version_problem(document: Mapping[str, Any]) -> Problem | None:
    """The problem with a document's ``version``, or None when this release reads it."""
    if "version" not in document:
        text = f"$.version: missing; this release reads version {VERSION}"
        return Problem("missing_version", text, field="version", path="$.version")
    found = document["version"]
    if type(found) is int and found == VERSION:
        return None
    text = f"$.version: this release reads version {VERSION} (an integer), got {show(found)}"
    return Problem("unsupported_version", text, field="version", path="$.version")


def check_version(document: Mapping[str, Any], subject: str) -> None:
    """Raise :class:`~gridorg.FormatVersionError` unless the document is of this version."""
    problem = version_problem(document)
    if problem is not None:
        raise FormatVersionError([problem], subject=subject)


def validate(
    model: type[BaseModel],
    document: Mapping[str, Any],
    reader: Reader,
    subject: str,
    extra: Sequence[Problem] = (),
) -> Any:
    """``document`` validated by ``model``; problems (with ``extra``) raise SchemaError."""
    check_version(document, subject)
    problems = list(extra)
    try:
        found = model.model_validate(document)
    except pydantic.ValidationError as err:
        problems = reader.problems(err, document) + problems
    if problems:
        raise SchemaError(problems, subject=subject)
    return found


def repeated(
    ids: Sequence[str], place: Callable[[int], Path], noun: str, code: str
) -> list[Problem]:
    """Problems for ids listed twice, each at the later one; ``place(k)`` is the location of
    the k-th id."""
    first: dict[str, int] = {}
    problems = []
    for k, uid in enumerate(ids):
        if uid in first:
            at = place(k)
            path = json_path(at)
            earlier = json_path(place(first[uid]))
            text = f"{noun} {uid!r} ({path}): is listed twice (first at {earlier})"
            problems.append(Problem(code, text, uid, k, str(at[-1]) if at else None, path))
            if len(problems) >= MAX_PROBLEMS:
                break
        first.setdefault(uid, k)
    return problems


def record_who(
    member: str, key: str, noun: str
) -> Callable[[Path, Mapping[str, Any]], str | None]:
    """A ``who`` for :class:`Reader`: names the record of the list ``member`` a location is in
    by its ``key`` (``issue 'Q3'``), unless the location is that key."""

    def who(parts: Path, document: Mapping[str, Any]) -> str | None:
        if len(parts) < 3 or parts[0] != member or not isinstance(parts[1], int):
            return None
        items = document.get(member)
        item = items[parts[1]] if isinstance(items, list) and parts[1] < len(items) else None
        name = item.get(key) if isinstance(item, dict) and parts[2] != key else None
        return f"{noun} {name!r}" if isinstance(name, str) and name else None

    return who


def built(make: Callable[[Any], T], records: Sequence[Any], member: str, subject: str) -> list[T]:
    """``make(record)`` for every record; a record the models let through but its class
    refuses raises :class:`~gridorg.RecordError` at the record's JSON path."""
    values: list[T] = []
    problems: list[Problem] = []
    for k, record in enumerate(records):
        try:
            values.append(make(record))
        except RecordError as err:
            for problem in err.problems:
                path = json_path((member, k, *((problem.field,) if problem.field else ())))
                text = f"{path}: {problem.message}"
                problems.append(Problem(problem.code, text, None, k, problem.field, path))
    if problems:
        raise RecordError(problems, subject=subject)
    return values


def distinct_records(
    model: type[BaseModel],
    document: Mapping[str, Any],
    reader: Reader,
    subject: str,
    place: tuple[str, str, str],
    make: Callable[[Any], T],
) -> list[T]:
    """``make(record)`` for every record of a document holding one list of records, keyed
    ``place = (member, key, noun)``: problems of shape and keys listed twice raise
    :class:`~gridorg.SchemaError` (code ``duplicate_<noun>``), records their class refuses
    :class:`~gridorg.RecordError`."""
    member, key, noun = place
    records = getattr(validate(model, document, reader, subject), member)
    keys = [getattr(record, key) for record in records]
    problems = repeated(keys, lambda k: (member, k, key), noun, f"duplicate_{noun}")
    if problems:
        raise SchemaError(problems, subject=subject)
    return built(make, records, member, subject)
