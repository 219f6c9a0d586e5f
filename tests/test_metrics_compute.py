"""compute() and MetricTable, on hand-made tiny metrics registered for each test."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from gridorg import BaseLayer, CaseEvent, CaseLog, Organisation, merge_networks
from gridorg.errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    MissingDependencyError,
    UnknownMetricError,
)
from gridorg.metrics import (
    Inputs,
    MetricRow,
    MetricSet,
    MetricTable,
    Value,
    compute,
    metric,
)
from gridorg.metrics import _registry as registry
from tests.metrics_helpers import SHANGHAI, TWO_STREETS, T

#: Street S1 of the two-street example.
TREE = TWO_STREETS[:6]

#: How often each tiny metric ran in the current test.
CALLS: dict[str, int] = {}


def _count(name: str) -> None:
    CALLS[name] = CALLS.get(name, 0) + 1


def _register_tiny() -> None:
    @metric(
        "tiny.units",
        needs="org",
        unit="units",
        description="Units by tier.",
        by=("tier",),
        sets=("tiny",),
    )
    def units(inputs: Inputs) -> Value | Mapping[str, Value]:
        _count("tiny.units")
        assert inputs.org is not None
        counts = inputs.org.counts("tier")
        if inputs.by == "tier":
            return {tier: n for tier, n in counts.items() if n}
        return sum(counts.values())

    @metric(
        "tiny.grid_share",
        needs="org",
        unit="share",
        description="Share of units that are grids.",
        sets=("tiny",),
    )
    def grid_share(inputs: Inputs) -> float:
        _count("tiny.grid_share")
        assert inputs.org is not None
        counts = inputs.org.counts("tier")
        return counts["grid"] / sum(counts.values())

    @metric("tiny.events", needs="log", unit="events", description="Events.", by="month")
    def events(inputs: Inputs) -> Value | Mapping[str, Value]:
        assert inputs.log is not None
        if inputs.by == "month":
            months: dict[str, int] = {}
            for event in inputs.log:
                key = event.time.astimezone(SHANGHAI).strftime("%Y-%m")
                months[key] = months.get(key, 0) + 1
            return months
        return len(inputs.log)

    @metric("tiny.mean_wait", needs="log", unit="minutes", description="NaN on an empty log.")
    def mean_wait(inputs: Inputs) -> float:
        assert inputs.log is not None
        return float(len(inputs.log)) if len(inputs.log) else math.nan

    @metric("tiny.grids_merged", needs="merge", unit="grids", description="Merged grids.")
    def grids_merged(inputs: Inputs) -> int:
        assert inputs.merge is not None
        return inputs.merge.report.grids

    @metric("tiny.decisions", needs="decisions", unit="decisions", description="Decisions.")
    def decisions(inputs: Inputs) -> int:
        assert inputs.decisions is not None
        return len(inputs.decisions)

    @metric("tiny.period_days", needs=(), unit="days", description="Length of the period.")
    def period_days(inputs: Inputs) -> float:
        if inputs.period is None:
            return math.nan
        start, end = inputs.period
        return (end - start) / dt.timedelta(days=1)

    @metric("tiny.cache_write", needs=(), unit="units", description="Writes the cache.")
    def cache_write(inputs: Inputs) -> int:
        inputs.cache["shared"] = 41
        return 1

    @metric("tiny.cache_read", needs=(), unit="units", description="Reads the cache.")
    def cache_read(inputs: Inputs) -> int:
        return int(inputs.cache.get("shared", 0)) + 1

    @metric("tiny.option", needs=(), unit="units", description="Reads an option.")
    def option(inputs: Inputs) -> int:
        return int(inputs.options.get("tiny", 0))


@pytest.fixture(autouse=True)
def tiny_only() -> Iterator[None]:
    """A registry holding only the tiny metrics; the real one comes back afterwards."""
    registry._ensure_loaded()
    snapshot = dict(registry.REGISTRY)
    registry.REGISTRY.clear()
    CALLS.clear()
    _register_tiny()
    yield
    registry.restore(snapshot)


@pytest.fixture
def org() -> Organisation:
    return Organisation.from_records(TREE)


@pytest.fixture
def log() -> CaseLog:
    log = CaseLog()
    log.append(CaseEvent("Q1", T, "collected"))
    log.append(CaseEvent("Q1", T + dt.timedelta(hours=1), "filed"))
    log.append(CaseEvent("Q2", T + dt.timedelta(days=30), "collected"))
    return log


# --------------------------------------------------------------------------- selecting


def test_a_name_names_and_a_set_select_metrics_in_order(org: Organisation) -> None:
    assert compute("tiny.units", org=org).names == ("tiny.units",)
    table = compute(["tiny.grid_share", "tiny.units", "tiny.grid_share"], org=org)
    assert table.names == ("tiny.grid_share", "tiny.units")
    assert compute("tiny", org=org).names == ("tiny.units", "tiny.grid_share")
    chosen = MetricSet("mine", ("tiny.grid_share",))
    assert compute(chosen, org=org).names == ("tiny.grid_share",)


def test_values_are_those_the_metrics_return(org: Organisation) -> None:
    table = compute("tiny", org=org)
    assert table["tiny.units"] == 6
    assert table["tiny.grid_share"] == pytest.approx(0.5)
    assert table.value("tiny.units") == 6
    assert table.unit("tiny.grid_share") == "share"
    assert CALLS == {"tiny.units": 1, "tiny.grid_share": 1}


def test_all_computes_what_the_inputs_allow_and_lists_the_rest(org: Organisation) -> None:
    table = compute("all", org=org)
    assert table.names == (
        "tiny.units",
        "tiny.grid_share",
        "tiny.period_days",
        "tiny.cache_write",
        "tiny.cache_read",
        "tiny.option",
    )
    assert set(table.skipped) == {
        "tiny.events",
        "tiny.mean_wait",
        "tiny.grids_merged",
        "tiny.decisions",
    }
    assert "log=" in table.skipped["tiny.events"]
    assert "'merge'" in table.skipped["tiny.grids_merged"]


def test_all_skips_metrics_without_the_breakdown(org: Organisation, log: CaseLog) -> None:
    table = compute("all", org=org, log=log, by="tier")
    assert table.names == ("tiny.units",)
    assert "tiny.grid_share" in table.skipped
    assert "overall value only" in table.skipped["tiny.grid_share"]
    assert "by= month" in table.skipped["tiny.events"]


def test_the_cache_is_shared_by_the_metrics_of_one_call() -> None:
    first = compute(["tiny.cache_write", "tiny.cache_read"])
    assert first["tiny.cache_read"] == 42
    # A new call starts with an empty cache.
    assert compute(["tiny.cache_read"])["tiny.cache_read"] == 1


def test_options_reach_the_metrics() -> None:
    assert compute("tiny.option", options={"tiny": 7})["tiny.option"] == 7
    with pytest.raises(ArgumentTypeError, match="options"):
        compute("tiny.option", options=[("tiny", 7)])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- breakdowns


def test_a_breakdown_gives_a_mapping(org: Organisation) -> None:
    table = compute("tiny.units", org=org, by="tier")
    assert table["tiny.units"] == {"street": 1, "community": 2, "grid": 3}
    assert table.value("tiny.units", "grid") == 3
    assert table.by == "tier"
    assert list(table) == [
        MetricRow("tiny.units", "street", 1, "units"),
        MetricRow("tiny.units", "community", 2, "units"),
        MetricRow("tiny.units", "grid", 3, "units"),
    ]
    assert len(table) == 3
    with pytest.raises(InvalidArgumentError, match="pass key="):
        table.value("tiny.units")
    with pytest.raises(InvalidArgumentError, match="'household'"):
        table.value("tiny.units", "household")


def test_months_break_down_a_log(log: CaseLog) -> None:
    table = compute("tiny.events", log=log, by="month")
    assert table["tiny.events"] == {"2024-05": 2, "2024-06": 1}


def test_an_unsupported_breakdown_names_the_metric_and_what_it_supports(
    org: Organisation,
) -> None:
    with pytest.raises(InvalidArgumentError, match=r"'tiny.units'.*'street'.*by= tier"):
        compute("tiny.units", org=org, by="street")
    with pytest.raises(InvalidArgumentError, match=r"'tiny.grid_share'.*overall value only"):
        compute("tiny.grid_share", org=org, by="tier")


@pytest.mark.parametrize(
    ("by", "error"), [("tiers", InvalidArgumentError), (3, ArgumentTypeError)]
)
def test_an_unknown_breakdown_is_refused(
    org: Organisation, by: Any, error: type[Exception]
) -> None:
    with pytest.raises(error, match="by must be one of tier, street"):
        compute("tiny.units", org=org, by=by)


def test_a_wrong_result_shape_is_reported(org: Organisation) -> None:
    @metric("tiny.scalar_only", needs="org", unit="units", description="Ignores by.", by="tier")
    def scalar_only(inputs: Inputs) -> int:
        return 1

    @metric("tiny.text", needs=(), unit="units", description="Not a number.")
    def text(inputs: Inputs) -> Any:
        return "many"

    @metric("tiny.flag", needs=(), unit="units", description="A bool is not a count.")
    def flag(inputs: Inputs) -> Any:
        return True

    with pytest.raises(ArgumentTypeError, match=r"'tiny.scalar_only'.*expected a mapping"):
        compute("tiny.scalar_only", org=org, by="tier")
    with pytest.raises(ArgumentTypeError, match=r"'tiny.text'.*expected a number"):
        compute("tiny.text")
    with pytest.raises(ArgumentTypeError, match=r"'tiny.flag'"):
        compute("tiny.flag")


def test_numpy_numbers_become_python_numbers() -> None:
    import numpy as np

    @metric("tiny.numpy", needs=(), unit="units", description="A numpy number.")
    def numpy_value(inputs: Inputs) -> Any:
        return np.int64(3)

    value = compute("tiny.numpy")["tiny.numpy"]
    assert value == 3
    assert type(value) is int


# --------------------------------------------------------------------------- errors


def test_an_unknown_metric_suggests_close_names(org: Organisation) -> None:
    with pytest.raises(UnknownMetricError, match=r"did you mean 'tiny.units'") as caught:
        compute("tiny.unit", org=org)
    assert isinstance(caught.value, KeyError)
    with pytest.raises(UnknownMetricError, match=r"'tiny.grid_share'"):
        compute("grid_share", org=org)


def test_a_missing_input_names_the_metric_and_the_input(org: Organisation) -> None:
    with pytest.raises(InvalidArgumentError, match=r"'tiny.events' needs the input 'log'"):
        compute(["tiny.units", "tiny.events"], org=org)
    with pytest.raises(InvalidArgumentError, match=r"no metric could be computed") as caught:
        compute("tiny")
    assert "'tiny.units' needs the input 'org'" in str(caught.value)
    assert "'tiny.grid_share' needs the input 'org'" in str(caught.value)


def test_a_whole_set_skips_the_members_it_cannot_compute(org: Organisation) -> None:
    table = compute("tiny", org=org, by="tier")
    assert table.names == ("tiny.units",)
    assert "overall value only" in table.skipped["tiny.grid_share"]
    chosen = MetricSet("mine", ("tiny.units", "tiny.events"))
    table = compute(chosen, org=org)
    assert table.names == ("tiny.units",)
    assert "needs the input 'log'" in table.skipped["tiny.events"]
    # Sets named in a list stand for their members, with the same leniency.
    table = compute(["tiny", "tiny.units"], org=org, by="tier")
    assert table.names == ("tiny.units",)
    assert "tiny.grid_share" in table.skipped
    # Named one by one, the same metrics are not skipped: the call fails.
    with pytest.raises(InvalidArgumentError, match="cannot be broken down by 'tier'"):
        compute(["tiny.units", "tiny.grid_share"], org=org, by="tier")


def test_an_error_inside_a_metric_propagates(org: Organisation) -> None:
    @metric("tiny.boom", needs="org", unit="units", description="Divides by zero.")
    def boom(inputs: Inputs) -> float:
        return 1 / 0

    with pytest.raises(ZeroDivisionError):
        compute("tiny.boom", org=org)
    with pytest.raises(ZeroDivisionError):
        compute("all", org=org)


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        ({"org": TREE}, "org must be an Organisation"),
        ({"log": []}, "log must be a CaseLog"),
        ({"merge": {}}, "merge must be a MergeResult"),
        ({"decisions": "abc"}, "decisions must be RoutingDecisions"),
        ({"decisions": [1]}, r"decisions\[0\] must be a RoutingDecision"),
    ],
)
def test_inputs_of_the_wrong_type_are_refused(arguments: dict[str, Any], match: str) -> None:
    with pytest.raises(ArgumentTypeError, match=match):
        compute("tiny.period_days", **arguments)


def test_metrics_of_the_wrong_type_are_refused() -> None:
    with pytest.raises(ArgumentTypeError, match="metrics must be"):
        compute(3)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="metric or set names"):
        compute(["tiny.units", 3])  # type: ignore[list-item]


def test_decisions_and_merge_inputs_are_handed_over() -> None:
    assert compute("tiny.decisions", decisions=[])["tiny.decisions"] == 0
    base = BaseLayer.from_records(
        [{"id": u, "community": "A", "households": 40} for u in "abc"], [("a", "b"), ("b", "c")]
    )
    result = merge_networks([], base, min_households=50, max_households=100)
    assert compute("tiny.grids_merged", merge=result)["tiny.grids_merged"] == result.report.grids


def test_an_empty_log_gives_zero_counts_and_nan_means() -> None:
    table = compute(["tiny.events", "tiny.mean_wait"], log=CaseLog())
    assert table["tiny.events"] == 0
    assert math.isnan(table.value("tiny.mean_wait"))


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("period", "days"),
    [("2024Q2", 91), ("2024Q4", 92), ("2024-02", 29), ("2023-12", 31), ("2024-05", 31)],
)
def test_period_labels_are_quarters_and_months(period: str, days: int) -> None:
    table = compute("tiny.period_days", period=period)
    assert table["tiny.period_days"] == days
    assert table.period is not None
    start, end = table.period
    assert start.utcoffset() == dt.timedelta(hours=8)
    assert start.day == 1
    assert end.day == 1


def test_a_period_pair_is_kept() -> None:
    start = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    table = compute("tiny.period_days", period=(start, start + dt.timedelta(days=3)))
    assert table["tiny.period_days"] == 3


@pytest.mark.parametrize(
    ("period", "error", "match"),
    [
        ("2024Q5", InvalidArgumentError, "quarter"),
        ("2024-13", InvalidArgumentError, "2024-13"),
        ("May 2024", InvalidArgumentError, "'2024-05'"),
        ((T, T), InvalidArgumentError, "before its end"),
        ((T, T - dt.timedelta(days=1)), InvalidArgumentError, "before its end"),
        ((dt.datetime(2024, 5, 1), T), InvalidArgumentError, "start must be timezone-aware"),
        ((T, dt.datetime(2024, 6, 1)), InvalidArgumentError, "end must be timezone-aware"),
        ((T,), ArgumentTypeError, "pair"),
        ((dt.date(2024, 5, 1), T), ArgumentTypeError, "start must be a timezone-aware"),
        (202405, ArgumentTypeError, "period must be"),
    ],
)
def test_a_bad_period_is_refused(period: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        compute("tiny.period_days", period=period)


# --------------------------------------------------------------------------- the table


def test_to_dict_keeps_raw_values(org: Organisation) -> None:
    assert compute("tiny", org=org).to_dict() == {
        "tiny.units": {"value": 6, "unit": "units"},
        "tiny.grid_share": {"value": 0.5, "unit": "share"},
    }
    by_tier = compute("tiny.units", org=org, by="tier").to_dict()
    assert by_tier == {
        "tiny.units": {"value": {"street": 1, "community": 2, "grid": 3}, "unit": "units"}
    }


def test_to_pandas_is_long_format(org: Organisation) -> None:
    frame = compute("tiny", org=org).to_pandas()
    assert list(frame.columns) == ["metric", "key", "value", "unit"]
    assert frame["metric"].tolist() == ["tiny.units", "tiny.grid_share"]
    assert frame["key"].tolist() == [None, None]
    assert frame["value"].tolist() == [6, 0.5]


def test_to_pandas_without_pandas_names_the_extra(
    org: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError, match=r"gridorg\[dataframe\]"):
        compute("tiny", org=org).to_pandas()


def test_markdown_is_a_table_with_units_and_percentages(org: Organisation) -> None:
    text = compute("tiny", org=org).to_markdown()
    assert text.splitlines() == [
        "| metric | key | value | unit |",
        "|---|---|---:|---|",
        "| tiny.units |  | 6 | units |",
        "| tiny.grid_share |  | 50.0% | share |",
    ]


def test_markdown_and_text_list_skipped_metrics(org: Organisation) -> None:
    table = compute("all", org=org)
    assert "- skipped `tiny.events`: needs the input 'log'" in table.to_markdown()
    assert "skipped tiny.events: needs the input 'log'" in table.to_text()


def test_the_notebook_view_is_text_and_self_contained_html(org: Organisation) -> None:
    table = compute("tiny", org=org, period="2024Q2")
    bundle = table._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert "tiny.grid_share" in bundle["text/plain"]
    assert "50.0%" in bundle["text/plain"]
    page = bundle["text/html"]
    assert page.startswith("<div>")
    assert "<table>" in page
    assert "50.0%" in page
    assert "<script" not in page
    assert "<link" not in page
    assert repr(table).startswith("<MetricTable: 2 metrics, period 2024-04-01T00:00:00+08:00")


def test_html_escapes_keys() -> None:
    table = MetricTable({"x.y": {"<b>": 1.5}}, {"x.y": "units"}, by="unit")
    assert "&lt;b&gt;" in table.to_html()
    assert "<b>" not in table.to_html()


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (0.1234, "share", "12.3%"),
        (1, "share", "100.0%"),
        (1234567, "units", "1,234,567"),
        (1234.56, "minutes", "1,234.6"),
        (12.3456, "minutes", "12.35"),
        (math.nan, "share", "NaN"),
        (math.inf, "minutes", "inf"),
    ],
)
def test_values_are_formatted_for_reading(value: float, unit: str, text: str) -> None:
    table = MetricTable({"x.y": value}, {"x.y": unit})
    assert f"| {text} |" in table.to_markdown()


def test_a_lookup_of_a_metric_not_in_the_table(org: Organisation) -> None:
    table = compute("all", org=org)
    with pytest.raises(UnknownMetricError, match="it was skipped"):
        table["tiny.events"]
    with pytest.raises(UnknownMetricError, match=r"did you mean 'tiny.units'"):
        table["tiny.unit"]
    with pytest.raises(InvalidArgumentError, match="not broken down"):
        table.value("tiny.units", "grid")
    assert "tiny.units" in table
    assert "tiny.events" not in table


def test_tables_compare_by_value_with_nan_equal_to_nan() -> None:
    first = compute(["tiny.events", "tiny.mean_wait"], log=CaseLog())
    second = compute(["tiny.events", "tiny.mean_wait"], log=CaseLog())
    assert first == second
    assert first != compute(["tiny.events"], log=CaseLog())


def test_a_table_needs_a_unit_for_every_metric() -> None:
    with pytest.raises(InvalidArgumentError, match="no unit"):
        MetricTable({"x.y": 1}, {})
