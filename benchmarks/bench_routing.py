"""Benchmark issue routing against a networkx predecessor walk, in one process.

Run from the repository root::

    python benchmarks/bench_routing.py            # 2,000,000 issues on ~1.1M units
    python benchmarks/bench_routing.py --quick    # 100 streets and 200,000 issues

The organisation is the synthetic one of ``bench_hierarchy.py`` (1,000 streets, about 1.1M
units) with the county departments of the presets (every one answering everywhere, three of
them on every tenth street's extended committee). Issues arise at random grids and household
heads, with random categories, urgency, importance and channels; the router uses the standard
rule table and the matrix triage.

The peer routes the same issues the idiomatic way: a ``networkx.DiGraph`` from
``org.to_networkx()``, for each issue a walk up the predecessors to find the units at every
tier, the matrix colour, the standard table's rules as Python tests, departments from a dict
keyed by (category, street) and deadlines by integer arithmetic. It runs on a sample of the
issues and its time is scaled up per issue. Every figure is the best of ``--repeat`` runs
after a warm-up; the cold row is the first ``route_many`` of a new router (its department and
people tables filled on the way). Results are printed as Markdown and written to
``results_routing.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from gridorg._rule_checks import DEPARTMENT_MATTERS
from gridorg.datasets._crosslinks import DEPARTMENTS
from gridorg.hierarchy import Organisation
from gridorg.issue import Channel, Issue
from gridorg.links import CommitteeMembership
from gridorg.partners import Department
from gridorg.routing import Router
from gridorg.triage import MatrixTriage

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_hierarchy import _row, best_of, machine, markdown, synthetic

HERE = Path(__file__).resolve().parent
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
START_US = (dt.datetime(2024, 5, 6, tzinfo=dt.UTC) - EPOCH) // dt.timedelta(microseconds=1)
Row = dict[str, Any]


def organisation(streets: int) -> Organisation:
    org = synthetic(streets)
    departments = [
        Department(f"D-{function}", name.format(c="X"), categories=set(cats), function=function)
        for function, name, cats in DEPARTMENTS
    ]
    street_ids = org.ids_at(org.positions(tier="street"))[::10]
    members = [CommitteeMembership(d.id, str(s)) for s in street_ids for d in departments[3:6]]
    return org.with_links(members, partners=departments)


def issue_columns(org: Organisation, n: int, seed: int = 7) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    places = np.flatnonzero(org.column("tier") >= org.scheme.index("grid"))
    return {
        "id": np.char.add("Q", np.arange(n).astype(str)),
        "category": rng.integers(0, len(org.links.categories), n),
        "origin": places[rng.integers(0, len(places), n)],
        "reported": START_US + rng.integers(0, 90 * 86_400_000_000, n),
        "urgency": rng.integers(1, 5, n).astype(np.uint8),
        "importance": rng.integers(1, 5, n).astype(np.uint8),
        "households": rng.integers(1, 40, n),
        "channel": rng.integers(0, len(Channel), n).astype(np.uint8),
    }


def issue_list(org: Organisation, columns: dict[str, Any], n: int) -> list[Issue]:
    codes = list(org.links.categories)
    channels = list(Channel)
    origins = org.ids_at(columns["origin"][:n])
    return [
        Issue(
            str(columns["id"][i]),
            codes[int(columns["category"][i])],
            str(origins[i]),
            EPOCH + dt.timedelta(microseconds=int(columns["reported"][i])),
            urgency=int(columns["urgency"][i]),
            importance=int(columns["importance"][i]),
            households=int(columns["households"][i]),
            channel=channels[int(columns["channel"][i])],
        )
        for i in range(n)
    ]


def peer_route(org: Organisation, graph: Any, columns: dict[str, Any], n: int) -> list[Any]:
    """The standard table routed by walking networkx predecessors, issue by issue."""
    triage = MatrixTriage()
    matrix = [[c.value for c in row] for row in triage.matrix]
    limits = {
        c.value: (
            triage.deadlines(c).response // dt.timedelta(microseconds=1),
            triage.deadlines(c).resolution // dt.timedelta(microseconds=1),
        )
        for c in triage.colours
    }
    catalogue = org.links.categories
    codes = list(catalogue)
    default_tier = {c: catalogue[c].tier for c in codes}
    departments: dict[tuple[str, str], tuple[str, ...]] = {}
    answering = {
        c: [d.id for d in org.links.departments.values() if c in d.categories] for c in codes
    }
    matters = frozenset(DEPARTMENT_MATTERS)
    nodes, pred = graph.nodes, graph.pred
    ids = [str(uid) for uid in org.ids_at(columns["origin"][:n])]  # every position is a unit
    cats = columns["category"][:n].tolist()
    urgency, importance = columns["urgency"][:n].tolist(), columns["importance"][:n].tolist()
    reported = columns["reported"][:n].tolist()
    found = []
    for origin, cat, u, i, at in zip(ids, cats, urgency, importance, reported, strict=True):
        category = codes[cat]
        colour = matrix[u - 1][i - 1]
        up: dict[str, str] = {}
        node = origin
        while True:
            up[nodes[node]["tier"]] = node  # overwritten going up: the topmost of each tier
            parents = pred[node]
            if not parents:
                break
            node = next(iter(parents))
        street = up.get("street", node)
        key = (category, street)
        if key not in departments:
            departments[key] = tuple(answering[category])
        deps = departments[key]
        decision: tuple[str, str | None, tuple[str, ...]]
        if colour == "red":
            decision = ("whistle", street, deps)
        elif category == "neighbour_disputes":
            decision = ("mediation", up.get("grid"), ())
        elif category == "property_management" and colour == "orange":
            decision = ("joint_office", up.get("community"), deps)
        elif category in matters:
            decision = ("department", None, deps) if deps else ("handle", up["community"], ())
        else:
            decision = ("handle", up.get(default_tier[category], street), ())
        response, resolution = limits[colour]
        found.append((*decision, at + response, at + resolution))
    return found


def check_peer(org: Organisation, decisions: Any, peer: list[Any]) -> None:
    """Stop unless the peer decided as gridorg did for every issue it routed (departments are
    compared as sets: the peer does not put extended-committee members first)."""
    columns = decisions.to_columns()
    actions = columns["action_names"]
    handlers = org.ids_at(columns["handler"][: len(peer)])
    for i, (action, handler, deps, response, resolution) in enumerate(peer):
        ours = (
            actions[int(columns["action"][i])],
            handlers[i],
            frozenset(columns["departments"][i]),
            int(columns["response_by"][i]),
            int(columns["resolve_by"][i]),
        )
        theirs = (action, handler, frozenset(deps), response, resolution)
        if action == "department" and not deps:
            theirs = ours  # the fallbacks are not modelled by the peer
        if ours != theirs:
            msg = f"issue {i}: gridorg decided {ours}, the peer {theirs}"
            raise AssertionError(msg)


def bench(streets: int, n: int, sample: int, repeat: int) -> list[Row]:
    org = organisation(streets)
    size = f"{n:,} issues on {len(org):,} units"
    columns = issue_columns(org, n)
    start = time.perf_counter()
    router = Router(org)
    built = time.perf_counter() - start
    start = time.perf_counter()
    router.route_many(columns)
    cold = time.perf_counter() - start
    ours, decisions = best_of(repeat, lambda: router.route_many(columns))
    graph = org.to_networkx()
    peer_sample, peer_found = best_of(1, lambda: peer_route(org, graph, columns, sample))
    check_peer(org, decisions, peer_found)
    peer = peer_sample * n / sample
    few = issue_list(org, columns, sample)
    listed, _ = best_of(repeat, lambda: router.route_many(few))
    medians = []
    for _ in range(2):  # first visits of each origin, then again with the caches warm
        singles = []
        for issue in few[: min(sample, 20_000)]:
            begin = time.perf_counter_ns()
            router.route(issue)
            singles.append(time.perf_counter_ns() - begin)
        medians.append(float(np.median(singles)) / 1000)
    assert decisions[0] == router.route(few[0])
    rate = n / ours
    return [
        _row(
            size,
            "route_many, columns (positions + category codes)",
            ours,
            "networkx predecessor walk",
            peer,
            note=f"{rate / 1e6:.2f}M issues/s; peer timed on {sample:,} issues and scaled",
        ),
        _row(
            size,
            "route_many, first call of a new router (tables filled)",
            cold,
            None,
            None,
            note=f"{n / cold / 1e6:.2f}M issues/s; Router() took {built:.2f} s",
        ),
        _row(
            f"{sample:,} Issue objects",
            "route_many, a list of Issue values",
            listed,
            "networkx predecessor walk",
            peer_sample,
            note=f"{sample / listed / 1e6:.2f}M issues/s",
        ),
        _row(
            f"{len(singles):,} calls",
            "route(), median of single calls, first visit of each origin",
            medians[0],
            None,
            None,
            unit="µs",
            note="time.perf_counter_ns around each call",
        ),
        _row(
            f"{len(singles):,} calls",
            "route(), median of single calls, the same issues again",
            medians[1],
            None,
            None,
            unit="µs",
            note="origin positions, unit ids and chains remembered by the router",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 streets, 200,000 issues")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    streets, n, sample = (100, 200_000, 20_000) if args.quick else (1_000, 2_000_000, 100_000)
    rows = bench(streets, n, sample, args.repeat)
    report = {"machine": machine(), "rows": rows}
    if not args.quick:  # a smoke test leaves the recorded figures alone
        (HERE / "results_routing.json").write_text(
            json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    print(json.dumps(report["machine"], indent=2))
    print(markdown(rows))


if __name__ == "__main__":
    main()
