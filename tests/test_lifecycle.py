"""Tests for the lifecycle table, case events and the views derived from a case log."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import numpy as np
import pytest

from gridorg.errors import CaseLogError, InvalidArgumentError, RecordError, TransitionError
from gridorg.issue import Issue
from gridorg.lifecycle import (
    FINAL_STATES,
    NO_TIME,
    STATES,
    TRANSITIONS,
    CaseEvent,
    CaseLog,
    CaseState,
)

T0 = dt.datetime(2024, 5, 6, 9, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
S = CaseState


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def path_to(state: CaseState) -> list[CaseState]:
    """A shortest allowed path from a new case to ``state`` (breadth-first)."""
    paths: dict[CaseState, list[CaseState]] = {S.COLLECTED: [S.COLLECTED]}
    frontier = [S.COLLECTED]
    while frontier:
        nxt = []
        for here in frontier:
            for there in sorted(TRANSITIONS[here]):
                if there not in paths:
                    paths[there] = [*paths[here], there]
                    nxt.append(there)
        frontier = nxt
    return paths[state]


def test_states_codes_labels_and_table_shape() -> None:
    assert len(STATES) == 13
    assert [s.code for s in STATES] == list(range(13))
    assert S.FILED.label == "受理/立案"
    assert S.REOPENED.label == "返工"
    assert set(TRANSITIONS) == {None, *STATES}
    assert TRANSITIONS[None] == {S.COLLECTED}
    assert all(not TRANSITIONS[s] for s in FINAL_STATES)
    assert all(TRANSITIONS[s] for s in STATES if s not in FINAL_STATES)
    assert S.CLOSED.final
    assert not S.REPLIED.final
    # Every state is reachable from a new case.
    assert all(path_to(s)[-1] is s for s in STATES)


@pytest.mark.parametrize(
    ("before", "after"), list(itertools.product(STATES, STATES)), ids=lambda s: s.value
)
def test_every_transition_in_append_and_extend(before: CaseState, after: CaseState) -> None:
    """All 13 × 13 transitions: the allowed ones accepted, every other refused, both ways."""
    prefix = [CaseEvent("X", at(i), s) for i, s in enumerate(path_to(before))]
    step = CaseEvent("X", at(len(prefix)), after)
    allowed = after in TRANSITIONS[before]

    by_append = CaseLog(prefix)
    snapshot = by_append.to_columns()
    by_extend = CaseLog()
    if allowed:
        by_append.append(step)
        by_extend.extend([*prefix, step])
        assert by_append == by_extend
        assert by_append.state_of("X") is after
        return
    with pytest.raises(TransitionError, match=rf"{before.value} → {after.value}") as info:
        by_append.append(step)
    assert "case 'X'" in str(info.value)
    _same_columns(by_append.to_columns(), snapshot)
    with pytest.raises(TransitionError, match=rf"event {len(prefix)}, case 'X'"):
        by_extend.extend([*prefix, step])
    assert len(by_extend) == 0


def _same_columns(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert a.keys() == b.keys()
    for key, value in a.items():
        assert np.array_equal(value, b[key]), key


def test_first_event_must_be_collected() -> None:
    log = CaseLog()
    with pytest.raises(TransitionError, match="case 'Q' is new: its first event must be"):
        log.append(CaseEvent("Q", T0, "filed"))
    with pytest.raises(TransitionError, match="event 1, case 'R' is new"):
        log.extend([CaseEvent("Q", T0, "collected"), CaseEvent("R", T0, "handling")])
    assert len(log) == 0


def test_case_event_validates_and_refuses_naive_times() -> None:
    with pytest.raises(RecordError, match="time must be timezone-aware") as info:
        CaseEvent("Q", dt.datetime(2024, 5, 6), "collected")
    assert "'Q'" in str(info.value)
    with pytest.raises(RecordError, match="due must be timezone-aware"):
        CaseEvent("Q", T0, "dispatched", due=dt.datetime(2024, 5, 7))
    with pytest.raises(RecordError, match="state must be one of collected"):
        CaseEvent("Q", T0, "lost")
    with pytest.raises(RecordError, match="case must"):
        CaseEvent("", T0, "collected")
    shanghai = dt.timezone(dt.timedelta(hours=8))
    event = CaseEvent("Q", T0.astimezone(shanghai), "collected")
    assert event == CaseEvent("Q", T0, S.COLLECTED)
    assert event.to_record()["time"] == "2024-05-06T17:00:00+08:00"


def standard_log() -> CaseLog:
    """Q1: dispatched with a 10 h deadline, replied and closed late; Q2 handled in the grid."""
    log = CaseLog()
    log.open(Issue("Q1", "public_facilities", "G1", T0), due=at(48))
    log.extend(
        [
            CaseEvent("Q1", at(1), "filed"),
            CaseEvent("Q1", at(2), "dispatched", due=at(12)),
            CaseEvent("Q1", at(4), "handling"),
            CaseEvent("Q1", at(10), "extended", due=at(20)),
            CaseEvent("Q1", at(11), "handling"),
            CaseEvent("Q1", at(21), "replied"),
            CaseEvent("Q1", at(22), "closed"),
            CaseEvent("Q2", at(3), "collected"),
            CaseEvent("Q2", at(5), "filed"),
            CaseEvent("Q2", at(5), "handling"),
        ]
    )
    return log


def test_views_hand_computed() -> None:
    log = standard_log()
    views = log.views()  # at the last event overall: 22 h
    assert views.at == int(
        (at(22) - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) / dt.timedelta(microseconds=1)
    )
    q1 = views["Q1"]
    assert q1.state is S.CLOSED
    assert q1.opened == T0
    assert q1.closed == at(22)
    assert q1.due == at(20)
    assert q1.due_from == at(10)
    assert q1.time_in == {
        S.COLLECTED: 3600.0,
        S.FILED: 3600.0,
        S.DISPATCHED: 2 * 3600.0,
        S.HANDLING: (6 + 10) * 3600.0,
        S.EXTENDED: 3600.0,
        S.REPLIED: 3600.0,
    }
    assert q1.overdue  # closed at 22 h, due at 20 h
    assert not q1.warning  # final
    assert (q1.accept, q1.dispatch, q1.dispose, q1.close) == (3600.0, 3600.0, 19 * 3600.0, 3600.0)
    assert (q1.category, q1.origin) == ("public_facilities", "G1")

    q2 = views["Q2"]
    assert q2.state is S.HANDLING
    assert q2.closed is None
    assert q2.due is None
    assert q2.time_in == {S.COLLECTED: 7200.0, S.HANDLING: 17 * 3600.0}
    assert not q2.overdue
    assert not q2.warning
    # Self-disposal: never dispatched; the dispose stage has not ended.
    assert q2.dispatch is None
    assert q2.dispose is None
    assert (q2.category, q2.origin) == (None, None)
    assert len(views) == 2
    assert [v.case for v in views] == ["Q1", "Q2"]


def test_views_earlier_warning_at_eighty_percent_and_overdue() -> None:
    log = standard_log()
    # Due 12 h, set at 2 h: the 10 h window reaches 80 % at 10 h.
    assert not log.view("Q1", at=at(9.99)).warning
    early = log.views(at=at(9.5))
    assert not early["Q1"].warning
    assert early["Q1"].state is S.HANDLING
    assert early["Q1"].time_in[S.HANDLING] == 5.5 * 3600
    assert "Q2" in early
    exact = log.views(at=at(10) - dt.timedelta(microseconds=1), warn=0.8)
    assert not exact["Q1"].warning
    # At 10 h the case is extended (new due 20 h from 10 h): share 0.
    extended = log.views(at=at(10))
    assert extended["Q1"].due == at(20)
    assert not extended["Q1"].warning
    assert log.views(at=at(18))["Q1"].warning  # 8 of 10 hours
    assert not log.views(at=at(17.9))["Q1"].warning
    assert log.views(at=at(17.9), warn=0.5)["Q1"].warning
    before_due = log.views(at=at(20))["Q1"]
    assert not before_due.overdue
    late = log.views(at=at(20.5))["Q1"]
    assert late.overdue
    assert late.warning


def test_views_leave_out_cases_not_yet_opened() -> None:
    log = standard_log()
    views = log.views(at=at(2.5))
    assert len(views) == 1
    assert "Q2" not in views
    with pytest.raises(CaseLogError, match="case 'Q2' has no view: it is not opened by"):
        views["Q2"]
    with pytest.raises(CaseLogError, match="'nope' has no view: it is not in the log"):
        views["nope"]
    assert log.views(at=at(-1)).case.tolist() == []


def test_views_columns_and_pandas() -> None:
    log = standard_log()
    views = log.views(at=at(30))
    assert views.time_in.shape == (2, 13)
    assert views.due.tolist()[1] == NO_TIME
    assert math.isnan(views.dispatch[1])
    # Q1 is final: time stops at its closing; Q2 counts until `at`.
    assert views.time_in.sum(axis=1).tolist() == [22 * 3600.0, 27 * 3600.0]
    frame = views.to_pandas()
    assert frame.index.tolist() == ["Q1", "Q2"]
    assert frame.loc["Q1", "state"] == "closed"
    assert frame.loc["Q2", "time_in_handling"] == 25 * 3600.0
    assert str(frame["due"].dtype).startswith("datetime64")
    assert frame["rating"].isna().all()
    assert str(frame["rating"].dtype) == "Int8"
    assert "2 cases, 1 overdue" in repr(views)


def test_views_bad_arguments() -> None:
    log = standard_log()
    with pytest.raises(InvalidArgumentError, match=r"warn must be a share .* got 1.5"):
        log.views(warn=1.5)
    with pytest.raises(InvalidArgumentError, match="at must be a timezone-aware"):
        log.views(at=dt.datetime(2024, 5, 6))
    with pytest.raises(CaseLogError, match="case 'nope' is not in the log"):
        log.view("nope")
