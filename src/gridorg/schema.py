"""JSON documents: dump an organisation to JSON-compatible data and load it back, validated.

This is the one place where untrusted JSON is checked. A document looks like::

    {
      "format": "gridorg.organisation",
      "version": 1,
      "name": "Yinjiang urban area",
      "scheme": {"tiers": [{"name": "street", "label": "街道党工委", "forms": [...],
                            "description": "..."}, ...]},
      "units": ...
    }

``units`` comes in one of two layouts, told apart by its JSON type:

* **columns** (an object, the default and the fast one): equal-length arrays ``id``, ``name``,
  ``tier`` (tier names), ``form`` (party form or ``null``), ``parent`` (the parent's id or
  ``null`` for a root), ``households``, ``party_members`` and ``gridders``, all in the same unit
  order. Only ``id`` and ``tier`` are required; an absent column takes its default for every
  unit. ``attributes`` is sparse: an object whose keys are unit positions written in decimal
  (``"0"``, ``"17"``) and whose values are the attribute objects of those units; units without
  attributes are simply not listed.
* **records** (an array): one object per unit with the fields of :class:`~gridorg.Unit`;
  ``id`` and ``tier`` are required, the others optional.

The cross-links (:attr:`Organisation.links <gridorg.Organisation.links>`) follow in optional
members, the same in both layouts and absent when an organisation has none:

* ``categories``: the issue-category catalogue as category records; absent means the built-in
  catalogue, so it is written only when the catalogue differs from it;
* ``partners``, ``people`` and ``sites``: records as their ``to_record()`` methods give them,
  partners told apart by ``kind`` (departments and volunteer teams have fields of their own);
* ``locations``: where units are, as an object with ``crs`` and equal-length arrays ``id``,
  ``x`` and ``y`` (for WGS84, ``x`` is the longitude and ``y`` the latitude);
* ``links``: link records, each with its ``kind`` and that kind's fields; dates are written
  ``YYYY-MM-DD``.

Loading validates in three stages and reports every problem of a stage at once. First the
document's shape, with pydantic models in strict mode (``"3"`` is not a count, ``true`` is not
an integer, unknown fields are errors): problems raise :class:`~gridorg.SchemaError`, or
:class:`~gridorg.FormatVersionError` when the format or version is not one this release reads.
Then the organisation's structure (duplicate ids, missing parents, cycles, unknown tiers, tier
order): problems raise :class:`~gridorg.HierarchyError` or :class:`~gridorg.RecordError`. Last
the cross-links, checked as :meth:`Organisation.with_links <gridorg.Organisation.with_links>`
checks them (link ends that do not exist or are of the wrong kind or tier, ids used twice,
roles not held, unknown categories, coordinates out of range): problems raise
:class:`~gridorg.LinkError`. Every problem carries the JSON path of the offending value
(``$.units[3].households``, ``$.units.parent[3]``, ``$.links[3].community``) in
``problem.path`` and in its message.

The pydantic models of the format also produce :func:`json_schema`; they are an implementation
detail of the document format, not a second way to build organisations.

The values of multi-network merging (多网合一) have documents of their own, each with its
``format`` and ``version`` 1:

* ``gridorg.base_layer``, a :class:`~gridorg.BaseLayer`: ``units`` as equal-length columns
  ``id``, ``community`` and ``households``, with optional ``x`` and ``y`` (``null`` where a
  unit has no location) in the coordinate system ``crs``; ``adjacency`` as two equal-length
  arrays of unit ids, ``from`` and ``to``, each adjacent pair once;
* ``gridorg.networks``, a list of :class:`~gridorg.FunctionalNetwork`: ``networks``, each with
  its ``kind`` (distinct), ``name`` and ``cells`` (cell id to the ids of the units it covers);
* ``gridorg.merge``, a :class:`~gridorg.MergeResult`: ``method``, ``bounds``
  (``min_households``, ``max_households``), ``base`` (``units`` and ``adjacency`` as above),
  ``networks``, ``grid_ids``, ``assignment`` (each base unit's grid, as a position in
  ``grid_ids``), ``infeasible`` (grid id to the reason) and ``report`` (the report's figures).

:func:`dump_value` writes any of these values, or an organisation; :func:`load_value` reads
whatever format a document declares, raising :class:`~gridorg.SchemaError` for the shape and
:class:`~gridorg.NetworkError` for the base layer and networks, each problem at its JSON path
(``$.base.units.households[3]``, ``$.networks[1].cells.h2[0]``, ``$.assignment[7]``).
``json_schema(format=...)`` gives each format's JSON Schema.

The values of routing and the case lifecycle have documents of their own too, each with its
``format`` and ``version`` 1:

* ``gridorg.categories``, a :class:`~gridorg.CategoryCatalogue`: ``categories``, the category
  records (``code``, ``name``, ``label``, ``tier``, ``department``) in order, codes distinct;
* ``gridorg.issues``, a tuple of :class:`~gridorg.Issue`: ``issues``, the issue records as
  :meth:`Issue.to_record <gridorg.Issue.to_record>` writes them, ids distinct;
* ``gridorg.triage``, a matrix or five-tier triage: ``triage``, the scheme's record told apart
  by its ``scheme`` (``matrix`` or ``five_tier``), with ``deadlines`` (colour to
  ``response`` and ``resolution`` in seconds, each with an optional ``calendar``) and the
  optional working-time ``calendar`` (``days``, ``hours`` as ``"HH:MM"`` pairs, ``holidays``
  and ``workdays`` as ``YYYY-MM-DD``, ``tz``);
* ``gridorg.rules``, a routing rule table: ``rules`` in order, each with its ``name``, its
  ``action`` told apart by ``kind`` (``handle_at``, ``assign_department``, ``joint_office``,
  ``mediation``, ``whistle`` with ``report_in`` in seconds) and its conditions
  (``categories``, ``colours``, ``tiers``, ``tags``, ``channels``, ``under``; absent for any);
* ``gridorg.case_log``, a case log: ``events`` as equal-length columns ``case``, ``time``,
  ``state`` and the optional ``actor``, ``note`` and ``due`` (``null`` for none), in append
  order, and ``cases``, the registered cases as columns ``id``, ``category`` and ``origin``.

Times are ISO 8601 with an offset; a time without one is a :class:`~gridorg.SchemaError` with
the code ``naive_time``. Shape problems raise :class:`~gridorg.SchemaError`; a triage whose
values make no scheme raises :class:`~gridorg.RecordError`, a rule table in the wrong order
:class:`~gridorg.RuleError`, each problem at its JSON path; a case log whose events break the
lifecycle raises :class:`~gridorg.TransitionError` or :class:`~gridorg.CaseLogError` naming
each refused event by its path (``$.events.state[17]``).
"""

