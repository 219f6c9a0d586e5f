"""``Location``: where a unit, partner or service site is, in WGS84 degrees or planar metres."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs

from gridorg._entity import fail, finite
from gridorg._fields import describe
from gridorg.errors import InvalidArgumentError

__all__ = ["CRS", "Location"]

#: The coordinate systems a location may use: ``"wgs84"`` (longitude and latitude in degrees,
#: as GPS gives them) or ``"planar"`` (x and y in metres on a local projection).
CRS = Literal["wgs84", "planar"]
_CRSES = ("wgs84", "planar")


def _float(value: object) -> object:
    if finite(value):
        return float(value)  # type: ignore[arg-type]
    try:
        import numpy as np

        if isinstance(value, np.floating | np.integer):
            return float(value)
    except ImportError:  # pragma: no cover - numpy is a core dependency
        pass
    return value


@attrs.frozen(repr=False)
class Location:
    """A point: ``x`` and ``y`` in the coordinate system ``crs``.

    For ``crs="wgs84"`` (the default) ``x`` is the longitude and ``y`` the latitude, in degrees;
    build such points with :meth:`wgs84` to name them as people usually do (latitude first).
    For ``crs="planar"`` they are metres on a local projection (:meth:`planar`). Every location
    of one organisation uses the same system.

    >>> Location.wgs84(27.99, 108.41).lat
    27.99
    """

    noun = "location"

    x: float = attrs.field(converter=_float)
    y: float = attrs.field(converter=_float)
    crs: CRS = attrs.field(default="wgs84")

    def __attrs_post_init__(self) -> None:
        if self.crs not in _CRSES:
            msg = f"crs must be 'wgs84' or 'planar', got {describe(self.crs)}"
            raise fail(Location, self, "crs", msg)
        for field in ("x", "y"):
            value = getattr(self, field)
            if not finite(value):
                msg = f"{field} must be a finite number, got {describe(value)}"
                raise fail(Location, self, field, msg, code="invalid_coordinate")
        if self.crs == "wgs84":
            if not -180.0 <= self.x <= 180.0:
                msg = f"longitude (x) must lie in [-180, 180] degrees, got {self.x}"
                raise fail(Location, self, "x", msg, code="invalid_coordinate")
            if not -90.0 <= self.y <= 90.0:
                msg = f"latitude (y) must lie in [-90, 90] degrees, got {self.y}"
                raise fail(Location, self, "y", msg, code="invalid_coordinate")

    @classmethod
    def wgs84(cls, lat: float, lon: float) -> Location:
        """A point given as latitude and longitude in degrees (WGS84)."""
        return cls(lon, lat, "wgs84")

    @classmethod
    def planar(cls, x: float, y: float) -> Location:
        """A point given as x and y in metres on a local planar projection."""
        return cls(x, y, "planar")

    @property
    def lat(self) -> float:
        """The latitude in degrees (WGS84 locations only)."""
        self._require_wgs84("lat")
        return self.y

    @property
    def lon(self) -> float:
        """The longitude in degrees (WGS84 locations only)."""
        self._require_wgs84("lon")
        return self.x

    def _require_wgs84(self, name: str) -> None:
        if self.crs != "wgs84":
            msg = f"a planar location has no {name}; use .x and .y (metres)"
            raise InvalidArgumentError(msg)

    def to_record(self) -> dict[str, Any]:
        """This location as a JSON-compatible mapping."""
        return {"x": self.x, "y": self.y, "crs": self.crs}

    @classmethod
    def from_record(cls, record: Any) -> Location:
        """A location from a mapping ``{"x", "y", "crs"?}``, a ``Location`` or an ``(x, y)`` pair
        (WGS84 longitude, latitude)."""
        if isinstance(record, Location):
            return record
        if isinstance(record, Mapping):
            unknown = set(record) - {"x", "y", "crs"}
            if unknown or not {"x", "y"} <= set(record):
                msg = f"a location is a mapping with keys x, y and optionally crs, got {record!r}"
                raise fail(Location, None, "location", msg)
            return cls(record["x"], record["y"], record.get("crs", "wgs84"))
        if isinstance(record, tuple | list) and len(record) == 2:
            return cls(record[0], record[1])
        msg = f"a location must be a Location, a mapping or an (x, y) pair, got {describe(record)}"
        raise fail(Location, None, "location", msg)

    def __repr__(self) -> str:
        if self.crs == "wgs84":
            return f"Location.wgs84(lat={self.y!r}, lon={self.x!r})"
        return f"Location.planar(x={self.x!r}, y={self.y!r})"
