"""The ``gridorg`` command line: exit codes, outputs and one-line errors."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

import gridorg
from gridorg import datasets
from gridorg.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_describe_preset_prints_summary_tree_and_audit() -> None:
    code, out, err = run("describe", "--preset", "yinjiang")
    assert code == 0, err
    assert "Yinjiang" in out
    assert "峨岭街道" in out
    assert "龙津街道" in out
    assert "Audit:" in out
    org = datasets.yinjiang()
    assert f"{len(org):,}" in out


def test_describe_json_report_matches_the_organisation() -> None:
    code, out, _ = run("describe", "--preset", "songtao", "--json")
    assert code == 0
    report = json.loads(out)
    org = datasets.songtao()
    assert report["units"] == len(org)
    assert report["by_tier"] == org.counts("tier")
    assert report["by_form"]["group"] == 73
    assert report["totals"]["households"] == int(
        org.totals("households")[org.column("parent") < 0].sum()
    )
    assert len(report["findings"]) == len(org.audit())


def test_describe_and_validate_a_file(tmp_path: Path) -> None:
    path = tmp_path / "songtao.json.gz"
    gridorg.dump_file(datasets.songtao(), path)
    code, out, _ = run("describe", str(path), "--depth", "1", "--findings", "0")
    assert code == 0
    assert "蓼皋街道" in out
    code, out, _ = run("validate", str(path))
    assert code == 0
    assert out == f"{path}: valid, {len(datasets.songtao()):,} units\n"


def test_validate_lists_every_problem(tmp_path: Path) -> None:
    document = gridorg.dump(datasets.songtao(), layout="records")
    document["units"][5]["households"] = -1
    document["units"][7]["parent"] = "nowhere"
    document["units"][9]["tier"] = 3
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    code, out, err = run("validate", str(path))
    assert code == 1
    assert err == ""
    lines = out.splitlines()
    assert lines[0].startswith(f"{path}: invalid, ")
    assert any("$.units[5].households" in line for line in lines)
    assert any("$.units[9].tier" in line for line in lines)


def test_describe_bad_file_gives_one_line_and_status_1(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    code, out, err = run("describe", str(path))
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("gridorg: error: ")
    code, _, err = run("describe", str(tmp_path / "missing.json"))
    assert code == 1
    assert err.count("\n") == 1
    assert "missing.json" in err


def test_invalid_document_in_describe_points_to_validate(tmp_path: Path) -> None:
    document = gridorg.dump(datasets.songtao())
    document["units"]["households"][3] = -5
    document["units"]["households"][4] = -5
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, _, err = run("describe", str(path))
    assert code == 1
    assert "and 1 more problems" in err
    assert err.count("\n") == 1


def test_schema_prints_the_json_schema() -> None:
    code, out, _ = run("schema")
    assert code == 0
    assert json.loads(out) == gridorg.json_schema()


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["describe"],
        ["describe", "--preset", "nowhere"],
        ["describe", "--preset", "yinjiang", "--depth", "-1"],
        ["frobnicate"],
        ["validate"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(*argv)
    assert code == 2
    assert "usage:" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run("--version")
    assert code == 0
    assert capsys.readouterr().out.strip() == f"gridorg {gridorg.__version__}"


def test_console_script_entry_point(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "gridorg.cli", "schema"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)["title"]


def test_gz_document_is_read(tmp_path: Path) -> None:
    path = tmp_path / "x.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(gridorg.dump(datasets.yinjiang()), handle)
    assert run("validate", str(path))[0] == 0


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run("--help")
    assert code == 0
    listed = capsys.readouterr().out
    for command in ("describe", "validate", "schema", "metrics", "merge", "simulate", "sweep"):
        assert f"    {command} " in listed


@pytest.mark.parametrize("command", ["metrics", "merge", "simulate", "sweep"])
def test_each_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(command, "--help")
    assert code == 0
    assert capsys.readouterr().out.startswith(f"usage: gridorg {command} ")
