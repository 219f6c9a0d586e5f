"""Compact columns: packed strings and a hash index over them.

An organisation of ten million units cannot afford a Python object per id and per name. Ids and
names are kept as one Python string holding every value end to end plus an array of offsets
(8 bytes a value beyond its characters); lookups go through a sorted array of string hashes
(12 bytes a value), verified against the stored text so that a hash collision can never return
the wrong unit.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from operator import ne
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

#: Strings are converted to Python objects this many at a time, to bound peak memory.
CHUNK = 1 << 20
Int32Array = npt.NDArray[np.int32]


def frozen(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Mark ``array`` read-only and return it."""
    array.flags.writeable = False
    return array


class PackedStrings(Sequence[str]):
    """An immutable sequence of strings stored end to end in one ``str``."""

    __slots__ = ("_offsets", "_text")

    def __init__(self, text: str, offsets: IntArray) -> None:
        self._text = text
        self._offsets = frozen(offsets)

    @classmethod
    def from_list(cls, values: Sequence[str]) -> PackedStrings:
        """Pack ``values`` (which must all be ``str``)."""
        offsets = np.zeros(len(values) + 1, dtype=np.int64)
        if values:
            np.cumsum(np.fromiter(map(len, values), np.int64, len(values)), out=offsets[1:])
        return cls("".join(values), offsets)

    @classmethod
    def repeat(cls, value: str, count: int) -> PackedStrings:
        """``count`` copies of ``value``."""
        offsets = np.arange(count + 1, dtype=np.int64) * len(value)
        return cls(value * count, offsets)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        start, end = self._offsets[index : index + 2] if index >= 0 else (0, 0)
        if index < 0 or index >= len(self):
            msg = f"position {index} out of range for {len(self)} strings"
            raise IndexError(msg)
        return self._text[start:end]

    def tolist(self) -> list[str]:
        """Every string, as a new list."""
        text = self._text
        offsets = self._offsets.tolist()
        return list(map(text.__getitem__, map(slice, offsets[:-1], offsets[1:])))

    def take(self, indices: npt.ArrayLike) -> list[str]:
        """The strings at ``indices``, as a list."""
        text = self._text
        idx = np.asarray(indices, dtype=np.int64)
        starts = self._offsets[idx].tolist()
        ends = self._offsets[idx + 1].tolist()
        return list(map(text.__getitem__, map(slice, starts, ends)))

    def select(self, indices: npt.ArrayLike) -> PackedStrings:
        """A new packed column of the strings at ``indices`` (in bounded-size chunks)."""
        idx = np.asarray(indices, dtype=np.int64)
        if len(idx) <= CHUNK:
            return PackedStrings.from_list(self.take(idx))
        return PackedStrings.from_chunks(
            self.take(idx[start : start + CHUNK]) for start in range(0, len(idx), CHUNK)
        )

    @classmethod
    def from_chunks(cls, chunks: Iterable[Sequence[str]]) -> PackedStrings:
        """Pack strings arriving in chunks, so no list of every string is ever held."""
        pieces: list[str] = []
        lengths: list[IntArray] = []
        for chunk in chunks:
            pieces.append("".join(chunk))
            lengths.append(np.fromiter(map(len, chunk), np.int64, len(chunk)))
        count = sum(len(part) for part in lengths)
        offsets = np.zeros(count + 1, dtype=np.int64)
        if count:
            np.cumsum(np.concatenate(lengths), out=offsets[1:])
        return cls("".join(pieces), offsets)

    def lengths(self) -> IntArray:
        """The length of every string."""
        return np.diff(self._offsets)

    def untrimmed(self) -> IntArray:
        """Positions of strings that are empty or start or end with whitespace."""
        return _padded(_code_points(self._text), self._offsets[:-1], self.lengths())

    @property
    def nbytes(self) -> int:
        """Bytes held: the text object and the offsets."""
        return sys.getsizeof(self._text) + self._offsets.nbytes

    def __iter__(self) -> Any:
        return iter(self.tolist())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedStrings):
            return self._text == other._text and np.array_equal(self._offsets, other._offsets)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._text, len(self)))

    def __reduce__(self) -> tuple[Any, ...]:
        return (PackedStrings, (self._text, self._offsets.copy()))

    def __repr__(self) -> str:
        return f"<PackedStrings of {len(self)}>"


