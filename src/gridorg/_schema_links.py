"""The cross-link members of organisation documents: categories, partners, people, sites,
unit locations and links.

Part of the document format (:mod:`gridorg.schema`), kept apart so that each module stays about
one thing. The models check each member's shape; whether the links make sense together (ends
that exist and are of the right kind, roles held, ids unique) is checked by the organisation
itself, through the same code as :meth:`Organisation.with_links
<gridorg.Organisation.with_links>`, with every problem placed at its JSON path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Final, Literal, Protocol

import attrs
import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue
from pydantic_core import PydanticCustomError

from gridorg._linkbuild import extend
from gridorg._schema_errors import json_path
from gridorg._schema_paths import STRICT, Id
from gridorg.categories import DEFAULT_CATEGORIES
from gridorg.errors import LinkError, Problem, RecordError
from gridorg.hierarchy import Organisation
from gridorg.links import CommitteeMembership, Registration, Sinking
from gridorg.locations import Location
from gridorg.partners import PartnerKind
from gridorg.people import Role
from gridorg.sites import SiteKind

#: The document members this module reads and writes, in the order a document lists them.
MEMBERS: Final = ("categories", "partners", "people", "sites", "locations", "links")

# ---------------------------------------------------------------------- field types

_UnitId = Annotated[str, Field(min_length=1)]
_Coordinate = Annotated[float, Field(allow_inf_nan=False)]
_Attributes = dict[str, JsonValue]
_Crs = Literal["wgs84", "planar"]
_OtherPartnerKind = Literal[
    "government_unit", "institution", "enterprise", "social_organisation", "property_company"
]
_SiteKindName = Literal["party_mass_centre", "red_station", "neighbourhood_centre", "other"]
_RoleName = Literal[
    "secretary",
    "deputy_secretary",
    "part_time_member",
    "grid_leader",
    "gridder",
    "household_head",
    "in_service_member",
    "new_employment_member",
    "evaluator",
    "mediator",
    "county_leader",
    "organisation_department_member",
    "street_committee_member",
    "volunteer",
]


def _calendar_date(value: str) -> str:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        code = "invalid_date"
        msg = "{value} has the form YYYY-MM-DD but is not a date in the calendar"
        raise PydanticCustomError(code, msg, {"value": repr(value)}) from None
    return value


_Date = Annotated[
    str,
    Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", json_schema_extra={"format": "date"}),
    AfterValidator(_calendar_date),
]


def _distinct(code: str, noun: str) -> AfterValidator:
    """A validator rejecting a list that names an item twice (``code`` is the error type)."""

    def check(items: list[str]) -> list[str]:
        first: dict[str, int] = {}
        for at, item in enumerate(items):
            if item in first:
                msg = f"{noun} '{{item}}' is listed twice (first at position {{first}})"
                where = {"item": item, "first": first[item], "at": at}
                raise PydanticCustomError(code, msg, where)
            first[item] = at
        return items

    return AfterValidator(check)


def _labelled(kinds: Iterable[Role | PartnerKind | SiteKind]) -> str:
    return ", ".join(f"{kind.value} ({kind.label})" for kind in kinds)


_OWN_CLASS: Final = (PartnerKind.DEPARTMENT, PartnerKind.VOLUNTEER_TEAM)


# ---------------------------------------------------------------------- records


class LocationRecord(BaseModel):
    """A point: longitude and latitude in WGS84 degrees, or metres on a local projection."""

    model_config = ConfigDict(**STRICT, title="Location")

    x: _Coordinate = Field(description="Longitude in degrees (wgs84) or metres east (planar).")
    y: _Coordinate = Field(description="Latitude in degrees (wgs84) or metres north (planar).")
    crs: _Crs = Field(
        default="wgs84",
        description="The coordinate system: wgs84 (GPS degrees) or planar (local metres); "
        "every location of a document uses the same one.",
    )


class CategoryRecord(BaseModel):
    """An issue category: what a resident's matter is about, and who handles it."""

    model_config = ConfigDict(**STRICT, title="Category")

    code: Id = Field(description="A stable code, e.g. civil_assistance; distinct in the list.")
    name: str = Field(default="", description="The English name.")
    label: str = Field(default="", description="The Chinese term, e.g. 民政救助.")
    tier: Id = Field(default="community", description="The tier that normally handles it.")
    department: str = Field(
        default="", description="The kind of department responsible, e.g. civil_affairs."
    )


