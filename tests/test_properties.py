"""Properties of organisations, each checked against a brute-force reference.

Round trips through every format are the identity; totals, counts and tree queries agree with
plain recursion over the records; functional updates keep the structural rules or raise,
exactly when the rules say so; pickling, equality and hashing are consistent.
"""

from __future__ import annotations

import collections
import json
import pickle
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridorg import (
    GridorgError,
    HierarchyError,
    LevelScheme,
    Organisation,
    PartyForm,
    Unit,
)
from gridorg.strategies import organisations, schemes, unit_ids
from tests.strategies_helpers import (
    COUNT_FIELDS,
    COUNT_LIMIT,
    FORM_ORDER,
    Tree,
    ancestor_at,
    assert_consistent,
    form_name,
    naive_walk,
    parent_rule,
    structure_problems,
)

# Organisations of the default scheme and of random schemes, empty ones included.
ORGS = st.one_of(
    organisations(min_units=0, max_units=30, attributes=True),
    schemes().flatmap(
        lambda scheme: organisations(scheme=scheme, min_units=0, max_units=30, attributes=True)
    ),
)
NON_EMPTY = st.one_of(
    organisations(max_units=30, attributes=True),
    schemes().flatmap(lambda scheme: organisations(scheme=scheme, max_units=30)),
)


def rebuild(org: Organisation, rows: Sequence[Mapping[str, Any] | Unit]) -> Organisation:
    """``rows`` as an organisation with the scheme and name of ``org``."""
    return Organisation.from_records(rows, scheme=org.scheme, name=org.name)


def as_set(rows: list[dict[str, Any]]) -> set[str]:
    """Records as a set, ignoring their order."""
    return {json.dumps(r, sort_keys=True) for r in rows}


def parent_id(org: Organisation, uid: str) -> str | None:
    """The id of the parent of ``uid``, or ``None`` for a root."""
    parent = org.parent(uid)
    return None if parent is None else parent.id


def missing_id(org: Organisation) -> str:
    """An id that no unit of ``org`` has (longer than all of them)."""
    return "?" * (max(map(len, org), default=0) + 1)


# ---------------------------------------------------------------------- round trips


@given(ORGS)
def test_records_round_trip(org: Organisation) -> None:
    rows = org.to_records()
    again = rebuild(org, rows)
    assert again == org
    assert again.to_records() == rows
    assert rebuild(org, list(org.values())) == org
    # The records are copies: changing them leaves the organisation alone.
    for row in rows:
        row["households"] = -1
        row.setdefault("attributes", {})["changed"] = True
    assert org.to_records() == again.to_records()


@given(ORGS)
def test_nested_round_trip(org: Organisation) -> None:
    nested = org.to_nested()
    assert Organisation.from_nested(nested, scheme=org.scheme, name=org.name) == org
    tree = Tree(org.to_records())
    assert [node["id"] for node in nested] == tree.roots
    stack = list(nested)
    while stack:
        node = stack.pop()
        assert "parent" not in node
        children = node.get("children", [])
        assert [c["id"] for c in children] == tree.children[node["id"]]
        stack.extend(children)


@given(ORGS)
def test_networkx_round_trip(org: Organisation) -> None:
    graph = org.to_networkx()
    assert list(graph.nodes) == list(org)
    expected_edges = {(r["parent"], r["id"]) for r in org.to_records() if r["parent"] is not None}
    assert set(graph.edges) == expected_edges
    assert Organisation.from_networkx(graph) == org
    assert Organisation.from_networkx(graph, scheme=org.scheme, name=org.name) == org


@given(ORGS)
def test_columns_round_trip(org: Organisation) -> None:
    columns = org.to_columns()
    assert Organisation.from_columns(columns, scheme=org.scheme, name=org.name) == org
    # Integer codes and parent positions, straight from the read-only stored columns.
    coded = dict(columns)
    coded["parent"] = org.column("parent")
    coded["tier"] = org.column("tier")
    coded["form"] = org.column("form")
    assert Organisation.from_columns(coded, scheme=org.scheme, name=org.name) == org


@given(ORGS)
def test_pandas_round_trip(org: Organisation) -> None:
    frame = org.to_pandas()
    assert frame.index.tolist() == list(org)
    again = Organisation.from_columns(frame.reset_index(), scheme=org.scheme, name=org.name)
    assert again == org


@given(ORGS, st.sampled_from(["columns", "records"]))
def test_json_round_trip(org: Organisation, layout: Any) -> None:
    from gridorg.schema import dump, load

    document = dump(org, layout=layout)
    assert load(document) == org
    assert load(json.loads(json.dumps(document))) == org


