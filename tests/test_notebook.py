"""The tutorial notebook runs from top to bottom and shows what its text says."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.ipynb"
#: The notebook backend: figures drawn by Agg and sent as PNG, no display needed.
INLINE = "module://matplotlib_inline.backend_inline"


def _read() -> Any:
    """The stored tutorial, as nbformat's version 4 notebook node."""
    return nbformat.read(TUTORIAL, as_version=4)  # type: ignore[no-untyped-call]


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The tutorial after running every cell in a fresh kernel, in an empty directory."""
    work = tmp_path_factory.mktemp("tutorial")
    notebook = _read()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MPLBACKEND", INLINE)
        patch.setenv("JUPYTER_RUNTIME_DIR", str(work / "runtime"))
        client = NotebookClient(
            notebook,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(work)}},
        )
        client.execute()  # raises CellExecutionError on the first failing cell
    return notebook


def _cell(notebook: Any, cell_id: str) -> Any:
    found = [cell for cell in notebook.cells if cell.get("id") == cell_id]
    assert len(found) == 1, f"the tutorial has {len(found)} cells with the id {cell_id!r}"
    return found[0]


def _text(cell: Any) -> str:
    """Everything a code cell printed or displayed as text, joined."""
    parts: list[str] = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.extend(
                str(output.data[kind])
                for kind in ("text/plain", "text/markdown")
                if kind in output.data
            )
    return "".join(parts)


def test_the_stored_tutorial_has_no_outputs() -> None:
    notebook = _read()
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)


def test_every_cell_runs_without_an_error(executed: Any) -> None:
    for cell in executed.cells:
        if cell.cell_type == "code":
            kinds = [output.output_type for output in cell.outputs]
            assert "error" not in kinds, cell.source
            assert cell.execution_count is not None, cell.source


def test_the_merge_gives_songtao_its_102_comprehensive_grids(executed: Any) -> None:
    # DOMAIN.md §5: Songtao set up 102 comprehensive grids (综合网格) after 多网合一.
    text = _text(_cell(executed, "merge"))
    assert "102 comprehensive grids, 0 outside the bounds" in text
    assert "'grid': 102" in text


def test_the_routing_cell_decides_for_every_issue(executed: Any) -> None:
    lines = _text(_cell(executed, "route")).splitlines()
    assert [line.split()[0] for line in lines] == ["T1", "T2", "T3", "T4"]
    assert "whistle" in lines[2]


def test_the_simulation_and_metrics_show(executed: Any) -> None:
    assert "arrivals" in _text(_cell(executed, "simulate"))
    assert "cases.closure_rate" in _text(_cell(executed, "metrics-cases"))
    assert "rates.satisfaction_rate" in _text(_cell(executed, "metrics-rates"))


def test_the_comparison_table_has_both_policies(executed: Any) -> None:
    table = _text(_cell(executed, "compare"))
    rows = [line for line in table.splitlines() if line.startswith("| ")][1:]
    assert {row.split("|")[1].strip() for row in rows} == {"MatrixTriage", "FiveTierTriage"}
    assert "95% CI" in table
    assert " to " in rows[0]


def test_the_plot_is_drawn(executed: Any) -> None:
    outputs = _cell(executed, "plot").outputs
    assert any("image/png" in output.get("data", {}) for output in outputs)
