"""People and their roles: secretaries, gridders, household heads, sunk party members, leaders.

Large populations stay cheap: a grid's gridders may be only a count on the unit
(:attr:`Unit.gridders <gridorg.Unit.gridders>`) and its household heads only household-tier
units, or they may be named :class:`Person` records assigned to units with a role.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Final

import attrs

from gridorg._entity import (
    attributes,
    check_id,
    check_text,
    fail,
    from_mapping,
    json_key,
    short_repr,
)
from gridorg._enums import Labelled, labelled
from gridorg._fields import copy_json, describe

__all__ = ["Person", "Role", "person_from_record"]


class Role(Labelled):
    """A role a person holds in grassroots governance."""

    SECRETARY = "secretary"
    DEPUTY_SECRETARY = "deputy_secretary"
    PART_TIME_MEMBER = "part_time_member"
    GRID_LEADER = "grid_leader"
    GRIDDER = "gridder"
    HOUSEHOLD_HEAD = "household_head"
    IN_SERVICE_MEMBER = "in_service_member"
    NEW_EMPLOYMENT_MEMBER = "new_employment_member"
    EVALUATOR = "evaluator"
    MEDIATOR = "mediator"
    COUNTY_LEADER = "county_leader"
    ORGANISATION_DEPARTMENT_MEMBER = "organisation_department_member"
    STREET_COMMITTEE_MEMBER = "street_committee_member"
    VOLUNTEER = "volunteer"


_LABELS = {
    Role.SECRETARY: "书记",
    Role.DEPUTY_SECRETARY: "专职副书记",
    Role.PART_TIME_MEMBER: "兼职委员",
    Role.GRID_LEADER: "网格长",
    Role.GRIDDER: "网格员",
    Role.HOUSEHOLD_HEAD: "联户长",
    Role.IN_SERVICE_MEMBER: "在职党员",
    Role.NEW_EMPLOYMENT_MEMBER: "新就业群体党员",
    Role.EVALUATOR: "评议员",
    Role.MEDIATOR: "调解员",
    Role.COUNTY_LEADER: "县级领导",
    Role.ORGANISATION_DEPARTMENT_MEMBER: "组织部部务会成员",
    Role.STREET_COMMITTEE_MEMBER: "街道党工委委员",
    Role.VOLUNTEER: "志愿者",
}
labelled(Role, "role", _LABELS)

#: Roles in code order: a role's integer code (in stored links) is its position here.
ROLES: Final = tuple(Role)


def _roles(value: object) -> object:
    if isinstance(value, str) or not isinstance(value, Iterable):
        return value
    try:
        return frozenset(Role.parse(item) for item in value)
    except ValueError:
        return value


def _check_roles(inst: Person, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, frozenset) and all(isinstance(item, Role) for item in value):
        return
    if isinstance(value, Iterable) and not isinstance(value, str):
        for item in value:
            try:
                Role.parse(item)
            except ValueError as err:
                raise fail(Person, inst, "roles", str(err)) from None
    msg = f"roles must be a collection of roles, got {describe(value)}"
    raise fail(Person, inst, "roles", msg)


def _check_party_member(inst: Person, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, bool):
        msg = f"party_member must be True, False or None, got {describe(value)}"
        raise fail(Person, inst, "party_member", msg)


@attrs.frozen(repr=False)
class Person:
    """A named person and the roles they hold.

    ``party_member`` is ``True`` or ``False`` when known, ``None`` otherwise. Assignments to
    units (:class:`~gridorg.links.Assignment`) must use one of the person's ``roles``.

    >>> Person("P1", "王芳", roles={"gridder", "household_head"}).roles == {
    ...     Role.GRIDDER, Role.HOUSEHOLD_HEAD}
    True
    """

    noun: ClassVar[str] = "person"

    id: str = attrs.field(validator=check_id)
    name: str = attrs.field(default="", validator=check_text)
    roles: frozenset[Role] = attrs.field(
        default=frozenset(), kw_only=True, converter=_roles, validator=_check_roles
    )
    party_member: bool | None = attrs.field(
        default=None, kw_only=True, validator=_check_party_member
    )
    attributes: Mapping[str, Any] = attrs.field(
        factory=dict, kw_only=True, converter=attributes, eq=json_key, hash=False
    )

    def __repr__(self) -> str:
        return short_repr(self)

    @property
    def label(self) -> str:
        """The name when there is one, otherwise the id."""
        return self.name or self.id

    def to_record(self) -> dict[str, Any]:
        """This person as a JSON-compatible mapping (empty optional fields left out)."""
        record: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "roles": sorted(role.value for role in self.roles),
        }
        if self.party_member is not None:
            record["party_member"] = self.party_member
        if self.attributes:
            record["attributes"] = copy_json(self.attributes)
        return record


def person_from_record(record: Mapping[str, Any] | Person) -> Person:
    """The person a record (a mapping with the fields of :class:`Person`) describes."""
    if isinstance(record, Person):
        return record
    return from_mapping(Person, record, noun=Person)
