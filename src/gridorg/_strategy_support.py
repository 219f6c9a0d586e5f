"""Argument checks and leaf strategies shared by gridorg's hypothesis strategies."""

from __future__ import annotations

import operator
import string
from typing import Any

from gridorg._fields import MAX_COUNT
from gridorg.errors import InvalidArgumentError, missing_dependency
from gridorg.tiers import DEFAULT_SCHEME, LevelScheme

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError:  # pragma: no cover - exercised only without the extra
    error = missing_dependency("hypothesis", "hypothesis", "gridorg.strategies")
    raise error from None


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
# Partners, people and sites: smaller mappings, nested one level at most, as cheap to draw.
_RECORD_ATTRIBUTES: st.SearchStrategy[dict[str, Any]] = st.one_of(
    st.just({}),
    st.dictionaries(
        st.text(max_size=6), _JSON_SCALARS | st.lists(_JSON_SCALARS, max_size=2), max_size=2
    ),
)
# Mostly sizes real units have; sometimes anything up to the limit of a field, ends included.
_COUNTS = st.one_of(st.integers(0, 500), st.integers(0, MAX_COUNT))
_TIER_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
