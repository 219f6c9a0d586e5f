"""The notebook view of an organisation: plain text and self-contained HTML."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from gridorg._display_summary import _heading, _title, links_text, summary_table, summary_text
from gridorg._display_text import _check_org, _clip, _plural, _printable
from gridorg._display_tree import (
    _counts_text,
    _empty_text,
    _more_text,
    _Plan,
    _plan,
    _Row,
    _rows,
    _totals,
    _tree_lines,
)
from gridorg.hierarchy import Organisation

if TYPE_CHECKING:
    from gridorg.units import Unit

# Limits of the notebook view (``mimebundle``): units in the text tree and in the HTML tree,
# children listed under one unit, and display columns of a name or an id.
_PLAIN_UNITS: Final = 40
_PLAIN_CHILDREN: Final = 10
_HTML_UNITS: Final = 300
_HTML_CHILDREN: Final = 20
_CLIP_LABEL: Final = 40
_CLIP_ID: Final = 24


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
