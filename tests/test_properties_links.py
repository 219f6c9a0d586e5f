"""Properties of cross-links, each checked against a brute-force reference over the link records.

Documents round-trip the links; the networkx export holds every unit, partner, person, site and
link exactly once; removal drops or reports every link touching what goes; updates carry every
link over; pickling, equality and hashing are consistent; and every query agrees with a plain
scan of ``list(org.links)`` and a walk over the records.
"""

from __future__ import annotations

import collections
import json
import pickle
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import gridorg
from gridorg import (
    DEFAULT_CATEGORIES,
    Assignment,
    Department,
    GridorgError,
    LinkError,
    LinkKind,
    Location,
    Organisation,
    Partner,
    PartnerKind,
    PartyForm,
    Person,
    Role,
    ServiceSite,
    Sinking,
    ValidationError,
)
from gridorg.links import Link, link_from_record
from gridorg.strategies import organisations_with_links, schemes
from tests.strategies_helpers import Tree, form_name, parent_rule, structure_problems
from tests.test_strategies_links import RULES, check_linked, rebuilt

# Organisations of the default scheme, in either coordinate system.
LINKED = organisations_with_links(max_units=20, crs=None)
SMALL = organisations_with_links(max_units=12, max_links=15, crs=None)
# The same, and organisations of random schemes (whose links are mostly assignments and
# joinings, the kinds that do not name a tier), empty trees included.
ANY_SCHEME = st.one_of(
    LINKED,
    schemes(max_tiers=4).flatmap(
        lambda scheme: organisations_with_links(scheme=scheme, min_units=0, max_units=12)
    ),
)
KIND_NAMES = [kind.value for kind in LinkKind]


# ---------------------------------------------------------------------- references


def link_records(org: Organisation) -> list[dict[str, Any]]:
    """The links as JSON-compatible records, in order."""
    return [link.to_record() for link in org.links]


def entity_ids(org: Organisation) -> list[str]:
    """The ids of the partners, people and sites."""
    links = org.links
    return [*links.partners, *links.people, *links.sites]


def unit_locations(org: Organisation) -> dict[str, Location]:
    """The units that have a location, with it."""
    found = {uid: org.location(uid) for uid in org}
    return {uid: place for uid, place in found.items() if place is not None}


def touches(link: Link, ids: set[str]) -> bool:
    """Whether either end of ``link`` is in ``ids``."""
    return link.source in ids or link.target in ids


def renamed_link(link: Link, names: Mapping[str, str]) -> Link:
    """``link`` with each end renamed by ``names``."""
    record = link.to_record()
    for field in type(link).ends:
        record[field] = names.get(record[field], record[field])
    return link_from_record(record)


def renamed_entities(
    org: Organisation, names: Mapping[str, str]
) -> tuple[list[Partner], list[Person], list[ServiceSite]]:
    """The partners, people and sites of ``org`` with jurisdictions and hosts renamed."""
    links = org.links
    found: list[Partner] = [
        attrs.evolve(p, jurisdiction=names[p.jurisdiction])
        if isinstance(p, Department) and p.jurisdiction is not None and p.jurisdiction in names
        else p
        for p in links.partners.values()
    ]
    sites = [
        attrs.evolve(s, host=names[s.host]) if s.host is not None and s.host in names else s
        for s in links.sites.values()
    ]
    return found, list(links.people.values()), sites


def carried(
    new: Organisation, old: Organisation, names: Mapping[str, str] | None = None
) -> Organisation:
    """The tree of ``new`` given, from scratch, the cross-links of ``old`` with unit ids renamed
    by ``names``: what an update that carries every link over must give."""
    names = names or {}
    plain = Organisation.from_records(new.to_records(), scheme=new.scheme, name=new.name)
    partners, people, sites = renamed_entities(old, names)
    return plain.with_links(
        [renamed_link(link, names) for link in old.links],
        partners=partners,
        people=people,
        sites=sites,
        locations={names.get(u, u): p for u, p in unit_locations(old).items()},
    )


def entity_records(org: Organisation) -> list[dict[str, Any]]:
    """The records of the partners, people and sites."""
    return [org.links.entity(uid).to_record() for uid in entity_ids(org)]


def fresh_id(taken: Iterable[str], base: str = "new") -> str:
    """An id that is not in ``taken``."""
    used = set(taken)
    uid, n = base, 0
    while uid in used:
        n += 1
        uid = f"{base}{n}"
    return uid


