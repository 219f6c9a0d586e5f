"""A case log to and from event columns, JSON-compatible records and pickled state; equality."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from gridorg._casecols import from_columns as batch_of_columns
from gridorg._casestates import NO_RATING, CaseEvent
from gridorg._casestore import Pool
from gridorg._fields import describe
from gridorg.errors import ArgumentTypeError, CaseLogError

if TYPE_CHECKING:
    from gridorg._caselog import CaseLog

I64 = npt.NDArray[np.int64]


def to_columns(log: CaseLog) -> dict[str, npt.NDArray[Any]]:
    """Every event of ``log`` as columns, plus its case table (see ``CaseLog.to_columns``)."""
    log._flush()
    ev = log._ev
    ids = _objects(log._cases.values)
    cs = log._cs
    return {
        "case": ids[ev["case"]],
        "time": ev["time"].copy(),
        "state": ev["state"].copy(),
        "actor": _objects(log._actors.values)[ev["actor"]],
        "note": _objects(log._notes.values)[ev["note"]],
        "due": ev["due"].copy(),
        "rating": ev["rating"].copy(),
        "cases": ids,
        "category": _objects([*log._categories.values, None])[cs["category"]],
        "origin": _objects([*log._origins.values, None])[cs["origin"]],
    }


def from_columns(cls: type[CaseLog], columns: Mapping[str, Any]) -> CaseLog:
    """A log of class ``cls`` from :func:`to_columns` output (the per-case keys optional)."""
    batch = batch_of_columns(columns, allow=("cases", "category", "origin"))
    log = cls()
    if batch.case:
        log._add(batch)
    if "cases" in columns:
        given = list(columns["cases"])
        if given != log._cases.values:
            msg = "column 'cases' must list the case ids in the order they first appear"
            raise CaseLogError(msg)
    categories = list(columns.get("category", ()))
    origins = list(columns.get("origin", ()))
    for case, category, origin in zip(log._cases.values, categories, origins, strict=False):
        if category is not None or origin is not None:
            log.register(case, category=category, origin=origin)
    return log


def to_records(log: CaseLog) -> list[dict[str, Any]]:
    """Every event of ``log`` as a record, a case's first carrying its category and origin."""
    records = []
    seen: set[str] = set()
    for event in log:
        record = event.to_record()
        if event.case not in seen:
            seen.add(event.case)
            info = log.case_info(event.case)
            if info.category is not None:
                record["category"] = info.category
                record["origin"] = info.origin
        records.append(record)
    return records


def from_records(cls: type[CaseLog], records: Iterable[Mapping[str, Any]]) -> CaseLog:
    """A log of class ``cls`` from :func:`to_records` output."""
    events: list[CaseEvent] = []
    info: dict[str, tuple[str, str]] = {}
    for index, record in enumerate(records):
        event, case_info = event_from_record(record, index)
        events.append(event)
        if case_info is not None:
            info[event.case] = case_info
    return cls(events, cases=info)


_RECORD_KEYS = frozenset(
    {"case", "time", "state", "actor", "note", "due", "rating", "category", "origin"}
)


def event_from_record(record: object, index: int) -> tuple[CaseEvent, tuple[str, str] | None]:
    """A case event (and the case's category and origin, if given) from one record."""
    if not isinstance(record, Mapping):
        msg = f"case log record {index} must be a mapping, got {describe(record)}"
        raise ArgumentTypeError(msg)
    unknown = sorted(str(key) for key in record if key not in _RECORD_KEYS)
    missing = [key for key in ("case", "time", "state") if key not in record]
    if unknown or missing:
        msg = f"case log record {index}: " + "; ".join(
            part
            for part in (
                f"unknown keys {', '.join(unknown)}" if unknown else "",
                f"missing {', '.join(missing)}" if missing else "",
            )
            if part
        )
        raise CaseLogError(msg)
    values = dict(record)
    for key in ("time", "due"):
        text = values.get(key)
        if isinstance(text, str):
            try:
                values[key] = dt.datetime.fromisoformat(text)
            except ValueError:
                msg = f"case log record {index}: {key} must be an ISO 8601 time, got {text!r}"
                raise CaseLogError(msg) from None
    info = None
    if "category" in values or "origin" in values:
        info = (values.pop("category", None), values.pop("origin", None))
    event = CaseEvent(
        values["case"],
        values["time"],
        values["state"],
        actor=values.get("actor", ""),
        note=values.get("note", ""),
        due=values.get("due"),
        rating=values.get("rating"),
    )
    return event, info


def same_log(log: CaseLog, other: CaseLog) -> bool:
    """Whether two logs hold the same events and case table, whatever their string codes."""
    log._flush()
    other._flush()
    if len(log) != len(other) or log._cases.values != other._cases.values:
        return False
    a, b = log._ev, other._ev
    if not all(np.array_equal(a[n], b[n]) for n in ("case", "time", "state", "due", "rating")):
        return False
    return (
        _same(a["actor"], log._actors, b["actor"], other._actors)
        and _same(a["note"], log._notes, b["note"], other._notes)
        and _same(log._cs["category"], log._categories, other._cs["category"], other._categories)
        and _same(log._cs["origin"], log._origins, other._cs["origin"], other._origins)
    )


def pickled(log: CaseLog) -> dict[str, Any]:
    """The state ``log`` is pickled as: its string pools and its trimmed columns."""
    log._flush()
    return {
        "cases": log._cases.values,
        "actors": log._actors.values,
        "notes": log._notes.values,
        "categories": log._categories.values,
        "origins": log._origins.values,
        "events": log._ev.trimmed(),
        "per_case": log._cs.trimmed(),
    }


def unpickle(log: CaseLog, state: dict[str, Any]) -> None:
    """Fill the unpickled ``log`` from the state :func:`pickled` gave."""
    log.__init__()  # type: ignore[misc]
    log._cases = Pool(state["cases"])
    log._actors = Pool(state["actors"])
    log._notes = Pool(state["notes"])
    log._categories = Pool(state["categories"])
    log._origins = Pool(state["origins"])
    events = dict(state["events"])
    if "rating" not in events:  # pickled before logs kept ratings
        events["rating"] = np.full(len(events["time"]), NO_RATING, dtype=np.int8)
    log._ev.load(events)
    log._cs.load(state["per_case"])


def _objects(values: list[Any]) -> npt.NDArray[np.object_]:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _same(codes: I64, pool: Pool, other_codes: I64, other: Pool) -> bool:
    """Whether two code columns name the same strings (code -1: none)."""
    if pool.values == other.values:
        return bool(np.array_equal(codes, other_codes))
    table = np.array([other.index.get(v, -2) for v in pool.values] + [-1], dtype=np.int64)
    return bool(np.array_equal(table[codes], other_codes))
