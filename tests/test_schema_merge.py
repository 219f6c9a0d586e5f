"""Tests for the merging documents: base layers, functional networks and merge results."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gridorg
from gridorg import (
    ArgumentTypeError,
    BaseLayer,
    FormatVersionError,
    FunctionalNetwork,
    InvalidArgumentError,
    NetworkError,
    SchemaError,
)
from gridorg.merge import (
    MergeReport,
    MergeResult,
    adopt_network,
    finest_overlay,
    greedy_growing,
    merge_networks,
)
from gridorg.schema import (
    FORMATS,
    dump,
    dump_value,
    dumps_value,
    json_schema,
    load,
    load_value,
    loads_value,
)
from gridorg.strategies import base_layers, functional_networks
from tests.schema_helpers import load_problem, violations

# ---------------------------------------------------------------------- values


def _base() -> BaseLayer:
    """Two communities along a street: WGS84 locations for some units, none for others."""
    records: list[dict[str, Any]] = []
    for i in range(10):
        record: dict[str, Any] = {
            "id": f"楼{i}",
            "community": "团龙社区" if i < 6 else "C2",
            "households": 15 * (i + 1),
        }
        if i % 3:
            record["location"] = {"x": 108.41 + i / 1000, "y": 27.99 - i / 1000}
        records.append(record)
    edges = [(f"楼{i}", f"楼{i + 1}") for i in range(9)] + [("楼0", "楼2"), ("楼9", "楼7")]
    return BaseLayer.from_records(records, edges)


def _networks() -> list[FunctionalNetwork]:
    return [
        FunctionalNetwork(
            "civil_affairs", {"c 1": ["楼0", "楼1", "楼2", "楼3"], "c2": ["楼4", "楼5", "楼6"]}
        ),
        FunctionalNetwork("health", {"h1": ["楼6", "楼7"], "h2": ["楼7", "楼8", "楼9"]}, "卫健"),
        FunctionalNetwork("volunteer_patrol", {"p": ["楼9", "楼9"], "empty": []}),
    ]


def _merged() -> MergeResult:
    return merge_networks(_networks(), _base(), min_households=100, max_households=300)


def _planar() -> BaseLayer:
    return BaseLayer.from_records(
        [
            {"id": "a", "community": "C1", "households": 0, "location": {
                "x": -1250.5, "y": 3.25, "crs": "planar"}},
            {"id": "b", "community": "C1", "households": 7, "location": {
                "x": 1e7, "y": -0.0, "crs": "planar"}},
        ],
        [("b", "a")],
    )  # fmt: skip


def _bare() -> BaseLayer:
    return BaseLayer.from_records(
        [{"id": "u1", "community": "C1", "households": 3}, {"id": "u2", "community": "C1"}]
    )


def _assert_same_base(found: object, expected: BaseLayer) -> None:
    """Round trip for base layers: every field, the adjacency as compressed sparse rows."""
    assert isinstance(found, BaseLayer)
    assert found.ids == expected.ids
    assert found.communities == expected.communities
    assert found.community_of.tolist() == expected.community_of.tolist()
    assert found.households.tolist() == expected.households.tolist()
    assert found.crs == expected.crs
    if expected.xy is None:
        assert found.xy is None
    else:
        assert found.xy is not None
        np.testing.assert_array_equal(found.xy, expected.xy)  # NaN equals NaN here
    for got, want in zip(found.csr, expected.csr, strict=True):
        assert got.tolist() == want.tolist()
        assert got.dtype == np.int64


def _assert_same_result(found: object, expected: MergeResult) -> None:
    """Round trip for merge results: the base layer, networks, grids, assignment, infeasible
    map, bounds and every figure of the report (seconds as recorded, not re-measured)."""
    assert isinstance(found, MergeResult)
    _assert_same_base(found.base, expected.base)
    assert found.networks == expected.networks
    assert found.grid_ids == expected.grid_ids
    assert found.assignment.tolist() == expected.assignment.tolist()
    assert found.assignment.dtype == np.int64
    assert dict(found.infeasible) == dict(expected.infeasible)
    assert found.bounds == expected.bounds
    assert found.report == expected.report
    assert found.grids == expected.grids
    assert found.crosswalk() == expected.crosswalk()


# ---------------------------------------------------------------------- round trips


@pytest.mark.parametrize("make", [_base, _planar, _bare])
def test_base_layers_round_trip(make: Callable[[], BaseLayer]) -> None:
    base = make()
    document = dump_value(base)
    assert document["format"] == "gridorg.base_layer"
    assert document["version"] == 1
    _assert_same_base(load_value(document), base)
    _assert_same_base(loads_value(dumps_value(base)), base)
    _assert_same_base(loads_value(dumps_value(base, indent=2).encode()), base)


def test_a_base_layer_document_is_columns_and_pairs() -> None:
    document = dump_value(_base())
    units = document["units"]
    assert units["id"][:2] == ["楼0", "楼1"]
    assert units["community"][5:7] == ["团龙社区", "C2"]
    assert units["households"][:3] == [15, 30, 45]
    assert units["crs"] == "wgs84"
    assert units["x"][0] is None
    assert units["y"][0] is None
    assert units["x"][1] == pytest.approx(108.411)
    # Each pair once, the earlier unit first, in base order.
    pairs = list(zip(document["adjacency"]["from"], document["adjacency"]["to"], strict=True))
    assert len(pairs) == _base().edge_count == 11
    assert pairs[:3] == [("楼0", "楼1"), ("楼0", "楼2"), ("楼1", "楼2")]
    assert ("楼7", "楼9") in pairs
    assert set(dump_value(_bare())["units"]) == {"id", "community", "households"}
    assert "团龙社区" in dumps_value(_base())  # non-ASCII text is kept as is


def test_an_empty_base_layer_round_trips() -> None:
    base = BaseLayer.from_records([])
    _assert_same_base(load_value(dump_value(base)), base)


def test_networks_round_trip_as_a_tuple() -> None:
    networks = _networks()
    document = dump_value(networks)
    assert document["format"] == "gridorg.networks"
    assert [n["kind"] for n in document["networks"]] == [n.kind for n in networks]
    assert document["networks"][2]["cells"] == {"p": ["楼9", "楼9"], "empty": []}
    found = load_value(document)
    assert isinstance(found, tuple)
    assert found == tuple(networks)
    cells = [list(n.cells) for n in found if isinstance(n, FunctionalNetwork)]
    assert cells == [list(n.cells) for n in networks]  # cell order
    assert loads_value(dumps_value(tuple(networks))) == tuple(networks)
    assert load_value(dump_value([])) == ()


@pytest.mark.parametrize(
    "run",
    [
        lambda nets, base: merge_networks(nets, base, min_households=100, max_households=300),
        lambda nets, base: merge_networks(
            nets, base, min_households=400, max_households=500, contiguous=False, seed=3
        ),
        lambda nets, base: adopt_network(
            nets, base, "health", min_households=100, max_households=300
        ),
        lambda nets, base: finest_overlay(nets, base, min_households=10, max_households=60),
        lambda nets, base: greedy_growing(nets, base, min_households=100, max_households=200),
    ],
    ids=["merge", "tight", "adopt", "overlay", "greedy"],
)
def test_merge_results_round_trip(
    run: Callable[[list[FunctionalNetwork], BaseLayer], MergeResult],
) -> None:
    result = run(_networks(), _base())
    document = dump_value(result)
    assert document["format"] == "gridorg.merge"
    assert document["method"] == result.report.method
    assert "method" not in document["report"]
    _assert_same_result(load_value(document), result)
    _assert_same_result(loads_value(dumps_value(result)), result)


def test_infeasible_grids_and_report_figures_are_kept() -> None:
    result = merge_networks(_networks(), _base(), min_households=400, max_households=500)
    assert result.infeasible  # the second community has too few households
    document = json.loads(dumps_value(result))
    assert document["infeasible"] == dict(result.infeasible)
    assert document["bounds"] == {"min_households": 400, "max_households": 500}
    report = result.report.to_dict()
    del report["method"]
    assert document["report"] == report
    _assert_same_result(load_value(document), result)


def test_a_hand_built_result_round_trips() -> None:
    base = _bare()
    result = MergeResult(
        base=base,
        networks=(FunctionalNetwork("party_building", {"g": ["u1", "u2"]}),),
        grid_ids=("only",),
        assignment=np.zeros(2, dtype=np.int64),
        infeasible={"only": "3 households, below min_households (5)"},
        report=MergeReport("by hand", 1, 1, 0, 1.0, (3, 3.0, 3), 0.0, 1.0, 1, 0.0),
        bounds=(5, 10),
    )
    _assert_same_result(load_value(dump_value(result)), result)


def test_organisations_go_through_dump_and_load() -> None:
    org = gridorg.datasets.yinjiang()
    assert dump_value(org) == dump(org)
    assert load_value(dump(org)) == org
    assert loads_value(gridorg.dumps(org)) == org
    with pytest.raises(FormatVersionError) as caught:
        load(dump_value(_base()))
    assert caught.value.problems[0].code == "unknown_format"
    assert "load_value()" in str(caught.value)


@settings(max_examples=25)
@given(st.data())
def test_generated_merges_round_trip(data: st.DataObject) -> None:
    base = data.draw(base_layers(max_units=24, locations=data.draw(st.booleans())))
    networks = data.draw(functional_networks(base, max_networks=3))
    _assert_same_base(loads_value(dumps_value(base)), base)
    assert load_value(dump_value(networks)) == tuple(networks)
    low = data.draw(st.integers(0, 200))
    result = merge_networks(
        networks, base, min_households=low, max_households=low + data.draw(st.integers(1, 300))
    )
    _assert_same_result(loads_value(dumps_value(result)), result)


# ---------------------------------------------------------------------- JSON Schema


def test_json_schema_keeps_its_default_and_knows_every_format() -> None:
    assert FORMATS[:4] == (
        "gridorg.organisation", "gridorg.base_layer", "gridorg.networks", "gridorg.merge"
    )  # fmt: skip
    assert json_schema() == json_schema(format="gridorg.organisation")
    for name in FORMATS:
        schema = json_schema(format=name)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["properties"]["format"]["const"] == name
        assert schema["additionalProperties"] is False
    with pytest.raises(InvalidArgumentError, match=r"gridorg\.merge"):
        json_schema(format="gridorg.grid")


def test_merge_schemas_are_described() -> None:
    merge = json_schema(format="gridorg.merge")
    assert set(merge["required"]) == {
        "format", "version", "method", "bounds", "base", "networks", "grid_ids", "assignment",
        "report",
    }  # fmt: skip
    for name, definition in merge["$defs"].items():
        assert definition["title"], name
        assert definition["description"], name
        assert definition["additionalProperties"] is False, name
        for field, sub in definition["properties"].items():
            assert sub.get("description"), f"{name}.{field}"
    assert set(merge["$defs"]["Adjacency"]["properties"]) == {"from", "to"}
    columns = merge["$defs"]["BaseUnitColumns"]
    assert set(columns["required"]) == {"id", "community", "households"}
    assert columns["properties"]["households"]["items"]["minimum"] == 0
    base = json_schema(format="gridorg.base_layer")
    assert set(base["required"]) == {"format", "version", "units"}


@pytest.mark.parametrize(
    "value", [_base, _planar, _networks, _merged], ids=["base", "planar", "networks", "merge"]
)
def test_every_document_validates_against_its_schema(value: Callable[[], Any]) -> None:
    document = json.loads(dumps_value(value()))
    schema = json_schema(format=document["format"])
    assert violations(document, schema, schema) == []


# ---------------------------------------------------------------------- malformed documents


def _base_doc() -> dict[str, Any]:
    return copy.deepcopy(dump_value(_base()))


def _merge_doc() -> dict[str, Any]:
    return copy.deepcopy(dump_value(_merged()))


def _networks_doc() -> dict[str, Any]:
    return copy.deepcopy(dump_value(_networks()))


@pytest.mark.parametrize("make", [_base_doc, _networks_doc, _merge_doc])
def test_wrong_format_and_version(make: Callable[[], dict[str, Any]]) -> None:
    document = make()
    document["format"] = "gridorg.basic"
    message = load_problem(document, FormatVersionError, "unknown_format", "$.format")
    assert "'gridorg.merge'" in message
    del document["format"]
    load_problem(document, FormatVersionError, "missing_format", "$.format")
    for version in (2, "1", True, None):
        document = make()
        document["version"] = version
        load_problem(document, FormatVersionError, "unsupported_version", "$.version")
    del document["version"]
    load_problem(document, FormatVersionError, "missing_version", "$.version")


@pytest.mark.parametrize(
    ("make", "change", "path", "hint"),
    [
        (_base_doc, lambda d: d.update(adjacncy={}), "$.adjacncy", "'adjacency'"),
        (_base_doc, lambda d: d["units"].update(colour=[]), "$.units.colour", "crs"),
        (_base_doc, lambda d: d["adjacency"].update(form=[]), "$.adjacency.form", "'from'"),
        (_networks_doc, lambda d: d["networks"][1].update(kinds=1), "$.networks[1].kinds", "kind"),
        (_merge_doc, lambda d: d["report"].update(secs=1.0), "$.report.secs", "'seconds'"),
        (_merge_doc, lambda d: d["bounds"].update(min=1), "$.bounds.min", "min_households"),
        (_merge_doc, lambda d: d["base"].update(nodes=1), "$.base.nodes", "adjacency"),
    ],
)
def test_unknown_fields(
    make: Callable[[], dict[str, Any]],
    change: Callable[[dict[str, Any]], None],
    path: str,
    hint: str,
) -> None:
    document = make()
    change(document)
    message = load_problem(document, SchemaError, "unknown_field", path)
    assert hint in message


@pytest.mark.parametrize(
    ("make", "change", "path"),
    [
        (_base_doc, lambda d: d["units"]["community"].pop(), "$.units.community"),
        (_base_doc, lambda d: d["units"]["households"].append(4), "$.units.households"),
        (_base_doc, lambda d: d["units"]["y"].pop(), "$.units.y"),
        (_base_doc, lambda d: d["adjacency"]["to"].pop(), "$.adjacency.to"),
        (_merge_doc, lambda d: d["base"]["units"]["x"].pop(), "$.base.units.x"),
    ],
)
def test_columns_of_unequal_length(
    make: Callable[[], dict[str, Any]], change: Callable[[dict[str, Any]], None], path: str
) -> None:
    document = make()
    change(document)
    message = load_problem(document, SchemaError, "column_length", path)
    assert "expected" in message


def test_coordinates_come_in_pairs() -> None:
    document = _base_doc()
    del document["units"]["y"]
    load_problem(document, SchemaError, "missing_field", "$.units.y")
    document = _base_doc()
    document["units"]["x"][1] = None
    message = load_problem(document, SchemaError, "invalid_location", "$.units.x[1]")
    assert message.startswith("base unit '楼1' ($.units.x[1])")


def test_a_location_out_of_range_is_placed_at_its_coordinate() -> None:
    document = _base_doc()
    document["units"]["y"][2] = 91.0
    message = load_problem(document, NetworkError, "invalid_location", "$.units.y[2]")
    assert "latitude" in message


@pytest.mark.parametrize(
    ("value", "code"),
    [(-1, "invalid_households"), ("3", "invalid_households"), (2.0, "invalid_households"),
     (True, "invalid_households"), (10**10, "invalid_households")],
)  # fmt: skip
def test_bad_households(value: object, code: str) -> None:
    document = _base_doc()
    document["units"]["households"][3] = value
    message = load_problem(document, SchemaError, code, "$.units.households[3]")
    assert message.startswith("base unit '楼3'")
    document = _merge_doc()
    document["base"]["units"]["households"][3] = value
    load_problem(document, SchemaError, code, "$.base.units.households[3]")


def test_the_assignment_must_fit_the_base_units_and_the_grids() -> None:
    document = _merge_doc()
    document["assignment"].append(0)
    message = load_problem(document, SchemaError, "assignment_length", "$.assignment")
    assert "expected 10" in message
    document = _merge_doc()
    document["assignment"][4] = len(document["grid_ids"])
    message = load_problem(document, SchemaError, "assignment_range", "$.assignment[4]")
    assert message.startswith("base unit '楼4'")
    document["assignment"][4] = -1
    load_problem(document, SchemaError, "invalid_assignment", "$.assignment[4]")


def test_the_grids_must_be_distinct_held_and_known() -> None:
    document = _merge_doc()
    document["grid_ids"][1] = document["grid_ids"][0]
    load_problem(document, SchemaError, "duplicate_grid", "$.grid_ids[1]")
    document = _merge_doc()
    document["grid_ids"].append("nowhere")
    load_problem(
        document, SchemaError, "empty_grid", f"$.grid_ids[{len(document['grid_ids']) - 1}]"
    )
    document = _merge_doc()
    document["infeasible"]["网格 9"] = "too small"
    load_problem(document, SchemaError, "unknown_grid", '$.infeasible["网格 9"]')
    document = _merge_doc()
    document["bounds"]["min_households"] = 301
    load_problem(document, SchemaError, "invalid_bounds", "$.bounds.min_households")
    document["bounds"] = {"min_households": 0, "max_households": 0}
    load_problem(document, SchemaError, "invalid_bounds", "$.bounds.max_households")


def test_unknown_units_in_cells() -> None:
    document = _merge_doc()
    document["networks"][0]["cells"]["c 1"][2] = "楼99"
    document["networks"][1]["cells"]["h2"].extend(["x", "楼8", "y"])
    with pytest.raises(NetworkError) as caught:
        load_value(document)
    assert [(p.code, p.path) for p in caught.value.problems] == [
        ("unknown_unit", '$.networks[0].cells["c 1"][2]'),
        ("unknown_unit", "$.networks[1].cells.h2[3]"),
        ("unknown_unit", "$.networks[1].cells.h2[5]"),
    ]
    assert "'楼99' is not a base unit" in caught.value.problems[0].message
    # A networks document alone has no base layer to check against.
    alone = load_value({**_networks_doc(), "networks": document["networks"]})
    assert isinstance(alone, tuple)
    assert len(alone) == 3


@pytest.mark.parametrize("make", [_networks_doc, _merge_doc])
def test_network_kinds_are_distinct(make: Callable[[], dict[str, Any]]) -> None:
    document = make()
    document["networks"][2]["kind"] = "civil_affairs"
    load_problem(document, NetworkError, "duplicate_network", "$.networks[2].kind")


@pytest.mark.parametrize(
    ("change", "code", "path"),
    [
        (lambda n: n.update(kind="Health"), "invalid_kind", "$.networks[0].kind"),
        (lambda n: n.update(kind="two words"), "invalid_kind", "$.networks[0].kind"),
        (lambda n: n["cells"].update({" c": []}), "invalid_cell", '$.networks[0].cells[" c"]'),
        (lambda n: n["cells"].update(c2="楼4"), "invalid_cells", "$.networks[0].cells.c2"),
        (lambda n: n["cells"]["c2"].append(4), "invalid_cells", "$.networks[0].cells.c2[3]"),
        (lambda n: n.update(name=None), "invalid_name", "$.networks[0].name"),
        (lambda n: n.pop("cells"), "missing_field", "$.networks[0].cells"),
    ],
)
def test_bad_networks(change: Callable[[dict[str, Any]], Any], code: str, path: str) -> None:
    document = _networks_doc()
    change(document["networks"][0])
    load_problem(document, SchemaError, code, path)


@pytest.mark.parametrize(
    ("change", "code", "path"),
    [
        (lambda d: d["adjacency"]["to"].__setitem__(0, "楼0"), "self_loop", "$.adjacency.to[0]"),
        (lambda d: d["adjacency"]["to"].__setitem__(1, "?"), "unknown_unit", "$.adjacency.to[1]"),
        (lambda d: d["adjacency"]["from"].__setitem__(1, "?"), "unknown_unit",
         "$.adjacency.from[1]"),
    ],
)  # fmt: skip
def test_bad_base_layers(change: Callable[[dict[str, Any]], Any], code: str, path: str) -> None:
    document = _base_doc()
    change(document)
    load_problem(document, NetworkError, code, path)


def test_base_unit_ids_are_distinct() -> None:
    document = _base_doc()
    document["units"]["id"][4] = "楼1"  # the edges of the old 楼4 now name no unit
    with pytest.raises(NetworkError) as caught:
        load_value(document)
    assert [(p.code, p.path) for p in caught.value.problems] == [
        ("duplicate_id", "$.units.id[4]"),
        ("unknown_unit", "$.adjacency.to[4]"),
        ("unknown_unit", "$.adjacency.from[5]"),
    ]
    assert caught.value.problems[0].unit == "楼1"
    assert str(caught.value).startswith("3 problems in base layer document:")


def test_an_edge_with_two_unknown_ends_is_reported_at_both() -> None:
    document = _merge_doc()
    document["base"]["adjacency"]["from"][3] = "?"
    document["base"]["adjacency"]["to"][3] = "!"
    with pytest.raises(NetworkError) as caught:
        load_value(document)
    assert [p.path for p in caught.value.problems] == [
        "$.base.adjacency.from[3]",
        "$.base.adjacency.to[3]",
    ]


@pytest.mark.parametrize(
    ("change", "code", "path"),
    [
        (lambda d: d["units"]["id"].__setitem__(0, " 楼0"), "invalid_id", "$.units.id[0]"),
        (lambda d: d["units"]["community"].__setitem__(0, ""), "invalid_community",
         "$.units.community[0]"),
        (lambda d: d["units"].update(crs="utm"), "unknown_crs", "$.units.crs"),
        (lambda d: d["units"]["x"].__setitem__(1, "108"), "invalid_coordinate", "$.units.x[1]"),
        (lambda d: d["units"]["y"].__setitem__(1, math.inf), "invalid_coordinate",
         "$.units.y[1]"),
        (lambda d: d["adjacency"]["from"].__setitem__(0, 3), "invalid_end",
         "$.adjacency.from[0]"),
        (lambda d: d.pop("units"), "missing_field", "$.units"),
        (lambda d: d.update(adjacency=[]), "invalid_adjacency", "$.adjacency"),
    ],
)  # fmt: skip
def test_bad_base_layer_shapes(
    change: Callable[[dict[str, Any]], Any], code: str, path: str
) -> None:
    document = _base_doc()
    change(document)
    load_problem(document, SchemaError, code, path)


@pytest.mark.parametrize(
    ("change", "code", "path"),
    [
        (lambda r: r.update(sizes=[1, 2.0]), "invalid_report", "$.report.sizes"),
        (lambda r: r.update(sizes=[1, "2", 3]), "invalid_report", "$.report.sizes[1]"),
        (lambda r: r.update(seconds=math.nan), "invalid_report", "$.report.seconds"),
        (lambda r: r.update(grids=-2), "invalid_report", "$.report.grids"),
        (lambda r: r.pop("compactness"), "missing_field", "$.report.compactness"),
    ],
)
def test_bad_reports(change: Callable[[dict[str, Any]], Any], code: str, path: str) -> None:
    document = _merge_doc()
    change(document["report"])
    load_problem(document, SchemaError, code, path)


def test_every_shape_problem_is_reported_at_once() -> None:
    document = _merge_doc()
    document["grid_ids"][0] = ""
    document["assignment"].pop()
    document["base"]["units"]["households"][0] = -5
    document["networks"][1]["kind"] = "Health"
    with pytest.raises(SchemaError) as caught:
        load_value(document)
    assert {(p.code, p.path) for p in caught.value.problems} == {
        ("invalid_grid_id", "$.grid_ids[0]"),
        ("assignment_length", "$.assignment"),
        ("invalid_households", "$.base.units.households[0]"),
        ("invalid_kind", "$.networks[1].kind"),
    }
    assert str(caught.value).startswith("4 problems in merge document:")


@pytest.mark.parametrize("data", [[], "{}", None, 3])
def test_a_document_is_an_object(data: object) -> None:
    load_problem(data, SchemaError, "invalid_document", "$")


def test_text_that_is_not_json() -> None:
    with pytest.raises(SchemaError) as caught:
        loads_value('{"format": "gridorg.base_layer", "format": 1}')
    assert caught.value.codes == ("invalid_json",)
    assert str(caught.value).startswith("document: $: not valid JSON")
    with pytest.raises(ArgumentTypeError):
        loads_value(3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value", [3, "gridorg", {"format": "gridorg.merge"}, [_networks()[0], "x"], None]
)
def test_dump_value_takes_values_that_have_documents(value: Sequence[Any]) -> None:
    with pytest.raises(ArgumentTypeError):
        dump_value(value)