def as_counter(items: Iterable[Any]) -> collections.Counter[str]:
    """A multiset of JSON-compatible items."""
    return collections.Counter(json.dumps(item, sort_keys=True, default=str) for item in items)


# ---------------------------------------------------------------------- documents


@given(ANY_SCHEME, st.sampled_from(["columns", "records"]))
def test_dump_load_round_trip_keeps_cross_links(org: Organisation, layout: Any) -> None:
    document = gridorg.dump(org, layout=layout)
    again = gridorg.load(document)
    assert again == org
    assert link_records(again) == link_records(org)
    assert gridorg.load(json.loads(json.dumps(document))) == org
    assert gridorg.loads(gridorg.dumps(org, layout=layout)) == org
    assert gridorg.dump(again, layout=layout) == document


# ---------------------------------------------------------------------- networkx


@given(ANY_SCHEME)
def test_networkx_export_holds_everything_once(org: Organisation) -> None:
    graph = org.to_networkx(links=True)
    links = org.links
    expected_types = dict.fromkeys(org, "unit")
    for ids, node_type in (
        (links.partners, "partner"),
        (links.people, "person"),
        (links.sites, "site"),
    ):
        expected_types.update(dict.fromkeys(ids, node_type))
    assert graph.number_of_nodes() == len(expected_types) == len(org) + len(entity_ids(org))
    assert {uid: graph.nodes[uid]["type"] for uid in graph.nodes} == expected_types
    for uid in [*org, *links.partners, *links.sites]:
        assert graph.nodes[uid].get("location") == org.location(uid)
    edges = list(graph.edges(data=True))
    tree_edges = [(u, v) for u, v, data in edges if data["kind"] == "parent"]
    expected_tree = [(r["parent"], r["id"]) for r in org.to_records() if r["parent"] is not None]
    assert collections.Counter(tree_edges) == collections.Counter(expected_tree)
    link_edges = [(u, v, data) for u, v, data in edges if data["kind"] != "parent"]
    assert collections.Counter((u, v, data["kind"]) for u, v, data in link_edges) == (
        collections.Counter((link.source, link.target, link.kind.value) for link in links)
    )
    assert as_counter([u, v, data] for u, v, data in link_edges) == as_counter(
        [link.source, link.target, link.to_record()] for link in links
    )


# ---------------------------------------------------------------------- removal


def dangling_references(org: Organisation, gone_units: set[str], gone: set[str]) -> list[str]:
    """The departments and sites that stay but name a removed unit as jurisdiction or host."""
    links = org.links
    found = [
        d.id
        for d in links.departments.values()
        if d.id not in gone and d.jurisdiction in gone_units
    ]
    found += [s.id for s in links.sites.values() if s.id not in gone and s.host in gone_units]
    return found


@given(SMALL, st.data())
def test_remove_drops_or_reports_every_link_it_touches(
    org: Organisation, data: st.DataObject
) -> None:
    things = [*org, *entity_ids(org)]
    some = st.lists(st.sampled_from(things), unique=True, max_size=3) if things else st.just([])
    chosen = data.draw(some, label="removed")
    drop = data.draw(st.booleans(), label="drop_links")
    tree = Tree(org.to_records())
    gone_units = {d for uid in chosen if uid in tree.by_id for d in tree.subtree(uid)}
    gone = gone_units | {uid for uid in chosen if uid not in tree.by_id}
    hit = [link for link in org.links if touches(link, gone)]
    referring = dangling_references(org, gone_units, gone)
    if referring or (hit and not drop):
        with pytest.raises(LinkError) as caught:
            org.remove(*chosen, drop_links=drop)
        codes = collections.Counter(p.code for p in caught.value.problems)
        assert codes["dangling_reference"] == len(referring)
        assert codes["dangling_link"] == (0 if drop else len(hit))
        return
    result = org.remove(*chosen, drop_links=drop)
    assert list(result) == [uid for uid in org if uid not in gone_units]
    kept = [link for link in org.links if not touches(link, gone)]
    assert list(result.links) == kept
    assert not any(touches(link, gone) for link in result.links)
    for name in ("partners", "people", "sites"):
        before: Mapping[str, Any] = getattr(org.links, name)
        after: Mapping[str, Any] = getattr(result.links, name)
        assert list(after.items()) == [(k, v) for k, v in before.items() if k not in gone]
    assert unit_locations(result) == {
        u: p for u, p in unit_locations(org).items() if u not in gone_units
    }
    check_linked(result)
    check_queries(result)


