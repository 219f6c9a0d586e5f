"""The result of a merge: :class:`MergeResult`, its :class:`MergeReport`, and how both are
built from a finished assignment of base units to grids."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from gridorg.networks import BaseLayer, FunctionalNetwork, resolve

IntArray = npt.NDArray[np.int64]


@attrs.frozen
class MergeReport:
    """The figures of a merge.

    How many grids, how the functional cells fared, sizes, compactness, infeasibilities and
    the time taken.

    ``cells_split`` counts the cells (over all networks) spread over more than one grid;
    ``mean_fragments`` is the mean number of grids a cell's households fall in. ``sizes`` are
    the grids' households: ``(min, median, max)``, with ``size_sd`` their standard deviation.
    ``compactness`` is the mean over grids of internal adjacent pairs over all pairs touching
    the grid (1: no border at all). ``outside_bounds`` counts grids outside the bounds (each
    named with its reason in :attr:`MergeResult.infeasible`).
    """

    method: str
    grids: int
    cells: int
    cells_split: int
    mean_fragments: float
    sizes: tuple[int, float, int]
    size_sd: float
    compactness: float
    outside_bounds: int
    seconds: float = attrs.field(eq=False)

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-compatible mapping."""
        return attrs.asdict(
            self, value_serializer=lambda _i, _a, v: list(v) if isinstance(v, tuple) else v
        )

    def rows(self) -> list[tuple[str, str]]:
        """The report as (label, value) rows, for tables."""
        low, middle, high = self.sizes
        return [
            ("method", self.method),
            ("grids", f"{self.grids:,}"),
            ("functional cells", f"{self.cells:,}"),
            ("cells split over grids", f"{self.cells_split:,}"),
            ("grids per cell (mean)", f"{self.mean_fragments:.2f}"),
            ("households per grid (min / median / max)", f"{low:,} / {middle:,.0f} / {high:,}"),
            ("households per grid (s.d.)", f"{self.size_sd:,.1f}"),
            ("compactness", f"{self.compactness:.3f}"),
            ("grids outside the bounds", f"{self.outside_bounds:,}"),
            ("seconds", f"{self.seconds:.3f}"),
        ]


