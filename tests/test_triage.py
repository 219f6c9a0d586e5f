"""Tests for colour triage: colours, the matrix scheme and the Jinan five-tier scheme."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridorg.categories import DEFAULT_CATEGORIES, Category
from gridorg.errors import InvalidArgumentError, RecordError
from gridorg.issue import Issue
from gridorg.tiers import DEFAULT_SCHEME
from gridorg.triage import (
    COLOURS,
    DEFAULT_MATRIX,
    HANDLING,
    Colour,
    Deadlines,
    FiveTierTriage,
    MatrixTriage,
    Triage,
    triage_from_record,
)
from gridorg.worktime import WorkingCalendar

B, G, Y, OR, R = COLOURS
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
WHEN = dt.datetime(2024, 5, 6, 9, 30, tzinfo=dt.UTC)
TIERS = DEFAULT_SCHEME.names


def issue(urgency: int = 2, importance: int = 2, households: int = 1) -> Issue:
    return Issue(
        "Q1", "x", "G1", WHEN, urgency=urgency, importance=importance, households=households
    )


def category(tier: str) -> Category:
    return Category("x", tier=tier)


# -- colours ------------------------------------------------------------------------------------


def test_colours_are_ordered_by_severity() -> None:
    assert [c.rank for c in COLOURS] == [0, 1, 2, 3, 4]
    assert sorted([R, B, Y, G, OR]) == list(COLOURS)
    assert G < R
    assert R >= OR
    assert not B > G
    assert B <= B
    assert [c.label for c in COLOURS] == ["蓝", "绿", "黄", "橙", "红"]
    assert Colour.parse("orange") is OR
    assert HANDLING[B] == "随手办"
    assert HANDLING[R] == "报请办"
    assert FiveTierTriage.names[Y] == "商量办"


def test_both_schemes_are_triages() -> None:
    assert isinstance(MatrixTriage(), Triage)
    assert isinstance(FiveTierTriage(), Triage)
    assert MatrixTriage().colours == (G, Y, OR, R)
    assert FiveTierTriage().colours == COLOURS


# -- the matrix scheme --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("urgency", "importance", "expected"),
    [(1, 1, G), (1, 3, Y), (2, 2, Y), (3, 3, OR), (3, 4, R), (4, 1, OR), (4, 4, R), (1, 4, OR)],
)
def test_default_matrix(urgency: int, importance: int, expected: Colour) -> None:
    cat = DEFAULT_CATEGORIES["neighbour_disputes"]
    assert MatrixTriage().colour(issue(urgency, importance), cat) is expected


def test_default_matrix_is_monotone() -> None:
    rows = DEFAULT_MATRIX
    for u, i in itertools.product(range(4), range(4)):
        if u < 3:
            assert rows[u + 1][i] >= rows[u][i]
        if i < 3:
            assert rows[u][i + 1] >= rows[u][i]


@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 3), st.integers(0, 3))
def test_raising_urgency_or_importance_never_lowers_the_colour(
    u: int, i: int, du: int, di: int
) -> None:
    triage = MatrixTriage()
    cat = category("grid")
    higher = issue(min(u + du, 4), min(i + di, 4))
    assert triage.colour(higher, cat) >= triage.colour(issue(u, i), cat)


def test_matrix_deadlines_and_tier() -> None:
    triage = MatrixTriage()
    assert triage.deadlines(R) == Deadlines(dt.timedelta(minutes=30), 24 * H)
    assert triage.deadlines("green") == Deadlines(3 * D, 15 * D)
    assert triage.deadlines(OR).due(WHEN)[1] == WHEN + 3 * D
    assert triage.tier(R) is None


def test_custom_matrix_and_deadlines_on_a_calendar() -> None:
    cal = WorkingCalendar()
    matrix = [["blue"] * 4, ["green"] * 4, ["yellow"] * 4, ["red"] * 4]
    limits: dict[str, Deadlines | tuple[dt.timedelta, dt.timedelta]] = {
        "blue": (D, 10 * D),
        G: (H, D),
        Y: (H, D),
        R: Deadlines(H, 2 * H),
    }
    triage = MatrixTriage(matrix, limits, calendar=cal)
    assert triage.colours == (B, G, Y, R)
    assert triage.colour(issue(1, 4), category("grid")) is B
    assert triage.deadlines(B).calendar is cal
    assert triage.deadlines(R).calendar != cal  # a Deadlines is kept as given


# -- the five-tier scheme -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "u", "i", "households", "expected"),
    [
        ("household", 1, 1, 1, B),
        ("grid", 2, 2, 1, G),
        ("community", 2, 2, 1, Y),
        ("street", 2, 2, 1, OR),
        ("grid", 3, 4, 1, Y),  # urgency + importance 7: one step up
        ("grid", 2, 2, 30, Y),  # 30 households: one step up
        ("street", 3, 4, 1, R),
        ("household", 4, 4, 1, R),  # both critical: red
    ],
)
def test_five_tier_colours(tier: str, u: int, i: int, households: int, expected: Colour) -> None:
    assert FiveTierTriage().colour(issue(u, i, households), category(tier)) is expected


def test_five_tier_handling_tiers_and_deadlines() -> None:
    triage = FiveTierTriage()
    tiers = [triage.tier(c) for c in COLOURS]
    assert tiers == ["household", "grid", "community", "street", "street"]
    assert triage.deadlines(B) == Deadlines(H, D)
    assert triage.deadlines("red") == Deadlines(dt.timedelta(minutes=30), 30 * D)


def test_five_tier_options() -> None:
    triage = FiveTierTriage(escalate_households=5, escalate_score=9, bases={"grid": "yellow"})
    assert triage.colour(issue(4, 3, 4), category("grid")) is Y
    assert triage.colour(issue(1, 1, 5), category("grid")) is OR
    assert [triage.tier(c) for c in COLOURS] == ["grid"] * 5


@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 60),
    st.sampled_from(("household", "grid", "community", "street")),
)
def test_five_tier_colour_is_never_below_its_base(u: int, i: int, h: int, tier: str) -> None:
    triage = FiveTierTriage()
    colour = triage.colour(issue(u, i, h), category(tier))
    base = triage.bases[tier]
    assert base <= colour <= COLOURS[min(base.rank + 1, 4)] or colour is R


# -- colour_many equals colour ------------------------------------------------------------------

rows = st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 100), st.sampled_from(TIERS))


@given(st.sampled_from([MatrixTriage(), FiveTierTriage(escalate_households=20)]), st.lists(rows))
def test_colour_many_equals_colour(
    triage: MatrixTriage | FiveTierTriage, data: list[tuple[int, int, int, str]]
) -> None:
    expected = [triage.colour(issue(u, i, h), category(t)).rank for u, i, h, t in data]
    columns = [
        np.array(col, dtype=dtype)
        for col, dtype in zip(
            zip(*data, strict=True) if data else ((), (), (), ()),
            (np.uint8, np.uint8, np.int64, object),
            strict=True,
        )
    ]
    tiers = np.array([TIERS.index(t) for t in columns[3]], dtype=np.int8)
    codes = triage.colour_many(columns[0], columns[1], columns[2], tiers)
    assert codes.dtype == np.uint8
    assert codes.tolist() == expected


def test_colour_many_with_another_scheme() -> None:
    tiers = ("county", *TIERS)
    codes = FiveTierTriage().colour_many([1, 1], [1, 1], [1, 1], [4, 2], tiers=tiers)
    assert codes.tolist() == [B.rank, Y.rank]


# -- records ------------------------------------------------------------------------------------

seconds = st.integers(1, 10**7).map(lambda s: dt.timedelta(seconds=s))
calendars = st.sampled_from([None, WorkingCalendar(), WorkingCalendar(days=[0, 1, 2, 3, 4, 5])])


@st.composite
def matrix_triages(draw: st.DrawFn) -> MatrixTriage:
    """Matrix triages with random cells and deadlines; shrinks towards blue cells."""
    matrix = [[draw(st.sampled_from(COLOURS)) for _ in range(4)] for _ in range(4)]
    used = {c for row in matrix for c in row}
    limits = {}
    for colour in used:
        a, b = sorted((draw(seconds), draw(seconds)))
        limits[colour] = (a, b)
    cal = draw(calendars)
    if cal is None:
        return MatrixTriage(matrix, limits)
    return MatrixTriage(matrix, limits, calendar=cal)


@st.composite
def five_tier_triages(draw: st.DrawFn) -> FiveTierTriage:
    """Five-tier triages with random options; shrinks towards the defaults' shape."""
    limits = {}
    for colour in COLOURS:
        a, b = sorted((draw(seconds), draw(seconds)))
        limits[colour] = Deadlines(a, b, calendar=draw(st.sampled_from([WorkingCalendar()])))
    bases = draw(st.dictionaries(st.sampled_from(TIERS), st.sampled_from(COLOURS), min_size=1))
    return FiveTierTriage(
        deadlines=limits,
        escalate_households=draw(st.integers(1, 100)),
        escalate_score=draw(st.integers(2, 9)),
        bases=bases,
    )


