"""The table of built-in metrics for the documentation, generated from the registry."""

from __future__ import annotations

from typing import Final

from gridorg.errors import InvalidArgumentError
from gridorg.metrics._registry import BREAKDOWNS, NEEDS, available

__all__ = ["docs_table", "with_table"]


def docs_table(provider: str = "gridorg") -> str:
    """The Markdown table of every metric ``provider`` registers: unit, needs, breakdowns,
    formula and source, in registration order (the table of ``docs/metrics.md``)."""
    lines = [
        "| metric | unit | needs | by | formula | source |",
        "|---|---|---|---|---|---|",
    ]
    for info in available():
        if info.provider != provider:
            continue
        needs = ", ".join(n for n in NEEDS if n in info.needs)
        by = ", ".join(b for b in BREAKDOWNS if b in info.by) or "—"
        cells = (f"`{info.name}`", info.unit, needs or "—", by, info.formula or "—", info.source)
        lines.append("| " + " | ".join(_escape(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


START: Final = "<!-- metrics-table:start -->\n"
END: Final = "<!-- metrics-table:end -->"


def with_table(page: str) -> str:
    """``page`` with the text between its table markers replaced by :func:`docs_table`."""
    head, start, rest = page.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        msg = f"the page has no table markers {START.strip()!r} ... {END!r}"
        raise InvalidArgumentError(msg)
    return head + START + docs_table() + END + tail
