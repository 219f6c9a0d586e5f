"""Rules compiled against one organisation: codes, lookup tables and the reasons for a trace."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from gridorg._decisions import (
    ACTION_NAMES,
    DEPARTMENT,
    HANDLE,
    JOINT_OFFICE,
    MEDIATION,
    MICROSECOND,
    WHISTLE,
)
from gridorg._rules import AssignDepartment, HandleAt, JointOffice, Mediation, Rule, Whistle
from gridorg.issue import Channel
from gridorg.triage import COLOURS

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation

#: Channels by code (their order in :class:`Channel`).
CHANNELS: tuple[Channel, ...] = tuple(Channel)
BoolArray = npt.NDArray[np.bool_]


def _table(size: int, codes: frozenset[int] | None) -> BoolArray | None:
    if codes is None:
        return None
    table = np.zeros(size, dtype=np.bool_)
    table[sorted(codes)] = True
    return table


def _shown(items: Sequence[str]) -> str:
    return "{" + ", ".join(sorted(items)) + "}"


@attrs.frozen
class CompiledRule:
    """One rule with its conditions turned into codes and lookup tables for one organisation."""

    index: int
    name: str
    action: int
    categories: frozenset[int] | None
    colours: frozenset[int] | None
    tiers: frozenset[int] | None
    tags: frozenset[str] | None
    channels: frozenset[int] | None
    intervals: tuple[tuple[int, int], ...] | None
    shown: dict[str, str]
    category_table: BoolArray | None
    colour_table: BoolArray | None
    tier_table: BoolArray | None
    channel_table: BoolArray | None
    starts: npt.NDArray[np.int64] | None
    stops: npt.NDArray[np.int64] | None
    tag_bits: npt.NDArray[np.uint64] | None
    handle_tier: int
    report_in_us: int
    named: tuple[str, ...]
    property_company: bool

    @property
    def is_default(self) -> bool:
        """Whether the rule has no conditions."""
        return all(
            getattr(self, f) is None
            for f in ("categories", "colours", "tiers", "tags", "channels", "intervals")
        )


def _action_code(rule: Rule) -> int:
    action = rule.action
    if isinstance(action, HandleAt):
        return HANDLE
    if isinstance(action, AssignDepartment):
        return DEPARTMENT
    if isinstance(action, JointOffice):
        return JOINT_OFFICE
    if isinstance(action, Mediation):
        return MEDIATION
    return WHISTLE


def tag_words(vocabulary: Sequence[str]) -> int:
    """How many 64-bit words hold a bit for each tag of ``vocabulary``."""
    return (len(vocabulary) + 63) // 64


def tag_bits(tags: Any, index: dict[str, int], words: int) -> npt.NDArray[np.uint64]:
    """The bit mask of ``tags`` over a tag vocabulary (tags outside it are ignored)."""
    bits = np.zeros(words, dtype=np.uint64)
    for tag in tags:
        k = index.get(tag)
        if k is not None:
            bits[k >> 6] |= np.uint64(1) << np.uint64(k & 63)
    return bits


def compile_rule(
    rule: Rule,
    i: int,
    org: Organisation,
    categories: dict[str, int],
    tag_index: dict[str, int],
) -> CompiledRule:
    """``rule`` (the ``i``-th of its table) compiled for ``org`` (already checked against it)."""
    scheme = org.scheme
    size = org.column("size")
    cats = None if rule.categories is None else frozenset(categories[c] for c in rule.categories)
    colours = None if rule.colours is None else frozenset(c.rank for c in rule.colours)
    tiers = None if rule.tiers is None else frozenset(scheme.index(t) for t in rule.tiers)
    channels = None
    if rule.channels is not None:
        channels = frozenset(CHANNELS.index(c) for c in rule.channels)
    intervals = None
    starts = stops = None
    if rule.under is not None:
        found = sorted((org.index(u), org.index(u) + int(size[org.index(u)])) for u in rule.under)
        intervals = tuple(found)
        starts = np.array([a for a, _ in found], dtype=np.int64)
        stops = np.array([b for _, b in found], dtype=np.int64)
    bits = None
    if rule.tags is not None:
        bits = tag_bits(rule.tags, tag_index, tag_words(list(tag_index)))
    shown: dict[str, str] = {}
    for field in ("categories", "colours", "tiers", "tags", "channels", "under"):
        value = getattr(rule, field)
        if value is not None:
            shown[field] = _shown([str(v) for v in value])
    held = "; ".join(f"{field} in {text}" for field, text in shown.items())
    shown["match"] = f"matched: {held}" if held else "matched: the default rule takes every issue"
    action = rule.action
    handle_tier = -1
    if isinstance(action, HandleAt) and action.tier is not None:
        handle_tier = scheme.index(action.tier)
    report_in = action.report_in // MICROSECOND if isinstance(action, Whistle) else 0
    return CompiledRule(
        index=i,
        name=rule.name,
        action=_action_code(rule),
        categories=cats,
        colours=colours,
        tiers=tiers,
        tags=rule.tags,
        channels=channels,
        intervals=intervals,
        shown=shown,
        category_table=_table(len(categories), cats),
        colour_table=_table(len(COLOURS), colours),
        tier_table=_table(len(scheme), tiers),
        channel_table=_table(len(CHANNELS), channels),
        starts=starts,
        stops=stops,
        tag_bits=bits,
        handle_tier=handle_tier,
        report_in_us=report_in,
        named=action.departments if isinstance(action, JointOffice) else (),
        property_company=isinstance(action, JointOffice) and action.property_company,
    )


def explain(
    rule: CompiledRule,
    category: str,
    cat: int,
    colour: int,
    tier: int,
    tags: frozenset[str],
    channel: int,
    position: int,
    names: Sequence[str],
) -> str | None:
    """Why ``rule`` does not match an issue with these features, or ``None`` when it does."""
    shown = rule.shown
    if rule.categories is not None and cat not in rule.categories:
        return f"category {category} is not in {shown['categories']}"
    if rule.colours is not None and colour not in rule.colours:
        return f"colour {COLOURS[colour].value} is not in {shown['colours']}"
    if rule.tiers is not None and tier not in rule.tiers:
        return f"origin tier {names[tier]} is not in {shown['tiers']}"
    if rule.tags is not None and not rule.tags <= tags:
        return f"tags lack {_shown(list(rule.tags - tags))}"
    if rule.channels is not None and channel not in rule.channels:
        return f"channel {CHANNELS[channel].value} is not in {shown['channels']}"
    if rule.intervals is not None and not any(a <= position < b for a, b in rule.intervals):
        return f"origin is not under {shown['under']}"
    return None


__all__ = ["ACTION_NAMES", "CHANNELS", "CompiledRule", "compile_rule", "explain"]
