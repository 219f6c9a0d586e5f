"""The peers gridorg is measured against: the same operations written the idiomatic way in
networkx, anytree and bigtree, on the same records."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import networkx as nx

Record = dict[str, Any]
FIELDS = ("name", "tier", "form", "households", "party_members", "gridders")


def networkx_build(records: Sequence[Record]) -> nx.DiGraph[str]:
    """A DiGraph with every record as its node's attributes and parent → child edges.

    The idiomatic way: networkx copies each record into the node's attribute dict.
    """
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from((r["id"], r) for r in records)
    graph.add_edges_from((r["parent"], r["id"]) for r in records if r["parent"] is not None)
    return graph


def networkx_from_columns(columns: dict[str, Any]) -> nx.DiGraph[str]:
    """A DiGraph from the same numpy columns: one attribute dict per node, then the edges."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    ids = columns["id"].tolist()
    names = ("name", "tier", "form", "households", "party_members", "gridders")
    values = [columns[f].tolist() for f in names]
    graph.add_nodes_from(
        (uid, dict(zip(names, row, strict=True))) for uid, *row in zip(ids, *values, strict=True)
    )
    parent = columns["parent"].tolist()
    graph.add_edges_from((ids[p], uid) for p, uid in zip(parent, ids, strict=True) if p >= 0)
    return graph


def networkx_ancestor_at(graph: nx.DiGraph[str], leaves: Sequence[str], tier: str) -> list[Any]:
    """For each leaf, the topmost ancestor-or-self at ``tier``, walking predecessors."""
    nodes = graph.nodes
    pred = graph.pred
    found: list[Any] = []
    for leaf in leaves:
        node = leaf
        best = None
        while True:
            if nodes[node]["tier"] == tier:
                best = node
            ups = pred[node]
            if not ups:
                break
            node = next(iter(ups))
        found.append(best)
    return found


def networkx_totals(graph: nx.DiGraph[str], field: str) -> dict[str, int]:
    """Subtree sums of ``field`` for every node, children before parents."""
    totals: dict[str, int] = {}
    nodes = graph.nodes
    succ = graph.succ
    for node in nx.dfs_postorder_nodes(graph):
        totals[node] = nodes[node][field] + sum(totals[c] for c in succ[node])
    return totals


def networkx_json_round_trip(graph: nx.DiGraph[str]) -> nx.DiGraph[str]:
    """Node-link JSON text and back."""
    text = json.dumps(nx.node_link_data(graph, edges="edges"), ensure_ascii=False)
    result = nx.node_link_graph(json.loads(text), edges="edges")
    assert isinstance(result, nx.DiGraph)
    return result


def anytree_build(records: Sequence[Record]) -> Any:
    """anytree nodes under one virtual root (anytree trees have a single root)."""
    from anytree import Node

    root = Node("__root__")
    made: dict[str, Any] = {}
    for r in records:  # parents come before children (preorder records)
        parent = made[r["parent"]] if r["parent"] is not None else root
        fields = {("label" if f == "name" else f): r[f] for f in FIELDS}
        made[r["id"]] = Node(r["id"], parent=parent, **fields)
    return made


def anytree_ancestor_at(made: dict[str, Any], leaves: Sequence[str], tier: str) -> list[Any]:
    found: list[Any] = []
    for leaf in leaves:
        node = made[leaf]
        best = None
        for candidate in (*node.ancestors, node):
            if getattr(candidate, "tier", None) == tier:
                best = candidate.name
                break
        found.append(best)
    return found


def bigtree_build(records: Sequence[Record]) -> Any:
    """A bigtree tree from parent-child relations under one virtual root."""
    import pandas as pd
    from bigtree import dataframe_to_tree_by_relation

    frame = pd.DataFrame(
        {
            "child": [r["id"] for r in records],
            "parent": [r["parent"] if r["parent"] is not None else "__root__" for r in records],
            **{f: [r[f] for r in records] for f in ("tier", "households")},
        }
    )
    return dataframe_to_tree_by_relation(frame, child_col="child", parent_col="parent")
