"""The document of residents' issues: ``gridorg.issues``.

Part of the document format (:mod:`gridorg.schema`), kept apart so that each module stays about
one thing. A document is ``{"format": "gridorg.issues", "version": 1, "issues": [...]}``, the
issue records as :meth:`Issue.to_record <gridorg.Issue.to_record>` writes them, ids distinct.
Problems of shape raise :class:`~gridorg.SchemaError`, each at the JSON path of the value at
fault.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from gridorg._schema_paths import (
    STRICT,
    VERSION,
    ChannelName,
    Id,
    Reader,
    Time,
    distinct,
    distinct_records,
    fields_of,
    parse_time,
    record_who,
)
from gridorg.issue import Channel, Issue

ISSUES: Final = "gridorg.issues"
#: Where the issues are, what keys them and what messages call one.
_PLACE: Final = ("issues", "id", "issue")

_Level = Annotated[int, Field(ge=1, le=4)]


class IssueRecord(BaseModel):
    """One resident's matter, as reported; only id, category, origin and reported are required."""

    model_config = ConfigDict(**STRICT, title="Issue")

    id: Id = Field(description="The issue's id, distinct in the document.")
    category: Id = Field(description="A category code of the catalogue, e.g. neighbour_disputes.")
    origin: Id = Field(description="The id of the grid or household-head unit where it arose.")
    reported: Time = Field(description="When it was reported: ISO 8601 with an offset.")
    channel: ChannelName = Field(
        default=Channel.GRIDDER_APP.value,
        description="How it reached the organisation: "
        + ", ".join(f"{c.value} ({c.label})" for c in Channel)
        + ".",
    )
    importance: _Level = Field(default=2, description="1 (low) to 4 (critical).")
    urgency: _Level = Field(default=2, description="1 (low) to 4 (critical).")
    households: Annotated[int, Field(ge=1)] = Field(
        default=1, description="How many households it touches: at least one."
    )
    tags: Annotated[list[Id], distinct("duplicate_tag", "tag")] = Field(
        default_factory=list,
        description="Free codes rules can match on, each once.",
        json_schema_extra={"uniqueItems": True},
    )
    text: str = Field(default="", description="What was reported, in words.")


class IssuesDocument(BaseModel):
    """A list of gridorg issues, their ids distinct."""

    model_config = ConfigDict(**STRICT, title="IssuesDocument")

    format: Literal["gridorg.issues"] = Field(description="Always gridorg.issues.")
    version: Literal[1] = Field(description="The document format version.")
    issues: list[IssueRecord] = Field(description="The issues, ids distinct.")


_ISSUE_READER: Final = Reader(
    {"": fields_of(IssuesDocument), "issues": fields_of(IssueRecord)},
    {
        "id": "invalid_id",
        "category": "invalid_category",
        "origin": "invalid_origin",
        "importance": "invalid_level",
        "urgency": "invalid_level",
        "households": "invalid_households",
        "tags": "invalid_tags",
        "text": "invalid_text",
        "channel": "invalid_channel",
        "reported": "invalid_time",
        "issues": "invalid_issues",
    },
    {"channel": "unknown_channel"},
    who=record_who(*_PLACE),
)


def dump_issues(issues: Sequence[Issue]) -> dict[str, Any]:
    """``issues`` as a ``gridorg.issues`` document."""
    return {
        "format": ISSUES,
        "version": VERSION,
        "issues": [issue.to_record() for issue in issues],
    }


def load_issues(document: Mapping[str, Any]) -> tuple[Issue, ...]:
    """The issues of a ``gridorg.issues`` document, in order."""
    subject = "issues document"
    model, reader = IssuesDocument, _ISSUE_READER
    return tuple(distinct_records(model, document, reader, subject, _PLACE, issue_of))


def issue_of(record: IssueRecord) -> Issue:
    """The issue a validated record describes."""
    return Issue(
        record.id,
        record.category,
        record.origin,
        parse_time(record.reported),
        channel=Channel(record.channel),
        importance=record.importance,
        urgency=record.urgency,
        households=record.households,
        tags=frozenset(record.tags),
        text=record.text,
    )
