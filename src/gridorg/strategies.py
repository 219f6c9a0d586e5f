"""Hypothesis strategies for organisations, their units, records, level schemes and cross-links.

Test code that takes an organisation can ask hypothesis for many of them::

    from hypothesis import given
    from gridorg.strategies import organisations

    @given(organisations(max_units=20))
    def test_total_covers_every_household(org): ...

Every strategy here builds valid values directly (an organisation is drawn tree by tree, each
unit followed by its children, every choice one the rules allow), so no example is generated and
then rejected; each one says in its docstring how its examples shrink.
``st.from_type(Organisation)``, ``st.from_type(Unit)`` and ``st.from_type(LevelScheme)`` use
these strategies too. :func:`organisations_with_links` adds partners, people, service sites,
unit locations and typed links to an organisation, each link drawn between existing things of
the kinds and tiers it allows. :func:`base_layers` and :func:`functional_networks` draw the
inputs of a multi-network merge: connected community patches of base units, and overlapping
departmental grids over them (with gaps, overlaps and boundary-crossing cells when allowed).
:func:`issues` draws residents' issues arising in a given organisation, :func:`rule_tables`
routing rule tables that pass ``table.check(org)`` for it, and :func:`case_logs` case logs whose
every case follows the lifecycle's allowed transitions. :mod:`gridorg.testing` holds a state
machine that tests a rule table by reporting, escalating and closing cases.

This module needs the optional dependency hypothesis (``pip install 'gridorg[hypothesis]'``);
importing :mod:`gridorg` itself never imports it. Bad arguments raise
``hypothesis.errors.InvalidArgument`` when the strategy is first used, as hypothesis's own
strategies do; the error is also a :class:`gridorg.InvalidArgumentError`.
"""

from __future__ import annotations

import gridorg._strategy_support  # noqa: F401  (first: without hypothesis, the install hint)
from gridorg._link_strategies import (
    locations,
    organisations_with_links,
    partners,
    people,
    service_sites,
)
from gridorg._network_strategies import base_layers, functional_networks
from gridorg._routing_strategies import case_logs, issues, rule_tables
from gridorg._tree_strategies import organisations, records, schemes, unit_ids, units

__all__ = [
    "base_layers",
    "case_logs",
    "functional_networks",
    "issues",
    "locations",
    "organisations",
    "organisations_with_links",
    "partners",
    "people",
    "records",
    "rule_tables",
    "schemes",
    "service_sites",
    "unit_ids",
    "units",
]
