"""Colour triage (分色治理): how severe a matter is, how fast it must be handled, and by whom.

The source says that the platform colours each matter by its importance and urgency and handles
it accordingly. gridorg makes the colouring pluggable: a :class:`Triage` gives each issue a
:class:`Colour` (blue 蓝, green 绿, yellow 黄, orange 橙, red 红), the :class:`Deadlines` that
colour carries (a response and a resolution time limit, optionally counted in working time on a
:class:`~gridorg.worktime.WorkingCalendar`) and, for some schemes, the tier that handles it.
Two schemes are built in:

- :class:`MatrixTriage`: an urgency × importance matrix giving green, yellow, orange or red;
  it implies no handling tier.
- :class:`FiveTierTriage`: the five handling tiers of the Jinan practice of colour-coded
  disposal (分色处置) as publicly reported — blue 随手办 (handled on the spot), green 碰头办
  (handled at a meeting), yellow 商量办 (handled by consultation), orange 协同办 (handled by
  coordination) and red 报请办 (reported up with a request). A matter's base colour comes from
  its category's default tier and steps up for urgent, important or widespread matters.

Every threshold and every deadline here is one of gridorg's defaults, chosen to be plausible
and made configurable; the source names no figures for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Final, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gridorg import _colours as co
from gridorg import _worktime_input as wi
from gridorg._colours import COLOURS, Colour, DeadlinesInput, colour_of, days, hours
from gridorg._deadlines import Deadlines
from gridorg._fields import describe
from gridorg._five_tier import FIVE_TIER_BASES, FIVE_TIER_DEADLINES, HANDLING, FiveTierTriage
from gridorg.categories import Category
from gridorg.errors import InvalidArgumentError
from gridorg.issue import Issue
from gridorg.worktime import ALWAYS, WorkingCalendar

__all__ = [
    "COLOURS",
    "DEFAULT_MATRIX",
    "FIVE_TIER_BASES",
    "FIVE_TIER_DEADLINES",
    "HANDLING",
    "MATRIX_DEADLINES",
    "Colour",
    "Deadlines",
    "FiveTierTriage",
    "MatrixTriage",
    "Triage",
    "triage_from_record",
]

_B, _G, _Y, _O, _R = COLOURS

#: The default urgency (rows, 1 … 4) × importance (columns, 1 … 4) matrix.
DEFAULT_MATRIX: Final = (
    (_G, _G, _Y, _O),
    (_G, _Y, _Y, _O),
    (_Y, _Y, _O, _R),
    (_O, _O, _R, _R),
)

#: The matrix scheme's default (response, resolution) limits: gridorg's defaults.
MATRIX_DEADLINES: Final[Mapping[Colour, tuple[dt.timedelta, dt.timedelta]]] = {
    _G: (days(3), days(15)),
    _Y: (days(1), days(7)),
    _O: (hours(2), days(3)),
    _R: (dt.timedelta(minutes=30), hours(24)),
}


@runtime_checkable
class Triage(Protocol):
    """What a colour triage scheme provides to the router.

    ``colour_many(...)[i]`` must equal ``colour(issue_i, category_i).rank``, where the
    columns hold each issue's urgency, importance, households and the index (in ``tiers``, by
    default the default level scheme's tier names) of its category's default tier.
    """

    @property
    def name(self) -> str:
        """The scheme's name in records (``"matrix"``, ``"five_tier"``)."""
        ...

    @property
    def colours(self) -> tuple[Colour, ...]:
        """The colours the scheme gives, by severity."""
        ...

    def colour(self, issue: Issue, category: Category) -> Colour:
        """The colour of one issue of the given category."""
        ...

    def colour_many(
        self,
        urgency: ArrayLike,
        importance: ArrayLike,
        households: ArrayLike,
        category_tier: ArrayLike,
        *,
        tiers: Sequence[str] | None = None,
    ) -> NDArray[np.uint8]:
        """The colour codes (ranks) of many issues given as columns."""
        ...

    def deadlines(self, colour: Colour | str) -> Deadlines:
        """The response and resolution limits of a colour."""
        ...

    def tier(self, colour: Colour | str) -> str | None:
        """The handling tier a colour implies, or ``None`` when the scheme implies none."""
        ...

    def to_record(self) -> dict[str, Any]:
        """The scheme as a JSON-compatible mapping."""
        ...


