"""The metric registry: the decorator's checks, lookups, sets, lazy loading and the docs table."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import gridorg.metrics
from gridorg.errors import ArgumentTypeError, InvalidArgumentError, UnknownMetricError
from gridorg.metrics import (
    BREAKDOWNS,
    NEEDS,
    Inputs,
    MetricInfo,
    MetricSet,
    available,
    docs_table,
    get,
    metric,
    metric_set,
    unregister,
)
from gridorg.metrics import _plugins as plugins
from gridorg.metrics import _registry as registry

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def restored() -> Iterator[None]:
    """Whatever a test registers or removes, the registry is as before afterwards."""
    registry._ensure_loaded()
    snapshot = dict(registry.REGISTRY)
    state = dict(plugins._state)
    yield
    registry.restore(snapshot)
    plugins._state.update(state)


def one(inputs: Inputs) -> int:
    return 1


def test_the_decorator_registers_and_returns_the_function() -> None:
    decorated = metric(
        "test.one",
        needs=("org", "log"),
        unit="units",
        description="Always one.",
        by=("tier", "month"),
        sets=("testing",),
        formula="1",
        source="a test",
    )(one)
    assert decorated is one
    found = get("test.one")
    assert found.name == "test.one"
    assert found.needs == frozenset({"org", "log"})
    assert found.by == frozenset({"tier", "month"})
    assert found.sets == ("testing",)
    assert (found.unit, found.description, found.formula, found.source) == (
        "units",
        "Always one.",
        "1",
        "a test",
    )
    assert found(Inputs()) == 1
    assert "test.one" in repr(found)
    info = {i.name: i for i in available()}["test.one"]
    assert isinstance(info, MetricInfo)
    assert info.needs == found.needs
    assert info.provider == found.provider


def test_a_single_string_is_one_need_or_breakdown() -> None:
    metric("test.one", needs="org", unit="units", description="One.", by="tier")(one)
    assert get("test.one").needs == frozenset({"org"})
    assert get("test.one").by == frozenset({"tier"})


def test_a_taken_name_is_refused_unless_replaced() -> None:
    metric("test.one", needs=(), unit="units", description="One.")(one)
    with pytest.raises(InvalidArgumentError, match=r"'test\.one' is already registered"):
        metric("test.one", needs=(), unit="units", description="Again.")(one)
    assert get("test.one").description == "One."

    def two(inputs: Inputs) -> int:
        return 2

    metric("test.one", needs=(), unit="units", description="Two.", replace=True)(two)
    assert get("test.one")(Inputs()) == 2


@pytest.mark.parametrize(
    "name",
    ["one", "Test.one", "test.One", "test..one", "test.1one", ".one", "test.one.", "te st.x"],
)
def test_a_name_must_be_dotted_lowercase(name: str) -> None:
    with pytest.raises(InvalidArgumentError, match="dotted lowercase"):
        metric(name, needs=(), unit="units", description="One.")


@pytest.mark.parametrize("name", ["a.b", "structure.grid_party_coverage", "x1.y_2.z3"])
def test_good_names_are_accepted(name: str) -> None:
    metric(name, needs=(), unit="units", description="One.", replace=True)(one)
    assert get(name).name == name


@pytest.mark.parametrize(
    ("fields", "error", "match"),
    [
        (
            {"needs": ("org", "people")},
            InvalidArgumentError,
            r"needs must be among org, log.*'people'",
        ),
        ({"by": ("week",)}, InvalidArgumentError, r"by must be among tier.*'week'"),
        ({"unit": ""}, InvalidArgumentError, "unit must be a non-empty"),
        ({"unit": 3}, ArgumentTypeError, "unit must be a string"),
        ({"description": "  "}, InvalidArgumentError, "description must be a non-empty"),
        ({"source": ""}, InvalidArgumentError, "source must be a non-empty"),
        ({"formula": None}, ArgumentTypeError, "formula must be a string"),
        ({"needs": [1]}, ArgumentTypeError, "needs must hold strings"),
        ({"needs": None}, ArgumentTypeError, "needs must be a string or strings"),
        ({"sets": ("Bad Set",)}, InvalidArgumentError, "set names must be lowercase"),
        ({"replace": "yes"}, ArgumentTypeError, "replace must be True or False"),
    ],
)
def test_bad_fields_are_refused(
    fields: dict[str, Any], error: type[Exception], match: str
) -> None:
    arguments: dict[str, Any] = {"needs": (), "unit": "units", "description": "One."}
    arguments.update(fields)
    with pytest.raises(error, match=match):
        metric("test.bad", **arguments)
    assert "test.bad" not in {i.name for i in available()}


def test_a_name_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(ArgumentTypeError, match="metric name must be a string"):
        metric(3, needs=(), unit="units", description="One.")  # type: ignore[arg-type]


def test_the_function_must_take_one_argument() -> None:
    register = metric("test.bad", needs=(), unit="units", description="One.")

    def none() -> int:
        return 0

    def two(a: Inputs, b: int) -> int:
        return 0

    def optional(a: Inputs, b: int = 0) -> int:
        return b

    for function in (none, two):
        with pytest.raises(ArgumentTypeError, match="must take one argument"):
            register(function)
    with pytest.raises(ArgumentTypeError, match="must decorate a function"):
        register(3)  # type: ignore[type-var]
    assert register(optional) is optional


def test_the_provider_is_the_distribution_of_the_top_level_package() -> None:
    def f(inputs: Inputs) -> int:
        return 0

    assert get(next(i.name for i in available() if i.provider == "gridorg")).provider
    f.__module__ = "gridorg.metrics.structure"
    assert registry._provider_of(f) == "gridorg"
    f.__module__ = "dateutil.fake"  # the package of the python-dateutil distribution
    assert registry._provider_of(f) == "python-dateutil"
    f.__module__ = "not_installed_anywhere.sub"
    assert registry._provider_of(f) == "not_installed_anywhere"


def test_an_unknown_name_suggests_close_ones() -> None:
    metric("test.grid_party_coverage", needs=(), unit="share", description="One.")(one)
    with pytest.raises(UnknownMetricError, match=r"did you mean 'test\.grid_party_coverage'"):
        get("test.grid_party_coverag")
    with pytest.raises(UnknownMetricError, match=r"'test\.grid_party_coverage'"):
        get("grid_party_coverage")
    with pytest.raises(KeyError):
        get("zzz.qqq_www")
    with pytest.raises(ArgumentTypeError):
        get(3)  # type: ignore[arg-type]


def test_unregister_removes() -> None:
    metric("test.one", needs=(), unit="units", description="One.")(one)
    unregister("test.one")
    with pytest.raises(UnknownMetricError):
        get("test.one")
    with pytest.raises(UnknownMetricError):
        unregister("test.one")


def test_sets_collect_their_members_in_registration_order() -> None:
    for name in ("test.b", "test.a", "test.c"):
        metric(name, needs=(), unit="units", description="One.", sets=("testing",))(one)
    metric("test.d", needs=(), unit="units", description="One.", sets=("other",))(one)
    assert metric_set("testing") == MetricSet("testing", ("test.b", "test.a", "test.c"))
    assert "testing" in registry.set_names()
    with pytest.raises(UnknownMetricError, match="'testing'"):
        metric_set("testin")


def test_metric_set_values_are_checked() -> None:
    assert MetricSet("mine", "a.b").metrics == ("a.b",)
    assert len(MetricSet("mine", ["a.b", "c.d"])) == 2
    with pytest.raises(ArgumentTypeError, match="must be strings"):
        MetricSet("mine", [1])  # type: ignore[list-item]
    with pytest.raises(ArgumentTypeError, match="non-empty string"):
        MetricSet("", ())


def test_built_in_sets_are_reachable_by_name() -> None:
    assert metric_set("structure") == gridorg.metrics.STRUCTURE
    assert all(get(name).provider == "gridorg" for name in gridorg.metrics.STRUCTURE.metrics)
    with pytest.raises(AttributeError, match="nonexistent"):
        getattr(gridorg.metrics, "nonexistent")  # noqa: B009


def test_every_built_in_module_registers_metrics() -> None:
    built = {info.sets[0] for info in available() if info.provider == "gridorg" and info.sets}
    assert set(plugins.BUILTIN_MODULES) <= built


def test_constants() -> None:
    assert NEEDS == ("org", "log", "merge", "decisions")
    assert BREAKDOWNS == ("tier", "street", "community", "unit", "month", "quarter")
    assert sorted(gridorg.metrics.__all__, key=lambda n: (not n.isupper(), n)) == list(
        gridorg.metrics.__all__
    )
    for name in gridorg.metrics.__all__:
        assert hasattr(gridorg.metrics, name), name


# --------------------------------------------------------------------------- loading


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr == ""
    return done.stdout


def test_import_loads_no_built_in_metric_module() -> None:
    code = (
        "import sys, gridorg, gridorg.metrics; "
        "loaded = [m for m in sys.modules if m.startswith('gridorg.metrics.') "
        "and not m.rpartition('.')[2].startswith('_')]; "
        "heavy = [m for m in ('pandas', 'hypothesis', 'scipy') if m in sys.modules]; "
        "print(loaded, heavy)"
    )
    assert _run(code) == "[] []\n"


def test_first_use_loads_every_built_in_module() -> None:
    code = (
        "import sys, gridorg.metrics; gridorg.metrics.available(); "
        "print(sorted(m for m in sys.modules if m.startswith('gridorg.metrics.') "
        "and not m.rpartition('.')[2].startswith('_')))"
    )
    expected = sorted(f"gridorg.metrics.{m}" for m in plugins.BUILTIN_MODULES)
    assert _run(code) == f"{expected}\n"


@pytest.fixture
def extra_builtin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory searched for modules of gridorg.metrics, with loading set to start again."""
    monkeypatch.setattr(gridorg.metrics, "__path__", [*gridorg.metrics.__path__, str(tmp_path)])
    monkeypatch.setitem(plugins._state, "builtins", None)
    monkeypatch.setitem(plugins._state, "plugins", "done")
    return tmp_path


