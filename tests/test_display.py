"""Tests of gridorg.display: text tree, summary, notebook HTML, Mermaid and DOT."""

from __future__ import annotations

import functools
import re
import time
import unicodedata
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gridorg.display
from gridorg import ArgumentTypeError, InvalidArgumentError, Organisation, UnknownUnitError
from gridorg.display import (
    display_width,
    mimebundle,
    pad,
    render,
    summary_table,
    summary_text,
    to_dot,
    to_mermaid,
)

# ---------------------------------------------------------------------------- helpers

#: The module under test, typed loosely so that tests may pass it wrong arguments.
UNTYPED: Any = gridorg.display

GUIDES = ("│   ", "├── ", "└── ", "    ")
MORE = re.compile(r"^… ([\d,]+) more units?$")
BELOW = re.compile(r"\(\+([\d,]+) units? below\)$")


def width(text: str) -> int:
    """Terminal columns, written out independently of the module under test."""
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def small() -> Organisation:
    return Organisation.from_records(
        [
            {"id": "S1", "tier": "street", "name": "峨岭街道", "form": "working_committee"},
            {
                "id": "C1",
                "tier": "community",
                "parent": "S1",
                "name": "团结社区党总支",
                "form": "general_branch",
                "party_members": 5,
            },
            {
                "id": "B1",
                "tier": "community",
                "parent": "C1",
                "name": "一支部",
                "form": "branch",
                "party_members": 3,
            },
            {
                "id": "G1",
                "tier": "grid",
                "parent": "B1",
                "form": "group",
                "households": 320,
                "gridders": 1,
            },
            {
                "id": "H1",
                "tier": "household",
                "parent": "G1",
                "name": "张家",
                "form": "central_household",
                "households": 12,
                "party_members": 1,
            },
            {"id": "G2", "tier": "grid", "parent": "B1", "name": "Grid two", "households": 1},
            {"id": "C2", "tier": "community", "parent": "S1", "name": "Hope", "form": "branch"},
        ],
        name="印江",
    )


def split_guide(line: str) -> tuple[int, str]:
    """The depth a line is drawn at (by its guide) and the rest of the line."""
    level = 0
    while line.startswith(GUIDES):
        line = line[4:]
        level += 1
    return level, line


def label_of(org: Organisation, uid: str) -> str:
    unit = org[uid]
    return f"{unit.name} [{uid}]" if unit.name else uid


def subtree_sum(org: Organisation, uid: str, field: str) -> int:
    return sum(getattr(u, field) for u in org.subtree(uid))


def expected_counts(org: Organisation, uid: str) -> str:
    parts = []
    for field, one, many in (
        ("households", "household", "households"),
        ("party_members", "member", "members"),
        ("gridders", "gridder", "gridders"),
    ):
        amount = subtree_sum(org, uid, field)
        if amount:
            parts.append(f"{amount:,} {one if amount == 1 else many}")
    return ", ".join(parts)


def parse_tree(org: Organisation, text: str) -> list[tuple[int, str | None, int]]:
    """Lines as (depth, unit id or None for a note, number): the note's count, else 0.

    Unit lines are matched against the labels of the organisation's units in order of
    appearance, so a line naming no unit fails.
    """
    labels = {label_of(org, uid): uid for uid in org}
    parsed: list[tuple[int, str | None, int]] = []
    for line in text.split("\n"):
        level, rest = split_guide(line)
        more = MORE.match(rest)
        if more:
            parsed.append((level, None, int(more.group(1).replace(",", ""))))
            continue
        found = [
            uid for label, uid in labels.items() if rest == label or rest.startswith(label + "  ")
        ]
        assert len(found) == 1, f"line {line!r} names {found}"
        parsed.append((level, found[0], 0))
    return parsed


def tree_children(parsed: list[tuple[int, str | None, int]]) -> dict[str | None, list[int]]:
    """For each shown unit (None: the top), the indices of the lines directly below it."""
    children: dict[str | None, list[int]] = {None: []}
    chain: list[str | None] = [None]
    for i, (level, uid, _) in enumerate(parsed):
        del chain[level + 1 :]
        assert len(chain) == level + 1, "a line is indented more than one level below its parent"
        children.setdefault(chain[-1], []).append(i)
        if uid is not None:
            chain.append(uid)
            children.setdefault(uid, [])
    return children


