"""Shared example data of the metric tests: the clock and a small two-street organisation."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final
from zoneinfo import ZoneInfo

from gridorg.lists import quarter_bounds

SHANGHAI: Final = ZoneInfo("Asia/Shanghai")
MIN: Final = dt.timedelta(minutes=1)
HOUR: Final = dt.timedelta(hours=1)
#: A Monday morning in the second quarter of 2024, China Standard Time.
T: Final = dt.datetime(2024, 5, 6, 9, 0, tzinfo=SHANGHAI)
Q2: Final = quarter_bounds("2024Q2")

#: Two streets: S1 with communities C1 (grids G1, G2) and C2 (G3); S2 with C3 (G4).
TWO_STREETS: Final[list[dict[str, Any]]] = [
    {"id": "S1", "tier": "street"},
    {"id": "C1", "tier": "community", "parent": "S1"},
    {"id": "G1", "tier": "grid", "parent": "C1"},
    {"id": "G2", "tier": "grid", "parent": "C1"},
    {"id": "C2", "tier": "community", "parent": "S1"},
    {"id": "G3", "tier": "grid", "parent": "C2"},
    {"id": "S2", "tier": "street"},
    {"id": "C3", "tier": "community", "parent": "S2"},
    {"id": "G4", "tier": "grid", "parent": "C3"},
]