class MatrixTriage(co.TriageScheme):
    """Colour triage by an urgency × importance matrix (green, yellow, orange, red).

    ``matrix`` is 4 × 4: row ``u - 1`` for urgency ``u``, column ``i - 1`` for importance
    ``i``, each a :class:`Colour` or its value (default :data:`DEFAULT_MATRIX`).
    ``deadlines`` maps every colour the matrix uses to a :class:`Deadlines` or a (response,
    resolution) pair counted on ``calendar`` (default :data:`MATRIX_DEADLINES`). The matrix
    implies no handling tier.

    >>> MatrixTriage().deadlines("red").response
    datetime.timedelta(seconds=1800)
    """

    __slots__ = ("_colours", "_lut", "_rows")

    name: ClassVar[str] = "matrix"
    _noun: ClassVar[str] = "matrix"
    _record_fields: ClassVar[tuple[str, ...]] = ("scheme", "matrix", "deadlines", "calendar")

    def __init__(
        self,
        matrix: Sequence[Sequence[Colour | str]] | None = None,
        deadlines: DeadlinesInput | None = None,
        *,
        calendar: WorkingCalendar = ALWAYS,
    ) -> None:
        self._rows = DEFAULT_MATRIX if matrix is None else _matrix(matrix)
        self._colours = tuple(sorted({c for row in self._rows for c in row}))
        self._set_deadlines(deadlines, MATRIX_DEADLINES, self._colours, calendar)
        codes = [c.rank for row in self._rows for c in row]
        self._lut = np.asarray(codes, dtype=np.uint8)

    @property
    def colours(self) -> tuple[Colour, ...]:
        """The colours the matrix uses, by severity."""
        return self._colours

    @property
    def matrix(self) -> tuple[tuple[Colour, ...], ...]:
        """The matrix: row ``u - 1`` for urgency ``u``, column ``i - 1`` for importance ``i``."""
        return self._rows

    def colour(self, issue: Issue, category: Category) -> Colour:
        """The colour of ``issue`` by its urgency and importance (the category is not used)."""
        return self._rows[issue.urgency - 1][issue.importance - 1]

    def colour_many(
        self,
        urgency: ArrayLike,
        importance: ArrayLike,
        households: ArrayLike,
        category_tier: ArrayLike,
        *,
        tiers: Sequence[str] | None = None,
    ) -> NDArray[np.uint8]:
        """The colour codes of many issues; only urgency and importance matter here."""
        u, i, _, _ = co.triage_columns(urgency, importance, households, category_tier)
        result: NDArray[np.uint8] = self._lut[(u - 1) * 4 + (i - 1)]
        return result

    def tier(self, colour: Colour | str) -> str | None:
        """``None``: the matrix scheme implies no handling tier."""
        colour_of("colour", colour)
        return None

    def _settings(self) -> dict[str, Any]:
        return {
            "matrix": [[c.value for c in row] for row in self._rows],
            "deadlines": co.deadlines_record(self._table, self._calendar),
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any] | MatrixTriage) -> MatrixTriage:
        """A matrix triage from a mapping as :meth:`to_record` writes it; a bad field raises
        :class:`~gridorg.RecordError`."""
        if isinstance(record, MatrixTriage):
            return record
        return cls._read(record)

    def _key(self) -> tuple[object, ...]:
        return (self._rows, tuple(self._table.items()), self._calendar)

    def __repr__(self) -> str:
        default = self._rows == DEFAULT_MATRIX
        shown = "" if default else f"matrix={[[c.value for c in r] for r in self._rows]!r}"
        extra = "" if self._calendar == ALWAYS else f"calendar={self._calendar!r}"
        return f"MatrixTriage({', '.join(p for p in (shown, extra) if p)})"


def _matrix(value: object) -> tuple[tuple[Colour, ...], ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence) or len(value) != 4:
        msg = f"matrix must be 4 rows (urgency 1 to 4) of 4 colours, got {describe(value)}"
        raise InvalidArgumentError(msg)
    rows = []
    for r, row in enumerate(value, start=1):
        if isinstance(row, str | bytes) or not isinstance(row, Sequence) or len(row) != 4:
            msg = (
                f"matrix row {r} (urgency {r}) must be 4 colours (importance 1 to 4), "
                f"got {describe(row)}"
            )
            raise InvalidArgumentError(msg)
        rows.append(
            tuple(
                colour_of(f"matrix row {r} (urgency {r}) column {c} (importance {c})", item)
                for c, item in enumerate(row, start=1)
            )
        )
    return tuple(rows)


def triage_from_record(record: Mapping[str, Any]) -> MatrixTriage | FiveTierTriage:
    """A built-in triage from its record, by the record's ``"scheme"`` (``"matrix"`` or
    ``"five_tier"``)."""
    schemes: dict[str, Any] = {"matrix": MatrixTriage, "five_tier": FiveTierTriage}
    scheme = record.get("scheme") if isinstance(record, Mapping) else None
    if scheme not in schemes:
        msg = f"scheme must be one of matrix, five_tier, got {describe(scheme)}"
        subject = "triage"
        raise wi.record_error(subject, "scheme", msg)
    result: MatrixTriage | FiveTierTriage = schemes[scheme].from_record(record)
    return result
