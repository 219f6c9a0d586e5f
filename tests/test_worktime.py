"""Tests for working-time calendars and deadlines."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridorg.errors import InvalidArgumentError, RecordError
from gridorg.triage import Deadlines
from gridorg.worktime import ALWAYS, SHANGHAI, WorkingCalendar

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)

#: The 2024 National Day arrangement: 1–7 October off, Sunday 29 September and Saturday
#: 12 October worked.
NATIONAL_DAY = WorkingCalendar(
    holidays=[dt.date(2024, 10, d) for d in range(1, 8)],
    workdays=[dt.date(2024, 9, 29), dt.date(2024, 10, 12)],
)


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, tz: dt.tzinfo = SHANGHAI
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=tz)


def us(when: dt.datetime) -> int:
    return (when - EPOCH) // dt.timedelta(microseconds=1)


# -- worked examples ----------------------------------------------------------------------------


def test_friday_evening_plus_an_hour_is_monday_morning() -> None:
    cal = WorkingCalendar()
    assert cal.add(at(2024, 5, 10, 17), H) == at(2024, 5, 13, 9, 30)


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (at(2024, 5, 6, 12, 30), H, at(2024, 5, 6, 14, 30)),  # lunch break
        (at(2024, 5, 6, 8, 0), 30 * M, at(2024, 5, 6, 9, 30)),  # before opening
        (at(2024, 5, 10, 17, 0), 30 * M, at(2024, 5, 10, 17, 30)),  # ends at closing
        (at(2024, 5, 11, 10, 0), H, at(2024, 5, 13, 10, 0)),  # Saturday
        (at(2024, 5, 6, 11, 0), 2 * H, at(2024, 5, 6, 14, 30)),  # across lunch
        (at(2024, 5, 6, 9, 0), 105 * H, at(2024, 5, 24, 17, 30)),  # three 35-hour weeks
    ],
)
def test_add_examples(start: dt.datetime, duration: dt.timedelta, expected: dt.datetime) -> None:
    result = WorkingCalendar().add(start, duration)
    assert result == expected
    assert result.tzinfo is SHANGHAI


def test_zero_duration_returns_the_start_even_off_hours() -> None:
    saturday = at(2024, 5, 11, 22, 15, tz=UTC)
    result = WorkingCalendar().add(saturday, dt.timedelta(0))
    assert result == saturday
    assert result.utcoffset() == dt.timedelta(hours=8)


def test_holidays_are_skipped() -> None:
    assert NATIONAL_DAY.add(at(2024, 9, 30, 17), H) == at(2024, 10, 8, 9, 30)
    assert NATIONAL_DAY.between(at(2024, 9, 30, 17), at(2024, 10, 8, 9, 30)) == H
    assert not NATIONAL_DAY.is_working_day(dt.date(2024, 10, 2))


def test_make_up_days_are_worked() -> None:
    assert NATIONAL_DAY.add(at(2024, 9, 27, 17), H) == at(2024, 9, 29, 9, 30)
    assert NATIONAL_DAY.add(at(2024, 10, 11, 17), H) == at(2024, 10, 12, 9, 30)
    assert NATIONAL_DAY.is_working_day(dt.date(2024, 10, 12))
    assert not WorkingCalendar().is_working_day(dt.date(2024, 10, 12))


def test_between_examples() -> None:
    cal = WorkingCalendar()
    assert cal.between(at(2024, 5, 10, 17), at(2024, 5, 13, 10)) == 90 * M
    assert cal.between(at(2024, 5, 6), at(2024, 5, 13)) == 35 * H
    assert cal.between(at(2024, 5, 13), at(2024, 5, 6)) == dt.timedelta(0)


def test_daylight_saving_day_counts_real_time() -> None:
    # Berlin springs forward at 02:00 on Sunday 31 March 2024: 00:00–04:00 is three hours.
    cal = WorkingCalendar(days=[6], hours=[("00:00", "04:00")], tz=BERLIN)
    start = at(2024, 3, 31, 0, tz=BERLIN)
    assert cal.between(start, at(2024, 3, 31, 5, tz=BERLIN)) == 3 * H
    assert cal.add(start, 3 * H) == at(2024, 3, 31, 4, tz=BERLIN)
    assert cal.add(start, 4 * H) == at(2024, 4, 7, 1, tz=BERLIN)
    many = cal.add_many(np.array([us(start)]), 4 * H)
    assert many.tolist() == [us(at(2024, 4, 7, 1, tz=BERLIN))]


def test_always_is_plain_addition() -> None:
    start = at(2024, 5, 11, 23, 50, tz=UTC)
    assert ALWAYS.round_the_clock
    assert ALWAYS.add(start, 30 * H) == start + 30 * H
    assert ALWAYS.between(start, start + 30 * H) == 30 * H
    assert ALWAYS.add_many(np.array([0, 5]), H).tolist() == [3_600_000_000, 3_600_000_005]
    assert repr(ALWAYS) == "ALWAYS"


def test_add_many_with_a_duration_per_start() -> None:
    cal = WorkingCalendar()
    starts = np.array([us(at(2024, 5, 10, 17)), us(at(2024, 5, 6, 8))])
    result = cal.add_many(starts, np.array([3_600_000_000, 0]))
    assert result.tolist() == [us(at(2024, 5, 13, 9, 30)), starts[1]]
    assert cal.add_many(np.empty(0, dtype=np.int64), H).shape == (0,)


# -- properties ---------------------------------------------------------------------------------

TZS = (SHANGHAI, UTC, BERLIN)
WINDOW = (dt.date(2024, 1, 1), dt.date(2025, 6, 30))


@st.composite
def calendars(draw: st.DrawFn, *, tzs: tuple[dt.tzinfo, ...] = TZS) -> WorkingCalendar:
    """Calendars with 1–3 working periods on a quarter-hour grid and a few special dates;
    shrinks towards fewer periods and special dates."""
    marks = draw(st.lists(st.integers(0, 96), min_size=2, max_size=6, unique=True))
    marks.sort()
    if len(marks) % 2:
        marks.pop()
    quarter = dt.timedelta(minutes=15)

    def time(k: int) -> str:
        minutes = (k * quarter) // M
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    hours = [(time(a), time(b)) for a, b in zip(marks[::2], marks[1::2], strict=True)]
    days = draw(st.sets(st.integers(0, 6), min_size=1))
    dates = draw(st.lists(st.dates(*WINDOW), max_size=8, unique=True))
    cut = draw(st.integers(0, len(dates)))
    return WorkingCalendar(
        days=days,
        hours=hours,
        holidays=dates[:cut],
        workdays=dates[cut:],
        tz=draw(st.sampled_from(tzs)),
    )


starts = st.datetimes(
    dt.datetime(2024, 1, 1), dt.datetime(2025, 1, 1), timezones=st.sampled_from(TZS)
)
durations = st.integers(0, 30 * 24 * 60).map(lambda m: m * M)
fine_durations = st.integers(0, 10**12).map(lambda u: dt.timedelta(microseconds=u))


@given(calendars(), starts, st.one_of(durations, fine_durations))
def test_between_undoes_add(cal: WorkingCalendar, start: dt.datetime, d: dt.timedelta) -> None:
    end = cal.add(start, d)
    assert end >= start
    assert cal.between(start, end) == d
    assert end.tzinfo is cal.tz


@given(calendars(), starts, starts, durations, durations)
def test_add_is_monotone(
    cal: WorkingCalendar, a: dt.datetime, b: dt.datetime, d: dt.timedelta, e: dt.timedelta
) -> None:
    a, b = sorted((a, b))
    d, e = sorted((d, e))
    assert cal.add(a, d) <= cal.add(b, d)
    assert cal.add(a, d) <= cal.add(a, e)


@given(calendars(), st.lists(starts, min_size=1, max_size=8), st.lists(durations, min_size=8))
def test_add_many_equals_add(
    cal: WorkingCalendar, times: list[dt.datetime], spans: list[dt.timedelta]
) -> None:
    spans = spans[: len(times)]
    expected = [us(cal.add(t, d)) for t, d in zip(times, spans, strict=True)]
    micro = np.array([us(t) for t in times], dtype=np.int64)
    each = np.array([d // dt.timedelta(microseconds=1) for d in spans], dtype=np.int64)
    assert cal.add_many(micro, each).tolist() == expected
    assert cal.add_many(micro, spans[0]).tolist() == [us(cal.add(t, spans[0])) for t in times]


@given(
    calendars(tzs=(SHANGHAI, UTC)),
    st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2025, 1, 1)),
    st.integers(0, 6 * 24 * 60),
)
def test_between_matches_minute_by_minute_count(
    cal: WorkingCalendar, naive: dt.datetime, minutes: int
) -> None:
    start = naive.replace(second=0, microsecond=0, tzinfo=cal.tz)
    hours = [(a, b if b != dt.time(0) else None) for a, b in cal.hours]
    worked = 0
    for k in range(minutes):
        moment = start + k * M
        if not cal.is_working_day(moment.date()):
            continue
        clock = moment.time()
        worked += any(a <= clock and (b is None or clock < b) for a, b in hours)
    assert cal.between(start, start + minutes * M) == worked * M


@given(calendars())
def test_calendar_record_round_trip(cal: WorkingCalendar) -> None:
    record = json.loads(json.dumps(cal.to_record()))
    again = WorkingCalendar.from_record(record)
    assert again == cal
    assert hash(again) == hash(cal)
    assert again.hours == cal.hours


@given(
    st.integers(1, 10**9).map(lambda s: dt.timedelta(microseconds=s)),
    st.integers(0, 10**9).map(lambda s: dt.timedelta(microseconds=s)),
    st.sampled_from([ALWAYS, WorkingCalendar(), NATIONAL_DAY]),
)
def test_deadlines_record_round_trip(
    response: dt.timedelta, extra: dt.timedelta, cal: WorkingCalendar
) -> None:
    limits = Deadlines(response, response + extra, calendar=cal)
    record = json.loads(json.dumps(limits.to_record()))
    assert Deadlines.from_record(record) == limits


def test_deadlines_due() -> None:
    limits = Deadlines(30 * M, 24 * H, calendar=WorkingCalendar())
    response, resolution = limits.due(at(2024, 5, 10, 17, 15))
    assert response == at(2024, 5, 13, 9, 15)
    assert resolution == at(2024, 5, 16, 11, 45)  # 15 min + 3 × 7 h + 2 h 45
    many = limits.due_many(np.array([us(at(2024, 5, 10, 17, 15))]))
    assert [m.tolist() for m in many] == [[us(response)], [us(resolution)]]
    assert limits.to_record()["response"] == 1800


def test_fixed_offset_time_zone_round_trips() -> None:
    cal = WorkingCalendar(tz="+05:30")
    assert cal.to_record()["tz"] == "+05:30"
    assert WorkingCalendar.from_record(cal.to_record()) == cal
    assert cal.add(at(2024, 5, 6, 9, tz=UTC), H).isoformat() == "2024-05-06T15:30:00+05:30"


# -- malformed input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"days": []}, "empty working week"),
        ({"days": [7]}, r"weekdays 0 \(Monday\) to 6 \(Sunday\), got 7"),
        ({"days": "01234"}, "collection of weekdays"),
        ({"hours": []}, "at least one"),
        ({"hours": [("12:00", "09:00")]}, r"hours\[0\] must end after it starts, got 12:00–09:00"),
        ({"hours": [("09:00", "12:00"), ("11:00", "13:00")]}, r"hours\[1\] .* do not overlap"),
        ({"hours": [("9am", "12:00")]}, r"hours\[0\] start must be a time of day"),
        ({"hours": [("09:00",)]}, r"hours\[0\] must be a \(start, end\) pair, got 1 items"),
        ({"holidays": ["2024-13-01"]}, "ISO dates"),
        ({"holidays": [dt.datetime(2024, 1, 1)]}, "datetime.date values"),
        ({"tz": "Mars/Olympus"}, "IANA time zone"),
        (
            {"holidays": ["2024-10-12"], "workdays": ["2024-10-12"]},
            "2024-10-12 is both a holiday and a make-up working day",
        ),
        (
            {"holidays": [dt.date(2024, 1, 1) + dt.timedelta(days=k) for k in range(400)]},
            "no working time for more than 366 days",
        ),
    ],
)
def test_malformed_calendars(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        WorkingCalendar(**kwargs)  # type: ignore[arg-type]


def test_naive_times_are_refused() -> None:
    cal = WorkingCalendar()
    with pytest.raises(InvalidArgumentError, match="start must be timezone-aware"):
        cal.add(dt.datetime(2024, 5, 6, 9), H)
    with pytest.raises(InvalidArgumentError, match="end must be timezone-aware"):
        cal.between(at(2024, 5, 6), dt.datetime(2024, 5, 7))
    with pytest.raises(InvalidArgumentError, match="start must be timezone-aware"):
        Deadlines(H, 2 * H).due(dt.datetime(2024, 5, 6, 9))


def test_bad_durations_are_refused() -> None:
    cal = WorkingCalendar()
    with pytest.raises(InvalidArgumentError, match="duration must be zero or positive, got -1"):
        cal.add(at(2024, 5, 6), -H)
    with pytest.raises(InvalidArgumentError, match=r"duration must be a datetime\.timedelta"):
        cal.add(at(2024, 5, 6), 3600)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="starts_us must be an array of integers"):
        cal.add_many(np.array([1.5]), H)
    with pytest.raises(InvalidArgumentError, match=r"one value per start: \(2,\) starts"):
        cal.add_many(np.array([1, 2]), np.array([1, 2, 3]))


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((dt.timedelta(0), H), "response must be positive, got 0:00:00"),
        ((H, -H), "resolution must be positive"),
        ((2 * H, H), r"response \(2:00:00\) must not be longer than resolution \(1:00:00\)"),
        ((1800, H), "response must be a datetime.timedelta, got 1800"),
    ],
)
def test_malformed_deadlines(args: tuple[object, object], match: str) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        Deadlines(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("record", "field", "match"),
    [
        ({"days": [0], "colour": "red"}, "colour", "unknown fields 'colour'"),
        ({"hours": [["09:00", "25:00"]]}, "hours", r"hours\[0\] end must be a time of day"),
        ({"tz": 8}, "tz", "tz must be a tzinfo"),
        (["days"], "calendar", "must be a mapping"),
    ],
)
def test_malformed_calendar_records(record: object, field: str, match: str) -> None:
    with pytest.raises(RecordError, match=match) as info:
        WorkingCalendar.from_record(record)  # type: ignore[arg-type]
    assert info.value.problems[0].field == field


def test_malformed_deadline_records() -> None:
    with pytest.raises(RecordError, match="response is required") as info:
        Deadlines.from_record({"resolution": 60})
    assert info.value.problems[0].code == "missing_field"
    with pytest.raises(RecordError, match="resolution must be a number of seconds, got '1d'"):
        Deadlines.from_record({"response": 60, "resolution": "1d"})
    with pytest.raises(RecordError, match="must not be longer than resolution"):
        Deadlines.from_record({"response": 600, "resolution": 60})
