"""Property tests of the case log against brute force over random walks of the lifecycle."""

from __future__ import annotations

import datetime as dt
import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridorg.errors import CaseLogError, TransitionError
from gridorg.lifecycle import (
    DUE_STATES,
    FINAL_STATES,
    RATED_STATES,
    STATES,
    TRANSITIONS,
    CaseEvent,
    CaseLog,
    CaseState,
)

T0 = dt.datetime(2024, 5, 6, 9, 0, tzinfo=dt.UTC)


@st.composite
def walks(draw: st.DrawFn, *, max_cases: int = 5, max_steps: int = 9) -> list[CaseEvent]:
    """Random walks over TRANSITIONS for a few cases, interleaved, times non-decreasing per
    case. Shrinks towards fewer cases, shorter walks and earlier states in the table."""
    cases = draw(st.integers(1, max_cases))
    per_case: list[list[CaseEvent]] = []
    for c in range(cases):
        minutes = draw(st.integers(0, 600))
        state: CaseState | None = None
        events = []
        for _ in range(draw(st.integers(1, max_steps))):
            options = sorted(TRANSITIONS[state])
            if not options:
                break
            state = draw(st.sampled_from(options))
            minutes += draw(st.integers(0, 240))
            due = None
            if state in DUE_STATES and draw(st.booleans()):
                due = T0 + dt.timedelta(minutes=minutes + draw(st.integers(-60, 1440)))
            when = T0 + dt.timedelta(minutes=minutes)
            rating = draw(st.none() | st.integers(1, 5)) if state in RATED_STATES else None
            events.append(
                CaseEvent(f"C{c}", when, state, due=due, actor=f"a{c % 2}", rating=rating)
            )
        per_case.append(events)
    tokens = [c for c, events in enumerate(per_case) for _ in events]
    order = draw(st.permutations(tokens))
    cursors = [0] * cases
    merged = []
    for c in order:
        merged.append(per_case[c][cursors[c]])
        cursors[c] += 1
    return merged


def appended(events: list[CaseEvent]) -> CaseLog:
    log = CaseLog()
    for event in events:
        log.append(event)
    return log


def as_columns(events: list[CaseEvent]) -> dict[str, Any]:
    return {
        "case": [e.case for e in events],
        "time": [e.time for e in events],
        "state": [e.state.value for e in events],
        "actor": [e.actor for e in events],
        "due": [e.due for e in events],
        "rating": [e.rating for e in events],
    }


@given(walks())
def test_walks_are_accepted_and_every_way_of_adding_agrees(events: list[CaseEvent]) -> None:
    one_by_one = appended(events)
    batch = CaseLog(events)
    columns = CaseLog(as_columns(events))
    assert one_by_one == batch == columns
    assert list(batch) == events
    assert pickle.loads(pickle.dumps(batch)) == batch
    assert CaseLog.from_columns(batch.to_columns()) == batch
    assert CaseLog.from_records(batch.to_records()) == batch
    # Any split into two batches gives the same log as well.
    half = len(events) // 2
    split = CaseLog(events[:half])
    split.extend(events[half:])
    assert split == batch
    # Each case's view carries the latest rating its events gave (brute force).
    latest: dict[str, int] = {}
    for event in events:
        if event.rating is not None:
            latest[event.case] = event.rating
    views = batch.views()
    assert {case: views[case].rating for case in views.case.tolist()} == {
        case: latest.get(case) for case in views.case.tolist()
    }


@given(walks(), st.data())
def test_one_illegal_step_anywhere_is_refused(
    events: list[CaseEvent], data: st.DataObject
) -> None:
    k = data.draw(st.integers(0, len(events)), label="insert at")
    case = data.draw(st.sampled_from(sorted({e.case for e in events})), label="case")
    before = [e for e in events[:k] if e.case == case]
    previous = before[-1].state if before else None
    illegal = [s for s in STATES if s not in TRANSITIONS[previous]]
    state = data.draw(st.sampled_from(illegal), label="illegal state")
    when = before[-1].time if before else T0
    bad = CaseEvent(case, when, state)
    sequence = [*events[:k], bad, *events[k:]]

    log = CaseLog()
    for event in sequence[:k]:
        log.append(event)
    snapshot = log.to_columns()
    with pytest.raises(TransitionError, match=f"case '{case}'"):
        log.append(bad)
    after = log.to_columns()
    assert all(np.array_equal(snapshot[key], after[key]) for key in snapshot)
    assert log == CaseLog(sequence[:k])

    whole = CaseLog()
    with pytest.raises(TransitionError, match=f"event {k}, case '{case}'"):
        whole.extend(sequence)
    assert len(whole) == 0


