"""Hypothesis strategies for organisations, their units, records and level schemes.

Test code that takes an organisation can ask hypothesis for many of them::

    from hypothesis import given
    from gridorg.strategies import organisations

    @given(organisations(max_units=20))
    def test_total_covers_every_household(org): ...

Every strategy here builds valid values directly (an organisation is drawn tree by tree, each
unit followed by its children, every choice one the rules allow), so no example is generated and
then rejected; each one says in its docstring how its examples shrink.
``st.from_type(Organisation)``, ``st.from_type(Unit)`` and ``st.from_type(LevelScheme)`` use
these strategies too.

This module needs the optional dependency hypothesis (``pip install 'gridorg[hypothesis]'``);
importing :mod:`gridorg` itself never imports it. Bad arguments raise
``hypothesis.errors.InvalidArgument`` when the strategy is first used, as hypothesis's own
strategies do; the error is also a :class:`gridorg.InvalidArgumentError`.
"""

from __future__ import annotations

import operator
import string
from typing import Any

from gridorg._fields import MAX_COUNT
from gridorg.errors import InvalidArgumentError, missing_dependency
from gridorg.hierarchy import Organisation
from gridorg.tiers import DEFAULT_SCHEME, FORMS, LevelScheme, PartyForm, Tier
from gridorg.units import Unit

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError:  # pragma: no cover - exercised only without the extra
    error = missing_dependency("hypothesis", "hypothesis", "gridorg.strategies")
    raise error from None

__all__ = ["organisations", "records", "schemes", "unit_ids", "units"]


class _StrategyArgumentError(InvalidArgumentError, InvalidArgument):
    """A strategy argument has a value the strategy cannot accept."""


# ---------------------------------------------------------------------- argument checks


def _check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        msg = f"{name} must be True or False, got {value!r} ({type(value).__name__})"
        raise _StrategyArgumentError(msg)
    return value


def _check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"{name} must be an integer, got {value!r} ({type(value).__name__})"
        raise _StrategyArgumentError(msg)
    if value < low or (high is not None and value > high):
        bound = f"at least {low}" if high is None else f"between {low} and {high}"
        msg = f"{name} must be {bound}, got {value}"
        raise _StrategyArgumentError(msg)
    return value


def _check_sizes(kind: str, low: object, high: object, least: int, most: int | None) -> None:
    lo = _check_int(f"min_{kind}", low, least, most)
    hi = _check_int(f"max_{kind}", high, least, most)
    if lo > hi:
        msg = f"min_{kind}={lo} is greater than max_{kind}={hi}"
        raise _StrategyArgumentError(msg)


def _check_scheme(scheme: object) -> LevelScheme:
    if scheme is None:
        return DEFAULT_SCHEME
    if not isinstance(scheme, LevelScheme):
        msg = f"scheme must be a LevelScheme or None, got {type(scheme).__name__}"
        raise _StrategyArgumentError(msg)
    return scheme


# ---------------------------------------------------------------------- leaf strategies

# Characters that may start or end an id: anything but whitespace, control characters and
# lone surrogates (every character ``str.isspace`` accepts lies in these categories).
_EDGE_CHARACTERS = st.characters(exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp"))
_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
_ASCII_WORDS = st.text(string.ascii_letters + string.digits + " -_.", min_size=1, max_size=16)
_PLACE_SUFFIXES = ("街道", "社区", "网格", "小区", "党工委", "党总支", "党支部", "党小组", "联户")


def _concat(*parts: str) -> str:
    return "".join(parts)


_UNIT_IDS = st.one_of(
    _EDGE_CHARACTERS,
    st.builds(
        _concat,
        st.sampled_from("SCGHB"),
        st.integers(0, 9999).map(str),
    ),
    st.builds(_concat, st.text(_CJK, min_size=1, max_size=4), st.integers(1, 99).map(str)),
    st.builds(_concat, _EDGE_CHARACTERS, st.text(max_size=12), _EDGE_CHARACTERS),
)

_NAMES = st.one_of(
    st.just(""),
    _ASCII_WORDS,
    st.builds(
        operator.add, st.text(_CJK, min_size=1, max_size=4), st.sampled_from(_PLACE_SUFFIXES)
    ),
    st.text(max_size=16),
)

_JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
_JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
_ATTRIBUTES = st.dictionaries(st.text(max_size=8), _JSON_VALUES, max_size=3)
# Most units carry no attributes; the empty mapping comes first so that attributes shrink away.
_SOME_ATTRIBUTES = st.one_of(st.just({}), _ATTRIBUTES)
# Mostly sizes real units have; sometimes anything up to the limit of a field, ends included.
_COUNTS = st.one_of(st.integers(0, 500), st.integers(0, MAX_COUNT))
_TIER_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)


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