class _PartnerFields(BaseModel):
    model_config = STRICT

    id: Id = Field(description="The id, distinct from every unit, partner, person and site.")
    name: str = Field(default="", description="The name people read.")
    kind: str = Field(description="What kind of body it is.")  # narrowed by each record
    location: LocationRecord | None = Field(
        default=None, description="Where it is; absent or null when not recorded."
    )
    attributes: _Attributes = Field(default_factory=dict, description="Free-form JSON data.")


class PartnerRecord(_PartnerFields):
    """A body outside the party organisation that links to it (not a department or team)."""

    model_config = ConfigDict(**STRICT, title="Partner")

    kind: _OtherPartnerKind = Field(
        description=f"One of {_labelled(k for k in PartnerKind if k not in _OWN_CLASS)}."
    )


class DepartmentRecord(_PartnerFields):
    """A government department (职能部门) that answers for some issue categories."""

    model_config = ConfigDict(**STRICT, title="Department")

    kind: Literal["department"] = Field(description="Always department (职能部门).")
    categories: Annotated[list[Id], _distinct("duplicate_category", "category")] = Field(
        default_factory=list,
        description="Codes of the issue categories it answers for, from the catalogue.",
        json_schema_extra={"uniqueItems": True},
    )
    function: str = Field(default="", description="Its field as the catalogue names it.")
    jurisdiction: Id | None = Field(
        default=None,
        description="The unit whose territory it serves; absent or null for the whole "
        "organisation.",
    )


class VolunteerTeamRecord(_PartnerFields):
    """A volunteer team (志愿队伍)."""

    model_config = ConfigDict(**STRICT, title="VolunteerTeam")

    kind: Literal["volunteer_team"] = Field(description="Always volunteer_team (志愿队伍).")
    members: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="How many members it has; absent or null when not known."
    )


class PersonRecord(BaseModel):
    """A named person and the roles they hold."""

    model_config = ConfigDict(**STRICT, title="Person")

    id: Id = Field(description="The id, distinct from every unit, partner, person and site.")
    name: str = Field(default="", description="The name people read.")
    roles: Annotated[list[_RoleName], _distinct("duplicate_role", "role")] = Field(
        default_factory=list,
        description=f"The roles held, each at most once: {_labelled(Role)}.",
        json_schema_extra={"uniqueItems": True},
    )
    party_member: bool | None = Field(
        default=None, description="Whether a party member (党员); absent or null when unknown."
    )
    attributes: _Attributes = Field(default_factory=dict, description="Free-form JSON data.")


class SiteRecord(BaseModel):
    """A service site (服务阵地), such as a party-mass service centre."""

    model_config = ConfigDict(**STRICT, title="ServiceSite")

    id: Id = Field(description="The id, distinct from every unit, partner, person and site.")
    name: str = Field(default="", description="The name people read.")
    kind: _SiteKindName = Field(
        default="party_mass_centre", description=f"One of {_labelled(SiteKind)}."
    )
    host: Id | None = Field(
        default=None, description="The id of the unit that hosts it; absent or null for none."
    )
    location: LocationRecord | None = Field(
        default=None, description="Where it is; absent or null when not recorded."
    )
    attributes: _Attributes = Field(default_factory=dict, description="Free-form JSON data.")


class UnitLocations(BaseModel):
    """Where units are: equal-length arrays of unit ids and their coordinates."""

    model_config = ConfigDict(**STRICT, title="UnitLocations")

    crs: _Crs = Field(
        default="wgs84",
        description="The coordinate system of x and y: wgs84 (x longitude, y latitude, in "
        "degrees) or planar (metres).",
    )
    id: list[_UnitId] = Field(description="Unit ids, each at most once.")
    x: list[_Coordinate] = Field(description="One x (longitude or metres east) per id.")
    y: list[_Coordinate] = Field(description="One y (latitude or metres north) per id.")