from __future__ import annotations

import copy
import functools
import gzip
import os
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, Union, cast

from gridorg import _jsontext, _schema_merge, _schema_org, _schema_paths, _schema_routing
from gridorg._schema_errors import show
from gridorg._schema_links import dump_members

# The document models, kept importable from here (explicit re-exports).
from gridorg._schema_org import LevelSchemeSpec as LevelSchemeSpec  # noqa: PLC0414
from gridorg._schema_org import OrganisationDocument as OrganisationDocument  # noqa: PLC0414
from gridorg._schema_org import TierSpec as TierSpec  # noqa: PLC0414
from gridorg._schema_org import UnitColumns as UnitColumns  # noqa: PLC0414
from gridorg._schema_org import UnitRecord as UnitRecord  # noqa: PLC0414
from gridorg.errors import (
    ArgumentTypeError,
    FormatVersionError,
    InvalidArgumentError,
    Problem,
    SchemaError,
)
from gridorg.hierarchy import Organisation
from gridorg.networks import BaseLayer, FunctionalNetwork

if TYPE_CHECKING:
    from gridorg.categories import CategoryCatalogue
    from gridorg.issue import Issue
    from gridorg.lifecycle import CaseLog
    from gridorg.merge import MergeResult
    from gridorg.routing import RuleTable
    from gridorg.triage import FiveTierTriage, MatrixTriage

__all__ = [
    "FORMATS",
    "dump",
    "dump_file",
    "dump_value",
    "dumps",
    "dumps_value",
    "json_schema",
    "load",
    "load_file",
    "load_value",
    "loads",
    "loads_value",
]

#: The value of a document's ``"format"`` field.
FORMAT: Final = "gridorg.organisation"
#: The document format version this release writes and reads.
VERSION: Final = _schema_paths.VERSION
#: Every document format this release reads and writes, each at version :data:`VERSION`.
FORMATS: Final = (FORMAT, *_schema_merge.DOCUMENTS, *_schema_routing.DOCUMENTS)

#: A value that has a document: what :func:`dump_value` takes and :func:`load_value` returns.
Value = Union[
    Organisation,
    BaseLayer,
    tuple[FunctionalNetwork, ...],
    "MergeResult",
    "CategoryCatalogue",
    tuple["Issue", ...],
    "MatrixTriage",
    "FiveTierTriage",
    "RuleTable",
    "CaseLog",
]

#: The two layouts of a document's units.
Layout = Literal["columns", "records"]

_SUBJECT = _jsontext.SUBJECT

# ---------------------------------------------------------------------- dump


