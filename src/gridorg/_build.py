"""Validated construction: raw columns in, checked preorder columns out.

Every constructor of :class:`~gridorg.Organisation` (records, nested dicts, networkx graphs,
columns, JSON documents) reduces its input to a :class:`Raw` set of columns in input order and
calls :func:`build`. ``build`` checks every field and every structural rule, collects every
problem before raising, and returns the columns permuted into depth-first preorder, the storage
order of an organisation.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from itertools import islice, repeat
from operator import eq, is_, ne
from typing import Any, Generic, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from gridorg import _tree
from gridorg._checks import (
    Column,
    PackedView,
    check_attributes,
    check_counts,
    check_forms,
    check_strings,
    check_tiers,
    check_trimmed,
    types_of,
)
from gridorg._columns import (
    HashIndex,
    PackedStrings,
    frozen,
)
from gridorg._fields import (
    COUNT_FIELDS,
    describe,
)
from gridorg._problems import ProblemLog
from gridorg.tiers import FORMS, LevelScheme

IntArray = npt.NDArray[np.int64]
T = TypeVar("T")

#: From this many units on, the id index is sorted in a background thread.
_THREADED_FROM = 100_000


@attrs.define
class Raw:
    """Unchecked columns in input order. ``None`` means the column was absent (defaults)."""

    ids: Column
    tiers: Column
    parents: Column
    names: Column | None = None
    forms: Column | None = None
    households: Column | None = None
    party_members: Column | None = None
    gridders: Column | None = None
    attributes: Mapping[int, Any] = attrs.Factory(dict)


@attrs.frozen
class Parts:
    """Checked columns in preorder: everything an organisation stores."""

    ids: PackedStrings
    index: HashIndex
    names: PackedStrings
    parent: npt.NDArray[np.int32]
    tier: npt.NDArray[np.int8]
    form: npt.NDArray[np.int8]
    households: npt.NDArray[np.int32]
    party_members: npt.NDArray[np.int32]
    gridders: npt.NDArray[np.int32]
    depth: npt.NDArray[np.int32]
    size: npt.NDArray[np.int32]
    attributes: dict[int, dict[str, Any]]


class _Background(Generic[T]):
    """Run ``function(*args)`` in a thread (for numpy work that releases the GIL).

    With ``threaded=False`` it runs at once in the calling thread: for small inputs a thread
    costs more than it saves.
    """

    def __init__(self, function: Callable[..., T], *args: Any, threaded: bool) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if not threaded:
            self._value = function(*args)
            return

        def run() -> None:
            try:
                self._value = function(*args)
            except BaseException as error:  # re-raised in the calling thread
                self._error = error

        self._thread = threading.Thread(target=run, name="gridorg-build", daemon=True)
        self._thread.start()

    def result(self) -> T:
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        value = self._value
        assert value is not None
        return value


def _parents(values: Column, index: HashIndex, ids: Any, log: ProblemLog) -> IntArray:
    count = len(ids)
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        parent = values.astype(np.int64)
        bad = np.flatnonzero((parent < -1) | (parent >= count))
        for i in bad.tolist():
            text = (
                f"parent position must be -1 (no parent) or between 0 and {count - 1}, "
                f"got {parent[i]}"
            )
            log.add("missing_parent", text, index=i, uid=ids[i], field="parent")
        parent[bad] = -2
        return parent
    listed = values.tolist() if isinstance(values, np.ndarray) else values
    # Siblings usually come together: look up only where the parent changes from the row
    # before, and carry the answer along each run of equal parents.
    starts_mask = np.ones(count, dtype=np.bool_)
    if count > 1:
        try:
            changes = map(ne, islice(listed, 1, None), listed)
            starts_mask[1:] = np.fromiter(changes, np.bool_, count - 1)
        except (TypeError, ValueError):  # values that do not compare to a bool
            starts_mask[1:] = True
    starts = np.flatnonzero(starts_mask)
    heads = [listed[i] for i in starts.tolist()]
    kinds = types_of(heads)
    if not kinds <= {str, type(None)}:
        for slot, value in enumerate(heads):
            if value is not None and not isinstance(value, str):
                text = f"parent must be a unit id (string) or None, got {describe(value)}"
                for i in _run(starts, slot, count):
                    log.add(
                        "invalid_parent", text, index=i, uid=ids[i], field="parent", record=True
                    )
                heads[slot] = None
    # In records listed parents first, a head's parent is often the row just above it (the
    # first child follows its parent); check that before asking the index.
    above = starts - 1
    upper = [ids[i] if i >= 0 else None for i in above.tolist()]
    same = np.fromiter(map(eq, heads, upper), np.bool_, len(heads)) & (above >= 0)
    found = np.where(same, above, -1)
    rest = np.flatnonzero(~same)
    if len(rest):
        found[rest] = index.get_many([heads[k] for k in rest.tolist()], stored=ids)
    is_root = np.fromiter(map(is_, heads, repeat(None)), np.bool_, len(heads))
    missing = np.flatnonzero((found < 0) & ~is_root)
    for slot in missing.tolist():
        value = heads[slot]
        found[slot] = -2
        for i in _run(starts, slot, count):
            log.add(
                "missing_parent",
                f"parent {value!r} does not exist",
                index=i,
                uid=ids[i],
                field="parent",
            )
    run = np.cumsum(starts_mask) - 1
    resolved: IntArray = found[run]
    return resolved


def _run(starts: IntArray, slot: int, count: int) -> range:
    """The rows of run ``slot``, where ``starts`` holds the first row of every run."""
    stop = int(starts[slot + 1]) if slot + 1 < len(starts) else count
    return range(int(starts[slot]), stop)


def _structure(
    parent: IntArray,
    tier: npt.NDArray[np.int8],
    form: npt.NDArray[np.int8],
    scheme: LevelScheme,
    ids: Any,
    log: ProblemLog,
) -> None:
    count = len(ids)
    # Party forms each tier allows.
    allowed = np.ones((len(scheme), len(FORMS)), dtype=np.bool_)
    for t, tier_def in enumerate(scheme):
        if tier_def.forms:
            allowed[t] = [f in tier_def.forms for f in FORMS]
    valid = (tier >= 0) & (form >= 0)
    rows = np.flatnonzero(valid)
    bad_form = rows[~allowed[tier[rows], form[rows]]]
    for i in bad_form.tolist():
        tier_def = scheme[int(tier[i])]
        text = (
            f"party form {FORMS[form[i]].value!r} is not allowed at tier {tier_def.name}; "
            f"allowed: {', '.join(f.value for f in tier_def.forms)}"
        )
        log.add("form_not_allowed", text, index=i, uid=ids[i], field="form")
    # A parent is one tier up, or the same tier with a higher party form.
    child = np.flatnonzero((parent >= 0) & (tier >= 0) & (parent != np.arange(count)))
    up = parent[child]
    child = child[tier[up] >= 0]
    up = parent[child]
    ct, pt = tier[child].astype(np.int16), tier[up].astype(np.int16)
    cf, pf = form[child], form[up]
    same_tier_ok = (pt == ct) & (cf >= 0) & (pf >= 0) & (pf < cf)
    bad = child[~((pt == ct - 1) | same_tier_ok)]
    for i in bad.tolist():
        p = int(parent[i])
        log.add(
            "tier_order",
            _tier_order_text(i, p, tier, form, scheme, ids),
            index=i,
            uid=ids[i],
            field="parent",
        )
    self_parent = np.flatnonzero(parent == np.arange(count))
    for i in self_parent.tolist():
        log.add("cycle", "is its own parent", index=i, uid=ids[i], field="parent")


def parent_rule_holds(
    child_tier: int, child_form: int, parent_tier: int, parent_form: int
) -> bool:
    """Whether a unit (tier and form codes) may have the given parent: one tier up, or the same
    tier with a strictly higher party form on both sides."""
    if parent_tier == child_tier - 1:
        return True
    return parent_tier == child_tier and 0 <= parent_form < child_form


def parent_rule_text(
    child: int, parent: int, tier: Any, form: Any, scheme: LevelScheme, ids: Any
) -> str:
    """Why unit ``child`` cannot have ``parent`` (positions into the given columns)."""
    return _tier_order_text(child, parent, tier, form, scheme, ids)


def _form_text(code: int) -> str:
    return "no party form" if code < 0 else f"form {FORMS[code].value}"


def _tier_order_text(i: int, p: int, tier: Any, form: Any, scheme: LevelScheme, ids: Any) -> str:
    ct, pt = int(tier[i]), int(tier[p])
    parent_desc = f"parent {ids[p]!r} is tier {scheme[pt].name} ({_form_text(int(form[p]))})"
    same = f"tier {scheme[ct].name} with a party form above {_form_text(int(form[i]))}"
    if int(form[i]) < 0:
        same = f"tier {scheme[ct].name} (only units with a party form nest in their own tier)"
    if ct == 0:
        return f"{parent_desc}; a unit of the top tier can only have a parent of {same}"
    return f"{parent_desc}, expected tier {scheme[ct - 1].name} or {same}"


def _report_cycles(parent: IntArray, stuck: Any, ids: Any, log: ProblemLog) -> None:
    for members in _tree.cycles(parent, stuck):
        if len(members) == 1:
            continue  # reported as its own parent
        chain = " -> ".join(repr(ids[m]) for m in [*members, members[0]])
        log.add(
            "cycle",
            f"parent chain forms a cycle: {chain}",
            index=members[0],
            uid=ids[members[0]],
            field="parent",
        )


def build(raw: Raw, scheme: LevelScheme, log: ProblemLog) -> Parts:
    """Check ``raw`` completely and return its columns in preorder; raise on any problem."""
    count = len(raw.ids)
    uneven = False
    for name, column in (
        ("tier", raw.tiers),
        ("parent", raw.parents),
        ("name", raw.names),
        ("form", raw.forms),
        *((f, getattr(raw, f)) for f in COUNT_FIELDS),
    ):
        if column is not None and len(column) != count:
            text = f"column {name} has {len(column)} values, expected {count} (one per id)"
            log.add("column_length", text, field=name, record=True)
            uneven = True
    if uneven:
        log.raise_if_any()
    packed, hashes, listed, untrimmed = check_strings(raw.ids, "id", log, None, hashed=True)
    shown: Any = raw.ids
    if listed is not None:
        shown = listed
    elif packed is not None:
        shown = PackedView(packed)
    if raw.names is None:
        names = PackedStrings.repeat("", count)
    else:
        names_packed = check_strings(raw.names, "name", log, shown, hashed=False).packed
        names = names_packed if names_packed is not None else PackedStrings.repeat("", count)
    # Sorting the id hashes releases the GIL: let it run beside the checks that follow.
    indexing = None
    if packed is not None:
        indexing = _Background(HashIndex, packed, hashes, threaded=count >= _THREADED_FROM)
    tier = check_tiers(raw.tiers, scheme, log, shown)
    form = check_forms(raw.forms, count, log, shown)
    counts = {f: check_counts(getattr(raw, f), f, count, log, shown) for f in COUNT_FIELDS}
    attributes = check_attributes(raw.attributes, count, log, shown)
    if packed is None or indexing is None:
        log.raise_if_any()
        raise AssertionError  # pragma: no cover - ids problems were logged
    check_trimmed(packed, log, untrimmed)
    index = indexing.result()
    del hashes
    for first, later in index.duplicates():
        earlier = log.describe(first)
        log.add(
            "duplicate_id",
            f"duplicate id, first used by {earlier}",
            index=later,
            uid=shown[later],
            field="id",
        )
    parent = _parents(raw.parents, index, shown, log)
    _structure(parent, tier, form, scheme, shown, log)
    clean = np.where(parent >= 0, parent, -1)
    clean[clean == np.arange(count)] = -1
    depth, stuck = _tree.depths(clean)
    if stuck.any():
        _report_cycles(clean, stuck, shown, log)
    log.raise_if_any()
    return _in_preorder(clean, depth, packed, index, names, tier, form, counts, attributes)


def _in_preorder(
    parent: IntArray,
    depth: IntArray,
    packed: PackedStrings,
    index: HashIndex,
    names: PackedStrings,
    tier: npt.NDArray[np.int8],
    form: npt.NDArray[np.int8],
    counts: dict[str, npt.NDArray[np.int32]],
    attributes: dict[int, dict[str, Any]],
) -> Parts:
    position, size = _tree.preorder(parent, depth)
    count = len(packed)
    if np.array_equal(position, np.arange(count)):
        return Parts(
            ids=packed,
            index=index,
            names=names,
            parent=frozen(parent.astype(np.int32)),
            tier=frozen(tier),
            form=frozen(form),
            households=frozen(counts["households"]),
            party_members=frozen(counts["party_members"]),
            gridders=frozen(counts["gridders"]),
            depth=frozen(depth.astype(np.int32)),
            size=frozen(size.astype(np.int32)),
            attributes=attributes,
        )
    order = np.empty(count, dtype=np.int64)
    order[position] = np.arange(count)
    new_ids = packed.select(order)
    new_parent = np.where(parent >= 0, position[np.maximum(parent, 0)], -1)[order]
    return Parts(
        ids=new_ids,
        index=index.permuted(new_ids, position),
        names=names.select(order),
        parent=frozen(new_parent.astype(np.int32)),
        tier=frozen(tier[order]),
        form=frozen(form[order]),
        households=frozen(counts["households"][order]),
        party_members=frozen(counts["party_members"][order]),
        gridders=frozen(counts["gridders"][order]),
        depth=frozen(depth[order].astype(np.int32)),
        size=frozen(size[order].astype(np.int32)),
        attributes={int(position[i]): value for i, value in attributes.items()},
    )
