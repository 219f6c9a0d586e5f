"""The access and merge metric sets: hand-computed examples, clear errors for missing inputs,
and properties checked against plain-Python readings of generated inputs."""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gridorg
from gridorg import (
    ArgumentTypeError,
    BaseLayer,
    FunctionalNetwork,
    InvalidArgumentError,
    Location,
    MergeResult,
    Organisation,
    ServiceSite,
    merge_networks,
)
from gridorg.merge import adopt_network
from gridorg.metrics import ACCESS, MERGE, Inputs, compute, get
from gridorg.strategies import base_layers, functional_networks, organisations_with_links

NAN = math.nan

# ---------------------------------------------------------------------- access, by hand

#: Planar metres. One site at the origin; the straight-line travel time is metres × 1.3 (the
#: detour) ÷ 80 (metres a minute): G1 0, G2 6.5, G3 13, G4 19.5 minutes; G5 has no location.
GRIDS = [
    ("G1", "C1", 100, (0.0, 0.0)),
    ("G2", "C1", 200, (400.0, 0.0)),
    ("G3", "C2", 300, (0.0, 800.0)),
    ("G4", "C2", 400, (0.0, -1200.0)),
    ("G5", "C2", 50, None),
]


def placed(*, sites: bool = True, site_location: bool = True, grids: bool = True) -> Organisation:
    records: list[dict[str, Any]] = [
        {"id": "S", "tier": "street"},
        {"id": "C1", "tier": "community", "parent": "S"},
        {"id": "C2", "tier": "community", "parent": "S"},
    ]
    records += [{"id": g, "tier": "grid", "parent": c, "households": h} for g, c, h, _ in GRIDS]
    org = Organisation.from_records(records)
    locations = {g: Location.planar(*xy) for g, _, _, xy in GRIDS if xy is not None and grids}
    where = Location.planar(0.0, 0.0) if site_location else None
    found = [ServiceSite("X", host="C1", location=where)] if sites else []
    if not found and not locations:
        return org
    return org.with_links(sites=found, locations=locations)


ACCESS_EXPECTED: dict[tuple[str, str | None], float | Mapping[str, float]] = {
    ("access.coverage", None): (100 + 200 + 300) / 1050,
    ("access.coverage", "community"): {"C1": 1.0, "C2": 300 / 750},
    ("access.coverage", "street"): {"S": 600 / 1050},
    ("access.mean_minutes", None): (0 + 6.5 + 13 + 19.5) / 4,
    ("access.mean_minutes", "community"): {"C1": 3.25, "C2": 16.25},
    # linear interpolation: position 0.95 × (n - 1) between the order statistics
    ("access.p95_minutes", None): 13 + 0.85 * 6.5,
    ("access.p95_minutes", "community"): {"C1": 0.95 * 6.5, "C2": 13 + 0.95 * 6.5},
}


