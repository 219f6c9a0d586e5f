"""Partners of the organisation: departments, registered units, social forces, volunteer teams.

The source's "graph beyond the tree" links the party organisation to bodies outside it:

- departments (职能部门: civil affairs 民政, human resources and social security 人社, public
  security 公安, education 教育, ...) whose heads sit on the extended street working committee
  (大工委) and which answer for issue categories;
- government units, institutions and enterprises that register at communities (双报到) — the
  county-level units "sunk" into a district (驻区单位);
- social forces that join community party-mass service centres: enterprises, social
  organisations (social-work groups, civil associations), property companies (物业公司);
- volunteer teams (志愿队伍).

Each is a frozen record. :class:`Department` and :class:`VolunteerTeam` carry fields of their
own; every other kind is a plain :class:`Partner` with its ``kind``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from gridorg._entity import (
    Named,
    attributes,
    check_codes,
    check_id,
    check_optional_count,
    check_optional_id,
    check_text,
    codes,
    fail,
    from_mapping,
    json_key,
    short_repr,
)
from gridorg._enums import Labelled, labelled
from gridorg._fields import copy_json, describe
from gridorg.locations import Location

__all__ = ["Department", "Partner", "PartnerKind", "VolunteerTeam", "partner_from_record"]


class PartnerKind(Labelled):
    """What kind of body a partner is."""

    DEPARTMENT = "department"
    GOVERNMENT_UNIT = "government_unit"
    INSTITUTION = "institution"
    ENTERPRISE = "enterprise"
    SOCIAL_ORGANISATION = "social_organisation"
    PROPERTY_COMPANY = "property_company"
    VOLUNTEER_TEAM = "volunteer_team"


_LABELS = {
    PartnerKind.DEPARTMENT: "职能部门",
    PartnerKind.GOVERNMENT_UNIT: "机关单位",
    PartnerKind.INSTITUTION: "事业单位",
    PartnerKind.ENTERPRISE: "企业",
    PartnerKind.SOCIAL_ORGANISATION: "社会组织",
    PartnerKind.PROPERTY_COMPANY: "物业公司",
    PartnerKind.VOLUNTEER_TEAM: "志愿队伍",
}
labelled(PartnerKind, "kind", _LABELS)


def _kind(value: object) -> object:
    try:
        return PartnerKind.parse(value)
    except ValueError:
        return value  # the post-init check reports it with the partner's id


def _location(value: object) -> Location | None:
    return None if value is None else Location.from_record(value)


@attrs.frozen(repr=False)
class Partner:
    """A body outside the party organisation that links to it.

    An enterprise, institution, government unit, social organisation or property company.

    >>> Partner("E1", "Yinjiang Power Supply Co.", kind="enterprise").kind.label
    '企业'

    Departments and volunteer teams have classes of their own (:class:`Department`,
    :class:`VolunteerTeam`).
    """

    noun: ClassVar[str] = "partner"
    _own_kinds: ClassVar[frozenset[PartnerKind]] = frozenset(
        set(PartnerKind) - {PartnerKind.DEPARTMENT, PartnerKind.VOLUNTEER_TEAM}
    )

    id: str = attrs.field(validator=check_id)
    name: str = attrs.field(default="", validator=check_text)
    kind: PartnerKind = attrs.field(kw_only=True, converter=_kind)
    location: Location | None = attrs.field(default=None, kw_only=True, converter=_location)
    attributes: Mapping[str, Any] = attrs.field(
        factory=dict, kw_only=True, converter=attributes, eq=json_key, hash=False
    )

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.kind, PartnerKind):
            try:
                PartnerKind.parse(self.kind)
            except ValueError as err:
                raise fail(self.noun, self, "kind", str(err)) from None
        if self.kind not in self._own_kinds:
            cls = "Department" if self.kind is PartnerKind.DEPARTMENT else "VolunteerTeam"
            if type(self) is Partner:
                msg = f"kind {self.kind.value!r} has a class of its own: use {cls}(...)"
                raise fail(self.noun, self, "kind", msg)

    def __repr__(self) -> str:
        return short_repr(self)

    @property
    def label(self) -> str:
        """The name when there is one, otherwise the id."""
        return self.name or self.id

    def to_record(self) -> dict[str, Any]:
        """This partner as a JSON-compatible mapping (empty optional fields left out)."""
        record: dict[str, Any] = {"id": self.id, "name": self.name, "kind": self.kind.value}
        record.update(self._extra_record())
        if self.location is not None:
            record["location"] = self.location.to_record()
        if self.attributes:
            record["attributes"] = copy_json(self.attributes)
        return record

    def _extra_record(self) -> dict[str, Any]:
        return {}


@attrs.frozen(repr=False)
class Department(Partner):
    """A government department (职能部门) that answers for some issue categories.

    ``categories`` holds the codes of the categories it is responsible for (see
    :mod:`gridorg.categories`): civil affairs (民政) for civil assistance, justice (司法) for legal
    services and mediation, and so on. ``function`` names its field as the catalogue does
    (``"civil_affairs"``). ``jurisdiction`` is the unit whose territory it serves (a street or a
    county root); ``None`` means the whole organisation.

    >>> Department("D-civil", "民政局", categories={"civil_assistance"}).categories
    frozenset({'civil_assistance'})
    """

    noun: ClassVar[str] = "department"

    kind: PartnerKind = attrs.field(default=PartnerKind.DEPARTMENT, init=False)
    categories: frozenset[str] = attrs.field(
        default=frozenset(), kw_only=True, converter=codes, validator=check_codes
    )
    function: str = attrs.field(default="", kw_only=True, validator=check_text)
    jurisdiction: str | None = attrs.field(default=None, kw_only=True, validator=check_optional_id)

    def _extra_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"categories": sorted(self.categories)}
        if self.function:
            record["function"] = self.function
        if self.jurisdiction is not None:
            record["jurisdiction"] = self.jurisdiction
        return record


@attrs.frozen(repr=False)
class VolunteerTeam(Partner):
    """A volunteer team (志愿队伍); ``members`` is its size when known."""

    noun: ClassVar[str] = "volunteer team"

    kind: PartnerKind = attrs.field(default=PartnerKind.VOLUNTEER_TEAM, init=False)
    members: int | None = attrs.field(default=None, kw_only=True, validator=check_optional_count)

    def _extra_record(self) -> dict[str, Any]:
        return {} if self.members is None else {"members": self.members}


_CLASSES: dict[PartnerKind, type[Partner]] = {
    PartnerKind.DEPARTMENT: Department,
    PartnerKind.VOLUNTEER_TEAM: VolunteerTeam,
}


def partner_from_record(record: Mapping[str, Any] | Partner) -> Partner:
    """The partner a record describes: a :class:`Department` for ``kind="department"``, a
    :class:`VolunteerTeam` for ``"volunteer_team"``, otherwise a :class:`Partner`."""
    if isinstance(record, Partner):
        return record
    if not isinstance(record, Mapping):
        msg = f"a partner record must be a mapping, got {describe(record)}"
        raise fail(Partner, None, "partner", msg)
    uid = record.get("id")
    where = None if not isinstance(uid, str) else Named(uid)
    if "kind" not in record:
        raise fail(Partner, where, "kind", "kind is required", code="missing_field")
    try:
        kind = PartnerKind.parse(record["kind"])
    except ValueError as err:
        raise fail(Partner, where, "kind", str(err)) from None
    cls = _CLASSES.get(kind, Partner)
    ignore = frozenset() if cls is Partner else frozenset({"kind"})
    return from_mapping(cls, record, noun=cls, ignore=ignore)
