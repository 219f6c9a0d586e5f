"""Datasets: presets for two counties of Tongren, Guizhou, and synthetic organisations.

:func:`yinjiang` and :func:`songtao` rebuild the urban organisation trees of Yinjiang (印江)
and Songtao (松桃) counties from the figures published in a 2025 report on their urban
grassroots governance; :func:`provenance` says, figure by figure, what is published and what
is a modelling assumption. :func:`synthetic` draws organisations of any size, up to a whole
country, and :func:`synthetic_columns` gives the same as numpy columns.
:func:`songtao_networks` is Songtao's merge scenario (多网合一): a base layer and functional
grids that merge into the published 102 comprehensive grids.
:func:`yinjiang_scenario` and :func:`songtao_scenario` are simulation scenarios on the presets,
calibrated so that a simulated 2024 lands near the outcomes the report publishes;
:func:`outcomes` counts those outcomes in a run and :func:`published_outcomes` lists them.
"""

from gridorg.datasets._merge_scenario import songtao_networks
from gridorg.datasets._presets import songtao, yinjiang
from gridorg.datasets._provenance import (
    PROVENANCE_STATUSES,
    ProvenanceRow,
    ProvenanceStatus,
    provenance,
)
from gridorg.datasets._scenarios import (
    OUTCOMES,
    PublishedOutcome,
    outcomes,
    published_outcomes,
    songtao_scenario,
    three_lists_rules,
    yinjiang_scenario,
)
from gridorg.datasets._synthetic import synthetic, synthetic_columns

__all__ = [
    "OUTCOMES",
    "PROVENANCE_STATUSES",
    "ProvenanceRow",
    "ProvenanceStatus",
    "PublishedOutcome",
    "outcomes",
    "provenance",
    "published_outcomes",
    "songtao",
    "songtao_networks",
    "songtao_scenario",
    "synthetic",
    "synthetic_columns",
    "three_lists_rules",
    "yinjiang",
    "yinjiang_scenario",
]
