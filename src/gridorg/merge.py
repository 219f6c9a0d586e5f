"""Multi-network merging (多网合一): functional grids into one seamless comprehensive grid.

:func:`merge_networks` partitions the base layer into comprehensive grids: every base unit in
exactly one grid (无缝衔接), no grid crossing a community, each grid connected when asked,
each grid's households within the bounds wherever that is feasible (规模适度), and each
department's cells kept in as few grids as the bounds allow. The result carries a crosswalk
between every functional cell and the merged grids, and a report. How the merge works is in
:mod:`gridorg._merge`; ``docs/merging.md`` explains it and compares it with three baselines
(:func:`adopt_network`, :func:`finest_overlay`, :func:`greedy_growing`).
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from gridorg import _merge
from gridorg.errors import ArgumentTypeError, InvalidArgumentError, NetworkError, Problem
from gridorg.networks import BaseLayer, FunctionalNetwork, resolve

__all__ = [
    "MergeReport",
    "MergeResult",
    "adopt_network",
    "finest_overlay",
    "greedy_growing",
    "merge_networks",
]

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


# ---------------------------------------------------------------------- checks


def _bounds(minimum: object, maximum: object) -> tuple[int, int]:
    for name, value in (("min_households", minimum), ("max_households", maximum)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            msg = f"{name} must be an integer, got {value!r}"
            raise ArgumentTypeError(msg)
        if value < 0:
            msg = f"{name} must not be negative, got {value}"
            raise InvalidArgumentError(msg)
    if int(minimum) > int(maximum):  # type: ignore[call-overload]
        msg = f"min_households ({minimum}) is greater than max_households ({maximum})"
        raise InvalidArgumentError(msg)
    if int(maximum) == 0:  # type: ignore[call-overload]
        msg = "max_households must be positive"
        raise InvalidArgumentError(msg)
    return int(minimum), int(maximum)  # type: ignore[call-overload]


def _seed(seed: object) -> None:
    if isinstance(seed, np.random.Generator):
        return
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        msg = f"seed must be a non-negative integer or a numpy Generator, got {seed!r}"
        raise ArgumentTypeError(msg)
    if seed < 0:
        msg = f"seed must be a non-negative integer, got {seed}"
        raise InvalidArgumentError(msg)


def _weights(networks: Sequence[FunctionalNetwork], weights: object) -> npt.NDArray[np.float64]:
    if weights is None:
        return np.ones(len(networks))
    if not isinstance(weights, Mapping):
        msg = f"weights must map network kinds to numbers, got {type(weights).__name__}"
        raise ArgumentTypeError(msg)
    kinds = [n.kind for n in networks]
    unknown = sorted(set(weights) - set(kinds))
    if unknown:
        msg = f"weights name networks that are not merged: {unknown}; networks: {kinds}"
        raise InvalidArgumentError(msg)
    out = np.ones(len(networks))
    for i, kind in enumerate(kinds):
        value = weights.get(kind, 1.0)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            msg = f"weight of {kind!r} must be a finite number >= 0, got {value!r}"
            raise InvalidArgumentError(msg)
        out[i] = float(value)
    return out


def _respect(respect: object) -> bool:
    if isinstance(respect, str) or not isinstance(respect, tuple | list):
        msg = f"respect must be a tuple of boundaries such as ('community',), got {respect!r}"
        raise ArgumentTypeError(msg)
    unknown = [r for r in respect if r != "community"]
    if unknown:
        msg = f"respect may name only 'community', got {unknown}"
        raise InvalidArgumentError(msg)
    return "community" in respect


def _check_connected(base: BaseLayer, by_community: bool) -> None:
    offsets, neighbours = base.csr
    groups = base.community_of if by_community else np.zeros(len(base), dtype=np.int64)
    problems = []
    for c in np.unique(groups).tolist():
        members = np.flatnonzero(groups == c)
        pieces = int(_merge.components(members, offsets, neighbours).max()) + 1
        if pieces > 1:
            what = f"community {base.communities[c]!r}" if by_community else "the base layer"
            text = (
                f"{what} is split into {pieces} pieces by the adjacency; a contiguous merge "
                "needs each community connected (add the missing adjacencies, or pass "
                "contiguous=False)"
            )
            unit = base.communities[c] if by_community else None
            problems.append(Problem("disconnected_community", text, unit=unit))
    if problems:
        raise NetworkError(problems, subject="merge")


# ---------------------------------------------------------------------- the merge


def merge_networks(
    networks: Sequence[FunctionalNetwork],
    base: BaseLayer,
    *,
    min_households: int,
    max_households: int,
    respect: tuple[str, ...] = ("community",),
    contiguous: bool = True,
    weights: Mapping[str, float] | None = None,
    seed: int = 0,
) -> MergeResult:
    """Merge functional networks into one comprehensive grid over ``base``.

    Every base unit ends in exactly one grid; with ``respect=("community",)`` no grid crosses
    a community; with ``contiguous=True`` every grid is connected in the adjacency (each
    community must then be connected). Grids hold between ``min_households`` and
    ``max_households`` households wherever that is feasible; the others are named in
    :attr:`MergeResult.infeasible` with the reason. Within the bounds, each network's cells are
    kept in as few grids as possible, weighted by ``weights`` (network kind → weight, default
    1), then sizes are balanced. ``seed`` breaks ties: the same seed gives the same result.
    """
    start = time.perf_counter()
    minimum, maximum = _bounds(min_households, max_households)
    by_community = _respect(respect)
    _seed(seed)
    if not isinstance(contiguous, bool):
        msg = f"contiguous must be True or False, got {contiguous!r}"
        raise ArgumentTypeError(msg)
    cells = resolve(networks, base)
    weight = _weights(networks, weights)
    if contiguous:
        _check_connected(base, by_community)
    matrix = _merge.cell_matrix(cells, len(base))
    community = base.community_of if by_community else np.zeros(len(base), dtype=np.int64)
    signature = np.column_stack([community, matrix])
    offsets, neighbours = base.csr
    label = _merge.atoms(signature, offsets, neighbours, contiguous=contiguous)
    # Units alone above the maximum, and regions the fill cannot lift, are named with their
    # reasons once the grids are final (see _result).
    label, _alone = _merge.split_oversized(
        label, base.households, offsets, neighbours, maximum, contiguous=contiguous
    )
    _, label = np.unique(label, return_inverse=True)
    label = label.astype(np.int64)
    rng = np.random.default_rng(seed)
    count = int(label.max()) + 1 if len(label) else 0
    rank = rng.permutation(count).astype(np.int64)
    regions = _merge.Regions(
        label, base.households, community, matrix, weight, offsets, neighbours, rank
    )
    _merge.fill(regions, minimum, maximum, contiguous=contiguous)
    _merge.consolidate(regions, maximum)
    assignment = _merge.rebalance(
        regions.final(),
        base.households,
        community,
        offsets,
        neighbours,
        minimum,
        maximum,
        contiguous=contiguous,
    )
    assignment = _renumber(assignment)
    return _result(
        "merge",
        base,
        networks,
        assignment,
        (minimum, maximum),
        start,
        cells,
    )


def _result(
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
    report = _report(method, assignment, households, resolved, len(infeasible), start, base)
    return MergeResult(
        base=base,
        networks=tuple(networks),
        grid_ids=tuple(ids),
        assignment=assignment,
        infeasible=infeasible,
        report=report,
        bounds=bounds,
    )


def _report(
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


# ---------------------------------------------------------------------- baselines


def adopt_network(
    networks: Sequence[FunctionalNetwork],
    base: BaseLayer,
    kind: str,
    *,
    min_households: int,
    max_households: int,
) -> MergeResult:
    """Baseline: adopt one network's cells as the grid (overlapping units go to the cell listed
    first; each gap unit becomes a grid of its own)."""
    start = time.perf_counter()
    bounds = _bounds(min_households, max_households)
    cells = resolve(networks, base)
    kinds = [n.kind for n in networks]
    if kind not in kinds:
        msg = f"kind {kind!r} is not among the networks {kinds}"
        raise InvalidArgumentError(msg)
    column = _merge.cell_matrix([cells[kinds.index(kind)]], len(base))[:, 0]
    gaps = column < 0
    column = column.copy()
    column[gaps] = column.max(initial=-1) + 1 + np.arange(int(gaps.sum()))
    _, assignment = np.unique(
        np.column_stack([base.community_of, column]), axis=0, return_inverse=True
    )
    return _result(
        f"adopt {kind}", base, networks, _renumber(assignment.reshape(-1)), bounds, start
    )


def finest_overlay(
    networks: Sequence[FunctionalNetwork],
    base: BaseLayer,
    *,
    min_households: int,
    max_households: int,
) -> MergeResult:
    """Baseline: the common refinement itself (units grouped by community and the cells they
    share, split into connected pieces), with no growing or merging."""
    start = time.perf_counter()
    bounds = _bounds(min_households, max_households)
    cells = resolve(networks, base)
    matrix = _merge.cell_matrix(cells, len(base))
    offsets, neighbours = base.csr
    label = _merge.atoms(
        np.column_stack([base.community_of, matrix]), offsets, neighbours, contiguous=True
    )
    return _result("finest overlay", base, networks, _renumber(label), bounds, start)


def greedy_growing(
    networks: Sequence[FunctionalNetwork],
    base: BaseLayer,
    *,
    min_households: int,
    max_households: int,
    seed: int = 0,
) -> MergeResult:
    """Baseline: plain greedy region growing that ignores the networks — grow a grid breadth
    first from the first free unit of a community until the next unit would pass the target
    (the middle of the bounds), then start the next grid."""
    start = time.perf_counter()
    minimum, maximum = _bounds(min_households, max_households)
    _seed(seed)
    resolve(networks, base)
    target = (minimum + maximum) / 2
    offsets, neighbours = base.csr
    assignment = np.full(len(base), -1, dtype=np.int64)
    order = np.random.default_rng(seed).permutation(len(base))
    grid = 0
    for seed_unit in order.tolist():
        if assignment[seed_unit] >= 0:
            continue
        community = base.community_of[seed_unit]
        queue = deque([seed_unit])
        assignment[seed_unit] = grid
        total = int(base.households[seed_unit])
        while queue and total < target:
            u = queue.popleft()
            for v in neighbours[offsets[u] : offsets[u + 1]].tolist():
                if assignment[v] < 0 and base.community_of[v] == community:
                    h = int(base.households[v])
                    if total + h > maximum:
                        continue
                    assignment[v] = grid
                    total += h
                    queue.append(v)
                    if total >= target:
                        break
        grid += 1
    return _result(
        "greedy growing", base, networks, _renumber(assignment), (minimum, maximum), start
    )


def _renumber(assignment: IntArray) -> IntArray:
    """Grids numbered 0, 1, ... in order of their first base unit."""
    _, first, inverse = np.unique(assignment, return_index=True, return_inverse=True)
    order = np.argsort(first)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    result: IntArray = rank[inverse.reshape(-1)]
    return result


# ---------------------------------------------------------------------- into the organisation


def with_grids(
    org: Any,
    result: MergeResult,
    *,
    tier: str = "grid",
    form: str | None = None,
    replace: bool = True,
    drop_links: bool = False,
) -> Any:
    """``org`` with the merged grids attached under their communities as units of ``tier``.

    Each grid becomes a unit with the grid's id, its households and party form ``form``, whose
    parent is its community (a unit of ``org`` with the community's id). With ``replace=True``
    (the default) the units of ``tier`` already under those communities, and their subtrees,
    are removed first; links touching them are reported unless ``drop_links=True``.
    """
    from gridorg.hierarchy import Organisation

    if not isinstance(org, Organisation):
        msg = f"with_grids needs an Organisation, got {type(org).__name__}"
        raise ArgumentTypeError(msg)
    if not isinstance(result, MergeResult):
        msg = f"with_grids needs a MergeResult, got {type(result).__name__}"
        raise ArgumentTypeError(msg)
    if tier not in org.scheme.names:
        msg = f"tier {tier!r} is not in the scheme; its tiers are {', '.join(org.scheme.names)}"
        raise InvalidArgumentError(msg)
    missing = [c for c in result.base.communities if c not in org]
    if missing:
        shown = ", ".join(map(repr, missing[:5]))
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        msg = f"the merge's communities {shown}{more} are not units of {org._desc()}"
        raise InvalidArgumentError(msg)
    if replace:
        tier_code = org.scheme.index(tier)
        tiers = org.column("tier")
        parents = org.column("parent")
        sizes = org.column("size")
        outer: list[str] = []
        for community in result.base.communities:
            k = org.index(community)
            inside = np.arange(k + 1, k + int(sizes[k]))
            of_tier = inside[tiers[inside] == tier_code]
            top = of_tier[tiers[parents[of_tier]] != tier_code]  # nested grids go with them
            outer.extend(org._parts.ids.take(top))
        if outer:
            org = org.remove(*outer, drop_links=drop_links)
    spanning = _spanning(result)
    if spanning:
        msg = (
            f"grid {spanning[0]!r} spans several communities (a merge with respect=()); "
            "with_grids attaches grids under one community each"
        )
        raise InvalidArgumentError(msg)
    households = result.households
    communities = result.community
    clash = [g for g in result.grid_ids if g in org or org.links.entity_ref(g) is not None]
    if clash:
        shown = ", ".join(map(repr, clash[:5]))
        msg = f"grid ids {shown} are already used in {org._desc()}"
        raise InvalidArgumentError(msg)
    return org.add_units(
        {
            "id": grid,
            "tier": tier,
            "parent": communities[grid],
            "form": form,
            "households": households[grid],
        }
        for grid in result.grid_ids
    )


def _spanning(result: MergeResult) -> list[str]:
    """The grids whose base units lie in more than one community."""
    pairs = np.unique(np.column_stack([result.assignment, result.base.community_of]), axis=0)
    counts = np.bincount(pairs[:, 0], minlength=len(result.grid_ids))
    return [result.grid_ids[g] for g in np.flatnonzero(counts > 1).tolist()]
