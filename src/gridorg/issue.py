"""Residents' issues: the matters the organisation collects, accepts, disposes of and answers.

An :class:`Issue` is what a gridder, a hotline operator or a resident reports: what it is about
(a category code of the :mod:`~gridorg.categories` catalogue), where it arose (a grid or
household-head unit), when it was reported (a timezone-aware time), through which
:class:`Channel`, how important and urgent it is and how many households it touches. Issues are
frozen records validated on construction; the :class:`~gridorg.Router` decides who handles
them, and the :class:`~gridorg.CaseLog` records what happens to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from gridorg._entity import (
    check_codes,
    check_id,
    check_text,
    codes,
    fail,
    from_mapping,
    short_repr,
)
from gridorg._enums import Labelled, labelled
from gridorg._fields import describe

__all__ = ["LEVELS", "Channel", "Issue", "aware", "check_aware"]

#: The four-point scale of ``importance`` and ``urgency``: 1 low, 2 medium, 3 high, 4 critical.
LEVELS = (1, 2, 3, 4)


class Channel(Labelled):
    """How an issue reached the organisation."""

    GRIDDER_APP = "gridder_app"
    HOTLINE = "hotline"
    VISIT = "visit"
    SUNK_MEMBER = "sunk_member"
    CONTACT_POINT = "contact_point"
    ONLINE = "online"


labelled(
    Channel,
    "channel",
    {
        Channel.GRIDDER_APP: "网格员APP上报",
        Channel.HOTLINE: "12345热线",
        Channel.VISIT: "群众来访",
        Channel.SUNK_MEMBER: "下沉党员收集",
        Channel.CONTACT_POINT: "联系点领导收集",
        Channel.ONLINE: "网上诉求",
    },
)


def aware(value: object) -> bool:
    """Whether ``value`` is a timezone-aware :class:`datetime.datetime`."""
    return (
        isinstance(value, dt.datetime)
        and value.tzinfo is not None
        and value.tzinfo.utcoffset(value) is not None
    )


def aware_problem(name: str, value: object) -> str | None:
    """Why ``value`` (the field or argument ``name``) is not a timezone-aware datetime, or
    ``None`` when it is one."""
    if aware(value):
        return None
    if isinstance(value, dt.datetime):
        return (
            f"{name} must be timezone-aware, got the naive {value.isoformat()}; "
            "give it a tzinfo (datetime.timezone.utc or a zoneinfo.ZoneInfo)"
        )
    return f"{name} must be a timezone-aware datetime, got {describe(value)}"


def check_aware(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An attrs validator: a timezone-aware datetime (a naive one is ambiguous and refused)."""
    msg = aware_problem(attribute.name, value)
    if msg is not None:
        raise fail(type(inst), inst, attribute.name, msg)


def _check_level(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int or value not in LEVELS:
        msg = f"{attribute.name} must be an integer from 1 (low) to 4 (critical), got {value!r}"
        raise fail(type(inst), inst, attribute.name, msg)


def _check_households(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is not int or value < 1:
        msg = f"households must be a positive integer, got {describe(value)}"
        raise fail(type(inst), inst, attribute.name, msg)


def _channel(value: object) -> Channel:
    if isinstance(value, str):
        try:
            return Channel.parse(value)
        except ValueError:
            pass
    return value  # type: ignore[return-value]  # the validator reports it


def _check_channel(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Channel):
        known = ", ".join(member.value for member in Channel)
        msg = f"channel must be one of {known}, got {describe(value)}"
        raise fail(type(inst), inst, attribute.name, msg)


@attrs.frozen(repr=False)
class Issue:
    """One resident's matter, as reported.

    ``category`` is a code of the category catalogue (``"neighbour_disputes"``), ``origin``
    the id of the grid or household-head unit where it arose, ``reported`` a timezone-aware
    time. ``importance`` and ``urgency`` run from 1 (low) to 4 (critical); ``households`` is
    the number of households affected; ``tags`` are free codes rules can match on
    (``{"elderly"}``).

    >>> import datetime as dt
    >>> issue = Issue("Q1", "neighbour_disputes", "G1",
    ...               dt.datetime(2024, 5, 6, 9, 30, tzinfo=dt.timezone.utc), urgency=3)
    >>> issue.urgency, issue.channel.label
    (3, '网格员APP上报')
    """

    noun: ClassVar[str] = "issue"

    id: str = attrs.field(validator=check_id)
    category: str = attrs.field(validator=check_id)
    origin: str = attrs.field(validator=check_id)
    reported: dt.datetime = attrs.field(validator=check_aware)
    channel: Channel = attrs.field(
        default=Channel.GRIDDER_APP, kw_only=True, converter=_channel, validator=_check_channel
    )
    importance: int = attrs.field(default=2, kw_only=True, validator=_check_level)
    urgency: int = attrs.field(default=2, kw_only=True, validator=_check_level)
    households: int = attrs.field(default=1, kw_only=True, validator=_check_households)
    tags: frozenset[str] = attrs.field(
        default=frozenset(), kw_only=True, converter=codes, validator=check_codes
    )
    text: str = attrs.field(default="", kw_only=True, validator=check_text)

    def to_record(self) -> dict[str, Any]:
        """This issue as a JSON-compatible mapping (the time in ISO 8601 with its offset)."""
        record: dict[str, Any] = {
            "id": self.id,
            "category": self.category,
            "origin": self.origin,
            "reported": self.reported.isoformat(),
        }
        if self.channel is not Channel.GRIDDER_APP:
            record["channel"] = self.channel.value
        if self.importance != 2:
            record["importance"] = self.importance
        if self.urgency != 2:
            record["urgency"] = self.urgency
        if self.households != 1:
            record["households"] = self.households
        if self.tags:
            record["tags"] = sorted(self.tags)
        if self.text:
            record["text"] = self.text
        return record

    @classmethod
    def from_record(cls, record: Mapping[str, Any] | Issue) -> Issue:
        """An issue from a mapping with the fields of this class; ``reported`` may be an ISO
        8601 string with an offset."""
        if isinstance(record, Issue):
            return record
        if isinstance(record, Mapping) and isinstance(record.get("reported"), str):
            text = record["reported"]
            try:
                when = dt.datetime.fromisoformat(text)
            except ValueError:
                uid = record.get("id")
                where = f"issue {uid!r}" if isinstance(uid, str) else "issue"
                msg = f"reported must be an ISO 8601 time with an offset, got {text!r}"
                raise fail(Issue, None, "reported", f"{msg} ({where})") from None
            record = {**record, "reported": when}
        return from_mapping(cls, record, noun=Issue)

    def __repr__(self) -> str:
        # The record's short repr, with the time in ISO 8601 rather than datetime(...).
        text = short_repr(self)
        shown = f"reported={self.reported!r}"
        return text.replace(shown, f"reported={self.reported.isoformat()!r}")
