"""The document of a case log: ``gridorg.case_log``.

Part of the document format (:mod:`gridorg.schema`), kept apart so that each module stays about
one thing. A document is ``{"format": "gridorg.case_log", "version": 1, ...}``: ``events`` as
equal-length columns (``case``, ``time``, ``state`` and the optional ``actor``, ``note``,
``due`` and ``rating``) in append order, and ``cases``, the registered cases as columns ``id``,
``category`` and ``origin``.

Times are ISO 8601 strings with an offset (``2024-05-06T09:30:00+08:00``). Problems of shape
raise :class:`~gridorg.SchemaError`, each at the JSON path of the value at fault; events that
break the case lifecycle raise the case log's own errors, naming each event by its JSON path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from gridorg._casestates import from_us, to_us
from gridorg._fields import id_problem
from gridorg._problems import MAX_PROBLEMS
from gridorg._schema_merge_checks import column_lengths
from gridorg._schema_paths import (
    STRICT,
    VERSION,
    ChannelName,
    Id,
    Path,
    Reader,
    Time,
    fields_of,
    parse_time,
    repeated,
    validate,
)
from gridorg.errors import Problem, SchemaError

if TYPE_CHECKING:
    from gridorg.lifecycle import CaseLog

#: What this module offers; ChannelName, the issue channels, stays importable from here.
__all__ = [
    "CASE_LOG",
    "CaseLogDocument",
    "ChannelName",
    "StateName",
    "dump_case_log",
    "load_case_log",
]

CASE_LOG: Final = "gridorg.case_log"

StateName = Literal[
    "collected", "filed", "dispatched", "handling", "replied", "verified", "closed",
    "escalated", "reopened", "extended", "cancelled", "duplicate", "rejected",
]  # fmt: skip


#: A satisfaction rating: 1 (very dissatisfied) to 5 (very satisfied).
Rating = Annotated[int, Field(ge=1, le=5)]


class EventColumns(BaseModel):
    """Every event as one entry of equal-length arrays, in append order."""

    model_config = ConfigDict(**STRICT, title="EventColumns")

    case: list[Id] = Field(description="The case each event is of.")
    time: list[Time] = Field(
        description="When each event happened: ISO 8601 with an offset; a case's events are "
        "in time order."
    )
    state: list[StateName] = Field(description="The state each event enters the case in.")
    actor: list[str] = Field(
        default_factory=list, description="Who acted; absent means nobody is named."
    )
    note: list[str] = Field(default_factory=list, description="Remarks; absent means none.")
    due: list[Time | None] = Field(
        default_factory=list,
        description="The resolution deadline an event sets, or null; only collected, filed, "
        "dispatched, escalated and extended events set one; absent means none.",
    )
    rating: list[Rating | None] = Field(
        default_factory=list,
        description="The resident's satisfaction rating an event records, from 1 (very "
        "dissatisfied) to 5 (very satisfied), or null; only replied, verified and closed "
        "events carry one; absent means none.",
    )


class CaseColumns(BaseModel):
    """What registered cases are about and where they arose, as equal-length arrays."""

    model_config = ConfigDict(**STRICT, title="CaseColumns")

    id: list[Id] = Field(description="Case ids, each a case of the events, each once.")
    category: list[Id] = Field(description="Each case's category code.")
    origin: list[Id] = Field(description="Each case's origin unit id.")


def _no_cases() -> CaseColumns:
    return CaseColumns(id=[], category=[], origin=[])


class CaseLogDocument(BaseModel):
    """A gridorg case log: its events as columns, and what the registered cases are about."""

    model_config = ConfigDict(**STRICT, title="CaseLogDocument")

    format: Literal["gridorg.case_log"] = Field(description="Always gridorg.case_log.")
    version: Literal[1] = Field(description="The document format version.")
    events: EventColumns = Field(description="The events, in append order, as columns.")
    cases: CaseColumns = Field(
        default_factory=_no_cases,
        description="The registered cases' category and origin; absent means none.",
    )


def _event_who(parts: Path, document: Mapping[str, Any]) -> str | None:
    if len(parts) != 3 or parts[0] not in ("events", "cases") or not isinstance(parts[2], int):
        return None
    member = document.get(parts[0])
    ids = (
        member.get("case" if parts[0] == "events" else "id") if isinstance(member, dict) else None
    )
    if parts[1] in ("case", "id") or not isinstance(ids, list) or parts[2] >= len(ids):
        return None
    uid = ids[parts[2]]
    return f"case {uid!r}" if isinstance(uid, str) and uid else None


_LOG_READER: Final = Reader(
    {
        "": fields_of(CaseLogDocument),
        "events": fields_of(EventColumns),
        "cases": fields_of(CaseColumns),
    },
    {
        "case": "invalid_id",
        "id": "invalid_id",
        "time": "invalid_time",
        "due": "invalid_time",
        "rating": "invalid_rating",
        "state": "invalid_state",
        "actor": "invalid_actor",
        "note": "invalid_note",
        "category": "invalid_category",
        "origin": "invalid_origin",
        "events": "invalid_events",
        "cases": "invalid_cases",
    },
    {"state": "unknown_state"},
    who=_event_who,
)


def _iso(us: int) -> str:
    return from_us(us).isoformat()


def dump_case_log(log: CaseLog) -> dict[str, Any]:
    """``log`` as a ``gridorg.case_log`` document (times in UTC)."""
    from gridorg.lifecycle import NO_TIME, STATES

    columns = log.to_columns()
    events: dict[str, Any] = {
        "case": columns["case"].tolist(),
        "time": [_iso(us) for us in columns["time"].tolist()],
        "state": [STATES[code].value for code in columns["state"].tolist()],
    }
    for name in ("actor", "note"):
        values = columns[name].tolist()
        if any(values):
            events[name] = values
    due = columns["due"].tolist()
    if any(us != NO_TIME for us in due):
        events["due"] = [None if us == NO_TIME else _iso(us) for us in due]
    rating = columns["rating"].tolist()
    if any(r >= 0 for r in rating):
        events["rating"] = [r if r >= 0 else None for r in rating]
    registered = [k for k, c in enumerate(columns["category"].tolist()) if c is not None]
    document: dict[str, Any] = {"format": CASE_LOG, "version": VERSION, "events": events}
    if registered:
        document["cases"] = {
            name: [columns[key][k] for k in registered]
            for name, key in (("id", "cases"), ("category", "category"), ("origin", "origin"))
        }
    return document


def load_case_log(document: Mapping[str, Any]) -> CaseLog:
    """The case log of a ``gridorg.case_log`` document.

    Shape problems raise :class:`~gridorg.SchemaError`. The events are then appended to a new
    log as one batch: a step outside the lifecycle table raises
    :class:`~gridorg.TransitionError`, and a time going backwards, or a deadline or a rating
    on an event that cannot carry one, :class:`~gridorg.CaseLogError`, the message naming each
    refused event by its JSON path (``$.events.state[17]``).
    """
    import numpy as np

    from gridorg.errors import CaseLogError
    from gridorg.lifecycle import NO_TIME, CaseLog

    subject = "case log document"
    extra = _length_problems(document)
    model: CaseLogDocument = validate(CaseLogDocument, document, _LOG_READER, subject, extra)
    events, cases = model.events, model.cases
    problems = repeated(cases.id, lambda k: ("cases", "id", k), "case", "duplicate_case")
    known = set(events.case)
    for k, case in enumerate(cases.id):
        if case not in known:
            path = f"$.cases.id[{k}]"
            text = f"case {case!r} ({path}): has no event in $.events.case"
            problems.append(Problem("unknown_case", text, case, k, "id", path))
    if problems:
        raise SchemaError(problems, subject=subject)
    count = len(events.case)
    columns: dict[str, Any] = {
        "case": events.case,
        "time": np.array([_us(t) for t in events.time], dtype=np.int64),
        "state": events.state,
        "actor": events.actor or "",
        "note": events.note or "",
    }
    if events.due:
        columns["due"] = np.array(
            [NO_TIME if t is None else _us(t) for t in events.due], dtype=np.int64
        )
    if events.rating:
        columns["rating"] = np.array([-1 if r is None else r for r in events.rating], np.int8)
    try:
        log = CaseLog.from_columns(columns) if count else CaseLog()
    except CaseLogError as err:
        raise _placed(err, events, subject) from None
    for k, (case, category, origin) in enumerate(
        zip(cases.id, cases.category, cases.origin, strict=True)
    ):
        try:
            log.register(case, category=category, origin=origin)
        except CaseLogError as err:  # a category or origin the models let through
            field = "category" if id_problem("category", category) else "origin"
            msg = f"{subject}: $.cases.{field}[{k}]: {err}"
            raise CaseLogError(msg) from None
    return log


def _us(text: str) -> int:
    return to_us(parse_time(text))


def _length_problems(document: Mapping[str, Any]) -> list[Problem]:
    """Columns whose length differs from that of the first column of their member."""
    problems: list[Problem] = []
    for member, key, names in (
        ("events", "case", ("time", "state", "actor", "note", "due", "rating")),
        ("cases", "id", ("category", "origin")),
    ):
        columns = document.get(member)
        if isinstance(columns, Mapping) and isinstance(columns.get(key), list):
            problems += column_lengths(columns, names, key, (member,))
    return problems


def _placed(err: Exception, events: EventColumns, subject: str) -> Exception:
    """The log's refusal of the events, naming each refused event by its JSON path."""
    from gridorg.errors import CaseLogError, TransitionError
    from gridorg.lifecycle import DUE_STATES, RATED_STATES, STATES, TRANSITIONS, CaseState

    lines: list[tuple[bool, str]] = []
    last: dict[str, tuple[CaseState, int, str]] = {}
    for i, (case, time, name) in enumerate(
        zip(events.case, events.time, events.state, strict=True)
    ):
        state = CaseState(name)
        before = last.get(case)
        us = _us(time)
        if state not in TRANSITIONS[None if before is None else before[0]]:
            if before is None:
                text = f"case {case!r} is new: its first event must be collected, got {name}"
            else:
                after = sorted(s.value for s in TRANSITIONS[before[0]]) or ["none (it is final)"]
                text = (
                    f"case {case!r}: {before[0].value} → {name} is not an allowed transition; "
                    f"after {before[0].value} it may go to {', '.join(after)}"
                )
            lines.append((True, f"$.events.state[{i}]: {text}"))
        elif before is not None and us < before[1]:
            text = (
                f"case {case!r}: {name} at {time} goes back in time; its previous event is at "
                f"{before[2]}"
            )
            lines.append((False, f"$.events.time[{i}]: {text}"))
        if events.due and events.due[i] is not None and state not in DUE_STATES:
            carriers = ", ".join(s.value for s in STATES if s in DUE_STATES)
            text = (
                f"case {case!r}: a {name} event cannot carry a due time; only {carriers} "
                "events set one"
            )
            lines.append((False, f"$.events.due[{i}]: {text}"))
        if events.rating and events.rating[i] is not None and state not in RATED_STATES:
            carriers = ", ".join(s.value for s in STATES if s in RATED_STATES)
            text = (
                f"case {case!r}: a {name} event cannot carry a rating; only {carriers} events do"
            )
            lines.append((False, f"$.events.rating[{i}]: {text}"))
        last[case] = (state, us, time)
    for i, case in enumerate(events.case):  # ids the models let through and the log refuses
        problem = id_problem("case", case)
        if problem:
            lines.append((False, f"$.events.case[{i}]: {problem}"))
    if not lines:  # the log refused for a reason the document cannot place
        lines.append((isinstance(err, TransitionError), f"$.events: {err}"))
    shown = lines[:MAX_PROBLEMS]
    cls = TransitionError if shown[0][0] else CaseLogError
    if len(lines) == 1:
        return cls(f"{subject}: {shown[0][1]}")
    body = "\n".join(f"  - {text}" for _, text in shown)
    more = f"\n  ... and {len(lines) - len(shown)} more" if len(lines) > len(shown) else ""
    return cls(f"{len(lines)} events refused in {subject}:\n{body}{more}")
