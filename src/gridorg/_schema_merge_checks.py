"""The checks of merging documents that the models cannot make, and problems at JSON paths.

Part of the document format of multi-network merging (:mod:`gridorg._schema_merge`): the
columns' lengths and the assignment against the base units and the grids, pydantic's errors
translated into problems, and the problems of :meth:`BaseLayer.from_records
<gridorg.BaseLayer.from_records>` and :func:`~gridorg.networks.resolve` placed at the JSON
paths of the values at fault.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pydantic

from gridorg._fields import MAX_COUNT
from gridorg._problems import MAX_PROBLEMS
from gridorg._schema_errors import json_path, show
from gridorg._schema_links import bad_coordinate
from gridorg._schema_paths import VERSION as VERSION  # noqa: PLC0414
from gridorg._schema_paths import check_version as check_version  # noqa: PLC0414
from gridorg._schema_paths import expected_id, expected_text, unknown_field, unlisted
from gridorg.errors import Problem
from gridorg.networks import BaseLayer

if TYPE_CHECKING:
    from gridorg._schema_merge import BaseLayerSpec, MergeDocument, NetworkRecord

#: A location in a document: member names and array positions.
Path = tuple[str | int, ...]


# ---------------------------------------------------------------------- checks


def shape_problems(document: Mapping[str, Any], *, merge: bool) -> list[Problem]:
    """Columns of unequal length, a location with one coordinate, an assignment that does not
    fit the base units or the grids: what the models cannot see."""
    prefix: Path = ("base",) if merge else ()
    body = document.get("base") if merge else document
    if not isinstance(body, Mapping):
        return []
    problems = _column_problems(body.get("units"), (*prefix, "units"))
    ends = body.get("adjacency")
    if isinstance(ends, Mapping) and isinstance(ends.get("from"), list):
        problems += column_lengths(ends, ("to",), "from", (*prefix, "adjacency"))
    if merge:
        units = body.get("units")
        ids = units.get("id") if isinstance(units, Mapping) else None
        problems += _assignment_problems(document, ids if isinstance(ids, list) else None)
    return problems


def column_lengths(
    columns: Mapping[str, Any], names: tuple[str, ...], key: str, at: Path
) -> list[Problem]:
    """Problems for the columns ``names`` at ``at`` whose length differs from that of ``key``."""
    count = len(columns[key])
    problems = []
    for name in names:
        column = columns.get(name)
        if isinstance(column, list) and len(column) != count:
            path = json_path((*at, name))
            text = (
                f"{path}: has {len(column)} values, expected {count} "
                f"(one per id in {json_path((*at, key))})"
            )
            problems.append(Problem("column_length", text, field=name, path=path))
    return problems


def _column_problems(units: object, at: Path) -> list[Problem]:
    if not isinstance(units, Mapping) or not isinstance(units.get("id"), list):
        return []
    problems = column_lengths(units, ("community", "households", "x", "y"), "id", at)
    given = [name for name in ("x", "y") if name in units]
    if len(given) == 1:
        other = "y" if given == ["x"] else "x"
        path = json_path((*at, other))
        text = f"{path}: missing; x and y come together, and {json_path((*at, given[0]))} is given"
        problems.append(Problem("missing_field", text, field=other, path=path))
    xs, ys, ids = units.get("x"), units.get("y"), units["id"]
    if isinstance(xs, list) and isinstance(ys, list) and len(xs) == len(ys):
        for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
            if (x is None) != (y is None):
                name = "x" if x is None else "y"
                uid = ids[i] if i < len(ids) and isinstance(ids[i], str) else None
                path = json_path((*at, name, i))
                who = f"base unit {uid!r} ({path})" if uid else path
                text = f"{who}: a location needs both x and y, and {name} is null"
                problems.append(Problem("invalid_location", text, uid, i, name, path))
    return problems


def _assignment_problems(document: Mapping[str, Any], ids: list[Any] | None) -> list[Problem]:
    assignment = document.get("assignment")
    if not isinstance(assignment, list):
        return []
    problems = []
    if ids is not None and len(assignment) != len(ids):
        text = (
            f"$.assignment: has {len(assignment)} values, expected {len(ids)} "
            "(one per base unit in $.base.units.id)"
        )
        problems.append(
            Problem("assignment_length", text, field="assignment", path="$.assignment")
        )
    grids = document.get("grid_ids")
    if isinstance(grids, list):
        for k, g in enumerate(assignment):
            if type(g) is int and g >= len(grids):
                uid = ids[k] if ids is not None and k < len(ids) else None
                path = f"$.assignment[{k}]"
                who = f"base unit {uid!r} ({path})" if isinstance(uid, str) else path
                text = f"{who}: grid position {g} is out of range; $.grid_ids has {len(grids)} ids"
                problems.append(Problem("assignment_range", text, uid, k, "assignment", path))
                if len(problems) >= MAX_PROBLEMS:
                    break
    return problems


def result_problems(model: MergeDocument) -> list[Problem]:
    """Grid ids listed twice or holding no unit, reasons for grids that do not exist, bounds
    that contradict each other."""
    problems = []
    first: dict[str, int] = {}
    for g, grid in enumerate(model.grid_ids):
        if grid in first:
            path = f"$.grid_ids[{g}]"
            text = f"{path}: grid id {grid!r} is listed twice (first at $.grid_ids[{first[grid]}])"
            problems.append(Problem("duplicate_grid", text, index=g, field="grid_ids", path=path))
        first.setdefault(grid, g)
    held = np.bincount(np.asarray(model.assignment, dtype=np.int64), minlength=len(model.grid_ids))
    for g in np.flatnonzero(held == 0).tolist():
        path = f"$.grid_ids[{g}]"
        text = f"{path}: grid {model.grid_ids[g]!r} holds no base unit (no $.assignment is {g})"
        problems.append(Problem("empty_grid", text, index=g, field="grid_ids", path=path))
    for grid in model.infeasible:
        if grid not in first:
            path = json_path(("infeasible", grid))
            text = f"{path}: {grid!r} is not a grid of $.grid_ids"
            problems.append(Problem("unknown_grid", text, field="infeasible", path=path))
    low, high = model.bounds.min_households, model.bounds.max_households
    if low > high:
        path = "$.bounds.min_households"
        text = f"{path}: {low:,} is greater than max_households ({high:,})"
        problems.append(Problem("invalid_bounds", text, field="min_households", path=path))
    elif high == 0:
        path = "$.bounds.max_households"
        text = f"{path}: must be positive, got 0"
        problems.append(Problem("invalid_bounds", text, field="max_households", path=path))
    return problems[:MAX_PROBLEMS]


class BasePaths:
    """A base layer's problem (from :meth:`BaseLayer.from_records`) placed at its JSON path."""

    def __init__(self, model: BaseLayerSpec, prefix: Path) -> None:
        self.units = model.units
        self.ends = model.adjacency
        self.prefix = prefix
        self.known = set(model.units.id)
        self.placed_from: set[int] = set()

    def __call__(self, problem: Problem) -> Problem:
        field, i = problem.field, problem.index
        at: Path = (*self.prefix, "units")
        if field == "adjacency" and i is not None:
            at = (*self.prefix, "adjacency")
            field = "to"
            first_unknown = self.ends.from_[i] not in self.known and i not in self.placed_from
            if problem.code == "unknown_unit" and first_unknown:
                field = "from"
                self.placed_from.add(i)
            at = (*at, field, i)
        elif field == "location" and i is not None:
            x, y = self.units.x[i], self.units.y[i]
            field = bad_coordinate(float(x or 0.0), float(y or 0.0), self.units.crs) or "x"
            at = (*at, field, i)
        elif field is not None and i is not None:
            at = (*at, field, i)
        path = json_path(at)
        named = f"base unit {problem.unit!r}: "
        if problem.unit is not None and problem.message.startswith(named):
            message = f"base unit {problem.unit!r} ({path}): {problem.message[len(named) :]}"
        else:
            message = f"{path}: {problem.message}"
        return Problem(problem.code, message, problem.unit, i, field, path)


