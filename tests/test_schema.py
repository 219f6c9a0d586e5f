"""Tests for gridorg.schema: JSON documents in both layouts, the JSON Schema, files, errors."""

from __future__ import annotations

import copy
import gzip
import json
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridorg import (
    DEFAULT_SCHEME,
    ArgumentTypeError,
    FormatVersionError,
    HierarchyError,
    InvalidArgumentError,
    LevelScheme,
    Organisation,
    PartyForm,
    RecordError,
    SchemaError,
    Tier,
    ValidationError,
)
from gridorg._fields import MAX_COUNT
from gridorg.schema import Layout, dump, dump_file, dumps, json_schema, load, load_file, loads
from gridorg.strategies import organisations, schemes
from tests.schema_helpers import violations

LAYOUTS: tuple[Layout, ...] = ("columns", "records")

COUNTY_SCHEME = LevelScheme(
    [
        Tier("county", "县委", (PartyForm.COMMITTEE,), "county party committee"),
        *DEFAULT_SCHEME.tiers,
    ]
)


def _yinjiang() -> Organisation:
    """Default scheme, Chinese names, nested attributes, a general branch holding a branch."""
    return Organisation.from_records(
        [
            {"id": "S1", "tier": "street", "name": "峨岭街道", "form": "working_committee"},
            {
                "id": "C1",
                "tier": "community",
                "parent": "S1",
                "name": "团龙社区",
                "form": "general_branch",
                "party_members": 60,
                "attributes": {
                    "坐标": [108.41, 27.99],
                    "tags": ["老旧小区", {"楼栋": 12, "电梯": False}],
                    "note": None,
                },
            },
            {
                "id": "B1",
                "tier": "community",
                "parent": "C1",
                "name": "第一党支部",
                "form": "branch",
                "party_members": 9,
            },
            {
                "id": "G1",
                "tier": "grid",
                "parent": "B1",
                "name": "一网格",
                "form": "group",
                "households": 320,
                "gridders": 1,
                "attributes": {"nested": {"a": {"b": [1, 2.5, {"c": "深"}]}}, "": "empty key"},
            },
            {
                "id": "H1",
                "tier": "household",
                "parent": "G1",
                "form": "central_household",
                "households": 12,
                "party_members": 1,
            },
            {"id": "G2", "tier": "grid", "parent": "C1", "households": 150},
            {"id": "S2", "tier": "street", "name": "松桃"},
        ],
        name="印江县城区",
    )


def _county() -> Organisation:
    return Organisation.from_records(
        [
            {"id": "K", "tier": "county", "name": "印江县", "form": "committee"},
            {"id": "S", "tier": "street", "parent": "K", "form": "working_committee"},
            {"id": "C", "tier": "community", "parent": "S", "form": "committee"},
            {"id": "G", "tier": "grid", "parent": "C", "households": MAX_COUNT},
            {"id": "H", "tier": "household", "parent": "G", "attributes": {"phone": "123"}},
        ],
        scheme=COUNTY_SCHEME,
        name="county",
    )


def _formless() -> Organisation:
    return Organisation.from_records(
        [
            {"id": "a", "tier": "street"},
            {"id": "b", "tier": "community", "parent": "a"},
            {"id": "c", "tier": "grid", "parent": "b"},
            {"id": "d", "tier": "grid", "parent": "b"},
        ]
    )


ORGANISATIONS: dict[str, Callable[[], Organisation]] = {
    "yinjiang": _yinjiang,
    "county": _county,
    "formless": _formless,
    "empty": Organisation.empty,
    "empty-county": lambda: Organisation.empty(scheme=COUNTY_SCHEME, name="空"),
}


# ---------------------------------------------------------------------- round trips


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("which", sorted(ORGANISATIONS))
def test_round_trip(which: str, layout: Layout) -> None:
    org = ORGANISATIONS[which]()
    document = dump(org, layout=layout)
    assert load(document) == org
    assert load(json.loads(json.dumps(document))) == org
    back = loads(dumps(org, layout=layout))
    assert back == org
    assert list(back) == list(org)
    assert back.scheme == org.scheme
    assert back.name == org.name


