"""Quick start: build an organisation, query it, update it, export it.

Run it with ``python docs/examples/quickstart.py``; the test suite runs it and compares the
output with ``quickstart.out``.
"""

import gridorg
from gridorg import Organisation

# 1. Build from records. Order does not matter; parents are ids.
org = Organisation.from_records(
    [
        {"id": "S1", "name": "峨岭街道", "tier": "street", "form": "working_committee"},
        {
            "id": "C1",
            "name": "团结社区",
            "tier": "community",
            "form": "general_branch",
            "parent": "S1",
            "party_members": 6,
        },
        {
            "id": "B1",
            "name": "一小区党支部",
            "tier": "community",
            "form": "branch",
            "parent": "C1",
            "party_members": 5,
        },
        {
            "id": "G1",
            "name": "网格一",
            "tier": "grid",
            "form": "group",
            "parent": "B1",
            "gridders": 2,
            "party_members": 4,
        },
        {"id": "G2", "name": "网格二", "tier": "grid", "parent": "C1", "gridders": 1},
        {
            "id": "H1",
            "tier": "household",
            "form": "central_household",
            "parent": "G1",
            "households": 12,
            "party_members": 1,
        },
        {
            "id": "H2",
            "tier": "household",
            "form": "central_household",
            "parent": "G1",
            "households": 14,
            "party_members": 1,
        },
        {
            "id": "H3",
            "tier": "household",
            "form": "central_household",
            "parent": "G2",
            "households": 11,
            "party_members": 1,
        },
    ],
    name="example",
)
print(org)
print(org.render())

# 2. Queries take ids and return Units; batch queries take and return positions.
print(org.parent("G1"))
print([u.id for u in org.ancestors("H1")])
print(org.ancestor_at("H1", "community").id, org.ancestor_at("H1", "community", nearest=True).id)
print(org.ids_at(org.ancestor_at_many(["H1", "H2", "H3"], "grid")))
print(dict(zip(org, org.totals("households").tolist(), strict=True)))
print([u.id for u in org.walk(order="level", max_depth=2)])
print(org.counts("tier"))

# 3. Policy findings are values, not errors.
for finding in org.audit():
    print(finding.code, "-", finding.message)

# 4. Updates return new organisations; the original never changes.
merged = org.move("G2", "B1").evolve("G2", form="group")
print([u.id for u in merged.children("B1")], len(org.children("B1")))

# 5. Every problem in bad input is reported at once.
try:
    Organisation.from_records(
        [
            {"id": "S1", "tier": "street"},
            {"id": "G9", "tier": "grid", "parent": "S1", "households": -4},
            {"id": "G9", "tier": "grid", "parent": "nowhere"},
        ]
    )
except gridorg.ValidationError as error:
    print(type(error).__name__)
    for problem in error.problems:
        print(" ", problem.code, "|", problem.message)

# 6. JSON round trip, and the other exports.
document = gridorg.dump(org)
print(document["format"], document["version"], sorted(document["units"]))
assert gridorg.load(document) == org
assert Organisation.from_networkx(org.to_networkx()) == org
assert Organisation.from_columns(org.to_columns(), name="example") == org
print("round trips ok")
