"""Conversions between organisations and records, nested dicts, networkx graphs and columns."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from itertools import repeat
from operator import attrgetter, is_, itemgetter
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from gridorg._build import Raw, build
from gridorg._checks import FORM_CODES
from gridorg._fields import COUNT_FIELDS, FIELDS, MISSING, copy_json, describe
from gridorg._problems import ProblemLog
from gridorg.errors import ArgumentTypeError, missing_dependency
from gridorg.tiers import FORMS, LevelScheme
from gridorg.units import Unit

if TYPE_CHECKING:
    import networkx as nx

    from gridorg.hierarchy import Organisation

_FIELD_SET = frozenset(FIELDS)
_OPTIONAL = ("name", "form", "parent", *COUNT_FIELDS)


def _organisation(raw: Raw, scheme: LevelScheme, name: str, log: ProblemLog) -> Organisation:
    from gridorg.hierarchy import Organisation

    return Organisation(build(raw, scheme, log), scheme, name)


def _unknown_field_text(key: object, allowed: Iterable[str]) -> str:
    text = f"unknown field {key!r}"
    if isinstance(key, str):
        close = difflib.get_close_matches(key, list(allowed), n=1)
        if close:
            text += f" (did you mean {close[0]!r}?)"
    return text + f"; fields are {', '.join(allowed)}"


# ---------------------------------------------------------------------- records


def from_records(
    records: Iterable[Mapping[str, Any] | Unit], scheme: LevelScheme, name: str
) -> Organisation:
    if isinstance(records, Mapping | str | bytes) or not isinstance(records, Iterable):
        msg = f"records must be an iterable of mappings or Units, got {type(records).__name__}" + (
            " (for one nested tree use Organisation.from_nested)"
            if isinstance(records, Mapping)
            else ""
        )
        raise ArgumentTypeError(msg)
    rows = records if isinstance(records, list) else list(records)
    log = ProblemLog("organisation records", "record")
    return _organisation(records_to_raw(rows, log, scheme=scheme), scheme, name, log)


def records_to_raw(
    rows: list[Any],
    log: ProblemLog,
    *,
    allowed: frozenset[str] = _FIELD_SET,
    scheme: LevelScheme | None = None,
) -> Raw:
    """Columns from a list of record mappings and/or Units; bad rows are logged."""
    kinds = set(map(type, rows))
    if kinds == {Unit}:
        return _units_to_raw(rows)
    if Unit in kinds or not all(issubclass(k, Mapping) for k in kinds):
        converted: list[Any] = []
        for i, row in enumerate(rows):
            if isinstance(row, Unit):
                converted.append(row.to_record())
            elif isinstance(row, Mapping):
                converted.append(row)
            else:
                log.add(
                    "invalid_record",
                    f"must be a mapping or a Unit, got {describe(row)}",
                    index=i,
                    record=True,
                )
                converted.append({"id": MISSING, "tier": MISSING})
        rows = converted
    fast = _uniform_rows(rows, allowed, scheme)
    if fast is not None:
        return fast
    keys: set[Any] = set().union(*rows) if rows else set()
    ids = _extract(rows, "id", MISSING)
    tiers = _extract(rows, "tier", MISSING)
    if _holds_missing(ids) or _holds_missing(tiers):
        for i, row in enumerate(rows):
            uid = row.get("id")
            for field in ("id", "tier"):
                if field not in row:
                    log.add(
                        "missing_field",
                        f"missing required field {field!r}",
                        index=i,
                        uid=uid if isinstance(uid, str) else None,
                        field=field,
                        record=True,
                    )
    if not keys <= allowed:
        for i, row in enumerate(rows):
            uid = row.get("id")
            for key in row:
                if key not in allowed:
                    log.add(
                        "unknown_field",
                        _unknown_field_text(key, FIELDS),
                        index=i,
                        uid=uid if isinstance(uid, str) else None,
                        field=str(key),
                        record=True,
                    )
    present = {
        field: _extract(rows, field, default) if field in keys else None
        for field, default in (
            ("name", ""),
            ("form", None),
            ("parent", None),
            ("households", 0),
            ("party_members", 0),
            ("gridders", 0),
        )
    }
    attributes = (
        {i: r["attributes"] for i, r in enumerate(rows) if "attributes" in r}
        if "attributes" in keys
        else {}
    )
    return Raw(
        ids=ids,
        tiers=tiers,
        parents=present["parent"] if present["parent"] is not None else [None] * len(rows),
        names=present["name"],
        forms=present["form"],
        households=present["households"],
        party_members=present["party_members"],
        gridders=present["gridders"],
        attributes=attributes,
    )


def _code_mapping(field: str, scheme: LevelScheme | None) -> dict[Any, int] | None:
    if field == "tier" and scheme is not None:
        return {name: code for code, name in enumerate(scheme.names)}
    if field == "form":
        return FORM_CODES
    return None


def _uniform_rows(
    rows: list[Any], allowed: frozenset[str], scheme: LevelScheme | None
) -> Raw | None:
    """Columns for the common case, in one pass per field: every row has the same fields.

    If the first row's fields are all known and every row has each of them and no more
    (same length), no other check is needed; otherwise ``None`` and the general path runs.
    """
    if not rows or type(rows[0]) is not dict:
        return None
    fields = list(rows[0])
    if "id" not in fields or "tier" not in fields or not set(fields) <= allowed:
        return None
    if set(map(len, rows)) != {len(fields)}:
        return None
    count = len(rows)
    columns: dict[str, Any] = {}
    try:
        for field in fields:
            mapping = _code_mapping(field, scheme)
            if mapping is not None:
                # Names become codes in the same pass; unknown names fall back to a list so
                # that the builder can report them.
                try:
                    codes = map(mapping.__getitem__, map(itemgetter(field), rows))
                    columns[field] = np.fromiter(codes, np.int8, count)
                    continue
                except (KeyError, TypeError):
                    pass
            columns[field] = list(map(itemgetter(field), rows))
    except KeyError:
        return None
    attributes: dict[int, Any] = {}
    if "attributes" in columns:
        attributes = {i: v for i, v in enumerate(columns.pop("attributes")) if v is not None}
    return Raw(
        ids=columns["id"],
        tiers=columns["tier"],
        parents=columns.get("parent", [None] * len(rows)),
        names=columns.get("name"),
        forms=columns.get("form"),
        households=columns.get("households"),
        party_members=columns.get("party_members"),
        gridders=columns.get("gridders"),
        attributes=attributes,
    )


def _holds_missing(values: list[Any]) -> bool:
    """Whether any value is the MISSING marker (by identity: values may not compare)."""
    return bool(np.fromiter(map(is_, values, repeat(MISSING)), np.bool_, len(values)).any())


def _extract(rows: list[Any], field: str, default: Any) -> list[Any]:
    """The values of ``field`` in every row (``default`` where absent)."""
    try:
        return list(map(itemgetter(field), rows))
    except KeyError:
        return [r.get(field, default) for r in rows]


def _units_to_raw(units: list[Unit]) -> Raw:
    def column(field: str) -> list[Any]:
        return list(map(attrgetter(field), units))

    return Raw(
        ids=column("id"),
        tiers=column("tier"),
        parents=column("parent"),
        names=column("name"),
        forms=column("form"),
        households=column("households"),
        party_members=column("party_members"),
        gridders=column("gridders"),
        attributes={i: u.attributes for i, u in enumerate(units) if u.attributes},
    )


def _plain_columns(org: Organisation) -> dict[str, list[Any]]:
    p = org._parts
    ids = p.ids.tolist()
    parent = p.parent.tolist()
    tier_names = org.scheme.names
    form_values: list[str | None] = [None, *(f.value for f in FORMS)]
    return {
        "id": ids,
        "name": p.names.tolist(),
        "tier": list(map(tier_names.__getitem__, p.tier.tolist())),
        "form": list(map(form_values.__getitem__, (p.form + 1).tolist())),
        "parent": [ids[k] if k >= 0 else None for k in parent],
        "households": p.households.tolist(),
        "party_members": p.party_members.tolist(),
        "gridders": p.gridders.tolist(),
    }


def to_records(org: Organisation) -> list[dict[str, Any]]:
    cols = _plain_columns(org)
    records = [
        {
            "id": uid,
            "name": name,
            "tier": tier,
            "form": form,
            "parent": parent,
            "households": hh,
            "party_members": pm,
            "gridders": gr,
        }
        for uid, name, tier, form, parent, hh, pm, gr in zip(
            cols["id"],
            cols["name"],
            cols["tier"],
            cols["form"],
            cols["parent"],
            cols["households"],
            cols["party_members"],
            cols["gridders"],
            strict=True,
        )
    ]
    for k, value in org._parts.attributes.items():
        records[k]["attributes"] = copy_json(value)
    return records


# ---------------------------------------------------------------------- nested


def from_nested(
    data: Mapping[str, Any] | Sequence[Mapping[str, Any]], scheme: LevelScheme, name: str
) -> Organisation:
    if isinstance(data, Mapping):
        roots: list[Any] = [data]
        prefix = "$"
        single = True
    elif isinstance(data, Sequence) and not isinstance(data, str | bytes):
        roots = list(data)
        prefix = "$"
        single = False
    else:
        msg = f"nested data must be a mapping or a list of mappings, got {type(data).__name__}"
        raise ArgumentTypeError(msg)
    rows: list[Any] = []
    paths: list[str] = []
    parents: list[Any] = []
    log = ProblemLog("nested organisation", "node", path=lambda i, f: _field_path(paths[i], f))
    stack: list[tuple[Any, str, Any]] = [
        (node, prefix if single else f"{prefix}[{i}]", None) for i, node in enumerate(roots)
    ]
    stack.reverse()
    allowed = _FIELD_SET - {"parent"} | {"children"}
    while stack:
        node, path, parent_id = stack.pop()
        index = len(rows)
        paths.append(path)
        if not isinstance(node, Mapping):
            log.add(
                "invalid_record",
                f"must be a mapping, got {describe(node)}",
                index=index,
                record=True,
            )
            rows.append({"id": MISSING, "tier": MISSING})
            parents.append(None)
            continue
        record = {k: v for k, v in node.items() if k != "children"}
        if "parent" in node:
            uid = node.get("id")
            log.add(
                "unknown_field",
                "nested nodes take no 'parent' field: the nesting gives it",
                index=index,
                uid=uid if isinstance(uid, str) else None,
                field="parent",
                record=True,
            )
            record.pop("parent")
        rows.append(record)
        parents.append(parent_id)
        children = node.get("children", [])
        if not isinstance(children, list | tuple):
            log.add(
                "invalid_children",
                f"children must be a list, got {describe(children)}",
                index=index,
                field="children",
                record=True,
            )
            continue
        own_id = node.get("id")
        stack.extend(
            (child, f"{path}.children[{j}]", own_id)
            for j, child in reversed(list(enumerate(children)))
        )
    for i, row in enumerate(rows):
        for key in [k for k in row if k not in allowed]:
            log.add(
                "unknown_field",
                _unknown_field_text(key, sorted(allowed)),
                index=i,
                field=str(key),
                record=True,
            )
            row.pop(key)
    raw = records_to_raw(rows, log)
    raw.parents = parents
    return _organisation(raw, scheme, name, log)


def _field_path(path: str, field: str | None) -> str:
    return f"{path}.{field}" if field else path


def to_nested(org: Organisation) -> list[dict[str, Any]]:
    records = to_records(org)
    parent = org._parts.parent.tolist()
    roots: list[dict[str, Any]] = []
    for k, record in enumerate(records):
        del record["parent"]
        up = parent[k]
        if up < 0:
            roots.append(record)
        else:
            records[up].setdefault("children", []).append(record)
    return roots


# ---------------------------------------------------------------------- networkx


def from_networkx(
    graph: nx.DiGraph[Any], scheme: LevelScheme | None, name: str | None
) -> Organisation:
    import networkx as nx

    from gridorg.hierarchy import _name, _scheme

    if not isinstance(graph, nx.DiGraph) or graph.is_multigraph():
        msg = f"from_networkx needs a networkx.DiGraph, got {type(graph).__name__}"
        raise ArgumentTypeError(msg)
    log = ProblemLog("networkx graph", "node")
    unknown_graph = set(graph.graph) - {"scheme", "name"}
    for key in sorted(map(str, unknown_graph)):
        log.add(
            "unknown_field",
            f"unknown graph attribute {key!r}; graph attributes are scheme and name",
            field=key,
            record=True,
        )
    chosen_scheme = _scheme(scheme if scheme is not None else graph.graph.get("scheme"))
    chosen_name = _name(name if name is not None else graph.graph.get("name", ""))
    nodes = list(graph.nodes)
    rows: list[dict[str, Any]] = []
    parents: list[Any] = []
    allowed = _FIELD_SET - {"id", "parent"}
    pred = graph.pred
    for i, node in enumerate(nodes):
        data = graph.nodes[node]
        uid = node if isinstance(node, str) else None
        for key in data:
            if key not in allowed:
                log.add(
                    "unknown_field",
                    _unknown_field_text(key, sorted(allowed)),
                    index=i,
                    uid=uid,
                    field=str(key),
                    record=True,
                )
        ups = list(pred[node])
        if len(ups) > 1:
            log.add(
                "several_parents",
                f"has {len(ups)} parents ({', '.join(map(repr, ups))}); a tree allows one",
                index=i,
                uid=uid,
                field="parent",
            )
        for up in ups:
            if pred[node][up]:
                log.add(
                    "edge_data",
                    f"edge from {up!r} carries data {dict(pred[node][up])!r}; "
                    "organisation edges carry none",
                    index=i,
                    uid=uid,
                    field="parent",
                    record=True,
                )
        rows.append({"id": node, **{k: v for k, v in data.items() if k in allowed}})
        parents.append(ups[0] if ups else None)
    raw = records_to_raw(rows, log)
    raw.parents = parents
    return _organisation(raw, chosen_scheme, chosen_name, log)


def to_networkx(org: Organisation) -> nx.DiGraph[str]:
    import networkx as nx

    graph: nx.DiGraph[str] = nx.DiGraph(scheme=org.scheme, name=org.name)
    records = to_records(org)
    graph.add_nodes_from((r.pop("id"), r) for r in records)
    ids = org._parts.ids.tolist()
    graph.add_edges_from(
        (ids[up], ids[k]) for k, up in enumerate(org._parts.parent.tolist()) if up >= 0
    )
    for data in graph.nodes.values():
        del data["parent"]
    return graph


# ---------------------------------------------------------------------- columns


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def _column(value: Any) -> Any:
    if hasattr(value, "to_numpy") and not isinstance(value, np.ndarray):
        value = value.to_numpy()
    if isinstance(value, np.ndarray):
        if value.ndim != 1:
            msg = f"columns must be one-dimensional, got shape {value.shape}"
            raise ArgumentTypeError(msg)
        return value
    if isinstance(value, str | bytes | Mapping | AbstractSet) or not isinstance(value, Iterable):
        msg = (
            f"a column must be an array or a sequence (in unit order), got {type(value).__name__}"
        )
        raise ArgumentTypeError(msg)
    listed = value if isinstance(value, list) else list(value)
    if listed and set(map(type, listed)) == {int}:
        try:
            return np.array(listed, dtype=np.int64)  # codes or positions: the integer fast path
        except OverflowError:  # beyond 64 bits: the builder reports each value
            return listed
    return listed


def _nullable(values: Any) -> Any:
    """Missing values (None, NaN, pandas NA) become None in string-or-missing columns."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        return values
    listed = values.tolist() if isinstance(values, np.ndarray) else values
    if any(not isinstance(v, str) for v in listed):
        return [None if _is_missing(v) else v for v in listed]
    return listed


