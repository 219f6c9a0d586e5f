"""Policy audit on hand-worked examples, and against a brute-force reimplementation."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from gridorg import InvalidArgumentError, Organisation
from gridorg.audit import AuditPolicy, Finding, audit
from tests.test_hierarchy import RECORDS


@pytest.fixture
def org() -> Organisation:
    return Organisation.from_records(RECORDS, name="example")


def codes(findings: tuple[Finding, ...]) -> list[tuple[str, str]]:
    return [(f.unit, f.code) for f in findings]


def test_default_policy_findings(org: Organisation) -> None:
    # Members over subtrees: C1 17 (< 51 for a general branch). Grid households over subtrees:
    # G1 46, G2 30, G3 250, G4 21, so three grids fall below 100. G3 has no party group.
    assert codes(org.audit()) == [
        ("C1", "general_branch_too_small"),
        ("G1", "grid_size"),
        ("G2", "grid_size"),
        ("G3", "grid_without_party_group"),
        ("G4", "grid_size"),
    ]
    first = org.audit()[0]
    assert first.value == 17
    assert first.severity == "warning"
    assert first.message == (
        "general branch 'C1': has 17 party members; a general branch is set up from 51"
    )


def test_thresholds_are_configurable(org: Organisation) -> None:
    policy = AuditPolicy(
        grid_households=(20, 300),
        general_branch_min_members=10,
        household_head_households=(12, 13),
        branch_min_members=12,
    )
    found = set(codes(audit(org, policy)))
    assert found == {
        ("C2", "branch_too_small"),  # 11 members < 12
        ("B1", "branch_could_be_general_branch"),  # 13 members >= 10
        ("C2", "branch_could_be_general_branch"),  # 11 members >= 10
        ("G3", "grid_without_party_group"),
        ("H2", "household_head_load"),  # 14 households > 13
        ("H3", "household_head_load"),  # 11 households < 12
    }
    positions = [org.index(f.unit) for f in audit(org, policy)]
    assert positions == sorted(positions)


def test_large_branches_get_suggestions() -> None:
    records: list[dict[str, Any]] = [
        {"id": "C", "tier": "community", "form": "branch", "party_members": 60},
        {"id": "D", "tier": "community", "form": "general_branch", "party_members": 120},
        {"id": "E", "tier": "community", "form": "committee", "party_members": 99},
    ]
    findings = Organisation.from_records(records).audit()
    assert [(f.unit, f.code, f.severity) for f in findings] == [
        ("C", "branch_could_be_general_branch", "info"),
        ("D", "general_branch_could_be_committee", "info"),
        ("E", "committee_too_small", "warning"),
    ]


def test_branch_committee_attribute() -> None:
    records: list[dict[str, Any]] = [
        {
            "id": "B",
            "tier": "community",
            "form": "branch",
            "party_members": 9,
            "attributes": {"branch_committee": False},
        },
        {
            "id": "b",
            "tier": "community",
            "form": "branch",
            "party_members": 5,
            "attributes": {"branch_committee": True},
        },
        {
            "id": "c",
            "tier": "community",
            "form": "branch",
            "party_members": 5,
            "attributes": {"branch_committee": False},
        },
    ]
    findings = Organisation.from_records(records).audit()
    assert codes(findings) == [
        ("B", "branch_committee_missing"),
        ("b", "branch_committee_too_small"),
    ]


def test_policy_validation() -> None:
    with pytest.raises(InvalidArgumentError, match="grid_households"):
        AuditPolicy(grid_households=(500, 100))
    with pytest.raises(InvalidArgumentError, match="branch_min_members"):
        AuditPolicy(branch_min_members=-1)
    with pytest.raises(InvalidArgumentError):
        audit(Organisation.empty(), policy="strict")  # type: ignore[arg-type]


def test_empty_organisation_has_no_findings() -> None:
    assert Organisation.empty().audit() == ()


def _brute_audit(org: Organisation, policy: AuditPolicy) -> set[tuple[str, str]]:
    records = org.to_records()
    children: dict[str | None, list[str]] = {}
    for r in records:
        children.setdefault(r["parent"], []).append(r["id"])
    by_id = {r["id"]: r for r in records}

    def subtotal(uid: str, field: str) -> int:
        return int(by_id[uid][field]) + sum(subtotal(c, field) for c in children.get(uid, []))

    found: set[tuple[str, str]] = set()
    for r in records:
        uid, form, tier = r["id"], r["form"], r["tier"]
        members = subtotal(uid, "party_members")
        households = subtotal(uid, "households")
        if form == "branch" and members < policy.branch_min_members:
            found.add((uid, "branch_too_small"))
        if form == "branch" and members >= policy.general_branch_min_members:
            found.add((uid, "branch_could_be_general_branch"))
        if form == "general_branch" and members < policy.general_branch_min_members:
            found.add((uid, "general_branch_too_small"))
        if form == "general_branch" and members >= policy.committee_min_members:
            found.add((uid, "general_branch_could_be_committee"))
        if form == "committee" and members < policy.committee_min_members:
            found.add((uid, "committee_too_small"))
        if tier == "grid":
            if form is None:
                found.add((uid, "grid_without_party_group"))
            low, high = policy.grid_households
            if not low <= households <= high:
                found.add((uid, "grid_size"))
        if tier == "household":
            low, high = policy.household_head_households
            if not low <= households <= high:
                found.add((uid, "household_head_load"))
    return found


def test_audit_agrees_with_brute_force_on_generated_organisations() -> None:
    from gridorg.strategies import organisations

    policy = AuditPolicy(grid_households=(5, 50), household_head_households=(1, 3))

    @given(organisations(max_units=30))
    def check(org: Organisation) -> None:
        assert set(codes(audit(org, policy))) == _brute_audit(org, policy)
        assert set(codes(audit(org))) == _brute_audit(org, AuditPolicy())

    check()


def test_policy_tiers_must_exist_in_the_scheme(org: Organisation) -> None:
    with pytest.raises(InvalidArgumentError, match="'grd'"):
        audit(org, AuditPolicy(grid_tier="grd"))
    custom = AuditPolicy(grid_tier="community", household_tier="grid")
    found = {f.code for f in audit(org, custom)}
    assert "grid_without_party_group" not in found  # every community has a party form
    assert "household_head_load" in found  # grid units checked against 10-15 households


def test_grid_without_party_group_carries_no_value(org: Organisation) -> None:
    (finding,) = [f for f in org.audit() if f.code == "grid_without_party_group"]
    assert finding.value is None
