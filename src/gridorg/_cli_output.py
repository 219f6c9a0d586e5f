"""What ``gridorg simulate --out DIR`` writes: the case log and the report.

``cases.jsonl`` holds one event a line with the keys of :data:`FIELDS` (times in ISO 8601 with
the offset of the scenario's time zone; ``due`` and ``rating`` null when absent; the case's
category and origin repeated on each of its events). ``cases.parquet`` holds the same columns,
times as UTC timestamps, when pyarrow can be imported. ``report.json`` and ``report.md`` hold
the report that the command prints.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TextIO

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

    from gridorg.lifecycle import CaseLog

__all__ = ["FIELDS", "event_records", "write_jsonl", "write_parquet", "write_text"]

#: The keys of each ``cases.jsonl`` line and the columns of ``cases.parquet``, in order.
FIELDS: Final = ("case", "time", "state", "actor", "note", "due", "rating", "category", "origin")
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _per_event(columns: dict[str, npt.NDArray[Any]], key: str) -> list[str | None]:
    known = dict(zip(columns["cases"].tolist(), columns[key].tolist(), strict=True))
    return [known.get(case) for case in columns["case"].tolist()]


def event_records(log: CaseLog, tz: dt.tzinfo) -> Iterator[dict[str, Any]]:
    """Every event of ``log`` as a record with the keys of :data:`FIELDS`, times in ``tz``."""
    from gridorg.lifecycle import NO_RATING, NO_TIME, STATES

    columns = log.to_columns()
    categories = _per_event(columns, "category")
    origins = _per_event(columns, "origin")

    def iso(us: int) -> str:
        return (_EPOCH + dt.timedelta(microseconds=us)).astimezone(tz).isoformat()

    rows = zip(
        columns["case"].tolist(),
        columns["time"].tolist(),
        columns["state"].tolist(),
        columns["actor"].tolist(),
        columns["note"].tolist(),
        columns["due"].tolist(),
        columns["rating"].tolist(),
        categories,
        origins,
        strict=True,
    )
    for case, time, state, actor, note, due, rating, category, origin in rows:
        yield {
            "case": case,
            "time": iso(time),
            "state": STATES[state].value,
            "actor": actor,
            "note": note,
            "due": None if due == NO_TIME else iso(due),
            "rating": None if rating == NO_RATING else rating,
            "category": category,
            "origin": origin,
        }


def write_jsonl(log: CaseLog, path: Path, tz: dt.tzinfo) -> int:
    """Write ``log`` to ``path`` as JSON Lines; return the number of lines."""
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for record in event_records(log, tz):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def write_parquet(log: CaseLog, path: Path, err: TextIO) -> bool:
    """Write ``log`` to ``path`` as Parquet when pyarrow can be imported; else say on ``err``
    (one line) that the file was left out. Return whether it was written."""
    try:
        pa = importlib.import_module("pyarrow")
        parquet = importlib.import_module("pyarrow.parquet")
    except ImportError:
        err.write(
            f"gridorg: note: {path.name} not written: it needs pyarrow "
            "(pip install 'gridorg[parquet]')\n"
        )
        return False
    from gridorg.lifecycle import NO_RATING, NO_TIME, STATES

    columns = log.to_columns()
    stamp = pa.timestamp("us", tz="UTC")
    text = pa.string()
    states = np.array([state.value for state in STATES], dtype=object)
    table = pa.table(
        {
            "case": pa.array(columns["case"].tolist(), type=text),
            "time": pa.array(columns["time"], type=stamp),
            "state": pa.array(states[columns["state"]].tolist(), type=text),
            "actor": pa.array(columns["actor"].tolist(), type=text),
            "note": pa.array(columns["note"].tolist(), type=text),
            "due": pa.array(columns["due"], type=stamp, mask=columns["due"] == NO_TIME),
            "rating": pa.array(
                columns["rating"], type=pa.int8(), mask=columns["rating"] == NO_RATING
            ),
            "category": pa.array(_per_event(columns, "category"), type=text),
            "origin": pa.array(_per_event(columns, "origin"), type=text),
        }
    )
    parquet.write_table(table, str(path))
    return True


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` in UTF-8 with Unix line ends."""
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