@given(st.one_of(matrix_triages(), five_tier_triages(), st.just(MatrixTriage())))
def test_triage_record_round_trip(triage: MatrixTriage | FiveTierTriage) -> None:
    record = json.loads(json.dumps(triage.to_record()))
    again = triage_from_record(record)
    assert again == triage
    assert hash(again) == hash(triage)
    assert type(triage).from_record(record) == triage


def test_default_records() -> None:
    record = MatrixTriage().to_record()
    assert record["deadlines"]["red"] == {"response": 1800, "resolution": 86400}
    assert "calendar" not in record
    five = FiveTierTriage(calendar=WorkingCalendar()).to_record()
    assert five["calendar"]["hours"] == [["09:00", "12:00"], ["13:30", "17:30"]]
    assert "calendar" not in five["deadlines"]["blue"]


# -- malformed input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([["red"] * 4] * 3,), {}, "matrix must be 4 rows"),
        (
            ([["red"] * 4] * 3 + [["red"] * 3],),
            {},
            r"matrix row 4 \(urgency 4\) must be 4 colours",
        ),
        (
            ([["red"] * 4, ["red", "red", "purple", "red"], ["red"] * 4, ["red"] * 4],),
            {},
            r"matrix row 2 \(urgency 2\) column 3 \(importance 3\) must be a colour .* 'purple'",
        ),
        ((None, {"red": (H, D)}), {}, "deadlines has no entry for green"),
        ((None, {"red": (2 * D, D), "green": (H, D)}), {}, "deadlines for red: response"),
        ((None, {"red": (-H, D)}), {}, "deadlines for red: response must be positive"),
        ((None, {"crimson": (H, D)}), {}, "a deadlines key must be a colour"),
        ((None, {"red": H}), {}, "deadlines for red must be a Deadlines or a"),
        ((), {"calendar": "weekdays"}, "calendar must be a WorkingCalendar"),
    ],
)
def test_malformed_matrix_triages(
    args: tuple[object, ...], kwargs: dict[str, object], match: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        MatrixTriage(*args, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"escalate_score": 10}, "escalate_score must be an integer from 2 to 9"),
        ({"escalate_households": 0}, "escalate_households must be a positive integer"),
        ({"bases": {}}, "bases must map tier names to colours"),
        ({"bases": {"grid": "pink"}}, r"bases\['grid'\] must be a colour"),
        ({"deadlines": {"red": (H, D)}}, "deadlines has no entry for blue"),
    ],
)
def test_malformed_five_tier_triages(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        FiveTierTriage(**kwargs)  # type: ignore[arg-type]


def test_five_tier_refuses_an_uncoloured_tier() -> None:
    triage = FiveTierTriage()
    with pytest.raises(InvalidArgumentError, match="tier 'county', which the five-tier"):
        triage.colour(issue(), category("county"))
    with pytest.raises(InvalidArgumentError, match="category_tier 0 is tier 'county'"):
        triage.colour_many([1], [1], [1], [0], tiers=("county", *TIERS))
    with pytest.raises(
        InvalidArgumentError, match=r"category_tier must index the tiers .*, got 4"
    ):
        triage.colour_many([1], [1], [1], [4])


def test_colour_many_refuses_bad_columns() -> None:
    triage = MatrixTriage()
    with pytest.raises(InvalidArgumentError, match="one length, got urgency 2, importance 1"):
        triage.colour_many([1, 2], [1], [1, 1], [0, 0])
    with pytest.raises(InvalidArgumentError, match=r"urgency must hold levels 1 .* got 5"):
        triage.colour_many([5], [1], [1], [0])
    with pytest.raises(InvalidArgumentError, match="importance must be a one-dimensional integer"):
        triage.colour_many([1], [1.5], [1], [0])


def test_unknown_colours_are_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="the matrix triage has no deadlines for blue"):
        MatrixTriage().deadlines(B)
    with pytest.raises(InvalidArgumentError, match=r"colour must be a colour .* 'purple'"):
        FiveTierTriage().tier("purple")
    with pytest.raises(InvalidArgumentError, match="colour must be one of blue, green"):
        Colour.parse("红")


