"""Service sites (服务阵地): party-mass service centres, red stations, neighbourhood centres.

The source's goal is a "15-minute convenient service circle" (15分钟便民服务圈): every
household within fifteen minutes of a site. Sites serve communities or grids
(:class:`~gridorg.links.Serving`), social forces join them (:class:`~gridorg.links.Joining`),
and :func:`gridorg.access.service_access` measures how far each grid is from the nearest one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from gridorg._entity import (
    attributes,
    check_id,
    check_optional_id,
    check_text,
    fail,
    from_mapping,
    json_key,
    short_repr,
)
from gridorg._enums import Labelled, labelled
from gridorg._fields import copy_json, describe
from gridorg.locations import Location

__all__ = ["ServiceSite", "SiteKind", "site_from_record"]


class SiteKind(Labelled):
    """What kind of service site a site is."""

    PARTY_MASS_CENTRE = "party_mass_centre"
    RED_STATION = "red_station"
    NEIGHBOURHOOD_CENTRE = "neighbourhood_centre"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The Chinese term."""
        return _LABELS[self]


_LABELS = {
    SiteKind.PARTY_MASS_CENTRE: "党群服务中心",
    SiteKind.RED_STATION: "红色驿站",
    SiteKind.NEIGHBOURHOOD_CENTRE: "近邻中心",
    SiteKind.OTHER: "服务阵地",
}
labelled(SiteKind, "kind", _LABELS)


def _kind(value: object) -> object:
    if isinstance(value, str) and not isinstance(value, SiteKind):
        try:
            return SiteKind(value)
        except ValueError:
            return value
    return value


def _check_kind(inst: ServiceSite, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, SiteKind):
        known = ", ".join(kind.value for kind in SiteKind)
        msg = f"kind must be one of {known}, got {describe(value)}"
        raise fail(ServiceSite, inst, "kind", msg)


def _location(value: object) -> Location | None:
    return None if value is None else Location.from_record(value)


@attrs.frozen(repr=False)
class ServiceSite:
    """A service site (服务阵地).

    Its ``kind``, the unit that hosts it (``host``, e.g. a community) and where it is.

    >>> ServiceSite("S1", "城南党群服务中心", kind="party_mass_centre", host="C1").kind.label
    '党群服务中心'
    """

    noun: ClassVar[str] = "site"

    id: str = attrs.field(validator=check_id)
    name: str = attrs.field(default="", validator=check_text)
    kind: SiteKind = attrs.field(
        default=SiteKind.PARTY_MASS_CENTRE, kw_only=True, converter=_kind, validator=_check_kind
    )
    host: str | None = attrs.field(default=None, kw_only=True, validator=check_optional_id)
    location: Location | None = attrs.field(default=None, kw_only=True, converter=_location)
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
        """This site as a JSON-compatible mapping (empty optional fields left out)."""
        record: dict[str, Any] = {"id": self.id, "name": self.name, "kind": self.kind.value}
        if self.host is not None:
            record["host"] = self.host
        if self.location is not None:
            record["location"] = self.location.to_record()
        if self.attributes:
            record["attributes"] = copy_json(self.attributes)
        return record


def site_from_record(record: Mapping[str, Any] | ServiceSite) -> ServiceSite:
    """The site a record (a mapping with the fields of :class:`ServiceSite`) describes."""
    if isinstance(record, ServiceSite):
        return record
    return from_mapping(ServiceSite, record, noun=ServiceSite)
