"""Brute-force references over plain records, for the property tests.

Everything here is written from the rules of DOMAIN.md and the documented behaviour, with
dicts and recursion only, so that the organisation's columns and numpy code are checked against
something that shares none of their machinery.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Literal

from gridorg import LevelScheme, Organisation

CountField = Literal["households", "party_members", "gridders"]

#: The count fields of a unit.
COUNT_FIELDS: Final[tuple[CountField, ...]] = ("households", "party_members", "gridders")

#: The party forms from the highest to the lowest, as DOMAIN.md lists them.
FORM_ORDER = (
    "working_committee",
    "committee",
    "general_branch",
    "branch",
    "group",
    "central_household",
)

#: Counts above this are rejected.
COUNT_LIMIT = 1_000_000_000

Record = dict[str, Any]


def form_name(form: object) -> str | None:
    """A form as its plain string value (``None`` stays ``None``)."""
    return None if form is None else str(form)


def parent_rule(scheme: LevelScheme, child: Mapping[str, Any], parent: Mapping[str, Any]) -> bool:
    """Whether ``parent`` may contain ``child``: one tier up, or the same tier with both units
    having a form and the parent's strictly higher."""
    names = [t.name for t in scheme]
    child_tier, parent_tier = names.index(child["tier"]), names.index(parent["tier"])
    if parent_tier == child_tier - 1:
        return True
    child_form, parent_form = form_name(child.get("form")), form_name(parent.get("form"))
    return (
        parent_tier == child_tier
        and child_form is not None
        and parent_form is not None
        and FORM_ORDER.index(parent_form) < FORM_ORDER.index(child_form)
    )


def structure_problems(records: Sequence[Mapping[str, Any]], scheme: LevelScheme) -> list[str]:
    """Every reason why ``records`` do not form a valid organisation of ``scheme``."""
    problems: list[str] = []
    tiers = {t.name: t for t in scheme}
    by_id: dict[str, Mapping[str, Any]] = {}
    for record in records:
        uid = record["id"]
        if not isinstance(uid, str) or not uid or uid != uid.strip():
            problems.append(f"bad id {uid!r}")
        if uid in by_id:
            problems.append(f"duplicate id {uid!r}")
        by_id[uid] = record
    for record in records:
        uid = record["id"]
        tier = tiers.get(record["tier"])
        if tier is None:
            problems.append(f"{uid!r}: unknown tier {record['tier']!r}")
            continue
        form = form_name(record.get("form"))
        if form is not None and tier.forms and form not in [str(f) for f in tier.forms]:
            problems.append(f"{uid!r}: form {form} not allowed at tier {tier.name}")
        for field in COUNT_FIELDS:
            value = record.get(field, 0)
            if type(value) is not int or not 0 <= value <= COUNT_LIMIT:
                problems.append(f"{uid!r}: bad {field} {value!r}")
        parent = record.get("parent")
        if parent is None:
            continue
        if parent not in by_id:
            problems.append(f"{uid!r}: parent {parent!r} does not exist")
        elif by_id[parent]["tier"] in tiers and not parent_rule(scheme, record, by_id[parent]):
            problems.append(f"{uid!r}: parent {parent!r} breaks the tier rule")
    for record in records:
        seen = {record["id"]}
        up = record.get("parent")
        while up is not None and up in by_id:
            if up in seen:
                problems.append(f"{record['id']!r}: its parent chain has a cycle")
                break
            seen.add(up)
            up = by_id[up].get("parent")
    return problems