def network_paths(
    problems: Sequence[Problem], records: Sequence[NetworkRecord], base: BaseLayer
) -> list[Problem]:
    """The problems of :func:`~gridorg.networks.resolve`, each placed at its JSON path.

    ``resolve`` reports the unknown units of a cell in the cell's order, so the k-th problem
    about a cell is about its k-th unknown unit.
    """
    seen: dict[tuple[int, str], int] = {}
    placed = []
    for problem in problems:
        n = problem.index if problem.index is not None else 0
        at: Path = ("networks", n, "kind")
        cell = problem.field
        if problem.code == "unknown_unit" and cell is not None:
            unknown = [i for i, uid in enumerate(records[n].cells[cell]) if uid not in base]
            k = seen.get((n, cell), 0)
            seen[(n, cell)] = k + 1
            at = ("networks", n, "cells", cell, unknown[min(k, len(unknown) - 1)])
        path = json_path(at)
        message = f"{path}: {problem.message}"
        placed.append(Problem(problem.code, message, problem.unit, n, str(at[2]), path))
    return placed


# ---------------------------------------------------------------------- errors


_CODES: Final = {
    "id": "invalid_id",
    "community": "invalid_community",
    "households": "invalid_households",
    "crs": "unknown_crs",
    "x": "invalid_coordinate",
    "y": "invalid_coordinate",
    "from": "invalid_end",
    "to": "invalid_end",
    "kind": "invalid_kind",
    "name": "invalid_name",
    "cells": "invalid_cells",
    "method": "invalid_method",
    "grid_ids": "invalid_grid_id",
    "assignment": "invalid_assignment",
    "infeasible": "invalid_infeasible",
    "units": "invalid_units",
    "adjacency": "invalid_adjacency",
    "base": "invalid_base",
    "networks": "invalid_networks",
    "bounds": "invalid_bounds",
    "report": "invalid_report",
}
#: Members whose object keys are names chosen by the document (cell ids, grid ids).
_KEYED: Final = frozenset({"cells", "infeasible"})


