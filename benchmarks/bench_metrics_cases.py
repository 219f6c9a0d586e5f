"""Benchmark the 数字城管 case metrics on a log of ten million events, against a pandas peer.

Run from the repository root::

    python benchmarks/bench_metrics_cases.py            # 10,000,000 events, ~1.5M cases
    python benchmarks/bench_metrics_cases.py --quick    # 1,000,000 events

The log is built as ``bench_lifecycle.py`` builds it: realistic valid paths through the
lifecycle (the standard loop, self-disposal, escalation, extension, rework, rejection,
duplicates and open cases), cases starting uniformly over a quarter, exponentially distributed
steps, deadlines on dispatched, escalated and extended events, everything sorted by time and
added in batches of 1,000,000 with ``CaseLog.extend``. Here replied and closed events also
carry satisfaction ratings (on two cases in three) and every case is registered with a
category and an origin grid of a synthetic organisation (10 streets). Only the metrics are
timed (the registry is loaded first): ``compute("cases", ...)`` overall, by month and by
community, each a fresh call; the first also groups the log's events by case, which the log
keeps for later calls. The target is every metric of the set, overall, within 20 s.

The peer is a pandas implementation of the same definitions — a ``groupby`` over the events
per case, then the counts and rates — run on the earliest events of the log (a sample), with
its results checked against gridorg's on the same sample. Results are printed as Markdown
and written to ``results_metrics_cases.json``.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import bench_lifecycle
from gridorg.datasets import synthetic
from gridorg.hierarchy import Organisation
from gridorg.lifecycle import FINAL_STATES, NO_TIME, CaseLog, CaseState
from gridorg.metrics import available, compute

HERE = Path(__file__).resolve().parent
HOUR = 3_600_000_000  # µs
CATEGORIES = ("environment", "public_facilities", "stability", "civil_assistance")
RATED = (CaseState.REPLIED.code, CaseState.CLOSED.code)


def generate(events: int, grids: list[str], seed: int = 1) -> dict[str, Any]:
    """The case log benchmark's event columns (valid walks, sorted by time), with ratings on
    two thirds of the replied and closed events and a category and an origin for each case."""
    data = bench_lifecycle.generate(events, seed)
    rng = np.random.default_rng(seed + 1)
    count = len(data["time"])
    rated = np.isin(data["state"], RATED) & (rng.random(count) < 2 / 3)
    data["rating"] = np.where(rated, rng.integers(1, 6, count), -1).astype(np.int8)
    cases = data["cases"]
    data["cases"] = data["ids"]
    data["category"] = np.array(CATEGORIES, dtype=object)[rng.integers(0, len(CATEGORIES), cases)]
    data["origin"] = np.array(grids, dtype=object)[rng.integers(0, len(grids), cases)]
    return data


def build(data: dict[str, Any], count: int | None = None) -> CaseLog:
    """The log of the first ``count`` events (all by default), in batches of 1,000,000."""
    keys = ("case", "time", "state", "due", "rating")
    stop = len(data["time"]) if count is None else count
    log = CaseLog()
    for i in range(0, stop, 1_000_000):
        log.extend({k: data[k][i : min(i + 1_000_000, stop)] for k in keys})
    where = {case: k for k, case in enumerate(data["cases"].tolist())}
    for case in log.cases:
        k = where[case]
        log.register(case, category=data["category"][k], origin=data["origin"][k])
    return log


# ---------------------------------------------------------------------- the pandas peer


def peer_input(log: CaseLog) -> tuple[pd.DataFrame, pd.Series]:
    """The peer's input (not timed): the events as a frame with integer case codes, and each
    case's origin."""
    columns = log.to_columns()
    frame = pd.DataFrame(
        {
            "case": pd.Categorical(columns["case"], categories=columns["cases"]).codes,
            "time": columns["time"],
            "state": columns["state"],
            "due": columns["due"],
        }
    )
    return frame, pd.Series(columns["origin"])


