"""Collecting validation problems, each told where it is in the input."""

from __future__ import annotations

from collections.abc import Callable

from gridorg.errors import HierarchyError, Problem, RecordError

#: At most this many problems are collected; the rest are summarised in one last problem.
MAX_PROBLEMS = 10_000


class ProblemLog:
    """Collects problems and says where each one is.

    ``noun`` names an input position (``"record 17"``, ``"row 17"``); ``path`` turns a position
    and field into a JSON path when the input was a document.
    """

    def __init__(
        self,
        subject: str,
        noun: str = "record",
        path: Callable[[int, str | None], str] | None = None,
        *,
        offset: int = 0,
    ) -> None:
        self.subject = subject
        self.noun = noun
        self.path = path
        #: Subtracted from every index: inputs appended after ``offset`` existing units.
        self.offset = offset
        self.problems: list[Problem] = []
        self.record_level = False
        self.dropped = 0

    def add(
        self,
        code: str,
        text: str,
        *,
        index: int | None = None,
        uid: str | None = None,
        field: str | None = None,
        record: bool = False,
    ) -> None:
        self.record_level = self.record_level or record
        if index is not None:
            index -= self.offset
        if len(self.problems) >= MAX_PROBLEMS:
            self.dropped += 1
            return
        path = self.path(index, field) if self.path is not None and index is not None else None
        if path is not None:
            where = path
        elif index is not None:
            where = f"{self.noun} {index}"
        else:
            where = ""
        if uid is not None:
            where = f"unit {uid!r} ({where})" if where else f"unit {uid!r}"
        message = f"{where}: {text}" if where else text
        self.problems.append(Problem(code, message, uid, index, field, path))

    def describe(self, index: int) -> str:
        """Where input position ``index`` is, in the words of this log."""
        if index < self.offset:
            return "an existing unit"
        if self.path is not None:
            return self.path(index - self.offset, "id")
        return f"{self.noun} {index - self.offset}"

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        problems = sorted(self.problems, key=lambda p: -1 if p.index is None else p.index)
        if self.dropped:
            text = f"{self.dropped} further problems were found and not listed"
            problems.append(Problem("more_problems", text))
        cls = RecordError if self.record_level else HierarchyError
        raise cls(problems, subject=self.subject)
