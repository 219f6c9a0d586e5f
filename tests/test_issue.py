"""Tests for residents' issues (gridorg.issue) and the issues() strategy."""

from __future__ import annotations

import datetime as dt
import pickle
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gridorg
from gridorg import Organisation
from gridorg.errors import InvalidArgumentError, RecordError
from gridorg.issue import Channel, Issue, aware
from gridorg.strategies import issues

UTC = dt.UTC
WHEN = dt.datetime(2024, 5, 6, 9, 30, tzinfo=UTC)


def small_org() -> Organisation:
    return Organisation.from_records(
        [
            {"id": "S", "tier": "street"},
            {"id": "C", "tier": "community", "parent": "S"},
            {"id": "G1", "tier": "grid", "parent": "C"},
            {"id": "G2", "tier": "grid", "parent": "C"},
            {"id": "H1", "tier": "household", "parent": "G1"},
        ]
    )


def test_defaults_and_fields() -> None:
    issue = Issue("Q1", "neighbour_disputes", "G1", WHEN)
    assert issue.channel is Channel.GRIDDER_APP
    assert (issue.importance, issue.urgency, issue.households) == (2, 2, 1)
    assert issue.tags == frozenset()
    assert issue.text == ""


def test_channel_parses_strings_and_has_labels() -> None:
    issue = Issue("Q1", "stability", "G1", WHEN, channel="hotline")
    assert issue.channel is Channel.HOTLINE
    assert Channel.HOTLINE.label == "12345热线"
    assert all(member.label for member in Channel)


def test_tags_become_a_frozenset() -> None:
    issue = Issue("Q1", "stability", "G1", WHEN, tags=["elderly", "night", "elderly"])
    assert issue.tags == frozenset({"elderly", "night"})


def test_record_round_trip_keeps_the_offset() -> None:
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    issue = Issue(
        "Q9",
        "civil_assistance",
        "H1",
        dt.datetime(2024, 1, 2, 8, tzinfo=shanghai),
        channel="online",
        importance=4,
        urgency=1,
        households=12,
        tags={"elderly"},
        text="低保申请",
    )
    record = issue.to_record()
    assert record["reported"] == "2024-01-02T08:00:00+08:00"
    assert record["tags"] == ["elderly"]
    back = Issue.from_record(record)
    assert back == issue
    assert back.reported.utcoffset() == dt.timedelta(hours=8)


def test_default_fields_are_left_out_of_records() -> None:
    record = Issue("Q1", "stability", "G1", WHEN).to_record()
    assert set(record) == {"id", "category", "origin", "reported"}


def test_repr_shows_the_time_in_iso() -> None:
    text = repr(Issue("Q1", "stability", "G1", WHEN, urgency=4))
    assert "reported='2024-05-06T09:30:00+00:00'" in text
    assert "urgency=4" in text
    assert "importance" not in text


def test_issues_are_hashable_and_pickle() -> None:
    issue = Issue("Q1", "stability", "G1", WHEN, tags={"a"})
    assert pickle.loads(pickle.dumps(issue)) == issue
    assert len({issue, Issue("Q1", "stability", "G1", WHEN, tags={"a"})}) == 1


def test_aware() -> None:
    assert aware(WHEN)
    assert not aware(dt.datetime(2024, 1, 1))
    assert not aware("2024-01-01T00:00:00+00:00")


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"id": ""}, "id", "id"),
        ({"category": " x"}, "category", "category"),
        ({"origin": 3}, "origin", "origin"),
        ({"reported": dt.datetime(2024, 1, 1)}, "reported", "naive"),
        ({"reported": "2024-01-01"}, "reported", "timezone-aware datetime"),
        ({"channel": "fax"}, "channel", "channel must be one of"),
        ({"importance": 5}, "importance", r"from 1 \(low\) to 4"),
        ({"urgency": True}, "urgency", r"from 1 \(low\) to 4"),
        ({"households": 0}, "households", "positive integer"),
        ({"tags": "elderly"}, "tags", "collection of strings"),
        ({"text": None}, "text", "string"),
    ],
)
def test_bad_fields_are_refused(changes: dict[str, object], field: str, fragment: str) -> None:
    fields: dict[str, object] = {
        "id": "Q1",
        "category": "stability",
        "origin": "G1",
        "reported": WHEN,
        **changes,
    }
    with pytest.raises(RecordError, match=fragment) as caught:
        Issue(**fields)  # type: ignore[arg-type]
    assert caught.value.problems[0].field == field


def test_from_record_refuses_bad_records() -> None:
    with pytest.raises(RecordError, match="ISO 8601"):
        Issue.from_record({"id": "Q1", "category": "c", "origin": "G", "reported": "noon"})
    with pytest.raises(RecordError, match="unknown fields 'colour'"):
        Issue.from_record(
            {
                "id": "Q1",
                "category": "c",
                "origin": "G",
                "reported": "2024-01-01T00:00+00:00",
                "colour": "red",
            }
        )
    with pytest.raises(RecordError, match="reported is required"):
        Issue.from_record({"id": "Q1", "category": "c", "origin": "G"})


# ---------------------------------------------------------------------- the strategy


@given(st.data())
@settings(max_examples=25)
def test_generated_issues_arise_at_grid_or_below(data: st.DataObject) -> None:
    org = small_org()
    drawn = data.draw(issues(org, min_size=1, max_size=8))
    assert 1 <= len(drawn) <= 8
    assert len({issue.id for issue in drawn}) == len(drawn)
    for issue in drawn:
        assert org[issue.origin].tier in {"grid", "household"}
        assert issue.category in gridorg.DEFAULT_CATEGORIES
        assert aware(issue.reported)
        assert Issue.from_record(issue.to_record()) == issue


@given(st.data())
@settings(max_examples=10)
def test_generated_issues_use_the_categories_asked_for(data: st.DataObject) -> None:
    drawn = data.draw(issues(small_org(), max_size=5, categories=["environment"], prefix="X"))
    assert all(issue.category == "environment" for issue in drawn)
    assert all(issue.id.startswith("X") for issue in drawn)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ({"min_size": 3, "max_size": 2}, "greater than"),
        ({"categories": ["nope"]}, "unknown: \\['nope'\\]"),
        ({"categories": []}, "non-empty"),
        ({"prefix": " Q"}, "prefix"),
    ],
)
def test_bad_strategy_arguments(args: dict[str, object], fragment: str) -> None:
    with pytest.raises(InvalidArgumentError, match=fragment):
        issues(small_org(), **args)  # type: ignore[arg-type]


def test_strategy_needs_an_organisation_with_grids() -> None:
    with pytest.raises(InvalidArgumentError, match="needs an Organisation"):
        issues("org")  # type: ignore[arg-type]
    street_only = Organisation.from_records([{"id": "S", "tier": "street"}])
    with pytest.raises(InvalidArgumentError, match="no unit at the grid tier"):
        issues(street_only)
