"""Organisation: construction, validation, queries and exports on hand-worked examples."""

from __future__ import annotations

import pickle
from typing import Any

import networkx as nx
import numpy as np
import pytest

import gridorg
from gridorg import (
    ArgumentTypeError,
    HierarchyError,
    InvalidArgumentError,
    LevelScheme,
    Organisation,
    PartyForm,
    RecordError,
    Tier,
    Unit,
    UnknownTierError,
    UnknownUnitError,
)

# A small street, written out by hand. Households, members and gridders are attached to each
# unit itself; the expected subtree sums below were worked out on paper.
#
# S1 street (working committee)           members 5
# ├── C1 community (general branch)       members 4
# │   ├── B1 community (branch)           members 3
# │   │   ├── G1 grid (group)             hh 20, members 6, gridders 2
# │   │   │   ├── H1 household            hh 12, members 1
# │   │   │   └── H2 household            hh 14, members 1
# │   │   └── G2 grid (group)             hh 30, members 2, gridders 1
# │   └── G3 grid (no party group)        hh 250, gridders 3
# └── C2 community (branch)               members 7
#     └── G4 grid (group)                 hh 10, members 3, gridders 2
#         └── H3 household                hh 11, members 1
RECORDS: list[dict[str, Any]] = [
    {
        "id": "S1",
        "name": "峨岭街道",
        "tier": "street",
        "form": "working_committee",
        "party_members": 5,
    },
    {
        "id": "C1",
        "name": "团结社区党总支",
        "tier": "community",
        "form": "general_branch",
        "parent": "S1",
        "party_members": 4,
    },
    {"id": "B1", "tier": "community", "form": "branch", "parent": "C1", "party_members": 3},
    {
        "id": "G1",
        "tier": "grid",
        "form": "group",
        "parent": "B1",
        "households": 20,
        "party_members": 6,
        "gridders": 2,
    },
    {
        "id": "H1",
        "tier": "household",
        "form": "central_household",
        "parent": "G1",
        "households": 12,
        "party_members": 1,
    },
    {
        "id": "H2",
        "tier": "household",
        "form": "central_household",
        "parent": "G1",
        "households": 14,
        "party_members": 1,
        "attributes": {"phone": ["138", "139"]},
    },
    {
        "id": "G2",
        "tier": "grid",
        "form": "group",
        "parent": "B1",
        "households": 30,
        "party_members": 2,
        "gridders": 1,
    },
    {"id": "G3", "tier": "grid", "parent": "C1", "households": 250, "gridders": 3},
    {"id": "C2", "tier": "community", "form": "branch", "parent": "S1", "party_members": 7},
    {
        "id": "G4",
        "tier": "grid",
        "form": "group",
        "parent": "C2",
        "households": 10,
        "party_members": 3,
        "gridders": 2,
    },
    {
        "id": "H3",
        "tier": "household",
        "form": "central_household",
        "parent": "G4",
        "households": 11,
        "party_members": 1,
    },
]
PREORDER = ["S1", "C1", "B1", "G1", "H1", "H2", "G2", "G3", "C2", "G4", "H3"]


@pytest.fixture
def org() -> Organisation:
    return Organisation.from_records(RECORDS, name="example")


def ids(units: tuple[Unit, ...] | list[Unit]) -> list[str]:
    return [u.id for u in units]


# ---------------------------------------------------------------- construction and export


def test_records_in_any_order_give_the_same_tree(org: Organisation) -> None:
    shuffled = [RECORDS[i] for i in (10, 4, 0, 7, 2, 9, 5, 1, 8, 3, 6)]
    again = Organisation.from_records(shuffled, name="example")
    # The children order follows the input order, so compare the parent map and fields.
    assert sorted(again) == sorted(org)
    assert {u.id: u for u in again.values()} == {u.id: u for u in org.values()}


def test_storage_is_preorder_with_children_in_input_order(org: Organisation) -> None:
    assert list(org) == PREORDER
    assert [org.index(uid) for uid in PREORDER] == list(range(len(PREORDER)))


