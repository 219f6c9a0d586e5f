"""Tests for the routing documents: categories, issues, triage schemes, rule tables, case logs."""

from __future__ import annotations

import copy
import datetime as dt
import json
import typing
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gridorg
from gridorg import FormatVersionError, SchemaError, ValidationError
from gridorg._rules import ACTIONS
from gridorg._schema_cases import ChannelName, StateName
from gridorg._schema_routing import ACTION_KINDS, ACTION_MODELS, ColourName
from gridorg.categories import DEFAULT_CATEGORIES, Category, CategoryCatalogue
from gridorg.errors import (
    ArgumentTypeError,
    CaseLogError,
    RecordError,
    RuleError,
    TransitionError,
)
from gridorg.issue import Channel, Issue
from gridorg.lifecycle import STATES, TRANSITIONS, CaseEvent, CaseLog, CaseState
from gridorg.routing import (
    AssignDepartment,
    HandleAt,
    JointOffice,
    Mediation,
    Rule,
    RuleTable,
    Whistle,
)
from gridorg.schema import FORMATS, dump_value, dumps_value, json_schema, load_value, loads_value
from gridorg.strategies import issues
from gridorg.triage import COLOURS, Deadlines, FiveTierTriage, MatrixTriage
from gridorg.worktime import WorkingCalendar
from tests.schema_helpers import load_problem, violations

CST = dt.timezone(dt.timedelta(hours=8))
WHEN = dt.datetime(2024, 5, 6, 9, 30, tzinfo=CST)

NEW_FORMATS = (
    "gridorg.categories", "gridorg.issues", "gridorg.triage", "gridorg.rules", "gridorg.case_log"
)  # fmt: skip

# ---------------------------------------------------------------------- values


def _catalogue() -> CategoryCatalogue:
    return DEFAULT_CATEGORIES.extended(
        Category("parking", "parking", label="停车", tier="grid", department="urban_management"),
        Category("night noise", tier="household"),
    )


def _issues() -> tuple[Issue, ...]:
    return (
        Issue("Q1", "neighbour_disputes", "G1", WHEN),
        Issue(
            "Q2",
            "civil_assistance",
            "H1",
            dt.datetime(2024, 5, 7, 23, 59, 59, 123456, tzinfo=dt.UTC),
            channel=Channel.HOTLINE,
            importance=4,
            urgency=3,
            households=12,
            tags={"elderly", "repeat"},
            text="楼道灯坏了 — lights out",
        ),
    )