#: Every code point that ``str.isspace`` accepts (all lie below U+3001).
_WHITESPACE = np.array([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint32)


def _code_points(text: str) -> npt.NDArray[Any]:
    """The code points of ``text`` as an array (bytes when it is ASCII).

    ``surrogatepass``: lone surrogates are legal in a ``str`` and must not stop a build.
    """
    if text.isascii():
        return np.frombuffer(text.encode("ascii"), np.uint8)
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)


def _padded(codes: npt.NDArray[Any], starts: IntArray, lengths: IntArray) -> IntArray:
    """Positions of the strings that are empty or start or end with whitespace.

    String ``i`` is ``codes[starts[i] : starts[i] + lengths[i]]``.
    """
    flagged = lengths == 0
    if len(codes):
        last = len(codes) - 1
        flagged |= np.isin(codes[np.clip(starts, 0, last)], _WHITESPACE)
        flagged |= np.isin(codes[np.clip(starts + lengths - 1, 0, last)], _WHITESPACE)
    result: IntArray = np.flatnonzero(flagged)
    return result


def joined(values: Sequence[str], *, edges: bool = False) -> tuple[str, IntArray, IntArray | None]:
    """The strings end to end, their offsets and (with ``edges``) the untrimmed positions.

    ``TypeError`` if a value is not a string. The lengths are read from one ``"\\x00".join``
    (which also checks every value is a string) by finding the separators with numpy, instead
    of a ``len`` call per string; strings that hold NUL characters fall back to ``len``. With
    ``edges``, the positions of strings that are empty or start or end with whitespace are
    read from the same encoded text (``None`` when that shortcut does not apply).
    """
    count = len(values)
    offsets = np.zeros(count + 1, dtype=np.int64)
    if not count:
        return "", offsets, np.zeros(0, dtype=np.int64) if edges else None
    codes = _code_points("\x00".join(values))
    ends = np.flatnonzero(codes == 0)
    untrimmed: IntArray | None = None
    text = "".join(values)
    if len(ends) == count - 1:
        # The i-th separator sits at (end of string i) + i in the spaced text.
        offsets[1:count] = ends - np.arange(count - 1)
        offsets[count] = len(text)
        if edges:  # string i starts at offsets[i] + i in the spaced text
            untrimmed = _padded(codes, offsets[:-1] + np.arange(count), np.diff(offsets))
    else:
        np.cumsum(np.fromiter(map(len, values), np.int64, count), out=offsets[1:])
    return text, offsets, untrimmed


def hashes_of(values: Iterable[object], count: int) -> IntArray:
    """The Python hash of every value, as an int64 array."""
    return np.fromiter(map(hash, values), np.int64, count)


