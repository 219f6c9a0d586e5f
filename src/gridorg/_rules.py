"""Routing rules: the actions a rule can take, the rule records and the ordered rule table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, TypeAlias, overload

import attrs

from gridorg._fields import describe, id_problem
from gridorg.categories import DEFAULT_CATEGORIES, CategoryCatalogue
from gridorg.errors import InvalidArgumentError, Problem, RuleError
from gridorg.issue import Channel
from gridorg.triage import Colour

__all__ = [
    "Action",
    "AssignDepartment",
    "HandleAt",
    "JointOffice",
    "Mediation",
    "Rule",
    "RuleTable",
    "Whistle",
]

#: The match fields of a rule, in the order they are tested.
CONDITIONS = ("categories", "colours", "tiers", "tags", "channels", "under")


def _fail(field: str, message: str, code: str = "invalid_field") -> RuleError:
    return RuleError([Problem(code, message, field=field, path=field)], subject="rule")


def _check_name(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    problem = id_problem(attribute.name, value)
    if problem:
        raise _fail(attribute.name, problem)


def _check_optional_name(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _check_name(inst, attribute, value)


# ---------------------------------------------------------------------- actions


@attrs.frozen
class HandleAt:
    """Handle the matter at one tier: the origin's unit of that tier takes it.

    ``tier`` names a tier of the organisation's scheme; ``None`` means the tier the triage
    implies for the issue's colour or, when it implies none, the category's default tier.
    """

    kind: ClassVar[str] = "handle_at"
    tier: str | None = attrs.field(default=None, validator=_check_optional_name)

    def to_record(self) -> dict[str, Any]:
        """This action as a JSON-compatible mapping."""
        return {"kind": self.kind, "tier": self.tier}


@attrs.frozen
class AssignDepartment:
    """Assign the matter to the departments responsible for its category.

    They are the departments answering for the category at the origin's street.
    """

    kind: ClassVar[str] = "assign_department"

    def to_record(self) -> dict[str, Any]:
        """This action as a JSON-compatible mapping."""
        return {"kind": self.kind}


def _names(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        return value  # type: ignore[return-value]  # the validator reports it
    return tuple(value)


def _check_names(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        msg = f"{attribute.name} must be a list of department ids, got {describe(value)}"
        raise _fail(attribute.name, msg)
    for item in value:
        problem = id_problem(f"each of {attribute.name}", item)
        if problem:
            raise _fail(attribute.name, problem)
    if len(set(value)) != len(value):
        msg = f"{attribute.name} lists a department twice: {list(value)}"
        raise _fail(attribute.name, msg)


def _check_flag(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        msg = f"{attribute.name} must be true or false, got {describe(value)}"
        raise _fail(attribute.name, msg)


@attrs.frozen
class JointOffice:
    """Hold an on-site joint office (现场办公) at the origin's community.

    The named ``departments`` (the responsible ones when none is named) and, with
    ``property_company``, the property companies serving the community sit down together.
    """

    kind: ClassVar[str] = "joint_office"
    departments: tuple[str, ...] = attrs.field(
        default=(), converter=_names, validator=_check_names
    )
    property_company: bool = attrs.field(default=True, kw_only=True, validator=_check_flag)

    def to_record(self) -> dict[str, Any]:
        """This action as a JSON-compatible mapping."""
        record: dict[str, Any] = {"kind": self.kind, "departments": list(self.departments)}
        record["property_company"] = self.property_company
        return record


@attrs.frozen
class Mediation:
    """Take the mediation path (纠纷邻里调).

    The origin's grid handles the matter, with the mediators and evaluators of its community.
    """

    kind: ClassVar[str] = "mediation"

    def to_record(self) -> dict[str, Any]:
        """This action as a JSON-compatible mapping."""
        return {"kind": self.kind}


def _check_report_in(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dt.timedelta) or value <= dt.timedelta(0):
        msg = f"report_in must be a positive timedelta, got {describe(value)}"
        raise _fail(attribute.name, msg)


@attrs.frozen
class Whistle:
    """Blow the whistle at the origin's street (街道吹哨、部门报到).

    The responsible departments must report in within ``report_in``.
    """

    kind: ClassVar[str] = "whistle"
    report_in: dt.timedelta = attrs.field(
        default=dt.timedelta(minutes=30), validator=_check_report_in
    )

    def to_record(self) -> dict[str, Any]:
        """This action as a JSON-compatible mapping (``report_in`` in seconds)."""
        return {"kind": self.kind, "report_in": self.report_in.total_seconds()}


Action: TypeAlias = HandleAt | AssignDepartment | JointOffice | Mediation | Whistle
#: The action classes by record ``kind``.
ACTIONS: dict[str, type[Action]] = {
    cls.kind: cls for cls in (HandleAt, AssignDepartment, JointOffice, Mediation, Whistle)
}


# ---------------------------------------------------------------------- rules


class _BadConditionError(Exception):
    """A condition value that cannot be used; the message says why."""


def _condition(field: str, value: object) -> frozenset[Any] | None:
    """The frozenset a match field holds, parsed from any iterable (or why it cannot be)."""
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        msg = f"{field} must be null (any) or a list, got {describe(value)}"
        raise _BadConditionError(msg)
    items = list(value)
    if not items:
        msg = f"{field} is empty, so the rule could never match; use null for any"
        raise _BadConditionError(msg)
    try:
        if field == "colours":
            return frozenset(Colour.parse(item) for item in items)
        if field == "channels":
            return frozenset(Channel.parse(item) for item in items)
    except InvalidArgumentError as err:
        msg = f"{field}: {err}"
        raise _BadConditionError(msg) from None
    for item in items:
        problem = id_problem(f"each of {field}", item)
        if problem:
            raise _BadConditionError(problem)
    return frozenset(items)


def _converted(field: str, value: object) -> Any:
    try:
        return _condition(field, value)
    except _BadConditionError:
        return value  # the validator reports it


def _codes(value: Iterable[str] | None) -> frozenset[str] | None:
    """A converter: any iterable of codes (a set, a list) as a frozenset."""
    found: frozenset[str] | None = _converted("codes", value)
    return found


def _colours(value: Iterable[Colour | str] | None) -> frozenset[Colour] | None:
    """A converter: colours or their names as a frozenset of colours."""
    found: frozenset[Colour] | None = _converted("colours", value)
    return found


def _channels(value: Iterable[Channel | str] | None) -> frozenset[Channel] | None:
    """A converter: channels or their names as a frozenset of channels."""
    found: frozenset[Channel] | None = _converted("channels", value)
    return found


def _validate(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    try:
        _condition(attribute.name, value)
    except _BadConditionError as err:
        raise _fail(attribute.name, str(err)) from None


def _check_action(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple(ACTIONS.values())):
        kinds = ", ".join(cls.__name__ for cls in ACTIONS.values())
        msg = f"action must be one of {kinds}, got {describe(value)}"
        raise _fail(attribute.name, msg)


@attrs.frozen
class Rule:
    """One row of a rule table: conditions on an issue, and the action taken when all hold.

    Each condition is ``None`` (anything) or a set: ``categories`` (category codes),
    ``colours`` (triage colours), ``tiers`` (the tier of the origin unit), ``tags`` (every one
    must be on the issue), ``channels`` and ``under`` (unit ids: the origin lies in the subtree
    of one of them).
    """

    name: str = attrs.field(validator=_check_name)
    action: Action = attrs.field(validator=_check_action)
    categories: frozenset[str] | None = attrs.field(
        default=None, kw_only=True, converter=_codes, validator=_validate
    )
    colours: frozenset[Colour] | None = attrs.field(
        default=None, kw_only=True, converter=_colours, validator=_validate
    )
    tiers: frozenset[str] | None = attrs.field(
        default=None, kw_only=True, converter=_codes, validator=_validate
    )
    tags: frozenset[str] | None = attrs.field(
        default=None, kw_only=True, converter=_codes, validator=_validate
    )
    channels: frozenset[Channel] | None = attrs.field(
        default=None, kw_only=True, converter=_channels, validator=_validate
    )
    under: frozenset[str] | None = attrs.field(
        default=None, kw_only=True, converter=_codes, validator=_validate
    )

    @classmethod
    def default(cls, action: Action, name: str = "default") -> Rule:
        """A rule without conditions: it matches every issue."""
        return cls(name, action)

    @property
    def is_default(self) -> bool:
        """Whether this rule has no conditions."""
        return all(getattr(self, field) is None for field in CONDITIONS)

    def to_record(self) -> dict[str, Any]:
        """This rule as a JSON-compatible mapping; conditions that are ``None`` are left out."""
        record: dict[str, Any] = {"name": self.name, "action": self.action.to_record()}
        for field in CONDITIONS:
            value = getattr(self, field)
            if value is not None:
                record[field] = sorted(str(item) for item in value)
        return record


# ---------------------------------------------------------------------- the table


def _rules_tuple(value: Iterable[Rule]) -> tuple[Rule, ...]:
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        msg = f"a rule table takes a list of rules, got {describe(value)}"
        raise RuleError([Problem("invalid_table", msg)], subject="rule table")
    return tuple(value)


def structure_problems(rules: Sequence[object], indices: Sequence[int]) -> list[Problem]:
    """What is wrong with the order and names of ``rules`` (found at ``indices``)."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    first_default: int | None = None
    for rule, i in zip(rules, indices, strict=True):
        where = f"rules[{i}]"
        if not isinstance(rule, Rule):
            msg = f"{where}: expected a Rule, got {describe(rule)}"
            problems.append(Problem("invalid_rule", msg, index=i, path=where))
            continue
        if rule.name in seen:
            msg = f"{where}: rule name {rule.name!r} is already used by rules[{seen[rule.name]}]"
            problems.append(Problem("duplicate_rule", msg, index=i, field="name", path=where))
        seen.setdefault(rule.name, i)
        if first_default is not None:
            msg = (
                f"{where}: rule {rule.name!r} can never match: it comes after the default rule "
                f"rules[{first_default}], which matches everything"
            )
            problems.append(Problem("unreachable_rule", msg, index=i, path=where))
        elif rule.is_default:
            first_default = i
    if not rules or not isinstance(rules[-1], Rule) or not rules[-1].is_default:
        last = (
            f"; the last rule is {rules[-1].name!r}"
            if rules and isinstance(rules[-1], Rule)
            else ""
        )
        msg = f"the table needs a default rule (no conditions) as its last rule{last}"
        problems.append(Problem("no_default", msg, path="rules"))
    return problems


