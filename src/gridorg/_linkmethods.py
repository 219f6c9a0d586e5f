"""The cross-link methods of :class:`~gridorg.Organisation`, kept apart from the tree code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gridorg._build import Parts
    from gridorg.categories import CategoryCatalogue
    from gridorg.crosslinks import CrossLinks
    from gridorg.graph import IronTriangle
    from gridorg.hierarchy import Organisation
    from gridorg.links import Link, LinkKind
    from gridorg.locations import Location
    from gridorg.partners import Department, Partner, PartnerKind
    from gridorg.people import Person, Role
    from gridorg.sites import ServiceSite


class LinkMethods:
    """Cross-link methods mixed into :class:`~gridorg.Organisation`."""

    __slots__ = ()

    if TYPE_CHECKING:
        _parts: Parts
        _crosslinks: CrossLinks | None
        _cache: dict[str, Any]

    @property
    def links(self) -> CrossLinks:
        """The partners, people, sites, unit locations and typed links beside the tree."""
        if self._crosslinks is not None:
            return self._crosslinks
        if "links" not in self._cache:
            from gridorg.crosslinks import CrossLinks

            self._cache["links"] = CrossLinks(self._parts.ids)
        empty: CrossLinks = self._cache["links"]
        return empty

    def with_links(
        self,
        links: Iterable[Link | Mapping[str, Any]] | Mapping[str, Sequence[Any]] = (),
        *,
        partners: Iterable[Partner | Mapping[str, Any]] = (),
        people: Iterable[Person | Mapping[str, Any]] = (),
        sites: Iterable[ServiceSite | Mapping[str, Any]] = (),
        locations: Mapping[str, Location | Any] | None = None,
        categories: CategoryCatalogue | Iterable[Any] | None = None,
    ) -> Organisation:
        """A new organisation with partners, people, sites, unit locations and links added.

        Records may be the classes of :mod:`gridorg.partners`, :mod:`gridorg.people`,
        :mod:`gridorg.sites` and :mod:`gridorg.links` or mappings with their fields (links
        with a ``kind``). ``links`` may instead be a mapping of equal-length columns, the fast
        way to add millions of links: ``kind``, ``source`` and ``target`` (ids), and optionally
        ``date`` (registrations), ``text`` (a committee member's position, a registration's
        service team, a sinking's duty; ``None`` for the default) and ``role`` (assignments).
        ``locations`` maps unit ids to :class:`~gridorg.Location` values.
        ``categories`` replaces the issue-category catalogue. Links may point at things added
        in the same call. Everything is validated together and every problem is reported in
        one :class:`~gridorg.LinkError`.
        """
        from gridorg._linkbuild import extend

        org: Organisation = self  # type: ignore[assignment]
        new = extend(
            org,
            links,
            partners=partners,
            people=people,
            sites=sites,
            locations=locations,
            categories=categories,
        )
        return _with(org, new)

    def without_links(
        self, kind: LinkKind | str | None = None, *, touching: str | None = None
    ) -> Organisation:
        """A new organisation without the links of ``kind`` (all kinds when ``None``) that
        touch ``touching`` (anything when ``None``); partners, people and sites stay."""
        from gridorg import graph

        org: Organisation = self  # type: ignore[assignment]
        return _with(org, graph.without_links(org, kind, touching))

    def location(self, uid: str) -> Location | None:
        """Where unit, partner or site ``uid`` is, or ``None`` when not recorded."""
        org: Organisation = self  # type: ignore[assignment]
        if uid in org:
            return self.links.location(uid, org.index(uid))
        return self.links.location(uid)

    def links_of(self, uid: str, kind: LinkKind | str | None = None) -> tuple[Link, ...]:
        """Every link with ``uid`` (a unit, partner, person or site) at either end."""
        from gridorg import graph

        return graph.links_of(self, uid, kind)  # type: ignore[arg-type]

    def partners_of(
        self, uid: str, kind: PartnerKind | str | None = None, *, via_sites: bool = False
    ) -> tuple[Partner, ...]:
        """The partners linked to unit ``uid`` (registered there, or on its committee).

        ``kind`` keeps one kind of partner; ``via_sites=True`` adds the social forces that
        joined the service sites serving the unit.
        """
        from gridorg import graph

        return graph.partners_of(self, uid, kind, via_sites=via_sites)  # type: ignore[arg-type]

    def people_of(self, uid: str, role: Role | str | None = None) -> tuple[Person, ...]:
        """The people linked to unit ``uid`` by any link; ``role`` keeps those holding it."""
        from gridorg import graph

        return graph.people_of(self, uid, role)  # type: ignore[arg-type]

    def responsible_departments(
        self, category: str, at: str | None = None
    ) -> tuple[Department, ...]:
        """The departments that answer for issue ``category`` at unit ``at`` (e.g. a street).

        A department serves the subtree of its ``jurisdiction`` (everywhere when ``None``);
        departments on the extended committee of ``at`` or one of its ancestors come first.
        """
        from gridorg import graph

        return graph.responsible_departments(self, category, at)  # type: ignore[arg-type]

    def contact_points(self, uid: str, *, inherited: bool = False) -> tuple[Person, ...]:
        """The leaders whose contact point (联系点) is unit ``uid``; with ``inherited=True``
        also those of its ancestors, nearest first."""
        from gridorg import graph

        return graph.contact_points(self, uid, inherited=inherited)  # type: ignore[arg-type]

    def iron_triangle(self, grid: str) -> IronTriangle:
        """What a grid has of its iron triangle (铁三角): party group, gridder, household heads."""
        from gridorg import graph

        return graph.iron_triangle(self, grid)  # type: ignore[arg-type]


def _with(org: Organisation, links: CrossLinks) -> Organisation:
    from gridorg.hierarchy import Organisation

    return Organisation(org._parts, org.scheme, org.name, links=links)
