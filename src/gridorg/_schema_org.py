"""The organisation document: its pydantic models, and organisations written to and read from it.

Part of the document format (:mod:`gridorg.schema`), kept apart so that each module stays about
one thing. The models check a document's shape and give its JSON Schema; the helpers write an
organisation's scheme and units, and read validated units back into an organisation, placing
every problem at its JSON path. The cross-link members live in :mod:`gridorg._schema_links`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Final, Literal, NotRequired, Union

import pydantic
from pydantic import BaseModel, ConfigDict, Discriminator, Field, JsonValue, Tag, with_config
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from gridorg import _jsontext
from gridorg._build import Raw, build
from gridorg._convert import records_to_raw
from gridorg._fields import COUNT_FIELDS, FIELDS, MAX_COUNT, copy_json
from gridorg._problems import ProblemLog
from gridorg._schema_errors import json_path, translate
from gridorg._schema_links import (
    ALLOWED,
    CategoryRecord,
    LinkItem,
    PartnerItem,
    PersonRecord,
    SiteRecord,
    UnitLocations,
    attach,
    location_problems,
    no_locations,
)
from gridorg._schema_paths import STRICT
from gridorg.errors import GridorgError, Problem, SchemaError
from gridorg.hierarchy import Organisation
from gridorg.tiers import FORMS, LevelScheme, Tier

_SUBJECT = _jsontext.SUBJECT
#: How the structural checks name an input position ("first used by the unit at position 3").
_NOUN = "the unit at position"

# ---------------------------------------------------------------------- models

_FormName = Literal[
    "working_committee", "committee", "general_branch", "branch", "group", "central_household"
]
_FORM_NAMES: Final = ", ".join(form.value for form in FORMS)

_UnitId = Annotated[str, Field(min_length=1)]
_Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
_TierName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
_Attributes = dict[str, JsonValue]
_POSITION_PATTERN: Final = r"^(0|[1-9][0-9]*)$"
_POSITION = re.compile(r"0|[1-9][0-9]*")  # used with fullmatch


class TierSpec(BaseModel):
    """One tier of the level scheme, from the top tier down."""

    model_config = ConfigDict(**STRICT, title="Tier")

    name: _TierName = Field(
        description="Identifier used by the units' tier field: a lower-case identifier."
    )
    label: str = Field(default="", description="The name people read, e.g. 网格党小组.")
    forms: list[_FormName] = Field(
        default_factory=list,
        description="Party forms a unit of this tier may take; empty means any form.",
        json_schema_extra={"uniqueItems": True},
    )
    description: str = Field(default="", description="A sentence describing the tier.")

    @pydantic.field_validator("forms")
    @classmethod
    def _distinct_forms(cls, forms: list[str]) -> list[str]:
        first: dict[str, int] = {}
        for at, form in enumerate(forms):
            if form in first:
                msg = "party form '{form}' is listed twice (first at position {first})"
                code = "duplicate_form"
                raise PydanticCustomError(
                    code, msg, {"form": form, "first": first[form], "at": at}
                )
            first[form] = at
        return forms


class LevelSchemeSpec(BaseModel):
    """The ordered tiers of the organisation, top first."""

    model_config = ConfigDict(**STRICT, title="LevelScheme")

    tiers: list[TierSpec] = Field(
        min_length=1, max_length=100, description="The tiers, top first; names are distinct."
    )

    @pydantic.field_validator("tiers")
    @classmethod
    def _distinct_names(cls, tiers: list[TierSpec]) -> list[TierSpec]:
        first: dict[str, int] = {}
        for at, tier in enumerate(tiers):
            if tier.name in first:
                msg = "tier name '{name}' is used twice (first at position {first})"
                code = "duplicate_tier"
                raise PydanticCustomError(
                    code, msg, {"name": tier.name, "first": first[tier.name], "at": at}
                )
            first[tier.name] = at
        return tiers


@with_config(ConfigDict(extra="forbid", strict=True, title="UnitRecord"))
class UnitRecord(TypedDict):
    """One unit in the records layout; only id and tier are required."""

    id: Annotated[_UnitId, Field(description="The unit's id, unique in the document.")]
    tier: Annotated[str, Field(description="The name of a tier of the scheme.")]
    parent: NotRequired[
        Annotated[_UnitId | None, Field(description="The parent's id; null or absent for a root.")]
    ]
    name: NotRequired[Annotated[str, Field(description="The name people read.")]]
    form: NotRequired[
        Annotated[_FormName | None, Field(description="The party form, or null for none.")]
    ]
    households: NotRequired[Annotated[_Count, Field(description="Households of this unit.")]]
    party_members: NotRequired[Annotated[_Count, Field(description="Party members.")]]
    gridders: NotRequired[Annotated[_Count, Field(description="Gridders (网格员).")]]
    attributes: NotRequired[Annotated[_Attributes, Field(description="Free-form JSON data.")]]


class UnitColumns(BaseModel):
    """Every unit as one entry of equal-length arrays; only id and tier are required."""

    model_config = ConfigDict(**STRICT, title="UnitColumns")

    id: list[_UnitId] = Field(description="Unit ids, unique in the document.")
    tier: list[str] = Field(description="Tier names, one per unit.")
    name: list[str] = Field(default_factory=list, description="Names; absent means all empty.")
    form: list[_FormName | None] = Field(
        default_factory=list, description="Party forms or null; absent means none."
    )
    parent: list[_UnitId | None] = Field(
        default_factory=list, description="Parent ids, null for roots; absent means all roots."
    )
    households: list[_Count] = Field(default_factory=list, description="Absent means zeros.")
    party_members: list[_Count] = Field(default_factory=list, description="Absent means zeros.")
    gridders: list[_Count] = Field(default_factory=list, description="Absent means zeros.")
    attributes: dict[Annotated[str, Field(pattern=_POSITION_PATTERN)], _Attributes] = Field(
        default_factory=dict,
        description="Sparse attributes: unit position (in decimal) to that unit's attributes.",
        json_schema_extra={"additionalProperties": False},
    )


def _layout_of(units: object) -> str | None:
    if isinstance(units, list):
        return "records"
    if isinstance(units, dict):
        return "columns"
    return None


_Units = Annotated[
    Union[Annotated[UnitColumns, Tag("columns")], Annotated[list[UnitRecord], Tag("records")]],  # noqa: UP007
    Discriminator(
        _layout_of,
        custom_error_type="invalid_units",
        custom_error_message="units must be an object of columns or an array of records",
    ),
]


def scheme_data(scheme: LevelScheme) -> dict[str, Any]:
    """Return ``scheme`` as a document's ``scheme`` member: its tiers, top first."""
    return {
        "tiers": [
            {
                "name": t.name,
                "label": t.label,
                "forms": [f.value for f in t.forms],
                "description": t.description,
            }
            for t in scheme
        ]
    }