@pytest.mark.parametrize("layout", LAYOUTS)
def test_round_trip_keeps_every_field(layout: Layout) -> None:
    back = loads(dumps(_yinjiang(), layout=layout))
    assert back["C1"].attributes == {
        "坐标": [108.41, 27.99],
        "tags": ["老旧小区", {"楼栋": 12, "电梯": False}],
        "note": None,
    }
    assert back["G1"].attributes == {
        "nested": {"a": {"b": [1, 2.5, {"c": "深"}]}},
        "": "empty key",
    }
    assert back["B1"].parent == "C1"
    assert back["B1"].form is PartyForm.BRANCH
    assert back["G2"].form is None
    assert back["B1"].name == "第一党支部"
    assert (back["G1"].households, back["G1"].gridders) == (320, 1)
    assert back.name == "印江县城区"
    assert [u.id for u in back.roots()] == ["S1", "S2"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_round_trip_custom_scheme(layout: Layout) -> None:
    back = load(json.loads(json.dumps(dump(_county(), layout=layout))))
    assert back.scheme.names == ("county", "street", "community", "grid", "household")
    assert back.scheme[0] == Tier(
        "county", "县委", (PartyForm.COMMITTEE,), "county party committee"
    )
    assert back["G"].households == MAX_COUNT


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_round_trip_property(data: st.DataObject) -> None:
    scheme = data.draw(schemes(max_tiers=5))
    org = data.draw(organisations(scheme=scheme, max_units=25, attributes=True))
    for layout in LAYOUTS:
        assert loads(dumps(org, layout=layout)) == org
        assert load(dump(org, layout=layout)) == org


def test_columns_document_written_out() -> None:
    scheme = LevelScheme([Tier("street", "街道", ("working_committee",), "top"), Tier("grid")])
    org = Organisation.from_records(
        [
            {"id": "S1", "tier": "street", "name": "街道", "form": "working_committee"},
            {
                "id": "G1",
                "tier": "grid",
                "parent": "S1",
                "households": 5,
                "attributes": {"a": [1]},
            },
            {"id": "G2", "tier": "grid", "parent": "S1", "gridders": 2},
        ],
        scheme=scheme,
        name="n",
    )
    assert dump(org) == {
        "format": "gridorg.organisation",
        "version": 1,
        "name": "n",
        "scheme": {
            "tiers": [
                {
                    "name": "street",
                    "label": "街道",
                    "forms": ["working_committee"],
                    "description": "top",
                },
                {"name": "grid", "label": "", "forms": [], "description": ""},
            ]
        },
        "units": {
            "id": ["S1", "G1", "G2"],
            "name": ["街道", "", ""],
            "tier": ["street", "grid", "grid"],
            "form": ["working_committee", None, None],
            "parent": [None, "S1", "S1"],
            "households": [0, 5, 0],
            "party_members": [0, 0, 0],
            "gridders": [0, 0, 2],
            "attributes": {"1": {"a": [1]}},
        },
    }
    records = dump(org, layout="records")["units"]
    assert records[1] == {
        "id": "G1",
        "name": "",
        "tier": "grid",
        "form": None,
        "parent": "S1",
        "households": 5,
        "party_members": 0,
        "gridders": 0,
        "attributes": {"a": [1]},
    }
    assert "attributes" not in records[2]


def _plain_json(value: Any) -> bool:
    if isinstance(value, dict):
        return all(type(k) is str and _plain_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain_json(v) for v in value)
    return value is None or type(value) in (str, int, float, bool)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_dump_holds_only_plain_json_values(layout: Layout) -> None:
    document = dump(_yinjiang(), layout=layout)
    assert _plain_json(document)
    json.dumps(document, allow_nan=False)


def test_dump_is_independent_of_the_organisation() -> None:
    org = _yinjiang()
    document = dump(org)
    document["units"]["attributes"]["1"]["tags"].append("changed")
    assert org["C1"].attributes["tags"] == ["老旧小区", {"楼栋": 12, "电梯": False}]


def test_minimal_documents_take_defaults() -> None:
    records: dict[str, Any] = {
        "format": "gridorg.organisation",
        "version": 1,
        "units": [{"id": "S", "tier": "street"}, {"id": "C", "tier": "community", "parent": "S"}],
    }
    columns = {
        "format": "gridorg.organisation",
        "version": 1,
        "units": {"id": ["S", "C"], "tier": ["street", "community"], "parent": [None, "S"]},
    }
    expected = Organisation.from_records(records["units"])
    assert load(records) == expected
    assert load(columns) == expected
    assert load(records).scheme == DEFAULT_SCHEME
    only_ids = {
        "format": "gridorg.organisation",
        "version": 1,
        "units": {"id": ["a", "b"], "tier": ["grid", "grid"]},
    }
    assert [u.parent for u in load(only_ids).roots()] == [None, None]


def test_load_accepts_any_mapping() -> None:
    org = _yinjiang()
    assert load(types.MappingProxyType(dump(org))) == org


# ---------------------------------------------------------------------- JSON Schema


def test_json_schema_looks_like_a_json_schema() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"format", "version", "units"}
    assert set(schema["properties"]) == {
        "format", "version", "name", "scheme", "units",
        "categories", "partners", "people", "sites", "locations", "links",
    }  # fmt: skip
    assert schema["properties"]["format"]["const"] == "gridorg.organisation"
    assert schema["properties"]["version"]["const"] == 1
    assert schema["title"]
    assert schema["description"]
    for name, definition in schema["$defs"].items():
        if name == "JsonValue":
            continue
        assert definition["title"], name
        assert definition["description"], name
        assert definition["additionalProperties"] is False, name
        for field, sub in definition["properties"].items():
            assert sub.get("description"), f"{name}.{field}"
    record = schema["$defs"]["UnitRecord"]
    assert set(record["required"]) == {"id", "tier"}
    assert set(record["properties"]) == {
        "id", "name", "tier", "form", "parent", "households", "party_members", "gridders",
        "attributes",
    }  # fmt: skip
    forms = [f.value for f in PartyForm]
    assert record["properties"]["form"]["anyOf"][0]["enum"] == forms
    assert record["properties"]["households"]["maximum"] == MAX_COUNT
    assert record["properties"]["households"]["minimum"] == 0


