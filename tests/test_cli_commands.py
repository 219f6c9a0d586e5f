"""The ``metrics``, ``merge``, ``simulate`` and ``sweep`` commands: outputs, files, progress
and one-line errors with clean exit statuses."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import gridorg
from gridorg import datasets
from gridorg._cli_args import parameter
from gridorg._cli_output import FIELDS, event_records, write_jsonl, write_parquet
from gridorg._cli_progress import ProgressBar
from gridorg.cli import main
from gridorg.lifecycle import CaseEvent, CaseLog
from gridorg.merge import MergeResult, merge_networks
from gridorg.metrics import compute
from gridorg.schema import load_value


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# ----------------------------------------------------------------------------- metrics


def test_metrics_of_a_preset_prints_every_set_the_organisation_gives() -> None:
    code, out, err = run("metrics", "--preset", "yinjiang")
    assert code == 0, err
    assert out.startswith("# Metrics of Yinjiang")
    assert "## structure" in out
    assert "## access" in out
    assert "## cases" not in out  # needs a case log
    org = datasets.yinjiang()
    assert (
        f"| structure.grids |  | {compute('structure.grids', org=org)['structure.grids']} |"
        in (out)
    )


def test_metrics_json_by_community_matches_compute() -> None:
    code, out, _ = run("metrics", "--preset", "songtao", "--set", "structure", "--by", "community")
    assert code == 0
    code, out, _ = run(
        "metrics", "--preset", "songtao", "--set", "structure", "--by", "community", "--json"
    )
    assert code == 0
    report = json.loads(out)
    expected = compute("structure", org=datasets.songtao(), by="community")
    assert report["sets"] == ["structure"]
    assert report["by"] == "community"
    assert report["metrics"] == json.loads(json.dumps(expected.to_dict()))
    assert report["skipped"] == expected.skipped


def test_metrics_named_metrics_only() -> None:
    code, out, _ = run(
        "metrics",
        "--preset",
        "yinjiang",
        "--metric",
        "structure.grids",
        "--metric",
        "access.coverage",
    )
    assert code == 0
    rows = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line]
    assert [row.split(" | ")[0] for row in rows] == [
        "| metric",
        "| structure.grids",
        "| access.coverage",
    ]


def test_metrics_of_a_file_equal_those_of_the_preset(tmp_path: Path) -> None:
    path = tmp_path / "songtao.json.gz"
    gridorg.dump_file(datasets.songtao(), path)
    code, from_file, _ = run("metrics", str(path), "--json")
    assert code == 0
    _, from_preset, _ = run("metrics", "--preset", "songtao", "--json")
    file_report, preset_report = json.loads(from_file), json.loads(from_preset)
    assert file_report["source"] == str(path)
    assert file_report["metrics"] == preset_report["metrics"]


# ----------------------------------------------------------------------------- merge


def test_merge_prints_the_report_and_the_metrics() -> None:
    code, out, err = run("merge", "--preset", "songtao")
    assert code == 0, err
    assert "| grids | 102 |" in out
    assert "| grids outside the bounds | 0 |" in out
    assert "## merge metrics" in out
    assert "| merge.grids |  | 102 | grids |" in out


def test_merge_json_and_out_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "merge.json"
    code, out, err = run("merge", "--preset", "songtao", "--json", "--out", str(path))
    assert code == 0
    assert err == f"gridorg: wrote {path}\n"
    report = json.loads(out)
    base, networks, (low, high) = datasets.songtao_networks()
    expected = merge_networks(networks, base, min_households=low, max_households=high)
    assert report["bounds"] == [low, high]
    assert report["report"]["grids"] == expected.report.grids == 102
    assert report["metrics"]["merge.grids"] == {"value": 102, "unit": "grids"}
    loaded = load_value(json.loads(path.read_text(encoding="utf-8")))
    assert isinstance(loaded, MergeResult)
    assert loaded.grid_ids == expected.grid_ids
    assert np.array_equal(loaded.assignment, expected.assignment)


def test_merge_bounds_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "merge.json.gz"
    code, out, _ = run(
        "merge",
        "--preset",
        "songtao",
        "--min",
        "300",
        "--max",
        "700",
        "--json",
        "--out",
        str(path),
    )
    assert code == 0
    report = json.loads(out)
    assert report["bounds"] == [300, 700]
    assert report["report"]["grids"] < 102  # larger grids, fewer of them
    assert path.read_bytes()[:2] == b"\x1f\x8b"  # gzip


# ----------------------------------------------------------------------------- progress


def test_progress_bar_text() -> None:
    bar = ProgressBar(io.StringIO(), unit="days", width=10)
    assert bar.render(153, 365) == "[####......]  41% 153/365 days"
    assert bar.render(0, 7) == "[..........]   0% 0/7 days"
    assert bar.render(400, 365) == "[##########] 100% 365/365 days"
    assert bar.render(3.2, 7.5) == "[####......]  42% 3/7.5 days"
    assert bar.render(0, 0) == "[##########] 100% 0/0 days"


def test_progress_bar_off_a_terminal_writes_at_most_ten_lines() -> None:
    stream = io.StringIO()
    with ProgressBar(stream, tty=False) as bar:
        for day in np.linspace(0, 365, 101):
            bar(float(day), 365.0)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 10
    assert "\r" not in stream.getvalue()
    assert lines[0].endswith(" 10% 36/365 days")
    assert lines[-1].endswith("100% 365/365 days")


def test_progress_bar_on_a_terminal_redraws_in_place() -> None:
    stream = io.StringIO()
    with ProgressBar(stream, tty=True, width=10) as bar:
        bar(0, 4)
        bar(0, 4)  # unchanged: not redrawn
        bar(2, 4)
        bar(4, 4)
    text = stream.getvalue()
    assert text.count("\r") == 3
    assert text.endswith("4/4 days\n")
    assert text.split("\r")[-1] == "[##########] 100% 4/4 days\n"


def test_progress_bar_disabled_draws_nothing() -> None:
    stream = io.StringIO()
    with ProgressBar(stream, tty=True, enabled=False) as bar:
        bar(1, 2)
    assert stream.getvalue() == ""
    assert bar.lines == 0


# ----------------------------------------------------------------------------- --param


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("capacity.grid=1,2", ("capacity.grid", [1, 2])),
        ("reopen=0.05, 0.1", ("reopen", [0.05, 0.1])),
        ("escalate_on_deadline=true,False", ("escalate_on_deadline", [True, False])),
        ("spread=households,uniform", ("spread", ["households", "uniform"])),
        ("arrivals.per_day.environment=2", ("arrivals.per_day.environment", [2])),
    ],
)
def test_parameter_syntax(text: str, expected: tuple[str, list[Any]]) -> None:
    assert parameter(text) == expected


# ----------------------------------------------------------------------------- case log files


def _small_log() -> CaseLog:
    t = dt.datetime(2024, 3, 1, 1, 0, tzinfo=dt.UTC)
    hour = dt.timedelta(hours=1)
    log = CaseLog()
    log.append(CaseEvent("A", t, "collected", actor="G1"))
    log.register("A", category="environment", origin="G1")
    log.append(CaseEvent("A", t + hour, "filed", due=t + 48 * hour))
    log.append(CaseEvent("B", t + hour, "collected", note="by phone"))
    log.append(CaseEvent("A", t + 2 * hour, "handling", actor="G1"))
    log.append(CaseEvent("A", t + 3 * hour, "replied", actor="G1", rating=5))
    return log


def test_jsonl_holds_every_event_with_every_field(tmp_path: Path) -> None:
    from zoneinfo import ZoneInfo

    log = _small_log()
    path = tmp_path / "cases.jsonl"
    assert write_jsonl(log, path, ZoneInfo("Asia/Shanghai")) == len(log)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert all(tuple(record) == FIELDS for record in records)
    assert records[0]["time"] == "2024-03-01T09:00:00+08:00"
    assert records[1]["due"] == "2024-03-03T09:00:00+08:00"
    assert records[2] == {
        "case": "B",
        "time": "2024-03-01T10:00:00+08:00",
        "state": "collected",
        "actor": "",
        "note": "by phone",
        "due": None,
        "rating": None,
        "category": None,
        "origin": None,
    }
    assert records[4]["rating"] == 5
    assert {r["category"] for r in records if r["case"] == "A"} == {"environment"}
    rebuilt = [
        CaseEvent(
            r["case"],
            dt.datetime.fromisoformat(r["time"]),
            r["state"],
            actor=r["actor"],
            note=r["note"],
            due=None if r["due"] is None else dt.datetime.fromisoformat(r["due"]),
            rating=r["rating"],
        )
        for r in records
    ]
    assert rebuilt == list(log)


def test_parquet_is_skipped_with_a_note_without_pyarrow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import fails
    err = io.StringIO()
    assert not write_parquet(_small_log(), tmp_path / "cases.parquet", err)
    assert not (tmp_path / "cases.parquet").exists()
    assert err.getvalue().count("\n") == 1
    assert "pyarrow" in err.getvalue()
    assert "gridorg[parquet]" in err.getvalue()


class _FakeArray:
    def __init__(self, values: Any, type: Any = None, mask: Any = None) -> None:
        self.values = list(values)
        self.type = type
        self.mask = None if mask is None else list(mask)

    def cells(self) -> list[Any]:
        if self.mask is None:
            return self.values
        return [None if hidden else v for v, hidden in zip(self.values, self.mask, strict=True)]


def _fake_pyarrow(written: dict[str, Any]) -> tuple[types.ModuleType, types.ModuleType]:
    pa = types.ModuleType("pyarrow")
    pq = types.ModuleType("pyarrow.parquet")
    pa.string = lambda: "string"  # type: ignore[attr-defined]
    pa.int8 = lambda: "int8"  # type: ignore[attr-defined]
    pa.timestamp = lambda unit, tz=None: f"timestamp[{unit}, {tz}]"  # type: ignore[attr-defined]
    pa.array = _FakeArray  # type: ignore[attr-defined]
    pa.table = dict  # type: ignore[attr-defined]

    def write_table(table: dict[str, _FakeArray], where: str) -> None:
        written["path"] = where
        written["table"] = table
        Path(where).write_bytes(b"PAR1")

    pq.write_table = write_table  # type: ignore[attr-defined]
    pa.parquet = pq  # type: ignore[attr-defined]
    return pa, pq


def test_parquet_writer_with_a_stand_in_pyarrow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: dict[str, Any] = {}
    pa, pq = _fake_pyarrow(written)
    monkeypatch.setitem(sys.modules, "pyarrow", pa)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", pq)
    log = _small_log()
    err = io.StringIO()
    path = tmp_path / "cases.parquet"
    assert write_parquet(log, path, err)
    assert err.getvalue() == ""
    assert written["path"] == str(path)
    table: dict[str, _FakeArray] = written["table"]
    assert tuple(table) == FIELDS
    records = list(event_records(log, dt.UTC))
    for field in ("case", "state", "actor", "note", "rating", "category", "origin"):
        assert table[field].cells() == [r[field] for r in records], field
    assert table["time"].type == "timestamp[us, UTC]"
    times = [
        dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=int(us))
        for us in table["time"].cells()
    ]
    assert times == [e.time for e in log]
    assert table["due"].cells()[0] is None
    assert table["due"].cells()[1] is not None
    assert table["rating"].type == "int8"


# ----------------------------------------------------------------------------- failures


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str], status: int) -> tuple[str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    assert code == status, captured.err
    assert "Traceback" not in captured.err
    return captured.out, captured.err


@pytest.mark.parametrize(
    "argv",
    [
        ["metrics", "--preset", "nowhere"],
        ["metrics", "--preset", "yinjiang", "--set", "nope"],
        ["metrics", "--preset", "yinjiang", "--by", "district"],
        ["metrics", "--preset", "yinjiang", "--set", "structure", "--metric", "structure.grids"],
        ["metrics"],
        ["merge", "--preset", "yinjiang"],
        ["merge", "--preset", "songtao", "--min", "0"],
        ["simulate", "--preset", "nowhere"],
        ["simulate", "--preset", "yinjiang", "--days", "0"],
        ["simulate", "--preset", "yinjiang", "--days", "a year"],
        ["simulate", "--preset", "yinjiang", "--seed", "-1"],
        ["sweep", "--preset", "yinjiang", "--param", "capacity.grid"],
        ["sweep", "--preset", "yinjiang", "--param", "capacity.grid="],
        ["sweep", "--preset", "yinjiang", "--param", "capacity.grid=1,,2"],
        ["sweep", "--preset", "yinjiang", "--param", "=1,2"],
        ["sweep", "--preset", "yinjiang", "--jobs", "0"],
        ["sweep", "--preset", "yinjiang", "--seeds", "0"],
        ["sweep", "--preset", "yinjiang", "--backend", "spark"],
        ["sweep", "--preset", "yinjiang", "--confidence", "1.5"],
    ],
)
def test_usage_errors_exit_2_with_the_reason(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    out, err = _fails(capsys, argv, 2)
    assert out == ""
    assert err.startswith("usage: gridorg")
    assert err.splitlines()[-1].startswith(f"gridorg {argv[0]}: error: ")


def test_unknown_metric_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    out, err = _fails(capsys, ["metrics", "--preset", "yinjiang", "--metric", "structure.gird"], 1)
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("gridorg: error: ")
    assert "structure.gird" in err


def test_metric_needing_a_log_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    _, err = _fails(capsys, ["metrics", "--preset", "yinjiang", "--metric", "cases.closed"], 1)
    assert err.count("\n") == 1
    assert "'log'" in err


def test_breakdown_nothing_supports_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    _, err = _fails(capsys, ["metrics", "--preset", "yinjiang", "--by", "month"], 1)
    assert err == "gridorg: error: no metric set can be computed from org broken down by 'month'\n"


def test_missing_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.json"
    _, err = _fails(capsys, ["metrics", str(missing)], 1)
    assert err.count("\n") == 1
    assert str(missing) in err


def test_invalid_document_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text("[1, 2", encoding="utf-8")
    _, err = _fails(capsys, ["metrics", str(path)], 1)
    assert err.count("\n") == 1
    assert "not valid JSON" in err


def test_inverted_merge_bounds_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    _, err = _fails(capsys, ["merge", "--preset", "songtao", "--min", "500", "--max", "300"], 1)
    assert err.count("\n") == 1
    assert "500" in err
    assert "300" in err


def test_merge_out_into_a_missing_directory_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "nowhere" / "merge.json"
    _, err = _fails(capsys, ["merge", "--preset", "songtao", "--out", str(target)], 1)
    assert err.count("\n") == 1
    assert str(target) in err


# ----------------------------------------------------------------------------- simulate


def _direct(days: float, seed: int) -> Any:
    from gridorg._cli_simulate import scenario
    from gridorg.simulation import simulate

    return simulate(scenario("yinjiang", days), seed=seed)


_STABLE = ("arrivals", "closed", "open", "escalations", "whistles", "events")


def test_simulate_prints_the_run_and_the_metric_tables() -> None:
    code, out, err = run(
        "simulate", "--preset", "yinjiang", "--days", "7", "--seed", "1", "--no-progress"
    )
    assert code == 0, err
    assert err == ""
    assert out.startswith("# Simulation of ")
    headings = [line for line in out.splitlines() if line.startswith("## ")]
    assert headings == ["## run", "## outcomes", "## cases", "## rates", "## escalation"]
    result = _direct(7, 1)
    assert result.summary["arrivals"] > 0
    for key in _STABLE:
        assert f"| {key} | {result.summary[key]:,} |" in out
    found = datasets.outcomes(result)
    assert f"| demands closed online, 2024 | {found['closed_online']:,} | 1,000+ |" in out
    closed = result.metrics("cases.closed")["cases.closed"]
    assert f"| cases.closed |  | {closed:,} | cases |" in out


def test_simulate_json_matches_a_direct_run() -> None:
    code, out, _ = run(
        "simulate", "--preset", "yinjiang", "--days", "5", "--seed", "3", "--no-progress", "--json"
    )
    assert code == 0
    report = json.loads(out)
    result = _direct(5, 3)
    assert report["seed"] == 3
    assert report["days"] == 5
    assert report["sets"] == ["cases", "rates", "escalation"]
    assert {k: report["summary"][k] for k in _STABLE} == {k: result.summary[k] for k in _STABLE}
    assert report["outcomes"] == datasets.outcomes(result)
    assert [p["key"] for p in report["published"]] == [
        p.key for p in datasets.published_outcomes("yinjiang")
    ]
    expected = result.metrics("rates").to_dict()
    assert {k: report["metrics"][k] for k in expected} == json.loads(
        json.dumps(expected).replace("NaN", "null")
    )


def test_simulate_set_chooses_the_tables() -> None:
    code, out, _ = run(
        "simulate", "--preset", "songtao", "--days", "2", "--no-progress", "--set", "rates"
    )
    assert code == 0
    assert out.startswith("# Simulation of songtao: 2 days from 2024-01-01, seed 0\n")
    assert "| problems solved by the whistle (街道吹哨、部门报到), 2024 |" in out
    headings = [line for line in out.splitlines() if line.startswith("## ")]
    assert headings == ["## run", "## outcomes", "## rates"]


def test_simulate_draws_a_progress_bar_on_stderr() -> None:
    code, out, err = run("simulate", "--preset", "yinjiang", "--days", "3", "--seed", "2")
    assert code == 0
    lines = err.splitlines()
    assert 1 <= len(lines) <= 10
    assert all(line.startswith("[") and line.endswith("/3 days") for line in lines)
    assert lines[-1] == "[" + "#" * 30 + "] 100% 3/3 days"
    assert "[" not in out.split("\n", 1)[0]


def test_simulate_out_writes_the_log_and_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    target = tmp_path / "runs" / "first"
    code, out, err = run(
        "simulate",
        "--preset",
        "yinjiang",
        "--days",
        "4",
        "--seed",
        "1",
        "--no-progress",
        "--out",
        str(target),
    )
    assert code == 0
    assert err.count("\n") == 1
    assert err.startswith("gridorg: note: cases.parquet not written")
    assert sorted(p.name for p in target.iterdir()) == ["cases.jsonl", "report.json", "report.md"]
    assert (target / "report.md").read_text(encoding="utf-8") == out
    result = _direct(4, 1)
    lines = (target / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(result.log) == result.summary["events"]
    first = json.loads(lines[0])
    assert tuple(first) == FIELDS
    assert first["time"].endswith("+08:00")  # the scenario's time zone
    assert [json.loads(line)["case"] for line in lines] == [e.case for e in result.log]
    report = json.loads((target / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["arrivals"] == result.summary["arrivals"]
    assert "cases.closed" in report["metrics"]


def test_simulate_out_writes_parquet_when_pyarrow_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: dict[str, Any] = {}
    pa, pq = _fake_pyarrow(written)
    monkeypatch.setitem(sys.modules, "pyarrow", pa)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", pq)
    code, _, err = run(
        "simulate",
        "--preset",
        "yinjiang",
        "--days",
        "2",
        "--no-progress",
        "--json",
        "--out",
        str(tmp_path),
    )
    assert code == 0
    assert err == ""
    assert (tmp_path / "cases.parquet").read_bytes() == b"PAR1"
    lines = (tmp_path / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(written["table"]["case"].values) == len(lines)


def test_simulate_as_a_module_in_a_subprocess() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "gridorg",
            "simulate",
            "--preset",
            "yinjiang",
            "--days",
            "7",
            "--seed",
            "1",
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        check=False,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    code, out, _ = run(
        "simulate", "--preset", "yinjiang", "--days", "7", "--seed", "1", "--no-progress"
    )
    assert code == 0
    strip = [line for line in out.splitlines() if "second" not in line]
    assert [line for line in done.stdout.splitlines() if "second" not in line] == strip


def test_simulate_out_onto_a_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("", encoding="utf-8")
    out, err = _fails(
        capsys,
        [
            "simulate",
            "--preset",
            "yinjiang",
            "--days",
            "1",
            "--no-progress",
            "--out",
            str(blocker),
        ],
        1,
    )
    assert out == ""
    assert err.count("\n") == 1
    assert str(blocker) in err


def test_simulate_set_that_needs_a_merge_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    _, err = _fails(
        capsys,
        ["simulate", "--preset", "yinjiang", "--days", "1", "--no-progress", "--set", "merge"],
        1,
    )
    assert err.count("\n") == 1
    assert "merge" in err


def test_error_inside_the_simulation_is_one_line_after_the_bar(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from gridorg import simulation
    from gridorg.errors import InvalidArgumentError

    def broken(scenario: Any, *, seed: Any, progress: Any = None) -> Any:
        progress(1.0, 2.0)
        msg = "capacity must be positive,\n  got 0"
        raise InvalidArgumentError(msg)

    monkeypatch.setattr(simulation, "simulate", broken)
    _, err = _fails(capsys, ["simulate", "--preset", "yinjiang", "--days", "2"], 1)
    assert err.splitlines()[-1] == "gridorg: error: capacity must be positive, got 0"


def test_interrupt_exits_130_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from gridorg import simulation

    def interrupted(scenario: Any, *, seed: Any, progress: Any = None) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(simulation, "simulate", interrupted)
    _, err = _fails(capsys, ["simulate", "--preset", "yinjiang", "--no-progress"], 130)
    assert err.strip() == "gridorg: interrupted"


# ----------------------------------------------------------------------------- sweep


def test_sweep_prints_means_and_intervals() -> None:
    code, out, err = run(
        "sweep",
        "--preset",
        "yinjiang",
        "--param",
        "capacity.grid=1,2",
        "--seeds",
        "2",
        "--days",
        "2",
        "--backend",
        "sequential",
        "--no-progress",
    )
    assert code == 0, err
    assert err == ""
    assert out.startswith("# Sweep of yinjiang: 2 scenarios × 2 seeds, 2 days, backend sequential")
    assert "| scenario | metric | n | mean | sd | 95% CI low | 95% CI high | unit |" in out
    assert "| capacity.grid=1 | cases.filed | 2 |" in out
    assert "| capacity.grid=2 | rates.composite | 2 |" in out


def test_sweep_json_matches_a_direct_sweep() -> None:
    from gridorg._cli_simulate import scenario
    from gridorg.sweep import ParameterGrid, sweep

    code, out, err = run(
        "sweep",
        "--preset",
        "yinjiang",
        "--param",
        "reopen=0.05,0.2",
        "--seeds",
        "2",
        "--days",
        "2",
        "--backend",
        "threading",
        "--jobs",
        "2",
        "--json",
        "--confidence",
        "0.9",
    )
    assert code == 0
    assert 1 <= len(err.splitlines()) <= 10  # the progress lines
    assert err.splitlines()[-1].endswith("100% 4/4 runs")
    report = json.loads(out)
    base = scenario("yinjiang", 2)
    expected = sweep(
        ParameterGrid(base=base, parameters={"reopen": [0.05, 0.2]}),
        seeds=2,
        backend="sequential",
    )
    assert report["parameters"] == {"reopen": [0.05, 0.2]}
    assert report["seeds"] == [0, 1]
    assert report["rows"] == json.loads(json.dumps(expected.to_records()).replace("NaN", "null"))
    summary = expected.to_records(summary=True, confidence=0.9)
    assert report["summary"] == json.loads(json.dumps(summary).replace("NaN", "null"))


def test_sweep_without_parameters_runs_the_preset() -> None:
    code, out, _ = run(
        "sweep",
        "--preset",
        "songtao",
        "--seeds",
        "2",
        "--days",
        "1",
        "--backend",
        "sequential",
        "--no-progress",
        "--set",
        "cases",
    )
    assert code == 0
    assert "1 scenario × 2 seeds" in out
    assert "| songtao | cases.filed | 2 |" in out
    assert "rates." not in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--param", "capacty.grid=1,2"], ["capacty", "capacity"]),
        (["--param", "reopen=0.1", "--param", "reopen=0.2"], ["reopen", "twice"]),
        (["--param", "capacity.grid=-1,2"], ["capacity", "-1"]),
        (["--scheduler", "tcp://127.0.0.1:8786"], ["--scheduler", "--backend dask"]),
        (["--backend", "ray"], ["ray", "gridorg[ray]"]),
    ],
)
def test_sweep_input_errors_are_one_line(
    argv: list[str], words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["sweep", "--preset", "yinjiang", "--days", "1", "--seeds", "1", "--no-progress"]
    out, err = _fails(capsys, [*base, *argv], 1)
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("gridorg: error: ")
    for word in words:
        assert word in err


def test_sweep_on_a_local_dask_cluster_matches_sequential() -> None:
    argv = ["sweep", "--preset", "songtao", "--param", "reopen=0.05,0.2", "--seeds", "2"]
    argv += ["--days", "1", "--no-progress", "--json", "--jobs", "2"]
    code, out, err = run(*argv, "--backend", "dask")
    assert code == 0, err
    assert err == ""
    _, expected, _ = run(*argv, "--backend", "sequential")
    assert json.loads(out)["rows"] == json.loads(expected)["rows"]