def test_a_built_in_module_that_fails_raises_and_is_rolled_back(
    extra_builtin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (extra_builtin / "_broken_set.py").write_text(
        "from gridorg.metrics import metric\n"
        "metric('broken.first', needs=(), unit='units', description='One.')(lambda inputs: 1)\n"
        "raise RuntimeError('the built-in set is broken')\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(plugins, "BUILTIN_MODULES", ("_broken_set",))
    for _ in range(2):  # it is tried again, and fails again, on the next use
        with pytest.raises(RuntimeError, match="the built-in set is broken"):
            available()
        assert "broken.first" not in registry.REGISTRY
        assert plugins._state["builtins"] is None
    monkeypatch.delitem(sys.modules, "gridorg.metrics._broken_set", raising=False)


def test_a_built_in_module_with_a_missing_dependency_raises(
    extra_builtin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (extra_builtin / "_needs_more.py").write_text(
        "import gridorg_no_such_dependency\n", encoding="utf-8"
    )
    monkeypatch.setattr(plugins, "BUILTIN_MODULES", ("_needs_more",))
    with pytest.raises(ModuleNotFoundError, match="gridorg_no_such_dependency"):
        available()


def test_a_missing_built_in_module_raises(
    extra_builtin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plugins, "BUILTIN_MODULES", ("_not_written",))
    with pytest.raises(ModuleNotFoundError, match="_not_written"):
        available()


# --------------------------------------------------------------------------- the docs page


def _table_in(page: str) -> str:
    match = re.search(
        r"<!-- metrics-table:start -->\n(.*?)<!-- metrics-table:end -->", page, flags=re.DOTALL
    )
    assert match is not None, "docs/metrics.md lost its table markers"
    return match[1]


def test_the_docs_table_lists_every_built_in_metric() -> None:
    table = docs_table()
    lines = table.splitlines()
    assert lines[0] == "| metric | unit | needs | by | formula | source |"
    builtin = [i.name for i in available() if i.provider == "gridorg"]
    assert [line.split(" | ")[0].strip("| `") for line in lines[2:]] == builtin
    metric("test.piped", needs="org", unit="a|b", description="One.", formula="x\n| y")(one)
    assert "test.piped" not in docs_table()
    assert "a\\|b" in docs_table(get("test.piped").provider)


def test_the_docs_page_shows_the_table_the_registry_gives() -> None:
    page = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert _table_in(page) == docs_table(), (
        "regenerate it: python -m gridorg.metrics docs/metrics.md"
    )


def test_the_python_blocks_of_the_docs_page_run(tmp_path: Path) -> None:
    page = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, flags=re.DOTALL)
    assert blocks
    script = tmp_path / "page.py"
    script.write_text("\n".join(blocks), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr


def test_the_module_command_prints_or_rewrites_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gridorg.metrics.__main__ import main

    assert main([]) == 0
    assert capsys.readouterr().out == docs_table()
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n<!-- metrics-table:start -->\nstale\n<!-- metrics-table:end -->\nafter\n",
        encoding="utf-8",
    )
    assert main([str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert _table_in(text) == docs_table()
    assert text.startswith("# Title\n\n")
    assert text.endswith("<!-- metrics-table:end -->\nafter\n")
    page.write_text("no markers\n", encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="table markers"):
        main([str(page)])