class HashIndex:
    """Maps strings of a :class:`PackedStrings` to their positions.

    The sorted hashes are searched with ``numpy.searchsorted``; every candidate is verified
    against the stored string, so collisions cost time, never correctness. Python's string hash
    is salted per process, so the index is rebuilt after unpickling rather than stored.
    """

    __slots__ = ("_keys", "_order", "_sorted")

    def __init__(self, keys: PackedStrings, hashes: IntArray | None = None) -> None:
        self._keys = keys
        if hashes is None:
            hashes = hashes_of(keys.tolist(), len(keys))
        order = np.argsort(hashes)
        sorted_hashes = hashes[order]
        # Among equal hashes (duplicate ids, or a rare collision) keep input order, so the
        # first occurrence of an id is the one found.
        tied = np.flatnonzero(sorted_hashes[1:] == sorted_hashes[:-1])
        if len(tied):
            starts = tied[np.r_[True, np.diff(tied) > 1]]
            for start in starts.tolist():
                stop = start + 1
                while stop < len(sorted_hashes) and sorted_hashes[stop] == sorted_hashes[start]:
                    stop += 1
                order[start:stop] = np.sort(order[start:stop])
        self._order = frozen(order.astype(np.int32 if len(keys) < 2**31 else np.int64))
        self._sorted = frozen(sorted_hashes)

    @classmethod
    def _from_parts(
        cls, keys: PackedStrings, order: npt.NDArray[Any], sorted_hashes: IntArray
    ) -> HashIndex:
        index = cls.__new__(cls)
        index._keys = keys
        index._order = frozen(order)
        index._sorted = sorted_hashes
        return index

    def permuted(self, keys: PackedStrings, position: IntArray) -> HashIndex:
        """The index of ``keys``, which hold this index's keys moved to ``position``."""
        return HashIndex._from_parts(
            keys, position[self._order].astype(self._order.dtype), self._sorted
        )

    @property
    def nbytes(self) -> int:
        return int(self._order.nbytes + self._sorted.nbytes)

    def duplicates(self) -> list[tuple[int, int]]:
        """Pairs (first position, later position) of equal strings."""
        same = np.flatnonzero(self._sorted[1:] == self._sorted[:-1])
        if len(same) == 0:
            return []
        pairs: list[tuple[int, int]] = []
        # Runs of equal hashes: compare every member with the earlier members of its run.
        run_starts = same[np.r_[True, np.diff(same) > 1]]
        for start in run_starts.tolist():
            end = start + 1
            while end < len(self._sorted) and self._sorted[end] == self._sorted[start]:
                end += 1
            members = sorted(int(p) for p in self._order[start:end])
            first_of: dict[str, int] = {}
            for pos in members:
                key = self._keys[pos]
                if key in first_of:
                    pairs.append((first_of[key], pos))
                else:
                    first_of[key] = pos
        pairs.sort(key=lambda pair: pair[1])
        return pairs

    def get(self, key: str) -> int:
        """The position of ``key``, or -1."""
        h = hash(key)
        sorted_hashes = self._sorted
        at = int(np.searchsorted(sorted_hashes, h))
        size = len(sorted_hashes)
        while at < size and sorted_hashes[at] == h:
            pos = int(self._order[at])
            if self._keys[pos] == key:
                return pos
            at += 1
        return -1

    def get_many(
        self,
        keys: Sequence[object],
        *,
        stored: Sequence[str] | None = None,
        hashes: IntArray | None = None,
    ) -> IntArray:
        """The position of every key (``-1`` for absent keys and non-strings).

        ``stored`` may give the indexed strings as a list (faster verification than slicing
        the packed text); ``hashes`` the keys' hashes when already computed.
        """
        count = len(keys)
        if count == 0 or len(self._sorted) == 0:
            return np.full(count, -1, dtype=np.int64)
        wanted = hashes_of(keys, count) if hashes is None else hashes
        if count > 10_000:  # sorted queries walk the table in order: far fewer cache misses
            order = np.argsort(wanted)
            at = np.empty(count, dtype=np.int64)
            at[order] = np.searchsorted(self._sorted, wanted[order])
        else:
            at = np.searchsorted(self._sorted, wanted)
        np.minimum(at, len(self._sorted) - 1, out=at)
        found = np.where(self._sorted[at] == wanted, self._order[at].astype(np.int64), -1)
        # Verify every candidate against the stored text; fall back to a scan on mismatch.
        hit = np.flatnonzero(found >= 0)
        hit_list = hit.tolist()
        if len(hit_list) == count:
            candidates: Sequence[object] = keys
        else:
            candidates = list(map(keys.__getitem__, hit_list))
        positions = found[hit].tolist()
        actual = (
            self._keys.take(positions)
            if stored is None
            else list(map(stored.__getitem__, positions))
        )
        wrong = np.flatnonzero(np.fromiter(map(ne, candidates, actual), np.bool_, len(hit_list)))
        for slot in wrong.tolist():
            i = hit_list[slot]
            key = keys[i]
            found[i] = self.get(key) if isinstance(key, str) else -1
        return found

    def __reduce__(self) -> tuple[Any, ...]:
        return (HashIndex, (self._keys,))
