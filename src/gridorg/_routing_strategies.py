"""Hypothesis strategies for residents' issues over a given organisation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import strategies as st

from gridorg._strategy_support import _check_int, _check_sizes, _StrategyArgumentError
from gridorg.hierarchy import Organisation
from gridorg.issue import LEVELS, Channel, Issue

__all__ = ["issue_origins", "issues"]

#: Where generated report times start, and how far they spread (a year, in seconds).
_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
_SPREAD = 366 * 24 * 3600
_TAGS = ("elderly", "repeat", "night", "flood", "children")


def issue_origins(org: Organisation) -> list[str]:
    """The ids of the units where issues can arise: the grid tier and the tiers below it (the
    lowest tier alone when the scheme has no ``grid`` tier), in preorder."""
    names = org.scheme.names
    lowest = names.index("grid") if "grid" in names else len(names) - 1
    tiers = org.column("tier")
    positions = np.flatnonzero(tiers >= lowest)
    return [org.id_at(int(k)) for k in positions.tolist()]


def _check_org(org: object) -> Organisation:
    if not isinstance(org, Organisation):
        msg = f"issues() needs an Organisation, got {type(org).__name__}"
        raise _StrategyArgumentError(msg)
    return org


@st.composite
def _issues(
    draw: Any,
    origins: list[str],
    categories: list[str],
    min_size: int,
    max_size: int,
    prefix: str,
) -> list[Issue]:
    count = draw(st.integers(min_size, max_size))
    drawn: list[Issue] = []
    for n in range(count):
        seconds = draw(st.integers(0, _SPREAD))
        drawn.append(
            Issue(
                f"{prefix}{n + 1}",
                categories[draw(st.integers(0, len(categories) - 1))],
                origins[draw(st.integers(0, len(origins) - 1))],
                _EPOCH + dt.timedelta(seconds=seconds),
                channel=draw(st.sampled_from(list(Channel))),
                importance=draw(st.sampled_from(LEVELS)),
                urgency=draw(st.sampled_from(LEVELS)),
                households=draw(st.integers(1, 60)),
                tags=draw(st.frozensets(st.sampled_from(_TAGS), max_size=2)),
            )
        )
    return drawn


def issues(
    org: Organisation,
    *,
    min_size: int = 0,
    max_size: int = 20,
    categories: list[str] | None = None,
    prefix: str = "Q",
) -> st.SearchStrategy[list[Issue]]:
    """Lists of valid issues arising in ``org``, with distinct ids ``Q1``, ``Q2``, ….

    Each issue's origin is a grid-tier or lower unit of ``org`` (see :func:`issue_origins`) and
    its category one of ``categories`` (default: every code of ``org.links.categories``); its
    report time falls in 2024 (UTC+8), and its channel, importance, urgency, households and
    tags are drawn from their whole ranges.

    Shrinks towards fewer issues, then towards the first origin and category, the first
    channel, the lowest levels, one household, no tags and the start of 2024.
    """
    found = _check_org(org)
    _check_sizes("size", min_size, max_size, 0, None)
    _check_int("max_size", max_size, 0, 100_000)
    if not isinstance(prefix, str) or not prefix or prefix != prefix.strip():
        msg = f"prefix must be a non-empty string without surrounding spaces, got {prefix!r}"
        raise _StrategyArgumentError(msg)
    known = list(found.links.categories)
    chosen = known if categories is None else list(categories)
    unknown = [code for code in chosen if code not in found.links.categories]
    if unknown or not chosen:
        msg = (
            f"categories must be a non-empty list of codes of the organisation's catalogue; "
            f"unknown: {unknown}"
        )
        raise _StrategyArgumentError(msg)
    origins = issue_origins(found)
    if not origins and max_size > 0:
        msg = f"{found._desc()} has no unit at the grid tier or below for issues to arise in"
        raise _StrategyArgumentError(msg)
    if not origins:
        return st.just([])
    return _issues(origins, chosen, min_size, max_size, prefix)