def test_unit_view_has_every_field(org: Organisation) -> None:
    h2 = org["H2"]
    assert h2 == Unit(
        "H2",
        "household",
        parent="G1",
        form=PartyForm.CENTRAL_HOUSEHOLD,
        households=14,
        party_members=1,
        attributes={"phone": ["138", "139"]},
    )
    assert org["S1"].name == "峨岭街道"
    assert org["G3"].form is None


def test_attributes_are_copies(org: Organisation) -> None:
    org["H2"].attributes["phone"].append("x")
    assert org["H2"].attributes == {"phone": ["138", "139"]}


@pytest.mark.parametrize("via", ["records", "nested", "networkx", "columns", "units", "pandas"])
def test_every_export_round_trips(org: Organisation, via: str) -> None:
    if via == "records":
        again = Organisation.from_records(org.to_records(), name=org.name)
    elif via == "nested":
        again = Organisation.from_nested(org.to_nested(), name=org.name)
    elif via == "networkx":
        again = Organisation.from_networkx(org.to_networkx())
    elif via == "columns":
        again = Organisation.from_columns(org.to_columns(), name=org.name)
    elif via == "units":
        again = Organisation.from_records(list(org.values()), name=org.name)
    else:
        frame = org.to_pandas().reset_index()
        again = Organisation.from_columns(frame, name=org.name)
    assert again == org
    assert hash(again) == hash(org)


def test_nested_single_root_mapping(org: Organisation) -> None:
    (root,) = org.to_nested()
    assert root["id"] == "S1"
    assert [c["id"] for c in root["children"]] == ["C1", "C2"]
    assert Organisation.from_nested(root, name="example") == org


def test_networkx_view_is_a_real_digraph(org: Organisation) -> None:
    graph = org.to_networkx()
    assert isinstance(graph, nx.DiGraph)
    assert nx.is_arborescence(graph)
    assert graph.number_of_edges() == len(org) - 1
    assert graph.nodes["G1"]["households"] == 20
    assert graph.graph["scheme"] == org.scheme


def test_columns_fast_path_with_codes_and_positions() -> None:
    columns = {
        "id": np.array(["S", "C", "G", "H"]),
        "parent": np.array([-1, 0, 1, 2]),
        "tier": np.array([0, 1, 2, 3], dtype=np.int8),
        "form": np.array([0, 3, -1, 5], dtype=np.int8),
        "households": np.array([0, 0, 120, 12]),
    }
    org = Organisation.from_columns(columns)
    assert org["H"] == Unit("H", "household", parent="G", form="central_household", households=12)
    assert org["G"].form is None
    assert org.total("C", "households") == 132


def test_columns_accept_missing_values_for_parent_and_form() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "id": ["S", "C"],
            "tier": ["street", "community"],
            "parent": [np.nan, "S"],
            "form": [None, "branch"],
        }
    )
    org = Organisation.from_columns(frame)
    assert org["S"].parent is None
    assert org["S"].form is None


def test_empty_organisation() -> None:
    empty = Organisation.empty()
    assert len(empty) == 0
    assert list(empty) == []
    assert empty.roots() == ()
    assert empty.counts("tier") == {"street": 0, "community": 0, "grid": 0, "household": 0}
    assert Organisation.from_records(empty.to_records()) == empty
    assert list(empty.walk()) == []


def test_pickle_round_trip_rebuilds_the_index(org: Organisation) -> None:
    again = pickle.loads(pickle.dumps(org))
    assert again == org
    assert again["G4"] == org["G4"]
    assert again.index("H3") == 10


def test_custom_scheme_with_a_county_on_top() -> None:
    scheme = LevelScheme(["county", *gridorg.DEFAULT_SCHEME.tiers])
    org = Organisation.from_records(
        [
            {"id": "K", "tier": "county"},
            {"id": "S", "tier": "street", "parent": "K"},
            {"id": "C", "tier": "community", "parent": "S"},
        ],
        scheme=scheme,
    )
    assert org.ancestor_at("C", "county") == org["K"]
    assert org.counts("tier")["county"] == 1
    with pytest.raises(HierarchyError, match="expected tier street"):
        Organisation.from_records(
            [{"id": "K", "tier": "county"}, {"id": "C", "tier": "community", "parent": "K"}],
            scheme=scheme,
        )


