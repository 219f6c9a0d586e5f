"""Functional updates: add, remove, move, evolve."""

from __future__ import annotations

import pytest

from gridorg import (
    ArgumentTypeError,
    HierarchyError,
    InvalidArgumentError,
    Organisation,
    RecordError,
    UnknownUnitError,
)
from tests.test_hierarchy import RECORDS


@pytest.fixture
def org() -> Organisation:
    return Organisation.from_records(RECORDS, name="example")


def brute_valid(org: Organisation) -> None:
    """Re-check the structure from the records alone, independently of the stored arrays."""
    again = Organisation.from_records(org.to_records(), scheme=org.scheme, name=org.name)
    assert again == org
    sizes = dict.fromkeys(org, 1)
    for record in reversed(org.to_records()):
        if record["parent"] is not None:
            sizes[record["parent"]] += sizes[record["id"]]
    assert [sizes[uid] for uid in org] == org.column("size").tolist()


def test_add_units_attaches_new_subtrees(org: Organisation) -> None:
    bigger = org.add_units(
        [
            {"id": "H5", "tier": "household", "parent": "G5", "households": 12},
            {"id": "G5", "tier": "grid", "form": "group", "parent": "C2", "households": 40},
        ]
    )
    assert len(bigger) == len(org) + 2
    assert [u.id for u in bigger.children("C2")] == ["G4", "G5"]
    assert bigger.total("C2", "households") == org.total("C2", "households") + 52
    assert org["C2"] == bigger["C2"]  # the original is unchanged
    assert "G5" not in org
    brute_valid(bigger)
    assert org.add_units([]) is org


def test_add_units_reports_problems_relative_to_the_added_records(org: Organisation) -> None:
    with pytest.raises(RecordError) as info:
        org.add_units(
            [
                {"id": "G1", "tier": "grid", "parent": "C2"},
                {"id": "X", "tier": "grid", "parent": "nowhere", "households": -1},
            ]
        )
    messages = [p.message for p in info.value.problems]
    assert "unit 'G1' (added record 0): duplicate id, first used by an existing unit" in messages
    assert any("added record 1" in m and "'nowhere' does not exist" in m for m in messages)
    assert {p.index for p in info.value.problems} == {0, 1}
    with pytest.raises(ArgumentTypeError):
        org.add_units({"id": "X", "tier": "grid"})  # type: ignore[dict-item]


def test_remove_drops_whole_subtrees(org: Organisation) -> None:
    smaller = org.remove("B1", "H3")
    assert list(smaller) == ["S1", "C1", "G3", "C2", "G4"]
    assert smaller.total("S1", "households") == 250 + 10
    assert smaller.parent("G4") == org["C2"]
    assert "H1" not in smaller
    assert smaller.index("G4") == 4
    brute_valid(smaller)
    assert org.remove() is org
    with pytest.raises(UnknownUnitError):
        org.remove("nope")


def test_remove_nested_and_repeated(org: Organisation) -> None:
    assert list(org.remove("C1", "G1", "C1")) == ["S1", "C2", "G4", "H3"]
    assert len(org.remove("S1")) == 0


def test_move_makes_the_unit_the_last_child(org: Organisation) -> None:
    moved = org.move("G3", "B1")
    assert [u.id for u in moved.children("B1")] == ["G1", "G2", "G3"]
    assert [u.id for u in moved.children("C1")] == ["B1"]
    assert moved.total("B1", "households") == org.total("B1", "households") + 250
    brute_valid(moved)
    subtree_moved = org.move("G1", "C2")
    assert [u.id for u in subtree_moved.children("C2")] == ["G4", "G1"]
    assert [u.id for u in subtree_moved.children("G1")] == ["H1", "H2"]
    brute_valid(subtree_moved)


def test_move_to_root(org: Organisation) -> None:
    moved = org.move("C2", None)
    assert [u.id for u in moved.roots()] == ["S1", "C2"]
    brute_valid(moved)


@pytest.mark.parametrize(
    ("uid", "parent", "code"),
    [
        ("C1", "G1", "cycle"),
        ("C1", "C1", "cycle"),
        ("G1", "S1", "tier_order"),
        ("B1", "C2", "tier_order"),
        ("C1", "C2", "tier_order"),
    ],
)
def test_move_refuses_cycles_and_tier_violations(
    org: Organisation, uid: str, parent: str, code: str
) -> None:
    with pytest.raises(HierarchyError) as info:
        org.move(uid, parent)
    assert info.value.problems[0].code == code
    assert repr(uid) in str(info.value)


def test_evolve_changes_fields_and_shares_the_rest(org: Organisation) -> None:
    changed = org.evolve("G3", form="group", households=260, name="第三网格")
    assert changed["G3"].form == "group"
    assert changed.total("C1", "households") == org.total("C1", "households") + 10
    assert changed["G3"].name == "第三网格"
    assert changed.column("parent") is org.column("parent")
    brute_valid(changed)


def test_evolve_renames(org: Organisation) -> None:
    renamed = org.evolve("B1", id="B1-new")
    assert "B1" not in renamed
    assert renamed.parent("G1") == renamed["B1-new"]
    assert renamed.index("B1-new") == 2
    brute_valid(renamed)


def test_evolve_attributes(org: Organisation) -> None:
    changed = org.evolve("H2", attributes={})
    assert changed["H2"].attributes == {}
    again = changed.evolve("G1", attributes={"area_m2": 15000.5})
    assert again["G1"].attributes == {"area_m2": 15000.5}
    brute_valid(again)


@pytest.mark.parametrize(
    ("uid", "changes", "error", "fragment"),
    [
        ("B1", {"form": "committee"}, HierarchyError, "above form committee"),
        ("B1", {"form": None}, HierarchyError, "only units with a party form"),
        ("C1", {"form": "branch"}, HierarchyError, "unit 'B1'"),
        ("G1", {"id": "C1"}, HierarchyError, "that id exists"),
        ("G1", {"tier": "village"}, HierarchyError, "tier must be one of"),
        ("S1", {"form": "group"}, HierarchyError, "not allowed at tier street"),
        ("G1", {"households": -3}, RecordError, "non-negative"),
        ("G1", {"parent": "C2"}, InvalidArgumentError, "use Organisation.move"),
        ("G1", {"househods": 3}, InvalidArgumentError, "did you mean 'households'"),
    ],
)
def test_evolve_refuses_invalid_changes(
    org: Organisation,
    uid: str,
    changes: dict[str, object],
    error: type[Exception],
    fragment: str,
) -> None:
    with pytest.raises(error, match=fragment):
        org.evolve(uid, **changes)


def test_evolve_without_changes_is_identity(org: Organisation) -> None:
    assert org.evolve("G1") is org
    assert org.evolve("G1", households=20) is org
