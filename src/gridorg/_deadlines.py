"""Response and resolution time limits, counted on a working-time calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gridorg import _worktime_input as wi
from gridorg._fields import describe
from gridorg.errors import InvalidArgumentError, RecordError
from gridorg.worktime import ALWAYS, WorkingCalendar

__all__ = ["Deadlines"]


def check_calendar(value: object) -> WorkingCalendar:
    """``value`` if it is a :class:`WorkingCalendar`."""
    if not isinstance(value, WorkingCalendar):
        msg = f"calendar must be a WorkingCalendar, got {describe(value)}"
        raise InvalidArgumentError(msg)
    return value


class Deadlines:
    """A response and a resolution time limit, counted on a working-time calendar.

    ``response`` is how soon a handler must take the matter up (响应时限), ``resolution`` how
    soon it must be resolved (办结时限); both positive, the response no longer than the
    resolution. Both count working time on ``calendar`` (:data:`~gridorg.worktime.ALWAYS`:
    plain elapsed time).

    >>> import datetime as dt
    >>> limits = Deadlines(dt.timedelta(minutes=30), dt.timedelta(hours=24))
    >>> start = dt.datetime(2024, 5, 10, 17, 0, tzinfo=dt.timezone.utc)
    >>> [t.isoformat() for t in limits.due(start)]
    ['2024-05-11T01:30:00+08:00', '2024-05-12T01:00:00+08:00']
    """

    __slots__ = ("_calendar", "_resolution", "_resolution_us", "_response", "_response_us")

    def __init__(
        self,
        response: dt.timedelta,
        resolution: dt.timedelta,
        *,
        calendar: WorkingCalendar = ALWAYS,
    ) -> None:
        self._response_us = wi.duration_us("response", response, positive=True)
        self._resolution_us = wi.duration_us("resolution", resolution, positive=True)
        if self._response_us > self._resolution_us:
            msg = (
                f"response ({response}) must not be longer than resolution ({resolution}): a "
                "matter is taken up before it is resolved"
            )
            raise InvalidArgumentError(msg)
        self._calendar = check_calendar(calendar)
        self._response = response
        self._resolution = resolution

    @property
    def response(self) -> dt.timedelta:
        """How soon a handler must take the matter up."""
        return self._response

    @property
    def resolution(self) -> dt.timedelta:
        """How soon the matter must be resolved."""
        return self._resolution

    @property
    def calendar(self) -> WorkingCalendar:
        """The calendar both limits count working time on."""
        return self._calendar

    def due(self, start: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """The response and resolution deadlines of a matter started at ``start``."""
        begin = wi.to_us("start", start)
        calendar = self._calendar
        return (
            calendar._datetime(calendar._add_us(begin, self._response_us)),
            calendar._datetime(calendar._add_us(begin, self._resolution_us)),
        )

    def due_many(self, starts_us: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """:meth:`due` for many starts given as int64 microseconds since the epoch (UTC)."""
        response = dt.timedelta(microseconds=self._response_us)
        resolution = dt.timedelta(microseconds=self._resolution_us)
        return (
            self._calendar.add_many(starts_us, response),
            self._calendar.add_many(starts_us, resolution),
        )

    def to_record(self, *, calendar: WorkingCalendar | None = ALWAYS) -> dict[str, Any]:
        """These limits as a JSON-compatible mapping: durations in seconds (an int when
        whole), and the calendar unless it is ``calendar`` (by default :data:`ALWAYS`)."""
        record: dict[str, Any] = {
            "response": wi.seconds(self._response),
            "resolution": wi.seconds(self._resolution),
        }
        if self._calendar != calendar:
            record["calendar"] = self._calendar.to_record()
        return record

    @classmethod
    def from_record(
        cls,
        record: Mapping[str, Any] | Deadlines,
        *,
        calendar: WorkingCalendar = ALWAYS,
        subject: str = "deadlines",
    ) -> Deadlines:
        """Limits from a mapping as :meth:`to_record` writes it; without a ``"calendar"`` the
        limits count on ``calendar``. A bad field raises :class:`~gridorg.RecordError`."""
        if isinstance(record, Deadlines):
            return record
        fields = wi.check_keys(subject, record, ("response", "resolution", "calendar"))
        for name in ("response", "resolution"):
            if name not in fields:
                msg = f"{name} is required (a number of seconds)"
                raise wi.record_error(subject, name, msg, code="missing_field")
        response = wi.seconds_of(subject, "response", fields["response"])
        resolution = wi.seconds_of(subject, "resolution", fields["resolution"])
        if "calendar" in fields:
            try:
                calendar = WorkingCalendar.from_record(fields["calendar"])
            except RecordError as error:
                raise wi.nest(error, subject, "calendar") from None
        try:
            return cls(response, resolution, calendar=calendar)
        except InvalidArgumentError as error:
            field = "response" if str(error).startswith("response") else "resolution"
            raise wi.record_error(subject, field, str(error)) from None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Deadlines):
            return NotImplemented
        return (self._response_us, self._resolution_us, self._calendar) == (
            other._response_us,
            other._resolution_us,
            other._calendar,
        )

    def __hash__(self) -> int:
        return hash((self._response_us, self._resolution_us, self._calendar))

    def __repr__(self) -> str:
        extra = "" if self._calendar == ALWAYS else f", calendar={self._calendar!r}"
        return f"Deadlines({self._response!s}, {self._resolution!s}{extra})"
