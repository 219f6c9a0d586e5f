"""The 数字城管 case indicators: a hand-computed log, brute force over drawn logs, empty logs."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridorg import Organisation
from gridorg.errors import InvalidArgumentError
from gridorg.lifecycle import FINAL_STATES, CaseEvent, CaseLog, CaseState
from gridorg.metrics import CASES, Inputs, available, compute, get
from gridorg.metrics import cases as case_metrics
from gridorg.metrics._logs import case_table, group_index
from gridorg.strategies import case_logs
from gridorg.tiers import LevelScheme

CST = dt.timezone(dt.timedelta(hours=8))
SHANGHAI = ZoneInfo("Asia/Shanghai")
B = dt.datetime(2024, 5, 6, 9, 0, tzinfo=CST)
J = dt.datetime(2024, 6, 1, 2, 0, tzinfo=CST)  # June in China, still May 31 in UTC
S = CaseState
NAMES = (
    "cases.filed",
    "cases.dispatched",
    "cases.closed",
    "cases.due",
    "cases.closure_rate",
    "cases.on_time_closure_rate",
    "cases.rework_rate",
    "cases.extension_rate",
    "cases.mean_handling_hours",
    "cases.self_disposal_share",
)
ORG = Organisation.from_records(
    [
        {"id": "S1", "tier": "street"},
        {"id": "C1", "tier": "community", "parent": "S1"},
        {"id": "C2", "tier": "community", "parent": "S1"},
        {"id": "S2", "tier": "street"},
        {"id": "C3", "tier": "community", "parent": "S2"},
        {"id": "G1", "tier": "grid", "parent": "C1"},
        {"id": "G2", "tier": "grid", "parent": "C1"},
        {"id": "G3", "tier": "grid", "parent": "C2"},
        {"id": "G4", "tier": "grid", "parent": "C3"},
    ],
    name="two streets",
)


def h(hours: float, start: dt.datetime = B) -> dt.datetime:
    return start + dt.timedelta(hours=hours)


def walk(case: str, start: dt.datetime, *steps: tuple[Any, ...]) -> list[CaseEvent]:
    """Events of one case: (hours after start, state[, due hours[, rating[, actor]]])."""
    events = []
    for step in steps:
        hours, state, *rest = step
        due_hours = rest[0] if rest else None
        rating = rest[1] if len(rest) > 1 else None
        actor = rest[2] if len(rest) > 2 else ""
        due = None if due_hours is None else h(due_hours, start)
        events.append(CaseEvent(case, h(hours, start), state, due=due, rating=rating, actor=actor))
    return events


def hand_log() -> CaseLog:
    """Nine cases, each exercising one path (hours after B unless said otherwise).

    A standard loop closed on time (due 50, closed 12; handling 2 → 10 = 8 h), rated 4 then 5.
    B extended (due 10, then 30) and closed late at 40; handling 2 → 34 = 32 h.
    C self-disposed (filed → handling), closed at 3 without a deadline.
    D reopened after its first reply at 5, closed at 11 (due 100); handling 2 → 5 = 3 h.
    E open, its deadline 5 passed; F open, its deadline 1000 not yet passed.
    G rejected (and unregistered). H escalated, dispatched at 3 (due 24), replied at 30, open.
    I collected at 02:00 on 1 June (China), self-disposed, extended, closed on time.
    """
    events = [
        *walk("A", B, (0, "collected"), (1, "filed"), (2, "dispatched", 50), (3, "handling",
              None, None, "worker 1"), (10, "replied", None, 4), (11, "verified"),
              (12, "closed", None, 5)),
        *walk("B", B, (0, "collected"), (1, "filed"), (2, "dispatched", 10), (3, "handling"),
              (9, "extended", 30), (10, "handling", None, None, "worker 2"), (34, "replied"),
              (40, "closed")),
        *walk("C", B, (0, "collected"), (1, "filed"), (1, "handling", None, None, "gridder"),
              (2, "replied"), (3, "closed")),
        *walk("D", B, (0, "collected"), (1, "filed"), (2, "dispatched", 100), (3, "handling"),
              (5, "replied", None, 1), (6, "reopened"), (7, "dispatched"), (8, "handling"),
              (9, "replied"), (10, "verified"), (11, "closed")),
        *walk("E", B, (0, "collected"), (1, "filed"), (2, "dispatched", 5), (3, "handling")),
        *walk("F", B, (0, "collected"), (1, "filed"), (2, "dispatched", 1000), (4, "handling")),
        *walk("G", B, (0, "collected"), (1, "rejected")),
        *walk("H", B, (0, "collected"), (1, "filed"), (2, "escalated", 20),
              (3, "dispatched", 24), (4, "handling"), (30, "replied")),
        *walk("I", J, (0, "collected"), (1, "filed"), (2, "handling"), (3, "extended", 10),
              (4, "handling"), (5, "replied"), (6, "closed")),
    ]  # fmt: skip
    events.sort(key=lambda e: e.time)
    origins = {"A": "G1", "B": "G1", "C": "G2", "D": "G3", "E": "G4", "F": "G4", "H": "G3"}
    cases = {case: ("environment", origin) for case, origin in origins.items()}
    cases["I"] = ("environment", "G2")
    return CaseLog(events, cases=cases)


def same(found: object, expected: object) -> bool:
    """Equality with NaN equal to NaN and floats compared closely, through mappings."""
    if isinstance(expected, Mapping):
        return (
            isinstance(found, Mapping)
            and list(found) == list(expected)
            and all(same(found[k], expected[k]) for k in expected)
        )
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(found, float) and math.isnan(found)
    if isinstance(expected, float):
        return isinstance(found, int | float) and math.isclose(found, expected, abs_tol=1e-9)
    return type(found) is type(expected) and found == expected


def check(table: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    for name, value in expected.items():
        assert same(table[name], value), (name, table[name], value)


NAN = math.nan


def test_hand_computed_whole_log() -> None:
    table = compute("cases", log=hand_log())
    assert table.names == NAMES
    check(
        {name: table[name] for name in NAMES},
        {
            "cases.filed": 8,
            "cases.dispatched": 6,
            "cases.closed": 5,
            "cases.due": 7,
            "cases.closure_rate": 5 / 7,
            "cases.on_time_closure_rate": 4 / 7,
            "cases.rework_rate": 1 / 6,
            "cases.extension_rate": 1 / 6,
            "cases.mean_handling_hours": 17.5,
            "cases.self_disposal_share": 2 / 8,
        },
    )


def test_hand_computed_one_month_in_china_time() -> None:
    table = compute("cases", log=hand_log(), period="2024-05")
    check(
        {name: table[name] for name in NAMES},
        {
            "cases.filed": 7,
            "cases.dispatched": 6,
            "cases.closed": 4,
            "cases.due": 6,
            "cases.closure_rate": 4 / 6,
            "cases.on_time_closure_rate": 3 / 6,
            "cases.rework_rate": 1 / 5,
            "cases.extension_rate": 1 / 6,
            "cases.mean_handling_hours": 17.5,
            "cases.self_disposal_share": 1 / 7,
        },
    )


def test_the_log_is_read_as_of_the_end_of_the_period() -> None:
    # Up to B + 20 h: B is still handling (its deadline 30 not passed), H not replied and
    # its deadline 24 not passed; E's deadline 5 has passed.
    table = compute("cases", log=hand_log(), period=(B, h(20)))
    check(
        {name: table[name] for name in NAMES},
        {
            "cases.filed": 7,
            "cases.dispatched": 6,
            "cases.closed": 3,
            "cases.due": 4,
            "cases.closure_rate": 3 / 4,
            "cases.on_time_closure_rate": 3 / 4,
            "cases.rework_rate": 1 / 3,
            "cases.extension_rate": 1 / 6,
            "cases.mean_handling_hours": 5.5,
            "cases.self_disposal_share": 1 / 7,
        },
    )


def test_hand_computed_by_month_and_quarter() -> None:
    table = compute("cases", log=hand_log(), by="month")
    check(
        {name: table[name] for name in NAMES},
        {
            "cases.filed": {"2024-05": 7, "2024-06": 1},
            "cases.dispatched": {"2024-05": 6, "2024-06": 0},
            "cases.closed": {"2024-05": 4, "2024-06": 1},
            "cases.due": {"2024-05": 6, "2024-06": 1},
            "cases.closure_rate": {"2024-05": 4 / 6, "2024-06": 1.0},
            "cases.on_time_closure_rate": {"2024-05": 3 / 6, "2024-06": 1.0},
            "cases.rework_rate": {"2024-05": 1 / 5, "2024-06": 0.0},
            "cases.extension_rate": {"2024-05": 1 / 6, "2024-06": NAN},
            "cases.mean_handling_hours": {"2024-05": 17.5, "2024-06": NAN},
            "cases.self_disposal_share": {"2024-05": 1 / 7, "2024-06": 1.0},
        },
    )
    quarter = compute(["cases.filed", "cases.closure_rate"], log=hand_log(), by="quarter")
    assert quarter["cases.filed"] == {"2024Q2": 8}
    assert quarter["cases.closure_rate"] == {"2024Q2": 5 / 7}


def test_hand_computed_by_community_street_and_unit() -> None:
    table = compute("cases", log=hand_log(), org=ORG, by="community")
    check(
        {name: table[name] for name in NAMES},
        {
            "cases.filed": {"C1": 4, "C2": 2, "C3": 2},
            "cases.dispatched": {"C1": 2, "C2": 2, "C3": 2},
            "cases.closed": {"C1": 4, "C2": 1, "C3": 0},
            "cases.due": {"C1": 4, "C2": 2, "C3": 1},
            "cases.closure_rate": {"C1": 1.0, "C2": 0.5, "C3": 0.0},
            "cases.on_time_closure_rate": {"C1": 3 / 4, "C2": 0.5, "C3": 0.0},
            "cases.rework_rate": {"C1": 0.0, "C2": 0.5, "C3": NAN},
            "cases.extension_rate": {"C1": 0.5, "C2": 0.0, "C3": 0.0},
            "cases.mean_handling_hours": {"C1": 20.0, "C2": 15.0, "C3": NAN},
            "cases.self_disposal_share": {"C1": 0.5, "C2": 0.0, "C3": 0.0},
        },
    )
    streets = compute(["cases.filed", "cases.closed", "cases.due"], log=hand_log(), org=ORG,
                      by="street")  # fmt: skip
    assert streets.to_dict() == {
        "cases.filed": {"value": {"S1": 6, "S2": 2}, "unit": "cases"},
        "cases.closed": {"value": {"S1": 5, "S2": 0}, "unit": "cases"},
        "cases.due": {"value": {"S1": 6, "S2": 1}, "unit": "cases"},
    }
    units = compute(["cases.filed", "cases.mean_handling_hours"], log=hand_log(), by="unit")
    assert units["cases.filed"] == {"G1": 2, "G2": 2, "G3": 2, "G4": 2}
    assert same(units["cases.mean_handling_hours"], {"G1": 20.0, "G2": NAN, "G3": 15.0, "G4": NAN})


def test_the_case_table_columns() -> None:
    inputs = Inputs(log=hand_log())
    table = case_table(inputs)
    assert case_table(inputs) is table  # computed once per compute call
    assert table.case.tolist() == list("ABCDEFGHI")
    assert table.rating.tolist() == [5, -1, -1, 1, -1, -1, -1, -1, -1]
    assert table.handler_ids().tolist() == [
        "worker 1", "worker 2", "gridder", "", "", "", "", "", "",
    ]  # fmt: skip
    assert table.self_disposed.tolist() == [c in "CI" for c in "ABCDEFGHI"]
    assert table.reopened.tolist() == [c == "D" for c in "ABCDEFGHI"]
    assert table.extended.tolist() == [c in "BI" for c in "ABCDEFGHI"]
    assert table.escalated.tolist() == [c == "H" for c in "ABCDEFGHI"]
    assert table.origin_ids().tolist() == [
        "G1", "G1", "G2", "G3", "G4", "G4", None, "G3", "G2",
    ]  # fmt: skip
    assert table.category_ids().tolist()[6] is None
    assert "9 cases" in repr(table)


def test_empty_log_gives_zero_counts_and_nan_rates() -> None:
    for log, period in ((CaseLog(), None), (CaseLog(), "2024Q1"), (hand_log(), "2023Q1")):
        table = compute("cases", log=log, period=period)
        for name in NAMES:
            value = table[name]
            if get(name).unit == "cases":
                assert value == 0, name
                assert type(value) is int, name
            else:
                assert isinstance(value, float), name
                assert math.isnan(value), name
        by_month = compute("cases", log=log, period=period, by="month")
        assert all(by_month[name] == {} for name in NAMES)
    by_street = compute("cases", log=CaseLog(), org=ORG, by="street")
    assert by_street["cases.due"] == {}


def test_breakdown_errors_are_clear() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        compute("cases.filed", log=hand_log(), by="street")
    assert str(caught.value) == (
        "metric 'cases.filed' by 'street' needs the organisation (org=...) to place each "
        "case's origin in its street"
    )
    with pytest.raises(InvalidArgumentError, match="cannot be broken down by 'tier'"):
        compute("cases.filed", log=hand_log(), by="tier")
    # Cases arising outside the organisation, or outside any street, are left out.
    flat = Organisation.from_records([{"id": "G1", "tier": "grid"}])
    assert compute("cases.closed", log=hand_log(), org=flat, by="street")["cases.closed"] == {}
    county = Organisation.from_records(
        [{"id": "X1", "tier": "county"}], scheme=LevelScheme(["county", "town"])
    )
    with pytest.raises(InvalidArgumentError) as caught:
        compute("cases.closed", log=hand_log(), org=county, by="community")
    assert str(caught.value) == (
        "metric 'cases.closed' cannot be broken down by 'community': the organisation's tiers "
        "are county, town"
    )
    with pytest.raises(InvalidArgumentError, match="needs the input 'log'"):
        compute("cases.closed", org=ORG)
    with pytest.raises(InvalidArgumentError, match="supports by= street, community, unit"):
        group_index(Inputs(log=hand_log(), by="tier"), "cases.x")


def test_registration_and_documentation() -> None:
    assert CASES.metrics == NAMES
    infos = {info.name: info for info in available() if info.name in NAMES}
    assert list(infos) == list(NAMES)
    for name, info in infos.items():
        assert info.sets == ("cases",)
        assert info.needs == frozenset({"log"})
        assert info.by == frozenset({"street", "community", "unit", "month", "quarter"})
        assert info.provider == "gridorg"
        assert "GB/T 30428" in info.source
        assert "gridorg" in info.source
        assert info.formula
        doc = getattr(case_metrics, name.removeprefix("cases.")).__doc__ or ""
        assert "Formula" in doc or "formula" in doc.lower(), name
        assert "NaN" in doc or info.unit == "cases", name


# ---------------------------------------------------------------------- brute force


def brute_force(
    log: CaseLog, period: tuple[dt.datetime, dt.datetime] | None, by: str | None
) -> dict[str, Any]:
    """Every metric by a plain loop over the log's events, case by case."""
    per_case: dict[str, list[CaseEvent]] = {}
    for event in log:
        per_case.setdefault(event.case, []).append(event)
    if period is None:
        times = [event.time for event in log]
        end = max(times) + dt.timedelta(microseconds=1) if times else None
    else:
        end = period[1]
    facts: list[dict[str, Any]] = []
    for case, events in per_case.items():
        if period is not None and not period[0] <= events[0].time < period[1]:
            continue
        seen = [e for e in events if end is None or e.time < end]
        states = [e.state for e in seen]
        last = seen[-1]
        deadline = None
        for event in seen:
            if event.due is not None:
                deadline = event.due
        dispatch = next((e.time for e in seen if e.state is S.DISPATCHED), None)
        reply = None
        if dispatch is not None:
            reply = next(
                (e.time for e in seen if e.state is S.REPLIED and e.time >= dispatch), None
            )
        closed = last.state is S.CLOSED
        final = last.state in FINAL_STATES
        direct = any(a is S.FILED and b is S.HANDLING for a, b in itertools.pairwise(states))
        facts.append(
            {
                "key": key_of(log, case, events[0].time, by),
                "filed": S.FILED in states,
                "dispatched": dispatch is not None,
                "closed": closed,
                "due": closed
                or (not final and deadline is not None and end is not None and deadline < end),
                "on_time": closed and (deadline is None or last.time <= deadline),
                "replied": S.REPLIED in states,
                "reopened": S.REOPENED in states,
                "extended": S.EXTENDED in states,
                "hours": None
                if reply is None or dispatch is None
                else (reply - dispatch).total_seconds() / 3600,
                "self": direct and dispatch is None,
            }
        )

    def reduce(make: Any) -> Any:
        if by is None:
            return make(facts)
        keys = sorted({f["key"] for f in facts if f["key"] is not None})
        return {k: make([f for f in facts if f["key"] == k]) for k in keys}

    def count(field: str) -> Any:
        return reduce(lambda rows: sum(1 for r in rows if r[field]))

    def rate(top: str, base: str) -> Any:
        def one(rows: list[dict[str, Any]]) -> float:
            inside = [r for r in rows if r[base]]
            return sum(1 for r in inside if r[top]) / len(inside) if inside else NAN

        return reduce(one)

    def hours(rows: list[dict[str, Any]]) -> float:
        spans = [r["hours"] for r in rows if r["hours"] is not None]
        return math.fsum(spans) / len(spans) if spans else NAN

    return {
        "cases.filed": count("filed"),
        "cases.dispatched": count("dispatched"),
        "cases.closed": count("closed"),
        "cases.due": count("due"),
        "cases.closure_rate": rate("closed", "due"),
        "cases.on_time_closure_rate": rate("on_time", "due"),
        "cases.rework_rate": rate("reopened", "replied"),
        "cases.extension_rate": rate("extended", "dispatched"),
        "cases.mean_handling_hours": reduce(hours),
        "cases.self_disposal_share": rate("self", "filed"),
    }


