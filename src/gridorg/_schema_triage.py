"""The document of a colour triage scheme: ``gridorg.triage``.

Part of the document format (:mod:`gridorg.schema`), kept apart so that each module stays about
one thing. A document is ``{"format": "gridorg.triage", "version": 1, "triage": {...}}``, the
scheme told apart by ``scheme`` (``matrix`` or ``five_tier``), with each colour's deadlines
and the working-time calendars they count on. Problems of shape raise
:class:`~gridorg.SchemaError`, values that make no scheme :class:`~gridorg.RecordError`, each
at the JSON path of the value at fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from gridorg._schema_errors import json_path
from gridorg._schema_paths import STRICT, VERSION, Id, Reader, distinct, fields_of, validate
from gridorg.errors import Problem, RecordError

if TYPE_CHECKING:
    from gridorg.triage import FiveTierTriage, MatrixTriage

TRIAGE: Final = "gridorg.triage"
#: The longest duration a document may give: a hundred years, in seconds.
MAX_SECONDS: Final = 100 * 366 * 86_400

ColourName = Literal["blue", "green", "yellow", "orange", "red"]
_COLOUR_NAMES: Final = ("blue", "green", "yellow", "orange", "red")
#: A duration: a positive, finite number of seconds (a hundred years at most).
Seconds = Annotated[float, Field(gt=0, le=MAX_SECONDS, allow_inf_nan=False)]
_Clock = Annotated[
    str,
    Field(pattern=r"^(?:(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{6})?)?|24:00)$"),
]
_Date = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]


def _colour_key(value: str) -> str:
    if value not in _COLOUR_NAMES:
        code = "unknown_colour"
        msg = "unknown colour {value}; colours are blue, green, yellow, orange and red"
        raise PydanticCustomError(code, msg, {"value": repr(value)})
    return value


_ColourKey = Annotated[str, AfterValidator(_colour_key)]


class CalendarRecord(BaseModel):
    """A working-time calendar: weekdays, daily hours, holidays and make-up days, in a zone."""

    model_config = ConfigDict(**STRICT, title="WorkingCalendar")

    days: Annotated[
        list[Annotated[int, Field(ge=0, le=6)]], distinct("duplicate_day", "weekday")
    ] = Field(
        default=[0, 1, 2, 3, 4],
        min_length=1,
        description="Working weekdays, Monday 0 to Sunday 6, each once.",
        json_schema_extra={"uniqueItems": True},
    )
    hours: list[Annotated[list[_Clock], Field(min_length=2, max_length=2)]] = Field(
        default=[["09:00", "12:00"], ["13:30", "17:30"]],
        min_length=1,
        description="Working hours as ordered, non-overlapping [start, end] pairs of HH:MM "
        "(an end of 24:00 is midnight).",
    )
    holidays: Annotated[list[_Date], distinct("duplicate_date", "date")] = Field(
        default_factory=list,
        description="Dates (YYYY-MM-DD) not worked although their weekday is.",
        json_schema_extra={"uniqueItems": True},
    )
    workdays: Annotated[list[_Date], distinct("duplicate_date", "date")] = Field(
        default_factory=list,
        description="Make-up working days (调休, YYYY-MM-DD) worked although their weekday "
        "is not.",
        json_schema_extra={"uniqueItems": True},
    )
    tz: Annotated[str, Field(min_length=1)] = Field(
        default="Asia/Shanghai",
        description="The time zone: an IANA name such as Asia/Shanghai, UTC or +HH:MM.",
    )


def _present(value: object) -> object:
    if value is None:
        code = "invalid_calendar"
        raise PydanticCustomError(
            code, "expected a calendar object, got null; leave it out instead"
        )
    return value


def _not_null(schema: dict[str, Any]) -> None:
    """The JSON Schema of a member that may be absent but not null."""
    options = schema.pop("anyOf")
    schema.update(next(option for option in options if option.get("type") != "null"))
    schema.pop("default", None)


_NOT_NULL: Final = _not_null
#: A calendar that may be absent (None in the model) but not null in the document.
_Calendar = Annotated[CalendarRecord | None, BeforeValidator(_present)]


def _default_matrix() -> list[list[ColourName]]:
    from gridorg.triage import DEFAULT_MATRIX

    return [[c.value for c in row] for row in DEFAULT_MATRIX]


class DeadlinesRecord(BaseModel):
    """A response and a resolution time limit, in seconds of working time."""

    model_config = ConfigDict(**STRICT, title="Deadlines")

    response: Seconds = Field(description="Seconds until the matter must be taken up.")
    resolution: Seconds = Field(
        description="Seconds until it must be resolved: at least the response time."
    )
    calendar: _Calendar = Field(
        default=None,
        description="The calendar these limits count on; absent for the triage's calendar.",
        json_schema_extra=_NOT_NULL,
    )


_Deadlines = dict[_ColourKey, DeadlinesRecord]


_Row = Annotated[list[ColourName], Field(min_length=4, max_length=4)]


class MatrixTriageRecord(BaseModel):
    """Colour triage by an urgency (rows) × importance (columns) matrix."""

    model_config = ConfigDict(**STRICT, title="MatrixTriage")

    scheme: Literal["matrix"] = Field(description="Always matrix.")
    matrix: Annotated[list[_Row], Field(min_length=4, max_length=4)] = Field(
        default_factory=_default_matrix,
        description="4 rows (urgency 1 to 4) of 4 colours (importance 1 to 4); absent for "
        "the default matrix.",
    )
    deadlines: _Deadlines = Field(
        default_factory=dict,
        json_schema_extra={"propertyNames": {"enum": list(_COLOUR_NAMES)}},
        description="Colour to limits, for every colour the matrix uses; absent for the defaults.",
    )
    calendar: _Calendar = Field(
        default=None,
        description="The calendar limits count on; absent for round the clock.",
        json_schema_extra=_NOT_NULL,
    )


class FiveTierTriageRecord(BaseModel):
    """Jinan's five handling tiers (blue 随手办 … red 报请办)."""

    model_config = ConfigDict(**STRICT, title="FiveTierTriage")

    scheme: Literal["five_tier"] = Field(description="Always five_tier.")
    deadlines: _Deadlines = Field(
        default_factory=dict,
        json_schema_extra={"propertyNames": {"enum": list(_COLOUR_NAMES)}},
        description="Colour to limits, for all five colours; absent for the defaults.",
    )
    calendar: _Calendar = Field(
        default=None,
        description="The calendar limits count on; absent for round the clock.",
        json_schema_extra=_NOT_NULL,
    )
    escalate_households: Annotated[int, Field(ge=1)] = Field(
        default=30, description="Households from which a matter steps up one colour."
    )
    escalate_score: Annotated[int, Field(ge=2, le=9)] = Field(
        default=7, description="Urgency + importance from which a matter steps up one colour."
    )
    bases: dict[Id, ColourName] = Field(
        default_factory=dict,
        description="Tier name to the base colour of its categories' matters; absent for "
        "household blue, grid green, community yellow, street orange.",
        min_length=1,
    )


