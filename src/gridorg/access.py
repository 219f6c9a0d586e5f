"""The 15-minute service circle: how far each grid is from its nearest service site.

The source sets the goal of a "15-minute convenient service circle" (15分钟便民服务圈): every
household within a quarter of an hour of a service site (服务阵地: party-mass service centres,
red stations, neighbourhood centres). :func:`service_access` measures it for every unit of a
tier (grids by default) that has a location:

- :class:`StraightLine` (the default): the great-circle (WGS84) or Euclidean (planar) distance
  to the nearest site, stretched by a detour factor (1.3: streets are not straight lines) and
  walked at 80 metres a minute (4.8 km/h). Nearest sites are found with a k-d tree, so a
  million grids and twenty thousand sites take a second or two.
- :class:`RoadGraph`: the shortest path over a networkx road graph, one multi-source Dijkstra
  run from every site at once; units and sites are placed on the graph by an explicit mapping
  or snapped to the nearest node by coordinates.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from gridorg import _access
from gridorg.errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    UnknownTierError,
    missing_dependency,
)
from gridorg.sites import SiteKind

if TYPE_CHECKING:
    import networkx as nx

    from gridorg.hierarchy import Organisation

__all__ = ["RoadGraph", "ServiceAccess", "StraightLine", "service_access"]

#: Walking speed in metres per minute (4.8 km/h).
WALKING_SPEED = 80.0


def _check_positive(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        msg = f"{name} must be a finite number, got {value!r}"
        raise InvalidArgumentError(msg)
    if value <= 0:
        msg = f"{name} must be positive, got {value!r}"
        raise InvalidArgumentError(msg)


def _positive(_inst: object, attribute: attrs.Attribute[float], value: object) -> None:
    _check_positive(attribute.name, value)


def _detour(inst: object, attribute: attrs.Attribute[float], value: object) -> None:
    _check_positive(attribute.name, value)
    if float(value) < 1.0:  # type: ignore[arg-type]
        msg = f"detour must be at least 1 (no route beats the straight line), got {value!r}"
        raise InvalidArgumentError(msg)


@attrs.frozen
class StraightLine:
    """Travel along the straight line, stretched by ``detour``, at ``speed`` metres a minute."""

    detour: float = attrs.field(default=1.3, validator=_detour)
    speed: float = attrs.field(default=WALKING_SPEED, validator=_positive)


def _graph(_inst: object, _attribute: object, value: object) -> None:
    import networkx as nx

    if not isinstance(value, nx.Graph):
        msg = f"graph must be a networkx graph, got {type(value).__name__}"
        raise ArgumentTypeError(msg)


@attrs.frozen
class RoadGraph:
    """Travel over a road graph: edge attribute ``weight`` holds metres, walked at ``speed``.

    Units and sites are placed on nodes by ``nodes`` (id → node) when given; otherwise each is
    snapped to the nearest node by the node attributes ``x`` and ``y`` (in the organisation's
    coordinate system). With ``weight=None`` every edge counts as one metre.
    """

    graph: nx.Graph[Any] = attrs.field(validator=_graph)
    weight: str | None = "length"
    speed: float = attrs.field(default=WALKING_SPEED, validator=_positive)
    nodes: Mapping[str, Hashable] | None = None
    x: str = "x"
    y: str = "y"


@attrs.frozen(eq=False)
class ServiceAccess:
    """Travel time from each unit of a tier to its nearest service site.

    Arrays are aligned with :attr:`units` (ids in preorder). ``minutes`` and ``metres`` are NaN
    for a unit without a location and +inf for one that reaches no site; ``site`` is the id of
    the nearest site or ``None``. ``households`` are the units' subtree household totals.
    """

    units: tuple[str, ...]
    minutes: npt.NDArray[np.float64]
    metres: npt.NDArray[np.float64]
    site: tuple[str | None, ...]
    households: npt.NDArray[np.int64]
    threshold: float = 15.0

    def __len__(self) -> int:
        return len(self.units)

    def within(self, minutes: float | None = None) -> npt.NDArray[np.bool_]:
        """Which units are within ``minutes`` (default: the threshold) of a site."""
        limit = self.threshold if minutes is None else minutes
        with np.errstate(invalid="ignore"):
            inside: npt.NDArray[np.bool_] = self.minutes <= limit
        return inside

    @property
    def unplaced(self) -> tuple[str, ...]:
        """The units without a location (not measured, never counted as covered)."""
        missing = np.flatnonzero(np.isnan(self.minutes)).tolist()
        return tuple(self.units[i] for i in missing)

    def coverage(self, minutes: float | None = None, *, by: str = "households") -> float:
        """The share within ``minutes`` of a site: of households (``by="households"``) or of
        units (``by="units"``); units without a location count as not covered."""
        inside = self.within(minutes)
        if by == "units":
            return float(inside.mean()) if len(inside) else math.nan
        if by != "households":
            msg = f"by must be 'households' or 'units', got {by!r}"
            raise InvalidArgumentError(msg)
        total = int(self.households.sum())
        return float(self.households[inside].sum() / total) if total else math.nan

    def mean(self) -> float:
        """The mean travel time over units with a location that reach a site."""
        finite = self.minutes[np.isfinite(self.minutes)]
        return float(finite.mean()) if len(finite) else math.nan

    def percentile(self, q: float) -> float:
        """The ``q``-th percentile of travel time over units that reach a site."""
        finite = self.minutes[np.isfinite(self.minutes)]
        return float(np.percentile(finite, q)) if len(finite) else math.nan

    def to_records(self) -> list[dict[str, Any]]:
        """One record per unit: ``unit``, ``site``, ``minutes``, ``metres``, ``households``."""
        return list(self._rows())

    def _rows(self) -> Iterator[dict[str, Any]]:
        for i, uid in enumerate(self.units):
            yield {
                "unit": uid,
                "site": self.site[i],
                "minutes": float(self.minutes[i]),
                "metres": float(self.metres[i]),
                "households": int(self.households[i]),
            }

    def to_pandas(self) -> Any:
        """The records as a ``pandas.DataFrame`` indexed by unit (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            error = missing_dependency("pandas", "dataframe", "ServiceAccess.to_pandas")
            raise error from None
        return pd.DataFrame(self.to_records()).set_index("unit")

    def __repr__(self) -> str:
        share = self.coverage()
        return (
            f"<ServiceAccess: {len(self):,} units, {share:.1%} of households within "
            f"{self.threshold:g} minutes, mean {self.mean():.1f} min>"
        )


def service_access(
    org: Organisation,
    *,
    travel: StraightLine | RoadGraph | None = None,
    tier: str = "grid",
    kinds: tuple[SiteKind | str, ...] | None = None,
    threshold: float = 15.0,
) -> ServiceAccess:
    """Travel time from every unit of ``tier`` to its nearest service site.

    ``travel`` is :class:`StraightLine` (the default) or :class:`RoadGraph`. ``kinds`` keeps
    only sites of those kinds. Units and sites without a location are left out of the search
    (units get NaN); ``threshold`` is the circle's radius in minutes used by
    :meth:`ServiceAccess.coverage`.
    """
    travel = StraightLine() if travel is None else travel
    if not isinstance(travel, StraightLine | RoadGraph):
        msg = f"travel must be a StraightLine or a RoadGraph, got {type(travel).__name__}"
        raise ArgumentTypeError(msg)
    if tier not in org.scheme.names:
        msg = f"tier {tier!r} is not in the scheme; its tiers are {', '.join(org.scheme.names)}"
        raise UnknownTierError(msg)
    _check_positive("threshold", threshold)
    links = org.links
    wanted = None if kinds is None else _site_kinds(kinds)
    site_rows = [
        i for i, s in enumerate(links.sites.values()) if wanted is None or s.kind in wanted
    ]
    site_ids = [s.id for s in links.sites.values()]
    positions = org.positions(tier=tier)
    points = links.unit_xy(positions)
    sites_xy = links.site_xy()[site_rows]
    crs: _access.Crs = "planar" if links.crs == "planar" else "wgs84"
    if isinstance(travel, StraightLine):
        metres, nearest = _access.nearest_straight(points, sites_xy, crs=crs)
        minutes = _access.travel_minutes(
            metres, detour=travel.detour, speed_m_per_min=travel.speed
        )
    else:
        metres, nearest = _on_roads(org, travel, positions, points, site_rows, sites_xy, crs)
        minutes = metres / travel.speed
    chosen = [site_ids[site_rows[j]] if j >= 0 else None for j in nearest.tolist()]
    return ServiceAccess(
        units=tuple(org._parts.ids.take(positions)),
        minutes=minutes,
        metres=metres,
        site=tuple(chosen),
        households=org.totals("households")[positions],
        threshold=float(threshold),
    )


def _site_kinds(kinds: object) -> set[SiteKind]:
    if isinstance(kinds, str) or not isinstance(kinds, tuple | list | set | frozenset):
        msg = f"kinds must be a collection of site kinds, got {type(kinds).__name__}"
        raise ArgumentTypeError(msg)
    try:
        return {SiteKind.parse(kind) for kind in kinds}
    except ValueError as err:
        raise InvalidArgumentError(str(err)) from None


def _on_roads(
    org: Organisation,
    travel: RoadGraph,
    positions: npt.NDArray[np.int64],
    points: npt.NDArray[np.float64],
    site_rows: list[int],
    sites_xy: npt.NDArray[np.float64],
    crs: _access.Crs,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    site_ids = [s.id for s in org.links.sites.values()]
    if travel.nodes is not None:
        unit_ids = org._parts.ids.take(positions)
        origins = [travel.nodes.get(uid) for uid in unit_ids]
        sources = [travel.nodes.get(site_ids[i]) for i in site_rows]
        named = [*zip(unit_ids, origins, strict=True)]
        named += [(site_ids[i], node) for i, node in zip(site_rows, sources, strict=True)]
        for uid, node in named:
            if node is not None and node not in travel.graph:
                msg = f"RoadGraph.nodes places {uid!r} on node {node!r}, which the graph lacks"
                raise InvalidArgumentError(msg)
    else:
        origins = _access.snap_to_nodes(travel.graph, points, x=travel.x, y=travel.y, crs=crs)
        sources = _access.snap_to_nodes(travel.graph, sites_xy, x=travel.x, y=travel.y, crs=crs)
    return _access.nearest_on_graph(travel.graph, origins, sources, weight=travel.weight)