def _default_scheme_spec() -> LevelSchemeSpec:
    from gridorg.tiers import DEFAULT_SCHEME

    return LevelSchemeSpec.model_validate(scheme_data(DEFAULT_SCHEME))


class OrganisationDocument(BaseModel):
    """A gridorg organisation: its name, level scheme, units and cross-links."""

    model_config = ConfigDict(**STRICT, title="OrganisationDocument")

    format: Literal["gridorg.organisation"] = Field(description="Always gridorg.organisation.")
    version: Literal[1] = Field(description="The document format version.")
    name: str = Field(default="", description="The organisation's name.")
    scheme: LevelSchemeSpec = Field(
        default=_default_scheme_spec(),
        description="The level scheme; absent means street, community, grid, household.",
    )
    units: _Units = Field(description="The units: an object of columns or an array of records.")
    categories: list[CategoryRecord] = Field(
        default_factory=list,
        description="The issue-category catalogue, codes distinct; absent means the built-in "
        "catalogue.",
    )
    partners: list[PartnerItem] = Field(
        default_factory=list,
        description="Departments (职能部门), registered units, social forces and volunteer "
        "teams, told apart by kind.",
    )
    people: list[PersonRecord] = Field(
        default_factory=list, description="Named people and the roles they hold."
    )
    sites: list[SiteRecord] = Field(default_factory=list, description="Service sites (服务阵地).")
    locations: UnitLocations = Field(
        default_factory=no_locations, description="Unit locations; absent means none."
    )
    links: list[LinkItem] = Field(
        default_factory=list,
        description="Typed cross-links between units, partners, people and sites, told apart "
        "by kind.",
    )


# ---------------------------------------------------------------------- dump


