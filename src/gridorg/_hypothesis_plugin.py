"""Registers gridorg's strategies with hypothesis so that ``st.from_type`` knows its types.

Hypothesis calls :func:`register` when it is imported (through the ``hypothesis`` entry point
declared by this package). Registration is cheap: :mod:`gridorg.strategies` is imported only
when a strategy for one of these types is first resolved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["register"]


def _organisations(_: type[Any]) -> SearchStrategy[Any]:
    from gridorg.strategies import organisations

    return organisations()


def _units(_: type[Any]) -> SearchStrategy[Any]:
    from gridorg.strategies import units

    return units()


def _schemes(_: type[Any]) -> SearchStrategy[Any]:
    from gridorg.strategies import schemes

    return schemes()


def register() -> None:
    """Register strategies for :class:`~gridorg.Organisation`, :class:`~gridorg.Unit` and
    :class:`~gridorg.LevelScheme` with ``hypothesis.strategies.register_type_strategy``."""
    from hypothesis import strategies as st

    from gridorg.hierarchy import Organisation
    from gridorg.tiers import LevelScheme
    from gridorg.units import Unit

    st.register_type_strategy(Organisation, _organisations)
    st.register_type_strategy(Unit, _units)
    st.register_type_strategy(LevelScheme, _schemes)
