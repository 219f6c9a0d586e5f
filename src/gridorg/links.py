"""Typed cross-links: the edges of the graph beyond the tree, each a small frozen record.

=========================  =========  ===================================  ======================
link                       term       from → to                            own fields
=========================  =========  ===================================  ======================
:class:`CommitteeMembership` 兼职委员   department or person → street or     ``position``
                                      community (the extended committee,
                                      大工委)
:class:`Registration`      双报到      partner or person → community         ``date``,
                                                                           ``service_team``
:class:`ContactPoint`      联系点      leader (person) → community or grid
:class:`Sinking`           下沉        party member (person) → grid          ``duty``
:class:`Joining`           共建        partner (not a department) → site
:class:`Serving`           服务阵地    site → community or grid
:class:`Assignment`        任职        person → any unit                     ``role``
=========================  =========  ===================================  ======================

An organisation checks every link when it is added (:meth:`Organisation.with_links
<gridorg.Organisation.with_links>`): both ends exist and are of the right kind, unit ends are
at the right tier, an assignment's role is one the person holds, and no link is repeated. The
tier rule names the default scheme's tiers; under a custom scheme that has none of the tiers a
link kind names, that kind's unit ends may be at any tier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar, Final

import attrs

from gridorg._entity import check_id, check_text, fail, from_mapping
from gridorg._enums import Labelled, labelled
from gridorg._fields import describe
from gridorg.people import Role

__all__ = [
    "Assignment",
    "CommitteeMembership",
    "ContactPoint",
    "Joining",
    "Link",
    "LinkKind",
    "Registration",
    "Serving",
    "Sinking",
    "link_from_record",
]


class LinkKind(Labelled):
    """The type of a cross-link."""

    COMMITTEE_MEMBERSHIP = "committee_membership"
    REGISTRATION = "registration"
    CONTACT_POINT = "contact_point"
    SINKING = "sinking"
    JOINING = "joining"
    SERVING = "serving"
    ASSIGNMENT = "assignment"

    @property
    def label(self) -> str:
        """The source's term."""
        return _LABELS[self]


_LABELS = {
    LinkKind.COMMITTEE_MEMBERSHIP: "兼职委员",
    LinkKind.REGISTRATION: "双报到",
    LinkKind.CONTACT_POINT: "联系点",
    LinkKind.SINKING: "下沉",
    LinkKind.JOINING: "共建",
    LinkKind.SERVING: "服务阵地",
    LinkKind.ASSIGNMENT: "任职",
}
labelled(LinkKind, "link kind", _LABELS)

#: What each end of a link may be: ``"unit"``, ``"department"`` (a Department partner),
#: ``"partner"`` (any partner), ``"social_force"`` (a partner that is not a department),
#: ``"person"`` or ``"site"``.
EndKinds = tuple[str, ...]


class _Link:
    """Behaviour shared by the link records (a slots-only mixin)."""

    __slots__ = ()

    noun: ClassVar[str] = "link"
    kind: ClassVar[LinkKind]
    #: The names of the source and target fields.
    ends: ClassVar[tuple[str, str]]
    source_kinds: ClassVar[EndKinds]
    target_kinds: ClassVar[EndKinds]
    #: Tier names a unit target must have (empty: any tier).
    target_tiers: ClassVar[tuple[str, ...]] = ()
    #: The name of the free-text field, if the link has one.
    text_field: ClassVar[str | None] = None

    @property
    def source(self) -> str:
        """The id at the link's tail."""
        value: str = getattr(self, self.ends[0])
        return value

    @property
    def target(self) -> str:
        """The id at the link's head."""
        value: str = getattr(self, self.ends[1])
        return value

    def to_record(self) -> dict[str, Any]:
        """This link as a JSON-compatible mapping with its ``kind``."""
        record: dict[str, Any] = {"kind": self.kind.value}
        for field in attrs.fields(type(self)):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, Role):
                value = value.value
            if value is not None:
                record[field.name] = value
        return record


