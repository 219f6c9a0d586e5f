"""Tests for the case log: storage, batches, atomicity, conversions and malformed inputs."""

from __future__ import annotations

import datetime as dt
import pickle
from typing import Any

import numpy as np
import pytest

from gridorg import _caselog
from gridorg.errors import (
    ArgumentTypeError,
    CaseLogError,
    GridorgError,
    RecordError,
    TransitionError,
)
from gridorg.issue import Issue
from gridorg.lifecycle import NO_RATING, NO_TIME, CaseEvent, CaseInfo, CaseLog, CaseState

T0 = dt.datetime(2024, 5, 6, 9, 0, tzinfo=dt.UTC)
US0 = 1_714_986_000_000_000  # T0 in µs
HOUR = 3_600_000_000
S = CaseState


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def sample_events() -> list[CaseEvent]:
    return [
        CaseEvent("A", at(0), "collected", actor="gridder 1"),
        CaseEvent("B", at(0.5), "collected"),
        CaseEvent("A", at(1), "filed", note="立案"),
        CaseEvent("A", at(2), "dispatched", actor="civil affairs", due=at(26)),
        CaseEvent("B", at(2), "duplicate"),
        CaseEvent("A", at(3), "handling"),
    ]


def sample_log() -> CaseLog:
    log = CaseLog(sample_events(), cases={"A": ("civil_assistance", "G1")})
    log.open(Issue("C", "environment", "G2", at(4)))
    return log


def test_basic_reading() -> None:
    log = sample_log()
    assert len(log) == 7
    assert log.cases == ("A", "B", "C")
    assert list(log)[:6] == sample_events()
    assert log[0] == sample_events()[0]
    assert log[-1] == CaseEvent("C", at(4), "collected")
    assert log[1:3] == sample_events()[1:3]
    assert log.events_of("A") == [e for e in sample_events() if e.case == "A"]
    assert log.case_info("A") == CaseInfo("civil_assistance", "G1")
    assert log.case_info("B") == CaseInfo(None, None)
    assert log.case_info("C") == ("environment", "G2")
    assert log.state_of("A") is S.HANDLING
    assert log.state_of("B") is S.DUPLICATE
    assert log.state_of("A", at(1.5)) is S.FILED
    assert log.state_of("C", at(1)) is None
    assert repr(log) == "<CaseLog: 7 events, 3 cases (2 open)>"
    assert log[3].due == at(26)
    assert log[3].time.tzinfo is dt.UTC


def test_extend_columns_in_every_form() -> None:
    times = [US0, US0 + HOUR, US0 + 2 * HOUR]
    forms: list[dict[str, Any]] = [
        {"case": ["A", "A", "A"], "time": np.array(times), "state": [0, 1, 2]},
        {
            "case": np.array(["A", "A", "A"]),
            "time": np.array(times).astype("datetime64[us]"),
            "state": ["collected", "filed", "dispatched"],
        },
        {
            "case": ("A", "A", "A"),
            "time": [at(0), at(1), at(2)],
            "state": np.array([0, 1, 2], dtype=np.uint8),
            "actor": "",
            "due": [None, None, None],
        },
        {
            "case": ["A", "A", "A"],
            "time": times,
            "state": [S.COLLECTED, S.FILED, S.DISPATCHED],
            "actor": ["", "", ""],
            "note": ["", "", ""],
            "due": np.array([NO_TIME] * 3),
        },
    ]
    logs = [CaseLog(form) for form in forms]
    assert all(log == logs[0] for log in logs)
    assert logs[0].events_of("A")[2] == CaseEvent("A", at(2), "dispatched")


def test_due_is_carried_and_checked() -> None:
    log = CaseLog()
    log.extend(
        {
            "case": ["A", "A", "A"],
            "time": [at(0), at(1), at(2)],
            "state": ["collected", "filed", "dispatched"],
            "due": [None, None, at(5)],
        }
    )
    assert log[2].due == at(5)
    with pytest.raises(CaseLogError, match="a handling event cannot carry a due time") as info:
        log.append(CaseEvent("A", at(3), "handling", due=at(9)))
    assert not isinstance(info.value, TransitionError)
    with pytest.raises(CaseLogError, match="event 0, case 'A': a handling event cannot carry"):
        log.extend({"case": ["A"], "time": [at(3)], "state": ["handling"], "due": [at(9)]})
    assert len(log) == 3


def rated_log() -> CaseLog:
    """A: closed with ratings 2 (replied) and 4 (closed); B: replied without one."""
    return CaseLog(
        [
            CaseEvent("A", at(0), "collected"),
            CaseEvent("B", at(0), "collected"),
            CaseEvent("A", at(1), "filed"),
            CaseEvent("B", at(1), "filed"),
            CaseEvent("A", at(2), "handling"),
            CaseEvent("B", at(2), "handling"),
            CaseEvent("A", at(3), "replied", rating=2),
            CaseEvent("B", at(3), "replied"),
            CaseEvent("A", at(4), "closed", rating=4),
        ],
        cases={"A": ("environment", "G1")},
    )