def test_roots_may_sit_at_any_tier() -> None:
    org = Organisation.from_records(
        [
            {"id": "C", "tier": "community"},
            {"id": "G", "tier": "grid", "parent": "C"},
            {"id": "lone", "tier": "grid"},
        ]
    )
    assert ids(org.roots()) == ["C", "lone"]
    assert org.ancestor_at("G", "street") is None


# ---------------------------------------------------------------- malformed input

MALFORMED_RECORDS: list[tuple[str, list[Any], type[Exception], str, str]] = [
    ("missing id", [{"tier": "street"}], RecordError, "missing_field", "'id'"),
    ("missing tier", [{"id": "S"}], RecordError, "missing_field", "'tier'"),
    ("id not a string", [{"id": 7, "tier": "street"}], RecordError, "invalid_id", "7 (int)"),
    ("empty id", [{"id": "", "tier": "street"}], RecordError, "invalid_id", "empty"),
    ("padded id", [{"id": " S", "tier": "street"}], RecordError, "invalid_id", "whitespace"),
    (
        "ideographic space id",
        [{"id": "S\u3000", "tier": "street"}],
        RecordError,
        "invalid_id",
        "whitespace",
    ),
    (
        "unknown field",
        [{"id": "S", "tier": "street", "househlds": 3}],
        RecordError,
        "unknown_field",
        "did you mean 'households'",
    ),
    ("unknown tier", [{"id": "S", "tier": "streets"}], RecordError, "unknown_tier", "'streets'"),
    (
        "unknown form",
        [{"id": "S", "tier": "street", "form": "cell"}],
        RecordError,
        "unknown_form",
        "'cell'",
    ),
    (
        "negative count",
        [{"id": "S", "tier": "street", "households": -1}],
        RecordError,
        "invalid_count",
        "households must be a non-negative integer, got -1",
    ),
    (
        "float count",
        [{"id": "S", "tier": "street", "gridders": 2.0}],
        RecordError,
        "invalid_count",
        "2.0 (float)",
    ),
    (
        "bool count",
        [{"id": "S", "tier": "street", "party_members": True}],
        RecordError,
        "invalid_count",
        "True (bool)",
    ),
    (
        "string count",
        [{"id": "S", "tier": "street", "households": "3"}],
        RecordError,
        "invalid_count",
        "'3' (str)",
    ),
    (
        "absurd count",
        [{"id": "S", "tier": "street", "households": 10**12}],
        RecordError,
        "invalid_count",
        "absurdly large",
    ),
    (
        "name not a string",
        [{"id": "S", "tier": "street", "name": None}],
        RecordError,
        "invalid_name",
        "None",
    ),
    (
        "attributes not a mapping",
        [{"id": "S", "tier": "street", "attributes": [1]}],
        RecordError,
        "invalid_attributes",
        "must be a mapping",
    ),
    (
        "attributes with nan",
        [{"id": "S", "tier": "street", "attributes": {"x": float("nan")}}],
        RecordError,
        "invalid_attributes",
        "nan",
    ),
    (
        "attributes with a set",
        [{"id": "S", "tier": "street", "attributes": {"x": {1}}}],
        RecordError,
        "invalid_attributes",
        "not JSON-compatible",
    ),
    (
        "attributes with int key",
        [{"id": "S", "tier": "street", "attributes": {1: "a"}}],
        RecordError,
        "invalid_attributes",
        "non-string key",
    ),
    (
        "parent not a string",
        [{"id": "S", "tier": "street"}, {"id": "C", "tier": "community", "parent": 0}],
        RecordError,
        "invalid_parent",
        "0 (int)",
    ),
    (
        "record not a mapping",
        [{"id": "S", "tier": "street"}, ("C", "community")],
        RecordError,
        "invalid_record",
        "record 1",
    ),
    (
        "dangling parent",
        [{"id": "C", "tier": "community", "parent": "S9"}],
        HierarchyError,
        "missing_parent",
        "'S9' does not exist",
    ),
    (
        "duplicate id",
        [{"id": "S", "tier": "street"}, {"id": "S", "tier": "street"}],
        HierarchyError,
        "duplicate_id",
        "record 0",
    ),
    (
        "own parent",
        [{"id": "C", "tier": "community", "form": "branch", "parent": "C"}],
        HierarchyError,
        "cycle",
        "its own parent",
    ),
    (
        "cycle",
        [
            {"id": "A", "tier": "community", "form": "committee", "parent": "B"},
            {"id": "B", "tier": "community", "form": "general_branch", "parent": "C"},
            {"id": "C", "tier": "community", "form": "branch", "parent": "A"},
        ],
        HierarchyError,
        "cycle",
        "'A' -> 'B' -> 'C' -> 'A'",
    ),
    (
        "grid under street",
        [{"id": "S", "tier": "street"}, {"id": "G", "tier": "grid", "parent": "S"}],
        HierarchyError,
        "tier_order",
        "expected tier community",
    ),
    (
        "street under community",
        [{"id": "C", "tier": "community"}, {"id": "S", "tier": "street", "parent": "C"}],
        HierarchyError,
        "tier_order",
        "top tier",
    ),
    (
        "branch containing general branch",
        [
            {"id": "B", "tier": "community", "form": "branch"},
            {"id": "GB", "tier": "community", "form": "general_branch", "parent": "B"},
        ],
        HierarchyError,
        "tier_order",
        "party form above form general_branch",
    ),
    (
        "same tier without forms",
        [{"id": "G", "tier": "grid"}, {"id": "G2", "tier": "grid", "parent": "G"}],
        HierarchyError,
        "tier_order",
        "only units with a party form",
    ),
    (
        "form not allowed at tier",
        [{"id": "S", "tier": "street", "form": "group"}],
        HierarchyError,
        "form_not_allowed",
        "not allowed at tier street",
    ),
]


