"""The access set: the 15-minute convenient service circle (15分钟便民服务圈, DOMAIN.md §3).

Each metric reads :func:`gridorg.service_access`: the travel time from every grid (or the
units of another tier) to its nearest service site (服务阵地). The measurement is made once per
``compute`` call and shared by the three metrics. Pass its keyword arguments as the set's
options: ``compute("access", org=org, options={"access": {"threshold": 10, "tier": "grid",
"travel": RoadGraph(...), "kinds": ("party_mass_centre",)}})``.

The organisation needs service sites and unit locations (``Organisation.with_links(sites=...,
locations=...)``); without sites, or without a location for any unit of the tier or any site,
every metric here raises :class:`~gridorg.InvalidArgumentError` naming what is missing. Units
without a location count as not covered and are left out of the travel times; units that
reach no site (on a road graph) count as not covered and are left out of the times too.
Breakdowns ``by="street"`` and ``by="community"`` group the units under the topmost street or
community on their path up, as the structure set does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from gridorg._fields import describe
from gridorg.access import service_access
from gridorg.errors import ArgumentTypeError, InvalidArgumentError
from gridorg.metrics._org_groups import Groups, cached, check_by, groups, organisation, ratio
from gridorg.metrics._registry import Inputs, Value, metric

if TYPE_CHECKING:
    from gridorg.access import ServiceAccess

__all__ = ["coverage", "mean_minutes", "p95_minutes"]

Result = Value | Mapping[str, Value]
#: The options of the set: the keyword arguments of :func:`gridorg.service_access`.
OPTIONS: Final = ("travel", "tier", "kinds", "threshold")
_PLACES = ("street", "community")
_SOURCE = "DOMAIN.md §3"


@attrs.frozen
class _Measured:
    access: ServiceAccess
    positions: npt.NDArray[np.intp]


def _options(inputs: Inputs, name: str) -> dict[str, Any]:
    given = inputs.options.get("access")
    if given is None:
        return {}
    if not isinstance(given, Mapping):
        msg = (
            f"metric {name!r}: options['access'] must be a mapping of service_access "
            f"arguments ({', '.join(OPTIONS)}), got {describe(given)}"
        )
        raise ArgumentTypeError(msg)
    unknown = sorted(str(key) for key in given if key not in OPTIONS)
    if unknown:
        msg = (
            f"metric {name!r}: unknown options['access'] keys {', '.join(unknown)}; "
            f"expected any of {', '.join(OPTIONS)}"
        )
        raise InvalidArgumentError(msg)
    return dict(given)


def _measured(inputs: Inputs, name: str) -> _Measured:
    """The service access of the organisation, measured once per ``compute`` call."""
    org = organisation(inputs, name)
    options = _options(inputs, name)

    def build() -> _Measured:
        links = org.links
        if not links.sites:
            msg = (
                f"metric {name!r} needs service sites; {org._desc()} has none "
                "(add them with Organisation.with_links(sites=...))"
            )
            raise InvalidArgumentError(msg)
        if np.isnan(links.site_xy()).any(axis=1).all():
            msg = (
                f"metric {name!r} needs the locations of service sites; none of the "
                f"{len(links.sites)} sites of {org._desc()} has one"
            )
            raise InvalidArgumentError(msg)
        tier = options.get("tier", "grid")
        measured = service_access(org, **options)
        positions = org.positions(tier=tier).astype(np.intp)
        if len(positions) and np.isnan(measured.minutes).all():
            msg = (
                f"metric {name!r} needs unit locations; none of the {len(positions)} units of "
                f"tier {tier!r} in {org._desc()} has one "
                "(add them with Organisation.with_links(locations=...))"
            )
            raise InvalidArgumentError(msg)
        return _Measured(measured, positions)

    found: _Measured = cached(inputs, "access.service_access", build)
    return found


def _grouped(inputs: Inputs, name: str) -> tuple[_Measured, Groups]:
    by = check_by(inputs, name, _PLACES)
    measured = _measured(inputs, name)
    org = organisation(inputs, name)
    return measured, groups(org, measured.positions, by, name)


def _access(
    name: str, unit: str, description: str, formula: str
) -> Callable[[Callable[[Inputs], Result]], Callable[[Inputs], Result]]:
    return metric(
        name,
        needs=("org",),
        unit=unit,
        description=description,
        by=_PLACES,
        sets=("access",),
        formula=formula,
        source=_SOURCE,
    )


@_access(
    "access.coverage",
    "share",
    "The share of households within 15 minutes of a service site (15分钟便民服务圈).",
    "households of units within the threshold of a site ÷ households of all units",
)
def coverage(inputs: Inputs) -> Result:
    """The share of households within the service circle: 15 minutes of a site by default.

    Formula: Σ households of the units (grids by default; each unit's subtree total) whose
    travel time to the nearest site is at most the threshold ÷ Σ households of all units of
    the tier, as :meth:`ServiceAccess.coverage <gridorg.ServiceAccess.coverage>` computes it.
    Units without a location count as not covered. NaN without households.
    Source: DOMAIN.md §3 (the 15-minute convenient service circle).
    """
    measured, found = _grouped(inputs, "access.coverage")
    access = measured.access
    inside = access.within()
    covered = np.where(inside, access.households, 0)
    return found.value(ratio(found.sum(covered), found.sum(access.households)))


def _finite(measured: _Measured, found: Groups) -> tuple[npt.NDArray[np.float64], Groups]:
    minutes = measured.access.minutes
    reached = np.isfinite(minutes)
    if found.keys is None:
        return minutes[reached], Groups(None, found.index[: int(reached.sum())])
    return minutes[reached], Groups(found.keys, found.index[reached])


@_access(
    "access.mean_minutes",
    "minutes",
    "The mean travel time from a unit to its nearest service site.",
    "mean over located units that reach a site of their travel time to the nearest site",
)
def mean_minutes(inputs: Inputs) -> Result:
    """The mean travel time, in minutes, from a unit (a grid by default) to its nearest site.

    Formula: Σ minutes ÷ units, over the units with a location that reach a site (units
    count once each, not weighted by households), as :meth:`ServiceAccess.mean
    <gridorg.ServiceAccess.mean>`. NaN when no unit reaches a site. Source: DOMAIN.md §3.
    """
    measured, found = _grouped(inputs, "access.mean_minutes")
    minutes, reached = _finite(measured, found)
    return reached.value(ratio(reached.sum(minutes), reached.sum()))


@_access(
    "access.p95_minutes",
    "minutes",
    "The 95th percentile of the travel time from a unit to its nearest service site.",
    "95th percentile (linear interpolation) over located units that reach a site",
)
def p95_minutes(inputs: Inputs) -> Result:
    """The 95th percentile of the travel time, in minutes, to the nearest site.

    Formula: the 95th percentile (linear interpolation between order statistics, as
    ``numpy.percentile``) of the minutes of the units with a location that reach a site, as
    :meth:`ServiceAccess.percentile <gridorg.ServiceAccess.percentile>`. NaN when no unit
    reaches a site. Source: DOMAIN.md §3.
    """
    measured, found = _grouped(inputs, "access.p95_minutes")
    minutes, reached = _finite(measured, found)
    return reached.value(reached.quantile(minutes, 0.95))
