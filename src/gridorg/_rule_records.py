"""Reading rule tables from JSON-compatible records, reporting every problem with its path."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from gridorg._fields import describe, id_problem
from gridorg._rules import (
    ACTIONS,
    CONDITIONS,
    Action,
    Rule,
    RuleTable,
    _BadConditionError,
    _condition,
    structure_problems,
)
from gridorg.errors import Problem, RuleError

_RULE_KEYS = ("name", "action", *CONDITIONS)


def _problem(code: str, where: str, message: str, index: int, field: str | None) -> Problem:
    return Problem(code, f"{where}: {message}", index=index, field=field, path=where)


def _seconds(value: object) -> object:
    """A record's ``report_in`` (seconds) as a timedelta; anything else as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return dt.timedelta(seconds=value)
    return value


def _action(record: object, where: str, index: int) -> tuple[Action | None, list[Problem]]:
    if not isinstance(record, Mapping):
        msg = f"an action must be a mapping with a 'kind', got {describe(record)}"
        return None, [_problem("invalid_action", where, msg, index, "action")]
    kinds = ", ".join(ACTIONS)
    if "kind" not in record:
        msg = f"the action has no kind; kinds are {kinds}"
        return None, [_problem("missing_field", f"{where}.kind", msg, index, "kind")]
    kind = record["kind"]
    cls = ACTIONS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        msg = f"unknown action kind {kind!r}; kinds are {kinds}"
        return None, [_problem("unknown_action", f"{where}.kind", msg, index, "kind")]
    fields = {a.name for a in attrs.fields(cls)}
    values = {key: value for key, value in record.items() if key != "kind"}
    if cls.kind == "whistle" and "report_in" in values:
        values["report_in"] = _seconds(values["report_in"])
    problems: list[Problem] = []
    for key, value in values.items():
        if key not in fields:
            allowed = ", ".join(sorted(fields)) or "none"
            msg = f"unknown field {key!r} for action {kind!r}; its fields are {allowed}"
            problems.append(_problem("unknown_field", f"{where}.{key}", msg, index, str(key)))
            continue
        try:
            cls(**{key: value})
        except RuleError as err:
            shown = record[key]
            msg = err.problems[0].message
            if key == "report_in" and not isinstance(shown, dt.timedelta):
                msg = f"report_in must be a positive number of seconds, got {describe(shown)}"
            problems.append(_problem("invalid_field", f"{where}.{key}", msg, index, key))
    if problems:
        return None, problems
    return cls(**values), []


def _rule(record: object, index: int) -> tuple[Rule | None, list[Problem]]:
    where = f"rules[{index}]"
    if not isinstance(record, Mapping):
        msg = f"a rule must be a mapping, got {describe(record)}"
        return None, [_problem("invalid_rule", where, msg, index, None)]
    problems: list[Problem] = []
    for key in record:
        if key not in _RULE_KEYS:
            msg = f"unknown field {key!r}; rule fields are {', '.join(_RULE_KEYS)}"
            problems.append(_problem("unknown_field", f"{where}.{key}", msg, index, str(key)))
    for key in ("name", "action"):
        if key not in record:
            msg = f"{key} is required"
            problems.append(_problem("missing_field", f"{where}.{key}", msg, index, key))
    name = record.get("name")
    if "name" in record:
        bad = id_problem("name", name)
        if bad:
            problems.append(_problem("invalid_field", f"{where}.name", bad, index, "name"))
    action: Action | None = None
    if "action" in record:
        action, found = _action(record["action"], f"{where}.action", index)
        problems.extend(found)
    conditions: dict[str, Any] = {}
    for field in CONDITIONS:
        try:
            conditions[field] = _condition(field, record.get(field))
        except _BadConditionError as err:
            problems.append(_problem("invalid_field", f"{where}.{field}", str(err), index, field))
    if problems or action is None or not isinstance(name, str):
        return None, problems
    return Rule(name, action, **conditions), []


def table_from_records(records: Iterable[Mapping[str, Any]]) -> RuleTable:
    """The table the records describe; a :class:`RuleError` lists every problem at once."""
    if isinstance(records, str | bytes | Mapping) or not isinstance(records, Iterable):
        msg = f"rules: a rule table is a list of rule records, got {describe(records)}"
        raise RuleError([Problem("invalid_table", msg, path="rules")], subject="rule table")
    items = list(records)
    problems: list[Problem] = []
    rules: list[Rule] = []
    indices: list[int] = []
    for i, record in enumerate(items):
        rule, found = _rule(record, i)
        problems.extend(found)
        if rule is not None:
            rules.append(rule)
            indices.append(i)
    structural = structure_problems(rules, indices)
    if items and (not indices or indices[-1] != len(items) - 1):
        # The last record could not be read: whether it is a default is unknown.
        structural = [p for p in structural if p.code != "no_default"]
    problems.extend(structural)
    if problems:
        raise RuleError(problems, subject="rule table")
    return RuleTable(rules)
