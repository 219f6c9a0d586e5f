"""Policy audit: findings about an organisation that are not structural errors.

Structural rules (unique ids, existing parents, no cycles, tier order) are enforced when an
organisation is built. Policy rules are matters of degree and local practice, so they are
reported as :class:`Finding` values, never raised:

- party form against membership, after the CPC's rules for basic-level organisations: a branch
  (党支部) needs at least 3 full members and elects a branch committee from 7; a general branch
  (党总支) is set up above 50 members; a committee (党委) from 100;
- every grid has a party group (应建尽建: "every unit that should have a party organisation has
  one");
- each household head (联户长 / 党员中心户) liaises for 10-15 households;
- each grid's size is moderate (规模适度).

Membership is counted over a unit's whole subtree (a general branch's members include those of
its branches); households likewise. Every threshold lives in :class:`AuditPolicy`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

import attrs
import numpy as np
import numpy.typing as npt

from gridorg.errors import InvalidArgumentError
from gridorg.tiers import FORMS, LevelScheme, PartyForm

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation

__all__ = ["AuditPolicy", "Finding", "audit"]

Severity = Literal["warning", "info"]


def _range(_inst: object, attribute: attrs.Attribute[tuple[int, int]], value: object) -> None:
    if (
        not isinstance(value, tuple)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
        or value[0] > value[1]
    ):
        msg = (
            f"{attribute.name} must be a pair (low, high) of integers with "
            f"0 <= low <= high, got {value!r}"
        )
        raise InvalidArgumentError(msg)


def _optional_name(_inst: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and not isinstance(value, str):
        msg = f"{attribute.name} must be a tier name or None, got {type(value).__name__}"
        raise InvalidArgumentError(msg)


def _count(_inst: object, attribute: attrs.Attribute[int], value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        msg = f"{attribute.name} must be a non-negative integer, got {value!r}"
        raise InvalidArgumentError(msg)


@attrs.frozen(kw_only=True)
class AuditPolicy:
    """The thresholds the audit applies; every one is configurable.

    The defaults for party forms follow the CPC's regulations on basic-level organisations
    (branch ≥ 3 full members, branch committee from 7, general branch above 50, committee from
    100). ``household_head_households`` is the 10-15 households a head liaises for (DOMAIN.md).
    ``grid_households`` has no national figure behind it: the default only flags clear outliers;
    many cities set 300-500 households per urban grid, so set it to local rules.
    ``grid_tier`` and ``household_tier`` name the tiers the grid and household-head rules apply
    to; by default the scheme's tiers called ``grid`` and ``household``, when it has them.
    """

    branch_min_members: int = attrs.field(default=3, validator=_count)
    branch_committee_members: int = attrs.field(default=7, validator=_count)
    general_branch_min_members: int = attrs.field(default=51, validator=_count)
    committee_min_members: int = attrs.field(default=100, validator=_count)
    household_head_households: tuple[int, int] = attrs.field(default=(10, 15), validator=_range)
    grid_households: tuple[int, int] = attrs.field(default=(100, 1000), validator=_range)
    grid_tier: str | None = attrs.field(default=None, validator=_optional_name)
    household_tier: str | None = attrs.field(default=None, validator=_optional_name)

    def tier_for(self, role: Literal["grid", "household"], scheme: LevelScheme) -> str | None:
        """The tier the grid (or household-head) rules apply to in ``scheme``, or ``None``.

        When the policy names no tier, the scheme's tier called ``grid`` (``household``) is
        used if there is one; a tier the policy names must exist in the scheme.
        """
        named = self.grid_tier if role == "grid" else self.household_tier
        if named is None:
            return role if role in scheme.names else None
        if named not in scheme.names:
            msg = (
                f"AuditPolicy.{role}_tier is {named!r}, which the scheme does not have; "
                f"its tiers are {', '.join(scheme.names)}"
            )
            raise InvalidArgumentError(msg)
        return named


@attrs.frozen
class Finding:
    """One policy finding: a stable ``code``, the unit it concerns and a readable message.

    ``severity`` is ``"warning"`` for a rule that is not met and ``"info"`` for a suggestion
    (a branch large enough to become a general branch).
    """

    code: str
    unit: str
    message: str
    severity: Severity = "warning"
    value: int | None = None


def audit(org: Organisation, policy: AuditPolicy | None = None) -> tuple[Finding, ...]:
    """Every policy finding for ``org``, ordered by unit position, then by code.

    Codes: ``branch_too_small``, ``branch_committee_missing``, ``branch_committee_too_small``,
    ``general_branch_too_small``, ``committee_too_small``, ``branch_could_be_general_branch``,
    ``general_branch_could_be_committee``, ``grid_without_party_group``,
    ``household_head_load``, ``grid_size``. A branch's committee is known from its
    ``attributes["branch_committee"]`` (true or false) when present.
    """
    policy = AuditPolicy() if policy is None else policy
    if not isinstance(policy, AuditPolicy):
        msg = f"policy must be an AuditPolicy, got {type(policy).__name__}"
        raise InvalidArgumentError(msg)
    found: list[tuple[int, Finding]] = []
    members = org.totals("party_members")
    households = org.totals("households")
    form = org.column("form")
    ids = org._parts.ids

    def report(
        mask: npt.NDArray[np.bool_],
        code: str,
        text: Callable[[int], str],
        severity: Severity = "warning",
        values: npt.NDArray[np.int64] | None = members,
        kind: str | None = None,
    ) -> None:
        for k in np.flatnonzero(mask).tolist():
            value = None if values is None else int(values[k])
            what = kind or _kind(org, k)
            message = f"{what} {ids[k]!r}: {text(value or 0)}"
            found.append((k, Finding(code, ids[k], message, severity, value)))

    def is_form(f: PartyForm) -> npt.NDArray[np.bool_]:
        mask: npt.NDArray[np.bool_] = form == FORMS.index(f)
        return mask

    branch, general, committee = (
        is_form(PartyForm.BRANCH),
        is_form(PartyForm.GENERAL_BRANCH),
        is_form(PartyForm.COMMITTEE),
    )
    p = policy
    report(
        branch & (members < p.branch_min_members),
        "branch_too_small",
        lambda v: f"has {v} party members; a branch needs at least {p.branch_min_members}",
    )
    report(
        general & (members < p.general_branch_min_members),
        "general_branch_too_small",
        lambda v: (
            f"has {v} party members; a general branch is set up from "
            f"{p.general_branch_min_members}"
        ),
    )
    report(
        committee & (members < p.committee_min_members),
        "committee_too_small",
        lambda v: f"has {v} party members; a committee is set up from {p.committee_min_members}",
    )
    report(
        branch & (members >= p.general_branch_min_members),
        "branch_could_be_general_branch",
        lambda v: f"has {v} party members, enough for a general branch",
        "info",
    )
    report(
        general & (members >= p.committee_min_members),
        "general_branch_could_be_committee",
        lambda v: f"has {v} party members, enough for a committee",
        "info",
    )
    _branch_committees(org, branch, members, p, found)
    scheme = org.scheme
    grid_tier = p.tier_for("grid", scheme)
    head_tier = p.tier_for("household", scheme)
    if grid_tier is not None:
        grid = org.column("tier") == scheme.index(grid_tier)
        report(
            grid & (form < 0),
            "grid_without_party_group",
            lambda v: "has no party organisation of its own (应建尽建: every grid a party group)",
            values=None,
            kind=grid_tier,
        )
        low, high = p.grid_households
        report(
            grid & ((households < low) | (households > high)),
            "grid_size",
            lambda v: f"covers {v} households, outside the range {low}-{high}",
            values=households,
            kind=grid_tier,
        )
    if head_tier is not None:
        head = org.column("tier") == scheme.index(head_tier)
        low, high = p.household_head_households
        report(
            head & ((households < low) | (households > high)),
            "household_head_load",
            lambda v: f"liaises for {v} households, outside the range {low}-{high}",
            values=households,
            kind="household head",
        )
    found.sort(key=lambda pair: (pair[0], pair[1].code))
    return tuple(f for _, f in found)


def _branch_committees(
    org: Organisation,
    branch: npt.NDArray[np.bool_],
    members: npt.NDArray[np.int64],
    policy: AuditPolicy,
    found: list[tuple[int, Finding]],
) -> None:
    attributes = org._parts.attributes
    ids = org._parts.ids
    for k, extra in attributes.items():
        if not branch[k] or "branch_committee" not in extra:
            continue
        has_committee = extra["branch_committee"]
        count = int(members[k])
        if has_committee is False and count >= policy.branch_committee_members:
            text = (
                f"has {count} party members but no branch committee; a branch elects one "
                f"from {policy.branch_committee_members} members"
            )
            found.append(
                (
                    k,
                    Finding(
                        "branch_committee_missing",
                        ids[k],
                        f"branch {ids[k]!r}: {text}",
                        "warning",
                        count,
                    ),
                )
            )
        elif has_committee is True and count < policy.branch_committee_members:
            text = (
                f"has a branch committee with only {count} party members; a committee is "
                f"elected from {policy.branch_committee_members}"
            )
            found.append(
                (
                    k,
                    Finding(
                        "branch_committee_too_small",
                        ids[k],
                        f"branch {ids[k]!r}: {text}",
                        "warning",
                        count,
                    ),
                )
            )


def _kind(org: Organisation, k: int) -> str:
    code = int(org.column("form")[k])
    if code >= 0:
        return FORMS[code].value.replace("_", " ")
    return org.scheme[int(org.column("tier")[k])].name
