"""The text tree of an organisation: which units a tree view shows, and how they are drawn.

The views visit only the units they show: a 20-line tree of a million-unit organisation reads
20 units, walking the preorder columns (``size``, ``depth``) instead of building the whole tree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from gridorg._display_text import (
    _FIELDS,
    _GAP,
    _check_bool,
    _check_limit,
    _check_org,
    _clip,
    _plural,
    _printable,
    display_width,
    pad,
)
from gridorg.hierarchy import Organisation

if TYPE_CHECKING:
    from collections.abc import Iterator

#: How the text tree names each count (singular, plural).
_NOUNS: Final = (("household", "households"), ("member", "members"), ("gridder", "gridders"))


# ---------------------------------------------------------------------------- tree plan


class _Plan:
    """Which units a tree view shows: the top units and the shown children of each unit.

    A unit in ``children`` was expanded: its children were listed, ``hidden[k]`` of them left
    out. A unit with descendants that is not in ``children`` is collapsed (the depth limit or
    the unit budget stopped there).
    """

    def __init__(self, org: Organisation) -> None:
        self.size: npt.NDArray[np.int32] = org.column("size")
        self.depth: npt.NDArray[np.int32] = org.column("depth")
        self.tops: list[int] = []
        self.top_hidden = 0
        self.children: dict[int, list[int]] = {}
        self.hidden: dict[int, int] = {}

    def first_children(
        self, lo: int, hi: int, child_depth: int, limit: int | None
    ) -> tuple[list[int], int]:
        """The first ``limit`` units of depth ``child_depth`` in ``[lo, hi)``, and the rest's
        count; ``[lo, hi)`` is a subtree without its head, or the whole organisation."""
        size, depth = self.size, self.depth
        if limit is None:
            found = np.flatnonzero(depth[lo:hi] == child_depth) + lo
            return found.tolist(), 0
        shown: list[int] = []
        k = lo
        while k < hi and len(shown) < limit:
            shown.append(k)
            k += int(size[k])
        rest = int(np.count_nonzero(depth[k:hi] == child_depth)) if k < hi else 0
        return shown, rest


def _plan(
    org: Organisation,
    start: str | None,
    max_depth: int | None,
    max_children: int | None,
    budget: int | None,
) -> _Plan:
    """Choose the units to show, level by level from the top, within the limits given."""
    plan = _Plan(org)
    if start is not None:
        plan.tops = [org.index(start)]
    elif len(org):
        plan.tops, plan.top_hidden = plan.first_children(
            0, len(org), 0, _smaller(max_children, budget)
        )
    left = None if budget is None else budget - len(plan.tops)
    frontier = plan.tops
    level = 0
    while frontier and (max_depth is None or level < max_depth):
        following: list[int] = []
        for k in frontier:
            if left is not None and left <= 0:
                break
            stop = k + int(plan.size[k])
            if stop == k + 1:
                continue
            kids, rest = plan.first_children(
                k + 1, stop, int(plan.depth[k]) + 1, _smaller(max_children, left)
            )
            plan.children[k] = kids
            plan.hidden[k] = rest
            following.extend(kids)
            if left is not None:
                left -= len(kids)
        frontier = following
        level += 1
    return plan


def _smaller(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    return a if b is None else min(a, b)


class _Row:
    """One line of a tree view: a unit (``position`` >= 0) or a "more units" note."""

    __slots__ = ("guide", "level", "more", "opens", "position")

    def __init__(self, guide: str, level: int, position: int, more: int, opens: bool) -> None:
        self.guide = guide  # tree-drawing characters before the label
        self.level = level
        self.position = position
        self.more = more  # for a note: how many units it stands for
        self.opens = opens  # a unit whose children follow


def _rows(plan: _Plan) -> Iterator[_Row]:
    """The rows of a plan in preorder, with their tree-drawing guides."""
    # A stack of sibling lists: (items, next index, guide before them, level, hidden count).
    # An item is a position, or -1 for the note standing for the hidden siblings.
    tops = [*plan.tops, *([-1] if plan.top_hidden else [])]
    stack: list[tuple[list[int], int, str, int, int]] = [(tops, 0, "", 0, plan.top_hidden)]
    while stack:
        items, i, prefix, level, hidden = stack.pop()
        if i == len(items):
            continue
        stack.append((items, i + 1, prefix, level, hidden))
        last = i == len(items) - 1
        connector = "" if level == 0 else ("└── " if last else "├── ")
        item = items[i]
        if item < 0:
            yield _Row(prefix + connector, level, -1, hidden, opens=False)
            continue
        kids = plan.children.get(item, [])
        rest = plan.hidden.get(item, 0)
        opens = bool(kids) or rest > 0
        yield _Row(prefix + connector, level, item, 0, opens)
        if opens:
            guide = "" if level == 0 else prefix + ("    " if last else "│   ")
            stack.append(([*kids, *([-1] if rest else [])], 0, guide, level + 1, rest))


# ---------------------------------------------------------------------------- text tree


def _totals(org: Organisation) -> list[npt.NDArray[np.int64]]:
    return [org.totals(field) for field in _FIELDS]


def _counts_text(totals: list[npt.NDArray[np.int64]], position: int) -> str:
    amounts = [int(column[position]) for column in totals]
    return ", ".join(
        _plural(amount, nouns) for amount, nouns in zip(amounts, _NOUNS, strict=True) if amount
    )


def _more_text(count: int) -> str:
    return f"… {count:,} more {'unit' if count == 1 else 'units'}"


def _tree_lines(
    org: Organisation, plan: _Plan, *, counts: bool, clip_label: int | None, clip_id: int | None
) -> list[str]:
    rows = list(_rows(plan))
    positions = np.array([r.position for r in rows if r.position >= 0], dtype=np.int64)
    units = iter(org.units_at(positions))
    totals = _totals(org)
    cells: list[tuple[str, str, str, str, str] | str] = []
    for row in rows:
        if row.position < 0:
            cells.append(row.guide + _more_text(row.more))
            continue
        unit = next(units)
        uid = _clip(_printable(unit.id), clip_id)
        label = f"{_clip(_printable(unit.name), clip_label)} [{uid}]" if unit.name else uid
        form = unit.form.label if unit.form is not None else ""
        amounts = _counts_text(totals, row.position) if counts else ""
        below = int(plan.size[row.position]) - 1
        note = "" if row.opens or below == 0 else f"(+{_plural(below, ('unit', 'units'))} below)"
        cells.append((row.guide + label, unit.tier, form, amounts, note))
    unit_cells = [c for c in cells if isinstance(c, tuple)]
    widths = [max((display_width(c[i]) for c in unit_cells), default=0) for i in range(3)]
    lines: list[str] = []
    for cell in cells:
        if isinstance(cell, str):
            lines.append(cell)
            continue
        parts = [pad(cell[0], widths[0]), pad(cell[1], widths[1])]
        if widths[2]:
            parts.append(pad(cell[2], widths[2]))
        parts.extend(text for text in cell[3:] if text)
        lines.append(_GAP.join(parts).rstrip())
    return lines


def _empty_text(org: Organisation) -> str:
    label = f" {org.name!r}" if org.name else ""
    return f"(empty organisation{label})"


def render(
    org: Organisation,
    start: str | None = None,
    *,
    max_depth: int | None = None,
    max_children: int | None = 20,
    counts: bool = True,
) -> str:
    """A text tree of the organisation drawn with box-drawing characters, one line per unit.

    Each line shows the unit's name (or its id when it has no name), the id in brackets when
    there is a name, its tier and its party form's Chinese label (``党总支``), then, with
    ``counts=True``, the households, party members and gridders of its whole subtree (only
    the non-zero ones; for a unit without children these are its own counts). The columns
    after the name line up by display width, so Chinese names align in a terminal.

    ``start`` draws the subtree of one unit; by default every root is drawn. ``max_depth``
    limits the levels shown below the top (0 shows the top units only); a unit whose children
    are cut off ends with ``(+N units below)``. ``max_children`` lists at most that many
    children under each unit (and that many roots), followed by a ``… N more units`` line;
    ``None`` lists them all. Only the units shown are read, so the cost depends on the output,
    not on the size of the organisation.
    """
    org = _check_org(org)
    depth = _check_limit("max_depth", max_depth, minimum=0)
    children = _check_limit("max_children", max_children, minimum=1)
    _check_bool("counts", counts)
    if start is None and not len(org):
        return _empty_text(org)
    plan = _plan(org, start, depth, children, None)
    return "\n".join(_tree_lines(org, plan, counts=counts, clip_label=None, clip_id=None))