@pytest.mark.parametrize(
    ("case", "records", "error", "code", "fragment"),
    MALFORMED_RECORDS,
    ids=[case[0] for case in MALFORMED_RECORDS],
)
def test_malformed_records_are_rejected_precisely(
    case: str, records: list[Any], error: type[Exception], code: str, fragment: str
) -> None:
    with pytest.raises(error) as info:
        Organisation.from_records(records)
    err = info.value
    assert isinstance(err, gridorg.GridorgError)
    assert isinstance(err, gridorg.ValidationError)
    assert code in [p.code for p in err.problems], err
    assert fragment in str(err)


def test_every_problem_is_reported_at_once() -> None:
    records: list[dict[str, Any]] = [
        {"id": "S", "tier": "street"},
        {"id": "S", "tier": "street"},
        {"id": "C", "tier": "community", "parent": "nowhere"},
        {"id": "G", "tier": "grid", "parent": "S", "households": -5},
        {"id": "X", "tier": "village"},
    ]
    with pytest.raises(RecordError) as info:
        Organisation.from_records(records)
    codes = {p.code for p in info.value.problems}
    assert codes == {
        "duplicate_id",
        "missing_parent",
        "tier_order",
        "invalid_count",
        "unknown_tier",
    }
    by_unit = {(p.unit, p.code) for p in info.value.problems}
    assert ("G", "invalid_count") in by_unit
    assert ("C", "missing_parent") in by_unit
    assert all(p.index is not None for p in info.value.problems)
    assert "5 problems in organisation records" in str(info.value)


def test_errors_subclass_matching_builtins() -> None:
    with pytest.raises(ValueError, match="duplicate id"):
        Organisation.from_records([{"id": "S", "tier": "street"}] * 2)
    with pytest.raises(TypeError):
        Organisation.from_records([{"id": 1, "tier": "street"}])
    with pytest.raises(KeyError):
        Organisation.empty()["nope"]


def test_errors_survive_pickling() -> None:
    with pytest.raises(HierarchyError) as info:
        Organisation.from_records([{"id": "S", "tier": "street"}] * 2)
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is HierarchyError
    assert again.problems == info.value.problems


