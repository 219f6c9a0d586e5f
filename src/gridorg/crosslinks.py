"""``CrossLinks``: the partners, people, service sites, locations and typed links that an
organisation carries beside its tree.

Every :class:`~gridorg.Organisation` has one, empty unless links were added with
:meth:`Organisation.with_links <gridorg.Organisation.with_links>` or loaded from a document:

>>> import gridorg
>>> org = gridorg.datasets.songtao()
>>> org.links.counts()["contact_point"]
45

Links are stored as columns (about twenty bytes each); the record objects
(:mod:`gridorg.links`) are made when asked for.
"""

from __future__ import annotations

import types
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

import attrs
import numpy as np
import numpy.typing as npt

from gridorg._columns import PackedStrings
from gridorg._linktable import PARTNER, PERSON, SITE, UNIT, LinkTable, from_day_number
from gridorg.categories import DEFAULT_CATEGORIES, CategoryCatalogue
from gridorg.errors import InvalidArgumentError, UnknownEntityError
from gridorg.links import KINDS, LINK_CLASSES, Link, LinkKind
from gridorg.locations import Location
from gridorg.partners import Department, Partner
from gridorg.people import ROLES, Person
from gridorg.sites import ServiceSite

__all__ = ["CrossLinks"]


@attrs.frozen(eq=False, repr=False)
class CrossLinks(Sequence[Link]):
    """The cross-links of one organisation.

    A sequence of link records, plus the partners, people and sites they connect, the
    issue-category catalogue and the unit locations.

    Built by the organisation (never directly); read it through ``org.links``.
    """

    _unit_ids: PackedStrings
    categories: CategoryCatalogue = DEFAULT_CATEGORIES
    _partners: tuple[Partner, ...] = ()
    _people: tuple[Person, ...] = ()
    _sites: tuple[ServiceSite, ...] = ()
    _table: LinkTable = attrs.field(factory=LinkTable.empty)
    #: Unit coordinates by preorder position (NaN where a unit has no location), or None.
    _xy: npt.NDArray[np.float64] | None = None
    crs: str | None = None
    _cache: dict[str, Any] = attrs.field(factory=dict, init=False)

    # ------------------------------------------------------------------ entities

    @property
    def partners(self) -> Mapping[str, Partner]:
        """Every partner (departments and volunteer teams included) by id, in input order."""
        return self._mapping("partners", self._partners)

    @property
    def departments(self) -> Mapping[str, Department]:
        """The departments among the partners, by id."""
        if "departments" not in self._cache:
            found = {p.id: p for p in self._partners if isinstance(p, Department)}
            self._cache["departments"] = types.MappingProxyType(found)
        result: Mapping[str, Department] = self._cache["departments"]
        return result

    @property
    def people(self) -> Mapping[str, Person]:
        """Every named person by id, in input order."""
        return self._mapping("people", self._people)

    @property
    def sites(self) -> Mapping[str, ServiceSite]:
        """Every service site by id, in input order."""
        return self._mapping("sites", self._sites)

    def _mapping(self, key: str, items: tuple[Any, ...]) -> Mapping[str, Any]:
        if key not in self._cache:
            self._cache[key] = types.MappingProxyType({item.id: item for item in items})
        result: Mapping[str, Any] = self._cache[key]
        return result

    def entity(self, uid: str) -> Partner | Person | ServiceSite:
        """The partner, person or site with id ``uid``."""
        for mapping in (self.partners, self.people, self.sites):
            if uid in mapping:
                found: Partner | Person | ServiceSite = mapping[uid]
                return found
        msg = f"{uid!r} is not a partner, person or service site of this organisation"
        raise UnknownEntityError(msg)

    def entity_ref(self, uid: str) -> tuple[int, int] | None:
        """``(end type, index)`` of a partner, person or site id; None for anything else."""
        code = self.entity_refs().get(uid, -1)
        return None if code < 0 else (code >> 32, code & 0xFFFFFFFF)

    def entity_refs(self) -> dict[str, int]:
        """Every partner, person and site id mapped to ``end type << 32 | index``."""
        if "refs" not in self._cache:
            refs: dict[str, int] = {}
            groups: tuple[tuple[int, tuple[Partner | Person | ServiceSite, ...]], ...] = (
                (PARTNER, self._partners),
                (PERSON, self._people),
                (SITE, self._sites),
            )
            for end, items in groups:
                refs.update((item.id, end << 32 | i) for i, item in enumerate(items))
            self._cache["refs"] = refs
        found: dict[str, int] = self._cache["refs"]
        return found

    @property
    def is_empty(self) -> bool:
        """True when there are no partners, people, sites, links or unit locations."""
        return (
            not (
                self._partners
                or self._people
                or self._sites
                or len(self._table)
                or self._xy is not None
            )
            and self.categories == DEFAULT_CATEGORIES
        )

    # ------------------------------------------------------------------ links

    def __len__(self) -> int:
        return len(self._table)

    @overload
    def __getitem__(self, row: int) -> Link: ...
    @overload
    def __getitem__(self, row: slice) -> tuple[Link, ...]: ...
    def __getitem__(self, row: int | slice) -> Link | tuple[Link, ...]:
        if isinstance(row, slice):
            return tuple(map(self._record, range(len(self))[row]))
        count = len(self)
        if not isinstance(row, int | np.integer) or isinstance(row, bool):
            msg = f"a link position must be an integer, got {type(row).__name__}"
            raise InvalidArgumentError(msg)
        k = int(row) + count if row < 0 else int(row)
        if not 0 <= k < count:
            msg = f"link position {row} is out of range for {count} links"
            raise IndexError(msg)
        return self._record(k)

    def __iter__(self) -> Iterator[Link]:
        return map(self._record, range(len(self)))

    def _end_id(self, end_type: int, position: int) -> str:
        if end_type == UNIT:
            return self._unit_ids[position]
        items: tuple[Any, ...] = (self._partners, self._people, self._sites)[end_type - 1]
        uid: str = items[position].id
        return uid

    def _record(self, k: int) -> Link:
        t = self._table
        cls = LINK_CLASSES[KINDS[int(t.kind[k])]]
        source = self._end_id(int(t.src_type[k]), int(t.src[k]))
        target = self._end_id(int(t.dst_type[k]), int(t.dst[k]))
        values: dict[str, Any] = dict(zip(cls.ends, (source, target), strict=True))
        if cls.text_field is not None:
            text = t.text_at(k)
            if text is not None:
                values[cls.text_field] = text
        if cls.kind is LinkKind.REGISTRATION:
            values["date"] = from_day_number(int(t.date[k]))
        if cls.kind is LinkKind.ASSIGNMENT:
            values["role"] = ROLES[int(t.role[k])]
        link: Link = cls(**values)
        return link

    def of_kind(self, kind: LinkKind | str) -> tuple[Link, ...]:
        """Every link of one kind, in order."""
        code = _kind_code(kind)
        return tuple(map(self._record, np.flatnonzero(self._table.kind == code).tolist()))

    def counts(self) -> dict[str, int]:
        """The number of links of each kind (every kind listed, zeros included)."""
        found = np.bincount(self._table.kind, minlength=len(KINDS))
        return {kind.value: int(n) for kind, n in zip(KINDS, found.tolist(), strict=True)}

    def to_records(self) -> list[dict[str, Any]]:
        """Every link as a JSON-compatible record with its ``kind``."""
        return [link.to_record() for link in self]

    # ------------------------------------------------------------------ locations

    def location(self, uid: str, position: int | None = None) -> Location | None:
        """The location of a partner or site ``uid``, or of the unit at ``position``.

        For a unit by id use :meth:`Organisation.location <gridorg.Organisation.location>`,
        which finds the position.
        """
        if position is not None:
            self.unit_xy([position])  # checks the position
            if self._xy is None or np.isnan(self._xy[position, 0]):
                return None
            x, y = self._xy[position].tolist()
            return Location(x, y, self.crs or "wgs84")  # type: ignore[arg-type]
        found = self.entity(uid)
        return getattr(found, "location", None)

    def unit_xy(self, positions: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Coordinates of the units at ``positions`` as an ``(n, 2)`` array, NaN where none."""
        where = np.asarray(positions, dtype=np.int64)
        count = len(self._unit_ids)
        if len(where) and (int(where.min()) < 0 or int(where.max()) >= count):
            msg = f"unit positions must lie in [0, {count}); got {where.min()}..{where.max()}"
            raise InvalidArgumentError(msg)
        if self._xy is None:
            return np.full((len(where), 2), np.nan)
        return self._xy[where]

    def site_xy(self) -> npt.NDArray[np.float64]:
        """Coordinates of every site, in site order, as an ``(m, 2)`` array (NaN where none)."""
        out = np.full((len(self._sites), 2), np.nan)
        for i, site in enumerate(self._sites):
            if site.location is not None:
                out[i] = (site.location.x, site.location.y)
        return out

    # ------------------------------------------------------------------ value semantics

    def _rebound(self, unit_ids: PackedStrings) -> CrossLinks:
        """The same links over an equal copy of the unit ids (after unpickling)."""
        return attrs.evolve(self, unit_ids=unit_ids)

    def __reduce__(self) -> tuple[Any, ...]:
        fields = (
            self._unit_ids,
            self.categories,
            self._partners,
            self._people,
            self._sites,
            self._table,
            self._xy,
            self.crs,
        )
        return (_rebuild, fields)

    @property
    def nbytes(self) -> int:
        """Bytes held by the link columns and the unit coordinates (entities not included)."""
        return self._table.nbytes + (0 if self._xy is None else self._xy.nbytes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CrossLinks):
            return NotImplemented
        return (
            self.categories == other.categories
            and self._partners == other._partners
            and self._people == other._people
            and self._sites == other._sites
            and self.crs == other.crs
            and _same_xy(self._xy, other._xy)
            and self._table.same_as(other._table)
            and self._unit_ids == other._unit_ids
        )

    def __hash__(self) -> int:
        return hash((len(self), self.categories, self._partners, self._people, self._sites))

    def __repr__(self) -> str:
        kinds = ", ".join(f"{k} {n:,}" for k, n in self.counts().items() if n)
        return (
            f"<CrossLinks: {len(self):,} links ({kinds or 'none'}); "
            f"{len(self._partners)} partners, "
            f"{len(self._people)} people, {len(self._sites)} sites>"
        )


def _rebuild(
    unit_ids: PackedStrings,
    categories: CategoryCatalogue,
    partners: tuple[Partner, ...],
    people: tuple[Person, ...],
    sites: tuple[ServiceSite, ...],
    table: LinkTable,
    xy: npt.NDArray[np.float64] | None,
    crs: str | None,
) -> CrossLinks:
    for name in ("kind", "src_type", "src", "dst_type", "dst", "date", "text", "role"):
        getattr(table, name).flags.writeable = False
    if xy is not None:
        xy.flags.writeable = False
    return CrossLinks(unit_ids, categories, partners, people, sites, table, xy, crs)


def _same_xy(a: npt.NDArray[np.float64] | None, b: npt.NDArray[np.float64] | None) -> bool:
    if a is None or b is None:
        return a is b
    return np.array_equal(a, b, equal_nan=True)


def _kind_code(kind: LinkKind | str) -> int:
    try:
        return KINDS.index(LinkKind(kind))
    except ValueError:
        known = ", ".join(k.value for k in LinkKind)
        msg = f"link kind must be one of {known}, got {kind!r}"
        raise InvalidArgumentError(msg) from None