def _names(parts: Path) -> list[str]:
    """The field names along a location, stopping at a member whose keys are chosen names."""
    names: list[str] = []
    for part in parts:
        if isinstance(part, str):
            names.append(part)
            if part in _KEYED:
                break
    return names


def translate(
    err: pydantic.ValidationError,
    document: Mapping[str, Any],
    allowed: Mapping[str, tuple[str, ...]],
) -> list[Problem]:
    """pydantic's errors as problems, each with the JSON path of its value.

    ``allowed`` names the fields of each kind of object, by the member holding it (``""`` for
    the document itself), for the suggestions in messages about unknown fields.
    """
    problems = []
    errors = err.errors(include_url=False)
    for found in errors[:MAX_PROBLEMS]:
        error: Mapping[str, Any] = found
        parts: Path = tuple(error["loc"])
        is_key = bool(parts) and parts[-1] == "[key]"
        if is_key:
            parts = parts[:-1]
        if error["type"] == "missing" and parts and isinstance(parts[-1], int):
            # An item missing from a fixed-length array (the report's sizes): the array is short.
            parts = parts[:-1]
            error = {**error, "type": "too_short"}
        names = _names(parts)
        field = names[-1] if names else None
        path = json_path(parts)
        uid, index = _unit_at(parts, document)
        who = f"base unit {uid!r} ({path})" if uid is not None else path
        problems.append(
            Problem(
                _code(error, names),
                f"{who}: {_text(error, names, is_key, allowed)}",
                uid,
                index,
                field,
                path,
            )
        )
    return problems + unlisted(len(errors))


def _unit_at(parts: Path, document: Mapping[str, Any]) -> tuple[str | None, int | None]:
    """The base unit a location in the units' columns points at, and its position."""
    index = parts[-1] if parts and isinstance(parts[-1], int) else None
    at = 1 if parts[:1] == ("base",) else 0
    if index is None or parts[at : at + 1] != ("units",) or len(parts) != at + 3:
        return None, index
    body = document.get("base") if at else document
    units = body.get("units") if isinstance(body, Mapping) else None
    ids = units.get("id") if isinstance(units, Mapping) else None
    if parts[at + 1] != "id" and isinstance(ids, list) and index < len(ids):
        uid = ids[index]
        return (uid if isinstance(uid, str) and uid else None), index
    return None, index


def _code(error: Mapping[str, Any], names: list[str]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "missing_field"
    if kind == "extra_forbidden":
        return "unknown_field"
    if kind in ("invalid_kind", "invalid_cell"):
        return str(kind)
    if names and names[0] in ("report", "bounds"):
        return _CODES[names[0]]
    for name in reversed(names):
        if name in _CODES:
            return _CODES[name]
    return "invalid_value"


def _text(
    error: Mapping[str, Any],
    names: list[str],
    is_key: bool,
    fields: Mapping[str, tuple[str, ...]],
) -> str:
    kind = error["type"]
    value = error.get("input")
    field = names[-1] if names else "value"
    if kind == "missing":
        return f"required field {error['loc'][-1]!r} is missing"
    if kind == "extra_forbidden":
        allowed = fields.get(names[-2] if len(names) > 1 else "", ())
        return unknown_field(error["loc"][-1], allowed) + f"; fields are {', '.join(allowed)}"
    if kind in ("invalid_kind", "invalid_cell"):
        return str(error["msg"])
    if is_key:
        return f"object key must be a string, got {show(value)}"
    if kind in ("int_type", "greater_than_equal"):
        return f"expected a non-negative integer, got {show(value)}"
    if kind == "less_than_equal":
        return f"{field} is absurdly large: {value} exceeds the limit of {MAX_COUNT:,}"
    if kind == "string_pattern_mismatch":
        return expected_id(value)
    if kind in ("too_short", "too_long"):
        return f"expected 3 numbers [min, median, max], got {show(value)}"
    return expected_text(error)
