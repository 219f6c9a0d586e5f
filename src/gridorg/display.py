"""Views of an organisation for people: a text tree, a summary table, HTML, Mermaid and DOT.

Every function returns a string (or a mapping of strings); nothing prints. The views visit only
the units they show: a 20-line tree of a million-unit organisation reads 20 units, walking the
preorder columns (``size``, ``depth``) instead of building the whole tree.

Text output is aligned by *display width*, not by character count: a Chinese character
(East Asian wide or fullwidth) takes two terminal columns, a combining mark none. See
:func:`display_width` and :func:`pad`.
"""

from __future__ import annotations

import html
import unicodedata
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import numpy.typing as npt

from gridorg.errors import ArgumentTypeError, InvalidArgumentError
from gridorg.hierarchy import CountField, Organisation
from gridorg.tiers import FORMS, PartyForm

if TYPE_CHECKING:
    from collections.abc import Iterator

    from gridorg.units import Unit

__all__ = [
    "display_width",
    "links_text",
    "mimebundle",
    "pad",
    "render",
    "summary_table",
    "summary_text",
    "to_dot",
    "to_mermaid",
]

#: The count fields, in the order views list them.
_FIELDS: Final[tuple[CountField, ...]] = ("households", "party_members", "gridders")
#: How the text tree names each count (singular, plural).
_NOUNS: Final = (("household", "households"), ("member", "members"), ("gridder", "gridders"))
#: Column headings of the summary for the count fields.
_HEADINGS: Final = {
    "households": "households",
    "party_members": "party members",
    "gridders": "gridders",
}
_NO_FORM: Final = "no form"

# Limits of the notebook view (``mimebundle``): units in the text tree and in the HTML tree,
# children listed under one unit, and display columns of a name or an id.
_PLAIN_UNITS: Final = 40
_PLAIN_CHILDREN: Final = 10
_HTML_UNITS: Final = 300
_HTML_CHILDREN: Final = 20
_CLIP_LABEL: Final = 40
_CLIP_ID: Final = 24

_GAP: Final = "  "
_ZERO_WIDTH: Final = frozenset({"Mn", "Me", "Cf", "Cc"})
_ESCAPED: Final = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI_CONTROLS: Final = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})


# ---------------------------------------------------------------------------- text widths


def display_width(text: str) -> int:
    """The number of terminal columns ``text`` takes.

    East Asian wide and fullwidth characters (Chinese, Japanese, Korean, fullwidth forms) count
    two, combining marks, format characters and control characters zero, everything else one
    (ambiguous-width characters such as box-drawing lines count one, as in most terminals).
    """
    _check_str("display_width() text", text)
    if text.isascii() and text.isprintable():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in _ZERO_WIDTH:
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


def pad(text: str, width: int, *, align: Literal["left", "right"] = "left") -> str:
    """``text`` padded with spaces to ``width`` display columns (see :func:`display_width`).

    ``align="left"`` adds the spaces on the right, ``"right"`` on the left. Text already wider
    than ``width`` is returned unchanged.
    """
    _check_str("pad() text", text)
    if isinstance(width, bool) or not isinstance(width, int | np.integer):
        msg = f"pad() width must be an integer, got {type(width).__name__}"
        raise ArgumentTypeError(msg)
    if align not in ("left", "right"):
        msg = f"pad() align must be 'left' or 'right', got {align!r}"
        raise InvalidArgumentError(msg)
    fill = " " * max(0, int(width) - display_width(text))
    return text + fill if align == "left" else fill + text


def _printable(text: str) -> str:
    """``text`` with line breaks, control characters, bidirectional overrides and lone
    surrogates escaped, so that it stays on its line and in its place."""
    if text.isprintable():
        return text
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char) in _ESCAPED
        or unicodedata.bidirectional(char) in _BIDI_CONTROLS
        else char
        for char in text
    )


def _clip(text: str, width: int | None) -> str:
    """``text`` cut to at most ``width`` display columns, ending in an ellipsis when cut."""
    if width is None or display_width(text) <= width:
        return text
    kept: list[str] = []
    used = 0
    for char in text:
        step = display_width(char)
        if used + step > width - 1:
            break
        kept.append(char)
        used += step
    return "".join(kept) + "…"


def _plural(count: int, nouns: tuple[str, str]) -> str:
    return f"{count:,} {nouns[0] if count == 1 else nouns[1]}"


# ---------------------------------------------------------------------------- arguments


def _check_org(org: object) -> Organisation:
    if not isinstance(org, Organisation):
        msg = f"expected an Organisation, got {type(org).__name__}"
        raise ArgumentTypeError(msg)
    return org


def _check_str(name: str, value: object) -> None:
    if not isinstance(value, str):
        msg = f"{name} must be a string, got {type(value).__name__}"
        raise ArgumentTypeError(msg)