@given(walks(), st.data())
def test_time_going_back_is_refused(events: list[CaseEvent], data: st.DataObject) -> None:
    late = [i for i, e in enumerate(events) if e.time > T0]
    if not late:
        return
    i = data.draw(st.sampled_from(late))
    target = events[i]
    # The same case's last earlier event is at or before target.time; go below it.
    earlier = [e for e in events[:i] if e.case == target.case]
    floor = earlier[-1].time if earlier else None
    if floor is None or floor == T0:
        return
    moved = CaseEvent(target.case, floor - dt.timedelta(minutes=1), target.state, due=target.due)
    sequence = [*events[:i], moved, *events[i + 1 :]]
    with pytest.raises(CaseLogError, match="goes back in time"):
        CaseLog(sequence)


def brute_views(events: list[CaseEvent], at: dt.datetime, warn: float) -> dict[str, Any]:
    """Per case, computed event by event in plain Python."""
    result: dict[str, Any] = {}
    for case in dict.fromkeys(e.case for e in events):
        mine = [e for e in events if e.case == case and e.time <= at]
        if not mine:
            continue
        spent = dict.fromkeys(STATES, 0.0)
        due = due_from = None
        for k, event in enumerate(mine):
            if k + 1 < len(mine):
                until = mine[k + 1].time
            else:
                until = event.time if event.state in FINAL_STATES else at
            spent[event.state] += (until - event.time).total_seconds()
            if event.due is not None:
                due, due_from = event.due, event.time
        state = mine[-1].state
        final = state in FINAL_STATES
        overdue = due is not None and (
            (not final and at > due) or (state is CaseState.CLOSED and mine[-1].time > due)
        )
        warning = (
            due is not None
            and due_from is not None
            and not final
            and (at - due_from).total_seconds() >= warn * (due - due_from).total_seconds()
        )
        result[case] = (state, spent, due, overdue, warning)
    return result


@given(walks(), st.integers(-60, 3000), st.sampled_from([0.5, 0.8, 1.0]))
def test_views_match_brute_force_and_no_case_is_lost(
    events: list[CaseEvent], minutes: int, warn: float
) -> None:
    log = CaseLog(events)
    at = T0 + dt.timedelta(minutes=minutes)
    views = log.views(at=at, warn=warn)
    expected = brute_views(events, at, warn)
    # Every case opened by `at` has exactly one row, in exactly one state.
    assert views.case.tolist() == list(expected)
    for case, (state, spent, due, overdue, warning) in expected.items():
        view = views[case]
        assert view.state is state
        assert log.state_of(case, at) is state
        assert dict.fromkeys(STATES, 0.0) | dict(view.time_in) == pytest.approx(spent)
        assert view.due == due
        assert view.overdue == overdue
        assert view.warning == warning
        assert log.view(case, at=at, warn=warn) == view
    for case in log.cases:
        if case not in expected:
            assert log.state_of(case, at) is None
    # The time spent adds up to the time since opening (until closing, for final cases).
    for row, view in enumerate(views):
        end = view.closed if view.closed is not None else at
        assert views.time_in[row].sum() == pytest.approx((end - view.opened).total_seconds())


@given(walks())
def test_default_at_is_the_last_event_time(events: list[CaseEvent]) -> None:
    log = CaseLog(events)
    latest = max(e.time for e in events)
    default = log.views()
    explicit = log.views(at=latest)
    assert default.at == explicit.at
    assert default.state.tolist() == explicit.state.tolist()
    assert len(default) == len(log.cases)
    assert [STATES[s] for s in default.state.tolist()] == [log.state_of(c) for c in log.cases]
