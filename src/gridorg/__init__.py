"""gridorg: tiered party-grid organisations of urban grassroots governance.

The organisation tree (street → community → grid → household head) as an immutable, validated,
compact value, with the graph beyond the tree (partners, people, service sites and typed
cross-links); multi-network merging; the routing of residents' issues (colour triage, a rule
table, escalation, whistle-and-report), the case lifecycle and the three lists; JSON in and out;
named metrics with entry-point plugins; presets for two counties; hypothesis strategies.
"""

from typing import TYPE_CHECKING

from gridorg.categories import DEFAULT_CATEGORIES, Category, CategoryCatalogue
from gridorg.crosslinks import CrossLinks
from gridorg.errors import (
    ArgumentTypeError,
    CaseLogError,
    EscalationError,
    FormatVersionError,
    GridorgError,
    GridorgWarning,
    HierarchyError,
    InvalidArgumentError,
    LinkError,
    MissingDependencyError,
    NetworkError,
    Problem,
    RecordError,
    RuleError,
    SchemaError,
    TransitionError,
    UnknownCategoryError,
    UnknownEntityError,
    UnknownMetricError,
    UnknownTierError,
    UnknownUnitError,
    ValidationError,
)
from gridorg.graph import IronTriangle
from gridorg.hierarchy import Organisation
from gridorg.issue import Channel, Issue
from gridorg.lifecycle import TRANSITIONS, CaseEvent, CaseLog, CaseState, CaseView, CaseViews
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
from gridorg.lists import demand_list, problem_list, service_list
from gridorg.locations import Location
from gridorg.networks import NETWORK_KINDS, BaseLayer, FunctionalNetwork, diagnose
from gridorg.partners import Department, Partner, PartnerKind, VolunteerTeam
from gridorg.people import Person, Role
from gridorg.routing import (
    AssignDepartment,
    HandleAt,
    JointOffice,
    Mediation,
    Router,
    RoutingDecision,
    RoutingDecisions,
    Rule,
    RuleTable,
    Whistle,
)
from gridorg.schema import dump, dump_file, dumps, json_schema, load, load_file, loads
from gridorg.sites import ServiceSite, SiteKind
from gridorg.tiers import DEFAULT_SCHEME, LevelScheme, PartyForm, Tier
from gridorg.triage import Colour, Deadlines, FiveTierTriage, MatrixTriage, Triage
from gridorg.units import Unit
from gridorg.whistle import whistle_report
from gridorg.worktime import WorkingCalendar

if TYPE_CHECKING:
    from gridorg import access as access
    from gridorg import audit as audit
    from gridorg import datasets as datasets
    from gridorg import display as display
    from gridorg import issue as issue
    from gridorg import lifecycle as lifecycle
    from gridorg import lists as lists
    from gridorg import merge as merge
    from gridorg import metrics as metrics
    from gridorg import networks as networks
    from gridorg import routing as routing
    from gridorg import schema as schema
    from gridorg import simulation as simulation
    from gridorg import strategies as strategies
    from gridorg import sweep as sweep
    from gridorg import testing as testing
    from gridorg import triage as triage
    from gridorg import whistle as whistle
    from gridorg import worktime as worktime
    from gridorg.access import service_access as service_access
    from gridorg.merge import MergeReport as MergeReport
    from gridorg.merge import MergeResult as MergeResult
    from gridorg.merge import merge_networks as merge_networks
    from gridorg.simulation import Arrivals as Arrivals
    from gridorg.simulation import Scenario as Scenario
    from gridorg.simulation import ServiceTime as ServiceTime
    from gridorg.simulation import SimulationResult as SimulationResult
    from gridorg.simulation import simulate as simulate
    from gridorg.sweep import ParameterGrid as ParameterGrid
    from gridorg.sweep import SweepResult as SweepResult

__version__ = "0.1.0"

_SUBMODULES = frozenset(
    {
        "access",
        "audit",
        "datasets",
        "display",
        "issue",
        "lifecycle",
        "lists",
        "merge",
        "metrics",
        "networks",
        "routing",
        "schema",
        "simulation",
        "strategies",
        "sweep",
        "testing",
        "triage",
        "whistle",
        "worktime",
    }
)
#: Public names whose modules load on first use (they import scipy, simpy or joblib).
_LAZY = {
    "MergeReport": "merge",
    "MergeResult": "merge",
    "merge_networks": "merge",
    "service_access": "access",
    "Arrivals": "simulation",
    "ParameterGrid": "sweep",
    "Scenario": "simulation",
    "ServiceTime": "simulation",
    "SimulationResult": "simulation",
    "SweepResult": "sweep",
    "simulate": "simulation",
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
    "TRANSITIONS",
    "ArgumentTypeError",
    "Arrivals",
    "AssignDepartment",
    "Assignment",
    "BaseLayer",
    "CaseEvent",
    "CaseLog",
    "CaseLogError",
    "CaseState",
    "CaseView",
    "CaseViews",
    "Category",
    "CategoryCatalogue",
    "Channel",
    "Colour",
    "CommitteeMembership",
    "ContactPoint",
    "CrossLinks",
    "Deadlines",
    "Department",
    "EscalationError",
    "FiveTierTriage",
    "FormatVersionError",
    "FunctionalNetwork",
    "GridorgError",
    "GridorgWarning",
    "HandleAt",
    "HierarchyError",
    "InvalidArgumentError",
    "IronTriangle",
    "Issue",
    "Joining",
    "JointOffice",
    "LevelScheme",
    "LinkError",
    "LinkKind",
    "Location",
    "MatrixTriage",
    "Mediation",
    "MergeReport",
    "MergeResult",
    "MissingDependencyError",
    "NetworkError",
    "Organisation",
    "ParameterGrid",
    "Partner",
    "PartnerKind",
    "PartyForm",
    "Person",
    "Problem",
    "RecordError",
    "Registration",
    "Role",
    "Router",
    "RoutingDecision",
    "RoutingDecisions",
    "Rule",
    "RuleError",
    "RuleTable",
    "Scenario",
    "SchemaError",
    "ServiceSite",
    "ServiceTime",
    "Serving",
    "SimulationResult",
    "Sinking",
    "SiteKind",
    "SweepResult",
    "Tier",
    "TransitionError",
    "Triage",
    "Unit",
    "UnknownCategoryError",
    "UnknownEntityError",
    "UnknownMetricError",
    "UnknownTierError",
    "UnknownUnitError",
    "ValidationError",
    "VolunteerTeam",
    "Whistle",
    "WorkingCalendar",
    "__version__",
    "demand_list",
    "diagnose",
    "dump",
    "dump_file",
    "dumps",
    "json_schema",
    "load",
    "load_file",
    "loads",
    "merge_networks",
    "problem_list",
    "service_access",
    "service_list",
    "simulate",
    "whistle_report",
]
