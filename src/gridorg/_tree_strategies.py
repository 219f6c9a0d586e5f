"""Hypothesis strategies for organisation trees: ids, schemes, units, records, organisations."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from gridorg._strategy_support import (
    _ATTRIBUTES,
    _COUNTS,
    _NAMES,
    _SOME_ATTRIBUTES,
    _TIER_NAMES,
    _UNIT_IDS,
    _check_bool,
    _check_scheme,
    _check_sizes,
)
from gridorg.hierarchy import Organisation
from gridorg.tiers import FORMS, LevelScheme, PartyForm, Tier
from gridorg.units import Unit


def unit_ids() -> st.SearchStrategy[str]:
    """Valid unit ids: non-empty strings without leading or trailing whitespace.

    The ids mix single characters, readable codes (``"G17"``, ``"龙井3"``) and arbitrary text
    whose inner characters may be anything, spaces and control characters included. They
    shrink towards a single character, ``"0"``.
    """
    return _UNIT_IDS


# ---------------------------------------------------------------------- schemes


@st.composite
def schemes(draw: st.DrawFn, *, min_tiers: int = 1, max_tiers: int = 6) -> LevelScheme:
    """Level schemes with between ``min_tiers`` and ``max_tiers`` tiers.

    Tier names are distinct lower-case identifiers; each tier allows a random set of party
    forms (none listed means any form) and has a random label and description. Examples shrink
    to fewer tiers, one-letter names, empty labels and tiers that list no forms.
    """
    _check_sizes("tiers", min_tiers, max_tiers, 1, 100)
    names = draw(st.lists(_TIER_NAMES, min_size=min_tiers, max_size=max_tiers, unique=True))
    tiers = [
        Tier(
            name,
            draw(_NAMES),
            tuple(draw(st.lists(st.sampled_from(FORMS), unique=True))),
            draw(st.text(max_size=12)),
        )
        for name in names
    ]
    return LevelScheme(tiers)


# ---------------------------------------------------------------------- units


def _allowed(tier: Tier) -> list[PartyForm]:
    """The forms a unit of ``tier`` may take, highest first."""
    return [form for form in FORMS if tier.allows(form)]


@st.composite
def units(
    draw: st.DrawFn,
    *,
    scheme: LevelScheme | None = None,
    forms: bool = True,
    counts: bool = True,
    names: bool = True,
    attributes: bool = False,
) -> Unit:
    """Single valid units of a tier of ``scheme`` (the default scheme when ``None``).

    The form, when ``forms`` is true, is ``None`` or one the tier allows; ``parent`` is
    ``None`` or an arbitrary id (a unit alone cannot know which ids exist). The options mean
    what they mean for :func:`organisations`. Examples shrink towards a unit of the top tier
    with id ``"0"``, no parent, no form, no name and zero counts.
    """
    chosen = _check_scheme(scheme)
    for flag, value in (
        ("forms", forms),
        ("counts", counts),
        ("names", names),
        ("attributes", attributes),
    ):
        _check_bool(flag, value)
    uid = draw(_UNIT_IDS)
    tier = chosen[draw(st.integers(0, len(chosen) - 1))]
    return Unit(
        uid,
        tier.name,
        parent=draw(st.none() | _UNIT_IDS),
        name=draw(_NAMES) if names else "",
        form=draw(st.sampled_from([None, *_allowed(tier)])) if forms else None,
        households=draw(_COUNTS) if counts else 0,
        party_members=draw(_COUNTS) if counts else 0,
        gridders=draw(_COUNTS) if counts else 0,
        attributes=draw(_ATTRIBUTES) if attributes else {},
    )


# ---------------------------------------------------------------------- records

#: Trees are not drawn deeper than this (only schemes of dozens of tiers come near it).
_MAX_DEPTH = 200


class _Plan:
    """The state of one organisation being drawn: its scheme, options and units so far."""

    def __init__(
        self,
        scheme: LevelScheme,
        *,
        max_units: int,
        forms: bool,
        nested_forms: bool,
        counts: bool,
        names: bool,
        attributes: bool,
    ) -> None:
        self.scheme = scheme
        self.remaining = max_units
        self.nested_forms = nested_forms
        self.top = len(scheme) - 1
        # The forms offered at each tier, ``None`` (no form) first and then from the highest
        # form down, so that forms shrink to none and the forms below any one are a suffix.
        self.offered: list[list[PartyForm | None]] = [
            [None, *_allowed(tier)] if forms else [None] for tier in scheme
        ]
        self.count = _COUNTS if counts else st.just(0)
        self.name = _NAMES if names else st.just("")
        self.attributes = _SOME_ATTRIBUTES if attributes else st.just({})
        self.fanout = 1
        self.rows: list[dict[str, Any]] = []
        self.tiers: list[int] = []
        self.forms: list[int] = []  # positions in ``offered``
        # Where the next subtree goes, read by ``_subtree`` (one strategy for every span).
        self.parent: int | None = None
        self.depth = 0
        self.subtree = _subtree(self)

    def nests(self, k: int) -> bool:
        """Whether unit ``k`` may contain a unit of its own tier (one with a lower form)."""
        form = self.forms[k]
        return self.nested_forms and 0 < form < len(self.offered[self.tiers[k]]) - 1

    def can_contain(self, k: int) -> bool:
        """Whether unit ``k`` may have children at all."""
        return self.tiers[k] < self.top or self.nests(k)


@st.composite
def _subtree(draw: st.DrawFn, plan: _Plan) -> None:
    # One unit and its subtree, as a single span. Roots and children are drawn alike, with
    # the tier and the form as absolute positions, so that the shrinker may put any subtree
    # in the place of one of its ancestors and read back the same subtree. The parent comes
    # from ``plan.parent`` so that one strategy object serves every span.
    parent, depth = plan.parent, plan.depth
    if parent is None:
        tier = draw(st.integers(0, plan.top))
        lowest_form = 0
    else:
        above = plan.tiers[parent]
        same = plan.nests(parent)
        tier = draw(
            st.integers(above if same else above + 1, above + 1 if above < plan.top else above)
        )
        lowest_form = plan.forms[parent] + 1 if tier == above else 0
    form = draw(st.integers(lowest_form, len(plan.offered[tier]) - 1))
    k = len(plan.rows)
    plan.remaining -= 1
    plan.tiers.append(tier)
    plan.forms.append(form)
    value = plan.offered[tier][form]
    row: dict[str, Any] = {
        "id": "",
        "name": draw(plan.name),
        "tier": plan.scheme[tier].name,
        "form": None if value is None else value.value,
        "parent": parent,
        "households": draw(plan.count),
        "party_members": draw(plan.count),
        "gridders": draw(plan.count),
    }
    extra = draw(plan.attributes)
    if extra:
        row["attributes"] = extra
    plan.rows.append(row)
    if depth < _MAX_DEPTH and plan.can_contain(k):
        # The number of children comes before the children: the shrinker lowers such a count
        # and deletes any one of the spans it counts, and so any one subtree.
        for _ in range(draw(st.integers(0, min(plan.fanout, plan.remaining)))):
            if plan.remaining == 0:
                break
            plan.parent, plan.depth = k, depth + 1
            draw(plan.subtree)


@st.composite
def records(
    draw: st.DrawFn,
    *,
    scheme: LevelScheme | None = None,
    min_units: int = 1,
    max_units: int = 50,
    forms: bool = True,
    nested_forms: bool = True,
    counts: bool = True,
    names: bool = True,
    attributes: bool = False,
) -> list[dict[str, Any]]:
    """Lists of unit records that together form a valid organisation, in random order.

    Each record is a dict with every field of :meth:`Unit.to_record` (``attributes`` only when
    not empty), the way :meth:`Organisation.to_records` writes them; the options are those of
    :func:`organisations`, and ``Organisation.from_records(rows, scheme=scheme)`` accepts every
    list drawn. The list is a random permutation of the units, so children may come before
    their parents. Examples shrink as those of :func:`organisations` do, and towards records
    listed parents first.
    """
    chosen = _check_scheme(scheme)
    _check_sizes("units", min_units, max_units, 0, None)
    for flag, value in (
        ("forms", forms),
        ("nested_forms", nested_forms),
        ("counts", counts),
        ("names", names),
        ("attributes", attributes),
    ):
        _check_bool(flag, value)
    plan = _Plan(
        chosen,
        max_units=max_units,
        forms=forms,
        nested_forms=nested_forms,
        counts=counts,
        names=names,
        attributes=attributes,
    )
    # How bushy this organisation is: each unit has up to ``fanout`` children.
    plan.fanout = draw(st.integers(1, 4))
    if max_units:
        first = 0 if min_units == 0 else 1
        for _ in range(draw(st.integers(first, max(first, min(plan.fanout, max_units))))):
            if plan.remaining == 0:
                break
            plan.parent, plan.depth = None, 0
            draw(plan.subtree)
    while len(plan.rows) < min_units:
        plan.parent, plan.depth = None, 0
        draw(plan.subtree)
    rows = plan.rows
    ids = draw(st.lists(_UNIT_IDS, min_size=len(rows), max_size=len(rows), unique=True))
    for row, uid in zip(rows, ids, strict=True):
        row["id"] = uid
    for row in rows:
        if row["parent"] is not None:
            row["parent"] = ids[row["parent"]]
    return draw(st.permutations(rows))


# ---------------------------------------------------------------------- organisations


@st.composite
def organisations(
    draw: st.DrawFn,
    *,
    scheme: LevelScheme | None = None,
    min_units: int = 1,
    max_units: int = 50,
    forms: bool = True,
    nested_forms: bool = True,
    counts: bool = True,
    names: bool = True,
    attributes: bool = False,
) -> Organisation:
    """Valid organisations of ``scheme`` (the default scheme when ``None``).

    Units are drawn tree by tree, depth first: a root at any tier, then for each unit its
    form, its fields, how many children it has and each child with its subtree. So an
    organisation may be a forest, and its roots may sit at any tier. A child is one tier below
    its parent, or, when ``nested_forms`` is true and the parent has a form with a lower one
    allowed at its tier, at the parent's tier with a lower form (a general branch containing
    branches). Forms, when ``forms`` is true, are ``None`` or one the tier allows; when false
    no unit has a form (and so nothing nests within a tier). Counts, when ``counts`` is true,
    are mostly below 500 and sometimes anything up to the limit of a field (``MAX_COUNT``, one
    billion), both ends included; when false they are all zero. Names, when ``names`` is
    true, mix empty, ASCII, Chinese and arbitrary text, and the organisation gets a name too;
    ``attributes`` gives some units small JSON-compatible attribute mappings. Ids are distinct
    :func:`unit_ids`. The records reach :meth:`Organisation.from_records` in random order, so
    the order of children is arbitrary too.

    There are between ``min_units`` and ``max_units`` units; keep ``max_units`` in the tens
    or hundreds, as every unit costs hypothesis about a dozen choices.

    Examples shrink to fewer units (any one subtree can go, and the number of roots and of
    each unit's children goes down), to shallower trees (a subtree can take the place of an
    ancestor, and the tier of a root goes up to the top), then to units without a form, zero
    counts, single-character ids, empty names and records listed parents first. For
    instance ``find(organisations(), lambda org: len(org) >= 3)`` ends with three units
    without forms, names or counts, and a search for a unit nested within its parent's tier
    ends with two units.
    """
    rows = draw(
        records(
            scheme=scheme,
            min_units=min_units,
            max_units=max_units,
            forms=forms,
            nested_forms=nested_forms,
            counts=counts,
            names=names,
            attributes=attributes,
        )
    )
    name = draw(_NAMES) if names else ""
    return Organisation.from_records(rows, scheme=_check_scheme(scheme), name=name)