# ---------------------------------------------------------------------- updates


@given(SMALL, st.data())
def test_add_units_carries_every_link_over(org: Organisation, data: st.DataObject) -> None:
    names = org.scheme.names
    taken = [*org, *entity_ids(org)]
    added: list[dict[str, Any]] = []
    for _ in range(data.draw(st.integers(1, 3), label="count")):
        uid = fresh_id(taken)
        taken.append(uid)
        parents = [r["id"] for r in added] + list(org)
        parent = data.draw(st.none() | st.sampled_from(parents)) if parents else None
        tier = data.draw(st.sampled_from(names))
        if parent is not None:
            above = (
                org[parent].tier
                if parent in org
                else next(r["tier"] for r in added if r["id"] == parent)
            )
            if names.index(above) + 1 < len(names):
                tier = names[names.index(above) + 1]
            else:
                parent = None
        added.append({"id": uid, "tier": tier, "parent": parent})
    result = org.add_units(added)
    assert list(result.links) == list(org.links)
    assert result.links.partners == org.links.partners
    assert result.links.people == org.links.people
    assert result.links.sites == org.links.sites
    assert unit_locations(result) == unit_locations(org)
    assert result == carried(result, org)
    check_queries(result)


@given(SMALL, st.data())
def test_move_carries_every_link_over(org: Organisation, data: st.DataObject) -> None:
    tree = Tree(org.to_records())
    uid = data.draw(st.sampled_from(list(org)))
    inside = set(tree.subtree(uid))
    parents = [
        p
        for p in org
        if p not in inside and parent_rule(org.scheme, tree.by_id[uid], tree.by_id[p])
    ]
    parent = data.draw(st.none() | st.sampled_from(parents)) if parents else None
    result = org.move(uid, parent)
    assert list(result.links) == list(org.links)
    assert unit_locations(result) == unit_locations(org)
    assert result == carried(result, org)
    check_queries(result)


@given(SMALL, st.data())
def test_evolve_carries_every_link_over_a_rename(org: Organisation, data: st.DataObject) -> None:
    uid = data.draw(st.sampled_from(list(org)))
    changes: dict[str, Any] = {}
    if data.draw(st.booleans(), label="rename"):
        changes["id"] = fresh_id([*org, *entity_ids(org)], base=uid + "'")
    if data.draw(st.booleans(), label="new name"):
        changes["name"] = org[uid].name + "x"
    if data.draw(st.booleans(), label="new count"):
        changes["households"] = org[uid].households // 2
    result = org.evolve(uid, **changes)
    names = {uid: changes["id"]} if "id" in changes else {}
    assert list(result.links) == [renamed_link(link, names) for link in org.links]
    assert result == carried(result, org, names)
    check_linked(result)
    check_queries(result)


def _tier_allows(kind: str, tier: str) -> bool:
    tiers = RULES[kind][2]
    return not tiers or tier in tiers


def tree_allows(org: Organisation, uid: str, tier: str, form: PartyForm | None) -> bool:
    """Whether the tree stays valid when unit ``uid`` takes ``tier`` and ``form``."""
    records = org.to_records()
    for record in records:
        if record["id"] == uid:
            record.update(tier=tier, form=form_name(form))
    return not structure_problems(records, org.scheme)


@given(SMALL)
def test_evolve_keeps_the_tiers_links_require(org: Organisation) -> None:
    # Every change of tier and form of a unit some link points at that the tree allows
    # (test_properties checks the others): only the links can object.
    for uid in dict.fromkeys(link.target for link in org.links if link.target in org):
        current = (org[uid].tier, org[uid].form)
        for tier in org.scheme.names:
            for form in [None, *PartyForm]:
                if (tier, form) == current or not tree_allows(org, uid, tier, form):
                    continue
                if any(
                    link.target == uid and not _tier_allows(link.kind.value, tier)
                    for link in org.links
                ):
                    with pytest.raises(ValidationError):
                        org.evolve(uid, tier=tier, form=form)
                else:
                    result = org.evolve(uid, tier=tier, form=form)
                    check_linked(result)
                    assert result == carried(result, org)