@st.composite
def organisations(draw: st.DrawFn) -> Organisation:
    """Small street/community/branch/grid/household trees with mixed-script names."""
    names = st.sampled_from(
        ["", "峨岭街道", "团结社区", "Hope", "ｆｕｌｌ", "Cafe\u0301", "网格 7", "a<b>&", '"q"']
    )
    amounts = st.integers(0, 40)
    records: list[dict[str, Any]] = []

    def add(tier: str, parent: str | None, form: str | None) -> str:
        uid = f"u{len(records)}"
        records.append(
            {
                "id": uid,
                "tier": tier,
                "parent": parent,
                "name": draw(names),
                "form": form,
                "households": draw(amounts),
                "party_members": draw(amounts),
                "gridders": draw(st.integers(0, 2)),
            }
        )
        return uid

    def grids(parent: str) -> None:
        for _ in range(draw(st.integers(0, 3))):
            grid = add("grid", parent, draw(st.sampled_from([None, "group"])))
            for _ in range(draw(st.integers(0, 3))):
                add("household", grid, draw(st.sampled_from([None, "central_household"])))

    for _ in range(draw(st.integers(1, 2))):
        street = add("street", None, "working_committee")
        for _ in range(draw(st.integers(0, 3))):
            if draw(st.booleans()):
                community = add("community", street, "general_branch")
                for _ in range(draw(st.integers(1, 2))):
                    grids(add("community", community, "branch"))
            else:
                grids(add("community", street, draw(st.sampled_from([None, "branch"]))))
    return Organisation.from_records(records)


@functools.cache
def big(communities: int = 40, grids: int = 50, households: int = 100) -> Organisation:
    """One street, ``communities`` communities, grids under each, households under each grid."""
    grid_parent = np.repeat(np.arange(1, communities + 1), grids)
    first_grid = communities + 1
    household_parent = np.repeat(np.arange(first_grid, first_grid + len(grid_parent)), households)
    parent = np.concatenate([[-1], np.zeros(communities, np.int64), grid_parent, household_parent])
    tier = np.concatenate(
        [
            [0],
            np.full(communities, 1),
            np.full(len(grid_parent), 2),
            np.full(len(household_parent), 3),
        ]
    )
    count = len(parent)
    ids = np.array([f"u{i}" for i in range(count)], dtype=object)
    return Organisation.from_columns(
        {
            "id": ids,
            "tier": tier.astype(np.int8),
            "parent": parent.astype(np.int64),
            "households": np.ones(count, dtype=np.int64),
        },
        name="合成",
    )


class TagChecker(HTMLParser):
    """Checks that every element is closed in order; collects tags and text."""

    VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "col", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: Counter[str] = Counter()
        self.text: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.attributes.extend(attrs)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1]}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_html(page: str) -> TagChecker:
    checker = TagChecker()
    checker.feed(page)
    checker.close()
    assert checker.stack == [], f"unclosed elements: {checker.stack}"
    lowered = page.lower()
    for banned in ("<script", "<link", "<style", "<iframe", "<img", "http:", "https:", "url("):
        assert banned not in lowered
    assert {name for name, _ in checker.attributes} <= {"style", "open"}
    return checker


# ---------------------------------------------------------------------------- display width


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("abc", 3),
        ("峨岭街道", 8),
        ("ＡＢ", 4),  # fullwidth forms
        ("Cafe\u0301", 4),  # combining acute accent
        ("├── …", 5),  # ambiguous width counts one
        ("党员中心户 x", 12),
        ("a\u200bb", 2),  # zero-width space is a format character
    ],
)
def test_display_width(text: str, expected: int) -> None:
    assert display_width(text) == expected


