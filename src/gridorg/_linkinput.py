"""Reading links, partners, people and sites as given: records or columns, with every
problem collected and told where it is."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np

from gridorg._fields import id_problem
from gridorg._linktable import (
    NO_DATE,
    day_number,
)
from gridorg.errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    LinkError,
    Problem,
    RecordError,
)
from gridorg.links import KINDS, LINK_CLASSES, LinkKind, link_from_record
from gridorg.people import ROLES

#: ``path(section, index, field)``: where an input item is, e.g. ``$.links[3].target``.
#: ``path(section, index, field)``: where an input item is, e.g. ``$.links[3].target``.
PathFn = Callable[[str, int, "str | None"], str]
_MAX_PROBLEMS = 1_000


class _Problems:
    def __init__(self, path: PathFn | None) -> None:
        self.path = path
        self.items: list[Problem] = []
        self.dropped = 0

    def add(self, code: str, text: str, section: str, index: int, field: str | None) -> None:
        if len(self.items) >= _MAX_PROBLEMS:
            self.dropped += 1
            return
        if self.path is not None:
            where = self.path(section, index, field)
        else:
            where = f"{section}[{index}]"
        path = self.path(section, index, field) if self.path is not None else None
        self.items.append(Problem(code, f"{where}: {text}", index=index, field=field, path=path))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        items = list(self.items)
        if self.dropped:
            items.append(Problem("more_problems", f"{self.dropped} further problems not listed"))
        raise LinkError(items, subject="cross-links")


def _records(
    values: Iterable[Any], convert: Callable[[Any], Any], section: str, log: _Problems
) -> list[Any]:
    if isinstance(values, Mapping | str | bytes) or not isinstance(values, Iterable):
        msg = f"{section} must be an iterable of records, got {type(values).__name__}"
        raise ArgumentTypeError(msg)
    out = []
    for i, value in enumerate(values):
        try:
            out.append(convert(value))
        except RecordError as err:
            for problem in err.problems:
                log.add(problem.code, problem.message, section, i, problem.field)
            out.append(None)
    return out


def _link_columns(
    links: Iterable[Any] | Mapping[str, Sequence[Any]], log: _Problems
) -> tuple[list[int], list[str], list[str], list[int], list[str | None], list[int]]:
    """Kinds, source ids, target ids, dates, texts and roles of the links given."""
    if isinstance(links, Mapping):
        return _from_columns(links, log)
    kinds: list[int] = []
    sources: list[str] = []
    targets: list[str] = []
    dates: list[int] = []
    texts: list[str | None] = []
    roles: list[int] = []
    records = _records(links, link_from_record, "links", log)
    for link in records:
        if link is None:
            kinds.append(-1)
            sources.append("")
            targets.append("")
            dates.append(0)
            texts.append(None)
            roles.append(-1)
            continue
        kinds.append(KINDS.index(link.kind))
        sources.append(link.source)
        targets.append(link.target)
        dates.append(day_number(getattr(link, "date", None)))
        texts.append(None if link.text_field is None else getattr(link, link.text_field))
        role = getattr(link, "role", None)
        roles.append(-1 if role is None else ROLES.index(role))
    return kinds, sources, targets, dates, texts, roles


#: The columns a mapping of link columns may hold; ``kind``, ``source`` and ``target`` are
#: required.
LINK_COLUMNS: Final = ("kind", "source", "target", "date", "text", "role")


def _from_columns(
    columns: Mapping[str, Sequence[Any]], log: _Problems
) -> tuple[list[int], list[str], list[str], list[int], list[str | None], list[int]]:
    """The link columns of a mapping: ``kind``, ``source``, ``target`` and optionally ``date``
    (dates, ISO strings or None), ``text`` (each kind's free-text field: position, service
    team, duty) and ``role`` (for assignments)."""
    unknown = sorted(set(columns) - set(LINK_COLUMNS))
    missing = [name for name in LINK_COLUMNS[:3] if name not in columns]
    if unknown or missing:
        msg = (
            f"link columns are {', '.join(LINK_COLUMNS)} (kind, source and target required); "
            f"got unknown {unknown} and missing {missing}"
        )
        raise InvalidArgumentError(msg)
    listed = {name: _as_list(columns[name], name) for name in columns}
    count = len(listed["kind"])
    for name, values in listed.items():
        if len(values) != count:
            msg = f"link column {name!r} has {len(values)} values, 'kind' has {count}"
            raise InvalidArgumentError(msg)
    codes = {kind.value: i for i, kind in enumerate(KINDS)}
    raw_kinds = listed["kind"]
    kinds = [codes.get(k, -1) if isinstance(k, str) else -1 for k in raw_kinds]
    kind = np.asarray(kinds, dtype=np.int64)
    for i in np.flatnonzero(kind < 0).tolist():
        message = f"kind must be one of {', '.join(codes)}, got {raw_kinds[i]!r}"
        log.add("invalid_field", message, "links", i, "kind")
    for name in ("source", "target"):
        values = listed[name]
        if all(type(v) is str and v for v in values):
            continue  # unknown ids are reported when the ends are resolved
        for i, value in enumerate(values):
            problem = id_problem(name, value)
            if problem:
                log.add("invalid_field", problem, "links", i, name)
                kinds[i] = -1  # reported: no further checks on this row
                values[i] = ""
            elif type(value) is not str:
                values[i] = str(value)  # a str subclass: look it up by its text
    kind = np.asarray(kinds, dtype=np.int64)
    dates = _dates(listed.get("date"), count, log)
    texts: list[str | None] = listed.get("text") or [None] * count
    role_codes = {role.value: i for i, role in enumerate(ROLES)}
    raw_roles = listed.get("role") or [None] * count
    roles = [
        -1 if r is None else role_codes.get(r, -2) if isinstance(r, str) else -2 for r in raw_roles
    ]
    role = np.asarray(roles, dtype=np.int64)
    has_text = np.fromiter((t is not None for t in texts), dtype=np.bool_, count=count)
    known = kind >= 0
    assignment = kind == KINDS.index(LinkKind.ASSIGNMENT)
    registration = kind == KINDS.index(LinkKind.REGISTRATION)
    for i in np.flatnonzero(known & ((role >= 0) != assignment) | (role == -2)).tolist():
        why = (
            "an assignment needs a known role"
            if assignment[i]
            else f"a {KINDS[kinds[i]].value} has no role"
        )
        log.add("invalid_field", f"{why}, got {raw_roles[i]!r}", "links", i, "role")
    for i in np.flatnonzero(known & (np.asarray(dates) != NO_DATE) & ~registration).tolist():
        log.add("invalid_field", f"a {KINDS[kinds[i]].value} has no date", "links", i, "date")
    for code, link_kind in enumerate(KINDS):
        cls = LINK_CLASSES[link_kind]
        rows = kind == code
        if cls.text_field is None:
            for i in np.flatnonzero(rows & has_text).tolist():
                text = f"text is not used by a {link_kind.value}, got {texts[i]!r}"
                log.add("invalid_field", text, "links", i, "text")
            continue
        for i in np.flatnonzero(rows & has_text).tolist():
            if type(texts[i]) is not str:
                log.add(
                    "invalid_field", f"text must be a string, got {texts[i]!r}", "links", i, "text"
                )
        default = attrs.fields_dict(cls)[cls.text_field].default
        if isinstance(default, str):
            fill = np.flatnonzero(rows & ~has_text).tolist()
            if fill:
                for i in fill:
                    texts[i] = default
    return kinds, listed["source"], listed["target"], dates, texts, roles


def _dates(values: list[Any] | None, count: int, log: _Problems) -> list[int]:
    if values is None:
        return [NO_DATE] * count
    return [NO_DATE if value is None else _day(value, i, log) for i, value in enumerate(values)]


def _as_list(values: Any, name: str) -> list[Any]:
    if isinstance(values, str | bytes | Mapping) or not hasattr(values, "__len__"):
        msg = f"link column {name!r} must be a sequence, got {type(values).__name__}"
        raise ArgumentTypeError(msg)
    return values.tolist() if hasattr(values, "tolist") else list(values)


def _day(value: object, i: int, log: _Problems) -> int:
    if value is None:
        return NO_DATE
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return day_number(value)
    log.add(
        "invalid_field",
        f"date must be a date or an ISO date string, got {value!r}",
        "links",
        i,
        "date",
    )
    return NO_DATE
