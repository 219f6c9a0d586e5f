"""The examples in the documentation run and print what their recorded output says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "docs" / "examples").glob("*.py"))


def test_there_are_examples() -> None:
    assert EXAMPLES, "docs/examples holds no scripts"


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_output_matches_the_recording(script: Path) -> None:
    recorded = script.with_suffix(".out")
    assert recorded.exists(), f"{script.name} has no recorded output {recorded.name}"
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == recorded.read_text(encoding="utf-8")


def _python_blocks(markdown: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", markdown, flags=re.DOTALL)


@pytest.mark.parametrize(
    "page",
    [
        "README.md",
        "docs/quickstart.md",
        "docs/index.md",
        "docs/links.md",
        "docs/merging.md",
        "docs/routing.md",
        "docs/metrics.md",
        "docs/simulation.md",
    ],
)
def test_python_blocks_in_pages_run(page: str, tmp_path: Path) -> None:
    blocks = _python_blocks((ROOT / page).read_text(encoding="utf-8"))
    assert blocks, f"{page} shows no Python"
    script = tmp_path / "page.py"
    script.write_text("\n".join(blocks), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr


#: Pages whose ``text`` blocks record, in order, everything their Python blocks print.
RECORDED_PAGES = ["docs/routing.md", "docs/simulation.md"]


@pytest.mark.parametrize("page", RECORDED_PAGES)
def test_pages_print_what_their_text_blocks_record(page: str, tmp_path: Path) -> None:
    markdown = (ROOT / page).read_text(encoding="utf-8")
    recorded = "".join(re.findall(r"```text\n(.*?)```", markdown, flags=re.DOTALL))
    assert recorded, f"{page} records no output"
    script = tmp_path / "page.py"
    script.write_text("\n".join(_python_blocks(markdown)), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == recorded


def test_readme_starts_with_the_two_set_up_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "```sh"
    assert lines[1] == "pip install -e . && gridorg simulate --preset yinjiang"
    assert lines[2] == 'pip install -e ".[test]" && python -m pytest'
    assert lines[3] == "```"