@attrs.frozen(eq=False, repr=False)
class MergeResult:
    """The merged grids: a partition of the base layer, its crosswalk and its report.

    ``assignment[k]`` is the grid (an index into :attr:`grid_ids`) of base unit ``k``.
    """

    base: BaseLayer
    networks: tuple[FunctionalNetwork, ...]
    grid_ids: tuple[str, ...]
    assignment: IntArray
    infeasible: Mapping[str, str]
    report: MergeReport
    bounds: tuple[int, int]

    @property
    def grids(self) -> dict[str, tuple[str, ...]]:
        """Each grid's base unit ids, in base order."""
        found: dict[str, list[str]] = {g: [] for g in self.grid_ids}
        for uid, g in zip(self.base.ids, self.assignment.tolist(), strict=True):
            found[self.grid_ids[g]].append(uid)
        return {g: tuple(units) for g, units in found.items()}

    @property
    def households(self) -> dict[str, int]:
        """Each grid's households."""
        totals = np.bincount(
            self.assignment, weights=self.base.households, minlength=len(self.grid_ids)
        ).astype(np.int64)
        return dict(zip(self.grid_ids, totals.tolist(), strict=True))

    @property
    def community(self) -> dict[str, str]:
        """Each grid's community."""
        first = np.full(len(self.grid_ids), len(self.assignment), dtype=np.int64)
        np.minimum.at(first, self.assignment, np.arange(len(self.assignment)))
        return {
            g: self.base.communities[int(self.base.community_of[k])]
            for g, k in zip(self.grid_ids, first.tolist(), strict=True)
        }

    def crosswalk(self) -> dict[str, dict[str, dict[str, int]]]:
        """For every network kind and cell, the grids it maps to with the households shared
        (a unit in two cells of one network counts in both)."""
        resolved = resolve(self.networks, self.base)
        out: dict[str, dict[str, dict[str, int]]] = {}
        grids = len(self.grid_ids)
        for network, cells in zip(self.networks, resolved, strict=True):
            # One pass over every (cell, unit) membership: group by (cell, grid).
            sizes = [len(members) for members in cells]
            cell_of = np.repeat(np.arange(len(cells)), sizes)
            units = np.concatenate(cells) if cells else np.empty(0, dtype=np.int64)
            key = cell_of * max(grids, 1) + self.assignment[units]
            pairs, where = np.unique(key, return_inverse=True)
            shared = np.bincount(
                where.reshape(-1), weights=self.base.households[units], minlength=len(pairs)
            ).astype(np.int64)
            table: dict[str, dict[str, int]] = {cell: {} for cell in network.cells}
            names = list(network.cells)
            for pair, total in zip(pairs.tolist(), shared.tolist(), strict=True):
                cell, grid = divmod(pair, max(grids, 1))
                table[names[cell]][self.grid_ids[grid]] = int(total)
            out[network.kind] = table
        return out

    def reverse_crosswalk(self) -> dict[str, dict[tuple[str, str], int]]:
        """For every grid, the (network kind, cell) pairs it holds with the households shared."""
        out: dict[str, dict[tuple[str, str], int]] = {g: {} for g in self.grid_ids}
        for kind, table in self.crosswalk().items():
            for cell, grids in table.items():
                for grid, shared in grids.items():
                    out[grid][(kind, cell)] = shared
        return out

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MergeResult):
            return NotImplemented
        return (
            self.base == other.base
            and self.networks == other.networks
            and self.grid_ids == other.grid_ids
            and np.array_equal(self.assignment, other.assignment)
            and dict(self.infeasible) == dict(other.infeasible)
            and self.report == other.report
            and self.bounds == other.bounds
        )

    __hash__ = None  # type: ignore[assignment]  # holds arrays: equal values, no hash

    def __repr__(self) -> str:
        r = self.report
        return (
            f"<MergeResult {r.method}: {r.grids:,} grids from {len(self.base):,} base units; "
            f"{r.cells_split:,} of {r.cells:,} cells split; {r.outside_bounds} outside the bounds>"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        rows = self.report.rows()
        width = max(len(label) for label, _ in rows)
        plain = "\n".join(f"{label.ljust(width)}  {value}" for label, value in rows)
        import html

        cells = "".join(
            f"<tr><th style='text-align:left;padding:2px 8px;'>{html.escape(label)}</th>"
            f"<td style='text-align:right;padding:2px 8px;'>{html.escape(value)}</td></tr>"
            for label, value in rows
        )
        return {"text/plain": plain, "text/html": f"<table>{cells}</table>"}


def build_result(
    method: str,
    base: BaseLayer,
    networks: Sequence[FunctionalNetwork],
    assignment: IntArray,
    bounds: tuple[int, int],
    start: float,
    cells: list[list[IntArray]] | None = None,
) -> MergeResult:
    """The result for a finished ``assignment``: grid ids, reasons for every grid outside the
    bounds, crosswalk figures and the report."""
    minimum, maximum = bounds
    grid_count = int(assignment.max()) + 1 if len(assignment) else 0
    first = np.full(grid_count, len(assignment), dtype=np.int64)
    np.minimum.at(first, assignment, np.arange(len(assignment)))
    numbers: dict[int, int] = {}
    ids = []
    for g in range(grid_count):
        c = int(base.community_of[first[g]])
        numbers[c] = numbers.get(c, 0) + 1
        ids.append(f"{base.communities[c]}-M{numbers[c]:03d}")
    households = np.bincount(assignment, weights=base.households, minlength=grid_count).astype(
        np.int64
    )
    infeasible: dict[str, str] = {}
    units_in = np.bincount(assignment, minlength=grid_count)
    community_total = np.bincount(base.community_of, weights=base.households).astype(np.int64)
    for g in np.flatnonzero((households < minimum) | (households > maximum)).tolist():
        h = int(households[g])
        if h > maximum:
            unit = base.ids[int(first[g])]
            why = (
                f"{h:,} households, above max_households ({maximum:,}): base unit {unit!r} "
                "alone is that large"
                if units_in[g] == 1
                else f"{h:,} households, above max_households ({maximum:,})"
            )
        else:
            c = int(base.community_of[first[g]])
            in_community = int(community_total[c])
            if in_community < minimum:
                why = (
                    f"{h:,} households, below min_households ({minimum:,}): community "
                    f"{base.communities[c]!r} has only {in_community:,}"
                )
            else:
                why = (
                    f"{h:,} households, below min_households ({minimum:,}): no neighbour it "
                    f"could join stays within max_households ({maximum:,})"
                )
        infeasible[ids[g]] = why
    resolved = resolve(networks, base) if cells is None else cells
    report = report_of(method, assignment, households, resolved, len(infeasible), start, base)
    return MergeResult(
        base=base,
        networks=tuple(networks),
        grid_ids=tuple(ids),
        assignment=assignment,
        infeasible=infeasible,
        report=report,
        bounds=bounds,
    )


def report_of(
    method: str,
    assignment: IntArray,
    households: IntArray,
    resolved: list[list[IntArray]],
    outside: int,
    start: float,
    base: BaseLayer,
) -> MergeReport:
    fragments = [
        len(np.unique(assignment[members]))
        for cells in resolved
        for members in cells
        if len(members)
    ]
    offsets, neighbours = base.csr
    starts = np.repeat(np.arange(len(base)), np.diff(offsets))
    same = assignment[starts] == assignment[neighbours]
    count = len(households)
    # Directed edges from a grid's units: 2 per internal pair, 1 per border pair.
    doubled = np.bincount(assignment[starts][same], minlength=count)
    border = np.bincount(assignment[starts], minlength=count) - doubled
    pairs = doubled / 2 + border
    compact = np.where(pairs > 0, (doubled / 2) / np.maximum(pairs, 1), 1.0)
    return MergeReport(
        method=method,
        grids=count,
        cells=len(fragments),
        cells_split=sum(1 for f in fragments if f > 1),
        mean_fragments=float(np.mean(fragments)) if fragments else 0.0,
        sizes=(
            (int(households.min()), float(np.median(households)), int(households.max()))
            if count
            else (0, 0.0, 0)
        ),
        size_sd=float(households.std()) if count else 0.0,
        compactness=float(compact.mean()) if count else 1.0,
        outside_bounds=outside,
        seconds=time.perf_counter() - start,
    )


def renumber(assignment: IntArray) -> IntArray:
    """Grids numbered 0, 1, ... in order of their first base unit."""
    _, first, inverse = np.unique(assignment, return_index=True, return_inverse=True)
    order = np.argsort(first)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    result: IntArray = rank[inverse.reshape(-1)]
    return result


def spanning(result: MergeResult) -> list[str]:
    """The grids whose base units lie in more than one community."""
    pairs = np.unique(np.column_stack([result.assignment, result.base.community_of]), axis=0)
    counts = np.bincount(pairs[:, 0], minlength=len(result.grid_ids))
    return [result.grid_ids[g] for g in np.flatnonzero(counts > 1).tolist()]
