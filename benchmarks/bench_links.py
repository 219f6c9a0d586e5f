"""Benchmark cross-links at national scale: bytes per link, against networkx in one process.

Run from the repository root::

    python benchmarks/bench_links.py            # 10,000,000 links on ~11M units (~1M grids)
    python benchmarks/bench_links.py --quick    # 1,000 streets and 1,000,000 links

The organisation is the synthetic national-scale one of ``bench_hierarchy.py``. The links are
a realistic mix: sinkings of in-service party members into grids (60 %), sites serving grids
(20 %), registrations of units at communities (10 %) and leaders' contact points (10 %), over
300,000 people, 50,000 partners and 20,000 service sites. Memory is what stays allocated
after the links are added (tracemalloc), people, partners and sites included; the peer is a
networkx ``MultiDiGraph`` holding the same links as edges with their attributes, measured on
a tenth of the links and reported per link. Results are printed as Markdown and written to
``results_links.json``.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

RUN = """
import gc, json, time, tracemalloc
import networkx as nx
import numpy as np
from gridorg import Organisation, Partner, Person, ServiceSite
from gridorg.datasets import synthetic_columns

org = Organisation.from_columns(
    synthetic_columns(streets={streets}, seed=1, households_per_grid=(80, 160))
)
tier = org.column("tier")
grids = org._parts.ids.take(np.flatnonzero(tier == 2))
communities = org._parts.ids.take(np.flatnonzero(tier == 1))
G, C = len(grids), len(communities)
N = {links}
P, PA, S = 300_000, 50_000, 20_000
person_ids = [f"P{{i}}" for i in range(P)]
partner_ids = [f"U{{i}}" for i in range(PA)]
site_ids = [f"X{{i}}" for i in range(S)]
sink, serve, reg = int(N * 0.6), int(N * 0.2), int(N * 0.1)
contact = N - sink - serve - reg
i = np.arange(sink, dtype=np.int64)
sink_src = i % P
sink_dst = (i // P * 7919 + i * 104729) % G
i = np.arange(serve, dtype=np.int64)
serve_src, serve_dst = i % S, i % G
i = np.arange(reg, dtype=np.int64)
reg_src, reg_dst = i % PA, (i * 7) % C
i = np.arange(contact, dtype=np.int64)
contact_src, contact_dst = i % P, (i * 31 + 5) % G
columns = {{
    "kind": ["sinking"] * sink + ["serving"] * serve + ["registration"] * reg
    + ["contact_point"] * contact,
    "source": [person_ids[k] for k in sink_src.tolist()]
    + [site_ids[k] for k in serve_src.tolist()]
    + [partner_ids[k] for k in reg_src.tolist()]
    + [person_ids[k] for k in contact_src.tolist()],
    "target": [grids[k] for k in sink_dst.tolist()]
    + [grids[k] for k in serve_dst.tolist()]
    + [communities[k] for k in reg_dst.tolist()]
    + [grids[k] for k in contact_dst.tolist()],
}}
columns["date"] = [None] * (sink + serve) + ["2024-03-01"] * reg + [None] * contact
teams = [f"team {{k % 181}}" for k in range(reg)]
columns["text"] = [None] * (sink + serve) + teams + [None] * contact


def entities():
    people = [Person(p, roles={{"in_service_member", "county_leader"}}) for p in person_ids]
    partners = [Partner(u, kind="government_unit") for u in partner_ids]
    sites = [ServiceSite(s) for s in site_ids]
    return people, partners, sites


gc.collect()
tracemalloc.start()
before = tracemalloc.get_traced_memory()[0]
people, partners, sites = entities()
linked = org.with_links(columns, people=people, partners=partners, sites=sites)
del people, partners, sites
gc.collect()
retained = tracemalloc.get_traced_memory()[0] - before
tracemalloc.stop()
table = linked.links._table.nbytes
del linked
gc.collect()

people, partners, sites = entities()
start = time.perf_counter()
linked = org.with_links(columns, people=people, partners=partners, sites=sites)
seconds = time.perf_counter() - start
assert len(linked.links) == N
del linked
gc.collect()

# The peer: the same links as MultiDiGraph edges with their fields, on a tenth of them.
step = 10
sample = range(0, N, step)
kinds, sources, targets = columns["kind"], columns["source"], columns["target"]
dates, texts = columns["date"], columns["text"]
gc.collect()
tracemalloc.start()
before = tracemalloc.get_traced_memory()[0]
graph = nx.MultiDiGraph()
graph.add_nodes_from(person_ids, type="person")
graph.add_nodes_from(partner_ids, type="partner")
graph.add_nodes_from(site_ids, type="site")
for k in sample:
    data = {{"kind": kinds[k]}}
    if dates[k] is not None:
        data["date"] = dates[k]
    if texts[k] is not None:
        data["service_team"] = texts[k]
    graph.add_edge(sources[k], targets[k], **data)
gc.collect()
peer = tracemalloc.get_traced_memory()[0] - before
tracemalloc.stop()
print(json.dumps(dict(units=len(org), grids=G, links=N, retained=retained, table=table,
                      seconds=seconds, peer=peer, peer_links=len(sample))))
"""


def run(streets: int, links: int) -> dict[str, Any]:
    code = RUN.format(streets=streets, links=links)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 streets, 1M links")
    args = parser.parse_args()
    streets, links = (1_000, 1_000_000) if args.quick else (10_100, 10_000_000)
    result = run(streets, links)
    per_link = result["retained"] / result["links"]
    peer_per_link = result["peer"] / result["peer_links"]
    rows = [
        {
            "size": f"{result['links']:,} links on {result['units']:,} units",
            "task": "memory added per link (people, partners, sites included)",
            "gridorg": per_link,
            "peer": "networkx MultiDiGraph",
            "peer_value": peer_per_link,
            "ratio": peer_per_link / per_link,
            "unit": "B",
            "note": f"link columns alone: {result['table'] / result['links']:.1f} B per link",
        },
        {
            "size": f"{result['links']:,} links on {result['units']:,} units",
            "task": "with_links from columns, validated",
            "gridorg": result["seconds"],
            "peer": None,
            "peer_value": None,
            "ratio": None,
            "unit": "s",
            "note": f"{result['links'] / result['seconds'] / 1e6:.2f}M links per second",
        },
    ]
    print("| size | task | gridorg | peer | peer value | ratio | note |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        peer_value = "" if row["peer_value"] is None else f"{row['peer_value']:.1f} {row['unit']}"
        ratio = "" if row["ratio"] is None else f"{row['ratio']:.1f}×"
        print(
            f"| {row['size']} | {row['task']} | {row['gridorg']:.1f} {row['unit']} | "
            f"{row['peer'] or ''} | {peer_value} | {ratio} | {row['note']} |"
        )
    if not args.quick:
        (HERE / "results_links.json").write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    gc.collect()
    start = time.perf_counter()
    main()
    tracemalloc.stop()
    print(f"\n({time.perf_counter() - start:.0f} s in all)")