# ---------------------------------------------------------------------- links


class _LinkFields(BaseModel):
    model_config = STRICT


class CommitteeMembershipRecord(_LinkFields):
    """A part-time member (兼职委员) of a street's or community's extended committee (大工委)."""

    model_config = ConfigDict(**STRICT, title="CommitteeMembership")

    kind: Literal["committee_membership"] = Field(description="committee_membership (兼职委员).")
    member: Id = Field(description="The department or person holding the seat.")
    committee: Id = Field(description="The street or community unit whose committee it is.")
    position: str = Field(
        default=str(attrs.fields(CommitteeMembership).position.default),
        description="The position held.",
    )


class RegistrationRecord(_LinkFields):
    """Dual reporting (双报到): a partner or in-service party member registers at a community."""

    model_config = ConfigDict(**STRICT, title="Registration")

    kind: Literal["registration"] = Field(description="registration (双报到).")
    registrant: Id = Field(description="The partner or person registering.")
    community: Id = Field(description="The community unit registered at.")
    date: _Date | None = Field(
        default=None,
        description="The day of registration as YYYY-MM-DD; absent or null when not known.",
    )
    service_team: str | None = Field(
        default=attrs.fields(Registration).service_team.default,
        description="The service team joined; absent or null for none.",
    )


class ContactPointRecord(_LinkFields):
    """A leader's contact point (联系点): a community or a key grid."""

    model_config = ConfigDict(**STRICT, title="ContactPoint")

    kind: Literal["contact_point"] = Field(description="contact_point (联系点).")
    leader: Id = Field(description="The person, a county-level or street leader.")
    unit: Id = Field(description="The community or grid unit.")


class SinkingRecord(_LinkFields):
    """A party member sunk into a grid (下沉), with a duty there."""

    model_config = ConfigDict(**STRICT, title="Sinking")

    kind: Literal["sinking"] = Field(description="sinking (下沉).")
    member: Id = Field(description="The person, an in-service or new-employment party member.")
    grid: Id = Field(description="The grid unit.")
    duty: str = Field(
        default=str(attrs.fields(Sinking).duty.default),
        description="The duty taken, e.g. grid sentiment liaison (网格民情联络员).",
    )


class JoiningRecord(_LinkFields):
    """A social force joining a service site (共建)."""

    model_config = ConfigDict(**STRICT, title="Joining")

    kind: Literal["joining"] = Field(description="joining (共建).")
    partner: Id = Field(description="The partner joining; any kind but a department.")
    site: Id = Field(description="The service site joined.")


class ServingRecord(_LinkFields):
    """A service site (服务阵地) serving a community or a grid."""

    model_config = ConfigDict(**STRICT, title="Serving")

    kind: Literal["serving"] = Field(description="serving (服务阵地).")
    site: Id = Field(description="The service site.")
    unit: Id = Field(description="The community or grid unit served.")


class AssignmentRecord(_LinkFields):
    """A person holding a role at a unit (任职)."""

    model_config = ConfigDict(**STRICT, title="Assignment")

    kind: Literal["assignment"] = Field(description="assignment (任职).")
    person: Id = Field(description="The person.")
    unit: Id = Field(description="The unit.")
    role: _RoleName = Field(description="The role held there; one of the person's roles.")


PartnerItem = Annotated[
    DepartmentRecord | VolunteerTeamRecord | PartnerRecord, Field(discriminator="kind")
]
LinkItem = Annotated[
    CommitteeMembershipRecord
    | RegistrationRecord
    | ContactPointRecord
    | SinkingRecord
    | JoiningRecord
    | ServingRecord
    | AssignmentRecord,
    Field(discriminator="kind"),
]

