"""Diagrams of an organisation: Mermaid flowcharts and Graphviz DOT digraphs."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from gridorg._display_text import _ESCAPED, _check_int, _check_limit, _check_org, _plural
from gridorg.hierarchy import Organisation

if TYPE_CHECKING:
    from gridorg.units import Unit

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


def _diagram_choice(
    org: Organisation, max_depth: int | None, max_units: int
) -> tuple[Organisation, npt.NDArray[np.int64], int]:
    """A diagram's arguments checked, then the units it shows and how many it leaves out."""
    org = _check_org(org)
    depth = _check_limit("max_depth", max_depth, minimum=0)
    limit = _check_int("max_units", max_units, minimum=1)
    chosen, left_out = _diagram_units(org, depth, limit)
    return org, chosen, left_out


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
    org, chosen, left_out = _diagram_choice(org, max_depth, max_units)
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
    org, chosen, left_out = _diagram_choice(org, max_depth, max_units)
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