def test_pad_by_display_width() -> None:
    assert pad("峨岭", 6) == "峨岭  "
    assert pad("峨岭", 6, align="right") == "  峨岭"
    assert pad("long text", 3) == "long text"
    assert width(pad("Cafe\u0301党", 9)) == 9


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: UNTYPED.display_width(3), ArgumentTypeError),
        (lambda: UNTYPED.pad("x", "3"), ArgumentTypeError),
        (lambda: UNTYPED.pad(3, 3), ArgumentTypeError),
        (lambda: UNTYPED.pad("x", 3, align="centre"), InvalidArgumentError),
    ],
)
def test_text_helpers_reject_bad_arguments(call: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        call()


# ---------------------------------------------------------------------------- render

SMALL_TREE = """\
峨岭街道 [S1]              street     党工委      333 households, 9 members, 1 gridder
├── 团结社区党总支 [C1]    community  党总支      333 households, 9 members, 1 gridder
│   └── 一支部 [B1]        community  党支部      333 households, 4 members, 1 gridder
│       ├── G1             grid       党小组      332 households, 1 member, 1 gridder
│       │   └── 张家 [H1]  household  党员中心户  12 households, 1 member
│       └── Grid two [G2]  grid                   1 household
└── Hope [C2]              community  党支部"""


def test_render_small_tree_exactly() -> None:
    assert render(small()) == SMALL_TREE
    assert small().render() == SMALL_TREE


def test_render_without_counts_and_from_a_start() -> None:
    expected = """\
一支部 [B1]        community  党支部
├── G1             grid       党小组
│   └── 张家 [H1]  household  党员中心户
└── Grid two [G2]  grid"""
    assert render(small(), "B1", counts=False) == expected


def test_render_limits() -> None:
    org = small()
    assert (
        render(org, max_depth=0)
        == "峨岭街道 [S1]  street  党工委  333 households, 9 members, 1 gridder  (+6 units below)"
    )
    lines = render(org, max_children=1, counts=False).split("\n")
    assert lines[-1] == "└── … 1 more unit"
    assert lines[-2] == "│       └── … 1 more unit"


def test_render_empty_organisation() -> None:
    assert render(Organisation.empty()) == "(empty organisation)"
    assert render(Organisation.empty(name="印江")) == "(empty organisation '印江')"


def test_render_keeps_one_line_per_unit_whatever_the_name() -> None:
    org = Organisation.from_records(
        [
            {"id": "S1", "tier": "street", "name": "two\nlines\u2028here"},
            {"id": "C\t1", "tier": "community", "parent": "S1"},
            {"id": "G1", "tier": "grid", "parent": "C\t1", "name": "a\u202eb\u200dc"},
        ]
    )
    lines = render(org).split("\n")
    assert len(lines) == 3
    assert lines[0].startswith("two\\nlines\\u2028here [S1]")
    assert lines[1].startswith("└── C\\t1")
    assert lines[2].startswith("    └── a\\u202eb\u200dc [G1]")  # bidi override escaped


@settings(max_examples=40, deadline=None)
@given(organisations())
def test_untruncated_render_draws_every_unit_once_in_tree_order(org: Organisation) -> None:
    parsed = parse_tree(org, render(org, max_children=None))
    shown = [uid for _, uid, _ in parsed]
    assert shown == list(org)  # each unit once, parents before children, siblings in order
    children = tree_children(parsed)
    for level, uid, _ in parsed:
        assert uid is not None
        assert level == org.depth(uid)
        assert [parsed[i][1] for i in children[uid]] == [c.id for c in org.children(uid)]


@settings(max_examples=40, deadline=None)
@given(organisations(), st.integers(1, 3), st.one_of(st.none(), st.integers(0, 3)))
def test_truncation_notes_account_for_every_child(
    org: Organisation, max_children: int, max_depth: int | None
) -> None:
    text = render(org, max_children=max_children, max_depth=max_depth)
    parsed = parse_tree(org, text)
    units = [uid for _, uid, _ in parsed if uid is not None]
    assert len(units) == len(set(units))
    children = tree_children(parsed)
    lines = text.split("\n")
    for parent, below in children.items():
        expected = [u.id for u in (org.roots() if parent is None else org.children(parent))]
        shown = [parsed[i][1] for i in below if parsed[i][1] is not None]
        notes = [parsed[i][2] for i in below if parsed[i][1] is None]
        assert shown == expected[: len(shown)]
        assert len(shown) <= max_children
        assert len(notes) <= 1
        if below:
            assert len(shown) + sum(notes) == len(expected)
    for (level, uid, _), line in zip(parsed, lines, strict=True):
        if uid is None:
            continue
        descendants = len(org.subtree(uid)) - 1
        cut = BELOW.search(line)
        if children[uid]:
            assert cut is None
        elif descendants:
            assert max_depth is not None
            assert level == max_depth
            assert cut is not None
            assert int(cut.group(1).replace(",", "")) == descendants
        else:
            assert cut is None


@settings(max_examples=40, deadline=None)
@given(organisations())
def test_columns_after_the_label_line_up(org: Organisation) -> None:
    text = render(org, max_children=None)
    starts = set()
    for (_, uid, _), line in zip(parse_tree(org, text), text.split("\n"), strict=True):
        assert uid is not None
        amounts = expected_counts(org, uid)
        if amounts:
            assert line.endswith("  " + amounts)
            starts.add(width(line[: -len(amounts)]))
        else:
            assert not line[-1].isdigit()
    assert len(starts) <= 1


def test_chinese_columns_line_up_in_the_small_tree() -> None:
    lines = render(small(), counts=False).split("\n")
    tier_columns = set()
    for line in lines:
        match = re.search(r"  (street|community|grid|household)\b", line)
        assert match is not None
        tier_columns.add(width(line[: match.start()]))
    assert len(tier_columns) == 1


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"max_depth": -1}, InvalidArgumentError),
        ({"max_depth": 1.5}, ArgumentTypeError),
        ({"max_depth": True}, ArgumentTypeError),
        ({"max_children": 0}, InvalidArgumentError),
        ({"max_children": "3"}, ArgumentTypeError),
        ({"counts": 1}, ArgumentTypeError),
        ({"start": "nope"}, UnknownUnitError),
        ({"start": 3}, ArgumentTypeError),
    ],
)
def test_render_rejects_bad_arguments(kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        render(small(), **kwargs)


def test_functions_reject_what_is_not_an_organisation() -> None:
    for name in ("render", "summary_table", "summary_text", "mimebundle", "to_mermaid", "to_dot"):
        with pytest.raises(ArgumentTypeError, match="expected an Organisation, got dict"):
            getattr(UNTYPED, name)({})


# ---------------------------------------------------------------------------- summary


@settings(max_examples=30, deadline=None)
@given(organisations())
def test_summary_table_matches_a_brute_force_count(org: Organisation) -> None:
    records = org.to_records()
    rows = summary_table(org)
    header = rows[0]
    assert header[0] == "tier"
    assert list(header[-5:]) == ["no form", "units", "households", "party_members", "gridders"]
    forms = list(header[1:-5])
    assert sorted(forms) == sorted({r["form"] for r in records if r["form"] is not None})
    assert [row[0] for row in rows[1:]] == [*org.scheme.names, "total"]
    pairs = Counter((r["tier"], r["form"]) for r in records)
    for row in rows[1:-1]:
        tier = row[0]
        mine = [r for r in records if r["tier"] == tier]
        assert list(row[1:-5]) == [pairs[(tier, f)] for f in forms]
        assert row[-5] == pairs[(tier, None)]
        assert row[-4] == len(mine)
        assert list(row[-3:]) == [
            sum(r[f] for r in mine) for f in ("households", "party_members", "gridders")
        ]
    assert rows[-1][-4] == len(records)
    assert rows[-1][-3] == sum(r["households"] for r in records)


def test_summary_text_aligns_chinese_headings() -> None:
    text = summary_text(small())
    title, *table = text.split("\n")
    assert title == "Organisation '印江': 7 units"
    assert table[0].split() == [
        "tier", "党工委", "党总支", "党支部", "党小组", "党员中心户", "no", "form", "units",
        "households", "party", "members", "gridders",
    ]  # fmt: skip
    assert table[-1].split() == ["total", "1", "1", "2", "1", "1", "1", "7", "333", "9", "1"]
    assert len({width(line) for line in table}) == 1  # right-aligned numbers end together
    heading = table[0]
    heading_ends = {width(heading[: m.end()]) for m in re.finditer(r"\S+", heading)}
    for line in table[1:]:  # each number ends where its column heading ends
        for match in re.finditer(r"\d[\d,]*", line):
            assert width(line[: match.end()]) in heading_ends


# ---------------------------------------------------------------------------- mimebundle


def test_mimebundle_is_self_contained_and_escaped() -> None:
    org = Organisation.from_records(
        [
            {"id": "S1", "tier": "street", "name": "<b>&", "form": "working_committee"},
            {"id": "C'1\"", "tier": "community", "parent": "S1", "name": "团结社区党总支"},
            {"id": "G1", "tier": "grid", "parent": "C'1\"", "households": 3},
        ],
        name="<script>alert(1)</script>",
    )
    bundle = org._repr_mimebundle_()
    assert bundle == mimebundle(org)
    assert set(bundle) == {"text/plain", "text/html"}
    page = bundle["text/html"]
    checker = check_html(page)
    assert "&lt;b&gt;&amp;" in page
    assert checker.tags["b"] == 3  # one per unit label: the name made no element of its own
    text = "".join(checker.text)
    for expected in ("<b>&", "C'1\"", "团结社区党总支", "<script>alert(1)</script>", "党工委"):
        assert expected in text
    assert checker.tags["details"] == 2  # the street and the community have children
    assert summary_text(org) in bundle["text/plain"]
    assert "<b>& [S1]" in bundle["text/plain"]


def test_mimebundle_of_an_empty_organisation() -> None:
    bundle = mimebundle(Organisation.empty())
    check_html(bundle["text/html"])
    assert bundle["text/plain"].endswith("(empty organisation)")


def test_mimebundle_stays_small_for_a_large_organisation() -> None:
    org = big()
    assert len(org) == 202_041
    began = time.perf_counter()
    bundle = mimebundle(org)
    assert time.perf_counter() - began < 1.0
    assert len(bundle["text/plain"]) < 10_000
    assert len(bundle["text/html"]) < 200_000
    checker = check_html(bundle["text/html"])
    # Every unit label has one bold name; the tree shows at most 300 units.
    assert 100 <= checker.tags["b"] <= 300
    assert "… 20 more units" in "".join(checker.text)  # 40 communities, 20 listed
    tree = bundle["text/plain"].split("\n\n", 1)[1].split("\n")
    units = [line for line in tree if not MORE.match(split_guide(line)[1])]
    assert 10 <= len(units) <= 40


def test_render_of_a_large_organisation_reads_only_what_it_shows() -> None:
    org = big()
    began = time.perf_counter()
    lines = render(org, max_depth=1).split("\n")
    assert time.perf_counter() - began < 0.5
    assert len(lines) == 1 + 20 + 1
    assert lines[-1] == "└── … 20 more units"
    assert re.fullmatch(r"u0 +street +202,041 households", lines[0])
    assert all(re.search(r"\(\+5,050 units below\)$", line) for line in lines[1:-1])


# ---------------------------------------------------------------------------- Mermaid and DOT

TRICKY = Organisation.from_records(
    [
        {"id": "S 1", "tier": "street", "name": 'say "hi" #1 <x> `y` & more'},
        {"id": "C-1;", "tier": "community", "parent": "S 1", "name": "团结社区党总支"},
        {"id": 'G"1\\', "tier": "grid", "parent": "C-1;", "name": "back\\slash\nnew line"},
        {"id": "G2", "tier": "grid", "parent": "C-1;"},
        {"id": "S2", "tier": "street"},
    ],
    name='county "A"',
)


def mermaid_decode(text: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), text)