@given(ORGS, st.data())
def test_shuffled_records_give_the_same_tree(org: Organisation, data: st.DataObject) -> None:
    rows = org.to_records()
    shuffled = data.draw(st.permutations(rows))
    again = rebuild(org, shuffled)
    assert_consistent(again)
    assert as_set(again.to_records()) == as_set(rows)
    assert {u: parent_id(again, u) for u in again} == {r["id"]: r["parent"] for r in rows}
    # Children keep the order in which they were given.
    assert list(again) == Tree(shuffled).preorder()


# ---------------------------------------------------------------------- queries


@given(ORGS)
def test_totals_are_subtree_sums(org: Organisation) -> None:
    tree = Tree(org.to_records())
    for field in COUNT_FIELDS:
        expected = [tree.total(uid, field) for uid in org]
        totals = org.totals(field)
        assert totals.tolist() == expected
        assert not totals.flags.writeable
        assert [org.total(uid, field) for uid in org] == expected


@given(ORGS)
def test_counts_agree_with_counting(org: Organisation) -> None:
    rows = org.to_records()
    by_tier = collections.Counter(r["tier"] for r in rows)
    assert list(org.counts("tier").items()) == [(t, by_tier[t]) for t in org.scheme.names]
    by_form = collections.Counter(r["form"] for r in rows)
    forms = [(None if f is None else str(f), n) for f, n in org.counts("form").items()]
    assert forms == [(f, by_form[f]) for f in (None, *FORM_ORDER)]
    pairs = collections.Counter((r["tier"], r["form"]) for r in rows)
    got = {(t, form_name(f)): n for (t, f), n in org.counts().items()}
    assert got == dict(pairs)
    assert all(n > 0 for n in org.counts().values())


@given(ORGS)
def test_tree_queries_agree_with_the_parent_map(org: Organisation) -> None:
    rows = org.to_records()
    tree = Tree(rows)
    assert list(org) == tree.preorder()
    assert [u.id for u in org.roots()] == tree.roots
    assert [u.id for u in org.leaves()] == [u for u in tree.preorder() if not tree.children[u]]
    for k, row in enumerate(rows):
        uid = row["id"]
        assert org[uid] == Unit(**row)
        assert org.index(uid) == k
        assert org.id_at(k) == uid
        assert org.unit_at(k) == org[uid]
        assert parent_id(org, uid) == tree.parent[uid]
        assert [u.id for u in org.children(uid)] == tree.children[uid]
        assert [u.id for u in org.ancestors(uid)] == tree.ancestors(uid)
        assert org.depth(uid) == tree.depth(uid)
        assert [u.id for u in org.subtree(uid)] == tree.subtree(uid)
        assert [u.id for u in org.leaves(uid)] == [
            u for u in tree.subtree(uid) if not tree.children[u]
        ]
    positions = np.arange(len(org))[::-1]
    assert org.ids_at(positions) == list(org)[::-1]
    assert [u.id for u in org.units_at(positions)] == list(org)[::-1]
    assert missing_id(org) not in org
    assert_consistent(org)


@given(ORGS, st.data())
def test_ids_at_reads_minus_one_as_none(org: Organisation, data: st.DataObject) -> None:
    # -1 is what ancestor_at_many returns where there is no ancestor at the tier.
    positions = data.draw(st.lists(st.integers(-1, len(org) - 1), max_size=8))
    expected = [None if k < 0 else list(org)[k] for k in positions]
    assert org.ids_at(np.array(positions, dtype=np.int64)) == expected


@given(ORGS, st.data())
def test_selections_agree_with_filtering(org: Organisation, data: st.DataObject) -> None:
    tree = Tree(org.to_records())
    tier = data.draw(st.none() | st.sampled_from(org.scheme.names))
    under = data.draw(st.none() | st.sampled_from(list(org))) if len(org) else None
    scope = tree.preorder() if under is None else tree.subtree(under)
    expected = [u for u in scope if tier is None or tree.by_id[u]["tier"] == tier]
    got = org.positions(tier=tier, under=under)
    assert [org.id_at(int(k)) for k in got] == expected
    assert [u.id for u in org.units(tier=tier, under=under)] == expected
    form = data.draw(st.none() | st.sampled_from(list(PartyForm)))
    narrowed = [u for u in expected if tree.by_id[u]["form"] == form_name(form)]
    assert [u.id for u in org.units(tier=tier, form=form, under=under)] == narrowed


ORDERS: tuple[Literal["pre", "post", "level"], ...] = ("pre", "post", "level")