def pandas_metrics(
    frame: pd.DataFrame, origins: pd.Series, org: Organisation, by: str | None
) -> dict[str, Any]:
    """The case metrics by pandas groupby over the event frame (no period)."""
    code = {state: state.code for state in CaseState}
    end = int(frame["time"].max()) + 1
    frame = frame.sort_values(["case", "time"], kind="stable")
    grouped = frame.groupby("case", sort=True)
    per = pd.DataFrame({"collected": grouped["time"].first(), "state": grouped["state"].last()})
    per["last"] = grouped["time"].last()

    def first_time(mask: pd.Series) -> pd.Series:
        return frame[mask].groupby("case")["time"].min().reindex(per.index)

    state = frame["state"]
    per["filed"] = first_time(state == code[CaseState.FILED])
    per["dispatched"] = first_time(state == code[CaseState.DISPATCHED])
    dispatched_at = frame["case"].map(per["dispatched"])
    per["replied"] = first_time(state == code[CaseState.REPLIED])
    per["replied_after"] = first_time(
        (state == code[CaseState.REPLIED]) & (frame["time"] >= dispatched_at)
    )
    carried = frame[frame["due"] != NO_TIME]
    per["due"] = carried.groupby("case")["due"].last().reindex(per.index)
    for name, target in (
        ("reopened", CaseState.REOPENED),
        ("extended", CaseState.EXTENDED),
    ):
        per[name] = (state == code[target]).groupby(frame["case"]).any()
    previous = grouped["state"].shift()
    direct = (state == code[CaseState.HANDLING]) & (previous == code[CaseState.FILED])
    per["direct"] = direct.groupby(frame["case"]).any()
    final_codes = [state.code for state in FINAL_STATES]
    closed = per["state"] == code[CaseState.CLOSED]
    final = per["state"].isin(final_codes)
    has_due = per["due"].notna()
    facts = pd.DataFrame(
        {
            "filed": per["filed"].notna(),
            "dispatched": per["dispatched"].notna(),
            "closed": closed,
            "due": closed | (~final & has_due & (per["due"] < end)),
            "on_time": closed & (~has_due | (per["last"] <= per["due"])),
            "replied": per["replied"].notna(),
            "reopened": per["reopened"],
            "extended": per["extended"] & per["dispatched"].notna(),
            "self": per["direct"] & per["dispatched"].isna(),
            "hours": (per["replied_after"] - per["dispatched"]) / HOUR,
        }
    )
    if by == "community":
        names = origins.unique().tolist()
        tops = org.ancestor_at_many(org.indices(names), "community")
        facts["key"] = origins.map(dict(zip(names, org.ids_at(tops), strict=True))).to_numpy()
        groups: Any = facts.groupby("key")
    else:
        groups = None

    def count(column: str) -> Any:
        if groups is None:
            return int(facts[column].sum())
        return {k: int(v) for k, v in groups[column].sum().items()}

    def rate(top: str, base: str) -> Any:
        def one(part: pd.DataFrame) -> float:
            inside = part[base]
            n = int(inside.sum())
            return int((part[top] & inside).sum()) / n if n else math.nan

        if groups is None:
            return one(facts)
        return {k: one(part) for k, part in groups}

    hours: Any = facts["hours"].mean() if groups is None else groups["hours"].mean().to_dict()
    return {
        "cases.filed": count("filed"),
        "cases.dispatched": count("dispatched"),
        "cases.closed": count("closed"),
        "cases.due": count("due"),
        "cases.closure_rate": rate("closed", "due"),
        "cases.on_time_closure_rate": rate("on_time", "due"),
        "cases.rework_rate": rate("reopened", "replied"),
        "cases.extension_rate": rate("extended", "dispatched"),
        "cases.mean_handling_hours": hours,
        "cases.self_disposal_share": rate("self", "filed"),
    }


def agree(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(agree(a[k], b[k]) for k in a)
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


# ---------------------------------------------------------------------- main


def timed(function: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000,000 events")
    args = parser.parse_args()
    count = 1_000_000 if args.quick else 10_000_000
    sample = 200_000 if args.quick else 1_000_000
    org = synthetic(streets=10)
    grid = org.scheme.index("grid")
    grids = [org.id_at(int(k)) for k in np.flatnonzero(org.column("tier") == grid).tolist()]
    data = generate(count, grids)
    build_s, log = timed(build, data)
    available()  # load the registry (built-in sets, plugins) before any timing
    size = f"{len(log):,} events, {len(log.cases):,} cases"
    rows: list[dict[str, Any]] = []
    total = 0.0
    # The first call also groups the log's events by case (kept by the log for later calls).
    for by, what in ((None, "overall, cold"), (None, "overall"), ("month", "by month"),
                     ("community", "by community")):  # fmt: skip
        seconds, table = timed(compute, "cases", log=log, org=org, by=by)
        if what == "overall, cold":
            total = seconds
            note = (
                f"target 20 s: {'within target' if seconds <= 20 else 'OVER TARGET'}; "
                f"closure rate {table['cases.closure_rate']:.3f}, "
                f"on time {table['cases.on_time_closure_rate']:.3f}"
            )
        elif by is None:
            note = "the log's grouping by case already made"
        else:
            value = table["cases.filed"]
            note = f"{len(value) if isinstance(value, dict) else 0} keys"
        rows.append(
            {
                "size": size,
                "task": f"compute('cases'), {len(table.names)} metrics, {what}",
                "gridorg": seconds,
                "unit": "s",
                "note": note,
            }
        )
    del log
    for by in (None, "community"):
        small = build(data, sample)  # a fresh log: gridorg groups its events in the timing
        frame, origins = peer_input(small)
        ours_s, ours = timed(compute, "cases", log=small, org=org, by=by)
        peer_s, peer = timed(pandas_metrics, frame, origins, org, by)
        same = all(agree(ours[name], peer[name]) for name in peer)
        rows.append(
            {
                "size": f"{sample:,} events (the earliest), {len(small.cases):,} cases",
                "task": f"compute('cases'), cold, {'overall' if by is None else f'by {by}'}",
                "gridorg": ours_s,
                "peer": "pandas groupby per case",
                "peer_value": peer_s,
                "ratio": peer_s / ours_s,
                "unit": "s",
                "note": "ratio = peer time / gridorg time; results "
                + ("agree" if same else "DIFFER"),
            }
        )
    print(f"log built in {build_s:.1f} s (not timed below); metrics overall {total:.2f} s")
    bench_lifecycle.report(rows, None if args.quick else HERE / "results_metrics_cases.json")


if __name__ == "__main__":
    main()
