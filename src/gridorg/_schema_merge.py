"""The documents of multi-network merging (多网合一): base layers, functional networks, results.

Part of the document format (:mod:`gridorg.schema`), kept apart so that each module stays about
one thing. Each document is ``{"format": ..., "version": 1, ...}``:

* ``gridorg.base_layer``: ``units``, the base units as equal-length columns ``id``,
  ``community`` and ``households``, with optional ``x`` and ``y`` (``null`` for a unit without
  a location) in the coordinate system ``crs``; and ``adjacency``, the adjacent pairs as two
  equal-length arrays of unit ids, ``from`` and ``to``.
* ``gridorg.networks``: ``networks``, a list of functional networks, each with its ``kind``
  (distinct), ``name`` and ``cells`` (an object from cell id to the ids of the base units the
  cell covers).
* ``gridorg.merge``: a merge result: ``method``, ``bounds`` (``min_households`` and
  ``max_households``), ``base`` (a base layer's ``units`` and ``adjacency``), ``networks``,
  ``grid_ids``, ``assignment`` (for every base unit, in order, the position of its grid in
  ``grid_ids``), ``infeasible`` (grid id to why the grid is outside the bounds) and ``report``
  (the figures of :class:`~gridorg.MergeReport` but the method, which is at the top).

Loading checks the shape first: the strict models below, the columns' lengths, and the
assignment against the base units and the grids; problems raise :class:`~gridorg.SchemaError`.
Then the base layer is built by :meth:`BaseLayer.from_records <gridorg.BaseLayer.from_records>`
and the networks are resolved against it by the same code the merge uses; problems (ids listed
twice, adjacency or cells naming units that do not exist, network kinds listed twice) raise
:class:`~gridorg.NetworkError`. Every problem carries the JSON path of the value at fault.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, cast

import numpy as np
import pydantic
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from gridorg._fields import MAX_COUNT, id_problem
from gridorg._schema_errors import json_path
from gridorg._schema_merge_checks import (
    VERSION,
    BasePaths,
    Path,
    check_version,
    network_paths,
    result_problems,
    shape_problems,
    translate,
)
from gridorg.errors import (
    InvalidArgumentError,
    NetworkError,
    Problem,
    SchemaError,
)
from gridorg.networks import BaseLayer, FunctionalNetwork, _kind, resolve

if TYPE_CHECKING:
    from gridorg.merge import MergeResult

BASE_LAYER: Final = "gridorg.base_layer"
NETWORKS: Final = "gridorg.networks"
MERGE: Final = "gridorg.merge"

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)

# ---------------------------------------------------------------------- field types

_Id = Annotated[str, Field(pattern=r"^\S(?:[\s\S]*\S)?$")]
_Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
_Natural = Annotated[int, Field(ge=0)]
_Number = Annotated[float, Field(allow_inf_nan=False)]


def _network_kind(value: str) -> str:
    try:
        return _kind(value)
    except InvalidArgumentError as err:
        code = "invalid_kind"
        raise PydanticCustomError(code, "{reason}", {"reason": str(err)}) from None


def _cell_id(value: str) -> str:
    reason = id_problem("cell id", value)
    if reason:
        code = "invalid_cell"
        raise PydanticCustomError(code, "{reason}", {"reason": reason})
    return value


def _as_tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


_Kind = Annotated[str, AfterValidator(_network_kind)]
_CellId = Annotated[str, AfterValidator(_cell_id)]
_Sizes = Annotated[tuple[_Natural, _Number, _Natural], BeforeValidator(_as_tuple)]

# ---------------------------------------------------------------------- models


class BaseUnitColumns(BaseModel):
    """The base units as equal-length columns, one entry per unit in the same order."""

    model_config = ConfigDict(**_STRICT, title="BaseUnitColumns")

    id: list[_Id] = Field(description="Base unit ids (buildings, lanes, blocks), distinct.")
    community: list[_Id] = Field(
        description="Each unit's community: the id of a community unit of the organisation."
    )
    households: list[_Count] = Field(description="Each unit's households.")
    crs: Literal["wgs84", "planar"] = Field(
        default="wgs84",
        description="The coordinate system of x and y: wgs84 (x longitude, y latitude, in "
        "degrees) or planar (metres).",
    )
    x: list[_Number | None] = Field(
        default_factory=list,
        description="Each unit's x, null for a unit without a location; given with y, or "
        "absent when no unit has a location.",
    )
    y: list[_Number | None] = Field(
        default_factory=list, description="Each unit's y, null where x is null."
    )


class Adjacency(BaseModel):
    """Adjacent base units as two equal-length arrays of ids: from[k] is next to to[k]."""

    model_config = ConfigDict(**_STRICT, title="Adjacency")

    from_: list[str] = Field(alias="from", description="One end of each adjacent pair.")
    to: list[str] = Field(description="The other end of each adjacent pair.")


def _no_adjacency() -> Adjacency:
    return Adjacency.model_validate({"from": [], "to": []})


class BaseLayerSpec(BaseModel):
    """A base layer: the base units and their adjacency."""

    model_config = ConfigDict(**_STRICT, title="BaseLayer")

    units: BaseUnitColumns = Field(description="The base units, as columns.")
    adjacency: Adjacency = Field(
        default_factory=_no_adjacency, description="Adjacent pairs; absent means none."
    )


class BaseLayerDocument(BaseLayerSpec):
    """A gridorg base layer: the units functional grids are drawn over, and their adjacency."""

    model_config = ConfigDict(**_STRICT, title="BaseLayerDocument")

    format: Literal["gridorg.base_layer"] = Field(description="Always gridorg.base_layer.")
    version: Literal[1] = Field(description="The document format version.")


class NetworkRecord(BaseModel):
    """One department's functional grid: its kind, name and cells."""

    model_config = ConfigDict(**_STRICT, title="FunctionalNetwork")

    kind: _Kind = Field(
        description="A lowercase identifier: party_building, political_legal, civil_affairs, "
        "environment, urban_management, petitions, market_regulation, health, "
        "emergency_management, or a custom kind."
    )
    name: str = Field(default="", description="The name people read.")
    cells: dict[_CellId, list[str]] = Field(
        description="Cell id to the ids of the base units the cell covers."
    )


