"""The service list (服务清单): departments claim the listed problems they answer for.

Which department can take which problem, and the flow that decides the claims, are in
:mod:`gridorg._lists_flow`; :mod:`gridorg.lists` re-exports the names here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from gridorg import _lists_flow as flow

if TYPE_CHECKING:
    from gridorg.hierarchy import Organisation
    from gridorg.lists import ListedProblem


@attrs.frozen
class Claim:
    """A department's claim on a problem; ``committee`` says whether it sits on the extended
    committee (大工委) above the problem's community."""

    problem: str
    department: str
    committee: bool = False


@attrs.frozen
class Unclaimed:
    """A problem no department took, and why.

    ``reason`` is ``"no_department"`` when no department answers for its category where it
    is, ``"capacity"`` when some do (``candidates``) but their capacity went to other problems.
    """

    problem: str
    reason: str
    candidates: tuple[str, ...] = ()


@attrs.frozen(repr=False)
class ServiceList(flow.Table):
    """The service list (服务清单): which department claimed each problem, and what is left.

    ``claims`` and ``unclaimed`` follow the problems' rank order; ``capacity`` is each
    department's capacity as used.
    """

    problems: tuple[ListedProblem, ...]
    claims: tuple[Claim, ...]
    unclaimed: tuple[Unclaimed, ...]
    capacity: Mapping[str, int]

    _index = "problem"

    @property
    def claim_rate(self) -> float:
        """The share of problems claimed (NaN for an empty problem list)."""
        total = len(self.claims) + len(self.unclaimed)
        return len(self.claims) / total if total else math.nan

    @property
    def assignment(self) -> dict[str, str]:
        """Problem id → the id of the department that claimed it."""
        return {c.problem: c.department for c in self.claims}

    def by_department(self) -> dict[str, tuple[str, ...]]:
        """Department id → the problems it claimed, for departments that claimed any."""
        found: dict[str, list[str]] = {}
        for claim in self.claims:
            found.setdefault(claim.department, []).append(claim.problem)
        return {d: tuple(found[d]) for d in sorted(found)}

    def to_records(self) -> list[dict[str, Any]]:
        """One plain mapping per problem, in rank order: problem, rank, category, community,
        demands, unresolved, department (``None`` when unclaimed), committee, reason (``None``
        when claimed)."""
        claims = {c.problem: c for c in self.claims}
        reasons = {u.problem: u.reason for u in self.unclaimed}
        records = []
        for p in self.problems:
            claim = claims.get(p.id)
            records.append(
                {
                    "problem": p.id,
                    "rank": p.rank,
                    "category": p.category,
                    "community": p.community,
                    "demands": p.demands,
                    "unresolved": p.unresolved,
                    "department": None if claim is None else claim.department,
                    "committee": claim is not None and claim.committee,
                    "reason": reasons.get(p.id),
                }
            )
        return records

    def _columns(self) -> tuple[str, ...]:
        return (
            "problem",
            "rank",
            "category",
            "community",
            "demands",
            "unresolved",
            "department",
            "committee",
            "reason",
        )

    def __repr__(self) -> str:
        rate = "n/a" if math.isnan(self.claim_rate) else f"{self.claim_rate:.0%}"
        head = f"<ServiceList: {len(self.claims)} of {len(self.problems)} problems claimed"
        rows = []
        for record in self.to_records():
            taker = record["department"] or f"unclaimed: {record['reason']}"
            rows.append(f"{record['rank']}. {record['problem']} → {taker}")
        return self._listing(f"{head} ({rate})", rows, len(self.problems))


def service_list(
    problems: Sequence[ListedProblem],
    org: Organisation,
    *,
    capacity: int | Mapping[str, int] = 3,
    at: str | None = None,
) -> ServiceList:
    """The service list: departments claim the problems they answer for, up to their capacity.

    A department can claim a problem when its categories include the problem's and the
    problem's community lies in its jurisdiction (anywhere when the jurisdiction is ``None``; a
    problem without a community only by such departments). ``capacity`` is the number of
    problems every department can take, or a mapping department id → number (departments it
    leaves out take none). With ``at`` (a unit id), only the problems in that unit's subtree
    are listed: the service list of one street. The assignment is a maximum flow of minimum
    cost (see the module notes): as many problems as possible, the most pressing first, to
    departments on the extended committee first, then to those earlier in the order of
    :meth:`~gridorg.Organisation.responsible_departments`.
    """
    chosen = flow.check_problems(problems, org, at)
    capacities = flow.check_capacity(capacity, org)
    outcome = flow.solve(chosen, org, capacities)
    claims = tuple(
        Claim(p.id, outcome.taker[p.id], outcome.committee[p.id])
        for p in chosen
        if p.id in outcome.taker
    )
    unclaimed = tuple(
        Unclaimed(
            p.id,
            "capacity" if outcome.candidates[p.id] else "no_department",
            outcome.candidates[p.id],
        )
        for p in chosen
        if p.id not in outcome.taker
    )
    return ServiceList(tuple(chosen), claims, unclaimed, capacities)