MALFORMED_OTHER: list[tuple[str, Any, type[Exception], str]] = [
    (
        "records given as one dict",
        lambda: Organisation.from_records({"id": "S"}),  # type: ignore[dict-item]
        ArgumentTypeError,
        "from_nested",
    ),
    (
        "columns of unequal length",
        lambda: Organisation.from_columns({"id": ["S", "C"], "tier": ["street"]}),
        RecordError,
        "column tier has 1 values, expected 2",
    ),
    (
        "float count column",
        lambda: Organisation.from_columns(
            {"id": ["S"], "tier": ["street"], "households": np.array([1.5])}
        ),
        RecordError,
        "dtype float64",
    ),
    (
        "missing id column",
        lambda: Organisation.from_columns({"tier": ["street"]}),
        RecordError,
        "missing required column 'id'",
    ),
    (
        "unknown column",
        lambda: Organisation.from_columns({"id": ["S"], "tier": ["street"], "level": [1]}),
        RecordError,
        "unknown column 'level'",
    ),
    (
        "parent position out of range",
        lambda: Organisation.from_columns(
            {"id": ["S", "C"], "tier": [0, 1], "parent": np.array([-1, 5])}
        ),
        HierarchyError,
        "between 0 and 1, got 5",
    ),
    (
        "tier code out of range",
        lambda: Organisation.from_columns({"id": ["S"], "tier": np.array([9])}),
        RecordError,
        "tier code must be between 0 and 3, got 9",
    ),
    (
        "nested node with parent",
        lambda: Organisation.from_nested({"id": "S", "tier": "street", "parent": "X"}),
        RecordError,
        "no 'parent' field",
    ),
    (
        "nested children not a list",
        lambda: Organisation.from_nested({"id": "S", "tier": "street", "children": "C"}),
        RecordError,
        "$.children",
    ),
    (
        "nested child problem names its path",
        lambda: Organisation.from_nested(
            {
                "id": "S",
                "tier": "street",
                "children": [{"id": "C", "tier": "community", "households": -1}],
            }
        ),
        RecordError,
        "$.children[0].households",
    ),
]