class NetworksDocument(BaseModel):
    """A list of gridorg functional networks, their kinds distinct."""

    model_config = ConfigDict(**_STRICT, title="NetworksDocument")

    format: Literal["gridorg.networks"] = Field(description="Always gridorg.networks.")
    version: Literal[1] = Field(description="The document format version.")
    networks: list[NetworkRecord] = Field(description="The networks, kinds distinct.")


class BoundsRecord(BaseModel):
    """The households a merged grid should hold."""

    model_config = ConfigDict(**_STRICT, title="Bounds")

    min_households: _Count = Field(description="The fewest households a grid should hold.")
    max_households: _Count = Field(
        description="The most households a grid should hold: positive, at least the minimum."
    )


class ReportRecord(BaseModel):
    """The figures of a merge, as the merge reported them."""

    model_config = ConfigDict(**_STRICT, title="MergeReport")

    grids: _Natural = Field(description="How many grids.")
    cells: _Natural = Field(description="How many functional cells, over all networks.")
    cells_split: _Natural = Field(description="Cells spread over more than one grid.")
    mean_fragments: _Number = Field(description="The mean number of grids a cell falls in.")
    sizes: _Sizes = Field(description="Households per grid: [min, median, max].")
    size_sd: _Number = Field(description="The standard deviation of households per grid.")
    compactness: _Number = Field(description="The mean share of a grid's pairs inside it.")
    outside_bounds: _Natural = Field(description="Grids outside the bounds.")
    seconds: _Number = Field(description="The time the merge took.")


