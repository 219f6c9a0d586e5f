"""Checks of single columns: ids, names, tiers, forms, counts and attributes.

Each check reads one column of a :class:`~gridorg._build.Raw` input, logs a problem for every
bad value (naming its position and unit) and returns the column in its stored form. The
structural checks that relate units to each other live in :mod:`gridorg._build`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from gridorg._columns import CHUNK, PackedStrings, hashes_of, joined
from gridorg._fields import (
    MAX_COUNT,
    MISSING,
    attributes_problem,
    copy_json,
    count_problem,
    describe,
    id_problem,
)
from gridorg._problems import ProblemLog
from gridorg.tiers import FORMS, LevelScheme

IntArray = npt.NDArray[np.int64]
Column = Sequence[Any] | npt.NDArray[Any]

FORM_CODES: dict[object, int] = {
    None: -1,
    **{form.value: code for code, form in enumerate(FORMS)},
}


def types_of(values: Column) -> set[type]:
    return set(map(type, values))


def _bad(log: ProblemLog, code: str, text: str, i: int, ids: Any, field: str) -> None:
    """Log a record-level problem with the value at input position ``i`` of ``field``."""
    log.add(code, text, index=i, uid=uid_at(ids, i), field=field, record=True)


def uid_at(ids: Sequence[Any] | None, index: int) -> str | None:
    if ids is None:
        return None
    value = ids[index]
    return value if isinstance(value, str) else None


class PackedView:
    """Index a packed column like a list (for messages and verification)."""

    def __init__(self, packed: PackedStrings) -> None:
        self._packed = packed

    def __getitem__(self, position: int) -> str:
        return self._packed[position]

    def __len__(self) -> int:
        return len(self._packed)


def fix_strings(values: list[Any], start: int, field: str, log: ProblemLog, shown: Any) -> bool:
    """Check one chunk of a string column in place; ``False`` if an id is unusable."""
    ok = True
    for offset, value in enumerate(values):
        i = start + offset
        if field == "id":
            problem = id_problem("id", value)
            if value is MISSING:
                ok = False
            elif problem:
                log.add("invalid_id", problem, index=i, field="id", record=True)
                ok = False
            elif type(value) is not str:
                values[offset] = str(value)
        elif not isinstance(value, str):
            text = f"name must be a string, got {describe(value)}"
            _bad(log, "invalid_name", text, i, shown, "name")
            values[offset] = ""
        elif type(value) is not str:
            values[offset] = str(value)
    return ok


class CheckedStrings(NamedTuple):
    """A checked column of strings.

    ``packed`` is ``None`` when an id is unusable (the problem is logged); ``hashes`` is there
    when asked for; ``listed`` is the input list when the input was one; ``untrimmed`` holds
    the positions of empty or whitespace-padded strings when they were found on the way.
    """

    packed: PackedStrings | None
    hashes: IntArray | None = None
    listed: list[str] | None = None
    untrimmed: IntArray | None = None


def check_strings(
    values: Column, field: str, log: ProblemLog, shown: Any, *, hashed: bool
) -> CheckedStrings:
    """Check and pack a column of strings; also hash it when ``hashed``.

    A list is used as it is (the caller already holds it); arrays are converted to Python
    strings a chunk at a time so that ten million ids never exist as objects all at once.
    """
    if isinstance(values, list):
        listed: list[Any] = values
        try:
            text, offsets, untrimmed = joined(listed, edges=hashed)
        except TypeError:
            listed = list(listed)
            if not fix_strings(listed, 0, field, log, shown):
                return CheckedStrings(None)
            text, offsets, untrimmed = joined(listed, edges=hashed)
        hashes = hashes_of(listed, len(listed)) if hashed else None
        return CheckedStrings(PackedStrings(text, offsets), hashes, listed, untrimmed)
    hash_parts: list[IntArray] = []
    ok = True

    def chunks() -> Iterator[list[str]]:
        nonlocal ok
        for start in range(0, len(values), CHUNK):
            part = values[start : start + CHUNK]
            chunk = part.tolist() if isinstance(part, np.ndarray) else list(part)
            if not types_of(chunk) <= {str}:
                ok = fix_strings(chunk, start, field, log, shown) and ok
            if ok:  # after a bad id, later chunks are still checked but no longer packed
                if hashed:
                    hash_parts.append(hashes_of(chunk, len(chunk)))
                yield chunk

    packed = PackedStrings.from_chunks(chunks())
    if not ok:
        return CheckedStrings(None)
    hashes = None
    if hashed:
        hashes = np.concatenate(hash_parts) if hash_parts else np.zeros(0, np.int64)
    return CheckedStrings(packed, hashes)


def check_trimmed(
    packed: PackedStrings, log: ProblemLog, untrimmed: IntArray | None = None
) -> None:
    suspects = packed.untrimmed() if untrimmed is None else untrimmed
    for i in suspects.tolist():
        problem = id_problem("id", packed[i])
        if problem:
            log.add("invalid_id", problem, index=i, field="id", record=True)


def codes_from_ints(
    values: npt.NDArray[Any], field: str, low: int, high: int, log: ProblemLog, ids: Any
) -> npt.NDArray[np.int8]:
    bad = (values < low) | (values >= high)
    for i in np.flatnonzero(bad).tolist():
        text = f"{field} code must be between {low} and {high - 1}, got {values[i]}"
        _bad(log, f"invalid_{field}", text, i, ids, field)
    return np.where(bad, -2, values).astype(np.int8)


def check_tiers(
    values: Column, scheme: LevelScheme, log: ProblemLog, ids: Any
) -> npt.NDArray[np.int8]:
    count = len(ids) if ids is not None else len(values)
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        return codes_from_ints(values, "tier", 0, len(scheme), log, ids)
    listed = values.tolist() if isinstance(values, np.ndarray) else list(values)
    mapping: dict[object, int] = {name: code for code, name in enumerate(scheme.names)}
    try:
        return np.fromiter(map(mapping.__getitem__, listed), np.int8, count)
    except (KeyError, TypeError):
        pass
    codes: list[int | None] = [mapping.get(v) if isinstance(v, str) else None for v in listed]
    if None in codes:
        names = ", ".join(scheme.names)
        for i, code in enumerate(codes):
            if code is None:
                value = listed[i]
                codes[i] = -2
                if value is MISSING:
                    continue
                text = f"tier must be one of {names}, got {describe(value)}"
                _bad(log, "unknown_tier", text, i, ids, "tier")
    return np.fromiter(codes, np.int8, count)


def hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def check_forms(values: Column | None, count: int, log: ProblemLog, ids: Any) -> Any:
    if values is None:
        return np.full(count, -1, dtype=np.int8)
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        return codes_from_ints(values, "form", -1, len(FORMS), log, ids)
    listed = values.tolist() if isinstance(values, np.ndarray) else list(values)
    try:
        return np.fromiter(map(FORM_CODES.__getitem__, listed), np.int8, count)
    except (KeyError, TypeError):
        pass
    codes: list[int | None] = [FORM_CODES.get(v) if hashable(v) else None for v in listed]
    if None in codes:
        names = ", ".join(form.value for form in FORMS)
        for i, code in enumerate(codes):
            if code is None:
                value = listed[i]
                text = f"form must be None or one of {names}, got {describe(value)}"
                _bad(log, "unknown_form", text, i, ids, "form")
                codes[i] = -2
    return np.fromiter(codes, np.int8, count)


def check_counts(
    values: Column | None, field: str, count: int, log: ProblemLog, ids: Any
) -> npt.NDArray[np.int32]:
    if values is None:
        return np.zeros(count, dtype=np.int32)
    if isinstance(values, np.ndarray) and values.dtype.kind != "O":
        if values.dtype.kind not in "iu":
            text = (
                f"column {field} has dtype {values.dtype}; counts must be an integer column "
                "(convert it explicitly, e.g. with astype(int), after handling missing values)"
            )
            log.add("invalid_count", text, field=field, record=True)
            return np.zeros(count, dtype=np.int32)
        array = values
    else:
        listed = values.tolist() if isinstance(values, np.ndarray) else values
        fast: npt.NDArray[Any] | None = None
        if types_of(listed) <= {int}:
            try:
                fast = np.fromiter(listed, np.int64, len(listed))
            except OverflowError:  # beyond 64 bits: reported one by one below
                fast = None
        if fast is not None:
            array = fast
        else:
            listed = list(listed)
            for i, value in enumerate(listed):
                problem = count_problem(field, value)
                if problem:
                    _bad(log, "invalid_count", problem, i, ids, field)
                    listed[i] = 0
                else:
                    listed[i] = int(value)
            array = np.array(listed, dtype=np.int64) if listed else np.zeros(0, np.int64)
    if len(array) and (int(array.min()) < 0 or int(array.max()) > MAX_COUNT):
        for i in np.flatnonzero((array < 0) | (array > MAX_COUNT)).tolist():
            problem = count_problem(field, int(array[i]))
            _bad(log, "invalid_count", str(problem), i, ids, field)
        array = np.clip(array, 0, MAX_COUNT)
    return array.astype(np.int32)


def check_attributes(
    values: Mapping[int, Any], count: int, log: ProblemLog, ids: Any
) -> dict[int, dict[str, Any]]:
    checked: dict[int, dict[str, Any]] = {}
    for i, value in values.items():
        if value is None or (isinstance(value, Mapping) and not value):
            continue
        problem = attributes_problem(value)
        if problem:
            _bad(log, "invalid_attributes", problem, i, ids, "attributes")
        else:
            checked[i] = copy_json(value)
    return checked