def dump(org: Organisation, *, layout: Layout = "columns") -> dict[str, Any]:
    """Return ``org`` as a JSON-compatible document that :func:`load` turns back into ``org``.

    ``layout="columns"`` (the default) writes the units as parallel arrays, compact and fast;
    ``layout="records"`` writes one object per unit. The module docstring describes both.
    """
    _check_organisation(org)
    writer = _WRITERS.get(layout)
    if writer is None:
        msg = f"layout must be 'columns' or 'records', got {layout!r}"
        raise InvalidArgumentError(msg)
    units = writer(org)
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": org.name,
        "scheme": _schema_org.scheme_data(org.scheme),
        "units": units,
        **dump_members(org),
    }


_WRITERS: Final[dict[str, Callable[[Organisation], Any]]] = {
    "columns": _schema_org.unit_columns,
    "records": _schema_org.unit_records,
}


def _check_organisation(org: object) -> None:
    if not isinstance(org, Organisation):
        msg = f"dump() needs an Organisation, got {type(org).__name__}"
        raise ArgumentTypeError(msg)


def dumps(org: Organisation, *, layout: Layout = "columns", indent: int | None = None) -> str:
    """Return ``org`` as JSON text (see :func:`dump`); non-ASCII characters are kept as is."""
    return _jsontext.serialise(dump(org, layout=layout), indent, ascii_only=False)


def dump_value(
    value: Value | Sequence[FunctionalNetwork] | Sequence[Issue],
) -> dict[str, Any]:
    """Return ``value`` as a JSON-compatible document that :func:`load_value` turns back into it.

    ``value`` is an :class:`~gridorg.Organisation` (written as :func:`dump` writes it), a
    :class:`~gridorg.BaseLayer`, a sequence of :class:`~gridorg.FunctionalNetwork`, a
    :class:`~gridorg.MergeResult`, a :class:`~gridorg.CategoryCatalogue`, a sequence of
    :class:`~gridorg.Issue`, a matrix or five-tier triage, a rule table or a case log; the
    document's ``format`` says which. (An empty sequence is written as networks.)
    """
    if isinstance(value, Organisation):
        return dump(value)
    if isinstance(value, BaseLayer):
        return _schema_merge.dump_base_layer(value)
    document = _schema_routing.dump_document(value)
    if document is not None:
        return document
    if isinstance(value, Sequence) and not isinstance(value, str):
        for n, item in enumerate(value):
            if not isinstance(item, FunctionalNetwork):
                msg = (
                    f"dump_value() takes a sequence of FunctionalNetwork values; item {n} is a "
                    f"{type(item).__name__}"
                )
                raise ArgumentTypeError(msg)
        return _schema_merge.dump_networks(cast("Sequence[FunctionalNetwork]", value))
    from gridorg.merge import MergeResult

    if isinstance(value, MergeResult):
        return _schema_merge.dump_merge(value)
    msg = (
        "dump_value() needs an Organisation, a BaseLayer, a sequence of FunctionalNetwork, a "
        "MergeResult, a CategoryCatalogue, a sequence of Issue, a triage, a RuleTable or a "
        f"CaseLog, got {type(value).__name__}"
    )
    raise ArgumentTypeError(msg)


def dumps_value(
    value: Value | Sequence[FunctionalNetwork] | Sequence[Issue], *, indent: int | None = None
) -> str:
    """Return ``value`` as JSON text (see :func:`dump_value`); non-ASCII text is kept as is."""
    return _jsontext.serialise(dump_value(value), indent, ascii_only=False)


def dump_file(
    org: Organisation,
    path: str | os.PathLike[str],
    *,
    layout: Layout = "columns",
    indent: int | None = None,
) -> None:
    """Write ``org`` to a UTF-8 JSON file, gzip-compressed when the name ends in ``.gz``.

    Non-ASCII text is written as UTF-8 rather than escaped, unless some string holds a lone
    surrogate (which UTF-8 cannot encode): then the whole file is escaped to ASCII instead.
    """
    document = dump(org, layout=layout)
    try:
        data = _jsontext.serialise(document, indent, ascii_only=False).encode("utf-8")
    except UnicodeEncodeError:
        data = _jsontext.serialise(document, indent, ascii_only=True).encode("ascii")
    target = Path(path)
    if target.name.endswith(".gz"):
        data = gzip.compress(data, compresslevel=6, mtime=0)
    target.write_bytes(data)


# ---------------------------------------------------------------------- load


def load(data: Mapping[str, Any]) -> Organisation:
    """Validate a document (as from ``json.loads``) and return the organisation it describes.

    Raises :class:`~gridorg.FormatVersionError` for a wrong or missing format or version,
    :class:`~gridorg.SchemaError` when the document does not have the documented shape and
    types, and :class:`~gridorg.HierarchyError` or :class:`~gridorg.RecordError` when the units
    do not form a valid organisation, and :class:`~gridorg.LinkError` when the cross-links do
    not fit it. Each problem carries the JSON path of the value at fault.
    """
    document = _jsontext.document(data)
    _check_format(document)
    return _schema_org.organisation(_schema_org.validate(document))