@pytest.mark.parametrize(
    ("case", "call", "error", "fragment"), MALFORMED_OTHER, ids=[c[0] for c in MALFORMED_OTHER]
)
def test_malformed_columns_and_nested_are_rejected(
    case: str, call: Any, error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


def test_networkx_with_two_parents_or_edge_data() -> None:
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_node("S", tier="street")
    graph.add_node("T", tier="street")
    graph.add_node("C", tier="community")
    graph.add_edge("S", "C")
    graph.add_edge("T", "C", weight=1)
    with pytest.raises(RecordError) as info:
        Organisation.from_networkx(graph)
    assert {p.code for p in info.value.problems} >= {"several_parents", "edge_data"}
    with pytest.raises(ArgumentTypeError):
        Organisation.from_networkx(nx.Graph())  # type: ignore[arg-type]


# ---------------------------------------------------------------- queries


def test_mapping_protocol(org: Organisation) -> None:
    assert len(org) == 11
    assert "G3" in org
    assert "nope" not in org
    assert 5 not in org  # type: ignore[comparison-overlap]
    assert org.get("nope") is None
    with pytest.raises(UnknownUnitError, match="'nope' is not in organisation 'example'"):
        org["nope"]
    with pytest.raises(ArgumentTypeError):
        org.index(3)  # type: ignore[arg-type]


def test_parent_children_ancestors(org: Organisation) -> None:
    assert org.parent("G1") == org["B1"]
    assert org.parent("S1") is None
    assert ids(org.children("S1")) == ["C1", "C2"]
    assert ids(org.children("C1")) == ["B1", "G3"]
    assert org.children("H1") == ()
    assert ids(org.ancestors("H2")) == ["G1", "B1", "C1", "S1"]
    assert org.ancestors("S1") == ()
    assert org.depth("H2") == 4
    assert org.depth("G4") == 2


def test_ancestor_at_topmost_and_nearest(org: Organisation) -> None:
    assert org.ancestor_at("H1", "community") == org["C1"]
    assert org.ancestor_at("H1", "community", nearest=True) == org["B1"]
    assert org.ancestor_at("H1", "household") == org["H1"]
    assert org.ancestor_at("C2", "grid") is None
    with pytest.raises(UnknownTierError, match="unknown tier 'county'"):
        org.ancestor_at("H1", "county")


def test_ancestor_at_many_by_ids_and_positions(org: Organisation) -> None:
    leaves = ["H1", "H2", "G2", "G3", "H3"]
    found = org.ancestor_at_many(leaves, "community")
    assert org.ids_at(found) == ["C1", "C1", "C1", "C1", "C2"]
    nearest = org.ancestor_at_many(org.indices(leaves), "community", nearest=True)
    assert org.ids_at(nearest) == ["B1", "B1", "B1", "C1", "C2"]
    grids = org.ancestor_at_many(np.array([0, 4, 8]), "grid")
    assert org.ids_at(grids) == [None, "G1", None]
    with pytest.raises(UnknownUnitError):
        org.ancestor_at_many(np.array([0, 11]), "grid")
    with pytest.raises(UnknownUnitError, match="'zz'"):
        org.ancestor_at_many(["H1", "zz"], "grid")


def test_subtree_leaves_roots(org: Organisation) -> None:
    assert ids(org.subtree("B1")) == ["B1", "G1", "H1", "H2", "G2"]
    assert ids(org.leaves()) == ["H1", "H2", "G2", "G3", "H3"]
    assert ids(org.leaves("C2")) == ["H3"]
    assert ids(org.roots()) == ["S1"]


def test_units_and_positions_filters(org: Organisation) -> None:
    assert ids(org.units(tier="grid")) == ["G1", "G2", "G3", "G4"]
    assert ids(org.units(tier="grid", form=None)) == ["G3"]
    assert ids(org.units(form="branch")) == ["B1", "C2"]
    assert ids(org.units(form=PartyForm.GROUP, under="C1")) == ["G1", "G2"]
    assert org.positions(tier="household").tolist() == [4, 5, 10]
    with pytest.raises(InvalidArgumentError):
        org.units(form="cell")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, PREORDER),
        ({"order": "post"}, ["H1", "H2", "G1", "G2", "B1", "G3", "C1", "H3", "G4", "C2", "S1"]),
        ({"order": "level"}, ["S1", "C1", "C2", "B1", "G3", "G4", "G1", "G2", "H3", "H1", "H2"]),
        ({"max_depth": 1}, ["S1", "C1", "C2"]),
        ({"start": "C1", "max_depth": 1}, ["C1", "B1", "G3"]),
        ({"stop": lambda u: u.id == "B1"}, ["S1", "C1", "G3", "C2", "G4", "H3"]),
        ({"filter": lambda u: u.tier == "grid"}, ["G1", "G2", "G3", "G4"]),
        (
            {"filter": lambda u: u.tier == "grid", "order": "post", "start": "C1"},
            ["G1", "G2", "G3"],
        ),
        ({"stop": lambda u: u.tier == "grid", "order": "level"}, ["S1", "C1", "C2", "B1"]),
    ],
)
def test_walk_orders_and_pruning(
    org: Organisation, kwargs: dict[str, Any], expected: list[str]
) -> None:
    assert ids(list(org.walk(**kwargs))) == expected


def test_walk_rejects_bad_arguments(org: Organisation) -> None:
    with pytest.raises(InvalidArgumentError):
        list(org.walk(order="in"))  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        list(org.walk(max_depth=-1))


def test_counts_by_tier_form_and_both(org: Organisation) -> None:
    assert org.counts("tier") == {"street": 1, "community": 3, "grid": 4, "household": 3}
    by_form = org.counts("form")
    assert by_form[None] == 1
    assert by_form[PartyForm.BRANCH] == 2
    assert by_form[PartyForm.COMMITTEE] == 0
    assert sum(by_form.values()) == 11
    both = org.counts()
    assert both[("community", PartyForm.BRANCH)] == 2
    assert both[("grid", None)] == 1
    assert sum(both.values()) == 11
    with pytest.raises(InvalidArgumentError):
        org.counts("size")  # type: ignore[arg-type]


