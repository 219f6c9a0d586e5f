"""Checking and converting the inputs of working-time calendars and deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gridorg._fields import describe
from gridorg.errors import InvalidArgumentError, Problem, RecordError
from gridorg.issue import aware_problem

#: Microseconds in a day, and in one microsecond as a timedelta.
US_PER_DAY: Final = 86_400_000_000
ONE_US: Final = dt.timedelta(microseconds=1)
#: The Unix epoch, as an aware UTC time and as a proleptic Gregorian ordinal.
EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
EPOCH_ORDINAL: Final = dt.date(1970, 1, 1).toordinal()
#: The longest run of days without working time a calendar may have.
MAX_IDLE_DAYS: Final = 366

Span = tuple[int, int]


def record_error(
    subject: str, field: str, message: str, code: str = "invalid_field"
) -> RecordError:
    """A :class:`RecordError` for one bad field of a calendar, deadlines or triage record."""
    problem = Problem(code, message, field=field, path=field)
    return RecordError([problem], subject=subject)


def nest(error: RecordError, subject: str, prefix: str) -> RecordError:
    """``error`` (about a nested record) restated for the enclosing record ``subject``, its
    problems' paths starting at ``prefix``."""
    problems = [
        Problem(
            p.code,
            f"{error.subject}: {p.message}",
            field=p.field,
            path=prefix if p.path is None else f"{prefix}.{p.path}",
        )
        for p in error.problems
    ]
    return RecordError(problems, subject=subject)


def to_us(name: str, value: object) -> int:
    """Microseconds since the Unix epoch of the aware datetime ``value`` (the argument
    ``name``)."""
    msg = aware_problem(name, value)
    if msg is not None or not isinstance(value, dt.datetime):
        raise InvalidArgumentError(msg)
    return (value - EPOCH) // ONE_US


def duration_us(name: str, value: object, *, positive: bool = False) -> int:
    """Microseconds of the non-negative (or, with ``positive``, positive) timedelta ``value``."""
    if not isinstance(value, dt.timedelta):
        msg = f"{name} must be a datetime.timedelta, got {describe(value)}"
        raise InvalidArgumentError(msg)
    us = value // ONE_US
    if us < 0 or (positive and us == 0):
        expected = "positive" if positive else "zero or positive"
        msg = f"{name} must be {expected}, got {value}"
        raise InvalidArgumentError(msg)
    return us


def parse_time(name: str, value: object, *, end: bool) -> int:
    """Microseconds after midnight of a time of day (a ``datetime.time`` or ``"HH:MM"``);
    an ``end`` may be midnight (``time(0)`` or ``"24:00"``), meaning the end of the day."""
    if isinstance(value, str):
        if end and value in ("24:00", "24:00:00"):
            return US_PER_DAY
        try:
            value = dt.time.fromisoformat(value)
        except ValueError:
            msg = f"{name} must be a time of day as 'HH:MM', got {value!r}"
            raise InvalidArgumentError(msg) from None
    if not isinstance(value, dt.time):
        msg = f"{name} must be a datetime.time or 'HH:MM', got {describe(value)}"
        raise InvalidArgumentError(msg)
    if value.tzinfo is not None:
        msg = f"{name} must be a time of day without a tzinfo (the calendar has one), got {value}"
        raise InvalidArgumentError(msg)
    us = ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond
    return US_PER_DAY if end and us == 0 else us


def format_time(us: int) -> str:
    """``"HH:MM"`` (or ``"HH:MM:SS"``, ``"HH:MM:SS.ffffff"``) for microseconds after midnight;
    the end of the day is ``"24:00"``."""
    if us == US_PER_DAY:
        return "24:00"
    seconds, micro = divmod(us, 1_000_000)
    minutes, sec = divmod(seconds, 60)
    text = f"{minutes // 60:02d}:{minutes % 60:02d}"
    if sec or micro:
        text += f":{sec:02d}"
    if micro:
        text += f".{micro:06d}"
    return text


