"""Plugin discovery: real distributions with a ``gridorg.metrics`` entry point, built here."""

from __future__ import annotations

import re
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from gridorg import Organisation
from gridorg.errors import GridorgWarning, UnknownMetricError
from gridorg.metrics import Inputs, available, compute, get, metric, unregister
from gridorg.metrics import _plugins as plugins
from gridorg.metrics import _registry as registry

TREE = [
    {"id": "S1", "tier": "street"},
    {"id": "C1", "tier": "community", "parent": "S1"},
    {"id": "G1", "tier": "grid", "parent": "C1"},
    {"id": "G2", "tier": "grid", "parent": "C1"},
    {"id": "G3", "tier": "grid", "parent": "C1"},
]

GOOD = '''
"""A demo metric plugin."""
from gridorg.metrics import Inputs, metric


@metric(
    "demo.grid_count",
    needs=("org",),
    unit="units",
    description="The number of grids.",
    formula="grids",
)
def grid_count(inputs: Inputs) -> int:
    assert inputs.org is not None
    return inputs.org.counts("tier")["grid"]
'''

HOOK = """
from gridorg.metrics import Inputs, metric


def double(inputs: Inputs) -> int:
    assert inputs.org is not None
    return 2 * inputs.org.counts("tier")["grid"]


def register() -> None:
    metric("demo.double_grids", needs="org", unit="units", description="Twice the grids.")(
        double
    )
"""

RAISES = """
from gridorg.metrics import Inputs, metric


@metric("demo.half_done", needs="org", unit="units", description="Registered, then broken.")
def half_done(inputs: Inputs) -> int:
    return 1


raise RuntimeError("the demo plugin is broken")
"""

DUPLICATE = """
from gridorg.metrics import Inputs, metric


@metric("demo.partial", needs="org", unit="units", description="Registered before the clash.")
def partial(inputs: Inputs) -> int:
    return 1


@metric("demo.taken", needs="org", unit="units", description="A name already registered.")
def taken(inputs: Inputs) -> int:
    return 2
"""