@attrs.frozen(repr=False)
class RuleTable(Sequence[Rule]):
    """An ordered rule table: the first rule whose conditions all hold decides.

    The last rule, and only the last, is a default without conditions, so every issue is
    routed. Build one from :class:`Rule` values, :meth:`from_records` or :meth:`standard`.
    """

    rules: tuple[Rule, ...] = attrs.field(converter=_rules_tuple)

    def __attrs_post_init__(self) -> None:
        problems = structure_problems(self.rules, range(len(self.rules)))
        if problems:
            raise RuleError(problems, subject="rule table")

    @classmethod
    def standard(cls, categories: CategoryCatalogue | None = None) -> RuleTable:
        """A sensible built-in table (rules naming categories the catalogue lacks drop them).

        Red matters are whistled at the street; neighbour disputes take the mediation path;
        orange property matters get a joint office; matters that need a department's powers
        (civil assistance, employment, legal services, health, market regulation, education)
        go to the responsible departments; everything else is handled at the tier the colour
        implies, or else at the category's default tier.
        """
        from gridorg._rule_checks import standard_rules

        return cls(standard_rules(DEFAULT_CATEGORIES if categories is None else categories))

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> RuleTable:
        """A table from rule records (as :meth:`to_records` writes them); a
        :class:`~gridorg.RuleError` lists every problem with its path (``rules[3].tags``)."""
        from gridorg._rule_records import table_from_records

        return table_from_records(records)

    def to_records(self) -> list[dict[str, Any]]:
        """The rules as JSON-compatible mappings, in order."""
        return [rule.to_record() for rule in self.rules]

    def check(self, org: Any) -> None:
        """Raise :class:`~gridorg.RuleError` listing every tier, category, department and unit
        the table names that ``org`` lacks, and every rule whose action cannot work there."""
        from gridorg._rule_checks import table_problems

        problems = table_problems(self, org)
        if problems:
            raise RuleError(problems, subject="rule table")

    @property
    def tags(self) -> tuple[str, ...]:
        """Every tag the rules test, sorted."""
        return tuple(sorted({tag for rule in self.rules for tag in rule.tags or ()}))

    @overload
    def __getitem__(self, index: int) -> Rule: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Rule, ...]: ...
    def __getitem__(self, index: int | slice) -> Rule | tuple[Rule, ...]:
        return self.rules[index]

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __repr__(self) -> str:
        names = ", ".join(rule.name for rule in self.rules)
        return f"RuleTable({len(self)} rules: {names})"