def test_ratings_are_stored_and_read_back() -> None:
    log = rated_log()
    assert [e.rating for e in log] == [None] * 6 + [2, None, 4]
    columns = log.to_columns()
    assert columns["rating"].dtype == np.int8
    assert columns["rating"].tolist() == [NO_RATING] * 6 + [2, NO_RATING, 4]
    views = log.views()
    assert views.rating.tolist() == [4, NO_RATING]
    assert views["A"].rating == 4
    assert views["B"].rating is None
    assert log.views(at=at(3.5))["A"].rating == 2  # the latest given by then
    assert log.to_records()[6] == {
        "case": "A",
        "time": at(3).isoformat(),
        "state": "replied",
        "rating": 2,
    }
    assert "rating=4" in repr(log[8])


def test_ratings_in_every_form_round_trip() -> None:
    log = rated_log()
    import json

    assert CaseLog.from_columns(log.to_columns()) == log
    assert CaseLog.from_records(json.loads(json.dumps(log.to_records()))) == log
    assert pickle.loads(pickle.dumps(log)) == log
    by_append = CaseLog()
    for event in log:
        by_append.append(event)
    by_append.register("A", category="environment", origin="G1")
    assert by_append == log
    columns = {key: log.to_columns()[key] for key in ("case", "time", "state")}
    plain = CaseLog.from_columns(columns)
    plain.register("A", category="environment", origin="G1")
    assert plain != log  # the ratings differ
    as_list = [None if r < 0 else int(r) for r in log.to_columns()["rating"].tolist()]
    listed = CaseLog.from_columns({**columns, "rating": as_list})
    listed.register("A", category="environment", origin="G1")
    assert listed == log


def test_pickles_without_ratings_still_load() -> None:
    log = rated_log()
    state = log.__getstate__()
    del state["events"]["rating"]
    found = CaseLog.__new__(CaseLog)
    found.__setstate__(state)
    assert [e.rating for e in found] == [None] * 9
    assert len(found) == 9


def test_ratings_on_other_states_are_refused() -> None:
    log = rated_log()
    before = log.to_columns()
    with pytest.raises(CaseLogError) as info:
        CaseEvent("B", at(5), "handling", rating=3)
    assert str(info.value) == (
        "case 'B': a handling event cannot carry a rating; only replied, verified, closed "
        "events do"
    )
    with pytest.raises(CaseLogError, match="event 2, case 'C': a filed event cannot carry a"):
        log.extend(
            {
                "case": ["B", "C", "C"],
                "time": [at(5), at(5), at(6)],
                "state": ["verified", "collected", "filed"],
                "rating": [5, None, 1],
            }
        )
    with pytest.raises(CaseLogError, match="'rating' at index 0: expected a rating from 1"):
        log.extend({"case": ["B"], "time": [at(5)], "state": ["verified"], "rating": [9]})
    with pytest.raises(ArgumentTypeError, match="'rating' at index 1: expected an integer"):
        log.extend({"case": ["B", "B"], "time": [at(5)] * 2, "state": [5, 6], "rating": [5, 2.0]})
    with pytest.raises(ArgumentTypeError, match="a sequence of ratings"):
        log.extend({"case": ["B"], "time": [at(5)], "state": ["verified"], "rating": 5})
    _same_columns(log.to_columns(), before)
    log.extend(
        {"case": ["B"], "time": [at(5)], "state": ["verified"], "rating": np.array([3], np.int8)}
    )
    assert log.views()["B"].rating == 3


@pytest.mark.parametrize("rating", [0, 6, -1, 2.5, True, "5"])
def test_bad_rating_values_are_refused_at_construction(rating: Any) -> None:
    with pytest.raises(RecordError) as info:
        CaseEvent("Q", T0, "closed", rating=rating)
    assert str(info.value).endswith(
        "case event of 'Q': rating must be an integer from 1 (very dissatisfied) to 5 (very "
        f"satisfied) or None, got {rating!r} ({type(rating).__name__})"
    )


