"""``Organisation``: the tier tree of a city's grassroots party organisation.

An organisation is an immutable value. It stores its units as columns in depth-first preorder
(so a subtree is a contiguous slice), with ids and names packed into single strings and a hash
index for lookups; :class:`~gridorg.Unit` objects are materialised only when asked for. Queries
take unit ids; the batch forms (:meth:`Organisation.ancestor_at_many`,
:meth:`Organisation.positions`) work on integer positions and return numpy arrays.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, overload

import attrs
import numpy as np
import numpy.typing as npt

from gridorg import _tree
from gridorg._build import Parts
from gridorg._fields import COUNT_FIELDS, copy_json
from gridorg._linkmethods import LinkMethods
from gridorg._walk import WalkOrder
from gridorg.errors import ArgumentTypeError, InvalidArgumentError, UnknownUnitError
from gridorg.tiers import DEFAULT_SCHEME, FORMS, LevelScheme, PartyForm, Tier
from gridorg.units import Unit, trusted_unit

if TYPE_CHECKING:
    import networkx as nx

    from gridorg.audit import AuditPolicy, Finding
    from gridorg.crosslinks import CrossLinks

__all__ = ["Organisation"]

CountField = Literal["households", "party_members", "gridders"]

#: Arrays available through :meth:`Organisation.column`.
COLUMNS: Final = ("parent", "tier", "form", *COUNT_FIELDS, "depth", "size")
#: The arrays that define an organisation's value (depth and size follow from ``parent``).
_VALUE_COLUMNS: Final = ("parent", "tier", "form", *COUNT_FIELDS)


class _Any:
    """Sentinel: no filter on this attribute."""

    def __repr__(self) -> str:
        return "ANY"


ANY: Final = _Any()


def _check_scheme(inst: Organisation, _attribute: object, scheme: object) -> None:
    scheme = _require_scheme(scheme)
    tiers = inst._parts.tier
    if len(tiers) and int(tiers.max()) >= len(scheme):
        msg = f"scheme {scheme!r} has {len(scheme)} tiers; the units use {int(tiers.max()) + 1}"
        raise InvalidArgumentError(msg)


def _check_name(_inst: object, _attribute: object, name: object) -> None:
    _name(name)


@attrs.frozen(eq=False, repr=False)
class Organisation(LinkMethods, Mapping[str, Unit]):
    """An immutable organisation tree: a mapping from unit id to :class:`Unit`.

    Build one with :meth:`from_records`, :meth:`from_nested`, :meth:`from_networkx`,
    :meth:`from_columns` or :func:`gridorg.load`; every constructor validates the whole input
    and reports every problem at once. Units are kept in depth-first preorder, children in the
    order they were given.

    Beside the tree, an organisation carries its cross-links (:attr:`links`): partners,
    people, service sites, unit locations and typed links, added with :meth:`with_links`.
    """

    _parts: Parts = attrs.field(alias="parts")
    scheme: LevelScheme = attrs.field(default=DEFAULT_SCHEME, validator=_check_scheme)
    name: str = attrs.field(default="", validator=_check_name)
    _crosslinks: CrossLinks | None = attrs.field(default=None, alias="links", kw_only=True)
    _cache: dict[str, Any] = attrs.field(factory=dict, init=False)

    # ------------------------------------------------------------------ construction

    @classmethod
    def empty(cls, *, scheme: LevelScheme | None = None, name: str = "") -> Organisation:
        """An organisation with no units."""
        return cls.from_records([], scheme=scheme, name=name)

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any] | Unit],
        *,
        scheme: LevelScheme | None = None,
        name: str = "",
    ) -> Organisation:
        """Build from records: mappings with the fields of :class:`Unit`, or ``Unit`` objects.

        Each record has ``id`` and ``tier``; ``parent`` (the parent's id, ``None`` or absent for
        a root), ``name``, ``form``, ``households``, ``party_members``, ``gridders`` and
        ``attributes`` are optional. Records may come in any order. Raises
        :class:`~gridorg.RecordError` for bad fields and :class:`~gridorg.HierarchyError` for
        structural problems, listing every problem found.
        """
        from gridorg import _convert

        return _convert.from_records(records, _scheme(scheme), _name(name))

    @classmethod
    def from_nested(
        cls,
        data: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        *,
        scheme: LevelScheme | None = None,
        name: str = "",
    ) -> Organisation:
        """Build from nested dicts: each node has the fields of a record and ``children``.

        ``data`` is one root node or a list of root nodes. Nodes carry no ``parent`` field: the
        nesting says it.
        """
        from gridorg import _convert

        return _convert.from_nested(data, _scheme(scheme), _name(name))

    @classmethod
    def from_networkx(
        cls, graph: nx.DiGraph[Any], *, scheme: LevelScheme | None = None, name: str | None = None
    ) -> Organisation:
        """Build from a ``networkx.DiGraph`` whose edges point from parent to child.

        Node keys are unit ids; node attributes are the other fields. The graph attributes
        ``scheme`` and ``name`` are used when the arguments are not given.
        """
        from gridorg import _convert

        return _convert.from_networkx(graph, scheme, name)

    @classmethod
    def from_columns(
        cls, columns: Any, *, scheme: LevelScheme | None = None, name: str = ""
    ) -> Organisation:
        """Build from columns: a mapping of equal-length arrays, or any DataFrame-like.

        Columns are named like the fields of :class:`Unit`. ``parent`` holds parent ids (with
        ``None`` or a missing value for roots) or integer positions (``-1`` for roots);
        ``tier`` and ``form`` hold names or integer codes (positions in the scheme and in
        :class:`PartyForm`, ``-1`` for no form). This is the fast path for large inputs.
        """
        from gridorg import _convert

        return _convert.from_columns(columns, _scheme(scheme), _name(name))

    # ------------------------------------------------------------------ export

    def to_records(self) -> list[dict[str, Any]]:
        """Every unit as a record dict, in preorder; ``from_records`` reverses it exactly."""
        from gridorg import _convert

        return _convert.to_records(self)

    def to_nested(self) -> list[dict[str, Any]]:
        """The roots as nested dicts with ``children`` lists; ``from_nested`` reverses it."""
        from gridorg import _convert

        return _convert.to_nested(self)

    @overload
    def to_networkx(self, *, links: Literal[False] = False) -> nx.DiGraph[str]: ...
    @overload
    def to_networkx(self, *, links: Literal[True]) -> nx.MultiDiGraph[str]: ...
    def to_networkx(self, *, links: bool = False) -> nx.DiGraph[str] | nx.MultiDiGraph[str]:
        """A ``networkx.DiGraph`` with an edge from each parent to each child.

        Node attributes hold the unit fields; ``graph.graph`` holds ``scheme`` and ``name``.
        With ``links=True``, a typed ``MultiDiGraph`` of units, partners, people and sites
        instead (see :func:`gridorg.graph.to_networkx`).
        """
        if links:
            from gridorg import graph

            return graph.to_networkx(self)
        from gridorg import _convert

        return _convert.to_networkx(self)

    def to_columns(self) -> dict[str, npt.NDArray[Any]]:
        """Every field as a numpy array (object arrays for strings), in preorder."""
        from gridorg import _convert

        return _convert.to_columns(self)

    def to_pandas(self) -> Any:
        """The columns as a ``pandas.DataFrame`` indexed by unit id (needs pandas)."""
        from gridorg import _convert

        return _convert.to_pandas(self)

    # ------------------------------------------------------------------ mapping protocol

    def __len__(self) -> int:
        return len(self._parts.ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self._parts.ids.tolist())

    def __contains__(self, uid: object) -> bool:
        return isinstance(uid, str) and self._parts.index.get(uid) >= 0

    def __getitem__(self, uid: str) -> Unit:
        if not isinstance(uid, str):  # a KeyError, as a dict of str keys would raise
            msg = f"unit ids are strings; {uid!r} is not in {self._desc()}"
            raise UnknownUnitError(msg)
        return self.unit_at(self.index(uid))

    # ------------------------------------------------------------------ positions

    def index(self, uid: str) -> int:
        """The position of unit ``uid`` in preorder."""
        if not isinstance(uid, str):
            msg = f"a unit is named by its id (a string), got {type(uid).__name__}"
            raise ArgumentTypeError(msg)
        position = self._parts.index.get(uid)
        if position < 0:
            msg = f"unit {uid!r} is not in {self._desc()}"
            raise UnknownUnitError(msg)
        return position

    def indices(self, uids: Sequence[str] | npt.NDArray[Any]) -> npt.NDArray[np.int64]:
        """The positions of many units at once; raises naming every unknown id."""
        if isinstance(uids, str):
            msg = "indices() takes a sequence of ids, not a single string"
            raise ArgumentTypeError(msg)
        listed = uids.tolist() if isinstance(uids, np.ndarray) else list(uids)
        try:
            found = self._parts.index.get_many(listed)
        except TypeError:
            msg = "indices() takes ids (strings); got an unhashable value"
            raise ArgumentTypeError(msg) from None
        missing = np.flatnonzero(found < 0)
        if len(missing):
            shown = ", ".join(repr(listed[i]) for i in missing[:5].tolist())
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            msg = f"{len(missing)} unknown unit ids: {shown}{more} (not in {self._desc()})"
            raise UnknownUnitError(msg)
        return found

    def id_at(self, position: int) -> str:
        """The id of the unit at ``position``."""
        return self._parts.ids[self._check_position(position)]

    def ids_at(self, positions: npt.ArrayLike) -> list[str | None]:
        """The ids at many positions; ``-1`` gives ``None`` (as from :meth:`ancestor_at_many`)."""
        array = self._positions_array(positions, allow_missing=True)
        if len(self) == 0:  # only -1 passed the check above
            return [None] * len(array)
        ids = self._parts.ids.take(np.maximum(array, 0))
        if (array < 0).any():
            return [None if p < 0 else uid for p, uid in zip(array.tolist(), ids, strict=True)]
        return list(ids)

    def unit_at(self, position: int) -> Unit:
        """The unit at ``position``."""
        p = self._parts
        k = self._check_position(position)
        up = int(p.parent[k])
        form = int(p.form[k])
        extra = p.attributes.get(k)
        return trusted_unit(
            p.ids[k],
            self.scheme.tiers[p.tier[k]].name,
            p.ids[up] if up >= 0 else None,
            p.names[k],
            FORMS[form] if form >= 0 else None,
            int(p.households[k]),
            int(p.party_members[k]),
            int(p.gridders[k]),
            copy_json(extra) if extra else {},
        )

    def units_at(self, positions: npt.ArrayLike) -> tuple[Unit, ...]:
        """The units at many positions, in the order given."""
        array = self._positions_array(positions)
        p = self._parts
        tier_names = self.scheme.names
        parents = p.parent[array]
        parent_ids = self.ids_at(parents)
        forms: list[PartyForm | None] = [FORMS[f] if f >= 0 else None for f in p.form[array]]
        attributes = p.attributes
        rows = zip(
            array.tolist(),
            p.ids.take(array),
            map(tier_names.__getitem__, p.tier[array].tolist()),
            parent_ids,
            p.names.take(array),
            forms,
            p.households[array].tolist(),
            p.party_members[array].tolist(),
            p.gridders[array].tolist(),
            strict=True,
        )
        return tuple(
            trusted_unit(
                uid,
                tier,
                parent,
                name,
                form,
                hh,
                pm,
                gr,
                copy_json(attributes[k]) if k in attributes else {},
            )
            for k, uid, tier, parent, name, form, hh, pm, gr in rows
        )

    # ------------------------------------------------------------------ tree queries

    def parent(self, uid: str) -> Unit | None:
        """The parent of ``uid``, or ``None`` for a root."""
        up = int(self._parts.parent[self.index(uid)])
        return self.unit_at(up) if up >= 0 else None

    def children(self, uid: str) -> tuple[Unit, ...]:
        """The children of ``uid``, in order."""
        return self.units_at(self._child_positions(self.index(uid)))

    def ancestors(self, uid: str) -> tuple[Unit, ...]:
        """The ancestors of ``uid``, from its parent up to its root."""
        chain: list[int] = []
        parent = self._parts.parent
        up = int(parent[self.index(uid)])
        while up >= 0:
            chain.append(up)
            up = int(parent[up])
        return self.units_at(np.array(chain, dtype=np.int64))

    def ancestor_at(self, uid: str, tier: str | Tier, *, nearest: bool = False) -> Unit | None:
        """The unit at ``tier`` on the path from ``uid`` up to its root (``uid`` included).

        When several units of that tier are on the path (a grid under a branch under a general
        branch), the topmost one is returned: the head of that tier. ``nearest=True`` returns
        the closest one instead. ``None`` when no unit of that tier is on the path.
        """
        found = int(self._ancestor_table(nearest)[self.scheme.index(tier), self.index(uid)])
        return self.unit_at(found) if found >= 0 else None

    def ancestor_at_many(
        self,
        units: Sequence[str] | npt.ArrayLike,
        tier: str | Tier,
        *,
        nearest: bool = False,
    ) -> npt.NDArray[np.int32]:
        """:meth:`ancestor_at` for many units at once, as positions (``-1`` where none).

        ``units`` is a sequence of ids or an integer array of positions (the fast path: a
        single gather from a per-tier ancestor table built on first use). Turn the result into
        ids with :meth:`ids_at` or units with :meth:`units_at`.
        """
        row = self._ancestor_table(nearest)[self.scheme.index(tier)]
        positions: npt.NDArray[Any]
        if isinstance(units, np.ndarray) and units.dtype.kind in "iu" and units.ndim == 1:
            positions = units
            if len(positions) and (positions.min() < 0 or positions.max() >= len(self)):
                self._positions_array(positions)  # raises naming the bad position
        elif _holds_ids(units):
            positions = self.indices(units)  # type: ignore[arg-type]
        else:
            positions = self._positions_array(units)
        result: npt.NDArray[np.int32] = row[positions]
        return result

    def depth(self, uid: str) -> int:
        """The number of ancestors of ``uid`` (0 for a root)."""
        return int(self._parts.depth[self.index(uid)])

    def subtree(self, uid: str) -> tuple[Unit, ...]:
        """``uid`` and all its descendants, in preorder."""
        start = self.index(uid)
        stop = start + int(self._parts.size[start])
        return self.units_at(np.arange(start, stop))

    def leaves(self, uid: str | None = None) -> tuple[Unit, ...]:
        """The units without children (within the subtree of ``uid`` when given)."""
        start, stop = self._span(uid)
        return self.units_at(np.flatnonzero(self._parts.size[start:stop] == 1) + start)

    def roots(self) -> tuple[Unit, ...]:
        """The units without a parent, in order."""
        return self.units_at(np.flatnonzero(self._parts.parent < 0))

    def positions(
        self,
        *,
        tier: str | Tier | None = None,
        form: PartyForm | str | _Any | None = ANY,
        under: str | None = None,
    ) -> npt.NDArray[np.int64]:
        """Positions of the units matching every filter given, in preorder.

        ``tier`` selects one tier; ``form`` one party form, or ``None`` for units without one;
        ``under`` the subtree of a unit (the unit included).
        """
        start, stop = self._span(under)
        p = self._parts
        mask = np.ones(stop - start, dtype=np.bool_)
        if tier is not None:
            mask &= p.tier[start:stop] == self.scheme.index(tier)
        if not isinstance(form, _Any):
            code = -1 if form is None else FORMS.index(PartyForm.parse(form))
            mask &= p.form[start:stop] == code
        return np.flatnonzero(mask) + start

    def units(
        self,
        *,
        tier: str | Tier | None = None,
        form: PartyForm | str | _Any | None = ANY,
        under: str | None = None,
    ) -> tuple[Unit, ...]:
        """The units matching every filter given (see :meth:`positions`), in preorder."""
        return self.units_at(self.positions(tier=tier, form=form, under=under))

    def walk(
        self,
        start: str | None = None,
        *,
        order: WalkOrder = "pre",
        filter: Callable[[Unit], bool] | None = None,
        stop: Callable[[Unit], bool] | None = None,
        max_depth: int | None = None,
    ) -> Iterator[Unit]:
        """Iterate over the subtree of ``start`` (or every tree) in pre-, post- or level order.

        ``filter(unit)`` false leaves a unit out but still walks its children; ``stop(unit)``
        true leaves out the unit and everything below it; ``max_depth`` counts from ``start``
        (depth 0), or from the roots.
        """
        from gridorg._walk import walk

        return walk(self, start, order=order, keep=filter, stop=stop, max_depth=max_depth)

    def counts(
        self, by: Literal["tier", "form"] | tuple[str, str] = ("tier", "form")
    ) -> dict[Any, int]:
        """How many units there are by tier, by party form, or by (tier, form).

        ``by="tier"`` lists every tier of the scheme, ``by="form"`` every form and ``None``
        (no form), both in order and including zeros; the default ``("tier", "form")`` lists
        the pairs that occur.
        """
        p = self._parts
        if by == "tier":
            tiers = np.bincount(p.tier, minlength=len(self.scheme)).tolist()
            return dict(zip(self.scheme.names, tiers, strict=True))
        if by == "form":
            forms = np.bincount(p.form.astype(np.int64) + 1, minlength=len(FORMS) + 1).tolist()
            return dict(zip((None, *FORMS), forms, strict=True))
        if not isinstance(by, tuple | list) or tuple(by) != ("tier", "form"):
            msg = f"by must be 'tier', 'form' or ('tier', 'form'), got {by!r}"
            raise InvalidArgumentError(msg)
        width = len(FORMS) + 1
        combined = p.tier.astype(np.int64) * width + p.form + 1
        cells = np.bincount(combined, minlength=len(self.scheme) * width)
        result: dict[Any, int] = {}
        for code in np.flatnonzero(cells).tolist():
            t, f = divmod(code, width)
            result[(self.scheme.names[t], FORMS[f - 1] if f else None)] = int(cells[code])
        return result

    def totals(self, field: CountField) -> npt.NDArray[np.int64]:
        """Subtree sums of a count field for every unit, as a read-only array by position."""
        if field not in COUNT_FIELDS:
            msg = f"field must be one of {', '.join(COUNT_FIELDS)}, got {field!r}"
            raise InvalidArgumentError(msg)
        key = f"totals:{field}"
        if key not in self._cache:
            sums = _tree.subtree_sums(getattr(self._parts, field), self._parts.size)
            sums.flags.writeable = False
            self._cache[key] = sums
        result: npt.NDArray[np.int64] = self._cache[key]
        return result

    def total(self, uid: str, field: CountField) -> int:
        """The sum of a count field over the subtree of ``uid``."""
        return int(self.totals(field)[self.index(uid)])

    def column(self, name: str) -> npt.NDArray[Any]:
        """A read-only array by position: ``parent`` (positions, -1 for roots), ``tier`` and
        ``form`` (codes, -1 for no form), the counts, ``depth`` or ``size`` (subtree size)."""
        if name not in COLUMNS:
            msg = f"column must be one of {', '.join(COLUMNS)}, got {name!r}"
            raise InvalidArgumentError(msg)
        array: npt.NDArray[Any] = getattr(self._parts, name)
        return array

    # ------------------------------------------------------------------ functional updates

    def add_units(self, records: Iterable[Mapping[str, Any] | Unit]) -> Organisation:
        """A new organisation with ``records`` added (they may be parents of each other).

        New children come after a parent's existing children, in the order given: the result
        equals ``Organisation.from_records(org.to_records() + records)``.
        """
        from gridorg import _update

        return _update.add_units(self, records)

    def remove(self, *uids: str, drop_links: bool = False) -> Organisation:
        """A new organisation without the subtrees of ``uids``.

        ``uids`` may also name partners, people and service sites. Links that touch anything
        removed are reported in a :class:`~gridorg.LinkError` unless ``drop_links=True``, which
        removes them too; nothing is left dangling. A department's ``jurisdiction`` or a site's
        ``host`` inside a removed subtree is always reported: those are fields of the partner
        or site, to change or to remove with it.
        """
        from gridorg import _update

        return _update.remove(self, uids, drop_links=drop_links)

    def move(self, uid: str, parent: str | None) -> Organisation:
        """A new organisation where ``uid`` (and its subtree) is the last child of ``parent``.

        ``parent=None`` makes it a root. The structural rules must still hold.
        """
        from gridorg import _update

        return _update.move(self, uid, parent)

    def evolve(self, uid: str, **changes: Any) -> Organisation:
        """A new organisation where unit ``uid`` has the given fields changed.

        Any field but ``parent`` may change (use :meth:`move`), ``id`` included; the structural
        rules are checked against the unit's parent and children.
        """
        from gridorg import _update

        return _update.evolve(self, uid, changes)

    def with_grids(self, result: Any, **options: Any) -> Organisation:
        """A new organisation with a merge's grids attached under their communities (see
        :func:`gridorg.merge.with_grids` for the options)."""
        from gridorg.merge import with_grids

        found: Organisation = with_grids(self, result, **options)
        return found

    # ------------------------------------------------------------------ audit and display

    def audit(self, policy: AuditPolicy | None = None) -> tuple[Finding, ...]:
        """Policy findings (not errors): see :func:`gridorg.audit.audit`."""
        from gridorg.audit import audit

        return audit(self, policy)

    def render(
        self,
        start: str | None = None,
        *,
        max_depth: int | None = None,
        max_children: int | None = 20,
        counts: bool = True,
    ) -> str:
        """A text tree drawn with box-drawing characters (see :func:`gridorg.display.render`)."""
        from gridorg.display import render

        return render(self, start, max_depth=max_depth, max_children=max_children, counts=counts)

    def to_mermaid(self, *, max_depth: int | None = None, max_units: int = 500) -> str:
        """A Mermaid ``flowchart`` of the tree (see :func:`gridorg.display.to_mermaid`)."""
        from gridorg.display import to_mermaid

        return to_mermaid(self, max_depth=max_depth, max_units=max_units)

    def to_dot(self, *, max_depth: int | None = None, max_units: int = 500) -> str:
        """A Graphviz DOT digraph of the tree (see :func:`gridorg.display.to_dot`)."""
        from gridorg.display import to_dot

        return to_dot(self, max_depth=max_depth, max_units=max_units)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        from gridorg.display import mimebundle

        return mimebundle(self)

    # ------------------------------------------------------------------ value semantics

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Organisation):
            return NotImplemented
        if self is other:
            return True
        a, b = self._parts, other._parts
        return (
            len(self) == len(other)
            and self.name == other.name
            and self.scheme == other.scheme
            and a.ids == b.ids
            and a.names == b.names
            and all(np.array_equal(getattr(a, f), getattr(b, f)) for f in _VALUE_COLUMNS)
            and self._attributes_key() == other._attributes_key()
            and self.links == other.links
        )

    def _attributes_key(self) -> str:
        """The attributes as canonical JSON: ``1``, ``1.0`` and ``true`` differ, as in a
        document, so equality and hashing agree."""
        if "attributes" not in self._cache:
            items = sorted(self._parts.attributes.items())
            self._cache["attributes"] = json.dumps(items, sort_keys=True, ensure_ascii=False)
        key: str = self._cache["attributes"]
        return key

    def __hash__(self) -> int:
        if "hash" not in self._cache:
            p = self._parts
            extra = self._attributes_key()
            self._cache["hash"] = hash(
                (
                    self.name,
                    self.scheme,
                    p.ids._text,
                    p.names._text,
                    *(getattr(p, f).tobytes() for f in _VALUE_COLUMNS),
                    extra,
                    None if self.links.is_empty else hash(self.links),
                )
            )
        value: int = self._cache["hash"]
        return value

    def __reduce__(self) -> tuple[Any, ...]:
        links = None if self._crosslinks is None or self._crosslinks.is_empty else self._crosslinks
        return (_restore, (self._parts, self.scheme, self.name, links))

    def _desc(self) -> str:
        label = f" {self.name!r}" if self.name else ""
        return f"organisation{label} of {len(self):,} units"

    def __repr__(self) -> str:
        tiers = ", ".join(f"{t} {c:,}" for t, c in self.counts("tier").items())
        label = f" {self.name!r}" if self.name else ""
        return f"<Organisation{label}: {len(self):,} units; {tiers}>"

    @property
    def nbytes(self) -> int:
        """Bytes held by the stored columns (caches such as ancestor tables included)."""
        p = self._parts
        total = p.ids.nbytes + p.names.nbytes + p.index.nbytes
        total += sum(getattr(p, f).nbytes for f in COLUMNS)
        total += sum(v.nbytes for v in self._cache.values() if isinstance(v, np.ndarray))
        if self._crosslinks is not None:
            total += self._crosslinks.nbytes
        return int(total)

    # ------------------------------------------------------------------ helpers

    def _check_position(self, position: int) -> int:
        if isinstance(position, bool) or not isinstance(position, int | np.integer):
            msg = f"a position is an integer, got {type(position).__name__}"
            raise ArgumentTypeError(msg)
        k = int(position)
        if not 0 <= k < len(self):
            msg = f"position {k} is out of range for {self._desc()}"
            raise UnknownUnitError(msg)
        return k

    def _positions_array(
        self, positions: npt.ArrayLike, *, allow_missing: bool = False
    ) -> npt.NDArray[np.int64]:
        array = np.asarray(positions)
        if array.size == 0:
            return np.zeros(0, dtype=np.int64)
        if array.dtype.kind not in "iu" or array.ndim != 1:
            msg = (
                f"positions must be a 1-d integer array, got {array.dtype} "
                f"with shape {array.shape}"
            )
            raise ArgumentTypeError(msg)
        low = -1 if allow_missing else 0
        bad = np.flatnonzero((array < low) | (array >= len(self)))
        if len(bad):
            msg = f"position {array[bad[0]]} is out of range for {self._desc()}"
            raise UnknownUnitError(msg)
        return array.astype(np.int64, copy=False)

    def _span(self, uid: str | None) -> tuple[int, int]:
        if uid is None:
            return 0, len(self)
        start = self.index(uid)
        return start, start + int(self._parts.size[start])

    def _child_positions(self, k: int) -> npt.NDArray[np.int64]:
        size = self._parts.size
        stop = k + int(size[k])
        found: list[int] = []
        c = k + 1
        while c < stop:
            found.append(c)
            c += int(size[c])
        return np.array(found, dtype=np.int64)

    def _ancestor_table(self, nearest: bool) -> npt.NDArray[np.int32]:
        key = "nearest" if nearest else "topmost"
        if key not in self._cache:
            p = self._parts
            table = _tree.ancestor_table(
                p.parent.astype(np.int64),
                p.tier,
                p.depth.astype(np.int64),
                len(self.scheme),
                nearest=nearest,
            )
            table.flags.writeable = False
            self._cache[key] = table
        result: npt.NDArray[np.int32] = self._cache[key]
        return result


def _holds_ids(units: object) -> bool:
    if isinstance(units, np.ndarray):
        return units.dtype.kind in "OUT"
    return isinstance(units, Sequence) and len(units) > 0 and isinstance(units[0], str)


def _restore(
    parts: Parts, scheme: LevelScheme, name: str, links: CrossLinks | None = None
) -> Organisation:
    for field in COLUMNS:  # unpickled arrays are fresh copies: make them read-only again
        getattr(parts, field).flags.writeable = False
    if links is not None:
        links = links._rebound(parts.ids)
    return Organisation(parts, scheme, name, links=links)


def _scheme(scheme: LevelScheme | None) -> LevelScheme:
    return DEFAULT_SCHEME if scheme is None else _require_scheme(scheme)


def _require_scheme(scheme: object) -> LevelScheme:
    if not isinstance(scheme, LevelScheme):
        msg = f"scheme must be a LevelScheme, got {type(scheme).__name__}"
        raise ArgumentTypeError(msg)
    return scheme


def _name(name: object) -> str:
    if not isinstance(name, str):
        msg = f"name must be a string, got {type(name).__name__}"
        raise ArgumentTypeError(msg)
    return name
