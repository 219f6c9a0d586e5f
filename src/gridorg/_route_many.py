"""Routing many issues at once: columns in, numpy masks per rule, columns of decisions out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from gridorg import _issue_columns as ic
from gridorg._compiled import CHANNELS, CompiledRule, tag_bits, tag_words
from gridorg._decisions import (
    FIRST_RECEIVER,
    HANDLE,
    JOINT_OFFICE,
    MEDIATION,
    MICROSECOND,
    NO_TIME,
    TERRITORIAL,
    WHISTLE,
    DecisionColumns,
)
from gridorg._fields import describe
from gridorg._issue_columns import IssueColumns, issue_columns
from gridorg._route_state import OUTSIDE, RouteState
from gridorg.errors import (
    ArgumentTypeError,
)

Ints = npt.NDArray[np.int64]


_OUTSIDE_TABLE = np.zeros(len(CHANNELS), dtype=np.bool_)
_OUTSIDE_TABLE[sorted(OUTSIDE)] = True


def _handlers(state: RouteState, positions: Ints, tiers: Ints) -> npt.NDArray[np.int32]:
    """:meth:`RouteState.handler` for many issues."""
    anc = state.anc
    wanted = np.minimum(tiers, state.tier_column[positions])
    found = anc[wanted, positions]
    todo = np.flatnonzero(found < 0)
    count = len(anc)
    steps = [*range(-1, -count, -1), *range(1, count)]  # up first, then down to the path's top
    for step in steps:
        if not len(todo):
            break
        t = wanted[todo] + step
        ok = (t >= 0) & (t < count)
        cand = np.where(ok, anc[np.clip(t, 0, count - 1), positions[todo]], -1)
        got = cand >= 0
        found[todo[got]] = cand[got]
        todo = todo[~got]
    return found


def _pooled(table: npt.NDArray[np.int32], units: Any, fill: Any) -> npt.NDArray[np.int32]:
    codes = np.where(units >= 0, table[np.maximum(units, 0)], 0)
    missing = np.unique(units[codes < 0])
    if len(missing):
        for unit in missing.tolist():
            fill(unit)
        codes = np.where(units >= 0, table[np.maximum(units, 0)], 0)
    return codes.astype(np.int32)


def _departments(state: RouteState, cats: Ints, whistlers: Any) -> npt.NDArray[np.int32]:
    ranks = state.whistler_rank[whistlers]
    table = state.department_table
    codes = table[cats, ranks]
    missing = np.flatnonzero(codes < 0)
    if len(missing):
        keys = np.unique(cats[missing] * table.shape[1] + ranks[missing])
        state.fill_departments(keys // table.shape[1], keys % table.shape[1])
        codes = table[cats, ranks]
    result: npt.NDArray[np.int32] = codes
    return result


def _matches(rule: CompiledRule, at: Ints, f: dict[str, Any]) -> npt.NDArray[np.bool_]:
    mask = np.ones(len(at), dtype=np.bool_)
    if rule.category_table is not None:
        mask &= rule.category_table[f["category"][at]]
    if rule.colour_table is not None:
        mask &= rule.colour_table[f["colour"][at]]
    if rule.tier_table is not None:
        mask &= rule.tier_table[f["tier"][at]]
    if rule.tag_bits is not None:
        bits = f["bits"]
        if bits is None:
            mask[:] = False
        else:
            need = rule.tag_bits
            mask &= ((bits[at] & need) == need).all(axis=1)
    if rule.channel_table is not None:
        mask &= rule.channel_table[f["channel"][at]]
    if rule.starts is not None and rule.stops is not None:
        pos = f["origin"][at]
        inside = np.zeros(len(at), dtype=np.bool_)
        for a, b in zip(rule.starts.tolist(), rule.stops.tolist(), strict=True):
            inside |= (pos >= a) & (pos < b)
        mask &= inside
    return mask


def _deadlines(state: RouteState, colour: Any, reported: Ints) -> tuple[Ints, Ints]:
    response = np.empty(len(reported), dtype=np.int64)
    resolve = np.empty(len(reported), dtype=np.int64)
    for code, limits in state.deadlines.items():
        at = np.flatnonzero(colour == code) if len(state.deadlines) > 1 else None
        starts = reported if at is None else reported[at]
        if limits.calendar.round_the_clock:
            first = starts + limits.response // MICROSECOND
            second = starts + limits.resolution // MICROSECOND
        else:
            first = limits.calendar.add_many(starts, limits.response)
            second = limits.calendar.add_many(starts, limits.resolution)
        if at is None:
            response[:], resolve[:] = first, second
        else:
            response[at], resolve[at] = first, second
    return response, resolve


def route_columns(state: RouteState, columns: Mapping[str, Any]) -> DecisionColumns:
    """Route issues given as columns (see :class:`IssueColumns`)."""
    if not isinstance(columns, Mapping):
        msg = f"route_many() takes issues or a mapping of columns, got {describe(columns)}"
        raise ArgumentTypeError(msg)
    n = ic.length(columns)
    ids = columns["id"]
    cat = ic.categories(state, columns["category"], ids)
    origin = ic.origins(state, columns["origin"], ids)
    reported = ic.reported(columns["reported"], ids)
    two, one = np.full(n, 2, dtype=np.int64), np.ones(n, dtype=np.int64)
    urgency = ic.integers("urgency", columns.get("urgency", two), ids, 1, 4)
    importance = ic.integers("importance", columns.get("importance", two), ids, 1, 4)
    households = ic.integers("households", columns.get("households", one), ids, 1, None)
    channel = ic.channels(columns.get("channel"), ids, n)
    tags = ic.tags(columns.get("tags"), ids)
    colour = state.triage.colour_many(
        urgency, importance, households, state.category_tier[cat], tiers=state.scheme_names
    ).astype(np.uint8)
    bits = None
    words = tag_words(state.tag_vocabulary)
    if tags is not None and words:
        bits = np.zeros((n, words), dtype=np.uint64)
        for i, issue_tags in enumerate(tags):
            if issue_tags:
                bits[i] = tag_bits(issue_tags, state.tag_index, words)
    features = {
        "category": cat,
        "colour": colour,
        "tier": state.tier_column[origin],
        "bits": bits,
        "channel": channel,
        "origin": origin,
    }
    rule_of = np.zeros(n, dtype=np.int16)
    remaining = np.arange(n, dtype=np.int64)
    groups: list[tuple[CompiledRule, Ints]] = []
    for rule in state.rules:
        if rule.is_default:
            chosen, remaining = remaining, remaining[:0]
        else:
            mask = _matches(rule, remaining, features)
            chosen, remaining = remaining[mask], remaining[~mask]
        rule_of[chosen] = rule.index
        groups.append((rule, chosen))
        if not len(remaining):
            break
    whistlers = state.whistler[origin]
    responsible = _departments(state, cat, whistlers)
    action = np.zeros(n, dtype=np.uint8)
    handler = np.full(n, -1, dtype=np.int32)
    departments = np.zeros(n, dtype=np.int32)
    people = np.zeros(n, dtype=np.int32)
    partners = np.zeros(n, dtype=np.int32)
    fallback = np.full(n, -1, dtype=np.int8)
    report_by = np.full(n, NO_TIME, dtype=np.int64)
    anc = state.anc
    for rule, at in groups:
        if not len(at):
            continue
        pos = origin[at]
        kind = rule.action
        if kind == HANDLE:
            if rule.handle_tier >= 0:
                wanted = np.full(len(at), rule.handle_tier, dtype=np.int64)
            else:
                implied = state.colour_tier[colour[at]].astype(np.int64)
                wanted = np.where(implied >= 0, implied, state.category_tier[cat[at]])
            action[at] = HANDLE
            handler[at] = _handlers(state, pos, wanted)
            continue
        community = anc[state.community, pos]
        if kind in (MEDIATION, JOINT_OFFICE):
            tier = state.grid if kind == MEDIATION else state.community
            action[at] = kind
            handler[at] = _handlers(state, pos, np.full(len(at), tier, dtype=np.int64))
            if kind == MEDIATION:
                people[at] = _pooled(state.people_table, community, state.people_of)
                continue
            named = state.intern(rule.named) if rule.named else None
            departments[at] = responsible[at] if named is None else named
            if rule.property_company:
                partners[at] = _pooled(state.partner_table, community, state.partners_of)
            continue
        has = responsible[at] > 0
        yes, no = at[has], at[~has]
        action[yes] = kind
        departments[yes] = responsible[yes]
        action[no] = HANDLE
        if kind == WHISTLE:
            handler[yes] = whistlers[yes]
            report_by[yes] = reported[yes] + rule.report_in_us
            handler[no] = whistlers[no]
            fallback[no] = TERRITORIAL
            continue
        outside = _OUTSIDE_TABLE[channel[no]]
        territorial, first = no[outside], no[~outside]
        handler[territorial] = whistlers[territorial]
        fallback[territorial] = TERRITORIAL
        community_tier = np.full(len(first), state.community, dtype=np.int64)
        handler[first] = _handlers(state, origin[first], community_tier)
        fallback[first] = FIRST_RECEIVER
    response, resolve = _deadlines(state, colour, reported)
    return DecisionColumns(
        issue=ids,
        category=cat,
        origin=origin,
        colour=colour,
        rule=rule_of,
        action=action,
        handler=handler,
        departments=departments,
        responsible=responsible,
        people=people,
        partners=partners,
        fallback=fallback,
        response_by=response,
        resolve_by=resolve,
        report_by=report_by,
        channel=channel,
        tags=tags,
    )


def route_many(state: RouteState, issues: Any) -> DecisionColumns:
    """Route a sequence of issues or a mapping of columns."""
    if isinstance(issues, Mapping):
        return route_columns(state, issues)
    if isinstance(issues, str) or not isinstance(issues, Sequence):
        msg = f"route_many() takes issues or a mapping of columns, got {describe(issues)}"
        raise ArgumentTypeError(msg)
    return route_columns(state, issue_columns(issues))


__all__ = ["IssueColumns", "route_many"]
