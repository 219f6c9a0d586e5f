"""The merge set: the figures of a multi-network merge (多网合一, DOMAIN.md §2) as metrics.

Each metric reads one figure of :attr:`MergeResult.report <gridorg.MergeResult.report>`
(:class:`~gridorg.MergeReport`), so that a merge can be compared with another, or with the
baselines, in one table: ``compute("merge", merge=merge_networks(...))``. The merge's aims are
the source's: moderate size (规模适度), easy management (方便管理) and a seamless partition
(无缝衔接). The figures are overall values (no breakdown); a merge with no grids reports 0
for its sizes and spread and 1 for its compactness, as the report does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from gridorg.errors import InvalidArgumentError
from gridorg.metrics._registry import Inputs, Value, metric

if TYPE_CHECKING:
    from gridorg.merge import MergeReport

__all__ = [
    "cells",
    "cells_split",
    "compactness",
    "grids",
    "mean_fragments",
    "outside_bounds",
    "size_max",
    "size_median",
    "size_min",
    "size_sd",
]

Result = Value | Mapping[str, Value]


def _report(inputs: Inputs, name: str) -> MergeReport:
    if inputs.merge is None:
        msg = f"metric {name!r} needs a merge result (merge=...), got none"
        raise InvalidArgumentError(msg)
    return inputs.merge.report


def _merge_metric(
    attribute: str,
    unit: str,
    description: str,
    formula: str,
    source: str,
    read: Callable[[MergeReport], Value],
) -> Callable[[Inputs], Result]:
    """Register the metric ``merge.<attribute>`` that reads one figure of the report."""
    name = f"merge.{attribute}"

    def figure(inputs: Inputs) -> Result:
        return read(_report(inputs, name))

    figure.__name__ = figure.__qualname__ = attribute
    figure.__doc__ = f"{description}\n\nFormula: {formula}. Source: {source}.\n"
    metric(
        name,
        needs=("merge",),
        unit=unit,
        description=description,
        sets=("merge",),
        formula=formula,
        source=source,
    )(figure)
    return figure


_S2 = "DOMAIN.md §2"
_OWN = "gridorg (MergeReport)"

grids = _merge_metric(
    "grids",
    "grids",
    "How many comprehensive grids (综合网格) the merge made.",
    "number of grids in the partition of the base layer",
    "DOMAIN.md §2, §5 (Songtao: 102)",
    lambda r: r.grids,
)
cells = _merge_metric(
    "cells",
    "cells",
    "How many functional cells with households the merged networks had.",
    "number of cells, over every functional network, holding at least one base unit",
    _OWN,
    lambda r: r.cells,
)
cells_split = _merge_metric(
    "cells_split",
    "cells",
    "How many functional cells the merge spread over more than one grid.",
    "number of cells whose base units fall in two or more grids",
    _OWN,
    lambda r: r.cells_split,
)
mean_fragments = _merge_metric(
    "mean_fragments",
    "grids per cell",
    "The mean number of grids a functional cell's base units fall in.",
    "mean over cells of the number of distinct grids of its base units (0 without cells)",
    _OWN,
    lambda r: r.mean_fragments,
)
size_min = _merge_metric(
    "size_min",
    "households",
    "The households of the smallest grid (规模适度).",
    "min over grids of the households of its base units",
    _S2,
    lambda r: r.sizes[0],
)
size_median = _merge_metric(
    "size_median",
    "households",
    "The median households of a grid (规模适度).",
    "median over grids of the households of its base units",
    _S2,
    lambda r: r.sizes[1],
)
size_max = _merge_metric(
    "size_max",
    "households",
    "The households of the largest grid (规模适度).",
    "max over grids of the households of its base units",
    _S2,
    lambda r: r.sizes[2],
)
size_sd = _merge_metric(
    "size_sd",
    "households",
    "The standard deviation of the grids' households.",
    "population standard deviation over grids of their households",
    _S2,
    lambda r: r.size_sd,
)
compactness = _merge_metric(
    "compactness",
    "ratio",
    "How compact the grids are: internal adjacencies over all adjacencies touching a grid.",
    "mean over grids of internal adjacent pairs ÷ (internal + border pairs), 1 for no pairs",
    _OWN,
    lambda r: r.compactness,
)
outside_bounds = _merge_metric(
    "outside_bounds",
    "grids",
    "How many grids lie outside the household bounds (each named in MergeResult.infeasible).",
    "number of grids with households below min_households or above max_households",
    _S2,
    lambda r: r.outside_bounds,
)
