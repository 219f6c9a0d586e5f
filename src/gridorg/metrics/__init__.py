"""Named, documented metrics of an organisation, its case log, routing and merging.

A metric is a function of the inputs registered under a dotted name with its unit, the inputs
it needs, the breakdowns it supports, its formula and its source::

    from gridorg.metrics import compute
    table = compute("structure", org=org)

The built-in sets are ``STRUCTURE``, ``ACCESS``, ``CASES`` (数字城管), ``RATES`` (接诉即办),
``ESCALATION`` and ``MERGE``; each lives in the module of that name, whose functions document
their formulas. Other packages add metrics through the ``gridorg.metrics`` entry-point group;
set ``GRIDORG_NO_PLUGINS=1`` to turn that discovery off.
"""

from typing import TYPE_CHECKING

from gridorg.metrics._compute import compute
from gridorg.metrics._docs import docs_table
from gridorg.metrics._registry import (
    BREAKDOWNS,
    NEEDS,
    Inputs,
    Metric,
    MetricInfo,
    MetricSet,
    Value,
    available,
    get,
    metric,
    metric_set,
    unregister,
)
from gridorg.metrics._table import MetricRow, MetricTable

if TYPE_CHECKING:
    ACCESS: MetricSet
    CASES: MetricSet
    ESCALATION: MetricSet
    MERGE: MetricSet
    RATES: MetricSet
    STRUCTURE: MetricSet

#: The built-in sets, built from the registry on first access.
_SETS = {
    "ACCESS": "access",
    "CASES": "cases",
    "ESCALATION": "escalation",
    "MERGE": "merge",
    "RATES": "rates",
    "STRUCTURE": "structure",
}


def __getattr__(name: str) -> object:
    if name in _SETS:
        return metric_set(_SETS[name])
    msg = f"module 'gridorg.metrics' has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "ACCESS",
    "BREAKDOWNS",
    "CASES",
    "ESCALATION",
    "MERGE",
    "NEEDS",
    "RATES",
    "STRUCTURE",
    "Inputs",
    "Metric",
    "MetricInfo",
    "MetricRow",
    "MetricSet",
    "MetricTable",
    "Value",
    "available",
    "compute",
    "docs_table",
    "get",
    "metric",
    "metric_set",
    "unregister",
]
