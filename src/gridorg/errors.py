"""The errors gridorg raises.

Every error derives from :class:`GridorgError` and also from the builtin it resembles, so
``except ValueError`` or ``except KeyError`` still catches it. Messages name the offending item,
what was expected and what was found.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = [
    "ArgumentTypeError",
    "CaseLogError",
    "EscalationError",
    "FormatVersionError",
    "GridorgError",
    "GridorgWarning",
    "HierarchyError",
    "InvalidArgumentError",
    "LinkError",
    "MissingDependencyError",
    "NetworkError",
    "Problem",
    "RecordError",
    "RuleError",
    "SchemaError",
    "TransitionError",
    "UnknownCategoryError",
    "UnknownEntityError",
    "UnknownMetricError",
    "UnknownTierError",
    "UnknownUnitError",
    "ValidationError",
]

#: How many problems an error message lists before summarising the rest.
MAX_LISTED_PROBLEMS = 20


class GridorgError(Exception):
    """The root of every error gridorg raises."""


@attrs.frozen
class Problem:
    """One thing wrong with an input, found during validation.

    ``code`` is a stable machine-readable identifier (``"duplicate_id"``, ``"missing_parent"``,
    ``"cycle"``, ...); ``message`` is the full sentence shown to people. ``unit`` is the id of the
    offending unit when it has one, ``index`` its position in the input, ``field`` the field at
    fault and ``path`` the JSON path of the offending value when the input was a document.
    """

    code: str
    message: str
    unit: str | None = None
    index: int | None = None
    field: str | None = None
    path: str | None = None


class ValidationError(GridorgError, ValueError):
    """An input failed validation; ``problems`` lists every problem found, not only the first."""

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem], *, subject: str = "input") -> None:
        self.problems = tuple(problems)
        self.subject = subject
        super().__init__(self._compose())

    def _compose(self) -> str:
        count = len(self.problems)
        if count == 1:
            return f"{self.subject}: {self.problems[0].message}"
        lines = [f"{count} problems in {self.subject}:"]
        lines.extend(f"  - {p.message}" for p in self.problems[:MAX_LISTED_PROBLEMS])
        if count > MAX_LISTED_PROBLEMS:
            lines.append(f"  ... and {count - MAX_LISTED_PROBLEMS} more")
        return "\n".join(lines)

    @property
    def codes(self) -> tuple[str, ...]:
        """The distinct problem codes, in order of first appearance."""
        return tuple(dict.fromkeys(p.code for p in self.problems))

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_validation_error, (type(self), self.problems, self.subject))


def _rebuild_validation_error(
    cls: type[ValidationError], problems: tuple[Problem, ...], subject: str
) -> ValidationError:
    return cls(problems, subject=subject)


class HierarchyError(ValidationError):
    """The units do not form a valid organisation tree.

    Raised for duplicate ids, parents that do not exist, cycles, and parents at the wrong tier
    or with a party form that cannot contain the child.
    """


class RecordError(ValidationError, TypeError):
    """A field of a unit record is missing, unknown, of the wrong type or out of range."""


class SchemaError(ValidationError):
    """A JSON document does not match the gridorg format; each problem carries its JSON path."""


class FormatVersionError(SchemaError):
    """A JSON document declares a format or format version this release cannot read."""


class _MessageKeyError(GridorgError, KeyError):
    """A KeyError whose ``str`` is the plain message rather than its ``repr``."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnknownUnitError(_MessageKeyError):
    """A unit id (or position) that the organisation does not contain."""


class UnknownTierError(_MessageKeyError):
    """A tier name that the organisation's level scheme does not define."""


class UnknownCategoryError(_MessageKeyError):
    """An issue category code that the category catalogue does not define."""


class UnknownEntityError(_MessageKeyError):
    """A partner, person or service-site id that the organisation does not hold."""


class UnknownMetricError(_MessageKeyError):
    """A metric name that is not registered; the message names the closest registered ones."""


class LinkError(ValidationError):
    """Cross-links, partners, people or sites are invalid.

    Raised for a link end that does not exist or is of the wrong kind or tier, an id used
    twice, a repeated link, a role the person does not hold, an unknown issue category."""


class NetworkError(ValidationError):
    """A base layer or functional networks are invalid, or cannot be merged as asked.

    Raised for duplicate or unknown base units, negative households, adjacency naming unknown
    units, repeated network kinds, size bounds that contradict each other, and communities the
    adjacency splits apart when a contiguous merge is asked for."""


class RuleError(ValidationError):
    """A routing rule table is malformed or does not fit the organisation it routes for.

    Raised for a table without a default rule, a rule after the default, a rule naming an
    unknown tier, category, department, unit or property company, or an action that cannot
    apply where the rule matches."""


class EscalationError(GridorgError, ValueError):
    """A routing decision cannot be escalated: it is already at the top of its chain."""


class CaseLogError(GridorgError, ValueError):
    """An event cannot be added to a case log; the log keeps what it had.

    Raised when its time goes backwards for its case, its case is unknown or already known, or
    it is malformed."""


class TransitionError(CaseLogError):
    """An event would move a case along a transition the lifecycle table does not allow."""


class GridorgWarning(UserWarning):
    """A warning from gridorg: something was skipped or assumed, and the message says what."""


class InvalidArgumentError(GridorgError, ValueError):
    """An argument to a gridorg function has a value it cannot accept."""


class ArgumentTypeError(InvalidArgumentError, TypeError):
    """An argument to a gridorg function has a type it cannot accept."""


class MissingDependencyError(GridorgError, ImportError):
    """An optional dependency is needed; the message says which extra installs it."""


def missing_dependency(module: str, extra: str, purpose: str) -> MissingDependencyError:
    """Build the error raised when an optional dependency is absent."""
    msg = (
        f"{purpose} needs the optional dependency {module!r}; "
        f"install it with: pip install 'gridorg[{extra}]'"
    )
    return MissingDependencyError(msg)
