"""Drawing a simulation's arrivals: Poisson counts per day and category, then issue columns."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from gridorg.errors import InvalidArgumentError
from gridorg.issue import Channel

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation
    from gridorg.simulation import Arrivals

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
HOUR_US = 3_600_000_000


@attrs.frozen
class Drawn:
    """Arrivals as columns, in time order: hours after the start and issue attributes."""

    hours: F64
    category: I64  # positions in the organisation's category catalogue
    origin: I64  # unit positions
    urgency: I64
    importance: I64
    channel: list[str]

    def __len__(self) -> int:
        return len(self.hours)


def day_rates(arrivals: Arrivals, start: dt.datetime, days: float, codes: list[str]) -> F64:
    """The Poisson means per (day slice, category in ``codes``) over the horizon."""
    slices = max(1, math.ceil(days))
    weekly = np.asarray(arrivals.weekly, dtype=np.float64)
    weekly = weekly / weekly.mean()
    seasonal = np.asarray(arrivals.seasonal, dtype=np.float64)
    seasonal = seasonal / seasonal.mean()
    local = start.astimezone(start.tzinfo)
    factor = np.empty(slices, dtype=np.float64)
    for d in range(slices):
        when = local + dt.timedelta(days=d)
        share = min(1.0, days - d)
        factor[d] = weekly[when.weekday()] * seasonal[when.month - 1] * share
    per_day = np.array([arrivals.per_day.get(code, 0.0) for code in codes], dtype=np.float64)
    rates: F64 = factor[:, None] * per_day[None, :]
    return rates


def origin_pool(org: Organisation, spread: str) -> tuple[I64, F64]:
    """The positions issues may arise at (tier grid and below) and their probabilities."""
    names = org.scheme.names
    if "grid" not in names:
        msg = f"the organisation's scheme ({', '.join(names)}) has no grid tier to draw origins"
        raise InvalidArgumentError(msg)
    tiers = np.asarray(org.column("tier"))
    pool = np.flatnonzero(tiers >= names.index("grid")).astype(np.int64)
    if not len(pool):
        msg = "the organisation has no unit at the grid tier or below for issues to arise at"
        raise InvalidArgumentError(msg)
    weights = np.ones(len(pool), dtype=np.float64)
    if spread == "households":
        households = np.asarray(org.column("households"), dtype=np.float64)[pool]
        if households.sum() > 0:
            weights = households
    return pool, weights / weights.sum()


def draw(
    arrivals: Arrivals,
    org: Organisation,
    start: dt.datetime,
    days: float,
    rng: np.random.Generator,
) -> Drawn:
    """Draw every arrival of the horizon (see the simulation module for the model)."""
    codes = list(org.links.categories)
    rates = day_rates(arrivals, start, days, codes)
    counts = rng.poisson(rates)
    total = int(counts.sum())
    flat = counts.ravel()
    cell = np.repeat(np.arange(len(flat), dtype=np.int64), flat)
    day = cell // len(codes)
    share = np.minimum(1.0, days - day)
    hours = (day + rng.random(total) * share) * 24.0
    order = np.argsort(hours, kind="stable")
    hours = hours[order]
    category = (cell % len(codes))[order]
    pool, weights = origin_pool(org, arrivals.spread)
    origin = pool[rng.choice(len(pool), size=total, p=weights)] if total else pool[:0]
    levels = np.arange(1, 5, dtype=np.int64)
    urgency = rng.choice(levels, size=total, p=_normal(arrivals.urgency))
    importance = rng.choice(levels, size=total, p=_normal(arrivals.importance))
    names = list(arrivals.channels)
    shares = _normal(tuple(arrivals.channels.values()))
    picked = rng.choice(len(names), size=total, p=shares)
    table = np.array([Channel.parse(name).value for name in names], dtype=object)
    return Drawn(
        hours=hours,
        category=category,
        origin=origin.astype(np.int64),
        urgency=urgency,
        importance=importance,
        channel=list(table[picked]),
    )


def _normal(values: tuple[float, ...]) -> F64:
    array = np.asarray(values, dtype=np.float64)
    normal: F64 = array / array.sum()
    return normal


def issue_ids(count: int) -> list[str]:
    """The ids ``S000001`` … of ``count`` issues (wider when there are a million or more)."""
    width = max(6, len(str(count)))
    return [f"S{k:0{width}d}" for k in range(1, count + 1)]


def issue_columns(drawn: Drawn, ids: list[str], start_us: int) -> dict[str, Any]:
    """The columns :meth:`~gridorg.Router.route_many` takes for the drawn arrivals."""
    return {
        "id": ids,
        "category": drawn.category,
        "origin": drawn.origin,
        "reported": start_us + np.floor(drawn.hours * HOUR_US).astype(np.int64),
        "urgency": drawn.urgency,
        "importance": drawn.importance,
        "channel": drawn.channel,
    }