class MergeDocument(BaseModel):
    """A gridorg merge result: the merged grids with the inputs and the report."""

    model_config = ConfigDict(**_STRICT, title="MergeDocument")

    format: Literal["gridorg.merge"] = Field(description="Always gridorg.merge.")
    version: Literal[1] = Field(description="The document format version.")
    method: str = Field(description="How the grids were made, e.g. merge or finest overlay.")
    bounds: BoundsRecord = Field(description="The households a grid should hold.")
    base: BaseLayerSpec = Field(description="The base layer merged over.")
    networks: list[NetworkRecord] = Field(description="The networks merged, kinds distinct.")
    grid_ids: list[_Id] = Field(description="The merged grids' ids, distinct.")
    assignment: list[_Natural] = Field(
        description="For each base unit in order, the position of its grid in grid_ids."
    )
    infeasible: dict[str, str] = Field(
        default_factory=dict,
        description="Grid id to why the grid is outside the bounds; absent means none.",
    )
    report: ReportRecord = Field(description="The merge's figures.")


#: The document model of each format.
DOCUMENTS: Final[dict[str, type[BaseModel]]] = {
    BASE_LAYER: BaseLayerDocument,
    NETWORKS: NetworksDocument,
    MERGE: MergeDocument,
}
_SUBJECTS: Final = {
    BASE_LAYER: "base layer document",
    NETWORKS: "networks document",
    MERGE: "merge document",
}


