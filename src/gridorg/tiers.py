"""Tiers, level schemes and party forms: the vocabulary of the organisation tree.

A *tier* is the territorial level a unit sits at (street, community, grid, household); a
*party form* is the kind of party organisation it is (working committee, committee, general
branch, branch, group, central household). They are separate attributes: a community general
branch (党总支) contains branches (党支部), one tier, two forms.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator

import attrs

from gridorg.errors import ArgumentTypeError, InvalidArgumentError, UnknownTierError

__all__ = ["DEFAULT_SCHEME", "LevelScheme", "PartyForm", "Tier"]


class PartyForm(enum.StrEnum):
    """The form of a party organisation, from the highest (working committee) to the lowest.

    The order of the members is the containment order: a unit may contain units of the same
    tier only when its form is higher (earlier in this enumeration).
    """

    WORKING_COMMITTEE = "working_committee"
    COMMITTEE = "committee"
    GENERAL_BRANCH = "general_branch"
    BRANCH = "branch"
    GROUP = "group"
    CENTRAL_HOUSEHOLD = "central_household"

    @property
    def label(self) -> str:
        """The Chinese name: 党工委, 党委, 党总支, 党支部, 党小组, 党员中心户."""
        return _FORM_LABELS[self]

    @property
    def rank(self) -> int:
        """0 for the highest form (working committee), 5 for the lowest (central household)."""
        return _FORM_RANKS[self]

    @classmethod
    def parse(cls, value: object) -> PartyForm:
        """Return the form named by ``value`` (a ``PartyForm`` or its string value)."""
        if isinstance(value, PartyForm):
            return value
        if isinstance(value, str):
            try:
                return cls(value)
            except ValueError:
                pass
            expected = ", ".join(repr(f.value) for f in cls)
            msg = f"unknown party form {value!r}; expected one of {expected}"
            raise InvalidArgumentError(msg)
        msg = f"party form must be a string or PartyForm, got {type(value).__name__}"
        raise ArgumentTypeError(msg)


_FORM_LABELS = {
    PartyForm.WORKING_COMMITTEE: "党工委",
    PartyForm.COMMITTEE: "党委",
    PartyForm.GENERAL_BRANCH: "党总支",
    PartyForm.BRANCH: "党支部",
    PartyForm.GROUP: "党小组",
    PartyForm.CENTRAL_HOUSEHOLD: "党员中心户",
}
_FORM_RANKS = {form: rank for rank, form in enumerate(PartyForm)}
#: Forms in code order: the integer code of a form is its position here.
FORMS: tuple[PartyForm, ...] = tuple(PartyForm)

_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")


def _forms_tuple(value: Iterable[PartyForm | str]) -> tuple[PartyForm, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = f"Tier.forms must be a collection of party forms, got {type(value).__name__}"
        raise ArgumentTypeError(msg)
    forms = tuple(PartyForm.parse(v) for v in value)
    if len(set(forms)) != len(forms):
        msg = f"Tier.forms lists a party form twice: {[f.value for f in forms]}"
        raise InvalidArgumentError(msg)
    return forms


def _check_text(_inst: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        msg = f"Tier.{attribute.name} must be a string, got {type(value).__name__}"
        raise ArgumentTypeError(msg)


def _check_tier_name(_inst: object, _attr: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str):
        msg = f"Tier.name must be a string, got {type(value).__name__}"
        raise ArgumentTypeError(msg)
    if not _NAME_RE.fullmatch(value):
        msg = f"Tier.name must be a lower-case identifier such as 'street', got {value!r}"
        raise InvalidArgumentError(msg)


@attrs.frozen
class Tier:
    """One territorial level of a scheme.

    ``name`` is the identifier used in data (``"grid"``), ``label`` the name people read
    (``"网格党小组"``). ``forms`` lists the party forms a unit of this tier may take; empty means
    any form. A unit may always have no form (a grid without a party group).
    """

    name: str = attrs.field(validator=_check_tier_name)
    label: str = attrs.field(default="", validator=_check_text)
    forms: tuple[PartyForm, ...] = attrs.field(default=(), converter=_forms_tuple)
    description: str = attrs.field(default="", validator=_check_text)

    def allows(self, form: PartyForm | None) -> bool:
        """Whether a unit of this tier may take ``form`` (``None`` is always allowed)."""
        return form is None or not self.forms or form in self.forms


def _tiers_tuple(value: Iterable[Tier | str]) -> tuple[Tier, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = f"LevelScheme.tiers must be a collection of tiers, got {type(value).__name__}"
        raise ArgumentTypeError(msg)
    tiers: list[Tier] = []
    for item in value:
        if isinstance(item, Tier):
            tiers.append(item)
        elif isinstance(item, str):
            tiers.append(Tier(item))
        else:
            msg = f"LevelScheme.tiers items must be Tier or str, got {type(item).__name__}"
            raise ArgumentTypeError(msg)
    return tuple(tiers)


def _check_tiers(_inst: object, _attr: object, value: tuple[Tier, ...]) -> None:
    if not value:
        msg = "a level scheme needs at least one tier"
        raise InvalidArgumentError(msg)
    if len(value) > 100:
        msg = f"a level scheme may have at most 100 tiers, got {len(value)}"
        raise InvalidArgumentError(msg)
    names = [t.name for t in value]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            msg = f"tier name {name!r} appears twice in the level scheme {names}"
            raise InvalidArgumentError(msg)
        seen.add(name)


@attrs.frozen
class LevelScheme:
    """The ordered tiers of an organisation, from the top (index 0) down.

    Schemes are data: the default is street → community → grid → household, and a scheme with a
    county on top or a deeper one works the same way::

        LevelScheme(["county", *DEFAULT_SCHEME.names])
    """

    tiers: tuple[Tier, ...] = attrs.field(converter=_tiers_tuple, validator=_check_tiers)
    _positions: dict[str, int] = attrs.field(init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_positions", {t.name: i for i, t in enumerate(self.tiers)})

    @classmethod
    def default(cls) -> LevelScheme:
        """The four tiers of DOMAIN.md: street, community, grid, household."""
        return DEFAULT_SCHEME

    @property
    def names(self) -> tuple[str, ...]:
        """The tier names, top first."""
        return tuple(t.name for t in self.tiers)

    def index(self, tier: str | Tier) -> int:
        """The position of ``tier`` (a name or a :class:`Tier`), 0 for the top tier."""
        name: object = tier.name if isinstance(tier, Tier) else tier
        if not isinstance(name, str):
            msg = f"a tier is named by a string, got {type(tier).__name__}"
            raise ArgumentTypeError(msg)
        try:
            position = self._positions[name]
        except KeyError:
            msg = f"unknown tier {name!r}; this scheme has {', '.join(self.names)}"
            raise UnknownTierError(msg) from None
        if isinstance(tier, Tier) and tier != self.tiers[position]:
            msg = f"tier {name!r} differs from the scheme's tier of that name"
            raise UnknownTierError(msg)
        return position

    def tier(self, name: str) -> Tier:
        """The tier called ``name``."""
        return self.tiers[self.index(name)]

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Tier):
            return item in self.tiers
        return isinstance(item, str) and item in self._positions

    def __iter__(self) -> Iterator[Tier]:
        return iter(self.tiers)

    def __len__(self) -> int:
        return len(self.tiers)

    def __getitem__(self, key: int | str) -> Tier:
        if isinstance(key, str):
            return self.tier(key)
        if isinstance(key, bool) or not isinstance(key, int):
            msg = f"a tier is looked up by name or position, got {type(key).__name__}"
            raise ArgumentTypeError(msg)
        if not -len(self.tiers) <= key < len(self.tiers):
            msg = f"tier position {key} is out of range for a scheme of {len(self.tiers)} tiers"
            raise UnknownTierError(msg)
        return self.tiers[key]

    def __repr__(self) -> str:
        return f"LevelScheme({list(self.names)!r})"


DEFAULT_SCHEME = LevelScheme(
    (
        Tier(
            "street",
            "街道党工委",
            (PartyForm.WORKING_COMMITTEE, PartyForm.COMMITTEE),
            "street (subdistrict) party working committee",
        ),
        Tier(
            "community",
            "社区党组织",
            (PartyForm.COMMITTEE, PartyForm.GENERAL_BRANCH, PartyForm.BRANCH),
            "community party organisation: committee, general branch or branch",
        ),
        Tier(
            "grid",
            "网格党小组",
            (PartyForm.BRANCH, PartyForm.GROUP),
            "grid and its party group (or a branch in its place)",
        ),
        Tier(
            "household",
            "党员中心户/联户长",
            (PartyForm.CENTRAL_HOUSEHOLD,),
            "party-member central household: one member liaising for 10-15 households",
        ),
    )
)
"""The default four-tier scheme: street → community → grid → household."""
