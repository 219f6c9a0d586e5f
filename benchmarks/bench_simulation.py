"""Benchmark the simulation: a county-year of the Yinjiang preset and a million-issue run.

Run from the repository root::

    python benchmarks/bench_simulation.py            # Yinjiang ~50,000 issues + 1,000,000 issues
    python benchmarks/bench_simulation.py --quick    # Yinjiang ~50,000 issues + 200,000 issues

The county-year is one year of the Yinjiang preset with every category's rate scaled so that
about 50,000 issues arrive (target: within 10 s). The large run is a synthetic organisation of
10 streets (about a thousand grids) over a year with rates scaled to about 1,000,000 issues
(target: within 3 minutes), its capacities raised so that the load stays stable. Each run
reports the arrivals, the case-log events, the events the SimPy engine scheduled, the wall
time and the events per second. There is no peer: the simulation is the only implementation
of the model, so the figures are absolute. Results are printed as Markdown and written to
``results_simulation.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from gridorg.datasets import synthetic, yinjiang
from gridorg.simulation import Arrivals, Scenario, simulate

HERE = Path(__file__).resolve().parent


def _uniform_rates(codes: list[str], per_year: float) -> dict[str, float]:
    return {code: per_year / 365.0 / len(codes) for code in codes}


def county_year() -> Scenario:
    """One Yinjiang year with about 50,000 issues."""
    org = yinjiang()
    rates = _uniform_rates(list(org.links.categories), 50_000)
    weekly = (1.2, 1.1, 1.0, 1.0, 1.1, 0.8, 0.8)
    return Scenario(org, Arrivals(rates, weekly=weekly), name="yinjiang-county-year")


def large(per_year: float) -> Scenario:
    """A synthetic organisation of 10 streets over a year with ``per_year`` issues."""
    org = synthetic(streets=10, seed=1)
    rates = _uniform_rates(list(org.links.categories), per_year)
    scale = max(1, round(per_year / 200_000))
    capacity = {"grid": 2, "community": 3 * scale, "street": 10 * scale, "department": 4 * scale}
    return Scenario(org, Arrivals(rates), capacity=capacity, name=f"synthetic-{per_year:,.0f}")


def run(scenario: Scenario, target: float) -> dict[str, Any]:
    began = time.perf_counter()
    result = simulate(scenario, seed=1)
    seconds = time.perf_counter() - began
    s = result.summary
    return {
        "size": f"{s['arrivals']:,} issues, {len(scenario.org):,} units",
        "task": f"simulate one year ({scenario.name})",
        "gridorg": seconds,
        "unit": "s",
        "target": target,
        "within_target": seconds <= target,
        "arrivals": s["arrivals"],
        "events": s["events"],
        "simpy_events": s["simpy_events"],
        "events_per_second": s["events"] / seconds,
        "simpy_events_per_second": s["simpy_events"] / seconds,
        "closed": s["closed"],
        "open": s["open"],
        "escalations": s["escalations"],
        "whistles": s["whistles"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 200,000-issue large run")
    args = parser.parse_args()
    rows = [run(county_year(), 10.0)]
    per_year = 200_000 if args.quick else 1_000_000
    rows.append(run(large(per_year), 180.0 * per_year / 1_000_000))
    print("| run | issues | log events | SimPy events | seconds | events/s | target |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print(
            f"| {row['task']} | {row['arrivals']:,} | {row['events']:,} | "
            f"{row['simpy_events']:,} | {row['gridorg']:.2f} | "
            f"{row['events_per_second']:,.0f} | {row['target']:.0f} s "
            f"{'met' if row['within_target'] else 'MISSED'} |"
        )
    name = "results_simulation.json"
    (HERE / name).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
