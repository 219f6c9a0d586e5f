"""The structure metric set: a hand-computed example, the published counts of the presets, and
properties checked against plain-Python readings of generated organisations."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given

import gridorg
from gridorg import InvalidArgumentError, LevelScheme, Organisation
from gridorg.datasets import songtao, yinjiang
from gridorg.links import Assignment, ContactPoint
from gridorg.metrics import STRUCTURE, Inputs, compute, get
from gridorg.strategies import organisations, organisations_with_links

Expected = float | int | Mapping[str, float | int]

# ---------------------------------------------------------------------- the example


def _unit(uid: str, tier: str, parent: str | None, form: str | None, **fields: Any) -> Any:
    return {"id": uid, "tier": tier, "parent": parent, "form": form, **fields}


#: Two streets. S1 holds C1 (a general branch with two nested branches, C1a and C1b), and C2;
#: S2 holds C3 (no form, no grid). G2 is led by its branch, G3 has no party group, G4 has
#: people assigned as its household head and no household unit.
RECORDS = [
    _unit("S1", "street", None, "working_committee", party_members=4),
    _unit("C1", "community", "S1", "general_branch", party_members=5),
    _unit("C1a", "community", "C1", "branch"),
    _unit("G1", "grid", "C1a", "group", households=5, gridders=1, party_members=2),
    _unit("H1", "household", "G1", "central_household", households=12, party_members=1),
    _unit("H2", "household", "G1", "central_household", households=10, party_members=1),
    _unit("H4", "household", "G1", "central_household", households=8, party_members=1),
    _unit("G2", "grid", "C1a", None, households=50, attributes={"led_by": "C1a"}),
    _unit("C1b", "community", "C1", "branch"),
    _unit("G3", "grid", "C1b", None, households=30, gridders=2, party_members=1),
    _unit("H3", "household", "G3", "central_household", households=15, party_members=1),
    _unit("C2", "community", "S1", "branch"),
    _unit("G4", "grid", "C2", "group", households=80, gridders=1, party_members=3),
    _unit("S2", "street", None, "committee", party_members=2),
    _unit("C3", "community", "S2", None),
]


def example() -> Organisation:
    org = Organisation.from_records(RECORDS)
    return org.with_links(
        [
            Assignment("P1", "G2", role="gridder"),
            Assignment("P2", "G4", role="household_head"),
            ContactPoint("L1", "C3"),
            ContactPoint("L2", "G1"),
        ],
        people=[
            gridorg.Person("P1", roles={"gridder"}),
            gridorg.Person("P2", roles={"household_head"}),
            gridorg.Person("L1", roles={"county_leader"}),
            gridorg.Person("L2", roles={"county_leader"}),
        ],
        sites=[
            gridorg.ServiceSite("X1", kind="party_mass_centre", host="C1"),
            gridorg.ServiceSite("X2", kind="red_station", host="G4"),
        ],
    )


NAN = math.nan
TIERS = ("street", "community", "grid", "household")


def tiers(*values: float | int) -> dict[str, float | int]:
    return dict(zip(TIERS, values, strict=True))


def streets(s1: float | int, s2: float | int) -> dict[str, float | int]:
    return {"S1": s1, "S2": s2}


def communities(c1: float | int, c2: float | int, c3: float | int) -> dict[str, float | int]:
    return {"C1": c1, "C2": c2, "C3": c3}


#: Worked out by hand from RECORDS (see the comments there), metric by metric.
EXPECTED: dict[tuple[str, str | None], Expected] = {
    ("structure.units", None): 15,
    ("structure.units", "tier"): tiers(2, 5, 4, 4),
    ("structure.units", "street"): streets(13, 2),
    ("structure.units", "community"): communities(10, 2, 1),
    ("structure.streets", None): 2,
    ("structure.communities", None): 3,
    ("structure.communities", "street"): streets(2, 1),
    ("structure.grids", None): 4,
    ("structure.grids", "street"): streets(4, 0),
    ("structure.grids", "community"): communities(3, 1, 0),
    ("structure.working_committees", None): 1,
    ("structure.working_committees", "tier"): tiers(1, 0, 0, 0),
    ("structure.committees", None): 1,
    ("structure.committees", "street"): streets(0, 1),
    ("structure.general_branches", None): 1,
    ("structure.general_branches", "tier"): tiers(0, 1, 0, 0),
    ("structure.branches", None): 3,
    ("structure.branches", "tier"): tiers(0, 3, 0, 0),
    ("structure.branches", "community"): communities(2, 1, 0),
    ("structure.party_groups", None): 2,
    ("structure.party_groups", "community"): communities(1, 1, 0),
    ("structure.central_households", None): 4,
    ("structure.central_households", "community"): communities(4, 0, 0),
    ("structure.party_organisations", None): 12,
    ("structure.party_organisations", "tier"): tiers(2, 4, 2, 4),
    ("structure.party_organisations", "street"): streets(11, 1),
    ("structure.party_organisations", "community"): communities(8, 2, 0),
    ("structure.households", None): 210,
    ("structure.households", "street"): streets(210, 0),
    ("structure.households", "community"): communities(130, 80, 0),
    ("structure.gridders", None): 5,
    ("structure.gridders", "community"): communities(4, 1, 0),
    ("structure.party_members", None): 21,
    ("structure.party_members", "street"): streets(19, 2),
    ("structure.party_members", "community"): communities(12, 3, 0),
    ("structure.service_sites", None): 2,
    ("structure.service_sites", "street"): streets(2, 0),
    ("structure.service_sites", "community"): communities(1, 1, 0),
    ("structure.party_mass_centres", None): 1,
    ("structure.party_mass_centres", "community"): communities(1, 0, 0),
    ("structure.contact_points", None): 2,
    ("structure.contact_points", "street"): streets(1, 1),
    ("structure.contact_points", "community"): communities(1, 0, 1),
    # children: S1 2, C1 2, C1a 2, G1 3, C1b 1, G3 1, C2 1, S2 1
    ("structure.span_min", None): 1,
    ("structure.span_median", None): 1.5,
    ("structure.span_max", None): 3,
    ("structure.span_min", "tier"): tiers(1, 1, 1, NAN),
    ("structure.span_median", "tier"): tiers(1.5, 1.5, 2.0, NAN),
    ("structure.span_max", "tier"): tiers(2, 2, 3, NAN),
    ("structure.span_median", "street"): streets(2.0, 1.0),
    ("structure.span_max", "community"): communities(3, 1, NAN),
    ("structure.depth", None): 4,
    ("structure.depth", "street"): streets(4, 1),
    ("structure.depth", "community"): communities(4, 2, 1),
    ("structure.grid_party_coverage", None): 0.75,
    ("structure.grid_party_coverage", "street"): streets(0.75, NAN),
    ("structure.grid_party_coverage", "community"): communities(2 / 3, 1.0, NAN),
    ("structure.household_head_coverage", None): 0.75,
    ("structure.household_head_coverage", "community"): communities(2 / 3, 1.0, NAN),
    ("structure.iron_triangle_completeness", None): 0.5,
    ("structure.iron_triangle_completeness", "community"): communities(1 / 3, 1.0, NAN),
    ("structure.contact_point_coverage", None): 1 / 3,
    ("structure.contact_point_coverage", "street"): streets(0.0, 1.0),
    ("structure.gridders_per_1000_households", None): 5 / 210 * 1000,
    ("structure.gridders_per_1000_households", "street"): streets(5 / 210 * 1000, NAN),
    ("structure.gridders_per_1000_households", "community"): communities(
        4 / 130 * 1000, 12.5, NAN
    ),
    ("structure.households_per_gridder", None): 42.0,
    ("structure.households_per_gridder", "community"): communities(32.5, 80.0, NAN),
    ("structure.party_members_per_grid", None): 2.5,
    ("structure.party_members_per_grid", "community"): communities(7 / 3, 3.0, NAN),
}


def same(found: object, expected: object) -> bool:
    """Equal numbers (NaN equal to NaN, floats to 1e-9) or mappings of them, same type class:
    an expected int must come back as an int."""
    if isinstance(expected, Mapping):
        return (
            isinstance(found, Mapping)
            and list(found) == list(expected)
            and all(same(found[k], expected[k]) for k in expected)
        )
    if isinstance(expected, int):
        return type(found) is int and found == expected
    assert isinstance(expected, float)
    if not isinstance(found, int | float):
        return False
    if math.isnan(expected):
        return math.isnan(found)
    return math.isclose(found, expected, rel_tol=1e-9, abs_tol=1e-12)


def value(name: str, org: Organisation, by: str | None = None) -> object:
    return compute(name, org=org, by=by)[name]


@pytest.fixture(scope="module")
def org() -> Organisation:
    return example()


@pytest.mark.parametrize(("name", "by"), list(EXPECTED))
def test_example_by_hand(org: Organisation, name: str, by: str | None) -> None:
    found = value(name, org, by)
    assert same(found, EXPECTED[name, by]), (found, EXPECTED[name, by])


def test_every_structure_metric_is_checked_by_hand() -> None:
    assert set(STRUCTURE.metrics) == {name for name, _ in EXPECTED}


def test_every_metric_documents_formula_and_source() -> None:
    for name in STRUCTURE.metrics:
        found = get(name)
        assert found.formula, name
        assert found.source, name
        assert found.needs == {"org"}
        doc = getattr(found, "function", found).__doc__ or ""
        assert "Formula:" in doc, name
        assert "Source:" in doc, name


def test_the_whole_set_in_one_call(org: Organisation) -> None:
    table = compute("structure", org=org)
    assert all(same(table[n], EXPECTED[n, None]) for n in STRUCTURE.metrics)


def test_unsupported_breakdowns_and_missing_inputs_are_named(org: Organisation) -> None:
    with pytest.raises(InvalidArgumentError, match=r"structure\.streets.*'street'"):
        compute("structure.streets", org=org, by="street")
    with pytest.raises(InvalidArgumentError, match=r"structure\.grid_party_coverage.*tier"):
        compute("structure.grid_party_coverage", org=org, by="tier")
    with pytest.raises(InvalidArgumentError, match=r"structure\.depth.*org"):
        compute("structure.depth")
    # Called directly, a metric checks what it is given too.
    with pytest.raises(InvalidArgumentError, match=r"'structure\.grids' needs an organisation"):
        get("structure.grids")(Inputs())
    with pytest.raises(InvalidArgumentError, match=r"structure\.grids.*by='month'"):
        get("structure.grids")(Inputs(org=org, by="month"))


def test_an_empty_organisation_counts_zero_and_has_no_shares() -> None:
    table = compute("structure", org=Organisation.empty())
    assert table["structure.units"] == 0
    assert table["structure.grids"] == 0
    for name in ("depth", "span_max", "grid_party_coverage", "households_per_gridder"):
        assert math.isnan(table.value(f"structure.{name}"))


def test_a_scheme_without_grids_has_no_grid_coverage() -> None:
    scheme = LevelScheme(["district", "quarter"])
    org = Organisation.from_records(
        [{"id": "D", "tier": "district"}, {"id": "Q", "tier": "quarter", "parent": "D"}],
        scheme=scheme,
    )
    assert value("structure.grids", org) == 0
    assert math.isnan(value("structure.iron_triangle_completeness", org))  # type: ignore[arg-type]
    assert value("structure.communities", org, "street") == {}
    assert same(value("structure.span_max", org, "tier"), {"district": 1, "quarter": NAN})


# ---------------------------------------------------------------------- the seed check

#: The exact counts DOMAIN.md §5 publishes, as (figure, metric, breakdown key, value); a key
#: reads the value broken down by tier. "Further service sites" is sites less the centres.
PUBLISHED: dict[str, list[tuple[str, str, str | None, int]]] = {
    "yinjiang": [
        ("community party general branches", "structure.general_branches", "community", 3),
        ("party branches", "structure.branches", None, 21),
        ("grid party groups", "structure.party_groups", "grid", 173),
        ("community party-mass service centres", "structure.party_mass_centres", None, 14),
        ("red stations, neighbourhood centres etc.", "further sites", None, 21),
    ],
    "songtao": [
        ("community party committees", "structure.committees", "community", 4),
        ("general branches", "structure.general_branches", None, 3),
        ("branches", "structure.branches", None, 29),
        ("grid party groups", "structure.party_groups", "grid", 73),
        ("community party-mass service centres", "structure.party_mass_centres", None, 12),
        ("comprehensive grids after 多网合一", "structure.grids", None, 102),
        ("leaders as contact points (27 + 8 + 10)", "structure.contact_points", None, 45),
    ],
}
PRESETS: dict[str, Callable[[], Organisation]] = {"yinjiang": yinjiang, "songtao": songtao}


@pytest.mark.parametrize("preset", list(PUBLISHED))
def test_the_presets_reproduce_the_published_counts(preset: str) -> None:
    org = PRESETS[preset]()
    overall = compute("structure", org=org)
    by_tier = compute([n for n in STRUCTURE.metrics if "tier" in get(n).by], org=org, by="tier")
    for figure, name, tier, published in PUBLISHED[preset]:
        if name == "further sites":
            sites = overall.value("structure.service_sites")
            found = sites - overall.value("structure.party_mass_centres")
        elif tier is None:
            found = overall.value(name)
        else:
            found = by_tier.value(name, tier)
        assert found == published, figure
    # Every grid has its party organisation and its iron triangle in both presets.
    assert overall["structure.grid_party_coverage"] == 1.0
    assert overall["structure.iron_triangle_completeness"] == 1.0


# ---------------------------------------------------------------------- properties


class Tree:
    """A plain reading of ``org.to_records()``: parents, tiers, forms and counts by id."""

    def __init__(self, org: Organisation) -> None:
        self.records = org.to_records()
        self.parent = {r["id"]: r.get("parent") for r in self.records}
        self.tier = {r["id"]: r["tier"] for r in self.records}

    def topmost(self, uid: str, tier: str) -> str | None:
        found: str | None = None
        k: str | None = uid
        while k is not None:
            if self.tier[k] == tier:
                found = k
            k = self.parent[k]
        return found

    def heads(self, tier: str) -> list[str]:
        """The units of ``tier`` whose parent is not of ``tier``, in preorder."""
        return [
            r["id"]
            for r in self.records
            if r["tier"] == tier and (r.get("parent") is None or self.tier[r["parent"]] != tier)
        ]

    def depth(self, uid: str) -> int:
        steps, k = 0, self.parent[uid]
        while k is not None:
            steps, k = steps + 1, self.parent[k]
        return steps


def group(tree: Tree, by: str, items: Sequence[tuple[str, float]]) -> dict[str, list[float]]:
    """The values of ``items`` (unit id, value) under each street or community."""
    out: dict[str, list[float]] = {key: [] for key in tree.heads(by)}
    for uid, v in items:
        key = tree.topmost(uid, by)
        if key is not None:
            out[key].append(v)
    return out


def share(values: list[float]) -> float:
    return sum(values) / len(values) if values else NAN


@given(organisations(max_units=40))
def test_span_of_control_matches_counting_children(org: Organisation) -> None:
    tree = Tree(org)
    kids = Counter(r["parent"] for r in tree.records if r.get("parent") is not None)
    parents = [(uid, kids[uid]) for uid in tree.parent if kids[uid]]
    per_tier: dict[str, list[int]] = {t: [] for t in org.scheme.names}
    for uid, n in parents:
        per_tier[tree.tier[uid]].append(n)
    reductions: dict[str, Callable[[list[int]], float | int]] = {
        "structure.span_min": min,
        "structure.span_median": lambda ns: float(statistics.median(ns)),
        "structure.span_max": max,
    }
    for name, reduce in reductions.items():
        assert same(value(name, org), reduce([n for _, n in parents]) if parents else NAN)
        expected = {t: reduce(ns) if ns else NAN for t, ns in per_tier.items()}
        assert same(value(name, org, "tier"), expected)


@given(organisations_with_links(max_units=30))
def test_coverage_matches_iron_triangle_grid_by_grid(org: Organisation) -> None:
    tree = Tree(org)
    grids = [uid for uid in tree.parent if tree.tier[uid] == "grid"]
    triangles = {g: org.iron_triangle(g) for g in grids}
    parts: dict[str, Callable[[gridorg.IronTriangle], bool]] = {
        "structure.grid_party_coverage": lambda t: t.party is not None,
        "structure.household_head_coverage": lambda t: t.household_heads > 0,
        "structure.iron_triangle_completeness": lambda t: t.complete,
    }
    for name, part in parts.items():
        hits = [(g, float(part(triangles[g]))) for g in grids]
        assert same(value(name, org), share([h for _, h in hits]))
        for by in ("street", "community"):
            expected = {k: share(v) for k, v in group(tree, by, hits).items()}
            assert same(value(name, org, by), expected)


@given(organisations_with_links(max_units=30))
def test_counts_and_ratios_match_a_walk_over_the_records(org: Organisation) -> None:
    tree = Tree(org)
    links = [org.links[i] for i in range(len(org.links))]
    assigned = Counter(
        link.unit
        for link in links
        if isinstance(link, Assignment) and link.role is gridorg.Role.GRIDDER
    )
    contacts = Counter(link.unit for link in links if isinstance(link, ContactPoint))
    rows = {r["id"]: r for r in tree.records}
    per_unit: dict[str, Callable[[str], float]] = {
        "structure.units": lambda u: 1.0,
        "structure.grids": lambda u: float(tree.tier[u] == "grid"),
        "structure.branches": lambda u: float(rows[u].get("form") == "branch"),
        "structure.households": lambda u: float(rows[u].get("households", 0)),
        "structure.party_members": lambda u: float(rows[u].get("party_members", 0)),
        "structure.gridders": lambda u: float(rows[u].get("gridders", 0) + assigned[u]),
        "structure.contact_points": lambda u: float(contacts[u]),
    }
    for name, of in per_unit.items():
        items = [(u, of(u)) for u in tree.parent]
        total = sum(v for _, v in items)
        assert same(value(name, org), round(total))
        for by in ("street", "community"):
            expected = {k: round(sum(v)) for k, v in group(tree, by, items).items()}
            assert same(value(name, org, by), expected)
            outside = sum(v for u, v in items if tree.topmost(u, by) is None)
            assert sum(expected.values()) + outside == total  # the breakdown adds up
        if "tier" in get(name).by:
            found = value(name, org, "tier")
            assert isinstance(found, dict)
            assert sum(found.values()) == total
    gridders = sum(per_unit["structure.gridders"](u) for u in tree.parent)
    households = sum(per_unit["structure.households"](u) for u in tree.parent)
    assert same(
        value("structure.gridders_per_1000_households", org),
        1000 * gridders / households if households else NAN,
    )
    assert same(
        value("structure.households_per_gridder", org),
        households / gridders if gridders else NAN,
    )


@given(organisations_with_links(max_units=30))
def test_depth_members_and_contact_points_match_the_records(org: Organisation) -> None:
    tree = Tree(org)
    depths = [(u, float(tree.depth(u))) for u in tree.parent]
    assert same(value("structure.depth", org), max((d for _, d in depths), default=NAN))
    for by in ("street", "community"):
        expected = {k: max(v, default=NAN) for k, v in group(tree, by, depths).items()}
        assert same(value("structure.depth", org, by), expected)
    grids = [u for u in tree.parent if tree.tier[u] == "grid"]
    members = [(g, float(org.total(g, "party_members"))) for g in grids]
    assert same(value("structure.party_members_per_grid", org), share([m for _, m in members]))
    heads = tree.heads("community")
    reached = [(c, float(len(org.contact_points(c)) > 0)) for c in heads]
    # Nothing above a community can be a contact point: inheriting adds nothing.
    assert all(
        len(org.contact_points(c, inherited=True)) == len(org.contact_points(c)) for c in heads
    )
    assert same(value("structure.contact_point_coverage", org), share([r for _, r in reached]))
    expected = {k: share(v) for k, v in group(tree, "street", reached).items()}
    assert same(value("structure.contact_point_coverage", org, "street"), expected)
    assert value("structure.communities", org) == len(heads)


def test_breakdowns_use_topmost_units_on_a_preset() -> None:
    org = songtao()
    grids = value("structure.grids", org, "community")
    assert isinstance(grids, dict)
    assert sum(grids.values()) == 102
    assert len(grids) == 12
    positions = org.positions(tier="grid")
    keys = org.ids_at(org.ancestor_at_many(positions, "community"))
    assert grids == dict(Counter(keys)) | {k: 0 for k in grids if k not in keys}
    assert np.all(org.column("tier")[org.indices(list(grids))] == 1)