def test_evolve_does_not_leave_a_sinking_on_a_street() -> None:
    grid = Organisation.from_records([{"id": "G", "tier": "grid"}])
    org = grid.with_links([Sinking("P", "G")], people=[Person("P")])
    with pytest.raises(ValidationError):
        org.evolve("G", tier="street")


def some_entity_id(org: Organisation, data: st.DataObject) -> tuple[Organisation, str]:
    """``org`` (with a person added when it has no partner, person or site) and the id of one
    of its partners, people or sites."""
    if not entity_ids(org):
        org = org.with_links(people=[Person(fresh_id(org, "P"))])
    return org, data.draw(st.sampled_from(entity_ids(org)), label="entity id")


@given(SMALL, st.data())
def test_add_units_rejects_an_id_of_a_partner_person_or_site(
    org: Organisation, data: st.DataObject
) -> None:
    org, taken = some_entity_id(org, data)
    with pytest.raises(GridorgError):
        org.add_units([{"id": taken, "tier": org.scheme.names[-1]}])


@given(SMALL, st.data())
def test_evolve_rejects_renaming_to_an_id_of_a_partner_person_or_site(
    org: Organisation, data: st.DataObject
) -> None:
    org, taken = some_entity_id(org, data)
    uid = data.draw(st.sampled_from(list(org)), label="unit")
    with pytest.raises(GridorgError):
        org.evolve(uid, id=taken)


# ---------------------------------------------------------------------- value semantics


@given(ANY_SCHEME, st.integers(0, pickle.HIGHEST_PROTOCOL))
def test_pickle_round_trip_keeps_cross_links(org: Organisation, protocol: int) -> None:
    again = pickle.loads(pickle.dumps(org, protocol=protocol))
    assert again == org
    assert hash(again) == hash(org)
    assert list(again.links) == list(org.links)
    assert unit_locations(again) == unit_locations(org)
    for uid in [*org, *entity_ids(org)][:5]:
        assert again.links_of(uid) == org.links_of(uid)
    check_linked(again)


@given(ANY_SCHEME, st.data())
def test_equality_and_hash_follow_the_cross_links(org: Organisation, data: st.DataObject) -> None:
    links = org.links
    plain = Organisation.from_records(org.to_records(), scheme=org.scheme, name=org.name)
    stepwise = (
        plain.with_links(
            partners=list(links.partners.values()),
            people=list(links.people.values()),
            sites=list(links.sites.values()),
        )
        .with_links(list(links))
        .with_links(locations=unit_locations(org))
    )
    assert stepwise == org
    assert hash(stepwise) == hash(org)
    assert rebuilt(org) == org
    assert hash(rebuilt(org)) == hash(org)
    if links.is_empty:
        assert org == plain
        assert hash(org) == hash(plain)
        return
    assert org != plain
    present = [kind for kind, n in links.counts().items() if n]
    if present:
        kind = data.draw(st.sampled_from(present), label="kind dropped")
        assert org.without_links(kind) != org
    if links.people:
        person = data.draw(st.sampled_from(list(links.people.values())), label="person")
        people = [
            attrs.evolve(p, name=p.name + "x") if p.id == person.id else p
            for p in links.people.values()
        ]
        changed = plain.with_links(
            list(links),
            partners=list(links.partners.values()),
            people=people,
            sites=list(links.sites.values()),
            locations=unit_locations(org),
        )
        assert changed != org


ONE_STREET = Organisation.from_records([{"id": "S", "tier": "street"}])
WITH_ENTITY: list[Callable[[dict[str, Any]], Organisation]] = [
    lambda extra: ONE_STREET.with_links(
        partners=[Partner("E", kind="enterprise", attributes=extra)]
    ),
    lambda extra: ONE_STREET.with_links(people=[Person("P", attributes=extra)]),
    lambda extra: ONE_STREET.with_links(sites=[ServiceSite("X", attributes=extra)]),
]


@pytest.mark.parametrize("make", WITH_ENTITY, ids=["partner", "person", "site"])
def test_entity_attributes_compare_as_documents_do(
    make: Callable[[dict[str, Any]], Organisation],
) -> None:
    # Unit attributes 1, 1.0 and true differ, as they do in a document; an entity's must too,
    # or two equal organisations would be written as different documents.
    for first, second in ((1, True), (1, 1.0), (0, False)):
        a, b = make({"a": first}), make({"a": second})
        assert gridorg.dumps(a) != gridorg.dumps(b)
        assert a != b


