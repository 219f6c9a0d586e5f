"""A string enumeration whose members carry the source's Chinese term and parse by value."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Self

from gridorg._fields import describe
from gridorg.errors import InvalidArgumentError

#: Each enumeration's noun (for messages), its labels and its members by value.
_TABLES: dict[type[Any], tuple[str, Mapping[Any, str], dict[str, Any]]] = {}


class Labelled(enum.StrEnum):
    """A ``StrEnum`` with a Chinese ``label`` per member and a forgiving :meth:`parse`."""

    @property
    def label(self) -> str:
        """The source's Chinese term."""
        return _TABLES[type(self)][1][self]

    @classmethod
    def parse(cls, value: object) -> Self:
        """The member named by ``value`` (a member or its string value); otherwise an
        :class:`~gridorg.InvalidArgumentError` (a ``ValueError``) naming every allowed value."""
        if isinstance(value, cls):
            return value
        noun, _, by_value = _TABLES[cls]
        found = by_value.get(value) if isinstance(value, str) else None
        if found is not None:
            member: Self = found
            return member
        known = ", ".join(member.value for member in cls)
        msg = f"{noun} must be one of {known}, got {describe(value)}"
        raise InvalidArgumentError(msg)


def labelled(cls: type[Labelled], noun: str, labels: Mapping[Any, str]) -> None:
    """Register ``cls``'s noun and labels (every member must have one)."""
    missing = [member for member in cls if member not in labels]
    if missing:  # pragma: no cover - a programming error caught at import
        msg = f"{cls.__name__} has no label for {missing}"
        raise RuntimeError(msg)
    _TABLES[cls] = (noun, labels, {member.value: member for member in cls})
