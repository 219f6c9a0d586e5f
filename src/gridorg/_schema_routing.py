"""The routing documents as :mod:`gridorg.schema` reads and writes them.

Part of the document format, kept apart so that each module stays about one thing: each
routing format has its own module (:mod:`~gridorg._schema_rules` for categories and rule
tables, :mod:`~gridorg._schema_issues`, :mod:`~gridorg._schema_triage`,
:mod:`~gridorg._schema_cases` for case logs, :mod:`~gridorg._schema_paths` for what they
share); here each format is paired with its model, its writer and its reader.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from pydantic import BaseModel

from gridorg._schema_cases import CASE_LOG, CaseLogDocument, dump_case_log, load_case_log
from gridorg._schema_issues import ISSUES, IssuesDocument, dump_issues, load_issues
from gridorg._schema_rules import (
    ACTION_KINDS,
    ACTION_MODELS,
    CATEGORIES,
    RULES,
    CategoriesDocument,
    RulesDocument,
    dump_categories,
    dump_rules,
    load_categories,
    load_rules,
)
from gridorg._schema_triage import TRIAGE, ColourName, TriageDocument, dump_triage, load_triage
from gridorg.categories import CategoryCatalogue
from gridorg.errors import ArgumentTypeError
from gridorg.issue import Issue

#: The dispatch, and the choices of the rule and triage documents (action kinds, colours).
__all__ = [
    "ACTION_KINDS",
    "ACTION_MODELS",
    "DOCUMENTS",
    "ColourName",
    "dump_document",
    "load_document",
]

#: The document model of each format.
DOCUMENTS: Final[dict[str, type[BaseModel]]] = {
    CATEGORIES: CategoriesDocument,
    ISSUES: IssuesDocument,
    TRIAGE: TriageDocument,
    RULES: RulesDocument,
    CASE_LOG: CaseLogDocument,
}


def dump_document(value: object) -> dict[str, Any] | None:
    """``value``'s document when it is a value of one of :data:`DOCUMENTS`, else None."""
    if isinstance(value, CategoryCatalogue):
        return dump_categories(value)
    if isinstance(value, Sequence) and value and isinstance(value[0], Issue):
        for n, item in enumerate(value):
            if not isinstance(item, Issue):
                msg = (
                    f"dump_value() takes a sequence of Issue values; item {n} is a "
                    f"{type(item).__name__}"
                )
                raise ArgumentTypeError(msg)
        return dump_issues(value)
    from gridorg._rules import RuleTable
    from gridorg.lifecycle import CaseLog
    from gridorg.triage import FiveTierTriage, MatrixTriage

    if isinstance(value, MatrixTriage | FiveTierTriage):
        return dump_triage(value)
    if isinstance(value, RuleTable):
        return dump_rules(value)
    if isinstance(value, CaseLog):
        return dump_case_log(value)
    return None


_LOADERS: Final[dict[str, Callable[[dict[str, Any]], Any]]] = {
    CATEGORIES: load_categories,
    ISSUES: load_issues,
    TRIAGE: load_triage,
    RULES: load_rules,
    CASE_LOG: load_case_log,
}


def load_document(document: dict[str, Any], format: str) -> Any:
    """The value a document of ``format`` (one of :data:`DOCUMENTS`) describes."""
    return _LOADERS[format](document)