def _check_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        msg = f"{name} must be True or False, got {type(value).__name__}"
        raise ArgumentTypeError(msg)


def _check_int(name: str, value: object, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        msg = f"{name} must be an integer, got {type(value).__name__}"
        raise ArgumentTypeError(msg)
    number = int(value)
    if number < minimum:
        kind = "non-negative" if minimum == 0 else f"at least {minimum}"
        msg = f"{name} must be {kind}, got {number}"
        raise InvalidArgumentError(msg)
    return number


def _check_limit(name: str, value: object, *, minimum: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        msg = f"{name} must be an integer or None, got {type(value).__name__}"
        raise ArgumentTypeError(msg)
    return _check_int(name, value, minimum=minimum)


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


# ---------------------------------------------------------------------------- summary


def summary_table(org: Organisation) -> list[tuple[str | int, ...]]:
    """Unit counts by tier and party form, with each tier's totals, as rows of a table.

    The first row is the header: ``"tier"``, each party form present (as :class:`PartyForm`
    members, highest first), ``"no form"``, ``"units"``, ``"households"``,
    ``"party_members"`` and ``"gridders"``. Then one row per tier of the scheme, top first
    (tiers without units included), whose counts are the units of that tier and the sums of
    their own households, party members and gridders; the last row, ``"total"``, sums the
    columns.
    """
    org = _check_org(org)
    cells = org.counts(("tier", "form"))
    present = {form for _, form in cells}
    forms = [form for form in FORMS if form in present]
    names = org.scheme.names
    tier_codes = org.column("tier").astype(np.intp)
    sums = {}
    for field in _FIELDS:
        total = np.zeros(len(names), dtype=np.int64)
        np.add.at(total, tier_codes, org.column(field).astype(np.int64))
        sums[field] = total.tolist()
    per_tier = np.bincount(tier_codes, minlength=len(names)).tolist()
    header: tuple[str | int, ...] = ("tier", *forms, _NO_FORM, "units", *_FIELDS)
    rows: list[tuple[str | int, ...]] = [header]
    for t, name in enumerate(names):
        by_form = [cells.get((name, form), 0) for form in (*forms, None)]
        rows.append((name, *by_form, per_tier[t], *(sums[f][t] for f in _FIELDS)))
    columns = len(header) - 1
    totals = [sum(int(row[c + 1]) for row in rows[1:]) for c in range(columns)]
    rows.append(("total", *totals))
    return rows


def _heading(value: str | int) -> str:
    if isinstance(value, PartyForm):
        return value.label
    return _HEADINGS.get(str(value), str(value))


def _title(org: Organisation) -> str:
    label = f" {org.name!r}" if org.name else ""
    return f"Organisation{label}: {_plural(len(org), ('unit', 'units'))}"


def links_text(org: Organisation) -> str:
    """One line on the organisation's cross-links, or ``""`` when it records none.

    >>> links_text(gridorg.datasets.songtao())  # doctest: +SKIP
    'cross-links: 45 committee memberships, 3,383 registrations, ...; 194 partners (13
    departments), 3,292 people, 12 sites'
    """
    links = org.links
    if links.is_empty:
        return ""
    kinds = [
        _plural(n, (kind.replace("_", " "), _KIND_PLURALS.get(kind, kind.replace("_", " ") + "s")))
        for kind, n in links.counts().items()
        if n
    ]
    things = [
        _plural(len(links.partners), ("partner", "partners"))
        + (
            f" ({_plural(len(links.departments), ('department', 'departments'))})"
            if links.departments
            else ""
        ),
        _plural(len(links.people), ("person", "people")),
        _plural(len(links.sites), ("site", "sites")),
    ]
    return f"cross-links: {', '.join(kinds) or 'no links'}; {', '.join(things)}"


_KIND_PLURALS: Final = {"sinking": "sinkings", "serving": "servings", "joining": "joinings"}


def summary_text(org: Organisation) -> str:
    """The :func:`summary_table` as aligned text under a one-line title.

    Tier names are left-aligned, numbers right-aligned with thousands separators; Chinese
    form labels in the header are measured by display width, so the columns line up. When the
    organisation records cross-links, a last line counts them (:func:`links_text`).
    """
    rows = summary_table(org)
    text = [
        [_heading(v) for v in rows[0]],
        *([str(row[0]), *(f"{int(v):,}" for v in row[1:])] for row in rows[1:]),
    ]
    widths = [max(display_width(line[c]) for line in text) for c in range(len(text[0]))]
    lines = [_title(org)]
    for line in text:
        cells = [pad(line[0], widths[0])]
        cells.extend(pad(v, w, align="right") for v, w in zip(line[1:], widths[1:], strict=True))
        lines.append(_GAP.join(cells).rstrip())
    extra = links_text(org)
    if extra:
        lines.append(extra)
    return "\n".join(lines)


# ---------------------------------------------------------------------------- HTML

_PADDING = "padding:2px 8px;"
_DIM = "color:#666;"
_INDENT = "margin-left:1.4em;"
_LEAF = "padding-left:1.1em;"


def _cell(tag: str, text: str, *, left: bool = False, rule: str = "") -> str:
    align = "left" if left else "right"
    border = f"border-{rule}:1px solid #999;" if rule else ""
    return f'<{tag} style="{_PADDING}text-align:{align};{border}">{html.escape(text)}</{tag}>'


def _html_table(org: Organisation) -> str:
    rows = summary_table(org)
    head = "".join(
        _cell("th", _heading(v), left=i == 0, rule="bottom") for i, v in enumerate(rows[0])
    )
    body: list[str] = []
    for r, row in enumerate(rows[1:], start=1):
        rule = "top" if r == len(rows) - 1 else ""
        cells = [_cell("td", str(row[0]), left=True, rule=rule)]
        cells.extend(_cell("td", f"{int(v):,}", rule=rule) for v in row[1:])
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        '<table style="border-collapse:collapse;margin:4px 0;">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _html_label(plan: _Plan, row: _Row, unit: Unit, totals: list[npt.NDArray[np.int64]]) -> str:
    unit_id = html.escape(_clip(_printable(unit.id), _CLIP_ID))
    if unit.name:
        label = f"<b>{html.escape(_clip(_printable(unit.name), _CLIP_LABEL))}</b>"
        label += f' <span style="{_DIM}">[{unit_id}]</span>'
    else:
        label = f"<b>{unit_id}</b>"
    kind = unit.tier if unit.form is None else f"{unit.tier} · {unit.form.label}"
    label += f' <span style="{_DIM}">{html.escape(kind)}</span>'
    amounts = _counts_text(totals, row.position)
    if amounts:
        label += f" <span>{html.escape(amounts)}</span>"
    below = int(plan.size[row.position]) - 1
    if not row.opens and below:
        label += f' <i style="{_DIM}">(+{_plural(below, ("unit", "units"))} below)</i>'
    return label


def _html_tree(org: Organisation) -> str:
    if not len(org):
        return f'<div style="{_DIM}">(no units)</div>'
    plan = _plan(org, None, None, _HTML_CHILDREN, _HTML_UNITS)
    rows = list(_rows(plan))
    positions = np.array([r.position for r in rows if r.position >= 0], dtype=np.int64)
    units = iter(org.units_at(positions))
    totals = _totals(org)
    out: list[str] = []
    open_levels: list[int] = []
    for row in rows:
        while open_levels and open_levels[-1] >= row.level:
            open_levels.pop()
            out.append("</div></details>")
        if row.position < 0:
            out.append(f'<div style="{_LEAF}{_DIM}">{html.escape(_more_text(row.more))}</div>')
            continue
        label = _html_label(plan, row, next(units), totals)
        if row.opens:
            shown = " open" if row.level == 0 else ""
            out.append(f'<details{shown}><summary>{label}</summary><div style="{_INDENT}">')
            open_levels.append(row.level)
        else:
            out.append(f'<div style="{_LEAF}">{label}</div>')
    out.extend("</div></details>" for _ in open_levels)
    return "".join(out)


def _html_links(org: Organisation) -> str:
    text = links_text(org)
    return f'<div style="{_DIM}margin:4px 0;">{html.escape(text)}</div>' if text else ""


def mimebundle(org: Organisation) -> dict[str, str]:
    """The notebook view of an organisation: ``text/plain`` and self-contained ``text/html``.

    The plain text is the :func:`summary_text` and a tree of at most 40 units. The HTML holds
    the summary table and a collapsible tree (nested ``<details>``) of at most 300 units, with
    "… N more units" notes where children are left out; it uses inline styles only, no
    scripts and no external resources, and every name is escaped. Both stay small however
    large the organisation is.
    """
    org = _check_org(org)
    if len(org):
        plan = _plan(org, None, None, _PLAIN_CHILDREN, _PLAIN_UNITS)
        tree = "\n".join(
            _tree_lines(org, plan, counts=True, clip_label=_CLIP_LABEL, clip_id=_CLIP_ID)
        )
    else:
        tree = _empty_text(org)
    plain = f"{summary_text(org)}\n\n{tree}"
    title = html.escape(_title(org))
    page = (
        '<div style="font-family:sans-serif;font-size:13px;line-height:1.5;">'
        f'<div style="font-weight:bold;">{title}</div>'
        f"{_html_table(org)}{_html_links(org)}{_html_tree(org)}</div>"
    )
    return {"text/plain": plain, "text/html": page}


# ---------------------------------------------------------------------------- diagrams


def _diagram_units(
    org: Organisation, max_depth: int | None, max_units: int
) -> tuple[npt.NDArray[np.int64], int]:
    """The units a diagram shows, in preorder, and how many more it leaves out.

    Units are taken level by level from the top (each level in tree order), so every shown
    unit's parent is shown too.
    """
    depth = org.column("depth")
    if not len(org):
        return np.zeros(0, dtype=np.int64), 0
    levels = np.bincount(depth)
    if max_depth is not None:
        levels = levels[: max_depth + 1]
    wanted = int(levels.sum())
    reach = np.cumsum(levels)
    if wanted <= max_units:
        chosen = np.flatnonzero(depth < len(levels))
        return chosen.astype(np.int64), 0
    cut = int(np.searchsorted(reach, max_units, side="right"))  # first level that overflows
    whole = np.flatnonzero(depth < cut)
    partial = np.flatnonzero(depth == cut)[: max_units - len(whole)]
    chosen = np.sort(np.concatenate([whole, partial]))
    return chosen.astype(np.int64), wanted - max_units


def _diagram_text(unit: Unit) -> tuple[str, str]:
    """A unit's label in a diagram: its name and id, and its tier and form."""
    title = f"{unit.name} [{unit.id}]" if unit.name else unit.id
    kind = unit.tier if unit.form is None else f"{unit.tier} · {unit.form.label}"
    return title, kind


_MERMAID_CODES: Final = {c: f"#{ord(c)};" for c in '"#&<>`'}


def _mermaid_text(text: str) -> str:
    flat = "".join(" " if unicodedata.category(c) in _ESCAPED else c for c in text)
    return "".join(_MERMAID_CODES.get(c, c) for c in flat)


def to_mermaid(org: Organisation, *, max_depth: int | None = None, max_units: int = 500) -> str:
    """A Mermaid ``flowchart TD`` of the organisation: one node per unit, parent → child.

    Node ids are generated (``n`` and the unit's position), so unit ids of any characters are
    safe; labels show the name, id, tier and party form, with quotes, ``#``, ``&``, ``<``,
    ``>`` and backticks written as Mermaid entity codes (``#34;``). ``max_depth`` limits the
    levels; at most ``max_units`` units are drawn, the top levels first, and a note node says
    how many were left out.
    """
    org = _check_org(org)
    depth = _check_limit("max_depth", max_depth, minimum=0)
    limit = _check_int("max_units", max_units, minimum=1)
    chosen, left_out = _diagram_units(org, depth, limit)
    units = org.units_at(chosen)
    parent = org.column("parent")
    lines = ["flowchart TD"]
    for position, unit in zip(chosen.tolist(), units, strict=True):
        text = " · ".join(_diagram_text(unit))
        lines.append(f'    n{position}["{_mermaid_text(text)}"]')
    lines.extend(f"    n{int(parent[p])} --> n{p}" for p in chosen.tolist() if int(parent[p]) >= 0)
    if left_out:
        note = f"… {_plural(left_out, ('more unit', 'more units'))} not shown"
        lines.append(f'    more["{_mermaid_text(note)}"]')
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    out: list[str] = []
    for char in text.replace("\r\n", "\n"):
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char in "\n\r":
            out.append("\\n")
        elif unicodedata.category(char) in _ESCAPED:
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def to_dot(org: Organisation, *, max_depth: int | None = None, max_units: int = 500) -> str:
    """A Graphviz DOT ``digraph`` of the organisation: one box per unit, parent → child.

    Node names are generated (``n`` and the unit's position), because DOT cannot quote every
    possible string exactly; the unit's name, id, tier and party form are in its label, as a
    quoted string with backslashes, quotes and line breaks escaped. ``max_depth`` and
    ``max_units`` limit the drawing as in :func:`to_mermaid`.
    """
    org = _check_org(org)
    depth = _check_limit("max_depth", max_depth, minimum=0)
    limit = _check_int("max_units", max_units, minimum=1)
    chosen, left_out = _diagram_units(org, depth, limit)
    units = org.units_at(chosen)
    parent = org.column("parent")
    lines = ["digraph organisation {"]
    if org.name:
        lines.append(f'    graph [label="{_dot_text(org.name)}", labelloc=t];')
    lines.append("    node [shape=box];")
    for position, unit in zip(chosen.tolist(), units, strict=True):
        text = "\\n".join(_dot_text(t) for t in _diagram_text(unit))
        lines.append(f'    n{position} [label="{text}"];')
    lines.extend(f"    n{int(parent[p])} -> n{p};" for p in chosen.tolist() if int(parent[p]) >= 0)
    if left_out:
        note = f"… {_plural(left_out, ('more unit', 'more units'))} not shown"
        lines.append(f'    more [shape=plaintext, label="{_dot_text(note)}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
