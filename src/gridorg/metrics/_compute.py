"""Computing metrics: ``compute`` checks the inputs, runs the metrics and builds the table."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np

from gridorg._fields import describe
from gridorg.errors import ArgumentTypeError, InvalidArgumentError, UnknownMetricError
from gridorg.metrics import _registry as registry
from gridorg.metrics._registry import BREAKDOWNS, Inputs, Metric, MetricSet, Value
from gridorg.metrics._table import MetricTable

if TYPE_CHECKING:
    from gridorg._decisions import RoutingDecision
    from gridorg._merge_result import MergeResult
    from gridorg.hierarchy import Organisation
    from gridorg.lifecycle import CaseLog

__all__ = ["compute", "parse_period"]

_MONTH: Final = re.compile(r"(\d{4})-(\d{2})")
_QUARTER: Final = re.compile(r"\d{4}Q\d")
# The keyword argument that gives each input, as ``needs`` names it.
_ARGUMENT: Final = {"org": "org=", "log": "log=", "merge": "merge=", "decisions": "decisions="}


def compute(
    metrics: str | Sequence[str] | MetricSet | Literal["all"],
    *,
    org: Organisation | None = None,
    log: CaseLog | None = None,
    merge: MergeResult | None = None,
    decisions: Sequence[RoutingDecision] | None = None,
    period: str | tuple[dt.datetime, dt.datetime] | None = None,
    by: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> MetricTable:
    """Compute ``metrics`` over the inputs given, as a :class:`MetricTable`.

    ``metrics`` is a metric name, a sequence of names, a :class:`MetricSet`, the name of a set
    (``"structure"``) or ``"all"`` — every registered metric. With ``"all"`` or a whole set,
    the members whose inputs are not given, or which do not support ``by``, are skipped and
    listed in ``table.skipped`` (and ``InvalidArgumentError`` is raised when nothing is left);
    a metric named explicitly whose inputs are missing, or which does not support ``by``,
    raises ``InvalidArgumentError``. ``period`` is ``"2024Q2"``, ``"2024-05"`` (Asia/Shanghai) or a
    pair of timezone-aware datetimes ``(start, end)``, end excluded; ``by`` is one of
    :data:`BREAKDOWNS`. Errors a metric raises propagate.
    """
    inputs = Inputs(
        org=_check_org(org),
        log=_check_log(log),
        merge=_check_merge(merge),
        decisions=_check_decisions(decisions),
        period=parse_period(period),
        by=_check_by(by),
        options=_check_options(options),
        cache={},
    )
    everything = isinstance(metrics, str) and metrics == "all"
    # "all" and whole sets skip the members that cannot be computed here; names never do.
    lenient = (
        everything
        or isinstance(metrics, MetricSet)
        or _names_a_set(metrics)
        or (isinstance(metrics, list | tuple) and any(_names_a_set(m) for m in metrics))
    )
    chosen = _resolve(metrics)
    given = {
        need
        for need, value in (
            ("org", inputs.org),
            ("log", inputs.log),
            ("merge", inputs.merge),
            ("decisions", inputs.decisions),
        )
        if value is not None
    }
    values: dict[str, Value | dict[str, Value]] = {}
    units: dict[str, str] = {}
    skipped: dict[str, str] = {}
    for found in chosen:
        reason = _unmet(found, given, by)
        if reason is not None:
            if lenient:
                skipped[found.name] = reason
                continue
            msg = f"metric {found.name!r} {reason}"
            raise InvalidArgumentError(msg)
        values[found.name] = _checked_result(found, found(inputs), by)
        units[found.name] = found.unit
    if skipped and not values:
        listed = "; ".join(f"{name!r} {reason}" for name, reason in skipped.items())
        msg = f"no metric could be computed from the inputs given: {listed}"
        raise InvalidArgumentError(msg)
    return MetricTable(values, units, skipped=skipped, by=by, period=inputs.period)


def _names_a_set(metrics: object) -> bool:
    return isinstance(metrics, str) and "." not in metrics and metrics in registry.set_names()


def _resolve(metrics: object) -> list[Metric]:
    if isinstance(metrics, MetricSet):
        names: Sequence[str] = metrics.metrics
    elif isinstance(metrics, str):
        if metrics == "all":
            registry._ensure_loaded()
            return [registry.get(m.name) for m in registry.available()]
        names = _set_members(metrics) if "." not in metrics else (metrics,)
    elif isinstance(metrics, Sequence):
        names = []
        for name in metrics:
            if not isinstance(name, str):
                msg = f"metrics must hold metric or set names (strings), got {describe(name)}"
                raise ArgumentTypeError(msg)
            # a set's name stands for its members, in order
            names.extend(_set_members(name) if "." not in name else (name,))
    else:
        msg = (
            "metrics must be a metric name, a sequence of names, a MetricSet, a set's name or "
            f"'all', got {describe(metrics)}"
        )
        raise ArgumentTypeError(msg)
    return [registry.get(name) for name in dict.fromkeys(names)]


def _set_members(name: str) -> tuple[str, ...]:
    if name in registry.set_names():
        return registry.metric_set(name).metrics
    known = [*registry.set_names(), *(m.name for m in registry.available())]
    raise UnknownMetricError(registry.unknown_message("metric or metric set", name, known))


def _unmet(found: Metric, given: set[str], by: str | None) -> str | None:
    missing = [need for need in registry.NEEDS if need in found.needs and need not in given]
    if missing:
        what = " and ".join(_ARGUMENT[m] for m in missing)
        if len(missing) == 1:
            return f"needs the input {missing[0]!r}, which was not given (pass {what})"
        listed = ", ".join(map(repr, missing))
        return f"needs the inputs {listed}, which were not given (pass {what})"
    if by is not None and by not in found.by:
        supported = ", ".join(b for b in BREAKDOWNS if b in found.by)
        offers = f"it supports by= {supported}" if supported else "it has an overall value only"
        return f"cannot be broken down by {by!r}; {offers}"
    return None


def _checked_result(found: Metric, result: object, by: str | None) -> Value | dict[str, Value]:
    if by is None:
        return _number(found, result, None)
    if not isinstance(result, Mapping):
        msg = (
            f"metric {found.name!r} returned {describe(result)} for by={by!r}, "
            "expected a mapping key -> number"
        )
        raise ArgumentTypeError(msg)
    keys = list(result)
    values = list(result.values())
    numbers = np.asarray(values) if values else np.zeros(0, dtype=np.int64)
    uniform = numbers.dtype.kind in "iu" or (
        numbers.dtype.kind == "f" and all(isinstance(v, float | np.floating) for v in values)
    )  # ints and NaN together would all turn into floats: those go value by value
    if uniform and all(type(key) is str for key in keys):
        # The fast path for large breakdowns: one conversion, no per-value Python checks.
        return dict(zip(keys, numbers.tolist(), strict=True))
    out: dict[str, Value] = {}
    for key, value in result.items():
        if not isinstance(key, str):
            msg = f"metric {found.name!r} returned the key {describe(key)}, expected a string"
            raise ArgumentTypeError(msg)
        out[key] = _number(found, value, key)
    return out


def _number(found: Metric, value: object, key: str | None) -> Value:
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.integer | np.floating
    ):
        where = "" if key is None else f" for key {key!r}"
        msg = f"metric {found.name!r} returned {describe(value)}{where}, expected a number"
        raise ArgumentTypeError(msg)
    if isinstance(value, int | np.integer):
        return int(value)
    return float(value)


# ------------------------------------------------------------------------------ arguments


def _checked(value: object, name: str, module: str, cls: str, expected: str) -> Any:
    """``value`` unless it is neither None nor an instance of ``module.cls`` (imported here,
    so that the metrics do not import every layer up front)."""
    if value is None:
        return None
    import importlib

    if not isinstance(value, getattr(importlib.import_module(module), cls)):
        msg = f"{name} must be {expected}, got {describe(value)}"
        raise ArgumentTypeError(msg)
    return value


def _check_org(org: object) -> Any:
    return _checked(org, "org", "gridorg.hierarchy", "Organisation", "an Organisation")


def _check_log(log: object) -> Any:
    return _checked(log, "log", "gridorg.lifecycle", "CaseLog", "a CaseLog")


def _check_merge(merge: object) -> Any:
    expected = "a MergeResult (from merge_networks)"
    return _checked(merge, "merge", "gridorg._merge_result", "MergeResult", expected)


def _check_decisions(decisions: object) -> Any:
    if decisions is None:
        return None
    from gridorg._decisions import RoutingDecision, RoutingDecisions

    if isinstance(decisions, RoutingDecisions):
        return decisions
    if not isinstance(decisions, Sequence) or isinstance(decisions, str | bytes):
        msg = (
            "decisions must be RoutingDecisions or a list of RoutingDecision, "
            f"got {describe(decisions)}"
        )
        raise ArgumentTypeError(msg)
    for index, item in enumerate(decisions):
        if not isinstance(item, RoutingDecision):
            msg = f"decisions[{index}] must be a RoutingDecision, got {describe(item)}"
            raise ArgumentTypeError(msg)
    return decisions


def _check_by(by: object) -> str | None:
    if by is None:
        return None
    if not isinstance(by, str):
        msg = f"by must be one of {', '.join(BREAKDOWNS)} or None, got {describe(by)}"
        raise ArgumentTypeError(msg)
    if by not in BREAKDOWNS:
        close = difflib.get_close_matches(by, BREAKDOWNS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        msg = f"by must be one of {', '.join(BREAKDOWNS)} or None, got {by!r}{hint}"
        raise InvalidArgumentError(msg)
    return by


def _check_options(options: object) -> Mapping[str, Any]:
    if options is None:
        return {}
    if not isinstance(options, Mapping) or not all(isinstance(k, str) for k in options):
        msg = f"options must be a mapping of set names to options, got {describe(options)}"
        raise ArgumentTypeError(msg)
    return dict(options)


def parse_period(period: object) -> tuple[dt.datetime, dt.datetime] | None:
    """``period`` as ``(start, end)``: a quarter ``"2024Q2"`` or month ``"2024-05"`` in
    Asia/Shanghai, or a pair of timezone-aware datetimes with ``start < end``."""
    if period is None:
        return None
    if isinstance(period, str):
        return _parse_label(period)
    if not isinstance(period, tuple | list) or len(period) != 2:
        msg = (
            "period must be '2024Q2', '2024-05' or a pair (start, end) of timezone-aware "
            f"datetimes, got {describe(period)}"
        )
        raise ArgumentTypeError(msg)
    start, end = period
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, dt.datetime):
            msg = f"period {name} must be a timezone-aware datetime, got {describe(value)}"
            raise ArgumentTypeError(msg)
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            msg = (
                f"period {name} must be timezone-aware, got the naive {value.isoformat()}; "
                "give it a tzinfo (datetime.timezone.utc or a zoneinfo.ZoneInfo)"
            )
            raise InvalidArgumentError(msg)
    if start >= end:
        msg = f"period start must be before its end, got {start.isoformat()} to {end.isoformat()}"
        raise InvalidArgumentError(msg)
    return start, end


def _parse_label(label: str) -> tuple[dt.datetime, dt.datetime]:
    from gridorg.lists import SHANGHAI, quarter_bounds

    if _QUARTER.fullmatch(label):
        return quarter_bounds(label)
    match = _MONTH.fullmatch(label)
    if match is not None and int(match[1]) >= 1 and 1 <= int(match[2]) <= 12:
        year, month = int(match[1]), int(match[2])
        start = dt.datetime(year, month, 1, tzinfo=SHANGHAI)
        if month == 12:
            return start, dt.datetime(year + 1, 1, 1, tzinfo=SHANGHAI)
        return start, start.replace(month=month + 1)
    msg = f"period must be a quarter like '2024Q2' or a month like '2024-05', got {label!r}"
    raise InvalidArgumentError(msg)
