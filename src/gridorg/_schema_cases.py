"""The documents of residents' issues and case logs, and the checks the routing documents share.

Part of the document format (:mod:`gridorg.schema`), kept apart so that each module stays about
one thing. Each document is ``{"format": ..., "version": 1, ...}``:

* ``gridorg.issues``: ``issues``, a list of issue records as :meth:`Issue.to_record
  <gridorg.Issue.to_record>` writes them, ids distinct;
* ``gridorg.case_log``: a case log: ``events`` as equal-length columns (``case``, ``time``,
  ``state`` and the optional ``actor``, ``note`` and ``due``) in append order, and ``cases``,
  the registered cases as columns ``id``, ``category`` and ``origin``.

Times are ISO 8601 strings with an offset (``2024-05-06T09:30:00+08:00``); a time without an
offset is ambiguous and is refused with the problem code ``naive_time``. Problems of shape
raise :class:`~gridorg.SchemaError`, each at the JSON path of the value at fault; events that
break the case lifecycle raise the case log's own errors, naming each event by its JSON path.
The :class:`Reader` here turns pydantic's errors into problems for every routing document.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, TypeVar

import pydantic
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from gridorg._fields import id_problem
from gridorg._problems import MAX_PROBLEMS
from gridorg._schema_errors import json_path, show
from gridorg._schema_merge_checks import VERSION, check_version
from gridorg.errors import Problem, RecordError, SchemaError
from gridorg.issue import Channel, Issue

if TYPE_CHECKING:
    from gridorg.lifecycle import CaseLog

ISSUES: Final = "gridorg.issues"

STRICT: Final = ConfigDict(extra="forbid", frozen=True, strict=True)
EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ONE_US: Final = dt.timedelta(microseconds=1)

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
_Level = Annotated[int, Field(ge=1, le=4)]
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


# ---------------------------------------------------------------------- models


class IssueRecord(BaseModel):
    """One resident's matter, as reported; only id, category, origin and reported are required."""

    model_config = ConfigDict(**STRICT, title="Issue")

    id: Id = Field(description="The issue's id, distinct in the document.")
    category: Id = Field(description="A category code of the catalogue, e.g. neighbour_disputes.")
    origin: Id = Field(description="The id of the grid or household-head unit where it arose.")
    reported: Time = Field(description="When it was reported: ISO 8601 with an offset.")
    channel: ChannelName = Field(
        default=Channel.GRIDDER_APP.value,
        description="How it reached the organisation: "
        + ", ".join(f"{c.value} ({c.label})" for c in Channel)
        + ".",
    )
    importance: _Level = Field(default=2, description="1 (low) to 4 (critical).")
    urgency: _Level = Field(default=2, description="1 (low) to 4 (critical).")
    households: Annotated[int, Field(ge=1)] = Field(
        default=1, description="How many households it touches: at least one."
    )
    tags: Annotated[list[Id], distinct("duplicate_tag", "tag")] = Field(
        default_factory=list,
        description="Free codes rules can match on, each once.",
        json_schema_extra={"uniqueItems": True},
    )
    text: str = Field(default="", description="What was reported, in words.")


class IssuesDocument(BaseModel):
    """A list of gridorg issues, their ids distinct."""

    model_config = ConfigDict(**STRICT, title="IssuesDocument")

    format: Literal["gridorg.issues"] = Field(description="Always gridorg.issues.")
    version: Literal[1] = Field(description="The document format version.")
    issues: list[IssueRecord] = Field(description="The issues, ids distinct.")


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
        if len(errors) > MAX_PROBLEMS:
            text = f"{len(errors) - MAX_PROBLEMS} further problems were found and not listed"
            problems.append(Problem("more_problems", text))
        return problems

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
            text = f"unknown field {key!r}"
            close = difflib.get_close_matches(key, allowed, n=1)
            if close:
                text += f" (did you mean {close[0]!r}?)"
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
            return (
                "expected an id: a non-empty string without whitespace at either end, "
                f"got {show(value)}"
            )
        if kind in _BOUNDS:
            key, words = _BOUNDS[kind]
            bound = ctx.get(key)
            noun = "an integer" if isinstance(bound, int) and type(value) is int else "a number"
            return f"expected {noun} {words} {bound}, got {show(value)}"
        if kind == "finite_number":
            return f"expected a finite number, got {show(value)}"
        if kind == "literal_error":
            return f"expected {ctx.get('expected')}, got {show(value)}"
        if kind == "too_short":
            return f"expected at least {ctx.get('min_length')} items, got {show(value)}"
        if kind == "too_long":
            return f"expected at most {ctx.get('max_length')} items, got {show(value)}"
        if kind in _TYPE_WORDS:
            return f"expected {_TYPE_WORDS[kind]}, got {show(value)}"
        message = str(error["msg"]).removeprefix("Input should be ")
        return f"expected {message}, got {show(value)}"


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


