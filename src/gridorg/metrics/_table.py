"""The table of computed metric values: ``MetricTable``."""

from __future__ import annotations

import datetime as dt
import difflib
import html
import math
from collections.abc import Iterator, Mapping
from typing import Any, Final, NamedTuple

from gridorg._fields import describe
from gridorg.errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    UnknownMetricError,
    missing_dependency,
)

__all__ = ["MetricRow", "MetricTable", "format_value"]

_COLUMNS: Final = ("metric", "key", "value", "unit")
_CELL: Final = "padding:2px 8px;border-bottom:1px solid #ddd;"


class MetricRow(NamedTuple):
    """One value of a metric table: the metric, its key (``None`` overall), value and unit."""

    metric: str
    key: str | None
    value: int | float
    unit: str


def format_value(value: float, unit: str) -> str:
    """``value`` as people read it: shares as percentages, thousands separated, NaN as such."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if unit == "share":
        return f"{value * 100:.1f}%"
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 1000:
        return f"{value:,.1f}"
    return f"{value:.4g}"


class MetricTable:
    """Computed metric values with their units, one row per value.

    ``table[name]`` is a metric's number, or ``{key: number}`` when it was broken down;
    :meth:`value` reads one value. Rows are ``(metric, key, value, unit)`` with ``key`` ``None``
    for an overall value; iterating yields them. ``skipped`` maps the metrics that ``"all"``
    left out to the reason. ``by`` and ``period`` are those of the ``compute`` call.
    """

    __slots__ = ("_by", "_period", "_rows", "_skipped", "_units", "_values")

    def __init__(
        self,
        values: Mapping[str, float | Mapping[str, float]],
        units: Mapping[str, str],
        *,
        skipped: Mapping[str, str] | None = None,
        by: str | None = None,
        period: tuple[dt.datetime, dt.datetime] | None = None,
    ) -> None:
        missing = [name for name in values if name not in units]
        if missing:
            msg = f"MetricTable: no unit given for {', '.join(map(repr, missing))}"
            raise InvalidArgumentError(msg)
        self._values: dict[str, float | dict[str, float]] = {
            name: dict(value) if isinstance(value, Mapping) else value
            for name, value in values.items()
        }
        self._units = {name: units[name] for name in values}
        self._skipped = dict(skipped or {})
        self._by = by
        self._period = period
        self._rows: tuple[MetricRow, ...] | None = None  # built when first read

    def _all_rows(self) -> tuple[MetricRow, ...]:
        if self._rows is None:
            rows: list[MetricRow] = []
            for name, value in self._values.items():
                unit = self._units[name]
                if isinstance(value, dict):
                    rows.extend(MetricRow(name, k, v, unit) for k, v in value.items())
                else:
                    rows.append(MetricRow(name, None, value, unit))
            self._rows = tuple(rows)
        return self._rows

    # ------------------------------------------------------------------------- reading

    @property
    def names(self) -> tuple[str, ...]:
        """The metrics computed, in order."""
        return tuple(self._values)

    @property
    def rows(self) -> tuple[MetricRow, ...]:
        """Every value as a row ``(metric, key, value, unit)``."""
        return self._all_rows()

    @property
    def skipped(self) -> dict[str, str]:
        """The metrics left out (by ``"all"``), each with the reason."""
        return dict(self._skipped)

    @property
    def by(self) -> str | None:
        """The breakdown asked for, or ``None``."""
        return self._by

    @property
    def period(self) -> tuple[dt.datetime, dt.datetime] | None:
        """The period ``[start, end)`` asked for, or ``None``."""
        return self._period

    def unit(self, name: str) -> str:
        """The unit of the metric ``name``."""
        self._check_name(name)
        return self._units[name]

    def __getitem__(self, name: str) -> Any:
        # Typed ``Any``: a number, or a mapping when broken down; ``value()`` is typed ``float``.
        self._check_name(name)
        value = self._values[name]
        return dict(value) if isinstance(value, dict) else value

    def value(self, name: str, key: str | None = None) -> float:
        """The value of the metric ``name``: overall, or for ``key`` when it was broken down."""
        self._check_name(name)
        value = self._values[name]
        if not isinstance(value, dict):
            if key is not None:
                msg = f"metric {name!r} was not broken down, so it has no key; got key {key!r}"
                raise InvalidArgumentError(msg)
            return value
        if key is None:
            msg = f"metric {name!r} was computed by {self._by}; pass key= one of its keys"
            raise InvalidArgumentError(msg)
        if key not in value:
            keys = ", ".join(map(repr, list(value)[:10])) or "none"
            msg = f"metric {name!r} has no value for key {key!r}; its keys: {keys}"
            raise InvalidArgumentError(msg)
        return value[key]

    def _check_name(self, name: object) -> None:
        if not isinstance(name, str):
            msg = f"a metric name must be a string, got {describe(name)}"
            raise ArgumentTypeError(msg)
        if name not in self._values:
            close = difflib.get_close_matches(name, list(self._values), n=3)
            hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
            reason = self._skipped.get(name)
            if reason is not None:
                hint = f"; it was skipped: {reason}"
            msg = f"metric {name!r} is not in this table{hint}"
            raise UnknownMetricError(msg)

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def __len__(self) -> int:
        return sum(len(v) if isinstance(v, dict) else 1 for v in self._values.values())

    def __iter__(self) -> Iterator[MetricRow]:
        return iter(self._all_rows())

    # ------------------------------------------------------------------------- conversions

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """``{name: {"value": number or {key: number}, "unit": unit}}`` with raw values."""
        return {
            name: {
                "value": dict(value) if isinstance(value, dict) else value,
                "unit": self._units[name],
            }
            for name, value in self._values.items()
        }

    def to_pandas(self) -> Any:
        """The rows as a long ``pandas.DataFrame``: metric, key, value, unit (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            error = missing_dependency("pandas", "dataframe", "MetricTable.to_pandas")
            raise error from None
        frame = pd.DataFrame([tuple(row) for row in self._all_rows()], columns=list(_COLUMNS))
        return frame.astype({"metric": object, "key": object, "unit": object})

    def _cells(self) -> list[tuple[str, str, str, str]]:
        return [
            (
                row.metric,
                "" if row.key is None else row.key,
                format_value(row.value, row.unit),
                row.unit,
            )
            for row in self._all_rows()
        ]

    def to_markdown(self) -> str:
        """The values as a GitHub Markdown table with their units (shares as percentages)."""
        lines = ["| metric | key | value | unit |", "|---|---|---:|---|"]
        lines.extend(
            "| " + " | ".join(_escape_markdown(cell) for cell in cells) + " |"
            for cells in self._cells()
        )
        if self._skipped:
            lines.append("")
            lines.extend(
                f"- skipped `{name}`: {_escape_markdown(reason)}"
                for name, reason in self._skipped.items()
            )
        return "\n".join(lines) + "\n"

    def to_text(self) -> str:
        """The values as an aligned plain-text table."""
        cells = [("metric", "key", "value", "unit"), *self._cells()]
        widths = [max(len(row[i]) for row in cells) for i in range(4)]
        lines = [self._heading()]
        for metric, key, value, unit in cells:
            line = (
                f"{metric.ljust(widths[0])}  {key.ljust(widths[1])}  "
                f"{value.rjust(widths[2])}  {unit}"
            )
            lines.append(line.rstrip())
        lines.extend(f"skipped {name}: {reason}" for name, reason in self._skipped.items())
        return "\n".join(lines)

    def to_html(self) -> str:
        """The values as a self-contained HTML table (inline styles, no scripts)."""
        head = "".join(
            f"<th style='text-align:{'right' if c == 'value' else 'left'};{_CELL}'>{c}</th>"
            for c in _COLUMNS
        )
        body = "".join(
            "<tr>"
            f"<td style='text-align:left;{_CELL}'><code>{html.escape(metric)}</code></td>"
            f"<td style='text-align:left;{_CELL}'>{html.escape(key)}</td>"
            f"<td style='text-align:right;{_CELL}'>{html.escape(value)}</td>"
            f"<td style='text-align:left;{_CELL}'>{html.escape(unit)}</td>"
            "</tr>"
            for metric, key, value, unit in self._cells()
        )
        caption = f"<caption style='text-align:left;'>{html.escape(self._heading())}</caption>"
        parts = [f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"]
        if self._skipped:
            items = "".join(
                f"<li><code>{html.escape(name)}</code>: {html.escape(reason)}</li>"
                for name, reason in self._skipped.items()
            )
            parts.append(f"<p>Skipped:</p><ul>{items}</ul>")
        return "<div>" + "".join(parts) + "</div>"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": self.to_text(), "text/html": self.to_html()}

    def _heading(self) -> str:
        count = len(self._values)
        parts = [f"{count} metric{'' if count == 1 else 's'}"]
        if self._by is not None:
            parts.append(f"by {self._by}")
        if self._period is not None:
            start, end = self._period
            parts.append(f"period {start.isoformat()} to {end.isoformat()}")
        if self._skipped:
            parts.append(f"{len(self._skipped)} skipped")
        return "MetricTable: " + ", ".join(parts)

    def __repr__(self) -> str:
        count = len(self)
        return f"<{self._heading()}; {count} row{'' if count == 1 else 's'}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MetricTable):
            return NotImplemented
        return (
            self._units == other._units
            and self._skipped == other._skipped
            and self._by == other._by
            and self._period == other._period
            and len(self) == len(other)
            and all(
                _same_row(a, b) for a, b in zip(self._all_rows(), other._all_rows(), strict=True)
            )
        )

    __hash__ = None  # type: ignore[assignment]  # mutable-looking mapping: no hash


def _same_row(a: MetricRow, b: MetricRow) -> bool:
    if a.metric != b.metric or a.key != b.key or a.unit != b.unit:
        return False
    both_nan = isinstance(a.value, float) and isinstance(b.value, float)
    if both_nan and math.isnan(a.value) and math.isnan(b.value):
        return True
    return a.value == b.value


def _escape_markdown(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
