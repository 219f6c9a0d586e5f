"""Views of an organisation for people: a text tree, a summary table, HTML, Mermaid and DOT.

Every function returns a string (or a mapping of strings); nothing prints. The views visit only
the units they show: a 20-line tree of a million-unit organisation reads 20 units, walking the
preorder columns (``size``, ``depth``) instead of building the whole tree.

Text output is aligned by *display width*, not by character count: a Chinese character
(East Asian wide or fullwidth) takes two terminal columns, a combining mark none. See
:func:`display_width` and :func:`pad`.
"""

from __future__ import annotations

from gridorg._display_graph import to_dot, to_mermaid
from gridorg._display_html import mimebundle
from gridorg._display_summary import links_text, summary_table, summary_text
from gridorg._display_text import display_width, pad
from gridorg._display_tree import render

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