def _date(value: object) -> object:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _check_date(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return
    msg = (
        f"date must be a date (or an ISO date string such as '2024-03-01'), got {describe(value)}"
    )
    raise fail(Registration, inst, "date", msg)


def _check_optional_text(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        check_text(inst, attribute, value)


def _role(value: object) -> object:
    try:
        return Role.parse(value)
    except ValueError:
        return value


def _check_role(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Role):
        try:
            Role.parse(value)
        except ValueError as err:
            raise fail(Assignment, inst, "role", str(err)) from None


@attrs.frozen
class CommitteeMembership(_Link):
    """A part-time member (兼职委员) of an extended committee (大工委).

    The member is a department (its head) or a person, on a street's or a community's
    committee, with the ``position`` held."""

    noun: ClassVar[str] = "committee membership"
    kind: ClassVar[LinkKind] = LinkKind.COMMITTEE_MEMBERSHIP
    ends: ClassVar[tuple[str, str]] = ("member", "committee")
    source_kinds: ClassVar[EndKinds] = ("department", "person")
    target_kinds: ClassVar[EndKinds] = ("unit",)
    target_tiers: ClassVar[tuple[str, ...]] = ("street", "community")
    text_field: ClassVar[str | None] = "position"

    member: str = attrs.field(validator=check_id)
    committee: str = attrs.field(validator=check_id)
    position: str = attrs.field(default="part-time member", kw_only=True, validator=check_text)


@attrs.frozen
class Registration(_Link):
    """Dual reporting (双报到 / 双联双进).

    A partner (a unit's party organisation) or an in-service party member registers at a
    community, on ``date``, joining ``service_team``."""

    noun: ClassVar[str] = "registration"
    kind: ClassVar[LinkKind] = LinkKind.REGISTRATION
    ends: ClassVar[tuple[str, str]] = ("registrant", "community")
    source_kinds: ClassVar[EndKinds] = ("partner", "person")
    target_kinds: ClassVar[EndKinds] = ("unit",)
    target_tiers: ClassVar[tuple[str, ...]] = ("community",)
    text_field: ClassVar[str | None] = "service_team"

    registrant: str = attrs.field(validator=check_id)
    community: str = attrs.field(validator=check_id)
    date: dt.date | None = attrs.field(
        default=None, kw_only=True, converter=_date, validator=_check_date
    )
    service_team: str | None = attrs.field(
        default=None, kw_only=True, validator=_check_optional_text
    )


@attrs.frozen
class ContactPoint(_Link):
    """A leader's contact point (联系点).

    A county-level leader (or a member of the organisation department or of the street working
    committee) assigned to a community or a key grid."""

    noun: ClassVar[str] = "contact point"
    kind: ClassVar[LinkKind] = LinkKind.CONTACT_POINT
    ends: ClassVar[tuple[str, str]] = ("leader", "unit")
    source_kinds: ClassVar[EndKinds] = ("person",)
    target_kinds: ClassVar[EndKinds] = ("unit",)
    target_tiers: ClassVar[tuple[str, ...]] = ("community", "grid")

    leader: str = attrs.field(validator=check_id)
    unit: str = attrs.field(validator=check_id)


@attrs.frozen
class Sinking(_Link):
    """A party member sunk into a grid (下沉).

    An in-service or new-employment party member takes a ``duty`` in the grid, such as grid
    sentiment liaison (网格民情联络员)."""

    noun: ClassVar[str] = "sinking"
    kind: ClassVar[LinkKind] = LinkKind.SINKING
    ends: ClassVar[tuple[str, str]] = ("member", "grid")
    source_kinds: ClassVar[EndKinds] = ("person",)
    target_kinds: ClassVar[EndKinds] = ("unit",)
    target_tiers: ClassVar[tuple[str, ...]] = ("grid",)
    text_field: ClassVar[str | None] = "duty"

    member: str = attrs.field(validator=check_id)
    grid: str = attrs.field(validator=check_id)
    duty: str = attrs.field(default="grid sentiment liaison", kw_only=True, validator=check_text)


@attrs.frozen
class Joining(_Link):
    """A social force joining a service site (共建).

    The partner is an enterprise, social organisation, property company or volunteer team (not
    a department); the site is usually a community party-mass service centre."""

    noun: ClassVar[str] = "joining"
    kind: ClassVar[LinkKind] = LinkKind.JOINING
    ends: ClassVar[tuple[str, str]] = ("partner", "site")
    source_kinds: ClassVar[EndKinds] = ("social_force",)
    target_kinds: ClassVar[EndKinds] = ("site",)

    partner: str = attrs.field(validator=check_id)
    site: str = attrs.field(validator=check_id)


@attrs.frozen
class Serving(_Link):
    """A service site serving a community or a grid."""

    noun: ClassVar[str] = "serving"
    kind: ClassVar[LinkKind] = LinkKind.SERVING
    ends: ClassVar[tuple[str, str]] = ("site", "unit")
    source_kinds: ClassVar[EndKinds] = ("site",)
    target_kinds: ClassVar[EndKinds] = ("unit",)
    target_tiers: ClassVar[tuple[str, ...]] = ("community", "grid")

    site: str = attrs.field(validator=check_id)
    unit: str = attrs.field(validator=check_id)


@attrs.frozen
class Assignment(_Link):
    """A person holding a role at a unit (任职).

    A secretary at a street or community, a grid leader or gridder at a grid, a household head
    at a household-tier unit; ``role`` must be one the person holds."""

    noun: ClassVar[str] = "assignment"
    kind: ClassVar[LinkKind] = LinkKind.ASSIGNMENT
    ends: ClassVar[tuple[str, str]] = ("person", "unit")
    source_kinds: ClassVar[EndKinds] = ("person",)
    target_kinds: ClassVar[EndKinds] = ("unit",)

    person: str = attrs.field(validator=check_id)
    unit: str = attrs.field(validator=check_id)
    role: Role = attrs.field(kw_only=True, converter=_role, validator=_check_role)


#: Any cross-link record.
Link = CommitteeMembership | Registration | ContactPoint | Sinking | Joining | Serving | Assignment

#: The record class of each link kind, in kind order.
LINK_CLASSES: Final[dict[LinkKind, type[Link]]] = {
    cls.kind: cls
    for cls in (
        CommitteeMembership,
        Registration,
        ContactPoint,
        Sinking,
        Joining,
        Serving,
        Assignment,
    )
}
KINDS: Final = tuple(LINK_CLASSES)


def link_from_record(record: Mapping[str, Any] | Link) -> Link:
    """The link a record describes: a mapping with ``kind`` and that link type's fields."""
    if isinstance(record, _Link):
        return record
    if not isinstance(record, Mapping):
        msg = f"a link record must be a mapping, got {describe(record)}"
        raise fail(_Link, None, "link", msg)
    kind = record.get("kind")
    if not isinstance(kind, str) or kind not in LINK_CLASSES:
        known = ", ".join(k.value for k in LinkKind)
        msg = f"kind must be one of {known}, got {describe(kind)}"
        code = "missing_field" if kind is None else "invalid_field"
        raise fail(_Link, None, "kind", msg, code=code)
    cls = LINK_CLASSES[LinkKind(kind)]
    link: Link = from_mapping(cls, record, noun=cls, ignore=frozenset({"kind"}))
    return link
