"""A small progress bar for the command line's standard error.

On a terminal the bar is redrawn in place with carriage returns; elsewhere (a file, a pipe, a
CI log) it writes a plain line each time another tenth is done, so at most ten lines.
"""

from __future__ import annotations

import math
from types import TracebackType
from typing import Final, TextIO

__all__ = ["ProgressBar"]

_WIDTH: Final = 30
_STEPS: Final = 10


class ProgressBar:
    """Progress on ``stream``, called as ``bar(done, total)``: ``[#####.....] 42% 153/365 days``.

    ``tty`` says whether to redraw in place (default: ``stream.isatty()``); ``enabled=False``
    draws nothing. Use it as a context manager, or call :meth:`close`, to end the line.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        unit: str = "days",
        label: str = "",
        enabled: bool = True,
        tty: bool | None = None,
        width: int = _WIDTH,
    ) -> None:
        self._stream = stream
        self._unit = unit
        self._label = label
        self._enabled = enabled
        self._tty = _isatty(stream) if tty is None else tty
        self._width = width
        self._last = ""  # the text last drawn (terminal)
        self._step = 0  # the tenths already written (plain lines)
        self._open = False  # a terminal line is drawn and not yet ended
        self.lines = 0  # how many times something was written

    def render(self, done: float, total: float) -> str:
        """The bar's text for ``done`` of ``total``."""
        fraction = _fraction(done, total)
        filled = math.floor(fraction * self._width)
        bar = "#" * filled + "." * (self._width - filled)
        prefix = f"{self._label} " if self._label else ""
        shown = min(max(done, 0.0), total) if total > 0 else done
        return (
            f"{prefix}[{bar}] {math.floor(fraction * 100):>3d}% "
            f"{math.floor(shown):,}/{_number(total)} {self._unit}"
        )

    def __call__(self, done: float, total: float) -> None:
        if not self._enabled:
            return
        if self._tty:
            text = self.render(done, total)
            if text != self._last:
                padding = " " * max(len(self._last) - len(text), 0)
                self._stream.write("\r" + text + padding)
                self._stream.flush()
                self._last = text
                self._open = True
                self.lines += 1
            return
        step = math.floor(_fraction(done, total) * _STEPS)
        if step > self._step:
            self._step = step
            self._stream.write(self.render(done, total) + "\n")
            self._stream.flush()
            self.lines += 1

    def close(self) -> None:
        """End the bar's line on a terminal (nothing to do elsewhere)."""
        if self._open:
            self._stream.write("\n")
            self._stream.flush()
            self._open = False

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _fraction(done: float, total: float) -> float:
    if not total > 0:
        return 1.0
    return min(max(done / total, 0.0), 1.0)


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or not a real stream
        return False