@given(ORGS, st.data())
def test_walks_agree_with_a_naive_walk(org: Organisation, data: st.DataObject) -> None:
    tree = Tree(org.to_records())
    ids = list(org)
    start = data.draw(st.none() | st.sampled_from(ids)) if ids else None
    order = data.draw(st.sampled_from(ORDERS))
    left_out = data.draw(st.sets(st.sampled_from(ids))) if ids else set()
    stopped = data.draw(st.sets(st.sampled_from(ids), max_size=3)) if ids else set()
    use_filter = data.draw(st.booleans())
    use_stop = data.draw(st.booleans())
    max_depth = data.draw(st.none() | st.integers(0, 5))
    walked = org.walk(
        start,
        order=order,
        filter=(lambda u: u.id not in left_out) if use_filter else None,
        stop=(lambda u: u.id in stopped) if use_stop else None,
        max_depth=max_depth,
    )
    expected = naive_walk(
        tree,
        start,
        order,
        keep=lambda u: not use_filter or u not in left_out,
        stop=lambda u: use_stop and u in stopped,
        max_depth=max_depth,
    )
    assert [u.id for u in walked] == expected


@given(NON_EMPTY, st.data())
def test_ancestor_at_agrees_with_walking_up(org: Organisation, data: st.DataObject) -> None:
    tree = Tree(org.to_records())
    ids = list(org)
    tier = data.draw(st.sampled_from(org.scheme.names))
    chosen = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=20))
    for nearest in (False, True):
        expected = [ancestor_at(tree, uid, tier, nearest=nearest) for uid in chosen]
        one_by_one = [org.ancestor_at(uid, tier, nearest=nearest) for uid in chosen]
        assert [u and u.id for u in one_by_one] == expected
        want = [-1 if e is None else ids.index(e) for e in expected]
        assert org.ancestor_at_many(chosen, tier, nearest=nearest).tolist() == want
        for dtype in (np.int64, np.int32, np.uint16):
            positions = np.array([ids.index(u) for u in chosen], dtype=dtype)
            assert org.ancestor_at_many(positions, tier, nearest=nearest).tolist() == want
        assert org.ids_at(org.ancestor_at_many(chosen, tier, nearest=nearest)) == expected


# ---------------------------------------------------------------------- functional updates


