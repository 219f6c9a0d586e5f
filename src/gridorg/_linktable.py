"""Column storage for cross-links: twenty bytes a link, whatever the organisation's size.

A link is one row: its kind, each end as (end type, position) — a unit's preorder position or
an index into the partners, people or sites — a date (days since 1970-01-01), a free-text
field as an index into a pool of distinct strings, and a role code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from gridorg._columns import frozen

#: End types.
UNIT: Final = 0
PARTNER: Final = 1
PERSON: Final = 2
SITE: Final = 3
END_NAMES: Final = ("unit", "partner", "person", "site")

#: The date column's "no date".
NO_DATE: Final = np.iinfo(np.int32).min
EPOCH: Final = dt.date(1970, 1, 1)

COLUMNS: Final = ("kind", "src_type", "src", "dst_type", "dst", "date", "text", "role")
DTYPES: Final = {
    "kind": np.int8,
    "src_type": np.int8,
    "src": np.int32,
    "dst_type": np.int8,
    "dst": np.int32,
    "date": np.int32,
    "text": np.int32,
    "role": np.int8,
}


def day_number(value: dt.date | None) -> int:
    """The date as days since 1970-01-01, or :data:`NO_DATE`."""
    return NO_DATE if value is None else (value - EPOCH).days


def from_day_number(value: int) -> dt.date | None:
    """The inverse of :func:`day_number`."""
    return None if value == NO_DATE else EPOCH + dt.timedelta(days=value)


@attrs.frozen(eq=False)
class LinkTable:
    """The links as read-only columns plus the pool of their free-text values."""

    kind: npt.NDArray[np.int8]
    src_type: npt.NDArray[np.int8]
    src: npt.NDArray[np.int32]
    dst_type: npt.NDArray[np.int8]
    dst: npt.NDArray[np.int32]
    date: npt.NDArray[np.int32]
    text: npt.NDArray[np.int32]
    role: npt.NDArray[np.int8]
    texts: tuple[str, ...] = ()

    @classmethod
    def empty(cls) -> LinkTable:
        return cls.from_arrays((), **{name: np.empty(0, dtype=DTYPES[name]) for name in COLUMNS})

    @classmethod
    def from_arrays(cls, texts: tuple[str, ...], **columns: Any) -> LinkTable:
        return cls(
            **{name: frozen(np.asarray(columns[name], dtype=DTYPES[name])) for name in COLUMNS},
            texts=texts,
        )

    def __len__(self) -> int:
        return len(self.kind)

    def text_at(self, row: int) -> str | None:
        code = int(self.text[row])
        return None if code < 0 else self.texts[code]

    def resolved_texts(self) -> list[str | None]:
        pool: list[str | None] = [*self.texts, None]  # code -1 picks the trailing None
        return list(map(pool.__getitem__, self.text.tolist()))

    def concat(self, other: LinkTable) -> LinkTable:
        """This table followed by ``other`` (whose text codes index ``other.texts``)."""
        if not len(other):
            return self
        if not len(self):
            return other
        pool = {text: i for i, text in enumerate(self.texts)}
        for text in other.texts:
            pool.setdefault(text, len(pool))
        recode = np.array([pool[t] for t in other.texts] + [-1], dtype=np.int32)
        merged = {
            name: np.concatenate([getattr(self, name), getattr(other, name)]) for name in COLUMNS
        }
        merged["text"][len(self) :] = recode[other.text]
        return LinkTable.from_arrays(tuple(pool), **merged)

    def select(self, rows: npt.NDArray[Any]) -> LinkTable:
        """The rows ``rows`` (a boolean mask or positions), with the pool kept whole."""
        return LinkTable.from_arrays(
            self.texts, **{name: getattr(self, name)[rows] for name in COLUMNS}
        )

    def with_ends(
        self, *, src: npt.NDArray[Any] | None = None, dst: npt.NDArray[Any] | None = None
    ) -> LinkTable:
        return attrs.evolve(
            self,
            src=self.src if src is None else frozen(src.astype(np.int32)),
            dst=self.dst if dst is None else frozen(dst.astype(np.int32)),
        )

    def same_as(self, other: LinkTable) -> bool:
        return (
            len(self) == len(other)
            and all(
                np.array_equal(getattr(self, name), getattr(other, name))
                for name in COLUMNS
                if name != "text"
            )
            and self.resolved_texts() == other.resolved_texts()
        )

    def key(self) -> tuple[Any, ...]:
        """Bytes that determine the table's content, for hashing."""
        return (
            *(getattr(self, name).tobytes() for name in COLUMNS if name != "text"),
            tuple(self.resolved_texts()),
        )

    @property
    def nbytes(self) -> int:
        return int(sum(getattr(self, name).nbytes for name in COLUMNS)) + sum(
            len(t) for t in self.texts
        )
