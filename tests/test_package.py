"""The package surface: exports, documentation table, import side effects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import gridorg

ROOT = Path(__file__).resolve().parent.parent


def test_all_is_sorted_and_complete() -> None:
    names = [n for n in gridorg.__all__ if n != "__version__"]
    assert names == sorted(names, key=lambda n: (not n.isupper(), n))
    for name in gridorg.__all__:
        assert hasattr(gridorg, name), name


def test_every_public_name_is_in_the_documentation_index() -> None:
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    missing = [n for n in gridorg.__all__ if n != "__version__" and f"`{n}`" not in index]
    assert missing == []


def test_every_public_name_has_a_docstring_starting_with_a_sentence() -> None:
    for name in gridorg.__all__:
        value = getattr(gridorg, name)
        if name.isupper() or isinstance(value, str):
            continue
        doc = value.__doc__ or ""
        first = doc.strip().splitlines()[0] if doc.strip() else ""
        assert first.endswith((".", ":")), f"{name}: {first!r}"


def test_import_is_quiet_and_light() -> None:
    code = (
        "import sys, gridorg; "
        "heavy = ('hypothesis', 'pandas', 'matplotlib', 'scipy'); "
        "heavy = [m for m in heavy if m in sys.modules]; "
        "print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
    assert done.stderr == ""


def test_submodules_load_on_attribute_access() -> None:
    assert gridorg.datasets.yinjiang().name
    with pytest.raises(AttributeError, match="nonexistent"):
        getattr(gridorg, "nonexistent")  # noqa: B009


def test_py_typed_marker_ships() -> None:
    assert (ROOT / "src" / "gridorg" / "py.typed").exists()
