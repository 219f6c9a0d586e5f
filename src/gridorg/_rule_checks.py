"""Checks of a rule table against an organisation, and the built-in standard table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gridorg._rules import (
    AssignDepartment,
    HandleAt,
    JointOffice,
    Mediation,
    Rule,
    RuleTable,
    Whistle,
)
from gridorg.categories import CategoryCatalogue
from gridorg.errors import Problem
from gridorg.triage import Colour

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation

#: The tiers routing needs: departments and whistles at the street, joint offices and
#: mediators at the community, and issues arising at the grid tier or below.
ROUTING_TIERS = ("street", "community", "grid")

#: The categories the standard table sends to the responsible departments.
DEPARTMENT_MATTERS = (
    "civil_assistance",
    "employment",
    "legal_services",
    "health",
    "market_regulation",
    "education",
)


def _shown(items: object) -> str:
    return ", ".join(repr(item) for item in sorted(items))  # type: ignore[call-overload]


def table_problems(table: RuleTable, org: Organisation) -> list[Problem]:
    """Everything ``table`` names that ``org`` lacks, and actions that cannot work there."""
    problems: list[Problem] = []
    names = org.scheme.names
    for tier in ROUTING_TIERS:
        if tier not in names:
            msg = (
                f"the organisation's scheme ({', '.join(names)}) has no {tier!r} tier; routing "
                f"needs the tiers {', '.join(ROUTING_TIERS)}"
            )
            problems.append(Problem("missing_tier", msg, path="scheme"))
    if problems:
        return problems
    for i, rule in enumerate(table):
        problems.extend(_rule_problems(rule, i, org))
    return problems


def _rule_problems(rule: Rule, i: int, org: Organisation) -> list[Problem]:
    where = f"rules[{i}]"
    found: list[Problem] = []

    def add(code: str, field: str, message: str) -> None:
        path = f"{where}.{field}"
        found.append(Problem(code, f"{path}: {message}", index=i, field=field, path=path))

    scheme = org.scheme
    grid = scheme.index("grid")
    catalogue = org.links.categories
    if rule.categories is not None:
        unknown: set[str] = set(rule.categories - set(catalogue))
        if unknown:
            known = ", ".join(catalogue)
            add(
                "unknown_category",
                "categories",
                f"unknown categories {_shown(unknown)}; the catalogue has {known}",
            )
    if rule.tiers is not None:
        unknown = {t for t in rule.tiers if t not in scheme}
        if unknown:
            add(
                "unknown_tier",
                "tiers",
                f"unknown tiers {_shown(unknown)}; the scheme has {', '.join(scheme.names)}",
            )
        above = {t for t in rule.tiers - unknown if scheme.index(t) < grid}
        if above:
            origins = ", ".join(scheme.names[grid:])
            add(
                "not_origin_tier",
                "tiers",
                f"tiers {_shown(above)} are above the grid tier; "
                f"issues arise only at {origins}, so they never match",
            )
    if rule.under is not None:
        unknown = {u for u in rule.under if u not in org}
        if unknown:
            add("unknown_unit", "under", f"unknown units {_shown(unknown)} (not in {org._desc()})")
    action = rule.action
    if isinstance(action, HandleAt) and action.tier is not None:
        if action.tier not in scheme:
            add(
                "unknown_tier",
                "action.tier",
                f"unknown tier {action.tier!r}; the scheme has {', '.join(scheme.names)}",
            )
        elif rule.tiers is not None and all(t in scheme for t in rule.tiers):
            target = scheme.index(action.tier)
            if all(scheme.index(t) < target for t in rule.tiers):
                add(
                    "routes_down",
                    "action.tier",
                    f"the rule matches origins at "
                    f"{_shown(rule.tiers)} but handles at {action.tier!r}, below them; the "
                    "router never routes down",
                )
    elif isinstance(action, HandleAt):
        codes = rule.categories if rule.categories is not None else set(catalogue)
        for code in sorted(c for c in codes if c in catalogue):
            tier = catalogue[code].tier
            if tier not in scheme:
                add(
                    "unknown_tier",
                    "action.tier",
                    f"category {code!r} is handled by default "
                    f"at tier {tier!r}, which the scheme ({', '.join(scheme.names)}) lacks",
                )
    if isinstance(action, JointOffice):
        departments = org.links.departments
        unknown = {d for d in action.departments if d not in departments}
        if unknown:
            known = ", ".join(departments) or "none"
            add(
                "unknown_department",
                "action.departments",
                f"unknown departments "
                f"{_shown(unknown)}; the organisation's departments are {known}",
            )
    return found


def standard_rules(catalogue: CategoryCatalogue) -> list[Rule]:
    """The rules of :meth:`RuleTable.standard`, keeping only categories of ``catalogue``."""

    def known(*codes: str) -> frozenset[str] | None:
        kept = frozenset(code for code in codes if code in catalogue)
        return kept or None

    rules = [Rule("red_whistle", Whistle(), colours=frozenset({Colour.RED}))]
    disputes = known("neighbour_disputes")
    if disputes:
        rules.append(Rule("neighbour_mediation", Mediation(), categories=disputes))
    property_ = known("property_management")
    if property_:
        rules.append(
            Rule(
                "property_joint_office",
                JointOffice(),
                categories=property_,
                colours=frozenset({Colour.ORANGE, Colour.RED}),
            )
        )
    matters = known(*DEPARTMENT_MATTERS)
    if matters:
        rules.append(Rule("department_matters", AssignDepartment(), categories=matters))
    rules.append(Rule.default(HandleAt()))
    return rules