def from_columns(columns: Any, scheme: LevelScheme, name: str) -> Organisation:
    if isinstance(columns, Mapping):
        names = list(columns)
        getter = columns.__getitem__
    elif hasattr(columns, "columns") and hasattr(columns, "__getitem__"):
        names = [str(c) for c in columns.columns]
        getter = columns.__getitem__
    else:
        msg = (
            "columns must be a mapping of column name to array, or a DataFrame-like, "
            f"got {type(columns).__name__}"
        )
        raise ArgumentTypeError(msg)
    log = ProblemLog("organisation columns", "row")
    for key in names:
        if key not in _FIELD_SET:
            log.add(
                "unknown_field",
                _unknown_field_text(key, FIELDS).replace("field", "column", 1),
                field=str(key),
                record=True,
            )
    for key in ("id", "tier"):
        if key not in names:
            log.add("missing_field", f"missing required column {key!r}", field=key, record=True)
    log.raise_if_any()
    data = {key: _column(getter(key)) for key in names}
    count = len(data["id"])
    attributes_column = data.get("attributes")
    attributes: dict[int, Any] = {}
    if attributes_column is not None:
        listed = (
            attributes_column.tolist()
            if isinstance(attributes_column, np.ndarray)
            else attributes_column
        )
        if len(listed) != count:
            text = f"column attributes has {len(listed)} values, expected {count} (one per id)"
            log.add("column_length", text, field="attributes", record=True)
            log.raise_if_any()
        attributes = {i: v for i, v in enumerate(listed) if not _is_missing(v)}
    raw = Raw(
        ids=data["id"],
        tiers=data["tier"],
        parents=_nullable(data["parent"]) if "parent" in data else [None] * count,
        names=data.get("name"),
        forms=_nullable(data["form"]) if "form" in data else None,
        households=data.get("households"),
        party_members=data.get("party_members"),
        gridders=data.get("gridders"),
        attributes=attributes,
    )
    return _organisation(raw, scheme, name, log)


def to_columns(org: Organisation) -> dict[str, npt.NDArray[Any]]:
    cols = _plain_columns(org)
    result: dict[str, npt.NDArray[Any]] = {}
    for key in ("id", "name", "tier", "form", "parent"):
        array = np.empty(len(org), dtype=object)
        array[:] = cols[key]
        result[key] = array
    for key in COUNT_FIELDS:
        result[key] = np.array(getattr(org._parts, key), dtype=np.int64)
    attributes = np.full(len(org), None, dtype=object)
    for k, value in org._parts.attributes.items():
        attributes[k] = copy_json(value)
    result["attributes"] = attributes
    return result


def to_pandas(org: Organisation) -> Any:
    try:
        import pandas as pd
    except ImportError:
        error = missing_dependency("pandas", "dataframe", "Organisation.to_pandas")
        raise error from None
    columns = to_columns(org)
    return pd.DataFrame(
        {k: v for k, v in columns.items() if k != "id"}, index=pd.Index(columns["id"], name="id")
    )
