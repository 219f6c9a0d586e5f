"""Working-time calendars: deadlines that count only working hours on working days.

A :class:`WorkingCalendar` says when the organisation works: the days of the week, the hours
of a working day, public holidays (节假日) and make-up working days (调休, a weekend day worked
in exchange for a bridge holiday), in a time zone. :meth:`WorkingCalendar.add` answers "when has
this much working time elapsed?" and :meth:`WorkingCalendar.between` "how much working time lies
between these two instants?". :data:`ALWAYS` is the round-the-clock calendar, under which a
deadline is plain addition. :class:`~gridorg.Deadlines` pairs a response and a resolution
time limit with a calendar.

>>> import datetime as dt
>>> cal = WorkingCalendar()
>>> friday = dt.datetime(2024, 5, 10, 17, 0, tzinfo=cal.tz)
>>> cal.add(friday, dt.timedelta(hours=1)).isoformat()
'2024-05-13T09:30:00+08:00'
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Final
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gridorg import _worktime_input as wi
from gridorg._fields import describe
from gridorg._worktime_input import EPOCH, EPOCH_ORDINAL, MAX_IDLE_DAYS, ONE_US, US_PER_DAY
from gridorg.errors import InvalidArgumentError

__all__ = ["ALWAYS", "SHANGHAI", "WorkingCalendar"]

#: China Standard Time, the default time zone of calendars.
SHANGHAI: Final = ZoneInfo("Asia/Shanghai")
#: How many days' working periods a calendar keeps computed.
_CACHE_SIZE: Final = 8192
_RECORD_FIELDS: Final = ("days", "hours", "holidays", "workdays", "tz")


class WorkingCalendar:
    """When an organisation works: weekdays, daily hours, holidays and make-up days, in a zone.

    ``days`` are weekdays (Monday 0 … Sunday 6); ``hours`` ordered, non-overlapping (start,
    end) pairs of ``datetime.time`` or ``"HH:MM"`` (an end of ``time(0)`` or ``"24:00"`` is
    midnight); ``holidays`` dates that are not worked although their weekday is; ``workdays``
    make-up working days (调休) worked although their weekday is not. Working time is real
    elapsed time inside the working hours of working days, read in the time zone ``tz``.
    Results are aware datetimes in ``tz``.
    """

    __slots__ = (
        "_always",
        "_cache",
        "_day_total",
        "_days",
        "_fixed",
        "_hol",
        "_holidays",
        "_spans",
        "_special",
        "_tz",
        "_week",
        "_weeks",
        "_work",
        "_workdays",
    )

    def __init__(
        self,
        *,
        days: Iterable[int] = (0, 1, 2, 3, 4),
        hours: Iterable[tuple[dt.time | str, dt.time | str]] = (
            (dt.time(9), dt.time(12)),
            (dt.time(13, 30), dt.time(17, 30)),
        ),
        holidays: Iterable[dt.date | str] = frozenset(),
        workdays: Iterable[dt.date | str] = frozenset(),
        tz: dt.tzinfo | str = SHANGHAI,
    ) -> None:
        self._days = wi.parse_days(days)
        self._spans = wi.parse_hours(hours)
        self._holidays = wi.parse_dates("holidays", holidays)
        self._workdays = wi.parse_dates("workdays", workdays)
        self._tz = wi.parse_tz(tz)
        both = sorted(self._holidays & self._workdays)
        if both:
            msg = (
                f"{both[0].isoformat()} is both a holiday and a make-up working day; "
                "a date can be only one of them"
            )
            raise InvalidArgumentError(msg)
        self._hol = frozenset(day.toordinal() for day in self._holidays)
        self._work = frozenset(day.toordinal() for day in self._workdays)
        self._special = sorted(self._hol | self._work)
        self._day_total = sum(end - start for start, end in self._spans)
        self._week = self._day_total * len(self._days)
        self._always = (
            len(self._days) == 7 and self._spans == ((0, US_PER_DAY),) and not self._holidays
        )
        fixed = self._tz.utcoffset(None) if isinstance(self._tz, dt.timezone) else None
        self._fixed = None if fixed is None else fixed // ONE_US
        self._cache: dict[int, tuple[tuple[int, int], ...]] = {}
        self._weeks: dict[int, bool] = {}
        self._check_idle()

    # -- the calendar ------------------------------------------------------------------------

    @property
    def days(self) -> tuple[int, ...]:
        """The working weekdays, Monday 0 … Sunday 6."""
        return self._days

    @property
    def hours(self) -> tuple[tuple[dt.time, dt.time], ...]:
        """The working hours of a working day; an end of ``time(0)`` is midnight."""

        def at(us: int) -> dt.time:
            return (dt.datetime.min + dt.timedelta(microseconds=us % US_PER_DAY)).time()

        return tuple((at(start), at(end)) for start, end in self._spans)

    @property
    def holidays(self) -> frozenset[dt.date]:
        """Dates not worked although their weekday is a working day (节假日)."""
        return self._holidays

    @property
    def workdays(self) -> frozenset[dt.date]:
        """Make-up working days (调休): worked although their weekday is not a working day."""
        return self._workdays

    @property
    def tz(self) -> dt.tzinfo:
        """The time zone working hours are read in, and results are given in."""
        return self._tz

    @property
    def round_the_clock(self) -> bool:
        """Whether every moment is working time (deadlines are then plain addition)."""
        return self._always

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day: a working weekday that is not a holiday, or a
        make-up working day."""
        if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
            msg = f"day must be a datetime.date, got {describe(day)}"
            raise InvalidArgumentError(msg)
        return self._is_working(day.toordinal())

    # -- working time ------------------------------------------------------------------------

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The instant when ``duration`` of working time has elapsed from ``start``.

        A start outside working hours begins counting at the next working period; a zero
        duration gives ``start`` itself (in this calendar's time zone).
        """
        begin = wi.to_us("start", start)
        return self._datetime(self._add_us(begin, wi.duration_us("duration", duration)))

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """The working time in ``[start, end)``; zero when ``end`` is not after ``start``."""
        lo = wi.to_us("start", start)
        hi = wi.to_us("end", end)
        return dt.timedelta(microseconds=self._between_us(lo, hi))

    def add_many(
        self, starts_us: ArrayLike, duration: dt.timedelta | ArrayLike
    ) -> NDArray[np.int64]:
        """:meth:`add` for many starts at once, as int64 microseconds since the epoch (UTC).

        ``duration`` is one ``timedelta`` or an int64 array of microseconds, one per start.
        Element ``i`` equals ``add(start_i, duration_i)`` in microseconds.
        """
        from gridorg._worktime_many import add_many

        return add_many(self, starts_us, duration)

    def _datetime(self, us: int) -> dt.datetime:
        return (EPOCH + dt.timedelta(microseconds=us)).astimezone(self._tz)

    def _is_working(self, ordinal: int) -> bool:
        if ordinal in self._work:
            return True
        return (ordinal + 6) % 7 in self._days and ordinal not in self._hol

    def _offset(self, ordinal: int, us: int) -> int:
        if self._fixed is not None:
            return self._fixed
        day, rest = divmod(us, US_PER_DAY)
        local = dt.datetime.combine(
            dt.date.fromordinal(ordinal + day), dt.time(), tzinfo=self._tz
        ) + dt.timedelta(microseconds=rest)
        offset = local.utcoffset()
        return 0 if offset is None else offset // ONE_US

    def _periods(self, ordinal: int) -> tuple[tuple[int, int], ...]:
        """The working periods of a local date, as ascending UTC microsecond spans."""
        cached = self._cache.get(ordinal)
        if cached is not None:
            return cached
        periods: list[tuple[int, int]] = []
        if self._is_working(ordinal):
            base = (ordinal - EPOCH_ORDINAL) * US_PER_DAY
            floor = None
            for start, end in self._spans:
                lo = base + start - self._offset(ordinal, start)
                hi = base + end - self._offset(ordinal, end)
                if floor is not None and lo < floor:  # a boundary in a daylight-saving gap
                    lo = floor
                hi = max(hi, lo)
                periods.append((lo, hi))
                floor = hi
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        result = self._cache[ordinal] = tuple(periods)
        return result

    def _ordinal(self, us: int) -> int:
        """The local date (as an ordinal) of an instant."""
        if self._fixed is not None:
            return (us + self._fixed) // US_PER_DAY + EPOCH_ORDINAL
        return self._datetime(us).toordinal()

    def _regular_week(self, ordinal: int) -> bool:
        """Whether the seven days from ``ordinal`` hold exactly one nominal week of work."""
        known = self._weeks.get(ordinal)
        if known is not None:
            return known
        i = bisect.bisect_left(self._special, ordinal)
        regular = (i == len(self._special) or self._special[i] >= ordinal + 7) and (
            self._fixed is not None or self._offset(ordinal, 0) == self._offset(ordinal + 7, 0)
        )
        if len(self._weeks) >= _CACHE_SIZE:
            self._weeks.clear()
        self._weeks[ordinal] = regular
        return regular

    def _add_us(self, start: int, duration: int) -> int:
        if duration == 0 or self._always:
            return start + duration
        ordinal = self._ordinal(start)
        remaining = duration
        first = True
        idle = 0
        while True:
            if not first and remaining > self._week and self._regular_week(ordinal):
                remaining -= self._week
                ordinal += 7
                continue
            first = False
            for lo, hi in self._periods(ordinal):
                if hi <= start:
                    continue
                begin = max(lo, start)
                if remaining <= hi - begin:
                    return begin + remaining
                remaining -= hi - begin
                idle = -1
            idle += 1
            if idle > MAX_IDLE_DAYS:  # pragma: no cover - refused on construction
                msg = f"no working time within {MAX_IDLE_DAYS} days of {self._datetime(start)}"
                raise InvalidArgumentError(msg)
            ordinal += 1

    def _between_us(self, start: int, end: int) -> int:
        if end <= start:
            return 0
        if self._always:
            return end - start
        ordinal = self._ordinal(start)
        last = self._ordinal(end)
        total = 0
        first = True
        while ordinal <= last:
            if not first and ordinal + 7 <= last and self._regular_week(ordinal):
                total += self._week
                ordinal += 7
                continue
            first = False
            for lo, hi in self._periods(ordinal):
                overlap = min(hi, end) - max(lo, start)
                if overlap > 0:
                    total += overlap
            ordinal += 1
        return total

    def _check_idle(self) -> None:
        """Refuse a calendar with a long run of days without working time (a run longer than a
        week lies within a week of a holiday, so only those days are looked at)."""
        near = sorted({h + k for h in self._hol for k in range(-7, 8)})
        run = 0
        previous = None
        for ordinal in near:
            if previous is not None and ordinal != previous + 1:
                run = 0
            previous = ordinal
            run = 0 if self._is_working(ordinal) else run + 1
            if run > MAX_IDLE_DAYS:
                day = dt.date.fromordinal(ordinal - run + 1).isoformat()
                msg = (
                    f"the calendar has no working time for more than {MAX_IDLE_DAYS} days "
                    f"from {day}; expected working days at least once a year"
                )
                raise InvalidArgumentError(msg)

    # -- records and values ------------------------------------------------------------------

    def to_record(self) -> dict[str, Any]:
        """This calendar as a JSON-compatible mapping: weekdays, ``"HH:MM"`` hours, ISO
        dates and the time zone's name."""
        return {
            "days": list(self._days),
            "hours": [[wi.format_time(lo), wi.format_time(hi)] for lo, hi in self._spans],
            "holidays": sorted(day.isoformat() for day in self._holidays),
            "workdays": sorted(day.isoformat() for day in self._workdays),
            "tz": wi.format_tz(self._tz),
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any] | WorkingCalendar) -> WorkingCalendar:
        """A calendar from a mapping as :meth:`to_record` writes it (missing fields take the
        defaults); a bad field raises :class:`~gridorg.RecordError`."""
        if isinstance(record, WorkingCalendar):
            return record
        fields = wi.check_keys("calendar", record, _RECORD_FIELDS)
        try:
            return cls(**fields)
        except InvalidArgumentError as error:
            field = next((name for name in _RECORD_FIELDS if str(error).startswith(name)), "")
            subject = "calendar"
            raise wi.record_error(subject, field or subject, str(error)) from None

    def _key(self) -> tuple[object, ...]:
        tz = self._tz.key if isinstance(self._tz, ZoneInfo) else self._tz
        return (self._days, self._spans, self._holidays, self._workdays, tz)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkingCalendar):
            return NotImplemented
        return self is other or self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        if self == ALWAYS:
            return "ALWAYS"
        record = self.to_record()
        parts = [f"days={tuple(self._days)!r}", f"hours={record['hours']!r}"]
        if self._holidays:
            parts.append(f"holidays={len(self._holidays)}")
        if self._workdays:
            parts.append(f"workdays={len(self._workdays)}")
        parts.append(f"tz={record['tz']!r}")
        return f"WorkingCalendar({', '.join(parts)})"


#: The round-the-clock calendar: every moment is working time (China Standard Time).
ALWAYS: Final = WorkingCalendar(days=range(7), hours=(("00:00", "24:00"),))
