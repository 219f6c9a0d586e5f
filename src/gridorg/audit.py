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

When an organisation carries cross-links (``org.links``, see :mod:`gridorg.links`), the audit
also reads the graph beyond the tree:

- every community has a leader's contact point (联系点) of its own;
- every grid has its whole iron triangle (铁三角): a party group or leading branch, a gridder
  and household heads (:meth:`Organisation.iron_triangle <gridorg.Organisation.iron_triangle>`);
- every street has a responsible department for every issue category in the catalogue
  (街道吹哨、部门报到 needs a department to answer the whistle);
- every service site (服务阵地) serves some community or grid.

An organisation that records no cross-links at all is not judged on them: a tree without
partners, people or sites says nothing about its contact points or service sites, so those
findings would only restate that the data is absent. Likewise the contact-point rule runs only
when some contact point is recorded, and the department rule only when some department is.
:attr:`AuditPolicy.check_links` forces the link findings on (every rule) or off.
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
TierRole = Literal["street", "community", "grid", "household"]
_TIER_ROLES: tuple[TierRole, ...] = ("street", "community", "grid", "household")


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


def _optional_bool(_inst: object, attribute: attrs.Attribute[bool | None], value: object) -> None:
    if value is not None and not isinstance(value, bool):
        msg = f"{attribute.name} must be True, False or None, got {value!r}"
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
    ``community_tier`` and ``street_tier`` do the same for the contact-point and
    department-coverage rules (default: the tiers called ``community`` and ``street``).

    ``check_links`` decides whether the cross-link findings run: ``None`` (the default) runs
    them when the organisation carries cross-link data (``not org.links.is_empty``), the
    contact-point rule only when some contact point is recorded and the department rule only
    when some department is; ``True`` runs every rule, ``False`` none.
    """

    branch_min_members: int = attrs.field(default=3, validator=_count)
    branch_committee_members: int = attrs.field(default=7, validator=_count)
    general_branch_min_members: int = attrs.field(default=51, validator=_count)
    committee_min_members: int = attrs.field(default=100, validator=_count)
    household_head_households: tuple[int, int] = attrs.field(default=(10, 15), validator=_range)
    grid_households: tuple[int, int] = attrs.field(default=(100, 1000), validator=_range)
    grid_tier: str | None = attrs.field(default=None, validator=_optional_name)
    household_tier: str | None = attrs.field(default=None, validator=_optional_name)
    community_tier: str | None = attrs.field(default=None, validator=_optional_name)
    street_tier: str | None = attrs.field(default=None, validator=_optional_name)
    check_links: bool | None = attrs.field(default=None, validator=_optional_bool)

    def tier_for(self, role: TierRole, scheme: LevelScheme) -> str | None:
        """The tier the rules for ``role`` (``"grid"``, ``"household"``, ``"community"`` or
        ``"street"``) apply to in ``scheme``, or ``None``.

        When the policy names no tier, the scheme's tier called ``role`` is used if there is
        one; a tier the policy names must exist in the scheme.
        """
        if role not in _TIER_ROLES:
            msg = f"role must be one of {', '.join(_TIER_ROLES)}, got {role!r}"
            raise InvalidArgumentError(msg)
        named: str | None = getattr(self, f"{role}_tier")
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
    (a branch large enough to become a general branch). ``unit`` is a unit id, except for
    ``idle_site``, where it is the id of the service site.
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

    With cross-links (see :attr:`AuditPolicy.check_links`), also:
    ``community_without_contact_leader`` (a community with no
    :class:`~gridorg.links.ContactPoint` to it; a contact point on one of its grids does not
    count, since the source assigns leaders to communities and to key grids separately, nor
    does one on a branch nested in the community; only the outermost unit of the community
    tier is judged, and likewise for streets),
    ``incomplete_iron_triangle`` (a grid missing any of party, gridder, household heads, as
    :meth:`Organisation.iron_triangle <gridorg.Organisation.iron_triangle>` counts them, with
    household heads from the policy's household tier; ``value`` is how many parts are missing),
    ``uncovered_category`` (one per street, naming every category of ``org.links.categories``
    for which :meth:`Organisation.responsible_departments
    <gridorg.Organisation.responsible_departments>` finds no department; ``value`` is how many)
    and ``idle_site`` (a service site that serves no unit; ``unit`` is the site's id and the
    finding sits at its host's position, after every unit when it has no host).
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
    links_on = p.check_links
    automatic = links_on is None
    if links_on is None:
        links_on = not org.links.is_empty
    community_tier = p.tier_for("community", scheme)
    street_tier = p.tier_for("street", scheme)
    if links_on:
        # Left to itself, the audit judges only what the data records: contact points when
        # some are recorded, department coverage when some departments are.
        from gridorg._audit_links import (
            contact_leaders,
            idle_sites,
            iron_triangles,
            uncovered_categories,
        )

        recorded = org.links.counts()
        if community_tier is not None and (not automatic or recorded["contact_point"]):
            contact_leaders(org, community_tier, found)
        if grid_tier is not None:
            iron_triangles(org, grid_tier, head_tier, found)
        if street_tier is not None and (not automatic or org.links.departments):
            uncovered_categories(org, street_tier, found)
        idle_sites(org, found)
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