def _schema_problems(document: dict[str, Any]) -> list[str]:
    """Where ``document`` breaks its format's JSON Schema, by the full validator and the small
    checker of the organisation schema tests."""
    schema = json_schema(format=document["format"])
    found = violations(document, schema, schema)
    validator = jsonschema.Draft202012Validator(schema)
    found += [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    return found


def _round_trip(value: Any) -> Any:
    """``value`` through a document and through JSON text; the document meets its schema."""
    document = dump_value(value)
    assert _schema_problems(json.loads(json.dumps(document))) == []
    once = load_value(document)
    twice = loads_value(dumps_value(value))
    assert once == twice
    return once


# ---------------------------------------------------------------------- round trips


def test_catalogues_round_trip() -> None:
    for catalogue in (DEFAULT_CATEGORIES, _catalogue(), CategoryCatalogue([])):
        found = _round_trip(catalogue)
        assert isinstance(found, CategoryCatalogue)
        assert found == catalogue
        assert list(found) == list(catalogue)  # order kept
    document = dump_value(_catalogue())
    assert document["format"] == "gridorg.categories"
    assert document["categories"][-2] == {
        "code": "parking", "name": "parking", "label": "停车", "tier": "grid",
        "department": "urban_management",
    }  # fmt: skip


def test_a_catalogue_loads_with_defaults_for_absent_fields() -> None:
    document = {"format": "gridorg.categories", "version": 1, "categories": [{"code": "x"}]}
    assert load_value(document) == CategoryCatalogue([Category("x")])


def test_issues_round_trip_as_a_tuple() -> None:
    found = _round_trip(list(_issues()))
    assert isinstance(found, tuple)
    assert found == _issues()
    assert found[1].reported.utcoffset() == dt.timedelta(0)
    assert found[0].reported.utcoffset() == dt.timedelta(hours=8)
    document = dump_value(_issues())
    assert document["issues"][0] == {
        "id": "Q1", "category": "neighbour_disputes", "origin": "G1",
        "reported": "2024-05-06T09:30:00+08:00",
    }  # fmt: skip
    assert document["issues"][1]["tags"] == ["elderly", "repeat"]


@settings(max_examples=30)
@given(issues(gridorg.datasets.yinjiang(), max_size=12))
def test_generated_issues_round_trip(drawn: list[Issue]) -> None:
    if not drawn:  # an empty sequence has no kind: dump_value writes it as networks
        assert load_value(dump_value(drawn)) == ()
        return
    assert _round_trip(drawn) == tuple(drawn)


def test_every_format_is_listed_and_has_a_schema() -> None:
    assert FORMATS[-len(NEW_FORMATS) :] == NEW_FORMATS
    for name in NEW_FORMATS:
        schema = json_schema(format=name)
        assert schema["properties"]["format"]["const"] == name
        assert schema["properties"]["version"]["const"] == 1
        assert schema["additionalProperties"] is False
        assert schema["title"]
        assert schema["description"]
        for definition_name, definition in schema.get("$defs", {}).items():
            assert definition["description"], definition_name
            assert definition["additionalProperties"] is False, definition_name
            for field, sub in definition["properties"].items():
                assert sub.get("description"), f"{definition_name}.{field}"
    assert set(json_schema(format="gridorg.issues")["required"]) == {
        "format", "version", "issues"
    }  # fmt: skip


def test_the_document_choices_are_the_enumerations() -> None:
    """The models spell out the values of the enumerations; they must not drift apart."""
    assert typing.get_args(ChannelName) == tuple(c.value for c in Channel)
    assert typing.get_args(ColourName) == tuple(c.value for c in COLOURS)
    assert typing.get_args(StateName) == tuple(s.value for s in STATES)
    kinds = [typing.get_args(m.model_fields["kind"].annotation)[0] for m in ACTION_MODELS]
    assert tuple(kinds) == ACTION_KINDS
    assert {kind: cls.kind for kind, cls in ACTIONS.items()} == dict(
        zip(kinds, kinds, strict=True)
    )


def test_load_points_other_documents_to_load_value() -> None:
    with pytest.raises(FormatVersionError, match=r"load_value\(\) reads documents of every"):
        gridorg.load(dump_value(_catalogue()))


def test_dump_value_refuses_mixed_issue_sequences() -> None:
    with pytest.raises(ArgumentTypeError, match="item 1 is a str"):
        dump_value([_issues()[0], "Q2"])  # type: ignore[arg-type]


# ---------------------------------------------------------------------- malformed documents


def _categories_doc() -> dict[str, Any]:
    return copy.deepcopy(dump_value(_catalogue()))


def _issues_doc() -> dict[str, Any]:
    return copy.deepcopy(dump_value(_issues()))


@pytest.mark.parametrize("make", [_categories_doc, _issues_doc])
def test_wrong_version(make: Callable[[], dict[str, Any]]) -> None:
    document = make()
    document["version"] = 2
    load_problem(document, FormatVersionError, "unsupported_version", "$.version")
    del document["version"]
    load_problem(document, FormatVersionError, "missing_version", "$.version")


def test_unknown_formats_name_the_new_ones() -> None:
    message = load_problem(
        {"format": "gridorg.issue"}, FormatVersionError, "unknown_format", "$.format"
    )
    assert "'gridorg.case_log'" in message


@pytest.mark.parametrize(
    ("change", "code", "path", "text"),
    [
        (lambda d: d["categories"][1].update(departmnt="x"), "unknown_field",
         "$.categories[1].departmnt", "did you mean 'department'?"),
        (lambda d: d["categories"][2].pop("code"), "missing_field", "$.categories[2].code",
         "required field 'code'"),
        (lambda d: d["categories"][3].update(tier=3), "invalid_tier", "$.categories[3].tier",
         "category 'property_management'"),
        (lambda d: d["categories"][0].update(code=" x"), "invalid_id", "$.categories[0].code",
         "expected an id"),
        (lambda d: d["categories"][4].update(code="stability"), "duplicate_category",
         "$.categories[4].code", "first at $.categories[0].code"),
        (lambda d: d.update(categories={}), "invalid_categories", "$.categories",
         "expected an array"),
    ],
)  # fmt: skip
def test_bad_catalogues(change: Callable[[Any], Any], code: str, path: str, text: str) -> None:
    document = _categories_doc()
    change(document)
    assert text in load_problem(document, SchemaError, code, path)


@pytest.mark.parametrize(
    ("change", "code", "path", "text"),
    [
        (lambda r: r.update(reported="2024-05-07T23:59:59"), "naive_time",
         "$.issues[1].reported", "no offset"),
        (lambda r: r.update(reported="2024-05-07"), "naive_time", "$.issues[1].reported",
         "no offset"),
        (lambda r: r.update(reported="yesterday"), "invalid_time", "$.issues[1].reported",
         "ISO 8601"),
        (lambda r: r.update(reported=1715126399), "invalid_time", "$.issues[1].reported",
         "expected a string"),
        (lambda r: r.update(channel="fax"), "unknown_channel", "$.issues[1].channel",
         "'hotline'"),
        (lambda r: r.update(urgency=5), "invalid_level", "$.issues[1].urgency", "at most 4"),
        (lambda r: r.update(importance=True), "invalid_level", "$.issues[1].importance",
         "expected an integer"),
        (lambda r: r.update(households=0), "invalid_households", "$.issues[1].households",
         "at least 1"),
        (lambda r: r.update(tags=["a", "a"]), "duplicate_tag", "$.issues[1].tags[1]",
         "listed twice"),
        (lambda r: r.update(colour="red"), "unknown_field", "$.issues[1].colour",
         "fields are id, category"),
        (lambda r: r.pop("origin"), "missing_field", "$.issues[1].origin", "'origin'"),
        (lambda r: r.update(id="Q1"), "duplicate_issue", "$.issues[1].id",
         "first at $.issues[0].id"),
    ],
)  # fmt: skip
def test_bad_issues(change: Callable[[Any], Any], code: str, path: str, text: str) -> None:
    document = _issues_doc()
    change(document["issues"][1])
    message = load_problem(document, SchemaError, code, path)
    assert text in message
    if code not in ("duplicate_issue", "missing_field"):
        assert message.startswith(f"issue 'Q2' ({path})")


def test_every_issue_problem_is_reported_at_once() -> None:
    document = _issues_doc()
    document["issues"][0]["reported"] = "2024-05-06 09:30"
    document["issues"][1]["channel"] = 3
    document["issues"].append("Q3")
    with pytest.raises(SchemaError) as caught:
        load_value(document)
    assert [(p.code, p.path) for p in caught.value.problems] == [
        ("naive_time", "$.issues[0].reported"),
        ("unknown_channel", "$.issues[1].channel"),
        ("invalid_issues", "$.issues[2]"),
    ]
    assert str(caught.value).startswith("3 problems in issues document:")


# ---------------------------------------------------------------------- triage, rules, logs


HOUR = dt.timedelta(hours=1)


def _calendar() -> WorkingCalendar:
    return WorkingCalendar(
        days=(0, 1, 2, 3, 4, 5),
        hours=(("08:30", "12:00"), ("14:00", "18:00")),
        holidays=["2024-10-01", "2024-10-02"],
        workdays=["2024-09-29"],
        tz="Asia/Shanghai",
    )


def _mixed_deadlines() -> dict[str, Deadlines | tuple[dt.timedelta, dt.timedelta]]:
    """Deadlines given both ways: as (response, resolution) pairs and as Deadlines."""
    return {
        "green": (2 * HOUR, 48 * HOUR),
        "yellow": Deadlines(HOUR, 24 * HOUR, calendar=_calendar()),
        "red": (dt.timedelta(minutes=10, microseconds=5), 3 * HOUR),
    }


def _triages() -> list[MatrixTriage | FiveTierTriage]:
    return [
        MatrixTriage(),
        MatrixTriage(calendar=_calendar()),
        MatrixTriage(
            [["green"] * 4, ["green"] * 4, ["yellow"] * 4, ["red"] * 4],
            _mixed_deadlines(),
        ),
        FiveTierTriage(),
        FiveTierTriage(
            calendar=_calendar(),
            escalate_households=12,
            escalate_score=6,
            bases={"grid": "blue", "community": "green", "street": "orange"},
        ),
    ]


def _table() -> RuleTable:
    return RuleTable(
        [
            Rule("whistle", Whistle(dt.timedelta(minutes=45)), colours=["red"]),
            Rule("disputes", Mediation(), categories=["neighbour_disputes"], under=["C1", "C2"]),
            Rule(
                "property",
                JointOffice(("D_HOUSING", "D_URBAN"), property_company=False),
                categories=["property_management"],
                colours=["orange", "red"],
                channels=["hotline", "online"],
            ),
            Rule("elderly", AssignDepartment(), tags=["elderly", "alone"], tiers=["household"]),
            Rule("grid", HandleAt("grid"), tiers=["grid"]),
            Rule.default(HandleAt()),
        ]
    )


def _log() -> CaseLog:
    t = dt.datetime(2024, 5, 6, 9, 0, tzinfo=CST)
    events = [
        CaseEvent("Q1", t, "collected", actor="gridder 张"),
        CaseEvent("Q2", t + HOUR, "collected", due=t + 72 * HOUR),
        CaseEvent("Q1", t + 2 * HOUR, "filed", due=t + 24 * HOUR),
        CaseEvent("Q1", t + 3 * HOUR, "dispatched", actor="C1", note="to the community"),
        CaseEvent("Q2", t + 3 * HOUR, "filed"),
        CaseEvent("Q1", t + 4 * HOUR, "handling"),
        CaseEvent("Q1", t + 5 * HOUR, "replied", rating=2),
        CaseEvent("Q1", t + 6 * HOUR, "closed", rating=5),
        CaseEvent("Q3", t + 6 * HOUR, "collected"),
    ]
    return CaseLog(events, cases={"Q1": ("neighbour_disputes", "G1"), "Q3": ("stability", "H1")})


def test_triage_schemes_round_trip() -> None:
    for triage in _triages():
        found = _round_trip(triage)
        assert type(found) is type(triage)
        assert found == triage
    document = dump_value(_triages()[4])
    assert document["triage"]["scheme"] == "five_tier"
    assert document["triage"]["calendar"]["tz"] == "Asia/Shanghai"
    assert document["triage"]["deadlines"]["red"] == {"response": 1800, "resolution": 2592000}


def test_rule_tables_round_trip() -> None:
    for table in (_table(), RuleTable.standard(), RuleTable([Rule.default(Mediation())])):
        assert _round_trip(table) == table
    document = dump_value(_table())
    assert document["rules"][0] == {
        "name": "whistle", "action": {"kind": "whistle", "report_in": 2700.0},
        "colours": ["red"],
    }  # fmt: skip
    assert document["rules"][-1] == {
        "name": "default",
        "action": {"kind": "handle_at", "tier": None},
    }


def test_a_rule_loads_with_defaults_for_absent_fields() -> None:
    document = {
        "format": "gridorg.rules",
        "version": 1,
        "rules": [
            {"name": "w", "action": {"kind": "whistle"}, "colours": ["red"]},
            {"name": "j", "action": {"kind": "joint_office"}, "tags": ["x"]},
            {"name": "d", "action": {"kind": "handle_at"}},
        ],
    }
    assert load_value(document) == RuleTable(
        [
            Rule("w", Whistle(), colours=["red"]),
            Rule("j", JointOffice(), tags=["x"]),
            Rule.default(HandleAt(), name="d"),
        ]
    )


def test_case_logs_round_trip() -> None:
    log = _log()
    found = _round_trip(log)
    assert isinstance(found, CaseLog)
    assert found == log
    assert found.case_info("Q1") == ("neighbour_disputes", "G1")
    assert found.case_info("Q2") == (None, None)
    assert found.state_of("Q1") is CaseState.CLOSED
    document = dump_value(log)
    events = document["events"]
    assert set(events) == {"case", "time", "state", "actor", "note", "due", "rating"}
    assert events["time"][0] == "2024-05-06T01:00:00+00:00"  # in UTC
    assert events["rating"] == [None] * 6 + [2, 5, None]
    assert found[6].rating == 2
    assert found.views()["Q1"].rating == 5
    assert events["due"][:3] == [None, "2024-05-09T01:00:00+00:00", "2024-05-07T01:00:00+00:00"]
    assert document["cases"] == {
        "id": ["Q1", "Q3"], "category": ["neighbour_disputes", "stability"], "origin": ["G1", "H1"]
    }  # fmt: skip
    bare = CaseLog([CaseEvent("Q9", WHEN, "collected")])
    assert set(dump_value(bare)) == {"format", "version", "events"}
    assert set(dump_value(bare)["events"]) == {"case", "time", "state"}
    assert _round_trip(bare) == bare
    assert _round_trip(CaseLog()) == CaseLog()


# ---------------------------------------------------------------------- generated values

_SECONDS = st.integers(1, 40 * 86_400).map(lambda s: dt.timedelta(seconds=s))
_CLOCKS = ("00:00", "07:30", "08:00", "09:00", "12:00", "13:30", "17:30", "18:00:30", "24:00")


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    days = draw(st.sets(st.integers(0, 6), min_size=1))
    marks = sorted(draw(st.sets(st.sampled_from(range(len(_CLOCKS))), min_size=2, max_size=4)))
    pairs = list(zip(marks[::2], marks[1::2], strict=False))
    hours = [(_CLOCKS[a], _CLOCKS[b]) for a, b in pairs]
    dates = draw(st.sets(st.dates(dt.date(2024, 1, 1), dt.date(2025, 12, 31)), max_size=6))
    holidays = draw(st.sets(st.sampled_from(sorted(dates)), max_size=6)) if dates else set()
    tz = draw(st.sampled_from(["Asia/Shanghai", "UTC", "+08:00", "-03:30"]))
    return WorkingCalendar(
        days=days, hours=hours, holidays=holidays, workdays=dates - holidays, tz=tz
    )


@st.composite
def limits(draw: st.DrawFn) -> tuple[dt.timedelta, dt.timedelta]:
    first, second = draw(_SECONDS), draw(_SECONDS)
    extra = dt.timedelta(microseconds=draw(st.integers(0, 999_999)))
    return min(first, second), max(first, second) + extra


@st.composite
def triages(draw: st.DrawFn) -> MatrixTriage | FiveTierTriage:
    calendar = draw(st.one_of(st.just(None), calendars()))
    options: dict[str, Any] = {} if calendar is None else {"calendar": calendar}
    if draw(st.booleans()):
        matrix = draw(st.lists(st.lists(st.sampled_from(COLOURS), min_size=4, max_size=4),
                               min_size=4, max_size=4))  # fmt: skip
        used = {colour for row in matrix for colour in row}
        table = {colour: draw(limits()) for colour in used}
        return MatrixTriage(matrix, table, **options)
    if draw(st.booleans()):
        options["deadlines"] = {colour: draw(limits()) for colour in COLOURS}
    tiers = ("household", "grid", "community", "street", "county")
    bases = draw(st.dictionaries(st.sampled_from(tiers), st.sampled_from(COLOURS), min_size=1))
    return FiveTierTriage(
        escalate_households=draw(st.integers(1, 500)),
        escalate_score=draw(st.integers(2, 9)),
        bases=bases,
        **options,
    )


_CODES = st.sampled_from(["a", "b", "civil_assistance", "G1", "社区", "x y"])


def _maybe(values: st.SearchStrategy[Any]) -> st.SearchStrategy[frozenset[Any] | None]:
    return st.one_of(st.none(), st.frozensets(values, min_size=1, max_size=3))


_ACTIONS = st.one_of(
    st.builds(HandleAt, st.one_of(st.none(), st.sampled_from(["grid", "community", "street"]))),
    st.just(AssignDepartment()),
    st.builds(
        JointOffice,
        st.lists(_CODES, unique=True, max_size=3).map(tuple),
        property_company=st.booleans(),
    ),
    st.just(Mediation()),
    st.builds(Whistle, st.integers(1, 86_400 * 3).map(lambda s: dt.timedelta(seconds=s))),
)


@st.composite
def rule_tables(draw: st.DrawFn) -> RuleTable:
    rules = []
    for n in range(draw(st.integers(0, 4))):
        conditions = {
            "categories": draw(_maybe(_CODES)),
            "colours": draw(_maybe(st.sampled_from(COLOURS))),
            "tiers": draw(_maybe(st.sampled_from(["grid", "household"]))),
            "tags": draw(_maybe(_CODES)),
            "channels": draw(_maybe(st.sampled_from(list(Channel)))),
            "under": draw(_maybe(_CODES)),
        }
        if all(value is None for value in conditions.values()):
            conditions["tags"] = frozenset({"only"})
        rules.append(Rule(f"rule {n}", draw(_ACTIONS), **conditions))
    rules.append(Rule.default(draw(_ACTIONS), name=draw(st.sampled_from(["default", "最后"]))))
    return RuleTable(rules)


@st.composite
def case_logs(draw: st.DrawFn) -> CaseLog:
    """Valid logs: each case a walk through the transition table, the cases interleaved."""
    start = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    walks: list[list[CaseEvent]] = []
    for n in range(draw(st.integers(0, 4))):
        case = f"Q{n}"
        state: CaseState | None = None
        time = start + dt.timedelta(seconds=draw(st.integers(0, 10**6)))
        walk = []
        for _ in range(draw(st.integers(1, 7))):
            allowed = sorted(TRANSITIONS[state], key=lambda s: s.code)
            if not allowed:
                break
            state = draw(st.sampled_from(allowed))
            time += dt.timedelta(microseconds=draw(st.integers(0, 10**10)))
            due = None
            if state in (CaseState.FILED, CaseState.DISPATCHED) and draw(st.booleans()):
                due = time + dt.timedelta(days=draw(st.integers(1, 30)))
            actor = draw(st.sampled_from(["", "G1", "街道"]))
            walk.append(CaseEvent(case, time, state, actor=actor, note=draw(st.text(max_size=3)),
                                  due=due))  # fmt: skip
        walks.append(walk)
    events: list[CaseEvent] = []
    while any(walks):
        pick = draw(st.sampled_from([w for w in walks if w]))
        events.append(pick.pop(0))
    log = CaseLog(events)
    for case in log.cases:
        if draw(st.booleans()):
            log.register(case, category=draw(_CODES), origin=draw(st.sampled_from(["G1", "H2"])))
    return log


@settings(max_examples=40)
@given(triages())
def test_generated_triages_round_trip(triage: MatrixTriage | FiveTierTriage) -> None:
    assert _round_trip(triage) == triage


@settings(max_examples=40)
@given(rule_tables())
def test_generated_rule_tables_round_trip(table: RuleTable) -> None:
    assert _round_trip(table) == table


@settings(max_examples=40)
@given(case_logs())
def test_generated_case_logs_round_trip(log: CaseLog) -> None:
    found = _round_trip(log)
    assert found == log
    assert list(found) == list(log)
    for case in log.cases:
        assert found.case_info(case) == log.case_info(case)


@settings(max_examples=30)
@given(case_logs(), st.data())
def test_a_changed_state_is_refused_at_its_path(log: CaseLog, data: st.DataObject) -> None:
    """Brute force: replacing one event's state is refused exactly when the walk of its case
    leaves the transition table, and the refusal names that event's path."""
    if not len(log):
        return
    document = dump_value(log)
    states = document["events"]["state"]
    k = data.draw(st.integers(0, len(states) - 1))
    states[k] = data.draw(st.sampled_from([s.value for s in CaseState]))
    due = document["events"].get("due")
    if due is not None and CaseState(states[k]) not in {
        CaseState.COLLECTED, CaseState.FILED, CaseState.DISPATCHED, CaseState.ESCALATED,
        CaseState.EXTENDED,
    }:  # fmt: skip
        due[k] = None
    cases = document["events"]["case"]
    walk = [CaseState(s) for c, s in zip(cases, states, strict=True) if c == cases[k]]
    legal = all(b in TRANSITIONS[a] for a, b in zip([None, *walk], walk, strict=False))
    if legal:
        assert isinstance(load_value(document), CaseLog)
    else:
        with pytest.raises(TransitionError) as caught:
            load_value(document)
        assert "$.events.state[" in str(caught.value)


# ---------------------------------------------------------------------- malformed: triage


def _triage_doc(n: int = 4) -> dict[str, Any]:
    return copy.deepcopy(dump_value(_triages()[n]))


@pytest.mark.parametrize(
    ("n", "change", "code", "path", "text"),
    [
        (0, lambda t: t["matrix"][2].__setitem__(3, "purple"), "unknown_colour",
         "$.triage.matrix[2][3]", "'red'"),
        (0, lambda t: t["matrix"].pop(), "invalid_matrix", "$.triage.matrix", "4 items"),
        (0, lambda t: t["deadlines"].update(purple=t["deadlines"]["red"]), "unknown_colour",
         "$.triage.deadlines.purple", "unknown colour 'purple'"),
        (0, lambda t: t["deadlines"]["red"].update(response="30m"), "invalid_duration",
         "$.triage.deadlines.red.response", "expected a number"),
        (0, lambda t: t["deadlines"]["red"].update(resolution=0), "invalid_duration",
         "$.triage.deadlines.red.resolution", "greater than 0"),
        (0, lambda t: t["deadlines"]["red"].pop("response"), "missing_field",
         "$.triage.deadlines.red.response", "required"),
        (0, lambda t: t["deadlines"]["red"].update(respons=1), "unknown_field",
         "$.triage.deadlines.red.respons", "did you mean 'response'?"),
        (0, lambda t: t.update(scheme="traffic_light"), "unknown_scheme", "$.triage.scheme",
         "expected one of matrix, five_tier"),
        (0, lambda t: t.pop("scheme"), "missing_field", "$.triage.scheme", "'scheme'"),
        (0, lambda t: t.update(escalate_score=7), "unknown_field",
         "$.triage.escalate_score", "fields are scheme, matrix, deadlines, calendar"),
        (4, lambda t: t["calendar"]["hours"][0].__setitem__(1, "25:00"), "invalid_hours",
         "$.triage.calendar.hours[0][1]", "HH:MM"),
        (4, lambda t: t["calendar"]["days"].append(7), "invalid_days",
         "$.triage.calendar.days[6]", "at most 6"),
        (4, lambda t: t["calendar"]["holidays"].append("2024/10/03"), "invalid_date",
         "$.triage.calendar.holidays[2]", "YYYY-MM-DD"),
        (4, lambda t: t["calendar"].update(tz=8), "invalid_tz", "$.triage.calendar.tz",
         "expected a string"),
        (4, lambda t: t.update(calendar=None), "invalid_calendar", "$.triage.calendar",
         "got null"),
        (4, lambda t: t.update(escalate_households=0), "invalid_households",
         "$.triage.escalate_households", "at least 1"),
        (4, lambda t: t.update(escalate_score=10), "invalid_score", "$.triage.escalate_score",
         "at most 9"),
        (4, lambda t: t["bases"].update(grid="grey"), "unknown_colour", "$.triage.bases.grid",
         "'blue'"),
        (4, lambda t: t.update(matrix=[]), "unknown_field", "$.triage.matrix",
         "escalate_households"),
    ],
)  # fmt: skip
def test_bad_triage_shapes(
    n: int, change: Callable[[Any], Any], code: str, path: str, text: str
) -> None:
    document = _triage_doc(n)
    change(document["triage"])
    assert text in load_problem(document, SchemaError, code, path)


@pytest.mark.parametrize(
    ("n", "change", "path", "text"),
    [
        (4, lambda t: t["calendar"].update(hours=[["13:00", "12:00"]]), "$.triage.calendar.hours",
         "must end after it starts"),
        (4, lambda t: t["calendar"].update(tz="Mars/Olympus"), "$.triage.calendar.tz",
         "IANA"),
        (4, lambda t: t["calendar"].update(workdays=["2024-10-01"]), "$.triage.calendar",
         "both a holiday and a make-up working day"),
        (0, lambda t: t["deadlines"]["red"].update(response=10**6),
         "$.triage.deadlines.red.response",
         "must not be longer than resolution"),
        (0, lambda t: t["deadlines"].pop("yellow"), "$.triage.deadlines",
         "no entry for yellow"),
        (2, lambda t: t["deadlines"]["yellow"]["calendar"].update(holidays=["2024-09-29"]),
         "$.triage.deadlines.yellow.calendar", "both a holiday and a make-up working day"),
    ],
)  # fmt: skip
def test_triage_values_that_make_no_scheme(
    n: int, change: Callable[[Any], Any], path: str, text: str
) -> None:
    document = _triage_doc(n)
    change(document["triage"])
    with pytest.raises(RecordError) as caught:
        load_value(document)
    problem = caught.value.problems[0]
    assert problem.path == path
    assert problem.message.startswith(f"{path}: ")
    assert text in problem.message
    assert str(caught.value).startswith("triage document: ")


# ---------------------------------------------------------------------- malformed: rules


def _rules_doc() -> dict[str, Any]:
    return copy.deepcopy(dump_value(_table()))


@pytest.mark.parametrize(
    ("change", "code", "path", "text"),
    [
        (lambda r: r[0]["action"].update(kind="whistle_blow"), "unknown_action",
         "$.rules[0].action.kind", "expected one of handle_at, assign_department"),
        (lambda r: r[0]["action"].pop("kind"), "missing_field", "$.rules[0].action.kind",
         "'kind' is missing"),
        (lambda r: r[0]["action"].update(report_in=-5), "invalid_duration",
         "$.rules[0].action.report_in", "greater than 0"),
        (lambda r: r[0]["action"].update(report_in="PT30M"), "invalid_duration",
         "$.rules[0].action.report_in", "expected a number"),
        (lambda r: r[0]["action"].update(departments=[]), "unknown_field",
         "$.rules[0].action.departments", "fields are kind, report_in"),
        (lambda r: r[2]["action"].update(property_company="yes"), "invalid_flag",
         "$.rules[2].action.property_company", "boolean"),
        (lambda r: r[2]["action"]["departments"].append("D_HOUSING"), "duplicate_department",
         "$.rules[2].action.departments[2]", "listed twice"),
        (lambda r: r[0].update(colours=["crimson"]), "unknown_colour", "$.rules[0].colours[0]",
         "'red'"),
        (lambda r: r[2].update(channels=["fax"]), "unknown_channel", "$.rules[2].channels[0]",
         "'hotline'"),
        (lambda r: r[1].update(categories=[]), "invalid_categories", "$.rules[1].categories",
         "at least 1 items, got an empty array"),
        (lambda r: r[1].update(under="C1"), "invalid_under", "$.rules[1].under",
         "expected an array"),
        (lambda r: r[3].update(tag=["x"]), "unknown_field", "$.rules[3].tag",
         "did you mean 'tags'?"),
        (lambda r: r[4].pop("action"), "missing_field", "$.rules[4].action", "'action'"),
        (lambda r: r[4].update(name=""), "invalid_name", "$.rules[4].name", "expected an id"),
    ],
)  # fmt: skip
def test_bad_rule_shapes(change: Callable[[Any], Any], code: str, path: str, text: str) -> None:
    document = _rules_doc()
    change(document["rules"])
    message = load_problem(document, SchemaError, code, path)
    assert text in message
    if not path.endswith(".name"):
        assert message.startswith("rule '")


@pytest.mark.parametrize(
    ("change", "code", "path"),
    [
        (lambda r: r.pop(), "no_default", "$.rules"),
        (lambda r: r.clear(), "no_default", "$.rules"),
        (lambda r: r.insert(2, {"name": "early", "action": {"kind": "mediation"}}),
         "unreachable_rule", "$.rules[3]"),
        (lambda r: r[3].update(name="whistle"), "duplicate_rule", "$.rules[3].name"),
    ],
)  # fmt: skip
def test_rule_tables_in_the_wrong_order(
    change: Callable[[Any], Any], code: str, path: str
) -> None:
    document = _rules_doc()
    change(document["rules"])
    with pytest.raises(RuleError) as caught:
        load_value(document)
    problem = caught.value.problems[0]
    assert (problem.code, problem.path) == (code, path)
    assert problem.message.startswith(f"{path}: ")
    assert "rules document" in str(caught.value).splitlines()[0]


# ---------------------------------------------------------------------- malformed: case logs


def _log_doc() -> dict[str, Any]:
    return copy.deepcopy(dump_value(_log()))


@pytest.mark.parametrize(
    ("change", "code", "path", "text"),
    [
        (lambda d: d["events"]["state"].__setitem__(4, "accepted"), "unknown_state",
         "$.events.state[4]", "'collected'"),
        (lambda d: d["events"]["time"].__setitem__(2, "2024-05-06T11:00:00"), "naive_time",
         "$.events.time[2]", "no offset"),
        (lambda d: d["events"]["due"].__setitem__(1, "soon"), "invalid_time",
         "$.events.due[1]", "ISO 8601"),
        (lambda d: d["events"]["time"].pop(), "column_length", "$.events.time",
         "has 8 values, expected 9"),
        (lambda d: d["events"]["actor"].__setitem__(0, None), "invalid_actor",
         "$.events.actor[0]", "expected a string"),
        (lambda d: d["events"].pop("state"), "missing_field", "$.events.state", "'state'"),
        (lambda d: d["events"].update(who=[]), "unknown_field", "$.events.who",
         "fields are case, time, state, actor, note, due, rating"),
        (lambda d: d["events"]["rating"].__setitem__(6, 6), "invalid_rating",
         "$.events.rating[6]", "expected an integer at most 5, got 6"),
        (lambda d: d["events"]["rating"].__setitem__(7, 0), "invalid_rating",
         "$.events.rating[7]", "expected an integer at least 1, got 0"),
        (lambda d: d["events"]["rating"].__setitem__(7, 4.5), "invalid_rating",
         "$.events.rating[7]", "expected an integer"),
        (lambda d: d["events"]["rating"].__setitem__(7, True), "invalid_rating",
         "$.events.rating[7]", "expected an integer"),
        (lambda d: d["events"]["rating"].pop(), "column_length", "$.events.rating",
         "has 8 values, expected 9"),
        (lambda d: d["cases"]["category"].pop(), "column_length", "$.cases.category",
         "expected 2"),
        (lambda d: d["cases"]["id"].__setitem__(1, "Q1"), "duplicate_case", "$.cases.id[1]",
         "first at $.cases.id[0]"),
        (lambda d: d["cases"]["id"].__setitem__(1, "Q7"), "unknown_case", "$.cases.id[1]",
         "has no event"),
        (lambda d: d.update(events=[]), "invalid_events", "$.events", "expected an object"),
    ],
)  # fmt: skip
def test_bad_case_log_shapes(
    change: Callable[[Any], Any], code: str, path: str, text: str
) -> None:
    document = _log_doc()
    change(document)
    assert text in load_problem(document, SchemaError, code, path)


def test_a_bad_value_names_its_case() -> None:
    document = _log_doc()
    document["events"]["state"][4] = "accepted"
    message = load_problem(document, SchemaError, "unknown_state", "$.events.state[4]")
    assert message.startswith("case 'Q2' ($.events.state[4]): ")


@pytest.mark.parametrize(
    ("change", "error", "path", "text"),
    [
        (lambda e: e["state"].__setitem__(4, "closed"), TransitionError, "$.events.state[4]",
         "case 'Q2': collected → closed is not an allowed transition; after collected it may "
         "go to cancelled, duplicate, filed, rejected"),
        (lambda e: e["state"].__setitem__(8, "filed"), TransitionError, "$.events.state[8]",
         "case 'Q3' is new: its first event must be collected"),
        (lambda e: e["time"].__setitem__(5, "2024-05-06T09:00:00+08:00"), CaseLogError,
         "$.events.time[5]", "goes back in time"),
        (lambda e: e["due"].__setitem__(5, "2024-05-09T09:00:00+08:00"), CaseLogError,
         "$.events.due[5]", "cannot carry a due time"),
        (lambda e: e["rating"].__setitem__(5, 3), CaseLogError, "$.events.rating[5]",
         "case 'Q1': a handling event cannot carry a rating; only replied, verified, closed "
         "events do"),
    ],
)  # fmt: skip
def test_case_logs_that_break_the_lifecycle(
    change: Callable[[Any], Any], error: type[Exception], path: str, text: str
) -> None:
    document = _log_doc()
    change(document["events"])
    with pytest.raises(error) as caught:
        load_value(document)
    assert type(caught.value) is error
    message = str(caught.value)
    assert message.startswith(f"case log document: {path}: ")
    assert text in message


def test_every_refused_event_is_listed() -> None:
    document = _log_doc()
    document["events"]["state"][4] = "closed"
    document["events"]["state"][8] = "closed"
    with pytest.raises(TransitionError) as caught:
        load_value(document)
    lines = str(caught.value).splitlines()
    assert lines[0] == "2 events refused in case log document:"
    assert lines[1].startswith("  - $.events.state[4]: case 'Q2'")
    assert lines[2].startswith("  - $.events.state[8]: case 'Q3' is new")


# ---------------------------------------------------------------------- what only the classes see


@pytest.mark.parametrize(
    ("document", "error", "path"),
    [
        ({"format": "gridorg.issues", "version": 1, "issues": [
            {"id": "Q\x1c", "category": "c", "origin": "G", "reported": "2024-01-01T00:00Z"}]},
         RecordError, "$.issues[0].id"),
        ({"format": "gridorg.categories", "version": 1, "categories": [
            {"code": "x", "tier": "grid\x1f"}]}, RecordError, "$.categories[0].tier"),
        ({"format": "gridorg.rules", "version": 1, "rules": [
            {"name": "a", "action": {"kind": "handle_at", "tier": "grid\x1d"}, "tags": ["t"]},
            {"name": "d", "action": {"kind": "mediation"}}]}, RuleError,
         "$.rules[0].action.tier"),
        ({"format": "gridorg.rules", "version": 1, "rules": [
            {"name": "a", "action": {"kind": "mediation"}, "under": ["C\x1e"]},
            {"name": "d", "action": {"kind": "mediation"}}]}, RuleError, "$.rules[0].under"),
    ],
)  # fmt: skip
def test_values_the_classes_refuse_are_placed(
    document: dict[str, Any], error: type[ValidationError], path: str
) -> None:
    """Ids ending in a control character that str.strip() removes pass the JSON Schema
    pattern but not the records' own checks: the error still names the JSON path."""
    with pytest.raises(error) as caught:
        load_value(document)
    assert [p.path for p in caught.value.problems] == [path]
    assert caught.value.problems[0].message.startswith(f"{path}: ")


@pytest.mark.parametrize(
    ("case", "origin", "path"),
    [("Q\x1c", "G1", "$.events.case[0]"), ("Q1", "G1\x1f", "$.cases.origin[0]")],
)
def test_case_ids_the_log_refuses_are_placed(case: str, origin: str, path: str) -> None:
    document = {
        "format": "gridorg.case_log",
        "version": 1,
        "events": {"case": [case], "time": ["2024-01-01T08:00:00+08:00"], "state": ["collected"]},
        "cases": {"id": [case], "category": ["stability"], "origin": [origin]},
    }
    with pytest.raises(CaseLogError) as caught:
        load_value(document)
    assert type(caught.value) is CaseLogError
    assert str(caught.value).startswith(f"case log document: {path}: ")