def _fields_of(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(info.alias or name for name, info in model.model_fields.items())


#: The fields of each kind of object, named by the member holding it.
_ALLOWED: Final = {
    "units": _fields_of(BaseUnitColumns),
    "adjacency": _fields_of(Adjacency),
    "base": _fields_of(BaseLayerSpec),
    "networks": _fields_of(NetworkRecord),
    "bounds": _fields_of(BoundsRecord),
    "report": _fields_of(ReportRecord),
}

# ---------------------------------------------------------------------- dump


def dump_base_layer(base: BaseLayer) -> dict[str, Any]:
    """``base`` as a ``gridorg.base_layer`` document."""
    return {"format": BASE_LAYER, "version": VERSION, **_base_body(base)}


def dump_networks(networks: Sequence[FunctionalNetwork]) -> dict[str, Any]:
    """``networks`` as a ``gridorg.networks`` document."""
    return {"format": NETWORKS, "version": VERSION, "networks": _network_list(networks)}


def dump_merge(result: MergeResult) -> dict[str, Any]:
    """``result`` as a ``gridorg.merge`` document."""
    report = result.report
    low, middle, high = report.sizes
    return {
        "format": MERGE,
        "version": VERSION,
        "method": report.method,
        "bounds": {
            "min_households": int(result.bounds[0]),
            "max_households": int(result.bounds[1]),
        },
        "base": _base_body(result.base),
        "networks": _network_list(result.networks),
        "grid_ids": list(result.grid_ids),
        "assignment": np.asarray(result.assignment, dtype=np.int64).tolist(),
        "infeasible": dict(result.infeasible),
        "report": {
            "grids": int(report.grids),
            "cells": int(report.cells),
            "cells_split": int(report.cells_split),
            "mean_fragments": float(report.mean_fragments),
            "sizes": [int(low), float(middle), int(high)],
            "size_sd": float(report.size_sd),
            "compactness": float(report.compactness),
            "outside_bounds": int(report.outside_bounds),
            "seconds": float(report.seconds),
        },
    }


def _base_body(base: BaseLayer) -> dict[str, Any]:
    ids = base.ids
    units: dict[str, Any] = {
        "id": list(ids),
        "community": [base.communities[c] for c in base.community_of.tolist()],
        "households": base.households.tolist(),
    }
    if base.xy is not None:
        units["crs"] = base.crs or "wgs84"
        for axis, name in enumerate(("x", "y")):
            units[name] = [None if math.isnan(v) else v for v in base.xy[:, axis].tolist()]
    offsets, neighbours = base.csr
    starts = np.repeat(np.arange(len(base)), np.diff(offsets))
    keep = starts < neighbours
    return {
        "units": units,
        "adjacency": {
            "from": [ids[k] for k in starts[keep].tolist()],
            "to": [ids[k] for k in neighbours[keep].tolist()],
        },
    }


def _network_list(networks: Sequence[FunctionalNetwork]) -> list[dict[str, Any]]:
    return [network.to_record() for network in networks]


# ---------------------------------------------------------------------- load


def load_document(
    document: dict[str, Any], format: str
) -> BaseLayer | tuple[FunctionalNetwork, ...] | MergeResult:
    """The value a document of ``format`` (one of :data:`DOCUMENTS`) describes."""
    subject = _SUBJECTS[format]
    check_version(document, subject)
    problems = [] if format == NETWORKS else shape_problems(document, merge=format == MERGE)
    model: BaseModel | None = None
    try:
        model = DOCUMENTS[format].model_validate(document)
    except pydantic.ValidationError as err:
        fields = {"": _fields_of(DOCUMENTS[format]), **_ALLOWED}
        problems = translate(err, document, fields) + problems
    if isinstance(model, MergeDocument) and not problems:
        problems = result_problems(model)
    if problems:
        raise SchemaError(problems, subject=subject)
    if isinstance(model, BaseLayerDocument):
        return _base_layer(model, (), subject)
    if isinstance(model, NetworksDocument):
        return _networks(model.networks, subject)
    return _merge_result(cast("MergeDocument", model), subject)


def _base_layer(model: BaseLayerSpec, prefix: Path, subject: str) -> BaseLayer:
    units = model.units
    located = "x" in units.model_fields_set
    records: list[dict[str, Any]] = []
    for i, (uid, community, households) in enumerate(
        zip(units.id, units.community, units.households, strict=True)
    ):
        record: dict[str, Any] = {"id": uid, "community": community, "households": households}
        if located and units.x[i] is not None:
            record["location"] = {"x": units.x[i], "y": units.y[i], "crs": units.crs}
        records.append(record)
    ends = model.adjacency
    try:
        return BaseLayer.from_records(records, list(zip(ends.from_, ends.to, strict=True)))
    except NetworkError as err:
        placed = BasePaths(model, prefix)
        raise NetworkError(map(placed, err.problems), subject=subject) from None


def _networks(records: Sequence[NetworkRecord], subject: str) -> tuple[FunctionalNetwork, ...]:
    problems = _repeated_kinds(records)
    if problems:
        raise NetworkError(problems, subject=subject)
    return tuple(FunctionalNetwork(r.kind, r.cells, r.name) for r in records)


def _repeated_kinds(records: Sequence[NetworkRecord]) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for n, record in enumerate(records):
        if record.kind in first:
            path = json_path(("networks", n, "kind"))
            where = json_path(("networks", first[record.kind]))
            text = f"{path}: network kind {record.kind!r} is listed twice (first at {where})"
            problems.append(Problem("duplicate_network", text, index=n, field="kind", path=path))
        first.setdefault(record.kind, n)
    return problems


def _merge_result(model: MergeDocument, subject: str) -> MergeResult:
    from gridorg.merge import MergeReport, MergeResult

    base = _base_layer(model.base, ("base",), subject)
    networks = tuple(FunctionalNetwork(r.kind, r.cells, r.name) for r in model.networks)
    try:
        resolve(networks, base)
    except NetworkError as err:
        unknown = [p for p in err.problems if p.code != "duplicate_network"]
        problems = _repeated_kinds(model.networks) + network_paths(unknown, model.networks, base)
        raise NetworkError(problems, subject=subject) from None
    figures = model.report
    return MergeResult(
        base=base,
        networks=networks,
        grid_ids=tuple(model.grid_ids),
        assignment=np.asarray(model.assignment, dtype=np.int64),
        infeasible=dict(model.infeasible),
        report=MergeReport(
            method=model.method,
            grids=figures.grids,
            cells=figures.cells,
            cells_split=figures.cells_split,
            mean_fragments=figures.mean_fragments,
            sizes=figures.sizes,
            size_sd=figures.size_sd,
            compactness=figures.compactness,
            outside_bounds=figures.outside_bounds,
            seconds=figures.seconds,
        ),
        bounds=(model.bounds.min_households, model.bounds.max_households),
    )