def parse_hours(value: object) -> tuple[Span, ...]:
    """Working hours as ordered, non-overlapping (start, end) spans within a day."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"hours must be a sequence of (start, end) pairs, got {describe(value)}"
        raise InvalidArgumentError(msg)
    spans: list[Span] = []
    for i, pair in enumerate(value):
        if isinstance(pair, str | bytes) or not isinstance(pair, Iterable):
            msg = f"hours[{i}] must be a (start, end) pair, got {describe(pair)}"
            raise InvalidArgumentError(msg)
        items = list(pair)
        if len(items) != 2:
            msg = f"hours[{i}] must be a (start, end) pair, got {len(items)} items"
            raise InvalidArgumentError(msg)
        start = parse_time(f"hours[{i}] start", items[0], end=False)
        stop = parse_time(f"hours[{i}] end", items[1], end=True)
        if stop <= start:
            msg = (
                f"hours[{i}] must end after it starts, got {format_time(start)}–"
                f"{format_time(stop)}"
            )
            raise InvalidArgumentError(msg)
        if spans and start < spans[-1][1]:
            msg = (
                f"hours[{i}] ({format_time(start)}–{format_time(stop)}) must start at or after "
                f"the end of hours[{i - 1}] ({format_time(spans[-1][1])}): working hours are "
                "listed in order and do not overlap"
            )
            raise InvalidArgumentError(msg)
        spans.append((start, stop))
    if not spans:
        msg = "hours must list at least one (start, end) pair: a calendar needs working hours"
        raise InvalidArgumentError(msg)
    return tuple(spans)


def parse_days(value: object) -> tuple[int, ...]:
    """Working days of the week (Monday 0 … Sunday 6), sorted and distinct."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = (
            "days must be a collection of weekdays 0 (Monday) to 6 (Sunday), "
            f"got {describe(value)}"
        )
        raise InvalidArgumentError(msg)
    days: set[int] = set()
    for day in value:
        if type(day) is not int or not 0 <= day <= 6:
            msg = f"days must hold weekdays 0 (Monday) to 6 (Sunday), got {describe(day)}"
            raise InvalidArgumentError(msg)
        days.add(day)
    if not days:
        msg = "days must name at least one weekday: an empty working week has no working time"
        raise InvalidArgumentError(msg)
    return tuple(sorted(days))


def parse_dates(name: str, value: object) -> frozenset[dt.date]:
    """A set of calendar dates (``datetime.date`` or ISO ``"YYYY-MM-DD"`` strings)."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"{name} must be a collection of dates, got {describe(value)}"
        raise InvalidArgumentError(msg)
    out: set[dt.date] = set()
    for item in value:
        day = item
        if isinstance(item, str):
            try:
                day = dt.date.fromisoformat(item)
            except ValueError:
                msg = f"{name} must hold ISO dates 'YYYY-MM-DD', got {item!r}"
                raise InvalidArgumentError(msg) from None
        if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
            msg = f"{name} must hold datetime.date values, got {describe(item)}"
            raise InvalidArgumentError(msg)
        out.add(day)
    return frozenset(out)


def parse_tz(value: object) -> dt.tzinfo:
    """A time zone: a ``tzinfo``, an IANA key (``"Asia/Shanghai"``) or an offset (``"+08:00"``)."""
    if isinstance(value, str):
        if value == "UTC":
            return dt.UTC
        if value and value[0] in "+-":
            try:
                offset = dt.datetime.strptime(value, "%z").utcoffset()
            except ValueError:
                offset = None
            if offset is not None:
                return dt.timezone(offset)
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            msg = f"tz must be an IANA time zone such as 'Asia/Shanghai', got {value!r}"
            raise InvalidArgumentError(msg) from None
    if not isinstance(value, dt.tzinfo):
        msg = f"tz must be a tzinfo or an IANA time zone name, got {describe(value)}"
        raise InvalidArgumentError(msg)
    return value


def format_tz(tz: dt.tzinfo) -> str:
    """The name a record gives a time zone (an IANA key, ``"UTC"`` or ``"+HH:MM"``)."""
    if isinstance(tz, ZoneInfo):
        return tz.key
    if isinstance(tz, dt.timezone):
        offset = tz.utcoffset(None)
        if offset == dt.timedelta(0):
            return "UTC"
        sign = "-" if offset < dt.timedelta(0) else "+"
        minutes = abs(offset) // dt.timedelta(minutes=1)
        return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    msg = f"a calendar record can name a ZoneInfo or a fixed offset, not {describe(tz)}"
    raise InvalidArgumentError(msg)


def check_keys(subject: str, record: object, known: Iterable[str]) -> Mapping[str, Any]:
    """``record`` as a mapping naming only ``known`` keys, else a :class:`RecordError`."""
    if not isinstance(record, Mapping):
        msg = f"a {subject} record must be a mapping, got {describe(record)}"
        raise record_error(subject, subject, msg)
    allowed = set(known)
    unknown = sorted(str(key) for key in record if key not in allowed)
    if unknown:
        listed = ", ".join(map(repr, unknown))
        msg = f"unknown fields {listed}; fields are {', '.join(sorted(allowed))}"
        raise record_error(subject, unknown[0], msg, code="unknown_field")
    return record


def seconds_of(subject: str, field: str, value: object) -> dt.timedelta:
    """A duration from a record: a number of seconds."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{field} must be a number of seconds, got {describe(value)}"
        raise record_error(subject, field, msg)
    try:
        return dt.timedelta(seconds=value)
    except (OverflowError, ValueError):
        msg = f"{field} must be a finite number of seconds, got {value!r}"
        raise record_error(subject, field, msg) from None


def seconds(value: dt.timedelta) -> int | float:
    """A duration for a record: whole seconds as an int, otherwise a float."""
    us = value // ONE_US
    whole, rest = divmod(us, 1_000_000)
    return whole if rest == 0 else us / 1_000_000