def same(found: object, expected: object) -> bool:
    if isinstance(expected, Mapping):
        return (
            isinstance(found, Mapping)
            and list(found) == list(expected)
            and all(same(found[k], expected[k]) for k in expected)
        )
    if isinstance(expected, int) and not isinstance(expected, bool):
        return type(found) is int and found == expected
    if not isinstance(found, int | float) or not isinstance(expected, float):
        return False
    if math.isnan(expected):
        return math.isnan(found)
    return math.isclose(found, expected, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize(("name", "by"), list(ACCESS_EXPECTED))
def test_access_by_hand(name: str, by: str | None) -> None:
    found = compute(name, org=placed(), by=by)[name]
    assert same(found, ACCESS_EXPECTED[name, by]), found


def test_the_access_set_in_one_call_and_its_options() -> None:
    org = placed()
    table = compute("access", org=org)
    assert set(table.names) == set(ACCESS.metrics)
    assert table.unit("access.mean_minutes") == "minutes"
    assert same(table["access.coverage"], 600 / 1050)
    # A 10-minute circle leaves out G3 (13 minutes); a slower walk doubles every time.
    ten = compute("access.coverage", org=org, options={"access": {"threshold": 10}})
    assert same(ten["access.coverage"], 300 / 1050)
    slow = {"access": {"travel": gridorg.access.StraightLine(speed=40.0)}}
    assert same(
        compute("access.mean_minutes", org=org, options=slow).value("access.mean_minutes"), 19.5
    )


def test_access_without_what_it_needs_says_what_is_missing() -> None:
    with pytest.raises(InvalidArgumentError, match="needs service sites"):
        compute("access.coverage", org=placed(sites=False))
    with pytest.raises(InvalidArgumentError, match="locations of service sites"):
        compute("access.mean_minutes", org=placed(site_location=False))
    with pytest.raises(InvalidArgumentError, match=r"needs unit locations.*'grid'"):
        compute("access.p95_minutes", org=placed(grids=False))
    tier = {"access": {"tier": "community"}}  # the communities have no location
    with pytest.raises(InvalidArgumentError, match=r"needs unit locations.*'community'"):
        compute("access.coverage", org=placed(), options=tier)
    with pytest.raises(InvalidArgumentError, match=r"unknown options.*'access'.*speed"):
        compute("access.coverage", org=placed(), options={"access": {"speed": 3}})
    with pytest.raises(ArgumentTypeError, match=r"options\['access'\] must be a mapping"):
        compute("access.coverage", org=placed(), options={"access": 15})
    with pytest.raises(InvalidArgumentError, match=r"access\.coverage.*'tier'"):
        compute("access.coverage", org=placed(), by="tier")
    with pytest.raises(InvalidArgumentError, match=r"'access\.coverage' needs an organisation"):
        get("access.coverage")(Inputs())


def test_the_access_metrics_share_one_measurement() -> None:
    inputs = Inputs(org=placed())
    get("access.coverage")(inputs)
    measured = inputs.cache["access.service_access"]
    get("access.p95_minutes")(inputs)
    assert inputs.cache["access.service_access"] is measured


# ---------------------------------------------------------------------- access, properties


def topmost(org: Organisation, uid: str, tier: str) -> str | None:
    found = None
    for unit in (org[uid], *org.ancestors(uid)):
        if unit.tier == tier:
            found = unit.id
    return found


@st.composite
def placed_organisations(draw: st.DrawFn) -> Organisation:
    """Organisations with links, plus a street of one community with one to four grids, up to
    three planar sites and locations for most grids; now and then no site, or no grid, is
    placed, to reach the errors too."""
    org = draw(organisations_with_links(max_units=20, max_sites=0, locations=False))
    extra = draw(st.integers(1, 4))
    if not any(uid in org for uid in ("~S", "~C", *(f"~G{i}" for i in range(extra)))):
        org = org.add_units(
            [
                {"id": "~S", "tier": "street"},
                {"id": "~C", "tier": "community", "parent": "~S"},
                *(
                    {
                        "id": f"~G{i}",
                        "tier": "grid",
                        "parent": "~C",
                        "households": draw(st.integers(0, 500)),
                    }
                    for i in range(extra)
                ),
            ]
        )
    metres = st.floats(-1200, 1200, allow_nan=False)
    grids = [u.id for u in org.units(tier="grid")]
    locations = {
        g: Location.planar(draw(metres), draw(metres))
        for g in grids
        if draw(st.integers(0, 4)) > 0
    }
    count = 0 if draw(st.integers(0, 7)) == 0 else draw(st.integers(1, 3))
    sites = [
        ServiceSite(
            f"~X{i}",
            location=Location.planar(draw(metres), draw(metres))
            if draw(st.integers(0, 5)) > 0
            else None,
        )
        for i in range(count)
        if f"~X{i}" not in org
    ]
    if not sites and not locations:
        return org
    return org.with_links(sites=sites, locations=locations)


@given(placed_organisations())
def test_access_metrics_match_a_reading_of_service_access(org: Organisation) -> None:
    sites = list(org.links.sites.values())
    grids = [u.id for u in org.units(tier="grid")]
    located = [g for g in grids if org.location(g) is not None]
    if not any(s.location is not None for s in sites) or (grids and not located):
        with pytest.raises(InvalidArgumentError, match="needs"):
            compute("access", org=org)
        return
    reference = gridorg.service_access(org)
    minutes = dict(zip(reference.units, reference.minutes.tolist(), strict=True))
    households = dict(zip(reference.units, reference.households.tolist(), strict=True))
    for by in (None, "street", "community"):
        keys: list[str | None] = [None]
        if by is not None:
            keys = [
                u.id for u in org.units(tier=by) if u.parent is None or org[u.parent].tier != by
            ]
        members = {k: [g for g in grids if by is None or topmost(org, g, by) == k] for k in keys}
        coverage, mean, p95 = {}, {}, {}
        for k, units in members.items():
            total = sum(households[g] for g in units)
            inside = sum(households[g] for g in units if minutes[g] <= 15)
            coverage[k] = inside / total if total else NAN
            reached = [minutes[g] for g in units if math.isfinite(minutes[g])]
            mean[k] = statistics.fmean(reached) if reached else NAN
            p95[k] = float(np.percentile(reached, 95)) if reached else NAN
        table = compute("access", org=org, by=by)
        for name, expected in (
            ("access.coverage", coverage),
            ("access.mean_minutes", mean),
            ("access.p95_minutes", p95),
        ):
            wanted: object = expected[None] if by is None else expected
            assert same(table[name], wanted), (name, by)


# ---------------------------------------------------------------------- merge, by hand


def path_layer() -> tuple[BaseLayer, list[FunctionalNetwork]]:
    """Four units in a row in one community, with 10, 20, 30 and 40 households."""
    base = BaseLayer.from_records(
        [{"id": f"u{i}", "community": "A", "households": 10 * i} for i in range(1, 5)],
        [("u1", "u2"), ("u2", "u3"), ("u3", "u4")],
    )
    networks = [
        FunctionalNetwork("party_building", {"p1": ("u1", "u2"), "p2": ("u3", "u4")}),
        FunctionalNetwork("urban_management", {"z1": ("u1",), "z2": ("u2", "u3", "u4")}),
    ]
    return base, networks


#: Adopting the party-building cells: grids {u1, u2} (30 households) and {u3, u4} (70, above
#: the bound 60). Cells p1, p2 and z1 fall in one grid each, z2 in two: 4 cells, 1 split,
#: 5 / 4 grids per cell. Sizes 30 and 70: median 50, population s.d. 20. Each grid has one
#: inner pair and one border pair (u2-u3): compactness 1/2.
MERGE_EXPECTED: dict[str, float | int] = {
    "merge.grids": 2,
    "merge.cells": 4,
    "merge.cells_split": 1,
    "merge.mean_fragments": 1.25,
    "merge.size_min": 30,
    "merge.size_median": 50.0,
    "merge.size_max": 70,
    "merge.size_sd": 20.0,
    "merge.compactness": 0.5,
    "merge.outside_bounds": 1,
}


def test_merge_by_hand() -> None:
    base, networks = path_layer()
    result = adopt_network(networks, base, "party_building", min_households=25, max_households=60)
    table = compute("merge", merge=result)
    assert set(table.names) == set(MERGE_EXPECTED) == set(MERGE.metrics)
    for name, expected in MERGE_EXPECTED.items():
        assert same(table[name], expected), name
        assert get(name).source
    assert table.unit("merge.size_median") == "households"


def test_merge_metrics_need_a_merge() -> None:
    with pytest.raises(InvalidArgumentError, match=r"merge\.grids.*merge"):
        compute("merge.grids", org=placed())
    with pytest.raises(InvalidArgumentError, match=r"'merge\.cells' needs a merge result"):
        get("merge.cells")(Inputs())
    base, networks = path_layer()
    result = adopt_network(networks, base, "party_building", min_households=1, max_households=99)
    with pytest.raises(InvalidArgumentError, match=r"merge\.grids.*'community'"):
        compute("merge.grids", merge=result, by="community")


# ---------------------------------------------------------------------- merge, properties


@st.composite
def merges(draw: st.DrawFn) -> MergeResult:
    base = draw(base_layers(max_units=24))
    networks = draw(functional_networks(base, max_networks=3))
    low = draw(st.integers(0, 100))
    high = draw(st.integers(max(low, 1), 400))
    return merge_networks(networks, base, min_households=low, max_households=high)


@given(merges())
def test_merge_metrics_match_the_crosswalk_and_the_grids(result: MergeResult) -> None:
    sizes = sorted(result.households.values())
    fragments = [len(grids) for table in result.crosswalk().values() for grids in table.values()]
    fragments = [f for f in fragments if f]
    where = {uid: g for g, units in result.grids.items() for uid in units}
    inner = dict.fromkeys(result.grid_ids, 0)
    border = dict.fromkeys(result.grid_ids, 0)
    for a, b in result.base.adjacency().edges():
        if where[a] == where[b]:
            inner[where[a]] += 1
        else:
            border[where[a]] += 1
            border[where[b]] += 1
    compact = [
        inner[g] / (inner[g] + border[g]) if inner[g] + border[g] else 1.0 for g in result.grid_ids
    ]
    expected: dict[str, float | int] = {
        "merge.grids": len(sizes),
        "merge.cells": len(fragments),
        "merge.cells_split": sum(1 for f in fragments if f > 1),
        "merge.mean_fragments": statistics.fmean(fragments) if fragments else 0.0,
        "merge.size_min": sizes[0],
        "merge.size_median": float(statistics.median(sizes)),
        "merge.size_max": sizes[-1],
        "merge.size_sd": statistics.pstdev(sizes),
        "merge.compactness": statistics.fmean(compact),
        "merge.outside_bounds": len(result.infeasible),
    }
    table = compute("merge", merge=result)
    for name, wanted in expected.items():
        assert same(table[name], wanted), (name, table[name], wanted)
