"""The summary of an organisation: unit counts by tier and party form, and its cross-links."""

from __future__ import annotations

from typing import Final

import numpy as np

from gridorg._display_text import _FIELDS, _GAP, _check_org, _plural, display_width, pad
from gridorg.hierarchy import Organisation
from gridorg.tiers import FORMS, PartyForm

#: Column headings of the summary for the count fields.
_HEADINGS: Final = {
    "households": "households",
    "party_members": "party members",
    "gridders": "gridders",
}
_NO_FORM: Final = "no form"


# ---------------------------------------------------------------------------- summary


def summary_table(org: Organisation) -> list[tuple[str | int, ...]]:
    """Unit counts by tier and party form, with each tier's totals, as rows of a table.

    The first row is the header: ``"tier"``, each party form present (as :class:`PartyForm`
    members, highest first), ``"no form"``, ``"units"``, ``"households"``,
    ``"party_members"`` and ``"gridders"``. Then one row per tier of the scheme, top first
    (tiers without units included), whose counts are the units of that tier and the sums of
    their own households, party members and gridders; the last row, ``"total"``, sums the
    columns.
    """
    org = _check_org(org)
    cells = org.counts(("tier", "form"))
    present = {form for _, form in cells}
    forms = [form for form in FORMS if form in present]
    names = org.scheme.names
    tier_codes = org.column("tier").astype(np.intp)
    sums = {}
    for field in _FIELDS:
        total = np.zeros(len(names), dtype=np.int64)
        np.add.at(total, tier_codes, org.column(field).astype(np.int64))
        sums[field] = total.tolist()
    per_tier = np.bincount(tier_codes, minlength=len(names)).tolist()
    header: tuple[str | int, ...] = ("tier", *forms, _NO_FORM, "units", *_FIELDS)
    rows: list[tuple[str | int, ...]] = [header]
    for t, name in enumerate(names):
        by_form = [cells.get((name, form), 0) for form in (*forms, None)]
        rows.append((name, *by_form, per_tier[t], *(sums[f][t] for f in _FIELDS)))
    columns = len(header) - 1
    totals = [sum(int(row[c + 1]) for row in rows[1:]) for c in range(columns)]
    rows.append(("total", *totals))
    return rows


def _heading(value: str | int) -> str:
    if isinstance(value, PartyForm):
        return value.label
    return _HEADINGS.get(str(value), str(value))


def _title(org: Organisation) -> str:
    label = f" {org.name!r}" if org.name else ""
    return f"Organisation{label}: {_plural(len(org), ('unit', 'units'))}"


def links_text(org: Organisation) -> str:
    """One line on the organisation's cross-links, or ``""`` when it records none.

    >>> links_text(gridorg.datasets.songtao())  # doctest: +SKIP
    'cross-links: 45 committee memberships, 3,383 registrations, ...; 194 partners (13
    departments), 3,292 people, 12 sites'
    """
    links = org.links
    if links.is_empty:
        return ""
    kinds = [
        _plural(n, (kind.replace("_", " "), _KIND_PLURALS.get(kind, kind.replace("_", " ") + "s")))
        for kind, n in links.counts().items()
        if n
    ]
    things = [
        _plural(len(links.partners), ("partner", "partners"))
        + (
            f" ({_plural(len(links.departments), ('department', 'departments'))})"
            if links.departments
            else ""
        ),
        _plural(len(links.people), ("person", "people")),
        _plural(len(links.sites), ("site", "sites")),
    ]
    return f"cross-links: {', '.join(kinds) or 'no links'}; {', '.join(things)}"


_KIND_PLURALS: Final = {"sinking": "sinkings", "serving": "servings", "joining": "joinings"}


def summary_text(org: Organisation) -> str:
    """The :func:`summary_table` as aligned text under a one-line title.

    Tier names are left-aligned, numbers right-aligned with thousands separators; Chinese
    form labels in the header are measured by display width, so the columns line up. When the
    organisation records cross-links, a last line counts them (:func:`links_text`).
    """
    rows = summary_table(org)
    text = [
        [_heading(v) for v in rows[0]],
        *([str(row[0]), *(f"{int(v):,}" for v in row[1:])] for row in rows[1:]),
    ]
    widths = [max(display_width(line[c]) for line in text) for c in range(len(text[0]))]
    lines = [_title(org)]
    for line in text:
        cells = [pad(line[0], widths[0])]
        cells.extend(pad(v, w, align="right") for v, w in zip(line[1:], widths[1:], strict=True))
        lines.append(_GAP.join(cells).rstrip())
    extra = links_text(org)
    if extra:
        lines.append(extra)
    return "\n".join(lines)