# ---------------------------------------------------------------------- issues


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


_ISSUE_READER: Final = Reader(
    {"": fields_of(IssuesDocument), "issues": fields_of(IssueRecord)},
    {
        "id": "invalid_id",
        "category": "invalid_category",
        "origin": "invalid_origin",
        "importance": "invalid_level",
        "urgency": "invalid_level",
        "households": "invalid_households",
        "tags": "invalid_tags",
        "text": "invalid_text",
        "channel": "invalid_channel",
        "reported": "invalid_time",
        "issues": "invalid_issues",
    },
    {"channel": "unknown_channel"},
    who=record_who("issues", "id", "issue"),
)


def dump_issues(issues: Sequence[Issue]) -> dict[str, Any]:
    """``issues`` as a ``gridorg.issues`` document."""
    return {
        "format": ISSUES,
        "version": VERSION,
        "issues": [issue.to_record() for issue in issues],
    }


def load_issues(document: Mapping[str, Any]) -> tuple[Issue, ...]:
    """The issues of a ``gridorg.issues`` document, in order."""
    subject = "issues document"
    model: IssuesDocument = validate(IssuesDocument, document, _ISSUE_READER, subject)
    ids = [record.id for record in model.issues]
    problems = repeated(ids, lambda k: ("issues", k, "id"), "issue", "duplicate_issue")
    if problems:
        raise SchemaError(problems, subject=subject)
    return tuple(built(issue_of, model.issues, "issues", subject))


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


def issue_of(record: IssueRecord) -> Issue:
    """The issue a validated record describes."""
    return Issue(
        record.id,
        record.category,
        record.origin,
        parse_time(record.reported),
        channel=Channel(record.channel),
        importance=record.importance,
        urgency=record.urgency,
        households=record.households,
        tags=frozenset(record.tags),
        text=record.text,
    )


# ---------------------------------------------------------------------- case logs

CASE_LOG: Final = "gridorg.case_log"

StateName = Literal[
    "collected", "filed", "dispatched", "handling", "replied", "verified", "closed",
    "escalated", "reopened", "extended", "cancelled", "duplicate", "rejected",
]  # fmt: skip


class EventColumns(BaseModel):
    """Every event as one entry of equal-length arrays, in append order."""

    model_config = ConfigDict(**STRICT, title="EventColumns")

    case: list[Id] = Field(description="The case each event is of.")
    time: list[Time] = Field(
        description="When each event happened: ISO 8601 with an offset; a case's events are "
        "in time order."
    )
    state: list[StateName] = Field(description="The state each event enters the case in.")
    actor: list[str] = Field(
        default_factory=list, description="Who acted; absent means nobody is named."
    )
    note: list[str] = Field(default_factory=list, description="Remarks; absent means none.")
    due: list[Time | None] = Field(
        default_factory=list,
        description="The resolution deadline an event sets, or null; only collected, filed, "
        "dispatched, escalated and extended events set one; absent means none.",
    )


class CaseColumns(BaseModel):
    """What registered cases are about and where they arose, as equal-length arrays."""

    model_config = ConfigDict(**STRICT, title="CaseColumns")

    id: list[Id] = Field(description="Case ids, each a case of the events, each once.")
    category: list[Id] = Field(description="Each case's category code.")
    origin: list[Id] = Field(description="Each case's origin unit id.")


def _no_cases() -> CaseColumns:
    return CaseColumns(id=[], category=[], origin=[])


