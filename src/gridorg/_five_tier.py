"""The five handling tiers of the Jinan colour-coded disposal practice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gridorg import _colours as co
from gridorg._colours import COLOURS, Colour, DeadlinesInput, colour_of, days, hours
from gridorg._fields import describe
from gridorg.categories import Category
from gridorg.errors import InvalidArgumentError
from gridorg.issue import Issue
from gridorg.tiers import DEFAULT_SCHEME
from gridorg.worktime import ALWAYS, WorkingCalendar

_B, _G, _Y, _O, _R = COLOURS

#: The Jinan handling tier each colour stands for.
HANDLING: Final[Mapping[Colour, str]] = {
    _B: "随手办",
    _G: "碰头办",
    _Y: "商量办",
    _O: "协同办",
    _R: "报请办",
}

#: The base colour of a matter by its category's default handling tier: gridorg's defaults.
FIVE_TIER_BASES: Final[Mapping[str, Colour]] = {
    "household": _B,
    "grid": _G,
    "community": _Y,
    "street": _O,
}

#: The five-tier scheme's default (response, resolution) limits: gridorg's defaults.
FIVE_TIER_DEADLINES: Final[Mapping[Colour, tuple[dt.timedelta, dt.timedelta]]] = {
    _B: (hours(1), days(1)),
    _G: (hours(4), days(3)),
    _Y: (days(1), days(7)),
    _O: (days(1), days(15)),
    _R: (dt.timedelta(minutes=30), days(30)),
}

_NONE: Final = 255  # a tier with no base colour, in lookup tables


class FiveTierTriage(co.TriageScheme):
    """Colour triage by the five handling tiers used in Jinan, blue 随手办 to red 报请办.

    A matter's base colour comes from its category's default tier (``bases``: household blue
    随手办 on the spot, grid green 碰头办 at a meeting, community yellow 商量办 by
    consultation, street orange 协同办 by coordination). It steps up one colour when urgency +
    importance reaches ``escalate_score`` or it touches ``escalate_households`` households or
    more, and is red 报请办 (reported up with a request) when urgency and importance are both 4.
    The thresholds and ``deadlines`` (default :data:`FIVE_TIER_DEADLINES`, counted on
    ``calendar``) are gridorg's defaults, all configurable. :attr:`names` gives each colour's
    Chinese handling tier.

    >>> FiveTierTriage().tier("red"), FiveTierTriage.names[Colour.GREEN]
    ('street', '碰头办')
    """

    __slots__ = ("_bases", "_households", "_luts", "_score", "_tiers")

    name: ClassVar[str] = "five_tier"
    _noun: ClassVar[str] = "five-tier"
    _record_fields: ClassVar[tuple[str, ...]] = (
        "scheme",
        "deadlines",
        "calendar",
        "escalate_households",
        "escalate_score",
        "bases",
    )
    names: ClassVar[Mapping[Colour, str]] = HANDLING

    def __init__(
        self,
        *,
        deadlines: DeadlinesInput | None = None,
        calendar: WorkingCalendar = ALWAYS,
        escalate_households: int = 30,
        escalate_score: int = 7,
        bases: Mapping[str, Colour | str] | None = None,
    ) -> None:
        if type(escalate_households) is not int or escalate_households < 1:
            msg = (
                "escalate_households must be a positive integer, got "
                f"{describe(escalate_households)}"
            )
            raise InvalidArgumentError(msg)
        if type(escalate_score) is not int or not 2 <= escalate_score <= 9:
            msg = (
                "escalate_score must be an integer from 2 to 9 (urgency + importance; 9 never "
                f"escalates), got {describe(escalate_score)}"
            )
            raise InvalidArgumentError(msg)
        self._households = escalate_households
        self._score = escalate_score
        self._bases = _bases(FIVE_TIER_BASES if bases is None else bases)
        self._set_deadlines(deadlines, FIVE_TIER_DEADLINES, COLOURS, calendar)
        self._tiers = _tier_of_colour(self._bases)
        self._luts: dict[tuple[str, ...], NDArray[np.uint8]] = {}

    @property
    def colours(self) -> tuple[Colour, ...]:
        """All five colours, blue to red."""
        return COLOURS

    @property
    def bases(self) -> Mapping[str, Colour]:
        """The base colour of each handling tier."""
        return dict(self._bases)

    @property
    def escalate_households(self) -> int:
        """The number of households from which a matter steps up one colour."""
        return self._households

    @property
    def escalate_score(self) -> int:
        """The urgency + importance from which a matter steps up one colour."""
        return self._score

    def colour(self, issue: Issue, category: Category) -> Colour:
        """The colour of ``issue``, from its category's default tier, stepped up when urgent,
        important or widespread."""
        base = self._bases.get(category.tier)
        if base is None:
            msg = (
                f"category {category.code!r} has tier {category.tier!r}, which the five-tier "
                f"triage gives no colour; it colours {', '.join(self._bases)} (see bases)"
            )
            raise InvalidArgumentError(msg)
        if issue.urgency == 4 and issue.importance == 4:
            return _R
        if issue.urgency + issue.importance >= self._score or issue.households >= self._households:
            return COLOURS[min(base.rank + 1, 4)]
        return base

    def colour_many(
        self,
        urgency: ArrayLike,
        importance: ArrayLike,
        households: ArrayLike,
        category_tier: ArrayLike,
        *,
        tiers: Sequence[str] | None = None,
    ) -> NDArray[np.uint8]:
        """The colour codes of many issues; ``category_tier[k]`` indexes ``tiers`` (default:
        the default level scheme's names, street first)."""
        u, i, h, t = co.triage_columns(urgency, importance, households, category_tier)
        names = DEFAULT_SCHEME.names if tiers is None else tuple(tiers)
        lut = self._luts.get(names)
        if lut is None:
            codes = [self._bases[n].rank if n in self._bases else _NONE for n in names]
            lut = self._luts[names] = np.asarray(codes, dtype=np.uint8)
        if t.size and (int(t.min()) < 0 or int(t.max()) >= len(names)):
            bad = int(t.min()) if int(t.min()) < 0 else int(t.max())
            msg = f"category_tier must index the tiers {list(names)}, got {bad}"
            raise InvalidArgumentError(msg)
        base = lut[t]
        unknown = np.flatnonzero(base == _NONE)
        if unknown.size:
            tier = names[int(t[unknown[0]])]
            msg = (
                f"category_tier {int(t[unknown[0]])} is tier {tier!r}, which the five-tier "
                f"triage gives no colour; it colours {', '.join(self._bases)} (see bases)"
            )
            raise InvalidArgumentError(msg)
        up = ((u + i) >= self._score) | (h >= self._households)
        rank = np.minimum(base + up, 4).astype(np.uint8)
        rank[(u == 4) & (i == 4)] = _R.rank
        return rank

    def tier(self, colour: Colour | str) -> str | None:
        """The handling tier of ``colour``: the tier whose base colour it is; red, which has
        none, is handled by the tier of the highest base colour below it (the street)."""
        return self._tiers[colour_of("colour", colour)]

    def _settings(self) -> dict[str, Any]:
        return {
            "deadlines": co.deadlines_record(self._table, self._calendar),
            "escalate_households": self._households,
            "escalate_score": self._score,
            "bases": {tier: colour.value for tier, colour in self._bases.items()},
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any] | FiveTierTriage) -> FiveTierTriage:
        """A five-tier triage from a mapping as :meth:`to_record` writes it; a bad field raises
        :class:`~gridorg.RecordError`."""
        if isinstance(record, FiveTierTriage):
            return record
        return cls._read(record)

    def _key(self) -> tuple[object, ...]:
        return (
            tuple(self._bases.items()),
            self._households,
            self._score,
            tuple(self._table.items()),
            self._calendar,
        )

    def __repr__(self) -> str:
        parts = [f"escalate_households={self._households}", f"escalate_score={self._score}"]
        if self._calendar != ALWAYS:
            parts.append(f"calendar={self._calendar!r}")
        return f"FiveTierTriage({', '.join(parts)})"


def _bases(value: object) -> dict[str, Colour]:
    if not isinstance(value, Mapping) or not value:
        msg = f"bases must map tier names to colours, got {describe(value)}"
        raise InvalidArgumentError(msg)
    out: dict[str, Colour] = {}
    for tier, colour in value.items():
        if not isinstance(tier, str) or not tier:
            msg = f"bases must map tier names to colours, got the key {describe(tier)}"
            raise InvalidArgumentError(msg)
        out[tier] = colour_of(f"bases[{tier!r}]", colour)
    return out


def _tier_of_colour(bases: Mapping[str, Colour]) -> dict[Colour, str]:
    """Each colour's handling tier: the first tier with that base colour, else the tier of
    the nearest lower base colour, else of the nearest higher one."""
    first: dict[Colour, str] = {}
    for tier, colour in bases.items():
        first.setdefault(colour, tier)
    out: dict[Colour, str] = {}
    for colour in COLOURS:
        lower = [c for c in first if c <= colour]
        out[colour] = first[max(lower)] if lower else first[min(first)]
    return out
