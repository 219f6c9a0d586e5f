"""gridorg.strategies: validity, reach, shrink quality, type registration and bad arguments."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from gridorg import (
    DEFAULT_SCHEME,
    GridorgError,
    InvalidArgumentError,
    LevelScheme,
    Organisation,
    Unit,
)
from gridorg.strategies import organisations, records, schemes, unit_ids, units
from tests.strategies_helpers import COUNT_FIELDS, COUNT_LIMIT, Tree, structure_problems


def same_tier_nesting(rows: Sequence[Mapping[str, Any]]) -> bool:
    """Whether some unit has a parent of its own tier."""
    tier = {r["id"]: r["tier"] for r in rows}
    return any(r["parent"] is not None and tier[r["parent"]] == r["tier"] for r in rows)


def check_valid(org: Organisation, scheme: LevelScheme) -> list[dict[str, Any]]:
    """Assert that ``org`` is a valid organisation of ``scheme``, recomputed from its records."""
    assert isinstance(org, Organisation)
    assert org.scheme == scheme
    rows = org.to_records()
    assert structure_problems(rows, scheme) == []
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids) == len(org)
    assert all(isinstance(uid, str) and uid and uid == uid.strip() for uid in ids)
    assert all(r["parent"] is None or r["parent"] in org for r in rows)
    return rows


# ---------------------------------------------------------------------- validity


@given(organisations(attributes=True))
def test_organisations_are_valid(org: Organisation) -> None:
    rows = check_valid(org, DEFAULT_SCHEME)
    assert 1 <= len(org) <= 50
    assert all(0 <= r[field] <= COUNT_LIMIT for r in rows for field in COUNT_FIELDS)


@given(st.data())
def test_organisations_of_any_scheme_are_valid(data: st.DataObject) -> None:
    scheme = data.draw(schemes())
    org = data.draw(organisations(scheme=scheme, min_units=0, max_units=20))
    check_valid(org, scheme)


@given(st.data())
def test_sizes_stay_within_bounds(data: st.DataObject) -> None:
    low = data.draw(st.integers(0, 12))
    high = data.draw(st.integers(low, 16))
    org = data.draw(organisations(min_units=low, max_units=high))
    assert low <= len(org) <= high
    check_valid(org, DEFAULT_SCHEME)


@given(organisations(forms=False, counts=False, names=False))
def test_options_switch_fields_off(org: Organisation) -> None:
    rows = check_valid(org, DEFAULT_SCHEME)
    assert all(r["form"] is None for r in rows)
    assert all(r[field] == 0 for r in rows for field in COUNT_FIELDS)
    assert all(r["name"] == "" for r in rows)
    assert org.name == ""
    assert all("attributes" not in r for r in rows)
    assert not same_tier_nesting(rows)


@given(organisations(nested_forms=False))
def test_nested_forms_off_keeps_children_one_tier_down(org: Organisation) -> None:
    rows = check_valid(org, DEFAULT_SCHEME)
    assert not same_tier_nesting(rows)


@given(st.data())
def test_records_form_an_organisation(data: st.DataObject) -> None:
    scheme = data.draw(st.one_of(st.just(DEFAULT_SCHEME), schemes()))
    rows = data.draw(records(scheme=scheme, max_units=20, attributes=True))
    assert structure_problems(rows, scheme) == []
    org = Organisation.from_records(rows, scheme=scheme)
    assert sorted(map(repr, org.to_records())) == sorted(map(repr, rows))


@given(units(attributes=True))
def test_units_are_valid(unit: Unit) -> None:
    assert isinstance(unit, Unit)
    tier = DEFAULT_SCHEME.tier(unit.tier)
    assert unit.form is None or unit.form in tier.forms
    assert unit.id == unit.id.strip() != ""
    assert unit.parent is None or unit.parent == unit.parent.strip() != ""


@given(schemes())
def test_schemes_have_one_to_six_distinct_tiers(scheme: LevelScheme) -> None:
    assert isinstance(scheme, LevelScheme)
    assert 1 <= len(scheme) <= 6
    assert len(set(scheme.names)) == len(scheme)
    assert all(len(set(tier.forms)) == len(tier.forms) for tier in scheme)


@given(unit_ids())
def test_unit_ids_are_valid_ids(uid: str) -> None:
    assert isinstance(uid, str)
    assert uid
    assert uid == uid.strip()


# ---------------------------------------------------------------------- reach


def _features(rows: list[dict[str, Any]]) -> set[str]:
    org = Organisation.from_records(rows)
    tree = Tree(org.to_records())
    position = {r["id"]: k for k, r in enumerate(rows)}
    found: set[str] = set()
    checks: dict[str, bool] = {
        "empty": not rows,
        "forest": len(tree.roots) >= 2,
        "root below the top tier": any(
            r["parent"] is None and r["tier"] != "street" for r in rows
        ),
        "same-tier nesting": same_tier_nesting(rows),
        "unit without a form": any(r["form"] is None for r in rows),
        "unit with a form": any(r["form"] is not None for r in rows),
        "depth 3": any(tree.depth(uid) >= 3 for uid in tree.by_id),
        "several children": any(len(c) >= 2 for c in tree.children.values()),
        "zero count": any(r[f] == 0 for r in rows for f in COUNT_FIELDS),
        "largest count": any(r[f] == COUNT_LIMIT for r in rows for f in COUNT_FIELDS),
        "Chinese name": any(any("\u4e00" <= c <= "\u9fff" for c in r["name"]) for r in rows),
        "ASCII name": any(r["name"].isascii() and r["name"].strip() for r in rows),
        "id with inner whitespace": any(any(c.isspace() for c in r["id"]) for r in rows),
        "non-ASCII id": any(not r["id"].isascii() for r in rows),
        "attributes": any("attributes" in r for r in rows),
        "child listed before its parent": any(
            r["parent"] is not None and position[r["parent"]] > position[r["id"]] for r in rows
        ),
    }
    found.update(name for name, seen in checks.items() if seen)
    return found


def test_strategy_reaches_every_shape() -> None:
    seen: set[str] = set()

    @settings(max_examples=150, phases=[Phase.generate], database=None)
    @given(records(min_units=0, attributes=True))
    def collect(rows: list[dict[str, Any]]) -> None:
        seen.update(_features(rows))

    collect()
    expected = _features([]) | {
        "forest",
        "root below the top tier",
        "same-tier nesting",
        "unit without a form",
        "unit with a form",
        "depth 3",
        "several children",
        "zero count",
        "largest count",
        "Chinese name",
        "ASCII name",
        "id with inner whitespace",
        "non-ASCII id",
        "attributes",
        "child listed before its parent",
    }
    assert expected - seen == set()


# ---------------------------------------------------------------------- shrink quality


def test_shrinks_to_three_plain_units() -> None:
    org = find(organisations(), lambda o: len(o) >= 3)
    rows = org.to_records()
    assert len(rows) == 3
    assert all(r[field] == 0 for r in rows for field in COUNT_FIELDS)
    assert all(r["form"] is None and r["name"] == "" for r in rows)
    assert org.name == ""
    assert all(len(r["id"]) <= 2 for r in rows)


def test_shrinks_same_tier_nesting_to_two_units() -> None:
    org = find(organisations(), lambda o: same_tier_nesting(o.to_records()))
    rows = org.to_records()
    assert len(rows) == 2
    root, child = rows
    assert root["parent"] is None
    assert child["parent"] == root["id"]
    assert child["tier"] == root["tier"]
    assert all(r[field] == 0 for r in rows for field in COUNT_FIELDS)


# ---------------------------------------------------------------------- from_type


def test_plugin_is_registered_as_a_hypothesis_entry_point() -> None:
    points = importlib.metadata.entry_points(group="hypothesis")
    assert [p.value for p in points if p.name == "gridorg"] == [
        "gridorg._hypothesis_plugin:register"
    ]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.from_type(Organisation), st.from_type(Unit), st.from_type(LevelScheme))
def test_from_type_draws_valid_values(org: Organisation, unit: Unit, scheme: LevelScheme) -> None:
    check_valid(org, DEFAULT_SCHEME)
    assert 1 <= len(org) <= 50
    assert isinstance(unit, Unit)
    assert unit.tier in DEFAULT_SCHEME
    assert isinstance(scheme, LevelScheme)


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_importing_gridorg_does_not_import_hypothesis() -> None:
    out = _run(
        "import sys, gridorg\n"
        "org = gridorg.Organisation.from_records([{'id': 'S', 'tier': 'street'}])\n"
        "org.totals('households'); org.to_records(); org.walk()\n"
        "print('hypothesis' in sys.modules)\n"
    )
    assert out.split() == ["False"]


def test_registration_is_lazy() -> None:
    out = _run(
        "import sys, warnings\n"
        "warnings.simplefilter('ignore')\n"
        "from hypothesis import strategies as st\n"
        "import gridorg\n"
        "print('gridorg.strategies' in sys.modules)\n"
        "org = st.from_type(gridorg.Organisation).example()\n"
        "print(type(org).__name__, 'gridorg.strategies' in sys.modules)\n"
    )
    assert out.split() == ["False", "Organisation", "True"]


# ---------------------------------------------------------------------- bad arguments


BAD_ARGUMENTS: list[tuple[Callable[[], st.SearchStrategy[Any]], str]] = [
    (lambda: organisations(min_units=5, max_units=2), "min_units=5 is greater than max_units=2"),
    (lambda: organisations(min_units=-1), "min_units"),
    (lambda: organisations(max_units=-3), "max_units"),
    (lambda: organisations(min_units=1.5), "min_units"),  # type: ignore[arg-type]
    (lambda: organisations(max_units=True), "max_units"),
    (lambda: organisations(scheme="street"), "scheme"),  # type: ignore[arg-type]
    (lambda: organisations(forms="yes"), "forms"),  # type: ignore[arg-type]
    (lambda: organisations(nested_forms=None), "nested_forms"),  # type: ignore[arg-type]
    (lambda: records(min_units=3, max_units=0), "min_units=3 is greater than max_units=0"),
    (lambda: records(attributes=1), "attributes"),  # type: ignore[arg-type]
    (lambda: units(scheme=DEFAULT_SCHEME.tiers), "scheme"),  # type: ignore[arg-type]
    (lambda: units(counts=0), "counts"),  # type: ignore[arg-type]
    (lambda: schemes(min_tiers=0), "min_tiers"),
    (lambda: schemes(min_tiers=4, max_tiers=2), "min_tiers=4 is greater than max_tiers=2"),
    (lambda: schemes(max_tiers=101), "max_tiers"),
]


@pytest.mark.parametrize(("make", "message"), BAD_ARGUMENTS)
def test_bad_arguments_raise_when_used(
    make: Callable[[], st.SearchStrategy[Any]], message: str
) -> None:
    strategy = make()  # building the strategy does not raise; using it does

    @given(strategy)
    def use(value: Any) -> None:
        raise AssertionError  # pragma: no cover - never reached

    with pytest.raises(InvalidArgument, match=message) as caught:
        use()
    assert isinstance(caught.value, InvalidArgumentError)
    assert isinstance(caught.value, GridorgError)