def key_of(log: CaseLog, case: str, collected: dt.datetime, by: str | None) -> str | None:
    local = collected.astimezone(SHANGHAI)
    if by == "month":
        return f"{local.year:04d}-{local.month:02d}"
    if by == "quarter":
        return f"{local.year:04d}Q{(local.month - 1) // 3 + 1}"
    origin = log.case_info(case).origin
    if by == "unit" or origin is None:
        return origin
    if by in ("street", "community"):
        found = ORG.ancestor_at(origin, by)
        return None if found is None else found.id
    return None


PERIODS = st.one_of(
    st.none(),
    st.integers(1, 12).map(lambda m: f"2024-{m:02d}"),
    st.integers(1, 4).map(lambda q: f"2024Q{q}"),
)
BYS = st.sampled_from([None, "month", "quarter", "unit", "street", "community"])


def bounds(period: str | None) -> tuple[dt.datetime, dt.datetime] | None:
    if period is None:
        return None
    if "Q" in period:
        q = int(period[-1])
        start = dt.datetime(2024, 3 * q - 2, 1, tzinfo=SHANGHAI)
        end = (
            dt.datetime(2025, 1, 1, tzinfo=SHANGHAI) if q == 4 else start.replace(month=3 * q + 1)
        )
        return start, end
    month = int(period[-2:])
    start = dt.datetime(2024, month, 1, tzinfo=SHANGHAI)
    end = (
        dt.datetime(2025, 1, 1, tzinfo=SHANGHAI) if month == 12 else start.replace(month=month + 1)
    )
    return start, end


@settings(max_examples=60)
@given(case_logs(ORG, max_cases=12), PERIODS, BYS)
def test_every_metric_matches_a_plain_loop(
    log: CaseLog, period: str | None, by: str | None
) -> None:
    table = compute("cases", log=log, org=ORG, period=period, by=by)
    expected = brute_force(log, bounds(period), by)
    check({name: table[name] for name in NAMES}, expected)


@settings(max_examples=30)
@given(case_logs(ORG, max_cases=12), PERIODS, st.sampled_from(["month", "unit", "street"]))
def test_breakdown_counts_sum_to_the_overall_count(
    log: CaseLog, period: str | None, by: str
) -> None:
    counts = [name for name in NAMES if get(name).unit == "cases"]
    overall = compute(counts, log=log, org=ORG, period=period)
    broken = compute(counts, log=log, org=ORG, period=period, by=by)
    for name in counts:
        parts = broken[name]
        assert isinstance(parts, dict)
        assert sum(parts.values()) == overall[name], name
