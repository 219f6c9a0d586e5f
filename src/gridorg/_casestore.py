"""Growable columns and string pools: the storage under a case log."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt

from gridorg._fields import describe, id_problem
from gridorg.errors import ArgumentTypeError, CaseLogError

I64 = npt.NDArray[np.int64]


class Columns:
    """Named numpy columns of one length that grow by amortised doubling."""

    __slots__ = ("_data", "_fill", "size")

    def __init__(self, dtypes: dict[str, Any], fill: dict[str, int] | None = None) -> None:
        self._data = {name: np.empty(0, dtype=dtype) for name, dtype in dtypes.items()}
        self._fill: dict[str, int] = fill or {}
        self.size = 0

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        """The live part of column ``name`` (a view: do not keep it across growth)."""
        return self._data[name][: self.size]

    def raw(self, name: str) -> npt.NDArray[Any]:
        """The whole buffer of column ``name``, capacity included."""
        return self._data[name]

    def grow(self, size: int) -> None:
        """Make room for ``size`` rows (new rows take the column's fill value, or garbage)."""
        capacity = len(next(iter(self._data.values())))
        if size > capacity:
            capacity = max(size, 2 * capacity, 1024)
            for name, old in self._data.items():
                new = np.empty(capacity, dtype=old.dtype)
                new[: self.size] = old[: self.size]
                self._data[name] = new
        for name, value in self._fill.items():
            self._data[name][self.size : size] = value
        self.size = max(self.size, size)

    def trimmed(self) -> dict[str, npt.NDArray[Any]]:
        """Copies of the live parts, by name."""
        return {name: data[: self.size].copy() for name, data in self._data.items()}

    def load(self, columns: dict[str, npt.NDArray[Any]]) -> None:
        """Replace the contents with ``columns`` (equal lengths)."""
        self.size = 0
        size = len(next(iter(columns.values())))
        for name, old in self._data.items():
            self._data[name] = np.asarray(columns[name], dtype=old.dtype).copy()
        self.size = size


class Pool:
    """A growable table of distinct strings and their codes; code 0 may be reserved for ""."""

    __slots__ = ("index", "values")

    def __init__(self, values: Sequence[str] = ()) -> None:
        self.values: list[str] = list(values)
        self.index: dict[str, int] = {v: i for i, v in enumerate(self.values)}

    def code(self, value: str) -> int:
        """The code of ``value``, added when new."""
        code = self.index.get(value)
        if code is None:
            code = self.index[value] = len(self.values)
            self.values.append(value)
        return code

    def codes(
        self, values: Sequence[Any], name: str, *, ids: bool = False
    ) -> tuple[I64, dict[Any, int]]:
        """The codes of ``values`` and the new strings with their tentative codes.

        Nothing is added: :meth:`commit` adds the new strings once the whole batch is accepted.
        With ``ids``, new values must be valid ids (non-empty, no surrounding whitespace).
        """
        count = len(values)
        try:
            found = np.fromiter(map(self.index.get, values, repeat(-1)), np.int64, count)
        except TypeError:
            bad = next(i for i, v in enumerate(values) if not _hashable(v))
            msg = f"{name} at index {bad} must be a string, got {describe(values[bad])}"
            raise ArgumentTypeError(msg) from None
        fresh = np.flatnonzero(found < 0)
        new: dict[Any, int] = {}
        if len(fresh):
            unseen = [values[i] for i in fresh.tolist()]
            new = dict.fromkeys(unseen, 0)
            for value in new:
                problem = _problem(value, name, ids=ids)
                if problem:
                    at = int(fresh[unseen.index(value)])
                    msg = f"{name} at index {at}: {problem}"
                    raise (ArgumentTypeError if not isinstance(value, str) else CaseLogError)(msg)
            base = len(self.values)
            for offset, value in enumerate(new):
                new[value] = base + offset
            found[fresh] = np.fromiter(map(new.__getitem__, unseen), np.int64, len(unseen))
        return found, new

    def commit(self, new: dict[Any, int]) -> None:
        """Add the strings :meth:`codes` found new."""
        self.values.extend(new)
        self.index.update(new)

    def __len__(self) -> int:
        return len(self.values)


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _problem(value: object, name: str, *, ids: bool) -> str | None:
    if ids:
        return id_problem(name, value)
    if not isinstance(value, str):
        return f"expected a string, got {describe(value)}"
    return None