def test_json_schema_returns_a_fresh_copy() -> None:
    first = json_schema()
    first["properties"].clear()
    assert json_schema()["properties"]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("which", sorted(ORGANISATIONS))
def test_every_dump_validates_against_the_schema(which: str, layout: Layout) -> None:
    schema = json_schema()
    document = json.loads(json.dumps(dump(ORGANISATIONS[which](), layout=layout)))
    assert violations(document, schema, schema) == []
    assert set(document) == {"format", "version", "name", "scheme", "units"}
    assert set(document) < set(schema["properties"])
    if layout == "columns":
        assert set(document["units"]) == set(schema["$defs"]["UnitColumns"]["properties"])
    else:
        record = schema["$defs"]["UnitRecord"]
        for row in document["units"]:
            assert set(record["required"]) <= set(row) <= set(record["properties"])


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(format="other"),
        lambda d: d.pop("units"),
        lambda d: d.update(extra=1),
        lambda d: d["units"][1].update(households="3"),
        lambda d: d["units"][1].update(households=True),
        lambda d: d["units"][1].update(households=-1),
        lambda d: d["units"][1].update(households=MAX_COUNT + 1),
        lambda d: d["units"][1].update(form="grp"),
        lambda d: d["units"][1].update(id=""),
        lambda d: d["units"][1].update(colour="red"),
        lambda d: d["scheme"]["tiers"][0].update(name="Street"),
        lambda d: d["scheme"]["tiers"][0]["forms"].append("working_committee"),
        lambda d: d.update(units="none"),
    ],
)
def test_schema_and_load_both_reject(change: Callable[[dict[str, Any]], Any]) -> None:
    schema = json_schema()
    document = copy.deepcopy(dump(_yinjiang(), layout="records"))
    change(document)
    assert violations(document, schema, schema)
    with pytest.raises(SchemaError):
        load(document)