def test_totals_are_subtree_sums(org: Organisation) -> None:
    households = dict(zip(org, org.totals("households").tolist(), strict=True))
    assert households == {
        "S1": 347,
        "C1": 326,
        "B1": 76,
        "G1": 46,
        "H1": 12,
        "H2": 14,
        "G2": 30,
        "G3": 250,
        "C2": 21,
        "G4": 21,
        "H3": 11,
    }
    assert org.total("C1", "party_members") == 4 + 3 + 6 + 1 + 1 + 2
    assert org.total("S1", "gridders") == 8
    with pytest.raises(ValueError, match="read-only"):
        org.totals("households")[0] = 1
    with pytest.raises(InvalidArgumentError):
        org.totals("members")  # type: ignore[arg-type]


def test_columns_are_read_only(org: Organisation) -> None:
    parent = org.column("parent")
    assert parent.tolist() == [-1, 0, 1, 2, 3, 3, 2, 1, 0, 8, 9]
    with pytest.raises(ValueError, match="read-only"):
        parent[0] = 3
    with pytest.raises(InvalidArgumentError):
        org.column("names")


def test_positions_helpers(org: Organisation) -> None:
    assert org.id_at(3) == "G1"
    assert org.unit_at(3) == org["G1"]
    assert org.ids_at([0, -1, 10]) == ["S1", None, "H3"]
    assert ids(org.units_at(np.array([10, 0]))) == ["H3", "S1"]
    with pytest.raises(UnknownUnitError):
        org.id_at(11)
    with pytest.raises(ArgumentTypeError):
        org.units_at(np.array([0.5]))


def test_repr_and_nbytes(org: Organisation) -> None:
    text = repr(org)
    assert text.startswith("<Organisation 'example': 11 units;")
    assert "grid 4" in text
    assert org.nbytes > 0


def test_equality_sees_every_field(org: Organisation) -> None:
    assert org == Organisation.from_records(RECORDS, name="example")
    assert org != Organisation.from_records(RECORDS, name="other")
    changed = [dict(r) for r in RECORDS]
    changed[3]["gridders"] = 9
    assert org != Organisation.from_records(changed, name="example")
    assert org != "not an organisation"


# ---------------------------------------------------------------- tiers and forms


def test_party_forms_order_and_labels() -> None:
    assert [f.rank for f in PartyForm] == [0, 1, 2, 3, 4, 5]
    assert PartyForm.GENERAL_BRANCH.label == "党总支"
    assert PartyForm.parse("group") is PartyForm.GROUP
    with pytest.raises(InvalidArgumentError, match="unknown party form 'cell'"):
        PartyForm.parse("cell")
    with pytest.raises(ArgumentTypeError):
        PartyForm.parse(3)


def test_level_scheme_validation() -> None:
    scheme = gridorg.DEFAULT_SCHEME
    assert scheme.names == ("street", "community", "grid", "household")
    assert scheme.index("grid") == 2
    assert scheme["grid"].label == "网格党小组"
    assert "grid" in scheme
    assert LevelScheme.default() is scheme
    with pytest.raises(InvalidArgumentError, match="appears twice"):
        LevelScheme(["a", "a"])
    with pytest.raises(InvalidArgumentError):
        LevelScheme([])
    with pytest.raises(InvalidArgumentError, match="lower-case identifier"):
        Tier("Grid")
    with pytest.raises(ArgumentTypeError):
        Tier("grid", forms="group")
    with pytest.raises(UnknownTierError):
        scheme.index("village")


def test_unit_validates_its_fields() -> None:
    with pytest.raises(RecordError, match="households must be a non-negative integer"):
        Unit("G", "grid", households=-1)
    with pytest.raises(RecordError, match="unknown party form"):
        Unit("G", "grid", form="cell")
    with pytest.raises(RecordError, match="id must not be empty"):
        Unit("", "grid")
    assert Unit("G", "grid", households=np.int64(4)).households == 4
    assert repr(Unit("G", "grid", parent="C", households=3)) == (
        "Unit('G', 'grid', parent='C', households=3)"
    )