def install(root: Path, dist: str, package: str, source: str, target: str) -> None:
    """Install the distribution ``dist`` holding ``package`` into ``root``, with the
    ``gridorg.metrics`` entry point ``demo = target``."""
    (root / package).mkdir()
    (root / package / "__init__.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = root / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[gridorg.metrics]\ndemo = {target}\n", "utf-8")
    record = [f"{package}/__init__.py,,", *(f"{info.name}/{f},," for f in ("METADATA",))]
    record += [f"{info.name}/entry_points.txt,,", f"{info.name}/RECORD,,"]
    (info / "RECORD").write_text("\n".join(record) + "\n", encoding="utf-8")


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Discover afresh in each test; restore the registry, the modules and the discovery."""
    monkeypatch.delenv(plugins.NO_PLUGINS_VARIABLE, raising=False)
    registry._ensure_loaded()
    snapshot = dict(registry.REGISTRY)
    state = dict(plugins._state)
    modules = set(sys.modules)
    plugins._reset_plugins()
    yield
    registry.restore(snapshot)
    for name in set(sys.modules) - modules:
        if name.startswith("gridorg_demo"):
            del sys.modules[name]
    plugins._reset_plugins()
    plugins._state.update(state)


@pytest.fixture
def org() -> Organisation:
    return Organisation.from_records(TREE)


def test_an_installed_plugin_is_discovered_with_its_distribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, org: Organisation
) -> None:
    install(tmp_path, "gridorg-demo-metrics", "gridorg_demo_metrics", GOOD, "gridorg_demo_metrics")
    monkeypatch.syspath_prepend(str(tmp_path))
    plugins._reset_plugins()
    listed = {info.name: info for info in available()}
    assert "demo.grid_count" in listed
    info = listed["demo.grid_count"]
    assert info.provider == "gridorg-demo-metrics"
    assert info.needs == frozenset({"org"})
    assert info.formula == "grids"
    assert compute("demo.grid_count", org=org)["demo.grid_count"] == 3
    # Discovery happens once: unregistering is not undone by another use of the registry.
    unregister("demo.grid_count")
    with pytest.raises(UnknownMetricError):
        get("demo.grid_count")


def test_an_entry_point_naming_a_metric_function_is_not_called(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, org: Organisation
) -> None:
    install(
        tmp_path,
        "gridorg-demo-named",
        "gridorg_demo_named",
        GOOD,
        "gridorg_demo_named:grid_count",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    plugins._reset_plugins()
    assert get("demo.grid_count").provider == "gridorg-demo-named"
    assert compute(["demo.grid_count"], org=org).value("demo.grid_count") == 3


def test_a_register_hook_is_called(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, org: Organisation
) -> None:
    install(tmp_path, "gridorg-demo-hook", "gridorg_demo_hook", HOOK, "gridorg_demo_hook:register")
    monkeypatch.syspath_prepend(str(tmp_path))
    plugins._reset_plugins()
    found = get("demo.double_grids")
    assert found.provider == "gridorg-demo-hook"
    assert compute("demo.double_grids", org=org)["demo.double_grids"] == 6


def test_a_plugin_that_raises_on_import_warns_and_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(tmp_path, "gridorg-demo-broken", "gridorg_demo_broken", RAISES, "gridorg_demo_broken")
    monkeypatch.syspath_prepend(str(tmp_path))
    plugins._reset_plugins()
    with pytest.warns(GridorgWarning) as caught:
        names = {info.name for info in available()}
    (warning,) = caught
    text = str(warning.message)
    assert "'demo'" in text
    assert "gridorg-demo-broken" in text
    assert "RuntimeError: the demo plugin is broken" in text
    # Its registration before the failure is rolled back.
    assert "demo.half_done" not in names
    # The warning comes once: discovery does not run again.
    assert {info.name for info in available()} == names


def test_a_plugin_registering_a_taken_name_warns_and_is_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    @metric("demo.taken", needs="org", unit="units", description="Registered first.")
    def taken(inputs: Inputs) -> int:
        return 0

    install(tmp_path, "gridorg-demo-dup", "gridorg_demo_dup", DUPLICATE, "gridorg_demo_dup")
    monkeypatch.syspath_prepend(str(tmp_path))
    plugins._reset_plugins()
    with pytest.warns(GridorgWarning, match=re.escape("'demo.taken' is already registered")):
        names = {info.name for info in available()}
    assert "demo.partial" not in names
    assert get("demo.taken").provider != "gridorg-demo-dup"
    assert get("demo.taken")(Inputs()) == 0


def test_a_plugin_with_a_missing_module_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(tmp_path, "gridorg-demo-gone", "gridorg_demo_gone", GOOD, "gridorg_demo_nowhere")
    monkeypatch.syspath_prepend(str(tmp_path))
    plugins._reset_plugins()
    with pytest.warns(GridorgWarning, match="ModuleNotFoundError"):
        available()


def test_the_environment_variable_turns_discovery_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(tmp_path, "gridorg-demo-metrics", "gridorg_demo_metrics", GOOD, "gridorg_demo_metrics")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv(plugins.NO_PLUGINS_VARIABLE, "1")
    plugins._reset_plugins()
    assert "demo.grid_count" not in {info.name for info in available()}
    assert "gridorg_demo_metrics" not in sys.modules
    # "0" leaves discovery on.
    monkeypatch.setenv(plugins.NO_PLUGINS_VARIABLE, "0")
    plugins._reset_plugins()
    assert "demo.grid_count" in {info.name for info in available()}


def test_a_broken_plugin_does_not_stop_a_good_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    install(good, "gridorg-demo-metrics", "gridorg_demo_metrics", GOOD, "gridorg_demo_metrics")
    install(bad, "gridorg-demo-broken", "gridorg_demo_broken", RAISES, "gridorg_demo_broken")
    monkeypatch.syspath_prepend(str(good))
    monkeypatch.syspath_prepend(str(bad))
    plugins._reset_plugins()
    with pytest.warns(GridorgWarning, match="gridorg-demo-broken"):
        names = {info.name for info in available()}
    assert "demo.grid_count" in names
    assert "demo.half_done" not in names
