"""Issue categories: what residents' matters are about, and which department answers for each.

The catalogue names each category by a short ``code`` and says at which tier such matters are
normally handled and which kind of department is responsible. Departments declare the category
codes they answer for; the built-in catalogue holds the categories the source names (综治维稳,
民政救助, 法律服务, 物业, 矛盾纠纷, public facilities) and the functional fields of the
departments that draw grids (2024 central list). Catalogues are values: extend one with
:meth:`CategoryCatalogue.extended`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from gridorg._entity import check_id, check_text, from_mapping
from gridorg._fields import describe
from gridorg.errors import Problem, RecordError, UnknownCategoryError

__all__ = ["DEFAULT_CATEGORIES", "Category", "CategoryCatalogue"]


@attrs.frozen
class Category:
    """One issue category, and who handles it.

    A stable ``code``, an English ``name``, the Chinese ``label``, the tier that normally
    handles such matters and the kind of department responsible for them.

    >>> Category("civil_assistance", "civil assistance", label="民政救助",
    ...          tier="community", department="civil_affairs").code
    'civil_assistance'
    """

    noun = "category"

    code: str = attrs.field(validator=check_id)
    name: str = attrs.field(default="", validator=check_text)
    label: str = attrs.field(default="", kw_only=True, validator=check_text)
    tier: str = attrs.field(default="community", kw_only=True, validator=check_id)
    department: str = attrs.field(default="", kw_only=True, validator=check_text)

    def to_record(self) -> dict[str, Any]:
        """This category as a JSON-compatible mapping."""
        return attrs.asdict(self)

    @classmethod
    def from_record(cls, record: Mapping[str, Any] | Category) -> Category:
        """A category from a mapping with the fields of this class."""
        if isinstance(record, Category):
            return record
        return from_mapping(cls, record, noun=Category)


def _tuple(items: Iterable[Category]) -> tuple[Category, ...]:
    return tuple(items)


@attrs.frozen(repr=False)
class CategoryCatalogue(Mapping[str, Category]):
    """An ordered, immutable catalogue of issue categories keyed by code."""

    _items: tuple[Category, ...] = attrs.field(alias="categories", converter=_tuple)
    _by_code: dict[str, Category] = attrs.field(init=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        by_code: dict[str, Category] = {}
        for i, item in enumerate(self._items):
            if not isinstance(item, Category):
                message = f"category {i}: expected a Category, got {describe(item)}"
                problems.append(Problem("invalid_field", message, index=i))
            elif item.code in by_code:
                message = f"category {item.code!r} is listed twice"
                problems.append(Problem("duplicate_category", message, index=i))
            else:
                by_code[item.code] = item
        if problems:
            raise RecordError(problems, subject="category catalogue")
        object.__setattr__(self, "_by_code", by_code)

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any] | Category]) -> CategoryCatalogue:
        """A catalogue from category records (mappings) or :class:`Category` values."""
        return cls(Category.from_record(record) for record in records)

    def to_records(self) -> list[dict[str, Any]]:
        """The catalogue as a list of JSON-compatible mappings."""
        return [item.to_record() for item in self._items]

    def extended(self, *categories: Category) -> CategoryCatalogue:
        """A new catalogue with ``categories`` appended (a code already present is an error)."""
        return CategoryCatalogue((*self._items, *categories))

    def __getitem__(self, code: str) -> Category:
        try:
            return self._by_code[code]
        except (KeyError, TypeError):
            known = ", ".join(self._by_code)
            msg = f"unknown issue category {code!r}; the catalogue has: {known}"
            raise UnknownCategoryError(msg) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_code)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def __repr__(self) -> str:
        return f"CategoryCatalogue({len(self)} categories: {', '.join(self._by_code)})"


def _builtin() -> CategoryCatalogue:
    rows = [
        (
            "stability",
            "comprehensive governance and stability",
            "综治维稳",
            "community",
            "political_legal",
        ),
        ("civil_assistance", "civil assistance", "民政救助", "community", "civil_affairs"),
        ("legal_services", "legal services", "法律服务", "community", "justice"),
        ("property_management", "property management", "物业管理", "community", "housing"),
        ("neighbour_disputes", "neighbour disputes", "矛盾纠纷", "grid", "justice"),
        ("public_facilities", "public facilities", "公共设施", "community", "urban_management"),
        ("environment", "environment and sanitation", "环境卫生", "grid", "environment"),
        ("urban_management", "city appearance and order", "市容秩序", "grid", "urban_management"),
        (
            "employment",
            "employment and social security",
            "就业社保",
            "community",
            "human_resources",
        ),
        ("public_security", "public security", "治安", "community", "public_security"),
        ("education", "education", "教育", "street", "education"),
        ("health", "health", "卫生健康", "community", "health"),
        ("market_regulation", "market regulation", "市场监管", "street", "market_regulation"),
        (
            "emergency",
            "emergency management and safety",
            "应急安全",
            "street",
            "emergency_management",
        ),
        ("petitions", "petitions and letters", "信访", "street", "petitions"),
    ]
    return CategoryCatalogue(
        Category(code, name, label=label, tier=tier, department=department)
        for code, name, label, tier, department in rows
    )


#: The built-in catalogue: the categories the source names and the fields of the departments
#: on the 2024 central list of grid-drawing departments.
DEFAULT_CATEGORIES = _builtin()
