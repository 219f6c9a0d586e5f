"""Text measurement for the display views: display widths, padding, escaping and argument checks.

Text is aligned by *display width*, not by character count: a Chinese character (East Asian
wide or fullwidth) takes two terminal columns, a combining mark none.
"""

from __future__ import annotations

import unicodedata
from typing import Final, Literal

import numpy as np

from gridorg.errors import ArgumentTypeError, InvalidArgumentError
from gridorg.hierarchy import CountField, Organisation

#: The count fields, in the order views list them.
_FIELDS: Final[tuple[CountField, ...]] = ("households", "party_members", "gridders")

_GAP: Final = "  "
_ZERO_WIDTH: Final = frozenset({"Mn", "Me", "Cf", "Cc"})
_ESCAPED: Final = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI_CONTROLS: Final = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})


# ---------------------------------------------------------------------------- text widths


def display_width(text: str) -> int:
    """The number of terminal columns ``text`` takes.

    East Asian wide and fullwidth characters (Chinese, Japanese, Korean, fullwidth forms) count
    two, combining marks, format characters and control characters zero, everything else one
    (ambiguous-width characters such as box-drawing lines count one, as in most terminals).
    """
    _check_str("display_width() text", text)
    if text.isascii() and text.isprintable():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in _ZERO_WIDTH:
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


def pad(text: str, width: int, *, align: Literal["left", "right"] = "left") -> str:
    """``text`` padded with spaces to ``width`` display columns (see :func:`display_width`).

    ``align="left"`` adds the spaces on the right, ``"right"`` on the left. Text already wider
    than ``width`` is returned unchanged.
    """
    _check_str("pad() text", text)
    if isinstance(width, bool) or not isinstance(width, int | np.integer):
        msg = f"pad() width must be an integer, got {type(width).__name__}"
        raise ArgumentTypeError(msg)
    if align not in ("left", "right"):
        msg = f"pad() align must be 'left' or 'right', got {align!r}"
        raise InvalidArgumentError(msg)
    fill = " " * max(0, int(width) - display_width(text))
    return text + fill if align == "left" else fill + text


def _printable(text: str) -> str:
    """``text`` with line breaks, control characters, bidirectional overrides and lone
    surrogates escaped, so that it stays on its line and in its place."""
    if text.isprintable():
        return text
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char) in _ESCAPED
        or unicodedata.bidirectional(char) in _BIDI_CONTROLS
        else char
        for char in text
    )


def _clip(text: str, width: int | None) -> str:
    """``text`` cut to at most ``width`` display columns, ending in an ellipsis when cut."""
    if width is None or display_width(text) <= width:
        return text
    kept: list[str] = []
    used = 0
    for char in text:
        step = display_width(char)
        if used + step > width - 1:
            break
        kept.append(char)
        used += step
    return "".join(kept) + "…"


def _plural(count: int, nouns: tuple[str, str]) -> str:
    return f"{count:,} {nouns[0] if count == 1 else nouns[1]}"


# ---------------------------------------------------------------------------- arguments


def _check_org(org: object) -> Organisation:
    if not isinstance(org, Organisation):
        msg = f"expected an Organisation, got {type(org).__name__}"
        raise ArgumentTypeError(msg)
    return org


def _check_str(name: str, value: object) -> None:
    if not isinstance(value, str):
        msg = f"{name} must be a string, got {type(value).__name__}"
        raise ArgumentTypeError(msg)


def _check_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        msg = f"{name} must be True or False, got {type(value).__name__}"
        raise ArgumentTypeError(msg)


def _check_int(name: str, value: object, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        msg = f"{name} must be an integer, got {type(value).__name__}"
        raise ArgumentTypeError(msg)
    number = int(value)
    if number < minimum:
        kind = "non-negative" if minimum == 0 else f"at least {minimum}"
        msg = f"{name} must be {kind}, got {number}"
        raise InvalidArgumentError(msg)
    return number


def _check_limit(name: str, value: object, *, minimum: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        msg = f"{name} must be an integer or None, got {type(value).__name__}"
        raise ArgumentTypeError(msg)
    return _check_int(name, value, minimum=minimum)
