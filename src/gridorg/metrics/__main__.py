"""Print the table of built-in metrics, or rewrite it in the Markdown pages named.

``python -m gridorg.metrics`` prints the table; ``python -m gridorg.metrics docs/metrics.md``
replaces the text between the page's table markers with it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from gridorg.metrics._docs import docs_table, with_table


def main(argv: list[str]) -> int:
    """Print the table when no page is named, else rewrite each page named; return 0."""
    if not argv:
        sys.stdout.write(docs_table())
    for name in argv:
        path = Path(name)
        path.write_text(with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