@pytest.mark.parametrize(
    "odd",
    ["a\x00b", "\ud800", "网格\x00", "x" * 300, "tab\tinside", "é"],
    ids=["nul", "lone-surrogate", "cjk-nul", "long", "tab", "accent"],
)
def test_unusual_ids_and_names_survive(odd: str) -> None:
    records = [
        {"id": "S", "tier": "street", "name": odd},
        {"id": odd, "tier": "community", "parent": "S", "name": odd + odd},
        {"id": odd + "2", "tier": "community", "parent": "S"},
    ]
    org = Organisation.from_records(records)
    assert org[odd].name == odd + odd
    assert org["S"].name == odd
    assert org.parent(odd + "2") == org["S"]
    assert Organisation.from_records(org.to_records()) == org
    assert Organisation.from_columns(org.to_columns()) == org


# ---------------------------------------------------------------- regressions from review


def test_unordered_column_is_refused() -> None:
    with pytest.raises(ArgumentTypeError, match="in unit order"):
        Organisation.from_columns(
            {"id": ["S1", "S2"], "tier": ["street", "street"], "households": {5, 1000}}
        )


def test_unpickled_and_copied_organisations_stay_read_only(org: Organisation) -> None:
    import copy

    for again in (pickle.loads(pickle.dumps(org)), copy.deepcopy(org)):
        with pytest.raises(ValueError, match="read-only"):
            again.column("households")[2] = 7
        assert again == org


def test_equality_and_hash_agree_on_attribute_values() -> None:
    def one(value: object) -> Organisation:
        return Organisation.from_records(
            [{"id": "S1", "tier": "street", "attributes": {"x": value}}]
        )

    assert one(1) == one(1)
    assert hash(one(1)) == hash(one(1))
    assert one(1) != one(1.0)
    assert one(1) != one(True)
    assert len({one(1), one(1.0), one(True), one(1)}) == 3


def test_attributes_column_length_is_checked() -> None:
    with pytest.raises(RecordError) as info:
        Organisation.from_columns(
            {"id": ["S1"], "tier": ["street"], "attributes": [None, {"x": 1}]}
        )
    assert info.value.problems[0].code == "column_length"


def test_huge_integers_in_columns_are_reported() -> None:
    with pytest.raises(RecordError, match="absurdly large"):
        Organisation.from_columns({"id": ["S1"], "tier": ["street"], "households": [2**70]})


def test_array_valued_id_in_uneven_records_is_reported() -> None:
    with pytest.raises(RecordError) as info:
        Organisation.from_records(
            [
                {"id": np.array([1, 2]), "tier": "street", "name": "x"},
                {"id": "S2", "tier": "street"},
            ]
        )
    assert info.value.problems[0].code == "invalid_id"


def test_invalid_parent_is_reported_for_every_record() -> None:
    with pytest.raises(RecordError) as info:
        Organisation.from_records(
            [
                {"id": "S1", "tier": "street"},
                {"id": "C1", "tier": "community", "parent": 5},
                {"id": "C2", "tier": "community", "parent": 5},
            ]
        )
    assert [(p.code, p.unit) for p in info.value.problems] == [
        ("invalid_parent", "C1"),
        ("invalid_parent", "C2"),
    ]


def test_bad_query_arguments_raise_gridorg_errors(org: Organisation) -> None:
    import attrs

    with pytest.raises(InvalidArgumentError):
        org.counts(by=None)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError):
        org.ancestor_at_many(np.array(0), "street")
    with pytest.raises(ArgumentTypeError):
        org.ancestor_at_many(np.zeros((2, 2), dtype=np.int64), "street")
    with pytest.raises(ArgumentTypeError, match="filter must be a callable"):
        org.walk(filter=5)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError):
        attrs.evolve(org, name=5)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="has 1 tiers"):
        Organisation(org._parts, scheme=LevelScheme(["a"]))
    assert org.get(5) is None  # type: ignore[call-overload]


def test_scheme_and_tier_arguments_raise_gridorg_errors() -> None:
    with pytest.raises(ArgumentTypeError):
        Tier("x", label=5)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError):
        Tier("x", forms=5)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError):
        LevelScheme(5)  # type: ignore[arg-type]
    with pytest.raises(UnknownTierError):
        gridorg.DEFAULT_SCHEME[99]
    with pytest.raises(ArgumentTypeError):
        gridorg.DEFAULT_SCHEME[1.5]  # type: ignore[index]
    assert gridorg.DEFAULT_SCHEME[-1].name == "household"
