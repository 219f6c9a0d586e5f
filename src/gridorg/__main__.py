"""Run the ``gridorg`` command line as ``python -m gridorg``."""

from __future__ import annotations

import sys

from gridorg.cli import main

if __name__ == "__main__":
    sys.exit(main())
