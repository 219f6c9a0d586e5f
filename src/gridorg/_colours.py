"""Triage colours, and the checks the triage schemes share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Final, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gridorg import _worktime_input as wi
from gridorg._deadlines import Deadlines, check_calendar
from gridorg._enums import Labelled, labelled
from gridorg._fields import describe
from gridorg.errors import InvalidArgumentError, RecordError
from gridorg.worktime import ALWAYS, WorkingCalendar


class Colour(Labelled):
    """A triage colour (分色治理), from blue (least severe) to red (most severe).

    Colours compare by severity (``Colour.GREEN < Colour.RED``); :attr:`rank` is a colour's
    position in :data:`COLOURS` and its integer code in arrays.
    """

    BLUE = "blue"
    GREEN = "green"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"

    @property
    def rank(self) -> int:
        """The colour's severity: its index in :data:`COLOURS` (blue 0 … red 4)."""
        return _RANK[self]

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Colour):
            return _RANK[self] < _RANK[other]
        return NotImplemented

    def __le__(self, other: object) -> bool:
        if isinstance(other, Colour):
            return _RANK[self] <= _RANK[other]
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        if isinstance(other, Colour):
            return _RANK[self] > _RANK[other]
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        if isinstance(other, Colour):
            return _RANK[self] >= _RANK[other]
        return NotImplemented


labelled(
    Colour,
    "colour",
    {
        Colour.BLUE: "蓝",
        Colour.GREEN: "绿",
        Colour.YELLOW: "黄",
        Colour.ORANGE: "橙",
        Colour.RED: "红",
    },
)

#: The colours by severity; a colour's integer code (dtype uint8) is its index here.
COLOURS: Final = (Colour.BLUE, Colour.GREEN, Colour.YELLOW, Colour.ORANGE, Colour.RED)
_RANK: Final[dict[Colour, int]] = {colour: i for i, colour in enumerate(COLOURS)}

Limits = Mapping[Colour, tuple[dt.timedelta, dt.timedelta]]
_Limit = Deadlines | tuple[dt.timedelta, dt.timedelta]
#: A colour → deadlines mapping as the triage schemes accept it.
DeadlinesInput = Mapping[Colour, _Limit] | Mapping[str, _Limit]


def hours(n: float) -> dt.timedelta:
    """``n`` hours."""
    return dt.timedelta(hours=n)


def days(n: float) -> dt.timedelta:
    """``n`` days."""
    return dt.timedelta(days=n)


def colour_of(name: str, value: object) -> Colour:
    """``value`` as a colour (a :class:`Colour` or its value), naming ``name`` when it is not."""
    if isinstance(value, Colour):
        return value
    try:
        return Colour.parse(value)
    except InvalidArgumentError:
        known = ", ".join(colour.value for colour in COLOURS)
        msg = f"{name} must be a colour ({known}), got {describe(value)}"
        raise InvalidArgumentError(msg) from None


def deadline_table(
    scheme: str,
    given: DeadlinesInput | None,
    defaults: Limits,
    used: Iterable[Colour],
    calendar: WorkingCalendar,
) -> dict[Colour, Deadlines]:
    """Each colour's :class:`Deadlines`: from ``given`` (a mapping colour → ``Deadlines`` or a
    (response, resolution) pair counted on ``calendar``), or else from ``defaults``."""
    table: dict[Colour, Deadlines] = {}
    if given is None:
        for colour, (response, resolution) in defaults.items():
            table[colour] = Deadlines(response, resolution, calendar=calendar)
    elif not isinstance(given, Mapping):
        msg = f"deadlines must map colours to (response, resolution) pairs, got {describe(given)}"
        raise InvalidArgumentError(msg)
    else:
        for key, value in given.items():
            colour = colour_of("a deadlines key", key)
            table[colour] = _limits(colour, value, calendar)
    for colour in sorted(set(used)):
        if colour not in table:
            msg = (
                f"deadlines has no entry for {colour.value}, which the {scheme} triage uses; "
                f"give deadlines for {', '.join(c.value for c in sorted(set(used)))}"
            )
            raise InvalidArgumentError(msg)
    return dict(sorted(table.items()))


def _limits(colour: Colour, value: object, calendar: WorkingCalendar) -> Deadlines:
    if isinstance(value, Deadlines):
        return value
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = (
            f"deadlines for {colour.value} must be a Deadlines or a (response, resolution) "
            f"pair of timedeltas, got {describe(value)}"
        )
        raise InvalidArgumentError(msg)
    pair = list(value)
    if len(pair) != 2:
        msg = f"deadlines for {colour.value} must be a (response, resolution) pair, got {pair!r}"
        raise InvalidArgumentError(msg)
    try:
        return Deadlines(pair[0], pair[1], calendar=calendar)
    except InvalidArgumentError as error:
        msg = f"deadlines for {colour.value}: {error}"
        raise InvalidArgumentError(msg) from None


def lookup(table: Mapping[Colour, Deadlines], colour: object, scheme: str) -> Deadlines:
    """The deadlines of ``colour`` in ``table``, or an error naming the colours it has."""
    found = table.get(colour) if isinstance(colour, Colour) else None
    if found is not None:
        return found
    key = colour_of("colour", colour)
    if key in table:
        return table[key]
    known = ", ".join(c.value for c in table)
    msg = f"the {scheme} triage has no deadlines for {key.value}; it has {known}"
    raise InvalidArgumentError(msg)