class CaseLogDocument(BaseModel):
    """A gridorg case log: its events as columns, and what the registered cases are about."""

    model_config = ConfigDict(**STRICT, title="CaseLogDocument")

    format: Literal["gridorg.case_log"] = Field(description="Always gridorg.case_log.")
    version: Literal[1] = Field(description="The document format version.")
    events: EventColumns = Field(description="The events, in append order, as columns.")
    cases: CaseColumns = Field(
        default_factory=_no_cases,
        description="The registered cases' category and origin; absent means none.",
    )


def _event_who(parts: Path, document: Mapping[str, Any]) -> str | None:
    if len(parts) != 3 or parts[0] not in ("events", "cases") or not isinstance(parts[2], int):
        return None
    member = document.get(parts[0])
    ids = (
        member.get("case" if parts[0] == "events" else "id") if isinstance(member, dict) else None
    )
    if parts[1] in ("case", "id") or not isinstance(ids, list) or parts[2] >= len(ids):
        return None
    uid = ids[parts[2]]
    return f"case {uid!r}" if isinstance(uid, str) and uid else None


_LOG_READER: Final = Reader(
    {
        "": fields_of(CaseLogDocument),
        "events": fields_of(EventColumns),
        "cases": fields_of(CaseColumns),
    },
    {
        "case": "invalid_id",
        "id": "invalid_id",
        "time": "invalid_time",
        "due": "invalid_time",
        "state": "invalid_state",
        "actor": "invalid_actor",
        "note": "invalid_note",
        "category": "invalid_category",
        "origin": "invalid_origin",
        "events": "invalid_events",
        "cases": "invalid_cases",
    },
    {"state": "unknown_state"},
    who=_event_who,
)


def _iso(us: int) -> str:
    return (EPOCH + dt.timedelta(microseconds=us)).isoformat()


def dump_case_log(log: CaseLog) -> dict[str, Any]:
    """``log`` as a ``gridorg.case_log`` document (times in UTC)."""
    from gridorg.lifecycle import NO_TIME, STATES

    columns = log.to_columns()
    events: dict[str, Any] = {
        "case": columns["case"].tolist(),
        "time": [_iso(us) for us in columns["time"].tolist()],
        "state": [STATES[code].value for code in columns["state"].tolist()],
    }
    for name in ("actor", "note"):
        values = columns[name].tolist()
        if any(values):
            events[name] = values
    due = columns["due"].tolist()
    if any(us != NO_TIME for us in due):
        events["due"] = [None if us == NO_TIME else _iso(us) for us in due]
    registered = [k for k, c in enumerate(columns["category"].tolist()) if c is not None]
    document: dict[str, Any] = {"format": CASE_LOG, "version": VERSION, "events": events}
    if registered:
        document["cases"] = {
            name: [columns[key][k] for k in registered]
            for name, key in (("id", "cases"), ("category", "category"), ("origin", "origin"))
        }
    return document


def load_case_log(document: Mapping[str, Any]) -> CaseLog:
    """The case log of a ``gridorg.case_log`` document.

    Shape problems raise :class:`~gridorg.SchemaError`. The events are then appended to a new
    log as one batch: a step outside the lifecycle table raises
    :class:`~gridorg.TransitionError`, and a time going backwards or a deadline on an event
    that cannot carry one :class:`~gridorg.CaseLogError`, the message naming each refused
    event by its JSON path (``$.events.state[17]``).
    """
    import numpy as np

    from gridorg.errors import CaseLogError
    from gridorg.lifecycle import NO_TIME, CaseLog

    subject = "case log document"
    extra = _length_problems(document)
    model: CaseLogDocument = validate(CaseLogDocument, document, _LOG_READER, subject, extra)
    events, cases = model.events, model.cases
    problems = repeated(cases.id, lambda k: ("cases", "id", k), "case", "duplicate_case")
    known = set(events.case)
    for k, case in enumerate(cases.id):
        if case not in known:
            path = f"$.cases.id[{k}]"
            text = f"case {case!r} ({path}): has no event in $.events.case"
            problems.append(Problem("unknown_case", text, case, k, "id", path))
    if problems:
        raise SchemaError(problems, subject=subject)
    count = len(events.case)
    columns: dict[str, Any] = {
        "case": events.case,
        "time": np.array([_us(t) for t in events.time], dtype=np.int64),
        "state": events.state,
        "actor": events.actor or "",
        "note": events.note or "",
    }
    if events.due:
        columns["due"] = np.array(
            [NO_TIME if t is None else _us(t) for t in events.due], dtype=np.int64
        )
    try:
        log = CaseLog.from_columns(columns) if count else CaseLog()
    except CaseLogError as err:
        raise _placed(err, events, subject) from None
    for k, (case, category, origin) in enumerate(
        zip(cases.id, cases.category, cases.origin, strict=True)
    ):
        try:
            log.register(case, category=category, origin=origin)
        except CaseLogError as err:  # a category or origin the models let through
            field = "category" if id_problem("category", category) else "origin"
            msg = f"{subject}: $.cases.{field}[{k}]: {err}"
            raise CaseLogError(msg) from None
    return log


