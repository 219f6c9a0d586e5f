"""Shared pieces of the command line: exit statuses, argument types, presets and output."""

from __future__ import annotations

import argparse
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final, TextIO, TypeVar

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "PRESETS",
    "add_days",
    "add_sets",
    "non_negative",
    "parameter",
    "parsed",
    "positive",
    "positive_float",
    "preset",
    "rows_markdown",
    "write_json",
]

EXIT_OK: Final = 0
EXIT_INVALID: Final = 1
EXIT_USAGE: Final = 2
EXIT_INTERRUPTED: Final = 130

#: The built-in organisations, by the name ``--preset`` takes.
PRESETS: Final = ("songtao", "yinjiang")

_T = TypeVar("_T")

_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*")


def preset(name: str) -> Organisation:
    """The built-in organisation called ``name`` (one of :data:`PRESETS`)."""
    from gridorg import datasets

    builders: dict[str, Callable[[], Organisation]] = {
        "songtao": datasets.songtao,
        "yinjiang": datasets.yinjiang,
    }
    return builders[name]()


def add_days(parser: argparse.ArgumentParser) -> None:
    """Add ``--days``, the horizon of a preset's scenario, to ``parser``."""
    parser.add_argument(
        "--days",
        type=positive_float,
        metavar="N",
        help="the horizon in days (default: the scenario's, a year)",
    )


def add_sets(parser: argparse.ArgumentParser, defaults: Sequence[str]) -> None:
    """Add ``--set``, metric sets to report instead of ``defaults``, to ``parser``."""
    from gridorg.metrics._registry import set_names

    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        choices=set_names(),
        metavar="SET",
        help=f"a metric set to report, instead of {', '.join(defaults)}; repeat for more",
    )


def parsed(text: str, convert: Callable[[str], _T], expected: str) -> _T:
    """``text`` converted by ``convert``; a usage error naming ``expected`` when it cannot be."""
    try:
        return convert(text)
    except ValueError:
        msg = f"expected {expected}, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def non_negative(text: str) -> int:
    """``text`` as an integer ``>= 0``, for argparse."""
    value = parsed(text, int, "an integer")
    if value < 0:
        msg = f"expected a non-negative integer, got {value}"
        raise argparse.ArgumentTypeError(msg)
    return value


def positive(text: str) -> int:
    """``text`` as an integer ``>= 1``, for argparse."""
    value = non_negative(text)
    if value == 0:
        msg = "expected a positive integer, got 0"
        raise argparse.ArgumentTypeError(msg)
    return value


def positive_float(text: str) -> float:
    """``text`` as a finite number ``> 0``, for argparse."""
    value = parsed(text, float, "a number")
    if not 0 < value < float("inf"):
        msg = f"expected a positive number, got {text}"
        raise argparse.ArgumentTypeError(msg)
    return value


def parameter(text: str) -> tuple[str, list[Any]]:
    """``NAME=V1,V2,...`` as ``(NAME, [V1, V2, ...])``, for argparse.

    Values read as integers, then numbers, then ``true`` / ``false``, else stay text.
    """
    name, sep, values = text.partition("=")
    name = name.strip()
    if not sep:
        msg = f"expected NAME=VALUE[,VALUE...], got {text!r} (no '=')"
        raise argparse.ArgumentTypeError(msg)
    if not _NAME.fullmatch(name):
        msg = f"expected a parameter name such as capacity.grid or reopen before '=', got {name!r}"
        raise argparse.ArgumentTypeError(msg)
    items = [item.strip() for item in values.split(",")]
    if not values.strip() or any(not item for item in items):
        msg = f"expected comma-separated values after '{name}=', got {values!r}"
        raise argparse.ArgumentTypeError(msg)
    return name, [_value(item) for item in items]


def _value(text: str) -> Any:
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    lowered = text.lower()
    if lowered in {"true", "false"}:
        return lowered == "true"
    return text


def rows_markdown(header: tuple[str, str], rows: Iterable[tuple[str, str]]) -> str:
    """A two-column Markdown table, values right-aligned."""
    lines = [f"| {header[0]} | {header[1]} |", "|---|---:|"]
    lines.extend(f"| {_cell(label)} | {_cell(value)} |" for label, value in rows)
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def write_json(value: object, out: TextIO) -> None:
    """Write ``value`` as indented JSON (non-ASCII kept; NaN and infinities as null)."""
    out.write(json.dumps(_finite(value), ensure_ascii=False, indent=2) + "\n")


def _finite(value: object) -> object:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [_finite(v) for v in value]
    return value
