"""``BaseLayer``: the smallest spatial units functional grids are drawn over, and their
adjacency."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from gridorg._fields import count_problem, describe, id_problem
from gridorg.errors import (
    ArgumentTypeError,
    NetworkError,
    Problem,
    UnknownUnitError,
)

__all__ = ["BaseLayer"]

IntArray = npt.NDArray[np.int64]


def fail(problems: list[Problem], subject: str) -> None:
    if problems:
        raise NetworkError(problems, subject=subject)


@attrs.frozen(eq=False, repr=False)
class BaseLayer:
    """The base units grids are drawn over, with their communities, households and adjacency.

    Build one with :meth:`from_records` (the fields are not checked when the class is called
    directly). Units are kept in the order given; ``adjacency`` is an undirected graph over
    their ids (``networkx.Graph`` on demand, compressed sparse rows inside). Every unit
    belongs to exactly one community (the id of a community unit of the organisation the merge
    will feed).
    """

    ids: tuple[str, ...]
    communities: tuple[str, ...]
    community_of: IntArray
    households: IntArray
    xy: npt.NDArray[np.float64] | None
    crs: str | None
    _offsets: IntArray
    _neighbours: IntArray
    _index: dict[str, int] = attrs.field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        self._index.update((uid, i) for i, uid in enumerate(self.ids))

    # ------------------------------------------------------------------ construction

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        adjacency: Iterable[tuple[str, str]] | Any = (),
    ) -> BaseLayer:
        """A base layer from records ``{"id", "community", "households", "location"?}`` and
        ``adjacency``: a ``networkx.Graph`` over the ids or an iterable of id pairs.

        Every problem is reported at once in a :class:`~gridorg.NetworkError`: missing or
        duplicate ids, missing communities, negative or non-integer households, edges naming
        unknown units, self-loops.
        """
        if isinstance(records, Mapping | str | bytes) or not isinstance(records, Iterable):
            msg = f"records must be an iterable of mappings, got {type(records).__name__}"
            raise ArgumentTypeError(msg)
        rows = list(records)
        problems: list[Problem] = []
        ids: list[str] = []
        communities: list[str] = []
        households: list[int] = []
        points: list[tuple[float, float] | None] = []
        crs: dict[str, str] = {}
        for i, row in enumerate(rows):
            where = f"base unit {i}"
            if not isinstance(row, Mapping):
                problems.append(
                    Problem(
                        "invalid_record",
                        f"{where}: expected a mapping, got {describe(row)}",
                        index=i,
                    )
                )
                ids.append(f"\0{i}")
                communities.append("")
                households.append(0)
                points.append(None)
                continue
            unknown = sorted(set(row) - {"id", "community", "households", "location"})
            if unknown:
                text = (
                    f"{where}: unknown fields {unknown}; "
                    "fields are id, community, households, location"
                )
                problems.append(Problem("unknown_field", text, index=i, field=unknown[0]))
            uid = row.get("id")
            bad = id_problem("id", uid)
            named: str | None = uid if not bad else None
            if bad:
                problems.append(Problem("invalid_id", f"{where}: {bad}", index=i, field="id"))
                uid = f"\0{i}"
            else:
                where = f"base unit {uid!r}"
            community = row.get("community")
            bad = id_problem("community", community)
            if bad:
                text = f"{where}: {bad}"
                problems.append(
                    Problem("invalid_community", text, unit=named, index=i, field="community")
                )
                community = ""
            count = row.get("households", 0)
            bad = count_problem("households", count)
            if bad:
                text = f"{where}: {bad}"
                problems.append(
                    Problem("invalid_households", text, unit=named, index=i, field="households")
                )
                count = 0
            point = None
            if row.get("location") is not None:
                from gridorg.errors import RecordError
                from gridorg.locations import Location

                try:
                    where_ = Location.from_record(row["location"])
                except RecordError as err:
                    text = f"{where}: {err.problems[0].message}"
                    problems.append(
                        Problem("invalid_location", text, unit=named, index=i, field="location")
                    )
                else:
                    crs.setdefault(where_.crs, str(uid))
                    point = (where_.x, where_.y)
            ids.append(str(uid))
            communities.append(str(community))
            households.append(int(count))
            points.append(point)
        if len(crs) > 1:
            (a, first), (b, second) = list(crs.items())[:2]
            text = (
                f"base unit locations mix coordinate systems: {first!r} is {a}, {second!r} is {b}"
            )
            problems.append(Problem("mixed_crs", text, unit=second, field="location"))
        return cls._build(
            ids, communities, households, points, next(iter(crs), None), adjacency, problems
        )

    @classmethod
    def _build(
        cls,
        ids: list[str],
        communities: list[str],
        households: list[int],
        points: list[tuple[float, float] | None],
        crs: str | None,
        adjacency: Any,
        problems: list[Problem],
    ) -> BaseLayer:
        index: dict[str, int] = {}
        for i, uid in enumerate(ids):
            if uid in index and not uid.startswith("\0"):
                text = f"base unit {uid!r} is listed twice (records {index[uid]} and {i})"
                problems.append(Problem("duplicate_id", text, unit=uid, index=i, field="id"))
            else:
                index.setdefault(uid, i)
        pairs = _edges(adjacency)
        src: list[int] = []
        dst: list[int] = []
        for j, (a, b) in enumerate(pairs):
            ends = [
                index.get(a) if isinstance(a, str) else None,
                index.get(b) if isinstance(b, str) else None,
            ]
            for end, found in zip((a, b), ends, strict=True):
                if found is None:
                    text = f"adjacency edge {j} ({a!r}, {b!r}): {end!r} is not a base unit"
                    problems.append(Problem("unknown_unit", text, index=j, field="adjacency"))
            if ends[0] is None or ends[1] is None:
                continue
            if ends[0] == ends[1]:
                text = f"adjacency edge {j}: {a!r} is adjacent to itself"
                problems.append(Problem("self_loop", text, index=j, field="adjacency"))
                continue
            src.append(ends[0])
            dst.append(ends[1])
        fail(problems, "base layer")
        names = list(dict.fromkeys(communities))
        code = {name: i for i, name in enumerate(names)}
        n = len(ids)
        a = np.asarray(src + dst, dtype=np.int64)
        b = np.asarray(dst + src, dtype=np.int64)
        if len(a):
            keys = np.unique(a * max(n, 1) + b)
            a, b = keys // max(n, 1), keys % max(n, 1)
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(a, minlength=n), out=offsets[1:])
        xy = None
        if any(p is not None for p in points):
            xy = np.array(
                [p if p is not None else (np.nan, np.nan) for p in points], dtype=np.float64
            )
        return cls(
            ids=tuple(ids),
            communities=tuple(names),
            community_of=np.array([code[c] for c in communities], dtype=np.int64),
            households=np.asarray(households, dtype=np.int64),
            xy=xy,
            crs=crs,
            offsets=offsets,
            neighbours=b.astype(np.int64),
        )

    # ------------------------------------------------------------------ access

    def __len__(self) -> int:
        return len(self.ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __contains__(self, uid: object) -> bool:
        return isinstance(uid, str) and uid in self._index

    def index(self, uid: str) -> int:
        """The position of base unit ``uid``."""
        try:
            return self._index[uid]
        except (KeyError, TypeError):
            msg = f"{uid!r} is not a unit of this base layer"
            raise UnknownUnitError(msg) from None

    def neighbours(self, position: int) -> IntArray:
        """The positions of the units adjacent to the unit at ``position``."""
        found: IntArray = self._neighbours[self._offsets[position] : self._offsets[position + 1]]
        return found

    @property
    def csr(self) -> tuple[IntArray, IntArray]:
        """The adjacency as compressed sparse rows: ``(offsets, neighbours)``."""
        return self._offsets, self._neighbours

    @property
    def edge_count(self) -> int:
        """The number of adjacent pairs."""
        return len(self._neighbours) // 2

    def adjacency(self) -> Any:
        """The adjacency as a ``networkx.Graph`` over the ids (with ``community`` and
        ``households`` node attributes)."""
        import networkx as nx

        graph: nx.Graph[str] = nx.Graph()
        for i, uid in enumerate(self.ids):
            graph.add_node(
                uid,
                community=self.communities[int(self.community_of[i])],
                households=int(self.households[i]),
            )
        starts = np.repeat(np.arange(len(self)), np.diff(self._offsets))
        keep = starts < self._neighbours
        graph.add_edges_from(
            (self.ids[a], self.ids[b])
            for a, b in zip(starts[keep].tolist(), self._neighbours[keep].tolist(), strict=True)
        )
        return graph

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BaseLayer):
            return NotImplemented
        if self is other:
            return True
        same_xy = (self.xy is None and other.xy is None) or (
            self.xy is not None
            and other.xy is not None
            and np.array_equal(self.xy, other.xy, equal_nan=True)
        )
        return (
            self.ids == other.ids
            and self.communities == other.communities
            and self.crs == other.crs
            and np.array_equal(self.community_of, other.community_of)
            and np.array_equal(self.households, other.households)
            and np.array_equal(self._offsets, other._offsets)
            and np.array_equal(self._neighbours, other._neighbours)
            and same_xy
        )

    def __hash__(self) -> int:
        return hash((self.ids, self.crs, len(self._neighbours)))

    def __repr__(self) -> str:
        return (
            f"<BaseLayer: {len(self):,} units in {len(self.communities):,} communities, "
            f"{int(self.households.sum()):,} households, {self.edge_count:,} adjacent pairs>"
        )


def _edges(adjacency: Any) -> list[tuple[Any, Any]]:
    try:
        import networkx as nx

        if isinstance(adjacency, nx.Graph):
            return list(adjacency.edges())
    except ImportError:  # pragma: no cover - networkx is a core dependency
        pass
    if isinstance(adjacency, str | bytes | Mapping) or not isinstance(adjacency, Iterable):
        msg = f"adjacency must be a networkx Graph or id pairs, got {type(adjacency).__name__}"
        raise ArgumentTypeError(msg)
    pairs = []
    for j, pair in enumerate(adjacency):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            msg = f"adjacency item {j} must be a pair of ids, got {describe(pair)}"
            raise ArgumentTypeError(msg)
        pairs.append((pair[0], pair[1]))
    return pairs
