"""The documents of routing rule tables and of category catalogues.

Part of the document format (:mod:`gridorg.schema`), kept apart so that each module stays about
one thing. Each document is ``{"format": ..., "version": 1, ...}``:

* ``gridorg.categories``: ``categories``, the category records of a
  :class:`~gridorg.CategoryCatalogue` in order, codes distinct;
* ``gridorg.rules``: ``rules``, the rows of a :class:`~gridorg.routing.RuleTable` in order,
  each with conditions and an action told apart by ``kind``.

Problems of shape raise :class:`~gridorg.SchemaError`, a table in the wrong order
:class:`~gridorg.RuleError`, each at the JSON path of the value at fault.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from gridorg._schema_links import CategoryRecord
from gridorg._schema_paths import (
    STRICT,
    VERSION,
    ChannelName,
    Id,
    Reader,
    distinct,
    distinct_records,
    fields_of,
    record_who,
    validate,
)
from gridorg._schema_triage import ColourName, Seconds
from gridorg.categories import Category, CategoryCatalogue
from gridorg.errors import Problem, RuleError

if TYPE_CHECKING:
    from gridorg._rules import Action, RuleTable

CATEGORIES: Final = "gridorg.categories"
RULES: Final = "gridorg.rules"
#: Where a catalogue's categories are, what keys them and what messages call one.
_PLACE: Final = ("categories", "code", "category")

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
    who=record_who(*_PLACE),
)


def dump_categories(catalogue: CategoryCatalogue) -> dict[str, Any]:
    """``catalogue`` as a ``gridorg.categories`` document."""
    return {"format": CATEGORIES, "version": VERSION, "categories": catalogue.to_records()}


def load_categories(document: Mapping[str, Any]) -> CategoryCatalogue:
    """The catalogue of a ``gridorg.categories`` document."""
    subject = "categories document"
    model, reader = CategoriesDocument, _CATEGORY_READER
    return CategoryCatalogue(distinct_records(model, document, reader, subject, _PLACE, _category))


def _category(r: CategoryRecord) -> Category:
    return Category(r.code, r.name, label=r.label, tier=r.tier, department=r.department)


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
