"""The documents of routing: category catalogues, colour triage schemes and rule tables.

Part of the document format (:mod:`gridorg.schema`), kept apart so that each module stays about
one thing. Each document is ``{"format": ..., "version": 1, ...}``:

* ``gridorg.categories``: ``categories``, the category records of a
  :class:`~gridorg.CategoryCatalogue` in order, codes distinct.

Problems of shape raise :class:`~gridorg.SchemaError`, each at the JSON path of the value at
fault.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from gridorg._schema_cases import (
    CASE_LOG,
    ISSUES,
    STRICT,
    CaseLogDocument,
    ChannelName,
    Id,
    IssuesDocument,
    Reader,
    built,
    distinct,
    dump_case_log,
    dump_issues,
    fields_of,
    load_case_log,
    load_issues,
    record_who,
    repeated,
    validate,
)
from gridorg._schema_errors import json_path
from gridorg._schema_links import CategoryRecord
from gridorg._schema_merge_checks import VERSION
from gridorg.categories import Category, CategoryCatalogue
from gridorg.errors import ArgumentTypeError, Problem, RecordError, RuleError, SchemaError
from gridorg.issue import Issue

if TYPE_CHECKING:
    from gridorg._rules import Action, RuleTable
    from gridorg.triage import FiveTierTriage, MatrixTriage

CATEGORIES: Final = "gridorg.categories"
RULES: Final = "gridorg.rules"
TRIAGE: Final = "gridorg.triage"
#: The longest duration a document may give: a hundred years, in seconds.
MAX_SECONDS: Final = 100 * 366 * 86_400

# ---------------------------------------------------------------------- categories


class CategoriesDocument(BaseModel):
    """An issue-category catalogue: the categories in order, codes distinct."""

    model_config = ConfigDict(**STRICT, title="CategoriesDocument")

    format: Literal["gridorg.categories"] = Field(description="Always gridorg.categories.")
    version: Literal[1] = Field(description="The document format version.")
    categories: list[CategoryRecord] = Field(description="The categories, codes distinct.")


_CATEGORY_READER: Final = Reader(
    {"": fields_of(CategoriesDocument), "categories": fields_of(CategoryRecord)},
    {
        "code": "invalid_id",
        "name": "invalid_name",
        "label": "invalid_label",
        "tier": "invalid_tier",
        "department": "invalid_department",
        "categories": "invalid_categories",
    },
    {},
    who=record_who("categories", "code", "category"),
)


def dump_categories(catalogue: CategoryCatalogue) -> dict[str, Any]:
    """``catalogue`` as a ``gridorg.categories`` document."""
    return {"format": CATEGORIES, "version": VERSION, "categories": catalogue.to_records()}


def load_categories(document: Mapping[str, Any]) -> CategoryCatalogue:
    """The catalogue of a ``gridorg.categories`` document."""
    subject = "categories document"
    model: CategoriesDocument = validate(CategoriesDocument, document, _CATEGORY_READER, subject)
    codes = [record.code for record in model.categories]
    place = lambda k: ("categories", k, "code")  # noqa: E731
    problems = repeated(codes, place, "category", "duplicate_category")
    if problems:
        raise SchemaError(problems, subject=subject)
    return CategoryCatalogue(built(_category, model.categories, "categories", subject))


def _category(r: CategoryRecord) -> Category:
    return Category(r.code, r.name, label=r.label, tier=r.tier, department=r.department)


# ---------------------------------------------------------------------- triage

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


# ---------------------------------------------------------------------- rules

_ONE: Final = Field(min_length=1, json_schema_extra={"uniqueItems": True})
_Categories = Annotated[list[Id], distinct("duplicate_category", "category"), _ONE]
_Colours = Annotated[list[ColourName], distinct("duplicate_colour", "colour"), _ONE]
_Tiers = Annotated[list[Id], distinct("duplicate_tier", "tier"), _ONE]
_Tags = Annotated[list[Id], distinct("duplicate_tag", "tag"), _ONE]
_Channels = Annotated[list[ChannelName], distinct("duplicate_channel", "channel"), _ONE]
_Units = Annotated[list[Id], distinct("duplicate_unit", "unit"), _ONE]


class HandleAtRecord(BaseModel):
    """Handle the matter at one tier (the origin's unit of that tier)."""

    model_config = ConfigDict(**STRICT, title="HandleAt")

    kind: Literal["handle_at"] = Field(description="Always handle_at.")
    tier: Id | None = Field(
        default=None,
        description="A tier of the organisation's scheme; null for the tier the colour "
        "implies, else the category's default tier.",
    )


class AssignDepartmentRecord(BaseModel):
    """Assign the matter to the departments answering for its category."""

    model_config = ConfigDict(**STRICT, title="AssignDepartment")

    kind: Literal["assign_department"] = Field(description="Always assign_department.")


class JointOfficeRecord(BaseModel):
    """An on-site joint office (现场办公) at the origin's community."""

    model_config = ConfigDict(**STRICT, title="JointOffice")

    kind: Literal["joint_office"] = Field(description="Always joint_office.")
    departments: Annotated[list[Id], distinct("duplicate_department", "department")] = Field(
        default_factory=list,
        description="Department ids, each once; empty for the responsible departments.",
        json_schema_extra={"uniqueItems": True},
    )
    property_company: bool = Field(
        default=True, description="Whether the community's property company joins."
    )


class MediationRecord(BaseModel):
    """The mediation path: the grid with the community's mediators and evaluators."""

    model_config = ConfigDict(**STRICT, title="Mediation")

    kind: Literal["mediation"] = Field(description="Always mediation.")


class WhistleRecord(BaseModel):
    """The street blows the whistle (吹哨); the departments report in (报到) in time."""

    model_config = ConfigDict(**STRICT, title="Whistle")

    kind: Literal["whistle"] = Field(description="Always whistle.")
    report_in: Seconds = Field(
        default=1800, description="Seconds the departments have to report in: positive."
    )


ActionItem = Annotated[
    HandleAtRecord | AssignDepartmentRecord | JointOfficeRecord | MediationRecord | WhistleRecord,
    Field(discriminator="kind"),
]
ACTION_MODELS: Final[tuple[type[BaseModel], ...]] = (
    HandleAtRecord,
    AssignDepartmentRecord,
    JointOfficeRecord,
    MediationRecord,
    WhistleRecord,
)
ACTION_KINDS: Final = (
    "handle_at", "assign_department", "joint_office", "mediation", "whistle"
)  # fmt: skip


class RuleRecord(BaseModel):
    """One row of a rule table: conditions (null or absent for any) and an action."""

    model_config = ConfigDict(**STRICT, title="Rule")

    name: Id = Field(description="The rule's name, distinct in the table.")
    action: ActionItem = Field(description="What to do, told apart by kind.")
    categories: _Categories | None = Field(
        default=None, description="Category codes; the issue's is one of them."
    )
    colours: _Colours | None = Field(
        default=None, description="Triage colours; the issue's is one of them."
    )
    tiers: _Tiers | None = Field(
        default=None, description="Tier names; the origin unit's tier is one of them."
    )
    tags: _Tags | None = Field(
        default=None, description="Tags; the issue carries every one of them."
    )
    channels: _Channels | None = Field(
        default=None, description="Channels; the issue came through one of them."
    )
    under: _Units | None = Field(
        default=None, description="Unit ids; the origin lies in the subtree of one of them."
    )


class RulesDocument(BaseModel):
    """An ordered routing rule table: the first matching rule decides; the last is a default."""

    model_config = ConfigDict(**STRICT, title="RulesDocument")

    format: Literal["gridorg.rules"] = Field(description="Always gridorg.rules.")
    version: Literal[1] = Field(description="The document format version.")
    rules: list[RuleRecord] = Field(
        description="The rules in order; the last, and only the last, has no conditions."
    )


_RULE_READER: Final = Reader(
    {
        "": fields_of(RulesDocument),
        "rules": fields_of(RuleRecord),
        **{f"action:{k}": fields_of(m) for k, m in zip(ACTION_KINDS, ACTION_MODELS, strict=True)},
    },
    {
        "name": "invalid_name",
        "tier": "invalid_tier",
        "departments": "invalid_departments",
        "property_company": "invalid_flag",
        "report_in": "invalid_duration",
        "categories": "invalid_categories",
        "colours": "invalid_colours",
        "tiers": "invalid_tiers",
        "tags": "invalid_tags",
        "channels": "invalid_channels",
        "under": "invalid_under",
        "action": "invalid_action",
        "rules": "invalid_rules",
        "action:tag": "unknown_action",
    },
    {"colours": "unknown_colour", "channels": "unknown_channel"},
    unions={"action": ("kind", ACTION_KINDS)},
    who=record_who("rules", "name", "rule"),
)


def dump_rules(table: RuleTable) -> dict[str, Any]:
    """``table`` as a ``gridorg.rules`` document."""
    return {"format": RULES, "version": VERSION, "rules": table.to_records()}


def load_rules(document: Mapping[str, Any]) -> RuleTable:
    """The rule table of a ``gridorg.rules`` document.

    Shape problems raise :class:`~gridorg.SchemaError`; a table whose order is wrong (no
    default rule last, rules after the default, names used twice) raises
    :class:`~gridorg.RuleError`, each problem at its JSON path.
    """
    from gridorg._rules import Rule, RuleTable

    subject = "rules document"
    model: RulesDocument = validate(RulesDocument, document, _RULE_READER, subject)
    rules: list[Rule] = []
    problems: list[Problem] = []
    for n, record in enumerate(model.rules):
        conditions = {f: getattr(record, f) for f in record.model_fields_set - _NOT_CONDITIONS}
        try:
            rules.append(Rule(record.name, _action(record.action), **conditions))
        except RuleError as err:  # what the models let through and the rule refuses
            problems += [_placed(p, f"rules[{n}]") for p in err.problems]
    if problems:
        raise RuleError(problems, subject=subject)
    try:
        return RuleTable(rules)
    except RuleError as err:
        raise RuleError([_placed(p) for p in err.problems], subject=subject) from None


_NOT_CONDITIONS: Final = frozenset({"name", "action"})
_ACTION_FIELDS: Final = frozenset(f for model in ACTION_MODELS for f in model.model_fields)


def _action(record: BaseModel) -> Action:
    from gridorg._rules import AssignDepartment, HandleAt, JointOffice, Mediation, Whistle

    if isinstance(record, HandleAtRecord):
        return HandleAt(record.tier)
    if isinstance(record, JointOfficeRecord):
        return JointOffice(tuple(record.departments), property_company=record.property_company)
    if isinstance(record, WhistleRecord):
        return Whistle(dt.timedelta(seconds=record.report_in))
    if isinstance(record, MediationRecord):
        return Mediation()
    return AssignDepartment()


def _placed(problem: Problem, rule: str = "") -> Problem:
    """A rule-table problem (at ``rules[3]``, or at ``tags`` of the rule ``rule``) placed at
    its JSON path (``$.rules[3].name``, ``$.rules[3].tags``)."""
    where = problem.path or "rules"
    if rule and where in _ACTION_FIELDS:
        where = f"action.{where}"
    path = "$." + (f"{rule}.{where}" if rule else where)
    if problem.field == "name" and not rule:
        path += ".name"
    text = problem.message.removeprefix(f"{problem.path}: ")
    return Problem(
        problem.code, f"{path}: {text}", problem.unit, problem.index, problem.field, path
    )


# ---------------------------------------------------------------------- dispatch

#: The document model of each format.
DOCUMENTS: Final[dict[str, type[BaseModel]]] = {
    CATEGORIES: CategoriesDocument,
    ISSUES: IssuesDocument,
    TRIAGE: TriageDocument,
    RULES: RulesDocument,
    CASE_LOG: CaseLogDocument,
}


def dump_document(value: object) -> dict[str, Any] | None:
    """``value``'s document when it is a value of one of :data:`DOCUMENTS`, else None."""
    if isinstance(value, CategoryCatalogue):
        return dump_categories(value)
    if isinstance(value, Sequence) and value and isinstance(value[0], Issue):
        for n, item in enumerate(value):
            if not isinstance(item, Issue):
                msg = (
                    f"dump_value() takes a sequence of Issue values; item {n} is a "
                    f"{type(item).__name__}"
                )
                raise ArgumentTypeError(msg)
        return dump_issues(value)
    from gridorg._rules import RuleTable
    from gridorg.lifecycle import CaseLog
    from gridorg.triage import FiveTierTriage, MatrixTriage

    if isinstance(value, MatrixTriage | FiveTierTriage):
        return dump_triage(value)
    if isinstance(value, RuleTable):
        return dump_rules(value)
    if isinstance(value, CaseLog):
        return dump_case_log(value)
    return None


def load_document(document: dict[str, Any], format: str) -> Any:
    """The value a document of ``format`` (one of :data:`DOCUMENTS`) describes."""
    loaders: dict[str, Any] = {
        CATEGORIES: load_categories,
        ISSUES: load_issues,
        TRIAGE: load_triage,
        RULES: load_rules,
        CASE_LOG: load_case_log,
    }
    return loaders[format](document)