def loads(text: str | bytes) -> Organisation:
    """Parse JSON text (or UTF-8 bytes) and :func:`load` the document in it.

    Text that is not JSON raises :class:`~gridorg.SchemaError` naming the position of the
    error. Objects that repeat a key and the non-standard constants ``NaN`` and ``Infinity``
    are rejected rather than silently accepted.
    """
    return load(_jsontext.parse(_jsontext.decoded(text)))


def load_file(path: str | os.PathLike[str]) -> Organisation:
    """Read and :func:`load` a UTF-8 JSON file, gunzipping it when the name ends in ``.gz``.

    A missing or unreadable file raises the usual :class:`OSError`; a file whose content is not
    gzip (for ``.gz``) or not JSON raises :class:`~gridorg.SchemaError`.
    """
    source = Path(path)
    data = source.read_bytes()
    if source.name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as err:
            message = f"$: {source.name} is not a valid gzip file ({err})"
            raise SchemaError(
                [Problem("invalid_gzip", message, path="$")], subject=_SUBJECT
            ) from None
    return loads(data)


def load_value(data: Mapping[str, Any]) -> Value:
    """Validate a document of any format (as from ``json.loads``) and return its value.

    The document's ``format`` decides: an :class:`~gridorg.Organisation` (read as :func:`load`
    reads it), a :class:`~gridorg.BaseLayer`, a tuple of :class:`~gridorg.FunctionalNetwork`,
    a :class:`~gridorg.MergeResult`, a :class:`~gridorg.CategoryCatalogue`, a tuple of
    :class:`~gridorg.Issue`, a triage, a rule table or a case log. Raises
    :class:`~gridorg.FormatVersionError` for a missing or unknown format or version,
    :class:`~gridorg.SchemaError` when the document does not have its format's shape, and for
    the merge formats :class:`~gridorg.NetworkError` when the base layer or the networks are
    invalid; the module docstring lists the errors of the other formats. Each problem carries
    its JSON path.
    """
    document = _jsontext.document(data, "document")
    found = document.get("format")
    if type(found) is str and found in _schema_merge.DOCUMENTS:
        return _schema_merge.load_document(document, found)
    if type(found) is str and found in _schema_routing.DOCUMENTS:
        value: Value = _schema_routing.load_document(document, found)
        return value
    if found == FORMAT:
        return load(document)
    formats = ", ".join(map(repr, FORMATS))
    if "format" in document:
        code, text = "unknown_format", f"$.format: expected one of {formats}, got {show(found)}"
    else:
        code, text = (
            "missing_format",
            f"$.format: missing; a gridorg document declares one of {formats}",
        )
    raise FormatVersionError(
        [Problem(code, text, field="format", path="$.format")], subject="document"
    )


def loads_value(text: str | bytes) -> Value:
    """Parse JSON text (or UTF-8 bytes) and :func:`load_value` the document in it."""
    return load_value(_jsontext.parse(_jsontext.decoded(text, "document"), "document"))


@functools.cache
def _schema(format: str) -> dict[str, Any]:
    model = (
        OrganisationDocument
        if format == FORMAT
        else {**_schema_merge.DOCUMENTS, **_schema_routing.DOCUMENTS}[format]
    )
    schema = model.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def json_schema(*, format: str = FORMAT) -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of documents of ``format``, as a new dict.

    ``format`` is one of :data:`FORMATS`; the default is organisation documents. The schema is
    generated from the same models that :func:`load` and :func:`load_value` validate with. It
    cannot express the structural rules (unique ids, existing parents, tier order, link ends and
    cell units that exist) or that columns have equal lengths; loading checks those too.
    """
    if format not in FORMATS:
        msg = f"format must be one of {', '.join(map(repr, FORMATS))}, got {format!r}"
        raise InvalidArgumentError(msg)
    return copy.deepcopy(_schema(format))


# ---------------------------------------------------------------------- load helpers


def _check_format(document: Mapping[str, Any]) -> None:
    problems: list[Problem] = []
    if "format" not in document:
        text = f"$.format: missing; a gridorg organisation document declares format {FORMAT!r}"
        problems.append(Problem("missing_format", text, field="format", path="$.format"))
    else:
        found = document["format"]
        if not (type(found) is str and found == FORMAT):
            text = f"$.format: expected {FORMAT!r}, got {show(found)}"
            if type(found) is str and found in FORMATS:
                text += "; load_value() reads documents of every format"
            problems.append(Problem("unknown_format", text, field="format", path="$.format"))
    version = _schema_paths.version_problem(document)
    if version is not None:
        problems.append(version)
    if problems:
        raise FormatVersionError(problems, subject=_SUBJECT)
