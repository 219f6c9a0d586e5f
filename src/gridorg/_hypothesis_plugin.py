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


def _locations(_: type[Any]) -> SearchStrategy[Any]:
    from gridorg.strategies import locations

    return locations(crs=None)


def _partners(_: type[Any]) -> SearchStrategy[Any]:
    from gridorg.strategies import partners

    return partners()


def _departments(_: type[Any]) -> SearchStrategy[Any]:
    from gridorg.strategies import partners

    return partners(kinds=("department",))


def _volunteer_teams(_: type[Any]) -> SearchStrategy[Any]:
    from gridorg.strategies import partners

    return partners(kinds=("volunteer_team",))


def _people(_: type[Any]) -> SearchStrategy[Any]:
    from gridorg.strategies import people

    return people()


def _sites(_: type[Any]) -> SearchStrategy[Any]:
    from gridorg.strategies import service_sites

    return service_sites()


def _base_layers(_: type[Any]) -> SearchStrategy[Any]:
    from gridorg.strategies import base_layers

    return base_layers()


def register() -> None:
    """Register strategies for :class:`~gridorg.Organisation`, :class:`~gridorg.Unit`,
    :class:`~gridorg.LevelScheme`, :class:`~gridorg.Location`, the partner classes,
    :class:`~gridorg.Person` and :class:`~gridorg.ServiceSite` with
    ``hypothesis.strategies.register_type_strategy``."""
    from hypothesis import strategies as st

    from gridorg.hierarchy import Organisation
    from gridorg.locations import Location
    from gridorg.networks import BaseLayer
    from gridorg.partners import Department, Partner, VolunteerTeam
    from gridorg.people import Person
    from gridorg.sites import ServiceSite
    from gridorg.tiers import LevelScheme
    from gridorg.units import Unit

    st.register_type_strategy(Organisation, _organisations)
    st.register_type_strategy(Unit, _units)
    st.register_type_strategy(LevelScheme, _schemes)
    st.register_type_strategy(Location, _locations)
    st.register_type_strategy(Partner, _partners)
    st.register_type_strategy(Department, _departments)
    st.register_type_strategy(VolunteerTeam, _volunteer_teams)
    st.register_type_strategy(Person, _people)
    st.register_type_strategy(ServiceSite, _sites)
    st.register_type_strategy(BaseLayer, _base_layers)