@given(ORGS, st.data())
def test_add_units_keeps_the_rules_or_raises(org: Organisation, data: st.DataObject) -> None:
    before = org.to_records()
    known = {r["id"]: r for r in before}
    count = data.draw(st.integers(1, 4))
    new_ids = data.draw(
        st.lists(
            st.one_of(unit_ids(), st.sampled_from(list(known) or ["S"])),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    added: list[dict[str, Any]] = []
    names = org.scheme.names
    for i, uid in enumerate(new_ids):
        parent = data.draw(
            st.sampled_from([None, *known, *new_ids[:i], *new_ids[i + 1 :], missing_id(org)])
        )
        parent_tier = known[parent]["tier"] if parent in known else None
        choices = list(names)
        if parent_tier is not None:
            here = names.index(parent_tier)
            choices = [names[min(here + 1, len(names) - 1)], parent_tier, *names]
        tier = data.draw(st.sampled_from(choices))
        allowed = org.scheme.tier(tier).forms or tuple(PartyForm)
        form = data.draw(st.sampled_from([None, *allowed]) | st.sampled_from([None, *PartyForm]))
        added.append(
            {
                "id": uid,
                "tier": tier,
                "parent": parent,
                "form": form_name(form),
                "households": data.draw(st.integers(0, COUNT_LIMIT)),
            }
        )
    combined = before + added
    if structure_problems(combined, org.scheme):
        with pytest.raises(HierarchyError):
            org.add_units(added)
    else:
        result = org.add_units(added)
        assert result == rebuild(org, combined)
        assert_consistent(result)
    assert org.to_records() == before


@given(ORGS, st.data())
def test_remove_drops_whole_subtrees(org: Organisation, data: st.DataObject) -> None:
    before = org.to_records()
    tree = Tree(before)
    ids = list(org)
    gone = data.draw(st.lists(st.sampled_from(ids), max_size=3)) if ids else []
    result = org.remove(*gone)
    dropped = {d for uid in gone for d in tree.subtree(uid)}
    kept = [r for r in before if r["id"] not in dropped]
    assert result == rebuild(org, kept)
    assert not dropped & set(result)
    assert all(u.parent is None or u.parent in result for u in result.values())
    assert all(result[r["id"]] == org[r["id"]] for r in kept)
    assert_consistent(result)
    assert org.to_records() == before


@given(NON_EMPTY, st.data())
def test_move_succeeds_exactly_when_the_rules_allow(
    org: Organisation, data: st.DataObject
) -> None:
    before = org.to_records()
    tree = Tree(before)
    uid = data.draw(st.sampled_from(list(org)))
    parent = data.draw(st.none() | st.sampled_from(list(org)))
    subtree = tree.subtree(uid)
    allowed = parent is None or (
        parent not in subtree and parent_rule(org.scheme, tree.by_id[uid], tree.by_id[parent])
    )
    if not allowed:
        with pytest.raises(HierarchyError):
            org.move(uid, parent)
        return
    result = org.move(uid, parent)
    moved = [dict(tree.by_id[u]) for u in subtree]
    moved[0]["parent"] = parent
    expected = [r for r in before if r["id"] not in set(subtree)] + moved
    assert not structure_problems(expected, org.scheme)
    assert result == rebuild(org, expected)
    siblings = result.roots() if parent is None else result.children(parent)
    assert siblings[-1].id == uid
    assert_consistent(result)
    assert org.to_records() == before


EVOLVABLE = ("id", "name", "tier", "form", *COUNT_FIELDS, "attributes")


@given(NON_EMPTY, st.data())
def test_evolve_succeeds_exactly_when_the_rules_allow(
    org: Organisation, data: st.DataObject
) -> None:
    before = org.to_records()
    ids = list(org)
    uid = data.draw(st.sampled_from(ids))
    forms: list[PartyForm | str | None] = [None, *PartyForm, *(f.value for f in PartyForm)]
    values: dict[str, st.SearchStrategy[Any]] = {
        "id": unit_ids() | st.sampled_from(ids),
        "name": st.text(max_size=6),
        "tier": st.sampled_from(org.scheme.names),
        "form": st.sampled_from(forms),
        "attributes": st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        **{field: st.integers(0, COUNT_LIMIT) for field in COUNT_FIELDS},
    }
    changes = data.draw(st.fixed_dictionaries({}, optional=values))
    expected = [dict(r) for r in before]
    for row in expected:
        if row["id"] == uid:
            row.update(changes)
            row["form"] = form_name(row["form"])
        if "id" in changes and row["parent"] == uid:
            row["parent"] = changes["id"]
    if structure_problems(expected, org.scheme):
        with pytest.raises(HierarchyError):
            org.evolve(uid, **changes)
    else:
        result = org.evolve(uid, **changes)
        assert result == rebuild(org, expected)
        assert_consistent(result)
    assert org.to_records() == before


@given(NON_EMPTY, st.data())
def test_evolve_cannot_change_the_parent(org: Organisation, data: st.DataObject) -> None:
    uid = data.draw(st.sampled_from(list(org)))
    with pytest.raises(GridorgError, match="move"):
        org.evolve(uid, parent=None)


# ---------------------------------------------------------------------- value semantics


@given(ORGS, st.integers(0, pickle.HIGHEST_PROTOCOL))
def test_pickle_round_trip(org: Organisation, protocol: int) -> None:
    again = pickle.loads(pickle.dumps(org, protocol=protocol))
    assert again == org
    assert hash(again) == hash(org)
    assert_consistent(again)
    # Caches built before pickling make no difference.
    org.totals("households")
    if len(org):
        org.ancestor_at_many(np.arange(len(org)), org.scheme.names[0])
    assert pickle.loads(pickle.dumps(org, protocol=protocol)) == org


@given(ORGS, st.data())
def test_equality_follows_the_records(org: Organisation, data: st.DataObject) -> None:
    rows = org.to_records()
    twin = rebuild(org, rows)
    assert twin == org
    assert not twin != org  # noqa: SIM202 - the != operator is what is tested
    assert hash(twin) == hash(org)
    assert org != dict(org)
    assert rebuild(org, rows) != Organisation.from_records(
        rows, scheme=org.scheme, name=org.name + "x"
    )
    if not rows:
        return
    k = data.draw(st.integers(0, len(rows) - 1))
    field = data.draw(st.sampled_from(["name", *COUNT_FIELDS, "attributes"]))
    changed = [dict(r) for r in rows]
    if field == "name":
        changed[k]["name"] += "x"
    elif field == "attributes":
        old = changed[k].get("attributes", {})
        changed[k]["attributes"] = {**old, "~" * (1 + max(map(len, old), default=0)): None}
    else:
        changed[k][field] = (changed[k][field] + 1) % (COUNT_LIMIT + 1)
    other = rebuild(org, changed)
    assert other != org
    assert not other == org  # noqa: SIM201 - the == operator is what is tested


@given(ORGS)
def test_equal_organisations_hash_alike_across_schemes(org: Organisation) -> None:
    # An equal scheme built separately gives an equal organisation with an equal hash.
    copy_scheme = LevelScheme(list(org.scheme))
    again = Organisation.from_records(org.to_records(), scheme=copy_scheme, name=org.name)
    assert again == org
    assert hash(again) == hash(org)