# ---------------------------------------------------------------------- queries


def check_links_of(org: Organisation, kind: str | None) -> None:
    """``links_of`` and ``of_kind`` against a scan of every link."""
    everything = list(org.links)
    for uid in [*org, *entity_ids(org)]:
        expected = [
            link
            for link in everything
            if touches(link, {uid}) and (kind is None or link.kind == kind)
        ]
        assert list(org.links_of(uid, kind)) == expected
    if kind is not None:
        assert list(org.links.of_kind(kind)) == [link for link in everything if link.kind == kind]
    counts = collections.Counter(link.kind.value for link in everything)
    assert org.links.counts() == {k: counts[k] for k in KIND_NAMES}


def check_partners_of(org: Organisation, kind: PartnerKind | None) -> None:
    """``partners_of`` against the partners at a unit's links and at its sites' joinings."""
    partners = org.links.partners
    direct: dict[str, set[str]] = {uid: set() for uid in org}
    serving: dict[str, set[str]] = {uid: set() for uid in org}
    joined: dict[str, set[str]] = {s: set() for s in org.links.sites}
    for link in org.links:
        for unit, other in ((link.target, link.source), (link.source, link.target)):
            if unit in org and other in partners:
                direct[unit].add(other)
        if link.kind == "serving":
            serving[link.target].add(link.source)
        if link.kind == "joining":
            joined[link.target].add(link.source)
    for uid in org:
        via = set().union(*(joined[site] for site in serving[uid]))
        for via_sites, expected in ((False, direct[uid]), (True, direct[uid] | via)):
            wanted = {p for p in expected if kind is None or partners[p].kind is kind}
            found = org.partners_of(uid, kind, via_sites=via_sites)
            assert len(found) == len({p.id for p in found})
            assert {p.id for p in found} == wanted
            assert all(partners[p.id] == p for p in found)


def check_people_of(org: Organisation, role: Role | None) -> None:
    """``people_of`` against the people at a unit's links who hold ``role``."""
    people = org.links.people
    for uid in org:
        expected = {
            end
            for link in org.links
            if touches(link, {uid})
            for end in (link.source, link.target)
            if end in people and (role is None or role in people[end].roles)
        }
        found = org.people_of(uid, role)
        assert len(found) == len({p.id for p in found})
        assert {p.id for p in found} == expected
        assert all(people[p.id] == p for p in found)


def check_contact_points(org: Organisation) -> None:
    """``contact_points`` against the contact points of a unit and of each of its ancestors."""
    tree = Tree(org.to_records())
    leaders: dict[str, list[str]] = {uid: [] for uid in org}
    for link in org.links.of_kind("contact_point"):
        leaders[link.target].append(link.source)
    for uid in org:
        own = [p.id for p in org.contact_points(uid)]
        assert len(own) == len(set(own))
        assert set(own) == set(leaders[uid])
        nearest: dict[str, int] = {}
        for distance, unit in enumerate([uid, *tree.ancestors(uid)]):
            for person in leaders[unit]:
                nearest.setdefault(person, distance)
        found = [p.id for p in org.contact_points(uid, inherited=True)]
        assert len(found) == len(set(found))
        assert set(found) == set(nearest)
        distances = [nearest[p] for p in found]
        assert distances == sorted(distances)  # nearest first


def check_responsible_departments(org: Organisation, category: str) -> None:
    """``responsible_departments`` against the departments whose jurisdiction covers a unit,
    those on the committee of the unit or an ancestor first."""
    tree = Tree(org.to_records())
    departments = [d for d in org.links.departments.values() if category in d.categories]
    assert {d.id for d in org.responsible_departments(category)} == {d.id for d in departments}
    members: dict[str, set[str]] = {uid: set() for uid in org}
    for link in org.links.of_kind("committee_membership"):
        if link.source in org.links.departments:
            members[link.target].add(link.source)
    for at in org:
        line = [at, *tree.ancestors(at)]
        expected = {d.id for d in departments if d.jurisdiction is None or d.jurisdiction in line}
        on_committee = set().union(*(members[u] for u in line))
        found = [d.id for d in org.responsible_departments(category, at)]
        assert len(found) == len(set(found))
        assert set(found) == expected
        first = [d in on_committee for d in found]
        assert first == sorted(first, reverse=True)  # committee members first