class Tree:
    """A forest held as plain dicts, built from records in the order given."""

    def __init__(self, records: Sequence[Mapping[str, Any]]) -> None:
        self.records = [dict(r) for r in records]
        self.by_id = {r["id"]: r for r in self.records}
        self.parent: dict[str, str | None] = {r["id"]: r.get("parent") for r in self.records}
        self.children: dict[str, list[str]] = {r["id"]: [] for r in self.records}
        self.roots: list[str] = []
        for record in self.records:
            up = record.get("parent")
            if up is None:
                self.roots.append(record["id"])
            else:
                self.children[up].append(record["id"])

    def ancestors(self, uid: str) -> list[str]:
        """The parent of ``uid``, its parent, ... up to the root."""
        chain: list[str] = []
        up = self.parent[uid]
        while up is not None:
            chain.append(up)
            up = self.parent[up]
        return chain

    def depth(self, uid: str) -> int:
        """The number of ancestors."""
        return len(self.ancestors(uid))

    def subtree(self, uid: str) -> list[str]:
        """``uid`` and its descendants in preorder, children in order."""
        found = [uid]
        for child in self.children[uid]:
            found.extend(self.subtree(child))
        return found

    def preorder(self) -> list[str]:
        """Every unit, tree by tree, in preorder."""
        return [uid for root in self.roots for uid in self.subtree(root)]

    def total(self, uid: str, field: str) -> int:
        """The sum of ``field`` over the subtree of ``uid``."""
        return sum(int(self.by_id[d].get(field, 0)) for d in self.subtree(uid))


def naive_walk(
    tree: Tree,
    start: str | None,
    order: str,
    keep: Callable[[str], bool],
    stop: Callable[[str], bool],
    max_depth: int | None,
) -> list[str]:
    """The walk documented by ``Organisation.walk``, written the obvious way.

    ``keep(uid)`` false leaves out the unit but not its children; ``stop(uid)`` true leaves out
    the unit and its subtree; ``max_depth`` counts from ``start`` (or the roots) at depth 0.
    """
    tops = tree.roots if start is None else [start]
    out: list[str] = []

    def pruned(uid: str, depth: int) -> bool:
        return (max_depth is not None and depth > max_depth) or stop(uid)

    def pre(uid: str, depth: int) -> None:
        if pruned(uid, depth):
            return
        if keep(uid):
            out.append(uid)
        for child in tree.children[uid]:
            pre(child, depth + 1)

    def post(uid: str, depth: int) -> None:
        if pruned(uid, depth):
            return
        for child in tree.children[uid]:
            post(child, depth + 1)
        if keep(uid):
            out.append(uid)

    if order == "pre":
        for top in tops:
            pre(top, 0)
    elif order == "post":
        for top in tops:
            post(top, 0)
    else:
        queue = deque((top, 0) for top in tops)
        while queue:
            uid, depth = queue.popleft()
            if pruned(uid, depth):
                continue
            if keep(uid):
                out.append(uid)
            queue.extend((child, depth + 1) for child in tree.children[uid])
    return out


def ancestor_at(tree: Tree, uid: str, tier: str, *, nearest: bool) -> str | None:
    """The topmost (or nearest) unit of ``tier`` on the path from ``uid`` up to its root."""
    path = [uid, *tree.ancestors(uid)]
    matches = [u for u in path if tree.by_id[u]["tier"] == tier]
    if not matches:
        return None
    return matches[0] if nearest else matches[-1]


def assert_consistent(org: Organisation) -> None:
    """Check that every derived column and lookup of ``org`` agrees with its records.

    Equality compares the stored fields only; this checks what updates build by hand: the
    id index, depths, subtree sizes and subtree sums.
    """
    records = org.to_records()
    tree = Tree(records)
    ids = [r["id"] for r in records]
    assert tree.preorder() == ids
    assert list(org) == ids
    assert [org.index(uid) for uid in ids] == list(range(len(ids)))
    assert all(uid in org for uid in ids)
    assert ("?" * (max(map(len, ids), default=0) + 1)) not in org
    assert org.column("depth").tolist() == [tree.depth(uid) for uid in ids]
    assert org.column("size").tolist() == [len(tree.subtree(uid)) for uid in ids]
    position: dict[str | None, int] = {uid: k for k, uid in enumerate(ids)}
    position[None] = -1
    assert org.column("parent").tolist() == [position[tree.parent[uid]] for uid in ids]
    for field in COUNT_FIELDS:
        assert org.totals(field).tolist() == [tree.total(uid, field) for uid in ids]
    assert not structure_problems(records, org.scheme)