def dot_decode(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def edges_of(org: Organisation) -> set[tuple[int, int]]:
    return {(org.index(r["parent"]), org.index(r["id"])) for r in org.to_records() if r["parent"]}


@settings(max_examples=25, deadline=None)
@given(organisations())
def test_mermaid_has_one_edge_per_parent_child_pair(org: Organisation) -> None:
    text = to_mermaid(org)
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "flowchart TD"
    nodes = [re.fullmatch(r'    n(\d+)\["([^"]*)"\]', line) for line in lines[1:]]
    edges = [re.fullmatch(r"    n(\d+) --> n(\d+)", line) for line in lines[1:]]
    assert all(n or e for n, e in zip(nodes, edges, strict=True))
    assert sorted(int(n.group(1)) for n in nodes if n) == list(range(len(org)))
    found = [(int(e.group(1)), int(e.group(2))) for e in edges if e]
    assert len(found) == len(set(found))
    assert set(found) == edges_of(org)


def test_mermaid_escapes_labels() -> None:
    text = to_mermaid(TRICKY)
    labels = re.findall(r'n\d+\["([^"]*)"\]', text)
    assert len(labels) == len(TRICKY)
    decoded = [mermaid_decode(label) for label in labels]
    assert 'say "hi" #1 <x> `y` & more [S 1] · street' in decoded
    assert "团结社区党总支 [C-1;] · community" in decoded
    assert 'back\\slash new line [G"1\\] · grid' in decoded
    assert not any(set(label) & set('"<>`&') for label in labels)
    assert text.count(" --> ") == 3


@settings(max_examples=25, deadline=None)
@given(organisations())
def test_dot_has_one_edge_per_parent_child_pair(org: Organisation) -> None:
    text = to_dot(org)
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "digraph organisation {"
    assert lines[-1] == "}"
    found = [tuple(map(int, m)) for m in re.findall(r"^    n(\d+) -> n(\d+);$", text, re.M)]
    assert len(found) == len(set(found))
    assert set(found) == edges_of(org)
    nodes = re.findall(r'^    n(\d+) \[label="((?:[^"\\]|\\.)*)"\];$', text, re.M)
    assert sorted(int(n) for n, _ in nodes) == list(range(len(org)))


def test_dot_escapes_backslashes_quotes_and_newlines() -> None:
    text = to_dot(TRICKY)
    labels = dict(re.findall(r'^    n(\d+) \[label="((?:[^"\\]|\\.)*)"\];$', text, re.M))
    assert len(labels) == len(TRICKY)
    grid = dot_decode(labels[str(TRICKY.index('G"1\\'))])
    assert grid == 'back\\slash\nnew line [G"1\\]\ngrid'
    street = dot_decode(labels[str(TRICKY.index("S 1"))])
    assert street == 'say "hi" #1 <x> `y` & more [S 1]\nstreet'
    assert 'graph [label="county \\"A\\"", labelloc=t];' in text
    assert text.count(" -> ") == 3
    # No raw line break inside any statement.
    assert all(line.endswith((";", "{", "}")) for line in text.rstrip("\n").split("\n"))


@pytest.mark.parametrize("function", [to_mermaid, to_dot])
def test_diagrams_truncate_from_the_top(function: Any) -> None:
    org = big(communities=10, grids=10, households=10)
    text = function(org, max_units=15)
    node = re.compile(r"^    n(\d+) ?\[", re.M)
    shown = sorted(int(n) for n in node.findall(text))
    assert len(shown) == 15
    depths = org.column("depth")
    assert sorted(depths[shown].tolist()) == [0] + [1] * 10 + [2] * 4
    assert f"… {len(org) - 15:,} more units not shown" in text
    arrow = "-->" if function is to_mermaid else "->"
    assert text.count(f" {arrow} ") == 14
    limited = function(org, max_depth=1)
    assert len(node.findall(limited)) == 11
    assert "more units" not in limited


@pytest.mark.parametrize("function", [to_mermaid, to_dot])
def test_diagrams_of_a_large_organisation_are_bounded(function: Any) -> None:
    org = big()
    began = time.perf_counter()
    text = function(org)
    assert time.perf_counter() - began < 0.5
    assert len(text.split("\n")) < 1_010
    assert f"… {len(org) - 500:,} more units not shown" in text


@pytest.mark.parametrize("function", [to_mermaid, to_dot])
@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"max_depth": -2}, InvalidArgumentError),
        ({"max_units": 0}, InvalidArgumentError),
        ({"max_units": None}, ArgumentTypeError),
        ({"max_units": 2.0}, ArgumentTypeError),
    ],
)
def test_diagrams_reject_bad_arguments(
    function: Any, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        function(small(), **kwargs)


def test_diagrams_of_an_empty_organisation() -> None:
    empty = Organisation.empty()
    assert to_mermaid(empty) == "flowchart TD\n"
    assert to_dot(empty) == "digraph organisation {\n    node [shape=box];\n}\n"
