"""Benchmark the case log: batch appends, every case's view, single appends against a peer.

Run from the repository root::

    python benchmarks/bench_lifecycle.py            # 10,000,000 events, ~1.5M cases
    python benchmarks/bench_lifecycle.py --quick    # 1,000,000 events

The events follow realistic valid paths through the lifecycle: the standard loop (collected,
filed, dispatched, handling, replied, verified, closed), self-disposal by the gridder,
escalations, extensions, rework (reopened) after a failed check, rejections, duplicates, and
cases still open at the end. Cases start uniformly over a quarter; steps take exponentially
distributed hours; dispatched, escalated and extended events carry deadlines. All events are
sorted by time (cases interleave, as in a live platform) and added in batches of 1,000,000 with
``CaseLog.extend``; then every case's view is computed at the last event time. The target is
both within 30 s.

The peer is a plain-Python log — a dict of per-case event lists with the same validation (the
transition table, time order, which events may carry a due) — given the same ``CaseEvent``
records one at a time; ``CaseLog.append`` is timed on the same records. The peer also derives
each case's state, time in each state and overdue flag in plain Python for comparison with
``CaseLog.views``. Results are printed as Markdown and written to ``results_lifecycle.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from gridorg.lifecycle import DUE_STATES, FINAL_STATES, STATES, TRANSITIONS, CaseEvent, CaseLog

HERE = Path(__file__).resolve().parent
HOUR = 3_600_000_000  # µs
START = 1_704_067_200_000_000  # 2024-01-01T00:00:00Z in µs

PATHS = {  # name: (states, share of cases)
    "standard": (
        "collected filed dispatched handling replied verified closed",
        0.46,
    ),
    "self_disposal": ("collected filed handling replied closed", 0.16),
    "escalated": (
        "collected filed dispatched escalated dispatched handling replied verified closed",
        0.07,
    ),
    "extended": ("collected filed dispatched extended handling replied verified closed", 0.07),
    "reopened": (
        "collected filed dispatched handling replied reopened dispatched handling replied "
        "verified closed",
        0.05,
    ),
    "rejected": ("collected rejected", 0.04),
    "duplicate": ("collected filed duplicate", 0.04),
    "open": ("collected filed dispatched handling", 0.11),
}
CODE = {state.value: code for code, state in enumerate(STATES)}
DUE_HOURS = {"dispatched": 72, "escalated": 24, "extended": 48}


def generate(events: int, seed: int = 1) -> dict[str, Any]:
    """Valid event columns for about ``events`` events, sorted by time."""
    rng = np.random.default_rng(seed)
    names = list(PATHS)
    lengths = np.array([len(PATHS[n][0].split()) for n in names])
    share = np.array([PATHS[n][1] for n in names])
    share = share / share.sum()
    cases = int(events / float(lengths @ share)) + 1
    kind = rng.choice(len(names), size=cases, p=share)
    per_case = lengths[kind]
    ends = np.cumsum(per_case)
    cases = int(np.searchsorted(ends, events)) + 1
    kind, per_case = kind[:cases], per_case[:cases]
    table = np.full((len(names), lengths.max()), 255, dtype=np.uint8)
    for row, name in enumerate(names):
        codes = [CODE[s] for s in PATHS[name][0].split()]
        table[row, : len(codes)] = codes
    case = np.repeat(np.arange(cases, dtype=np.int64), per_case)
    starts = np.zeros(cases, dtype=np.int64)
    np.cumsum(per_case[:-1], out=starts[1:])
    step = np.arange(len(case)) - np.repeat(starts, per_case)
    state = table[kind[case], step]
    gaps = (rng.exponential(6.0, len(case)) * HOUR).astype(np.int64) + 1
    gaps[starts] = START + rng.integers(0, 90 * 24 * HOUR, cases)
    total = np.cumsum(gaps)
    time_us = total - np.repeat(total[starts] - gaps[starts], per_case)
    due = np.full(len(case), np.iinfo(np.int64).min, dtype=np.int64)
    for name, hours in DUE_HOURS.items():
        carries = state == CODE[name]
        due[carries] = time_us[carries] + hours * HOUR
    order = np.argsort(time_us, kind="stable")
    ids = np.array([f"C{i:07d}" for i in range(cases)], dtype=object)
    actors = np.array([f"A{i}" for i in range(5000)], dtype=object)
    return {
        "cases": cases,
        "ids": ids,
        "case_index": case[order],
        "case": ids[case[order]],
        "time": time_us[order],
        "state": state[order],
        "actor": actors[rng.integers(0, len(actors), len(case))],
        "due": due[order],
    }


def batches(data: dict[str, Any], size: int) -> list[dict[str, npt.NDArray[Any]]]:
    """The event columns cut into batches of ``size`` events."""
    count = len(data["time"])
    keys = ("case", "time", "state", "actor", "due")
    return [{k: data[k][i : i + size] for k in keys} for i in range(0, count, size)]


def as_events(data: dict[str, Any], count: int) -> list[CaseEvent]:
    """The first ``count`` events as records."""
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    states = [STATES[c] for c in data["state"][:count].tolist()]
    none = np.iinfo(np.int64).min
    return [
        CaseEvent(
            c,
            epoch + dt.timedelta(microseconds=t),
            s,
            actor=a,
            due=None if d == none else epoch + dt.timedelta(microseconds=d),
        )
        for c, t, s, a, d in zip(
            data["case"][:count].tolist(),
            data["time"][:count].tolist(),
            states,
            data["actor"][:count].tolist(),
            data["due"][:count].tolist(),
            strict=True,
        )
    ]


class DictLog:
    """The peer: a plain-Python dict of per-case event lists with the same validation."""

    def __init__(self) -> None:
        self.events: dict[str, list[tuple[Any, ...]]] = {}
        self.last: dict[str, tuple[Any, dt.datetime]] = {}

    def append(self, event: CaseEvent) -> None:
        previous = self.last.get(event.case)
        before = None if previous is None else previous[0]
        if event.state not in TRANSITIONS[before]:
            raise ValueError(f"{event.case}: {before} -> {event.state} is not allowed")
        if previous is not None and event.time < previous[1]:
            raise ValueError(f"{event.case}: time goes back")
        if event.due is not None and event.state not in DUE_STATES:
            raise ValueError(f"{event.case}: {event.state} cannot carry a due")
        self.last[event.case] = (event.state, event.time)
        record = (event.time, event.state, event.actor, event.note, event.due)
        self.events.setdefault(event.case, []).append(record)

    def views(self, at: dt.datetime) -> dict[str, tuple[Any, ...]]:
        """Per case: state, seconds in each state, overdue — in plain Python."""
        result = {}
        for case, events in self.events.items():
            spent: dict[Any, float] = {}
            due = None
            for k, (when, state, _, _, carried) in enumerate(events):
                if k + 1 < len(events):
                    until = events[k + 1][0]
                else:
                    until = when if state in FINAL_STATES else at
                spent[state] = spent.get(state, 0.0) + (until - when).total_seconds()
                if carried is not None:
                    due = carried
            state = events[-1][1]
            overdue = due is not None and state not in FINAL_STATES and at > due
            result[case] = (state, spent, overdue)
        return result


def timed(function: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - start, value


def fill(parts: Sequence[dict[str, npt.NDArray[Any]]]) -> CaseLog:
    log = CaseLog()
    for part in parts:
        log.extend(part)
    return log


def append_all(log: Any, events: list[CaseEvent]) -> Any:
    for event in events:
        log.append(event)
    return log


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000,000 events")
    args = parser.parse_args()
    count = 1_000_000 if args.quick else 10_000_000
    sample = 200_000 if args.quick else 1_000_000
    data = generate(count)
    parts = batches(data, 1_000_000)
    size = f"{len(data['time']):,} events, {data['cases']:,} cases"
    rows: list[dict[str, Any]] = []

    extend_s, log = timed(fill, parts)
    views_s, views = timed(log.views)
    rows.append(
        {
            "size": size,
            "task": f"extend in {len(parts)} batches, validated",
            "gridorg": extend_s,
            "unit": "s",
            "note": f"{len(data['time']) / extend_s / 1e6:.2f}M events per second",
        }
    )
    rows.append(
        {
            "size": size,
            "task": "views of every case",
            "gridorg": views_s,
            "unit": "s",
            "note": f"{len(views):,} cases; {int(views.overdue.sum()):,} overdue, "
            f"{int(views.warning.sum()):,} warning",
        }
    )
    rows.append(
        {
            "size": size,
            "task": "extend + views (target 30 s)",
            "gridorg": extend_s + views_s,
            "unit": "s",
            "note": "within target" if extend_s + views_s <= 30 else "OVER TARGET",
        }
    )
    del log, views, parts

    events = as_events(data, sample)
    ours_s, ours = timed(append_all, CaseLog(), events)
    peer_s, peer = timed(append_all, DictLog(), events)
    rows.append(
        {
            "size": f"{sample:,} events (the earliest)",
            "task": "append one event at a time, validated (per event)",
            "gridorg": ours_s / sample * 1e6,
            "peer": "plain-Python dict of lists",
            "peer_value": peer_s / sample * 1e6,
            "ratio": peer_s / ours_s,
            "unit": "µs",
            "note": "ratio = peer time / gridorg time (above 1: gridorg faster)",
        }
    )
    at = max(e.time for e in events)
    ours_v, _ = timed(ours.views)
    peer_v, _ = timed(peer.views, at)
    rows.append(
        {
            "size": f"{sample:,} events (the earliest)",
            "task": "views of every case",
            "gridorg": ours_v,
            "peer": "plain-Python loop over the dict",
            "peer_value": peer_v,
            "ratio": peer_v / ours_v,
            "unit": "s",
            "note": "ratio = peer time / gridorg time",
        }
    )
    report(rows, None if args.quick else HERE / "results_lifecycle.json")


def report(rows: list[dict[str, Any]], out: Path | None) -> None:
    """Print ``rows`` as a Markdown table and, unless ``out`` is None, write them as JSON."""
    print("| size | task | gridorg | peer | ratio | note |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        peer_text = (
            f"{row['peer']}: {row['peer_value']:.3g} {row['unit']}" if row.get("peer") else ""
        )
        ratio = f"{row['ratio']:.1f}×" if row.get("ratio") else ""
        print(
            f"| {row['size']} | {row['task']} | {row['gridorg']:.3g} {row['unit']} | "
            f"{peer_text} | {ratio} | {row['note']} |"
        )
    if out is not None:
        out.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