# ---------------------------------------------------------------------- malformed documents


def _base(layout: str) -> dict[str, Any]:
    org = Organisation.from_records(
        [
            {"id": "S1", "tier": "street", "form": "working_committee"},
            {"id": "C1", "tier": "community", "parent": "S1", "form": "committee"},
            {"id": "G1", "tier": "grid", "parent": "C1", "form": "group", "households": 300},
            {"id": "G2", "tier": "grid", "parent": "C1", "form": "group"},
            {"id": "H1", "tier": "household", "parent": "G1", "form": "central_household"},
        ],
        name="base",
    )
    return dump(org, layout=layout)  # type: ignore[arg-type]


def _set(*where: Any) -> Callable[[dict[str, Any]], None]:
    """A change that sets the value at a path (the last step is the key, the value last)."""
    *steps, key, value = where

    def change(document: dict[str, Any]) -> None:
        node: Any = document
        for step in steps:
            node = node[step]
        node[key] = value

    return change


def _delete(*steps: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        node: Any = document
        for step in steps[:-1]:
            node = node[step]
        del node[steps[-1]]

    return change


def _append(*where: Any) -> Callable[[dict[str, Any]], None]:
    *steps, value = where

    def change(document: dict[str, Any]) -> None:
        node: Any = document
        for step in steps:
            node = node[step]
        node.append(copy.deepcopy(value))

    return change


R, C = "records", "columns"
MALFORMED: list[tuple[str, str, Callable[[dict[str, Any]], Any], type, str, str]] = [
    # (label, layout, change, error class, problem code, JSON path)
    (
        "wrong format",
        R,
        _set("format", "gridorg.network"),
        FormatVersionError,
        "unknown_format",
        "$.format",
    ),
    ("no format", R, _delete("format"), FormatVersionError, "missing_format", "$.format"),
    ("version 2", R, _set("version", 2), FormatVersionError, "unsupported_version", "$.version"),
    (
        "version '1'",
        C,
        _set("version", "1"),
        FormatVersionError,
        "unsupported_version",
        "$.version",
    ),
    (
        "version true",
        C,
        _set("version", True),
        FormatVersionError,
        "unsupported_version",
        "$.version",
    ),
    (
        "version 1.0",
        C,
        _set("version", 1.0),
        FormatVersionError,
        "unsupported_version",
        "$.version",
    ),
    ("no version", R, _delete("version"), FormatVersionError, "missing_version", "$.version"),
    ("no units", R, _delete("units"), SchemaError, "missing_field", "$.units"),
    ("units a string", R, _set("units", "S1"), SchemaError, "invalid_units", "$.units"),
    ("unknown top-level key", R, _set("nmae", "x"), SchemaError, "unknown_field", "$.nmae"),
    ("name not a string", C, _set("name", 5), SchemaError, "invalid_name", "$.name"),
    (
        "unknown record field",
        R,
        _set("units", 1, "household", 3),
        SchemaError,
        "unknown_field",
        "$.units[1].household",
    ),
    (
        "string count",
        R,
        _set("units", 2, "households", "3"),
        SchemaError,
        "invalid_count",
        "$.units[2].households",
    ),
    (
        "bool count",
        R,
        _set("units", 2, "gridders", True),
        SchemaError,
        "invalid_count",
        "$.units[2].gridders",
    ),
    (
        "negative count",
        R,
        _set("units", 2, "party_members", -1),
        SchemaError,
        "invalid_count",
        "$.units[2].party_members",
    ),
    (
        "absurd count",
        R,
        _set("units", 2, "households", MAX_COUNT + 1),
        SchemaError,
        "invalid_count",
        "$.units[2].households",
    ),
    (
        "float count",
        R,
        _set("units", 2, "households", 3.0),
        SchemaError,
        "invalid_count",
        "$.units[2].households",
    ),
    ("null id", R, _set("units", 1, "id", None), SchemaError, "invalid_id", "$.units[1].id"),
    ("empty id", R, _set("units", 1, "id", ""), SchemaError, "invalid_id", "$.units[1].id"),
    (
        "missing tier",
        R,
        _delete("units", 3, "tier"),
        SchemaError,
        "missing_field",
        "$.units[3].tier",
    ),
    (
        "unknown form",
        R,
        _set("units", 2, "form", "grp"),
        SchemaError,
        "unknown_form",
        "$.units[2].form",
    ),
    (
        "parent not a string",
        R,
        _set("units", 2, "parent", 1),
        SchemaError,
        "invalid_parent",
        "$.units[2].parent",
    ),
    (
        "record not an object",
        R,
        _append("units", "G3"),
        SchemaError,
        "invalid_record",
        "$.units[5]",
    ),
    (
        "attributes not an object",
        R,
        _set("units", 1, "attributes", [1, 2]),
        SchemaError,
        "invalid_attributes",
        "$.units[1].attributes",
    ),
    (
        "attribute not JSON",
        R,
        _set("units", 1, "attributes", {"tags": ["a", {1, 2}]}),
        SchemaError,
        "invalid_attributes",
        "$.units[1].attributes.tags[1]",
    ),
    (
        "duplicate tier names",
        C,
        _append("scheme", "tiers", {"name": "grid"}),
        SchemaError,
        "duplicate_tier",
        "$.scheme.tiers[4].name",
    ),
    (
        "duplicate forms",
        C,
        _append("scheme", "tiers", 2, "forms", "group"),
        SchemaError,
        "duplicate_form",
        "$.scheme.tiers[2].forms[2]",
    ),
    (
        "bad tier name",
        C,
        _set("scheme", "tiers", 0, "name", "Street"),
        SchemaError,
        "invalid_scheme",
        "$.scheme.tiers[0].name",
    ),
    ("no tiers", C, _set("scheme", "tiers", []), SchemaError, "invalid_scheme", "$.scheme.tiers"),
    (
        "unknown tier field",
        C,
        _set("scheme", "tiers", 0, "level", 1),
        SchemaError,
        "unknown_field",
        "$.scheme.tiers[0].level",
    ),
    (
        "unequal columns",
        C,
        lambda d: d["units"]["tier"].pop(),
        SchemaError,
        "column_length",
        "$.units.tier",
    ),
    (
        "column string count",
        C,
        _set("units", "households", 1, "3"),
        SchemaError,
        "invalid_count",
        "$.units.households[1]",
    ),
    ("column not an array", C, _set("units", "id", "S1"), SchemaError, "invalid_id", "$.units.id"),
    ("missing column", C, _delete("units", "tier"), SchemaError, "missing_field", "$.units.tier"),
    (
        "unknown column",
        C,
        _set("units", "forms", [None] * 5),
        SchemaError,
        "unknown_field",
        "$.units.forms",
    ),
    (
        "column unknown form",
        C,
        _set("units", "form", 2, "grp"),
        SchemaError,
        "unknown_form",
        "$.units.form[2]",
    ),
    (
        "column attributes not an object",
        C,
        _set("units", "attributes", []),
        SchemaError,
        "invalid_attributes",
        "$.units.attributes",
    ),
    (
        "column attribute not an object",
        C,
        _set("units", "attributes", "1", "x"),
        SchemaError,
        "invalid_attributes",
        '$.units.attributes["1"]',
    ),
    (
        "column attribute key",
        C,
        _set("units", "attributes", "one", {}),
        SchemaError,
        "invalid_attributes",
        "$.units.attributes.one",
    ),
    (
        "column attribute position",
        C,
        _set("units", "attributes", "9", {"a": 1}),
        SchemaError,
        "attribute_position",
        '$.units.attributes["9"]',
    ),
    (
        "duplicate ids",
        R,
        _set("units", 3, "id", "G1"),
        HierarchyError,
        "duplicate_id",
        "$.units[3].id",
    ),
    (
        "column duplicate ids",
        C,
        _set("units", "id", 3, "G1"),
        HierarchyError,
        "duplicate_id",
        "$.units.id[3]",
    ),
    (
        "dangling parent",
        R,
        _set("units", 4, "parent", "G9"),
        HierarchyError,
        "missing_parent",
        "$.units[4].parent",
    ),
    (
        "column dangling parent",
        C,
        _set("units", "parent", 4, "G9"),
        HierarchyError,
        "missing_parent",
        "$.units.parent[4]",
    ),
    (
        "own parent",
        R,
        _set("units", 1, "parent", "C1"),
        HierarchyError,
        "cycle",
        "$.units[1].parent",
    ),
    (
        "tier order",
        R,
        _set("units", 3, "parent", "C1"),
        HierarchyError,
        "tier_order",
        "$.units[3].parent",
    ),
    (
        "form not allowed",
        C,
        _set("units", "form", 2, "committee"),
        HierarchyError,
        "form_not_allowed",
        "$.units.form[2]",
    ),
    (
        "unknown tier",
        R,
        _set("units", 2, "tier", "grd"),
        RecordError,
        "unknown_tier",
        "$.units[2].tier",
    ),
    (
        "column unknown tier",
        C,
        _set("units", "tier", 2, "grd"),
        RecordError,
        "unknown_tier",
        "$.units.tier[2]",
    ),
    (
        "id with spaces",
        R,
        _set("units", 3, "id", " G2"),
        RecordError,
        "invalid_id",
        "$.units[3].id",
    ),
    (
        "non-finite attribute",
        R,
        _set("units", 1, "attributes", {"x": float("nan")}),
        RecordError,
        "invalid_attributes",
        "$.units[1].attributes",
    ),
]


@pytest.mark.parametrize(
    ("layout", "change", "error", "code", "path"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_document(
    layout: str, change: Callable[[dict[str, Any]], Any], error: type, code: str, path: str
) -> None:
    document = _base(layout)
    change(document)
    with pytest.raises(ValidationError) as info:
        load(document)
    err = info.value
    assert type(err) is error
    assert not isinstance(err, pydantic.ValidationError)
    assert not isinstance(err.__context__, pydantic.ValidationError)
    assert err.subject == "organisation document"
    matching = [p for p in err.problems if (p.code, p.path) == (code, path)]
    assert matching, [(p.code, p.path) for p in err.problems]
    for problem in err.problems:
        assert problem.path is not None, problem
        assert problem.path in problem.message
        if problem.unit is not None:
            assert repr(problem.unit) in problem.message
    assert path in str(err)


def test_malformed_messages_name_what_was_found() -> None:
    def message(layout: str, change: Callable[[dict[str, Any]], Any]) -> str:
        document = _base(layout)
        change(document)
        with pytest.raises(ValidationError) as info:
            load(document)
        return info.value.problems[0].message

    assert message(R, _set("units", 2, "households", "3")) == (
        "unit 'G1' ($.units[2].households): households must be a non-negative integer, "
        "got '3' (str)"
    )
    assert "absurdly large" in message(R, _set("units", 2, "households", MAX_COUNT + 1))
    assert "did you mean 'households'?" in message(R, _set("units", 1, "household", 3))
    assert "'gridorg.network'" in message(R, _set("format", "gridorg.network"))
    assert "got 2 (int)" in message(R, _set("version", 2))
    assert "'G9' does not exist" in message(C, _set("units", "parent", 4, "G9"))
    assert "has 4 values, expected 5" in message(C, lambda d: d["units"]["tier"].pop())
    assert "tier name 'grid' is used twice" in message(
        C, _append("scheme", "tiers", {"name": "grid"})
    )


def test_longer_cycle_is_reported_with_its_chain() -> None:
    document = _base(R)
    document["units"][0]["parent"] = "H1"
    with pytest.raises(HierarchyError) as info:
        load(document)
    cycles = [p for p in info.value.problems if p.code == "cycle"]
    assert len(cycles) == 1
    for uid in ("S1", "C1", "G1", "H1"):
        assert repr(uid) in cycles[0].message
    assert cycles[0].path == f"$.units[{cycles[0].index}].parent"


def test_non_mapping_document() -> None:
    for value in ([1, 2], "text", None, 3):
        with pytest.raises(SchemaError) as info:
            load(value)  # type: ignore[arg-type]
        assert info.value.problems[0].code == "invalid_document"
        assert info.value.problems[0].path == "$"


def test_several_problems_reported_at_once() -> None:
    document = _base(R)
    document["units"][1]["households"] = "3"
    document["units"][2]["colour"] = "red"
    document["units"][4]["gridders"] = -2
    document["units"][3]["form"] = "grp"
    document["name"] = None
    with pytest.raises(SchemaError) as info:
        load(document)
    assert {(p.code, p.path) for p in info.value.problems} == {
        ("invalid_count", "$.units[1].households"),
        ("unknown_field", "$.units[2].colour"),
        ("invalid_count", "$.units[4].gridders"),
        ("unknown_form", "$.units[3].form"),
        ("invalid_name", "$.name"),
    }
    assert str(info.value).startswith("5 problems in organisation document:")


def test_column_shape_and_type_problems_reported_together() -> None:
    document = _base(C)
    document["units"]["party_members"].append(0)
    document["units"]["households"][0] = "many"
    with pytest.raises(SchemaError) as info:
        load(document)
    assert {(p.code, p.path) for p in info.value.problems} == {
        ("invalid_count", "$.units.households[0]"),
        ("column_length", "$.units.party_members"),
    }


def test_several_structural_problems_reported_at_once() -> None:
    document = _base(C)
    document["units"]["id"][3] = "G1"  # duplicate
    document["units"]["parent"][4] = "nowhere"  # dangling
    document["units"]["parent"][1] = None
    document["units"]["parent"][2] = "S1"  # grid under a street
    with pytest.raises(HierarchyError) as info:
        load(document)
    assert {(p.code, p.path) for p in info.value.problems} == {
        ("duplicate_id", "$.units.id[3]"),
        ("missing_parent", "$.units.parent[4]"),
        ("tier_order", "$.units.parent[2]"),
    }


def test_many_problems_are_capped() -> None:
    count = 10_050
    document = {
        "format": "gridorg.organisation",
        "version": 1,
        "units": {
            "id": [f"u{i}" for i in range(count)],
            "tier": ["grid"] * count,
            "gridders": ["x"] * count,
        },
    }
    with pytest.raises(SchemaError) as info:
        load(document)
    problems = info.value.problems
    assert len(problems) == 10_001
    assert problems[-1].code == "more_problems"
    assert "50 further problems" in problems[-1].message


# ---------------------------------------------------------------------- text and files


@pytest.mark.parametrize("layout", LAYOUTS)
def test_file_round_trip(tmp_path: Path, layout: Layout) -> None:
    org = _yinjiang()
    target = tmp_path / "org.json"
    dump_file(org, target, layout=layout)
    raw = target.read_bytes()
    assert "峨岭街道".encode() in raw  # written as UTF-8, not escaped
    assert load_file(target) == org
    assert load_file(str(target)) == org


@pytest.mark.parametrize("layout", LAYOUTS)
def test_gzip_file_round_trip(tmp_path: Path, layout: Layout) -> None:
    org = _county()
    target = tmp_path / "org.json.gz"
    dump_file(org, str(target), layout=layout, indent=2)
    raw = target.read_bytes()
    assert raw[:2] == b"\x1f\x8b"
    text = gzip.decompress(raw).decode("utf-8")
    assert "\n  " in text
    assert json.loads(text)["name"] == "county"
    assert load_file(target) == org


def test_gzip_output_is_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    dump_file(_county(), first)
    dump_file(_county(), second)
    assert first.read_bytes() == second.read_bytes()


def test_lone_surrogate_survives_a_file(tmp_path: Path) -> None:
    org = Organisation.from_records([{"id": "S", "tier": "street", "name": "bad \ud800 text"}])
    target = tmp_path / "org.json"
    dump_file(org, target)
    assert target.read_bytes().isascii()
    assert load_file(target)["S"].name == "bad \ud800 text"


def test_file_that_is_not_json(tmp_path: Path) -> None:
    target = tmp_path / "broken.json"
    text = '{\n  "format": oops\n}'
    target.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        load_file(target)
    column = text.split("\n")[1].index("oops") + 1
    problem = info.value.problems[0]
    assert problem.code == "invalid_json"
    assert f"line 2 column {column}" in problem.message


def test_gz_file_that_is_not_gzip(tmp_path: Path) -> None:
    target = tmp_path / "plain.json.gz"
    target.write_text(dumps(_county()), encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        load_file(target)
    assert info.value.problems[0].code == "invalid_gzip"
    assert "plain.json.gz" in info.value.problems[0].message


def test_gz_file_holding_text_that_is_not_json(tmp_path: Path) -> None:
    target = tmp_path / "org.json.gz"
    target.write_bytes(gzip.compress(b"not json"))
    with pytest.raises(SchemaError) as info:
        load_file(target)
    assert info.value.problems[0].code == "invalid_json"
    assert "line 1 column 1" in info.value.problems[0].message


def test_missing_file_raises_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_file(tmp_path / "absent.json")


def test_loads_accepts_bytes_and_a_byte_order_mark() -> None:
    org = _yinjiang()
    text = dumps(org)
    assert loads(text.encode("utf-8")) == org
    assert loads(b"\xef\xbb\xbf" + text.encode("utf-8")) == org


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (b'{"format": "\xff"}', "byte 12 is 0xff"),
        ('{"format": "gridorg.organisation", "format": "x"}', "key 'format' twice"),
        ('{"version": NaN}', "NaN is not a JSON value"),
        ('{"version": -Infinity}', "-Infinity is not a JSON value"),
        ("", "line 1 column 1"),
        ("[" * 100_000, "cannot read the JSON"),
    ],
)
def test_loads_rejects_text_that_is_not_json(text: str | bytes, fragment: str) -> None:
    with pytest.raises(SchemaError) as info:
        loads(text)
    assert info.value.problems[0].code == "invalid_json"
    assert fragment in info.value.problems[0].message


def test_loads_of_a_json_array() -> None:
    with pytest.raises(SchemaError) as info:
        loads("[]")
    assert info.value.problems[0].code == "invalid_document"


def test_bad_arguments() -> None:
    with pytest.raises(ArgumentTypeError, match="needs an Organisation, got dict"):
        dump({})  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="'rows'"):
        dump(_formless(), layout="rows")  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="str or bytes, got int"):
        loads(3)  # type: ignore[arg-type]


def test_dumps_indent() -> None:
    compact = dumps(_formless())
    pretty = dumps(_formless(), indent=2)
    assert "\n" not in compact
    assert compact.startswith('{"format":"gridorg.organisation","version":1,')
    assert pretty.startswith('{\n  "format": "gridorg.organisation",')
    assert json.loads(compact) == json.loads(pretty)