@pytest.mark.parametrize(
    ("record", "field", "match"),
    [
        ({"scheme": "stars"}, "scheme", "scheme must be one of matrix, five_tier"),
        ({"scheme": "matrix", "colour": 1}, "colour", "unknown fields 'colour'"),
        ({"scheme": "matrix", "matrix": [[1] * 4] * 4}, "matrix", "matrix row 1"),
        ({"scheme": "five_tier", "escalate_score": 1}, "escalate_score", "from 2 to 9"),
        (
            {"scheme": "five_tier", "deadlines": {"red": {"response": 60}}},
            "resolution",
            "deadlines for red: resolution is required",
        ),
        (
            {"scheme": "matrix", "calendar": {"days": []}},
            "days",
            "empty working week",
        ),
    ],
)
def test_malformed_triage_records(record: dict[str, object], field: str, match: str) -> None:
    with pytest.raises(RecordError, match=match) as info:
        triage_from_record(record)
    assert info.value.problems[0].field == field


def test_nested_record_problems_carry_their_path() -> None:
    record = {"scheme": "matrix", "deadlines": {"red": {"response": 60, "resolution": "x"}}}
    with pytest.raises(RecordError, match="matrix triage: deadlines for red: resolution") as info:
        triage_from_record(record)
    assert info.value.problems[0].path == "deadlines.red.resolution"
    with pytest.raises(RecordError) as info:
        triage_from_record({"scheme": "five_tier", "calendar": {"tz": "Nowhere/City"}})
    assert info.value.problems[0].path == "calendar.tz"


def test_record_of_the_wrong_scheme() -> None:
    with pytest.raises(RecordError, match="scheme must be 'matrix' for a matrix triage"):
        MatrixTriage.from_record(FiveTierTriage().to_record())
