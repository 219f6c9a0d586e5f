"""gridorg: tiered party-grid organisations of urban grassroots governance.

The organisation tree (street → community → grid → household head) as an immutable, validated,
compact value, with the graph beyond the tree (partners, people, service sites and typed
cross-links); JSON in and out; presets for two counties; hypothesis strategies.
"""

from typing import TYPE_CHECKING

from gridorg.categories import DEFAULT_CATEGORIES, Category, CategoryCatalogue
from gridorg.crosslinks import CrossLinks
from gridorg.errors import (
    ArgumentTypeError,
    FormatVersionError,
    GridorgError,
    HierarchyError,
    InvalidArgumentError,
    LinkError,
    MissingDependencyError,
    NetworkError,
    Problem,
    RecordError,
    SchemaError,
    UnknownCategoryError,
    UnknownEntityError,
    UnknownTierError,
    UnknownUnitError,
    ValidationError,
)
from gridorg.graph import IronTriangle
from gridorg.hierarchy import Organisation
from gridorg.links import (
    Assignment,
    CommitteeMembership,
    ContactPoint,
    Joining,
    LinkKind,
    Registration,
    Serving,
    Sinking,
)
from gridorg.locations import Location
from gridorg.networks import NETWORK_KINDS, BaseLayer, FunctionalNetwork, diagnose
from gridorg.partners import Department, Partner, PartnerKind, VolunteerTeam
from gridorg.people import Person, Role
from gridorg.schema import dump, dump_file, dumps, json_schema, load, load_file, loads
from gridorg.sites import ServiceSite, SiteKind
from gridorg.tiers import DEFAULT_SCHEME, LevelScheme, PartyForm, Tier
from gridorg.units import Unit

if TYPE_CHECKING:
    from gridorg import access as access
    from gridorg import audit as audit
    from gridorg import datasets as datasets
    from gridorg import display as display
    from gridorg import merge as merge
    from gridorg import networks as networks
    from gridorg import schema as schema
    from gridorg import strategies as strategies
    from gridorg.access import service_access as service_access
    from gridorg.merge import MergeReport as MergeReport
    from gridorg.merge import MergeResult as MergeResult
    from gridorg.merge import merge_networks as merge_networks

__version__ = "0.1.0"

_SUBMODULES = frozenset(
    {"access", "audit", "datasets", "display", "merge", "networks", "schema", "strategies"}
)
#: Public functions whose modules load on first use (they import scipy).
_LAZY = {
    "MergeReport": "merge",
    "MergeResult": "merge",
    "merge_networks": "merge",
    "service_access": "access",
}


def __getattr__(name: str) -> object:
    # Submodules load on first use: ``gridorg.datasets.yinjiang()`` works after
    # ``import gridorg`` without importing every module (or hypothesis) up front.
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"gridorg.{name}")
    if name in _LAZY:
        import importlib

        value: object = getattr(importlib.import_module(f"gridorg.{_LAZY[name]}"), name)
        return value
    msg = f"module 'gridorg' has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "DEFAULT_CATEGORIES",
    "DEFAULT_SCHEME",
    "NETWORK_KINDS",
    "ArgumentTypeError",
    "Assignment",
    "BaseLayer",
    "Category",
    "CategoryCatalogue",
    "CommitteeMembership",
    "ContactPoint",
    "CrossLinks",
    "Department",
    "FormatVersionError",
    "FunctionalNetwork",
    "GridorgError",
    "HierarchyError",
    "InvalidArgumentError",
    "IronTriangle",
    "Joining",
    "LevelScheme",
    "LinkError",
    "LinkKind",
    "Location",
    "MergeReport",
    "MergeResult",
    "MissingDependencyError",
    "NetworkError",
    "Organisation",
    "Partner",
    "PartnerKind",
    "PartyForm",
    "Person",
    "Problem",
    "RecordError",
    "Registration",
    "Role",
    "SchemaError",
    "ServiceSite",
    "Serving",
    "Sinking",
    "SiteKind",
    "Tier",
    "Unit",
    "UnknownCategoryError",
    "UnknownEntityError",
    "UnknownTierError",
    "UnknownUnitError",
    "ValidationError",
    "VolunteerTeam",
    "__version__",
    "diagnose",
    "dump",
    "dump_file",
    "dumps",
    "json_schema",
    "load",
    "load_file",
    "loads",
    "merge_networks",
    "service_access",
]