def _same_columns(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a.keys() == b.keys()
    for key, values in a.items():
        assert values.tolist() == b[key].tolist(), key


def test_time_going_backwards_is_refused() -> None:
    log = CaseLog(sample_events())
    before = log.to_columns()
    with pytest.raises(CaseLogError, match=r"case 'A': replied at .* goes back in time") as info:
        log.append(CaseEvent("A", at(2.5), "replied"))
    assert not isinstance(info.value, TransitionError)
    with pytest.raises(CaseLogError, match="event 1, case 'A': replied at"):
        log.extend([CaseEvent("Z", at(9), "collected"), CaseEvent("A", at(2.5), "replied")])
    # Within one batch as well.
    with pytest.raises(CaseLogError, match="event 1, case 'Z': filed at"):
        log.extend([CaseEvent("Z", at(9), "collected"), CaseEvent("Z", at(8), "filed")])
    after = log.to_columns()
    assert all(np.array_equal(before[k], after[k]) for k in before)
    # Equal times are fine.
    log.append(CaseEvent("A", at(3), "replied"))


def test_refused_batch_leaves_log_unchanged() -> None:
    log = sample_log()
    snapshot = log.to_columns()
    copy = pickle.loads(pickle.dumps(log))
    bad = [
        CaseEvent("N1", at(5), "collected", actor="new actor", note="new note"),
        CaseEvent("A", at(5), "replied"),
        CaseEvent("N2", at(5), "collected"),
        CaseEvent("B", at(6), "filed"),  # duplicate is final
    ]
    with pytest.raises(TransitionError) as info:
        log.extend(bad)
    message = str(info.value)
    assert message.startswith("1 of 4 events refused (the log is unchanged)") or (
        "event 3, case 'B': duplicate → filed" in message
    )
    after = log.to_columns()
    assert after.keys() == snapshot.keys()
    assert all(np.array_equal(snapshot[k], after[k]) for k in snapshot)
    assert log == copy
    assert "N1" not in log.cases
    # Nothing leaked into the pools: a valid batch afterwards behaves normally.
    log.extend(bad[:3])
    assert log.cases[-2:] == ("N1", "N2")
    assert log.events_of("N1")[0].actor == "new actor"


def test_many_problems_are_summarised() -> None:
    log = CaseLog()
    events = [CaseEvent(f"X{i}", at(0), "filed") for i in range(8)]
    with pytest.raises(TransitionError) as info:
        log.extend(events)
    lines = str(info.value).splitlines()
    assert lines[0] == "8 of 8 events refused (the log is unchanged):"
    assert lines[1].startswith("  - event 0, case 'X0' is new")
    assert lines[-1] == "  ... and 3 more"


def test_append_buffer_flushes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_caselog, "_FLUSH_AT", 3)
    log = CaseLog()
    reference = CaseLog()
    events = [
        CaseEvent(f"K{i % 4}", at(i // 4), state)
        for i, state in enumerate(["collected"] * 4 + ["filed"] * 4 + ["dispatched"] * 4)
    ]
    for event in events:
        log.append(event)
    reference.extend(events)
    assert log == reference
    assert log.to_columns()["state"].tolist() == [0] * 4 + [1] * 4 + [2] * 4
    log.append(CaseEvent("K0", at(5), "handling"))
    assert log.state_of("K0") is S.HANDLING
    with pytest.raises(TransitionError, match="handling → filed"):
        log.append(CaseEvent("K0", at(6), "filed"))


def test_open_and_register() -> None:
    log = CaseLog()
    issue = Issue("Q1", "neighbour_disputes", "G1", T0)
    log.open(issue, actor="gridder", due=at(72))
    assert log[0] == CaseEvent("Q1", T0, "collected", actor="gridder", due=at(72))
    with pytest.raises(CaseLogError, match="case 'Q1' is already in the log"):
        log.open(issue)
    log.register("Q1", category="neighbour_disputes", origin="G1")  # the same again: fine
    with pytest.raises(CaseLogError, match="registered as category 'neighbour_disputes'"):
        log.register("Q1", category="environment", origin="G1")
    with pytest.raises(CaseLogError, match="case 'Q9' is not in the log"):
        log.register("Q9", category="environment", origin="G1")
    log.append(CaseEvent("Q2", T0, "collected"))
    with pytest.raises(CaseLogError, match="case 'Q2': category must"):
        log.register("Q2", category="", origin="G1")
    log.open(Issue("Q3", "environment", "G2", T0), time=at(1))
    assert log.events_of("Q3")[0].time == at(1)


def test_conversions_round_trip() -> None:
    log = sample_log()
    columns = log.to_columns()
    assert columns["case"].tolist() == ["A", "B", "A", "A", "B", "A", "C"]
    assert columns["category"].tolist() == ["civil_assistance", None, "environment"]
    assert CaseLog.from_columns(columns) == log
    records = log.to_records()
    assert records[0] == {
        "case": "A",
        "time": "2024-05-06T09:00:00+00:00",
        "state": "collected",
        "actor": "gridder 1",
        "category": "civil_assistance",
        "origin": "G1",
    }
    import json

    assert CaseLog.from_records(json.loads(json.dumps(records))) == log
    assert pickle.loads(pickle.dumps(log)) == log
    assert CaseLog(list(log), cases={"A": ("civil_assistance", "G1")}) != log  # C unregistered
    assert CaseLog() == CaseLog()
    assert log != sample_events()


def test_equality_sees_strings_not_codes() -> None:
    a = CaseLog()
    a.append(CaseEvent("A", at(0), "collected", actor="x"))
    a.append(CaseEvent("B", at(0), "collected", actor="y"))
    b = CaseLog()
    b.extend({"case": ["A", "B"], "time": [at(0), at(0)], "state": [0, 0], "actor": ["x", "y"]})
    assert a == b
    c = CaseLog()
    c.extend({"case": ["A", "B"], "time": [at(0), at(0)], "state": [0, 0], "actor": ["x", "z"]})
    assert a != c


MALFORMED: list[tuple[Any, type[Exception], str]] = [
    ("not events", ArgumentTypeError, "must be CaseEvent records"),
    ([CaseEvent("A", T0, "collected"), {"case": "B"}], ArgumentTypeError, "at index 1"),
    ({"case": ["A"], "time": [T0]}, CaseLogError, "lack 'state'"),
    ({"case": ["A"], "time": [T0], "state": [0], "colour": [1]}, CaseLogError, "unknown keys"),
    ({"case": ["A", "B"], "time": [T0], "state": [0, 0]}, CaseLogError, "'time' has 1 values"),
    ({"case": ["A"], "time": [T0], "state": ["lost"]}, CaseLogError, "got 'lost'"),
    ({"case": ["A"], "time": [T0], "state": [13]}, CaseLogError, "from 0 to 12, got 13"),
    (
        {"case": ["A"], "time": [dt.datetime(2024, 5, 6)], "state": [0]},
        CaseLogError,
        "'time' holds naive datetimes: index 0",
    ),
    (
        {
            "case": ["A", "A"],
            "time": [T0, dt.datetime(2024, 5, 7)],
            "state": [0, 1],
        },
        CaseLogError,
        "mixes naive and aware datetimes: index 1",
    ),
    ({"case": ["A"], "time": np.array([1.5]), "state": [0]}, ArgumentTypeError, "got 1.5"),
    ({"case": ["A"], "time": ["2024-05-06"], "state": [0]}, ArgumentTypeError, "index 0"),
    ({"case": [" A"], "time": [T0], "state": [0]}, CaseLogError, "case at index 0"),
    ({"case": [["A"]], "time": [T0], "state": [0]}, ArgumentTypeError, "must be a string"),
    ({"case": "AB", "time": [T0], "state": [0]}, ArgumentTypeError, "sequence of case ids"),
    (
        {"case": ["A"], "time": np.array(["NaT"], dtype="datetime64[us]"), "state": [0]},
        CaseLogError,
        "a time is needed, got NaT",
    ),
    ({"case": ["A"], "time": [T0], "state": [0], "actor": [3]}, ArgumentTypeError, "actor"),
    ({"case": ["A"], "time": [T0], "state": [0], "due": [3.0]}, ArgumentTypeError, "due"),
]


@pytest.mark.parametrize(("batch", "error", "text"), MALFORMED)
def test_malformed_batches(batch: Any, error: type[Exception], text: str) -> None:
    log = sample_log()
    copy = pickle.loads(pickle.dumps(log))
    with pytest.raises(error, match=text) as info:
        log.extend(batch)
    assert isinstance(info.value, GridorgError)
    assert log == copy


def test_malformed_single_inputs() -> None:
    log = sample_log()
    with pytest.raises(ArgumentTypeError, match="append takes a CaseEvent, got"):
        log.append({"case": "A"})  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="open takes an Issue"):
        log.open("A")  # type: ignore[arg-type]
    with pytest.raises(CaseLogError, match="case 'nope' is not in the log"):
        log.events_of("nope")
    with pytest.raises(CaseLogError, match="case 'nope' is not in the log"):
        log.state_of("nope")
    with pytest.raises(ArgumentTypeError, match="at must be a timezone-aware"):
        log.state_of("A", dt.datetime(2024, 5, 6))
    with pytest.raises(IndexError, match="event position 99 is out of range for 7"):
        log[99]
    with pytest.raises(ArgumentTypeError, match="indexed by event position"):
        log["A"]  # type: ignore[call-overload]
    with pytest.raises(CaseLogError, match="record 0: unknown keys colour"):
        CaseLog.from_records([{"case": "A", "time": T0.isoformat(), "state": 0, "colour": 1}])
    with pytest.raises(CaseLogError, match="record 0: time must be an ISO 8601 time"):
        CaseLog.from_records([{"case": "A", "time": "yesterday", "state": "collected"}])
    with pytest.raises(RecordError, match="time must be timezone-aware"):
        CaseLog.from_records([{"case": "A", "time": "2024-05-06T09:00", "state": "collected"}])
    with pytest.raises(CaseLogError, match="column 'cases' must list the case ids"):
        CaseLog.from_columns({**log.to_columns(), "cases": np.array(["B", "A", "C"])})