def check_iron_triangles(org: Organisation) -> None:
    """``iron_triangle`` of every grid against counting over its subtree and the assignments."""
    tree = Tree(org.to_records())
    assignments = [a for a in org.links.of_kind("assignment") if isinstance(a, Assignment)]
    for grid in (uid for uid in org if org[uid].tier == "grid"):
        unit = org[grid]
        below = tree.subtree(grid)
        party = unit.form.value if unit.form is not None else None
        led_by = unit.attributes.get("led_by")
        if party is None and isinstance(led_by, str):
            party = led_by
        gridders = unit.gridders + sum(
            1 for a in assignments if a.target == grid and a.role is Role.GRIDDER
        )
        heads = sum(1 for u in below[1:] if tree.by_id[u]["tier"] == "household")
        heads += sum(
            1
            for a in assignments
            if a.target in below
            and a.role is Role.HOUSEHOLD_HEAD
            and tree.by_id[a.target]["tier"] != "household"  # that unit's head: counted once
        )
        triangle = org.iron_triangle(grid)
        found = (triangle.grid, triangle.party, triangle.gridders, triangle.household_heads)
        assert found == (grid, party, gridders, heads)
        missing = [
            name
            for name, absent in (
                ("party", party is None),
                ("gridder", gridders == 0),
                ("household_heads", heads == 0),
            )
            if absent
        ]
        assert list(triangle.missing) == missing
        assert triangle.complete == (not missing)


def check_queries(org: Organisation) -> None:
    """Every query, with no filter, against its reference (used after updates, whose results
    build their lookups anew)."""
    check_links_of(org, None)
    check_partners_of(org, None)
    check_people_of(org, None)
    check_contact_points(org)
    codes = [c for d in org.links.departments.values() for c in sorted(d.categories)]
    check_responsible_departments(org, codes[0] if codes else "stability")
    check_iron_triangles(org)


@given(ANY_SCHEME, st.data())
def test_links_of_agrees_with_a_scan(org: Organisation, data: st.DataObject) -> None:
    check_links_of(org, None)
    check_links_of(org, data.draw(st.sampled_from(KIND_NAMES), label="kind"))


@given(ANY_SCHEME, st.data())
def test_without_links_agrees_with_a_scan(org: Organisation, data: st.DataObject) -> None:
    kind = data.draw(st.none() | st.sampled_from(KIND_NAMES), label="kind")
    things = [*org, *entity_ids(org)]
    near = data.draw(st.none() | st.sampled_from(things), label="touching") if things else None
    result = org.without_links(kind, touching=near)
    assert list(result.links) == [
        link
        for link in org.links
        if not ((kind is None or link.kind == kind) and (near is None or touches(link, {near})))
    ]
    assert entity_ids(result) == entity_ids(org)
    check_queries(result)


@given(LINKED, st.data())
def test_partners_of_agrees_with_a_scan(org: Organisation, data: st.DataObject) -> None:
    check_partners_of(org, data.draw(st.none() | st.sampled_from(list(PartnerKind))))


@given(LINKED, st.data())
def test_people_of_agrees_with_a_scan(org: Organisation, data: st.DataObject) -> None:
    check_people_of(org, data.draw(st.none() | st.sampled_from(list(Role))))


@given(LINKED)
def test_contact_points_agree_with_walking_up(org: Organisation) -> None:
    check_contact_points(org)


@given(LINKED, st.data())
def test_responsible_departments_agree_with_a_scan(org: Organisation, data: st.DataObject) -> None:
    check_responsible_departments(org, data.draw(st.sampled_from(list(DEFAULT_CATEGORIES))))


@given(LINKED)
def test_iron_triangle_agrees_with_counting(org: Organisation) -> None:
    check_iron_triangles(org)


@given(organisations_with_links(max_units=30), st.data())
def test_responsible_many_agrees_with_responsible_departments(
    org: Organisation, data: st.DataObject
) -> None:
    from gridorg.graph import responsible_many

    assume(len(org) > 0)
    codes = list(org.links.categories)
    pairs = data.draw(
        st.lists(st.tuples(st.sampled_from(codes), st.integers(0, len(org) - 1)), max_size=12)
    )
    expected = [org.responsible_departments(code, org.id_at(k)) for code, k in pairs]
    assert responsible_many(org, pairs) == expected