_LINK_MODELS: Final[tuple[type[BaseModel], ...]] = (
    CommitteeMembershipRecord,
    RegistrationRecord,
    ContactPointRecord,
    SinkingRecord,
    JoiningRecord,
    ServingRecord,
    AssignmentRecord,
)


def _kinds_of(model: type[BaseModel]) -> tuple[str, ...]:
    annotation = model.model_fields["kind"].annotation
    return tuple(getattr(annotation, "__args__", ()))


def _allowed() -> dict[str, tuple[str, ...]]:
    """The fields of each kind of object, for suggestions in messages about unknown fields."""
    allowed: dict[str, tuple[str, ...]] = {
        "categories": tuple(CategoryRecord.model_fields),
        "people": tuple(PersonRecord.model_fields),
        "sites": tuple(SiteRecord.model_fields),
        "locations": tuple(UnitLocations.model_fields),
        "location": tuple(LocationRecord.model_fields),
    }
    groups: tuple[tuple[str, tuple[type[BaseModel], ...]], ...] = (
        ("partners", (DepartmentRecord, VolunteerTeamRecord, PartnerRecord)),
        ("links", _LINK_MODELS),
    )
    for section, models in groups:
        for model in models:
            fields = tuple(model.model_fields)
            allowed.update((f"{section}:{kind}", fields) for kind in _kinds_of(model))
    return allowed


#: Field names by kind of object (``"people"``, ``"links:registration"``, ``"location"``, ...).
ALLOWED: Final = _allowed()


# ---------------------------------------------------------------------- dump


def dump_members(org: Organisation) -> dict[str, Any]:
    """The cross-link members of ``org``'s document; empty when it has no cross-links."""
    if org.links.is_empty:
        return {}
    links = org.links
    members: dict[str, Any] = {}
    if links.categories != DEFAULT_CATEGORIES:
        members["categories"] = links.categories.to_records()
    for name, items in (
        ("partners", links.partners),
        ("people", links.people),
        ("sites", links.sites),
    ):
        if items:
            members[name] = [item.to_record() for item in items.values()]
    xy = links.unit_xy(np.arange(len(org)))
    located = np.flatnonzero(~np.isnan(xy[:, 0]))
    if len(located):
        members["locations"] = {
            "crs": links.crs,
            "id": org._parts.ids.take(located),
            "x": xy[located, 0].tolist(),
            "y": xy[located, 1].tolist(),
        }
    if len(links):
        members["links"] = links.to_records()
    return members


# ---------------------------------------------------------------------- load


def location_problems(locations: object) -> list[Problem]:
    """Coordinate arrays whose length differs from ``id``'s, and units located twice."""
    if not isinstance(locations, dict) or not isinstance(locations.get("id"), list):
        return []
    ids = locations["id"]
    problems: list[Problem] = []
    for field in ("x", "y"):
        column = locations.get(field)
        if isinstance(column, list) and len(column) != len(ids):
            path = f"$.locations.{field}"
            text = (
                f"{path}: has {len(column)} values, expected {len(ids)} "
                "(one per id in $.locations.id)"
            )
            problems.append(Problem("column_length", text, field=field, path=path))
    first: dict[str, int] = {}
    for at, uid in enumerate(ids):
        if not isinstance(uid, str):
            continue
        if uid in first:
            path = f"$.locations.id[{at}]"
            text = (
                f"unit {uid!r} ({path}): is located twice (first at $.locations.id[{first[uid]}])"
            )
            problems.append(Problem("duplicate_location", text, uid, at, "id", path))
        else:
            first[uid] = at
    return problems


class Members(Protocol):
    """The cross-link members of a validated document."""

    @property
    def model_fields_set(self) -> set[str]: ...
    @property
    def categories(self) -> Sequence[CategoryRecord]: ...
    @property
    def partners(self) -> Sequence[DepartmentRecord | VolunteerTeamRecord | PartnerRecord]: ...
    @property
    def people(self) -> Sequence[PersonRecord]: ...
    @property
    def sites(self) -> Sequence[SiteRecord]: ...
    @property
    def locations(self) -> UnitLocations: ...
    @property
    def links(self) -> Sequence[BaseModel]: ...


