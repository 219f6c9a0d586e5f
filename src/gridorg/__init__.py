"""gridorg: tiered party-grid organisations of urban grassroots governance.

The organisation tree (street → community → grid → household head) as an immutable, validated,
compact value; JSON in and out; presets for two counties; hypothesis strategies.
"""

from typing import TYPE_CHECKING

from gridorg.errors import (
    ArgumentTypeError,
    FormatVersionError,
    GridorgError,
    HierarchyError,
    InvalidArgumentError,
    MissingDependencyError,
    Problem,
    RecordError,
    SchemaError,
    UnknownTierError,
    UnknownUnitError,
    ValidationError,
)
from gridorg.hierarchy import Organisation
from gridorg.schema import dump, dump_file, dumps, json_schema, load, load_file, loads
from gridorg.tiers import DEFAULT_SCHEME, LevelScheme, PartyForm, Tier
from gridorg.units import Unit

if TYPE_CHECKING:
    from gridorg import audit as audit
    from gridorg import datasets as datasets
    from gridorg import display as display
    from gridorg import schema as schema
    from gridorg import strategies as strategies

__version__ = "0.1.0"

_SUBMODULES = frozenset({"audit", "datasets", "display", "schema", "strategies"})


def __getattr__(name: str) -> object:
    # Submodules load on first use: ``gridorg.datasets.yinjiang()`` works after
    # ``import gridorg`` without importing every module (or hypothesis) up front.
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"gridorg.{name}")
    msg = f"module 'gridorg' has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "DEFAULT_SCHEME",
    "ArgumentTypeError",
    "FormatVersionError",
    "GridorgError",
    "HierarchyError",
    "InvalidArgumentError",
    "LevelScheme",
    "MissingDependencyError",
    "Organisation",
    "PartyForm",
    "Problem",
    "RecordError",
    "SchemaError",
    "Tier",
    "Unit",
    "UnknownTierError",
    "UnknownUnitError",
    "ValidationError",
    "__version__",
    "dump",
    "dump_file",
    "dumps",
    "json_schema",
    "load",
    "load_file",
    "loads",
]
