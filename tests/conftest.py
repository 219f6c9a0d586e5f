"""Test configuration: the hypothesis profiles.

``dev`` (the default) runs 100 examples a property with fresh randomness; ``ci`` runs 50 and
derandomises, so that a CI run repeats exactly. Choose with ``HYPOTHESIS_PROFILE=ci``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# The shared helpers assert too: let pytest explain their failures as it does in test modules.
pytest.register_assert_rewrite("tests.schema_helpers", "tests.metrics_helpers")

settings.register_profile("ci", max_examples=50, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