def no_locations() -> UnitLocations:
    """The ``locations`` member of a document that has none."""
    return UnitLocations(id=[], x=[], y=[])


def attach(org: Organisation, document: Members, subject: str) -> Organisation:
    """``org`` with the cross-link members of a validated ``document`` added.

    Problems raise :class:`~gridorg.LinkError` (with ``subject``), each at its JSON path.
    """
    given = document.model_fields_set.intersection(MEMBERS)
    if not given:
        return org
    located = document.locations
    where = {
        uid: {"x": x, "y": y, "crs": located.crs}
        for uid, x, y in zip(located.id, located.x, located.y, strict=True)
    }
    categories = document.categories if "categories" in given else None
    try:
        crosslinks = extend(
            org,
            map(_plain, document.links),
            partners=map(_plain, document.partners),
            people=map(_plain, document.people),
            sites=map(_plain, document.sites),
            locations=where,
            categories=None if categories is None else map(_plain, categories),
            path=_Paths(org, document),
        )
    except LinkError as err:
        raise LinkError(err.problems, subject=subject) from None
    return Organisation(org._parts, org.scheme, org.name, links=crosslinks)


def _plain(record: BaseModel) -> dict[str, Any]:
    return record.model_dump(exclude_unset=True)


_SECTION_FIELDS: Final[dict[str, frozenset[str]]] = {
    "partners": frozenset().union(
        *(m.model_fields for m in (DepartmentRecord, VolunteerTeamRecord, PartnerRecord))
    ),
    "people": frozenset(PersonRecord.model_fields),
    "sites": frozenset(SiteRecord.model_fields),
    "links": frozenset().union(*(m.model_fields for m in _LINK_MODELS)),
    "categories": frozenset(CategoryRecord.model_fields),
}


class _Paths:
    """The JSON path of an item the cross-link checks complain about.

    Called as ``path(section, index, field)``; for the unit locations, whose checks do not name
    the field, the path points at the value at fault: the id when it names no unit, the
    coordinate out of range, or the coordinate system when systems are mixed.
    """

    def __init__(self, org: Organisation, document: Members) -> None:
        self.org = org
        self.document = document

    def __call__(self, section: str, index: int, field: str | None) -> str:
        if section == "locations":
            return self._location(index)
        fields = _SECTION_FIELDS.get(section)
        if fields is None:
            return json_path((section, index) if field is None else (section, index, field))
        base = json_path((section, index))
        if field in fields:
            return f"{base}.{field}"
        if section in ("partners", "sites") and field in LocationRecord.model_fields:
            return f"{base}.location.{field}"
        if section == "categories":  # a code listed twice
            return f"{base}.code"
        return base

    def _location(self, index: int) -> str:
        located = self.document.locations
        if index < len(located.id):
            if located.id[index] not in self.org:
                return f"$.locations.id[{index}]"
            bad = bad_coordinate(located.x[index], located.y[index], located.crs)
            if bad is not None:
                return f"$.locations.{bad}[{index}]"
        return self._crs_path()

    def _crs_path(self) -> str:
        """Where a second coordinate system first appears (partners, then sites, then units)."""
        first: str | None = None
        groups: tuple[tuple[str, Sequence[Any]], ...] = (
            ("partners", self.document.partners),
            ("sites", self.document.sites),
        )
        for section, items in groups:
            for i, item in enumerate(items):
                where: LocationRecord | None = item.location
                if where is None:
                    continue
                if first is None:
                    first = where.crs
                elif where.crs != first:
                    explicit = "crs" in where.model_fields_set
                    return f"$.{section}[{i}].location" + (".crs" if explicit else "")
        return "$.locations.crs"


def bad_coordinate(x: float, y: float, crs: str) -> str | None:
    """The field of the first problem of the location (x, y) in ``crs``, or None if it is valid."""
    try:
        Location(x, y, crs)  # type: ignore[arg-type]
    except RecordError as err:
        return err.problems[0].field
    return None
