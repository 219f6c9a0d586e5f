"""The results of a sweep: tidy rows per scenario, seed and metric, and their summary."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, NamedTuple

import attrs
import numpy as np

from gridorg._fields import describe
from gridorg.errors import ArgumentTypeError, InvalidArgumentError, missing_dependency
from gridorg.metrics._table import format_value

__all__ = ["SummaryRow", "SweepResult", "SweepRow", "summarise"]


class SweepRow(NamedTuple):
    """One value of a sweep: the scenario's name, the seed, the metric, its value and unit."""

    scenario: str
    seed: int
    metric: str
    value: int | float
    unit: str


class SummaryRow(NamedTuple):
    """A metric of one scenario over its seeds: mean, standard deviation and confidence interval.

    ``n`` counts the values used and ``nan`` the NaN values left out (a rate over no cases is
    NaN). ``sd`` is the sample standard deviation (``n - 1`` in the denominator) and
    ``ci_low`` / ``ci_high`` the two-sided Student-t interval of the mean at the confidence
    asked for. With fewer than two values ``sd`` and the interval are NaN; with none the mean is.
    """

    scenario: str
    metric: str
    unit: str
    n: int
    nan: int
    mean: float
    sd: float
    ci_low: float
    ci_high: float


def _check_confidence(confidence: object) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, int | float):
        msg = f"confidence must be a number between 0 and 1, got {describe(confidence)}"
        raise ArgumentTypeError(msg)
    if not 0.0 < confidence < 1.0:
        msg = f"confidence must be strictly between 0 and 1, got {confidence!r}"
        raise InvalidArgumentError(msg)
    return float(confidence)


def _is_nan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)


def summarise(rows: Iterable[SweepRow], confidence: float) -> list[SummaryRow]:
    """The summary of ``rows`` per (scenario, metric), in the order they first appear."""
    from scipy import stats

    level = _check_confidence(confidence)
    groups: dict[tuple[str, str], tuple[str, list[float]]] = {}
    for row in rows:
        key = (row.scenario, row.metric)
        if key not in groups:
            groups[key] = (row.unit, [])
        groups[key][1].append(float(row.value))
    summary: list[SummaryRow] = []
    for (scenario, metric), (unit, values) in groups.items():
        numbers = np.array([v for v in values if not math.isnan(v)], dtype=np.float64)
        n = int(numbers.size)
        mean = float(numbers.mean()) if n else math.nan
        sd = low = high = math.nan
        if n >= 2:
            sd = float(numbers.std(ddof=1))
            half = float(stats.t.ppf(0.5 + level / 2.0, n - 1)) * sd / math.sqrt(n)
            low, high = mean - half, mean + half
        summary.append(SummaryRow(scenario, metric, unit, n, len(values) - n, mean, sd, low, high))
    return summary


def _same_rows(a: tuple[SweepRow, ...], b: tuple[SweepRow, ...]) -> bool:
    """Rows equal field by field, with NaN equal to NaN."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x[:3] != y[:3] or x.unit != y.unit:
            return False
        if x.value != y.value and not (_is_nan(x.value) and _is_nan(y.value)):
            return False
    return True


@attrs.frozen
class SweepResult:
    """The tidy table of a sweep: one row per scenario, seed and metric.

    Rows come scenario by scenario in the order the scenarios were given, seed by seed within
    a scenario, and metric by metric in the order asked, then the run figures (``run.*``).
    :meth:`summary` gives each metric's mean and confidence interval over the seeds. Results
    compare equal when their rows do (NaN equal to NaN); ``seconds``, the sweep's wall-clock
    time, is left out of the comparison.
    """

    rows: tuple[SweepRow, ...] = attrs.field(eq=attrs.cmp_using(eq=_same_rows), hash=False)
    seconds: float = attrs.field(default=0.0, eq=False)

    @property
    def scenarios(self) -> tuple[str, ...]:
        """The scenario names, in order."""
        return tuple(dict.fromkeys(row.scenario for row in self.rows))

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metric names, in order of first appearance."""
        return tuple(dict.fromkeys(row.metric for row in self.rows))

    @property
    def seeds(self) -> tuple[int, ...]:
        """The seeds, in order of first appearance."""
        return tuple(dict.fromkeys(row.seed for row in self.rows))

    def summary(self, *, confidence: float = 0.95) -> list[SummaryRow]:
        """Per scenario and metric: n, NaN count, mean, sd and the Student-t interval."""
        return summarise(self.rows, confidence)

    def to_records(
        self, *, summary: bool = False, confidence: float = 0.95
    ) -> list[dict[str, Any]]:
        """The rows as dictionaries (with ``summary=True``, the summary rows)."""
        rows = self.summary(confidence=confidence) if summary else self.rows
        return [row._asdict() for row in rows]

    def to_pandas(self, *, summary: bool = False, confidence: float = 0.95) -> Any:
        """The rows as a long ``pandas.DataFrame`` (with ``summary=True``, the summary); needs
        pandas."""
        try:
            import pandas as pd
        except ImportError:
            error = missing_dependency("pandas", "dataframe", "SweepResult.to_pandas")
            raise error from None
        if summary:
            return pd.DataFrame(self.summary(confidence=confidence), columns=SummaryRow._fields)
        frame = pd.DataFrame(list(self.rows), columns=SweepRow._fields)
        return frame.astype({"scenario": object, "metric": object, "unit": object})

    def to_markdown(self, *, summary: bool = True, confidence: float = 0.95) -> str:
        """A GitHub Markdown table: the summary (the default) or, with ``summary=False``, the
        rows; shares read as percentages."""
        if not summary:
            lines = ["| scenario | seed | metric | value | unit |", "|---|---:|---|---:|---|"]
            lines.extend(
                f"| {_cell(r.scenario)} | {r.seed} | {_cell(r.metric)} | "
                f"{format_value(r.value, r.unit)} | {_cell(r.unit)} |"
                for r in self.rows
            )
            return "\n".join(lines) + "\n"
        rows = self.summary(confidence=confidence)  # checks confidence
        percent = f"{confidence * 100:g}%"
        lines = [
            f"| scenario | metric | n | mean | sd | {percent} CI low | {percent} CI high | unit |",
            "|---|---|---:|---:|---:|---:|---:|---|",
        ]
        for s in rows:
            numbers = " | ".join(
                format_value(v, s.unit) for v in (s.mean, s.sd, s.ci_low, s.ci_high)
            )
            count = f"{s.n}" if not s.nan else f"{s.n} (+{s.nan} NaN)"
            lines.append(
                f"| {_cell(s.scenario)} | {_cell(s.metric)} | {count} | {numbers} | "
                f"{_cell(s.unit)} |"
            )
        return "\n".join(lines) + "\n"

    def __repr__(self) -> str:
        return (
            f"<SweepResult: {len(self.scenarios)} scenarios × {len(self.seeds)} seeds, "
            f"{len(self.metrics)} metrics, {len(self.rows)} rows>"
        )


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