def triage_columns(
    urgency: ArrayLike, importance: ArrayLike, households: ArrayLike, category_tier: ArrayLike
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.int64], NDArray[np.intp]]:
    """The four columns of ``colour_many`` as checked integer arrays of one length."""
    named = (
        ("urgency", urgency),
        ("importance", importance),
        ("households", households),
        ("category_tier", category_tier),
    )
    arrays = []
    for name, value in named:
        array = np.asarray(value)
        if array.ndim != 1 or (array.dtype.kind not in "iu" and array.size):
            msg = (
                f"{name} must be a one-dimensional integer array, got {array.dtype} {array.shape}"
            )
            raise InvalidArgumentError(msg)
        arrays.append(array)
    lengths = {name: len(array) for (name, _), array in zip(named, arrays, strict=True)}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{name} {n}" for name, n in lengths.items())
        msg = (
            f"urgency, importance, households and category_tier must have one length, got {listed}"
        )
        raise InvalidArgumentError(msg)
    u, i, h, t = arrays
    for name, array in (("urgency", u), ("importance", i)):
        if array.size and (int(array.min()) < 1 or int(array.max()) > 4):
            bad = int(array.min()) if int(array.min()) < 1 else int(array.max())
            msg = f"{name} must hold levels 1 (low) to 4 (critical), got {bad}"
            raise InvalidArgumentError(msg)
    return (
        u.astype(np.intp, copy=False),
        i.astype(np.intp, copy=False),
        h.astype(np.int64, copy=False),
        t.astype(np.intp, copy=False),
    )


def deadlines_record(
    table: Mapping[Colour, Deadlines], calendar: WorkingCalendar
) -> dict[str, Any]:
    """The ``"deadlines"`` of a triage record: colour → limits in seconds."""
    return {colour.value: limits.to_record(calendar=calendar) for colour, limits in table.items()}


def read_common(
    subject: str, record: Mapping[str, Any]
) -> tuple[WorkingCalendar, dict[Colour, Deadlines] | None]:
    """The calendar and the deadlines of a triage record."""
    calendar = ALWAYS
    if "calendar" in record:
        try:
            calendar = WorkingCalendar.from_record(record["calendar"])
        except RecordError as error:
            raise wi.nest(error, subject, "calendar") from None
    if "deadlines" not in record:
        return calendar, None
    given = record["deadlines"]
    if not isinstance(given, Mapping):
        msg = f"deadlines must map colours to limits, got {describe(given)}"
        raise wi.record_error(subject, "deadlines", msg)
    table: dict[Colour, Deadlines] = {}
    for key, value in given.items():
        try:
            colour = colour_of("a deadlines key", key)
        except InvalidArgumentError as error:
            raise wi.record_error(subject, "deadlines", str(error)) from None
        where = f"deadlines for {colour.value}"
        try:
            table[colour] = Deadlines.from_record(value, calendar=calendar, subject=where)
        except RecordError as error:
            raise wi.nest(error, subject, f"deadlines.{colour.value}") from None
    return calendar, table


def check_scheme(subject: str, record: object, name: str) -> None:
    """Refuse a record whose ``"scheme"`` names another scheme."""
    if not isinstance(record, Mapping):
        return  # the key check reports it
    scheme = record.get("scheme", name)
    if scheme != name:
        msg = f"scheme must be {name!r} for a {subject}, got {describe(scheme)}"
        raise wi.record_error(subject, "scheme", msg)


class TriageScheme:
    """What the built-in triage schemes share: a deadline table counted on a calendar.

    A scheme sets :attr:`name` (its record's ``"scheme"``), ``_noun`` (its name in messages)
    and ``_record_fields`` (its record's fields; those other than the scheme, deadlines and
    calendar are keyword arguments of its constructor).
    """

    __slots__ = ("_calendar", "_table")

    name: ClassVar[str]
    _noun: ClassVar[str]
    _record_fields: ClassVar[tuple[str, ...]]

    _calendar: WorkingCalendar
    _table: dict[Colour, Deadlines]

    def _set_deadlines(
        self,
        given: DeadlinesInput | None,
        defaults: Limits,
        used: Iterable[Colour],
        calendar: object,
    ) -> None:
        self._calendar = check_calendar(calendar)
        self._table = deadline_table(self._noun, given, defaults, used, self._calendar)

    @property
    def calendar(self) -> WorkingCalendar:
        """The calendar the default deadlines count working time on."""
        return self._calendar

    def deadlines(self, colour: Colour | str) -> Deadlines:
        """The response and resolution limits of ``colour``."""
        return lookup(self._table, colour, self._noun)

    def to_record(self) -> dict[str, Any]:
        """This triage as a JSON-compatible mapping (durations in seconds)."""
        record: dict[str, Any] = {"scheme": self.name, **self._settings()}
        if self._calendar != ALWAYS:
            record["calendar"] = self._calendar.to_record()
        return record

    def _settings(self) -> dict[str, Any]:
        """The record's fields between ``"scheme"`` and ``"calendar"``."""
        raise NotImplementedError

    @classmethod
    def _read(cls, record: object) -> Self:
        """A scheme from its record; a bad field raises :class:`~gridorg.RecordError`."""
        subject = f"{cls._noun} triage"
        check_scheme(subject, record, cls.name)
        fields = wi.check_keys(subject, record, cls._record_fields)
        calendar, table = read_common(subject, fields)
        options = {k: v for k, v in fields.items() if k not in ("scheme", "deadlines", "calendar")}
        build: Callable[..., Self] = cls  # each scheme's own constructor
        try:
            return build(deadlines=table, calendar=calendar, **options)
        except InvalidArgumentError as error:
            text = str(error)
            field = next((k for k in cls._record_fields if text.startswith(k)), "deadlines")
            raise wi.record_error(subject, field, text) from None

    def _key(self) -> tuple[object, ...]:
        """What equality compares."""
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, type(self)):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())