def _us(text: str) -> int:
    return (parse_time(text) - EPOCH) // _ONE_US


def _length_problems(document: Mapping[str, Any]) -> list[Problem]:
    """Columns whose length differs from that of the first column of their member."""
    problems: list[Problem] = []
    for member, key, names in (
        ("events", "case", ("time", "state", "actor", "note", "due")),
        ("cases", "id", ("category", "origin")),
    ):
        columns = document.get(member)
        if not isinstance(columns, Mapping) or not isinstance(columns.get(key), list):
            continue
        count = len(columns[key])
        for name in names:
            column = columns.get(name)
            if isinstance(column, list) and len(column) != count:
                path = f"$.{member}.{name}"
                text = (
                    f"{path}: has {len(column)} values, expected {count} "
                    f"(one per id in $.{member}.{key})"
                )
                problems.append(Problem("column_length", text, field=name, path=path))
    return problems


def _placed(err: Exception, events: EventColumns, subject: str) -> Exception:
    """The log's refusal of the events, naming each refused event by its JSON path."""
    from gridorg.errors import CaseLogError, TransitionError
    from gridorg.lifecycle import DUE_STATES, STATES, TRANSITIONS, CaseState

    lines: list[tuple[bool, str]] = []
    last: dict[str, tuple[CaseState, int, str]] = {}
    for i, (case, time, name) in enumerate(
        zip(events.case, events.time, events.state, strict=True)
    ):
        state = CaseState(name)
        before = last.get(case)
        us = _us(time)
        if state not in TRANSITIONS[None if before is None else before[0]]:
            if before is None:
                text = f"case {case!r} is new: its first event must be collected, got {name}"
            else:
                after = sorted(s.value for s in TRANSITIONS[before[0]]) or ["none (it is final)"]
                text = (
                    f"case {case!r}: {before[0].value} → {name} is not an allowed transition; "
                    f"after {before[0].value} it may go to {', '.join(after)}"
                )
            lines.append((True, f"$.events.state[{i}]: {text}"))
        elif before is not None and us < before[1]:
            text = (
                f"case {case!r}: {name} at {time} goes back in time; its previous event is at "
                f"{before[2]}"
            )
            lines.append((False, f"$.events.time[{i}]: {text}"))
        if events.due and events.due[i] is not None and state not in DUE_STATES:
            carriers = ", ".join(s.value for s in STATES if s in DUE_STATES)
            text = (
                f"case {case!r}: a {name} event cannot carry a due time; only {carriers} "
                "events set one"
            )
            lines.append((False, f"$.events.due[{i}]: {text}"))
        last[case] = (state, us, time)
    for i, case in enumerate(events.case):  # ids the models let through and the log refuses
        problem = id_problem("case", case)
        if problem:
            lines.append((False, f"$.events.case[{i}]: {problem}"))
    if not lines:  # the log refused for a reason the document cannot place
        lines.append((isinstance(err, TransitionError), f"$.events: {err}"))
    shown = lines[:MAX_PROBLEMS]
    cls = TransitionError if shown[0][0] else CaseLogError
    if len(lines) == 1:
        return cls(f"{subject}: {shown[0][1]}")
    body = "\n".join(f"  - {text}" for _, text in shown)
    more = f"\n  ... and {len(lines) - len(shown)} more" if len(lines) > len(shown) else ""
    return cls(f"{len(lines)} events refused in {subject}:\n{body}{more}")