def unit_columns(org: Organisation) -> dict[str, Any]:
    """Return the units of ``org`` in the columns layout: equal-length arrays."""
    p = org._parts
    ids = p.ids.tolist()
    with_root: list[str | None] = [*ids, None]  # parent -1 picks the trailing None
    forms: list[str | None] = [*(f.value for f in FORMS), None]  # form -1 likewise
    return {
        "id": ids,
        "name": p.names.tolist(),
        "tier": list(map(org.scheme.names.__getitem__, p.tier.tolist())),
        "form": list(map(forms.__getitem__, p.form.tolist())),
        "parent": list(map(with_root.__getitem__, p.parent.tolist())),
        **{field: getattr(p, field).tolist() for field in COUNT_FIELDS},
        "attributes": {str(k): copy_json(p.attributes[k]) for k in sorted(p.attributes)},
    }


def unit_records(org: Organisation) -> list[dict[str, Any]]:
    """Return the units of ``org`` in the records layout: one object per unit."""
    return org.to_records()


# ---------------------------------------------------------------------- load


def validate(document: Mapping[str, Any]) -> OrganisationDocument:
    """Check the shape of a document whose format and version are right, and return its model.

    Every shape problem is reported at once, as one :class:`~gridorg.SchemaError`.
    """
    problems = _column_problems(document.get("units")) + location_problems(
        document.get("locations")
    )
    try:
        model = OrganisationDocument.model_validate(document)
    except pydantic.ValidationError as err:
        problems = translate(err, document, _ALLOWED) + problems
    if problems:
        raise SchemaError(problems, subject=_SUBJECT)
    return model


def organisation(model: OrganisationDocument) -> Organisation:
    """Build the organisation a validated document describes, checking its structure and links."""
    scheme = _level_scheme(model.scheme)
    units = model.units
    if isinstance(units, UnitColumns):
        raw = _columns_raw(units)
        log = ProblemLog(_SUBJECT, _NOUN, path=_column_path)
    else:
        log = ProblemLog(_SUBJECT, _NOUN, path=_record_path)
        raw = records_to_raw(units, log)
    return attach(Organisation(build(raw, scheme, log), scheme, model.name), model, _SUBJECT)


def _column_problems(units: object) -> list[Problem]:
    """Columns whose length differs from ``id``'s, and attribute positions past the end."""
    if not isinstance(units, dict) or not isinstance(units.get("id"), list):
        return []
    count = len(units["id"])
    problems: list[Problem] = []
    for field in FIELDS[1:-1]:
        column = units.get(field)
        if isinstance(column, list) and len(column) != count:
            path = f"$.units.{field}"
            text = f"{path}: has {len(column)} values, expected {count} (one per id in $.units.id)"
            problems.append(Problem("column_length", text, field=field, path=path))
    attributes = units.get("attributes")
    if isinstance(attributes, dict):
        for key in attributes:
            if isinstance(key, str) and _POSITION.fullmatch(key) and int(key) >= count:
                path = json_path(("units", "attributes", key))
                text = f"{path}: no unit has position {key}; $.units.id has {count} ids"
                problems.append(Problem("attribute_position", text, field="attributes", path=path))
    return problems


def _level_scheme(spec: LevelSchemeSpec) -> LevelScheme:
    try:
        return LevelScheme(
            [Tier(t.name, t.label, tuple(t.forms), t.description) for t in spec.tiers]
        )
    except GridorgError as err:  # pragma: no cover - the models check what the tiers check
        text = f"$.scheme: {err}"
        raise SchemaError(
            [Problem("invalid_scheme", text, path="$.scheme")], subject=_SUBJECT
        ) from None


def _columns_raw(units: UnitColumns) -> Raw:
    given = units.model_fields_set
    count = len(units.id)

    def optional(field: str) -> list[Any] | None:
        return getattr(units, field) if field in given else None

    return Raw(
        ids=units.id,
        tiers=units.tier,
        parents=units.parent if "parent" in given else [None] * count,
        names=optional("name"),
        forms=optional("form"),
        households=optional("households"),
        party_members=optional("party_members"),
        gridders=optional("gridders"),
        attributes={int(k): v for k, v in units.attributes.items()},
    )


def _column_path(index: int, field: str | None) -> str:
    if field == "attributes":
        return f'$.units.attributes["{index}"]'
    return f"$.units.{field or 'id'}[{index}]"


def _record_path(index: int, field: str | None) -> str:
    return f"$.units[{index}].{field}" if field else f"$.units[{index}]"


_ALLOWED: Final[dict[str, tuple[str, ...]]] = {
    "document": tuple(OrganisationDocument.model_fields),
    "scheme": tuple(LevelSchemeSpec.model_fields),
    "tier": tuple(TierSpec.model_fields),
    "record": FIELDS,
    "columns": tuple(UnitColumns.model_fields),
    **ALLOWED,
}
