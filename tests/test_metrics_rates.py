"""The 接诉即办 three rates (gridorg.metrics.rates): examples by hand, brute force, options."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gridorg.strategies as gs
from gridorg import Department, Organisation
from gridorg.errors import ArgumentTypeError, InvalidArgumentError
from gridorg.lifecycle import CaseEvent, CaseLog, CaseState
from gridorg.metrics import Inputs, get
from gridorg.metrics.rates import ThreeRates
from tests.metrics_helpers import HOUR, MIN, Q2, SHANGHAI, TWO_STREETS, T

RATES = ("response_rate", "resolution_rate", "satisfaction_rate", "composite")
WITHDRAWN = {CaseState.CANCELLED, CaseState.DUPLICATE}


@pytest.fixture(scope="module")
def org() -> Organisation:
    return Organisation.from_records(TWO_STREETS).with_links(
        [], partners=[Department("D-civil", "民政局", categories={"civil_assistance"})]
    )


#: case → (origin, collected, [(state, minutes after collection, rating)]).
CASES: dict[str, tuple[str, dt.datetime, list[tuple[str, int, int | None]]]] = {
    # filed in an hour, closed, rated 5: responded, resolved, satisfied.
    "Q1": (
        "G1",
        T,
        [
            ("filed", 60, None),
            ("dispatched", 70, None),
            ("handling", 90, None),
            ("replied", 300, 5),
            ("closed", 400, None),
        ],
    ),
    # filed after three hours, replied and rated 2: neither responded nor resolved.
    "Q2": (
        "G3",
        T,
        [
            ("filed", 180, None),
            ("dispatched", 200, None),
            ("handling", 220, None),
            ("replied", 500, 2),
        ],
    ),
    # cancelled: withdrawn, outside every base.
    "Q3": ("G1", T, [("cancelled", 10, None)]),
    # rejected: in the base, not responded, not resolved.
    "Q4": ("G4", T, [("rejected", 30, None)]),
    # filed at exactly two hours (responded), closed; rated 4 then 3: latest rating 3.
    "Q5": (
        "G2",
        T,
        [("filed", 120, None), ("handling", 130, None), ("replied", 240, 4), ("closed", 300, 3)],
    ),
    # June: responded and resolved, never rated.
    "Q6": (
        "G4",
        dt.datetime(2024, 6, 10, 9, 0, tzinfo=SHANGHAI),
        [("filed", 5, None), ("handling", 10, None), ("replied", 60, None), ("closed", 90, None)],
    ),
    # a duplicate: withdrawn.
    "Q7": ("G2", T, [("duplicate", 5, None)]),
    # July, outside the second quarter: responded, still open.
    "Q8": ("G3", dt.datetime(2024, 7, 2, 9, 0, tzinfo=SHANGHAI), [("filed", 60, None)]),
}


def _example_log() -> CaseLog:
    events: list[tuple[dt.datetime, str, CaseEvent]] = []
    for case, (_, start, steps) in CASES.items():
        events.append((start, case, CaseEvent(case, start, "collected")))
        for state, minutes, rating in steps:
            when = start + minutes * MIN
            events.append((when, case, CaseEvent(case, when, state, rating=rating)))
    events.sort(key=lambda item: (item[0], item[1]))
    return CaseLog(
        [event for *_, event in events],
        cases={case: ("civil_assistance", origin) for case, (origin, _, _) in CASES.items()},
    )


def _run(
    name: str,
    *,
    log: CaseLog | None = None,
    org: Organisation | None = None,
    period: tuple[dt.datetime, dt.datetime] | None = None,
    by: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> Any:
    inputs = Inputs(
        org=org,
        log=_example_log() if log is None else log,
        period=period,
        by=by,
        options={} if options is None else options,
    )
    return get(f"rates.{name}")(inputs)


def test_the_registered_metrics() -> None:
    for name in RATES:
        found = get(f"rates.{name}")
        assert "log" in found.needs
        assert "rates" in found.sets
        assert found.formula
        assert {"month", "quarter", "street", "community"} <= found.by
    assert get("rates.composite").unit == "points"
    assert get("rates.response_rate").unit == "share"


def test_the_three_rates_by_hand() -> None:
    # Base in 2024Q2: Q1, Q2, Q4, Q5, Q6 (Q3 cancelled, Q7 duplicate, Q8 in July).
    assert _run("response_rate", period=Q2) == pytest.approx(3 / 5)  # Q1, Q5, Q6
    assert _run("resolution_rate", period=Q2) == pytest.approx(3 / 5)  # Q1, Q5, Q6 closed
    assert _run("satisfaction_rate", period=Q2) == pytest.approx(1 / 3)  # Q1 of Q1, Q2, Q5
    composite = 100 * (0.2 * 3 / 5 + 0.4 * 3 / 5 + 0.4 / 3)
    assert _run("composite", period=Q2) == pytest.approx(composite)


def test_without_a_period_every_case_counts() -> None:
    assert _run("response_rate") == pytest.approx(4 / 6)  # Q8 filed in an hour
    assert _run("resolution_rate") == pytest.approx(3 / 6)


def test_by_month_and_quarter() -> None:
    months = _run("response_rate", period=Q2, by="month")
    assert months == {"2024-05": pytest.approx(2 / 4), "2024-06": 1.0}
    satisfaction = _run("satisfaction_rate", by="month")
    assert set(satisfaction) == {"2024-05", "2024-06", "2024-07"}
    assert satisfaction["2024-05"] == pytest.approx(1 / 3)
    assert math.isnan(satisfaction["2024-06"])  # Q6 was never rated
    composite = _run("composite", by="month")
    assert math.isnan(composite["2024-06"])
    assert composite["2024-05"] == pytest.approx(100 * (0.2 * 0.5 + 0.4 * 0.5 + 0.4 / 3))
    quarters = _run("resolution_rate", by="quarter")
    assert quarters == {"2024Q2": pytest.approx(3 / 5), "2024Q3": 0.0}


def test_by_street_and_community(org: Organisation) -> None:
    streets = _run("response_rate", org=org, period=Q2, by="street")
    assert streets == {"S1": pytest.approx(2 / 3), "S2": pytest.approx(1 / 2)}
    satisfaction = _run("satisfaction_rate", org=org, period=Q2, by="street")
    assert satisfaction["S1"] == pytest.approx(1 / 3)
    assert math.isnan(satisfaction["S2"])
    communities = _run("resolution_rate", org=org, period=Q2, by="community")
    assert communities == {"C1": 1.0, "C2": 0.0, "C3": pytest.approx(1 / 2)}


def test_options_change_the_definitions() -> None:
    options = ThreeRates(
        response_within=3 * HOUR,
        satisfied_at=3,
        resolved_states={"replied", "verified", "closed"},
        weights=(0, 0.5, 0.5),
    )
    run: dict[str, Any] = {"period": Q2, "options": {"rates": options}}
    assert _run("response_rate", **run) == pytest.approx(4 / 5)  # Q2 filed at three hours
    assert _run("resolution_rate", **run) == pytest.approx(4 / 5)  # Q2 replied counts
    assert _run("satisfaction_rate", **run) == pytest.approx(2 / 3)  # Q1 (5) and Q5 (3)
    assert _run("composite", **run) == pytest.approx(100 * (0.5 * 4 / 5 + 0.5 * 2 / 3))


def test_a_zero_weight_ignores_an_undefined_rate() -> None:
    june = (dt.datetime(2024, 6, 1, tzinfo=SHANGHAI), dt.datetime(2024, 7, 1, tzinfo=SHANGHAI))
    assert math.isnan(_run("composite", period=june))  # Q6 unrated
    options = {"rates": ThreeRates(weights=(0.5, 0.5, 0.0))}
    assert _run("composite", period=june, options=options) == pytest.approx(100.0)


def test_an_empty_log_gives_nan() -> None:
    for name in RATES:
        assert math.isnan(_run(name, log=CaseLog()))
        assert _run(name, log=CaseLog(), by="month") == {}


def test_a_period_without_cases_gives_nan() -> None:
    later = (dt.datetime(2030, 1, 1, tzinfo=SHANGHAI), dt.datetime(2030, 2, 1, tzinfo=SHANGHAI))
    for name in RATES:
        assert math.isnan(_run(name, period=later))


def test_refuses_options_that_are_not_three_rates() -> None:
    with pytest.raises(ArgumentTypeError, match=r"options\['rates'\] must be a ThreeRates"):
        _run("response_rate", options={"rates": {"satisfied_at": 3}})


def test_a_street_breakdown_needs_an_organisation() -> None:
    with pytest.raises(InvalidArgumentError, match="organisation"):
        _run("response_rate", by="street")


# ----------------------------------------------------------------------- ThreeRates


def test_three_rates_defaults() -> None:
    rates = ThreeRates()
    assert rates.response_within == 2 * HOUR
    assert rates.satisfied_at == 4
    assert rates.resolved_states == {CaseState.CLOSED}
    assert rates.weights == (0.2, 0.4, 0.4)
    assert ThreeRates(resolved_states=["closed", CaseState.VERIFIED]).resolved_states == {
        CaseState.CLOSED,
        CaseState.VERIFIED,
    }
    assert ThreeRates(weights=[1, 0, 0]).weights == (1.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        (
            {"response_within": 120},
            ArgumentTypeError,
            r"response_within must be a datetime\.timedelta, got 120 \(int\)",
        ),
        (
            {"response_within": dt.timedelta(0)},
            InvalidArgumentError,
            "response_within must be a positive timedelta",
        ),
        ({"response_within": -HOUR}, InvalidArgumentError, "must be a positive timedelta"),
        (
            {"satisfied_at": 4.0},
            ArgumentTypeError,
            r"satisfied_at must be an integer rating from 1 to 5, got 4\.0",
        ),
        (
            {"satisfied_at": True},
            ArgumentTypeError,
            r"satisfied_at must be an integer rating.*\(bool\)",
        ),
        (
            {"satisfied_at": 6},
            InvalidArgumentError,
            "satisfied_at must be a rating from 1 to 5, got 6",
        ),
        ({"satisfied_at": 0}, InvalidArgumentError, "from 1 to 5, got 0"),
        (
            {"resolved_states": "closed"},
            ArgumentTypeError,
            "resolved_states must be a collection of case states",
        ),
        ({"resolved_states": ()}, InvalidArgumentError, "must name at least one state, got none"),
        (
            {"resolved_states": {"solved"}},
            InvalidArgumentError,
            r"expected case states \(collected, .*\), got 'solved'",
        ),
        (
            {"resolved_states": {"closed", "cancelled"}},
            InvalidArgumentError,
            "names cancelled: withdrawn cases",
        ),
        ({"weights": (0.5, 0.5)}, InvalidArgumentError, r"weights must be three numbers .* got 2"),
        (
            {"weights": 1.0},
            ArgumentTypeError,
            r"weights must be three numbers.*got 1\.0 \(float\)",
        ),
        (
            {"weights": (0.5, "0.25", 0.25)},
            ArgumentTypeError,
            "the resolution weight must be a number",
        ),
        (
            {"weights": (-0.2, 0.6, 0.6)},
            InvalidArgumentError,
            "the response weight must be a finite number of at least 0, got -0.2",
        ),
        (
            {"weights": (0.2, 0.4, math.nan)},
            InvalidArgumentError,
            "the satisfaction weight must be a finite",
        ),
        (
            {"weights": (0.3, 0.4, 0.4)},
            InvalidArgumentError,
            r"weights must sum to 1, got \(0\.3, 0\.4, 0\.4\) summing to 1\.1",
        ),
    ],
)
def test_three_rates_validation(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        ThreeRates(**options)


def test_three_rates_is_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ThreeRates().satisfied_at = 3  # type: ignore[misc]


# ----------------------------------------------------------------------- brute force

BRUTE_TREE: list[dict[str, Any]] = [
    {"id": "S1", "tier": "street"},
    {"id": "C1", "tier": "community", "parent": "S1"},
    {"id": "G1", "tier": "grid", "parent": "C1"},
    {"id": "C2", "tier": "community", "parent": "S1"},
    {"id": "G2", "tier": "grid", "parent": "C2"},
    {"id": "S2", "tier": "street"},
    {"id": "C3", "tier": "community", "parent": "S2"},
    {"id": "G3", "tier": "grid", "parent": "C3"},
]
BRUTE_ORG = Organisation.from_records(BRUTE_TREE)
RATED = {CaseState.REPLIED, CaseState.VERIFIED, CaseState.CLOSED}


@st.composite
def rated_logs(draw: st.DrawFn) -> CaseLog:
    """Generated case logs with satisfaction ratings drawn onto some rated events."""
    log = draw(gs.case_logs(BRUTE_ORG, max_cases=8))
    events = [
        attrs.evolve(event, rating=draw(st.none() | st.integers(1, 5)))
        if event.state in RATED
        else event
        for event in log
    ]
    infos = {case: log.case_info(case) for case in log.cases}
    return CaseLog(events, cases={c: (str(i.category), str(i.origin)) for c, i in infos.items()})


def _brute(
    log: CaseLog,
    options: ThreeRates,
    period: tuple[dt.datetime, dt.datetime] | None,
    key: Any = None,
) -> dict[Any, tuple[float, float, float]]:
    """The three rates by a plain loop over the events, per ``key(first event)``."""
    events: dict[str, list[CaseEvent]] = {}
    for event in log:
        if period is None or event.time < period[1]:
            events.setdefault(event.case, []).append(event)
    counts: dict[Any, list[int]] = {}
    for steps in events.values():
        collected = steps[0].time
        if period is not None and not period[0] <= collected < period[1]:
            continue
        if steps[-1].state in WITHDRAWN:
            continue
        tally = counts.setdefault(None if key is None else key(steps[0]), [0] * 5)
        tally[0] += 1
        filed = [e.time for e in steps if e.state is CaseState.FILED]
        tally[1] += bool(filed) and filed[0] - collected <= options.response_within
        tally[2] += steps[-1].state in options.resolved_states
        ratings = [e.rating for e in steps if e.rating is not None]
        if ratings:
            tally[3] += 1
            tally[4] += ratings[-1] >= options.satisfied_at
    return {
        k: (
            responded / base if base else math.nan,
            resolved / base if base else math.nan,
            satisfied / rated if rated else math.nan,
        )
        for k, (base, responded, resolved, rated, satisfied) in counts.items()
    }


def _same(found: float, expected: float) -> bool:
    return (math.isnan(found) and math.isnan(expected)) or found == pytest.approx(expected)


three_rates = st.builds(
    ThreeRates,
    response_within=st.integers(1, 3 * 24 * 60).map(lambda m: m * MIN),
    satisfied_at=st.integers(1, 5),
    resolved_states=st.sets(
        st.sampled_from([s for s in CaseState if s not in WITHDRAWN]), min_size=1
    ),
    weights=st.sampled_from([(0.2, 0.4, 0.4), (1.0, 0.0, 0.0), (0.25, 0.25, 0.5)]),
)


#: Generated logs start at 2024-01-01 (China Standard Time) and run for a few weeks.
START = dt.datetime(2024, 1, 1, tzinfo=SHANGHAI)
periods = st.none() | st.builds(
    lambda start, days: (START + start * HOUR, START + start * HOUR + days * 24 * HOUR),
    st.integers(0, 24 * 20),
    st.integers(1, 20),
)


@given(log=rated_logs(), options=three_rates, period=periods)
def test_the_rates_match_a_loop_over_the_events(
    log: CaseLog, options: ThreeRates, period: tuple[dt.datetime, dt.datetime] | None
) -> None:
    run: dict[str, Any] = {"log": log, "period": period, "options": {"rates": options}}
    expected = _brute(log, options, period).get(None, (math.nan,) * 3)
    found = [_run(name, **run) for name in RATES[:3]]
    assert all(_same(f, e) for f, e in zip(found, expected, strict=True))
    weighed = 100 * math.fsum(w * r for w, r in zip(options.weights, expected, strict=True) if w)
    assert _same(_run("composite", **run), weighed)


def _month(event: CaseEvent) -> str:
    return event.time.astimezone(SHANGHAI).strftime("%Y-%m")


def _street(event: CaseEvent, log: CaseLog) -> str:
    origin = log.case_info(event.case).origin
    assert origin is not None
    street = BRUTE_ORG.ancestor_at(origin, "street")
    assert street is not None
    return street.id


@given(
    log=rated_logs(),
    options=three_rates,
    period=periods,
    by=st.sampled_from(["month", "street"]),
)
def test_breakdowns_match_a_loop_over_the_events(
    log: CaseLog, options: ThreeRates, period: tuple[dt.datetime, dt.datetime] | None, by: str
) -> None:
    key = _month if by == "month" else (lambda event: _street(event, log))
    expected = _brute(log, options, period, key)
    run: dict[str, Any] = {
        "log": log,
        "org": BRUTE_ORG,
        "period": period,
        "by": by,
        "options": {"rates": options},
    }
    for k, name in enumerate(RATES[:3]):
        found = _run(name, **run)
        assert set(found) >= set(expected)
        for group, value in found.items():
            assert _same(value, expected.get(group, (math.nan,) * 3)[k])