TriageItem = Annotated[MatrixTriageRecord | FiveTierTriageRecord, Field(discriminator="scheme")]
SCHEMES: Final = ("matrix", "five_tier")


class TriageDocument(BaseModel):
    """A gridorg colour triage scheme, told apart by its scheme."""

    model_config = ConfigDict(**STRICT, title="TriageDocument")

    format: Literal["gridorg.triage"] = Field(description="Always gridorg.triage.")
    version: Literal[1] = Field(description="The document format version.")
    triage: TriageItem = Field(description="The scheme: matrix or five_tier.")


_TRIAGE_READER: Final = Reader(
    {
        "": fields_of(TriageDocument),
        "triage:matrix": fields_of(MatrixTriageRecord),
        "triage:five_tier": fields_of(FiveTierTriageRecord),
        "deadlines": fields_of(DeadlinesRecord),
        "calendar": fields_of(CalendarRecord),
    },
    {
        "matrix": "invalid_matrix",
        "deadlines": "invalid_deadlines",
        "response": "invalid_duration",
        "resolution": "invalid_duration",
        "calendar": "invalid_calendar",
        "days": "invalid_days",
        "hours": "invalid_hours",
        "holidays": "invalid_date",
        "workdays": "invalid_date",
        "tz": "invalid_tz",
        "escalate_households": "invalid_households",
        "escalate_score": "invalid_score",
        "bases": "invalid_bases",
        "triage": "invalid_triage",
        "triage:tag": "unknown_scheme",
    },
    {"matrix": "unknown_colour", "bases": "unknown_colour"},
    unions={"triage": ("scheme", SCHEMES)},
    keyed=frozenset({"deadlines", "bases"}),
)


def dump_triage(triage: MatrixTriage | FiveTierTriage) -> dict[str, Any]:
    """``triage`` as a ``gridorg.triage`` document."""
    return {"format": TRIAGE, "version": VERSION, "triage": triage.to_record()}


def load_triage(document: Mapping[str, Any]) -> MatrixTriage | FiveTierTriage:
    """The triage scheme of a ``gridorg.triage`` document.

    Shape problems raise :class:`~gridorg.SchemaError`; values that do not make a scheme
    (working hours that overlap, a response longer than the resolution, a colour without
    deadlines, an unknown time zone) raise :class:`~gridorg.RecordError`, each problem at its
    JSON path.
    """
    from gridorg.triage import triage_from_record

    subject = "triage document"
    validate(TriageDocument, document, _TRIAGE_READER, subject)
    record: dict[str, Any] = document["triage"]
    try:
        return triage_from_record(record)
    except RecordError as err:
        problems = [_placed_field(problem, record) for problem in err.problems]
        raise RecordError(problems, subject=subject) from None


def _placed_field(problem: Problem, record: Mapping[str, Any]) -> Problem:
    """A problem of a triage record (at a path such as ``deadlines.red.response``) placed at
    its JSON path in the document: the deepest member of that path the record has."""
    steps = (problem.path or problem.field or "").split(".")
    parts: list[str | int] = ["triage"]
    node: Any = record
    for step in steps:
        if not isinstance(node, Mapping) or step not in node:
            break
        parts.append(step)
        node = node[step]
    path = json_path(tuple(parts))
    message = f"{path}: {problem.message}"
    return Problem(problem.code, message, None, None, problem.field, path)
